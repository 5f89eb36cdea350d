"""Statuses: the priority mechanism and how DN, place and agent status combine.

A status is the highest-priority ongoing durable action of an object
(``shared/DOMAIN.md`` §3.8). The priority tables and the action -> status map
below are data; :func:`device_status` and :func:`combine_place` apply them.
They are pure functions so the engine's incremental updates can be checked
against a from-scratch recomputation.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from statengine.core.actions import CALL_TALK_ACTIONS, Action, ActionKind

__all__ = [
    "MEDIATION_PRIORITY",
    "PRIORITY",
    "RANK",
    "STATUS_OF_ACTION",
    "Status",
    "combine_place",
    "device_status",
    "status_from_actions",
]


class Status(enum.Enum):
    """Object statuses; values are the PSDK numeric codes (DOMAIN §3.8)."""

    __hash__ = object.__hash__  # identity hash: see ActionKind

    #: the device is not monitored (link down, out of service)
    NotMonitored = 0
    #: monitored, nothing else known
    Monitored = 1
    #: sticky status after a link restore that could not tell the call state
    LoggedIn = 2
    OnHook = 3
    #: ready for the next call
    WaitForNextCall = 4
    OffHook = 5
    CallDialing = 6
    CallRinging = 7
    NotReadyForNextCall = 8
    AfterCallWork = 9
    CallOnHold = 13
    CallUnknown = 18
    CallConsult = 19
    CallInternal = 20
    CallOutbound = 21
    CallInbound = 22
    #: the agent is not logged in anywhere (agents only; never a DN status)
    LoggedOut = 23


#: Regular DN / place / agent priority, lowest first (DOMAIN §3.8).
PRIORITY: tuple[Status, ...] = (
    Status.NotMonitored,
    Status.Monitored,
    Status.LoggedIn,
    Status.OnHook,
    Status.WaitForNextCall,
    Status.OffHook,
    Status.CallDialing,
    Status.CallRinging,
    Status.NotReadyForNextCall,
    Status.AfterCallWork,
    Status.CallOnHold,
    Status.CallUnknown,
    Status.CallConsult,
    Status.CallInternal,
    Status.CallOutbound,
    Status.CallInbound,
    Status.LoggedOut,
)

#: Mediation DNs only know whether they are monitored.
MEDIATION_PRIORITY: tuple[Status, ...] = (Status.NotMonitored, Status.Monitored)

#: Rank of each status in :data:`PRIORITY` (higher wins).
RANK: Mapping[Status, int] = MappingProxyType({s: i for i, s in enumerate(PRIORITY)})

_K = ActionKind

#: The status each durable action stands for while it is open. Actions not
#: listed (LoggedIn, CallWait, DoNotDisturb, Active, Routable ...) do not
#: influence status (DOMAIN §3.8). Media-channel actions are aliased to the
#: voice statuses so that one table serves places with DNs and media.
STATUS_OF_ACTION: Mapping[ActionKind, Status] = MappingProxyType(
    {
        _K.OnHook: Status.OnHook,
        _K.WaitForNextCall: Status.WaitForNextCall,
        _K.OffHook: Status.OffHook,
        _K.CallDialing: Status.CallDialing,
        _K.CallRinging: Status.CallRinging,
        _K.NotReadyForNextCall: Status.NotReadyForNextCall,
        _K.AfterCallWork: Status.AfterCallWork,
        _K.CallOnHold: Status.CallOnHold,
        _K.CallUnknown: Status.CallUnknown,
        _K.CallConsult: Status.CallConsult,
        _K.CallInternal: Status.CallInternal,
        _K.CallOutbound: Status.CallOutbound,
        _K.CallInbound: Status.CallInbound,
        _K.Delivering: Status.CallRinging,
        _K.Handling: Status.CallUnknown,
        _K.HandlingInbound: Status.CallInbound,
        _K.HandlingOutbound: Status.CallOutbound,
        _K.HandlingInternal: Status.CallInternal,
    }
)

#: Agent-state actions that a sticky LoggedIn status overrides (DOMAIN §2.1).
_AGENT_STATE_ACTIONS = frozenset({_K.WaitForNextCall, _K.NotReadyForNextCall, _K.AfterCallWork})


def status_from_actions(
    monitored: bool, actions: Iterable[Action], *, sticky_logged_in: bool = False
) -> tuple[Status, Action | None]:
    """A regular device's status and the action that defines it.

    Rules (DOMAIN §3.8): the highest-ranked open durable action wins; the
    talk action of a call that is on hold is hidden (its CallOnHold counts
    instead); ties go to the action that started first, then to the lower
    conn id, so the defining action is deterministic. With a sticky LoggedIn
    the agent-state actions are unreliable and replaced by LoggedIn.
    """
    if not monitored:
        return Status.NotMonitored, None
    actions = list(actions)
    held = {a.conn_id for a in actions if a.kind is _K.CallOnHold} if len(actions) > 1 else ()
    best = Status.LoggedIn if sticky_logged_in else Status.Monitored
    best_rank = RANK[best]
    best_action: Action | None = None
    for a in actions:
        status = STATUS_OF_ACTION.get(a.kind)
        if status is None:
            continue
        if a.kind in CALL_TALK_ACTIONS and a.conn_id in held:
            continue
        if sticky_logged_in and a.kind in _AGENT_STATE_ACTIONS:
            continue
        rank = RANK[status]
        if rank > best_rank or (
            rank == best_rank
            and best_action is not None
            and (a.start, a.conn_id) < (best_action.start, best_action.conn_id)
        ):
            best, best_rank, best_action = status, rank, a
    return best, best_action


def device_status(statuses: Iterable[Status]) -> Status:
    """Highest-priority status of several devices; NotMonitored if none."""
    best = Status.NotMonitored
    for s in statuses:
        if RANK[s] > RANK[best]:
            best = s
    return best


def combine_place(
    voice: list[Status] | None, voice_logged_in: bool, nonvoice: list[Status] | None
) -> Status:
    """The six-step place status rule of DOMAIN §3.9.

    Args:
        voice: statuses of the voice devices (None: the place has none).
        voice_logged_in: whether an agent is logged in on any voice device.
        nonvoice: statuses of the media channels (None: the place has none).
    """
    if not voice and not nonvoice:
        return Status.NotMonitored
    if not nonvoice:
        return device_status(voice or ())
    v_status = device_status(voice or ())
    n_status = device_status(nonvoice)
    if not voice:
        return n_status
    v, n = RANK[v_status], RANK[n_status]
    if v > RANK[Status.NotReadyForNextCall]:
        return v_status
    if n > v:
        return n_status
    if not voice_logged_in:
        return n_status
    return v_status
