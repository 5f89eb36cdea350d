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
