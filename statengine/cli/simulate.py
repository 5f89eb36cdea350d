"""``statengine simulate``: run a simulator into an engine, in process.

::

    statengine simulate [CONFIG] [--simulator NAME|module:Class] [--duration 8h]
        [--seed N] [--speed max|1x|60x] [--report FILE.json] [--record FILE]
        [--no-dashboard] [--backup-dir DIR --backup-interval SECONDS] [--restore]

This module is an edge: it owns the wall clock (pacing with
``time.monotonic`` / ``time.sleep``), the files and the terminal. The engine
is tolerant: refused events are counted and reported, never fatal.

``--restore`` rebuilds the engine from the newest backup in ``--backup-dir``
and starts the simulator at the backup's clock
(``with_simulation(config, start=...)``), with the duration counted from
there. The simulated center starts empty at that instant (its agents log in
again, calls in progress at backup time are not re-created), so the restored
engine may refuse a few events about objects it still believes busy, and the
stuck-call guard cleans calls that never end; these are counted as refusals.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from simulators import SimulationSettings, Simulator, create_simulator, with_simulation
from statengine.backup import AutoBackup, BackupError
from statengine.cli.backups import (
    add_backup_options,
    check_backup_options,
    make_auto_backup,
    restore_latest,
    write_now,
)
from statengine.config import Config
from statengine.core.engine import Engine
from statengine.core.events import Event
from statengine.report import ReportCollector, build_report
from statengine.report_media import MediaReportCollector, add_media_report
from statengine.streams import StreamWriter, open_stream_writer

__all__ = ["add_parser", "cmd_simulate", "parse_speed"]

EXIT_OK: Final = 0
EXIT_INTERRUPTED: Final = 130


def parse_speed(value: str) -> float | None:
    """``max`` -> None (as fast as possible); ``60x`` -> 60.0."""
    if value == "max":
        return None
    text = value[:-1] if value.endswith("x") else value
    try:
        factor = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected 'max' or a factor like '1x' or '60x', found {value!r}"
        ) from None
    if not factor > 0:
        raise argparse.ArgumentTypeError(f"the speed factor must be > 0, found {value!r}")
    return factor


def add_parser(commands: Any) -> None:
    """Register ``simulate`` on the subparsers of ``statengine``."""
    p = commands.add_parser(
        "simulate",
        help="run a simulated contact center through the engine",
        description=(
            "Run a simulator (by default the voice model of the configuration's [simulation] "
            "section) into an engine in process, with a live wallboard, and optionally write "
            "a report (docs/report.md), a recording of the event stream and periodic backups."
        ),
    )
    p.add_argument(
        "config",
        nargs="?",
        default="default",
        metavar="CONFIG",
        help="a TOML configuration file or a packaged name (default: default)",
    )
    p.add_argument("--simulator", metavar="NAME", help="registered name or module:Class")
    p.add_argument("--duration", metavar="DURATION", help="virtual time to simulate, e.g. 8h")
    p.add_argument("--seed", type=int, metavar="N", help="random seed")
    p.add_argument(
        "--speed",
        type=parse_speed,
        default=None,
        metavar="max|1x|60x",
        help="max: as fast as possible (default); Nx: N virtual seconds per wall second",
    )
    p.add_argument("--report", metavar="FILE.json", help="write the JSON report there")
    p.add_argument("--record", metavar="FILE", help="record the event stream there")
    p.add_argument(
        "--no-dashboard",
        action="store_true",
        help="a progress bar instead of the wallboard (just a summary when not a terminal)",
    )
    add_backup_options(
        p,
        clock="virtual seconds",
        restore="start from the newest usable backup in --backup-dir, continuing at its clock",
    )
    p.set_defaults(handler=cmd_simulate)


class _Run:
    """The state of one run, shared by the event pump and the summary."""

    def __init__(self) -> None:
        self.fed = 0
        self.refused: dict[str, int] = {}
        self.interrupted = False
        self.last_ms: int | None = None


def _pump(
    events: Iterator[Event],
    engine: Engine,
    collector: ReportCollector | None,
    writer: StreamWriter | None,
    backup: AutoBackup | None,
    speed: float | None,
    run: _Run,
) -> Iterator[Event]:
    """The events on their way to the engine: interval resets for the report,
    recording, backups and pacing happen here, before each event is fed."""
    wall0: float | None = None
    virt0 = 0
    for event in events:
        t = event.time
        if speed is not None:
            if wall0 is None:
                wall0, virt0 = time.monotonic(), t
            delay = wall0 + (t - virt0) / 1000 / speed - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        if collector is not None:
            collector.before(t)
        if backup is not None and engine.now is not None and backup.due(t):
            engine.advance(t)
            write_now(backup, engine, t)
        if writer is not None:
            writer.write(event)
        run.last_ms = t
        run.fed += 1
        yield event


def _load(args: argparse.Namespace) -> Config:
    from statengine.cli.main import load_config_arg

    config = load_config_arg(args.config)
    changes: dict[str, Any] = {}
    if args.duration is not None:
        changes["duration"] = args.duration
        changes["end"] = None
    if args.seed is not None:
        changes["seed"] = args.seed
    if changes:
        config = with_simulation(config, **changes)
    return config


def cmd_simulate(args: argparse.Namespace) -> int:
    """``statengine simulate``: see the module docstring."""
    check_backup_options(args)
    config = _load(args)
    engine: Engine | None = None
    if args.restore:
        # the simulated center restarts empty: the backup's subscriptions
        # (the previous run's report collector) are not this run's
        resumed = restore_latest(args.backup_dir, config, strict=False, keep_subscriptions=False)
        engine = resumed.engine
        if engine.now is None:
            raise BackupError(resumed.backup.path, "corrupt", "the backup has no engine clock")
        zone = config.center.tenants[0].timezone
        start = datetime.fromtimestamp(engine.now / 1000, zone).isoformat()
        config = with_simulation(config, start=start, end=None)
        if args.duration is not None:
            config = with_simulation(config, duration=args.duration)
    sim: Simulator = create_simulator(config, name=args.simulator, seed=args.seed)
    # the period: the simulator's, else the [simulation] section's (a replay)
    settings = SimulationSettings.from_config(config)
    start_ms: int = getattr(sim, "start_ms", None) or settings.start_ms
    end_ms: int = getattr(sim, "end_ms", None) or settings.end_ms
    events = sim.events()
    if engine is None:
        engine = Engine(config, strict=False)
    engine.advance(start_ms)
    collector = MediaReportCollector(engine, subscriber="simulate-report")
    backup = make_auto_backup(args, start_ms=start_ms)
    writer = (
        open_stream_writer(args.record, meta={"config": _config_name(args.config)})
        if args.record
        else None
    )
    run = _Run()
    console = Console(highlight=False, stderr=args.report == "-")
    wall0 = time.perf_counter()
    try:
        pumped = _pump(events, engine, collector, writer, backup, args.speed, run)
        try:
            if args.no_dashboard:
                _feed_with_progress(engine, pumped, collector, run, console, start_ms, end_ms)
            else:
                from statengine.cli.dashboard import run_live

                run_live(engine, pumped, total_ms=end_ms - start_ms, console=console)
        except KeyboardInterrupt:
            run.interrupted = True
        finish = end_ms if not run.interrupted else (run.last_ms or start_ms)
        collector.before(finish)
        engine.advance(finish)
        collector.finish()
        if writer is not None:
            writer.close()
            writer = None
        if backup is not None and engine.now is not None:
            write_now(backup, engine, engine.now)
    finally:
        if writer is not None:
            writer.abort()
    elapsed = time.perf_counter() - wall0
    stats = engine.statistics()
    end_report = finish
    zone = config.center.tenants[0].timezone
    records = getattr(sim, "records", None)
    meta = {
        "config": config.source,
        "simulator": args.simulator or settings.simulator,
        "seed": settings.seed if args.seed is None else args.seed,
        "interrupted": run.interrupted,
        "restored": bool(args.restore),
        "events_simulated": run.fed,
        "events_fed": stats.events_fed,
        "events_refused": stats.events_refused,
        "refused_by_reason": dict(stats.refused_by_reason),
    }
    if args.report:
        report = build_report(
            collector=collector,
            start_ms=start_ms,
            end_ms=end_report,
            zone=zone,
            meta=meta,
            records=list(records) if records else None,
        )
        interactions = getattr(sim, "interactions", None)
        add_media_report(
            report,
            collector=collector,
            start_ms=start_ms,
            end_ms=end_report,
            zone=zone,
            interactions=list(interactions) if interactions is not None else None,
        )
        text = json.dumps(report, indent=1) + "\n"
        if args.report == "-":
            sys.stdout.write(text)
        else:
            Path(args.report).write_text(text, encoding="utf-8")
    summary = (
        f"simulated {(end_report - start_ms) / 3_600_000:.2f} h: {stats.events_fed:,} events "
        f"fed, {stats.events_refused:,} refused, in {elapsed:.1f} s"
    )
    if stats.refused_by_reason:
        summary += " (" + ", ".join(f"{k}: {v}" for k, v in stats.refused_by_reason.items()) + ")"
    print(summary, file=sys.stderr)
    if run.interrupted:
        print("statengine: interrupted; the report covers the time simulated", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def _config_name(value: str) -> str:
    """The ``config`` of a recording's header: the packaged name, or the path."""
    return value


def _feed_with_progress(
    engine: Engine,
    events: Iterator[Event],
    collector: ReportCollector,
    run: _Run,
    console: Console,
    start_ms: int,
    end_ms: int,
) -> None:
    feed, collect = engine.feed, collector.collect
    if not console.is_terminal:
        for event in events:
            collect(feed(event))
        return
    total = (end_ms - start_ms) / 1000
    with Progress(
        TextColumn("virtual time"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} s"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("simulate", total=total)
        shown = 0.0
        for event in events:
            collect(feed(event))
            done = (event.time - start_ms) / 1000
            if done - shown >= 60:
                bar.update(task, completed=done)
                shown = done
        bar.update(task, completed=total)
