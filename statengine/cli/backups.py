"""Backups on the command line: the options ``simulate`` and ``replay``
share, restoring from the newest usable generation, replay's rules for
continuing a stream, and ``statengine backup inspect``.

::

    statengine replay [STREAM] --backup-dir DIR [--backup-interval SECONDS] [--restore]
    statengine simulate [CONFIG] --backup-dir DIR [--backup-interval SECONDS] [--restore]
    statengine backup inspect FILE [--json]

The files, their generations and the fallback are :mod:`statengine.backup`'s;
this module only decides *when* (on the time of the events: virtual time in
a simulation, the stream's time in a replay, never the wall clock) and
turns every failure into a :class:`~statengine.errors.StatEngineError`, which
:func:`statengine.cli.main.main` prints as one line with exit status 2.

How a replay backs up and continues (the rules are chosen so that a replay
restored from a backup and continued ends exactly like an uninterrupted one):

* Periodic backups are due every ``--backup-interval`` seconds of stream
  time counted from the first event (or from the restored clock): the one
  due at ``D`` is written just before the first event at or after ``D``
  that is later than the engine clock, so *between two events of different
  times*, and holds the engine clock (the latest event time fed, before
  ``D``). So the events at or before a backup's clock are exactly the events
  that engine had been fed, late events included. A stretch of the stream
  with no events gets one backup, however many due times it spans.
* At the end of the stream a last backup is written (the shutdown backup of
  DOMAIN §7), unless the replay was interrupted (the state may be half
  changed) or stopped by ``--strict``.
* ``--restore`` rebuilds the engine from the newest usable backup in
  ``--backup-dir`` (a damaged newest generation is skipped for the previous
  one, with a warning saying which file and why), then skips the stream's
  *leading* events whose time is at or before the backup's clock and feeds
  the rest. The same stream from its start, or a recording that starts
  after the backup, both continue where the backup left off. One caveat:
  the end-of-stream backup of a stream cut between two events of the same
  millisecond cannot know the rest of that millisecond, which a later
  ``--restore`` skips as well; periodic backups never have that problem.
* The restored engine drops the subscriptions saved in the backup (a
  wallboard, a report collector): they belonged to the run that wrote it.
  Their statistics stay in the pool with their values, and a ``--dashboard``
  opening the same statistics again continues them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import attrs

from statengine.backup import AutoBackup, Backup, BackupError, describe_backup, latest_backup
from statengine.core.engine import Engine
from statengine.core.events import Event
from statengine.core.snapshot import restore_engine
from statengine.errors import ConfigError, SnapshotError

__all__ = [
    "ReplayBackups",
    "Resumed",
    "add_backup_options",
    "add_parser",
    "check_backup_options",
    "cmd_backup_inspect",
    "make_auto_backup",
    "restore_latest",
    "write_now",
]

PROG: Final = "statengine"
EXIT_OK: Final = 0


# --------------------------------------------------------------------------
# The options simulate and replay share
# --------------------------------------------------------------------------


def _interval(value: str) -> float:
    """``--backup-interval``: seconds, finite and >= 0 (0: only the last backup)."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, found {value!r}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, found {value!r}")
    return seconds


def add_backup_options(parser: argparse.ArgumentParser, *, clock: str, restore: str) -> None:
    """Add ``--backup-dir``, ``--backup-interval`` and ``--restore``.

    Args:
        clock: what the interval's seconds are counted in, for the help
            ("virtual seconds", "seconds of stream time").
        restore: the help of ``--restore``: where the command continues.
    """
    parser.add_argument(
        "--backup-dir",
        metavar="DIR",
        help="write engine backups there (the last one at the end of the run)",
    )
    parser.add_argument(
        "--backup-interval",
        type=_interval,
        default=0.0,
        metavar="SECONDS",
        help=f"{clock} between periodic backups (with --backup-dir; default 0: none)",
    )
    parser.add_argument("--restore", action="store_true", help=restore)


def check_backup_options(args: argparse.Namespace) -> None:
    """Refuse option combinations that cannot work, before any work is done.

    Raises:
        ConfigError: ``--restore`` or ``--backup-interval`` without
            ``--backup-dir``, or a ``--backup-dir`` that is not a directory.
    """
    if (args.restore or args.backup_interval) and not args.backup_dir:
        raise ConfigError(
            "--restore and --backup-interval need --backup-dir",
            path="--backup-dir",
            expected="a directory",
            found=None,
        )
    if args.backup_dir:
        directory = Path(args.backup_dir)
        if directory.exists() and not directory.is_dir():
            raise ConfigError(
                "--backup-dir is not a directory",
                path="--backup-dir",
                expected="a directory (created if missing)",
                found=f"the file {args.backup_dir}",
            )


def make_auto_backup(args: argparse.Namespace, *, start_ms: int | None) -> AutoBackup | None:
    """The :class:`AutoBackup` of ``--backup-dir`` / ``--backup-interval``, or None.

    ``start_ms`` None: periodic backups count from the first event
    (:class:`ReplayBackups` starts it).
    """
    if not args.backup_dir:
        return None
    return AutoBackup(interval_s=args.backup_interval, directory=args.backup_dir, start_ms=start_ms)


def write_now(backup: AutoBackup, engine: Engine, now_ms: int) -> Path:
    """:meth:`AutoBackup.write`, with a failing disk reported as a
    :class:`BackupError` (one line, exit 2) rather than a traceback.

    Raises:
        BackupError: ``unwritable``: the directory or file cannot be written.
    """
    try:
        return backup.write(engine, now_ms)
    except OSError as exc:
        where = exc.filename if exc.filename is not None else backup.path
        raise BackupError(where, "unwritable", exc.strerror or str(exc)) from exc


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {' '.join(message.split())}", file=sys.stderr)


@attrs.frozen(kw_only=True)
class Resumed:
    """An engine restored from a backup, and what was said about it."""

    engine: Engine
    #: the generation used (``backup.path``), its header and snapshot
    backup: Backup
    #: the backup's engine clock: where the restored engine continues
    clock: int | None
    #: newer generations skipped and why, then the restore's own warnings
    warnings: tuple[str, ...]


def restore_latest(
    directory: str | Path, config: Any, *, strict: bool, keep_subscriptions: bool
) -> Resumed:
    """Restore an engine from the newest usable backup in ``directory``,
    as an exact continuation at the backup's clock.

    Each warning (a damaged newest generation and the one used instead, a
    stat type no longer configured...) is printed on stderr as well as
    returned, so that the fallback is never silent.

    Raises:
        BackupError: ``none``: no usable generation (each one's reason is in
            the message).
        SnapshotError: the configuration does not match the backup (an
            object it names is missing...).
    """
    backup, skipped = latest_backup(directory)
    try:
        restored = restore_engine(
            config, backup.snapshot, strict=strict, keep_subscriptions=keep_subscriptions
        )
    except SnapshotError as exc:  # say which file, and that the configuration is why
        source = getattr(config, "source", "this configuration")
        raise SnapshotError(f"{backup.path}: cannot be restored on {source}: {exc}") from exc
    warnings = (*skipped, *restored.report.warnings)
    for warning in warnings:
        _warn(warning)
    engine = restored.engine
    return Resumed(engine=engine, backup=backup, clock=engine.now, warnings=warnings)


# --------------------------------------------------------------------------
# Replay: continuing a stream, backing up on its time
# --------------------------------------------------------------------------


@attrs.define(eq=False)
class ReplayBackups:
    """The events of a replay on their way to the engine (module docstring).

    Args:
        engine: the engine being fed (its clock is read, never moved).
        backup: periodic and end-of-stream backups; None: none.
        resume_after: the restored backup's clock: leading events at or
            before it are skipped. None: nothing is skipped.
    """

    engine: Engine
    backup: AutoBackup | None = None
    resume_after: int | None = None
    #: leading events skipped because the restored engine had seen them
    skipped: int = 0
    #: the engine clock of each backup written, in order
    written: list[int] = attrs.field(factory=list)
    #: events the engine had been fed before this run (a restored engine's)
    fed_before: int = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.fed_before = self.engine.statistics().events_fed

    def record_number(self) -> int:
        """The stream record of the event the engine was fed last, the
        header being record 0 (for messages about a refused event)."""
        return self.skipped + self.engine.statistics().events_fed - self.fed_before

    def events(self, events: Iterable[Event]) -> Iterator[Event]:
        """``events`` minus what the restored engine saw, writing the backups
        that fall due before each event is fed."""
        stream = iter(events)
        if self.resume_after is not None:
            stream = self._skip_seen(stream, self.resume_after)
        backup = self.backup
        if backup is None or not backup.enabled:
            yield from stream
            return
        engine, written = self.engine, self.written
        for event in stream:
            now = engine.now
            if now is not None:
                backup.start(now)
                t = event.time
                if t > now and backup.due(t):
                    due = backup.next_due
                    write_now(backup, engine, now)
                    written.append(now)
                    if due is not None:  # stay on the grid: start + k * interval
                        step = backup.interval_ms
                        backup.next_due = due + step * ((t - due) // step + 1)
            yield event

    def _skip_seen(self, stream: Iterator[Event], clock: int) -> Iterator[Event]:
        for event in stream:
            if event.time > clock:
                yield event
                break
            self.skipped += 1
        yield from stream

    def finish(self) -> Path | None:
        """The end-of-stream backup (None: no backups asked for, or an engine
        that never saw an event)."""
        now = self.engine.now
        if self.backup is None or now is None:
            return None
        path = write_now(self.backup, self.engine, now)
        self.written.append(now)
        return path


# --------------------------------------------------------------------------
# statengine backup inspect
# --------------------------------------------------------------------------


def add_parser(commands: Any) -> None:
    """Register ``backup`` (with its ``inspect`` command) on ``statengine``'s subparsers."""
    backup = commands.add_parser(
        "backup",
        help="look into engine backup files",
        description="Commands on the backup files --backup-dir writes.",
    )
    sub = backup.add_subparsers(dest="backup_command", metavar="COMMAND", required=True)
    inspect = sub.add_parser(
        "inspect",
        help="print what a backup file holds",
        description=(
            "Verify a backup file (magic, format version, SHA-256) and print what it holds: "
            "the header (format and engine version, creation time, checksum), the engine "
            "clock, objects, open actions, calls and interactions, the statistics of the pool "
            "by category and time profile, subscriptions and the oldest last request. A "
            "missing, truncated, corrupt or newer file, or one that is not a backup, is an "
            "error (exit 2). Times are UTC."
        ),
    )
    inspect.add_argument("file", metavar="FILE", help="a backup file (e.g. DIR/statengine.backup)")
    inspect.add_argument(
        "--json", action="store_true", help="print the description as JSON (times in POSIX ms)"
    )
    inspect.set_defaults(handler=cmd_backup_inspect)


def cmd_backup_inspect(args: argparse.Namespace) -> int:
    """``statengine backup inspect``: :func:`describe_backup`, as text or JSON."""
    info = describe_backup(args.file)
    if args.json:
        sys.stdout.write(json.dumps(info, indent=2) + "\n")
    else:
        sys.stdout.write(format_description(info))
    return EXIT_OK


def _utc(ms: int | None) -> str:
    if ms is None:
        return "-"
    stamp = datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    return f"{stamp} UTC ({ms})"


def _counts(tally: dict[str, int]) -> str:
    return ", ".join(f"{name} {n:,}" for name, n in tally.items()) or "-"


def format_description(info: dict[str, Any]) -> str:
    """The text ``backup inspect`` prints: one ``label  value`` line per fact."""
    checksum = info["checksum"]
    groups = info["groups_by_type"]
    rows = [
        ("file", f"{info['path']} ({info['size']:,} bytes)"),
        ("format", f"backup format {info['format_version']}, snapshot {info['snapshot_version']}"),
        ("written by", f"statengine {info['engine_version']}"),
        ("created", _utc(info["created"])),
        ("checksum", f"{checksum['algorithm']} {checksum['status']} ({checksum['digest'][:16]})"),
        ("engine clock", _utc(info["clock"])),
        ("events fed", f"{info['events_fed']:,}"),
        ("links up", ", ".join(info["links_up"]) or "-"),
        ("DNs", f"{info['dns']:,}"),
        ("agents", f"{info['agents']:,} ({info['agents_logged_in']:,} logged in)"),
        ("places", f"{info['places']:,}"),
        ("groups", f"{info['groups']:,}" + (f" ({_counts(groups)})" if groups else "")),
        ("staging areas", f"{info['staging_areas']:,}"),
        ("open actions", f"{info['open_actions']:,}"),
        ("  by kind", _counts(info["open_actions_by_kind"])),
        ("calls", f"{info['calls']:,}"),
        ("interactions", f"{info['interactions']:,}"),
        (
            "statistics",
            f"{info['statistics']:,} ({info['statistics_unsubscribed']:,} unsubscribed)",
        ),
        ("  by category", _counts(info["statistics_by_category"])),
        ("  by profile", _counts(info["statistics_by_profile"])),
        ("subscriptions", f"{info['subscriptions']:,}"),
        ("  by subscriber", _counts(info["subscriptions_by_subscriber"])),
        ("oldest last request", _utc(info["oldest_last_request"])),
    ]
    width = max(len(label) for label, _ in rows)
    return "".join(f"{label:<{width}}  {value}\n" for label, value in rows)
