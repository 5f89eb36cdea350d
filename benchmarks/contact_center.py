"""The contact-center simulator alone: how fast the packaged centers simulate.

Why: ``statengine simulate`` spends its time in the simulator and in the
engine; this scenario measures the simulator's share (``--speed max``, no
engine, no report): the packaged ``small``, ``default`` and ``large``
centers (voice, chat, e-mail and work items on two Interaction Servers, the
``contact-center`` simulator), every event of ``sim.events()`` consumed by a
``for`` loop, or with ``--records-only`` the same model without building
events (``sim.run()``: same draws, same records).

Per center: events, calls and interactions simulated, the best wall and CPU
time of ``--repeat`` rounds (building the simulator from the parsed
configuration included, parsing the TOML not), events/s, calls/s,
interactions/s and contacts/s (calls + interactions) by wall time, and
events per CPU second (the machine is shared: CPU time is the steadier).

    python -m benchmarks centers [--center default ...] [--duration 8h] [--seed N]
                                 [--repeat 3] [--records-only] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from simulators import create_simulator, with_simulation
from simulators.multimedia import ContactCenterSimulator
from statengine.config import load_packaged

__all__ = ["main", "measure"]


def measure(center: str, duration: str, seed: int | None, records_only: bool) -> dict[str, Any]:
    """One round: simulate ``center`` for ``duration`` and time it."""
    config = with_simulation(load_packaged(center), duration=duration)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    sim = create_simulator(config, seed=seed)
    assert isinstance(sim, ContactCenterSimulator)
    if records_only:
        sim.run()
        events = 0
    else:
        events = sum(1 for _ in sim.events())
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "center": center,
        "agents": len(config.center.agents),
        "events": events,
        "calls": len(sim.records),
        "interactions": len(sim.interactions),
        "wall_s": wall,
        "cpu_s": cpu,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks centers", description=__doc__)
    parser.add_argument("--center", action="append", help="packaged center (repeatable)")
    parser.add_argument("--duration", default="8h")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--records-only", action="store_true", help="sim.run(): no events")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    centers = args.center or ["small", "default", "large"]
    rows = []
    for center in centers:
        rounds = [
            measure(center, args.duration, args.seed, args.records_only)
            for _ in range(max(1, args.repeat))
        ]
        best = min(rounds, key=lambda r: r["wall_s"])
        best["cpu_s"] = min(r["cpu_s"] for r in rounds)
        rows.append(best)
    head = (
        f"{'center':<8} {'agents':>6} {'events':>10} {'calls':>8} {'ixns':>7} {'wall s':>7} "
        f"{'events/s':>9} {'calls/s':>8} {'ixns/s':>7} {'contacts/s':>10} {'ev/CPU s':>9}"
    )
    print(
        f"contact-center simulator, {args.duration}, no engine"
        + (" (run())" if args.records_only else "")
    )
    print(head)
    for r in rows:
        wall = r["wall_s"]
        print(
            f"{r['center']:<8} {r['agents']:>6} {r['events']:>10,} {r['calls']:>8,} "
            f"{r['interactions']:>7,} {wall:>7.2f} {r['events'] / wall:>9,.0f} "
            f"{r['calls'] / wall:>8,.0f} {r['interactions'] / wall:>7,.0f} "
            f"{(r['calls'] + r['interactions']) / wall:>10,.0f} "
            f"{r['events'] / r['cpu_s']:>9,.0f}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
