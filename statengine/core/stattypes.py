"""Stat types: what a statistic computes (``shared/DOMAIN.md`` §4).

A stat type names the object types it applies to (``Objects``), an
aggregation (``Category``), whether it looks at actions or at statuses
(``Subject``), which of those it keeps (``MainMask``, ``RelMask``) and a few
options (``MediaType``, ``Filter``, timestamps). A statistic is a stat type
opened on one object with a time profile and, for some categories, a time
range (DOMAIN §5.2); the time range and the profile are request parameters,
not part of the stat type.

What lives here:

* the vocabulary: :class:`Category` (with the C/PSDK ordinals as values),
  :class:`Subject`;
* the tables the engine, the docs and the tests read: which categories are
  implemented, which need a RelMask or a time range, which subjects each
  accepts, and the compatibility groups of object types (DOMAIN §1.2);
* :class:`Mask` (``*``, names, ``~name``, left to right), :class:`TimeRange`
  (half-open, whole seconds) and :class:`StatType`, each built from the
  outside world through a named constructor that refuses bad input with a
  :class:`~statengine.errors.ConfigError` naming the path, what was expected
  and what was found.

Rules kept:

* Config keys are case-sensitive and spelled as in Genesys (``MainMask``,
  ``UseSourceTimeStamps``); unknown keys are refused with the allowed list.
* A category that is known but not implemented is refused by name ("category
  X is not supported yet") rather than silently computing something else.
* Masks are evaluated once, at parse time, into frozen sets: membership is a
  single set lookup on the hot path.
* Pure data, no I/O: the TOML layer hands raw mappings in.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, NoReturn, TypeVar

import attrs

from statengine.core.actions import ActionKind
from statengine.core.objects import ObjectType
from statengine.core.status import Status
from statengine.errors import ConfigError

__all__ = [
    "ACTION_ALIASES",
    "CATEGORY_SUBJECTS",
    "COMPATIBILITY_GROUPS",
    "CURRENT_CATEGORIES",
    "DEFAULT_TIME_RANGE",
    "RELATIVE_CATEGORIES",
    "REL_MASK_CATEGORIES",
    "STATE_CATEGORIES",
    "STATUS_SUBJECTS",
    "STAT_TYPE_KEYS",
    "SUPPORTED_CATEGORIES",
    "SUPPORTED_OBJECT_TYPES",
    "TIME_RANGE_CATEGORIES",
    "Category",
    "Mask",
    "StatType",
    "Subject",
    "TimeRange",
    "load_stat_types",
    "load_time_ranges",
    "whole_seconds",
]


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------


class Category(enum.Enum):
    """Statistical categories; values are the C/PSDK ordinals (DOMAIN §4.5).

    Formulas of the implemented ones: ``docs/semantics.md`` §2.
    """

    __hash__ = object.__hash__  # identity hash: see ActionKind

    #: summed duration of the mask's items in the interval
    TotalTime = 0
    #: number of the mask's items in the interval
    TotalNumber = 1
    #: TotalTime / number of completed items
    AverageTime = 2
    #: longest single duration in the interval
    MaxTime = 3
    #: shortest single duration in the interval
    MinTime = 4
    #: TotalTime as a percentage of the elapsed interval
    ElapsedTimePercentage = 5
    #: 100 x TotalTime(MainMask) / TotalTime(RelMask)
    RelativeTimePercentage = 6
    #: 100 x TotalNumber(MainMask) / TotalNumber(RelMask)
    RelativeNumberPercentage = 7
    #: completed items whose duration falls in the time range
    TotalNumberInTimeRange = 8
    #: TotalNumberInTimeRange as a percentage of the completed items
    TotalNumberInTimeRangePercentage = 9
    #: a structure: the object's state tree (DOMAIN §3.10)
    CurrentState = 10
    #: summed age of the items open now
    CurrentTime = 11
    #: number of items open now
    CurrentNumber = 12
    #: age of the oldest item open now
    CurrentMaxTime = 13
    #: age of the youngest item open now
    CurrentMinTime = 14
    #: mean age of the items open now
    CurrentAverageTime = 15
    #: 100 x CurrentTime(MainMask) / current aggregate of RelMask
    CurrentRelativeTimePercentage = 16
    #: 100 x CurrentNumber(MainMask) / CurrentNumber(RelMask)
    CurrentRelativeNumberPercentage = 17
    #: open items whose current age is in the time range
    CurrentNumberInTimeRange = 18
    #: CurrentNumberInTimeRange as a percentage of the open items
    CurrentNumberInTimeRangePercentage = 19
    #: TotalNumber per second of the interval
    TotalNumberPerSecond = 20
    #: estimated time to drain the current number
    EstimTimeToEndCurrentNumber = 21
    #: service level: answered in range over answered + abandoned (DOMAIN §4.6)
    ServiceFactor1 = 22
    #: compound load balance, single-media mediation DNs
    LoadBalance1 = 23
    #: error counters (Java / outbound)
    TotalNumberErrors = 24
    #: sum of a custom formula over completed actions
    TotalCustomValue = 25
    #: mean of a custom formula over completed actions
    AverageCustomValue = 26
    #: minimum of a custom formula over completed actions
    MinCustomValue = 27
    #: maximum of a custom formula over completed actions
    MaxCustomValue = 28
    #: sum of a custom formula over ongoing actions
    CurrentCustomValue = 29
    #: mean of a custom formula over ongoing actions
    CurrentAverageCustomValue = 30
    #: minimum of a custom formula over ongoing actions
    CurrentMinCustomValue = 31
    #: maximum of a custom formula over ongoing actions
    CurrentMaxCustomValue = 32
    #: estimated waiting time of a new call (voice mediation DNs)
    EstimWaitingTime = 33
    #: compound load balance (voice mediation DNs)
    LoadBalance = 34
    #: TotalNumber(MainMask) / TotalNumber(RelMask)
    RelativeNumber = 35
    #: estimated time to complete the items waiting
    EstimTimeToComplete = 36
    #: time average of CurrentNumber, sampled every 2 seconds
    AverageOfCurrentNumber = 37
    #: time average of CurrentTime, sampled every 2 seconds
    AverageOfCurrentTime = 38
    #: TotalTime with each item wholly in the interval where it ended
    TotalAdjustedTime = 39
    #: TotalNumber with each item counted in the interval where it ended
    TotalAdjustedNumber = 40
    #: CurrentState plus the reasons that change within a status
    CurrentStateReasons = 41
    #: a value computed by a Stat Server Java extension
    JavaCategory = 42
    #: TotalNumber(MainMask) per hour of TotalTime(RelMask)
    AverageNumberPerRelativeHour = 43
    #: routing-oriented state per media with capacity
    CurrentTargetState = 44
    #: summed duration of the items counted by TotalNumberInTimeRange
    TotalTimeInTimeRange = 45
    #: smallest current number observed in the interval
    MinNumber = 46
    #: largest current number observed in the interval
    MaxNumber = 47
    #: current number of distinct interactions
    CurrentDistinctNumber = 48
    #: time the status has continuously stayed within the mask
    CurrentContinuousTime = 49
    #: an expression of the 8.5.106+ formula language
    Formula = 50
    #: total time de-duplicated by interaction
    TotalDistinctTime = 51
    #: periods during which the status stayed in the mask (documented, ordinal unknown)
    TotalContinuousNumber = 100


class Subject(enum.Enum):
    """What a stat type aggregates: actions or an object's status (DOMAIN §4.3)."""

    __hash__ = object.__hash__

    #: actions (durable, momentary, retrospective) of the object's devices
    DNAction = "DNAction"
    #: the status of each DN
    DNStatus = "DNStatus"
    #: the agent's status
    AgentStatus = "AgentStatus"
    #: the place's status
    PlaceStatus = "PlaceStatus"
    #: the status of a group's members
    GroupStatus = "GroupStatus"
    #: outbound campaign actions (not supported: no campaigns in statengine)
    CampaignAction = "CampaignAction"


_C = Category
_S = Subject

#: Subjects whose masks list :class:`~statengine.core.status.Status` names.
STATUS_SUBJECTS: Final[frozenset[Subject]] = frozenset(
    {_S.DNStatus, _S.AgentStatus, _S.PlaceStatus, _S.GroupStatus}
)

#: Categories implemented now; the others are refused with a ConfigError
#: naming the category.
SUPPORTED_CATEGORIES: Final[frozenset[Category]] = frozenset(
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
        _C.TotalNumberInTimeRangePercentage,
        _C.TotalTimeInTimeRange,
        _C.ServiceFactor1,
        _C.MaxNumber,
        _C.MinNumber,
        _C.ElapsedTimePercentage,
        _C.RelativeTimePercentage,
        _C.RelativeNumberPercentage,
        _C.RelativeNumber,
        _C.AverageNumberPerRelativeHour,
        _C.AverageOfCurrentNumber,
        _C.AverageOfCurrentTime,
        _C.TotalNumberPerSecond,
        _C.TotalContinuousNumber,
        _C.CurrentRelativeNumberPercentage,
        _C.CurrentRelativeTimePercentage,
        _C.CurrentNumberInTimeRange,
        _C.CurrentNumberInTimeRangePercentage,
        _C.CurrentContinuousTime,
        _C.CurrentDistinctNumber,
        _C.EstimWaitingTime,
        _C.LoadBalance,
        _C.CurrentState,
        _C.CurrentStateReasons,
        _C.Formula,
    }
)

#: Categories whose value does not depend on the interval (DOMAIN §4.4, §3.10):
#: they look only at what is open now.
CURRENT_CATEGORIES: Final[frozenset[Category]] = frozenset(
    {
        _C.CurrentState,
        _C.CurrentStateReasons,
        _C.CurrentTargetState,
        _C.CurrentTime,
        _C.CurrentNumber,
        _C.CurrentMaxTime,
        _C.CurrentMinTime,
        _C.CurrentAverageTime,
        _C.CurrentRelativeTimePercentage,
        _C.CurrentRelativeNumberPercentage,
        _C.CurrentNumberInTimeRange,
        _C.CurrentNumberInTimeRangePercentage,
        _C.CurrentContinuousTime,
        _C.CurrentDistinctNumber,
        _C.CurrentCustomValue,
        _C.CurrentAverageCustomValue,
        _C.CurrentMinCustomValue,
        _C.CurrentMaxCustomValue,
    }
)

#: Structure-valued categories (DOMAIN §3.10): the only ones without MainMask.
STATE_CATEGORIES: Final[frozenset[Category]] = frozenset(
    {_C.CurrentState, _C.CurrentStateReasons, _C.CurrentTargetState}
)

#: Categories for which a RelMask is mandatory (DOMAIN §4.6).
RELATIVE_CATEGORIES: Final[frozenset[Category]] = frozenset(
    {
        _C.RelativeTimePercentage,
        _C.RelativeNumberPercentage,
        _C.RelativeNumber,
        _C.AverageNumberPerRelativeHour,
        _C.CurrentRelativeNumberPercentage,
        _C.CurrentRelativeTimePercentage,
    }
)

#: Categories that read the RelMask when there is one: the relative ones,
#: plus the in-time-range percentages whose denominator is the RelMask count
#: if given, else the MainMask count (``docs/semantics.md`` §2.3). Every
#: other category ignores a RelMask (Genesys accepts and ignores it too).
REL_MASK_CATEGORIES: Final[frozenset[Category]] = RELATIVE_CATEGORIES | frozenset(
    {_C.TotalNumberInTimeRangePercentage, _C.CurrentNumberInTimeRangePercentage}
)

#: Categories computed against a time range (DOMAIN §5.2); the range is a
#: request parameter, :data:`DEFAULT_TIME_RANGE` when the request has none.
TIME_RANGE_CATEGORIES: Final[frozenset[Category]] = frozenset(
    {
        _C.TotalNumberInTimeRange,
        _C.TotalNumberInTimeRangePercentage,
        _C.TotalTimeInTimeRange,
        _C.ServiceFactor1,
        _C.CurrentNumberInTimeRange,
        _C.CurrentNumberInTimeRangePercentage,
    }
)

_ACTION_OR_STATUS: Final = frozenset({_S.DNAction}) | STATUS_SUBJECTS

#: The subjects each supported category accepts. The compound ServiceFactor1
#: is defined over fixed action sets, so it needs Subject=DNAction (DOMAIN
#: §4.6); every other supported category works on actions and on statuses
#: (``docs/semantics.md`` §2.3-2.4).
_ACTION_ONLY: Final = frozenset(
    {_C.ServiceFactor1, _C.EstimWaitingTime, _C.LoadBalance, _C.CurrentDistinctNumber}
)
CATEGORY_SUBJECTS: Final[Mapping[Category, frozenset[Subject]]] = MappingProxyType(
    {
        category: frozenset({_S.DNAction})
        if category in _ACTION_ONLY
        else STATUS_SUBJECTS
        if category is _C.CurrentContinuousTime
        else _ACTION_OR_STATUS
        for category in sorted(SUPPORTED_CATEGORIES, key=lambda c: c.value)
    }
)

#: Categories that need no MainMask: state trees, formulas (their terms
#: carry masks) and the compound queue estimates (fixed action sets).
NO_MAIN_MASK_CATEGORIES: Final[frozenset[Category]] = STATE_CATEGORIES | frozenset(
    {_C.Formula, _C.EstimWaitingTime, _C.LoadBalance}
)

_O = ObjectType

#: Object types of each compatibility group (DOMAIN §1.2): the ``Objects`` of
#: one stat type all belong to one group. Regular-DN group, mediation-DN
#: group, interaction queues (StagingArea, with Tenant, DOMAIN §3.6-3.7),
#: campaign group. Tenant is in two groups.
COMPATIBILITY_GROUPS: Final[tuple[frozenset[ObjectType], ...]] = (
    frozenset({_O.RegDN, _O.Agent, _O.Place, _O.GroupAgents, _O.GroupPlaces, _O.Tenant}),
    frozenset({_O.RoutePoint, _O.Queue, _O.GroupQueues, _O.Switch}),
    frozenset({_O.StagingArea, _O.Tenant}),
    frozenset({_O.Campaign, _O.CallingList, _O.CampaignGroup, _O.CampaignCallingList}),
)

#: Object types a stat type may name now: the first three groups. Campaign
#: objects, Workbin and RoutingStrategy are refused as not supported; the
#: internal MediaChannel is never a statistic object.
SUPPORTED_OBJECT_TYPES: Final[frozenset[ObjectType]] = frozenset().union(*COMPATIBILITY_GROUPS[:3])

#: Other spellings of object type names accepted in ``Objects`` (C / PSDK names).
_OBJECT_ALIASES: Final[Mapping[str, ObjectType]] = MappingProxyType(
    {"AgentPlace": _O.Place, "RegularDN": _O.RegDN}
)

_K = ActionKind

#: Mask names that are not an :class:`ActionKind` value, or that stand for
#: more than one kind:
#:
#: * ``AgentLogin`` is both the regular-DN momentary action and the
#:   mediation-DN pseudo-action (``ActionKind.AgentLoginQueue``): Genesys uses
#:   one name for both, so the mask name means both;
#: * ``CallWaitInbound`` ... ``CallWaitInternal`` are the per-call-type
#:   variants of CallWait (DOMAIN §3.2). statengine does not split queue
#:   waits by call type, so each of them means CallWait.
ACTION_ALIASES: Final[Mapping[str, frozenset[ActionKind]]] = MappingProxyType(
    {
        "AgentLogin": frozenset({_K.AgentLogin, _K.AgentLoginQueue}),
        "CallWaitInbound": frozenset({_K.CallWait}),
        "CallWaitOutbound": frozenset({_K.CallWait}),
        "CallWaitConsult": frozenset({_K.CallWait}),
        "CallWaitUnknown": frozenset({_K.CallWait}),
        "CallWaitInternal": frozenset({_K.CallWait}),
    }
)

_ACTION_NAMES: Final[Mapping[str, frozenset[ActionKind]]] = MappingProxyType(
    {kind.value: frozenset({kind}) for kind in ActionKind} | dict(ACTION_ALIASES)
)
_STATUS_NAMES: Final[Mapping[str, frozenset[Status]]] = MappingProxyType(
    {status.name: frozenset({status}) for status in Status}
)
_ALL_ACTIONS: Final = frozenset(ActionKind)
_ALL_STATUSES: Final = frozenset(Status)

#: The keys of a stat type table (case-sensitive, as in Genesys).
STAT_TYPE_KEYS: Final[tuple[str, ...]] = (
    "Objects",
    "Category",
    "Subject",
    "MainMask",
    "RelMask",
    "MediaType",
    "Filter",
    "Description",
    "UseSourceTimeStamps",
    "ReasonStartOverridesStatusStart",
    "Expression",
)

#: Genesys keys of categories statengine does not implement (custom values,
#: Java, Formula): reported after the category, so that a Formula stat type
#: hears "category Formula is not supported yet", not "unknown key Expression".
_UNSUPPORTED_KEYS: Final = frozenset({"Formula", "JavaSubCategory", "AggregationType"})

_T = TypeVar("_T")
_E = TypeVar("_E", bound=enum.Enum)


# ---------------------------------------------------------------------------
# Helpers for error messages
# ---------------------------------------------------------------------------


def _fail(message: str, *, path: str, expected: str, found: Any, source: str) -> NoReturn:
    raise ConfigError(message, path=path, expected=expected, found=found, source=source)


def _close_matches(name: str, candidates: Iterable[str]) -> list[str]:
    """A few known names near ``name``: exact case-insensitive ones first."""
    pool = list(candidates)
    folded = [c for c in pool if c.casefold() == name.casefold()]
    near = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    return list(dict.fromkeys(folded + near))[:3]


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    matches = _close_matches(name, candidates)
    return f" (did you mean {' or '.join(matches)}?)" if matches else ""


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ---------------------------------------------------------------------------
# Masks
# ---------------------------------------------------------------------------


def _evaluate(
    text: str,
    table: Mapping[str, frozenset[_T]],
    everything: frozenset[_T],
    *,
    what: str,
    other: Mapping[str, object],
    hint: str,
    path: str,
    source: str,
) -> frozenset[_T]:
    """Apply the comma-separated items of a mask left to right."""
    current: set[_T] = set()
    if not text.strip():
        return frozenset()
    for raw in text.split(","):
        item = raw.strip()
        negate = item.startswith("~")
        name = item[1:].strip() if negate else item
        if not name:
            _fail(
                "empty mask item",
                path=path,
                expected=f"'*', {what} names or '~name', separated by commas",
                found=text,
                source=source,
            )
        if name == "*":
            members = everything
        else:
            found = table.get(name)
            if found is None:
                message = f"unknown {what} {name!r}" + _did_you_mean(name, table)
                if name in other:
                    message += f"; {name} is {hint}"
                _fail(
                    message,
                    path=path,
                    expected=f"'*' or a {what} name, optionally prefixed by '~'",
                    found=item,
                    source=source,
                )
            members = found
        if negate:
            current.difference_update(members)
        else:
            current.update(members)
    return frozenset(current)


@attrs.frozen(kw_only=True)
class Mask:
    """A parsed MainMask/RelMask: ``*``, names, ``~name``, evaluated left to right.

    Items are separated by commas; whitespace around items is ignored. ``*``
    adds every action (Subject DNAction) or every status (status subjects),
    ``X`` adds X, ``~X`` removes X; order matters: ``*,~LoggedOut`` is all
    but LoggedOut, ``~LoggedOut,*`` is all (DOMAIN §4.2).

    Names are :class:`~statengine.core.actions.ActionKind` values (DNAction)
    or :class:`~statengine.core.status.Status` names (status subjects), plus
    the aliases of :data:`ACTION_ALIASES`: ``AgentLogin`` means both the
    regular-DN action and the queue pseudo-action; ``CallWaitInbound``,
    ``CallWaitOutbound``, ``CallWaitConsult``, ``CallWaitUnknown`` and
    ``CallWaitInternal`` all mean CallWait, because statengine does not
    split queue waits by call type. A ``~`` removes everything an alias
    stands for.

    An empty text is an empty mask; whether that is acceptable is for the
    stat type to say.
    """

    #: the text as written
    text: str
    subject: Subject
    #: the actions selected (Subject DNAction); empty for status subjects
    actions: frozenset[ActionKind] = frozenset()
    #: the statuses selected (status subjects); empty for DNAction
    statuses: frozenset[Status] = frozenset()

    @classmethod
    def parse(cls, text: str, subject: Subject, *, path: str = "", source: str = "") -> Mask:
        """Evaluate a mask for a subject.

        Args:
            text: the mask, e.g. ``"*,~LoggedOut,~NotMonitored"``.
            subject: decides whether names are actions or statuses.
            path, source: where the text came from, for error messages.

        Raises:
            ConfigError: an unknown name (the message suggests close ones),
                an empty item (``"A,,B"``, ``"~"``), or Subject CampaignAction.
        """
        if subject is Subject.DNAction:
            actions = _evaluate(
                text,
                _ACTION_NAMES,
                _ALL_ACTIONS,
                what="action",
                other=_STATUS_NAMES,
                hint="a status: use a status Subject (AgentStatus, DNStatus, ...)",
                path=path,
                source=source,
            )
            return cls(text=text, subject=subject, actions=actions)
        if subject in STATUS_SUBJECTS:
            statuses = _evaluate(
                text,
                _STATUS_NAMES,
                _ALL_STATUSES,
                what="status",
                other=_ACTION_NAMES,
                hint=f"an action: masks of Subject={subject.value} list statuses",
                path=path,
                source=source,
            )
            return cls(text=text, subject=subject, statuses=statuses)
        _fail(
            "campaign actions are not supported",
            path=path,
            expected="a subject other than CampaignAction",
            found=subject.value,
            source=source,
        )

    def __contains__(self, item: ActionKind | Status) -> bool:
        return item in self.actions or item in self.statuses

    def __bool__(self) -> bool:
        """False when the mask selects nothing."""
        return bool(self.actions or self.statuses)

    def names(self) -> tuple[str, ...]:
        """The selected names, sorted: actions by value, statuses by name."""
        return tuple(sorted([a.value for a in self.actions] + [s.name for s in self.statuses]))


# ---------------------------------------------------------------------------
# Time ranges
# ---------------------------------------------------------------------------

_RANGE_TEXT = re.compile(r"\s*([0-9]+)\s*-\s*([0-9]*)\s*")


def whole_seconds(start_ms: int, end_ms: int) -> int:
    """A duration as Stat Server measures it for time ranges (DOMAIN §5.2).

    Milliseconds are truncated from **both** timestamps before subtracting:
    05:40:56.949 -> 05:41:07.542 is 11 s, not 10.593 s.
    """
    return end_ms // 1000 - start_ms // 1000


@attrs.frozen(kw_only=True)
class TimeRange:
    """Half-open [lower, upper) in whole seconds (DOMAIN §5.2); upper None = no upper bound.

    ``0-20`` holds 0 <= d < 20: a call answered after exactly 20 s falls in
    ``20-50``.
    """

    name: str
    #: inclusive lower bound, seconds
    lower: int
    #: exclusive upper bound, seconds; None for an open range (``"120-"``)
    upper: int | None

    @classmethod
    def parse(cls, name: str, text: str, *, path: str = "", source: str = "") -> TimeRange:
        """Parse ``"a-b"`` (``"0-20"``) or ``"a-"`` (no upper bound).

        Raises:
            ConfigError: not a string, not ``a-b`` with whole seconds >= 0, or
                ``lower >= upper`` (an empty range).
        """
        expected = "'<lower>-<upper>' or '<lower>-' in whole seconds, e.g. '0-20'"
        if not isinstance(text, str):
            _fail("wrong type", path=path, expected=expected, found=text, source=source)
        match = _RANGE_TEXT.fullmatch(text)
        if match is None:
            _fail("bad time range", path=path, expected=expected, found=text, source=source)
        lower = int(match[1])
        upper = int(match[2]) if match[2] else None
        if upper is not None and lower >= upper:
            _fail(
                "empty time range",
                path=path,
                expected="lower < upper",
                found=text,
                source=source,
            )
        return cls(name=name, lower=lower, upper=upper)

    def contains(self, seconds: int) -> bool:
        """Whether a duration in whole seconds is in the range."""
        return self.lower <= seconds and (self.upper is None or seconds < self.upper)

    def contains_ms(self, start_ms: int, end_ms: int) -> bool:
        """Whether the span between two ms timestamps is in the range.

        Milliseconds are truncated from both timestamps first
        (:func:`whole_seconds`).
        """
        return self.contains(end_ms // 1000 - start_ms // 1000)

    def __str__(self) -> str:
        return f"{self.lower}-{'' if self.upper is None else self.upper}"


#: The built-in range used when a request needs one and gives none (DOMAIN §5.2).
DEFAULT_TIME_RANGE: Final = TimeRange(name="Default", lower=0, upper=20)


def load_time_ranges(section: Mapping[str, Any], *, source: str = "") -> dict[str, TimeRange]:
    """Build the ``[time_ranges]`` section: ``Name = "a-b"``.

    The result always has ``"Default"``: the built-in ``0-20`` unless the
    section defines its own.

    Raises:
        ConfigError: the section is not a table, or a value is not a range.
    """
    if not isinstance(section, Mapping):
        _fail(
            "wrong type",
            path="time_ranges",
            expected="a table of Name = 'a-b'",
            found=section,
            source=source,
        )
    ranges = {DEFAULT_TIME_RANGE.name: DEFAULT_TIME_RANGE}
    for name, text in section.items():
        ranges[name] = TimeRange.parse(name, text, path=f"time_ranges.{name}", source=source)
    return ranges


# ---------------------------------------------------------------------------
# Stat types
# ---------------------------------------------------------------------------

_MISSING: Final = object()
_FLAG_WORDS: Final[Mapping[str, bool]] = MappingProxyType(
    {"yes": True, "no": False, "true": True, "false": False}
)


@attrs.frozen
class _Reader:
    """One stat type table being read: every error names ``<path>.<Key>``."""

    section: Mapping[str, Any]
    path: str
    source: str

    def fail(self, key: str, message: str, expected: str, found: Any = _MISSING) -> NoReturn:
        if found is _MISSING:
            found = self.section.get(key)
        _fail(
            message, path=_join(self.path, key), expected=expected, found=found, source=self.source
        )

    def names(self, key: str, what: str) -> list[str]:
        """A comma string or an array of strings, as a list of stripped names."""
        value = self.section[key]
        expected = f"a list of {what} names or a comma-separated string"
        if isinstance(value, str):
            items: list[Any] = value.split(",") if value.strip() else []
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            self.fail(key, "wrong type", expected)
        if not all(isinstance(item, str) for item in items):
            self.fail(key, "wrong type", expected)
        names = [item.strip() for item in items]
        if not all(names):
            self.fail(key, f"empty {what} name", expected)
        return names

    def member(self, key: str, enum_cls: type[_E], default: str | None = None) -> _E:
        value = self.section.get(key, default)
        what = key.lower()
        if value is None:
            self.fail(key, "missing key", f"a {what}", None)
        if not isinstance(value, str):
            self.fail(key, "wrong type", f"a {what} name")
        name = value.strip()
        if name not in enum_cls.__members__:
            choices = [m.name for m in enum_cls]
            self.fail(key, f"unknown {what} {name!r}" + _did_you_mean(name, choices), f"a {what}")
        return enum_cls[name]

    def objects(self) -> frozenset[ObjectType]:
        key = "Objects"
        if key not in self.section:
            self.fail(key, "missing key", "a list of object types", None)
        names = self.names(key, "object type")
        if not names:
            self.fail(key, "Objects is empty", "at least one object type")
        known = {t.name: t for t in ObjectType} | dict(_OBJECT_ALIASES)
        objects: set[ObjectType] = set()
        for name in names:
            kind = known.get(name)
            if kind is None:
                message = f"unknown object type {name!r}" + _did_you_mean(name, known)
                self.fail(key, message, "object type names of DOMAIN §1.1", name)
            if kind is ObjectType.MediaChannel:
                message = "MediaChannel is internal, never a statistic object"
                self.fail(key, message, "a client-visible object type", name)
            if kind not in SUPPORTED_OBJECT_TYPES:
                supported = ", ".join(t.name for t in _by_value(SUPPORTED_OBJECT_TYPES))
                self.fail(key, f"object type {name} is not supported yet", supported, name)
            objects.add(kind)
        if not any(objects <= group for group in COMPATIBILITY_GROUPS):
            groups = " | ".join(
                ",".join(t.name for t in _by_value(g)) for g in COMPATIBILITY_GROUPS[:3]
            )
            self.fail(
                key,
                "object types of different compatibility groups",
                f"types of one group: {groups}",
                ", ".join(names),
            )
        return frozenset(objects)

    def mask(self, key: str, subject: Subject) -> Mask | None:
        """A mask: a string, or an array of items; None when absent or blank."""
        value = self.section.get(key)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            self.fail(key, "wrong type", "a mask string such as '*,~LoggedOut'")
        return Mask.parse(value, subject, path=_join(self.path, key), source=self.source)

    def text(self, key: str, expected: str) -> str | None:
        """A string option; blank means absent (Genesys options may be left empty)."""
        value = self.section.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, "wrong type", expected)
        return value.strip() or None

    def flag(self, key: str, default: bool) -> bool:
        """A TOML boolean, or the Genesys words yes/no (true/false), any case."""
        value = self.section.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _FLAG_WORDS:
            return _FLAG_WORDS[value.strip().lower()]
        self.fail(key, "wrong type", "true/false or yes/no")


def _by_value(items: Iterable[_E]) -> list[_E]:
    return sorted(items, key=lambda m: m.value)


def _mask_key(mask: Mask | None) -> tuple[str, ...] | None:
    return mask.names() if mask else None


@attrs.frozen(kw_only=True)
class StatType:
    """What a statistic computes; build it with :meth:`from_config` or :meth:`from_definition`.

    Every instance made by the named constructors names a supported
    category, a subject that category accepts, object types of one
    compatibility group and a MainMask that selects something.
    """

    name: str
    #: the object types it may be opened on (one compatibility group)
    objects: frozenset[ObjectType]
    category: Category
    subject: Subject
    main_mask: Mask
    #: None when not given (or given blank)
    rel_mask: Mask | None
    #: MediaType values, lower-cased (see :meth:`accepts_media`); None = any
    #: media. A comma list is allowed (8.5.105+).
    media: frozenset[str] | None
    #: the name of a filter of the ``[filters]`` section, or None
    filter: str | None
    description: str = ""
    #: durations from source timestamps (DOMAIN §5.3)
    use_source_timestamps: bool = True
    #: a reason change inside a status restarts the status time (DOMAIN §3.10)
    reason_start_overrides_status_start: bool = False
    #: the canonical Formula expression (Category=Formula), see docs/formula.md
    expression: str | None = None

    @classmethod
    def from_config(cls, name: str, section: Mapping[str, Any], *, source: str = "") -> StatType:
        """Build from a ``[stattypes.<name>]`` table.

        Keys (case-sensitive, as in Genesys; :data:`STAT_TYPE_KEYS`):
        ``Objects`` (array of object type names or a comma string),
        ``Category``, ``Subject`` (default DNAction), ``MainMask``,
        ``RelMask``, ``MediaType`` (comma string or array), ``Filter``,
        ``Description``, ``UseSourceTimeStamps`` (default true) and
        ``ReasonStartOverridesStatusStart`` (default false): booleans, or
        ``"yes"``/``"no"`` as Genesys writes them. Masks may also be arrays
        of items. A blank ``RelMask``, ``MediaType`` or ``Filter`` is absent.

        Raises:
            ConfigError: with ``path`` ``stattypes.<name>.<Key>``, for an
                unknown key; a missing, unknown or unsupported Category; a
                Subject the category does not accept (ServiceFactor1 needs
                DNAction; CampaignAction is refused); missing or empty
                Objects, unknown or unsupported object types, or types of
                several compatibility groups; a missing MainMask or one that
                selects nothing; a relative category without RelMask; an
                unknown mask item; a value of the wrong type.
        """
        if not isinstance(name, str) or not name.strip():
            _fail(
                "bad stat type name",
                path="stattypes",
                expected="a non-empty name",
                found=name,
                source=source,
            )
        return cls._build(name, section, path=f"stattypes.{name}", source=source)

    @classmethod
    def from_definition(
        cls, definition: Mapping[str, Any], *, source: str = "<request>"
    ) -> StatType:
        """Build from an ad-hoc definition sent with a request (OpenStatisticEx).

        Same keys as :meth:`from_config`, plus an optional ``Name`` (default
        ``"<ad-hoc>"``). Error paths start with ``definition.``.
        """
        if not isinstance(definition, Mapping):
            _fail(
                "wrong type",
                path="definition",
                expected="a mapping of stat type keys",
                found=definition,
                source=source,
            )
        body = dict(definition)
        name = body.pop("Name", "<ad-hoc>")
        if not isinstance(name, str) or not name.strip():
            _fail(
                "bad stat type name",
                path="definition.Name",
                expected="a non-empty string",
                found=name,
                source=source,
            )
        return cls._build(name, body, path="definition", source=source)

    @classmethod
    def _build(cls, name: str, section: Any, *, path: str, source: str) -> StatType:
        if not isinstance(section, Mapping):
            _fail(
                "wrong type",
                path=path,
                expected="a table of stat type keys",
                found=section,
                source=source,
            )
        r = _Reader(section, path, source)
        allowed = ", ".join(STAT_TYPE_KEYS)
        for key in section:
            if key not in STAT_TYPE_KEYS and key not in _UNSUPPORTED_KEYS:
                r.fail(
                    str(key), "unknown key" + _did_you_mean(str(key), STAT_TYPE_KEYS), allowed, key
                )

        # Category first: it decides what the other keys must be.
        category = r.member("Category", Category)
        if category not in SUPPORTED_CATEGORIES:
            supported = ", ".join(c.name for c in _by_value(SUPPORTED_CATEGORIES))
            r.fail("Category", f"category {category.name} is not supported yet", supported)
        for key in section:
            if key in _UNSUPPORTED_KEYS:
                message = f"unknown key for category {category.name} (custom/Java/Formula only)"
                r.fail(key, message, allowed, key)

        subject = r.member("Subject", Subject, default=Subject.DNAction.value)
        if subject is Subject.CampaignAction:
            r.fail("Subject", "campaigns are not supported", "DNAction or a status subject")
        accepted = CATEGORY_SUBJECTS[category]
        if subject not in accepted:
            message = f"category {category.name} does not accept Subject={subject.value}"
            r.fail("Subject", message, ", ".join(s.value for s in Subject if s in accepted))

        objects = r.objects()

        main_mask = r.mask("MainMask", subject)
        expression = r.text("Expression", "a formula expression")
        if (expression is None) != (category is not _C.Formula):
            r.fail(
                "Expression",
                "Expression is missing" if expression is None else "only Formula takes it",
                "an Expression for Category=Formula (and only then)",
            )
        if not main_mask and category not in NO_MAIN_MASK_CATEGORIES:
            item = "action" if subject is Subject.DNAction else "status"
            message = (
                "MainMask is missing" if "MainMask" not in section else "MainMask selects nothing"
            )
            r.fail("MainMask", message, f"a mask selecting at least one {item}")
        rel_mask = r.mask("RelMask", subject)
        if category in RELATIVE_CATEGORIES and not rel_mask:
            r.fail(
                "RelMask",
                f"category {category.name} needs a RelMask",
                "a mask selecting at least one item",
            )

        media = None
        if section.get("MediaType") is not None:
            media = frozenset(n.lower() for n in r.names("MediaType", "media")) or None
        description = section.get("Description", "")
        if not isinstance(description, str):
            r.fail("Description", "wrong type", "a string")
        return cls(
            name=name,
            objects=objects,
            category=category,
            subject=subject,
            main_mask=main_mask or Mask(text="", subject=subject),
            rel_mask=rel_mask,
            media=media,
            filter=r.text("Filter", "a filter name"),
            description=description,
            use_source_timestamps=r.flag("UseSourceTimeStamps", True),
            reason_start_overrides_status_start=r.flag("ReasonStartOverridesStatusStart", False),
            expression=_formula_text(expression, subject, f"{path}.Expression", source),
        )

    # -- reading ------------------------------------------------------------

    @property
    def needs_time_range(self) -> bool:
        """Whether statistics of this type are computed against a time range."""
        return self.category in TIME_RANGE_CATEGORIES

    @property
    def is_current(self) -> bool:
        """Whether the value ignores the interval (only what is open now counts)."""
        return self.category in CURRENT_CATEGORIES

    def accepts_media(self, media: str) -> bool:
        """Whether an action of this media type (``Action.media``) feeds this stat type."""
        return self.media is None or media.lower() in self.media

    def canonical(self) -> tuple[Any, ...]:
        """A hashable form of *what is computed*, to share work between stat types.

        Two stat types computing the same value for an object have equal
        canonical forms: name and description are left out, masks become
        their sorted selected names (so ``CallWaitInbound`` equals
        ``CallWait`` and item order does not matter), media are sorted, and a
        RelMask counts only for categories that read it
        (:data:`REL_MASK_CATEGORIES`). ``Objects`` is left out too: it says
        where a stat type may be opened, not what it computes on an object.
        """
        return (
            self.category.name,
            self.subject.value,
            _mask_key(self.main_mask),
            _mask_key(self.rel_mask) if self.category in REL_MASK_CATEGORIES else None,
            None if self.media is None else tuple(sorted(self.media)),
            self.filter,
            self.use_source_timestamps,
            self.reason_start_overrides_status_start,
            self.expression,
        )

    def to_definition(self) -> dict[str, Any]:
        """The keys :meth:`from_definition` reads back into an equal stat type."""
        definition: dict[str, Any] = {
            "Name": self.name,
            "Objects": [t.name for t in _by_value(self.objects)],
            "Category": self.category.name,
            "Subject": self.subject.value,
            "MainMask": self.main_mask.text,
            "Description": self.description,
            "UseSourceTimeStamps": self.use_source_timestamps,
            "ReasonStartOverridesStatusStart": self.reason_start_overrides_status_start,
        }
        if self.rel_mask is not None:
            definition["RelMask"] = self.rel_mask.text
        if self.media is not None:
            definition["MediaType"] = ",".join(sorted(self.media))
        if self.filter is not None:
            definition["Filter"] = self.filter
        if self.expression is not None:
            definition["Expression"] = self.expression
        return definition


def _formula_text(text: str | None, subject: Subject, path: str, source: str) -> str | None:
    """Parse a Formula expression once (refusing bad ones); keep its canonical text."""
    if text is None:
        return None
    from statengine.core.formula import parse_formula  # formula imports this module

    return parse_formula(text, subject, path=path, source=source).canonical()


def load_stat_types(section: Mapping[str, Any], *, source: str = "") -> dict[str, StatType]:
    """Build the ``[stattypes]`` section: one ``[stattypes.<Name>]`` table per stat type.

    Returns:
        name -> stat type, in file order.

    Raises:
        ConfigError: for the first invalid stat type (see :meth:`StatType.from_config`).
    """
    if not isinstance(section, Mapping):
        _fail(
            "wrong type",
            path="stattypes",
            expected="a table of [stattypes.<Name>] tables",
            found=section,
            source=source,
        )
    return {name: StatType.from_config(name, body, source=source) for name, body in section.items()}
