"""The virtual-time scheduler and determinism of whole simulations."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators import create_simulator
from simulators.schedule import Scheduler
from statengine.errors import LocalProtocolError
from statengine.streams import write_stream

from .centers import all_flows, large


def test_timers_run_in_time_then_sequence_order() -> None:
    sched: Scheduler[str] = Scheduler(1000)
    seen: list[tuple[int, str]] = []

    def note(arg: str, token: int) -> None:
        seen.append((sched.now, arg))
        sched.out.append(arg)
        if arg == "b":  # a timer set for "now" runs after those already due now
            sched.at(sched.now, note, "b2")

    for t, name in ((3000, "c"), (2000, "a"), (2000, "b"), (1000, "first"), (2000, "a2")):
        sched.at(t, note, name)
    out = list(sched.run(10_000))
    assert out == ["first", "a", "b", "a2", "b2", "c"]
    assert [t for t, _ in seen] == [1000, 2000, 2000, 2000, 2000, 3000]
    assert sched.now == 10_000
    assert sched.produced == 6


def test_run_stops_before_the_horizon_and_resumes() -> None:
    sched: Scheduler[int] = Scheduler(0)

    def tick(_: None, n: int) -> None:
        sched.out.append(n)
        if n < 5:
            sched.after(100, tick, None, n + 1)

    sched.at(0, tick, None, 0)
    assert list(sched.run(300)) == [0, 1, 2]  # 300 itself is not before the horizon
    assert sched.next_time() == 300
    assert list(sched.run(10_000)) == [3, 4, 5]
    assert len(sched) == 0


def test_virtual_time_never_goes_back() -> None:
    sched: Scheduler[int] = Scheduler(5000)
    with pytest.raises(LocalProtocolError, match="never goes back"):
        sched.at(4999, lambda arg, token: None)


def _record(path: Path, seed: int, hours: str = "10h") -> bytes:
    config = all_flows(hours)
    write_stream(path, create_simulator(config, seed=seed).events(), meta={"seed": seed})
    return path.read_bytes()


def test_same_seed_same_stream_byte_for_byte(tmp_path: Path) -> None:
    first = _record(tmp_path / "a.msgpack", seed=7)
    second = _record(tmp_path / "b.msgpack", seed=7)
    assert first == second
    assert len(first) > 100_000
    assert _record(tmp_path / "c.msgpack", seed=8) != first


def test_same_seed_same_records() -> None:
    config = large(agents=60, queues=3, duration="2h")
    a = create_simulator(config, seed=1)
    b = create_simulator(config, seed=1)
    assert list(a.events()) == list(b.events())
    assert a.records == b.records


def test_simulators_use_no_clock_and_no_global_random() -> None:
    """Determinism by construction: randomness only from the rng they are given."""
    import ast

    import simulators

    root = Path(simulators.__file__).parent
    problems = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module in {"random", "time"}:
                problems.append(f"{path.name}:{node.lineno} imports from {node.module}")
            if isinstance(node, ast.Import) and any(a.name == "time" for a in node.names):
                problems.append(f"{path.name}:{node.lineno} imports time")
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id == "random" and node.attr != "Random":
                    problems.append(f"{path.name}:{node.lineno} uses random.{node.attr}")
                clock = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}
                if node.value.id in {"datetime", "date", "time"} and node.attr in clock:
                    problems.append(f"{path.name}:{node.lineno} reads a clock ({node.attr})")
    assert problems == []
