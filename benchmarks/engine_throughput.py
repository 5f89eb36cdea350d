"""Engine throughput: a realistic event mix into a pool of open statistics.

The stream comes from :func:`statengine.testing.generate_stream` (voice calls
through queues and a routing point, holds, consults, transfers, outbound and
internal calls, after-call work, breaks, shifts, chats and e-mails); the
stat type library (``configs/stattypes.toml``) is opened on every agent,
place, group, queue, routing point and staging area it applies to.
Measured: events/s and µs per event (intake, including statistics and
changes-based notification evaluation), open statistics, peak RSS and
bytes per statistic, and the time to snapshot and restore the engine.
"""

from __future__ import annotations

import argparse
import collections
import gc
import resource
import time

from rich.console import Console
from rich.table import Table

from statengine import Engine, ObjectType
from statengine.config import _library
from statengine.core.engine import StatisticsProfile
from statengine.core.notify import NotificationSettings, NotifyMode
from statengine.testing import generate_stream, make_center

OBJECT_TYPES = (
    ObjectType.Agent,
    ObjectType.Place,
    ObjectType.GroupAgents,
    ObjectType.GroupPlaces,
    ObjectType.Queue,
    ObjectType.RoutePoint,
    ObjectType.StagingArea,
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    agents: int, events: int, mode: str, seed: int, console: Console, *, statistics: bool = True
) -> dict[str, object]:
    center = make_center(agents=agents, queues=max(1, agents // 100))
    profile = StatisticsProfile.from_sections(_library())
    t0 = time.perf_counter()
    stream = list(generate_stream(center, seed=seed, events=events))
    gen_s = time.perf_counter() - t0
    mix = collections.Counter(type(e).__name__ for e in stream)
    engine = Engine(center, now=stream[0].time, profile=profile)
    rss_before = _rss_mb()
    settings = NotificationSettings(mode=NotifyMode[mode])
    t0 = time.perf_counter()
    opened = 0
    for name, stat_type in profile.stat_types.items() if statistics else ():
        for otype in OBJECT_TYPES:
            if otype not in stat_type.objects:
                continue
            for ref in engine.objects(otype):
                engine.open_statistic("bench", (name, str(ref)), ref, name, notification=settings)
                opened += 1
    open_s = time.perf_counter() - t0
    gc.collect()
    rss_open = _rss_mb()
    notifications = 0
    t0 = time.perf_counter()
    for event in stream:
        notifications += len(engine.feed(event).notifications)
    feed_s = time.perf_counter() - t0
    result: dict[str, object] = {
        "agents": agents,
        "events": len(stream),
        "virtual hours": round((stream[-1].time - stream[0].time) / 3_600_000, 2),
        "open statistics": opened,
        "notification mode": mode,
        "events/s": round(len(stream) / feed_s),
        "µs/event": round(feed_s / len(stream) * 1e6, 1),
        "notifications": notifications,
        "open time (s)": round(open_s, 2),
        "generator events/s": round(len(stream) / gen_s),
        "peak RSS (MB)": round(_rss_mb(), 1),
        "bytes/statistic (RSS)": round((rss_open - rss_before) * 1024 * 1024 / max(1, opened)),
    }
    snapshot = getattr(engine, "snapshot", None)
    if snapshot is not None:
        t0 = time.perf_counter()
        data = snapshot()
        result["snapshot (s)"] = round(time.perf_counter() - t0, 3)
        restore = getattr(Engine, "restore", None)
        if restore is not None:
            t0 = time.perf_counter()
            restore(center, data, profile=profile)
            result["restore (s)"] = round(time.perf_counter() - t0, 3)
    table = Table(title="engine throughput")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(table)
    mix_table = Table(title="event mix")
    mix_table.add_column("event")
    mix_table.add_column("share", justify="right")
    for name, count in mix.most_common():
        mix_table.add_row(name, f"{100 * count / len(stream):.1f} %")
    console.print(mix_table)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks throughput")
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--mode",
        choices=[m.name for m in NotifyMode],
        default="NONE",
        help="notification mode of every subscription (NONE measures intake)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-statistics",
        action="store_true",
        help="open no statistics: measure state reconstruction alone",
    )
    args = parser.parse_args(argv)
    run(
        args.agents, args.events, args.mode, args.seed, Console(), statistics=not args.no_statistics
    )


if __name__ == "__main__":
    main()
