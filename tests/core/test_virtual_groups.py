"""Virtual and static group membership, and group status counts (DOMAIN 10.2).

Watched values (notation in :mod:`tests.core.helpers`): a group reads
``{status: count}`` over its members, ``members:<group>`` its member ids.
The center is ``example.toml`` plus two virtual groups: ``QueueSales``
(logged in with ThisQueue 8001) and ``Sellers`` (a skill-only script).
"""

from __future__ import annotations

import pytest

from statengine.core import events as ev

from .helpers import Scenario, Step, e, run_flow

IN = ev.CallType.Inbound
AUTO_IN = ev.WorkMode.AutoIn
AS = ev.AgentState

EXTRA = """
[[agent_groups]]
name = "QueueSales"
script = 'LoggedIn("8001@SW1")'

[[agent_groups]]
name = "Sellers"
script = 'Skill("Sales") >= 8'
"""

#: name -> (watched objects, steps)
FLOWS: dict[str, tuple[tuple[str, ...], list[Step]]] = {
    # SupportSkilled = Skill("Support") >= 5 & LoggedIn("SW1"). Membership is
    # re-evaluated live on AgentSkillChanged (set, lowered, removed; a change of
    # an unrelated skill changes nothing), on login and on logout; a member
    # joins and leaves with its current status, so the counts always add up.
    "skill_expression_live": (
        ("1001", "1006", "SupportSkilled", "members:SupportSkilled"),
        [
            Step(e(ev.LinkConnected, 0), ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"]),
            Step(
                e(ev.AgentLogin, 1, dn="5006", agent_id="7006", work_mode=AUTO_IN),
                ["+LoggedIn@5006", "!AgentLogin@5006", "+WaitForNextCall@5006"],
                {
                    "1006": "WaitForNextCall",
                    "SupportSkilled": {"WaitForNextCall": 1},
                    "members:SupportSkilled": ("1006",),
                },
            ),
            Step(
                e(ev.AgentLogin, 2, dn="5001", agent_id="7001", work_mode=AUTO_IN),
                ["+LoggedIn@5001", "!AgentLogin@5001", "+WaitForNextCall@5001"],
                {"1001": "WaitForNextCall"},
            ),
            Step(
                e(ev.AgentSkillChanged, 3, agent_id="1001", skill="Support", level=5),
                [],
                {
                    "SupportSkilled": {"WaitForNextCall": 2},
                    "members:SupportSkilled": ("1001", "1006"),
                },
            ),
            Step(
                e(ev.AgentNotReady, 4, dn="5001"),
                ["-WaitForNextCall@5001 2s", "+NotReadyForNextCall@5001"],
                {
                    "1001": "NotReadyForNextCall",
                    "SupportSkilled": {"WaitForNextCall": 1, "NotReadyForNextCall": 1},
                },
            ),
            Step(
                e(ev.AgentSkillChanged, 5, agent_id="1001", skill="Support", level=4),
                [],
                {"SupportSkilled": {"WaitForNextCall": 1}, "members:SupportSkilled": ("1006",)},
            ),
            Step(e(ev.AgentSkillChanged, 6, agent_id="1001", skill="Sales", level=1), []),
            Step(
                e(ev.AgentSkillChanged, 7, agent_id="1001", skill="Support", level=9),
                [],
                {
                    "SupportSkilled": {"WaitForNextCall": 1, "NotReadyForNextCall": 1},
                    "members:SupportSkilled": ("1001", "1006"),
                },
            ),
            Step(
                e(ev.Ringing, 8, dn="5006", conn_id="c1", call_type=IN),
                ["+CallRinging@5006/c1", "!CallRingingStarted@5006/c1"],
                {
                    "1006": "CallRinging",
                    "SupportSkilled": {"CallRinging": 1, "NotReadyForNextCall": 1},
                },
            ),
            Step(
                e(ev.AgentSkillChanged, 9, agent_id="1001", skill="Support"),
                [],
                {"SupportSkilled": {"CallRinging": 1}, "members:SupportSkilled": ("1006",)},
            ),
            Step(
                e(ev.AgentLogout, 10, dn="5006"),
                ["-WaitForNextCall@5006 9s", "-LoggedIn@5006 9s", "!AgentLogout@5006"],
                {"1006": "LoggedOut", "SupportSkilled": {}, "members:SupportSkilled": ()},
            ),
            Step(e(ev.AgentSkillChanged, 11, agent_id="1006", skill="Support", level=8), []),
            Step(
                e(ev.AgentLogin, 12, dn="5006", agent_id="7006"),
                ["+LoggedIn@5006", "!AgentLogin@5006"],
                {
                    "1006": "CallRinging",
                    "SupportSkilled": {"CallRinging": 1},
                    "members:SupportSkilled": ("1006",),
                },
            ),
        ],
    ),
    # QueueSales = LoggedIn("8001@SW1"): only agents logged in with ThisQueue
    # 8001. A re-registration after a link loss keeps the agent's login queue
    # (and membership); an agent who logged out meanwhile leaves.
    "logged_in_queue": (
        ("1001", "1002", "QueueSales", "members:QueueSales", "8001#AgentLogin(Mediation)"),
        [
            Step(e(ev.LinkConnected, 0), ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"]),
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
                    "1001": "WaitForNextCall",
                    "QueueSales": {"WaitForNextCall": 1},
                    "members:QueueSales": ("1001",),
                    "8001#AgentLogin(Mediation)": 1,
                },
            ),
            Step(
                e(ev.AgentLogin, 2, dn="5002", agent_id="7002"),
                ["+LoggedIn@5002", "!AgentLogin@5002"],
                {"1002": "Monitored"},
            ),
            Step(
                e(ev.AgentNotReady, 3, dn="5001"),
                [
                    "-WaitForNextCall@5001 2s",
                    "+NotReadyForNextCall@5001",
                    "-AgentReady@8001/5001 2s",
                ],
                {"1001": "NotReadyForNextCall", "QueueSales": {"NotReadyForNextCall": 1}},
            ),
            Step(
                e(ev.AgentLogout, 4, dn="5001"),
                [
                    "-NotReadyForNextCall@5001 1s",
                    "-LoggedIn@5001 3s",
                    "!AgentLogout@5001",
                    "-AgentLogin(Mediation)@8001/5001 3s",
                ],
                {
                    "1001": "LoggedOut",
                    "QueueSales": {},
                    "members:QueueSales": (),
                    "8001#AgentLogin(Mediation)": 0,
                },
            ),
            Step(
                e(
                    ev.AgentLogin,
                    5,
                    dn="5001",
                    agent_id="7001",
                    this_queue="8002",
                    work_mode=AUTO_IN,
                ),
                [
                    "+LoggedIn@5001",
                    "!AgentLogin@5001",
                    "+WaitForNextCall@5001",
                    "+AgentLogin(Mediation)@8002/5001",
                    "+AgentReady@8002/5001",
                ],
                {"1001": "WaitForNextCall"},
            ),
            Step(
                e(ev.AgentLogout, 6, dn="5002"),
                ["-LoggedIn@5002 4s", "!AgentLogout@5002"],
                {"1002": "LoggedOut"},
            ),
            Step(
                e(ev.AgentLogin, 7, dn="5002", agent_id="7002", this_queue="8001"),
                ["+LoggedIn@5002", "!AgentLogin@5002", "+AgentLogin(Mediation)@8001/5002"],
                {
                    "1002": "Monitored",
                    "QueueSales": {"Monitored": 1},
                    "members:QueueSales": ("1002",),
                    "8001#AgentLogin(Mediation)": 1,
                },
            ),
            Step(
                e(ev.LinkDisconnected, 8),
                [
                    "-AgentLogin(Mediation)@8001/5002 1s",
                    "-Monitored@8001 8s",
                    "+NotMonitored@8001",
                    "-AgentLogin(Mediation)@8002/5001 3s",
                    "-AgentReady@8002/5001 3s",
                    "-Monitored@8002 8s",
                    "+NotMonitored@8002",
                    "-Monitored@9000 8s",
                    "+NotMonitored@9000",
                    "-LoggedIn@5001 3s",
                    "-WaitForNextCall@5001 3s",
                    "-LoggedIn@5002 1s",
                ],
                {
                    "1001": "NotMonitored",
                    "1002": "NotMonitored",
                    "QueueSales": {"NotMonitored": 1},
                    "8001#AgentLogin(Mediation)": 0,
                },
            ),
            Step(
                e(ev.LinkConnected, 9),
                [
                    "-NotMonitored@8001 1s",
                    "+Monitored@8001",
                    "-NotMonitored@8002 1s",
                    "+Monitored@8002",
                    "-NotMonitored@9000 1s",
                    "+Monitored@9000",
                ],
                {"1001": "Monitored", "1002": "Monitored", "QueueSales": {"Monitored": 1}},
            ),
            Step(
                e(ev.Registered, 9, dn="5002", agent_id="7002", agent_state=AS.Ready),
                [
                    "+LoggedIn@5002",
                    "+WaitForNextCall@5002",
                    "+AgentLogin(Mediation)@8001/5002",
                    "+AgentReady@8001/5002",
                ],
                {
                    "1002": "WaitForNextCall",
                    "QueueSales": {"WaitForNextCall": 1},
                    "8001#AgentLogin(Mediation)": 1,
                },
            ),
            Step(e(ev.Registered, 9, dn="5001"), ["!AgentLogout@5001"], {"1001": "LoggedOut"}),
        ],
    ),
    # A static group changes only through AgentAddedToGroup /
    # AgentRemovedFromGroup; a member keeps counting under its status.
    "static_group_membership": (
        ("1001", "1006", "SalesTeam", "members:SalesTeam"),
        [
            Step(e(ev.LinkConnected, 0), ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"]),
            Step(
                e(ev.AgentLogin, 1, dn="5006", agent_id="7006", work_mode=AUTO_IN),
                ["+LoggedIn@5006", "!AgentLogin@5006", "+WaitForNextCall@5006"],
                {"1006": "WaitForNextCall"},
            ),
            Step(
                e(ev.AgentAddedToGroup, 2, agent_id="1006", group="SalesTeam"),
                [],
                {
                    "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 5},
                    "members:SalesTeam": ("1001", "1002", "1003", "1004", "1005", "1006"),
                },
            ),
            Step(
                e(ev.AgentLogin, 3, dn="5001", agent_id="7001"),
                ["+LoggedIn@5001", "!AgentLogin@5001"],
                {
                    "1001": "Monitored",
                    "SalesTeam": {"Monitored": 1, "WaitForNextCall": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.AgentRemovedFromGroup, 4, agent_id="1001", group="SalesTeam"),
                [],
                {
                    "SalesTeam": {"WaitForNextCall": 1, "LoggedOut": 4},
                    "members:SalesTeam": ("1002", "1003", "1004", "1005", "1006"),
                },
            ),
            Step(
                e(ev.AgentNotReady, 5, dn="5006"),
                ["-WaitForNextCall@5006 4s", "+NotReadyForNextCall@5006"],
                {
                    "1006": "NotReadyForNextCall",
                    "SalesTeam": {"NotReadyForNextCall": 1, "LoggedOut": 4},
                },
            ),
            Step(
                e(ev.AgentAddedToGroup, 6, agent_id="1001", group="SalesTeam"),
                [],
                {
                    "SalesTeam": {"Monitored": 1, "NotReadyForNextCall": 1, "LoggedOut": 4},
                    "members:SalesTeam": ("1001", "1002", "1003", "1004", "1005", "1006"),
                },
            ),
            Step(
                e(ev.AgentLogout, 7, dn="5006"),
                ["-NotReadyForNextCall@5006 2s", "-LoggedIn@5006 6s", "!AgentLogout@5006"],
                {"1006": "LoggedOut", "SalesTeam": {"Monitored": 1, "LoggedOut": 5}},
            ),
        ],
    ),
    # Sellers = Skill("Sales") >= 8 needs no login: its members are there from
    # the configuration (LoggedOut); AgentAdded / AgentRemoved join and leave.
    "skill_only_group": (
        ("1006", "Sellers", "members:Sellers"),
        [
            Step(e(ev.LinkConnected, 0), ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"]),
            Step(
                e(ev.AgentSkillChanged, 1, agent_id="1006", skill="Sales", level=8),
                [],
                {
                    "Sellers": {"LoggedOut": 6},
                    "members:Sellers": ("1001", "1002", "1003", "1004", "1005", "1006"),
                },
            ),
            Step(
                e(ev.AgentLogin, 2, dn="5006", agent_id="7006", work_mode=AUTO_IN),
                ["+LoggedIn@5006", "!AgentLogin@5006", "+WaitForNextCall@5006"],
                {"1006": "WaitForNextCall", "Sellers": {"WaitForNextCall": 1, "LoggedOut": 5}},
            ),
            Step(
                e(ev.AgentSkillChanged, 3, agent_id="1002", skill="Sales", level=7),
                [],
                {
                    "Sellers": {"WaitForNextCall": 1, "LoggedOut": 4},
                    "members:Sellers": ("1001", "1003", "1004", "1005", "1006"),
                },
            ),
            Step(
                e(ev.AgentAdded, 4, agent_id="2001", skills={"Sales": 9}, logins={"SW1": "7101"}),
                [],
                {
                    "Sellers": {"WaitForNextCall": 1, "LoggedOut": 5},
                    "members:Sellers": ("1001", "1003", "1004", "1005", "1006", "2001"),
                },
            ),
            Step(
                e(ev.AgentRemoved, 5, agent_id="2001"),
                [],
                {
                    "Sellers": {"WaitForNextCall": 1, "LoggedOut": 4},
                    "members:Sellers": ("1001", "1003", "1004", "1005", "1006"),
                },
            ),
            Step(
                e(ev.AgentLogout, 6, dn="5006"),
                ["-WaitForNextCall@5006 4s", "-LoggedIn@5006 4s", "!AgentLogout@5006"],
                {"1006": "LoggedOut", "Sellers": {"LoggedOut": 5}},
            ),
        ],
    ),
    # Place groups count their places' statuses (a DN ringing without an agent
    # counts too; a DN out of service makes its place NotMonitored).
    "place_group_counts": (
        ("P01", "P02", "Floor1"),
        [
            Step(
                e(ev.LinkConnected, 0),
                ["+Monitored@8001", "+Monitored@8002", "+Monitored@9000"],
                {"P01": "Monitored", "P02": "Monitored", "Floor1": {"Monitored": 5}},
            ),
            Step(
                e(ev.AgentLogin, 1, dn="5001", agent_id="7001", work_mode=AUTO_IN),
                ["+LoggedIn@5001", "!AgentLogin@5001", "+WaitForNextCall@5001"],
                {"P01": "WaitForNextCall", "Floor1": {"Monitored": 4, "WaitForNextCall": 1}},
            ),
            Step(
                e(ev.AgentLogin, 2, dn="5002", agent_id="7002"),
                ["+LoggedIn@5002", "!AgentLogin@5002"],
            ),
            Step(
                e(ev.Ringing, 3, dn="5002", conn_id="c1", call_type=IN),
                ["+CallRinging@5002/c1", "!CallRingingStarted@5002/c1"],
                {
                    "P02": "CallRinging",
                    "Floor1": {"Monitored": 3, "WaitForNextCall": 1, "CallRinging": 1},
                },
            ),
            Step(
                e(ev.Ringing, 4, dn="5003", conn_id="c2", call_type=IN),
                ["+CallRinging@5003/c2", "!CallRingingStarted@5003/c2"],
                {"Floor1": {"Monitored": 2, "WaitForNextCall": 1, "CallRinging": 2}},
            ),
            Step(
                e(ev.Released, 5, dn="5002", conn_id="c1"),
                ["-CallRinging@5002/c1 2s", "!CallAbandonedFromRinging@5002/c1 2s"],
                {
                    "P02": "Monitored",
                    "Floor1": {"Monitored": 3, "WaitForNextCall": 1, "CallRinging": 1},
                },
            ),
            Step(e(ev.LinkConnected, 6, link="ixn1"), []),
            Step(
                e(ev.IxnAgentLogin, 7, agent_id="1001", place="P01", media={"chat": 1}),
                [
                    "+Active@1001.chat@ixn1",
                    "+NotReadyForNextCall@1001.chat@ixn1",
                    "+NotRoutable@1001.chat@ixn1",
                ],
                {
                    "P01": "NotReadyForNextCall",
                    "Floor1": {"Monitored": 3, "CallRinging": 1, "NotReadyForNextCall": 1},
                },
            ),
            Step(
                e(ev.DNOutOfService, 8, dn="5004"),
                [],
                {
                    "Floor1": {
                        "NotMonitored": 1,
                        "Monitored": 2,
                        "CallRinging": 1,
                        "NotReadyForNextCall": 1,
                    }
                },
            ),
        ],
    ),
}


@pytest.mark.parametrize("name", list(FLOWS))
def test_group_flow(name: str) -> None:
    watch, steps = FLOWS[name]
    sc = run_flow(steps, watch, scenario=Scenario(extra_config=EXTRA))
    _check_counts(sc)


def _check_counts(sc: Scenario) -> None:
    """Every group's counts equal a recount of its members' statuses."""
    for ref, group in sc.model.groups.items():
        recount: dict[str, int] = {}
        for member in group.members:
            recount[member.status.name] = recount.get(member.status.name, 0) + 1
        assert sc.status(ref.id) == recount, ref


def test_initial_membership_comes_from_the_configuration() -> None:
    sc = Scenario(extra_config=EXTRA)
    assert {
        name: sc.status(f"members:{name}")
        for name in ("SalesTeam", "SupportSkilled", "QueueSales", "Sellers", "Floor2")
    } == {
        "SalesTeam": ("1001", "1002", "1003", "1004", "1005"),
        "SupportSkilled": (),
        "QueueSales": (),
        "Sellers": ("1001", "1002", "1003", "1004", "1005"),
        "Floor2": ("P06", "P07", "P08", "P09", "P10"),
    }


def test_switch_login_makes_every_skilled_agent_a_member() -> None:
    """LoggedIn("SW1") holds for an agent logged in on any DN of SW1, with or
    without a queue; five support agents log in, two leave."""
    sc = Scenario()
    sc.feed(e(ev.LinkConnected, 0))
    for n in range(6, 11):
        sc.feed(e(ev.AgentLogin, n, dn=f"50{n:02d}", agent_id=f"70{n:02d}", this_queue="8002"))
    assert sc.status("members:SupportSkilled") == ("1006", "1007", "1008", "1009", "1010")
    sc.feed(e(ev.AgentReady, 11, dn="5007"))
    sc.feed(e(ev.AgentLogout, 12, dn="5008"))
    sc.feed(e(ev.AgentLogout, 13, dn="5009"))
    assert sc.status("members:SupportSkilled") == ("1006", "1007", "1010")
    assert sc.status("SupportSkilled") == {"Monitored": 2, "WaitForNextCall": 1}
    _check_counts(sc)
