"""The worked numbers of DOMAIN §4.6, §5.2 and the DST rules, through the
ENGINE: real T-Server events, real intervals, real notifications.

* ServiceFactor1 = 57.14 for 200 calls answered within 20 s, 100 after,
  50 abandoned within 10 s and 50 after (TimeRange 0-20, TimeRange2 0-10);
* time ranges are half-open: a 20-second answer is in 20-50, not 0-20;
* milliseconds are truncated from both timestamps: queued 05:40:56.949,
  answered 05:41:07.542 is 11 s, in 11-12 and not in 10-11;
* Growing profiles reset by the tenant's wall clock across real DST changes
  (Europe/London, 2026): quarter hours, and a 23-hour day for a daily reset;
  a reset-based subscription receives each interval's pre-reset value.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from statengine import Engine, ObjectRef, ObjectType
from statengine.core import events as ev
from statengine.core.engine import StatisticsProfile
from statengine.core.notify import Notification, NotificationSettings, NotifyMode, Reason
from statengine.core.objects import CenterConfig
from statengine.core.profiles import load_time_profiles
from statengine.core.stattypes import StatType, load_time_ranges
from statengine.testing import DEFAULT_START_MS, make_center

IN = ev.CallType.Inbound
CENTER = make_center(agents=2, queues=1, group_size=2)
Q = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
NONE = NotificationSettings(mode=NotifyMode.NONE)
RESET = NotificationSettings(mode=NotifyMode.RESET)

PROFILE = StatisticsProfile(
    time_profiles=load_time_profiles({"Ever,Growing": "ever"}),
    time_ranges=load_time_ranges(
        {
            "SL": "0-20",
            "ShortAbandon": "0-10",
            "Upto20": "0-20",
            "From20": "20-50",
            "R10": "10-11",
            "R11": "11-12",
        }
    ),
)


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return ms(datetime(year, month, day, hour, minute, second, tzinfo=UTC))


def stat_type(category: str, mask: str, **extra: Any) -> StatType:
    return StatType.from_definition(
        {"Objects": "Queue", "Category": category, "MainMask": mask, **extra}
    )


SERVICE_FACTOR = stat_type("ServiceFactor1", "CallAnswered", Name="Service_Factor")
IN_RANGE = stat_type("TotalNumberInTimeRange", "CallAnswered")
TIME_IN_RANGE = stat_type("TotalTimeInTimeRange", "CallAnswered")
ENTERED = stat_type("TotalNumber", "CallEntered")


def new_engine(
    now: int = DEFAULT_START_MS,
    center: CenterConfig = CENTER,
    profile: StatisticsProfile = PROFILE,
) -> Engine:
    eng = Engine(center, now=now, profile=profile)
    eng.feed(ev.LinkConnected(time=now, link="ts1"))
    return eng


def answered_call(eng: Engine, conn: str, queued_at: int, answered_at: int) -> int:
    """Queued on 8000, then Diverted + Ringing + Established on 5000 at
    ``answered_at``, released a second later. Returns the release time."""
    eng.feed(ev.Queued(time=queued_at, link="ts1", dn="8000", conn_id=conn, call_type=IN))
    eng.feed(
        ev.Diverted(
            time=answered_at, link="ts1", dn="8000", conn_id=conn, other_dn="5000", call_type=IN
        )
    )
    eng.feed(
        ev.Ringing(
            time=answered_at, link="ts1", dn="5000", conn_id=conn, this_queue="8000", call_type=IN
        )
    )
    eng.feed(ev.Established(time=answered_at, link="ts1", dn="5000", conn_id=conn, call_type=IN))
    eng.feed(ev.Released(time=answered_at + 1000, link="ts1", dn="5000", conn_id=conn))
    return answered_at + 1000


def abandoned_call(eng: Engine, conn: str, queued_at: int, abandoned_at: int) -> int:
    eng.feed(ev.Queued(time=queued_at, link="ts1", dn="8000", conn_id=conn, call_type=IN))
    eng.feed(ev.Abandoned(time=abandoned_at, link="ts1", dn="8000", conn_id=conn))
    return abandoned_at


def run_calls(eng: Engine, calls: list[tuple[str, int]], start: int) -> int:
    """Calls one after the other: ("answer" | "abandon", wait in ms), each
    queued on a whole second (so that the truncated wait is the wait's floor)."""
    t = start
    for i, (kind, wait) in enumerate(calls):
        t = -(-t // 1000) * 1000
        if kind == "answer":
            t = answered_call(eng, f"c{i}", t, t + wait)
        else:
            t = abandoned_call(eng, f"c{i}", t, t + wait)
        t += 1000
    return t


# ---------------------------------------------------------------------------
# ServiceFactor1
# ---------------------------------------------------------------------------


def test_service_factor_worked_example_is_57_14() -> None:
    """DOMAIN §4.6: 100 x 200 / (300 + 100 - 50) = 57.14."""
    eng = new_engine()
    t0 = DEFAULT_START_MS + 1000
    eng.advance(t0)
    eng.open_statistic(
        "sl", 1, Q, SERVICE_FACTOR, time_range="SL", time_range2="ShortAbandon", notification=NONE
    )
    eng.open_statistic("sl", 2, Q, SERVICE_FACTOR, time_range="SL", notification=NONE)
    eng.open_statistic("sl", 3, Q, stat_type("TotalNumber", "CallAnswered"), notification=NONE)
    eng.open_statistic("sl", 4, Q, stat_type("TotalNumber", "CallAbandoned"), notification=NONE)
    calls: list[tuple[str, int]] = []
    # interleaved, with waits spread over each band
    for i in range(50):
        calls += [
            ("answer", 3_000 + i * 300),  # 3 .. 17.7 s: within 0-20
            ("answer", 19_999 - i),  # just under 20 s, truncated to 19
            ("answer", 8_000),
            ("answer", 500),
            ("answer", 20_000 + i * 500),  # 20 .. 44.5 s: outside 0-20
            ("answer", 61_000),
            ("abandon", 1_000 + i * 150),  # 1 .. 8.35 s: within 0-10
            ("abandon", 10_000 + i * 400),  # 10 .. 29.6 s: outside 0-10
        ]
    end = run_calls(eng, calls, t0 + 1000)
    assert end < DEFAULT_START_MS + 16 * 3600 * 1000  # no midnight reset on the way
    assert eng.peek("sl", 3).value == 300
    assert eng.peek("sl", 4).value == 100
    value = eng.peek("sl", 1).value
    assert value == pytest.approx(100 * 200 / 350)
    assert round(value, 2) == 57.14
    # without a short-abandon range every abandoned call counts against
    assert eng.peek("sl", 2).value == pytest.approx(100 * 200 / 400)


def test_service_factor_counts_abandons_from_ringing_too() -> None:
    eng = new_engine()
    eng.open_statistic(
        "sl", 1, Q, SERVICE_FACTOR, time_range="SL", time_range2="ShortAbandon", notification=NONE
    )
    t = DEFAULT_START_MS + 1000
    t = answered_call(eng, "c1", t, t + 5_000) + 1000
    # queued, distributed after 4 s, the caller hangs up while it rings for 20 s
    eng.feed(ev.Queued(time=t, link="ts1", dn="8000", conn_id="c2", call_type=IN))
    eng.feed(
        ev.Diverted(
            time=t + 4000, link="ts1", dn="8000", conn_id="c2", other_dn="5001", call_type=IN
        )
    )
    eng.feed(
        ev.Ringing(
            time=t + 4000, link="ts1", dn="5001", conn_id="c2", this_queue="8000", call_type=IN
        )
    )
    r = eng.feed(ev.Abandoned(time=t + 24_000, link="ts1", dn="5001", conn_id="c2"))
    assert any(a.kind.value == "CallAbandonedFromRinging" and a.device == Q for a in r.actions)
    # 1 answered within 20 s / (1 answered + 1 abandoned after 24 s - 0 short)
    assert eng.peek("sl", 1).value == pytest.approx(50.0)


@settings(max_examples=25, deadline=None)
@given(
    counts=st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)),
    seed=st.randoms(use_true_random=False),
)
def test_service_factor_formula(counts: tuple[int, int, int, int], seed: Any) -> None:
    """100 x A_in / (A + B - B_in2), 0 when the denominator is not positive,
    whatever the order of the calls."""
    a_in, a_out, b_in, b_out = counts
    calls = (
        [("answer", seed.randrange(0, 20_000)) for _ in range(a_in)]
        + [("answer", seed.randrange(20_000, 90_000)) for _ in range(a_out)]
        + [("abandon", seed.randrange(0, 10_000)) for _ in range(b_in)]
        + [("abandon", seed.randrange(10_000, 90_000)) for _ in range(b_out)]
    )
    seed.shuffle(calls)
    eng = new_engine()
    eng.open_statistic(
        "sl",
        1,
        Q,
        SERVICE_FACTOR,
        time_range="SL",
        time_range2="ShortAbandon",
        profile="Ever",
        notification=NONE,
    )
    run_calls(eng, calls, DEFAULT_START_MS + 1000)
    den = a_in + a_out + b_out
    expected = 100 * a_in / den if den > 0 else 0.0
    assert eng.peek("sl", 1).value == pytest.approx(expected)


# ---------------------------------------------------------------------------
# Time ranges: half-open, milliseconds truncated
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("queued_ms", "wait_ms", "band"),
    [
        (0, 20_000, "From20"),  # exactly 20 s: 20-50
        (0, 19_999, "Upto20"),  # 10:00:00.000 -> 10:00:19.999: 19
        (1, 19_998, "Upto20"),  # 10:00:00.001 -> 10:00:19.999: 19
        (600, 19_500, "From20"),  # 10:00:00.600 -> 10:00:20.100: 20 - 0 = 20
        (999, 19_002, "From20"),  # 10:00:00.999 -> 10:00:20.001: 20, though 19.002 s
        (0, 49_999, "From20"),
        (0, 50_000, None),  # 50 s is past 20-50
    ],
)
def test_twenty_second_answer_counts_in_20_50_not_0_20(
    queued_ms: int, wait_ms: int, band: str | None
) -> None:
    eng = new_engine()
    eng.open_statistic("r", "Upto20", Q, IN_RANGE, time_range="Upto20", notification=NONE)
    eng.open_statistic("r", "From20", Q, IN_RANGE, time_range="From20", notification=NONE)
    t = utc(2026, 3, 2, 10, 0, 0) + queued_ms
    answered_call(eng, "c1", t, t + wait_ms)
    values = {b: eng.peek("r", b).value for b in ("Upto20", "From20")}
    assert values == {b: int(b == band) for b in ("Upto20", "From20")}


def test_eleven_second_truncation_example() -> None:
    """Queued 05:40:56.949, answered 05:41:07.542: 10.593 s of real wait, but
    07 - 56 = 11 whole seconds: counted in 11-12, not in 10-11."""
    start = utc(2026, 3, 2, 5, 40, 0)
    eng = new_engine(now=start)
    for rng in ("R10", "R11"):
        eng.open_statistic("r", rng, Q, IN_RANGE, time_range=rng, notification=NONE)
        eng.open_statistic("t", rng, Q, TIME_IN_RANGE, time_range=rng, notification=NONE)
    eng.open_statistic("asa", 1, Q, stat_type("AverageTime", "CallAnswered"), notification=NONE)
    queued = utc(2026, 3, 2, 5, 40, 56) + 949
    answered = utc(2026, 3, 2, 5, 41, 7) + 542
    eng.feed(ev.Queued(time=queued, link="ts1", dn="8000", conn_id="c1", call_type=IN))
    eng.feed(
        ev.Diverted(
            time=answered, link="ts1", dn="8000", conn_id="c1", other_dn="5000", call_type=IN
        )
    )
    eng.feed(
        ev.Ringing(
            time=answered, link="ts1", dn="5000", conn_id="c1", this_queue="8000", call_type=IN
        )
    )
    r = eng.feed(ev.Established(time=answered, link="ts1", dn="5000", conn_id="c1", call_type=IN))
    [on_queue] = [a for a in r.actions if a.kind.value == "CallAnswered" and a.device == Q]
    assert (on_queue.start, on_queue.end) == (queued, answered)
    assert eng.peek("r", "R10").value == 0
    assert eng.peek("r", "R11").value == 1
    # the time summed is the real duration, not the truncated one
    assert eng.peek("t", "R11").value == pytest.approx(10.593)
    assert eng.peek("t", "R10").value == 0
    assert eng.peek("asa", 1).value == pytest.approx(10.593)


# ---------------------------------------------------------------------------
# Growing resets across a real DST change (Europe/London, 2026)
# ---------------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")
LONDON_CENTER = attrs.evolve(CENTER, tenants=(attrs.evolve(CENTER.tenants[0], timezone=LONDON),))
DST_PROFILE = StatisticsProfile(
    time_profiles=load_time_profiles({"Quarter,Growing": "0:00+0:15", "Daily,Growing": "0:00"})
)


def _resets(
    opened_at: int, until: int, profile: str, calls_at: tuple[int, ...] = ()
) -> list[Notification]:
    eng = new_engine(now=opened_at, center=LONDON_CENTER, profile=DST_PROFILE)
    eng.open_statistic("wfm", 1, Q, ENTERED, profile=profile, notification=RESET)
    out: list[Notification] = []
    for i, t in enumerate(calls_at):
        out += eng.feed(
            ev.Queued(time=t, link="ts1", dn="8000", conn_id=f"c{i}", call_type=IN)
        ).notifications
    out += eng.advance(until).notifications
    assert all(n.reason is Reason.RESET for n in out)
    return out


def _hm(t: int) -> str:
    return datetime.fromtimestamp(t / 1000, UTC).strftime("%m-%d %H:%MZ")


def test_quarter_hour_resets_across_the_spring_change() -> None:
    """2026-03-29: London clocks jump from 01:00 GMT to 02:00 BST. The local
    wall times 01:00-01:45 do not exist; they all collapse into the single
    reset at the jump (01:00Z = 02:00 BST), then quarter hours go on."""
    out = _resets(utc(2026, 3, 29, 0, 20), utc(2026, 3, 29, 1, 40), "Quarter")
    assert [_hm(n.time) for n in out] == [
        "03-29 00:30Z",
        "03-29 00:45Z",
        "03-29 01:00Z",
        "03-29 01:15Z",
        "03-29 01:30Z",
    ]
    assert [n.time for n in out] == [utc(2026, 3, 29, 0, 30) + k * 15 * 60_000 for k in range(5)]


def test_quarter_hour_resets_across_the_autumn_change() -> None:
    """2026-10-25: London clocks go back from 02:00 BST to 01:00 GMT. The
    local hour 01:00-01:59 happens twice; it resets during its first pass
    only, so after 00:45Z (01:45 BST) the next reset is 02:00Z (02:00 GMT)."""
    out = _resets(utc(2026, 10, 24, 23, 50), utc(2026, 10, 25, 2, 20), "Quarter")
    assert [_hm(n.time) for n in out] == [
        "10-25 00:00Z",
        "10-25 00:15Z",
        "10-25 00:30Z",
        "10-25 00:45Z",
        "10-25 02:00Z",
        "10-25 02:15Z",
    ]


def test_daily_reset_is_local_midnight_23_hours_apart_across_the_spring_change() -> None:
    out = _resets(utc(2026, 3, 27, 12, 0), utc(2026, 3, 31, 12, 0), "Daily")
    assert [_hm(n.time) for n in out] == [
        "03-28 00:00Z",  # GMT midnight
        "03-29 00:00Z",
        "03-29 23:00Z",  # BST midnight of the 30th: the 29th lasted 23 hours
        "03-30 23:00Z",
    ]
    gaps = [(b.time - a.time) // 3_600_000 for a, b in itertools.pairwise(out)]
    assert gaps == [24, 23, 24]
    for n in out:
        local = datetime.fromtimestamp(n.time / 1000, LONDON)
        assert (local.hour, local.minute, local.second) == (0, 0, 0)


def test_reset_based_delivers_each_intervals_value_across_the_change() -> None:
    """Calls entered in each quarter hour around the spring change: each
    reset notification carries the count of the interval that just ended
    (stamped at its end); a call at exactly a reset is in the next one."""
    calls = [
        utc(2026, 3, 29, 0, 31),
        utc(2026, 3, 29, 0, 50),
        utc(2026, 3, 29, 0, 59, 59) + 999,
        utc(2026, 3, 29, 1, 0),  # exactly at the 01:00Z reset (02:00 BST)
        utc(2026, 3, 29, 1, 14),
        utc(2026, 3, 29, 1, 16),
    ]
    out = _resets(utc(2026, 3, 29, 0, 20), utc(2026, 3, 29, 1, 40), "Quarter", tuple(calls))
    assert [(_hm(n.time), n.value) for n in out] == [
        ("03-29 00:30Z", 0),
        ("03-29 00:45Z", 1),
        ("03-29 01:00Z", 2),
        ("03-29 01:15Z", 2),
        ("03-29 01:30Z", 1),
    ]


def test_daily_reset_based_value_covers_the_23_hour_day() -> None:
    eng = new_engine(now=utc(2026, 3, 28, 23, 0), center=LONDON_CENTER, profile=DST_PROFILE)
    login_time = StatType.from_definition(
        {
            "Objects": "Agent",
            "Category": "TotalTime",
            "Subject": "AgentStatus",
            "MainMask": "*,~LoggedOut,~NotMonitored",
        }
    )
    agent = ObjectRef("T1", ObjectType.Agent, "A0")
    eng.open_statistic("wfm", 1, agent, login_time, profile="Daily", notification=RESET)
    eng.feed(
        ev.AgentLogin(
            time=utc(2026, 3, 28, 23, 30),
            link="ts1",
            dn="5000",
            agent_id="7000",
            work_mode=ev.WorkMode.AutoIn,
        )
    )
    r = eng.advance(utc(2026, 3, 30, 1, 0))
    assert [(_hm(n.time), n.value) for n in r.notifications] == [
        ("03-29 00:00Z", 30 * 60.0),
        ("03-29 23:00Z", 23 * 3600.0),  # a whole local day logged in: 23 hours
    ]
    assert eng.peek("wfm", 1).value == 2 * 3600.0


def test_a_zone_named_in_the_profile_overrides_the_tenants() -> None:
    """A UTC tenant, a profile resetting at London midnight: the zone of the
    profile decides (DOMAIN §5.1, "Time Zone Specification")."""
    profile = StatisticsProfile(
        time_profiles=load_time_profiles(
            {"LondonDaily,Growing": "0:00 Europe/London", "UtcDaily,Growing": "0:00"},
            zones={"Europe/London": LONDON},
        ),
        zones={"Europe/London": LONDON},
    )
    eng = new_engine(now=utc(2026, 3, 28, 12, 0), profile=profile)
    eng.open_statistic("a", 1, Q, ENTERED, profile="LondonDaily", notification=RESET)
    eng.open_statistic("a", 2, Q, ENTERED, profile="UtcDaily", notification=RESET)
    r = eng.advance(utc(2026, 3, 30, 12, 0))
    assert [(n.ref_id, _hm(n.time)) for n in r.notifications] == [
        (1, "03-29 00:00Z"),
        (2, "03-29 00:00Z"),
        (1, "03-29 23:00Z"),
        (2, "03-30 00:00Z"),
    ]
