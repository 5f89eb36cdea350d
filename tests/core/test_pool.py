"""The persistent statistic pool, through the public Engine API (DOMAIN §6.3, §7).

* the same statistic opened by several subscribers is computed once; two
  stat types with identical definitions share; a different time profile or
  time range does not;
* closing the last subscription keeps the statistic computing: a re-open
  within three days returns the accumulated value; it leaves the pool three
  days (to the millisecond) after its last request, never while a
  subscription is open;
* refusals change nothing; reference ids are per subscriber;
* current categories see what is in progress at open time, historical ones
  start from 0; group statistics keep what a departed member contributed.

Times are written as seconds after :data:`T0` (``at(s)``).
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from statengine import Engine, LocalProtocolError, ObjectRef, ObjectType
from statengine.core import events as ev
from statengine.core.categories import Statistic
from statengine.core.engine import StatisticsProfile
from statengine.core.notify import NotificationSettings, NotifyMode
from statengine.core.profiles import load_time_profiles
from statengine.core.settings import EngineSettings
from statengine.core.stattypes import StatType, load_time_ranges
from statengine.testing import DEFAULT_START_MS, make_center

#: 2026-03-02 08:00:00 UTC, a Monday
T0 = DEFAULT_START_MS
SECOND = 1000
DAY = 24 * 3600 * SECOND
KEEP = 3 * DAY

IN = ev.CallType.Inbound
CENTER = make_center(agents=4, queues=2, group_size=2)

Q0 = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
Q1 = ObjectRef("T1", ObjectType.Queue, "8001@SW1")
A0 = ObjectRef("T1", ObjectType.Agent, "A0")
A2 = ObjectRef("T1", ObjectType.Agent, "A2")
G0 = ObjectRef("T1", ObjectType.GroupAgents, "G0")
VQ0 = ObjectRef("T1", ObjectType.GroupAgents, "VQ0")

NONE = NotificationSettings(mode=NotifyMode.NONE)


def at(s: float) -> int:
    return T0 + round(s * 1000)


def stat_type(
    category: str,
    mask: str,
    *,
    objects: str = "Queue",
    subject: str = "DNAction",
    name: str | None = None,
    **extra: Any,
) -> StatType:
    definition: dict[str, Any] = {
        "Objects": objects,
        "Category": category,
        "Subject": subject,
        "MainMask": mask,
        **extra,
    }
    if name is not None:
        definition["Name"] = name
    return StatType.from_definition(definition)


ENTERED = stat_type("TotalNumber", "CallEntered", name="Entered")
WAITING = stat_type("CurrentNumber", "CallWait", name="Waiting")

PROFILE = StatisticsProfile(
    stat_types={
        "Total_Calls_Entered": StatType.from_config(
            "Total_Calls_Entered",
            {"Objects": "Queue,RoutePoint", "Category": "TotalNumber", "MainMask": "CallEntered"},
        ),
    },
    time_profiles=load_time_profiles(
        {
            "Ever,Growing": "ever",
            "Q15,Growing": "0:00+0:15",
            "Midnight,Growing": "00:00",
            "Shift,SinceLogin": None,
            "Last10m,Sliding": "600:10",
            "Last5,Selection": "5",
        }
    ),
    time_ranges=load_time_ranges({"Short": "0-10", "Twenty": "0-20", "Mid": "20-50"}),
)


def new_engine(now: int = T0) -> Engine:
    eng = Engine(CENTER, now=now, profile=PROFILE)
    eng.feed(ev.LinkConnected(time=now, link="ts1"))
    return eng


def queued(eng: Engine, conn: str, t: int, queue: str = "8000") -> None:
    eng.feed(ev.Queued(time=t, link="ts1", dn=queue, conn_id=conn, call_type=IN))


def answered(
    eng: Engine,
    conn: str,
    t: int,
    *,
    dn: str = "5000",
    queue: str = "8000",
    talk_s: float | None = 1,
) -> None:
    """Divert a waiting call to ``dn``, ring and answer it at ``t``; release after ``talk_s``."""
    eng.feed(ev.Diverted(time=t, link="ts1", dn=queue, conn_id=conn, other_dn=dn, call_type=IN))
    eng.feed(ev.Ringing(time=t, link="ts1", dn=dn, conn_id=conn, this_queue=queue, call_type=IN))
    eng.feed(ev.Established(time=t, link="ts1", dn=dn, conn_id=conn, call_type=IN))
    if talk_s is not None:
        eng.feed(ev.Released(time=t + round(talk_s * 1000), link="ts1", dn=dn, conn_id=conn))


def call(
    eng: Engine, conn: str, t: int, wait_s: float = 2, *, dn: str = "5000", talk_s: float = 1
) -> None:
    """A whole call on queue 8000: queued at ``t``, answered after ``wait_s``."""
    queued(eng, conn, t)
    answered(eng, conn, t + round(wait_s * 1000), dn=dn, talk_s=talk_s)


def login(eng: Engine, agent: int, t: int) -> None:
    """Agent ``A<agent>`` logs in on its extension, ready (AutoIn)."""
    eng.feed(
        ev.AgentLogin(
            time=t,
            link="ts1",
            dn=str(5000 + agent),
            agent_id=str(7000 + agent),
            work_mode=ev.WorkMode.AutoIn,
        )
    )


def value(eng: Engine, subscriber: str, ref_id: Any) -> Any:
    return eng.peek(subscriber, ref_id).value


# ---------------------------------------------------------------------------
# Sharing
# ---------------------------------------------------------------------------


def test_same_statistic_opened_by_several_subscribers_is_computed_once() -> None:
    eng = new_engine()
    for sub in ("ccpulse", "urs", "wfm"):
        eng.open_statistic(sub, 1, Q0, ENTERED, notification=NONE)
    eng.open_statistic("urs", 2, Q0, ENTERED, notification=NONE)
    pool = eng.pool_statistics()
    assert (pool.statistics, pool.aggregates, pool.subscriptions) == (1, 1, 4)
    for i in range(3):
        queued(eng, f"c{i}", at(10 + i))
    assert {value(eng, s, 1) for s in ("ccpulse", "urs", "wfm")} == {3}
    assert value(eng, "urs", 2) == 3
    # a second, different statistic on the same object is a second computation
    eng.open_statistic("urs", 3, Q0, WAITING, notification=NONE)
    assert eng.pool_statistics().statistics == 2


def test_identical_definitions_under_other_names_share() -> None:
    """Name, description, Objects, mask order and CallWait aliases do not
    change what is computed: one statistic."""
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, "Total_Calls_Entered", notification=NONE)
    eng.open_statistic("b", 1, Q0, ENTERED, notification=NONE)
    eng.open_statistic(
        "c",
        1,
        Q0,
        stat_type(
            "TotalNumber",
            "CallEntered",
            objects="Queue,GroupQueues",
            name="Other",
            Description="same thing",
        ),
        notification=NONE,
    )
    eng.open_statistic("d", 1, Q0, WAITING, notification=NONE)
    eng.open_statistic(
        "e", 1, Q0, stat_type("CurrentNumber", "CallWaitInbound", name="W2"), notification=NONE
    )
    eng.open_statistic(
        "f", 1, Q0, stat_type("TotalNumber", "CallEntered,CallWait"), notification=NONE
    )
    eng.open_statistic(
        "g", 1, Q0, stat_type("TotalNumber", "CallWait,CallEntered"), notification=NONE
    )
    pool = eng.pool_statistics()
    assert (pool.statistics, pool.subscriptions) == (3, 7)
    queued(eng, "c1", at(5))
    assert [value(eng, s, 1) for s in "abcdefg"] == [1, 1, 1, 1, 1, 2, 2]


def test_a_different_time_profile_or_time_range_is_another_statistic() -> None:
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED, notification=NONE)  # Default
    eng.open_statistic("a", 2, Q0, ENTERED, profile="Q15", notification=NONE)
    eng.open_statistic("a", 3, Q0, ENTERED, profile="Ever", notification=NONE)
    # "00:00" is the Default profile spelled differently: the same computation
    eng.open_statistic("a", 4, Q0, ENTERED, profile="Midnight", notification=NONE)
    assert eng.pool_statistics().statistics == 3

    in_range = stat_type("TotalNumberInTimeRange", "CallAnswered")
    eng.open_statistic("b", 1, Q0, in_range, time_range="Short", notification=NONE)
    eng.open_statistic("b", 2, Q0, in_range, time_range="Mid", notification=NONE)
    # no time range = the Default range 0-20, the same as "Twenty"
    eng.open_statistic("b", 3, Q0, in_range, notification=NONE)
    eng.open_statistic("b", 4, Q0, in_range, time_range="Twenty", notification=NONE)
    assert eng.pool_statistics().statistics == 3 + 3

    sf = stat_type("ServiceFactor1", "CallAnswered")
    eng.open_statistic("c", 1, Q0, sf, time_range="Twenty", notification=NONE)
    eng.open_statistic("c", 2, Q0, sf, time_range="Twenty", time_range2="Short", notification=NONE)
    eng.open_statistic("c", 3, Q0, sf, time_range2="Short", notification=NONE)
    pool = eng.pool_statistics()
    assert pool.statistics == 3 + 3 + 2
    # ServiceFactor1 keeps two aggregates (answered, abandoned)
    assert pool.aggregates == 3 + 3 + 2 * 2


def test_a_time_range_the_category_does_not_read_does_not_split_the_pool() -> None:
    """Like a RelMask the category does not read (StatType.canonical), the
    request's time ranges count only where read: TimeRange for the
    time-range categories, TimeRange2 for ServiceFactor1 only."""
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED, notification=NONE)
    eng.open_statistic("a", 2, Q0, ENTERED, time_range="Short", notification=NONE)
    eng.open_statistic("a", 3, Q0, ENTERED, time_range2="Mid", notification=NONE)
    in_range = stat_type("TotalNumberInTimeRange", "CallAnswered")
    eng.open_statistic("b", 1, Q0, in_range, time_range="Short", notification=NONE)
    eng.open_statistic(
        "b", 2, Q0, in_range, time_range="Short", time_range2="Mid", notification=NONE
    )
    assert eng.pool_statistics().statistics == 2


def test_relative_mask_counts_only_where_it_is_read() -> None:
    eng = new_engine()
    pct = "TotalNumberInTimeRangePercentage"
    eng.open_statistic("a", 1, Q0, stat_type(pct, "CallAnswered"), notification=NONE)
    eng.open_statistic(
        "a", 2, Q0, stat_type(pct, "CallAnswered", RelMask="CallEntered"), notification=NONE
    )
    eng.open_statistic("a", 3, Q0, ENTERED, notification=NONE)
    eng.open_statistic(
        "a", 4, Q0, stat_type("TotalNumber", "CallEntered", RelMask="CallWait"), notification=NONE
    )
    pool = eng.pool_statistics()
    # the percentage with a RelMask is its own statistic with two aggregates;
    # TotalNumber ignores a RelMask: both TotalNumber opens share one statistic
    assert (pool.statistics, pool.aggregates) == (3, 1 + 2 + 1)


def test_a_relmask_the_category_does_not_read_costs_no_aggregate() -> None:
    eng = new_engine()
    eng.open_statistic(
        "a", 1, Q0, stat_type("TotalNumber", "CallEntered", RelMask="CallWait"), notification=NONE
    )
    # TotalNumber never reads its RelMask: no aggregate is kept for it
    queued(eng, "c1", at(1))
    assert value(eng, "a", 1) == 1
    assert eng.pool_statistics().aggregates == 1


# ---------------------------------------------------------------------------
# Persistence after close, three-day expiry
# ---------------------------------------------------------------------------


def test_closing_the_last_subscription_keeps_the_statistic_computing() -> None:
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED, profile="Ever", notification=NONE)
    queued(eng, "c1", at(10))
    queued(eng, "c2", at(20))
    eng.close_statistic("a", 1)
    pool = eng.pool_statistics()
    assert (pool.statistics, pool.subscriptions, pool.unsubscribed) == (1, 0, 1)
    queued(eng, "c3", at(30))
    eng.advance(T0 + 2 * DAY)
    queued(eng, "c4", T0 + 2 * DAY + 1)
    # the re-open, by anyone, returns the accumulated value, not 0
    opened = eng.open_statistic("b", 7, Q0, ENTERED, profile="Ever", notification=NONE)
    assert opened.value == 4
    pool = eng.pool_statistics()
    assert (pool.statistics, pool.subscriptions, pool.unsubscribed, pool.expired) == (1, 1, 0, 0)


@pytest.mark.parametrize("after_ms", [KEEP - 1, KEEP])
def test_still_there_until_exactly_three_days_after_the_close(after_ms: int) -> None:
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED, profile="Ever", notification=NONE)
    queued(eng, "c1", at(10))
    eng.advance(at(60))
    eng.close_statistic("a", 1)
    eng.advance(at(60) + after_ms)
    assert eng.pool_statistics().statistics == 1
    assert eng.open_statistic("a", 1, Q0, ENTERED, profile="Ever").value == 1


def test_gone_one_millisecond_later_and_a_reopen_starts_from_zero() -> None:
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED, profile="Ever", notification=NONE)
    queued(eng, "c1", at(10))
    eng.advance(at(60))
    eng.close_statistic("a", 1)
    eng.advance(at(60) + KEEP)
    assert eng.pool_statistics().statistics == 1
    eng.advance(at(60) + KEEP + 1)
    pool = eng.pool_statistics()
    assert (pool.statistics, pool.unsubscribed, pool.expired, pool.aggregates) == (0, 0, 1, 0)
    # events that would have fed it are harmless
    queued(eng, "c2", at(60) + KEEP + 5)
    assert eng.open_statistic("a", 1, Q0, ENTERED, profile="Ever").value == 0
    queued(eng, "c3", at(60) + KEEP + 10)
    assert value(eng, "a", 1) == 1
    assert eng.pool_statistics().expired == 1


def test_expiry_while_a_call_is_still_waiting_forgets_it_cleanly() -> None:
    # no stuck-call guard: the call waits through the whole keep period
    eng = Engine(CENTER, now=T0, profile=PROFILE, settings=EngineSettings(stuck_limits={}))
    eng.feed(ev.LinkConnected(time=T0, link="ts1"))
    eng.open_statistic("a", 1, Q0, WAITING, profile="Ever", notification=NONE)
    eng.open_statistic("a", 2, Q0, stat_type("TotalTime", "CallWait"), profile="Ever")
    queued(eng, "c1", at(10))
    eng.close_statistic("a", 1)
    eng.close_statistic("a", 2)
    eng.advance(at(10) + KEEP + 1)
    assert eng.pool_statistics().statistics == 0
    queued(eng, "c2", at(20) + KEEP)
    # re-opened: starts over, and sees both calls waiting now
    assert eng.open_statistic("a", 1, Q0, WAITING, profile="Ever").value == 2
    assert eng.open_statistic("a", 2, Q0, stat_type("TotalTime", "CallWait")).value == 0
    r = eng.feed(ev.Abandoned(time=at(30) + KEEP, link="ts1", dn="8000", conn_id="c1"))
    assert sorted((n.ref_id, n.value) for n in r.notifications) == [(1, 1), (2, 10.0)]


@pytest.mark.parametrize(
    "profile",
    [
        "Ever",
        "Q15",
        "Last10m",
        "Last5",
        "Shift",
    ],
)
def test_an_expired_statistic_is_freed(profile: str) -> None:
    """Once dropped, nothing in the engine keeps the statistic alive."""
    eng = new_engine()
    answers = stat_type("TotalNumber", "CallAnswered", objects="Agent", name=f"free-{profile}")
    eng.open_statistic("a", 1, A0, answers, profile=profile, notification=NONE)
    eng.close_statistic("a", 1)
    gc.collect()
    [stat] = [
        o
        for o in gc.get_objects()
        if isinstance(o, Statistic) and o.object == A0 and o.stat_type is answers
    ]
    ref = weakref.ref(stat)
    del stat
    login(eng, 0, at(60))  # the statistic follows the agent for a while
    eng.advance(at(60) + KEEP + 1)
    assert eng.pool_statistics().statistics == 0
    eng.advance(at(60) + KEEP + 2 * DAY)  # past any reset still scheduled for it
    gc.collect()
    assert ref() is None


def test_expiry_counts_from_the_latest_close_of_any_subscriber() -> None:
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED, profile="Ever", notification=NONE)
    eng.open_statistic("b", 1, Q0, ENTERED, profile="Ever", notification=NONE)
    eng.advance(at(100))
    eng.close_statistic("a", 1)
    eng.advance(at(100) + 2 * DAY)
    eng.peek("b", 1)
    eng.close_statistic("b", 1)
    last = at(100) + 2 * DAY
    eng.advance(at(100) + KEEP + 1)  # three days after the first close: kept
    assert eng.pool_statistics().statistics == 1
    eng.advance(last + KEEP)
    assert eng.pool_statistics().statistics == 1
    eng.advance(last + KEEP + 1)
    assert eng.pool_statistics().statistics == 0


def test_a_peek_needs_a_subscription_but_a_reopen_refreshes_the_clock() -> None:
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED, profile="Ever", notification=NONE)
    queued(eng, "c1", at(10))
    eng.close_statistic("a", 1)
    closed = at(10)
    with pytest.raises(LocalProtocolError):
        eng.peek("a", 1)
    with pytest.raises(LocalProtocolError):
        eng.close_statistic("a", 1)
    # re-open two days later and close an hour after: the clock restarts there
    eng.advance(closed + 2 * DAY)
    assert eng.open_statistic("a", 1, Q0, ENTERED, profile="Ever").value == 1
    eng.advance(closed + 2 * DAY + 3600 * SECOND)
    eng.close_statistic("a", 1)
    last = closed + 2 * DAY + 3600 * SECOND
    eng.advance(closed + KEEP + 1)
    assert eng.pool_statistics().statistics == 1
    eng.advance(last + KEEP)
    assert eng.pool_statistics().statistics == 1
    eng.advance(last + KEEP + 1)
    assert eng.pool_statistics().statistics == 0


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["open", "close", "peek"]), st.integers(1, 2 * DAY)),
        min_size=1,
        max_size=8,
    )
)
def test_expiry_is_three_days_after_the_last_request(steps: list[tuple[str, int]]) -> None:
    """Random open / peek / close sequences from two subscribers: the
    statistic is in the pool exactly while subscribed or within three days
    (inclusive) of its last request."""
    eng = new_engine()
    now = T0
    subs: dict[str, bool] = {"a": False, "b": False}
    last = now
    alive = False
    for i, (op, gap) in enumerate(steps):
        now += gap
        eng.advance(now)
        if alive and not any(subs.values()) and now > last + KEEP:
            alive = False
        assert eng.pool_statistics().statistics == int(alive)
        who = "ab"[i % 2]
        if op == "open" and not subs[who]:
            eng.open_statistic(who, 1, Q0, ENTERED, profile="Ever", notification=NONE)
            subs[who] = alive = True
            last = now
        elif op == "close" and subs[who]:
            eng.close_statistic(who, 1)
            subs[who] = False
            last = now
        elif op == "peek" and subs[who]:
            eng.peek(who, 1)
            last = now
    if not any(subs.values()) and alive:
        eng.advance(last + KEEP)
        assert eng.pool_statistics().statistics == 1
        eng.advance(last + KEEP + 1)
        assert eng.pool_statistics().statistics == 0


def test_never_dropped_while_a_subscription_is_open() -> None:
    eng = new_engine()
    eng.open_statistic("keeper", 1, Q0, ENTERED, profile="Ever", notification=NONE)
    eng.open_statistic("leaver", 1, Q1, ENTERED, profile="Ever", notification=NONE)
    eng.close_statistic("leaver", 1)
    queued(eng, "c1", at(10))
    for day in range(1, 91):
        eng.advance(T0 + day * DAY)
    queued(eng, "c2", T0 + 90 * DAY + 10)
    pool = eng.pool_statistics()
    assert (pool.statistics, pool.expired, pool.subscriptions) == (1, 1, 1)
    assert value(eng, "keeper", 1) == 2


# ---------------------------------------------------------------------------
# Refusals and reference ids
# ---------------------------------------------------------------------------


def test_a_duplicate_reference_id_is_refused_and_changes_nothing() -> None:
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED)
    queued(eng, "c1", at(1))
    before = eng.pool_statistics()
    with pytest.raises(LocalProtocolError):
        eng.open_statistic("a", 1, Q0, ENTERED)
    with pytest.raises(LocalProtocolError):
        eng.open_statistic("a", 1, Q1, WAITING, profile="Q15")
    assert eng.pool_statistics() == before
    # the first subscription is untouched: same value, still notified
    assert value(eng, "a", 1) == 1
    eng.feed(ev.Queued(time=at(2), link="ts1", dn="8000", conn_id="c2", call_type=IN))
    r = eng.feed(ev.Queued(time=at(3), link="ts1", dn="8000", conn_id="c3", call_type=IN))
    assert [(n.subscriber, n.ref_id, n.value) for n in r.notifications] == [("a", 1, 3)]


REFUSED: dict[str, dict[str, Any]] = {
    "unknown queue": {"obj": ObjectRef("T1", ObjectType.Queue, "8999@SW1")},
    "queue in another tenant": {"obj": ObjectRef("T2", ObjectType.Queue, "8000@SW1")},
    "extension asked as a queue": {"obj": ObjectRef("T1", ObjectType.Queue, "5000@SW1")},
    "unknown agent": {
        "obj": ObjectRef("T1", ObjectType.Agent, "Nobody"),
        "stat_type": stat_type("TotalNumber", "CallAnswered", objects="Agent"),
    },
    "unknown group": {
        "obj": ObjectRef("T1", ObjectType.GroupAgents, "G9"),
        "stat_type": stat_type("TotalNumber", "CallAnswered", objects="GroupAgents"),
    },
    "unknown stat type": {"stat_type": "No_Such_Type"},
    "stat type name in another case": {"stat_type": "total_calls_entered"},
    "unknown time profile": {"profile": "Hourly"},
    "unknown time range": {
        "stat_type": stat_type("TotalNumberInTimeRange", "CallAnswered"),
        "time_range": "Long",
    },
    "unknown time range 2": {
        "stat_type": stat_type("ServiceFactor1", "CallAnswered"),
        "time_range2": "Long",
    },
    "object type not in Objects": {"obj": A0},
    "configured type not for agents": {"obj": A0, "stat_type": "Total_Calls_Entered"},
    "status subject on a queue": {
        "obj": Q0,
        "stat_type": stat_type(
            "TotalTime", "WaitForNextCall", objects="Queue", subject="AgentStatus"
        ),
    },
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_opens_change_nothing(case: str) -> None:
    eng = new_engine()
    eng.open_statistic("a", 1, Q0, ENTERED)
    before = eng.pool_statistics()
    kw: dict[str, Any] = {"obj": Q0, "stat_type": ENTERED, **REFUSED[case]}
    obj, st_type = kw.pop("obj"), kw.pop("stat_type")
    with pytest.raises(LocalProtocolError):
        eng.open_statistic("a", 2, obj, st_type, **kw)
    assert eng.pool_statistics() == before
    # the refused ref id is free, the other one still works
    eng.open_statistic("a", 2, Q0, WAITING)
    queued(eng, "c1", at(1))
    assert (value(eng, "a", 1), value(eng, "a", 2)) == (1, 1)


def test_reference_ids_are_per_subscriber() -> None:
    eng = new_engine()
    eng.open_statistic("ccpulse", 1, Q0, ENTERED)
    eng.open_statistic("urs", 1, Q0, WAITING)
    eng.open_statistic("urs", "abc", Q1, WAITING)
    r = eng.feed(ev.Queued(time=at(1), link="ts1", dn="8000", conn_id="c1", call_type=IN))
    assert sorted((n.subscriber, n.ref_id, n.stat_type) for n in r.notifications) == [
        ("ccpulse", 1, "Entered"),
        ("urs", 1, "Waiting"),
    ]
    eng.close_statistic("ccpulse", 1)
    assert value(eng, "urs", 1) == 1
    with pytest.raises(LocalProtocolError):
        eng.peek("ccpulse", 1)
    # ccpulse may reuse its ref id for something else
    eng.open_statistic("ccpulse", 1, Q1, ENTERED)
    assert value(eng, "ccpulse", 1) == 0


# ---------------------------------------------------------------------------
# What a fresh statistic sees
# ---------------------------------------------------------------------------


def test_current_categories_see_calls_already_waiting_historical_start_from_zero() -> None:
    eng = new_engine()
    queued(eng, "c1", at(10))
    queued(eng, "c2", at(25))
    queued(eng, "c9", at(26), queue="8001")
    eng.advance(at(40))
    opened = {
        "number": eng.open_statistic("a", "number", Q0, WAITING).value,
        "time": eng.open_statistic("a", "time", Q0, stat_type("CurrentTime", "CallWait")).value,
        "max": eng.open_statistic("a", "max", Q0, stat_type("CurrentMaxTime", "CallWait")).value,
        "entered": eng.open_statistic("a", "entered", Q0, ENTERED).value,
        "wait_total": eng.open_statistic(
            "a", "wait_total", Q0, stat_type("TotalNumber", "CallWait")
        ).value,
        "distributed": eng.open_statistic(
            "a", "distributed", Q0, stat_type("TotalNumber", "CallDistributed")
        ).value,
        "waited": eng.open_statistic("a", "waited", Q0, stat_type("TotalTime", "CallWait")).value,
    }
    # CurrentTime from the real starts (30 + 15), not from the open
    assert opened == {
        "number": 2,
        "time": 45.0,
        "max": 30.0,
        "entered": 0,
        "wait_total": 0,
        "distributed": 0,
        "waited": 0.0,
    }
    answered(eng, "c1", at(50))
    queued(eng, "c3", at(55))
    eng.advance(at(60))
    got = {k: value(eng, "a", k) for k in opened}
    assert got == {
        "number": 2,  # c2 and c3
        "time": 35.0 + 5.0,
        "max": 35.0,
        "entered": 1,  # c3 only
        "wait_total": 1,  # c3 started in the interval, c1 and c2 did not
        "distributed": 1,  # c1 was distributed in the interval
        "waited": 10.0,  # c1's wait clipped at the open (40 -> 50)
    }


def test_an_agent_statistic_sees_the_call_in_progress_at_open() -> None:
    eng = new_engine()
    login(eng, 0, at(1))
    queued(eng, "c1", at(5))
    answered(eng, "c1", at(10), talk_s=None)
    eng.advance(at(30))
    talking = stat_type("CurrentNumber", "CallInbound", objects="Agent")
    talk_time = stat_type("CurrentTime", "CallInbound", objects="Agent")
    answers = stat_type("TotalNumber", "CallAnswered", objects="Agent")
    assert eng.open_statistic("a", 1, A0, talking).value == 1
    assert eng.open_statistic("a", 2, A0, talk_time).value == 20.0
    assert eng.open_statistic("a", 3, A0, answers).value == 0
    in_mask = stat_type(
        "TotalNumber", "WaitForNextCall,CallInbound", objects="Agent", subject="AgentStatus"
    )
    # a status in progress counts (the projection rule)
    assert eng.open_statistic("a", 4, A0, in_mask).value == 1
    status = {"objects": "Agent", "subject": "AgentStatus"}
    # its time counts from the open; its current time from when it began
    assert (
        eng.open_statistic("a", 5, A0, stat_type("TotalTime", "CallInbound", **status)).value == 0
    )
    assert (
        eng.open_statistic("a", 6, A0, stat_type("CurrentTime", "CallInbound", **status)).value
        == 20
    )
    eng.advance(at(45))
    assert [value(eng, "a", k) for k in (1, 2, 3, 4, 5, 6)] == [1, 35.0, 0, 1, 15.0, 35.0]


# ---------------------------------------------------------------------------
# Groups keep what a departed member contributed
# ---------------------------------------------------------------------------

LOGGED_IN_TIME = "*,~LoggedOut,~NotMonitored"


def _group_stats(eng: Engine, group: ObjectRef) -> None:
    kw = {"objects": "GroupAgents"}
    eng.open_statistic(
        "g",
        "login_time",
        group,
        stat_type("TotalTime", LOGGED_IN_TIME, subject="AgentStatus", **kw),
    )
    eng.open_statistic(
        "g",
        "logged_in",
        group,
        stat_type("CurrentNumber", LOGGED_IN_TIME, subject="AgentStatus", **kw),
    )
    eng.open_statistic("g", "answered", group, stat_type("TotalNumber", "CallAnswered", **kw))
    eng.open_statistic("g", "talk", group, stat_type("TotalTime", "CallInbound", **kw))


def _group_values(eng: Engine) -> dict[str, Any]:
    return {k: value(eng, "g", k) for k in ("login_time", "logged_in", "answered", "talk")}


def test_static_group_keeps_a_removed_members_past_and_stops_counting_it() -> None:
    eng = new_engine()
    _group_stats(eng, G0)
    login(eng, 0, at(10))
    call(eng, "c1", at(15), wait_s=5, talk_s=30)  # answered at 20, released at 50
    queued(eng, "c2", at(55))
    answered(eng, "c2", at(60), talk_s=None)
    eng.advance(at(65))
    assert _group_values(eng) == {"login_time": 55.0, "logged_in": 1, "answered": 2, "talk": 30.0}
    r = eng.feed(
        ev.AgentRemovedFromGroup(time=at(70), link="", tenant="T1", agent_id="A0", group="G0")
    )
    assert [(m.group.id, m.member.id, m.joined) for m in r.memberships] == [("G0", "A0", False)]
    eng.feed(ev.Released(time=at(100), link="ts1", dn="5000", conn_id="c2"))
    eng.advance(at(200))
    call(eng, "c3", at(200), wait_s=5, talk_s=10)
    eng.advance(at(300))
    # the call in progress at the removal stays with the group to its end
    # (60 -> 100); the later call and the later login time do not count
    assert _group_values(eng) == {"login_time": 60.0, "logged_in": 0, "answered": 2, "talk": 70.0}
    # the agent's own statistics go on
    agent_answers = stat_type("TotalNumber", "CallAnswered", objects="Agent")
    eng.open_statistic("x", 1, A0, agent_answers)
    call(eng, "c4", at(310))
    assert value(eng, "x", 1) == 1
    assert _group_values(eng)["answered"] == 2


def test_virtual_group_keeps_a_departed_members_past_after_a_skill_change() -> None:
    eng = new_engine()
    _group_stats(eng, VQ0)
    assert eng.group_members(VQ0) == ()
    login(eng, 2, at(10))  # A2: Skill("Q0") = 7 -> joins VQ0 at login
    assert eng.group_members(VQ0) == (A2,)
    call(eng, "c1", at(15), wait_s=5, dn="5002", talk_s=30)
    eng.advance(at(65))
    assert _group_values(eng) == {"login_time": 55.0, "logged_in": 1, "answered": 1, "talk": 30.0}
    r = eng.feed(
        ev.AgentSkillChanged(time=at(70), link="", tenant="T1", agent_id="A2", skill="Q0", level=3)
    )
    assert [(m.group.id, m.joined) for m in r.memberships] == [("VQ0", False)]
    assert eng.group_members(VQ0) == ()
    call(eng, "c2", at(100), wait_s=5, dn="5002", talk_s=30)
    eng.advance(at(400))
    assert _group_values(eng) == {"login_time": 60.0, "logged_in": 0, "answered": 1, "talk": 30.0}
    # back in the group: counted again from the join
    eng.feed(
        ev.AgentSkillChanged(time=at(500), link="", tenant="T1", agent_id="A2", skill="Q0", level=9)
    )
    eng.advance(at(520))
    assert _group_values(eng) == {"login_time": 80.0, "logged_in": 1, "answered": 1, "talk": 30.0}
