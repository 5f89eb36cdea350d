"""What the engine facade lists and keys: objects of every type, Formula keys."""

from __future__ import annotations

import pytest

from statengine import Engine, ObjectRef, ObjectType, Status
from statengine.core.engine import StatisticsProfile
from statengine.core.stattypes import StatType, load_time_ranges
from statengine.errors import LocalProtocolError
from statengine.testing import StreamProfile, generate_stream, make_center


def test_objects_lists_staging_areas_switches_and_tenants() -> None:
    """Every object type a statistic can be opened on is listed and can be
    looked at (a client browses the center through these)."""
    engine = Engine(make_center(agents=2, queues=1))
    areas = engine.objects(ObjectType.StagingArea)
    assert areas
    assert all(ref.type is ObjectType.StagingArea for ref in areas)
    assert engine.objects(ObjectType.Switch) == (ObjectRef("T1", ObjectType.Switch, "SW1"),)
    assert engine.objects(ObjectType.Tenant) == (ObjectRef("T1", ObjectType.Tenant, "T1"),)
    tree = engine.current_state(areas[0])
    assert tree.ref == areas[0]
    assert engine.status(areas[0]).status is Status.NotMonitored  # its link is down


def test_repr_stays_short() -> None:
    engine = Engine(make_center(agents=50, queues=2))
    assert len(repr(engine)) < 200


def test_a_formula_over_the_request_range_is_keyed_by_it() -> None:
    """Two requests of one Formula with different time ranges are two
    statistics: each equals the plain category over its own range."""
    center = make_center(agents=6, queues=1)
    profile = StatisticsProfile(time_ranges=load_time_ranges({"Short": "0-5", "Long": "0-60"}))
    stream = list(generate_stream(center, seed=3, events=3000, profile=StreamProfile()))
    engine = Engine(center, profile=profile, now=stream[0].time)
    queue = engine.objects(ObjectType.Queue)[0]
    formula = StatType.from_definition(
        {
            "Objects": "Queue",
            "Category": "Formula",
            "Expression": "TotalNumberInTimeRange(CallAnswered)",
        }
    )
    plain = StatType.from_definition(
        {"Objects": "Queue", "Category": "TotalNumberInTimeRange", "MainMask": "CallAnswered"}
    )
    for n, rng in enumerate(("Short", "Long")):
        engine.open_statistic("f", n, queue, formula, time_range=rng)
        engine.open_statistic("p", n, queue, plain, time_range=rng)
    for event in stream:
        engine.feed(event)
    short, long = (engine.peek("f", n).value for n in (0, 1))
    assert (short, long) == tuple(float(engine.peek("p", n).value) for n in (0, 1))
    assert short < long


def test_status_of_a_media_channel_the_actions_name() -> None:
    center = make_center(agents=3, queues=1)
    engine = Engine(center)
    seen: dict[ObjectRef, object] = {}
    for event in generate_stream(center, seed=2, events=600):
        result = engine.feed(event)
        for action in result.actions:
            if action.device.type is ObjectType.MediaChannel:
                seen[action.device] = None
    assert seen, "the stream logged no agent in to an Interaction Server"
    for ref in seen:
        info = engine.status(ref)
        channel = next(
            ch
            for place in engine._model.places.values()
            for ch in place.channels.values()
            if ch.ref == ref
        )
        assert (info.status, info.since) == (channel.status, channel.since)
    ref = next(iter(seen))
    for bad in ("nonsense", "chat|A0|P0", "chat|A0|P0|nolink", "chat|nobody|P0|ixn1"):
        with pytest.raises(LocalProtocolError, match="unknown object"):
            engine.status(ObjectRef(ref.tenant, ObjectType.MediaChannel, bad))
