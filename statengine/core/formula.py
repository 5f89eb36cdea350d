"""Formula stat types: an arithmetic expression over aggregates, parsed once, evaluated often.

A stat type of ``Category=Formula`` (``shared/DOMAIN.md`` §4.2, §4.6) computes
an expression over ordinary aggregates of its own object, e.g. the average
handling time::

    (TotalTime(CallInbound, CallOnHold) + TotalTime(AfterCallWork)) / TotalNumber(CallInbound)

Genesys' own formula language (8.5.106+) is SQL-like and its grammar is not
public (DOMAIN §4.6, open question 7); this one is statengine's, kept small
and total. ``docs/formula.md`` is the user's guide.

The work is split like :mod:`statengine.core.skills`:

* :func:`parse_formula` runs once per stat type (config load or change). A
  hand-written tokenizer and recursive-descent parser build an AST of frozen
  attrs nodes, type-check it (numbers vs conditions) and refuse bad text with
  a :class:`~statengine.errors.ConfigError` naming the column and what was
  expected there.
* :meth:`Formula.evaluate` runs on every notification. The AST is compiled
  into closures when the formula is built: evaluating is a few plain calls.

:attr:`Formula.terms` lists the distinct aggregates the formula reads, each a
:class:`Term` (a category over a mask, plus a time range name for the
time-range categories); the engine opens one aggregate per term and hands
their values to :meth:`Formula.evaluate` in that order.

Rules this module keeps:

* sans-IO: stdlib and attrs only; no ``eval``/``exec``: the grammar below is
  all a formula can do.
* Total: :meth:`Formula.evaluate` never raises for numeric term values and
  never returns NaN, an infinity or -0.0. ``x / 0 = 0``, as for the ratio
  categories (``docs/semantics.md`` §2.6); any other intermediate result that
  is not finite (an overflow) is 0 too, and so is a term value that is not.
* Masks mean exactly what a MainMask means (:class:`~statengine.core.stattypes.Mask`,
  same subject as the stat type); canonical text lists them by what they
  select, so formulas computing the same thing share one pool entry.
* Category names are spelled as in ``Category=`` (case-sensitive); function
  names are case-insensitive and canonically lower case.

Grammar (EBNF; whitespace may separate any two tokens)::

    formula     = expression , END ;                (* must be a number *)
    expression  = disjunction ;
    disjunction = conjunction , { "|" , conjunction } ;
    conjunction = negation , { "&" , negation } ;
    negation    = "~" , negation | comparison ;
    comparison  = sum , [ compare_op , sum ] ;      (* comparisons do not chain *)
    sum         = product , { ( "+" | "-" ) , product } ;
    product     = unary , { ( "*" | "/" ) , unary } ;
    unary       = "-" , unary | primary ;
    primary     = number | "(" , expression , ")" | term | function ;
    term        = category , "(" , mask_item , { "," , mask_item } ,
                  [ ";" , string ] , ")" ;          (* string: time range name *)
    mask_item   = [ "~" ] , ( "*" | name | string ) ;
    function    = ( "min" | "max" ) , "(" , expression , "," , expression ,
                  { "," , expression } , ")"
                | "abs" , "(" , expression , ")"
                | "round" , "(" , expression , [ "," , [ "-" ] , digits ] , ")"
                | "if" , "(" , expression , "," , expression , "," , expression , ")" ;
    compare_op  = "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" ;
    number      = ( digits , [ "." , { digit } ] | "." , digits ) ,
                  [ ( "e" | "E" ) , [ "+" | "-" ] , digits ] ;
    digits      = digit , { digit } ;                (* ASCII digits *)
    category    = ? a name of FORMULA_CATEGORIES, case-sensitive ? ;
    name        = ( letter | "_" ) , { letter | digit | "_" } ;   (* ASCII *)
    string      = '"' , char , { char } , '"' ;      (* never empty *)
    char        = ? any character but '"', '\\' and newline ? | '\\"' | '\\\\' ;

Types: comparisons, ``&``, ``|`` and ``~`` make *conditions*; everything else
is a *number*. Arithmetic, comparisons and function arguments take numbers;
``&``, ``|``, ``~`` and the first argument of ``if`` take conditions; the
formula itself is a number. Precedence, loosest first: ``|``, ``&``, ``~``,
comparisons, ``+ -``, ``* /``, unary ``-``. Operators of one level associate
left to right. Parentheses, unary ``-``, ``~`` and function calls nest at most
:data:`MAX_NESTING` deep, so a hostile formula cannot exhaust the stack.
"""

from __future__ import annotations

import difflib
import enum
import operator
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from types import MappingProxyType
from typing import Final, NoReturn, TypeAlias

import attrs

from statengine.core.actions import ActionKind
from statengine.core.stattypes import (
    CATEGORY_SUBJECTS,
    REL_MASK_CATEGORIES,
    STATE_CATEGORIES,
    STATUS_SUBJECTS,
    SUPPORTED_CATEGORIES,
    TIME_RANGE_CATEGORIES,
    Category,
    Mask,
    Subject,
)
from statengine.core.status import Status
from statengine.errors import ConfigError, InternalError, LocalProtocolError

__all__ = [
    "FORMULA_CATEGORIES",
    "MAX_NESTING",
    "MAX_ROUND_DIGITS",
    "Aggregate",
    "And",
    "ArithOp",
    "Call",
    "CompareOp",
    "Comparison",
    "Formula",
    "Function",
    "If",
    "Negate",
    "Node",
    "Not",
    "Number",
    "Or",
    "Product",
    "Round",
    "Sum",
    "Term",
    "parse_formula",
]

#: How deep parentheses, unary ``-``, ``~`` and function calls may nest. Real
#: formulas stay under five levels; the bound keeps parsing, compiling and
#: evaluating far from Python's recursion limit. Chains (``a + b + c ...``)
#: are one node and do not nest.
MAX_NESTING: Final = 32

#: ``round(x, n)`` accepts ``-MAX_ROUND_DIGITS <= n <= MAX_ROUND_DIGITS``: a
#: double holds 15-17 significant digits, more is noise.
MAX_ROUND_DIGITS: Final = 15

_C = Category

#: Categories usable as terms: every supported category that is a plain
#: aggregate of one mask. Left out: ServiceFactor1 (a compound over fixed
#: action sets and two time ranges: write it from TotalNumberInTimeRange and
#: TotalNumber terms, ``docs/formula.md``) and TotalNumberInTimeRangePercentage
#: (it reads a RelMask, which a term has not: write the division).
FORMULA_CATEGORIES: Final[frozenset[Category]] = frozenset(
    {
        _C.TotalNumber,
        _C.TotalTime,
        _C.TotalAdjustedNumber,
        _C.TotalAdjustedTime,
        _C.AverageTime,
        _C.MaxTime,
        _C.MinTime,
        _C.CurrentNumber,
        _C.CurrentTime,
        _C.CurrentMaxTime,
        _C.CurrentMinTime,
        _C.CurrentAverageTime,
        _C.TotalNumberInTimeRange,
        _C.TotalTimeInTimeRange,
    }
)

#: Why some known categories cannot be terms (the others: :func:`_refusal`).
_REFUSED: Final[Mapping[Category, str]] = MappingProxyType(
    {
        _C.ServiceFactor1: (
            "it is a compound over fixed action sets and two time ranges; write it with "
            "TotalNumberInTimeRange and TotalNumber terms (docs/formula.md)"
        ),
        _C.TotalNumberInTimeRangePercentage: (
            "it needs a RelMask, which a term has not; write "
            "100 * TotalNumberInTimeRange(...) / TotalNumber(...) instead"
        ),
        _C.Formula: "a formula cannot be a term of a formula",
    }
)


def _refusal(category: Category) -> str:
    """Why ``category`` cannot be a term, for the error message."""
    if category in _REFUSED:
        return _REFUSED[category]
    if category in STATE_CATEGORIES:
        return "it is a structure, not a number"
    if category in REL_MASK_CATEGORIES:
        return "it needs a RelMask, which a term has not; write the division with two terms"
    if category in SUPPORTED_CATEGORIES:
        return "it is not available as a term (a stat type of its own can compute it)"
    return "it is not supported yet"


# ---------------------------------------------------------------------------
# Terms and the AST
# ---------------------------------------------------------------------------


def _item_name(item: ActionKind | Status) -> str:
    """The mask name of one action or status (as :meth:`Mask.names` spells it)."""
    return item.value if isinstance(item, ActionKind) else item.name


def _selected(mask: Mask) -> frozenset[ActionKind | Status]:
    items: set[ActionKind | Status] = set(mask.actions)
    items.update(mask.statuses)
    return frozenset(items)


def _canonical_mask(mask: Mask) -> Mask:
    """An equal-selecting mask whose text depends only on what it selects.

    Two spellings are tried: the selected names, sorted (``CallInbound,CallOnHold``),
    and ``*`` minus the others, sorted (``*,~LoggedOut,~NotMonitored``); the one
    with fewer items wins, the positive one on a tie. A name standing for more
    than one item (``AgentLogin`` also selects ``AgentLogin(Mediation)``) is
    followed by ``~`` items taking the extra ones back out.
    """
    subject = mask.subject
    selected = _selected(mask)
    everything = _selected(Mask.parse("*", subject))

    def spell(items: list[str]) -> tuple[str, frozenset[ActionKind | Status]]:
        text = ",".join(items)
        return text, _selected(Mask.parse(text, subject))

    positive = sorted(_item_name(i) for i in selected)
    text, got = spell(positive)
    positive += sorted("~" + _item_name(i) for i in got - selected)
    chosen = positive
    others = everything - selected
    if len(others) + 1 < len(positive):
        negative = ["*", *sorted("~" + _item_name(i) for i in others)]
        if spell(negative)[1] == selected:
            chosen = negative
    text, got = spell(chosen)
    if got != selected:  # pragma: no cover - the positive spelling is always exact
        raise InternalError(f"cannot spell mask {mask.text!r} canonically; please report this bug")
    return Mask.parse(text, subject)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _is_name(text: str) -> bool:
    return text.isascii() and text.isidentifier()


@attrs.frozen(kw_only=True)
class Term:
    """One aggregate the formula reads: a category over a mask of the stat type's subject.

    Terms made by :func:`parse_formula` hold a canonical mask (its text
    depends only on what it selects), so equal terms compare equal however
    they were written.
    """

    #: one of :data:`FORMULA_CATEGORIES`
    category: Category
    #: parsed with the stat type's subject
    mask: Mask
    #: the name of a time range (``[time_ranges]``) for the time-range
    #: categories; None: the statistic's own time range (the request's, or
    #: ``Default``), as for a plain stat type of that category
    time_range: str | None = None

    def canonical(self) -> str:
        """The term in canonical formula text, e.g. ``TotalTime(CallInbound, CallOnHold)``."""
        items = []
        for raw in self.mask.text.split(","):
            item = raw.strip()
            negate = item.startswith("~")
            name = item[1:].strip() if negate else item
            if name != "*" and not _is_name(name):
                name = _quote(name)
            items.append("~" + name if negate else name)
        inside = ", ".join(items)
        if self.time_range is not None:
            inside += "; " + _quote(self.time_range)
        return f"{self.category.name}({inside})"


class ArithOp(enum.Enum):
    """An arithmetic operator; values are the spellings."""

    #: addition
    ADD = "+"
    #: subtraction
    SUB = "-"
    #: multiplication
    MUL = "*"
    #: division; ``x / 0 = 0``
    DIV = "/"


class CompareOp(enum.Enum):
    """A comparison of two numbers; values are the canonical spellings."""

    #: equal (written ``=`` or ``==``)
    EQ = "="
    #: not equal
    NE = "!="
    #: less than
    LT = "<"
    #: at most
    LE = "<="
    #: greater than
    GT = ">"
    #: at least
    GE = ">="


class Function(enum.Enum):
    """The numeric functions of :class:`Call`; values are the canonical spellings."""

    #: the smallest argument (two or more)
    MIN = "min"
    #: the largest argument (two or more)
    MAX = "max"
    #: absolute value (one argument)
    ABS = "abs"


_ADDITIVE = frozenset({ArithOp.ADD, ArithOp.SUB})
_MULTIPLICATIVE = frozenset({ArithOp.MUL, ArithOp.DIV})


def _chain_validator(allowed: frozenset[ArithOp]) -> Callable[[object, object, object], None]:
    def check(instance: object, attribute: object, value: object) -> None:
        assert isinstance(value, tuple)
        if not value or any(op not in allowed for op, _ in value):
            raise ValueError(f"a chain needs one or more of {sorted(o.value for o in allowed)}")

    return check


@attrs.frozen(kw_only=True)
class Number:
    """A literal: finite, not negative (``-3`` is :class:`Negate` of 3)."""

    value: float = attrs.field(converter=float)


@attrs.frozen(kw_only=True)
class Aggregate:
    """The value of one term."""

    term: Term


@attrs.frozen(kw_only=True)
class Negate:
    """``-operand``."""

    operand: Node


@attrs.frozen(kw_only=True)
class Sum:
    """``first + a - b ...``, evaluated left to right."""

    first: Node
    #: one or more (ADD or SUB, operand) pairs
    rest: tuple[tuple[ArithOp, Node], ...] = attrs.field(validator=_chain_validator(_ADDITIVE))


@attrs.frozen(kw_only=True)
class Product:
    """``first * a / b ...``, evaluated left to right; each ``/ 0`` step gives 0."""

    first: Node
    #: one or more (MUL or DIV, operand) pairs
    rest: tuple[tuple[ArithOp, Node], ...] = attrs.field(
        validator=_chain_validator(_MULTIPLICATIVE)
    )


@attrs.frozen(kw_only=True)
class Call:
    """``min(...)``, ``max(...)`` or ``abs(x)``."""

    function: Function
    args: tuple[Node, ...]


@attrs.frozen(kw_only=True)
class Round:
    """``round(x, digits)``: half away from zero, on the shortest decimal form of x."""

    operand: Node
    #: decimals kept; negative rounds to tens, hundreds...
    digits: int = 0


@attrs.frozen(kw_only=True)
class If:
    """``if(condition, then, otherwise)``: only the chosen branch is evaluated."""

    condition: Node
    then: Node
    otherwise: Node


@attrs.frozen(kw_only=True)
class Comparison:
    """``left <op> right`` on numbers: a condition."""

    left: Node
    op: CompareOp
    right: Node


@attrs.frozen(kw_only=True)
class Not:
    """``~operand``: a condition."""

    operand: Node


@attrs.frozen(kw_only=True)
class And:
    """``a & b & ...``: a condition (short-circuit, left to right)."""

    operands: tuple[Node, ...] = attrs.field(validator=attrs.validators.min_len(2))


@attrs.frozen(kw_only=True)
class Or:
    """``a | b | ...``: a condition (short-circuit, left to right)."""

    operands: tuple[Node, ...] = attrs.field(validator=attrs.validators.min_len(2))


#: Any node of a parsed formula.
Node: TypeAlias = (
    Number | Aggregate | Negate | Sum | Product | Call | Round | If | Comparison | Not | And | Or
)

_CONDITIONS = (Comparison, Not, And, Or)


def _is_condition(node: Node) -> bool:
    return isinstance(node, _CONDITIONS)


def _children(node: Node) -> tuple[Node, ...]:
    """Direct sub-nodes in source order."""
    match node:
        case Negate(operand=x) | Not(operand=x) | Round(operand=x):
            return (x,)
        case Sum(first=first, rest=rest) | Product(first=first, rest=rest):
            return (first, *(n for _, n in rest))
        case Call(args=args):
            return args
        case If(condition=c, then=a, otherwise=b):
            return (c, a, b)
        case Comparison(left=a, right=b):
            return (a, b)
        case And(operands=ops) | Or(operands=ops):
            return ops
    return ()


def _walk(root: Node) -> Iterator[Node]:
    """Every node under ``root``, pre-order, in source order (iteratively)."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(_children(node)))


# ---------------------------------------------------------------------------
# Canonical text
# ---------------------------------------------------------------------------

#: Binding strength of each node kind, loosest first; atoms bind tightest.
_PRECEDENCE: Final[Mapping[type, int]] = MappingProxyType(
    {Or: 1, And: 2, Not: 3, Comparison: 4, Sum: 5, Product: 6, Negate: 7}
)
_ATOM = 8


def _format_number(value: float) -> str:
    """``2`` for 2.0, ``0.5``, ``1e+16``: the shortest text that reads back equal."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _wrap(node: Node, least: int) -> str:
    text = _render(node)
    return f"({text})" if _PRECEDENCE.get(type(node), _ATOM) < least else text


def _render(node: Node) -> str:
    """Canonical text: single spaces around binary operators, minimal parentheses."""
    match node:
        case Number(value=value):
            return _format_number(value)
        case Aggregate(term=term):
            return term.canonical()
        case Negate(operand=x):
            return "-" + _wrap(x, 7)
        case Sum(first=first, rest=rest) | Product(first=first, rest=rest):
            level = _PRECEDENCE[type(node)]
            parts = [_wrap(first, level)]
            for op, operand in rest:
                parts.append(f"{op.value} {_wrap(operand, level + 1)}")
            return " ".join(parts)
        case Call(function=function, args=args):
            return f"{function.value}({', '.join(_render(a) for a in args)})"
        case Round(operand=x, digits=digits):
            return f"round({_render(x)}, {digits})" if digits else f"round({_render(x)})"
        case If(condition=c, then=a, otherwise=b):
            return f"if({_render(c)}, {_render(a)}, {_render(b)})"
        case Comparison(left=a, op=op, right=b):
            return f"{_wrap(a, 5)} {op.value} {_wrap(b, 5)}"
        case Not(operand=x):  # ~(a > b), not the correct but puzzling ~a > b
            return "~" + (_render(x) if isinstance(x, Not) else f"({_render(x)})")
        case And(operands=ops):
            return " & ".join(_wrap(o, 3) for o in ops)
        case Or(operands=ops):
            return " | ".join(_wrap(o, 2) for o in ops)
    raise TypeError(f"not a formula node: {node!r}")  # pragma: no cover


# ---------------------------------------------------------------------------
# Compiling
# ---------------------------------------------------------------------------

_Values: TypeAlias = Sequence[float]
_Num: TypeAlias = Callable[[_Values], float]
_Cond: TypeAlias = Callable[[_Values], bool]

_COMPARE: Final[Mapping[CompareOp, Callable[[float, float], bool]]] = MappingProxyType(
    {
        CompareOp.EQ: operator.eq,
        CompareOp.NE: operator.ne,
        CompareOp.LT: operator.lt,
        CompareOp.LE: operator.le,
        CompareOp.GT: operator.gt,
        CompareOp.GE: operator.ge,
    }
)

#: Enough precision to quantize any finite double to 10**-MAX_ROUND_DIGITS.
_ROUND_CONTEXT: Final = Context(prec=400, rounding=ROUND_HALF_UP)

# ``r - r == 0.0`` holds exactly for finite r (inf - inf and nan - nan are nan):
# an inline finiteness test, cheaper than a call to math.isfinite.


def _step(op: ArithOp, left: float, right: float) -> float:
    """One arithmetic step with the rules: x / 0 = 0, a non-finite result is 0."""
    if op is ArithOp.ADD:
        r = left + right
    elif op is ArithOp.SUB:
        r = left - right
    elif op is ArithOp.MUL:
        r = left * right
    elif right == 0.0:
        return 0.0
    else:
        r = left / right
    return r if r - r == 0.0 else 0.0


def _compile_pair(op: ArithOp, f: _Num, g: _Num) -> _Num:
    """The common two-operand case, without the generic loop."""
    if op is ArithOp.ADD:

        def add(values: _Values) -> float:
            r = f(values) + g(values)
            return r if r - r == 0.0 else 0.0

        return add
    if op is ArithOp.SUB:

        def sub(values: _Values) -> float:
            r = f(values) - g(values)
            return r if r - r == 0.0 else 0.0

        return sub
    if op is ArithOp.MUL:

        def mul(values: _Values) -> float:
            r = f(values) * g(values)
            return r if r - r == 0.0 else 0.0

        return mul

    def div(values: _Values) -> float:
        numerator = f(values)
        denominator = g(values)
        if denominator == 0.0:
            return 0.0
        r = numerator / denominator
        return r if r - r == 0.0 else 0.0

    return div


def _compile_number(node: Node, index: Mapping[Term, int]) -> _Num:
    """Turn a number node into a closure ``values -> float``."""
    match node:
        case Number(value=value):
            constant = float(value)

            def literal(values: _Values) -> float:
                return constant

            return literal
        case Aggregate(term=term):
            i = index[term]

            def read(values: _Values) -> float:
                v = float(values[i])
                return v if v - v == 0.0 else 0.0

            return read
        case Negate(operand=x):
            inner = _compile_number(x, index)

            def negate(values: _Values) -> float:
                return -inner(values)

            return negate
        case Sum(first=first, rest=rest) | Product(first=first, rest=rest):
            head = _compile_number(first, index)
            steps = tuple((op, _compile_number(n, index)) for op, n in rest)
            if len(steps) == 1:
                return _compile_pair(steps[0][0], head, steps[0][1])

            def chain(values: _Values) -> float:
                r = head(values)
                for op, part in steps:
                    r = _step(op, r, part(values))
                return r

            return chain
        case Call(function=Function.ABS, args=(x,)):
            inner = _compile_number(x, index)

            def absolute(values: _Values) -> float:
                return abs(inner(values))

            return absolute
        case Call(function=function, args=args):
            return _compile_extreme(function is Function.MIN, args, index)
        case Round(operand=x, digits=digits):
            inner = _compile_number(x, index)
            quantum = Decimal(1).scaleb(-digits)

            def rounded(values: _Values) -> float:
                exact = Decimal(repr(inner(values)))
                r = float(exact.quantize(quantum, context=_ROUND_CONTEXT))
                return r if r - r == 0.0 else 0.0

            return rounded
        case If(condition=c, then=a, otherwise=b):
            test = _compile_condition(c, index)
            yes = _compile_number(a, index)
            no = _compile_number(b, index)

            def choose(values: _Values) -> float:
                return yes(values) if test(values) else no(values)

            return choose
    raise TypeError(f"not a number node: {node!r}")  # pragma: no cover


def _compile_extreme(smallest: bool, args: tuple[Node, ...], index: Mapping[Term, int]) -> _Num:
    """min(...) / max(...), with loops rather than a generator per call."""
    parts = tuple(_compile_number(a, index) for a in args)
    if len(parts) == 2:
        f, g = parts
        if smallest:

            def min2(values: _Values) -> float:
                a = f(values)
                b = g(values)
                return a if a <= b else b

            return min2

        def max2(values: _Values) -> float:
            a = f(values)
            b = g(values)
            return a if a >= b else b

        return max2
    head, rest = parts[0], parts[1:]

    def extreme(values: _Values) -> float:
        best = head(values)
        for part in rest:
            v = part(values)
            if (v < best) if smallest else (v > best):
                best = v
        return best

    return extreme


def _compile_condition(node: Node, index: Mapping[Term, int]) -> _Cond:
    """Turn a condition node into a closure ``values -> bool``."""
    match node:
        case Comparison(left=a, op=op, right=b):
            f = _compile_number(a, index)
            g = _compile_number(b, index)
            compare = _COMPARE[op]

            def comparison(values: _Values) -> bool:
                return compare(f(values), g(values))

            return comparison
        case Not(operand=x):
            inner = _compile_condition(x, index)

            def negation(values: _Values) -> bool:
                return not inner(values)

            return negation
        case And(operands=ops):
            parts = tuple(_compile_condition(o, index) for o in ops)

            def every(values: _Values) -> bool:
                for part in parts:  # noqa: SIM110 (no generator per call)
                    if not part(values):
                        return False
                return True

            return every
        case Or(operands=ops):
            parts = tuple(_compile_condition(o, index) for o in ops)

            def some(values: _Values) -> bool:
                for part in parts:  # noqa: SIM110 (no generator per call)
                    if part(values):
                        return True
                return False

            return some
    raise TypeError(f"not a condition node: {node!r}")  # pragma: no cover


# ---------------------------------------------------------------------------
# Formula
# ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Formula:
    """A parsed formula, ready to evaluate many times.

    Build it with :func:`parse_formula`; ``Formula(root=...)`` works too
    (tests, programmatic stat types) and derives everything else. Two
    formulas are equal when their canonical :attr:`text` is: the text is the
    key to share a pool entry. The compiled closure cannot be pickled:
    snapshot :attr:`text` and parse it again with the stat type's subject.
    """

    #: the AST
    root: Node = attrs.field(eq=False, repr=False)
    #: canonical text: single spaces around binary operators, minimal
    #: parentheses, lower-case function names, numbers as ``2``/``0.5``,
    #: masks spelled by what they select (``TotalTime(CallInbound, CallOnHold)``)
    text: str = attrs.field(init=False)
    #: the distinct terms, in order of first appearance in the text: the
    #: order of the values :meth:`evaluate` takes
    terms: tuple[Term, ...] = attrs.field(init=False, eq=False)
    _function: _Num = attrs.field(init=False, eq=False, repr=False)

    @text.default
    def _text_default(self) -> str:
        return _render(self.root)

    @terms.default
    def _terms_default(self) -> tuple[Term, ...]:
        found = (n.term for n in _walk(self.root) if isinstance(n, Aggregate))
        return tuple(dict.fromkeys(found))

    @_function.default
    def _function_default(self) -> _Num:
        if _is_condition(self.root):
            raise ValueError("a formula must compute a number, not a condition")
        return _compile_number(self.root, {term: i for i, term in enumerate(self.terms)})

    def evaluate(self, values: Sequence[float]) -> float:
        """Compute the formula from its terms' current values.

        Args:
            values: ``values[i]`` is the value of ``terms[i]``, in the units
                the category reports: times in seconds, counts as integers.

        Returns:
            A finite float, never -0.0. ``x / 0`` is 0; so is any other
            intermediate result that overflows, and any term value that is
            NaN or infinite.

        Raises:
            LocalProtocolError: ``len(values) != len(terms)``.
        """
        if len(values) != len(self.terms):
            raise LocalProtocolError(
                f"formula {self.text!r} takes {len(self.terms)} term values, got {len(values)}"
            )
        return self._function(values) + 0.0  # + 0.0 turns -0.0 into 0.0

    def canonical(self) -> str:
        """The canonical text (:attr:`text`); equal formulas share it."""
        return self.text


# ---------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------


class _Kind(enum.Enum):
    LPAREN = enum.auto()
    RPAREN = enum.auto()
    COMMA = enum.auto()
    SEMICOLON = enum.auto()
    PLUS = enum.auto()
    MINUS = enum.auto()
    STAR = enum.auto()
    SLASH = enum.auto()
    AND = enum.auto()
    OR = enum.auto()
    NOT = enum.auto()
    COMPARE = enum.auto()
    NUMBER = enum.auto()
    STRING = enum.auto()
    NAME = enum.auto()
    END = enum.auto()


_PUNCTUATION: Final[Mapping[str, _Kind]] = MappingProxyType(
    {
        "(": _Kind.LPAREN,
        ")": _Kind.RPAREN,
        ",": _Kind.COMMA,
        ";": _Kind.SEMICOLON,
        "+": _Kind.PLUS,
        "-": _Kind.MINUS,
        "*": _Kind.STAR,
        "/": _Kind.SLASH,
        "&": _Kind.AND,
        "|": _Kind.OR,
        "~": _Kind.NOT,
    }
)

_ARITH: Final[Mapping[_Kind, ArithOp]] = MappingProxyType(
    {
        _Kind.PLUS: ArithOp.ADD,
        _Kind.MINUS: ArithOp.SUB,
        _Kind.STAR: ArithOp.MUL,
        _Kind.SLASH: ArithOp.DIV,
    }
)

#: Spellings, longest first so ``>=`` is never read as ``>``.
_COMPARE_SPELLINGS: Final[tuple[tuple[str, CompareOp], ...]] = (
    ("==", CompareOp.EQ),
    ("!=", CompareOp.NE),
    (">=", CompareOp.GE),
    ("<=", CompareOp.LE),
    ("=", CompareOp.EQ),
    (">", CompareOp.GT),
    ("<", CompareOp.LT),
)

_NUMBER: Final = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

_ESCAPABLE = '"\\'


@attrs.frozen
class _Token:
    kind: _Kind
    #: as written (strings with their quotes), for messages
    text: str
    #: 1-based column of the first character
    column: int
    #: decoded value: number, string contents or name, comparison
    value: float | str | CompareOp | None = None

    @property
    def end(self) -> int:
        """0-based index just after the token."""
        return self.column - 1 + len(self.text)


@attrs.frozen
class _Reporter:
    """Builds ConfigErrors that name the column, the text, the path and the file."""

    text: str
    path: str
    source: str

    def error(self, column: int, problem: str, *, expected: str, found: str | None) -> ConfigError:
        return ConfigError(
            f"{problem} at column {column} in {self.text!r}",
            path=self.path,
            expected=expected,
            found=found,
            source=self.source,
        )


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _scan_string(report: _Reporter, start: int) -> _Token:
    """The string opening at ``text[start]`` (escapes ``\\"`` and ``\\\\`` only)."""
    text = report.text
    chars: list[str] = []
    i = start + 1
    while i < len(text) and text[i] not in '"\n':
        if text[i] == "\\":
            escaped = text[i + 1 : i + 2]
            if escaped in ("", "\n"):
                break  # unterminated, reported below
            if escaped not in _ESCAPABLE:
                raise report.error(
                    i + 1,
                    f"unknown escape {text[i : i + 2]!r} in string",
                    expected='\\" or \\\\',
                    found=text[i : i + 2],
                )
            chars.append(escaped)
            i += 2
        else:
            chars.append(text[i])
            i += 1
    if i >= len(text) or text[i] != '"':
        raise report.error(
            start + 1,
            "unterminated string",
            expected='a closing " on the same line',
            found=text[start:i],
        )
    return _Token(_Kind.STRING, text[start : i + 1], start + 1, "".join(chars))


def _scan_number(report: _Reporter, start: int) -> _Token:
    text = report.text
    match = _NUMBER.match(text, start)
    assert match is not None  # the caller saw a digit, or "." and a digit
    end = match.end()
    if end < len(text) and (_is_word_char(text[end]) or text[end] == "."):
        stop = end
        while stop < len(text) and (_is_word_char(text[stop]) or text[stop] in ".+-"):
            if text[stop] in "+-" and text[stop - 1] not in "eE":
                break
            stop += 1
        raise report.error(
            start + 1,
            f"malformed number {text[start:stop]!r}",
            expected="a number such as 12, 0.5 or 1e3",
            found=text[start:stop],
        )
    value = float(match[0])
    if value - value != 0.0:
        raise report.error(
            start + 1,
            f"number {match[0]!r} is too large",
            expected="a finite number (below 1.8e308)",
            found=match[0],
        )
    return _Token(_Kind.NUMBER, match[0], start + 1, value)


def _tokenize(report: _Reporter) -> list[_Token]:
    """Split the text into tokens, ending with one ``END`` token."""
    text = report.text
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
        elif ch in "=!<>":
            for spelling, op in _COMPARE_SPELLINGS:
                if text.startswith(spelling, i):
                    tokens.append(_Token(_Kind.COMPARE, spelling, column, op))
                    i += len(spelling)
                    break
            else:  # a lone "!"
                raise report.error(
                    column, f"unexpected character {ch!r}", expected="'!='", found=ch
                )
        elif "0" <= ch <= "9" or (ch == "." and "0" <= text[i + 1 : i + 2] <= "9"):
            token = _scan_number(report, i)
            tokens.append(token)
            i = token.end
        elif ch == '"':
            token = _scan_string(report, i)
            tokens.append(token)
            i = token.end
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i + 1
            while j < n and _is_word_char(text[j]):
                j += 1
            tokens.append(_Token(_Kind.NAME, text[i:j], column, text[i:j]))
            i = j
        else:
            raise report.error(
                column,
                f"unexpected character {ch!r}",
                expected="a number, a name, an operator, a comma or a parenthesis",
                found=ch,
            )
    tokens.append(_Token(_Kind.END, "", n + 1))
    return tokens


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------

_OPERAND = "a number, a term such as TotalTime(CallInbound), a function, '-' or '('"
_FUNCTION_NAMES: Final = ("min", "max", "abs", "round", "if")
_SIGNATURES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "min": "min(a, b, ...)",
        "max": "max(a, b, ...)",
        "abs": "abs(x)",
        "round": "round(x) or round(x, digits)",
        "if": "if(condition, then, else)",
    }
)
#: fewest and most arguments (None: no limit)
_ARITY: Final[Mapping[str, tuple[int, int | None]]] = MappingProxyType(
    {"min": (2, None), "max": (2, None), "abs": (1, 1), "round": (1, 2), "if": (3, 3)}
)


def _by_value(categories: Collection[Category]) -> list[Category]:
    return sorted(categories, key=lambda c: c.value)


_ALLOWED_TEXT: Final = ", ".join(c.name for c in _by_value(FORMULA_CATEGORIES))
_RANGE_TERMS_TEXT: Final = " and ".join(
    c.name for c in _by_value(FORMULA_CATEGORIES & TIME_RANGE_CATEGORIES)
)


def _did_you_mean(name: str, candidates: Collection[str]) -> str:
    folded = [c for c in candidates if c.casefold() == name.casefold()]
    near = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    matches = list(dict.fromkeys(folded + near))[:3]
    return f" (did you mean {' or '.join(matches)}?)" if matches else ""


@attrs.frozen
class _Parsed:
    """A parsed sub-expression and where it was written."""

    node: Node
    #: 1-based column of its first character
    column: int
    #: 0-based index just after its last character
    end: int


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    __slots__ = ("_depth", "_pos", "_report", "_subject", "_time_ranges", "_tokens")

    def __init__(
        self,
        report: _Reporter,
        tokens: list[_Token],
        subject: Subject,
        time_ranges: Collection[str] | None,
    ) -> None:
        self._report = report
        self._tokens = tokens
        self._subject = subject
        self._time_ranges = time_ranges
        self._pos = 0
        self._depth = 0

    def parse(self) -> Node:
        if self._peek().kind is _Kind.END:
            raise self._report.error(1, "empty formula", expected=_OPERAND, found=None)
        parsed = self._expression()
        self._expect(_Kind.END, "an operator or the end of the formula")
        if _is_condition(parsed.node):
            raise self._report.error(
                parsed.column,
                "a formula must compute a number, not a condition",
                expected="a number; write if(<condition>, 1, 0) for a 0/1 value",
                found=self._slice(parsed),
            )
        return parsed.node

    # -- helpers -----------------------------------------------------------

    def _peek(self) -> _Token:
        return self._tokens[self._pos]

    def _advance(self) -> _Token:
        token = self._tokens[self._pos]
        if token.kind is not _Kind.END:
            self._pos += 1
        return token

    def _last_end(self) -> int:
        return self._tokens[self._pos - 1].end if self._pos else 0

    def _slice(self, parsed: _Parsed) -> str:
        return self._report.text[parsed.column - 1 : parsed.end]

    def _fail(self, token: _Token, problem: str, expected: str) -> NoReturn:
        found = None if token.kind is _Kind.END else token.text
        raise self._report.error(token.column, problem, expected=expected, found=found)

    def _unexpected(self, token: _Token, expected: str) -> NoReturn:
        what = "end of formula" if token.kind is _Kind.END else repr(token.text)
        self._fail(token, f"unexpected {what}", expected)

    def _expect(self, kind: _Kind, expected: str) -> _Token:
        token = self._peek()
        if token.kind is not kind:
            self._unexpected(token, expected)
        return self._advance()

    def _enter(self, token: _Token) -> None:
        self._depth += 1
        if self._depth > MAX_NESTING:
            self._fail(
                token,
                f"formula nested deeper than {MAX_NESTING} levels",
                f"at most {MAX_NESTING} nested '(', '-', '~' or function calls",
            )

    def _number(self, parsed: _Parsed) -> Node:
        if _is_condition(parsed.node):
            raise self._report.error(
                parsed.column,
                "condition used as a number",
                expected="a number (conditions go in if(), '&', '|' and '~')",
                found=self._slice(parsed),
            )
        return parsed.node

    def _condition(self, parsed: _Parsed) -> Node:
        if not _is_condition(parsed.node):
            raise self._report.error(
                parsed.column,
                "number used as a condition",
                expected="a condition such as TotalNumber(CallAbandoned) > 0",
                found=self._slice(parsed),
            )
        return parsed.node

    def _done(self, node: Node, column: int) -> _Parsed:
        return _Parsed(node, column, self._last_end())

    # -- grammar rules -----------------------------------------------------

    def _expression(self) -> _Parsed:
        return self._disjunction()

    def _logical(self, kind: _Kind, below: Callable[[], _Parsed], node: type[And | Or]) -> _Parsed:
        first = below()
        if self._peek().kind is not kind:
            return first
        operands: list[Node] = []
        parsed = first
        while True:
            operand = self._condition(parsed)
            # (a & b) & c is a & b & c: one node, one canonical text
            operands.extend(operand.operands if isinstance(operand, node) else (operand,))
            if self._peek().kind is not kind:
                break
            self._advance()
            parsed = below()
        return self._done(node(operands=tuple(operands)), first.column)

    def _disjunction(self) -> _Parsed:
        return self._logical(_Kind.OR, self._conjunction, Or)

    def _conjunction(self) -> _Parsed:
        return self._logical(_Kind.AND, self._negation, And)

    def _negation(self) -> _Parsed:
        token = self._peek()
        if token.kind is not _Kind.NOT:
            return self._comparison()
        self._advance()
        self._enter(token)
        operand = self._condition(self._negation())
        self._depth -= 1
        return self._done(Not(operand=operand), token.column)

    def _comparison(self) -> _Parsed:
        left = self._sum()
        token = self._peek()
        if token.kind is not _Kind.COMPARE:
            return left
        self._advance()
        right = self._sum()
        after = self._peek()
        if after.kind is _Kind.COMPARE:
            self._fail(
                after,
                "comparisons do not chain",
                "'&' or '|' between two comparisons, e.g. a < b & b < c",
            )
        assert isinstance(token.value, CompareOp)
        node = Comparison(left=self._number(left), op=token.value, right=self._number(right))
        return self._done(node, left.column)

    def _arithmetic(
        self, ops: frozenset[_Kind], below: Callable[[], _Parsed], node: type[Sum | Product]
    ) -> _Parsed:
        first = below()
        if self._peek().kind not in ops:
            return first
        head = self._number(first)
        rest: list[tuple[ArithOp, Node]] = []
        if isinstance(head, Sum | Product) and isinstance(
            head, node
        ):  # (a + b) + c is a + b + c: same steps, same order
            rest = list(head.rest)
            head = head.first
        while self._peek().kind in ops:
            op = _ARITH[self._advance().kind]
            rest.append((op, self._number(below())))
        return self._done(node(first=head, rest=tuple(rest)), first.column)

    def _sum(self) -> _Parsed:
        return self._arithmetic(frozenset({_Kind.PLUS, _Kind.MINUS}), self._product, Sum)

    def _product(self) -> _Parsed:
        return self._arithmetic(frozenset({_Kind.STAR, _Kind.SLASH}), self._unary, Product)

    def _unary(self) -> _Parsed:
        token = self._peek()
        if token.kind is not _Kind.MINUS:
            return self._primary()
        self._advance()
        self._enter(token)
        operand = self._number(self._unary())
        self._depth -= 1
        return self._done(Negate(operand=operand), token.column)

    def _primary(self) -> _Parsed:
        token = self._peek()
        if token.kind is _Kind.NUMBER:
            self._advance()
            assert isinstance(token.value, float)
            return self._done(Number(value=token.value), token.column)
        if token.kind is _Kind.LPAREN:
            self._advance()
            self._enter(token)
            inner = self._expression()
            self._expect(_Kind.RPAREN, "an operator or ')'")
            self._depth -= 1
            return self._done(inner.node, token.column)
        if token.kind is _Kind.NAME:
            return self._call()
        self._unexpected(token, _OPERAND)

    def _call(self) -> _Parsed:
        token = self._advance()
        name = token.text
        function = name.lower() if name.lower() in _FUNCTION_NAMES else None
        category = Category.__members__.get(name)
        if function is None and category is None:
            candidates = [c.name for c in FORMULA_CATEGORIES] + list(_FUNCTION_NAMES)
            self._fail(
                token,
                f"unknown category or function {name!r}" + _did_you_mean(name, candidates),
                f"a category ({_ALLOWED_TEXT}) or a function ({', '.join(_FUNCTION_NAMES)})",
            )
        if category is not None and category not in FORMULA_CATEGORIES:
            reason = _refusal(category)
            self._fail(
                token,
                f"category {name} cannot be a formula term: {reason}",
                f"one of {_ALLOWED_TEXT}",
            )
        self._expect(_Kind.LPAREN, f"'(' after {name}")
        self._enter(token)
        if function is not None:
            parsed = self._function(token, function)
        else:
            assert category is not None
            parsed = self._term(token, category)
        self._depth -= 1
        return parsed

    def _function(self, token: _Token, name: str) -> _Parsed:
        args: list[_Parsed] = []
        if self._peek().kind is not _Kind.RPAREN:
            args.append(self._expression())
            while self._peek().kind is _Kind.COMMA:
                self._advance()
                args.append(self._expression())
        close = self._expect(_Kind.RPAREN, "',' or ')'")
        fewest, most = _ARITY[name]
        signature = _SIGNATURES[name]
        if len(args) < fewest:
            self._fail(
                close,
                f"{name}() needs {'at least ' if most is None else ''}{fewest} argument"
                + ("s" if fewest > 1 else ""),
                signature,
            )
        if most is not None and len(args) > most:
            extra = args[most]
            raise self._report.error(
                extra.column,
                f"{name}() takes at most {most} argument" + ("s" if most > 1 else ""),
                expected=signature,
                found=self._slice(extra),
            )
        node: Node
        if name == "if":
            node = If(
                condition=self._condition(args[0]),
                then=self._number(args[1]),
                otherwise=self._number(args[2]),
            )
        elif name == "round":
            digits = self._round_digits(args[1]) if len(args) > 1 else 0
            node = Round(operand=self._number(args[0]), digits=digits)
        else:
            node = Call(function=Function(name), args=tuple(self._number(a) for a in args))
        return self._done(node, token.column)

    def _round_digits(self, parsed: _Parsed) -> int:
        node = parsed.node
        negative = isinstance(node, Negate)
        if isinstance(node, Negate):
            node = node.operand
        text = self._slice(parsed)
        if (
            isinstance(node, Number)
            and text.lstrip("-").strip().isdigit()
            and node.value <= MAX_ROUND_DIGITS
        ):
            return -int(node.value) if negative else int(node.value)
        raise self._report.error(
            parsed.column,
            "bad number of digits for round()",
            expected=f"a whole number from -{MAX_ROUND_DIGITS} to {MAX_ROUND_DIGITS}",
            found=text,
        )

    def _term(self, token: _Token, category: Category) -> _Parsed:
        subject = self._subject
        if subject not in CATEGORY_SUBJECTS.get(category, frozenset()):
            self._fail(  # pragma: no cover - every formula category accepts every subject
                token,
                f"category {category.name} does not accept Subject={subject.value}",
                "another category",
            )
        takes_range = category in TIME_RANGE_CATEGORIES
        items: list[str] = []
        first = self._peek()
        if first.kind is _Kind.RPAREN:
            self._fail(
                first,
                f"empty mask in {category.name}()",
                "a mask item: '*', an action or status name, or '~' before one",
            )
        while True:
            items.append(self._mask_item())
            if self._peek().kind is not _Kind.COMMA:
                break
            self._advance()
        mask_end = self._last_end()
        time_range: str | None = None
        after_mask = "',', ';' or ')'" if takes_range else "',' or ')'"
        semicolon = self._peek()
        if semicolon.kind is _Kind.SEMICOLON:
            if not takes_range:
                self._fail(
                    semicolon,
                    f"category {category.name} takes no time range",
                    f"',' or ')' (only {_RANGE_TERMS_TEXT} take one)",
                )
            self._advance()
            time_range = self._time_range()
            after_mask = "')'"
        self._expect(_Kind.RPAREN, after_mask)
        mask = Mask.parse(",".join(items), subject)
        if not mask:
            what = "action" if subject is Subject.DNAction else "status"
            raise self._report.error(
                first.column,
                f"mask of {category.name} selects nothing",
                expected=f"a mask selecting at least one {what}",
                found=self._report.text[first.column - 1 : mask_end],
            )
        term = Term(category=category, mask=_canonical_mask(mask), time_range=time_range)
        return self._done(Aggregate(term=term), token.column)

    def _mask_item(self) -> str:
        """One item in Mask syntax (``*``, ``Name``, ``~Name``), checked against the subject."""
        negate = self._peek().kind is _Kind.NOT
        if negate:
            self._advance()
        token = self._peek()
        expected = "a mask item: '*', an action or status name, or '~' before one"
        if token.kind is _Kind.STAR:
            self._advance()
            return "~*" if negate else "*"
        if token.kind not in (_Kind.NAME, _Kind.STRING):
            self._unexpected(token, expected)
        name = str(token.value)
        if token.kind is _Kind.STRING and (
            not name or name != name.strip() or any(ch in name for ch in ",~*")
        ):
            self._fail(token, f"bad mask name {token.text}", "an action or status name")
        try:
            Mask.parse(name, self._subject)
        except ConfigError as exc:
            detail = f" (expected {exc.expected}, found {exc.found!r})" if exc.expected else ""
            self._fail(token, str(exc).removesuffix(detail), exc.expected or expected)
        self._advance()
        return "~" + name if negate else name

    def _time_range(self) -> str:
        token = self._expect(_Kind.STRING, 'a quoted time range name such as "ServiceLevel"')
        name = str(token.value)
        if not name.strip():
            self._fail(token, "empty time range name", "a time range name")
        known = self._time_ranges
        if known is not None and name not in known:
            self._fail(
                token,
                f"unknown time range {name!r}" + _did_you_mean(name, known),
                "one of " + ", ".join(sorted(known)) if known else "a time range of [time_ranges]",
            )
        return name


def parse_formula(
    text: str,
    subject: Subject,
    *,
    path: str = "",
    source: str = "",
    time_ranges: Collection[str] | None = None,
) -> Formula:
    """Parse a formula (grammar in the module docstring and ``docs/formula.md``).

    Args:
        text: the formula, e.g. ``"TotalTime(CallInbound) / TotalNumber(CallInbound)"``.
        subject: the stat type's Subject: term masks list actions (DNAction)
            or statuses (the status subjects).
        path, source: where the text came from, for error messages
            (``stattypes.AHT.Expression``, the file name).
        time_ranges: the names of the configured time ranges; when given, a
            term naming another range is refused. None: names are not
            checked here (the engine resolves them).

    Returns:
        The compiled formula; keep it for as long as the text is unchanged.

    Raises:
        ConfigError: ``text`` is not a string or breaks the grammar, a term's
            category cannot be a term, a mask item is unknown or the mask
            selects nothing, a condition is used as a number or the reverse,
            a function gets the wrong number of arguments, or the subject is
            CampaignAction. The message says what was wrong, the 1-based
            column and the text, e.g. ``unexpected ')' at column 14 in
            'TotalTime(*) )'``; ``expected`` says what would have been accepted
            and ``found`` the offending text (None at the end of the text).
    """
    if not isinstance(text, str):
        raise ConfigError(
            "a formula must be a string", path=path, expected="a string", found=text, source=source
        )
    if not isinstance(subject, Subject) or (
        subject is not Subject.DNAction and subject not in STATUS_SUBJECTS
    ):
        raise ConfigError(
            "formula terms need actions or statuses",
            path=path,
            expected="Subject DNAction or a status subject (campaigns are not supported)",
            found=getattr(subject, "value", subject),
            source=source,
        )
    report = _Reporter(text, path, source)
    root = _Parser(report, _tokenize(report), subject, time_ranges).parse()
    return Formula(root=root)
