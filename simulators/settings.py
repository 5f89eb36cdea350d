"""The common ``[simulation]`` keys, and the reader every simulator uses for
its own keys.

Every simulator is built from a loaded :class:`statengine.config.Config`; the
TOML layer keeps the ``[simulation]`` section raw and read-only in
``Config.sections["simulation"]`` (tables as mappings, arrays as tuples). This
module owns the keys all simulators share (schema: ``simulators/README.md``):

* ``simulator``: which simulator runs (a registered name or ``module:Class``;
  ``contact-center`` by default: voice, plus e-mail, chat and work items when
  ``[simulation.media]`` configures them);
* ``start`` and ``timezone``: the local date-time the simulation starts at, so
  that day-of-week factors, shifts, midnight resets and DST mean something;
* ``duration`` (or ``end``): the horizon;
* ``seed``: the default seed of the simulator's ``random.Random``;
* ``link``: the T-Server link whose switch the voice model drives.

Rules kept here (``shared/STYLE.md`` D): refuse, never coerce; every refusal
is a :class:`~statengine.errors.ConfigError` whose ``path`` names the field
(``simulation.shifts[2].end``), with what was expected and what was found,
raised **before** anything runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Any, Final, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from statengine.config import Config
from statengine.core.objects import LinkKind
from statengine.errors import ConfigError

__all__ = [
    "COMMON_KEYS",
    "DEFAULT_DURATION_S",
    "DEFAULT_START",
    "Reader",
    "SimulationSettings",
    "local_ms",
    "with_simulation",
]

#: The keys of ``[simulation]`` this module reads; simulators read the others.
COMMON_KEYS: Final = ("simulator", "start", "timezone", "duration", "end", "seed", "link")

#: Default start (local time in the simulation's zone): Monday 2 March 2026, 08:00.
DEFAULT_START: Final = datetime(2026, 3, 2, 8, 0)
#: Default horizon: one 8-hour day.
DEFAULT_DURATION_S: Final = 8 * 3600

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$")
_UNIT_S: Final = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
#: Upper bound of a simulated horizon (ten years): typo protection.
_MAX_HORIZON_S: Final = 10 * 366 * 86400


def _show(value: Any) -> Any:
    """Read-only TOML values back in their plain form for messages."""
    if isinstance(value, Mapping):
        return {k: _show(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_show(v) for v in value]
    return value


class Reader:
    """Typed access to a raw ``[simulation]`` (sub-)table with precise errors.

    Every method takes the table, the key and the path of the table
    (``simulation.calls``); errors name ``<path>.<key>``.
    """

    def __init__(self, source: str) -> None:
        self.source = source

    # -- failures -------------------------------------------------------------

    def fail(self, path: str, message: str, *, expected: str, found: Any) -> NoReturn:
        raise ConfigError(
            message, path=path, expected=expected, found=_show(found), source=self.source
        )

    def unknown_keys(self, table: Mapping[str, Any], path: str, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                self.fail(
                    f"{path}.{key}",
                    "unknown key",
                    expected="one of " + ", ".join(allowed),
                    found=key,
                )

    # -- shapes ---------------------------------------------------------------

    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(path, "wrong type", expected="a table", found=value)
        return value

    def sub_table(self, table: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        if key not in table:
            return MappingProxyType({})
        return self.table(table[key], f"{path}.{key}")

    def tables(self, table: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
        """An array of tables (``[[simulation.arrivals]]``); absent is empty."""
        value = table.get(key, ())
        if not isinstance(value, tuple):
            self.fail(f"{path}.{key}", "wrong type", expected="an array of tables", found=value)
        return [self.table(v, f"{path}.{key}[{i}]") for i, v in enumerate(value)]

    # -- scalars ----------------------------------------------------------------

    def string(
        self, table: Mapping[str, Any], key: str, path: str, default: str | None = None
    ) -> str:
        if key not in table:
            if default is None:
                self.fail(f"{path}.{key}", "missing key", expected="a string", found=None)
            return default
        value = table[key]
        if not isinstance(value, str) or not value:
            self.fail(f"{path}.{key}", "wrong type", expected="a non-empty string", found=value)
        return value

    def strings(self, table: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = table.get(key, ())
        if isinstance(value, str):
            value = (value,)
        if not isinstance(value, tuple) or not all(isinstance(v, str) and v for v in value):
            self.fail(f"{path}.{key}", "wrong type", expected="an array of strings", found=value)
        return value

    def number(
        self,
        table: Mapping[str, Any],
        key: str,
        path: str,
        default: float,
        *,
        low: float = 0.0,
        high: float | None = None,
        low_open: bool = False,
    ) -> float:
        """A finite number in ``[low, high]`` (``(low, high]`` with ``low_open``)."""
        if key not in table:
            return default
        value = table[key]
        return self.check_number(value, f"{path}.{key}", low=low, high=high, low_open=low_open)

    def check_number(
        self,
        value: Any,
        path: str,
        *,
        low: float = 0.0,
        high: float | None = None,
        low_open: bool = False,
    ) -> float:
        if high is None:
            expected = f"a finite number {'>' if low_open else '>='} {low:g}"
        else:
            expected = f"a number in {'(' if low_open else '['}{low:g}, {high:g}]"
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "wrong type", expected=expected, found=value)
        number = float(value)
        ok = math.isfinite(number) and (number > low if low_open else number >= low)
        if ok and high is not None:
            ok = number <= high
        if not ok:
            message = "negative value" if number < 0 and low >= 0 else "out of range"
            self.fail(path, message, expected=expected, found=value)
        return number

    def probability(self, table: Mapping[str, Any], key: str, path: str, default: float) -> float:
        if key not in table:
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(
                f"{path}.{key}", "wrong type", expected="a probability in [0, 1]", found=value
            )
        if not (0.0 <= float(value) <= 1.0):
            self.fail(
                f"{path}.{key}",
                "probability outside [0, 1]",
                expected="a probability in [0, 1]",
                found=value,
            )
        return float(value)

    def integer(self, table: Mapping[str, Any], key: str, path: str, default: int) -> int:
        if key not in table:
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{path}.{key}", "wrong type", expected="an integer", found=value)
        return value

    def duration_s(self, value: Any, path: str, *, positive: bool = True) -> float:
        """Seconds: a number, or a string with a unit (``"90s"``, ``"15m"``, ``"8h"``, ``"2d"``)."""
        expected = "seconds (a number) or a string such as '90s', '15m', '8h', '2d'"
        if isinstance(value, str):
            match = _DURATION.match(value)
            if match is None:
                self.fail(path, "not a duration", expected=expected, found=value)
            seconds = float(match.group(1)) * _UNIT_S[match.group(2) or "s"]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            seconds = float(value)
        else:
            self.fail(path, "wrong type", expected=expected, found=value)
        if not math.isfinite(seconds) or seconds < 0 or (positive and seconds == 0):
            self.fail(
                path,
                "out of range",
                expected=f"a {'positive ' if positive else ''}{expected}",
                found=value,
            )
        return seconds

    def clock(self, value: Any, path: str, *, upto: int = 24 * 60) -> int:
        """Minutes since local midnight from ``"HH:MM"`` (``upto`` minutes at most)."""
        expected = f"a local time 'HH:MM' between 00:00 and {upto // 60:02d}:{upto % 60:02d}"
        if not isinstance(value, str):
            self.fail(path, "wrong type", expected=expected, found=value)
        match = _CLOCK.match(value)
        if match is None:
            self.fail(path, "not a time of day", expected=expected, found=value)
        minutes = int(match.group(1)) * 60 + int(match.group(2))
        if int(match.group(2)) >= 60 or minutes > upto:
            self.fail(path, "out of range", expected=expected, found=value)
        return minutes


def local_ms(day: date, minutes: int, zone: tzinfo) -> int:
    """POSIX ms of ``minutes`` after local midnight of ``day`` (may pass 24:00).

    Wall-clock arithmetic: ``08:00`` is 08:00 local on DST days too; a time in
    a DST gap resolves like ``zoneinfo`` does (``fold=0``).
    """
    days, minute = divmod(minutes, 24 * 60)
    local = datetime.combine(day + timedelta(days=days), time(minute // 60, minute % 60))
    return round(local.replace(tzinfo=zone).timestamp() * 1000)


@attrs.frozen(kw_only=True)
class SimulationSettings:
    """The ``[simulation]`` keys shared by every simulator, validated."""

    #: the simulator to run: a registered name or ``module:Class``
    simulator: str
    #: first instant of the simulation (POSIX ms)
    start_ms: int
    #: horizon: events strictly before this instant are produced (POSIX ms)
    end_ms: int
    #: the zone local times (start, shifts, arrival profiles) are read in
    zone: tzinfo
    #: default seed of the simulator's ``random.Random``
    seed: int
    #: the name of the T-Server link the voice model drives ('' for none)
    link: str
    #: the switch of that link ('' for none)
    switch: str
    #: the tenant of that switch ('' for none)
    tenant: str

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    @classmethod
    def from_config(cls, config: Config) -> SimulationSettings:
        """Read and check the common keys of ``config.sections["simulation"]``.

        Raises:
            ConfigError: a key has the wrong type or an impossible value; the
                error's ``path`` names it (``simulation.timezone``).
        """
        section = config.sections.get("simulation", {})
        read = Reader(config.source)
        path = "simulation"
        section = read.table(section, path)
        center = config.center
        # the voice link: named, or the only T-Server link
        tservers = [ln for ln in center.links if ln.kind is LinkKind.TSERVER]
        if "link" in section:
            name = read.string(section, "link", path)
            link = next((ln for ln in tservers if ln.name == name), None)
            if link is None:
                read.fail(
                    f"{path}.link",
                    "unknown T-Server link",
                    expected="one of " + (", ".join(ln.name for ln in tservers) or "(none)"),
                    found=name,
                )
        elif len(tservers) == 1:
            link = tservers[0]
        else:
            link = None
        tenant = link.tenant if link is not None else center.tenants[0].name
        tenant_zone = next(t.timezone for t in center.tenants if t.name == tenant)
        zone: tzinfo = tenant_zone
        if "timezone" in section:
            zone_name = read.string(section, "timezone", path)
            try:
                zone = ZoneInfo(zone_name)
            except (ZoneInfoNotFoundError, ValueError):
                read.fail(
                    f"{path}.timezone",
                    "unknown time zone",
                    expected="an IANA time zone name such as 'Europe/Paris' or 'UTC'",
                    found=zone_name,
                )
        start = _start(read, section, path, zone)
        if "duration" in section and "end" in section:
            read.fail(
                f"{path}.end",
                "give either duration or end, not both",
                expected="no 'end' when 'duration' is given",
                found=section["end"],
            )
        if "end" in section:
            end = _start(read, section, path, zone, key="end")
            if end <= start:
                read.fail(
                    f"{path}.end",
                    "the simulation ends before it starts",
                    expected="an end after start",
                    found=section["end"],
                )
        else:
            seconds = read.duration_s(
                section.get("duration", DEFAULT_DURATION_S), f"{path}.duration"
            )
            if seconds > _MAX_HORIZON_S:
                read.fail(
                    f"{path}.duration",
                    "horizon too long",
                    expected="at most ten years",
                    found=section["duration"],
                )
            end = start + round(seconds * 1000)
        seed = read.integer(section, "seed", path, 0)
        simulator = read.string(section, "simulator", path, default="contact-center")
        return cls(
            simulator=simulator,
            start_ms=start,
            end_ms=end,
            zone=zone,
            seed=seed,
            link=link.name if link is not None else "",
            switch=(link.switch or "") if link is not None else "",
            tenant=tenant,
        )


def _start(
    read: Reader, section: Mapping[str, Any], path: str, zone: tzinfo, key: str = "start"
) -> int:
    value: Any = section.get(key, DEFAULT_START)
    expected = "a local date-time such as 2026-03-02T08:00:00 (TOML date-time or string)"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            read.fail(f"{path}.{key}", "not a date-time", expected=expected, found=value)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if not isinstance(value, datetime):
        read.fail(f"{path}.{key}", "wrong type", expected=expected, found=value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    moment: datetime = value
    return round(moment.astimezone(UTC).timestamp() * 1000)


def with_simulation(config: Config, **changes: Any) -> Config:
    """A copy of ``config`` whose ``[simulation]`` section has ``changes`` applied.

    For command-line overrides (``--seed``, ``--duration``, ``--start``): the
    simulator then reads and validates them like any other key. A value of
    ``None`` removes the key.

    Example::

        config = with_simulation(config, duration="2h", seed=7)
    """
    section = dict(config.sections.get("simulation", {}))
    for key, value in changes.items():
        if value is None:
            section.pop(key, None)
        else:
            section[key] = value
    sections = dict(config.sections)
    sections["simulation"] = MappingProxyType(section)
    return attrs.evolve(config, sections=MappingProxyType(sections))
