"""Sliding and Selection profiles (docs/semantics.md §3.1).

A window aggregate is an ordinary aggregate (its current part is live and
exact) that also keeps a log of what it saw, so that the historical part can
be computed for any window on read: :meth:`view` returns a plain aggregate
whose historical fields cover the window ``[S, now]`` (Sliding: ``S = q - W``
with ``q`` the start of the current step) or the last ``N`` completed items
(Selection). The log is trimmed as the window moves, so memory stays
proportional to what the window holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from typing import Any

from sortedcontainers import SortedList

from statengine.core.actions import ACTION_CLASS, Action, ActionClass
from statengine.core.aggregates import ActionAggregate, StatusAggregate

__all__ = ["WindowActionAggregate", "WindowStatusAggregate", "window_start"]

_MOMENTARY = ActionClass.MOMENTARY


def window_start(now: int, opened: int, window: int, step: int) -> int:
    """The old edge of a sliding window at ``now`` (ms)."""
    q = now - now % step
    return max(opened, q - window)


class WindowActionAggregate(ActionAggregate):
    """An action aggregate over a Sliding window or a Selection of N items."""

    __slots__ = ("log", "selection", "step", "window")

    def __init__(
        self,
        opened: int,
        *,
        window: int = 0,
        step: int = 0,
        selection: int = 0,
        ordered: bool = False,
        time_range: Any = None,
        distinct: bool = False,
    ) -> None:
        super().__init__(opened, ordered=ordered, time_range=time_range, distinct=distinct)
        self.window, self.step, self.selection = window, step, selection
        #: ("s", start) | ("e", start, end) | ("i", start, end, momentary), time ordered
        self.log: deque[tuple[Any, ...]] = deque(maxlen=selection or None)

    def start(self, key: Hashable, start: int) -> None:
        super().start(key, start)
        if not self.selection:
            self.log.append(("s", start))

    def end(self, key: Hashable, start: int, end: int) -> None:
        if key in self.open:
            super().end(key, start, end)
            self.log.append(("e", start, end))

    def instant(self, action: Action) -> None:
        super().instant(action)
        momentary = ACTION_CLASS[action.kind] is _MOMENTARY
        if not (self.selection and momentary):
            self.log.append(("i", action.start, action.end, momentary))

    def reset(self, at: int) -> None:
        """Windows do not reset (their old edge moves instead)."""

    def view(self, now: int) -> ActionAggregate:
        v = ActionAggregate(self.opened, time_range=self.time_range)
        v.open, v.cur_sum, v.starts = self.open, self.cur_sum, self.starts
        opened = self.opened
        if self.selection:
            for entry in self.log:
                start, end = max(entry[1], opened), entry[2]
                v.n += 1
                v.adj_n += 1
                v.t_clip += end - start
                v._completed(start, end)
            return v
        s = window_start(now, opened, self.window, self.step)
        v.interval_start = s
        log = self.log
        while log and (log[0][1] if log[0][0] == "s" else log[0][2]) < s:
            log.popleft()
        for entry in log:
            if entry[0] == "s":
                v.n += 1
            elif entry[0] == "e":
                _, start, end = entry
                v.t_clip += end - max(start, s)
                v.adj_n += 1
                v._completed(max(start, opened), end)
            else:
                _, start, end, momentary = entry
                v.n += 1
                v.adj_n += 1
                if not momentary:
                    v.t_clip += end - max(start, opened)
                    v._completed(max(start, opened), end)
        return v


class WindowStatusAggregate(StatusAggregate):
    """A status aggregate over a Sliding window or a Selection of N segments."""

    __slots__ = ("closed_log", "entries", "selection", "step", "window")

    def __init__(
        self,
        mask: Any,
        opened: int,
        *,
        window: int = 0,
        step: int = 0,
        selection: int = 0,
        ordered: bool = False,
        time_range: Any = None,
        filter: Any = None,
    ) -> None:
        super().__init__(mask, opened, ordered=True, time_range=time_range, filter=filter)
        self.window, self.step, self.selection = window, step, selection
        #: closed segments (segment start, end), in end order
        self.closed_log: deque[tuple[int, int]] = deque(maxlen=selection or None)
        #: segment starts (entries into the mask), in time order
        self.entries: deque[int] = deque()

    def _open(self, member: Hashable, seg_start: int, since: int) -> None:
        super()._open(member, seg_start, since)
        if not self.selection:
            self.entries.append(seg_start)

    def _close(self, member: Hashable, t: int) -> None:
        entry = self.open.get(member)
        super()._close(member, t)
        if entry is not None:
            self.closed_log.append((entry[0], t))

    def reset(self, at: int) -> None:
        """Windows do not reset (their old edge moves instead)."""

    def view(self, now: int) -> StatusAggregate:
        v = StatusAggregate(self.mask, self.opened, ordered=True, time_range=self.time_range)
        if self.selection:
            for seg_start, end in self.closed_log:
                v.n += 1
                self._account(v, seg_start, end, seg_start)
            return v
        s = window_start(now, self.opened, self.window, self.step)
        v.interval_start = s
        closed = self.closed_log
        while closed and closed[0][1] < s:
            closed.popleft()
        entries = self.entries
        while entries and entries[0] < s:
            entries.popleft()
        v.n = len(entries)
        for seg_start, end in closed:
            if seg_start < s:
                v.n += 1  # in progress at S
            self._account(v, seg_start, end, max(seg_start, s))
        v.open = self.open
        v.cur_sum = self.cur_sum
        starts = [max(seg, s) for seg, _ in self.open.values()]
        v.n += sum(1 for seg, _ in self.open.values() if seg < s)
        v.eff_sum = sum(starts)
        v.seg_starts = SortedList(starts)
        return v

    @staticmethod
    def _account(v: StatusAggregate, seg_start: int, end: int, eff: int) -> None:
        part = end - eff
        v.closed += part
        if v.dmax is None or part > v.dmax:
            v.dmax = part
        if v.dmin is None or part < v.dmin:
            v.dmin = part
        v.adj_n += 1
        v.adj_t += end - seg_start
        rng = v.time_range
        if rng is not None:
            d = end // 1000 - seg_start // 1000
            if d >= rng.lower and (rng.upper is None or d < rng.upper):
                v.range_n += 1
                v.range_t += end - seg_start
