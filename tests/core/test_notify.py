"""Notifications, through the public Engine API (DOMAIN §5.4).

* changes-based: every change with insensitivity 0, nothing when unchanged;
  with insensitivity N % a change is sent only when it moves the value by
  more than N % of the LAST SENT value; values that move with the clock alone
  are re-evaluated at most once per second of engine time;
* reset-based: the final value of each Growing interval, at the reset,
  stamped with the reset instant;
* periodical: every ``frequency`` seconds of engine time;
* none: never pushed;
* each notification names (subscriber, ref_id); closing stops them.
"""

from __future__ import annotations

import itertools
import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from statengine import Engine, FeedResult, LocalProtocolError, ObjectRef, ObjectType
from statengine.core import events as ev
from statengine.core.engine import StatisticsProfile
from statengine.core.notify import Notification, NotificationSettings, NotifyMode, Reason
from statengine.core.profiles import load_time_profiles
from statengine.core.stattypes import StatType
from statengine.testing import DEFAULT_START_MS, make_center

#: 2026-03-02 08:00:00 UTC, a Monday
T0 = DEFAULT_START_MS
SECOND = 1000

IN = ev.CallType.Inbound
CENTER = make_center(agents=4, queues=2, group_size=2)
Q0 = ObjectRef("T1", ObjectType.Queue, "8000@SW1")
Q1 = ObjectRef("T1", ObjectType.Queue, "8001@SW1")
A0 = ObjectRef("T1", ObjectType.Agent, "A0")

NONE = NotificationSettings(mode=NotifyMode.NONE)
RESET = NotificationSettings(mode=NotifyMode.RESET)

PROFILE = StatisticsProfile(
    time_profiles=load_time_profiles({"Q15,Growing": "0:00+0:15", "Ever,Growing": "ever"})
)


def at(s: float) -> int:
    return T0 + round(s * 1000)


def stat_type(
    category: str,
    mask: str,
    *,
    objects: str = "Queue",
    subject: str = "DNAction",
    name: str | None = None,
) -> StatType:
    definition: dict[str, Any] = {
        "Objects": objects,
        "Category": category,
        "Subject": subject,
        "MainMask": mask,
    }
    if name is not None:
        definition["Name"] = name
    return StatType.from_definition(definition)


ENTERED = stat_type("TotalNumber", "CallEntered", name="Entered")
WAITING = stat_type("CurrentNumber", "CallWait", name="Waiting")
WAIT_TIME = stat_type("CurrentTime", "CallWait", name="WaitTime")
ABANDON_TIME = stat_type("TotalTime", "CallAbandoned", name="AbandonTime")


def new_engine(now: int = T0) -> Engine:
    eng = Engine(CENTER, now=now, profile=PROFILE)
    eng.feed(ev.LinkConnected(time=now, link="ts1"))
    return eng


class Recorder:
    """Feeds and advances an engine, keeping every notification it returns."""

    def __init__(self, eng: Engine) -> None:
        self.eng = eng
        self.log: list[Notification] = []

    def _keep(self, r: FeedResult) -> FeedResult:
        self.log.extend(r.notifications)
        return r

    def feed(self, event: ev.Event) -> FeedResult:
        return self._keep(self.eng.feed(event))

    def advance(self, t: int) -> FeedResult:
        return self._keep(self.eng.advance(t))

    def queued(self, conn: str, t: int, queue: str = "8000") -> FeedResult:
        return self.feed(ev.Queued(time=t, link="ts1", dn=queue, conn_id=conn, call_type=IN))

    def abandoned(self, conn: str, t: int, queue: str = "8000") -> FeedResult:
        return self.feed(ev.Abandoned(time=t, link="ts1", dn=queue, conn_id=conn))

    def diverted(self, conn: str, t: int, queue: str = "8000") -> FeedResult:
        return self.feed(
            ev.Diverted(time=t, link="ts1", dn=queue, conn_id=conn, other_dn="5000", call_type=IN)
        )

    def of(self, subscriber: str, ref_id: Any) -> list[Notification]:
        return [n for n in self.log if (n.subscriber, n.ref_id) == (subscriber, ref_id)]

    def values(self, subscriber: str, ref_id: Any) -> list[Any]:
        return [n.value for n in self.of(subscriber, ref_id)]


# ---------------------------------------------------------------------------
# Opened
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(NotifyMode))
def test_open_returns_the_opened_notification(mode: NotifyMode) -> None:
    eng = new_engine()
    rec = Recorder(eng)
    rec.queued("c1", at(1))
    rec.queued("c2", at(2))
    eng.advance(at(5))
    freq = 10.0 if mode is NotifyMode.PERIODICAL else 0.0
    n = eng.open_statistic(
        "ccpulse", 42, Q0, WAITING, notification=NotificationSettings(mode=mode, frequency=freq)
    )
    assert n == Notification(
        subscriber="ccpulse",
        ref_id=42,
        object=Q0,
        stat_type="Waiting",
        value=2,
        time=at(5),
        reason=Reason.OPENED,
    )


# ---------------------------------------------------------------------------
# Changes-based
# ---------------------------------------------------------------------------


def test_insensitivity_zero_sends_every_change_and_nothing_when_unchanged() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.open_statistic("a", 1, Q0, WAITING)
    # touched but unchanged: CallWait starting changes TotalAdjustedNumber by nothing
    eng.open_statistic("a", 2, Q0, stat_type("TotalAdjustedNumber", "CallWait"))
    r = rec.queued("c1", at(1))
    assert [(n.ref_id, n.value, n.time, n.reason) for n in r.notifications] == [
        (1, 1, at(1), Reason.CHANGED)
    ]
    rec.queued("c2", at(2))
    # an event that does not concern the statistic: nothing
    r = rec.feed(ev.AgentLogin(time=at(3), link="ts1", dn="5001", agent_id="7001"))
    assert r.notifications == ()
    r = rec.queued("c9", at(4), queue="8001")
    assert r.notifications == ()
    r = rec.diverted("c1", at(5))
    assert [(n.ref_id, n.value) for n in r.notifications] == [(1, 1), (2, 1)]
    rec.abandoned("c2", at(6))
    assert rec.values("a", 1) == [1, 2, 1, 0]
    assert rec.values("a", 2) == [1, 2]
    # time passing changes neither count
    r = rec.advance(at(600))
    assert r.notifications == ()


def test_no_notification_when_one_event_moves_the_value_and_back() -> None:
    """A call moving from queue 8000 to 8001 in one event: the queue group's
    CurrentNumber loses it and gains it back; nothing to send."""
    eng = new_engine()
    rec = Recorder(eng)
    group = ObjectRef("T1", ObjectType.GroupQueues, "AllQueues")
    waiting = stat_type("CurrentNumber", "CallWait", objects="GroupQueues")
    eng.open_statistic("a", 1, group, waiting)
    eng.open_statistic("a", 2, Q0, WAITING)
    rec.queued("c1", at(1))
    r = rec.queued("c1", at(2), queue="8001")
    assert [(n.ref_id, n.value) for n in r.notifications] == [(2, 0)]
    assert eng.peek("a", 1).value == 1


def test_insensitivity_is_relative_to_the_last_value_sent() -> None:
    """Twenty calls, insensitivity 10 %: each count is sent while it moves the
    last sent value by more than 10 % of it; from 10 on, only every second
    one (11 is 10 % above 10, not more; 13 is 8.3 % above 12 ...)."""
    eng = new_engine()
    rec = Recorder(eng)
    eng.open_statistic("a", 1, Q0, ENTERED, notification=NotificationSettings(insensitivity=10))
    eng.open_statistic("a", 2, Q0, ENTERED, notification=NotificationSettings(insensitivity=50))
    eng.open_statistic("a", 3, Q0, ENTERED)
    for i in range(20):
        rec.queued(f"c{i}", at(1 + i))
    assert rec.values("a", 1) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20]
    assert rec.values("a", 2) == [1, 2, 4, 7, 11, 17]
    assert rec.values("a", 3) == list(range(1, 21))


@settings(max_examples=60, deadline=None)
@given(
    insensitivity=st.sampled_from([0, 5, 10, 33.3, 100]),
    waits_ms=st.lists(st.integers(0, 30_000), min_size=1, max_size=12),
)
def test_insensitivity_on_arbitrary_values(insensitivity: float, waits_ms: list[int]) -> None:
    """TotalTime of abandoned calls grows by each call's wait: the values
    sent are exactly those that pass the rule against the last one sent."""
    eng = new_engine()
    rec = Recorder(eng)
    opened = eng.open_statistic(
        "a", 1, Q0, ABANDON_TIME, notification=NotificationSettings(insensitivity=insensitivity)
    )
    t = at(1)
    total = 0
    last = opened.value
    expected = []
    for i, wait in enumerate(waits_ms):
        rec.queued(f"c{i}", t)
        rec.abandoned(f"c{i}", t + wait)
        t += wait + 1
        total += wait
        v = total / 1000
        if v != last and (last == 0 or abs(v - last) > abs(last) * insensitivity / 100):
            expected.append(v)
            last = v
    assert rec.values("a", 1) == pytest.approx(expected)


def test_a_clock_driven_value_is_reevaluated_at_most_once_per_second() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.open_statistic("a", 1, Q0, WAIT_TIME)
    rec.queued("c1", at(0.5))
    rec.log.clear()
    for step in range(1, 31):  # 3 s in 100 ms steps
        rec.advance(at(0.5) + step * 100)
    times = [n.time for n in rec.log]
    assert 2 <= len(times) <= 3
    assert all(b - a >= SECOND for a, b in itertools.pairwise(times))
    for n in rec.log:
        assert n.value == pytest.approx((n.time - at(0.5)) / 1000)
        assert n.reason is Reason.CHANGED


def test_a_long_advance_gives_one_notification_not_one_per_second() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.open_statistic("a", 1, Q0, WAIT_TIME)
    eng.open_statistic("a", 2, Q0, stat_type("CurrentMaxTime", "CallWait"))
    eng.open_statistic("a", 3, Q0, WAITING)
    rec.queued("c1", at(10))
    rec.queued("c2", at(20))
    rec.log.clear()
    r = rec.advance(at(20 + 3600))
    assert sorted((n.ref_id, n.value, n.time) for n in r.notifications) == [
        (1, 3610.0 + 3600.0, at(3620)),
        (2, 3610.0, at(3620)),
    ]


def test_status_time_in_progress_moves_with_the_clock() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    ready_time = stat_type("TotalTime", "WaitForNextCall", objects="Agent", subject="AgentStatus")
    eng.open_statistic("a", 1, A0, ready_time)
    eng.open_statistic(
        "a",
        2,
        A0,
        stat_type("TotalNumber", "WaitForNextCall", objects="Agent", subject="AgentStatus"),
    )
    rec.feed(
        ev.AgentLogin(
            time=at(10), link="ts1", dn="5000", agent_id="7000", work_mode=ev.WorkMode.AutoIn
        )
    )
    assert rec.values("a", 2) == [1]
    rec.advance(at(10.4))
    rec.advance(at(12))
    rec.advance(at(100))
    ones = rec.of("a", 1)
    assert [n.value for n in ones] == pytest.approx([(n.time - at(10)) / 1000 for n in ones])
    assert len(ones) == 2
    assert ones[-1].time == at(100)
    # the count does not move with the clock
    assert rec.values("a", 2) == [1]
    rec.feed(ev.AgentNotReady(time=at(130), link="ts1", dn="5000", agent_id="7000"))
    rec.advance(at(500))
    assert rec.values("a", 1)[-1] == 120.0
    assert rec.of("a", 1)[-1].time == at(130)


# ---------------------------------------------------------------------------
# Reset-based
# ---------------------------------------------------------------------------


def test_reset_based_sends_each_intervals_final_value_at_the_reset() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.advance(at(7 * 60))  # 08:07
    eng.open_statistic("wfm", 1, Q0, ENTERED, profile="Q15", notification=RESET)
    for i in range(3):
        r = rec.queued(f"c{i}", at(8 * 60 + i))
        assert r.notifications == ()  # nothing pushed on change
    r = rec.advance(at(15 * 60) - 1)
    assert r.notifications == ()
    r = rec.advance(at(15 * 60))
    assert [(n.value, n.time, n.reason) for n in r.notifications] == [
        (3, at(15 * 60), Reason.RESET)
    ]
    assert eng.peek("wfm", 1).value == 0
    rec.log.clear()
    # a call at exactly the reset instant belongs to the new interval
    rec.queued("c3", at(30 * 60))
    rec.queued("c4", at(31 * 60))
    # a long advance: one notification per interval, each at its own reset
    rec.advance(at(75 * 60) + 123)
    assert [(n.value, n.time) for n in rec.log] == [
        (0, at(30 * 60)),
        (2, at(45 * 60)),
        (0, at(60 * 60)),
        (0, at(75 * 60)),
    ]
    assert all(n.reason is Reason.RESET for n in rec.log)


def test_reset_based_status_time_includes_the_segment_in_progress() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    login_time = stat_type(
        "TotalTime", "*,~LoggedOut,~NotMonitored", objects="Agent", subject="AgentStatus"
    )
    eng.open_statistic("wfm", 1, A0, login_time, profile="Q15", notification=RESET)
    rec.feed(
        ev.AgentLogin(
            time=at(10 * 60), link="ts1", dn="5000", agent_id="7000", work_mode=ev.WorkMode.AutoIn
        )
    )
    rec.advance(at(40 * 60))
    assert [(n.value, n.time) for n in rec.log] == [(300.0, at(15 * 60)), (900.0, at(30 * 60))]
    assert eng.peek("wfm", 1).value == 600.0


def test_changes_subscribers_hear_the_reset_to_zero() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.open_statistic("a", 1, Q0, ENTERED, profile="Q15")
    eng.open_statistic("b", 1, Q0, ENTERED, profile="Q15", notification=RESET)
    rec.queued("c1", at(60))
    rec.advance(at(16 * 60))
    assert [(n.subscriber, n.value, n.time, n.reason) for n in rec.log] == [
        ("a", 1, at(60), Reason.CHANGED),
        ("b", 1, at(15 * 60), Reason.RESET),
        ("a", 0, at(15 * 60), Reason.CHANGED),
    ]


# ---------------------------------------------------------------------------
# Periodical and none
# ---------------------------------------------------------------------------


def test_periodical_sends_every_n_seconds_of_engine_time() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.advance(at(3))
    eng.open_statistic(
        "a",
        1,
        Q0,
        WAITING,
        notification=NotificationSettings(mode=NotifyMode.PERIODICAL, frequency=10),
    )
    rec.queued("c1", at(4))
    rec.queued("c2", at(13))  # exactly at the first send: sent first, then the event
    rec.advance(at(20))
    rec.diverted("c1", at(27))
    rec.advance(at(55.5))
    assert [(n.value, n.time, n.reason) for n in rec.log] == [
        (1, at(13), Reason.PERIODICAL),
        (2, at(23), Reason.PERIODICAL),
        (1, at(33), Reason.PERIODICAL),
        (1, at(43), Reason.PERIODICAL),
        (1, at(53), Reason.PERIODICAL),
    ]


def test_none_never_pushes() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.open_statistic("a", 1, Q0, WAITING, profile="Q15", notification=NONE)
    eng.open_statistic("a", 2, Q0, WAIT_TIME, notification=NONE)
    eng.open_statistic("a", 3, Q0, ENTERED, profile="Q15", notification=NONE)
    rec.queued("c1", at(1))
    rec.queued("c2", at(2))
    rec.advance(at(3600))
    rec.diverted("c1", at(3601))
    assert rec.log == []
    assert eng.peek("a", 1).value == 1
    assert eng.peek("a", 2).value == 3599.0
    assert eng.peek("a", 3).value == 0


# ---------------------------------------------------------------------------
# Who hears what
# ---------------------------------------------------------------------------


def test_notifications_name_subscriber_and_ref_id_with_their_own_settings() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.open_statistic("ccpulse", 1, Q0, ENTERED, profile="Q15")
    eng.open_statistic("urs", 1, Q0, ENTERED, profile="Q15", notification=NONE)
    eng.open_statistic("urs", 2, Q0, ENTERED, profile="Q15", notification=RESET)
    eng.open_statistic("wfm", 1, Q1, ENTERED, profile="Q15")
    assert eng.pool_statistics().statistics == 2
    rec.queued("c1", at(60))
    rec.advance(at(15 * 60))
    assert [(n.subscriber, n.ref_id, n.object, n.value, n.reason) for n in rec.log] == [
        ("ccpulse", 1, Q0, 1, Reason.CHANGED),
        ("urs", 2, Q0, 1, Reason.RESET),
        ("ccpulse", 1, Q0, 0, Reason.CHANGED),
    ]


def test_a_shared_statistic_notifies_each_subscriber_with_its_own_stat_type_name() -> None:
    eng = new_engine()
    rec = Recorder(eng)
    eng.open_statistic("a", 1, Q0, ENTERED)
    alias = stat_type("TotalNumber", "CallEntered", name="Calls_In")
    opened = eng.open_statistic("b", 1, Q0, alias)
    assert eng.pool_statistics().statistics == 1
    rec.queued("c1", at(1))
    assert opened.stat_type == "Calls_In"
    assert {(n.subscriber, n.stat_type) for n in rec.log} == {("a", "Entered"), ("b", "Calls_In")}
    assert eng.peek("b", 1).stat_type == "Calls_In"


@pytest.mark.parametrize("mode", [NotifyMode.CHANGES, NotifyMode.RESET, NotifyMode.PERIODICAL])
def test_closing_stops_notifications(mode: NotifyMode) -> None:
    eng = new_engine()
    rec = Recorder(eng)
    settings_ = NotificationSettings(mode=mode, frequency=5 if mode is NotifyMode.PERIODICAL else 0)
    eng.open_statistic("a", 1, Q0, WAIT_TIME, profile="Q15", notification=settings_)
    eng.open_statistic("a", 2, Q0, WAITING, profile="Q15", notification=settings_)
    rec.queued("c1", at(1))
    rec.advance(at(15 * 60 + 30))
    assert rec.of("a", 1)
    assert rec.of("a", 2)
    eng.close_statistic("a", 1)
    eng.close_statistic("a", 2)
    rec.log.clear()
    rec.queued("c2", at(15 * 60 + 40))
    rec.advance(at(60 * 60))
    rec.diverted("c1", at(60 * 60 + 1))
    assert rec.log == []
    # re-opening the same ref ids starts afresh with the new settings only
    eng.open_statistic("a", 1, Q0, WAITING, profile="Q15", notification=NONE)
    rec.advance(at(2 * 60 * 60))
    assert rec.log == []


# ---------------------------------------------------------------------------
# Settings edge cases
# ---------------------------------------------------------------------------


class _Hung(Exception):
    pass


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def on_alarm(signum: int, frame: Any) -> None:
        raise _Hung(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_a_sub_millisecond_frequency_is_refused_or_bounded() -> None:
    """A period that rounds to 0 ms must not re-queue its send at the same
    instant for ever (the engine would hang): refuse it, or bound it."""
    try:
        settings_ = NotificationSettings(mode=NotifyMode.PERIODICAL, frequency=0.0004)
    except LocalProtocolError:
        return
    eng = new_engine()
    try:
        eng.open_statistic("a", 1, Q0, WAITING, notification=settings_)
    except LocalProtocolError:
        return
    with _deadline(0.3):
        r = eng.advance(at(0.005))
    assert len(r.notifications) <= 5


@pytest.mark.parametrize(
    "kw",
    [
        {"mode": NotifyMode.PERIODICAL, "frequency": math.inf},
        {"mode": NotifyMode.PERIODICAL, "frequency": math.nan},
        {"insensitivity": math.nan},
    ],
    ids=["frequency-inf", "frequency-nan", "insensitivity-nan"],
)
def test_non_finite_settings_are_refused_and_change_nothing(kw: dict[str, Any]) -> None:
    eng = new_engine()
    before = eng.pool_statistics()
    with pytest.raises(LocalProtocolError):
        eng.open_statistic("a", 1, Q0, WAITING, notification=NotificationSettings(**kw))
    assert eng.pool_statistics() == before
