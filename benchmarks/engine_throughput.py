"""Engine throughput: a realistic event mix into a large pool of open statistics,
then the time to back that pool up and restore it.

::

    python -m benchmarks throughput [--agents 1000] [--events 1000000]
        [--profiles Default,CollectorDefault] [--mode NONE] [--seed 1]
        [--runs 3] [--no-statistics] [--no-shared-sums] [--json FILE]

What it does, in order:

1. Builds ``make_center(agents, queues=agents // 100)`` and generates the
   stream with :func:`statengine.testing.generate_stream` into a list
   (voice calls through queues and a routing point, holds, consults,
   transfers, conferences, outbound and internal calls, after-call work,
   breaks and shifts, chats and e-mails), and prints the mix: events per
   class and share.
2. Opens the stat type library (``configs/stattypes.toml``) on every agent,
   place, agent group, place group, queue, routing point, queue group and
   staging area it applies to, once per time profile in ``--profiles``:
   by default ``Default`` (the day's figures of a wallboard) and
   ``CollectorDefault`` (the 15-minute intervals a WFM collector reads), as a
   real deployment has both; 54,000 statistics for 1,000 agents.
3. Feeds the list: the measured loop is ``engine.feed(event)`` per event and
   nothing else, so that the figures are the engine's (intake, state
   reconstruction, statistics, changes-based notification evaluation when
   ``--mode`` asks for it). Wall and process CPU time are both taken: CPU
   is the steadier figure on a shared machine.
4. Backs the engine up and restores it ``--runs`` times, timing each step
   in wall and CPU time: ``engine.snapshot()``, then ``write_backup``
   (encoding with the SHA-256 checksum, writing the file, fsync, rename;
   the encoding is also timed alone), then ``read_backup`` (read, verify,
   decode) and ``Engine.restore``; a backup is snapshot + write, a restore
   read + restore. Prints the backup file size. A calibration loop (pure
   Python arithmetic) is timed too, to compare machines.

Memory: RSS is read from ``/proc/self/statm`` where it exists (the resident
size now), the peak from ``getrusage``. Bytes per statistic are the RSS
growth while opening the statistics (after a collection), divided by their
number: what a statistic costs before traffic fills its aggregates. The
peak RSS includes the pre-built stream (about 250 bytes an event).

Speed is measured here, never asserted in tests (``shared/DESIGN.md``);
``tests/test_benchmarks.py`` only checks that every figure is printed.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from statengine import Engine, ObjectType
from statengine.backup import encode_backup, read_backup, write_backup
from statengine.config import _library
from statengine.core.engine import StatisticsProfile
from statengine.core.notify import NotificationSettings, NotifyMode
from statengine.testing import generate_stream, make_center

#: the objects statistics are opened on (every one the library applies to)
OBJECT_TYPES = (
    ObjectType.Agent,
    ObjectType.Place,
    ObjectType.GroupAgents,
    ObjectType.GroupPlaces,
    ObjectType.Queue,
    ObjectType.RoutePoint,
    ObjectType.GroupQueues,
    ObjectType.StagingArea,
)
DEFAULT_PROFILES = ("Default", "CollectorDefault")
#: the steps of a backup and a restore, in order: ``write`` is
#: :func:`write_backup` (encoding with checksum, then the file written,
#: fsynced and renamed); ``encode`` is timed alone as well, to tell the CPU
#: of encoding from the disk; ``read`` is :func:`read_backup` (read, verify,
#: decode)
STEPS = ("snapshot", "encode", "write", "read", "restore")
#: the steps whose sum is a backup, and a restore
BACKUP_STEPS, RESTORE_STEPS = ("snapshot", "write"), ("read", "restore")


def _rss_mb() -> float:
    """Resident size now (MB), or the peak where /proc is not available."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except (OSError, ValueError, IndexError):
        return _peak_rss_mb()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall s, CPU s, result) of ``fn()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _open_library(
    engine: Engine, profile: StatisticsProfile, profiles: tuple[str, ...], mode: str
) -> dict[str, int]:
    """Open every stat type on every object it applies to, per time profile;
    returns how many per profile."""
    settings = NotificationSettings(mode=NotifyMode[mode])
    opened = dict.fromkeys(profiles, 0)
    for name, stat_type in profile.stat_types.items():
        for otype in OBJECT_TYPES:
            if otype not in stat_type.objects:
                continue
            for ref in engine.objects(otype):
                for prof in profiles:
                    engine.open_statistic(
                        "bench",
                        (name, str(ref), prof),
                        ref,
                        name,
                        profile=prof,
                        notification=settings,
                    )
                    opened[prof] += 1
    return opened


def _backup_round_trips(
    engine: Engine, center: Any, profile: StatisticsProfile, runs: int, directory: Path
) -> tuple[dict[str, dict[str, float]], int, float]:
    """Time each step of a backup and a restore ``runs`` times.

    Returns:
        per step: wall and CPU medians and the CPU minimum (s); the backup
        file size (bytes); the calibration loop's CPU median (s).
    """
    samples: dict[str, list[tuple[float, float]]] = {step: [] for step in STEPS}
    calibration = []
    size = 0
    path = directory / "bench.backup"
    expected = engine.pool_statistics().statistics
    for _ in range(runs):
        gc.collect()
        _, cpu, _ = _timed(partial(sum, (i * i for i in range(2_000_000))))
        calibration.append(cpu)
        wall, cpu, snap = _timed(engine.snapshot)
        samples["snapshot"].append((wall, cpu))
        wall, cpu, blob = _timed(partial(encode_backup, snap, created=engine.now or 0))
        samples["encode"].append((wall, cpu))
        wall, cpu, _ = _timed(partial(write_backup, path, snap, created=engine.now or 0))
        samples["write"].append((wall, cpu))
        size = path.stat().st_size
        assert size == len(blob)
        del snap, blob
        wall, cpu, backup = _timed(partial(read_backup, path))
        samples["read"].append((wall, cpu))
        restore = partial(Engine.restore, center, backup.snapshot, profile=profile, strict=False)
        wall, cpu, restored = _timed(restore)
        samples["restore"].append((wall, cpu))
        got = restored.pool_statistics().statistics
        if got != expected:  # a benchmark of a broken restore measures nothing
            raise RuntimeError(f"restored {got} statistics, expected {expected}")
        del backup, restored
    table = {
        step: {
            "wall_s": statistics.median(w for w, _ in values),
            "cpu_s": statistics.median(c for _, c in values),
            "cpu_min_s": min(c for _, c in values),
        }
        for step, values in samples.items()
    }
    return table, size, statistics.median(calibration)


def run(
    *,
    agents: int,
    events: int,
    mode: str = "NONE",
    seed: int = 1,
    profiles: tuple[str, ...] = DEFAULT_PROFILES,
    statistics_on: bool = True,
    shared_sums: bool = True,
    runs: int = 3,
    console: Console | None = None,
) -> dict[str, Any]:
    """Run the benchmark, print its tables and return every figure."""
    console = console if console is not None else Console()
    queues = max(1, agents // 100)
    center = make_center(agents=agents, queues=queues)
    profile = StatisticsProfile.from_sections(_library())
    gen_s, _, stream = _timed(lambda: list(generate_stream(center, seed=seed, events=events)))
    mix = collections.Counter(type(e).__name__ for e in stream)
    gc.collect()
    engine = Engine(center, now=stream[0].time, profile=profile)
    # the comparison switch of --no-shared-sums (docs/semantics.md §3.5)
    engine._pool.share_sums = shared_sums
    rss_before = _rss_mb()
    open_s, _, opened = _timed(
        lambda: _open_library(engine, profile, profiles, mode) if statistics_on else {}
    )
    n_open = sum(opened.values())
    gc.collect()
    rss_open = _rss_mb()

    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for event in stream:
        engine.feed(event)
    feed_wall = time.perf_counter() - wall0
    feed_cpu = time.process_time() - cpu0
    peak_feed = _peak_rss_mb()
    n = len(stream)
    result: dict[str, Any] = {
        "agents": agents,
        "queues": queues,
        "events": n,
        "virtual_hours": round((stream[-1].time - stream[0].time) / 3_600_000, 2),
        "seed": seed,
        "notification_mode": mode,
        "profiles": list(profiles) if statistics_on else [],
        "open_statistics": n_open,
        "open_statistics_by_profile": opened,
        "shared_sums": shared_sums,
        "aggregates": engine.pool_statistics().aggregates,
        "open_time_s": round(open_s, 3),
        "events_per_s": round(n / feed_wall),
        "us_per_event": round(feed_wall / n * 1e6, 2),
        "cpu_us_per_event": round(feed_cpu / n * 1e6, 2),
        "feed_wall_s": round(feed_wall, 3),
        "feed_cpu_s": round(feed_cpu, 3),
        "generator_events_per_s": round(n / gen_s),
        "rss_before_open_mb": round(rss_before, 1),
        "rss_after_open_mb": round(rss_open, 1),
        "bytes_per_statistic": round((rss_open - rss_before) * 2**20 / n_open) if n_open else None,
        "peak_rss_mb": round(peak_feed, 1),
    }
    del stream
    gc.collect()
    with tempfile.TemporaryDirectory(prefix="statengine-bench-") as tmp:
        steps, size, calibration = _backup_round_trips(engine, center, profile, runs, Path(tmp))
    result["backup_runs"] = runs
    result["backup_steps"] = {
        step: {k: round(v, 4) for k, v in figures.items()} for step, figures in steps.items()
    }
    for what, names in (("backup", BACKUP_STEPS), ("restore", RESTORE_STEPS)):
        result[f"{what}_wall_s"] = round(sum(steps[s]["wall_s"] for s in names), 3)
        result[f"{what}_cpu_s"] = round(sum(steps[s]["cpu_s"] for s in names), 3)
    result["backup_bytes"] = size
    result["backup_bytes_per_statistic"] = round(size / n_open) if n_open else None
    result["calibration_cpu_s"] = round(calibration, 3)
    result["peak_rss_with_restore_mb"] = round(_peak_rss_mb(), 1)
    result["mix"] = dict(mix.most_common())
    _print(result, console)
    return result


#: (label, key, unit) of the main table, in order
_ROWS = (
    ("agents", "agents", ""),
    ("events fed", "events", ""),
    ("virtual hours", "virtual_hours", "h"),
    ("notification mode", "notification_mode", ""),
    ("open statistics", "open_statistics", ""),
    ("aggregates and shared sums", "aggregates", ""),
    ("shared sums", "shared_sums", ""),
    ("time to open them", "open_time_s", "s"),
    ("events/s", "events_per_s", ""),
    ("µs/event (wall)", "us_per_event", "µs"),
    ("µs/event (CPU)", "cpu_us_per_event", "µs"),
    ("generator events/s", "generator_events_per_s", ""),
    ("RSS before opening", "rss_before_open_mb", "MB"),
    ("RSS after opening", "rss_after_open_mb", "MB"),
    ("bytes/statistic (RSS)", "bytes_per_statistic", "B"),
    ("peak RSS (stream + engine)", "peak_rss_mb", "MB"),
    ("backup, wall (snapshot + write)", "backup_wall_s", "s"),
    ("backup, CPU", "backup_cpu_s", "s"),
    ("restore, wall (read + restore)", "restore_wall_s", "s"),
    ("restore, CPU", "restore_cpu_s", "s"),
    ("backup file size", "backup_bytes", "B"),
    ("backup bytes/statistic", "backup_bytes_per_statistic", "B"),
    ("peak RSS with a restored copy", "peak_rss_with_restore_mb", "MB"),
    ("calibration loop, CPU", "calibration_cpu_s", "s"),
)


def _cell(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = f"{value:,}" if isinstance(value, int | float) else str(value)
    return f"{text} {unit}".rstrip()


def _print(result: dict[str, Any], console: Console) -> None:
    mix = result["mix"]
    total = sum(mix.values())
    table = Table(title=f"event mix ({total:,} events)")
    table.add_column("event")
    table.add_column("events", justify="right")
    table.add_column("share", justify="right")
    for name, count in mix.items():
        table.add_row(name, f"{count:,}", f"{100 * count / total:.2f} %")
    console.print(table)
    table = Table(title="engine throughput")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, key, unit in _ROWS:
        table.add_row(label, _cell(result[key], unit))
    for prof, count in result["open_statistics_by_profile"].items():
        table.add_row(f"  open in profile {prof}", f"{count:,}")
    console.print(table)
    table = Table(title=f"backup and restore, median of {result['backup_runs']}")
    table.add_column("step")
    table.add_column("wall", justify="right")
    table.add_column("CPU", justify="right")
    table.add_column("CPU min", justify="right")
    labels = {"encode": "  encode (within write)"}
    for step, figures in result["backup_steps"].items():
        table.add_row(
            labels.get(step, step),
            f"{figures['wall_s']:.3f} s",
            f"{figures['cpu_s']:.3f} s",
            f"{figures['cpu_min_s']:.3f} s",
        )
    console.print(table)


def _profiles(value: str) -> tuple[str, ...]:
    names = tuple(p.strip() for p in value.split(",") if p.strip())
    known = StatisticsProfile.from_sections(_library()).time_profiles
    unknown = [p for p in names if p not in known]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"expected time profiles among {', '.join(known)}, found {value!r}"
        )
    return names


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {value!r}")
    return number


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks throughput",
        description="Engine throughput with the stat type library open, and backup/restore times.",
    )
    parser.add_argument("--agents", type=_positive, default=1000)
    parser.add_argument("--events", type=_positive, default=1_000_000)
    parser.add_argument(
        "--profiles",
        type=_profiles,
        default=DEFAULT_PROFILES,
        metavar="P1,P2",
        help="time profiles each statistic is opened in (default: Default,CollectorDefault)",
    )
    parser.add_argument(
        "--mode",
        choices=[m.name for m in NotifyMode],
        default="NONE",
        help="notification mode of every subscription (NONE measures intake)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--runs", type=_positive, default=3, help="backup/restore repetitions (medians)"
    )
    parser.add_argument(
        "--no-statistics",
        action="store_true",
        help="open no statistics: measure state reconstruction alone",
    )
    parser.add_argument(
        "--no-shared-sums",
        action="store_true",
        help="one aggregate per statistic (for comparison; docs/semantics.md §3.5)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write every figure there as JSON")
    args = parser.parse_args(argv)
    result = run(
        agents=args.agents,
        events=args.events,
        mode=args.mode,
        seed=args.seed,
        profiles=args.profiles,
        statistics_on=not args.no_statistics,
        shared_sums=not args.no_shared_sums,
        runs=args.runs,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
