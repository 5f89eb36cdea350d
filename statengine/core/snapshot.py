"""Snapshots: the whole engine as versioned plain data (DESIGN.md "Snapshots";
DOMAIN §7; seed 002).

:func:`snapshot_engine` (``Engine.snapshot()``) turns an engine into a tree
of ``dict`` / ``list`` / ``str`` / ``int`` / ``float`` / ``bool`` / ``None``
that msgpack (or JSON) can carry; :func:`restore_engine`
(``Engine.restore(...)``) builds an engine back from it. No pickle, no enums
(their *names* are written), nothing that runs code when it is read.

What a snapshot holds (format ``statengine-snapshot``, version
:data:`VERSION`):

``clock``
    the engine time (ms) the snapshot was taken at (None before the first
    event).
``refs``
    the table of object references: ``[tenant, ObjectType name, id]``;
    everywhere else an object is the index of its row.
``engine``
    the counters of ``Engine.statistics()``.
``model``
    every runtime object: links up, DNs (monitoring, open actions in order,
    status, since, the action defining the status, agent, mode, pending
    after-call work, sticky LoggedIn, call legs, login queue, ACW queue),
    staging areas, agents (live skills, voice DNs, the partial states of each
    Interaction Server link with their media channels, their open actions,
    interactions, capacity, ready state and reasons; the configuration of
    agents added by ``AgentAdded``), agents removed by ``AgentRemoved``,
    places, group memberships, the calls table, interactions, the stuck-call
    deadlines (columns, in sequence order), and what an interrupted (strict,
    refused) event left queued.
``pool``
    every statistic (object, definition: stat type as
    ``StatType.to_definition()``, profile, time ranges, filter as its
    canonical text; its aggregates, next reset, last request, validity), the
    aggregates' full state, the shared sums (per status, per action kind) and
    which statistics read them, the routing entries and indexes (which
    aggregates or shared sums an object, a member, a group or an *open
    durable action* feeds), the reset / periodical / expiry schedules and the
    subscriptions (subscriber, ref id, the stat type name it was opened
    under, notification settings, last value sent, next send).

    Version 2 writes the pool as **tables of columns**: a table is a mapping
    of column name -> list, one value per row (statistics, one table per
    aggregate class, entries, subscriptions...); a variable number of items
    per row (an aggregate's open items, tracked members...) is a count column
    plus flat columns holding every row's items one after the other. Columns
    are built and read whole (list comprehensions, ``map``, ``zip``) and
    checked whole (types and row-number ranges at C speed, the first bad cell
    named when a check fails), and msgpack writes a list of integers much
    faster than as many small lists: a pool of 75,000 statistics is written
    and read back in well under a second each (``benchmarks/README.md``).
    Every object that others hold is written **once, by identity**, and
    referred to by row number: an aggregate two statistics hold, the shared
    sums many statistics read, a routing entry several indexes list; a
    restore re-creates the sharing. Definitions (stat types, profiles,
    filters, ranges, masks, notification settings, media) and the strings of
    subscribers and ref ids are small tables the rows point into. Version 1
    (rows, ``pool.schemas``) is still read.
``pending``
    (only after a strict ``feed`` was refused) what the stuck-call guard did
    just before, which the next ``feed`` / ``advance`` returns.

Ref ids must be plain: ``str`` or ``int``, or tuples of them (tuples come
back as tuples). Anything else makes :func:`snapshot_engine` raise
:class:`SnapshotError`.

Nothing is silently left out: :func:`check_fields` lists every field of every
class whose state is saved, and a class that gains a field makes
:func:`snapshot_engine` raise :class:`InternalError` until this module saves
it. The output is canonical: the same engine state gives the same bytes,
whatever the process (orders that mean nothing, like set members, are
written sorted).

Restoring (:func:`restore_engine`):

* **Exact continuation** (``now`` None or equal to the snapshot clock): the
  restored engine is the engine that was snapshotted; feeding both the same
  events gives identical results (actions, status changes, notifications,
  peeks, statuses, counters). Subscriptions are kept by default.
* **After a gap** (``now`` later than the clock; a restart): the CTI links
  are considered lost *at the snapshot time* (docs/semantics.md §1.1), one
  after the other in configuration order exactly as ``LinkDisconnected``
  events would be: every open action ends then, DNs and media channels
  become NotMonitored, agents stay associated (NotMonitored, not LoggedOut),
  calls and interactions are forgotten. The links re-sync when the caller
  feeds their ``LinkConnected`` and ``Registered`` events. Then each
  statistic follows the DOMAIN §7 rule of its time profile
  (:data:`GAP_RULES`): Growing statistics are reused if
  no reset fell in the gap, else their history restarts at the last reset
  instant before ``now`` (the final value of the interval that contained the
  snapshot is still sent to reset-based subscribers); Sliding windows age on
  their own (their old edge moves with the clock, a window wholly in the
  gap reads as empty history); Selection keeps its last N items; SinceLogin
  keeps its value until the next login. Statistics whose keep period
  (three days after the last request) passed during the gap are dropped.
  Subscriptions belong to client connections, which do not survive a
  restart: by default they are dropped (as if closed at the snapshot time,
  so their statistics stay in the pool for the keep period, computed on);
  clients reopen them. ``keep_subscriptions=True`` keeps them anyway (an
  in-process restore after a virtual gap, e.g. ``simulate --restore``);
  reset-based notifications of the gap are then reported in
  :attr:`RestoreReport.result`, periodical sends missed in the gap are
  skipped.
* **Changed definitions** (either way): a restored aggregate is used only if
  its definition is unchanged (DOMAIN §7). A statistic whose stat type,
  time profile, time range or filter *of the same name* now computes
  something else (another canonical form) restarts from zero at the restore
  time: its kept subscriptions are reopened on the new definition, and an
  unsubscribed one is dropped (the next open creates it afresh). A name that
  is no longer configured keeps the saved definition (a warning says so).
* The configuration given to :func:`restore_engine` must hold every object
  the snapshot names (objects it adds start fresh, NotMonitored); a missing
  one is a :class:`SnapshotError` naming the path in the data.

Every malformed or inconsistent input raises :class:`SnapshotError` whose
message starts with the path in the data (``pool.aggregates.status.n[12]``,
``pool.statistics[12].aggregates[0]`` in version 1); a snapshot of a newer
version is refused, naming both versions.

Cost: both directions are linear in the pool; the cyclic garbage collector
is paused while the tree or the engine is built, and what was built is then
moved to the oldest generation without being walked (:func:`gc_paused`).
``python -m benchmarks throughput`` measures both on a large pool
(figures in ``benchmarks/README.md``).
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import itertools
import operator
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import attrs
from sortedcontainers import SortedList

from statengine.core import events as ev
from statengine.core.actions import Action, ActionKind
from statengine.core.aggregates import (
    ActionAggregate,
    ActionSums,
    ActionView,
    CountTracker,
    KindSums,
    MaskView,
    StatusAggregate,
    StatusCounters,
    StatusSums,
)
from statengine.core.categories import Statistic, StatKey, Term, time_varying
from statengine.core.currentstate import StateNode, state_tree
from statengine.core.engine import Engine, FeedResult
from statengine.core.filters import Filter, parse_filter
from statengine.core.media import Interaction
from statengine.core.monitoring import LINK_HANDLERS
from statengine.core.notify import (
    Notification,
    NotificationSettings,
    NotifyMode,
    Reason,
    Subscription,
)
from statengine.core.objects import AgentConfig, ObjectRef, ObjectType
from statengine.core.pool import (
    _WIDE_TYPES,
    Pool,
    _Entry,
    _Shared,
    _strip_reasons,
    key_definition,
)
from statengine.core.profiles import ProfileKind, TimeProfile
from statengine.core.state import (
    AgentState,
    Call,
    Device,
    DNState,
    GroupState,
    Leg,
    MediaChannel,
    MembershipChange,
    Model,
    Partial,
    PlaceState,
    StagingArea,
    StatusChange,
    add_sorted,
)
from statengine.core.stattypes import (
    DEFAULT_TIME_RANGE,
    STATE_CATEGORIES,
    Category,
    Mask,
    StatType,
    Subject,
    TimeRange,
)
from statengine.core.status import Status
from statengine.core.windows import WindowActionAggregate, WindowStatusAggregate
from statengine.errors import ConfigError, InternalError, LocalProtocolError, SnapshotError

if TYPE_CHECKING:
    from statengine.core.engine import StatisticsProfile
    from statengine.core.settings import EngineSettings

__all__ = [
    "FORMAT",
    "GAP_RULES",
    "VERSION",
    "RestoreReport",
    "Restored",
    "check_fields",
    "check_format",
    "pool_columns",
    "restore_engine",
    "snapshot_engine",
    "summarize",
]

#: The ``format`` field of every snapshot.
FORMAT = "statengine-snapshot"
#: The snapshot version this code writes; it reads every version up to it.
VERSION = 2

_EMPTY_KV: Mapping[str, str | int] = MappingProxyType({})
#: plain ref ids: written as they are
_ATOMS = frozenset({str, int})
#: the order of :class:`ObjectRef` (as its ``__lt__``), at C speed
_REF_ORDER = attrgetter("tenant", "type._value_", "id")
_TUPLE = frozenset({tuple})
_ERRORS = (KeyError, TypeError, ValueError, IndexError, AttributeError, AssertionError)
#: name -> member (``Enum.__members__`` builds a new proxy at every access)
_KINDS: Mapping[str, ActionKind] = dict(ActionKind.__members__)
_STATUSES: Mapping[str, Status] = dict(Status.__members__)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building or reading a large
    tree: its passes over millions of young objects would otherwise cost
    more than the work itself (a snapshot creates no reference cycles that
    need collecting meanwhile). Restores the previous state.

    What was built is long-lived (a restored engine) or freed by reference
    counting (a snapshot tree, once written), so it is moved to the oldest
    generation at once (``gc.freeze`` then ``gc.unfreeze``: two list splices)
    instead of being walked by the next young collection and again by the
    middle one: a restore creates about a million tracked objects, and
    walking them cost 0.15-0.2 s. They stay collectable by full
    collections, like any long-lived object. Skipped when the process has
    frozen objects of its own (``gc.get_freeze_count()``), which unfreezing
    would release."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


# ==========================================================================
# Public API
# ==========================================================================


@attrs.frozen(kw_only=True)
class RestoreReport:
    """What :func:`restore_engine` did, for logs and the CLI."""

    #: the snapshot's clock (ms), and the clock the engine was restored at
    snapshot_time: int | None
    restored_at: int | None
    #: ``restored_at - snapshot_time`` (0: exact continuation)
    gap_ms: int
    #: links considered lost at the snapshot time (gap only)
    links_lost: tuple[str, ...] = ()
    statistics: int = 0
    #: Growing statistics whose history restarted because a reset fell in the gap
    statistics_reset: int = 0
    #: statistics restarted from zero because their definition changed
    statistics_restarted: int = 0
    #: statistics dropped: keep period over during the gap, or changed and unsubscribed
    statistics_dropped: int = 0
    subscriptions: int = 0
    subscriptions_dropped: int = 0
    warnings: tuple[str, ...] = ()
    #: what the gap did (link loss at the snapshot time, resets up to now)
    #: and the reopened subscriptions' values; None for an exact continuation
    result: FeedResult | None = None


@attrs.frozen(kw_only=True)
class Restored:
    engine: Engine
    report: RestoreReport


def check_format(data: Any) -> int:
    """The version of a snapshot; refuses what is not one, or a newer one.

    Raises:
        SnapshotError: not a mapping with ``format == "statengine-snapshot"``,
            or a version this statengine cannot read.
    """
    if not isinstance(data, Mapping):
        raise SnapshotError(f"not a statengine snapshot: expected a mapping, found {_kind(data)}")
    found = data.get("format")
    if found != FORMAT:
        raise SnapshotError(
            f"format: not a statengine snapshot (format {found!r}, expected {FORMAT!r})"
        )
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise SnapshotError(f"version: expected a positive integer, found {version!r}")
    if version > VERSION:
        raise SnapshotError(
            f"version: snapshot version {version} is newer than this statengine reads "
            f"(up to version {VERSION}); upgrade statengine to restore it"
        )
    return version


def snapshot_engine(engine: Engine) -> dict[str, Any]:
    """The whole state of ``engine`` as versioned plain data (module docstring).

    Raises:
        SnapshotError: a subscription's ref id is not plain data (str, int or
            tuples of them), or the engine is in the middle of an event.
    """
    with gc_paused():
        return _snapshot(engine)


def _snapshot(engine: Engine) -> dict[str, Any]:
    check_fields()
    model = engine._model
    if (
        model.dirty_devices
        or model.dirty_places
        or model.dirty_agents
        or model.monitoring_devices
        or model.scope_changed
    ):
        raise SnapshotError("the engine is in the middle of an event: snapshot between calls")
    out = _Out()
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "clock": engine._now,
        "refs": out.refs,
        "engine": {
            "fed": engine._fed,
            "refused": dict(engine._refused),
            "late": engine._late,
            "actions": engine._n_actions,
            "changes": engine._n_changes,
            "stuck": engine._stuck,
        },
    }
    data["model"] = _model_out(out, model)
    data["pool"] = _pool_out(out, engine._pool)
    pending = _pending_out(out, engine)
    if pending is not None:
        data["pending"] = pending
    return data


def restore_engine(
    config: Any,
    data: Any,
    *,
    now: int | None = None,
    strict: bool = True,
    settings: EngineSettings | None = None,
    profile: StatisticsProfile | None = None,
    keep_subscriptions: bool | None = None,
) -> Restored:
    """Build an engine from a snapshot (module docstring for the rules).

    Args:
        config, strict, settings, profile: as for :class:`Engine`.
        data: what :func:`snapshot_engine` returned (after any round trip
            through msgpack or JSON).
        now: the restore time (ms). None or the snapshot's clock: exact
            continuation. Later: a restart after a gap.
        keep_subscriptions: None (default): keep them for an exact
            continuation, drop them after a gap (client connections do not
            survive a restart); True / False to decide.

    Raises:
        SnapshotError: not a snapshot, a newer version, malformed or
            inconsistent data, an object the configuration does not have, or
            ``now`` before the snapshot's clock (the clock never goes back).
    """
    with gc_paused():
        return _restore(
            config,
            data,
            now=now,
            strict=strict,
            settings=settings,
            profile=profile,
            keep_subscriptions=keep_subscriptions,
        )


def _restore(
    config: Any,
    data: Any,
    *,
    now: int | None,
    strict: bool,
    settings: EngineSettings | None,
    profile: StatisticsProfile | None,
    keep_subscriptions: bool | None,
) -> Restored:
    version = check_format(data)
    check_fields()  # the restore builds objects field by field
    clock = data.get("clock")
    if clock is not None and type(clock) is not int:
        raise SnapshotError(f"clock: expected an integer (ms) or null, found {clock!r}")
    if now is not None and clock is not None and now < clock:
        raise SnapshotError(
            f"cannot restore at {now}: the snapshot was taken at {clock} and the engine "
            "clock never goes back (restore at the snapshot's clock or later)"
        )
    gap = now is not None and clock is not None and now > clock
    keep = (not gap) if keep_subscriptions is None else keep_subscriptions
    engine = Engine(config, strict=strict, now=clock, settings=settings, profile=profile)
    inp = _In()
    try:
        inp.read_refs(data)
        _engine_in(inp, engine, data)
        _model_in(inp, engine._model, _get(data, "model", dict), version)
        pool = _get(data, "pool", dict)
        plan = _pool_in(inp, engine, pool, version, keep=keep, clock=clock, now=now)
        pending = data.get("pending")
        if pending is not None:
            _pending_in(inp, engine, pending)
    except SnapshotError:
        raise
    except _ERRORS as exc:
        raise SnapshotError(f"{inp.where()}: {_describe(exc)}") from exc
    if clock is None:
        if now is not None:
            engine._start_clock(now)
        return Restored(engine=engine, report=plan.report(clock, engine._now, (), None))
    target = now if now is not None else clock
    lost: tuple[str, ...] = ()
    result = None
    if gap:
        lost = _lose_links(engine, clock)
        plan.n_reset = _fast_forward(engine._pool, clock, target)
        result = engine.advance(target)  # takes the batch: link loss, resets, tick
    reopened = _reopen(engine, plan, target)
    if reopened:
        # what reopening queued (an INVALID value...) is reported with the values
        queued = tuple(engine._pool.out)
        engine._pool.out.clear()
        result = attrs.evolve(
            result or FeedResult(time=target),
            notifications=(*(result.notifications if result else ()), *queued, *reopened),
        )
    return Restored(engine=engine, report=plan.report(clock, target, lost, result))


def summarize(data: Any) -> dict[str, Any]:
    """Counts for ``backup inspect``: clock, objects, statistics, subscriptions.

    Reads only the sizes of the tables; raises :class:`SnapshotError` on a
    snapshot it cannot read.
    """
    version = check_format(data)
    try:
        model = data["model"]
        return {
            "version": version,
            "clock": data.get("clock"),
            "events_fed": data["engine"]["fed"],
            "links_up": sorted(name for name, up in model["links"].items() if up),
            "dns": len(model["dns"]),
            "agents": len(model["agents"]),
            "agents_logged_in": sum(1 for a in model["agents"] if a["voice_dns"] or a["partials"]),
            "places": len(model["places"]),
            "groups": len(model["groups"]),
            "calls": len(model["calls"]),
            "interactions": len(model["interactions"]),
            "statistics": len(pool_columns(data, "statistics", ("object",))[0]),
            "subscriptions": len(pool_columns(data, "subscriptions", ("stat",))[0]),
        }
    except _ERRORS as exc:
        raise SnapshotError(f"cannot summarize the snapshot: {_describe(exc)}") from exc


def pool_columns(data: Any, table: str, names: Iterable[str]) -> list[list[Any]]:
    """Columns of the pool's ``statistics`` or ``subscriptions`` table, in
    either snapshot version (version 1 keeps rows, version 2 columns), for
    readers of a snapshot's tables such as ``backup inspect``: the layout
    stays this module's business.

    Raises:
        SnapshotError: not a snapshot this statengine reads, or no such table
            or column.
    """
    version = check_format(data)
    try:
        pool = data["pool"]
        if version == 1:
            schema = pool["schemas"][table.removesuffix("s")]
            rows = pool[table]
            return [[row[schema.index(name)] for row in rows] for name in names]
        columns = pool[table]
        found = []
        for name in names:
            if table == "statistics" and name not in columns:  # in its definition
                saved = _expand(pool["definitions"][name])
                found.append([saved[j] for j in _expand(columns["definition"])])
            elif table == "subscriptions" and name == "subscriber":  # in the strings
                strings = pool["texts"]["strings"]
                found.append([strings[j] for j in _expand(columns[name])])
            else:
                found.append(_expand(columns[name]))
        if not all(type(col) is list for col in found) or len({len(c) for c in found}) > 1:
            raise TypeError(f"{table}: expected columns of equal length")
        return found
    except _ERRORS as exc:
        raise SnapshotError(f"pool.{table}: {_describe(exc)}") from exc


# ==========================================================================
# Helpers
# ==========================================================================


def _kind(value: Any) -> str:
    return type(value).__name__


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"missing key or unknown name {exc.args[0]!r}" if exc.args else "missing key"
    if isinstance(exc, IndexError):
        return f"index out of range ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _get(data: Mapping[str, Any], key: str, kind: type) -> Any:
    value = data[key]
    if not isinstance(value, kind):
        raise TypeError(f"{key!r}: expected {kind.__name__}, found {_kind(value)}")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, found {value!r}")
    return value


def _opt_int(value: Any) -> int | None:
    if value is not None and type(value) is not int:
        raise TypeError(f"expected an integer or null, found {value!r}")
    return value


def _kv(value: Any) -> Mapping[str, str | int]:
    """Attached data (user data, reasons): a read-only copy, shared when empty."""
    if not value:
        if value is None or isinstance(value, Mapping):
            return _EMPTY_KV
        raise TypeError(f"expected a mapping, found {_kind(value)}")
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping, found {_kind(value)}")
    return MappingProxyType(dict(value))


def _plain_id(value: Any, what: str) -> Any:
    """A ref id as plain data: str / int, tuples of them as lists."""
    if type(value) in _ATOMS:
        return value
    if type(value) is tuple:
        if _ATOMS.issuperset(map(type, value)):
            return list(value)
        return [_plain_id(v, what) for v in value]
    raise SnapshotError(
        f"{what}: ref id {value!r} ({_kind(value)}) cannot be saved: "
        "ref ids must be str or int, or tuples of them"
    )


def _id_in(value: Any) -> Any:
    if isinstance(value, list):
        if _ATOMS.issuperset(map(type, value)):
            return tuple(value)
        return tuple(_id_in(v) for v in value)
    if type(value) in (str, int):
        return value
    raise TypeError(f"a ref id must be str, int or a list of them, found {value!r}")


class _Out:
    """Encoding context: the ref table and where each open action lives."""

    def __init__(self) -> None:
        self.refs: list[list[Any]] = []
        self.ref_ids: dict[ObjectRef, int] = {}
        #: id(ref object) -> row, for the objects in ``held``
        self.by_id: dict[int, int] = {}
        self.held: list[ObjectRef] = []
        #: id(action) -> [device ref index, position in the device's open actions]
        self.located: dict[int, list[Any]] = {}
        #: (dict, key, action): status actions to locate once every device is written
        self.later: list[tuple[dict[str, Any], Action | None]] = []

    def ref(self, r: ObjectRef) -> int:
        i = self.ref_ids.get(r)
        if i is None:
            i = self.ref_ids[r] = len(self.refs)
            self.refs.append([r.tenant, r.type.name, r.id])
        if id(r) not in self.by_id:  # the model's own ref objects, met again
            self.by_id[id(r)] = i
            self.held.append(r)
        return i

    def refs_of(self, keys: Sequence[Any]) -> list[int]:
        """Row numbers of many refs at once. Looked up by identity first (the
        model's ref objects are met many times, and hashing one by value is a
        Python call), then by value; refs new to the table join it in sorted
        order, so that the table does not depend on the order of a set they
        were read from (the output stays canonical)."""
        found = list(map(self.by_id.get, map(id, keys)))
        if None in found:
            ids = self.ref_ids
            missing = [j for j, i in enumerate(found) if i is None]
            refs = [keys[j] for j in missing]
            values: list[Any] = list(map(ids.get, refs))
            if None in values:
                new = {r for r, i in zip(refs, values, strict=True) if i is None}
                for r in sorted(new, key=_REF_ORDER):
                    ids[r] = len(self.refs)
                    self.refs.append([r.tenant, r.type.name, r.id])
                values = list(map(ids.__getitem__, refs))
            for j, i in zip(missing, values, strict=True):
                found[j] = i
            # met again by identity (the objects are held: ids are not reused)
            self.by_id.update(zip(map(id, refs), values, strict=True))
            self.held += refs
        return found  # type: ignore[return-value]

    def action(self, a: Action) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": a.kind.name, "device": self.ref(a.device), "start": a.start}
        if a.end is not None:
            d["end"] = a.end
        for name in ("conn_id", "agent", "place", "queue", "ani", "dnis"):
            value = getattr(a, name)
            if value:
                d[name] = value
        if a.media != "voice":
            d["media"] = a.media
        if a.user_data:
            d["user_data"] = dict(a.user_data)
        if a.reasons:
            d["reasons"] = dict(a.reasons)
        return d

    def locate(self, a: Action | None) -> Any:
        """An action defining a status: where it is open, or the action itself."""
        if a is None:
            return None
        where = self.located.get(id(a))
        if where is not None:
            return ["open", *where]
        return ["action", self.action(a)]

    def value(self, v: Any, what: str) -> Any:
        if v is None or type(v) in (int, float):
            return v
        if isinstance(v, StateNode):
            return {"state": self.node(v)}
        raise SnapshotError(f"{what}: value {v!r} ({_kind(v)}) cannot be saved")

    def node(self, n: StateNode) -> dict[str, Any]:
        return {
            "ref": self.ref(n.ref),
            "status": n.status.name,
            "since": n.since,
            "actions": [self.action(a) for a in n.actions],
            "children": [self.node(c) for c in n.children],
            "reasons": dict(n.reasons),
        }

    def notification(self, n: Notification) -> dict[str, Any]:
        what = f"notification for {n.subscriber!r}"
        return {
            "subscriber": n.subscriber,
            "ref_id": _plain_id(n.ref_id, what),
            "object": self.ref(n.object),
            "stat_type": n.stat_type,
            "value": self.value(n.value, what),
            "time": n.time,
            "reason": n.reason.name,
        }


class _In:
    """Decoding context: the ref table, devices by ref, and the current path."""

    def __init__(self) -> None:
        self.path: list[Any] = []
        self.refs: list[ObjectRef] = []
        self.devices: dict[ObjectRef, Device] = {}
        #: device ref -> its open actions in order (to resolve status actions)
        self.open_lists: dict[ObjectRef, list[Action]] = {}

    def read_refs(self, data: Mapping[str, Any]) -> None:
        self.at("refs")
        rows = _get(data, "refs", list)
        types = ObjectType.__members__
        for i, row in enumerate(rows):
            self.path[1:] = [i]
            tenant, type_name, ident = row
            if type(tenant) is not str or type(ident) is not str:
                raise TypeError(f"expected [tenant, type, id] strings, found {row!r}")
            self.refs.append(ObjectRef(tenant, types[type_name], ident))

    def at(self, *parts: Any) -> None:
        self.path[:] = parts

    def where(self) -> str:
        text = ""
        for part in self.path:
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += f".{part}" if text else str(part)
        return text or "<snapshot>"

    def fail(self, message: str) -> SnapshotError:
        return SnapshotError(f"{self.where()}: {message}")

    def ref(self, i: Any) -> ObjectRef:
        if type(i) is not int or not 0 <= i < len(self.refs):
            raise IndexError(f"object reference {i!r} is not in the refs table")
        return self.refs[i]

    def action(self, d: Mapping[str, Any]) -> Action:
        return Action(
            kind=_KINDS[d["kind"]],
            device=self.ref(d["device"]),
            start=_int(d["start"]),
            end=_opt_int(d.get("end")),
            conn_id=d.get("conn_id", ""),
            agent=d.get("agent", ""),
            place=d.get("place", ""),
            queue=d.get("queue", ""),
            media=d.get("media", "voice"),
            ani=d.get("ani", ""),
            dnis=d.get("dnis", ""),
            user_data=_kv(d.get("user_data")),
            reasons=_kv(d.get("reasons")),
        )

    def locate(self, d: Any) -> Action | None:
        if d is None:
            return None
        if d[0] == "open":
            ref = self.ref(d[1])
            actions = self.open_lists.get(ref)
            if actions is None:
                raise ValueError(f"status action open on {ref}, which has no open actions")
            found: Action = actions[d[2]]
            return found
        if d[0] == "action":
            return self.action(d[1])
        raise ValueError(f"expected ['open', device, i] or ['action', {{...}}], found {d!r}")

    def value(self, v: Any) -> Any:
        if v is None or type(v) in (int, float):
            return v
        if isinstance(v, Mapping) and "state" in v:
            return self.node(v["state"])
        raise TypeError(f"expected a number, null or {{'state': ...}}, found {v!r}")

    def node(self, d: Mapping[str, Any]) -> StateNode:
        return StateNode(
            ref=self.ref(d["ref"]),
            status=_STATUSES[d["status"]],
            since=_int(d["since"]),
            actions=tuple(self.action(a) for a in d["actions"]),
            children=tuple(self.node(c) for c in d["children"]),
            reasons=dict(d["reasons"]),
        )

    def notification(self, d: Mapping[str, Any]) -> Notification:
        return Notification(
            subscriber=d["subscriber"],
            ref_id=_id_in(d["ref_id"]),
            object=self.ref(d["object"]),
            stat_type=d["stat_type"],
            value=self.value(d["value"]),
            time=_int(d["time"]),
            reason=Reason.__members__[d["reason"]],
        )


# ==========================================================================
# Engine counters and the pending batch
# ==========================================================================


def _engine_in(inp: _In, engine: Engine, data: Mapping[str, Any]) -> None:
    inp.at("engine")
    d = _get(data, "engine", dict)
    engine._fed = _int(d["fed"])
    refused = d["refused"]
    if not isinstance(refused, Mapping):
        raise TypeError("refused: expected a mapping of reason -> count")
    engine._refused = {str(k): _int(v) for k, v in refused.items()}
    engine._late = _int(d["late"])
    engine._n_actions = _int(d["actions"])
    engine._n_changes = _int(d["changes"])
    engine._stuck = _int(d["stuck"])


def _change_out(out: _Out, c: StatusChange) -> dict[str, Any]:
    return {
        "ref": out.ref(c.ref),
        "time": c.time,
        "old": c.old.name,
        "new": c.new.name,
        "action": None if c.action is None else out.action(c.action),
    }


def _pending_out(out: _Out, engine: Engine) -> dict[str, Any] | None:
    """What a refused strict event left queued for the next feed / advance."""
    m, pool = engine._model, engine._pool
    if not (m.actions or m.changes or m.memberships or pool.out or any(engine._absorbed)):
        return None
    return {
        "actions": [out.action(a) for a in m.actions],
        "changes": [_change_out(out, c) for c in m.changes],
        "memberships": [
            [out.ref(mc.group), out.ref(mc.member), mc.joined, mc.time] for mc in m.memberships
        ],
        "notifications": [out.notification(n) for n in pool.out],
        "absorbed": list(engine._absorbed),
    }


def _pending_in(inp: _In, engine: Engine, d: Mapping[str, Any]) -> None:
    m = engine._model
    inp.at("pending", "actions")
    m.actions[:] = [inp.action(a) for a in d["actions"]]
    inp.at("pending", "changes")
    m.changes[:] = [
        StatusChange(
            ref=inp.ref(c["ref"]),
            time=_int(c["time"]),
            old=_STATUSES[c["old"]],
            new=_STATUSES[c["new"]],
            action=None if c["action"] is None else inp.action(c["action"]),
        )
        for c in d["changes"]
    ]
    inp.at("pending", "memberships")
    m.memberships[:] = [
        MembershipChange(group=inp.ref(g), member=inp.ref(mem), joined=bool(joined), time=_int(t))
        for g, mem, joined, t in d["memberships"]
    ]
    inp.at("pending", "notifications")
    engine._pool.out.extend(inp.notification(n) for n in d["notifications"])
    inp.at("pending", "absorbed")
    a, c, mm = (_int(x) for x in d["absorbed"])
    engine._absorbed = (a, c, mm)


# ==========================================================================
# The model
# ==========================================================================


def _device_out(out: _Out, dev: Device) -> dict[str, Any]:
    refi = out.ref(dev.ref)
    opened = []
    for pos, ((kind, conn), a) in enumerate(dev.open.items()):
        d = out.action(a)
        if kind is not a.kind:
            d["key_kind"] = kind.name
        if conn != a.conn_id:
            d["key_conn"] = conn
        opened.append(d)
        out.located[id(a)] = [refi, pos]
    d = {
        "monitored": dev.monitored,
        "open": opened,
        "status": dev.status.name,
        "since": dev.since,
    }
    out.later.append((d, dev.status_action))
    return d


def _device_in(inp: _In, dev: Device, d: Mapping[str, Any]) -> None:
    dev.monitored = bool(d["monitored"])
    opened: dict[tuple[ActionKind, str], Action] = {}
    actions = []
    for a in d["open"]:
        action = inp.action(a)
        kind = _KINDS[a["key_kind"]] if "key_kind" in a else action.kind
        opened[(kind, a.get("key_conn", action.conn_id))] = action
        actions.append(action)
    dev.open = opened
    dev.status = _STATUSES[d["status"]]
    dev.since = _int(d["since"])
    inp.devices[dev.ref] = dev
    inp.open_lists[dev.ref] = actions


def _model_out(out: _Out, m: Model) -> dict[str, Any]:
    dns = []
    for dn in m.dns.values():
        d = _device_out(out, dn)
        d["id"] = dn.cfg.id
        d["agent"] = None if dn.agent is None else [dn.agent.ref.tenant, dn.agent.ref.id]
        d["mode"] = dn.mode
        d["pending_acw"] = None if dn.pending_acw is None else dict(dn.pending_acw)
        d["sticky"] = dn.sticky
        legs = []
        for conn, leg in dn.legs.items():
            ld: dict[str, Any] = {
                "conn_id": leg.conn_id,
                "state": leg.state,
                "call_type": leg.call_type,
                "talk": None if leg.talk is None else leg.talk.name,
                "held": leg.held,
                "queue": leg.queue,
            }
            if conn != leg.conn_id:
                ld["key"] = conn
            legs.append(ld)
        d["legs"] = legs
        d["login_queue"] = dn.login_queue
        d["acw_queue"] = dn.acw_queue
        dns.append(d)
    staging = []
    for (tenant, name), area in m.staging.items():
        d = _device_out(out, area)
        d["tenant"], d["name"] = tenant, name
        staging.append(d)
    configured = {(a.tenant, a.employee_id) for a in m.config.agents}
    agents = []
    for key, agent in m.agents.items():
        d = {"tenant": key[0], "id": key[1], "skills": dict(agent.skills)}
        if key not in configured:
            cfg = agent.cfg
            d["config"] = {"name": cfg.name, "logins": dict(cfg.logins), "skills": dict(cfg.skills)}
        d["voice_dns"] = [dn.cfg.id for dn in agent.voice_dns]
        partials = []
        for link, partial in agent.partials.items():
            channels = []
            for media, ch in partial.channels.items():
                cd = _device_out(out, ch)
                cd["media"] = media
                if ch.media != media:
                    cd["channel_media"] = ch.media
                cd["capacity"] = ch.capacity
                cd["ready"] = ch.ready
                cd["interactions"] = [[i, s] for i, s in ch.interactions.items()]
                cd["reasons"] = dict(ch.reasons)
                channels.append(cd)
            partials.append({"link": link, "place": partial.place.cfg.name, "channels": channels})
        d["partials"] = partials
        d["status"], d["since"] = agent.status.name, agent.since
        out.later.append((d, agent.status_action))
        agents.append(d)
    removed = sorted([t, e] for (t, e) in configured if (t, e) not in m.agents)
    places = []
    for (tenant, name), place in m.places.items():
        d = {
            "tenant": tenant,
            "name": name,
            "status": place.status.name,
            "since": place.since,
            "agents": sorted([a.ref.tenant, a.ref.id] for a in place.agents),
            "channels": [list(k) for k in place.channels],
        }
        out.later.append((d, place.status_action))
        places.append(d)
    groups = [
        {
            "ref": out.ref(ref),
            "members": out.refs_of(sorted((x.ref for x in g.members), key=_REF_ORDER)),
        }
        for ref, g in m.groups.items()
    ]
    calls = []
    for (switch, conn), call in m.calls.items():
        cd = {
            "switch": switch,
            "conn": conn,
            "waiting_on": call.waiting_on,
            "entered": call.entered,
            "distributed_from": call.distributed_from,
            "distributed_entered": call.distributed_entered,
            "parties": sorted(call.parties),
            "ani": call.ani,
            "dnis": call.dnis,
            "user_data": dict(call.user_data),
            "treatment_started": call.treatment_started,
        }
        if call.conn_id != conn:
            cd["conn_id"] = call.conn_id
        calls.append(cd)
    interactions = []
    for (tenant, ixn_id), ixn in m.interactions.items():
        idd = {
            "tenant": tenant,
            "id": ixn_id,
            "media": ixn.media,
            "submitted": ixn.submitted,
            "link": ixn.link,
            "waiting_in": ixn.waiting_in,
            "last_queue": ixn.last_queue,
            "user_data": dict(ixn.user_data),
            "channels": [out.ref(ch.ref) for ch in ixn.channels],
        }
        if ixn.ixn_id != ixn_id:
            idd["ixn_id"] = ixn.ixn_id
        interactions.append(idd)
    # the stuck-call deadlines (stale entries, of actions that ended, are
    # skipped when they come up) in sequence-number order, which the restore
    # renumbers from 0 and makes a heap again: the output does not depend on
    # the heap's history; columns, as they are many (one per guarded action)
    heap = sorted(m.deadlines, key=_SEQ)
    deadlines = {
        "time": [e[0] for e in heap],
        "device": out.refs_of([e[2].ref for e in heap]),
        "kind": [e[3]._name_ for e in heap],
        "conn": [e[4] for e in heap],
        "start": [e[5] for e in heap],
    }
    for d, action in out.later:
        d["status_action"] = out.locate(action)
    out.later.clear()
    return {
        "now": m.now,
        "links": dict(m.link_up),
        "dns": dns,
        "staging": staging,
        "agents": agents,
        "removed_agents": removed,
        "places": places,
        "groups": groups,
        "calls": calls,
        "interactions": interactions,
        "deadlines": _compact(deadlines),
    }


def _agent_key(value: Any) -> tuple[str, str]:
    tenant, ident = value
    return str(tenant), str(ident)


def _model_in(inp: _In, m: Model, d: Mapping[str, Any], version: int) -> None:
    inp.at("model", "now")
    m.now = _int(d["now"])
    inp.at("model", "links")
    links = _get(d, "links", dict)
    for name, up in links.items():
        inp.at("model", "links", name)
        if name not in m.link_up:
            raise inp.fail(f"link {name!r} is not in the configuration")
        m.link_up[name] = bool(up)
    # -- which agents exist: removed ones go, added ones come back ----------
    for i, key in enumerate(_get(d, "removed_agents", list)):
        inp.at("model", "removed_agents", i)
        agent = m.agents.pop(_agent_key(key), None)
        if agent is not None:
            for switch, code in agent.cfg.logins.items():
                if m.agent_by_login.get((switch, code)) is agent:
                    del m.agent_by_login[(switch, code)]
            for group in list(agent.groups):
                group.remove(agent)
            agent.groups.clear()
    agents_data = _get(d, "agents", list)
    agents: list[AgentState] = []
    for i, ad in enumerate(agents_data):
        inp.at("model", "agents", i)
        key = (ad["tenant"], ad["id"])
        agent = m.agents.get(key)
        if agent is None:
            cd = ad.get("config")
            if cd is None:
                raise inp.fail(f"agent {key[1]!r} of tenant {key[0]!r} is not in the configuration")
            cfg = AgentConfig(
                employee_id=key[1],
                tenant=key[0],
                name=cd["name"],
                logins={str(k): str(v) for k, v in cd["logins"].items()},
                skills={str(k): _int(v) for k, v in cd["skills"].items()},
            )
            agent = AgentState(ref=ObjectRef(key[0], ObjectType.Agent, key[1]), cfg=cfg)
            m.agents[key] = agent
            for switch, code in cfg.logins.items():
                m.agent_by_login[(switch, code)] = agent
        agents.append(agent)
    # -- DNs and staging areas -----------------------------------------------
    for i, dd in enumerate(_get(d, "dns", list)):
        inp.at("model", "dns", i)
        dn = m.dns_by_id.get(dd["id"])
        if dn is None:
            raise inp.fail(f"DN {dd['id']!r} is not in the configuration")
        _device_in(inp, dn, dd)
        agent_key = dd["agent"]
        if agent_key is None:
            dn.agent = None
        else:
            found = m.agents.get(_agent_key(agent_key))
            if found is None:
                raise inp.fail(f"agent {agent_key!r} is not in the snapshot's agents")
            dn.agent = found
        dn.mode = dd["mode"]
        dn.pending_acw = None if dd["pending_acw"] is None else _kv(dd["pending_acw"])
        dn.sticky = bool(dd["sticky"])
        legs: dict[str, Leg] = {}
        for ld in dd["legs"]:
            talk = ld["talk"]
            leg = Leg(
                conn_id=ld["conn_id"],
                state=ld["state"],
                call_type=ld["call_type"],
                talk=None if talk is None else _KINDS[talk],
                held=bool(ld["held"]),
                queue=ld["queue"],
            )
            legs[ld.get("key", leg.conn_id)] = leg
        dn.legs = legs
        dn.login_queue = dd["login_queue"]
        dn.acw_queue = dd["acw_queue"]
    for i, sd in enumerate(_get(d, "staging", list)):
        inp.at("model", "staging", i)
        area = m.staging.get((sd["tenant"], sd["name"]))
        if area is None:
            raise inp.fail(f"staging area {sd['name']!r} is not in the configuration")
        _device_in(inp, area, sd)
    # -- agents: skills, logins, partial states and their channels -----------
    for i, (agent, ad) in enumerate(zip(agents, agents_data, strict=True)):
        inp.at("model", "agents", i)
        agent.skills = {str(k): _int(v) for k, v in ad["skills"].items()}
        voice = []
        for dn_id in ad["voice_dns"]:
            dn = m.dns_by_id.get(dn_id)
            if dn is None:
                raise inp.fail(f"voice DN {dn_id!r} is not in the configuration")
            voice.append(dn)
        agent.voice_dns = voice
        agent.partials = {}
        for j, pd in enumerate(ad["partials"]):
            inp.at("model", "agents", i, "partials", j)
            place = m.places.get((agent.ref.tenant, pd["place"]))
            if place is None:
                raise inp.fail(f"place {pd['place']!r} is not in the configuration")
            link = pd["link"]
            if link not in m.links:
                raise inp.fail(f"link {link!r} is not in the configuration")
            partial = Partial(link=link, agent=agent, place=place)
            for k, cd in enumerate(pd["channels"]):
                inp.at("model", "agents", i, "partials", j, "channels", k)
                media = cd["media"]
                ch_media = cd.get("channel_media", media)
                ref = ObjectRef(
                    agent.ref.tenant,
                    ObjectType.MediaChannel,
                    f"{ch_media}|{agent.ref.id}|{place.cfg.name}|{link}",
                )
                channel = MediaChannel(
                    ref=ref,
                    link=link,
                    place=place,
                    media=ch_media,
                    agent_id=agent.ref.id,
                    capacity=_int(cd["capacity"]),
                    ready=bool(cd["ready"]),
                    interactions={str(x): str(s) for x, s in cd["interactions"]},
                    reasons=_kv(cd["reasons"]),
                )
                _device_in(inp, channel, cd)
                partial.channels[media] = channel
            agent.partials[link] = partial
        inp.at("model", "agents", i)
        agent.status = _STATUSES[ad["status"]]
        agent.since = _int(ad["since"])
    # -- places --------------------------------------------------------------
    places_data = _get(d, "places", list)
    places: list[PlaceState] = []
    for i, pd in enumerate(places_data):
        inp.at("model", "places", i)
        place = m.places.get((pd["tenant"], pd["name"]))
        if place is None:
            raise inp.fail(f"place {pd['name']!r} is not in the configuration")
        place.status = _STATUSES[pd["status"]]
        place.since = _int(pd["since"])
        at_place: list[AgentState] = []
        for key in pd["agents"]:
            agent = m.agents.get(_agent_key(key))
            if agent is None:
                raise inp.fail(f"agent {key!r} is not in the snapshot's agents")
            add_sorted(at_place, agent)
        place.agents = at_place
        channels: dict[tuple[str, str, str], MediaChannel] = {}
        for link, agent_id, media in pd["channels"]:
            owner = m.agents.get((place.ref.tenant, agent_id))
            part = owner.partials.get(link) if owner is not None else None
            ch_found = part.channels.get(media) if part is not None else None
            if ch_found is None:
                raise inp.fail(f"channel {media!r} of {agent_id!r} on {link!r} is unknown")
            channels[(link, agent_id, media)] = ch_found
        place.channels = channels
        places.append(place)
    # -- the actions that define statuses (every device is known now) --------
    for i, dd in enumerate(d["dns"]):
        inp.at("model", "dns", i, "status_action")
        dn = m.dns_by_id[dd["id"]]
        dn.status_action = inp.locate(dd["status_action"])
    for i, sd in enumerate(d["staging"]):
        inp.at("model", "staging", i, "status_action")
        m.staging[(sd["tenant"], sd["name"])].status_action = inp.locate(sd["status_action"])
    for i, (agent, ad) in enumerate(zip(agents, agents_data, strict=True)):
        for j, pd in enumerate(ad["partials"]):
            partial = agent.partials[pd["link"]]
            for k, cd in enumerate(pd["channels"]):
                inp.at("model", "agents", i, "partials", j, "channels", k, "status_action")
                partial.channels[cd["media"]].status_action = inp.locate(cd["status_action"])
        inp.at("model", "agents", i, "status_action")
        agent.status_action = inp.locate(ad["status_action"])
    for i, (place, pd) in enumerate(zip(places, places_data, strict=True)):
        inp.at("model", "places", i, "status_action")
        place.status_action = inp.locate(pd["status_action"])
    # -- groups: memberships change live (virtual groups, config events) ------
    for agent in m.agents.values():
        agent.groups = []
    for place in m.places.values():
        place.groups = []
    saved: dict[ObjectRef, list[Any]] = {}
    for i, gd in enumerate(_get(d, "groups", list)):
        inp.at("model", "groups", i)
        ref = inp.ref(gd["ref"])
        if ref not in m.groups:
            raise inp.fail(f"group {ref} is not in the configuration")
        listed: list[Any] = []
        for r in gd["members"]:
            mref = inp.ref(r)
            if mref.type is ObjectType.Agent:
                member: Any = m.agents.get((mref.tenant, mref.id))
            else:
                member = m.places.get((mref.tenant, mref.id))
            if member is None:
                raise inp.fail(f"member {mref} is not in the snapshot's agents or places")
            listed.append(member)
        saved[ref] = listed
    alive = {id(a) for a in m.agents.values()} | {id(p) for p in m.places.values()}
    for ref, group in m.groups.items():
        members = saved.get(ref)
        if members is None:  # a group new in the configuration: its config members
            members = sorted((x for x in group.members if id(x) in alive), key=lambda x: x.ref)
        group.members = set()
        group.counts = {}
        for member in members:
            group.add(member)
            if isinstance(member, AgentState):
                add_sorted(member.groups, group)
            else:
                member.groups.append(group)
    # -- calls, interactions, stuck-call deadlines ---------------------------
    m.calls = {}
    for i, cd in enumerate(_get(d, "calls", list)):
        inp.at("model", "calls", i)
        m.calls[(cd["switch"], cd["conn"])] = Call(
            conn_id=cd.get("conn_id", cd["conn"]),
            waiting_on=cd["waiting_on"],
            entered=_int(cd["entered"]),
            distributed_from=cd["distributed_from"],
            distributed_entered=_int(cd["distributed_entered"]),
            parties={str(p) for p in cd["parties"]},
            ani=cd["ani"],
            dnis=cd["dnis"],
            user_data=_kv(cd["user_data"]),
            treatment_started=_int(cd["treatment_started"]),
        )
    m.interactions = {}
    for i, idd in enumerate(_get(d, "interactions", list)):
        inp.at("model", "interactions", i)
        channels_of = []
        for r in idd["channels"]:
            dev = inp.devices.get(inp.ref(r))
            if not isinstance(dev, MediaChannel):
                raise inp.fail(f"channel {inp.ref(r)} is not in the agents' partial states")
            channels_of.append(dev)
        m.interactions[(idd["tenant"], idd["id"])] = Interaction(
            ixn_id=idd.get("ixn_id", idd["id"]),
            media=idd["media"],
            submitted=_int(idd["submitted"]),
            link=idd["link"],
            waiting_in=idd["waiting_in"],
            last_queue=idd["last_queue"],
            user_data=dict(idd["user_data"]),
            channels=channels_of,
        )
    if version == 1:
        deadlines = []
        saved_deadlines = _get(d, "deadlines", list)
        for i, (deadline, r, kind, conn, start) in enumerate(saved_deadlines):
            inp.at("model", "deadlines", i)
            dev = inp.devices.get(inp.ref(r))
            if dev is None:
                continue  # the device went away: the entry could only be stale
            deadlines.append((_int(deadline), i, dev, _KINDS[kind], str(conn), _int(start)))
        heapq.heapify(deadlines)
        m.deadlines = deadlines
        m._seq = itertools.count(len(saved_deadlines))  # after every saved sequence number
        return
    t = _Table(inp, _get(d, "deadlines", dict), "model", "deadlines")
    times = t.ints("time")
    refs = inp.refs
    device_of = [inp.devices.get(r) for r in refs]  # by ref row: few, met many times
    devices = list(map(device_of.__getitem__, t.index("device", len(refs))))
    kinds = t.names("kind", _KINDS)
    conns = t.strs("conn")
    starts = t.ints("start")
    n = len(times)
    heap = list(zip(times, range(n), devices, kinds, conns, starts, strict=True))
    if None in devices:  # a device went away: its entries could only be stale
        heap = [e for e in heap if e[2] is not None]
    heapq.heapify(heap)  # sorted: already a heap (unless edited)
    m.deadlines = heap
    m._seq = itertools.count(n)  # after every saved sequence number


# ==========================================================================
# The pool
# ==========================================================================
#
# Statistics, aggregates and subscriptions are many (tens of thousands), so
# version 2 writes them as tables of named columns (module docstring): quick
# to write and read whole, and still self-describing (a reader takes the
# columns it knows; a later version may add columns an older snapshot
# lacks). Version 1 wrote rows whose field names were given once, in
# ``pool.schemas`` (read by ``_pool_in_v1``).

#: The fields of each aggregate class that are plain integers (or None),
#: written as they are; the others are handled one by one below. A new slot
#: in an aggregate class makes :func:`snapshot_engine` refuse to run until it
#: is added here (:func:`_check_slots`), so no state is ever silently lost.
_ACTION_SCALARS = (
    "opened",
    "interval_start",
    "n",
    "cont_n",
    "adj_n",
    "t_clip",
    "adj_t",
    "done_n",
    "dmax",
    "dmin",
    "range_n",
    "range_t",
    "cur_sum",
)
#: written as ``open`` rows, the ``ordered`` / ``distinct`` flags (the sorted
#: starts and the conn id counts are derived from the open items), ``counter``
#: and ``range``
_ACTION_OTHER = ("open", "starts", "conns", "counter", "time_range")
_STATUS_SCALARS = (
    "opened",
    "interval_start",
    "n",
    "cont_n",
    "closed",
    "adj_n",
    "adj_t",
    "dmax",
    "dmin",
    "range_n",
    "range_t",
    "cur_sum",
    "eff_sum",
)
#: ``seg_starts`` and ``sinces`` are derived from the open items (``ordered``)
_STATUS_OTHER = (
    "open",
    "tracked",
    "cont_since",
    "seg_starts",
    "sinces",
    "counter",
    "time_range",
    "mask",
    "filter",
)
_WINDOW_SCALARS = ("window", "step", "selection")
_WINDOW_ACTION_OTHER = ("log",)
_WINDOW_STATUS_OTHER = ("closed_log", "entries")
_COUNTER_FIELDS = ("start", "last", "area", "area2x2", "cmax", "cmin")

_AGG_CLASSES: dict[str, type] = {
    "action": ActionAggregate,
    "status": StatusAggregate,
    "window-action": WindowActionAggregate,
    "window-status": WindowStatusAggregate,
    "mask-view": MaskView,
    "action-view": ActionView,
}
_AGG_NAMES = {cls: name for name, cls in _AGG_CLASSES.items()}
#: the aggregate fields that may be None (the others are integers)
_NULLABLE_SCALARS = frozenset({"dmax", "dmin"})
_NULLABLE_SUMS = frozenset({"sum_dmax", "sum_dmin"})
#: a status's running sums in :class:`StatusCounters` (per status, shared)
_SUMS_FIELDS = ("n", "closed", "adj_n", "adj_t", "count", "eff_sum", "cur_sum")
#: :class:`StatusCounters`: ``members`` and ``sums`` are written as rows
_STATUS_COUNTERS_FIELDS = ("opened", "interval_start", "members", "sums")
#: an action kind's running sums in :class:`ActionSums` (per kind, shared)
_KIND_SUMS_FIELDS = ("n", "adj_n", "t_clip", "adj_t", "done_n", "dmax", "dmin", "count", "cur_sum")
#: :class:`ActionSums`: ``open`` and ``sums`` are written as rows
_ACTION_SUMS_FIELDS = ("opened", "interval_start", "open", "sums")
#: :class:`MaskView` and :class:`ActionView`: ``selected`` is derived from the mask
_VIEW_FIELDS = ("counters", "mask", "selected")
_VIEWS = (MaskView, ActionView)
_COUNTER_COLUMNS = tuple(f"counter_{name}" for name in _COUNTER_FIELDS)
_SUMS_COLUMNS = tuple(f"sum_{name}" for name in _SUMS_FIELDS)
_KIND_SUMS_COLUMNS = tuple(f"sum_{name}" for name in _KIND_SUMS_FIELDS)

#: The row layouts of version 1 (``pool.schemas`` of a v1 snapshot), frozen:
#: version 1 snapshots are read with them whatever the aggregate classes
#: become.
_V1_AGG_HEAD = ("role", "filtered", "counter", "range", "ordered")
_V1_ACTION = (
    *_V1_AGG_HEAD,
    "distinct",
    *("opened", "interval_start", "n", "cont_n", "adj_n", "t_clip", "adj_t", "done_n"),
    *("dmax", "dmin", "range_n", "range_t", "cur_sum"),
    "open",
)
_V1_STATUS = (
    *_V1_AGG_HEAD,
    "mask",
    "filter",
    *("opened", "interval_start", "n", "cont_n", "closed", "adj_n", "adj_t"),
    *("dmax", "dmin", "range_n", "range_t", "cur_sum", "eff_sum"),
    "open",
    "tracked",
    "cont_since",
)
_V1_SCHEMAS: dict[str, tuple[str, ...]] = {
    "statistic": (
        "object",
        "type",
        "profile",
        "range",
        "range2",
        "filter",
        "opened",
        "next_reset",
        "last_requested",
        "valid",
        "aggregates",
    ),
    "subscription": (
        "subscriber",
        "ref_id",
        "stat",
        "settings",
        "stat_type",
        "last_value",
        "next_send",
    ),
    "action": _V1_ACTION,
    "status": _V1_STATUS,
    "window-action": (*_V1_ACTION, "window", "step", "selection", "log"),
    "window-status": (*_V1_STATUS, "window", "step", "selection", "closed_log", "entries"),
}
_INTS = frozenset({int, type(None)})


def _slots(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        names.update(getattr(klass, "__slots__", ()))
    return names


def _known_slots(cls: type) -> set[str]:
    if cls in _VIEWS:
        return set(_VIEW_FIELDS)
    if issubclass(cls, StatusAggregate):
        known = set(_STATUS_SCALARS) | set(_STATUS_OTHER)
        if cls is WindowStatusAggregate:
            known |= set(_WINDOW_SCALARS) | set(_WINDOW_STATUS_OTHER)
    else:
        known = set(_ACTION_SCALARS) | set(_ACTION_OTHER)
        if cls is WindowActionAggregate:
            known |= set(_WINDOW_SCALARS) | set(_WINDOW_ACTION_OTHER)
    return known


#: The fields of every class whose state a snapshot saves (or rebuilds from
#: the configuration and the definitions, or leaves empty: the pool's caches
#: ``_by_member_status``, ``_routes``, ``_next_resets`` and a shared sums'
#: ``watch`` are rebuilt on first use). A class that gains a field makes
#: :func:`snapshot_engine` (and :func:`restore_engine`, which builds
#: statistics, subscriptions and routing entries field by field) refuse to
#: run until the field is saved here and listed: no state is ever silently
#: lost. Checked once per process.
_KNOWN_FIELDS: dict[type, frozenset[str]] = {
    cls: frozenset(names.split())
    for cls, names in {
        Engine: "config settings strict _profile _model _now _fed _refused _late _n_actions "
        "_n_changes _stuck _pool _absorbed",
        Model: "config links link_up dns dns_by_id dns_by_switch places agents agent_by_login "
        "groups groups_by_skill groups_by_login virtual_groups queue_groups_of calls "
        "interactions staging stuck_limits deadlines _seq actions changes memberships now "
        "dirty_devices dirty_places dirty_agents monitoring_devices scope_changed",
        Device: "ref link monitored open status since status_action place",
        StagingArea: "ref link monitored open status since status_action place",
        DNState: "ref link monitored open status since status_action place cfg mediation agent "
        "mode pending_acw sticky legs login_queue acw_queue",
        MediaChannel: "ref link monitored open status since status_action place media agent_id "
        "capacity ready interactions reasons",
        Leg: "conn_id state call_type talk held queue",
        Partial: "link agent place channels",
        PlaceState: "ref cfg dns channels status since status_action agents groups",
        AgentState: "ref cfg skills voice_dns partials status since status_action groups",
        GroupState: "ref members counts expression origination_dns",
        Call: "conn_id waiting_on entered distributed_from distributed_entered parties ani dnis "
        "user_data treatment_started",
        Interaction: "ixn_id media submitted link waiting_in last_queue user_data channels",
        Pool: "model stat_types profiles time_ranges zones filters keep granularity stats "
        "subscriptions out _by_target _open_routes _by_member _by_member_status _by_group "
        "_static_targets "
        "_resets _periodic _ticking _next_tick _expiry _expiry_entry _dirty _filtered "
        "_since_login _validity_dirty _validity_objects _by_object _wide _seq _expired "
        "_counters _member_counters _group_counters _shared_of _target_sums _open_sum_routes "
        "_routes _next_resets share_sums _epoch",
        _Entry: "agg stat media filter",
        _Shared: "key counters stats watch media filter kinds",
        Statistic: "key object stat_type profile tz time_range time_range2 opened main rel extra "
        "formula terms state next_reset last_requested subscriptions changes_subscriptions "
        "time_varying valid",
        Term: "category owner main time_range",
        Subscription: "subscriber ref_id statistic settings stat_type last_value next_send",
        NotificationSettings: "mode insensitivity frequency",
        TimeProfile: "name kind spec resets zone window step count",
    }.items()
}
_checked = False


def check_fields() -> None:
    """Refuse to snapshot state this module does not know how to save.

    Raises:
        InternalError: a saved class has a field (or an aggregate a slot)
            missing from :data:`_KNOWN_FIELDS` / the aggregate field lists.
    """
    global _checked
    if _checked:
        return
    for cls, known in _KNOWN_FIELDS.items():
        fields = {f.name for f in attrs.fields(cls)}
        if fields != known:
            raise InternalError(
                f"{cls.__name__} fields changed (new: {sorted(fields - known)}, gone: "
                f"{sorted(known - fields)}): the snapshot would not save them; update "
                "statengine/core/snapshot.py (and its VERSION if the format changes)"
            )
    _check_slots()
    _checked = True


def _check_slots() -> None:
    """Refuse to snapshot an aggregate class with state this module does not know."""
    known = {cls: _known_slots(cls) for cls in _AGG_CLASSES.values()}
    known[CountTracker] = set(_COUNTER_FIELDS)
    known[StatusCounters] = set(_STATUS_COUNTERS_FIELDS)
    known[StatusSums] = set(_SUMS_FIELDS)
    known[ActionSums] = set(_ACTION_SUMS_FIELDS)
    known[KindSums] = set(_KIND_SUMS_FIELDS)
    for cls, names in known.items():
        slots = _slots(cls)
        if slots != names:
            raise InternalError(
                f"{cls.__name__} fields changed (new: {sorted(slots - names)}, gone: "
                f"{sorted(names - slots)}): the snapshot would not save them; update "
                "statengine/core/snapshot.py (and its VERSION if the format changes)"
            )


def _range_row(rng: Any) -> list[Any]:
    return [getattr(rng, "name", ""), rng.lower, rng.upper]


def _range_in(d: Any) -> TimeRange:
    name, lower, upper = d
    return TimeRange(name=str(name), lower=_int(lower), upper=_opt_int(upper))


class _PoolOut:
    """Tables shared by the statistics of a pool (definitions written once)."""

    def __init__(self, out: _Out, pool: Pool) -> None:
        self.out = out
        self.pool = pool
        self.types: list[dict[str, Any]] = []
        self.type_ids: dict[int, int] = {}
        self.profiles: list[dict[str, Any]] = []
        self.profile_ids: dict[int, int] = {}
        self.filters: list[dict[str, Any]] = []
        self.filter_ids: dict[int, int] = {}
        self.ranges: list[list[Any]] = []
        self.range_ids: dict[tuple[Any, ...], int] = {}
        self.masks: list[list[Any]] = []
        self.mask_ids: dict[int, int] = {}
        self.settings: list[list[Any]] = []
        self.settings_ids: dict[tuple[str, float, float], int] = {}
        self.media: list[list[str]] = []
        self.media_ids: dict[frozenset[str], int] = {}

    def stat_type(self, st: StatType) -> int:
        i = self.type_ids.get(id(st))
        if i is None:
            configured = self.pool.stat_types.get(st.name)
            i = self.type_ids[id(st)] = len(self.types)
            self.types.append(
                {
                    "definition": st.to_definition(),
                    "configured": configured is st or configured == st,
                }
            )
        return i

    def profile(self, p: TimeProfile) -> int:
        i = self.profile_ids.get(id(p))
        if i is None:
            i = self.profile_ids[id(p)] = len(self.profiles)
            self.profiles.append(
                {
                    "name": p.name,
                    "kind": p.kind.name,
                    "spec": p.spec,
                    "resets": list(p.resets),
                    "zone": p.zone,
                    "window": p.window,
                    "step": p.step,
                    "count": p.count,
                }
            )
        return i

    def filter(self, f: Filter | None) -> int | None:
        if f is None:
            return None
        i = self.filter_ids.get(id(f))
        if i is None:
            i = self.filter_ids[id(f)] = len(self.filters)
            self.filters.append({"name": f.name, "text": f.text})
        return i

    def range(self, rng: Any) -> int | None:
        if rng is None:
            return None
        row = _range_row(rng)
        key = tuple(row)
        i = self.range_ids.get(key)
        if i is None:
            i = self.range_ids[key] = len(self.ranges)
            self.ranges.append(row)
        return i

    def mask(self, mask: Mask) -> int:
        i = self.mask_ids.get(id(mask))
        if i is None:
            i = self.mask_ids[id(mask)] = len(self.masks)
            self.masks.append([mask.text, mask.subject.value])
        return i

    def notify(self, s: NotificationSettings) -> int:
        key = (s.mode.name, s.insensitivity, s.frequency)
        i = self.settings_ids.get(key)
        if i is None:
            i = self.settings_ids[key] = len(self.settings)
            self.settings.append(list(key))
        return i

    def each(self, objects: list[Any], row: Callable[[Any], int | None]) -> list[Any]:
        """``row(x)`` for each of many objects, computed once per distinct
        object (they are few: definitions, masks, ranges...)."""
        if not objects:
            return objects
        first = objects[0]
        if all(map(operator.is_, objects, itertools.repeat(first))):  # all one object
            return [row(first)] * len(objects)
        ids = list(map(id, objects))
        distinct = dict(zip(ids, objects, strict=True))
        found = {k: row(x) for k, x in distinct.items()}
        return list(map(found.__getitem__, ids))

    def media_set(self, media: frozenset[str] | None) -> int | None:
        if media is None:
            return None
        i = self.media_ids.get(media)
        if i is None:
            i = self.media_ids[media] = len(self.media)
            self.media.append(sorted(media))
        return i


def _stat_filter(stat: Statistic, entries: Mapping[int, _Entry], pool: Pool) -> Filter | None:
    """The filter of a statistic: its routing entries hold it, or the shared
    sums it reads, or a status aggregate; a CurrentState statistic is not
    routed (its key holds the filter's text)."""
    for agg in stat.aggregates:
        if type(agg) in _VIEWS:
            shared = pool._shared_of.get(agg.counters)
            if shared is not None and shared.filter is not None:
                return shared.filter
            continue
        f = getattr(agg, "filter", None)
        if isinstance(f, Filter):
            return f
        entry = entries.get(id(agg))
        if entry is not None and entry.filter is not None:
            return entry.filter
    last = stat.key.definition[-1]
    if isinstance(last, str):  # a CurrentState statistic is not routed
        return parse_filter(last)
    return None


# -- writing the pool (version 2: columns) -------------------------------------
#
# Every table is a mapping of column name -> list, one value per row: a
# statistic, an aggregate, a subscription... Columns are built and read
# whole (attrgetter, zip, map: C loops), and msgpack writes a list of ints
# or strings much faster than as many small lists. A variable number of
# items per row (an aggregate's open items, tracked members...) is a count
# column plus flat columns holding every row's items one after the other.
# Objects that several others hold (an aggregate two statistics read, the
# per-status sums many statistics share, a routing entry in several
# indexes) are written once, by identity, and referred to by row number,
# so that a restore re-creates the sharing.


def _fields_getter(names: tuple[str, ...]) -> Callable[[list[Any]], tuple[list[Any], ...]]:
    """A function giving, for a list of objects, one list per field of
    ``names``: one ``attrgetter`` call an object (in C), transposed by
    ``zip`` (in C), instead of a Python loop per field."""
    getter = attrgetter(*names) if len(names) > 1 else (lambda o: (getattr(o, names[0]),))
    width = len(names)

    def fields(objs: list[Any]) -> tuple[list[Any], ...]:
        if not objs:
            return tuple([] for _ in range(width))
        return tuple(map(list, zip(*map(getter, objs), strict=True)))

    return fields


_STAT_SCALARS = ("opened", "next_reset", "last_requested", "valid")
_STAT_PARTS = _fields_getter(
    ("object", "main", "rel", "stat_type", "profile", "time_range", "time_range2")
)
_STAT_SCALAR_PARTS = _fields_getter(_STAT_SCALARS)
_SUB_PARTS = _fields_getter(
    ("subscriber", "ref_id", "statistic", "settings", "stat_type", "last_value", "next_send")
)
_ACTION_OTHERS = ("time_range", "starts", "conns", "counter", "open")
_ACTION_PARTS = _fields_getter((*_ACTION_SCALARS, *_ACTION_OTHERS))
_STATUS_OTHERS = ("time_range", "seg_starts", "mask", "filter", "counter", "open", "tracked")
_STATUS_PARTS = _fields_getter((*_STATUS_SCALARS, *_STATUS_OTHERS, "cont_since"))
_WINDOW_PARTS = _fields_getter(_WINDOW_SCALARS)
_COUNTER_PARTS = _fields_getter(_COUNTER_FIELDS)
_SUMS_PARTS = _fields_getter(_SUMS_FIELDS)
_KIND_SUMS_PARTS = _fields_getter(_KIND_SUMS_FIELDS)


_FIRST = operator.itemgetter(0)
_KEY_DEFINITION = attrgetter("key.definition")
_FILTER_OF_KEY = operator.itemgetter(-1)
_SEQ = operator.itemgetter(1)


def _kind_order(item: tuple[ActionKind, Any]) -> str:
    return item[0]._name_


def _kind_value(kind: ActionKind) -> Any:
    return kind._value_


_KIND_VALUE = _kind_value


def _shared_key(
    obj: ObjectRef,
    subject: Subject,
    canonical: Any,
    tz: Any,
    opened: int,
    epoch: int,
    action: bool,
    media: frozenset[str] | None,
    flt: Filter | None,
) -> tuple[Any, ...]:
    """The key ``Pool._counters`` finds shared sums by (``Pool._shared`` and
    ``Pool._action_sums``): object, subject, the profile's canonical form,
    zone, open time and the pool's epoch then; action sums add the media
    and filter their actions must match."""
    if action:
        return (
            obj,
            subject,
            canonical,
            tz,
            opened,
            epoch,
            media,
            None if flt is None else flt.canonical(),
        )
    return (obj, subject, canonical, tz, opened, epoch)


#: values a column may be written as repeated (immutable atoms)
_REPEATABLE = frozenset({type(None), bool, int, str})
#: the shortest column written as one repeated value
_MIN_REPEAT = 64


def _compact(cols: dict[str, Any]) -> dict[str, Any]:
    """Write each column whose values are all the same atom (an open time,
    a flag, a null...: a quarter of a large pool's cells) as
    ``{"repeat": value, "n": count}``: nothing to encode, decode or check but
    one value. ``last_value`` columns mix ints and floats (1 == 1.0) and are
    left as they are; the other columns hold one type each."""
    for name, col in cols.items():
        if (
            type(col) is list
            and len(col) >= _MIN_REPEAT
            and name != "last_value"
            and type(first := col[0]) in _REPEATABLE
            and all(map(operator.eq, col, itertools.repeat(first)))
        ):
            cols[name] = {"repeat": first, "n": len(col)}
    return cols


def _expand(col: Any) -> Any:
    """A column as a list, whichever way it was written (:func:`_compact`)."""
    if type(col) is dict:
        return [col["repeat"]] * col["n"]
    return col


def _present(values: Iterable[Any]) -> list[bool]:
    """``value is not None`` for each value (at C speed)."""
    return list(map(operator.is_not, values, itertools.repeat(None)))


def _counter_columns(counters: list[Any], cols: dict[str, list[Any]]) -> None:
    cols["counter"] = _present(counters)
    present = [c for c in counters if c is not None]
    cols.update(zip(_COUNTER_COLUMNS, _COUNTER_PARTS(present), strict=True))


def _action_columns(po: _PoolOut, aggs: list[Any], window: bool) -> dict[str, list[Any]]:
    out = po.out
    parts = _ACTION_PARTS(aggs)
    cols: dict[str, list[Any]] = dict(zip(_ACTION_SCALARS, parts, strict=False))
    ranges, starts, conns_of, counters, opens = parts[len(_ACTION_SCALARS) :]
    cols["range"] = po.each(ranges, po.range)
    cols["ordered"] = _present(starts)
    cols["distinct"] = _present(conns_of)
    _counter_columns(counters, cols)
    # -- open items
    cols["open_n"] = list(map(len, opens))
    keys = list(itertools.chain.from_iterable(opens))
    devices, kinds, conns = zip(*keys, strict=True) if keys else ((), (), ())
    cols["open_device"] = out.refs_of(devices)
    cols["open_kind"] = [kind._name_ for kind in kinds]
    cols["open_conn"] = list(conns)
    cols["open_start"] = list(itertools.chain.from_iterable(map(dict.values, opens)))
    if window:
        cols.update(zip(_WINDOW_SCALARS, _WINDOW_PARTS(aggs), strict=True))
        cols["log"] = [[list(e) for e in a.log] for a in aggs]
    return cols


def _status_columns(po: _PoolOut, aggs: list[Any], window: bool) -> dict[str, list[Any]]:
    out = po.out
    parts = _STATUS_PARTS(aggs)
    cols: dict[str, list[Any]] = dict(zip(_STATUS_SCALARS, parts, strict=False))
    ranges, seg_starts, masks, filters, counters, opens, tracked, conts = parts[
        len(_STATUS_SCALARS) :
    ]
    cols["range"] = po.each(ranges, po.range)
    cols["ordered"] = _present(seg_starts)
    cols["mask"] = po.each(masks, po.mask)
    cols["filter"] = po.each(filters, po.filter)
    _counter_columns(counters, cols)
    # -- open items
    cols["open_n"] = list(map(len, opens))
    cols["open_member"] = out.refs_of(list(itertools.chain.from_iterable(opens)))
    times = list(itertools.chain.from_iterable(map(dict.values, opens)))
    starts, sinces = zip(*times, strict=True) if times else ((), ())
    cols["open_start"], cols["open_since"] = list(starts), list(sinces)
    # -- tracked members (a set's order means nothing: each row's are sorted)
    counts = cols["tracked_n"] = list(map(len, tracked))
    ids = out.refs_of(list(itertools.chain.from_iterable(tracked)))
    if max(counts, default=0) > 1:
        flat: list[int] = []
        p = 0
        for k in counts:
            if k:
                q = p + k
                flat += sorted(ids[p:q]) if k > 1 else ids[p:q]
                p = q
        ids = flat
    cols["tracked"] = ids
    # -- continuous-number entries
    cols["cont_since_n"] = list(map(len, conts))
    cols["cont_since_member"] = out.refs_of(list(itertools.chain.from_iterable(conts)))
    cols["cont_since_t"] = list(itertools.chain.from_iterable(map(dict.values, conts)))
    if window:
        cols.update(zip(_WINDOW_SCALARS, _WINDOW_PARTS(aggs), strict=True))
        cols["closed_log"] = [[list(e) for e in a.closed_log] for a in aggs]
        cols["entries"] = [list(a.entries) for a in aggs]
    return cols


def _view_columns(
    po: _PoolOut, aggs: list[Any], counter_ids: dict[Any, int]
) -> dict[str, list[Any]]:
    return {
        "counters": [counter_ids[a.counters] for a in aggs],
        "mask": po.each([a.mask for a in aggs], po.mask),
    }


def _counters_columns(out: _Out, counters: list[StatusCounters]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {
        "opened": [c.opened for c in counters],
        "interval_start": [c.interval_start for c in counters],
    }
    sums = [c.sums for c in counters]
    cols["sums_n"] = list(map(len, sums))
    cols["sums_status"] = [s._name_ for s in itertools.chain.from_iterable(sums)]
    values = list(itertools.chain.from_iterable(map(dict.values, sums)))
    cols.update(zip(_SUMS_COLUMNS, _SUMS_PARTS(values), strict=True))
    members = [c.members for c in counters]
    cols["members_n"] = list(map(len, members))
    cols["member"] = out.refs_of(list(itertools.chain.from_iterable(members)))
    held = list(itertools.chain.from_iterable(map(dict.values, members)))
    cols["member_status"] = [e[1]._name_ for e in held]
    cols["member_start"] = [e[2] for e in held]
    cols["member_since"] = [e[3] for e in held]
    return cols


def _action_sums_columns(out: _Out, sums_of: list[ActionSums]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {
        "opened": [c.opened for c in sums_of],
        "interval_start": [c.interval_start for c in sums_of],
    }
    sums = [c.sums for c in sums_of]
    cols["sums_n"] = list(map(len, sums))
    cols["sums_kind"] = [k._name_ for k in itertools.chain.from_iterable(sums)]
    values = list(itertools.chain.from_iterable(map(dict.values, sums)))
    cols.update(zip(_KIND_SUMS_COLUMNS, _KIND_SUMS_PARTS(values), strict=True))
    opens = [c.open for c in sums_of]
    cols["open_n"] = list(map(len, opens))
    keys: list[Any] = list(itertools.chain.from_iterable(opens))
    held = list(itertools.chain.from_iterable(map(dict.values, opens)))
    # an open item's sums are its kind's: rebuilt from the kind on restore
    cols["open_device"] = out.refs_of([k[0] for k in keys])
    cols["open_kind"] = [k[1]._name_ for k in keys]
    cols["open_conn"] = [k[2] for k in keys]
    cols["open_start"] = [h[1] for h in held]
    return cols


def _flat_lists(
    lists: list[list[Any]], ids: Mapping[Any, int], partial: bool
) -> tuple[list[int], list[int]]:
    """(lengths, row numbers one list after the other) of lists of objects
    written once in a table; ``partial``: some are not in it (left out)."""
    flat = list(map(ids.get, itertools.chain.from_iterable(lists)))
    if None in flat:
        if not partial:
            raise InternalError("an index lists an object the pool does not hold")
        lists = [[x for x in lst if x in ids] for lst in lists]
        flat = list(map(ids.__getitem__, itertools.chain.from_iterable(lists)))
    return list(map(len, lists)), flat  # type: ignore[return-value]


def _pool_out(out: _Out, pool: Pool) -> dict[str, Any]:
    po = _PoolOut(out, pool)
    stats = list(pool.stats.values())
    n_stats = len(stats)
    stat_ids: dict[Statistic, int] = dict(zip(stats, range(n_stats), strict=True))
    (objects, mains, rels, types, profiles, ranges, ranges2) = _STAT_PARTS(stats)
    # -- every distinct aggregate once, in order of first use -----------------
    extras: dict[str, list[Any]] = {"stat": [], "role": [], "agg": []}
    for i, extra in [(i, s.extra) for i, s in enumerate(stats) if s.extra]:
        for role, agg in extra.items():
            extras["stat"].append(i)
            extras["role"].append(role)
            extras["agg"].append(agg)
    terms: dict[str, list[Any]] = {"stat": [], "agg": []}
    for i, held in [(i, s.terms) for i, s in enumerate(stats) if s.terms]:
        for term in held:
            terms["stat"].append(i)
            terms["agg"].append(term.main)
    distinct = dict.fromkeys(itertools.chain(mains, rels, extras["agg"], terms["agg"]))
    distinct.pop(None, None)
    aggs = list(distinct)
    agg_ids: dict[Any, int] = dict(zip(aggs, range(len(aggs)), strict=True))
    extras["agg"] = list(map(agg_ids.__getitem__, extras["agg"]))
    terms["agg"] = list(map(agg_ids.__getitem__, terms["agg"]))
    main_ids = list(map(agg_ids.__getitem__, mains))
    rel_ids = list(map(agg_ids.get, rels))
    # a statistic holding each aggregate (its routing entry's, unless shared)
    holder: list[int] = list(range(n_stats))
    if main_ids != holder[: len(main_ids)] or len(aggs) > n_stats:
        holder = [-1] * len(aggs)
        for i, a in itertools.chain(
            enumerate(main_ids),
            ((i, a) for i, a in enumerate(rel_ids) if a is not None),
            zip(extras["stat"], extras["agg"], strict=True),
            zip(terms["stat"], terms["agg"], strict=True),
        ):
            if holder[a] < 0:
                holder[a] = i
    stat_cols: dict[str, list[Any]] = {"object": out.refs_of(objects), "definition": []}
    stat_cols.update(zip(_STAT_SCALARS, _STAT_SCALAR_PARTS(stats), strict=True))
    stat_cols["main"] = main_ids
    stat_cols["rel"] = rel_ids
    # -- routing entries: each once, the indexes refer to them ---------------
    by_target = [sorted(kinds.items(), key=_kind_order) for kinds in pool._by_target.values()]
    lists = [lst for kinds in by_target for _, lst in kinds]
    n_target = len(lists)
    lists += pool._by_member.values()
    n_member = len(lists)
    lists += pool._by_group.values()
    n_group = len(lists)
    lists += pool._open_routes.values()
    flat = list(itertools.chain.from_iterable(lists))
    unique = list(dict.fromkeys(flat))
    agg_get, stat_get = agg_ids.get, stat_ids.get
    e_aggs: list[int | None] = []
    e_stats: list[int | None] = []
    e_filters: list[Filter | None] = []
    e_media: list[frozenset[str] | None] = []
    for e in unique:
        a = agg_get(e.agg)
        e_aggs.append(a)
        s = e.stat
        if a is not None and stats[holder[a]] is s:
            e_stats.append(holder[a])
        else:
            e_stats.append(stat_get(s))
        e_filters.append(e.filter)
        e_media.append(e.media)
    if None in e_aggs or None in e_stats:  # entries of statistics no longer in the pool
        live = [
            k
            for k, (a, s) in enumerate(zip(e_aggs, e_stats, strict=True))
            if a is not None and s is not None
        ]
        unique = [unique[k] for k in live]
        e_aggs = [e_aggs[k] for k in live]
        e_stats = [e_stats[k] for k in live]
        e_filters = [e_filters[k] for k in live]
        e_media = [e_media[k] for k in live]
        entry_ids = dict(zip(unique, range(len(unique)), strict=True))
        lists = [[e for e in lst if e in entry_ids] for lst in lists]
        flat = list(itertools.chain.from_iterable(lists))
    else:
        entry_ids = dict(zip(unique, range(len(unique)), strict=True))
    flat_ids = list(map(entry_ids.__getitem__, flat))
    counts = list(map(len, lists))
    bounds = list(itertools.accumulate(counts, initial=0))
    entries = {
        "agg": e_aggs,
        "stat": e_stats,
        "filter": po.each(e_filters, po.filter),
        "media": po.each(e_media, po.media_set),
    }
    # -- definitions: each statistic names one, written once ----------------
    # (its filter is in its key; the object is in its routing entries)
    filters: list[int | None] = [None] * n_stats
    lasts = list(map(_FILTER_OF_KEY, map(_KEY_DEFINITION, stats)))
    filtered: list[int] = []
    if any(map(operator.is_not, lasts, itertools.repeat(None))):
        filtered = [i for i, last in enumerate(lasts) if last is not None]
        by_agg = {id(e.agg): e for e in unique}
        for i in filtered:
            filters[i] = po.filter(_stat_filter(stats[i], by_agg, pool))
    keys = list(
        zip(
            map(id, types),
            map(id, profiles),
            map(id, ranges),
            map(id, ranges2),
            filters,
            strict=True,
        )
    )
    def_ids = {k: j for j, k in enumerate(dict.fromkeys(keys))}
    some = dict(zip(keys, range(n_stats), strict=True))  # a statistic of each
    definitions: dict[str, list[Any]] = {
        "type": [],
        "profile": [],
        "range": [],
        "range2": [],
        "filter": [],
    }
    for k in def_ids:
        i = some[k]
        definitions["type"].append(po.stat_type(types[i]))
        definitions["profile"].append(po.profile(profiles[i]))
        definitions["range"].append(po.range(ranges[i]))
        definitions["range2"].append(po.range(ranges2[i]))
        definitions["filter"].append(filters[i])
    stat_cols["definition"] = list(map(def_ids.__getitem__, keys))
    # -- aggregates: one table per class -------------------------------------
    classes = [type(a) for a in aggs]
    of_class: dict[type, list[Any]] = {c: [] for c in dict.fromkeys(classes)}
    for agg, cls in zip(aggs, classes, strict=True):
        of_class[cls].append(agg)
    unknown = [c.__name__ for c in of_class if c not in _AGG_NAMES]
    if unknown:
        raise InternalError(f"the snapshot does not know aggregates of class {unknown[0]}")
    names = sorted(_AGG_NAMES[c] for c in of_class)
    codes = {_AGG_CLASSES[name]: k for k, name in enumerate(names)}
    agg_table: dict[str, Any] = {"classes": names, "class": list(map(codes.__getitem__, classes))}
    # shared sums: per status (StatusCounters) or per action kind (ActionSums)
    shared = list(pool._counters.values())
    status_sums: list[StatusCounters] = list(
        dict.fromkeys(
            itertools.chain(
                (v.counters for v in of_class.get(MaskView, ())),
                (s.counters for s in shared if type(s.counters) is StatusCounters),
            )
        )
    )
    action_sums: list[ActionSums] = list(
        dict.fromkeys(
            itertools.chain(
                (v.counters for v in of_class.get(ActionView, ())),
                (s.counters for s in shared if type(s.counters) is ActionSums),
            )
        )
    )
    status_ids = dict(zip(status_sums, range(len(status_sums)), strict=True))
    action_ids = dict(zip(action_sums, range(len(action_sums)), strict=True))
    for name in names:
        cls = _AGG_CLASSES[name]
        members = of_class[cls]
        if cls is MaskView:
            agg_table[name] = _view_columns(po, members, status_ids)
        elif cls is ActionView:
            agg_table[name] = _view_columns(po, members, action_ids)
        elif issubclass(cls, StatusAggregate):
            agg_table[name] = _status_columns(po, members, cls is WindowStatusAggregate)
        else:
            agg_table[name] = _action_columns(po, members, cls is WindowActionAggregate)
    # -- shared sums and the statistics reading them ---------------------------
    shared_ids = dict(zip(shared, range(len(shared)), strict=True))
    stats_n, stats_flat = _flat_lists([s.stats for s in shared], stat_ids, True)
    kinds = [sorted(s.kinds, key=_KIND_VALUE) for s in shared]
    shared_cols = {
        "object": out.refs_of([s.key[0] for s in shared]),
        "subject": [s.key[1].value for s in shared],
        "opened": [s.key[4] for s in shared],
        "epoch": [s.key[5] for s in shared],
        "action": [type(s.counters) is ActionSums for s in shared],
        "counters": [
            action_ids[s.counters] if type(s.counters) is ActionSums else status_ids[s.counters]
            for s in shared
        ],
        "media": [po.media_set(s.media) for s in shared],
        "filter": [po.filter(s.filter) for s in shared],
        "kinds_n": list(map(len, kinds)),
        "kinds": [k._name_ for k in itertools.chain.from_iterable(kinds)],
        "stats_n": stats_n,
        "stats": stats_flat,
    }
    for sh in shared:  # the restore rebuilds the key from what is written
        action = type(sh.counters) is ActionSums
        k = sh.key
        if len(k) < 6 or k != _shared_key(
            k[0], k[1], k[2], k[3], k[4], k[5], action, sh.media, sh.filter
        ):
            raise InternalError(
                "the pool's shared sums changed (their key): update "
                "statengine/core/snapshot.py (and its VERSION if the format changes)"
            )
    # -- subscriptions -------------------------------------------------------
    subs = list(pool.subscriptions.values())
    subscribers, ref_ids, owners, settings, opened_as, last_values, next_sends = _SUB_PARTS(subs)
    if not _STR.issuperset(map(type, subscribers)):
        bad = next(s for s in subs if type(s.subscriber) is not str)
        raise SnapshotError(
            f"subscription ({bad.subscriber!r}, {bad.ref_id!r}): the subscriber must be a str"
        )
    # ref ids: a shape per subscription (-1: a str or int; k >= 0: a tuple
    # of k of them; -2: nested tuples, as lists) and their items one after
    # the other (flat lists are quick to write and read)
    if _ATOMS.issuperset(map(type, ref_ids)):
        id_shapes = [-1] * len(ref_ids)
    elif _TUPLE.issuperset(map(type, ref_ids)) and _ATOMS.issuperset(
        map(type, flat := list(itertools.chain.from_iterable(ref_ids)))
    ):
        id_shapes = list(map(len, ref_ids))
        ref_ids = flat
    else:
        id_shapes, items = [], []
        for sub, v in zip(subs, ref_ids, strict=True):
            if type(v) in _ATOMS:
                id_shapes.append(-1)
                items.append(v)
            elif type(v) is tuple and _ATOMS.issuperset(map(type, v)):
                id_shapes.append(len(v))
                items += v
            else:
                id_shapes.append(-2)
                items.append(_plain_id(v, f"subscription ({sub.subscriber!r}, {v!r})"))
        ref_ids = items
    if not _NUMBERS.issuperset(map(type, last_values)):
        last_values = [
            v
            if type(v) in _NUMBERS
            else out.value(v, f"subscription ({s.subscriber!r}, {s.ref_id!r})")
            for s, v in zip(subs, last_values, strict=True)
        ]
    # subscribers and string ref id items: a table of the distinct strings
    # and row numbers into it (a few clients, a few id schemes: written,
    # read and hashed once each)
    strings = dict.fromkeys(subscribers)
    text_ids = _STR.issuperset(map(type, ref_ids))
    if text_ids:
        strings.update(dict.fromkeys(ref_ids))
    text_rows = {text: row for row, text in enumerate(strings)}
    if text_ids:
        ref_ids = list(map(text_rows.__getitem__, ref_ids))
    sub_cols = {
        "subscriber": list(map(text_rows.__getitem__, subscribers)),
        "ref_id_n": id_shapes,
        "ref_id": ref_ids,
        "stat": list(map(stat_ids.__getitem__, owners)),
        "settings": po.each(settings, po.notify),
        # the name it was opened under, when not the statistic's own
        "stat_type": [
            None if name == s.stat_type.name else name
            for name, s in zip(opened_as, owners, strict=True)
        ],
        "last_value": last_values,
        "next_send": next_sends,
    }

    # -- indexes ---------------------------------------------------------------
    def flat_of(a: int, b: int) -> list[int]:
        return flat_ids[bounds[a] : bounds[b]]

    route_keys = list(pool._open_routes)
    since_n, since_stats = _flat_lists(list(pool._since_login.values()), stat_ids, True)
    mc_n, mc_shared = _flat_lists(list(pool._member_counters.values()), shared_ids, False)
    gc_n, gc_shared = _flat_lists(list(pool._group_counters.values()), shared_ids, False)
    sum_targets = [list(kinds.items()) for kinds in pool._target_sums.values()]
    ts_n, ts_shared = _flat_lists([lst for ks in sum_targets for _, lst in ks], shared_ids, False)
    sum_routes = list(pool._open_sum_routes)
    sr_n, sr_shared = _flat_lists(list(pool._open_sum_routes.values()), shared_ids, False)
    # the schedules: the live entries of each heap (it keeps stale ones until
    # they come up) as row numbers, in sequence-number order, which the
    # restore renumbers from 0 and makes a heap again (the output does not
    # depend on the heap's history); the due time is the statistic's next
    # reset or the subscription's next send
    get = stat_ids.get
    pending: list[tuple[int, int]] = [
        (seq, row)
        for at, seq, stat in pool._resets
        if stat.next_reset == at and (row := get(stat)) is not None
    ]
    pending.sort(key=_FIRST)
    resets = [row for _, row in pending]
    sub_ids: dict[Subscription, int] = {}
    if pool._periodic or pool._ticking:
        sub_ids = dict(zip(subs, range(len(subs)), strict=True))
    pending = [
        (seq, sub_ids[sub])
        for at, seq, sub in pool._periodic
        if sub in sub_ids and sub.next_send == at
    ]
    pending.sort(key=_FIRST)
    periodic = [row for _, row in pending]
    expiry: list[int] = []
    if pool._expiry:  # sorted by (last request, sequence number)
        key_ids = {id(s.key): i for i, s in enumerate(stats)}
        expiry = [key_ids[id(key)] for _, _, key in pool._expiry if id(key) in key_ids]
    result: dict[str, Any] = {
        "keep": pool.keep,
        "granularity": pool.granularity,
        "share_sums": pool.share_sums,
        "epoch": pool._epoch,
        "expired": pool._expired,
        "next_tick": pool._next_tick,
        "validity_dirty": pool._validity_dirty or bool(pool._validity_objects),
        "stat_types": po.types,
        "profiles": po.profiles,
        "filters": po.filters,
        "ranges": po.ranges,
        "masks": po.masks,
        "settings": po.settings,
        "media": po.media,
        "definitions": definitions,
        "statistics": stat_cols,
        "extras": extras,
        "terms": terms,
        "aggregates": agg_table,
        "counters": _counters_columns(out, status_sums),
        "action_sums": _action_sums_columns(out, action_sums),
        "shared": shared_cols,
        "entries": entries,
        "subscriptions": sub_cols,
        "texts": {"strings": list(strings), "ref_ids": text_ids},
        # a target's kinds come from iterating a mask (a frozenset): their order
        # means nothing, and is written sorted so that the output is canonical
        "by_target": {
            "target": out.refs_of(list(pool._by_target)),
            "kinds": [len(kinds) for kinds in by_target],
            "kind": [kind._name_ for kinds in by_target for kind, _ in kinds],
            "n": counts[:n_target],
            "entries": flat_of(0, n_target),
        },
        "by_member": {
            "member": out.refs_of(list(pool._by_member)),
            "n": counts[n_target:n_member],
            "entries": flat_of(n_target, n_member),
        },
        "by_group": {
            "group": out.refs_of(list(pool._by_group)),
            "n": counts[n_member:n_group],
            "entries": flat_of(n_member, n_group),
        },
        "open_routes": {
            "device": out.refs_of([k[0] for k in route_keys]),
            "kind": [k[1]._name_ for k in route_keys],
            "conn": [k[2] for k in route_keys],
            "n": counts[n_group:],
            "entries": flat_of(n_group, len(lists)),
        },
        "member_counters": {
            "member": out.refs_of(list(pool._member_counters)),
            "n": mc_n,
            "shared": mc_shared,
        },
        "group_counters": {
            "group": out.refs_of(list(pool._group_counters)),
            "n": gc_n,
            "shared": gc_shared,
        },
        # kinds in the order they were routed (a fixed order, not a set's)
        "target_sums": {
            "target": out.refs_of(list(pool._target_sums)),
            "kinds": list(map(len, sum_targets)),
            "kind": [kind._name_ for ks in sum_targets for kind, _ in ks],
            "n": ts_n,
            "shared": ts_shared,
        },
        "open_sum_routes": {
            "device": out.refs_of([k[0] for k in sum_routes]),
            "kind": [k[1]._name_ for k in sum_routes],
            "conn": [k[2] for k in sum_routes],
            "n": sr_n,
            "shared": sr_shared,
        },
        "since_login": {
            "agent": out.refs_of(list(pool._since_login)),
            "n": since_n,
            "stats": since_stats,
        },
        "filtered": sorted(out.refs_of(list(pool._filtered))),
        "resets": resets,
        "periodic": periodic,
        "ticking": [sub_ids[s] for s in pool._ticking if s in sub_ids],
        "expiry": expiry,
        "dirty": [stat_ids[s] for s in pool._dirty if s in stat_ids],
    }
    for name, table in result.items():  # the tables of columns (read by _Table)
        if type(table) is dict and name != "texts":
            _compact(table)
            if name == "aggregates":
                for columns in table.values():
                    if type(columns) is dict:
                        _compact(columns)
    return result


# -- restoring the pool --------------------------------------------------------


@attrs.define
class _Plan:
    """What restoring the pool decided, carried to the gap and the report."""

    statistics: int = 0
    dropped: int = 0
    restarted: list[_Restart] = attrs.field(factory=list)
    subscriptions: int = 0
    subscriptions_dropped: int = 0
    n_reset: int = 0
    warnings: list[str] = attrs.field(factory=list)

    def report(
        self,
        clock: int | None,
        at: int | None,
        lost: tuple[str, ...],
        result: FeedResult | None,
    ) -> RestoreReport:
        return RestoreReport(
            snapshot_time=clock,
            restored_at=at,
            gap_ms=(at - clock) if at is not None and clock is not None else 0,
            links_lost=lost,
            statistics=self.statistics,
            statistics_reset=self.n_reset,
            statistics_restarted=len(self.restarted),
            statistics_dropped=self.dropped,
            subscriptions=self.subscriptions,
            subscriptions_dropped=self.subscriptions_dropped,
            warnings=tuple(self.warnings),
            result=result,
        )


@attrs.define
class _Definition:
    """A statistic's definition, as saved or as the configuration now says."""

    st: StatType
    prof: TimeProfile
    rng: TimeRange | None
    rng2: TimeRange | None
    flt: Filter | None
    #: how to reopen it by name (None: pass the StatType itself)
    type_name: str | None = None


@attrs.define
class _Resolved:
    """Everything the statistics sharing one saved definition share."""

    current: _Definition
    #: ``StatKey.definition``; None when the definition changed (restart)
    key: tuple[Any, ...] | None
    time_varying: bool
    #: a Formula or CurrentState statistic (more than its aggregates to rebuild)
    derived: bool
    #: a CurrentState statistic (always valid: not in the validity index)
    state: bool = False
    zones: dict[str, Any] = attrs.field(factory=dict)


@attrs.define
class _Restart:
    """A statistic whose definition changed: reopened at the restore time."""

    obj: ObjectRef
    definition: _Definition
    subscriptions: list[dict[str, Any]] = attrs.field(factory=list)


def _types_in(inp: _In, rows: list[Any]) -> list[tuple[StatType, bool]]:
    types = []
    for i, row in enumerate(rows):
        inp.at("pool", "stat_types", i)
        try:
            st = StatType.from_definition(row["definition"], source="<snapshot>")
        except ConfigError as exc:
            raise inp.fail(f"bad stat type definition: {exc}") from exc
        types.append((st, bool(row["configured"])))
    return types


def _profiles_in(inp: _In, rows: list[Any]) -> list[TimeProfile]:
    profiles = []
    for i, row in enumerate(rows):
        inp.at("pool", "profiles", i)
        profiles.append(
            TimeProfile(
                name=str(row["name"]),
                kind=ProfileKind.__members__[row["kind"]],
                spec=str(row["spec"]),
                resets=tuple(_int(r) for r in row["resets"]),
                zone=row["zone"],
                window=_int(row["window"]),
                step=_int(row["step"]),
                count=_int(row["count"]),
            )
        )
    return profiles


def _filters_in(inp: _In, rows: list[Any]) -> list[Filter]:
    filters = []
    for i, row in enumerate(rows):
        inp.at("pool", "filters", i)
        try:
            filters.append(parse_filter(row["text"], name=str(row["name"])))
        except ConfigError as exc:
            raise inp.fail(f"bad filter: {exc}") from exc
    return filters


def _current(pool: Pool, saved: _Definition, configured: bool, plan: _Plan) -> _Definition:
    """The definition the configuration gives the same names now."""

    def warn(text: str) -> None:
        if text not in plan.warnings:
            plan.warnings.append(text)

    st, type_name = saved.st, None
    if configured:
        found = pool.stat_types.get(saved.st.name)
        if found is None:
            warn(f"stat type {saved.st.name!r} is no longer configured: kept as saved")
        else:
            st, type_name = found, found.name
    prof = pool.profiles.get(saved.prof.name)
    if prof is None:
        warn(f"time profile {saved.prof.name!r} is no longer configured: kept as saved")
        prof = saved.prof

    def rng_now(rng: TimeRange | None) -> TimeRange | None:
        if rng is None:
            return None
        found = pool.time_ranges.get(rng.name)
        if found is None and rng.name == "Default":
            found = DEFAULT_TIME_RANGE
        if found is None:
            warn(f"time range {rng.name!r} is no longer configured: kept as saved")
            return rng
        return found

    flt = saved.flt
    if flt is not None and flt.name:
        found_f = pool.filters.get(flt.name)
        if found_f is None:
            warn(f"filter {flt.name!r} is no longer configured: kept as saved")
        else:
            flt = found_f
    return _Definition(
        st=st,
        prof=prof,
        rng=rng_now(saved.rng),
        rng2=rng_now(saved.rng2),
        flt=flt,
        type_name=type_name,
    )


def _layout(
    inp: _In, schemas: Mapping[str, Any], name: str
) -> Callable[[list[Any]], list[Any]] | None:
    """How to read the rows of one table: None when the snapshot's field order
    is this version's (rows are read as they are), else a function putting a
    row's fields in this version's order. Fields this version does not know
    are ignored; one it needs and does not find is an error."""
    inp.at("pool", "schemas", name)
    fields = schemas[name]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise TypeError("expected a list of field names")
    ours = _V1_SCHEMAS[name]
    if tuple(fields) == ours:
        return None
    missing = [f for f in ours if f not in fields]
    if missing:
        raise ValueError(f"fields {missing} are missing")
    get = itemgetter(*(fields.index(f) for f in ours))
    n = len(fields)

    def reorder(row: list[Any]) -> list[Any]:
        if len(row) != n:
            raise ValueError(f"expected a row of {n} fields, found {len(row)}")
        return list(get(row))

    return reorder


class _PoolIn:
    """Reads the rows of the pool tables."""

    def __init__(self, inp: _In, d: Mapping[str, Any]) -> None:
        self.inp = inp
        self.refs: dict[int, ObjectRef] = dict(enumerate(inp.refs))
        inp.at("pool", "masks")
        self.masks = [Mask.parse(text, Subject(subject)) for text, subject in d["masks"]]
        inp.at("pool", "ranges")
        self.ranges = [_range_in(r) for r in _get(d, "ranges", list)]
        schemas = _get(d, "schemas", dict)
        self.layouts = {name: _layout(inp, schemas, name) for name in _V1_SCHEMAS}
        self.lengths = {name: len(fields) for name, fields in _V1_SCHEMAS.items()}
        #: aggregate class name -> (class, reorder or None, row length with the name)
        self.kinds = {
            name: (cls, self.layouts[name], self.lengths[name] + 1)
            for name, cls in _AGG_CLASSES.items()
            if name in _V1_SCHEMAS
        }

    def row(self, name: str, row: Any) -> list[Any]:
        """A statistic or subscription row, in this version's field order."""
        reorder = self.layouts[name]
        if reorder is not None:
            return reorder(row)
        if type(row) is not list or len(row) != self.lengths[name]:
            raise ValueError(
                f"expected a row of the {list(_V1_SCHEMAS[name])} fields, found {row!r}"
            )
        return row

    def aggregate(self, row: Any, flt: Filter | None) -> Any:
        name = row[0]
        cls, reorder, length = self.kinds[name]
        if reorder is not None:
            row = [name, *reorder(row[1:])]
        elif len(row) != length:
            raise ValueError(
                f"expected a row of the {list(_V1_SCHEMAS[name])} fields, found {row!r}"
            )
        agg: Any = object.__new__(cls)
        refs = self.refs
        counter = row[3]
        if counter is None:
            agg.counter = None
        else:
            if len(counter) != 6 or not _INT.issuperset(map(type, counter)):
                raise ValueError(f"counter: expected 6 integers, found {counter!r}")
            tracker = agg.counter = object.__new__(CountTracker)
            (
                tracker.start,
                tracker.last,
                tracker.area,
                tracker.area2x2,
                tracker.cmax,
                tracker.cmin,
            ) = counter
        agg.time_range = None if row[4] is None else self.ranges[row[4]]
        if cls is ActionAggregate or cls is WindowActionAggregate:
            scalars = row[7:20]
            if not _INTS.issuperset(map(type, scalars)):
                raise TypeError(f"expected integers for {_ACTION_SCALARS}, found {scalars}")
            (
                agg.opened,
                agg.interval_start,
                agg.n,
                agg.cont_n,
                agg.adj_n,
                agg.t_clip,
                agg.adj_t,
                agg.done_n,
                agg.dmax,
                agg.dmin,
                agg.range_n,
                agg.range_t,
                agg.cur_sum,
            ) = scalars
            if row[20]:
                kinds = _KINDS
                opened = agg.open = {(refs[r], kinds[k], c): s for r, k, c, s in row[20]}
                if not _INT.issuperset(map(type, opened.values())):
                    raise TypeError("open: expected integer start times")
                if not _STR.issuperset(type(k[2]) for k in opened):
                    raise TypeError("open: expected string conn ids")
            else:
                opened = agg.open = {}
            agg.starts = SortedList(opened.values()) if row[5] else None
            if row[6]:
                conns: dict[str, int] = {}
                for key in opened:
                    conns[key[2]] = conns.get(key[2], 0) + 1
                agg.conns = conns
            else:
                agg.conns = None
            if cls is WindowActionAggregate:
                window = row[21:24]
                if not _INT.issuperset(map(type, window)):
                    raise TypeError(f"expected integers for {_WINDOW_SCALARS}, found {window}")
                agg.window, agg.step, agg.selection = window
                agg.log = deque([tuple(e) for e in row[24]], agg.selection or None)
        else:
            agg.mask = self.masks[row[6]]
            agg.filter = None if row[7] is None else flt
            scalars = row[8:21]
            if not _INTS.issuperset(map(type, scalars)):
                raise TypeError(f"expected integers for {_STATUS_SCALARS}, found {scalars}")
            (
                agg.opened,
                agg.interval_start,
                agg.n,
                agg.cont_n,
                agg.closed,
                agg.adj_n,
                agg.adj_t,
                agg.dmax,
                agg.dmin,
                agg.range_n,
                agg.range_t,
                agg.cur_sum,
                agg.eff_sum,
            ) = scalars
            opened = agg.open = {refs[k]: (s, since) for k, s, since in row[21]}
            if opened and not _INT.issuperset(type(v) for pair in opened.values() for v in pair):
                raise TypeError("open: expected integer times")
            agg.tracked = {refs[k] for k in row[22]}
            cont = agg.cont_since = {refs[k]: t for k, t in row[23]}
            if cont and not _INT.issuperset(map(type, cont.values())):
                raise TypeError("cont_since: expected integer times")
            if row[5]:
                start = agg.interval_start
                agg.seg_starts = SortedList([max(s, start) for s, _ in opened.values()])
                agg.sinces = SortedList([since for _, since in opened.values()])
            else:
                agg.seg_starts = agg.sinces = None
            if cls is WindowStatusAggregate:
                window = row[24:27]
                if not _INT.issuperset(map(type, window)):
                    raise TypeError(f"expected integers for {_WINDOW_SCALARS}, found {window}")
                agg.window, agg.step, agg.selection = window
                maxlen = agg.selection or None
                agg.closed_log = deque([(_int(a), _int(b)) for a, b in row[27]], maxlen)
                agg.entries = deque([_int(x) for x in row[28]])
        return agg


_INT = frozenset({int})
_STR = frozenset({str})
NONE = type(None)
_STRS = frozenset({str, NONE})
_BOOL = frozenset({bool})
_LIST = frozenset({list})
#: what a subscription's last value is, unless a state tree
_NUMBERS = frozenset({int, float, NONE})
#: window log items: tag -> length
_LOG_TAGS = {"s": 2, "e": 3, "i": 4}


def _indexes(ids: Any, n: int) -> list[int]:
    """A list of row numbers, each in ``range(n)`` (checked in bulk)."""
    if type(ids) is not list:
        raise TypeError(f"expected a list of row numbers, found {_kind(ids)}")
    if ids and (not _INT.issuperset(map(type, ids)) or min(ids) < 0 or max(ids) >= n):
        raise IndexError(f"row numbers must be integers in 0..{n - 1}: {ids!r}")
    return ids


def _pool_head_in(
    inp: _In, pool: Pool, d: Mapping[str, Any]
) -> tuple[list[tuple[StatType, bool]], list[TimeProfile], list[Filter]]:
    """The pool's settings and definition tables, alike in both versions."""
    inp.at("pool")
    pool.keep = _int(d["keep"])
    pool.granularity = _int(d["granularity"])
    pool._expired = _int(d["expired"])
    pool._next_tick = _opt_int(d["next_tick"])
    pool._validity_dirty = bool(d["validity_dirty"])
    types = _types_in(inp, _get(d, "stat_types", list))
    profiles = _profiles_in(inp, _get(d, "profiles", list))
    filters = _filters_in(inp, _get(d, "filters", list))
    return types, profiles, filters


def _pool_in_v1(
    inp: _In,
    engine: Engine,
    d: Mapping[str, Any],
    *,
    keep: bool,
    clock: int | None,
    now: int | None,
) -> _Plan:
    pool = engine._pool
    plan = _Plan()
    types, profiles, filters = _pool_head_in(inp, pool, d)
    reader = _PoolIn(inp, d)
    ranges = reader.ranges
    refs = reader.refs
    inp.at("pool", "settings")
    settings_table = [
        NotificationSettings(mode=NotifyMode.__members__[m], insensitivity=i, frequency=f)
        for m, i, f in _get(d, "settings", list)
    ]
    subs_rows = []
    path = inp.path = ["pool", "subscriptions", 0]
    sub_row = reader.row
    for j, row in enumerate(_get(d, "subscriptions", list)):
        path[2] = j
        sd = sub_row("subscription", row)
        if type(sd[2]) is not int or type(sd[6]) is not int or type(sd[4]) not in (str, NONE):
            raise TypeError("stat, next_send: expected integers; stat_type: a string or null")
        subs_rows.append(sd)
    n_stats = len(_get(d, "statistics", list))
    inp.at("pool", "subscriptions")
    subscribed = set(_indexes([sd[2] for sd in subs_rows], n_stats))
    at = now if now is not None else clock
    stats: list[Statistic | None] = []
    restarts: dict[int, _Restart] = {}
    #: one per saved aggregate: (aggregate, statistic, filter of its entry) or None
    aggs: list[tuple[Any, Statistic, Filter | None] | None] = []
    resolved: dict[tuple[Any, ...], _Resolved] = {}
    keep_ms = pool.keep
    stat_table = pool.stats
    path = inp.path = ["pool", "statistics", 0]
    stat_reorder = reader.layouts["statistic"]
    stat_length = reader.lengths["statistic"]
    aggregate = reader.aggregate
    for i, row in enumerate(_get(d, "statistics", list)):
        path[2] = i
        if stat_reorder is not None:
            row = stat_reorder(row)
        elif type(row) is not list or len(row) != stat_length:
            raise ValueError(f"expected a row of the {list(_V1_SCHEMAS['statistic'])} fields")
        (
            obj_i,
            type_i,
            profile_i,
            range_i,
            range2_i,
            filter_i,
            opened,
            next_reset,
            last,
            valid,
            rows,
        ) = row
        obj = refs[obj_i]
        if type(rows) is not list:
            raise TypeError("aggregates: expected a list")
        if not _INTS.issuperset((type(opened), type(next_reset), type(last))) or (
            opened is None or last is None
        ):
            raise TypeError("opened, next_reset, last_requested: expected integers")
        if not keep and clock is not None and i in subscribed and last < clock:
            last = clock  # its subscriptions end when the snapshot was taken
        has_subs = keep and i in subscribed
        if not has_subs and at is not None and last + keep_ms < at:
            plan.dropped += 1  # its keep period passed in the gap
            pool._expired += 1
            stats.append(None)
            aggs.extend(None for _ in rows)
            continue
        memo = (type_i, profile_i, range_i, range2_i, filter_i)
        res = resolved.get(memo)
        if res is None:
            st, configured = types[type_i]
            saved = _Definition(
                st=st,
                prof=profiles[profile_i],
                rng=None if range_i is None else ranges[range_i],
                rng2=None if range2_i is None else ranges[range2_i],
                flt=None if filter_i is None else filters[filter_i],
            )
            current = _current(pool, saved, configured, plan)
            key = key_definition(saved.st, saved.prof, saved.rng, saved.rng2, saved.flt)
            now_key = key_definition(
                current.st, current.prof, current.rng, current.rng2, current.flt
            )
            cst = current.st
            res = resolved[memo] = _Resolved(
                current=current,
                key=_HashedTuple(key) if now_key == key else None,
                time_varying=time_varying(cst.category, cst.subject),
                derived=cst.category in _DERIVED_CATEGORIES,
            )
        current = res.current
        if res.key is None:
            restarts[i] = _Restart(obj=obj, definition=current)
            if not has_subs:
                plan.dropped += 1
            stats.append(None)
            aggs.extend(None for _ in rows)
            continue
        tz = res.zones.get(obj.tenant)
        if tz is None:
            try:
                tz = res.zones[obj.tenant] = pool._zone(current.prof, obj)
            except LocalProtocolError as exc:
                raise inp.fail(str(exc)) from exc
        stat = Statistic(
            key=StatKey(object=obj, definition=res.key),
            object=obj,
            stat_type=current.st,
            profile=current.prof,
            tz=tz,
            time_range=current.rng,
            time_range2=current.rng2,
            opened=opened,
            main=None,
            next_reset=next_reset,
            last_requested=last,
            time_varying=res.time_varying,
            valid=bool(valid),
        )
        terms: list[tuple[int, Any]] = []
        flt = current.flt
        k = 0
        try:
            for k, agg_row in enumerate(rows):  # noqa: B007 - k names the failing row
                agg = aggregate(agg_row, flt)
                role = agg_row[1]
                if role == "main":
                    stat.main = agg
                elif role == "rel":
                    stat.rel = agg
                elif role.startswith("extra:"):
                    stat.extra[role[6:]] = agg
                elif role.startswith("term:"):
                    terms.append((int(role[5:]), agg))
                else:
                    raise ValueError(f"unknown aggregate role {role!r}")
                aggs.append((agg, stat, flt if agg_row[2] else None))
        except _ERRORS:
            inp.path = [*path, "aggregates", k]
            raise
        if stat.main is None:
            raise ValueError("no main aggregate")
        if res.derived or terms:
            _finish_statistic(pool, stat, terms)
        stat_table[stat.key] = stat
        if current.st.category not in STATE_CATEGORIES:
            pool._index_validity(stat)
        stats.append(stat)
    if len(stat_table) != sum(1 for s in stats if s is not None):
        raise inp.fail("a statistic is saved twice")
    plan.statistics = len(stat_table)
    # -- routing entries: one per aggregate ----------------------------------
    entries = [
        None if x is None else _Entry(agg=x[0], stat=x[1], media=x[1].stat_type.media, filter=x[2])
        for x in aggs
    ]

    n_entries = len(entries)

    def pick(ids: Any) -> list[_Entry]:
        lst: list[Any] = [entries[x] for x in _indexes(ids, n_entries)]
        return [e for e in lst if e is not None] if None in lst else lst

    inp.at("pool", "by_target")
    for r, kinds in d["by_target"]:
        table = {}
        for kind, ids in kinds:
            lst = pick(ids)
            if lst:
                table[_KINDS[kind]] = lst
        if table:
            pool._by_target[refs[r]] = table
    for name in ("by_member", "by_group"):
        inp.at("pool", name)
        index = pool._by_member if name == "by_member" else pool._by_group
        for r, ids in d[name]:
            lst = pick(ids)
            if lst:
                index[refs[r]] = lst
    inp.at("pool", "open_routes")
    for (r, kind, conn), ids in d["open_routes"]:
        lst = pick(ids)
        if lst:
            pool._open_routes[(refs[r], _KINDS[kind], str(conn))] = lst
    inp.at("pool", "since_login")
    for r, ids in d["since_login"]:
        kept = [s for s in (stats[x] for x in _indexes(ids, n_stats)) if s is not None]
        if kept:
            pool._since_login[refs[r]] = kept
    inp.at("pool", "filtered")
    pool._filtered = {refs[r] for r in d["filtered"]}
    # -- subscriptions -------------------------------------------------------
    subs: list[Subscription | None] = []
    sub_table = pool.subscriptions
    path = inp.path = ["pool", "subscriptions", 0]
    for j, (subscriber, ref_id, saved_at, settings_i, name, last_value, next_send) in enumerate(
        subs_rows
    ):
        path[2] = j
        if not keep:
            plan.subscriptions_dropped += 1
            subs.append(None)
            continue
        owner = stats[saved_at]
        if type(settings_i) is not int or settings_i < 0:
            raise IndexError(f"settings: bad row number {settings_i!r}")
        settings = settings_table[settings_i]
        if type(ref_id) not in (str, int):
            ref_id = _id_in(ref_id)
        if type(subscriber) is not str:
            raise TypeError(f"subscriber: expected a string, found {subscriber!r}")
        if last_value is not None and type(last_value) not in (int, float):
            last_value = inp.value(last_value)
        if owner is None:  # its statistic restarts: reopened at the restore time
            if saved_at in restarts:
                restarts[saved_at].subscriptions.append(
                    {
                        "subscriber": subscriber,
                        "ref_id": ref_id,
                        "settings": settings,
                        "last_value": last_value,
                    }
                )
            subs.append(None)
            continue
        sub = Subscription(
            subscriber=subscriber,
            ref_id=ref_id,
            statistic=owner,
            settings=settings,
            stat_type=owner.stat_type.name if name is None else name,
            last_value=last_value,
            next_send=next_send,
        )
        sub_table[(subscriber, ref_id)] = sub
        owner.subscriptions.append(sub)
        if settings.mode is NotifyMode.CHANGES:
            owner.changes_subscriptions += 1
        subs.append(sub)
    if len(sub_table) != sum(1 for s in subs if s is not None):
        raise inp.fail("a subscription (subscriber, ref id) is saved twice")
    plan.subscriptions = len(sub_table)
    plan.restarted = list(restarts.values())
    # -- schedules (sequence numbers renumbered, order kept) ------------------
    seq = 0
    inp.at("pool", "resets")
    resets = []
    for x in _indexes(d["resets"], n_stats):
        due = stats[x]
        if due is not None and due.next_reset is not None:
            resets.append((due.next_reset, seq, due))
            seq += 1
    pool._resets = resets
    inp.at("pool", "periodic")
    n_subs = len(subs)
    periodic = []
    for x in _indexes(d["periodic"], n_subs):
        sending = subs[x]
        if sending is not None:
            periodic.append((sending.next_send, seq, sending))
            seq += 1
    pool._periodic = periodic
    inp.at("pool", "ticking")
    ticking = (subs[x] for x in _indexes(d["ticking"], n_subs))
    pool._ticking = {s: None for s in ticking if s is not None}
    inp.at("pool", "expiry")
    expiry = []
    listed: set[int] = set()
    expiring = _get(d, "expiry", list)
    for x in _indexes([e[1] for e in expiring], n_stats):
        waiting = stats[x]
        if waiting is not None and not waiting.subscriptions:
            expiry.append((waiting.last_requested, seq, waiting.key))
            listed.add(id(waiting))
            seq += 1
    for stat in stat_table.values():  # subscriptions dropped: unsubscribed now
        if not stat.subscriptions and id(stat) not in listed:
            expiry.append((stat.last_requested, seq, stat.key))
            seq += 1
    pool._expiry = SortedList(expiry)
    pool._expiry_entry = {e[2]: e for e in expiry}
    inp.at("pool", "dirty")
    dirty = (stats[x] for x in _indexes(d["dirty"], n_stats))
    pool._dirty = {s: None for s in dirty if s is not None}
    pool._seq = itertools.count(seq)
    return plan


# -- reading the pool, version 2 ------------------------------------------------


#: :meth:`_Table.column`: a column of any length
_ANY = -1


class _Table:
    """The columns of one table of a version 2 snapshot.

    Each column is checked whole, at C speed (its length; its values' types
    and, for row numbers, their range), which is as strict as checking every
    cell; only when a check fails are the cells walked, to name the first
    bad one (``pool.aggregates.status.open_start[12]``)."""

    def __init__(self, inp: _In, data: Any, *path: Any) -> None:
        inp.at(*path)
        if not isinstance(data, Mapping):
            raise TypeError(f"expected a mapping of columns, found {_kind(data)}")
        self.inp = inp
        self.data = data
        self.path = path
        #: rows, from the first column read unless given
        self.n: int | None = None
        #: the columns written as one repeated value (checked once)
        self.repeated: set[str] = set()

    def column(self, name: str, n: int | None = None) -> list[Any]:
        """A column of ``n`` values (None: the table's row count; ``_ANY``:
        any number); one written as ``{"repeat": value, "n": count}``
        (:func:`_compact`) comes back as a list."""
        self.inp.at(*self.path, name)
        col = self.data[name]
        if type(col) is dict:
            value, count = col["repeat"], col["n"]
            if type(value) not in _REPEATABLE or type(count) is not int or count < 0:
                raise TypeError(f"expected a repeated str, int, bool or null, found {col!r}")
            col = [value] * count
            self.repeated.add(name)
        elif type(col) is not list:
            raise TypeError(f"expected a list, found {_kind(col)}")
        if n == _ANY:
            return col
        if n is None:
            if self.n is None:
                self.n = len(col)
            n = self.n
        if len(col) != n:
            raise ValueError(f"expected {n} values, found {len(col)}")
        return col

    def _first_bad(self, name: str, col: list[Any], ok: frozenset[Any], what: str) -> None:
        for i, v in enumerate(col):
            if type(v) not in ok:
                self.inp.at(*self.path, name, i)
                raise TypeError(f"expected {what}, found {v!r}")

    def _checked(self, name: str, col: list[Any]) -> list[Any]:
        """The values to check: one of a repeated column, else all."""
        return col[:1] if name in self.repeated else col

    def ints(self, name: str, n: int | None = None, *, nullable: bool = False) -> list[Any]:
        col = self.column(name, n)
        kinds = _INTS if nullable else _INT
        if not kinds.issuperset(map(type, self._checked(name, col))):
            self._first_bad(name, col, kinds, "an integer or null" if nullable else "an integer")
        return col

    def counts(self, name: str, n: int | None = None) -> list[int]:
        """How many flat items each row has (integers >= 0)."""
        col = self.ints(name, n)
        if col and min(self._checked(name, col)) < 0:
            self.inp.at(*self.path, name, next(i for i, v in enumerate(col) if v < 0))
            raise ValueError(f"expected a count, found {min(col)}")
        return col

    def index(
        self, name: str, size: int, n: int | None = None, *, nullable: bool = False
    ) -> list[Any]:
        """Row numbers into a table of ``size`` rows."""
        col = self.ints(name, n, nullable=nullable)
        values = self._checked(name, col)
        if nullable:
            values = [v for v in values if v is not None]
        if values and (min(values) < 0 or max(values) >= size):
            i, v = next((i, v) for i, v in enumerate(col) if v is not None and not 0 <= v < size)
            self.inp.at(*self.path, name, i)
            raise IndexError(f"row number {v} is not in the table of {size} rows")
        return col

    def bools(self, name: str, n: int | None = None) -> list[bool]:
        col = self.column(name, n)
        if not _BOOL.issuperset(map(type, self._checked(name, col))):
            self._first_bad(name, col, _BOOL, "true or false")
        return col

    def strs(self, name: str, n: int | None = None, *, nullable: bool = False) -> list[Any]:
        col = self.column(name, n)
        kinds = _STRS if nullable else _STR
        if not kinds.issuperset(map(type, self._checked(name, col))):
            self._first_bad(name, col, kinds, "a string or null" if nullable else "a string")
        return col

    def names(self, name: str, members: Mapping[str, Any], n: int | None = None) -> list[Any]:
        """Names of enum members (ActionKind, Status...), as the members."""
        col = self.strs(name, n)
        if name in self.repeated and col:
            found = [members.get(col[0])] * len(col)
        else:
            found = list(map(members.get, col))
        if None in found:
            i = found.index(None)
            self.inp.at(*self.path, name, i)
            raise KeyError(col[i])
        return found

    def total(self, counts: list[int]) -> int:
        """The length of the flat columns ``counts`` describes."""
        return sum(counts)


def _dicts(counts: list[int], keys: list[Any], values: list[Any]) -> list[dict[Any, Any]]:
    """One dict per row from flat keys and values; a key twice in a row is
    an error (the dict would silently lose an item)."""
    found: list[dict[Any, Any]] = []
    p = 0
    for k in counts:
        if k == 1:
            found.append({keys[p]: values[p]})
            p += 1
        elif k:
            q = p + k
            d = dict(zip(keys[p:q], values[p:q], strict=True))
            if len(d) != k:
                raise ValueError(f"row {len(found)}: an item is saved twice")
            found.append(d)
            p = q
        else:
            found.append({})
    return found


def _sets(counts: list[int], items: list[Any]) -> list[set[Any]]:
    found: list[set[Any]] = []
    p = 0
    for k in counts:
        if k == 1:
            found.append({items[p]})
            p += 1
        elif k:
            q = p + k
            s = set(items[p:q])
            if len(s) != k:
                raise ValueError(f"row {len(found)}: a member is saved twice")
            found.append(s)
            p = q
        else:
            found.append(set())
    return found


def _lists(counts: list[int], items: list[Any]) -> list[list[Any]]:
    """Consecutive slices of ``items`` (None items, of dropped objects, left out)."""
    dropped = None in items
    found = []
    p = 0
    for k in counts:
        q = p + k
        lst = items[p:q]
        if dropped and None in lst:
            lst = [x for x in lst if x is not None]
        found.append(lst)
        p = q
    return found


def _counters_in(t: _Table) -> list[CountTracker | None]:
    flags = t.bools("counter")
    m = flags.count(True)
    columns = [t.ints(name, m) for name in _COUNTER_COLUMNS]
    trackers = iter([_tracker(values) for values in zip(*columns, strict=True)])
    return [next(trackers) if flag else None for flag in flags]


def _tracker(values: tuple[int, ...]) -> CountTracker:
    tracker: Any = object.__new__(CountTracker)
    (
        tracker.start,
        tracker.last,
        tracker.area,
        tracker.area2x2,
        tracker.cmax,
        tracker.cmin,
    ) = values
    tracker_: CountTracker = tracker
    return tracker_


def _scalars(t: _Table, names: tuple[str, ...]) -> list[list[Any]]:
    return [t.ints(name, nullable=name in _NULLABLE_SCALARS) for name in names]


def _window(t: _Table) -> list[list[int]]:
    return [t.ints(name) for name in _WINDOW_SCALARS]


def _cells(t: _Table, name: str, check: Callable[[Any], Any]) -> list[Any]:
    """A column of small nested values, each checked and converted by ``check``."""
    col = t.column(name)
    found = []
    for i, v in enumerate(col):
        t.inp.at(*t.path, name, i)
        found.append(check(v))
    t.inp.at(*t.path, name)
    return found


def _log_entry(e: Any) -> tuple[Any, ...]:
    """A window log item: ("s", start) | ("e", start, end) | ("i", start, end, momentary)."""
    if type(e) is not list or not e or e[0] not in _LOG_TAGS or len(e) != _LOG_TAGS[e[0]]:
        raise ValueError(f"expected a window log item, found {e!r}")
    if not _INT.issuperset(map(type, e[1:3])) or (len(e) == 4 and type(e[3]) is not bool):
        raise TypeError(f"expected integer times in a window log item, found {e!r}")
    return tuple(e)


def _int_pairs(v: Any) -> list[tuple[int, int]]:
    if type(v) is not list:
        raise TypeError(f"expected a list of [start, end] pairs, found {_kind(v)}")
    return [(_int(a), _int(b)) for a, b in v]


def _int_list(v: Any) -> list[int]:
    if type(v) is not list or not _INT.issuperset(map(type, v)):
        raise TypeError(f"expected a list of integers, found {v!r}")
    return v


class _AggIn:
    """What reading the aggregate tables needs: the decoded tables they point into."""

    def __init__(
        self,
        inp: _In,
        ranges: list[TimeRange],
        masks: list[Mask],
        filters: list[Filter],
        status_sums: list[StatusCounters],
        action_sums: list[ActionSums],
    ) -> None:
        self.inp = inp
        self.refs = inp.refs
        self.ranges = ranges
        self.masks = masks
        self.filters = filters
        self.status_sums = status_sums
        self.action_sums = action_sums

    def ranges_of(self, t: _Table) -> list[TimeRange | None]:
        ranges = self.ranges
        return [
            None if r is None else ranges[r] for r in t.index("range", len(ranges), nullable=True)
        ]

    def actions(self, t: _Table, window: bool) -> list[Any]:
        cls: type = WindowActionAggregate if window else ActionAggregate
        refs = self.refs
        # -- the columns, checked
        scalars = _scalars(t, _ACTION_SCALARS)
        ranges = self.ranges_of(t)
        ordered = t.bools("ordered")
        distinct = t.bools("distinct")
        counters = _counters_in(t)
        counts = t.counts("open_n")
        m = t.total(counts)
        devices = list(map(refs.__getitem__, t.index("open_device", len(refs), m)))
        kinds = t.names("open_kind", _KINDS, m)
        conns = t.strs("open_conn", m)
        starts = t.ints("open_start", m)
        t.inp.at(*t.path, "open_n")
        opens = _dicts(counts, list(zip(devices, kinds, conns, strict=True)), starts)
        if window:
            windows = _window(t)
            logs = _cells(t, "log", lambda v: [_log_entry(e) for e in v])
        # -- the objects, field by field
        found = []
        new = object.__new__
        for row in zip(*scalars, ranges, ordered, distinct, counters, opens, strict=True):
            agg: Any = new(cls)
            (
                agg.opened,
                agg.interval_start,
                agg.n,
                agg.cont_n,
                agg.adj_n,
                agg.t_clip,
                agg.adj_t,
                agg.done_n,
                agg.dmax,
                agg.dmin,
                agg.range_n,
                agg.range_t,
                agg.cur_sum,
                agg.time_range,
                is_ordered,
                is_distinct,
                agg.counter,
                opened,
            ) = row
            agg.open = opened
            agg.starts = SortedList(opened.values()) if is_ordered else None
            if is_distinct:
                conns_of: dict[str, int] = {}
                for key in opened:
                    conns_of[key[2]] = conns_of.get(key[2], 0) + 1
                agg.conns = conns_of
            else:
                agg.conns = None
            found.append(agg)
        if window:
            for agg, (w, step, sel), log in zip(
                found, zip(*windows, strict=True), logs, strict=True
            ):
                agg.window, agg.step, agg.selection = w, step, sel
                agg.log = deque(log, sel or None)
        return found

    def statuses(self, t: _Table, window: bool) -> list[Any]:
        cls: type = WindowStatusAggregate if window else StatusAggregate
        refs = self.refs
        # -- the columns, checked
        n_refs = len(refs)
        scalars = _scalars(t, _STATUS_SCALARS)
        ranges = self.ranges_of(t)
        ordered = t.bools("ordered")
        masks = list(map(self.masks.__getitem__, t.index("mask", len(self.masks))))
        filters = self.filters
        flts = [
            None if f is None else filters[f]
            for f in t.index("filter", len(filters), nullable=True)
        ]
        counters = _counters_in(t)
        counts = t.counts("open_n")
        m = t.total(counts)
        members = list(map(refs.__getitem__, t.index("open_member", n_refs, m)))
        times = list(zip(t.ints("open_start", m), t.ints("open_since", m), strict=True))
        t.inp.at(*t.path, "open_n")
        opens = _dicts(counts, members, times)
        counts = t.counts("tracked_n")
        tracked_refs = list(map(refs.__getitem__, t.index("tracked", n_refs, t.total(counts))))
        t.inp.at(*t.path, "tracked_n")
        tracked = _sets(counts, tracked_refs)
        counts = t.counts("cont_since_n")
        m = t.total(counts)
        members = list(map(refs.__getitem__, t.index("cont_since_member", n_refs, m)))
        cont_t = t.ints("cont_since_t", m)
        t.inp.at(*t.path, "cont_since_n")
        conts = _dicts(counts, members, cont_t)
        if window:
            windows = _window(t)
            closed_logs = _cells(t, "closed_log", _int_pairs)
            entries = _cells(t, "entries", _int_list)
        # -- the objects, field by field
        found = []
        new = object.__new__
        rows = zip(
            *scalars, ranges, ordered, masks, flts, counters, opens, tracked, conts, strict=True
        )
        for row in rows:
            agg: Any = new(cls)
            (
                agg.opened,
                agg.interval_start,
                agg.n,
                agg.cont_n,
                agg.closed,
                agg.adj_n,
                agg.adj_t,
                agg.dmax,
                agg.dmin,
                agg.range_n,
                agg.range_t,
                agg.cur_sum,
                agg.eff_sum,
                agg.time_range,
                is_ordered,
                agg.mask,
                agg.filter,
                agg.counter,
                opened,
                agg.tracked,
                agg.cont_since,
            ) = row
            agg.open = opened
            if is_ordered:
                start = agg.interval_start
                agg.seg_starts = SortedList([max(s, start) for s, _ in opened.values()])
                agg.sinces = SortedList([since for _, since in opened.values()])
            else:
                agg.seg_starts = agg.sinces = None
            found.append(agg)
        if window:
            for agg, (w, step, sel), closed, ent in zip(
                found, zip(*windows, strict=True), closed_logs, entries, strict=True
            ):
                agg.window, agg.step, agg.selection = w, step, sel
                agg.closed_log = deque(closed, sel or None)
                agg.entries = deque(ent)
        return found

    def views(self, t: _Table, cls: type) -> list[Any]:
        """Mask views (over per-status sums) or action views (per-kind sums)."""
        table: list[Any] = self.status_sums if cls is MaskView else self.action_sums
        counters = list(map(table.__getitem__, t.index("counters", len(table))))
        masks = list(map(self.masks.__getitem__, t.index("mask", len(self.masks))))
        found = []
        # a view's selection is derived from its mask alone: worked out by
        # the class once per mask (an immutable tuple), then shared
        selected: dict[int, Any] = {}
        new = object.__new__
        for c, mask in zip(counters, masks, strict=True):
            sel = selected.get(id(mask))
            view: Any
            if sel is None:
                if (mask.subject is Subject.DNAction) is (cls is MaskView):
                    raise ValueError(f"a {_AGG_NAMES[cls]} cannot read the mask {mask.text!r}")
                view = cls(c, mask)
                selected[id(mask)] = view.selected
            else:
                view = new(cls)
                view.counters = c
                view.mask = mask
                view.selected = sel
            found.append(view)
        return found


def _action_sums_in(inp: _In, d: Any) -> list[ActionSums]:
    t = _Table(inp, d, "pool", "action_sums")
    opened = t.ints("opened")
    starts = t.ints("interval_start")
    counts = t.counts("sums_n")
    m = t.total(counts)
    kinds = t.names("sums_kind", _KINDS, m)
    values = list(
        zip(
            *(t.ints(name, m, nullable=name in _NULLABLE_SUMS) for name in _KIND_SUMS_COLUMNS),
            strict=True,
        )
    )
    open_counts = t.counts("open_n")
    k = t.total(open_counts)
    refs = inp.refs
    devices = list(map(refs.__getitem__, t.index("open_device", len(refs), k)))
    open_kinds = t.names("open_kind", _KINDS, k)
    conns = t.strs("open_conn", k)
    open_starts = t.ints("open_start", k)
    keys = list(zip(devices, open_kinds, conns, strict=True))
    found = []
    p = q = 0
    for i, (t0, start, n_sums, n_open) in enumerate(
        zip(opened, starts, counts, open_counts, strict=True)
    ):
        inp.at("pool", "action_sums", i)
        c = ActionSums(t0)
        c.interval_start = start
        sums = c.sums
        for kind, vals in zip(kinds[p : p + n_sums], values[p : p + n_sums], strict=True):
            ks: Any = object.__new__(KindSums)
            (
                ks.n,
                ks.adj_n,
                ks.t_clip,
                ks.adj_t,
                ks.done_n,
                ks.dmax,
                ks.dmin,
                ks.count,
                ks.cur_sum,
            ) = vals
            sums[kind] = ks
        if len(sums) != n_sums:
            raise ValueError("the sums of a kind are saved twice")
        p += n_sums
        held = c.open
        for key, begun in zip(keys[q : q + n_open], open_starts[q : q + n_open], strict=True):
            of_kind = sums.get(key[1])
            if of_kind is None:
                raise ValueError(f"an open {key[1].name} item, a kind with no sums")
            held[key] = (of_kind, begun)
        if len(held) != n_open:
            raise ValueError("an open item is saved twice")
        q += n_open
        found.append(c)
    return found


def _status_counters_in(inp: _In, d: Any) -> list[StatusCounters]:
    t = _Table(inp, d, "pool", "counters")
    opened = t.ints("opened")
    starts = t.ints("interval_start")
    counts = t.counts("sums_n")
    m = t.total(counts)
    statuses = t.names("sums_status", _STATUSES, m)
    values = list(zip(*(t.ints(name, m) for name in _SUMS_COLUMNS), strict=True))
    member_counts = t.counts("members_n")
    k = t.total(member_counts)
    refs = inp.refs
    members = list(map(refs.__getitem__, t.index("member", len(refs), k)))
    member_status = t.names("member_status", _STATUSES, k)
    member_start = t.ints("member_start", k)
    member_since = t.ints("member_since", k)
    found = []
    p = q = 0
    for i, (t0, start, n_sums, n_members) in enumerate(
        zip(opened, starts, counts, member_counts, strict=True)
    ):
        inp.at("pool", "counters", i)
        c = StatusCounters(t0)
        c.interval_start = start
        sums = c.sums
        for status, vals in zip(statuses[p : p + n_sums], values[p : p + n_sums], strict=True):
            s: Any = object.__new__(StatusSums)
            s.n, s.closed, s.adj_n, s.adj_t, s.count, s.eff_sum, s.cur_sum = vals
            sums[status] = s
        if len(sums) != n_sums:
            raise ValueError("the sums of a status are saved twice")
        p += n_sums
        held = c.members
        for member, status, seg_start, since in zip(
            members[q : q + n_members],
            member_status[q : q + n_members],
            member_start[q : q + n_members],
            member_since[q : q + n_members],
            strict=True,
        ):
            of_status = sums.get(status)
            if of_status is None:
                raise ValueError(f"member {member} is in {status.name}, which has no sums")
            held[member] = (of_status, status, seg_start, since)
        if len(held) != n_members:
            raise ValueError("a member is saved twice")
        q += n_members
        found.append(c)
    return found


def _aggregates_in(inp: _In, d: Any, reader: _AggIn) -> list[Any]:
    t = _Table(inp, d, "pool", "aggregates")
    names = t.strs("classes", _ANY)
    codes = t.index("class", len(names), _ANY)
    per_class: list[list[Any]] = []
    for k, name in enumerate(names):
        inp.at("pool", "aggregates", "classes", k)
        cls = _AGG_CLASSES[name]
        table = _Table(inp, d[name], "pool", "aggregates", name)
        table.n = codes.count(k)
        if cls in _VIEWS:
            per_class.append(reader.views(table, cls))
        elif issubclass(cls, StatusAggregate):
            per_class.append(reader.statuses(table, cls is WindowStatusAggregate))
        else:
            per_class.append(reader.actions(table, cls is WindowActionAggregate))
    if len(per_class) == 1:
        return per_class[0]
    nexts = [iter(objs).__next__ for objs in per_class]
    return [nexts[k]() for k in codes]


def _pool_in_v2(
    inp: _In,
    engine: Engine,
    d: Mapping[str, Any],
    *,
    keep: bool,
    clock: int | None,
    now: int | None,
) -> _Plan:
    pool = engine._pool
    plan = _Plan()
    # -- definitions and the tables that rows point into ----------------------
    types, profiles, filters = _pool_head_in(inp, pool, d)
    inp.at("pool")
    pool.share_sums = bool(d["share_sums"])
    pool._epoch = _int(d["epoch"])
    refs = inp.refs
    inp.at("pool", "masks")
    masks = [Mask.parse(text, Subject(subject)) for text, subject in _get(d, "masks", list)]
    inp.at("pool", "ranges")
    ranges = [_range_in(r) for r in _get(d, "ranges", list)]
    inp.at("pool", "settings")
    settings_table = [
        NotificationSettings(mode=NotifyMode.__members__[m], insensitivity=i, frequency=f)
        for m, i, f in _get(d, "settings", list)
    ]
    inp.at("pool", "media")
    media: list[frozenset[str]] = []
    for names in _get(d, "media", list):
        if type(names) is not list or not _STR.issuperset(map(type, names)):
            raise TypeError(f"expected a list of media names, found {names!r}")
        media.append(frozenset(names))
    # the filters as the configuration names them now (a statistic whose
    # filter changed restarts; the others read the configured object)
    filters_now = []
    for f in filters:
        found = pool.filters.get(f.name) if f.name else None
        filters_now.append(found if found is not None and found.text == f.text else f)
    # -- aggregates ------------------------------------------------------------
    status_sums = _status_counters_in(inp, _get(d, "counters", dict))
    action_sums = _action_sums_in(inp, _get(d, "action_sums", dict))
    aggs = _aggregates_in(
        inp,
        _get(d, "aggregates", dict),
        _AggIn(inp, ranges, masks, filters_now, status_sums, action_sums),
    )
    n_aggs = len(aggs)
    # -- subscriptions' columns first: they decide which statistics are kept --
    su = _Table(inp, _get(d, "subscriptions", dict), "pool", "subscriptions")
    inp.at("pool", "texts")
    texts = _get(d, "texts", dict)
    strings = _get(texts, "strings", list)
    if not _STR.issuperset(map(type, strings)):
        raise TypeError("strings: expected strings")
    text_ids = texts["ref_ids"]
    if type(text_ids) is not bool:
        raise TypeError(f"ref_ids: expected true or false, found {text_ids!r}")
    subscribers = list(map(strings.__getitem__, su.index("subscriber", len(strings))))
    st = _Table(inp, _get(d, "statistics", dict), "pool", "statistics")
    objects = st.index("object", len(refs))
    n_stats = len(objects)
    sub_stats = su.index("stat", n_stats)
    sub_settings = su.index("settings", len(settings_table))
    sub_names = su.strs("stat_type", nullable=True)
    next_sends = su.ints("next_send")
    ref_ids = _ref_ids_in(su, strings if text_ids else None)
    last_values = su.column("last_value")
    if not _NUMBERS.issuperset(map(type, last_values)):
        last_values = list(last_values)
        for j, v in enumerate(last_values):
            if type(v) not in _NUMBERS:
                inp.at("pool", "subscriptions", "last_value", j)
                last_values[j] = inp.value(v)
    subscribed = set(sub_stats)
    # -- statistics ----------------------------------------------------------
    dt = _Table(inp, _get(d, "definitions", dict), "pool", "definitions")
    saved_definitions = list(
        zip(
            dt.index("type", len(types)),
            dt.index("profile", len(profiles)),
            dt.index("range", len(ranges), nullable=True),
            dt.index("range2", len(ranges), nullable=True),
            dt.index("filter", len(filters), nullable=True),
            strict=True,
        )
    )
    definitions = st.index("definition", len(saved_definitions))
    opened_c = st.ints("opened")
    next_c = st.ints("next_reset", nullable=True)
    last_c = st.ints("last_requested")
    valid_c = st.bools("valid")
    main_c = st.index("main", n_aggs)
    rel_c = st.index("rel", n_aggs, nullable=True)
    ex = _Table(inp, _get(d, "extras", dict), "pool", "extras")
    extra_of: dict[int, list[tuple[str, Any]]] = {}
    for i, role, a in zip(
        ex.index("stat", n_stats), ex.strs("role"), ex.index("agg", n_aggs), strict=True
    ):
        extra_of.setdefault(i, []).append((role, aggs[a]))
    te = _Table(inp, _get(d, "terms", dict), "pool", "terms")
    terms_of: dict[int, list[tuple[int, Any]]] = {}
    for i, a in zip(te.index("stat", n_stats), te.index("agg", n_aggs), strict=True):
        of = terms_of.setdefault(i, [])
        of.append((len(of), aggs[a]))
    # which statistics are dropped: their keep period passed in the gap
    at = now if now is not None else clock
    if not keep and clock is not None:  # subscriptions end when the snapshot was taken
        last_c = [
            clock if last < clock and i in subscribed else last for i, last in enumerate(last_c)
        ]
    keep_ms = pool.keep
    expired: set[int] = set()
    if at is not None and last_c and min(last_c) + keep_ms < at:
        expired = {
            i
            for i, last in enumerate(last_c)
            if last + keep_ms < at and not (keep and i in subscribed)
        }
    # the definitions: each resolved once, in order of first use
    resolved: list[Any] = [None] * len(saved_definitions)
    used = (j for i, j in enumerate(definitions) if i not in expired) if expired else definitions
    for j in dict.fromkeys(used):
        inp.at("pool", "definitions", j)
        resolved[j] = _resolve(pool, plan, types, profiles, ranges, filters, saved_definitions[j])
    stats: list[Statistic | None] = []
    restarts: dict[int, _Restart] = {}
    stat_table = pool.stats
    # the validity index (Pool._index_validity): statistics by object, and
    # the switch- and tenant-wide ones, whose scope is every device; gathered
    # by ref row (an int key), in statistic order
    of_ref: dict[int, list[Statistic]] = {}
    wide_refs = {i for i, r in enumerate(refs) if r.type in _WIDE_TYPES}
    wide: list[Statistic] = []
    special = set(extra_of) | set(terms_of)
    new = object.__new__
    set_frozen = object.__setattr__
    main_aggs = list(map(aggs.__getitem__, main_c))
    path = inp.path = ["pool", "statistics", 0]
    # Statistics are built field by field (a third of the cost of their
    # keyword constructors); check_fields() and the tests make sure every
    # field is set.
    for i, (obj_i, def_i, opened, next_reset, last, valid, main, rel_i) in enumerate(
        zip(objects, definitions, opened_c, next_c, last_c, valid_c, main_aggs, rel_c, strict=True)
    ):
        if expired and i in expired:
            plan.dropped += 1
            pool._expired += 1
            stats.append(None)
            continue
        obj = refs[obj_i]
        res = resolved[def_i]
        current = res.current
        if res.key is None:  # the definition changed: reopened at the restore time
            restarts[i] = _Restart(obj=obj, definition=current)
            if not (keep and i in subscribed):
                plan.dropped += 1
            stats.append(None)
            continue
        tz = res.zones.get(obj.tenant)
        if tz is None:
            path[2] = i
            try:
                tz = res.zones[obj.tenant] = pool._zone(current.prof, obj)
            except LocalProtocolError as exc:
                raise inp.fail(str(exc)) from exc
        skey = new(StatKey)
        set_frozen(skey, "object", obj)
        set_frozen(skey, "definition", res.key)
        stat = new(Statistic)
        stat.key = skey
        stat.object = obj
        stat.stat_type = current.st
        stat.profile = current.prof
        stat.tz = tz
        stat.time_range = current.rng
        stat.time_range2 = current.rng2
        stat.opened = opened
        stat.main = main
        stat.rel = None if rel_i is None else aggs[rel_i]
        stat.extra = {}
        stat.formula = None
        stat.terms = []
        stat.state = None
        stat.next_reset = next_reset
        stat.last_requested = last
        stat.subscriptions = []
        stat.changes_subscriptions = 0
        stat.time_varying = res.time_varying
        stat.valid = valid
        if res.derived or i in special:
            path[2] = i
            for role, agg in extra_of.get(i, ()):
                stat.extra[role] = agg
            if res.derived or i in terms_of:
                _finish_statistic(pool, stat, terms_of.get(i, []))
        if not res.state:
            same = of_ref.get(obj_i)
            if same is None:
                of_ref[obj_i] = [stat]
            else:
                same.append(stat)
            if obj_i in wide_refs:
                wide.append(stat)
        stats.append(stat)
    by_object = pool._by_object
    for obj_i, same in of_ref.items():
        listed = by_object.get(refs[obj_i])
        if listed is None:
            by_object[refs[obj_i]] = same
        else:
            listed += same
    pool._wide.update(dict.fromkeys(wide))
    kept = [s for s in stats if s is not None]
    stat_table.update(zip([s.key for s in kept], kept, strict=True))
    inp.at("pool", "statistics")
    if len(stat_table) != len(stats) - stats.count(None):
        raise inp.fail("a statistic is saved twice")
    plan.statistics = len(stat_table)
    dropped = None in stats
    stat_at: Callable[[int], Statistic | None] = stats.__getitem__
    # -- routing entries -------------------------------------------------------
    en = _Table(inp, _get(d, "entries", dict), "pool", "entries")
    entry_columns = (
        en.index("agg", n_aggs),
        en.index("stat", n_stats),
        en.index("filter", len(filters), nullable=True),
        en.index("media", len(media), nullable=True),
    )
    holders: dict[int, Statistic] = {}
    if dropped:  # an aggregate a dropped statistic shared with a kept one
        for holder in kept:
            for agg in holder.aggregates:
                holders.setdefault(id(agg), holder)
    entries: list[_Entry | None] = []
    for a, s, f, m in zip(*entry_columns, strict=True):
        agg = aggs[a]
        owner = stats[s] or holders.get(id(agg))
        if owner is None:
            entries.append(None)
            continue
        e = new(_Entry)
        e.agg = agg
        e.stat = owner
        e.media = None if m is None else media[m]
        e.filter = None if f is None else filters_now[f]
        entries.append(e)
    n_entries = len(entries)
    entry: Callable[[int], _Entry | None] = entries.__getitem__
    # -- routing indexes --------------------------------------------------------
    t = _Table(inp, _get(d, "by_target", dict), "pool", "by_target")
    targets = t.index("target", len(refs))
    kind_counts = t.counts("kinds")
    kinds = t.names("kind", _KINDS, t.total(kind_counts))
    counts = t.counts("n", len(kinds))
    flat = list(map(entry, t.index("entries", n_entries, t.total(counts))))
    lists = iter(_lists(counts, flat))
    kinds_of = iter(kinds)
    by_target = pool._by_target
    for r, k in zip(targets, kind_counts, strict=True):
        table = {}
        for _ in range(k):
            kind = next(kinds_of)
            lst = next(lists)
            if lst:
                table[kind] = lst
        if table:
            by_target[refs[r]] = table
    for name, column, routes in (
        ("by_member", "member", pool._by_member),
        ("by_group", "group", pool._by_group),
    ):
        t = _Table(inp, _get(d, name, dict), "pool", name)
        keys = t.index(column, len(refs))
        counts = t.counts("n", len(keys))
        flat = list(map(entry, t.index("entries", n_entries, t.total(counts))))
        for r, lst in zip(keys, _lists(counts, flat), strict=True):
            if lst:
                routes[refs[r]] = lst
    t = _Table(inp, _get(d, "open_routes", dict), "pool", "open_routes")
    devices = t.index("device", len(refs))
    route_kinds = t.names("kind", _KINDS, len(devices))
    conns = t.strs("conn", len(devices))
    counts = t.counts("n", len(devices))
    flat = list(map(entry, t.index("entries", n_entries, t.total(counts))))
    open_routes = pool._open_routes
    for r, kind, conn, lst in zip(devices, route_kinds, conns, _lists(counts, flat), strict=True):
        if lst:
            open_routes[(refs[r], kind, conn)] = lst
    t = _Table(inp, _get(d, "since_login", dict), "pool", "since_login")
    agents = t.index("agent", len(refs))
    counts = t.counts("n", len(agents))
    flat_stats = list(map(stat_at, t.index("stats", n_stats, t.total(counts))))
    for r, lst in zip(agents, _lists(counts, flat_stats), strict=True):
        if lst:
            pool._since_login[refs[r]] = lst
    inp.at("pool", "filtered")
    pool._filtered = {refs[r] for r in _indexes(d["filtered"], len(refs))}
    # -- shared per-status sums ----------------------------------------------
    t = _Table(inp, _get(d, "shared", dict), "pool", "shared")
    shared_objects = t.index("object", len(refs))
    subjects = [Subject(s) for s in t.strs("subject")]
    shared_opened = t.ints("opened")
    shared_epochs = t.ints("epoch")
    is_action = t.bools("action")
    shared_counters = t.ints("counters")
    for j, (action, c) in enumerate(zip(is_action, shared_counters, strict=True)):
        if not 0 <= c < len(action_sums if action else status_sums):
            inp.at("pool", "shared", "counters", j)
            raise IndexError(f"row number {c} is not in the table of its sums")
    shared_media = t.index("media", len(media), nullable=True)
    shared_filters = t.index("filter", len(filters), nullable=True)
    counts = t.counts("kinds_n")
    shared_kinds = _lists(counts, t.names("kinds", _KINDS, t.total(counts)))
    counts = t.counts("stats_n")
    flat_stats = list(map(stat_at, t.index("stats", n_stats, t.total(counts))))
    shared_rows = zip(
        shared_objects,
        subjects,
        shared_opened,
        shared_epochs,
        is_action,
        shared_counters,
        shared_media,
        shared_filters,
        shared_kinds,
        _lists(counts, flat_stats),
        strict=True,
    )
    shared_list: list[_Shared | None] = []
    counters_table = pool._counters
    shared_of = pool._shared_of
    canonical: dict[int, Any] = {}  # by id(profile): what a shared key holds of it
    new = object.__new__
    # built field by field, as statistics are (check_fields() guards the fields)
    for j, (r, subject, opened, epoch, action, c, m, f, kinds, readers) in enumerate(shared_rows):
        if not readers:  # every statistic reading them was dropped
            shared_list.append(None)
            continue
        first = readers[0]
        profile = first.profile
        canon = canonical.get(id(profile))
        if canon is None:
            canon = canonical[id(profile)] = profile.canonical()
        sums: Any = action_sums[c] if action else status_sums[c]
        flt = None if f is None else filters_now[f]
        m_set = None if m is None else media[m]
        key = _shared_key(refs[r], subject, canon, first.tz, opened, epoch, action, m_set, flt)
        if key in counters_table or sums in shared_of:
            inp.at("pool", "shared", j)
            raise inp.fail("shared sums are saved twice")
        sh = new(_Shared)
        sh.key = key
        sh.counters = sums
        sh.stats = readers
        sh.watch = None
        sh.media = m_set
        sh.filter = flt
        sh.kinds = set(kinds)
        counters_table[key] = sh
        shared_of[sums] = sh
        shared_list.append(sh)
    shared_at: Callable[[int], _Shared | None] = shared_list.__getitem__
    for name, column, sums_of in (
        ("member_counters", "member", pool._member_counters),
        ("group_counters", "group", pool._group_counters),
    ):
        t = _Table(inp, _get(d, name, dict), "pool", name)
        keys = t.index(column, len(refs))
        counts = t.counts("n", len(keys))
        flat_shared = list(map(shared_at, t.index("shared", len(shared_list), t.total(counts))))
        for r, lst in zip(keys, _lists(counts, flat_shared), strict=True):
            if lst:
                sums_of[refs[r]] = lst
    t = _Table(inp, _get(d, "target_sums", dict), "pool", "target_sums")
    targets = t.index("target", len(refs))
    kind_counts = t.counts("kinds")
    kinds_flat = t.names("kind", _KINDS, t.total(kind_counts))
    counts = t.counts("n", len(kinds_flat))
    flat_shared = list(map(shared_at, t.index("shared", len(shared_list), t.total(counts))))
    sum_lists = iter(_lists(counts, flat_shared))
    kinds_of = iter(kinds_flat)
    for r, k in zip(targets, kind_counts, strict=True):
        by_kind = {}
        for _ in range(k):
            kind = next(kinds_of)
            lst = next(sum_lists)
            if lst:
                by_kind[kind] = lst
        if by_kind:
            pool._target_sums[refs[r]] = by_kind
    t = _Table(inp, _get(d, "open_sum_routes", dict), "pool", "open_sum_routes")
    devices = t.index("device", len(refs))
    route_kinds = t.names("kind", _KINDS, len(devices))
    conns = t.strs("conn", len(devices))
    counts = t.counts("n", len(devices))
    flat_shared = list(map(shared_at, t.index("shared", len(shared_list), t.total(counts))))
    for r, kind, conn, lst in zip(
        devices, route_kinds, conns, _lists(counts, flat_shared), strict=True
    ):
        if lst:
            pool._open_sum_routes[(refs[r], kind, conn)] = lst
    # -- subscriptions -----------------------------------------------------------
    subs: list[Subscription | None] = []
    sub_table = pool.subscriptions
    if not keep:
        plan.subscriptions_dropped = len(subscribers)
        subs = [None] * len(subscribers)
    else:
        changes = NotifyMode.CHANGES
        for subscriber, ref_id, owner, settings, name, last_value, next_send in zip(
            subscribers,
            ref_ids,
            map(stat_at, sub_stats),
            map(settings_table.__getitem__, sub_settings),
            sub_names,
            last_values,
            next_sends,
            strict=True,
        ):
            if owner is None:
                subs.append(None)
                continue
            sub = new(Subscription)
            sub.subscriber = subscriber
            sub.ref_id = ref_id
            sub.statistic = owner
            sub.settings = settings
            sub.stat_type = owner.stat_type.name if name is None else name
            sub.last_value = last_value
            sub.next_send = next_send
            owner.subscriptions.append(sub)
            if settings.mode is changes:
                owner.changes_subscriptions += 1
            subs.append(sub)
        sub_keys = zip(subscribers, ref_ids, strict=True)
        if None in subs:
            for j, saved_at in enumerate(sub_stats):  # statistics restarting: reopened
                if subs[j] is None and saved_at in restarts:
                    restarts[saved_at].subscriptions.append(
                        {
                            "subscriber": subscribers[j],
                            "ref_id": ref_ids[j],
                            "settings": settings_table[sub_settings[j]],
                            "last_value": last_values[j],
                        }
                    )
            sub_table.update((k, x) for k, x in zip(sub_keys, subs, strict=True) if x is not None)
        else:
            sub_table.update(zip(sub_keys, cast("list[Subscription]", subs), strict=True))
    inp.at("pool", "subscriptions")
    if len(sub_table) != len(subs) - subs.count(None):
        raise inp.fail("a subscription (subscriber, ref id) is saved twice")
    plan.subscriptions = len(sub_table)
    plan.restarted = list(restarts.values())
    _schedules_in(inp, pool, d, stats, subs)
    return plan


def _ref_ids_in(t: _Table, strings: list[str] | None) -> list[Any]:
    """Subscriptions' ref ids from their shapes and items (see the writer);
    ``strings``: the items are row numbers into it."""
    shapes = t.ints("ref_id_n")
    if shapes and (min(shapes) < -2):
        t.inp.at(*t.path, "ref_id_n", next(j for j, k in enumerate(shapes) if k < -2))
        raise ValueError("expected -2, -1 or a tuple length")
    low, high = min(shapes, default=-1), max(shapes, default=-1)
    if strings is not None:  # flat ids of strings
        if low < -1 or (low == -1 and high >= 0):
            raise ValueError("ids written as strings must be all strings or all flat tuples")
        total = len(shapes) if low == -1 else sum(shapes)
        items = list(map(strings.__getitem__, t.index("ref_id", len(strings), total)))
        if low == -1:
            return items
        if low == high:
            return list(zip(*[iter(items)] * low, strict=True)) if low else [()] * len(shapes)
        it = iter(items)
        return [tuple(itertools.islice(it, k)) for k in shapes]
    if low == high == -1:  # every one a str or an int
        items = t.column("ref_id")
        if not _ATOMS.issuperset(map(type, items)):
            t._first_bad("ref_id", items, _ATOMS, "a string or an integer")
        return items
    if low >= 0:  # tuples
        items = t.column("ref_id", sum(shapes))
        if not _ATOMS.issuperset(map(type, items)):
            t._first_bad("ref_id", items, _ATOMS, "a string or an integer")
        if low == high:
            return list(zip(*[iter(items)] * low, strict=True)) if low else [()] * len(shapes)
        it = iter(items)
        return [tuple(itertools.islice(it, k)) for k in shapes]
    items = t.column("ref_id", sum(1 if k < 0 else k for k in shapes))
    found: list[Any] = []
    p = 0
    for k in shapes:
        t.inp.at(*t.path, "ref_id", p)
        if k == -1:
            if type(items[p]) not in _ATOMS:
                raise TypeError(f"a ref id must be str or int, found {items[p]!r}")
            found.append(items[p])
            p += 1
        elif k == -2:
            found.append(_id_in(items[p]))
            p += 1
        else:
            part = items[p : p + k]
            if not _ATOMS.issuperset(map(type, part)):
                raise TypeError(f"a ref id must be str, int or tuples of them, found {part!r}")
            found.append(tuple(part))
            p += k
    t.inp.at(*t.path)
    return found


def _resolve(
    pool: Pool,
    plan: _Plan,
    types: list[tuple[StatType, bool]],
    profiles: list[TimeProfile],
    ranges: list[TimeRange],
    filters: list[Filter],
    memo: tuple[Any, ...],
) -> _Resolved:
    """What the statistics of one saved definition share: the definition
    the configuration gives its names now, and whether it computes the same."""
    type_i, profile_i, range_i, range2_i, filter_i = memo
    st, configured = types[type_i]
    saved = _Definition(
        st=st,
        prof=profiles[profile_i],
        rng=None if range_i is None else ranges[range_i],
        rng2=None if range2_i is None else ranges[range2_i],
        flt=None if filter_i is None else filters[filter_i],
    )
    current = _current(pool, saved, configured, plan)
    key = key_definition(saved.st, saved.prof, saved.rng, saved.rng2, saved.flt)
    now_key = key_definition(current.st, current.prof, current.rng, current.rng2, current.flt)
    cst = current.st
    return _Resolved(
        current=current,
        key=_HashedTuple(key) if now_key == key else None,
        time_varying=time_varying(cst.category, cst.subject),
        derived=cst.category in _DERIVED_CATEGORIES,
        state=cst.category in STATE_CATEGORIES,
    )


def _schedules_in(
    inp: _In,
    pool: Pool,
    d: Mapping[str, Any],
    stats: list[Statistic | None],
    subs: list[Subscription | None],
) -> None:
    """The reset, periodical, tick and expiry schedules (sequence numbers
    renumbered, order kept: a sorted list is a heap) and the statistics
    waiting to notify."""
    stat_at: Callable[[int], Statistic | None] = stats.__getitem__
    sub_at: Callable[[int], Subscription | None] = subs.__getitem__
    inp.at("pool", "resets")
    due = map(stat_at, _indexes(d["resets"], len(stats)))
    resets = [(s.next_reset, 0, s) for s in due if s is not None and s.next_reset is not None]
    inp.at("pool", "periodic")
    sending = map(sub_at, _indexes(d["periodic"], len(subs)))
    periodic = [(s.next_send, 0, s) for s in sending if s is not None]
    inp.at("pool", "expiry")
    waiting = map(stat_at, _indexes(d["expiry"], len(stats)))
    expiry = [(s.last_requested, 0, s) for s in waiting if s is not None and not s.subscriptions]
    listed = {id(e[2]) for e in expiry}
    # subscriptions dropped: unsubscribed now
    expiry += [
        (s.last_requested, 0, s)
        for s in pool.stats.values()
        if not s.subscriptions and id(s) not in listed
    ]
    # sequence numbers in the saved order, each schedule a heap
    seq = itertools.count()
    pool._resets = [(at, next(seq), s) for at, _, s in resets]
    heapq.heapify(pool._resets)
    pool._periodic = [(at, next(seq), s) for at, _, s in periodic]
    heapq.heapify(pool._periodic)
    saved_expiry = [(at, next(seq), s.key) for at, _, s in expiry]
    pool._expiry = SortedList(saved_expiry)
    pool._expiry_entry = {e[2]: e for e in saved_expiry}
    inp.at("pool", "ticking")
    ticking = (subs[x] for x in _indexes(d["ticking"], len(subs)))
    pool._ticking = {s: None for s in ticking if s is not None}
    inp.at("pool", "dirty")
    dirty = (stats[x] for x in _indexes(d["dirty"], len(stats)))
    pool._dirty = {s: None for s in dirty if s is not None}
    pool._seq = seq


def _pool_in(
    inp: _In,
    engine: Engine,
    d: Mapping[str, Any],
    version: int,
    *,
    keep: bool,
    clock: int | None,
    now: int | None,
) -> _Plan:
    read = _pool_in_v1 if version == 1 else _pool_in_v2
    return read(inp, engine, d, keep=keep, clock=clock, now=now)


class _HashedTuple(tuple):  # type: ignore[type-arg]
    """A statistic's key definition, shared by every statistic of one
    definition, whose hash (a walk over nested tuples of names) is computed
    once. Equal to, and hashing like, the plain tuple :meth:`Pool.open` builds."""

    _hash: int

    def __new__(cls, items: Iterable[Any]) -> _HashedTuple:
        self = super().__new__(cls, items)
        self._hash = tuple.__hash__(self)
        return self

    def __hash__(self) -> int:
        return self._hash


#: Categories whose statistics carry more than their aggregates (rebuilt on restore).
_DERIVED_CATEGORIES = frozenset({Category.Formula, *STATE_CATEGORIES})


def _finish_statistic(pool: Pool, stat: Statistic, terms: list[tuple[int, Any]]) -> None:
    """What :meth:`Pool._create` derives from the definition alone: the
    formula and its terms, the CurrentState tree builder."""
    st = stat.stat_type
    if st.category is Category.Formula:
        from statengine.core.formula import parse_formula

        if st.expression is None:
            raise ValueError("a Formula stat type without an expression")
        stat.formula = parse_formula(st.expression, st.subject)
        by_index = dict(terms)
        if sorted(by_index) != list(range(len(stat.formula.terms))):
            raise ValueError("the formula's terms do not match the saved aggregates")
        for i, term in enumerate(stat.formula.terms):
            agg = by_index[i]
            stat.terms.append(
                Term(category=term.category, owner=stat, main=agg, time_range=agg.time_range)
            )
    elif terms:
        raise ValueError("term aggregates saved for a statistic that is not a Formula")
    if st.category in STATE_CATEGORIES:
        reasons = st.category is Category.CurrentStateReasons
        target = pool._runtime(stat.object)
        stat.state = lambda t: _strip_reasons(state_tree(target, t), keep=reasons)


# ==========================================================================
# After a gap
# ==========================================================================


def _lose_links(engine: Engine, t: int) -> tuple[str, ...]:
    """Every link that was up is lost at ``t`` (the snapshot time), one after
    the other in configuration order, exactly as ``LinkDisconnected`` events
    would (docs/semantics.md §1.1): each loss is its own transition."""
    model = engine._model
    model.now = t
    lost = tuple(name for name, up in model.link_up.items() if up)
    handler = LINK_HANDLERS[ev.LinkDisconnected]
    for name in lost:
        handler(model, ev.LinkDisconnected(time=t, link=name), t, model.links[name])
        model.refresh(t)
        engine._absorb(t)
        engine._pool.tick(t)
    return lost


def _gap_growing(pool: Pool, stat: Statistic, since: int, now: int) -> bool:
    """Growing (DOMAIN §7): reused if no reset fell in the gap; else the
    interval that held the snapshot ends at its reset (reset-based
    subscribers get its final value) and the history restarts at the last
    reset instant before ``now``, as stepping through the gap would leave it
    (nothing happens in a gap: every link is down)."""
    first = stat.next_reset
    if first is None or first > now:
        return False
    final = None
    for sub in stat.subscriptions:
        if sub.settings.mode is NotifyMode.RESET:
            if final is None:
                final = stat.value(first)
            pool.out.append(sub.notification(final, first, Reason.RESET))
    last = stat.profile.interval_start(now, stat.tz)
    last = first if last is None or last < first else last
    stat.reset(last)
    if stat.changes_subscriptions:
        pool._notify_changes(stat, last)
    stat.next_reset = stat.profile.next_reset(last, stat.tz)
    return True


def _gap_keep(pool: Pool, stat: Statistic, since: int, now: int) -> bool:
    """Sliding: the window's old edge moves with the clock, so reading it at
    ``now`` ages it (a window wholly inside the gap reads as empty history);
    Selection: the last N items are kept whatever their age (DOMAIN §7);
    SinceLogin: the value stands until the agent's next login."""
    return False


#: How a statistic of each time profile kind crosses a gap (DOMAIN §7). Each
#: rule gets (pool, statistic, snapshot time, restore time) and says whether
#: the statistic's history was reset.
GAP_RULES: Mapping[ProfileKind, Callable[[Pool, Statistic, int, int], bool]] = MappingProxyType(
    {
        ProfileKind.Growing: _gap_growing,
        ProfileKind.Sliding: _gap_keep,
        ProfileKind.Selection: _gap_keep,
        ProfileKind.SinceLogin: _gap_keep,
    }
)


def _fast_forward(pool: Pool, since: int, now: int) -> int:
    """Carry every statistic across the gap ``(since, now]`` in one step per
    statistic (not one per reset instant: a three-day gap of a quarter-hour
    profile would be 288 resets each). Returns how many were reset."""
    live = {id(s) for s in pool.stats.values()}
    ordered: list[Statistic] = []
    for _, _, stat in sorted(pool._resets, key=lambda e: (e[0], e[1])):
        if id(stat) in live:  # each live statistic once, in schedule order
            live.discard(id(stat))
            ordered.append(stat)
    ordered += [s for s in pool.stats.values() if id(s) in live]
    n = 0
    untouched, moved = [], []
    for stat in ordered:
        if GAP_RULES[stat.profile.kind](pool, stat, since, now):
            n += 1
            moved.append(stat)
        else:
            untouched.append(stat)
    # the reset schedule in the order stepping would have left it: statistics
    # not reset in the gap first (older sequence numbers), then the others
    seq = pool._seq
    heap = [
        (stat.next_reset, next(seq), stat)
        for stat in (*untouched, *moved)
        if stat.next_reset is not None
    ]
    heap.sort(key=lambda e: (e[0], e[1]))
    pool._resets = heap
    # periodical sends missed in the gap are skipped, keeping their phase
    periodic: list[tuple[int, int, Subscription]] = []
    for at, _, sub in sorted(pool._periodic, key=lambda e: (e[0], e[1])):
        if at <= now:
            period = round(sub.settings.frequency * 1000)
            at += ((now - at) // period + 1) * period
            sub.next_send = at
        periodic.append((at, next(seq), sub))
    heapq.heapify(periodic)
    pool._periodic = periodic
    return n


def _reopen(engine: Engine, plan: _Plan, t: int) -> list[Notification]:
    """Reopen the subscriptions of statistics whose definition changed."""
    pool = engine._pool
    values = []
    for restart in plan.restarted:
        dfn = restart.definition
        for sd in restart.subscriptions:
            try:
                note = pool.open(
                    sd["subscriber"],
                    sd["ref_id"],
                    restart.obj,
                    dfn.type_name if dfn.type_name is not None else dfn.st,
                    t,
                    profile=dfn.prof.name,
                    time_range=None if dfn.rng is None else dfn.rng.name,
                    time_range2=None if dfn.rng2 is None else dfn.rng2.name,
                    filter=None if dfn.flt is None else dfn.flt.name or None,
                    settings=sd["settings"],
                )
            except LocalProtocolError as exc:
                plan.subscriptions_dropped += 1
                plan.warnings.append(
                    f"subscription ({sd['subscriber']!r}, {sd['ref_id']!r}) could not be "
                    f"reopened on its changed definition: {exc}"
                )
                continue
            plan.subscriptions += 1
            values.append(note)
    return values
