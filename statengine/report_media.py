"""The media part of the simulation report: per staging area and per
15-minute interval, what entered, was distributed, accepted, abandoned and
completed, the backlog at the interval's end, waits and handle times; and
the same measures computed from the simulator's interaction records.

Schema and conventions: ``docs/report.md`` ("Media").

The engine side is gathered like the voice part (:mod:`statengine.report`):
statistics opened through :meth:`Engine.open_statistic` on the
``CollectorDefault`` profile with reset-based notification, the last,
partial interval peeked at the end. :class:`MediaReportCollector` is a
:class:`~statengine.report.ReportCollector` that also keeps these, so one
collector moves the engine to the interval boundaries for both parts.

Staging-area measures are statistics on the staging area; the agent-side
measures (accepted, completed, handle time) are statistics on the tenant
restricted to the area's media (``MediaType``): the simulator routes each
media through exactly one staging area.

The ``ground_truth`` side is :func:`media_ground_truth`, computed from
:class:`~simulators.media_records.InteractionRecord` values, never from the
event stream.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import tzinfo
from typing import Any, Final, Protocol

from statengine.core.engine import Engine, FeedResult
from statengine.core.notify import Reason
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.stattypes import StatType
from statengine.report import (
    _RESET_ONLY,
    INTERVAL_MS,
    INTERVAL_PROFILE,
    ReportCollector,
    _intervals,
    _label,
    _number,
    interval_start,
)

__all__ = [
    "MEDIA_MEASURES",
    "MediaReportCollector",
    "add_media_report",
    "media_ground_truth",
]

#: measure -> (category, main mask, on the tenant with the area's media?)
_MEDIA_STATS: Final[Mapping[str, tuple[str, str, bool]]] = {
    "entered": ("TotalNumber", "InteractionEntered", False),
    "distributed": ("TotalNumber", "InteractionDistributed", False),
    "accepted": ("TotalNumber", "Accepted", True),
    "abandoned": ("TotalNumber", "InteractionCleared", False),
    "completed": ("TotalAdjustedNumber", "Handling", True),
    "backlog": ("CurrentNumber", "InteractionWaiting", False),
    "asa": ("AverageTime", "InteractionDistributed", False),
    "max_wait": ("MaxTime", "InteractionDistributed", False),
    "aht": ("AverageTime", "Handling", True),
}
#: the measures of a staging-area interval, in report order
MEDIA_MEASURES: Final = tuple(_MEDIA_STATS)
_COUNTS: Final = ("entered", "distributed", "accepted", "abandoned", "completed")


class _Interaction(Protocol):
    """What :func:`media_ground_truth` reads of an ``InteractionRecord``."""

    @property
    def staging_area(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def entered_ms(self) -> int: ...
    @property
    def distributed_ms(self) -> int | None: ...
    @property
    def accepted_ms(self) -> int | None: ...
    @property
    def abandoned_ms(self) -> int | None: ...
    @property
    def ended_ms(self) -> int | None: ...
    @property
    def handle_ms(self) -> int: ...


class MediaReportCollector(ReportCollector):
    """The voice report's collector, plus the staging areas' statistics.

    Args:
        engine: the engine being fed (its clock started).
        subscriber: the voice part's subscriber; the media part subscribes
            as ``<subscriber>-media``.
    """

    def __init__(self, engine: Engine, *, subscriber: str = "report") -> None:
        super().__init__(engine, subscriber=subscriber)
        self.media_subscriber: Final = f"{subscriber}-media"
        #: staging area id -> its media, for every configured staging area
        self.areas: Final[Mapping[str, str]] = {
            s.name: s.media for s in engine.config.staging_areas
        }
        #: (area id, measure, interval start) -> value
        self.media_values: dict[tuple[str, str, int], float | int] = {}
        types: dict[tuple[str, str], StatType] = {}
        for area in engine.config.staging_areas:
            for measure, (category, mask, by_media) in _MEDIA_STATS.items():
                definition: dict[str, Any] = {
                    "Name": f"Report_Media_{measure}" + (f"_{area.media}" if by_media else ""),
                    "Objects": ["Tenant" if by_media else "StagingArea"],
                    "Category": category,
                    "Subject": "DNAction",
                    "MainMask": mask,
                }
                if by_media:
                    definition["MediaType"] = area.media
                key = (measure, area.media if by_media else "")
                if key not in types:
                    types[key] = StatType.from_definition(definition)
                obj = (
                    ObjectRef(area.tenant, ObjectType.Tenant, area.tenant)
                    if by_media
                    else ObjectRef(area.tenant, ObjectType.StagingArea, area.name)
                )
                engine.open_statistic(
                    self.media_subscriber,
                    ("m", area.name, measure),
                    obj,
                    types[key],
                    profile=INTERVAL_PROFILE,
                    notification=_RESET_ONLY,
                )

    def collect(self, result: FeedResult) -> None:
        super().collect(result)
        first = interval_start(self.opened_ms)
        for n in result.notifications:
            if n.subscriber == self.media_subscriber and n.reason is Reason.RESET:
                interval = n.time - INTERVAL_MS
                if interval >= first:
                    _, area, measure = n.ref_id
                    self.media_values[(area, measure, interval)] = n.value

    def finish(self) -> None:
        super().finish()
        now = self.engine.now
        assert now is not None
        current = interval_start(now)
        for area in self.areas:
            for measure in MEDIA_MEASURES:
                n = self.engine.peek(self.media_subscriber, ("m", area, measure))
                self.media_values[(area, measure, current)] = n.value

    def media_side(self, start_ms: int, end_ms: int, zone: tzinfo) -> dict[str, Any]:
        """The engine's ``staging_areas`` block (docs/report.md)."""
        out: dict[str, Any] = {}
        for area, media in self.areas.items():
            rows = []
            for t in _intervals(start_ms, end_ms):
                row: dict[str, Any] = {"start": _label(t, zone), "start_ms": t, "media": media}
                for measure in MEDIA_MEASURES:
                    row[measure] = _number(self.media_values.get((area, measure, t), 0))
                rows.append(row)
            out[area] = rows
        return out


def media_ground_truth(
    records: Iterable[_Interaction],
    areas: Mapping[str, str],
    start_ms: int,
    end_ms: int,
    zone: tzinfo,
) -> dict[str, Any]:
    """The ``staging_areas`` rows from the interaction records, with the
    attribution rules of docs/report.md ("Media").

    Args:
        records: the simulator's interaction records.
        areas: staging area -> media, the rows to produce.
        start_ms, end_ms: the reported period.
        zone: for the rows' local labels.
    """
    intervals = _intervals(start_ms, end_ms)
    cells: dict[tuple[str, int], dict[str, int]] = {}

    def cell(area: str, t: int) -> dict[str, int]:
        key = (area, interval_start(t))
        found = cells.get(key)
        if found is None:
            found = cells[key] = {
                **dict.fromkeys(_COUNTS, 0),
                "wait_ms": 0,
                "max_wait_ms": 0,
                "handle_ms": 0,
            }
        return found

    entered: dict[str, list[int]] = {a: [] for a in areas}
    left: dict[str, list[int]] = {a: [] for a in areas}
    for r in records:
        area = r.staging_area
        if area not in areas:
            continue
        cell(area, r.entered_ms)["entered"] += 1
        entered[area].append(r.entered_ms)
        if r.distributed_ms is not None:
            c = cell(area, r.distributed_ms)
            wait = r.distributed_ms - r.entered_ms
            c["distributed"] += 1
            c["wait_ms"] += wait
            c["max_wait_ms"] = max(c["max_wait_ms"], wait)
            left[area].append(r.distributed_ms)
        elif r.abandoned_ms is not None:
            cell(area, r.abandoned_ms)["abandoned"] += 1
            left[area].append(r.abandoned_ms)
        if r.accepted_ms is not None:
            cell(area, r.accepted_ms)["accepted"] += 1
        if str(r.outcome) == "completed" and r.ended_ms is not None:
            c = cell(area, r.ended_ms)
            c["completed"] += 1
            c["handle_ms"] += r.handle_ms
    out: dict[str, Any] = {}
    for area, media in areas.items():
        ins, outs = sorted(entered[area]), sorted(left[area])
        rows = []
        for t in intervals:
            c = cells.get((area, t)) or cell(area, t)
            # waiting at the interval's end (the run's end for the last one)
            e = min(t + INTERVAL_MS, end_ms)
            row: dict[str, Any] = {"start": _label(t, zone), "start_ms": t, "media": media}
            row.update({k: c[k] for k in _COUNTS})
            row["backlog"] = bisect_left(ins, e) - bisect_left(outs, e)
            n = c["distributed"]
            row["asa"] = _number(c["wait_ms"] / n / 1000) if n else 0
            row["max_wait"] = _number(c["max_wait_ms"] / 1000)
            done = c["completed"]
            row["aht"] = _number(c["handle_ms"] / done / 1000) if done else 0
            rows.append({k: row[k] for k in ("start", "start_ms", "media", *MEDIA_MEASURES)})
        out[area] = rows
    return out


def add_media_report(
    report: dict[str, Any],
    *,
    collector: MediaReportCollector,
    start_ms: int,
    end_ms: int,
    zone: tzinfo,
    interactions: Sequence[_Interaction] | None,
) -> dict[str, Any]:
    """Add the ``staging_areas`` block (and its ground truth when the
    simulator keeps interaction records) to a report built by
    :func:`statengine.report.build_report`; returns ``report``."""
    if not collector.areas:
        return report
    report["staging_areas"] = collector.media_side(start_ms, end_ms, zone)
    report.setdefault("conventions", {})["media"] = (
        "per staging area; accepted, completed and aht count the area's media on the "
        "tenant; backlog at the interval's end; asa and max_wait from entering the area "
        "to distribution; aht from acceptance to the end of handling"
    )
    if interactions is not None:
        truth = report.setdefault("ground_truth", {})
        truth["staging_areas"] = media_ground_truth(
            interactions, collector.areas, start_ms, end_ms, zone
        )
    return report
