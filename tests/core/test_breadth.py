"""Statistics breadth (issue 5), through the public Engine API with hand-written
events: filters on status periods and on actions, Sliding / Selection /
SinceLogin profiles, a Formula, validity on link cuts, the categories of
``docs/semantics.md`` §3.3 on small hand-computed scenarios, CurrentState
trees, the profile an engine serves, and what is refused.

The center is ``make_center(agents=3, queues=1)``: agents A0..A2 on
extensions 5000..5002 (places P0..P2, logins 7000..7002), queue 8000,
Interaction Server links ixn1 / ixn2. Every link starts down. Times are
written as seconds after :data:`T0` (``at(s)``), 2026-03-02 08:00:00 UTC: a
multiple of every Sliding step used here, so window edges fall on round
seconds.
"""

from __future__ import annotations

from typing import Any

import pytest

from statengine import Engine, LocalProtocolError, ObjectRef, ObjectType
from statengine.config import load_packaged
from statengine.core import events as ev
from statengine.core.currentstate import StateNode
from statengine.core.engine import StatisticsProfile
from statengine.core.filters import load_filters
from statengine.core.notify import Notification, NotificationSettings, NotifyMode, Reason
from statengine.core.profiles import ProfileKind, load_time_profiles
from statengine.core.stattypes import StatType, load_time_ranges
from statengine.core.status import Status
from statengine.errors import ConfigError
from statengine.testing import DEFAULT_START_MS, make_center

T0 = DEFAULT_START_MS
IN = ev.CallType.Inbound
CENTER = make_center(agents=3, queues=1, group_size=3)

Q = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
A0 = ObjectRef("T1", ObjectType.Agent, "A0")
A1 = ObjectRef("T1", ObjectType.Agent, "A1")
P0 = ObjectRef("T1", ObjectType.Place, "P0")
P1 = ObjectRef("T1", ObjectType.Place, "P1")
P2 = ObjectRef("T1", ObjectType.Place, "P2")
DN0 = ObjectRef("T1", ObjectType.RegDN, "5000@SW1")
G0 = ObjectRef("T1", ObjectType.GroupAgents, "G0")

NONE = NotificationSettings(mode=NotifyMode.NONE)
CHANGES = NotificationSettings(mode=NotifyMode.CHANGES)

FILTERS = {
    "Break": 'ReasonCode = "Break"',
    "Lunch": 'ReasonCode = "Lunch"',
    "Gold": 'PairExists(UserData, "Segment", "Gold")',
}
PROFILE = StatisticsProfile(
    time_profiles=load_time_profiles(
        {
            "Ever,Growing": "ever",
            "Minute,Growing": "0:00+0:01",
            "Last60,Sliding": "60:10",
            "Last3,Selection": "3",
            "Shift,SinceLogin": "",
        }
    ),
    time_ranges=load_time_ranges({"Upto20": "0-20", "From20": "20-50"}),
    filters=load_filters(FILTERS),
)


def at(s: float) -> int:
    return T0 + round(s * 1000)


def new_engine(profile: StatisticsProfile = PROFILE, *, ixn: bool = False) -> Engine:
    eng = Engine(CENTER, now=T0, profile=profile)
    eng.feed(ev.LinkConnected(time=T0, link="ts1"))
    if ixn:
        eng.feed(ev.LinkConnected(time=T0, link="ixn1"))
        eng.feed(ev.LinkConnected(time=T0, link="ixn2"))
    return eng


def stat_type(
    category: str,
    mask: str | None = None,
    *,
    objects: str = "Queue",
    subject: str = "DNAction",
    **extra: Any,
) -> StatType:
    definition: dict[str, Any] = {"Objects": objects, "Category": category, "Subject": subject}
    if mask is not None:
        definition["MainMask"] = mask
    return StatType.from_definition({**definition, **extra})


def agent_type(category: str, mask: str | None = None, **extra: Any) -> StatType:
    return stat_type(category, mask, objects="Agent", subject="AgentStatus", **extra)


def opened(eng: Engine, ref_id: Any, obj: ObjectRef, st: StatType | str, **kw: Any) -> Notification:
    kw.setdefault("notification", NONE)
    return eng.open_statistic("t", ref_id, obj, st, **kw)


def value(eng: Engine, ref_id: Any, when: float | None = None) -> Any:
    if when is not None:
        eng.advance(at(when))
    return eng.peek("t", ref_id).value


# -- voice events ------------------------------------------------------------


def login(eng: Engine, agent: int, s: float, *, auto: bool = True, queue: str = "") -> None:
    eng.feed(
        ev.AgentLogin(
            time=at(s),
            link="ts1",
            dn=str(5000 + agent),
            agent_id=str(7000 + agent),
            work_mode=ev.WorkMode.AutoIn if auto else ev.WorkMode.ManualIn,
            this_queue=queue,
        )
    )


def logout(eng: Engine, agent: int, s: float) -> None:
    eng.feed(
        ev.AgentLogout(time=at(s), link="ts1", dn=str(5000 + agent), agent_id=str(7000 + agent))
    )


def ready(eng: Engine, agent: int, s: float) -> None:
    eng.feed(
        ev.AgentReady(time=at(s), link="ts1", dn=str(5000 + agent), agent_id=str(7000 + agent))
    )


def not_ready(eng: Engine, agent: int, s: float, reason: str | None = None) -> None:
    eng.feed(
        ev.AgentNotReady(
            time=at(s),
            link="ts1",
            dn=str(5000 + agent),
            agent_id=str(7000 + agent),
            reasons={"ReasonCode": reason} if reason else {},
        )
    )


def after_call_work(eng: Engine, agent: int, s: float) -> None:
    eng.feed(
        ev.AgentAfterCallWork(
            time=at(s), link="ts1", dn=str(5000 + agent), agent_id=str(7000 + agent)
        )
    )


def queued(eng: Engine, conn: str, s: float, **data: Any) -> None:
    eng.feed(ev.Queued(time=at(s), link="ts1", dn="8000", conn_id=conn, call_type=IN, **data))


def abandoned(eng: Engine, conn: str, s: float) -> None:
    eng.feed(ev.Abandoned(time=at(s), link="ts1", dn="8000", conn_id=conn))


def answered(eng: Engine, conn: str, s: float, agent: int = 0) -> None:
    """A call waiting on 8000 is diverted to the agent's DN, rings and is answered."""
    dn = str(5000 + agent)
    t = at(s)
    eng.feed(ev.Diverted(time=t, link="ts1", dn="8000", conn_id=conn, other_dn=dn, call_type=IN))
    eng.feed(ev.Ringing(time=t, link="ts1", dn=dn, conn_id=conn, this_queue="8000", call_type=IN))
    eng.feed(ev.Established(time=t, link="ts1", dn=dn, conn_id=conn, call_type=IN))


def released(eng: Engine, conn: str, s: float, agent: int = 0) -> None:
    eng.feed(ev.Released(time=at(s), link="ts1", dn=str(5000 + agent), conn_id=conn))


def call(
    eng: Engine, conn: str, queued_s: float, answered_s: float, released_s: float, agent: int = 0
) -> None:
    queued(eng, conn, queued_s)
    answered(eng, conn, answered_s, agent)
    released(eng, conn, released_s, agent)


def node(v: Any) -> StateNode:
    """A CurrentState value (notifications type values as numbers)."""
    assert isinstance(v, StateNode), v
    return v


def reasons_of(notes: tuple[Notification, ...], ref_id: Any) -> list[Reason]:
    return [n.reason for n in notes if n.ref_id == ref_id]


# ---------------------------------------------------------------------------
# Filters (§3.2)
# ---------------------------------------------------------------------------


def break_lunch_break(eng: Engine) -> None:
    """A0 logs in at 1, not ready for Break at 10, the reason changes to Lunch
    at 70 and back to Break at 100, ready at 120: Break 60 s + Lunch 30 s +
    Break 20 s in one NotReady period."""
    login(eng, 0, 1, auto=False)
    not_ready(eng, 0, 10, "Break")
    not_ready(eng, 0, 70, "Lunch")
    not_ready(eng, 0, 100, "Break")
    ready(eng, 0, 120)


def test_a_not_ready_period_is_timed_only_while_the_reason_matches() -> None:
    eng = new_engine()
    opened(eng, "time", A0, agent_type("TotalTime", "NotReadyForNextCall"), filter="Break")
    opened(eng, "n", A0, agent_type("TotalNumber", "NotReadyForNextCall"), filter="Break")
    opened(eng, "lunch", A0, agent_type("TotalTime", "NotReadyForNextCall"), filter="Lunch")
    opened(eng, "all", A0, agent_type("TotalTime", "NotReadyForNextCall"))
    opened(eng, "all_n", A0, agent_type("TotalNumber", "NotReadyForNextCall"))
    login(eng, 0, 1, auto=False)
    not_ready(eng, 0, 10, "Break")
    assert value(eng, "time", 40) == 30.0  # in progress, matching: counts up to now
    not_ready(eng, 0, 70, "Lunch")
    assert value(eng, "time", 85) == 60.0  # frozen during Lunch
    assert value(eng, "lunch") == 15.0
    assert value(eng, "n") == 1
    not_ready(eng, 0, 100, "Break")
    assert value(eng, "time", 110) == 70.0
    ready(eng, 0, 120)
    eng.advance(at(200))
    assert value(eng, "time") == 80.0
    assert value(eng, "n") == 2  # two periods during which the filter became true
    assert value(eng, "lunch") == 30.0
    # unfiltered: one NotReady segment of 110 s (a reason change ends nothing)
    assert value(eng, "all") == 110.0
    assert value(eng, "all_n") == 1


def test_a_new_reason_opens_a_new_filtered_not_ready_action() -> None:
    """Subject DNAction: each reason opens a NotReadyForNextCall action; the
    filter picks the Break ones (60 s and 20 s), counted when they start."""
    eng = new_engine()
    nr = "NotReadyForNextCall"
    opened(eng, "time", A0, stat_type("TotalTime", nr, objects="Agent"), filter="Break")
    opened(eng, "n", A0, stat_type("TotalNumber", nr, objects="Agent"), filter="Break")
    opened(eng, "max", A0, stat_type("MaxTime", nr, objects="Agent"), filter="Break")
    opened(eng, "cur", A0, stat_type("CurrentNumber", nr, objects="Agent"), filter="Break")
    opened(eng, "all_n", A0, stat_type("TotalNumber", nr, objects="Agent"))
    login(eng, 0, 1, auto=False)
    not_ready(eng, 0, 10, "Break")
    not_ready(eng, 0, 70, "Lunch")
    assert (value(eng, "time"), value(eng, "n"), value(eng, "cur")) == (60.0, 1, 0)
    not_ready(eng, 0, 100, "Break")
    assert value(eng, "cur") == 1
    ready(eng, 0, 120)
    assert (value(eng, "time"), value(eng, "n"), value(eng, "max")) == (80.0, 2, 60.0)
    assert value(eng, "all_n") == 3


def test_filters_of_a_config_section_and_of_the_request() -> None:
    """The `[filters]` of a config, named by a stat type's Filter key or by
    the `filter=` argument of open_statistic (which wins)."""
    profile = StatisticsProfile.from_sections(
        {
            "stattypes": {
                "BreakTime": {
                    "Objects": ["Agent"],
                    "Category": "TotalTime",
                    "Subject": "AgentStatus",
                    "MainMask": "NotReadyForNextCall",
                    "Filter": "Break",
                },
                "BreakCount": {
                    "Objects": ["Agent"],
                    "Category": "TotalNumber",
                    "Subject": "AgentStatus",
                    "MainMask": "NotReadyForNextCall",
                    "Filter": "Break",
                },
                "NotReadyTime": {
                    "Objects": ["Agent"],
                    "Category": "TotalTime",
                    "Subject": "AgentStatus",
                    "MainMask": "NotReadyForNextCall",
                },
            },
            "filters": FILTERS,
            "time_profiles": {"Ever,Growing": "ever"},
        },
        source="breadth.toml",
    )
    assert profile.filters["Break"].text == 'ReasonCode = "Break"'
    eng = new_engine(profile)
    opened(eng, 1, A0, "BreakTime", profile="Ever")
    opened(eng, 2, A0, "BreakCount", profile="Ever")
    opened(eng, 3, A0, "NotReadyTime", profile="Ever", filter="Break")
    opened(eng, 4, A0, "BreakTime", profile="Ever", filter="Lunch")
    opened(eng, 5, A0, "NotReadyTime", profile="Ever")
    break_lunch_break(eng)
    eng.advance(at(200))
    assert [value(eng, i) for i in (1, 2, 3, 4, 5)] == [80.0, 2, 80.0, 30.0, 110.0]


def test_action_filter_on_user_data_for_queue_statistics() -> None:
    eng = new_engine()
    opened(eng, "entered", Q, stat_type("TotalNumber", "CallEntered"), filter="Gold")
    opened(eng, "entered_all", Q, stat_type("TotalNumber", "CallEntered"))
    opened(eng, "waiting", Q, stat_type("CurrentNumber", "CallWait"), filter="Gold")
    opened(eng, "waiting_all", Q, stat_type("CurrentNumber", "CallWait"))
    opened(eng, "wait_time", Q, stat_type("TotalTime", "CallWait"), filter="Gold")
    queued(eng, "c1", 10, user_data={"Segment": "Gold"})
    queued(eng, "c2", 11, user_data={"Segment": "Silver"})
    queued(eng, "c3", 12)
    queued(eng, "c4", 13, user_data={"Segment": "Gold", "Lang": "fr"})
    assert [value(eng, r) for r in ("entered", "entered_all", "waiting", "waiting_all")] == [
        2,
        4,
        2,
        4,
    ]
    abandoned(eng, "c1", 30)  # Gold, waited 20 s
    abandoned(eng, "c2", 31)  # Silver, not counted
    assert value(eng, "waiting") == 1
    assert value(eng, "wait_time") == 20.0
    answered(eng, "c4", 40)  # Gold, waited 27 s
    assert value(eng, "waiting") == 0
    assert value(eng, "waiting_all") == 1
    assert value(eng, "wait_time") == 47.0


def test_a_durable_action_is_filtered_on_its_data_when_it_opened() -> None:
    """statengine's actions are immutable (§3.2): data attached while a call
    waits does not make its CallWait count."""
    eng = new_engine()
    opened(eng, "waiting", Q, stat_type("CurrentNumber", "CallWait"), filter="Gold")
    opened(eng, "wait_n", Q, stat_type("TotalNumber", "CallWait"), filter="Gold")
    queued(eng, "c1", 1)
    eng.feed(
        ev.AttachedDataChanged(
            time=at(5), link="ts1", dn="8000", conn_id="c1", user_data={"Segment": "Gold"}
        )
    )
    assert (value(eng, "waiting"), value(eng, "wait_n")) == (0, 0)
    abandoned(eng, "c1", 10)
    assert (value(eng, "waiting"), value(eng, "wait_n")) == (0, 0)


# ---------------------------------------------------------------------------
# Sliding, Selection, SinceLogin (§3.1)
# ---------------------------------------------------------------------------


def window_start(now_s: float, opened_s: float = 0, window: int = 60, step: int = 10) -> float:
    """S = max(O, q - W), q = now - now mod T (T0 is on the step grid)."""
    q = now_s - now_s % step
    return max(opened_s, q - window)


#: calls answered at 5 (after waiting 3 s), 20 (10 s) and 41 (1 s)
ANSWERED_AT = {5: 3, 20: 10, 41: 1}


def sliding_engine() -> Engine:
    eng = new_engine()
    opened(eng, "n", Q, stat_type("TotalNumber", "CallAnswered"), profile="Last60")
    opened(eng, "t", Q, stat_type("TotalTime", "CallAnswered"), profile="Last60")
    opened(
        eng,
        "f",
        Q,
        stat_type("Formula", Expression="2 * TotalNumber(CallAnswered)"),
        profile="Last60",
    )
    for i, (answer, wait) in enumerate(ANSWERED_AT.items()):
        queued(eng, f"c{i}", answer - wait)
        answered(eng, f"c{i}", answer, agent=i)
    return eng


def test_sliding_window_ages_out_step_by_step() -> None:
    eng = sliding_engine()
    # read every half second from 50 to 120
    for now in (50 + k / 2 for k in range(141)):
        s = window_start(now)
        inside = [a for a in ANSWERED_AT if a >= s]
        assert value(eng, "n", now) == len(inside), now
        assert value(eng, "t") == sum(ANSWERED_AT[a] for a in inside), now


def test_sliding_window_edges_to_the_millisecond() -> None:
    eng = sliding_engine()
    # the answer at 5 leaves when S passes 5, i.e. at q = 70
    assert value(eng, "n", 69.999) == 3
    assert value(eng, "f") == 6.0  # a Formula's terms read the window too
    assert value(eng, "n", 70) == 2
    assert value(eng, "f") == 4.0
    # an item exactly at S still belongs (the interval is closed): 20 is in at S = 20
    assert value(eng, "n", 89.999) == 2
    assert value(eng, "n", 90) == 1
    assert value(eng, "n", 109.999) == 1
    assert value(eng, "n", 110) == 0


def test_sliding_window_clips_a_status_in_progress_at_its_old_edge() -> None:
    eng = new_engine()
    login(eng, 0, 0)  # ready from 0, for good
    opened(eng, 1, A0, agent_type("TotalTime", "WaitForNextCall"), profile="Last60")
    opened(eng, 2, A0, agent_type("TotalNumber", "WaitForNextCall"), profile="Last60")
    for now in (30, 60, 69.999, 70, 75, 80, 125):
        assert value(eng, 1, now) == pytest.approx(now - window_start(now)), now
        assert value(eng, 2) == 1  # the segment in progress at S counts once


def test_selection_keeps_exactly_the_last_n_items() -> None:
    eng = new_engine()
    opened(eng, "avg", Q, stat_type("AverageTime", "CallAnswered"), profile="Last3")
    opened(eng, "n", Q, stat_type("TotalNumber", "CallAnswered"), profile="Last3")
    opened(eng, "adj", Q, stat_type("TotalAdjustedNumber", "CallAnswered"), profile="Last3")
    opened(eng, "max", Q, stat_type("MaxTime", "CallAnswered"), profile="Last3")
    opened(eng, "min", Q, stat_type("MinTime", "CallAnswered"), profile="Last3")
    opened(eng, "total", Q, stat_type("TotalTime", "CallAnswered"), profile="Last3")
    opened(eng, "entered", Q, stat_type("TotalNumber", "CallEntered"), profile="Last3")
    opened(eng, "waiting", Q, stat_type("CurrentNumber", "CallWait"), profile="Last3")
    t = 0
    for i, wait in enumerate((10, 20, 30, 40)):
        call(eng, f"c{i}", t, t + wait, t + wait + 5)
        t += wait + 10
        if i == 1:
            assert value(eng, "avg") == 15.0  # fewer than N so far: all of them
            assert value(eng, "n") == 2
    assert value(eng, "avg") == 30.0  # (20 + 30 + 40) / 3
    assert value(eng, "n") == value(eng, "adj") == 3
    assert (value(eng, "max"), value(eng, "min"), value(eng, "total")) == (40.0, 20.0, 90.0)
    # momentary actions are not items of a selection
    assert value(eng, "entered") == 0
    # current categories are unaffected by the profile
    queued(eng, "c9", t)
    assert value(eng, "waiting") == 1
    # time alone changes nothing
    assert value(eng, "avg", t + 3600) == 30.0


def test_since_login_restarts_at_each_login() -> None:
    eng = new_engine()
    opened(eng, "ready", A0, agent_type("TotalTime", "WaitForNextCall"), profile="Shift")
    opened(eng, "ready_n", A0, agent_type("TotalNumber", "WaitForNextCall"), profile="Shift")
    assert value(eng, "ready") == 0
    login(eng, 0, 10)
    assert value(eng, "ready", 40) == 30.0
    logout(eng, 0, 50)
    assert value(eng, "ready", 60) == 40.0  # a logout does not reset
    login(eng, 0, 70)
    assert value(eng, "ready", 90) == 20.0
    assert value(eng, "ready_n") == 1
    not_ready(eng, 0, 100)
    ready(eng, 0, 110)
    assert value(eng, "ready", 130) == 50.0
    assert value(eng, "ready_n") == 2


def session(eng: Engine) -> None:
    """A0: logged in 10-50 (not ready 20-30), logged in again at 70."""
    login(eng, 0, 10)
    not_ready(eng, 0, 20)
    ready(eng, 0, 30)
    logout(eng, 0, 50)
    login(eng, 0, 70)
    eng.advance(at(80))


def test_since_login_resets_action_statistics() -> None:
    eng = new_engine()  # no status statistic anywhere in the pool
    opened(
        eng, "logins", A0, stat_type("TotalNumber", "AgentLogin", objects="Agent"), profile="Shift"
    )
    opened(
        eng,
        "nr",
        A0,
        stat_type("TotalTime", "NotReadyForNextCall", objects="Agent"),
        profile="Shift",
    )
    session(eng)
    assert value(eng, "logins") == 1  # the AgentLogin of the second session only
    assert value(eng, "nr") == 0.0  # the not-ready time of the first session is gone


def test_since_login_counts_the_actions_of_the_login_itself() -> None:
    """An item at exactly the reset instant belongs to the new interval (§2.5)."""
    eng = new_engine()
    opened(eng, "ready", A0, agent_type("TotalTime", "WaitForNextCall"), profile="Shift")
    opened(
        eng, "logins", A0, stat_type("TotalNumber", "AgentLogin", objects="Agent"), profile="Shift"
    )
    opened(
        eng, "logged_in", A0, stat_type("TotalNumber", "LoggedIn", objects="Agent"), profile="Shift"
    )
    session(eng)
    assert value(eng, "ready") == 10.0
    assert value(eng, "logins") == 1
    assert value(eng, "logged_in") == 1


@pytest.mark.parametrize(
    ("obj", "objects"),
    [(Q, "Queue"), (P0, "Place"), (G0, "GroupAgents"), (DN0, "RegDN")],
)
def test_since_login_is_refused_for_non_agent_objects(obj: ObjectRef, objects: str) -> None:
    eng = new_engine()
    before = eng.pool_statistics()
    with pytest.raises(LocalProtocolError, match="SinceLogin"):
        opened(
            eng,
            1,
            obj,
            stat_type(
                "TotalNumber",
                "CallEntered" if objects == "Queue" else "CallInbound",
                objects=objects,
            ),
            profile="Shift",
        )
    assert eng.pool_statistics() == before


# ---------------------------------------------------------------------------
# Formula (docs/formula.md)
# ---------------------------------------------------------------------------


def test_formula_aht_equals_the_hand_computed_value() -> None:
    eng = new_engine()
    aht = stat_type(
        "Formula",
        objects="Agent",
        Expression="(TotalTime(CallInbound) + TotalTime(AfterCallWork)) "
        "/ TotalNumber(CallInboundCompleted)",
    )
    opened(eng, "aht", A0, aht)
    status_aht = agent_type(
        "Formula",
        Expression="(TotalTime(CallInbound) + TotalTime(AfterCallWork)) / TotalNumber(CallInbound)",
    )
    opened(eng, "status_aht", A0, status_aht)
    assert value(eng, "aht") == 0.0  # 0 / 0
    login(eng, 0, 0)
    call(eng, "c1", 10, 12, 112)
    after_call_work(eng, 0, 112)
    assert value(eng, "aht", 120) == 100.0  # the ACW in progress counts when it ends
    assert value(eng, "status_aht") == 108.0  # the status version counts it now
    ready(eng, 0, 132)
    assert value(eng, "aht") == 120.0
    call(eng, "c2", 140, 145, 205)
    after_call_work(eng, 0, 205)
    ready(eng, 0, 245)
    # (100 + 60 + 20 + 40) / 2
    assert value(eng, "aht", 300) == 110.0
    assert value(eng, "status_aht") == 110.0


# ---------------------------------------------------------------------------
# Validity (§3.4)
# ---------------------------------------------------------------------------


def test_a_tserver_link_cut_gives_invalid_then_valid() -> None:
    eng = new_engine()
    login(eng, 0, 1)
    opened(eng, "wait", Q, stat_type("CurrentNumber", "CallWait"), notification=CHANGES)
    opened(eng, "entered", Q, stat_type("TotalNumber", "CallEntered"), notification=CHANGES)
    opened(eng, "state_q", Q, stat_type("CurrentState"), notification=CHANGES)
    opened(eng, "state_a", A0, agent_type("CurrentState"), notification=CHANGES)
    opened(eng, "a0", A0, agent_type("TotalTime", "WaitForNextCall"), notification=NONE)
    opened(eng, "a1", A1, agent_type("TotalTime", "WaitForNextCall"), notification=NONE)
    queued(eng, "c1", 5)
    cut = eng.feed(ev.LinkDisconnected(time=at(10), link="ts1")).notifications
    assert reasons_of(cut, "wait")[-1] is Reason.INVALID
    assert reasons_of(cut, "entered") == [Reason.INVALID]
    assert [n.value for n in cut if n.ref_id == "wait" and n.reason is Reason.INVALID] == [0]
    back = eng.feed(ev.LinkConnected(time=at(20), link="ts1")).notifications
    assert reasons_of(back, "wait") == [Reason.VALID]
    assert reasons_of(back, "entered") == [Reason.VALID]
    assert [n.value for n in back if n.ref_id == "entered"] == [1]
    # an agent depends on its devices while logged in: A0 is, A1 is not
    assert reasons_of(cut, "a0") == [Reason.INVALID]
    assert reasons_of(back, "a0") == [Reason.VALID]
    assert reasons_of(cut, "a1") == reasons_of(back, "a1") == []
    # no validity for CurrentState categories
    for ref_id in ("state_q", "state_a"):
        assert Reason.INVALID not in reasons_of(cut, ref_id)
        assert Reason.VALID not in reasons_of(back, ref_id)


def test_a_statistic_opened_while_its_dn_is_lost_is_invalid_at_once() -> None:
    eng = new_engine()
    eng.feed(ev.LinkDisconnected(time=at(10), link="ts1"))
    note = opened(eng, 1, Q, stat_type("CurrentNumber", "CallWait"), notification=CHANGES)
    assert note.reason is Reason.OPENED
    assert reasons_of(eng.advance(at(11)).notifications, 1) == [Reason.INVALID]
    assert reasons_of(eng.feed(ev.LinkConnected(time=at(20), link="ts1")).notifications, 1) == [
        Reason.VALID
    ]


def test_an_interaction_server_cut_invalidates_places_with_media_on_that_link_only() -> None:
    eng = new_engine(ixn=True)
    eng.feed(
        ev.IxnAgentLogin(time=at(1), link="ixn1", agent_id="A0", place="P0", media={"chat": 1})
    )
    eng.feed(
        ev.IxnAgentLogin(time=at(1), link="ixn2", agent_id="A1", place="P1", media={"chat": 1})
    )
    place_type = stat_type("TotalNumber", "CallInbound", objects="Place")
    for ref_id, obj in (("p0", P0), ("p1", P1), ("p2", P2)):
        opened(eng, ref_id, obj, place_type, notification=CHANGES)
    cut = eng.feed(ev.LinkDisconnected(time=at(10), link="ixn1")).notifications
    assert reasons_of(cut, "p0") == [Reason.INVALID]
    assert reasons_of(cut, "p1") == reasons_of(cut, "p2") == []
    # valid again, exactly once, by the time A0 is back on the restored link
    # (the next test pins that it happens at the reconnect itself)
    back = eng.feed(ev.LinkConnected(time=at(20), link="ixn1")).notifications
    back += eng.feed(
        ev.IxnAgentLogin(time=at(30), link="ixn1", agent_id="A0", place="P0", media={"chat": 1})
    ).notifications
    assert reasons_of(back, "p0") == [Reason.VALID]
    assert reasons_of(back, "p1") == reasons_of(back, "p2") == []


def test_an_interaction_server_link_back_makes_its_places_valid_again() -> None:
    eng = new_engine(ixn=True)
    eng.feed(
        ev.IxnAgentLogin(time=at(1), link="ixn1", agent_id="A0", place="P0", media={"chat": 1})
    )
    opened(
        eng,
        "p0",
        P0,
        stat_type("TotalNumber", "CallInbound", objects="Place"),
        notification=CHANGES,
    )
    opened(
        eng,
        "a0",
        A0,
        stat_type("TotalNumber", "CallInbound", objects="Agent"),
        notification=CHANGES,
    )
    cut = eng.feed(ev.LinkDisconnected(time=at(10), link="ixn1")).notifications
    assert reasons_of(cut, "p0") == reasons_of(cut, "a0") == [Reason.INVALID]
    back = eng.feed(ev.LinkConnected(time=at(20), link="ixn1")).notifications
    # the channels of ixn1 are gone; P0's DN 5000 is monitored
    assert reasons_of(back, "p0") == reasons_of(back, "a0") == [Reason.VALID]


# ---------------------------------------------------------------------------
# More categories (§3.3)
# ---------------------------------------------------------------------------


def test_max_and_min_number() -> None:
    eng = new_engine()
    for ref_id, cat, prof in (
        ("max", "MaxNumber", "Ever"),
        ("min", "MinNumber", "Ever"),
        ("max_m", "MaxNumber", "Minute"),
        ("min_m", "MinNumber", "Minute"),
    ):
        opened(eng, ref_id, Q, stat_type(cat, "CallWait"), profile=prof)
    assert (value(eng, "max"), value(eng, "min")) == (0, 0)
    queued(eng, "c1", 10)
    queued(eng, "c2", 15)
    queued(eng, "c3", 20)
    abandoned(eng, "c1", 30)
    abandoned(eng, "c2", 40)
    assert (value(eng, "max", 50), value(eng, "min")) == (3, 0)
    # the Minute profile resets at 60 with one call waiting: the value at S counts
    assert (value(eng, "max_m", 65), value(eng, "min_m")) == (1, 1)
    abandoned(eng, "c3", 70)
    queued(eng, "c4", 80)
    queued(eng, "c5", 85)
    assert (value(eng, "max_m", 90), value(eng, "min_m")) == (2, 0)
    assert (value(eng, "max"), value(eng, "min")) == (3, 0)


def test_max_number_of_a_status() -> None:
    """MaxNumber over a group: members in the mask at once."""
    eng = new_engine()
    opened(
        eng,
        "max",
        G0,
        stat_type("MaxNumber", "NotReadyForNextCall", objects="GroupAgents", subject="GroupStatus"),
    )
    opened(
        eng,
        "min",
        G0,
        stat_type("MinNumber", "LoggedOut", objects="GroupAgents", subject="GroupStatus"),
    )
    for i in range(3):
        login(eng, i, 1 + i)
    not_ready(eng, 0, 10)
    not_ready(eng, 1, 11)
    ready(eng, 0, 12)
    not_ready(eng, 2, 13)
    assert value(eng, "max", 20) == 2
    assert value(eng, "min") == 0


def test_average_of_current_number_and_time_are_exact_integrals() -> None:
    eng = new_engine()
    opened(eng, "n", Q, stat_type("AverageOfCurrentNumber", "CallWait"), profile="Ever")
    opened(eng, "t", Q, stat_type("AverageOfCurrentTime", "CallWait"), profile="Ever")
    opened(eng, "n_m", Q, stat_type("AverageOfCurrentNumber", "CallWait"), profile="Minute")
    queued(eng, "c1", 0)
    queued(eng, "c2", 0)
    assert value(eng, "n", 30) == 2.0
    assert value(eng, "t") == 30.0  # CurrentTime = 2 t: mean over [0, 30] is 30
    abandoned(eng, "c1", 30)
    abandoned(eng, "c2", 30)
    assert value(eng, "n", 60) == 1.0  # 2 for 30 s, then 0 for 30 s
    assert value(eng, "t") == 15.0  # 900 s^2 / 60 s
    # after the reset at 60: one call waiting from 70 to 80, read at 90
    queued(eng, "c3", 70)
    abandoned(eng, "c3", 80)
    assert value(eng, "n_m", 90) == pytest.approx(10 / 30)
    # an odd millisecond: 1 waiting for 1 ms of 3 ms
    queued(eng, "c4", 90.001)
    abandoned(eng, "c4", 90.002)
    assert value(eng, "n_m", 90.003) == pytest.approx((10_000 + 1) / 30_003)


def test_total_continuous_number_of_actions_and_statuses() -> None:
    eng = new_engine()
    queued(eng, "c0", 0)
    login(eng, 0, 0)  # ready from 0
    eng.advance(at(5))
    opened(eng, "q", Q, stat_type("TotalContinuousNumber", "CallWait"), profile="Ever")
    opened(
        eng,
        "a",
        A0,
        agent_type("TotalContinuousNumber", "WaitForNextCall,NotReadyForNextCall"),
        profile="Ever",
    )
    assert value(eng, "q") == 1  # held at S
    assert value(eng, "a") == 1
    abandoned(eng, "c0", 10)
    queued(eng, "c1", 20)
    queued(eng, "c2", 25)
    abandoned(eng, "c1", 30)
    abandoned(eng, "c2", 35)  # one period: 20 -> 35
    queued(eng, "c3", 40)
    abandoned(eng, "c3", 45)
    assert value(eng, "q") == 3
    not_ready(eng, 0, 50)  # still in the mask: the same period
    ready(eng, 0, 60)
    assert value(eng, "a") == 1
    queued(eng, "c4", 70)
    answered(eng, "c4", 70)  # ringing / talking: out of the mask
    released(eng, "c4", 80)  # back to ready: a second period
    assert value(eng, "a") == 2


def test_current_number_in_time_range_and_percentage() -> None:
    eng = new_engine()
    opened(eng, "in20", Q, stat_type("CurrentNumberInTimeRange", "CallWait"), time_range="Upto20")
    opened(eng, "from20", Q, stat_type("CurrentNumberInTimeRange", "CallWait"), time_range="From20")
    opened(
        eng,
        "pct20",
        Q,
        stat_type("CurrentNumberInTimeRangePercentage", "CallWait"),
        time_range="Upto20",
    )
    opened(
        eng,
        "pct_rel",
        Q,
        stat_type("CurrentNumberInTimeRangePercentage", "CallWait", RelMask="CallWait,AgentLogin"),
        time_range="Upto20",
    )
    opened(eng, "dflt", Q, stat_type("CurrentNumberInTimeRange", "CallWait"))
    queued(eng, "c1", 0)
    queued(eng, "c2", 10.9)
    queued(eng, "c3", 25)
    login(eng, 0, 26, queue="8000")  # an AgentLogin(Mediation) open on the queue
    eng.advance(at(30.1))
    # ages with milliseconds truncated: 30, 30 - 10 = 20 (not 19.2), 5
    assert value(eng, "in20") == 1
    assert value(eng, "from20") == 2
    assert value(eng, "dflt") == 1  # Default = 0-20
    assert value(eng, "pct20") == pytest.approx(100 / 3)
    assert value(eng, "pct_rel") == pytest.approx(100 / 4)
    assert value(eng, "in20", 60.1) == 0


def test_current_continuous_time() -> None:
    eng = new_engine()
    mask = "WaitForNextCall,CallRinging,CallInbound"
    opened(eng, "a", A0, agent_type("CurrentContinuousTime", mask))
    assert value(eng, "a") == 0.0
    login(eng, 0, 10)
    assert value(eng, "a", 15) == 5.0
    call(eng, "c1", 20, 20, 50)  # ringing, talking, ready again: all in the mask
    assert value(eng, "a", 60) == 50.0
    not_ready(eng, 0, 70)
    assert value(eng, "a") == 0.0
    ready(eng, 0, 80)
    assert value(eng, "a", 90) == 10.0
    # a period under way at the open time counts from the open time
    eng.advance(at(95))
    opened(
        eng,
        "p",
        P0,
        stat_type("CurrentContinuousTime", mask, objects="Place", subject="PlaceStatus"),
    )
    opened(
        eng,
        "dn",
        DN0,
        stat_type("CurrentContinuousTime", mask, objects="RegDN", subject="DNStatus"),
    )
    assert value(eng, "p", 100) == 5.0
    assert value(eng, "dn") == 5.0
    assert value(eng, "a") == 20.0  # opened earlier: from the Ready at 80


def test_current_continuous_time_is_refused_for_groups_and_queues() -> None:
    eng = new_engine()
    with pytest.raises(LocalProtocolError, match="CurrentContinuousTime"):
        opened(
            eng,
            1,
            G0,
            stat_type(
                "CurrentContinuousTime",
                "WaitForNextCall",
                objects="GroupAgents",
                subject="GroupStatus",
            ),
        )


def test_current_distinct_number_counts_conn_ids() -> None:
    eng = new_engine()
    opened(eng, "n", A0, stat_type("CurrentNumber", "CallInbound,CallOnHold", objects="Agent"))
    opened(
        eng, "d", A0, stat_type("CurrentDistinctNumber", "CallInbound,CallOnHold", objects="Agent")
    )
    login(eng, 0, 0)
    queued(eng, "c1", 5)
    answered(eng, "c1", 10)
    eng.feed(ev.Held(time=at(20), link="ts1", dn="5000", conn_id="c1"))
    assert (value(eng, "n"), value(eng, "d")) == (2, 1)
    eng.feed(ev.Retrieved(time=at(30), link="ts1", dn="5000", conn_id="c1"))
    assert (value(eng, "n"), value(eng, "d")) == (1, 1)
    released(eng, "c1", 40)
    assert (value(eng, "n"), value(eng, "d")) == (0, 0)


def test_relative_and_elapsed_percentages_and_number_per_relative_hour() -> None:
    """A0 logged out at the open time (0), logs in at 20 (ready), not ready
    30-60, a call 70-100: at 120, logged in 100 s, NotReady 30 s, 1 call."""
    eng = new_engine()
    logged_in = "*,~LoggedOut,~NotMonitored"
    opened(
        eng,
        "rel",
        A0,
        agent_type("RelativeTimePercentage", "NotReadyForNextCall", RelMask=logged_in),
    )
    opened(eng, "elapsed", A0, agent_type("ElapsedTimePercentage", "NotReadyForNextCall"))
    opened(
        eng,
        "per_hour",
        A0,
        agent_type("AverageNumberPerRelativeHour", "CallInbound", RelMask=logged_in),
    )
    opened(
        eng, "rel_n", A0, agent_type("RelativeNumberPercentage", "CallInbound", RelMask=logged_in)
    )
    assert [value(eng, r) for r in ("rel", "elapsed", "per_hour")] == [0.0, 0.0, 0.0]
    login(eng, 0, 20)
    not_ready(eng, 0, 30)
    ready(eng, 0, 60)
    call(eng, "c1", 65, 70, 100)
    eng.advance(at(120))
    assert value(eng, "rel") == pytest.approx(30.0)  # 100 x 30 / 100
    assert value(eng, "elapsed") == pytest.approx(25.0)  # 100 x 30 / 120
    assert value(eng, "per_hour") == pytest.approx(36.0)  # 1 x 3600 / 100
    # N(Rel) = segments of logged-in statuses: Ready, NotReady, Ready, Ringing,
    # Inbound, Ready = 6
    assert value(eng, "rel_n") == pytest.approx(100 / 6)
    # time-varying: the ratios keep moving with the clock
    assert value(eng, "elapsed", 150) == pytest.approx(20.0)
    assert value(eng, "rel") == pytest.approx(100 * 30 / 130)


def test_relative_number_and_total_number_per_second() -> None:
    eng = new_engine()
    opened(eng, "rel", Q, stat_type("RelativeNumber", "CallAbandoned", RelMask="CallEntered"))
    opened(
        eng, "pct", Q, stat_type("RelativeNumberPercentage", "CallAbandoned", RelMask="CallEntered")
    )
    opened(eng, "per_s", Q, stat_type("TotalNumberPerSecond", "CallEntered"))
    assert (value(eng, "rel"), value(eng, "pct"), value(eng, "per_s")) == (0.0, 0.0, 0.0)
    for i in range(4):
        queued(eng, f"c{i}", 10 * (i + 1))
    abandoned(eng, "c1", 45)
    eng.advance(at(60))
    assert value(eng, "rel") == 0.25
    assert value(eng, "pct") == 25.0
    assert value(eng, "per_s") == pytest.approx(4 / 60)
    assert value(eng, "per_s", 80) == pytest.approx(4 / 80)


def test_estimated_waiting_time_and_load_balance() -> None:
    eng = new_engine()
    opened(eng, "ewt", Q, stat_type("EstimWaitingTime"))
    opened(eng, "lb", Q, stat_type("LoadBalance"))
    assert (value(eng, "ewt"), value(eng, "lb")) == (0.0, 0.0)
    queued(eng, "c0", 1)
    assert value(eng, "lb") == 100.0  # 1 waiting / max(1, 0 ready)
    abandoned(eng, "c0", 2)
    login(eng, 0, 5, queue="8000")
    login(eng, 1, 5, queue="8000")
    queued(eng, "c1", 10)
    answered(eng, "c1", 12, agent=0)
    queued(eng, "c2", 20)
    answered(eng, "c2", 22, agent=1)
    released(eng, "c1", 72, agent=0)  # talk 60 s
    released(eng, "c2", 142, agent=1)  # talk 120 s
    queued(eng, "c3", 150)
    queued(eng, "c4", 151)
    assert value(eng, "ewt", 160) == pytest.approx(3 * 90 / 2)  # (2 + 1) x 90 / 2 agents
    assert value(eng, "lb") == pytest.approx(100.0)  # 2 waiting / 2 ready
    not_ready(eng, 1, 170)
    assert value(eng, "lb") == pytest.approx(200.0)
    assert value(eng, "ewt") == pytest.approx(135.0)  # still logged in
    logout(eng, 1, 180)
    assert value(eng, "ewt") == pytest.approx(270.0)  # (2 + 1) x 90 / 1


# ---------------------------------------------------------------------------
# CurrentState, CurrentStateReasons
# ---------------------------------------------------------------------------


def test_current_state_trees_of_an_agent() -> None:
    eng = new_engine()
    opened(eng, "state", A0, agent_type("CurrentState"), notification=CHANGES)
    opened(eng, "reasons", A0, agent_type("CurrentStateReasons"), notification=CHANGES)
    empty = value(eng, "state")
    assert isinstance(empty, StateNode)
    assert (empty.ref, empty.status, empty.children) == (A0, Status.LoggedOut, ())
    login(eng, 0, 1, auto=False)
    result = eng.feed(
        ev.AgentNotReady(
            time=at(10), link="ts1", dn="5000", agent_id="7000", reasons={"ReasonCode": "Break"}
        )
    )
    assert {n.ref_id for n in result.notifications if n.reason is Reason.CHANGED} == {
        "state",
        "reasons",
    }
    tree = value(eng, "reasons", 15)
    assert tree == eng.current_state(A0)
    assert (tree.ref, tree.status, tree.since) == (A0, Status.NotReadyForNextCall, at(10))
    assert tree.reasons == {"ReasonCode": "Break"}
    [place] = tree.children
    assert (place.ref, place.status) == (P0, Status.NotReadyForNextCall)
    [dn] = place.children
    assert (dn.ref, dn.status, dn.reasons) == (
        DN0,
        Status.NotReadyForNextCall,
        {"ReasonCode": "Break"},
    )
    assert [a.kind.value for a in dn.actions] == ["LoggedIn", "NotReadyForNextCall"]
    assert dn.actions[1].reasons == {"ReasonCode": "Break"}
    # CurrentState: the same tree without the reasons
    plain = value(eng, "state")
    assert plain.status is Status.NotReadyForNextCall
    assert plain.reasons == {}
    assert plain.children[0].children[0].reasons == {}
    assert plain.children[0].children[0].actions == dn.actions
    # a reason change: CurrentStateReasons is notified with the new reason
    result = eng.feed(
        ev.AgentNotReady(
            time=at(20), link="ts1", dn="5000", agent_id="7000", reasons={"ReasonCode": "Lunch"}
        )
    )
    [note] = [n for n in result.notifications if n.ref_id == "reasons"]
    assert node(note.value).reasons == {"ReasonCode": "Lunch"}
    assert node(note.value).since == at(10)  # the status did not change
    # a status change notifies both
    result = eng.feed(ev.AgentReady(time=at(30), link="ts1", dn="5000", agent_id="7000"))
    changed = {n.ref_id: n.value for n in result.notifications if n.reason is Reason.CHANGED}
    assert set(changed) == {"state", "reasons"}
    assert node(changed["state"]).status is Status.WaitForNextCall
    assert node(changed["reasons"]).reasons == {}
    # nothing changes: no notification as time passes
    assert [n for n in eng.advance(at(60)).notifications if n.ref_id in ("state", "reasons")] == []


def test_a_group_current_state_subscription_is_quiet_while_nothing_changes() -> None:
    eng = new_engine()
    login(eng, 0, 1)
    group_state = stat_type("CurrentState", objects="GroupAgents", subject="GroupStatus")
    opened(eng, "g", G0, group_state, notification=CHANGES)
    quiet = [n for s in range(2, 6) for n in eng.advance(at(s)).notifications]
    assert [n for n in quiet if n.ref_id == "g"] == []
    result = eng.feed(ev.AgentNotReady(time=at(10), link="ts1", dn="5000", agent_id="7000"))
    [note] = [n for n in result.notifications if n.ref_id == "g"]
    assert node(note.value).children[0].status is Status.NotReadyForNextCall


def test_current_state_of_a_queue_lists_the_calls_waiting() -> None:
    eng = new_engine()
    opened(eng, 1, Q, stat_type("CurrentState"))
    queued(eng, "c1", 5)
    queued(eng, "c2", 6)
    tree = value(eng, 1)
    waits = [a for a in tree.actions if a.kind.value == "CallWait"]
    assert [a.conn_id for a in waits] == ["c1", "c2"]


# ---------------------------------------------------------------------------
# Periodical notification, profile()
# ---------------------------------------------------------------------------


def test_periodical_notification_every_n_seconds_of_engine_time() -> None:
    eng = new_engine()
    opened(
        eng,
        1,
        Q,
        stat_type("TotalNumber", "CallEntered"),
        notification=NotificationSettings(mode=NotifyMode.PERIODICAL, frequency=10),
    )
    queued(eng, "c1", 5)
    notes = eng.advance(at(35)).notifications
    assert [(n.time, n.value, n.reason) for n in notes] == [
        (at(10), 1, Reason.PERIODICAL),
        (at(20), 1, Reason.PERIODICAL),
        (at(30), 1, Reason.PERIODICAL),
    ]


def test_profile_lists_stat_types_time_profiles_ranges_and_filters() -> None:
    eng = new_engine()
    prof = eng.profile()
    assert set(prof.time_profiles) == {"Default", "Ever", "Minute", "Last60", "Last3", "Shift"}
    assert prof.time_profiles["Last60"].kind is ProfileKind.Sliding
    assert (prof.time_profiles["Last60"].window, prof.time_profiles["Last60"].step) == (60, 10)
    assert prof.time_profiles["Last3"].count == 3
    assert prof.time_profiles["Shift"].kind is ProfileKind.SinceLogin
    assert set(prof.time_ranges) == {"Default", "Upto20", "From20"}
    assert set(prof.filters) == set(FILTERS)
    assert prof.stat_types == {}
    # an engine over a whole config serves its sections
    config = load_packaged("example")
    served = Engine(config).profile()
    assert set(served.stat_types) == set(config.sections.get("stattypes", {}))
    assert set(config.sections.get("filters", {})) <= set(served.filters)
    assert set(config.sections.get("time_ranges", {})) <= set(served.time_ranges)
    assert {k.split(",")[0] for k in config.sections.get("time_profiles", {})} <= set(
        served.time_profiles
    )


# ---------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "category",
    [
        "MaxNumber",
        "MinNumber",
        "AverageOfCurrentNumber",
        "AverageOfCurrentTime",
        "TotalContinuousNumber",
    ],
)
@pytest.mark.parametrize("profile", ["Last60", "Last3"])
def test_windows_refuse_the_categories_that_follow_the_count(category: str, profile: str) -> None:
    eng = new_engine()
    before = eng.pool_statistics()
    with pytest.raises(LocalProtocolError, match=category):
        opened(eng, 1, Q, stat_type(category, "CallWait"), profile=profile)
    assert eng.pool_statistics() == before
    # the same stat type on a Growing profile is fine
    opened(eng, 1, Q, stat_type(category, "CallWait"), profile="Ever")


def test_unknown_filter_names_are_refused() -> None:
    eng = new_engine()
    with pytest.raises(LocalProtocolError, match="Platinum"):
        opened(eng, 1, Q, stat_type("TotalNumber", "CallEntered"), filter="Platinum")
    with pytest.raises(LocalProtocolError, match="Platinum"):
        opened(eng, 2, Q, stat_type("TotalNumber", "CallEntered", Filter="Platinum"))
    assert eng.pool_statistics().statistics == 0
    # ref ids of refused opens stay free
    opened(eng, 1, Q, stat_type("TotalNumber", "CallEntered"), filter="Gold")


@pytest.mark.parametrize(
    "category",
    [
        "TotalCustomValue",
        "AverageCustomValue",
        "CurrentCustomValue",
        "JavaCategory",
        "TotalNumberErrors",
        "EstimTimeToComplete",
        "TotalDistinctTime",
        "CurrentTargetState",
    ],
)
def test_unsupported_categories_are_config_errors_naming_them(category: str) -> None:
    with pytest.raises(ConfigError, match=category):
        StatType.from_definition(
            {"Objects": "Queue", "Category": category, "MainMask": "CallEntered"}
        )
    with pytest.raises(ConfigError, match=category):
        StatisticsProfile.from_sections(
            {
                "stattypes": {
                    "X": {"Objects": ["Queue"], "Category": category, "MainMask": "CallEntered"}
                }
            }
        )


def test_java_and_custom_keys_are_refused_after_the_category() -> None:
    with pytest.raises(ConfigError, match="JavaCategory"):
        StatType.from_definition(
            {"Objects": "Agent", "Category": "JavaCategory", "JavaSubCategory": "x.jar:Y"}
        )
    with pytest.raises(ConfigError, match="TotalCustomValue"):
        StatType.from_definition(
            {"Objects": "Agent", "Category": "TotalCustomValue", "Formula": "1"}
        )
