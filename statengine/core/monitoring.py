"""Links and monitoring: what a CTI link going up or down does (DOMAIN §2.1, §8.2).

* A T-Server link coming up makes its switch's DNs Monitored (the
  ``Monitored`` action starts on mediation DNs); each DN's state is then
  rebuilt from its ``Registered`` snapshot.
* Losing it (LinkDisconnected, ServerDisconnected) ends every open action of
  that switch's DNs **at the loss time**, forgets their calls and makes them
  NotMonitored. The agent stays associated with the DN (nothing says they
  logged out), so the agent's status becomes NotMonitored, not LoggedOut.
* An Interaction Server link going down ends the open actions of the media
  channels it reported and marks them NotMonitored; voice DNs and the other
  links' channels are untouched. The interactions it reported are forgotten:
  their staging-area waits end at the loss time with no outcome action (an
  interaction still on a channel of another link that is up stays, now
  belonging to that link). When it comes back, its partial states are
  dropped and rebuilt from the logins it reports again.
* DNOutOfService / DNBackInService do the same for a single DN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from statengine.core import events as ev
from statengine.core.actions import ActionKind
from statengine.core.objects import LinkConfig, LinkKind
from statengine.core.state import Device, DNState, Model, discard
from statengine.core.voice import sync_pseudo
from statengine.errors import BadEventError

__all__ = ["LINK_HANDLERS", "MONITORING_HANDLERS", "drop_partial"]

K = ActionKind


def set_monitored(model: Model, dev: Device, monitored: bool, t: int) -> None:
    """Flip a device's monitoring, closing its actions when it is lost."""
    if dev.monitored == monitored:
        return
    model.monitoring_devices[dev] = None
    if not monitored:
        model.end_all(dev, t)
        if isinstance(dev, DNState):
            dev.legs.clear()
            dev.mode = ""
            dev.pending_acw = None
            dev.acw_queue = ""
            if dev.mediation:
                model.start(dev, K.NotMonitored, t)
    elif isinstance(dev, DNState) and dev.mediation:
        model.end(dev, K.NotMonitored, t)
        model.start(dev, K.Monitored, t)
    dev.monitored = monitored
    model.touch(dev)
    if isinstance(dev, DNState) and not dev.mediation:
        # the queue pseudo-actions of this DN mirror its LoggedIn, mode and
        # calls: a DN that is lost ends them with the rest
        sync_pseudo(model, dev, t)


def _forget_calls(model: Model, switch: str, dn: DNState | None = None) -> None:
    """Drop the call records of a switch (or of one DN) after a loss."""
    for key in [k for k in model.calls if k[0] == switch]:
        call = model.calls[key]
        if dn is None:
            del model.calls[key]
            continue
        call.parties.discard(dn.cfg.id)
        if call.waiting_on == dn.cfg.id:
            call.waiting_on = ""
        if not call.parties and not call.waiting_on:
            del model.calls[key]


def drop_partial(model: Model, link: str, agent_key: tuple[str, str], t: int) -> None:
    """Forget one agent's partial state of one Interaction Server link."""
    agent = model.agents[agent_key]
    partial = agent.partials.pop(link)
    model.scope_changed[agent] = None
    for media in list(partial.channels):
        channel = partial.channels.pop(media)
        model.retire(channel, t)
        partial.place.channels.pop((link, agent.ref.id, media), None)
    place = partial.place
    if not any(d.agent is agent for d in place.dns) and not any(
        p.place is place for p in agent.partials.values()
    ):
        discard(place.agents, agent)
    model.touch_place(place)
    model.touch_agent(agent)


def _drop_interactions(model: Model, link: LinkConfig, t: int) -> None:
    """Forget the interactions an Interaction Server link reported, as it goes down.

    Their staging-area waits (``InteractionWaiting``) end at ``t`` with no
    outcome action: nobody knows what became of them. The channels of the
    link are forgotten by every interaction (they were cleared already). An
    interaction still offered to or handled on a channel of another link that
    is up is kept and passes to that link.
    """
    for key in [k for k in model.interactions if k[0] == link.tenant]:
        ixn = model.interactions[key]
        ixn.channels = [c for c in ixn.channels if c.link != link.name]
        if ixn.link != link.name:
            continue
        survivor = next((c for c in ixn.channels if model.link_up.get(c.link)), None)
        if survivor is not None:
            ixn.link = survivor.link
            continue
        if ixn.waiting_in:
            area = model.staging.get((link.tenant, ixn.waiting_in))
            if area is not None:
                model.end(area, K.InteractionWaiting, t, ixn.ixn_id)
        del model.interactions[key]


def on_link_connected(model: Model, event: ev.LinkConnected, t: int, link: LinkConfig) -> None:
    if model.link_up[link.name]:
        raise BadEventError(event, "link-already-up", f"link {link.name!r} is already connected")
    model.link_up[link.name] = True
    if link.kind is LinkKind.TSERVER:
        for dn in model.dns_by_switch.get(link.switch or "", ()):
            set_monitored(model, dn, True, t)
    else:
        for key, agent in model.agents.items():
            if link.name in agent.partials:
                drop_partial(model, link.name, key, t)
        for (tenant, _), area in model.staging.items():
            if tenant == link.tenant:
                set_monitored(model, area, True, t)


def on_link_lost(model: Model, event: ev.Event, t: int, link: LinkConfig) -> None:
    if not model.link_up[link.name]:
        raise BadEventError(event, "link-down", f"link {link.name!r} is already down")
    model.link_up[link.name] = False
    if link.kind is LinkKind.TSERVER:
        switch = link.switch or ""
        for dn in model.dns_by_switch.get(switch, ()):
            set_monitored(model, dn, False, t)
        _forget_calls(model, switch)
    else:
        for agent in model.agents.values():
            partial = agent.partials.get(link.name)
            if partial is None:
                continue
            for channel in partial.channels.values():
                channel.interactions.clear()
                channel.ready = False
                set_monitored(model, channel, False, t)
        _drop_interactions(model, link, t)
        others_up = any(
            up
            and model.links[name].kind is LinkKind.IXNSERVER
            and model.links[name].tenant == link.tenant
            for name, up in model.link_up.items()
        )
        if not others_up:
            for (tenant, _), area in model.staging.items():
                if tenant == link.tenant:
                    set_monitored(model, area, False, t)
            for key in [k for k in model.interactions if k[0] == link.tenant]:
                del model.interactions[key]


def on_dn_out_of_service(model: Model, event: ev.DNOutOfService, t: int, dn: DNState) -> None:
    if not dn.monitored:
        raise BadEventError(event, "dn-out-of-service", f"{dn.cfg.id} is not monitored")
    set_monitored(model, dn, False, t)
    _forget_calls(model, dn.cfg.switch, dn)


def on_dn_back_in_service(model: Model, event: ev.DNBackInService, t: int, dn: DNState) -> None:
    if dn.monitored:
        raise BadEventError(event, "dn-in-service", f"{dn.cfg.id} is already monitored")
    set_monitored(model, dn, True, t)
    if dn.mediation:
        # a queue back in service gets the pseudo-actions of the agents still
        # logged into it (after a link loss, their Registered does it)
        for other in model.dns_by_switch.get(dn.cfg.switch, ()):
            if other.login_queue == dn.cfg.id:
                sync_pseudo(model, other, t)


#: Link-level events -> handler(model, event, t, link).
LINK_HANDLERS: Mapping[type, Callable[[Model, Any, int, LinkConfig], None]] = {
    ev.LinkConnected: on_link_connected,
    ev.LinkDisconnected: on_link_lost,
    ev.ServerDisconnected: on_link_lost,
}

#: DN monitoring events -> handler(model, event, t, dn). These are accepted
#: while the DN is not monitored, unlike every other DN event.
MONITORING_HANDLERS: Mapping[type, Callable[[Model, Any, int, DNState], None]] = {
    ev.DNOutOfService: on_dn_out_of_service,
    ev.DNBackInService: on_dn_back_in_service,
}
