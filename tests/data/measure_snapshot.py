"""Measure snapshot / restore of a large pool (issue 6). Not a test: speed
is never asserted in unit tests (DESIGN.md); move it to ``benchmarks/``.

    python tests/data/measure_snapshot.py [--agents 1000] [--queues 10] [--runs 5]

Builds ``make_center(agents, queues)``, feeds 30 minutes of generated
traffic, opens every stat type of the packaged library on every agent,
place, agent group, place group and queue with two profiles (Default and
CollectorDefault: ~54,000 statistics for 1,000 agents), then times, in
process CPU time (robust on a shared machine) and wall time:

* ``engine.snapshot()``; ``encode_backup`` (msgpack + SHA-256);
  ``decode_backup`` (verify + msgpack); ``Engine.restore``;
* the same snapshot / restore with the cyclic GC off around the call, to
  show what CPython's collector adds when it later ages the ~1.5 million
  new objects;
* a calibration loop (``sum(i * i for i in range(2_000_000))``), to compare
  machines.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from statengine import Engine, ObjectType
from statengine.backup import decode_backup, encode_backup
from statengine.config import _library
from statengine.core.engine import StatisticsProfile
from statengine.testing import generate_stream, make_center

OBJECT_TYPES = {
    ObjectType.Agent,
    ObjectType.Place,
    ObjectType.GroupAgents,
    ObjectType.GroupPlaces,
    ObjectType.Queue,
}


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    c, w = time.process_time(), time.perf_counter()
    result = fn()
    return time.process_time() - c, time.perf_counter() - w, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--queues", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    profile = StatisticsProfile.from_sections(_library())
    center = make_center(agents=args.agents, queues=args.queues)
    engine = Engine(center, profile=profile, strict=False)
    for event in generate_stream(center, seed=1, duration_s=1800):
        engine.feed(event)
    n = 0
    for name, st in profile.stat_types.items():
        for kind in sorted(st.objects & OBJECT_TYPES, key=lambda t: t.value):
            for obj in engine.objects(kind):
                for prof in ("Default", "CollectorDefault"):
                    try:
                        engine.open_statistic("bench", n, obj, name, profile=prof)
                    except Exception:
                        continue
                    n += 1
    pool = engine.pool_statistics()
    print(
        f"{pool.statistics} statistics, {pool.subscriptions} subscriptions, "
        f"{engine.statistics().events_fed} events fed"
    )
    rows: dict[str, list[tuple[float, float]]] = {}

    def record(name: str, cpu: float, wall: float) -> None:
        rows.setdefault(name, []).append((cpu, wall))

    size = 0
    restore = partial(Engine.restore, center, profile=profile, strict=False)
    for _ in range(args.runs):
        gc.collect()
        cpu, wall, _ = timed(partial(sum, (i * i for i in range(2_000_000))))
        record("calibration loop", cpu, wall)
        cpu, wall, snap = timed(engine.snapshot)
        record("engine.snapshot()", cpu, wall)
        cpu, wall, blob = timed(partial(encode_backup, snap, created=0))
        record("encode_backup (msgpack+sha256)", cpu, wall)
        size = len(blob)
        cpu, wall, backup = timed(partial(decode_backup, blob))
        record("decode_backup (verify+msgpack)", cpu, wall)
        cpu, wall, _ = timed(partial(restore, backup.snapshot))
        record("Engine.restore", cpu, wall)
        gc.collect()
        gc.disable()
        try:
            cpu, wall, _ = timed(engine.snapshot)
            record("snapshot, GC off", cpu, wall)
            cpu, wall, _ = timed(partial(restore, backup.snapshot))
            record("restore, GC off", cpu, wall)
        finally:
            gc.enable()
    print(f"backup file: {size / 1e6:.1f} MB")
    print(f"{'':34s} {'cpu min':>8s} {'cpu median':>11s} {'wall median':>12s}")
    for name, values in rows.items():
        cpus = sorted(c for c, _ in values)
        walls = sorted(w for _, w in values)
        mid = len(values) // 2
        print(f"{name:34s} {cpus[0]:7.3f}s {cpus[mid]:10.3f}s {walls[mid]:11.3f}s")


if __name__ == "__main__":
    main()
