"""The benchmarks run and print every figure (benchmarks/engine_throughput.py).

Tiny sizes only: speed is measured by running the benchmark, never asserted
here (shared/DESIGN.md).
"""

from __future__ import annotations

import contextlib
import io
import json
import pathlib
from typing import Any

import pytest

from benchmarks import engine_throughput
from statengine import ObjectType
from statengine.config import _library
from statengine.core.engine import StatisticsProfile
from statengine.testing import make_center

AGENTS, EVENTS = 20, 3000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """One run at tiny size: what it printed and the JSON it wrote."""
    path = tmp_path_factory.mktemp("bench") / "figures.json"
    argv = ["--agents", str(AGENTS), "--events", str(EVENTS), "--runs", "2", "--json", str(path)]
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.setenv("COLUMNS", "200")  # rich: one line per table row
        engine_throughput.main(argv)
    return out.getvalue(), json.loads(path.read_text("utf-8"))


def _expected_statistics(profiles: int) -> int:
    """Every stat type of the library on every object of the tiny center it
    applies to, once per profile (counted here from the center, not the run)."""
    library = StatisticsProfile.from_sections(_library())
    center = make_center(agents=AGENTS, queues=1)
    count = {
        ObjectType.Agent: AGENTS,
        ObjectType.Place: AGENTS,
        ObjectType.GroupAgents: 2,  # G0 (50 a group) and VQ0 (one a queue)
        ObjectType.GroupPlaces: 1,
        ObjectType.Queue: 1,
        ObjectType.RoutePoint: 1,
        ObjectType.GroupQueues: 1,
        ObjectType.StagingArea: len(center.staging_areas),
    }
    assert count[ObjectType.StagingArea] == 4
    return profiles * sum(
        count.get(otype, 0)
        for stat_type in library.stat_types.values()
        for otype in stat_type.objects
    )


def test_every_figure_is_printed(tiny: tuple[str, dict[str, Any]]) -> None:
    out, _ = tiny
    for label, _, _ in engine_throughput._ROWS:
        assert label in out, label
    for title in ("event mix", "engine throughput", "backup and restore, median of 2"):
        assert title in out
    rows = [line.strip("│| ") for line in out.splitlines()]
    for step in engine_throughput.STEPS:
        assert any(row.strip().startswith(f"{step} ") for row in rows), step
    assert "open in profile Default" in out
    assert "open in profile CollectorDefault" in out


def test_the_figures_are_consistent(tiny: tuple[str, dict[str, Any]]) -> None:
    _, figures = tiny
    assert figures["agents"] == AGENTS
    assert figures["events"] == EVENTS
    assert figures["open_statistics"] == _expected_statistics(2)
    assert figures["open_statistics_by_profile"] == {
        "Default": _expected_statistics(1),
        "CollectorDefault": _expected_statistics(1),
    }
    # the library shares sums: far fewer aggregates than statistics
    assert figures["shared_sums"] is True
    assert 0 < figures["aggregates"] < figures["open_statistics"] / 2
    for key in ("events_per_s", "us_per_event", "cpu_us_per_event", "peak_rss_mb"):
        assert figures[key] > 0, key
    assert figures["bytes_per_statistic"] is not None
    assert figures["backup_bytes"] > 1000
    assert figures["backup_bytes_per_statistic"] == round(
        figures["backup_bytes"] / figures["open_statistics"]
    )
    steps = figures["backup_steps"]
    assert list(steps) == list(engine_throughput.STEPS)
    for step in steps.values():
        assert min(step.values()) >= 0
        assert step["cpu_min_s"] <= step["cpu_s"]
    for what in ("backup", "restore"):
        assert figures[f"{what}_wall_s"] > 0
        assert figures[f"{what}_cpu_s"] > 0
    mix = figures["mix"]
    assert sum(mix.values()) == EVENTS
    assert {"Ringing", "Established", "Released", "AgentReady"} <= set(mix)


def test_the_mix_is_printed_with_counts_and_shares(tiny: tuple[str, dict[str, Any]]) -> None:
    out, figures = tiny
    mix = figures["mix"]
    for name, count in mix.items():
        line = next(line for line in out.splitlines() if f" {name} " in line)
        assert f"{count:,}" in line
        assert f"{100 * count / EVENTS:.2f} %" in line


@pytest.mark.parametrize(
    "argv",
    [["--events", "0"], ["--agents", "-3"], ["--profiles", "Nope"], ["--runs", "x"]],
    ids=["no-events", "negative-agents", "unknown-profile", "bad-runs"],
)
def test_bad_options_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    with pytest.raises(SystemExit) as info:
        engine_throughput.main(argv)
    assert info.value.code == 2
    assert "usage: python -m benchmarks throughput" in capsys.readouterr().err
