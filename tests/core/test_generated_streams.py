"""Long, realistic streams from ``statengine.testing`` against the domain laws."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from statengine import Engine
from statengine.testing import StreamProfile, generate_stream, make_center

from .invariants import StatusLedger, check_recomputed


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    agents=st.integers(2, 12),
    queues=st.integers(1, 3),
    outages=st.sampled_from([0.0, 2.0]),
)
def test_generated_streams_are_valid_and_keep_the_laws(
    seed: int, agents: int, queues: int, outages: float
) -> None:
    center = make_center(agents=agents, queues=queues)
    engine = Engine(center)  # strict: any refused event fails the test
    ledger: StatusLedger | None = None
    profile = StreamProfile(outages_per_hour=outages, shift=1800.0, off_shift=300.0)
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


def test_same_seed_same_stream() -> None:
    center = make_center(agents=10, queues=2)
    first = list(generate_stream(center, seed=7, events=2000))
    assert first == list(generate_stream(center, seed=7, events=2000))
    assert first != list(generate_stream(center, seed=8, events=2000))


def test_stuck_calls_are_cleaned_at_their_deadline() -> None:
    """A lost release cannot leave a call waiting or talking for ever."""
    from statengine.core import events as ev
    from statengine.core.actions import ActionKind
    from statengine.core.settings import EngineSettings

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
