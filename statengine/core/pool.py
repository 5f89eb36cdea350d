"""The persistent statistic pool (DOMAIN §6.3, §7; seed 002).

Every statistic a client opens joins the pool, keyed by its object and the
canonical form of its definition (stat type, time profile, time ranges,
filter), so the same statistic opened by many subscribers is computed once.
It keeps being computed after its last subscriber leaves, and is dropped
``keep`` (three days by default) after it was last requested (opened,
peeked or closed) — never while a subscription is open. Unsubscribed
statistics wait in a sorted index by last-request time, so expiry never
scans the pool.

Routing, so that an event costs work proportional to the statistics it
touches, not to the pool:

* actions: ``target object -> action kind -> aggregates``; the targets of an
  action are its device, its queue groups, switch and tenant, its place and
  agent and their groups (DOMAIN §1.5). A durable action remembers which
  aggregates took its start, so its end reaches the same ones even if the
  agent left a group meanwhile;
* statuses: ``member -> status aggregates`` following that member;
* group membership: ``group -> status aggregates`` of statistics on it;
* shared per-status sums (:class:`StatusCounters`): ``member -> sums``
  following it, ``group -> sums`` of statistics on it. The status
  statistics of the categories in ``SUMMED`` on one object, subject, reset
  schedule and open time share one, so that a status change costs one update
  per scope and profile, not one per stat type.
"""

from __future__ import annotations

import heapq
import itertools
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import tzinfo
from typing import Any

import attrs
from sortedcontainers import SortedList

from statengine.core.actions import ACTION_CLASS, Action, ActionClass, ActionKind
from statengine.core.aggregates import (
    ActionAggregate,
    ActionSums,
    ActionView,
    MaskView,
    StatusAggregate,
    StatusCounters,
)
from statengine.core.categories import (
    ACTION_SUMMED,
    COUNTING,
    EXTRA_MASKS,
    ORDERED,
    SUMMED,
    Statistic,
    StatKey,
    Term,
    time_varying,
)
from statengine.core.currentstate import state_tree
from statengine.core.filters import Filter
from statengine.core.notify import (
    Notification,
    NotificationSettings,
    NotifyMode,
    Reason,
    Subscription,
    changed_enough,
)
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.profiles import ProfileKind, TimeProfile
from statengine.core.state import (
    Device,
    DNState,
    MediaChannel,
    MembershipChange,
    Model,
    StatusChange,
)
from statengine.core.stattypes import (
    DEFAULT_TIME_RANGE,
    REL_MASK_CATEGORIES,
    STATE_CATEGORIES,
    TIME_RANGE_CATEGORIES,
    Category,
    Mask,
    StatType,
    Subject,
    TimeRange,
)
from statengine.core.status import Status
from statengine.core.windows import WindowActionAggregate, WindowStatusAggregate
from statengine.errors import LocalProtocolError

__all__ = ["DEFAULT_KEEP_MS", "Pool", "PoolStatistics"]

#: Statistics leave the pool three days after they were last requested (seed 002).
DEFAULT_KEEP_MS = 3 * 24 * 3_600_000

_DURABLE = ActionClass.DURABLE
#: Categories a Sliding or Selection window cannot serve (they follow the
#: count of open items over time, which windows do not keep).
_NOT_WINDOWED = COUNTING | {Category.TotalContinuousNumber}
_T = ObjectType
_DN_TYPES = frozenset({_T.RegDN, _T.Queue, _T.RoutePoint})
#: objects whose scope is every device of a switch or tenant
_WIDE_TYPES = frozenset({_T.Switch, _T.Tenant})
#: devices whose actions belong to the agent and place they name (DOMAIN §1.5)
_AGENT_DEVICES = frozenset({_T.RegDN, _T.MediaChannel})

Value = int | float
_UNKNOWN = object()
OpenKey = tuple[ObjectRef, ActionKind, str]


@attrs.frozen(kw_only=True)
class PoolStatistics:
    """What the pool holds (``engine.pool_statistics()``)."""

    #: statistics computed now
    statistics: int
    #: open subscriptions
    subscriptions: int
    #: statistics kept with no subscriber, waiting for their expiry
    unsubscribed: int
    #: statistics dropped after their keep period
    expired: int
    aggregates: int
    #: rough size of the aggregates in bytes (``sys.getsizeof`` of their parts)
    approx_bytes: int


@attrs.define(eq=False)
class _Entry:
    """An aggregate in the routing index, with the statistic it feeds."""

    agg: Any
    stat: Statistic
    media: frozenset[str] | None
    #: actions must match it (statuses: the aggregate checks its own)
    filter: Filter | None = None


@attrs.define(eq=False)
class _Shared:
    """Shared sums in the pool (per status or per action kind), with the
    statistics that read them."""

    key: tuple[Any, ...]
    #: StatusCounters or ActionSums
    counters: Any
    stats: list[Statistic] = attrs.field(factory=list)
    #: status or kind -> the statistics with changes-based subscriptions
    #: whose masks hold it (built on first use, forgotten when those change)
    watch: dict[Any, tuple[Statistic, ...]] | None = None
    #: action sums: the media and filter actions must match, and the kinds
    #: routed to them so far
    media: frozenset[str] | None = None
    filter: Filter | None = None
    kinds: set[ActionKind] = attrs.field(factory=set)

    def views(self, stat: Statistic) -> list[Any]:
        """The parts of ``stat`` that read these sums."""
        return [v for v in (stat.main, stat.rel) if _is_view(v) and v.counters is self.counters]

    def watching(self) -> dict[Any, tuple[Statistic, ...]]:
        """Build ``watch``: only changes-based subscriptions need to hear
        of a change (``flush``), so the others cost nothing per event."""
        watch: dict[Any, tuple[Statistic, ...]] = {}
        for stat in self.stats:
            if stat.changes_subscriptions:
                for s in {s for v in self.views(stat) for s in v.selected}:
                    watch[s] = (*watch.get(s, ()), stat)
        self.watch = watch
        return watch

    def mark(self, dirty: dict[Statistic, None], key: Any) -> None:
        watch = self.watch if self.watch is not None else self.watching()
        if watch:
            for stat in watch.get(key, ()):
                dirty[stat] = None


def _takes(route: _Entry | _Shared, action: Action) -> bool:
    """Whether an action is of the route's media and passes its filter."""
    media, flt = route.media, route.filter
    return (media is None or action.media.lower() in media) and (flt is None or flt.matches(action))


def _is_view(agg: Any) -> bool:
    return type(agg) is MaskView or type(agg) is ActionView


@attrs.define(eq=False)
class Pool:
    """The statistic pool over one engine model. Owned by :class:`Engine`."""

    model: Model
    stat_types: Mapping[str, StatType]
    profiles: Mapping[str, TimeProfile]
    time_ranges: Mapping[str, TimeRange]
    zones: Mapping[str, tzinfo] = attrs.field(factory=dict)
    filters: Mapping[str, Filter] = attrs.field(factory=dict)
    keep: int = DEFAULT_KEEP_MS
    #: how often (ms of engine time) clock-driven values are re-evaluated
    granularity: int = 1000
    stats: dict[StatKey, Statistic] = attrs.field(factory=dict)
    subscriptions: dict[tuple[str, Any], Subscription] = attrs.field(factory=dict)
    out: list[Notification] = attrs.field(factory=list)
    _by_target: dict[ObjectRef, dict[ActionKind, list[_Entry]]] = attrs.field(factory=dict)
    _open_routes: dict[OpenKey, list[_Entry]] = attrs.field(factory=dict)
    _by_member: dict[ObjectRef, list[_Entry]] = attrs.field(factory=dict)
    #: ``_by_member`` split by the statuses in each entry's mask, built on
    #: first use and forgotten when the member's entries change: a status
    #: change visits only the aggregates whose mask holds the old or new status
    _by_member_status: dict[ObjectRef, dict[Status, tuple[_Entry, ...]]] = attrs.field(factory=dict)
    _by_group: dict[ObjectRef, list[_Entry]] = attrs.field(factory=dict)
    _static_targets: dict[ObjectRef, tuple[ObjectRef, ...]] = attrs.field(factory=dict)
    _resets: list[tuple[int, int, Statistic]] = attrs.field(factory=list)
    _periodic: list[tuple[int, int, Subscription]] = attrs.field(factory=list)
    _ticking: dict[Subscription, None] = attrs.field(factory=dict)
    _next_tick: int | None = None
    _expiry: SortedList = attrs.field(factory=SortedList)
    _expiry_entry: dict[StatKey, tuple[int, int, StatKey]] = attrs.field(factory=dict)
    _dirty: dict[Statistic, None] = attrs.field(factory=dict)
    #: members followed by a filtered status aggregate (reason changes matter)
    _filtered: set[ObjectRef] = attrs.field(factory=set)
    #: SinceLogin statistics by agent
    _since_login: dict[ObjectRef, list[Statistic]] = attrs.field(factory=dict)
    #: every statistic's validity must be looked at again (after a restore)
    _validity_dirty: bool = False
    #: objects whose statistics' validity must be looked at again
    _validity_objects: dict[ObjectRef, None] = attrs.field(factory=dict)
    #: statistics with a validity, by object; switch and tenant ones (their
    #: scope is every device) also in ``_wide``
    _by_object: dict[ObjectRef, list[Statistic]] = attrs.field(factory=dict)
    _wide: dict[Statistic, None] = attrs.field(factory=dict)
    _seq: Iterator[int] = attrs.field(factory=itertools.count)
    _expired: int = 0
    #: shared per-status sums by (object, subject, profile, zone, open time, epoch)
    _counters: dict[tuple[Any, ...], _Shared] = attrs.field(factory=dict)
    _member_counters: dict[ObjectRef, list[_Shared]] = attrs.field(factory=dict)
    _group_counters: dict[ObjectRef, list[_Shared]] = attrs.field(factory=dict)
    _shared_of: dict[Any, _Shared] = attrs.field(factory=dict)
    #: shared action sums: ``target -> kind -> sums`` and, for durable
    #: actions, which sums took an open item's start
    _target_sums: dict[ObjectRef, dict[ActionKind, list[_Shared]]] = attrs.field(factory=dict)
    _open_sum_routes: dict[OpenKey, list[_Shared]] = attrs.field(factory=dict)
    #: what ``_route`` found, by (device, kind[, place, agent])
    _routes: dict[Any, tuple[tuple[_Entry, ...], tuple[_Shared, ...]]] = attrs.field(factory=dict)
    _next_resets: dict[tuple[TimeProfile, tzinfo, int], int | None] = attrs.field(factory=dict)
    #: events and time steps processed (see ``_shared``)
    _epoch: int = 0
    #: whether statistics read shared sums where they can (docs/semantics.md §3.5;
    #: False: one aggregate per statistic, for comparison)
    share_sums: bool = True

    # ------------------------------------------------------------------
    # Subscriptions
    # ------------------------------------------------------------------

    def open(
        self,
        subscriber: str,
        ref_id: Any,
        obj: ObjectRef,
        stat_type: str | StatType,
        now: int,
        *,
        profile: str = "Default",
        time_range: str | None = None,
        time_range2: str | None = None,
        filter: str | None = None,
        settings: NotificationSettings | None = None,
    ) -> Notification:
        """Subscribe ``(subscriber, ref_id)`` to a statistic; returns its value now.

        Raises:
            LocalProtocolError: duplicate ref id, unknown stat type, object,
                time profile or time range, or an object the stat type does
                not apply to. Nothing is changed.
        """
        settings = settings or NotificationSettings()
        key = (subscriber, ref_id)
        if key in self.subscriptions:
            raise LocalProtocolError(f"{subscriber!r} already has a statistic {ref_id!r}")
        st_type = self._stat_type(stat_type)
        if obj.type not in st_type.objects:
            allowed = ", ".join(sorted(t.name for t in st_type.objects))
            raise LocalProtocolError(
                f"stat type {st_type.name!r} does not apply to {obj.type.name} (only {allowed})"
            )
        self._check_object(obj, st_type.subject)
        prof = self.profiles.get(profile)
        if prof is None:
            raise LocalProtocolError(f"unknown time profile {profile!r}")
        if prof.kind is ProfileKind.SinceLogin and obj.type is not _T.Agent:
            raise LocalProtocolError(f"time profile {profile!r} (SinceLogin) is for agents only")
        if prof.kind in (ProfileKind.Sliding, ProfileKind.Selection) and (
            st_type.category in _NOT_WINDOWED
        ):
            raise LocalProtocolError(
                f"category {st_type.category.name} cannot use the {prof.kind.name} "
                f"profile {profile!r}"
            )
        if st_type.category is Category.CurrentContinuousTime and obj.type not in (
            _T.Agent,
            _T.Place,
            *_DN_TYPES,
        ):
            raise LocalProtocolError(
                f"CurrentContinuousTime is for agents, places and DNs, not {obj.type.name}"
            )
        filter_name = filter if filter is not None else st_type.filter
        flt = None
        if filter_name is not None:
            flt = self.filters.get(filter_name)
            if flt is None:
                raise LocalProtocolError(f"unknown filter {filter_name!r}")
        rng = self._range(time_range, required=st_type.category in TIME_RANGE_CATEGORIES)
        rng2 = self._range(time_range2, required=False)
        tz = self._zone(prof, obj)
        skey = StatKey(
            object=obj,
            definition=key_definition(st_type, prof, rng, rng2, flt),
        )
        stat = self.stats.get(skey)
        if stat is None:
            stat = self._create(skey, obj, st_type, prof, tz, rng, rng2, flt, now)
        sub = Subscription(
            subscriber=subscriber,
            ref_id=ref_id,
            statistic=stat,
            settings=settings,
            stat_type=st_type.name,
        )
        self.subscriptions[key] = sub
        stat.subscriptions.append(sub)
        if settings.mode is NotifyMode.CHANGES:
            stat.changes_subscriptions += 1
            self._watch_changed(stat)
        self._requested(stat, now)
        if settings.mode is NotifyMode.PERIODICAL:
            sub.next_send = now + round(settings.frequency * 1000)
            heapq.heappush(self._periodic, (sub.next_send, next(self._seq), sub))
        if settings.mode is NotifyMode.CHANGES and stat.time_varying:
            self._ticking[sub] = None
            if self._next_tick is None:
                self._next_tick = now + self.granularity
        opened = sub.notification(stat.value(now), now, Reason.OPENED)
        if not stat.valid:
            self.out.append(sub.notification(stat.value(now), now, Reason.INVALID))
        return opened

    def close(self, subscriber: str, ref_id: Any, now: int) -> None:
        """End a subscription; the statistic stays in the pool (persistent)."""
        sub = self._subscription(subscriber, ref_id)
        del self.subscriptions[(subscriber, ref_id)]
        stat = sub.statistic
        stat.subscriptions.remove(sub)
        if sub.settings.mode is NotifyMode.CHANGES:
            stat.changes_subscriptions -= 1
            self._watch_changed(stat)
        self._ticking.pop(sub, None)
        self._requested(stat, now)

    def peek(self, subscriber: str, ref_id: Any, now: int) -> Notification:
        sub = self._subscription(subscriber, ref_id)
        self._requested(sub.statistic, now)
        return sub.notification(sub.statistic.value(now), now, Reason.CHANGED)

    def counting_since(self, subscriber: str, ref_id: Any) -> int:
        return self._subscription(subscriber, ref_id).statistic.opened

    def _subscription(self, subscriber: str, ref_id: Any) -> Subscription:
        sub = self.subscriptions.get((subscriber, ref_id))
        if sub is None:
            raise LocalProtocolError(f"{subscriber!r} has no statistic {ref_id!r}")
        return sub

    def _requested(self, stat: Statistic, now: int) -> None:
        """Note a request; an unsubscribed statistic (re)enters the expiry index."""
        stat.last_requested = now
        old = self._expiry_entry.pop(stat.key, None)
        if old is not None:
            self._expiry.remove(old)
        if not stat.subscriptions:
            entry = (now, next(self._seq), stat.key)
            self._expiry.add(entry)
            self._expiry_entry[stat.key] = entry

    # ------------------------------------------------------------------
    # Validation helpers
    # ------------------------------------------------------------------

    def _stat_type(self, stat_type: str | StatType) -> StatType:
        if isinstance(stat_type, StatType):
            return stat_type
        found = self.stat_types.get(stat_type)
        if found is None:
            raise LocalProtocolError(f"unknown stat type {stat_type!r}")
        return found

    def _range(self, name: str | None, *, required: bool) -> TimeRange | None:
        if name is None:
            if not required:
                return None
            return self.time_ranges.get("Default", DEFAULT_TIME_RANGE)
        rng = self.time_ranges.get(name)
        if rng is None:
            raise LocalProtocolError(f"unknown time range {name!r}")
        return rng

    def _zone(self, profile: TimeProfile, obj: ObjectRef) -> tzinfo:
        if profile.zone is not None:
            zone = self.zones.get(profile.zone)
            if zone is None:
                raise LocalProtocolError(f"time zone {profile.zone!r} was not resolved")
            return zone
        return self.model.config.tenant(obj.tenant).timezone

    def _check_object(self, obj: ObjectRef, subject: Subject) -> None:
        m = self.model
        t = obj.type
        if t in _DN_TYPES:
            dn = m.dns_by_id.get(obj.id)
            ok = dn is not None and dn.ref == obj
        elif t is _T.Agent:
            ok = (obj.tenant, obj.id) in m.agents
        elif t is _T.Place:
            ok = (obj.tenant, obj.id) in m.places
        elif t in (_T.GroupAgents, _T.GroupPlaces):
            ok = obj in m.groups
        elif t is _T.GroupQueues:
            ok = any(q.name == obj.id and q.tenant == obj.tenant for q in m.config.queue_groups)
        elif t is _T.StagingArea:
            ok = (obj.tenant, obj.id) in m.staging
        elif t is _T.Switch:
            ok = any(s.name == obj.id and s.tenant == obj.tenant for s in m.config.switches)
        elif t is _T.Tenant:
            ok = any(tn.name == obj.id for tn in m.config.tenants)
        else:
            ok = False
        if not ok:
            raise LocalProtocolError(f"unknown object {obj}")
        if subject is not Subject.DNAction:
            allowed = {
                Subject.DNStatus: _DN_TYPES | {_T.Place, _T.GroupPlaces},
            }.get(subject, frozenset({_T.Agent, _T.Place, _T.GroupAgents, _T.GroupPlaces}))
            if t not in allowed:
                raise LocalProtocolError(
                    f"subject {subject.name} is not available for {t.name} objects"
                )

    # ------------------------------------------------------------------
    # Creating a statistic
    # ------------------------------------------------------------------

    def _create(
        self,
        key: StatKey,
        obj: ObjectRef,
        st_type: StatType,
        profile: TimeProfile,
        tz: tzinfo,
        rng: TimeRange | None,
        rng2: TimeRange | None,
        flt: Filter | None,
        now: int,
    ) -> Statistic:
        cat = st_type.category
        status = st_type.subject is not Subject.DNAction
        window = step = selection = 0
        if profile.kind is ProfileKind.Sliding:
            window, step = profile.window * 1000, profile.step * 1000
        elif profile.kind is ProfileKind.Selection:
            selection = profile.count
        windowed = bool(window or selection)

        def aggregate(
            mask: Mask, time_range: TimeRange | None, category: Category, filtered: bool
        ) -> Any:
            ordered = category in ORDERED
            f = flt if filtered and status else None
            if status:
                if windowed:
                    return WindowStatusAggregate(
                        mask,
                        now,
                        window=window,
                        step=step,
                        selection=selection,
                        time_range=time_range,
                        filter=f,
                    )
                return StatusAggregate(
                    mask,
                    now,
                    ordered=ordered,
                    time_range=time_range,
                    filter=f,
                    counts=category in COUNTING,
                )
            if windowed:
                return WindowActionAggregate(
                    now,
                    window=window,
                    step=step,
                    selection=selection,
                    ordered=ordered,
                    time_range=time_range,
                    distinct=category is Category.CurrentDistinctNumber,
                )
            return ActionAggregate(
                now,
                ordered=ordered,
                time_range=time_range,
                counts=category in COUNTING,
                distinct=category is Category.CurrentDistinctNumber,
            )

        rel = st_type.rel_mask if st_type.rel_mask and cat in REL_MASK_CATEGORIES else None
        shared: list[_Shared] = []
        if not self.share_sums or windowed:
            pass
        elif status and cat in SUMMED and flt is None:
            shared.append(self._shared(obj, st_type.subject, profile, tz, now))
            counters: Any = shared[0].counters
            main: Any = MaskView(counters, st_type.main_mask)
            rel_agg: Any = MaskView(counters, rel) if rel is not None else None
        elif not status and cat in ACTION_SUMMED:
            media = st_type.media
            shared.append(self._action_sums(obj, profile, tz, now, media, flt, st_type.main_mask))
            main = ActionView(shared[0].counters, st_type.main_mask)
            rel_agg = None
            if rel is not None:  # the relative mask is not filtered
                shared.append(self._action_sums(obj, profile, tz, now, media, None, rel))
                rel_agg = ActionView(shared[-1].counters, rel)
        if not shared:
            main = aggregate(st_type.main_mask, rng, cat, True)
            rel_agg = aggregate(rel, None, cat, False) if rel is not None else None
        stat = Statistic(
            key=key,
            object=obj,
            stat_type=st_type,
            profile=profile,
            tz=tz,
            time_range=rng,
            time_range2=rng2,
            opened=now,
            main=main,
            rel=rel_agg,
            time_varying=time_varying(cat, st_type.subject),
        )
        for sh in dict.fromkeys(shared):
            sh.stats.append(stat)
            sh.watch = None
        parts: list[tuple[Any, Mask, Filter | None]] = []
        if cat in STATE_CATEGORIES:
            reasons = cat is Category.CurrentStateReasons
            target = self._runtime(obj)
            stat.state = lambda t: _strip_reasons(state_tree(target, t), keep=reasons)
            stat.valid = True
        elif not shared:
            parts.append((stat.main, st_type.main_mask, flt))
        if stat.rel is not None and rel is not None and not shared:
            parts.append((stat.rel, rel, None))
        for role, text in EXTRA_MASKS.get(cat, {}).items():
            mask = Mask.parse(text, Subject.DNAction)
            agg = aggregate(mask, rng2 if role == "abandon" else None, Category.TotalNumber, False)
            stat.extra[role] = agg
            parts.append((agg, mask, None))
        if cat is Category.Formula:
            from statengine.core.formula import parse_formula

            assert st_type.expression is not None
            stat.formula = parse_formula(st_type.expression, st_type.subject)
            for term in stat.formula.terms:
                needs = term.category in TIME_RANGE_CATEGORIES
                # a term without a range of its own reads the statistic's
                term_rng = (
                    self._range(term.time_range, required=needs)
                    if (term.time_range is not None)
                    else (rng or self._range(None, required=needs))
                )
                agg = aggregate(term.mask, term_rng, term.category, True)
                stat.terms.append(
                    Term(category=term.category, owner=stat, main=agg, time_range=term_rng)
                )
                parts.append((agg, term.mask, flt))
        for agg, mask, f in parts:
            entry = _Entry(agg=agg, stat=stat, media=st_type.media, filter=f)
            if status:
                self._register_status(entry, obj, st_type.subject, now)
            else:
                self._register_actions(entry, obj, mask, now)
        for agg in stat.aggregates:
            if getattr(agg, "counter", None) is not None:
                # the count at the open time is the first value of MaxNumber & co
                agg.counter.reset(now, len(agg.open), agg.cur_sum)
        self.stats[key] = stat
        if profile.kind is ProfileKind.SinceLogin:
            self._since_login.setdefault(obj, []).append(stat)
        else:
            next_reset = self._next_reset(profile, now, tz)
            if next_reset is not None:
                stat.next_reset = next_reset
                heapq.heappush(self._resets, (next_reset, next(self._seq), stat))
        if cat not in STATE_CATEGORIES:
            stat.valid = self._valid(stat)
            self._index_validity(stat)
        return stat

    def _shared(
        self, obj: ObjectRef, subject: Subject, profile: TimeProfile, tz: tzinfo, now: int
    ) -> _Shared:
        """The per-status sums of ``obj``'s members for statistics opened
        now on that reset schedule: found, or created and routed.

        Statistics share them only if they saw the same history: opened at
        the same time *and* with no event between (``_epoch`` counts the
        events and time steps the pool has processed).
        """
        key = (obj, subject, profile.canonical(), tz, now, self._epoch)
        shared = self._counters.get(key)
        if shared is not None:
            return shared
        counters = StatusCounters(now)
        shared = self._counters[key] = _Shared(key=key, counters=counters)
        self._shared_of[counters] = shared
        for member in self._status_members(obj, subject):
            counters.track(member.ref, member.status, member.since, now)
            self._member_counters.setdefault(member.ref, []).append(shared)
        if obj.type in (_T.GroupAgents, _T.GroupPlaces) and subject is not Subject.DNStatus:
            self._group_counters.setdefault(obj, []).append(shared)
        return shared

    def _action_sums(
        self,
        obj: ObjectRef,
        profile: TimeProfile,
        tz: tzinfo,
        now: int,
        media: frozenset[str] | None,
        flt: Filter | None,
        mask: Mask,
    ) -> _Shared:
        """The per-kind action sums of ``obj`` for statistics opened now
        (as :meth:`_shared`), routed for the kinds of ``mask``."""
        key = (
            obj,
            Subject.DNAction,
            profile.canonical(),
            tz,
            now,
            self._epoch,
            media,
            flt.canonical() if flt is not None else None,
        )
        shared = self._counters.get(key)
        if shared is None:
            counters = ActionSums(now)
            shared = self._counters[key] = _Shared(
                key=key, counters=counters, media=media, filter=flt
            )
            self._shared_of[counters] = shared
        new = mask.actions - shared.kinds
        if not new:
            return shared
        # kinds a statistic opened at this same instant adds: nothing has
        # happened since the sums were created, so routing them now is exact
        shared.kinds |= new
        self._routes.clear()
        kinds = self._target_sums.setdefault(obj, {})
        for kind in sorted(new, key=lambda k: k.value):
            kinds.setdefault(kind, []).append(shared)
        for okey, start in self._open_items(obj, new, shared):
            shared.counters.seed(okey, start)
            self._open_sum_routes.setdefault(okey, []).append(shared)
        return shared

    def _watch_changed(self, stat: Statistic) -> None:
        for view in (stat.main, stat.rel):
            if _is_view(view):
                self._shared_of[view.counters].watch = None

    def _unroute_counters(self, member: Any, shared: _Shared) -> None:
        lst = self._member_counters.get(member)
        if lst is not None and shared in lst:
            lst.remove(shared)
            if not lst:
                del self._member_counters[member]

    def _index_validity(self, stat: Statistic) -> None:
        self._by_object.setdefault(stat.object, []).append(stat)
        if stat.object.type in _WIDE_TYPES:
            self._wide[stat] = None

    def _runtime(self, obj: ObjectRef) -> Any:
        m = self.model
        t = obj.type
        if t in _DN_TYPES:
            return m.dns_by_id[obj.id]
        if t is _T.Agent:
            return m.agents[(obj.tenant, obj.id)]
        if t is _T.Place:
            return m.places[(obj.tenant, obj.id)]
        if t in (_T.GroupAgents, _T.GroupPlaces):
            return m.groups[obj]
        if t is _T.StagingArea:
            return m.staging[(obj.tenant, obj.id)]
        raise LocalProtocolError(f"no state tree for {obj}")

    def _valid(self, stat: Statistic) -> bool:
        """Validity (DOMAIN §1.5): every device the statistic depends on is monitored."""
        return self._valid_object(stat.object)

    def _valid_object(self, obj: ObjectRef) -> bool:
        return all(d.monitored for d in self._scope_devices(obj))

    def _register_actions(self, entry: _Entry, obj: ObjectRef, mask: Mask, now: int) -> None:
        self._routes.clear()
        kinds = self._by_target.setdefault(obj, {})
        for kind in mask.actions:
            kinds.setdefault(kind, []).append(entry)
        # items already open count for the current categories (DOMAIN §6.3)
        for key, start in self._open_items(obj, mask.actions, entry):
            entry.agg.seed(key, start)
            self._open_routes.setdefault(key, []).append(entry)

    def _open_items(
        self, obj: ObjectRef, kinds: frozenset[ActionKind] | set[ActionKind], route: Any
    ) -> Iterator[tuple[OpenKey, int]]:
        """The durable actions open now that a new route to ``obj`` takes:
        their key and start, for seeding."""
        for dev in self._scope_devices(obj):
            for (kind, conn_id), action in dev.open.items():
                if kind in kinds and _takes(route, action) and self._attributed(action, obj):
                    yield (action.device, kind, conn_id), action.start

    def _register_status(self, entry: _Entry, obj: ObjectRef, subject: Subject, now: int) -> None:
        members = self._status_members(obj, subject)
        for member in members:
            entry.agg.track(member.ref, member.status, member.since, now, member.status_action)
            self._by_member.setdefault(member.ref, []).append(entry)
            self._by_member_status.pop(member.ref, None)
            if entry.agg.filter is not None:
                self._filtered.add(member.ref)
        if obj.type in (_T.GroupAgents, _T.GroupPlaces) and subject is not Subject.DNStatus:
            self._by_group.setdefault(obj, []).append(entry)

    def _status_members(self, obj: ObjectRef, subject: Subject) -> list[Any]:
        m = self.model
        if subject is Subject.DNStatus:
            if obj.type in _DN_TYPES:
                return [m.dns_by_id[obj.id]]
            if obj.type is _T.Place:
                return list(m.places[(obj.tenant, obj.id)].dns)
            group = m.groups[obj]
            return sorted((d for p in group.members for d in p.dns), key=_ref_key)
        if obj.type is _T.Agent:
            return [m.agents[(obj.tenant, obj.id)]]
        if obj.type is _T.Place:
            return [m.places[(obj.tenant, obj.id)]]
        return sorted(m.groups[obj].members, key=_ref_key)

    def _scope_devices(self, obj: ObjectRef) -> list[Device]:
        """Devices whose open actions may belong to ``obj`` (for seeding)."""
        m = self.model
        t = obj.type
        if t in _DN_TYPES:
            return [m.dns_by_id[obj.id]]
        if t is _T.StagingArea:
            return [m.staging[(obj.tenant, obj.id)]]
        if t is _T.GroupQueues:
            qg = next(q for q in m.config.queue_groups if q.name == obj.id)
            return [m.dns_by_id[d] for d in qg.dns]
        if t is _T.Switch:
            return list(m.dns_by_switch.get(obj.id, ()))
        devices: list[Device] = []
        places: list[Any] = []
        if t is _T.Tenant:
            places = [p for p in m.places.values() if p.ref.tenant == obj.tenant]
            devices += [d for d in m.dns.values() if d.ref.tenant == obj.tenant]
            devices += [s for s in m.staging.values() if s.ref.tenant == obj.tenant]
            devices += [c for p in places for c in p.channels.values()]
            return devices
        if t is _T.Place:
            places = [m.places[(obj.tenant, obj.id)]]
        elif t is _T.GroupPlaces:
            places = list(m.groups[obj].members)
        elif t is _T.Agent:
            agent = m.agents[(obj.tenant, obj.id)]
            places = agent.places()
            devices += [d for d in agent.voice_dns if d.place is None]
        elif t is _T.GroupAgents:
            places = [p for a in m.groups[obj].members for p in a.places()]
            devices += [d for a in m.groups[obj].members for d in a.voice_dns if d.place is None]
        seen: dict[int, Device] = {id(d): d for d in devices}
        for p in places:
            for d in (*p.dns, *p.channels.values()):
                seen[id(d)] = d
        return list(seen.values())

    def _attributed(self, action: Action, obj: ObjectRef) -> bool:
        t = obj.type
        if t in (_T.Agent, _T.Place, _T.GroupAgents, _T.GroupPlaces) and (
            action.device.type not in _AGENT_DEVICES
        ):
            return False
        if t is _T.Agent:
            return action.agent == obj.id
        if t is _T.Place:
            return action.place == obj.id
        if t is _T.GroupAgents:
            agent = self.model.agents.get((obj.tenant, action.agent))
            return agent is not None and any(g.ref == obj for g in agent.groups)
        if t is _T.GroupPlaces:
            return action.place != "" and any(
                p.ref.id == action.place for p in self.model.groups[obj].members
            )
        return True

    # ------------------------------------------------------------------
    # Feeding
    # ------------------------------------------------------------------

    def process(
        self,
        actions: Iterable[Action],
        changes: Iterable[StatusChange],
        memberships: Iterable[MembershipChange],
    ) -> None:
        """Route one event's results to the aggregates they concern.

        An event's actions are attributed to the groups as they stand after
        it (the model's membership). For group status statistics, members
        leaving go first (with their status before the event), then status
        changes, then members joining (with their status after it): a login
        that makes an agent join a virtual group adds no zero-length segment.
        """
        model = self.model
        self._epoch += 1
        if model.monitoring_devices or model.scope_changed or memberships:
            self._scope_changed(memberships)
            if memberships:
                self._routes.clear()  # an action reaches its agent's groups
        if self._since_login:
            # a login starts the interval of SinceLogin statistics: before the
            # event's actions, which belong to the new interval (§2.5)
            for change in changes:
                if change.old is Status.LoggedOut and change.ref in self._since_login:
                    self._reset_all(self._since_login[change.ref], change.time)
        for mc in memberships:
            if not mc.joined:
                self._membership(mc)
        if self._by_target or self._target_sums:
            for action in actions:
                self._action(action)
        counters = self._member_counters
        if self._by_member or counters:
            dirty = self._dirty
            by_member = self._by_member
            by_status = self._by_member_status
            for change in changes:
                old, new = change.old, change.new
                ref = change.ref
                if old is new:
                    if ref not in self._filtered:
                        continue  # only the defining action changed: filters care
                elif counters:
                    shared = counters.get(ref)
                    if shared:
                        for sh in shared:
                            if sh.counters.change(ref, old, new, change.time) and (
                                sh.watch is None or sh.watch
                            ):
                                sh.mark(dirty, old)
                                sh.mark(dirty, new)
                index = by_status.get(ref)
                if index is None:
                    entries = by_member.get(ref)
                    if not entries:
                        continue
                    index = by_status[ref] = _status_index(entries)
                t, act = change.time, change.action
                for entry in index.get(old, ()):
                    if entry.agg.change(ref, old, new, t, act):
                        dirty[entry.stat] = None
                if new is not old:
                    for entry in index.get(new, ()):
                        agg = entry.agg
                        if old not in agg.mask and agg.change(ref, old, new, t, act):
                            dirty[entry.stat] = None
        for mc in memberships:
            if mc.joined:
                self._membership(mc)

    def _scope_changed(self, memberships: Iterable[MembershipChange]) -> None:
        """Note the objects whose validity the last event may have changed.

        Validity depends on the monitoring of every device in an object's
        scope (DOMAIN §1.5): a device lost or back touches its DN, place,
        the agents there, their groups and queue groups; a login or logout
        changes an agent's scope; a membership change a group's.
        """
        m = self.model
        objects = self._validity_objects
        agents = dict(m.scope_changed)
        m.scope_changed.clear()
        for dev in m.monitoring_devices:
            objects[dev.ref] = None
            place = dev.place
            if isinstance(dev, DNState):
                if dev.agent is not None:
                    agents[dev.agent] = None
                for qg in m.queue_groups_of.get(dev.ref.id, ()):
                    objects[qg] = None
            elif isinstance(dev, MediaChannel):
                agent = m.agents.get((dev.ref.tenant, dev.agent_id))
                if agent is not None:
                    agents[agent] = None
            if place is not None:
                objects[place.ref] = None
                for group in place.groups:
                    objects[group.ref] = None
                for agent in place.agents:
                    agents[agent] = None
        if m.monitoring_devices:
            m.monitoring_devices.clear()
            for stat in self._wide:
                objects[stat.object] = None
        for agent in agents:
            objects[agent.ref] = None
            for group in agent.groups:
                objects[group.ref] = None
        for mc in memberships:
            objects[mc.group] = None

    def _membership(self, mc: MembershipChange) -> None:
        entries = self._by_group.get(mc.group)
        shared = self._group_counters.get(mc.group)
        if not (entries or shared):
            return
        m = self.model
        member: Any = (
            m.agents.get((mc.member.tenant, mc.member.id))
            if mc.member.type is _T.Agent
            else m.places.get((mc.member.tenant, mc.member.id))
        )
        for sh in shared or ():
            if mc.joined and member is not None:
                sh.counters.track(mc.member, member.status, member.since, mc.time)
                self._member_counters.setdefault(mc.member, []).append(sh)
            else:
                sh.counters.untrack(mc.member, mc.time)
                self._unroute_counters(mc.member, sh)
            for stat in sh.stats:
                if stat.changes_subscriptions:
                    self._dirty[stat] = None
        for entry in entries or ():
            if mc.joined and member is not None:
                entry.agg.track(
                    mc.member, member.status, member.since, mc.time, member.status_action
                )
                self._by_member.setdefault(mc.member, []).append(entry)
                self._by_member_status.pop(mc.member, None)
                if entry.agg.filter is not None:
                    self._filtered.add(mc.member)
            else:
                entry.agg.untrack(mc.member, mc.time)
                lst = self._by_member.get(mc.member)
                self._by_member_status.pop(mc.member, None)
                if lst is not None and entry in lst:
                    lst.remove(entry)
                    if not lst:
                        del self._by_member[mc.member]
            self._dirty[entry.stat] = None

    def _targets(self, action: Action) -> Iterator[ObjectRef]:
        dev = action.device
        static = self._static_targets.get(dev)
        if static is None:
            static = self._static_targets[dev] = self._device_targets(dev)
        yield from static
        if dev.type not in _AGENT_DEVICES:
            # queue, routing point, staging area: their actions (even the
            # reflected ones that name an agent) are not the agent's
            return
        m = self.model
        tenant = dev.tenant
        if action.place:
            place = m.places.get((tenant, action.place))
            if place is not None:
                yield place.ref
                for g in place.groups:
                    yield g.ref
        if action.agent:
            agent = m.agents.get((tenant, action.agent))
            if agent is not None:
                yield agent.ref
                for g in agent.groups:
                    yield g.ref

    def _device_targets(self, dev: ObjectRef) -> tuple[ObjectRef, ...]:
        targets = [dev, ObjectRef(dev.tenant, _T.Tenant, dev.tenant)]
        dn = self.model.dns_by_id.get(dev.id) if dev.type in _DN_TYPES else None
        if dn is not None:
            targets.append(ObjectRef(dev.tenant, _T.Switch, dn.cfg.switch))
            targets.extend(self.model.queue_groups_of.get(dev.id, ()))
        return tuple(targets)

    def _route(self, action: Action) -> tuple[tuple[_Entry, ...], tuple[_Shared, ...]]:
        """The aggregates and shared sums an action of this kind, device,
        place and agent reaches, before its media and filter are checked.

        Remembered in ``_routes`` (an action's targets are a walk through
        the device, its place, agent and their groups, with two lookups per
        target); forgotten whenever a registration or a membership changes.
        """
        dev, kind = action.device, action.kind
        key: Any = (
            (dev, kind, action.place, action.agent) if dev.type in _AGENT_DEVICES else (dev, kind)
        )
        routes = self._routes.get(key)
        if routes is not None:
            return routes
        entries: list[_Entry] = []
        shared: list[_Shared] = []
        for target in self._targets(action):
            kinds = self._by_target.get(target)
            if kinds is not None:
                entries.extend(kinds.get(kind, ()))
            sums = self._target_sums.get(target)
            if sums is not None:
                shared.extend(sums.get(kind, ()))
        if len(self._routes) > 100_000:
            self._routes.clear()
        routes = self._routes[key] = (tuple(entries), tuple(shared))
        return routes

    def _action(self, action: Action) -> None:
        kind = action.kind
        dirty = self._dirty
        if ACTION_CLASS[kind] is _DURABLE:
            key = (action.device, kind, action.conn_id)
            if action.end is not None:
                entries = self._open_routes.pop(key, None)
                if entries:
                    for entry in entries:
                        entry.agg.end(key, action.start, action.end)
                        dirty[entry.stat] = None
                shared = self._open_sum_routes.pop(key, None)
                if shared:
                    for sh in shared:
                        sh.counters.end(key, action.start, action.end)
                        if sh.watch is None or sh.watch:
                            sh.mark(dirty, kind)
                return
            route_entries, route_shared = self._route(action)
            if route_entries:
                matched: list[_Entry] = []
                for entry in route_entries:
                    if _takes(entry, action):
                        entry.agg.start(key, action.start)
                        dirty[entry.stat] = None
                        matched.append(entry)
                if matched:
                    self._open_routes[key] = matched
            if route_shared:
                matched_sums: list[_Shared] = []
                for sh in route_shared:
                    if _takes(sh, action):
                        sh.counters.start(key, action.start)
                        if sh.watch is None or sh.watch:
                            sh.mark(dirty, kind)
                        matched_sums.append(sh)
                if matched_sums:
                    self._open_sum_routes[key] = matched_sums
            return
        route_entries, route_shared = self._route(action)
        for entry in route_entries:
            if _takes(entry, action):
                entry.agg.instant(action)
                dirty[entry.stat] = None
        for sh in route_shared:
            if _takes(sh, action):
                sh.counters.instant(action)
                if sh.watch is None or sh.watch:  # {}: nobody to tell
                    sh.mark(dirty, kind)

    def flush(self, now: int) -> None:
        """Changes-based notifications for what the last event touched, and
        validity flips after a device was lost or came back."""
        if self._validity_dirty:
            self._validity_dirty = False
            self._validity_objects = dict.fromkeys(self._by_object)
        if self._validity_objects:
            by_object = self._by_object
            # sorted: the flips are notified in the same order after a
            # restore (the objects come from sets ordered by address)
            for obj in sorted(self._validity_objects, key=_obj_key):
                stats = by_object.get(obj)
                if not stats:
                    continue
                valid = self._valid_object(obj)  # one scope for all its statistics
                for stat in stats:
                    if valid is not stat.valid:
                        stat.valid = valid
                        reason = Reason.VALID if valid else Reason.INVALID
                        value = stat.value(now)
                        for sub in stat.subscriptions:
                            self.out.append(sub.notification(value, now, reason))
            self._validity_objects.clear()
        if not self._dirty:
            return
        for stat in self._dirty:
            counter = getattr(stat.main, "counter", None)
            if counter is not None:
                counter.settle(len(stat.main.open))
            if stat.changes_subscriptions:
                self._notify_changes(stat, now)
        self._dirty.clear()

    def _notify_changes(self, stat: Statistic, now: int) -> None:
        value: Value | None = None
        for sub in stat.subscriptions:
            if sub.settings.mode is NotifyMode.CHANGES:
                if value is None:
                    value = stat.value(now)
                if changed_enough(sub.last_value, value, sub.settings.insensitivity):
                    self.out.append(sub.notification(value, now, Reason.CHANGED))

    # ------------------------------------------------------------------
    # Time-driven work: resets, periodical sends, ticks, expiry
    # ------------------------------------------------------------------

    def next_due(self) -> int | None:
        """The earliest engine time at which the pool has work to do."""
        # asked before every event: no temporary list, no generator
        due = self._resets[0][0] if self._resets else None
        if self._periodic:
            at = self._periodic[0][0]
            if due is None or at < due:
                due = at
        if self._expiry:
            at = self._expiry[0][0] + self.keep + 1
            if due is None or at < due:
                due = at
        return due

    def run_due(self, t: int) -> None:
        """Do everything due at exactly ``t`` (the caller steps through times)."""
        self._epoch += 1
        while self._resets and self._resets[0][0] <= t:
            at = self._resets[0][0]
            due = []
            while self._resets and self._resets[0][0] == at:
                _, _, stat = heapq.heappop(self._resets)
                if self.stats.get(stat.key) is stat and stat.next_reset == at:
                    due.append(stat)
            self._reset_all(due, at)
        while self._periodic and self._periodic[0][0] <= t:
            at, _, sub = heapq.heappop(self._periodic)
            if self.subscriptions.get((sub.subscriber, sub.ref_id)) is not sub:
                continue
            self.out.append(sub.notification(sub.statistic.value(at), at, Reason.PERIODICAL))
            sub.next_send = at + round(sub.settings.frequency * 1000)
            heapq.heappush(self._periodic, (sub.next_send, next(self._seq), sub))
        while self._expiry and self._expiry[0][0] + self.keep < t:
            _, _, key = self._expiry.pop(0)
            del self._expiry_entry[key]
            self._drop(self.stats[key])

    def tick(self, t: int) -> None:
        """Re-evaluate values that move with the clock, at most once per
        granularity; a long gap gives one evaluation, not one per step."""
        if not self._ticking or self._next_tick is None or self._next_tick > t:
            return
        for sub in self._ticking:
            value = sub.statistic.value(t)
            if changed_enough(sub.last_value, value, sub.settings.insensitivity):
                self.out.append(sub.notification(value, t, Reason.CHANGED))
        self._next_tick = t + self.granularity

    def _reset_all(self, stats: list[Statistic], at: int) -> None:
        """Reset statistics due at the same instant. The final values come
        first: statistics sharing per-status sums reset them together."""
        finals = {
            stat: stat.value(at)
            for stat in stats
            if any(sub.settings.mode is NotifyMode.RESET for sub in stat.subscriptions)
        }
        for stat in stats:
            self._reset(stat, at, finals.get(stat, 0))

    def _reset(self, stat: Statistic, at: int, final: Value) -> None:
        for sub in stat.subscriptions:
            if sub.settings.mode is NotifyMode.RESET:
                self.out.append(sub.notification(final, at, Reason.RESET))
        stat.reset(at)
        if stat.changes_subscriptions:
            self._notify_changes(stat, at)
        nxt = self._next_reset(stat.profile, at, stat.tz)
        stat.next_reset = nxt
        if nxt is not None:
            heapq.heappush(self._resets, (nxt, next(self._seq), stat))

    def _drop_shared(self, shared: _Shared, obj: ObjectRef) -> None:
        del self._counters[shared.key], self._shared_of[shared.counters]
        counters = shared.counters
        if isinstance(counters, StatusCounters):
            for member in list(counters.members):
                self._unroute_counters(member, shared)
            index = self._group_counters
        else:
            for key in list(counters.open):
                routes = self._open_sum_routes[key]
                routes.remove(shared)
                if not routes:
                    del self._open_sum_routes[key]
            kinds = self._target_sums[obj]
            for kind in shared.kinds:
                kinds[kind].remove(shared)
                if not kinds[kind]:
                    del kinds[kind]
            if not kinds:
                del self._target_sums[obj]
            return
        groups = index.get(obj)
        if groups is not None and shared in groups:
            groups.remove(shared)
            if not groups:
                del index[obj]

    def _next_reset(self, profile: TimeProfile, at: int, tz: tzinfo) -> int | None:
        """``profile.next_reset``, remembered: a boundary resets thousands of
        statistics of the same profile at once, and working out the next one
        costs time-zone arithmetic."""
        key = (profile, tz, at)
        found = self._next_resets.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            if len(self._next_resets) > 4096:
                self._next_resets.clear()
            found = self._next_resets[key] = profile.next_reset(at, tz)
        return found  # type: ignore[return-value]

    def _drop(self, stat: Statistic) -> None:
        """Forget a statistic whose keep period has passed."""
        self._routes.clear()
        del self.stats[stat.key]
        self._expired += 1
        same = self._by_object.get(stat.object)
        if same is not None and stat in same:
            same.remove(stat)
            if not same:
                del self._by_object[stat.object]
        self._wide.pop(stat, None)
        logins = self._since_login.get(stat.object)
        if logins is not None and stat in logins:
            logins.remove(stat)
            if not logins:
                del self._since_login[stat.object]
        self._by_member_status.clear()
        for view in (stat.main, stat.rel):
            if _is_view(view):
                shared = self._shared_of.get(view.counters)
                if shared is not None and stat in shared.stats:
                    shared.stats.remove(stat)
                    shared.watch = None
                    if not shared.stats:  # the last statistic reading them
                        self._drop_shared(shared, stat.object)
        for agg in stat.aggregates:
            for index in (self._by_member, self._by_group):
                for ref in list(index):
                    entries = [e for e in index[ref] if e.agg is not agg]
                    if entries:
                        index[ref] = entries
                    else:
                        del index[ref]
        kinds = self._by_target.get(stat.object)
        if kinds is not None:
            for kind in list(kinds):
                kinds[kind] = [e for e in kinds[kind] if e.stat is not stat]
                if not kinds[kind]:
                    del kinds[kind]
            if not kinds:
                del self._by_target[stat.object]
        for key in list(self._open_routes):
            entries = [e for e in self._open_routes[key] if e.stat is not stat]
            if entries:
                self._open_routes[key] = entries
            else:
                del self._open_routes[key]

    # ------------------------------------------------------------------

    def statistics(self) -> PoolStatistics:
        size = 0
        n_aggs = len(self._counters)
        for shared in self._counters.values():
            counters = shared.counters
            items = counters.members if isinstance(counters, StatusCounters) else counters.open
            size += sys.getsizeof(counters) + sys.getsizeof(items)
            size += sum(sys.getsizeof(p) for p in counters.sums.values())
        for stat in self.stats.values():
            for agg in stat.aggregates:
                if _is_view(agg):
                    size += sys.getsizeof(agg)
                    continue
                n_aggs += 1
                size += sys.getsizeof(agg) + sys.getsizeof(agg.open)
        return PoolStatistics(
            statistics=len(self.stats),
            subscriptions=len(self.subscriptions),
            unsubscribed=len(self._expiry),
            expired=self._expired,
            aggregates=n_aggs,
            approx_bytes=size,
        )


def _strip_reasons(node: Any, *, keep: bool) -> Any:
    """CurrentState without reasons; CurrentStateReasons with them."""
    if keep:
        return node
    return attrs.evolve(
        node, reasons={}, children=tuple(_strip_reasons(c, keep=False) for c in node.children)
    )


def _ref_key(obj: Any) -> tuple[str, int, str]:
    """A fast sort key for runtime objects (attrs' ordering of ObjectRef is slow)."""
    return _obj_key(obj.ref)


def _obj_key(ref: ObjectRef) -> tuple[str, int, str]:
    return (ref.tenant, ref.type.value, ref.id)


def _status_index(entries: list[_Entry]) -> dict[Status, tuple[_Entry, ...]]:
    """The entries whose mask holds each status, in their registration order."""
    return {
        status: found
        for status in Status
        if (found := tuple(e for e in entries if status in e.agg.mask))
    }


def key_definition(
    st: StatType,
    prof: TimeProfile,
    rng: TimeRange | None,
    rng2: TimeRange | None,
    flt: Filter | None,
) -> tuple[Any, ...]:
    """The canonical definition that keys a statistic in the pool (and in a
    backup): requests that agree on it share one computation.

    A time range the category does not read does not split the pool; a
    Formula's terms may read the request's range, so it always does.
    """
    reads_range = st.needs_time_range or st.category is Category.Formula
    definition = (
        st.canonical(),
        prof.canonical(),
        (rng.lower, rng.upper) if rng and reads_range else None,
        (rng2.lower, rng2.upper) if rng2 and st.category is Category.ServiceFactor1 else None,
        flt.canonical() if flt is not None else None,
    )
    # one copy per distinct definition: tens of thousands of statistics
    # share a few hundred (about 350 bytes a statistic otherwise)
    if len(_DEFINITIONS) > 65_536:
        _DEFINITIONS.clear()
    return _DEFINITIONS.setdefault(definition, definition)


#: interned pool definitions (immutable tuples: a cache, not state)
_DEFINITIONS: dict[tuple[Any, ...], tuple[Any, ...]] = {}
