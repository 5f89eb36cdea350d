"""Mutable runtime objects of the voice simulator: one per queue, agent,
call, consultation and arrival stream.

Plain ``__slots__`` classes, not attrs: they are created and mutated on the
simulator's hot path (one :class:`Call` per call, dozens of attribute writes
each) and never leave :mod:`simulators.voice`. States are small ints, the
tables below.
"""

from __future__ import annotations

import itertools
import random
from collections import OrderedDict, deque
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from simulators.records import CallKind, Outcome, QueueStay, StayOutcome
from simulators.workload import ArrivalSpec, CallHandling, Sampler

__all__ = ["Agent", "Break", "Call", "Consult", "Handling", "Queue", "Stay", "Stream"]

#: call states
ROUTING, QUEUED, RINGING, TALKING, DONE = range(5)
#: agent states; BLOCKED: ready, but interactions of a media that blocks
#: voice keep calls away (the contact-center simulator, simulators/multimedia.py)
OFF, IDLE, OFFERED, BUSY, ACW, NOT_READY, BLOCKED = range(7)
#: agent modes as last reported to the engine
M_NONE, M_READY, M_NOT_READY, M_ACW = range(4)
#: what happens during an answered call
F_NONE, F_HOLD, F_CONSULT, F_TRANSFER, F_CONFERENCE = range(5)


class Handling:
    """A queue's :class:`CallHandling` with samplers bound to the rng."""

    __slots__ = (
        "acw",
        "acw_p",
        "attended",
        "conference",
        "consult",
        "features",
        "hold",
        "max_wait",
        "patience",
        "ring",
        "rona_ms",
        "rona_nr",
        "rona_p",
        "t_conference",
        "t_consult",
        "t_hold",
        "t_transfer",
        "talk",
        "transfer_queues",
    )

    def __init__(self, h: CallHandling, rng: random.Random, cap: int) -> None:
        self.ring = h.ring.sampler(rng, cap)
        self.talk = h.talk.sampler(rng, cap)
        self.patience = h.patience.sampler(rng, 2**62) if h.patience is not None else None
        self.acw_p = h.acw_probability
        self.acw = h.acw.sampler(rng, cap)
        self.hold = h.hold.sampler(rng, cap)
        self.consult = h.consult.sampler(rng, cap)
        self.conference = h.conference.sampler(rng, cap)
        self.rona_p = h.rona_probability
        self.rona_ms = round(h.rona_timeout * 1000)
        self.rona_nr = h.rona_not_ready.sampler(rng, cap)
        self.max_wait = round(h.max_wait * 1000)
        self.attended = h.attended_transfer
        self.features = h.has_features
        self.t_hold = h.hold_probability
        self.t_consult = self.t_hold + h.consult_probability
        self.t_transfer = self.t_consult + h.transfer_probability
        self.t_conference = self.t_transfer + h.conference_probability
        self.transfer_queues: list[Queue] = []


class Queue:
    __slots__ = ("area", "entered", "h", "last", "n", "number", "peak", "pool", "waiting")

    def __init__(self, number: str, h: Handling, start: int) -> None:
        self.number = number
        self.h = h
        #: the waiting list; abandoned calls stay until they reach the head
        self.waiting: deque[Call] = deque()
        #: idle qualified agents, longest idle first
        self.pool: OrderedDict[Agent, None] = OrderedDict()
        self.n = 0
        self.peak = 0
        self.area = 0
        self.last = start
        self.entered = 0


class Agent:
    __slots__ = (
        "acw_at",
        "acw_call",
        "acw_stay",
        "dn",
        "emp",
        "gen",
        "login",
        "login_queue",
        "logout_pending",
        "mode",
        "pending",
        "queues",
        "shift_no",
        "shifts",
        "state",
        "token",
    )

    def __init__(self, emp: str, login: str, dn: str, login_queue: str) -> None:
        self.emp = emp
        self.login = login
        self.dn = dn
        self.login_queue = login_queue
        self.queues: list[Queue] = []
        self.shifts: list[tuple[int, int | None, list[tuple[int, Break]]]] = []
        self.state = OFF
        self.mode = M_NONE
        #: invalidates ACW / not-ready timers when the agent moves on
        self.token = 0
        #: login generation: invalidates per-login timers after a logout
        self.gen = 0
        self.shift_no = -1
        self.logout_pending = False
        #: a break or not-ready period to start when next free
        self.pending: Break | None = None
        self.acw_call: Call | None = None
        #: the queue stay credited with the ACW in progress (None: the ACW
        #: follows a call no queue distributed to this agent)
        self.acw_stay: Stay | None = None
        self.acw_at = 0


class Break:
    __slots__ = ("duration", "reasons")

    def __init__(self, reason: str, duration: Sampler) -> None:
        self.reasons: Mapping[str, str | int] = MappingProxyType({"ReasonCode": reason})
        self.duration = duration


class Call:
    __slots__ = (
        "abandoned",
        "acw_ms",
        "agent",
        "agents",
        "ani",
        "answered",
        "answered_by",
        "arrival",
        "clear_at",
        "clear_entry",
        "conferences",
        "conn",
        "consultations",
        "consultations_answered",
        "consults",
        "ended",
        "enq",
        "entry",
        "first_queue",
        "h",
        "hold_at",
        "hold_ms",
        "holds",
        "kind",
        "outcome",
        "peer",
        "pending_acw",
        "qentry",
        "qkey",
        "queue",
        "queue_ms",
        "queued_at",
        "rest",
        "ring_at",
        "ring_ms",
        "ring_no",
        "ronas",
        "seg",
        "state",
        "stay",
        "stays",
        "talk_ms",
        "transfers",
        "wait",
    )

    def __init__(self, conn: str, kind: CallKind, entry: str, now: int, ani: str) -> None:
        self.conn = conn
        self.kind = kind
        self.entry = entry
        self.ani = ani
        self.arrival = now
        self.state = ROUTING
        self.outcome = Outcome.UNFINISHED
        self.queue: Queue | None = None
        self.first_queue = ""
        self.queued_at: int | None = None
        self.answered: int | None = None
        self.answered_by = ""
        self.abandoned: int | None = None
        self.ended: int | None = None
        self.wait: int | None = None
        self.agent: Agent | None = None
        self.peer: Agent | None = None
        self.agents: list[str] = []
        self.h: Handling | None = None
        self.queue_ms = self.ring_ms = self.talk_ms = self.hold_ms = self.acw_ms = 0
        self.holds = self.consults = self.transfers = self.conferences = self.ronas = 0
        self.enq = self.seg = self.hold_at = self.ring_at = self.rest = 0
        self.qkey = 0
        self.qentry = 0
        self.clear_at = 0
        self.clear_entry = 0
        self.ring_no = 0
        self.pending_acw = 0
        self.consultations = self.consultations_answered = 0
        #: every stay in an ACD queue, and the current one: waiting or ringing,
        #: or answered with its agent still on the call (None otherwise)
        self.stays: list[Stay] = []
        self.stay: Stay | None = None


class Stay:
    """One stay of a call in an ACD queue while it is being simulated; frozen
    into a :class:`~simulators.records.QueueStay` when the call is recorded.

    The agent's talk and hold are kept as the call's totals at the answer
    (``talk0``, ``hold0``) and at the end of the agent's part: the call's
    segments are already summed on the hot path, a stay only subtracts.
    """

    __slots__ = (
        "acw",
        "agent",
        "distributed",
        "entered",
        "hold",
        "hold0",
        "outcome",
        "outcome_at",
        "queue",
        "released",
        "talk",
        "talk0",
    )

    def __init__(self, queue: str, entered: int) -> None:
        self.queue = queue
        self.entered = entered
        self.outcome = StayOutcome.UNFINISHED
        self.outcome_at: int | None = None
        self.distributed: int | None = None
        self.agent = ""
        self.released: int | None = None
        self.talk0 = self.hold0 = self.talk = self.hold = self.acw = 0

    def end_part(self, call: Call, now: int) -> None:
        """The agent the queue distributed the call to released it or handed
        it over (its talk and hold are summed on ``call`` up to ``now``)."""
        self.released = now
        self.talk = call.talk_ms - self.talk0
        self.hold = call.hold_ms - self.hold0

    def frozen(self, call: Call) -> QueueStay:
        """The record of this stay; an answered part still going on at the
        horizon counts the call's talk and hold up to it."""
        talk, hold = self.talk, self.hold
        if self.released is None and self.outcome is StayOutcome.ANSWERED:
            talk, hold = call.talk_ms - self.talk0, call.hold_ms - self.hold0
        return QueueStay(
            self.queue, self.entered, self.outcome, self.outcome_at, self.distributed,
            self.agent, self.released, talk, hold, self.acw,
        )  # fmt: skip


class Consult:
    __slots__ = ("a", "b", "call", "conn", "mode")

    def __init__(self, call: Call, a: Agent, b: Agent | None, conn: str, mode: int) -> None:
        self.call, self.a, self.b, self.conn, self.mode = call, a, b, conn, mode


class Stream:
    """An arrival stream's position in its inhomogeneous Poisson process."""

    __slots__ = (
        "cumulative",
        "delay",
        "gamma",
        "queues",
        "rate",
        "slot_end",
        "spec",
        "t",
        "total",
        "weights",
    )

    def __init__(self, spec: ArrivalSpec, queues: list[Queue], delay: Sampler, t: int) -> None:
        self.spec = spec
        self.queues = queues
        self.weights = [w for _, w in spec.route]
        self.cumulative = list(itertools.accumulate(self.weights))[:-1]
        self.total = sum(self.weights)
        self.delay = delay
        self.t = float(t)
        self.slot_end = t
        self.rate = 0.0
        self.gamma: dict[date, float] = {}
