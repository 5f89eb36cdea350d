"""``python -m benchmarks compare``: the same M/M/c workload in our voice
simulator, Ciw and SimPy (issue #8).

The queueing checks are loose on purpose: they catch a workload that is not
the one asked for (rates per hour taken per second, a wrong service
distribution, a warm-up applied to the wrong clock), not small biases; the
simulators' own validation is tests/simulators/test_validation.py.
Calibration (5 agents, occupancy 0.7, AHT 30 s, SL at 10 s, ~8,000 calls
measured), standard deviations over 120 seeds, the same for our simulator
and SimPy (Ciw over 30 seeds: alike): SL 2.1 points, P(wait) 2.2 points,
ASA 14 %. Tolerances: 12 points (> 5 sd) and ASA within 80 % (> 5 sd), so
no seed makes them flaky. Each run takes about 0.2-0.4 s.
"""

from __future__ import annotations

import functools
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from benchmarks import __main__ as bench_main
from benchmarks.compare_simulators import (
    INSTALL_HINT,
    VOICE,
    VOICE_ENGINE,
    Measures,
    Sample,
    Workload,
    compare,
    erlang_c_reference,
    main,
    mmc_config,
    run_ciw,
    run_engine,
    run_simpy,
    run_statengine,
)

#: the calibrated workload of the module docstring
QUEUE = Workload(
    agents=5, rate_per_hour=0.7 * 5 * 3600 / 30, aht_s=30.0, hours=20.0, threshold_s=10
)
#: a small one for the plumbing (a few hundred calls)
TINY = Workload(agents=3, rate_per_hour=200.0, aht_s=30.0, hours=1.5, warmup_h=0.5, seed=4)


def _check_against_erlang_c(sample: Sample, w: Workload) -> None:
    expected_calls = w.rate * w.horizon_s
    assert sample.calls == pytest.approx(expected_calls, rel=0.06)  # sd 1.1 %
    m = Measures.of(sample.waits, w)
    ref = erlang_c_reference(w)
    assert ref.p_wait is not None
    assert m.p_wait is not None
    report = f"measured {m}, Erlang C {ref}"
    assert m.window == pytest.approx(ref.window, rel=0.06), report
    assert abs(m.service_level - ref.service_level) <= 0.12, report
    assert abs(m.p_wait - ref.p_wait) <= 0.12, report
    assert abs(m.asa_s / ref.asa_s - 1) <= 0.8, report
    # a few calls at most are still waiting at the horizon
    assert m.window - m.answered <= 5, report


def test_our_simulator_runs_the_mmc_workload() -> None:
    sample = run_statengine(QUEUE, mmc_config(QUEUE))
    _check_against_erlang_c(sample, QUEUE)
    # login + ready per agent, then five events per call
    # (Queued, Diverted, Ringing, Established, Released)
    assert sample.events is not None
    assert 5 * sample.calls - 20 <= sample.events <= 5 * sample.calls + 3 * QUEUE.agents + 1


def test_ciw_runs_the_mmc_workload() -> None:
    pytest.importorskip("ciw")
    _check_against_erlang_c(run_ciw(QUEUE), QUEUE)


def test_simpy_runs_the_mmc_workload() -> None:
    pytest.importorskip("simpy")
    sample = run_simpy(QUEUE)
    _check_against_erlang_c(sample, QUEUE)
    assert sample.events is None


def test_runs_are_reproducible() -> None:
    """Same seed, same calls: what lets --repeat keep the best time of
    identical runs."""
    runners: list[Callable[[], Sample]] = [lambda: run_statengine(TINY, mmc_config(TINY))]
    for module, runner in (("ciw", run_ciw), ("simpy", run_simpy)):
        try:
            __import__(module)
        except ImportError:
            continue
        runners.append(functools.partial(runner, TINY))
    for run in runners:
        first = run()
        assert first.calls > 0
        assert run() == first


def test_engine_line_is_what_the_engine_counts_from_the_stream() -> None:
    """The engine's queue statistics, opened at the warm-up, against the
    same run's ground truth: calls answered after the warm-up, answered
    within the threshold on whole seconds (0-20 half-open, both instants
    truncated: docs/report.md), and their mean wait."""
    config = mmc_config(TINY)
    sample, measures = run_engine(TINY, config)
    truth = run_statengine(TINY, config)
    assert sample == truth
    warm_ms, end_ms = round(TINY.warmup_s * 1000), round(TINY.horizon_s * 1000)
    answered = []
    for arrival, wait in truth.waits:  # seconds from the start, a whole second
        if wait is None:
            continue
        arrived_ms = round(arrival * 1000)
        answered_ms = arrived_ms + round(wait * 1000)
        if warm_ms <= answered_ms < end_ms:
            answered.append((arrived_ms, answered_ms))
    within = sum(a // 1000 - q // 1000 < TINY.threshold_s for q, a in answered)
    assert len(answered) > 100
    assert measures.window == measures.answered == len(answered)
    assert measures.service_level == pytest.approx(within / len(answered), abs=1e-12)
    mean_wait = sum(a - q for q, a in answered) / len(answered) / 1000
    assert measures.asa_s == pytest.approx(mean_wait, rel=1e-9)
    assert measures.p_wait is None


def test_compare_prints_every_line_and_returns_the_figures() -> None:
    out = io.StringIO()
    report = compare(TINY, repeat=2, console=Console(file=out, width=150))
    names = [r["simulator"] for r in report["results"]]
    expected = [VOICE, VOICE_ENGINE]
    for module, name in (("ciw", "Ciw"), ("simpy", "SimPy")):
        try:
            __import__(module)
        except ImportError:
            assert module in report["missing"]
        else:
            expected.append(name)
    assert names == expected
    for row in report["results"]:
        assert row["calls"] > 0
        assert row["wall_s"] > 0
        assert 0 < row["cpu_s"] <= row["wall_s"] * 1.5  # one thread (clocks' granularity)
        assert row["calls_per_s"] == pytest.approx(row["calls"] / row["wall_s"], rel=1e-3)
    voice = report["results"][0]
    assert voice["events_per_s"] == pytest.approx(voice["events"] / voice["wall_s"], rel=1e-3)
    ref = erlang_c_reference(TINY)
    assert report["erlang_c"]["service_level"] == pytest.approx(ref.service_level, abs=1e-5)
    assert report["workload"]["occupancy"] == pytest.approx(200 * 30 / 3600 / 3, abs=1e-4)
    text = out.getvalue()
    for word in ("Erlang C", "calls/s", "events/s", "CPU s", "SL(20 s)", *names):
        assert word in text
    if "Ciw" in names:
        ratio = report["results"][0]["calls_per_s"] / _row(report, "Ciw")["calls_per_s"]
        assert report["voice_vs_ciw_calls_per_s"] == pytest.approx(ratio, rel=1e-2)
        cpu_ratio = _row(report, "Ciw")["cpu_s"] / report["results"][0]["cpu_s"]
        assert report["voice_vs_ciw_calls_per_cpu_s"] == pytest.approx(cpu_ratio, rel=1e-2)
        assert "statengine voice / Ciw" in text


def _row(report: dict[str, object], name: str) -> dict[str, float]:
    rows = report["results"]
    assert isinstance(rows, list)
    (row,) = (r for r in rows if r["simulator"] == name)
    return row  # type: ignore[no-any-return]


def test_missing_ciw_and_simpy_are_skipped_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ciw", None)  # makes `import ciw` fail
    monkeypatch.setitem(sys.modules, "simpy", None)
    path = tmp_path / "cmp.json"
    args = ["--agents", "3", "--rate", "200", "--aht", "30", "--hours", "1.5"]
    main([*args, "--warmup", "0.5", "--repeat", "1", "--no-engine", "--json", str(path)])
    out = capsys.readouterr().out
    assert "ciw is not installed" in out
    assert "simpy is not installed" in out
    assert INSTALL_HINT.split()[0] in out
    assert "pip install '.[bench]'" in out
    report = json.loads(path.read_text("utf-8"))
    assert report["missing"] == ["ciw", "simpy"]
    assert [r["simulator"] for r in report["results"]] == [VOICE]
    assert report["voice_vs_ciw_calls_per_s"] is None
    assert report["voice_vs_ciw_calls_per_cpu_s"] is None


def test_python_m_benchmarks_compare(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["benchmarks", "compare", "--agents", "2", "--load", "0.5", "--aht", "20"]
    monkeypatch.setattr(sys, "argv", [*argv, "--hours", "0.5", "--warmup", "0.1", "--repeat", "1"])
    bench_main.main()
    out = capsys.readouterr().out
    assert "M/M/c: 2 agents, 180.0 calls/h, AHT 20 s" in out
    assert VOICE_ENGINE in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agents", "0"], "--agents must be >= 1"),
        (["--aht", "0"], "--aht must be a finite number > 0"),
        (["--aht", "nan"], "--aht must be a finite number > 0"),
        (["--rate", "-5"], "--rate must be a finite number > 0"),
        (["--load", "0"], "--load must be a finite number > 0"),
        (["--load", "1.2"], "must be below 1"),
        (["--rate", "1000", "--agents", "2"], "must be below 1"),
        (["--hours", "0"], "--hours must be > 0"),
        (["--hours", "2", "--warmup", "2"], "--warmup must be >= 0 and below --hours"),
        (["--threshold", "-1"], "--threshold must be >= 0"),
        (["--repeat", "0"], "--repeat must be >= 1"),
        (["--agents", "many"], "invalid int value"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_unwritable_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--agents", "2", "--load", "0.5", "--aht", "20", "--hours", "0.2", "--warmup", "0"]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--repeat", "1", "--no-engine", "--json", str(tmp_path)])  # a directory
    assert exc.value.code == 2
    assert f"cannot write {tmp_path}" in capsys.readouterr().err
