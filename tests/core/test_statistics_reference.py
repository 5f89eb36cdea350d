"""Incremental statistics equal a recomputation from the raw events.

For random generated streams, random stat types (category, subject, masks,
media), random objects, open times and reset steps, the engine's value —
peeked at several points — equals :func:`tests.reference.reference_value`
computed from scratch from the log of every ``FeedResult``.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from statengine import Engine, ObjectRef, ObjectType
from statengine.core.actions import ActionKind
from statengine.core.engine import StatisticsProfile
from statengine.core.filters import load_filters
from statengine.core.notify import NotificationSettings, NotifyMode
from statengine.core.profiles import load_time_profiles
from statengine.core.stattypes import (
    CATEGORY_SUBJECTS,
    REL_MASK_CATEGORIES,
    RELATIVE_CATEGORIES,
    SUPPORTED_CATEGORIES,
    TIME_RANGE_CATEGORIES,
    Category,
    StatType,
    Subject,
    load_time_ranges,
)
from statengine.core.status import Status
from statengine.testing import StreamProfile, generate_stream, make_center

from ..reference import Initial, login_instants, reference_value

#: Categories the reference evaluator does not model (structures, formulas).
NOT_REFERENCED = {Category.CurrentState, Category.CurrentStateReasons, Category.Formula}
CANDIDATES = sorted(SUPPORTED_CATEGORIES - NOT_REFERENCED, key=lambda c: c.value)

CENTER = make_center(agents=6, queues=2, group_size=3)
START = 1_772_438_400_000
RESET_MINUTES = [1, 2, 5, 15]
PROFILE = StatisticsProfile(
    time_profiles=load_time_profiles(
        {
            **{f"M{m},Growing": f"0:00+0:{m:02d}" for m in RESET_MINUTES},
            "Last5m,Sliding": "300:30",
            "Last3,Selection": "3",
            "Shift,SinceLogin": "",
        }
    ),
    time_ranges=load_time_ranges({"Short": "0-10", "Mid": "5-60", "Long": "30-"}),
    filters=load_filters(
        {
            "Gold": 'PairExists(UserData, "Segment", "Gold")',
            "Break": 'ReasonCode = "Break"',
            "NotLunch": 'ReasonCode != "Lunch"',
        }
    ),
)
#: Categories a Sliding / Selection window does not serve (semantics §3.1).
NOT_WINDOWED = {
    Category.MaxNumber,
    Category.MinNumber,
    Category.AverageOfCurrentNumber,
    Category.AverageOfCurrentTime,
    Category.TotalContinuousNumber,
    Category.ElapsedTimePercentage,
    Category.TotalNumberPerSecond,
}

#: Actions the generated streams produce, by the objects they reach.
AGENT_ACTIONS = [
    "CallRinging",
    "CallAnswered",
    "CallInbound",
    "CallInboundCompleted",
    "CallOnHold",
    "CallRetrievedFromHold",
    "WaitForNextCall",
    "NotReadyForNextCall",
    "AfterCallWork",
    "LoggedIn",
    "AgentLogin",
    "CallDialing",
    "CallConsult",
    "CallOutbound",
    "CallInternal",
    "CallMissed",
    "CallAbandonedFromRinging",
    "Delivering",
    "Accepted",
    "HandlingInbound",
    "Routable",
    "Active",
    "CallRingingStarted",
]
QUEUE_ACTIONS = [
    "CallWait",
    "CallEntered",
    "CallDistributed",
    "CallAbandoned",
    "CallAnswered",
    "CallReleased",
    "ACWCompleted",
    "ACWMissed",
    "AgentReady",
    "AgentActive",
    "CallDistributedToQueue",
    "CallAbandonedFromRinging",
    "CallMissed",
]
STAGING_ACTIONS = [
    "InteractionWaiting",
    "InteractionEntered",
    "InteractionDistributed",
    "InteractionCleared",
    "InteractionDeleted",
]
STATUSES = [s.name for s in Status]

OBJECTS: dict[ObjectType, list[str]] = {
    ObjectType.Agent: ["A0", "A3", "A5"],
    ObjectType.Place: ["P1", "P4"],
    ObjectType.GroupAgents: ["G0", "G1", "VQ0"],
    ObjectType.GroupPlaces: ["PG0"],
    ObjectType.RegDN: ["5000@SW1", "5002@SW1"],
    ObjectType.Queue: ["8000@SW1", "8001@SW1"],
    ObjectType.RoutePoint: ["9000@SW1"],
    ObjectType.GroupQueues: ["AllQueues"],
    ObjectType.StagingArea: ["SA-chat", "SA-email"],
    ObjectType.Switch: ["SW1"],
    ObjectType.Tenant: ["T1"],
}
STATUS_OBJECTS = {
    Subject.DNStatus: [ObjectType.RegDN, ObjectType.Place, ObjectType.GroupPlaces],
    Subject.AgentStatus: [ObjectType.Agent, ObjectType.GroupAgents],
    Subject.PlaceStatus: [ObjectType.Place, ObjectType.GroupPlaces],
    Subject.GroupStatus: [ObjectType.GroupAgents, ObjectType.Agent],
}


@st.composite
def statistic(draw: st.DrawFn) -> tuple[StatType, Any, str | None, str | None]:
    category = draw(st.sampled_from(CANDIDATES))
    subjects = sorted(CATEGORY_SUBJECTS[category], key=lambda s: s.name)
    # half of the statistics count actions: the status subjects share one path
    subject = (
        Subject.DNAction
        if Subject.DNAction in subjects and draw(st.booleans())
        else draw(st.sampled_from(subjects))
    )
    if subject is Subject.DNAction:
        otype = draw(st.sampled_from(list(OBJECTS)))
        pool = {
            ObjectType.Queue: QUEUE_ACTIONS,
            ObjectType.RoutePoint: QUEUE_ACTIONS,
            ObjectType.GroupQueues: QUEUE_ACTIONS,
            ObjectType.StagingArea: STAGING_ACTIONS,
        }.get(otype, AGENT_ACTIONS + QUEUE_ACTIONS[:4])
    else:
        otype = draw(st.sampled_from(STATUS_OBJECTS[subject]))
        pool = STATUSES
    if category is Category.ServiceFactor1:
        pool = ["CallAnswered", "CallDistributed", "CallInbound"]
    names = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))
    if (
        draw(st.booleans())
        and subject is not Subject.DNAction
        and category is not (Category.ServiceFactor1)
    ):
        mask = "*," + ",".join("~" + n for n in names[:2])
    else:
        mask = ",".join(names)
    definition: dict[str, Any] = {
        "Objects": otype.name,
        "Category": category.name,
        "Subject": subject.name,
        "MainMask": mask,
    }
    if category in RELATIVE_CATEGORIES or (category in REL_MASK_CATEGORIES and draw(st.booleans())):
        definition["RelMask"] = ",".join(
            draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        )
    if (
        subject is Subject.DNAction
        and otype in (ObjectType.Agent, ObjectType.Tenant)
        and draw(st.booleans())
    ):
        definition["MediaType"] = draw(st.sampled_from(["voice", "chat", "chat,email"]))
    rng = rng2 = None
    if category in TIME_RANGE_CATEGORIES:
        rng = draw(st.sampled_from([None, "Short", "Mid", "Long"]))
        if category is Category.ServiceFactor1:
            rng2 = draw(st.sampled_from([None, "Short"]))
    if category is Category.CurrentContinuousTime:
        otype = draw(st.sampled_from([ObjectType.Agent, ObjectType.Place]))
        subject = Subject.PlaceStatus if otype is ObjectType.Place else Subject.AgentStatus
        definition["Objects"], definition["Subject"] = otype.name, subject.name
    obj = draw(st.sampled_from(OBJECTS[otype]))
    choices = ["grow", "grow", "grow"]
    if category not in NOT_WINDOWED:
        choices += ["Last5m", "Last3"]
    if otype is ObjectType.Agent:
        choices.append("Shift")
    profile = draw(st.sampled_from(choices))
    flt = draw(st.sampled_from([None, None, "Gold", "Break", "NotLunch"]))
    return StatType.from_definition(definition), (otype, obj, profile, flt), rng, rng2


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    stats=st.lists(statistic(), min_size=2, max_size=6),
    reset_minutes=st.sampled_from(RESET_MINUTES),
    open_at=st.integers(0, 300),
    checks=st.lists(st.integers(301, 1500), min_size=1, max_size=2, unique=True),
)
def test_engine_equals_reference(
    seed: int, stats: list[Any], reset_minutes: int, open_at: int, checks: list[int]
) -> None:
    engine = Engine(CENTER, now=START - 1, profile=PROFILE)
    initial = Initial.capture(engine)
    events = list(
        generate_stream(
            CENTER,
            seed=seed,
            events=1600,
            start_ms=START,
            profile=StreamProfile(
                outages_per_hour=3.0,
                shift=1200.0,
                off_shift=200.0,
                talk_mean=60.0,
                break_every=600.0,
                break_mean=120.0,
            ),
        )
    )
    log = []
    opened: dict[int, int] = {}
    profile_name = f"M{reset_minutes}"
    tz = CENTER.tenants[0].timezone
    for i, event in enumerate(events):
        if i >= open_at and not opened and (i == 0 or event.time - events[i - 1].time >= 2):
            # open between two events so that no event shares the open instant
            t_open = (events[i - 1].time + event.time) // 2 if i else event.time - 1
            if t_open > (engine.now or 0):
                log.append(engine.advance(t_open))
            for k, (stat_type, (otype, oid, prof, flt), rng, rng2) in enumerate(stats):
                engine.open_statistic(
                    "t",
                    k,
                    ObjectRef("T1", otype, oid),
                    stat_type,
                    profile=profile_name if prof == "grow" else prof,
                    time_range=rng,
                    time_range2=rng2,
                    filter=flt,
                    notification=NotificationSettings(mode=NotifyMode.NONE),
                )
                opened[k] = engine.now or 0
        log.append(engine.feed(event))
        if i in checks and opened:
            now = engine.now or 0
            for k, (stat_type, (otype, oid, prof, flt), rng, rng2) in enumerate(stats):
                obj = ObjectRef("T1", otype, oid)
                resets: list[int] = []
                window = selection = None
                if prof == "grow":
                    r = PROFILE.time_profiles[profile_name].next_reset(opened[k], tz)
                    while r is not None and r <= now:
                        resets.append(r)
                        r = PROFILE.time_profiles[profile_name].next_reset(r, tz)
                elif prof == "Last5m":
                    window = (300_000, 30_000)
                elif prof == "Last3":
                    selection = 3
                else:
                    resets = [r for r in login_instants(log, obj) if r >= opened[k]]
                expected = reference_value(
                    stat_type,
                    obj,
                    initial=initial,
                    log=log,
                    opened=opened[k],
                    now=now,
                    resets=resets,
                    time_range=PROFILE.time_ranges.get(rng) if rng else None,
                    time_range2=PROFILE.time_ranges.get(rng2) if rng2 else None,
                    window=window,
                    selection=selection,
                    filter=PROFILE.filters[flt].matches if flt else None,
                )
                got = engine.peek("t", k).value
                assert abs(got - expected) <= 1e-6 * max(1.0, abs(expected)), (
                    f"{stat_type.category.name} {stat_type.subject.name} "
                    f"{stat_type.main_mask.text!r} on {oid} ({prof}, filter {flt}) at event {i}: "
                    f"engine {got} != reference {expected}"
                )


MATRIX_MASKS: list[tuple[Subject, ObjectType, str, str]] = [
    (Subject.DNAction, ObjectType.Queue, "8000@SW1", "CallWait,CallAnswered,CallAbandoned"),
    (Subject.DNAction, ObjectType.Agent, "A0", "CallInbound,WaitForNextCall,CallAnswered"),
    (Subject.DNAction, ObjectType.GroupAgents, "VQ1", "CallRinging,NotReadyForNextCall"),
    (Subject.DNAction, ObjectType.StagingArea, "SA-chat", "InteractionWaiting"),
    (Subject.AgentStatus, ObjectType.GroupAgents, "G0", "CallInbound,WaitForNextCall"),
    (Subject.AgentStatus, ObjectType.Agent, "A2", "*,~LoggedOut"),
    (Subject.DNStatus, ObjectType.Place, "P3", "CallInbound,AfterCallWork"),
]


def test_every_category_on_a_fixed_stream() -> None:
    """Deterministic coverage: each supported category on actions and on
    statuses, durable items crossing five-minute resets, checked every 230 events."""
    engine = Engine(CENTER, now=START - 1, profile=PROFILE)
    initial = Initial.capture(engine)
    events = list(
        generate_stream(
            CENTER,
            seed=5,
            events=2500,
            start_ms=START,
            profile=StreamProfile(talk_mean=90.0, outages_per_hour=2.0),
        )
    )
    cases = []
    for category in CANDIDATES:
        for subject, otype, oid, mask in MATRIX_MASKS:
            if subject not in CATEGORY_SUBJECTS[category]:
                continue
            if category is Category.ServiceFactor1:
                mask = "CallAnswered"
            if category is Category.CurrentContinuousTime and otype is ObjectType.GroupAgents:
                continue  # a group has no status of its own
            definition = {
                "Objects": otype.name,
                "Category": category.name,
                "Subject": subject.name,
                "MainMask": mask,
            }
            if category in RELATIVE_CATEGORIES:
                definition["RelMask"] = "*"
            cases.append((StatType.from_definition(definition), ObjectRef("T1", otype, oid)))
    log = [engine.feed(event) for event in events[:200]]
    log.append(engine.advance(events[200].time - 1))
    for k, (stat_type, obj) in enumerate(cases):
        rng = "Mid" if stat_type.category in TIME_RANGE_CATEGORIES else None
        engine.open_statistic(
            "m",
            k,
            obj,
            stat_type,
            profile="M5",
            time_range=rng,
            time_range2="Short" if rng else None,
            notification=NotificationSettings(mode=NotifyMode.NONE),
        )
    opened = engine.now or 0
    tz = CENTER.tenants[0].timezone
    for i, event in enumerate(events[200:], start=200):
        log.append(engine.feed(event))
        if i % 230 != 0:
            continue
        now = engine.now or 0
        resets = []
        r = PROFILE.time_profiles["M5"].next_reset(opened, tz)
        while r is not None and r <= now:
            resets.append(r)
            r = PROFILE.time_profiles["M5"].next_reset(r, tz)
        for k, (stat_type, obj) in enumerate(cases):
            rng = "Mid" if stat_type.category in TIME_RANGE_CATEGORIES else None
            expected = reference_value(
                stat_type,
                obj,
                initial=initial,
                log=log,
                opened=opened,
                now=now,
                resets=resets,
                time_range=PROFILE.time_ranges[rng] if rng else None,
                time_range2=PROFILE.time_ranges["Short"] if rng else None,
            )
            got = engine.peek("m", k).value
            assert abs(got - expected) <= 1e-6 * max(1.0, abs(expected)), (
                f"{stat_type.category.name}/{stat_type.subject.name} on {obj}: "
                f"engine {got} != reference {expected}"
            )
    assert len(cases) > 60


def test_action_kinds_used_here_exist() -> None:
    for name in AGENT_ACTIONS + QUEUE_ACTIONS + STAGING_ACTIONS:
        ActionKind(name)
