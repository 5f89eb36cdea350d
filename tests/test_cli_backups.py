"""Backups on the command line (statengine/cli/backups.py): ``replay
--backup-dir --backup-interval --restore`` and ``statengine backup inspect``.

The central promise: a replay restored from a backup and continued ends
exactly like an uninterrupted replay. It is shown through the CLI (the
report, the wallboard's statistics and the final backup file, byte for byte)
and, for any cut point, interval and stream with late and same-millisecond
events, by a property test of :class:`ReplayBackups` with statistics open.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import pathlib
import struct
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import statengine
from statengine import Engine, ObjectRef, ObjectType
from statengine.backup import (
    DEFAULT_NAME,
    FORMAT_VERSION,
    MAGIC,
    AutoBackup,
    read_backup,
    write_backup,
)
from statengine.cli.backups import ReplayBackups
from statengine.cli.main import main
from statengine.config import _library
from statengine.core import events as ev
from statengine.core.engine import StatisticsProfile
from statengine.streams import read_stream, write_stream
from statengine.testing import generate_stream, make_center

#: the parts of a replay summary that depend on the run, not on the state
RUN_ONLY = {"stream", "elapsed_s", "events_per_s", "first_event"}
TABLES = ("agents", "places", "queues", "agent_groups", "staging_areas")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The bundled sample as a file, its events, and a prefix of it cut
    between two different times."""
    d = tmp_path_factory.mktemp("sample")
    resource = importlib.resources.files("configs").joinpath("samples", "example.msgpack")
    with importlib.resources.as_file(resource) as path:
        full = d / "full.msgpack"
        full.write_bytes(path.read_bytes())
    with read_stream(full) as reader:
        events = list(reader)
    cut = len(events) * 3 // 5
    while events[cut].time == events[cut - 1].time:
        cut += 1
    prefix, rest = d / "prefix.msgpack", d / "rest.msgpack"
    write_stream(prefix, events[:cut], meta={"config": "example"})
    write_stream(rest, events[cut:], meta={"config": "example"})
    times = [e.time for e in events]  # plain data: pytest prints fixtures on failure
    return {"full": full, "prefix": prefix, "rest": rest, "times": times, "cut": cut}


@pytest.fixture(scope="module")
def uninterrupted(sample: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``replay --json`` of the whole sample in one run, with its end backup."""
    d = tmp_path_factory.mktemp("single")
    code, out, err = _run(None, "replay", "--json", str(sample["full"]), "--backup-dir", str(d))
    assert (code, err) == (0, "")
    return json.loads(out), d / DEFAULT_NAME


def _run(capsys: pytest.CaptureFixture[str] | None, *argv: str) -> tuple[int, str, str]:
    """``main(argv)``; output captured by capsys, or by redirecting when None
    (module fixtures cannot use capsys)."""
    if capsys is not None:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err
    import contextlib
    import io

    out_buf, err_buf = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out_buf), contextlib.redirect_stderr(err_buf):
        code = main(list(argv))
    return code, out_buf.getvalue(), err_buf.getvalue()


def assert_one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("statengine: error: ")
    assert "Traceback" not in err
    return lines[0]


def assert_same_final_figures(single: dict[str, Any], restored: dict[str, Any]) -> None:
    for table in TABLES:
        assert restored[table] == single[table], table
    a, b = single["summary"], restored["summary"]
    assert {k: v for k, v in b.items() if k not in RUN_ONLY} == {
        k: v for k, v in a.items() if k not in RUN_ONLY
    }


# --------------------------------------------------------------------------
# replay --backup-dir --backup-interval --restore
# --------------------------------------------------------------------------


@pytest.mark.parametrize("continue_with", ["full", "rest"])
def test_restored_replay_ends_like_an_uninterrupted_one(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    sample: dict[str, Any],
    uninterrupted: Any,
    continue_with: str,
) -> None:
    """The first part with backups, then --restore on the whole stream (its
    leading events are skipped) or on a recording of the rest (nothing is)."""
    single, single_backup = uninterrupted
    d = str(tmp_path)
    argv = ["replay", "--json", str(sample["prefix"]), "--backup-dir", d]
    code, out, err = _run(capsys, *argv, "--backup-interval", "600")
    assert (code, err) == (0, "")
    first = json.loads(out)["backups"]
    assert first["written"] >= 3  # periodic ones and the one at the end of the prefix
    code, out, err = _run(
        capsys, "replay", "--json", str(sample[continue_with]), "--backup-dir", d, "--restore"
    )
    assert (code, err) == (0, "")
    restored = json.loads(out)
    assert_same_final_figures(single, restored)
    backups = restored["backups"]
    assert backups["restored_from"] == str(tmp_path / DEFAULT_NAME)
    assert backups["restored_clock"] == sample["times"][sample["cut"] - 1]
    assert backups["events_skipped"] == (sample["cut"] if continue_with == "full" else 0)
    assert backups["warnings"] == []
    # the engines are the same: the end-of-stream backups are identical files
    assert (tmp_path / DEFAULT_NAME).read_bytes() == single_backup.read_bytes()


def test_a_damaged_newest_backup_falls_back_with_a_warning(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    sample: dict[str, Any],
    uninterrupted: Any,
) -> None:
    """The newest generation is corrupt: the previous one (the last periodic
    backup) is used, stderr says which file was skipped and why, and the
    continued replay still ends like the uninterrupted one."""
    single, _ = uninterrupted
    d = str(tmp_path)
    argv = ["replay", "--json", str(sample["prefix"]), "--backup-dir", d]
    code, out, _ = _run(capsys, *argv, "--backup-interval", "600")
    assert code == 0
    periodic_clock = json.loads(out)["backups"]["written_clocks"][-2]
    newest = tmp_path / DEFAULT_NAME
    data = bytearray(newest.read_bytes())
    data[len(data) // 2] ^= 0x40
    newest.write_bytes(bytes(data))
    code, out, err = _run(
        capsys, "replay", "--json", str(sample["full"]), "--backup-dir", d, "--restore"
    )
    assert code == 0
    warning = err.strip()
    assert warning.startswith("statengine: warning: ")
    assert len(err.splitlines()) == 1
    assert str(newest) in warning
    assert "corrupt: checksum mismatch" in warning
    assert warning.endswith(f"falling back to {DEFAULT_NAME}.1")
    restored = json.loads(out)
    assert restored["backups"]["restored_from"] == str(tmp_path / f"{DEFAULT_NAME}.1")
    assert restored["backups"]["restored_clock"] == periodic_clock
    assert restored["backups"]["warnings"] == [warning.removeprefix("statengine: warning: ")]
    times = sample["times"]
    assert restored["backups"]["events_skipped"] == sum(1 for t in times if t <= periodic_clock)
    assert_same_final_figures(single, restored)


def test_periodic_backups_fall_between_two_times_on_stream_time(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, sample: dict[str, Any]
) -> None:
    """The backup due at first event + k * interval holds the engine as it
    was just before that instant: its clock is the last event time before
    it, and the next event is later. The last one is written at the end."""
    argv = ["replay", "--json", str(sample["full"]), "--backup-dir", str(tmp_path)]
    code, out, _ = _run(capsys, *argv, "--backup-interval", "900")
    assert code == 0
    clocks = json.loads(out)["backups"]["written_clocks"]
    times = sample["times"]
    due = range(times[0] + 900_000, times[-1] + 1, 900_000)
    assert len(due) == 7
    assert clocks == [max(t for t in times if t < d) for d in due] + [times[-1]]
    assert read_backup(tmp_path / DEFAULT_NAME).snapshot["clock"] == times[-1]
    previous = read_backup(tmp_path / f"{DEFAULT_NAME}.1")
    assert previous.snapshot["clock"] == previous.header.created == clocks[-2]
    assert previous.snapshot["engine"]["fed"] == sum(1 for t in times if t <= clocks[-2])


def test_restored_wallboard_statistics_continue(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, sample: dict[str, Any]
) -> None:
    """--dashboard opens statistics; restored, they continue with their values:
    the last board shows the same figures as an uninterrupted run, and the
    same period line (the day counts from the first run's start)."""
    one, two = tmp_path / "one", tmp_path / "two"
    code, single, _ = _run(
        capsys, "replay", "--dashboard", str(sample["full"]), "--backup-dir", str(one)
    )
    assert code == 0
    argv = ["replay", "--dashboard", "--backup-dir", str(two)]
    assert _run(capsys, *argv, str(sample["prefix"]), "--backup-interval", "600")[0] == 0
    code, restored, err = _run(capsys, *argv, str(sample["full"]), "--restore")
    assert (code, err) == (0, "")

    def board(text: str) -> list[str]:
        lines = text.splitlines()
        end = next(i for i, line in enumerate(lines) if line.startswith(("restored ", "1 backup")))
        return lines[1:end]  # past the title (events/s, wall-clock)

    assert board(restored) == board(single)
    assert len(board(single)) > 10
    assert "restored from" in restored
    snapshot_one = read_backup(one / DEFAULT_NAME).snapshot
    snapshot_two = read_backup(two / DEFAULT_NAME).snapshot
    assert snapshot_two["pool"] == snapshot_one["pool"]
    assert len(snapshot_one["pool"]["statistics"]) > 0


def test_restore_without_a_usable_backup(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, sample: dict[str, Any]
) -> None:
    argv = ["replay", str(sample["prefix"]), "--restore", "--backup-dir"]
    line = assert_one_line_error(*_run(capsys, *argv, str(tmp_path / "empty")))
    assert "no usable backup generation" in line
    assert "missing: no such file" in line
    assert _run(capsys, "replay", str(sample["prefix"]), "--backup-dir", str(tmp_path))[0] == 0
    (tmp_path / DEFAULT_NAME).write_bytes(b"SEBACKUP\x00")
    line = assert_one_line_error(*_run(capsys, *argv, str(tmp_path)))
    assert "no usable backup generation" in line
    assert f"{DEFAULT_NAME}: truncated" in line  # the only generation (no interval)


def test_restore_on_another_center_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, sample: dict[str, Any]
) -> None:
    """The backup names objects the configuration does not have."""
    assert _run(capsys, "replay", str(sample["prefix"]), "--backup-dir", str(tmp_path))[0] == 0
    argv = ["replay", str(sample["rest"]), "--config", "default", "--restore"]
    line = assert_one_line_error(*_run(capsys, *argv, "--backup-dir", str(tmp_path)))
    assert f"{tmp_path / DEFAULT_NAME}: cannot be restored on package:configs/default.toml" in line
    assert "is not in the configuration" in line


def test_strict_refusal_after_restore_names_the_record_of_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    """``record N`` counts the records of the file given, skipped ones included."""
    t0 = 1_772_438_400_000
    connect = ev.LinkConnected(time=t0, link="ts1")
    bad = ev.Released(time=t0 + 1000, link="ts1", dn="5001", conn_id="c404")
    meta = {"config": "example"}
    write_stream(tmp_path / "first.msgpack", [connect], meta=meta)
    write_stream(tmp_path / "full.msgpack", [connect, bad], meta=meta)
    write_stream(tmp_path / "rest.msgpack", [bad], meta=meta)
    bk = str(tmp_path / "bk")
    assert _run(capsys, "replay", str(tmp_path / "first.msgpack"), "--backup-dir", bk)[0] == 0
    for name, record in (("full", 2), ("rest", 1)):
        argv = ["replay", "--strict", "--restore", "--backup-dir", bk]
        line = assert_one_line_error(*_run(capsys, *argv, str(tmp_path / f"{name}.msgpack")))
        assert f"record {record}: " in line
        assert "no-such-call" in line


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(["--restore"], "--backup-dir", id="restore-without-dir"),
        pytest.param(["--backup-interval", "60"], "--backup-dir", id="interval-without-dir"),
    ],
)
def test_backup_options_need_a_directory(
    capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    line = assert_one_line_error(*_run(capsys, "replay", *extra))
    assert message in line


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "soon"])
def test_bad_interval_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, value: str
) -> None:
    code, out, err = _run(
        capsys, "replay", "--backup-dir", str(tmp_path), "--backup-interval", value
    )
    assert (code, out) == (2, "")
    assert "--backup-interval" in err
    assert "Traceback" not in err


def test_backup_dir_that_is_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    f = tmp_path / "f"
    f.write_text("x")
    line = assert_one_line_error(*_run(capsys, "replay", "--backup-dir", str(f)))
    assert "--backup-dir" in line
    assert "not a directory" in line
    # below a file: the directory cannot be created, which is found when writing
    line = assert_one_line_error(*_run(capsys, "replay", "--backup-dir", str(f / "sub")))
    assert "unwritable" in line
    assert str(f / "sub") in line


# --------------------------------------------------------------------------
# The rules, for any stream and cut: a property test of ReplayBackups
# --------------------------------------------------------------------------

LIBRARY = StatisticsProfile.from_sections(_library())
CENTER = make_center(agents=6, queues=2)
#: statistics of several categories and both profiles, on queues, agents and groups
OPENED = [
    (ObjectRef("T1", ObjectType.Queue, "8000@SW1"), "Total_Calls_Entered", "CollectorDefault"),
    (ObjectRef("T1", ObjectType.Queue, "8001@SW1"), "Current_In_Queue", "Default"),
    (ObjectRef("T1", ObjectType.Queue, "8001@SW1"), "Service_Factor", "CollectorDefault"),
    (ObjectRef("T1", ObjectType.Agent, "A1"), "Total_Ready_Time", "Default"),
    (ObjectRef("T1", ObjectType.Agent, "A2"), "Total_Login_Time", "CollectorDefault"),
    (ObjectRef("T1", ObjectType.GroupAgents, "G0"), "Total_Ready_Time", "CollectorDefault"),
]


@functools.cache
def _base_stream() -> tuple[ev.Event, ...]:
    return tuple(generate_stream(CENTER, seed=3, events=500))


def _engine() -> Engine:
    """A tolerant engine on the small center, the library's statistics open
    from the stream's first instant."""
    engine = Engine(CENTER, strict=False, profile=LIBRARY)
    engine.advance(_base_stream()[0].time)
    for i, (ref, name, profile) in enumerate(OPENED):
        engine.open_statistic("wallboard", i, ref, name, profile=profile)
    return engine


@st.composite
def streams(draw: st.DrawFn) -> list[ev.Event]:
    """The base stream with some events made late (earlier than the clock)
    or made to share the millisecond of the event before."""
    events = list(_base_stream())
    for i in draw(st.sets(st.integers(1, len(events) - 1), max_size=40)):
        how = draw(st.sampled_from(["tie", "late"]))
        prev = events[i - 1].time
        t = prev if how == "tie" else prev - draw(st.integers(1, 20_000))
        events[i] = attrs.evolve(events[i], time=max(t, events[0].time))
    return events


def _replay(events: list[ev.Event], engine: Engine, run: ReplayBackups) -> None:
    for event in run.events(events):
        engine.feed(event)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    events=streams(),
    interval_s=st.sampled_from([240, 600, 1200]),
    pick=st.floats(0, 1),
)
def test_continuing_from_any_periodic_backup_is_exact(
    tmp_path_factory: pytest.TempPathFactory,
    events: list[ev.Event],
    interval_s: int,
    pick: float,
) -> None:
    """Restore any periodic backup, skip the stream's leading events at or
    before its clock, feed the rest: the engine (statistics included) ends
    exactly where the uninterrupted one does."""
    d = tmp_path_factory.mktemp("prop")
    reference = _engine()
    for event in events:
        reference.feed(event)
    expected = reference.snapshot()

    writer = _engine()
    backup = AutoBackup(interval_s=interval_s, directory=d, generations=1000)
    run = ReplayBackups(engine=writer, backup=backup)
    _replay(events, writer, run)
    assert writer.snapshot() == expected  # backing up does not disturb the engine
    periodic = run.written
    if not periodic:
        return
    g = min(int(pick * len(periodic)), len(periodic) - 1)
    path = d / (
        DEFAULT_NAME if g == len(periodic) - 1 else f"{DEFAULT_NAME}.{len(periodic) - 1 - g}"
    )
    saved = read_backup(path)
    assert saved.snapshot["clock"] == periodic[g]
    restored = Engine.restore(CENTER, saved.snapshot, strict=False, profile=LIBRARY)
    cont = ReplayBackups(engine=restored, resume_after=periodic[g])
    _replay(events, restored, cont)
    assert cont.skipped == saved.snapshot["engine"]["fed"]  # exactly what it had seen
    assert restored.snapshot() == expected


# --------------------------------------------------------------------------
# statengine backup inspect
# --------------------------------------------------------------------------

T0 = 1_772_438_400_000


@pytest.fixture(scope="module")
def rich_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, dict[str, Any]]:
    """A backup of an engine with traffic, statistics of several categories
    in two profiles, two subscribers and a closed subscription; and what the
    engine itself says about that state (plain data: pytest prints fixtures
    on failure, and an engine's repr is huge)."""
    center = make_center(agents=8, queues=2)
    engine = Engine(center, strict=False, profile=LIBRARY)
    events = list(generate_stream(center, seed=5, events=800))
    engine.advance(events[0].time)
    facts: dict[str, Any] = {"category": {}, "profile": {}, "subscriber": {}}
    n = 0
    queue = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
    for name in ("Total_Calls_Entered", "Current_In_Queue", "Service_Factor"):
        for profile in ("Default", "CollectorDefault"):
            engine.open_statistic("wfm", n, queue, name, profile=profile)
            n += 1
            cat = LIBRARY.stat_types[name].category.name
            facts["category"][cat] = facts["category"].get(cat, 0) + 1
            facts["profile"][profile] = facts["profile"].get(profile, 0) + 1
    facts["subscriber"]["wfm"] = n
    for agent in ("A0", "A1", "A2"):
        ref = ObjectRef("T1", ObjectType.Agent, agent)
        engine.open_statistic("board", agent, ref, "Total_Ready_Time")
        cat = LIBRARY.stat_types["Total_Ready_Time"].category.name
        facts["category"][cat] = facts["category"].get(cat, 0) + 1
        facts["profile"]["Default"] += 1
    facts["subscriber"]["board"] = 2
    facts["first_open"] = engine.now
    for event in events[:400]:
        engine.feed(event)
    engine.close_statistic("board", "A2")
    for event in events[400:]:
        engine.feed(event)
    for i in range(1, n):  # every wfm statistic but the first asked for again later
        engine.peek("wfm", i)
    model = engine.model
    open_actions = [a for dn in model.dns.values() for a in dn.open.values()]
    open_actions += [a for area in model.staging.values() for a in area.open.values()]
    open_actions += [
        a
        for agent in model.agents.values()
        for partial in agent.partials.values()
        for ch in partial.channels.values()
        for a in ch.open.values()
    ]
    by_kind: dict[str, int] = {}
    for a in open_actions:
        by_kind[a.kind.name] = by_kind.get(a.kind.name, 0) + 1
    stats = engine.statistics()
    facts.update(
        clock=engine.now,
        events_fed=stats.events_fed,
        dns=stats.dns,
        groups=stats.groups,
        open_actions=len(open_actions),
        open_actions_by_kind=by_kind,
        calls=len(model.calls),
        interactions=len(model.interactions),
        statistics=engine.pool_statistics().statistics,
    )
    d = tmp_path_factory.mktemp("inspect")
    path = write_backup(d / DEFAULT_NAME, engine, created=T0 + 123)
    return path, facts


def test_inspect_json_says_what_the_backup_holds(
    capsys: pytest.CaptureFixture[str], rich_backup: Any
) -> None:
    path, facts = rich_backup
    code, out, err = _run(capsys, "backup", "inspect", "--json", str(path))
    assert (code, err) == (0, "")
    info = json.loads(out)
    raw = path.read_bytes()
    assert info["path"] == str(path)
    assert info["size"] == len(raw)
    assert (info["format_version"], info["snapshot_version"]) == (1, 2)
    assert info["engine_version"] == statengine.__version__
    assert info["created"] == T0 + 123
    assert info["checksum"] == {"algorithm": "SHA-256", "status": "ok", "digest": raw[-32:].hex()}
    assert info["clock"] == facts["clock"]
    assert info["events_fed"] == facts["events_fed"]
    assert (info["dns"], info["agents"], info["places"]) == (facts["dns"], 8, 8)
    assert info["groups"] == facts["groups"] == sum(info["groups_by_type"].values())
    assert info["staging_areas"] == 4
    assert info["open_actions"] == facts["open_actions"] > 0
    assert info["open_actions_by_kind"] == facts["open_actions_by_kind"]
    counts = list(info["open_actions_by_kind"].values())
    assert counts == sorted(counts, reverse=True)  # most frequent first
    assert info["calls"] == facts["calls"]
    assert info["interactions"] == facts["interactions"]
    assert info["statistics"] == facts["statistics"] == 9
    assert info["statistics_by_category"] == facts["category"]
    assert info["statistics_by_profile"] == facts["profile"]
    assert info["subscriptions"] == 8
    assert info["subscriptions_by_subscriber"] == facts["subscriber"]
    assert info["statistics_unsubscribed"] == 1
    # the first wfm statistic and the board's were last asked for when opened
    assert info["oldest_last_request"] == facts["first_open"]


def test_inspect_text_shows_every_fact(
    capsys: pytest.CaptureFixture[str], rich_backup: Any
) -> None:
    path, facts = rich_backup
    code, out, err = _run(capsys, "backup", "inspect", str(path))
    assert (code, err) == (0, "")
    labels = [line.strip().split("  ")[0] for line in out.splitlines()]
    assert labels == [
        "file",
        "format",
        "written by",
        "created",
        "checksum",
        "engine clock",
        "events fed",
        "links up",
        "DNs",
        "agents",
        "places",
        "groups",
        "staging areas",
        "open actions",
        "by kind",
        "calls",
        "interactions",
        "statistics",
        "by category",
        "by profile",
        "subscriptions",
        "by subscriber",
        "oldest last request",
    ]
    assert "2026-03-02 08:00:00.123 UTC (1772438400123)" in out
    assert "SHA-256 ok" in out
    assert "9 (1 unsubscribed)" in out
    assert "CollectorDefault 3" in out
    assert f"{facts['events_fed']:,}" in out


def _truncate(path: pathlib.Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip(path: pathlib.Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _future(path: pathlib.Path) -> None:
    data = bytearray(path.read_bytes())
    struct.pack_into(">H", data, len(MAGIC), FORMAT_VERSION + 1)
    path.write_bytes(bytes(data))


def _text(path: pathlib.Path) -> None:
    path.write_text("not a backup\n")


def _missing(path: pathlib.Path) -> None:
    path.unlink()


def _bad_tables(path: pathlib.Path) -> None:
    """A file whose checksum is right but whose snapshot tables are not."""
    snapshot = read_backup(path).snapshot
    snapshot["pool"]["statistics"] = [["garbage"]]
    write_backup(path, snapshot, created=T0, generations=1)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_truncate, "truncated"),
        (_flip, "corrupt: checksum mismatch"),
        (_future, "newer: backup format version 2"),
        (_text, "not-a-backup"),
        (_missing, "missing: no such file"),
        (_bad_tables, "corrupt: cannot describe the snapshot"),
    ],
    ids=["truncated", "corrupt", "future-version", "not-a-backup", "missing", "bad-tables"],
)
def test_inspect_bad_files_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    rich_backup: Any,
    damage: Any,
    reason: str,
) -> None:
    path = tmp_path / "b"
    path.write_bytes(rich_backup[0].read_bytes())
    damage(path)
    for extra in ([], ["--json"]):
        line = assert_one_line_error(*_run(capsys, "backup", "inspect", *extra, str(path)))
        assert str(path) in line
        assert reason in line


def test_inspect_a_directory_and_usage(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    line = assert_one_line_error(*_run(capsys, "backup", "inspect", str(tmp_path)))
    assert "not-a-backup: a directory" in line
    for argv in (["backup"], ["backup", "inspect"], ["backup", "frob"]):
        code, out, err = _run(capsys, *argv)
        assert (code, out) == (2, "")
        assert "usage: statengine backup" in err
