"""The media ground truth of the report (statengine/report_media.py) against
a direct reading of its attribution rules (docs/report.md, "Media")."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.media_records import InteractionOutcome, InteractionRecord
from statengine.report import INTERVAL_MS
from statengine.report_media import MEDIA_MEASURES, media_ground_truth

START = 1_772_521_200_000  # a quarter hour
END = START + 5 * INTERVAL_MS + 123_456  # a partial last interval
HORIZON = END - START


@st.composite
def interactions(draw: st.DrawFn) -> InteractionRecord:
    entered = START + draw(st.integers(0, HORIZON - 1))
    fate = draw(st.sampled_from(["waiting", "abandoned", "offered", "handling", "done"]))
    area = draw(st.sampled_from(["Chat", "Email"]))

    def later(t: int) -> int | None:
        if t >= END - 1:
            return None
        return t + draw(st.integers(0, min(END - 1 - t, 2 * INTERVAL_MS)))

    rec: dict[str, Any] = {
        "ixn_id": f"i{draw(st.integers(0, 10**9))}",
        "media": area.lower(),
        "link": "ixn1",
        "staging_area": area,
        "outcome": InteractionOutcome.UNFINISHED,
        "entered_ms": entered,
    }
    if fate == "abandoned":
        left = later(entered)
        if left is not None:
            rec.update(outcome=InteractionOutcome.ABANDONED, abandoned_ms=left, ended_ms=left)
            rec["wait_ms"] = left - entered
        return InteractionRecord(**rec)
    if fate == "waiting":
        return InteractionRecord(**rec)
    distributed = later(entered)
    if distributed is None:
        return InteractionRecord(**rec)
    rec.update(distributed_ms=distributed, wait_ms=distributed - entered, agent="1001")
    accepted = later(distributed) if fate != "offered" else None
    if accepted is None:
        return InteractionRecord(**rec)
    rec.update(accepted_ms=accepted, delivery_ms=accepted - distributed)
    ended = later(accepted) if fate == "done" else None
    if ended is None:
        rec["handle_ms"] = END - accepted
        return InteractionRecord(**rec)
    rec.update(outcome=InteractionOutcome.COMPLETED, ended_ms=ended, handle_ms=ended - accepted)
    return InteractionRecord(**rec)


def _naive(records: list[InteractionRecord], area: str, t: int) -> dict[str, Any]:
    """One row straight from the rules: each instant counts in its interval."""

    def inside(ms: int | None) -> bool:
        return ms is not None and t <= ms < t + INTERVAL_MS

    mine = [r for r in records if r.staging_area == area]
    distributed = [r for r in mine if inside(r.distributed_ms)]
    completed = [r for r in mine if r.completed and inside(r.ended_ms)]
    end = min(t + INTERVAL_MS, END)
    waits = [r.wait_ms for r in distributed if r.wait_ms is not None]
    return {
        "entered": sum(inside(r.entered_ms) for r in mine),
        "distributed": len(distributed),
        "accepted": sum(inside(r.accepted_ms) for r in mine),
        "abandoned": sum(inside(r.abandoned_ms) for r in mine),
        "completed": len(completed),
        "backlog": sum(
            1
            for r in mine
            if r.entered_ms < end
            and not any(x is not None and x < end for x in (r.distributed_ms, r.abandoned_ms))
        ),
        "asa": sum(waits) / len(waits) / 1000 if waits else 0,
        "max_wait": max(waits, default=0) / 1000,
        "aht": sum(r.handle_ms for r in completed) / len(completed) / 1000 if completed else 0,
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(interactions(), max_size=40))
def test_media_ground_truth_follows_the_attribution_rules(
    records: list[InteractionRecord],
) -> None:
    areas = {"Chat": "chat", "Email": "email", "Backoffice": "workitem"}
    out = media_ground_truth(records, areas, START, END, ZoneInfo("Europe/Paris"))
    assert set(out) == set(areas)
    for area, rows in out.items():
        assert [r["start_ms"] for r in rows] == list(range(START, END, INTERVAL_MS))
        for row in rows:
            assert row["media"] == areas[area]
            want = _naive(records, area, row["start_ms"])
            for key in MEDIA_MEASURES:
                if key in ("asa", "max_wait", "aht"):
                    assert abs(row[key] - want[key]) < 0.001, (area, row["start"], key)
                else:
                    assert row[key] == want[key], (area, row["start"], key)
