"""What the voice simulator is asked to simulate: distributions, arrival
profiles, call handling per queue, shifts and breaks, validated up front.

:meth:`VoiceWorkload.from_config` reads the ``[simulation]`` section (schema:
``simulators/README.md``) together with the contact center itself and
refuses impossible models **before** anything runs, with a
:class:`~statengine.errors.ConfigError` naming the field: negative rates,
probabilities outside [0, 1], unknown distributions, a queue that receives
calls but that no scheduled agent can serve, a shift that ends before it
starts, overlapping shifts, durations the engine's stuck-call guard would cut.
The checks themselves live in :mod:`simulators._voice_config`.

Traffic shapes follow ``shared/QUEUEING.md`` §C: an inhomogeneous Poisson
process whose rate is piecewise constant per local 15-minute interval, times a
day-of-week factor and optionally a gamma day-level factor (overdispersion);
lognormal handle times given by mean and coefficient of variation;
exponential (or any) patience.

Everything here is plain, frozen data plus :meth:`Distribution.sampler`, which
turns a distribution into a fast ``() -> int`` sampler of milliseconds bound
to the simulator's ``random.Random``.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from simulators.settings import Reader, SimulationSettings
from statengine.config import Config
from statengine.core.actions import ActionKind

__all__ = [
    "DAYS",
    "DISTRIBUTIONS",
    "INTERVALS_PER_DAY",
    "INTERVAL_MS",
    "AgentPlan",
    "ArrivalSpec",
    "BreakSpec",
    "CallHandling",
    "Distribution",
    "InternalSpec",
    "NotReadySpec",
    "OutboundSpec",
    "QueueSpec",
    "Sampler",
    "ShiftPlan",
    "VoiceWorkload",
    "interval_rate",
]

#: Length of one interval of an arrival profile (WFM's 15 minutes, QUEUEING §A.3).
INTERVAL_MS: Final = 15 * 60 * 1000
#: Intervals in a local day.
INTERVALS_PER_DAY: Final = 96
#: Day names as ``day_factors`` and shift ``days`` spell them, Monday first.
DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Distribution name -> (required parameters, optional parameters).
DISTRIBUTIONS: Final[Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "exponential": (("mean",), ()),
    "lognormal": (("mean", "cv"), ()),
    "fixed": (("value",), ()),
    "uniform": (("low", "high"), ()),
    "empirical": (("values",), ("weights",)),
}

Sampler = Callable[[], int]


# --------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Distribution:
    """A distribution of durations in seconds.

    Configured as ``{ dist = "lognormal", mean = 180, cv = 0.6 }``,
    ``{ dist = "exponential", mean = 90 }``, ``{ dist = "fixed", value = 5 }``
    (or just ``5``), ``{ dist = "uniform", low = 2, high = 8 }`` or
    ``{ dist = "empirical", values = [10, 20, 60], weights = [5, 3, 1] }``.
    """

    #: one of :data:`DISTRIBUTIONS`
    kind: str
    #: the mean in seconds (exact for every kind)
    mean: float
    #: coefficient of variation (lognormal); 1 for exponential, 0 for fixed
    cv: float = 0.0
    #: uniform bounds in seconds
    low: float = 0.0
    high: float = 0.0
    #: empirical values in seconds and their weights
    values: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()

    @classmethod
    def fixed(cls, seconds: float) -> Distribution:
        return cls(kind="fixed", mean=float(seconds))

    @classmethod
    def exponential(cls, mean: float) -> Distribution:
        return cls(kind="exponential", mean=float(mean), cv=1.0)

    @classmethod
    def from_config(cls, value: Any, path: str, read: Reader) -> Distribution:
        """Parse a distribution; a bare number is a fixed duration in seconds.

        Raises:
            ConfigError: unknown ``dist`` (``<path>.dist``), a missing or
                unknown parameter, a negative or non-finite value.
        """
        if isinstance(value, int | float) and not isinstance(value, bool):
            return cls.fixed(read.check_number(value, path))
        table = read.table(value, path)
        kind = read.string(table, "dist", path)
        if kind not in DISTRIBUTIONS:
            read.fail(
                f"{path}.dist",
                "unknown distribution",
                expected="one of " + ", ".join(DISTRIBUTIONS),
                found=kind,
            )
        required, optional = DISTRIBUTIONS[kind]
        read.unknown_keys(table, path, ("dist", *required, *optional))
        for key in required:
            if key not in table:
                read.fail(
                    f"{path}.{key}", "missing parameter", expected=f"{kind} needs {key}", found=None
                )
        if kind == "exponential":
            return cls.exponential(read.number(table, "mean", path, 0.0, low_open=True))
        if kind == "lognormal":
            mean = read.number(table, "mean", path, 0.0, low_open=True)
            return cls(kind=kind, mean=mean, cv=read.number(table, "cv", path, 0.0))
        if kind == "fixed":
            return cls.fixed(read.number(table, "value", path, 0.0))
        if kind == "uniform":
            low = read.number(table, "low", path, 0.0)
            high = read.number(table, "high", path, 0.0)
            if high < low:
                read.fail(
                    f"{path}.high", "high below low", expected=f"a number >= {low:g}", found=high
                )
            return cls(kind=kind, mean=(low + high) / 2, low=low, high=high)
        values = table["values"]
        if not isinstance(values, tuple) or not values:
            read.fail(
                f"{path}.values",
                "wrong type",
                expected="a non-empty array of seconds",
                found=values,
            )
        vs = tuple(read.check_number(v, f"{path}.values[{i}]") for i, v in enumerate(values))
        ws: tuple[float, ...] = (1.0,) * len(vs)
        if "weights" in table:
            weights = table["weights"]
            if not isinstance(weights, tuple) or len(weights) != len(vs):
                read.fail(
                    f"{path}.weights",
                    "wrong length",
                    expected=f"an array of {len(vs)} weights",
                    found=weights,
                )
            ws = tuple(read.check_number(w, f"{path}.weights[{i}]") for i, w in enumerate(weights))
            if sum(ws) <= 0:
                read.fail(
                    f"{path}.weights",
                    "all weights are 0",
                    expected="a positive total",
                    found=weights,
                )
        total = sum(ws)
        return cls(
            kind=kind,
            mean=sum(v * w for v, w in zip(vs, ws, strict=True)) / total,
            values=vs,
            weights=ws,
        )

    @property
    def max_s(self) -> float:
        """The largest value the distribution can give (``inf`` if unbounded)."""
        if self.kind in ("exponential",) or (self.kind == "lognormal" and self.cv > 0):
            return math.inf
        if self.kind == "uniform":
            return self.high
        if self.kind == "empirical":
            return max(v for v, w in zip(self.values, self.weights, strict=True) if w > 0)
        return self.mean

    def sampler(self, rng: random.Random, cap_ms: int) -> Sampler:
        """A function drawing one value in **integer milliseconds** from ``rng``.

        Values are rounded to the nearest millisecond and capped at ``cap_ms``
        (only far tails are affected: the cap keeps calls inside the engine's
        stuck-call limits). A fixed distribution draws nothing from ``rng``.
        """
        if self.kind == "fixed" or (self.kind == "lognormal" and self.cv == 0):
            constant = min(cap_ms, round(self.mean * 1000))
            return lambda: constant
        if self.kind == "exponential":
            rate = 1.0 / (self.mean * 1000.0)
            expo = rng.expovariate
            return lambda: min(cap_ms, int(expo(rate) + 0.5))
        if self.kind == "lognormal":
            sigma2 = math.log1p(self.cv * self.cv)
            mu = math.log(self.mean * 1000.0) - sigma2 / 2
            sigma = math.sqrt(sigma2)
            logn = rng.lognormvariate
            return lambda: min(cap_ms, int(logn(mu, sigma) + 0.5))
        if self.kind == "uniform":
            low, span = self.low * 1000.0, (self.high - self.low) * 1000.0
            rand = rng.random
            return lambda: min(cap_ms, int(low + span * rand() + 0.5))
        values_ms = [min(cap_ms, round(v * 1000)) for v in self.values]
        cumulative: list[float] = []
        acc = 0.0
        for w in self.weights:
            acc += w
            cumulative.append(acc)
        total = acc
        rand = rng.random
        last = len(values_ms) - 1
        pick = bisect.bisect_right
        return lambda: values_ms[min(last, pick(cumulative, rand() * total))]


#: shared immutable defaults
_NONE = Distribution.fixed(0)
_RING = Distribution.fixed(3)
_HOLD = Distribution.fixed(30)
_CONSULT = Distribution.fixed(60)
_DIAL = Distribution.fixed(15)
_BREAK = Distribution.fixed(300)
_TALK = Distribution.exponential(180)
_OUTBOUND_TALK = Distribution.exponential(120)
_INTERNAL_TALK = Distribution.exponential(60)


# --------------------------------------------------------------------------
# Arrivals
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ArrivalSpec:
    """One arrival stream: calls entering ``dn`` (a routing point or an ACD queue)."""

    #: DN number where calls arrive
    dn: str
    #: True for a routing point (RouteRequest / RouteUsed), False for an ACD queue
    routing_point: bool
    #: calls per hour in each local 15-minute interval of a day (96 values)
    rates: tuple[float, ...]
    #: factor per day of the week, Monday first (7 values)
    day_factors: tuple[float, ...]
    #: coefficient of variation of a gamma factor drawn once per local day (0: none)
    daily_cv: float
    #: routing point: (queue number, weight) pairs; ACD queue: ((dn, 1.0),)
    route: tuple[tuple[str, float], ...]
    #: routing point: time from RouteRequest to RouteUsed
    route_delay: Distribution


def interval_rate(spec: ArrivalSpec, local: datetime) -> float:
    """Calls per hour of ``spec`` in the 15-minute interval containing ``local``."""
    index = (local.hour * 60 + local.minute) // 15
    return spec.rates[index] * spec.day_factors[local.weekday()]


# --------------------------------------------------------------------------
# Call handling, queues
# --------------------------------------------------------------------------

_HANDLING_DISTS: Final = ("ring", "talk", "acw", "hold", "consult", "conference", "rona_not_ready")
_HANDLING_KEYS: Final = (
    *_HANDLING_DISTS,
    "patience",
    "acw_probability",
    "hold_probability",
    "consult_probability",
    "transfer_probability",
    "attended_transfer",
    "transfer_queues",
    "conference_probability",
    "rona_probability",
    "rona_timeout",
    "max_wait",
)


@attrs.frozen(kw_only=True)
class CallHandling:
    """How inbound calls of one queue are handled (``[simulation.calls]``,
    overridden per queue). Durations in seconds."""

    #: ring time at the agent before answering
    ring: Distribution = _NONE
    #: talk time (the customer connected, not on hold)
    talk: Distribution = _TALK
    #: caller patience from arrival; None: callers never abandon
    patience: Distribution | None = None
    acw_probability: float = 0.0
    acw: Distribution = _NONE
    hold_probability: float = 0.0
    hold: Distribution = _HOLD
    consult_probability: float = 0.0
    #: a consultation's talk (the customer on hold meanwhile)
    consult: Distribution = _CONSULT
    transfer_probability: float = 0.0
    #: share of transfers made after a consultation with an idle colleague
    attended_transfer: float = 0.5
    #: queues a single-step transfer goes to (empty: the call's own queue)
    transfer_queues: tuple[str, ...] = ()
    conference_probability: float = 0.0
    #: how long the three-party conference lasts
    conference: Distribution = _CONSULT
    #: share of offers the agent does not answer (ring-no-answer)
    rona_probability: float = 0.0
    #: how long an unanswered call rings before RONA (seconds)
    rona_timeout: float = 20.0
    #: how long an agent stays NotReady (reason RONA) after a ring-no-answer
    rona_not_ready: Distribution = _HOLD
    #: a call still waiting this long after entering its first queue is
    #: cleared by the system (seconds)
    max_wait: float = 3600.0

    @property
    def has_features(self) -> bool:
        """Whether answered calls may be held, consulted, transferred or conferenced."""
        return (
            self.hold_probability
            + self.consult_probability
            + self.transfer_probability
            + self.conference_probability
        ) > 0

    def evolve_from_config(self, table: Mapping[str, Any], path: str, read: Reader) -> CallHandling:
        """This handling with the keys of ``table`` applied (all optional)."""
        read.unknown_keys(table, path, _HANDLING_KEYS)
        changes: dict[str, Any] = {}
        for key in _HANDLING_DISTS:
            if key in table:
                changes[key] = Distribution.from_config(table[key], f"{path}.{key}", read)
        if "patience" in table:
            value = table["patience"]
            if value == "none":
                changes["patience"] = None
            else:
                changes["patience"] = Distribution.from_config(value, f"{path}.patience", read)
        for key in (
            "acw_probability",
            "hold_probability",
            "consult_probability",
            "transfer_probability",
            "attended_transfer",
            "conference_probability",
            "rona_probability",
        ):
            if key in table:
                changes[key] = read.probability(table, key, path, 0.0)
        for key in ("rona_timeout", "max_wait"):
            if key in table:
                changes[key] = read.duration_s(table[key], f"{path}.{key}")
        if "transfer_queues" in table:
            changes["transfer_queues"] = read.strings(table, "transfer_queues", path)
        handling = attrs.evolve(self, **changes)
        total = (
            handling.hold_probability
            + handling.consult_probability
            + handling.transfer_probability
            + handling.conference_probability
        )
        if total > 1.0 + 1e-12:
            read.fail(
                path,
                "hold, consult, transfer and conference are alternatives: "
                "their probabilities add up to more than 1",
                expected="hold + consult + transfer + conference probabilities <= 1",
                found=total,
            )
        return handling


def skill_qualifies(skill: str | None, min_level: int, skills: Mapping[str, int]) -> bool:
    """Whether an agent with ``skills`` may serve what needs ``skill`` at
    ``min_level`` (no skill: everyone may)."""
    if skill is None:
        return True
    level = skills.get(skill)
    return level is not None and level >= min_level


@attrs.frozen(kw_only=True)
class QueueSpec:
    """An ACD queue of ``[simulation.queues]``: who may serve it and how."""

    #: the queue's DN number
    number: str
    #: the skill an agent needs (None: every agent may serve the queue)
    skill: str | None
    #: the lowest skill level that qualifies
    min_level: int
    handling: CallHandling

    def qualifies(self, skills: Mapping[str, int]) -> bool:
        return skill_qualifies(self.skill, self.min_level, skills)


# --------------------------------------------------------------------------
# Agents: shifts, breaks, random not-ready, outbound and internal calls
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BreakSpec:
    """A scheduled break of a shift: NotReady with ``reason`` at local ``at``."""

    #: minutes after local midnight
    at: int
    duration: Distribution
    #: the ReasonCode reported with the NotReady
    reason: str


@attrs.frozen(kw_only=True)
class ShiftPlan:
    """One concrete shift of one agent: when it logs in and out (POSIX ms)."""

    login_ms: int
    #: None: stays logged in past the horizon
    logout_ms: int | None
    #: (instant in POSIX ms, break) pairs inside the shift, in time order
    breaks: tuple[tuple[int, BreakSpec], ...] = ()


@attrs.frozen(kw_only=True)
class AgentPlan:
    """Everything the simulator needs to know about one scheduled agent."""

    #: employee id
    agent: str
    #: login code on the simulated switch
    login: str
    #: the extension the agent logs in on
    dn: str
    #: the queues the agent may serve, in ``[simulation.queues]`` order
    queues: tuple[str, ...]
    #: ThisQueue of the agent's AgentLogin ('' for none)
    login_queue: str
    #: the agent's shifts inside the horizon, in time order
    shifts: tuple[ShiftPlan, ...]


@attrs.frozen(kw_only=True)
class NotReadySpec:
    """Unscheduled not-ready periods (``[simulation.not_ready]``)."""

    #: per logged-in agent-hour (Poisson); taken when the agent is next free
    per_hour: float = 0.0
    duration: Distribution = _BREAK
    #: (ReasonCode, weight) pairs
    reasons: tuple[tuple[str, float], ...] = (("Break", 1.0),)


@attrs.frozen(kw_only=True)
class OutboundSpec:
    """Outbound calls agents make when idle (``[simulation.outbound]``)."""

    per_hour: float = 0.0
    #: dialing until the called party answers or the agent gives up
    dial: Distribution = _DIAL
    answer_probability: float = 0.7
    talk: Distribution = _OUTBOUND_TALK
    acw_probability: float = 0.0
    acw: Distribution = _NONE


@attrs.frozen(kw_only=True)
class InternalSpec:
    """Calls between two idle agents (``[simulation.internal]``)."""

    per_hour: float = 0.0
    ring: Distribution = _RING
    talk: Distribution = _INTERNAL_TALK


# --------------------------------------------------------------------------
# The whole model
# --------------------------------------------------------------------------

#: the ``[simulation]`` sub-tables the voice model reads
VOICE_TABLES: Final = (
    "calls",
    "queues",
    "arrivals",
    "shifts",
    "not_ready",
    "outbound",
    "internal",
    "seats",
)
#: sub-tables other layers own, ignored here; keys starting with ``x_`` too
#: (``media``, ``capacity``, ``outages``: the multimedia model, simulators/media_workload.py)
FOREIGN_TABLES: Final = ("replay", "report", "media", "capacity", "outages")


@attrs.frozen(kw_only=True)
class VoiceWorkload:
    """The validated voice model of one ``[simulation]`` section."""

    settings: SimulationSettings
    queues: Mapping[str, QueueSpec]
    arrivals: tuple[ArrivalSpec, ...]
    agents: tuple[AgentPlan, ...]
    not_ready: NotReadySpec
    outbound: OutboundSpec
    internal: InternalSpec
    #: upper bound for any sampled duration (ms), from the engine's stuck limits
    cap_ms: int
    #: upper bound for ringing and dialing durations of internal, consultation
    #: and outbound calls (ms): half the engine's CallRinging / CallDialing limits
    ring_cap_ms: int
    #: the engine's stuck-call limits the model was checked against (ms)
    stuck_limits: Mapping[ActionKind, int]

    @classmethod
    def from_config(cls, config: Config) -> VoiceWorkload:
        """Validate the voice model of ``config`` (nothing runs).

        Raises:
            ConfigError: naming the field of the first problem found.
        """
        from simulators._voice_config import Builder

        return Builder(config).build()
