"""The ``statengine`` command: argument parsing, the commands, and the one
place where errors become messages and exit statuses.

Commands:

``statengine replay [STREAM] [--config CONFIG] [--strict] [--json] [--dashboard]
[--backup-dir DIR [--backup-interval SECONDS] [--restore]]``
    Feed a recorded event stream (:mod:`statengine.streams`) to an
    :class:`~statengine.Engine` and print what happened and the final state.
    Without ``STREAM`` it replays the sample bundled in the package
    (``configs/samples/example.msgpack``) on the packaged ``example`` center.
    With ``--backup-dir`` it backs the engine up on the stream's time;
    ``--restore`` continues from the newest backup, skipping the leading
    events at or before its clock (:mod:`statengine.cli.backups`).

``statengine simulate ...``
    :mod:`statengine.cli.simulate`.

``statengine backup inspect FILE [--json]``
    What a backup file holds (:mod:`statengine.cli.backups`).

This module is an edge (``shared/DESIGN.md``): it owns the files, the wall
clock (``time.perf_counter`` for the events/s figure) and the terminal; the
engine only sees events. Data is gathered into the values of
:mod:`statengine.cli.render` first, then rendered.

Errors are translated here once (``shared/STYLE.md`` D.16):

* every expected :class:`~statengine.errors.StatEngineError` (a bad config, a
  bad stream file, a refused event in ``--strict``) prints one line
  ``statengine: error: ...`` on stderr and exits with status 2, no traceback;
* argparse usage errors exit with status 2 as well;
* Ctrl-C exits with status 130 after printing what was done;
* :class:`~statengine.errors.InternalError` is a bug, not an expected error:
  it keeps its traceback so that it can be reported.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.resources
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, Final

import attrs
from rich.console import Console

from statengine import __version__
from statengine.cli.backups import (
    ReplayBackups,
    Resumed,
    add_backup_options,
    check_backup_options,
    make_auto_backup,
    restore_latest,
)
from statengine.cli.render import (
    AgentGroupRow,
    AgentRow,
    PlaceRow,
    QueueRow,
    ReplayReport,
    ReplaySummary,
    StagingAreaRow,
    render_report,
    report_to_json,
)
from statengine.config import Config, load_config, load_packaged, packaged_configs
from statengine.core.actions import Action, ActionKind
from statengine.core.engine import Engine
from statengine.core.events import Event, to_record
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.status import Status
from statengine.errors import BadEventError, ConfigError, InternalError, StatEngineError
from statengine.streams import StreamReader, read_stream

__all__ = ["build_parser", "main"]

PROG: Final = "statengine"

#: Exit statuses.
EXIT_OK: Final = 0
EXIT_ERROR: Final = 2
EXIT_INTERRUPTED: Final = 130

#: The stream ``statengine replay`` plays when given none, inside the package.
SAMPLE_PACKAGE: Final = "configs"
SAMPLE_PATH: Final = ("samples", "example.msgpack")
#: The packaged configuration of the sample, if its header names none.
SAMPLE_CONFIG: Final = "example"

#: A refused event is quoted in the error message up to this many characters.
_MAX_QUOTED: Final = 300


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        the exit status: 0 on success, 2 for a usage error or any expected
        :class:`StatEngineError`, 130 when interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage errors, --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else 1
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except InternalError:
        raise
    except StatEngineError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        # The reader of our output went away (``statengine replay | head``).
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    return status


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="statengine: an event-driven statistics engine for contact centers.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    replay = commands.add_parser(
        "replay",
        help="feed a recorded event stream to the engine and show the final state",
        description=(
            "Feed a recorded event stream (msgpack or JSON Lines) to the engine, then print "
            "a summary (events fed, applied, refused by reason, speed) and the final state "
            "of agents, places, queues, agent groups and staging areas. Without STREAM, "
            "replays the sample bundled with statengine on the packaged 'example' center. "
            "With --backup-dir, the engine is backed up every --backup-interval seconds of "
            "the stream's time (between two events of different times, holding the time of "
            "the last event fed) and at the end of the stream; --restore starts from the "
            "newest usable backup there (falling back to the previous generation, with a "
            "warning, when the newest is damaged) and skips the stream's leading events at "
            "or before the backup's clock, so that the same stream, or a recording of what "
            "came after, continues where the backup left off."
        ),
    )
    replay.add_argument(
        "stream", nargs="?", metavar="STREAM", help="stream file (default: the bundled sample)"
    )
    replay.add_argument(
        "--config",
        metavar="CONFIG",
        help=(
            "a TOML configuration file, or the name of a packaged one"
            f" ({', '.join(packaged_configs())}); default: the name in the stream header"
        ),
    )
    replay.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first refused event (exit 2) instead of skipping and counting it",
    )
    replay.add_argument(
        "--json", action="store_true", help="print the report as JSON instead of tables"
    )
    # --- replay --dashboard (statengine.cli.dashboard) ----------------------
    replay.add_argument(
        "--dashboard",
        action="store_true",
        help=(
            "show a live wallboard (queues, staging areas, agents) while replaying; "
            "printed once at the end when the output is not a terminal"
        ),
    )
    # --- end replay --dashboard ------------------------------------------------
    add_backup_options(
        replay,
        clock="seconds of stream time (event time)",
        restore=(
            "start from the newest usable backup in --backup-dir and skip the stream's "
            "leading events at or before its clock"
        ),
    )
    replay.set_defaults(handler=cmd_replay)
    # --- simulate (statengine.cli.simulate) -----------------------------------
    from statengine.cli.simulate import add_parser as add_simulate_parser

    add_simulate_parser(commands)
    # --- end simulate -----------------------------------------------------------
    from statengine.cli.backups import add_parser as add_backup_parser

    add_backup_parser(commands)
    return parser


def _fail(message: str) -> int:
    one_line = " ".join(message.split())
    print(f"{PROG}: error: {one_line}", file=sys.stderr)
    return EXIT_ERROR


# --------------------------------------------------------------------------
# replay
# --------------------------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    """``statengine replay``: see the module docstring."""
    check_backup_options(args)
    if args.dashboard:
        return _replay_dashboard(args)
    with _stream_file(args.stream) as (path, label):
        try:
            with read_stream(path) as reader:
                config = _replay_config(args.config, reader, label, bundled=args.stream is None)
                run, resumed = _replay_start(args, config)
                engine = run.engine
                try:
                    progress = _feed(engine, run.events(reader))
                except BadEventError as exc:
                    return _fail(_refusal_message(exc, run.record_number(), label))
        except OSError as exc:  # read_stream reports missing files; this is the rest (EIO...)
            return _fail(f"{label}: cannot read the stream: {exc.strerror or exc}")
        if not progress.interrupted:  # a half-changed state is not backed up
            run.finish()
        summary = _summary(engine, progress, label, config.source)
        report = _gather(engine, summary) if not progress.interrupted else None
    if report is None:  # interrupted: the counters are right, the state may be half-changed
        report = ReplayReport(summary=summary)
    tables = not progress.interrupted
    backups = _backups_json(args, run, resumed)
    if args.json:
        data = report_to_json(report, tables=tables)
        if backups is not None:
            data["backups"] = backups
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        console = Console(highlight=False)
        console.print(render_report(report, tables=tables))
        if backups is not None:
            print(_backups_text(backups, engine))  # plain: paths are not markup
    if progress.interrupted:
        print(
            f"{PROG}: interrupted after {summary.events_fed:,} events; the state shown"
            " is not the end of the stream",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return EXIT_OK


def _replay_start(args: argparse.Namespace, config: Config) -> tuple[ReplayBackups, Resumed | None]:
    """The engine to feed (new, or restored from ``--backup-dir``) and the
    backups around it (:mod:`statengine.cli.backups` for the rules)."""
    resumed = None
    if args.restore:
        resumed = restore_latest(
            args.backup_dir, config, strict=args.strict, keep_subscriptions=False
        )
        engine = resumed.engine
    else:
        engine = Engine(config, strict=args.strict)
    run = ReplayBackups(
        engine=engine,
        backup=make_auto_backup(args, start_ms=None),
        resume_after=resumed.clock if resumed is not None else None,
    )
    return run, resumed


def _backups_json(
    args: argparse.Namespace, run: ReplayBackups, resumed: Resumed | None
) -> dict[str, Any] | None:
    """What the backup options did, for the report (None: none were given)."""
    if not args.backup_dir:
        return None
    return {
        "directory": args.backup_dir,
        "interval_s": args.backup_interval,
        "restored_from": str(resumed.backup.path) if resumed is not None else None,
        "restored_clock": resumed.clock if resumed is not None else None,
        "events_skipped": run.skipped,
        "warnings": list(resumed.warnings) if resumed is not None else [],
        "file": str(run.backup.path) if run.backup is not None else None,
        "written": len(run.written),
        "written_clocks": list(run.written),
    }


def _backups_text(backups: dict[str, Any], engine: Engine) -> str:
    zone = engine.config.tenants[0].timezone
    lines = []
    if backups["restored_from"] is not None:
        clock = backups["restored_clock"]
        at = _local(clock, zone) if clock is not None else "no clock"
        lines.append(
            f"restored from {backups['restored_from']} (clock {at}); "
            f"{backups['events_skipped']:,} leading events at or before it skipped"
        )
    clocks = backups["written_clocks"]
    last = f", the last one at {_local(clocks[-1], zone)}" if clocks else ""
    lines.append(f"{len(clocks):,} backups written to {backups['file']}{last}")
    return "\n".join(lines)


# --- replay --dashboard (statengine.cli.dashboard) --------------------------


def _replay_dashboard(args: argparse.Namespace) -> int:
    """``statengine replay --dashboard``: the stream through the live wallboard."""
    from statengine.cli.dashboard import run_live

    if args.json:
        return _fail("--dashboard and --json cannot be combined")
    console = Console(highlight=False)
    with _stream_file(args.stream) as (path, label):
        try:
            with read_stream(path) as reader:
                config = _replay_config(args.config, reader, label, bundled=args.stream is None)
                run, resumed = _replay_start(args, config)
                try:
                    run_live(run.engine, run.events(reader), console=console)
                except BadEventError as exc:
                    return _fail(_refusal_message(exc, run.record_number(), label))
        except OSError as exc:
            return _fail(f"{label}: cannot read the stream: {exc.strerror or exc}")
    run.finish()
    backups = _backups_json(args, run, resumed)
    if backups is not None:
        print(_backups_text(backups, run.engine))
    return EXIT_OK


# --- end replay --dashboard --------------------------------------------------


@contextlib.contextmanager
def _stream_file(stream: str | None) -> Iterator[tuple[Path, str]]:
    """The file to read and how to name it: ``stream``, or the bundled sample
    (through importlib.resources, so it works from any installation)."""
    if stream is not None:
        yield Path(stream), stream
        return
    resource = importlib.resources.files(SAMPLE_PACKAGE).joinpath(*SAMPLE_PATH)
    with importlib.resources.as_file(resource) as path:
        yield path, f"package:{SAMPLE_PACKAGE}/{'/'.join(SAMPLE_PATH)}"


def load_config_arg(value: str) -> Config:
    """A ``--config`` value: a TOML file, or the name of a packaged configuration.

    A value naming an existing file, ending in ``.toml`` or containing a path
    separator is a file; anything else a packaged name.

    Raises:
        ConfigError: no such file or packaged configuration, or it is invalid.
    """
    path = Path(value)
    if path.is_file() or path.suffix == ".toml" or "/" in value or os.sep in value:
        return load_config(path)
    return load_packaged(value)


def _replay_config(
    option: str | None, reader: StreamReader, label: str, *, bundled: bool
) -> Config:
    """``--config`` if given, else the packaged configuration the stream header names."""
    if option is not None:
        return load_config_arg(option)
    name = reader.header.meta.get("config")
    if name is None and bundled:
        name = SAMPLE_CONFIG
    available = packaged_configs()
    if not isinstance(name, str) or name not in available:
        found = "no configuration" if name is None else "an unknown configuration"
        raise ConfigError(
            f"the stream header names {found}; give --config",
            path="meta.config",
            expected="one of: " + ", ".join(available),
            found=name,
            source=label,
        )
    return load_packaged(name)


@attrs.define(eq=False)
class _Progress:
    """What the edge measured while feeding (the engine counts the rest)."""

    first_time: int | None = None
    elapsed_s: float = 0.0
    interrupted: bool = False


def _feed(engine: Engine, events: Iterable[Event]) -> _Progress:
    """Feed every event of ``events``; Ctrl-C stops early and is recorded."""
    progress = _Progress()
    feed = engine.feed
    start = time.perf_counter()
    try:
        for event in events:
            if progress.first_time is None:
                progress.first_time = event.time
            feed(event)
    except KeyboardInterrupt:
        progress.interrupted = True
    finally:
        progress.elapsed_s = time.perf_counter() - start
    return progress


def _refusal_message(exc: BadEventError, index: int, label: str) -> str:
    """``<stream>: record <n>: <why>: <the event as recorded>``, on one line."""
    record = json.dumps(to_record(exc.event), ensure_ascii=False, separators=(",", ":"))
    if len(record) > _MAX_QUOTED:
        record = record[: _MAX_QUOTED - 3] + "..."
    return f"{label}: record {index}: {exc}: {record} (replay without --strict to skip it)"


def _local(ms: int, zone: tzinfo) -> str:
    """POSIX milliseconds as a local date and time of ``zone`` (to the second)."""
    return datetime.fromtimestamp(ms // 1000, zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _summary(engine: Engine, progress: _Progress, label: str, source: str) -> ReplaySummary:
    stats = engine.statistics()
    zone = engine.config.tenants[0].timezone
    first = progress.first_time
    return ReplaySummary(
        stream=label,
        config=source,
        strict=engine.strict,
        interrupted=progress.interrupted,
        events_fed=stats.events_fed,
        events_applied=stats.events_applied,
        events_refused=stats.events_refused,
        refused_by_reason=stats.refused_by_reason,
        late_events=stats.late_events,
        actions=stats.actions,
        status_changes=stats.status_changes,
        elapsed_s=progress.elapsed_s,
        first_event=_local(first, zone) if first is not None else None,
        last_event=_local(stats.now, zone) if stats.now is not None else None,
    )


def _gather(engine: Engine, summary: ReplaySummary) -> ReplayReport:
    """Read the final state out of the engine into report rows."""
    center = engine.config
    zones = {tenant.name: tenant.timezone for tenant in center.tenants}

    def reasons(action: Action | None) -> dict[str, Any]:
        return dict(action.reasons) if action is not None else {}

    agents = []
    for ref in engine.objects(ObjectType.Agent):
        info = engine.status(ref)
        node = engine.current_state(ref)
        agents.append(
            AgentRow(
                tenant=ref.tenant,
                employee_id=ref.id,
                status=info.status.name,
                since_ms=info.since,
                since=_local(info.since, zones[ref.tenant]),
                places=tuple(c.ref.id for c in node.children if c.ref.type is ObjectType.Place),
                reasons=reasons(info.action),
            )
        )
    places = []
    for ref in engine.objects(ObjectType.Place):
        info = engine.status(ref)
        places.append(
            PlaceRow(
                tenant=ref.tenant,
                name=ref.id,
                status=info.status.name,
                since_ms=info.since,
                since=_local(info.since, zones[ref.tenant]),
                reasons=reasons(info.action),
            )
        )
    queues = []
    for kind in (ObjectType.Queue, ObjectType.RoutePoint):
        for ref in engine.objects(kind):
            node = engine.current_state(ref)
            waiting = sum(
                1 for a in node.actions if a.kind is ActionKind.CallWait and a.end is None
            )
            queues.append(
                QueueRow(
                    tenant=ref.tenant,
                    id=ref.id,
                    type=kind.name,
                    status=node.status.name,
                    waiting=waiting,
                )
            )
    groups = []
    for ref in engine.objects(ObjectType.GroupAgents):
        counts = engine.group_status(ref)
        groups.append(
            AgentGroupRow(
                tenant=ref.tenant,
                name=ref.id,
                counts={s.name: counts[s] for s in Status if counts.get(s, 0)},
            )
        )
    # the backlog is the engine's (open InteractionWaiting actions of the
    # area), not a tally of this run's actions: a restored engine knows what
    # waited before
    in_backlog = ActionKind.InteractionWaiting
    areas = tuple(
        StagingAreaRow(
            tenant=area.tenant,
            name=area.name,
            media=area.media,
            backlog=sum(
                1
                for a in engine.current_state(
                    ObjectRef(area.tenant, ObjectType.StagingArea, area.name)
                ).actions
                if a.kind is in_backlog
            ),
        )
        for area in center.staging_areas
    )
    return ReplayReport(
        summary=summary,
        agents=tuple(agents),
        places=tuple(places),
        queues=tuple(queues),
        agent_groups=tuple(groups),
        staging_areas=areas,
    )
