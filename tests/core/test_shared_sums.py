"""Shared sums (``Pool.share_sums``: per status, per action kind) give
exactly the values and notifications of one aggregate per statistic."""

from __future__ import annotations

import itertools
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from statengine import Engine, ObjectType
from statengine.config import _library
from statengine.core.actions import Action, ActionKind
from statengine.core.aggregates import (
    ActionAggregate,
    ActionSums,
    ActionView,
    MaskView,
    StatusAggregate,
    StatusCounters,
)
from statengine.core.categories import ACTION_SUMMED, SUMMED
from statengine.core.engine import StatisticsProfile
from statengine.core.notify import NotificationSettings, NotifyMode
from statengine.core.stattypes import Mask, Subject
from statengine.core.status import Status
from statengine.testing import StreamProfile, generate_stream, make_center

_AGENT_SCOPES = ["Agent", "Place", "GroupAgents", "GroupPlaces"]
_WORK = "*,~LoggedOut,~NotMonitored"
#: summed categories the library does not use, on every status subject
EXTRA: dict[str, dict[str, Any]] = {
    "X_Ready_Pct": {
        "Category": "RelativeTimePercentage",
        "Subject": "AgentStatus",
        "MainMask": "WaitForNextCall",
        "RelMask": _WORK,
    },
    "X_Busy_Now_Pct": {
        "Category": "CurrentRelativeNumberPercentage",
        "Subject": "AgentStatus",
        "MainMask": "CallInbound,CallOutbound,CallInternal,CallConsult",
        "RelMask": _WORK,
    },
    "X_Talk_Busy_Pct": {
        "Category": "CurrentRelativeTimePercentage",
        "Subject": "AgentStatus",
        "MainMask": "CallInbound",
        "RelMask": "CallInbound,AfterCallWork,NotReadyForNextCall",
    },
    "X_Calls_Per_Hour": {
        "Category": "AverageNumberPerRelativeHour",
        "Subject": "AgentStatus",
        "MainMask": "CallInbound",
        "RelMask": _WORK,
    },
    "X_Ready_Number": {
        "Category": "TotalNumber",
        "Subject": "AgentStatus",
        "MainMask": "WaitForNextCall",
    },
    "X_Ready_Adj": {
        "Category": "TotalAdjustedTime",
        "Subject": "AgentStatus",
        "MainMask": "WaitForNextCall",
    },
    "X_Work_Adj_N": {
        "Category": "TotalAdjustedNumber",
        "Subject": "AgentStatus",
        "MainMask": _WORK,
    },
    "X_NR_Avg": {
        "Category": "AverageTime",
        "Subject": "AgentStatus",
        "MainMask": "NotReadyForNextCall",
    },
    "X_Talk_Avg_Now": {
        "Category": "CurrentAverageTime",
        "Subject": "AgentStatus",
        "MainMask": "CallInbound,CallOutbound",
    },
    "X_Ready_Elapsed": {
        "Category": "ElapsedTimePercentage",
        "Subject": "AgentStatus",
        "MainMask": "WaitForNextCall",
    },
    "X_Rings_Per_S": {
        "Category": "TotalNumberPerSecond",
        "Subject": "AgentStatus",
        "MainMask": "CallRinging",
    },
    "X_Place_Talk": {
        "Category": "TotalNumber",
        "Subject": "PlaceStatus",
        "MainMask": "CallInbound,CallOutbound,CallInternal",
        "Objects": ["Place", "GroupPlaces"],
    },
    "X_Abandon_Pct": {
        "Category": "RelativeNumberPercentage",
        "MainMask": "CallAbandoned",
        "RelMask": "CallEntered",
        "Objects": ["Queue", "GroupQueues", "RoutePoint"],
    },
    "X_Wait_Now": {
        "Category": "CurrentTime",
        "MainMask": "CallWait",
        "Objects": ["Queue", "GroupQueues", "RoutePoint"],
    },
    "X_Wait_Avg_Now": {
        "Category": "CurrentAverageTime",
        "MainMask": "CallWait",
        "Objects": ["Queue", "GroupQueues"],
    },
    "X_Min_Talk": {
        "Category": "MinTime",
        "MainMask": "CallInboundCompleted,CallOutboundCompleted,CallInternalCompleted",
    },
    "X_Talk_Total": {"Category": "TotalTime", "MainMask": "CallInbound,CallOutbound"},
    "X_Talk_Per_Hour": {
        "Category": "AverageNumberPerRelativeHour",
        "MainMask": "CallInboundCompleted",
        "RelMask": "AgentLogin",
    },
    "X_Chats": {"Category": "TotalNumber", "MainMask": "Handling", "MediaType": "chat"},
    "X_DN_Busy": {
        "Category": "TotalTime",
        "Subject": "DNStatus",
        "MainMask": "CallInbound,CallOutbound,CallInternal,CallOnHold",
        "Objects": ["RegDN", "Place", "GroupPlaces"],
    },
}


def _profile() -> StatisticsProfile:
    sections = _library()
    for name, spec in EXTRA.items():
        sections["stattypes"][name] = {"Objects": _AGENT_SCOPES, **spec}
    sections["time_profiles"]["Short,Growing"] = "0:00+0:05"
    sections["filters"] = {"Chat": 'MediaType = "chat"', "Not8000": 'ThisQueue != "8000"'}
    return StatisticsProfile.from_sections(sections)


def _summed(profile: StatisticsProfile) -> list[Any]:
    return [
        t
        for t in profile.stat_types.values()
        if t.category in (SUMMED if t.subject is not Subject.DNAction else ACTION_SUMMED)
    ]


def _open_batch(engines: list[Engine], batch: int, rnd: random.Random, types: list[Any]) -> None:
    """Open the same random statistics on both engines."""
    objects = [ref for ot in ObjectType for ref in engines[0].objects(ot)]
    for i in range(60):
        stat_type = rnd.choice(types)
        ref = rnd.choice([o for o in objects if o.type in stat_type.objects])
        mode = rnd.choice([NotifyMode.CHANGES, NotifyMode.NONE, NotifyMode.RESET])
        prof = rnd.choice(["Default", "CollectorDefault", "Short"])
        flt = rnd.choice([None, None, "Chat", "Not8000"])
        if stat_type.subject is not Subject.DNAction:
            flt = None  # filtered status statistics keep their own aggregates
        for engine in engines:
            engine.open_statistic(
                "t",
                (batch, i),
                ref,
                stat_type.name,
                profile=prof,
                filter=flt,
                notification=NotificationSettings(mode=mode),
            )


def _sorted(notifications: Any) -> list[Any]:
    return sorted(notifications, key=lambda n: (n.ref_id, n.reason.value))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), agents=st.integers(2, 6), queues=st.integers(1, 2))
def test_shared_sums_equal_one_aggregate_per_statistic(seed: int, agents: int, queues: int) -> None:
    center = make_center(agents=agents, queues=queues, group_size=3)
    profile = _profile()
    types = _summed(profile)
    rnd = random.Random(seed)
    stream = list(
        generate_stream(
            center,
            seed=seed,
            events=3000,
            profile=StreamProfile(shift=1200.0, off_shift=300.0, outages_per_hour=2.0),
        )
    )
    own = Engine(center, now=stream[0].time, profile=profile)
    shared = Engine(center, now=stream[0].time, profile=profile)
    shared._pool.share_sums = True
    engines = [own, shared]
    _open_batch(engines, 0, rnd, types)
    cuts = sorted(rnd.sample(range(1, len(stream)), 3))
    for n, event in enumerate(stream):
        if n == cuts[0]:
            _open_batch(engines, 1, rnd, types)  # later: other sums, some shared with batch 0
        if n == cuts[1]:
            for i in rnd.sample(range(60), 30):
                for engine in engines:
                    engine.close_statistic("t", (0, i))
        if n == cuts[2]:
            _open_batch(engines, 2, rnd, types)
        a, b = own.feed(event), shared.feed(event)
        # the same notifications; their order within one event may differ
        assert _sorted(a.notifications) == _sorted(b.notifications), f"event {n}: {event}"
    for kind in (MaskView, ActionView):
        views = [s.main for s in shared._pool.stats.values() if type(s.main) is kind]
        assert views, f"no statistic read shared sums through {kind.__name__}"
        assert len({id(v.counters) for v in views}) < len(views), "nothing was shared"
    for batch, i in [(b, i) for b in range(3) for i in range(60)]:
        if ("t", (batch, i)) in own._pool.subscriptions:
            assert own.peek("t", (batch, i)).value == shared.peek("t", (batch, i)).value


# -- the sums against StatusAggregate, operation by operation -----------------------

_STATUSES = [Status.WaitForNextCall, Status.CallInbound, Status.AfterCallWork, Status.LoggedOut]
_MASKS = [
    Mask(text="", subject=Subject.AgentStatus, statuses=frozenset(combo))
    for r in (1, 2, 3)
    for combo in itertools.combinations(_STATUSES, r)
]
_op = st.tuples(
    st.sampled_from(["change", "track", "untrack", "reset"]),
    st.integers(0, 2),  # member
    st.sampled_from(_STATUSES),
    st.integers(0, 3),  # time step: 0 makes instants coincide
)


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(_op, max_size=40))
def test_status_counters_read_like_a_status_aggregate_per_mask(ops: list[Any]) -> None:
    """Same-instant closes, resets at a segment's start, re-tracking: every
    read of every mask equals a StatusAggregate of that mask."""
    t = 100
    counters = StatusCounters(t)
    aggs = [StatusAggregate(mask, t) for mask in _MASKS]
    views = [MaskView(counters, mask) for mask in _MASKS]
    status: dict[int, Status] = {}
    since: dict[int, int] = {}
    for kind, member, new, step in ops:
        t += step
        if kind == "reset":
            counters.reset(t)
            for agg in aggs:
                agg.reset(t)
        elif kind == "track" and member not in status:
            status[member], since[member] = new, t - 5
            counters.track(member, new, t - 5, t)
            for agg in aggs:
                agg.track(member, new, t - 5, t)
        elif kind == "untrack" and member in status:
            del status[member]
            counters.untrack(member, t)
            for agg in aggs:
                agg.untrack(member, t)
        elif kind == "change" and member in status and status[member] is not new:
            old, status[member] = status[member], new
            counters.change(member, old, new, t)
            for agg in aggs:
                agg.change(member, old, new, t)
        now = t + 7
        for agg, view in zip(aggs, views, strict=True):
            assert (view.n, view.adj_n, view.adj_t) == (agg.n, agg.adj_n, agg.adj_t)
            assert view.number() == len(agg.open)
            assert view.total_time(now) == agg.total_time(now)
            assert view.current_time(now) == agg.current_time(now)
            assert view.interval_start == agg.interval_start


def test_statistics_opened_at_one_instant_share_only_without_an_event_between() -> None:
    """A statistic opened after an event at the same clock time did not see
    that event: it must not share the sums of one opened before it."""
    center = make_center(agents=2, queues=1)
    profile = _profile()
    stream = list(generate_stream(center, seed=3, events=400))
    probe = Engine(center, now=stream[0].time)
    agent = probe.objects(ObjectType.Agent)[0]
    changes = [
        k
        for k, event in enumerate(stream)
        if any(c.ref == agent for c in probe.feed(event).status_changes)
    ]
    k = changes[3]
    own = Engine(center, now=stream[0].time, profile=profile)
    shared = Engine(center, now=stream[0].time, profile=profile)
    shared._pool.share_sums = True
    for engine in (own, shared):
        engine.feed_many(stream[:k])
        engine.advance(stream[k].time)
        engine.open_statistic("t", "before", agent, "X_Ready_Number")
        engine.feed(stream[k])  # at the same clock time
        # other stat types (the same one would be the same statistic)
        engine.open_statistic("t", "after", agent, "X_Work_Adj_N")
        engine.open_statistic("t", "after-n", agent, "Total_Login_Time")
    views = {s.main.counters for s in shared._pool.stats.values() if type(s.main) is MaskView}
    assert len(views) == 2  # "before" has its own; the two "after" share theirs
    for event in stream[k + 1 :]:
        own.feed(event), shared.feed(event)
        for ref_id in ("before", "after", "after-n"):
            assert own.peek("t", ref_id).value == shared.peek("t", ref_id).value


_KINDS = [ActionKind.CallWait, ActionKind.CallInbound, ActionKind.CallAnswered]  # + momentary
_ACTION_MASKS = [
    Mask(text="", subject=Subject.DNAction, actions=frozenset(combo))
    for r in (1, 2, 3)
    for combo in itertools.combinations([*_KINDS, ActionKind.AgentReady], r)
]
_action_op = st.tuples(
    st.sampled_from(["start", "end", "instant", "reset"]),
    st.integers(0, 3),  # item
    st.sampled_from(_KINDS),
    st.integers(0, 3),
    st.integers(0, 30),  # duration of an instant item
)


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(_action_op, max_size=40), momentary=st.booleans())
def test_action_sums_read_like_an_action_aggregate_per_mask(
    ops: list[Any], momentary: bool
) -> None:
    t = 100
    sums = ActionSums(t)
    aggs = [ActionAggregate(t) for _ in _ACTION_MASKS]
    views = [ActionView(sums, mask) for mask in _ACTION_MASKS]
    started: dict[tuple[Any, ...], int] = {}
    for kind_of_op, item, kind, step, length in ops:
        t += step
        key = ("dev", kind, str(item))
        wanted = [m.actions.__contains__(kind) for m in _ACTION_MASKS]
        if kind_of_op == "reset":
            sums.reset(t)
            for agg in aggs:
                agg.reset(t)
        elif kind_of_op == "start" and key not in started:
            started[key] = t
            sums.start(key, t)
            for agg, ok in zip(aggs, wanted, strict=True):
                if ok:
                    agg.start(key, t)
        elif kind_of_op == "end" and key in started:
            start = started.pop(key)
            sums.end(key, start, t)
            for agg in aggs:
                agg.end(key, start, t)
        elif kind_of_op == "instant":
            instant_kind = ActionKind.AgentReady if momentary else kind
            action = Action(kind=instant_kind, device=None, start=t - length, end=t)  # type: ignore[arg-type]
            sums.instant(action)
            for agg, mask in zip(aggs, _ACTION_MASKS, strict=True):
                if instant_kind in mask.actions:
                    agg.instant(action)
        now = t + 7
        for agg, view in zip(aggs, views, strict=True):
            got = (view.n, view.adj_n, view.t_clip, view.adj_t, view.done_n, view.dmax, view.dmin)
            assert got == (agg.n, agg.adj_n, agg.t_clip, agg.adj_t, agg.done_n, agg.dmax, agg.dmin)
            assert view.number() == len(agg.open)
            assert view.current_time(now) == agg.current_time(now)
