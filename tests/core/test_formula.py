"""Formula stat types: grammar, evaluation rules, canonical text, terms, errors, a property."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from statengine.core.formula import (
    FORMULA_CATEGORIES,
    MAX_NESTING,
    Aggregate,
    ArithOp,
    CompareOp,
    Comparison,
    Formula,
    If,
    Negate,
    Number,
    Or,
    Product,
    Sum,
    Term,
    parse_formula,
)
from statengine.core.stattypes import (
    SUPPORTED_CATEGORIES,
    TIME_RANGE_CATEGORIES,
    Category,
    Mask,
    Subject,
)
from statengine.errors import ConfigError, LocalProtocolError

AGENT = Subject.AgentStatus
DN = Subject.DNAction

AHT = "(TotalTime(CallInbound, CallOnHold) + TotalTime(AfterCallWork)) / TotalNumber(CallInbound)"


def evaluate(text: str, values: Sequence[float] = (), subject: Subject = AGENT) -> float:
    return parse_formula(text, subject).evaluate(values)


def same(a: float, b: float) -> bool:
    """Equal, and both positive zero when zero (evaluate never returns -0.0)."""
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


# -- evaluation ---------------------------------------------------------------

EVAL_CASES: list[tuple[str, tuple[float, ...], float]] = [
    # literals
    ("0", (), 0.0),
    ("42", (), 42.0),
    ("2.5", (), 2.5),
    (".5", (), 0.5),
    ("2.", (), 2.0),
    ("1.5e3", (), 1500.0),
    ("25E-2", (), 0.25),
    ("007", (), 7.0),
    # precedence: unary minus > * / > + -
    ("1 + 2 * 3", (), 7.0),
    ("(1 + 2) * 3", (), 9.0),
    ("2 * 3 + 4 * 5", (), 26.0),
    ("2 * (3 + 4) * 5", (), 70.0),
    ("-2 * 3", (), -6.0),
    ("-(2 + 3)", (), -5.0),
    ("2 - -2", (), 4.0),
    ("- - 2", (), 2.0),
    ("---2", (), -2.0),
    ("-2 - 3", (), -5.0),
    # left associativity
    ("10 - 4 - 3", (), 3.0),
    ("10 - (4 - 3)", (), 9.0),
    ("64 / 4 / 2", (), 8.0),
    ("64 / (4 / 2)", (), 32.0),
    ("8 / 2 * 4", (), 16.0),
    ("1 - 2 + 3", (), 2.0),
    # division by zero: x / 0 = 0, step by step, never -0.0
    ("5 / 0", (), 0.0),
    ("0 / 0", (), 0.0),
    ("-5 / 0", (), 0.0),
    ("1 / (2 - 2)", (), 0.0),
    ("5 / 0 * 3 + 1", (), 1.0),
    ("12 / 0 / 0", (), 0.0),
    ("-0", (), 0.0),
    ("0 * -1", (), 0.0),
    # overflow: a non-finite intermediate result is 0
    ("1e308 * 10", (), 0.0),
    ("1e308 * 10 + 1", (), 1.0),
    ("1e308 + 1e308", (), 0.0),
    ("1e308 / 1e-308", (), 0.0),
    ("-(1e308 * 10) - 2", (), -2.0),
    # functions
    ("min(3, 1)", (), 1.0),
    ("min(3, 1, 2)", (), 1.0),
    ("max(3, 1)", (), 3.0),
    ("max(-3, -1, -2)", (), -1.0),
    ("MAX(1, 2)", (), 2.0),
    ("abs(-2.5)", (), 2.5),
    ("abs(2.5)", (), 2.5),
    ("round(2.4)", (), 2.0),
    ("round(2.5)", (), 3.0),  # half away from zero, not Python's half-even
    ("round(-2.5)", (), -3.0),
    ("round(0.125, 2)", (), 0.13),
    ("round(2.675, 2)", (), 2.68),  # the decimal written, not its binary neighbour
    ("round(1234.5678, -2)", (), 1200.0),
    ("round(1250, -2)", (), 1300.0),
    ("round(-0.4)", (), 0.0),
    ("round(1e308, -15)", (), 1e308),
    ("round(1 / 3, 15)", (), 0.333333333333333),
    ("if(1 < 2, 10, 20)", (), 10.0),
    ("if(1 > 2, 10, 20)", (), 20.0),
    ("If(1 = 1, 1, 0)", (), 1.0),
    ("if(1 == 1, 1, 0)", (), 1.0),
    ("if(1 != 1, 1, 0)", (), 0.0),
    ("if(2 <= 2, 1, 0)", (), 1.0),
    ("if(2 >= 3, 1, 0)", (), 0.0),
    ("if(1 < 2 & 2 < 3, 1, 0)", (), 1.0),
    ("if(1 < 2 & 3 < 2, 1, 0)", (), 0.0),
    ("if(1 > 2 | 2 < 3, 1, 0)", (), 1.0),
    ("if(~(1 < 2), 1, 0)", (), 0.0),
    ("if(~~(1 < 2), 1, 0)", (), 1.0),
    ("if(~1 < 2, 1, 0)", (), 0.0),  # ~ binds looser than a comparison
    ("if(1 > 2 & 2 > 3 | 1 = 1, 1, 0)", (), 1.0),  # & binds tighter than |
    ("if(1 = 1 | 1 = 2 & 2 = 3, 1, 0)", (), 1.0),
    ("if((1 = 1 | 1 = 2) & 2 = 3, 1, 0)", (), 0.0),
    ("if(1 / 0 = 0, 1, 0)", (), 1.0),
    # nested functions
    ("max(min(3, 1, 2), abs(-5) / 2)", (), 2.5),
    ("round(max(1, 2) / 3, 2)", (), 0.67),
    ("if(min(1, 2) < 2, round(abs(-2.25), 1), 0)", (), 2.3),
    ("abs(if(1 < 2, -3, 3)) * -1", (), -3.0),
    # terms: values arrive in term order (times in seconds, counts as ints)
    (AHT, (540.0, 120.0, 6), 110.0),
    (AHT, (540.0, 120.0, 0), 0.0),
    ("TotalNumber(CallInbound)", (7,), 7.0),
    ("TotalTime(CallInbound) / 60", (90.0,), 1.5),
    ("TotalNumber(CallInbound)", (math.inf,), 0.0),
    ("TotalNumber(CallInbound)", (math.nan,), 0.0),
    ("-TotalNumber(CallInbound) * 0", (5,), 0.0),
    ("if(CurrentNumber(CallInbound) > 0, CurrentMaxTime(CallInbound), -1)", (0, 0.0), -1.0),
    ("if(CurrentNumber(CallInbound) > 0, CurrentMaxTime(CallInbound), -1)", (2, 33.5), 33.5),
]


@pytest.mark.parametrize(("text", "values", "expected"), EVAL_CASES)
def test_evaluate(text: str, values: tuple[float, ...], expected: float) -> None:
    assert same(evaluate(text, values), expected)


def test_evaluate_returns_a_float() -> None:
    value = evaluate("TotalNumber(CallInbound) + 1", (2,))
    assert type(value) is float
    assert value == 3.0


def test_evaluate_refuses_the_wrong_number_of_values() -> None:
    formula = parse_formula(AHT, AGENT)
    with pytest.raises(LocalProtocolError, match="takes 3 term values, got 2"):
        formula.evaluate([1.0, 2.0])
    with pytest.raises(LocalProtocolError):
        formula.evaluate([1.0, 2.0, 3.0, 4.0])


def test_if_evaluates_only_the_chosen_branch() -> None:
    """The other branch may overflow or divide by zero: it is never computed."""
    assert evaluate("if(1 < 2, 1, 1e308 * 10)") == 1.0


# -- structure: precedence and associativity in the AST ------------------------


def num(value: float) -> Number:
    return Number(value=value)


def test_chains_are_one_node_and_associate_left() -> None:
    root = parse_formula("1 - 2 + 3 * 4 / 5", AGENT).root
    product = Product(first=num(3), rest=((ArithOp.MUL, num(4)), (ArithOp.DIV, num(5))))
    assert root == Sum(first=num(1), rest=((ArithOp.SUB, num(2)), (ArithOp.ADD, product)))


def test_a_parenthesised_left_operand_of_the_same_chain_merges() -> None:
    flat = parse_formula("1 - 2 - 3", AGENT)
    grouped = parse_formula("((1 - 2)) - 3", AGENT)
    assert grouped.root == flat.root
    right = parse_formula("1 - (2 - 3)", AGENT).root
    inner = Sum(first=num(2), rest=((ArithOp.SUB, num(3)),))
    assert right == Sum(first=num(1), rest=((ArithOp.SUB, inner),))


def test_unary_minus_binds_tighter_than_product() -> None:
    root = parse_formula("-2 * 3", AGENT).root
    assert root == Product(first=Negate(operand=num(2)), rest=((ArithOp.MUL, num(3)),))


def test_or_and_and_flatten() -> None:
    root = parse_formula("if(1 < 2 | (2 < 3 | 3 < 4), 1, 0)", AGENT).root
    assert isinstance(root, If)
    assert isinstance(root.condition, Or)
    assert len(root.condition.operands) == 3
    assert root.condition.operands[0] == Comparison(left=num(1), op=CompareOp.LT, right=num(2))


# -- canonical text ---------------------------------------------------------------

CANONICAL_CASES: list[tuple[str, str, Subject]] = [
    (AHT, AHT, AGENT),
    (
        "( TotalTime(CallOnHold,CallInbound)+TotalTime( AfterCallWork ) )/TotalNumber(CallInbound)",
        AHT,
        AGENT,
    ),
    ("1+2*3", "1 + 2 * 3", AGENT),
    ("((1 + 2)) + 3", "1 + 2 + 3", AGENT),
    ("(1 * 2) / 3", "1 * 2 / 3", AGENT),
    ("1 - (2 - 3)", "1 - (2 - 3)", AGENT),
    ("1 / (2 * 3)", "1 / (2 * 3)", AGENT),
    ("(1 + 2) * 3", "(1 + 2) * 3", AGENT),
    ("-(2)", "-2", AGENT),
    ("-(2 * 3)", "-(2 * 3)", AGENT),
    ("- -2", "--2", AGENT),
    ("2.0 + 0.50 + 1e3 + 1e16 + 1.5e-7", "2 + 0.5 + 1000 + 1e+16 + 1.5e-07", AGENT),
    ("MIN(1,2)", "min(1, 2)", AGENT),
    ("Round(1, 0)", "round(1)", AGENT),
    ("round(1,-2)", "round(1, -2)", AGENT),
    ("IF(1==1,2,3)", "if(1 = 1, 2, 3)", AGENT),
    ("if(~ 1<2, 1, 0)", "if(~(1 < 2), 1, 0)", AGENT),
    ("if(~~(1<2), 1, 0)", "if(~~(1 < 2), 1, 0)", AGENT),
    ("if((1<2 & 2<3) & 3<4, 1, 0)", "if(1 < 2 & 2 < 3 & 3 < 4, 1, 0)", AGENT),
    ("if((1<2 | 2<3) & 3<4, 1, 0)", "if((1 < 2 | 2 < 3) & 3 < 4, 1, 0)", AGENT),
    ("if(1<2 | 2<3 & 3<4, 1, 0)", "if(1 < 2 | 2 < 3 & 3 < 4, 1, 0)", AGENT),
    ("if((1 + 1) * 2 >= 2 - 1, 1, 0)", "if((1 + 1) * 2 >= 2 - 1, 1, 0)", AGENT),
    # masks are spelled by what they select
    (
        "TotalTime(~NotMonitored, ~LoggedOut, *, ~LoggedOut, ~NotMonitored)",
        "TotalTime(*, ~LoggedOut, ~NotMonitored)",
        AGENT,
    ),
    # left to right: ~LoggedOut before * removes nothing
    ("TotalTime(~LoggedOut, *, ~NotMonitored)", "TotalTime(*, ~NotMonitored)", AGENT),
    ("TotalTime(CallInbound, CallInbound)", "TotalTime(CallInbound)", AGENT),
    ("TotalTime(CallInbound, AfterCallWork, ~AfterCallWork)", "TotalTime(CallInbound)", AGENT),
    ("TotalNumber(CallWaitInbound)", "TotalNumber(CallWait)", DN),
    ("TotalNumber(CallWaitInbound, CallWaitConsult)", "TotalNumber(CallWait)", DN),
    ("TotalNumber(AgentLogin)", 'TotalNumber(AgentLogin, "AgentLogin(Mediation)")', DN),
    (
        'TotalNumber(AgentLogin, ~"AgentLogin(Mediation)")',
        'TotalNumber(AgentLogin, ~"AgentLogin(Mediation)")',
        DN,
    ),
    ('TotalNumber("AgentLogin(Mediation)")', 'TotalNumber("AgentLogin(Mediation)")', DN),
    ('TotalNumber("CallAnswered")', "TotalNumber(CallAnswered)", DN),
    ("TotalNumber(*, ~CallWait)", "TotalNumber(*, ~CallWait)", DN),
    (
        'TotalNumberInTimeRange(CallAnswered;"SL")',
        'TotalNumberInTimeRange(CallAnswered; "SL")',
        DN,
    ),
    (
        'TotalNumberInTimeRange(CallAnswered ; "say \\"hi\\" \\\\")',
        'TotalNumberInTimeRange(CallAnswered; "say \\"hi\\" \\\\")',
        DN,
    ),
]


@pytest.mark.parametrize(("text", "canonical", "subject"), CANONICAL_CASES)
def test_canonical_text(text: str, canonical: str, subject: Subject) -> None:
    formula = parse_formula(text, subject)
    assert formula.text == canonical
    assert formula.canonical() == canonical
    again = parse_formula(canonical, subject)
    assert again == formula
    assert again.text == canonical
    assert again.root == formula.root


def test_equal_formulas_share_a_key() -> None:
    a = parse_formula(AHT, AGENT)
    b = parse_formula(
        "(TotalTime(CallOnHold,CallInbound) + (TotalTime(AfterCallWork)))"
        " / TotalNumber(CallInbound)",
        AGENT,
    )
    assert a == b
    assert hash(a) == hash(b)
    assert {a: 1}[b] == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1 - 2 - 3", "1 - (2 - 3)"),
        ("1 + 2", "2 + 1"),  # operands keep their order (floats are not associative)
        ("TotalTime(~LoggedOut, *)", "TotalTime(*, ~LoggedOut)"),  # mask order matters
        ("TotalTime(CallInbound)", "TotalNumber(CallInbound)"),
        ("if(~(1 < 2), 1, 0)", "if(1 >= 2, 1, 0)"),
    ],
)
def test_different_formulas_differ(left: str, right: str) -> None:
    assert parse_formula(left, AGENT) != parse_formula(right, AGENT)


def test_formula_built_from_a_root() -> None:
    term = Term(category=Category.TotalNumber, mask=Mask.parse("CallInbound", AGENT))
    formula = Formula(root=Sum(first=Aggregate(term=term), rest=((ArithOp.ADD, num(1)),)))
    assert formula.text == "TotalNumber(CallInbound) + 1"
    assert formula.terms == (term,)
    assert formula.evaluate([2]) == 3.0
    with pytest.raises(ValueError, match="must compute a number"):
        Formula(root=Comparison(left=num(1), op=CompareOp.LT, right=num(2)))


def test_term_canonical_tolerates_hand_written_masks() -> None:
    term = Term(
        category=Category.TotalTime, mask=Mask.parse("CallInbound , ~ AfterCallWork", AGENT)
    )
    assert term.canonical() == "TotalTime(CallInbound, ~AfterCallWork)"


# -- terms -------------------------------------------------------------------------


def terms_of(text: str, subject: Subject = AGENT) -> list[str]:
    return [term.canonical() for term in parse_formula(text, subject).terms]


def test_terms_in_order_of_first_appearance() -> None:
    assert terms_of(AHT) == [
        "TotalTime(CallInbound, CallOnHold)",
        "TotalTime(AfterCallWork)",
        "TotalNumber(CallInbound)",
    ]
    assert terms_of("1 + 2") == []


def test_the_same_term_twice_appears_once() -> None:
    text = (
        "TotalTime(CallInbound, CallOnHold) - TotalTime(CallOnHold, CallInbound)"
        " + if(TotalTime(CallInbound,CallOnHold) > 0, TotalNumber(CallInbound), 0)"
    )
    formula = parse_formula(text, AGENT)
    assert [t.canonical() for t in formula.terms] == [
        "TotalTime(CallInbound, CallOnHold)",
        "TotalNumber(CallInbound)",
    ]
    assert formula.evaluate([5.0, 3]) == 3.0
    assert formula.evaluate([0.0, 3]) == 0.0


def test_terms_hold_canonical_masks_and_time_ranges() -> None:
    formula = parse_formula(
        'TotalNumberInTimeRange(CallAnswered; "SL") + TotalNumberInTimeRange(CallAnswered)'
        ' + TotalNumberInTimeRange(CallAnswered; "Long")'
        ' + TotalNumberInTimeRange(CallAnswered;"SL")',
        DN,
    )
    assert [t.time_range for t in formula.terms] == ["SL", None, "Long"]
    term = formula.terms[0]
    assert term.category is Category.TotalNumberInTimeRange
    assert term.mask.subject is DN
    assert term.mask.text == "CallAnswered"
    assert term.mask == Mask.parse("CallAnswered", DN)


def test_time_range_names_are_checked_when_known() -> None:
    text = 'TotalNumberInTimeRange(CallAnswered; "ServiceLevel")'
    formula = parse_formula(text, DN, time_ranges={"Default", "ServiceLevel"})
    assert formula.terms[0].time_range == "ServiceLevel"
    with pytest.raises(ConfigError, match=r"unknown time range 'ServiceLevel'.* column 38"):
        parse_formula(text, DN, time_ranges={"Default"})
    with pytest.raises(ConfigError, match="did you mean ServiceLevel"):
        parse_formula(text.replace("ServiceLevel", "ServiceLvl"), DN, time_ranges={"ServiceLevel"})


# -- categories --------------------------------------------------------------------


def test_formula_categories() -> None:
    assert FORMULA_CATEGORIES <= SUPPORTED_CATEGORIES
    assert {
        Category.TotalNumber,
        Category.TotalTime,
        Category.TotalAdjustedNumber,
        Category.TotalAdjustedTime,
        Category.AverageTime,
        Category.MaxTime,
        Category.MinTime,
        Category.CurrentNumber,
        Category.CurrentTime,
        Category.CurrentMaxTime,
        Category.CurrentMinTime,
        Category.CurrentAverageTime,
        Category.TotalNumberInTimeRange,
        Category.TotalTimeInTimeRange,
    } == FORMULA_CATEGORIES
    assert Category.ServiceFactor1 not in FORMULA_CATEGORIES
    assert Category.TotalNumberInTimeRangePercentage not in FORMULA_CATEGORIES


@pytest.mark.parametrize("category", sorted(FORMULA_CATEGORIES, key=lambda c: c.value))
@pytest.mark.parametrize("subject", [DN, AGENT, Subject.DNStatus, Subject.GroupStatus])
def test_every_formula_category_is_a_term(category: Category, subject: Subject) -> None:
    mask = "CallAnswered" if subject is DN else "WaitForNextCall"
    text = f"{category.name}({mask})"
    if category in TIME_RANGE_CATEGORIES:
        text = text[:-1] + '; "Default")'
    formula = parse_formula(text, subject)
    assert formula.text == text.replace(';"', '; "')
    assert formula.terms[0].category is category
    assert formula.evaluate([4]) == 4.0


@pytest.mark.parametrize(
    "category",
    sorted(set(Category) - FORMULA_CATEGORIES, key=lambda c: c.value),
)
def test_other_categories_are_refused_by_name(category: Category) -> None:
    with pytest.raises(ConfigError, match=f"category {category.name} cannot be a formula term"):
        parse_formula(f"1 + {category.name}(CallAnswered)", DN)


# -- errors ------------------------------------------------------------------------

ERROR_CASES: list[tuple[str, int, str]] = [
    # tokens
    ("", 1, "empty formula"),
    ("   ", 1, "empty formula"),
    ("1 $ 2", 3, "unexpected character '$'"),
    ("1 ! 2", 3, "unexpected character '!'"),
    ("3x", 1, "malformed number '3x'"),
    ("1.2.3", 1, "malformed number '1.2.3'"),
    ("2 * 1e+", 5, "malformed number '1e+'"),
    ("1e999", 1, "number '1e999' is too large"),
    ('TotalNumberInTimeRange(CallAnswered; "SL)', 38, "unterminated string"),
    ('TotalNumberInTimeRange(CallAnswered; "S\\L")', 40, "unknown escape"),
    # syntax
    ("1 +", 4, "unexpected end of formula"),
    ("1 2", 3, "unexpected '2'"),
    ("(1 + 2", 7, "unexpected end of formula"),
    ("1 + 2)", 6, "unexpected ')'"),
    ("1 +* 2", 4, "unexpected '*'"),
    ("1 + ~(1 < 2)", 5, "unexpected '~'"),
    ("min(1,)", 7, "unexpected ')'"),
    ("TotalTime(CallInbound) TotalTime(CallOnHold)", 24, "unexpected 'TotalTime'"),
    ("1 < 2 < 3", 7, "comparisons do not chain"),
    # names
    ("x + 1", 1, "unknown category or function 'x'"),
    ("Foo(1)", 1, "unknown category or function 'Foo'"),
    ("totaltime(CallInbound)", 1, "did you mean TotalTime"),
    ("2 * mn(1, 2)", 5, "did you mean min"),
    ("TotalTime", 10, "unexpected end of formula"),
    ("TotalTime + 1", 11, "unexpected '+'"),
    ("ServiceFactor1(CallAnswered)", 1, "cannot be a formula term: it is a compound"),
    ("TotalNumberInTimeRangePercentage(CallInbound)", 1, "it needs a RelMask"),
    ("CurrentState(*)", 1, "it is a structure, not a number"),
    ("Formula(*)", 1, "a formula cannot be a term of a formula"),
    ("1 + JavaCategory(*)", 5, "it is not supported yet"),
    ("RelativeTimePercentage(*)", 1, "it needs a RelMask"),
    # masks
    ("1 + TotalTime()", 15, "empty mask in TotalTime()"),
    ("TotalTime(CallInbound,)", 23, "unexpected ')'"),
    ("TotalTime(CallInbound CallOnHold)", 23, "unexpected 'CallOnHold'"),
    ("TotalTime(~)", 12, "unexpected ')'"),
    ("TotalTime(CallInbnd)", 11, "unknown status 'CallInbnd' (did you mean CallInbound"),
    ("TotalTime(CallInbound, CallDialed)", 24, "CallDialed is an action"),
    ('TotalTime("Call,Inbound")', 11, "bad mask name"),
    ('TotalTime("*")', 11, "bad mask name"),
    ('TotalTime("")', 11, "bad mask name"),
    ("TotalTime(~*)", 11, "mask of TotalTime selects nothing"),
    ("TotalTime(CallInbound, ~CallInbound)", 11, "selects nothing"),
    ("TotalTime(1)", 11, "unexpected '1'"),
    # time ranges
    ('TotalTime(CallInbound; "SL")', 22, "category TotalTime takes no time range"),
    ("TotalNumberInTimeRange(CallInbound; SL)", 37, "unexpected 'SL'"),
    ('TotalNumberInTimeRange(CallInbound; " ")', 37, "empty time range name"),
    ('TotalNumberInTimeRange(CallInbound; "SL" "X")', 42, "unexpected '\"X\"'"),
    ('TotalNumberInTimeRange(CallInbound; "SL", X)', 41, "unexpected ','"),
    # types
    ("1 < 2", 1, "a formula must compute a number, not a condition"),
    ("(1 < 2)", 1, "a formula must compute a number"),
    ("1 + (2 > 1)", 5, "condition used as a number"),
    ("-(1 < 2)", 2, "condition used as a number"),
    ("abs(1 < 2)", 5, "condition used as a number"),
    ("if(1 < 2, 1 < 2, 0)", 11, "condition used as a number"),
    ("if(1, 2, 3)", 4, "number used as a condition"),
    ("if(~1, 2, 3)", 5, "number used as a condition"),
    ("if(1 & 2 > 1, 2, 3)", 4, "number used as a condition"),
    ("if(2 > 1 | 3, 2, 3)", 12, "number used as a condition"),
    # functions
    ("abs()", 5, "abs() needs 1 argument"),
    ("abs(1, 2)", 8, "abs() takes at most 1 argument"),
    ("min(1)", 6, "min() needs at least 2 arguments"),
    ("max()", 5, "max() needs at least 2 arguments"),
    ("round()", 7, "round() needs 1 argument"),
    ("round(1, 2, 3)", 13, "round() takes at most 2 arguments"),
    ("if(1 < 2, 3)", 12, "if() needs 3 arguments"),
    ("if(1 < 2, 3, 4, 5)", 17, "if() takes at most 3 arguments"),
    ("round(1, 2.5)", 10, "bad number of digits for round()"),
    ("round(1, 16)", 10, "bad number of digits"),
    ("round(1, -16)", 10, "bad number of digits"),
    ("round(1, -(2))", 10, "bad number of digits"),
    ("round(1, 1e1)", 10, "bad number of digits"),
    ("round(1, TotalNumber(CallInbound))", 10, "bad number of digits"),
    ("min", 4, "unexpected end of formula"),
]

COLUMN = re.compile(r" at column (\d+) in ")


@pytest.mark.parametrize(("text", "column", "fragment"), ERROR_CASES)
def test_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_formula(text, AGENT)
    message = str(info.value)
    assert fragment in message
    match = COLUMN.search(message)
    assert match is not None, message
    assert int(match[1]) == column, message
    assert repr(text) in message
    assert info.value.expected


def test_errors_say_what_was_expected_and_found() -> None:
    with pytest.raises(ConfigError) as info:
        parse_formula("TotalTime(CallInbound) +", AGENT)
    assert "TotalTime(CallInbound)" in info.value.expected
    assert info.value.found is None
    with pytest.raises(ConfigError) as info:
        parse_formula("1 + Foo(1)", AGENT)
    assert info.value.found == "Foo"
    for category in FORMULA_CATEGORIES:  # unknown names list the valid categories
        assert category.name in info.value.expected
    assert "min, max, abs, round, if" in info.value.expected


def test_errors_carry_path_and_source() -> None:
    with pytest.raises(ConfigError) as info:
        parse_formula("1 +", AGENT, path="stattypes.AHT.Expression", source="center.toml")
    assert str(info.value).startswith("center.toml: stattypes.AHT.Expression: unexpected end")
    assert info.value.path == "stattypes.AHT.Expression"
    assert info.value.source == "center.toml"


def test_refuses_bad_arguments() -> None:
    with pytest.raises(ConfigError, match="must be a string"):
        parse_formula(42, AGENT)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="need actions or statuses"):
        parse_formula("1", Subject.CampaignAction)
    with pytest.raises(ConfigError, match="need actions or statuses"):
        parse_formula("1", "AgentStatus")  # type: ignore[arg-type]


NESTERS = [
    ("(", ")"),
    ("-", ""),
    ("abs(", ")"),
    ("min(1, ", ")"),
]


@pytest.mark.parametrize(("open_", "close"), NESTERS)
def test_nesting_is_bounded(open_: str, close: str) -> None:
    deep = open_ * MAX_NESTING + "1" + close * MAX_NESTING
    assert parse_formula(deep, AGENT).evaluate([]) in (1.0, -1.0)
    deeper = open_ * (MAX_NESTING + 1) + "1" + close * (MAX_NESTING + 1)
    with pytest.raises(ConfigError, match=f"nested deeper than {MAX_NESTING}"):
        parse_formula(deeper, AGENT)


def test_negation_nesting_is_bounded() -> None:
    deep = "if(" + "~" * MAX_NESTING + "(1 < 2), 1, 0)"
    with pytest.raises(ConfigError, match="nested deeper"):
        parse_formula(deep, AGENT)
    ok = "if(" + "~" * (MAX_NESTING - 2) + "1 < 2, 1, 0)"
    assert parse_formula(ok, AGENT).evaluate([]) == 1.0


def test_long_chains_do_not_nest() -> None:
    text = " + ".join(["TotalNumber(CallInbound)"] * 500)
    formula = parse_formula(text, AGENT)
    assert len(formula.terms) == 1
    assert formula.evaluate([1]) == 500.0
    assert parse_formula(formula.text, AGENT) == formula


# -- property: rendered random trees evaluate like a direct Python evaluation -----

# Terms of the property: several spellings of each, and the key of its value.
TERM_SPELLINGS: dict[str, list[str]] = {
    "handle": [
        "TotalTime(CallInbound, CallOnHold)",
        "TotalTime(CallOnHold,CallInbound)",
        "TotalTime( CallInbound , CallOnHold , CallInbound )",
    ],
    "calls": ["TotalNumber(CallInbound)", "TotalNumber( CallInbound )"],
    "login": [
        "TotalTime(*, ~LoggedOut, ~NotMonitored)",
        "TotalTime(~LoggedOut,*,~LoggedOut,~NotMonitored)",
    ],
    "sl": ['TotalNumberInTimeRange(WaitForNextCall; "SL")'],
    "oldest": ["CurrentMaxTime(NotReadyForNextCall)"],
}
TERM_KEYS: dict[Term, str] = {
    parse_formula(spellings[0], AGENT).terms[0]: key for key, spellings in TERM_SPELLINGS.items()
}

Tree = tuple[Any, ...]

#: term values: zeros (for x / 0), huge ones (for overflow), non-finite ones
#: (counted as 0) and one arbitrary float per example
VALUE_POOL = [0, 1, 2, 0.0, -0.0, -1.0, 3.5, 7, 60, 0.1, 1e308, -1e308, math.inf, math.nan]
LITERALS = [0.0, 1.0, 2.0, 3.0, 7.0, 60.0, 100.0, 3600.0, 0.5, 0.25, 2.5, 1.5e-3, 0.1, 123.456]
LITERALS += [1e16, 1e308]
NUMBER_KINDS = ["bin", "bin", "bin", "neg", "abs", "min", "max", "round", "if", "if"]
ARITH = ["+", "-", "*", "/"]
COMPARE = ["<", "<=", ">", ">=", "=", "==", "!=", "<"]


class Choices:
    """Decodes one big integer into a stream of choices: one draw builds a whole tree.

    Drawing every node separately makes hypothesis spend most of the test in
    data generation; one integer is one draw and shrinks towards 0, where
    every choice is 0 (a leaf). Each choice takes the integer modulo ``n``
    and divides it by ``n``; ``cycle=True`` starts over at the end.
    """

    def __init__(self, seed: int, *, cycle: bool = False) -> None:
        self._seed = seed
        self._left = seed
        self._cycle = cycle

    @property
    def done(self) -> bool:
        return self._left == 0 and not (self._cycle and self._seed)

    def pick(self, n: int) -> int:
        if self._left == 0:
            if self.done:
                return 0
            self._left = self._seed
        self._left, value = divmod(self._left, n)
        return value


def build_number(c: Choices, depth: int = 4) -> Tree:
    """A number tree at most ``depth`` operators deep (a leaf one time in four)."""
    if depth <= 0 or c.done or c.pick(4) == 0:
        if c.pick(2) == 0:
            return ("num", LITERALS[c.pick(len(LITERALS))])
        return ("term", sorted(TERM_SPELLINGS)[c.pick(len(TERM_SPELLINGS))])
    kind = NUMBER_KINDS[c.pick(len(NUMBER_KINDS))]
    below = depth - 1
    if kind == "bin":
        return ("bin", ARITH[c.pick(4)], build_number(c, below), build_number(c, below))
    if kind in ("neg", "abs"):
        return (kind, build_number(c, below))
    if kind in ("min", "max"):
        return (kind, tuple(build_number(c, below) for _ in range(2 + c.pick(2))))
    if kind == "round":
        return ("round", build_number(c, below), c.pick(8) - 3)
    return ("if", build_condition(c, below), build_number(c, below), build_number(c, below))


def build_condition(c: Choices, depth: int) -> Tree:
    """A condition tree: comparisons of numbers joined by &, | and ~."""
    if depth <= 0 or c.done or c.pick(3) == 0:
        below = max(depth - 1, 0)
        op = COMPARE[c.pick(len(COMPARE))]
        return ("cmp", op, build_number(c, below), build_number(c, below))
    kind = ["and", "or", "not"][c.pick(3)]
    if kind == "not":
        return ("not", build_condition(c, depth - 1))
    return (kind, build_condition(c, depth - 1), build_condition(c, depth - 1))


#: a few 32-bit words make one seed: each word is one draw (one per node
#: would be slow), and they shrink towards 0, towards smaller trees
SEEDS = st.lists(st.integers(0, 2**32 - 1), min_size=2, max_size=12).map(
    lambda words: sum(w << (32 * i) for i, w in enumerate(words))
)
TREES = SEEDS.map(lambda seed: build_number(Choices(seed)))
GAPS = ["", " ", "  ", "\t", "\n "]
CASES = [str.lower, str.upper, str.capitalize]


def _finite(x: float) -> float:
    return x if math.isfinite(x) else 0.0


def reference(tree: Tree, values: dict[str, float]) -> float:
    """The semantics, written as plainly as possible."""
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "term":
        return _finite(float(values[tree[1]]))
    if kind == "neg":
        return -reference(tree[1], values)
    if kind == "abs":
        return abs(reference(tree[1], values))
    if kind in ("min", "max"):
        args = [reference(a, values) for a in tree[1]]
        return min(args) if kind == "min" else max(args)
    if kind == "round":
        x = reference(tree[1], values)
        with localcontext() as context:
            context.prec = 400
            exact = Decimal(repr(x)).quantize(Decimal(f"1e{-tree[2]}"), rounding=ROUND_HALF_UP)
        return _finite(float(exact))
    if kind == "if":
        return reference(tree[2] if holds(tree[1], values) else tree[3], values)
    op, a, b = tree[1], reference(tree[2], values), reference(tree[3], values)
    if op == "/":
        return 0.0 if b == 0 else _finite(a / b)
    return _finite({"+": a + b, "-": a - b, "*": a * b}[op])


def holds(tree: Tree, values: dict[str, float]) -> bool:
    kind = tree[0]
    if kind == "not":
        return not holds(tree[1], values)
    if kind == "and":
        return holds(tree[1], values) and holds(tree[2], values)
    if kind == "or":
        return holds(tree[1], values) or holds(tree[2], values)
    op, a, b = tree[1], reference(tree[2], values), reference(tree[3], values)
    return {
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
        "=": a == b,
        "==": a == b,
        "!=": a != b,
    }[op]


def nesting(tree: Tree) -> int:
    """How deep the parser counts the rendering below (parentheses, '-', '~', calls)."""
    kind = tree[0]
    children: list[Tree]
    if kind in ("num", "term"):
        return 0
    if kind in ("neg", "abs", "not", "round"):
        children = [tree[1]]
    elif kind in ("min", "max"):
        children = list(tree[1])
    elif kind == "if":
        children = [tree[1], tree[2], tree[3]]
    elif kind in ("and", "or"):
        children = [tree[1], tree[2]]
    else:  # bin, cmp
        children = [tree[2], tree[3]]
    step = 2 if kind in ("neg", "not") else 1  # "-(" and "~(" are two levels
    return step + max(nesting(c) for c in children)


def render(tree: Tree, style: int) -> str:
    """Text for ``tree``: every compound operand in parentheses, spacing and case from ``style``."""
    choices = Choices(style, cycle=True)

    def space() -> str:
        return GAPS[choices.pick(len(GAPS))]

    def name(word: str) -> str:
        return CASES[choices.pick(len(CASES))](word)

    def pick(options: Sequence[str]) -> str:
        return options[choices.pick(len(options))]

    def group(text: str) -> str:
        return f"({space()}{text}{space()})"

    def number(value: float) -> str:
        if value.is_integer() and value < 1e15:
            return pick([str(int(value)), f"{int(value)}.0"])
        return repr(value)

    def go(t: Tree) -> str:
        kind = t[0]
        if kind == "num":
            return number(t[1])
        if kind == "term":
            return pick(TERM_SPELLINGS[t[1]])
        if kind == "neg":
            return "-" + space() + group(go(t[1]))
        if kind == "bin":
            return group(go(t[2])) + space() + t[1] + space() + group(go(t[3]))
        if kind in ("abs", "min", "max"):
            args = [t[1]] if kind == "abs" else list(t[1])
            inside = ("," + space()).join(go(a) for a in args)
            return f"{name(kind)}({space()}{inside}{space()})"
        if kind == "round":
            return f"{name('round')}({go(t[1])},{space()}{t[2]})"
        if kind == "if":
            return f"{name('if')}({cond(t[1])},{space()}{go(t[2])},{space()}{go(t[3])})"
        raise AssertionError(kind)

    def cond(t: Tree) -> str:
        kind = t[0]
        if kind == "not":
            return "~" + space() + group(cond(t[1]))
        if kind in ("and", "or"):
            op = "&" if kind == "and" else "|"
            return group(cond(t[1])) + space() + op + space() + group(cond(t[2]))
        return group(go(t[2])) + space() + t[1] + space() + group(go(t[3]))

    return go(tree)


@settings(max_examples=100, deadline=None)
@given(
    tree=TREES,
    style=st.integers(0, 2**64),
    free=st.floats(-1e6, 1e6),
    picks=st.integers(0, 2**64),
)
def test_rendered_trees_evaluate_like_python(
    tree: Tree, style: int, free: float, picks: int
) -> None:
    assume(nesting(tree) <= MAX_NESTING)
    text = render(tree, style)
    formula = parse_formula(text, AGENT)
    canonical = parse_formula(formula.text, AGENT)
    assert canonical == formula
    assert canonical.text == formula.text
    assert canonical.terms == formula.terms
    assert canonical.root == formula.root
    keys = sorted(TERM_SPELLINGS)
    pool = [*VALUE_POOL, free]
    choices = Choices(picks)
    for _ in range(3):
        values = {key: pool[choices.pick(len(pool))] for key in keys}
        given_values = [values[TERM_KEYS[term]] for term in formula.terms]
        expected = reference(tree, values) + 0.0
        got = formula.evaluate(given_values)
        assert math.isfinite(got)
        assert same(got, expected), (text, values, got, expected)
        assert same(canonical.evaluate(given_values), expected)
