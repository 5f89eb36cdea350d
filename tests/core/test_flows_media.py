"""Interaction Server flows: media channels, several servers, the place rule,
staging areas (DOMAIN 2.2, 3.5, 3.6, 3.9).

Each flow names the objects it watches; media channels are written
``<agent>.<media>@<link>`` and staging areas read ``(status, waiting)``
(notation in :mod:`tests.core.helpers`). The center is ``example.toml`` plus
a place ``Remote`` without DNs (chat only) and a second staging area
``Urgent``.
"""

from __future__ import annotations

from typing import Any

import pytest

from statengine.core import events as ev
from statengine.core.actions import ActionKind

from .helpers import Scenario, Step, e, fmt, ms, run_flow

IN = ev.CallType.Inbound
ACW = ev.WorkMode.AfterCallWork
AUTO_IN = ev.WorkMode.AutoIn
IXN_OUT = ev.IxnType.Outbound
IXN_INT = ev.IxnType.Internal

EXTRA = """
[[places]]
name = "Remote"
media = ["chat"]

[[staging_areas]]
name = "Urgent"
"""

#: name -> (watched objects, steps); every flow starts with ts1, ixn1, ixn2 up.
FLOWS: dict[str, tuple[tuple[str, ...], list[Step]]] = {
    # IxnAgentLogin adds each media with its capacity: Active, NotReadyForNextCall
    # and NotRoutable per channel. Ready / not ready is per media; a reason change
    # (AgentStateReasonChanged for one media or all of them) restarts the
    # not-ready or ACW action; repeated states change nothing. The place and the
    # agent take the highest channel status (NotReady outranks WaitForNextCall).
    "login_ready_not_ready_per_media": (
        ("P01", "1001", "1001.chat@ixn1", "1001.email@ixn1"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"P01": "Monitored"},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn1"), []),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.IxnAgentLogin, 1, agent_id="1001", place="P01", media={"chat": 2, "email": 1}),
                [
                    "+Active@1001.chat@ixn1",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "+NotRoutable@1001.chat@ixn1",
                    "+Active@1001.email@ixn1",
                    "+NotReadyForNextCall@1001.email@ixn1",
                    "+NotRoutable@1001.email@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.chat@ixn1": "NotReadyForNextCall",
                    "1001.email@ixn1": "NotReadyForNextCall",
                },
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
            Step(e(ev.MediaReady, 3, agent_id="1001", place="P01", media="chat"), []),
            Step(
                e(
                    ev.MediaNotReady,
                    4,
                    agent_id="1001",
                    place="P01",
                    media="email",
                    reasons={"ReasonCode": "Backlog"},
                ),
                ["-NotReadyForNextCall@1001.email@ixn1 3s", "+NotReadyForNextCall@1001.email@ixn1"],
            ),
            Step(
                e(
                    ev.MediaNotReady,
                    5,
                    agent_id="1001",
                    place="P01",
                    media="email",
                    reasons={"ReasonCode": "Backlog"},
                ),
                [],
            ),
            Step(
                e(
                    ev.MediaNotReady,
                    6,
                    agent_id="1001",
                    place="P01",
                    media="chat",
                    reasons={"ReasonCode": "Break"},
                ),
                [
                    "-WaitForNextCall@1001.chat@ixn1 4s",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "-Routable@1001.chat@ixn1 4s",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {"1001.chat@ixn1": "NotReadyForNextCall"},
            ),
            Step(
                e(
                    ev.AgentStateReasonChanged,
                    8,
                    agent_id="1001",
                    place="P01",
                    reasons={"ReasonCode": "Lunch"},
                ),
                [
                    "-NotReadyForNextCall@1001.chat@ixn1 2s",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "-NotReadyForNextCall@1001.email@ixn1 4s",
                    "+NotReadyForNextCall@1001.email@ixn1",
                ],
            ),
            Step(
                e(
                    ev.AgentStateReasonChanged,
                    9,
                    agent_id="1001",
                    place="P01",
                    media="chat",
                    reasons={"ReasonCode": "Meeting"},
                ),
                ["-NotReadyForNextCall@1001.chat@ixn1 1s", "+NotReadyForNextCall@1001.chat@ixn1"],
            ),
            Step(
                e(ev.MediaNotReady, 10, agent_id="1001", place="P01", media="chat", work_mode=ACW),
                ["-NotReadyForNextCall@1001.chat@ixn1 1s", "+AfterCallWork@1001.chat@ixn1"],
                {
                    "P01": "AfterCallWork",
                    "1001": "AfterCallWork",
                    "1001.chat@ixn1": "AfterCallWork",
                },
            ),
            Step(
                e(
                    ev.AgentStateReasonChanged,
                    11,
                    agent_id="1001",
                    place="P01",
                    media="chat",
                    reasons={"ReasonCode": "Wrap"},
                ),
                ["-AfterCallWork@1001.chat@ixn1 1s", "+AfterCallWork@1001.chat@ixn1"],
            ),
            Step(
                e(ev.MediaReady, 12, agent_id="1001", place="P01", media="chat"),
                [
                    "-AfterCallWork@1001.chat@ixn1 1s",
                    "+WaitForNextCall@1001.chat@ixn1",
                    "-NotRoutable@1001.chat@ixn1 6s",
                    "+Routable@1001.chat@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.chat@ixn1": "WaitForNextCall",
                },
            ),
            Step(
                e(ev.MediaRemoved, 13, agent_id="1001", place="P01", media="email"),
                [
                    "-Active@1001.email@ixn1 12s",
                    "-NotReadyForNextCall@1001.email@ixn1 5s",
                    "-NotRoutable@1001.email@ixn1 12s",
                ],
                {"P01": "WaitForNextCall", "1001": "WaitForNextCall", "1001.email@ixn1": "absent"},
            ),
            Step(
                e(ev.MediaAdded, 14, agent_id="1001", place="P01", media="email", capacity=3),
                [
                    "+Active@1001.email@ixn1",
                    "+NotReadyForNextCall@1001.email@ixn1",
                    "+NotRoutable@1001.email@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.email@ixn1": "NotReadyForNextCall",
                },
            ),
            Step(
                e(ev.IxnAgentLogout, 20, agent_id="1001", place="P01"),
                [
                    "-Active@1001.chat@ixn1 19s",
                    "-Routable@1001.chat@ixn1 8s",
                    "-WaitForNextCall@1001.chat@ixn1 8s",
                    "-Active@1001.email@ixn1 6s",
                    "-NotReadyForNextCall@1001.email@ixn1 6s",
                    "-NotRoutable@1001.email@ixn1 6s",
                ],
                {
                    "P01": "Monitored",
                    "1001": "LoggedOut",
                    "1001.chat@ixn1": "absent",
                    "1001.email@ixn1": "absent",
                },
            ),
        ],
    ),
    # Routable iff ready and fewer interactions (offered or handled) than the
    # capacity: chat capacity 2 turns NotRoutable with the second interaction; a
    # capacity of 0 (email) is never routable.
    "routable_by_capacity": (
        ("P01", "1001", "1001.chat@ixn1", "1001.email@ixn1"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"P01": "Monitored"},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn1"), []),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.IxnAgentLogin, 1, agent_id="1001", place="P01", media={"chat": 2, "email": 0}),
                [
                    "+Active@1001.chat@ixn1",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "+NotRoutable@1001.chat@ixn1",
                    "+Active@1001.email@ixn1",
                    "+NotReadyForNextCall@1001.email@ixn1",
                    "+NotRoutable@1001.email@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.chat@ixn1": "NotReadyForNextCall",
                    "1001.email@ixn1": "NotReadyForNextCall",
                },
            ),
            Step(
                e(ev.MediaReady, 2, agent_id="1001", place="P01", media="email"),
                ["-NotReadyForNextCall@1001.email@ixn1 1s", "+WaitForNextCall@1001.email@ixn1"],
                {"1001.email@ixn1": "WaitForNextCall"},
            ),
            Step(
                e(ev.MediaReady, 2, agent_id="1001", place="P01", media="chat"),
                [
                    "-NotReadyForNextCall@1001.chat@ixn1 1s",
                    "+WaitForNextCall@1001.chat@ixn1",
                    "-NotRoutable@1001.chat@ixn1 1s",
                    "+Routable@1001.chat@ixn1",
                ],
                {
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "1001.chat@ixn1": "WaitForNextCall",
                },
            ),
            Step(
                e(ev.AgentInvited, 3, ixn_id="i1", media="chat", agent_id="1001", place="P01"),
                ["+Delivering@1001.chat@ixn1/i1", "!DeliveringStarted@1001.chat@ixn1/i1"],
                {"P01": "CallRinging", "1001": "CallRinging", "1001.chat@ixn1": "CallRinging"},
            ),
            Step(
                e(ev.IxnPartyAdded, 4, ixn_id="i1", media="chat", agent_id="1001", place="P01"),
                [
                    "-Delivering@1001.chat@ixn1/i1 1s",
                    "!Accepted@1001.chat@ixn1/i1 1s",
                    "+HandlingInbound@1001.chat@ixn1/i1",
                    "!HandlingInboundStarted@1001.chat@ixn1/i1",
                    "+Handling@1001.chat@ixn1/i1",
                    "!HandlingStarted@1001.chat@ixn1/i1",
                ],
                {"P01": "CallInbound", "1001": "CallInbound", "1001.chat@ixn1": "CallInbound"},
            ),
            Step(
                e(ev.AgentInvited, 5, ixn_id="i2", media="chat", agent_id="1001", place="P01"),
                [
                    "+Delivering@1001.chat@ixn1/i2",
                    "!DeliveringStarted@1001.chat@ixn1/i2",
                    "-Routable@1001.chat@ixn1 3s",
                    "+NotRoutable@1001.chat@ixn1",
                ],
            ),
            Step(
                e(ev.IxnPartyAdded, 6, ixn_id="i2", media="chat", agent_id="1001", place="P01"),
                [
                    "-Delivering@1001.chat@ixn1/i2 1s",
                    "!Accepted@1001.chat@ixn1/i2 1s",
                    "+HandlingInbound@1001.chat@ixn1/i2",
                    "!HandlingInboundStarted@1001.chat@ixn1/i2",
                    "+Handling@1001.chat@ixn1/i2",
                    "!HandlingStarted@1001.chat@ixn1/i2",
                ],
            ),
            Step(
                e(ev.IxnPartyRemoved, 10, ixn_id="i1", agent_id="1001", place="P01"),
                [
                    "-HandlingInbound@1001.chat@ixn1/i1 6s",
                    "-Handling@1001.chat@ixn1/i1 6s",
                    "-NotRoutable@1001.chat@ixn1 5s",
                    "+Routable@1001.chat@ixn1",
                ],
            ),
            Step(
                e(ev.MediaNotReady, 11, agent_id="1001", place="P01", media="chat"),
                [
                    "-WaitForNextCall@1001.chat@ixn1 9s",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "-Routable@1001.chat@ixn1 1s",
                    "+NotRoutable@1001.chat@ixn1",
                ],
            ),
            Step(
                e(ev.MediaReady, 12, agent_id="1001", place="P01", media="chat"),
                [
                    "-NotReadyForNextCall@1001.chat@ixn1 1s",
                    "+WaitForNextCall@1001.chat@ixn1",
                    "-NotRoutable@1001.chat@ixn1 1s",
                    "+Routable@1001.chat@ixn1",
                ],
            ),
            Step(
                e(ev.IxnPartyRemoved, 15, ixn_id="i2", agent_id="1001", place="P01"),
                ["-HandlingInbound@1001.chat@ixn1/i2 9s", "-Handling@1001.chat@ixn1/i2 9s"],
                {
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "1001.chat@ixn1": "WaitForNextCall",
                },
            ),
            Step(
                e(ev.IxnAgentLogout, 16, agent_id="1001", place="P01"),
                [
                    "-Active@1001.chat@ixn1 15s",
                    "-Routable@1001.chat@ixn1 4s",
                    "-WaitForNextCall@1001.chat@ixn1 4s",
                    "-Active@1001.email@ixn1 15s",
                    "-NotRoutable@1001.email@ixn1 15s",
                    "-WaitForNextCall@1001.email@ixn1 14s",
                ],
                {
                    "P01": "Monitored",
                    "1001": "LoggedOut",
                    "1001.chat@ixn1": "absent",
                    "1001.email@ixn1": "absent",
                },
            ),
        ],
    ),
    # AgentInvited opens Delivering (status CallRinging); IxnPartyAdded accepts
    # it (Accepted carries the delivering time) and opens Handling{Inbound,
    # Outbound,Internal}, also without an invitation; Rejected / Revoked /
    # ProcessingStopped while delivering end it with InteractionRejected /
    # InteractionRevoked; IxnPartyRemoved or ProcessingStopped end Handling.
    "delivering_accepted_rejected_revoked": (
        ("P01", "1001", "1001.chat@ixn1", "1001.email@ixn1"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"P01": "Monitored"},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn1"), []),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.IxnAgentLogin, 1, agent_id="1001", place="P01", media={"chat": 3}),
                [
                    "+Active@1001.chat@ixn1",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.chat@ixn1": "NotReadyForNextCall",
                },
            ),
            Step(
                e(ev.MediaReady, 2, agent_id="1001", place="P01", media="chat"),
                [
                    "-NotReadyForNextCall@1001.chat@ixn1 1s",
                    "+WaitForNextCall@1001.chat@ixn1",
                    "-NotRoutable@1001.chat@ixn1 1s",
                    "+Routable@1001.chat@ixn1",
                ],
                {
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "1001.chat@ixn1": "WaitForNextCall",
                },
            ),
            Step(
                e(ev.AgentInvited, 3, ixn_id="i1", media="chat", agent_id="1001", place="P01"),
                ["+Delivering@1001.chat@ixn1/i1", "!DeliveringStarted@1001.chat@ixn1/i1"],
                {"P01": "CallRinging", "1001": "CallRinging", "1001.chat@ixn1": "CallRinging"},
            ),
            Step(
                e(ev.IxnPartyAdded, 5, ixn_id="i1", media="chat", agent_id="1001", place="P01"),
                [
                    "-Delivering@1001.chat@ixn1/i1 2s",
                    "!Accepted@1001.chat@ixn1/i1 2s",
                    "+HandlingInbound@1001.chat@ixn1/i1",
                    "!HandlingInboundStarted@1001.chat@ixn1/i1",
                    "+Handling@1001.chat@ixn1/i1",
                    "!HandlingStarted@1001.chat@ixn1/i1",
                ],
                {"P01": "CallInbound", "1001": "CallInbound", "1001.chat@ixn1": "CallInbound"},
            ),
            Step(
                e(ev.AgentInvited, 6, ixn_id="i2", media="chat", agent_id="1001", place="P01"),
                ["+Delivering@1001.chat@ixn1/i2", "!DeliveringStarted@1001.chat@ixn1/i2"],
            ),
            Step(
                e(ev.Rejected, 7, ixn_id="i2", media="chat", agent_id="1001", place="P01"),
                ["-Delivering@1001.chat@ixn1/i2 1s", "!InteractionRejected@1001.chat@ixn1/i2 1s"],
            ),
            Step(
                e(ev.AgentInvited, 8, ixn_id="i3", media="chat", agent_id="1001", place="P01"),
                ["+Delivering@1001.chat@ixn1/i3", "!DeliveringStarted@1001.chat@ixn1/i3"],
            ),
            Step(
                e(ev.Revoked, 10, ixn_id="i3", media="chat", agent_id="1001", place="P01"),
                ["-Delivering@1001.chat@ixn1/i3 2s", "!InteractionRevoked@1001.chat@ixn1/i3 2s"],
            ),
            Step(
                e(
                    ev.IxnPartyAdded,
                    11,
                    ixn_id="i4",
                    media="chat",
                    agent_id="1001",
                    place="P01",
                    ixn_type=IXN_OUT,
                ),
                [
                    "+HandlingOutbound@1001.chat@ixn1/i4",
                    "!HandlingOutboundStarted@1001.chat@ixn1/i4",
                    "+Handling@1001.chat@ixn1/i4",
                    "!HandlingStarted@1001.chat@ixn1/i4",
                ],
            ),
            Step(
                e(ev.IxnPartyRemoved, 20, ixn_id="i1", agent_id="1001", place="P01"),
                ["-HandlingInbound@1001.chat@ixn1/i1 15s", "-Handling@1001.chat@ixn1/i1 15s"],
                {"P01": "CallOutbound", "1001": "CallOutbound", "1001.chat@ixn1": "CallOutbound"},
            ),
            Step(
                e(ev.AgentInvited, 21, ixn_id="i5", media="chat", agent_id="1001", place="P01"),
                ["+Delivering@1001.chat@ixn1/i5", "!DeliveringStarted@1001.chat@ixn1/i5"],
            ),
            Step(
                e(ev.ProcessingStopped, 22, ixn_id="i5", media="chat"),
                ["-Delivering@1001.chat@ixn1/i5 1s", "!InteractionRevoked@1001.chat@ixn1/i5 1s"],
            ),
            Step(
                e(ev.ProcessingStopped, 25, ixn_id="i4", media="chat"),
                ["-HandlingOutbound@1001.chat@ixn1/i4 14s", "-Handling@1001.chat@ixn1/i4 14s"],
                {
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "1001.chat@ixn1": "WaitForNextCall",
                },
            ),
            Step(
                e(
                    ev.IxnPartyAdded,
                    26,
                    ixn_id="i6",
                    media="chat",
                    agent_id="1001",
                    place="P01",
                    ixn_type=IXN_INT,
                ),
                [
                    "+HandlingInternal@1001.chat@ixn1/i6",
                    "!HandlingInternalStarted@1001.chat@ixn1/i6",
                    "+Handling@1001.chat@ixn1/i6",
                    "!HandlingStarted@1001.chat@ixn1/i6",
                ],
                {"P01": "CallInternal", "1001": "CallInternal", "1001.chat@ixn1": "CallInternal"},
            ),
            Step(
                e(ev.IxnAgentLogout, 30, agent_id="1001", place="P01"),
                [
                    "-HandlingInternal@1001.chat@ixn1/i6 4s",
                    "-Handling@1001.chat@ixn1/i6 4s",
                    "-Active@1001.chat@ixn1 29s",
                    "-Routable@1001.chat@ixn1 28s",
                    "-WaitForNextCall@1001.chat@ixn1 28s",
                ],
                {"P01": "Monitored", "1001": "LoggedOut", "1001.chat@ixn1": "absent"},
            ),
        ],
    ),
    # Chat through ixn1 and email through ixn2: each link keeps its partial
    # state, the place and the agent take the priority-max of both.
    "two_interaction_servers": (
        ("P01", "1001", "1001.chat@ixn1", "1001.email@ixn2"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"P01": "Monitored"},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn1"), []),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
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
                },
            ),
            Step(
                e(
                    ev.IxnAgentLogin,
                    1,
                    link="ixn2",
                    agent_id="1001",
                    place="P01",
                    media={"email": 1},
                ),
                [
                    "+Active@1001.email@ixn2",
                    "+NotReadyForNextCall@1001.email@ixn2",
                    "+NotRoutable@1001.email@ixn2",
                ],
                {"1001.email@ixn2": "NotReadyForNextCall"},
            ),
            Step(
                e(ev.MediaReady, 2, link="ixn2", agent_id="1001", place="P01", media="email"),
                [
                    "-NotReadyForNextCall@1001.email@ixn2 1s",
                    "+WaitForNextCall@1001.email@ixn2",
                    "-NotRoutable@1001.email@ixn2 1s",
                    "+Routable@1001.email@ixn2",
                ],
                {"1001.email@ixn2": "WaitForNextCall"},
            ),
            Step(
                e(ev.MediaReady, 3, agent_id="1001", place="P01", media="chat"),
                [
                    "-NotReadyForNextCall@1001.chat@ixn1 2s",
                    "+WaitForNextCall@1001.chat@ixn1",
                    "-NotRoutable@1001.chat@ixn1 2s",
                    "+Routable@1001.chat@ixn1",
                ],
                {
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "1001.chat@ixn1": "WaitForNextCall",
                },
            ),
            Step(
                e(
                    ev.AgentInvited,
                    4,
                    link="ixn2",
                    ixn_id="e1",
                    media="email",
                    agent_id="1001",
                    place="P01",
                ),
                [
                    "+Delivering@1001.email@ixn2/e1",
                    "!DeliveringStarted@1001.email@ixn2/e1",
                    "-Routable@1001.email@ixn2 2s",
                    "+NotRoutable@1001.email@ixn2",
                ],
                {"P01": "CallRinging", "1001": "CallRinging", "1001.email@ixn2": "CallRinging"},
            ),
            Step(
                e(
                    ev.IxnPartyAdded,
                    5,
                    link="ixn2",
                    ixn_id="e1",
                    media="email",
                    agent_id="1001",
                    place="P01",
                ),
                [
                    "-Delivering@1001.email@ixn2/e1 1s",
                    "!Accepted@1001.email@ixn2/e1 1s",
                    "+HandlingInbound@1001.email@ixn2/e1",
                    "!HandlingInboundStarted@1001.email@ixn2/e1",
                    "+Handling@1001.email@ixn2/e1",
                    "!HandlingStarted@1001.email@ixn2/e1",
                ],
                {"P01": "CallInbound", "1001": "CallInbound", "1001.email@ixn2": "CallInbound"},
            ),
            Step(
                e(ev.AgentInvited, 6, ixn_id="c1", media="chat", agent_id="1001", place="P01"),
                [
                    "+Delivering@1001.chat@ixn1/c1",
                    "!DeliveringStarted@1001.chat@ixn1/c1",
                    "-Routable@1001.chat@ixn1 3s",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {"1001.chat@ixn1": "CallRinging"},
            ),
            Step(
                e(
                    ev.IxnPartyAdded,
                    7,
                    ixn_id="c1",
                    media="chat",
                    agent_id="1001",
                    place="P01",
                    ixn_type=IXN_INT,
                ),
                [
                    "-Delivering@1001.chat@ixn1/c1 1s",
                    "!Accepted@1001.chat@ixn1/c1 1s",
                    "+HandlingInternal@1001.chat@ixn1/c1",
                    "!HandlingInternalStarted@1001.chat@ixn1/c1",
                    "+Handling@1001.chat@ixn1/c1",
                    "!HandlingStarted@1001.chat@ixn1/c1",
                ],
                {"1001.chat@ixn1": "CallInternal"},
            ),
            Step(
                e(ev.IxnPartyRemoved, 9, link="ixn2", ixn_id="e1", agent_id="1001", place="P01"),
                [
                    "-HandlingInbound@1001.email@ixn2/e1 4s",
                    "-Handling@1001.email@ixn2/e1 4s",
                    "-NotRoutable@1001.email@ixn2 5s",
                    "+Routable@1001.email@ixn2",
                ],
                {
                    "P01": "CallInternal",
                    "1001": "CallInternal",
                    "1001.email@ixn2": "WaitForNextCall",
                },
            ),
            Step(
                e(ev.IxnAgentLogout, 10, agent_id="1001", place="P01"),
                [
                    "-HandlingInternal@1001.chat@ixn1/c1 3s",
                    "-Handling@1001.chat@ixn1/c1 3s",
                    "-Active@1001.chat@ixn1 9s",
                    "-NotRoutable@1001.chat@ixn1 4s",
                    "-WaitForNextCall@1001.chat@ixn1 7s",
                ],
                {"P01": "WaitForNextCall", "1001": "WaitForNextCall", "1001.chat@ixn1": "absent"},
            ),
            Step(
                e(ev.IxnAgentLogout, 11, link="ixn2", agent_id="1001", place="P01"),
                [
                    "-Active@1001.email@ixn2 10s",
                    "-Routable@1001.email@ixn2 2s",
                    "-WaitForNextCall@1001.email@ixn2 9s",
                ],
                {"P01": "Monitored", "1001": "LoggedOut", "1001.email@ixn2": "absent"},
            ),
        ],
    ),
    # The agent is LoggedOut only when no voice DN and no Interaction Server
    # partial has it logged in.
    "logged_out_only_when_everything_says_so": (
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
                e(ev.IxnAgentLogin, 2, agent_id="1001", place="P01", media={"chat": 1}),
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
                    3,
                    link="ixn2",
                    agent_id="1001",
                    place="P01",
                    media={"email": 1},
                ),
                [
                    "+Active@1001.email@ixn2",
                    "+NotReadyForNextCall@1001.email@ixn2",
                    "+NotRoutable@1001.email@ixn2",
                ],
                {"1001.email@ixn2": "NotReadyForNextCall"},
            ),
            Step(
                e(ev.AgentLogout, 4, dn="5001"),
                ["-WaitForNextCall@5001 3s", "-LoggedIn@5001 3s", "!AgentLogout@5001"],
                {"5001": "Monitored"},
            ),
            Step(
                e(ev.IxnAgentLogout, 5, agent_id="1001", place="P01"),
                [
                    "-Active@1001.chat@ixn1 3s",
                    "-NotReadyForNextCall@1001.chat@ixn1 3s",
                    "-NotRoutable@1001.chat@ixn1 3s",
                ],
                {"1001.chat@ixn1": "absent"},
            ),
            Step(
                e(ev.IxnAgentLogout, 6, link="ixn2", agent_id="1001", place="P01"),
                [
                    "-Active@1001.email@ixn2 3s",
                    "-NotReadyForNextCall@1001.email@ixn2 3s",
                    "-NotRoutable@1001.email@ixn2 3s",
                ],
                {
                    "P01": "Monitored",
                    "1001": "LoggedOut",
                    "1001.email@ixn2": "absent",
                    "SalesTeam": {"LoggedOut": 5},
                },
            ),
        ],
    ),
    # The published six-step place rule (DOMAIN 3.9) with a voice DN and a chat
    # channel at P01:
    #   6.4 voice NotReady, chat Ready -> NotReadyForNextCall (DOMAIN 10.6
    #       item 3 says WaitForNextCall; it contradicts 6.2, we follow 6.2/6.4);
    #   6.2 chat handling above the voice status -> CallInbound;
    #   6.1 voice above NotReadyForNextCall (ACW) wins over chat CallInbound;
    #   6.3 no login on any voice DN: voice OffHook, chat Ready -> WaitForNextCall;
    #   4   only voice devices left -> the voice status (OffHook).
    "place_rule": (
        ("5001", "P01", "1001", "1001.chat@ixn1"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"5001": "Monitored", "P01": "Monitored"},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn1"), []),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.AgentLogin, 1, dn="5001", agent_id="7001"),
                ["+LoggedIn@5001", "!AgentLogin@5001"],
                {"1001": "Monitored"},
            ),
            Step(
                e(ev.AgentNotReady, 2, dn="5001"),
                ["+NotReadyForNextCall@5001"],
                {
                    "5001": "NotReadyForNextCall",
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                },
            ),
            Step(
                e(ev.IxnAgentLogin, 3, agent_id="1001", place="P01", media={"chat": 1}),
                [
                    "+Active@1001.chat@ixn1",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {"1001.chat@ixn1": "NotReadyForNextCall"},
            ),
            Step(
                e(ev.MediaReady, 4, agent_id="1001", place="P01", media="chat"),
                [
                    "-NotReadyForNextCall@1001.chat@ixn1 1s",
                    "+WaitForNextCall@1001.chat@ixn1",
                    "-NotRoutable@1001.chat@ixn1 1s",
                    "+Routable@1001.chat@ixn1",
                ],
                {"1001.chat@ixn1": "WaitForNextCall"},
            ),
            Step(
                e(ev.AgentInvited, 5, ixn_id="i1", media="chat", agent_id="1001", place="P01"),
                [
                    "+Delivering@1001.chat@ixn1/i1",
                    "!DeliveringStarted@1001.chat@ixn1/i1",
                    "-Routable@1001.chat@ixn1 1s",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {"1001.chat@ixn1": "CallRinging"},
            ),
            Step(
                e(ev.IxnPartyAdded, 6, ixn_id="i1", media="chat", agent_id="1001", place="P01"),
                [
                    "-Delivering@1001.chat@ixn1/i1 1s",
                    "!Accepted@1001.chat@ixn1/i1 1s",
                    "+HandlingInbound@1001.chat@ixn1/i1",
                    "!HandlingInboundStarted@1001.chat@ixn1/i1",
                    "+Handling@1001.chat@ixn1/i1",
                    "!HandlingStarted@1001.chat@ixn1/i1",
                ],
                {"P01": "CallInbound", "1001": "CallInbound", "1001.chat@ixn1": "CallInbound"},
            ),
            Step(
                e(ev.AgentReady, 7, dn="5001"),
                ["-NotReadyForNextCall@5001 5s", "+WaitForNextCall@5001"],
                {"5001": "WaitForNextCall"},
            ),
            Step(
                e(ev.Ringing, 8, dn="5001", conn_id="c1", call_type=IN),
                ["+CallRinging@5001/c1", "!CallRingingStarted@5001/c1"],
                {"5001": "CallRinging"},
            ),
            Step(
                e(ev.Established, 9, dn="5001", conn_id="c1", call_type=IN),
                [
                    "-CallRinging@5001/c1 1s",
                    "!CallAnswered@5001/c1 1s",
                    "+CallInbound@5001/c1",
                    "!CallInboundStarted@5001/c1",
                ],
                {"5001": "CallInbound"},
            ),
            Step(
                e(ev.Released, 10, dn="5001", conn_id="c1"),
                ["-CallInbound@5001/c1 1s", "!CallInboundCompleted@5001/c1 1s"],
                {"5001": "WaitForNextCall"},
            ),
            Step(
                e(ev.AgentNotReady, 11, dn="5001", work_mode=ACW),
                ["-WaitForNextCall@5001 4s", "+AfterCallWork@5001"],
                {"5001": "AfterCallWork", "P01": "AfterCallWork", "1001": "AfterCallWork"},
            ),
            Step(
                e(ev.IxnPartyRemoved, 12, ixn_id="i1", agent_id="1001", place="P01"),
                [
                    "-HandlingInbound@1001.chat@ixn1/i1 6s",
                    "-Handling@1001.chat@ixn1/i1 6s",
                    "-NotRoutable@1001.chat@ixn1 7s",
                    "+Routable@1001.chat@ixn1",
                ],
                {"1001.chat@ixn1": "WaitForNextCall"},
            ),
            Step(
                e(ev.AgentLogout, 13, dn="5001"),
                ["-AfterCallWork@5001 2s", "-LoggedIn@5001 12s", "!AgentLogout@5001"],
                {"5001": "Monitored", "P01": "WaitForNextCall", "1001": "WaitForNextCall"},
            ),
            Step(e(ev.OffHook, 14, dn="5001"), ["+OffHook@5001"], {"5001": "OffHook"}),
            Step(
                e(ev.MediaNotReady, 15, agent_id="1001", place="P01", media="chat"),
                [
                    "-WaitForNextCall@1001.chat@ixn1 11s",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "-Routable@1001.chat@ixn1 3s",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.chat@ixn1": "NotReadyForNextCall",
                },
            ),
            Step(
                e(ev.IxnAgentLogout, 16, agent_id="1001", place="P01"),
                [
                    "-Active@1001.chat@ixn1 13s",
                    "-NotReadyForNextCall@1001.chat@ixn1 1s",
                    "-NotRoutable@1001.chat@ixn1 1s",
                ],
                {"P01": "OffHook", "1001": "LoggedOut", "1001.chat@ixn1": "absent"},
            ),
        ],
    ),
    # Steps 1 and 5: a place with no DN is NotMonitored until a media channel
    # exists, then takes the non-voice status.
    "place_without_voice": (
        ("Remote", "1002", "1002.chat@ixn1"),
        [
            Step(e(ev.LinkConnected, 0), ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"]),
            Step(e(ev.LinkConnected, 0, link="ixn1"), []),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.IxnAgentLogin, 1, agent_id="1002", place="Remote", media={"chat": 1}),
                [
                    "+Active@1002.chat@ixn1",
                    "+NotReadyForNextCall@1002.chat@ixn1",
                    "+NotRoutable@1002.chat@ixn1",
                ],
                {
                    "Remote": "NotReadyForNextCall",
                    "1002": "NotReadyForNextCall",
                    "1002.chat@ixn1": "NotReadyForNextCall",
                },
            ),
            Step(
                e(ev.MediaReady, 2, agent_id="1002", place="Remote", media="chat"),
                [
                    "-NotReadyForNextCall@1002.chat@ixn1 1s",
                    "+WaitForNextCall@1002.chat@ixn1",
                    "-NotRoutable@1002.chat@ixn1 1s",
                    "+Routable@1002.chat@ixn1",
                ],
                {
                    "Remote": "WaitForNextCall",
                    "1002": "WaitForNextCall",
                    "1002.chat@ixn1": "WaitForNextCall",
                },
            ),
            Step(
                e(ev.IxnAgentLogout, 3, agent_id="1002", place="Remote"),
                [
                    "-Active@1002.chat@ixn1 2s",
                    "-Routable@1002.chat@ixn1 1s",
                    "-WaitForNextCall@1002.chat@ixn1 1s",
                ],
                {"Remote": "NotMonitored", "1002": "LoggedOut", "1002.chat@ixn1": "absent"},
            ),
        ],
    ),
    # Staging areas (DOMAIN 3.6): Submitted with itx_state 0 enters the queue
    # (InteractionEntered + the backlog action InteractionWaiting), other states
    # do not; PlacedInQueue moves it (InteractionDistributedToQueue on the old
    # queue); TakenFromQueue by an agent is InteractionDistributed, by anything
    # else InteractionCleared; ProcessingStopped is InteractionDeleted (on the
    # last queue, measured from submission, when it no longer waits).
    "staging_areas": (
        ("Backlog", "Urgent"),
        [
            Step(e(ev.LinkConnected, 0), ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"]),
            Step(
                e(ev.LinkConnected, 0, link="ixn1"),
                [],
                {"Backlog": ("Monitored", 0), "Urgent": ("Monitored", 0)},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.Submitted, 1, ixn_id="w1", media="workitem", queue="Backlog"),
                ["+InteractionWaiting@Backlog/w1", "!InteractionEntered@Backlog/w1"],
                {"Backlog": ("Monitored", 1)},
            ),
            Step(
                e(ev.Submitted, 2, ixn_id="w2", media="workitem", queue="Backlog", itx_state=1), []
            ),
            Step(
                e(ev.PlacedInQueue, 3, ixn_id="w2", media="workitem", queue="Backlog"),
                ["+InteractionWaiting@Backlog/w2", "!InteractionEntered@Backlog/w2"],
                {"Backlog": ("Monitored", 2)},
            ),
            Step(
                e(ev.Submitted, 4, ixn_id="w3", media="workitem", queue="Backlog"),
                ["+InteractionWaiting@Backlog/w3", "!InteractionEntered@Backlog/w3"],
                {"Backlog": ("Monitored", 3)},
            ),
            Step(
                e(ev.PlacedInQueue, 6, ixn_id="w3", queue="Urgent", old_queue="Backlog"),
                [
                    "-InteractionWaiting@Backlog/w3 2s",
                    "!InteractionDistributedToQueue@Backlog/w3 2s",
                    "+InteractionWaiting@Urgent/w3",
                    "!InteractionEntered@Urgent/w3",
                ],
                {"Backlog": ("Monitored", 2), "Urgent": ("Monitored", 1)},
            ),
            Step(
                e(ev.TakenFromQueue, 7, ixn_id="w1", queue="Backlog"),
                ["-InteractionWaiting@Backlog/w1 6s", "!InteractionDistributed@Backlog/w1 6s"],
                {"Backlog": ("Monitored", 1)},
            ),
            Step(
                e(
                    ev.TakenFromQueue,
                    9,
                    ixn_id="w2",
                    queue="Backlog",
                    party_type=ev.PartyType.Other,
                ),
                ["-InteractionWaiting@Backlog/w2 6s", "!InteractionCleared@Backlog/w2 6s"],
                {"Backlog": ("Monitored", 0)},
            ),
            Step(
                e(ev.ProcessingStopped, 10, ixn_id="w3"),
                ["-InteractionWaiting@Urgent/w3 4s", "!InteractionDeleted@Urgent/w3 4s"],
                {"Urgent": ("Monitored", 0)},
            ),
            Step(e(ev.ProcessingStopped, 12, ixn_id="w1"), ["!InteractionDeleted@Backlog/w1 11s"]),
            Step(e(ev.PropertiesChanged, 13, ixn_id="w2", user_data={"Priority": 5}), []),
            Step(
                e(ev.PlacedInQueue, 14, ixn_id="w2", queue="Urgent", old_queue="Backlog"),
                ["+InteractionWaiting@Urgent/w2", "!InteractionEntered@Urgent/w2"],
                {"Urgent": ("Monitored", 1)},
            ),
            Step(
                e(ev.ProcessingStopped, 15, ixn_id="w2"),
                ["-InteractionWaiting@Urgent/w2 1s", "!InteractionDeleted@Urgent/w2 1s"],
                {"Urgent": ("Monitored", 0)},
            ),
            Step(
                e(ev.PlacedInQueue, 16, ixn_id="w4", queue="Urgent"),
                ["+InteractionWaiting@Urgent/w4", "!InteractionEntered@Urgent/w4"],
                {"Urgent": ("Monitored", 1)},
            ),
        ],
    ),
    # IxnPartyAdded opens the generic durable Handling alongside the typed one
    # (HandlingStarted marks it); they close together, whether the agent leaves
    # the interaction or the link goes down. Handling stands for CallUnknown,
    # which ranks below every typed status: the typed action defines the status.
    "generic_handling_alongside_the_typed_one": (
        ("1001.chat@ixn1", "P01", "1001"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"P01": "Monitored"},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn1"), []),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.IxnAgentLogin, 1, agent_id="1001", place="P01", media={"chat": 2}),
                [
                    "+Active@1001.chat@ixn1",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "1001": "NotReadyForNextCall",
                    "1001.chat@ixn1": "NotReadyForNextCall",
                },
            ),
            Step(
                e(ev.MediaReady, 2, agent_id="1001", place="P01", media="chat"),
                [
                    "-NotReadyForNextCall@1001.chat@ixn1 1s",
                    "+WaitForNextCall@1001.chat@ixn1",
                    "-NotRoutable@1001.chat@ixn1 1s",
                    "+Routable@1001.chat@ixn1",
                ],
                {
                    "P01": "WaitForNextCall",
                    "1001": "WaitForNextCall",
                    "1001.chat@ixn1": "WaitForNextCall",
                },
            ),
            Step(
                e(
                    ev.IxnPartyAdded,
                    3,
                    ixn_id="i1",
                    media="chat",
                    agent_id="1001",
                    place="P01",
                    ixn_type=IXN_OUT,
                ),
                [
                    "+HandlingOutbound@1001.chat@ixn1/i1",
                    "!HandlingOutboundStarted@1001.chat@ixn1/i1",
                    "+Handling@1001.chat@ixn1/i1",
                    "!HandlingStarted@1001.chat@ixn1/i1",
                ],
                {"P01": "CallOutbound", "1001": "CallOutbound", "1001.chat@ixn1": "CallOutbound"},
            ),
            Step(
                e(ev.AgentInvited, 4, ixn_id="i2", media="chat", agent_id="1001", place="P01"),
                [
                    "+Delivering@1001.chat@ixn1/i2",
                    "!DeliveringStarted@1001.chat@ixn1/i2",
                    "-Routable@1001.chat@ixn1 2s",
                    "+NotRoutable@1001.chat@ixn1",
                ],
            ),
            Step(
                e(ev.IxnPartyAdded, 5, ixn_id="i2", media="chat", agent_id="1001", place="P01"),
                [
                    "-Delivering@1001.chat@ixn1/i2 1s",
                    "!Accepted@1001.chat@ixn1/i2 1s",
                    "+HandlingInbound@1001.chat@ixn1/i2",
                    "!HandlingInboundStarted@1001.chat@ixn1/i2",
                    "+Handling@1001.chat@ixn1/i2",
                    "!HandlingStarted@1001.chat@ixn1/i2",
                ],
                {"P01": "CallInbound", "1001": "CallInbound", "1001.chat@ixn1": "CallInbound"},
            ),
            Step(
                e(ev.IxnPartyRemoved, 7, ixn_id="i2", agent_id="1001", place="P01"),
                [
                    "-HandlingInbound@1001.chat@ixn1/i2 2s",
                    "-Handling@1001.chat@ixn1/i2 2s",
                    "-NotRoutable@1001.chat@ixn1 3s",
                    "+Routable@1001.chat@ixn1",
                ],
                {"P01": "CallOutbound", "1001": "CallOutbound", "1001.chat@ixn1": "CallOutbound"},
            ),
            Step(
                e(ev.LinkDisconnected, 10, link="ixn1"),
                [
                    "-Active@1001.chat@ixn1 9s",
                    "-Handling@1001.chat@ixn1/i1 7s",
                    "-HandlingOutbound@1001.chat@ixn1/i1 7s",
                    "-Routable@1001.chat@ixn1 3s",
                    "-WaitForNextCall@1001.chat@ixn1 8s",
                ],
                {"P01": "NotMonitored", "1001": "NotMonitored", "1001.chat@ixn1": "NotMonitored"},
            ),
        ],
    ),
    # An Interaction Server link that goes down takes the interactions it
    # reported with it, even while another link keeps the staging areas
    # monitored: their waits end at the loss time with no outcome action and
    # later events about them are refused. An interaction the lost link
    # reported that is still offered on another link's channel stays (it now
    # belongs to that link).
    "interactions_of_a_lost_server_are_forgotten": (
        ("Backlog", "Urgent", "1001.email@ixn2"),
        [
            Step(e(ev.LinkConnected, 0), ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"]),
            Step(
                e(ev.LinkConnected, 0, link="ixn1"),
                [],
                {"Backlog": ("Monitored", 0), "Urgent": ("Monitored", 0)},
            ),
            Step(e(ev.LinkConnected, 0, link="ixn2"), []),
            Step(
                e(ev.Submitted, 1, ixn_id="w1", media="workitem", queue="Backlog"),
                ["+InteractionWaiting@Backlog/w1", "!InteractionEntered@Backlog/w1"],
                {"Backlog": ("Monitored", 1)},
            ),
            Step(
                e(ev.Submitted, 2, link="ixn2", ixn_id="w2", media="workitem", queue="Backlog"),
                ["+InteractionWaiting@Backlog/w2", "!InteractionEntered@Backlog/w2"],
                {"Backlog": ("Monitored", 2)},
            ),
            Step(
                e(ev.Submitted, 3, ixn_id="w3", media="email", queue="Urgent"),
                ["+InteractionWaiting@Urgent/w3", "!InteractionEntered@Urgent/w3"],
                {"Urgent": ("Monitored", 1)},
            ),
            Step(
                e(
                    ev.IxnAgentLogin,
                    4,
                    link="ixn2",
                    agent_id="1001",
                    place="P01",
                    media={"email": 1},
                ),
                [
                    "+Active@1001.email@ixn2",
                    "+NotReadyForNextCall@1001.email@ixn2",
                    "+NotRoutable@1001.email@ixn2",
                ],
                {"1001.email@ixn2": "NotReadyForNextCall"},
            ),
            Step(
                e(ev.TakenFromQueue, 5, ixn_id="w3", queue="Urgent"),
                ["-InteractionWaiting@Urgent/w3 2s", "!InteractionDistributed@Urgent/w3 2s"],
                {"Urgent": ("Monitored", 0)},
            ),
            Step(
                e(
                    ev.AgentInvited,
                    5,
                    link="ixn2",
                    ixn_id="w3",
                    media="email",
                    agent_id="1001",
                    place="P01",
                ),
                # not ready outranks ringing: the channel's status stays
                ["+Delivering@1001.email@ixn2/w3", "!DeliveringStarted@1001.email@ixn2/w3"],
            ),
            Step(
                e(ev.ServerDisconnected, 10, link="ixn1"),
                ["-InteractionWaiting@Backlog/w1 9s"],
                {"Backlog": ("Monitored", 1)},
            ),
            Step(
                e(ev.TakenFromQueue, 11, link="ixn2", ixn_id="w1", queue="Backlog"),
                [],
                refused="no-such-interaction",
            ),
            Step(
                e(
                    ev.IxnPartyAdded,
                    12,
                    link="ixn2",
                    ixn_id="w3",
                    media="email",
                    agent_id="1001",
                    place="P01",
                ),
                [
                    "-Delivering@1001.email@ixn2/w3 7s",
                    "!Accepted@1001.email@ixn2/w3 7s",
                    "+HandlingInbound@1001.email@ixn2/w3",
                    "!HandlingInboundStarted@1001.email@ixn2/w3",
                    "+Handling@1001.email@ixn2/w3",
                    "!HandlingStarted@1001.email@ixn2/w3",
                ],
                {"1001.email@ixn2": "CallInbound"},
            ),
            Step(
                e(ev.ProcessingStopped, 13, link="ixn2", ixn_id="w3"),
                [
                    "!InteractionDeleted@Urgent/w3 10s",
                    "-HandlingInbound@1001.email@ixn2/w3 1s",
                    "-Handling@1001.email@ixn2/w3 1s",
                ],
                {"1001.email@ixn2": "NotReadyForNextCall"},
            ),
            Step(
                e(ev.LinkDisconnected, 20, link="ixn2"),
                [
                    "-Active@1001.email@ixn2 16s",
                    "-NotReadyForNextCall@1001.email@ixn2 16s",
                    "-NotRoutable@1001.email@ixn2 16s",
                    "-InteractionWaiting@Backlog/w2 18s",
                ],
                {
                    "Backlog": ("NotMonitored", 0),
                    "Urgent": ("NotMonitored", 0),
                    "1001.email@ixn2": "NotMonitored",
                },
            ),
        ],
    ),
}


@pytest.mark.parametrize("name", list(FLOWS))
def test_media_flow(name: str) -> None:
    watch, steps = FLOWS[name]
    run_flow(steps, watch, scenario=Scenario(extra_config=EXTRA))


def _run(name: str, upto: int | None = None) -> tuple[Scenario, list[Any]]:
    sc = Scenario(extra_config=EXTRA)
    actions = []
    for step in FLOWS[name][1][:upto]:
        actions.extend(sc.feed(step.event).actions)
    return sc, actions


def test_voice_not_ready_and_chat_ready_is_not_ready_by_the_published_rule() -> None:
    """DOMAIN 10.6 item 3 expects WaitForNextCall (citing rule 6.2), but by
    the published rule 6.2 needs the non-voice status to be *higher* than the
    voice one, and WaitForNextCall ranks below NotReadyForNextCall; with an
    agent logged in on the voice DN rule 6.4 gives the voice status. We follow
    the published rule."""
    sc, _ = _run("place_rule", upto=7)
    assert sc.status("5001") == "NotReadyForNextCall"
    assert sc.status("1001.chat@ixn1") == "WaitForNextCall"
    assert sc.status("P01") == sc.status("1001") == "NotReadyForNextCall"


def test_accepted_carries_the_delivering_time_and_the_interaction_data() -> None:
    _, actions = _run("delivering_accepted_rejected_revoked")
    delivering = next(a for a in actions if fmt(a) == "-Delivering@1001.chat@ixn1/i1 2s")
    accepted = next(a for a in actions if fmt(a) == "!Accepted@1001.chat@ixn1/i1 2s")
    assert (accepted.start, accepted.end) == (delivering.start, delivering.end)
    assert (accepted.agent, accepted.place, accepted.media) == ("1001", "P01", "chat")


def test_agent_current_state_holds_the_channels_of_every_server() -> None:
    sc, _ = _run("two_interaction_servers", upto=9)
    tree = sc.engine.current_state(sc.ref("1001"))
    assert tree.status.name == "CallInbound"
    (place,) = tree.children
    assert place.ref == sc.ref("P01")
    devices = {c.ref.id: c.status.name for c in place.children}
    assert devices == {
        "5001@SW1": "Monitored",
        "chat|1001|P01|ixn1": "WaitForNextCall",
        "email|1001|P01|ixn2": "CallInbound",
    }


def test_backlog_counts_open_interaction_waiting() -> None:
    """The backlog of a staging area is the number of open InteractionWaiting."""
    sc, _ = _run("staging_areas", upto=8)
    backlog = sc.model.staging[("Main", "Backlog")]
    assert sorted(a.conn_id for a in backlog.open.values()) == ["w1", "w2"]
    assert {a.kind.value for a in backlog.open.values()} == {"InteractionWaiting"}


def test_generic_handling_is_open_with_the_typed_one_and_never_defines_the_status() -> None:
    sc, _ = _run("generic_handling_alongside_the_typed_one", upto=8)
    channel = sc.model.agents[("Main", "1001")].partials["ixn1"].channels["chat"]
    open_handling = sorted((k.value, conn) for k, conn in channel.open if "Handling" in k.value)
    assert open_handling == [
        ("Handling", "i1"),
        ("Handling", "i2"),
        ("HandlingInbound", "i2"),
        ("HandlingOutbound", "i1"),
    ]
    assert channel.status_action is not None
    assert channel.status_action.kind.value == "HandlingInbound"
    generic = channel.open[(ActionKind.Handling, "i1")]
    assert (generic.agent, generic.place, generic.media, generic.start) == (
        "1001",
        "P01",
        "chat",
        ms(3),
    )


def test_a_lost_server_takes_its_interactions_and_only_those() -> None:
    sc, actions = _run("interactions_of_a_lost_server_are_forgotten", upto=10)
    model = sc.model
    assert sorted(model.interactions) == [("Main", "w2"), ("Main", "w3")]
    assert (model.interactions[("Main", "w2")].link, model.interactions[("Main", "w3")].link) == (
        "ixn2",
        "ixn2",
    )
    # no outcome: the wait just ends, at the loss time
    (ended,) = [a for a in actions if fmt(a) == "-InteractionWaiting@Backlog/w1 9s"]
    assert ended.end == ms(10)
    assert not any(
        fmt(a).startswith(
            ("!InteractionCleared", "!InteractionDeleted", "!InteractionDistributed@Backlog")
        )
        for a in actions
    )
    sc.feed_all(
        step.event
        for step in FLOWS["interactions_of_a_lost_server_are_forgotten"][1][10:]
        if step.refused is None
    )
    assert model.interactions == {}
