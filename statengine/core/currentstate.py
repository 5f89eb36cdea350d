"""CurrentState trees (DOMAIN §3.10): what an object is doing, as a structure.

Agent -> the places it is logged in at -> their devices (DNs, the agent's
media channels) -> the open actions on each; a place -> its devices; a group
-> its members' trees; a DN or queue -> its open actions (a queue's are the
calls waiting). Each node carries its status, since when, and the reasons of
the action that defines the status (CurrentStateReasons).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from statengine.core.actions import Action
from statengine.core.objects import ObjectRef
from statengine.core.state import AgentState, Device, GroupState, PlaceState
from statengine.core.status import RANK, Status

__all__ = ["StateNode", "state_tree"]


@attrs.frozen(kw_only=True)
class StateNode:
    """One node of a CurrentState tree."""

    ref: ObjectRef
    status: Status
    since: int
    actions: tuple[Action, ...] = ()
    children: tuple[StateNode, ...] = ()
    #: the reasons of the action that defines the status (CurrentStateReasons)
    reasons: Mapping[str, str | int] = attrs.field(factory=dict)


def _node(
    obj: Any, *, actions: tuple[Action, ...] = (), children: tuple[StateNode, ...] = ()
) -> StateNode:
    action = obj.status_action
    return StateNode(
        ref=obj.ref,
        status=obj.status,
        since=obj.since,
        actions=actions,
        children=children,
        reasons=dict(action.reasons) if action is not None else {},
    )


def state_tree(obj: Any, now: int) -> StateNode:
    """The tree of a runtime object (a device, place, agent or group)."""
    if isinstance(obj, Device):
        actions = tuple(sorted(obj.open.values(), key=lambda a: (a.start, a.kind.value, a.conn_id)))
        return _node(obj, actions=actions)
    if isinstance(obj, PlaceState):
        devices: list[Device] = [*obj.dns, *obj.channels.values()]
        return _node(obj, children=tuple(state_tree(d, now) for d in devices))
    if isinstance(obj, AgentState):
        children = []
        for place in obj.places():
            devs: list[Device] = list(place.dns)
            devs += [
                c for p in obj.partials.values() if p.place is place for c in p.channels.values()
            ]
            children.append(_node(place, children=tuple(state_tree(d, now) for d in devs)))
        children += [state_tree(dn, now) for dn in obj.voice_dns if dn.place is None]
        return _node(obj, children=tuple(children))
    assert isinstance(obj, GroupState)
    members = sorted(obj.members, key=lambda m: m.ref)
    best = max((m.status for m in members), default=Status.NotMonitored, key=RANK.__getitem__)
    # a group has no status of its own: its node changes when a member's does
    since = max((m.since for m in members), default=0)
    return StateNode(
        ref=obj.ref, status=best, since=since, children=tuple(state_tree(m, now) for m in members)
    )
