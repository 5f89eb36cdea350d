"""Time profiles: the value grammar, and Growing resets on local wall-clock days across DST."""

from __future__ import annotations

import ast
import functools
import itertools
import pathlib
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statengine.core import profiles as profiles_module
from statengine.core.profiles import (
    DEFAULT_PROFILE,
    ProfileKind,
    TimeProfile,
    load_time_profiles,
)
from statengine.errors import ConfigError

# -- helpers -------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
ZONES: dict[str, tzinfo] = {
    "America/New_York": NEW_YORK,
    "Europe/London": LONDON,
    "Etc/GMT+5": ZoneInfo("Etc/GMT+5"),
}
MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
QUARTER = TimeProfile.parse("Q,Growing", "0:00+0:15")
DAILY = TimeProfile.parse("D,Growing", "0:00")


def at(tz: tzinfo, y: int, mo: int, d: int, h: int = 0, mi: int = 0, *, fold: int = 0) -> int:
    """POSIX ms of a wall-clock time in ``tz``."""
    return int(datetime(y, mo, d, h, mi, tzinfo=tz, fold=fold).timestamp() * 1000)


def wall(ms: int, tz: tzinfo) -> datetime:
    """What the clock of ``tz`` shows at ``ms`` (naive)."""
    return datetime.fromtimestamp(ms / 1000, tz).replace(tzinfo=None)


def resets_in(profile: TimeProfile, tz: tzinfo, start: int, end: int) -> list[int]:
    """Every reset in (start, end], by chaining next_reset."""
    out = []
    t = profile.next_reset(start, tz)
    while t is not None and t <= end:
        out.append(t)
        t = profile.next_reset(t, tz)
    return out


def parse(key: str, value: str | None) -> TimeProfile:
    return TimeProfile.parse(key, value, zones=ZONES)


# -- parsing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (
            "CollectorDefault,Growing",
            "0:00+0:15",
            {"kind": ProfileKind.Growing, "spec": "0:00+0:15", "resets": tuple(range(0, 1440, 15))},
        ),
        ("Default,Growing", "0:00", {"spec": "0:00", "resets": (0,)}),
        ("Shifts,growing", "8:00+4:00", {"spec": "8:00+4:00", "resets": (480, 720, 960, 1200)}),
        (
            "Mixed,GROWING",
            " 08:00 + 04:00 , 7:30,8:00 ",
            {"spec": "8:00+4:00,7:30,8:00", "resets": (450, 480, 720, 960, 1200)},
        ),
        ("Late,Growing", "23:59+0:01", {"resets": (1439,)}),
        ("Big,Growing", "6:00+23:00", {"spec": "6:00+23:00", "resets": (360,)}),
        (
            "NY,Growing",
            "0:00 America/New_York",
            {"spec": "0:00 America/New_York", "resets": (0,), "zone": "America/New_York"},
        ),
        (
            "Plus,Growing",
            "0:00+12:00\tEtc/GMT+5",
            {"spec": "0:00+12:00 Etc/GMT+5", "zone": "Etc/GMT+5"},
        ),
        ("Ever,Growing", "ever", {"spec": "ever", "resets": (), "zone": None}),
        ("Ever2,Growing", " EVER ", {"spec": "ever", "resets": ()}),
        ("Ever3,Growing", "", {"spec": "ever", "resets": ()}),
        (
            "Sliding10,Sliding",
            "600:10",
            {"kind": ProfileKind.Sliding, "spec": "600:10", "window": 600, "step": 10},
        ),
        ("S,sliding", " 0600:010 ", {"spec": "600:10", "window": 600, "step": 10}),
        ("S1,Sliding", "60:60", {"window": 60, "step": 60}),
        ("Last10,Selection", "10", {"kind": ProfileKind.Selection, "spec": "10", "count": 10}),
        ("Login,SinceLogin", None, {"kind": ProfileKind.SinceLogin, "spec": ""}),
        ("Login2,sincelogin", " ", {"kind": ProfileKind.SinceLogin, "spec": ""}),
        ("  Spaced_1 , Growing ", "0:00", {"name": "Spaced_1"}),
    ],
)
def test_parse_accepts(key: str, value: str | None, expected: dict[str, Any]) -> None:
    profile = parse(key, value)
    assert {k: getattr(profile, k) for k in expected} == expected
    assert profile.name == key.split(",")[0].strip()
    # The canonical text parses back to the same profile.
    assert parse(key, profile.spec or value) == profile


@pytest.mark.parametrize(
    ("key", "value", "found"),
    [
        # keys
        ("NoType", "0:00", "NoType"),
        ("A,Growing,Extra", "0:00", "A,Growing,Extra"),
        ("Bad Name,Growing", "0:00", "Bad Name"),
        (",Growing", "0:00", ""),
        ("A,Weekly", "0:00", "Weekly"),
        # Growing
        ("A,Growing", None, None),
        ("A,Growing", "24:00", "24:00"),
        ("A,Growing", "0:60", "0:60"),
        ("A,Growing", "0:00+0:00", "0:00"),
        ("A,Growing", "0:00+", ""),
        ("A,Growing", "0:00,,1:00", ""),
        ("A,Growing", "0:00,", ""),
        ("A,Growing", "0:00+0:15+0:15", "0:00+0:15+0:15"),
        ("A,Growing", "000:00", "000:00"),
        ("A,Growing", "0:5", "0:5"),
        ("A,Growing", "noon", "noon"),
        ("A,Growing", "ever America/New_York", "ever America/New_York"),
        ("A,Growing", "0:00 Mars/Olympus", "Mars/Olympus"),
        ("A,Growing", "0:00 America/New_York Europe/London", "0:00 America/New_York Europe/London"),
        ("A,Growing", "0: 00", "0: 00"),
        # Sliding
        ("A,Sliding", None, None),
        ("A,Sliding", "600", "600"),
        ("A,Sliding", "600:7", "600:7"),
        ("A,Sliding", "0:0", "0:0"),
        ("A,Sliding", "600:0", "600:0"),
        ("A,Sliding", "-600:10", "-600:10"),
        ("A,Sliding", "600:10:5", "600:10:5"),
        # Selection
        ("A,Selection", None, None),
        ("A,Selection", "0", "0"),
        ("A,Selection", "ten", "ten"),
        ("A,Selection", "1.5", "1.5"),
        ("A,Selection", "+5", "+5"),
        ("A,Selection", "", ""),
        # SinceLogin
        ("A,SinceLogin", "5", "5"),
    ],
)
def test_parse_refuses(key: str, value: str | None, found: Any) -> None:
    with pytest.raises(ConfigError) as info:
        TimeProfile.parse(key, value, zones=ZONES, source="stat.toml")
    err = info.value
    assert err.path == f'time_profiles."{key}"'
    assert err.expected
    assert err.found == found
    assert err.source == "stat.toml"
    assert str(err).startswith(f'stat.toml: time_profiles."{key}": ')


def test_unknown_zone_error_names_the_zone_and_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus") as info:
        TimeProfile.parse("A,Growing", "0:00 Mars/Olympus", zones={"UTC": UTC})
    assert "UTC" in info.value.expected
    with pytest.raises(ConfigError, match="none configured"):
        TimeProfile.parse("A,Growing", "0:00 Europe/London")


def test_canonical_ignores_name_and_spelling() -> None:
    a = parse("A,Growing", "00:00+00:15")
    b = parse("B,growing", "0:00,0:15+0:15")
    assert a.spec != b.spec
    assert a.canonical() == b.canonical() == QUARTER.canonical()
    assert hash(a.canonical()) == hash(b.canonical())
    assert parse("A,Growing", "0:00 America/New_York").canonical() != DAILY.canonical()
    assert parse("A,Sliding", "600:10").canonical() != parse("A,Sliding", "600:20").canonical()
    assert parse("A,Selection", "5").canonical() != parse("A,Sliding", "5:5").canonical()
    assert parse("A,Growing", "ever").canonical() != DAILY.canonical()


def test_resets_must_be_sorted_minutes_of_a_day() -> None:
    for bad in [(15, 0), (0, 0), (1440,), (-1,)]:
        with pytest.raises(ValueError, match="resets"):
            TimeProfile(name="X", kind=ProfileKind.Growing, spec="?", resets=bad)


def test_module_never_builds_zones_itself() -> None:
    """Zones are resolved by the caller: building one from a name reads the disk."""
    tree = ast.parse(pathlib.Path(profiles_module.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {
        "__future__",
        "enum",
        "re",
        "bisect",
        "collections",
        "datetime",
        "types",
        "typing",
        "attrs",
        "statengine",
    }


# -- load_time_profiles ------------------------------------------------------------


def test_section_always_has_the_builtin_default() -> None:
    assert DEFAULT_PROFILE.kind is ProfileKind.Growing
    assert DEFAULT_PROFILE.resets == (0,)
    assert load_time_profiles({}) == {"Default": DEFAULT_PROFILE}
    loaded = load_time_profiles(
        {"CollectorDefault,Growing": "0:00+0:15", "Last10,Selection": 10, "Login,SinceLogin": ""}
    )
    assert list(loaded) == ["Default", "CollectorDefault", "Last10", "Login"]
    assert loaded["Default"] is DEFAULT_PROFILE
    assert loaded["Last10"].count == 10


def test_default_growing_overrides_the_builtin() -> None:
    loaded = load_time_profiles({"Default,Growing": "0:00 Europe/London"}, zones=ZONES)
    assert loaded["Default"].zone == "Europe/London"
    assert list(loaded) == ["Default"]


@pytest.mark.parametrize(
    ("section", "found"),
    [
        ({"Default,Sliding": "600:10"}, "Default,Sliding"),
        ({"A,Growing": "0:00", "A,Sliding": "600:10"}, "A"),
        ({"A,Growing": "0:00", " A ,growing": "1:00"}, "A"),
        ({"A,Selection": True}, True),
        ({"A,Growing": 3.5}, 3.5),
    ],
)
def test_section_errors(section: dict[str, Any], found: Any) -> None:
    with pytest.raises(ConfigError) as info:
        load_time_profiles(section, source="stat.toml")
    assert info.value.found == found
    assert info.value.path.startswith("time_profiles.")
    assert info.value.source == "stat.toml"


# -- resets: UTC and fixed offsets ----------------------------------------------


def test_quarter_hour_in_utc() -> None:
    t = at(UTC, 2026, 1, 1, 10, 7)
    assert QUARTER.next_reset(t, UTC) == at(UTC, 2026, 1, 1, 10, 15)
    assert QUARTER.interval_start(t, UTC) == at(UTC, 2026, 1, 1, 10, 0)
    on = at(UTC, 2026, 1, 1, 10, 15)
    assert QUARTER.next_reset(on, UTC) == at(UTC, 2026, 1, 1, 10, 30)
    assert QUARTER.interval_start(on, UTC) == on
    assert QUARTER.next_reset(on - 1, UTC) == on
    late = at(UTC, 2026, 12, 31, 23, 50)
    assert QUARTER.next_reset(late, UTC) == at(UTC, 2027, 1, 1)
    assert QUARTER.interval_start(at(UTC, 2027, 1, 1) - 1, UTC) == at(UTC, 2026, 12, 31, 23, 45)


def test_shifted_steps_end_with_the_day_and_restart_at_start() -> None:
    shifts = parse("S,Growing", "8:00+4:00")
    t = at(UTC, 2026, 5, 1, 21, 0)
    assert shifts.interval_start(t, UTC) == at(UTC, 2026, 5, 1, 20, 0)
    assert shifts.next_reset(t, UTC) == at(UTC, 2026, 5, 2, 8, 0)
    assert shifts.interval_start(at(UTC, 2026, 5, 2, 7, 59), UTC) == at(UTC, 2026, 5, 1, 20, 0)


def test_fixed_offset_zone() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    assert DAILY.next_reset(at(UTC, 2026, 1, 1, 12), india) == at(UTC, 2026, 1, 1, 18, 30)
    assert DAILY.interval_start(at(UTC, 2026, 1, 1, 12), india) == at(UTC, 2025, 12, 31, 18, 30)


def test_ever_growing_and_other_kinds_never_reset() -> None:
    t = at(UTC, 2026, 1, 1)
    for profile in [
        parse("E,Growing", "ever"),
        parse("S,Sliding", "600:10"),
        parse("N,Selection", "5"),
        parse("L,SinceLogin", None),
    ]:
        assert profile.next_reset(t, LONDON) is None
        assert profile.interval_start(t, LONDON) is None
    assert parse("E,Growing", "").ever_growing
    assert not DAILY.ever_growing


# -- resets across DST ---------------------------------------------------------


def test_london_spring_forward_has_no_resets_in_the_missing_hour() -> None:
    """2026-03-29: 01:00 GMT -> 02:00 BST; 01:00-01:45 local do not exist."""
    start, end = at(UTC, 2026, 3, 28, 23, 50), at(UTC, 2026, 3, 29, 3, 0)
    found = resets_in(QUARTER, LONDON, start, end)
    # In UTC the resets stay every quarter hour...
    assert found == list(range(at(UTC, 2026, 3, 29), end + 1, 15 * MINUTE))
    # ...but the local clock skips 01:xx: 00:45 GMT is followed by 02:00 BST.
    walls = [wall(t, LONDON) for t in found]
    assert [w.strftime("%H:%M") for w in walls[3:6]] == ["00:45", "02:00", "02:15"]
    assert all(w.hour != 1 for w in walls)
    day = resets_in(QUARTER, LONDON, at(LONDON, 2026, 3, 29) - 1, at(LONDON, 2026, 3, 30) - 1)
    assert len(day) == 96 - 4
    inside = at(UTC, 2026, 3, 29, 0, 50)
    assert QUARTER.interval_start(inside, LONDON) == at(UTC, 2026, 3, 29, 0, 45)
    assert QUARTER.next_reset(inside, LONDON) == at(LONDON, 2026, 3, 29, 2, 0)


def test_london_fall_back_resets_at_the_first_occurrence_only() -> None:
    """2026-10-25: 02:00 BST -> 01:00 GMT; 01:00-01:59 happens twice."""
    day = resets_in(QUARTER, LONDON, at(LONDON, 2026, 10, 25) - 1, at(LONDON, 2026, 10, 26) - 1)
    assert len(day) == 96  # every wall time once, in a 25-hour day
    assert len({wall(t, LONDON) for t in day}) == 96
    one_am = [t for t in day if wall(t, LONDON).hour == 1]
    assert one_am == list(
        range(at(UTC, 2026, 10, 25, 0, 0), at(UTC, 2026, 10, 25, 0, 46), 15 * MINUTE)
    )
    # The second pass through 01:xx (01:00-01:59 UTC) has no reset.
    second_pass = at(UTC, 2026, 10, 25, 1, 30)
    assert QUARTER.interval_start(second_pass, LONDON) == at(UTC, 2026, 10, 25, 0, 45)
    assert QUARTER.next_reset(second_pass, LONDON) == at(UTC, 2026, 10, 25, 2, 0)
    assert QUARTER.next_reset(at(UTC, 2026, 10, 25, 0, 45), LONDON) == at(UTC, 2026, 10, 25, 2, 0)


def test_new_york_daily_midnight_days_last_23_and_25_hours() -> None:
    lengths = {}
    for mo, d in [(3, 7), (3, 8), (3, 9), (10, 31), (11, 1), (11, 2)]:
        midnight = DAILY.next_reset(at(NEW_YORK, 2026, mo, d) - 1, NEW_YORK)
        assert midnight == at(NEW_YORK, 2026, mo, d)
        following = DAILY.next_reset(midnight, NEW_YORK)
        assert following is not None
        lengths[(mo, d)] = (following - midnight) / HOUR
        assert DAILY.interval_start(following - 1, NEW_YORK) == midnight
    assert lengths == {(3, 7): 24, (3, 8): 23, (3, 9): 24, (10, 31): 24, (11, 1): 25, (11, 2): 24}


def test_wall_time_in_the_gap_resets_when_the_gap_ends() -> None:
    """02:30 does not exist in New York on 2026-03-08 (02:00 EST -> 03:00 EDT)."""
    half_two = parse("H,Growing", "2:30")
    reset = half_two.next_reset(at(NEW_YORK, 2026, 3, 7, 12), NEW_YORK)
    assert reset == at(UTC, 2026, 3, 8, 7, 0)
    assert reset is not None
    assert wall(reset, NEW_YORK) == datetime(2026, 3, 8, 3, 0)
    assert half_two.interval_start(at(UTC, 2026, 3, 8, 7, 10), NEW_YORK) == reset
    assert half_two.interval_start(reset - 1, NEW_YORK) == at(NEW_YORK, 2026, 3, 7, 2, 30)
    assert half_two.next_reset(reset, NEW_YORK) == at(NEW_YORK, 2026, 3, 9, 2, 30)


def test_ambiguous_wall_time_resets_once() -> None:
    """01:30 happens twice in New York on 2026-11-01: reset at the first (EDT)."""
    half_one = parse("H,Growing", "1:30")
    first = at(NEW_YORK, 2026, 11, 1, 1, 30, fold=0)
    assert first == at(UTC, 2026, 11, 1, 5, 30)
    assert half_one.next_reset(first - 1, NEW_YORK) == first
    assert half_one.next_reset(first, NEW_YORK) == at(NEW_YORK, 2026, 11, 2, 1, 30)
    second = at(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)
    assert half_one.interval_start(second, NEW_YORK) == first


def test_local_day_without_midnight() -> None:
    """Sao Paulo 2018-11-04: 00:00 -> 01:00, so the midnight reset is at 01:00."""
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    reset = DAILY.next_reset(at(sao_paulo, 2018, 11, 3, 12), sao_paulo)
    assert reset == at(UTC, 2018, 11, 4, 3, 0)
    assert reset is not None
    assert wall(reset, sao_paulo) == datetime(2018, 11, 4, 1, 0)
    assert DAILY.interval_start(reset, sao_paulo) == reset
    assert DAILY.interval_start(reset - 1, sao_paulo) == at(sao_paulo, 2018, 11, 3)


def test_skipped_local_day() -> None:
    """Samoa skipped 2011-12-30: its noon reset happens when the clock jumps."""
    apia = ZoneInfo("Pacific/Apia")
    noon = parse("N,Growing", "12:00")
    jump = at(UTC, 2011, 12, 30, 10, 0)  # 2011-12-29 23:59:59 -10 -> 2011-12-31 00:00 +14
    assert noon.next_reset(at(apia, 2011, 12, 29, 13), apia) == jump
    assert noon.next_reset(jump, apia) == at(apia, 2011, 12, 31, 12)
    assert noon.interval_start(jump + HOUR, apia) == jump


# -- properties ----------------------------------------------------------------

PROPERTY_ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Dublin",  # negative DST in the tz data
    "America/New_York",
    "America/St_Johns",
    "America/Sao_Paulo",  # DST at midnight (until 2019)
    "America/Havana",  # midnight repeated when DST ends
    "America/Santiago",
    "Australia/Lord_Howe",  # 30-minute DST
    "Pacific/Chatham",
    "Pacific/Apia",  # skipped a day in 2011
    "Asia/Kolkata",
]


@st.composite
def growing_values(draw: st.DrawFn) -> str:
    """A Growing value: a union of one to three ``start[+step]`` specs."""
    specs = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 1439))
        text = f"{start // 60}:{start % 60:02d}"
        if draw(st.booleans()):
            step = draw(st.sampled_from([1, 7, 15, 30, 60, 90, 240, 600, 1439]))
            text += f"+{step // 60}:{step % 60:02d}"
        specs.append(text)
    return ",".join(specs)


@functools.cache
def transitions(zone: str, year: int) -> tuple[int, ...]:
    """The instants (whole seconds) at which the UTC offset of ``zone`` changes in ``year``."""
    tz = ZoneInfo(zone)

    def offset(ms: int) -> timedelta | None:
        return datetime.fromtimestamp(ms / 1000, tz).utcoffset()

    found = []
    weeks = [at(UTC, year, 1, 1) + k * 7 * DAY for k in range(53)]
    for lo, hi in itertools.pairwise(weeks):
        if offset(lo) == offset(hi):
            continue
        while hi - lo > 1000:  # offset(lo) is the old offset, offset(hi) the new one
            mid = (lo + hi) // 2000 * 1000
            lo, hi = (mid, hi) if offset(mid) == offset(lo) else (lo, mid)
        found.append(hi)
    return tuple(found)


@st.composite
def zone_and_instant(draw: st.DrawFn) -> tuple[ZoneInfo, int]:
    """A zone and an instant, half of the time within 36 hours of a DST change."""
    zone = draw(st.sampled_from(PROPERTY_ZONES))
    year = draw(st.integers(1995, 2039))
    near = transitions(zone, year)
    close = draw(st.booleans())
    if near and close:
        t = draw(st.sampled_from(near)) + draw(st.integers(-36 * HOUR, 36 * HOUR))
    else:
        t = draw(st.integers(at(UTC, year, 1, 1), at(UTC, year + 1, 1, 1)))
    return ZoneInfo(zone), t


@settings(max_examples=300, deadline=None)
@given(value=growing_values(), zone_t=zone_and_instant())
def test_interval_start_and_next_reset_agree(value: str, zone_t: tuple[ZoneInfo, int]) -> None:
    tz, t = zone_t
    profile = parse("P,Growing", value)
    start, following = profile.interval_start(t, tz), profile.next_reset(t, tz)
    assert start is not None
    assert following is not None
    assert start <= t < following
    assert following - start <= 2 * DAY
    # No reset strictly between the two: both ends give the same neighbours.
    assert profile.next_reset(start, tz) == following
    assert profile.interval_start(following - 1, tz) == start
    assert profile.interval_start(following, tz) == following
    assert profile.interval_start(start, tz) == start
    # A reset shows a configured wall time, unless the clock jumped over it.
    for reset in (start, following):
        shown = wall(reset, tz)
        minute = shown.hour * 60 + shown.minute
        jumped = shown - wall(reset - 1, tz) > timedelta(seconds=1)
        assert (minute in profile.resets and shown.second == 0) or jumped


def reference_resets(profile: TimeProfile, tz: tzinfo, lo: int, hi: int) -> list[int]:
    """Resets in (lo, hi] by brute force: scan the clock minute by minute and
    reset whenever it first shows a configured wall time (or later).

    Exact for zones whose transitions fall on whole minutes; resets before
    ``lo + 2 days`` may be missed (the scan does not know what the clock
    showed before ``lo``).
    """
    wanted = set(profile.resets)
    lo -= lo % MINUTE
    shown = wall(lo, tz)  # the latest wall time shown so far
    out = []
    for u in range(lo + MINUTE, hi + 1, MINUTE):
        now = wall(u, tz)
        if now <= shown:
            continue
        if now - shown == timedelta(minutes=1):
            hit = now.hour * 60 + now.minute in wanted
        else:  # the clock jumped: any configured wall time in (shown, now]?
            day = datetime.combine(shown.date(), datetime.min.time())
            hit = False
            while day <= now and not hit:
                hit = any(shown < day + timedelta(minutes=m) <= now for m in wanted)
                day += timedelta(days=1)
        if hit:
            out.append(u)
        shown = now
    return out


@settings(max_examples=25, deadline=None)
@given(value=growing_values(), zone_t=zone_and_instant())
def test_matches_a_brute_force_clock_scan(value: str, zone_t: tuple[ZoneInfo, int]) -> None:
    tz, t = zone_t
    profile = parse("P,Growing", value)
    expected = reference_resets(profile, tz, t - 4 * DAY, t + 2 * DAY)
    before = [r for r in expected if r <= t]
    after = [r for r in expected if r > t]
    assert before
    assert after
    assert profile.interval_start(t, tz) == before[-1]
    assert profile.next_reset(t, tz) == after[0]
    assert resets_in(profile, tz, before[-1], after[-1]) == after


@pytest.mark.parametrize(
    ("zone", "dates"),
    [
        ("Europe/London", [(3, 29), (10, 25)]),
        ("America/New_York", [(3, 8), (11, 1)]),
        ("America/Havana", [(3, 8), (11, 1)]),  # DST starts and ends at midnight
    ],
)
def test_dst_weeks_of_2026_match_the_scan(zone: str, dates: list[tuple[int, int]]) -> None:
    tz = ZoneInfo(zone)
    profile = parse("H,Growing", "0:00+1:00,0:30,1:15,2:30")
    for mo, d in dates:
        lo = at(UTC, 2026, mo, d) - 4 * DAY
        hi, trusted = lo + 7 * DAY, lo + 2 * DAY
        expected = [r for r in reference_resets(profile, tz, lo, hi) if r > trusted]
        assert resets_in(profile, tz, trusted, hi) == expected


def test_attrs_value_object() -> None:
    assert attrs.has(TimeProfile)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        DAILY.spec = "1:00"  # type: ignore[misc]
