"""Actions: the atoms every statistic is computed from (``shared/DOMAIN.md`` §3).

An action happens on a *device*: a regular DN, a mediation DN (queue or
routing point), a media channel or a staging area. It is

* **durable**: it has a start and an end (``CallRinging`` from ringing to
  answer). While open, ``Action.end`` is ``None``; when it closes the engine
  emits a second record of the same action with ``end`` set;
* **momentary**: it marks the start of something and has no duration
  (``CallRingingStarted``): ``start == end``;
* **retrospective**: it is generated when a durable action ends and carries
  that duration (``CallAnswered`` carries the ringing time): ``start`` is the
  start of the durable action it closes, ``end`` the time it happened.

The tables below are the single source of truth: the engine, the docs and the
tests all read them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from statengine.core.objects import ObjectRef

__all__ = [
    "ACTION_CLASS",
    "CALL_ACTION_OF_TYPE",
    "Action",
    "ActionClass",
    "ActionKind",
]


class ActionClass(enum.Enum):
    #: has a start and an end
    DURABLE = "durable"
    #: marks a start, no duration
    MOMENTARY = "momentary"
    #: marks an end and carries the duration of what ended
    RETROSPECTIVE = "retrospective"


class ActionKind(enum.Enum):
    """Action names of the Stat Server (DOMAIN §3.2)."""

    # Members are singletons compared by identity; hashing by identity too
    # (in C) makes the per-event table lookups several times cheaper than
    # Enum's default hash of the member name.
    __hash__ = object.__hash__

    # --- regular DNs: agent state (non-interaction) ---
    LoggedIn = "LoggedIn"
    AgentLogin = "AgentLogin"
    AgentLogout = "AgentLogout"
    WaitForNextCall = "WaitForNextCall"
    NotReadyForNextCall = "NotReadyForNextCall"
    AfterCallWork = "AfterCallWork"
    DoNotDisturb = "DoNotDisturb"
    OffHook = "OffHook"
    OnHook = "OnHook"
    # --- regular DNs: calls ---
    CallDialing = "CallDialing"
    CallDialingStarted = "CallDialingStarted"
    CallDialed = "CallDialed"
    CallAbandonedFromDialing = "CallAbandonedFromDialing"
    CallRinging = "CallRinging"
    CallRingingStarted = "CallRingingStarted"
    CallAnswered = "CallAnswered"
    CallAbandonedFromRinging = "CallAbandonedFromRinging"
    CallForwarded = "CallForwarded"
    CallMissed = "CallMissed"
    CallRingingPartyChanged = "CallRingingPartyChanged"
    CallInbound = "CallInbound"
    CallInboundStarted = "CallInboundStarted"
    CallInboundCompleted = "CallInboundCompleted"
    CallOutbound = "CallOutbound"
    CallOutboundStarted = "CallOutboundStarted"
    CallOutboundCompleted = "CallOutboundCompleted"
    CallOutboundOriginated = "CallOutboundOriginated"
    CallOutboundReceived = "CallOutboundReceived"
    CallInternal = "CallInternal"
    CallInternalStarted = "CallInternalStarted"
    CallInternalCompleted = "CallInternalCompleted"
    CallInternalOriginated = "CallInternalOriginated"
    CallInternalReceived = "CallInternalReceived"
    CallConsult = "CallConsult"
    CallConsultStarted = "CallConsultStarted"
    CallConsultCompleted = "CallConsultCompleted"
    CallConsultOriginated = "CallConsultOriginated"
    CallConsultReceived = "CallConsultReceived"
    CallUnknown = "CallUnknown"
    CallUnknownStarted = "CallUnknownStarted"
    CallUnknownCompleted = "CallUnknownCompleted"
    CallOnHold = "CallOnHold"
    CallHeld = "CallHeld"
    CallRetrievedFromHold = "CallRetrievedFromHold"
    CallAbandonedFromHold = "CallAbandonedFromHold"
    CallPartyChanged = "CallPartyChanged"
    CallTransferMade = "CallTransferMade"
    CallTransferTaken = "CallTransferTaken"
    CallConferenceMade = "CallConferenceMade"
    CallConferenceJoined = "CallConferenceJoined"
    CallConferencePartyAdded = "CallConferencePartyAdded"
    CallConferencePartyDeleted = "CallConferencePartyDeleted"
    UserEventReceived = "UserEventReceived"
    # --- mediation DNs (queues, routing points) ---
    Monitored = "Monitored"
    NotMonitored = "NotMonitored"
    CallWait = "CallWait"
    CallEntered = "CallEntered"
    CallDistributed = "CallDistributed"
    CallDistributedToQueue = "CallDistributedToQueue"
    CallAbandoned = "CallAbandoned"
    CallCleared = "CallCleared"
    CallReleased = "CallReleased"
    CallTreatmentStarted = "CallTreatmentStarted"
    CallTreatmentCompleted = "CallTreatmentCompleted"
    CallTreatmentNotStarted = "CallTreatmentNotStarted"
    ACWCompleted = "ACWCompleted"
    ACWMissed = "ACWMissed"
    AgentActive = "AgentActive"
    AgentReady = "AgentReady"
    AgentLoginQueue = "AgentLogin(Mediation)"
    UserEvent = "UserEvent"
    StuckCallCleaned = "StuckCallCleaned"
    StuckCallCleanedWhileRinging = "StuckCallCleanedWhileRinging"
    # --- media channels (Interaction Server) ---
    Active = "Active"
    Routable = "Routable"
    NotRoutable = "NotRoutable"
    Delivering = "Delivering"
    DeliveringStarted = "DeliveringStarted"
    Accepted = "Accepted"
    InteractionRejected = "InteractionRejected"
    InteractionRevoked = "InteractionRevoked"
    Handling = "Handling"
    HandlingStarted = "HandlingStarted"
    HandlingInbound = "HandlingInbound"
    HandlingInboundStarted = "HandlingInboundStarted"
    HandlingOutbound = "HandlingOutbound"
    HandlingOutboundStarted = "HandlingOutboundStarted"
    HandlingInternal = "HandlingInternal"
    HandlingInternalStarted = "HandlingInternalStarted"
    # --- staging areas (interaction queues) ---
    InteractionEntered = "InteractionEntered"
    InteractionWaiting = "InteractionWaiting"
    InteractionDistributed = "InteractionDistributed"
    InteractionDistributedToQueue = "InteractionDistributedToQueue"
    InteractionCleared = "InteractionCleared"
    InteractionDeleted = "InteractionDeleted"


_D, _M, _R = ActionClass.DURABLE, ActionClass.MOMENTARY, ActionClass.RETROSPECTIVE
_K = ActionKind

#: The class of every action kind.
ACTION_CLASS: Mapping[ActionKind, ActionClass] = MappingProxyType(
    {
        _K.LoggedIn: _D,
        _K.AgentLogin: _M,
        _K.AgentLogout: _M,
        _K.WaitForNextCall: _D,
        _K.NotReadyForNextCall: _D,
        _K.AfterCallWork: _D,
        _K.DoNotDisturb: _D,
        _K.OffHook: _D,
        _K.OnHook: _D,
        _K.CallDialing: _D,
        _K.CallDialingStarted: _M,
        _K.CallDialed: _R,
        _K.CallAbandonedFromDialing: _R,
        _K.CallRinging: _D,
        _K.CallRingingStarted: _M,
        _K.CallAnswered: _R,
        _K.CallAbandonedFromRinging: _R,
        _K.CallForwarded: _R,
        _K.CallMissed: _R,
        _K.CallRingingPartyChanged: _M,
        _K.CallInbound: _D,
        _K.CallInboundStarted: _M,
        _K.CallInboundCompleted: _R,
        _K.CallOutbound: _D,
        _K.CallOutboundStarted: _M,
        _K.CallOutboundCompleted: _R,
        _K.CallOutboundOriginated: _M,
        _K.CallOutboundReceived: _M,
        _K.CallInternal: _D,
        _K.CallInternalStarted: _M,
        _K.CallInternalCompleted: _R,
        _K.CallInternalOriginated: _M,
        _K.CallInternalReceived: _M,
        _K.CallConsult: _D,
        _K.CallConsultStarted: _M,
        _K.CallConsultCompleted: _R,
        _K.CallConsultOriginated: _M,
        _K.CallConsultReceived: _M,
        _K.CallUnknown: _D,
        _K.CallUnknownStarted: _M,
        _K.CallUnknownCompleted: _R,
        _K.CallOnHold: _D,
        _K.CallHeld: _M,
        _K.CallRetrievedFromHold: _R,
        _K.CallAbandonedFromHold: _R,
        _K.CallPartyChanged: _M,
        _K.CallTransferMade: _M,
        _K.CallTransferTaken: _M,
        _K.CallConferenceMade: _M,
        _K.CallConferenceJoined: _M,
        _K.CallConferencePartyAdded: _M,
        _K.CallConferencePartyDeleted: _M,
        _K.UserEventReceived: _M,
        _K.Monitored: _D,
        _K.NotMonitored: _D,
        _K.CallWait: _D,
        _K.CallEntered: _M,
        _K.CallDistributed: _R,
        _K.CallDistributedToQueue: _R,
        _K.CallAbandoned: _R,
        _K.CallCleared: _R,
        _K.CallReleased: _R,
        _K.CallTreatmentStarted: _M,
        _K.CallTreatmentCompleted: _R,
        _K.CallTreatmentNotStarted: _M,
        _K.ACWCompleted: _R,
        _K.ACWMissed: _R,
        _K.AgentActive: _D,
        _K.AgentReady: _D,
        _K.AgentLoginQueue: _D,
        _K.UserEvent: _M,
        _K.StuckCallCleaned: _R,
        _K.StuckCallCleanedWhileRinging: _R,
        _K.Active: _D,
        _K.Routable: _D,
        _K.NotRoutable: _D,
        _K.Delivering: _D,
        _K.DeliveringStarted: _M,
        _K.Accepted: _R,
        _K.InteractionRejected: _R,
        _K.InteractionRevoked: _R,
        _K.Handling: _D,
        _K.HandlingStarted: _M,
        _K.HandlingInbound: _D,
        _K.HandlingInboundStarted: _M,
        _K.HandlingOutbound: _D,
        _K.HandlingOutboundStarted: _M,
        _K.HandlingInternal: _D,
        _K.HandlingInternalStarted: _M,
        _K.InteractionEntered: _M,
        _K.InteractionWaiting: _D,
        _K.InteractionDistributed: _R,
        _K.InteractionDistributedToQueue: _R,
        _K.InteractionCleared: _R,
        _K.InteractionDeleted: _R,
    }
)

#: For an established call of each T-Library CallType name: the durable
#: action, its momentary start, its retrospective end, and the momentary
#: "originated" / "received" markers (DOMAIN §3.3).
CALL_ACTION_OF_TYPE: Mapping[
    str, tuple[ActionKind, ActionKind, ActionKind, ActionKind, ActionKind]
] = MappingProxyType(
    {
        "Inbound": (
            _K.CallInbound,
            _K.CallInboundStarted,
            _K.CallInboundCompleted,
            _K.CallInboundStarted,
            _K.CallInboundStarted,
        ),
        "Outbound": (
            _K.CallOutbound,
            _K.CallOutboundStarted,
            _K.CallOutboundCompleted,
            _K.CallOutboundOriginated,
            _K.CallOutboundReceived,
        ),
        "Internal": (
            _K.CallInternal,
            _K.CallInternalStarted,
            _K.CallInternalCompleted,
            _K.CallInternalOriginated,
            _K.CallInternalReceived,
        ),
        "Consult": (
            _K.CallConsult,
            _K.CallConsultStarted,
            _K.CallConsultCompleted,
            _K.CallConsultOriginated,
            _K.CallConsultReceived,
        ),
        "Unknown": (
            _K.CallUnknown,
            _K.CallUnknownStarted,
            _K.CallUnknownCompleted,
            _K.CallUnknownStarted,
            _K.CallUnknownStarted,
        ),
    }
)

#: Durable actions of an established call (hidden from status while held).
CALL_TALK_ACTIONS: frozenset[ActionKind] = frozenset(v[0] for v in CALL_ACTION_OF_TYPE.values())

_EMPTY: Mapping[str, str | int] = MappingProxyType({})


@attrs.frozen(kw_only=True)
class Action:
    """One action on one device.

    ``agent`` and ``place`` name who the action is attributed to at the
    moment it happened (propagation, DOMAIN §1.5): statistics for an agent,
    a place or their groups follow them, so a member that leaves a group
    takes nothing away from what the group already counted.
    """

    kind: ActionKind
    #: the DN, media channel or staging area the action happened on
    device: ObjectRef
    #: start time in ms (for a retrospective action: the start of what ended)
    start: int
    #: end time in ms; None while a durable action is open
    end: int | None
    #: ConnID or interaction id; "" for non-interaction actions
    conn_id: str = ""
    #: employee id of the agent the action is attributed to, or ""
    agent: str = ""
    #: place the action is attributed to, or ""
    place: str = ""
    #: ThisQueue: the queue that distributed the call, if known
    queue: str = ""
    media: str = "voice"
    ani: str = ""
    dnis: str = ""
    user_data: Mapping[str, str | int] = _EMPTY
    reasons: Mapping[str, str | int] = _EMPTY

    def derive(self, kind: ActionKind, device: ObjectRef, start: int, end: int | None) -> Action:
        """The same interaction data under another kind, device or time span.

        Written out field by field: it runs several times per event and is
        four times cheaper than ``attrs.evolve``.
        """
        return Action(
            kind=kind,
            device=device,
            start=start,
            end=end,
            conn_id=self.conn_id,
            agent=self.agent,
            place=self.place,
            queue=self.queue,
            media=self.media,
            ani=self.ani,
            dnis=self.dnis,
            user_data=self.user_data,
            reasons=self.reasons,
        )

    @property
    def action_class(self) -> ActionClass:
        return ACTION_CLASS[self.kind]

    @property
    def duration(self) -> int:
        """Milliseconds between start and end (0 while open or momentary)."""
        return 0 if self.end is None else self.end - self.start

    @property
    def is_open(self) -> bool:
        return self.end is None
