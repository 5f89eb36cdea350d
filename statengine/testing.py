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

import heapq
import itertools
import random
from collections.abc import Callable, Iterator
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
) -> CenterConfig:
    """A synthetic center: agent ``i`` sits at place ``P{i}`` with extension
    ``{5000+i}``, logs in with code ``{7000+i}`` and serves queue
    ``{8000 + i % queues}``; a routing point 9000 feeds the queues; agents
    form static groups of ``group_size``, one virtual group per queue (by
    skill), place groups, a queue group and one staging area per media.
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
            StagingAreaConfig(name=f"SA-{m}", tenant=tenant, media=m) for m in media
        )
        if ixn_links
        else (),
    )


@attrs.frozen(kw_only=True)
class StreamProfile:
    """Knobs of the generated traffic (times in seconds, probabilities 0..1)."""

    #: offered voice load per agent (Erlangs of talk+ring per logged-in agent)
    occupancy: float = 0.8
    talk_mean: float = 180.0
    ring: tuple[float, float] = (2.0, 8.0)
    patience_mean: float = 150.0
    acw_probability: float = 0.7
    acw_mean: float = 25.0
    hold_probability: float = 0.15
    consult_probability: float = 0.06
    transfer_probability: float = 0.05
    rona_probability: float = 0.02
    ring_abandon_probability: float = 0.01
    via_route_point: float = 0.3
    outbound_per_hour: float = 0.5
    internal_per_hour: float = 0.3
    break_every: float = 2700.0
    break_mean: float = 600.0
    shift: float = 4 * 3600.0
    off_shift: float = 1800.0
    #: multimedia: chats / e-mails / work items per agent-hour
    media_per_hour: float = 2.0
    media_handle_mean: float = 300.0
    #: link outages per hour of the whole stream (0: never)
    outages_per_hour: float = 0.0


class _Agent:
    __slots__ = (
        "break_due",
        "busy",
        "chats",
        "dn",
        "emp",
        "gen",
        "logged",
        "login",
        "media",
        "place",
        "queue",
        "shift_end",
        "state",
    )

    def __init__(self, emp: str, dn: str, login: str, place: str, queue: str) -> None:
        self.emp, self.dn, self.login, self.place, self.queue = emp, dn, login, place, queue
        self.logged = False
        self.state = "out"  # out | notready | ready | busy | acw | break
        self.busy = False
        self.break_due = False
        self.shift_end = 0
        self.media: dict[str, str] = {}  # media -> ixn link
        self.chats = 0
        self.gen = 0


class _Generator:
    """The event process behind :func:`generate_stream`."""

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
        self.waiting: dict[str, list[str]] = {q: [] for q in self.queues}
        self.idle: dict[str, list[_Agent]] = {q: [] for q in self.queues}
        self.calls: dict[str, dict[str, Any]] = {}
        self.agents: list[_Agent] = []
        place_of = {}
        for place in center.places:
            for d in place.dns:
                place_of[d] = place
        extensions = [
            d.number for d in center.dns if d.switch == self.switch and d.type is DNType.Extension
        ]
        for i, a in enumerate(center.agents):
            code = a.logins.get(self.switch)
            if code is None or i >= len(extensions) or not self.queues:
                continue
            dn = extensions[i]
            place = place_of.get(dn_id(dn, self.switch))
            queue = self.queues[i % len(self.queues)]
            agent = _Agent(a.employee_id, dn, code, place.name if place else "", queue)
            if place is not None and self.ixn:
                for j, m in enumerate(place.media):
                    agent.media[m] = self.ixn[(i + j) % len(self.ixn)]
            self.agents.append(agent)
        self.partials: set[tuple[str, str]] = set()
        self.staging = {sa.media: sa.name for sa in center.staging_areas}
        self.ixns: dict[str, dict[str, Any]] = {}
        self.media_waiting: dict[str, list[str]] = {m: [] for m in self.staging}

    # -- scheduling ----------------------------------------------------------

    def at(self, delay_s: float, fn: Callable[[], None]) -> None:
        heapq.heappush(self.heap, (self.now + max(1, round(delay_s * 1000)), next(self.seq), fn))

    def emit(self, cls: type[ev.Event], **kw: Any) -> None:
        kw.setdefault("link", self.ts)
        self.out.append(cls(time=self.now, **kw))

    def exp(self, mean: float) -> float:
        return self.rng.expovariate(1.0 / mean) if mean > 0 else 0.0

    # -- agents --------------------------------------------------------------

    def start(self) -> None:
        for link in self.center.links:
            self.emit(ev.LinkConnected, link=link.name)
        for agent in self.agents:
            self.at(self.rng.uniform(0, 60), lambda a=agent: self.login(a))
        n = max(1, len(self.agents))
        for q in self.queues:
            serving = sum(1 for a in self.agents if a.queue == q) or 1
            rate = self.p.occupancy * serving / (self.p.talk_mean + 5 + self.p.acw_mean * 0.7)
            self.at(self.exp(1 / rate), lambda q=q, r=rate: self.arrival(q, r))
        if self.staging and self.p.media_per_hour > 0:
            rate = self.p.media_per_hour * n / 3600.0
            self.at(self.exp(1 / rate), lambda r=rate: self.media_arrival(r))
        if self.p.outages_per_hour > 0:
            self.at(self.exp(3600 / self.p.outages_per_hour), self.outage)

    def login(self, a: _Agent) -> None:
        if not self.link_up[self.ts]:
            self.at(30, lambda: self.login(a))
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
        self.at(self.rng.uniform(5, 30), lambda: self.ready(a))
        self.at(self.exp(self.p.break_every), lambda: self.want_break(a, gen))
        if self.p.outbound_per_hour > 0:
            self.at(self.exp(3600 / self.p.outbound_per_hour), lambda: self.outbound(a, gen))
        if self.p.internal_per_hour > 0:
            self.at(self.exp(3600 / self.p.internal_per_hour), lambda: self.internal(a, gen))

    def ixn_login(self, a: _Agent, link: str) -> None:
        """Log the agent in on one Interaction Server with the media it serves there."""
        medias = sorted(m for m, ln in a.media.items() if ln == link)
        capacity = {m: 3 if m == "chat" else 1 for m in medias}
        self.emit(ev.IxnAgentLogin, link=link, agent_id=a.emp, place=a.place, media=capacity)
        for media in medias:
            self.emit(ev.MediaReady, link=link, agent_id=a.emp, place=a.place, media=media)
        self.partials.add((a.emp, link))

    def ready(self, a: _Agent) -> None:
        if not a.logged or a.state == "busy":
            return
        if a.break_due:
            a.break_due = False
            self.take_break(a)
            return
        if self.now >= a.shift_end:
            self.logout(a)
            return
        if a.state != "ready":
            self.emit(ev.AgentReady, dn=a.dn, agent_id=a.login)
        a.state = "ready"
        self.offer(a)

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

    def want_break(self, a: _Agent, gen: int) -> None:
        if not a.logged or a.gen != gen:
            return
        if a.state == "ready":
            self.take_break(a)
        else:
            a.break_due = True
        self.at(self.exp(self.p.break_every), lambda: self.want_break(a, gen))

    def take_break(self, a: _Agent) -> None:
        self.unidle(a)
        reason = self.rng.choice(("Break", "Lunch", "Meeting", "Training"))
        self.emit(ev.AgentNotReady, dn=a.dn, agent_id=a.login, reasons={"ReasonCode": reason})
        a.state = "break"
        self.at(self.exp(self.p.break_mean), lambda: self.ready(a))

    def logout(self, a: _Agent) -> None:
        self.unidle(a)
        for ixn, info in list(self.ixns.items()):
            if info.get("agent") is a:
                link, media = info["link"], info["media"]
                if info["state"] == "handling":
                    self.emit(
                        ev.IxnPartyRemoved,
                        link=link,
                        ixn_id=ixn,
                        agent_id=a.emp,
                        place=a.place,
                        media=media,
                    )
                else:
                    self.emit(
                        ev.Revoked,
                        link=link,
                        ixn_id=ixn,
                        agent_id=a.emp,
                        place=a.place,
                        media=media,
                    )
                self.emit(ev.ProcessingStopped, link=link, ixn_id=ixn, media=media)
                a.chats -= 1
                del self.ixns[ixn]
        for link in sorted(set(a.media.values())):
            if self.link_up[link] and (a.emp, link) in self.partials:
                self.partials.discard((a.emp, link))
                self.emit(ev.IxnAgentLogout, link=link, agent_id=a.emp, place=a.place)
        self.emit(ev.AgentLogout, dn=a.dn, agent_id=a.login)
        a.logged, a.state = False, "out"
        self.at(self.exp(self.p.off_shift), lambda: self.login(a))

    # -- inbound calls -------------------------------------------------------

    def arrival(self, queue: str, rate: float) -> None:
        self.at(self.exp(1 / rate), lambda: self.arrival(queue, rate))
        if not self.link_up[self.ts]:
            return
        conn = f"c{next(self.conn)}"
        call = {"queue": queue, "state": "entering", "ani": f"+4420{self.rng.randrange(10**7):07d}"}
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
            self.at(self.rng.uniform(0.5, 3), lambda: self.route_used(conn, rp))
        else:
            self.enqueue(conn)

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
        else:
            self.waiting[q].append(conn)
            self.at(self.exp(self.p.patience_mean), lambda: self.abandon_queued(conn))

    def abandon_queued(self, conn: str) -> None:
        call = self.calls.get(conn)
        if call is None or call["state"] != "queued":
            return
        self.waiting[call["queue"]].remove(conn)
        self.emit(ev.Abandoned, dn=call["queue"], conn_id=conn)
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
            call_type=ev.CallType.Inbound,
            ani=call["ani"],
        )
        r = self.rng.random()
        ring = self.rng.uniform(*self.p.ring)
        if r < self.p.rona_probability:
            self.at(self.p.ring[1] * 2, lambda: self.rona(conn, a))
        elif r < self.p.rona_probability + self.p.ring_abandon_probability:
            self.at(ring, lambda: self.abandon_ringing(conn, a))
        else:
            self.at(ring, lambda: self.answer(conn, a))

    def rona(self, conn: str, a: _Agent) -> None:
        if conn not in self.calls:
            return
        self.emit(ev.Released, dn=a.dn, conn_id=conn, call_state=ev.CallState.NoAnswer)
        del self.calls[conn]
        self.emit(ev.AgentNotReady, dn=a.dn, agent_id=a.login, reasons={"ReasonCode": "RONA"})
        a.state = "notready"
        self.at(self.rng.uniform(20, 90), lambda: self.ready(a))

    def abandon_ringing(self, conn: str, a: _Agent) -> None:
        if conn not in self.calls:
            return
        self.emit(ev.Abandoned, dn=a.dn, conn_id=conn)
        del self.calls[conn]
        a.state = "ready"
        self.ready(a)

    def answer(self, conn: str, a: _Agent) -> None:
        call = self.calls.get(conn)
        if call is None:
            return
        call["state"] = "talking"
        self.emit(ev.Established, dn=a.dn, conn_id=conn, call_type=ev.CallType.Inbound)
        talk = self.exp(self.p.talk_mean)
        r = self.rng.random()
        if r < self.p.hold_probability:
            self.at(talk * 0.3, lambda: self.hold(conn, a, talk * 0.4))
        elif r < self.p.hold_probability + self.p.consult_probability:
            self.at(talk * 0.3, lambda: self.consult(conn, a, talk * 0.4))
        elif r < self.p.hold_probability + self.p.consult_probability + self.p.transfer_probability:
            self.at(talk * 0.5, lambda: self.transfer(conn, a))
            return
        self.at(talk, lambda: self.hangup(conn, a))

    def hold(self, conn: str, a: _Agent, length: float) -> None:
        if conn not in self.calls:
            return
        self.emit(ev.Held, dn=a.dn, conn_id=conn)
        self.calls[conn]["held"] = True
        self.at(min(length, self.rng.uniform(5, 60)), lambda: self.retrieve(conn, a))

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
        c2 = f"c{next(self.conn)}"
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

    def transfer(self, conn: str, a: _Agent) -> None:
        """Blind transfer to an idle colleague of the same queue, if any."""
        call = self.calls.get(conn)
        if call is None:
            return
        pool = [b for b in self.idle[a.queue] if b is not a]
        if not pool:
            self.at(self.exp(self.p.talk_mean / 2), lambda: self.hangup(conn, a))
            return
        b = pool[0]
        self.unidle(b)
        self.emit(
            ev.Released, dn=a.dn, conn_id=conn, other_dn=b.dn, call_state=ev.CallState.Transferred
        )
        self.after_call(a)
        call.update(state="ringing", agent=b)
        b.state = "busy"
        self.emit(
            ev.Ringing,
            dn=b.dn,
            conn_id=conn,
            other_dn=a.dn,
            call_type=ev.CallType.Inbound,
            ani=call["ani"],
        )
        self.at(self.rng.uniform(*self.p.ring), lambda: self.answer(conn, b))

    def hangup(self, conn: str, a: _Agent) -> None:
        call = self.calls.pop(conn, None)
        if call is None:
            return
        self.emit(ev.Released, dn=a.dn, conn_id=conn)
        self.after_call(a)

    def after_call(self, a: _Agent) -> None:
        if self.rng.random() < self.p.acw_probability:
            self.emit(
                ev.AgentNotReady, dn=a.dn, agent_id=a.login, work_mode=ev.WorkMode.AfterCallWork
            )
            a.state = "acw"
            self.at(self.exp(self.p.acw_mean), lambda: self.ready(a))
        else:
            a.state = "ready"
            self.ready(a)

    # -- outbound and internal calls ----------------------------------------

    def outbound(self, a: _Agent, gen: int) -> None:
        if not a.logged or a.gen != gen:
            return
        self.at(self.exp(3600 / self.p.outbound_per_hour), lambda: self.outbound(a, gen))
        if a.state != "ready" or not self.link_up[self.ts]:
            return
        self.unidle(a)
        a.state = "busy"
        conn = f"c{next(self.conn)}"
        self.calls[conn] = {"state": "dialing", "agent": a}
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
                self.at(self.rng.uniform(10, 30), lambda: self.hangup(conn, a))
            else:
                self.at(self.rng.uniform(5, 20), answered)

        def answered() -> None:
            if conn not in self.calls:
                return
            self.emit(ev.Established, dn=a.dn, conn_id=conn, call_type=ev.CallType.Outbound)
            self.at(self.exp(self.p.talk_mean / 2), lambda: self.hangup(conn, a))

        self.at(self.rng.uniform(1, 3), reached)

    def internal(self, a: _Agent, gen: int) -> None:
        if not a.logged or a.gen != gen:
            return
        self.at(self.exp(3600 / self.p.internal_per_hour), lambda: self.internal(a, gen))
        if a.state != "ready" or not self.link_up[self.ts]:
            return
        others = [b for b in self.idle[a.queue] if b is not a]
        if not others:
            return
        b = others[-1]
        self.unidle(a)
        self.unidle(b)
        a.state = b.state = "busy"
        conn = f"c{next(self.conn)}"
        self.calls[conn] = {"state": "internal"}
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

    # -- multimedia ----------------------------------------------------------

    def media_arrival(self, rate: float) -> None:
        self.at(self.exp(1 / rate), lambda: self.media_arrival(rate))
        media = self.rng.choice(sorted(self.staging))
        links = sorted({a.media[media] for a in self.agents if media in a.media})
        if not links:
            return
        link = self.rng.choice(links)
        if not self.link_up[link]:
            return
        ixn = f"i{next(self.conn)}"
        self.ixns[ixn] = {"media": media, "link": link}
        self.emit(
            ev.Submitted,
            link=link,
            ixn_id=ixn,
            queue=self.staging[media],
            media=media,
            user_data={"Subject": self.rng.choice(("Billing", "Order", "Complaint"))},
        )
        candidates = [
            a
            for a in self.agents
            if a.logged
            and a.media.get(media) == link
            and (a.emp, link) in self.partials
            and a.chats < (3 if media == "chat" else 1)
        ]
        if not candidates:
            self.at(self.exp(self.p.patience_mean * 4), lambda: self.media_cleared(ixn))
            return
        a = self.rng.choice(candidates)
        self.emit(ev.TakenFromQueue, link=link, ixn_id=ixn, queue=self.staging[media], media=media)
        self.emit(
            ev.AgentInvited, link=link, ixn_id=ixn, agent_id=a.emp, place=a.place, media=media
        )
        a.chats += 1
        self.ixns[ixn].update(agent=a, state="invited")

        def accept() -> None:
            if self.ixns.get(ixn, {}).get("state") != "invited":
                return
            self.ixns[ixn]["state"] = "handling"
            self.emit(
                ev.IxnPartyAdded, link=link, ixn_id=ixn, agent_id=a.emp, place=a.place, media=media
            )
            self.at(self.exp(self.p.media_handle_mean), finish)

        def finish() -> None:
            if self.ixns.get(ixn, {}).get("state") != "handling":
                return
            self.emit(
                ev.IxnPartyRemoved,
                link=link,
                ixn_id=ixn,
                agent_id=a.emp,
                place=a.place,
                media=media,
            )
            self.emit(ev.ProcessingStopped, link=link, ixn_id=ixn, media=media)
            a.chats -= 1
            del self.ixns[ixn]

        self.at(self.rng.uniform(1, 10), accept)

    def media_cleared(self, ixn: str) -> None:
        info = self.ixns.pop(ixn, None)
        if info is None or not self.link_up[info["link"]]:
            return
        self.emit(
            ev.TakenFromQueue,
            link=info["link"],
            ixn_id=ixn,
            queue=self.staging[info["media"]],
            media=info["media"],
            party_type=ev.PartyType.Other,
        )
        self.emit(ev.ProcessingStopped, link=info["link"], ixn_id=ixn, media=info["media"])

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
                if "agent" in info:
                    info["agent"].chats -= 1
                del self.ixns[ixn]

        def restore() -> None:
            self.link_up[link] = True
            self.emit(ev.LinkConnected, link=link)
            for a in self.agents:
                if a.logged and link in a.media.values():
                    self.ixn_login(a, link)

        self.at(self.rng.uniform(30, 300), restore)

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
    in, takes inbound calls from its queue (some via the routing point), puts
    callers on hold, consults, transfers, makes outbound and internal calls,
    does after-call work, takes breaks with reason codes and works shifts;
    agents whose place has media also handle chats and e-mails through the
    staging areas on the Interaction Server links. Same ``seed`` -> same
    stream. Stops after ``events`` events or ``duration_s`` seconds, whichever
    comes first (at least one must be given).
    """
    if events is None and duration_s is None:
        raise ValueError("give events= or duration_s= (the stream is endless)")
    gen = _Generator(center, random.Random(seed), start_ms, profile or StreamProfile())
    horizon = start_ms + round(duration_s * 1000) if duration_s is not None else None
    for n, event in enumerate(gen.run()):
        if (events is not None and n >= events) or (horizon is not None and event.time > horizon):
            return
        yield event
