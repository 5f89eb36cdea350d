"""Long, realistic streams from ``statengine.testing`` against the domain laws."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from statengine import Engine, ObjectRef, ObjectType
from statengine.core import events as ev
from statengine.core.actions import ActionKind
from statengine.core.notify import Reason
from statengine.core.settings import EngineSettings
from statengine.core.stattypes import StatType
from statengine.testing import StreamProfile, generate_stream, make_center

from .invariants import StatusLedger, check_recomputed

#: the flows the default profile makes rarely, at a moderate rate
FLOWS: dict[str, Any] = {
    "conference_probability": 0.05,
    "attended_transfer_probability": 0.05,
    "forward_probability": 0.05,
    "hold_abandon_probability": 0.2,
    "ring_abandon_probability": 0.03,
    "treatment_probability": 0.5,
    "overflow_probability": 0.1,
    "clear_probability": 0.2,
    "campaign_per_hour": 0.5,
    "direct_per_hour": 0.5,
    "user_events_per_hour": 10.0,
    "dnd_probability": 0.3,
    "media_per_hour": 6.0,
    "media_reject_probability": 0.1,
    "media_revoke_probability": 0.1,
    "media_not_ready_per_hour": 1.0,
    "media_outbound_per_hour": 1.0,
    "staging_move_probability": 0.5,
}

#: the faults: both kinds of link outage, DNs out of service, lost releases
FAULTS: dict[str, Any] = {
    "outages_per_hour": 2.0,
    "tserver_outages_per_hour": 2.0,
    "out_of_service_per_hour": 2.0,
    "lost_release_probability": 0.02,
    "sticky_probability": 0.5,
}


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    agents=st.integers(2, 12),
    queues=st.integers(1, 3),
    faults=st.booleans(),
    flows=st.booleans(),
)
def test_generated_streams_are_valid_and_keep_the_laws(
    seed: int, agents: int, queues: int, faults: bool, flows: bool
) -> None:
    center = make_center(agents=agents, queues=queues)
    engine = Engine(center)  # strict: any refused event fails the test
    ledger: StatusLedger | None = None
    profile = StreamProfile(
        shift=1800.0,
        off_shift=300.0,
        **(FLOWS if flows else {}),
        **(FAULTS if faults else {}),
    )
    for n, event in enumerate(generate_stream(center, seed=seed, events=3000, profile=profile)):
        if ledger is None:
            ledger = StatusLedger(engine, event.time)
        ledger.apply(engine.feed(event))
        if n % 500 == 0:
            check_recomputed(engine)
    assert ledger is not None
    check_recomputed(engine)
    ledger.check(engine)
    assert engine.statistics().events_refused == 0


#: every flow and fault often enough that a short stream shows every action
COVERAGE_PROFILE = StreamProfile(
    **{
        **FLOWS,
        **FAULTS,
        "outbound_per_hour": 2.0,
        "internal_per_hour": 2.0,
        "offhook_probability": 0.5,
        "ring_abandon_probability": 0.1,
        "lost_release_probability": 0.1,
        "tserver_outages_per_hour": 1.0,
        # e-mails (capacity 1) keep agents busy: some interactions wait,
        # move to the escalation area or are cleared
        "media_per_hour": 10.0,
        "media_handle_mean": 600.0,
    }
)
#: stuck-call limits above anything the generator keeps open on purpose
#: (waits end within the caller's patience, rings within 16 s, talks are
#: exponential with a 3-minute mean), short enough for lost releases to be
#: cleaned within the stream
COVERAGE_LIMITS = {"CallWait": 1800, "CallRinging": 120, "CallInbound": 3600}
COVERAGE_SEED = 2
COVERAGE_EVENTS = 10_000


def test_every_action_kind_is_generated() -> None:
    """Every action kind of actions.py's tables comes out of generated streams:
    a strict engine refuses none of the events, the stuck-call guard cleans
    what lost releases leave open, a re-registration is sticky, and the laws
    hold at the end."""
    center = make_center(agents=12, queues=2)
    engine = Engine(center, settings=EngineSettings.from_config({"stuck_limits": COVERAGE_LIMITS}))
    ledger: StatusLedger | None = None
    produced: set[ActionKind] = set()
    sticky = False
    events = generate_stream(
        center, seed=COVERAGE_SEED, events=COVERAGE_EVENTS, profile=COVERAGE_PROFILE
    )
    for n, event in enumerate(events):
        if ledger is None:
            ledger = StatusLedger(engine, event.time)
        result = engine.feed(event)
        ledger.apply(result)
        produced.update(a.kind for a in result.actions)
        if isinstance(event, ev.Registered):
            sticky = sticky or engine.model.dns[("SW1", event.dn)].sticky
        if n % 1000 == 0:
            check_recomputed(engine)
    assert ledger is not None
    check_recomputed(engine)
    ledger.check(engine)
    stats = engine.statistics()
    assert stats.events_refused == 0
    assert stats.stuck_calls_cleaned > 0
    assert sticky
    assert set(ActionKind) - produced == set()


def test_same_seed_same_stream() -> None:
    center = make_center(agents=10, queues=2)
    first = list(generate_stream(center, seed=7, events=2000))
    assert first == list(generate_stream(center, seed=7, events=2000))
    assert first != list(generate_stream(center, seed=8, events=2000))


def test_logout_refreshes_the_place_of_an_agent_with_media_there() -> None:
    """Found by the generated streams (a T-Server outage after an Interaction
    Server outage): an agent logged out of the voice DN (here by a
    re-registration) who still has a partial at the place changes the place
    rule's "voice logged in" although no DN status changes: the place must
    be recomputed all the same."""
    center = make_center(agents=2, queues=1)
    engine = Engine(center)
    t = 1_000_000
    for event in (
        ev.LinkConnected(time=t, link="ts1"),
        ev.LinkConnected(time=t, link="ixn1"),
        ev.AgentLogin(time=t + 1000, link="ts1", dn="5000", agent_id="7000"),
        ev.IxnAgentLogin(time=t + 2000, link="ixn1", agent_id="A0", place="P0", media={"chat": 1}),
        ev.LinkDisconnected(time=t + 3000, link="ixn1"),
        ev.LinkDisconnected(time=t + 4000, link="ts1"),
        ev.LinkConnected(time=t + 5000, link="ts1"),
        ev.Registered(time=t + 6000, link="ts1", dn="5000"),
    ):
        engine.feed(event)
        check_recomputed(engine)


def test_stuck_calls_are_cleaned_at_their_deadline() -> None:
    """A lost release cannot leave a call waiting or talking for ever."""
    center = make_center(agents=2, queues=1)
    settings = EngineSettings.from_config({"stuck_limits": {"CallWait": 60, "CallInbound": 600}})
    t0 = 1_000_000
    engine = Engine(center, now=t0, settings=settings)
    for e in (
        ev.LinkConnected(time=t0, link="ts1"),
        ev.Queued(
            time=t0 + 1000, link="ts1", dn="8000", conn_id="lost", call_type=ev.CallType.Inbound
        ),
        ev.Ringing(
            time=t0 + 2000, link="ts1", dn="5000", conn_id="talk", call_type=ev.CallType.Inbound
        ),
        ev.Established(time=t0 + 3000, link="ts1", dn="5000", conn_id="talk"),
    ):
        engine.feed(e)
    result = engine.advance(t0 + 61_000)
    assert [
        (a.kind, a.duration)
        for a in result.actions
        if a.end is not None and a.kind is ActionKind.StuckCallCleaned
    ] == [(ActionKind.StuckCallCleaned, 60_000)]
    result = engine.advance(t0 + 10 * 60_000 + 3000)
    cleaned = [a for a in result.actions if a.kind is ActionKind.StuckCallCleaned]
    assert [(a.device.id, a.duration, a.end) for a in cleaned] == [
        ("5000@SW1", 600_000, t0 + 603_000)
    ]
    assert engine.model.calls == {}
    assert engine.statistics().stuck_calls_cleaned == 2
    dn = engine.model.dns_by_id["5000@SW1"]
    assert dn.legs == {}
    assert (dn.status.name, dn.since) == ("Monitored", t0 + 603_000)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), agents=st.integers(2, 8))
def test_validity_follows_every_device_it_depends_on(seed: int, agents: int) -> None:
    """The pool re-checks validity only for the objects an event can affect
    (devices lost or back, logins, memberships): after every event each
    statistic's flag equals the rule applied from scratch to its whole scope,
    and every flip was notified."""
    center = make_center(agents=agents, queues=2)
    engine = Engine(center)
    profile = StreamProfile(shift=1800.0, off_shift=300.0, **FLOWS, **FAULTS)
    stream = generate_stream(center, seed=seed, events=2500, profile=profile)
    first = next(stream)
    engine.feed(first)
    objects = [ref for otype in ObjectType for ref in engine.objects(otype)]
    objects += [
        ObjectRef("T1", ObjectType.Switch, "SW1"),
        ObjectRef("T1", ObjectType.Tenant, "T1"),
        ObjectRef("T1", ObjectType.GroupQueues, "AllQueues"),
    ]
    groups = (
        ("Agent,Place,GroupAgents,GroupPlaces,RegDN,Tenant", "CallAnswered"),
        ("RoutePoint,Queue,GroupQueues,Switch", "CallEntered"),
        ("StagingArea", "InteractionEntered"),
    )
    types = [
        StatType.from_definition(
            {"Objects": kinds, "Category": "TotalNumber", "Subject": "DNAction", "MainMask": mask}
        )
        for kinds, mask in groups
    ]
    for n, ref in enumerate(objects):
        st_type = next(t for t in types if ref.type in t.objects)
        engine.open_statistic("v", n, ref, st_type)
    pool = engine._pool
    stats = list(pool.stats.values())
    seen = {stat: stat.valid for stat in stats}
    flips = 0
    for event in stream:
        result = engine.feed(event)
        flipped = {
            n.ref_id for n in result.notifications if n.reason in (Reason.VALID, Reason.INVALID)
        }
        for stat in stats:
            assert stat.valid is pool._valid(stat), (event, stat.object)
            if stat.valid is not seen[stat]:
                flips += 1
                assert {s.ref_id for s in stat.subscriptions} <= flipped, stat.object
                seen[stat] = stat.valid
    assert engine.statistics().events_refused == 0
    assert flips > 0
