"""Call flows on regular and mediation DNs (DOMAIN 3.3, 3.4, 3.8).

Inbound calls through an ACD queue and a routing point, abandons from every
state, outbound and internal calls, hold / retrieve, consultation, blind,
attended and single-step transfers, conferences, forwarding, ring-no-answer,
treatments, user events and attached data. Every table is checked event by
event by :func:`tests.core.helpers.run_flow` (notation in that module).

Agent 1001 is logged in on 5001 with ThisQueue 8001 (so it also carries the
queue pseudo-actions), agent 1002 on 5002 without a queue; both AutoIn.
"""

from __future__ import annotations

import pytest

from statengine.core import events as ev
from statengine.core.actions import Action

from .helpers import Scenario, Step, e, fmt, run_flow

IN = ev.CallType.Inbound
OUT = ev.CallType.Outbound
INT = ev.CallType.Internal
CONS = ev.CallType.Consult
CS = ev.CallState
AUTO_IN = ev.WorkMode.AutoIn

WATCH = ("5001", "5002", "P01", "P02", "1001", "1002", "8001", "9000", "SalesTeam")

#: Links up, both agents logged in and ready. Every flow starts with it.
PREFIX = [
    Step(
        e(ev.LinkConnected, 0),
        ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
        {
            "5001": "Monitored",
            "5002": "Monitored",
            "P01": "Monitored",
            "P02": "Monitored",
            "8001": "Monitored",
            "9000": "Monitored",
        },
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
        e(ev.AgentLogin, 1, dn="5002", agent_id="7002", work_mode=AUTO_IN),
        ["+LoggedIn@5002", "!AgentLogin@5002", "+WaitForNextCall@5002"],
        {
            "5002": "WaitForNextCall",
            "P02": "WaitForNextCall",
            "1002": "WaitForNextCall",
            "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
        },
    ),
]

FLOWS: dict[str, list[Step]] = {
    # Queued -> Diverted -> Ringing -> Established: CallWait, CallEntered and
    # CallDistributed on the queue; CallRinging, CallAnswered, CallInbound on the
    # DN; CallAnswered and CallReleased reflected on the queue, the answer measured
    # from entering the queue (10 s), not from ringing (5 s). While held the talk
    # action is hidden: status CallOnHold; CallRetrievedFromHold carries the hold.
    "inbound_via_queue": [
        *PREFIX,
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN, ani="5551234", dnis="8001"),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 15, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 5s", "!CallDistributed@8001/c1 5s"],
        ),
        Step(
            e(
                ev.Ringing,
                15,
                dn="5001",
                conn_id="c1",
                this_queue="8001",
                call_type=IN,
                ani="5551234",
                dnis="8001",
            ),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 20, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 5s",
                "!CallAnswered@5001/c1 5s",
                "!CallAnswered@8001/c1 10s",
                "+CallInbound@5001/c1",
                "!CallInboundStarted@5001/c1",
            ],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Held, 30, dn="5001", conn_id="c1"),
            ["+CallOnHold@5001/c1", "!CallHeld@5001/c1"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"WaitForNextCall": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Retrieved, 40, dn="5001", conn_id="c1"),
            ["-CallOnHold@5001/c1 10s", "!CallRetrievedFromHold@5001/c1 10s"],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 60, dn="5001", conn_id="c1"),
            [
                "-CallInbound@5001/c1 40s",
                "!CallInboundCompleted@5001/c1 40s",
                "!CallReleased@8001/c1 40s",
                "-AgentActive@8001/5001 45s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Abandoned on the queue is CallAbandoned; Released with CallState Ok counts
    # as abandoned too; any other CallState (Dropped) is CallCleared.
    "abandon_while_queued": [
        *PREFIX,
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Abandoned, 14, dn="8001", conn_id="c1"),
            ["-CallWait@8001/c1 4s", "!CallAbandoned@8001/c1 4s"],
        ),
        Step(
            e(ev.Queued, 20, dn="8001", conn_id="c2", call_type=IN),
            ["+CallWait@8001/c2", "!CallEntered@8001/c2"],
        ),
        Step(
            e(ev.Released, 23, dn="8001", conn_id="c2"),
            ["-CallWait@8001/c2 3s", "!CallAbandoned@8001/c2 3s"],
        ),
        Step(
            e(ev.Queued, 30, dn="8001", conn_id="c3", call_type=IN),
            ["+CallWait@8001/c3", "!CallEntered@8001/c3"],
        ),
        Step(
            e(ev.Released, 31, dn="8001", conn_id="c3", call_state=CS.Dropped),
            ["-CallWait@8001/c3 1s", "!CallCleared@8001/c3 1s"],
        ),
    ],
    # An abandon while ringing is CallAbandonedFromRinging on the DN and, for a
    # call the queue distributed, on the queue (wait measured from entering it).
    "abandon_while_ringing": [
        *PREFIX,
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN, ani="5551234", dnis="8001"),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 14, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 4s", "!CallDistributed@8001/c1 4s"],
        ),
        Step(
            e(
                ev.Ringing,
                14,
                dn="5001",
                conn_id="c1",
                this_queue="8001",
                call_type=IN,
                ani="5551234",
                dnis="8001",
            ),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Abandoned, 17, dn="5001", conn_id="c1"),
            [
                "-CallRinging@5001/c1 3s",
                "!CallAbandonedFromRinging@5001/c1 3s",
                "!CallAbandonedFromRinging@8001/c1 7s",
                "-AgentActive@8001/5001 3s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Ringing, 20, dn="5002", conn_id="c2", call_type=IN),
            ["+CallRinging@5002/c2", "!CallRingingStarted@5002/c2"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 26, dn="5002", conn_id="c2", call_state=CS.Abandoned),
            ["-CallRinging@5002/c2 6s", "!CallAbandonedFromRinging@5002/c2 6s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Released while held: CallAbandonedFromHold closes the hold, then the call.
    "abandon_while_on_hold": [
        *PREFIX,
        Step(
            e(ev.Ringing, 10, dn="5001", conn_id="c1", call_type=IN, ani="5550000"),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 12, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 2s",
                "!CallAnswered@5001/c1 2s",
                "+CallInbound@5001/c1",
                "!CallInboundStarted@5001/c1",
            ],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Held, 15, dn="5001", conn_id="c1"),
            ["+CallOnHold@5001/c1", "!CallHeld@5001/c1"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"WaitForNextCall": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 19, dn="5001", conn_id="c1", call_state=CS.Abandoned),
            [
                "-CallOnHold@5001/c1 4s",
                "!CallAbandonedFromHold@5001/c1 4s",
                "-CallInbound@5001/c1 7s",
                "!CallInboundCompleted@5001/c1 7s",
                "-AgentActive@8001/5001 9s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Released while dialing (busy or not): CallAbandonedFromDialing;
    # DestinationBusy itself changes nothing.
    "abandon_while_dialing": [
        *PREFIX,
        Step(
            e(ev.Dialing, 10, dn="5001", conn_id="c1", other_dn="0123456", call_type=OUT),
            ["+CallDialing@5001/c1", "!CallDialingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallDialing",
                "P01": "CallDialing",
                "1001": "CallDialing",
                "SalesTeam": {"WaitForNextCall": 1, "CallDialing": 1, "LoggedOut": 3},
            },
        ),
        Step(e(ev.DestinationBusy, 11, dn="5001", conn_id="c1", call_type=OUT), []),
        Step(
            e(ev.Released, 12, dn="5001", conn_id="c1", call_state=CS.Busy),
            [
                "-CallDialing@5001/c1 2s",
                "!CallAbandonedFromDialing@5001/c1 2s",
                "-AgentActive@8001/5001 2s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Dialing, 20, dn="5001", conn_id="c2", other_dn="0123456", call_type=OUT),
            ["+CallDialing@5001/c2", "!CallDialingStarted@5001/c2", "+AgentActive@8001/5001"],
            {
                "5001": "CallDialing",
                "P01": "CallDialing",
                "1001": "CallDialing",
                "SalesTeam": {"WaitForNextCall": 1, "CallDialing": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 27, dn="5001", conn_id="c2"),
            [
                "-CallDialing@5001/c2 7s",
                "!CallAbandonedFromDialing@5001/c2 7s",
                "-AgentActive@8001/5001 7s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Dialing -> Established: CallDialed closes CallDialing; the originating DN
    # gets CallOutboundOriginated; NetworkReached changes nothing.
    "outbound": [
        *PREFIX,
        Step(
            e(ev.Dialing, 10, dn="5002", conn_id="c1", other_dn="0123456", call_type=OUT),
            ["+CallDialing@5002/c1", "!CallDialingStarted@5002/c1"],
            {
                "5002": "CallDialing",
                "P02": "CallDialing",
                "1002": "CallDialing",
                "SalesTeam": {"WaitForNextCall": 1, "CallDialing": 1, "LoggedOut": 3},
            },
        ),
        Step(e(ev.NetworkReached, 11, dn="5002", conn_id="c1", call_type=OUT), []),
        Step(
            e(ev.Established, 15, dn="5002", conn_id="c1", call_type=OUT),
            [
                "-CallDialing@5002/c1 5s",
                "!CallDialed@5002/c1 5s",
                "+CallOutbound@5002/c1",
                "!CallOutboundStarted@5002/c1",
                "!CallOutboundOriginated@5002/c1",
            ],
            {
                "5002": "CallOutbound",
                "P02": "CallOutbound",
                "1002": "CallOutbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallOutbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 75, dn="5002", conn_id="c1"),
            ["-CallOutbound@5002/c1 60s", "!CallOutboundCompleted@5002/c1 60s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # An internal call: ...Originated on the dialing DN, ...Received on the
    # ringing one.
    "internal": [
        *PREFIX,
        Step(
            e(ev.Dialing, 10, dn="5001", conn_id="c1", other_dn="5002", call_type=INT),
            ["+CallDialing@5001/c1", "!CallDialingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallDialing",
                "P01": "CallDialing",
                "1001": "CallDialing",
                "SalesTeam": {"WaitForNextCall": 1, "CallDialing": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Ringing, 10, dn="5002", conn_id="c1", other_dn="5001", call_type=INT),
            ["+CallRinging@5002/c1", "!CallRingingStarted@5002/c1"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"CallDialing": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 13, dn="5002", conn_id="c1", other_dn="5001", call_type=INT),
            [
                "-CallRinging@5002/c1 3s",
                "!CallAnswered@5002/c1 3s",
                "+CallInternal@5002/c1",
                "!CallInternalStarted@5002/c1",
                "!CallInternalReceived@5002/c1",
            ],
            {
                "5002": "CallInternal",
                "P02": "CallInternal",
                "1002": "CallInternal",
                "SalesTeam": {"CallDialing": 1, "CallInternal": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 13, dn="5001", conn_id="c1", other_dn="5002", call_type=INT),
            [
                "-CallDialing@5001/c1 3s",
                "!CallDialed@5001/c1 3s",
                "+CallInternal@5001/c1",
                "!CallInternalStarted@5001/c1",
                "!CallInternalOriginated@5001/c1",
            ],
            {
                "5001": "CallInternal",
                "P01": "CallInternal",
                "1001": "CallInternal",
                "SalesTeam": {"CallInternal": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 40, dn="5002", conn_id="c1"),
            ["-CallInternal@5002/c1 27s", "!CallInternalCompleted@5002/c1 27s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "CallInternal": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 40, dn="5001", conn_id="c1"),
            [
                "-CallInternal@5001/c1 27s",
                "!CallInternalCompleted@5001/c1 27s",
                "-AgentActive@8001/5001 30s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Consultation while the first call is held: CallConsult on both DNs
    # (Originated / Received); the held call is hidden under the consult.
    "consult_then_retrieve": [
        *PREFIX,
        Step(
            e(ev.Ringing, 10, dn="5001", conn_id="c1", call_type=IN, ani="5550000"),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 12, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 2s",
                "!CallAnswered@5001/c1 2s",
                "+CallInbound@5001/c1",
                "!CallInboundStarted@5001/c1",
            ],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Held, 20, dn="5001", conn_id="c1"),
            ["+CallOnHold@5001/c1", "!CallHeld@5001/c1"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"WaitForNextCall": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Dialing, 20, dn="5001", conn_id="c2", other_dn="5002", call_type=CONS),
            ["+CallDialing@5001/c2", "!CallDialingStarted@5001/c2"],
        ),
        Step(
            e(ev.Ringing, 20, dn="5002", conn_id="c2", other_dn="5001", call_type=CONS),
            ["+CallRinging@5002/c2", "!CallRingingStarted@5002/c2"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"CallRinging": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 24, dn="5002", conn_id="c2", call_type=CONS),
            [
                "-CallRinging@5002/c2 4s",
                "!CallAnswered@5002/c2 4s",
                "+CallConsult@5002/c2",
                "!CallConsultStarted@5002/c2",
                "!CallConsultReceived@5002/c2",
            ],
            {
                "5002": "CallConsult",
                "P02": "CallConsult",
                "1002": "CallConsult",
                "SalesTeam": {"CallOnHold": 1, "CallConsult": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 24, dn="5001", conn_id="c2", call_type=CONS),
            [
                "-CallDialing@5001/c2 4s",
                "!CallDialed@5001/c2 4s",
                "+CallConsult@5001/c2",
                "!CallConsultStarted@5001/c2",
                "!CallConsultOriginated@5001/c2",
            ],
            {
                "5001": "CallConsult",
                "P01": "CallConsult",
                "1001": "CallConsult",
                "SalesTeam": {"CallConsult": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 34, dn="5002", conn_id="c2"),
            ["-CallConsult@5002/c2 10s", "!CallConsultCompleted@5002/c2 10s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "CallConsult": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 34, dn="5001", conn_id="c2"),
            ["-CallConsult@5001/c2 10s", "!CallConsultCompleted@5001/c2 10s"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"WaitForNextCall": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Retrieved, 35, dn="5001", conn_id="c1"),
            ["-CallOnHold@5001/c1 15s", "!CallRetrievedFromHold@5001/c1 15s"],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 50, dn="5001", conn_id="c1"),
            [
                "-CallInbound@5001/c1 38s",
                "!CallInboundCompleted@5001/c1 38s",
                "-AgentActive@8001/5001 40s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Consult, then the transfer completes: the consult leg and the held call
    # end at 5001 (CallTransferMade for the call released as Transferred); 5002
    # gets PartyChanged(c1, previous c2): its consult ends and the call goes on
    # as CallInbound under c1.
    "attended_transfer": [
        *PREFIX,
        Step(
            e(ev.Queued, 5, dn="8001", conn_id="c1", call_type=IN, ani="5551234", dnis="8001"),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 6, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 1s", "!CallDistributed@8001/c1 1s"],
        ),
        Step(
            e(
                ev.Ringing,
                6,
                dn="5001",
                conn_id="c1",
                this_queue="8001",
                call_type=IN,
                ani="5551234",
                dnis="8001",
            ),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 10, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 4s",
                "!CallAnswered@5001/c1 4s",
                "!CallAnswered@8001/c1 5s",
                "+CallInbound@5001/c1",
                "!CallInboundStarted@5001/c1",
            ],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Held, 20, dn="5001", conn_id="c1"),
            ["+CallOnHold@5001/c1", "!CallHeld@5001/c1"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"WaitForNextCall": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Dialing, 20, dn="5001", conn_id="c2", other_dn="5002", call_type=CONS),
            ["+CallDialing@5001/c2", "!CallDialingStarted@5001/c2"],
        ),
        Step(
            e(ev.Ringing, 20, dn="5002", conn_id="c2", other_dn="5001", call_type=CONS),
            ["+CallRinging@5002/c2", "!CallRingingStarted@5002/c2"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"CallRinging": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 25, dn="5002", conn_id="c2", call_type=CONS),
            [
                "-CallRinging@5002/c2 5s",
                "!CallAnswered@5002/c2 5s",
                "+CallConsult@5002/c2",
                "!CallConsultStarted@5002/c2",
                "!CallConsultReceived@5002/c2",
            ],
            {
                "5002": "CallConsult",
                "P02": "CallConsult",
                "1002": "CallConsult",
                "SalesTeam": {"CallOnHold": 1, "CallConsult": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 25, dn="5001", conn_id="c2", call_type=CONS),
            [
                "-CallDialing@5001/c2 5s",
                "!CallDialed@5001/c2 5s",
                "+CallConsult@5001/c2",
                "!CallConsultStarted@5001/c2",
                "!CallConsultOriginated@5001/c2",
            ],
            {
                "5001": "CallConsult",
                "P01": "CallConsult",
                "1001": "CallConsult",
                "SalesTeam": {"CallConsult": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 40, dn="5001", conn_id="c2"),
            ["-CallConsult@5001/c2 15s", "!CallConsultCompleted@5001/c2 15s"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"CallOnHold": 1, "CallConsult": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 40, dn="5001", conn_id="c1", call_state=CS.Transferred),
            [
                "-CallOnHold@5001/c1 20s",
                "-CallInbound@5001/c1 30s",
                "!CallInboundCompleted@5001/c1 30s",
                "!CallTransferMade@5001/c1",
                "!CallReleased@8001/c1 30s",
                "-AgentActive@8001/5001 34s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "CallConsult": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.PartyChanged, 40, dn="5002", conn_id="c1", call_type=IN, previous_conn_id="c2"),
            [
                "!CallPartyChanged@5002/c1",
                "!CallTransferTaken@5002/c1",
                "-CallConsult@5002/c2 15s",
                "!CallConsultCompleted@5002/c2 15s",
                "+CallInbound@5002/c1",
                "!CallInboundStarted@5002/c1",
            ],
            {
                "5002": "CallInbound",
                "P02": "CallInbound",
                "1002": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 70, dn="5002", conn_id="c1"),
            ["-CallInbound@5002/c1 30s", "!CallInboundCompleted@5002/c1 30s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Transfer completed while the consult still rings: PartyChanged on the
    # ringing DN gives CallRingingPartyChanged and the ringing restarts under c1.
    "blind_transfer": [
        *PREFIX,
        Step(
            e(ev.Ringing, 10, dn="5001", conn_id="c1", call_type=IN, ani="5550000"),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 12, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 2s",
                "!CallAnswered@5001/c1 2s",
                "+CallInbound@5001/c1",
                "!CallInboundStarted@5001/c1",
            ],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Held, 20, dn="5001", conn_id="c1"),
            ["+CallOnHold@5001/c1", "!CallHeld@5001/c1"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"WaitForNextCall": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Dialing, 20, dn="5001", conn_id="c2", other_dn="5002", call_type=CONS),
            ["+CallDialing@5001/c2", "!CallDialingStarted@5001/c2"],
        ),
        Step(
            e(ev.Ringing, 20, dn="5002", conn_id="c2", other_dn="5001", call_type=CONS),
            ["+CallRinging@5002/c2", "!CallRingingStarted@5002/c2"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"CallRinging": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 23, dn="5001", conn_id="c2"),
            ["-CallDialing@5001/c2 3s", "!CallAbandonedFromDialing@5001/c2 3s"],
        ),
        Step(
            e(ev.Released, 23, dn="5001", conn_id="c1", call_state=CS.Transferred),
            [
                "-CallOnHold@5001/c1 3s",
                "-CallInbound@5001/c1 11s",
                "!CallInboundCompleted@5001/c1 11s",
                "!CallTransferMade@5001/c1",
                "-AgentActive@8001/5001 13s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.PartyChanged, 23, dn="5002", conn_id="c1", call_type=IN, previous_conn_id="c2"),
            [
                "!CallRingingPartyChanged@5002/c2",
                "!CallPartyChanged@5002/c1",
                "!CallTransferTaken@5002/c1",
                "-CallRinging@5002/c2 3s",
                "+CallRinging@5002/c1",
            ],
        ),
        Step(
            e(ev.Established, 26, dn="5002", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5002/c1 3s",
                "!CallAnswered@5002/c1 3s",
                "+CallInbound@5002/c1",
                "!CallInboundStarted@5002/c1",
            ],
            {
                "5002": "CallInbound",
                "P02": "CallInbound",
                "1002": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 40, dn="5002", conn_id="c1"),
            ["-CallInbound@5002/c1 14s", "!CallInboundCompleted@5002/c1 14s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Single-step transfer: the call is released as Transferred at 5001 and
    # rings at 5002 under the same ConnID.
    "single_step_transfer": [
        *PREFIX,
        Step(
            e(ev.Ringing, 10, dn="5001", conn_id="c1", call_type=IN, ani="5550000"),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 12, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 2s",
                "!CallAnswered@5001/c1 2s",
                "+CallInbound@5001/c1",
                "!CallInboundStarted@5001/c1",
            ],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 20, dn="5001", conn_id="c1", call_state=CS.Transferred),
            [
                "-CallInbound@5001/c1 8s",
                "!CallInboundCompleted@5001/c1 8s",
                "!CallTransferMade@5001/c1",
                "-AgentActive@8001/5001 10s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Ringing, 20, dn="5002", conn_id="c1", call_type=IN),
            ["+CallRinging@5002/c1", "!CallRingingStarted@5002/c1"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 22, dn="5002", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5002/c1 2s",
                "!CallAnswered@5002/c1 2s",
                "+CallInbound@5002/c1",
                "!CallInboundStarted@5002/c1",
            ],
            {
                "5002": "CallInbound",
                "P02": "CallInbound",
                "1002": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 30, dn="5002", conn_id="c1"),
            ["-CallInbound@5002/c1 8s", "!CallInboundCompleted@5002/c1 8s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Conference: PartyAdded at the conferencing DN (CallConferenceMade with a
    # previous ConnID), PartyChanged with CallState Conferenced at the new party
    # (CallConferenceJoined), PartyDeleted when a party leaves.
    "conference": [
        *PREFIX,
        Step(
            e(ev.Ringing, 10, dn="5001", conn_id="c1", call_type=IN, ani="5550000"),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 12, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 2s",
                "!CallAnswered@5001/c1 2s",
                "+CallInbound@5001/c1",
                "!CallInboundStarted@5001/c1",
            ],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Held, 20, dn="5001", conn_id="c1"),
            ["+CallOnHold@5001/c1", "!CallHeld@5001/c1"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"WaitForNextCall": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Dialing, 20, dn="5001", conn_id="c2", other_dn="5002", call_type=CONS),
            ["+CallDialing@5001/c2", "!CallDialingStarted@5001/c2"],
        ),
        Step(
            e(ev.Ringing, 20, dn="5002", conn_id="c2", other_dn="5001", call_type=CONS),
            ["+CallRinging@5002/c2", "!CallRingingStarted@5002/c2"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"CallRinging": 1, "CallOnHold": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 25, dn="5002", conn_id="c2", call_type=CONS),
            [
                "-CallRinging@5002/c2 5s",
                "!CallAnswered@5002/c2 5s",
                "+CallConsult@5002/c2",
                "!CallConsultStarted@5002/c2",
                "!CallConsultReceived@5002/c2",
            ],
            {
                "5002": "CallConsult",
                "P02": "CallConsult",
                "1002": "CallConsult",
                "SalesTeam": {"CallOnHold": 1, "CallConsult": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 25, dn="5001", conn_id="c2", call_type=CONS),
            [
                "-CallDialing@5001/c2 5s",
                "!CallDialed@5001/c2 5s",
                "+CallConsult@5001/c2",
                "!CallConsultStarted@5001/c2",
                "!CallConsultOriginated@5001/c2",
            ],
            {
                "5001": "CallConsult",
                "P01": "CallConsult",
                "1001": "CallConsult",
                "SalesTeam": {"CallConsult": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 30, dn="5001", conn_id="c2", call_state=CS.Conferenced),
            ["-CallConsult@5001/c2 5s", "!CallConsultCompleted@5001/c2 5s"],
            {
                "5001": "CallOnHold",
                "P01": "CallOnHold",
                "1001": "CallOnHold",
                "SalesTeam": {"CallOnHold": 1, "CallConsult": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Retrieved, 30, dn="5001", conn_id="c1"),
            ["-CallOnHold@5001/c1 10s", "!CallRetrievedFromHold@5001/c1 10s"],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"CallConsult": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(
                ev.PartyAdded,
                30,
                dn="5001",
                conn_id="c1",
                third_party_dn="5002",
                previous_conn_id="c2",
            ),
            ["!CallConferencePartyAdded@5001/c1", "!CallConferenceMade@5001/c1"],
        ),
        Step(
            e(
                ev.PartyChanged,
                30,
                dn="5002",
                conn_id="c1",
                call_type=IN,
                previous_conn_id="c2",
                call_state=CS.Conferenced,
            ),
            [
                "!CallPartyChanged@5002/c1",
                "!CallConferenceJoined@5002/c1",
                "-CallConsult@5002/c2 5s",
                "!CallConsultCompleted@5002/c2 5s",
                "+CallInbound@5002/c1",
                "!CallInboundStarted@5002/c1",
            ],
            {
                "5002": "CallInbound",
                "P02": "CallInbound",
                "1002": "CallInbound",
                "SalesTeam": {"CallInbound": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 50, dn="5002", conn_id="c1"),
            ["-CallInbound@5002/c1 20s", "!CallInboundCompleted@5002/c1 20s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.PartyDeleted, 50, dn="5001", conn_id="c1", third_party_dn="5002"),
            ["!CallConferencePartyDeleted@5001/c1"],
        ),
        Step(
            e(ev.Released, 60, dn="5001", conn_id="c1"),
            [
                "-CallInbound@5001/c1 48s",
                "!CallInboundCompleted@5001/c1 48s",
                "-AgentActive@8001/5001 50s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Diverted on a ringing regular DN, or Released with CallState Forwarded, is
    # CallForwarded (reflected on the queue that distributed the call).
    "forward": [
        *PREFIX,
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN, ani="5551234", dnis="8001"),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 13, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 3s", "!CallDistributed@8001/c1 3s"],
        ),
        Step(
            e(
                ev.Ringing,
                13,
                dn="5001",
                conn_id="c1",
                this_queue="8001",
                call_type=IN,
                ani="5551234",
                dnis="8001",
            ),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Diverted, 20, dn="5001", conn_id="c1", other_dn="5002"),
            [
                "-CallRinging@5001/c1 7s",
                "!CallForwarded@5001/c1 7s",
                "!CallForwarded@8001/c1 10s",
                "-AgentActive@8001/5001 7s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Ringing, 20, dn="5002", conn_id="c1", call_type=IN),
            ["+CallRinging@5002/c1", "!CallRingingStarted@5002/c1"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 24, dn="5002", conn_id="c1", call_state=CS.Forwarded),
            ["-CallRinging@5002/c1 4s", "!CallForwarded@5002/c1 4s"],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Released with CallState NoAnswer while ringing is CallMissed (reflected on
    # the queue); the call is queued again and answered elsewhere.
    "ring_no_answer": [
        *PREFIX,
        Step(
            e(ev.Queued, 10, dn="8001", conn_id="c1", call_type=IN, ani="5551234", dnis="8001"),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 12, dn="8001", conn_id="c1", other_dn="5001", call_type=IN),
            ["-CallWait@8001/c1 2s", "!CallDistributed@8001/c1 2s"],
        ),
        Step(
            e(
                ev.Ringing,
                12,
                dn="5001",
                conn_id="c1",
                this_queue="8001",
                call_type=IN,
                ani="5551234",
                dnis="8001",
            ),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 22, dn="5001", conn_id="c1", call_state=CS.NoAnswer),
            [
                "-CallRinging@5001/c1 10s",
                "!CallMissed@5001/c1 10s",
                "!CallMissed@8001/c1 12s",
                "-AgentActive@8001/5001 10s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Queued, 22, dn="8001", conn_id="c1", call_type=IN),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 25, dn="8001", conn_id="c1", other_dn="5002"),
            ["-CallWait@8001/c1 3s", "!CallDistributed@8001/c1 3s"],
        ),
        Step(
            e(ev.Ringing, 25, dn="5002", conn_id="c1", this_queue="8001", call_type=IN),
            ["+CallRinging@5002/c1", "!CallRingingStarted@5002/c1"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 27, dn="5002", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5002/c1 2s",
                "!CallAnswered@5002/c1 2s",
                "!CallAnswered@8001/c1 5s",
                "+CallInbound@5002/c1",
                "!CallInboundStarted@5002/c1",
            ],
            {
                "5002": "CallInbound",
                "P02": "CallInbound",
                "1002": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 40, dn="5002", conn_id="c1"),
            [
                "-CallInbound@5002/c1 13s",
                "!CallInboundCompleted@5002/c1 13s",
                "!CallReleased@8001/c1 13s",
            ],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # Routing point: RouteRequest opens CallWait with CallEntered; treatments,
    # user events and attached data; RouteUsed to an agent is CallDistributed
    # and the routing point gets the reflected CallAnswered / CallReleased.
    "route_point": [
        *PREFIX,
        Step(
            e(
                ev.RouteRequest,
                10,
                dn="9000",
                conn_id="c1",
                call_type=IN,
                ani="5551234",
                dnis="9000",
                user_data={"Lang": "en"},
            ),
            ["+CallWait@9000/c1", "!CallEntered@9000/c1"],
        ),
        Step(
            e(ev.TreatmentApplied, 11, dn="9000", conn_id="c1", treatment_type="Music"),
            ["!CallTreatmentStarted@9000/c1"],
        ),
        Step(
            e(ev.TreatmentEnd, 15, dn="9000", conn_id="c1", treatment_type="Music"),
            ["!CallTreatmentCompleted@9000/c1 4s"],
        ),
        Step(
            e(ev.TreatmentNotApplied, 16, dn="9000", conn_id="c1", treatment_type="Busy"),
            ["!CallTreatmentNotStarted@9000/c1"],
        ),
        Step(
            e(ev.UserEvent, 17, dn="9000", conn_id="c1", user_data={"Step": "menu"}),
            ["!UserEvent@9000/c1"],
        ),
        Step(
            e(ev.AttachedDataChanged, 18, dn="9000", conn_id="c1", user_data={"Segment": "Gold"}),
            [],
        ),
        Step(
            e(ev.RouteUsed, 20, dn="9000", conn_id="c1", other_dn="5002"),
            ["-CallWait@9000/c1 10s", "!CallDistributed@9000/c1 10s"],
        ),
        Step(
            e(ev.Ringing, 20, dn="5002", conn_id="c1", call_type=IN),
            ["+CallRinging@5002/c1", "!CallRingingStarted@5002/c1"],
            {
                "5002": "CallRinging",
                "P02": "CallRinging",
                "1002": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 23, dn="5002", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5002/c1 3s",
                "!CallAnswered@5002/c1 3s",
                "!CallAnswered@9000/c1 13s",
                "+CallInbound@5002/c1",
                "!CallInboundStarted@5002/c1",
            ],
            {
                "5002": "CallInbound",
                "P02": "CallInbound",
                "1002": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.UserEvent, 24, dn="5002", conn_id="c1", user_data={"Step": "talk"}),
            ["!UserEventReceived@5002/c1"],
        ),
        Step(
            e(ev.AttachedDataChanged, 25, dn="5002", conn_id="c1", user_data={"Segment": "Silver"}),
            [],
        ),
        Step(
            e(ev.Released, 40, dn="5002", conn_id="c1"),
            [
                "-CallInbound@5002/c1 17s",
                "!CallInboundCompleted@5002/c1 17s",
                "!CallReleased@9000/c1 17s",
            ],
            {
                "5002": "WaitForNextCall",
                "P02": "WaitForNextCall",
                "1002": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
    ],
    # RouteUsed towards a queue is CallDistributedToQueue; so is entering a
    # queue while still waiting at the routing point.
    "route_point_to_queue": [
        *PREFIX,
        Step(
            e(ev.RouteRequest, 10, dn="9000", conn_id="c1", call_type=IN),
            ["+CallWait@9000/c1", "!CallEntered@9000/c1"],
        ),
        Step(
            e(ev.RouteUsed, 14, dn="9000", conn_id="c1", other_dn="8001"),
            ["-CallWait@9000/c1 4s", "!CallDistributedToQueue@9000/c1 4s"],
        ),
        Step(
            e(ev.Queued, 14, dn="8001", conn_id="c1", call_type=IN),
            ["+CallWait@8001/c1", "!CallEntered@8001/c1"],
        ),
        Step(
            e(ev.Diverted, 20, dn="8001", conn_id="c1", other_dn="5001"),
            ["-CallWait@8001/c1 6s", "!CallDistributed@8001/c1 6s"],
        ),
        Step(
            e(ev.Ringing, 20, dn="5001", conn_id="c1", this_queue="8001", call_type=IN),
            ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1", "+AgentActive@8001/5001"],
            {
                "5001": "CallRinging",
                "P01": "CallRinging",
                "1001": "CallRinging",
                "SalesTeam": {"WaitForNextCall": 1, "CallRinging": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Established, 21, dn="5001", conn_id="c1", call_type=IN),
            [
                "-CallRinging@5001/c1 1s",
                "!CallAnswered@5001/c1 1s",
                "!CallAnswered@8001/c1 7s",
                "+CallInbound@5001/c1",
                "!CallInboundStarted@5001/c1",
            ],
            {
                "5001": "CallInbound",
                "P01": "CallInbound",
                "1001": "CallInbound",
                "SalesTeam": {"WaitForNextCall": 1, "CallInbound": 1, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.Released, 31, dn="5001", conn_id="c1"),
            [
                "-CallInbound@5001/c1 10s",
                "!CallInboundCompleted@5001/c1 10s",
                "!CallReleased@8001/c1 10s",
                "-AgentActive@8001/5001 11s",
            ],
            {
                "5001": "WaitForNextCall",
                "P01": "WaitForNextCall",
                "1001": "WaitForNextCall",
                "SalesTeam": {"WaitForNextCall": 2, "LoggedOut": 3},
            },
        ),
        Step(
            e(ev.RouteRequest, 40, dn="9000", conn_id="c2", call_type=IN),
            ["+CallWait@9000/c2", "!CallEntered@9000/c2"],
        ),
        Step(
            e(ev.Queued, 43, dn="8001", conn_id="c2", call_type=IN),
            [
                "-CallWait@9000/c2 3s",
                "!CallDistributedToQueue@9000/c2 3s",
                "+CallWait@8001/c2",
                "!CallEntered@8001/c2",
            ],
        ),
        Step(
            e(ev.Abandoned, 50, dn="8001", conn_id="c2"),
            ["-CallWait@8001/c2 7s", "!CallAbandoned@8001/c2 7s"],
        ),
    ],
}


@pytest.mark.parametrize("name", list(FLOWS))
def test_call_flow(name: str) -> None:
    sc = run_flow(FLOWS[name], WATCH)
    # every flow ends with no call left anywhere
    assert sc.engine.statistics().open_calls == 0


def _actions_of(name: str) -> list[Action]:
    sc = Scenario()
    out: list[Action] = []
    for step in FLOWS[name]:
        out.extend(sc.feed(step.event).actions)
    return out


def _one(actions: list[Action], text: str) -> Action:
    found = [a for a in actions if fmt(a) == text]
    assert len(found) == 1, (text, [fmt(a) for a in actions])
    return found[0]


def test_call_data_follows_the_call_from_routing_point_to_agent() -> None:
    """ANI, DNIS and user data given at the routing point, and attached data
    changed there, reach the actions at the agent; an action opened before a
    change keeps the data it was opened with (so does its closing record)."""
    actions = _actions_of("route_point")
    wait = _one(actions, "+CallWait@9000/c1")
    assert (wait.ani, wait.dnis, dict(wait.user_data)) == ("5551234", "9000", {"Lang": "en"})
    distributed = _one(actions, "!CallDistributed@9000/c1 10s")
    assert dict(distributed.user_data) == {"Lang": "en"}
    ringing = _one(actions, "+CallRinging@5002/c1")
    assert (ringing.ani, ringing.dnis, dict(ringing.user_data)) == (
        "5551234",
        "9000",
        {"Lang": "en", "Segment": "Gold"},
    )
    assert (ringing.agent, ringing.place, ringing.queue) == ("1002", "P02", "9000@SW1")
    completed = _one(actions, "!CallInboundCompleted@5002/c1 17s")
    assert dict(completed.user_data) == {"Lang": "en", "Segment": "Gold"}
    user_event = _one(actions, "!UserEventReceived@5002/c1")
    assert dict(user_event.user_data) == {"Step": "talk"}


def test_retrospective_actions_carry_the_start_of_what_they_close() -> None:
    actions = _actions_of("inbound_via_queue")
    ringing = _one(actions, "-CallRinging@5001/c1 5s")
    answered = _one(actions, "!CallAnswered@5001/c1 5s")
    assert (answered.start, answered.end) == (ringing.start, ringing.end)
    wait = _one(actions, "-CallWait@8001/c1 5s")
    on_queue = _one(actions, "!CallAnswered@8001/c1 10s")
    assert (on_queue.start, on_queue.end) == (wait.start, answered.end)
    assert (on_queue.agent, on_queue.place, on_queue.queue) == ("1001", "P01", "8001@SW1")
    hold = _one(actions, "-CallOnHold@5001/c1 10s")
    retrieved = _one(actions, "!CallRetrievedFromHold@5001/c1 10s")
    assert (retrieved.start, retrieved.end) == (hold.start, hold.end)
    talk = _one(actions, "-CallInbound@5001/c1 40s")
    assert (talk.ani, talk.dnis, talk.queue) == ("5551234", "8001", "8001@SW1")


def test_status_is_defined_by_the_held_call_while_on_hold() -> None:
    """DOMAIN 10.6 item 1: on hold the status is CallOnHold, defined by the
    CallOnHold action, although CallInbound goes on."""
    sc = Scenario()
    for step in FLOWS["inbound_via_queue"][:-2]:
        sc.feed(step.event)
    info = sc.engine.status(sc.ref("5001"))
    assert info.status.name == "CallOnHold"
    assert info.action is not None
    assert fmt(info.action) == "+CallOnHold@5001/c1"
    open_kinds = [a.kind.value for a in sc.engine.current_state(sc.ref("5001")).actions]
    assert open_kinds == ["LoggedIn", "WaitForNextCall", "CallInbound", "CallOnHold"]
