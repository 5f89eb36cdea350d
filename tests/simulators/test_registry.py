"""The simulator registry: built-ins, entry-point plugins, module:Class."""

from __future__ import annotations

import importlib.metadata
import random
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

import simulators
from simulators import (
    BUILTIN_SIMULATORS,
    ENTRY_POINT_GROUP,
    CallKind,
    CallRecord,
    Outcome,
    Simulator,
    available_simulators,
    create_simulator,
    load_simulator,
    with_simulation,
)
from simulators.replay import ReplaySimulator
from simulators.voice import VoiceSimulator
from statengine import Engine
from statengine.config import Config, load_packaged
from statengine.core import events as ev
from statengine.errors import ConfigError


class ToySimulator:
    """A third-party simulator: one agent logs in, takes one call, logs out."""

    def __init__(self, config: Config, rng: random.Random) -> None:
        self.config = config
        self.rng = rng
        self._records: list[CallRecord] = []

    @property
    def records(self) -> Sequence[CallRecord]:
        return self._records

    def events(self) -> Iterator[ev.Event]:
        t = 1_772_438_400_000
        delay = self.rng.randrange(1000, 5000)
        dn, link = "5001", "ts1"
        yield ev.LinkConnected(time=t, link=link)
        yield ev.AgentLogin(time=t, link=link, dn=dn, agent_id="7001", this_queue="8001")
        yield ev.AgentReady(time=t, link=link, dn=dn, agent_id="7001")
        yield ev.Queued(
            time=t + 1000, link=link, dn="8001", conn_id="x1", call_type=ev.CallType.Inbound
        )
        yield ev.Diverted(time=t + delay, link=link, dn="8001", conn_id="x1", other_dn=dn)
        yield ev.Ringing(time=t + delay, link=link, dn=dn, conn_id="x1", this_queue="8001")
        yield ev.Established(time=t + delay + 2000, link=link, dn=dn, conn_id="x1")
        yield ev.Released(time=t + delay + 60_000, link=link, dn=dn, conn_id="x1")
        yield ev.AgentLogout(time=t + delay + 61_000, link=link, dn=dn, agent_id="7001")
        self._records.append(
            CallRecord(
                call_id="x1",
                kind=CallKind.INBOUND,
                outcome=Outcome.ANSWERED,
                entry_dn="8001",
                queue="8001",
                arrival_ms=t + 1000,
                answered_ms=t + delay + 2000,
                answered_by="1001",
            )
        )


NOT_A_FACTORY = 42


def _fake_entry_points(**plugins: str) -> Any:
    eps = importlib.metadata.EntryPoints(
        importlib.metadata.EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)
        for name, value in plugins.items()
    )

    def entry_points(**params: Any) -> importlib.metadata.EntryPoints:
        if params.get("group") == ENTRY_POINT_GROUP:
            return eps
        return importlib.metadata.EntryPoints(())

    return entry_points


def _run(sim: Simulator, config: Config) -> Engine:
    engine = Engine(config)
    for event in sim.events():
        engine.feed(event)
    return engine


def test_builtins() -> None:
    assert load_simulator("voice") is VoiceSimulator
    assert load_simulator("replay") is ReplaySimulator
    assert set(BUILTIN_SIMULATORS) <= set(available_simulators())
    assert isinstance(create_simulator(load_packaged("mmc")), VoiceSimulator)


def test_module_class_spec_runs_a_third_party_simulator() -> None:
    config = load_packaged("example")
    factory = load_simulator(f"{__name__}:ToySimulator")
    assert factory is ToySimulator
    sim = create_simulator(config, name=f"{__name__}:ToySimulator", seed=3)
    assert isinstance(sim, Simulator)
    engine = _run(sim, config)
    assert engine.statistics().events_refused == 0
    assert [r.call_id for r in sim.records] == ["x1"]
    # the seed reaches the simulator's rng
    again = create_simulator(config, name=f"{__name__}:ToySimulator", seed=3)
    assert [e.time for e in again.events()] == [
        e.time for e in create_simulator(config, name=f"{__name__}:ToySimulator", seed=3).events()
    ]


def test_entry_point_plugin_is_found_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        _fake_entry_points(toy=f"{__name__}:ToySimulator"),
    )
    assert available_simulators()["toy"] == f"{__name__}:ToySimulator"
    assert load_simulator("toy") is ToySimulator
    config = with_simulation(load_packaged("example"), simulator="toy")
    sim = create_simulator(config)  # the name comes from [simulation] simulator
    assert isinstance(sim, ToySimulator)
    assert _run(sim, config).statistics().events_applied == 9


def test_builtin_names_win_over_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        importlib.metadata, "entry_points", _fake_entry_points(voice=f"{__name__}:ToySimulator")
    )
    assert load_simulator("voice") is VoiceSimulator


def test_unknown_name_lists_the_available_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        importlib.metadata, "entry_points", _fake_entry_points(toy=f"{__name__}:ToySimulator")
    )
    with pytest.raises(ConfigError) as info:
        load_simulator("vocie")
    assert info.value.path == "simulation.simulator"
    assert info.value.found == "vocie"
    for name in ("voice", "replay", "toy"):
        assert name in info.value.expected
    config = with_simulation(load_packaged("example"), simulator="nope")
    with pytest.raises(ConfigError, match="unknown simulator"):
        create_simulator(config)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module_xyz:Sim", "cannot import"),
        (f"{__name__}:NoSuchClass", "has no attribute"),
        (f"{__name__}:NOT_A_FACTORY", "not a simulator factory"),
        (":Sim", "not a simulator spec"),
    ],
)
def test_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_simulator(spec)


def test_a_broken_plugin_is_reported_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        importlib.metadata, "entry_points", _fake_entry_points(broken="no_such_module_xyz:Sim")
    )
    with pytest.raises(ConfigError, match="failed to load"):
        load_simulator("broken")


def test_public_surface() -> None:
    assert set(simulators.__all__) == {
        name for name in dir(simulators) if not name.startswith("_") and name in simulators.__all__
    }
    for name in simulators.__all__:
        assert hasattr(simulators, name), name
