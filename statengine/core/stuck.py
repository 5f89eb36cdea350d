"""The stuck-call guard (DOMAIN §2.1, §8.2).

A lost EventReleased (a broken URS connection, a T-Server restart) would
leave a call waiting, ringing or talking for ever and poison every current
statistic. Each durable call action listed in
:attr:`EngineSettings.stuck_limits` gets a deadline when it starts (a heap
entry, so finding what expired costs nothing per event); when the clock
passes the deadline and the action is still open, it is cleaned **at the
deadline** with a retrospective ``StuckCallCleaned`` (or
``StuckCallCleanedWhileRinging``) carrying its age, and counted.
"""

from __future__ import annotations

import heapq

from statengine.core.actions import ActionKind
from statengine.core.state import DNState, Model
from statengine.core.voice import forget_party, reflect, set_mode, sync_pseudo

__all__ = ["clean_stuck"]

K = ActionKind


def clean_stuck(model: Model, until: int) -> int:
    """Clean every guarded action whose deadline is at or before ``until``.

    Returns how many calls were cleaned. Status changes are stamped with the
    deadline of the action that caused them.
    """
    cleaned = 0
    deadlines = model.deadlines
    while deadlines and deadlines[0][0] <= until:
        deadline, _, dev, kind, conn_id, start = heapq.heappop(deadlines)
        action = dev.open.get((kind, conn_id))
        if action is None or action.start != start or not isinstance(dev, DNState):
            continue
        model.now = deadline
        if dev.mediation:
            _clean_wait(model, dev, conn_id, deadline)
        else:
            _clean_leg(model, dev, conn_id, deadline)
        cleaned += 1
        model.refresh(deadline)
    return cleaned


def _clean_wait(model: Model, dn: DNState, conn_id: str, t: int) -> None:
    wait = model.end(dn, K.CallWait, t, conn_id)
    assert wait is not None
    model.instant(dn, K.StuckCallCleaned, t, wait, start=wait.start)
    key = (dn.cfg.switch, conn_id)
    call = model.calls.get(key)
    if call is not None and call.waiting_on == dn.cfg.id:
        call.waiting_on = ""
        if not call.parties:
            del model.calls[key]


def _clean_leg(model: Model, dn: DNState, conn_id: str, t: int) -> None:
    leg = dn.legs.pop(conn_id)
    if leg.state == "ringing":
        ringing = model.end(dn, K.CallRinging, t, conn_id)
        assert ringing is not None
        outcome = model.instant(dn, K.StuckCallCleanedWhileRinging, t, ringing, start=ringing.start)
        reflect(model, dn, leg, K.StuckCallCleanedWhileRinging, t, outcome)
    else:
        model.end(dn, K.CallOnHold, t, conn_id)
        kind = K.CallDialing if leg.state == "dialing" else leg.talk
        assert kind is not None
        closed = model.end(dn, kind, t, conn_id)
        assert closed is not None
        model.instant(dn, K.StuckCallCleaned, t, closed, start=closed.start)
    forget_party(model, dn, conn_id)
    if dn.pending_acw is not None and not any(lg.state == "established" for lg in dn.legs.values()):
        reasons, dn.pending_acw = dn.pending_acw, None
        if dn.agent is not None:
            set_mode(model, dn, t, "acw", reasons)
    model.touch(dn)
    sync_pseudo(model, dn, t)
