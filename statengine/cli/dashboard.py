"""The live wallboard (CCPulse+ style): queues, multimedia and agents.

Three pieces, each usable alone, which ``statengine replay --dashboard`` and
``statengine simulate`` put together:

:class:`Wallboard`
    opens, through :meth:`Engine.open_statistic` (``NotifyMode.NONE``: nothing
    is pushed), every statistic the board shows, and gathers their values with
    :meth:`Engine.peek` into a frozen :class:`WallboardValues`.
:func:`render`
    turns a :class:`WallboardValues` into a rich renderable (about 95
    columns wide for the packaged default center; on a narrower console each
    table stacks the interval over the day). It is **pure**: no
    engine call, no clock; the same values give the same text.
:func:`run_live`
    the edge: feeds events into the engine and refreshes a ``rich.live.Live``
    display at most ``refresh_per_second`` times per wall-clock second
    (``time.perf_counter``), or prints the board once at the end on a console
    that is not a terminal (CI, a pipe, pytest's capsys).

What each number is (objects, stat type = Category / Subject / MainMask,
time profile); "interval" is the ``interval_profile`` (``CollectorDefault``:
Growing ``0:00+0:15``, the WFM quarter hour), "day" the ``Default`` profile
(Growing ``0:00``, reset at midnight in the tenant's zone). Every statistic
starts at the time the board is opened (``docs/semantics.md`` §2.2), so a
board opened mid-day counts "day" from its opening; the header says from when.

==========================  =================================================  ===============
number                      stat type                                          profiles
==========================  =================================================  ===============
queues and routing points (``engine.objects(Queue)``, then ``RoutePoint``)
-----------------------------------------------------------------------------------------------
Waiting                     ``Current_In_Queue``: CurrentNumber / DNAction /   current
                            CallWait
Longest                     ``Current_Max_Waiting_Time``: CurrentMaxTime /     current
                            DNAction / CallWait
Offered                     ``Total_Calls_Entered``: TotalNumber / CallEntered interval, day
Answered                    ``Total_Calls_Answered``: TotalNumber /            interval, day
                            CallAnswered (reflected from the agent)
Abandoned                   ``Total_Abandoned``: TotalNumber / CallAbandoned   interval, day
SL %                        ``Service_Factor``: ServiceFactor1 / CallAnswered, interval, day
                            TimeRange ``ServiceLevel`` (0-20 s), TimeRange2
                            ``ShortAbandon`` (0-10 s): short abandons are not
                            held against the service level
ASA                         ``Average_Speed_Of_Answer``: AverageTime /         interval, day
                            CallAnswered (entering the queue -> answer)
AHT                         ``Wallboard_Queue_AHT``: Formula / DNAction        interval, day
                            ``(TotalAdjustedTime(CallReleased) +
                            TotalAdjustedTime(ACWCompleted)) /
                            TotalAdjustedNumber(CallReleased)``
staging areas (``engine.config.staging_areas``), one row each, with its media
-----------------------------------------------------------------------------------------------
Waiting                     ``Current_Backlog``: CurrentNumber /               current
                            InteractionWaiting
Longest                     ``Wallboard_Current_Max_Interaction_Wait``:        current
                            CurrentMaxTime / InteractionWaiting
Entered                     ``Total_Interactions_Entered``: TotalNumber /      interval, day
                            InteractionEntered
Distrib.                    ``Total_Interactions_Distributed``: TotalNumber /  interval, day
                            InteractionDistributed (taken by an agent)
Aband.                      ``Wallboard_Interactions_Abandoned``: TotalNumber  interval, day
                            / InteractionCleared (taken out by anything but
                            an agent: the chat server when the customer left)
SL %                        ``Wallboard_Interaction_Service_Level``:           interval, day
                            TotalNumberInTimeRangePercentage /
                            InteractionDistributed, RelMask
                            InteractionDistributed,InteractionCleared;
                            TimeRange ``ServiceLevel_<media>`` (library:
                            ``ServiceLevel_chat`` 0-60 s). ``-`` for a media
                            without one (no column if no media has one)
Avg wait                    ``Wallboard_Interaction_Average_Wait``:            interval, day
                            AverageTime / InteractionDistributed (entering
                            the area -> taken by an agent: the media's ASA)
media (the tenant, ``MediaType`` = the media; one row per media of a staging area)
-----------------------------------------------------------------------------------------------
Logged in                   ``Wallboard_Current_Media_Logged_In``:             current
                            CurrentNumber / Active (channels of the media)
Free                        ``Wallboard_Current_Media_Routable``:              current
                            CurrentNumber / Routable (ready with room for
                            one more interaction)
Handling                    ``Wallboard_Current_Interactions_Handled``:        current
                            CurrentNumber / Handling (interactions now)
Handled                     ``Wallboard_Interactions_Handled``:                interval, day
                            TotalAdjustedNumber / Handling (ended)
AHT                         ``Wallboard_Interaction_AHT``: AverageTime /       interval, day
                            Handling (accepted -> the agent left it)
agent groups (``engine.objects(GroupAgents)``), all CurrentNumber / AgentStatus
-----------------------------------------------------------------------------------------------
Logged in                   ``Current_Logged_In_Agents``: ``*,~LoggedOut,      current
                            ~NotMonitored``
Ready                       ``Current_Ready_Agents``: WaitForNextCall          current
Busy                        ``Current_Busy_Agents``: the call statuses         current
                            (CallDialing, CallRinging, CallOnHold, CallInbound,
                            CallOutbound, CallInternal, CallConsult,
                            CallUnknown)
Not ready                   ``Current_Not_Ready_Agents``: NotReadyForNextCall  current
ACW                         ``Wallboard_Current_ACW_Agents``: AfterCallWork    current
Not-ready reasons           ad hoc CurrentStateReasons on the group: each      current
                            member agent's node; the agents whose status is
                            NotReadyForNextCall are counted by the
                            ``ReasonCode`` of the action that defines it
==========================  =================================================  ===============

Logged in also counts agents in no column to its right (logged in with no
ready state yet: Monitored; a status of the media channels only).

**Media decisions.** A staging area is the interaction queue of one media,
so its row carries the queue side (as a voice queue's does): what entered,
was distributed to an agent or abandoned, how long it waited. The agent
side (who is logged in for the media, who can take one more, handling time)
happens on the agents' media channels, which know the media but not the
staging area: those numbers are per media, on the tenant, in a table of
their own. The library types of that table have no ``MediaType``; the
board opens each one with ``MediaType`` set to the row's media (the same
name and definition otherwise, so a configuration that redefines the name
still changes the board).

* *Abandoned* is ``InteractionCleared``. An interaction stopped while it
  waits gives ``InteractionDeleted``, which also ends every handled
  interaction on its last staging area (``docs/semantics.md`` §1.7): no mask
  tells the two apart, so it is not counted.
* *Service level* means something for a media whose customer waits live
  (chat): distributed within 60 s over distributed + abandoned (abandons
  count against it, whatever their wait; no short-abandon allowance). E-mails
  and work items are deferrable: their goal is a response within hours or a
  day, which a quarter hour of distributions does not show, so they get
  ``-`` unless the configuration names a range ``ServiceLevel_<media>``
  (``ServiceLevel_email = "0-14400"``: within 4 h). Waiting, longest wait and
  average wait are their figures.
* *AHT* is the generic ``Handling`` action, from acceptance to the agent
  leaving the interaction, averaged over the interactions whose handling
  ended in the period (the handled count shown beside it). Media channels
  have no per-interaction after-call work, so none is added.
* *Free* counts channels that are ``Routable``: ready, with fewer
  interactions than their capacity. A chat agent at 2 of 3 chats is free and
  handling; "ready" in the voice sense (idle) says less for concurrent media.
  A channel is one agent's media on one Interaction Server.

**AHT decision.** A Formula over the actions the engine reflects on the
distributing queue (``docs/semantics.md`` §1.4) rather than a client-side
sum of two averages: ``CallReleased`` carries each answered call's talk
time (answer -> release, holds included) and ``ACWCompleted`` the after-call
work that followed it, so talk + ACW over the calls released is the handle
time per call, one statistic the pool shares with anyone who asks for it.
Averaging ACW over the calls that had some (``AverageTime(ACWCompleted)``)
would overstate it; adding two averages over different counts is not an
average. Both items count in the interval where they end: a call released at
08:59 whose ACW ends at 09:01 puts its talk in one quarter hour and its ACW
in the next (as a WFM Data Aggregator would see it).

Statistics are opened **by name** from the engine's profile (the library of
``configs/stattypes.toml`` merged into every configuration), so a
configuration that redefines one of these names changes what the board
shows. :meth:`Wallboard.open` checks that every name, time profile and time
range it needs exists before it opens anything.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
from typing import Any, Final

import attrs
from rich import box
from rich.cells import cell_len
from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    JustifyMethod,
    RenderableType,
    RenderResult,
)
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from statengine.core.currentstate import StateNode
from statengine.core.engine import Engine
from statengine.core.events import Event
from statengine.core.notify import NotificationSettings, NotifyMode
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.profiles import ProfileKind
from statengine.core.stattypes import StatType, TimeRange
from statengine.core.status import Status
from statengine.errors import InternalError, LocalProtocolError

__all__ = [
    "AgentGroupValues",
    "AreaPeriod",
    "MediaPeriod",
    "MediaValues",
    "Progress",
    "QueuePeriod",
    "QueueValues",
    "StagingAreaValues",
    "Wallboard",
    "WallboardValues",
    "format_count",
    "format_duration",
    "format_percent",
    "render",
    "run_live",
]

# --------------------------------------------------------------------------
# What the board opens (the table of the module docstring)
# --------------------------------------------------------------------------

#: The profile of the "day" columns.
DAY_PROFILE: Final = "Default"
#: The time ranges of the service level (``Service_Factor``).
SERVICE_LEVEL_RANGE: Final = "ServiceLevel"
SHORT_ABANDON_RANGE: Final = "ShortAbandon"

#: Queue and routing point: current numbers (opened once) ...
QUEUE_CURRENT: Final[Mapping[str, str]] = {
    "waiting": "Current_In_Queue",
    "longest_wait": "Current_Max_Waiting_Time",
}
#: ... and per-period numbers (opened for the interval and for the day).
QUEUE_PERIOD: Final[Mapping[str, str]] = {
    "offered": "Total_Calls_Entered",
    "answered": "Total_Calls_Answered",
    "abandoned": "Total_Abandoned",
    "service_level": "Service_Factor",
    "asa": "Average_Speed_Of_Answer",
    "aht": "Wallboard_Queue_AHT",
}
#: Staging area: current numbers ...
AREA_CURRENT: Final[Mapping[str, str]] = {
    "backlog": "Current_Backlog",
    "longest_wait": "Wallboard_Current_Max_Interaction_Wait",
}
#: ... and per-period numbers.
AREA_PERIOD: Final[Mapping[str, str]] = {
    "entered": "Total_Interactions_Entered",
    "distributed": "Total_Interactions_Distributed",
    "abandoned": "Wallboard_Interactions_Abandoned",
    "average_wait": "Wallboard_Interaction_Average_Wait",
}
#: The media service level, opened (per period) only on a staging area whose
#: media has a time range named by :data:`MEDIA_SERVICE_LEVEL_RANGE`.
AREA_SERVICE_LEVEL: Final = "Wallboard_Interaction_Service_Level"
MEDIA_SERVICE_LEVEL_RANGE: Final = "ServiceLevel_{media}"
#: Agents' media channels, on the tenant narrowed to one media: current ...
MEDIA_CURRENT: Final[Mapping[str, str]] = {
    "logged_in": "Wallboard_Current_Media_Logged_In",
    "free": "Wallboard_Current_Media_Routable",
    "handling": "Wallboard_Current_Interactions_Handled",
}
#: ... and per period.
MEDIA_PERIOD: Final[Mapping[str, str]] = {
    "handled": "Wallboard_Interactions_Handled",
    "aht": "Wallboard_Interaction_AHT",
}
GROUP_CURRENT: Final[Mapping[str, str]] = {
    "logged_in": "Current_Logged_In_Agents",
    "ready": "Current_Ready_Agents",
    "busy": "Current_Busy_Agents",
    "not_ready": "Current_Not_Ready_Agents",
    "after_call_work": "Wallboard_Current_ACW_Agents",
}
#: The members' state trees with their reasons (a structure: no library type).
GROUP_STATES: Final = StatType.from_definition(
    {
        "Name": "Wallboard_Agent_States",
        "Description": "Each member's CurrentState tree with the reasons of its status",
        "Objects": ["GroupAgents", "GroupPlaces"],
        "Category": "CurrentStateReasons",
    }
)
#: The key of the reasons that names a not-ready reason.
REASON_KEY: Final = "ReasonCode"
#: How an agent not ready without a reason is counted.
NO_REASON: Final = "(none)"

_NONE: Final = NotificationSettings(mode=NotifyMode.NONE)

RefId = tuple[str, ...]


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class QueuePeriod:
    """A queue's numbers over one period (the interval or the day)."""

    #: calls that entered (CallEntered)
    offered: int
    #: calls distributed from it and answered by an agent (CallAnswered)
    answered: int
    #: calls abandoned while waiting in it (CallAbandoned)
    abandoned: int
    #: ServiceFactor1, percent in [0, 100]; 0 when nothing was answered or abandoned
    service_level: float
    #: average speed of answer, seconds (0 when nothing was answered)
    asa: float
    #: average handle time (talk + ACW per call released), seconds (0 when none)
    aht: float


@attrs.frozen(kw_only=True)
class QueueValues:
    """One ACD queue or routing point."""

    ref: ObjectRef
    #: calls waiting now
    waiting: int
    #: how long the oldest call waiting now has waited, seconds (0 when none)
    longest_wait: float
    interval: QueuePeriod
    day: QueuePeriod


@attrs.frozen(kw_only=True)
class AreaPeriod:
    """A staging area's numbers over one period."""

    #: interactions placed in it (InteractionEntered)
    entered: int
    #: taken from it by an agent (InteractionDistributed)
    distributed: int
    #: taken from it by anything but an agent (InteractionCleared)
    abandoned: int
    #: percent in [0, 100] of distributed within the media's time range over
    #: distributed + abandoned; None: the media has no such time range
    service_level: float | None
    #: mean wait of the distributed ones, seconds (0 when none)
    average_wait: float


@attrs.frozen(kw_only=True)
class StagingAreaValues:
    """One staging area (interaction queue)."""

    ref: ObjectRef
    media: str
    #: interactions waiting now
    backlog: int
    #: how long the oldest one waiting now has waited, seconds (0 when none)
    longest_wait: float
    #: its media's service level range (lower, upper) in seconds, upper None
    #: for no bound; None: the media has no service level range
    service_level_range: tuple[int, int | None] | None
    interval: AreaPeriod
    day: AreaPeriod


@attrs.frozen(kw_only=True)
class MediaPeriod:
    """One media's handling over one period."""

    #: interactions whose handling ended (the agent left them)
    handled: int
    #: their mean handling time, seconds (0 when none)
    aht: float


@attrs.frozen(kw_only=True)
class MediaValues:
    """One media of one tenant: its agents' channels, now and per period."""

    tenant: str
    media: str
    #: channels of that media added now (agents logged in for it)
    logged_in: int
    #: channels ready with room for one more interaction (Routable): the
    #: agents who can take one now
    free: int
    #: interactions being handled now
    handling: int
    interval: MediaPeriod
    day: MediaPeriod


@attrs.frozen(kw_only=True)
class AgentGroupValues:
    """One agent group: its members per status, now."""

    ref: ObjectRef
    logged_in: int
    ready: int
    busy: int
    not_ready: int
    after_call_work: int
    #: (reason, members not ready for it), most first, then by name
    reasons: tuple[tuple[str, int], ...] = ()


@attrs.frozen(kw_only=True)
class WallboardValues:
    """Everything the board shows at one engine time: plain, frozen data."""

    #: the engine clock the values are for (POSIX ms)
    now: int
    #: the zone of the clock and of the interval labels (the first tenant's)
    timezone: tzinfo
    #: when the board's statistics were opened (POSIX ms)
    opened: int
    #: the interval profile's name and its column label (``15m``)
    interval_profile: str
    interval_label: str
    #: the current interval, clipped at ``opened`` (None: not a Growing profile)
    interval_start: int | None
    interval_end: int | None
    #: start of the "day" columns: the last midnight, or ``opened`` if later
    day_start: int | None
    #: the service level's threshold (``ServiceLevel`` upper bound), seconds
    service_level_seconds: int | None
    #: engine counters (``engine.statistics()``)
    events_fed: int
    events_applied: int
    events_refused: int
    late_events: int
    queues: tuple[QueueValues, ...] = ()
    staging_areas: tuple[StagingAreaValues, ...] = ()
    media: tuple[MediaValues, ...] = ()
    agent_groups: tuple[AgentGroupValues, ...] = ()


@attrs.frozen(kw_only=True)
class Progress:
    """How far a run is in virtual time: from ``start_ms`` for ``total_ms``."""

    start_ms: int
    total_ms: int

    def fraction(self, now: int) -> float:
        """The part of ``total_ms`` done at ``now``, in [0, 1]."""
        if self.total_ms <= 0:
            return 1.0
        return min(1.0, max(0.0, (now - self.start_ms) / self.total_ms))


# --------------------------------------------------------------------------
# The board: opens the statistics, gathers their values
# --------------------------------------------------------------------------


def _ref_id(kind: str, ref: ObjectRef, metric: str, period: str) -> RefId:
    return (kind, ref.tenant, ref.type.name, ref.id, metric, period)


def _media_ref_id(tenant: str, media: str, metric: str, period: str) -> RefId:
    return ("media", tenant, ObjectType.Tenant.name, media, metric, period)


def _for_media(stat_type: StatType, media: str) -> StatType:
    """The library type with ``MediaType`` set to one media.

    Media names come from the configuration, so the library cannot hold one
    type per media; the narrowed type keeps the library's name and
    definition (a configuration that redefines the name still changes what
    the board shows) and the pool shares it with anyone asking the same.
    """
    definition = stat_type.to_definition()
    definition["MediaType"] = media
    return StatType.from_definition(definition, source=f"wallboard ({media})")


def _interval_label(engine: Engine, name: str) -> str:
    """``15m`` for a Growing profile with evenly spaced resets, else its name."""
    profile = engine.profile().time_profiles[name]
    resets = profile.resets
    if profile.kind is ProfileKind.Growing and resets:
        gaps = {b - a for a, b in zip(resets, (*resets[1:], resets[0] + 1440), strict=True)}
        if len(gaps) == 1:
            gap = gaps.pop()
            return "day" if gap == 1440 else f"{gap // 60}h" if gap % 60 == 0 else f"{gap}m"
    return name


@attrs.define(eq=False)
class Wallboard:
    """The statistics of one wallboard, opened on one engine.

    Build it with :meth:`open`; read it with :meth:`values`; :meth:`close`
    ends its subscriptions (the pool keeps computing them for a while, as for
    any client). It holds no value of its own: every number comes from
    :meth:`Engine.peek` when :meth:`values` is called.
    """

    engine: Engine
    subscriber: str
    interval_profile: str
    opened: int
    #: what to peek: each row's object and its ref ids
    _queues: tuple[ObjectRef, ...]
    #: (staging area, its media, its media's service level range or None)
    _areas: tuple[tuple[ObjectRef, str, TimeRange | None], ...]
    #: (tenant, media) of the staging areas, in their configuration order
    _media: tuple[tuple[str, str], ...]
    _groups: tuple[ObjectRef, ...]
    _ref_ids: tuple[RefId, ...]

    @classmethod
    def open(
        cls,
        engine: Engine,
        *,
        subscriber: str = "wallboard",
        interval_profile: str = "CollectorDefault",
    ) -> Wallboard:
        """Open every statistic the board shows (see the module docstring).

        Args:
            engine: an engine whose clock has started (``Engine(now=...)``,
                or after a first ``feed`` / ``advance``) and whose profile has
                the library of ``configs/stattypes.toml`` (every
                :mod:`statengine.config` configuration has it).
            subscriber: the subscriber name of the board's subscriptions;
                ref ids are tuples of strings naming object, number and period.
            interval_profile: the time profile of the "interval" columns.

        Raises:
            LocalProtocolError: the clock has not started, a stat type, time
                profile or time range is missing from the engine's profile, or
                ``subscriber`` already has the board's ref ids. Nothing is left
                open then.
        """
        if engine.now is None:
            raise LocalProtocolError(
                "the engine clock has not started: open the wallboard after a first "
                "feed or advance, or give Engine(now=...)"
            )
        profile = engine.profile()
        needed = {
            **QUEUE_CURRENT,
            **QUEUE_PERIOD,
            **AREA_CURRENT,
            **AREA_PERIOD,
            "service_level_media": AREA_SERVICE_LEVEL,
            **MEDIA_CURRENT,
            **MEDIA_PERIOD,
            **GROUP_CURRENT,
        }.values()
        missing = [f"stat type {n}" for n in needed if n not in profile.stat_types]
        missing += [
            f"time profile {n}"
            for n in (interval_profile, DAY_PROFILE)
            if n not in profile.time_profiles
        ]
        missing += [
            f"time range {n}"
            for n in (SERVICE_LEVEL_RANGE, SHORT_ABANDON_RANGE)
            if n not in profile.time_ranges
        ]
        if missing:
            raise LocalProtocolError(
                "the wallboard needs the statistics library (configs/stattypes.toml); "
                f"the engine's profile lacks: {', '.join(dict.fromkeys(missing))}"
            )

        queues = engine.objects(ObjectType.Queue) + engine.objects(ObjectType.RoutePoint)
        areas = tuple(
            (
                ObjectRef(a.tenant, ObjectType.StagingArea, a.name),
                a.media,
                profile.time_ranges.get(MEDIA_SERVICE_LEVEL_RANGE.format(media=a.media)),
            )
            for a in engine.config.staging_areas
        )
        media = tuple(dict.fromkeys((a.tenant, a.media) for a in engine.config.staging_areas))
        groups = engine.objects(ObjectType.GroupAgents)
        periods = {"interval": interval_profile, "day": DAY_PROFILE}

        plan: list[tuple[RefId, ObjectRef, str | StatType, str, dict[str, Any]]] = []
        for ref in queues:
            for metric, name in QUEUE_CURRENT.items():
                plan.append((_ref_id("queue", ref, metric, "now"), ref, name, DAY_PROFILE, {}))
            for period, prof in periods.items():
                for metric, name in QUEUE_PERIOD.items():
                    ranges: dict[str, Any] = {}
                    if metric == "service_level":
                        ranges = {
                            "time_range": SERVICE_LEVEL_RANGE,
                            "time_range2": SHORT_ABANDON_RANGE,
                        }
                    plan.append((_ref_id("queue", ref, metric, period), ref, name, prof, ranges))
        for ref, _media, sl_range in areas:
            for metric, name in AREA_CURRENT.items():
                plan.append((_ref_id("area", ref, metric, "now"), ref, name, DAY_PROFILE, {}))
            for period, prof in periods.items():
                for metric, name in AREA_PERIOD.items():
                    plan.append((_ref_id("area", ref, metric, period), ref, name, prof, {}))
                if sl_range is not None:
                    ref_id = _ref_id("area", ref, "service_level", period)
                    ranges = {"time_range": sl_range.name}
                    plan.append((ref_id, ref, AREA_SERVICE_LEVEL, prof, ranges))
        for tenant, name_of_media in media:
            tenant_ref = ObjectRef(tenant, ObjectType.Tenant, tenant)
            narrowed = {
                name: _for_media(profile.stat_types[name], name_of_media)
                for name in (*MEDIA_CURRENT.values(), *MEDIA_PERIOD.values())
            }
            for metric, name in MEDIA_CURRENT.items():
                ref_id = _media_ref_id(tenant, name_of_media, metric, "now")
                plan.append((ref_id, tenant_ref, narrowed[name], DAY_PROFILE, {}))
            for period, prof in periods.items():
                for metric, name in MEDIA_PERIOD.items():
                    ref_id = _media_ref_id(tenant, name_of_media, metric, period)
                    plan.append((ref_id, tenant_ref, narrowed[name], prof, {}))
        for ref in groups:
            for metric, name in GROUP_CURRENT.items():
                plan.append((_ref_id("group", ref, metric, "now"), ref, name, DAY_PROFILE, {}))
            plan.append(
                (_ref_id("group", ref, "states", "now"), ref, GROUP_STATES, DAY_PROFILE, {})
            )

        opened: list[RefId] = []
        try:
            for ref_id, ref, stat_type, prof, ranges in plan:
                engine.open_statistic(
                    subscriber, ref_id, ref, stat_type, profile=prof, notification=_NONE, **ranges
                )
                opened.append(ref_id)
        except BaseException:
            for ref_id in opened:
                engine.close_statistic(subscriber, ref_id)
            raise
        return cls(
            engine=engine,
            subscriber=subscriber,
            interval_profile=interval_profile,
            # a statistic the pool kept (restored, shared) counts from earlier
            opened=min((engine.counting_since(subscriber, r) for r in opened), default=engine.now),
            queues=queues,
            areas=areas,
            media=media,
            groups=groups,
            ref_ids=tuple(opened),
        )

    def close(self) -> None:
        """End the board's subscriptions."""
        for ref_id in self._ref_ids:
            self.engine.close_statistic(self.subscriber, ref_id)
        self._ref_ids = ()

    # -- gathering -------------------------------------------------------------

    def _peek(self, kind: str, ref: ObjectRef, metric: str, period: str) -> Any:
        return self.engine.peek(self.subscriber, _ref_id(kind, ref, metric, period)).value

    def _count(self, kind: str, ref: ObjectRef, metric: str, period: str = "now") -> int:
        return int(self._peek(kind, ref, metric, period))

    def _seconds(self, kind: str, ref: ObjectRef, metric: str, period: str = "now") -> float:
        return float(self._peek(kind, ref, metric, period))

    def _queue(self, ref: ObjectRef) -> QueueValues:
        def period(p: str) -> QueuePeriod:
            return QueuePeriod(
                offered=self._count("queue", ref, "offered", p),
                answered=self._count("queue", ref, "answered", p),
                abandoned=self._count("queue", ref, "abandoned", p),
                service_level=self._seconds("queue", ref, "service_level", p),
                asa=self._seconds("queue", ref, "asa", p),
                aht=self._seconds("queue", ref, "aht", p),
            )

        return QueueValues(
            ref=ref,
            waiting=self._count("queue", ref, "waiting"),
            longest_wait=self._seconds("queue", ref, "longest_wait"),
            interval=period("interval"),
            day=period("day"),
        )

    def _area(self, ref: ObjectRef, media: str, sl_range: TimeRange | None) -> StagingAreaValues:
        def period(p: str) -> AreaPeriod:
            return AreaPeriod(
                entered=self._count("area", ref, "entered", p),
                distributed=self._count("area", ref, "distributed", p),
                abandoned=self._count("area", ref, "abandoned", p),
                service_level=(
                    self._seconds("area", ref, "service_level", p) if sl_range is not None else None
                ),
                average_wait=self._seconds("area", ref, "average_wait", p),
            )

        return StagingAreaValues(
            ref=ref,
            media=media,
            backlog=self._count("area", ref, "backlog"),
            longest_wait=self._seconds("area", ref, "longest_wait"),
            service_level_range=(
                (sl_range.lower, sl_range.upper) if sl_range is not None else None
            ),
            interval=period("interval"),
            day=period("day"),
        )

    def _one_media(self, tenant: str, media: str) -> MediaValues:
        def value(metric: str, period: str) -> Any:
            ref_id = _media_ref_id(tenant, media, metric, period)
            return self.engine.peek(self.subscriber, ref_id).value

        def period(p: str) -> MediaPeriod:
            return MediaPeriod(handled=int(value("handled", p)), aht=float(value("aht", p)))

        return MediaValues(
            tenant=tenant,
            media=media,
            logged_in=int(value("logged_in", "now")),
            free=int(value("free", "now")),
            handling=int(value("handling", "now")),
            interval=period("interval"),
            day=period("day"),
        )

    def _group(self, ref: ObjectRef) -> AgentGroupValues:
        tree: object = self._peek("group", ref, "states", "now")
        if not isinstance(tree, StateNode):
            raise InternalError(f"CurrentStateReasons of {ref} is not a state tree; please report")
        counts: dict[str, int] = {}
        for member in tree.children:
            if member.status is Status.NotReadyForNextCall:
                reason = _reason(member.reasons)
                counts[reason] = counts.get(reason, 0) + 1
        return AgentGroupValues(
            ref=ref,
            logged_in=self._count("group", ref, "logged_in"),
            ready=self._count("group", ref, "ready"),
            busy=self._count("group", ref, "busy"),
            not_ready=self._count("group", ref, "not_ready"),
            after_call_work=self._count("group", ref, "after_call_work"),
            reasons=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        )

    def values(self) -> WallboardValues:
        """Every number of the board now (``engine.peek``), and the engine's counters.

        Two calls at the same engine time give equal values.
        """
        engine = self.engine
        stats = engine.statistics()
        now = stats.now if stats.now is not None else self.opened
        zone = engine.config.tenants[0].timezone
        prof = engine.profile()

        def start(name: str) -> int | None:
            tp = prof.time_profiles[name]
            s = tp.interval_start(now, prof.zones.get(tp.zone or "", zone))
            return None if s is None else max(s, self.opened)

        interval = prof.time_profiles[self.interval_profile]
        end = interval.next_reset(now, prof.zones.get(interval.zone or "", zone))
        return WallboardValues(
            now=now,
            timezone=zone,
            opened=self.opened,
            interval_profile=self.interval_profile,
            interval_label=_interval_label(engine, self.interval_profile),
            interval_start=start(self.interval_profile),
            interval_end=end,
            day_start=start(DAY_PROFILE),
            service_level_seconds=prof.time_ranges[SERVICE_LEVEL_RANGE].upper,
            events_fed=stats.events_fed,
            events_applied=stats.events_applied,
            events_refused=stats.events_refused,
            late_events=stats.late_events,
            queues=tuple(self._queue(ref) for ref in self._queues),
            staging_areas=tuple(self._area(*area) for area in self._areas),
            media=tuple(self._one_media(tenant, media) for tenant, media in self._media),
            agent_groups=tuple(self._group(ref) for ref in self._groups),
        )


def _reason(reasons: Mapping[str, str | int]) -> str:
    """How a not-ready agent's reasons are counted: its ``ReasonCode``, else
    its reasons as ``key=value`` pairs, else ``(none)``."""
    if REASON_KEY in reasons:
        return str(reasons[REASON_KEY])
    if reasons:
        return ", ".join(f"{k}={v}" for k, v in sorted(reasons.items()))
    return NO_REASON


# --------------------------------------------------------------------------
# Rendering (pure)
# --------------------------------------------------------------------------

#: Service level colours: at or above the target green, below it amber,
#: below the alarm red.
SL_TARGET: Final = 80.0
SL_ALARM: Final = 60.0
#: What is shown where a number has no meaning yet (no calls to average).
BLANK: Final = "-"


def format_count(n: int) -> str:
    """``1,234``."""
    return f"{n:,}"


def format_duration(seconds: float) -> str:
    """Seconds rounded half up to whole seconds, as ``m:ss`` (``h:mm:ss`` from an hour)."""
    total = int(seconds + 0.5) if seconds >= 0 else 0
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_percent(p: float) -> str:
    """One decimal: ``83.3``."""
    return f"{p:.1f}"


def _sl_style(p: float, target: float, alarm: float) -> str:
    if p < alarm:
        return "bold red"
    if p < target:
        return "yellow"
    return "green"


def _clock(ms: int, zone: tzinfo, fmt: str = "%H:%M") -> str:
    return datetime.fromtimestamp(ms / 1000, zone).strftime(fmt)


def _label(ref: ObjectRef, tenants: bool, suffix: str = "") -> str:
    name = f"{ref.tenant}/{ref.id}" if tenants else ref.id
    return name + suffix


def _blank() -> Text:
    return Text(BLANK, style="dim")


def _table(title: str | None) -> Table:
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1, 0, 0),
    )


#: (interval cell, day cell) per number of a row
_Pairs = dict[str, tuple[Text, Text]]


def _waiting(count: int, longest: float) -> list[Cell]:
    """The "now" cells of a queue or staging area: how many wait, the longest wait."""
    return [
        Text(format_count(count), style="bold" if count else "dim"),
        Text(format_duration(longest)) if count else _blank(),
    ]


def _pairs(
    keys: Iterable[tuple[str, Any]], cell: Any, interval: Any, day: Any, *args: Any
) -> _Pairs:
    """Each period column's (interval, day) cells."""
    return {key: (cell(key, interval, *args), cell(key, day, *args)) for key, _ in keys}


def _pair(a: Text, b: Text, wa: int, wb: int) -> Text:
    """Two right-aligned cells in one: ``a`` in ``wa`` characters, a space, ``b`` in ``wb``."""
    return Text.assemble(" " * (wa - a.cell_len), a, " " * (wb - b.cell_len + 1), b)


@attrs.frozen
class _Fit:
    """``wide`` if its natural width fits the width it is given, else
    ``narrow``: decided when rendered, from the console's width (so still a
    function of the values and the console alone).

    The title is a line of its own, cut (not wrapped) at the console's
    width: a table's own title wraps at the table's width, and a title that
    explains the service level is often wider than a small table.
    """

    title: str
    wide: Table
    wide_width: int
    narrow: Table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(self.title, style="bold", no_wrap=True, overflow="ellipsis")
        yield self.wide if self.wide_width <= options.max_width else self.narrow


Cell = Text | str


def _cells(cell: Cell) -> int:
    """The terminal width of one line of ``cell``."""
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def _period_table(
    title: str,
    label: str,
    keys: tuple[tuple[str, str], ...],
    rows: list[tuple[list[Cell], _Pairs]],
    head: tuple[tuple[str, JustifyMethod], ...],
    *,
    under: int | None = None,
) -> _Fit:
    """The same rows twice: interval | day side by side in one column per
    number (wide), or one line per period (narrow).

    ``head`` names the leading columns (header, justify) and each row gives
    their cells, then its pairs keyed like ``keys`` (key, header: a line
    break in it is kept by the narrow layout only). The
    narrow layout shows the leading column ``under`` (if given) on the
    second line of the row, under the first column, rather than as a column
    of its own: one column less where width is short.
    """
    wide, narrow = _table(None), _table(None)
    #: the natural width of each column of ``wide`` (measured here: cheaper than rich's)
    natural: list[int] = []
    for i, (name, justify) in enumerate(head):
        tables = (wide,) if i == under else (wide, narrow)
        for table in tables:
            table.add_column(name, justify=justify, no_wrap=justify == "right")
        lines = [*name.split("\n"), *(lead[i] for lead, _ in rows)]
        natural.append(max(_cells(line) for line in lines))
    narrow.add_column("", no_wrap=True)
    widths: dict[str, tuple[int, int]] = {}
    for key, name in keys:
        # a header may break in two where the columns are narrow; not over a pair
        one_line = name.replace("\n", " ")
        wa = max([cell_len(label), *(pairs[key][0].cell_len for _, pairs in rows)])
        wb = max([3, *(pairs[key][1].cell_len for _, pairs in rows)])
        widths[key] = (wa, wb)
        sub = f"{label:>{wa}} {'day':>{wb}}"
        wide.add_column(f"{one_line}\n{sub}", justify="right", no_wrap=True)
        narrow.add_column(name, justify="right", no_wrap=True)
        natural.append(max(cell_len(one_line), wa + 1 + wb))
    for lead, pairs in rows:
        wide.add_row(*lead, *(_pair(*pairs[k], *widths[k]) for k, _ in keys))
        first: list[Cell] = [c for i, c in enumerate(lead) if i != under]
        second: list[Cell] = ["" for _ in first]
        if under is not None:
            second[0] = Text.assemble(" ", lead[under], style="dim")
        narrow.add_row(*first, label, *(pairs[k][0] for k, _ in keys))
        narrow.add_row(*second, "day", *(pairs[k][1] for k, _ in keys))
    # columns are separated by two cells (the box's space and the right padding)
    return _Fit(title, wide, sum(natural) + 2 * (len(natural) - 1), narrow)


#: The per-period numbers of a queue row: (field, column header).
_QUEUE_KEYS: Final = (
    ("offered", "offered"),
    ("answered", "answered"),
    ("abandoned", "aband."),
    ("service_level", "SL %"),
    ("asa", "ASA"),
    ("aht", "AHT"),
)


def _queue_cell(key: str, p: QueuePeriod, target: float, alarm: float) -> Text:
    if key == "service_level":
        if p.answered == 0 and p.abandoned == 0:
            return _blank()
        return Text(
            format_percent(p.service_level), style=_sl_style(p.service_level, target, alarm)
        )
    if key == "asa":
        return Text(format_duration(p.asa)) if p.answered else _blank()
    if key == "aht":
        return Text(format_duration(p.aht)) if p.aht > 0 else _blank()
    return Text(format_count(getattr(p, key)))


def _queues_table(values: WallboardValues, target: float, alarm: float, tenants: bool) -> _Fit:
    within = values.service_level_seconds
    title = (
        "Queues"
        + (f"  (SL % answered within {within} s" if within is not None else "  (SL %")
        + f", short abandons excluded; target {target:g} %)"
    )
    rows: list[tuple[list[Cell], _Pairs]] = []
    for q in values.queues:
        suffix = " (RP)" if q.ref.type is ObjectType.RoutePoint else ""
        lead: list[Cell] = [_label(q.ref, tenants, suffix), *_waiting(q.waiting, q.longest_wait)]
        rows.append((lead, _pairs(_QUEUE_KEYS, _queue_cell, q.interval, q.day, target, alarm)))
    head: tuple[tuple[str, JustifyMethod], ...] = (
        ("queue", "left"),
        ("calls\nwaiting", "right"),
        ("longest\nwait", "right"),
    )
    return _period_table(title, values.interval_label, _QUEUE_KEYS, rows, head)


#: The per-period numbers of a staging area row: (field, column header).
_AREA_KEYS: Final[tuple[tuple[str, str], ...]] = (
    ("entered", "entered"),
    ("distributed", "distrib."),
    ("abandoned", "aband."),
    ("service_level", "SL %"),
    ("average_wait", "avg\nwait"),
)


def _area_cell(key: str, p: AreaPeriod, target: float, alarm: float) -> Text:
    if key == "service_level":
        if p.service_level is None or (p.distributed == 0 and p.abandoned == 0):
            return _blank()
        return Text(
            format_percent(p.service_level), style=_sl_style(p.service_level, target, alarm)
        )
    if key == "average_wait":
        return Text(format_duration(p.average_wait)) if p.distributed else _blank()
    return Text(format_count(getattr(p, key)))


def _seconds_text(seconds: int) -> str:
    """``60 s``, ``5 min``, ``4 h``: a time range bound as a supervisor says it."""
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def _range_text(lower: int, upper: int | None) -> str:
    if lower == 0 and upper is not None:
        return f"within {_seconds_text(upper)}"
    if upper is None:
        return f"after {_seconds_text(lower)} or more"
    return f"within {lower}-{_seconds_text(upper)}"


def _areas_table(values: WallboardValues, target: float, alarm: float, tenants: bool) -> _Fit:
    ranges = dict.fromkeys(
        (a.media, a.service_level_range)
        for a in values.staging_areas
        if a.service_level_range is not None
    )
    keys = _AREA_KEYS if ranges else tuple(k for k in _AREA_KEYS if k[0] != "service_level")
    title = "Multimedia: interaction queues"
    if ranges:
        title += (
            "  (SL % "
            + ", ".join(f"{media} {_range_text(*bounds)}" for media, bounds in ranges)
            + ", abandons count against it)"
        )
    rows: list[tuple[list[Cell], _Pairs]] = []
    for a in values.staging_areas:
        lead: list[Cell] = [_label(a.ref, tenants), a.media, *_waiting(a.backlog, a.longest_wait)]
        rows.append((lead, _pairs(keys, _area_cell, a.interval, a.day, target, alarm)))
    head: tuple[tuple[str, JustifyMethod], ...] = (
        ("staging area", "left"),
        ("media", "left"),
        ("waiting", "right"),
        ("longest\nwait", "right"),
    )
    return _period_table(title, values.interval_label, keys, rows, head, under=1)


#: The per-period numbers of a media row.
_MEDIA_KEYS: Final = (("handled", "handled"), ("aht", "AHT"))


def _media_table(values: WallboardValues, tenants: bool) -> _Fit:
    rows: list[tuple[list[Cell], _Pairs]] = []
    for m in values.media:
        lead: list[Cell] = [
            f"{m.tenant}/{m.media}" if tenants else m.media,
            Text(format_count(m.logged_in)),
            Text(format_count(m.free), style="green"),
            Text(format_count(m.handling), style="cyan"),
        ]
        pairs = {
            "handled": (
                Text(format_count(m.interval.handled)),
                Text(format_count(m.day.handled)),
            ),
            "aht": (
                Text(format_duration(m.interval.aht)) if m.interval.handled else _blank(),
                Text(format_duration(m.day.aht)) if m.day.handled else _blank(),
            ),
        }
        rows.append((lead, pairs))
    head: tuple[tuple[str, JustifyMethod], ...] = (
        ("media", "left"),
        ("logged\nin", "right"),
        ("free", "right"),
        ("handling", "right"),
    )
    title = "Multimedia: agents by media"
    return _period_table(title, values.interval_label, _MEDIA_KEYS, rows, head)


def _header(
    values: WallboardValues,
    progress: Progress | None,
    rate: float | None,
    now: int,
    zone: tzinfo,
) -> RenderableType:
    line = Text()
    line.append("statengine wallboard", style="bold")
    line.append("   ")
    line.append(_clock(now, zone, "%a %Y-%m-%d %H:%M:%S %Z"), style="bold cyan")
    if rate is not None:
        line.append(f"   {rate:,.0f} events/s")
    second = Text()
    if values.interval_start is not None and values.interval_end is not None:
        second.append(
            f"{values.interval_label} {_clock(values.interval_start, zone)}"
            f"-{_clock(values.interval_end, zone)}   "
        )
    if values.day_start is not None:
        second.append(f"day from {_clock(values.day_start, zone)}   ")
    second.append(f"events {format_count(values.events_fed)}")
    if values.events_refused:
        second.append(f"  refused {format_count(values.events_refused)}", style="red")
    if values.late_events:
        second.append(f"  late {format_count(values.late_events)}", style="yellow")
    parts: list[RenderableType] = [line, second]
    if progress is not None:
        fraction = progress.fraction(now)
        done = max(0, min(now - progress.start_ms, progress.total_ms)) / 1000
        bar = Table.grid(padding=(0, 1))
        bar.add_column(width=40)
        bar.add_column()
        bar.add_row(
            ProgressBar(total=1000, completed=round(fraction * 1000), width=40),
            f"{fraction * 100:3.0f}%  {format_duration(done)} / "
            f"{format_duration(progress.total_ms / 1000)} virtual",
        )
        parts.append(bar)
    return Group(*parts)


def _agents_table(values: WallboardValues, tenants: bool) -> Table:
    table = _table("Agents by group (now)")
    table.add_column("group", overflow="fold")
    columns = (
        ("logged\nin", ""),
        ("ready", "green"),
        ("busy", "cyan"),
        ("not\nready", "yellow"),
        ("ACW", "magenta"),
    )
    for name, style in columns:
        table.add_column(name, justify="right", no_wrap=True, style=style)
    table.add_column("not-ready reasons", overflow="fold")
    for g in values.agent_groups:
        reasons = ", ".join(f"{reason} {n}" for reason, n in g.reasons)
        table.add_row(
            _label(g.ref, tenants),
            format_count(g.logged_in),
            format_count(g.ready),
            format_count(g.busy),
            format_count(g.not_ready),
            format_count(g.after_call_work),
            Text(reasons or BLANK, style="" if reasons else "dim"),
        )
    return table


def render(
    values: WallboardValues,
    *,
    progress: Progress | None = None,
    rate: float | None = None,
    virtual_now: int | None = None,
    tz: tzinfo | None = None,
    sl_target: float = SL_TARGET,
    sl_alarm: float = SL_ALARM,
) -> RenderableType:
    """The board as a rich renderable: a header, then the queue, multimedia
    and agent tables (each left out when the center has no such object).

    Pure: reads nothing but its arguments.

    Args:
        values: what :meth:`Wallboard.values` gathered.
        progress: draws a bar of virtual time done (at ``virtual_now``).
        rate: engine events per wall-clock second, measured by the caller.
        virtual_now: the caller's virtual clock (POSIX ms) for the header and
            the progress bar; default ``values.now``.
        tz: the zone of the clock and interval labels; default ``values.timezone``.
        sl_target, sl_alarm: service level (percent) below which it shows
            amber / red.
    """
    now = values.now if virtual_now is None else virtual_now
    zone = values.timezone if tz is None else tz
    tenants = (
        len(
            {q.ref.tenant for q in values.queues}
            | {a.ref.tenant for a in values.staging_areas}
            | {m.tenant for m in values.media}
            | {g.ref.tenant for g in values.agent_groups}
        )
        > 1
    )
    parts: list[RenderableType] = [_header(values, progress, rate, now, zone)]
    if values.queues:
        parts += [Text(), _queues_table(values, sl_target, sl_alarm, tenants)]
    if values.staging_areas:
        parts += [Text(), _areas_table(values, sl_target, sl_alarm, tenants)]
    if values.media:
        parts += [Text(), _media_table(values, tenants)]
    if values.agent_groups:
        parts += [Text(), _agents_table(values, tenants)]
    return Group(*parts)


# --------------------------------------------------------------------------
# The live edge
# --------------------------------------------------------------------------


def run_live(
    engine: Engine,
    events: Iterable[Event],
    *,
    refresh_per_second: float = 4,
    total_ms: int | None = None,
    console: Console | None = None,
    wallboard: Wallboard | None = None,
) -> WallboardValues:
    """Feed ``events`` to ``engine`` and show the wallboard while doing it.

    The board is refreshed at most ``refresh_per_second`` times per
    wall-clock second (``time.perf_counter``): values are gathered and
    rendered only when a refresh is due, so the engine does the work. On a
    console that is not a terminal (``console.is_terminal`` false: CI, a
    pipe) the board is printed once, at the end.

    Args:
        engine: fed with ``engine.feed`` (a strict engine raises on a refused
            event; the display is closed first).
        events: any iterable of events, a stream reader included.
        total_ms: the virtual duration of the run, for a progress bar from the
            first event's time; None: no bar.
        console: where to draw (default: a new ``Console()``).
        wallboard: a board already open on ``engine``; by default one is
            opened with :meth:`Wallboard.open` (before the first event is
            fed, the engine clock being started at that event's time).

    Returns:
        the values at the end (what the last frame shows).

    Raises:
        LocalProtocolError: no events and an engine whose clock never started.
        BadEventError: a refused event on a strict engine.
    """
    console = console if console is not None else Console()
    iterator: Iterator[Event] = iter(events)
    first: Event | None = None
    if engine.now is None:
        first = next(iterator, None)
        if first is None:
            raise LocalProtocolError("no events to feed and the engine clock has not started")
        engine.advance(first.time)  # what feeding it would do first: start the clock
    board = wallboard if wallboard is not None else Wallboard.open(engine)
    assert engine.now is not None
    progress = (
        Progress(start_ms=first.time if first is not None else engine.now, total_ms=total_ms)
        if total_ms is not None
        else None
    )
    feed = engine.feed
    period = 1.0 / refresh_per_second if refresh_per_second > 0 else float("inf")
    fed = 0
    started = time.perf_counter()

    def pending() -> Iterator[Event]:
        if first is not None:
            yield first
        yield from iterator

    if not console.is_terminal:
        for event in pending():
            feed(event)
            fed += 1
        elapsed = time.perf_counter() - started
        final = board.values()
        rate = fed / elapsed if elapsed > 0 else None
        console.print(render(final, progress=progress, rate=rate))
        return final

    last_time, last_fed = started, 0
    with Live(
        render(board.values(), progress=progress),
        console=console,
        auto_refresh=False,
        transient=False,
    ) as live:
        due = started + period
        for event in pending():
            feed(event)
            fed += 1
            tick = time.perf_counter()
            if tick >= due:
                rate = (fed - last_fed) / (tick - last_time)
                live.update(render(board.values(), progress=progress, rate=rate), refresh=True)
                last_time, last_fed = tick, fed
                # measured after rendering: rendering never takes more than its share
                due = time.perf_counter() + period
        elapsed = time.perf_counter() - started
        final = board.values()
        live.update(
            render(final, progress=progress, rate=fed / elapsed if elapsed > 0 else None),
            refresh=True,
        )
    return final
