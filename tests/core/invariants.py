"""Domain laws every engine state must satisfy, checked from the outside.

The recomputation here is written independently of ``statengine.core.state``
(it reads only the priority tables of ``statengine.core.status`` and the
engine's devices), so a wrong incremental update cannot hide behind the same
wrong helper.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from statengine import Engine, FeedResult, ObjectRef, Status
from statengine.core.actions import CALL_TALK_ACTIONS, ActionKind
from statengine.core.status import RANK, STATUS_OF_ACTION

_AGENT_STATE = {
    ActionKind.WaitForNextCall,
    ActionKind.NotReadyForNextCall,
    ActionKind.AfterCallWork,
}


class StatusLedger:
    """Follows every status change and accounts time per (object, status)."""

    def __init__(self, engine: Engine, start: int) -> None:
        self.start = start
        self.current: dict[ObjectRef, tuple[Status, int]] = {}
        self.time: dict[ObjectRef, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
        m = engine.model
        for obj in (*m.dns.values(), *m.places.values(), *m.agents.values()):
            self.current[obj.ref] = (obj.status, start)

    def apply(self, result: FeedResult) -> None:
        for change in result.status_changes:
            status, since = self.current.get(change.ref, (Status.NotMonitored, self.start))
            assert status is change.old, f"{change.ref}: change from {change.old}, was {status}"
            assert change.time >= since, f"{change.ref}: time went back"
            self.time[change.ref][status] += change.time - since
            self.current[change.ref] = (change.new, change.time)

    def check(self, engine: Engine) -> None:
        now = engine.now if engine.now is not None else self.start
        m = engine.model
        for obj in (*m.dns.values(), *m.places.values(), *m.agents.values()):
            status, since = self.current[obj.ref]
            assert status is obj.status, f"{obj.ref}: ledger {status}, engine {obj.status}"
            spent = dict(self.time[obj.ref])
            spent[status] = spent.get(status, 0) + now - since
            assert sum(spent.values()) == now - self.start, f"{obj.ref}: time does not add up"


def _dn_status(dn: Any) -> Status:
    if not dn.monitored:
        return Status.NotMonitored
    if dn.mediation:
        return Status.Monitored
    held = {a.conn_id for a in dn.open.values() if a.kind is ActionKind.CallOnHold}
    best = Status.LoggedIn if dn.sticky else Status.Monitored
    for a in dn.open.values():
        s = STATUS_OF_ACTION.get(a.kind)
        if s is None or (a.kind in CALL_TALK_ACTIONS and a.conn_id in held):
            continue
        if dn.sticky and a.kind in _AGENT_STATE:
            continue
        if RANK[s] > RANK[best]:
            best = s
    return best


def _channel_status(ch: Any) -> Status:
    if not ch.monitored:
        return Status.NotMonitored
    best = Status.Monitored
    for a in ch.open.values():
        s = STATUS_OF_ACTION.get(a.kind)
        if s is not None and RANK[s] > RANK[best]:
            best = s
    return best


def _top(statuses: list[Status]) -> Status:
    return max(statuses, key=RANK.__getitem__, default=Status.NotMonitored)


def _place_rule(voice: list[Status], logged: bool, nonvoice: list[Status]) -> Status:
    """DOMAIN §3.9, written out again step by step."""
    if not voice and not nonvoice:
        return Status.NotMonitored
    if not nonvoice:
        return _top(voice)
    if not voice:
        return _top(nonvoice)
    v, n = _top(voice), _top(nonvoice)
    if RANK[v] > RANK[Status.NotReadyForNextCall]:
        return v
    if RANK[n] > RANK[v]:
        return n
    if not logged:
        return n
    return v


def check_recomputed(engine: Engine) -> None:
    """Incremental statuses equal a from-scratch recomputation; group counts
    equal a recount of their members."""
    m = engine.model
    for dn in m.dns.values():
        assert dn.status is _dn_status(dn), f"{dn.ref}: {dn.status} != {_dn_status(dn)}"
    for place in m.places.values():
        voice = [_dn_status(d) for d in place.dns]
        logged = any(d.agent is not None for d in place.dns)
        nonvoice = [_channel_status(c) for c in place.channels.values()]
        expected = _place_rule(voice, logged, nonvoice)
        assert place.status is expected, f"{place.ref}: {place.status} != {expected}"
    for agent in m.agents.values():
        logged_voice = [d for d in m.dns.values() if d.agent is agent]
        assert sorted(d.ref for d in logged_voice) == sorted(d.ref for d in agent.voice_dns)
        if not logged_voice and not agent.partials:
            expected = Status.LoggedOut
        else:
            places = {id(d.place): d.place for d in logged_voice if d.place is not None}
            places.update({id(p.place): p.place for p in agent.partials.values()})
            voice = [_dn_status(d) for p in places.values() for d in p.dns]
            voice += [_dn_status(d) for d in logged_voice if d.place is None]
            nonvoice = [
                _channel_status(c) for p in agent.partials.values() for c in p.channels.values()
            ]
            expected = (
                Status.Monitored
                if not voice and not nonvoice
                else _place_rule(voice, bool(logged_voice), nonvoice)
            )
        assert agent.status is expected, f"{agent.ref}: {agent.status} != {expected}"
    for group in m.groups.values():
        counts: dict[Status, int] = defaultdict(int)
        for member in group.members:
            counts[member.status] += 1
        assert dict(counts) == group.counts, f"{group.ref}: counts drifted"


def fingerprint(engine: Engine) -> Any:
    """Everything a refused event must leave untouched."""
    m = engine.model
    devices = [*m.dns.values(), *m.staging.values()]
    devices += [c for p in m.places.values() for c in p.channels.values()]
    return (
        sorted(
            (str(d.ref), d.status.value, d.monitored, sorted((k[0].value, k[1]) for k in d.open))
            for d in devices
        ),
        sorted(
            (str(p.ref), p.status.value, sorted(a.ref.id for a in p.agents))
            for p in m.places.values()
        ),
        sorted(
            (str(a.ref), a.status.value, sorted(a.partials), sorted(a.skills.items()))
            for a in m.agents.values()
        ),
        sorted((str(g.ref), sorted(x.ref.id for x in g.members)) for g in m.groups.values()),
        sorted((k, c.waiting_on, sorted(c.parties)) for k, c in m.calls.items()),
        sorted(m.interactions),
        dict(m.link_up),
        sorted(
            (d.cfg.id, sorted((c, lg.state, lg.held) for c, lg in d.legs.items()), d.mode)
            for d in m.dns.values()
        ),
    )
