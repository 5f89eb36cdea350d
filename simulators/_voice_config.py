"""Reading and checking the voice model of ``[simulation]``: the builder
behind :meth:`simulators.workload.VoiceWorkload.from_config`.

Every check raises a :class:`~statengine.errors.ConfigError` naming the field
(``simulation.queues.8002.skill``), with what was expected and what was found,
before anything runs (``shared/STYLE.md`` D.18). Schema: ``simulators/README.md``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from simulators.settings import COMMON_KEYS, Reader, SimulationSettings, local_ms
from simulators.workload import (
    DAYS,
    FOREIGN_TABLES,
    INTERVALS_PER_DAY,
    VOICE_TABLES,
    AgentPlan,
    ArrivalSpec,
    BreakSpec,
    CallHandling,
    Distribution,
    InternalSpec,
    NotReadySpec,
    OutboundSpec,
    QueueSpec,
    ShiftPlan,
    VoiceWorkload,
)
from statengine.config import Config
from statengine.core.actions import ActionKind
from statengine.core.objects import DNType
from statengine.core.settings import EngineSettings

__all__ = ["Builder"]


def _profile(read: Reader, entry: Mapping[str, Any], path: str) -> tuple[float, ...]:
    if ("rate" in entry) == ("profile" in entry):
        read.fail(
            path,
            "give exactly one of rate and profile",
            expected="'rate = <calls per hour>' or 'profile = ...'",
            found=sorted(k for k in ("rate", "profile") if k in entry),
        )
    if "rate" in entry:
        rate = read.check_number(entry["rate"], f"{path}.rate")
        return (rate,) * INTERVALS_PER_DAY
    profile = entry["profile"]
    ppath = f"{path}.profile"
    if isinstance(profile, tuple):
        if len(profile) != INTERVALS_PER_DAY:
            read.fail(
                ppath,
                "wrong length",
                expected=f"{INTERVALS_PER_DAY} rates (calls per hour per 15 minutes from 00:00)",
                found=f"{len(profile)} values",
            )
        return tuple(read.check_number(v, f"{ppath}[{i}]") for i, v in enumerate(profile))
    table = read.table(profile, ppath)
    steps: list[tuple[int, float]] = []
    for key, value in table.items():
        minutes = read.clock(key, f"{ppath}.{key}", upto=24 * 60 - 15)
        if minutes % 15:
            read.fail(
                f"{ppath}.{key}",
                "not on a 15-minute boundary",
                expected="HH:00, HH:15, HH:30 or HH:45",
                found=key,
            )
        steps.append((minutes // 15, read.check_number(value, f"{ppath}.{key}")))
    steps.sort()
    rates = [0.0] * INTERVALS_PER_DAY
    for i, (index, rate) in enumerate(steps):
        stop = steps[i + 1][0] if i + 1 < len(steps) else INTERVALS_PER_DAY
        for j in range(index, stop):
            rates[j] = rate
    return tuple(rates)


def _day_factors(read: Reader, entry: Mapping[str, Any], path: str) -> tuple[float, ...]:
    table = read.sub_table(entry, "day_factors", path)
    fpath = f"{path}.day_factors"
    read.unknown_keys(table, fpath, DAYS)
    return tuple(read.number(table, day, fpath, 1.0) for day in DAYS)


class Builder:
    """Builds one :class:`VoiceWorkload`; used once."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.read = Reader(config.source)
        self.settings = SimulationSettings.from_config(config)
        self.section = config.sections.get("simulation", {})
        self.stuck = EngineSettings.from_config(
            config.sections.get("engine", {}), source=config.source
        ).stuck_limits

    def build(self) -> VoiceWorkload:
        read, section, settings = self.read, self.section, self.settings
        for key in section:
            if key in COMMON_KEYS or key in VOICE_TABLES or key in FOREIGN_TABLES:
                continue
            if key.startswith("x_"):
                continue
            read.fail(
                f"simulation.{key}",
                "unknown key",
                expected="one of " + ", ".join((*COMMON_KEYS, *VOICE_TABLES, *FOREIGN_TABLES)),
                found=key,
            )
        if not settings.link:
            read.fail(
                "simulation.link",
                "the voice simulator needs one T-Server link",
                expected="the name of a tserver link (required when there are several)",
                found=section.get("link"),
            )
        self.dn_types = {
            d.number: d.type for d in self.config.center.dns if d.switch == settings.switch
        }
        defaults = CallHandling().evolve_from_config(
            read.sub_table(section, "calls", "simulation"), "simulation.calls", read
        )
        queues = self.build_queues(defaults)
        arrivals = self.build_arrivals(queues)
        agents = self.build_agents(queues)
        cap_ms = self.check_limits(queues)
        self.check_served(queues, arrivals, agents)
        return VoiceWorkload(
            settings=settings,
            queues=queues,
            arrivals=arrivals,
            agents=agents,
            not_ready=self.build_not_ready(),
            outbound=self.build_outbound(),
            internal=self.build_internal(),
            cap_ms=cap_ms,
            ring_cap_ms=min(
                self.stuck.get(ActionKind.CallRinging, 2 * cap_ms),
                self.stuck.get(ActionKind.CallDialing, 2 * cap_ms),
            )
            // 2,
            stuck_limits=self.stuck,
        )

    # -- DNs ------------------------------------------------------------------

    def dn(self, number: str, path: str, *types: DNType) -> None:
        kind = self.dn_types.get(number)
        names = " or ".join(t.value for t in types)
        if kind is None:
            self.read.fail(
                path,
                f"unknown DN on switch {self.settings.switch}",
                expected=f"the number of a {names} DN",
                found=number,
            )
        if kind not in types:
            self.read.fail(
                path, f"DN {number} is a {kind.value}", expected=f"a {names} DN", found=number
            )

    # -- queues -----------------------------------------------------------------

    def build_queues(self, defaults: CallHandling) -> dict[str, QueueSpec]:
        read = self.read
        table = read.sub_table(self.section, "queues", "simulation")
        queues: dict[str, QueueSpec] = {}
        for number, raw in table.items():
            path = f"simulation.queues.{number}"
            self.dn(number, path, DNType.ACDQueue)
            entry = read.table(raw, path)
            own = {k: v for k, v in entry.items() if k not in ("skill", "min_level")}
            handling = defaults.evolve_from_config(own, path, read)
            skill = read.string(entry, "skill", path) if "skill" in entry else None
            min_level = read.integer(entry, "min_level", path, 1)
            if "min_level" in entry and skill is None:
                read.fail(
                    f"{path}.min_level",
                    "min_level without skill",
                    expected="a 'skill' key too",
                    found=min_level,
                )
            queues[number] = QueueSpec(
                number=number, skill=skill, min_level=min_level, handling=handling
            )
        for number, queue in queues.items():
            for i, target in enumerate(queue.handling.transfer_queues):
                if target not in queues:
                    read.fail(
                        f"simulation.queues.{number}.transfer_queues[{i}]",
                        "not a simulated queue",
                        expected="one of " + ", ".join(queues),
                        found=target,
                    )
        return queues

    # -- arrivals ---------------------------------------------------------------

    def build_arrivals(self, queues: Mapping[str, QueueSpec]) -> tuple[ArrivalSpec, ...]:
        read = self.read
        arrivals: list[ArrivalSpec] = []
        for i, entry in enumerate(read.tables(self.section, "arrivals", "simulation")):
            path = f"simulation.arrivals[{i}]"
            read.unknown_keys(
                entry,
                path,
                ("dn", "rate", "profile", "day_factors", "daily_cv", "route", "route_delay"),
            )
            number = read.string(entry, "dn", path)
            self.dn(number, f"{path}.dn", DNType.RoutingPoint, DNType.ACDQueue)
            routing = self.dn_types[number] is DNType.RoutingPoint
            if routing:
                table = read.sub_table(entry, "route", path)
                if not table:
                    read.fail(
                        f"{path}.route",
                        "a routing point needs queues to route to",
                        expected="a table of queue = weight",
                        found=entry.get("route"),
                    )
                route = []
                for queue, weight in table.items():
                    self.in_queues(queue, f"{path}.route.{queue}", queues)
                    route.append((queue, read.check_number(weight, f"{path}.route.{queue}")))
                if sum(w for _, w in route) <= 0:
                    read.fail(
                        f"{path}.route",
                        "all weights are 0",
                        expected="a positive total",
                        found=table,
                    )
                delay = Distribution.from_config(
                    entry.get("route_delay", 1), f"{path}.route_delay", read
                )
            else:
                for key in ("route", "route_delay"):
                    if key in entry:
                        read.fail(
                            f"{path}.{key}",
                            "only routing points route",
                            expected=f"no '{key}' for an ACD queue",
                            found=entry[key],
                        )
                self.in_queues(number, f"{path}.dn", queues)
                route = [(number, 1.0)]
                delay = Distribution.fixed(0)
            arrivals.append(
                ArrivalSpec(
                    dn=number,
                    routing_point=routing,
                    rates=_profile(read, entry, path),
                    day_factors=_day_factors(read, entry, path),
                    daily_cv=read.number(entry, "daily_cv", path, 0.0),
                    route=tuple(route),
                    route_delay=delay,
                )
            )
        return tuple(arrivals)

    def in_queues(self, number: str, path: str, queues: Mapping[str, QueueSpec]) -> None:
        self.dn(number, path, DNType.ACDQueue)
        if number not in queues:
            self.read.fail(
                path,
                f"queue {number} has no [simulation.queues.{number}] entry",
                expected="a queue of [simulation.queues]: " + (", ".join(queues) or "(none)"),
                found=number,
            )

    # -- agents -----------------------------------------------------------------

    def build_agents(self, queues: Mapping[str, QueueSpec]) -> tuple[AgentPlan, ...]:
        read, settings = self.read, self.settings
        center = self.config.center
        agents = {a.employee_id: a for a in center.agents if a.tenant == settings.tenant}
        seats = self.build_seats(agents)
        shifts: dict[str, list[tuple[ShiftPlan, str]]] = {}
        groups = {g.name: g for g in center.agent_groups if g.tenant == settings.tenant}
        for i, entry in enumerate(read.tables(self.section, "shifts", "simulation")):
            path = f"simulation.shifts[{i}]"
            read.unknown_keys(entry, path, ("agents", "group", "start", "end", "days", "breaks"))
            members = self.shift_members(entry, path, agents, groups)
            for agent in members:
                if agent not in seats:
                    read.fail(
                        f"{path}.agents",
                        f"agent {agent} has no seat on switch {settings.switch}",
                        expected="an agent with a login on the switch and an extension "
                        "(see [simulation.seats])",
                        found=agent,
                    )
            for plan in self.shift_plans(entry, path):
                for agent in members:
                    shifts.setdefault(agent, []).append((plan, path))
        plans: list[AgentPlan] = []
        for agent_id, cfg in agents.items():
            if agent_id not in shifts:
                continue
            own = self.own_shifts(agent_id, shifts[agent_id])
            serves = tuple(q for q, spec in queues.items() if spec.qualifies(cfg.skills))
            # ThisQueue at login: the queue the agent is best at (first on ties)
            login_queue = ""
            best = -1
            for q in serves:
                skill = queues[q].skill
                level = cfg.skills.get(skill, 0) if skill is not None else 0
                if level > best:
                    login_queue, best = q, level
            plans.append(
                AgentPlan(
                    agent=agent_id,
                    login=cfg.logins[settings.switch],
                    dn=seats[agent_id],
                    queues=serves,
                    login_queue=login_queue,
                    shifts=tuple(p for p, _ in own),
                )
            )
        return tuple(plans)

    def build_seats(self, agents: Mapping[str, Any]) -> dict[str, str]:
        """Agent -> extension: ``[simulation.seats]``, else the i-th agent with a
        login on the switch gets the i-th free extension held by a place."""
        read, settings = self.read, self.settings
        table = read.sub_table(self.section, "seats", "simulation")
        seats: dict[str, str] = {}
        taken: dict[str, str] = {}
        for agent, number in table.items():
            path = f"simulation.seats.{agent}"
            if agent not in agents:
                read.fail(
                    path,
                    "unknown agent",
                    expected=f"an agent of tenant {settings.tenant}",
                    found=agent,
                )
            if not isinstance(number, str):
                read.fail(path, "wrong type", expected="a DN number string", found=number)
            self.dn(number, path, DNType.Extension, DNType.ACDPosition)
            if number in taken:
                read.fail(
                    path,
                    f"DN {number} is already the seat of {taken[number]}",
                    expected="a free DN",
                    found=number,
                )
            seats[agent] = number
            taken[number] = agent
        suffix = "@" + settings.switch
        free = [
            d.removesuffix(suffix)
            for place in self.config.center.places
            if place.tenant == settings.tenant
            for d in place.dns
            if d.endswith(suffix)
            and self.dn_types.get(d.removesuffix(suffix)) in (DNType.Extension, DNType.ACDPosition)
            and d.removesuffix(suffix) not in taken
        ]
        free.reverse()
        for agent_id, cfg in agents.items():
            if settings.switch not in cfg.logins or agent_id in seats or not free:
                continue
            seats[agent_id] = free.pop()
        for agent_id in list(seats):
            if settings.switch not in agents[agent_id].logins:
                read.fail(
                    f"simulation.seats.{agent_id}",
                    f"agent {agent_id} has no login on switch {settings.switch}",
                    expected="an agent with a login code on the simulated switch",
                    found=agent_id,
                )
        return seats

    def shift_members(
        self,
        entry: Mapping[str, Any],
        path: str,
        agents: Mapping[str, Any],
        groups: Mapping[str, Any],
    ) -> list[str]:
        read = self.read
        if ("agents" in entry) == ("group" in entry):
            read.fail(
                path,
                "give exactly one of agents and group",
                expected='agents = [...] or "*", or group = "<static agent group>"',
                found=sorted(k for k in ("agents", "group") if k in entry),
            )
        if "group" in entry:
            name = read.string(entry, "group", path)
            group = groups.get(name)
            if group is None or group.script is not None:
                read.fail(
                    f"{path}.group",
                    "not a static agent group",
                    expected="one of "
                    + ", ".join(g.name for g in groups.values() if g.script is None),
                    found=name,
                )
            return list(group.members)
        if entry["agents"] == "*":
            switch = self.settings.switch
            return [a for a, cfg in agents.items() if switch in cfg.logins]
        members = list(read.strings(entry, "agents", path))
        for i, agent in enumerate(members):
            if agent not in agents:
                read.fail(
                    f"{path}.agents[{i}]", "unknown agent", expected="an employee id", found=agent
                )
        return members

    def own_shifts(
        self, agent_id: str, shifts: list[tuple[ShiftPlan, str]]
    ) -> list[tuple[ShiftPlan, str]]:
        """One agent's shifts in time order; overlapping ones are refused."""
        own = sorted(shifts, key=lambda p: p[0].login_ms)
        for (first, _), (second, path) in itertools.pairwise(own):
            if first.logout_ms is None or second.login_ms < first.logout_ms:
                self.read.fail(
                    path,
                    f"agent {agent_id} has overlapping shifts",
                    expected="shifts of one agent that do not overlap",
                    found=agent_id,
                )
        return own

    def shift_plans(self, entry: Mapping[str, Any], path: str) -> list[ShiftPlan]:
        """Every concrete shift of ``entry`` that overlaps the horizon."""
        read, settings = self.read, self.settings
        zone = settings.zone
        breaks: list[BreakSpec] = []
        for j, raw in enumerate(read.tables(entry, "breaks", path)):
            bpath = f"{path}.breaks[{j}]"
            read.unknown_keys(raw, bpath, ("at", "duration", "reason"))
            if "at" not in raw or "duration" not in raw:
                read.fail(
                    bpath,
                    "a break needs at and duration",
                    expected="at = 'HH:MM', duration = <seconds or distribution>",
                    found=raw,
                )
            breaks.append(
                BreakSpec(
                    at=read.clock(raw["at"], f"{bpath}.at", upto=48 * 60),
                    duration=Distribution.from_config(raw["duration"], f"{bpath}.duration", read),
                    reason=read.string(raw, "reason", bpath, default="Break"),
                )
            )
        days = read.strings(entry, "days", path) or DAYS
        for i, name in enumerate(days):
            if name not in DAYS:
                read.fail(
                    f"{path}.days[{i}]",
                    "unknown day",
                    expected="one of " + ", ".join(DAYS),
                    found=name,
                )
        if "start" not in entry and "end" not in entry:
            if breaks:
                read.fail(
                    f"{path}.breaks",
                    "breaks need a shift with start and end",
                    expected="start and end",
                    found=entry["breaks"],
                )
            return [ShiftPlan(login_ms=settings.start_ms, logout_ms=None)]
        if "start" not in entry or "end" not in entry:
            missing = "end" if "start" in entry else "start"
            read.fail(
                f"{path}.{missing}",
                "a shift needs both start and end",
                expected="'HH:MM'",
                found=None,
            )
        start = read.clock(entry["start"], f"{path}.start")
        end = read.clock(entry["end"], f"{path}.end", upto=48 * 60)
        if end <= start:
            read.fail(
                f"{path}.end",
                "the shift ends before it starts",
                expected=f"a time after {entry['start']} (use e.g. '30:00' for 06:00 next day)",
                found=entry["end"],
            )
        if end - start > 24 * 60:
            read.fail(
                f"{path}.end",
                "a shift longer than a day",
                expected="at most 24 hours after start",
                found=entry["end"],
            )
        for j, brk in enumerate(breaks):
            if not start <= brk.at < end:
                read.fail(
                    f"{path}.breaks[{j}].at",
                    "a break outside its shift",
                    expected=f"a time in [{entry['start']}, {entry['end']})",
                    found=entry["breaks"][j]["at"],
                )
        wanted = {DAYS.index(d) for d in days}
        plans: list[ShiftPlan] = []
        first = datetime.fromtimestamp(settings.start_ms / 1000, UTC).astimezone(
            zone
        ).date() - timedelta(days=1)
        last = datetime.fromtimestamp(settings.end_ms / 1000, UTC).astimezone(zone).date()
        day = first
        while day <= last:
            if day.weekday() in wanted:
                login = local_ms(day, start, zone)
                logout = local_ms(day, end, zone)
                if logout > settings.start_ms and login < settings.end_ms:
                    plans.append(
                        ShiftPlan(
                            login_ms=max(login, settings.start_ms),
                            logout_ms=logout,
                            breaks=tuple(
                                (t, b)
                                for b in breaks
                                if settings.start_ms <= (t := local_ms(day, b.at, zone)) < logout
                            ),
                        )
                    )
            day += timedelta(days=1)
        return plans

    # -- checks -----------------------------------------------------------------

    def check_served(
        self,
        queues: Mapping[str, QueueSpec],
        arrivals: Sequence[ArrivalSpec],
        agents: Sequence[AgentPlan],
    ) -> None:
        """Every queue that can receive calls is served by a scheduled agent."""
        fed: dict[str, str] = {}
        for i, arrival in enumerate(arrivals):
            for queue, weight in arrival.route:
                if weight > 0 and any(r > 0 for r in arrival.rates):
                    fed.setdefault(queue, f"simulation.arrivals[{i}]")
        for number, spec in queues.items():
            for target in spec.handling.transfer_queues:
                if spec.handling.transfer_probability > 0:
                    fed.setdefault(target, f"simulation.queues.{number}.transfer_queues")
        served = {q for plan in agents if plan.shifts for q in plan.queues}
        for queue, source in fed.items():
            if queue in served:
                continue
            spec = queues[queue]
            need = f"skill {spec.skill} >= {spec.min_level}" if spec.skill else "any skill"
            self.read.fail(
                f"simulation.queues.{queue}" + (".skill" if spec.skill else ""),
                f"no agent with a shift can serve queue {queue}, which gets calls from {source}",
                expected=f"at least one scheduled agent with {need}",
                found=spec.skill,
            )

    def check_limits(self, queues: Mapping[str, QueueSpec]) -> int:
        """Keep every simulated call inside the engine's stuck-call limits
        (``[engine] stuck_limits``): a guard that fired would make the next
        event of that call invalid."""
        read, stuck = self.read, self.stuck
        talk_limits = [
            stuck[k]
            for k in (
                ActionKind.CallInbound,
                ActionKind.CallOutbound,
                ActionKind.CallInternal,
                ActionKind.CallConsult,
            )
            if k in stuck
        ]
        # a leg is at most talk + hold + consult + conference: four capped draws
        cap_ms = min(talk_limits) // 5 if talk_limits else 10**12
        ringing = stuck.get(ActionKind.CallRinging)
        wait = stuck.get(ActionKind.CallWait)
        for number, spec in queues.items():
            h = spec.handling
            path = f"simulation.queues.{number}"
            if ringing is not None and h.rona_timeout * 1000 >= ringing:
                read.fail(
                    f"{path}.rona_timeout",
                    "longer than the engine's CallRinging stuck limit",
                    expected=f"less than {ringing / 1000:g} s",
                    found=h.rona_timeout,
                )
            if wait is not None and h.max_wait * 1000 + h.rona_timeout * 1000 >= wait:
                read.fail(
                    f"{path}.max_wait",
                    "too close to the engine's CallWait stuck limit",
                    expected=f"max_wait + rona_timeout below {wait / 1000:g} s",
                    found=h.max_wait,
                )
        return cap_ms

    # -- agent activities -------------------------------------------------------

    def build_not_ready(self) -> NotReadySpec:
        read = self.read
        path = "simulation.not_ready"
        table = read.sub_table(self.section, "not_ready", "simulation")
        read.unknown_keys(table, path, ("per_hour", "duration", "reasons"))
        spec = NotReadySpec()
        reasons = spec.reasons
        if "reasons" in table:
            raw = read.table(table["reasons"], f"{path}.reasons")
            reasons = tuple(
                (k, read.check_number(v, f"{path}.reasons.{k}")) for k, v in raw.items()
            )
            if not reasons or sum(w for _, w in reasons) <= 0:
                read.fail(
                    f"{path}.reasons",
                    "no reason with a positive weight",
                    expected="a table of ReasonCode = weight",
                    found=raw,
                )
        return NotReadySpec(
            per_hour=read.number(table, "per_hour", path, 0.0),
            duration=Distribution.from_config(
                table.get("duration", spec.duration.mean), f"{path}.duration", read
            )
            if "duration" in table
            else spec.duration,
            reasons=reasons,
        )

    def build_outbound(self) -> OutboundSpec:
        read = self.read
        path = "simulation.outbound"
        table = read.sub_table(self.section, "outbound", "simulation")
        read.unknown_keys(
            table,
            path,
            ("per_hour", "dial", "answer_probability", "talk", "acw_probability", "acw"),
        )
        spec = OutboundSpec()
        changes: dict[str, Any] = {"per_hour": read.number(table, "per_hour", path, 0.0)}
        for key in ("dial", "talk", "acw"):
            if key in table:
                changes[key] = Distribution.from_config(table[key], f"{path}.{key}", read)
        for key in ("answer_probability", "acw_probability"):
            if key in table:
                changes[key] = read.probability(table, key, path, 0.0)
        return attrs.evolve(spec, **changes)

    def build_internal(self) -> InternalSpec:
        read = self.read
        path = "simulation.internal"
        table = read.sub_table(self.section, "internal", "simulation")
        read.unknown_keys(table, path, ("per_hour", "ring", "talk"))
        spec = InternalSpec()
        changes: dict[str, Any] = {"per_hour": read.number(table, "per_hour", path, 0.0)}
        for key in ("ring", "talk"):
            if key in table:
                changes[key] = Distribution.from_config(table[key], f"{path}.{key}", read)
        return attrs.evolve(spec, **changes)
