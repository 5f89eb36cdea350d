"""Backup files: engine snapshots on disk (DESIGN.md "backup.py"; DOMAIN §7).

The core makes a snapshot (``Engine.snapshot()``: versioned plain data, no
pickle); this module writes it to a file and reads it back, safely:

* **Format** (version :data:`FORMAT_VERSION`), integers big-endian::

      offset     size  field
      0          8     magic  b"SEBACKUP"
      8          2     backup format version (uint16)
      10         4     header length H (uint32)
      14         H     header, a msgpack map:
                         engine_version    statengine.__version__ of the writer
                         created           creation time (POSIX ms), given by the caller
                         snapshot_version  the snapshot's "version"
                         body_length       B
      14+H       B     body: the snapshot as msgpack
      14+H+B     32    SHA-256 of every byte before it

  The version comes right after the magic, so a file of a newer format is
  refused as such before anything else is read.
* **Atomic writes**: the file is written to a temporary file in the same
  directory, flushed and fsynced, then renamed over the target (and the
  directory fsynced), so a crash leaves either the old file or the new one.
* **Generations**: before the rename, ``name`` becomes ``name.1``,
  ``name.1`` becomes ``name.2`` ... keeping ``generations`` files in all
  (default 2: the newest and the previous one); older ones are removed.
* **Refusals**: :func:`read_backup` raises :class:`BackupError` (a
  :class:`~statengine.errors.SnapshotError`) whose ``reason`` is one of
  ``"missing"``, ``"unreadable"``, ``"not-a-backup"``, ``"truncated"``,
  ``"corrupt"``, ``"newer"`` and whose message says which file and why.
  :func:`load_latest` falls back to the previous generation when the newest
  is unusable and says so in its warnings; it never drops a file silently.
* **Auto-backup**: :class:`AutoBackup` decides from the times it is given
  when the next backup is due. It reads no clock, so it runs on virtual time
  in a simulation and on the wall clock in a server.

Backups written by one instance can be read by any other, on any platform
(seed 002): the body is plain msgpack, the header says who wrote it.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from pathlib import Path
from typing import Any

import attrs
import msgpack

import statengine
from statengine.core.engine import Engine
from statengine.core.snapshot import VERSION as SNAPSHOT_VERSION
from statengine.core.snapshot import check_format, gc_paused, pool_columns, summarize
from statengine.errors import SnapshotError

__all__ = [
    "DEFAULT_NAME",
    "FORMAT_VERSION",
    "MAGIC",
    "AutoBackup",
    "Backup",
    "BackupError",
    "BackupHeader",
    "describe_backup",
    "latest_backup",
    "load_latest",
    "read_backup",
    "write_backup",
]

#: The first bytes of every backup file.
MAGIC = b"SEBACKUP"
#: The backup file format this code writes; it reads every version up to it.
FORMAT_VERSION = 1
#: The file name :class:`AutoBackup` and :func:`load_latest` use by default.
DEFAULT_NAME = "statengine.backup"

_PREFIX = struct.Struct(">8sHI")  # magic, format version, header length
_DIGEST = 32
#: A header is a few hundred bytes; a larger length means a damaged file.
_MAX_HEADER = 1 << 20


class BackupError(SnapshotError):
    """A backup file cannot be used.

    Attributes:
        path: the file.
        reason: ``"missing"``, ``"unreadable"`` (permissions, I/O error),
            ``"not-a-backup"``, ``"truncated"``, ``"corrupt"``, ``"newer"``
            (written by a newer statengine) or ``"none"`` (:func:`load_latest`
            found no usable generation).
        detail: why, in words.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str, detail: str) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}: {detail}")
        self.path = Path(path)
        self.reason = reason
        self.detail = detail


@attrs.frozen(kw_only=True)
class BackupHeader:
    format_version: int
    #: ``statengine.__version__`` of the writer
    engine_version: str
    #: creation time (POSIX ms) given by the writer's caller
    created: int
    snapshot_version: int
    body_length: int


@attrs.frozen(kw_only=True)
class Backup:
    """A backup file read and verified."""

    path: Path
    header: BackupHeader
    #: the engine snapshot (``Engine.restore(config, backup.snapshot, ...)``)
    snapshot: dict[str, Any]


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def encode_backup(snapshot: dict[str, Any], *, created: int) -> bytes:
    """The bytes of a backup file holding ``snapshot`` (format in the module docstring)."""
    return b"".join(_encode_parts(snapshot, created=created))


def _encode_parts(snapshot: dict[str, Any], *, created: int) -> tuple[bytes, bytes, bytes]:
    """A backup file in three parts: prefix and header, body, checksum. The
    body (tens of MB) is neither copied nor concatenated: the checksum is
    taken over the parts, and the file is written from them."""
    version = check_format(snapshot)
    with gc_paused():
        body = msgpack.packb(snapshot, use_bin_type=True)
    header = msgpack.packb(
        {
            "engine_version": statengine.__version__,
            "created": int(created),
            "snapshot_version": version,
            "body_length": len(body),
        },
        use_bin_type=True,
    )
    head = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(header)) + header
    digest = hashlib.sha256(head)
    digest.update(body)
    return head, body, digest.digest()


def generation_path(path: str | os.PathLike[str], generation: int) -> Path:
    """``name`` for generation 0, ``name.<n>`` for the older ones."""
    path = Path(path)
    return path if generation == 0 else path.with_name(f"{path.name}.{generation}")


def write_backup(
    path: str | os.PathLike[str],
    snapshot: dict[str, Any] | Engine,
    *,
    created: int,
    generations: int = 2,
) -> Path:
    """Write a backup file atomically, keeping the previous generations.

    Args:
        path: the file to write; its directory must exist.
        snapshot: an engine (snapshotted now) or the data of ``Engine.snapshot()``.
        created: the creation time (POSIX ms) to record: the caller's clock.
        generations: how many files to keep, this one included (``path``,
            ``path.1`` ... ``path.<generations-1>``); at least 1.

    Returns:
        ``path``.
    """
    if generations < 1:
        raise ValueError(f"generations: expected at least 1, found {generations!r}")
    path = Path(path)
    if isinstance(snapshot, Engine):
        snapshot = snapshot.snapshot()
    parts = _encode_parts(snapshot, created=created)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.writelines(parts)
            f.flush()
            os.fsync(f.fileno())
        for g in range(generations - 1, 0, -1):
            older = generation_path(path, g - 1)
            if older.exists():
                os.replace(older, generation_path(path, g))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    g = generations
    while generation_path(path, g).exists():  # fewer generations configured than before
        generation_path(path, g).unlink()
        g += 1
    _fsync_directory(path.parent)
    return path


def _fsync_directory(directory: Path) -> None:
    """Make the renames durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def decode_backup(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> Backup:
    """Verify and decode the bytes of a backup file (see :func:`read_backup`)."""
    size = len(data)
    if size < len(MAGIC):
        if MAGIC.startswith(data):
            raise BackupError(path, "truncated", f"only {size} bytes, not even the file header")
        raise BackupError(path, "not-a-backup", "no statengine backup magic at the start")
    if data[: len(MAGIC)] != MAGIC:
        raise BackupError(path, "not-a-backup", "no statengine backup magic at the start")
    if size < _PREFIX.size:
        raise BackupError(path, "truncated", f"only {size} bytes, not even the file header")
    _, version, header_length = _PREFIX.unpack_from(data)
    if version > FORMAT_VERSION:
        raise BackupError(
            path,
            "newer",
            f"backup format version {version} was written by a newer statengine; "
            f"this one (statengine {statengine.__version__}) reads up to version "
            f"{FORMAT_VERSION}: upgrade statengine to read it",
        )
    if version < 1:
        raise BackupError(path, "corrupt", f"impossible backup format version {version}")
    if header_length > _MAX_HEADER:
        raise BackupError(path, "corrupt", f"impossible header length {header_length}")
    body_start = _PREFIX.size + header_length
    if size < body_start:
        raise BackupError(path, "truncated", f"{size} bytes, the header alone needs {body_start}")
    try:
        raw = msgpack.unpackb(data[_PREFIX.size : body_start], raw=False)
        header = BackupHeader(
            format_version=version,
            engine_version=_typed(raw, "engine_version", str),
            created=_typed(raw, "created", int),
            snapshot_version=_typed(raw, "snapshot_version", int),
            body_length=_typed(raw, "body_length", int),
        )
    except (ValueError, TypeError, KeyError, msgpack.UnpackException) as exc:
        raise BackupError(path, "corrupt", f"unreadable header ({exc})") from exc
    expected = body_start + header.body_length + _DIGEST
    if size < expected:
        raise BackupError(path, "truncated", f"{size} bytes, expected {expected}")
    if size > expected:
        raise BackupError(
            path, "corrupt", f"{size - expected} unexpected bytes after the end ({expected})"
        )
    view = memoryview(data)  # the body is checked and decoded without a copy
    if hashlib.sha256(view[:-_DIGEST]).digest() != data[-_DIGEST:]:
        raise BackupError(
            path, "corrupt", "checksum mismatch: the file was damaged or altered (SHA-256)"
        )
    try:
        with gc_paused():
            snapshot = msgpack.unpackb(view[body_start:-_DIGEST], raw=False)
    except (ValueError, TypeError, msgpack.UnpackException) as exc:
        raise BackupError(path, "corrupt", f"unreadable snapshot ({exc})") from exc
    try:
        check_format(snapshot)
    except SnapshotError as exc:
        version = snapshot.get("version") if isinstance(snapshot, dict) else None
        newer = type(version) is int and version > SNAPSHOT_VERSION
        raise BackupError(path, "newer" if newer else "corrupt", str(exc)) from exc
    return Backup(path=Path(path), header=header, snapshot=snapshot)


def _typed(header: Any, key: str, kind: type) -> Any:
    value = header[key]
    if type(value) is not kind:
        raise TypeError(f"{key}: expected {kind.__name__}, found {value!r}")
    return value


def read_backup(path: str | os.PathLike[str]) -> Backup:
    """Read and verify one backup file.

    Raises:
        BackupError: ``missing`` (no such file), ``unreadable``, ``not-a-backup``,
            ``truncated`` (shorter than its header says), ``corrupt`` (bad
            checksum, header or body), ``newer`` (a format or snapshot
            version this statengine cannot read); the message names the file.
    """
    return decode_backup(_read_bytes(path), path)


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a backup file; every way of failing to read it becomes a
    :class:`BackupError` (the CLI turns those into one line and exit 2)."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise BackupError(path, "missing", "no such file") from exc
    except IsADirectoryError as exc:
        raise BackupError(path, "not-a-backup", "a directory") from exc
    except NotADirectoryError as exc:
        raise BackupError(path, "missing", "a parent of it is not a directory") from exc
    except OSError as exc:  # permissions, I/O errors
        raise BackupError(path, "unreadable", exc.strerror or str(exc)) from exc


def _generations(directory: Path, name: str) -> list[Path]:
    """``name``, then ``name.1``, ``name.2`` ... that exist, newest first."""
    numbered = []
    prefix = f"{name}."
    if directory.is_dir():
        for p in directory.iterdir():
            if p.name.startswith(prefix) and p.name[len(prefix) :].isdigit():
                numbered.append((int(p.name[len(prefix) :]), p))
    return [directory / name, *(p for _, p in sorted(numbered))]


def latest_backup(
    directory: str | os.PathLike[str], *, name: str = DEFAULT_NAME
) -> tuple[Backup, list[str]]:
    """The newest usable generation of ``name`` in ``directory``.

    Returns:
        the backup, and one warning per newer generation that could not be
        used (which file, why, and what was used instead).
    Raises:
        BackupError: ``none``: no generation is usable (each one's reason is
            in the message).
    """
    directory = Path(directory)
    failures: list[BackupError] = []
    for path in _generations(directory, name):
        try:
            backup = read_backup(path)
        except BackupError as exc:
            failures.append(exc)
            continue
        warnings = [f"{exc}; falling back to {path.name}" for exc in failures]
        return backup, warnings
    reasons = "; ".join(str(exc) for exc in failures)
    raise BackupError(directory / name, "none", f"no usable backup generation ({reasons})")


def load_latest(
    directory: str | os.PathLike[str], *, name: str = DEFAULT_NAME
) -> tuple[dict[str, Any], list[str]]:
    """The snapshot of the newest usable backup generation, and the warnings
    about the newer ones that were skipped (see :func:`latest_backup`)."""
    backup, warnings = latest_backup(directory, name=name)
    return backup.snapshot, warnings


def describe_backup(path: str | os.PathLike[str]) -> dict[str, Any]:
    """What ``statengine backup inspect`` shows, as plain data (JSON-ready).

    The file is verified first (an unusable one raises, it is never half
    described). Beyond the header and the core's counts
    (:func:`statengine.core.snapshot.summarize`) it reads the snapshot's
    tables for what an operator deciding whether to restore wants to know:
    open actions by kind, calls and interactions in progress, statistics
    by category and time profile, subscriptions by subscriber, and the
    oldest last request (statistics nobody asked for are dropped three days
    after it, DOMAIN §7). Times stay POSIX ms; the CLI formats them.

    Raises:
        BackupError: as :func:`read_backup`; ``corrupt`` when the verified
            snapshot still cannot be read (a file written by a bug).
    """
    data = _read_bytes(path)
    backup = decode_backup(data, path)
    h = backup.header
    try:
        details = {**summarize(backup.snapshot), **_details(backup.snapshot)}
    except (SnapshotError, KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise BackupError(path, "corrupt", f"cannot describe the snapshot ({exc})") from exc
    return {
        "path": str(backup.path),
        "size": len(data),
        "format_version": h.format_version,
        "engine_version": h.engine_version,
        "created": h.created,
        "snapshot_version": h.snapshot_version,
        "checksum": {"algorithm": "SHA-256", "status": "ok", "digest": data[-_DIGEST:].hex()},
        **details,
    }


def _tally(names: Any) -> dict[str, int]:
    """name -> how many, most frequent first (ties by name), for stable output."""
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _details(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The counts :func:`describe_backup` adds to the core's summary, read
    from the snapshot's tables (the pool's through
    :func:`~statengine.core.snapshot.pool_columns`, whatever the version)."""
    model, pool = snapshot["model"], snapshot["pool"]
    refs = snapshot["refs"]
    devices = [*model["dns"], *model["staging"]]
    for agent in model["agents"]:
        for partial in agent["partials"]:
            devices.extend(partial["channels"])
    open_kinds = _tally(str(action["kind"]) for device in devices for action in device["open"])
    types, profiles = pool["stat_types"], pool["profiles"]
    type_of, profile_of, last_requested = pool_columns(
        snapshot, "statistics", ("type", "profile", "last_requested")
    )
    subscriber_of, stat_of = pool_columns(snapshot, "subscriptions", ("subscriber", "stat"))
    subscribed = set(stat_of)
    requested = [t for t in last_requested if t is not None]
    return {
        "staging_areas": len(model["staging"]),
        "groups_by_type": _tally(str(refs[group["ref"]][1]) for group in model["groups"]),
        "open_actions": sum(open_kinds.values()),
        "open_actions_by_kind": open_kinds,
        "statistics_by_category": _tally(str(types[i]["definition"]["Category"]) for i in type_of),
        "statistics_by_profile": _tally(str(profiles[i]["name"]) for i in profile_of),
        "statistics_unsubscribed": sum(1 for i in range(len(type_of)) if i not in subscribed),
        "subscriptions_by_subscriber": _tally(str(s) for s in subscriber_of),
        "oldest_last_request": min(requested) if requested else None,
    }


# --------------------------------------------------------------------------
# Periodic backups
# --------------------------------------------------------------------------


@attrs.define(kw_only=True)
class AutoBackup:
    """When to write the next backup (``auto-backup-interval``, DOMAIN §7).

    It owns no clock: the caller passes its time (engine time in a
    simulation, the wall clock in a server) to :meth:`due` and :meth:`write`.

    Args:
        interval_s: seconds between backups; 0 disables periodic backups
            (:meth:`write` still writes on demand, e.g. at shutdown).
        directory: where the files go; created if missing.
        name: the file name (generations are ``name.1`` ...).
        generations: files kept, the newest included.
        start_ms: when counting starts; the first backup is due one interval
            later. None: due at the first :meth:`due` call.
    """

    interval_s: float
    directory: Path = attrs.field(converter=Path)
    name: str = DEFAULT_NAME
    generations: int = 2
    start_ms: int | None = None
    #: when the next periodic backup is due (POSIX ms; None: now)
    next_due: int | None = attrs.field(init=False, default=None)
    #: when the last backup was written, and where
    last_written: int | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        if self.interval_s < 0:
            raise ValueError(f"interval_s: expected seconds >= 0, found {self.interval_s!r}")
        if self.start_ms is not None:
            self.next_due = self.start_ms + self.interval_ms

    @property
    def interval_ms(self) -> int:
        return round(self.interval_s * 1000)

    @property
    def enabled(self) -> bool:
        return self.interval_s > 0

    @property
    def path(self) -> Path:
        return self.directory / self.name

    def start(self, now_ms: int) -> None:
        """Start counting at ``now_ms`` if no start was given: the first
        periodic backup is due one interval later (a replay learns its start
        from the first event, after the object was made)."""
        if self.next_due is None and self.enabled:
            self.next_due = now_ms + self.interval_ms

    def due(self, now_ms: int) -> bool:
        """Whether a periodic backup is due at ``now_ms``."""
        return self.enabled and (self.next_due is None or now_ms >= self.next_due)

    def write(self, engine: Engine | dict[str, Any], now_ms: int) -> Path:
        """Write a backup now (periodic or on demand); the next one is due an
        interval later."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = write_backup(self.path, engine, created=now_ms, generations=self.generations)
        self.last_written = now_ms
        if self.enabled:
            self.next_due = now_ms + self.interval_ms
        return path

    def maybe_write(self, engine: Engine, now_ms: int) -> Path | None:
        """:meth:`write` if :meth:`due`, else nothing."""
        return self.write(engine, now_ms) if self.due(now_ms) else None
