"""A statistic and how each category reads its aggregates (docs/semantics.md §2-§3).

:class:`Statistic` is one stat type computed for one object over one time
profile: it owns the aggregates (main mask, relative mask, and the fixed
extra masks some categories need) and knows its interval. :data:`VALUE` maps
every supported category to the function that reads its value: that table is
the whole of the category semantics in code.

Historical categories read :meth:`Statistic.hist` (for Sliding / Selection
profiles, a view of the window); current categories read the live aggregate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import attrs

from statengine.core.aggregates import ActionAggregate, ActionView, MaskView, StatusAggregate
from statengine.core.objects import ObjectRef
from statengine.core.stattypes import Category, StatType, Subject, TimeRange

if TYPE_CHECKING:
    from statengine.core.formula import Formula
    from statengine.core.notify import Subscription
    from statengine.core.profiles import TimeProfile

__all__ = [
    "ACTION_SUMMED",
    "COUNTING",
    "EXTRA_MASKS",
    "ORDERED",
    "SUMMED",
    "VALUE",
    "StatKey",
    "Statistic",
    "time_varying",
]

Value = Any  # int | float, or a StateNode for CurrentState categories
C = Category

#: Categories that need the open items sorted by start.
ORDERED: frozenset[Category] = frozenset({C.CurrentMaxTime, C.CurrentMinTime, C.MaxTime})

#: Status categories whose value is a sum over the statuses of the mask (a
#: segment is a stay in one status), so that they can read shared per-status
#: sums (:class:`~statengine.core.aggregates.StatusCounters`).
SUMMED: frozenset[Category] = frozenset(
    {
        C.TotalNumber,
        C.TotalTime,
        C.TotalAdjustedNumber,
        C.TotalAdjustedTime,
        C.AverageTime,
        C.CurrentNumber,
        C.CurrentTime,
        C.CurrentAverageTime,
        C.ElapsedTimePercentage,
        C.RelativeTimePercentage,
        C.RelativeNumberPercentage,
        C.RelativeNumber,
        C.AverageNumberPerRelativeHour,
        C.TotalNumberPerSecond,
        C.CurrentRelativeNumberPercentage,
        C.CurrentRelativeTimePercentage,
    }
)

#: Action categories whose value adds up over the kinds of the mask, so
#: that they can read shared per-kind sums (:class:`ActionSums`): SUMMED and
#: the extremes of completed items (the max over kinds of each kind's max).
ACTION_SUMMED: frozenset[Category] = SUMMED | {C.MaxTime, C.MinTime}

#: Categories that follow the number of open items over time.
COUNTING: frozenset[Category] = frozenset(
    {C.MaxNumber, C.MinNumber, C.AverageOfCurrentNumber, C.AverageOfCurrentTime}
)

#: Fixed masks some categories read besides MainMask / RelMask (DNAction).
EXTRA_MASKS: Mapping[Category, Mapping[str, str]] = {
    C.ServiceFactor1: {"abandon": "CallAbandoned,CallAbandonedFromRinging"},
    C.EstimWaitingTime: {
        "waiting": "CallWait",
        "released": "CallReleased",
        "logged": "AgentLogin",
    },
    C.LoadBalance: {"waiting": "CallWait", "ready": "AgentReady"},
}

#: Categories whose value moves with the clock alone (re-evaluated on advance).
_TIME_VARYING_ALWAYS = frozenset(
    {
        C.CurrentTime,
        C.CurrentMaxTime,
        C.CurrentMinTime,
        C.CurrentAverageTime,
        C.CurrentNumberInTimeRange,
        C.CurrentNumberInTimeRangePercentage,
        C.CurrentContinuousTime,
        C.CurrentRelativeTimePercentage,
        C.ElapsedTimePercentage,
        C.TotalNumberPerSecond,
        C.AverageOfCurrentNumber,
        C.AverageOfCurrentTime,
        C.CurrentState,
        C.CurrentStateReasons,
    }
)
_TIME_VARYING_STATUS = frozenset(
    {
        C.TotalTime,
        C.AverageTime,
        C.MaxTime,
        C.RelativeTimePercentage,
        C.Formula,
        C.AverageNumberPerRelativeHour,
    }
)


def time_varying(category: Category, subject: Subject) -> bool:
    """Whether the value changes with time alone (no event needed)."""
    return category in _TIME_VARYING_ALWAYS or (
        subject is not Subject.DNAction and category in _TIME_VARYING_STATUS
    )


def _s(ms: int | float | None) -> float:
    return (ms or 0) / 1000


def _ratio(num: float, den: float, scale: float = 100.0) -> float:
    return scale * num / den if den > 0 else 0.0


#: what reads status segments (the others follow actions)
_STATUS_READS = (StatusAggregate, MaskView)
_VIEWS = frozenset({MaskView, ActionView})


def _total_time(agg: Any, now: int) -> int:
    return agg.total_time(now) if isinstance(agg, _STATUS_READS) else agg.t_clip


def _completed(agg: Any) -> int:
    return agg.adj_n if isinstance(agg, _STATUS_READS) else agg.done_n


def _number(agg: Any) -> int:
    """Items (or members in a mask status) open now."""
    return agg.number() if type(agg) in _VIEWS else len(agg.open)


def _avg_time(st: Statistic, now: int) -> float:
    m = st.hist(now)
    if isinstance(m, _STATUS_READS):
        return _s(m.total_time(now)) / m.n if m.n else 0.0
    return _s(m.adj_t) / m.done_n if m.done_n else 0.0


def _max_time(st: Statistic, now: int) -> float:
    m = st.hist(now)
    return _s(m.max_time(now)) if isinstance(m, StatusAggregate) else _s(m.dmax)


def _range_pct(st: Statistic, now: int) -> float:
    m = st.hist(now)
    den = _completed(st.hist(now, "rel")) if st.rel is not None else _completed(m)
    return _ratio(m.range_n, den)


def _service_factor(st: Statistic, now: int) -> float:
    a, b = st.hist(now), st.hist(now, "abandon")
    b_in = b.range_n if b.time_range is not None else 0
    return _ratio(a.range_n, a.done_n + b.done_n - b_in)


def _elapsed(st: Statistic, now: int) -> float:
    m = st.hist(now)
    return max(0, now - int(m.interval_start)) / 1000


def _current_avg(st: Statistic, now: int) -> float:
    n = _number(st.main)
    return _s(st.main.current_time(now)) / n if n else 0.0


def _averages(st: Statistic, now: int) -> tuple[float, float]:
    m = st.main
    averages: tuple[float, float] = m.counter.averages(now, len(m.open), m.cur_sum)
    return averages


def _current_in_range(st: Statistic, now: int) -> int:
    rng = st.time_range
    return int(st.main.in_range_now(rng, now)) if rng is not None else 0


def _current_in_range_pct(st: Statistic, now: int) -> float:
    den = _number(st.rel) if st.rel is not None else _number(st.main)
    return _ratio(_current_in_range(st, now), den)


def _estim_wait(st: Statistic, now: int) -> float:
    waiting = len(st.extra["waiting"].open)
    released = st.hist(now, "released")
    aht = _s(released.adj_t) / released.done_n if released.done_n else 0.0
    return (waiting + 1) * aht / max(1, len(st.extra["logged"].open))


def _load_balance(st: Statistic, now: int) -> float:
    return 100.0 * len(st.extra["waiting"].open) / max(1, len(st.extra["ready"].open))


def _formula(st: Statistic, now: int) -> float:
    assert st.formula is not None
    return float(st.formula.evaluate([term.value(now) for term in st.terms]))


def _state(st: Statistic, now: int) -> Any:
    assert st.state is not None
    return st.state(now)


#: Category -> value reader.
VALUE: Mapping[Category, Callable[[Statistic, int], Value]] = {
    C.TotalNumber: lambda st, now: st.hist(now).n,
    C.TotalTime: lambda st, now: _s(_total_time(st.hist(now), now)),
    C.TotalAdjustedNumber: lambda st, now: st.hist(now).adj_n,
    C.TotalAdjustedTime: lambda st, now: _s(st.hist(now).adj_t),
    C.AverageTime: _avg_time,
    C.MaxTime: _max_time,
    C.MinTime: lambda st, now: _s(st.hist(now).dmin),
    C.CurrentNumber: lambda st, now: _number(st.main),
    C.CurrentTime: lambda st, now: _s(st.main.current_time(now)),
    C.CurrentMaxTime: lambda st, now: _s(st.main.current_max(now)),
    C.CurrentMinTime: lambda st, now: _s(st.main.current_min(now)),
    C.CurrentAverageTime: _current_avg,
    C.TotalNumberInTimeRange: lambda st, now: st.hist(now).range_n,
    C.TotalNumberInTimeRangePercentage: _range_pct,
    C.TotalTimeInTimeRange: lambda st, now: _s(st.hist(now).range_t),
    C.ServiceFactor1: _service_factor,
    C.MaxNumber: lambda st, now: st.main.counter.extremes(len(st.main.open))[0],
    C.MinNumber: lambda st, now: st.main.counter.extremes(len(st.main.open))[1],
    C.ElapsedTimePercentage: lambda st, now: _ratio(
        _s(_total_time(st.hist(now), now)), _elapsed(st, now)
    ),
    C.RelativeTimePercentage: lambda st, now: _ratio(
        _total_time(st.hist(now), now), _total_time(st.hist(now, "rel"), now)
    ),
    C.RelativeNumberPercentage: lambda st, now: _ratio(st.hist(now).n, st.hist(now, "rel").n),
    C.RelativeNumber: lambda st, now: _ratio(st.hist(now).n, st.hist(now, "rel").n, 1.0),
    C.AverageNumberPerRelativeHour: lambda st, now: _ratio(
        st.hist(now).n, _s(_total_time(st.hist(now, "rel"), now)), 3600.0
    ),
    C.AverageOfCurrentNumber: lambda st, now: _averages(st, now)[0],
    C.AverageOfCurrentTime: lambda st, now: _s(_averages(st, now)[1]),
    C.TotalNumberPerSecond: lambda st, now: _ratio(st.hist(now).n, _elapsed(st, now), 1.0),
    C.TotalContinuousNumber: lambda st, now: st.main.cont_n,
    C.CurrentRelativeNumberPercentage: lambda st, now: _ratio(_number(st.main), _number(st.rel)),
    C.CurrentRelativeTimePercentage: lambda st, now: _ratio(
        st.main.current_time(now), st.rel.current_time(now)
    ),
    C.CurrentNumberInTimeRange: _current_in_range,
    C.CurrentNumberInTimeRangePercentage: _current_in_range_pct,
    C.CurrentContinuousTime: lambda st, now: _s(st.main.continuous_time(now)),
    C.CurrentDistinctNumber: lambda st, now: len(st.main.conns),
    C.EstimWaitingTime: _estim_wait,
    C.LoadBalance: _load_balance,
    C.Formula: _formula,
    C.CurrentState: _state,
    C.CurrentStateReasons: _state,
}


@attrs.frozen
class StatKey:
    """What makes two opened statistics the same computation (the pool key)."""

    object: ObjectRef
    definition: tuple[Any, ...]


@attrs.define(eq=False)
class Term:
    """One aggregate of a Formula statistic, read like a category of its own."""

    category: Category
    owner: Statistic
    main: Any
    time_range: TimeRange | None = None

    def value(self, now: int) -> float:
        st = self.owner
        proxy = Statistic(
            key=st.key,
            object=st.object,
            stat_type=st.stat_type,
            profile=st.profile,
            tz=st.tz,
            time_range=self.time_range,
            time_range2=None,
            opened=st.opened,
            main=self.main,
        )
        value = VALUE[self.category](proxy, now)
        return float(value)


@attrs.define(eq=False)
class Statistic:
    """One statistic in the pool: a stat type on an object over a profile."""

    key: StatKey
    object: ObjectRef
    stat_type: StatType
    profile: TimeProfile
    tz: tzinfo
    time_range: TimeRange | None
    time_range2: TimeRange | None
    opened: int
    main: Any  # ActionAggregate | StatusAggregate (or their window kinds)
    rel: Any = None
    #: fixed-mask aggregates of compound categories, by role (see EXTRA_MASKS)
    extra: dict[str, Any] = attrs.field(factory=dict)
    formula: Formula | None = None
    terms: list[Term] = attrs.field(factory=list)
    #: CurrentState categories: builds the state tree at a time
    state: Callable[[int], Any] | None = None
    #: next Growing reset instant (ms), None if it never resets
    next_reset: int | None = None
    #: latest open, peek or close (drives the three-day expiry)
    last_requested: int = 0
    subscriptions: list[Subscription] = attrs.field(factory=list)
    #: how many of them are changes-based (flush skips the others)
    changes_subscriptions: int = 0
    time_varying: bool = False
    #: False while a device it depends on is not monitored (DOMAIN §1.5)
    valid: bool = True

    @property
    def abandon(self) -> ActionAggregate | None:
        return self.extra.get("abandon")

    @property
    def aggregates(self) -> list[Any]:
        parts = [self.main, self.rel, *self.extra.values(), *(t.main for t in self.terms)]
        return [a for a in parts if a is not None]

    def hist(self, now: int, part: str = "main") -> Any:
        """The aggregate to read historical values from (a window view if any)."""
        agg = self.main if part == "main" else self.rel if part == "rel" else self.extra[part]
        view = getattr(agg, "view", None)
        return view(now) if view is not None else agg

    def value(self, now: int) -> Value:
        return VALUE[self.stat_type.category](self, now)

    def reset(self, at: int) -> None:
        for agg in self.aggregates:
            agg.reset(at)
