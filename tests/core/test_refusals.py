"""Impossible events are refused and change nothing (STYLE D.19).

Every case feeds one impossible event to the same busy contact center:

* strict mode (the default) raises :class:`BadEventError` with the expected
  ``reason``, and the engine is exactly as before: the CurrentState tree of
  every agent, place, DN and group, and the model's internals (open actions,
  legs, calls, partial states, interactions, group counts, the batch being
  built) compare equal;
* tolerant mode returns the refusal in ``FeedResult.refused`` with no
  action and no status change, counts it in
  ``statistics().refused_by_reason``, and also changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from statengine.core import events as ev
from statengine.core.objects import ObjectType
from statengine.errors import BadEventError

from .helpers import Scenario, e, model_snapshot

IN = ev.CallType.Inbound
AUTO_IN = ev.WorkMode.AutoIn
P3 = {"agent_id": "1003", "place": "P03"}
P4 = {"agent_id": "1004", "place": "P04"}

#: A busy center: calls established, ringing, held, queued and at the routing
#: point; agents ready, not ready, logged out; chat delivering, email handled;
#: a work item in the backlog; DN 5005 out of service; ixn2 down.
BASELINE: list[ev.Event] = [
    e(ev.LinkConnected, 0),
    e(ev.LinkConnected, 0, link="ixn1"),
    e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001", work_mode=AUTO_IN),
    e(ev.Queued, 2, dn="8001", conn_id="c1", call_type=IN),
    e(ev.Diverted, 3, dn="8001", conn_id="c1", other_dn="5001"),
    e(ev.Ringing, 3, dn="5001", conn_id="c1", this_queue="8001", call_type=IN),
    e(ev.Established, 4, dn="5001", conn_id="c1", call_type=IN),
    e(ev.AgentLogin, 5, dn="5002", agent_id="7002"),
    e(ev.AgentNotReady, 5, dn="5002", reasons={"ReasonCode": "Lunch"}),
    e(ev.Ringing, 6, dn="5002", conn_id="c2", call_type=IN),
    e(ev.Queued, 7, dn="8001", conn_id="c3", call_type=IN),
    e(ev.RouteRequest, 7, dn="9000", conn_id="c4", call_type=IN),
    e(ev.AgentLogin, 8, dn="5006", agent_id="7006", work_mode=AUTO_IN),
    e(ev.Ringing, 8, dn="5006", conn_id="c5", call_type=IN),
    e(ev.Established, 9, dn="5006", conn_id="c5", call_type=IN),
    e(ev.Held, 10, dn="5006", conn_id="c5"),
    e(ev.AgentNotReady, 11, dn="5001", work_mode=ev.WorkMode.AfterCallWork),
    e(ev.IxnAgentLogin, 12, media={"chat": 1}, **P3),
    e(ev.MediaReady, 12, media="chat", **P3),
    e(ev.AgentInvited, 13, ixn_id="i1", media="chat", **P3),
    e(ev.IxnAgentLogin, 14, media={"email": 1}, **P4),
    e(ev.IxnPartyAdded, 14, ixn_id="i2", media="email", **P4),
    e(ev.Submitted, 15, ixn_id="w1", queue="Backlog", media="workitem"),
    e(ev.DNOutOfService, 16, dn="5005"),
]

#: Refused events come at the time of the last baseline event: a refused
#: event still moves the engine clock, which shows in a group's CurrentState
#: (its ``since`` is the clock), so a later time would not compare equal.
T = 16

CASES: list[tuple[str, ev.Event, str]] = [
    # --- resolution -------------------------------------------------------
    ("event on an unknown link", e(ev.AgentReady, T, dn="5001", link="nowhere"), "unknown-link"),
    ("event on a link that is down", e(ev.IxnAgentLogin, T, link="ixn2", **P3), "link-down"),
    ("voice event on an ixn link", e(ev.AgentReady, T, dn="5001", link="ixn1"), "wrong-link"),
    (
        "ixn event on a T-Server link",
        e(ev.MediaReady, T, media="chat", link="ts1", **P3),
        "wrong-link",
    ),
    ("unknown DN", e(ev.AgentReady, T, dn="5999"), "unknown-dn"),
    ("call on an unknown DN", e(ev.Ringing, T, dn="5999", conn_id="c9"), "unknown-dn"),
    (
        "event on a DN out of service",
        e(ev.AgentLogin, T, dn="5005", agent_id="7005"),
        "dn-out-of-service",
    ),
    ("out of service twice", e(ev.DNOutOfService, T, dn="5005"), "dn-out-of-service"),
    ("back in service twice", e(ev.DNBackInService, T, dn="5001"), "dn-in-service"),
    ("link connected twice", e(ev.LinkConnected, T), "link-already-up"),
    ("link lost twice", e(ev.LinkDisconnected, T, link="ixn2"), "link-down"),
    # --- agent state on voice DNs -------------------------------------------
    ("unknown agent login", e(ev.AgentLogin, T, dn="5007", agent_id="7999"), "unknown-agent"),
    (
        "login on an occupied DN",
        e(ev.AgentLogin, T, dn="5001", agent_id="7007"),
        "already-logged-in",
    ),
    ("login on a queue", e(ev.AgentLogin, T, dn="8001", agent_id="7007"), "mediation-dn"),
    (
        "login into an unknown queue",
        e(ev.AgentLogin, T, dn="5007", agent_id="7007", this_queue="8999"),
        "unknown-dn",
    ),
    (
        "login into a regular DN as queue",
        e(ev.AgentLogin, T, dn="5007", agent_id="7007", this_queue="5009"),
        "regular-dn",
    ),
    ("ready while logged out", e(ev.AgentReady, T, dn="5007"), "not-logged-in"),
    ("not ready while logged out", e(ev.AgentNotReady, T, dn="5007"), "not-logged-in"),
    ("ACW while logged out", e(ev.AgentAfterCallWork, T, dn="5007"), "not-logged-in"),
    ("logout while logged out", e(ev.AgentLogout, T, dn="5007"), "not-logged-in"),
    ("logout of another agent", e(ev.AgentLogout, T, dn="5001", agent_id="7002"), "wrong-agent"),
    ("not ready on a queue", e(ev.AgentNotReady, T, dn="8001"), "mediation-dn"),
    ("DND on a queue", e(ev.DNDOn, T, dn="8001"), "mediation-dn"),
    ("DND off on a queue", e(ev.DNDOff, T, dn="8001"), "mediation-dn"),
    ("off hook on a routing point", e(ev.OffHook, T, dn="9000"), "mediation-dn"),
    (
        "snapshot with an unknown agent",
        e(ev.Registered, T, dn="5007", agent_id="7999", agent_state=ev.AgentState.Ready),
        "unknown-agent",
    ),
    # --- calls on regular DNs -----------------------------------------------
    ("released without a call", e(ev.Released, T, dn="5001", conn_id="c9"), "no-such-call"),
    ("abandoned without a call", e(ev.Abandoned, T, dn="5003", conn_id="c9"), "no-such-call"),
    ("established twice", e(ev.Established, T, dn="5001", conn_id="c1"), "wrong-call-state"),
    ("established without a call", e(ev.Established, T, dn="5003", conn_id="c9"), "no-such-call"),
    ("dialing an existing call", e(ev.Dialing, T, dn="5001", conn_id="c1"), "duplicate-call"),
    ("ringing twice", e(ev.Ringing, T, dn="5002", conn_id="c2"), "duplicate-call"),
    ("hold a ringing call", e(ev.Held, T, dn="5002", conn_id="c2"), "wrong-call-state"),
    ("hold twice", e(ev.Held, T, dn="5006", conn_id="c5"), "already-held"),
    ("retrieve when not held", e(ev.Retrieved, T, dn="5001", conn_id="c1"), "not-held"),
    ("retrieve without a call", e(ev.Retrieved, T, dn="5001", conn_id="c9"), "no-such-call"),
    ("hold on a queue", e(ev.Held, T, dn="8001", conn_id="c3"), "mediation-dn"),
    (
        "forward an answered call",
        e(ev.Diverted, T, dn="5001", conn_id="c1", other_dn="5003"),
        "wrong-call-state",
    ),
    (
        "party changed without the call",
        e(ev.PartyChanged, T, dn="5001", conn_id="c8", previous_conn_id="c9"),
        "no-such-call",
    ),
    ("party added without the call", e(ev.PartyAdded, T, dn="5001", conn_id="c9"), "no-such-call"),
    (
        "party deleted without the call",
        e(ev.PartyDeleted, T, dn="5001", conn_id="c9"),
        "no-such-call",
    ),
    (
        "network reached without the call",
        e(ev.NetworkReached, T, dn="5003", conn_id="c9"),
        "no-such-call",
    ),
    (
        "attached data of an unknown call",
        e(ev.AttachedDataChanged, T, dn="5001", conn_id="c9"),
        "no-such-call",
    ),
    (
        "treatment of an unknown call",
        e(ev.TreatmentApplied, T, dn="9000", conn_id="c9"),
        "no-such-call",
    ),
    # --- mediation DNs --------------------------------------------------------
    ("queued on a regular DN", e(ev.Queued, T, dn="5003", conn_id="c9"), "regular-dn"),
    ("route request on a regular DN", e(ev.RouteRequest, T, dn="5003", conn_id="c9"), "regular-dn"),
    ("queued twice", e(ev.Queued, T, dn="8001", conn_id="c3"), "duplicate-call"),
    (
        "diverted from a queue without the call",
        e(ev.Diverted, T, dn="8001", conn_id="c9"),
        "no-such-call",
    ),
    ("route used without the call", e(ev.RouteUsed, T, dn="9000", conn_id="c9"), "no-such-call"),
    (
        "abandoned from a queue without the call",
        e(ev.Abandoned, T, dn="8002", conn_id="c3"),
        "no-such-call",
    ),
    (
        "released from a queue without the call",
        e(ev.Released, T, dn="8001", conn_id="c9"),
        "no-such-call",
    ),
    (
        "ConnID change of a call not waiting",
        e(ev.PartyChanged, T, dn="8001", conn_id="c8", previous_conn_id="c9"),
        "no-such-call",
    ),
    # --- Interaction Server: agents and channels ------------------------------
    (
        "ixn login of an unknown agent",
        e(ev.IxnAgentLogin, T, agent_id="1999", place="P03"),
        "unknown-agent",
    ),
    (
        "ixn login at an unknown place",
        e(ev.IxnAgentLogin, T, agent_id="1003", place="P99"),
        "unknown-place",
    ),
    ("ixn login twice", e(ev.IxnAgentLogin, T, **P3), "already-logged-in"),
    (
        "ixn login with a negative capacity",
        e(ev.IxnAgentLogin, T, agent_id="1007", place="P07", media={"chat": -1}),
        "bad-capacity",
    ),
    (
        "ixn logout while logged out",
        e(ev.IxnAgentLogout, T, agent_id="1007", place="P07"),
        "not-logged-in",
    ),
    (
        "media ready while logged out",
        e(ev.MediaReady, T, agent_id="1007", place="P07", media="chat"),
        "not-logged-in",
    ),
    (
        "media ready at another place",
        e(ev.MediaReady, T, agent_id="1003", place="P04", media="chat"),
        "wrong-place",
    ),
    (
        "media event for a media not added",
        e(ev.MediaReady, T, media="email", **P3),
        "unknown-media",
    ),
    (
        "media not ready for a media not added",
        e(ev.MediaNotReady, T, media="email", **P3),
        "unknown-media",
    ),
    ("media added twice", e(ev.MediaAdded, T, media="chat", **P3), "duplicate-media"),
    (
        "media added with a negative capacity",
        e(ev.MediaAdded, T, media="email", capacity=-2, **P3),
        "bad-capacity",
    ),
    ("media removed but not added", e(ev.MediaRemoved, T, media="email", **P3), "unknown-media"),
    (
        "reason of a media not added",
        e(ev.AgentStateReasonChanged, T, media="email", reasons={"R": "x"}, **P3),
        "unknown-media",
    ),
    # --- Interaction Server: interactions --------------------------------------
    (
        "invited twice",
        e(ev.AgentInvited, T, ixn_id="i1", media="chat", **P3),
        "duplicate-interaction",
    ),
    (
        "invited on a media not added",
        e(ev.AgentInvited, T, ixn_id="i9", media="email", **P3),
        "unknown-media",
    ),
    (
        "accepted twice",
        e(ev.IxnPartyAdded, T, ixn_id="i2", media="email", **P4),
        "duplicate-interaction",
    ),
    ("rejected after accepting", e(ev.Rejected, T, ixn_id="i2", **P4), "wrong-interaction-state"),
    ("revoked after accepting", e(ev.Revoked, T, ixn_id="i2", **P4), "wrong-interaction-state"),
    (
        "party removed of an unknown interaction",
        e(ev.IxnPartyRemoved, T, ixn_id="i9", **P4),
        "no-such-interaction",
    ),
    ("rejected by another agent", e(ev.Rejected, T, ixn_id="i1", **P4), "no-such-interaction"),
    (
        "submitted to an unknown staging area",
        e(ev.Submitted, T, ixn_id="w9", queue="Nowhere"),
        "unknown-staging-area",
    ),
    ("submitted twice", e(ev.Submitted, T, ixn_id="w1", queue="Backlog"), "duplicate-interaction"),
    (
        "placed in the queue it waits in",
        e(ev.PlacedInQueue, T, ixn_id="w1", queue="Backlog"),
        "duplicate-interaction",
    ),
    (
        "placed in an unknown staging area",
        e(ev.PlacedInQueue, T, ixn_id="w1", queue="Nowhere"),
        "unknown-staging-area",
    ),
    (
        "taken from a queue it is not in",
        e(ev.TakenFromQueue, T, ixn_id="w9", queue="Backlog"),
        "no-such-interaction",
    ),
    (
        "processing stopped of an unknown interaction",
        e(ev.ProcessingStopped, T, ixn_id="w9"),
        "no-such-interaction",
    ),
    (
        "properties of an unknown interaction",
        e(ev.PropertiesChanged, T, ixn_id="w9"),
        "no-such-interaction",
    ),
    # --- configuration -----------------------------------------------------------
    (
        "skill of an unknown agent",
        e(ev.AgentSkillChanged, T, agent_id="1999", skill="Sales", level=3),
        "unknown-agent",
    ),
    (
        "removing a skill the agent lacks",
        e(ev.AgentSkillChanged, T, agent_id="1001", skill="French"),
        "unknown-skill",
    ),
    (
        "adding to an unknown group",
        e(ev.AgentAddedToGroup, T, agent_id="1001", group="Nope"),
        "unknown-group",
    ),
    (
        "adding to a virtual group",
        e(ev.AgentAddedToGroup, T, agent_id="1001", group="SupportSkilled"),
        "virtual-group",
    ),
    (
        "removing from a virtual group",
        e(ev.AgentRemovedFromGroup, T, agent_id="1006", group="SupportSkilled"),
        "virtual-group",
    ),
    (
        "adding a member twice",
        e(ev.AgentAddedToGroup, T, agent_id="1001", group="SalesTeam"),
        "already-member",
    ),
    (
        "removing a non-member",
        e(ev.AgentRemovedFromGroup, T, agent_id="1006", group="SalesTeam"),
        "not-member",
    ),
    ("adding an existing agent", e(ev.AgentAdded, T, agent_id="1001"), "duplicate-agent"),
    (
        "adding an agent to an unknown tenant",
        e(ev.AgentAdded, T, agent_id="2001", tenant="Other"),
        "unknown-tenant",
    ),
    (
        "adding an agent with a taken login",
        e(ev.AgentAdded, T, agent_id="2001", logins={"SW1": "7001"}),
        "duplicate-login",
    ),
    ("removing a logged-in agent", e(ev.AgentRemoved, T, agent_id="1001"), "logged-in"),
]


def _baseline(*, strict: bool = True) -> Scenario:
    sc = Scenario(strict=strict)
    sc.feed_all(BASELINE)
    return sc


def _state(sc: Scenario) -> dict[str, Any]:
    """Everything observable: CurrentState trees and the model internals."""
    trees = {
        str(ref): sc.engine.current_state(ref)
        for type_ in (
            ObjectType.Agent,
            ObjectType.Place,
            ObjectType.RegDN,
            ObjectType.Queue,
            ObjectType.RoutePoint,
            ObjectType.GroupAgents,
            ObjectType.GroupPlaces,
        )
        for ref in sc.engine.objects(type_)
    }
    groups = {
        str(ref): (dict(sc.engine.group_status(ref)), sc.engine.group_members(ref))
        for type_ in (ObjectType.GroupAgents, ObjectType.GroupPlaces)
        for ref in sc.engine.objects(type_)
    }
    return {"trees": trees, "groups": groups, "model": model_snapshot(sc.model)}


def test_the_baseline_is_busy() -> None:
    """The cases above rely on this state."""
    sc = _baseline()
    assert {n: sc.status(n) for n in ("5001", "5002", "5005", "5006", "1003", "1004")} == {
        "5001": "CallInbound",
        "5002": "NotReadyForNextCall",
        "5005": "NotMonitored",
        "5006": "CallOnHold",
        "1003": "CallRinging",
        "1004": "CallInbound",
    }
    assert sc.status("Backlog") == ("Monitored", 1)
    assert sc.model.link_up == {"ts1": True, "ixn1": True, "ixn2": False}
    assert sc.engine.statistics().events_refused == 0


@pytest.mark.parametrize(("event", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_strict_refusal_raises_and_changes_nothing(event: ev.Event, reason: str) -> None:
    sc = _baseline()
    before = _state(sc)
    with pytest.raises(BadEventError) as info:
        sc.feed(event)
    assert info.value.reason == reason
    assert info.value.event is event
    assert _state(sc) == before
    assert dict(sc.engine.statistics().refused_by_reason) == {reason: 1}


@pytest.mark.parametrize(("event", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_tolerant_refusal_is_returned_counted_and_changes_nothing(
    event: ev.Event, reason: str
) -> None:
    sc = _baseline(strict=False)
    before = _state(sc)
    result = sc.feed(event)
    assert result.refused is not None
    assert (result.refused.reason, result.actions, result.status_changes) == (reason, (), ())
    assert _state(sc) == before
    stats = sc.engine.statistics()
    assert dict(stats.refused_by_reason) == {reason: 1}
    assert (stats.events_fed, stats.events_applied, stats.events_refused) == (
        len(BASELINE) + 1,
        len(BASELINE),
        1,
    )


def test_tolerant_mode_counts_refusals_by_reason_and_goes_on() -> None:
    """A stream with refused events in it: each is skipped and counted, the
    events after it apply normally."""
    sc = _baseline(strict=False)
    stream = [case[1] for case in CASES]
    for event in stream:
        sc.feed(event)
    result = sc.feed(e(ev.Released, 20, dn="5002", conn_id="c2"))
    assert result.refused is None
    assert sc.status("5002") == "NotReadyForNextCall"
    expected: dict[str, int] = {}
    for _, _, reason in CASES:
        expected[reason] = expected.get(reason, 0) + 1
    stats = sc.engine.statistics()
    assert dict(stats.refused_by_reason) == dict(sorted(expected.items()))
    assert stats.events_refused == len(CASES)
