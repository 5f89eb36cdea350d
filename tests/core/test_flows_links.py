"""Links and monitoring: loss, recovery, re-registration, out of service
(DOMAIN 2.1 registration protocol, 3.9 partial states, 8.2).

Each flow names the objects it watches (notation in
:mod:`tests.core.helpers`); a step with ``refused=`` must raise
BadEventError with that reason and change nothing.
"""

from __future__ import annotations

import pytest

from statengine.core import events as ev

from .helpers import Scenario, Step, e, run_flow

IN = ev.CallType.Inbound
AUTO_IN = ev.WorkMode.AutoIn
AS = ev.AgentState
LS = ev.LegState
RC = ev.RegisteredCall

#: name -> (watched objects, steps)
FLOWS: dict[str, tuple[tuple[str, ...], list[Step]]] = {
    # Losing the T-Server link ends every open action of its DNs at the loss
    # time (queue pseudo-actions and waiting calls included), makes the DNs,
    # the place and the agent NotMonitored (the agent stays associated: not
    # LoggedOut) and starts NotMonitored on the queues; its events are refused.
    # Reconnecting makes the DNs Monitored; Registered rebuilds the DN (agent
    # ready, a held and an established call) without AgentLogout / AgentLogin,
    # and the queue pseudo-actions come back.
    "tserver_loss_and_recovery": (
        ("5001", "P01", "1001", "8001", "SalesTeam", "8001#AgentReady"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
            ),
            Step(
                e(
                    ev.AgentLogin,
                    1,
                    dn="5001",
                    agent_id="7001",
                    this_queue="8001",
                    work_mode=AUTO_IN,
                ),
                [
                    "+LoggedIn@5001",
                    "!AgentLogin@5001",
                    "+WaitForNextCall@5001",
                    "+AgentLogin(Mediation)@8001/5001",
                    "+AgentReady@8001/5001",
                ],
                {
                    "5001": "WaitForNextCall",
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
                    "8001#AgentReady": 1,
                },
            ),
            Step(
                e(ev.Queued, 3, dn="8001", conn_id="c1", call_type=IN),
                ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
            ),
            Step(
                e(ev.Diverted, 5, dn="8001", conn_id="c1", other_dn="5001"),
                ["-CallWait@8001/c1 2s", "!CallDistributed@8001/c1 2s"],
            ),
            Step(
                e(ev.Ringing, 5, dn="5001", conn_id="c1", this_queue="8001", call_type=IN),
                ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
                {
                    "5001": "CallRinging",
                    "P01": "CallRinging",
                    "1001": "CallRinging",
                    "SalesTeam": {"CallRinging": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.Established, 6, dn="5001", conn_id="c1", call_type=IN),
                [
                    "-CallRinging@5001/c1 1s",
                    "!CallAnswered@5001/c1 1s",
                    "!CallAnswered@8001/c1 3s",
                    "+CallInbound@5001/c1",
                    "!CallInboundStarted@5001/c1",
                ],
                {
                    "5001": "CallInbound",
                    "P01": "CallInbound",
                    "1001": "CallInbound",
                    "SalesTeam": {"CallInbound": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.Held, 10, dn="5001", conn_id="c1"),
                ["+CallOnHold@5001/c1", "!CallHeld@5001/c1"],
                {
                    "5001": "CallOnHold",
                    "P01": "CallOnHold",
                    "1001": "CallOnHold",
                    "SalesTeam": {"CallOnHold": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.Queued, 12, dn="8001", conn_id="c2", call_type=IN),
                ["+CallWait@8001/c2", "!CallEntered@8001/c2"],
            ),
            Step(
                e(ev.LinkDisconnected, 20),
                [
                    "-AgentActive@8001/5001 15s",
                    "-AgentLogin(Mediation)@8001/5001 19s",
                    "-AgentReady@8001/5001 19s",
                    "-CallWait@8001/c2 8s",
                    "-Monitored@8001 20s",
                    "+NotMonitored@8001",
                    "-Monitored@8002 20s",
                    "+NotMonitored@8002",
                    "-Monitored@9000 20s",
                    "+NotMonitored@9000",
                    "-CallInbound@5001/c1 14s",
                    "-CallOnHold@5001/c1 10s",
                    "-LoggedIn@5001 19s",
                    "-WaitForNextCall@5001 19s",
                ],
                {
                    "5001": "NotMonitored",
                    "P01": "NotMonitored",
                    "1001": "NotMonitored",
                    "8001": "NotMonitored",
                    "SalesTeam": {"NotMonitored": 1, "LoggedOut": 4},
                    "8001#AgentReady": 0,
                },
            ),
            Step(e(ev.AgentReady, 21, dn="5001"), [], refused="link-down"),
            Step(e(ev.Released, 22, dn="5001", conn_id="c1"), [], refused="link-down"),
            Step(
                e(ev.LinkConnected, 30),
                [
                    "-NotMonitored@8001 10s",
                    "+Monitored@8001",
                    "-NotMonitored@8002 10s",
                    "+Monitored@8002",
                    "-NotMonitored@9000 10s",
                    "+Monitored@9000",
                ],
                {
                    "5001": "Monitored",
                    "P01": "Monitored",
                    "1001": "Monitored",
                    "8001": "Monitored",
                    "SalesTeam": {"Monitored": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(
                    ev.Registered,
                    30,
                    dn="5001",
                    agent_id="7001",
                    agent_state=AS.Ready,
                    dn_idle=False,
                    calls=(
                        RC(conn_id="c1", state=LS.Held, call_type=IN, this_queue="8001"),
                        RC(conn_id="c3", state=LS.Established, call_type=IN),
                    ),
                ),
                [
                    "+LoggedIn@5001",
                    "+WaitForNextCall@5001",
                    "+CallInbound@5001/c1",
                    "!CallInboundStarted@5001/c1",
                    "+CallOnHold@5001/c1",
                    "+CallInbound@5001/c3",
                    "!CallInboundStarted@5001/c3",
                    "+AgentLogin(Mediation)@8001/5001",
                    "+AgentReady@8001/5001",
                    "+AgentActive@8001/5001",
                ],
                {
                    "5001": "CallInbound",
                    "P01": "CallInbound",
                    "1001": "CallInbound",
                    "SalesTeam": {"CallInbound": 1, "LoggedOut": 4},
                    "8001#AgentReady": 1,
                },
            ),
            Step(e(ev.Registered, 30, dn="8001"), []),
            Step(
                e(ev.Released, 40, dn="5001", conn_id="c3"),
                ["-CallInbound@5001/c3 10s", "!CallInboundCompleted@5001/c3 10s"],
                {
                    "5001": "CallOnHold",
                    "P01": "CallOnHold",
                    "1001": "CallOnHold",
                    "SalesTeam": {"CallOnHold": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.Retrieved, 45, dn="5001", conn_id="c1"),
                ["-CallOnHold@5001/c1 15s", "!CallRetrievedFromHold@5001/c1 15s"],
                {
                    "5001": "CallInbound",
                    "P01": "CallInbound",
                    "1001": "CallInbound",
                    "SalesTeam": {"CallInbound": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.Released, 50, dn="5001", conn_id="c1"),
                [
                    "-CallInbound@5001/c1 20s",
                    "!CallInboundCompleted@5001/c1 20s",
                    "!CallReleased@8001/c1 20s",
                    "-AgentActive@8001/5001 20s",
                ],
                {
                    "5001": "WaitForNextCall",
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.AgentLogout, 60, dn="5001"),
                [
                    "-WaitForNextCall@5001 30s",
                    "-LoggedIn@5001 30s",
                    "!AgentLogout@5001",
                    "-AgentLogin(Mediation)@8001/5001 30s",
                    "-AgentReady@8001/5001 30s",
                ],
                {
                    "5001": "Monitored",
                    "P01": "Monitored",
                    "1001": "LoggedOut",
                    "SalesTeam": {"LoggedOut": 5},
                    "8001#AgentReady": 0,
                },
            ),
        ],
    ),
    # ServerDisconnected works like LinkDisconnected. An agent who logged out
    # during the outage gets AgentLogout at re-registration; another agent on
    # the DN is logged out and the new one in.
    "agent_changed_during_outage": (
        ("5001", "5002", "1001", "1002", "1003", "SalesTeam"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"5001": "Monitored", "5002": "Monitored"},
            ),
            Step(
                e(ev.AgentLogin, 1, dn="5001", agent_id="7001", work_mode=AUTO_IN),
                ["+LoggedIn@5001", "!AgentLogin@5001", "+WaitForNextCall@5001"],
                {
                    "5001": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.AgentLogin, 1, dn="5002", agent_id="7002", work_mode=AUTO_IN),
                ["+LoggedIn@5002", "!AgentLogin@5002", "+WaitForNextCall@5002"],
                {
                    "5002": "WaitForNextCall",
                    "1002": "WaitForNextCall",
                    "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
                },
            ),
            Step(
                e(ev.ServerDisconnected, 10),
                [
                    "-Monitored@8001 10s",
                    "+NotMonitored@8001",
                    "-Monitored@8002 10s",
                    "+NotMonitored@8002",
                    "-Monitored@9000 10s",
                    "+NotMonitored@9000",
                    "-LoggedIn@5001 9s",
                    "-WaitForNextCall@5001 9s",
                    "-LoggedIn@5002 9s",
                    "-WaitForNextCall@5002 9s",
                ],
                {
                    "5001": "NotMonitored",
                    "5002": "NotMonitored",
                    "1001": "NotMonitored",
                    "1002": "NotMonitored",
                    "SalesTeam": {"NotMonitored": 2, "LoggedOut": 3},
                },
            ),
            Step(
                e(ev.LinkConnected, 20),
                [
                    "-NotMonitored@8001 10s",
                    "+Monitored@8001",
                    "-NotMonitored@8002 10s",
                    "+Monitored@8002",
                    "-NotMonitored@9000 10s",
                    "+Monitored@9000",
                ],
                {
                    "5001": "Monitored",
                    "5002": "Monitored",
                    "1001": "Monitored",
                    "1002": "Monitored",
                    "SalesTeam": {"Monitored": 2, "LoggedOut": 3},
                },
            ),
            Step(
                e(ev.Registered, 20, dn="5001"),
                ["!AgentLogout@5001"],
                {"1001": "LoggedOut", "SalesTeam": {"Monitored": 1, "LoggedOut": 4}},
            ),
            Step(
                e(
                    ev.Registered,
                    20,
                    dn="5002",
                    agent_id="7003",
                    agent_state=AS.NotReady,
                    reasons={"ReasonCode": "Lunch"},
                ),
                [
                    "!AgentLogout@5002",
                    "+LoggedIn@5002",
                    "!AgentLogin@5002",
                    "+NotReadyForNextCall@5002",
                ],
                {
                    "5002": "NotReadyForNextCall",
                    "1002": "LoggedOut",
                    "1003": "NotReadyForNextCall",
                    "SalesTeam": {"NotReadyForNextCall": 1, "LoggedOut": 4},
                },
            ),
        ],
    ),
    # Cutting ixn1 ends and un-monitors only the channels ixn1 reported: the
    # agent keeps its voice DN and its email on ixn2 (the email delivery goes
    # on, so the agent is CallRinging). ixn1's events are refused while it is
    # down; when it comes back its partials are dropped and rebuilt from new
    # logins. The agent is NotMonitored (not LoggedOut) once every link is down.
    "interaction_server_loss": (
        ("5001", "P01", "1001", "1001.chat@ixn1", "1001.email@ixn2", "SalesTeam"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"5001": "Monitored", "P01": "Monitored"},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn1"), []),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.AgentLogin, 1, dn="5001", agent_id="7001", work_mode=AUTO_IN),
                ["+LoggedIn@5001", "!AgentLogin@5001", "+WaitForNextCall@5001"],
                {
                    "5001": "WaitForNextCall",
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.IxnAgentLogin, 1, agent_id="1001", place="P01", media={"chat": 1}),
                [
                    "+Active@1001.chat@ixn1",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.chat@ixn1": "NotReadyForNextCall",
                    "SalesTeam": {"NotReadyForNextCall": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(
                    ev.IxnAgentLogin,
                    1,
                    link="ixn2",
                    agent_id="1001",
                    place="P01",
                    media={"email": 2},
                ),
                [
                    "+Active@1001.email@ixn2",
                    "+NotReadyForNextCall@1001.email@ixn2",
                    "+NotRoutable@1001.email@ixn2",
                ],
                {"1001.email@ixn2": "NotReadyForNextCall"},
            ),
            Step(
                e(ev.MediaReady, 2, agent_id="1001", place="P01", media="chat"),
                [
                    "-NotReadyForNextCall@1001.chat@ixn1 1s",
                    "+WaitForNextCall@1001.chat@ixn1",
                    "-NotRoutable@1001.chat@ixn1 1s",
                    "+Routable@1001.chat@ixn1",
                ],
                {"1001.chat@ixn1": "WaitForNextCall"},
            ),
            Step(
                e(ev.MediaReady, 2, link="ixn2", agent_id="1001", place="P01", media="email"),
                [
                    "-NotReadyForNextCall@1001.email@ixn2 1s",
                    "+WaitForNextCall@1001.email@ixn2",
                    "-NotRoutable@1001.email@ixn2 1s",
                    "+Routable@1001.email@ixn2",
                ],
                {
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "1001.email@ixn2": "WaitForNextCall",
                    "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.IxnPartyAdded, 3, ixn_id="i1", media="chat", agent_id="1001", place="P01"),
                [
                    "+HandlingInbound@1001.chat@ixn1/i1",
                    "!HandlingInboundStarted@1001.chat@ixn1/i1",
                    "+Handling@1001.chat@ixn1/i1",
                    "!HandlingStarted@1001.chat@ixn1/i1",
                    "-Routable@1001.chat@ixn1 1s",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {
                    "P01": "CallInbound",
                    "1001": "CallInbound",
                    "1001.chat@ixn1": "CallInbound",
                    "SalesTeam": {"CallInbound": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(
                    ev.AgentInvited,
                    4,
                    link="ixn2",
                    ixn_id="i2",
                    media="email",
                    agent_id="1001",
                    place="P01",
                ),
                ["+Delivering@1001.email@ixn2/i2", "!DeliveringStarted@1001.email@ixn2/i2"],
                {"1001.email@ixn2": "CallRinging"},
            ),
            Step(
                e(ev.LinkDisconnected, 10, link="ixn1"),
                [
                    "-Active@1001.chat@ixn1 9s",
                    "-Handling@1001.chat@ixn1/i1 7s",
                    "-HandlingInbound@1001.chat@ixn1/i1 7s",
                    "-NotRoutable@1001.chat@ixn1 7s",
                    "-WaitForNextCall@1001.chat@ixn1 8s",
                ],
                {
                    "P01": "CallRinging",
                    "1001": "CallRinging",
                    "1001.chat@ixn1": "NotMonitored",
                    "SalesTeam": {"CallRinging": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.IxnPartyRemoved, 11, ixn_id="i1", agent_id="1001", place="P01"),
                [],
                refused="link-down",
            ),
            Step(
                e(
                    ev.IxnPartyAdded,
                    12,
                    link="ixn2",
                    ixn_id="i2",
                    media="email",
                    agent_id="1001",
                    place="P01",
                ),
                [
                    "-Delivering@1001.email@ixn2/i2 8s",
                    "!Accepted@1001.email@ixn2/i2 8s",
                    "+HandlingInbound@1001.email@ixn2/i2",
                    "!HandlingInboundStarted@1001.email@ixn2/i2",
                    "+Handling@1001.email@ixn2/i2",
                    "!HandlingStarted@1001.email@ixn2/i2",
                ],
                {
                    "P01": "CallInbound",
                    "1001": "CallInbound",
                    "1001.email@ixn2": "CallInbound",
                    "SalesTeam": {"CallInbound": 1, "LoggedOut": 4},
                },
            ),
            Step(e(ev.LinkConnected, 20, link="ixn1"), [], {"1001.chat@ixn1": "absent"}),
            Step(
                e(ev.IxnAgentLogin, 21, agent_id="1001", place="P01", media={"chat": 1}),
                [
                    "+Active@1001.chat@ixn1",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {"1001.chat@ixn1": "NotReadyForNextCall"},
            ),
            Step(
                e(ev.LinkDisconnected, 30, link="ixn2"),
                [
                    "-Active@1001.email@ixn2 29s",
                    "-Handling@1001.email@ixn2/i2 18s",
                    "-HandlingInbound@1001.email@ixn2/i2 18s",
                    "-Routable@1001.email@ixn2 28s",
                    "-WaitForNextCall@1001.email@ixn2 28s",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.email@ixn2": "NotMonitored",
                    "SalesTeam": {"NotReadyForNextCall": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.LinkDisconnected, 31),
                [
                    "-Monitored@8001 31s",
                    "+NotMonitored@8001",
                    "-Monitored@8002 31s",
                    "+NotMonitored@8002",
                    "-Monitored@9000 31s",
                    "+NotMonitored@9000",
                    "-LoggedIn@5001 30s",
                    "-WaitForNextCall@5001 30s",
                ],
                {"5001": "NotMonitored"},
            ),
            Step(
                e(ev.LinkDisconnected, 32, link="ixn1"),
                [
                    "-Active@1001.chat@ixn1 11s",
                    "-NotReadyForNextCall@1001.chat@ixn1 11s",
                    "-NotRoutable@1001.chat@ixn1 11s",
                ],
                {
                    "P01": "NotMonitored",
                    "1001": "NotMonitored",
                    "1001.chat@ixn1": "NotMonitored",
                    "SalesTeam": {"NotMonitored": 1, "LoggedOut": 4},
                },
            ),
        ],
    ),
    # Staging areas stay monitored while any Interaction Server of the tenant
    # is up; each server that goes takes the interactions it reported with it
    # (their waits end with no outcome).
    "staging_areas_follow_the_last_server": (
        ("Backlog",),
        [
            Step(e(ev.LinkConnected, 0, link="ixn1"), [], {"Backlog": ("Monitored", 0)}),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.Submitted, 1, ixn_id="w1", media="workitem", queue="Backlog"),
                ["+InteractionWaiting@Backlog/w1", "!InteractionEntered@Backlog/w1"],
                {"Backlog": ("Monitored", 1)},
            ),
            Step(
                e(ev.ServerDisconnected, 10, link="ixn1"),
                ["-InteractionWaiting@Backlog/w1 9s"],
                {"Backlog": ("Monitored", 0)},
            ),
            Step(
                e(ev.Submitted, 11, link="ixn2", ixn_id="w2", media="workitem", queue="Backlog"),
                ["+InteractionWaiting@Backlog/w2", "!InteractionEntered@Backlog/w2"],
                {"Backlog": ("Monitored", 1)},
            ),
            Step(
                e(ev.LinkDisconnected, 20, link="ixn2"),
                ["-InteractionWaiting@Backlog/w2 9s"],
                {"Backlog": ("NotMonitored", 0)},
            ),
            Step(
                e(ev.TakenFromQueue, 21, link="ixn2", ixn_id="w1", queue="Backlog"),
                [],
                refused="link-down",
            ),
            Step(e(ev.LinkConnected, 30, link="ixn2"), [], {"Backlog": ("Monitored", 0)}),
            Step(
                e(ev.TakenFromQueue, 31, link="ixn2", ixn_id="w1", queue="Backlog"),
                [],
                refused="no-such-interaction",
            ),
            Step(
                e(ev.PlacedInQueue, 31, link="ixn2", ixn_id="w1", queue="Backlog"),
                ["+InteractionWaiting@Backlog/w1", "!InteractionEntered@Backlog/w1"],
                {"Backlog": ("Monitored", 1)},
            ),
        ],
    ),
    # Registered with the agent Ready, the DN not idle and no calls: the sticky
    # LoggedIn status (DOMAIN 2.1 item 5) hides the agent-state actions (not
    # the calls); it survives a link loss and a clean re-registration and clears
    # only at logout + login.
    "sticky_logged_in": (
        ("5001", "P01", "1001", "SalesTeam"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"5001": "Monitored", "P01": "Monitored"},
            ),
            Step(
                e(
                    ev.Registered,
                    1,
                    dn="5001",
                    agent_id="7001",
                    agent_state=AS.Ready,
                    dn_idle=False,
                ),
                ["+LoggedIn@5001", "!AgentLogin@5001", "+WaitForNextCall@5001"],
                {
                    "5001": "LoggedIn",
                    "P01": "LoggedIn",
                    "1001": "LoggedIn",
                    "SalesTeam": {"LoggedIn": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.AgentNotReady, 2, dn="5001", reasons={"ReasonCode": "Lunch"}),
                ["-WaitForNextCall@5001 1s", "+NotReadyForNextCall@5001"],
            ),
            Step(
                e(ev.AgentReady, 3, dn="5001"),
                ["-NotReadyForNextCall@5001 1s", "+WaitForNextCall@5001"],
            ),
            Step(
                e(ev.Ringing, 4, dn="5001", conn_id="c1", call_type=IN),
                ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1"],
                {
                    "5001": "CallRinging",
                    "P01": "CallRinging",
                    "1001": "CallRinging",
                    "SalesTeam": {"CallRinging": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.Established, 5, dn="5001", conn_id="c1", call_type=IN),
                [
                    "-CallRinging@5001/c1 1s",
                    "!CallAnswered@5001/c1 1s",
                    "+CallInbound@5001/c1",
                    "!CallInboundStarted@5001/c1",
                ],
                {
                    "5001": "CallInbound",
                    "P01": "CallInbound",
                    "1001": "CallInbound",
                    "SalesTeam": {"CallInbound": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.Released, 9, dn="5001", conn_id="c1"),
                ["-CallInbound@5001/c1 4s", "!CallInboundCompleted@5001/c1 4s"],
                {
                    "5001": "LoggedIn",
                    "P01": "LoggedIn",
                    "1001": "LoggedIn",
                    "SalesTeam": {"LoggedIn": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.LinkDisconnected, 10),
                [
                    "-Monitored@8001 10s",
                    "+NotMonitored@8001",
                    "-Monitored@8002 10s",
                    "+NotMonitored@8002",
                    "-Monitored@9000 10s",
                    "+NotMonitored@9000",
                    "-LoggedIn@5001 9s",
                    "-WaitForNextCall@5001 7s",
                ],
                {
                    "5001": "NotMonitored",
                    "P01": "NotMonitored",
                    "1001": "NotMonitored",
                    "SalesTeam": {"NotMonitored": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.LinkConnected, 11),
                [
                    "-NotMonitored@8001 1s",
                    "+Monitored@8001",
                    "-NotMonitored@8002 1s",
                    "+Monitored@8002",
                    "-NotMonitored@9000 1s",
                    "+Monitored@9000",
                ],
                {
                    "5001": "LoggedIn",
                    "P01": "LoggedIn",
                    "1001": "LoggedIn",
                    "SalesTeam": {"LoggedIn": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.Registered, 11, dn="5001", agent_id="7001", agent_state=AS.Ready),
                ["+LoggedIn@5001", "+WaitForNextCall@5001"],
            ),
            Step(
                e(ev.AgentLogout, 12, dn="5001"),
                ["-WaitForNextCall@5001 1s", "-LoggedIn@5001 1s", "!AgentLogout@5001"],
                {
                    "5001": "Monitored",
                    "P01": "Monitored",
                    "1001": "LoggedOut",
                    "SalesTeam": {"LoggedOut": 5},
                },
            ),
            Step(
                e(ev.AgentLogin, 13, dn="5001", agent_id="7001"),
                ["+LoggedIn@5001", "!AgentLogin@5001"],
                {"1001": "Monitored", "SalesTeam": {"Monitored": 1, "LoggedOut": 4}},
            ),
            Step(
                e(ev.AgentReady, 14, dn="5001"),
                ["+WaitForNextCall@5001"],
                {
                    "5001": "WaitForNextCall",
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
                },
            ),
        ],
    ),
    # DNOutOfService / DNBackInService do for one DN what the link does for all:
    # the agent's queue pseudo-actions end with its DN; a queue back in service
    # gets the pseudo-actions of the agents logged into it again.
    "dn_out_of_service": (
        ("5001", "5002", "P01", "1001", "8001"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"5001": "Monitored", "5002": "Monitored", "P01": "Monitored", "8001": "Monitored"},
            ),
            Step(
                e(
                    ev.AgentLogin,
                    1,
                    dn="5001",
                    agent_id="7001",
                    this_queue="8001",
                    work_mode=AUTO_IN,
                ),
                [
                    "+LoggedIn@5001",
                    "!AgentLogin@5001",
                    "+WaitForNextCall@5001",
                    "+AgentLogin(Mediation)@8001/5001",
                    "+AgentReady@8001/5001",
                ],
                {"5001": "WaitForNextCall", "P01": "WaitForNextCall", "1001": "WaitForNextCall"},
            ),
            Step(
                e(ev.Ringing, 2, dn="5001", conn_id="c1", call_type=IN),
                ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
                {"5001": "CallRinging", "P01": "CallRinging", "1001": "CallRinging"},
            ),
            Step(
                e(ev.Queued, 3, dn="8001", conn_id="c2", call_type=IN),
                ["+CallWait@8001/c2", "!CallEntered@8001/c2"],
            ),
            Step(
                e(ev.DNOutOfService, 5, dn="5001"),
                [
                    "-CallRinging@5001/c1 3s",
                    "-LoggedIn@5001 4s",
                    "-WaitForNextCall@5001 4s",
                    "-AgentLogin(Mediation)@8001/5001 4s",
                    "-AgentReady@8001/5001 4s",
                    "-AgentActive@8001/5001 3s",
                ],
                {"5001": "NotMonitored", "P01": "NotMonitored", "1001": "NotMonitored"},
            ),
            Step(e(ev.AgentReady, 6, dn="5001"), [], refused="dn-out-of-service"),
            Step(e(ev.DNOutOfService, 7, dn="5001"), [], refused="dn-out-of-service"),
            Step(
                e(ev.Ringing, 8, dn="5002", conn_id="c3", call_type=IN),
                ["+CallRinging@5002/c3", "!CallRingingStarted@5002/c3"],
                {"5002": "CallRinging"},
            ),
            Step(
                e(ev.DNOutOfService, 9, dn="8001"),
                ["-CallWait@8001/c2 6s", "-Monitored@8001 9s", "+NotMonitored@8001"],
                {"8001": "NotMonitored"},
            ),
            Step(
                e(ev.DNBackInService, 10, dn="5001"),
                [],
                {"5001": "Monitored", "P01": "Monitored", "1001": "Monitored"},
            ),
            Step(e(ev.DNBackInService, 11, dn="5001"), [], refused="dn-in-service"),
            Step(
                e(ev.Registered, 11, dn="5001", agent_id="7001", agent_state=AS.NotReady),
                ["+LoggedIn@5001", "+NotReadyForNextCall@5001"],
                {
                    "5001": "NotReadyForNextCall",
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                },
            ),
            Step(
                e(ev.DNBackInService, 12, dn="8001"),
                ["-NotMonitored@8001 3s", "+Monitored@8001", "+AgentLogin(Mediation)@8001/5001"],
                {"8001": "Monitored"},
            ),
            Step(
                e(ev.Released, 13, dn="5002", conn_id="c3"),
                ["-CallRinging@5002/c3 5s", "!CallAbandonedFromRinging@5002/c3 5s"],
                {"5002": "Monitored"},
            ),
        ],
    ),
}


@pytest.mark.parametrize("name", list(FLOWS))
def test_link_flow(name: str) -> None:
    watch, steps = FLOWS[name]
    run_flow(steps, watch)


@pytest.mark.parametrize("name", list(FLOWS))
def test_link_flow_tolerant(name: str) -> None:
    """The same flows in tolerant mode: refused events are returned, counted
    by reason, and change nothing."""
    watch, steps = FLOWS[name]
    sc = run_flow(steps, watch, scenario=Scenario(strict=False))
    expected: dict[str, int] = {}
    for step in steps:
        if step.refused is not None:
            expected[step.refused] = expected.get(step.refused, 0) + 1
    assert dict(sc.engine.statistics().refused_by_reason) == expected


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (e(ev.AgentLogin, 1, dn="5001", agent_id="7001"), "link-down"),
        (e(ev.Queued, 1, dn="8001", conn_id="c1"), "link-down"),
        (e(ev.Registered, 1, dn="5001"), "link-down"),
        (e(ev.DNOutOfService, 1, dn="5001"), "link-down"),
        (e(ev.IxnAgentLogin, 1, agent_id="1001", place="P01"), "link-down"),
        (e(ev.Submitted, 1, ixn_id="w1", queue="Backlog", link="ixn2"), "link-down"),
        (e(ev.LinkDisconnected, 1), "link-down"),
        (e(ev.ServerDisconnected, 1, link="ixn1"), "link-down"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, ev.Event) else v,
)
def test_links_start_down(event: ev.Event, reason: str) -> None:
    """A stream must begin with LinkConnected for each link it uses."""
    run_flow([Step(event, [], refused=reason)], ("5001", "1001", "Backlog"))
