"""Ground truth per queue stay (``CallRecord.queue_stays``): each stay agrees
with the record it belongs to and with the events the simulator emitted,
whatever the mix of flows."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable, Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators import RECORD_VERSION, CallKind, CallRecord, Outcome
from simulators.records import QueueStay, StayOutcome
from simulators.voice import VoiceSimulator
from statengine.config import parse_config
from statengine.core import events as ev

from .centers import all_flows, example_text

#: what the last stay of a call says about its outcome
_LAST_STAY: dict[Outcome, set[StayOutcome]] = {
    Outcome.ANSWERED: {StayOutcome.ANSWERED},
    Outcome.ABANDONED_QUEUED: {StayOutcome.ABANDONED_QUEUED},
    Outcome.ABANDONED_RINGING: {StayOutcome.ABANDONED_RINGING},
    Outcome.CLEARED: {StayOutcome.CLEARED},
    # waiting, ringing, or talking to the agent of the last stay at the horizon
    Outcome.UNFINISHED: {StayOutcome.UNFINISHED, StayOutcome.ANSWERED},
}


def _check_stays(r: CallRecord, horizon: int) -> None:
    """The invariants tying a record's stays to its other fields."""
    stays = r.queue_stays
    if r.kind is not CallKind.INBOUND or r.queued_ms is None:
        assert stays == ()
        return
    first = stays[0]
    assert (first.queue, first.entered_ms) == (r.queue, r.queued_ms)
    # time on waiting lists and ringing, stay by stay, add up to the call's
    waited = sum(s.waited_ms if s.waited_ms is not None else horizon - s.entered_ms for s in stays)
    assert waited == r.queue_ms
    rings = [
        (s.outcome_ms if s.outcome_ms is not None else horizon) - s.distributed_ms
        for s in stays
        if s.distributed_ms is not None
    ]
    assert sum(rings) == r.ring_ms
    answered = [s for s in stays if s.outcome is StayOutcome.ANSWERED]
    if r.answered_ms is None:
        assert answered == []
    else:
        assert (answered[0].outcome_ms, answered[0].agent) == (r.answered_ms, r.answered_by)
        # the agents of the answered stays come first (then a colleague who
        # took the call over or joined a conference)
        assert [s.agent for s in answered] == list(r.agents[: len(answered)])
    for s in stays:
        assert s.entered_ms <= (s.distributed_ms if s.distributed_ms is not None else s.entered_ms)
        if s.outcome is StayOutcome.UNFINISHED:
            assert s.outcome_ms is None
        else:
            assert s.outcome_ms is not None
            assert s.outcome_ms >= s.entered_ms
        if s.outcome in (
            StayOutcome.ANSWERED,
            StayOutcome.ABANDONED_RINGING,
            StayOutcome.RING_NO_ANSWER,
        ):
            assert s.distributed_ms is not None
            assert s.agent
        if s.released_ms is not None:
            assert s.outcome is StayOutcome.ANSWERED
            assert s.outcome_ms is not None
            assert s.released_ms - s.outcome_ms == s.talk_ms + s.hold_ms
        elif s.outcome is not StayOutcome.ANSWERED:
            assert s.talk_ms == s.hold_ms == s.acw_ms == 0
        else:  # answered, the agent still on the call at the horizon
            assert r.outcome is Outcome.UNFINISHED
            assert s is stays[-1]
            assert s.acw_ms == 0
    # a stay follows a ring-no-answer (same queue, at once) or the answering
    # agent's single-step transfer (at the transfer); nothing else
    for before, after in itertools.pairwise(stays):
        if before.outcome is StayOutcome.RING_NO_ANSWER:
            assert (after.queue, after.entered_ms) == (before.queue, before.outcome_ms)
        else:
            assert before.outcome is StayOutcome.ANSWERED
            assert after.entered_ms == before.released_ms
    rona = sum(1 for s in stays if s.outcome is StayOutcome.RING_NO_ANSWER)
    single_step = sum(1 for s in stays[:-1] if s.outcome is StayOutcome.ANSWERED)
    assert rona == r.ronas
    assert single_step <= r.transfers
    # the queue's agents' handling is part of the call's
    assert sum(s.talk_ms + s.hold_ms for s in stays) <= r.talk_ms + r.hold_ms
    assert sum(s.acw_ms for s in stays) <= r.acw_ms
    assert stays[-1].outcome in _LAST_STAY[r.outcome], (r.outcome, stays[-1])


def _check_all(records: Sequence[CallRecord], horizon: int) -> None:
    for r in records:
        _check_stays(r, horizon)
        assert 0 <= r.consultations_answered <= r.consultations
        assert r.consults + r.conferences <= r.consultations_answered


def _count(events: Iterable[ev.Event]) -> Counter[str]:
    out: Counter[str] = Counter()
    consult_calls: set[str] = set()
    for e in events:
        name = type(e).__name__
        state = getattr(e, "call_state", None)
        if state is not None and state is not ev.CallState.Ok:
            name += f"({state.name})"
        out[name] += 1
        if isinstance(e, ev.Established) and e.call_type is ev.CallType.Consult:
            consult_calls.add(e.conn_id)
    out["consultations answered"] = len(consult_calls)
    return out


def test_stays_agree_with_the_records_and_the_events() -> None:
    sim = VoiceSimulator.from_config(all_flows("10h"), seed=9)
    events = list(sim.events())
    records = sim.records
    _check_all(records, sim.end_ms)
    stays = [s for r in records for s in r.queue_stays]
    outcomes = Counter(s.outcome for s in stays)
    assert set(outcomes) >= {
        StayOutcome.ANSWERED,
        StayOutcome.ABANDONED_QUEUED,
        StayOutcome.ABANDONED_RINGING,
        StayOutcome.RING_NO_ANSWER,
    }
    # one stay per Queued, one offer per Diverted from a queue, per call
    queued = Counter(e.conn_id for e in events if isinstance(e, ev.Queued))
    diverted = Counter(e.conn_id for e in events if isinstance(e, ev.Diverted))
    assert queued == Counter({r.call_id: len(r.queue_stays) for r in records if r.queue_stays})
    offers = {
        r.call_id: n
        for r in records
        if (n := sum(1 for s in r.queue_stays if s.distributed_ms is not None))
    }
    assert diverted == Counter(offers)
    kinds = _count(events)
    assert kinds["Held"] == sum(r.holds + r.consultations for r in records)
    assert kinds["consultations answered"] == sum(r.consultations_answered for r in records)
    assert kinds["Released(Transferred)"] == sum(r.transfers for r in records)
    assert kinds["PartyAdded"] == sum(r.conferences for r in records)
    assert kinds["Released(NoAnswer)"] == sum(r.ronas for r in records)
    assert kinds["Released(Dropped)"] == outcomes[StayOutcome.CLEARED]
    # single-step transfers happen, and their new stays are answered too
    assert any(
        a.outcome is StayOutcome.ANSWERED and b.outcome is StayOutcome.ANSWERED
        for r in records
        for a, b in itertools.pairwise(r.queue_stays)
    )


def test_records_are_plain_data() -> None:
    assert RECORD_VERSION == 2
    # new fields are added at the end, so positions of the old ones hold
    assert CallRecord._fields[-3:] == ("consultations", "consultations_answered", "queue_stays")
    records = VoiceSimulator.from_config(all_flows("4h"), seed=2).run()
    with_stays = [r for r in records if len(r.queue_stays) > 1]
    assert with_stays
    data = json.loads(json.dumps([r.to_dict() for r in with_stays]))
    stay = data[0]["queue_stays"][0]
    assert set(stay) == set(QueueStay._fields)
    assert stay["outcome"] in {str(o) for o in StayOutcome}
    assert (
        QueueStay(**{**stay, "outcome": StayOutcome(stay["outcome"])})
        == (with_stays[0].queue_stays[0])
    )


#: a small center whose flow rates the property test draws
_MIX = """
[simulation]
start = "2026-03-03T{hour:02d}:00:00"
duration = {duration}
[simulation.calls]
ring = {{ dist = "exponential", mean = 6 }}
talk = {{ dist = "exponential", mean = 150 }}
patience = {{ dist = "exponential", mean = {patience} }}
acw_probability = {acw}
acw = {{ dist = "exponential", mean = 20 }}
hold_probability = {hold}
consult_probability = {consult}
transfer_probability = {transfer}
attended_transfer = {attended}
conference_probability = {conference}
rona_probability = {rona}
rona_timeout = 12
rona_not_ready = 15
max_wait = {max_wait}
[simulation.queues.8001]
skill = "Sales"
min_level = 3
transfer_queues = ["8002"]
[simulation.queues.8002]
skill = "Support"
min_level = 5
transfer_queues = ["8001", "8002"]
[[simulation.arrivals]]
dn = "9000"
rate = {rate}
route = {{ "8001" = 1, "8002" = 1 }}
[[simulation.arrivals]]
dn = "8002"
rate = 10
[[simulation.shifts]]
agents = ["1001", "1002", "1003", "1006", "1007"]
[[simulation.shifts]]
agents = ["1004", "1005", "1008"]
start = "{hour:02d}:30"
end = "{end:02d}:00"
[simulation.outbound]
per_hour = 1
[simulation.internal]
per_hour = 1
"""


@st.composite
def mixes(draw: st.DrawFn, acw: float | None = None) -> str:
    """A center with a random mix of flows, rates and horizon (``acw``: the
    ACW probability of inbound calls, drawn if None)."""
    p = st.sampled_from([0.0, 0.05, 0.2])
    hour = draw(st.integers(6, 12))
    features = [draw(p) for _ in range(4)]
    scale = 1.0 / max(1.0, sum(features))
    hold, consult, transfer, conference = (round(f * scale, 3) for f in features)
    return example_text() + _MIX.format(
        hour=hour,
        end=hour + 2,
        duration=draw(st.integers(1800, 4 * 3600)),
        patience=draw(st.sampled_from([30, 120, 600])),
        acw=draw(st.sampled_from([0.0, 0.5, 1.0])) if acw is None else acw,
        hold=hold,
        consult=consult,
        transfer=transfer,
        attended=draw(st.sampled_from([0.0, 0.5, 1.0])),
        conference=conference,
        rona=draw(st.sampled_from([0.0, 0.1, 0.3])),
        max_wait=draw(st.sampled_from([60, 300, 3600])),
        rate=draw(st.sampled_from([30, 80, 140])),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mixes(), seed=st.integers(0, 2**16))
def test_stays_hold_for_any_mix_of_flows(text: str, seed: int) -> None:
    sim = VoiceSimulator.from_config(parse_config(text), seed=seed)
    _check_all(sim.run(), sim.end_ms)
