"""Filters: parse a ``[filters]`` condition once, test it on every action.

A *filter* (``shared/DOMAIN.md`` §10.1) restricts which actions feed a
statistic: the stat type (or the request) names a filter of the ``[filters]``
section, ``Name = "<condition>"``, and only actions whose data satisfy the
condition count. The condition is evaluated for every action that reaches a
filtered statistic, so the work is split in two, as for virtual agent group
scripts (:mod:`statengine.core.skills`):

* :func:`parse_filter` runs once per filter (config load or change). A
  hand-written tokenizer and recursive-descent parser build an AST of frozen
  attrs nodes and refuse bad conditions with a
  :class:`~statengine.errors.ConfigError` that names the column.
* :meth:`Filter.matches` runs on the hot path. The AST is compiled into a
  tree of small closures when the filter is built, so matching is a handful
  of plain calls: no tree walk, no allocation.

:attr:`Filter.text` is the *canonical* text: the condition rewritten from its
AST with one spelling per word (``&``, ``|``, ``~``, ``PairExists``, ``DNIS``
...), one space around binary operators, values always quoted and only the
parentheses the tree needs. Two conditions that differ only in spacing,
letter case of words, keywords (``AND`` vs ``&``), ``==`` vs ``=``, quoting of
numbers or redundant parentheses have the same canonical text, and it is part
of a statistic's identity: a restored backup is dropped when it changed
(DOMAIN §10.6 item 10). Parsing the canonical text gives back the same AST.

What the words read from an :class:`~statengine.core.actions.Action` is in
the tables :data:`FIELD_ATTRIBUTES`, :data:`KEYED_ATTRIBUTES` and
:data:`DATA_SOURCES` below; code, docs and tests all read them.

Rules this module keeps:

* sans-IO: stdlib and attrs only; no I/O, no clock, no randomness, and no
  ``eval``: the grammar below is all a condition can do.
* Words (functions, attributes, ``UserData``/``Reasons``, ``AND``/``OR``/
  ``NOT``) are case-insensitive; keys and values in quotes are case-sensitive
  and kept exactly as written -- except that ``MediaType`` compares without
  regard to case (media type names are business attribute values, and
  ``"Email"`` and ``"email"`` name the same one).
* Values compare as strings: a user data or reason value stored as the
  integer ``5`` equals ``"5"`` (``str(value) == "5"``), and an unquoted number
  in a condition (``DNIS = 1234``) means the string of its digits as written
  (``DNIS = 007`` is ``DNIS = "007"``).
* ``A != v`` is exactly ``~(A = v)``: it holds when the attribute is absent
  too (an action without user data satisfies ``CustomerID != "X"``). Write
  ``KeyExists(UserData, "CustomerID") & CustomerID != "X"`` to require it.
* The engine owns the time semantics of DOMAIN §10.1 (durable actions timed
  only while the condition holds, retrospective ones tested at completion);
  this module only answers "does this action's data satisfy the condition".

Grammar (EBNF; whitespace, newlines included, may separate any two tokens)::

    filter       = or_expr , END ;
    or_expr      = and_expr , { ( "|" | "OR" ) , and_expr } ;
    and_expr     = not_expr , { ( "&" | "AND" ) , not_expr } ;
    not_expr     = ( "~" | "NOT" ) , not_expr | primary ;
    primary      = "(" , or_expr , ")"
                 | pair_exists | key_exists | user_data_cmp | comparison ;
    pair_exists  = "PairExists" , "(" , source , "," , key , "," , value , ")" ;
    key_exists   = "KeyExists" , "(" , source , "," , key , ")" ;
    user_data_cmp = "UserData" , "(" , key , ")" , equality , value ;
    comparison   = attribute , equality , value ;
    source       = "UserData" | "Reasons" ;
    attribute    = "DNIS" | "ANI" | "MediaType" | "ThisQueue" | "CustomerID"
                 | "ReasonCode" | "ExtensionReasonCode" | "TreatmentType" ;
    equality     = "=" | "==" | "!=" ;
    key          = string ;                               (* never empty *)
    value        = string | number ;                      (* may be empty *)
    number       = [ "-" ] , digit , { digit } ;          (* ASCII digits *)
    string       = '"' , { char } , '"' ;
    char         = ? any character but '"', '\\' and newline ?
                 | '\\"' | '\\\\' ;                       (* the only escapes *)

Precedence, tightest first: ``~``, ``&``, ``|``. A chain of one operator is
one node (``a & b & c`` is an :class:`And` of three operands); parentheses
only group. Parentheses and ``~`` nest at most :data:`MAX_NESTING` deep, so a
hostile condition cannot exhaust the Python stack.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Final, TypeAlias, TypeVar

import attrs

from statengine.core.actions import Action
from statengine.errors import ConfigError

__all__ = [
    "DATA_SOURCES",
    "FIELD_ATTRIBUTES",
    "KEYED_ATTRIBUTES",
    "MAX_NESTING",
    "And",
    "Attribute",
    "Compare",
    "CompareOp",
    "DataSource",
    "Filter",
    "KeyExists",
    "Node",
    "Not",
    "Or",
    "PairExists",
    "UserDataCompare",
    "load_filters",
    "parse_filter",
]

#: How deep parentheses and ``~`` may nest. Real filters stay under five
#: levels; the bound keeps parsing, compiling and matching far from Python's
#: recursion limit.
MAX_NESTING: Final = 32


# ---------------------------------------------------------------------------
# Vocabulary: what each word reads from an action
# ---------------------------------------------------------------------------


class DataSource(enum.Enum):
    """The key-value data of an action that ``PairExists``/``KeyExists`` look into.

    Values are the canonical spellings.
    """

    #: attached data of the interaction (T-Library ``UserData``)
    UserData = "UserData"
    #: reasons of the action, e.g. a NotReady ``ReasonCode`` (DOMAIN §10.3)
    Reasons = "Reasons"


class Attribute(enum.Enum):
    """The attributes a comparison ``<Attribute> = "<value>"`` can test.

    Values are the canonical spellings; :data:`FIELD_ATTRIBUTES` and
    :data:`KEYED_ATTRIBUTES` say where each one reads.
    """

    #: dialed number (``Action.dnis``)
    DNIS = "DNIS"
    #: calling number (``Action.ani``)
    ANI = "ANI"
    #: media type (``Action.media``), compared without regard to case
    MediaType = "MediaType"
    #: the queue that distributed the interaction (``Action.queue``)
    ThisQueue = "ThisQueue"
    #: user data key ``CustomerID``
    CustomerID = "CustomerID"
    #: reasons key ``ReasonCode``
    ReasonCode = "ReasonCode"
    #: reasons key ``ReasonCode`` as well (see :data:`KEYED_ATTRIBUTES`)
    ExtensionReasonCode = "ExtensionReasonCode"
    #: user data key ``TreatmentType``
    TreatmentType = "TreatmentType"


#: Attributes read from a field of the action: attribute -> ``Action`` field.
#:
#: ``ThisQueue`` holds a DN id ``"<number>@<switch>"`` or a staging area
#: name; a value containing ``@`` must equal it exactly, a value without
#: ``@`` is compared with the part before the ``@`` (``ThisQueue = "8001"``
#: matches ``"8001@SW1"``; a staging area name has no ``@`` and compares
#: whole).
FIELD_ATTRIBUTES: Final[Mapping[Attribute, str]] = MappingProxyType(
    {
        Attribute.DNIS: "dnis",
        Attribute.ANI: "ani",
        Attribute.MediaType: "media",
        Attribute.ThisQueue: "queue",
    }
)

#: Attributes read from a key of the action's data: attribute -> (source, key).
#:
#: ``ExtensionReasonCode`` reads the same key as ``ReasonCode``: Stat Server
#: distinguishes the ``ReasonCode`` of T-Library ``Reasons`` from the one of
#: ``Extensions`` (DOMAIN §10.3), but statengine's CTI events carry one
#: reasons mapping, where both arrive merged under ``ReasonCode``.
#: ``CustomerID`` is the user data key of that name (DOMAIN §10.1 lists it as
#: "CustomerID (TenantID)"; statengine takes it from the attached data).
KEYED_ATTRIBUTES: Final[Mapping[Attribute, tuple[DataSource, str]]] = MappingProxyType(
    {
        Attribute.CustomerID: (DataSource.UserData, "CustomerID"),
        Attribute.ReasonCode: (DataSource.Reasons, "ReasonCode"),
        Attribute.ExtensionReasonCode: (DataSource.Reasons, "ReasonCode"),
        Attribute.TreatmentType: (DataSource.UserData, "TreatmentType"),
    }
)

#: Data sources: source -> ``Action`` field holding the mapping.
DATA_SOURCES: Final[Mapping[DataSource, str]] = MappingProxyType(
    {DataSource.UserData: "user_data", DataSource.Reasons: "reasons"}
)


# ---------------------------------------------------------------------------
# AST
# ---------------------------------------------------------------------------


class CompareOp(enum.Enum):
    """The comparison in ``<Attribute> <op> <value>``; values are canonical spellings."""

    #: equal as strings (written ``=`` or ``==``)
    EQ = "="
    #: not equal as strings, absent included: exactly ``~(... = ...)``
    NE = "!="


@attrs.frozen(kw_only=True)
class PairExists:
    """``PairExists(<source>, "key", "value")``: the key is present with that value."""

    source: DataSource
    #: key, case-sensitive, never empty
    key: str = attrs.field(validator=attrs.validators.min_len(1))
    #: compared with ``str()`` of the stored value
    value: str


@attrs.frozen(kw_only=True)
class KeyExists:
    """``KeyExists(<source>, "key")``: the key is present, whatever its value."""

    source: DataSource
    #: key, case-sensitive, never empty
    key: str = attrs.field(validator=attrs.validators.min_len(1))


@attrs.frozen(kw_only=True)
class Compare:
    """``<attribute> <op> "value"``: one attribute of the action compared as a string."""

    attribute: Attribute
    op: CompareOp
    #: as written (an unquoted number keeps its digits, leading zeros included)
    value: str


@attrs.frozen(kw_only=True)
class UserDataCompare:
    """``UserData("key") <op> "value"``: shorthand for one user data key.

    ``UserData("K") = "v"`` holds exactly when ``PairExists(UserData, "K",
    "v")`` does; it stays its own node so the canonical text keeps the form
    the filter was written in.
    """

    #: key, case-sensitive, never empty
    key: str = attrs.field(validator=attrs.validators.min_len(1))
    op: CompareOp
    value: str


@attrs.frozen(kw_only=True)
class Not:
    """``~operand``."""

    operand: Node


@attrs.frozen(kw_only=True)
class And:
    """``a & b & ...``: all operands hold (evaluated left to right, short-circuit)."""

    #: two or more operands, in condition order
    operands: tuple[Node, ...] = attrs.field(validator=attrs.validators.min_len(2))


@attrs.frozen(kw_only=True)
class Or:
    """``a | b | ...``: some operand holds (evaluated left to right, short-circuit)."""

    #: two or more operands, in condition order
    operands: tuple[Node, ...] = attrs.field(validator=attrs.validators.min_len(2))


#: Any node of a parsed filter.
Node: TypeAlias = PairExists | KeyExists | Compare | UserDataCompare | Not | And | Or

_Predicate: TypeAlias = Callable[[Action], bool]
_T = TypeVar("_T")
_Reader: TypeAlias = Callable[[Action], object]


# ---------------------------------------------------------------------------
# Compiling: AST -> closures
# ---------------------------------------------------------------------------


def _keyed_reader(source: DataSource, key: str) -> Callable[[Action], str | None]:
    """A reader of ``str(<mapping>[key])``, or None when the key is absent."""
    mapping = attrgetter(DATA_SOURCES[source])

    def read(action: Action) -> str | None:
        found = mapping(action).get(key)
        return None if found is None else str(found)

    return read


def _attribute_reader(attribute: Attribute, value: str) -> tuple[_Reader, str]:
    """A reader for ``attribute`` and the value to compare what it reads with."""
    field = FIELD_ATTRIBUTES.get(attribute)
    if field is None:
        source, key = KEYED_ATTRIBUTES[attribute]
        return _keyed_reader(source, key), value
    if attribute is Attribute.MediaType:

        def media(action: Action) -> str:
            return action.media.casefold()

        return media, value.casefold()
    if attribute is Attribute.ThisQueue and "@" not in value:

        def queue_number(action: Action) -> str:
            return action.queue.partition("@")[0]

        return queue_number, value
    return attrgetter(field), value


def _compare(read: _Reader, op: CompareOp, value: str) -> _Predicate:
    if op is CompareOp.EQ:

        def equal(action: Action) -> bool:
            return read(action) == value

        return equal

    def differ(action: Action) -> bool:
        return read(action) != value

    return differ


def _compile(node: Node) -> _Predicate:
    """Turn ``node`` into a closure; the hot path then makes only plain calls."""
    match node:
        case PairExists(source=source, key=key, value=value):
            return _compare(_keyed_reader(source, key), CompareOp.EQ, value)
        case KeyExists(source=source, key=key):
            mapping = attrgetter(DATA_SOURCES[source])

            def key_exists(action: Action) -> bool:
                return key in mapping(action)

            return key_exists
        case Compare(attribute=attribute, op=op, value=value):
            read, wanted = _attribute_reader(attribute, value)
            return _compare(read, op, wanted)
        case UserDataCompare(key=key, op=op, value=value):
            return _compare(_keyed_reader(DataSource.UserData, key), op, value)
        case Not(operand=operand):
            inner = _compile(operand)

            def negate(action: Action) -> bool:
                return not inner(action)

            return negate
        case And(operands=operands):
            parts = tuple(_compile(o) for o in operands)
            if len(parts) == 2:
                first, second = parts

                def both(action: Action) -> bool:
                    return first(action) and second(action)

                return both

            def every(action: Action) -> bool:
                # a loop, not all(<generator>): no generator object per call
                for part in parts:  # noqa: SIM110
                    if not part(action):
                        return False
                return True

            return every
        case Or(operands=operands):
            parts = tuple(_compile(o) for o in operands)
            if len(parts) == 2:
                first, second = parts

                def either(action: Action) -> bool:
                    return first(action) or second(action)

                return either

            def some(action: Action) -> bool:
                for part in parts:  # noqa: SIM110 (no generator per call)
                    if part(action):
                        return True
                return False

            return some
    raise TypeError(f"not a filter node: {node!r}")  # pragma: no cover


# ---------------------------------------------------------------------------
# Rendering: AST -> canonical text
# ---------------------------------------------------------------------------

# how tightly a node binds: a child binding less tightly than its parent is
# parenthesised, and so is an And inside an And (or an Or inside an Or), which
# would otherwise merge into one chain when parsed back
_BINDING: Final[Mapping[type, int]] = MappingProxyType({Or: 1, And: 2, Not: 3})
_ATOM_BINDING: Final = 4


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _render(node: Node, minimum: int = 0) -> str:
    binding = _BINDING.get(type(node), _ATOM_BINDING)
    match node:
        case PairExists(source=source, key=key, value=value):
            text = f"PairExists({source.value}, {_quote(key)}, {_quote(value)})"
        case KeyExists(source=source, key=key):
            text = f"KeyExists({source.value}, {_quote(key)})"
        case Compare(attribute=attribute, op=op, value=value):
            text = f"{attribute.value} {op.value} {_quote(value)}"
        case UserDataCompare(key=key, op=op, value=value):
            text = f"UserData({_quote(key)}) {op.value} {_quote(value)}"
        case Not(operand=operand):
            text = "~" + _render(operand, binding)
        case And(operands=operands):
            text = " & ".join(_render(o, binding + 1) for o in operands)
        case Or(operands=operands):
            text = " | ".join(_render(o, binding + 1) for o in operands)
        case _:  # pragma: no cover
            raise TypeError(f"not a filter node: {node!r}")
    return f"({text})" if binding < minimum else text


# ---------------------------------------------------------------------------
# Filter
# ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Filter:
    """A parsed filter, ready to test many actions.

    Build it with :func:`parse_filter` (or :func:`load_filters` for a whole
    section); building it directly from a ``root`` also works (tests,
    programmatic filters) and fills :attr:`text` the same way. Two filters
    are equal when their name and condition are. The compiled closure cannot
    be pickled: snapshot :attr:`text` and parse again.
    """

    #: the filter's name in the ``[filters]`` section ("" when anonymous)
    name: str = ""
    #: the canonical text of the condition (module docstring): part of the
    #: identity of every statistic using the filter
    text: str = attrs.field(init=False)
    #: the AST
    root: Node
    _predicate: _Predicate = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # frozen: derived fields are set once, here, through object.__setattr__
        object.__setattr__(self, "text", _render(self.root))
        object.__setattr__(self, "_predicate", _compile(self.root))

    def matches(self, action: Action) -> bool:
        """Tell whether the action's data satisfy the condition.

        Only the data the action carries are read (user data, reasons, DNIS,
        ANI, media, queue); the engine decides what a match means for time
        and counts (DOMAIN §10.1). ``&`` and ``|`` short-circuit left to
        right.
        """
        return self._predicate(action)

    def canonical(self) -> str:
        """The canonical text (same as :attr:`text`): parse it to get this filter's AST back."""
        return self.text


# ---------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------


class _Kind(enum.Enum):
    LPAREN = enum.auto()
    RPAREN = enum.auto()
    COMMA = enum.auto()
    AND = enum.auto()
    OR = enum.auto()
    NOT = enum.auto()
    OP = enum.auto()
    NUMBER = enum.auto()
    STRING = enum.auto()
    NAME = enum.auto()
    END = enum.auto()


_PUNCTUATION: Final[Mapping[str, _Kind]] = MappingProxyType(
    {
        "(": _Kind.LPAREN,
        ")": _Kind.RPAREN,
        ",": _Kind.COMMA,
        "&": _Kind.AND,
        "|": _Kind.OR,
        "~": _Kind.NOT,
    }
)

_KEYWORDS: Final[Mapping[str, _Kind]] = MappingProxyType(
    {"and": _Kind.AND, "or": _Kind.OR, "not": _Kind.NOT}
)

#: Operators the tokenizer knows, longest first so ``!=`` is never read as
#: ``!``. Ordering comparisons are read only to be refused with a clear message.
_OPERATOR_SPELLINGS: Final = ("==", "!=", ">=", "<=", "=", ">", "<")
_EQUALITY: Final[Mapping[str, CompareOp]] = MappingProxyType(
    {"=": CompareOp.EQ, "==": CompareOp.EQ, "!=": CompareOp.NE}
)

#: function name, lowercased -> canonical spelling
_FUNCTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {"pairexists": "PairExists", "keyexists": "KeyExists", "userdata": "UserData"}
)
_ATTRIBUTES: Final[Mapping[str, Attribute]] = MappingProxyType(
    {a.value.lower(): a for a in Attribute}
)
_SOURCES: Final[Mapping[str, DataSource]] = MappingProxyType(
    {s.value.lower(): s for s in DataSource}
)

_ESCAPABLE: Final = '"\\'


@attrs.frozen
class _Token:
    kind: _Kind
    #: the token as written (with quotes for strings), for messages
    text: str
    #: 1-based column of the first character
    column: int
    #: decoded value: name, string contents or number digits, operator
    value: str = ""


def _error(
    text: str,
    column: int,
    problem: str,
    *,
    expected: str,
    found: str | None,
    path: str,
    source: str,
) -> ConfigError:
    return ConfigError(
        f"{problem} at column {column} in {text!r}",
        expected=expected,
        found=found,
        path=path,
        source=source,
    )


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


class _Tokenizer:
    """Split a condition into tokens, ending with one ``END`` token."""

    __slots__ = ("_path", "_source", "_text")

    def __init__(self, text: str, path: str, source: str) -> None:
        self._text = text
        self._path = path
        self._source = source

    def _error(self, column: int, problem: str, *, expected: str, found: str) -> ConfigError:
        return _error(
            self._text,
            column,
            problem,
            expected=expected,
            found=found,
            path=self._path,
            source=self._source,
        )

    def _string(self, start: int) -> tuple[_Token, int]:
        """Read the string opening at ``text[start]``; return it and the index after it."""
        text = self._text
        chars: list[str] = []
        i = start + 1
        while i < len(text) and text[i] not in '"\n':
            ch = text[i]
            if ch == "\\":
                escaped = text[i + 1 : i + 2]
                if escaped in ("", "\n"):
                    break  # unterminated, reported below
                if escaped not in _ESCAPABLE:
                    raise self._error(
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
            raise self._error(
                start + 1,
                "unterminated string",
                expected='a closing " on the same line',
                found=text[start:i],
            )
        return _Token(_Kind.STRING, text[start : i + 1], start + 1, "".join(chars)), i + 1

    def tokens(self) -> list[_Token]:
        text = self._text
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
                token, i = self._string(i)
                tokens.append(token)
            elif ch in "=!<>":
                for spelling in _OPERATOR_SPELLINGS:
                    if text.startswith(spelling, i):
                        tokens.append(_Token(_Kind.OP, spelling, column, spelling))
                        i += len(spelling)
                        break
                else:  # a lone "!"
                    raise self._error(
                        column, f"unexpected character {ch!r}", expected="'!='", found=ch
                    )
            elif _is_digit(ch) or (ch == "-" and _is_digit(text[i + 1 : i + 2])):
                j = i + 1
                while j < n and _is_digit(text[j]):
                    j += 1
                tokens.append(_Token(_Kind.NUMBER, text[i:j], column, text[i:j]))
                i = j
            elif ch.isascii() and (ch.isalpha() or ch == "_"):
                j = i + 1
                while j < n and _is_word_char(text[j]):
                    j += 1
                word = text[i:j]
                tokens.append(_Token(_KEYWORDS.get(word.lower(), _Kind.NAME), word, column, word))
                i = j
            else:
                raise self._error(
                    column,
                    f"unexpected character {ch!r}",
                    expected="a condition, an operator, a comma or a parenthesis",
                    found=ch,
                )
        tokens.append(_Token(_Kind.END, "", n + 1))
        return tokens


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------

_TERM: Final = (
    "a condition: PairExists(...), KeyExists(...), UserData(...), <attribute> = <value>, '~' or '('"
)
_FUNCTION_LIST: Final = "a function: PairExists, KeyExists or UserData"
_ATTRIBUTE_LIST: Final = "an attribute: " + ", ".join(a.value for a in Attribute)
_SOURCE_LIST: Final = "UserData or Reasons"
_VALUE: Final = 'a quoted value such as "1234", or a number'
_KEY: Final = 'a quoted key such as "Language"'
_EQUALITY_LIST: Final = "'=' or '!='"

#: argument lists: function -> the name of each argument, in order
_PARAMETERS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "PairExists": ("source", "key", "value"),
        "KeyExists": ("source", "key"),
        "UserData": ("key",),
    }
)
_EXPECTED_ARGUMENT: Final[Mapping[str, str]] = MappingProxyType(
    {"source": _SOURCE_LIST, "key": _KEY, "value": _VALUE}
)


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    __slots__ = ("_depth", "_path", "_pos", "_source", "_text", "_tokens")

    def __init__(self, text: str, tokens: list[_Token], path: str, source: str) -> None:
        self._text = text
        self._tokens = tokens
        self._path = path
        self._source = source
        self._pos = 0
        self._depth = 0

    def parse(self) -> Node:
        if self._peek().kind is _Kind.END:
            raise self._error(1, "empty filter", expected=_TERM, found=None)
        node = self._or_expr()
        self._expect(_Kind.END, "'&', '|' or end of filter")
        return node

    # -- helpers -----------------------------------------------------------

    def _error(self, column: int, problem: str, *, expected: str, found: str | None) -> ConfigError:
        return _error(
            self._text,
            column,
            problem,
            expected=expected,
            found=found,
            path=self._path,
            source=self._source,
        )

    def _peek(self) -> _Token:
        return self._tokens[self._pos]

    def _advance(self) -> _Token:
        token = self._tokens[self._pos]
        if token.kind is not _Kind.END:
            self._pos += 1
        return token

    def _unexpected(self, token: _Token, expected: str) -> ConfigError:
        if token.kind is _Kind.END:
            what, found = "end of filter", None
        else:
            what, found = repr(token.text), token.text
        return self._error(token.column, f"unexpected {what}", expected=expected, found=found)

    def _expect(self, kind: _Kind, expected: str) -> _Token:
        token = self._peek()
        if token.kind is not kind:
            raise self._unexpected(token, expected)
        return self._advance()

    def _enter(self, token: _Token) -> None:
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise self._error(
                token.column,
                f"filter nested deeper than {MAX_NESTING} levels",
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
        if token.kind is not _Kind.NAME:
            raise self._unexpected(token, _TERM)
        self._advance()
        word = token.text.lower()
        function = _FUNCTIONS.get(word)
        if function is not None:
            return self._call(function)
        if self._peek().kind is _Kind.LPAREN:
            raise self._error(
                token.column,
                f"unknown function {token.text!r}",
                expected=_FUNCTION_LIST,
                found=token.text,
            )
        attribute = _ATTRIBUTES.get(word)
        if attribute is None:
            raise self._error(
                token.column,
                f"unknown attribute {token.text!r}",
                expected=_ATTRIBUTE_LIST,
                found=token.text,
            )
        op = self._equality()
        return Compare(attribute=attribute, op=op, value=self._value())

    def _call(self, function: str) -> Node:
        """Read ``(<arguments>)`` after a function name and build its node."""
        self._expect(_Kind.LPAREN, f"'(' after {function}")
        if function == "PairExists":
            source = self._argument(function, 0, self._source_argument)
            key = self._argument(function, 1, lambda: self._key(function))
            value = self._argument(function, 2, self._value)
            return PairExists(source=source, key=key, value=value)
        if function == "KeyExists":
            source = self._argument(function, 0, self._source_argument)
            key = self._argument(function, 1, lambda: self._key(function))
            return KeyExists(source=source, key=key)
        key = self._argument(function, 0, lambda: self._key(function))
        op = self._equality()
        return UserDataCompare(key=key, op=op, value=self._value())

    def _argument(self, function: str, index: int, read: Callable[[], _T]) -> _T:
        """Read argument ``index`` of ``function`` and the ``,`` or ``)`` after it."""
        parameters = _PARAMETERS[function]
        token = self._peek()
        if token.kind in (_Kind.RPAREN, _Kind.COMMA):
            raise self._missing(function, parameters[index], token, "")
        argument = read()
        after = self._peek()
        if index + 1 < len(parameters):
            if after.kind is _Kind.RPAREN:
                raise self._missing(function, parameters[index + 1], after, "',' and ")
            self._expect(_Kind.COMMA, "','")
        else:
            if after.kind is _Kind.COMMA:
                count = len(parameters)
                raise self._error(
                    after.column,
                    f"too many arguments to {function}()",
                    expected=f"')' after {count} argument{'s' if count > 1 else ''}",
                    found=after.text,
                )
            self._expect(_Kind.RPAREN, "')'")
        return argument

    def _missing(self, function: str, parameter: str, token: _Token, before: str) -> ConfigError:
        return self._error(
            token.column,
            f"missing argument {parameter!r} to {function}()",
            expected=before + _EXPECTED_ARGUMENT[parameter],
            found=token.text,
        )

    def _source_argument(self) -> DataSource:
        token = self._peek()
        if token.kind is not _Kind.NAME:
            raise self._unexpected(token, _SOURCE_LIST)
        source = _SOURCES.get(token.text.lower())
        if source is None:
            raise self._error(
                token.column,
                f"unknown data source {token.text!r}",
                expected=_SOURCE_LIST,
                found=token.text,
            )
        self._advance()
        return source

    def _key(self, function: str) -> str:
        token = self._expect(_Kind.STRING, _KEY)
        if not token.value:
            raise self._error(
                token.column,
                f"empty key in {function}()",
                expected="a non-empty key",
                found=token.text,
            )
        return token.value

    def _equality(self) -> CompareOp:
        token = self._peek()
        if token.kind is not _Kind.OP:
            raise self._unexpected(token, _EQUALITY_LIST)
        op = _EQUALITY.get(token.value)
        if op is None:
            raise self._error(
                token.column,
                f"unsupported comparison {token.text!r}",
                expected=_EQUALITY_LIST,
                found=token.text,
            )
        self._advance()
        return op

    def _value(self) -> str:
        token = self._peek()
        if token.kind in (_Kind.STRING, _Kind.NUMBER):
            self._advance()
            return token.value
        if token.kind is _Kind.NAME:
            raise self._error(
                token.column, f"unquoted value {token.text!r}", expected=_VALUE, found=token.text
            )
        raise self._unexpected(token, _VALUE)


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def parse_filter(text: str, *, name: str = "", path: str = "", source: str = "") -> Filter:
    """Parse a filter condition (grammar in the module docstring).

    Args:
        text: the condition, e.g. ``'PairExists(UserData, "Language", "Spanish")'``.
        name: the filter's name, kept in :attr:`Filter.name`.
        path, source: where the text came from (``"filters.VIP"``, the file
            name), put in front of error messages and kept on the error.

    Returns:
        The compiled filter; keep it for as long as the condition is unchanged.

    Raises:
        ConfigError: the condition is not a string or breaks the grammar. The
            message shows what was wrong, the 1-based column and the
            condition, e.g. ``unknown attribute 'DNSI' at column 1 in
            'DNSI = 1'``; ``expected`` says what would have been accepted
            (for an unknown attribute or function: every valid one) and
            ``found`` the offending text (None at the end of the condition).
    """
    if not isinstance(text, str):
        raise ConfigError(
            "a filter must be a string",
            path=path,
            expected='a condition such as DNIS = "1234"',
            found=text,
            source=source,
        )
    tokens = _Tokenizer(text, path, source).tokens()
    root = _Parser(text, tokens, path, source).parse()
    return Filter(name=name, root=root)


def load_filters(section: Mapping[str, Any], *, source: str = "") -> dict[str, Filter]:
    """Build the ``[filters]`` section: ``Name = "<condition>"``.

    Args:
        section: the raw section (``Config.sections["filters"]``).
        source: the file it came from, for error messages.

    Returns:
        Filter name -> filter, in section order. Names are case-sensitive,
        as stat types refer to them.

    Raises:
        ConfigError: the section is not a table, a name is empty, or a
            condition is not a string or breaks the grammar; ``path`` is
            ``filters.<Name>``.
    """
    if not isinstance(section, Mapping):
        raise ConfigError(
            "wrong type",
            path="filters",
            expected='a table of Name = "<condition>"',
            found=section,
            source=source,
        )
    filters: dict[str, Filter] = {}
    for name, text in section.items():
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(
                "bad filter name",
                path="filters",
                expected="a non-blank name",
                found=name,
                source=source,
            )
        filters[name] = parse_filter(text, name=name, path=f"filters.{name}", source=source)
    return filters
