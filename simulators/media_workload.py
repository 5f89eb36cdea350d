"""What the multimedia model is asked to simulate: e-mails, chats and work
items of ``[simulation.media.<name>]``, the agents' capacity rule
(``[simulation.capacity]``) and Interaction Server link outages
(``[[simulation.outages]]``), validated up front.

:meth:`MediaWorkload.from_config` refuses impossible models **before**
anything runs, with a :class:`~statengine.errors.ConfigError` naming the
field (``simulation.media.chat.capacity``): negative rates, an unknown
staging area or link, a staging area holding another media, a capacity
below 1, a media that no scheduled agent can serve, an outage of a T-Server
link or outside the run. Schema: ``simulators/README.md``.

Agents are the voice model's (:class:`~simulators.workload.AgentPlan`: the
same ``[[simulation.shifts]]`` and breaks). With voice
(``contact-center``) an agent works at the place that holds its seat DN;
without (``multimedia``), :func:`media_only_voice_workload` schedules the
agents without seats and they sit at the places with media, in
configuration order. An agent serves a media when its skills qualify
(``skill`` / ``min_level``, like a voice queue) **and** its place lists the
media (``[[places]] media``).

Arrival profiles, day factors and the gamma day factor are the voice
model's (:class:`~simulators.workload.ArrivalSpec`, QUEUEING §C); durations
are :class:`~simulators.workload.Distribution`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, Final

import attrs

from simulators._voice_config import Builder, _day_factors, _profile
from simulators.settings import COMMON_KEYS, Reader, SimulationSettings, local_ms
from simulators.workload import (
    FOREIGN_TABLES,
    VOICE_TABLES,
    AgentPlan,
    ArrivalSpec,
    Distribution,
    InternalSpec,
    OutboundSpec,
    ShiftPlan,
    VoiceWorkload,
    skill_qualifies,
)
from statengine.config import Config
from statengine.core.actions import ActionKind
from statengine.core.objects import LinkKind
from statengine.core.settings import EngineSettings

__all__ = [
    "MEDIA_KEYS",
    "MediaAgentPlan",
    "MediaSpec",
    "MediaWorkload",
    "OutageSpec",
    "media_only_voice_workload",
]

#: the keys of one ``[simulation.media.<name>]`` table
MEDIA_KEYS: Final = (
    "link",
    "staging_area",
    "skill",
    "min_level",
    "capacity",
    "blocks_voice",
    "rate",
    "profile",
    "day_factors",
    "daily_cv",
    "accept",
    "handle",
    "patience",
)
_ACCEPT: Final = Distribution.fixed(3)
_HANDLE: Final = Distribution.exponential(300)
_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")


@attrs.frozen(kw_only=True)
class MediaSpec:
    """One simulated media: its traffic, where it waits, who serves it, how."""

    #: the media type (``email``, ``chat``, ``workitem``, ...)
    name: str
    #: the Interaction Server link that owns it (reports its channels and interactions)
    link: str
    #: the staging area its interactions wait in
    staging_area: str
    #: the skill an agent needs (None: every agent whose place has the media)
    skill: str | None
    min_level: int
    #: interactions of this media one agent handles at once
    capacity: int
    #: an interaction of this media (offered or handled) keeps voice calls away
    blocks_voice: bool
    #: arrivals: a stream on the staging area (``dn`` is the staging area's name)
    arrivals: ArrivalSpec
    #: AgentInvited -> IxnPartyAdded (the agent accepting)
    accept: Distribution
    #: IxnPartyAdded -> IxnPartyRemoved (handling)
    handle: Distribution
    #: how long a customer waits in the staging area before leaving (None: never)
    patience: Distribution | None

    def qualifies(self, skills: Mapping[str, int]) -> bool:
        return skill_qualifies(self.skill, self.min_level, skills)


@attrs.frozen(kw_only=True)
class OutageSpec:
    """One Interaction Server link outage: lost at ``start_ms``, back at ``end_ms``."""

    link: str
    start_ms: int
    end_ms: int


@attrs.frozen(kw_only=True)
class MediaAgentPlan:
    """An agent's multimedia side: where it logs in and what it serves."""

    #: employee id
    agent: str
    #: the place it logs in at on every Interaction Server
    place: str
    #: the media it serves, in ``[simulation.media]`` order
    media: tuple[str, ...]


@attrs.frozen(kw_only=True)
class MediaWorkload:
    """The validated multimedia model of one ``[simulation]`` section."""

    settings: SimulationSettings
    #: media name -> spec, in configuration order
    media: Mapping[str, MediaSpec]
    #: media interactions one agent handles at once, all media together
    max_interactions: int
    #: the tenant's Interaction Server links (connected at the start)
    links: tuple[str, ...]
    #: employee id -> plan, for agents who serve at least one media
    agents: Mapping[str, MediaAgentPlan]
    outages: tuple[OutageSpec, ...]
    #: upper bound for any sampled duration (ms), as the voice model's
    cap_ms: int

    @classmethod
    def from_config(
        cls, config: Config, agents: Sequence[AgentPlan], *, voice: bool
    ) -> MediaWorkload:
        """Validate the multimedia model of ``config`` (nothing runs).

        Args:
            config: the loaded configuration.
            agents: the scheduled agents (the voice model's plans).
            voice: True when agents sit at their voice seats
                (``contact-center``); False for the places with media, in
                configuration order (``multimedia``).

        Raises:
            ConfigError: naming the field of the first problem found.
        """
        return _MediaBuilder(config).build(agents, voice=voice)

    @property
    def enabled(self) -> bool:
        """Whether any media is simulated (else no Interaction Server event at all)."""
        return bool(self.media)


class _MediaBuilder:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.read = Reader(config.source)
        self.settings = SimulationSettings.from_config(config)
        self.section = config.sections.get("simulation", {})
        self.center = config.center
        self.tenant = self.settings.tenant

    def build(self, agents: Sequence[AgentPlan], *, voice: bool) -> MediaWorkload:
        read, section, tenant = self.read, self.section, self.tenant
        links = tuple(
            ln.name
            for ln in self.center.links
            if ln.kind is LinkKind.IXNSERVER and ln.tenant == tenant
        )
        table = read.sub_table(section, "media", "simulation")
        media: dict[str, MediaSpec] = {}
        areas: dict[str, str] = {}
        for name, raw in table.items():
            spec = self.media(name, read.table(raw, f"simulation.media.{name}"), links)
            if spec.staging_area in areas:
                read.fail(
                    f"simulation.media.{name}.staging_area",
                    f"staging area {spec.staging_area} already holds {areas[spec.staging_area]}",
                    expected="one staging area per media",
                    found=spec.staging_area,
                )
            areas[spec.staging_area] = name
            media[name] = spec
        cap_table = read.sub_table(section, "capacity", "simulation")
        read.unknown_keys(cap_table, "simulation.capacity", ("max_interactions",))
        total = read.integer(
            cap_table,
            "max_interactions",
            "simulation.capacity",
            sum(m.capacity for m in media.values()),
        )
        if "max_interactions" in cap_table and total < 1:
            read.fail(
                "simulation.capacity.max_interactions",
                "out of range",
                expected="an integer >= 1",
                found=total,
            )
        plans = self.agent_plans(agents, media, voice=voice)
        self.check_served(media, plans, agents)
        outages = self.outages(links)
        if outages and not media:
            read.fail(
                "simulation.outages",
                "outages of Interaction Server links need simulated media",
                expected="a [simulation.media.<name>] table",
                found=section.get("outages"),
            )
        stuck = EngineSettings.from_config(
            self.config.sections.get("engine", {}), source=self.config.source
        ).stuck_limits
        talk = [
            stuck[k]
            for k in (ActionKind.CallInbound, ActionKind.CallOutbound, ActionKind.CallInternal)
            if k in stuck
        ]
        return MediaWorkload(
            settings=self.settings,
            media=MappingProxyType(media),
            max_interactions=total,
            links=links,
            agents=MappingProxyType(plans),
            outages=outages,
            cap_ms=min(talk) // 5 if talk else 10**12,
        )

    # -- one media ------------------------------------------------------------

    def media(self, name: str, entry: Mapping[str, Any], links: Sequence[str]) -> MediaSpec:
        read = self.read
        path = f"simulation.media.{name}"
        read.unknown_keys(entry, path, MEDIA_KEYS)
        if "link" in entry:
            link = read.string(entry, "link", path)
            if link not in links:
                read.fail(
                    f"{path}.link",
                    f"not an Interaction Server link of tenant {self.tenant}",
                    expected="one of " + (", ".join(links) or "(no ixnserver link configured)"),
                    found=link,
                )
        elif len(links) == 1:
            link = links[0]
        else:
            read.fail(
                f"{path}.link",
                "which Interaction Server owns this media?",
                expected="one of " + (", ".join(links) or "(no ixnserver link configured)"),
                found=None,
            )
        own = [s for s in self.center.staging_areas if s.tenant == self.tenant]
        if "staging_area" in entry:
            area = read.string(entry, "staging_area", path)
            found = next((s for s in own if s.name == area), None)
            if found is None:
                read.fail(
                    f"{path}.staging_area",
                    "unknown staging area",
                    expected="one of " + (", ".join(s.name for s in own) or "(none configured)"),
                    found=area,
                )
            if found.media != name:
                read.fail(
                    f"{path}.staging_area",
                    f"staging area {area} holds {found.media} interactions",
                    expected=f"a staging area with media = {name!r}",
                    found=area,
                )
        else:
            fitting = [s.name for s in own if s.media == name]
            if len(fitting) != 1:
                read.fail(
                    f"{path}.staging_area",
                    "no staging area to default to",
                    expected=f"the name of a staging area with media = {name!r}",
                    found=fitting or None,
                )
            area = fitting[0]
        skill = read.string(entry, "skill", path) if "skill" in entry else None
        min_level = read.integer(entry, "min_level", path, 1)
        if "min_level" in entry and skill is None:
            read.fail(
                f"{path}.min_level",
                "min_level without skill",
                expected="a 'skill' key too",
                found=min_level,
            )
        capacity = read.integer(entry, "capacity", path, 1)
        if capacity < 1:
            read.fail(
                f"{path}.capacity",
                "an agent must be able to handle at least one",
                expected="an integer >= 1",
                found=capacity,
            )
        blocks = entry.get("blocks_voice", True)
        if not isinstance(blocks, bool):
            read.fail(f"{path}.blocks_voice", "wrong type", expected="true or false", found=blocks)
        patience: Distribution | None = None
        if "patience" in entry and entry["patience"] != "none":
            patience = Distribution.from_config(entry["patience"], f"{path}.patience", read)
        arrivals = ArrivalSpec(
            dn=area,
            routing_point=False,
            rates=_profile(read, entry, path),
            day_factors=_day_factors(read, entry, path),
            daily_cv=read.number(entry, "daily_cv", path, 0.0),
            route=((area, 1.0),),
            route_delay=Distribution.fixed(0),
        )
        return MediaSpec(
            name=name,
            link=link,
            staging_area=area,
            skill=skill,
            min_level=min_level,
            capacity=capacity,
            blocks_voice=blocks,
            arrivals=arrivals,
            accept=Distribution.from_config(entry["accept"], f"{path}.accept", read)
            if "accept" in entry
            else _ACCEPT,
            handle=Distribution.from_config(entry["handle"], f"{path}.handle", read)
            if "handle" in entry
            else _HANDLE,
            patience=patience,
        )

    # -- agents -----------------------------------------------------------------

    def agent_plans(
        self, agents: Sequence[AgentPlan], media: Mapping[str, MediaSpec], *, voice: bool
    ) -> dict[str, MediaAgentPlan]:
        """Where each scheduled agent logs in and which media it serves."""
        center, tenant = self.center, self.tenant
        places = {p.name: p for p in center.places if p.tenant == tenant}
        if voice:
            suffix = "@" + self.settings.switch
            by_dn = {d: p.name for p in places.values() for d in p.dns}
            seat = {a.agent: by_dn.get(a.dn + suffix, "") for a in agents}
        else:
            free = iter([p.name for p in places.values() if p.media])
            seat = {a.agent: next(free, "") for a in agents if a.shifts}
        skills = {a.employee_id: a.skills for a in center.agents if a.tenant == tenant}
        plans: dict[str, MediaAgentPlan] = {}
        for a in agents:
            place = seat.get(a.agent, "")
            if not place:
                continue
            own = places[place].media
            served = tuple(
                m for m, spec in media.items() if m in own and spec.qualifies(skills[a.agent])
            )
            if served:
                plans[a.agent] = MediaAgentPlan(agent=a.agent, place=place, media=served)
        return plans

    def check_served(
        self,
        media: Mapping[str, MediaSpec],
        plans: Mapping[str, MediaAgentPlan],
        agents: Sequence[AgentPlan],
    ) -> None:
        """Every media that gets interactions is served by a scheduled agent."""
        scheduled = {a.agent for a in agents if a.shifts}
        served = {m for p in plans.values() if p.agent in scheduled for m in p.media}
        for name, spec in media.items():
            if name in served or not any(r > 0 for r in spec.arrivals.rates):
                continue
            need = f"skill {spec.skill} >= {spec.min_level}" if spec.skill else "any skill"
            self.read.fail(
                f"simulation.media.{name}" + (".skill" if spec.skill else ""),
                f"no agent with a shift can serve {name}, which gets interactions",
                expected=f"at least one scheduled agent with {need} at a place "
                f"whose media include {name!r}",
                found=spec.skill,
            )

    # -- outages ----------------------------------------------------------------

    def outages(self, links: Sequence[str]) -> tuple[OutageSpec, ...]:
        read, settings = self.read, self.settings
        kinds = {ln.name: ln.kind for ln in self.center.links}
        found: list[OutageSpec] = []
        for i, entry in enumerate(read.tables(self.section, "outages", "simulation")):
            path = f"simulation.outages[{i}]"
            read.unknown_keys(entry, path, ("link", "at", "duration"))
            link = read.string(entry, "link", path)
            if link not in links:
                message = (
                    "only Interaction Server links can be cut"
                    if kinds.get(link) is LinkKind.TSERVER
                    else "unknown link"
                )
                read.fail(
                    f"{path}.link",
                    message,
                    expected="one of " + (", ".join(links) or "(no ixnserver link configured)"),
                    found=link,
                )
            if "at" not in entry or "duration" not in entry:
                read.fail(
                    path,
                    "an outage needs at and duration",
                    expected="at = 'HH:MM' (or a date-time), duration = <seconds>",
                    found=dict(entry),
                )
            start = self.instant(entry, "at", path)
            if not settings.start_ms <= start < settings.end_ms:
                read.fail(
                    f"{path}.at",
                    "outside the simulated period",
                    expected="an instant after the start and before the end of the run",
                    found=entry["at"],
                )
            seconds = read.duration_s(entry["duration"], f"{path}.duration")
            found.append(
                OutageSpec(link=link, start_ms=start, end_ms=start + round(seconds * 1000))
            )
        for link, group in itertools.groupby(
            sorted(found, key=lambda o: (o.link, o.start_ms)), key=lambda o: o.link
        ):
            for first, second in itertools.pairwise(group):
                if second.start_ms < first.end_ms:
                    read.fail(
                        "simulation.outages",
                        f"overlapping outages of link {link}",
                        expected="outages of one link that do not overlap",
                        found=link,
                    )
        return tuple(sorted(found, key=lambda o: (o.start_ms, o.link)))

    def instant(self, entry: Mapping[str, Any], key: str, path: str) -> int:
        """``"HH:MM"``: the first such local time at or after the start; or a
        date-time (TOML or ISO string, local unless it has an offset)."""
        from simulators.settings import _start

        value = entry[key]
        zone = self.settings.zone
        if isinstance(value, str) and _CLOCK.match(value):
            minutes = self.read.clock(value, f"{path}.{key}", upto=24 * 60 - 1)
            day = datetime.fromtimestamp(self.settings.start_ms / 1000, UTC).astimezone(zone).date()
            t = local_ms(day, minutes, zone)
            if t < self.settings.start_ms:
                t = local_ms(day + timedelta(days=1), minutes, zone)
            return t
        return _start(self.read, entry, path, zone, key=key)


# --------------------------------------------------------------------------
# Agents without voice (the ``multimedia`` simulator)
# --------------------------------------------------------------------------


class _AgentsOnly(Builder):
    """The voice builder's shift machinery for agents without a voice seat."""

    def shift_members(
        self,
        entry: Mapping[str, Any],
        path: str,
        agents: Mapping[str, Any],
        groups: Mapping[str, Any],
    ) -> list[str]:
        if entry.get("agents") == "*" and "group" not in entry:
            return list(agents)  # every agent of the tenant
        return super().shift_members(entry, path, agents, groups)

    def build(self) -> VoiceWorkload:
        read, settings = self.read, self.settings
        for key in self.section:
            if key in COMMON_KEYS or key in VOICE_TABLES or key in FOREIGN_TABLES:
                continue
            if not key.startswith("x_"):
                read.fail(
                    f"simulation.{key}",
                    "unknown key",
                    expected="one of " + ", ".join((*COMMON_KEYS, *VOICE_TABLES, *FOREIGN_TABLES)),
                    found=key,
                )
        center = self.config.center
        agents = {a.employee_id: a for a in center.agents if a.tenant == settings.tenant}
        groups = {g.name: g for g in center.agent_groups if g.tenant == settings.tenant}
        shifts: dict[str, list[tuple[ShiftPlan, str]]] = {}
        for i, entry in enumerate(read.tables(self.section, "shifts", "simulation")):
            path = f"simulation.shifts[{i}]"
            read.unknown_keys(entry, path, ("agents", "group", "start", "end", "days", "breaks"))
            members = self.shift_members(entry, path, agents, groups)
            for plan in self.shift_plans(entry, path):
                for agent in members:
                    shifts.setdefault(agent, []).append((plan, path))
        plans: list[AgentPlan] = []
        for agent_id in agents:
            if agent_id not in shifts:
                continue
            own = self.own_shifts(agent_id, shifts[agent_id])
            plans.append(
                AgentPlan(
                    agent=agent_id,
                    login="",
                    dn="",
                    queues=(),
                    login_queue="",
                    shifts=tuple(p for p, _ in own),
                )
            )
        cap_ms = self.check_limits({})
        return VoiceWorkload(
            settings=settings,
            queues=MappingProxyType({}),
            arrivals=(),
            agents=tuple(plans),
            not_ready=self.build_not_ready(),
            outbound=OutboundSpec(),
            internal=InternalSpec(),
            cap_ms=cap_ms,
            ring_cap_ms=cap_ms,
            stuck_limits=self.stuck,
        )


def media_only_voice_workload(config: Config) -> VoiceWorkload:
    """The voice model of a center simulated without voice traffic: only the
    agents' shifts, breaks and not-ready periods (no seat, no T-Server link
    needed). The voice tables of ``[simulation]`` are ignored."""
    return _AgentsOnly(config).build()
