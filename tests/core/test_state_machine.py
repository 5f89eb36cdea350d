"""Random event sequences against the domain laws (STYLE.md §30).

The machine fires plausible and implausible CTI events from small domains (a
few DNs, calls, agents, interactions), so that valid flows happen often and
every kind of refusal happens too. After every step:

* the time each object spent in each status adds up to the elapsed time, and
  the status changes form an unbroken chain per object;
* DN, place and agent statuses and group counts equal a from-scratch
  recomputation;
* a refused event left the state exactly as it was.
"""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from statengine import BadEventError, Engine
from statengine.core import events as ev
from statengine.testing import DEFAULT_START_MS, make_center

from .invariants import StatusLedger, check_recomputed, fingerprint

CENTER = make_center(agents=4, queues=2, ixn_links=2, media=("chat", "email"))
EXTS = ["5000", "5001", "5002", "5003"]
QUEUES = ["8000", "8001"]
MEDIATION = [*QUEUES, "9000"]
ALL_DNS = EXTS + MEDIATION
LOGINS = ["7000", "7001", "7002", "7003", "7999"]
AGENTS = ["A0", "A1", "A2", "A3"]
PLACES = ["P0", "P1", "P2", "P3"]
CONNS = ["c1", "c2", "c3"]
IXNS = ["i1", "i2"]
MEDIA = ["chat", "email"]
IXN_LINKS = ["ixn1", "ixn2"]

call_types = st.sampled_from(list(ev.CallType))
call_states = st.sampled_from(list(ev.CallState))
reasons = st.sampled_from([{}, {"ReasonCode": "Break"}, {"ReasonCode": "Lunch"}])


class EngineMachine(RuleBasedStateMachine):
    @initialize(connect=st.booleans())
    def setup(self, connect: bool) -> None:
        self.t = DEFAULT_START_MS
        self.engine = Engine(CENTER, now=self.t)
        self.ledger = StatusLedger(self.engine, self.t)
        self.accepted = 0
        if connect:
            for link in ("ts1", "ixn1", "ixn2"):
                self.feed(ev.LinkConnected(time=self.t, link=link))

    def feed(self, event: ev.Event) -> None:
        before = fingerprint(self.engine)
        try:
            result = self.engine.feed(event)
        except BadEventError:
            assert fingerprint(self.engine) == before, f"{event} changed state before refusal"
            return
        self.accepted += 1
        self.ledger.apply(result)

    # -- clock and links ---------------------------------------------------

    @rule(ms=st.integers(0, 120_000))
    def tick(self, ms: int) -> None:
        self.t += ms
        self.engine.advance(self.t)

    @rule(
        link=st.sampled_from(["ts1", "ixn1", "ixn2"]),
        kind=st.sampled_from([ev.LinkConnected, ev.LinkDisconnected, ev.ServerDisconnected]),
    )
    def link(self, link: str, kind: type[ev.Event]) -> None:
        self.feed(kind(time=self.t, link=link))

    @rule(dn=st.sampled_from(ALL_DNS), back=st.booleans())
    def service(self, dn: str, back: bool) -> None:
        cls = ev.DNBackInService if back else ev.DNOutOfService
        self.feed(cls(time=self.t, link="ts1", dn=dn))

    @rule(
        dn=st.sampled_from(EXTS),
        login=st.sampled_from(LOGINS),
        state=st.sampled_from(list(ev.AgentState)),
        idle=st.booleans(),
        calls=st.lists(
            st.builds(
                ev.RegisteredCall,
                conn_id=st.sampled_from(CONNS),
                state=st.sampled_from(list(ev.LegState)),
                call_type=call_types,
            ),
            max_size=2,
            unique_by=lambda c: c.conn_id,
        ),
    )
    def registered(
        self, dn: str, login: str, state: ev.AgentState, idle: bool, calls: list[ev.RegisteredCall]
    ) -> None:
        self.feed(
            ev.Registered(
                time=self.t,
                link="ts1",
                dn=dn,
                agent_id=login,
                agent_state=state,
                dn_idle=idle,
                calls=tuple(calls),
            )
        )

    # -- agent state ----------------------------------------------------------

    @rule(
        dn=st.sampled_from([*EXTS, "8000"]),
        login=st.sampled_from(LOGINS),
        queue=st.sampled_from(["", *QUEUES]),
        mode=st.sampled_from([ev.WorkMode.Unknown, ev.WorkMode.AutoIn]),
    )
    def agent_login(self, dn: str, login: str, queue: str, mode: ev.WorkMode) -> None:
        self.feed(
            ev.AgentLogin(
                time=self.t, link="ts1", dn=dn, agent_id=login, this_queue=queue, work_mode=mode
            )
        )

    @rule(
        dn=st.sampled_from(EXTS),
        kind=st.sampled_from([ev.AgentLogout, ev.AgentReady, ev.AgentAfterCallWork]),
    )
    def agent_state(self, dn: str, kind: type[ev.AgentDNEvent]) -> None:
        self.feed(kind(time=self.t, link="ts1", dn=dn))

    @rule(dn=st.sampled_from(EXTS), why=reasons, acw=st.booleans())
    def not_ready(self, dn: str, why: dict[str, str], acw: bool) -> None:
        mode = ev.WorkMode.AfterCallWork if acw else ev.WorkMode.AuxWork
        self.feed(ev.AgentNotReady(time=self.t, link="ts1", dn=dn, work_mode=mode, reasons=why))

    @rule(
        dn=st.sampled_from(EXTS), kind=st.sampled_from([ev.DNDOn, ev.DNDOff, ev.OffHook, ev.OnHook])
    )
    def device(self, dn: str, kind: type[ev.DNEvent]) -> None:
        self.feed(kind(time=self.t, link="ts1", dn=dn))

    # -- calls -------------------------------------------------------------------

    @rule(
        dn=st.sampled_from(ALL_DNS),
        conn=st.sampled_from(CONNS),
        ctype=call_types,
        kind=st.sampled_from([ev.Queued, ev.RouteRequest, ev.Ringing, ev.Dialing]),
    )
    def arrive(self, dn: str, conn: str, ctype: ev.CallType, kind: type[ev.CallEvent]) -> None:
        self.feed(
            kind(
                time=self.t,
                link="ts1",
                dn=dn,
                conn_id=conn,
                call_type=ctype,
                this_queue="8000" if kind is ev.Ringing else "",
                user_data={"Segment": "Gold"},
            )
        )

    @rule(
        dn=st.sampled_from(MEDIATION),
        conn=st.sampled_from(CONNS),
        to=st.sampled_from([*ALL_DNS, "external"]),
        kind=st.sampled_from([ev.Diverted, ev.RouteUsed]),
    )
    def distribute(self, dn: str, conn: str, to: str, kind: type[ev.CallEvent]) -> None:
        self.feed(kind(time=self.t, link="ts1", dn=dn, conn_id=conn, other_dn=to))

    @rule(
        dn=st.sampled_from(ALL_DNS),
        conn=st.sampled_from(CONNS),
        kind=st.sampled_from(
            [
                ev.Established,
                ev.Held,
                ev.Retrieved,
                ev.Abandoned,
                ev.Diverted,
                ev.NetworkReached,
                ev.TreatmentApplied,
                ev.TreatmentEnd,
                ev.AttachedDataChanged,
                ev.PartyAdded,
                ev.PartyDeleted,
            ]
        ),
    )
    def call_event(self, dn: str, conn: str, kind: type[ev.CallEvent]) -> None:
        self.feed(kind(time=self.t, link="ts1", dn=dn, conn_id=conn))

    @rule(dn=st.sampled_from(ALL_DNS), conn=st.sampled_from(CONNS), state=call_states)
    def released(self, dn: str, conn: str, state: ev.CallState) -> None:
        self.feed(ev.Released(time=self.t, link="ts1", dn=dn, conn_id=conn, call_state=state))

    @rule(
        dn=st.sampled_from(ALL_DNS),
        conn=st.sampled_from(CONNS),
        prev=st.sampled_from(CONNS),
        conf=st.booleans(),
        ctype=call_types,
    )
    def party_changed(self, dn: str, conn: str, prev: str, conf: bool, ctype: ev.CallType) -> None:
        state = ev.CallState.Conferenced if conf else ev.CallState.Transferred
        self.feed(
            ev.PartyChanged(
                time=self.t,
                link="ts1",
                dn=dn,
                conn_id=conn,
                previous_conn_id=prev,
                call_state=state,
                call_type=ctype,
            )
        )

    @rule(dn=st.sampled_from(ALL_DNS))
    def user_event(self, dn: str) -> None:
        self.feed(ev.UserEvent(time=self.t, link="ts1", dn=dn, user_data={"k": 1}))

    # -- Interaction Servers ---------------------------------------------------

    @rule(
        link=st.sampled_from(IXN_LINKS),
        agent=st.sampled_from(AGENTS),
        place=st.sampled_from(PLACES),
        media=st.lists(st.sampled_from(MEDIA), unique=True),
        cap=st.integers(0, 2),
    )
    def ixn_login(self, link: str, agent: str, place: str, media: list[str], cap: int) -> None:
        self.feed(
            ev.IxnAgentLogin(
                time=self.t, link=link, agent_id=agent, place=place, media={m: cap for m in media}
            )
        )

    @rule(
        link=st.sampled_from(IXN_LINKS),
        agent=st.sampled_from(AGENTS),
        place=st.sampled_from(PLACES),
        media=st.sampled_from(MEDIA),
        why=reasons,
        kind=st.sampled_from(["logout", "ready", "notready", "acw", "add", "remove", "reason"]),
    )
    def ixn_agent(
        self, link: str, agent: str, place: str, media: str, why: dict[str, str], kind: str
    ) -> None:
        common = {"time": self.t, "link": link, "agent_id": agent, "place": place}
        event: ev.Event = {
            "logout": lambda: ev.IxnAgentLogout(**common),
            "ready": lambda: ev.MediaReady(media=media, **common),
            "notready": lambda: ev.MediaNotReady(media=media, reasons=why, **common),
            "acw": lambda: ev.MediaNotReady(
                media=media, work_mode=ev.WorkMode.AfterCallWork, **common
            ),
            "add": lambda: ev.MediaAdded(media=media, capacity=2, **common),
            "remove": lambda: ev.MediaRemoved(media=media, **common),
            "reason": lambda: ev.AgentStateReasonChanged(media=media, reasons=why, **common),
        }[kind]()
        self.feed(event)

    @rule(
        link=st.sampled_from(IXN_LINKS),
        agent=st.sampled_from(AGENTS),
        place=st.sampled_from(PLACES),
        media=st.sampled_from(MEDIA),
        ixn=st.sampled_from(IXNS),
        kind=st.sampled_from(
            [ev.AgentInvited, ev.IxnPartyAdded, ev.IxnPartyRemoved, ev.Rejected, ev.Revoked]
        ),
    )
    def ixn_party(
        self,
        link: str,
        agent: str,
        place: str,
        media: str,
        ixn: str,
        kind: type[ev.InteractionEvent],
    ) -> None:
        self.feed(
            kind(time=self.t, link=link, agent_id=agent, place=place, media=media, ixn_id=ixn)
        )

    @rule(
        link=st.sampled_from(IXN_LINKS),
        ixn=st.sampled_from(IXNS),
        queue=st.sampled_from(["SA-chat", "SA-email", "nowhere"]),
        kind=st.sampled_from(["submit", "place", "take-agent", "take-other", "stop", "props"]),
    )
    def staging(self, link: str, ixn: str, queue: str, kind: str) -> None:
        common = {"time": self.t, "link": link, "ixn_id": ixn, "media": "chat"}
        event: ev.Event = {
            "submit": lambda: ev.Submitted(queue=queue, **common),
            "place": lambda: ev.PlacedInQueue(queue=queue, old_queue="", **common),
            "take-agent": lambda: ev.TakenFromQueue(queue=queue, **common),
            "take-other": lambda: ev.TakenFromQueue(
                queue=queue, party_type=ev.PartyType.Other, **common
            ),
            "stop": lambda: ev.ProcessingStopped(**common),
            "props": lambda: ev.PropertiesChanged(user_data={"x": 1}, **common),
        }[kind]()
        self.feed(event)

    # -- configuration ---------------------------------------------------------

    @rule(
        agent=st.sampled_from(AGENTS),
        skill=st.sampled_from(["Q0", "Q1", "Any"]),
        level=st.none() | st.integers(0, 10),
    )
    def skill(self, agent: str, skill: str, level: int | None) -> None:
        self.feed(
            ev.AgentSkillChanged(
                time=self.t, link="config", tenant="T1", agent_id=agent, skill=skill, level=level
            )
        )

    # -- guided rules: continue a flow that exists, so deep states are reached --

    def _legs(self, *states: str) -> list[tuple[str, str]]:
        return sorted(
            (dn.cfg.number, conn)
            for dn in self.engine.model.dns.values()
            for conn, leg in dn.legs.items()
            if leg.state in states
        )

    @rule(data=st.data(), held=st.booleans())
    def answer(self, data: st.DataObject, held: bool) -> None:
        legs = self._legs("ringing", "dialing")
        if legs:
            dn, conn = data.draw(st.sampled_from(legs))
            self.feed(ev.Established(time=self.t, link="ts1", dn=dn, conn_id=conn))

    @rule(
        data=st.data(),
        kind=st.sampled_from(
            [ev.Held, ev.Retrieved, ev.Released, ev.Abandoned, ev.PartyAdded, ev.Diverted]
        ),
        state=call_states,
    )
    def continue_call(
        self, data: st.DataObject, kind: type[ev.CallEvent], state: ev.CallState
    ) -> None:
        legs = self._legs("ringing", "dialing", "established")
        if legs:
            dn, conn = data.draw(st.sampled_from(legs))
            extra = {"call_state": state} if kind is ev.Released else {}
            self.feed(kind(time=self.t, link="ts1", dn=dn, conn_id=conn, **extra))

    @rule(data=st.data(), conf=st.booleans())
    def complete_transfer(self, data: st.DataObject, conf: bool) -> None:
        legs = self._legs("ringing", "dialing", "established")
        if legs:
            dn, prev = data.draw(st.sampled_from(legs))
            new = data.draw(st.sampled_from(CONNS))
            state = ev.CallState.Conferenced if conf else ev.CallState.Transferred
            self.feed(
                ev.PartyChanged(
                    time=self.t,
                    link="ts1",
                    dn=dn,
                    conn_id=new,
                    previous_conn_id=prev,
                    call_state=state,
                    call_type=ev.CallType.Inbound,
                )
            )

    @rule(data=st.data(), abandon=st.booleans())
    def serve_queue(self, data: st.DataObject, abandon: bool) -> None:
        waiting = sorted(
            (dn.cfg.number, key[1])
            for dn in self.engine.model.dns.values()
            if dn.mediation
            for key in dn.open
            if key[0].value == "CallWait"
        )
        if not waiting:
            return
        queue, conn = data.draw(st.sampled_from(waiting))
        if abandon:
            self.feed(ev.Abandoned(time=self.t, link="ts1", dn=queue, conn_id=conn))
            return
        target = data.draw(st.sampled_from(EXTS))
        self.feed(ev.Diverted(time=self.t, link="ts1", dn=queue, conn_id=conn, other_dn=target))
        self.feed(
            ev.Ringing(
                time=self.t, link="ts1", dn=target, conn_id=conn, call_type=ev.CallType.Inbound
            )
        )

    @rule(
        data=st.data(),
        kind=st.sampled_from(
            [ev.AgentReady, ev.AgentNotReady, ev.AgentAfterCallWork, ev.AgentLogout]
        ),
    )
    def logged_agent(self, data: st.DataObject, kind: type[ev.AgentDNEvent]) -> None:
        dns = sorted(d.cfg.number for d in self.engine.model.dns.values() if d.agent is not None)
        if dns:
            dn = data.draw(st.sampled_from(dns))
            self.feed(kind(time=self.t, link="ts1", dn=dn, reasons={"ReasonCode": "x"}))

    @rule(
        data=st.data(),
        kind=st.sampled_from(
            [ev.AgentInvited, ev.IxnPartyAdded, ev.IxnPartyRemoved, ev.Rejected, ev.Revoked]
        ),
        ready=st.booleans(),
    )
    def serve_media(
        self, data: st.DataObject, kind: type[ev.InteractionEvent], ready: bool
    ) -> None:
        channels = sorted(
            (p.link, a.ref.id, p.place.cfg.name, media)
            for a in self.engine.model.agents.values()
            for p in a.partials.values()
            for media in p.channels
        )
        if not channels:
            return
        link, agent, place, media = data.draw(st.sampled_from(channels))
        if ready:
            self.feed(
                ev.MediaReady(time=self.t, link=link, agent_id=agent, place=place, media=media)
            )
        self.feed(
            kind(
                time=self.t,
                link=link,
                agent_id=agent,
                place=place,
                media=media,
                ixn_id=data.draw(st.sampled_from(IXNS)),
                ixn_type=data.draw(st.sampled_from(list(ev.IxnType))),
            )
            if kind in (ev.AgentInvited, ev.IxnPartyAdded)
            else kind(
                time=self.t,
                link=link,
                agent_id=agent,
                place=place,
                media=media,
                ixn_id=data.draw(st.sampled_from(IXNS)),
            )
        )

    # -- laws ------------------------------------------------------------------

    @invariant()
    def statuses_are_recomputable(self) -> None:
        check_recomputed(self.engine)

    @invariant()
    def time_adds_up(self) -> None:
        self.ledger.check(self.engine)


EngineMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=60, deadline=None)
TestEngineMachine = EngineMachine.TestCase
