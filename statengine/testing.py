"""Test kit: a virtual clock, event builders, synthetic centers and a seeded
generator of valid CTI event streams.

The generator is deliberately *not* the simulator (``simulators/``): it is a
compact agent-by-agent process whose only promise is that every event it
yields is valid for the engine, in time order, reproducibly for a seed. Tests,
property tests and benchmarks use it to drive the engine through every flow
at volume::

    center = make_center(agents=1000, queues=10)
    for event in generate_stream(center, seed=1, events=1_000_000):
        engine.feed(event)
"""

from __future__ import annotations

import functools
import heapq
import itertools
import random
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC
from typing import Any

import attrs

from statengine.core import events as ev
from statengine.core.objects import (
    AgentConfig,
    AgentGroupConfig,
    CenterConfig,
    DNConfig,
    DNType,
    LinkConfig,
    LinkKind,
    PlaceConfig,
    PlaceGroupConfig,
    QueueGroupConfig,
    StagingAreaConfig,
    SwitchConfig,
    TenantConfig,
    dn_id,
)

__all__ = [
    "DEFAULT_START_MS",
    "StreamProfile",
    "VirtualClock",
    "connect_all",
    "generate_stream",
    "make_center",
]

#: 2026-03-02 08:00:00 UTC, a Monday: the default start of generated streams.
DEFAULT_START_MS = 1_772_438_400_000


@attrs.define
class VirtualClock:
    """A clock tests move by hand; integer POSIX milliseconds."""

    now: int = DEFAULT_START_MS

    def advance(self, ms: int) -> int:
        if ms < 0:
            raise ValueError(f"a clock never goes back (advance by {ms} ms)")
        self.now += ms
        return self.now

    def sleep(self, seconds: float) -> int:
        return self.advance(round(seconds * 1000))


def connect_all(center: CenterConfig, t: int) -> list[ev.Event]:
    """LinkConnected for every configured link: how every stream begins."""
    return [ev.LinkConnected(time=t, link=link.name) for link in center.links]


def make_center(
    *,
    agents: int = 20,
    queues: int = 2,
    tenant: str = "T1",
    switch: str = "SW1",
    ixn_links: int = 2,
    media: tuple[str, ...] = ("chat", "email"),
    group_size: int = 50,
    escalation: bool = True,
) -> CenterConfig:
    """A synthetic center: agent ``i`` sits at place ``P{i}`` with extension
    ``{5000+i}``, logs in with code ``{7000+i}`` and serves queue
    ``{8000 + i % queues}``; a routing point 9000 feeds the queues; agents
    form static groups of ``group_size``, one virtual group per queue (by
    skill), place groups, a queue group and one staging area ``SA-{media}``
    per media, plus (``escalation``) an ``SA-{media}-escalated`` area that
    interactions nobody takes may move to.
    """
    tz = UTC
    links = [LinkConfig(name="ts1", kind=LinkKind.TSERVER, tenant=tenant, switch=switch)]
    links += [
        LinkConfig(name=f"ixn{i + 1}", kind=LinkKind.IXNSERVER, tenant=tenant)
        for i in range(ixn_links)
    ]
    dns = [
        DNConfig(number=str(8000 + q), switch=switch, tenant=tenant, type=DNType.ACDQueue)
        for q in range(queues)
    ]
    dns.append(DNConfig(number="9000", switch=switch, tenant=tenant, type=DNType.RoutingPoint))
    places, agent_cfgs = [], []
    for i in range(agents):
        number = str(5000 + i)
        dns.append(DNConfig(number=number, switch=switch, tenant=tenant, type=DNType.Extension))
        places.append(
            PlaceConfig(
                name=f"P{i}",
                tenant=tenant,
                dns=(dn_id(number, switch),),
                media=media if ixn_links else (),
            )
        )
        agent_cfgs.append(
            AgentConfig(
                employee_id=f"A{i}",
                tenant=tenant,
                logins={switch: str(7000 + i)},
                skills={f"Q{i % queues}": 5 + i % 5, "Any": 1},
            )
        )
    groups = [
        AgentGroupConfig(
            name=f"G{g}",
            tenant=tenant,
            members=tuple(
                f"A{i}" for i in range(g * group_size, min(agents, (g + 1) * group_size))
            ),
        )
        for g in range((agents + group_size - 1) // group_size)
    ]
    groups += [
        AgentGroupConfig(
            name=f"VQ{q}",
            tenant=tenant,
            script=f'Skill("Q{q}") >= 7 & LoggedIn("{switch}")',
            origination_dns=(dn_id(str(8000 + q), switch),),
        )
        for q in range(queues)
    ]
    place_groups = [
        PlaceGroupConfig(
            name=f"PG{g}",
            tenant=tenant,
            members=tuple(
                f"P{i}" for i in range(g * group_size, min(agents, (g + 1) * group_size))
            ),
        )
        for g in range((agents + group_size - 1) // group_size)
    ]
    return CenterConfig(
        tenants=(TenantConfig(name=tenant, timezone=tz),),
        switches=(SwitchConfig(name=switch, tenant=tenant),),
        links=tuple(links),
        dns=tuple(dns),
        places=tuple(places),
        agents=tuple(agent_cfgs),
        agent_groups=tuple(groups),
        place_groups=tuple(place_groups),
        queue_groups=(
            QueueGroupConfig(
                name="AllQueues",
                tenant=tenant,
                dns=tuple(dn_id(str(8000 + q), switch) for q in range(queues)),
            ),
        ),
        staging_areas=tuple(
            StagingAreaConfig(name=f"SA-{m}{suffix}", tenant=tenant, media=m)
            for suffix in ("", "-escalated")[: 2 if escalation else 1]
            for m in media
        )
        if ixn_links
        else (),
    )


@attrs.frozen(kw_only=True)
class StreamProfile:
    """Knobs of the generated traffic (times in seconds, probabilities 0..1).

    Probabilities named ``*_probability`` apply per occasion (per answered
    call, per break ...); ``*_per_hour`` rates are per agent-hour unless said
    otherwise. The fault knobs at the end (outages, out-of-service DNs, lost
    releases) default to 0: a plain stream has no faults.
    """

    #: offered voice load per agent (Erlangs of talk+ring per logged-in agent)
    occupancy: float = 0.8
    talk_mean: float = 180.0
    ring: tuple[float, float] = (2.0, 8.0)
    patience_mean: float = 150.0
    acw_probability: float = 0.7
    acw_mean: float = 25.0
    #: per answered call: hold, consult (an outside expert or a colleague),
    #: blind transfer, conference with a colleague, attended transfer to one
    hold_probability: float = 0.15
    consult_probability: float = 0.06
    transfer_probability: float = 0.05
    conference_probability: float = 0.02
    attended_transfer_probability: float = 0.02
    #: share of consultations that go to a colleague (not an outside number)
    consult_colleague_probability: float = 0.4
    #: share of attended transfers completed while the colleague still rings
    transfer_while_ringing_probability: float = 0.3
    #: share of holds the caller hangs up during (CallAbandonedFromHold)
    hold_abandon_probability: float = 0.05
    #: per ringing call: ring-no-answer, caller hangs up, forwarded to a colleague
    rona_probability: float = 0.02
    ring_abandon_probability: float = 0.01
    forward_probability: float = 0.01
    via_route_point: float = 0.3
    #: calls at the routing point that get a treatment (some not applied)
    treatment_probability: float = 0.2
    #: queued calls that overflow to another queue while waiting
    overflow_probability: float = 0.03
    #: queue abandons that are system clears instead (Released, CallState Dropped)
    clear_probability: float = 0.05
    #: answered calls whose attached data changes before the release
    attach_data_probability: float = 0.1
    outbound_per_hour: float = 0.5
    #: outbound calls made off-hook (OffHook before dialing, OnHook after)
    offhook_probability: float = 0.3
    internal_per_hour: float = 0.3
    #: outbound campaign calls ringing on ready agents (CallType Outbound)
    campaign_per_hour: float = 0.1
    #: direct calls of unknown type to an extension (CallType Unknown)
    direct_per_hour: float = 0.05
    #: UserEvents on queues and agents' DNs, per hour of the whole center
    user_events_per_hour: float = 1.0
    break_every: float = 2700.0
    break_mean: float = 600.0
    #: breaks taken with do-not-disturb on
    dnd_probability: float = 0.1
    shift: float = 4 * 3600.0
    off_shift: float = 1800.0
    #: multimedia: chats / e-mails / work items per agent-hour
    media_per_hour: float = 2.0
    media_handle_mean: float = 300.0
    #: invitations the agent rejects / that time out (revoked); both re-queue
    media_reject_probability: float = 0.03
    media_revoke_probability: float = 0.02
    #: handled interactions followed by after-call work on that media
    media_acw_probability: float = 0.2
    #: media not-ready breaks (with reasons, some changing reason) per agent-hour
    media_not_ready_per_hour: float = 0.3
    #: outbound / internal interactions an agent starts, per agent-hour
    media_outbound_per_hour: float = 0.2
    #: interactions nobody takes at once that move to another staging area of
    #: the same media (escalation), when the center has one
    staging_move_probability: float = 0.2
    #: Interaction Server link outages per hour of the whole stream (0: never)
    outages_per_hour: float = 0.0
    #: T-Server link outages per hour (0: never); on restore every DN is
    #: re-registered from a snapshot of what happened meanwhile
    tserver_outages_per_hour: float = 0.0
    #: re-registrations of a ready agent with no call that report the DN busy
    #: with no call (the sticky LoggedIn status)
    sticky_probability: float = 0.3
    #: DNs (extensions and queues) going out of service, per hour of the stream
    out_of_service_per_hour: float = 0.0
    #: releases / abandons the engine never hears of (the stuck-call guard
    #: cleans what they leave open)
    lost_release_probability: float = 0.0


_LEG_STATE = {
    "dialing": ev.LegState.Dialing,
    "ringing": ev.LegState.Ringing,
    "established": ev.LegState.Established,
}
_AGENT_STATE = {
    "": ev.AgentState.LoggedIn,
    "ready": ev.AgentState.Ready,
    "notready": ev.AgentState.NotReady,
    "acw": ev.AgentState.AfterCallWork,
}
_MEDIATION_LEAVE = (ev.Diverted, ev.RouteUsed, ev.Abandoned, ev.Released)
_MEDIATION_CALL = (ev.TreatmentApplied, ev.TreatmentNotApplied, ev.TreatmentEnd)


def _capacity(media: str) -> int:
    return 3 if media == "chat" else 1


class _Agent:
    __slots__ = (
        "break_due",
        "dn",
        "dnd",
        "emp",
        "gen",
        "load",
        "logged",
        "login",
        "media",
        "media_mode",
        "media_token",
        "place",
        "queue",
        "shift_end",
        "state",
    )

    def __init__(self, emp: str, dn: str, login: str, place: str, queue: str) -> None:
        self.emp, self.dn, self.login, self.place, self.queue = emp, dn, login, place, queue
        self.logged = False
        self.state = "out"  # out | notready | ready | busy | acw | break
        self.break_due = False
        self.dnd = False
        self.shift_end = 0
        self.media: dict[str, str] = {}  # media -> ixn link
        #: per media: interactions on the channel, ready state, change counter
        self.load: dict[str, int] = {}
        self.media_mode: dict[str, str] = {}  # "ready" | "notready" | "acw"
        self.media_token: dict[str, int] = {}
        self.gen = 0


class _Generator:
    """The event process behind :func:`generate_stream`.

    The process keeps the *switch's* truth: which agent is logged in on which
    DN in which mode, and every call leg (``legs``), updated by every T-Server
    event it makes, whether or not the engine gets it. The engine does not get
    DN events while the T-Server link is down, on a DN out of service, or when
    the event is *lost* (a lost release); events about a call waiting on a
    queue or routing point reach it only while it knows the call waits there
    (``waits``). When the link or the DN comes back, a ``Registered`` snapshot
    of the truth brings the engine up to date, so every event it gets is valid.
    """

    def __init__(self, center: CenterConfig, rng: random.Random, start: int, p: StreamProfile):
        self.center, self.rng, self.p = center, rng, p
        self.now = start
        self.heap: list[tuple[int, int, Callable[[], None]]] = []
        self.seq = itertools.count()
        self.out: list[ev.Event] = []
        self.conn = itertools.count(1)
        ts = next(ln for ln in center.links if ln.kind is LinkKind.TSERVER)
        self.ts, self.switch = ts.name, ts.switch or ""
        self.ixn = [ln.name for ln in center.links if ln.kind is LinkKind.IXNSERVER]
        self.link_up = {ln.name: True for ln in center.links}
        self.queues = [d.number for d in center.dns if d.type is DNType.ACDQueue]
        self.rps = [d.number for d in center.dns if d.type is DNType.RoutingPoint]
        switch_dns = [d for d in center.dns if d.switch == self.switch]
        self.all_dns = [d.number for d in switch_dns]
        self.mediation = {d.number for d in switch_dns if d.is_mediation}
        self.waiting: dict[str, list[str]] = {q: [] for q in self.queues}
        self.idle: dict[str, list[_Agent]] = {q: [] for q in self.queues}
        self.calls: dict[str, dict[str, Any]] = {}
        self.agents: list[_Agent] = []
        place_of: dict[str, PlaceConfig] = {}
        for place in center.places:
            for d in place.dns:
                place_of[d] = place
        extensions = [d.number for d in switch_dns if d.type is DNType.Extension]
        self.extensions = extensions
        for i, a in enumerate(center.agents):
            code = a.logins.get(self.switch)
            if code is None or i >= len(extensions) or not self.queues:
                continue
            dn = extensions[i]
            agent_place = place_of.get(dn_id(dn, self.switch))
            queue = self.queues[i % len(self.queues)]
            name = agent_place.name if agent_place is not None else ""
            agent = _Agent(a.employee_id, dn, code, name, queue)
            if agent_place is not None and self.ixn:
                for j, m in enumerate(agent_place.media):
                    agent.media[m] = self.ixn[(i + j) % len(self.ixn)]
                    agent.load[m] = 0
                    agent.media_mode[m] = "ready"
                    agent.media_token[m] = 0
            self.agents.append(agent)
        self.partials: set[tuple[str, str]] = set()
        #: media -> the staging area new interactions enter, and the others
        #: of that media (escalation targets)
        self.staging: dict[str, str] = {}
        self.escalation: dict[str, list[str]] = {}
        for sa in center.staging_areas:
            if sa.media in self.staging:
                self.escalation.setdefault(sa.media, []).append(sa.name)
            else:
                self.staging[sa.media] = sa.name
        self.ixns: dict[str, dict[str, Any]] = {}
        # --- the switch's truth and what the engine knows of it ------------
        #: DN -> conn id -> leg {"state", "held", "type", "queue"}
        self.legs: dict[str, dict[str, dict[str, Any]]] = {d: {} for d in self.all_dns}
        #: DN -> [login code, mode, reasons] of the agent logged in there
        self.dn_agent: dict[str, list[Any]] = {}
        #: conn id -> the mediation DN the engine knows the call waits on
        self.waits: dict[str, str] = {}
        #: DNs out of service
        self.oos: set[str] = set()

    # -- scheduling ----------------------------------------------------------

    def at(self, delay_s: float, fn: Callable[[], None]) -> None:
        heapq.heappush(self.heap, (self.now + max(1, round(delay_s * 1000)), next(self.seq), fn))

    def emit(self, cls: type[ev.Event], *, lost: bool = False, **kw: Any) -> None:
        """Make an event; T-Server DN events update the truth and reach the
        engine only when it can take them (class docstring)."""
        kw.setdefault("link", self.ts)
        event = cls(time=self.now, **kw)
        if (
            isinstance(event, ev.DNEvent)
            and event.link == self.ts
            and not self._deliver(event, lost)
        ):
            return
        self.out.append(event)

    def exp(self, mean: float) -> float:
        return self.rng.expovariate(1.0 / mean) if mean > 0 else 0.0

    def chance(self, p: float) -> bool:
        """True with probability ``p``; draws nothing when ``p`` is 0."""
        return p > 0 and self.rng.random() < p

    def conn_id(self, prefix: str = "c") -> str:
        return f"{prefix}{next(self.conn)}"

    # -- the switch's truth --------------------------------------------------

    def _deliver(self, event: ev.DNEvent, lost: bool) -> bool:
        dn = event.dn
        ok = self.link_up[self.ts] and dn not in self.oos and not lost
        if dn not in self.mediation:
            self._track(event)
            if isinstance(event, ev.AttachedDataChanged):
                ok = ok and event.conn_id in self.legs.get(dn, {})
            return ok
        if isinstance(event, ev.Queued | ev.RouteRequest):
            if ok:
                self.waits[event.conn_id] = dn
            return ok
        if isinstance(event, _MEDIATION_LEAVE):
            if not ok or self.waits.get(event.conn_id) != dn:
                return False
            del self.waits[event.conn_id]
            return True
        if isinstance(event, (*_MEDIATION_CALL, ev.AttachedDataChanged)):
            return ok and self.waits.get(event.conn_id) == dn
        return ok

    def _track(self, event: ev.DNEvent) -> None:
        """Follow a regular DN's agent and call legs as the switch has them."""
        dn = event.dn
        legs = self.legs.setdefault(dn, {})
        if isinstance(event, ev.AgentDNEvent):
            if isinstance(event, ev.AgentLogin):
                mode = "ready" if event.work_mode is ev.WorkMode.AutoIn else ""
                self.dn_agent[dn] = [event.agent_id, mode, {}]
            elif isinstance(event, ev.AgentLogout):
                self.dn_agent.pop(dn, None)
            elif dn in self.dn_agent:
                if isinstance(event, ev.AgentReady):
                    mode = "ready"
                elif isinstance(event, ev.AgentAfterCallWork) or (
                    event.work_mode is ev.WorkMode.AfterCallWork
                ):
                    mode = "acw"
                else:
                    mode = "notready"
                self.dn_agent[dn][1:] = [mode, dict(event.reasons)]
            return
        if not isinstance(event, ev.CallEvent):
            return
        conn = event.conn_id
        if isinstance(event, ev.Dialing | ev.Ringing):
            legs[conn] = {
                "state": "dialing" if isinstance(event, ev.Dialing) else "ringing",
                "held": False,
                "type": event.call_type,
                "queue": event.this_queue,
            }
        elif isinstance(event, ev.Established):
            leg = legs[conn]
            leg["state"] = "established"
            if event.call_type is not ev.CallType.Unknown:
                leg["type"] = event.call_type
        elif isinstance(event, ev.Held | ev.Retrieved):
            legs[conn]["held"] = isinstance(event, ev.Held)
        elif isinstance(event, ev.Released | ev.Abandoned | ev.Diverted):
            legs.pop(conn, None)
        elif isinstance(event, ev.PartyChanged):
            leg = legs.pop(event.previous_conn_id or conn)
            if event.call_type is not ev.CallType.Unknown:
                leg["type"] = event.call_type
            legs[conn] = leg

    def register(self, dn: str) -> None:
        """EventRegistered for ``dn`` with a snapshot of the truth."""
        calls = tuple(
            ev.RegisteredCall(
                conn_id=conn,
                state=ev.LegState.Held if leg["held"] else _LEG_STATE[leg["state"]],
                call_type=leg["type"],
                this_queue=leg["queue"],
            )
            for conn, leg in self.legs.get(dn, {}).items()
        )
        agent = self.dn_agent.get(dn)
        if agent is None:
            self.emit(ev.Registered, dn=dn, dn_idle=not calls, calls=calls)
            return
        code, mode, reasons = agent
        idle = not calls
        if idle and mode == "ready" and self.chance(self.p.sticky_probability):
            idle = False  # busy with nothing the server can tell: sticky LoggedIn
        self.emit(
            ev.Registered,
            dn=dn,
            agent_id=code,
            agent_state=_AGENT_STATE[mode],
            work_mode=ev.WorkMode.AfterCallWork if mode == "acw" else ev.WorkMode.Unknown,
            reasons=reasons,
            dn_idle=idle,
            calls=calls,
        )

    # -- agents --------------------------------------------------------------

    def start(self) -> None:
        for link in self.center.links:
            self.emit(ev.LinkConnected, link=link.name)
        for agent in self.agents:
            self.at(self.rng.uniform(0, 60), functools.partial(self.login, agent))
        n = max(1, len(self.agents))
        p = self.p
        for q in self.queues:
            serving = sum(1 for a in self.agents if a.queue == q) or 1
            rate = p.occupancy * serving / (p.talk_mean + 5 + p.acw_mean * 0.7)
            self.at(self.exp(1 / rate), functools.partial(self.arrival, q, rate))
        if self.staging and p.media_per_hour > 0:
            rate = p.media_per_hour * n / 3600.0
            self.at(self.exp(1 / rate), functools.partial(self.media_arrival, rate))
        if self.agents:
            for per_hour, fn in (
                (p.campaign_per_hour * n, self.campaign),
                (p.direct_per_hour * n, self.direct_call),
                (p.user_events_per_hour, self.user_event),
            ):
                if per_hour > 0:
                    self.at(self.exp(3600 / per_hour), functools.partial(fn, per_hour))
        if p.outages_per_hour > 0:
            self.at(self.exp(3600 / p.outages_per_hour), self.outage)
        if p.tserver_outages_per_hour > 0:
            self.at(self.exp(3600 / p.tserver_outages_per_hour), self.tserver_outage)
        if p.out_of_service_per_hour > 0:
            self.at(self.exp(3600 / p.out_of_service_per_hour), self.out_of_service)

    def login(self, a: _Agent) -> None:
        if not self.link_up[self.ts]:
            self.at(30, functools.partial(self.login, a))
            return
        self.emit(ev.AgentLogin, dn=a.dn, agent_id=a.login, this_queue=a.queue)
        self.emit(ev.AgentNotReady, dn=a.dn, agent_id=a.login, reasons={"ReasonCode": "Login"})
        a.logged, a.state = True, "notready"
        a.shift_end = self.now + round(self.rng.uniform(0.75, 1.25) * self.p.shift * 1000)
        for link in sorted(set(a.media.values())):
            if self.link_up[link]:
                self.ixn_login(a, link)
        a.gen += 1
        gen = a.gen
        p = self.p
        self.at(self.rng.uniform(5, 30), functools.partial(self.ready, a))
        self.at(self.exp(p.break_every), functools.partial(self.want_break, a, gen))
        for per_hour, fn in (
            (p.outbound_per_hour, self.outbound),
            (p.internal_per_hour, self.internal),
            (p.media_not_ready_per_hour if a.media else 0.0, self.media_break),
            (p.media_outbound_per_hour if a.media else 0.0, self.media_outbound),
        ):
            if per_hour > 0:
                self.at(self.exp(3600 / per_hour), functools.partial(fn, a, gen))

    def ixn_login(self, a: _Agent, link: str) -> None:
        """Log the agent in on one Interaction Server with the media it serves there."""
        medias = sorted(m for m, ln in a.media.items() if ln == link)
        capacity = {m: _capacity(m) for m in medias}
        self.emit(ev.IxnAgentLogin, link=link, agent_id=a.emp, place=a.place, media=capacity)
        for media in medias:
            self.emit(ev.MediaReady, link=link, agent_id=a.emp, place=a.place, media=media)
            a.media_mode[media] = "ready"
            a.media_token[media] += 1
            a.load[media] = 0
        self.partials.add((a.emp, link))

    def ready(self, a: _Agent) -> None:
        if not a.logged or a.state == "busy":
            return
        if a.break_due:
            a.break_due = False
            self.take_break(a)
            return
        if a.dnd:
            a.dnd = False
            self.emit(ev.DNDOff, dn=a.dn)
        if self.now >= a.shift_end:
            self.logout(a)
            return
        if a.state != "ready":
            self.emit(ev.AgentReady, dn=a.dn, agent_id=a.login)
        a.state = "ready"
        self.offer(a)

    def free(self, a: _Agent) -> None:
        """The agent's call work ended with no wrap-up: ready again."""
        a.state = "ready"
        self.ready(a)

    def offer(self, a: _Agent) -> None:
        """A ready agent takes the oldest waiting call, or joins the idle pool."""
        waiting = self.waiting[a.queue]
        if waiting:
            self.route(waiting.pop(0), a)
        elif a not in self.idle[a.queue]:
            self.idle[a.queue].append(a)

    def unidle(self, a: _Agent) -> None:
        pool = self.idle[a.queue]
        if a in pool:
            pool.remove(a)

    def colleague(self, a: _Agent) -> _Agent | None:
        """An idle agent other than ``a`` (of a's queue first), taken out of the pool."""
        pools = [self.idle[a.queue]] + [self.idle[q] for q in self.queues if q != a.queue]
        for pool in pools:
            for b in pool:
                if b is not a:
                    self.unidle(b)
                    b.state = "busy"
                    return b
        return None

    def want_break(self, a: _Agent, gen: int) -> None:
        if not a.logged or a.gen != gen:
            return
        if a.state == "ready":
            self.take_break(a)
        else:
            a.break_due = True
        self.at(self.exp(self.p.break_every), functools.partial(self.want_break, a, gen))

    def take_break(self, a: _Agent) -> None:
        self.unidle(a)
        reason = self.rng.choice(("Break", "Lunch", "Meeting", "Training"))
        self.emit(ev.AgentNotReady, dn=a.dn, agent_id=a.login, reasons={"ReasonCode": reason})
        if self.chance(self.p.dnd_probability):
            a.dnd = True
            self.emit(ev.DNDOn, dn=a.dn)
        a.state = "break"
        self.at(self.exp(self.p.break_mean), functools.partial(self.ready, a))

    def logout(self, a: _Agent) -> None:
        self.unidle(a)
        for ixn, info in list(self.ixns.items()):
            if info.get("agent") is a:
                link, media = info["link"], info["media"]
                cls: type[ev.Event] = (
                    ev.IxnPartyRemoved if info["state"] == "handling" else ev.Revoked
                )
                self.emit(cls, link=link, ixn_id=ixn, agent_id=a.emp, place=a.place, media=media)
                self.emit(ev.ProcessingStopped, link=link, ixn_id=ixn, media=media)
                a.load[media] -= 1
                del self.ixns[ixn]
        for link in sorted(set(a.media.values())):
            if self.link_up[link] and (a.emp, link) in self.partials:
                self.partials.discard((a.emp, link))
                self.emit(ev.IxnAgentLogout, link=link, agent_id=a.emp, place=a.place)
        if a.dnd:
            a.dnd = False
            self.emit(ev.DNDOff, dn=a.dn)
        self.emit(ev.AgentLogout, dn=a.dn, agent_id=a.login)
        a.logged, a.state = False, "out"
        self.at(self.exp(self.p.off_shift), functools.partial(self.login, a))

    # -- inbound calls -------------------------------------------------------

    def arrival(self, queue: str, rate: float) -> None:
        self.at(self.exp(1 / rate), functools.partial(self.arrival, queue, rate))
        if not self.link_up[self.ts]:
            return
        conn = self.conn_id()
        ani = f"+4420{self.rng.randrange(10**7):07d}"
        call = {"queue": queue, "state": "entering", "ani": ani, "type": ev.CallType.Inbound}
        self.calls[conn] = call
        if self.rps and self.rng.random() < self.p.via_route_point:
            rp = self.rps[0]
            call["state"] = "routing"
            self.emit(
                ev.RouteRequest,
                dn=rp,
                conn_id=conn,
                call_type=ev.CallType.Inbound,
                ani=call["ani"],
                dnis=rp,
            )
            delay = self.rng.uniform(0.5, 3)
            if self.chance(self.p.treatment_probability):
                delay = self.treatment(conn, rp, delay)
            self.at(delay, functools.partial(self.route_used, conn, rp))
        else:
            self.enqueue(conn)

    def treatment(self, conn: str, rp: str, delay: float) -> float:
        """Music or an announcement at the routing point; returns when routing resumes."""
        kind = self.rng.choice(("Music", "PlayAnnouncement", "CollectDigits"))
        if self.rng.random() < 0.2:
            self.at(
                delay / 2,
                lambda: self.emit(ev.TreatmentNotApplied, dn=rp, conn_id=conn, treatment_type=kind),
            )
            return delay
        length = self.rng.uniform(3, 15)
        self.at(
            delay / 2,
            lambda: self.emit(ev.TreatmentApplied, dn=rp, conn_id=conn, treatment_type=kind),
        )
        self.at(
            delay / 2 + length,
            lambda: self.emit(ev.TreatmentEnd, dn=rp, conn_id=conn, treatment_type=kind),
        )
        return delay + length

    def route_used(self, conn: str, rp: str) -> None:
        call = self.calls.get(conn)
        if call is None or call["state"] != "routing":
            return
        self.emit(ev.RouteUsed, dn=rp, conn_id=conn, other_dn=call["queue"])
        self.enqueue(conn)

    def enqueue(self, conn: str) -> None:
        call = self.calls[conn]
        q = call["queue"]
        call["state"] = "queued"
        self.emit(
            ev.Queued,
            dn=q,
            conn_id=conn,
            call_type=ev.CallType.Inbound,
            ani=call["ani"],
            user_data={"Segment": self.rng.choice(("Gold", "Silver", "Bronze"))},
        )
        if self.idle[q]:
            self.route(conn, self.idle[q].pop(0))
            return
        self.waiting[q].append(conn)
        self.at(self.exp(self.p.patience_mean), functools.partial(self.abandon_queued, conn, q))
        overflow = len(self.queues) > 1 and not call.get("overflowed")
        if overflow and self.chance(self.p.overflow_probability):
            self.at(self.rng.uniform(10, 60), functools.partial(self.overflow, conn, q))

    def overflow(self, conn: str, q: str) -> None:
        """The call still waits on ``q``: move it to another queue."""
        call = self.calls.get(conn)
        if call is None or call["state"] != "queued" or call["queue"] != q:
            return
        self.waiting[q].remove(conn)
        target = self.rng.choice([x for x in self.queues if x != q])
        self.emit(ev.Diverted, dn=q, conn_id=conn, other_dn=target)
        call.update(queue=target, overflowed=True)
        self.enqueue(conn)

    def abandon_queued(self, conn: str, q: str) -> None:
        call = self.calls.get(conn)
        if call is None or call["state"] != "queued" or call["queue"] != q:
            return
        self.waiting[q].remove(conn)
        lost = self.chance(self.p.lost_release_probability)
        if self.chance(self.p.clear_probability):
            self.emit(ev.Released, dn=q, conn_id=conn, call_state=ev.CallState.Dropped, lost=lost)
        else:
            self.emit(ev.Abandoned, dn=q, conn_id=conn, lost=lost)
        del self.calls[conn]

    def route(self, conn: str, a: _Agent) -> None:
        call = self.calls[conn]
        q = call["queue"]
        call.update(state="ringing", agent=a)
        a.state = "busy"
        self.emit(ev.Diverted, dn=q, conn_id=conn, other_dn=a.dn)
        self.emit(
            ev.Ringing,
            dn=a.dn,
            conn_id=conn,
            other_dn=call["ani"],
            this_queue=q,
            call_type=call["type"],
            ani=call["ani"],
        )
        p = self.p
        r = self.rng.random()
        ring = self.rng.uniform(*p.ring)
        if r < p.rona_probability:
            self.at(p.ring[1] * 2, functools.partial(self.rona, conn, a))
        elif r < p.rona_probability + p.ring_abandon_probability:
            self.at(ring, functools.partial(self.abandon_ringing, conn, a))
        elif r < p.rona_probability + p.ring_abandon_probability + p.forward_probability:
            self.at(ring, functools.partial(self.forward, conn, a))
        else:
            self.at(ring, functools.partial(self.answer, conn, a))

    def rona(self, conn: str, a: _Agent) -> None:
        if conn not in self.calls:
            return
        self.emit(ev.Released, dn=a.dn, conn_id=conn, call_state=ev.CallState.NoAnswer)
        del self.calls[conn]
        self.emit(ev.AgentNotReady, dn=a.dn, agent_id=a.login, reasons={"ReasonCode": "RONA"})
        a.state = "notready"
        self.at(self.rng.uniform(20, 90), functools.partial(self.ready, a))

    def abandon_ringing(self, conn: str, a: _Agent) -> None:
        if conn not in self.calls:
            return
        lost = self.chance(self.p.lost_release_probability)
        self.emit(ev.Abandoned, dn=a.dn, conn_id=conn, lost=lost)
        del self.calls[conn]
        self.free(a)

    def forward(self, conn: str, a: _Agent) -> None:
        """The ringing phone forwards the call to an idle colleague."""
        call = self.calls.get(conn)
        if call is None:
            return
        b = self.colleague(a)
        if b is None:
            self.rona(conn, a)
            return
        if self.rng.random() < 0.5:
            self.emit(ev.Diverted, dn=a.dn, conn_id=conn, other_dn=b.dn)
        else:
            self.emit(
                ev.Released, dn=a.dn, conn_id=conn, other_dn=b.dn, call_state=ev.CallState.Forwarded
            )
        call["agent"] = b
        self.emit(
            ev.Ringing,
            dn=b.dn,
            conn_id=conn,
            other_dn=a.dn,
            this_queue=call.get("queue", ""),
            call_type=call["type"],
            ani=call["ani"],
        )
        self.free(a)
        self.at(self.rng.uniform(*self.p.ring), functools.partial(self.answer, conn, b))

    def answer(self, conn: str, a: _Agent) -> None:
        call = self.calls.get(conn)
        if call is None:
            return
        call["state"] = "talking"
        self.emit(ev.Established, dn=a.dn, conn_id=conn, call_type=call["type"])
        talk = self.exp(self.p.talk_mean)
        p = self.p
        r = self.rng.random()
        edges = list(
            itertools.accumulate(
                (
                    p.hold_probability,
                    p.consult_probability,
                    p.transfer_probability,
                    p.conference_probability,
                    p.attended_transfer_probability,
                )
            )
        )
        if r < edges[0]:
            self.at(talk * 0.3, functools.partial(self.hold, conn, a, talk * 0.4))
        elif r < edges[1]:
            if self.rng.random() < p.consult_colleague_probability:
                self.at(talk * 0.3, functools.partial(self.with_colleague, conn, a, "consult"))
                return
            self.at(talk * 0.3, functools.partial(self.consult, conn, a, talk * 0.4))
        elif r < edges[2]:
            self.at(talk * 0.5, functools.partial(self.transfer, conn, a))
            return
        elif r < edges[3]:
            self.at(talk * 0.3, functools.partial(self.with_colleague, conn, a, "conference"))
            return
        elif r < edges[4]:
            self.at(talk * 0.3, functools.partial(self.with_colleague, conn, a, "transfer"))
            return
        self.at(talk, functools.partial(self.hangup, conn, a))

    def hold(self, conn: str, a: _Agent, length: float) -> None:
        if conn not in self.calls:
            return
        self.emit(ev.Held, dn=a.dn, conn_id=conn)
        self.calls[conn]["held"] = True
        held = min(length, self.rng.uniform(5, 60))
        if self.chance(self.p.hold_abandon_probability):
            self.at(held, functools.partial(self.abandon_held, conn, a))
        else:
            self.at(held, functools.partial(self.retrieve, conn, a))

    def abandon_held(self, conn: str, a: _Agent) -> None:
        """The caller hangs up while on hold."""
        call = self.calls.get(conn)
        if call is None or not call.get("held") or call.get("agent", a) is not a:
            return
        del self.calls[conn]
        self.emit(ev.Released, dn=a.dn, conn_id=conn)
        self.after_call(a)

    def retrieve(self, conn: str, a: _Agent) -> None:
        call = self.calls.get(conn)
        if call is None or not call.get("held"):
            return
        call["held"] = False
        self.emit(ev.Retrieved, dn=a.dn, conn_id=conn)

    def consult(self, conn: str, a: _Agent, length: float) -> None:
        """Hold the customer, consult an outside expert, come back."""
        if conn not in self.calls:
            return
        self.emit(ev.Held, dn=a.dn, conn_id=conn)
        self.calls[conn]["held"] = True
        c2 = self.conn_id()
        expert = f"0800{self.rng.randrange(10**6):06d}"
        self.emit(ev.Dialing, dn=a.dn, conn_id=c2, other_dn=expert, call_type=ev.CallType.Consult)
        d = self.rng.uniform(3, 10)

        def talk() -> None:
            self.emit(ev.Established, dn=a.dn, conn_id=c2, call_type=ev.CallType.Consult)
            self.at(min(length, self.rng.uniform(10, 90)), end)

        def end() -> None:
            self.emit(ev.Released, dn=a.dn, conn_id=c2)
            self.retrieve(conn, a)

        self.at(d, talk)

    def with_colleague(self, conn: str, a: _Agent, mode: str) -> None:
        """Hold the customer and consult an idle colleague B, then (``mode``):

        * ``consult``: end the consultation and retrieve the customer;
        * ``conference``: conference B in (PartyAdded at A, PartyChanged with
          CallState Conferenced at B); later one of them leaves (PartyDeleted
          at the other);
        * ``transfer``: complete the transfer (PartyChanged at B), after B
          answered or while B still rings.
        """
        call = self.calls.get(conn)
        if call is None:
            return
        # a call of unknown type keeps its consultation's type when it passes
        # to B (PartyChanged with CallType Unknown): only plain consultations
        unknown = call["type"] is ev.CallType.Unknown and mode != "consult"
        b = self.colleague(a) if not call.get("held") and not unknown else None
        if b is None:
            self.at(self.exp(self.p.talk_mean / 2), functools.partial(self.hangup, conn, a))
            return
        ctype = call["type"]
        self.emit(ev.Held, dn=a.dn, conn_id=conn)
        call["held"] = True
        c2 = self.conn_id()
        consult = ev.CallType.Consult
        self.emit(ev.Dialing, dn=a.dn, conn_id=c2, other_dn=b.dn, call_type=consult)
        self.emit(ev.Ringing, dn=b.dn, conn_id=c2, other_dn=a.dn, call_type=consult)
        ring = self.rng.uniform(*self.p.ring)

        def complete_transfer() -> None:
            # A releases the consultation (still dialing if B rings) and the
            # customer; B's leg becomes the customer's call
            self.emit(ev.Released, dn=a.dn, conn_id=c2)
            self.emit(
                ev.Released,
                dn=a.dn,
                conn_id=conn,
                other_dn=b.dn,
                call_state=ev.CallState.Transferred,
            )
            self.emit(
                ev.PartyChanged,
                dn=b.dn,
                conn_id=conn,
                previous_conn_id=c2,
                other_dn=call["ani"],
                third_party_dn=a.dn,
                call_type=ctype,
                call_state=ev.CallState.Transferred,
            )
            call.update(agent=b, held=False)
            self.after_call(a)

        if mode == "transfer" and self.rng.random() < self.p.transfer_while_ringing_probability:

            def early() -> None:
                complete_transfer()
                call["state"] = "ringing"
                self.at(ring / 2, functools.partial(self.answer, conn, b))

            self.at(ring / 2, early)
            return

        def answered() -> None:
            self.emit(ev.Established, dn=b.dn, conn_id=c2, call_type=consult)
            self.emit(ev.Established, dn=a.dn, conn_id=c2, call_type=consult)
            self.at(self.rng.uniform(10, 60), done)

        def done() -> None:
            if mode == "consult":
                self.emit(ev.Released, dn=b.dn, conn_id=c2)
                self.emit(ev.Released, dn=a.dn, conn_id=c2)
                self.retrieve(conn, a)
                self.free(b)
                self.at(self.exp(self.p.talk_mean / 3), functools.partial(self.hangup, conn, a))
            elif mode == "transfer":
                complete_transfer()
                self.at(self.exp(self.p.talk_mean / 2), functools.partial(self.hangup, conn, b))
            else:
                self.emit(ev.Released, dn=a.dn, conn_id=c2, call_state=ev.CallState.Conferenced)
                self.retrieve(conn, a)
                self.emit(
                    ev.PartyAdded, dn=a.dn, conn_id=conn, previous_conn_id=c2, third_party_dn=b.dn
                )
                self.emit(
                    ev.PartyChanged,
                    dn=b.dn,
                    conn_id=conn,
                    previous_conn_id=c2,
                    other_dn=a.dn,
                    third_party_dn=call["ani"],
                    call_type=ctype,
                    call_state=ev.CallState.Conferenced,
                )
                self.at(self.rng.uniform(20, 120), leave)

        def leave() -> None:
            stay, go = (a, b) if self.rng.random() < 0.5 else (b, a)
            self.emit(ev.Released, dn=go.dn, conn_id=conn)
            self.emit(ev.PartyDeleted, dn=stay.dn, conn_id=conn, third_party_dn=go.dn)
            call["agent"] = stay
            self.after_call(go)
            self.at(self.exp(self.p.talk_mean / 3), functools.partial(self.hangup, conn, stay))

        self.at(ring, answered)

    def transfer(self, conn: str, a: _Agent) -> None:
        """Blind transfer to an idle colleague, if any."""
        call = self.calls.get(conn)
        if call is None:
            return
        b = self.colleague(a)
        if b is None:
            self.at(self.exp(self.p.talk_mean / 2), functools.partial(self.hangup, conn, a))
            return
        self.emit(
            ev.Released, dn=a.dn, conn_id=conn, other_dn=b.dn, call_state=ev.CallState.Transferred
        )
        self.after_call(a)
        call.update(state="ringing", agent=b)
        self.emit(
            ev.Ringing,
            dn=b.dn,
            conn_id=conn,
            other_dn=a.dn,
            call_type=call["type"],
            ani=call["ani"],
        )
        self.at(self.rng.uniform(*self.p.ring), functools.partial(self.answer, conn, b))

    def hangup(self, conn: str, a: _Agent) -> None:
        call = self.calls.pop(conn, None)
        if call is None:
            return
        if call.get("state") == "talking" and self.chance(self.p.attach_data_probability):
            disposition = self.rng.choice(("Sale", "Info", "Callback", "Complaint"))
            self.emit(
                ev.AttachedDataChanged,
                dn=a.dn,
                conn_id=conn,
                user_data={"Disposition": disposition},
            )
        # only a simple inbound release may be lost: nothing else follows it
        lost = call["type"] is ev.CallType.Inbound and self.chance(self.p.lost_release_probability)
        self.emit(ev.Released, dn=a.dn, conn_id=conn, lost=lost)
        if call.get("hook"):
            self.emit(ev.OnHook, dn=a.dn)
        self.after_call(a)

    def after_call(self, a: _Agent) -> None:
        if self.rng.random() < self.p.acw_probability:
            self.emit(
                ev.AgentNotReady, dn=a.dn, agent_id=a.login, work_mode=ev.WorkMode.AfterCallWork
            )
            a.state = "acw"
            self.at(self.exp(self.p.acw_mean), functools.partial(self.ready, a))
        else:
            self.free(a)

    # -- outbound, internal, campaign and direct calls -----------------------

    def outbound(self, a: _Agent, gen: int) -> None:
        if not a.logged or a.gen != gen:
            return
        self.at(self.exp(3600 / self.p.outbound_per_hour), functools.partial(self.outbound, a, gen))
        if a.state != "ready" or not self.link_up[self.ts]:
            return
        self.unidle(a)
        a.state = "busy"
        conn = self.conn_id()
        call: dict[str, Any] = {"state": "dialing", "agent": a, "type": ev.CallType.Outbound}
        self.calls[conn] = call
        if self.chance(self.p.offhook_probability):
            call["hook"] = True
            self.emit(ev.OffHook, dn=a.dn)
        self.emit(
            ev.Dialing,
            dn=a.dn,
            conn_id=conn,
            other_dn=f"9{self.rng.randrange(10**9)}",
            call_type=ev.CallType.Outbound,
        )

        def reached() -> None:
            if conn not in self.calls:
                return
            self.emit(ev.NetworkReached, dn=a.dn, conn_id=conn)
            if self.rng.random() < 0.3:
                self.at(self.rng.uniform(10, 30), functools.partial(self.hangup, conn, a))
            else:
                self.at(self.rng.uniform(5, 20), answered)

        def answered() -> None:
            if conn not in self.calls:
                return
            call["state"] = "talking"
            self.emit(ev.Established, dn=a.dn, conn_id=conn, call_type=ev.CallType.Outbound)
            self.at(self.exp(self.p.talk_mean / 2), functools.partial(self.hangup, conn, a))

        self.at(self.rng.uniform(1, 3), reached)

    def internal(self, a: _Agent, gen: int) -> None:
        if not a.logged or a.gen != gen:
            return
        self.at(self.exp(3600 / self.p.internal_per_hour), functools.partial(self.internal, a, gen))
        if a.state != "ready" or not self.link_up[self.ts]:
            return
        others = [b for b in self.idle[a.queue] if b is not a]
        if not others:
            return
        b = others[-1]
        self.unidle(a)
        self.unidle(b)
        a.state = b.state = "busy"
        conn = self.conn_id()
        self.calls[conn] = {"state": "internal", "type": ev.CallType.Internal}
        self.emit(ev.Dialing, dn=a.dn, conn_id=conn, other_dn=b.dn, call_type=ev.CallType.Internal)
        self.emit(ev.Ringing, dn=b.dn, conn_id=conn, other_dn=a.dn, call_type=ev.CallType.Internal)

        def answered() -> None:
            if conn not in self.calls:
                return
            self.emit(ev.Established, dn=b.dn, conn_id=conn, call_type=ev.CallType.Internal)
            self.emit(ev.Established, dn=a.dn, conn_id=conn, call_type=ev.CallType.Internal)
            self.at(self.exp(self.p.talk_mean / 3), done)

        def done() -> None:
            if self.calls.pop(conn, None) is None:
                return
            self.emit(ev.Released, dn=a.dn, conn_id=conn)
            self.emit(ev.Released, dn=b.dn, conn_id=conn)
            a.state = b.state = "ready"
            self.ready(a)
            self.ready(b)

        self.at(self.rng.uniform(*self.p.ring), answered)

    def _ring_idle(self, call_type: ev.CallType, number: str) -> None:
        """A call that rings on an idle agent's extension without a queue."""
        pool = [a for q in self.queues for a in self.idle[q]]
        if not pool:
            return
        a = self.rng.choice(pool)
        self.unidle(a)
        a.state = "busy"
        conn = self.conn_id()
        self.calls[conn] = {
            "state": "ringing",
            "agent": a,
            "type": call_type,
            "ani": number,
            "queue": "",
        }
        self.emit(
            ev.Ringing, dn=a.dn, conn_id=conn, other_dn=number, call_type=call_type, ani=number
        )
        self.at(self.rng.uniform(*self.p.ring), functools.partial(self.answer, conn, a))

    def campaign(self, per_hour: float) -> None:
        """An outbound campaign call: dialed by the system, it rings on an agent."""
        self.at(self.exp(3600 / per_hour), functools.partial(self.campaign, per_hour))
        self._ring_idle(ev.CallType.Outbound, f"9{self.rng.randrange(10**9)}")

    def direct_call(self, per_hour: float) -> None:
        """A direct call to an extension the switch cannot classify."""
        self.at(self.exp(3600 / per_hour), functools.partial(self.direct_call, per_hour))
        self._ring_idle(ev.CallType.Unknown, f"+4420{self.rng.randrange(10**7):07d}")

    def user_event(self, per_hour: float) -> None:
        self.at(self.exp(3600 / per_hour), functools.partial(self.user_event, per_hour))
        dns = self.queues + [a.dn for a in self.agents if a.logged]
        dn = self.rng.choice(dns)
        kind = self.rng.choice(("Survey", "Wallboard", "Supervisor"))
        self.emit(ev.UserEvent, dn=dn, user_data={"EventType": kind})

    # -- multimedia ----------------------------------------------------------

    def media_arrival(self, rate: float) -> None:
        self.at(self.exp(1 / rate), functools.partial(self.media_arrival, rate))
        media = self.rng.choice(sorted(self.staging))
        links = sorted({a.media[media] for a in self.agents if media in a.media})
        if not links:
            return
        link = self.rng.choice(links)
        if not self.link_up[link]:
            return
        ixn = self.conn_id("i")
        area = self.staging[media]
        self.ixns[ixn] = {"media": media, "link": link, "state": "waiting", "area": area}
        self.emit(
            ev.Submitted,
            link=link,
            ixn_id=ixn,
            queue=area,
            media=media,
            user_data={"Subject": self.rng.choice(("Billing", "Order", "Complaint"))},
        )
        self.dispatch(ixn)

    def dispatch(self, ixn: str) -> None:
        """Offer a waiting interaction to a ready agent with room, if any."""
        info = self.ixns.get(ixn)
        if info is None or info["state"] != "waiting":
            return
        media, link = info["media"], info["link"]
        candidates = [
            a
            for a in self.agents
            if a.logged
            and a.media.get(media) == link
            and (a.emp, link) in self.partials
            and a.media_mode[media] == "ready"
            and a.load[media] < _capacity(media)
        ]
        if not candidates:
            if not info.get("clear"):
                info["clear"] = True
                self.at(
                    self.exp(self.p.patience_mean * 4), functools.partial(self.media_cleared, ixn)
                )
                others = self.escalation.get(media)
                if others and self.chance(self.p.staging_move_probability):
                    target = self.rng.choice(others)
                    self.at(self.rng.uniform(10, 60), functools.partial(self.escalate, ixn, target))
            info["tries"] = info.get("tries", 0) + 1
            if info["tries"] < 6:
                self.at(self.rng.uniform(30, 120), functools.partial(self.dispatch, ixn))
            return
        a = self.rng.choice(candidates)
        self.emit(ev.TakenFromQueue, link=link, ixn_id=ixn, queue=info["area"], media=media)
        self.emit(
            ev.AgentInvited, link=link, ixn_id=ixn, agent_id=a.emp, place=a.place, media=media
        )
        a.load[media] += 1
        info.update(agent=a, state="invited")
        p = self.p
        r = self.rng.random()
        if r < p.media_reject_probability:
            self.at(self.rng.uniform(1, 10), functools.partial(self.refuse, ixn, a, ev.Rejected))
        elif r < p.media_reject_probability + p.media_revoke_probability:
            self.at(self.rng.uniform(15, 40), functools.partial(self.refuse, ixn, a, ev.Revoked))
        else:
            self.at(self.rng.uniform(1, 10), functools.partial(self.accept, ixn, a))

    def accept(self, ixn: str, a: _Agent) -> None:
        info = self.ixns.get(ixn)
        if info is None or info["state"] != "invited" or info.get("agent") is not a:
            return
        info["state"] = "handling"
        self.emit(
            ev.IxnPartyAdded,
            link=info["link"],
            ixn_id=ixn,
            agent_id=a.emp,
            place=a.place,
            media=info["media"],
        )
        self.at(self.exp(self.p.media_handle_mean), functools.partial(self.media_finish, ixn, a))

    def refuse(self, ixn: str, a: _Agent, cls: type[ev.Event]) -> None:
        """The agent rejects the invitation, or it times out: back to the staging area."""
        info = self.ixns.get(ixn)
        if info is None or info["state"] != "invited" or info.get("agent") is not a:
            return
        link, media = info["link"], info["media"]
        self.emit(cls, link=link, ixn_id=ixn, agent_id=a.emp, place=a.place, media=media)
        a.load[media] -= 1
        info.update(agent=None, state="waiting")
        self.emit(ev.PlacedInQueue, link=link, ixn_id=ixn, queue=info["area"], media=media)
        self.at(self.rng.uniform(5, 30), functools.partial(self.dispatch, ixn))

    def media_finish(self, ixn: str, a: _Agent) -> None:
        info = self.ixns.get(ixn)
        if info is None or info["state"] != "handling" or info.get("agent") is not a:
            return
        link, media = info["link"], info["media"]
        self.emit(
            ev.IxnPartyRemoved, link=link, ixn_id=ixn, agent_id=a.emp, place=a.place, media=media
        )
        self.emit(ev.ProcessingStopped, link=link, ixn_id=ixn, media=media)
        a.load[media] -= 1
        del self.ixns[ixn]
        if a.media_mode[media] == "ready" and self.chance(self.p.media_acw_probability):
            token = self.set_media(a, media, "acw")
            self.at(self.exp(self.p.acw_mean), functools.partial(self.media_back, a, media, token))

    def escalate(self, ixn: str, target: str) -> None:
        """Nobody took it: move it to another staging area of its media."""
        info = self.ixns.get(ixn)
        if info is None or info["state"] != "waiting" or info["area"] == target:
            return
        self.emit(
            ev.PlacedInQueue,
            link=info["link"],
            ixn_id=ixn,
            queue=target,
            old_queue=info["area"],
            media=info["media"],
        )
        info["area"] = target

    def media_cleared(self, ixn: str) -> None:
        info = self.ixns.get(ixn)
        if info is None or info["state"] != "waiting" or not self.link_up[info["link"]]:
            return
        del self.ixns[ixn]
        self.emit(
            ev.TakenFromQueue,
            link=info["link"],
            ixn_id=ixn,
            queue=info["area"],
            media=info["media"],
            party_type=ev.PartyType.Other,
        )
        self.emit(ev.ProcessingStopped, link=info["link"], ixn_id=ixn, media=info["media"])

    def set_media(
        self, a: _Agent, media: str, mode: str, reasons: Mapping[str, str | int] | None = None
    ) -> int:
        """Change one media's ready state; returns the change's token."""
        link = a.media[media]
        who: dict[str, Any] = {"link": link, "agent_id": a.emp, "place": a.place, "media": media}
        if mode == "ready":
            self.emit(ev.MediaReady, **who)
        elif mode == "acw":
            self.emit(ev.MediaNotReady, work_mode=ev.WorkMode.AfterCallWork, **who)
        else:
            self.emit(ev.MediaNotReady, reasons=reasons or {}, **who)
        a.media_mode[media] = mode
        a.media_token[media] += 1
        return a.media_token[media]

    def _media_on(self, a: _Agent, media: str, token: int) -> bool:
        """The agent is still logged in with ``media`` and nothing changed it since ``token``."""
        link = a.media[media]
        return (a.emp, link) in self.partials and a.media_token[media] == token

    def media_back(self, a: _Agent, media: str, token: int) -> None:
        if self._media_on(a, media, token):
            self.set_media(a, media, "ready")

    def media_break(self, a: _Agent, gen: int) -> None:
        """One media goes not ready for a while with a reason (which may change)."""
        if not a.logged or a.gen != gen:
            return
        per_hour = self.p.media_not_ready_per_hour
        self.at(self.exp(3600 / per_hour), functools.partial(self.media_break, a, gen))
        choices = [
            m
            for m, link in sorted(a.media.items())
            if (a.emp, link) in self.partials and a.media_mode[m] == "ready"
        ]
        if not choices:
            return
        media = self.rng.choice(choices)
        reasons = {"ReasonCode": self.rng.choice(("Backlog", "Coaching", "Break"))}
        token = self.set_media(a, media, "notready", reasons)
        length = self.exp(self.p.break_mean / 2)
        if self.rng.random() < 0.5:
            self.at(length / 2, functools.partial(self.media_reason, a, media, token))
        self.at(length, functools.partial(self.media_back, a, media, token))

    def media_reason(self, a: _Agent, media: str, token: int) -> None:
        if not self._media_on(a, media, token):
            return
        self.emit(
            ev.AgentStateReasonChanged,
            link=a.media[media],
            agent_id=a.emp,
            place=a.place,
            media=media if self.rng.random() < 0.7 else "",
            reasons={"ReasonCode": self.rng.choice(("Admin", "Email backlog", "Meeting"))},
        )

    def media_outbound(self, a: _Agent, gen: int) -> None:
        """The agent starts an outbound e-mail or an internal chat."""
        if not a.logged or a.gen != gen:
            return
        per_hour = self.p.media_outbound_per_hour
        self.at(self.exp(3600 / per_hour), functools.partial(self.media_outbound, a, gen))
        choices = [
            m
            for m, link in sorted(a.media.items())
            if (a.emp, link) in self.partials
            and a.media_mode[m] == "ready"
            and a.load[m] < _capacity(m)
        ]
        if not choices:
            return
        media = self.rng.choice(choices)
        link = a.media[media]
        ixn_type = self.rng.choice((ev.IxnType.Outbound, ev.IxnType.Internal))
        ixn = self.conn_id("o")
        self.ixns[ixn] = {"media": media, "link": link, "state": "handling", "area": "", "agent": a}
        a.load[media] += 1
        self.emit(
            ev.IxnPartyAdded,
            link=link,
            ixn_id=ixn,
            agent_id=a.emp,
            place=a.place,
            media=media,
            ixn_type=ixn_type,
        )
        self.at(
            self.exp(self.p.media_handle_mean / 2), functools.partial(self.media_finish, ixn, a)
        )

    # -- outages -------------------------------------------------------------

    def outage(self) -> None:
        """Cut one Interaction Server link for a while, then restore it."""
        self.at(self.exp(3600 / self.p.outages_per_hour), self.outage)
        if not self.ixn:
            return
        link = self.rng.choice(self.ixn)
        if not self.link_up[link]:
            return
        self.link_up[link] = False
        self.emit(ev.LinkDisconnected, link=link)
        for key in [k for k in self.partials if k[1] == link]:
            self.partials.discard(key)
        for ixn, info in list(self.ixns.items()):
            if info["link"] == link:
                if info.get("agent") is not None:
                    info["agent"].load[info["media"]] -= 1
                del self.ixns[ixn]

        def restore() -> None:
            self.link_up[link] = True
            self.emit(ev.LinkConnected, link=link)
            for a in self.agents:
                if a.logged and link in a.media.values():
                    self.ixn_login(a, link)

        self.at(self.rng.uniform(30, 300), restore)

    def tserver_outage(self) -> None:
        """Lose the T-Server link for a while; the switch carries on meanwhile.

        On restore every DN of the switch is re-registered from the truth.
        """
        self.at(self.exp(3600 / self.p.tserver_outages_per_hour), self.tserver_outage)
        if not self.link_up[self.ts]:
            return
        cls = ev.LinkDisconnected if self.rng.random() < 0.5 else ev.ServerDisconnected
        self.emit(cls, link=self.ts)
        self.link_up[self.ts] = False
        self.waits.clear()
        self.oos.clear()

        def restore() -> None:
            self.link_up[self.ts] = True
            self.emit(ev.LinkConnected, link=self.ts)
            for dn in self.all_dns:
                self.register(dn)

        self.at(self.rng.uniform(30, 600), restore)

    def out_of_service(self) -> None:
        """An extension or a queue goes out of service for a while."""
        self.at(self.exp(3600 / self.p.out_of_service_per_hour), self.out_of_service)
        if not self.link_up[self.ts]:
            return
        candidates = [d for d in self.extensions + self.queues if d not in self.oos]
        if not candidates:
            return
        dn = self.rng.choice(candidates)
        self.emit(ev.DNOutOfService, dn=dn)
        self.oos.add(dn)
        for conn in [c for c, where in self.waits.items() if where == dn]:
            del self.waits[conn]
        self.at(self.rng.uniform(20, 300), functools.partial(self.back_in_service, dn))

    def back_in_service(self, dn: str) -> None:
        if dn not in self.oos or not self.link_up[self.ts]:
            return
        self.oos.discard(dn)
        self.emit(ev.DNBackInService, dn=dn)
        self.register(dn)

    def run(self) -> Iterator[ev.Event]:
        self.start()
        yield from self.out
        self.out.clear()
        while self.heap:
            t, _, fn = heapq.heappop(self.heap)
            self.now = t
            fn()
            if self.out:
                yield from self.out
                self.out.clear()


def generate_stream(
    center: CenterConfig,
    *,
    seed: int = 0,
    events: int | None = None,
    duration_s: float | None = None,
    start_ms: int = DEFAULT_START_MS,
    profile: StreamProfile | None = None,
) -> Iterator[ev.Event]:
    """Yield a valid, time-ordered CTI event stream for ``center``.

    Every agent with a login on the T-Server's switch and an extension logs
    in, takes inbound calls from its queue (some via the routing point, with
    treatments; some overflow to another queue, are abandoned or cleared),
    puts callers on hold (some hang up there), consults outside experts or
    colleagues, transfers blind or attended (also while the colleague still
    rings), holds conferences, has ringing calls forwarded, makes outbound
    calls (some off-hook) and internal calls, takes campaign and direct
    calls, does after-call work, takes breaks with reason codes (some with
    do-not-disturb) and works shifts; UserEvents and attached-data changes
    happen along the way. Agents whose place has media also handle chats and
    e-mails through the staging areas on the Interaction Server links
    (rejecting some, missing some, escalating what nobody takes), start
    outbound and internal interactions, do after-call work and take breaks per
    media. With the fault knobs of :class:`StreamProfile` the Interaction
    Server and T-Server links go down and come back (DNs re-registered from
    snapshots, sometimes sticky), DNs go out of service and releases get lost.
    Same ``seed`` -> same stream. Stops after ``events`` events or
    ``duration_s`` seconds, whichever comes first (at least one must be
    given).
    """
    if events is None and duration_s is None:
        raise ValueError("give events= or duration_s= (the stream is endless)")
    gen = _Generator(center, random.Random(seed), start_ms, profile or StreamProfile())
    horizon = start_ms + round(duration_s * 1000) if duration_s is not None else None
    for n, event in enumerate(gen.run()):
        if (events is not None and n >= events) or (horizon is not None and event.time > horizon):
            return
        yield event
