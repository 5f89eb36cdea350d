"""Identity and the configured contact center, as plain frozen data.

Everything the engine knows about the *static* contact center lives here:
tenants, switches, CTI links, DNs, places, agents, groups, staging areas.
The TOML layer (:mod:`statengine.config`) builds a :class:`CenterConfig` and
validates it; the core only reads it. Time zones arrive as resolved
``tzinfo`` objects, so the core never touches the zone database on disk.

Identity follows ``shared/DOMAIN.md`` §1.1: every object a client may ask
about is an :class:`ObjectRef` ``(tenant, type, id)``; DNs are addressed as
``<number>@<switch>``, agents by employee id, everything else by name.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import tzinfo
from types import MappingProxyType
from typing import Any

import attrs

__all__ = [
    "MEDIATION_DN_TYPES",
    "AgentConfig",
    "AgentGroupConfig",
    "CenterConfig",
    "DNConfig",
    "DNType",
    "LinkConfig",
    "LinkKind",
    "ObjectRef",
    "ObjectType",
    "PlaceConfig",
    "PlaceGroupConfig",
    "QueueGroupConfig",
    "StagingAreaConfig",
    "SwitchConfig",
    "TenantConfig",
    "dn_id",
]


class ObjectType(enum.Enum):
    """Statistic object types; values are the wire ordinals of DOMAIN §1.1."""

    __hash__ = object.__hash__  # identity hash (in C): ObjectRefs key every index

    #: a person configured as agent, addressed by employee id
    Agent = 0
    #: a place (workstation): DNs and media channels
    Place = 1
    #: an agent group, static or virtual (skill expression)
    GroupAgents = 2
    #: a place group
    GroupPlaces = 3
    #: a routing point (mediation DN)
    RoutePoint = 4
    #: an ACD queue or virtual queue (mediation DN)
    Queue = 5
    #: a DN group of queues and routing points
    GroupQueues = 6
    #: all DNs of one switch
    Switch = 7
    #: any non-mediation DN
    RegDN = 8
    Campaign = 9
    CampaignGroup = 10
    CallingList = 11
    CampaignCallingList = 12
    Tenant = 13
    #: an Interaction Server interaction queue (iWD work items)
    StagingArea = 14
    RoutingStrategy = 15
    Workbin = 16
    #: internal: one media channel of a place, seen through one Interaction
    #: Server link; never requested by clients (no wire ordinal in Genesys)
    MediaChannel = 100


@attrs.frozen(order=True, cache_hash=True)
class ObjectRef:
    """The identity of anything statistics can be computed for.

    Hashable and ordered, so it keys every index of the engine and sorts
    deterministically in reports and snapshots.
    """

    tenant: str
    type: ObjectType = attrs.field(order=lambda t: t.value)
    id: str

    def __str__(self) -> str:
        return f"{self.type.name}:{self.id}@{self.tenant}"


def dn_id(number: str, switch: str) -> str:
    """The object id of a DN: ``<number>@<switch>`` (DOMAIN §1.1)."""
    return f"{number}@{switch}"


class DNType(enum.Enum):
    """Configuration DN types (``CfgDNType``) that statengine distinguishes."""

    Extension = "Extension"
    ACDPosition = "ACDPosition"
    ACDQueue = "ACDQueue"
    RoutingPoint = "RoutingPoint"
    VirtACDQueue = "VirtACDQueue"
    VirtRoutingPoint = "VirtRoutingPoint"
    ExtRoutingPoint = "ExtRoutingPoint"
    RoutingQueue = "RoutingQueue"
    ServiceNumber = "ServiceNumber"
    VoiceMail = "VoiceMail"
    Trunk = "Trunk"
    Mixed = "Mixed"
    VoIP = "VoIP"
    Email = "Email"
    Chat = "Chat"


#: DN types where calls wait (DOMAIN §1.3): their actions are mediation-DN actions.
MEDIATION_DN_TYPES: frozenset[DNType] = frozenset(
    {
        DNType.ACDQueue,
        DNType.RoutingPoint,
        DNType.VirtACDQueue,
        DNType.VirtRoutingPoint,
        DNType.ExtRoutingPoint,
        DNType.RoutingQueue,
        DNType.ServiceNumber,
    }
)

#: Mediation DN types that are addressed as RoutePoint objects (the rest are Queue).
ROUTE_POINT_DN_TYPES: frozenset[DNType] = frozenset(
    {DNType.RoutingPoint, DNType.VirtRoutingPoint, DNType.ExtRoutingPoint, DNType.ServiceNumber}
)


class LinkKind(enum.Enum):
    """The kind of CTI server a link connects to."""

    #: a T-Server / SIP Server: voice DNs of one switch
    TSERVER = "tserver"
    #: an Interaction Server: media channels, interactions, staging areas
    IXNSERVER = "ixnserver"


def _frozen_map(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen(kw_only=True)
class TenantConfig:
    name: str
    #: the zone in which Growing profiles reset (midnight is local midnight)
    timezone: tzinfo


@attrs.frozen(kw_only=True)
class SwitchConfig:
    name: str
    tenant: str


@attrs.frozen(kw_only=True)
class LinkConfig:
    """One CTI connection. Events name the link they came from."""

    name: str
    kind: LinkKind
    tenant: str
    #: the switch whose DNs a T-Server link reports (None for Interaction Servers)
    switch: str | None = None


@attrs.frozen(kw_only=True)
class DNConfig:
    number: str
    switch: str
    tenant: str
    type: DNType

    @property
    def id(self) -> str:
        return dn_id(self.number, self.switch)

    @property
    def is_mediation(self) -> bool:
        return self.type in MEDIATION_DN_TYPES

    @property
    def ref(self) -> ObjectRef:
        if self.type in ROUTE_POINT_DN_TYPES:
            kind = ObjectType.RoutePoint
        elif self.type in MEDIATION_DN_TYPES:
            kind = ObjectType.Queue
        else:
            kind = ObjectType.RegDN
        return ObjectRef(self.tenant, kind, self.id)


@attrs.frozen(kw_only=True)
class PlaceConfig:
    name: str
    tenant: str
    #: DN ids (``number@switch``) configured at this place
    dns: tuple[str, ...] = ()
    #: media types this place can handle through Interaction Servers
    media: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class AgentConfig:
    employee_id: str
    tenant: str
    name: str = ""
    #: login code per switch name (Agent Login objects, DOMAIN §1.4)
    logins: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    #: skill name -> level
    skills: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen_map)


@attrs.frozen(kw_only=True)
class AgentGroupConfig:
    name: str
    tenant: str
    #: static members (employee ids); ignored when ``script`` is set
    members: tuple[str, ...] = ()
    #: virtual group skill expression (DOMAIN §10.2), or None for a static group
    script: str | None = None
    #: mediation DNs (``number@switch``) this group serves
    origination_dns: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class PlaceGroupConfig:
    name: str
    tenant: str
    members: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class QueueGroupConfig:
    """A DN group of queues and routing points (GroupQueues)."""

    name: str
    tenant: str
    dns: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class StagingAreaConfig:
    """An Interaction Server interaction queue (IWD work items)."""

    name: str
    tenant: str
    media: str = "workitem"


def _by_key(items: tuple[object, ...], key: str) -> Mapping[str, object]:
    return MappingProxyType({getattr(item, key): item for item in items})


@attrs.frozen(kw_only=True)
class CenterConfig:
    """The whole configured contact center, validated and indexed.

    Built by :func:`statengine.config.load_config` (or directly in tests). The
    ``*_by_*`` mappings are computed once so that the engine finds anything by
    a dict lookup.
    """

    tenants: tuple[TenantConfig, ...]
    switches: tuple[SwitchConfig, ...] = ()
    links: tuple[LinkConfig, ...] = ()
    dns: tuple[DNConfig, ...] = ()
    places: tuple[PlaceConfig, ...] = ()
    agents: tuple[AgentConfig, ...] = ()
    agent_groups: tuple[AgentGroupConfig, ...] = ()
    place_groups: tuple[PlaceGroupConfig, ...] = ()
    queue_groups: tuple[QueueGroupConfig, ...] = ()
    staging_areas: tuple[StagingAreaConfig, ...] = ()

    def tenant(self, name: str) -> TenantConfig:
        for t in self.tenants:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def link_by_name(self) -> Mapping[str, LinkConfig]:
        return _by_key(self.links, "name")  # type: ignore[return-value]

    @property
    def dn_by_id(self) -> Mapping[str, DNConfig]:
        return MappingProxyType({d.id: d for d in self.dns})
