"""A recorded event stream as a simulator.

The stream is a file of :mod:`statengine.streams` (msgpack or JSON Lines),
read lazily, so a recording of any length replays in constant memory. A
recording carries no ground truth: :attr:`ReplaySimulator.records` is empty.

Configured in ``[simulation.replay]``::

    [simulation]
    simulator = "replay"

    [simulation.replay]
    stream = "recordings/monday.msgpack"   # relative to the config file
    duration = "2h"                        # optional: stop 2 h after the first event

The random generator is accepted (every simulator is built from a config and
an rng) and not used: a replay is the recording, byte for byte.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from simulators.records import CallRecord
from simulators.settings import Reader
from statengine.config import Config
from statengine.core.events import Event
from statengine.errors import LocalProtocolError
from statengine.streams import read_stream

__all__ = ["ReplaySimulator"]


class ReplaySimulator:
    """Replays ``[simulation.replay] stream`` (or ``path``).

    Args:
        config: the loaded configuration.
        rng: unused (a replay has no randomness).
        path: the stream file; overrides ``[simulation.replay] stream``.

    Raises:
        ConfigError: no stream is given, or ``[simulation.replay]`` has an
            unknown key or a bad duration. A missing or corrupt file raises
            :class:`~statengine.errors.RemoteProtocolError` when
            :meth:`events` opens it.
    """

    #: registry name
    name: Final = "replay"

    def __init__(
        self, config: Config, rng: random.Random, *, path: str | os.PathLike[str] | None = None
    ) -> None:
        del rng
        read = Reader(config.source)
        section = read.table(config.sections.get("simulation", {}), "simulation")
        table = read.sub_table(section, "replay", "simulation")
        read.unknown_keys(table, "simulation.replay", ("stream", "duration"))
        if path is None:
            stream = read.string(table, "stream", "simulation.replay")
            path = Path(stream)
            source = Path(config.source)
            if not path.is_absolute() and source.is_file():
                path = source.parent / path
        self.path = os.fspath(path)
        self.duration_ms: int | None = None
        if "duration" in table:
            seconds = read.duration_s(table["duration"], "simulation.replay.duration")
            self.duration_ms = round(seconds * 1000)
        self._started = False

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], config: Config) -> ReplaySimulator:
        """Replay the stream at ``path`` against ``config``."""
        return cls(config, random.Random(0), path=path)

    @property
    def records(self) -> Sequence[CallRecord]:
        """Always empty: a recording carries no ground truth."""
        return ()

    def events(self) -> Iterator[Event]:
        """The recorded events as they are in the file (up to ``duration`` after the first)."""
        if self._started:
            raise LocalProtocolError("a simulation runs once: call events() only once")
        self._started = True
        with read_stream(self.path) as reader:
            end: int | None = None
            for event in reader:
                if self.duration_ms is not None:
                    if end is None:
                        end = event.time + self.duration_ms
                    if event.time >= end:
                        return
                yield event
