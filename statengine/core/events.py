"""CTI input events: what T-Servers, Interaction Servers and the configuration
layer tell the engine.

Events are named in CTI words (``shared/DOMAIN.md`` §2): ``Ringing`` is
T-Library's EventRinging, ``AgentInvited`` is Interaction Server's
EventAgentInvited. Each is a frozen, slotted, keyword-only attrs class that
carries

* ``time``: POSIX time in **integer milliseconds** (UTC). The core keeps all
  time in milliseconds so that durations add up exactly.
* ``link``: the name of the CTI link (``[links.<name>]`` in the config) the
  event came from. A T-Server link implies the switch of every DN it names;
  an Interaction Server link identifies which *partial* state of an agent it
  updates.

Events are plain data: :func:`to_record` / :func:`from_record` turn them into
msgpack/JSON-friendly dicts and back (recorded streams, the network later).
Attribute names follow T-Library where one exists (``conn_id`` = ConnID,
``dn`` = ThisDN, ``other_dn`` = OtherDN, ``this_queue`` = ThisQueue).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

import attrs

from statengine.errors import RemoteProtocolError

# --------------------------------------------------------------------------
# Enumerations (DOMAIN §2.1: T-Library values)
# --------------------------------------------------------------------------


class CallType(enum.Enum):
    """T-Library ``CallType``."""

    Unknown = 0
    Internal = 1
    Inbound = 2
    Outbound = 3
    Consult = 4


class WorkMode(enum.Enum):
    """T-Library ``AgentWorkMode``."""

    Unknown = 0
    ManualIn = 1
    AutoIn = 2
    AfterCallWork = 3
    AuxWork = 4
    NoCallDisconnect = 5
    WalkAway = 6
    ReturnBack = 7


class CallState(enum.Enum):
    """Why a party left a call (T-Library ``CallState``, the values we use)."""

    Ok = 0
    Transferred = 1
    Conferenced = 2
    Busy = 6
    NoAnswer = 7
    Abandoned = 21
    Redirected = 22
    Forwarded = 23
    Consult = 24
    Dropped = 26


class AgentState(enum.Enum):
    """An agent's state on a DN as reported by a registration snapshot."""

    LoggedOut = 0
    LoggedIn = 1
    Ready = 2
    NotReady = 3
    AfterCallWork = 4


class LegState(enum.Enum):
    """A call's state on one DN, as reported by a registration snapshot."""

    Dialing = 0
    Ringing = 1
    Established = 2
    Held = 3


class PartyType(enum.Enum):
    """Who took an interaction out of a staging area (``attr_party_type``)."""

    Other = 0
    Agent = 2


KV = Mapping[str, str | int]
_EMPTY: KV = MappingProxyType({})


def _kv(value: Mapping[str, Any] | None) -> KV:
    """Freeze a key-value list; shared empty instance keeps events small."""
    if not value:
        return _EMPTY
    return MappingProxyType(dict(value))


# --------------------------------------------------------------------------
# Base classes
# --------------------------------------------------------------------------

EVENT_TYPES: dict[str, type[Event]] = {}
"""Every concrete event class by name: the registry used by :func:`from_record`."""

_E = TypeVar("_E", bound="type[Event]")


def _register(cls: _E) -> _E:
    EVENT_TYPES[cls.__name__] = cls
    return cls


@attrs.frozen(kw_only=True)
class Event:
    """Base of all CTI events."""

    #: POSIX time of the event at its source, integer milliseconds
    time: int
    #: the name of the link the event came from
    link: str

    family: ClassVar[str] = "link"


@attrs.frozen(kw_only=True)
class DNEvent(Event):
    """A T-Server event about one DN (ThisDN)."""

    #: ThisDN: the DN number on the link's switch
    dn: str

    family: ClassVar[str] = "voice"


@attrs.frozen(kw_only=True)
class AgentDNEvent(DNEvent):
    """Agent state events of T-Library (login, ready, not ready ...)."""

    agent_id: str = ""
    #: ThisQueue: the ACD queue the agent logs into / is ready for, if any
    this_queue: str = ""
    work_mode: WorkMode = WorkMode.Unknown
    reasons: KV = attrs.field(default=_EMPTY, converter=_kv)


@attrs.frozen(kw_only=True)
class CallEvent(DNEvent):
    """A call event on ThisDN (T-Library call-related events)."""

    conn_id: str
    other_dn: str = ""
    this_queue: str = ""
    call_type: CallType = CallType.Unknown
    ani: str = ""
    dnis: str = ""
    user_data: KV = attrs.field(default=_EMPTY, converter=_kv)


@attrs.frozen(kw_only=True)
class IxnEvent(Event):
    """An Interaction Server event about an agent at a place."""

    agent_id: str
    place: str

    family: ClassVar[str] = "ixn"


@attrs.frozen(kw_only=True)
class InteractionEvent(Event):
    """An Interaction Server event about one interaction (``attr_itx_id``)."""

    ixn_id: str
    media: str = ""
    user_data: KV = attrs.field(default=_EMPTY, converter=_kv)

    family: ClassVar[str] = "ixn"


@attrs.frozen(kw_only=True)
class ConfigEvent(Event):
    """A configuration change (Configuration Server / Skills Management)."""

    tenant: str

    family: ClassVar[str] = "config"


# --------------------------------------------------------------------------
# Link events
# --------------------------------------------------------------------------


@_register
@attrs.frozen(kw_only=True)
class LinkConnected(Event):
    """The link is up: its DNs / media start being Monitored (DOMAIN §2.1)."""


@_register
@attrs.frozen(kw_only=True)
class LinkDisconnected(Event):
    """The CTI server lost its switch link: its DNs become NotMonitored."""


@_register
@attrs.frozen(kw_only=True)
class ServerDisconnected(Event):
    """The connection to the CTI server itself was lost."""


# --------------------------------------------------------------------------
# T-Server: DN and agent state
# --------------------------------------------------------------------------


@_register
@attrs.frozen(kw_only=True)
class DNOutOfService(DNEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class DNBackInService(DNEvent):
    pass


@attrs.frozen(kw_only=True)
class RegisteredCall:
    """One call present on a DN when it was registered."""

    conn_id: str
    state: LegState
    call_type: CallType = CallType.Unknown
    other_dn: str = ""
    this_queue: str = ""


@_register
@attrs.frozen(kw_only=True)
class Registered(DNEvent):
    """EventRegistered with the DN's state snapshot (DOMAIN §2.1).

    ``dn_idle=False`` with no ``calls`` means the server knows the DN is busy
    but cannot say with what: together with a logged-in agent this is the
    sticky LoggedIn status.
    """

    agent_id: str = ""
    agent_state: AgentState = AgentState.LoggedOut
    work_mode: WorkMode = WorkMode.Unknown
    reasons: KV = attrs.field(default=_EMPTY, converter=_kv)
    dn_idle: bool = True
    calls: tuple[RegisteredCall, ...] = ()


@_register
@attrs.frozen(kw_only=True)
class AddressInfo(DNEvent):
    """EventAddressInfo: the answer to a query about a DN; informational."""

    dn_state: str = "Ok"


@_register
@attrs.frozen(kw_only=True)
class AgentLogin(AgentDNEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class AgentLogout(AgentDNEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class AgentReady(AgentDNEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class AgentNotReady(AgentDNEvent):
    """Not ready; ``work_mode=AfterCallWork`` means after-call work."""


@_register
@attrs.frozen(kw_only=True)
class AgentAfterCallWork(AgentDNEvent):
    """Explicit after-call work (same effect as NotReady with WorkMode=ACW)."""


@_register
@attrs.frozen(kw_only=True)
class DNDOn(DNEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class DNDOff(DNEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class OffHook(DNEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class OnHook(DNEvent):
    pass


# --------------------------------------------------------------------------
# T-Server: calls
# --------------------------------------------------------------------------


@_register
@attrs.frozen(kw_only=True)
class Dialing(CallEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class NetworkReached(CallEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class DestinationBusy(CallEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class Ringing(CallEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class Established(CallEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class Released(CallEvent):
    call_state: CallState = CallState.Ok


@_register
@attrs.frozen(kw_only=True)
class Held(CallEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class Retrieved(CallEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class Queued(CallEvent):
    """The call entered the ACD queue ThisDN."""


@_register
@attrs.frozen(kw_only=True)
class Diverted(CallEvent):
    """The call left the queue / routing point ThisDN towards OtherDN."""


@_register
@attrs.frozen(kw_only=True)
class Abandoned(CallEvent):
    """The caller hung up (on a queue, a routing point or a ringing DN)."""


@_register
@attrs.frozen(kw_only=True)
class RouteRequest(CallEvent):
    """The call arrived at the routing point ThisDN and asks for a route."""


@_register
@attrs.frozen(kw_only=True)
class RouteUsed(CallEvent):
    """The routing point ThisDN routed the call to OtherDN."""


@_register
@attrs.frozen(kw_only=True)
class PartyChanged(CallEvent):
    """Transfer completed: ``conn_id`` replaces ``previous_conn_id`` on ThisDN."""

    previous_conn_id: str = ""
    third_party_dn: str = ""
    call_state: CallState = CallState.Ok


@_register
@attrs.frozen(kw_only=True)
class PartyAdded(CallEvent):
    """A party joined a conference (``third_party_dn``)."""

    third_party_dn: str = ""
    previous_conn_id: str = ""


@_register
@attrs.frozen(kw_only=True)
class PartyDeleted(CallEvent):
    """A party left a conference (``third_party_dn``)."""

    third_party_dn: str = ""


@_register
@attrs.frozen(kw_only=True)
class TreatmentApplied(CallEvent):
    treatment_type: str = ""


@_register
@attrs.frozen(kw_only=True)
class TreatmentNotApplied(CallEvent):
    treatment_type: str = ""


@_register
@attrs.frozen(kw_only=True)
class TreatmentEnd(CallEvent):
    treatment_type: str = ""


@_register
@attrs.frozen(kw_only=True)
class AttachedDataChanged(CallEvent):
    """New UserData for the call (replaces the keys given)."""


@_register
@attrs.frozen(kw_only=True)
class UserEvent(DNEvent):
    conn_id: str = ""
    user_data: KV = attrs.field(default=_EMPTY, converter=_kv)


# --------------------------------------------------------------------------
# Interaction Server: agents and media channels
# --------------------------------------------------------------------------


@_register
@attrs.frozen(kw_only=True)
class IxnAgentLogin(IxnEvent):
    """The agent logs into the Interaction Server at ``place``.

    ``media`` maps each media type added at login to its capacity.
    """

    media: Mapping[str, int] = attrs.field(default=_EMPTY, converter=_kv)


@_register
@attrs.frozen(kw_only=True)
class IxnAgentLogout(IxnEvent):
    pass


@_register
@attrs.frozen(kw_only=True)
class MediaAdded(IxnEvent):
    media: str
    capacity: int = 1


@_register
@attrs.frozen(kw_only=True)
class MediaRemoved(IxnEvent):
    media: str


@_register
@attrs.frozen(kw_only=True)
class MediaReady(IxnEvent):
    media: str


@_register
@attrs.frozen(kw_only=True)
class MediaNotReady(IxnEvent):
    media: str
    work_mode: WorkMode = WorkMode.Unknown
    reasons: KV = attrs.field(default=_EMPTY, converter=_kv)


@_register
@attrs.frozen(kw_only=True)
class AgentStateReasonChanged(IxnEvent):
    """The not-ready reason changed without a state change (``media=""``: all)."""

    media: str = ""
    reasons: KV = attrs.field(default=_EMPTY, converter=_kv)


# --------------------------------------------------------------------------
# Interaction Server: interactions
# --------------------------------------------------------------------------


class IxnType(enum.Enum):
    """``attr_itx_type``: the direction of an interaction."""

    Inbound = "Inbound"
    Outbound = "Outbound"
    Internal = "Internal"


@_register
@attrs.frozen(kw_only=True)
class AgentInvited(InteractionEvent):
    """The interaction is offered to the agent (Delivering starts)."""

    agent_id: str
    place: str
    ixn_type: IxnType = IxnType.Inbound


@_register
@attrs.frozen(kw_only=True)
class IxnPartyAdded(InteractionEvent):
    """The agent accepted (or started) the interaction: Handling starts."""

    agent_id: str
    place: str
    ixn_type: IxnType = IxnType.Inbound


@_register
@attrs.frozen(kw_only=True)
class IxnPartyRemoved(InteractionEvent):
    """The agent left the interaction: Handling ends."""

    agent_id: str
    place: str


@_register
@attrs.frozen(kw_only=True)
class Rejected(InteractionEvent):
    agent_id: str
    place: str


@_register
@attrs.frozen(kw_only=True)
class Revoked(InteractionEvent):
    agent_id: str
    place: str


@_register
@attrs.frozen(kw_only=True)
class Submitted(InteractionEvent):
    """A new interaction; ``itx_state=0`` means it was queued on submit."""

    queue: str
    itx_state: int = 0


@_register
@attrs.frozen(kw_only=True)
class PlacedInQueue(InteractionEvent):
    queue: str
    old_queue: str = ""


@_register
@attrs.frozen(kw_only=True)
class TakenFromQueue(InteractionEvent):
    queue: str
    party_type: PartyType = PartyType.Agent


@_register
@attrs.frozen(kw_only=True)
class ProcessingStopped(InteractionEvent):
    """The interaction is finished and leaves the system."""


@_register
@attrs.frozen(kw_only=True)
class PropertiesChanged(InteractionEvent):
    """New user data for the interaction."""


# --------------------------------------------------------------------------
# Configuration changes
# --------------------------------------------------------------------------


@_register
@attrs.frozen(kw_only=True)
class AgentSkillChanged(ConfigEvent):
    """Set (``level`` an int) or remove (``level=None``) one skill of an agent."""

    agent_id: str
    skill: str
    level: int | None = None


@_register
@attrs.frozen(kw_only=True)
class AgentAddedToGroup(ConfigEvent):
    agent_id: str
    group: str


@_register
@attrs.frozen(kw_only=True)
class AgentRemovedFromGroup(ConfigEvent):
    agent_id: str
    group: str


@_register
@attrs.frozen(kw_only=True)
class AgentAdded(ConfigEvent):
    """A new agent appears in configuration (its skills and logins)."""

    agent_id: str
    skills: Mapping[str, int] = attrs.field(default=_EMPTY, converter=_kv)
    logins: Mapping[str, str] = attrs.field(default=_EMPTY, converter=_kv)


@_register
@attrs.frozen(kw_only=True)
class AgentRemoved(ConfigEvent):
    """The agent is deleted from configuration (refused while logged in)."""

    agent_id: str


# --------------------------------------------------------------------------
# Plain-data form
# --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return [_plain_obj(v) if attrs.has(type(v)) else _plain(v) for v in value]
    return value


def _plain_obj(obj: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(obj, f.name)) for f in attrs.fields(type(obj))}


def to_record(event: Event) -> dict[str, Any]:
    """The plain-data form of ``event``: ``{"type": name, field: value...}``.

    Enums become their names, key-value lists dicts; defaults are omitted to
    keep recorded streams small. :func:`from_record` reverses it exactly.
    """
    record: dict[str, Any] = {"type": type(event).__name__}
    for f in attrs.fields(type(event)):
        value = getattr(event, f.name)
        if f.default is not attrs.NOTHING and not hasattr(f.default, "factory"):
            default = f.default
            if value == default or (not value and isinstance(default, Mapping) and not default):
                continue
        record[f.name] = _plain(value)
    return record


def _convert(cls: type, name: str, annotation: Any, value: Any) -> Any:
    hint = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    for enum_cls in _ENUMS:
        if enum_cls.__name__ in hint:
            if isinstance(value, enum_cls):
                return value
            try:
                return enum_cls[value]
            except (KeyError, TypeError):
                names = ", ".join(m.name for m in enum_cls)
                raise RemoteProtocolError(
                    f"{cls.__name__}.{name}: expected one of {names}, found {value!r}"
                ) from None
    if "RegisteredCall" in hint:
        if not isinstance(value, list | tuple):
            raise RemoteProtocolError(f"{cls.__name__}.{name}: expected a list, found {value!r}")
        return tuple(_build(RegisteredCall, v) for v in value)
    if hint.startswith(("KV", "Mapping")):
        if not isinstance(value, Mapping):
            raise RemoteProtocolError(
                f"{cls.__name__}.{name}: expected a key-value map, found {value!r}"
            )
        return value
    if hint == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise RemoteProtocolError(
                f"{cls.__name__}.{name}: expected an integer, found {value!r}"
            )
        return value
    if hint == "str":
        if not isinstance(value, str):
            raise RemoteProtocolError(f"{cls.__name__}.{name}: expected a string, found {value!r}")
        return value
    if hint == "bool":
        if not isinstance(value, bool):
            raise RemoteProtocolError(
                f"{cls.__name__}.{name}: expected true/false, found {value!r}"
            )
        return value
    if hint == "int | None":
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise RemoteProtocolError(
                f"{cls.__name__}.{name}: expected an integer or null, found {value!r}"
            )
        return value
    return value


_ENUMS: tuple[type[enum.Enum], ...] = (
    CallType,
    WorkMode,
    CallState,
    AgentState,
    LegState,
    PartyType,
    IxnType,
)


def _build(cls: type, record: Any) -> Any:
    if not isinstance(record, Mapping):
        raise RemoteProtocolError(f"{cls.__name__}: expected a map, found {record!r}")
    fields = {f.name: f for f in attrs.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in record.items():
        if key == "type":
            continue
        f = fields.get(key)
        if f is None:
            raise RemoteProtocolError(f"{cls.__name__}: unknown field {key!r}")
        kwargs[key] = _convert(cls, key, f.type, value)
    missing = [
        name for name, f in fields.items() if f.default is attrs.NOTHING and name not in kwargs
    ]
    if missing:
        raise RemoteProtocolError(f"{cls.__name__}: missing field(s) {', '.join(missing)}")
    return cls(**kwargs)


def from_record(record: Mapping[str, Any]) -> Event:
    """Rebuild an event from :func:`to_record`'s form, validating every field.

    Raises:
        RemoteProtocolError: unknown event type, unknown or missing field, or a
            value of the wrong type; the message names the field.
    """
    if not isinstance(record, Mapping):
        raise RemoteProtocolError(f"event record: expected a map, found {record!r}")
    name = record.get("type")
    cls = EVENT_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise RemoteProtocolError(f"event record: unknown event type {name!r}")
    event: Event = _build(cls, record)
    return event
