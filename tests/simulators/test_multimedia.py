"""The multimedia model (simulators/multimedia.py): e-mail, chat and work
items through staging areas on two Interaction Servers, alone
(``multimedia``) and with voice on one set of agents (``contact-center``).

Most tests run ``configs/small.toml`` (24 agents, every media, two
Interaction Servers) for a couple of hours on a **strict** engine: a refused
event raises. The capacity rule is checked on the event stream itself by
:class:`RuleChecker`, independently of the simulator's bookkeeping.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators import InteractionOutcome, create_simulator, with_simulation
from simulators.multimedia import ContactCenterSimulator, MultimediaSimulator
from statengine import Engine
from statengine.config import Config, load_packaged, parse_config
from statengine.core import events as ev
from statengine.core.events import to_record
from statengine.core.notify import NotificationSettings, NotifyMode, Reason
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.stattypes import StatType
from statengine.core.status import Status
from statengine.errors import ConfigError
from statengine.streams import write_stream
from tests.simulators.centers import example_text

CHANGES = NotificationSettings(mode=NotifyMode.CHANGES)


def small(**changes: Any) -> Config:
    """configs/small.toml with ``[simulation]`` keys replaced."""
    return with_simulation(load_packaged("small"), **changes)


def with_media(config: Config, media: str, **keys: Any) -> Config:
    """``config`` with keys of ``[simulation.media.<media>]`` replaced (None removes)."""
    section = config.sections["simulation"]
    tables = {name: dict(table) for name, table in section.get("media", {}).items()}
    table = tables.setdefault(media, {})
    for key, value in keys.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    return with_simulation(config, media=tables)


class Run:
    """A simulation fed to a strict engine; a short repr, because pytest
    prints the arguments of a failing test and an engine's state is huge."""

    def __init__(self, sim: Any, events: list[ev.Event], engine: Engine) -> None:
        self.sim, self.events, self.engine = sim, events, engine

    def __iter__(self) -> Iterator[Any]:
        return iter((self.sim, self.events, self.engine))

    def __repr__(self) -> str:
        return f"<Run of {type(self.sim).__name__}: {len(self.events)} events>"


def run_strict(config: Config, name: str | None = None) -> Run:
    """Simulate and feed a strict engine (a refused event raises)."""
    sim = create_simulator(config, name=name)
    engine = Engine(config)
    events = []
    for event in sim.events():
        engine.feed(event)
        events.append(event)
    return Run(sim, events, engine)


# --------------------------------------------------------------------------
# The capacity rule, read off the event stream
# --------------------------------------------------------------------------


class RuleChecker:
    """Replays a contact-center stream and asserts the capacity rule at every
    offer, from the events alone:

    * an interaction is offered (AgentInvited) only to an agent with no call
      on its DN and whose voice is ready, within the media's capacity and
      ``max_interactions``;
    * a call rings at (or is dialed by) an agent only while the agent has no
      interaction of a media that blocks voice.

    It also counts the moments the rule hands an agent over: a call ringing
    at the instant the agent's last blocking interaction ended, and an
    interaction offered at the instant the agent's call ended.
    """

    def __init__(self, config: Config) -> None:
        section = config.sections["simulation"]
        media = section["media"]
        self.capacity = {m: int(t.get("capacity", 1)) for m, t in media.items()}
        self.blocking = {m for m, t in media.items() if t.get("blocks_voice", True)}
        total = section.get("capacity", {}).get("max_interactions")
        self.max_total = total if total is not None else sum(self.capacity.values())
        self.employee = {a.logins["SW1"]: a.employee_id for a in config.center.agents}
        self.agent_at: dict[str, str] = {}  # DN -> employee id
        self.legs: dict[str, set[str]] = collections.defaultdict(set)  # DN -> conn ids
        self.mode: dict[str, str] = {}  # DN -> ready / notready / acw
        self.ixns: dict[str, dict[str, str]] = collections.defaultdict(dict)  # emp -> id -> media
        self.blocking_ended: dict[str, int] = {}  # emp -> when its last blocking ixn ended
        self.voice_ended: dict[str, int] = {}  # DN -> when its last call / ACW ended
        self.offers = self.rings = self.to_voice = self.to_media = 0

    def dn_of(self, emp: str) -> str | None:
        return next((dn for dn, who in self.agent_at.items() if who == emp), None)

    def feed(self, e: ev.Event) -> None:
        if isinstance(e, ev.AgentLogin):
            self.agent_at[e.dn] = self.employee[e.agent_id]
        elif isinstance(e, ev.AgentLogout):
            del self.agent_at[e.dn]
        elif isinstance(e, ev.AgentReady):
            if self.mode.get(e.dn) == "acw":
                self.voice_ended[e.dn] = e.time
            self.mode[e.dn] = "ready"
        elif isinstance(e, ev.AgentNotReady):
            acw = e.work_mode is ev.WorkMode.AfterCallWork
            self.mode[e.dn] = "acw" if acw else "notready"
        elif isinstance(e, ev.Ringing | ev.Dialing):
            self.voice_offer(e)
            self.legs[e.dn].add(e.conn_id)
        elif isinstance(e, ev.PartyChanged):
            self.legs[e.dn].discard(e.previous_conn_id)
            self.legs[e.dn].add(e.conn_id)
        elif isinstance(e, ev.Released | ev.Abandoned):
            legs = self.legs[e.dn]
            if e.conn_id in legs:
                legs.discard(e.conn_id)
                if not legs:
                    self.voice_ended[e.dn] = e.time
        elif isinstance(e, ev.AgentInvited):
            self.media_offer(e)
        elif isinstance(e, ev.IxnPartyRemoved):
            media = self.ixns[e.agent_id].pop(e.ixn_id)
            mine = self.ixns[e.agent_id].values()
            if media in self.blocking and not any(m in self.blocking for m in mine):
                self.blocking_ended[e.agent_id] = e.time

    def voice_offer(self, e: ev.CallEvent) -> None:
        emp = self.agent_at.get(e.dn)
        if emp is None:
            return
        self.rings += 1
        busy = [m for m in self.ixns[emp].values() if m in self.blocking]
        assert not busy, f"{e!r}: {emp} has blocking interactions {busy}"
        if self.blocking_ended.get(emp) == e.time:
            self.to_voice += 1

    def media_offer(self, e: ev.AgentInvited) -> None:
        emp = e.agent_id
        dn = self.dn_of(emp)
        if dn is not None:
            assert not self.legs[dn], f"{e!r}: a call on {dn}"
            assert self.mode.get(dn) == "ready", f"{e!r}: {dn} is {self.mode.get(dn)}"
            if self.voice_ended.get(dn) == e.time:
                self.to_media += 1
        mine = self.ixns[emp]
        mine[e.ixn_id] = e.media
        same = sum(1 for m in mine.values() if m == e.media)
        assert same <= self.capacity[e.media], f"{e!r}: {same} {e.media}"
        assert len(mine) <= self.max_total, f"{e!r}: {len(mine)} interactions"
        self.offers += 1


def channels(engine: Engine, agent: str) -> dict[str, Status]:
    """``media@link`` -> status of an agent's media channels (CurrentState tree)."""
    tree = engine.current_state(ObjectRef("Small", ObjectType.Agent, agent))
    found = {}
    for place in tree.children:
        for device in place.children:
            if device.ref.type is ObjectType.MediaChannel:
                media, _, _, link = device.ref.id.split("|")
                found[f"{media}@{link}"] = device.status
    return found


def check_rule(config: Config, events: Iterable[ev.Event]) -> RuleChecker:
    checker = RuleChecker(config)
    for e in events:
        checker.feed(e)
    return checker


# --------------------------------------------------------------------------
# Streams the engine accepts; records; determinism
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cc_run() -> Run:
    run = run_strict(small(duration="3h"))
    assert isinstance(run.sim, ContactCenterSimulator)
    return run


def test_contact_center_stream_is_accepted_in_strict_mode(
    cc_run: Run,
) -> None:
    _, events, engine = cc_run
    assert engine.statistics().events_refused == 0
    kinds = collections.Counter(type(e).__name__ for e in events)
    for kind in ("Submitted", "TakenFromQueue", "AgentInvited", "IxnPartyAdded", "MediaReady"):
        assert kinds[kind] > 0, kind
    assert kinds["RouteRequest"] > 0
    assert kinds["Established"] > 0
    links = {e.link for e in events if e.family == "ixn"}
    assert links == {"ixn1", "ixn2"}
    # several Interaction Servers own part of one agent's media: partial states
    both = {e.agent_id for e in events if isinstance(e, ev.IxnAgentLogin) and e.link == "ixn1"}
    both &= {e.agent_id for e in events if isinstance(e, ev.IxnAgentLogin) and e.link == "ixn2"}
    assert both
    agent = sorted(both)[0]
    assert set(channels(engine, agent)) == {"chat@ixn1", "email@ixn2"}


def test_media_follow_the_capacity_rule_in_both_directions(
    cc_run: Run,
) -> None:
    sim, events, _ = cc_run
    checker = check_rule(sim.config, events)
    assert checker.offers > 50
    assert checker.rings > 100


def test_interaction_records(cc_run: Run) -> None:
    sim, events, _ = cc_run
    records = sim.interactions
    submitted = [e.ixn_id for e in events if isinstance(e, ev.Submitted)]
    assert sorted(r.ixn_id for r in records) == sorted(submitted)
    outcomes = collections.Counter(r.outcome for r in records)
    assert outcomes[InteractionOutcome.COMPLETED] > 50
    stats = sim.media_statistics()
    for media, counts in stats.media.items():
        mine = [r for r in records if r.media == media]
        assert counts.entered == len(mine)
        assert counts.completed == sum(r.completed for r in mine)
        assert counts.abandoned == sum(r.abandoned for r in mine)
    for r in records:
        assert r.to_dict()["outcome"] == str(r.outcome)
        if r.outcome is InteractionOutcome.COMPLETED:
            assert r.distributed_ms is not None
            assert r.accepted_ms is not None
            assert r.ended_ms is not None
            assert r.entered_ms <= r.distributed_ms <= r.accepted_ms <= r.ended_ms
            assert r.wait_ms == r.distributed_ms - r.entered_ms
            assert r.delivery_ms == r.accepted_ms - r.distributed_ms
            assert r.handle_ms == r.ended_ms - r.accepted_ms
            assert r.agent
        elif r.outcome is InteractionOutcome.ABANDONED:
            assert r.distributed_ms is None
            assert r.abandoned_ms == r.ended_ms
        else:
            assert r.ended_ms is None
            assert r.distributed_ms is not None or r.wait_ms is None
    # the simulator's ground truth is not the event stream: run() builds no event
    again = create_simulator(sim.config)
    assert isinstance(again, ContactCenterSimulator)
    assert list(again.run()) == list(sim.records)
    assert list(again.interactions) == list(records)


def test_same_seed_same_stream_byte_for_byte(tmp_path: Path) -> None:
    config = small(duration="90m")
    paths = []
    for name, seed in (("a", None), ("b", None), ("c", 99)):
        path = tmp_path / f"{name}.msgpack"
        write_stream(path, create_simulator(config, seed=seed).events(), created_ms=0)
        paths.append(path)
    a, b, c = (p.read_bytes() for p in paths)
    assert a == b
    assert a != c


def test_without_media_contact_center_is_the_voice_simulator() -> None:
    from tests.test_simulate import SMALL

    config = parse_config(example_text() + SMALL)
    voice = [to_record(e) for e in create_simulator(config, name="voice").events()]
    cc = create_simulator(config)  # the default simulator
    assert isinstance(cc, ContactCenterSimulator)
    assert [to_record(e) for e in cc.events()] == voice
    assert cc.interactions == []


# --------------------------------------------------------------------------
# The capacity rule, for any capacities (property)
# --------------------------------------------------------------------------


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chat=st.integers(1, 3),
    email=st.integers(1, 2),
    email_blocks=st.booleans(),
    total=st.integers(1, 5),
    chat_rate=st.sampled_from([30, 120, 400]),
    seed=st.integers(0, 2**16),
)
def test_capacity_rule_holds_for_any_capacities(
    chat: int, email: int, email_blocks: bool, total: int, chat_rate: int, seed: int
) -> None:
    config = small(
        duration="1h", start="2026-03-03T09:30:00", seed=seed, capacity={"max_interactions": total}
    )
    config = with_media(config, "chat", capacity=chat, profile=None, rate=chat_rate)
    config = with_media(config, "email", capacity=email, blocks_voice=email_blocks)
    sim, events, engine = run_strict(config)
    assert engine.statistics().events_refused == 0
    check_rule(config, events)
    # conservation: every interaction that entered is waiting, gone or done
    stats = sim.media_statistics()
    records = sim.interactions
    for media, counts in stats.media.items():
        mine = [r for r in records if r.media == media]
        unfinished = sum(1 for r in mine if r.outcome is InteractionOutcome.UNFINISHED)
        assert counts.entered == counts.completed + counts.abandoned + unfinished
        waiting = sum(1 for r in mine if r.wait_ms is None)
        assert waiting == counts.waiting


def test_agents_are_handed_from_media_to_voice_and_back() -> None:
    """Heavy voice and chat on few agents: a freed agent takes the waiting
    call at the very instant its last chat ends, and a chat at the very
    instant its call ends."""
    text = example_text() + HEAVY
    config = parse_config(text)
    _, events, _ = run_strict(config)
    checker = check_rule(config, events)
    assert checker.to_voice > 0
    assert checker.to_media > 0


HEAVY = """
[simulation]
start = "2026-03-02T08:00:00"
duration = "2h"
seed = 11

[simulation.calls]
talk = { dist = "exponential", mean = 120 }
acw_probability = 0.3
acw = 10
max_wait = 900

[simulation.queues.8001]

[[simulation.arrivals]]
dn = "8001"
rate = 80

[[simulation.shifts]]
agents = ["1001", "1002", "1003", "1004"]

[simulation.media.chat]
link = "ixn1"
capacity = 2
rate = 90
handle = { dist = "exponential", mean = 150 }
patience = 600

[simulation.media.email]
link = "ixn2"
rate = 10
"""


# --------------------------------------------------------------------------
# Multimedia only
# --------------------------------------------------------------------------

MEDIA_ONLY = """
[tenants.Web]

[links.chats]
kind = "ixnserver"

[links.mails]
kind = "ixnserver"

[[places]]
range = [1, 4]
name = "W{n}"
media = ["chat", "email"]

[[agents]]
range = [1, 4]
id = "20{n}"
place = "W{n}"
skills = { Chat = 1 }

[[staging_areas]]
name = "Chats"
media = "chat"

[[staging_areas]]
name = "Mails"
media = "email"

[simulation]
simulator = "multimedia"
duration = "2h"

[[simulation.shifts]]
agents = "*"
start = "08:00"
end = "09:00"

[[simulation.shifts]]
agents = ["201"]
start = "09:15"
end = "12:00"
breaks = [{ at = "09:30", duration = 600 }]

[simulation.media.chat]
link = "chats"
skill = "Chat"
capacity = 3
rate = 60

[simulation.media.email]
link = "mails"
rate = 20
handle = 200
"""


def test_multimedia_alone_needs_no_tserver() -> None:
    config = parse_config(MEDIA_ONLY)
    sim, events, engine = run_strict(config)
    assert isinstance(sim, MultimediaSimulator)
    assert all(e.family in ("ixn", "link") for e in events)
    assert {e.link for e in events} == {"chats", "mails"}
    assert sim.records == []
    assert len(sim.interactions) > 30
    # agents sit at the places with media, in configuration order
    logins = {(e.agent_id, e.place) for e in events if isinstance(e, ev.IxnAgentLogin)}
    assert logins == {(f"20{n}", f"W{n}") for n in range(1, 5)}
    # the break: media not ready with its reason, then ready again
    breaks = [e for e in events if isinstance(e, ev.MediaNotReady) and e.agent_id == "201"]
    assert breaks
    assert dict(breaks[0].reasons) == {"ReasonCode": "Break"}
    # 201 takes the e-mails alone after 09:00, and its logout waits for the last one
    logout = [e.time for e in events if isinstance(e, ev.IxnAgentLogout) and e.agent_id == "202"]
    assert logout
    status = engine.status(ObjectRef("Web", ObjectType.Agent, "201"))
    assert status.status is not Status.LoggedOut


# --------------------------------------------------------------------------
# Link outages
# --------------------------------------------------------------------------


def _stat(obj: ObjectRef, category: str, mask: str) -> StatType:
    return StatType.from_definition(
        {"Objects": [obj.type.name], "Category": category, "MainMask": mask}
    )


def test_an_interaction_server_outage_cuts_only_its_media() -> None:
    config = small(
        start="2026-03-03T08:30:00",
        duration="1h",
        outages=({"link": "ixn1", "at": "09:00", "duration": 600},),
    )
    sim = create_simulator(config)
    engine = Engine(config)  # strict
    engine.advance(sim.start_ms)  # type: ignore[attr-defined]
    # 1001 chats (ixn1) and answers e-mails (ixn2); 1007 only e-mails; 5001 is 1001's phone
    objects = {
        "both": ObjectRef("Small", ObjectType.Agent, "1001"),
        "ixn2_only": ObjectRef("Small", ObjectType.Agent, "1007"),
        "tenant": ObjectRef("Small", ObjectType.Tenant, "Small"),
        "chat_area": ObjectRef("Small", ObjectType.StagingArea, "Chat"),
        "queue": ObjectRef("Small", ObjectType.Queue, "8100@SW1"),
        "phone": ObjectRef("Small", ObjectType.RegDN, "5001@SW1"),
    }
    for ref_id, obj in objects.items():
        stat = _stat(obj, "TotalNumber", "*")
        engine.open_statistic("t", ref_id, obj, stat, notification=CHANGES)
    cut, back = sim.start_ms + 1_800_000, sim.start_ms + 2_400_000  # type: ignore[attr-defined]
    validity: dict[str, list[tuple[int, Reason]]] = collections.defaultdict(list)
    during: list[ev.Event] = []
    after_back: list[ev.Event] = []
    mid_checked = False
    for event in sim.events():
        if not mid_checked and event.time >= cut + 300_000:
            engine.advance(cut + 300_000)
            _assert_mid_outage(engine)
            mid_checked = True
        if cut < event.time < back:
            during.append(event)
        if event.time == back and event.link == "ixn1":
            after_back.append(event)
        for n in engine.feed(event).notifications:
            # (the links come up at the start: valid from then on)
            if n.reason in (Reason.VALID, Reason.INVALID) and n.time > sim.start_ms:  # type: ignore[attr-defined]
                validity[n.ref_id].append((n.time, n.reason))
    assert engine.statistics().events_refused == 0
    assert validity["both"] == [(cut, Reason.INVALID), (back, Reason.VALID)]
    assert validity["tenant"] == [(cut, Reason.INVALID), (back, Reason.VALID)]
    for other in ("ixn2_only", "chat_area", "queue", "phone"):
        assert validity[other] == [], other
    # nothing of ixn1 is reported while it is down; the other server goes on
    assert during
    assert all(e.link != "ixn1" for e in during)
    assert any(e.link == "ixn2" and e.family == "ixn" for e in during)
    # the re-sync snapshot: LinkConnected, then every logged-in chat agent
    assert isinstance(after_back[0], ev.LinkConnected)
    relogged = {e.agent_id for e in after_back if isinstance(e, ev.IxnAgentLogin)}
    assert "1001" in relogged
    # statuses are back: 1001's chat channel is monitored again
    assert channels(engine, "1001")["chat@ixn1"] is not Status.NotMonitored
    # and the engine's chat backlog is the simulator's again
    waiting = sim.media_statistics().media["chat"].waiting  # type: ignore[attr-defined]
    area = objects["chat_area"]
    note = engine.open_statistic(
        "t", "backlog", area, _stat(area, "CurrentNumber", "InteractionWaiting")
    )
    assert note.value == waiting


def _assert_mid_outage(engine: Engine) -> None:
    found = channels(engine, "1001")
    assert found["chat@ixn1"] is Status.NotMonitored
    assert found["email@ixn2"] is not Status.NotMonitored
    for agent in ("1001", "1007"):
        status = engine.status(ObjectRef("Small", ObjectType.Agent, agent)).status
        assert status not in (Status.NotMonitored, Status.LoggedOut), agent


# --------------------------------------------------------------------------
# Validation: impossible models are refused before anything runs
# --------------------------------------------------------------------------


def _bad(config: Config) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        create_simulator(config)
    return info.value


@pytest.mark.parametrize(
    ("media", "keys", "path"),
    [
        ("chat", {"capacity": 0}, "simulation.media.chat.capacity"),
        ("chat", {"capacity": "3"}, "simulation.media.chat.capacity"),
        ("chat", {"profile": None, "rate": -5}, "simulation.media.chat.rate"),
        ("chat", {"profile": None}, "simulation.media.chat"),
        ("chat", {"staging_area": "Nowhere"}, "simulation.media.chat.staging_area"),
        ("chat", {"staging_area": "Email"}, "simulation.media.chat.staging_area"),
        ("chat", {"link": "ixn9"}, "simulation.media.chat.link"),
        ("chat", {"link": "ts1"}, "simulation.media.chat.link"),
        ("chat", {"skill": "Klingon"}, "simulation.media.chat.skill"),
        ("chat", {"blocks_voice": "yes"}, "simulation.media.chat.blocks_voice"),
        ("chat", {"handle": {"dist": "normal", "mean": 3}}, "simulation.media.chat.handle.dist"),
        ("chat", {"colour": "red"}, "simulation.media.chat.colour"),
        ("video", {"rate": 5, "link": "ixn1"}, "simulation.media.video.staging_area"),
        ("email", {"staging_area": "Chat"}, "simulation.media.email.staging_area"),
    ],
)
def test_impossible_media_are_refused(media: str, keys: Mapping[str, Any], path: str) -> None:
    error = _bad(with_media(small(), media, **keys))
    assert error.path == path
    assert error.expected


def test_a_media_no_place_offers_is_refused() -> None:
    # the example center's places take chats and e-mails, not work items
    text = example_text() + WORKITEMS
    error = _bad(parse_config(text))
    assert error.path == "simulation.media.workitem"
    assert "no agent" in str(error)


def _outage(at: str = "09:00", duration: float | None = 60, link: str = "ixn1") -> dict[str, Any]:
    found: dict[str, Any] = {"link": link, "at": at}
    if duration is not None:
        found["duration"] = duration
    return found


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"capacity": {"max_interactions": 0}}, "simulation.capacity.max_interactions"),
        ({"capacity": {"max": 2}}, "simulation.capacity.max"),
        ({"outages": (_outage(link="ts1"),)}, "simulation.outages[0].link"),
        ({"outages": (_outage(link="ixn7"),)}, "simulation.outages[0].link"),
        ({"outages": (_outage(at="23:00"),)}, "simulation.outages[0].at"),
        ({"outages": (_outage(duration=-1),)}, "simulation.outages[0].duration"),
        ({"outages": (_outage(duration=None),)}, "simulation.outages[0]"),
        ({"outages": (_outage(duration=600), _outage(at="09:05"))}, "simulation.outages"),
        ({"medai": {}}, "simulation.medai"),
    ],
)
def test_impossible_capacity_and_outages_are_refused(changes: dict[str, Any], path: str) -> None:
    error = _bad(small(**changes))
    assert error.path == path


def test_the_cli_turns_a_bad_media_model_into_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib.resources import files

    from statengine.cli.main import main

    text = files("configs").joinpath("small.toml").read_text("utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("capacity = 3", "capacity = 0"), encoding="utf-8")
    assert main(["simulate", str(bad), "--no-dashboard"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("statengine: error:")
    assert "simulation.media.chat.capacity" in err


WORKITEMS = """
[simulation]

[[simulation.shifts]]
agents = "*"

[simulation.media.workitem]
staging_area = "Backlog"
link = "ixn1"
rate = 3
"""


# --------------------------------------------------------------------------
# The report: engine figures per staging area equal the ground truth
# --------------------------------------------------------------------------


def _report(tmp_path: Path, *argv: str) -> dict[str, Any]:
    import json

    from statengine.cli.main import main

    path = tmp_path / "report.json"
    assert main(["simulate", *argv, "--no-dashboard", "--report", str(path)]) == 0
    report: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return report


def _assert_media_rows_equal(report: dict[str, Any]) -> int:
    """Counts exactly, times within a second; returns the interactions entered."""
    assert report["meta"]["events_refused"] == 0
    engine, truth = report["staging_areas"], report["ground_truth"]["staging_areas"]
    assert set(engine) == set(truth)
    entered = 0
    for area, rows in engine.items():
        assert len(rows) == len(truth[area])
        for got, want in zip(rows, truth[area], strict=True):
            where = (area, got["start"])
            for key in ("start_ms", "media", "entered", "distributed", "accepted", "abandoned"):
                assert got[key] == want[key], (where, key)
            assert got["completed"] == want["completed"], where
            assert got["backlog"] == want["backlog"], where
            for key in ("asa", "max_wait", "aht"):
                assert got[key] == pytest.approx(want[key], abs=1.0), (where, key)
            entered += got["entered"]
    return entered


def test_small_center_day_staging_areas_equal_ground_truth(tmp_path: Path) -> None:
    report = _report(tmp_path, "small")
    assert _assert_media_rows_equal(report) > 150
    rows = report["staging_areas"]
    assert set(rows) == {"Chat", "Email", "Backoffice"}
    assert len(rows["Chat"]) == 32  # 8 h of quarter hours
    assert max(r["backlog"] for r in rows["Email"]) > 0  # carried across intervals
    assert report["meta"]["simulator"] == "contact-center"


def test_abandoned_chats_and_backlogs_equal_ground_truth(tmp_path: Path) -> None:
    config = tmp_path / "heavy.toml"
    config.write_text(example_text() + HEAVY, encoding="utf-8")
    report = _report(tmp_path, str(config))
    assert _assert_media_rows_equal(report) > 100
    chat = report["staging_areas"]["Chat"]
    assert sum(r["abandoned"] for r in chat) > 0
    assert max(r["backlog"] for r in chat) > 0


@pytest.mark.slow
def test_default_center_day_staging_areas_equal_ground_truth(tmp_path: Path) -> None:
    report = _report(tmp_path)  # statengine simulate: the default center, 8 h
    assert _assert_media_rows_equal(report) > 2000
    assert sum(r["abandoned"] for r in report["staging_areas"]["Chat"]) > 0


def test_packaged_centers_are_what_the_script_makes() -> None:
    """configs/{small,default,large}.toml are scripts/make_centers.py's output:
    after editing the script, run it and commit the files."""
    import runpy

    script = Path(__file__).resolve().parents[2] / "scripts" / "make_centers.py"
    make_centers = runpy.run_path(str(script))
    assert make_centers["main"](["--check"]) == 0
