"""The reference evaluator (tests/reference.py) against values worked out by hand.

Most logs are built by hand from FeedResult / Action / StatusChange objects,
so each expected value can be checked with a pencil; a few drive a real
Engine over ``make_center(agents=2, queues=1)``. Times are seconds after T0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import pytest

from statengine.core import events as ev
from statengine.core.actions import Action, ActionKind
from statengine.core.engine import Engine, FeedResult
from statengine.core.filters import parse_filter
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.state import MembershipChange, StatusChange
from statengine.core.stattypes import StatType, TimeRange
from statengine.core.status import Status
from statengine.testing import DEFAULT_START_MS, StreamProfile, generate_stream, make_center
from tests.reference import Initial, login_instants, reference_value, validity

K = ActionKind
S_ = Status
O_ = ObjectType

#: a whole second, so that ms truncation is easy to follow
T0 = 1_700_000_000_000

Q = ObjectRef("T1", O_.Queue, "8000@SW1")
RP = ObjectRef("T1", O_.RoutePoint, "9000@SW1")
DN0 = ObjectRef("T1", O_.RegDN, "5000@SW1")
DN1 = ObjectRef("T1", O_.RegDN, "5001@SW1")
DN9 = ObjectRef("T1", O_.RegDN, "5000@SW2")  # another switch
SA = ObjectRef("T1", O_.StagingArea, "SA-chat")
CH = ObjectRef("T1", O_.MediaChannel, "A0.chat@ixn1")
P0 = ObjectRef("T1", O_.Place, "P0")
P1 = ObjectRef("T1", O_.Place, "P1")
A0 = ObjectRef("T1", O_.Agent, "A0")
A1 = ObjectRef("T1", O_.Agent, "A1")
G0 = ObjectRef("T1", O_.GroupAgents, "G0")
PG0 = ObjectRef("T1", O_.GroupPlaces, "PG0")
QG = ObjectRef("T1", O_.GroupQueues, "AllQueues")
SW1 = ObjectRef("T1", O_.Switch, "SW1")
TN1 = ObjectRef("T1", O_.Tenant, "T1")
OTHER_TENANT_DN = ObjectRef("T2", O_.RegDN, "5000@SW1")

R0_20 = TimeRange(name="0-20", lower=0, upper=20)
R20_50 = TimeRange(name="20-50", lower=20, upper=50)
R0_10 = TimeRange(name="0-10", lower=0, upper=10)


def s(seconds: float) -> int:
    """Seconds after T0 -> ms."""
    return T0 + round(seconds * 1000)


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def stat(
    category: str,
    mask: str,
    *,
    subject: str = "DNAction",
    rel: str | None = None,
    media: str | None = None,
    filter_name: str | None = None,
) -> StatType:
    definition: dict[str, Any] = {
        "Category": category,
        "Subject": subject,
        "MainMask": mask,
        # the reference does not read Objects; any valid group will do
        "Objects": "RegDN,Agent,Place,GroupAgents,GroupPlaces,Tenant",
    }
    if rel is not None:
        definition["RelMask"] = rel
    if media is not None:
        definition["MediaType"] = media
    if filter_name is not None:
        definition["Filter"] = filter_name
    return StatType.from_definition(definition)


def initial(
    *,
    start: int = T0,
    statuses: Mapping[ObjectRef, Status] | None = None,
    since: Mapping[ObjectRef, int] | None = None,
    members: Mapping[ObjectRef, Iterable[ObjectRef]] | None = None,
    place_dns: Mapping[ObjectRef, tuple[ObjectRef, ...]] | None = None,
    open_actions: Sequence[Action] = (),
) -> Initial:
    base = {
        Q: S_.Monitored,
        RP: S_.Monitored,
        DN0: S_.Monitored,
        DN1: S_.Monitored,
        P0: S_.Monitored,
        P1: S_.Monitored,
        A0: S_.LoggedOut,
        A1: S_.LoggedOut,
    }
    base.update(statuses or {})
    return Initial(
        start=start,
        statuses=base,
        since=since or {},
        members={g: frozenset(m) for g, m in (members or {G0: (A0,), PG0: (P0,)}).items()},
        place_dns=place_dns or {P0: (DN0,), P1: (DN1,)},
        queue_groups={QG: (Q,)},
        open_actions=tuple(open_actions),
    )


def act(
    kind: ActionKind,
    start: float,
    end: float | None,
    *,
    device: ObjectRef = DN0,
    agent: str = "",
    place: str = "",
    media: str = "voice",
    conn: str = "c1",
) -> Action:
    """An action record; times in seconds after T0 (end None: opened)."""
    return Action(
        kind=kind,
        device=device,
        start=s(start),
        end=None if end is None else s(end),
        conn_id=conn,
        agent=agent,
        place=place,
        media=media,
    )


def fr(
    t: float,
    *actions: Action,
    changes: Sequence[StatusChange] = (),
    memberships: Sequence[MembershipChange] = (),
) -> FeedResult:
    return FeedResult(
        time=s(t), actions=actions, status_changes=tuple(changes), memberships=tuple(memberships)
    )


def chg(ref: ObjectRef, t: float, old: Status, new: Status) -> StatusChange:
    return StatusChange(ref=ref, time=s(t), old=old, new=new)


def join(group: ObjectRef, member: ObjectRef, t: float) -> MembershipChange:
    return MembershipChange(group=group, member=member, joined=True, time=s(t))


def leave(group: ObjectRef, member: ObjectRef, t: float) -> MembershipChange:
    return MembershipChange(group=group, member=member, joined=False, time=s(t))


def value(
    st: StatType,
    obj: ObjectRef,
    log: Sequence[FeedResult],
    *,
    now: float,
    opened: float = 0,
    resets: Sequence[float] = (),
    init: Initial | None = None,
    time_range: TimeRange | None = None,
    time_range2: TimeRange | None = None,
    window: tuple[float, float] | None = None,
    selection: int | None = None,
    predicate: Callable[[Action], bool] | None = None,
) -> int | float:
    """``window`` is (window, step) in seconds."""
    return reference_value(
        st,
        obj,
        initial=init or initial(),
        log=log,
        opened=s(opened),
        now=s(now),
        resets=[s(r) for r in resets],
        time_range=time_range,
        time_range2=time_range2,
        window=None if window is None else (round(window[0] * 1000), round(window[1] * 1000)),
        selection=selection,
        filter=predicate,
    )


# ---------------------------------------------------------------------------
# DNAction: an action in progress, resets, open time
# ---------------------------------------------------------------------------

#: a 90 s inbound call on DN0 (10 s .. 100 s), with its retrospective
TALK_OPEN = [fr(10, act(K.CallInbound, 10, None, agent="A0", place="P0"))]
TALK = [
    *TALK_OPEN,
    fr(
        100,
        act(K.CallInbound, 10, 100, agent="A0", place="P0"),
        act(K.CallInboundCompleted, 10, 100, agent="A0", place="P0"),
    ),
]


def test_action_total_time_does_not_include_the_action_in_progress() -> None:
    assert value(stat("TotalTime", "CallInbound"), DN0, TALK_OPEN, now=70) == 0.0
    # counted at its start, timed only at its end
    assert value(stat("TotalNumber", "CallInbound"), DN0, TALK_OPEN, now=70) == 1
    assert value(stat("TotalAdjustedNumber", "CallInbound"), DN0, TALK_OPEN, now=70) == 0
    assert value(stat("CurrentNumber", "CallInbound"), DN0, TALK_OPEN, now=70) == 1
    assert value(stat("CurrentTime", "CallInbound"), DN0, TALK_OPEN, now=70) == 60.0
    # still flat later on
    assert value(stat("TotalTime", "CallInbound"), DN0, TALK_OPEN, now=99) == 0.0
    # once it ends, all of it
    assert value(stat("TotalTime", "CallInbound"), DN0, TALK, now=120) == 90.0
    assert value(stat("TotalAdjustedNumber", "CallInbound"), DN0, TALK, now=120) == 1
    assert value(stat("CurrentNumber", "CallInbound"), DN0, TALK, now=120) == 0
    assert value(stat("CurrentTime", "CallInbound"), DN0, TALK, now=120) == 0.0
    assert value(stat("TotalTime", "CallInboundCompleted"), DN0, TALK, now=120) == 90.0
    assert value(stat("TotalNumber", "CallInboundCompleted"), DN0, TALK, now=120) == 1


@pytest.mark.parametrize(
    ("category", "mask", "expected"),
    [
        # started before the reset: not counted in this interval
        ("TotalNumber", "CallInbound", 0),
        # the part after the reset
        ("TotalTime", "CallInbound", 50.0),
        # adjusted: the whole item, in the interval where it ended
        ("TotalAdjustedNumber", "CallInbound", 1),
        ("TotalAdjustedTime", "CallInbound", 90.0),
        ("AverageTime", "CallInbound", 90.0),
        ("MaxTime", "CallInbound", 90.0),
        ("MinTime", "CallInbound", 90.0),
        # a retrospective item happened in I: counted, its d clipped at O only
        ("TotalNumber", "CallInboundCompleted", 1),
        ("TotalTime", "CallInboundCompleted", 90.0),
    ],
)
def test_action_values_after_a_reset(category: str, mask: str, expected: float) -> None:
    assert value(stat(category, mask), DN0, TALK, now=120, resets=[50]) == expected
    # a reset before the open time or after now changes nothing
    assert value(stat(category, mask), DN0, TALK, now=120, resets=[-30, 50, 500]) == expected


def test_action_reset_after_the_end_starts_from_zero() -> None:
    for category in ("TotalNumber", "TotalTime", "TotalAdjustedNumber", "TotalAdjustedTime"):
        assert (
            value(
                stat(category, "CallInbound,CallInboundCompleted"), DN0, TALK, now=120, resets=[110]
            )
            == 0
        )


def test_items_at_the_reset_instant_belong_to_the_new_interval() -> None:
    # I = [S, now] is closed: the call ends exactly at the reset (100)
    def v(category: str, mask: str) -> int | float:
        return value(stat(category, mask), DN0, TALK, now=120, resets=[100])

    assert v("TotalTime", "CallInbound") == 0.0  # e - max(s, S) = 0
    assert v("TotalAdjustedNumber", "CallInbound") == 1
    assert v("TotalAdjustedTime", "CallInbound") == 90.0
    assert v("TotalNumber", "CallInboundCompleted") == 1
    assert v("TotalTime", "CallInboundCompleted") == 90.0
    # and an item that starts exactly at S (or O) started in I
    assert value(stat("TotalNumber", "CallInbound"), DN0, TALK, now=120, resets=[10]) == 1
    assert value(stat("TotalNumber", "CallInbound"), DN0, TALK, now=120, opened=10) == 1


@pytest.mark.parametrize(
    ("category", "mask", "expected"),
    [
        ("TotalNumber", "CallInbound", 0),  # open at O: did not start in I
        ("TotalTime", "CallInbound", 60.0),  # clipped at O (40 s .. 100 s)
        ("TotalAdjustedTime", "CallInbound", 60.0),
        ("TotalNumber", "CallInboundCompleted", 1),
        ("TotalTime", "CallInboundCompleted", 60.0),  # d = e - max(s, O)
        ("MaxTime", "CallInboundCompleted", 60.0),
    ],
)
def test_durations_are_clipped_at_the_open_time(category: str, mask: str, expected: float) -> None:
    assert value(stat(category, mask), DN0, TALK, now=120, opened=40) == expected


def test_current_time_of_an_item_open_at_the_open_time_uses_its_real_start() -> None:
    assert value(stat("CurrentTime", "CallInbound"), DN0, TALK_OPEN, now=70, opened=40) == 60.0
    assert value(stat("CurrentNumber", "CallInbound"), DN0, TALK_OPEN, now=70, opened=40) == 1


# ---------------------------------------------------------------------------
# DNAction: counts, averages, extremes, current values
# ---------------------------------------------------------------------------

#: on the queue: three waits (one open), entered markers, two answers
QUEUE_LOG = [
    fr(10, act(K.CallWait, 10, None, device=Q, conn="c1"), act(K.CallEntered, 10, 10, device=Q)),
    fr(30, act(K.CallWait, 30, None, device=Q, conn="c2"), act(K.CallEntered, 30, 30, device=Q)),
    fr(40, act(K.CallWait, 40, None, device=Q, conn="c3"), act(K.CallEntered, 40, 40, device=Q)),
    fr(50, act(K.CallWait, 40, 50, device=Q, conn="c3"), act(K.CallAnswered, 40, 50, device=Q)),
    fr(60, act(K.CallWait, 30, 60, device=Q, conn="c2"), act(K.CallAnswered, 30, 60, device=Q)),
]


@pytest.mark.parametrize(
    ("category", "mask", "expected"),
    [
        # 3 waits started + 3 entered (momentary) + 2 answered (retrospective)
        ("TotalNumber", "CallWait,CallEntered,CallAnswered", 8),
        # 2 waits ended + 3 momentary + 2 retrospective
        ("TotalAdjustedNumber", "CallWait,CallEntered,CallAnswered", 7),
        ("TotalTime", "CallWait", 40.0),  # 10 + 30; the open one not yet
        ("TotalTime", "CallAnswered", 40.0),
        # momentary items have no duration and do not count in averages
        ("AverageTime", "CallAnswered,CallEntered", 20.0),
        ("MaxTime", "CallAnswered,CallEntered", 30.0),
        ("MinTime", "CallAnswered,CallEntered", 10.0),
        ("AverageTime", "CallWait,CallAnswered", 20.0),
        ("CurrentNumber", "CallWait,CallEntered,CallAnswered", 1),
        ("CurrentTime", "CallWait", 90.0),
    ],
)
def test_queue_values(category: str, mask: str, expected: float) -> None:
    assert value(stat(category, mask), Q, QUEUE_LOG, now=100) == expected


@pytest.mark.parametrize(
    "category",
    [
        "TotalNumber",
        "TotalTime",
        "TotalAdjustedNumber",
        "TotalAdjustedTime",
        "AverageTime",
        "MaxTime",
        "MinTime",
        "CurrentNumber",
        "CurrentTime",
        "CurrentMaxTime",
        "CurrentMinTime",
        "CurrentAverageTime",
        "TotalNumberInTimeRange",
        "TotalNumberInTimeRangePercentage",
        "TotalTimeInTimeRange",
        "ServiceFactor1",
    ],
)
def test_nothing_gives_zero(category: str) -> None:
    result = value(stat(category, "CallAnswered"), Q, [], now=100)
    assert result == 0
    counts = {"TotalNumber", "TotalAdjustedNumber", "CurrentNumber", "TotalNumberInTimeRange"}
    assert isinstance(result, int if category in counts else float)


def test_current_categories_over_open_items() -> None:
    # c1 opened before the log (Initial.open_actions) and before O; c2 at 30;
    # c3 at 40 closed at 50
    init = initial(start=s(15), open_actions=[act(K.CallWait, 10, None, device=Q, conn="c1")])
    log = [
        fr(
            30, act(K.CallWait, 30, None, device=Q, conn="c2"), act(K.CallEntered, 30, 30, device=Q)
        ),
        fr(40, act(K.CallWait, 40, None, device=Q, conn="c3")),
        fr(50, act(K.CallWait, 40, 50, device=Q, conn="c3")),
    ]
    expected = {
        "CurrentNumber": 2,
        "CurrentTime": 160.0,  # 90 + 70
        "CurrentMaxTime": 90.0,
        "CurrentMinTime": 70.0,
        "CurrentAverageTime": 80.0,
    }
    for category, want in expected.items():
        got = value(stat(category, "CallWait,CallEntered"), Q, log, now=100, opened=20, init=init)
        assert got == want, category
    # the wait open since before the log closes: timed from O
    closing = [*log, fr(110, act(K.CallWait, 10, 110, device=Q, conn="c1"))]
    got = value(stat("TotalTime", "CallWait"), Q, closing, now=120, opened=20, init=init)
    assert got == 10.0 + 90.0


# ---------------------------------------------------------------------------
# Time ranges and ServiceFactor1 (DOMAIN §4.6, §5.2)
# ---------------------------------------------------------------------------


def _answers(*durations_ms: int, kind: ActionKind = K.CallAnswered, at: float = 1000) -> FeedResult:
    """Retrospective actions on Q that began at ``at`` (a whole second) and
    lasted ``durations_ms``; their FeedResult is stamped with the last end."""
    actions = tuple(
        Action(kind=kind, device=Q, start=s(at), end=s(at) + d, conn_id=f"c{i}")
        for i, d in enumerate(durations_ms)
    )
    return FeedResult(time=max(a.end for a in actions if a.end is not None), actions=actions)


def test_service_factor_worked_example() -> None:
    # answered <= 20 s: 200; answered > 20 s: 100; abandoned < 10 s: 50;
    # abandoned >= 10 s: 50 -> 100 * 200 / (300 + 100 - 50) = 57.14
    log = [
        _answers(*[5_000] * 150, *[19_999] * 50, at=400),
        _answers(*[30_000] * 60, *[20_000] * 40, at=500),
        _answers(*[3_000] * 40, *[9_999] * 10, kind=K.CallAbandoned, at=600),
        _answers(*[10_000] * 30, *[45_000] * 20, kind=K.CallAbandoned, at=700),
        # not in the formula: distributed calls, another queue
        _answers(*[1_000] * 10, kind=K.CallDistributed, at=800),
        FeedResult(
            time=s(950),
            actions=(Action(kind=K.CallAnswered, device=RP, start=s(940), end=s(950)),),
        ),
    ]
    got = value(
        stat("ServiceFactor1", "CallAnswered"),
        Q,
        log,
        now=1000,
        time_range=R0_20,
        time_range2=R0_10,
    )
    assert got == pytest.approx(100 * 200 / 350)
    assert round(got, 2) == 57.14
    # no TimeRange2: no short abandons subtracted -> 200 / 400
    got = value(stat("ServiceFactor1", "CallAnswered"), Q, log, now=1000, time_range=R0_20)
    assert got == 50.0
    # no TimeRange: the built-in 0-20
    got = value(stat("ServiceFactor1", "CallAnswered"), Q, log, now=1000, time_range2=R0_10)
    assert got == pytest.approx(100 * 200 / 350)


def test_service_factor_counts_abandons_from_ringing_and_respects_the_interval() -> None:
    log = [
        _answers(5_000, 25_000, at=70),  # end at 75 and 95
        _answers(2_000, kind=K.CallAbandoned, at=108),  # ends at 110
        _answers(12_000, kind=K.CallAbandonedFromRinging, at=108),  # ends at 120
    ]
    st = stat("ServiceFactor1", "CallAnswered")
    # A = 2, A_in = 1, B = 2, B_in2 = 1 -> 100 * 1 / 3
    got = value(st, Q, log, now=130, time_range=R0_20, time_range2=R0_10)
    assert got == pytest.approx(100 / 3)
    # after a reset at 105 only the abandons are left: A_in = 0
    assert value(st, Q, log, now=130, resets=[105], time_range=R0_20, time_range2=R0_10) == 0.0
    # only short abandons: denominator 0 -> 0
    only_short = [_answers(2_000, kind=K.CallAbandoned, at=108)]
    assert value(st, Q, only_short, now=130, time_range=R0_20, time_range2=R0_10) == 0.0


def test_a_twenty_second_answer_is_in_20_50_not_0_20() -> None:
    log = [_answers(20_000, at=80)]
    st = stat("TotalNumberInTimeRange", "CallAnswered")
    assert value(st, Q, log, now=100, time_range=R0_20) == 0
    assert value(st, Q, log, now=100, time_range=R20_50) == 1
    # 19.999 s from a whole second is 19 s: in 0-20
    assert value(st, Q, [_answers(19_999, at=80)], now=100, time_range=R0_20) == 1
    # ... but from x.001 s to x+20.000 s it is 20 s (ms truncated from both)
    late_start = FeedResult(
        time=s(100),
        actions=(Action(kind=K.CallAnswered, device=Q, start=s(80.001), end=s(100)),),
    )
    assert value(st, Q, [late_start], now=100, time_range=R0_20) == 0


def test_milliseconds_are_truncated_from_both_timestamps() -> None:
    # queued 05:40:56.949, answered 05:41:07.542 -> 11 s, not 10.593 s
    queued, answered = T0 + 56_949, T0 + 67_542
    log = [
        FeedResult(
            time=answered,
            actions=(Action(kind=K.CallAnswered, device=Q, start=queued, end=answered),),
        )
    ]
    st = stat("TotalNumberInTimeRange", "CallAnswered")
    assert value(st, Q, log, now=100, time_range=TimeRange(name="r", lower=11, upper=12)) == 1
    assert value(st, Q, log, now=100, time_range=TimeRange(name="r", lower=0, upper=11)) == 0
    assert value(st, Q, log, now=100, time_range=TimeRange(name="r", lower=10, upper=11)) == 0
    # the time summed is the real duration
    st = stat("TotalTimeInTimeRange", "CallAnswered")
    got = value(st, Q, log, now=100, time_range=TimeRange(name="r", lower=11, upper=12))
    assert got == pytest.approx(10.593)
    # the reference agrees with TimeRange.contains_ms
    assert TimeRange(name="r", lower=11, upper=12).contains_ms(queued, answered)


def test_time_ranges_clip_at_the_open_time_and_read_durable_items() -> None:
    log = [
        _answers(30_000, at=70),  # 70 .. 100; opened at 85 -> 15 s
        fr(110, act(K.CallWait, 90, 110, device=Q)),  # 20 s: not in 0-20
    ]
    st = stat("TotalNumberInTimeRange", "CallAnswered,CallWait")
    assert value(st, Q, log, now=120, opened=85, time_range=R0_20) == 1
    assert value(st, Q, log, now=120, time_range=R0_20) == 0
    assert value(st, Q, log, now=120, time_range=R20_50) == 2
    # an open-ended range
    assert value(st, Q, log, now=120, time_range=TimeRange(name="r", lower=25, upper=None)) == 1


def test_in_range_percentage_uses_the_rel_mask_when_given() -> None:
    log = [
        _answers(5_000, 8_000, 25_000, 40_000, at=50),
        _answers(3_000, 4_000, 5_000, 6_000, kind=K.CallAbandoned, at=100),
        fr(120, act(K.CallEntered, 120, 120, device=Q)),
    ]
    st = stat("TotalNumberInTimeRangePercentage", "CallAnswered")
    assert value(st, Q, log, now=130, time_range=R0_20) == 50.0
    st = stat("TotalNumberInTimeRangePercentage", "CallAnswered", rel="CallAnswered,CallAbandoned")
    assert value(st, Q, log, now=130, time_range=R0_20) == 25.0
    # momentary items are not completed items: not in the denominator
    st = stat("TotalNumberInTimeRangePercentage", "CallAnswered", rel="CallAnswered,CallEntered")
    assert value(st, Q, log, now=130, time_range=R0_20) == 50.0
    st = stat("TotalTimeInTimeRange", "CallAnswered")
    assert value(st, Q, log, now=130, time_range=R0_20) == 13.0


# ---------------------------------------------------------------------------
# DNAction scope (semantics §2.1) and MediaType
# ---------------------------------------------------------------------------


def test_scope_of_devices_agents_places_queue_groups_switches_and_tenants() -> None:
    log = [
        fr(
            10,
            act(K.CallRingingStarted, 10, 10, device=DN0, agent="A0", place="P0"),
            act(K.CallRingingStarted, 10, 10, device=DN1, agent="A1", place="P1"),
            act(K.CallRingingStarted, 10, 10, device=DN9),
            act(K.CallRingingStarted, 10, 10, device=OTHER_TENANT_DN),
            act(K.CallEntered, 10, 10, device=Q),
            act(K.CallEntered, 10, 10, device=RP),
            act(K.InteractionEntered, 10, 10, device=SA, media="chat"),
            act(K.DeliveringStarted, 10, 10, device=CH, agent="A0", place="P0", media="chat"),
        )
    ]
    st = stat("TotalNumber", "*")

    def n(obj: ObjectRef) -> int | float:
        return value(st, obj, log, now=20)

    assert n(DN0) == 1
    assert n(Q) == 1
    assert n(SA) == 1
    assert n(A0) == 2  # its DN and its media channel
    assert n(P0) == 2
    assert n(G0) == 2
    assert n(PG0) == 2
    assert n(QG) == 1  # the queue, not the routing point
    assert n(SW1) == 4  # DN0, DN1, Q, RP: not SW2, not the staging area or channel
    assert n(TN1) == 7  # all but the other tenant's DN


def test_reflected_queue_actions_stay_with_the_queue() -> None:
    # semantics §2.1: Agent / Place scope is Action.agent / Action.place of
    # actions on the agent's own devices (DNs, media channels); the queue's
    # reflected CallAnswered names the agent but is the queue's.
    log = [
        fr(
            20,
            act(K.CallAnswered, 15, 20, device=DN0, agent="A0", place="P0"),
            act(K.CallAnswered, 10, 20, device=Q, agent="A0", place="P0"),
        )
    ]
    assert value(stat("TotalNumber", "CallAnswered"), A0, log, now=30) == 1
    assert value(stat("TotalTime", "CallAnswered"), A0, log, now=30) == 5.0


def test_media_type() -> None:
    log = [
        fr(
            10,
            act(K.DeliveringStarted, 10, 10, device=CH, agent="A0", media="chat"),
            act(K.DeliveringStarted, 10, 10, device=CH, agent="A0", media="Email"),
            act(K.CallRingingStarted, 10, 10, device=DN0, agent="A0"),
        )
    ]
    assert value(stat("TotalNumber", "*"), A0, log, now=20) == 3
    assert value(stat("TotalNumber", "*", media="chat"), A0, log, now=20) == 1
    assert value(stat("TotalNumber", "*", media="email,voice"), A0, log, now=20) == 2


def test_group_attribution_is_fixed_when_the_action_happens() -> None:
    def a0(kind: ActionKind, start: float, end: float | None) -> Action:
        return act(kind, start, end, agent="A0", place="P0")

    def a1(kind: ActionKind, start: float, end: float | None) -> Action:
        return act(kind, start, end, agent="A1", place="P1", device=DN1)

    log = [
        # A0 is a member: the call that starts now follows the group to its end
        fr(10, a0(K.CallInbound, 10, None)),
        # A0 leaves; a marker at the same time is no longer the group's
        fr(20, a0(K.CallHeld, 20, 20), memberships=[leave(G0, A0, 20)]),
        fr(30, a0(K.CallInbound, 10, 30), a0(K.CallInboundCompleted, 10, 30)),
        # A1 joins in the same FeedResult as its call starts: the group's
        fr(40, a1(K.CallInbound, 40, None), memberships=[join(G0, A1, 40)]),
        fr(45, memberships=[leave(G0, A1, 45)]),
        fr(50, a1(K.CallInbound, 40, 50)),
    ]
    assert value(stat("TotalNumber", "CallInbound"), G0, log, now=60) == 2
    assert value(stat("TotalTime", "CallInbound"), G0, log, now=60) == 30.0  # 20 + 10
    assert value(stat("TotalNumber", "CallHeld"), G0, log, now=60) == 0
    # the retrospective end happened after A0 left
    assert value(stat("TotalNumber", "CallInboundCompleted"), G0, log, now=60) == 0
    # a durable item open at the end counts as current for the group it started in
    assert value(stat("CurrentNumber", "CallInbound"), G0, log[:4], now=42) == 1
    # the place group did not change: everything of P0 counts there
    assert value(stat("TotalNumber", "CallHeld,CallInboundCompleted"), PG0, log, now=60) == 2


# ---------------------------------------------------------------------------
# Status subjects (semantics §2.4)
# ---------------------------------------------------------------------------

#: A0: Ready 10 .. 100, NotReady from 100 (reason change at 110)
AGENT_LOG = [
    fr(10, changes=[chg(A0, 10, S_.LoggedOut, S_.WaitForNextCall)]),
    fr(100, changes=[chg(A0, 100, S_.WaitForNextCall, S_.NotReadyForNextCall)]),
    fr(110, changes=[chg(A0, 110, S_.NotReadyForNextCall, S_.NotReadyForNextCall)]),
]


def agent_stat(category: str, mask: str = "WaitForNextCall") -> StatType:
    return stat(category, mask, subject="AgentStatus")


def test_status_total_time_includes_the_status_in_progress() -> None:
    assert value(agent_stat("TotalTime"), A0, AGENT_LOG[:1], now=70) == 60.0
    assert value(agent_stat("TotalTime"), A0, AGENT_LOG[:1], now=90) == 80.0
    assert value(agent_stat("TotalNumber"), A0, AGENT_LOG[:1], now=70) == 1
    assert value(agent_stat("TotalAdjustedNumber"), A0, AGENT_LOG[:1], now=70) == 0
    assert value(agent_stat("TotalAdjustedTime"), A0, AGENT_LOG[:1], now=70) == 0.0
    assert value(agent_stat("AverageTime"), A0, AGENT_LOG[:1], now=70) == 60.0
    assert value(agent_stat("MaxTime"), A0, AGENT_LOG[:1], now=70) == 60.0
    assert value(agent_stat("MinTime"), A0, AGENT_LOG[:1], now=70) == 0.0  # none completed
    assert value(agent_stat("CurrentNumber"), A0, AGENT_LOG[:1], now=70) == 1
    assert value(agent_stat("CurrentTime"), A0, AGENT_LOG[:1], now=70) == 60.0


@pytest.mark.parametrize(
    ("category", "mask", "expected"),
    [
        ("TotalTime", "WaitForNextCall", 90.0),
        ("TotalTime", "NotReadyForNextCall", 30.0),
        ("TotalTime", "WaitForNextCall,NotReadyForNextCall", 120.0),
        # LoggedOut since the start of the log (T0 = O): 10 s
        ("TotalTime", "*", 130.0),
        ("TotalNumber", "*", 3),  # a reason change is not a new segment
        ("TotalNumber", "WaitForNextCall,NotReadyForNextCall", 2),
        ("TotalAdjustedNumber", "*", 2),
        ("TotalAdjustedTime", "*", 100.0),
        ("AverageTime", "*", 130.0 / 3),
        ("MaxTime", "*", 90.0),
        ("MinTime", "*", 10.0),
        ("CurrentNumber", "NotReadyForNextCall", 1),
        ("CurrentTime", "NotReadyForNextCall", 30.0),  # since 100, not 110
        ("CurrentTime", "WaitForNextCall", 0.0),
        # completed: LoggedOut 10 s, Ready 90 s; 10-20 holds the first
        ("TotalNumberInTimeRange", "*", 1),
        ("TotalTimeInTimeRange", "*", 10.0),
        ("TotalNumberInTimeRangePercentage", "*", 50.0),
        ("TotalNumberInTimeRangePercentage", "LoggedOut", 100.0),
    ],
)
def test_agent_status_values(category: str, mask: str, expected: float) -> None:
    r10_20 = TimeRange(name="10-20", lower=10, upper=20)
    got = value(agent_stat(category, mask), A0, AGENT_LOG, now=130, time_range=r10_20)
    assert got == pytest.approx(expected)


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("TotalNumber", 1),  # in progress at the reset
        ("TotalTime", 50.0),  # 50 .. 100
        ("TotalAdjustedNumber", 1),
        ("TotalAdjustedTime", 90.0),  # the whole segment, clipped at O only
        ("AverageTime", 50.0),
        ("MaxTime", 50.0),
        ("MinTime", 50.0),  # clipped at S
    ],
)
def test_status_values_after_a_reset(category: str, expected: float) -> None:
    assert value(agent_stat(category), A0, AGENT_LOG, now=130, resets=[50]) == expected


def test_status_in_progress_at_a_reset_or_at_the_open_time_counts() -> None:
    # Ready since 10 and still Ready: reset at 50
    got = value(agent_stat("TotalNumber"), A0, AGENT_LOG[:1], now=70, resets=[50])
    assert got == 1
    assert value(agent_stat("TotalTime"), A0, AGENT_LOG[:1], now=70, resets=[50]) == 20.0
    # opened at 40: 40 .. 100 -> 60 s, the time-range duration too
    assert value(agent_stat("TotalAdjustedTime"), A0, AGENT_LOG, now=130, opened=40) == 60.0
    st = agent_stat("TotalNumberInTimeRange")
    assert value(st, A0, AGENT_LOG, now=130, opened=40, time_range=R20_50) == 0
    assert (
        value(
            st,
            A0,
            AGENT_LOG,
            now=130,
            opened=40,
            time_range=TimeRange(name="r", lower=60, upper=61),
        )
        == 1
    )
    # a segment that ended exactly at S is not in progress at S
    assert value(agent_stat("TotalNumber"), A0, AGENT_LOG, now=130, resets=[100]) == 0


def test_status_current_time_uses_the_real_since_of_the_initial_status() -> None:
    init = initial(statuses={A0: S_.WaitForNextCall}, since={A0: s(-50)})
    assert value(agent_stat("CurrentTime"), A0, [], now=10, init=init) == 60.0
    # ... but the interval clips the time in the status
    assert value(agent_stat("TotalTime"), A0, [], now=10, init=init) == 10.0


def test_zero_length_segments_between_two_events_of_one_millisecond_count() -> None:
    log = [
        fr(10, changes=[chg(DN0, 10, S_.Monitored, S_.CallRinging)]),
        fr(10, changes=[chg(DN0, 10, S_.CallRinging, S_.CallInbound)]),
    ]
    st = stat("TotalNumber", "CallRinging", subject="DNStatus")
    assert value(st, DN0, log, now=20) == 1
    st = stat("TotalAdjustedNumber", "CallRinging", subject="DNStatus")
    assert value(st, DN0, log, now=20) == 1
    st = stat("MinTime", "CallRinging,CallInbound", subject="DNStatus")
    assert value(st, DN0, log, now=20) == 0.0


def test_group_status_members_contribute_while_members() -> None:
    ready = S_.WaitForNextCall
    init = initial(statuses={A0: ready}, since={A0: s(-100)}, members={G0: (A0,)})
    log = [
        # A1 becomes ready before it joins: its segment starts at the join
        fr(5, changes=[chg(A1, 5, S_.LoggedOut, ready)]),
        fr(20, memberships=[join(G0, A1, 20)]),
        # A0 logs out and leaves the group at once: no LoggedOut segment
        fr(60, changes=[chg(A0, 60, ready, S_.LoggedOut)], memberships=[leave(G0, A0, 60)]),
    ]

    def v(category: str, mask: str = "WaitForNextCall") -> int | float:
        return value(stat(category, mask, subject="GroupStatus"), G0, log, now=100, init=init)

    assert v("TotalTime") == 60.0 + 80.0
    assert v("TotalNumber") == 2
    assert v("TotalAdjustedNumber") == 1  # A0's, ended by the leave
    assert v("TotalAdjustedTime") == 60.0
    assert v("MaxTime") == 80.0
    assert v("CurrentNumber") == 1
    assert v("CurrentTime") == 95.0  # A1 has been ready since 5
    assert v("TotalNumber", "LoggedOut") == 0
    assert v("TotalTime", "*") == 140.0


def test_a_member_joining_with_a_status_change_joins_with_the_new_status() -> None:
    log = [
        fr(
            20,
            changes=[chg(A1, 20, S_.LoggedOut, S_.WaitForNextCall)],
            memberships=[join(G0, A1, 20)],
        ),
    ]
    for mask, expected in (("LoggedOut", 1), ("WaitForNextCall", 1), ("*", 2)):
        # A0 (a member since the start) is LoggedOut; A1 never is in the group
        st = stat("TotalNumber", mask, subject="AgentStatus")
        assert value(st, G0, log, now=30) == expected, mask


def test_dn_status_of_places_and_place_groups() -> None:
    init = initial(place_dns={P0: (DN0, DN1), P1: ()}, members={PG0: (P0,)})
    log = [
        fr(10, changes=[chg(DN0, 10, S_.Monitored, S_.CallInbound)]),
        fr(30, changes=[chg(DN1, 30, S_.Monitored, S_.CallInbound)]),
        fr(40, changes=[chg(DN0, 40, S_.CallInbound, S_.Monitored)]),
        # place statuses are not DN statuses
        fr(50, changes=[chg(P0, 50, S_.Monitored, S_.CallInbound)]),
    ]
    for obj in (P0, PG0):
        st = stat("TotalTime", "CallInbound", subject="DNStatus")
        assert value(st, obj, log, now=60, init=init) == 30.0 + 30.0
        st = stat("CurrentNumber", "CallInbound", subject="DNStatus")
        assert value(st, obj, log, now=60, init=init) == 1
    st = stat("TotalTime", "CallInbound", subject="PlaceStatus")
    assert value(st, P0, log, now=60, init=init) == 10.0


# ---------------------------------------------------------------------------
# With a real engine
# ---------------------------------------------------------------------------

IN = ev.CallType.Inbound


def _engine_log() -> tuple[Engine, Initial, list[FeedResult]]:
    engine = Engine(make_center(agents=2, queues=1), now=T0)
    init = Initial.capture(engine)
    events = [
        ev.LinkConnected(time=s(0), link="ts1"),
        ev.AgentLogin(
            time=s(1), link="ts1", dn="5000", agent_id="7000", work_mode=ev.WorkMode.AutoIn
        ),
        ev.Queued(time=s(10), link="ts1", dn="8000", conn_id="c1", call_type=IN),
        ev.Diverted(time=s(15), link="ts1", dn="8000", conn_id="c1", other_dn="5000", call_type=IN),
        ev.Ringing(
            time=s(15), link="ts1", dn="5000", conn_id="c1", this_queue="8000", call_type=IN
        ),
        ev.Established(time=s(20), link="ts1", dn="5000", conn_id="c1", call_type=IN),
        ev.Released(time=s(80), link="ts1", dn="5000", conn_id="c1", call_type=IN),
        ev.AgentRemovedFromGroup(time=s(90), link="", tenant="T1", agent_id="A0", group="G0"),
        ev.Queued(time=s(95), link="ts1", dn="8000", conn_id="c2", call_type=IN),
    ]
    return engine, init, [engine.feed(e) for e in events]


def test_with_an_engine() -> None:
    _, init, log = _engine_log()

    def v(category: str, mask: str, obj: ObjectRef, subject: str = "DNAction") -> int | float:
        st = stat(category, mask, subject=subject)
        return reference_value(
            st, obj, initial=init, log=log, opened=T0, now=s(100), time_range=R0_20
        )

    assert v("TotalNumber", "CallAnswered", Q) == 1
    assert v("AverageTime", "CallAnswered", Q) == 10.0  # from entering the queue
    assert v("ServiceFactor1", "CallAnswered", Q) == 100.0
    assert v("TotalTime", "CallWait", Q) == 5.0
    assert v("CurrentNumber", "CallWait", QG) == 1
    assert v("CurrentTime", "CallWait", QG) == 5.0
    assert v("TotalTime", "CallInbound", A0) == 60.0
    assert v("TotalTime", "CallInbound", G0) == 60.0
    # WaitForNextCall 1 .. 15 and 80 .. 100
    assert v("TotalTime", "WaitForNextCall", A0, "AgentStatus") == 34.0
    assert v("TotalNumber", "WaitForNextCall", A0, "AgentStatus") == 2
    # ... of which the group saw 1 .. 15 and 80 .. 90
    assert v("TotalTime", "WaitForNextCall", G0, "GroupStatus") == 24.0
    assert v("TotalTime", "CallInbound", DN0, "DNStatus") == 60.0
    assert v("TotalTime", "CallInbound", P0, "DNStatus") == 60.0
    # A1 never logged in: LoggedOut all along
    assert v("TotalTime", "LoggedOut", A1, "AgentStatus") == 100.0
    assert v("TotalTime", "NotMonitored", DN1, "DNStatus") == 0.0


def test_initial_captured_mid_stream_knows_the_open_actions() -> None:
    engine = Engine(make_center(agents=2, queues=1), now=T0)
    engine.feed(ev.LinkConnected(time=s(0), link="ts1"))
    engine.feed(ev.Queued(time=s(10), link="ts1", dn="8000", conn_id="c1", call_type=IN))
    init = Initial.capture(engine)
    assert init.start == s(10)
    assert sorted((a.kind.value, str(a.device)) for a in init.open_actions) == [
        ("CallWait", str(Q)),
        ("Monitored", str(Q)),
        ("Monitored", str(RP)),
    ]
    assert init.statuses[DN0] is S_.Monitored
    assert init.since[DN0] == s(0)
    assert init.members[G0] == frozenset({A0, A1})
    assert init.queue_groups[QG] == (Q,)
    assert init.place_dns[P0] == (DN0,)
    log = [engine.feed(ev.Abandoned(time=s(40), link="ts1", dn="8000", conn_id="c1"))]

    def v(category: str, mask: str, now: float, log: Sequence[FeedResult]) -> int | float:
        st = stat(category, mask)
        return reference_value(st, Q, initial=init, log=log, opened=s(20), now=s(now))

    assert v("CurrentNumber", "CallWait", 30, []) == 1
    assert v("CurrentTime", "CallWait", 30, []) == 20.0
    assert v("TotalTime", "CallWait", 50, log) == 20.0  # clipped at O = 20
    assert v("TotalAdjustedTime", "CallAbandoned", 50, log) == 20.0
    assert v("TotalNumber", "CallWait", 50, log) == 0


def test_capture_needs_a_clock() -> None:
    with pytest.raises(ValueError, match="clock"):
        Initial.capture(Engine(make_center(agents=2, queues=1)))


def test_refuses_what_it_does_not_model() -> None:
    with pytest.raises(ValueError, match="opened"):
        value(stat("TotalNumber", "*"), Q, [], now=10, opened=20)
    with pytest.raises(ValueError, match="past now"):
        value(stat("TotalNumber", "*"), Q, [fr(30)], now=10)
    with pytest.raises(ValueError, match="no AgentStatus"):
        value(stat("TotalNumber", "*", subject="AgentStatus"), Q, [], now=10)


def test_generated_stream_adds_up() -> None:
    """On a generated stream: time in all statuses adds up to the interval for
    every DN, place and agent; action TotalTime equals TotalAdjustedTime
    without resets; the walk finds the log consistent (its asserts)."""
    center = make_center(agents=4, queues=2)
    engine = Engine(center, now=DEFAULT_START_MS)
    init = Initial.capture(engine)
    log = [engine.feed(e) for e in generate_stream(center, seed=3, duration_s=1800)]
    now = log[-1].time + 5_000
    opened = DEFAULT_START_MS + 300_000
    resets = [DEFAULT_START_MS + 900_000]

    def v(st: StatType, obj: ObjectRef, **kw: Any) -> int | float:
        return reference_value(st, obj, initial=init, log=log, opened=opened, now=now, **kw)

    interval = (now - resets[0]) / 1000
    for kind, subject in (
        (O_.RegDN, "DNStatus"),
        (O_.Queue, "DNStatus"),
        (O_.Place, "PlaceStatus"),
        (O_.Agent, "AgentStatus"),
    ):
        for obj in engine.objects(kind):
            got = v(stat("TotalTime", "*", subject=subject), obj, resets=resets)
            assert got == pytest.approx(interval), obj
    for group in engine.objects(O_.GroupAgents):
        # every member at every moment is in some status (static groups)
        if not group.id.startswith("G"):
            continue
        got = v(stat("TotalTime", "*", subject="GroupStatus"), group)
        assert got == pytest.approx(len(engine.group_members(group)) * (now - opened) / 1000)
    talk = "CallInbound,CallOutbound,CallInternal,CallConsult,CallUnknown,CallWait"
    for obj in (*engine.objects(O_.Agent), *engine.objects(O_.Queue), QG, TN1):
        assert v(stat("TotalTime", talk), obj) == v(stat("TotalAdjustedTime", talk), obj)
    assert v(stat("TotalNumber", "CallAnswered"), QG) > 0


# ---------------------------------------------------------------------------
# Breadth (semantics §3): Sliding profiles
# ---------------------------------------------------------------------------


def upto(log: Sequence[FeedResult], now: float) -> list[FeedResult]:
    """The FeedResults a statistic has seen at ``now`` (seconds after T0)."""
    return [r for r in log if r.time <= s(now)]


def wait(conn: str, start: float, end: float | None, device: ObjectRef = Q) -> Action:
    return act(K.CallWait, start, end, device=device, conn=conn)


#: CallEntered on Q at 5, 15, 25, 35 s; one wait 5 .. 45 s
SLIDING_LOG = [
    fr(5, act(K.CallEntered, 5, 5, device=Q, conn="w"), wait("w", 5, None)),
    fr(15, act(K.CallEntered, 15, 15, device=Q, conn="c2")),
    fr(25, act(K.CallEntered, 25, 25, device=Q, conn="c3")),
    fr(35, act(K.CallEntered, 35, 35, device=Q, conn="c4")),
    fr(45, wait("w", 5, 45)),
]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (10, 1),  # q = 10, S = max(O, -10) = O: the item at 5
        (29.999, 3),  # q = 20, S = O
        (30, 2),  # q = 30, S = 10: the item at 5 ages out
        (39.999, 3),  # still S = 10: 15, 25, 35
        (40, 2),  # S = 20: 15 ages out
        (50, 1),  # S = 30
        (60, 0),  # S = 40
    ],
)
def test_sliding_window_ages_out_step_by_step(now: float, expected: int) -> None:
    # window 20 s, step 10 s: the old edge moves by whole steps on the POSIX grid
    st = stat("TotalNumber", "CallEntered")
    assert value(st, Q, upto(SLIDING_LOG, now), now=now, window=(20, 10)) == expected


def test_sliding_window_clips_durable_items_and_ignores_resets() -> None:
    log = SLIDING_LOG

    def v(category: str, mask: str, now: float, **kw: Any) -> int | float:
        return value(stat(category, mask), Q, upto(log, now), now=now, window=(20, 10), **kw)

    # S = 30: the wait 5 .. 45 is clipped at S; adjusted: all of it
    assert v("TotalTime", "CallWait", 50) == 15.0
    assert v("TotalAdjustedTime", "CallWait", 50) == 40.0
    assert v("TotalNumber", "CallWait", 50) == 0  # started before S
    assert v("TotalTime", "CallWait", 44) == 0.0  # in progress: not yet
    assert v("CurrentNumber", "CallWait", 44) == 1
    # a reset would make S = 33 and leave one item; Sliding ignores resets
    assert v("TotalNumber", "CallEntered", 40, resets=[33]) == 2
    # S = max(O, q - W)
    assert v("TotalNumber", "CallEntered", 40, opened=27) == 1
    # a status in progress counts from S: Ready since 10, S = 70 - 20
    st = agent_stat("TotalTime")
    assert value(st, A0, AGENT_LOG[:1], now=75, window=(20, 10)) == 25.0
    assert value(agent_stat("TotalNumber"), A0, AGENT_LOG[:1], now=75, window=(20, 10)) == 1
    st = agent_stat("ElapsedTimePercentage")
    assert value(st, A0, AGENT_LOG[:1], now=75, window=(20, 10)) == 100.0


# ---------------------------------------------------------------------------
# Selection profiles
# ---------------------------------------------------------------------------


def answered(at: float, seconds: float, conn: str) -> FeedResult:
    return fr(at, act(K.CallAnswered, at - seconds, at, device=Q, conn=conn))


#: answers of 10, 20, 30, 40, 50 s completing at 100 .. 500; a wait of 20 s
#: completing at 470; a wait still open; a momentary CallEntered
SELECTION_LOG = [
    fr(50, wait("open", 50, None), act(K.CallEntered, 50, 50, device=Q, conn="open")),
    answered(100, 10, "a1"),
    answered(200, 20, "a2"),
    answered(300, 30, "a3"),
    answered(400, 40, "a4"),
    fr(450, wait("w", 450, None)),
    fr(470, wait("w", 450, 470)),
    answered(500, 50, "a5"),
]


@pytest.mark.parametrize(
    ("category", "mask", "n", "expected"),
    [
        ("TotalNumber", "CallAnswered", 3, 3),
        ("TotalNumber", "CallAnswered", 10, 5),  # fewer than N so far
        ("TotalNumber", "CallAnswered", 1, 1),
        ("TotalAdjustedNumber", "CallAnswered", 3, 3),
        ("TotalTime", "CallAnswered", 3, 120.0),  # 30 + 40 + 50
        ("TotalAdjustedTime", "CallAnswered", 3, 120.0),
        ("AverageTime", "CallAnswered", 3, 40.0),
        ("MaxTime", "CallAnswered", 3, 50.0),
        ("MinTime", "CallAnswered", 3, 30.0),
        ("TotalTime", "CallAnswered", 10, 150.0),
        # the last three completed: a4 (40), the wait (20), a5 (50); the
        # momentary CallEntered and the open wait are not items
        ("TotalNumber", "CallAnswered,CallEntered,CallWait", 3, 3),
        ("TotalTime", "CallAnswered,CallEntered,CallWait", 3, 110.0),
        ("TotalNumberInTimeRange", "CallAnswered", 3, 1),  # only 30 s is in 0-35
        ("TotalTimeInTimeRange", "CallAnswered", 3, 30.0),
        # current categories are unaffected
        ("CurrentNumber", "CallWait", 3, 1),
    ],
)
def test_selection_reads_exactly_the_last_n_completed_items(
    category: str, mask: str, n: int, expected: float
) -> None:
    r0_35 = TimeRange(name="0-35", lower=0, upper=35)
    got = value(stat(category, mask), Q, SELECTION_LOG, now=600, selection=n, time_range=r0_35)
    assert got == pytest.approx(expected)


def test_selection_edges() -> None:
    def v(category: str, mask: str, **kw: Any) -> int | float:
        return value(stat(category, mask, rel=kw.pop("rel", None)), Q, selection=3, **kw)

    # as it was at 350: 10, 20, 30
    assert v("TotalTime", "CallAnswered", log=upto(SELECTION_LOG, 350), now=350) == 60.0
    # opened at 295: a1, a2 are before O; a3 (270 .. 300) is clipped to 5 s
    assert v("TotalTime", "CallAnswered", log=SELECTION_LOG, now=600, opened=295) == 95.0
    # each mask keeps its own last N: 120 s of answers over the last three
    # completed answers or waits (40 + 20 + 50)
    got = v(
        "RelativeTimePercentage",
        "CallAnswered",
        rel="CallAnswered,CallWait",
        log=SELECTION_LOG,
        now=600,
    )
    assert got == pytest.approx(100 * 120 / 110)
    # percentages over the last N
    r0_35 = TimeRange(name="0-35", lower=0, upper=35)
    got = v(
        "TotalNumberInTimeRangePercentage",
        "CallAnswered",
        log=SELECTION_LOG,
        now=600,
        time_range=r0_35,
    )
    assert got == pytest.approx(100 / 3)
    # resets mean nothing to a Selection profile
    got = v("TotalNumber", "CallAnswered", log=SELECTION_LOG, now=600, resets=[450])
    assert got == 3
    # status segments that ended: LoggedOut 0 .. 10, Ready 10 .. 100
    assert value(agent_stat("TotalTime", "*"), A0, AGENT_LOG, now=130, selection=1) == 90.0
    assert value(agent_stat("TotalTime", "*"), A0, AGENT_LOG, now=130, selection=5) == 100.0
    assert value(agent_stat("TotalNumber", "*"), A0, AGENT_LOG, now=130, selection=5) == 2
    assert value(agent_stat("MinTime", "*"), A0, AGENT_LOG, now=130, selection=5) == 10.0
    # not made of items: refused
    with pytest.raises(NotImplementedError, match="Selection"):
        v("MaxNumber", "CallWait", log=SELECTION_LOG, now=600)
    with pytest.raises(ValueError, match="not both"):
        value(stat("TotalNumber", "*"), Q, [], now=10, selection=1, window=(10, 10))


# ---------------------------------------------------------------------------
# SinceLogin: the resets are the login instants
# ---------------------------------------------------------------------------


def test_since_login_resets_at_each_login() -> None:
    engine = Engine(make_center(agents=2, queues=1), now=T0)
    init = Initial.capture(engine)
    auto_in = ev.WorkMode.AutoIn
    events = [
        ev.LinkConnected(time=s(0), link="ts1"),
        ev.AgentLogin(time=s(1), link="ts1", dn="5000", agent_id="7000", work_mode=auto_in),
        ev.AgentNotReady(time=s(20), link="ts1", dn="5000"),
        ev.AgentLogout(time=s(50), link="ts1", dn="5000"),
        ev.AgentLogin(time=s(60), link="ts1", dn="5000", agent_id="7000", work_mode=auto_in),
    ]
    log = [engine.feed(e) for e in events]
    logins = login_instants(log, A0)
    assert logins == [s(1), s(60)]
    assert login_instants(log, A1) == []

    def v(category: str, mask: str, subject: str, since_login: bool) -> int | float:
        st = stat(category, mask, subject=subject)
        resets = logins if since_login else ()
        return reference_value(st, A0, initial=init, log=log, opened=T0, now=s(80), resets=resets)

    assert v("TotalTime", "WaitForNextCall", "AgentStatus", True) == 20.0
    assert v("TotalTime", "WaitForNextCall", "AgentStatus", False) == 19.0 + 20.0
    assert v("TotalTime", "NotReadyForNextCall", "AgentStatus", True) == 0.0
    assert v("TotalTime", "NotReadyForNextCall", "AgentStatus", False) == 30.0
    assert v("TotalNumber", "AgentLogin", "DNAction", True) == 1
    assert v("TotalNumber", "AgentLogin", "DNAction", False) == 2


# ---------------------------------------------------------------------------
# The categories of §3.3, by hand
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "mask", "rel", "resets", "expected"),
    [
        # open waits: 0 until 10, 1, 2 at 30, 3 at 40, 2 at 50, 1 from 60
        ("MaxNumber", "CallWait", None, [], 3),
        ("MinNumber", "CallWait", None, [], 0),  # the value at S = O
        ("MaxNumber", "CallWait", None, [45], 3),
        ("MinNumber", "CallWait", None, [45], 1),
        # S = 50 exactly: the value at S is the one before the FeedResult at 50
        ("MaxNumber", "CallWait", None, [50], 3),
        ("MaxNumber", "CallWait", None, [65], 1),
        # (20 * 1 + 10 * 2 + 10 * 3 + 10 * 2 + 40 * 1) / 100
        ("AverageOfCurrentNumber", "CallWait", None, [], 1.3),
        # (90² + 30² + 10²) / 2 / 100
        ("AverageOfCurrentTime", "CallWait", None, [], 45.5),
        ("AverageOfCurrentNumber", "CallWait", None, [50], 1.2),  # (10 * 2 + 40) / 50
        # ((90² - 40²) + (30² - 20²)) / 2 / 50
        ("AverageOfCurrentTime", "CallWait", None, [50], 70.0),
        ("ElapsedTimePercentage", "CallWait", None, [], 40.0),  # 10 + 30 of 100 s
        ("ElapsedTimePercentage", "CallWait", None, [50], 20.0),  # 0 + 10 of 50 s
        ("TotalNumberPerSecond", "CallEntered", None, [], 0.03),
        ("TotalNumberPerSecond", "CallEntered", None, [50], 0.0),
        ("RelativeNumberPercentage", "CallAnswered", "CallEntered", [], 100 * 2 / 3),
        ("RelativeNumber", "CallAnswered", "CallEntered", [], 2 / 3),
        ("RelativeTimePercentage", "CallAnswered", "CallWait,CallAnswered", [], 50.0),
        ("AverageNumberPerRelativeHour", "CallAnswered", "CallWait", [], 2 * 3600 / 40),
        ("TotalContinuousNumber", "CallWait", None, [], 1),
        ("TotalContinuousNumber", "CallWait", None, [45], 1),  # in progress at S
        ("CurrentNumberInTimeRange", "CallWait", None, [], 0),  # age 90: not in 0-20
        ("CurrentNumberInTimeRangePercentage", "CallWait", None, [], 0.0),
    ],
)
def test_breadth_categories_on_the_queue(
    category: str, mask: str, rel: str | None, resets: list[float], expected: float
) -> None:
    got = value(stat(category, mask, rel=rel), Q, QUEUE_LOG, now=100, resets=resets)
    assert got == pytest.approx(expected)
    counts = {"MaxNumber", "MinNumber", "TotalContinuousNumber", "CurrentNumberInTimeRange"}
    assert isinstance(got, int if category in counts else float)


def test_current_number_in_time_range_reads_ages_in_whole_seconds() -> None:
    r80_100 = TimeRange(name="80-100", lower=80, upper=100)
    log = [*QUEUE_LOG, fr(99.5, wait("c4", 99.5, None))]
    st = stat("CurrentNumberInTimeRange", "CallWait")
    assert value(st, Q, log, now=100, time_range=r80_100) == 1  # c1: 90 s
    # c4: 0.5 s old, 100 // 1 - 99.5 // 1 = 1 s: in 0-20
    assert value(st, Q, log, now=100) == 1
    st = stat("CurrentNumberInTimeRangePercentage", "CallWait")
    assert value(st, Q, log, now=100, time_range=r80_100) == 50.0
    # the RelMask is the denominator when given (momentary items are never open)
    st = stat("CurrentNumberInTimeRangePercentage", "CallWait", rel="CallWait,CallEntered")
    assert value(st, Q, log, now=100, time_range=r80_100) == 50.0


#: handed over in one FeedResult at 60 (one period); two FeedResults at 90 (two)
CONTINUOUS_LOG = [
    fr(10, wait("a", 10, None)),
    fr(20, wait("a", 10, 20)),
    fr(30, wait("b", 30, None)),
    fr(40, wait("b", 30, 40)),
    fr(50, wait("c", 50, None)),
    fr(60, wait("c", 50, 60), wait("d", 60, None)),
    fr(70, wait("d", 60, 70)),
    fr(80, wait("e", 80, None)),
    fr(90, wait("e", 80, 90)),
    fr(90, wait("f", 90, None)),
    fr(95, wait("f", 90, 95)),
]


def test_continuous_periods_and_extremes_of_actions() -> None:
    def v(category: str, now: float = 100, **kw: Any) -> int | float:
        return value(stat(category, "CallWait"), Q, upto(CONTINUOUS_LOG, now), now=now, **kw)

    # 10-20, 30-40, 50-70, 80-90, 90-95
    assert v("TotalContinuousNumber") == 5
    assert v("TotalContinuousNumber", resets=[35]) == 4  # 30-40 in progress at S
    assert v("TotalContinuousNumber", resets=[40]) == 3  # ... not when it ends at S
    assert v("TotalContinuousNumber", resets=[55]) == 3
    assert v("MaxNumber") == 1
    assert v("MinNumber") == 0
    # the hand-over at 60 is no dip; two FeedResults at 90 are
    assert v("MinNumber", now=65, resets=[55]) == 1
    assert v("MinNumber", now=65, resets=[60]) == 1
    assert v("MinNumber", now=92, resets=[90]) == 0
    assert v("MaxNumber", now=92, resets=[90]) == 1


def test_status_periods_extremes_and_averages_on_a_group() -> None:
    ready = S_.WaitForNextCall
    init = initial(statuses={A0: ready}, since={A0: s(-100)}, members={G0: (A0,)})
    log = [
        fr(5, changes=[chg(A1, 5, S_.LoggedOut, ready)]),
        fr(20, memberships=[join(G0, A1, 20)]),
        fr(60, changes=[chg(A0, 60, ready, S_.LoggedOut)], memberships=[leave(G0, A0, 60)]),
    ]

    def v(
        category: str, mask: str = "WaitForNextCall", rel: str | None = None, **kw: Any
    ) -> int | float:
        st = stat(category, mask, subject="GroupStatus", rel=rel)
        return value(st, G0, log, now=100, init=init, **kw)

    # each member's own periods: A0 (before the log .. 60), A1 (20 ..)
    assert v("TotalContinuousNumber") == 2
    assert v("TotalContinuousNumber", resets=[70]) == 1
    assert v("MaxNumber") == 2
    assert v("MinNumber") == 1
    assert v("MinNumber", "LoggedOut") == 0
    assert v("AverageOfCurrentNumber") == pytest.approx((20 + 2 * 40 + 40) / 100)
    # A0: ∫ (t + 100) over 0 .. 60; A1 (ready since 5): ∫ (t - 5) over 20 .. 100
    expected = ((160**2 - 100**2) + (95**2 - 15**2)) / 2 / 100
    assert v("AverageOfCurrentTime") == pytest.approx(expected)
    # 2 Ready segments (A0's in progress at O, A1's from its join) per 140 s
    got = v("AverageNumberPerRelativeHour", rel="WaitForNextCall")
    assert got == pytest.approx(2 * 3600 / 140)


def test_agent_status_breadth_categories() -> None:
    # A0: LoggedOut .. 10, Ready 10 .. 100, NotReady from 100 (reason at 110)
    def v(category: str, mask: str, rel: str | None = None, **kw: Any) -> int | float:
        st = stat(category, mask, subject="AgentStatus", rel=rel)
        return value(st, A0, AGENT_LOG, now=130, **kw)

    assert v("ElapsedTimePercentage", "WaitForNextCall") == pytest.approx(100 * 90 / 130)
    assert v("RelativeTimePercentage", "NotReadyForNextCall", "*") == pytest.approx(300 / 13)
    assert v("AverageNumberPerRelativeHour", "WaitForNextCall", "*") == pytest.approx(3600 / 130)
    assert v("RelativeNumberPercentage", "WaitForNextCall", "*") == pytest.approx(100 / 3)
    assert v("TotalNumberPerSecond", "*") == pytest.approx(3 / 130)
    # a change between two mask statuses continues the period; a reason
    # change is no new period either
    assert v("TotalContinuousNumber", "WaitForNextCall,NotReadyForNextCall") == 1
    assert v("TotalContinuousNumber", "*") == 1
    assert v("TotalContinuousNumber", "NotReadyForNextCall") == 1
    assert v("TotalContinuousNumber", "LoggedOut,NotReadyForNextCall") == 2
    assert v("CurrentContinuousTime", "WaitForNextCall,NotReadyForNextCall") == 120.0
    assert v("CurrentContinuousTime", "NotReadyForNextCall") == 30.0  # since 100, not 110
    assert v("CurrentContinuousTime", "WaitForNextCall") == 0.0
    assert v("CurrentContinuousTime", "*") == 130.0  # LoggedOut since the log's start
    assert v("MaxNumber", "WaitForNextCall") == 1
    assert v("MinNumber", "WaitForNextCall") == 0
    assert v("MinNumber", "WaitForNextCall", resets=[50]) == 0  # left at 100
    # a DN's own status: ringing then talking since 10
    dn_log = [
        fr(10, changes=[chg(DN0, 10, S_.Monitored, S_.CallRinging)]),
        fr(12, changes=[chg(DN0, 12, S_.CallRinging, S_.CallInbound)]),
        fr(50, changes=[chg(DN0, 50, S_.CallInbound, S_.Monitored)]),
    ]
    st = stat("CurrentContinuousTime", "CallRinging,CallInbound", subject="DNStatus")
    assert value(st, DN0, upto(dn_log, 30), now=30) == 20.0
    assert value(st, DN0, dn_log, now=60) == 0.0
    with pytest.raises(ValueError, match="Agent and Place"):
        value(stat("CurrentContinuousTime", "*", subject="GroupStatus"), G0, [], now=10)


def test_current_relative_categories_on_a_group() -> None:
    init = initial(
        statuses={A0: S_.WaitForNextCall, A1: S_.NotReadyForNextCall},
        since={A0: s(-100), A1: s(-40)},
        members={G0: (A0, A1)},
    )

    def v(category: str, mask: str, rel: str | None = None, **kw: Any) -> int | float:
        st = stat(category, mask, subject="GroupStatus", rel=rel)
        return value(st, G0, [], now=0, init=init, **kw)

    assert v("CurrentRelativeNumberPercentage", "WaitForNextCall", "*,~LoggedOut") == 50.0
    got = v("CurrentRelativeTimePercentage", "WaitForNextCall", "*,~LoggedOut")
    assert got == pytest.approx(100 * 100 / 140)
    r30_50 = TimeRange(name="30-50", lower=30, upper=50)
    assert v("CurrentNumberInTimeRange", "*", time_range=r30_50) == 1
    got = v("CurrentNumberInTimeRangePercentage", "NotReadyForNextCall", "*", time_range=r30_50)
    assert got == 50.0
    # nothing in the RelMask now: 0
    assert v("CurrentRelativeNumberPercentage", "WaitForNextCall", "LoggedOut") == 0.0


def test_current_distinct_number_counts_conn_ids() -> None:
    log = [
        fr(10, act(K.CallRinging, 10, None, conn="c1")),
        fr(12, act(K.CallRinging, 10, 12, conn="c1"), act(K.CallInbound, 12, None, conn="c1")),
        fr(20, act(K.CallOnHold, 20, None, conn="c1")),
        fr(25, act(K.CallRinging, 25, None, conn="c2")),
    ]
    mask = "CallRinging,CallInbound,CallOnHold"
    assert value(stat("CurrentNumber", mask), DN0, log, now=30) == 3
    assert value(stat("CurrentDistinctNumber", mask), DN0, log, now=30) == 2
    assert value(stat("CurrentDistinctNumber", mask), DN0, log[:3], now=30) == 1
    assert value(stat("CurrentDistinctNumber", mask), DN0, [], now=30) == 0
    # no ConnID ("") is one value: two agents ready
    ready = [
        fr(5, act(K.WaitForNextCall, 5, None, agent="A0", conn="")),
        fr(6, act(K.WaitForNextCall, 6, None, device=DN1, agent="A1", conn="")),
    ]
    init = initial(members={G0: (A0, A1)})
    st = stat("CurrentNumber", "WaitForNextCall")
    assert value(st, G0, ready, now=30, init=init) == 2
    st = stat("CurrentDistinctNumber", "WaitForNextCall")
    assert value(st, G0, ready, now=30, init=init) == 1


def _pseudo(kind: ActionKind, dn: str, start: float, end: float | None) -> Action:
    """A queue pseudo-action of the agent on ``dn`` (its ConnID is the DN id)."""
    return act(kind, start, end, device=Q, conn=f"{dn}@SW1")


#: two agents logged into Q (both ready until A1 goes not ready at 210), two
#: released calls (60 s and 120 s of talk), three calls waiting from 210
ESTIM_LOG = [
    fr(
        0,
        _pseudo(K.AgentLoginQueue, "5000", 0, None),
        _pseudo(K.AgentLoginQueue, "5001", 0, None),
        _pseudo(K.AgentReady, "5000", 0, None),
        _pseudo(K.AgentReady, "5001", 0, None),
    ),
    fr(100, act(K.CallReleased, 40, 100, device=Q, conn="c1")),
    fr(200, act(K.CallReleased, 80, 200, device=Q, conn="c2")),
    fr(205, act(K.CallReleased, 105, 205, device=RP, conn="c9")),  # another DN
    fr(210, wait("c3", 210, None), wait("c4", 210, None), wait("c5", 210, None)),
    fr(210, _pseudo(K.AgentReady, "5001", 0, 210)),
]


def test_estim_wait_time_and_load_balance() -> None:
    def v(category: str, mask: str = "CallWait", now: float = 300, **kw: Any) -> int | float:
        return value(stat(category, mask), Q, upto(ESTIM_LOG, now), now=now, **kw)

    # (3 waiting + 1) * 90 s mean talk / 2 logged in
    assert v("EstimWaitingTime") == 180.0
    # the masks are ignored
    assert v("EstimWaitingTime", "CallEntered") == 180.0
    # the mean talk time is over the interval ...
    assert v("EstimWaitingTime", resets=[150]) == 240.0
    # ... or over the last N released calls
    assert v("EstimWaitingTime", selection=1) == 240.0
    assert v("EstimWaitingTime", now=50) == 0.0  # nothing released yet
    # 100 * 3 waiting / 1 ready
    assert v("LoadBalance") == 300.0
    assert v("LoadBalance", now=209) == 0.0
    # no agent ready: divided by 1
    no_ready = [*ESTIM_LOG, fr(220, _pseudo(K.AgentReady, "5000", 0, 220))]
    assert value(stat("LoadBalance", "CallWait"), Q, no_ready, now=300) == 300.0
    # nobody logged in: divided by 1
    st = stat("EstimWaitingTime", "CallWait")
    gone = [
        *ESTIM_LOG,
        fr(
            220,
            _pseudo(K.AgentLoginQueue, "5000", 0, 220),
            _pseudo(K.AgentLoginQueue, "5001", 0, 220),
        ),
    ]
    assert value(st, Q, gone, now=300) == 360.0
    # the MediaType still applies (the queue's actions are voice)
    assert value(stat("EstimWaitingTime", "CallWait", media="chat"), Q, ESTIM_LOG, now=300) == 0


@pytest.mark.parametrize(
    ("category", "rel"),
    [
        ("MaxNumber", None),
        ("MinNumber", None),
        ("ElapsedTimePercentage", None),
        ("RelativeTimePercentage", "CallWait"),
        ("RelativeNumberPercentage", "CallWait"),
        ("RelativeNumber", "CallWait"),
        ("AverageNumberPerRelativeHour", "CallWait"),
        ("AverageOfCurrentNumber", None),
        ("AverageOfCurrentTime", None),
        ("TotalNumberPerSecond", None),
        ("TotalContinuousNumber", None),
        ("CurrentRelativeNumberPercentage", "CallWait"),
        ("CurrentRelativeTimePercentage", "CallWait"),
        ("CurrentNumberInTimeRange", None),
        ("CurrentNumberInTimeRangePercentage", None),
        ("CurrentDistinctNumber", None),
        ("EstimWaitingTime", None),
        ("LoadBalance", None),
    ],
)
def test_breadth_categories_give_zero_on_nothing(category: str, rel: str | None) -> None:
    result = value(stat(category, "CallWait", rel=rel), Q, [], now=100)
    assert result == 0
    counts = {
        "MaxNumber",
        "MinNumber",
        "TotalContinuousNumber",
        "CurrentNumberInTimeRange",
        "CurrentDistinctNumber",
    }
    assert isinstance(result, int if category in counts else float)
    # an empty interval (E = 0) too
    assert value(stat(category, "CallWait", rel=rel), Q, [], now=0) == 0


# ---------------------------------------------------------------------------
# Filters (§3.2)
# ---------------------------------------------------------------------------


def break_only(action: Action) -> bool:
    """A stand-in for ``parse_filter('ReasonCode = "Break"').matches``."""
    return action.reasons.get("ReasonCode") == "Break"


def _not_ready_log() -> tuple[Engine, Initial, list[FeedResult], list[ev.Event]]:
    """A0: ready at 5, NotReady Break at 10, Lunch at 40, Break at 70, Ready at 100."""
    engine = Engine(make_center(agents=2, queues=1), now=T0)
    init = Initial.capture(engine)

    def not_ready(t: float, reason: str) -> ev.Event:
        return ev.AgentNotReady(time=s(t), link="ts1", dn="5000", reasons={"ReasonCode": reason})

    events = [
        ev.LinkConnected(time=s(0), link="ts1"),
        ev.AgentLogin(time=s(1), link="ts1", dn="5000", agent_id="7000", this_queue="8000"),
        ev.AgentReady(time=s(5), link="ts1", dn="5000"),
        not_ready(10, "Break"),
        not_ready(40, "Lunch"),
        not_ready(70, "Break"),
        ev.AgentReady(time=s(100), link="ts1", dn="5000"),
    ]
    return engine, init, [engine.feed(e) for e in events], events


_CACHE: dict[str, tuple[Engine, Initial, list[FeedResult], list[ev.Event]]] = {}


def _engine_or_cached() -> tuple[Engine, Initial, list[FeedResult], list[ev.Event]]:
    if "not-ready" not in _CACHE:
        _CACHE["not-ready"] = _not_ready_log()
    return _CACHE["not-ready"]


@pytest.mark.parametrize(
    "predicate",
    [break_only, parse_filter('ReasonCode = "Break"').matches],
    ids=["stand-in", "parse_filter"],
)
def test_a_not_ready_period_is_timed_only_while_the_reason_matches(
    predicate: Callable[[Action], bool],
) -> None:
    _, init, log, _ = _engine_or_cached()

    def v(
        category: str,
        subject: str = "AgentStatus",
        obj: ObjectRef = A0,
        now: float = 130,
        flt: Callable[[Action], bool] | None = predicate,
        **kw: Any,
    ) -> int | float:
        st = stat(category, "NotReadyForNextCall", subject=subject)
        return reference_value(
            st,
            obj,
            initial=init,
            log=upto(log, now),
            opened=T0,
            now=s(now),
            filter=flt,
            **kw,
        )

    # Break 10 .. 40, then Lunch: only the Break part is timed
    assert v("TotalTime", now=60) == 30.0
    assert v("TotalNumber", now=60) == 1
    assert v("TotalTime", now=60, flt=None) == 50.0
    # Break 10 .. 40 and 70 .. 100; the Lunch part 40 .. 70 is not timed
    assert v("TotalTime") == 60.0
    assert v("TotalNumber") == 2  # once per period the filter became true
    assert v("TotalAdjustedNumber") == 2
    assert v("MaxTime") == 30.0
    assert v("TotalContinuousNumber") == 1 + 1
    # unfiltered: one NotReady period of 90 s
    assert v("TotalTime", flt=None) == 90.0
    assert v("TotalNumber", flt=None) == 1
    # the same for the DN's status and the place's
    assert v("TotalTime", "DNStatus", DN0) == 60.0
    assert v("TotalTime", "PlaceStatus", P0) == 60.0
    # DNAction: each reason opens a new NotReadyForNextCall action
    assert v("TotalTime", "DNAction") == 60.0
    assert v("TotalNumber", "DNAction") == 2
    # during Lunch the agent is out; current values use the real since (10)
    assert v("CurrentNumber", now=50) == 0
    assert v("CurrentNumber", now=80) == 1
    assert v("CurrentTime", now=80) == 70.0
    assert v("CurrentContinuousTime", now=80) == 10.0  # in since 70
    assert v("TotalTime", now=80, resets=[s(50)]) == 10.0
    assert v("TotalNumber", now=80, resets=[s(50)]) == 1
    assert v("MaxNumber", now=80) == 1
    assert v("MinNumber", now=80, resets=[s(20)]) == 0


def test_a_filter_that_keeps_holding_does_not_split_the_period() -> None:
    _, init, log, _ = _engine_or_cached()
    has_reason = parse_filter('KeyExists(Reasons, "ReasonCode")').matches
    lunch = parse_filter('ReasonCode = "Lunch"').matches

    def v(category: str, predicate: Callable[[Action], bool], now: float = 130) -> int | float:
        st = stat(category, "NotReadyForNextCall", subject="AgentStatus")
        return reference_value(
            st, A0, initial=init, log=upto(log, now), opened=T0, now=s(now), filter=predicate
        )

    assert v("TotalNumber", has_reason) == 1
    assert v("TotalTime", has_reason) == 90.0
    assert v("TotalContinuousNumber", has_reason) == 1
    assert v("TotalTime", lunch) == 30.0
    assert v("CurrentTime", lunch, now=50) == 40.0  # since 10, the status's start
    # RelMask items are not filtered
    st = stat("RelativeTimePercentage", "NotReadyForNextCall", subject="AgentStatus", rel="*")
    got = reference_value(st, A0, initial=init, log=log, opened=T0, now=s(130), filter=lunch)
    assert got == pytest.approx(100 * 30 / 130)
    # a status with no defining action never matches
    st = stat("TotalTime", "*", subject="AgentStatus")
    got = reference_value(st, A0, initial=init, log=log, opened=T0, now=s(130), filter=lunch)
    assert got == 30.0


def test_the_initial_defining_action_feeds_the_filter() -> None:
    *_, events = _engine_or_cached()
    # start over and capture mid-Break
    engine = Engine(make_center(agents=2, queues=1), now=T0)
    for e in events[:4]:  # up to NotReady Break at 10
        engine.feed(e)
    init = Initial.capture(engine)
    defining = init.actions[A0]
    assert defining is not None
    assert defining.reasons["ReasonCode"] == "Break"
    log = [engine.feed(e) for e in events[4:6]]  # Lunch at 40, Break at 70
    st = stat("TotalTime", "NotReadyForNextCall", subject="AgentStatus")

    def v(init: Initial) -> int | float:
        return reference_value(
            st, A0, initial=init, log=log, opened=s(10), now=s(80), filter=break_only
        )

    assert v(init) == 30.0 + 10.0
    # without the defining actions nothing matches before the first change
    assert v(attrs.evolve(init, actions={})) == 10.0


def test_service_factor_filters_its_abandons_too() -> None:
    def call(kind: ActionKind, at: float, seconds: float, vip: bool) -> Action:
        return Action(
            kind=kind,
            device=Q,
            start=s(at - seconds),
            end=s(at),
            conn_id=f"{kind.value}{at}",
            user_data={"VIP": "yes"} if vip else {},
        )

    log = [
        fr(
            100,
            call(K.CallAnswered, 100, 5, vip=True),
            call(K.CallAnswered, 100, 30, vip=False),
            call(K.CallAbandoned, 100, 40, vip=True),
            call(K.CallAbandoned, 100, 50, vip=False),
        )
    ]
    vip = parse_filter('PairExists(UserData, "VIP", "yes")').matches
    st = stat("ServiceFactor1", "CallAnswered")
    assert value(st, Q, log, now=200) == 25.0  # 1 / (2 + 2)
    assert value(st, Q, log, now=200, predicate=vip) == 50.0  # 1 / (1 + 1)


def test_a_stat_type_with_a_filter_needs_the_predicate() -> None:
    st = stat("TotalNumber", "CallAnswered", filter_name="Break")
    with pytest.raises(ValueError, match="filter="):
        value(st, Q, [], now=10)
    assert value(st, Q, [], now=10, predicate=break_only) == 0


# ---------------------------------------------------------------------------
# Validity (§3.4)
# ---------------------------------------------------------------------------

SA_CHAT = ObjectRef("T1", O_.StagingArea, "SA-chat")


def test_validity_flips_across_a_tserver_link_loss() -> None:
    engine = Engine(make_center(agents=2, queues=1), now=T0)
    init = Initial.capture(engine)
    events = [
        ev.LinkConnected(time=s(0), link="ts1"),
        ev.AgentLogin(time=s(1), link="ts1", dn="5000", agent_id="7000", this_queue="8000"),
        ev.LinkDisconnected(time=s(20), link="ts1"),
        ev.LinkConnected(time=s(30), link="ts1"),
        ev.Registered(
            time=s(31),
            link="ts1",
            dn="5000",
            agent_id="7000",
            agent_state=ev.AgentState.Ready,
        ),
        ev.AgentLogout(time=s(40), link="ts1", dn="5000"),
        ev.DNOutOfService(time=s(50), link="ts1", dn="5000"),
    ]
    log = [engine.feed(e) for e in events]

    def valid(obj: ObjectRef, now: float) -> bool:
        return validity(obj, init, upto(log, now), s(now))

    everything = (DN0, Q, RP, P0, A0, G0, PG0, QG, SW1, TN1, A1)
    # every link starts down; agents not logged in depend on nothing
    at_start = [validity(o, init, [], T0) for o in everything]
    assert at_start == [False] * 4 + [True, True] + [False] * 3 + [True, True]
    assert all(valid(o, 10) for o in everything)
    # lost: the agent stays associated with its DN; A1 has no device
    assert [valid(o, 25) for o in everything] == [False] * 9 + [True, True]
    assert all(valid(o, 35) for o in everything)
    # out of service: the DN, its place, the switch; A0 logged out at 40
    assert [valid(o, 55) for o in everything] == [
        False,
        True,
        True,
        False,
        True,
        True,
        False,
        True,
        False,
        True,
        True,
    ]
    # the engine's own view agrees on the statuses
    assert engine.status(DN0).status is S_.NotMonitored


def test_validity_of_media_channels_and_staging_areas() -> None:
    engine = Engine(make_center(agents=2, queues=1), now=T0)
    init = Initial.capture(engine)
    events: list[ev.Event | None] = [
        ev.LinkConnected(time=s(0), link="ts1"),
        ev.LinkConnected(time=s(0), link="ixn1"),
        ev.IxnAgentLogin(time=s(2), link="ixn1", agent_id="A0", place="P0", media={"chat": 1}),
        ev.LinkDisconnected(time=s(20), link="ixn1"),
        ev.LinkConnected(time=s(30), link="ixn1"),
        ev.IxnAgentLogin(time=s(32), link="ixn1", agent_id="A0", place="P0", media={"chat": 1}),
        ev.IxnAgentLogout(time=s(40), link="ixn1", agent_id="A0", place="P0"),
    ]
    log = [engine.feed(e) for e in events if e is not None]

    def valid(obj: ObjectRef, now: float, *, with_events: bool = True) -> bool:
        seen = upto(log, now)
        return validity(
            obj, init, seen, s(now), events=events[: len(seen)] if with_events else None
        )

    assert [valid(o, 10) for o in (P0, A0, G0, SA_CHAT, DN0)] == [True] * 5
    # the channel goes with its link: the place, the agent, its groups;
    # the staging area too (no other Interaction Server link is up)
    assert [valid(o, 25) for o in (P0, A0, G0, SA_CHAT, DN0, P1)] == [
        False,
        False,
        False,
        False,
        True,
        True,
    ]
    # the link back drops the partial state: nothing of A0's is left to lose
    assert [valid(o, 31) for o in (P0, A0, G0, SA_CHAT)] == [True] * 4
    assert valid(P0, 35)
    # a channel removed at logout is no longer a device of the place
    assert valid(P0, 45)
    assert valid(A0, 45)
    # ... which the log alone cannot tell from a loss
    with pytest.raises(ValueError, match="events="):
        valid(P0, 45, with_events=False)
    assert valid(DN0, 45, with_events=False)
    # a staging area depends on itself only
    init_without_sa = attrs.evolve(
        init, statuses={k: v for k, v in init.statuses.items() if k != SA_CHAT}
    )
    with pytest.raises(KeyError, match="SA-chat"):
        validity(SA_CHAT, init_without_sa, [], T0)


# ---------------------------------------------------------------------------
# On generated streams
# ---------------------------------------------------------------------------


def test_generated_stream_breadth_invariants() -> None:
    """Step-function values stay between their extremes, periods never
    outnumber segments, a whole-interval Sliding window is Growing, a huge
    Selection is TotalAdjusted*, a filter that takes every action changes
    nothing."""
    center = make_center(agents=3, queues=1)
    engine = Engine(center, now=DEFAULT_START_MS)
    init = Initial.capture(engine)
    log = [engine.feed(e) for e in generate_stream(center, seed=11, duration_s=1200)]
    now = log[-1].time + 5_000
    opened = DEFAULT_START_MS + 300_000
    resets = [DEFAULT_START_MS + 900_000]

    def v(category: str, mask: str, obj: ObjectRef, subject: str = "DNAction", **kw: Any) -> Any:
        st = stat(category, mask, subject=subject)
        return reference_value(st, obj, initial=init, log=log, opened=opened, now=now, **kw)

    for agent in engine.objects(O_.Agent):
        for mask in ("WaitForNextCall", "NotReadyForNextCall", "*,~LoggedOut"):
            for kw in ({}, {"resets": resets}):
                low = v("MinNumber", mask, agent, "AgentStatus", **kw)
                mean = v("AverageOfCurrentNumber", mask, agent, "AgentStatus", **kw)
                high = v("MaxNumber", mask, agent, "AgentStatus", **kw)
                assert low <= mean <= high <= 1, (agent, mask)
                periods = v("TotalContinuousNumber", mask, agent, "AgentStatus", **kw)
                assert periods <= v("TotalNumber", mask, agent, "AgentStatus", **kw)
        got = v("ElapsedTimePercentage", "*", agent, "AgentStatus", resets=resets)
        assert got == pytest.approx(100.0)
    talk = "CallWait,CallAnswered,CallAbandoned,CallDistributed"
    for obj in (*engine.objects(O_.Queue), QG):
        low = v("MinNumber", "CallWait", obj)
        assert (
            low <= v("AverageOfCurrentNumber", "CallWait", obj) <= v("MaxNumber", "CallWait", obj)
        )
        assert v("TotalTime", talk, obj, window=(10**9, 1_000)) == v("TotalTime", talk, obj)
        assert v("TotalTime", talk, obj, selection=10**6) == pytest.approx(
            v("TotalAdjustedTime", talk, obj)
        )
        everything = v("TotalNumber", "*", obj, filter=lambda _: True)
        assert everything == v("TotalNumber", "*", obj) > 0
        assert v("TotalNumber", "*", obj, filter=lambda _: False) == 0


def test_validity_follows_the_engine_through_interaction_server_outages() -> None:
    """The model's monitoring flags (places, agents, staging areas) against
    validity(), after every link event and logout of a generated stream."""
    center = make_center(agents=3, queues=1)
    engine = Engine(center, now=DEFAULT_START_MS)
    init = Initial.capture(engine)
    profile = StreamProfile(outages_per_hour=3, shift=2400, off_shift=600)
    events = list(generate_stream(center, seed=7, duration_s=1.5 * 3600, profile=profile))
    model = engine.model
    log: list[FeedResult] = []
    checked = 0
    for event in events:
        log.append(engine.feed(event))
        if type(event).__name__ not in ("LinkDisconnected", "LinkConnected", "IxnAgentLogout"):
            continue
        expected: dict[ObjectRef, bool] = {}
        for place in model.places.values():
            devices = [*place.dns, *place.channels.values()]
            expected[place.ref] = all(d.monitored for d in devices)
        for agent in model.agents.values():
            channels = [c for p in agent.partials.values() for c in p.channels.values()]
            expected[agent.ref] = all(d.monitored for d in [*agent.voice_dns, *channels])
        expected[SA_CHAT] = model.staging[("T1", "SA-chat")].monitored
        for ref, want in expected.items():
            got = validity(ref, init, log, log[-1].time, events=events[: len(log)])
            assert got == want, (ref, event)
            checked += not want
    assert checked > 0  # some were invalid at some point
