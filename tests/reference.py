"""An independent reference evaluator of statistics (``docs/semantics.md`` §2, §3).

It recomputes the value of one statistic **from scratch**, from the raw log of
:class:`~statengine.core.engine.FeedResult` s, so that property tests can
compare it with the engine's incremental implementation. It is written to be
obviously right, not fast: every call walks the whole log again.

It reads only data tables and value classes of ``statengine.core`` (action
classes, object refs, statuses, the attributes of a stat type, event
classes); it shares no code with the engine's statistics modules (``pool``,
``aggregates``, ``categories``), nor with ``state.py`` logic. Filters arrive
as a plain predicate on :class:`~statengine.core.actions.Action` (pass
``parse_filter(text).matches``).

How it works, in two steps:

1. **Reconstruct items** from the log.

   * Actions (:func:`action_items`): every momentary / retrospective action
     is one item; a durable action is one item made from its opening record
     (``end is None``) and its closing record (same device, kind and ConnID),
     still open if the close has not come. Group attribution is frozen when
     the item happens (durable: when it opens), with the memberships of the
     same :class:`FeedResult` applied first.
   * Status segments (:func:`status_segments`): for each object whose status
     feeds the statistic, the maximal spans in one status while it belongs
     to the statistic's object (a group member joining / leaving starts /
     ends a span). With a filter, a span also ends (and the next one starts
     at the same instant) where a reason change flips the filter's answer on
     the status's defining action.

   Both remember the index in the log of the FeedResult that opened and
   closed them, so that the step function "how many are open" (MaxNumber,
   AverageOfCurrentNumber, TotalContinuousNumber ...) can be rebuilt as the
   engine shows it: one value after each FeedResult.

2. **Apply the definition table** of the category to those items.

Same-instant ordering inside one ``FeedResult`` (status subjects): at equal
times, leaves come first, then status changes, then joins. So a member that
joins in the event that also changes its status joins *with the new status*
(no zero-length segment of the status it had before the event), and a member
that leaves in the event that changes its status leaves *with the old one*.
Status changes of different ``FeedResult`` s at the same millisecond do make
zero-length segments: they are separate transitions.

Choices where ``docs/semantics.md`` §3 leaves room (each pinned by a test in
``tests/test_reference.py``):

* Filters (§3.2): a status with no defining action (Monitored, LoggedOut ...)
  never matches a filter. A reason change that keeps the filter's answer
  does not split the segment ("counted once per period during which the
  filter became true"). Current categories read the real ``since`` of the
  status (DOMAIN §10.1: "current-category values are not affected by this
  partial-time logic"), the filter only decides whether the member is in.
  ServiceFactor1's abandoned calls are filtered like its MainMask; RelMask
  items are not filtered.
* Selection (§3.1): every item set a category reads (MainMask, RelMask,
  ServiceFactor1's abandons, EstimWaitTime's ``CallReleased``) keeps its own
  last N completed items, in the order they completed in the log. The
  categories that are not made of items (MaxNumber, MinNumber,
  AverageOfCurrent*, TotalContinuousNumber, ElapsedTimePercentage,
  TotalNumberPerSecond) are refused with Selection.
* MaxNumber / MinNumber / TotalContinuousNumber read one value after each
  FeedResult (what a client can observe): an item that closes and one that
  opens in the same FeedResult leave no gap; two FeedResults at the same
  millisecond do. "The value at S" is the value before the FeedResults at
  ``S`` (those belong to the interval).
* TotalContinuousNumber counts periods like TotalNumber counts segments: the
  periods that started in I plus the one in progress at S (a period that
  ended exactly at S is not in progress at S). Status subjects count each
  member's periods (a change between two mask statuses continues a period);
  actions count the periods during which at least one Main item was open.
* CurrentContinuousTime: Agent / Place objects (§3.3), DN objects too (a DN
  has a status of its own; groups do not and are refused), status subjects
  only (as ``stattypes.CATEGORY_SUBJECTS``); the time since the number of the
  object's status sources in the mask (and filter) last went from 0 to 1 or
  more, read after each FeedResult. A period already going on when the log
  began is taken to have started at the earliest ``since`` among the
  statuses in the mask then.
* CurrentDistinctNumber: DNAction only; ``""`` (no ConnID) is one value.
* EstimWaitTime (``Category.EstimWaitingTime``) and LoadBalance ignore the
  stat type's masks, subject and filter; they keep its scope and MediaType.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from statengine.core.actions import ACTION_CLASS, Action, ActionClass, ActionKind
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.status import Status

if TYPE_CHECKING:
    from statengine.core.engine import Engine, FeedResult
    from statengine.core.events import Event
    from statengine.core.stattypes import StatType, TimeRange

__all__ = [
    "ActionItem",
    "Initial",
    "Interval",
    "Predicate",
    "Segment",
    "action_items",
    "login_instants",
    "reference_value",
    "status_segments",
    "validity",
]

#: a filter, as the evaluator sees it: ``parse_filter(text).matches``
Predicate = Callable[[Action], bool]

_O = ObjectType
_K = ActionKind
_DURABLE, _MOMENTARY, _RETRO = (
    ActionClass.DURABLE,
    ActionClass.MOMENTARY,
    ActionClass.RETROSPECTIVE,
)

#: Object types whose DNAction statistics are the actions *on* the object.
_DEVICE_OBJECTS = frozenset({_O.RegDN, _O.Queue, _O.RoutePoint, _O.StagingArea})
#: DN object types (what a Switch is made of; what has a DN status).
_DN_OBJECTS = frozenset({_O.RegDN, _O.Queue, _O.RoutePoint})
#: The actions ServiceFactor1 counts as abandoned (B in the formula).
_ABANDONS = frozenset({_K.CallAbandoned, _K.CallAbandonedFromRinging})
#: Built-in time range when a request needs one and gives none (DOMAIN §5.2).
_DEFAULT_RANGE: tuple[int, int | None] = (0, 20)


def _frozen(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping))


# ---------------------------------------------------------------------------
# What the evaluator must know about the center when the log begins
# ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Initial:
    """The center at the start of the log.

    ``since``, ``open_actions``, ``actions`` and ``logins`` are optional:
    without them a status is taken to have started at ``start``, no action is
    open at ``start``, no status has a defining action (so no status matches
    a filter) and no agent is logged in on a DN whose LoggedIn is not open
    (true for an engine that has not been fed yet).
    """

    #: engine time when logging began (ms)
    start: int
    #: the status of every DN, place and agent at ``start`` (and, for
    #: :func:`validity`, of every staging area and media channel)
    statuses: Mapping[ObjectRef, Status] = attrs.field(converter=_frozen)
    #: group (GroupAgents / GroupPlaces) -> its members at ``start``
    members: Mapping[ObjectRef, frozenset[ObjectRef]] = attrs.field(converter=_frozen)
    #: place -> the refs of its DNs (configuration)
    place_dns: Mapping[ObjectRef, tuple[ObjectRef, ...]] = attrs.field(converter=_frozen)
    #: GroupQueues -> the refs of its member DNs (configuration)
    queue_groups: Mapping[ObjectRef, tuple[ObjectRef, ...]] = attrs.field(converter=_frozen)
    #: when each object entered the status it has at ``start`` (default: ``start``)
    since: Mapping[ObjectRef, int] = attrs.field(factory=dict, converter=_frozen)
    #: durable actions open at ``start`` (their opening record is not in the log)
    open_actions: tuple[Action, ...] = ()
    #: the action defining each object's status at ``start`` (for filters);
    #: missing means none
    actions: Mapping[ObjectRef, Action | None] = attrs.field(factory=dict, converter=_frozen)
    #: regular DN -> employee id of the agent associated with it at ``start``
    #: (for :func:`validity`; DNs with an open LoggedIn need not be listed)
    logins: Mapping[ObjectRef, str] = attrs.field(factory=dict, converter=_frozen)

    @classmethod
    def capture(cls, engine: Engine) -> Initial:
        """Read the initial state from a live engine (before feeding the log).

        The engine's clock must be set: build it with ``Engine(..., now=t)``
        or feed it something first.
        """
        if engine.now is None:
            raise ValueError("the engine clock is not set: create it with now= or feed it first")
        statuses: dict[ObjectRef, Status] = {}
        since: dict[ObjectRef, int] = {}
        actions: dict[ObjectRef, Action | None] = {}
        for kind in (_O.RegDN, _O.Queue, _O.RoutePoint, _O.Place, _O.Agent):
            for ref in engine.objects(kind):
                info = engine.status(ref)
                statuses[ref] = info.status
                since[ref] = info.since
                actions[ref] = info.action
        members = {
            group: frozenset(engine.group_members(group))
            for kind in (_O.GroupAgents, _O.GroupPlaces)
            for group in engine.objects(kind)
        }
        center = engine.config
        dn_ref = {d.id: d.ref for d in center.dns}
        place_dns = {
            ObjectRef(p.tenant, _O.Place, p.name): tuple(dn_ref[d] for d in p.dns)
            for p in center.places
        }
        queue_groups = {
            ObjectRef(q.tenant, _O.GroupQueues, q.name): tuple(dn_ref[d] for d in q.dns)
            for q in center.queue_groups
        }
        # the live devices (DNs, staging areas, media channels): open actions,
        # and the statuses of staging areas and channels for validity
        model = engine.model
        devices: dict[int, Any] = {}
        for dev in (*model.dns.values(), *model.staging.values()):
            devices[id(dev)] = dev
        channels: list[Any] = []
        for place in model.places.values():
            channels.extend(place.channels.values())
        for agent in model.agents.values():
            for partial in agent.partials.values():
                channels.extend(partial.channels.values())
        for channel in channels:
            devices[id(channel)] = channel
            statuses[channel.ref] = channel.status
            since[channel.ref] = channel.since
            actions[channel.ref] = channel.status_action
        for area in model.staging.values():
            statuses[area.ref] = area.status
            since[area.ref] = area.since
        open_actions = sorted(
            (a for dev in devices.values() for a in dev.open.values()),
            key=lambda a: (a.start, str(a.device), a.kind.value, a.conn_id),
        )
        logins = {dn.ref: dn.agent.ref.id for dn in model.dns.values() if dn.agent is not None}
        return cls(
            start=engine.now,
            statuses=statuses,
            members=members,
            place_dns=place_dns,
            queue_groups=queue_groups,
            since=since,
            open_actions=tuple(open_actions),
            actions=actions,
            logins=logins,
        )

    def since_of(self, ref: ObjectRef) -> int:
        return self.since.get(ref, self.start)


# ---------------------------------------------------------------------------
# The interval
# ---------------------------------------------------------------------------


@attrs.frozen
class Interval:
    """``I = [start, now]``; ``opened`` is the statistic's open time ``O``."""

    opened: int
    start: int
    now: int

    @classmethod
    def of(cls, opened: int, now: int, resets: Iterable[int]) -> Interval:
        """Growing / SinceLogin: ``S = max(O, last reset <= now)``."""
        past_resets = [r for r in resets if r <= now]
        return cls(opened=opened, start=max([opened, *past_resets]), now=now)

    @classmethod
    def sliding(cls, opened: int, now: int, window_ms: int, step_ms: int) -> Interval:
        """Sliding ``W:T`` (§3.1): ``S = max(O, q - W)``, ``q = now - now mod T``."""
        if window_ms < 0 or step_ms <= 0:
            raise ValueError(f"bad sliding window {window_ms}:{step_ms} (ms)")
        step_start = now - now % step_ms
        return cls(opened=opened, start=max(opened, step_start - window_ms), now=now)

    def contains(self, t: int) -> bool:
        return self.start <= t <= self.now

    @property
    def elapsed_ms(self) -> int:
        """``E = now - S`` (ms)."""
        return self.now - self.start


def _seconds(ms: int | float | Fraction) -> float:
    return float(ms) / 1000


def _truncated_seconds(start: int, end: int) -> int:
    """Whole seconds between two timestamps, ms truncated from both (DOMAIN §5.2)."""
    return end // 1000 - start // 1000


def _in_range(seconds: int, time_range: TimeRange | None) -> bool:
    """``lower <= seconds < upper`` (half-open; upper None = unbounded)."""
    if time_range is None:
        lower, upper = _DEFAULT_RANGE
    else:
        lower, upper = time_range.lower, time_range.upper
    return lower <= seconds and (upper is None or seconds < upper)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else 0.0


def _holds(predicate: Predicate | None, action: Action | None) -> bool:
    """Whether a (status's defining) action passes the filter; no filter: yes."""
    if predicate is None:
        return True
    return action is not None and predicate(action)


# ---------------------------------------------------------------------------
# Step 1a: action items
# ---------------------------------------------------------------------------


@attrs.frozen
class ActionItem:
    """One action as a statistic sees it.

    Durable: ``start`` .. ``end`` (None while open). Momentary: ``start ==
    end``. Retrospective: ``end`` is when it happened, ``start`` the start of
    what it closes.
    """

    kind: ActionKind
    cls: ActionClass
    start: int
    end: int | None
    #: the (first) record of the action: device, agent, place, media ...
    action: Action
    #: the agent / place groups it is attributed to (frozen when it happened)
    groups: frozenset[ObjectRef]
    #: index in the log of the FeedResult that opened it (-1: before the log)
    opened_at: int = -1
    #: index in the log of the FeedResult that closed it (None: still open)
    closed_at: int | None = None


#: devices whose actions belong to the agent / place they name (semantics §2.1)
_AGENT_DEVICES = frozenset({_O.RegDN, _O.MediaChannel})


def _agent_ref(action: Action) -> ObjectRef | None:
    if not action.agent or action.device.type not in _AGENT_DEVICES:
        return None
    return ObjectRef(action.device.tenant, _O.Agent, action.agent)


def _place_ref(action: Action) -> ObjectRef | None:
    if not action.place or action.device.type not in _AGENT_DEVICES:
        return None
    return ObjectRef(action.device.tenant, _O.Place, action.place)


def _groups_of(action: Action, members: Mapping[ObjectRef, set[ObjectRef]]) -> frozenset[ObjectRef]:
    """The groups whose members include the action's agent or place."""
    who = {_agent_ref(action), _place_ref(action)} - {None}
    return frozenset(group for group, current in members.items() if who & current)


def action_items(initial: Initial, log: Sequence[FeedResult]) -> list[ActionItem]:
    """Every action of the log (and those open at its start) as items.

    Completed items come in the order they completed in the log (a durable
    item at its closing record); the items still open come last.
    """
    members = {group: set(m) for group, m in initial.members.items()}
    initial_members = {group: set(m) for group, m in initial.members.items()}
    items: list[ActionItem] = []
    open_items: dict[tuple[ObjectRef, ActionKind, str], ActionItem] = {}

    def key(action: Action) -> tuple[ObjectRef, ActionKind, str]:
        return (action.device, action.kind, action.conn_id)

    for action in initial.open_actions:
        open_items[key(action)] = ActionItem(
            action.kind, _DURABLE, action.start, None, action, _groups_of(action, members)
        )
    for index, result in enumerate(log):
        # membership as it stands after the event, before its actions
        for change in result.memberships:
            current = members.setdefault(change.group, set())
            if change.joined:
                current.add(change.member)
            else:
                current.discard(change.member)
        for action in result.actions:
            cls = ACTION_CLASS[action.kind]
            if cls is not _DURABLE:
                assert action.end is not None, action
                groups = _groups_of(action, members)
                items.append(
                    ActionItem(
                        action.kind, cls, action.start, action.end, action, groups, index, index
                    )
                )
            elif action.end is None:
                assert key(action) not in open_items, f"opened twice: {action}"
                open_items[key(action)] = ActionItem(
                    action.kind, cls, action.start, None, action, _groups_of(action, members), index
                )
            else:
                opening = open_items.pop(key(action), None)
                if opening is None:
                    # opened before the log and not in initial.open_actions:
                    # attribute it as the log's start saw it
                    groups, first, opened_at = _groups_of(action, initial_members), action, -1
                else:
                    assert opening.start == action.start, (opening, action)
                    groups, first, opened_at = opening.groups, opening.action, opening.opened_at
                items.append(
                    ActionItem(
                        action.kind, cls, action.start, action.end, first, groups, opened_at, index
                    )
                )
    items.extend(open_items.values())
    return items


def _in_scope(item: ActionItem, obj: ObjectRef, initial: Initial) -> bool:
    """Whether an action feeds DNAction statistics of ``obj`` (semantics §2.1)."""
    action = item.action
    device = action.device
    if obj.type in _DEVICE_OBJECTS:
        return device == obj
    if obj.type is _O.Agent:
        return _agent_ref(action) == obj
    if obj.type is _O.Place:
        return _place_ref(action) == obj
    if obj.type in (_O.GroupAgents, _O.GroupPlaces):
        return obj in item.groups
    if obj.type is _O.GroupQueues:
        return device in initial.queue_groups.get(obj, ())
    if obj.type is _O.Switch:
        switch = device.id.rpartition("@")[2]
        return device.tenant == obj.tenant and device.type in _DN_OBJECTS and switch == obj.id
    if obj.type is _O.Tenant:
        return device.tenant == obj.tenant
    raise ValueError(f"no DNAction statistics on {obj}")


def _media_ok(stat: StatType, action: Action) -> bool:
    return stat.media is None or action.media.lower() in stat.media


def _select(
    items: Iterable[ActionItem],
    stat: StatType,
    obj: ObjectRef,
    initial: Initial,
    kinds: frozenset[ActionKind],
    predicate: Predicate | None = None,
) -> list[ActionItem]:
    """The items of ``kinds`` that feed the statistic (scope, MediaType, filter)."""
    return [
        item
        for item in items
        if item.kind in kinds
        and _media_ok(stat, item.action)
        and _in_scope(item, obj, initial)
        and _holds(predicate, item.action)
    ]


# ---------------------------------------------------------------------------
# Step 2a: DNAction categories (semantics §2.3)
# ---------------------------------------------------------------------------


def _completed(items: Iterable[ActionItem], iv: Interval) -> list[ActionItem]:
    """Durable items that ended in I, plus retrospective items in I."""
    return [
        i for i in items if i.cls is not _MOMENTARY and i.end is not None and iv.contains(i.end)
    ]


def _duration(item: ActionItem, iv: Interval) -> int:
    """``d = e - max(s, O)`` (ms)."""
    return _at(item) - max(item.start, iv.opened)


def _whole_seconds(item: ActionItem, iv: Interval) -> int:
    """The duration for time ranges: ms truncated from both ends."""
    return _truncated_seconds(max(item.start, iv.opened), _at(item))


def _open_now(items: Iterable[ActionItem]) -> list[ActionItem]:
    return [i for i in items if i.cls is _DURABLE and i.end is None]


def _at(item: ActionItem) -> int:
    """When a finished item (or a momentary / retrospective one) happened: its end."""
    assert item.end is not None
    return item.end


def _action_totals(category: str, items: list[ActionItem], iv: Interval) -> int | float:
    durable = [i for i in items if i.cls is _DURABLE]
    momentary = [i for i in items if i.cls is _MOMENTARY and iv.contains(_at(i))]
    retro = [i for i in items if i.cls is _RETRO and iv.contains(_at(i))]
    ended = [i for i in durable if i.end is not None and iv.contains(i.end)]
    completed = ended + retro
    if category == "TotalNumber":
        started = [i for i in durable if iv.contains(i.start)]
        return len(started) + len(momentary) + len(retro)
    if category == "TotalTime":
        ms = sum(_at(i) - max(i.start, iv.start) for i in ended)
        ms += sum(_duration(i, iv) for i in retro)
        return _seconds(ms)
    if category == "TotalAdjustedNumber":
        return len(completed) + len(momentary)
    if category == "TotalAdjustedTime":
        return _seconds(sum(_duration(i, iv) for i in completed))
    if category == "AverageTime":
        return _seconds(_ratio(sum(_duration(i, iv) for i in completed), len(completed)))
    if category == "MaxTime":
        return _seconds(max((_duration(i, iv) for i in completed), default=0))
    if category == "MinTime":
        return _seconds(min((_duration(i, iv) for i in completed), default=0))
    raise KeyError(category)


def _action_ranges(
    category: str,
    main: list[ActionItem],
    rel: list[ActionItem] | None,
    iv: Interval,
    time_range: TimeRange | None,
) -> int | float:
    in_range = [i for i in _completed(main, iv) if _in_range(_whole_seconds(i, iv), time_range)]
    if category == "TotalNumberInTimeRange":
        return len(in_range)
    if category == "TotalTimeInTimeRange":
        return _seconds(sum(_duration(i, iv) for i in in_range))
    if category == "TotalNumberInTimeRangePercentage":
        base = _completed(rel if rel is not None else main, iv)
        return 100 * _ratio(len(in_range), len(base))
    raise KeyError(category)


def _service_factor(
    answered: list[ActionItem],
    abandoned: list[ActionItem],
    iv: Interval,
    time_range: TimeRange | None,
    time_range2: TimeRange | None,
) -> float:
    """``100 * A_in / (A + B - B_in2)``; 0 if the denominator is <= 0."""
    a = _completed(answered, iv)
    a_in = [i for i in a if _in_range(_whole_seconds(i, iv), time_range)]
    b = _completed(abandoned, iv)
    b_in2 = (
        []
        if time_range2 is None
        else [i for i in b if _in_range(_whole_seconds(i, iv), time_range2)]
    )
    denominator = len(a) + len(b) - len(b_in2)
    return 100 * _ratio(len(a_in), denominator)


def _current(category: str, ages_ms: list[int]) -> int | float:
    """The Current* family over the ages (``now - since``, ms) of open items."""
    if category == "CurrentNumber":
        return len(ages_ms)
    if category == "CurrentTime":
        return _seconds(sum(ages_ms))
    if category == "CurrentMaxTime":
        return _seconds(max(ages_ms, default=0))
    if category == "CurrentMinTime":
        return _seconds(min(ages_ms, default=0))
    if category == "CurrentAverageTime":
        return _seconds(_ratio(sum(ages_ms), len(ages_ms)))
    raise KeyError(category)


# ---------------------------------------------------------------------------
# Step 1b: status segments
# ---------------------------------------------------------------------------


@attrs.frozen
class Segment:
    """One span of one object in one status while it feeds the statistic."""

    #: the object whose status it is (a DN, a place, an agent)
    ref: ObjectRef
    status: Status
    #: when the span began: entering the status, or joining the group, or
    #: (with a filter) a reason change that flipped the filter's answer
    start: int
    #: when it ended (status left, group left, filter flipped); None if going on
    end: int | None
    #: when ``ref`` entered ``status`` (before ``start`` if it joined mid-way)
    since: int
    #: index in the log of the FeedResult that began it (-1: the log's start)
    opened_at: int = -1
    #: index in the log of the FeedResult that ended it (None: going on)
    closed_at: int | None = None
    #: whether the filter held on the status's defining action (True without one)
    matches: bool = True


def _status_sources(
    stat: StatType, obj: ObjectRef, initial: Initial
) -> tuple[ObjectRef | None, frozenset[ObjectRef], Callable[[ObjectRef], tuple[ObjectRef, ...]]]:
    """(the group whose memberships matter or None, the members at the start,
    member -> the objects whose status it contributes)."""

    def itself(member: ObjectRef) -> tuple[ObjectRef, ...]:
        return (member,)

    def dns_of(place: ObjectRef) -> tuple[ObjectRef, ...]:
        return tuple(initial.place_dns.get(place, ()))

    subject = stat.subject.name
    if subject == "DNStatus":
        if obj.type in _DN_OBJECTS:
            return None, frozenset({obj}), itself
        if obj.type is _O.Place:
            return None, frozenset({obj}), dns_of
        if obj.type is _O.GroupPlaces:
            return obj, frozenset(initial.members.get(obj, ())), dns_of
    elif subject in ("AgentStatus", "PlaceStatus", "GroupStatus"):
        if obj.type in (_O.Agent, _O.Place):
            return None, frozenset({obj}), itself
        if obj.type in (_O.GroupAgents, _O.GroupPlaces):
            return obj, frozenset(initial.members.get(obj, ())), itself
    raise ValueError(f"no {subject} statistics on {obj}")


_LEAVE, _CHANGE, _JOIN = 0, 1, 2


def _steps(result: FeedResult, group: ObjectRef | None) -> list[tuple[int, int, Any]]:
    """The membership and status changes of one FeedResult, in the order the
    evaluator applies them: by time; at equal times leaves, changes, joins."""
    steps: list[tuple[int, int, Any]] = []
    for m in result.memberships:
        if m.group == group:
            steps.append((m.time, _JOIN if m.joined else _LEAVE, m.member))
    for c in result.status_changes:
        steps.append((c.time, _CHANGE, c))
    steps.sort(key=lambda step: (step[0], step[1]))  # stable: keeps the log order
    return steps


def status_segments(
    initial: Initial,
    log: Sequence[FeedResult],
    group: ObjectRef | None,
    members: frozenset[ObjectRef],
    sources: Callable[[ObjectRef], tuple[ObjectRef, ...]],
    predicate: Predicate | None = None,
) -> list[Segment]:
    """Every span of every contributing object, from the start of the log to now.

    Without ``predicate`` a reason change (``old == new``) does not split a
    segment. With one, a reason change that flips ``predicate(defining
    action)`` ends the segment and starts the next at the same instant, with
    the same ``since``; :attr:`Segment.matches` tells the answer. Segments
    come in the order they ended in the log; those going on come last.
    """
    status = dict(initial.statuses)
    since = {ref: initial.since_of(ref) for ref in status}
    defining: dict[ObjectRef, Action | None] = {ref: initial.actions.get(ref) for ref in status}
    current_members = set(members)
    # ref -> (status, start, since, opened_at, matches)
    open_spans: dict[ObjectRef, tuple[Status, int, int, int, bool]] = {}
    segments: list[Segment] = []
    position = -1

    def matches(ref: ObjectRef) -> bool:
        return _holds(predicate, defining.get(ref))

    def begin(ref: ObjectRef, t: int) -> None:
        assert ref not in open_spans, ref
        if ref not in status:
            # an agent added by configuration after the log began: logged out
            # since it appeared (it has no status change before logging in)
            if ref.type is not _O.Agent:
                raise KeyError(f"no initial status for {ref}")
            status[ref], since[ref] = Status.LoggedOut, t
        open_spans[ref] = (status[ref], t, since[ref], position, matches(ref))

    def finish(ref: ObjectRef, t: int) -> None:
        st, start, entered, opened_at, ok = open_spans.pop(ref)
        segments.append(Segment(ref, st, start, t, entered, opened_at, position, ok))

    for member in current_members:
        for ref in sources(member):
            begin(ref, since[ref])
    for position, result in enumerate(log):  # noqa: B007 (read by begin/finish)
        for t, phase, payload in _steps(result, group):
            if phase == _LEAVE:
                if payload in current_members:
                    current_members.remove(payload)
                    for ref in sources(payload):
                        finish(ref, t)
            elif phase == _JOIN:
                if payload not in current_members:
                    current_members.add(payload)
                    for ref in sources(payload):
                        begin(ref, t)
            else:
                change = payload
                ref = change.ref
                if change.old == change.new:
                    # only the defining action's data changed (a new reason)
                    defining[ref] = change.action
                    if ref in open_spans and open_spans[ref][4] != matches(ref):
                        finish(ref, change.time)
                        begin(ref, change.time)
                    continue
                if ref in status:
                    assert status[ref] is change.old, (status[ref], change)
                status[ref], since[ref] = change.new, change.time
                defining[ref] = change.action
                if ref in open_spans:
                    finish(ref, change.time)
                    begin(ref, change.time)
    for ref, (st, start, entered, opened_at, ok) in open_spans.items():
        segments.append(Segment(ref, st, start, None, entered, opened_at, None, ok))
    return segments


def login_instants(log: Sequence[FeedResult], agent: ObjectRef) -> list[int]:
    """When ``agent`` logged in: its status changes out of LoggedOut (the
    reset instants of a SinceLogin profile, §3.1)."""
    return [
        change.time
        for result in log
        for change in result.status_changes
        if change.ref == agent
        and change.old is Status.LoggedOut
        and change.new is not Status.LoggedOut
    ]


# ---------------------------------------------------------------------------
# Step 2b: status categories (semantics §2.4)
# ---------------------------------------------------------------------------


def _counted(start: int, end: int | None, iv: Interval) -> bool:
    """Started in I, or in progress at S (the projection rule)."""
    started_in_i = iv.contains(start)
    in_progress_at_s = start < iv.start and (end is None or end > iv.start)
    return started_in_i or in_progress_at_s


def _part_in_i(seg: Segment, iv: Interval) -> int:
    """The part of the segment inside I, the one in progress running to now (ms)."""
    end = iv.now if seg.end is None else min(seg.end, iv.now)
    return max(0, end - max(seg.start, iv.start))


def _ended_in_i(segments: Iterable[Segment], iv: Interval) -> list[Segment]:
    return [s for s in segments if s.end is not None and iv.contains(s.end)]


def _seg_end(seg: Segment) -> int:
    assert seg.end is not None
    return seg.end


def _seg_duration(seg: Segment, iv: Interval) -> int:
    """The whole duration, clipped at the open time: ``e - max(s, O)`` (ms)."""
    return _seg_end(seg) - max(seg.start, iv.opened)


def _status_totals(category: str, segs: list[Segment], iv: Interval) -> int | float:
    counted = [s for s in segs if _counted(s.start, s.end, iv)]
    if category == "TotalNumber":
        return len(counted)
    if category == "TotalTime":
        return _seconds(sum(_part_in_i(s, iv) for s in counted))
    if category == "TotalAdjustedNumber":
        return len(_ended_in_i(segs, iv))
    if category == "TotalAdjustedTime":
        return _seconds(sum(_seg_duration(s, iv) for s in _ended_in_i(segs, iv)))
    if category == "AverageTime":
        return _seconds(_ratio(sum(_part_in_i(s, iv) for s in counted), len(counted)))
    if category == "MaxTime":
        return _seconds(max((_part_in_i(s, iv) for s in counted), default=0))
    if category == "MinTime":
        ended = _ended_in_i(segs, iv)
        return _seconds(min((_seg_end(s) - max(s.start, iv.start) for s in ended), default=0))
    raise KeyError(category)


def _status_ranges(
    category: str,
    main: list[Segment],
    rel: list[Segment] | None,
    iv: Interval,
    time_range: TimeRange | None,
) -> int | float:
    def whole(seg: Segment) -> int:
        return _truncated_seconds(max(seg.start, iv.opened), _seg_end(seg))

    in_range = [s for s in _ended_in_i(main, iv) if _in_range(whole(s), time_range)]
    if category == "TotalNumberInTimeRange":
        return len(in_range)
    if category == "TotalTimeInTimeRange":
        return _seconds(sum(_seg_duration(s, iv) for s in in_range))
    if category == "TotalNumberInTimeRangePercentage":
        base = _ended_in_i(rel if rel is not None else main, iv)
        return 100 * _ratio(len(in_range), len(base))
    raise KeyError(category)


# ---------------------------------------------------------------------------
# One mask's items, whatever the subject
# ---------------------------------------------------------------------------

#: (start, end) of a completed item, ms
_Pair = tuple[int, int]
#: (index of the FeedResult that opened it, of the one that closed it, since)
_Span = tuple[int, int | None, int]


class _Actions:
    """The action items of one mask (DNAction)."""

    def __init__(self, items: list[ActionItem]) -> None:
        self.items = items

    def historical(self, category: str, iv: Interval) -> int | float:
        return _action_totals(category, self.items, iv)

    def ranges(
        self, category: str, rel: _Items | None, iv: Interval, time_range: TimeRange | None
    ) -> int | float:
        assert rel is None or isinstance(rel, _Actions)
        return _action_ranges(
            category, self.items, None if rel is None else rel.items, iv, time_range
        )

    def number(self, iv: Interval) -> int:
        return int(_action_totals("TotalNumber", self.items, iv))

    def time_ms(self, iv: Interval) -> int:
        ended = [i for i in self.items if i.cls is _DURABLE and i.end is not None]
        retro = [i for i in self.items if i.cls is _RETRO]
        ms = sum(_at(i) - max(i.start, iv.start) for i in ended if iv.contains(_at(i)))
        return ms + sum(_duration(i, iv) for i in retro if iv.contains(_at(i)))

    def completed(self, iv: Interval) -> list[_Pair]:
        return [(i.start, _at(i)) for i in _completed(self.items, iv)]

    def open_since(self) -> list[int]:
        return [i.start for i in _open_now(self.items)]

    def spans(self) -> list[_Span]:
        return [(i.opened_at, i.closed_at, i.start) for i in self.items if i.cls is _DURABLE]


class _Segments:
    """The status segments of one mask (status subjects)."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments

    def historical(self, category: str, iv: Interval) -> int | float:
        return _status_totals(category, self.segments, iv)

    def ranges(
        self, category: str, rel: _Items | None, iv: Interval, time_range: TimeRange | None
    ) -> int | float:
        assert rel is None or isinstance(rel, _Segments)
        return _status_ranges(
            category, self.segments, None if rel is None else rel.segments, iv, time_range
        )

    def number(self, iv: Interval) -> int:
        return int(_status_totals("TotalNumber", self.segments, iv))

    def time_ms(self, iv: Interval) -> int:
        return sum(_part_in_i(s, iv) for s in self.segments if _counted(s.start, s.end, iv))

    def completed(self, iv: Interval) -> list[_Pair]:
        return [(s.start, _seg_end(s)) for s in _ended_in_i(self.segments, iv)]

    def open_since(self) -> list[int]:
        return [s.since for s in self.segments if s.end is None]

    def spans(self) -> list[_Span]:
        return [(s.opened_at, s.closed_at, s.since) for s in self.segments]

    def periods(self) -> list[tuple[int, int | None]]:
        """Each member's continuous periods in the mask: its segments joined
        where one ends in the FeedResult, and at the instant, the next begins."""
        by_ref: dict[ObjectRef, list[Segment]] = {}
        for seg in self.segments:
            by_ref.setdefault(seg.ref, []).append(seg)
        periods: list[tuple[int, int | None]] = []
        for segs in by_ref.values():
            segs.sort(key=lambda s: (s.opened_at, s.start))
            current: list[Any] | None = None  # [start, end, closed_at]
            for seg in segs:
                touching = (
                    current is not None
                    and current[2] is not None
                    and current[2] == seg.opened_at
                    and current[1] == seg.start
                )
                if current is not None and touching:
                    current[1], current[2] = seg.end, seg.closed_at
                    continue
                if current is not None:
                    periods.append((current[0], current[1]))
                current = [seg.start, seg.end, seg.closed_at]
            if current is not None:
                periods.append((current[0], current[1]))
        return periods


_Items = _Actions | _Segments


# ---------------------------------------------------------------------------
# The number of open items, one value after each FeedResult
# ---------------------------------------------------------------------------


@attrs.frozen
class _State:
    """After one FeedResult (or at the log's start): the open items."""

    time: int
    #: how many are open
    count: int
    #: the sum of their ``since`` (ms), so CurrentTime(t) = count * t - since_sum
    since_sum: int


def _states(spans: Iterable[_Span], initial: Initial, log: Sequence[FeedResult]) -> list[_State]:
    """``states[0]``: at the log's start; ``states[k + 1]``: after ``log[k]``."""
    count = [0] * (len(log) + 1)
    since_sum = [0] * (len(log) + 1)
    for opened_at, closed_at, since in spans:
        count[opened_at + 1] += 1
        since_sum[opened_at + 1] += since
        if closed_at is not None:
            count[closed_at + 1] -= 1
            since_sum[closed_at + 1] -= since
    states: list[_State] = []
    c = s = 0
    for k in range(-1, len(log)):
        c += count[k + 1]
        s += since_sum[k + 1]
        states.append(_State(initial.start if k < 0 else log[k].time, c, s))
    return states


def _index_at_start(states: Sequence[_State], iv: Interval) -> int:
    """The state in force at S: the last one before the FeedResults at S."""
    index = 0
    for i in range(1, len(states)):
        if states[i].time < iv.start:
            index = i
    return index


def _observed(states: Sequence[_State], iv: Interval) -> list[int]:
    """The counts a client could see in I: at S, then after each FeedResult."""
    first = _index_at_start(states, iv)
    return [states[first].count] + [s.count for s in states[first + 1 :] if s.time <= iv.now]


def _integrals(states: Sequence[_State], iv: Interval) -> tuple[int, Fraction]:
    """(∫ CurrentNumber dt in ms, ∫ CurrentTime dt in ms²) over I, exactly."""
    number = 0
    twice_time = 0  # 2 * integral of (count * t - since_sum) dt
    for i, state in enumerate(states):
        a = max(state.time, iv.start)
        b = min(states[i + 1].time if i + 1 < len(states) else iv.now, iv.now)
        if b <= a:
            continue
        number += state.count * (b - a)
        twice_time += state.count * (b * b - a * a) - 2 * state.since_sum * (b - a)
    return number, Fraction(twice_time, 2)


def _state_periods(
    states: Sequence[_State], spans: Sequence[_Span]
) -> list[tuple[int, int | None]]:
    """The maximal runs of states with something open: (start, end or None)."""
    before_log = min((since for opened_at, _, since in spans if opened_at < 0), default=0)
    periods: list[tuple[int, int | None]] = []
    start: int | None = None
    for i, state in enumerate(states):
        if state.count > 0 and start is None:
            start = before_log if i == 0 else state.time
        elif state.count == 0 and start is not None:
            periods.append((start, state.time))
            start = None
    if start is not None:
        periods.append((start, None))
    return periods


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------

_TOTALS = frozenset(
    {
        "TotalNumber",
        "TotalTime",
        "TotalAdjustedNumber",
        "TotalAdjustedTime",
        "AverageTime",
        "MaxTime",
        "MinTime",
    }
)
_RANGES = frozenset(
    {"TotalNumberInTimeRange", "TotalNumberInTimeRangePercentage", "TotalTimeInTimeRange"}
)
_CURRENT = frozenset(
    {"CurrentNumber", "CurrentTime", "CurrentMaxTime", "CurrentMinTime", "CurrentAverageTime"}
)
_CURRENT_MORE = frozenset(
    {
        "CurrentRelativeNumberPercentage",
        "CurrentRelativeTimePercentage",
        "CurrentNumberInTimeRange",
        "CurrentNumberInTimeRangePercentage",
        "CurrentContinuousTime",
        "CurrentDistinctNumber",
    }
)
_RELATIVE = frozenset(
    {
        "RelativeTimePercentage",
        "RelativeNumberPercentage",
        "RelativeNumber",
        "AverageNumberPerRelativeHour",
    }
)
#: categories made of the interval, not of items: no Selection for them
_NOT_ITEMS = frozenset(
    {
        "ElapsedTimePercentage",
        "TotalNumberPerSecond",
        "MaxNumber",
        "MinNumber",
        "AverageOfCurrentNumber",
        "AverageOfCurrentTime",
        "TotalContinuousNumber",
    }
)
#: the queue estimates of §3.3 (``EstimWaitTime`` is ``Category.EstimWaitingTime``)
_QUEUE_ESTIMATES = frozenset({"EstimWaitingTime", "EstimWaitTime", "LoadBalance"})
_MODELLED = (
    _TOTALS | _RANGES | _CURRENT | _CURRENT_MORE | _RELATIVE | _NOT_ITEMS | _QUEUE_ESTIMATES
) | {"ServiceFactor1"}


def _last(pairs: list[_Pair], n: int) -> list[_Pair]:
    return pairs[-n:] if n > 0 else []


def _pair_ms(pair: _Pair, opened: int) -> int:
    """A completed item's whole duration, clipped at O (ms)."""
    return pair[1] - max(pair[0], opened)


def _pair_seconds(pair: _Pair, opened: int) -> int:
    return _truncated_seconds(max(pair[0], opened), pair[1])


def _number_and_time(items: _Items, iv: Interval, selection: int | None) -> tuple[int, int]:
    """N(M) and T(M) (ms): over I, or over the last ``selection`` completed items."""
    if selection is None:
        return items.number(iv), items.time_ms(iv)
    chosen = _last(items.completed(iv), selection)
    return len(chosen), sum(_pair_ms(p, iv.opened) for p in chosen)


def _selection_value(
    category: str,
    main: list[_Pair],
    rel: list[_Pair] | None,
    abandons: list[_Pair] | None,
    opened: int,
    time_range: TimeRange | None,
    time_range2: TimeRange | None,
) -> int | float:
    """The historical categories of §2 over the last N completed items (§3.1)."""
    durations = [_pair_ms(p, opened) for p in main]
    if category in ("TotalNumber", "TotalAdjustedNumber"):
        return len(main)
    if category in ("TotalTime", "TotalAdjustedTime"):
        return _seconds(sum(durations))
    if category == "AverageTime":
        return _seconds(_ratio(sum(durations), len(durations)))
    if category == "MaxTime":
        return _seconds(max(durations, default=0))
    if category == "MinTime":
        return _seconds(min(durations, default=0))
    in_range = [p for p in main if _in_range(_pair_seconds(p, opened), time_range)]
    if category == "TotalNumberInTimeRange":
        return len(in_range)
    if category == "TotalTimeInTimeRange":
        return _seconds(sum(_pair_ms(p, opened) for p in in_range))
    if category == "TotalNumberInTimeRangePercentage":
        return 100 * _ratio(len(in_range), len(rel if rel is not None else main))
    if category == "ServiceFactor1":
        assert abandons is not None
        short = (
            []
            if time_range2 is None
            else [p for p in abandons if _in_range(_pair_seconds(p, opened), time_range2)]
        )
        return 100 * _ratio(len(in_range), len(main) + len(abandons) - len(short))
    raise KeyError(category)


def _relative(
    category: str, main: _Items, rel: _Items, iv: Interval, selection: int | None
) -> float:
    n_main, t_main = _number_and_time(main, iv, selection)
    n_rel, t_rel = _number_and_time(rel, iv, selection)
    if category == "RelativeTimePercentage":
        return 100 * _ratio(t_main, t_rel)
    if category == "RelativeNumberPercentage":
        return 100 * _ratio(n_main, n_rel)
    if category == "RelativeNumber":
        return _ratio(n_main, n_rel)
    if category == "AverageNumberPerRelativeHour":
        return _ratio(n_main * 3600, _seconds(t_rel))
    raise KeyError(category)


def _not_items(
    category: str, main: _Items, iv: Interval, initial: Initial, log: Sequence[FeedResult]
) -> int | float:
    """The categories of §3.3 made of the interval and the step function."""
    if category == "ElapsedTimePercentage":
        return 100 * _ratio(main.time_ms(iv), iv.elapsed_ms)
    if category == "TotalNumberPerSecond":
        return _ratio(main.number(iv), _seconds(iv.elapsed_ms))
    spans = main.spans()
    states = _states(spans, initial, log)
    if category == "MaxNumber":
        return max(_observed(states, iv))
    if category == "MinNumber":
        return min(_observed(states, iv))
    if category in ("AverageOfCurrentNumber", "AverageOfCurrentTime"):
        number, time = _integrals(states, iv)
        if category == "AverageOfCurrentNumber":
            return _ratio(number, iv.elapsed_ms)
        return _seconds(time / iv.elapsed_ms) if iv.elapsed_ms > 0 else 0.0
    if category == "TotalContinuousNumber":
        periods = main.periods() if isinstance(main, _Segments) else _state_periods(states, spans)
        return sum(1 for start, end in periods if _counted(start, end, iv))
    raise KeyError(category)


def _current_more(
    category: str,
    main: _Items,
    rel: _Items | None,
    iv: Interval,
    time_range: TimeRange | None,
    obj: ObjectRef,
    initial: Initial,
    log: Sequence[FeedResult],
) -> int | float:
    now = iv.now
    since = main.open_since()
    if category == "CurrentNumberInTimeRange":
        return sum(1 for s in since if _in_range(now // 1000 - s // 1000, time_range))
    if category == "CurrentNumberInTimeRangePercentage":
        in_range = sum(1 for s in since if _in_range(now // 1000 - s // 1000, time_range))
        base = (rel if rel is not None else main).open_since()
        return 100 * _ratio(in_range, len(base))
    if category == "CurrentContinuousTime":
        if obj.type not in (_O.Agent, _O.Place, *_DN_OBJECTS):
            raise ValueError(
                "CurrentContinuousTime is for Agent and Place objects (§3.3; and DNs: their "
                f"status is theirs): a group has no status of its own, so not {obj}"
            )
        if isinstance(main, _Actions):
            raise ValueError("CurrentContinuousTime needs a status subject")
        spans = main.spans()
        periods = _state_periods(_states(spans, initial, log), spans)
        if not periods or periods[-1][1] is not None:
            return 0.0
        # a period under way at the open counts from the open (semantics §3.3)
        return _seconds(now - max(periods[-1][0], iv.opened))
    if category == "CurrentDistinctNumber":
        if not isinstance(main, _Actions):
            raise ValueError("CurrentDistinctNumber needs Subject=DNAction")
        return len({i.action.conn_id for i in _open_now(main.items)})
    if rel is None:
        raise ValueError(f"category {category} needs a RelMask")
    rel_since = rel.open_since()
    if category == "CurrentRelativeNumberPercentage":
        return 100 * _ratio(len(since), len(rel_since))
    if category == "CurrentRelativeTimePercentage":
        return 100 * _ratio(sum(now - s for s in since), sum(now - s for s in rel_since))
    raise KeyError(category)


def _queue_estimate(
    category: str,
    stat: StatType,
    obj: ObjectRef,
    initial: Initial,
    log: Sequence[FeedResult],
    iv: Interval,
    selection: int | None,
) -> float:
    """EstimWaitTime and LoadBalance (§3.3): fixed action sets on the queue."""
    items = action_items(initial, log)

    def of(kind: ActionKind) -> list[ActionItem]:
        return _select(items, stat, obj, initial, frozenset({kind}))

    waiting = len(_open_now(of(_K.CallWait)))
    if category == "LoadBalance":
        ready = len(_open_now(of(_K.AgentReady)))
        return 100 * waiting / max(1, ready)
    released = _Actions(of(_K.CallReleased)).completed(iv)
    if selection is not None:
        released = _last(released, selection)
    talk_ms = [_pair_ms(p, iv.opened) for p in released]
    mean_talk = _seconds(_ratio(sum(talk_ms), len(talk_ms)))
    logged_in = len(_open_now(of(_K.AgentLoginQueue)))
    return (waiting + 1) * mean_talk / max(1, logged_in)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def reference_value(
    stat: StatType,
    obj: ObjectRef,
    *,
    initial: Initial,
    log: Sequence[FeedResult],
    opened: int,
    now: int,
    resets: Sequence[int] = (),
    time_range: TimeRange | None = None,
    time_range2: TimeRange | None = None,
    window: tuple[int, int] | None = None,
    selection: int | None = None,
    filter: Predicate | None = None,
) -> int | float:
    """The value of ``stat`` opened on ``obj`` at ``opened``, at ``now``.

    Args:
        initial: the center when the log began (``initial.start <= opened``).
        log: every FeedResult from ``initial.start`` to ``now``, in order.
        resets: the reset instants (ms) of a Growing profile, or the login
            instants of a SinceLogin one (:func:`login_instants`); those
            after ``now`` are ignored, and all of them with ``window`` or
            ``selection``.
        time_range, time_range2: for the time-range categories and
            ServiceFactor1; ``time_range`` None means the built-in 0-20,
            ``time_range2`` None means no short-abandon range.
        window: a Sliding profile, ``(window ms, step ms)``.
        selection: a Selection profile, N (>= 1).
        filter: the stat type's filter as a predicate (required when
            ``stat.filter`` names one; applied even if it does not).

    Returns:
        counts as int, times in seconds as float, percentages and other
        ratios as float.
    """
    if not initial.start <= opened <= now:
        raise ValueError(f"need start <= opened <= now, got {initial.start}, {opened}, {now}")
    late = [r.time for r in log if r.time > now]
    if late:
        raise ValueError(f"the log goes past now ({now}): {late[0]}")
    if stat.filter is not None and filter is None:
        raise ValueError(f"stat type {stat.name} names filter {stat.filter!r}: pass filter=")
    if getattr(stat, "reason_start_overrides_status_start", False):
        raise NotImplementedError("ReasonStartOverridesStatusStart is not modelled")
    if window is not None and selection is not None:
        raise ValueError("a profile is Sliding or Selection, not both")
    if selection is not None and selection < 1:
        raise ValueError(f"Selection needs N >= 1, got {selection}")
    category = stat.category.name
    if category not in _MODELLED:
        raise NotImplementedError(f"category {category} is not modelled by the reference")
    if selection is not None and category in _NOT_ITEMS:
        raise NotImplementedError(f"{category} with a Selection profile is not defined (§3.1)")
    if window is not None:
        iv = Interval.sliding(opened, now, *window)
    elif selection is not None:
        iv = Interval(opened, opened, now)
    else:
        iv = Interval.of(opened, now, resets)
    if category in _QUEUE_ESTIMATES:
        return _queue_estimate(category, stat, obj, initial, log, iv, selection)

    main: _Items
    rel: _Items | None = None
    abandons: _Actions | None = None
    if stat.subject.name == "DNAction":
        items = action_items(initial, log)
        main = _Actions(_select(items, stat, obj, initial, stat.main_mask.actions, filter))
        if stat.rel_mask is not None:
            rel = _Actions(_select(items, stat, obj, initial, stat.rel_mask.actions))
        if category == "ServiceFactor1":
            abandons = _Actions(_select(items, stat, obj, initial, _ABANDONS, filter))
    else:
        if category == "ServiceFactor1":
            raise ValueError("ServiceFactor1 needs Subject=DNAction")
        group, members, sources = _status_sources(stat, obj, initial)
        filtered = status_segments(initial, log, group, members, sources, filter)
        main_statuses = stat.main_mask.statuses
        main = _Segments([s for s in filtered if s.status in main_statuses and s.matches])
        if stat.rel_mask is not None:
            plain = filtered
            if filter is not None:
                plain = status_segments(initial, log, group, members, sources)
            rel_statuses = stat.rel_mask.statuses
            rel = _Segments([s for s in plain if s.status in rel_statuses])

    if category in _CURRENT:
        return _current(category, [now - s for s in main.open_since()])
    if category in _CURRENT_MORE:
        return _current_more(category, main, rel, iv, time_range, obj, initial, log)
    if category in _RELATIVE:
        if rel is None:
            raise ValueError(f"category {category} needs a RelMask")
        return _relative(category, main, rel, iv, selection)
    if category in _NOT_ITEMS:
        return _not_items(category, main, iv, initial, log)
    if selection is not None:
        return _selection_value(
            category,
            _last(main.completed(iv), selection),
            None if rel is None else _last(rel.completed(iv), selection),
            None if abandons is None else _last(abandons.completed(iv), selection),
            opened,
            time_range,
            time_range2,
        )
    if category in _TOTALS:
        return main.historical(category, iv)
    if category in _RANGES:
        return main.ranges(category, rel, iv, time_range)
    assert category == "ServiceFactor1"
    assert isinstance(main, _Actions)
    assert abandons is not None
    return _service_factor(main.items, abandons.items, iv, time_range, time_range2)


# ---------------------------------------------------------------------------
# Validity (§3.4)
# ---------------------------------------------------------------------------

_UP, _LOST, _UNKNOWN = "up", "lost", "unknown"


def _channel_parts(ref: ObjectRef) -> tuple[str, str, str, str] | None:
    """(media, agent, place, link) of a media channel ``media|agent|place|link``."""
    parts = ref.id.split("|")
    if ref.type is not _O.MediaChannel or len(parts) != 4:
        return None
    return parts[0], parts[1], parts[2], parts[3]


def _link_event(event: Event | None, result: FeedResult) -> tuple[str, str] | None:
    """("lost" | "connected", link name) for an applied link event."""
    if event is None or result.refused is not None:
        return None
    name = type(event).__name__
    if name in ("LinkDisconnected", "ServerDisconnected"):
        return "lost", event.link
    if name == "LinkConnected":
        return "connected", event.link
    return None


def validity(
    obj: ObjectRef,
    initial: Initial,
    log: Sequence[FeedResult],
    now: int,
    *,
    events: Sequence[Event | None] | None = None,
) -> bool:
    """Whether a statistic on ``obj`` is Valid at ``now`` (§3.4).

    Invalid while a device it depends on is not monitored: a DN or a staging
    area whose last status is NotMonitored, a media channel that went
    NotMonitored with its Interaction Server link. Devices: a DN object's DN;
    a queue group's DNs; a place's DNs and its present media channels; an
    agent's DNs (associated from its LoggedIn to its AgentLogout: a link
    loss does not dissociate them) and present channels; a group's members'
    devices (members at ``now``); a staging area itself; a switch's DNs. A
    tenant depends on nothing.

    A media channel also goes NotMonitored when it is removed (MediaRemoved,
    logout): ``events``, the event fed for each FeedResult of ``log`` (None
    for ``advance``), tells the two apart. Without it, a channel of ``obj``
    whose last status is NotMonitored raises ValueError.
    """
    if now < initial.start:
        raise ValueError(f"now ({now}) is before the log's start ({initial.start})")
    if events is not None and len(events) != len(log):
        raise ValueError(f"{len(events)} events for {len(log)} FeedResults")
    status: dict[ObjectRef, Status] = dict(initial.statuses)
    channels = {
        ref: (_UP if st is not Status.NotMonitored else _LOST)
        for ref, st in initial.statuses.items()
        if ref.type is _O.MediaChannel
    }
    logins = dict(initial.logins)
    for action in initial.open_actions:
        if action.kind is _K.LoggedIn and action.agent:
            logins[action.device] = action.agent
    members = {group: set(m) for group, m in initial.members.items()}
    for index, result in enumerate(log):
        if result.time > now:
            break
        link_event = _link_event(None if events is None else events[index], result)
        for m in result.memberships:
            current = members.setdefault(m.group, set())
            if m.joined:
                current.add(m.member)
            else:
                current.discard(m.member)
        for action in result.actions:
            if action.kind is _K.LoggedIn and action.end is None and action.agent:
                logins[action.device] = action.agent
            elif action.kind is _K.AgentLogout:
                logins.pop(action.device, None)
        for change in result.status_changes:
            status[change.ref] = change.new
            if change.ref.type is not _O.MediaChannel:
                continue
            parts = _channel_parts(change.ref)
            if parts is None:
                continue
            if change.new is not Status.NotMonitored:
                channels[change.ref] = _UP
            elif events is None:
                channels[change.ref] = _UNKNOWN
            elif link_event == ("lost", parts[3]):
                channels[change.ref] = _LOST
            else:
                channels.pop(change.ref, None)  # removed
        if link_event is not None and link_event[0] == "connected":
            # the link's partial states are dropped (and rebuilt by new logins)
            for ref in list(channels):
                parts = _channel_parts(ref)
                if parts is not None and parts[3] == link_event[1]:
                    del channels[ref]

    def channels_of(agent: str = "", place: str = "", tenant: str = "") -> list[ObjectRef]:
        found = []
        for ref in channels:
            parts = _channel_parts(ref)
            if parts is None or ref.tenant != tenant:
                continue
            if (agent and parts[1] == agent) or (place and parts[2] == place):
                found.append(ref)
        return found

    def devices(of: ObjectRef) -> list[ObjectRef]:
        if of.type in _DN_OBJECTS or of.type is _O.StagingArea:
            return [of]
        if of.type is _O.GroupQueues:
            return list(initial.queue_groups.get(of, ()))
        if of.type is _O.Switch:
            return [
                ref
                for ref in status
                if ref.type in _DN_OBJECTS
                and ref.tenant == of.tenant
                and ref.id.rpartition("@")[2] == of.id
            ]
        if of.type is _O.Place:
            dns = list(initial.place_dns.get(of, ()))
            return dns + channels_of(place=of.id, tenant=of.tenant)
        if of.type is _O.Agent:
            dns = [dn for dn, agent in logins.items() if agent == of.id and dn.tenant == of.tenant]
            return dns + channels_of(agent=of.id, tenant=of.tenant)
        if of.type in (_O.GroupAgents, _O.GroupPlaces):
            return [d for member in sorted(members.get(of, ()), key=str) for d in devices(member)]
        if of.type is _O.Tenant:
            return []
        raise ValueError(f"no validity rule for {of}")

    for device in devices(obj):
        if device.type is _O.MediaChannel:
            state = channels[device]
            if state == _UNKNOWN:
                raise ValueError(
                    f"{device} went NotMonitored: pass events= to tell a lost channel "
                    "from a removed one"
                )
            if state == _LOST:
                return False
        elif device not in status:
            raise KeyError(f"no initial status for {device}")
        elif status[device] is Status.NotMonitored:
            return False
    return True
