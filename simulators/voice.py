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
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from heapq import heappush
from types import MappingProxyType
from typing import Any, Final

import attrs

from simulators._runtime import (
    ACW,
    BLOCKED,
    BUSY,
    DONE,
    F_CONFERENCE,
    F_CONSULT,
    F_HOLD,
    F_NONE,
    F_TRANSFER,
    IDLE,
    M_ACW,
    M_NONE,
    M_NOT_READY,
    M_READY,
    NOT_READY,
    OFF,
    OFFERED,
    QUEUED,
    RINGING,
    ROUTING,
    TALKING,
    Agent,
    Break,
    Call,
    Consult,
    Handling,
    Queue,
    Stay,
    Stream,
)
from simulators.records import CallKind, CallRecord, Outcome, StayOutcome
from simulators.schedule import Scheduler
from simulators.settings import SimulationSettings
from simulators.workload import INTERVAL_MS, BreakSpec, Sampler, VoiceWorkload, interval_rate
from statengine.config import Config
from statengine.core import events as ev
from statengine.errors import LocalProtocolError

__all__ = ["QueueStatistics", "VoiceSimulator", "VoiceStatistics"]

_IN = ev.CallType.Inbound
_OUT = ev.CallType.Outbound
_INT = ev.CallType.Internal
_CONS = ev.CallType.Consult
_NO_ANSWER = ev.CallState.NoAnswer
_TRANSFERRED = ev.CallState.Transferred
_CONFERENCED = ev.CallState.Conferenced
_DROPPED = ev.CallState.Dropped
_RONA: Final = MappingProxyType({"ReasonCode": "RONA"})

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


class VoiceSimulator:
    """The voice contact center of a configuration's ``[simulation]`` section.

    Args:
        config: a loaded configuration; its ``[simulation]`` section is
            validated at once (:meth:`VoiceWorkload.from_config`).
        rng: the only source of randomness; seed it for reproducible runs.

    Raises:
        ConfigError: the model is impossible; the error names the field.

    Use :meth:`events` once: it yields the CTI events in time order up to the
    horizon (``[simulation] duration`` / ``end``, excluded); :attr:`records`
    fills with one :class:`~simulators.records.CallRecord` per finished call
    meanwhile, and gets the unfinished ones once :meth:`events` is exhausted.
    :meth:`run` does the same without building events (records only).
    """

    #: registry name
    name: Final = "voice"

    def __init__(self, config: Config, rng: random.Random) -> None:
        #: the validated model
        self.workload: Final = self._load_workload(config)
        self.config: Final = config
        self.rng: Final = rng
        w = self.workload
        #: the common ``[simulation]`` settings
        self.settings: Final[SimulationSettings] = w.settings
        #: first instant and horizon (POSIX ms; events are < end_ms)
        self.start_ms: Final = w.settings.start_ms
        self.end_ms: Final = w.settings.end_ms
        self._link = w.settings.link
        self._zone = w.settings.zone
        self._out: list[ev.Event] = []
        self._sched: Scheduler[ev.Event] = Scheduler(self.start_ms, self._out)
        self._at = self._sched.at
        self._heap = self._sched.heap
        self._count = self._sched.counter
        self._emitting = True
        self._started = False
        self._records: list[CallRecord] = []
        self._active: dict[str, Call] = {}
        self._conn = 0
        self._qseq = 0
        self._offered = self._answered = self._abandoned = self._cleared = 0
        self._outbound = self._internal = 0
        self._rand = rng.random
        self._bits = rng.getrandbits
        self._expo = rng.expovariate
        cap, ring_cap = w.cap_ms, w.ring_cap_ms
        self._queues = {
            n: Queue(n, Handling(q.handling, rng, cap), self.start_ms) for n, q in w.queues.items()
        }
        for n, q in w.queues.items():
            targets = q.handling.transfer_queues or (n,)
            self._queues[n].h.transfer_queues = [self._queues[t] for t in targets]
        #: every idle agent, longest idle first
        self._idle_all: OrderedDict[Agent, None] = OrderedDict()
        self._agents: list[Agent] = []
        breaks: dict[int, Break] = {}
        for plan in w.agents:
            agent = Agent(plan.agent, plan.login, plan.dn, plan.login_queue)
            agent.queues = [self._queues[q] for q in plan.queues]
            agent.shifts = [
                (s.login_ms, s.logout_ms, [(t, self._break(b, breaks, cap)) for t, b in s.breaks])
                for s in plan.shifts
            ]
            self._agents.append(agent)
        self._streams = [
            Stream(
                a,
                [self._queues[q] for q, _ in a.route],
                a.route_delay.sampler(rng, cap),
                self.start_ms,
            )
            for a in w.arrivals
        ]
        nr, out, internal = w.not_ready, w.outbound, w.internal
        self._nr_mean = 3_600_000 / nr.per_hour if nr.per_hour > 0 else 0.0
        self._nr_breaks = [Break(r, nr.duration.sampler(rng, cap)) for r, _ in nr.reasons]
        self._nr_weights = [weight for _, weight in nr.reasons]
        self._out_mean = 3_600_000 / out.per_hour if out.per_hour > 0 else 0.0
        self._out_dial = out.dial.sampler(rng, ring_cap)
        self._out_answer_p = out.answer_probability
        self._out_talk = out.talk.sampler(rng, cap)
        self._out_acw_p = out.acw_probability
        self._out_acw = out.acw.sampler(rng, cap)
        self._int_mean = 3_600_000 / internal.per_hour if internal.per_hour > 0 else 0.0
        self._int_ring = internal.ring.sampler(rng, ring_cap)
        self._int_talk = internal.talk.sampler(rng, cap)
        # Timer callbacks are bound once: an instance attribute shadows the
        # method, so setting a timer does not allocate a bound method.
        for name in _CALLBACKS:
            setattr(self, name, getattr(self, name))

    def _break(self, spec: BreakSpec, cache: dict[int, Break], cap: int) -> Break:
        if id(spec) not in cache:
            cache[id(spec)] = Break(spec.reason, spec.duration.sampler(self.rng, cap))
        return cache[id(spec)]

    @classmethod
    def _load_workload(cls, config: Config) -> VoiceWorkload:
        """The validated voice model (a hook: the multimedia simulator schedules
        agents without voice seats, simulators/media_workload.py)."""
        return VoiceWorkload.from_config(config)

    @classmethod
    def from_config(
        cls, config: Config, *, seed: int | None = None, rng: random.Random | None = None
    ) -> VoiceSimulator:
        """Build with ``rng``, or a ``random.Random(seed)`` (default: ``[simulation] seed``)."""
        if rng is None:
            settings = SimulationSettings.from_config(config)
            rng = random.Random(settings.seed if seed is None else seed)
        return cls(config, rng)

    # ------------------------------------------------------------------
    # Public surface
    # ------------------------------------------------------------------

    @property
    def records(self) -> Sequence[CallRecord]:
        """Ground truth: one record per finished call, in the order they finished.

        Grows while :meth:`events` is consumed; once it is exhausted the calls
        still in progress at the horizon are added (outcome ``unfinished``,
        durations counted up to the horizon). Calls whose customer left but
        whose after-call work runs past the horizon keep their outcome.
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
        queues = {
            n: QueueStatistics(
                waiting=q.n,
                peak_waiting=q.peak,
                queue_time_ms=q.area + q.n * (now - q.last),
                entered=q.entered,
            )
            for n, q in self._queues.items()
        }
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
            agents_logged_in=sum(1 for a in self._agents if a.state != OFF),
            queues=MappingProxyType(queues),
        )

    # ------------------------------------------------------------------
    # Events, records, start and end
    # ------------------------------------------------------------------

    def _call_event(self, cls: type[ev.CallEvent], dn: str, conn: str, **fields: Any) -> None:
        if self._emitting:
            now = self._sched.now
            self._out.append(cls(time=now, link=self._link, dn=dn, conn_id=conn, **fields))

    def _agent_event(self, cls: type[ev.AgentDNEvent], agent: Agent, **fields: Any) -> None:
        if self._emitting:
            now = self._sched.now
            self._out.append(
                cls(time=now, link=self._link, dn=agent.dn, agent_id=agent.login, **fields)
            )

    def _begin(self) -> None:
        if self._started:
            raise LocalProtocolError("a simulation runs once: call events() (or run()) only once")
        self._started = True
        self._out.append(ev.LinkConnected(time=self.start_ms, link=self._link))
        for stream in self._streams:
            self._next_arrival(stream)
        for agent in self._agents:
            if agent.shifts:
                self._at(agent.shifts[0][0], self._login_due, agent, 0)

    def _finish(self) -> None:
        end = self.end_ms
        for call in self._active.values():
            if call.state == QUEUED:  # on its queue's waiting list
                call.queue_ms += end - call.enq
            elif call.state == RINGING:
                call.ring_ms += end - call.ring_at
            elif call.state == TALKING and call.hold_at:
                call.hold_ms += end - call.hold_at
            elif call.state == TALKING:
                call.talk_ms += end - call.seg
            self._record(call)
        self._active.clear()

    def _record(self, c: Call) -> None:
        self._records.append(
            CallRecord(
                c.conn, c.kind, c.outcome, c.entry, c.first_queue, c.arrival, c.queued_at,
                c.answered, c.answered_by, c.abandoned, c.ended, c.wait, c.queue_ms, c.ring_ms,
                c.talk_ms, c.hold_ms, c.acw_ms, c.holds, c.consults, c.transfers, c.conferences,
                c.ronas, tuple(c.agents), c.consultations, c.consultations_answered,
                tuple([s.frozen(c) for s in c.stays]),
            )
        )  # fmt: skip

    def _done(self, call: Call) -> None:
        """The call is over for the customer: record it unless ACW is running."""
        if call.pending_acw == 0:
            del self._active[call.conn]
            self._record(call)

    def _new_conn(self) -> str:
        self._conn += 1
        return f"{self._conn:016x}"

    @staticmethod
    def _end_stay(call: Call, outcome: StayOutcome, now: int) -> None:
        """The current queue stay ends unanswered (abandon, RONA, clear)."""
        stay = call.stay
        assert stay is not None
        stay.outcome = outcome
        stay.outcome_at = now
        call.stay = None

    # ------------------------------------------------------------------
    # Arrivals
    # ------------------------------------------------------------------

    def _next_arrival(self, stream: Stream) -> None:
        """Schedule the stream's next arrival: exact inversion of the
        piecewise-constant cumulative rate (no thinning)."""
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
        if int(t) < end:
            heappush(self._heap, (int(t), next(self._count), self._arrive, stream, 0))

    def _enter_slot(self, stream: Stream, t: int) -> None:
        """Move ``stream`` to the 15-minute interval containing ``t``."""
        slot = t - t % INTERVAL_MS
        stream.slot_end = slot + INTERVAL_MS
        local = datetime.fromtimestamp(slot / 1000, UTC).astimezone(self._zone)
        per_hour = interval_rate(stream.spec, local)
        cv = stream.spec.daily_cv
        if cv > 0 and per_hour > 0:
            factor = stream.gamma.get(local.date())
            if factor is None:
                # one gamma factor of mean 1 per local day (QUEUEING §C.1)
                shape = 1.0 / (cv * cv)
                factor = stream.gamma[local.date()] = self.rng.gammavariate(shape, 1.0 / shape)
            per_hour *= factor
        stream.rate = per_hour / 3_600_000.0

    def _arrive(self, stream: Stream, _token: int) -> None:
        now = self._sched.now
        self._next_arrival(stream)
        self._offered += 1
        conn = self._new_conn()
        ani = f"0{1_000_000_000 + self._bits(32)}"
        spec = stream.spec
        call = Call(conn, CallKind.INBOUND, spec.dn, now, ani)
        self._active[conn] = call
        queues = stream.queues
        queue = (
            queues[0]
            if len(queues) == 1
            else queues[bisect_right(stream.cumulative, self._rand() * stream.total)]
        )
        call.queue = queue
        h = queue.h
        if h.patience is not None:
            deadline = now + h.patience()
            if deadline < self.end_ms:
                heappush(self._heap, (deadline, next(self._count), self._patience, call, 0))
        if spec.routing_point:
            if self._emitting:
                self._out.append(
                    ev.RouteRequest(
                        time=now, link=self._link, dn=spec.dn, conn_id=conn, call_type=_IN,
                        ani=ani, dnis=spec.dn,
                    )
                )  # fmt: skip
            self._at(now + stream.delay(), self._route_used, call)
        else:
            self._enqueue(call, queue, False)

    def _route_used(self, call: Call, _token: int) -> None:
        if call.state != ROUTING:
            return
        queue = call.queue
        assert queue is not None
        if self._emitting:
            self._out.append(
                ev.RouteUsed(
                    time=self._sched.now, link=self._link, dn=call.entry, conn_id=call.conn,
                    other_dn=queue.number,
                )
            )  # fmt: skip
        self._enqueue(call, queue, False)

    # ------------------------------------------------------------------
    # Queues and distribution
    # ------------------------------------------------------------------

    def _enqueue(self, call: Call, q: Queue, front: bool) -> None:
        """``Queued`` on ``q``: to the longest-idle qualified agent, or wait
        (at the back, or at the ``front`` after a ring-no-answer)."""
        now = self._sched.now
        if self._emitting:
            self._out.append(
                ev.Queued(
                    time=now, link=self._link, dn=q.number, conn_id=call.conn, call_type=_IN,
                    ani=call.ani, dnis=call.entry,
                )
            )  # fmt: skip
        q.entered += 1
        call.state = QUEUED
        call.queue = q
        stay = call.stay = Stay(q.number, now)
        call.stays.append(stay)
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
        if q.pool:
            agent = next(iter(q.pool))
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
        if call.clear_entry != call.qentry and call.clear_at < self.end_ms:
            call.clear_entry = call.qentry
            self._at(call.clear_at, self._clear_due, call, call.qentry)

    def _leave_queue(self, call: Call, q: Queue) -> None:
        """Bookkeeping of a call leaving ``q``'s waiting list (abandoned calls
        stay in the deque until they reach its head)."""
        now = self._sched.now
        q.area += q.n * (now - q.last)
        q.last = now
        q.n -= 1
        call.queue_ms += now - call.enq

    def _take(self, agent: Agent) -> None:
        """An idle agent leaves every idle pool."""
        for q in agent.queues:
            del q.pool[agent]
        del self._idle_all[agent]

    def _offer(self, call: Call, q: Queue, agent: Agent) -> None:
        """``Diverted`` on the queue, ``Ringing`` at the agent; answer or RONA later."""
        now = self._sched.now
        conn = call.conn
        if self._emitting:
            link = self._link
            self._out.append(
                ev.Diverted(
                    time=now, link=link, dn=q.number, conn_id=conn, other_dn=agent.dn,
                    call_type=_IN,
                )
            )  # fmt: skip
            self._out.append(
                ev.Ringing(
                    time=now, link=link, dn=agent.dn, conn_id=conn, other_dn=call.ani,
                    this_queue=q.number, call_type=_IN, ani=call.ani, dnis=call.entry,
                )
            )  # fmt: skip
        agent.state = OFFERED
        call.state = RINGING
        call.agent = agent
        call.ring_at = now
        call.ring_no += 1
        stay = call.stay
        assert stay is not None
        stay.distributed = now
        stay.agent = agent.emp
        h = q.h
        ring = h.rona_ms if h.rona_p and self._rand() < h.rona_p else h.ring()
        if ring >= h.rona_ms:
            self._at(now + h.rona_ms, self._rona, call, call.ring_no)
        else:
            heappush(self._heap, (now + ring, next(self._count), self._answer, call, call.ring_no))

    def _idle(self, agent: Agent) -> None:
        """A ready agent takes the longest-waiting call of its queues, or idles."""
        best: Call | None = None
        best_q: Queue | None = None
        for q in agent.queues:
            waiting = q.waiting
            while waiting and waiting[0].state != QUEUED:
                waiting.popleft()
            if waiting and (best is None or waiting[0].qkey < best.qkey):
                best, best_q = waiting[0], q
        if best is not None and best_q is not None:
            best_q.waiting.popleft()
            self._leave_queue(best, best_q)
            self._offer(best, best_q, agent)
            return
        agent.state = IDLE
        for q in agent.queues:
            q.pool[agent] = None
        self._idle_all[agent] = None

    # ------------------------------------------------------------------
    # Leaving without an answer
    # ------------------------------------------------------------------

    def _patience(self, call: Call, _token: int) -> None:
        """The caller's patience ran out: abandon unless answered already."""
        if call.answered is not None or call.state == DONE:
            return
        now = self._sched.now
        if call.state == ROUTING:
            self._call_event(ev.Abandoned, call.entry, call.conn)
            call.outcome = Outcome.ABANDONED_QUEUED
        elif call.state == QUEUED:
            q = call.queue
            assert q is not None
            self._call_event(ev.Abandoned, q.number, call.conn)
            self._leave_queue(call, q)
            call.outcome = Outcome.ABANDONED_QUEUED
            self._end_stay(call, StayOutcome.ABANDONED_QUEUED, now)
        else:  # ringing: the only other state before an answer
            agent = call.agent
            assert agent is not None
            self._call_event(ev.Abandoned, agent.dn, call.conn)
            call.ring_ms += now - call.ring_at
            call.outcome = Outcome.ABANDONED_RINGING
            self._end_stay(call, StayOutcome.ABANDONED_RINGING, now)
            call.agent = None
            self._free(agent)
        self._abandoned += 1
        call.state = DONE
        call.abandoned = call.ended = now
        call.wait = now - call.arrival
        self._done(call)

    def _clear_due(self, call: Call, entry: int) -> None:
        if call.state == QUEUED and call.qentry == entry:
            assert call.queue is not None
            self._leave_queue(call, call.queue)
            self._clear(call)

    def _clear(self, call: Call) -> None:
        """The system drops a call that waited ``max_wait`` (CallCleared)."""
        now = self._sched.now
        assert call.queue is not None
        self._call_event(ev.Released, call.queue.number, call.conn, call_state=_DROPPED)
        self._cleared += 1
        call.state = DONE
        call.outcome = Outcome.CLEARED
        call.ended = now
        self._end_stay(call, StayOutcome.CLEARED, now)
        if call.answered is None:
            call.wait = now - call.arrival
        self._done(call)

    def _rona(self, call: Call, ring_no: int) -> None:
        """Ring-no-answer: released NoAnswer, agent NotReady, call back at the front."""
        if call.state != RINGING or call.ring_no != ring_no:
            return
        now = self._sched.now
        agent, q = call.agent, call.queue
        assert agent is not None
        assert q is not None
        self._call_event(ev.Released, agent.dn, call.conn, call_state=_NO_ANSWER)
        self._agent_event(ev.AgentNotReady, agent, reasons=_RONA)
        call.ring_ms += now - call.ring_at
        call.ronas += 1
        self._end_stay(call, StayOutcome.RING_NO_ANSWER, now)
        call.agent = None
        agent.mode = M_NOT_READY
        agent.state = NOT_READY
        agent.token += 1
        self._at(now + q.h.rona_nr(), self._not_ready_end, agent, agent.token)
        self._enqueue(call, q, True)

    # ------------------------------------------------------------------
    # Answered calls
    # ------------------------------------------------------------------

    def _answer(self, call: Call, ring_no: int) -> None:
        if call.state != RINGING or call.ring_no != ring_no:
            return
        now = self._sched.now
        agent, q = call.agent, call.queue
        assert agent is not None
        assert q is not None
        if self._emitting:
            self._out.append(
                ev.Established(
                    time=now, link=self._link, dn=agent.dn, conn_id=call.conn, call_type=_IN
                )
            )
        call.ring_ms += now - call.ring_at
        call.state = TALKING
        agent.state = BUSY
        call.agents.append(agent.emp)
        call.seg = now
        stay = call.stay
        assert stay is not None
        stay.outcome = StayOutcome.ANSWERED
        stay.outcome_at = now
        stay.talk0, stay.hold0 = call.talk_ms, call.hold_ms
        h = call.h = q.h
        talk = h.talk()
        if call.answered is None:
            self._answered += 1
            call.answered = now
            call.answered_by = agent.emp
            call.wait = now - call.arrival
            if h.features:
                r = self._rand()
                feature = (
                    F_HOLD if r < h.t_hold
                    else F_CONSULT if r < h.t_consult
                    else F_TRANSFER if r < h.t_transfer
                    else F_CONFERENCE if r < h.t_conference
                    else F_NONE
                )  # fmt: skip
                if feature != F_NONE:
                    first = int(talk * (0.2 + 0.6 * self._rand()))
                    call.rest = talk - first
                    self._at(now + first, self._feature, call, feature)
                    return
        heappush(self._heap, (now + talk, next(self._count), self._release, call, 0))

    def _release(self, call: Call, _token: int) -> None:
        """The customer's call ends normally."""
        now = self._sched.now
        agent, h = call.agent, call.h
        assert agent is not None
        assert h is not None
        if self._emitting:
            self._out.append(ev.Released(time=now, link=self._link, dn=agent.dn, conn_id=call.conn))
        call.talk_ms += now - call.seg
        call.state = DONE
        call.outcome = Outcome.ANSWERED
        call.ended = now
        call.agent = None
        # the queue's agent, unless it handed the call over (call.stay None)
        stay = call.stay
        if stay is not None:
            stay.end_part(call, now)
            call.stay = None
        self._wrap(agent, call, h.acw_p, h.acw, stay)
        self._done(call)

    def _wrap(
        self, agent: Agent, call: Call, p: float, acw: Sampler, stay: Stay | None = None
    ) -> None:
        """After the agent's part of ``call``: after-call work, or free at once.
        ``stay``: the queue stay credited with the ACW (the queue distributed
        the call to this agent)."""
        if p and (p >= 1.0 or self._rand() < p):
            now = self._sched.now
            if self._emitting:
                self._out.append(
                    ev.AgentNotReady(
                        time=now, link=self._link, dn=agent.dn, agent_id=agent.login,
                        work_mode=ev.WorkMode.AfterCallWork,
                    )
                )  # fmt: skip
            agent.mode = M_ACW
            agent.state = ACW
            agent.acw_call = call
            agent.acw_stay = stay
            agent.acw_at = now
            call.pending_acw += 1
            agent.token += 1
            heappush(
                self._heap, (now + acw(), next(self._count), self._acw_end, agent, agent.token)
            )
        else:
            self._free(agent)

    def _acw_end(self, agent: Agent, token: int) -> None:
        if token != agent.token:
            return
        call = agent.acw_call
        assert call is not None
        agent.acw_call = None
        acw = self._sched.now - agent.acw_at
        call.acw_ms += acw
        stay = agent.acw_stay
        if stay is not None:
            stay.acw = acw
            agent.acw_stay = None
        call.pending_acw -= 1
        if call.state == DONE and call.pending_acw == 0:
            self._done(call)
        self._free(agent)

    # -- hold, consult, transfer, conference --------------------------------

    def _feature(self, call: Call, feature: int) -> None:
        h = call.h
        assert h is not None
        if feature == F_HOLD:
            self._hold(call)
        elif feature != F_TRANSFER:
            self._consult(call, feature)
        elif h.attended >= 1.0 or (h.attended and self._rand() < h.attended):
            self._consult(call, F_TRANSFER)
        else:
            self._transfer_to_queue(call)

    def _hold(self, call: Call) -> None:
        now = self._sched.now
        agent, h = call.agent, call.h
        assert agent is not None
        assert h is not None
        self._call_event(ev.Held, agent.dn, call.conn)
        call.talk_ms += now - call.seg
        call.hold_at = now
        call.holds += 1
        self._at(now + h.hold(), self._retrieve, call)

    def _retrieve(self, call: Call, _token: int) -> None:
        now = self._sched.now
        assert call.agent is not None
        self._call_event(ev.Retrieved, call.agent.dn, call.conn)
        call.hold_ms += now - call.hold_at
        call.hold_at = 0
        call.seg = now
        self._at(now + call.rest, self._release, call)

    def _consult(self, call: Call, mode: int) -> None:
        """Hold the customer and call an idle colleague (an outside number if
        none is idle); a transfer or a conference needs a colleague."""
        now = self._sched.now
        a, q, h = call.agent, call.queue, call.h
        assert a is not None
        assert q is not None
        assert h is not None
        b = next(iter(q.pool)) if q.pool else None
        if b is None and mode == F_TRANSFER:
            self._transfer_to_queue(call)
            return
        if b is None:
            mode = F_CONSULT
        conn = self._new_conn()
        call.talk_ms += now - call.seg
        call.hold_at = now
        call.consultations += 1
        self._call_event(ev.Held, a.dn, call.conn)
        if b is not None:
            self._take(b)
            b.state = BUSY
            self._call_event(ev.Dialing, a.dn, conn, other_dn=b.dn, call_type=_CONS)
            self._call_event(ev.Ringing, b.dn, conn, other_dn=a.dn, call_type=_CONS)
        else:
            outside = f"00{1_000_000_000 + self._bits(32)}"
            self._call_event(ev.Dialing, a.dn, conn, other_dn=outside, call_type=_CONS)
            self._call_event(ev.NetworkReached, a.dn, conn, call_type=_CONS)
        ring = min(h.ring(), h.rona_ms - 1)
        self._at(now + ring, self._consult_answer, Consult(call, a, b, conn, mode))

    def _consult_answer(self, cs: Consult, _token: int) -> None:
        h = cs.call.h
        assert h is not None
        if cs.b is not None:
            self._call_event(ev.Established, cs.b.dn, cs.conn, call_type=_CONS)
        self._call_event(ev.Established, cs.a.dn, cs.conn, call_type=_CONS)
        cs.call.consultations_answered += 1
        self._at(self._sched.now + h.consult(), self._consult_end, cs)

    def _consult_end(self, cs: Consult, _token: int) -> None:
        now = self._sched.now
        call, a, b, conn = cs.call, cs.a, cs.b, cs.conn
        h = call.h
        assert h is not None
        call.hold_ms += now - call.hold_at
        call.hold_at = 0
        call.seg = now
        if cs.mode == F_CONSULT:
            if b is not None:
                self._call_event(ev.Released, b.dn, conn)
            self._call_event(ev.Released, a.dn, conn)
            self._call_event(ev.Retrieved, a.dn, call.conn)
            call.consults += 1
            if b is not None:
                self._free(b)
            self._at(now + call.rest, self._release, call)
            return
        assert b is not None
        if cs.mode == F_TRANSFER:
            # attended transfer (semantics §1.3, PartyChanged)
            self._call_event(ev.Released, a.dn, conn)
            self._call_event(ev.Released, a.dn, call.conn, other_dn=b.dn, call_state=_TRANSFERRED)
            self._call_event(
                ev.PartyChanged, b.dn, call.conn, other_dn=call.ani, previous_conn_id=conn,
                call_type=_IN,
            )  # fmt: skip
            call.transfers += 1
            call.agent = b
            call.agents.append(b.emp)
            # the queue distributed the call to a, not to b: a's part ends here
            stay = call.stay
            if stay is not None:
                stay.end_part(call, now)
                call.stay = None
            self._wrap(a, call, h.acw_p, h.acw, stay)
            self._at(now + h.talk(), self._release, call)
            return
        # conference: PartyAdded at the conferencing DN, PartyChanged at the new party
        self._call_event(ev.Released, a.dn, conn, call_state=_CONFERENCED)
        self._call_event(ev.Retrieved, a.dn, call.conn)
        self._call_event(ev.PartyAdded, a.dn, call.conn, third_party_dn=b.dn, previous_conn_id=conn)
        self._call_event(
            ev.PartyChanged, b.dn, call.conn, other_dn=call.ani, previous_conn_id=conn,
            call_type=_IN, call_state=_CONFERENCED,
        )  # fmt: skip
        call.conferences += 1
        call.agents.append(b.emp)
        self._at(now + h.conference(), self._conference_end, cs)

    def _conference_end(self, cs: Consult, _token: int) -> None:
        call, a, b = cs.call, cs.a, cs.b
        assert b is not None
        self._call_event(ev.Released, b.dn, call.conn)
        self._call_event(ev.PartyDeleted, a.dn, call.conn, third_party_dn=b.dn)
        self._free(b)
        self._at(self._sched.now + call.rest, self._release, call)

    def _transfer_to_queue(self, call: Call) -> None:
        """Single-step transfer: released as Transferred, ``Queued`` on the target."""
        now = self._sched.now
        a, h = call.agent, call.h
        assert a is not None
        assert h is not None
        targets = h.transfer_queues
        target = targets[0] if len(targets) == 1 else self.rng.choice(targets)
        self._call_event(
            ev.Released, a.dn, call.conn, other_dn=target.number, call_state=_TRANSFERRED
        )
        call.talk_ms += now - call.seg
        call.transfers += 1
        call.agent = None
        stay = call.stay
        if stay is not None:
            stay.end_part(call, now)
        self._enqueue(call, target, False)  # a new stay
        self._wrap(a, call, h.acw_p, h.acw, stay)

    # ------------------------------------------------------------------
    # Agents: free, not ready, shifts
    # ------------------------------------------------------------------

    def _free(self, agent: Agent) -> None:
        """The agent finished what it was doing: logout, break, or ready."""
        if agent.logout_pending:
            self._logout(agent)
            return
        pending = agent.pending
        if pending is not None:
            agent.pending = None
            self._not_ready(agent, pending)
            return
        if agent.mode != M_READY:
            if self._emitting:
                self._out.append(
                    ev.AgentReady(
                        time=self._sched.now, link=self._link, dn=agent.dn, agent_id=agent.login
                    )
                )
            agent.mode = M_READY
        self._idle(agent)

    def _not_ready(self, agent: Agent, brk: Break) -> None:
        if agent.state == IDLE:
            self._take(agent)
        self._agent_event(ev.AgentNotReady, agent, reasons=brk.reasons)
        agent.mode = M_NOT_READY
        agent.state = NOT_READY
        agent.token += 1
        self._at(self._sched.now + brk.duration(), self._not_ready_end, agent, agent.token)

    def _not_ready_end(self, agent: Agent, token: int) -> None:
        if token == agent.token and agent.state == NOT_READY:
            self._free(agent)

    def _break_due(self, arg: tuple[Agent, Break], shift_no: int) -> None:
        agent, brk = arg
        if agent.shift_no != shift_no or agent.state == OFF:
            return
        if agent.state == IDLE:
            self._not_ready(agent, brk)
        else:
            agent.pending = brk  # taken when the agent is next free

    def _random_not_ready(self, agent: Agent, gen: int) -> None:
        if gen != agent.gen:
            return
        self._at(self._sched.now + self._after(self._nr_mean), self._random_not_ready, agent, gen)
        busy = agent.state in (OFFERED, BUSY, ACW, BLOCKED)
        if agent.state == IDLE or (busy and agent.pending is None):
            breaks = self._nr_breaks
            brk = breaks[0] if len(breaks) == 1 else self.rng.choices(breaks, self._nr_weights)[0]
            if agent.state == IDLE:
                self._not_ready(agent, brk)
            else:
                agent.pending = brk

    def _after(self, mean: float) -> int:
        """An exponential delay of ``mean`` ms, at least 1 ms."""
        return int(self._expo(1.0) * mean) + 1

    def _login_due(self, agent: Agent, shift_no: int) -> None:
        now = self._sched.now
        agent.shift_no = shift_no
        _, logout, breaks = agent.shifts[shift_no]
        if agent.state != OFF:
            # still on from the previous shift (a logout waiting for a call)
            agent.logout_pending = False
        else:
            self._agent_event(ev.AgentLogin, agent, this_queue=agent.login_queue)
            agent.gen += 1
            agent.state = BUSY
            agent.mode = M_NONE
            gen = agent.gen
            if self._nr_mean:
                self._at(now + self._after(self._nr_mean), self._random_not_ready, agent, gen)
            if self._out_mean:
                self._at(now + self._after(self._out_mean), self._outbound_due, agent, gen)
            if self._int_mean:
                self._at(now + self._after(self._int_mean), self._internal_due, agent, gen)
            self._free(agent)
        if logout is not None and logout < self.end_ms:
            self._at(logout, self._logout_due, agent, shift_no)
        for t, brk in breaks:
            self._at(t, self._break_due, (agent, brk), shift_no)

    def _logout_due(self, agent: Agent, shift_no: int) -> None:
        if agent.shift_no != shift_no or agent.state == OFF:
            return
        following = shift_no + 1
        if following < len(agent.shifts) and agent.shifts[following][0] <= self._sched.now:
            self._login_due(agent, following)  # back-to-back shifts: stay logged in
        elif agent.state in (IDLE, NOT_READY):
            self._logout(agent)
        else:
            agent.logout_pending = True

    def _logout(self, agent: Agent) -> None:
        if agent.state == IDLE:
            self._take(agent)
        self._agent_event(ev.AgentLogout, agent)
        agent.state = OFF
        agent.mode = M_NONE
        agent.token += 1
        agent.gen += 1
        agent.logout_pending = False
        agent.pending = None
        following = agent.shift_no + 1
        if following < len(agent.shifts):
            login = max(self._sched.now, agent.shifts[following][0])
            self._at(login, self._login_due, agent, following)

    # ------------------------------------------------------------------
    # Outbound and internal calls
    # ------------------------------------------------------------------

    def _outbound_due(self, agent: Agent, gen: int) -> None:
        if gen != agent.gen:
            return
        now = self._sched.now
        self._at(now + self._after(self._out_mean), self._outbound_due, agent, gen)
        if agent.state != IDLE:
            return
        self._take(agent)
        agent.state = BUSY
        self._outbound += 1
        conn = self._new_conn()
        number = f"9{1_000_000_000 + self._bits(32)}"
        call = Call(conn, CallKind.OUTBOUND, agent.dn, now, number)
        call.agent = agent
        call.state = RINGING  # dialing: counted as ring time
        call.ring_at = now
        self._active[conn] = call
        self._call_event(ev.Dialing, agent.dn, conn, other_dn=number, call_type=_OUT)
        self._call_event(ev.NetworkReached, agent.dn, conn, call_type=_OUT)
        dial = self._out_dial()
        answered = self._rand() < self._out_answer_p
        self._at(now + dial, self._outbound_answer if answered else self._outbound_no_answer, call)

    def _outbound_answer(self, call: Call, _token: int) -> None:
        now = self._sched.now
        agent = call.agent
        assert agent is not None
        self._call_event(ev.Established, agent.dn, call.conn, call_type=_OUT)
        call.ring_ms += now - call.ring_at
        call.state = TALKING
        call.answered = call.seg = now
        call.answered_by = agent.emp
        call.agents.append(agent.emp)
        call.wait = now - call.arrival
        self._at(now + self._out_talk(), self._outbound_release, call)

    def _outbound_no_answer(self, call: Call, _token: int) -> None:
        now = self._sched.now
        agent = call.agent
        assert agent is not None
        self._call_event(ev.Released, agent.dn, call.conn)
        call.ring_ms += now - call.ring_at
        call.state = DONE
        call.outcome = Outcome.NO_ANSWER
        call.ended = now
        call.wait = now - call.arrival
        call.agent = None
        self._done(call)
        self._free(agent)

    def _outbound_release(self, call: Call, _token: int) -> None:
        now = self._sched.now
        agent = call.agent
        assert agent is not None
        self._call_event(ev.Released, agent.dn, call.conn)
        call.talk_ms += now - call.seg
        call.state = DONE
        call.outcome = Outcome.ANSWERED
        call.ended = now
        call.agent = None
        self._wrap(agent, call, self._out_acw_p, self._out_acw)
        self._done(call)

    def _internal_due(self, agent: Agent, gen: int) -> None:
        if gen != agent.gen:
            return
        now = self._sched.now
        self._at(now + self._after(self._int_mean), self._internal_due, agent, gen)
        if agent.state != IDLE or len(self._idle_all) < 2:
            return
        candidates = iter(self._idle_all)
        callee = next(candidates)
        if callee is agent:
            callee = next(candidates)
        self._take(agent)
        self._take(callee)
        agent.state = callee.state = BUSY
        self._internal += 1
        conn = self._new_conn()
        call = Call(conn, CallKind.INTERNAL, agent.dn, now, agent.dn)
        call.agent, call.peer = agent, callee
        call.state = RINGING
        call.ring_at = now
        self._active[conn] = call
        self._call_event(ev.Dialing, agent.dn, conn, other_dn=callee.dn, call_type=_INT)
        self._call_event(ev.Ringing, callee.dn, conn, other_dn=agent.dn, call_type=_INT)
        self._at(now + self._int_ring(), self._internal_answer, call)

    def _internal_answer(self, call: Call, _token: int) -> None:
        now = self._sched.now
        a, b = call.agent, call.peer
        assert a is not None
        assert b is not None
        self._call_event(ev.Established, b.dn, call.conn, call_type=_INT)
        self._call_event(ev.Established, a.dn, call.conn, call_type=_INT)
        call.ring_ms += now - call.ring_at
        call.state = TALKING
        call.answered = call.seg = now
        call.answered_by = a.emp
        call.agents.extend((a.emp, b.emp))
        call.wait = now - call.arrival
        self._at(now + self._int_talk(), self._internal_release, call)

    def _internal_release(self, call: Call, _token: int) -> None:
        now = self._sched.now
        a, b = call.agent, call.peer
        assert a is not None
        assert b is not None
        self._call_event(ev.Released, b.dn, call.conn)
        self._call_event(ev.Released, a.dn, call.conn)
        call.talk_ms += now - call.seg
        call.state = DONE
        call.outcome = Outcome.ANSWERED
        call.ended = now
        call.agent = call.peer = None
        self._done(call)
        self._free(b)
        self._free(a)
