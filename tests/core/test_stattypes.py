"""Stat types, masks and time ranges: parsing, validation, canonical forms, the shipped library."""

from __future__ import annotations

import importlib.resources
import inspect
import tomllib
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statengine.core import stattypes
from statengine.core.actions import ActionKind
from statengine.core.objects import ObjectType
from statengine.core.stattypes import (
    ACTION_ALIASES,
    CATEGORY_SUBJECTS,
    COMPATIBILITY_GROUPS,
    CURRENT_CATEGORIES,
    DEFAULT_TIME_RANGE,
    REL_MASK_CATEGORIES,
    RELATIVE_CATEGORIES,
    STAT_TYPE_KEYS,
    STATUS_SUBJECTS,
    SUPPORTED_CATEGORIES,
    TIME_RANGE_CATEGORIES,
    Category,
    Mask,
    StatType,
    Subject,
    TimeRange,
    load_stat_types,
    load_time_ranges,
    whole_seconds,
)
from statengine.core.status import Status
from statengine.errors import ConfigError

K = ActionKind
ALL_ACTIONS = frozenset(ActionKind)
ALL_STATUSES = frozenset(Status)
EVERY_ITEM: list[ActionKind | Status] = [*ActionKind, *Status]
SOURCE = "test.toml"


def ms(hh: int, mm: int, ss: int, milli: int = 0) -> int:
    """A time of day in milliseconds."""
    return ((hh * 60 + mm) * 60 + ss) * 1000 + milli


def total_calls(**changes: Any) -> dict[str, Any]:
    """A valid stat type table, with keys changed (None removes a key)."""
    table: dict[str, Any] = {
        "Objects": ["Queue", "RoutePoint", "GroupQueues"],
        "Category": "TotalNumber",
        "Subject": "DNAction",
        "MainMask": "CallEntered",
        "Description": "Calls that entered the queue",
    }
    for key, value in changes.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    return table


def build(**changes: Any) -> StatType:
    return StatType.from_config("Total_Calls", total_calls(**changes), source=SOURCE)


# -- vocabulary and tables ---------------------------------------------------


def test_category_values_are_the_psdk_ordinals() -> None:
    assert Category.TotalTime.value == 0
    assert Category.TotalNumber.value == 1
    assert Category.ServiceFactor1.value == 22
    assert Category.TotalDistinctTime.value == 51
    assert Category.TotalContinuousNumber.value == 100
    assert sorted(c.value for c in Category) == [*range(52), 100]


@pytest.mark.parametrize("enum_cls", [Category, Subject])
def test_every_member_has_a_doc_line(enum_cls: type[Any]) -> None:
    lines = inspect.getsource(enum_cls).splitlines()
    for member in enum_cls:
        index = next(i for i, ln in enumerate(lines) if ln.strip().startswith(f"{member.name} ="))
        assert lines[index - 1].strip().startswith("#:"), member


def test_tables_agree_with_each_other() -> None:
    assert set(CATEGORY_SUBJECTS) == SUPPORTED_CATEGORIES
    action_only = {
        Category.ServiceFactor1,
        Category.EstimWaitingTime,
        Category.LoadBalance,
        Category.CurrentDistinctNumber,
    }
    for category, subjects in CATEGORY_SUBJECTS.items():
        assert Subject.CampaignAction not in subjects
        if category in action_only:
            assert subjects == {Subject.DNAction}
        elif category is Category.CurrentContinuousTime:
            assert subjects == STATUS_SUBJECTS
        else:
            assert subjects == {Subject.DNAction} | STATUS_SUBJECTS
    assert RELATIVE_CATEGORIES <= REL_MASK_CATEGORIES
    assert Category.TotalNumberInTimeRangePercentage in REL_MASK_CATEGORIES
    assert TIME_RANGE_CATEGORIES <= SUPPORTED_CATEGORIES
    assert (
        CURRENT_CATEGORIES
        - {
            Category.CurrentTargetState,
            Category.CurrentCustomValue,
            Category.CurrentAverageCustomValue,
            Category.CurrentMinCustomValue,
            Category.CurrentMaxCustomValue,
        }
        == CURRENT_CATEGORIES & SUPPORTED_CATEGORIES
    )
    # DOMAIN §4.5's list minus Java, campaign errors, target state and custom values
    assert len(SUPPORTED_CATEGORIES) == 38


def test_compatibility_groups() -> None:
    regular, mediation, queues, _campaign = COMPATIBILITY_GROUPS
    assert regular == {
        ObjectType.RegDN,
        ObjectType.Agent,
        ObjectType.Place,
        ObjectType.GroupAgents,
        ObjectType.GroupPlaces,
        ObjectType.Tenant,
    }
    assert mediation == {
        ObjectType.RoutePoint,
        ObjectType.Queue,
        ObjectType.GroupQueues,
        ObjectType.Switch,
    }
    assert queues == {ObjectType.StagingArea, ObjectType.Tenant}
    assert all(ObjectType.MediaChannel not in g for g in COMPATIBILITY_GROUPS)


# -- masks --------------------------------------------------------------------

A = Subject.DNAction
AS = Subject.AgentStatus


@pytest.mark.parametrize(
    ("text", "subject", "expected"),
    [
        ("", A, set()),
        ("   ", A, set()),
        ("*", A, ALL_ACTIONS),
        ("CallWait", A, {K.CallWait}),
        ("CallEntered,CallWait", A, {K.CallEntered, K.CallWait}),
        ("  CallEntered ,  ~ CallEntered , CallWait ", A, {K.CallWait}),
        ("*,~CallWait", A, ALL_ACTIONS - {K.CallWait}),
        ("~CallWait,*", A, ALL_ACTIONS),
        ("CallWait,~CallWait", A, set()),
        ("~CallWait,CallWait", A, {K.CallWait}),
        ("*,~*,CallAbandoned", A, {K.CallAbandoned}),
        # aliases
        ("AgentLogin", A, {K.AgentLogin, K.AgentLoginQueue}),
        ("AgentLogin(Mediation)", A, {K.AgentLoginQueue}),
        ("*,~AgentLogin", A, ALL_ACTIONS - {K.AgentLogin, K.AgentLoginQueue}),
        ("CallWaitInbound", A, {K.CallWait}),
        ("CallWaitInbound,CallWaitOutbound,CallWaitConsult", A, {K.CallWait}),
        ("CallWaitUnknown,CallWaitInternal", A, {K.CallWait}),
        ("*,~CallWaitConsult", A, ALL_ACTIONS - {K.CallWait}),
        ("Handling", A, {K.Handling}),
        # statuses
        ("*", AS, ALL_STATUSES),
        ("*,~LoggedOut,~NotMonitored", AS, ALL_STATUSES - {Status.LoggedOut, Status.NotMonitored}),
        ("~LoggedOut,*", AS, ALL_STATUSES),
        ("WaitForNextCall", Subject.DNStatus, {Status.WaitForNextCall}),
        ("CallInbound,CallOnHold", Subject.GroupStatus, {Status.CallInbound, Status.CallOnHold}),
    ],
)
def test_mask_parsing(text: str, subject: Subject, expected: set[Any]) -> None:
    mask = Mask.parse(text, subject)
    assert mask.text == text
    assert mask.subject is subject
    if subject is Subject.DNAction:
        assert mask.actions == expected
        assert mask.statuses == frozenset()
    else:
        assert mask.statuses == expected
        assert mask.actions == frozenset()
    assert bool(mask) == bool(expected)
    for item in EVERY_ITEM:
        assert (item in mask) == (item in expected)


def test_action_and_status_masks_do_not_mix() -> None:
    actions = Mask.parse("CallInbound", Subject.DNAction)
    statuses = Mask.parse("CallInbound", Subject.AgentStatus)
    assert K.CallInbound in actions
    assert Status.CallInbound not in actions
    assert Status.CallInbound in statuses
    assert K.CallInbound not in statuses


def test_mask_names_are_sorted_selected_names() -> None:
    assert Mask.parse("CallWaitInbound,CallEntered", A).names() == ("CallEntered", "CallWait")
    assert Mask.parse("WaitForNextCall,AfterCallWork", AS).names() == (
        "AfterCallWork",
        "WaitForNextCall",
    )


@pytest.mark.parametrize(
    ("text", "subject", "words"),
    [
        ("CallInbund", A, ["unknown action 'CallInbund'", "did you mean CallInbound"]),
        ("callwait", A, ["unknown action 'callwait'", "CallWait"]),
        ("*,~CallWaitInbund", A, ["CallWaitInbound"]),
        ("LoggedOut", A, ["unknown action 'LoggedOut'", "is a status"]),
        ("CallWait", AS, ["unknown status 'CallWait'", "is an action"]),
        ("WaitForNextCal", Subject.DNStatus, ["did you mean WaitForNextCall"]),
        ("Frobnicate", A, ["unknown action 'Frobnicate'"]),
        ("CallWait,,CallEntered", A, ["empty mask item"]),
        ("CallWait,", A, ["empty mask item"]),
        ("~", A, ["empty mask item"]),
        ("CallWait", Subject.CampaignAction, ["campaign actions are not supported"]),
    ],
)
def test_mask_errors_name_the_item(text: str, subject: Subject, words: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        Mask.parse(text, subject, path="stattypes.X.MainMask", source=SOURCE)
    err = info.value
    assert err.path == "stattypes.X.MainMask"
    assert err.source == SOURCE
    assert err.expected
    for word in words:
        assert word in str(err)


# -- time ranges --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [("0-20", 0, 20), ("20-50", 20, 50), (" 20 - 50 ", 20, 50), ("120-", 120, None)],
)
def test_time_range_parsing(text: str, lower: int, upper: int | None) -> None:
    rng = TimeRange.parse("R", text)
    assert (rng.name, rng.lower, rng.upper) == ("R", lower, upper)
    assert TimeRange.parse("R", str(rng)) == rng


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("20-20", "empty time range"),
        ("50-20", "empty time range"),
        ("-5-10", "bad time range"),
        ("1.5-3", "bad time range"),
        ("20", "bad time range"),
        ("a-b", "bad time range"),
        ("", "bad time range"),
        (20, "wrong type"),
    ],
)
def test_time_range_errors(text: Any, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as info:
        TimeRange.parse("R", text, path="time_ranges.R", source=SOURCE)
    assert info.value.path == "time_ranges.R"
    assert info.value.source == SOURCE
    assert info.value.found == text


def test_time_ranges_are_half_open() -> None:
    """A call answered after exactly 20 s falls in 20-50, not in 0-20 (DOMAIN §5.2)."""
    first, second = TimeRange.parse("A", "0-20"), TimeRange.parse("B", "20-50")
    t0 = ms(10, 0, 0)
    assert not first.contains_ms(t0, t0 + 20_000)
    assert second.contains_ms(t0, t0 + 20_000)
    assert first.contains_ms(t0, t0 + 19_999)
    assert first.contains_ms(t0, t0)
    assert not second.contains_ms(t0, t0 + 50_000)


def test_milliseconds_are_truncated_from_both_timestamps() -> None:
    """Queued 05:40:56.949, answered 05:41:07.542: 11 s, not 10.593 s (DOMAIN §5.2)."""
    start, end = ms(5, 40, 56, 949), ms(5, 41, 7, 542)
    assert whole_seconds(start, end) == 11
    assert not TimeRange.parse("A", "0-11").contains_ms(start, end)
    assert TimeRange.parse("B", "11-12").contains_ms(start, end)
    # the reverse effect: 1.9 s of real time measured as 1 s ...
    assert whole_seconds(ms(0, 0, 0, 50), ms(0, 0, 1, 950)) == 1
    # ... and 0.1 s measured as 1 s when it crosses a second boundary
    assert whole_seconds(ms(0, 0, 0, 950), ms(0, 0, 1, 50)) == 1


def test_open_upper_bound() -> None:
    rng = TimeRange.parse("Long", "120-")
    assert rng.upper is None
    assert rng.contains(120)
    assert rng.contains(10**9)
    assert not rng.contains(119)
    assert rng.contains_ms(0, 120_000)
    assert not rng.contains_ms(0, 119_999)


def test_load_time_ranges() -> None:
    assert load_time_ranges({}) == {"Default": DEFAULT_TIME_RANGE}
    assert TimeRange(name="Default", lower=0, upper=20) == DEFAULT_TIME_RANGE
    ranges = load_time_ranges({"ShortAbandon": "0-10", "Default": "0-30"})
    assert ranges["Default"] == TimeRange(name="Default", lower=0, upper=30)
    assert ranges["ShortAbandon"] == TimeRange(name="ShortAbandon", lower=0, upper=10)
    with pytest.raises(ConfigError) as info:
        load_time_ranges({"Bad": "10-5"}, source=SOURCE)
    assert (info.value.path, info.value.source) == ("time_ranges.Bad", SOURCE)
    with pytest.raises(ConfigError, match="wrong type"):
        load_time_ranges(["0-20"], source=SOURCE)  # type: ignore[arg-type]


# -- stat types: building -----------------------------------------------------


def test_from_config_minimal_takes_the_defaults() -> None:
    stat = StatType.from_config(
        "Q", {"Objects": "Queue", "Category": "CurrentNumber", "MainMask": "CallWait"}
    )
    assert stat.name == "Q"
    assert stat.objects == {ObjectType.Queue}
    assert stat.category is Category.CurrentNumber
    assert stat.subject is Subject.DNAction
    assert stat.main_mask.actions == {K.CallWait}
    assert stat.rel_mask is None
    assert stat.media is None
    assert stat.filter is None
    assert stat.description == ""
    assert stat.use_source_timestamps is True
    assert stat.reason_start_overrides_status_start is False
    assert stat.is_current
    assert not stat.needs_time_range


def test_from_config_reads_every_key() -> None:
    stat = StatType.from_config(
        "Chats",
        {
            "Objects": " Agent, AgentPlace ,GroupAgents",
            "Category": "TotalNumberInTimeRangePercentage",
            "Subject": "DNAction",
            "MainMask": ("HandlingInbound", "~Handling"),  # config sections hold tuples
            "RelMask": "HandlingInbound,HandlingOutbound",
            "MediaType": "Chat, email",
            "Filter": " VIP ",
            "Description": "chats in range",
            "UseSourceTimeStamps": "no",
            "ReasonStartOverridesStatusStart": True,
        },
        source=SOURCE,
    )
    assert stat.objects == {ObjectType.Agent, ObjectType.Place, ObjectType.GroupAgents}
    assert stat.main_mask.text == "HandlingInbound,~Handling"
    assert stat.main_mask.actions == {K.HandlingInbound}
    assert stat.rel_mask is not None
    assert stat.rel_mask.actions == {K.HandlingInbound, K.HandlingOutbound}
    assert stat.media == frozenset({"chat", "email"})
    assert stat.accepts_media("chat")
    assert stat.accepts_media("EMAIL")
    assert not stat.accepts_media("voice")
    assert stat.filter == "VIP"
    assert stat.use_source_timestamps is False
    assert stat.reason_start_overrides_status_start is True
    assert stat.needs_time_range
    assert not stat.is_current


@pytest.mark.parametrize(
    ("changes", "attribute", "value"),
    [
        ({"MediaType": ["voice", "chat"]}, "media", frozenset({"voice", "chat"})),
        ({"MediaType": ""}, "media", None),
        ({"Filter": ""}, "filter", None),
        ({"RelMask": "  "}, "rel_mask", None),
        ({"UseSourceTimeStamps": "Yes"}, "use_source_timestamps", True),
        ({"UseSourceTimeStamps": False}, "use_source_timestamps", False),
        (
            {"Objects": ("Tenant", "StagingArea")},
            "objects",
            {ObjectType.Tenant, ObjectType.StagingArea},
        ),
        ({"Objects": "RegularDN"}, "objects", {ObjectType.RegDN}),
    ],
)
def test_from_config_value_forms(changes: dict[str, Any], attribute: str, value: Any) -> None:
    assert getattr(build(**changes), attribute) == value


def test_status_subjects_parse_masks_as_statuses() -> None:
    stat = build(
        Objects=["GroupAgents"],
        Category="CurrentNumber",
        Subject="AgentStatus",
        MainMask="*,~LoggedOut,~NotMonitored",
    )
    assert Status.WaitForNextCall in stat.main_mask
    assert Status.LoggedOut not in stat.main_mask
    assert stat.main_mask.actions == frozenset()


def test_service_factor() -> None:
    stat = build(Category="ServiceFactor1", MainMask="CallAnswered")
    assert stat.category is Category.ServiceFactor1
    assert stat.needs_time_range


# -- stat types: every validation error ---------------------------------------

_P = "stattypes.Total_Calls"


@pytest.mark.parametrize(
    ("changes", "key", "words"),
    [
        # keys
        ({"Mainmask": "CallWait"}, "Mainmask", ["unknown key", "MainMask"]),
        ({"Color": "red"}, "Color", ["unknown key"]),
        ({"Formula": "DistByConnID, 1"}, "Formula", ["unknown key", "TotalNumber"]),
        ({"Expression": "TotalNumber(CallWait)"}, "Expression", ["only Formula takes it"]),
        # Category
        ({"Category": None}, "Category", ["missing key"]),
        ({"Category": 1}, "Category", ["wrong type"]),
        ({"Category": "TotalNumbr"}, "Category", ["unknown category", "TotalNumber"]),
        (
            {"Category": "CurrentTargetState"},
            "Category",
            ["category CurrentTargetState is not supported yet"],
        ),
        ({"Category": "TotalCustomValue"}, "Category", ["not supported yet"]),
        ({"Category": "JavaCategory"}, "Category", ["not supported yet"]),
        ({"Category": "Formula"}, "Expression", ["Expression is missing"]),
        # Subject
        ({"Subject": "AgentState"}, "Subject", ["unknown subject", "AgentStatus"]),
        ({"Subject": ["DNAction"]}, "Subject", ["wrong type"]),
        ({"Subject": "CampaignAction"}, "Subject", ["campaigns are not supported"]),
        (
            {"Category": "ServiceFactor1", "Subject": "AgentStatus", "MainMask": "CallInbound"},
            "Subject",
            ["category ServiceFactor1 does not accept Subject=AgentStatus"],
        ),
        # Objects
        ({"Objects": None}, "Objects", ["missing key"]),
        ({"Objects": []}, "Objects", ["Objects is empty"]),
        ({"Objects": ""}, "Objects", ["Objects is empty"]),
        ({"Objects": 5}, "Objects", ["wrong type"]),
        ({"Objects": ["Queue", 5]}, "Objects", ["wrong type"]),
        ({"Objects": ["Queue", ""]}, "Objects", ["empty object type name"]),
        ({"Objects": "Queue,,Switch"}, "Objects", ["empty object type name"]),
        ({"Objects": ["Queu"]}, "Objects", ["unknown object type 'Queu'", "Queue"]),
        ({"Objects": ["MediaChannel"]}, "Objects", ["MediaChannel is internal"]),
        ({"Objects": ["Campaign"]}, "Objects", ["object type Campaign is not supported yet"]),
        ({"Objects": ["Workbin"]}, "Objects", ["object type Workbin is not supported yet"]),
        (
            {"Objects": ["Agent", "Queue"]},
            "Objects",
            ["different compatibility groups", "Agent, Queue"],
        ),
        ({"Objects": ["StagingArea", "Agent"]}, "Objects", ["different compatibility groups"]),
        # masks
        ({"MainMask": None}, "MainMask", ["MainMask is missing"]),
        ({"MainMask": ""}, "MainMask", ["MainMask selects nothing"]),
        ({"MainMask": "~CallWait"}, "MainMask", ["MainMask selects nothing"]),
        ({"MainMask": "*,~*"}, "MainMask", ["MainMask selects nothing"]),
        ({"MainMask": 7}, "MainMask", ["wrong type"]),
        ({"MainMask": "CallEnterd"}, "MainMask", ["unknown action 'CallEnterd'", "CallEntered"]),
        ({"RelMask": "CallWait,Nope"}, "RelMask", ["unknown action 'Nope'"]),
        ({"RelMask": 3}, "RelMask", ["wrong type"]),
        # options
        ({"MediaType": 5}, "MediaType", ["wrong type"]),
        ({"MediaType": ["chat", " "]}, "MediaType", ["empty media name"]),
        ({"Filter": 5}, "Filter", ["wrong type"]),
        ({"Description": ["x"]}, "Description", ["wrong type"]),
        ({"UseSourceTimeStamps": "maybe"}, "UseSourceTimeStamps", ["wrong type"]),
        ({"ReasonStartOverridesStatusStart": 1}, "ReasonStartOverridesStatusStart", ["wrong type"]),
    ],
)
def test_validation_errors(changes: dict[str, Any], key: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        build(**changes)
    err = info.value
    assert err.path == f"{_P}.{key}"
    assert err.source == SOURCE
    assert err.expected
    text = str(err)
    assert text.startswith(f"{SOURCE}: {_P}.{key}: ")
    for word in words:
        assert word in text


def test_unknown_key_lists_the_allowed_ones() -> None:
    with pytest.raises(ConfigError) as info:
        build(mainmask="CallWait")
    assert info.value.found == "mainmask"
    for key in STAT_TYPE_KEYS:
        assert key in info.value.expected


def test_unsupported_category_names_the_supported_ones() -> None:
    with pytest.raises(ConfigError) as info:
        build(Category="TotalNumberErrors")
    assert info.value.found == "TotalNumberErrors"
    assert "ServiceFactor1" in info.value.expected


def test_section_and_name_must_be_well_formed() -> None:
    with pytest.raises(ConfigError, match="wrong type") as info:
        StatType.from_config("X", "Category=TotalNumber", source=SOURCE)  # type: ignore[arg-type]
    assert info.value.path == "stattypes.X"
    with pytest.raises(ConfigError, match="bad stat type name"):
        StatType.from_config(" ", total_calls(), source=SOURCE)
    with pytest.raises(ConfigError, match="wrong type") as info:
        load_stat_types(("x",), source=SOURCE)  # type: ignore[arg-type]
    assert info.value.path == "stattypes"


def _enable(monkeypatch: pytest.MonkeyPatch, category: Category) -> None:
    """Pretend a category is implemented, to exercise the rules it will meet."""
    monkeypatch.setattr(stattypes, "SUPPORTED_CATEGORIES", SUPPORTED_CATEGORIES | {category})
    subjects = {**CATEGORY_SUBJECTS, category: frozenset({Subject.DNAction, *STATUS_SUBJECTS})}
    monkeypatch.setattr(stattypes, "CATEGORY_SUBJECTS", subjects)


@pytest.mark.parametrize("rel_mask", [None, "", "~CallWait"])
def test_relative_categories_need_a_rel_mask(
    monkeypatch: pytest.MonkeyPatch, rel_mask: str | None
) -> None:
    _enable(monkeypatch, Category.RelativeNumberPercentage)
    with pytest.raises(ConfigError, match="needs a RelMask") as info:
        build(Category="RelativeNumberPercentage", RelMask=rel_mask)
    assert info.value.path == f"{_P}.RelMask"
    stat = build(Category="RelativeNumberPercentage", RelMask="CallEntered,CallWait")
    assert stat.rel_mask is not None


def test_state_categories_need_no_main_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    _enable(monkeypatch, Category.CurrentState)
    stat = build(Category="CurrentState", MainMask=None, Objects=["Agent"])
    assert not stat.main_mask


# -- canonical forms ----------------------------------------------------------


def test_same_computation_same_canonical_form() -> None:
    a = StatType.from_config("A", total_calls(MainMask="CallEntered,CallWaitInbound"))
    b = StatType.from_config(
        "B",
        total_calls(
            MainMask="CallWait , CallEntered",
            Description="another name for it",
            Objects=["Queue"],  # where it may be opened: not what it computes
        ),
    )
    assert a != b
    assert a.canonical() == b.canonical()
    assert hash(a.canonical()) == hash(b.canonical())


def test_status_mask_order_does_not_matter() -> None:
    common = {"Objects": ["Agent"], "Category": "TotalTime", "Subject": "AgentStatus"}
    a = StatType.from_config("A", {**common, "MainMask": "*,~LoggedOut,~NotMonitored"})
    b = StatType.from_config(
        "B", {**common, "MainMask": "~NotMonitored,*,~NotMonitored,~LoggedOut"}
    )
    assert a.canonical() == b.canonical()


@pytest.mark.parametrize(
    "changes",
    [
        {"MainMask": "CallEntered,CallWait"},
        {"MainMask": "CallDistributed"},
        {"Category": "TotalAdjustedNumber"},
        {"Subject": "DNStatus", "MainMask": "Monitored"},
        {"MediaType": "voice"},
        {"Filter": "VIP"},
        {"UseSourceTimeStamps": False},
        {"ReasonStartOverridesStatusStart": True},
    ],
)
def test_different_computation_different_canonical_form(changes: dict[str, Any]) -> None:
    assert build().canonical() != build(**changes).canonical()


def test_rel_mask_counts_only_where_the_category_reads_it() -> None:
    assert build(RelMask="CallWait").canonical() == build().canonical()
    pct = {"Category": "TotalNumberInTimeRangePercentage"}
    assert build(**pct, RelMask="CallWait").canonical() != build(**pct).canonical()
    assert (
        build(**pct, RelMask="CallWait").canonical()
        != build(**pct, RelMask="CallEntered").canonical()
    )


# -- ad-hoc definitions -------------------------------------------------------


def test_from_definition() -> None:
    stat = StatType.from_definition(total_calls())
    assert stat.name == "<ad-hoc>"
    assert stat.canonical() == build().canonical()
    named = StatType.from_definition({**total_calls(), "Name": "URS_Calls"})
    assert named.name == "URS_Calls"


def test_from_definition_errors_name_the_request() -> None:
    with pytest.raises(ConfigError) as info:
        StatType.from_definition(total_calls(MainMask="Nope"))
    assert info.value.path == "definition.MainMask"
    assert info.value.source == "<request>"
    with pytest.raises(ConfigError) as info:
        StatType.from_definition({**total_calls(), "Name": 3})
    assert info.value.path == "definition.Name"
    with pytest.raises(ConfigError, match="wrong type"):
        StatType.from_definition(["Category"])  # type: ignore[arg-type]


def test_to_definition_round_trips() -> None:
    stat = StatType.from_config(
        "X",
        total_calls(
            Category="TotalNumberInTimeRangePercentage",
            RelMask="CallEntered",
            MediaType="chat,voice",
            Filter="VIP",
            UseSourceTimeStamps=False,
        ),
    )
    assert StatType.from_definition(stat.to_definition()) == stat


# -- the shipped library ------------------------------------------------------


def _library() -> Mapping[str, Any]:
    data = importlib.resources.files("configs").joinpath("stattypes.toml").read_bytes()
    return tomllib.loads(data.decode("utf-8"))


def test_library_loads() -> None:
    data = _library()
    types = load_stat_types(data["stattypes"], source="configs/stattypes.toml")
    assert 25 <= len(types) <= 60
    for name, stat in types.items():
        assert stat.description, name
        assert stat.category in SUPPORTED_CATEGORIES
    assert types["Service_Factor"].category is Category.ServiceFactor1
    assert types["Service_Factor"].main_mask.actions == {K.CallAnswered}
    assert K.AgentLoginQueue in types["Current_Agents_Logged_In_Queue"].main_mask
    assert types["Current_Backlog"].objects == {ObjectType.StagingArea}
    # no two library entries compute the same thing
    canonical = [(s.canonical(), s.objects) for s in types.values()]
    assert len(set(canonical)) == len(canonical)


def test_library_time_ranges_and_profiles() -> None:
    data = _library()
    ranges = load_time_ranges(data["time_ranges"])
    assert ranges["Default"] == DEFAULT_TIME_RANGE
    assert (ranges["ServiceLevel"].lower, ranges["ServiceLevel"].upper) == (0, 20)
    assert (ranges["ShortAbandon"].lower, ranges["ShortAbandon"].upper) == (0, 10)
    assert data["time_profiles"] == {
        "Default,Growing": "0:00",
        "CollectorDefault,Growing": "0:00+0:15",
    }


# -- property: masks are a left-to-right set simulation -----------------------

_ACTION_TOKENS = sorted([*(k.value for k in ActionKind), *ACTION_ALIASES, "*"])
_STATUS_TOKENS = sorted([*(s.name for s in Status), "*"])


def _expand_action(token: str) -> set[Any]:
    if token == "*":
        return set(ActionKind)
    if token in ACTION_ALIASES:
        return set(ACTION_ALIASES[token])
    return {ActionKind(token)}


def _expand_status(token: str) -> set[Any]:
    return set(Status) if token == "*" else {Status[token]}


@st.composite
def _mask_ops(draw: st.DrawFn) -> tuple[Subject, list[tuple[bool, str]]]:
    subject = draw(st.sampled_from(list(Subject)[:5]))
    tokens = _ACTION_TOKENS if subject is Subject.DNAction else _STATUS_TOKENS
    ops = draw(st.lists(st.tuples(st.booleans(), st.sampled_from(tokens)), max_size=8))
    return subject, ops


@given(_mask_ops(), st.sampled_from(["", " "]))
def test_mask_equals_left_to_right_simulation(
    case: tuple[Subject, list[tuple[bool, str]]], pad: str
) -> None:
    subject, ops = case
    expand = _expand_action if subject is Subject.DNAction else _expand_status
    expected: set[Any] = set()
    for negate, token in ops:
        if negate:
            expected -= expand(token)
        else:
            expected |= expand(token)
    text = ",".join(f"{pad}{'~' if negate else ''}{token}{pad}" for negate, token in ops)
    mask = Mask.parse(text, subject)
    assert set(mask.actions) | set(mask.statuses) == expected
    for item in EVERY_ITEM:
        assert (item in mask) == (item in expected)
