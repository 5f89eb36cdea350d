"""Interaction Server events -> media-channel and staging-area actions.

An agent may be served by several Interaction Servers at once (DOMAIN §2.2,
§3.9): each link keeps its own :class:`~statengine.core.state.Partial` of the
agent (the place, and one :class:`MediaChannel` per media type that link
reports). The agent's and the place's non-voice status is the priority-max
over the channels of every partial; a link that goes down takes only its own
channels to NotMonitored (:mod:`statengine.core.monitoring`).

Per channel (DOMAIN §3.5):

* ``Active`` while the media is added for the logged-in agent;
* ``WaitForNextCall`` / ``NotReadyForNextCall`` / ``AfterCallWork`` from the
  media's ready state (they give the channel its status);
* ``Routable`` / ``NotRoutable``: routable iff ready and the interactions on
  the channel are fewer than its capacity;
* ``Delivering`` from invitation to acceptance (``Accepted``) or refusal
  (``InteractionRejected`` / ``InteractionRevoked``), then the generic
  ``Handling`` and ``Handling{Inbound,Outbound,Internal}`` until the agent
  leaves it.

Staging areas (DOMAIN §3.6): ``InteractionEntered`` and the durable
``InteractionWaiting`` (the backlog) while an interaction sits in the queue;
it leaves with ``InteractionDistributed`` (taken by an agent),
``InteractionDistributedToQueue`` (moved), ``InteractionCleared`` (taken by
anything else) or ``InteractionDeleted`` (processing stopped).

Every interaction remembers the Interaction Server link that reported it
first: when that link goes down the interaction is forgotten with it
(:func:`statengine.core.monitoring.on_link_lost`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from statengine.core import events as ev
from statengine.core.actions import ActionKind
from statengine.core.monitoring import drop_partial
from statengine.core.objects import LinkConfig, ObjectRef, ObjectType
from statengine.core.state import (
    AgentState,
    MediaChannel,
    Model,
    Partial,
    PlaceState,
    add_sorted,
)
from statengine.errors import BadEventError

__all__ = ["INTERACTION_HANDLERS", "MEDIA_HANDLERS"]

K = ActionKind
_NO_REASONS: Mapping[str, str | int] = MappingProxyType({})

#: The durable action standing for each media ready state.
READY_ACTION: Mapping[str, ActionKind] = {
    "ready": K.WaitForNextCall,
    "notready": K.NotReadyForNextCall,
    "acw": K.AfterCallWork,
}

HANDLING: Mapping[ev.IxnType, tuple[ActionKind, ActionKind]] = {
    ev.IxnType.Inbound: (K.HandlingInbound, K.HandlingInboundStarted),
    ev.IxnType.Outbound: (K.HandlingOutbound, K.HandlingOutboundStarted),
    ev.IxnType.Internal: (K.HandlingInternal, K.HandlingInternalStarted),
}


@attrs.define(eq=False, slots=True)
class Interaction:
    """What the engine remembers of one interaction (keyed by tenant, ixn id)."""

    ixn_id: str
    media: str
    submitted: int
    #: the Interaction Server link that reported it (forgotten when it goes down)
    link: str = ""
    #: staging area it waits in now ("" if none) and the last one it was in
    waiting_in: str = ""
    last_queue: str = ""
    user_data: Mapping[str, str | int] = attrs.field(factory=dict)
    #: channels handling or being offered the interaction
    channels: list[MediaChannel] = attrs.field(factory=list)


# --------------------------------------------------------------------------
# Lookup
# --------------------------------------------------------------------------


def _agent_place(
    model: Model, event: ev.Event, link: LinkConfig, agent_id: str, place_name: str
) -> tuple[AgentState, PlaceState]:
    agent = model.agents.get((link.tenant, agent_id))
    if agent is None:
        raise BadEventError(event, "unknown-agent", f"no agent {agent_id!r} in {link.tenant}")
    place = model.places.get((link.tenant, place_name))
    if place is None:
        raise BadEventError(event, "unknown-place", f"no place {place_name!r} in {link.tenant}")
    return agent, place


def _partial(model: Model, event: Any, link: LinkConfig) -> Partial:
    agent, place = _agent_place(model, event, link, event.agent_id, event.place)
    partial = agent.partials.get(link.name)
    if partial is None:
        raise BadEventError(
            event, "not-logged-in", f"{agent.ref.id} is not logged in on {link.name!r}"
        )
    if partial.place is not place:
        raise BadEventError(
            event, "wrong-place", f"{agent.ref.id} is logged in at {partial.place.cfg.name!r}"
        )
    return partial


def _channel(model: Model, event: Any, link: LinkConfig, media: str) -> MediaChannel:
    partial = _partial(model, event, link)
    channel = partial.channels.get(media)
    if channel is None:
        raise BadEventError(event, "unknown-media", f"media {media!r} is not added")
    return channel


def _who(channel: MediaChannel) -> dict[str, Any]:
    place = channel.place.cfg.name if channel.place is not None else ""
    return {"agent": channel.agent_id, "place": place, "media": channel.media}


# --------------------------------------------------------------------------
# Channels
# --------------------------------------------------------------------------


def _routable(model: Model, channel: MediaChannel, t: int) -> None:
    """Keep exactly one of Routable / NotRoutable open (DOMAIN §3.5).

    A channel that is not monitored (its link is down) has neither.
    """
    if not channel.monitored:
        return
    want = channel.ready and len(channel.interactions) < channel.capacity
    on, off = (K.Routable, K.NotRoutable) if want else (K.NotRoutable, K.Routable)
    if (on, "") in channel.open:
        return
    model.end(channel, off, t)
    model.start(channel, on, t, **_who(channel))


def _set_ready(
    model: Model,
    channel: MediaChannel,
    t: int,
    mode: str,
    reasons: Mapping[str, str | int] = _NO_REASONS,
) -> None:
    current = (
        "ready"
        if channel.ready
        else ("acw" if (K.AfterCallWork, "") in channel.open else "notready")
    )
    action = channel.open.get((READY_ACTION[current], ""))
    if current == mode and (action is None or action.reasons == reasons):
        _routable(model, channel, t)
        return
    model.end(channel, READY_ACTION[current], t)
    channel.ready = mode == "ready"
    channel.reasons = reasons
    model.start(channel, READY_ACTION[mode], t, reasons=reasons, **_who(channel))
    _routable(model, channel, t)


def _add_channel(model: Model, partial: Partial, media: str, capacity: int, t: int) -> None:
    agent, place = partial.agent, partial.place
    ref = ObjectRef(
        agent.ref.tenant,
        ObjectType.MediaChannel,
        f"{media}|{agent.ref.id}|{place.cfg.name}|{partial.link}",
    )
    channel = MediaChannel(
        ref=ref,
        link=partial.link,
        monitored=True,
        since=t,
        place=place,
        media=media,
        capacity=capacity,
        agent_id=agent.ref.id,
    )
    partial.channels[media] = channel
    place.channels[(partial.link, agent.ref.id, media)] = channel
    who = _who(channel)
    model.start(channel, K.Active, t, **who)
    model.start(channel, K.NotReadyForNextCall, t, **who)
    _routable(model, channel, t)
    model.touch_place(place)
    model.touch_agent(agent)


def _remove_channel(model: Model, partial: Partial, media: str, t: int) -> None:
    channel = partial.channels.pop(media)
    for ixn_id in list(channel.interactions):
        _leave_channel(model, channel, ixn_id, t, K.InteractionRevoked, reroute=False)
    model.retire(channel, t)
    partial.place.channels.pop((partial.link, partial.agent.ref.id, media), None)
    model.touch_place(partial.place)
    model.touch_agent(partial.agent)


def on_login(model: Model, event: ev.IxnAgentLogin, t: int, link: LinkConfig) -> None:
    agent, place = _agent_place(model, event, link, event.agent_id, event.place)
    if link.name in agent.partials:
        raise BadEventError(
            event, "already-logged-in", f"{agent.ref.id} is already logged in on {link.name!r}"
        )
    for media, capacity in event.media.items():
        if not isinstance(capacity, int) or capacity < 0:
            raise BadEventError(event, "bad-capacity", f"{media}: {capacity!r}")
    partial = Partial(link=link.name, agent=agent, place=place)
    agent.partials[link.name] = partial
    model.scope_changed[agent] = None
    add_sorted(place.agents, agent)
    for media, capacity in sorted(event.media.items()):
        _add_channel(model, partial, media, int(capacity), t)
    model.touch_place(place)
    model.touch_agent(agent)


def on_logout(model: Model, event: ev.IxnAgentLogout, t: int, link: LinkConfig) -> None:
    partial = _partial(model, event, link)
    for media in sorted(partial.channels):
        _remove_channel(model, partial, media, t)
    drop_partial(model, link.name, (partial.agent.ref.tenant, partial.agent.ref.id), t)


def on_media_added(model: Model, event: ev.MediaAdded, t: int, link: LinkConfig) -> None:
    partial = _partial(model, event, link)
    if event.media in partial.channels:
        raise BadEventError(event, "duplicate-media", f"media {event.media!r} already added")
    if event.capacity < 0:
        raise BadEventError(event, "bad-capacity", f"{event.capacity!r}")
    _add_channel(model, partial, event.media, event.capacity, t)


def on_media_removed(model: Model, event: ev.MediaRemoved, t: int, link: LinkConfig) -> None:
    partial = _partial(model, event, link)
    if event.media not in partial.channels:
        raise BadEventError(event, "unknown-media", f"media {event.media!r} is not added")
    _remove_channel(model, partial, event.media, t)


def on_media_ready(model: Model, event: ev.MediaReady, t: int, link: LinkConfig) -> None:
    _set_ready(model, _channel(model, event, link, event.media), t, "ready")


def on_media_not_ready(model: Model, event: ev.MediaNotReady, t: int, link: LinkConfig) -> None:
    channel = _channel(model, event, link, event.media)
    mode = "acw" if event.work_mode is ev.WorkMode.AfterCallWork else "notready"
    _set_ready(model, channel, t, mode, event.reasons)


def on_reason_changed(
    model: Model, event: ev.AgentStateReasonChanged, t: int, link: LinkConfig
) -> None:
    partial = _partial(model, event, link)
    if event.media and event.media not in partial.channels:
        raise BadEventError(event, "unknown-media", f"media {event.media!r} is not added")
    medias = [event.media] if event.media else sorted(partial.channels)
    for media in medias:
        channel = partial.channels[media]
        if not channel.ready:
            mode = "acw" if (K.AfterCallWork, "") in channel.open else "notready"
            _set_ready(model, channel, t, mode, event.reasons)


# --------------------------------------------------------------------------
# Interactions at agents
# --------------------------------------------------------------------------


def _interaction(
    model: Model, event: ev.InteractionEvent, link: LinkConfig, create: bool = False, t: int = 0
) -> Interaction | None:
    key = (link.tenant, event.ixn_id)
    ixn: Interaction | None = model.interactions.get(key)
    if ixn is None and create:
        ixn = Interaction(
            ixn_id=event.ixn_id,
            media=event.media,
            submitted=t,
            link=link.name,
            user_data=dict(event.user_data),
        )
        model.interactions[key] = ixn
    return ixn


def _ixn_data(ixn: Interaction | None, event: ev.InteractionEvent) -> dict[str, Any]:
    user_data = ixn.user_data if ixn is not None else event.user_data
    return {"user_data": user_data, "queue": ixn.last_queue if ixn is not None else ""}


def _leave_channel(
    model: Model,
    channel: MediaChannel,
    ixn_id: str,
    t: int,
    refused: ActionKind,
    *,
    reroute: bool = True,
) -> None:
    """Close whatever the interaction has open on the channel.

    ``reroute=False`` when the channel itself is going away: its routability
    is not re-evaluated (that would open a Routable only to close it at once).
    """
    state = channel.interactions.pop(ixn_id, None)
    if state == "delivering":
        delivering = model.end(channel, K.Delivering, t, ixn_id)
        if delivering is not None:
            model.instant(channel, refused, t, delivering, start=delivering.start)
    elif state is not None:
        for kind, _ in HANDLING.values():
            model.end(channel, kind, t, ixn_id)
        model.end(channel, K.Handling, t, ixn_id)
    ixn = model.interactions.get((channel.ref.tenant, ixn_id))
    if ixn is not None and channel in ixn.channels:
        ixn.channels.remove(channel)
    if reroute:
        _routable(model, channel, t)


def on_invited(model: Model, event: ev.AgentInvited, t: int, link: LinkConfig) -> None:
    channel = _channel(model, event, link, event.media)
    if event.ixn_id in channel.interactions:
        raise BadEventError(event, "duplicate-interaction", f"{event.ixn_id!r} is already here")
    ixn = _interaction(model, event, link, create=True, t=t)
    assert ixn is not None
    ixn.channels.append(channel)
    channel.interactions[event.ixn_id] = "delivering"
    data = {**_who(channel), **_ixn_data(ixn, event)}
    model.start(channel, K.Delivering, t, event.ixn_id, **data)
    model.instant(channel, K.DeliveringStarted, t, conn_id=event.ixn_id, **data)
    _routable(model, channel, t)


def on_party_added(model: Model, event: ev.IxnPartyAdded, t: int, link: LinkConfig) -> None:
    channel = _channel(model, event, link, event.media)
    state = channel.interactions.get(event.ixn_id)
    if state == "handling":
        raise BadEventError(event, "duplicate-interaction", f"{event.ixn_id!r} is handled already")
    ixn = _interaction(model, event, link, create=True, t=t)
    assert ixn is not None
    data = {**_who(channel), **_ixn_data(ixn, event)}
    if state == "delivering":
        delivering = model.end(channel, K.Delivering, t, event.ixn_id)
        assert delivering is not None
        model.instant(channel, K.Accepted, t, delivering, start=delivering.start)
    else:
        ixn.channels.append(channel)
    channel.interactions[event.ixn_id] = "handling"
    handling, started = HANDLING[event.ixn_type]
    model.start(channel, handling, t, event.ixn_id, **data)
    model.instant(channel, started, t, conn_id=event.ixn_id, **data)
    # the generic durable Handling runs alongside the typed one (its status,
    # CallUnknown, ranks below theirs, so the typed action defines the status)
    model.start(channel, K.Handling, t, event.ixn_id, **data)
    model.instant(channel, K.HandlingStarted, t, conn_id=event.ixn_id, **data)
    _routable(model, channel, t)


def _leave(kind: ActionKind) -> Callable[[Model, Any, int, LinkConfig], None]:
    def handler(model: Model, event: Any, t: int, link: LinkConfig) -> None:
        partial = _partial(model, event, link)
        channel = next(
            (c for c in partial.channels.values() if event.ixn_id in c.interactions), None
        )
        if channel is None:
            raise BadEventError(
                event, "no-such-interaction", f"{event.ixn_id!r} is not at {partial.agent.ref.id}"
            )
        if kind is not K.Handling and channel.interactions[event.ixn_id] != "delivering":
            raise BadEventError(
                event, "wrong-interaction-state", f"{event.ixn_id!r} was already accepted"
            )
        _leave_channel(
            model, channel, event.ixn_id, t, K.InteractionRevoked if kind is K.Handling else kind
        )

    return handler


# --------------------------------------------------------------------------
# Staging areas
# --------------------------------------------------------------------------


def _staging(model: Model, event: Any, link: LinkConfig, name: str) -> Any:
    area = model.staging.get((link.tenant, name))
    if area is None:
        raise BadEventError(event, "unknown-staging-area", f"no staging area {name!r}")
    return area


def _enter(model: Model, ixn: Interaction, area: Any, t: int, event: Any) -> None:
    ixn.waiting_in = ixn.last_queue = area.ref.id
    data = {"user_data": ixn.user_data, "queue": area.ref.id, "media": ixn.media}
    model.start(area, K.InteractionWaiting, t, ixn.ixn_id, **data)
    model.instant(area, K.InteractionEntered, t, conn_id=ixn.ixn_id, **data)


def _exit(model: Model, ixn: Interaction, link: LinkConfig, t: int, kind: ActionKind) -> None:
    area = model.staging[(link.tenant, ixn.waiting_in)]
    wait = model.end(area, K.InteractionWaiting, t, ixn.ixn_id)
    assert wait is not None
    model.instant(area, kind, t, wait, start=wait.start)
    ixn.waiting_in = ""


def on_submitted(model: Model, event: ev.Submitted, t: int, link: LinkConfig) -> None:
    area = _staging(model, event, link, event.queue)
    if (link.tenant, event.ixn_id) in model.interactions:
        raise BadEventError(event, "duplicate-interaction", f"{event.ixn_id!r} exists")
    ixn = _interaction(model, event, link, create=True, t=t)
    assert ixn is not None
    if event.itx_state == 0:
        _enter(model, ixn, area, t, event)


def on_placed_in_queue(model: Model, event: ev.PlacedInQueue, t: int, link: LinkConfig) -> None:
    area = _staging(model, event, link, event.queue)
    ixn = _interaction(model, event, link)
    if ixn is not None and ixn.waiting_in == event.queue:
        raise BadEventError(event, "duplicate-interaction", f"already in {event.queue!r}")
    if ixn is None:
        ixn = _interaction(model, event, link, create=True, t=t)
        assert ixn is not None
    if event.user_data:
        ixn.user_data = {**ixn.user_data, **event.user_data}
    if ixn.waiting_in:
        _exit(model, ixn, link, t, K.InteractionDistributedToQueue)
    _enter(model, ixn, area, t, event)


def on_taken_from_queue(model: Model, event: ev.TakenFromQueue, t: int, link: LinkConfig) -> None:
    ixn = _interaction(model, event, link)
    if ixn is None or ixn.waiting_in != event.queue:
        raise BadEventError(
            event, "no-such-interaction", f"{event.ixn_id!r} not in {event.queue!r}"
        )
    kind = (
        K.InteractionDistributed
        if event.party_type is ev.PartyType.Agent
        else (K.InteractionCleared)
    )
    _exit(model, ixn, link, t, kind)


def on_processing_stopped(
    model: Model, event: ev.ProcessingStopped, t: int, link: LinkConfig
) -> None:
    ixn = _interaction(model, event, link)
    if ixn is None:
        raise BadEventError(event, "no-such-interaction", f"{event.ixn_id!r} is unknown")
    if ixn.waiting_in:
        _exit(model, ixn, link, t, K.InteractionDeleted)
    elif ixn.last_queue:
        area = model.staging[(link.tenant, ixn.last_queue)]
        model.instant(
            area,
            K.InteractionDeleted,
            t,
            start=ixn.submitted,
            conn_id=ixn.ixn_id,
            queue=ixn.last_queue,
            media=ixn.media,
            user_data=ixn.user_data,
        )
    for channel in list(ixn.channels):
        _leave_channel(model, channel, ixn.ixn_id, t, K.InteractionRevoked)
    del model.interactions[(link.tenant, event.ixn_id)]


def on_properties_changed(
    model: Model, event: ev.PropertiesChanged, t: int, link: LinkConfig
) -> None:
    ixn = _interaction(model, event, link)
    if ixn is None:
        raise BadEventError(event, "no-such-interaction", f"{event.ixn_id!r} is unknown")
    ixn.user_data = {**ixn.user_data, **event.user_data}


MediaHandler = Callable[[Model, Any, int, LinkConfig], None]

#: Agent / media-channel events of an Interaction Server link.
MEDIA_HANDLERS: Mapping[type, MediaHandler] = {
    ev.IxnAgentLogin: on_login,
    ev.IxnAgentLogout: on_logout,
    ev.MediaAdded: on_media_added,
    ev.MediaRemoved: on_media_removed,
    ev.MediaReady: on_media_ready,
    ev.MediaNotReady: on_media_not_ready,
    ev.AgentStateReasonChanged: on_reason_changed,
}

#: Interaction events of an Interaction Server link.
INTERACTION_HANDLERS: Mapping[type, MediaHandler] = {
    ev.AgentInvited: on_invited,
    ev.IxnPartyAdded: on_party_added,
    ev.IxnPartyRemoved: _leave(K.Handling),
    ev.Rejected: _leave(K.InteractionRejected),
    ev.Revoked: _leave(K.InteractionRevoked),
    ev.Submitted: on_submitted,
    ev.PlacedInQueue: on_placed_in_queue,
    ev.TakenFromQueue: on_taken_from_queue,
    ev.ProcessingStopped: on_processing_stopped,
    ev.PropertiesChanged: on_properties_changed,
}
