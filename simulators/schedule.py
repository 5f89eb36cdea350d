"""Virtual time: a heap of timers ordered by (time in ms, sequence).

Why a sequence number: two timers due at the same millisecond run in the
order they were set, never in an order that depends on what the callbacks
are (``heapq`` would otherwise compare them) or on hash seeds. With a seeded
``random.Random`` this makes a simulation a pure function of (config, seed):
the same event stream, byte for byte (``shared/DESIGN.md``; simpy and trio
break ties the same way).

A timer is ``(time_ms, seq, callback, arg, token)``; the callback is called
as ``callback(arg, token)``. Timers are never removed: a callback that is no
longer wanted checks its ``token`` (or the state of ``arg``) and returns.
Bound methods and pre-built arguments keep setting a timer to one tuple.

The scheduler only moves time; :meth:`Scheduler.run` is the loop simulators
share: it pops due timers in order, runs them, and yields the events they
appended to the output list.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from statengine.errors import LocalProtocolError

__all__ = ["Callback", "Scheduler"]

#: ``callback(arg, token)``
Callback = Callable[[Any, int], None]
T = TypeVar("T")


class Scheduler(Generic[T]):
    """A virtual clock with a timer heap.

    Args:
        start_ms: the clock's start (POSIX ms).
        out: the list callbacks append produced items (events) to;
            :meth:`run` yields and clears it after each callback.
    """

    __slots__ = ("counter", "heap", "now", "out", "produced")

    def __init__(self, start_ms: int, out: list[T] | None = None) -> None:
        #: the current virtual time (ms): the due time of the running timer
        self.now = start_ms
        #: items produced by callbacks, drained by :meth:`run`
        self.out: list[T] = out if out is not None else []
        #: how many items :meth:`run` has yielded
        self.produced = 0
        #: the timers; a hot path may ``heapq.heappush(heap, (time, next(counter),
        #: callback, arg, token))`` itself, with ``time >= now``, instead of :meth:`at`
        self.heap: list[tuple[int, int, Callback, Any, int]] = []
        #: the sequence numbers that break ties
        self.counter = itertools.count()

    def __len__(self) -> int:
        """How many timers are pending (including ones that will do nothing)."""
        return len(self.heap)

    def at(self, time_ms: int, callback: Callback, arg: Any = None, token: int = 0) -> None:
        """Run ``callback(arg, token)`` at ``time_ms`` (after timers already set for then).

        Raises:
            LocalProtocolError: ``time_ms`` is before :attr:`now`: virtual time
                never goes back.
        """
        if time_ms < self.now:
            raise LocalProtocolError(
                f"timer set in the past: {time_ms} < now {self.now} (virtual time never goes back)"
            )
        heapq.heappush(self.heap, (time_ms, next(self.counter), callback, arg, token))

    def after(self, delay_ms: int, callback: Callback, arg: Any = None, token: int = 0) -> None:
        """Run ``callback(arg, token)`` ``delay_ms`` (>= 0) after :attr:`now`."""
        self.at(self.now + delay_ms, callback, arg, token)

    def next_time(self) -> int | None:
        """When the next timer is due, or None if there is none."""
        return self.heap[0][0] if self.heap else None

    def run(self, until_ms: int) -> Iterator[T]:
        """Run every timer due strictly before ``until_ms``, in (time, sequence)
        order, yielding what each one appended to :attr:`out`.

        The generator may be abandoned at any point; calling :meth:`run` again
        continues where it stopped. When it is exhausted :attr:`now` is
        ``until_ms`` (or later, if it already was).
        """
        heap = self.heap
        out = self.out
        pop = heapq.heappop
        if out:
            self.produced += len(out)
            yield from out
            out.clear()
        while heap and heap[0][0] < until_ms:
            time_ms, _, callback, arg, token = pop(heap)
            self.now = time_ms
            callback(arg, token)
            if out:
                self.produced += len(out)
                yield from out
                out.clear()
        if until_ms > self.now:
            self.now = until_ms
