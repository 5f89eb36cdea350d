"""An independent reference evaluator of statistics (``docs/semantics.md`` §2).

It recomputes the value of one statistic **from scratch**, from the raw log of
:class:`~statengine.core.engine.FeedResult` s, so that property tests can
compare it with the engine's incremental implementation. It is written to be
obviously right, not fast: every call walks the whole log again.

It reads only data tables and value classes of ``statengine.core`` (action
classes, object refs, statuses, the attributes of a stat type); it shares no
code with the engine's statistics modules, nor with ``state.py`` logic.

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
     ends a span).

2. **Apply the definition table** of the category to those items, one small
   function per category family (:func:`action_category`,
   :func:`status_category`).

Same-instant ordering inside one ``FeedResult`` (status subjects): at equal
times, leaves come first, then status changes, then joins. So a member that
joins in the event that also changes its status joins *with the new status*
(no zero-length segment of the status it had before the event), and a member
that leaves in the event that changes its status leaves *with the old one*.
Status changes of different ``FeedResult`` s at the same millisecond do make
zero-length segments: they are separate transitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from statengine.core.actions import ACTION_CLASS, Action, ActionClass, ActionKind
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.status import Status

if TYPE_CHECKING:
    from statengine.core.engine import Engine, FeedResult
    from statengine.core.stattypes import Mask, StatType, TimeRange

__all__ = [
    "ActionItem",
    "Initial",
    "Interval",
    "Segment",
    "action_items",
    "reference_value",
    "status_segments",
]

_O = ObjectType
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
_ABANDONS = frozenset({ActionKind.CallAbandoned, ActionKind.CallAbandonedFromRinging})
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

    ``since`` and ``open_actions`` are optional: without them a status is
    taken to have started at ``start`` and no action is open at ``start``
    (true for an engine that has not been fed yet).
    """

    #: engine time when logging began (ms)
    start: int
    #: the status of every DN, place and agent at ``start``
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
        for kind in (_O.RegDN, _O.Queue, _O.RoutePoint, _O.Place, _O.Agent):
            for ref in engine.objects(kind):
                info = engine.status(ref)
                statuses[ref] = info.status
                since[ref] = info.since
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
        # open actions: read the live devices (DNs, staging areas, media channels)
        model = engine.model
        devices: dict[int, Any] = {}
        for dev in (*model.dns.values(), *model.staging.values()):
            devices[id(dev)] = dev
        for place in model.places.values():
            for channel in place.channels.values():
                devices[id(channel)] = channel
        for agent in model.agents.values():
            for partial in agent.partials.values():
                for channel in partial.channels.values():
                    devices[id(channel)] = channel
        open_actions = sorted(
            (a for dev in devices.values() for a in dev.open.values()),
            key=lambda a: (a.start, str(a.device), a.kind.value, a.conn_id),
        )
        return cls(
            start=engine.now,
            statuses=statuses,
            members=members,
            place_dns=place_dns,
            queue_groups=queue_groups,
            since=since,
            open_actions=tuple(open_actions),
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
        """``S = max(O, last reset <= now)``."""
        past_resets = [r for r in resets if r <= now]
        return cls(opened=opened, start=max([opened, *past_resets]), now=now)

    def contains(self, t: int) -> bool:
        return self.start <= t <= self.now


def _seconds(ms: int | float) -> float:
    return ms / 1000


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
    """Every action of the log (and those open at its start) as items."""
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
    for result in log:
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
                items.append(
                    ActionItem(
                        action.kind,
                        cls,
                        action.start,
                        action.end,
                        action,
                        _groups_of(action, members),
                    )
                )
            elif action.end is None:
                assert key(action) not in open_items, f"opened twice: {action}"
                open_items[key(action)] = ActionItem(
                    action.kind, cls, action.start, None, action, _groups_of(action, members)
                )
            else:
                opening = open_items.pop(key(action), None)
                if opening is None:
                    # opened before the log and not in initial.open_actions:
                    # attribute it as the log's start saw it
                    groups = _groups_of(action, initial_members)
                    first = action
                else:
                    assert opening.start == action.start, (opening, action)
                    groups, first = opening.groups, opening.action
                items.append(ActionItem(action.kind, cls, action.start, action.end, first, groups))
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
) -> list[ActionItem]:
    """The items of ``kinds`` that feed the statistic (scope, MediaType)."""
    return [
        item
        for item in items
        if item.kind in kinds and _media_ok(stat, item.action) and _in_scope(item, obj, initial)
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


def action_category(
    stat: StatType,
    obj: ObjectRef,
    initial: Initial,
    log: Sequence[FeedResult],
    iv: Interval,
    time_range: TimeRange | None,
    time_range2: TimeRange | None,
) -> int | float:
    category = stat.category.name
    items = action_items(initial, log)
    main = _select(items, stat, obj, initial, stat.main_mask.actions)
    if category in _TOTALS:
        return _action_totals(category, main, iv)
    if category in _RANGES:
        rel_mask = stat.rel_mask
        rel = None if rel_mask is None else _select(items, stat, obj, initial, rel_mask.actions)
        return _action_ranges(category, main, rel, iv, time_range)
    if category == "ServiceFactor1":
        abandoned = _select(items, stat, obj, initial, _ABANDONS)
        return _service_factor(main, abandoned, iv, time_range, time_range2)
    if category in _CURRENT:
        return _current(category, [iv.now - i.start for i in _open_now(main)])
    raise NotImplementedError(f"category {category}")


# ---------------------------------------------------------------------------
# Step 1b: status segments
# ---------------------------------------------------------------------------


@attrs.frozen
class Segment:
    """One span of one object in one status while it feeds the statistic."""

    #: the object whose status it is (a DN, a place, an agent)
    ref: ObjectRef
    status: Status
    #: when the span began: entering the status, or joining the group
    start: int
    #: when it ended (status left or group left); None if still going on
    end: int | None
    #: when ``ref`` entered ``status`` (before ``start`` if it joined mid-way)
    since: int


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
) -> list[Segment]:
    """Every span of every contributing object, from the start of the log to now."""
    status = dict(initial.statuses)
    since = {ref: initial.since_of(ref) for ref in status}
    current_members = set(members)
    open_spans: dict[ObjectRef, tuple[Status, int, int]] = {}  # ref -> (status, start, since)
    segments: list[Segment] = []

    def begin(ref: ObjectRef, t: int) -> None:
        assert ref not in open_spans, ref
        if ref not in status:
            # an agent added by configuration after the log began: logged out
            # since it appeared (it has no status change before logging in)
            if ref.type is not _O.Agent:
                raise KeyError(f"no initial status for {ref}")
            status[ref], since[ref] = Status.LoggedOut, t
        open_spans[ref] = (status[ref], t, since[ref])

    def finish(ref: ObjectRef, t: int) -> None:
        st, start, entered = open_spans.pop(ref)
        segments.append(Segment(ref, st, start, t, entered))

    for member in current_members:
        for ref in sources(member):
            begin(ref, since[ref])
    for result in log:
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
                if change.old == change.new:
                    continue  # only the defining action's data changed
                ref = change.ref
                if ref in status:
                    assert status[ref] is change.old, (status[ref], change)
                status[ref], since[ref] = change.new, change.time
                if ref in open_spans:
                    finish(ref, change.time)
                    begin(ref, change.time)
    for ref, (st, start, entered) in open_spans.items():
        segments.append(Segment(ref, st, start, None, entered))
    return segments


# ---------------------------------------------------------------------------
# Step 2b: status categories (semantics §2.4)
# ---------------------------------------------------------------------------


def _counted(seg: Segment, iv: Interval) -> bool:
    """Started in I, or in progress at S (the projection rule)."""
    started_in_i = iv.contains(seg.start)
    in_progress_at_s = seg.start < iv.start and (seg.end is None or seg.end > iv.start)
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
    counted = [s for s in segs if _counted(s, iv)]
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


def status_category(
    stat: StatType,
    obj: ObjectRef,
    initial: Initial,
    log: Sequence[FeedResult],
    iv: Interval,
    time_range: TimeRange | None,
) -> int | float:
    category = stat.category.name
    group, members, sources = _status_sources(stat, obj, initial)
    segs = status_segments(initial, log, group, members, sources)

    def of(mask: Mask) -> list[Segment]:
        return [s for s in segs if s.status in mask.statuses]

    main = of(stat.main_mask)
    if category in _TOTALS:
        return _status_totals(category, main, iv)
    if category in _RANGES:
        rel = None if stat.rel_mask is None else of(stat.rel_mask)
        return _status_ranges(category, main, rel, iv, time_range)
    if category in _CURRENT:
        return _current(category, [iv.now - s.since for s in main if s.end is None])
    raise NotImplementedError(f"category {category} on Subject={stat.subject.name}")


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
) -> int | float:
    """The value of ``stat`` opened on ``obj`` at ``opened``, at ``now``.

    Args:
        initial: the center when the log began (``initial.start <= opened``).
        log: every FeedResult from ``initial.start`` to ``now``, in order.
        resets: the reset instants (ms) of the statistic's Growing profile;
            those after ``now`` are ignored.
        time_range, time_range2: for the time-range categories and
            ServiceFactor1; ``time_range`` None means the built-in 0-20,
            ``time_range2`` None means no short-abandon range.

    Returns:
        counts as int, times in seconds as float, percentages as float.
    """
    if not initial.start <= opened <= now:
        raise ValueError(f"need start <= opened <= now, got {initial.start}, {opened}, {now}")
    late = [r.time for r in log if r.time > now]
    if late:
        raise ValueError(f"the log goes past now ({now}): {late[0]}")
    if stat.filter is not None:
        raise NotImplementedError("filters are not modelled by the reference")
    if getattr(stat, "reason_start_overrides_status_start", False):
        raise NotImplementedError("ReasonStartOverridesStatusStart is not modelled")
    iv = Interval.of(opened, now, resets)
    if stat.subject.name == "DNAction":
        return action_category(stat, obj, initial, log, iv, time_range, time_range2)
    if stat.category.name == "ServiceFactor1":
        raise ValueError("ServiceFactor1 needs Subject=DNAction")
    return status_category(stat, obj, initial, log, iv, time_range)
