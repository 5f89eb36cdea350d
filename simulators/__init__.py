"""Simulators: sources of CTI events for the engine, with ground truth.

A **simulator** is built from a loaded configuration and a seeded
``random.Random`` and yields CTI events in time order up to a horizon::

    from simulators import create_simulator
    from statengine.config import load_packaged

    sim = create_simulator(load_packaged("mmc"), seed=7)   # [simulation] picks the kind
    for event in sim.events():                           # time-ordered, valid for the engine
        engine.feed(event)
    truth = sim.records                                   # one CallRecord per call

The protocol is :class:`Simulator`; what builds one is a
:data:`SimulatorFactory`, ``factory(config, rng)`` (a class whose ``__init__``
takes those two arguments satisfies it). Factories are found by
:func:`load_simulator`:

* the built-ins, :data:`BUILTIN_SIMULATORS`: ``voice`` (the PBX/ACD model of
  :mod:`simulators.voice`), ``contact-center`` (voice plus e-mail, chat and
  work items on one set of agents, :mod:`simulators.multimedia`; the
  default), ``multimedia`` (the Interaction Server side alone) and ``replay``
  (a recorded stream, :mod:`simulators.replay`);
* third-party simulators registered under the entry-point group
  ``statengine.simulators`` (:data:`ENTRY_POINT_GROUP`), e.g. in their
  ``pyproject.toml``::

      [project.entry-points."statengine.simulators"]
      chat = "mypkg.chat:ChatSimulator"

* any ``module:Class`` (or ``module:attr.attr``) importable object.

Built-in names win over entry points of the same name.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Final, Protocol, runtime_checkable

from simulators.media_records import MEDIA_RECORD_VERSION, InteractionOutcome, InteractionRecord
from simulators.records import RECORD_VERSION, CallKind, CallRecord, Outcome
from simulators.settings import SimulationSettings, with_simulation
from statengine.config import Config
from statengine.core.events import Event
from statengine.errors import ConfigError

__all__ = [
    "BUILTIN_SIMULATORS",
    "ENTRY_POINT_GROUP",
    "MEDIA_RECORD_VERSION",
    "RECORD_VERSION",
    "CallKind",
    "CallRecord",
    "InteractionOutcome",
    "InteractionRecord",
    "Outcome",
    "SimulationSettings",
    "Simulator",
    "SimulatorFactory",
    "available_simulators",
    "create_simulator",
    "load_simulator",
    "with_simulation",
]

#: The entry-point group third-party simulators register under.
ENTRY_POINT_GROUP: Final = "statengine.simulators"

#: Built-in simulators: name -> ``module:attr``.
BUILTIN_SIMULATORS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "voice": "simulators.voice:VoiceSimulator",
        "contact-center": "simulators.multimedia:ContactCenterSimulator",
        "multimedia": "simulators.multimedia:MultimediaSimulator",
        "replay": "simulators.replay:ReplaySimulator",
    }
)


@runtime_checkable
class Simulator(Protocol):
    """What every simulator offers.

    * :meth:`events` yields CTI events (:mod:`statengine.core.events`) in
      non-decreasing ``time`` order, up to the horizon, and may be called
      once. A simulator of a configured center must produce only events the
      engine accepts in strict mode.
    * :attr:`records` is the ground truth: one
      :class:`~simulators.records.CallRecord` per call, kept by the simulator
      itself (not derived from the events). It fills while :meth:`events`
      is consumed and is complete once :meth:`events` is exhausted. A
      simulator without ground truth (replay) has an empty sequence.
    """

    def events(self) -> Iterator[Event]: ...

    @property
    def records(self) -> Sequence[CallRecord]: ...


#: Builds a simulator: ``factory(config, rng)``.
SimulatorFactory = Callable[[Config, random.Random], Simulator]


def _entry_points() -> dict[str, importlib.metadata.EntryPoint]:
    # looked up on the module at call time, so tests can monkeypatch it
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return {ep.name: ep for ep in sorted(found, key=lambda ep: ep.name)}


def available_simulators() -> dict[str, str]:
    """Every simulator name :func:`load_simulator` accepts -> where it comes from
    (``module:attr``), built-ins first."""
    names = dict(BUILTIN_SIMULATORS)
    for name, ep in _entry_points().items():
        names.setdefault(name, ep.value)
    return names


def _import(spec: str, path: str) -> object:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError(
            "not a simulator spec",
            path=path,
            expected="a registered name or 'module:Class'",
            found=spec,
        )
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(
            f"cannot import simulator module: {exc}",
            path=path,
            expected="an importable 'module:Class'",
            found=spec,
        ) from exc
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ConfigError(
                f"module {module_name!r} has no attribute {attr!r}",
                path=path,
                expected="an importable 'module:Class'",
                found=spec,
            ) from None
    return obj


def load_simulator(name_or_spec: str, *, path: str = "simulation.simulator") -> SimulatorFactory:
    """The factory of a simulator given by registered name or ``module:Class``.

    Args:
        name_or_spec: ``"voice"``, ``"contact-center"``, ``"multimedia"``,
            ``"replay"``, a name registered under
            :data:`ENTRY_POINT_GROUP`, or ``"package.module:Class"``.
        path: the config path named in errors.

    Raises:
        ConfigError: unknown name (the message lists the available ones), a
            module or attribute that cannot be imported, or an object that
            cannot be called.
    """
    if ":" in name_or_spec:
        factory = _import(name_or_spec, path)
    elif name_or_spec in BUILTIN_SIMULATORS:
        factory = _import(BUILTIN_SIMULATORS[name_or_spec], path)
    else:
        entry = _entry_points().get(name_or_spec)
        if entry is None:
            raise ConfigError(
                "unknown simulator",
                path=path,
                expected="one of " + ", ".join(available_simulators()) + ", or 'module:Class'",
                found=name_or_spec,
            )
        try:
            factory = entry.load()
        except Exception as exc:  # a broken plugin must not look like a typo
            raise ConfigError(
                f"simulator plugin {name_or_spec!r} failed to load: {exc}",
                path=path,
                expected=f"a loadable entry point ({entry.value})",
                found=name_or_spec,
            ) from exc
    if not callable(factory):
        raise ConfigError(
            "not a simulator factory",
            path=path,
            expected="a class or callable taking (config, rng)",
            found=name_or_spec,
        )
    result: SimulatorFactory = factory
    return result


def create_simulator(
    config: Config,
    *,
    name: str | None = None,
    seed: int | None = None,
    rng: random.Random | None = None,
) -> Simulator:
    """Build the simulator a configuration asks for.

    Args:
        config: a loaded configuration (``statengine.config``).
        name: registered name or ``module:Class``; by default
            ``[simulation] simulator`` (``"contact-center"`` if absent).
        seed: seed of a new ``random.Random``; by default ``[simulation] seed``
            (0 if absent). Ignored when ``rng`` is given.
        rng: the random generator to use instead.

    Raises:
        ConfigError: unknown simulator, or an invalid ``[simulation]`` section
            (checked before anything runs).
    """
    settings = SimulationSettings.from_config(config)
    factory = load_simulator(name or settings.simulator)
    if rng is None:
        rng = random.Random(settings.seed if seed is None else seed)
    return factory(config, rng)
