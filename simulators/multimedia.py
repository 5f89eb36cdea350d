"""Interaction-Server-like e-mails, chats and work items, alone
(``multimedia``) or with the voice model on one scheduler and one set of
agents (``contact-center``).

:class:`ContactCenterSimulator` is the voice simulator
(:class:`~simulators.voice.VoiceSimulator`) plus the multimedia model of
``[simulation.media.<name>]`` (validated by
:class:`~simulators.media_workload.MediaWorkload`): the same scheduler, the
same seeded ``random.Random``, the same agents with their shifts, breaks and
not-ready periods. :class:`MultimediaSimulator` is the same model with no
voice traffic and no T-Server event: agents are scheduled without seats.

The model
=========
* **Arrivals** per media: an inhomogeneous Poisson process on its staging
  area, with the voice model's profiles (``Submitted`` with ``itx_state=0``:
  InteractionEntered + InteractionWaiting, the backlog). E-mails and work
  items wait as long as it takes (the backlog is carried across intervals);
  a chat whose customer runs out of ``patience`` is taken out of the staging
  area by the chat server (``TakenFromQueue`` with a non-agent party:
  InteractionCleared) and stopped (``ProcessingStopped``).
* **Routing**: an interaction goes to the agent available for its media the
  longest (round robin among agents with spare capacity); an agent who
  becomes available takes the oldest waiting interaction of the media it
  serves. Offer: ``TakenFromQueue`` by an agent (InteractionDistributed) and
  ``AgentInvited`` (Delivering), then after ``accept`` ``IxnPartyAdded``
  (Accepted, Handling), after ``handle`` ``IxnPartyRemoved`` and
  ``ProcessingStopped``.
* **Capacity rule** (``simulators/README.md``): an agent handles at most
  ``capacity`` interactions of a media at once and ``[simulation.capacity]
  max_interactions`` of all media together; a voice call (ringing, talking,
  on hold, consulting, in after-call work) keeps every new media offer away;
  an interaction of a media with ``blocks_voice`` (offered or handled) keeps
  voice calls away: the voice router skips the agent (state ``BLOCKED``),
  and when the last such interaction ends the agent is free for voice again
  (a waiting call first, voice before media). Media of other kinds
  (``blocks_voice = false``, e.g. e-mail) go on during calls.
* **Agents**: an agent logs into each Interaction Server that owns one of
  its media (``IxnAgentLogin`` with the capacities) with its voice login;
  its media are ready when its voice is ready, not ready (same reason)
  during breaks and not-ready periods; a logout waits until its media
  interactions are done. Several Interaction Servers each own part of an
  agent's media, so the engine merges partial states.
* **Link outages** (``[[simulation.outages]]``): ``LinkDisconnected`` at
  the start; while it lasts the Interaction Server keeps working but
  nothing of that link is reported; at the end ``LinkConnected`` and the
  re-sync snapshot the engine rebuilds from (``statengine/core/monitoring.py``):
  every logged-in agent's ``IxnAgentLogin`` and media states, then every
  interaction of the link where it is now (``PlacedInQueue`` for waiting
  ones, ``AgentInvited`` / ``IxnPartyAdded`` for offered / handled ones).

Ground truth: one :class:`~simulators.media_records.InteractionRecord` per
interaction (:attr:`ContactCenterSimulator.interactions`), from the model's
own bookkeeping; :attr:`records` stays the voice calls' ``CallRecord``.
A configuration without ``[simulation.media]`` gives exactly the voice
simulator's stream.
"""

from __future__ import annotations

import random
from collections import OrderedDict, deque
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import ClassVar, Final

import attrs

from simulators._runtime import BLOCKED, IDLE, OFF, Agent, Break, Stream
from simulators.media_records import InteractionOutcome, InteractionRecord
from simulators.media_workload import (
    MediaSpec,
    MediaWorkload,
    media_only_voice_workload,
)
from simulators.records import CallRecord
from simulators.voice import VoiceSimulator
from simulators.workload import Distribution, VoiceWorkload
from statengine.config import Config
from statengine.core import events as ev

__all__ = [
    "ContactCenterSimulator",
    "MediaStatistics",
    "MediumStatistics",
    "MultimediaSimulator",
]

#: interaction states
WAITING, DELIVERING, HANDLING, DONE = range(4)
_AGENT_PARTY = ev.PartyType.Agent
_OTHER_PARTY = ev.PartyType.Other


# --------------------------------------------------------------------------
# Runtime objects (plain __slots__ classes, like simulators/_runtime.py)
# --------------------------------------------------------------------------


class Medium:
    """One media at run time: its samplers, waiting list and available agents."""

    __slots__ = (
        "abandoned",
        "accept",
        "area",
        "avail",
        "blocks",
        "cap",
        "completed",
        "distributed",
        "entered",
        "handle",
        "index",
        "link",
        "n_waiting",
        "name",
        "patience",
        "waiting",
    )

    def __init__(self, index: int, spec: MediaSpec, rng: random.Random, cap_ms: int) -> None:
        self.index = index
        self.name = spec.name
        self.link = spec.link
        self.area = spec.staging_area
        self.cap = spec.capacity
        self.blocks = spec.blocks_voice
        self.accept = spec.accept.sampler(rng, cap_ms)
        self.handle = spec.handle.sampler(rng, cap_ms)
        self.patience = spec.patience.sampler(rng, 2**62) if spec.patience is not None else None
        #: interactions waiting, oldest first; abandoned ones stay until they reach the head
        self.waiting: deque[Ixn] = deque()
        self.n_waiting = 0
        #: agents who can take one more interaction of this media now, longest first
        self.avail: OrderedDict[MediaAgent, None] = OrderedDict()
        self.entered = self.distributed = self.abandoned = self.completed = 0


class MediaAgent:
    """An agent's multimedia side (its voice side is the voice model's Agent)."""

    __slots__ = (
        "agent",
        "blocking",
        "count",
        "emp",
        "links",
        "logged_in",
        "media",
        "place",
        "ready",
        "reasons",
        "total",
    )

    def __init__(self, agent: Agent, place: str, media: list[Medium], n_media: int) -> None:
        self.agent = agent
        self.emp = agent.emp
        self.place = place
        self.media = media
        #: (link, its media, {media: capacity}) per Interaction Server the agent logs into
        links: dict[str, list[Medium]] = {}
        for m in media:
            links.setdefault(m.link, []).append(m)
        self.links = [(ln, ms, {m.name: m.cap for m in ms}) for ln, ms in links.items()]
        #: interactions (offered or handled) per media index, all media, of blocking media
        self.count = [0] * n_media
        self.total = 0
        self.blocking = 0
        self.logged_in = False
        #: media ready (as reported); reasons of the current not-ready period
        self.ready = False
        self.reasons: Mapping[str, str | int] = MappingProxyType({})


class Ixn:
    """One interaction while it is being simulated."""

    __slots__ = (
        "abandoned",
        "accepted",
        "agent",
        "distributed",
        "ended",
        "entered",
        "id",
        "m",
        "seq",
        "state",
    )

    def __init__(self, ixn_id: str, m: Medium, now: int, seq: int) -> None:
        self.id = ixn_id
        self.m = m
        self.seq = seq
        self.state = WAITING
        self.entered = now
        self.distributed: int | None = None
        self.accepted: int | None = None
        self.ended: int | None = None
        self.abandoned: int | None = None
        self.agent: MediaAgent | None = None


class MediaStream(Stream):
    """A media's arrival stream (the voice model's Poisson machinery)."""

    __slots__ = ("medium",)

    medium: Medium


@attrs.frozen(kw_only=True)
class MediumStatistics:
    """What one media went through, from the simulator's own bookkeeping."""

    #: interactions waiting in the staging area now
    waiting: int
    entered: int
    distributed: int
    abandoned: int
    completed: int


@attrs.frozen(kw_only=True)
class MediaStatistics:
    """Counters of the multimedia model (``media_statistics()``)."""

    now_ms: int
    #: interactions not finished yet (waiting, offered or handled)
    in_progress: int
    #: agents logged into at least one Interaction Server
    agents_logged_in: int
    #: per media name
    media: Mapping[str, MediumStatistics]


# --------------------------------------------------------------------------
# The simulators
# --------------------------------------------------------------------------


class ContactCenterSimulator(VoiceSimulator):
    """Voice and multimedia on one scheduler and one set of agents.

    Args:
        config: a loaded configuration; ``[simulation]`` is validated at once
            (voice model, then ``[simulation.media]``, ``[simulation.capacity]``,
            ``[[simulation.outages]]``).
        rng: the only source of randomness.

    Raises:
        ConfigError: the model is impossible; the error names the field.

    :meth:`events` yields voice and Interaction Server events in time order;
    :attr:`records` holds the calls' ground truth, :attr:`interactions` the
    interactions'.
    """

    #: registry name
    name: Final = "contact-center"  # type: ignore[misc]
    #: whether voice traffic and T-Server events are simulated
    voice: ClassVar[bool] = True

    def __init__(self, config: Config, rng: random.Random) -> None:
        super().__init__(config, rng)
        #: the validated multimedia model
        self.media_workload: Final = MediaWorkload.from_config(
            config, self.workload.agents, voice=self.voice
        )
        mw = self.media_workload
        if not self.voice:
            self._emitting = False  # the voice machinery only schedules agents
        self._ixn_on = True
        self._ixn_records: list[InteractionRecord] = []
        self._ixns: dict[str, Ixn] = {}
        self._ixn_seq = 0
        self._max_total = mw.max_interactions
        #: Interaction Server links: up (as the engine sees them)?
        self._up = dict.fromkeys(mw.links if mw.enabled else (), True)
        cap = mw.cap_ms
        self._media = [Medium(i, spec, rng, cap) for i, spec in enumerate(mw.media.values())]
        by_name = {m.name: m for m in self._media}
        self._magents: dict[Agent, MediaAgent] = {}
        for agent in self._agents:
            plan = mw.agents.get(agent.emp)
            if plan is not None:
                self._magents[agent] = MediaAgent(
                    agent, plan.place, [by_name[n] for n in plan.media], len(self._media)
                )
        no_delay = Distribution.fixed(0).sampler(rng, cap)
        self._mstreams: list[MediaStream] = []
        for m, spec in zip(self._media, mw.media.values(), strict=True):
            stream = MediaStream(spec.arrivals, [], no_delay, self.start_ms)
            stream.medium = m
            self._mstreams.append(stream)
        for name in ("_ixn_accept", "_ixn_end", "_ixn_patience", "_outage_start", "_outage_end"):
            setattr(self, name, getattr(self, name))

    @classmethod
    def _load_workload(cls, config: Config) -> VoiceWorkload:
        if cls.voice:
            return super()._load_workload(config)
        return media_only_voice_workload(config)

    # ------------------------------------------------------------------
    # Public surface
    # ------------------------------------------------------------------

    @property
    def interactions(self) -> Sequence[InteractionRecord]:
        """Ground truth: one record per finished interaction, in the order
        they finished; the unfinished ones are added once :meth:`events` is
        exhausted (outcome ``unfinished``, durations up to the horizon)."""
        return self._ixn_records

    def run(self) -> Sequence[CallRecord]:
        """Simulate to the horizon without building events; return the call
        records, like the voice simulator (the interaction records are in
        :attr:`interactions`): same draws, same records as :meth:`events`."""
        self._ixn_on = False
        return super().run()

    def media_statistics(self) -> MediaStatistics:
        """A snapshot of the multimedia counters at the current virtual time."""
        return MediaStatistics(
            now_ms=self._sched.now,
            in_progress=len(self._ixns),
            agents_logged_in=sum(1 for ma in self._magents.values() if ma.logged_in),
            media=MappingProxyType(
                {
                    m.name: MediumStatistics(
                        waiting=m.n_waiting,
                        entered=m.entered,
                        distributed=m.distributed,
                        abandoned=m.abandoned,
                        completed=m.completed,
                    )
                    for m in self._media
                }
            ),
        )

    # ------------------------------------------------------------------
    # Start and end
    # ------------------------------------------------------------------

    def _begin(self) -> None:
        super()._begin()
        if not self.voice:
            self._out.clear()  # the voice link's LinkConnected: no T-Server here
        now = self.start_ms
        if self._ixn_on:
            for link in self._up:
                self._out.append(ev.LinkConnected(time=now, link=link))
        for stream in self._mstreams:
            self._next_arrival(stream)
        for outage in self.media_workload.outages:
            self._at(outage.start_ms, self._outage_start, outage.link)
            if outage.end_ms < self.end_ms:
                self._at(outage.end_ms, self._outage_end, outage.link)

    def _finish(self) -> None:
        super()._finish()
        for ixn in self._ixns.values():
            self._ixn_record(ixn, InteractionOutcome.UNFINISHED)
        self._ixns.clear()

    def _ixn_record(self, ixn: Ixn, outcome: InteractionOutcome) -> None:
        end = self.end_ms
        m, distributed, accepted, ended = ixn.m, ixn.distributed, ixn.accepted, ixn.ended
        if distributed is not None:
            wait: int | None = distributed - ixn.entered
        elif ixn.abandoned is not None:
            wait = ixn.abandoned - ixn.entered
        else:
            wait = None
        delivery = handle = 0
        if distributed is not None:
            delivery = (accepted if accepted is not None else end) - distributed
        if accepted is not None:
            handle = (ended if ended is not None else end) - accepted
        self._ixn_records.append(
            InteractionRecord(
                ixn.id, m.name, m.link, m.area, outcome, ixn.entered, distributed, accepted,
                ixn.abandoned, ended, ixn.agent.emp if ixn.agent is not None else "", wait,
                delivery, handle,
            )
        )  # fmt: skip

    # ------------------------------------------------------------------
    # Agents: hooks on the voice model's agent life cycle
    # ------------------------------------------------------------------

    def _login_due(self, agent: Agent, shift_no: int) -> None:
        ma = self._magents.get(agent)
        if ma is not None and agent.state == OFF:
            self._ixn_login(ma)  # its media start not ready; ready with the voice
        super()._login_due(agent, shift_no)
        if ma is None:
            return
        if agent.state == BLOCKED and not ma.blocking:
            # a logout waiting for e-mails is called off by this shift
            self._free(agent)
        else:
            self._refresh(ma)

    def _logout(self, agent: Agent) -> None:
        ma = self._magents.get(agent)
        if ma is not None and ma.total:
            # the media interactions in progress end first: no new work meanwhile
            if agent.state == IDLE:
                self._take(agent)
            agent.state = BLOCKED
            agent.logout_pending = True
            self._avail(ma)
            return
        super()._logout(agent)
        if ma is not None and ma.logged_in:
            self._ixn_logout(ma)

    def _logout_due(self, agent: Agent, shift_no: int) -> None:
        super()._logout_due(agent, shift_no)
        ma = self._magents.get(agent)
        if ma is not None:
            self._refresh(ma)

    def _break_due(self, arg: tuple[Agent, Break], shift_no: int) -> None:
        super()._break_due(arg, shift_no)
        ma = self._magents.get(arg[0])
        if ma is not None:
            self._refresh(ma)

    def _random_not_ready(self, agent: Agent, gen: int) -> None:
        super()._random_not_ready(agent, gen)
        ma = self._magents.get(agent)
        if ma is not None:
            self._refresh(ma)

    def _not_ready(self, agent: Agent, brk: Break) -> None:
        super()._not_ready(agent, brk)
        ma = self._magents.get(agent)
        if ma is not None:
            self._media_not_ready(ma, brk.reasons)
            self._avail(ma)

    def _idle(self, agent: Agent) -> None:
        """The agent is free and ready: voice first, unless media block it."""
        ma = self._magents.get(agent)
        if ma is None:
            super()._idle(agent)
            return
        if not ma.ready:
            self._media_ready(ma)
        if ma.blocking:
            agent.state = BLOCKED  # not in the voice pools
        else:
            super()._idle(agent)
        self._refresh(ma)

    def _take(self, agent: Agent) -> None:
        super()._take(agent)
        ma = self._magents.get(agent)
        if ma is not None:
            for m in ma.media:
                m.avail.pop(ma, None)

    # -- availability ---------------------------------------------------------

    def _avail(self, ma: MediaAgent) -> None:
        """Keep ``ma`` in the available lists of exactly the media it can take now."""
        a = ma.agent
        ok = (
            ma.ready
            and (a.state == IDLE or a.state == BLOCKED)
            and a.pending is None
            and not a.logout_pending
            and ma.total < self._max_total
        )
        count = ma.count
        for m in ma.media:
            if ok and count[m.index] < m.cap:
                if ma not in m.avail:
                    m.avail[ma] = None
            else:
                m.avail.pop(ma, None)

    def _refresh(self, ma: MediaAgent) -> None:
        """Recompute availability, then take waiting interactions, oldest first."""
        self._avail(ma)
        while True:
            best: Medium | None = None
            for m in ma.media:
                if ma not in m.avail:
                    continue
                w = m.waiting
                while w and w[0].state != WAITING:
                    w.popleft()
                if w and (best is None or w[0].seq < best.waiting[0].seq):
                    best = m
            if best is None:
                return
            ixn = best.waiting.popleft()
            best.n_waiting -= 1
            self._offer_ixn(ixn, ma)

    # -- media states -----------------------------------------------------------

    def _ixn_login(self, ma: MediaAgent) -> None:
        ma.logged_in = True
        ma.ready = False
        ma.reasons = MappingProxyType({})
        if self._ixn_on:
            now, up = self._sched.now, self._up
            for link, _, caps in ma.links:
                if up[link]:
                    self._out.append(
                        ev.IxnAgentLogin(
                            time=now, link=link, agent_id=ma.emp, place=ma.place, media=caps
                        )
                    )

    def _ixn_logout(self, ma: MediaAgent) -> None:
        ma.logged_in = False
        ma.ready = False
        self._avail(ma)
        if self._ixn_on:
            now, up = self._sched.now, self._up
            for link, _, _ in ma.links:
                if up[link]:
                    self._out.append(
                        ev.IxnAgentLogout(time=now, link=link, agent_id=ma.emp, place=ma.place)
                    )

    def _media_ready(self, ma: MediaAgent) -> None:
        ma.ready = True
        ma.reasons = MappingProxyType({})
        if self._ixn_on:
            now, up = self._sched.now, self._up
            for link, media, _ in ma.links:
                if up[link]:
                    for m in media:
                        self._out.append(
                            ev.MediaReady(
                                time=now, link=link, agent_id=ma.emp, place=ma.place, media=m.name
                            )
                        )

    def _media_not_ready(self, ma: MediaAgent, reasons: Mapping[str, str | int]) -> None:
        ma.ready = False
        ma.reasons = reasons
        if self._ixn_on:
            now, up = self._sched.now, self._up
            for link, media, _ in ma.links:
                if up[link]:
                    for m in media:
                        self._out.append(
                            ev.MediaNotReady(
                                time=now, link=link, agent_id=ma.emp, place=ma.place,
                                media=m.name, reasons=reasons,
                            )
                        )  # fmt: skip

    # ------------------------------------------------------------------
    # Interactions
    # ------------------------------------------------------------------

    def _arrive(self, stream: Stream, token: int) -> None:
        if type(stream) is not MediaStream:
            super()._arrive(stream, token)
            return
        now = self._sched.now
        self._next_arrival(stream)
        m = stream.medium
        self._ixn_seq += 1
        ixn = Ixn(f"{m.name}-{self._ixn_seq:08d}", m, now, self._ixn_seq)
        self._ixns[ixn.id] = ixn
        m.entered += 1
        if self._ixn_on and self._up[m.link]:
            self._out.append(
                ev.Submitted(time=now, link=m.link, ixn_id=ixn.id, media=m.name, queue=m.area)
            )
        if m.patience is not None:
            deadline = now + m.patience()
            if deadline < self.end_ms:
                self._at(deadline, self._ixn_patience, ixn)
        if m.avail:
            self._offer_ixn(ixn, next(iter(m.avail)))
        else:
            m.waiting.append(ixn)
            m.n_waiting += 1

    def _offer_ixn(self, ixn: Ixn, ma: MediaAgent) -> None:
        """Distribute ``ixn`` (out of its staging area) to ``ma``."""
        now = self._sched.now
        m, a = ixn.m, ma.agent
        ixn.state = DELIVERING
        ixn.agent = ma
        ixn.distributed = now
        m.distributed += 1
        if self._ixn_on and self._up[m.link]:
            link, ixn_id = m.link, ixn.id
            self._out.append(
                ev.TakenFromQueue(
                    time=now, link=link, ixn_id=ixn_id, media=m.name, queue=m.area,
                    party_type=_AGENT_PARTY,
                )
            )  # fmt: skip
            self._out.append(
                ev.AgentInvited(
                    time=now, link=link, ixn_id=ixn_id, media=m.name, agent_id=ma.emp,
                    place=ma.place,
                )
            )  # fmt: skip
        ma.count[m.index] += 1
        ma.total += 1
        if m.blocks:
            ma.blocking += 1
            if a.state == IDLE:
                self._take(a)  # out of the voice pools
                a.state = BLOCKED
        m.avail.pop(ma, None)  # to the back of the list, if it can take more
        self._avail(ma)
        self._at(now + m.accept(), self._ixn_accept, ixn)

    def _ixn_accept(self, ixn: Ixn, _token: int) -> None:
        now = self._sched.now
        m, ma = ixn.m, ixn.agent
        assert ma is not None
        ixn.state = HANDLING
        ixn.accepted = now
        if self._ixn_on and self._up[m.link]:
            self._out.append(
                ev.IxnPartyAdded(
                    time=now, link=m.link, ixn_id=ixn.id, media=m.name, agent_id=ma.emp,
                    place=ma.place,
                )
            )  # fmt: skip
        self._at(now + m.handle(), self._ixn_end, ixn)

    def _ixn_end(self, ixn: Ixn, _token: int) -> None:
        """The agent finishes the interaction; it leaves the system."""
        now = self._sched.now
        m, ma = ixn.m, ixn.agent
        assert ma is not None
        if self._ixn_on and self._up[m.link]:
            link, ixn_id = m.link, ixn.id
            self._out.append(
                ev.IxnPartyRemoved(
                    time=now, link=link, ixn_id=ixn_id, media=m.name, agent_id=ma.emp,
                    place=ma.place,
                )
            )  # fmt: skip
            self._out.append(ev.ProcessingStopped(time=now, link=link, ixn_id=ixn_id, media=m.name))
        ixn.state = DONE
        ixn.ended = now
        m.completed += 1
        del self._ixns[ixn.id]
        self._ixn_record(ixn, InteractionOutcome.COMPLETED)
        ma.count[m.index] -= 1
        ma.total -= 1
        if m.blocks:
            ma.blocking -= 1
        a = ma.agent
        if a.state == BLOCKED and not ma.blocking and not (a.logout_pending and ma.total):
            self._free(a)  # free for voice again (or for its break, or its logout)
        else:
            self._refresh(ma)

    def _ixn_patience(self, ixn: Ixn, _token: int) -> None:
        """The chat's customer leaves while it waits in the staging area."""
        if ixn.state != WAITING:
            return
        now = self._sched.now
        m = ixn.m
        if self._ixn_on and self._up[m.link]:
            link, ixn_id = m.link, ixn.id
            self._out.append(
                ev.TakenFromQueue(
                    time=now, link=link, ixn_id=ixn_id, media=m.name, queue=m.area,
                    party_type=_OTHER_PARTY,
                )
            )  # fmt: skip
            self._out.append(ev.ProcessingStopped(time=now, link=link, ixn_id=ixn_id, media=m.name))
        ixn.state = DONE
        ixn.abandoned = ixn.ended = now
        m.n_waiting -= 1
        m.abandoned += 1
        del self._ixns[ixn.id]
        self._ixn_record(ixn, InteractionOutcome.ABANDONED)

    # ------------------------------------------------------------------
    # Link outages
    # ------------------------------------------------------------------

    def _outage_start(self, link: str, _token: int) -> None:
        if self._ixn_on:
            self._out.append(ev.LinkDisconnected(time=self._sched.now, link=link))
        self._up[link] = False

    def _outage_end(self, link: str, _token: int) -> None:
        """The link is back: the snapshot the engine rebuilds that link's
        partial states and interactions from."""
        self._up[link] = True
        if not self._ixn_on:
            return
        now, out = self._sched.now, self._out
        out.append(ev.LinkConnected(time=now, link=link))
        for ma in self._magents.values():
            if not ma.logged_in:
                continue
            for own, media, caps in ma.links:
                if own != link:
                    continue
                out.append(
                    ev.IxnAgentLogin(
                        time=now, link=link, agent_id=ma.emp, place=ma.place, media=caps
                    )
                )
                for m in media:
                    if ma.ready:
                        out.append(
                            ev.MediaReady(
                                time=now, link=link, agent_id=ma.emp, place=ma.place, media=m.name
                            )
                        )
                    else:
                        out.append(
                            ev.MediaNotReady(
                                time=now, link=link, agent_id=ma.emp, place=ma.place,
                                media=m.name, reasons=ma.reasons,
                            )
                        )  # fmt: skip
        for ixn in self._ixns.values():
            m = ixn.m
            if m.link != link:
                continue
            if ixn.state == WAITING:
                out.append(
                    ev.PlacedInQueue(time=now, link=link, ixn_id=ixn.id, media=m.name, queue=m.area)
                )
                continue
            who = ixn.agent
            assert who is not None
            cls = ev.AgentInvited if ixn.state == DELIVERING else ev.IxnPartyAdded
            out.append(
                cls(
                    time=now, link=link, ixn_id=ixn.id, media=m.name, agent_id=who.emp,
                    place=who.place,
                )
            )  # fmt: skip


class MultimediaSimulator(ContactCenterSimulator):
    """Only the Interaction Server side: e-mails, chats and work items.

    Agents are scheduled by ``[[simulation.shifts]]`` (breaks and
    ``[simulation.not_ready]`` included) without voice seats or a T-Server
    link, and sit at the places with media in configuration order; the voice
    tables of ``[simulation]`` are ignored. No T-Server event is produced and
    :attr:`records` is empty.
    """

    #: registry name
    name: Final = "multimedia"  # type: ignore[misc]
    voice: ClassVar[bool] = False
