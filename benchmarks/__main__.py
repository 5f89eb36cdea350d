"""``python -m benchmarks {throughput,compare,centers} ...``: run a benchmark scenario."""

from __future__ import annotations

import sys

from benchmarks import compare_simulators, contact_center, engine_throughput

SCENARIOS = {
    "throughput": engine_throughput.main,
    "compare": compare_simulators.main,
    "centers": contact_center.main,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in SCENARIOS:
        print(f"usage: python -m benchmarks {{{','.join(SCENARIOS)}}} [options]")
        raise SystemExit(2)
    SCENARIOS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
