"""Time profiles: when a statistic's interval starts and resets.

A *TimeProfile* (``shared/DOMAIN.md`` §5.1) names the interval over which a
statistic aggregates. It comes from the ``[time_profiles]`` section, one
option per profile, ``"<Name>,<Type>" = "<value>"`` exactly as in the Genesys
``[TimeProfiles]`` section, and has one of four kinds (:class:`ProfileKind`):

* **Growing**: aggregate since the last reset; resets happen at wall-clock
  times of a local day (``0:00`` daily at midnight, ``0:00+0:15`` every
  quarter hour), in the profile's own zone or else the tenant's (§10.4). An
  *ever-growing* profile (value ``ever`` or empty) never resets.
* **Sliding**: aggregate over the last *window* seconds, advanced in *step*
  seconds.
* **Selection**: aggregate over the last *N* completed actions.
* **SinceLogin**: aggregate since the agent's or place's login; no value.

Rules this module keeps:

* sans-IO: stdlib and attrs only; no I/O, no clock. Zones arrive as
  ``tzinfo`` objects the caller resolved (``zones`` maps a zone *name* to its
  ``tzinfo``); this module never builds a zone from a name, which would read
  the tz database from disk.
* Reset instants are computed on local wall-clock dates (DOMAIN §10.4): for a
  local date *D* the candidate resets are ``D 00:00 + m`` minutes for each
  ``m`` in :attr:`TimeProfile.resets`. A candidate wall time *W* resets **at
  the first instant at which the zone's clock shows W or later**. That one
  rule settles daylight-saving time:

  - a wall time in a spring-forward gap (02:30 in New York on 2026-03-08)
    resets at the end of the gap, the instant the clock jumps (03:00 local);
    several candidates in one gap collapse into that single reset, so a
    quarter-hour profile in London has no reset at 01:00-01:45 on 2026-03-29,
    only the 02:00 BST one;
  - an ambiguous wall time (fall-back) resets at its first occurrence only:
    on 2026-10-25 in London 01:00-01:59 happens twice and a quarter-hour
    profile resets during the first pass only, then next at 02:00 GMT;
  - a day may last 23 or 25 hours (a daily ``0:00`` reset in New York);
  - a local day without a midnight (clocks going 00:00 -> 01:00) resets at
    01:00.

  The rule makes the map wall time -> reset instant non-decreasing, so the
  reset instants are ordered like the wall times; :meth:`TimeProfile.next_reset`
  and :meth:`TimeProfile.interval_start` rely on that and look at the current
  local day and, when it has no reset left, the next one.

* Restoring a backed-up aggregate (DOMAIN §7) requires an unchanged profile:
  compare :meth:`TimeProfile.canonical`, which ignores the name and the
  spelling of the value.

Value grammar (EBNF; the ``<Type>`` of the key is case-insensitive)::

    key             = name , "," , type ;
    name            = ( letter | digit | "_" ) , { letter | digit | "_" } ;
    type            = "Growing" | "Sliding" | "Selection" | "SinceLogin" ;

    growing_value   = "" | "ever" | reset_list , [ blank , zone ] ;
    reset_list      = reset_spec , { [ blank ] , "," , [ blank ] , reset_spec } ;
    reset_spec      = clock , [ [ blank ] , "+" , [ blank ] , clock ] ;   (* start [+ step] *)
    clock           = hour , ":" , minute ;
    hour            = digit , [ digit ] ;            (* 0-23 *)
    minute          = digit , digit ;                (* 00-59 *)
    zone            = letter , { ? any character but whitespace ? } ;
                                                     (* a key of `zones`, e.g. America/New_York *)
    sliding_value   = seconds , ":" , seconds ;      (* window : step, step divides window *)
    selection_value = seconds ;                      (* N > 0 actions *)
    sincelogin_value = "" ;                          (* or no value at all *)
    seconds         = digit , { digit } ;            (* ASCII digits, > 0 *)
    blank           = ? one or more whitespace characters ? ;

Leading and trailing whitespace of a value is ignored. A ``reset_spec`` resets
at *start* and every *step* after it while still before 24:00 (``8:00+4:00``
= 08:00, 12:00, 16:00, 20:00); the resets of several specs are unioned. The
step is at least one minute (``0:00`` is refused). The canonical text of a
value (:attr:`TimeProfile.spec`) writes hours without a leading zero, e.g.
``0:00+0:15,8:00 America/New_York``.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

from statengine.errors import ConfigError, InternalError

__all__ = [
    "DEFAULT_PROFILE",
    "ProfileKind",
    "TimeProfile",
    "load_time_profiles",
]

_MINUTES_PER_DAY = 24 * 60
_NO_ZONES: Mapping[str, tzinfo] = MappingProxyType({})
#: The section name used in error paths.
_SECTION = "time_profiles"


class ProfileKind(enum.Enum):
    """The interval type of a profile; values are the wire ``StatisticInterval``
    enum (DOMAIN §5.1)."""

    #: aggregate since the last reset (GrowingWindow = 0)
    Growing = 0
    #: aggregate since the agent's or place's login (SinceLogin = 1)
    SinceLogin = 1
    #: aggregate over the last *window* seconds (SlidingWindow = 2)
    Sliding = 2
    #: aggregate over the last *N* completed actions (SlidingSelection = 3)
    Selection = 3


_KINDS_BY_LOWER = {kind.name.lower(): kind for kind in ProfileKind}


def _check_resets(instance: Any, attribute: Any, value: tuple[int, ...]) -> None:
    if any(not 0 <= m < _MINUTES_PER_DAY for m in value) or list(value) != sorted(set(value)):
        raise ValueError(
            f"'{attribute.name}' must be strictly increasing minutes in 0..1439, got {value!r}"
        )


@attrs.frozen(kw_only=True)
class TimeProfile:
    """One configured time profile. Build it with :meth:`parse` (or
    :func:`load_time_profiles` for a whole section)."""

    #: the profile name, the part of the key before the comma
    name: str
    #: the interval type
    kind: ProfileKind
    #: the value in canonical text (see the module docstring); ``"ever"`` for an
    #: ever-growing profile, ``""`` for SinceLogin
    spec: str
    #: Growing: reset times within a local day, in minutes after midnight,
    #: strictly increasing (``(0,)`` daily at midnight); empty = never resets
    resets: tuple[int, ...] = attrs.field(default=(), validator=_check_resets)
    #: Growing: the zone *name* given in the value; ``None`` = the tenant's zone
    zone: str | None = None
    #: Sliding: the window length in seconds
    window: int = 0
    #: Sliding: the sampling step in seconds (divides :attr:`window`)
    step: int = 0
    #: Selection: how many completed actions the window holds
    count: int = 0

    # -- construction ---------------------------------------------------------

    @classmethod
    def parse(
        cls,
        key: str,
        value: str | None,
        *,
        zones: Mapping[str, tzinfo] = _NO_ZONES,
        source: str = "",
    ) -> TimeProfile:
        """Build a profile from one option of the ``[time_profiles]`` section.

        Args:
            key: ``"<Name>,<Type>"``, e.g. ``"CollectorDefault,Growing"``; the
                type is case-insensitive.
            value: the option value (grammar in the module docstring); ``None``
                only for SinceLogin.
            zones: zone name -> ``tzinfo``, the zones a Growing value may name.
                Only the names are checked here; :meth:`next_reset` takes the
                ``tzinfo`` itself.
            source: the file name, for error messages.

        Raises:
            ConfigError: the key or the value is invalid; ``path`` is
                ``time_profiles."<key>"``.
        """
        path = f'{_SECTION}."{key}"'

        def fail(message: str, expected: str, found: Any) -> ConfigError:
            return ConfigError(message, path=path, expected=expected, found=found, source=source)

        name, kind = _parse_key(key, fail)
        if value is None:
            if kind is not ProfileKind.SinceLogin:
                raise fail("a value is required", f"a {kind.name} value", value)
            return cls(name=name, kind=kind, spec="")
        if not isinstance(value, str):
            raise fail("wrong type", "a string", value)
        text = value.strip()
        if kind is ProfileKind.Growing:
            return _parse_growing(name, text, zones, fail)
        if kind is ProfileKind.Sliding:
            match = re.fullmatch(r"([0-9]+):([0-9]+)", text)
            if match is None:
                raise fail("bad Sliding value", "<window seconds>:<step seconds>", value)
            window, step = int(match[1]), int(match[2])
            if window <= 0 or step <= 0:
                raise fail("bad Sliding value", "window > 0 and step > 0", value)
            if window % step:
                raise fail("bad Sliding value", "a step that divides the window", value)
            return cls(name=name, kind=kind, spec=f"{window}:{step}", window=window, step=step)
        if kind is ProfileKind.Selection:
            if re.fullmatch(r"[0-9]+", text) is None or int(text) <= 0:
                raise fail("bad Selection value", "a count N > 0", value)
            count = int(text)
            return cls(name=name, kind=kind, spec=str(count), count=count)
        if text:
            raise fail("SinceLogin takes no value", "no value or an empty string", value)
        return cls(name=name, kind=kind, spec="")

    def canonical(self) -> tuple[Any, ...]:
        """What the profile computes, without its name or spelling.

        Two profiles with equal ``canonical()`` reset and aggregate alike
        (``"00:00+00:15"`` and ``"0:00,0:15+0:15"`` are the same), so a backed
        up aggregate may be reused (DOMAIN §7). Hashable, made of plain
        strings, ints and tuples.
        """
        return (self.kind.name, self.resets, self.zone, self.window, self.step, self.count)

    # -- reset scheduling (Growing) -----------------------------------------

    @property
    def ever_growing(self) -> bool:
        """A Growing profile that never resets."""
        return self.kind is ProfileKind.Growing and not self.resets

    def next_reset(self, after_ms: int, tz: tzinfo) -> int | None:
        """The first reset instant strictly after ``after_ms``.

        Args:
            after_ms: POSIX time in ms (UTC).
            tz: the zone whose wall clock the resets follow: the profile's
                :attr:`zone` resolved by the caller if it has one, else the
                tenant's zone.

        Returns:
            POSIX ms, or ``None`` for an ever-growing profile and for every
            kind but Growing. Wall times in a spring-forward gap reset when
            the gap ends, ambiguous wall times at their first occurrence (see
            the module docstring). Costs a few ``tzinfo`` calls.
        """
        if self.kind is not ProfileKind.Growing or not self.resets:
            return None
        return self._locate(after_ms, tz)[2]

    def interval_start(self, at_ms: int, tz: tzinfo) -> int | None:
        """The last reset instant at or before ``at_ms`` (Growing only).

        ``interval_start(t) <= t < next_reset(t)`` and no reset lies between
        the two. Returns ``None`` like :meth:`next_reset`.
        """
        if self.kind is not ProfileKind.Growing or not self.resets:
            return None
        day, index, _ = self._locate(at_ms, tz)
        if index > 0:
            return _reset_instant(day, self.resets[index - 1], tz)
        return _reset_instant(day - _ONE_DAY, self.resets[-1], tz)

    def _locate(self, t: int, tz: tzinfo) -> tuple[date, int, int]:
        """(local day, index into resets, instant) of the first reset after ``t``.

        The wall time -> instant map is non-decreasing, and every wall time at
        or before the clock reading at ``t`` resets at or before ``t``; so the
        answer is at or after the first wall time later than that reading:
        usually exactly there, else (in a fall-back's second pass) found by
        bisection over the day, else on a following day.
        """
        resets = self.resets
        n = len(resets)
        wall = _wall_clock(t, tz)
        day = wall.date()
        index = bisect_right(resets, wall.hour * 60 + wall.minute)
        for _ in range(_MAX_DAYS_AHEAD):
            if index < n:
                instant = _reset_instant(day, resets[index], tz)
                if instant > t:
                    return day, index, instant
                lo, hi, found = index, n, 0
                while hi - lo > 1:  # resets[lo] is at or before t; find the first after
                    mid = (lo + hi) // 2
                    at = _reset_instant(day, resets[mid], tz)
                    if at > t:
                        hi, found = mid, at
                    else:
                        lo = mid
                if hi < n:
                    return day, hi, found
            day += _ONE_DAY
            index = 0
        raise InternalError(f"no reset of {self.name!r} within {_MAX_DAYS_AHEAD} days after {t}")


#: The built-in profile: Growing, reset daily at local midnight (DOMAIN §5.1);
#: a ``"Default,Growing"`` option replaces it.
DEFAULT_PROFILE = TimeProfile(name="Default", kind=ProfileKind.Growing, spec="0:00", resets=(0,))


def load_time_profiles(
    section: Mapping[str, Any],
    *,
    zones: Mapping[str, tzinfo] = _NO_ZONES,
    source: str = "",
) -> dict[str, TimeProfile]:
    """Build every profile of the ``[time_profiles]`` section.

    Args:
        section: option key ``"<Name>,<Type>"`` -> value (a string; an integer
            is taken as its decimal text, handy for ``"Last10,Selection" = 10``).
        zones: zone name -> ``tzinfo`` for Growing values that name a zone.
        source: the file name, for error messages.

    Returns:
        name -> profile, always with ``"Default"`` (the built-in
        :data:`DEFAULT_PROFILE` unless ``"Default,Growing"`` overrides it)
        first, then the section's profiles in order.

    Raises:
        ConfigError: a bad key or value, a name defined twice, or ``Default``
            given another type than Growing.
    """
    profiles: dict[str, TimeProfile] = {"Default": DEFAULT_PROFILE}
    seen: set[str] = set()
    for key, raw in section.items():
        path = f'{_SECTION}."{key}"'
        value = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
        profile = TimeProfile.parse(str(key), value, zones=zones, source=source)
        if profile.name in seen:
            raise ConfigError(
                "profile defined twice",
                path=path,
                expected="one key per profile name",
                found=profile.name,
                source=source,
            )
        if profile.name == "Default" and profile.kind is not ProfileKind.Growing:
            raise ConfigError(
                "the Default profile can only be overridden as Growing",
                path=path,
                expected='"Default,Growing"',
                found=key,
                source=source,
            )
        seen.add(profile.name)
        profiles[profile.name] = profile
    return profiles


# -- parsing helpers -----------------------------------------------------------

_NAME = re.compile(r"[A-Za-z0-9_]+")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_GROWING = re.compile(r"(?P<times>[0-9:+,\s]+?)(?:\s+(?P<zone>[A-Za-z]\S*))?")
_GROWING_EXPECTED = "<hh:mm>[+<hh:mm>][,...] [<zone>], 'ever' or ''"


#: The error factory the parsing helpers receive: (message, expected, found).
_Fail: TypeAlias = Callable[[str, str, Any], ConfigError]


def _parse_key(key: str, fail: _Fail) -> tuple[str, ProfileKind]:
    parts = key.split(",")
    if len(parts) != 2:
        raise fail("bad profile key", "<Name>,<Type>", key)
    name, type_name = parts[0].strip(), parts[1].strip()
    if _NAME.fullmatch(name) is None:
        raise fail("bad profile name", "letters, digits and '_'", name)
    kind = _KINDS_BY_LOWER.get(type_name.lower())
    if kind is None:
        raise fail("unknown profile type", "Growing, Sliding, Selection or SinceLogin", type_name)
    return name, kind


def _parse_clock(text: str, what: str, fail: _Fail) -> int:
    match = _CLOCK.fullmatch(text)
    if match is None:
        raise fail(f"bad {what}", "hh:mm", text)
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23:
        raise fail(f"{what} hour out of range", "hh in 0..23", text)
    if minutes > 59:
        raise fail(f"{what} minute out of range", "mm in 00..59", text)
    return hours * 60 + minutes


def _format_clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _parse_growing(name: str, text: str, zones: Mapping[str, tzinfo], fail: _Fail) -> TimeProfile:
    if text == "" or text.lower() == "ever":
        return TimeProfile(name=name, kind=ProfileKind.Growing, spec="ever")
    match = _GROWING.fullmatch(text)
    if match is None:
        raise fail("bad Growing value", _GROWING_EXPECTED, text)
    zone = match["zone"]
    if zone is not None and zone not in zones:
        known = ", ".join(sorted(zones)) or "none configured"
        raise fail(f"unknown time zone {zone!r}", f"a configured zone ({known})", zone)
    resets: set[int] = set()
    specs: list[str] = []
    for piece in match["times"].split(","):
        parts = [p.strip() for p in piece.split("+")]
        if len(parts) > 2:
            raise fail("bad reset spec", "<hh:mm>[+<hh:mm>]", piece.strip())
        start = _parse_clock(parts[0], "reset time", fail)
        if len(parts) == 1:
            resets.add(start)
            specs.append(_format_clock(start))
            continue
        step = _parse_clock(parts[1], "reset step", fail)
        if step == 0:
            raise fail("reset step must be positive", "a step of at least 0:01", parts[1])
        resets.update(range(start, _MINUTES_PER_DAY, step))
        specs.append(f"{_format_clock(start)}+{_format_clock(step)}")
    spec = ",".join(specs) + (f" {zone}" if zone is not None else "")
    return TimeProfile(
        name=name, kind=ProfileKind.Growing, spec=spec, resets=tuple(sorted(resets)), zone=zone
    )


# -- wall clock <-> instant ----------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_ONE_MS = timedelta(milliseconds=1)
_ONE_SECOND = timedelta(seconds=1)
_ONE_DAY = timedelta(days=1)
#: Bound of the day-by-day search in :meth:`TimeProfile._locate`: one or two
#: days in every real zone; more only if a clock went back by a whole day.
_MAX_DAYS_AHEAD = 8


def _wall_clock(ms: int, tz: tzinfo) -> datetime:
    """What the clock of ``tz`` shows at POSIX ``ms`` (naive local datetime)."""
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(tz).replace(tzinfo=None)


def _wall_of_utc(utc: datetime, tz: tzinfo) -> datetime:
    """Like :func:`_wall_clock` for a naive UTC datetime."""
    return utc.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)


def _reset_instant(day: date, minute: int, tz: tzinfo) -> int:
    """POSIX ms of the reset at wall time ``day 00:00 + minute``: the first
    instant the clock of ``tz`` shows that wall time or later."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    candidates = set()
    for fold in (0, 1):
        offset = wall.replace(tzinfo=tz, fold=fold).utcoffset()
        if offset is None:
            raise ValueError(f"{tz!r} gives no UTC offset for {wall}")
        candidates.add(wall - offset)
    ordered = sorted(candidates)
    for utc in ordered:  # earliest first: the first occurrence of an ambiguous time
        if _wall_of_utc(utc, tz) == wall:
            return (utc - _EPOCH_NAIVE) // _ONE_MS
    # A spring-forward gap: before `lo` the clock shows less than `wall`, at `hi`
    # more; the reset is the instant of the jump. Bisect on whole seconds (tz
    # transitions are whole seconds).
    lo, hi = ordered[0], ordered[-1]
    if _wall_of_utc(hi, tz) < wall:  # not a gap a PEP 495 tzinfo can produce
        raise ValueError(f"{tz!r} maps {wall} to no instant")
    lo_s = (lo - _EPOCH_NAIVE) // _ONE_SECOND
    hi_s = -((_EPOCH_NAIVE - hi) // _ONE_SECOND)  # ceiling
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if _wall_of_utc(_EPOCH_NAIVE + timedelta(seconds=mid), tz) >= wall:
            hi_s = mid
        else:
            lo_s = mid
    return hi_s * 1000
