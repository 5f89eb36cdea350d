"""Backup files (statengine.backup): format, atomic writes, generations,
refusals with a reason, fallback to the previous generation, auto-backup,
and the golden v1 file every later version must still load."""

from __future__ import annotations

import hashlib
import json
import pathlib
import struct
from typing import Any

import msgpack
import pytest

import statengine
from statengine import Engine, ObjectRef, ObjectType, SnapshotError
from statengine.backup import (
    DEFAULT_NAME,
    FORMAT_VERSION,
    MAGIC,
    AutoBackup,
    BackupError,
    describe_backup,
    encode_backup,
    latest_backup,
    load_latest,
    read_backup,
    write_backup,
)
from statengine.core import events as ev
from statengine.core.engine import StatisticsProfile
from statengine.core.snapshot import VERSION as SNAPSHOT_VERSION
from statengine.testing import make_center

DATA = pathlib.Path(__file__).parent / "data"
T0 = 1_772_438_400_000


def engine_at(t: int, calls: int = 1) -> Engine:
    """A small engine whose queue saw ``calls`` calls, clock at ``t``."""
    center = make_center(agents=2, queues=1)
    e = Engine(center, now=T0, profile=StatisticsProfile.from_sections(_sections()))
    e.feed(ev.LinkConnected(time=T0, link="ts1"))
    e.open_statistic("c", 1, ObjectRef("T1", ObjectType.Queue, "8000@SW1"), "Entered")
    for i in range(calls):
        e.feed(ev.Queued(time=T0 + 1000 + i, link="ts1", dn="8000", conn_id=f"c{i}"))
    e.advance(t)
    return e


def _sections() -> dict[str, Any]:
    return {
        "stattypes": {
            "Entered": {"Objects": ["Queue"], "Category": "TotalNumber", "MainMask": "CallEntered"}
        }
    }


def test_write_then_read(tmp_path: pathlib.Path) -> None:
    e = engine_at(T0 + 60_000, calls=3)
    path = write_backup(tmp_path / "b", e, created=T0 + 61_000)
    backup = read_backup(path)
    assert backup.header.format_version == FORMAT_VERSION == 1
    assert backup.header.engine_version == statengine.__version__
    assert backup.header.created == T0 + 61_000
    assert backup.header.snapshot_version == SNAPSHOT_VERSION == 2
    assert backup.snapshot == msgpack.unpackb(msgpack.packb(e.snapshot()), raw=False)
    restored = Engine.restore(e.config, backup.snapshot, profile=e.profile())
    assert restored.peek("c", 1).value == 3
    raw = path.read_bytes()
    assert raw.startswith(MAGIC)
    assert hashlib.sha256(raw[:-32]).digest() == raw[-32:]
    assert [p.name for p in tmp_path.iterdir()] == ["b"]  # no temporary file left


def test_generations_are_kept_and_rotated(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "center.backup"
    for i in range(4):
        write_backup(path, engine_at(T0 + 60_000, calls=i), created=T0 + i)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["center.backup", "center.backup.1"]
    assert read_backup(path).header.created == T0 + 3
    assert read_backup(tmp_path / "center.backup.1").header.created == T0 + 2
    write_backup(path, engine_at(T0 + 60_000), created=T0 + 4, generations=3)
    write_backup(path, engine_at(T0 + 60_000), created=T0 + 5, generations=3)
    assert [read_backup(f"{path}{s}").header.created for s in ("", ".1", ".2")] == [
        T0 + 5,
        T0 + 4,
        T0 + 3,
    ]
    write_backup(path, engine_at(T0 + 60_000), created=T0 + 6, generations=1)
    assert [p.name for p in tmp_path.iterdir()] == ["center.backup"]  # older ones pruned


def test_a_failed_write_leaves_the_previous_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "b"
    write_backup(path, engine_at(T0 + 1000), created=T0)
    before = path.read_bytes()
    data = engine_at(T0 + 1000).snapshot()
    data["model"]["unserializable"] = object()
    with pytest.raises(TypeError):
        write_backup(path, data, created=T0 + 1)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


# --------------------------------------------------------------------------
# Refusals and fallback
# --------------------------------------------------------------------------


def _two_generations(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / DEFAULT_NAME
    write_backup(path, engine_at(T0 + 60_000, calls=1), created=T0 + 1)
    write_backup(path, engine_at(T0 + 60_000, calls=2), created=T0 + 2)
    return path


def _truncate(path: pathlib.Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip(path: pathlib.Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40
    path.write_bytes(bytes(data))


def _future_format(path: pathlib.Path) -> None:
    data = bytearray(path.read_bytes())
    struct.pack_into(">H", data, len(MAGIC), FORMAT_VERSION + 1)
    path.write_bytes(bytes(data))


def _future_snapshot(path: pathlib.Path) -> None:
    snapshot = read_backup(path).snapshot
    snapshot["version"] = 99
    body = msgpack.packb(snapshot, use_bin_type=True)
    header = msgpack.packb(
        {"engine_version": "9.0", "created": T0, "snapshot_version": 99, "body_length": len(body)}
    )
    data = struct.pack(">8sHI", MAGIC, 1, len(header)) + header + body
    path.write_bytes(data + hashlib.sha256(data).digest())


def _missing(path: pathlib.Path) -> None:
    path.unlink()


def _not_a_backup(path: pathlib.Path) -> None:
    path.write_text("hello, I am a text file\n")


@pytest.mark.parametrize(
    ("damage", "reason", "message"),
    [
        (_truncate, "truncated", r"truncated: \d+ bytes, expected \d+"),
        (_flip, "corrupt", r"corrupt: checksum mismatch: the file was damaged or altered"),
        (
            _future_format,
            "newer",
            r"newer: backup format version 2 was written by a newer statengine; .* reads up "
            r"to version 1",
        ),
        (_future_snapshot, "newer", r"newer: version: snapshot version 99 is newer"),
        (_missing, "missing", r"missing: no such file"),
        (_not_a_backup, "not-a-backup", r"not-a-backup: no statengine backup magic"),
    ],
    ids=["truncated", "flipped-byte", "future-format", "future-snapshot", "missing", "text"],
)
def test_a_bad_newest_file_is_refused_and_the_previous_generation_used(
    tmp_path: pathlib.Path, damage: Any, reason: str, message: str
) -> None:
    path = _two_generations(tmp_path)
    damage(path)
    with pytest.raises(BackupError, match=message) as info:
        read_backup(path)
    assert info.value.reason == reason
    assert info.value.path == path
    assert str(path) in str(info.value)
    assert isinstance(info.value, SnapshotError)
    snapshot, warnings = load_latest(tmp_path)
    backup, _ = latest_backup(tmp_path)
    assert backup.path.name == f"{DEFAULT_NAME}.1"
    assert backup.header.created == T0 + 1
    assert len(warnings) == 1
    assert reason in warnings[0]
    assert warnings[0].endswith(f"falling back to {DEFAULT_NAME}.1")
    restored = Engine.restore(make_center(agents=2, queues=1), snapshot)
    assert restored.peek("c", 1).value == 1


def test_no_usable_generation(tmp_path: pathlib.Path) -> None:
    path = _two_generations(tmp_path)
    _truncate(path)
    _flip(tmp_path / f"{DEFAULT_NAME}.1")
    with pytest.raises(
        BackupError, match=r"none: no usable backup generation .*truncated.*corrupt"
    ):
        load_latest(tmp_path)
    with pytest.raises(BackupError, match=r"none: .*missing: no such file"):
        load_latest(tmp_path / "empty")


def test_tiny_and_odd_files(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "x"
    p.write_bytes(MAGIC[:3])
    with pytest.raises(BackupError, match="truncated: only 3 bytes"):
        read_backup(p)
    p.write_bytes(MAGIC + b"\x00\x01")
    with pytest.raises(BackupError, match="truncated"):
        read_backup(p)
    p.write_bytes(MAGIC + struct.pack(">HI", 1, 1 << 30))
    with pytest.raises(BackupError, match="corrupt: impossible header length"):
        read_backup(p)
    good = encode_backup(engine_at(T0 + 1000).snapshot(), created=T0)
    p.write_bytes(good + b"extra")
    with pytest.raises(BackupError, match="corrupt: 5 unexpected bytes after the end"):
        read_backup(p)
    with pytest.raises(BackupError, match="not-a-backup: a directory"):
        read_backup(tmp_path)


def test_describe_backup(tmp_path: pathlib.Path) -> None:
    e = engine_at(T0 + 60_000, calls=2)
    path = write_backup(tmp_path / "b", e, created=T0 + 61_000)
    info = describe_backup(path)
    assert info["path"] == str(path)
    assert info["size"] == path.stat().st_size
    assert info["format_version"] == 1
    assert info["engine_version"] == statengine.__version__
    assert info["created"] == T0 + 61_000
    assert info["clock"] == T0 + 60_000
    assert (info["dns"], info["agents"], info["places"]) == (4, 2, 2)
    assert (info["statistics"], info["subscriptions"]) == (1, 1)
    assert info["links_up"] == ["ts1"]
    assert info["calls"] == 2
    raw = path.read_bytes()
    assert info["checksum"] == {"algorithm": "SHA-256", "status": "ok", "digest": raw[-32:].hex()}
    # two calls waiting in the queue (CallWait), and the Monitored action of
    # the queue and the routing point, monitored since the link came up
    assert info["open_actions_by_kind"] == {"CallWait": 2, "Monitored": 2}
    assert info["open_actions"] == 4
    assert info["statistics_by_category"] == {"TotalNumber": 1}
    assert info["statistics_by_profile"] == {"Default": 1}
    assert info["subscriptions_by_subscriber"] == {"c": 1}
    assert info["statistics_unsubscribed"] == 0
    assert info["oldest_last_request"] == T0  # opened at T0, never peeked since
    json.dumps(info)  # plain data for the CLI


def test_unreadable_paths_are_refused_with_a_reason(tmp_path: pathlib.Path) -> None:
    """A parent that is a file is ``missing`` (no traceback, whatever the OS error)."""
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(BackupError, match="missing: a parent of it is not a directory") as info:
        read_backup(f / "b")
    assert info.value.reason == "missing"
    with pytest.raises(BackupError, match="none: no usable backup generation"):
        latest_backup(f)


# --------------------------------------------------------------------------
# Auto-backup
# --------------------------------------------------------------------------


def test_auto_backup_runs_on_the_times_it_is_given(tmp_path: pathlib.Path) -> None:
    e = engine_at(T0 + 1000)
    auto = AutoBackup(interval_s=300, directory=tmp_path / "backups", start_ms=T0)
    assert not auto.due(T0 + 299_999)
    assert auto.due(T0 + 300_000)
    assert auto.maybe_write(e, T0 + 299_000) is None
    path = auto.maybe_write(e, T0 + 301_000)
    assert path == tmp_path / "backups" / DEFAULT_NAME
    assert read_backup(path).header.created == T0 + 301_000
    assert auto.next_due == T0 + 601_000
    assert auto.last_written == T0 + 301_000
    assert not auto.due(T0 + 600_000)
    auto.write(e, T0 + 400_000)  # on demand (shutdown): the period starts again
    assert auto.next_due == T0 + 700_000
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [
        DEFAULT_NAME,
        f"{DEFAULT_NAME}.1",
    ]


def test_auto_backup_disabled_and_first_call(tmp_path: pathlib.Path) -> None:
    off = AutoBackup(interval_s=0, directory=tmp_path)
    assert not off.enabled
    assert not off.due(T0 + 10**9)
    off.write(engine_at(T0 + 1000), T0 + 5)  # shutdown backups still work
    assert off.next_due is None
    first = AutoBackup(interval_s=60, directory=tmp_path, name="x")
    assert first.due(T0)  # no start given: due at once
    first.start(T0)  # ... unless told when counting starts (a replay's first event)
    assert (first.next_due, first.due(T0 + 59_999), first.due(T0 + 60_000)) == (
        T0 + 60_000,
        False,
        True,
    )
    first.start(T0 + 30_000)  # started once: later calls change nothing
    assert first.next_due == T0 + 60_000
    off.start(T0)
    assert not off.due(T0 + 10**9)
    with pytest.raises(ValueError, match="interval_s"):
        AutoBackup(interval_s=-1, directory=tmp_path)


# --------------------------------------------------------------------------
# The golden file of format v1
# --------------------------------------------------------------------------


def _tuples(value: Any) -> Any:
    return tuple(map(_tuples, value)) if isinstance(value, list) else value


def _golden(version: int) -> tuple[Any, Any, dict[str, Any], Engine]:
    """A golden file read and restored: (center, profile, what it must show,
    the restored engine), after checking the values recorded next to it."""
    expected = json.loads((DATA / f"golden_v{version}.json").read_text())
    backup = read_backup(DATA / f"golden_v{version}.backup")
    assert backup.header.format_version == 1
    assert backup.header.snapshot_version == version
    assert backup.header.created == expected["created"]
    center = make_center(**expected["center"])
    profile = StatisticsProfile.from_sections(expected["sections"])
    engine = Engine.restore(center, backup.snapshot, profile=profile)
    assert engine.now == expected["clock"]
    for subscriber, ref_id, value in expected["peeks"]:
        assert engine.peek(subscriber, _tuples(ref_id)).value == value, (subscriber, ref_id)
    for kind, ident, status, since in expected["statuses"]:
        info = engine.status(ObjectRef("T1", ObjectType[kind], ident))
        assert (info.status.name, info.since) == (status, since), ident
    stats = engine.statistics()
    for name, value in expected["engine"].items():
        assert getattr(stats, name) == value, name
    pool = engine.pool_statistics()
    for name, value in expected["pool"].items():
        assert getattr(pool, name) == value, name
    # it goes on: the next quarter-hour reset reaches the reset-based subscriber
    nxt = (expected["clock"] // 900_000 + 1) * 900_000
    result = engine.advance(nxt)
    assert [n.ref_id for n in result.notifications if n.reason.name == "RESET"] == ["q0-entered"]
    # and after a restart (a gap of a day), the links are lost at the clock
    later = Engine.restore(
        center, backup.snapshot, profile=profile, now=expected["clock"] + 86_400_000
    )
    assert later.pool_statistics().subscriptions == 0
    assert later.status(ObjectRef("T1", ObjectType.Agent, "A0")).status.name in (
        "NotMonitored",
        "LoggedOut",
    )
    return center, profile, expected, Engine.restore(center, backup.snapshot, profile=profile)


def test_the_golden_v1_backup_still_loads() -> None:
    """``tests/data/golden_v1.backup`` was written by the first statengine that
    wrote backups (tests/data/make_golden_backup.py); every later version
    must restore it to the values recorded next to it."""
    _golden(1)


def test_the_golden_v2_backup_still_loads() -> None:
    """``tests/data/golden_v2.backup``: snapshot version 2 (the pool as
    columns, shared sums written once); every later version must restore it
    to the values recorded next to it, sharing included: subscriptions that
    read the same sums before the backup read the same objects after it."""
    _, _, expected, engine = _golden(2)
    subscriptions = engine._pool.subscriptions
    assert expected["shared"]
    for (s1, r1), (s2, r2) in expected["shared"]:
        a, b = subscriptions[(s1, r1)].statistic, subscriptions[(s2, r2)].statistic
        assert a is not b
        assert a.main.counters is b.main.counters
        shared = engine._pool._shared_of[a.main.counters]
        assert a in shared.stats
        assert b in shared.stats
    # the restored engine writes the file's snapshot again, byte for byte
    backup = read_backup(DATA / "golden_v2.backup")
    assert engine.snapshot() == backup.snapshot
