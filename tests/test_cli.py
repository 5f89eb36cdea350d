"""Tests for the ``statengine`` command (statengine/cli/).

Most tests call :func:`statengine.cli.main.main` in-process and read what it
printed with ``capsys``; one runs ``python -m statengine`` in a child process
from a directory outside the repository, so that it uses the *installed*
package and its bundled data (as after ``pip install .``).
"""

from __future__ import annotations

import importlib.resources
import json
import os
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from statengine import ActionKind, Engine, ObjectType, __version__
from statengine.cli.main import main
from statengine.config import load_packaged
from statengine.core import events as ev
from statengine.streams import read_stream, write_stream

REPO = Path(__file__).resolve().parent.parent
T0 = 1_772_438_400_000


@pytest.fixture(scope="module")
def sample_path() -> Iterator[Path]:
    """The bundled sample, as the CLI finds it (importlib.resources)."""
    resource = importlib.resources.files("configs").joinpath("samples", "example.msgpack")
    with importlib.resources.as_file(resource) as path:
        yield path


@pytest.fixture(scope="module")
def direct(sample_path: Path) -> Engine:
    """A strict engine fed the bundled sample directly, without the CLI."""
    engine = Engine(load_packaged("example"))
    with read_stream(sample_path) as reader:
        for event in reader:
            engine.feed(event)  # strict: raises if the sample holds an invalid event
    return engine


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "replay", "--json", *argv)
    assert (code, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    return data


def assert_one_line_error(code: int, out: str, err: str) -> str:
    """Exit status 2, nothing on stdout, one ``statengine: error:`` line, no traceback."""
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("statengine: error: ")
    return lines[0]


def write_jsonl(path: Path, *lines: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


HEADER = {"format": "statengine-stream", "version": 1, "meta": {"config": "example"}}
CONNECT = {"type": "LinkConnected", "time": T0, "link": "ts1"}
#: a Released for a call nobody has: refused with reason "no-such-call"
BAD_RELEASE = {
    "type": "Released",
    "time": T0 + 1000,
    "link": "ts1",
    "dn": "5001",
    "conn_id": "c404",
}


# --------------------------------------------------------------------------
# Replaying the bundled sample
# --------------------------------------------------------------------------


def test_sample_replays_without_refusals(
    capsys: pytest.CaptureFixture[str], direct: Engine
) -> None:
    """``statengine replay`` plays the bundled sample on the packaged example center."""
    data = run_json(capsys)
    summary = data["summary"]
    stats = direct.statistics()
    assert summary["stream"] == "package:configs/samples/example.msgpack"
    assert summary["config"] == "package:configs/example.toml"
    assert summary["strict"] is False
    assert summary["interrupted"] is False
    assert summary["events_refused"] == 0
    assert summary["refused_by_reason"] == {}
    assert summary["events_fed"] == summary["events_applied"] == stats.events_fed > 1000
    assert summary["late_events"] == stats.late_events
    assert summary["actions"] == stats.actions
    assert summary["status_changes"] == stats.status_changes
    assert summary["events_per_s"] > 0


def test_sample_state_equals_a_directly_fed_engine(
    capsys: pytest.CaptureFixture[str], direct: Engine
) -> None:
    """Every agent, place, queue, group and staging-area figure is the engine's own."""
    data = run_json(capsys)

    agents = {row["employee_id"]: row for row in data["agents"]}
    assert sorted(agents) == [ref.id for ref in direct.objects(ObjectType.Agent)]
    for ref in direct.objects(ObjectType.Agent):
        info = direct.status(ref)
        row = agents[ref.id]
        assert row["status"] == info.status.name
        assert row["since_ms"] == info.since
        assert row["reasons"] == (dict(info.action.reasons) if info.action else {})
        node = direct.current_state(ref)
        assert row["places"] == [c.ref.id for c in node.children if c.ref.type is ObjectType.Place]

    places = {row["name"]: row for row in data["places"]}
    for ref in direct.objects(ObjectType.Place):
        assert places[ref.id]["status"] == direct.status(ref).status.name

    queues = {row["id"]: row for row in data["queues"]}
    refs = direct.objects(ObjectType.Queue) + direct.objects(ObjectType.RoutePoint)
    assert sorted(queues) == sorted(ref.id for ref in refs)
    for ref in refs:
        node = direct.current_state(ref)
        waiting = [a for a in node.actions if a.kind is ActionKind.CallWait and a.is_open]
        assert queues[ref.id]["waiting"] == len(waiting)
        assert queues[ref.id]["type"] == ref.type.name
        assert queues[ref.id]["status"] == node.status.name

    groups = {row["name"]: row for row in data["agent_groups"]}
    for ref in direct.objects(ObjectType.GroupAgents):
        counts = {s.name: n for s, n in direct.group_status(ref).items() if n}
        assert groups[ref.id]["counts"] == counts
        assert groups[ref.id]["members"] == sum(counts.values())

    areas = {row["name"]: row for row in data["staging_areas"]}
    for (_, name), area in direct.model.staging.items():
        backlog = [a for a in area.open.values() if a.kind is ActionKind.InteractionWaiting]
        assert areas[name]["backlog"] == len(backlog)


def test_sample_since_is_local_time_of_the_tenant(capsys: pytest.CaptureFixture[str]) -> None:
    """The example tenant is in Europe/London: March times read as GMT."""
    data = run_json(capsys)
    assert all(row["since"].endswith(" GMT") for row in data["agents"])
    assert data["summary"]["first_event"] == "2026-03-02 08:00:00 GMT"


def test_tables_show_every_section(capsys: pytest.CaptureFixture[str], direct: Engine) -> None:
    code, out, err = run(capsys, "replay")
    assert (code, err) == (0, "")
    for title in ("Agents", "Places", "Queues and routing points", "Agent groups"):
        assert title in out
    assert "Staging areas" in out
    assert "events fed" in out
    assert "events/s" in out
    for ref in direct.objects(ObjectType.Agent):
        assert ref.id in out


def test_python_m_statengine_uses_the_installed_package(tmp_path: Path) -> None:
    """``python -m statengine replay --json`` from outside the repository."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-m", "statengine", "replay", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["summary"]["events_refused"] == 0
    assert data["summary"]["events_fed"] > 1000
    assert len(data["agents"]) == 10


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert (code, out.strip()) == (0, f"statengine {__version__}")


def test_sample_is_up_to_date() -> None:
    """The bundled sample is what scripts/make_sample.py makes today.

    If this fails after a change to the generator, the events or the stream
    format, run ``python scripts/make_sample.py`` and commit the new sample.
    """
    script = REPO / "scripts" / "make_sample.py"
    if not script.is_file():
        pytest.skip("not run from a source checkout")
    make_sample = runpy.run_path(str(script))
    assert make_sample["main"](["--check"]) == 0


# --------------------------------------------------------------------------
# Configurations
# --------------------------------------------------------------------------


def test_config_file_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    toml = importlib.resources.files("configs").joinpath("example.toml").read_text("utf-8")
    path = tmp_path / "center.toml"
    path.write_text(toml, encoding="utf-8")
    data = run_json(capsys, "--config", str(path))
    assert data["summary"]["config"] == str(path)
    assert data["summary"]["events_refused"] == 0


def test_config_name_from_option_overrides_the_header(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    header = {**HEADER, "meta": {"config": "no-such-center"}}
    stream = write_jsonl(tmp_path / "s.jsonl", header, CONNECT)
    data = run_json(capsys, str(stream), "--config", "example")
    assert data["summary"]["config"] == "package:configs/example.toml"
    assert data["summary"]["events_applied"] == 1


def test_stream_naming_no_config_needs_the_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stream = write_jsonl(tmp_path / "s.jsonl", {"format": "statengine-stream", "version": 1})
    line = assert_one_line_error(*run(capsys, "replay", str(stream)))
    assert "--config" in line
    assert str(stream) in line


# --------------------------------------------------------------------------
# Errors: one line on stderr, exit status 2
# --------------------------------------------------------------------------


def test_missing_stream_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.msgpack"
    line = assert_one_line_error(*run(capsys, "replay", str(missing)))
    assert str(missing) in line
    assert "no such file" in line


def test_stream_that_is_a_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = assert_one_line_error(*run(capsys, "replay", str(tmp_path), "--config", "example"))
    assert str(tmp_path) in line


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x93\x01\x02\x03", id="not-a-header"),
        pytest.param(b"", id="empty"),
        pytest.param(b'{"format": "statengine-stream", "version": 1}\n{"type": ', id="bad-json"),
    ],
)
def test_corrupt_stream(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "corrupt.msgpack"
    path.write_bytes(content)
    line = assert_one_line_error(*run(capsys, "replay", str(path), "--config", "example"))
    assert str(path) in line


def test_truncated_stream(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_path: Path
) -> None:
    """A recording cut short fails at its last record, after the events before it."""
    path = tmp_path / "cut.msgpack"
    path.write_bytes(sample_path.read_bytes()[:5000])
    line = assert_one_line_error(*run(capsys, "replay", str(path)))
    assert "truncated" in line


def test_unknown_config_name(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_error(*run(capsys, "replay", "--config", "no-such-center"))
    assert "no-such-center" in line
    assert "example" in line  # the message lists what exists


def test_invalid_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[tenants.Main]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    line = assert_one_line_error(*run(capsys, "replay", "--config", str(path)))
    assert str(path) in line
    assert "tenants.Main.timezone" in line


def test_missing_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    line = assert_one_line_error(*run(capsys, "replay", "--config", str(path)))
    assert "not found" in line


def test_strict_stops_at_an_invalid_event(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stream = write_jsonl(tmp_path / "bad.jsonl", HEADER, CONNECT, BAD_RELEASE)
    line = assert_one_line_error(*run(capsys, "replay", "--strict", str(stream)))
    assert str(stream) in line
    assert "record 2" in line  # the header is record 0
    assert "Released" in line
    assert "no-such-call" in line
    assert "c404" in line


def test_tolerant_counts_the_invalid_event(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stream = write_jsonl(tmp_path / "bad.jsonl", HEADER, CONNECT, BAD_RELEASE)
    summary = run_json(capsys, str(stream))["summary"]
    assert summary["events_fed"] == 2
    assert summary["events_applied"] == 1
    assert summary["events_refused"] == 1
    assert summary["refused_by_reason"] == {"no-such-call": 1}


def test_tolerant_tables_name_the_refusal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stream = write_jsonl(tmp_path / "bad.jsonl", HEADER, CONNECT, BAD_RELEASE)
    code, out, err = run(capsys, "replay", str(stream))
    assert (code, err) == (0, "")
    assert "no-such-call 1" in out


def test_late_events_are_counted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stream = tmp_path / "late.msgpack"
    events = [
        ev.LinkConnected(time=T0 + 5000, link="ts1"),
        ev.AgentLogin(time=T0, link="ts1", dn="5001", agent_id="7001"),
    ]
    write_stream(stream, events, meta={"config": "example"})
    data = run_json(capsys, str(stream))
    assert data["summary"]["late_events"] == 1
    agent = next(row for row in data["agents"] if row["employee_id"] == "1001")
    assert agent["places"] == ["P01"]
    assert agent["since_ms"] == T0 + 5000  # applied at the engine clock's time


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="no-command"),
        pytest.param(["replay", "--bogus"], id="unknown-option"),
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param(["replay", "a", "b"], id="two-streams"),
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "usage: statengine" in err
    assert "Traceback" not in err


def test_interrupt_exits_130_after_the_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the replay prints what was done (the summary) and exits 130."""
    feed = Engine.feed
    calls = 0

    def interrupted_feed(self: Engine, event: ev.Event) -> Any:
        nonlocal calls
        calls += 1
        if calls > 100:
            raise KeyboardInterrupt
        return feed(self, event)

    monkeypatch.setattr(Engine, "feed", interrupted_feed)
    code, out, err = run(capsys, "replay", "--json")
    assert code == 130
    data = json.loads(out)
    assert data["summary"]["interrupted"] is True
    assert data["summary"]["events_fed"] == 100
    assert "agents" not in data  # the state may be half-changed: not shown
    assert "interrupted after 100 events" in err


def test_readme_library_example_runs_as_shown() -> None:
    """The README's library example prints what the README says it prints."""
    readme = REPO / "README.md"
    if not readme.is_file():
        pytest.skip("not run from a source checkout")
    text = readme.read_text(encoding="utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    expected = text.split("prints\n\n```text\n", 1)[1].split("```", 1)[0]
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected
