"""Shared builders for the core scenario tests.

A scenario is a table of :class:`Step` s fed one by one to an
:class:`~statengine.core.Engine` over ``configs/example.toml``. After every
event the runner asserts

* the exact list of actions the event emitted, in a compact notation
  (:func:`fmt`);
* the status of every *watched* object (DNs, places, agents, media channels,
  staging areas, groups). A step names only the statuses it changes; the
  runner carries the others forward and checks them all, so an unexpected
  change anywhere in the watch list fails the step.

Action notation, one string per action::

    +Kind@device/conn          a durable action opened (end is None)
    -Kind@device/conn 5s       a durable action closed, with its duration
    !Kind@device/conn          a momentary action (start == end)
    !Kind@device/conn 5s       a retrospective action with the duration it carries

``device`` is the DN number (``5001``), the staging area name (``Backlog``)
or a media channel as ``<agent>.<media>@<link>`` (``1001.chat@ixn1``);
``/conn`` is omitted when the action has no ConnID / interaction id, and a
``@SW1`` suffix is dropped from the conn id of queue pseudo-actions.
Durations print as whole seconds (``5s``) or milliseconds (``1500ms``).

Times in tables are seconds after :data:`T0`.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pytest

from statengine.config import Config, load_packaged, parse_config
from statengine.core import events as ev
from statengine.core.actions import ACTION_CLASS, Action, ActionClass
from statengine.core.engine import Engine, FeedResult
from statengine.core.objects import ObjectRef, ObjectType
from statengine.core.state import Model, StatusChange
from statengine.core.status import Status
from statengine.errors import BadEventError

__all__ = [
    "T0",
    "Scenario",
    "Step",
    "e",
    "example_config",
    "fmt",
    "fmt_change",
    "model_snapshot",
    "ms",
    "run_flow",
]

#: The scenarios' epoch: 2023-11-14T22:13:20Z, in ms.
T0 = 1_700_000_000_000

_EXAMPLE = load_packaged("example")
_VARIANTS: dict[str, Config] = {}


def example_config(extra: str = "") -> Config:
    """``configs/example.toml``, with ``extra`` TOML appended (e.g. another group)."""
    if not extra:
        return _EXAMPLE
    if extra not in _VARIANTS:
        text = importlib.resources.files("configs").joinpath("example.toml").read_text("utf-8")
        _VARIANTS[extra] = parse_config(text + "\n" + extra, source="example+extra")
    return _VARIANTS[extra]


def ms(t: float) -> int:
    """Seconds after :data:`T0` -> POSIX ms."""
    return T0 + round(t * 1000)


def e(cls: type[ev.Event], t: float, **fields: Any) -> ev.Event:
    """Build an event at ``t`` seconds after T0 with the usual defaults.

    The link defaults to ``ts1`` for T-Server and link events and to ``ixn1``
    for Interaction Server events; configuration events get tenant ``Main``.
    """
    if cls.family == "config":
        fields.setdefault("tenant", "Main")
        fields.setdefault("link", "")
    elif cls.family == "ixn":
        fields.setdefault("link", "ixn1")
    else:
        fields.setdefault("link", "ts1")
    return cls(time=ms(t), **fields)


def _short(text: str) -> str:
    return text.removesuffix("@SW1")


def _device(ref: ObjectRef) -> str:
    if ref.type is ObjectType.MediaChannel:
        media, agent, _place, link = ref.id.split("|")
        return f"{agent}.{media}@{link}"
    return _short(ref.id)


def _duration(d: int) -> str:
    return f"{d // 1000}s" if d % 1000 == 0 else f"{d}ms"


def fmt(action: Action) -> str:
    """One action in the notation of the module docstring."""
    where = _device(action.device)
    if action.conn_id:
        where += "/" + _short(action.conn_id)
    if action.end is None:
        return f"+{action.kind.value}@{where}"
    cls = ACTION_CLASS[action.kind]
    if cls is ActionClass.DURABLE:
        return f"-{action.kind.value}@{where} {_duration(action.duration)}"
    if cls is ActionClass.RETROSPECTIVE:
        return f"!{action.kind.value}@{where} {_duration(action.duration)}"
    assert action.start == action.end, action
    return f"!{action.kind.value}@{where}"


def fmt_change(change: StatusChange) -> str:
    """``5001: NotReadyForNextCall->NotReadyForNextCall`` for a status change."""
    return f"{_device(change.ref)}: {change.old.name}->{change.new.name}"


@attrs.frozen
class Step:
    """One event and what it must do.

    ``statuses`` names only the watched objects whose status changes (a
    group's value is ``{status name: count}``); ``changes``, when given, is
    the exact list of status changes (:func:`fmt_change`) the event emits.
    """

    event: ev.Event
    actions: Sequence[str]
    statuses: Mapping[str, Any] = attrs.field(factory=dict)
    changes: Sequence[str] | None = None
    #: when given: the reason key the event must be refused with
    refused: str | None = None


class Scenario:
    """An engine over the example center, with name lookup and status reads.

    Object names are those of ``configs/example.toml``: DN numbers (``5001``,
    ``8001``, ``9000``), places (``P01``), agents (``1001``), groups
    (``SalesTeam``), the staging area ``Backlog`` and media channels
    ``<agent>.<media>@<link>``.
    """

    def __init__(self, *, strict: bool = True, extra_config: str = "") -> None:
        self.engine = Engine(example_config(extra_config), strict=strict)
        self.refs: dict[str, ObjectRef] = {}
        for type_ in (
            ObjectType.RegDN,
            ObjectType.Queue,
            ObjectType.RoutePoint,
            ObjectType.Place,
            ObjectType.Agent,
            ObjectType.GroupAgents,
            ObjectType.GroupPlaces,
        ):
            for ref in self.engine.objects(type_):
                self.refs[_short(ref.id)] = ref
        self.staging_areas = {name for (_, name) in self.model.staging}

    @property
    def model(self) -> Model:
        return self.engine.model

    def ref(self, name: str) -> ObjectRef:
        return self.refs[name]

    def feed(self, event: ev.Event) -> FeedResult:
        return self.engine.feed(event)

    def feed_all(self, events: Iterable[ev.Event]) -> None:
        for event in events:
            self.engine.feed(event)

    def status(self, name: str) -> Any:
        """The watched value of one object (see :class:`Step`).

        A DN, place or agent: its status name. A group: ``{status: count}``.
        A media channel: its status name, or ``"absent"``. A staging area
        (``Backlog``): ``(status name, number of interactions waiting)``.
        ``members:<group>``: the group's member ids, sorted.
        ``<DN>#<action kind>``: how many actions of that kind are open on the
        DN (``8001#AgentReady``: agents ready for queue 8001).
        """
        if name.startswith("members:"):
            return tuple(r.id for r in self.engine.group_members(self.refs[name[8:]]))
        if "#" in name:
            device, kind = name.split("#")
            dn = self.model.dns_by_id[self.refs[device].id]
            return sum(1 for k, _ in dn.open if k.value == kind)
        if name in self.staging_areas:
            area = self.model.staging[("Main", name)]
            return (area.status.name, len(area.open))
        if "." in name:
            agent_id, rest = name.split(".")
            media, link = rest.split("@")
            partial = self.model.agents[("Main", agent_id)].partials.get(link)
            channel = partial.channels.get(media) if partial is not None else None
            return channel.status.name if channel is not None else "absent"
        ref = self.refs[name]
        if ref.type in (ObjectType.GroupAgents, ObjectType.GroupPlaces):
            return {s.name: n for s, n in sorted(self.engine.group_status(ref).items(), key=_rank)}
        return self.engine.status(ref).status.name

    def initial(self, name: str) -> Any:
        """The watched value of ``name`` in a fresh engine (all links down).

        For ``members:<group>`` that is the membership the configuration
        gives before any event (static members, skill-only scripts).
        """
        if name.startswith("members:"):
            return self.status(name)
        if "#" in name:
            return 0
        if name in self.staging_areas:
            return ("NotMonitored", 0)
        if "." in name:
            return "absent"
        ref = self.refs[name]
        if ref.type is ObjectType.Agent:
            return "LoggedOut"
        if ref.type in (ObjectType.GroupAgents, ObjectType.GroupPlaces):
            group = self.model.groups[ref]
            first = "LoggedOut" if ref.type is ObjectType.GroupAgents else "NotMonitored"
            return {first: len(group.members)} if group.members else {}
        return "NotMonitored"


def _rank(item: tuple[Status, int]) -> int:
    return item[0].value


def run_flow(
    steps: Sequence[Step], watch: Sequence[str], *, scenario: Scenario | None = None
) -> Scenario:
    """Feed ``steps`` and check each one (module docstring); returns the scenario."""
    sc = scenario or Scenario()
    expected = {name: sc.initial(name) for name in watch}
    assert {name: sc.status(name) for name in watch} == expected, "before the first event"
    for i, step in enumerate(steps):
        label = f"step {i}: {type(step.event).__name__} at {(step.event.time - T0) / 1000}s"
        unknown = set(step.statuses) - set(expected)
        assert not unknown, f"{label}: not watched: {sorted(unknown)}"
        if step.refused is not None and sc.engine.strict:
            with pytest.raises(BadEventError) as info:
                sc.engine.feed(step.event)
            assert info.value.reason == step.refused, label
            got: list[str] = []
            changes: list[str] = []
        else:
            result = sc.engine.feed(step.event)
            refused = result.refused.reason if result.refused is not None else None
            assert refused == step.refused, label
            got = [fmt(a) for a in result.actions]
            changes = [fmt_change(c) for c in result.status_changes]
        assert got == list(step.actions), label
        expected.update(step.statuses)
        assert {name: sc.status(name) for name in watch} == expected, label
        if step.changes is not None:
            assert changes == list(step.changes), label
    return sc


def model_snapshot(model: Model) -> dict[str, Any]:
    """Everything a refused event must leave untouched, as plain comparable data."""

    def dev(d: Any) -> tuple[Any, ...]:
        return (d.monitored, dict(d.open), d.status, d.since, d.status_action)

    out: dict[str, Any] = {}
    out["link_up"] = dict(model.link_up)
    for dn in model.dns.values():
        out[f"dn {dn.ref.id}"] = (
            *dev(dn),
            dn.agent.ref.id if dn.agent is not None else None,
            dn.mode,
            dict(dn.pending_acw) if dn.pending_acw is not None else None,
            dn.sticky,
            {k: attrs.asdict(v) for k, v in dn.legs.items()},
            dn.login_queue,
            dn.acw_queue,
        )
    for place in model.places.values():
        out[f"place {place.ref.id}"] = (
            place.status,
            place.since,
            place.status_action,
            sorted(a.ref.id for a in place.agents),
            sorted(place.channels),
        )
    for agent in model.agents.values():
        out[f"agent {agent.ref.id}"] = (
            agent.status,
            agent.since,
            agent.status_action,
            dict(agent.skills),
            [d.ref.id for d in agent.voice_dns],
            {
                link: (
                    p.place.ref.id,
                    {
                        m: (*dev(c), c.ready, c.capacity, dict(c.interactions), dict(c.reasons))
                        for m, c in p.channels.items()
                    },
                )
                for link, p in agent.partials.items()
            },
            sorted(g.ref.id for g in agent.groups),
        )
    for ref, group in model.groups.items():
        out[f"group {ref.id}"] = (sorted(m.ref.id for m in group.members), dict(group.counts))
    out["calls"] = {k: attrs.asdict(v) for k, v in model.calls.items()}
    out["interactions"] = {
        k: (v.waiting_in, v.last_queue, dict(v.user_data), [c.ref.id for c in v.channels])
        for k, v in model.interactions.items()
    }
    out["staging"] = {k: dev(v) for k, v in model.staging.items()}
    out["batch"] = (
        list(model.actions),
        list(model.changes),
        list(model.dirty_devices),
        set(model.dirty_places),
        set(model.dirty_agents),
    )
    return out
