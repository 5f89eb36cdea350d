"""A recorded stream as a simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators import create_simulator, with_simulation
from simulators.replay import ReplaySimulator
from statengine import Engine
from statengine.config import load_packaged, parse_config
from statengine.errors import ConfigError
from statengine.streams import write_stream

from .centers import all_flows, example_text


def _recording(tmp_path: Path, name: str = "day.jsonl") -> tuple[Path, list[object]]:
    config = all_flows("3h")
    events = list(create_simulator(config, seed=4).events())
    path = tmp_path / name
    write_stream(path, events)
    return path, events


def test_replay_yields_the_recording(tmp_path: Path) -> None:
    path, events = _recording(tmp_path)
    config = with_simulation(
        load_packaged("example"), simulator="replay", replay={"stream": str(path)}
    )
    sim = create_simulator(config)
    assert isinstance(sim, ReplaySimulator)
    replayed = list(sim.events())
    assert replayed == events
    assert sim.records == ()
    engine = Engine(config)
    for event in replayed:
        engine.feed(event)
    assert engine.statistics().events_refused == 0


def test_replay_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    _, events = _recording(tmp_path, "rec.msgpack")
    toml = tmp_path / "center.toml"
    toml.write_text(
        example_text()
        + '\n[simulation]\nsimulator = "replay"\n[simulation.replay]\nstream = "rec.msgpack"\n'
        'duration = "1h"\n'
    )
    from statengine.config import load_config

    sim = create_simulator(load_config(toml))
    replayed = list(sim.events())
    assert replayed == [e for e in events if e.time < events[0].time + 3_600_000]  # type: ignore[attr-defined]


def test_from_path(tmp_path: Path) -> None:
    path, events = _recording(tmp_path)
    sim = ReplaySimulator.from_path(path, load_packaged("example"))
    assert list(sim.events()) == events


def test_replay_needs_a_stream() -> None:
    config = parse_config(example_text() + '\n[simulation]\nsimulator = "replay"\n')
    with pytest.raises(ConfigError) as info:
        create_simulator(config)
    assert info.value.path == "simulation.replay.stream"
