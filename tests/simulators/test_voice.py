"""The voice simulator: valid streams for the engine, every flow, ground
truth consistent with what it emitted, determinism."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from simulators import CallKind, Outcome, create_simulator, with_simulation
from simulators.voice import VoiceSimulator
from statengine import Engine
from statengine.core import events as ev
from statengine.errors import LocalProtocolError
from statengine.streams import write_stream

from .centers import all_flows, edges, large, mmc


def _feed_all(engine: Engine, events: Iterable[ev.Event]) -> list[ev.Event]:
    """Feed strictly (a refusal raises BadEventError) and keep the events."""
    kept = []
    for event in events:
        engine.feed(event)
        kept.append(event)
    return kept


def _kinds(events: Iterable[ev.Event]) -> Counter[str]:
    out: Counter[str] = Counter()
    for e in events:
        name = type(e).__name__
        state = getattr(e, "call_state", None)
        if state is not None and state is not ev.CallState.Ok:
            name += f"({state.name})"
        if isinstance(e, ev.AgentNotReady):
            name += "(ACW)" if e.work_mode is ev.WorkMode.AfterCallWork else "(reason)"
        out[name] += 1
    return out


# --------------------------------------------------------------------------
# engine acceptance
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_every_flow_is_accepted_by_the_strict_engine(seed: int) -> None:
    config = all_flows("10h")
    sim = create_simulator(config, seed=seed)
    engine = Engine(config)  # strict: a refused event raises
    events = _feed_all(engine, sim.events())
    stats = engine.statistics()
    assert stats.events_refused == 0
    assert stats.stuck_calls_cleaned == 0
    assert stats.events_fed == len(events) > 3000
    times = [e.time for e in events]
    assert times == sorted(times)
    assert sim.start_ms <= times[0]
    assert times[-1] < sim.end_ms


def test_every_flow_happens() -> None:
    """All the flows the model has appear in a long enough run."""
    config = all_flows("3d", extra="")
    sim = create_simulator(config, seed=5)
    engine = Engine(config)
    kinds = _kinds(_feed_all(engine, sim.events()))
    assert engine.statistics().events_refused == 0
    for name in (
        "LinkConnected",
        "AgentLogin",
        "AgentLogout",
        "AgentReady",
        "AgentNotReady(ACW)",
        "AgentNotReady(reason)",
        "RouteRequest",
        "RouteUsed",
        "Queued",
        "Diverted",
        "Ringing",
        "Established",
        "Released",
        "Released(NoAnswer)",
        "Released(Transferred)",
        "Released(Conferenced)",
        "Abandoned",
        "Held",
        "Retrieved",
        "Dialing",
        "NetworkReached",
        "PartyChanged",
        "PartyChanged(Conferenced)",
        "PartyAdded",
        "PartyDeleted",
    ):
        assert kinds[name] > 0, name
    records = sim.records
    outcomes = Counter(r.outcome for r in records)
    for outcome in (
        Outcome.ANSWERED,
        Outcome.ABANDONED_QUEUED,
        Outcome.ABANDONED_RINGING,
        Outcome.NO_ANSWER,
    ):
        assert outcomes[outcome] > 0, outcome
    assert {r.kind for r in records} == set(CallKind)
    for field in ("holds", "consults", "transfers", "conferences", "ronas"):
        assert any(getattr(r, field) for r in records), field


@pytest.mark.slow
def test_days_of_a_large_center_are_accepted() -> None:
    """300 agents, six queues, two routing points, every flow, four days
    across a weekend and the March DST change."""
    config = with_simulation(large(duration="4d"), start="2026-03-27T06:00:00")
    sim = create_simulator(config, seed=2)
    engine = Engine(config)
    n = 0
    for event in sim.events():
        engine.feed(event)
        n += 1
    assert engine.statistics().events_refused == 0
    assert engine.statistics().stuck_calls_cleaned == 0
    assert n > 300_000


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_every_flow_over_many_seeds(seed: int) -> None:
    config = all_flows("5d")
    engine = Engine(config)
    _feed_all(engine, create_simulator(config, seed=100 + seed).events())
    assert engine.statistics().events_refused == 0


# --------------------------------------------------------------------------
# ground truth
# --------------------------------------------------------------------------


def test_records_agree_with_the_events() -> None:
    config = all_flows("10h")
    sim = create_simulator(config, seed=9)
    events = list(sim.events())
    records = sim.records
    inbound = [r for r in records if r.kind is CallKind.INBOUND]
    stats = sim.statistics()
    assert len(inbound) == stats.calls_offered
    assert len({r.call_id for r in records}) == len(records)
    arrivals = [e for e in events if isinstance(e, ev.RouteRequest)] + [
        e for e in events if isinstance(e, ev.Queued) and e.dn == "8002" and e.dnis == "8002"
    ]
    firsts = {e.conn_id for e in arrivals}
    assert firsts == {r.call_id for r in inbound}
    for r in records:
        if r.answered_ms is not None:
            assert r.answered_by
            assert r.agents[0] == r.answered_by
            assert r.wait_ms == r.answered_ms - r.arrival_ms
        if r.abandoned:
            assert r.answered_ms is None
            assert r.abandoned_ms == r.ended_ms
            assert r.wait_ms == r.abandoned_ms - r.arrival_ms
        if r.outcome is not Outcome.UNFINISHED:
            assert r.ended_ms is not None
            assert r.queue_ms + r.ring_ms <= r.ended_ms - r.arrival_ms
        assert min(r.queue_ms, r.ring_ms, r.talk_ms, r.hold_ms, r.acw_ms) >= 0
        end = r.ended_ms if r.ended_ms is not None else sim.end_ms
        assert r.queue_ms + r.ring_ms + r.talk_ms + r.hold_ms <= end - r.arrival_ms
    answered = sum(1 for r in inbound if r.answered_ms is not None)
    assert answered == stats.calls_answered
    assert sum(1 for r in inbound if r.abandoned) == stats.calls_abandoned
    # one Established per answered inbound call, plus transfer targets... i.e. the
    # first answer of every call is an Established on an agent DN
    established = {e.conn_id for e in events if isinstance(e, ev.Established)}
    assert {r.call_id for r in inbound if r.answered_ms is not None} <= established
    # the queue-time integral equals the sum of the calls' queue times, exactly
    queue_time = sum(q.queue_time_ms for q in stats.queues.values())
    assert queue_time == sum(r.queue_ms for r in inbound)


def test_run_gives_the_same_records_as_events() -> None:
    config = all_flows("6h")
    a = VoiceSimulator(config, random.Random(4))
    list(a.events())
    b = VoiceSimulator(config, random.Random(4))
    assert b.run() == a.records
    assert a.records[0].to_dict()["kind"] in ("inbound", "outbound", "internal")


def test_a_simulation_runs_once() -> None:
    sim = create_simulator(all_flows("1h"), seed=1)
    list(sim.events())
    with pytest.raises(LocalProtocolError):
        list(sim.events())


def test_statistics_while_running() -> None:
    sim = create_simulator(all_flows("4h"), seed=1)
    seen = 0
    for event in sim.events():
        seen += 1
        if seen == 500:
            stats = sim.statistics()
            assert stats.events >= 500
            assert stats.now_ms == event.time
            assert stats.agents_logged_in > 0
    final = sim.statistics()
    assert final.events == seen
    assert final.now_ms == sim.end_ms


# --------------------------------------------------------------------------
# routing rules
# --------------------------------------------------------------------------


def test_calls_go_to_the_longest_idle_qualified_agent() -> None:
    """Replaying the stream: every Diverted targets, among the qualified
    agents ready and idle at that moment, the one idle the longest."""
    config = all_flows("8h")
    sim = create_simulator(config, seed=3)
    events = list(sim.events())
    work = sim.workload  # type: ignore[attr-defined]
    by_dn = {a.dn: a for a in work.agents}
    idle_since: dict[str, int] = {}  # DN -> since when ready and without a call
    ready: set[str] = set()
    busy: Counter[str] = Counter()

    def refresh(dn: str, t: int) -> None:
        if dn in ready and busy[dn] == 0:
            idle_since.setdefault(dn, t)
        else:
            idle_since.pop(dn, None)

    checked = 0
    for e in events:
        if isinstance(e, ev.AgentReady):
            ready.add(e.dn)
            refresh(e.dn, e.time)
        elif isinstance(e, ev.AgentNotReady | ev.AgentLogout):
            ready.discard(e.dn)
            refresh(e.dn, e.time)
        elif isinstance(e, ev.Diverted) and e.other_dn in by_dn:
            candidates = {dn: t for dn, t in idle_since.items() if e.dn in by_dn[dn].queues}
            if candidates and e.other_dn in candidates:
                # an agent freed by this very instant may not be idle yet
                assert candidates[e.other_dn] == min(candidates.values()), e
                checked += 1
        elif isinstance(e, ev.Ringing | ev.Dialing) and e.dn in by_dn:
            busy[e.dn] += 1
            refresh(e.dn, e.time)
        elif isinstance(e, ev.Released | ev.Abandoned) and e.dn in by_dn:
            busy[e.dn] -= 1
            refresh(e.dn, e.time)
    assert checked > 100


def test_ring_no_answer_requeues_at_the_front() -> None:
    text_config = all_flows("8h")
    sim = create_simulator(text_config, seed=8)
    events = list(sim.events())
    checked = 0
    for i, e in enumerate(events):
        if isinstance(e, ev.Released) and e.call_state is ev.CallState.NoAnswer:
            nxt = events[i + 1]
            assert isinstance(nxt, ev.AgentNotReady)
            assert nxt.reasons == {"ReasonCode": "RONA"}
            queued = events[i + 2]
            assert isinstance(queued, ev.Queued)
            assert queued.conn_id == e.conn_id
            checked += 1
    assert checked > 0
    assert sum(r.ronas for r in sim.records) == checked


def test_shifts_and_breaks() -> None:
    sim = create_simulator(all_flows("10h"), seed=2)
    events = list(sim.events())
    logins = [e for e in events if isinstance(e, ev.AgentLogin)]
    assert len(logins) == 10
    assert {e.this_queue for e in logins} == {"8001", "8002"}
    lunches = [
        e
        for e in events
        if isinstance(e, ev.AgentNotReady) and e.reasons.get("ReasonCode") == "Lunch"
    ]
    assert len(lunches) == 10  # every agent has one lunch break
    logouts = [e for e in events if isinstance(e, ev.AgentLogout)]
    # shift one ends at 16:00; shift two at 17:30, the horizon (07:30 + 10 h),
    # which is not part of the run
    assert len(logouts) == 6
    assert all(e.time < sim.end_ms for e in logouts)


def test_mmc_stream_is_valid_and_simple(tmp_path: Path) -> None:
    config = mmc(agents=5, rate=80, duration_s=4 * 3600)
    sim = create_simulator(config, seed=1)
    engine = Engine(config)
    kinds = _kinds(_feed_all(engine, sim.events()))
    assert set(kinds) == {
        "LinkConnected",
        "AgentLogin",
        "AgentReady",
        "Queued",
        "Diverted",
        "Ringing",
        "Established",
        "Released",
    }
    assert all(r.ring_ms == 0 and r.acw_ms == 0 and r.hold_ms == 0 for r in sim.records)
    assert write_stream(tmp_path / "mmc.jsonl", create_simulator(config, seed=1).events()) == sum(
        kinds.values()
    )


def test_edge_cases_are_accepted() -> None:
    """Night and back-to-back shifts, DST, swapped seats, clearing, heavy RONA."""
    # Saturday 20:00 to Sunday 10:00: the night shift, the DST change at 01:00
    # and the back-to-back day shift from 06:00
    config = with_simulation(edges("14h"), start="2026-03-28T20:00:00")
    sim = create_simulator(config, seed=1)
    engine = Engine(config)
    events = _feed_all(engine, sim.events())
    kinds = _kinds(events)
    assert engine.statistics().events_refused == 0
    assert kinds["Released(Dropped)"] > 0
    outcomes = Counter(r.outcome for r in sim.records)
    assert outcomes[Outcome.CLEARED] == kinds["Released(Dropped)"]
    # seats from [simulation.seats]
    logins = {e.agent_id: e.dn for e in events if isinstance(e, ev.AgentLogin)}
    assert logins["7001"] == "5010"
    assert "5001" not in logins.values()  # the seat of 1010, who has no shift
    # night shift 22:00-06:00 then day shift 06:00-14:00: logged in once, never out
    agent_7001 = [type(e).__name__ for e in events if getattr(e, "agent_id", "") == "7001"]
    assert agent_7001.count("AgentLogin") == 1
    assert "AgentLogout" not in agent_7001


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_edge_cases_over_many_seeds(seed: int) -> None:
    config = edges("5d")
    engine = Engine(config)
    _feed_all(engine, create_simulator(config, seed=seed).events())
    assert engine.statistics().events_refused == 0
    assert engine.statistics().stuck_calls_cleaned == 0
