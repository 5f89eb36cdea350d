"""Virtual agent group scripts: grammar, semantics, errors, and a parse/render round trip."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Mapping

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from statengine.core import skills as skills_module
from statengine.core.skills import (
    MAX_NESTING,
    And,
    CompareOp,
    LoggedIn,
    Node,
    Not,
    Or,
    SkillCompare,
    SkillExists,
    SkillExpression,
    parse_skill_expression,
)
from statengine.errors import ConfigError

# -- builders: keep the tables short -----------------------------------------


def sk(name: str, op: str, level: int) -> SkillCompare:
    return SkillCompare(name=name, op=CompareOp(op), level=level)


def ex(name: str) -> SkillExists:
    return SkillExists(name=name)


def li(target: str) -> LoggedIn:
    return LoggedIn(target=target)


def no(operand: Node) -> Not:
    return Not(operand=operand)


def all_(*operands: Node) -> And:
    return And(operands=operands)


def any_(*operands: Node) -> Or:
    return Or(operands=operands)


def login_set(*targets: str) -> Callable[[str], bool]:
    return frozenset(targets).__contains__


A5 = sk("A", ">=", 5)
B = ex("B")
Q = li("Q@S")

# -- parsing ------------------------------------------------------------------

PARSE_CASES: list[tuple[str, Node]] = [
    ('Skill("A") >= 5', A5),
    ('Skill("A")>=5', A5),
    ('  Skill ( "A" )  >=  5  ', A5),
    ('Skill("A")\n>=\t5', A5),
    ('Skill("A") = 5', sk("A", "=", 5)),
    ('Skill("A") == 5', sk("A", "=", 5)),
    ('Skill("A") != 5', sk("A", "!=", 5)),
    ('Skill("A") <= 5', sk("A", "<=", 5)),
    ('Skill("A") > 5', sk("A", ">", 5)),
    ('Skill("A") < 5', sk("A", "<", 5)),
    ('Skill("A") > -1', sk("A", ">", -1)),
    ('Skill("A") > 007', sk("A", ">", 7)),
    ('SkillExists("B")', B),
    ('LoggedIn("Q@S")', Q),
    ('LoggedIn("SIP_Switch")', li("SIP_Switch")),
    # words are case-insensitive, names are not
    ('skill("a") >= 5', sk("a", ">=", 5)),
    ('SKILLEXISTS("B")', B),
    ('loggedin("q@s")', li("q@s")),
    # names keep every character; \" and \\ are the escapes
    ('SkillExists("Español (MX)")', ex("Español (MX)")),
    ('SkillExists("say \\"hi\\"")', ex('say "hi"')),
    ('SkillExists("a\\\\b")', ex("a\\b")),
    ('SkillExists("A & B | ~C")', ex("A & B | ~C")),
    # combinators and keywords
    ('Skill("A") >= 5 & SkillExists("B")', all_(A5, B)),
    ('Skill("A") >= 5 AND SkillExists("B")', all_(A5, B)),
    ('Skill("A") >= 5 and SkillExists("B")', all_(A5, B)),
    ('Skill("A") >= 5 | SkillExists("B")', any_(A5, B)),
    ('Skill("A") >= 5 Or SkillExists("B")', any_(A5, B)),
    ('~SkillExists("B")', no(B)),
    ('NOT SkillExists("B")', no(B)),
    ('not(SkillExists("B"))', no(B)),
    ('~~SkillExists("B")', no(no(B))),
    ('NOT ~ not SkillExists("B")', no(no(no(B)))),
    ('Skill("A")>=5AND SkillExists("B")', all_(A5, B)),
    # chains are one node; parentheses only group
    ('SkillExists("B") & LoggedIn("Q@S") & Skill("A") >= 5', all_(B, Q, A5)),
    ('SkillExists("B") | LoggedIn("Q@S") | Skill("A") >= 5', any_(B, Q, A5)),
    ('(SkillExists("B") & LoggedIn("Q@S")) & Skill("A") >= 5', all_(all_(B, Q), A5)),
    ('((SkillExists("B")))', B),
    # precedence: ~ binds tighter than &, & tighter than |
    ('SkillExists("B") | LoggedIn("Q@S") & Skill("A") >= 5', any_(B, all_(Q, A5))),
    ('SkillExists("B") & LoggedIn("Q@S") | Skill("A") >= 5', any_(all_(B, Q), A5)),
    ('(SkillExists("B") | LoggedIn("Q@S")) & Skill("A") >= 5', all_(any_(B, Q), A5)),
    ('~SkillExists("B") & LoggedIn("Q@S")', all_(no(B), Q)),
    ('~(SkillExists("B") & LoggedIn("Q@S"))', no(all_(B, Q))),
    ('NOT SkillExists("B") OR LoggedIn("Q@S") AND Skill("A") >= 5', any_(no(B), all_(Q, A5))),
    (
        'SkillExists("B") & LoggedIn("Q@S") | ~Skill("A") >= 5 & SkillExists("C")',
        any_(all_(B, Q), all_(no(A5), ex("C"))),
    ),
]


@pytest.mark.parametrize(("text", "root"), PARSE_CASES)
def test_parse_builds_the_expected_tree(text: str, root: Node) -> None:
    expression = parse_skill_expression(text)
    assert expression.root == root
    assert expression.text == text


@pytest.mark.parametrize(
    ("text", "skills", "logins"),
    [
        ('Skill("A") >= 5', {"A"}, set()),
        ('LoggedIn("Q@S")', set(), {"Q@S"}),
        (
            'Skill("A") > 1 & (SkillExists("B") | ~LoggedIn("S")) | LoggedIn("Q@S")'
            ' & SkillExists("A") & skill("a") = 2',
            {"A", "B", "a"},
            {"S", "Q@S"},
        ),
        ('SkillExists("Q@S") & LoggedIn("B")', {"Q@S"}, {"B"}),
    ],
)
def test_skills_and_logins_name_every_reference_exactly(
    text: str, skills: set[str], logins: set[str]
) -> None:
    expression = parse_skill_expression(text)
    assert expression.skills == frozenset(skills)
    assert expression.logins == frozenset(logins)


def test_expressions_are_values() -> None:
    first = parse_skill_expression('Skill("A") >= 5')
    again = parse_skill_expression('Skill("A") >= 5')
    assert first == again
    assert hash(first) == hash(again)
    assert first != parse_skill_expression('Skill("A")>=5')  # text differs
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.text = "x"  # type: ignore[misc]


def test_built_directly_from_a_tree() -> None:
    """Programmatic groups need no text round trip; derived fields still appear."""
    expression = SkillExpression(text="", root=all_(A5, no(Q)))
    assert expression.skills == {"A"}
    assert expression.logins == {"Q@S"}
    assert expression.evaluate({"A": 5}, login_set())
    assert not expression.evaluate({"A": 5}, login_set("Q@S"))


def test_and_or_need_two_operands() -> None:
    with pytest.raises(ValueError, match="operands"):
        And(operands=(B,))
    with pytest.raises(ValueError, match="operands"):
        Or(operands=())


# -- evaluation ---------------------------------------------------------------

EVAL_CASES: list[tuple[str, Mapping[str, int], frozenset[str], bool]] = [
    ('Skill("A") >= 5', {"A": 5}, frozenset(), True),
    ('Skill("A") >= 5', {"A": 4}, frozenset(), False),
    ('Skill("A") > 5', {"A": 5}, frozenset(), False),
    ('Skill("A") > 5', {"A": 6}, frozenset(), True),
    ('Skill("A") <= 5', {"A": 5}, frozenset(), True),
    ('Skill("A") < 5', {"A": 5}, frozenset(), False),
    ('Skill("A") < 5', {"A": 0}, frozenset(), True),
    ('Skill("A") = 5', {"A": 5}, frozenset(), True),
    ('Skill("A") == 5', {"A": 6}, frozenset(), False),
    ('Skill("A") != 5', {"A": 6}, frozenset(), True),
    ('Skill("A") != 5', {"A": 5}, frozenset(), False),
    ('Skill("A") > -1', {"A": 0}, frozenset(), True),
    # a missing skill fails every comparison, != and < included
    ('Skill("A") >= 5', {}, frozenset(), False),
    ('Skill("A") != 5', {}, frozenset(), False),
    ('Skill("A") < 5', {"B": 1}, frozenset(), False),
    ('Skill("A") = 0', {}, frozenset(), False),
    ('~SkillExists("A") | Skill("A") != 5', {}, frozenset(), True),
    # skill names are case-sensitive
    ('Skill("A") >= 1', {"a": 9}, frozenset(), False),
    ('SkillExists("A")', {"a": 9}, frozenset(), False),
    ('SkillExists("A")', {"A": 0}, frozenset(), True),
    ('SkillExists("A")', {"A": -3}, frozenset(), True),
    ('LoggedIn("Q@S")', {}, frozenset({"Q@S"}), True),
    ('LoggedIn("Q@S")', {}, frozenset({"S"}), False),
    ('LoggedIn("S")', {}, frozenset({"S"}), True),
    ('~LoggedIn("S")', {}, frozenset({"S"}), False),
    # precedence changes the answer: A5 is missing, B and Q hold
    ('SkillExists("B") | LoggedIn("Q@S") & Skill("A") >= 5', {"B": 1}, frozenset(), True),
    ('(SkillExists("B") | LoggedIn("Q@S")) & Skill("A") >= 5', {"B": 1}, frozenset(), False),
    ('~SkillExists("B") & SkillExists("C")', {"C": 1}, frozenset(), True),
    ('~(SkillExists("B") & SkillExists("C"))', {"C": 1, "B": 1}, frozenset(), False),
    ('NOT SkillExists("B") or SkillExists("C")', {"B": 1}, frozenset(), False),
    (
        'SkillExists("A") & SkillExists("B") & SkillExists("C")',
        {"A": 1, "B": 1, "C": 1},
        frozenset(),
        True,
    ),
    (
        'SkillExists("A") & SkillExists("B") & SkillExists("C")',
        {"A": 1, "B": 1},
        frozenset(),
        False,
    ),
    ('SkillExists("A") | SkillExists("B") | SkillExists("C")', {"C": 1}, frozenset(), True),
    ('SkillExists("A") | SkillExists("B") | SkillExists("C")', {"D": 1}, frozenset(), False),
]


@pytest.mark.parametrize(("text", "skills", "logins", "member"), EVAL_CASES)
def test_evaluate(
    text: str, skills: Mapping[str, int], logins: frozenset[str], member: bool
) -> None:
    assert parse_skill_expression(text).evaluate(skills, logins.__contains__) is member


def test_logged_in_receives_the_raw_argument_and_short_circuits() -> None:
    """The engine resolves switch vs Queue@Switch; it sees the text as written."""
    calls: list[str] = []

    def logged_in(target: str) -> bool:
        calls.append(target)
        return target == "SIP"

    expression = parse_skill_expression(
        'LoggedIn("SIP") | LoggedIn("never") & LoggedIn("8001@SIP")'
    )
    assert expression.evaluate({}, logged_in)
    assert calls == ["SIP"]
    calls.clear()
    expression = parse_skill_expression('LoggedIn("8001@SIP") & LoggedIn("SIP")')
    assert not expression.evaluate({}, logged_in)
    assert calls == ["8001@SIP"]


# -- errors -------------------------------------------------------------------

ERROR_CASES: list[tuple[str, str, int]] = [
    ("", "empty expression", 1),
    ("   ", "empty expression", 1),
    ('Skill("A") >= 5 )', "unexpected ')'", 17),
    ('Skill("A") >= 5 SkillExists("B")', "unexpected 'SkillExists'", 17),
    ('Skil("A") >= 5', "unknown function 'Skil'", 1),
    ('SkillExists("A") & Foo("B")', "unknown function 'Foo'", 20),
    ('Skill("A") 5', "unexpected '5'", 12),
    ('Skill("A")', "unexpected end of expression", 11),
    ('Skill("A") >=', "unexpected end of expression", 14),
    ('Skill("A") >= "5"', "unexpected '\"5\"'", 15),
    ('Skill("A") >= five', "unexpected 'five'", 15),
    ('Skill("A") >= -', "unexpected character '-'", 15),
    ('Skill("A") ! 5', "unexpected character '!'", 12),
    ('Skill("A") => 5', "unexpected '>'", 13),
    ('Skill("A) >= 5', "unterminated string", 7),
    ('SkillExists("A\\")', "unterminated string", 13),
    ('SkillExists("A\n") & SkillExists("B")', "unterminated string", 13),
    ('SkillExists("A\\n")', r"unknown escape '\\n' in string", 15),
    ('SkillExists("")', "empty name in SkillExists()", 13),
    ('LoggedIn("")', "empty name in LoggedIn()", 10),
    ("Skill(A) >= 5", "unexpected 'A'", 7),
    ("SkillExists", "unexpected end of expression", 12),
    ('SkillExists "A"', "unexpected '\"A\"'", 13),
    ('SkillExists("A"', "unexpected end of expression", 16),
    ('SkillExists("A", "B")', "unexpected character ','", 16),
    ("()", "unexpected ')'", 2),
    ('(SkillExists("A")', "unexpected end of expression", 18),
    ('SkillExists("A") &', "unexpected end of expression", 19),
    ('SkillExists("A") & | SkillExists("B")', "unexpected '|'", 20),
    ('SkillExists("A") AND OR SkillExists("B")', "unexpected 'OR'", 22),
    ('SkillExists("A") ~ SkillExists("B")', "unexpected '~'", 18),
    ("~", "unexpected end of expression", 2),
    ('SkillExists("A") && SkillExists("B")', "unexpected '&'", 19),
    ('SkillExists("A") $', "unexpected character '$'", 18),
    ("SkillExists(\u201cA\u201d)", "unexpected character '\u201c'", 13),
]


@pytest.mark.parametrize(("text", "problem", "column"), ERROR_CASES)
def test_errors_say_what_and_where(text: str, problem: str, column: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_skill_expression(text)
    message = str(info.value)
    assert message.startswith(f"{problem} at column {column} in {text!r}")
    assert info.value.expected


def test_error_message_example() -> None:
    with pytest.raises(ConfigError) as info:
        parse_skill_expression('Skill("A") >= 5 )')
    assert str(info.value).startswith("unexpected ')' at column 17 in 'Skill(\"A\") >= 5 )'")
    assert info.value.expected == "'&', '|' or end of expression"
    assert info.value.found == ")"


def test_missing_operand_at_end_has_no_found_text() -> None:
    with pytest.raises(ConfigError) as info:
        parse_skill_expression('Skill("A") >=')
    assert info.value.expected == "an integer level"
    assert info.value.found is None


def test_non_string_script_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="must be a string"):
        parse_skill_expression(5)  # type: ignore[arg-type]


def test_nesting_is_bounded() -> None:
    term = 'SkillExists("A")'
    assert parse_skill_expression("(" * MAX_NESTING + term + ")" * MAX_NESTING).root == ex("A")
    nots = parse_skill_expression("~" * MAX_NESTING + term).root
    for _ in range(MAX_NESTING):
        assert isinstance(nots, Not)
        nots = nots.operand
    for text in ("(" * (MAX_NESTING + 1) + term + ")" * (MAX_NESTING + 1), "~" * 5000 + term):
        with pytest.raises(ConfigError, match=f"nested deeper than {MAX_NESTING}"):
            parse_skill_expression(text)


def test_long_flat_chains_are_fine() -> None:
    """Width is not depth: a 2,000-term chain parses and evaluates without recursion."""
    text = " | ".join(f'SkillExists("S{i}")' for i in range(2000))
    expression = parse_skill_expression(text)
    assert len(expression.skills) == 2000
    assert expression.evaluate({"S1999": 1}, login_set())
    assert not expression.evaluate({"X": 1}, login_set())


def test_module_stays_sans_io() -> None:
    """The core imports nothing that reaches the outside world (DESIGN.md)."""
    tree = ast.parse(inspect.getsource(skills_module))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
        elif isinstance(node, ast.Name):
            assert node.id not in {"eval", "exec", "open", "compile", "__import__"}
    allowed = {"__future__", "attrs", "enum", "operator", "collections.abc", "typing"}
    assert imported <= allowed | {"statengine.errors"}


# -- round trip: random tree -> text -> parse -> same tree, same answers ------

NAMES = ["A", "B", "a", "Español", 'say "hi"', "back\\slash", "x y", "Q@S", "S", "&|~()"]
LEVELS = st.integers(min_value=-2, max_value=6)


def leaves() -> st.SearchStrategy[Node]:
    names = st.sampled_from(NAMES)
    return st.one_of(
        st.builds(SkillCompare, name=names, op=st.sampled_from(list(CompareOp)), level=LEVELS),
        st.builds(SkillExists, name=names),
        st.builds(LoggedIn, target=names),
    )


def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    many = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(
        st.builds(Not, operand=children),
        st.builds(And, operands=many),
        st.builds(Or, operands=many),
    )


TREES = st.recursive(leaves(), extend, max_leaves=12)
ENVIRONMENTS = st.tuples(
    st.dictionaries(st.sampled_from(NAMES), st.integers(min_value=-1, max_value=5), max_size=6),
    st.frozensets(st.sampled_from(NAMES), max_size=4),
)

# how tightly a node binds: a child binding less tightly than its parent needs
# parentheses, and so does an And inside an And (or an Or inside an Or), which
# would otherwise merge into one chain
_BINDING = {Or: 1, And: 2, Not: 3}


def binding(node: Node) -> int:
    return _BINDING.get(type(node), 4)


def quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(node: Node, data: st.DataObject, minimum: int = 0) -> str:
    """Write ``node`` as a script, picking spellings, spacing and spare parentheses at random."""
    draw = data.draw
    space = draw(st.sampled_from(["", " ", "  ", "\n"]))
    word_space = draw(st.sampled_from([" ", "\t", "\n "]))

    def word(name: str) -> str:
        return draw(st.sampled_from([name, name.lower(), name.upper()]))

    match node:
        case SkillCompare(name=name, op=op, level=level):
            spelling = "==" if op is CompareOp.EQ and draw(st.booleans()) else op.value
            text = f"{word('Skill')}({space}{quote(name)}{space}){space}{spelling}{space}{level}"
        case SkillExists(name=name):
            text = f"{word('SkillExists')}{space}({quote(name)})"
        case LoggedIn(target=target):
            text = f"{word('LoggedIn')}({space}{quote(target)})"
        case Not(operand=operand):
            sign = draw(st.sampled_from(["~", word("NOT") + word_space]))
            text = sign + render(operand, data, binding(node))
        case And(operands=operands) | Or(operands=operands):
            symbol = "&" if isinstance(node, And) else "|"
            keyword = "AND" if isinstance(node, And) else "OR"
            parts = [render(child, data, binding(node) + 1) for child in operands]
            text = parts[0]
            for part in parts[1:]:
                joiner = draw(st.sampled_from([symbol, f"{word_space}{word(keyword)}{word_space}"]))
                text += f"{space}{joiner}{space}{part}"
    if binding(node) < minimum or draw(st.integers(0, 9)) == 0:
        text = f"({space}{text}{space})"
    return text


def reference(node: Node, skills: Mapping[str, int], logins: frozenset[str]) -> bool:
    """The semantics, written as plainly as possible."""
    if isinstance(node, SkillCompare):
        if node.name not in skills:
            return False
        have = skills[node.name]
        return {
            CompareOp.EQ: have == node.level,
            CompareOp.NE: have != node.level,
            CompareOp.GE: have >= node.level,
            CompareOp.LE: have <= node.level,
            CompareOp.GT: have > node.level,
            CompareOp.LT: have < node.level,
        }[node.op]
    if isinstance(node, SkillExists):
        return node.name in skills
    if isinstance(node, LoggedIn):
        return node.target in logins
    if isinstance(node, Not):
        return not reference(node.operand, skills, logins)
    if isinstance(node, And):
        return all(reference(child, skills, logins) for child in node.operands)
    return any(reference(child, skills, logins) for child in node.operands)


def referenced(node: Node) -> tuple[set[str], set[str]]:
    if isinstance(node, SkillCompare | SkillExists):
        return {node.name}, set()
    if isinstance(node, LoggedIn):
        return set(), {node.target}
    children = [node.operand] if isinstance(node, Not) else list(node.operands)
    skills: set[str] = set()
    logins: set[str] = set()
    for child in children:
        child_skills, child_logins = referenced(child)
        skills |= child_skills
        logins |= child_logins
    return skills, logins


@given(tree=TREES, data=st.data())
def test_round_trip_matches_reference(tree: Node, data: st.DataObject) -> None:
    text = render(tree, data)
    expression = parse_skill_expression(text)
    assert expression.root == tree
    skills, logins = referenced(tree)
    assert expression.skills == skills
    assert expression.logins == logins
    for agent_skills, agent_logins in data.draw(st.lists(ENVIRONMENTS, min_size=1, max_size=8)):
        expected = reference(tree, agent_skills, agent_logins)
        assert expression.evaluate(agent_skills, agent_logins.__contains__) is expected
