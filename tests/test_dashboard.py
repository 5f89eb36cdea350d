"""Tests for the live wallboard (statengine/cli/dashboard.py).

The board is opened on the packaged ``example`` center, part of the bundled
sample is replayed, and what the rendered text shows is read back by row
label and compared with ``engine.peek`` of the same statistics opened by
another subscriber at the same time (the pool shares them: the board must
show exactly their values, in the right place).
"""

from __future__ import annotations

import importlib.resources
import io
import re
import types
from typing import Any

import attrs
import pytest
from rich.console import Console

from simulators import create_simulator
from simulators.multimedia import ContactCenterSimulator
from simulators.settings import SimulationSettings, with_simulation
from statengine.cli import dashboard
from statengine.cli.dashboard import (
    AreaPeriod,
    MediaPeriod,
    Progress,
    QueuePeriod,
    Wallboard,
    WallboardValues,
    format_count,
    format_duration,
    format_percent,
    render,
    run_live,
)
from statengine.cli.main import main
from statengine.config import load_packaged, parse_config
from statengine.core.actions import ActionKind
from statengine.core.engine import Engine
from statengine.core.events import Event
from statengine.core.notify import NotificationSettings, NotifyMode
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.stattypes import StatType
from statengine.core.status import Status
from statengine.errors import LocalProtocolError
from statengine.streams import read_stream

#: how much of the sample to replay: both groups have an agent not ready
#: with a reason, calls are waiting, and the interval differs from the day
CUT = 2500
NONE = NotificationSettings(mode=NotifyMode.NONE)
Q_TYPES = (ObjectType.Queue, ObjectType.RoutePoint)


@pytest.fixture(scope="module")
def sample() -> list[Event]:
    resource = importlib.resources.files("configs") / "samples/example.msgpack"
    with importlib.resources.as_file(resource) as path, read_stream(path) as reader:
        return list(reader)


@attrs.define(repr=False)  # pytest shows arguments on failure: an engine's repr is huge
class Board:
    engine: Engine
    board: Wallboard
    values: WallboardValues
    #: (object, number, period) -> the test's own subscription
    mine: dict[tuple[ObjectRef, str, str], tuple[str, ...]]
    #: the actions the engine returned, for recomputations
    actions: list[Any]


def _open_mine(engine: Engine) -> dict[tuple[ObjectRef, str, str], tuple[str, ...]]:
    """The board's statistics, opened independently under subscriber "test"."""
    mine: dict[tuple[ObjectRef, str, str], tuple[str, ...]] = {}

    def open_(
        ref: ObjectRef, number: str, period: str, stat_type: str | StatType, **kw: Any
    ) -> None:
        ref_id = (str(ref), number, period)
        profile = {"interval": "CollectorDefault", "day": "Default", "now": "Default"}[period]
        engine.open_statistic(
            "test", ref_id, ref, stat_type, profile=profile, notification=NONE, **kw
        )
        mine[ref, number, period] = ref_id

    for ref in engine.objects(ObjectType.Queue) + engine.objects(ObjectType.RoutePoint):
        open_(ref, "waiting", "now", "Current_In_Queue")
        open_(ref, "longest", "now", "Current_Max_Waiting_Time")
        for period in ("interval", "day"):
            open_(ref, "offered", period, "Total_Calls_Entered")
            open_(ref, "answered", period, "Total_Calls_Answered")
            open_(ref, "abandoned", period, "Total_Abandoned")
            open_(
                ref,
                "sl",
                period,
                "Service_Factor",
                time_range="ServiceLevel",
                time_range2="ShortAbandon",
            )
            open_(ref, "asa", period, "Average_Speed_Of_Answer")
            open_(ref, "aht", period, "Wallboard_Queue_AHT")
    ranges = engine.profile().time_ranges
    for area in engine.config.staging_areas:
        ref = ObjectRef(area.tenant, ObjectType.StagingArea, area.name)
        open_(ref, "backlog", "now", "Current_Backlog")
        open_(ref, "longest", "now", "Wallboard_Current_Max_Interaction_Wait")
        for period in ("interval", "day"):
            open_(ref, "entered", period, "Total_Interactions_Entered")
            open_(ref, "distributed", period, "Total_Interactions_Distributed")
            open_(ref, "abandoned", period, "Wallboard_Interactions_Abandoned")
            open_(ref, "wait", period, "Wallboard_Interaction_Average_Wait")
            if f"ServiceLevel_{area.media}" in ranges:
                open_(
                    ref,
                    "sl",
                    period,
                    "Wallboard_Interaction_Service_Level",
                    time_range=f"ServiceLevel_{area.media}",
                )
    # the media rows: written out here from the docstring, not taken from the
    # library, so that the library's definitions are checked too (the pool
    # shares a statistic between equal definitions whatever their names)
    for tenant, media in dict.fromkeys((a.tenant, a.media) for a in engine.config.staging_areas):
        ref = ObjectRef(tenant, ObjectType.Tenant, tenant)

        def media_type(category: str, mask: str, media: str = media) -> StatType:
            return StatType.from_definition(
                {"Objects": ["Tenant"], "Category": category, "MainMask": mask, "MediaType": media}
            )

        open_(ref, f"{media}.logged_in", "now", media_type("CurrentNumber", "Active"))
        open_(ref, f"{media}.free", "now", media_type("CurrentNumber", "Routable"))
        open_(ref, f"{media}.handling", "now", media_type("CurrentNumber", "Handling"))
        for period in ("interval", "day"):
            open_(ref, f"{media}.handled", period, media_type("TotalAdjustedNumber", "Handling"))
            open_(ref, f"{media}.aht", period, media_type("AverageTime", "Handling"))
    for ref in engine.objects(ObjectType.GroupAgents):
        open_(ref, "logged_in", "now", "Current_Logged_In_Agents")
        open_(ref, "ready", "now", "Current_Ready_Agents")
        open_(ref, "busy", "now", "Current_Busy_Agents")
        open_(ref, "not_ready", "now", "Current_Not_Ready_Agents")
        open_(ref, "acw", "now", "Wallboard_Current_ACW_Agents")
    return mine


@pytest.fixture(scope="module")
def board(sample: list[Event]) -> Board:
    engine = Engine(load_packaged("example"))
    engine.feed(sample[0])
    wallboard = Wallboard.open(engine)
    mine = _open_mine(engine)
    actions: list[Any] = []
    for event in sample[1:CUT]:
        actions += engine.feed(event).actions
    return Board(engine, wallboard, wallboard.values(), mine, actions)


def peek(b: Board, ref: ObjectRef, number: str, period: str = "now") -> Any:
    return b.engine.peek("test", b.mine[ref, number, period]).value


def text_of(values: WallboardValues, width: int = 120, **kw: Any) -> str:
    console = Console(record=True, width=width, file=io.StringIO())
    console.print(render(values, **kw))
    return console.export_text()


def row(text: str, label: str) -> list[str]:
    """The cells of the line starting with ``label`` (split on spaces)."""
    lines = [line for line in text.splitlines() if line.startswith(label + " ")]
    assert len(lines) == 1, (label, text)
    return lines[0][len(label) :].split()


def seconds(cell: str) -> int:
    """``m:ss`` or ``h:mm:ss`` back to seconds."""
    total = 0
    for part in cell.split(":"):
        total = total * 60 + int(part)
    return total


# -- the numbers shown are the engine's ---------------------------------------


def test_queue_rows_show_the_peeked_values(board: Board) -> None:
    text = text_of(board.values)
    engine = board.engine
    queues = engine.objects(ObjectType.Queue) + engine.objects(ObjectType.RoutePoint)
    assert len(queues) == 3
    busy_seen = False
    for ref in queues:
        cells = row(text, ref.id)
        if ref.type is ObjectType.RoutePoint:
            assert cells.pop(0) == "(RP)"
        waiting, longest, *rest = cells
        assert int(waiting) == peek(board, ref, "waiting")
        if peek(board, ref, "waiting"):
            busy_seen = True
            assert seconds(longest) == int(peek(board, ref, "longest") + 0.5)
        else:
            assert longest == "-"
        assert len(rest) == 12
        pairs = dict(
            zip(
                ("offered", "answered", "abandoned", "sl", "asa", "aht"),
                zip(rest[::2], rest[1::2], strict=True),
                strict=True,
            )
        )
        for i, period in enumerate(("interval", "day")):
            answered = peek(board, ref, "answered", period)
            abandoned = peek(board, ref, "abandoned", period)
            assert int(pairs["offered"][i].replace(",", "")) == peek(board, ref, "offered", period)
            assert int(pairs["answered"][i].replace(",", "")) == answered
            assert int(pairs["abandoned"][i].replace(",", "")) == abandoned
            sl = peek(board, ref, "sl", period)
            if answered or abandoned:
                assert float(pairs["sl"][i]) == pytest.approx(sl, abs=0.05)
            else:
                assert (pairs["sl"][i], sl) == ("-", 0)
            asa = peek(board, ref, "asa", period)
            if answered:
                assert seconds(pairs["asa"][i]) == int(asa + 0.5)
            else:
                assert (pairs["asa"][i], asa) == ("-", 0)
            aht = peek(board, ref, "aht", period)
            if aht > 0:
                assert seconds(pairs["aht"][i]) == int(aht + 0.5)
            else:
                assert pairs["aht"][i] == "-"
    assert busy_seen, "pick a CUT where calls are waiting"
    # the interval is a quarter hour, the day everything since the opening
    q = board.values.queues[0]
    assert q.interval.offered < q.day.offered
    assert q.interval.service_level > 0
    assert q.day.aht > 0


def count(cell: str) -> int:
    return int(cell.replace(",", ""))


def check_area_rows(b: Board, text: str) -> None:
    """Every staging area row shows the peeked values (or ``-`` where a number
    has no meaning yet)."""
    ranges = b.engine.profile().time_ranges
    areas = b.engine.config.staging_areas
    with_sl = {a.media for a in areas if f"ServiceLevel_{a.media}" in ranges}
    keys = ("entered", "distributed", "abandoned", *(("sl",) if with_sl else ()), "wait")
    for area in areas:
        ref = ObjectRef(area.tenant, ObjectType.StagingArea, area.name)
        media, waiting, longest, *rest = row(text, area.name)
        assert media == area.media
        assert count(waiting) == peek(b, ref, "backlog")
        if peek(b, ref, "backlog"):
            assert seconds(longest) == int(peek(b, ref, "longest") + 0.5)
        else:
            assert (longest, peek(b, ref, "longest")) == ("-", 0)
        assert len(rest) == 2 * len(keys), rest
        pairs = dict(zip(keys, zip(rest[::2], rest[1::2], strict=True), strict=True))
        for i, period in enumerate(("interval", "day")):
            distributed = peek(b, ref, "distributed", period)
            abandoned = peek(b, ref, "abandoned", period)
            assert count(pairs["entered"][i]) == peek(b, ref, "entered", period)
            assert count(pairs["distributed"][i]) == distributed
            assert count(pairs["abandoned"][i]) == abandoned
            if area.media in with_sl and (distributed or abandoned):
                assert float(pairs["sl"][i]) == pytest.approx(peek(b, ref, "sl", period), abs=0.05)
            elif with_sl:
                assert pairs["sl"][i] == "-"
            wait = peek(b, ref, "wait", period)
            if distributed:
                assert seconds(pairs["wait"][i]) == int(wait + 0.5)
            else:
                assert (pairs["wait"][i], wait) == ("-", 0)


def check_media_rows(b: Board, text: str) -> None:
    """Every media row shows the peeked values of the tenant's channels of that media."""
    for tenant, media in dict.fromkeys((a.tenant, a.media) for a in b.engine.config.staging_areas):
        ref = ObjectRef(tenant, ObjectType.Tenant, tenant)
        logged_in, free, handling, *rest = row(text, media)
        assert count(logged_in) == peek(b, ref, f"{media}.logged_in")
        assert count(free) == peek(b, ref, f"{media}.free")
        assert count(handling) == peek(b, ref, f"{media}.handling")
        h_int, h_day, a_int, a_day = rest
        for period, h, a in (("interval", h_int, a_int), ("day", h_day, a_day)):
            handled = peek(b, ref, f"{media}.handled", period)
            aht = peek(b, ref, f"{media}.aht", period)
            assert count(h) == handled
            if handled:
                assert seconds(a) == int(aht + 0.5)
            else:
                assert (a, aht) == ("-", 0)


def test_staging_area_rows_show_the_peeked_values(board: Board) -> None:
    check_area_rows(board, text_of(board.values))
    assert sum(a.day.entered for a in board.values.staging_areas) > 0


def test_media_rows_show_the_peeked_values(board: Board) -> None:
    check_media_rows(board, text_of(board.values))


def test_agent_rows_show_the_peeked_values_and_reasons(board: Board) -> None:
    assert check_agent_rows(board, text_of(board.values)), (
        "pick a CUT where an agent is not ready with a reason"
    )


def check_agent_rows(board: Board, text: str) -> bool:
    """Every group row shows the peeked values and the members' reasons;
    whether any member was not ready with a reason."""
    engine = board.engine
    any_reason = False
    for ref in engine.objects(ObjectType.GroupAgents):
        logged_in, ready, busy, not_ready, acw, *reasons = row(text, ref.id)
        assert int(logged_in) == peek(board, ref, "logged_in")
        assert int(ready) == peek(board, ref, "ready")
        assert int(busy) == peek(board, ref, "busy")
        assert int(not_ready) == peek(board, ref, "not_ready")
        assert int(acw) == peek(board, ref, "acw")
        # the reasons: recomputed from each member agent's own state
        expected: dict[str, int] = {}
        for member in engine.group_members(ref):
            info = engine.status(member)
            if info.status is Status.NotReadyForNextCall:
                assert info.action is not None
                code = str(info.action.reasons["ReasonCode"])
                expected[code] = expected.get(code, 0) + 1
        shown = " ".join(reasons)
        if expected:
            any_reason = True
            for code, n in expected.items():
                assert f"{code} {n}" in shown
        else:
            assert shown == "-"
        assert sum(expected.values()) == int(not_ready)
    return any_reason


def test_values_hold_what_the_table_shows(board: Board) -> None:
    v = board.values
    assert v.now == board.engine.now
    stats = board.engine.statistics()
    assert (v.events_fed, v.events_applied, v.events_refused) == (
        stats.events_fed,
        stats.events_applied,
        stats.events_refused,
    )
    assert v.interval_label == "15m"
    assert v.interval_end is not None
    assert v.interval_start is not None
    assert v.interval_end - v.interval_start == 15 * 60_000
    assert v.interval_start <= v.now < v.interval_end
    assert v.day_start == v.opened == board.board.opened
    assert v.service_level_seconds == 20
    text = text_of(v)
    assert "15m 09:45-10:00" in text  # London is on GMT in March before the 29th
    assert "day from 08:00" in text


def test_queue_aht_is_talk_plus_acw_per_call_released(board: Board) -> None:
    """Wallboard_Queue_AHT recomputed from the reflected actions the engine returned."""
    v = board.values
    assert v.interval_start is not None
    for q in v.queues:
        for period, since in (("interval", v.interval_start), ("day", v.opened)):
            talk = [
                a.end - a.start
                for a in board.actions
                if a.device == q.ref and a.kind is ActionKind.CallReleased and a.end >= since
            ]
            acw = [
                a.end - a.start
                for a in board.actions
                if a.device == q.ref and a.kind is ActionKind.ACWCompleted and a.end >= since
            ]
            expected = (sum(talk) + sum(acw)) / 1000 / len(talk) if talk else 0.0
            assert getattr(q, period).aht == pytest.approx(expected, abs=1e-6), (q.ref, period)


# -- a multimedia center: the packaged small one ------------------------------

#: an hour of the small center from mid-morning: shifts under way, chats,
#: e-mails and work items flowing, a customer now and then leaving a chat
MM_START = "2026-03-03T10:00:00"
MM_DURATION = "1h"


@attrs.define(repr=False)
class MultimediaRun(Board):
    #: the simulator's ground truth, one record per interaction
    interactions: list[Any] = attrs.field(factory=list)


@pytest.fixture(scope="module")
def mm() -> MultimediaRun:
    config = with_simulation(load_packaged("small"), start=MM_START, duration=MM_DURATION)
    sim = create_simulator(config)
    events = list(sim.events())
    engine = Engine(config)
    engine.advance(SimulationSettings.from_config(config).start_ms)
    wallboard = Wallboard.open(engine)
    mine = _open_mine(engine)
    actions: list[Any] = []
    for event in events:
        actions += engine.feed(event).actions
    assert isinstance(sim, ContactCenterSimulator)
    interactions = list(sim.interactions)
    return MultimediaRun(engine, wallboard, wallboard.values(), mine, actions, interactions)


def test_multimedia_rows_show_the_peeked_values(mm: MultimediaRun) -> None:
    text = text_of(mm.values)
    check_area_rows(mm, text)
    check_media_rows(mm, text)
    check_agent_rows(mm, text)


def test_multimedia_numbers_are_not_zero(mm: MultimediaRun) -> None:
    """A center with media traffic shows it: every kind of number moved."""
    v = mm.values
    assert v.events_refused == 0
    areas = {a.media: a for a in v.staging_areas}
    assert set(areas) == {"chat", "email", "workitem"}
    for a in areas.values():
        assert a.day.entered > 0
        assert a.day.distributed > 0
        assert a.interval.entered <= a.day.entered
    assert any(a.day.average_wait > 0 for a in areas.values())
    assert any(a.backlog > 0 and a.longest_wait > 0 for a in areas.values()), "pick a busier run"
    assert areas["chat"].day.abandoned > 0, "pick a run where a chat customer leaves"
    assert areas["chat"].day.service_level is not None
    assert 0 < areas["chat"].day.service_level < 100
    # deferrable media have no service level unless the center gives them a range
    assert areas["email"].day.service_level is None
    assert areas["workitem"].service_level_range is None
    for m in v.media:
        assert m.logged_in > 0
        assert m.free > 0
        assert m.day.handled > 0
        assert m.day.aht > 0
    assert sum(m.handling for m in v.media) > 0


def test_media_numbers_against_the_ground_truth(mm: MultimediaRun) -> None:
    """The staging-area counts of the day are what the simulator did."""
    by_area = {a.ref.id: a for a in mm.values.staging_areas}
    for area_id, a in by_area.items():
        records = [r for r in mm.interactions if r.staging_area == area_id]
        assert a.day.entered == len(records)
        assert a.day.distributed == sum(r.distributed_ms is not None for r in records)
        assert a.day.abandoned == sum(r.outcome == "abandoned" for r in records)
        assert a.backlog == sum(
            r.distributed_ms is None and r.abandoned_ms is None for r in records
        )


def test_media_service_level_and_aht_recomputed_from_the_actions(mm: MultimediaRun) -> None:
    """SL % = distributed within the media's range / (distributed + abandoned);
    AHT = mean Handling time of the media's interactions whose handling ended:
    recomputed from the actions the engine returned."""
    v = mm.values
    assert v.interval_start is not None
    for period, since in (("interval", v.interval_start), ("day", v.opened)):
        for a in v.staging_areas:
            on_area = [x for x in mm.actions if x.device == a.ref and x.end is not None]
            done = [x for x in on_area if x.end >= since]
            distributed = [x for x in done if x.kind is ActionKind.InteractionDistributed]
            cleared = [x for x in done if x.kind is ActionKind.InteractionCleared]
            p = getattr(a, period)
            if a.service_level_range is not None:
                lower, upper = a.service_level_range
                assert upper is not None
                within = sum(
                    lower <= x.end // 1000 - max(x.start, v.opened) // 1000 < upper
                    for x in distributed
                )
                total = len(distributed) + len(cleared)
                expected = 100 * within / total if total else 0.0
                assert p.service_level == pytest.approx(expected), (a.ref, period)
            waits = [(x.end - max(x.start, v.opened)) / 1000 for x in distributed]
            expected_wait = sum(waits) / len(waits) if waits else 0.0
            assert p.average_wait == pytest.approx(expected_wait), (a.ref, period)
        for m in v.media:
            handling = [
                (x.end - max(x.start, v.opened)) / 1000
                for x in mm.actions
                if x.kind is ActionKind.Handling
                and x.media == m.media
                and x.end is not None
                and x.end >= since
            ]
            p2 = getattr(m, period)
            assert p2.handled == len(handling), (m.media, period)
            expected_aht = sum(handling) / len(handling) if handling else 0.0
            assert p2.aht == pytest.approx(expected_aht), (m.media, period)


def test_a_center_range_gives_e_mail_a_service_level() -> None:
    """``ServiceLevel_<media>`` in a center's own [time_ranges] turns the
    column on for that media (the library has one for chat only)."""
    resource = importlib.resources.files("configs").joinpath("small.toml")
    text = resource.read_text(encoding="utf-8")
    config = parse_config(text + '\n[time_ranges]\nServiceLevel_email = "0-14400"\n')
    engine = Engine(config)
    engine.advance(SimulationSettings.from_config(config).start_ms)
    values = Wallboard.open(engine).values()
    areas = {a.media: a for a in values.staging_areas}
    assert areas["email"].service_level_range == (0, 14400)
    assert areas["email"].day.service_level == 0.0  # nothing distributed yet: shown "-"
    assert areas["chat"].service_level_range == (0, 60)
    assert areas["workitem"].service_level_range is None
    assert areas["workitem"].day.service_level is None
    shown = text_of(values, width=140)
    assert "SL % chat within 60 s, email within 4 h, abandons count against it" in shown
    assert row(shown, "Email")[3:] == ["0"] * 6 + ["-"] * 4


def test_media_rows_per_tenant_name_it(mm: MultimediaRun) -> None:
    """With several tenants, rows say whose they are (render is pure: values
    made by hand)."""
    other = [attrs.evolve(m, tenant="Other") for m in mm.values.media]
    text = text_of(attrs.evolve(mm.values, media=(*mm.values.media, *other)), width=140)
    for m in mm.values.media:
        assert row(text, f"Small/{m.media}") == row(text, f"Other/{m.media}")


# -- gathering and rendering ----------------------------------------------------


def test_values_equal_a_second_gathering(board: Board) -> None:
    assert board.board.values() == board.board.values() == board.values


def test_render_is_pure(board: Board, sample: list[Event]) -> None:
    v = board.values
    first = text_of(v, rate=1234.0, progress=Progress(start_ms=sample[0].time, total_ms=7_200_000))
    again = text_of(v, rate=1234.0, progress=Progress(start_ms=sample[0].time, total_ms=7_200_000))
    assert first == again
    # no engine call: the engine moving on does not change the text of old values
    engine = Engine(load_packaged("example"))
    engine.feed(sample[0])
    assert text_of(v) == text_of(v)
    assert "1,234 events/s" in first
    assert "virtual" in first


def test_header_clock_in_the_tenant_zone_and_progress(board: Board, sample: list[Event]) -> None:
    v = board.values
    start = sample[0].time
    text = text_of(v, progress=Progress(start_ms=start, total_ms=2 * v.now - 2 * start))
    assert "Mon 2026-03-02" in text
    assert "GMT" in text
    assert " 50%" in text
    later = text_of(v, virtual_now=start + 3_600_000)
    assert "09:00:00 GMT" in later


def test_service_level_colours() -> None:
    assert dashboard._sl_style(85.0, 80, 60) == "green"
    assert dashboard._sl_style(70.0, 80, 60) == "yellow"
    assert dashboard._sl_style(59.9, 80, 60) == "bold red"


def test_narrow_console_stacks_the_periods(board: Board) -> None:
    wide = board.values
    text = text_of(wide, width=80)
    ref = board.engine.objects(ObjectType.Queue)[0]
    cells = row(text, ref.id)
    # queue, waiting, longest, then the interval line
    assert cells[2] == "15m"
    assert int(cells[3]) == peek(board, ref, "offered", "interval")
    day = [line.split() for line in text.splitlines() if line.split()[:1] == ["day"]]
    assert int(day[0][1]) == peek(board, ref, "offered", "day")
    for line in text.splitlines():
        assert len(line) <= 80


def test_narrow_console_puts_the_media_under_the_staging_area(mm: MultimediaRun) -> None:
    text = text_of(mm.values, width=80)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    for area in mm.values.staging_areas:
        (i,) = (i for i, line in enumerate(lines) if line.startswith(area.ref.id + " "))
        waiting, _longest, label, entered, *_ = lines[i][len(area.ref.id) :].split()
        assert (int(waiting), label, int(entered)) == (area.backlog, "15m", area.interval.entered)
        media, label, entered, *_ = lines[i + 1].split()
        assert (media, label, count(entered)) == (area.media, "day", area.day.entered)
    for m in mm.values.media:  # narrow enough to keep its wide layout
        logged_in, _free, _handling, handled, *_ = row(text, m.media)
        assert (int(logged_in), int(handled)) == (m.logged_in, m.interval.handled)


def test_default_center_fits_120_columns_on_a_busy_day() -> None:
    """The packaged default center (5 queues, 2 routing points, 3 staging
    areas, 10 groups) in the wide layout at 120 columns, with a busy day's
    digits in every cell (render is pure: the values are made by hand)."""
    config = load_packaged("default")
    engine = Engine(config)
    engine.advance(SimulationSettings.from_config(config).start_ms)
    v = Wallboard.open(engine).values()
    q = QueuePeriod(
        offered=99_999, answered=99_999, abandoned=9_999, service_level=100.0, asa=3599, aht=3599
    )
    a = AreaPeriod(
        entered=99_999,
        distributed=99_999,
        abandoned=9_999,
        service_level=100.0,
        average_wait=35_999,
    )
    m = MediaPeriod(handled=99_999, aht=3599)
    busy = attrs.evolve(
        v,
        queues=tuple(
            attrs.evolve(x, waiting=999, longest_wait=3599, interval=q, day=q) for x in v.queues
        ),
        staging_areas=tuple(
            attrs.evolve(x, backlog=9_999, longest_wait=86_399, interval=a, day=a)
            for x in v.staging_areas
        ),
        media=tuple(
            attrs.evolve(x, logged_in=9_999, free=9_999, handling=9_999, interval=m, day=m)
            for x in v.media
        ),
    )
    assert (len(v.queues), len(v.staging_areas), len(v.media)) == (7, 3, 3)
    text = text_of(busy, width=120)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 120
    # every period table in the wide layout: its header has the period labels
    assert sum(re.search(r"15m +day", line) is not None for line in lines) == 3
    assert not any(line.split()[:1] == ["day"] for line in lines)
    assert "99,999 99,999" in text
    assert "23:59:59" in text


def test_wide_width_is_what_rich_measures(board: Board) -> None:
    """The layout choice uses our own width sum: it must match rich's."""
    from rich.measure import Measurement

    console = Console(width=500, file=io.StringIO())
    for fit in (
        dashboard._queues_table(board.values, 80, 60, False),
        dashboard._areas_table(board.values, 80, 60, False),
        dashboard._media_table(board.values, False),
    ):
        measured = Measurement.get(console, console.options, fit.wide).maximum
        assert fit.wide_width == measured


def test_fits_100_columns(board: Board) -> None:
    text = text_of(board.values, width=100)
    assert "15m day" in text  # the wide layout
    assert max(len(line) for line in text.splitlines()) <= 100
    assert len(text.splitlines()) <= 40


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0:00"), (0.499, "0:00"), (0.5, "0:01"), (59.6, "1:00"), (185, "3:05"), (3725, "1:02:05")],
)
def test_format_duration(value: float, shown: str) -> None:
    assert format_duration(value) == shown


def test_format_count_and_percent() -> None:
    assert format_count(1234567) == "1,234,567"
    assert format_percent(83.333) == "83.3"


# -- opening --------------------------------------------------------------------


def test_open_needs_a_started_clock() -> None:
    with pytest.raises(LocalProtocolError, match="clock has not started"):
        Wallboard.open(Engine(load_packaged("example")))


def test_open_needs_the_library_and_leaves_nothing_open(sample: list[Event]) -> None:
    engine = Engine(load_packaged("example").center)  # a bare center: no stat types
    engine.feed(sample[0])
    with pytest.raises(LocalProtocolError, match=r"Service_Factor.*CollectorDefault"):
        Wallboard.open(engine)
    assert engine.pool_statistics().subscriptions == 0


def test_open_twice_for_one_subscriber_is_refused_cleanly(sample: list[Event]) -> None:
    engine = Engine(load_packaged("example"))
    engine.feed(sample[0])
    board = Wallboard.open(engine)
    before = engine.pool_statistics().subscriptions
    with pytest.raises(LocalProtocolError):
        Wallboard.open(engine)
    assert engine.pool_statistics().subscriptions == before
    Wallboard.open(engine, subscriber="other")  # another subscriber is fine
    board.close()
    assert engine.pool_statistics().subscriptions == before


# -- run_live and replay --dashboard ------------------------------------------


def test_run_live_off_terminal_prints_once_at_the_end(sample: list[Event]) -> None:
    console = Console(record=True, width=120, file=io.StringIO())
    assert not console.is_terminal
    engine = Engine(load_packaged("example"))
    final = run_live(engine, sample[:600], console=console, total_ms=3_600_000)
    text = console.export_text()
    assert text.count("statengine wallboard") == 1
    assert final.events_fed == 600 == engine.statistics().events_fed
    assert text == text_of(final, rate=_rate(text), progress=_progress(sample))


def _rate(text: str) -> float:
    words = text.split()
    return float(words[words.index("events/s") - 1].replace(",", ""))


def _progress(sample: list[Event]) -> Progress:
    return Progress(start_ms=sample[0].time, total_ms=3_600_000)


def test_run_live_refreshes_at_most_the_given_rate(
    sample: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a fake wall clock advancing 10 ms per reading, 4 refreshes per
    second means at most one frame per 25 readings."""
    clock = iter(range(10**9))
    monkeypatch.setattr(
        dashboard, "time", types.SimpleNamespace(perf_counter=lambda: next(clock) / 100)
    )
    frames = 0
    real_render = dashboard.render

    def counting(*args: Any, **kw: Any) -> Any:
        nonlocal frames
        frames += 1
        return real_render(*args, **kw)

    monkeypatch.setattr(dashboard, "render", counting)
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    assert console.is_terminal
    engine = Engine(load_packaged("example"))
    final = run_live(engine, sample[:200], console=console, refresh_per_second=4)
    assert final.events_fed == 200
    # 200 events, one reading each (plus one per frame): about 2 s of fake wall
    # time, so about 8 frames, plus the first and the last
    assert 5 <= frames <= 2 * 4 + 2
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "SalesTeam" in out


def test_run_live_with_no_events_and_no_clock() -> None:
    with pytest.raises(LocalProtocolError, match="no events"):
        run_live(Engine(load_packaged("example")), [], console=Console(file=io.StringIO()))


def test_replay_dashboard_non_interactive(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", "--dashboard"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.count("statengine wallboard") == 1
    for label in ("8001@SW1", "9000@SW1", "Email", "SalesTeam", "SupportSkilled"):
        assert label in out
    assert "events 2,650" in out


def test_replay_dashboard_refuses_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", "--dashboard", "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("statengine: error: --dashboard and --json")
