"""Snapshots (``Engine.snapshot`` / ``Engine.restore``, statengine.core.snapshot).

* Exact continuation: for random generated streams cut at a random point,
  with random statistics opened (library stat types and ad-hoc ones, every
  kind of time profile, every notification mode), snapshot -> msgpack ->
  restore -> feed the rest gives the same FeedResults, peeks, statuses and
  counters as the engine that was never interrupted.
* After a gap: the restored engine equals an uninterrupted engine that lost
  every link at the snapshot time and was then advanced to the restore time
  (the DOMAIN §7 rules follow from that), plus worked examples of each rule.
* Refusals name the path in the data.
"""

from __future__ import annotations

import json
import random
from typing import Any

import attrs
import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statengine import Engine, InternalError, ObjectRef, ObjectType, SnapshotError, Status
from statengine.config import _library
from statengine.core import events as ev
from statengine.core import snapshot as snap
from statengine.core.actions import ActionKind
from statengine.core.aggregates import ActionAggregate, StatusAggregate
from statengine.core.engine import FeedResult, StatisticsProfile
from statengine.core.notify import NotificationSettings, NotifyMode, Reason
from statengine.core.settings import EngineSettings
from statengine.core.state import Call
from statengine.core.stattypes import StatType
from statengine.testing import StreamProfile, generate_stream, make_center

T0 = 1_772_438_400_000  # 2026-03-02 08:00 UTC (a Monday), the streams' start
MINUTE = 60_000
DAY = 86_400_000

_SECTIONS = _library()
_SECTIONS["time_profiles"] = {
    **_SECTIONS["time_profiles"],
    "Q5,Growing": "0:00+0:05",
    "Slide,Sliding": "600:60",
    "Last5,Selection": "5",
    "Login,SinceLogin": "",
}
PROFILE = StatisticsProfile.from_sections(_SECTIONS)
PROFILES = ["Default", "CollectorDefault", "Q5", "Slide", "Last5", "Login"]
AD_HOC = [
    StatType.from_definition(
        {
            "Name": "AdHocHandle",
            "Objects": ["Agent", "GroupAgents", "Place", "GroupPlaces"],
            "Category": "TotalAdjustedTime",
            "MainMask": "CallInbound,CallOutbound",
        }
    ),
    StatType.from_definition(
        {
            "Name": "AdHocNotReady",
            "Objects": ["Agent", "GroupAgents", "Place", "GroupPlaces"],
            "Category": "MaxTime",
            "Subject": "AgentStatus",
            "MainMask": "NotReadyForNextCall,AfterCallWork",
        }
    ),
    StatType.from_definition(
        {
            "Name": "AdHocWaiting",
            "Objects": ["Queue", "RoutePoint", "GroupQueues"],
            "Category": "CurrentMaxTime",
            "MainMask": "CallWait",
        }
    ),
]


def round_trip(data: dict[str, Any]) -> Any:
    """What a backup file gives back."""
    return msgpack.unpackb(msgpack.packb(data, use_bin_type=True), raw=False)


def open_random(engine: Engine, rng: random.Random, n: int, counter: list[int]) -> None:
    """Open ``n`` random statistics (some fail: the type does not fit), close a few."""
    types: list[Any] = [*PROFILE.stat_types, *AD_HOC]
    for _ in range(n):
        stat_type = rng.choice(types)
        st_obj = PROFILE.stat_types[stat_type] if isinstance(stat_type, str) else stat_type
        objects = [
            o for t in sorted(st_obj.objects, key=lambda t: t.value) for o in engine.objects(t)
        ]
        if not objects:
            continue
        mode = rng.choice(list(NotifyMode))
        notification = NotificationSettings(
            mode=mode,
            insensitivity=rng.choice([0.0, 0.0, 20.0]),
            frequency=rng.choice([7.5, 90.0]) if mode is NotifyMode.PERIODICAL else 0.0,
        )
        counter[0] += 1
        ref_id: Any = counter[0] if rng.random() < 0.6 else ("r", counter[0], ("x", 1))
        try:
            engine.open_statistic(
                rng.choice(["wallboard", "wfm"]),
                ref_id,
                rng.choice(objects),
                stat_type,
                profile=rng.choice(PROFILES),
                notification=notification,
            )
        except Exception:
            continue
    subs = sorted(engine._pool.subscriptions, key=repr)
    for key in rng.sample(subs, len(subs) // 5):
        engine.close_statistic(*key)


def build(
    seed: int, events: int, cut: float, outages: float, share: bool = False
) -> tuple[Any, list[Any], Engine, int]:
    """An engine fed the first part of a generated stream, with random
    statistics opened on the way (``share``: the pool shares per-status and
    per-kind sums among the statistics that can, ``Pool.share_sums``)."""
    rng = random.Random(seed)
    center = make_center(
        agents=rng.randint(2, 8), queues=rng.randint(1, 3), group_size=rng.choice([2, 3, 50])
    )
    stream = list(
        generate_stream(
            center,
            seed=seed,
            events=events,
            profile=StreamProfile(outages_per_hour=outages, shift=1800.0, off_shift=300.0),
        )
    )
    at = max(1, min(len(stream) - 1, int(len(stream) * cut)))
    engine = Engine(center, profile=PROFILE)
    engine._pool.share_sums = share
    counter = [0]
    opens = {at // 3, at - 1}
    for i, event in enumerate(stream[:at]):
        engine.feed(event)
        if i in opens:
            open_random(engine, rng, 30, counter)
    return center, stream[at:], engine, counter[0]


def same_state(a: Engine, b: Engine, *, extra_fed: int = 0) -> None:
    """``b`` shows what ``a`` shows (``a`` was fed ``extra_fed`` more events)."""
    sa = a.statistics()
    fed = {"events_fed": sa.events_fed - extra_fed, "events_applied": sa.events_applied - extra_fed}
    assert attrs.evolve(sa, **fed) == b.statistics()
    assert attrs.evolve(a.pool_statistics(), approx_bytes=0) == attrs.evolve(
        b.pool_statistics(), approx_bytes=0
    )
    for key in a._pool.subscriptions:
        assert a.peek(*key) == b.peek(*key)
    for t in (ObjectType.RegDN, ObjectType.Queue, ObjectType.Place, ObjectType.Agent):
        for ref in a.objects(t):
            assert a.status(ref) == b.status(ref)
    for t in (ObjectType.GroupAgents, ObjectType.GroupPlaces):
        for ref in a.objects(t):
            assert a.group_status(ref) == b.group_status(ref)
            assert a.group_members(ref) == b.group_members(ref)


def same_indexes(a: Engine, b: Engine) -> None:
    """The indexes a restore rebuilds rather than reads (the validity index
    by object, the switch- and tenant-wide statistics) are the pool's own."""
    pa, pb = a._pool, b._pool
    assert {r: [s.key for s in lst] for r, lst in pa._by_object.items()} == {
        r: [s.key for s in lst] for r, lst in pb._by_object.items()
    }
    assert [s.key for s in pa._wide] == [s.key for s in pb._wide]


# --------------------------------------------------------------------------
# Exact continuation
# --------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    events=st.integers(50, 1500),
    cut=st.floats(0.05, 0.95),
    outages=st.sampled_from([0.0, 3.0]),
    share=st.booleans(),
)
def test_restore_then_feed_gives_identical_results(
    seed: int, events: int, cut: float, outages: float, share: bool
) -> None:
    center, rest, a, _ = build(seed, events, cut, outages, share)
    data = round_trip(a.snapshot())
    b = Engine.restore(center, data, profile=PROFILE)
    # restoring loses nothing: the restored engine snapshots the same data
    assert b.snapshot() == data
    same_indexes(a, b)
    for stat in a._pool.stats.values():  # the same pool keys as Pool.open builds
        assert b._pool.stats[stat.key].key == stat.key
    same_state(a, b)
    for event in rest:
        assert a.feed(event) == b.feed(event)
    hours = 3 * 3_600_000  # quarter-hour resets, periodical sends, windows moving on
    assert a.advance(a.now + hours) == b.advance(b.now + hours)
    same_state(a, b)


def test_snapshot_is_plain_data_and_survives_json() -> None:
    center, rest, a, _ = build(7, 1500, 0.6, 3.0)
    data = a.snapshot()

    def check(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                assert type(k) is str, path
                check(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                check(v, f"{path}[{i}]")
        else:
            assert value is None or type(value) in (str, int, float, bool), (path, value)

    check(data, "")
    assert data["format"] == "statengine-snapshot"
    assert data["version"] == snap.VERSION == 2
    b = Engine.restore(center, json.loads(json.dumps(data)), profile=PROFILE)
    for event in rest[:300]:
        assert a.feed(event) == b.feed(event)


def test_restore_at_the_snapshot_clock_is_exact_and_keeps_subscriptions() -> None:
    center, rest, a, _ = build(11, 1200, 0.5, 0.0)
    result = snap.restore_engine(center, round_trip(a.snapshot()), now=a.now, profile=PROFILE)
    assert result.report.gap_ms == 0
    assert result.report.result is None
    assert result.report.subscriptions == len(a._pool.subscriptions)
    b = result.engine
    for event in rest:
        assert a.feed(event) == b.feed(event)


def _entered_statistics(share: bool) -> tuple[Any, Engine, list[Any]]:
    """Two statistics of the calls entering a queue (their number, and their
    number per second: both read the same running totals), a call queued,
    and what comes next."""
    center = make_center(agents=2, queues=1)
    a = Engine(center, profile=PROFILE, now=T0)
    a._pool.share_sums = share
    a.feed(ev.LinkConnected(time=T0, link="ts1"))
    queue = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
    copy = StatType.from_definition(
        {
            "Name": "EnteredPerSecond",
            "Objects": ["Queue"],
            "Category": "TotalNumberPerSecond",
            "MainMask": "CallEntered",
        }
    )
    a.open_statistic("c", "entered", queue, "Total_Calls_Entered")
    a.open_statistic("c", "copy", queue, copy)
    a.feed(ev.Queued(time=T0 + 1000, link="ts1", dn="8000", conn_id="c1"))
    stream = [
        ev.Queued(time=T0 + 5000, link="ts1", dn="8000", conn_id="c2"),
        ev.Abandoned(time=T0 + 9000, link="ts1", dn="8000", conn_id="c1"),
        ev.Queued(time=T0 + 12_000, link="ts1", dn="8000", conn_id="c3"),
    ]
    return center, a, stream


def test_an_aggregate_two_statistics_hold_is_written_once_and_shared_again() -> None:
    """Statistics holding the same aggregate (made by hand here: one reads
    the other's, its own leaves the routing index) get one row of the
    aggregate table, and the restore shares one aggregate again."""
    center, a, stream = _entered_statistics(share=False)
    pool = a._pool
    first, second = (pool.subscriptions[("c", r)].statistic for r in ("entered", "copy"))
    own = second.main
    second.main = first.main
    for kinds in pool._by_target.values():
        for kind, entries in kinds.items():
            kinds[kind] = [e for e in entries if e.agg is not own]
    for key, entries in list(pool._open_routes.items()):
        pool._open_routes[key] = [e for e in entries if e.agg is not own]
    data = round_trip(a.snapshot())
    assert len(data["pool"]["aggregates"]["class"]) == 1
    assert data["pool"]["statistics"]["main"] == [0, 0]
    b = Engine.restore(center, data, profile=PROFILE)
    restored = [b._pool.subscriptions[("c", r)].statistic for r in ("entered", "copy")]
    assert restored[0].main is restored[1].main
    assert b.snapshot() == data
    for event in stream:
        assert a.feed(event) == b.feed(event)
    assert b.peek("c", "entered").value == 3
    assert b.peek("c", "copy") == a.peek("c", "copy")


def test_shared_sums_are_shared_again_after_a_restore() -> None:
    """With the pool sharing sums (``Pool.share_sums``), statistics reading
    the same sums before a backup read the same objects after it."""
    center, a, stream = _entered_statistics(share=True)
    first, second = (a._pool.subscriptions[("c", r)].statistic for r in ("entered", "copy"))
    assert first.main.counters is second.main.counters
    data = round_trip(a.snapshot())
    assert len(data["pool"]["shared"]["object"]) == 1
    b = Engine.restore(center, data, profile=PROFILE)
    restored = [b._pool.subscriptions[("c", r)].statistic for r in ("entered", "copy")]
    assert restored[0].main.counters is restored[1].main.counters
    assert b._pool._shared_of[restored[0].main.counters].stats == restored
    assert b.snapshot() == data
    for event in stream:
        assert a.feed(event) == b.feed(event)
    assert b.peek("c", "entered").value == 3
    assert b.peek("c", "copy") == a.peek("c", "copy")


def test_restored_objects_have_every_field() -> None:
    """The restore builds statistics, subscriptions, routing entries and
    shared sums field by field: every attrs field is set (a field added to one of these
    classes and missed here fails this test, and check_fields())."""
    center, _, a, _ = build(3, 800, 0.6, 0.0, share=True)
    b = Engine.restore(center, round_trip(a.snapshot()), profile=PROFILE)
    pool = b._pool
    entries = [e for kinds in pool._by_target.values() for lst in kinds.values() for e in lst]
    entries += [e for lst in pool._by_member.values() for e in lst]
    shared = list(pool._counters.values())
    for objects in (list(pool.stats.values()), list(pool.subscriptions.values()), entries, shared):
        assert objects
        for obj in objects:
            for field in attrs.fields(type(obj)):
                assert hasattr(obj, field.name), (type(obj).__name__, field.name)


def test_mixed_ref_ids_come_back_as_they_were() -> None:
    center = make_center(agents=2, queues=1)
    a = Engine(center, profile=PROFILE, now=T0)
    queue = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
    ids: list[Any] = ["text", 7, ("flat", 1), ("nested", ("deep", 2)), ()]
    for ref_id in ids:
        a.open_statistic("c", ref_id, queue, "Total_Calls_Entered")
    data = round_trip(a.snapshot())
    b = Engine.restore(center, data, profile=PROFILE)
    assert sorted(map(repr, b._pool.subscriptions)) == sorted(map(repr, a._pool.subscriptions))
    assert b.snapshot() == data


def test_columns_of_one_repeated_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column whose values are all the same atom is written once, as
    ``{"repeat": value, "n": count}`` (large pools only: lowered here), read
    back as the column, and checked like one."""
    monkeypatch.setattr(snap, "_MIN_REPEAT", 2)
    center, rest, a, _ = build(5, 900, 0.5, 0.0, share=True)
    data = round_trip(a.snapshot())
    repeated = [
        f"{name}.{column}"
        for name, table in data["pool"].items()
        if isinstance(table, dict)
        for column, values in table.items()
        if isinstance(values, dict) and "repeat" in values
    ]
    assert "statistics.valid" in repeated or "statistics.opened" in repeated, repeated
    b = Engine.restore(center, data, profile=PROFILE)
    assert b.snapshot() == data
    same_state(a, b)
    for event in rest[:300]:
        assert a.feed(event) == b.feed(event)
    column = repeated[0].split(".")
    data["pool"][column[0]][column[1]]["repeat"] = [1]
    with pytest.raises(
        SnapshotError, match=rf"^pool\.{column[0]}\.{column[1]}: TypeError: expected a"
    ):
        Engine.restore(center, data, profile=PROFILE)


def test_tuple_ref_ids_come_back_as_tuples() -> None:
    center = make_center(agents=2, queues=1)
    a = Engine(center, profile=PROFILE, now=T0)
    queue = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
    a.open_statistic("c", ("q", 1, ("deep", 2)), queue, "Total_Calls_Entered")
    b = Engine.restore(center, round_trip(a.snapshot()), profile=PROFILE)
    assert b.peek("c", ("q", 1, ("deep", 2))).ref_id == ("q", 1, ("deep", 2))


def test_ref_ids_must_be_plain() -> None:
    a = Engine(make_center(agents=2, queues=1), profile=PROFILE, now=T0)
    queue = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
    a.open_statistic("c", frozenset({1}), queue, "Total_Calls_Entered")
    with pytest.raises(SnapshotError, match=r"ref id .* must be str or int, or tuples of them"):
        a.snapshot()


def test_an_engine_that_never_started() -> None:
    center = make_center(agents=2, queues=1)
    data = round_trip(Engine(center).snapshot())
    assert data["clock"] is None
    b = Engine.restore(center, data)
    assert b.now is None
    b.feed(ev.LinkConnected(time=T0, link="ts1"))
    assert b.now == T0
    assert Engine.restore(center, data, now=T0 + 5).now == T0 + 5


def test_events_queued_by_a_refused_strict_event_are_kept() -> None:
    """A stuck call cleaned just before a refused event is returned by the
    next call, restored or not."""
    center = make_center(agents=2, queues=1)
    settings_ = EngineSettings.from_config({"stuck_limits": {"CallWait": 60}})
    a = Engine(center, now=T0, settings=settings_)
    a.feed(ev.LinkConnected(time=T0, link="ts1"))
    a.feed(ev.Queued(time=T0 + 1000, link="ts1", dn="8000", conn_id="c1"))
    with pytest.raises(Exception, match="refused"):
        a.feed(ev.Released(time=T0 + 120_000, link="ts1", dn="8000", conn_id="nope"))
    data = round_trip(a.snapshot())
    assert "pending" in data
    b = Engine.restore(center, data, settings=settings_)
    x, y = a.advance(T0 + 121_000), b.advance(T0 + 121_000)
    assert x == y
    assert [act.kind for act in x.actions if act.end is not None and act.start != act.end][-1] is (
        ActionKind.StuckCallCleaned
    )


# --------------------------------------------------------------------------
# Restore after a gap
# --------------------------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    events=st.integers(100, 1500),
    cut=st.floats(0.1, 0.95),
    gap=st.sampled_from(
        [1, MINUTE, 14 * MINUTE, 3_600_000, 26 * 3_600_000, 3 * DAY - 5000, 3 * DAY + 5000, 5 * DAY]
    ),
    share=st.booleans(),
)
def test_a_gap_is_a_link_loss_at_the_snapshot_time(
    seed: int, events: int, cut: float, gap: int, share: bool
) -> None:
    """Restoring at ``now`` after a gap gives what an engine that kept running
    would show if every link had been lost at the snapshot time: durable
    actions end then, Growing statistics reset at the instants the gap held
    (history from the last one), Sliding windows age, Selection and SinceLogin
    keep their items, statistics unrequested for three days are dropped."""
    center, _, a, _ = build(seed, events, cut, 0.0, share)
    clock = a.now
    assert clock is not None
    restored = snap.restore_engine(
        center, round_trip(a.snapshot()), now=clock + gap, profile=PROFILE, keep_subscriptions=True
    )
    b = restored.engine
    up = [name for name, is_up in a.model.link_up.items() if is_up]
    assert restored.report.links_lost == tuple(up)
    for link in up:
        a.feed(ev.LinkDisconnected(time=clock, link=link))
    a.advance(clock + gap)
    assert b.now == a.now == clock + gap
    assert set(a._pool.subscriptions) == set(b._pool.subscriptions)
    # the restored engine was fed no LinkDisconnected: the loss is its restart
    same_state(a, b, extra_fed=len(up))
    later = clock + gap + 10
    for link in center.links:
        x = a.feed(ev.LinkConnected(time=later, link=link.name))
        y = b.feed(ev.LinkConnected(time=later, link=link.name))
        assert (x.actions, x.status_changes) == (y.actions, y.status_changes)
        assert sorted(map(repr, x.notifications)) == sorted(map(repr, y.notifications))
    x, y = a.advance(later + 3_600_000), b.advance(later + 3_600_000)
    assert sorted(map(repr, x.notifications)) == sorted(map(repr, y.notifications))
    same_state(a, b, extra_fed=len(up))


def _small(share: bool | None = None) -> tuple[Any, Engine, int]:
    """A center where one call waits, is answered and talks; the clock ends at
    08:07 (CollectorDefault resets on quarter hours, Default at midnight)."""
    center = make_center(agents=2, queues=1)
    e = Engine(center, profile=PROFILE, now=T0)
    if share is not None:
        e._pool.share_sums = share
    t = T0
    for event in [
        ev.LinkConnected(time=t, link="ts1"),
        ev.AgentLogin(time=t + 1000, link="ts1", dn="5000", agent_id="7000"),
        ev.AgentReady(time=t + 2000, link="ts1", dn="5000"),
    ]:
        e.feed(event)
    q = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
    agent = ObjectRef("T1", ObjectType.Agent, "A0")
    e.open_statistic("c", "entered-15", q, "Total_Calls_Entered", profile="CollectorDefault")
    e.open_statistic(
        "c",
        "entered-15-reset",
        q,
        "Total_Calls_Entered",
        profile="CollectorDefault",
        notification=NotificationSettings(mode=NotifyMode.RESET),
    )
    e.open_statistic("c", "entered-day", q, "Total_Calls_Entered")
    e.open_statistic("c", "waiting", q, "Current_In_Queue")
    e.open_statistic("c", "ready-time", agent, "Total_Ready_Time")
    e.open_statistic("gone", "entered", q, "Total_Calls_Entered", profile="Q5")
    for event in [
        ev.Queued(time=t + 60_000, link="ts1", dn="8000", conn_id="c1"),
        ev.Queued(time=t + 70_000, link="ts1", dn="8000", conn_id="c2"),
        ev.Diverted(time=t + 90_000, link="ts1", dn="8000", conn_id="c1", other_dn="5000"),
        ev.Ringing(time=t + 90_000, link="ts1", dn="5000", conn_id="c1", this_queue="8000"),
        ev.Established(time=t + 95_000, link="ts1", dn="5000", conn_id="c1"),
    ]:
        e.feed(event)
    e.advance(t + 6 * MINUTE)
    e.close_statistic("gone", "entered")
    e.advance(t + 7 * MINUTE)
    return center, e, t + 7 * MINUTE


def _value(e: Engine, ref_id: str, subscriber: str = "c") -> Any:
    return e.peek(subscriber, ref_id).value


def test_gap_within_the_interval_reuses_the_values() -> None:
    center, a, clock = _small()
    assert _value(a, "entered-15") == 2
    r = snap.restore_engine(
        center,
        round_trip(a.snapshot()),
        now=clock + 5 * MINUTE,
        profile=PROFILE,
        keep_subscriptions=True,
    )
    b = r.engine
    assert r.report.gap_ms == 5 * MINUTE
    assert _value(b, "entered-15") == 2
    assert _value(b, "entered-day") == 2
    # the call waiting and the agent's ready time ended with the links, at the snapshot time
    assert _value(b, "waiting") == 0
    assert _value(b, "ready-time") == _value(a, "ready-time") == 88.0  # nothing in the gap
    assert r.report.statistics_reset == 1  # only the unsubscribed 5-minute one (08:10)
    gap = r.report.result
    assert gap is not None
    assert {x.end for x in gap.actions if x.end is not None and x.start != x.end} == {clock}


def test_gap_past_a_reset_restarts_the_history_at_the_last_reset() -> None:
    center, a, clock = _small()
    now = clock + 40 * MINUTE  # 08:47: resets at 08:15, 08:30, 08:45 in the gap
    r = snap.restore_engine(
        center, round_trip(a.snapshot()), now=now, profile=PROFILE, keep_subscriptions=True
    )
    b = r.engine
    assert _value(b, "entered-15") == 0  # the 08:45 interval saw nothing
    assert _value(b, "entered-day") == 2  # the day goes on
    assert b._pool.subscriptions[("c", "entered-15")].statistic.main.interval_start == (
        T0 + 45 * MINUTE
    )
    assert r.report.statistics_reset >= 2
    # the reset-based subscriber still gets the final value of 08:00-08:15
    assert r.report.result is not None
    resets = [n for n in r.report.result.notifications if n.reason is Reason.RESET]
    assert [(n.ref_id, n.value, n.time) for n in resets] == [
        ("entered-15-reset", 2, T0 + 15 * MINUTE)
    ]
    # and the schedule goes on from there
    x = b.advance(T0 + 60 * MINUTE)
    assert [(n.ref_id, n.time) for n in x.notifications if n.reason is Reason.RESET] == [
        ("entered-15-reset", T0 + 60 * MINUTE)
    ]


def test_statistics_unrequested_for_three_days_are_dropped() -> None:
    center, a, clock = _small()
    data = round_trip(a.snapshot())
    # "gone" was closed at 08:06: it expires three days after that
    b = Engine.restore(center, data, now=T0 + 6 * MINUTE + 3 * DAY, profile=PROFILE)
    assert b.pool_statistics().statistics == a.pool_statistics().statistics
    r = snap.restore_engine(center, data, now=T0 + 6 * MINUTE + 3 * DAY + 1, profile=PROFILE)
    assert r.report.statistics_dropped == 1
    assert r.engine.pool_statistics().expired == 1
    # subscriptions do not survive a restart, but count as requested until
    # the snapshot: their statistics stay three days after it
    assert r.report.subscriptions == 0
    assert r.report.subscriptions_dropped == 5
    assert r.engine.pool_statistics().statistics == a.pool_statistics().statistics - 1
    late = snap.restore_engine(center, data, now=clock + 3 * DAY + 1, profile=PROFILE)
    assert late.engine.pool_statistics().statistics == 0
    assert late.report.statistics_dropped == a.pool_statistics().statistics


def test_after_a_restart_clients_reopen_and_find_their_statistics() -> None:
    center, a, clock = _small()
    b = Engine.restore(center, round_trip(a.snapshot()), now=clock + MINUTE, profile=PROFILE)
    assert b.pool_statistics().subscriptions == 0
    q = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
    opened = b.open_statistic(
        "c", "entered-15", q, "Total_Calls_Entered", profile="CollectorDefault"
    )
    assert opened.value == 2  # the persistent statistic kept its value
    assert b.pool_statistics().statistics == a.pool_statistics().statistics


def test_links_are_lost_at_the_snapshot_time_and_resync() -> None:
    center, a, clock = _small()
    b = Engine.restore(center, round_trip(a.snapshot()), now=clock + MINUTE, profile=PROFILE)
    dn = ObjectRef("T1", ObjectType.RegDN, "5000@SW1")
    agent = ObjectRef("T1", ObjectType.Agent, "A0")
    assert b.status(dn).status is Status.NotMonitored
    assert b.status(agent).status is Status.NotMonitored  # associated, not LoggedOut
    assert b.model.calls == {}
    t = clock + 2 * MINUTE
    b.feed(ev.LinkConnected(time=t, link="ts1"))
    b.feed(
        ev.Registered(
            time=t,
            link="ts1",
            dn="5000",
            agent_id="7000",
            agent_state=ev.AgentState.Ready,
            dn_idle=True,
        )
    )
    assert b.status(agent).status is Status.WaitForNextCall
    assert b.status(agent).since == t


def _changed_profile(**changes: str) -> StatisticsProfile:
    sections = json.loads(json.dumps(_SECTIONS))
    for name, mask in changes.items():
        sections["stattypes"][name]["MainMask"] = mask
    sections["time_profiles"]["CollectorDefault,Growing"] = "0:00+0:30"
    return StatisticsProfile.from_sections(sections)


def test_a_changed_definition_restarts_the_statistic() -> None:
    center, a, clock = _small()
    data = round_trip(a.snapshot())
    # Total_Calls_Entered now counts distributed calls; CollectorDefault is half-hourly
    changed = _changed_profile(Total_Calls_Entered="CallDistributed")
    r = snap.restore_engine(center, data, profile=changed, keep_subscriptions=True)
    b = r.engine
    # the CollectorDefault one (shared by entered-15 and entered-15-reset),
    # entered-day, and the unsubscribed Q5 one
    assert r.report.statistics_restarted == 3
    assert r.report.statistics_dropped == 1  # the unsubscribed one is dropped
    for ref_id in ("entered-15", "entered-15-reset", "entered-day"):
        sub = b._pool.subscriptions[("c", ref_id)]
        assert sub.statistic.opened == clock
        assert _value(b, ref_id) == 0  # from zero, on the new definition
        assert sub.statistic.stat_type is changed.stat_types["Total_Calls_Entered"]
    assert _value(b, "waiting") == 1  # unchanged: restored as it was
    assert r.report.result is not None  # the reopened subscriptions' values
    assert {n.ref_id for n in r.report.result.notifications} == {
        "entered-15",
        "entered-15-reset",
        "entered-day",
    }
    # a changed profile alone restarts too
    r2 = snap.restore_engine(center, data, profile=_changed_profile(), keep_subscriptions=True)
    assert r2.report.statistics_restarted == 1  # the CollectorDefault one


def test_a_definition_no_longer_configured_is_kept_as_saved() -> None:
    center, a, _ = _small()
    sections = json.loads(json.dumps(_SECTIONS))
    del sections["stattypes"]["Total_Calls_Entered"]
    del sections["time_profiles"]["Q5,Growing"]
    r = snap.restore_engine(
        center,
        round_trip(a.snapshot()),
        profile=StatisticsProfile.from_sections(sections),
    )
    assert r.report.statistics_restarted == 0
    assert any("Total_Calls_Entered" in w for w in r.report.warnings)
    assert any("'Q5'" in w for w in r.report.warnings)
    assert _value(r.engine, "entered-15") == 2


# --------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------


def _data(share: bool = False) -> tuple[Any, dict[str, Any]]:
    center, a, _ = _small(share)
    return center, round_trip(a.snapshot())


def test_a_newer_snapshot_version_is_refused() -> None:
    center, data = _data()
    data["version"] = 3
    with pytest.raises(SnapshotError, match=r"snapshot version 3 is newer .* \(up to version 2\)"):
        Engine.restore(center, data)


def _agg_column(d: dict[str, Any], name: str) -> list[Any]:
    """A column of the first aggregate table of a version 2 snapshot."""
    aggregates = d["pool"]["aggregates"]
    column: list[Any] = aggregates[aggregates["classes"][0]][name]
    return column


def _duplicate_subscription(d: dict[str, Any]) -> None:
    for column in d["pool"]["subscriptions"].values():
        column.append(column[0])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="something-else"), r"format: not a statengine snapshot"),
        (lambda d: d.pop("model"), r"missing key or unknown name 'model'"),
        (lambda d: d["refs"].append(["T1", "Nope", "x"]), r"^refs\[\d+\]: missing key or unknown"),
        (
            lambda d: d["model"]["dns"][3].update(id="99@SW9"),
            r"^model\.dns\[3\]: DN '99@SW9' is not in the configuration",
        ),
        (
            lambda d: d["model"]["dns"][3].update(since="soon"),
            r"^model\.dns\[3\]: TypeError: expected an integer, found 'soon'",
        ),
        (
            lambda d: d["pool"]["statistics"]["object"].__setitem__(2, 10**6),
            r"^pool\.statistics\.object\[2\]: index out of range \(row number 1000000 is not",
        ),
        (
            lambda d: _agg_column(d, "n").__setitem__(1, "x"),
            r"^pool\.aggregates\.\w+\.n\[1\]: TypeError: expected an integer, found 'x'",
        ),
        (
            lambda d: _agg_column(d, "dmax").__setitem__(0, 1.5),
            r"^pool\.aggregates\.\w+\.dmax\[0\]: TypeError: expected an integer or null",
        ),
        (
            lambda d: d["pool"]["statistics"]["opened"].pop(),
            r"^pool\.statistics\.opened: ValueError: expected 5 values, found 4",
        ),
        (
            lambda d: d["pool"]["statistics"].pop("valid"),
            r"^pool\.statistics\.valid: missing key or unknown name 'valid'",
        ),
        (
            lambda d: d["pool"]["statistics"]["valid"].__setitem__(3, 1),
            r"^pool\.statistics\.valid\[3\]: TypeError: expected true or false, found 1",
        ),
        (
            lambda d: d["pool"]["aggregates"]["classes"].__setitem__(0, "nope"),
            r"^pool\.aggregates\.classes\[0\]: missing key or unknown name 'nope'",
        ),
        (
            lambda d: _agg_column(d, "open_n").__setitem__(0, _agg_column(d, "open_n")[0] + 1),
            r"^pool\.aggregates\.action\.open_device: ValueError: expected 2 values, found 1",
        ),
        (
            lambda d: _agg_column(d, "open_n").__setitem__(0, -1),
            r"^pool\.aggregates\.\w+\.open_n\[0\]: ValueError: expected a count, found -1",
        ),
        (
            lambda d: d["pool"]["by_target"]["kind"].__setitem__(0, "Nope"),
            r"^pool\.by_target\.kind\[0\]: missing key or unknown name 'Nope'",
        ),
        (
            lambda d: d["pool"]["by_target"]["entries"].__setitem__(0, 99),
            r"^pool\.by_target\.entries\[0\]: index out of range \(row number 99 is not",
        ),
        (
            lambda d: d["pool"]["entries"]["stat"].__setitem__(0, None),
            r"^pool\.entries\.stat\[0\]: TypeError: expected an integer, found None",
        ),
        (
            lambda d: d["pool"]["subscriptions"]["ref_id"].__setitem__(0, {"a": 1}),
            r"^pool\.subscriptions\.ref_id\[0\]: TypeError: expected an integer, found \{",
        ),
        (
            lambda d: d["pool"]["resets"].append(-1),
            r"^pool\.resets: index out of range",
        ),
        (
            lambda d: d["model"]["deadlines"]["time"].append(0),
            r"^model\.deadlines\.device: ValueError: expected \d+ values, found",
        ),
        (_duplicate_subscription, r"^pool\.subscriptions: a subscription .* is saved twice"),
    ],
)
def test_bad_data_is_refused_naming_the_path(mutate: Any, message: str) -> None:
    center, data = _data()
    mutate(data)
    with pytest.raises(SnapshotError, match=message):
        Engine.restore(center, data, profile=PROFILE)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["pool"]["shared"]["counters"].__setitem__(0, 99),
            r"^pool\.shared\.counters\[0\]: index out of range",
        ),
        (
            lambda d: d["pool"]["shared"]["stats"].__setitem__(0, 99),
            r"^pool\.shared\.stats\[0\]: index out of range",
        ),
        (
            lambda d: d["pool"]["counters"]["member_status"].__setitem__(0, "Nope"),
            r"^pool\.counters\.member_status\[0\]: missing key or unknown name 'Nope'",
        ),
        (
            lambda d: d["pool"]["action_sums"]["sum_n"].__setitem__(0, None),
            r"^pool\.action_sums\.sum_n\[0\]: TypeError: expected an integer, found None",
        ),
        (
            lambda d: d["pool"]["aggregates"]["mask-view"]["counters"].__setitem__(0, 99),
            r"^pool\.aggregates\.mask-view\.counters\[0\]: index out of range",
        ),
        (
            lambda d: d["pool"]["member_counters"]["shared"].__setitem__(0, 99),
            r"^pool\.member_counters\.shared\[0\]: index out of range",
        ),
    ],
)
def test_bad_shared_sums_are_refused_naming_the_path(mutate: Any, message: str) -> None:
    center, data = _data(share=True)
    assert data["pool"]["shared"]["object"]  # per-status and per-kind sums
    assert data["pool"]["action_sums"]["opened"]
    assert data["pool"]["counters"]["opened"]
    mutate(data)
    with pytest.raises(SnapshotError, match=message):
        Engine.restore(center, data, profile=PROFILE)


def test_restoring_before_the_snapshot_clock_is_refused() -> None:
    center, data = _data()
    with pytest.raises(SnapshotError, match="clock never goes back"):
        Engine.restore(center, data, now=data["clock"] - 1)


def test_a_config_without_the_snapshots_objects_is_refused() -> None:
    _, data = _data()
    with pytest.raises(SnapshotError, match=r"model\.links\.ixn2: link 'ixn2' is not in"):
        Engine.restore(make_center(agents=2, queues=1, ixn_links=1), data)


def test_a_config_with_more_objects_restores() -> None:
    _, a, _ = _small()
    bigger = make_center(agents=4, queues=1)
    b = Engine.restore(bigger, round_trip(a.snapshot()), profile=PROFILE)
    assert _value(b, "entered-15") == 2
    assert b.status(ObjectRef("T1", ObjectType.Agent, "A3")).status is Status.LoggedOut


# --------------------------------------------------------------------------
# Guards: the snapshot knows every field of the state it saves
# --------------------------------------------------------------------------


def test_the_snapshot_knows_every_field_it_saves() -> None:
    """A field added to the model, the pool or an aggregate makes snapshots
    refuse to run until snapshot.py saves it (and lists it)."""
    snap.check_fields()
    for cls in (ActionAggregate, StatusAggregate):
        assert snap._slots(cls) <= snap._known_slots(cls)


def test_an_unknown_field_stops_the_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    known = dict(snap._KNOWN_FIELDS)
    known[Call] = known[Call] - {"ani"}
    monkeypatch.setattr(snap, "_KNOWN_FIELDS", known)
    monkeypatch.setattr(snap, "_checked", False)
    engine = Engine(make_center(agents=2, queues=1), now=T0)
    with pytest.raises(InternalError, match=r"Call fields changed \(new: \['ani'\]"):
        engine.snapshot()


def test_restore_report_for_the_cli() -> None:
    center, a, clock = _small()
    r = snap.restore_engine(center, round_trip(a.snapshot()), now=clock + DAY, profile=PROFILE)
    rep = r.report
    assert (rep.snapshot_time, rep.restored_at, rep.gap_ms) == (clock, clock + DAY, DAY)
    assert rep.links_lost == ("ts1",)  # the only link _small() connects
    assert rep.statistics == a.pool_statistics().statistics
    assert isinstance(rep.result, FeedResult)
    summary = snap.summarize(a.snapshot())
    assert summary["statistics"] == a.pool_statistics().statistics
    assert summary["subscriptions"] == 5
    assert summary["agents_logged_in"] == 1
