"""T-Server events -> actions on regular and mediation DNs.

Each handler keeps the rule of the module docstring of :mod:`state`: it
checks everything that can make the event impossible **before** it changes
anything, and raises :class:`BadEventError` with a stable reason key. The
triggers follow ``shared/DOMAIN.md`` §3.3-§3.4; where DOMAIN marks a trigger
[K], the choice made here is written in ``docs/semantics.md``.

:data:`VOICE_HANDLERS` maps each event class to its handler; the engine
resolves the link and the DN (:func:`resolve_dn`) before calling it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from statengine.core import events as ev
from statengine.core.actions import CALL_ACTION_OF_TYPE, Action, ActionKind
from statengine.core.objects import dn_id
from statengine.core.state import Call, DNState, Leg, Model, add_sorted, discard
from statengine.errors import BadEventError

__all__ = ["VOICE_HANDLERS", "resolve_dn"]

K = ActionKind
KV = Mapping[str, str | int]
NO_REASONS: KV = MappingProxyType({})

#: The durable action standing for each agent mode on a DN.
MODE_ACTION: Mapping[str, ActionKind] = {
    "ready": K.WaitForNextCall,
    "notready": K.NotReadyForNextCall,
    "acw": K.AfterCallWork,
}


# --------------------------------------------------------------------------
# Resolution and attribution
# --------------------------------------------------------------------------


def resolve_dn(model: Model, event: ev.DNEvent) -> DNState:
    """The DN an event names on its link's switch; refuses unknown DNs."""
    link = model.links[event.link]
    dn = model.dns.get((link.switch or "", event.dn))
    if dn is None:
        raise BadEventError(event, "unknown-dn", f"no DN {event.dn!r} on switch {link.switch!r}")
    return dn


def who(dn: DNState) -> tuple[str, str]:
    """(agent employee id, place name) an action on ``dn`` is attributed to."""
    agent = dn.agent
    place = dn.place
    if agent is None and place is not None and len(place.agents) == 1:
        agent = place.agents[0]
    return (agent.ref.id if agent is not None else "", place.cfg.name if place is not None else "")


def _call(model: Model, dn: DNState, conn_id: str) -> Call:
    key = (dn.cfg.switch, conn_id)
    call = model.calls.get(key)
    if call is None:
        call = model.calls[key] = Call(conn_id=conn_id)
    return call


def forget_party(model: Model, dn: DNState, conn_id: str) -> None:
    key = (dn.cfg.switch, conn_id)
    call = model.calls.get(key)
    if call is None:
        return
    call.parties.discard(dn.cfg.id)
    if not call.parties and not call.waiting_on:
        del model.calls[key]


def _queue_dn(model: Model, dn: DNState, queue_id: str) -> DNState | None:
    return model.dns_by_id.get(queue_id) if queue_id else None


def reflect(
    model: Model,
    dn: DNState,
    leg: Leg,
    kind: ActionKind,
    t: int,
    like: Action,
    start: int | None = None,
) -> None:
    """A "reflecting regular DNs" action on the queue that distributed the call."""
    queue = _queue_dn(model, dn, leg.queue)
    if queue is None:
        return
    call = model.calls.get((dn.cfg.switch, leg.conn_id))
    if start is None:
        start = call.distributed_entered if call is not None and call.distributed_entered else t
    model.instant(queue, kind, t, like, start=start, queue=leg.queue)


# --------------------------------------------------------------------------
# Agent modes (ready / not ready / after-call work) and queue pseudo-actions
# --------------------------------------------------------------------------


def set_mode(model: Model, dn: DNState, t: int, mode: str, reasons: KV = NO_REASONS) -> None:
    """Move the DN's agent to ``mode``, closing the previous mode's action.

    Re-entering the same mode with other reasons restarts the action (the
    status stays; DOMAIN §10.3: reasons may change without a status change).
    ACW that ends is reflected as ACWCompleted on the queue of the call it
    followed; leaving the wrap-up chance without ACW gives ACWMissed.
    """
    old = dn.mode
    if old == mode:
        current = dn.open.get((MODE_ACTION[mode], "")) if mode else None
        if not mode or mode == "ready" or current is None or current.reasons == reasons:
            return
    agent_id, place = who(dn)
    closed = None
    if old:
        closed = model.end(dn, MODE_ACTION[old], t)
        if old == "acw" and closed is not None and closed.queue and mode != "acw":
            queue_dn = model.dns_by_id.get(closed.queue)
            if queue_dn is not None:
                model.instant(queue_dn, K.ACWCompleted, t, closed, start=closed.start)
    acw_queue = dn.acw_queue
    if acw_queue and mode and mode != "acw":
        queue_dn = model.dns_by_id.get(acw_queue)
        if queue_dn is not None:
            model.instant(queue_dn, K.ACWMissed, t, agent=agent_id, place=place, queue=acw_queue)
        dn.acw_queue = ""
    dn.mode = mode
    if mode:
        queue = ""
        if mode == "acw":
            queue = acw_queue or (closed.queue if closed is not None and old == "acw" else "")
            dn.acw_queue = ""
        model.start(
            dn, MODE_ACTION[mode], t, agent=agent_id, place=place, queue=queue, reasons=reasons
        )


def sync_pseudo(model: Model, dn: DNState, t: int) -> None:
    """Keep the queue pseudo-actions of the DN's agent in step (DOMAIN §3.4).

    On the queue the agent logged into: AgentLogin(Mediation) while logged
    in (LoggedIn open on the DN), AgentReady while ready, AgentActive while
    the DN has a call; none while the queue is not monitored. The conn id of
    a pseudo-action is the agent's DN id, so each DN counts once.
    """
    if not dn.login_queue:
        return
    queue = model.dns_by_id.get(dn.login_queue)
    if queue is None:
        return
    key = dn.cfg.id
    agent_id, place = who(dn)
    logged_in = dn.agent is not None and (K.LoggedIn, "") in dn.open and queue.monitored
    want = {
        K.AgentLoginQueue: logged_in,
        K.AgentReady: logged_in and dn.mode == "ready",
        K.AgentActive: logged_in and bool(dn.legs),
    }
    for kind, wanted in want.items():
        present = (kind, key) in queue.open
        if wanted and not present:
            model.start(queue, kind, t, key, agent=agent_id, place=place, queue=dn.login_queue)
        elif present and not wanted:
            model.end(queue, kind, t, key)


def _require_agent(dn: DNState, event: ev.AgentDNEvent) -> None:
    if dn.mediation:
        raise BadEventError(event, "mediation-dn", f"{dn.cfg.id} is a queue / routing point")
    if dn.agent is None:
        raise BadEventError(event, "not-logged-in", f"no agent is logged in on {dn.cfg.id}")


# --------------------------------------------------------------------------
# Agent state handlers
# --------------------------------------------------------------------------


def on_agent_login(model: Model, event: ev.AgentLogin, t: int, dn: DNState) -> None:
    if dn.mediation:
        raise BadEventError(event, "mediation-dn", f"{dn.cfg.id} is a queue / routing point")
    agent = model.agent_by_login.get((dn.cfg.switch, event.agent_id))
    if agent is None:
        raise BadEventError(
            event, "unknown-agent", f"no agent has login {event.agent_id!r} on {dn.cfg.switch}"
        )
    if dn.agent is not None:
        raise BadEventError(event, "already-logged-in", f"{dn.agent.ref.id} is on {dn.cfg.id}")
    if event.this_queue:
        queue = model.dns.get((dn.cfg.switch, event.this_queue))
        if queue is None:
            raise BadEventError(event, "unknown-dn", f"no queue {event.this_queue!r}")
        if not queue.mediation:
            raise BadEventError(event, "regular-dn", f"{queue.cfg.id} is not a queue")
    login(model, dn, agent, t, event.this_queue)
    if event.work_mode is ev.WorkMode.AutoIn:
        set_mode(model, dn, t, "ready")
    sync_pseudo(model, dn, t)


def login(model: Model, dn: DNState, agent: Any, t: int, queue_number: str) -> None:
    """Associate ``agent`` with ``dn`` (and its place); open LoggedIn."""
    dn.agent = agent
    dn.sticky = False
    dn.login_queue = dn_id(queue_number, dn.cfg.switch) if queue_number else ""
    agent.voice_dns.append(dn)
    model.scope_changed[agent] = None
    if dn.place is not None:
        add_sorted(dn.place.agents, agent)
        model.touch_place(dn.place)
    model.touch_agent(agent)
    agent_id, place = who(dn)
    model.start(dn, K.LoggedIn, t, agent=agent_id, place=place)
    model.instant(dn, K.AgentLogin, t, agent=agent_id, place=place)
    model.update_virtual_membership(agent, model.groups_for_login_change(agent))


def logout(model: Model, dn: DNState, t: int) -> None:
    """End the agent's presence on ``dn``: modes, LoggedIn, pseudo-actions."""
    agent = dn.agent
    if agent is None:
        return
    groups = list(model.groups_for_login_change(agent))
    set_mode(model, dn, t, "")
    dn.pending_acw = None
    agent_id, place = who(dn)
    model.end(dn, K.LoggedIn, t)
    model.instant(dn, K.AgentLogout, t, agent=agent_id, place=place)
    dn.agent = None
    dn.sticky = False
    sync_pseudo(model, dn, t)
    dn.login_queue = ""
    agent.voice_dns.remove(dn)
    model.scope_changed[agent] = None
    if (
        dn.place is not None
        and not any(d.agent is agent for d in dn.place.dns)
        and not any(p.place is dn.place for p in agent.partials.values())
    ):
        discard(dn.place.agents, agent)
    if dn.place is not None:
        # the place rule reads "a voice login at the place": it changed
        model.touch_place(dn.place)
    model.touch_agent(agent)
    model.touch(dn)
    model.update_virtual_membership(agent, groups)


def on_agent_logout(model: Model, event: ev.AgentLogout, t: int, dn: DNState) -> None:
    _require_agent(dn, event)
    assert dn.agent is not None
    if event.agent_id and model.agent_by_login.get((dn.cfg.switch, event.agent_id)) is not dn.agent:
        raise BadEventError(
            event, "wrong-agent", f"{event.agent_id!r} is not logged in on {dn.cfg.id}"
        )
    logout(model, dn, t)


def on_agent_ready(model: Model, event: ev.AgentReady, t: int, dn: DNState) -> None:
    _require_agent(dn, event)
    dn.pending_acw = None
    set_mode(model, dn, t, "ready")
    sync_pseudo(model, dn, t)


def _acw(model: Model, dn: DNState, t: int, reasons: KV) -> None:
    """After-call work requested: now, or when the calls in progress end (DOMAIN §3.3)."""
    if any(leg.state == "established" for leg in dn.legs.values()):
        dn.pending_acw = reasons
        set_mode(model, dn, t, "")
    else:
        set_mode(model, dn, t, "acw", reasons)
    sync_pseudo(model, dn, t)


def on_agent_not_ready(model: Model, event: ev.AgentNotReady, t: int, dn: DNState) -> None:
    _require_agent(dn, event)
    if event.work_mode is ev.WorkMode.AfterCallWork:
        _acw(model, dn, t, event.reasons)
        return
    dn.pending_acw = None
    set_mode(model, dn, t, "notready", event.reasons)
    sync_pseudo(model, dn, t)


def on_agent_after_call_work(
    model: Model, event: ev.AgentAfterCallWork, t: int, dn: DNState
) -> None:
    _require_agent(dn, event)
    _acw(model, dn, t, event.reasons)


def _toggle(on: ActionKind, off: ActionKind | None) -> Callable[..., None]:
    def handler(model: Model, event: ev.DNEvent, t: int, dn: DNState) -> None:
        if dn.mediation:
            raise BadEventError(event, "mediation-dn", f"{dn.cfg.id} is a queue / routing point")
        if (on, "") in dn.open:
            return
        agent_id, place = who(dn)
        if off is not None:
            model.end(dn, off, t)
        model.start(dn, on, t, agent=agent_id, place=place)

    return handler


def on_dnd_off(model: Model, event: ev.DNDOff, t: int, dn: DNState) -> None:
    if dn.mediation:
        raise BadEventError(event, "mediation-dn", f"{dn.cfg.id} is a queue / routing point")
    model.end(dn, K.DoNotDisturb, t)


# --------------------------------------------------------------------------
# Calls on regular DNs
# --------------------------------------------------------------------------


def _require_regular(dn: DNState, event: ev.CallEvent) -> None:
    if dn.mediation:
        raise BadEventError(event, "mediation-dn", f"{dn.cfg.id} is a queue / routing point")


def _require_leg(dn: DNState, event: ev.CallEvent, *states: str) -> Leg:
    leg = dn.legs.get(event.conn_id)
    if leg is None:
        raise BadEventError(event, "no-such-call", f"{event.conn_id!r} is not on {dn.cfg.id}")
    if states and leg.state not in states:
        raise BadEventError(
            event, "wrong-call-state", f"{event.conn_id!r} is {leg.state} on {dn.cfg.id}"
        )
    return leg


def _new_leg(model: Model, dn: DNState, event: ev.CallEvent, state: str) -> tuple[Leg, Call]:
    call = _call(model, dn, event.conn_id)
    call.parties.add(dn.cfg.id)
    if event.ani:
        call.ani = event.ani
    if event.dnis:
        call.dnis = event.dnis
    if event.user_data:
        call.user_data = {**call.user_data, **event.user_data}
    queue = dn_id(event.this_queue, dn.cfg.switch) if event.this_queue else call.distributed_from
    leg = Leg(conn_id=event.conn_id, state=state, call_type=event.call_type.name, queue=queue)
    dn.legs[event.conn_id] = leg
    return leg, call


def _call_data(dn: DNState, leg: Leg, call: Call | None) -> dict[str, Any]:
    agent_id, place = who(dn)
    data: dict[str, Any] = {"agent": agent_id, "place": place, "queue": leg.queue}
    if call is not None:
        data.update(ani=call.ani, dnis=call.dnis, user_data=call.user_data)
    return data


def on_dialing(model: Model, event: ev.Dialing, t: int, dn: DNState) -> None:
    _require_regular(dn, event)
    if event.conn_id in dn.legs:
        raise BadEventError(event, "duplicate-call", f"{event.conn_id!r} already on {dn.cfg.id}")
    leg, call = _new_leg(model, dn, event, "dialing")
    data = _call_data(dn, leg, call)
    model.start(dn, K.CallDialing, t, event.conn_id, **data)
    model.instant(dn, K.CallDialingStarted, t, conn_id=event.conn_id, **data)
    sync_pseudo(model, dn, t)


def on_ringing(model: Model, event: ev.Ringing, t: int, dn: DNState) -> None:
    _require_regular(dn, event)
    if event.conn_id in dn.legs:
        raise BadEventError(event, "duplicate-call", f"{event.conn_id!r} already on {dn.cfg.id}")
    leg, call = _new_leg(model, dn, event, "ringing")
    data = _call_data(dn, leg, call)
    model.start(dn, K.CallRinging, t, event.conn_id, **data)
    model.instant(dn, K.CallRingingStarted, t, conn_id=event.conn_id, **data)
    sync_pseudo(model, dn, t)


def _start_talk(model: Model, dn: DNState, leg: Leg, t: int, call_type: str, marker: int) -> None:
    talk, started, _, originated, received = CALL_ACTION_OF_TYPE[call_type]
    call = model.calls.get((dn.cfg.switch, leg.conn_id))
    data = _call_data(dn, leg, call)
    if not any(lg.state == "established" for lg in dn.legs.values()):
        # a new call on an idle DN: ACW from now on follows it, not the queue
        # call released before (DOMAIN §3.3: the DN that distributed *that* call)
        dn.acw_queue = ""
    leg.state, leg.talk, leg.call_type = "established", talk, call_type
    model.start(dn, talk, t, leg.conn_id, **data)
    model.instant(dn, started, t, conn_id=leg.conn_id, **data)
    extra = (originated, received)[marker] if marker >= 0 else None
    if extra is not None and extra is not started:
        model.instant(dn, extra, t, conn_id=leg.conn_id, **data)


def on_established(model: Model, event: ev.Established, t: int, dn: DNState) -> None:
    _require_regular(dn, event)
    leg = _require_leg(dn, event, "dialing", "ringing")
    call_type = (
        event.call_type.name if event.call_type is not ev.CallType.Unknown else leg.call_type
    )
    if leg.state == "ringing":
        ringing = model.end(dn, K.CallRinging, t, leg.conn_id)
        assert ringing is not None
        answered = model.instant(dn, K.CallAnswered, t, ringing, start=ringing.start)
        reflect(model, dn, leg, K.CallAnswered, t, answered)
        _start_talk(model, dn, leg, t, call_type, 1)
    else:
        dialing = model.end(dn, K.CallDialing, t, leg.conn_id)
        assert dialing is not None
        model.instant(dn, K.CallDialed, t, dialing, start=dialing.start)
        _start_talk(model, dn, leg, t, call_type, 0)
    sync_pseudo(model, dn, t)


def on_held(model: Model, event: ev.Held, t: int, dn: DNState) -> None:
    _require_regular(dn, event)
    leg = _require_leg(dn, event, "established")
    if leg.held:
        raise BadEventError(event, "already-held", f"{event.conn_id!r} is on hold")
    leg.held = True
    call = model.calls.get((dn.cfg.switch, leg.conn_id))
    data = _call_data(dn, leg, call)
    model.start(dn, K.CallOnHold, t, leg.conn_id, **data)
    model.instant(dn, K.CallHeld, t, conn_id=leg.conn_id, **data)


def on_retrieved(model: Model, event: ev.Retrieved, t: int, dn: DNState) -> None:
    _require_regular(dn, event)
    leg = _require_leg(dn, event, "established")
    if not leg.held:
        raise BadEventError(event, "not-held", f"{event.conn_id!r} is not on hold")
    leg.held = False
    hold = model.end(dn, K.CallOnHold, t, leg.conn_id)
    assert hold is not None
    model.instant(dn, K.CallRetrievedFromHold, t, hold, start=hold.start)
    # the talk action is visible again: re-evaluate the DN's status
    model.touch(dn)


def _end_leg(
    model: Model, dn: DNState, leg: Leg, t: int, call_state: ev.CallState, abandoned: bool = False
) -> None:
    """Close every action of one call on one DN, with the right outcome."""
    if leg.state == "dialing":
        dialing = model.end(dn, K.CallDialing, t, leg.conn_id)
        assert dialing is not None
        model.instant(dn, K.CallAbandonedFromDialing, t, dialing, start=dialing.start)
    elif leg.state == "ringing":
        ringing = model.end(dn, K.CallRinging, t, leg.conn_id)
        assert ringing is not None
        if call_state in (ev.CallState.Forwarded, ev.CallState.Redirected):
            kind = K.CallForwarded
        elif call_state is ev.CallState.NoAnswer and not abandoned:
            kind = K.CallMissed
        else:
            kind = K.CallAbandonedFromRinging
        outcome = model.instant(dn, kind, t, ringing, start=ringing.start)
        reflect(model, dn, leg, kind, t, outcome)
    else:
        if leg.held:
            hold = model.end(dn, K.CallOnHold, t, leg.conn_id)
            assert hold is not None
            if call_state not in (ev.CallState.Transferred, ev.CallState.Conferenced):
                # the agent handing a held caller over has not lost the call
                model.instant(dn, K.CallAbandonedFromHold, t, hold, start=hold.start)
        assert leg.talk is not None
        talk = model.end(dn, leg.talk, t, leg.conn_id)
        assert talk is not None
        completed = CALL_ACTION_OF_TYPE[leg.call_type][2]
        model.instant(dn, completed, t, talk, start=talk.start)
        if call_state is ev.CallState.Transferred:
            model.instant(dn, K.CallTransferMade, t, talk)
        reflect(model, dn, leg, K.CallReleased, t, talk, start=talk.start)
        if leg.queue:
            dn.acw_queue = leg.queue
    del dn.legs[leg.conn_id]
    forget_party(model, dn, leg.conn_id)
    if not any(lg.state == "established" for lg in dn.legs.values()) and dn.pending_acw is not None:
        reasons = dn.pending_acw
        dn.pending_acw = None
        if dn.agent is not None:
            set_mode(model, dn, t, "acw", reasons)
    model.touch(dn)


def on_released(model: Model, event: ev.Released, t: int, dn: DNState) -> None:
    if dn.mediation:
        _leave_mediation(model, event, t, dn)
        return
    leg = _require_leg(dn, event)
    _end_leg(model, dn, leg, t, event.call_state)
    sync_pseudo(model, dn, t)


def on_abandoned(model: Model, event: ev.Abandoned, t: int, dn: DNState) -> None:
    if dn.mediation:
        _leave_mediation(model, event, t, dn)
        return
    leg = _require_leg(dn, event)
    _end_leg(model, dn, leg, t, ev.CallState.Abandoned, abandoned=True)
    sync_pseudo(model, dn, t)


def on_party_changed(model: Model, event: ev.PartyChanged, t: int, dn: DNState) -> None:
    """A transfer or conference completed: the DN's leg now belongs to ``conn_id``.

    The leg of ``previous_conn_id`` (the consultation) is closed with its
    …Completed action and the leg continues under the new ConnID with the
    call type the event gives (normally the original call's type).
    """
    if dn.mediation:
        _rekey_mediation(model, event, t, dn)
        return
    old_id = event.previous_conn_id or event.conn_id
    leg = dn.legs.get(old_id)
    if leg is None:
        raise BadEventError(event, "no-such-call", f"{old_id!r} is not on {dn.cfg.id}")
    if old_id != event.conn_id and event.conn_id in dn.legs:
        raise BadEventError(event, "duplicate-call", f"{event.conn_id!r} already on {dn.cfg.id}")
    call_type = (
        event.call_type.name if event.call_type is not ev.CallType.Unknown else leg.call_type
    )
    data = _call_data(dn, leg, model.calls.get((dn.cfg.switch, old_id)))
    if leg.state == "ringing":
        model.instant(dn, K.CallRingingPartyChanged, t, conn_id=old_id, **data)
    model.instant(dn, K.CallPartyChanged, t, conn_id=event.conn_id, **data)
    if event.call_state is ev.CallState.Conferenced:
        model.instant(dn, K.CallConferenceJoined, t, conn_id=event.conn_id, **data)
    else:
        model.instant(dn, K.CallTransferTaken, t, conn_id=event.conn_id, **data)
    if old_id == event.conn_id:
        return
    new_call = _call(model, dn, event.conn_id)
    old_call = model.calls.get((dn.cfg.switch, old_id))
    if old_call is not None and not new_call.ani:
        new_call.ani, new_call.dnis, new_call.user_data = (
            old_call.ani,
            old_call.dnis,
            old_call.user_data,
        )
    new_call.parties.add(dn.cfg.id)
    if leg.state == "established":
        held = leg.held
        assert leg.talk is not None
        talk = model.end(dn, leg.talk, t, old_id)
        assert talk is not None
        model.instant(dn, CALL_ACTION_OF_TYPE[leg.call_type][2], t, talk, start=talk.start)
        if held:
            hold = model.end(dn, K.CallOnHold, t, old_id)
            assert hold is not None
            model.instant(dn, K.CallRetrievedFromHold, t, hold, start=hold.start)
        del dn.legs[old_id]
        forget_party(model, dn, old_id)
        new_leg = Leg(conn_id=event.conn_id, state="dialing", call_type=call_type, queue=leg.queue)
        dn.legs[event.conn_id] = new_leg
        _start_talk(model, dn, new_leg, t, call_type, -1)
    else:
        kind = K.CallRinging if leg.state == "ringing" else K.CallDialing
        action = model.end(dn, kind, t, old_id)
        assert action is not None
        del dn.legs[old_id]
        forget_party(model, dn, old_id)
        leg.conn_id = event.conn_id
        leg.call_type = call_type
        dn.legs[event.conn_id] = leg
        data = _call_data(dn, leg, new_call)
        model.start(dn, kind, t, event.conn_id, **data)
    model.touch(dn)


def on_party_added(model: Model, event: ev.PartyAdded, t: int, dn: DNState) -> None:
    _require_regular(dn, event)
    leg = _require_leg(dn, event)
    data = _call_data(dn, leg, model.calls.get((dn.cfg.switch, leg.conn_id)))
    model.instant(dn, K.CallConferencePartyAdded, t, conn_id=leg.conn_id, **data)
    if event.previous_conn_id:
        model.instant(dn, K.CallConferenceMade, t, conn_id=leg.conn_id, **data)


def on_party_deleted(model: Model, event: ev.PartyDeleted, t: int, dn: DNState) -> None:
    _require_regular(dn, event)
    leg = _require_leg(dn, event)
    data = _call_data(dn, leg, model.calls.get((dn.cfg.switch, leg.conn_id)))
    model.instant(dn, K.CallConferencePartyDeleted, t, conn_id=leg.conn_id, **data)


def on_attached_data_changed(
    model: Model, event: ev.AttachedDataChanged, t: int, dn: DNState
) -> None:
    call = model.calls.get((dn.cfg.switch, event.conn_id))
    if call is None:
        raise BadEventError(event, "no-such-call", f"{event.conn_id!r} is unknown")
    call.user_data = {**call.user_data, **event.user_data}


def on_user_event(model: Model, event: ev.UserEvent, t: int, dn: DNState) -> None:
    kind = K.UserEvent if dn.mediation else K.UserEventReceived
    agent_id, place = who(dn)
    model.instant(
        dn, kind, t, conn_id=event.conn_id, agent=agent_id, place=place, user_data=event.user_data
    )


def on_informational(model: Model, event: ev.DNEvent, t: int, dn: DNState) -> None:
    """Events that change no state (NetworkReached, DestinationBusy, AddressInfo)."""
    if isinstance(event, ev.CallEvent) and not dn.mediation:
        _require_leg(dn, event)


# --------------------------------------------------------------------------
# Mediation DNs
# --------------------------------------------------------------------------


def _require_mediation(dn: DNState, event: ev.CallEvent) -> None:
    if not dn.mediation:
        raise BadEventError(event, "regular-dn", f"{dn.cfg.id} is not a queue / routing point")


def on_enter_mediation(model: Model, event: ev.CallEvent, t: int, dn: DNState) -> None:
    """EventQueued / EventRouteRequest: CallEntered and CallWait start."""
    _require_mediation(dn, event)
    if (K.CallWait, event.conn_id) in dn.open:
        raise BadEventError(event, "duplicate-call", f"{event.conn_id!r} already waits here")
    call = _call(model, dn, event.conn_id)
    if call.waiting_on and call.waiting_on != dn.cfg.id:
        # entering a second queue without leaving the first: the first one
        # is left towards this one
        first = model.dns_by_id[call.waiting_on]
        wait = model.end(first, K.CallWait, t, event.conn_id)
        if wait is not None:
            model.instant(first, K.CallDistributedToQueue, t, wait, start=wait.start)
    if event.ani:
        call.ani = event.ani
    if event.dnis:
        call.dnis = event.dnis
    if event.user_data:
        call.user_data = {**call.user_data, **event.user_data}
    call.waiting_on = dn.cfg.id
    call.entered = t
    data: dict[str, Any] = {
        "ani": call.ani,
        "dnis": call.dnis,
        "user_data": call.user_data,
        "queue": dn.cfg.id,
    }
    model.start(dn, K.CallWait, t, event.conn_id, **data)
    model.instant(dn, K.CallEntered, t, conn_id=event.conn_id, **data)


def on_leave_mediation(model: Model, event: ev.CallEvent, t: int, dn: DNState) -> None:
    """EventDiverted / EventRouteUsed: the call was distributed to OtherDN.

    EventDiverted on a regular DN means the ringing call was forwarded.
    """
    if not dn.mediation and isinstance(event, ev.Diverted):
        leg = _require_leg(dn, event, "ringing")
        _end_leg(model, dn, leg, t, ev.CallState.Forwarded)
        sync_pseudo(model, dn, t)
        return
    _require_mediation(dn, event)
    if (K.CallWait, event.conn_id) not in dn.open:
        raise BadEventError(
            event, "no-such-call", f"{event.conn_id!r} does not wait on {dn.cfg.id}"
        )
    call = _call(model, dn, event.conn_id)
    target = model.dns.get((dn.cfg.switch, event.other_dn)) if event.other_dn else None
    wait = model.end(dn, K.CallWait, t, event.conn_id)
    assert wait is not None
    if target is not None and target.mediation:
        model.instant(dn, K.CallDistributedToQueue, t, wait, start=wait.start)
    else:
        model.instant(dn, K.CallDistributed, t, wait, start=wait.start)
        call.distributed_from = dn.cfg.id
        call.distributed_entered = call.entered
    call.waiting_on = ""
    if not call.parties and target is None:
        model.calls.pop((dn.cfg.switch, event.conn_id), None)


def _leave_mediation(model: Model, event: ev.CallEvent, t: int, dn: DNState) -> None:
    """The caller left the queue: abandoned, or cleared by the system."""
    if (K.CallWait, event.conn_id) not in dn.open:
        raise BadEventError(
            event, "no-such-call", f"{event.conn_id!r} does not wait on {dn.cfg.id}"
        )
    wait = model.end(dn, K.CallWait, t, event.conn_id)
    assert wait is not None
    state = getattr(event, "call_state", ev.CallState.Abandoned)
    abandoned = isinstance(event, ev.Abandoned) or state in (
        ev.CallState.Abandoned,
        ev.CallState.Ok,
    )
    kind = K.CallAbandoned if abandoned else K.CallCleared
    model.instant(dn, kind, t, wait, start=wait.start)
    key = (dn.cfg.switch, event.conn_id)
    call = model.calls.get(key)
    if call is not None:
        call.waiting_on = ""
        if not call.parties:
            del model.calls[key]


def _rekey_mediation(model: Model, event: ev.PartyChanged, t: int, dn: DNState) -> None:
    """A ConnID change while waiting (some SIP flows): the wait continues."""
    old_id = event.previous_conn_id
    wait = dn.open.pop((K.CallWait, old_id), None) if old_id else None
    if wait is None:
        raise BadEventError(event, "no-such-call", f"{old_id!r} does not wait on {dn.cfg.id}")
    dn.open[(K.CallWait, event.conn_id)] = wait
    old = model.calls.pop((dn.cfg.switch, old_id), None)
    if old is not None:
        old.conn_id = event.conn_id
        model.calls[(dn.cfg.switch, event.conn_id)] = old


def on_treatment(model: Model, event: ev.CallEvent, t: int, dn: DNState) -> None:
    kind = {
        ev.TreatmentApplied: K.CallTreatmentStarted,
        ev.TreatmentNotApplied: K.CallTreatmentNotStarted,
        ev.TreatmentEnd: K.CallTreatmentCompleted,
    }[type(event)]
    call = model.calls.get((dn.cfg.switch, event.conn_id))
    if call is None:
        raise BadEventError(event, "no-such-call", f"{event.conn_id!r} is unknown")
    started = call.treatment_started if call.treatment_started >= 0 else t
    if kind is K.CallTreatmentStarted:
        call.treatment_started = t
    elif kind is K.CallTreatmentCompleted:
        call.treatment_started = -1
    model.instant(
        dn,
        kind,
        t,
        start=started if kind is K.CallTreatmentCompleted else t,
        conn_id=event.conn_id,
        ani=call.ani,
        dnis=call.dnis,
        user_data=call.user_data,
    )


# --------------------------------------------------------------------------
# Registration (DOMAIN §2.1)
# --------------------------------------------------------------------------


def on_registered(model: Model, event: ev.Registered, t: int, dn: DNState) -> None:
    """Rebuild a DN from the snapshot EventRegistered carries."""
    if dn.mediation:
        model.touch(dn)
        return
    agent = None
    if event.agent_id and event.agent_state is not ev.AgentState.LoggedOut:
        agent = model.agent_by_login.get((dn.cfg.switch, event.agent_id))
        if agent is None:
            raise BadEventError(event, "unknown-agent", f"no login {event.agent_id!r}")
    # The agent the DN still has after a link loss is the one the snapshot
    # names: a re-registration is not a logout and login (no AgentLogout /
    # AgentLogin, the login queue and a sticky LoggedIn are kept).
    same = agent is not None and dn.agent is agent
    # clear what was there
    if dn.agent is not None and not same:
        logout(model, dn, t)
    for conn_id in list(dn.legs):
        leg = dn.legs.pop(conn_id)
        for kind in (K.CallDialing, K.CallRinging, K.CallOnHold, leg.talk):
            if kind is not None:
                model.end(dn, kind, t, conn_id)
        forget_party(model, dn, conn_id)
    if agent is not None:
        if not same:
            login(model, dn, agent, t, "")
        elif (K.LoggedIn, "") not in dn.open:
            agent_id, place = who(dn)
            model.start(dn, K.LoggedIn, t, agent=agent_id, place=place)
        mode = {
            ev.AgentState.Ready: "ready",
            ev.AgentState.NotReady: "notready",
            ev.AgentState.AfterCallWork: "acw",
        }.get(event.agent_state, "")
        set_mode(model, dn, t, mode, event.reasons)
        dn.sticky = (same and dn.sticky) or (
            event.agent_state is ev.AgentState.Ready and not event.dn_idle and not event.calls
        )
    for rc in event.calls:
        state = {
            ev.LegState.Dialing: "dialing",
            ev.LegState.Ringing: "ringing",
            ev.LegState.Established: "established",
            ev.LegState.Held: "established",
        }[rc.state]
        call = _call(model, dn, rc.conn_id)
        call.parties.add(dn.cfg.id)
        leg = Leg(
            conn_id=rc.conn_id,
            state="dialing",
            call_type=rc.call_type.name,
            queue=dn_id(rc.this_queue, dn.cfg.switch) if rc.this_queue else "",
        )
        dn.legs[rc.conn_id] = leg
        data = _call_data(dn, leg, call)
        if state == "established":
            _start_talk(model, dn, leg, t, rc.call_type.name, -1)
            if rc.state is ev.LegState.Held:
                leg.held = True
                model.start(dn, K.CallOnHold, t, rc.conn_id, **data)
        else:
            leg.state = state
            kind = K.CallRinging if state == "ringing" else K.CallDialing
            model.start(dn, kind, t, rc.conn_id, **data)
    model.touch(dn)
    sync_pseudo(model, dn, t)


Handler = Callable[[Model, Any, int, DNState], None]

#: Event class -> handler for every T-Server DN event.
VOICE_HANDLERS: Mapping[type, Handler] = {
    ev.AgentLogin: on_agent_login,
    ev.AgentLogout: on_agent_logout,
    ev.AgentReady: on_agent_ready,
    ev.AgentNotReady: on_agent_not_ready,
    ev.AgentAfterCallWork: on_agent_after_call_work,
    ev.DNDOn: _toggle(K.DoNotDisturb, None),
    ev.DNDOff: on_dnd_off,
    ev.OffHook: _toggle(K.OffHook, K.OnHook),
    ev.OnHook: _toggle(K.OnHook, K.OffHook),
    ev.Dialing: on_dialing,
    ev.NetworkReached: on_informational,
    ev.DestinationBusy: on_informational,
    ev.AddressInfo: on_informational,
    ev.Ringing: on_ringing,
    ev.Established: on_established,
    ev.Released: on_released,
    ev.Abandoned: on_abandoned,
    ev.Held: on_held,
    ev.Retrieved: on_retrieved,
    ev.Queued: on_enter_mediation,
    ev.RouteRequest: on_enter_mediation,
    ev.Diverted: on_leave_mediation,
    ev.RouteUsed: on_leave_mediation,
    ev.PartyChanged: on_party_changed,
    ev.PartyAdded: on_party_added,
    ev.PartyDeleted: on_party_deleted,
    ev.TreatmentApplied: on_treatment,
    ev.TreatmentNotApplied: on_treatment,
    ev.TreatmentEnd: on_treatment,
    ev.AttachedDataChanged: on_attached_data_changed,
    ev.UserEvent: on_user_event,
    ev.Registered: on_registered,
}
