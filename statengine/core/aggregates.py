"""Incremental aggregates: the running sums every category is read from.

``docs/semantics.md`` §2 defines each category from the raw log; the classes
here keep just enough running state to give the same value in O(1) per
update (or O(log n) where an order is needed), whatever the number of items:

* :class:`ActionAggregate` follows the actions of one mask in one scope
  (Subject DNAction);
* :class:`StatusAggregate` follows the status segments of the members of one
  scope (status subjects);
* :class:`StatusCounters` keeps the same sums per status for one scope, shared
  by every statistic of that scope and time profile whose category is a sum
  over the statuses of its mask (read through a :class:`MaskView`);
  :class:`ActionSums` does the same per action kind (read through an
  :class:`ActionView`).

Both keep the historical part (reset at each interval boundary) apart from the
current part (items open now). Time is integer milliseconds throughout; the
conversion to seconds happens when a value is read.

The trick that keeps time sums O(1): the total time of the ``n`` items open
now, each counted from its own start ``s_i``, is ``n * now - sum(s_i)``; so
an aggregate keeps ``n`` and ``sum(s_i)`` instead of walking its items.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sortedcontainers import SortedList

from statengine.core.actions import ACTION_CLASS, Action, ActionClass

__all__ = [
    "ActionAggregate",
    "ActionSums",
    "ActionView",
    "MaskView",
    "StatusAggregate",
    "StatusCounters",
]

_DURABLE = ActionClass.DURABLE
_MOMENTARY = ActionClass.MOMENTARY


class _Range:
    """A half-open range [lower, upper) of whole seconds (duck-typed TimeRange)."""

    __slots__ = ("lower", "upper")

    def __init__(self, lower: int, upper: int | None) -> None:
        self.lower, self.upper = lower, upper


def _in_range(rng: Any, start: int, end: int) -> bool:
    """DOMAIN §5.2: milliseconds are truncated from both timestamps first."""
    d = end // 1000 - start // 1000
    return bool(d >= rng.lower and (rng.upper is None or d < rng.upper))


class CountTracker:
    """The number ``c`` of open items as a step function of time, since the
    interval start: its max and min, and the exact integrals of ``c`` and of
    CurrentTime (``c * t - sum of starts``) for the AverageOfCurrent*
    categories (DOMAIN samples every 2 s; statengine integrates exactly)."""

    __slots__ = ("area", "area2x2", "cmax", "cmin", "last", "start")

    def __init__(self, t: int) -> None:
        self.reset(t, 0, 0)

    def reset(self, t: int, count: int, cur_sum: int) -> None:
        self.start = self.last = t
        self.area = 0  # integral of c dt (count x ms)
        self.area2x2 = 0  # twice the integral of (c t - sum) dt
        self.cmax = self.cmin = count

    def _advance(self, t: int, count: int, cur_sum: int) -> None:
        lt = self.last
        if t > lt:
            self.area += count * (t - lt)
            self.area2x2 += count * (t * t - lt * lt) - 2 * cur_sum * (t - lt)
            self.last = t

    def step(self, t: int, count: int, cur_sum: int, delta: int) -> None:
        """The count changes by ``delta`` at ``t`` (it was ``count`` before)."""
        self._advance(t, count, cur_sum)

    def settle(self, count: int) -> None:
        """The count as an event leaves it: MaxNumber / MinNumber see the
        values between events, not the steps inside one (a call leaving and
        another arriving in the same event is no dip)."""
        if count > self.cmax:
            self.cmax = count
        if count < self.cmin:
            self.cmin = count

    def extremes(self, count: int) -> tuple[int, int]:
        """(MaxNumber, MinNumber): including the count holding now."""
        return max(self.cmax, count), min(self.cmin, count)

    def averages(self, now: int, count: int, cur_sum: int) -> tuple[float, float]:
        """(time average of c, time average of CurrentTime in ms) over [start, now]."""
        lt = self.last
        area = self.area + count * (now - lt)
        area2x2 = self.area2x2 + count * (now * now - lt * lt) - 2 * cur_sum * (now - lt)
        span = now - self.start
        if span <= 0:
            return float(count), float(count * now - cur_sum)
        return area / span, area2x2 / 2 / span


class ActionAggregate:
    """Running totals of the actions of one mask in one scope.

    Args:
        opened: when the statistic was opened (durations are clipped to it).
        ordered: keep the starts of open items sorted (CurrentMax/MinTime).
        time_range: count completed items whose duration falls in it.
    """

    __slots__ = (
        "adj_n",
        "adj_t",
        "conns",
        "cont_n",
        "counter",
        "cur_sum",
        "dmax",
        "dmin",
        "done_n",
        "interval_start",
        "n",
        "open",
        "opened",
        "range_n",
        "range_t",
        "starts",
        "t_clip",
        "time_range",
    )

    def __init__(
        self,
        opened: int,
        *,
        ordered: bool = False,
        time_range: Any = None,
        counts: bool = False,
        distinct: bool = False,
    ) -> None:
        self.opened = opened
        self.interval_start = opened
        self.time_range = time_range
        #: open items: key -> start
        self.open: dict[Hashable, int] = {}
        self.cur_sum = 0
        self.starts: SortedList | None = SortedList() if ordered else None
        #: the number of open items over time (MaxNumber, AverageOfCurrent*...)
        self.counter: CountTracker | None = CountTracker(opened) if counts else None
        #: conn id -> open items with it (CurrentDistinctNumber)
        self.conns: dict[str, int] | None = {} if distinct else None
        self._zero()

    def _zero(self) -> None:
        self.n = 0  # TotalNumber
        self.cont_n = 0  # TotalContinuousNumber
        self.adj_n = 0  # TotalAdjustedNumber
        self.t_clip = 0  # TotalTime (ms)
        self.adj_t = 0  # TotalAdjustedTime (ms)
        self.done_n = 0  # completed items (durable ended + retrospective)
        self.dmax: int | None = None
        self.dmin: int | None = None
        self.range_n = 0
        self.range_t = 0

    # -- updates -------------------------------------------------------------

    # The updates below run a few times per event for every statistic an
    # action reaches: plain ``if`` tests instead of calls to max() and to
    # helpers are a measurable share of the engine's time (#6).

    def seed(self, key: Hashable, start: int, t: int | None = None) -> None:
        """An item already open when the statistic opens (not counted as started)."""
        open_ = self.open
        if self.counter is not None:
            self.counter.step(t if t is not None else start, len(open_), self.cur_sum, +1)
        if not open_:
            self.cont_n += 1
        open_[key] = start
        self.cur_sum += start
        if self.starts is not None:
            self.starts.add(start)
        if self.conns is not None:
            conn = key[2] if isinstance(key, tuple) else ""  # (device, kind, conn id)
            self.conns[conn] = self.conns.get(conn, 0) + 1

    def start(self, key: Hashable, start: int) -> None:
        self.n += 1
        if self.counter is None and self.starts is None and self.conns is None:
            open_ = self.open
            if not open_:
                self.cont_n += 1
            open_[key] = start
            self.cur_sum += start
        else:
            self.seed(key, start, start)

    def end(self, key: Hashable, start: int, end: int) -> None:
        open_ = self.open
        if key not in open_:
            return
        if self.counter is not None:
            self.counter.step(end, len(open_), self.cur_sum, -1)
        del open_[key]
        self.cur_sum -= start
        if self.starts is not None:
            self.starts.remove(start)
        if self.conns is not None:
            conn = key[2] if isinstance(key, tuple) else ""
            left = self.conns[conn] - 1
            if left:
                self.conns[conn] = left
            else:
                del self.conns[conn]
        i = self.interval_start
        self.t_clip += end - (start if start > i else i)
        self.adj_n += 1
        opened = self.opened
        self._completed(start if start > opened else opened, end)

    def instant(self, action: Action) -> None:
        self.n += 1
        self.adj_n += 1
        if ACTION_CLASS[action.kind] is not _MOMENTARY:
            start, end = action.start, action.end
            opened = self.opened
            if start < opened:
                start = opened
            self.t_clip += end - start  # type: ignore[operator]
            self._completed(start, end)  # type: ignore[arg-type]

    def _completed(self, start: int, end: int) -> None:
        _completed(self, start, end)
        if self.time_range is not None and _in_range(self.time_range, start, end):
            self.range_n += 1
            self.range_t += end - start

    def reset(self, at: int) -> None:
        """A Growing interval ends at ``at``: history restarts, open items stay."""
        self.interval_start = at
        self._zero()
        self.cont_n = 1 if self.open else 0
        if self.counter is not None:
            self.counter.reset(at, len(self.open), self.cur_sum)

    # -- reads (ms) ------------------------------------------------------------

    def current_time(self, now: int) -> int:
        return len(self.open) * now - self.cur_sum

    def in_range_now(self, rng: Any, now: int) -> int:
        """Open items whose current age (ms truncated) falls in ``rng``."""
        return sum(1 for s in self.open.values() if _in_range(rng, s, now))

    def current_max(self, now: int) -> int:
        if not self.open:
            return 0
        assert self.starts is not None
        return now - int(self.starts[0])

    def current_min(self, now: int) -> int:
        if not self.open:
            return 0
        assert self.starts is not None
        return now - int(self.starts[-1])


class StatusAggregate:
    """Running totals of the status segments of a scope's members.

    A *segment* is a member's stay in one status of the mask; tracking of a
    member starts when the statistic opens or the member joins the scope.
    """

    __slots__ = (
        "adj_n",
        "adj_t",
        "closed",
        "cont_n",
        "cont_since",
        "counter",
        "cur_sum",
        "dmax",
        "dmin",
        "eff_sum",
        "filter",
        "interval_start",
        "mask",
        "n",
        "open",
        "opened",
        "range_n",
        "range_t",
        "seg_starts",
        "sinces",
        "time_range",
        "tracked",
    )

    def __init__(
        self,
        mask: Any,
        opened: int,
        *,
        ordered: bool = False,
        time_range: Any = None,
        filter: Any = None,
        counts: bool = False,
    ) -> None:
        self.mask = mask
        #: a Filter: the member counts only while it holds for the status's action
        self.filter = filter
        self.counter: CountTracker | None = CountTracker(opened) if counts else None
        #: TotalContinuousNumber: entries into the mask from outside, in I
        self.cont_n = 0
        #: member -> when it last entered the mask from outside
        self.cont_since: dict[Hashable, int] = {}
        self.opened = opened
        self.interval_start = opened
        self.time_range = time_range
        #: members followed now (the statistic's object, or a group's members)
        self.tracked: set[Hashable] = set()
        #: members in a mask status: member -> (segment start, status since)
        self.open: dict[Hashable, tuple[int, int]] = {}
        self.eff_sum = 0  # sum of max(segment start, interval start) over open
        self.cur_sum = 0  # sum of status since over open
        self.seg_starts: SortedList | None = SortedList() if ordered else None
        self.sinces: SortedList | None = SortedList() if ordered else None
        self.closed = 0
        self._zero()

    def _zero(self) -> None:
        self.n = 0
        self.cont_n = 0
        self.closed = 0
        self.adj_n = 0
        self.adj_t = 0
        self.dmax: int | None = None
        self.dmin: int | None = None
        self.range_n = 0
        self.range_t = 0

    # -- updates -------------------------------------------------------------

    def _holds(self, status: Any, action: Any) -> bool:
        if status not in self.mask:
            return False
        f = self.filter
        return f is None or (action is not None and f.matches(action))

    def track(self, member: Hashable, status: Any, since: int, t: int, action: Any = None) -> None:
        """Start following ``member`` at ``t`` (open time or group join)."""
        self.tracked.add(member)
        if self._holds(status, action):
            self.cont_n += 1
            self.cont_since[member] = max(since, t)
            self._open(member, max(since, t), since)

    def untrack(self, member: Hashable, t: int) -> None:
        """Stop following ``member`` at ``t`` (it left the group)."""
        self.tracked.discard(member)
        self._close(member, t)
        self.cont_since.pop(member, None)

    def change(self, member: Hashable, old: Any, new: Any, t: int, action: Any = None) -> bool:
        """A tracked member's status went from ``old`` to ``new`` at ``t``
        (``old is new``: only the defining action changed, e.g. its reasons).

        Returns whether the aggregate changed (False when neither status is
        in the mask: most changes, and the cheap path).
        """
        mask = self.mask
        if old not in mask and new not in mask:
            return False
        old_in = member in self.open
        new_in = self._holds(new, action)
        if not (old_in or new_in):
            return False
        if old_in and new_in and old is new:
            return False  # the same status goes on, still matching
        if old_in:
            self._close(member, t)
        if new_in:
            if not old_in:
                self.cont_n += 1
                self.cont_since[member] = t
            self._open(member, t, t)
        else:
            started = self.cont_since.pop(member, None)
            if started is not None and t == self.interval_start and started < t:
                self.cont_n -= 1  # the period ended exactly at S
        return True

    def _open(self, member: Hashable, seg_start: int, since: int) -> None:
        if self.counter is not None:
            self.counter.step(max(seg_start, self.interval_start), len(self.open), self.cur_sum, +1)
        self.open[member] = (seg_start, since)
        self.n += 1
        self.eff_sum += max(seg_start, self.interval_start)
        self.cur_sum += since
        if self.seg_starts is not None and self.sinces is not None:
            self.seg_starts.add(max(seg_start, self.interval_start))
            self.sinces.add(since)

    def _close(self, member: Hashable, t: int) -> None:
        entry = self.open.get(member)
        if entry is None:
            return
        if self.counter is not None:
            self.counter.step(t, len(self.open), self.cur_sum, -1)
        del self.open[member]
        seg_start, since = entry
        if t == self.interval_start and seg_start < t:
            # it ended exactly at S: it was not in progress at S after all
            self.n -= 1
        eff = max(seg_start, self.interval_start)
        self.eff_sum -= eff
        self.cur_sum -= since
        if self.seg_starts is not None and self.sinces is not None:
            self.seg_starts.remove(eff)
            self.sinces.remove(since)
        part = t - eff
        self.closed += part
        if self.dmax is None or part > self.dmax:
            self.dmax = part
        if self.dmin is None or part < self.dmin:
            self.dmin = part
        self.adj_n += 1
        self.adj_t += t - seg_start
        if self.time_range is not None and _in_range(self.time_range, seg_start, t):
            self.range_n += 1
            self.range_t += t - seg_start

    def reset(self, at: int) -> None:
        """A Growing interval ends at ``at``; segments in progress carry over
        and count once in the new interval (the projection rule)."""
        self.interval_start = at
        self._zero()
        self.n = len(self.open)
        self.cont_n = len(self.cont_since)
        self.eff_sum = len(self.open) * at
        if self.counter is not None:
            self.counter.reset(at, len(self.open), self.cur_sum)
        if self.seg_starts is not None:
            self.seg_starts = SortedList([at] * len(self.open))

    # -- reads (ms) ------------------------------------------------------------

    def total_time(self, now: int) -> int:
        return self.closed + len(self.open) * now - self.eff_sum

    def max_time(self, now: int) -> int:
        best = self.dmax or 0
        if self.open:
            assert self.seg_starts is not None
            best = max(best, now - int(self.seg_starts[0]))
        return best

    def current_time(self, now: int) -> int:
        return len(self.open) * now - self.cur_sum

    def in_range_now(self, rng: Any, now: int) -> int:
        return sum(1 for _, since in self.open.values() if _in_range(rng, since, now))

    def continuous_time(self, now: int) -> int:
        """CurrentContinuousTime of a single-member scope (Agent / Place)."""
        return max((now - s for s in self.cont_since.values()), default=0)

    def current_max(self, now: int) -> int:
        if not self.open:
            return 0
        assert self.sinces is not None
        return now - int(self.sinces[0])

    def current_min(self, now: int) -> int:
        if not self.open:
            return 0
        assert self.sinces is not None
        return now - int(self.sinces[-1])


class StatusSums:
    """The running sums of one status in :class:`StatusCounters` (the
    fields of :class:`StatusAggregate` that add up over statuses)."""

    __slots__ = ("adj_n", "adj_t", "closed", "count", "cur_sum", "eff_sum", "n")

    def __init__(self) -> None:
        self.n = 0  # segments in the interval (those in progress at its start included)
        self.closed = 0  # time of the segments closed in it, clipped to it
        self.adj_n = 0
        self.adj_t = 0  # whole durations of the segments closed in it
        self.count = 0  # members in this status now
        self.eff_sum = 0  # sum of max(segment start, interval start) over them
        self.cur_sum = 0  # sum of their status-since times


class StatusCounters:
    """Per-status running sums over the members of one scope.

    Most status statistics (TotalTime, TotalNumber, CurrentNumber,
    CurrentTime and the ratios of those) read a sum over the statuses of
    their mask, because a segment is a stay in *one* status. Keeping the sums
    per status lets every such statistic of a scope share one instance, so a
    status change costs one update however many stat types are open on the
    scope: the cost of an event stops growing with the stat type library.

    Sharing is exact only between statistics that saw the same history: the
    pool shares an instance among statistics of one object, subject, reset
    schedule and open time.
    """

    __slots__ = ("interval_start", "members", "opened", "sums")

    def __init__(self, opened: int) -> None:
        self.opened = opened
        self.interval_start = opened
        #: tracked member -> (its status's sums, status, segment start, since)
        self.members: dict[Hashable, tuple[StatusSums, Any, int, int]] = {}
        self.sums: dict[Any, StatusSums] = {}

    def _open(self, member: Hashable, status: Any, seg_start: int, since: int) -> None:
        sums = self.sums.get(status)
        if sums is None:
            sums = self.sums[status] = StatusSums()
        sums.n += 1
        sums.count += 1
        sums.eff_sum += max(seg_start, self.interval_start)
        sums.cur_sum += since
        self.members[member] = (sums, status, seg_start, since)

    def _close(self, entry: tuple[StatusSums, Any, int, int], t: int) -> None:
        sums, _, seg_start, since = entry
        start = self.interval_start
        eff = seg_start if seg_start > start else start
        if t == start and seg_start < t:
            sums.n -= 1  # it ended exactly at S: not in progress at S after all
        sums.count -= 1
        sums.eff_sum -= eff
        sums.cur_sum -= since
        sums.closed += t - eff
        sums.adj_n += 1
        sums.adj_t += t - seg_start

    def track(self, member: Hashable, status: Any, since: int, t: int, action: Any = None) -> None:
        """Start following ``member`` at ``t`` (idempotent: statistics share it)."""
        if member not in self.members:
            self._open(member, status, max(since, t), since)

    def untrack(self, member: Hashable, t: int) -> None:
        entry = self.members.pop(member, None)
        if entry is not None:
            self._close(entry, t)

    def change(self, member: Hashable, old: Any, new: Any, t: int, action: Any = None) -> bool:
        entry = self.members.get(member)
        if entry is None or entry[1] is new:
            return False
        self._close(entry, t)
        # _open(member, new, t, t) inlined: this runs for every status change
        sums = self.sums.get(new)
        if sums is None:
            sums = self.sums[new] = StatusSums()
        sums.n += 1
        sums.count += 1
        sums.eff_sum += t if t > self.interval_start else self.interval_start
        sums.cur_sum += t
        self.members[member] = (sums, new, t, t)
        return True

    def reset(self, at: int) -> None:
        """A Growing interval ends at ``at``. Every statistic sharing the
        instance asks, one after the other with no event between (the pool
        resets the statistics due at one instant together): the calls after
        the first change nothing."""
        self.interval_start = at
        for sums in self.sums.values():
            sums.n = sums.count
            sums.closed = sums.adj_n = sums.adj_t = 0
            sums.eff_sum = sums.count * at


class _SumsView:
    """A statistic's reading of shared sums: the sums over the statuses or
    kinds its mask selects (``selected``, in a fixed order)."""

    __slots__ = ("counters", "mask", "selected")

    #: what the pool and the categories look for on an aggregate
    counter = None
    filter = None
    time_range = None

    counters: Any
    selected: tuple[Any, ...]

    def _parts(self) -> list[Any]:
        sums = self.counters.sums
        return [p for k in self.selected if (p := sums.get(k)) is not None]

    @property
    def opened(self) -> int:
        return int(self.counters.opened)

    @property
    def interval_start(self) -> int:
        return int(self.counters.interval_start)

    @property
    def n(self) -> int:
        return sum(p.n for p in self._parts())

    @property
    def adj_n(self) -> int:
        return sum(p.adj_n for p in self._parts())

    @property
    def adj_t(self) -> int:
        return sum(p.adj_t for p in self._parts())

    def number(self) -> int:
        """Members in a mask status, or items open, now (CurrentNumber)."""
        return sum(p.count for p in self._parts())

    def current_time(self, now: int) -> int:
        return sum(p.count * now - p.cur_sum for p in self._parts())

    def reset(self, at: int) -> None:
        self.counters.reset(at)


class MaskView(_SumsView):
    """A status statistic's reading of :class:`StatusCounters`, with the
    read interface of :class:`StatusAggregate`."""

    __slots__ = ()

    def __init__(self, counters: StatusCounters, mask: Any) -> None:
        self.counters = counters
        self.mask = mask
        self.selected = tuple(sorted(mask.statuses, key=lambda s: s.value))

    def total_time(self, now: int) -> int:
        return sum(p.closed + p.count * now - p.eff_sum for p in self._parts())


class KindSums:
    """The running sums of one action kind in :class:`ActionSums` (the
    fields of :class:`ActionAggregate` that add up over kinds)."""

    __slots__ = ("adj_n", "adj_t", "count", "cur_sum", "dmax", "dmin", "done_n", "n", "t_clip")

    def __init__(self) -> None:
        self.n = 0
        self.adj_n = 0
        self.t_clip = 0
        self.adj_t = 0
        self.done_n = 0
        self.dmax: int | None = None
        self.dmin: int | None = None
        self.count = 0  # items open now
        self.cur_sum = 0  # sum of their starts


class ActionSums:
    """Per-kind running sums of the actions routed to one object: the action
    side of :class:`StatusCounters`, shared by the statistics of one object,
    time profile, media, filter and open time whose categories add up over
    the kinds of their masks (counts, times, averages, extremes, current
    numbers). An action then costs one update per object and profile, not one
    per stat type that counts its kind.
    """

    __slots__ = ("interval_start", "open", "opened", "sums")

    def __init__(self, opened: int) -> None:
        self.opened = opened
        self.interval_start = opened
        #: open item (device, kind, conn id) -> (its kind's sums, start)
        self.open: dict[Hashable, tuple[KindSums, int]] = {}
        self.sums: dict[Any, KindSums] = {}

    def _kind(self, kind: Any) -> KindSums:
        sums = self.sums.get(kind)
        if sums is None:
            sums = self.sums[kind] = KindSums()
        return sums

    def seed(self, key: Any, start: int, t: int | None = None) -> None:
        """An item already open when the statistics open (not counted as started)."""
        sums = self._kind(key[1])
        sums.count += 1
        sums.cur_sum += start
        self.open[key] = (sums, start)

    def start(self, key: Any, start: int) -> None:
        sums = self.sums.get(key[1])
        if sums is None:
            sums = self.sums[key[1]] = KindSums()
        sums.n += 1
        sums.count += 1
        sums.cur_sum += start
        self.open[key] = (sums, start)

    def end(self, key: Hashable, start: int, end: int) -> None:
        entry = self.open.pop(key, None)
        if entry is None:
            return
        sums = entry[0]
        sums.count -= 1
        sums.cur_sum -= start
        i = self.interval_start
        sums.t_clip += end - (start if start > i else i)
        sums.adj_n += 1
        opened = self.opened
        _completed(sums, start if start > opened else opened, end)

    def instant(self, action: Action) -> None:
        sums = self.sums.get(action.kind)
        if sums is None:
            sums = self.sums[action.kind] = KindSums()
        sums.n += 1
        sums.adj_n += 1
        if ACTION_CLASS[action.kind] is not _MOMENTARY:
            start, end = action.start, action.end
            opened = self.opened
            if start < opened:
                start = opened
            sums.t_clip += end - start  # type: ignore[operator]
            _completed(sums, start, end)  # type: ignore[arg-type]

    def reset(self, at: int) -> None:
        """A Growing interval ends at ``at``: history restarts, open items
        stay (asked by every statistic sharing it, as StatusCounters.reset)."""
        self.interval_start = at
        for sums in self.sums.values():
            sums.n = sums.adj_n = sums.t_clip = sums.adj_t = sums.done_n = 0
            sums.dmax = sums.dmin = None


def _completed(sums: KindSums | ActionAggregate, start: int, end: int) -> None:
    """A completed item's duration in the sums (ActionAggregate and KindSums alike)."""
    d = end - start
    sums.adj_t += d
    sums.done_n += 1
    dmax = sums.dmax
    if dmax is None:
        sums.dmax = sums.dmin = d
    elif d > dmax:
        sums.dmax = d
    elif d < sums.dmin:  # type: ignore[operator]
        sums.dmin = d


class ActionView(_SumsView):
    """An action statistic's reading of :class:`ActionSums`, with the read
    interface of :class:`ActionAggregate`."""

    __slots__ = ()

    starts = None
    conns = None

    def __init__(self, counters: ActionSums, mask: Any) -> None:
        self.counters = counters
        self.mask = mask
        self.selected = tuple(sorted(mask.actions, key=lambda k: k.value))

    @property
    def t_clip(self) -> int:
        return sum(p.t_clip for p in self._parts())

    @property
    def done_n(self) -> int:
        return sum(p.done_n for p in self._parts())

    @property
    def dmax(self) -> int | None:
        return max((p.dmax for p in self._parts() if p.dmax is not None), default=None)

    @property
    def dmin(self) -> int | None:
        return min((p.dmin for p in self._parts() if p.dmin is not None), default=None)
