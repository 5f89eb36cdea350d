"""Filters: grammar, canonical text, matching, errors, and a parse/render round trip."""

from __future__ import annotations

import ast
import inspect
import random
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statengine.core import filters as filters_module
from statengine.core.actions import Action, ActionKind
from statengine.core.filters import (
    DATA_SOURCES,
    FIELD_ATTRIBUTES,
    KEYED_ATTRIBUTES,
    MAX_NESTING,
    And,
    Attribute,
    Compare,
    CompareOp,
    DataSource,
    Filter,
    KeyExists,
    Node,
    Not,
    Or,
    PairExists,
    UserDataCompare,
    load_filters,
    parse_filter,
)
from statengine.core.objects import ObjectRef, ObjectType
from statengine.errors import ConfigError

# -- builders: keep the tables short -----------------------------------------

UD, RS = DataSource.UserData, DataSource.Reasons
EQ, NE = CompareOp.EQ, CompareOp.NE
DN = ObjectRef("T1", ObjectType.RegDN, "5001@SW1")


def act(**fields: Any) -> Action:
    """A CallInbound on 5001@SW1 with the given interaction data."""
    return Action(kind=ActionKind.CallInbound, device=DN, start=0, end=0, **fields)


def cmp(attribute: str, value: str, op: CompareOp = EQ) -> Compare:
    return Compare(attribute=Attribute(attribute), op=op, value=value)


def ud(key: str, value: str, op: CompareOp = EQ) -> UserDataCompare:
    return UserDataCompare(key=key, op=op, value=value)


def pair(key: str, value: str, source: DataSource = UD) -> PairExists:
    return PairExists(source=source, key=key, value=value)


def has(key: str, source: DataSource = UD) -> KeyExists:
    return KeyExists(source=source, key=key)


def no(operand: Node) -> Not:
    return Not(operand=operand)


def all_(*operands: Node) -> And:
    return And(operands=operands)


def any_(*operands: Node) -> Or:
    return Or(operands=operands)


SPANISH = pair("Language", "Spanish")
D1 = cmp("DNIS", "1")
D2 = cmp("DNIS", "2")
D3 = cmp("DNIS", "3")

# -- parsing ------------------------------------------------------------------

PARSE_CASES: list[tuple[str, Node]] = [
    ('PairExists(UserData, "Language", "Spanish")', SPANISH),
    ('PairExists(UserData,"Language","Spanish")', SPANISH),
    ('  PairExists ( UserData , "Language" ,\n"Spanish" )  ', SPANISH),
    ('pairexists(userdata, "Language", "Spanish")', SPANISH),
    ('PAIREXISTS(USERDATA, "Language", "Spanish")', SPANISH),
    ('PairExists(Reasons, "ReasonCode", "Lunch")', pair("ReasonCode", "Lunch", RS)),
    ('PairExists(UserData, "Segment", 42)', pair("Segment", "42")),
    ('PairExists(UserData, "Note", "")', pair("Note", "")),
    ('KeyExists(UserData, "VIP")', has("VIP")),
    ('keyexists(REASONS, "ReasonCode")', has("ReasonCode", RS)),
    # every attribute, both operators, == as a spelling of =
    ('DNIS = "1234"', cmp("DNIS", "1234")),
    ('DNIS == "1234"', cmp("DNIS", "1234")),
    ('DNIS != "1234"', cmp("DNIS", "1234", NE)),
    ('ANI="5551234"', cmp("ANI", "5551234")),
    ('MediaType = "email"', cmp("MediaType", "email")),
    ('mediatype = "Email"', cmp("MediaType", "Email")),  # value kept as written
    ('ThisQueue = "8001@SW1"', cmp("ThisQueue", "8001@SW1")),
    ('CustomerID = "ACME"', cmp("CustomerID", "ACME")),
    ('ReasonCode != "Break"', cmp("ReasonCode", "Break", NE)),
    ('ExtensionReasonCode = "Break"', cmp("ExtensionReasonCode", "Break")),
    ('TreatmentType = "Music"', cmp("TreatmentType", "Music")),
    ('dnis = ""', cmp("DNIS", "")),
    # unquoted numbers: the digits as written
    ("DNIS = 1234", cmp("DNIS", "1234")),
    ("DNIS = 007", cmp("DNIS", "007")),
    ("ReasonCode = -1", cmp("ReasonCode", "-1")),
    ("DNIS=1234AND ANI=5", all_(cmp("DNIS", "1234"), cmp("ANI", "5"))),
    # UserData("Key") comparisons
    ('UserData("Language") = "Spanish"', ud("Language", "Spanish")),
    ('userdata ( "Language" ) != "Spanish"', ud("Language", "Spanish", NE)),
    ('UserData("Segment") == 7', ud("Segment", "7")),
    # strings keep every character; \" and \\ are the escapes
    ('UserData("say \\"hi\\"") = "a\\\\b"', ud('say "hi"', "a\\b")),
    ('DNIS = "A & B | ~C (x)"', cmp("DNIS", "A & B | ~C (x)")),
    ('PairExists(UserData, "Language", "Español")', pair("Language", "Español")),
    # combinators and keywords
    ('DNIS = "1" & DNIS = "2"', all_(D1, D2)),
    ('DNIS = "1" AND DNIS = "2"', all_(D1, D2)),
    ('DNIS = "1" and DNIS = "2"', all_(D1, D2)),
    ('DNIS = "1" | DNIS = "2"', any_(D1, D2)),
    ('DNIS = "1" Or DNIS = "2"', any_(D1, D2)),
    ('~DNIS = "1"', no(D1)),
    ('NOT DNIS = "1"', no(D1)),
    ('not(DNIS = "1")', no(D1)),
    ('~~DNIS = "1"', no(no(D1))),
    ('NOT ~ not DNIS = "1"', no(no(no(D1)))),
    # chains are one node; parentheses only group
    ('DNIS = "1" & DNIS = "2" & DNIS = "3"', all_(D1, D2, D3)),
    ('DNIS = "1" | DNIS = "2" | DNIS = "3"', any_(D1, D2, D3)),
    ('(DNIS = "1" & DNIS = "2") & DNIS = "3"', all_(all_(D1, D2), D3)),
    ('((DNIS = "1"))', D1),
    # precedence: ~ binds tighter than &, & tighter than |
    ('DNIS = "1" | DNIS = "2" & DNIS = "3"', any_(D1, all_(D2, D3))),
    ('DNIS = "1" & DNIS = "2" | DNIS = "3"', any_(all_(D1, D2), D3)),
    ('(DNIS = "1" | DNIS = "2") & DNIS = "3"', all_(any_(D1, D2), D3)),
    ('~DNIS = "1" & DNIS = "2"', all_(no(D1), D2)),
    ('~(DNIS = "1" & DNIS = "2")', no(all_(D1, D2))),
    ('NOT DNIS = "1" OR DNIS = "2" AND DNIS = "3"', any_(no(D1), all_(D2, D3))),
]


@pytest.mark.parametrize(("text", "root"), PARSE_CASES)
def test_parse_builds_the_expected_tree(text: str, root: Node) -> None:
    parsed = parse_filter(text, name="F")
    assert parsed.root == root
    assert parsed.name == "F"
    again = parse_filter(parsed.canonical())
    assert again.root == root, "the canonical text parses back to the same tree"
    assert again.text == parsed.text


# -- canonical text -----------------------------------------------------------

CANONICAL_CASES: list[tuple[str, list[str]]] = [
    (
        'PairExists(UserData, "Language", "Spanish")',
        [
            'PairExists(UserData,"Language","Spanish")',
            ' pairexists ( USERDATA ,\t"Language" , "Spanish" ) ',
            '(PairExists(userData, "Language", "Spanish"))',
        ],
    ),
    ('DNIS = "1234"', ["DNIS=1234", "dnis == 1234", '  Dnis  =  "1234"', '((DNIS = "1234"))']),
    ('MediaType != "Email"', ['mediatype!="Email"', 'MEDIATYPE != "Email"']),
    (
        'DNIS = "1" & ~ANI = "2" | KeyExists(Reasons, "R")',
        [
            'dnis = 1 AND NOT ani = 2 OR keyexists(reasons,"R")',
            '(DNIS="1"&~(ANI="2"))|(KeyExists(Reasons,"R"))',
            'DNIS = 1\n  and ~ ANI = "2"\n  or KeyExists( Reasons , "R" )',
        ],
    ),
    (
        '(DNIS = "1" | ANI = "2") & ~(DNIS = "3" & ANI = "4")',
        ["(dnis=1 or ani=2) and not (dnis=3 and ani=4)"],
    ),
    ('UserData("say \\"hi\\"") != "a\\\\b"', ['userdata("say \\"hi\\"")!="a\\\\b"']),
    ('~~DNIS = "1"', ["not not DNIS = 1", '~(~(DNIS = "1"))']),
    ('(DNIS = "1" & ANI = "2") & DNIS = "3"', ["(dnis=1 & ani=2) & dnis=3"]),
]


@pytest.mark.parametrize(("canonical", "variants"), CANONICAL_CASES)
def test_differently_written_filters_share_the_canonical_text(
    canonical: str, variants: list[str]
) -> None:
    expected = parse_filter(canonical)
    assert expected.text == canonical, "the canonical text is its own canonical text"
    for variant in variants:
        parsed = parse_filter(variant)
        assert parsed.text == canonical
        assert parsed.canonical() == canonical
        assert parsed == expected


def test_canonical_text_tells_different_conditions_apart() -> None:
    texts = [
        'DNIS = "1" & ANI = "2" | DNIS = "3"',
        'DNIS = "1" & (ANI = "2" | DNIS = "3")',
        'DNIS = "1" & ANI = "2" & DNIS = "3"',
        '(DNIS = "1" & ANI = "2") & DNIS = "3"',
        'MediaType = "email"',
        'MediaType = "Email"',
        'DNIS = "01"',
        'DNIS = "1"',
        'ANI = "1"',
        'DNIS != "1"',
        'UserData("CustomerID") = "1"',
        'CustomerID = "1"',
        'PairExists(UserData, "CustomerID", "1")',
        'PairExists(Reasons, "CustomerID", "1")',
    ]
    assert len({parse_filter(t).text for t in texts}) == len(texts)


def test_filters_are_values() -> None:
    first = parse_filter("DNIS = 1", name="F")
    again = parse_filter('dnis == "1"', name="F")
    assert first == again
    assert hash(first) == hash(again)
    assert first != parse_filter("DNIS = 1", name="G")  # the name differs
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.text = "x"  # type: ignore[misc]


def test_built_directly_from_a_tree() -> None:
    """Programmatic filters need no text; the canonical text and matcher still appear."""
    built = Filter(name="VIP", root=all_(has("VIP"), no(cmp("MediaType", "email"))))
    assert built.text == 'KeyExists(UserData, "VIP") & ~MediaType = "email"'
    assert built == parse_filter(built.text, name="VIP")
    assert built.matches(act(user_data={"VIP": 1}))
    assert not built.matches(act(user_data={"VIP": 1}, media="EMAIL"))


def test_nodes_refuse_what_the_grammar_refuses() -> None:
    with pytest.raises(ValueError, match="operands"):
        And(operands=(D1,))
    with pytest.raises(ValueError, match="operands"):
        Or(operands=())
    for build in (
        lambda: pair("", "v"),
        lambda: has("", RS),
        lambda: ud("", "v"),
    ):
        with pytest.raises(ValueError, match="key"):
            build()


# -- the vocabulary tables -----------------------------------------------------


def test_every_attribute_reads_exactly_one_place() -> None:
    assert set(FIELD_ATTRIBUTES).isdisjoint(KEYED_ATTRIBUTES)
    assert set(FIELD_ATTRIBUTES) | set(KEYED_ATTRIBUTES) == set(Attribute)
    action_fields = {f.name for f in attrs.fields(Action)}
    assert set(FIELD_ATTRIBUTES.values()) <= action_fields
    assert set(DATA_SOURCES) == set(DataSource)
    assert set(DATA_SOURCES.values()) <= action_fields
    assert KEYED_ATTRIBUTES[Attribute.ExtensionReasonCode] == (RS, "ReasonCode")


# -- matching -----------------------------------------------------------------

MATCH_CASES: list[tuple[str, dict[str, Any], bool]] = [
    # PairExists / KeyExists compare str(value)
    ('PairExists(UserData, "Language", "Spanish")', {"user_data": {"Language": "Spanish"}}, True),
    ('PairExists(UserData, "Language", "Spanish")', {"user_data": {"Language": "spanish"}}, False),
    ('PairExists(UserData, "Language", "Spanish")', {"user_data": {"language": "Spanish"}}, False),
    ('PairExists(UserData, "Language", "Spanish")', {"reasons": {"Language": "Spanish"}}, False),
    ('PairExists(UserData, "Language", "Spanish")', {}, False),
    ('PairExists(UserData, "Segment", "5")', {"user_data": {"Segment": 5}}, True),
    ('PairExists(UserData, "Segment", 5)', {"user_data": {"Segment": "5"}}, True),
    ('PairExists(UserData, "Segment", 5)', {"user_data": {"Segment": "05"}}, False),
    ('PairExists(UserData, "Note", "")', {"user_data": {"Note": ""}}, True),
    ('PairExists(UserData, "Note", "")', {}, False),
    ('PairExists(Reasons, "ReasonCode", "Lunch")', {"reasons": {"ReasonCode": "Lunch"}}, True),
    ('PairExists(Reasons, "ReasonCode", "Lunch")', {"user_data": {"ReasonCode": "Lunch"}}, False),
    ('KeyExists(UserData, "VIP")', {"user_data": {"VIP": ""}}, True),
    ('KeyExists(UserData, "VIP")', {"user_data": {"VIP": 0}}, True),
    ('KeyExists(UserData, "VIP")', {"user_data": {"vip": 1}}, False),
    ('KeyExists(UserData, "VIP")', {"reasons": {"VIP": 1}}, False),
    ('KeyExists(Reasons, "ReasonCode")', {"reasons": {"ReasonCode": 3}}, True),
    ('KeyExists(Reasons, "ReasonCode")', {}, False),
    # plain fields, case-sensitive
    ('DNIS = "1234"', {"dnis": "1234"}, True),
    ('DNIS = "1234"', {"dnis": "12345"}, False),
    ("DNIS = 1234", {"dnis": "1234"}, True),
    ("DNIS = 01234", {"dnis": "1234"}, False),
    ('DNIS != "1234"', {"dnis": "1234"}, False),
    ('DNIS != "1234"', {"dnis": ""}, True),
    ('DNIS = ""', {}, True),
    ('DNIS != ""', {"dnis": "1"}, True),
    ('ANI = "5551234"', {"ani": "5551234", "dnis": "1"}, True),
    ('ANI = "5551234"', {"dnis": "5551234"}, False),
    # MediaType compares without regard to case
    ('MediaType = "voice"', {}, True),  # the default media
    ('MediaType = "email"', {"media": "email"}, True),
    ('MediaType = "Email"', {"media": "email"}, True),
    ('MediaType = "email"', {"media": "EMAIL"}, True),
    ('MediaType = "email"', {"media": "chat"}, False),
    ('MediaType != "EMAIL"', {"media": "email"}, False),
    ('MediaType != "EMAIL"', {"media": "chat"}, True),
    # keyed attributes; != holds when the key is absent
    ('CustomerID = "ACME"', {"user_data": {"CustomerID": "ACME"}}, True),
    ('CustomerID = "ACME"', {"user_data": {"CustomerID": "acme"}}, False),
    ('CustomerID = "ACME"', {"reasons": {"CustomerID": "ACME"}}, False),
    ("CustomerID = 42", {"user_data": {"CustomerID": 42}}, True),
    ('CustomerID != "ACME"', {}, True),
    ('CustomerID != "ACME"', {"user_data": {"CustomerID": "ACME"}}, False),
    ('CustomerID = ""', {}, False),  # absent is not empty
    ('CustomerID = ""', {"user_data": {"CustomerID": ""}}, True),
    ('TreatmentType = "Music"', {"user_data": {"TreatmentType": "Music"}}, True),
    ('TreatmentType = "Music"', {"reasons": {"TreatmentType": "Music"}}, False),
    ('ReasonCode = "Lunch"', {"reasons": {"ReasonCode": "Lunch"}}, True),
    ("ReasonCode = 3", {"reasons": {"ReasonCode": 3}}, True),
    ('ReasonCode = "Lunch"', {"user_data": {"ReasonCode": "Lunch"}}, False),
    ('ReasonCode != "Lunch"', {}, True),
    ('ExtensionReasonCode = "Lunch"', {"reasons": {"ReasonCode": "Lunch"}}, True),
    ('ExtensionReasonCode != "Lunch"', {"reasons": {"ReasonCode": "Break"}}, True),
    # UserData("Key") comparisons
    ('UserData("Language") = "Spanish"', {"user_data": {"Language": "Spanish"}}, True),
    ('UserData("Language") = "Spanish"', {"reasons": {"Language": "Spanish"}}, False),
    ('UserData("Segment") = 5', {"user_data": {"Segment": 5}}, True),
    ('UserData("Language") != "Spanish"', {"user_data": {"Language": "English"}}, True),
    ('UserData("Language") != "Spanish"', {}, True),
    ('UserData("Language") != "Spanish"', {"user_data": {"Language": "Spanish"}}, False),
    # precedence changes the answer: DNIS 1 holds, ANI 2 and DNIS 3 do not
    ('DNIS = "1" | ANI = "2" & DNIS = "3"', {"dnis": "1"}, True),
    ('(DNIS = "1" | ANI = "2") & DNIS = "3"', {"dnis": "1"}, False),
    ('~DNIS = "1" & ANI = "2"', {"ani": "2"}, True),
    ('~(DNIS = "1" & ANI = "2")', {"dnis": "1", "ani": "2"}, False),
    ('NOT DNIS = "1" or ANI = "2"', {"dnis": "1"}, False),
    (
        'DNIS = "1" & ANI = "2" & MediaType = "chat"',
        {"dnis": "1", "ani": "2", "media": "chat"},
        True,
    ),
    ('DNIS = "1" & ANI = "2" & MediaType = "chat"', {"dnis": "1", "ani": "2"}, False),
    ('DNIS = "1" | ANI = "2" | MediaType = "chat"', {"media": "Chat"}, True),
    ('DNIS = "1" | ANI = "2" | MediaType = "chat"', {}, False),
]


@pytest.mark.parametrize(("text", "fields", "expected"), MATCH_CASES)
def test_matches(text: str, fields: dict[str, Any], expected: bool) -> None:
    assert parse_filter(text).matches(act(**fields)) is expected


THIS_QUEUE_CASES: list[tuple[str, str, bool]] = [
    # a value with "@" must equal the whole DN id
    ("8001@SW1", "8001@SW1", True),
    ("8001@SW1", "8001@SW2", False),
    ("8001@SW1", "8001", False),
    # a bare number matches that number on any switch
    ("8001", "8001@SW1", True),
    ("8001", "8001@SW2", True),
    ("8001", "80011@SW1", False),
    ("8001", "18001@SW1", False),
    ("8001", "8002@SW1", False),
    ("SW1", "8001@SW1", False),  # never the switch part
    # staging areas have names without "@": compared whole
    ("Backlog", "Backlog", True),
    ("Backlog", "backlog", False),
    ("Back", "Backlog", False),
    # no queue known
    ("8001", "", False),
    ("", "", True),
]


@pytest.mark.parametrize(("value", "queue", "expected"), THIS_QUEUE_CASES)
def test_this_queue_matches_the_full_id_or_the_bare_number(
    value: str, queue: str, expected: bool
) -> None:
    quoted = '"' + value + '"'
    assert parse_filter(f"ThisQueue = {quoted}").matches(act(queue=queue)) is expected
    assert parse_filter(f"ThisQueue != {quoted}").matches(act(queue=queue)) is not expected


def test_this_queue_takes_an_unquoted_number() -> None:
    this_queue = parse_filter("thisqueue = 8001")
    assert this_queue.text == 'ThisQueue = "8001"'
    assert this_queue.matches(act(queue="8001@SW1"))
    assert not this_queue.matches(act(queue="8002@SW1"))


def test_matching_short_circuits_left_to_right() -> None:
    """A right operand is never read when the left one decides (absent data is fine)."""

    class Exploding(dict[str, Any]):
        def get(self, key: str, default: Any = None) -> Any:
            raise AssertionError(f"read {key}")

    action = act(dnis="1", user_data=Exploding())
    assert parse_filter('DNIS = "1" | CustomerID = "x"').matches(action)
    assert not parse_filter('DNIS = "2" & CustomerID = "x"').matches(action)
    assert parse_filter('DNIS = "1" | ANI = "2" | CustomerID = "x"').matches(action)
    assert not parse_filter('DNIS = "2" & ANI = "" & CustomerID = "x"').matches(action)


# -- errors -------------------------------------------------------------------

ERROR_CASES: list[tuple[str, str, int]] = [
    # empty filter
    ("", "empty filter", 1),
    ("  \n ", "empty filter", 1),
    # unknown attribute, unknown function, unknown data source
    ('DNSI = "1"', "unknown attribute 'DNSI'", 1),
    ('DNIS = "1" & Queue = "8001"', "unknown attribute 'Queue'", 14),
    ('Reasons = "1"', "unknown attribute 'Reasons'", 1),
    ("DNIS = 1 | Foo", "unknown attribute 'Foo'", 12),
    ('Foo(UserData, "K")', "unknown function 'Foo'", 1),
    ('~PairExist(UserData, "K", "V")', "unknown function 'PairExist'", 2),
    ('DNIS("1")', "unknown function 'DNIS'", 1),
    ('KeyExists(Attached, "K")', "unknown data source 'Attached'", 11),
    ('KeyExists("UserData", "K")', "unexpected '\"UserData\"'", 11),
    # missing arguments
    ('PairExists(UserData, "K")', "missing argument 'value' to PairExists()", 25),
    ('PairExists(UserData, "K", )', "missing argument 'value' to PairExists()", 27),
    ("PairExists(UserData)", "missing argument 'key' to PairExists()", 20),
    ('PairExists(UserData, , "V")', "missing argument 'key' to PairExists()", 22),
    ("KeyExists()", "missing argument 'source' to KeyExists()", 11),
    ('KeyExists(, "K")', "missing argument 'source' to KeyExists()", 11),
    ("KeyExists(Reasons)", "missing argument 'key' to KeyExists()", 18),
    ('UserData() = "x"', "missing argument 'key' to UserData()", 10),
    # too many arguments
    ('KeyExists(UserData, "K", "V")', "too many arguments to KeyExists()", 24),
    ('PairExists(UserData, "K", "V", "W")', "too many arguments to PairExists()", 30),
    ('UserData("K", "L") = "x"', "too many arguments to UserData()", 13),
    # bad arguments
    ('KeyExists(UserData, "")', "empty key in KeyExists()", 21),
    ('PairExists(Reasons, "", "V")', "empty key in PairExists()", 21),
    ('UserData("") = "x"', "empty key in UserData()", 10),
    ("KeyExists(UserData, K)", "unexpected 'K'", 21),
    ("KeyExists(UserData, 5)", "unexpected '5'", 21),
    ('KeyExists(UserData "K")', "unexpected '\"K\"'", 20),
    ('PairExists(UserData, "K", V)', "unquoted value 'V'", 27),
    ('KeyExists UserData, "K"', "unexpected 'UserData'", 11),
    ("KeyExists", "unexpected end of filter", 10),
    ("KeyExists(", "unexpected end of filter", 11),
    ('KeyExists(UserData, "K"', "unexpected end of filter", 24),
    ('UserData("K")', "unexpected end of filter", 14),
    ('UserData("K") "x"', "unexpected '\"x\"'", 15),
    ('UserData = "x"', "unexpected '='", 10),
    # comparisons
    ("DNIS", "unexpected end of filter", 5),
    ("DNIS =", "unexpected end of filter", 7),
    ('DNIS "1"', "unexpected '\"1\"'", 6),
    ("MediaType = email", "unquoted value 'email'", 13),
    ("DNIS = (1)", "unexpected '('", 8),
    ("DNIS > 5", "unsupported comparison '>'", 6),
    ("DNIS <= 5", "unsupported comparison '<='", 6),
    ("DNIS ! 5", "unexpected character '!'", 6),
    ("DNIS => 5", "unexpected '>'", 7),
    ("DNIS = -", "unexpected character '-'", 8),
    ("DNIS = 1.5", "unexpected character '.'", 9),
    # trailing tokens
    ('DNIS = "1" "2"', "unexpected '\"2\"'", 12),
    ('DNIS = "1" ANI = "2"', "unexpected 'ANI'", 12),
    ('DNIS = "1" )', "unexpected ')'", 12),
    ("DNIS = 12ab", "unexpected 'ab'", 10),
    ('DNIS = "1" ~ ANI = "2"', "unexpected '~'", 12),
    ('DNIS = "1",', "unexpected ','", 11),
    # operators and parentheses
    ("()", "unexpected ')'", 2),
    ('(DNIS = "1"', "unexpected end of filter", 12),
    ('DNIS = "1" &', "unexpected end of filter", 13),
    ('DNIS = "1" & | ANI = "2"', "unexpected '|'", 14),
    ('DNIS = "1" AND OR ANI = "2"', "unexpected 'OR'", 16),
    ('DNIS = "1" && ANI = "2"', "unexpected '&'", 13),
    ("~", "unexpected end of filter", 2),
    ('"1" = DNIS', "unexpected '\"1\"'", 1),
    ("1234", "unexpected '1234'", 1),
    # strings and characters
    ('DNIS = "1', "unterminated string", 8),
    ('DNIS = "1\\"', "unterminated string", 8),
    ('DNIS = "1\n" & ANI = "2"', "unterminated string", 8),
    ('DNIS = "1\\n"', r"unknown escape '\\n' in string", 10),
    ('DNIS = "1" $', "unexpected character '$'", 12),
    ("DNIS = \u201c1\u201d", "unexpected character '\u201c'", 8),
]


@pytest.mark.parametrize(("text", "problem", "column"), ERROR_CASES)
def test_errors_say_what_and_where(text: str, problem: str, column: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_filter(text)
    assert str(info.value).startswith(f"{problem} at column {column} in {text!r}")
    assert info.value.expected


def test_unknown_attribute_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as info:
        parse_filter('DNSI = "1"')
    for attribute in Attribute:
        assert attribute.value in info.value.expected
    assert info.value.found == "DNSI"


def test_unknown_function_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as info:
        parse_filter('Pair(UserData, "K", "V")')
    assert info.value.expected == "a function: PairExists, KeyExists or UserData"
    assert info.value.found == "Pair"


def test_error_message_example() -> None:
    with pytest.raises(ConfigError) as info:
        parse_filter('DNIS = "1" )', path="filters.Sales", source="center.toml")
    assert str(info.value).startswith(
        "center.toml: filters.Sales: unexpected ')' at column 12 in 'DNIS = \"1\" )'"
    )
    assert info.value.expected == "'&', '|' or end of filter"
    assert info.value.found == ")"
    assert info.value.path == "filters.Sales"
    assert info.value.source == "center.toml"


def test_missing_operand_at_end_has_no_found_text() -> None:
    with pytest.raises(ConfigError) as info:
        parse_filter("DNIS =")
    assert info.value.expected == 'a quoted value such as "1234", or a number'
    assert info.value.found is None


def test_tokenizer_errors_carry_path_and_source() -> None:
    with pytest.raises(ConfigError) as info:
        parse_filter('DNIS = "1', path="filters.X", source="f.toml")
    assert info.value.path == "filters.X"
    assert info.value.source == "f.toml"


def test_non_string_filter_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="must be a string") as info:
        parse_filter(5, path="filters.X")  # type: ignore[arg-type]
    assert info.value.path == "filters.X"


def test_nesting_is_bounded() -> None:
    term = 'DNIS = "1"'
    assert parse_filter("(" * MAX_NESTING + term + ")" * MAX_NESTING).root == D1
    nots = parse_filter("~" * MAX_NESTING + term).root
    for _ in range(MAX_NESTING):
        assert isinstance(nots, Not)
        nots = nots.operand
    for text in ("(" * (MAX_NESTING + 1) + term + ")" * (MAX_NESTING + 1), "~" * 5000 + term):
        with pytest.raises(ConfigError, match=f"nested deeper than {MAX_NESTING}"):
            parse_filter(text)


def test_long_flat_chains_are_fine() -> None:
    """Width is not depth: a 2,000-term chain parses and matches without recursion."""
    text = " | ".join(f"DNIS = {i}" for i in range(2000))
    chain = parse_filter(text)
    assert chain.matches(act(dnis="1999"))
    assert not chain.matches(act(dnis="x"))
    assert parse_filter(chain.text) == chain


# -- load_filters ---------------------------------------------------------------


def test_load_filters_builds_every_filter_in_order() -> None:
    section = {
        "Spanish": 'PairExists(UserData, "Language", "Spanish")',
        "Email": 'MediaType = "email"',
        "Lunch": 'ReasonCode = "Lunch" | ExtensionReasonCode = "Lunch"',
        "Sales": "ThisQueue = 8001",
    }
    loaded = load_filters(section, source="center.toml")
    assert list(loaded) == list(section)
    for name, built in loaded.items():
        assert built.name == name
        assert built == parse_filter(section[name], name=name)
    assert loaded["Sales"].text == 'ThisQueue = "8001"'
    assert loaded["Lunch"].matches(act(reasons={"ReasonCode": "Lunch"}))
    assert loaded["Spanish"].matches(act(user_data={"Language": "Spanish"}))
    assert not loaded["Email"].matches(act())


def test_load_filters_of_an_empty_section() -> None:
    assert load_filters({}) == {}


def test_load_filters_names_the_bad_entry() -> None:
    section = {"Good": "DNIS = 1", "Bad": 'DNIS = "1" &'}
    with pytest.raises(ConfigError) as info:
        load_filters(section, source="center.toml")
    assert info.value.path == "filters.Bad"
    assert info.value.source == "center.toml"
    assert str(info.value).startswith(
        "center.toml: filters.Bad: unexpected end of filter at column 13"
    )


@pytest.mark.parametrize(
    ("section", "path", "problem"),
    [
        (["DNIS = 1"], "filters", "wrong type"),
        ({"X": 5}, "filters.X", "a filter must be a string"),
        ({"X": ""}, "filters.X", "empty filter"),
        ({"": "DNIS = 1"}, "filters", "bad filter name"),
        ({"  ": "DNIS = 1"}, "filters", "bad filter name"),
    ],
)
def test_load_filters_refuses_bad_sections(section: Any, path: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as info:
        load_filters(section, source="c.toml")
    assert info.value.path == path
    assert info.value.source == "c.toml"


# -- layering -----------------------------------------------------------------


def test_module_stays_sans_io() -> None:
    """The core imports nothing that reaches the outside world (DESIGN.md)."""
    tree = ast.parse(inspect.getsource(filters_module))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
        elif isinstance(node, ast.Name):
            assert node.id not in {"eval", "exec", "open", "compile", "__import__"}
    allowed = {"__future__", "attrs", "enum", "operator", "collections.abc", "typing", "types"}
    assert imported <= allowed | {"statengine.errors", "statengine.core.actions"}


# -- round trip: random tree -> text -> parse -> same tree, same answers ------

# Small pools shared by conditions and actions, so that random conditions often
# hit random actions: each attribute compares with values of its own kind.
KEYS = ["Language", "CustomerID", "TreatmentType", "ReasonCode", 'say "hi"', "a\\b"]
DATA_VALUES = ["Spanish", "5", "05", "", "a & b|~(c)"]
NUMBERS = ["1234", "01234", "5", ""]
MEDIA = ["voice", "email", "Email", "EMAIL", "chat"]
QUEUES = ["8001", "8001@SW1", "8001@SW2", "8002@SW1", "Backlog", ""]
POOLS: dict[Attribute, list[str]] = {
    Attribute.DNIS: NUMBERS,
    Attribute.ANI: NUMBERS,
    Attribute.MediaType: MEDIA,
    Attribute.ThisQueue: QUEUES,
    Attribute.CustomerID: DATA_VALUES,
    Attribute.ReasonCode: DATA_VALUES,
    Attribute.ExtensionReasonCode: DATA_VALUES,
    Attribute.TreatmentType: DATA_VALUES,
}


#: every leaf the pools allow: drawing from this list is cheap and focused
ALL_LEAVES: list[Node] = [
    *(PairExists(source=s, key=k, value=v) for s in DataSource for k in KEYS for v in DATA_VALUES),
    *(KeyExists(source=s, key=k) for s in DataSource for k in KEYS),
    *(Compare(attribute=a, op=o, value=v) for a in Attribute for o in CompareOp for v in POOLS[a]),
    *(UserDataCompare(key=k, op=o, value=v) for k in KEYS for o in CompareOp for v in DATA_VALUES),
]


def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    many = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(
        st.builds(Not, operand=children),
        st.builds(And, operands=many),
        st.builds(Or, operands=many),
    )


TREES = st.recursive(st.sampled_from(ALL_LEAVES), extend, max_leaves=10)


def random_data(rnd: random.Random) -> dict[str, str | int]:
    values: list[str | int] = [*DATA_VALUES, 5]
    return {rnd.choice(KEYS): rnd.choice(values) for _ in range(rnd.randrange(5))}


def random_action(rnd: random.Random) -> Action:
    """An action from the pools (a Random, not strategies: drawing is the slow part)."""
    return act(
        dnis=rnd.choice(NUMBERS),
        ani=rnd.choice(NUMBERS),
        media=rnd.choice(MEDIA),
        queue=rnd.choice(QUEUES),
        user_data=random_data(rnd),
        reasons=random_data(rnd),
    )


# how tightly a node binds: a child binding less tightly than its parent needs
# parentheses, and so does an And inside an And (or an Or inside an Or)
_BINDING = {Or: 1, And: 2, Not: 3}


def binding(node: Node) -> int:
    return _BINDING.get(type(node), 4)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(node: Node, rnd: random.Random, minimum: int = 0) -> str:
    """Write ``node`` as a filter, picking spellings, spacing and spare parentheses at random.

    ``rnd`` comes from ``st.randoms()``: one draw instead of one per choice keeps
    the property fast.
    """
    space = rnd.choice(["", " ", "  ", "\n"])
    word_space = rnd.choice([" ", "\t", "\n "])

    def word(name: str) -> str:
        return rnd.choice([name, name.lower(), name.upper()])

    def value(text: str) -> str:
        number = text.isdigit() or (text[:1] == "-" and text[1:].isdigit())
        return text if number and rnd.random() < 0.5 else quote(text)

    def op(compare: CompareOp) -> str:
        return "==" if compare is EQ and rnd.random() < 0.5 else compare.value

    match node:
        case PairExists(source=source, key=key, value=v):
            text = (
                f"{word('PairExists')}{space}({space}{word(source.value)}{space},"
                f"{space}{quote(key)},{space}{value(v)}{space})"
            )
        case KeyExists(source=source, key=key):
            text = f"{word('KeyExists')}({word(source.value)}{space},{space}{quote(key)})"
        case Compare(attribute=attribute, op=compare, value=v):
            text = f"{word(attribute.value)}{space}{op(compare)}{space}{value(v)}"
        case UserDataCompare(key=key, op=compare, value=v):
            text = f"{word('UserData')}({space}{quote(key)}){space}{op(compare)}{space}{value(v)}"
        case Not(operand=operand):
            sign = rnd.choice(["~", word("NOT") + word_space])
            text = sign + render(operand, rnd, binding(node))
        case And(operands=operands) | Or(operands=operands):
            symbol = "&" if isinstance(node, And) else "|"
            keyword = "AND" if isinstance(node, And) else "OR"
            parts = [render(child, rnd, binding(node) + 1) for child in operands]
            text = parts[0]
            for part in parts[1:]:
                joiner = rnd.choice([symbol, f"{word_space}{word(keyword)}{word_space}"])
                text += f"{space}{joiner}{space}{part}"
    if binding(node) < minimum or rnd.randrange(10) == 0:
        text = f"({space}{text}{space})"
    return text


def lookup(mapping: Mapping[str, str | int], key: str) -> str | None:
    return str(mapping[key]) if key in mapping else None


def read(attribute: Attribute, action: Action) -> str | None:
    """What an attribute reads, spelled out without the module's tables."""
    return {
        Attribute.DNIS: action.dnis,
        Attribute.ANI: action.ani,
        Attribute.MediaType: action.media,
        Attribute.ThisQueue: action.queue,
        Attribute.CustomerID: lookup(action.user_data, "CustomerID"),
        Attribute.ReasonCode: lookup(action.reasons, "ReasonCode"),
        Attribute.ExtensionReasonCode: lookup(action.reasons, "ReasonCode"),
        Attribute.TreatmentType: lookup(action.user_data, "TreatmentType"),
    }[attribute]


def reference(node: Node, action: Action) -> bool:
    """The semantics, written as plainly as possible."""
    if isinstance(node, PairExists | KeyExists):
        data = action.user_data if node.source is UD else action.reasons
        if isinstance(node, KeyExists):
            return node.key in data
        return lookup(data, node.key) == node.value
    if isinstance(node, Compare | UserDataCompare):
        if isinstance(node, UserDataCompare):
            equal = lookup(action.user_data, node.key) == node.value
        elif node.attribute is Attribute.MediaType:
            equal = action.media.lower() == node.value.lower()
        elif node.attribute is Attribute.ThisQueue:
            queue = action.queue
            equal = queue == node.value or queue.split("@")[0] == node.value
        else:
            equal = read(node.attribute, action) == node.value
        return equal if node.op is EQ else not equal
    if isinstance(node, Not):
        return not reference(node.operand, action)
    if isinstance(node, And):
        return all(reference(child, action) for child in node.operands)
    return any(reference(child, action) for child in node.operands)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(tree=TREES, rnd=st.randoms(use_true_random=True))
def test_round_trip_matches_reference(tree: Node, rnd: random.Random) -> None:
    text = render(tree, rnd)
    parsed = parse_filter(text)
    assert parsed.root == tree
    assert parsed == Filter(root=tree)
    assert parse_filter(parsed.text).root == tree, "the canonical text is a fixed point"
    for _ in range(8):
        action = random_action(rnd)
        assert parsed.matches(action) is reference(tree, action), (text, action)


# every leaf against a grid of actions that vary one datum at a time: random
# trees rarely pair a rare value with the one action it matches

GRID: list[Action] = [
    act(),
    *(act(dnis=v) for v in NUMBERS),
    *(act(ani=v) for v in NUMBERS),
    *(act(media=m) for m in MEDIA),
    *(act(queue=q) for q in QUEUES),
    *(act(user_data={k: v}) for k in KEYS for v in [*DATA_VALUES, 5]),
    *(act(reasons={k: v}) for k in KEYS for v in [*DATA_VALUES, 5]),
]


def test_every_leaf_agrees_with_the_reference_on_a_grid() -> None:
    for leaf in ALL_LEAVES:
        compiled = parse_filter(Filter(root=leaf).text)
        assert compiled.root == leaf
        for action in GRID:
            assert compiled.matches(action) is reference(leaf, action), (leaf, action)
