"""The live state of the contact center and how a change propagates.

:class:`Model` owns every runtime object (DNs, media channels, places,
agents, groups, calls) and the two primitives every event handler uses:

* action helpers (:meth:`Model.start`, :meth:`Model.end`,
  :meth:`Model.instant`) that open and close actions on a device and append
  them to the current batch;
* :meth:`Model.refresh`, which recomputes the status of exactly the objects
  the handler touched: device -> place -> agent -> groups (DOMAIN §1.5,
  §3.8-§3.9). Work is proportional to what changed; nothing scans all agents.

Handlers (:mod:`statengine.core.voice`, :mod:`statengine.core.media`,
:mod:`statengine.core.configchange`) validate first and mutate after, so a
refused event leaves the model untouched.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from statengine.core.actions import Action, ActionKind
from statengine.core.objects import (
    AgentConfig,
    CenterConfig,
    DNConfig,
    LinkConfig,
    LinkKind,
    ObjectRef,
    ObjectType,
    PlaceConfig,
)
from statengine.core.skills import SkillExpression, parse_skill_expression
from statengine.core.status import Status, combine_place, status_from_actions

__all__ = [
    "AgentState",
    "Call",
    "DNState",
    "Device",
    "GroupState",
    "Leg",
    "MediaChannel",
    "MembershipChange",
    "Model",
    "Partial",
    "PlaceState",
    "StatusChange",
]

_EMPTY_KV: Mapping[str, str | int] = MappingProxyType({})


@attrs.frozen(kw_only=True)
class MembershipChange:
    """An agent or place joined or left a group (virtual groups follow skills
    and logins; static ones follow configuration changes)."""

    group: ObjectRef
    member: ObjectRef
    joined: bool
    time: int


@attrs.frozen(kw_only=True)
class StatusChange:
    """An object's status changed (or, with ``old == new``, the action that
    defines it changed: a new not-ready reason, say)."""

    ref: ObjectRef
    time: int
    old: Status
    new: Status
    #: the action that defines the new status, if any (its data: reasons...)
    action: Action | None = None


# --------------------------------------------------------------------------
# Runtime objects
# --------------------------------------------------------------------------


@attrs.define(eq=False, slots=True)
class Device:
    """Anything actions happen on: a DN or a media channel."""

    ref: ObjectRef
    link: str
    monitored: bool = False
    #: open durable actions keyed by (kind, conn id)
    open: dict[tuple[ActionKind, str], Action] = attrs.field(factory=dict)
    status: Status = Status.NotMonitored
    since: int = 0
    status_action: Action | None = None
    place: PlaceState | None = None

    def status_now(self) -> tuple[Status, Action | None]:
        return status_from_actions(self.monitored, self.open.values())


@attrs.define(eq=False, slots=True)
class StagingArea(Device):
    """An interaction queue: like a mediation DN, its status is only monitoring."""

    def status_now(self) -> tuple[Status, Action | None]:
        return (Status.Monitored if self.monitored else Status.NotMonitored), None


@attrs.define(eq=False, slots=True)
class Leg:
    """One call present on one regular DN."""

    conn_id: str
    #: "dialing" | "ringing" | "established"
    state: str
    call_type: str
    #: the durable talk action kind once established
    talk: ActionKind | None = None
    held: bool = False
    #: the mediation DN that distributed the call here, if any
    queue: str = ""


@attrs.define(eq=False, slots=True)
class DNState(Device):
    cfg: DNConfig = attrs.field(default=None)
    mediation: bool = False
    #: the agent logged in on this DN
    agent: AgentState | None = None
    #: "ready" | "notready" | "acw" | "" (none)
    mode: str = ""
    #: ACW requested during a call: (reasons) to start ACW with when calls end
    pending_acw: Mapping[str, str | int] | None = None
    sticky: bool = False
    legs: dict[str, Leg] = attrs.field(factory=dict)
    #: the queue the agent logged into (ThisQueue at login), for pseudo-actions
    login_queue: str = ""
    #: the queue of the last distributed call that ended here: the ACW that
    #: follows it is reflected there (ACWCompleted / ACWMissed)
    acw_queue: str = ""

    def status_now(self) -> tuple[Status, Action | None]:
        if self.mediation:
            # a queue's status is only whether it is monitored (DOMAIN §3.8)
            return (Status.Monitored if self.monitored else Status.NotMonitored), None
        return status_from_actions(self.monitored, self.open.values(), sticky_logged_in=self.sticky)


@attrs.define(eq=False, slots=True)
class MediaChannel(Device):
    """One media type of one agent at one place, as one Interaction Server sees it."""

    media: str = ""
    agent_id: str = ""
    capacity: int = 1
    ready: bool = False
    #: interactions on this channel: ixn id -> "delivering" | "handling"
    interactions: dict[str, str] = attrs.field(factory=dict)
    reasons: Mapping[str, str | int] = _EMPTY_KV


@attrs.define(eq=False, slots=True)
class Partial:
    """An agent's state as seen by one Interaction Server link (DOMAIN §3.9)."""

    link: str
    agent: AgentState
    place: PlaceState
    channels: dict[str, MediaChannel] = attrs.field(factory=dict)


@attrs.define(eq=False, slots=True)
class PlaceState:
    ref: ObjectRef
    cfg: PlaceConfig
    dns: list[DNState] = attrs.field(factory=list)
    #: media channels of partials at this place: (link, agent, media) -> channel
    channels: dict[tuple[str, str, str], MediaChannel] = attrs.field(factory=dict)
    status: Status = Status.NotMonitored
    since: int = 0
    status_action: Action | None = None
    #: agents logged in here, in ref order (deterministic iteration)
    agents: list[AgentState] = attrs.field(factory=list)
    groups: list[GroupState] = attrs.field(factory=list)


@attrs.define(eq=False, slots=True)
class AgentState:
    ref: ObjectRef
    cfg: AgentConfig
    skills: dict[str, int] = attrs.field(factory=dict)
    #: voice DNs the agent is logged in on
    voice_dns: list[DNState] = attrs.field(factory=list)
    #: Interaction Server partial states by link name
    partials: dict[str, Partial] = attrs.field(factory=dict)
    status: Status = Status.LoggedOut
    since: int = 0
    status_action: Action | None = None
    #: in ref order: iterating them routes actions in the same order after a restore
    groups: list[GroupState] = attrs.field(factory=list)

    @property
    def logged_in(self) -> bool:
        return bool(self.voice_dns or self.partials)

    def places(self) -> list[PlaceState]:
        seen: list[PlaceState] = []
        for dn in self.voice_dns:
            if dn.place is not None and dn.place not in seen:
                seen.append(dn.place)
        for p in self.partials.values():
            if p.place not in seen:
                seen.append(p.place)
        return seen


@attrs.define(eq=False, slots=True)
class GroupState:
    """An agent or place group: its members and how many are in each status."""

    ref: ObjectRef
    members: set[Any] = attrs.field(factory=set)
    counts: dict[Status, int] = attrs.field(factory=dict)
    expression: SkillExpression | None = None
    origination_dns: tuple[str, ...] = ()

    def add(self, member: AgentState | PlaceState) -> None:
        self.members.add(member)
        self.counts[member.status] = self.counts.get(member.status, 0) + 1

    def remove(self, member: AgentState | PlaceState) -> None:
        self.members.discard(member)
        n = self.counts[member.status] - 1
        if n:
            self.counts[member.status] = n
        else:
            del self.counts[member.status]

    def move(self, old: Status, new: Status) -> None:
        n = self.counts[old] - 1
        if n:
            self.counts[old] = n
        else:
            del self.counts[old]
        self.counts[new] = self.counts.get(new, 0) + 1


@attrs.define(eq=False, slots=True)
class Call:
    """What the engine remembers about a call across DNs (keyed by switch, ConnID)."""

    conn_id: str
    #: the mediation DN id the call waits on now ("" if none)
    waiting_on: str = ""
    #: when the call entered its current / last mediation DN
    entered: int = 0
    #: the mediation DN that distributed it (CallDistributed) and when it entered it
    distributed_from: str = ""
    distributed_entered: int = 0
    #: regular DN ids where the call has a leg
    parties: set[str] = attrs.field(factory=set)
    ani: str = ""
    dnis: str = ""
    user_data: Mapping[str, str | int] = _EMPTY_KV
    #: when the current treatment started (-1: none)
    treatment_started: int = -1


def _by_ref(obj: Any) -> tuple[str, int, str]:
    ref = obj.ref
    return (ref.tenant, ref.type.value, ref.id)


def add_sorted(items: list[Any], obj: Any) -> None:
    """Add ``obj`` (an agent, place or group) to a small list kept in ref order."""
    if obj not in items:
        bisect.insort(items, obj, key=_by_ref)


def discard(items: list[Any], obj: Any) -> None:
    if obj in items:
        items.remove(obj)


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


@attrs.define(eq=False)
class Model:
    """Every runtime object, indexed for O(1) lookup from an event."""

    config: CenterConfig
    links: dict[str, LinkConfig] = attrs.field(factory=dict)
    link_up: dict[str, bool] = attrs.field(factory=dict)
    #: (switch, number) -> DN
    dns: dict[tuple[str, str], DNState] = attrs.field(factory=dict)
    dns_by_id: dict[str, DNState] = attrs.field(factory=dict)
    dns_by_switch: dict[str, list[DNState]] = attrs.field(factory=dict)
    places: dict[tuple[str, str], PlaceState] = attrs.field(factory=dict)
    agents: dict[tuple[str, str], AgentState] = attrs.field(factory=dict)
    #: (switch, login code) -> agent
    agent_by_login: dict[tuple[str, str], AgentState] = attrs.field(factory=dict)
    groups: dict[ObjectRef, GroupState] = attrs.field(factory=dict)
    #: skill name / LoggedIn argument -> virtual groups whose script mentions it
    groups_by_skill: dict[str, list[GroupState]] = attrs.field(factory=dict)
    groups_by_login: dict[str, list[GroupState]] = attrs.field(factory=dict)
    virtual_groups: list[GroupState] = attrs.field(factory=list)
    #: mediation DN id -> queue groups containing it
    queue_groups_of: dict[str, list[ObjectRef]] = attrs.field(factory=dict)
    #: (switch, conn id) -> call
    calls: dict[tuple[str, str], Call] = attrs.field(factory=dict)
    #: (tenant, interaction id) -> interaction (see :mod:`statengine.core.media`)
    interactions: dict[tuple[str, str], Any] = attrs.field(factory=dict)
    #: (tenant, name) -> staging area device
    staging: dict[tuple[str, str], Device] = attrs.field(factory=dict)
    #: the stuck-call guard: action kind -> max age (ms), and a heap of
    #: (deadline, seq, device, kind, conn id, start) (see :mod:`statengine.core.stuck`)
    stuck_limits: Mapping[ActionKind, int] = attrs.field(factory=dict)
    deadlines: list[tuple[int, int, Device, ActionKind, str, int]] = attrs.field(factory=list)
    _seq: Iterator[int] = attrs.field(factory=itertools.count)
    # --- the batch being built by the current event ---
    actions: list[Action] = attrs.field(factory=list)
    changes: list[StatusChange] = attrs.field(factory=list)
    memberships: list[MembershipChange] = attrs.field(factory=list)
    #: the time of the event being applied (membership changes are stamped with it)
    now: int = 0
    #: devices whose monitoring changed or that went away, and agents whose
    #: set of DNs and places changed: the validity of the statistics that
    #: depend on them must be looked at again (the pool clears both)
    monitoring_devices: dict[Device, None] = attrs.field(factory=dict)
    scope_changed: dict[AgentState, None] = attrs.field(factory=dict)
    # insertion-ordered sets (dicts): deterministic, deduplicated, no sorting
    dirty_devices: dict[Device, None] = attrs.field(factory=dict)
    dirty_places: dict[PlaceState, None] = attrs.field(factory=dict)
    dirty_agents: dict[AgentState, None] = attrs.field(factory=dict)

    @classmethod
    def from_config(
        cls, config: CenterConfig, now: int, stuck_limits: Mapping[ActionKind, int] | None = None
    ) -> Model:
        """Build the runtime objects; every link starts down (NotMonitored)."""
        model = cls(config=config, stuck_limits=stuck_limits or {})
        for link in config.links:
            model.links[link.name] = link
            model.link_up[link.name] = False
        tserver_of_switch = {
            ln.switch: ln.name for ln in config.links if ln.kind is LinkKind.TSERVER
        }
        for d in config.dns:
            dn = DNState(
                ref=d.ref,
                link=tserver_of_switch.get(d.switch, ""),
                cfg=d,
                mediation=d.is_mediation,
                since=now,
            )
            model.dns[(d.switch, d.number)] = dn
            model.dns_by_id[d.id] = dn
            model.dns_by_switch.setdefault(d.switch, []).append(dn)
        for p in config.places:
            place = PlaceState(ref=ObjectRef(p.tenant, ObjectType.Place, p.name), cfg=p, since=now)
            for dn_id in p.dns:
                dn = model.dns_by_id[dn_id]
                dn.place = place
                place.dns.append(dn)
            model.places[(p.tenant, p.name)] = place
        for a in config.agents:
            agent = AgentState(
                ref=ObjectRef(a.tenant, ObjectType.Agent, a.employee_id),
                cfg=a,
                skills=dict(a.skills),
                since=now,
            )
            model.agents[(a.tenant, a.employee_id)] = agent
            for switch, code in a.logins.items():
                model.agent_by_login[(switch, code)] = agent
        for g in config.agent_groups:
            group = GroupState(
                ref=ObjectRef(g.tenant, ObjectType.GroupAgents, g.name),
                origination_dns=g.origination_dns,
            )
            model.groups[group.ref] = group
            if g.script is not None:
                group.expression = parse_skill_expression(g.script)
                model.virtual_groups.append(group)
                for skill in group.expression.skills:
                    model.groups_by_skill.setdefault(skill, []).append(group)
                for arg in group.expression.logins:
                    model.groups_by_login.setdefault(arg, []).append(group)
            else:
                for emp in g.members:
                    agent = model.agents[(g.tenant, emp)]
                    group.add(agent)
                    add_sorted(agent.groups, group)
        for pg in config.place_groups:
            group = GroupState(ref=ObjectRef(pg.tenant, ObjectType.GroupPlaces, pg.name))
            model.groups[group.ref] = group
            for name in pg.members:
                place = model.places[(pg.tenant, name)]
                group.add(place)
                place.groups.append(group)
        for qg in config.queue_groups:
            ref = ObjectRef(qg.tenant, ObjectType.GroupQueues, qg.name)
            for dn_id in qg.dns:
                model.queue_groups_of.setdefault(dn_id, []).append(ref)
        for sa in config.staging_areas:
            ref = ObjectRef(sa.tenant, ObjectType.StagingArea, sa.name)
            model.staging[(sa.tenant, sa.name)] = StagingArea(ref=ref, link="", since=now)
        for agent in model.agents.values():
            model.update_virtual_membership(agent, model.virtual_groups)
        model.memberships.clear()  # the initial membership is configuration, not a change
        return model

    # ----------------------------------------------------------------------
    # Actions
    # ----------------------------------------------------------------------

    def start(
        self,
        dev: Device,
        kind: ActionKind,
        t: int,
        conn_id: str = "",
        *,
        agent: str = "",
        place: str = "",
        queue: str = "",
        media: str = "voice",
        ani: str = "",
        dnis: str = "",
        user_data: Mapping[str, str | int] = _EMPTY_KV,
        reasons: Mapping[str, str | int] = _EMPTY_KV,
    ) -> Action:
        """Open a durable action on ``dev``."""
        action = Action(
            kind=kind,
            device=dev.ref,
            start=t,
            end=None,
            conn_id=conn_id,
            agent=agent,
            place=place,
            queue=queue,
            media=media,
            ani=ani,
            dnis=dnis,
            user_data=user_data,
            reasons=reasons,
        )
        dev.open[(kind, conn_id)] = action
        self.actions.append(action)
        self.dirty_devices[dev] = None
        limit = self.stuck_limits.get(kind)
        if limit is not None:
            heapq.heappush(self.deadlines, (t + limit, next(self._seq), dev, kind, conn_id, t))
        return action

    def end(self, dev: Device, kind: ActionKind, t: int, conn_id: str = "") -> Action | None:
        """Close a durable action if it is open; returns the closed action."""
        action = dev.open.pop((kind, conn_id), None)
        if action is None:
            return None
        closed = action.derive(action.kind, action.device, action.start, max(t, action.start))
        self.actions.append(closed)
        self.touch(dev)
        return closed

    def instant(
        self,
        dev: Device,
        kind: ActionKind,
        t: int,
        like: Action | None = None,
        *,
        start: int | None = None,
        conn_id: str | None = None,
        **data: Any,
    ) -> Action:
        """Emit a momentary (``start=None``) or retrospective action.

        ``like`` supplies the attributes (conn id, agent, user data ...) of
        the durable action this one marks the start or end of.
        """
        if like is not None:
            action = like.derive(kind, dev.ref, t if start is None else start, t)
            if conn_id is not None or data:
                if conn_id is not None:
                    data["conn_id"] = conn_id
                action = attrs.evolve(action, **data)
        else:
            action = Action(
                kind=kind,
                device=dev.ref,
                start=t if start is None else start,
                end=t,
                conn_id=conn_id or "",
                **data,
            )
        self.actions.append(action)
        return action

    def retire(self, dev: Device, t: int) -> None:
        """A device goes away (media removed, agent logged out of a link):
        its actions end and its last status change is to NotMonitored, so
        time in statuses still adds up over the device's life."""
        self.end_all(dev, t)
        dev.monitored = False
        self.monitoring_devices[dev] = None
        self.touch(dev)

    def end_all(self, dev: Device, t: int) -> None:
        """Close every open action of ``dev`` (link loss, re-registration)."""
        for key in sorted(dev.open, key=lambda k: (k[0].value, k[1])):
            self.end(dev, key[0], t, key[1])

    # ----------------------------------------------------------------------
    # Status propagation
    # ----------------------------------------------------------------------

    def touch(self, dev: Device) -> None:
        self.dirty_devices[dev] = None

    def touch_place(self, place: PlaceState) -> None:
        self.dirty_places[place] = None

    def touch_agent(self, agent: AgentState) -> None:
        self.dirty_agents[agent] = None

    def refresh(self, t: int) -> None:
        """Recompute the statuses of what the current event touched."""
        if self.dirty_devices:
            for dev in self.dirty_devices:
                status, action = dev.status_now()
                if status is not dev.status or action is not dev.status_action:
                    old = dev.status
                    if status is not old or _data_changed(dev.status_action, action):
                        self.changes.append(
                            StatusChange(ref=dev.ref, time=t, old=old, new=status, action=action)
                        )
                    if status is not old:
                        dev.since = t
                    dev.status, dev.status_action = status, action
                    if dev.place is not None:
                        self.dirty_places[dev.place] = None
                    if isinstance(dev, DNState) and dev.agent is not None:
                        self.dirty_agents[dev.agent] = None
            self.dirty_devices.clear()
        if self.dirty_places:
            for place in self.dirty_places:
                self._set_status(place, place_status(place), t)
                for agent in place.agents:
                    self.dirty_agents[agent] = None
            self.dirty_places.clear()
        if self.dirty_agents:
            for agent in self.dirty_agents:
                self._set_status(agent, agent_status(agent), t)
            self.dirty_agents.clear()

    def _set_status(
        self, obj: PlaceState | AgentState, new: tuple[Status, Action | None], t: int
    ) -> None:
        status, action = new
        old = obj.status
        if status is old and not _data_changed(obj.status_action, action):
            obj.status_action = action
            return
        self.changes.append(StatusChange(ref=obj.ref, time=t, old=old, new=status, action=action))
        obj.status_action = action
        if status is not old:
            obj.status = status
            obj.since = t
            for group in obj.groups:
                group.move(old, status)

    # ----------------------------------------------------------------------
    # Agents and groups
    # ----------------------------------------------------------------------

    def logged_in_arg(self, agent: AgentState, arg: str) -> bool:
        """``LoggedIn("Switch")`` or ``LoggedIn("Queue@Switch")`` (DOMAIN §10.2).

        A switch name is tried first, as Stat Server does.
        """
        return any(dn.cfg.switch == arg or dn.login_queue == arg for dn in agent.voice_dns)

    def update_virtual_membership(self, agent: AgentState, groups: Iterable[GroupState]) -> None:
        """Re-evaluate the scripts of ``groups`` for ``agent`` only."""
        for group in groups:
            expr = group.expression
            if expr is None or group.ref.tenant != agent.ref.tenant:
                continue
            member = expr.evaluate(agent.skills, lambda arg: self.logged_in_arg(agent, arg))
            if member and agent not in group.members:
                self.join(group, agent)
            elif not member and agent in group.members:
                self.leave(group, agent)

    def join(self, group: GroupState, agent: AgentState) -> None:
        group.add(agent)
        add_sorted(agent.groups, group)
        self.memberships.append(
            MembershipChange(group=group.ref, member=agent.ref, joined=True, time=self.now)
        )

    def leave(self, group: GroupState, agent: AgentState) -> None:
        group.remove(agent)
        discard(agent.groups, group)
        self.memberships.append(
            MembershipChange(group=group.ref, member=agent.ref, joined=False, time=self.now)
        )

    def groups_for_login_change(self, agent: AgentState) -> Iterator[GroupState]:
        """Virtual groups whose script may change when ``agent`` logs in or out."""
        args: set[str] = set()
        for dn in agent.voice_dns:
            args.add(dn.cfg.switch)
            if dn.login_queue:
                args.add(dn.login_queue)
        seen: set[int] = set()
        for arg in args:
            for g in self.groups_by_login.get(arg, ()):
                if id(g) not in seen:
                    seen.add(id(g))
                    yield g


def _data_changed(old: Action | None, new: Action | None) -> bool:
    """Whether the attached data that defines a status changed (DOMAIN §3.8)."""
    if old is new:
        return False
    if old is None or new is None:
        return True
    return old.reasons != new.reasons or old.kind is not new.kind


def place_status(place: PlaceState) -> tuple[Status, Action | None]:
    """The place rule of DOMAIN §3.9 over the place's DNs and media channels."""
    voice = [dn.status for dn in place.dns] if place.dns else None
    logged = any(dn.agent is not None for dn in place.dns)
    nonvoice = [ch.status for ch in place.channels.values()] if place.channels else None
    status = combine_place(voice, logged, nonvoice)
    return status, _defining_action(status, place.dns, place.channels.values())


def agent_status(agent: AgentState) -> tuple[Status, Action | None]:
    """LoggedOut when no DN and no Interaction Server partial has the agent
    logged in; otherwise the place rule over the agent's places (DOMAIN §3.9)."""
    if not agent.logged_in:
        return Status.LoggedOut, None
    places = agent.places()
    voice_devices: list[Device] = []
    for place in places:
        voice_devices.extend(place.dns)
    for dn in agent.voice_dns:
        if dn.place is None:
            voice_devices.append(dn)
    channels: list[Device] = [ch for p in agent.partials.values() for ch in p.channels.values()]
    voice = [d.status for d in voice_devices] if voice_devices else None
    nonvoice = [c.status for c in channels] if channels else None
    if voice is None and nonvoice is None:
        # logged in to an Interaction Server with no media yet
        return Status.Monitored, None
    status = combine_place(voice, bool(agent.voice_dns), nonvoice)
    return status, _defining_action(status, voice_devices, channels)


def _defining_action(
    status: Status, dns: Iterable[Device], channels: Iterable[Device]
) -> Action | None:
    for dev in (*dns, *channels):
        if dev.status is status and dev.status_action is not None:
            return dev.status_action
    return None
