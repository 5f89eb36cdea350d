"""Incremental aggregates: the running sums every category is read from.

``docs/semantics.md`` §2 defines each category from the raw log; the classes
here keep just enough running state to give the same value in O(1) per
update (or O(log n) where an order is needed), whatever the number of items:

* :class:`ActionAggregate` follows the actions of one mask in one scope
  (Subject DNAction);
* :class:`StatusAggregate` follows the status segments of the members of one
  scope (status subjects).

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

__all__ = ["ActionAggregate", "StatusAggregate"]

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

    def __init__(self, opened: int, *, ordered: bool = False, time_range: Any = None) -> None:
        self.opened = opened
        self.interval_start = opened
        self.time_range = time_range
        #: open items: key -> start
        self.open: dict[Hashable, int] = {}
        self.cur_sum = 0
        self.starts: SortedList | None = SortedList() if ordered else None
        self._zero()

    def _zero(self) -> None:
        self.n = 0  # TotalNumber
        self.adj_n = 0  # TotalAdjustedNumber
        self.t_clip = 0  # TotalTime (ms)
        self.adj_t = 0  # TotalAdjustedTime (ms)
        self.done_n = 0  # completed items (durable ended + retrospective)
        self.dmax: int | None = None
        self.dmin: int | None = None
        self.range_n = 0
        self.range_t = 0

    # -- updates -------------------------------------------------------------

    def seed(self, key: Hashable, start: int) -> None:
        """An item already open when the statistic opens (not counted as started)."""
        self.open[key] = start
        self.cur_sum += start
        if self.starts is not None:
            self.starts.add(start)

    def start(self, key: Hashable, start: int) -> None:
        self.n += 1
        self.seed(key, start)

    def end(self, key: Hashable, start: int, end: int) -> None:
        if self.open.pop(key, None) is None:
            return
        self.cur_sum -= start
        if self.starts is not None:
            self.starts.remove(start)
        self.t_clip += end - max(start, self.interval_start)
        self.adj_n += 1
        self._completed(max(start, self.opened), end)

    def instant(self, action: Action) -> None:
        self.n += 1
        self.adj_n += 1
        if ACTION_CLASS[action.kind] is not _MOMENTARY:
            start = max(action.start, self.opened)
            self.t_clip += action.end - start  # type: ignore[operator]
            self._completed(start, action.end)  # type: ignore[arg-type]

    def _completed(self, start: int, end: int) -> None:
        d = end - start
        self.adj_t += d
        self.done_n += 1
        if self.dmax is None or d > self.dmax:
            self.dmax = d
        if self.dmin is None or d < self.dmin:
            self.dmin = d
        if self.time_range is not None and _in_range(self.time_range, start, end):
            self.range_n += 1
            self.range_t += d

    def reset(self, at: int) -> None:
        """A Growing interval ends at ``at``: history restarts, open items stay."""
        self.interval_start = at
        self._zero()

    # -- reads (ms) ------------------------------------------------------------

    def current_time(self, now: int) -> int:
        return len(self.open) * now - self.cur_sum

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
        "cur_sum",
        "dmax",
        "dmin",
        "eff_sum",
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
        self, mask: Any, opened: int, *, ordered: bool = False, time_range: Any = None
    ) -> None:
        self.mask = mask
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
        self.closed = 0
        self.adj_n = 0
        self.adj_t = 0
        self.dmax: int | None = None
        self.dmin: int | None = None
        self.range_n = 0
        self.range_t = 0

    # -- updates -------------------------------------------------------------

    def track(self, member: Hashable, status: Any, since: int, t: int) -> None:
        """Start following ``member`` at ``t`` (open time or group join)."""
        self.tracked.add(member)
        if status in self.mask:
            self._open(member, max(since, t), since)

    def untrack(self, member: Hashable, t: int) -> None:
        """Stop following ``member`` at ``t`` (it left the group)."""
        self.tracked.discard(member)
        self._close(member, t)

    def change(self, member: Hashable, old: Any, new: Any, t: int) -> bool:
        """A tracked member's status went from ``old`` to ``new`` at ``t``.

        Returns whether the aggregate changed (False when neither status is
        in the mask: most changes, and the cheap path).
        """
        mask = self.mask
        old_in = old in mask
        new_in = new in mask
        if not (old_in or new_in):
            return False
        if old_in:
            self._close(member, t)
        if new_in:
            self._open(member, t, t)
        return True

    def _open(self, member: Hashable, seg_start: int, since: int) -> None:
        self.open[member] = (seg_start, since)
        self.n += 1
        self.eff_sum += max(seg_start, self.interval_start)
        self.cur_sum += since
        if self.seg_starts is not None and self.sinces is not None:
            self.seg_starts.add(max(seg_start, self.interval_start))
            self.sinces.add(since)

    def _close(self, member: Hashable, t: int) -> None:
        entry = self.open.pop(member, None)
        if entry is None:
            return
        seg_start, since = entry
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
        self.eff_sum = len(self.open) * at
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
