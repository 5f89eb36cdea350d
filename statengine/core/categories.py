"""A statistic and how each category reads its aggregates (docs/semantics.md §2).

:class:`Statistic` is one stat type computed for one object over one time
profile: it owns the aggregates (main mask, relative mask, and for
ServiceFactor1 the abandoned calls) and knows its interval. :data:`VALUE`
maps every supported category to the function that reads the value from
the aggregates: that table is the whole of the category semantics in code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import attrs

from statengine.core.aggregates import ActionAggregate, StatusAggregate
from statengine.core.objects import ObjectRef
from statengine.core.stattypes import Category, StatType, Subject, TimeRange

if TYPE_CHECKING:
    from statengine.core.notify import Subscription
    from statengine.core.profiles import TimeProfile

__all__ = ["ORDERED", "TIME_VARYING", "VALUE", "StatKey", "Statistic"]

Value = int | float
C = Category

#: Categories that need the open items sorted by start.
ORDERED: frozenset[Category] = frozenset(
    {C.CurrentMaxTime, C.CurrentMinTime, C.MaxTime}
)

#: Categories whose value moves with the clock alone (re-evaluated on advance).
_TIME_VARYING_ALWAYS = frozenset(
    {C.CurrentTime, C.CurrentMaxTime, C.CurrentMinTime, C.CurrentAverageTime}
)
_TIME_VARYING_STATUS = frozenset({C.TotalTime, C.AverageTime, C.MaxTime})


def TIME_VARYING(category: Category, subject: Subject) -> bool:
    """Whether the value changes with time alone (no event needed)."""
    return category in _TIME_VARYING_ALWAYS or (
        subject is not Subject.DNAction and category in _TIME_VARYING_STATUS
    )


def _s(ms: int | None) -> float:
    return (ms or 0) / 1000


def _ratio(num: float, den: float) -> float:
    return 100.0 * num / den if den > 0 else 0.0


def _avg_time(st: Statistic, now: int) -> float:
    m = st.main
    if isinstance(m, StatusAggregate):
        return _s(m.total_time(now)) / m.n if m.n else 0.0
    return _s(m.adj_t) / m.done_n if m.done_n else 0.0


def _total_time(st: Statistic, now: int) -> float:
    m = st.main
    return _s(m.total_time(now)) if isinstance(m, StatusAggregate) else _s(m.t_clip)


def _max_time(st: Statistic, now: int) -> float:
    m = st.main
    return _s(m.max_time(now)) if isinstance(m, StatusAggregate) else _s(m.dmax)


def _completed(agg: ActionAggregate | StatusAggregate) -> int:
    return agg.adj_n if isinstance(agg, StatusAggregate) else agg.done_n


def _range_pct(st: Statistic, now: int) -> float:
    den = _completed(st.rel) if st.rel is not None else _completed(st.main)
    return _ratio(st.main.range_n, den)


def _service_factor(st: Statistic, now: int) -> float:
    a, b = st.main, st.abandon
    assert isinstance(a, ActionAggregate)
    assert b is not None
    b_in = b.range_n if b.time_range is not None else 0
    return _ratio(a.range_n, a.done_n + b.done_n - b_in)


def _current_avg(st: Statistic, now: int) -> float:
    m = st.main
    return _s(m.current_time(now)) / len(m.open) if m.open else 0.0


#: Category -> value reader (docs/semantics.md §2.3-§2.4).
VALUE: Mapping[Category, Callable[[Statistic, int], Value]] = {
    C.TotalNumber: lambda st, now: st.main.n,
    C.TotalTime: _total_time,
    C.TotalAdjustedNumber: lambda st, now: st.main.adj_n,
    C.TotalAdjustedTime: lambda st, now: _s(st.main.adj_t),
    C.AverageTime: _avg_time,
    C.MaxTime: _max_time,
    C.MinTime: lambda st, now: _s(st.main.dmin),
    C.CurrentNumber: lambda st, now: len(st.main.open),
    C.CurrentTime: lambda st, now: _s(st.main.current_time(now)),
    C.CurrentMaxTime: lambda st, now: _s(st.main.current_max(now)),
    C.CurrentMinTime: lambda st, now: _s(st.main.current_min(now)),
    C.CurrentAverageTime: _current_avg,
    C.TotalNumberInTimeRange: lambda st, now: st.main.range_n,
    C.TotalNumberInTimeRangePercentage: _range_pct,
    C.TotalTimeInTimeRange: lambda st, now: _s(st.main.range_t),
    C.ServiceFactor1: _service_factor,
}


@attrs.frozen
class StatKey:
    """What makes two opened statistics the same computation (the pool key)."""

    object: ObjectRef
    definition: tuple[Any, ...]


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
    main: Any  # ActionAggregate | StatusAggregate
    rel: Any = None
    abandon: ActionAggregate | None = None
    #: next Growing reset instant (ms), None if it never resets
    next_reset: int | None = None
    #: latest open, peek or close (drives the three-day expiry)
    last_requested: int = 0
    subscriptions: list[Subscription] = attrs.field(factory=list)
    #: how many of them are changes-based (flush skips the others)
    changes_subscriptions: int = 0
    time_varying: bool = False

    @property
    def aggregates(self) -> list[Any]:
        return [a for a in (self.main, self.rel, self.abandon) if a is not None]

    def value(self, now: int) -> Value:
        return VALUE[self.stat_type.category](self, now)

    def reset(self, at: int) -> None:
        for agg in self.aggregates:
            agg.reset(at)
