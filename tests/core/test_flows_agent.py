"""Agent-state flows on a voice DN (DOMAIN 3.3, 3.4, 3.8, 10.3).

Login with and without ThisQueue and with AutoIn, ready / not ready with
reasons, after-call work (after a call, requested during a call, cancelled,
missed), logout, DND, hook state, and the queue pseudo-actions
AgentLogin(Mediation) / AgentReady / AgentActive with ACWCompleted /
ACWMissed reflected on the queue. Every table is checked event by event by
:func:`tests.core.helpers.run_flow` (notation in that module).
"""

from __future__ import annotations

import pytest

from statengine.core import events as ev

from .helpers import Scenario, Step, e, fmt_change, ms, run_flow

IN = ev.CallType.Inbound
INT = ev.CallType.Internal
AUTO_IN = ev.WorkMode.AutoIn
ACW = ev.WorkMode.AfterCallWork
AUX = ev.WorkMode.AuxWork

#: Agent 1001 logs in on extension 5001 at place P01; 8001 is the Sales queue.
WATCH = ("5001", "P01", "1001", "8001", "SalesTeam")

FLOWS: dict[str, list[Step]] = {
    # AgentLogin opens LoggedIn (which gives no status: the DN stays Monitored)
    # and the momentary AgentLogin; no ThisQueue, no queue pseudo-action.
    "login_without_queue": [
        Step(
            e(ev.LinkConnected, 0),
            ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
            {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
        ),
        Step(
            e(ev.AgentLogin, 1, dn="5001", agent_id="7001"),
            ["+LoggedIn@5001", "!AgentLogin@5001"],
            {"1001": "Monitored", "SalesTeam": {"Monitored": 1, "LoggedOut": 4}},
        ),
        Step(
            e(ev.AgentLogout, 9, dn="5001", agent_id="7001"),
            ["-LoggedIn@5001 8s", "!AgentLogout@5001"],
            {"1001": "LoggedOut", "SalesTeam": {"LoggedOut": 5}},
        ),
    ],
    # ThisQueue=8001 opens AgentLogin(Mediation) on the queue; WorkMode AutoIn
    # makes the agent ready at once (WaitForNextCall + AgentReady on 8001).
    # Logout closes all of them.
    "login_with_queue_autoin": [
        Step(
            e(ev.LinkConnected, 0),
            ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
            {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
        ),
        Step(
            e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001", work_mode=AUTO_IN),
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
            },
        ),
        Step(
            e(ev.AgentLogout, 9, dn="5001"),
            [
                "-WaitForNextCall@5001 8s",
                "-LoggedIn@5001 8s",
                "!AgentLogout@5001",
                "-AgentLogin(Mediation)@8001/5001 8s",
                "-AgentReady@8001/5001 8s",
            ],
            {
                "5001": "Monitored",
                "P01": "Monitored",
                "1001": "LoggedOut",
                "SalesTeam": {"LoggedOut": 5},
            },
        ),
    ],
    # A second AgentReady changes nothing. A new not-ready reason closes the
    # NotReadyForNextCall and opens another (status unchanged); the same
    # reason again changes nothing.
    "ready_not_ready_reasons": [
        Step(
            e(ev.LinkConnected, 0),
            ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
            {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
        ),
        Step(
            e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001"),
            ["+LoggedIn@5001", "!AgentLogin@5001", "+AgentLogin(Mediation)@8001/5001"],
            {"1001": "Monitored", "SalesTeam": {"Monitored": 1, "LoggedOut": 4}},
        ),
        Step(
            e(ev.AgentReady, 2, dn="5001"),
            ["+WaitForNextCall@5001", "+AgentReady@8001/5001"],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
            },
        ),
        Step(e(ev.AgentReady, 3, dn="5001"), []),
        Step(
            e(ev.AgentNotReady, 5, dn="5001", work_mode=AUX, reasons={"ReasonCode": "Lunch"}),
            ["-WaitForNextCall@5001 3s", "+NotReadyForNextCall@5001", "-AgentReady@8001/5001 3s"],
            {
                "5001": "NotReadyForNextCall",
                "P01": "NotReadyForNextCall",
                "1001": "NotReadyForNextCall",
                "SalesTeam": {"NotReadyForNextCall": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.AgentNotReady, 9, dn="5001", work_mode=AUX, reasons={"ReasonCode": "Break"}),
            ["-NotReadyForNextCall@5001 4s", "+NotReadyForNextCall@5001"],
            changes=[
                "5001: NotReadyForNextCall->NotReadyForNextCall",
                "P01: NotReadyForNextCall->NotReadyForNextCall",
                "1001: NotReadyForNextCall->NotReadyForNextCall",
            ],
        ),
        Step(
            e(ev.AgentNotReady, 12, dn="5001", work_mode=AUX, reasons={"ReasonCode": "Break"}),
            [],
            changes=[],
        ),
        Step(
            e(ev.AgentReady, 20, dn="5001"),
            ["-NotReadyForNextCall@5001 11s", "+WaitForNextCall@5001", "+AgentReady@8001/5001"],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.AgentLogout, 30, dn="5001"),
            [
                "-WaitForNextCall@5001 10s",
                "-LoggedIn@5001 29s",
                "!AgentLogout@5001",
                "-AgentLogin(Mediation)@8001/5001 29s",
                "-AgentReady@8001/5001 10s",
            ],
            {
                "5001": "Monitored",
                "P01": "Monitored",
                "1001": "LoggedOut",
                "SalesTeam": {"LoggedOut": 5},
            },
        ),
    ],
    # ACW after a call distributed by 8001 carries the queue; a reason change
    # in ACW restarts the action (the queue stays) and leaving ACW gives
    # ACWCompleted on 8001 with the duration of the last ACW action.
    "acw_after_call": [
        Step(
            e(ev.LinkConnected, 0),
            ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
            {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
        ),
        Step(
            e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001", work_mode=AUTO_IN),
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
            },
        ),
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 12, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 2s", "!CallDistributed@8001/c1 2s"],
        ),
        Step(
            e(ev.Ringing, 12, dn="5001", conn_id="c1", this_queue="8001", call_type=IN),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"CallRinging": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.Established, 15, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 3s",
                "!CallAnswered@5001/c1 3s",
                "!CallAnswered@8001/c1 5s",
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
            e(ev.Released, 30, dn="5001", conn_id="c1"),
            [
                "-CallInbound@5001/c1 15s",
                "!CallInboundCompleted@5001/c1 15s",
                "!CallReleased@8001/c1 15s",
                "-AgentActive@8001/5001 18s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.AgentNotReady, 31, dn="5001", work_mode=ACW, reasons={"ReasonCode": "Wrap"}),
            ["-WaitForNextCall@5001 30s", "+AfterCallWork@5001", "-AgentReady@8001/5001 30s"],
            {
                "5001": "AfterCallWork",
                "P01": "AfterCallWork",
                "1001": "AfterCallWork",
                "SalesTeam": {"AfterCallWork": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.AgentNotReady, 40, dn="5001", work_mode=ACW, reasons={"ReasonCode": "Wrap2"}),
            ["-AfterCallWork@5001 9s", "+AfterCallWork@5001"],
        ),
        Step(
            e(ev.AgentReady, 61, dn="5001"),
            [
                "-AfterCallWork@5001 21s",
                "!ACWCompleted@8001 21s",
                "+WaitForNextCall@5001",
                "+AgentReady@8001/5001",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
            },
        ),
    ],
    # ACW asked for during a call ends the ready state at once but starts only
    # when the call ends (DOMAIN 3.3); logout from ACW still completes it on
    # the queue.
    "acw_requested_during_call": [
        Step(
            e(ev.LinkConnected, 0),
            ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
            {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
        ),
        Step(
            e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001", work_mode=AUTO_IN),
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
            },
        ),
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 12, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 2s", "!CallDistributed@8001/c1 2s"],
        ),
        Step(
            e(ev.Ringing, 12, dn="5001", conn_id="c1", this_queue="8001", call_type=IN),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"CallRinging": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.Established, 15, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 3s",
                "!CallAnswered@5001/c1 3s",
                "!CallAnswered@8001/c1 5s",
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
            e(ev.AgentAfterCallWork, 20, dn="5001"),
            ["-WaitForNextCall@5001 19s", "-AgentReady@8001/5001 19s"],
        ),
        Step(
            e(ev.Held, 22, dn="5001", conn_id="c1"),
            ["+CallOnHold@5001/c1", "!CallHeld@5001/c1"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"CallOnHold": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.Retrieved, 25, dn="5001", conn_id="c1"),
            ["-CallOnHold@5001/c1 3s", "!CallRetrievedFromHold@5001/c1 3s"],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"CallInbound": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.Released, 30, dn="5001", conn_id="c1"),
            [
                "-CallInbound@5001/c1 15s",
                "!CallInboundCompleted@5001/c1 15s",
                "!CallReleased@8001/c1 15s",
                "+AfterCallWork@5001",
                "-AgentActive@8001/5001 18s",
            ],
            {
                "5001": "AfterCallWork",
                "P01": "AfterCallWork",
                "1001": "AfterCallWork",
                "SalesTeam": {"AfterCallWork": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.AgentLogout, 50, dn="5001"),
            [
                "-AfterCallWork@5001 20s",
                "!ACWCompleted@8001 20s",
                "-LoggedIn@5001 49s",
                "!AgentLogout@5001",
                "-AgentLogin(Mediation)@8001/5001 49s",
            ],
            {
                "5001": "Monitored",
                "P01": "Monitored",
                "1001": "LoggedOut",
                "SalesTeam": {"LoggedOut": 5},
            },
        ),
    ],
    # Ready during the call cancels the pending ACW; going not ready after a
    # queue call without ACW is ACWMissed on that queue.
    "acw_request_cancelled_by_ready": [
        Step(
            e(ev.LinkConnected, 0),
            ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
            {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
        ),
        Step(
            e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001", work_mode=AUTO_IN),
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
            },
        ),
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 12, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 2s", "!CallDistributed@8001/c1 2s"],
        ),
        Step(
            e(ev.Ringing, 12, dn="5001", conn_id="c1", this_queue="8001", call_type=IN),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"CallRinging": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.Established, 15, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 3s",
                "!CallAnswered@5001/c1 3s",
                "!CallAnswered@8001/c1 5s",
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
            e(ev.AgentNotReady, 20, dn="5001", work_mode=ACW),
            ["-WaitForNextCall@5001 19s", "-AgentReady@8001/5001 19s"],
        ),
        Step(e(ev.AgentReady, 25, dn="5001"), ["+WaitForNextCall@5001", "+AgentReady@8001/5001"]),
        Step(
            e(ev.Released, 30, dn="5001", conn_id="c1"),
            [
                "-CallInbound@5001/c1 15s",
                "!CallInboundCompleted@5001/c1 15s",
                "!CallReleased@8001/c1 15s",
                "-AgentActive@8001/5001 18s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.AgentNotReady, 32, dn="5001", reasons={"ReasonCode": "Coffee"}),
            [
                "-WaitForNextCall@5001 7s",
                "!ACWMissed@8001 0s",
                "+NotReadyForNextCall@5001",
                "-AgentReady@8001/5001 7s",
            ],
            {
                "5001": "NotReadyForNextCall",
                "P01": "NotReadyForNextCall",
                "1001": "NotReadyForNextCall",
                "SalesTeam": {"NotReadyForNextCall": 1, "LoggedOut": 4},
            },
        ),
    ],
    # Logout ends the agent's mode, LoggedIn and every queue pseudo-action,
    # but not the call (it belongs to the DN) nor DND (a DN feature).
    "logout_ends_everything": [
        Step(
            e(ev.LinkConnected, 0),
            ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
            {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
        ),
        Step(
            e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001", work_mode=AUTO_IN),
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
            },
        ),
        Step(e(ev.DNDOn, 2, dn="5001"), ["+DoNotDisturb@5001"]),
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 12, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 2s", "!CallDistributed@8001/c1 2s"],
        ),
        Step(
            e(ev.Ringing, 12, dn="5001", conn_id="c1", this_queue="8001", call_type=IN),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"CallRinging": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.Established, 15, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 3s",
                "!CallAnswered@5001/c1 3s",
                "!CallAnswered@8001/c1 5s",
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
            e(ev.AgentNotReady, 20, dn="5001", reasons={"ReasonCode": "Coffee"}),
            ["-WaitForNextCall@5001 19s", "+NotReadyForNextCall@5001", "-AgentReady@8001/5001 19s"],
        ),
        Step(
            e(ev.AgentLogout, 25, dn="5001"),
            [
                "-NotReadyForNextCall@5001 5s",
                "-LoggedIn@5001 24s",
                "!AgentLogout@5001",
                "-AgentLogin(Mediation)@8001/5001 24s",
                "-AgentActive@8001/5001 13s",
            ],
            {"1001": "LoggedOut", "SalesTeam": {"LoggedOut": 5}},
        ),
        Step(
            e(ev.Released, 30, dn="5001", conn_id="c1"),
            [
                "-CallInbound@5001/c1 15s",
                "!CallInboundCompleted@5001/c1 15s",
                "!CallReleased@8001/c1 15s",
            ],
            {"5001": "Monitored", "P01": "Monitored"},
        ),
        Step(e(ev.DNDOff, 31, dn="5001"), ["-DoNotDisturb@5001 29s"]),
    ],
    # DND has no status; repeated DNDOn/OffHook/OnHook and a DNDOff without
    # DND change nothing. OffHook/OnHook replace each other; OffHook outranks
    # WaitForNextCall, NotReadyForNextCall outranks OffHook.
    "dnd_and_hook": [
        Step(
            e(ev.LinkConnected, 0),
            ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
            {"5001": "Monitored", "P01": "Monitored", "8001": "Monitored"},
        ),
        Step(e(ev.DNDOn, 1, dn="5001"), ["+DoNotDisturb@5001"]),
        Step(e(ev.DNDOn, 2, dn="5001"), []),
        Step(e(ev.DNDOff, 3, dn="5001"), ["-DoNotDisturb@5001 2s"]),
        Step(e(ev.DNDOff, 4, dn="5001"), []),
        Step(e(ev.OffHook, 5, dn="5001"), ["+OffHook@5001"], {"5001": "OffHook", "P01": "OffHook"}),
        Step(e(ev.OffHook, 6, dn="5001"), []),
        Step(
            e(ev.OnHook, 8, dn="5001"),
            ["-OffHook@5001 3s", "+OnHook@5001"],
            {"5001": "OnHook", "P01": "OnHook"},
        ),
        Step(e(ev.OnHook, 9, dn="5001"), []),
        Step(
            e(ev.AgentLogin, 10, dn="5001", agent_id="7001", work_mode=AUTO_IN),
            ["+LoggedIn@5001", "!AgentLogin@5001", "+WaitForNextCall@5001"],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.OffHook, 12, dn="5001"),
            ["-OnHook@5001 4s", "+OffHook@5001"],
            {
                "5001": "OffHook",
                "P01": "OffHook",
                "1001": "OffHook",
                "SalesTeam": {"OffHook": 1, "LoggedOut": 4},
            },
        ),
        Step(
            e(ev.AgentNotReady, 13, dn="5001"),
            ["-WaitForNextCall@5001 3s", "+NotReadyForNextCall@5001"],
            {
                "5001": "NotReadyForNextCall",
                "P01": "NotReadyForNextCall",
                "1001": "NotReadyForNextCall",
                "SalesTeam": {"NotReadyForNextCall": 1, "LoggedOut": 4},
            },
        ),
        Step(e(ev.OnHook, 15, dn="5001"), ["-OffHook@5001 3s", "+OnHook@5001"]),
        Step(
            e(ev.AgentLogout, 16, dn="5001"),
            ["-NotReadyForNextCall@5001 3s", "-LoggedIn@5001 6s", "!AgentLogout@5001"],
            {"5001": "OnHook", "P01": "OnHook", "1001": "LoggedOut", "SalesTeam": {"LoggedOut": 5}},
        ),
    ],
}


@pytest.mark.parametrize("name", list(FLOWS))
def test_agent_flow(name: str) -> None:
    run_flow(FLOWS[name], WATCH)


#: Two agents logged into queue 8001: each DN counts once in each pseudo-action
#: (the conn id of a pseudo-action is the agent's DN).
PSEUDO_WATCH = (
    "5001",
    "5002",
    "1001",
    "1002",
    "8001",
    "SalesTeam",
    "8001#AgentLogin(Mediation)",
    "8001#AgentReady",
    "8001#AgentActive",
)

PSEUDO_FLOW = [
    Step(
        e(ev.LinkConnected, 0),
        ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
        {"5001": "Monitored", "5002": "Monitored", "8001": "Monitored"},
    ),
    Step(
        e(ev.AgentLogin, 1, dn="5001", agent_id="7001", this_queue="8001"),
        ["+LoggedIn@5001", "!AgentLogin@5001", "+AgentLogin(Mediation)@8001/5001"],
        {
            "1001": "Monitored",
            "SalesTeam": {"Monitored": 1, "LoggedOut": 4},
            "8001#AgentLogin(Mediation)": 1,
        },
    ),
    Step(
        e(ev.AgentLogin, 2, dn="5002", agent_id="7002", this_queue="8001", work_mode=AUTO_IN),
        [
            "+LoggedIn@5002",
            "!AgentLogin@5002",
            "+WaitForNextCall@5002",
            "+AgentLogin(Mediation)@8001/5002",
            "+AgentReady@8001/5002",
        ],
        {
            "5002": "WaitForNextCall",
            "1002": "WaitForNextCall",
            "SalesTeam": {"Monitored": 1, "WaitForNextCall": 1, "LoggedOut": 3},
            "8001#AgentLogin(Mediation)": 2,
            "8001#AgentReady": 1,
        },
    ),
    Step(
        e(ev.AgentReady, 3, dn="5001"),
        ["+WaitForNextCall@5001", "+AgentReady@8001/5001"],
        {
            "5001": "WaitForNextCall",
            "1001": "WaitForNextCall",
            "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            "8001#AgentReady": 2,
        },
    ),
    Step(
        e(ev.Dialing, 5, dn="5002", conn_id="c1", other_dn="5001", call_type=INT),
        ["+CallDialing@5002/c1", "!CallDialingStarted@5002/c1", "+AgentActive@8001/5002"],
        {
            "5002": "CallDialing",
            "1002": "CallDialing",
            "SalesTeam": {"WaitForNextCall": 1, "CallDialing": 1, "LoggedOut": 3},
            "8001#AgentActive": 1,
        },
    ),
    Step(
        e(ev.Ringing, 5, dn="5001", conn_id="c1", other_dn="5002", call_type=INT),
        ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
        {
            "5001": "CallRinging",
            "1001": "CallRinging",
            "SalesTeam": {"CallDialing": 1, "CallRinging": 1, "LoggedOut": 3},
            "8001#AgentActive": 2,
        },
    ),
    Step(
        e(ev.Established, 7, dn="5001", conn_id="c1", call_type=INT),
        [
            "-CallRinging@5001/c1 2s",
            "!CallAnswered@5001/c1 2s",
            "+CallInternal@5001/c1",
            "!CallInternalStarted@5001/c1",
            "!CallInternalReceived@5001/c1",
        ],
        {
            "5001": "CallInternal",
            "1001": "CallInternal",
            "SalesTeam": {"CallDialing": 1, "CallInternal": 1, "LoggedOut": 3},
        },
    ),
    Step(
        e(ev.Established, 7, dn="5002", conn_id="c1", call_type=INT),
        [
            "-CallDialing@5002/c1 2s",
            "!CallDialed@5002/c1 2s",
            "+CallInternal@5002/c1",
            "!CallInternalStarted@5002/c1",
            "!CallInternalOriginated@5002/c1",
        ],
        {
            "5002": "CallInternal",
            "1002": "CallInternal",
            "SalesTeam": {"CallInternal": 2, "LoggedOut": 3},
        },
    ),
    Step(
        e(ev.Released, 9, dn="5002", conn_id="c1"),
        [
            "-CallInternal@5002/c1 2s",
            "!CallInternalCompleted@5002/c1 2s",
            "-AgentActive@8001/5002 4s",
        ],
        {
            "5002": "WaitForNextCall",
            "1002": "WaitForNextCall",
            "SalesTeam": {"WaitForNextCall": 1, "CallInternal": 1, "LoggedOut": 3},
            "8001#AgentActive": 1,
        },
    ),
    Step(
        e(ev.Released, 9, dn="5001", conn_id="c1"),
        [
            "-CallInternal@5001/c1 2s",
            "!CallInternalCompleted@5001/c1 2s",
            "-AgentActive@8001/5001 4s",
        ],
        {
            "5001": "WaitForNextCall",
            "1001": "WaitForNextCall",
            "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            "8001#AgentActive": 0,
        },
    ),
    Step(
        e(ev.AgentNotReady, 10, dn="5002"),
        ["-WaitForNextCall@5002 8s", "+NotReadyForNextCall@5002", "-AgentReady@8001/5002 8s"],
        {
            "5002": "NotReadyForNextCall",
            "1002": "NotReadyForNextCall",
            "SalesTeam": {"WaitForNextCall": 1, "NotReadyForNextCall": 1, "LoggedOut": 3},
            "8001#AgentReady": 1,
        },
    ),
    Step(
        e(ev.AgentLogout, 11, dn="5001"),
        [
            "-WaitForNextCall@5001 8s",
            "-LoggedIn@5001 10s",
            "!AgentLogout@5001",
            "-AgentLogin(Mediation)@8001/5001 10s",
            "-AgentReady@8001/5001 8s",
        ],
        {
            "5001": "Monitored",
            "1001": "LoggedOut",
            "SalesTeam": {"NotReadyForNextCall": 1, "LoggedOut": 4},
            "8001#AgentLogin(Mediation)": 1,
            "8001#AgentReady": 0,
        },
    ),
    Step(
        e(ev.AgentLogout, 12, dn="5002"),
        [
            "-NotReadyForNextCall@5002 2s",
            "-LoggedIn@5002 10s",
            "!AgentLogout@5002",
            "-AgentLogin(Mediation)@8001/5002 10s",
        ],
        {
            "5002": "Monitored",
            "1002": "LoggedOut",
            "SalesTeam": {"LoggedOut": 5},
            "8001#AgentLogin(Mediation)": 0,
        },
    ),
]


def test_queue_pseudo_actions_count_agents_per_queue() -> None:
    run_flow(PSEUDO_FLOW, PSEUDO_WATCH)


def test_reason_change_emits_status_change_with_old_equal_new() -> None:
    """DOMAIN 10.3: the reason changes, the status does not; DN, place and agent
    each report it once, with the new reasons in the defining action."""
    sc = Scenario()
    sc.feed(e(ev.LinkConnected, 0))
    sc.feed(e(ev.AgentLogin, 1, dn="5001", agent_id="7001"))
    sc.feed(e(ev.AgentNotReady, 2, dn="5001", reasons={"ReasonCode": "Lunch"}))
    result = sc.feed(e(ev.AgentNotReady, 5, dn="5001", reasons={"ReasonCode": "Break"}))
    assert [fmt_change(c) for c in result.status_changes] == [
        "5001: NotReadyForNextCall->NotReadyForNextCall",
        "P01: NotReadyForNextCall->NotReadyForNextCall",
        "1001: NotReadyForNextCall->NotReadyForNextCall",
    ]
    for change in result.status_changes:
        assert change.action is not None
        assert dict(change.action.reasons) == {"ReasonCode": "Break"}
    info = sc.engine.status(sc.ref("1001"))
    # the status did not restart: it began at the first not-ready
    assert info.since == sc.engine.status(sc.ref("5001")).since == ms(2)
    assert info.action is not None
    assert dict(info.action.reasons) == {"ReasonCode": "Break"}
    assert dict(sc.engine.current_state(sc.ref("1001")).reasons) == {"ReasonCode": "Break"}


def test_same_reason_again_emits_no_status_change() -> None:
    sc = Scenario()
    sc.feed(e(ev.LinkConnected, 0))
    sc.feed(e(ev.AgentLogin, 1, dn="5001", agent_id="7001"))
    sc.feed(e(ev.AgentNotReady, 2, dn="5001", reasons={"ReasonCode": "Lunch"}))
    result = sc.feed(e(ev.AgentNotReady, 5, dn="5001", reasons={"ReasonCode": "Lunch"}))
    assert (result.actions, result.status_changes) == ((), ())


def test_actions_are_attributed_to_agent_place_and_queue() -> None:
    """Mode actions name the agent and the place; ACW after a queue call names
    the queue, and so does the ACWCompleted reflected there."""
    sc = Scenario()
    for event in FLOWS["acw_after_call"]:
        result = sc.feed(event.event)
    acw_end, completed = result.actions[0], result.actions[1]
    assert (acw_end.kind.value, acw_end.agent, acw_end.place, acw_end.queue) == (
        "AfterCallWork",
        "1001",
        "P01",
        "8001@SW1",
    )
    assert dict(acw_end.reasons) == {"ReasonCode": "Wrap2"}
    assert (completed.kind.value, completed.device.id, completed.agent, completed.queue) == (
        "ACWCompleted",
        "8001@SW1",
        "1001",
        "8001@SW1",
    )
