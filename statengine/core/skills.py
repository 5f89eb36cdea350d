"""Virtual agent group scripts: parse once, evaluate on every skill or login change.

A *virtual agent group* (``shared/DOMAIN.md`` §10.2) has no member list: its
option ``[virtual] script`` holds a boolean expression over an agent's skills
and logins, and the members are the agents for which it is true. Membership
is recomputed live whenever an agent's skills or logins change, so the work is
split in two:

* :func:`parse_skill_expression` runs once per script (config load or
  change). A hand-written tokenizer and recursive-descent parser build an AST
  of frozen attrs nodes and refuse bad scripts with a
  :class:`~statengine.errors.ConfigError` that names the column.
* :meth:`SkillExpression.evaluate` runs on the hot path. The AST is compiled
  into a tree of small closures when the expression is built, so evaluating
  is a handful of plain calls: no tree walk, no allocation.

:attr:`SkillExpression.skills` and :attr:`SkillExpression.logins` list every
name a script mentions, so the engine can index skill -> groups and
queue/switch -> groups and re-evaluate only the groups a change can affect.

Rules this module keeps:

* sans-IO: stdlib and attrs only; no I/O, no clock, no randomness, and no
  ``eval``: the grammar below is all a script can do.
* The words of the language (``Skill``, ``SkillExists``, ``LoggedIn``,
  ``AND``, ``OR``, ``NOT``) are case-insensitive; names in quotes are
  case-sensitive and kept exactly as written.
* ``LoggedIn`` arguments reach the caller raw. Stat Server first tries the
  argument as a switch name and only then as ``Queue@Switch`` (DOMAIN.md
  §10.2); only the engine knows which switches exist, so it decides.

Grammar (EBNF; whitespace, newlines included, may separate any two tokens)::

    expression   = or_expr , END ;
    or_expr      = and_expr , { ( "|" | "OR" ) , and_expr } ;
    and_expr     = not_expr , { ( "&" | "AND" ) , not_expr } ;
    not_expr     = ( "~" | "NOT" ) , not_expr | primary ;
    primary      = "(" , or_expr , ")" | skill_cmp | skill_exists | logged_in ;
    skill_cmp    = "Skill" , "(" , string , ")" , compare_op , integer ;
    skill_exists = "SkillExists" , "(" , string , ")" ;
    logged_in    = "LoggedIn" , "(" , string , ")" ;
    compare_op   = "=" | "==" | "!=" | ">=" | "<=" | ">" | "<" ;
    integer      = [ "-" ] , digit , { digit } ;          (* ASCII digits *)
    string       = '"' , char , { char } , '"' ;          (* never empty *)
    char         = ? any character but '"', '\\' and newline ?
                 | '\\"' | '\\\\' ;                       (* the only escapes *)

Precedence, tightest first: ``~``, ``&``, ``|``. A chain of one operator is
one node (``a & b & c`` is an :class:`And` of three operands); parentheses
only group. Parentheses and ``~`` nest at most :data:`MAX_NESTING` deep, so a
hostile script cannot exhaust the Python stack.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Iterator, Mapping
from typing import TypeAlias, cast

import attrs

from statengine.errors import ConfigError

__all__ = [
    "MAX_NESTING",
    "And",
    "CompareOp",
    "LoggedIn",
    "Node",
    "Not",
    "Or",
    "SkillCompare",
    "SkillExists",
    "SkillExpression",
    "parse_skill_expression",
]

#: How deep parentheses and ``~`` may nest. Real scripts stay under five
#: levels; the bound keeps parsing, compiling and evaluating far from
#: Python's recursion limit.
MAX_NESTING = 32


# ---------------------------------------------------------------------------
# AST
# ---------------------------------------------------------------------------


class CompareOp(enum.Enum):
    """The comparison in ``Skill("Name") <op> <int>``; values are canonical spellings."""

    #: level equals (written ``=`` or ``==``)
    EQ = "="
    #: level differs (the agent must still have the skill)
    NE = "!="
    #: level at least
    GE = ">="
    #: level at most
    LE = "<="
    #: level above
    GT = ">"
    #: level below
    LT = "<"


#: Spellings accepted in a script, longest first so ``>=`` is never read as ``>``.
_OPERATOR_SPELLINGS: tuple[tuple[str, CompareOp], ...] = (
    ("==", CompareOp.EQ),
    ("!=", CompareOp.NE),
    (">=", CompareOp.GE),
    ("<=", CompareOp.LE),
    ("=", CompareOp.EQ),
    (">", CompareOp.GT),
    ("<", CompareOp.LT),
)

_COMPARE: dict[CompareOp, Callable[[int, int], bool]] = {
    CompareOp.EQ: operator.eq,
    CompareOp.NE: operator.ne,
    CompareOp.GE: operator.ge,
    CompareOp.LE: operator.le,
    CompareOp.GT: operator.gt,
    CompareOp.LT: operator.lt,
}


@attrs.frozen(kw_only=True)
class SkillCompare:
    """``Skill("name") <op> level``: the agent has ``name`` at a level satisfying ``op``."""

    #: skill name, case-sensitive
    name: str
    op: CompareOp
    #: the integer on the right-hand side
    level: int


@attrs.frozen(kw_only=True)
class SkillExists:
    """``SkillExists("name")``: the agent has ``name`` at any level."""

    #: skill name, case-sensitive
    name: str


@attrs.frozen(kw_only=True)
class LoggedIn:
    """``LoggedIn("target")``: the agent is logged in to a switch or ``Queue@Switch``."""

    #: the argument exactly as written; the engine decides what it names
    target: str


@attrs.frozen(kw_only=True)
class Not:
    """``~operand``."""

    operand: Node


@attrs.frozen(kw_only=True)
class And:
    """``a & b & ...``: all operands hold (evaluated left to right, short-circuit)."""

    #: two or more operands, in script order
    operands: tuple[Node, ...] = attrs.field(validator=attrs.validators.min_len(2))


@attrs.frozen(kw_only=True)
class Or:
    """``a | b | ...``: some operand holds (evaluated left to right, short-circuit)."""

    #: two or more operands, in script order
    operands: tuple[Node, ...] = attrs.field(validator=attrs.validators.min_len(2))


#: Any node of a parsed script.
Node: TypeAlias = SkillCompare | SkillExists | LoggedIn | Not | And | Or

_Skills: TypeAlias = Mapping[str, int]
_LoginTest: TypeAlias = Callable[[str], bool]
_Predicate: TypeAlias = Callable[[_Skills, _LoginTest], bool]


def _walk(root: Node) -> Iterator[Node]:
    """Yield every node under ``root`` (iteratively: no recursion limit)."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Not):
            stack.append(node.operand)
        elif isinstance(node, And | Or):
            stack.extend(node.operands)


def _compile(node: Node) -> _Predicate:
    """Turn ``node`` into a closure; the hot path then makes only plain calls."""
    match node:
        case SkillCompare(name=name, op=op, level=level):
            compare = _COMPARE[op]

            def skill_compare(skills: _Skills, logged_in: _LoginTest) -> bool:
                have = skills.get(name)
                return have is not None and compare(have, level)

            return skill_compare
        case SkillExists(name=name):

            def skill_exists(skills: _Skills, logged_in: _LoginTest) -> bool:
                return name in skills

            return skill_exists
        case LoggedIn(target=target):

            def is_logged_in(skills: _Skills, logged_in: _LoginTest) -> bool:
                return logged_in(target)

            return is_logged_in
        case Not(operand=operand):
            inner = _compile(operand)

            def negate(skills: _Skills, logged_in: _LoginTest) -> bool:
                return not inner(skills, logged_in)

            return negate
        case And(operands=operands):
            parts = tuple(_compile(o) for o in operands)
            if len(parts) == 2:
                first, second = parts

                def both(skills: _Skills, logged_in: _LoginTest) -> bool:
                    return first(skills, logged_in) and second(skills, logged_in)

                return both

            def every(skills: _Skills, logged_in: _LoginTest) -> bool:
                # a loop, not all(<generator>): no generator object per call
                for part in parts:  # noqa: SIM110
                    if not part(skills, logged_in):
                        return False
                return True

            return every
        case Or(operands=operands):
            parts = tuple(_compile(o) for o in operands)
            if len(parts) == 2:
                first, second = parts

                def either(skills: _Skills, logged_in: _LoginTest) -> bool:
                    return first(skills, logged_in) or second(skills, logged_in)

                return either

            def some(skills: _Skills, logged_in: _LoginTest) -> bool:
                for part in parts:  # noqa: SIM110 (no generator per call)
                    if part(skills, logged_in):
                        return True
                return False

            return some
    raise TypeError(f"not a skill expression node: {node!r}")  # pragma: no cover


@attrs.frozen(kw_only=True)
class SkillExpression:
    """A parsed virtual agent group script, ready to evaluate many times.

    Build it with :func:`parse_skill_expression`; building it directly from a
    ``root`` also works (tests, programmatic groups). Two expressions are equal
    when their text and AST are; the derived fields do not take part. The
    compiled closure cannot be pickled: snapshot :attr:`text` and parse again.
    """

    #: the script as written, for messages and for writing the config back
    text: str
    #: the AST
    root: Node
    #: every skill name a ``Skill`` or ``SkillExists`` term mentions: the
    #: engine indexes skill -> groups with it, so a skill change re-evaluates
    #: only the groups that mention that skill
    skills: frozenset[str] = attrs.field(init=False, eq=False)
    #: every ``LoggedIn`` argument, raw: the index queue/switch -> groups
    logins: frozenset[str] = attrs.field(init=False, eq=False)
    _predicate: _Predicate = attrs.field(init=False, eq=False, repr=False)

    @skills.default
    def _skills_default(self) -> frozenset[str]:
        return frozenset(
            n.name for n in _walk(self.root) if isinstance(n, SkillCompare | SkillExists)
        )

    @logins.default
    def _logins_default(self) -> frozenset[str]:
        return frozenset(n.target for n in _walk(self.root) if isinstance(n, LoggedIn))

    @_predicate.default
    def _predicate_default(self) -> _Predicate:
        return _compile(self.root)

    def evaluate(self, skills: Mapping[str, int], logged_in: Callable[[str], bool]) -> bool:
        """Tell whether an agent with these skills and logins belongs to the group.

        Args:
            skills: the agent's skills, name -> level; names are case-sensitive.
            logged_in: called with a ``LoggedIn`` argument exactly as written
                (``"Switch"`` or ``"Queue@Switch"``); the engine resolves it,
                trying a switch name first as Stat Server does. It is called
                only when the result depends on it (``&``/``|`` short-circuit
                left to right), so it should have no side effects.

        Returns:
            Whether the script holds.

        A ``Skill("X") <op> n`` term is False when the agent lacks skill X,
        whatever ``<op>`` is -- including ``!=``: ``Skill("X") != 3`` reads
        "has X at a level other than 3". A missing skill is not level 0 either;
        an agent without X never satisfies ``Skill("X") < 5``. This keeps a
        group from silently filling with every agent who lacks a skill; write
        ``~SkillExists("X") | Skill("X") != 3`` to include them on purpose.
        """
        return self._predicate(skills, logged_in)


# ---------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------


class _Kind(enum.Enum):
    LPAREN = enum.auto()
    RPAREN = enum.auto()
    AND = enum.auto()
    OR = enum.auto()
    NOT = enum.auto()
    OP = enum.auto()
    INT = enum.auto()
    STRING = enum.auto()
    NAME = enum.auto()
    END = enum.auto()


_PUNCTUATION = {
    "(": _Kind.LPAREN,
    ")": _Kind.RPAREN,
    "&": _Kind.AND,
    "|": _Kind.OR,
    "~": _Kind.NOT,
}

_KEYWORDS = {"and": _Kind.AND, "or": _Kind.OR, "not": _Kind.NOT}

#: function name, lowercased -> canonical spelling
_FUNCTIONS = {"skill": "Skill", "skillexists": "SkillExists", "loggedin": "LoggedIn"}

_ESCAPABLE = '"\\'


@attrs.frozen
class _Token:
    kind: _Kind
    #: the token as written (with quotes for strings), for messages
    text: str
    #: 1-based column of the first character
    column: int
    #: decoded value: name or string contents, integer, operator
    value: str | int | CompareOp | None = None


def _error(
    text: str, column: int, problem: str, *, expected: str, found: str | None
) -> ConfigError:
    return ConfigError(f"{problem} at column {column} in {text!r}", expected=expected, found=found)


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _scan_string(text: str, start: int) -> tuple[_Token, int]:
    """Read the string opening at ``text[start]``; return it and the index after it."""
    chars: list[str] = []
    i = start + 1
    while i < len(text) and text[i] not in '"\n':
        ch = text[i]
        if ch == "\\":
            escaped = text[i + 1 : i + 2]
            if escaped in ("", "\n"):
                break  # unterminated, reported below
            if escaped not in _ESCAPABLE:
                raise _error(
                    text,
                    i + 1,
                    f"unknown escape {text[i : i + 2]!r} in string",
                    expected='\\" or \\\\',
                    found=text[i : i + 2],
                )
            chars.append(escaped)
            i += 2
        else:
            chars.append(ch)
            i += 1
    if i >= len(text) or text[i] != '"':
        raise _error(
            text,
            start + 1,
            "unterminated string",
            expected='a closing " on the same line',
            found=text[start:i],
        )
    return _Token(_Kind.STRING, text[start : i + 1], start + 1, "".join(chars)), i + 1


def _tokenize(text: str) -> list[_Token]:
    """Split ``text`` into tokens, ending with one ``END`` token."""
    tokens: list[_Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        column = i + 1
        if ch.isspace():
            i += 1
        elif ch in _PUNCTUATION:
            tokens.append(_Token(_PUNCTUATION[ch], ch, column))
            i += 1
        elif ch == '"':
            token, i = _scan_string(text, i)
            tokens.append(token)
        elif ch in "=!<>":
            for spelling, op in _OPERATOR_SPELLINGS:
                if text.startswith(spelling, i):
                    tokens.append(_Token(_Kind.OP, spelling, column, op))
                    i += len(spelling)
                    break
            else:  # a lone "!"
                raise _error(
                    text, column, f"unexpected character {ch!r}", expected="'!='", found=ch
                )
        elif _is_digit(ch) or (ch == "-" and _is_digit(text[i + 1 : i + 2])):
            j = i + 1
            while j < n and _is_digit(text[j]):
                j += 1
            tokens.append(_Token(_Kind.INT, text[i:j], column, int(text[i:j])))
            i = j
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i + 1
            while j < n and _is_word_char(text[j]):
                j += 1
            word = text[i:j]
            tokens.append(_Token(_KEYWORDS.get(word.lower(), _Kind.NAME), word, column, word))
            i = j
        else:
            raise _error(
                text,
                column,
                f"unexpected character {ch!r}",
                expected="a term, an operator or a parenthesis",
                found=ch,
            )
    tokens.append(_Token(_Kind.END, "", n + 1))
    return tokens


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------

_TERM = "a term: Skill(...), SkillExists(...), LoggedIn(...), '~' or '('"
_COMPARE_OPS = "a comparison operator (=, !=, >=, <=, >, <)"


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    __slots__ = ("_depth", "_pos", "_text", "_tokens")

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self._text = text
        self._tokens = tokens
        self._pos = 0
        self._depth = 0

    def parse(self) -> Node:
        if self._peek().kind is _Kind.END:
            raise _error(self._text, 1, "empty expression", expected=_TERM, found=None)
        node = self._or_expr()
        self._expect(_Kind.END, "'&', '|' or end of expression")
        return node

    # -- helpers -----------------------------------------------------------

    def _peek(self) -> _Token:
        return self._tokens[self._pos]

    def _advance(self) -> _Token:
        token = self._tokens[self._pos]
        if token.kind is not _Kind.END:
            self._pos += 1
        return token

    def _unexpected(self, token: _Token, expected: str) -> ConfigError:
        if token.kind is _Kind.END:
            what, found = "end of expression", None
        else:
            what, found = repr(token.text), token.text
        return _error(
            self._text, token.column, f"unexpected {what}", expected=expected, found=found
        )

    def _expect(self, kind: _Kind, expected: str) -> _Token:
        token = self._peek()
        if token.kind is not kind:
            raise self._unexpected(token, expected)
        return self._advance()

    def _enter(self, token: _Token) -> None:
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise _error(
                self._text,
                token.column,
                f"expression nested deeper than {MAX_NESTING} levels",
                expected=f"at most {MAX_NESTING} nested '(' or '~'",
                found=token.text,
            )

    # -- grammar rules -----------------------------------------------------

    def _or_expr(self) -> Node:
        operands = [self._and_expr()]
        while self._peek().kind is _Kind.OR:
            self._advance()
            operands.append(self._and_expr())
        return operands[0] if len(operands) == 1 else Or(operands=tuple(operands))

    def _and_expr(self) -> Node:
        operands = [self._not_expr()]
        while self._peek().kind is _Kind.AND:
            self._advance()
            operands.append(self._not_expr())
        return operands[0] if len(operands) == 1 else And(operands=tuple(operands))

    def _not_expr(self) -> Node:
        token = self._peek()
        if token.kind is not _Kind.NOT:
            return self._primary()
        self._advance()
        self._enter(token)
        operand = self._not_expr()
        self._depth -= 1
        return Not(operand=operand)

    def _primary(self) -> Node:
        token = self._peek()
        if token.kind is _Kind.LPAREN:
            self._advance()
            self._enter(token)
            node = self._or_expr()
            self._expect(_Kind.RPAREN, "'&', '|' or ')'")
            self._depth -= 1
            return node
        if token.kind is _Kind.NAME:
            return self._call()
        raise self._unexpected(token, _TERM)

    def _call(self) -> Node:
        token = self._advance()
        function = _FUNCTIONS.get(token.text.lower())
        if function is None:
            raise _error(
                self._text,
                token.column,
                f"unknown function {token.text!r}",
                expected="Skill, SkillExists or LoggedIn",
                found=token.text,
            )
        self._expect(_Kind.LPAREN, f"'(' after {function}")
        argument = self._expect(_Kind.STRING, 'a quoted name such as "Spanish"')
        self._expect(_Kind.RPAREN, "')'")
        name = str(argument.value)
        if not name:
            raise _error(
                self._text,
                argument.column,
                f"empty name in {function}()",
                expected="a non-empty name",
                found=argument.text,
            )
        if function == "SkillExists":
            return SkillExists(name=name)
        if function == "LoggedIn":
            return LoggedIn(target=name)
        op = cast(CompareOp, self._expect(_Kind.OP, _COMPARE_OPS).value)
        level = cast(int, self._expect(_Kind.INT, "an integer level").value)
        return SkillCompare(name=name, op=op, level=level)


def parse_skill_expression(text: str) -> SkillExpression:
    """Parse a virtual agent group script (grammar in the module docstring).

    Args:
        text: the value of the group's ``[virtual] script`` option.

    Returns:
        The compiled expression; keep it for as long as the script is unchanged.

    Raises:
        ConfigError: the script is not a string or breaks the grammar. The
            message shows what was unexpected, the 1-based column and the
            script, e.g. ``unexpected ')' at column 17 in 'Skill("A") >= 5 )'``;
            ``expected`` says what would have been accepted and ``found`` the
            offending text (None at the end of the script). The config layer
            adds the option's path when it re-raises.
    """
    if not isinstance(text, str):
        raise ConfigError(
            "a virtual group script must be a string", expected="a string", found=text
        )
    root = _Parser(text, _tokenize(text)).parse()
    return SkillExpression(text=text, root=root)
