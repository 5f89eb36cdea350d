"""The engine facade: events in, actions, status changes (and later
notifications) out.

:class:`Engine` is a deterministic function of the events it is fed and the
times it is told: it owns no clock, does no I/O and imports no trio. The edge
(CLI, server, simulator) passes every event and every ``advance(now)`` in.

Rules it keeps (``shared/DESIGN.md``, "Decisions already taken"):

* time is integer POSIX milliseconds and never goes back: an event older
  than the engine's clock is applied at the clock's time and counted late;
* strict by default: an impossible event raises :class:`BadEventError` and
  changes nothing; ``strict=False`` skips it and counts it by reason;
* every change is returned as one :class:`FeedResult`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo
from types import MappingProxyType
from typing import Any, Protocol

import attrs

from statengine.core import events as ev
from statengine.core.actions import Action
from statengine.core.configchange import CONFIG_HANDLERS
from statengine.core.currentstate import StateNode, state_tree
from statengine.core.filters import Filter, load_filters
from statengine.core.media import INTERACTION_HANDLERS, MEDIA_HANDLERS
from statengine.core.monitoring import LINK_HANDLERS, MONITORING_HANDLERS
from statengine.core.notify import Notification, NotificationSettings
from statengine.core.objects import CenterConfig, LinkKind, ObjectRef, ObjectType
from statengine.core.pool import Pool, PoolStatistics
from statengine.core.profiles import TimeProfile, load_time_profiles
from statengine.core.settings import EngineSettings
from statengine.core.state import (
    GroupState,
    MembershipChange,
    Model,
    StatusChange,
)
from statengine.core.stattypes import StatType, TimeRange, load_stat_types, load_time_ranges
from statengine.core.status import Status
from statengine.core.stuck import clean_stuck
from statengine.core.voice import VOICE_HANDLERS, resolve_dn
from statengine.errors import BadEventError, InternalError, LocalProtocolError

__all__ = [
    "Engine",
    "EngineStatistics",
    "FeedResult",
    "StateNode",
    "StatisticsProfile",
    "StatusInfo",
]


@attrs.frozen(kw_only=True)
class FeedResult:
    """Everything one ``feed`` or ``advance`` call changed, in order."""

    #: the engine time the change was applied at (ms)
    time: int
    #: actions started (``end is None``), ended (durable, ``end`` set) and
    #: instantaneous ones (momentary / retrospective), in the order they happened
    actions: tuple[Action, ...] = ()
    status_changes: tuple[StatusChange, ...] = ()
    #: group membership changes (virtual groups, configuration changes)
    memberships: tuple[MembershipChange, ...] = ()
    #: statistic notifications, each naming (subscriber, ref_id)
    notifications: tuple[Notification, ...] = ()
    #: in tolerant mode, why the event was refused (None if applied)
    refused: BadEventError | None = None


@attrs.frozen(kw_only=True)
class StatusInfo:
    status: Status
    #: when the object entered this status (ms)
    since: int
    #: the action that defines the status (its reasons, user data ...)
    action: Action | None = None


@attrs.frozen(kw_only=True)
class EngineStatistics:
    """Counters a long-lived engine reports (``engine.statistics()``)."""

    #: engine time (ms); None before the first event
    now: int | None
    events_fed: int
    events_applied: int
    events_refused: int
    #: refused events by reason key (``"unknown-dn"``, ``"link-down"`` ...)
    refused_by_reason: Mapping[str, int]
    #: events older than the engine clock, applied at the clock's time
    late_events: int
    #: calls cleaned by the stuck-call guard
    stuck_calls_cleaned: int
    actions: int
    status_changes: int
    open_calls: int
    dns: int
    places: int
    agents: int
    groups: int


@attrs.frozen(kw_only=True)
class StatisticsProfile:
    """The statistic definitions an engine serves: what GetProfile answers.

    Built from the ``[stattypes]``, ``[time_profiles]`` and ``[time_ranges]``
    sections; zone names used by time profiles arrive resolved in ``zones``.
    """

    stat_types: Mapping[str, StatType] = attrs.field(factory=dict)
    time_profiles: Mapping[str, TimeProfile] = attrs.field(factory=lambda: load_time_profiles({}))
    time_ranges: Mapping[str, TimeRange] = attrs.field(factory=lambda: load_time_ranges({}))
    filters: Mapping[str, Filter] = attrs.field(factory=dict)
    zones: Mapping[str, tzinfo] = attrs.field(factory=dict)

    @classmethod
    def from_sections(
        cls,
        sections: Mapping[str, Any],
        *,
        zones: Mapping[str, tzinfo] | None = None,
        source: str = "",
    ) -> StatisticsProfile:
        zones = dict(zones or {})
        return cls(
            stat_types=load_stat_types(sections.get("stattypes", {}), source=source),
            time_profiles=load_time_profiles(
                sections.get("time_profiles", {}), zones=zones, source=source
            ),
            time_ranges=load_time_ranges(sections.get("time_ranges", {}), source=source),
            filters=load_filters(sections.get("filters", {}), source=source),
            zones=zones,
        )


class _HasCenter(Protocol):
    @property
    def center(self) -> CenterConfig: ...

    @property
    def sections(self) -> Mapping[str, Any]: ...

    @property
    def source(self) -> str: ...


@attrs.define(eq=False, init=False, repr=False)
class Engine:
    """A Stat Server core over one configured contact center.

    Args:
        config: a :class:`CenterConfig`, or a loaded ``statengine.config.Config``.
        strict: raise :class:`BadEventError` on an impossible event (default),
            or skip and count it.
        now: the engine clock's start (POSIX ms). By default it starts at the
            first event fed.
        settings: engine settings; by default those of the config's
            ``[engine]`` section (or the defaults for a bare CenterConfig).
        profile: stat types, time profiles and time ranges; by default those
            of the config's sections (none for a bare CenterConfig: open
            statistics with :class:`StatType` values then).
    """

    config: CenterConfig
    settings: EngineSettings
    strict: bool
    _profile: StatisticsProfile
    _model: Model
    _now: int | None
    _fed: int
    _refused: dict[str, int]
    _late: int
    _n_actions: int
    _n_changes: int
    _stuck: int
    _pool: Pool
    _absorbed: tuple[int, int, int]

    def __init__(
        self,
        config: CenterConfig | _HasCenter,
        *,
        strict: bool = True,
        now: int | None = None,
        settings: EngineSettings | None = None,
        profile: StatisticsProfile | None = None,
    ) -> None:
        if isinstance(config, CenterConfig):
            center = config
            settings = settings or EngineSettings()
            profile = profile or StatisticsProfile()
        else:
            center = config.center
            settings = settings or EngineSettings.from_config(
                config.sections.get("engine", {}), source=config.source
            )
            profile = profile or StatisticsProfile.from_sections(
                config.sections, zones=getattr(config, "zones", None), source=config.source
            )
        self._profile = profile
        self.config = center
        self.settings = settings
        self.strict = strict
        self._model = Model.from_config(
            center, now if now is not None else 0, stuck_limits=settings.stuck_limits
        )
        self._stuck = 0
        self._pool = Pool(
            model=self._model,
            stat_types=profile.stat_types,
            profiles=profile.time_profiles,
            time_ranges=profile.time_ranges,
            zones=profile.zones,
            filters=profile.filters,
        )
        self._absorbed = (0, 0, 0)
        self._now = now
        self._fed = 0
        self._refused = {}
        self._late = 0
        self._n_actions = 0
        self._n_changes = 0

    # ------------------------------------------------------------------
    # Feeding
    # ------------------------------------------------------------------

    @property
    def now(self) -> int | None:
        """The engine clock (POSIX ms), or None before the first event."""
        return self._now

    def _start_clock(self, t: int) -> None:
        m = self._model
        obj: Any
        for obj in (*m.dns.values(), *m.places.values(), *m.agents.values()):
            obj.since = t
        self._now = t

    def feed(self, event: ev.Event) -> FeedResult:
        """Apply one CTI event.

        Returns:
            the actions and status changes it caused.
        Raises:
            BadEventError: (strict mode) the event is malformed, names an
                unknown object, comes from a link that is down, or is
                impossible in the current state. Nothing was changed.
        """
        self._fed += 1
        t = event.time
        if self._now is None:
            self._start_clock(t)
        assert self._now is not None
        model = self._model
        if t < self._now:
            self._late += 1
            t = self._now
        else:
            self._catch_up(t)
            self._now = t
        n_actions, n_changes = len(model.actions), len(model.changes)
        n_memberships = len(model.memberships)
        model.now = t
        try:
            self._dispatch(event, t)
        except BadEventError as exc:
            if (len(model.actions), len(model.changes), len(model.memberships)) != (
                n_actions,
                n_changes,
                n_memberships,
            ):
                raise InternalError(
                    f"state changed before {type(event).__name__} was refused; please report"
                ) from exc
            model.dirty_devices.clear()
            model.dirty_places.clear()
            model.dirty_agents.clear()
            model.monitoring_devices.clear()
            model.scope_changed.clear()
            self._refused[exc.reason] = self._refused.get(exc.reason, 0) + 1
            if self.strict:
                # what the stuck-call guard did just before stays queued and
                # is returned by the next feed / advance
                raise
            return attrs.evolve(self._take(t), refused=exc)
        model.refresh(t)
        self._absorb(t)
        self._pool.tick(t)
        return self._take(t)

    def feed_many(self, events: Iterable[ev.Event]) -> int:
        """Feed a stream, discarding results; returns how many were applied."""
        applied = 0
        feed = self.feed
        for event in events:
            if feed(event).refused is None:
                applied += 1
        return applied

    def advance(self, now: int) -> FeedResult:
        """Move the clock to ``now`` (ms) with no event.

        Time-driven work (stuck-call cleanup, periodical notifications,
        profile resets) happens here in later steps; a time in the past is
        ignored, as the clock never goes back.
        """
        if self._now is None:
            self._start_clock(now)
        assert self._now is not None
        if now > self._now:
            self._catch_up(now)
            self._now = now
            self._pool.tick(now)
        return self._take(self._now)

    def _catch_up(self, t: int) -> None:
        """Do the clock-driven work due up to ``t``, in time order: stuck
        calls (:mod:`stuck`), interval resets, periodical sends, expiry."""
        model, pool = self._model, self._pool
        while True:
            stuck = model.deadlines[0][0] if model.deadlines else None
            due = pool.next_due()
            if stuck is not None and (due is None or stuck < due):
                due = stuck
            if due is None or due > t:
                return
            model.now = due
            if stuck is not None and stuck <= due:
                self._stuck += clean_stuck(model, due)
                self._absorb(due)
            pool.run_due(due)

    def _absorb(self, t: int) -> None:
        """Give the pool what the model produced since the last call."""
        model = self._model
        a, c, m = self._absorbed
        self._pool.process(model.actions[a:], model.changes[c:], model.memberships[m:])
        self._absorbed = (len(model.actions), len(model.changes), len(model.memberships))
        self._pool.flush(t)

    def _take(self, t: int) -> FeedResult:
        model = self._model
        actions, changes = tuple(model.actions), tuple(model.changes)
        memberships = tuple(model.memberships)
        notifications = tuple(self._pool.out)
        model.actions.clear()
        model.changes.clear()
        model.memberships.clear()
        self._pool.out.clear()
        self._absorbed = (0, 0, 0)
        self._n_actions += len(actions)
        self._n_changes += len(changes)
        return FeedResult(
            time=t,
            actions=actions,
            status_changes=changes,
            memberships=memberships,
            notifications=notifications,
        )

    def _dispatch(self, event: ev.Event, t: int) -> None:
        model = self._model
        cls = type(event)
        handler: Any
        if event.family == "config":
            handler = CONFIG_HANDLERS.get(cls)
            if handler is None:
                raise BadEventError(event, "unsupported-event", "no handler")
            handler(model, event, t)
            return
        link = model.links.get(event.link)
        if link is None:
            raise BadEventError(event, "unknown-link", f"no link named {event.link!r}")
        handler = LINK_HANDLERS.get(cls)
        if handler is not None:
            handler(model, event, t, link)
            return
        if not model.link_up[link.name]:
            raise BadEventError(event, "link-down", f"link {link.name!r} is not connected")
        if event.family == "voice":
            if link.kind is not LinkKind.TSERVER:
                raise BadEventError(event, "wrong-link", f"{link.name!r} is not a T-Server link")
            assert isinstance(event, ev.DNEvent)
            dn = resolve_dn(model, event)
            handler = MONITORING_HANDLERS.get(cls)
            if handler is None:
                if not dn.monitored:
                    raise BadEventError(event, "dn-out-of-service", f"{dn.cfg.id} is not monitored")
                handler = VOICE_HANDLERS[cls]
            handler(model, event, t, dn)
            return
        if link.kind is not LinkKind.IXNSERVER:
            raise BadEventError(event, "wrong-link", f"{link.name!r} is not an Interaction Server")
        handler = MEDIA_HANDLERS.get(cls) or INTERACTION_HANDLERS.get(cls)
        if handler is None:
            raise BadEventError(event, "unsupported-event", "no handler")
        handler(model, event, t, link)

    # ------------------------------------------------------------------
    # Statistics
    # ------------------------------------------------------------------

    def _clock(self) -> int:
        if self._now is None:
            raise LocalProtocolError(
                "the engine clock has not started: give Engine(now=...) or feed/advance first"
            )
        return self._now

    def open_statistic(
        self,
        subscriber: str,
        ref_id: Any,
        obj: ObjectRef,
        stat_type: str | StatType,
        *,
        profile: str = "Default",
        time_range: str | None = None,
        time_range2: str | None = None,
        filter: str | None = None,
        notification: NotificationSettings | None = None,
    ) -> Notification:
        """Subscribe to a statistic (RequestOpenStatistic / ...Ex).

        ``stat_type`` is the name of a configured stat type, or a
        :class:`StatType` built ad hoc (``StatType.from_definition``). The
        same statistic opened by several subscribers is computed once and
        stays in the pool after they close it (three days, DOMAIN §7).

        Returns:
            the value now (``Reason.OPENED``).
        Raises:
            LocalProtocolError: duplicate ``(subscriber, ref_id)``, unknown
                object, stat type, time profile or time range.
        """
        return self._pool.open(
            subscriber,
            ref_id,
            obj,
            stat_type,
            self._clock(),
            profile=profile,
            time_range=time_range,
            time_range2=time_range2,
            filter=filter,
            settings=notification,
        )

    def close_statistic(self, subscriber: str, ref_id: Any) -> None:
        """End a subscription; the statistic keeps being computed."""
        self._pool.close(subscriber, ref_id, self._clock())

    def peek(self, subscriber: str, ref_id: Any) -> Notification:
        """The current value of a subscription (RequestPeekStatistic)."""
        return self._pool.peek(subscriber, ref_id, self._clock())

    def counting_since(self, subscriber: str, ref_id: Any) -> int:
        """When the subscription's statistic started counting (POSIX ms).

        Earlier than the subscription when the pool already computed it (a
        statistic is shared and outlives its clients, and a restore keeps it):
        what a wallboard's "since" must say.
        """
        return self._pool.counting_since(subscriber, ref_id)

    def profile(self) -> StatisticsProfile:
        """The stat types, time profiles, time ranges and filters this engine
        serves (what RequestGetStatisticProfile answers)."""
        return self._profile

    def pool_statistics(self) -> PoolStatistics:
        return self._pool.statistics()

    # ------------------------------------------------------------------
    # Queries
    # ------------------------------------------------------------------

    def __repr__(self) -> str:
        # short: pytest prints fixtures holding an engine, and the whole
        # model would run to gigabytes
        m = self._model
        return (
            f"<Engine clock={self._now} agents={len(m.agents)} dns={len(m.dns)} "
            f"statistics={len(self._pool.stats)} fed={self._fed}>"
        )

    def _object(self, ref: ObjectRef) -> Any:
        m = self._model
        obj: Any = None
        if ref.type is ObjectType.Agent:
            obj = m.agents.get((ref.tenant, ref.id))
        elif ref.type is ObjectType.Place:
            obj = m.places.get((ref.tenant, ref.id))
        elif ref.type in (ObjectType.RegDN, ObjectType.Queue, ObjectType.RoutePoint):
            obj = m.dns_by_id.get(ref.id)
            if obj is not None and obj.ref != ref:
                obj = None
        elif ref.type in (ObjectType.GroupAgents, ObjectType.GroupPlaces):
            obj = m.groups.get(ref)
        elif ref.type is ObjectType.StagingArea:
            obj = m.staging.get((ref.tenant, ref.id))
        elif ref.type is ObjectType.MediaChannel:
            # "<media>|<agent>|<place>|<link>" (statengine.core.media): the
            # place holds its channels by (link, agent, media)
            parts = ref.id.split("|")
            place = m.places.get((ref.tenant, parts[2])) if len(parts) == 4 else None
            if place is not None:
                channel = place.channels.get((parts[3], parts[1], parts[0]))
                obj = channel if channel is not None and channel.ref == ref else None
        if obj is None:
            raise LocalProtocolError(f"unknown object {ref}")
        return obj

    def status(self, ref: ObjectRef) -> StatusInfo:
        """The current status of a DN, place, agent, staging area or media
        channel (``FeedResult`` actions name channels as their devices).

        Raises:
            LocalProtocolError: no such object (groups: see :meth:`group_status`).
        """
        obj = self._object(ref)
        if isinstance(obj, GroupState):
            raise LocalProtocolError(f"{ref} is a group: use group_status()")
        return StatusInfo(status=obj.status, since=obj.since, action=obj.status_action)

    def group_status(self, ref: ObjectRef) -> Mapping[Status, int]:
        """How many members of an agent or place group are in each status."""
        obj = self._object(ref)
        if not isinstance(obj, GroupState):
            raise LocalProtocolError(f"{ref} is not a group")
        return MappingProxyType(dict(obj.counts))

    def group_members(self, ref: ObjectRef) -> tuple[ObjectRef, ...]:
        """Current members of an agent or place group (virtual ones included)."""
        obj = self._object(ref)
        if not isinstance(obj, GroupState):
            raise LocalProtocolError(f"{ref} is not a group")
        return tuple(sorted(m.ref for m in obj.members))

    def objects(self, type: ObjectType) -> tuple[ObjectRef, ...]:
        """Every configured object of one type, sorted."""
        m = self._model
        if type is ObjectType.Agent:
            refs = [a.ref for a in m.agents.values()]
        elif type is ObjectType.Place:
            refs = [p.ref for p in m.places.values()]
        elif type in (ObjectType.GroupAgents, ObjectType.GroupPlaces):
            refs = [g for g in m.groups if g.type is type]
        elif type is ObjectType.GroupQueues:
            refs = [
                ObjectRef(q.tenant, ObjectType.GroupQueues, q.name)
                for q in self.config.queue_groups
            ]
        elif type is ObjectType.StagingArea:
            refs = [s.ref for s in m.staging.values()]
        elif type is ObjectType.Switch:
            refs = [ObjectRef(s.tenant, type, s.name) for s in self.config.switches]
        elif type is ObjectType.Tenant:
            refs = [ObjectRef(t.name, type, t.name) for t in self.config.tenants]
        else:
            refs = [d.ref for d in m.dns.values() if d.ref.type is type]
        return tuple(sorted(refs, key=lambda r: (r.tenant, r.type.value, r.id)))

    def current_state(self, ref: ObjectRef) -> StateNode:
        """The CurrentState tree of any object (DOMAIN §3.10)."""
        return state_tree(self._object(ref), self._now or 0)

    def statistics(self) -> EngineStatistics:
        m = self._model
        refused = sum(self._refused.values())
        return EngineStatistics(
            now=self._now,
            events_fed=self._fed,
            events_applied=self._fed - refused,
            events_refused=refused,
            refused_by_reason=MappingProxyType(dict(sorted(self._refused.items()))),
            late_events=self._late,
            stuck_calls_cleaned=self._stuck,
            actions=self._n_actions,
            status_changes=self._n_changes,
            open_calls=len(m.calls),
            dns=len(m.dns),
            places=len(m.places),
            agents=len(m.agents),
            groups=len(m.groups),
        )

    @property
    def model(self) -> Model:
        """The live state (read-only by convention: for tests and snapshots)."""
        return self._model

    # ------------------------------------------------------------------
    # Snapshots (issue 6) -- delegated to statengine.core.snapshot
    # ------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole engine as versioned plain data (msgpack- and JSON-able).

        See :mod:`statengine.core.snapshot` for what it holds. Ref ids of
        subscriptions must be str or int, or tuples of them.

        Raises:
            SnapshotError: a ref id that is not plain data.
        """
        from statengine.core.snapshot import snapshot_engine

        return snapshot_engine(self)

    @classmethod
    def restore(
        cls,
        config: CenterConfig | _HasCenter,
        snapshot: Mapping[str, Any],
        *,
        now: int | None = None,
        strict: bool = True,
        settings: EngineSettings | None = None,
        profile: StatisticsProfile | None = None,
        keep_subscriptions: bool | None = None,
    ) -> Engine:
        """Rebuild an engine from :meth:`snapshot` data.

        ``now`` None (or the snapshot's clock): exact continuation. A later
        ``now``: a restart after a gap (links lost at the snapshot time,
        DOMAIN §7 rules per time profile; subscriptions dropped unless
        ``keep_subscriptions=True``). :func:`statengine.core.snapshot.restore_engine`
        also returns a report of what was reset, restarted or dropped.

        Raises:
            SnapshotError: not a snapshot, a newer version, bad or inconsistent
                data (the message names the path in the data), or ``now``
                before the snapshot's clock.
        """
        from statengine.core.snapshot import restore_engine

        return restore_engine(
            config,
            snapshot,
            now=now,
            strict=strict,
            settings=settings,
            profile=profile,
            keep_subscriptions=keep_subscriptions,
        ).engine

    # -- end of snapshot methods ---------------------------------------
