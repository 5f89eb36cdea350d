"""The report of a simulated period: queue figures per 15-minute interval,
agent state times, call-flow counts, and the ground truth beside them.

Schema and conventions: ``docs/report.md``.

The engine side is gathered the way a WFM Data Aggregator would: statistics
opened through the engine API (:meth:`Engine.open_statistic`) on the
``CollectorDefault`` time profile with reset-based notification; each
interval's final value arrives with the reset at its end, and the last,
partial interval is peeked when the run ends. The caller feeds the engine;
:class:`ReportCollector` only needs to be told the time before each event
(:meth:`ReportCollector.before`) so that it can move the engine clock to each
interval boundary first and keep the reset notifications.

The ``ground_truth`` side is computed by :func:`ground_truth` from the
simulator's own :class:`~simulators.records.CallRecord` values, never from the
event stream: the queue rows from each record's stays in ACD queues
(:class:`~simulators.records.QueueStay`), with the attribution rules of
``docs/report.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, Final, Protocol

from statengine.core.engine import Engine, FeedResult
from statengine.core.notify import Notification, NotificationSettings, NotifyMode, Reason
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.stattypes import StatType

__all__ = [
    "INTERVAL_MS",
    "QUEUE_MEASURES",
    "REPORT_VERSION",
    "ReportCollector",
    "build_report",
    "ground_truth",
]

#: Version of the report layout (docs/report.md).
REPORT_VERSION: Final = 1
#: The reporting interval (the CollectorDefault profile: every quarter hour).
INTERVAL_MS: Final = 15 * 60 * 1000
#: Service level threshold and short-abandon threshold, seconds (the
#: ServiceLevel and ShortAbandon time ranges of configs/stattypes.toml).
SL_THRESHOLD_S: Final = 20
SHORT_ABANDON_S: Final = 10
INTERVAL_PROFILE: Final = "CollectorDefault"
DAILY_PROFILE: Final = "Default"

#: measure -> (stat type, time range, time range 2)
_QUEUE_STATS: Final[Mapping[str, tuple[str, str | None, str | None]]] = {
    "offered": ("Total_Calls_Entered", None, None),
    "answered": ("Total_Calls_Answered", None, None),
    "abandoned": ("Total_Abandoned", None, None),
    "short_abandoned": ("Total_Short_Abandoned", "ShortAbandon", None),
    "answered_within_threshold": ("Total_Answered_In_Threshold", "ServiceLevel", None),
    "service_level": ("Service_Factor", "ServiceLevel", "ShortAbandon"),
    "asa": ("Average_Speed_Of_Answer", None, None),
    "aht": ("Wallboard_Queue_AHT", None, None),
    "max_wait": ("Max_Answer_Time", None, None),
}
#: the measures of a queue interval, in report order
QUEUE_MEASURES: Final = tuple(_QUEUE_STATS)
_COUNTS: Final = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "answered_within_threshold",
)

#: agent statuses whose daily TotalTime is reported
AGENT_STATUSES: Final = (
    "WaitForNextCall",
    "NotReadyForNextCall",
    "AfterCallWork",
    "CallDialing",
    "CallRinging",
    "CallInbound",
    "CallOutbound",
    "CallInternal",
    "CallConsult",
    "CallOnHold",
    "CallUnknown",
)
#: call flow -> the agent DNAction counted (TotalNumber, daily)
FLOW_ACTIONS: Final[Mapping[str, str]] = {
    "hold": "CallHeld",
    "consult": "CallConsultOriginated",
    "transfer": "CallTransferMade",
    "conference": "CallConferenceMade",
    "ring_no_answer": "CallMissed",
}

_RESET_ONLY: Final = NotificationSettings(mode=NotifyMode.RESET)


class _Stay(Protocol):
    """What :func:`ground_truth` reads of a :class:`simulators.records.QueueStay`."""

    @property
    def queue(self) -> str: ...
    @property
    def entered_ms(self) -> int: ...
    @property
    def outcome(self) -> str: ...
    @property
    def outcome_ms(self) -> int | None: ...
    @property
    def released_ms(self) -> int | None: ...
    @property
    def talk_ms(self) -> int: ...
    @property
    def hold_ms(self) -> int: ...
    @property
    def acw_ms(self) -> int: ...


class _Record(Protocol):
    """What :func:`ground_truth` reads of a :class:`simulators.CallRecord`."""

    @property
    def holds(self) -> int: ...
    @property
    def consultations(self) -> int: ...
    @property
    def consultations_answered(self) -> int: ...
    @property
    def transfers(self) -> int: ...
    @property
    def conferences(self) -> int: ...
    @property
    def ronas(self) -> int: ...
    @property
    def queue_stays(self) -> Sequence[_Stay]: ...


def interval_start(ms: int) -> int:
    """The start of the 15-minute interval holding ``ms`` (POSIX ms).

    Quarter hours of POSIX time are quarter hours of every zone whose offset
    is a whole number of quarter hours (all zones in use).
    """
    return ms - ms % INTERVAL_MS


def _label(ms: int, zone: tzinfo) -> str:
    return datetime.fromtimestamp(ms / 1000, zone).isoformat(timespec="minutes")


def _number(value: float) -> float | int:
    if isinstance(value, int):
        return value
    return int(value) if float(value).is_integer() else round(value, 3)


class ReportCollector:
    """Opens the report's statistics on an engine and keeps what they send.

    Call :meth:`before` with each event's time *before* feeding it (it
    advances the engine to every interval boundary up to that time and keeps
    the reset notifications), :meth:`collect` with any :class:`FeedResult`
    the caller gets, and :meth:`finish` at the end of the run.
    """

    def __init__(self, engine: Engine, *, subscriber: str = "report") -> None:
        if engine.now is None:
            raise ValueError("the engine clock must have started (Engine(now=...) or advance)")
        self.engine: Final = engine
        self.subscriber: Final = subscriber
        self.opened_ms: Final[int] = engine.now
        self.next_boundary = interval_start(engine.now) + INTERVAL_MS
        self.queues: Final = tuple(engine.objects(ObjectType.Queue))
        self.agents: Final = tuple(engine.objects(ObjectType.Agent))
        #: (queue id, measure, interval start) -> value
        self.values: dict[tuple[str, str, int], float | int] = {}
        #: (agent id, what) -> summed value (daily statistics, summed over days)
        self.agent_values: dict[tuple[str, str], float] = {}
        self._open()

    def _open(self) -> None:
        engine, sub = self.engine, self.subscriber
        for ref in self.queues:
            for measure, (stat, tr, tr2) in _QUEUE_STATS.items():
                engine.open_statistic(
                    sub,
                    ("q", ref.id, measure),
                    ref,
                    stat,
                    profile=INTERVAL_PROFILE,
                    time_range=tr,
                    time_range2=tr2,
                    notification=_RESET_ONLY,
                )
        status_types = {
            status: StatType.from_definition(
                {
                    "Name": f"Report_Time_{status}",
                    "Objects": ["Agent"],
                    "Category": "TotalTime",
                    "Subject": "AgentStatus",
                    "MainMask": status,
                }
            )
            for status in AGENT_STATUSES
        }
        flow_types = {
            flow: StatType.from_definition(
                {
                    "Name": f"Report_Count_{action}",
                    "Objects": ["Agent"],
                    "Category": "TotalNumber",
                    "Subject": "DNAction",
                    "MainMask": action,
                }
            )
            for flow, action in FLOW_ACTIONS.items()
        }
        for ref in self.agents:
            for what, st in (*status_types.items(), *flow_types.items()):
                engine.open_statistic(
                    sub,
                    ("a", ref.id, what),
                    ref,
                    st,
                    profile=DAILY_PROFILE,
                    notification=_RESET_ONLY,
                )

    def before(self, time_ms: int) -> None:
        """Move the engine to each interval boundary up to ``time_ms``."""
        while self.next_boundary <= time_ms:
            self.collect(self.engine.advance(self.next_boundary))
            self.next_boundary += INTERVAL_MS

    def collect(self, result: FeedResult) -> None:
        """Keep the reset notifications of the report's subscriptions."""
        for n in result.notifications:
            if n.subscriber == self.subscriber and n.reason is Reason.RESET:
                self._keep(n, n.time - INTERVAL_MS)

    def _keep(self, n: Notification, interval: int) -> None:
        kind, obj_id, what = n.ref_id
        if kind == "q":
            if interval >= interval_start(self.opened_ms):
                self.values[(obj_id, what, interval)] = n.value
        else:
            key = (obj_id, what)
            self.agent_values[key] = self.agent_values.get(key, 0) + n.value

    def finish(self) -> None:
        """Peek the last, partial interval (and the day so far)."""
        now = self.engine.now
        assert now is not None
        current = interval_start(now)
        for ref in self.queues:
            for measure in QUEUE_MEASURES:
                n = self.engine.peek(self.subscriber, ("q", ref.id, measure))
                self.values[(ref.id, measure, current)] = n.value
        for ref in self.agents:
            for what in (*AGENT_STATUSES, *FLOW_ACTIONS):
                n = self.engine.peek(self.subscriber, ("a", ref.id, what))
                key = (ref.id, what)
                self.agent_values[key] = self.agent_values.get(key, 0) + n.value

    def engine_side(self, start_ms: int, end_ms: int, zone: tzinfo) -> dict[str, Any]:
        """The engine block of the report (docs/report.md)."""
        queues: dict[str, Any] = {}
        for ref in self.queues:
            rows = []
            for t in _intervals(start_ms, end_ms):
                row: dict[str, Any] = {"start": _label(t, zone), "start_ms": t}
                for measure in QUEUE_MEASURES:
                    value = self.values.get((ref.id, measure, t), 0)
                    row[measure] = _number(value)
                rows.append(row)
            queues[ref.id] = rows
        agents: dict[str, Any] = {}
        flows = dict.fromkeys(FLOW_ACTIONS, 0)
        for ref in self.agents:
            states = {s: _number(self.agent_values.get((ref.id, s), 0)) for s in AGENT_STATUSES}
            agents[ref.id] = {"state_time_s": {k: v for k, v in states.items() if v}}
            for flow in FLOW_ACTIONS:
                flows[flow] += int(self.agent_values.get((ref.id, flow), 0))
        return {"queues": queues, "agents": agents, "call_flows": flows}


def _intervals(start_ms: int, end_ms: int) -> list[int]:
    first = interval_start(start_ms)
    return list(range(first, max(end_ms, first + 1), INTERVAL_MS))


def _seconds(start_ms: int, end_ms: int) -> int:
    """A duration in whole seconds as the engine's time ranges measure it:
    both instants truncated to the second, then subtracted."""
    return end_ms // 1000 - start_ms // 1000


def ground_truth(
    records: Iterable[_Record],
    queues: Sequence[str],
    start_ms: int,
    end_ms: int,
    zone: tzinfo,
) -> dict[str, Any]:
    """The queue figures and call-flow counts from the simulator's records,
    with the attribution rules of docs/report.md.

    A queue is measured per **stay** of a call in it, not per call: a call
    that comes back after a ring-no-answer or is transferred to a queue is
    offered again there, and its wait restarts, as a caller re-entering a
    queue is what the queue's staff sees. The handling a queue is credited
    with is that of the agent it distributed the call to.
    """
    cells: dict[tuple[str, int], dict[str, Any]] = {}

    def cell(queue: str, t: int) -> dict[str, Any]:
        key = (queue, interval_start(t))
        found = cells.get(key)
        if found is None:
            found = cells[key] = {
                **dict.fromkeys(_COUNTS, 0),
                "wait_ms": 0,
                "max_wait_ms": 0,
                "handle_ms": 0,
                "handled": 0,
                "sl_abandoned": 0,
                "sl_short": 0,
            }
        return found

    # engine ids are "number@switch"; records name the number
    by_number = {q.partition("@")[0]: q for q in queues}
    flows = dict.fromkeys(FLOW_ACTIONS, 0)
    for r in records:
        # every consultation starts with the customer put on hold (CallHeld);
        # the engine counts a consultation when it is answered
        flows["hold"] += r.holds + r.consultations
        flows["consult"] += r.consultations_answered
        flows["transfer"] += r.transfers
        flows["conference"] += r.conferences
        flows["ring_no_answer"] += r.ronas
        for stay in r.queue_stays:
            queue = by_number.get(stay.queue)
            if queue is None:
                continue
            entered, outcome, at = stay.entered_ms, str(stay.outcome), stay.outcome_ms
            cell(queue, entered)["offered"] += 1
            if at is None:
                pass  # waiting or ringing at the horizon
            elif outcome == "answered":
                c = cell(queue, at)
                wait = at - entered
                c["answered"] += 1
                c["wait_ms"] += wait
                c["max_wait_ms"] = max(c["max_wait_ms"], wait)
                if _seconds(entered, at) < SL_THRESHOLD_S:
                    c["answered_within_threshold"] += 1
            elif outcome in ("abandoned_queued", "abandoned_ringing"):
                c = cell(queue, at)
                short = _seconds(entered, at) < SHORT_ABANDON_S
                # the service factor's denominator also counts callers who hung
                # up while an agent's phone rang (CallAbandonedFromRinging)
                c["sl_abandoned"] += 1
                c["sl_short"] += short
                if outcome == "abandoned_queued":
                    c["abandoned"] += 1
                    c["short_abandoned"] += short
            released = stay.released_ms
            if released is not None:
                # CallReleased: the agent's talk, holds included, counted where
                # it ended; ACWCompleted where the ACW ended
                h = cell(queue, released)
                h["handle_ms"] += stay.talk_ms + stay.hold_ms
                h["handled"] += 1
                if stay.acw_ms:
                    cell(queue, released + stay.acw_ms)["handle_ms"] += stay.acw_ms
    out: dict[str, Any] = {}
    for q in queues:
        rows = []
        for t in _intervals(start_ms, end_ms):
            c = cells.get((q, t)) or cell(q, t)
            answered = c["answered"]
            base = answered + c["sl_abandoned"] - c["sl_short"]
            row: dict[str, Any] = {"start": _label(t, zone), "start_ms": t}
            row.update({k: c[k] for k in _COUNTS})
            row["service_level"] = (
                _number(100.0 * c["answered_within_threshold"] / base) if base else 0
            )
            row["asa"] = _number(c["wait_ms"] / answered / 1000) if answered else 0
            row["aht"] = _number(c["handle_ms"] / c["handled"] / 1000) if c["handled"] else 0
            row["max_wait"] = _number(c["max_wait_ms"] / 1000)
            rows.append(row)
        out[q] = rows
    return {"queues": out, "call_flows": flows}


def build_report(
    *,
    collector: ReportCollector,
    start_ms: int,
    end_ms: int,
    zone: tzinfo,
    meta: Mapping[str, Any],
    records: Sequence[_Record] | None,
) -> dict[str, Any]:
    """The whole report (docs/report.md). ``records`` None: no ground truth
    (a simulator without it, e.g. a replay)."""
    engine_side = collector.engine_side(start_ms, end_ms, zone)
    report: dict[str, Any] = {
        "version": REPORT_VERSION,
        "meta": dict(meta),
        "conventions": {
            "interval_minutes": INTERVAL_MS // 60000,
            "service_level": "ServiceFactor1: 100 * answered within threshold / "
            "(answered + abandoned - short abandoned)",
            "service_level_threshold_s": SL_THRESHOLD_S,
            "short_abandon_s": SHORT_ABANDON_S,
            "wait": "from entering the queue (queue CallAnswered), ms truncated to seconds "
            "for the thresholds",
        },
        "start_ms": start_ms,
        "end_ms": end_ms,
        **engine_side,
    }
    if records is not None:
        queue_ids = [ref.id for ref in collector.queues]
        report["ground_truth"] = ground_truth(records, queue_ids, start_ms, end_ms, zone)
    return report


def object_ids(refs: Iterable[ObjectRef]) -> list[str]:
    return [ref.id for ref in refs]
