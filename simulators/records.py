"""Ground truth: one plain record per simulated call.

The voice simulator writes a :class:`CallRecord` for every call from its own
bookkeeping, **not** from the event stream it emits, so that a report can set
what the engine computed from the events against what really happened
(``ground_truth``). The record type is part of the public API: fields are only
ever added (with defaults), never renamed or re-typed, and
:data:`RECORD_VERSION` is bumped when that happens.

Times are POSIX **milliseconds** (``*_ms`` instants) and durations integer
milliseconds (``*_ms`` durations), like everywhere in statengine.

Definitions (rely on these):

* ``arrival_ms``: the call enters the center: its RouteRequest on the routing
  point, or its first Queued on an ACD queue (inbound); the agent starts
  dialing (outbound, internal).
* ``wait_ms``: from arrival to the first answer by an agent; for a call never
  answered, from arrival until it was abandoned or cleared. It includes time at
  the routing point, in queues and ringing (the caller's experience). Genesys
  queue statistics (ServiceFactor1, ASA of ``CallAnswered`` on the queue)
  measure from entering *that* queue instead: use ``queued_ms`` for those.
* ``queue_ms``: total time on ACD queue waiting lists (every stay, also after
  a ring-no-answer or a transfer to a queue); zero when an agent was free at
  once. This is the wait of queueing theory (Erlang C/A ``W``, Little's law).
* ``ring_ms``: total ringing time at agents, every attempt (outbound: the
  dialing time).
* ``talk_ms``: the customer connected to an agent and not on hold, conference
  time included; ``hold_ms``: on hold, consultations included;
  ``acw_ms``: after-call work of every agent after their part of this call.
  ``handle_ms = talk_ms + hold_ms + acw_ms``.
* Service level within ``t`` seconds, queueing-theory style:
  ``answered_ms is not None and queue_ms <= t*1000`` over answered (Erlang C)
  or over all arrivals (Erlang A, abandoners are misses).
* ``queue_stays``: every stay in an ACD queue, in order (:class:`QueueStay`).
  A stay begins with each ``Queued``: the arrival, the re-queue after a
  ring-no-answer, a single-step transfer to a queue. It ends with the fate of
  the call in that queue: answered by the agent it was distributed to,
  abandoned (waiting or ringing), returned by a ring-no-answer, cleared after
  ``max_wait``, or unfinished at the horizon. An answered stay also carries
  the handling of *that* agent: its talk and hold until it released or
  transferred the call, and the after-call work that followed. This is what
  Genesys queue statistics measure (``CallEntered``, ``CallAnswered``,
  ``CallReleased``, ``ACWCompleted`` on the queue that distributed the call),
  and what ``statengine.report.ground_truth`` reads.
"""

from __future__ import annotations

import enum
from typing import Any, Final, NamedTuple

__all__ = ["RECORD_VERSION", "CallKind", "CallRecord", "Outcome", "QueueStay", "StayOutcome"]

#: Version of the :class:`CallRecord` layout; bumped whenever a field is added.
#: 2: ``consultations``, ``consultations_answered``, ``queue_stays``.
RECORD_VERSION: Final = 2


class CallKind(enum.StrEnum):
    """Which kind of call a record describes."""

    #: a customer call arriving on a routing point or an ACD queue
    INBOUND = "inbound"
    #: an agent dialing an outside number
    OUTBOUND = "outbound"
    #: an agent calling another agent
    INTERNAL = "internal"


class Outcome(enum.StrEnum):
    """How a call ended (its final fate)."""

    #: talked to an agent and was released normally
    ANSWERED = "answered"
    #: the caller hung up while waiting (routing point or queue), never answered
    ABANDONED_QUEUED = "abandoned_queued"
    #: the caller hung up while an agent's phone was ringing, never answered
    ABANDONED_RINGING = "abandoned_ringing"
    #: removed by the system after waiting ``max_wait`` in queue
    CLEARED = "cleared"
    #: outbound: the called party did not answer
    NO_ANSWER = "no_answer"
    #: still in progress at the horizon
    UNFINISHED = "unfinished"


class StayOutcome(enum.StrEnum):
    """How one stay in an ACD queue ended (:class:`QueueStay`)."""

    #: answered by the agent the queue distributed it to
    ANSWERED = "answered"
    #: the caller hung up while waiting in the queue
    ABANDONED_QUEUED = "abandoned_queued"
    #: the caller hung up while the agent's phone rang
    ABANDONED_RINGING = "abandoned_ringing"
    #: the agent did not answer (RONA); the call went back to the queue,
    #: which is a new stay
    RING_NO_ANSWER = "ring_no_answer"
    #: removed by the system after waiting ``max_wait``
    CLEARED = "cleared"
    #: waiting or ringing at the horizon
    UNFINISHED = "unfinished"


class QueueStay(NamedTuple):
    """One stay of a call in an ACD queue, and what the queue is credited with.

    The queue is credited with the handling of the agent it distributed the
    call to, and of no one else: a colleague who takes the call over in an
    attended transfer or joins a conference was not distributed the call by
    the queue. Times are POSIX ms, durations ms.
    """

    #: the ACD queue's number
    queue: str
    #: ``Queued`` on the queue
    entered_ms: int
    outcome: StayOutcome
    #: when the stay reached its outcome: the answer, the abandon, the
    #: ring-no-answer, the clear (None: unfinished)
    outcome_ms: int | None = None
    #: when the call left the waiting list towards an agent (the offer,
    #: ``Diverted``; equal to ``entered_ms`` when an agent was idle at once;
    #: None: never offered)
    distributed_ms: int | None = None
    #: employee id of the agent it was offered to ('' if none)
    agent: str = ""
    #: when that agent's part of the call ended: released, or transferred
    #: away (None: not answered, or still talking at the horizon)
    released_ms: int | None = None
    #: that agent's part: connected and not on hold (conference included) /
    #: on hold (its consultations included); up to the horizon if unfinished
    talk_ms: int = 0
    hold_ms: int = 0
    #: the after-call work that agent did after its part, once completed
    #: (0: none, or still running at the horizon); it starts at
    #: ``released_ms``
    acw_ms: int = 0

    @property
    def waited_ms(self) -> int | None:
        """Time on the waiting list during this stay (None: still waiting at
        the horizon)."""
        end = self.distributed_ms if self.distributed_ms is not None else self.outcome_ms
        return None if end is None else end - self.entered_ms

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the outcome as a string."""
        data = self._asdict()
        data["outcome"] = str(self.outcome)
        return data


class CallRecord(NamedTuple):
    """What really happened to one call (see the module docstring for the
    exact definitions).

    A named tuple rather than an attrs class: the simulator makes one per
    call, and a tuple is built several times faster than a frozen attrs
    instance of 27 fields, while being just as immutable and plain. Use the
    field names, never positions: new fields are added at the end.
    """

    #: the ConnID the call had when it arrived
    call_id: str
    kind: CallKind
    outcome: Outcome
    #: the DN the call entered on: routing point or queue (inbound), the
    #: agent's extension (outbound, internal)
    entry_dn: str
    #: the first ACD queue the call entered ('' if none)
    queue: str
    #: arrival instant (POSIX ms)
    arrival_ms: int
    #: when the call first entered an ACD queue (None: never did)
    queued_ms: int | None = None
    #: first answer by an agent (None: never answered)
    answered_ms: int | None = None
    #: employee id of the agent who answered first (the caller for
    #: outbound/internal calls); '' if none
    answered_by: str = ""
    #: when the caller hung up before being answered (None otherwise)
    abandoned_ms: int | None = None
    #: when the customer's call ended (None: unfinished at the horizon)
    ended_ms: int | None = None
    #: arrival to first answer, or to abandon / clear if never answered
    #: (None: unfinished before either)
    wait_ms: int | None = None
    #: time on ACD queue waiting lists, every stay
    queue_ms: int = 0
    #: ringing at agents, every attempt
    ring_ms: int = 0
    #: connected to an agent and not on hold (conferences included)
    talk_ms: int = 0
    #: on hold (consultations included)
    hold_ms: int = 0
    #: after-call work of the agents after their part of this call
    acw_ms: int = 0
    #: times put on hold (consultations not counted)
    holds: int = 0
    #: plain consultations (the customer retrieved afterwards)
    consults: int = 0
    #: transfers: attended (after a consultation) and single-step to a queue
    transfers: int = 0
    #: conferences (after a consultation)
    conferences: int = 0
    #: offers not answered by the agent (ring-no-answer, RONA)
    ronas: int = 0
    #: employee ids of the agents who talked with the customer, in order
    agents: tuple[str, ...] = ()
    #: consultation calls placed, each putting the customer on hold: plain
    #: consultations and those before an attended transfer or a conference
    #: (counted when dialed)
    consultations: int = 0
    #: of those, the ones the colleague or outside number answered
    consultations_answered: int = 0
    #: every stay in an ACD queue, in order (see the module docstring)
    queue_stays: tuple[QueueStay, ...] = ()

    @property
    def handle_ms(self) -> int:
        """Talk + hold + after-call work."""
        return self.talk_ms + self.hold_ms + self.acw_ms

    @property
    def answered(self) -> bool:
        return self.answered_ms is not None

    @property
    def abandoned(self) -> bool:
        return self.outcome in (Outcome.ABANDONED_QUEUED, Outcome.ABANDONED_RINGING)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON / msgpack friendly): enums as strings, tuples as lists."""
        data = self._asdict()
        data["kind"] = str(self.kind)
        data["outcome"] = str(self.outcome)
        data["agents"] = list(self.agents)
        data["queue_stays"] = [stay.to_dict() for stay in self.queue_stays]
        return data
