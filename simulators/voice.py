"""A T-Server-like PBX/ACD: calls arrive, wait, ring, talk and end; agents
log in, take calls, wrap up, take breaks and log out.

:class:`VoiceSimulator` turns a :class:`~simulators.workload.VoiceWorkload`
into a time-ordered stream of CTI events that the engine accepts in strict
mode (the flows of ``docs/semantics.md`` §1.3-§1.4, pinned by
``tests/core/test_flows_calls.py``), and keeps ground truth per call
(:mod:`simulators.records`) from its own bookkeeping.

The model
=========
* **Arrivals** per stream: an inhomogeneous Poisson process, piecewise
  constant per local 15-minute interval (``workload.ArrivalSpec``). On a
  routing point: ``RouteRequest``, after the route delay ``RouteUsed`` to a
  queue drawn by weight, then ``Queued``; on an ACD queue: ``Queued``.
* **Routing**: a call entering a queue goes to the **longest-idle** agent
  qualified for it (skill >= min level); if none is idle it waits, FIFO. An
  agent who becomes free takes the longest-waiting call among the queues it
  serves. Offer: ``Diverted`` on the queue and ``Ringing`` on the agent's DN,
  then ``Established`` after the ring time.
* **Ring-no-answer**: with ``rona_probability`` (or when the ring time
  reaches ``rona_timeout``) the agent does not answer: ``Released``
  (NoAnswer) after ``rona_timeout``, the agent goes NotReady (reason RONA)
  for ``rona_not_ready`` and the call is queued again **at the front**.
* **Abandonment**: each caller has a patience drawn at arrival; if it runs
  out before an answer the caller hangs up (``Abandoned``) at the routing
  point, in the queue or while ringing. A call still waiting ``max_wait``
  after entering a queue is cleared (``Released``, CallState Dropped).
* **Talk** and at most one of, by probability: **hold** (``Held`` /
  ``Retrieved``), **consultation** with an idle colleague (or an outside
  number when none is idle), **transfer** (attended: consult an idle
  colleague, then ``PartyChanged`` to them; or single-step to a queue),
  **conference** with an idle colleague (``PartyAdded`` / ``PartyChanged`` /
  ``PartyDeleted``). It happens at a uniform 20-80 % point of the talk.
* **After-call work** (``AgentNotReady`` with WorkMode AfterCallWork) with
  ``acw_probability``, then ``AgentReady``.
* **Agents**: shifts log them in (``AgentLogin`` with ThisQueue, then
  ``AgentReady``) and out; scheduled breaks and random not-ready periods
  (``AgentNotReady`` with a ReasonCode) start when the agent is next free;
  a logout due during a call waits for the call and its ACW.
* **Outbound** calls (``Dialing``, ``NetworkReached``, ``Established`` or no
  answer) and **internal** calls between two idle agents, at per-agent rates.

Time is integer POSIX ms; the scheduler breaks ties by sequence, and all
randomness comes from the one ``random.Random`` given, so a (config, seed)
pair always gives the same stream, byte for byte.
"""

from __future__ import annotations

import random
from collections import OrderedDict, deque
from heapq import heappush
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any, Final

import attrs

from simulators.records import CallKind, CallRecord, Outcome
from simulators.schedule import Scheduler
from simulators.workload import (
    INTERVAL_MS,
    ArrivalSpec,
    Sampler,
    BreakSpec,
    CallHandling,
    VoiceWorkload,
    interval_rate,
)
from statengine.config import Config
from statengine.core import events as ev
from statengine.errors import LocalProtocolError

__all__ = ["QueueStatistics", "VoiceSimulator", "VoiceStatistics"]

# event classes and values used on the hot path
_AgentLogin = ev.AgentLogin
_AgentLogout = ev.AgentLogout
_AgentReady = ev.AgentReady
_AgentNotReady = ev.AgentNotReady
_RouteRequest = ev.RouteRequest
_RouteUsed = ev.RouteUsed
_Queued = ev.Queued
_Diverted = ev.Diverted
_Ringing = ev.Ringing
_Established = ev.Established
_Released = ev.Released
_Abandoned = ev.Abandoned
_Held = ev.Held
_Retrieved = ev.Retrieved
_Dialing = ev.Dialing
_NetworkReached = ev.NetworkReached
_PartyChanged = ev.PartyChanged
_PartyAdded = ev.PartyAdded
_PartyDeleted = ev.PartyDeleted
_IN = ev.CallType.Inbound
_OUT = ev.CallType.Outbound
_INT = ev.CallType.Internal
_CONS = ev.CallType.Consult
_ACW_MODE = ev.WorkMode.AfterCallWork
_RONA: Final = MappingProxyType({"ReasonCode": "RONA"})

# call states
_ROUTING, _QUEUED, _RINGING, _TALKING, _DONE = range(5)
# agent states
_OFF, _IDLE, _RINGING_A, _BUSY, _ACW, _NOT_READY = range(6)
# agent modes as last reported to the engine
_M_NONE, _M_READY, _M_NOT_READY, _M_ACW = range(4)
# what happens during an answered call
_F_NONE, _F_HOLD, _F_CONSULT, _F_TRANSFER, _F_CONFERENCE = range(5)


#: timer callbacks bound once per simulator (see ``VoiceSimulator.__init__``)
_CALLBACKS: Final = (
    "_arrive",
    "_route_used",
    "_patience",
    "_clear_due",
    "_rona",
    "_answer",
    "_release",
    "_acw_end",
    "_feature",
    "_retrieve",
    "_consult_answer",
    "_consult_end",
    "_conference_end",
    "_not_ready_end",
    "_break_due",
    "_random_not_ready",
    "_login_due",
    "_logout_due",
    "_outbound_due",
    "_outbound_answer",
    "_outbound_no_answer",
    "_outbound_release",
    "_internal_due",
    "_internal_answer",
    "_internal_release",
)

# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class QueueStatistics:
    """What one ACD queue went through, from the simulator's own bookkeeping."""

    #: calls on the waiting list now
    waiting: int
    #: the longest the waiting list has been
    peak_waiting: int
    #: ∫ (calls waiting) dt from the start to ``now_ms``, in call·ms; the
    #: time-average queue length is ``queue_time_ms / elapsed_ms``
    queue_time_ms: int
    #: Queued events (arrivals, re-queues after RONA, transfers to the queue)
    entered: int


@attrs.frozen(kw_only=True)
class VoiceStatistics:
    """Counters of a running :class:`VoiceSimulator` (``statistics()``)."""

    #: the simulator's virtual clock (ms)
    now_ms: int
    #: events produced so far
    events: int
    #: inbound calls that arrived
    calls_offered: int
    #: inbound calls answered by an agent
    calls_answered: int
    #: inbound calls abandoned before an answer (queued or ringing)
    calls_abandoned: int
    #: inbound calls cleared after max_wait
    calls_cleared: int
    outbound_calls: int
    internal_calls: int
    #: calls (any kind) not finished yet
    calls_in_progress: int
    agents_logged_in: int
    #: per ACD queue number
    queues: Mapping[str, QueueStatistics]


# --------------------------------------------------------------------------
# Runtime objects (mutable, slotted: one per queue, agent, call)
# --------------------------------------------------------------------------


class _Handling:
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
        self.transfer_queues: list[_Queue] = []


class _Queue:
    __slots__ = ("area", "entered", "h", "last", "n", "number", "peak", "pool", "waiting")

    def __init__(self, number: str, h: _Handling, start: int) -> None:
        self.number = number
        self.h = h
        #: the waiting list; abandoned calls stay until they reach the head
        self.waiting: deque[_Call] = deque()
        #: idle qualified agents, longest idle first
        self.pool: OrderedDict[_Agent, None] = OrderedDict()
        self.n = 0
        self.peak = 0
        self.area = 0
        self.last = start
        self.entered = 0


class _Agent:
    __slots__ = (
        "acw_at",
        "acw_call",
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
        self.queues: list[_Queue] = []
        self.shifts: list[tuple[int, int | None, list[tuple[int, _Break]]]] = []
        self.state = _OFF
        self.mode = _M_NONE
        #: invalidates ACW / not-ready timers when the agent moves on
        self.token = 0
        #: login generation: invalidates per-login timers after a logout
        self.gen = 0
        self.shift_no = -1
        self.logout_pending = False
        #: a break or not-ready period to start when next free
        self.pending: _Break | None = None
        self.acw_call: _Call | None = None
        self.acw_at = 0


class _Break:
    __slots__ = ("duration", "reasons")

    def __init__(self, reason: str, duration: Sampler) -> None:
        self.reasons: Mapping[str, str | int] = MappingProxyType({"ReasonCode": reason})
        self.duration = duration


class _Call:
    __slots__ = (
        "abandoned",
        "acw_ms",
        "agent",
        "agents",
        "answered",
        "answered_by",
        "ani",
        "arrival",
        "clear_at",
        "clear_entry",
        "conferences",
        "conn",
        "consults",
        "enq",
        "entry",
        "ended",
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
        self.state = _ROUTING
        self.outcome = Outcome.UNFINISHED
        self.queue: _Queue | None = None
        self.first_queue = ""
        self.queued_at: int | None = None
        self.answered: int | None = None
        self.answered_by = ""
        self.abandoned: int | None = None
        self.ended: int | None = None
        self.wait: int | None = None
        self.agent: _Agent | None = None
        self.peer: _Agent | None = None
        self.agents: list[str] = []
        self.h: _Handling | None = None
        self.queue_ms = self.ring_ms = self.talk_ms = self.hold_ms = self.acw_ms = 0
        self.holds = self.consults = self.transfers = self.conferences = self.ronas = 0
        self.enq = self.seg = self.hold_at = self.ring_at = self.rest = 0
        self.qkey = 0
        self.qentry = 0
        self.clear_at = 0
        self.clear_entry = 0
        self.ring_no = 0
        self.pending_acw = 0


class _Consult:
    __slots__ = ("a", "b", "call", "conn", "mode")

    def __init__(self, call: _Call, a: _Agent, b: _Agent | None, conn: str, mode: int) -> None:
        self.call, self.a, self.b, self.conn, self.mode = call, a, b, conn, mode


class _Stream:
    """An arrival stream's position in its inhomogeneous Poisson process."""

    __slots__ = ("delay", "gamma", "queues", "rate", "slot_end", "spec", "t", "total", "weights")

    def __init__(self, spec: ArrivalSpec, queues: list[_Queue], delay: Sampler, t: int) -> None:
        self.spec = spec
        self.queues = queues
        self.weights = [w for _, w in spec.route]
        self.total = sum(self.weights)
        self.delay = delay
        self.t = float(t)
        self.slot_end = t
        self.rate = 0.0
        self.gamma: dict[date, float] = {}


# --------------------------------------------------------------------------
# The simulator
# --------------------------------------------------------------------------


class VoiceSimulator:
    """The voice contact center of a configuration's ``[simulation]`` section.

    Args:
        config: a loaded configuration; its ``[simulation]`` section is
            validated at once (:meth:`VoiceWorkload.from_config`).
        rng: the only source of randomness; seed it for reproducible runs.

    Raises:
        ConfigError: the model is impossible; the error names the field.

    Use :meth:`events` once: it yields the CTI events in time order up to the
    horizon (``[simulation] duration`` / ``end``); :attr:`records` fills with
    one :class:`~simulators.records.CallRecord` per finished call meanwhile,
    and gets the unfinished ones once :meth:`events` is exhausted.
    :meth:`run` does the same without building events (records only).
    """

    #: registry name
    name: Final = "voice"

    def __init__(self, config: Config, rng: random.Random) -> None:
        self.workload = VoiceWorkload.from_config(config)
        self.config = config
        self.rng = rng
        w = self.workload
        s = w.settings
        self.settings = s
        self.start_ms = s.start_ms
        self.end_ms = s.end_ms
        self._link = s.link
        self._zone = s.zone
        self._out: list[ev.Event] = []
        self._sched: Scheduler[ev.Event] = Scheduler(s.start_ms, self._out)
        self._at = self._sched.at
        self._heap = self._sched.heap
        self._count = self._sched.counter
        self._emitting = True
        self._started = False
        self._records: list[CallRecord] = []
        self._active: dict[str, _Call] = {}
        self._conn = 0
        self._qseq = 0
        self._offered = self._answered = self._abandoned = self._cleared = 0
        self._outbound = self._internal = 0
        self._rand = rng.random
        self._bits = rng.getrandbits
        self._expo = rng.expovariate
        cap = w.cap_ms
        self._queues: dict[str, _Queue] = {
            n: _Queue(n, _Handling(q.handling, rng, cap), s.start_ms) for n, q in w.queues.items()
        }
        for n, q in w.queues.items():
            self._queues[n].h.transfer_queues = [
                self._queues[t] for t in q.handling.transfer_queues
            ] or [self._queues[n]]
        self._idle_all: OrderedDict[_Agent, None] = OrderedDict()
        self._agents: list[_Agent] = []
        breaks: dict[int, _Break] = {}
        for plan in w.agents:
            agent = _Agent(plan.agent, plan.login, plan.dn, plan.login_queue)
            agent.queues = [self._queues[q] for q in plan.queues]
            for shift in plan.shifts:
                agent.shifts.append(
                    (
                        shift.login_ms,
                        shift.logout_ms,
                        [(t, self._break_of(b, breaks, cap)) for t, b in shift.breaks],
                    )
                )
            self._agents.append(agent)
        self._streams = [
            _Stream(
                a,
                [self._queues[q] for q, _ in a.route],
                a.route_delay.sampler(rng, cap),
                s.start_ms,
            )
            for a in w.arrivals
        ]
        nr = w.not_ready
        self._nr_mean = 3_600_000 / nr.per_hour if nr.per_hour > 0 else 0.0
        self._nr_reasons = [_Break(r, nr.duration.sampler(rng, cap)) for r, _ in nr.reasons]
        self._nr_weights = [wt for _, wt in nr.reasons]
        out = w.outbound
        self._out_mean = 3_600_000 / out.per_hour if out.per_hour > 0 else 0.0
        ring_cap = w.ring_cap_ms
        self._out_dial = out.dial.sampler(rng, ring_cap)
        self._out_answer_p = out.answer_probability
        self._out_talk = out.talk.sampler(rng, cap)
        self._out_acw_p = out.acw_probability
        self._out_acw = out.acw.sampler(rng, cap)
        internal = w.internal
        self._int_mean = 3_600_000 / internal.per_hour if internal.per_hour > 0 else 0.0
        self._int_ring = internal.ring.sampler(rng, ring_cap)
        self._int_talk = internal.talk.sampler(rng, cap)
        # Timer callbacks are bound once: an instance attribute shadows the
        # method, so setting a timer does not allocate a bound method.
        for name in _CALLBACKS:
            setattr(self, name, getattr(self, name))

    def _break_of(self, spec: BreakSpec, cache: dict[int, _Break], cap: int) -> _Break:
        key = id(spec)
        if key not in cache:
            cache[key] = _Break(spec.reason, spec.duration.sampler(self.rng, cap))
        return cache[key]

    @classmethod
    def from_config(
        cls, config: Config, *, seed: int | None = None, rng: random.Random | None = None
    ) -> VoiceSimulator:
        """Build with ``rng``, or a ``random.Random(seed)`` (default: ``[simulation] seed``)."""
        if rng is None:
            from simulators.settings import SimulationSettings

            rng = random.Random(SimulationSettings.from_config(config).seed if seed is None else seed)
        return cls(config, rng)

    # ------------------------------------------------------------------
    # Public surface
    # ------------------------------------------------------------------

    @property
    def records(self) -> Sequence[CallRecord]:
        """Ground truth: one record per finished call, in the order they finished.

        Grows while :meth:`events` is consumed; once it is exhausted the calls
        still in progress at the horizon are added (outcome ``unfinished``,
        durations counted up to the horizon).
        """
        return self._records

    def events(self) -> Iterator[ev.Event]:
        """The CTI events of the simulation, in time order, up to the horizon.

        Raises:
            LocalProtocolError: called a second time (a simulation runs once).
        """
        self._begin()
        yield from self._sched.run(self.end_ms)
        self._finish()

    def run(self) -> Sequence[CallRecord]:
        """Simulate to the horizon without building events; return the records.

        Same model, same random draws, same records as consuming
        :meth:`events` (events are simply not constructed): the fast path for
        validation against queueing theory.
        """
        self._emitting = False
        for _ in self.events():
            pass
        return self._records

    def statistics(self) -> VoiceStatistics:
        """A snapshot of the simulator's counters at its current virtual time."""
        now = self._sched.now
        return VoiceStatistics(
            now_ms=now,
            events=self._sched.produced,
            calls_offered=self._offered,
            calls_answered=self._answered,
            calls_abandoned=self._abandoned,
            calls_cleared=self._cleared,
            outbound_calls=self._outbound,
            internal_calls=self._internal,
            calls_in_progress=len(self._active),
            agents_logged_in=sum(1 for a in self._agents if a.state != _OFF),
            queues=MappingProxyType(
                {
                    n: QueueStatistics(
                        waiting=q.n,
                        peak_waiting=q.peak,
                        queue_time_ms=q.area + q.n * (now - q.last),
                        entered=q.entered,
                    )
                    for n, q in self._queues.items()
                }
            ),
        )

    # ------------------------------------------------------------------
    # Start and end
    # ------------------------------------------------------------------

    def _begin(self) -> None:
        if self._started:
            raise LocalProtocolError("a simulation runs once: call events() (or run()) only once")
        self._started = True
        self._emit(ev.LinkConnected(time=self.start_ms, link=self._link))
        for stream in self._streams:
            self._next_arrival(stream)
        for agent in self._agents:
            if agent.shifts:
                self._at(agent.shifts[0][0], self._login_due, agent, 0)

    def _emit(self, event: ev.Event) -> None:
        self._out.append(event)

    def _finish(self) -> None:
        end = self.end_ms
        for call in list(self._active.values()):
            if call.state == _QUEUED:
                call.queue_ms += end - call.enq
            elif call.state == _RINGING:
                call.ring_ms += end - call.ring_at
            elif call.state == _TALKING:
                if call.hold_at:
                    call.hold_ms += end - call.hold_at
                else:
                    call.talk_ms += end - call.seg
            self._record(call)
        self._active.clear()

    def _record(self, call: _Call) -> None:
        self._records.append(
            CallRecord(
                call.conn,
                call.kind,
                call.outcome,
                call.entry,
                call.first_queue,
                call.arrival,
                call.queued_at,
                call.answered,
                call.answered_by,
                call.abandoned,
                call.ended,
                call.wait,
                call.queue_ms,
                call.ring_ms,
                call.talk_ms,
                call.hold_ms,
                call.acw_ms,
                call.holds,
                call.consults,
                call.transfers,
                call.conferences,
                call.ronas,
                tuple(call.agents),
            )
        )

    def _done(self, call: _Call) -> None:
        """The call is over for the customer: record it unless ACW is running."""
        if call.pending_acw == 0:
            del self._active[call.conn]
            self._record(call)

    def _new_conn(self) -> str:
        self._conn += 1
        return f"{self._conn:016x}"

    # ------------------------------------------------------------------
    # Arrivals
    # ------------------------------------------------------------------

    def _next_arrival(self, stream: _Stream) -> None:
        """Schedule the stream's next arrival (thinning-free: exact inversion of
        the piecewise-constant cumulative rate)."""
        need = self._expo(1.0)
        t = stream.t
        end = self.end_ms
        while True:
            rate = stream.rate
            if rate > 0.0:
                step = need / rate
                if t + step < stream.slot_end:
                    t += step
                    break
                need -= (stream.slot_end - t) * rate
            t = float(stream.slot_end)
            if t >= end:
                stream.t = t
                return
            self._enter_slot(stream, int(t))
        stream.t = t
        arrival = int(t)
        if arrival < end:
            heappush(self._heap, (arrival, next(self._count), self._arrive, stream, 0))

    def _enter_slot(self, stream: _Stream, t: int) -> None:
        """Move ``stream`` to the 15-minute interval starting at or containing ``t``."""
        slot = t - t % INTERVAL_MS
        stream.slot_end = slot + INTERVAL_MS
        local = datetime.fromtimestamp(slot / 1000, UTC).astimezone(self._zone)
        per_hour = interval_rate(stream.spec, local)
        cv = stream.spec.daily_cv
        if cv > 0 and per_hour > 0:
            day = local.date()
            factor = stream.gamma.get(day)
            if factor is None:
                shape = 1.0 / (cv * cv)
                factor = stream.gamma[day] = self.rng.gammavariate(shape, 1.0 / shape)
            per_hour *= factor
        stream.rate = per_hour / 3_600_000.0

    def _arrive(self, stream: _Stream, _token: int) -> None:
        now = self._sched.now
        self._next_arrival(stream)
        self._offered += 1
        conn = self._new_conn()
        ani = f"0{1_000_000_000 + self._bits(32)}"
        spec = stream.spec
        call = _Call(conn, CallKind.INBOUND, spec.dn, now, ani)
        self._active[conn] = call
        queues = stream.queues
        queue = (
            queues[0]
            if len(queues) == 1
            else self.rng.choices(queues, weights=stream.weights)[0]
        )
        call.queue = queue
        h = queue.h
        if h.patience is not None:
            heappush(self._heap, (now + h.patience(), next(self._count), self._patience, call, 0))
        if spec.routing_point:
            if self._emitting:
                self._out.append(
                    _RouteRequest(
                        time=now, link=self._link, dn=spec.dn, conn_id=conn, call_type=_IN,
                        ani=ani, dnis=spec.dn,
                    )
                )
            self._at(now + stream.delay(), self._route_used, call)
        else:
            self._enqueue(call, queue, False)

    def _route_used(self, call: _Call, _token: int) -> None:
        if call.state != _ROUTING:
            return
        queue = call.queue
        assert queue is not None
        if self._emitting:
            self._out.append(
                _RouteUsed(
                    time=self._sched.now, link=self._link, dn=call.entry, conn_id=call.conn,
                    other_dn=queue.number,
                )
            )
        self._enqueue(call, queue, False)

    # ------------------------------------------------------------------
    # Queues and distribution
    # ------------------------------------------------------------------

    def _enqueue(self, call: _Call, q: _Queue, front: bool) -> None:
        """``Queued`` on ``q``: to the longest-idle qualified agent, or wait."""
        now = self._sched.now
        if self._emitting:
            self._out.append(
                _Queued(
                    time=now, link=self._link, dn=q.number, conn_id=call.conn, call_type=_IN,
                    ani=call.ani, dnis=call.entry,
                )
            )
        q.entered += 1
        call.state = _QUEUED
        call.queue = q
        if call.queued_at is None:
            call.queued_at = now
            call.first_queue = q.number
        if not front:
            self._qseq += 1
            call.qkey = self._qseq
            call.qentry += 1
            call.clear_at = now + q.h.max_wait
        elif now >= call.clear_at:
            self._clear(call)
            return
        pool = q.pool
        if pool:
            agent = next(iter(pool))
            self._take(agent)
            self._offer(call, q, agent)
            return
        q.area += q.n * (now - q.last)
        q.last = now
        q.n += 1
        if q.n > q.peak:
            q.peak = q.n
        call.enq = now
        if front:
            q.waiting.appendleft(call)
        else:
            q.waiting.append(call)
        if call.clear_entry != call.qentry:
            call.clear_entry = call.qentry
            self._at(call.clear_at, self._clear_due, call, call.qentry)

    def _leave_queue(self, call: _Call, q: _Queue) -> None:
        """Bookkeeping of a call leaving ``q``'s waiting list (popped or not)."""
        now = self._sched.now
        q.area += q.n * (now - q.last)
        q.last = now
        q.n -= 1
        call.queue_ms += now - call.enq

    def _take(self, agent: _Agent) -> None:
        """An idle agent leaves every idle pool."""
        for q in agent.queues:
            del q.pool[agent]
        del self._idle_all[agent]

    def _offer(self, call: _Call, q: _Queue, agent: _Agent) -> None:
        """``Diverted`` on the queue, ``Ringing`` at the agent; answer or RONA later."""
        now = self._sched.now
        if self._emitting:
            link, conn = self._link, call.conn
            self._out.append(
                _Diverted(time=now, link=link, dn=q.number, conn_id=conn, other_dn=agent.dn, call_type=_IN)
            )
            self._out.append(
                _Ringing(
                    time=now, link=link, dn=agent.dn, conn_id=conn, other_dn=call.ani,
                    this_queue=q.number, call_type=_IN, ani=call.ani, dnis=call.entry,
                )
            )
        agent.state = _RINGING_A
        call.state = _RINGING
        call.agent = agent
        call.ring_at = now
        call.ring_no += 1
        h = q.h
        if h.rona_p and self._rand() < h.rona_p:
            self._at(now + h.rona_ms, self._rona, call, call.ring_no)
            return
        ring = h.ring()
        if ring >= h.rona_ms:
            self._at(now + h.rona_ms, self._rona, call, call.ring_no)
        else:
            heappush(self._heap, (now + ring, next(self._count), self._answer, call, call.ring_no))

    def _idle(self, agent: _Agent) -> None:
        """A ready agent takes the longest-waiting call of its queues, or idles."""
        best: _Call | None = None
        best_q: _Queue | None = None
        for q in agent.queues:
            waiting = q.waiting
            while waiting and waiting[0].state != _QUEUED:
                waiting.popleft()
            if waiting and (best is None or waiting[0].qkey < best.qkey):
                best = waiting[0]
                best_q = q
        if best is not None:
            assert best_q is not None
            best_q.waiting.popleft()
            self._leave_queue(best, best_q)
            self._offer(best, best_q, agent)
            return
        agent.state = _IDLE
        for q in agent.queues:
            q.pool[agent] = None
        self._idle_all[agent] = None

    # ------------------------------------------------------------------
    # Leaving without an answer
    # ------------------------------------------------------------------

    def _patience(self, call: _Call, _token: int) -> None:
        if call.answered is not None or call.state == _DONE:
            return
        now = self._sched.now
        link = self._link
        if call.state == _ROUTING:
            if self._emitting:
                self._out.append(_Abandoned(time=now, link=link, dn=call.entry, conn_id=call.conn))
            call.outcome = Outcome.ABANDONED_QUEUED
        elif call.state == _QUEUED:
            q = call.queue
            assert q is not None
            if self._emitting:
                self._out.append(_Abandoned(time=now, link=link, dn=q.number, conn_id=call.conn))
            self._leave_queue(call, q)
            call.outcome = Outcome.ABANDONED_QUEUED
        else:  # ringing: the only other state before an answer
            agent = call.agent
            assert agent is not None
            if self._emitting:
                self._out.append(_Abandoned(time=now, link=link, dn=agent.dn, conn_id=call.conn))
            call.ring_ms += now - call.ring_at
            call.outcome = Outcome.ABANDONED_RINGING
            call.agent = None
            self._free(agent)
        self._abandoned += 1
        call.state = _DONE
        call.abandoned = call.ended = now
        call.wait = now - call.arrival
        self._done(call)

    def _clear_due(self, call: _Call, entry: int) -> None:
        if call.state == _QUEUED and call.qentry == entry:
            q = call.queue
            assert q is not None
            self._leave_queue(call, q)
            self._clear(call)

    def _clear(self, call: _Call) -> None:
        """The system drops a call that waited ``max_wait`` (CallCleared)."""
        now = self._sched.now
        q = call.queue
        assert q is not None
        if self._emitting:
            self._out.append(
                _Released(
                    time=now, link=self._link, dn=q.number, conn_id=call.conn,
                    call_state=ev.CallState.Dropped,
                )
            )
        self._cleared += 1
        call.state = _DONE
        call.outcome = Outcome.CLEARED
        call.ended = now
        if call.answered is None:
            call.wait = now - call.arrival
        self._done(call)

    def _rona(self, call: _Call, ring_no: int) -> None:
        """Ring-no-answer: released NoAnswer, agent NotReady, call back at the front."""
        if call.state != _RINGING or call.ring_no != ring_no:
            return
        now = self._sched.now
        agent = call.agent
        q = call.queue
        assert agent is not None and q is not None
        if self._emitting:
            link = self._link
            self._out.append(
                _Released(
                    time=now, link=link, dn=agent.dn, conn_id=call.conn,
                    call_state=ev.CallState.NoAnswer,
                )
            )
            self._out.append(
                _AgentNotReady(time=now, link=link, dn=agent.dn, agent_id=agent.login, reasons=_RONA)
            )
        call.ring_ms += now - call.ring_at
        call.ronas += 1
        call.agent = None
        agent.mode = _M_NOT_READY
        agent.state = _NOT_READY
        agent.token += 1
        self._at(now + q.h.rona_nr(), self._not_ready_end, agent, agent.token)
        self._enqueue(call, q, True)

    # ------------------------------------------------------------------
    # Answered calls
    # ------------------------------------------------------------------

    def _answer(self, call: _Call, ring_no: int) -> None:
        if call.state != _RINGING or call.ring_no != ring_no:
            return
        now = self._sched.now
        agent = call.agent
        q = call.queue
        assert agent is not None and q is not None
        if self._emitting:
            self._out.append(
                _Established(time=now, link=self._link, dn=agent.dn, conn_id=call.conn, call_type=_IN)
            )
        call.ring_ms += now - call.ring_at
        call.state = _TALKING
        agent.state = _BUSY
        call.agents.append(agent.emp)
        call.seg = now
        h = q.h
        call.h = h
        talk = h.talk()
        if call.answered is None:
            self._answered += 1
            call.answered = now
            call.answered_by = agent.emp
            call.wait = now - call.arrival
            if h.features:
                r = self._rand()
                feature = (
                    _F_HOLD
                    if r < h.t_hold
                    else _F_CONSULT
                    if r < h.t_consult
                    else _F_TRANSFER
                    if r < h.t_transfer
                    else _F_CONFERENCE
                    if r < h.t_conference
                    else _F_NONE
                )
                if feature != _F_NONE:
                    first = int(talk * (0.2 + 0.6 * self._rand()))
                    call.rest = talk - first
                    self._at(now + first, self._feature, call, feature)
                    return
        heappush(self._heap, (now + talk, next(self._count), self._release, call, 0))

    def _release(self, call: _Call, _token: int) -> None:
        """The customer's call ends normally."""
        now = self._sched.now
        agent = call.agent
        h = call.h
        assert agent is not None and h is not None
        if self._emitting:
            self._out.append(_Released(time=now, link=self._link, dn=agent.dn, conn_id=call.conn))
        call.talk_ms += now - call.seg
        call.state = _DONE
        call.outcome = Outcome.ANSWERED
        call.ended = now
        call.agent = None
        self._wrap(agent, call, h.acw_p, h.acw)
        self._done(call)

    def _wrap(self, agent: _Agent, call: _Call, p: float, acw: Sampler) -> None:
        """After the agent's part of ``call``: after-call work, or free at once."""
        if p and (p >= 1.0 or self._rand() < p):
            now = self._sched.now
            if self._emitting:
                self._out.append(
                    _AgentNotReady(
                        time=now, link=self._link, dn=agent.dn, agent_id=agent.login,
                        work_mode=_ACW_MODE,
                    )
                )
            agent.mode = _M_ACW
            agent.state = _ACW
            agent.acw_call = call
            agent.acw_at = now
            call.pending_acw += 1
            agent.token += 1
            heappush(self._heap, (now + acw(), next(self._count), self._acw_end, agent, agent.token))
        else:
            self._free(agent)

    def _acw_end(self, agent: _Agent, token: int) -> None:
        if token != agent.token:
            return
        call = agent.acw_call
        assert call is not None
        agent.acw_call = None
        call.acw_ms += self._sched.now - agent.acw_at
        call.pending_acw -= 1
        if call.state == _DONE and call.pending_acw == 0:
            self._done(call)
        self._free(agent)

    # -- hold, consult, transfer, conference --------------------------------

    def _feature(self, call: _Call, feature: int) -> None:
        if feature == _F_HOLD:
            self._hold(call)
        elif feature == _F_TRANSFER:
            h = call.h
            assert h is not None
            if h.attended and (h.attended >= 1.0 or self._rand() < h.attended):
                self._consult(call, _F_TRANSFER)
            else:
                self._transfer_to_queue(call)
        else:
            self._consult(call, feature)

    def _hold(self, call: _Call) -> None:
        now = self._sched.now
        agent = call.agent
        h = call.h
        assert agent is not None and h is not None
        if self._emitting:
            self._out.append(_Held(time=now, link=self._link, dn=agent.dn, conn_id=call.conn))
        call.talk_ms += now - call.seg
        call.hold_at = now
        call.holds += 1
        self._at(now + h.hold(), self._retrieve, call)

    def _retrieve(self, call: _Call, _token: int) -> None:
        now = self._sched.now
        agent = call.agent
        assert agent is not None
        if self._emitting:
            self._out.append(_Retrieved(time=now, link=self._link, dn=agent.dn, conn_id=call.conn))
        call.hold_ms += now - call.hold_at
        call.hold_at = 0
        call.seg = now
        self._at(now + call.rest, self._release, call)

    def _consult(self, call: _Call, mode: int) -> None:
        """Hold the customer and call an idle colleague (an outside number if
        none is idle); a transfer or conference needs a colleague."""
        now = self._sched.now
        a = call.agent
        q = call.queue
        h = call.h
        assert a is not None and q is not None and h is not None
        b = next(iter(q.pool)) if q.pool else None
        if b is None:
            if mode == _F_TRANSFER:
                self._transfer_to_queue(call)
                return
            mode = _F_CONSULT
        conn = self._new_conn()
        link = self._link
        call.talk_ms += now - call.seg
        call.hold_at = now
        if b is not None:
            self._take(b)
            b.state = _BUSY
            other = b.dn
        else:
            other = f"00{self.rng.randrange(10**9, 10**10)}"
        if self._emitting:
            out = self._out
            out.append(_Held(time=now, link=link, dn=a.dn, conn_id=call.conn))
            out.append(_Dialing(time=now, link=link, dn=a.dn, conn_id=conn, other_dn=other, call_type=_CONS))
            if b is not None:
                out.append(_Ringing(time=now, link=link, dn=b.dn, conn_id=conn, other_dn=a.dn, call_type=_CONS))
            else:
                out.append(_NetworkReached(time=now, link=link, dn=a.dn, conn_id=conn, call_type=_CONS))
        ring = min(h.ring(), h.rona_ms - 1)
        self._at(now + ring, self._consult_answer, _Consult(call, a, b, conn, mode))

    def _consult_answer(self, cs: _Consult, _token: int) -> None:
        now = self._sched.now
        h = cs.call.h
        assert h is not None
        if self._emitting:
            link = self._link
            if cs.b is not None:
                self._out.append(_Established(time=now, link=link, dn=cs.b.dn, conn_id=cs.conn, call_type=_CONS))
            self._out.append(_Established(time=now, link=link, dn=cs.a.dn, conn_id=cs.conn, call_type=_CONS))
        self._at(now + h.consult(), self._consult_end, cs)

    def _consult_end(self, cs: _Consult, _token: int) -> None:
        now = self._sched.now
        call, a, b, conn = cs.call, cs.a, cs.b, cs.conn
        h = call.h
        assert h is not None
        link = self._link
        out = self._out
        emitting = self._emitting
        call.hold_ms += now - call.hold_at
        call.hold_at = 0
        call.seg = now
        if cs.mode == _F_CONSULT:
            if emitting:
                if b is not None:
                    out.append(_Released(time=now, link=link, dn=b.dn, conn_id=conn))
                out.append(_Released(time=now, link=link, dn=a.dn, conn_id=conn))
                out.append(_Retrieved(time=now, link=link, dn=a.dn, conn_id=call.conn))
            call.consults += 1
            if b is not None:
                self._free(b)
            self._at(now + call.rest, self._release, call)
            return
        assert b is not None
        if cs.mode == _F_TRANSFER:
            if emitting:
                out.append(_Released(time=now, link=link, dn=a.dn, conn_id=conn))
                out.append(
                    _Released(
                        time=now, link=link, dn=a.dn, conn_id=call.conn, other_dn=b.dn,
                        call_state=ev.CallState.Transferred,
                    )
                )
                out.append(
                    _PartyChanged(
                        time=now, link=link, dn=b.dn, conn_id=call.conn, other_dn=call.ani,
                        previous_conn_id=conn, call_type=_IN,
                    )
                )
            call.transfers += 1
            call.agent = b
            call.agents.append(b.emp)
            self._wrap(a, call, h.acw_p, h.acw)
            self._at(now + h.talk(), self._release, call)
            return
        # conference
        if emitting:
            out.append(
                _Released(time=now, link=link, dn=a.dn, conn_id=conn, call_state=ev.CallState.Conferenced)
            )
            out.append(_Retrieved(time=now, link=link, dn=a.dn, conn_id=call.conn))
            out.append(
                _PartyAdded(
                    time=now, link=link, dn=a.dn, conn_id=call.conn, third_party_dn=b.dn,
                    previous_conn_id=conn,
                )
            )
            out.append(
                _PartyChanged(
                    time=now, link=link, dn=b.dn, conn_id=call.conn, other_dn=call.ani,
                    previous_conn_id=conn, call_type=_IN, call_state=ev.CallState.Conferenced,
                )
            )
        call.conferences += 1
        call.agents.append(b.emp)
        self._at(now + h.conference(), self._conference_end, cs)

    def _conference_end(self, cs: _Consult, _token: int) -> None:
        now = self._sched.now
        call, a, b = cs.call, cs.a, cs.b
        assert b is not None
        if self._emitting:
            link = self._link
            self._out.append(_Released(time=now, link=link, dn=b.dn, conn_id=call.conn))
            self._out.append(
                _PartyDeleted(time=now, link=link, dn=a.dn, conn_id=call.conn, third_party_dn=b.dn)
            )
        self._free(b)
        self._at(now + call.rest, self._release, call)

    def _transfer_to_queue(self, call: _Call) -> None:
        """Single-step transfer: released as Transferred, ``Queued`` on the target."""
        now = self._sched.now
        a = call.agent
        h = call.h
        assert a is not None and h is not None
        targets = h.transfer_queues
        target = targets[0] if len(targets) == 1 else self.rng.choice(targets)
        if self._emitting:
            self._out.append(
                _Released(
                    time=now, link=self._link, dn=a.dn, conn_id=call.conn, other_dn=target.number,
                    call_state=ev.CallState.Transferred,
                )
            )
        call.talk_ms += now - call.seg
        call.transfers += 1
        call.agent = None
        self._enqueue(call, target, False)
        self._wrap(a, call, h.acw_p, h.acw)

    # ------------------------------------------------------------------
    # Agents: free, not ready, shifts
    # ------------------------------------------------------------------

    def _free(self, agent: _Agent) -> None:
        """The agent finished what it was doing: logout, break, or ready."""
        if agent.logout_pending:
            self._logout(agent)
            return
        pending = agent.pending
        if pending is not None:
            agent.pending = None
            self._not_ready(agent, pending)
            return
        if agent.mode != _M_READY:
            if self._emitting:
                self._out.append(
                    _AgentReady(time=self._sched.now, link=self._link, dn=agent.dn, agent_id=agent.login)
                )
            agent.mode = _M_READY
        self._idle(agent)

    def _not_ready(self, agent: _Agent, brk: _Break) -> None:
        now = self._sched.now
        if agent.state == _IDLE:
            self._take(agent)
        if self._emitting:
            self._out.append(
                _AgentNotReady(time=now, link=self._link, dn=agent.dn, agent_id=agent.login, reasons=brk.reasons)
            )
        agent.mode = _M_NOT_READY
        agent.state = _NOT_READY
        agent.token += 1
        self._at(now + brk.duration(), self._not_ready_end, agent, agent.token)

    def _not_ready_end(self, agent: _Agent, token: int) -> None:
        if token == agent.token and agent.state == _NOT_READY:
            self._free(agent)

    def _break_due(self, arg: tuple[_Agent, _Break], shift_no: int) -> None:
        agent, brk = arg
        if agent.shift_no != shift_no or agent.state == _OFF:
            return
        if agent.state == _IDLE:
            self._not_ready(agent, brk)
        else:
            agent.pending = brk

    def _random_not_ready(self, agent: _Agent, gen: int) -> None:
        if gen != agent.gen:
            return
        now = self._sched.now
        self._at(now + int(self._expo(1.0) * self._nr_mean) + 1, self._random_not_ready, agent, gen)
        reasons = self._nr_reasons
        if agent.state == _IDLE or (agent.state in (_RINGING_A, _BUSY, _ACW) and agent.pending is None):
            brk = reasons[0] if len(reasons) == 1 else self.rng.choices(reasons, self._nr_weights)[0]
            if agent.state == _IDLE:
                self._not_ready(agent, brk)
            else:
                agent.pending = brk

    def _login_due(self, agent: _Agent, shift_no: int) -> None:
        now = self._sched.now
        agent.shift_no = shift_no
        _, logout, breaks = agent.shifts[shift_no]
        if agent.state != _OFF:
            # still on from the previous shift (a logout waiting for a call)
            agent.logout_pending = False
        else:
            if self._emitting:
                self._out.append(
                    _AgentLogin(
                        time=now, link=self._link, dn=agent.dn, agent_id=agent.login,
                        this_queue=agent.login_queue,
                    )
                )
            agent.gen += 1
            agent.state = _BUSY
            agent.mode = _M_NONE
            gen = agent.gen
            if self._nr_mean:
                self._at(now + int(self._expo(1.0) * self._nr_mean) + 1, self._random_not_ready, agent, gen)
            if self._out_mean:
                self._at(now + int(self._expo(1.0) * self._out_mean) + 1, self._outbound_due, agent, gen)
            if self._int_mean:
                self._at(now + int(self._expo(1.0) * self._int_mean) + 1, self._internal_due, agent, gen)
            self._free(agent)
        if logout is not None and logout < self.end_ms:
            self._at(logout, self._logout_due, agent, shift_no)
        for t, brk in breaks:
            self._at(t, self._break_due, (agent, brk), shift_no)

    def _logout_due(self, agent: _Agent, shift_no: int) -> None:
        if agent.shift_no != shift_no or agent.state == _OFF:
            return
        following = shift_no + 1
        if following < len(agent.shifts) and agent.shifts[following][0] <= self._sched.now:
            self._login_due(agent, following)  # back-to-back shifts: stay logged in
            return
        if agent.state in (_IDLE, _NOT_READY):
            self._logout(agent)
        else:
            agent.logout_pending = True

    def _logout(self, agent: _Agent) -> None:
        now = self._sched.now
        if agent.state == _IDLE:
            self._take(agent)
        if self._emitting:
            self._out.append(_AgentLogout(time=now, link=self._link, dn=agent.dn, agent_id=agent.login))
        agent.state = _OFF
        agent.mode = _M_NONE
        agent.token += 1
        agent.gen += 1
        agent.logout_pending = False
        agent.pending = None
        following = agent.shift_no + 1
        if following < len(agent.shifts):
            self._at(max(now, agent.shifts[following][0]), self._login_due, agent, following)

    # ------------------------------------------------------------------
    # Outbound and internal calls
    # ------------------------------------------------------------------

    def _outbound_due(self, agent: _Agent, gen: int) -> None:
        if gen != agent.gen:
            return
        now = self._sched.now
        self._at(now + int(self._expo(1.0) * self._out_mean) + 1, self._outbound_due, agent, gen)
        if agent.state != _IDLE:
            return
        self._take(agent)
        agent.state = _BUSY
        self._outbound += 1
        conn = self._new_conn()
        number = f"9{self.rng.randrange(10**9, 10**10)}"
        call = _Call(conn, CallKind.OUTBOUND, agent.dn, now, number)
        call.agent = agent
        call.state = _RINGING
        self._active[conn] = call
        if self._emitting:
            link = self._link
            self._out.append(
                _Dialing(time=now, link=link, dn=agent.dn, conn_id=conn, other_dn=number, call_type=_OUT)
            )
            self._out.append(_NetworkReached(time=now, link=link, dn=agent.dn, conn_id=conn, call_type=_OUT))
        dial = self._out_dial()
        if self._rand() < self._out_answer_p:
            self._at(now + dial, self._outbound_answer, call)
        else:
            self._at(now + dial, self._outbound_no_answer, call)

    def _outbound_answer(self, call: _Call, _token: int) -> None:
        now = self._sched.now
        agent = call.agent
        assert agent is not None
        if self._emitting:
            self._out.append(
                _Established(time=now, link=self._link, dn=agent.dn, conn_id=call.conn, call_type=_OUT)
            )
        call.state = _TALKING
        call.answered = call.seg = now
        call.answered_by = agent.emp
        call.agents.append(agent.emp)
        call.wait = now - call.arrival
        self._at(now + self._out_talk(), self._outbound_release, call)

    def _outbound_no_answer(self, call: _Call, _token: int) -> None:
        now = self._sched.now
        agent = call.agent
        assert agent is not None
        if self._emitting:
            self._out.append(_Released(time=now, link=self._link, dn=agent.dn, conn_id=call.conn))
        call.state = _DONE
        call.outcome = Outcome.NO_ANSWER
        call.ended = now
        call.wait = now - call.arrival
        call.agent = None
        self._done(call)
        self._free(agent)

    def _outbound_release(self, call: _Call, _token: int) -> None:
        now = self._sched.now
        agent = call.agent
        assert agent is not None
        if self._emitting:
            self._out.append(_Released(time=now, link=self._link, dn=agent.dn, conn_id=call.conn))
        call.talk_ms += now - call.seg
        call.state = _DONE
        call.outcome = Outcome.ANSWERED
        call.ended = now
        call.agent = None
        self._wrap(agent, call, self._out_acw_p, self._out_acw)
        self._done(call)

    def _internal_due(self, agent: _Agent, gen: int) -> None:
        if gen != agent.gen:
            return
        now = self._sched.now
        self._at(now + int(self._expo(1.0) * self._int_mean) + 1, self._internal_due, agent, gen)
        if agent.state != _IDLE or len(self._idle_all) < 2:
            return
        candidates = iter(self._idle_all)
        callee = next(candidates)
        if callee is agent:
            callee = next(candidates)
        self._take(agent)
        self._take(callee)
        agent.state = callee.state = _BUSY
        self._internal += 1
        conn = self._new_conn()
        call = _Call(conn, CallKind.INTERNAL, agent.dn, now, agent.dn)
        call.agent = agent
        call.peer = callee
        call.state = _RINGING
        call.ring_at = now
        self._active[conn] = call
        if self._emitting:
            link = self._link
            self._out.append(
                _Dialing(time=now, link=link, dn=agent.dn, conn_id=conn, other_dn=callee.dn, call_type=_INT)
            )
            self._out.append(
                _Ringing(time=now, link=link, dn=callee.dn, conn_id=conn, other_dn=agent.dn, call_type=_INT)
            )
        self._at(now + self._int_ring(), self._internal_answer, call)

    def _internal_answer(self, call: _Call, _token: int) -> None:
        now = self._sched.now
        a, b = call.agent, call.peer
        assert a is not None and b is not None
        if self._emitting:
            link = self._link
            self._out.append(_Established(time=now, link=link, dn=b.dn, conn_id=call.conn, call_type=_INT))
            self._out.append(_Established(time=now, link=link, dn=a.dn, conn_id=call.conn, call_type=_INT))
        call.ring_ms += now - call.ring_at
        call.state = _TALKING
        call.answered = call.seg = now
        call.answered_by = a.emp
        call.agents.extend((a.emp, b.emp))
        call.wait = now - call.arrival
        self._at(now + self._int_talk(), self._internal_release, call)

    def _internal_release(self, call: _Call, _token: int) -> None:
        now = self._sched.now
        a, b = call.agent, call.peer
        assert a is not None and b is not None
        if self._emitting:
            link = self._link
            self._out.append(_Released(time=now, link=link, dn=b.dn, conn_id=call.conn))
            self._out.append(_Released(time=now, link=link, dn=a.dn, conn_id=call.conn))
        call.talk_ms += now - call.seg
        call.state = _DONE
        call.outcome = Outcome.ANSWERED
        call.ended = now
        call.agent = call.peer = None
        self._done(call)
        self._free(b)
        self._free(a)
