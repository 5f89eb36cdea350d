"""Queueing formulas for contact centers: Erlang B, Erlang C and Erlang A.

Why this module exists: the simulator and the reports need analytic oracles to
validate against (QUEUEING.md section B), and staffing answers ("how many agents
for 80/20?") that do not depend on numpy, scipy or a third-party package.

Units and conventions (rely on these):

* Rates are **per second** and times are **in seconds**: ``arrival_rate`` is
  calls/s, ``aht`` is the mean handle time (talk + wrap), ``target`` is the
  service-level threshold, ``patience`` is the mean patience of a waiting caller.
  The offered load is ``A = arrival_rate * aht`` Erlangs.
* Every result is a *steady-state* figure for Poisson arrivals and exponential
  handle times (and, for Erlang A, exponential patience). Compare a simulation
  only in that regime, over long runs.
* Erlang C assumes infinite patience; it is only stable when ``A < agents``.
  Outside that range the functions return the limiting value (``P(wait) = 1``,
  service level 0, infinite ASA) instead of raising, so a staffing search can
  walk through unstable staff counts.
* Erlang A (M/M/c+M) is computed **exactly** from the birth-death chain of the
  number of calls in the system, truncated where the neglected tail is below
  1e-16 of the queued mass. No approximation formula is used.
* Erlang A service level follows pyworkforce (QUEUEING.md section B.2): the share
  of *all* arrivals that are answered within the target, abandoners counting as
  misses (:attr:`ErlangAResult.service_level`). The share of *answered* calls
  answered within the target is given too (:attr:`ErlangAResult.service_level_served`).
  A report must say which one it shows.

Invalid arguments raise :class:`statengine.errors.ConfigError` whose ``path`` is
the argument name and whose ``expected``/``found`` say what was wrong.
"""

from __future__ import annotations

import math

import attrs

from statengine.errors import ConfigError

__all__ = [
    "ErlangAResult",
    "asa",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "gross_up",
    "occupancy",
    "required_agents",
    "service_level",
]

#: neglected tail of the Erlang A stationary distribution, relative to its largest term
_TAIL_TOLERANCE = 1e-16
#: neglected mass in the uniformisation series of the Erlang A service level
_SERIES_TOLERANCE = 1e-17
#: upper bound on the Erlang A state space; beyond it the computation is refused
_MAX_STATES = 100_000
#: slack used when rounding up a gross head-count, so that 14 / 0.7 gives 20, not 21
_CEIL_SLACK = 1e-9


# --------------------------------------------------------------------------- validation


def _number(
    name: str,
    value: float,
    *,
    low: float = 0.0,
    low_open: bool = False,
    high: float | None = None,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is finite and in range."""
    left = "(" if low_open else "["
    if high is None:
        expected = f"a finite number {'>' if low_open else '>='} {low:g}"
    else:
        right = ")" if high_open else "]"
        expected = f"a number in {left}{low:g}, {high:g}{right}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError("invalid argument", path=name, expected=expected, found=value)
    number = float(value)
    ok = math.isfinite(number) and (number > low if low_open else number >= low)
    if ok and high is not None:
        ok = number < high if high_open else number <= high
    if not ok:
        raise ConfigError("invalid argument", path=name, expected=expected, found=value)
    return number


def _agents(value: int, name: str = "agents") -> int:
    """Return ``value`` after checking it is an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError("invalid argument", path=name, expected="an integer >= 1", found=value)
    return value


# --------------------------------------------------------------------------- Erlang B / C


def _erlang_b(traffic: float, agents: int) -> float:
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def _erlang_c_from_b(traffic: float, agents: int, blocking: float) -> float:
    if traffic >= agents:
        return 1.0
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability of a loss system (M/M/c/c), the Erlang B formula.

    Uses the recurrence ``B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1))``, which
    never overflows (unlike ``A^c / c!``) and keeps full relative precision, so it
    can be trusted for thousands of lines and any load.

    Args:
        traffic: offered load ``A`` in Erlangs, finite and >= 0.
        agents: number of lines/servers ``c``, an int >= 1.

    Returns:
        ``B(A, c)`` in ``[0, 1)``: the share of calls that find every line busy.

    Raises:
        ConfigError: ``traffic`` is negative or not finite, or ``agents`` < 1.
    """
    load = _number("traffic", traffic)
    return _erlang_b(load, _agents(agents))


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that a call has to wait in an M/M/c queue, the Erlang C formula.

    Computed from Erlang B as ``C = c·B / (c - A·(1 - B))``, which is as stable
    as the B recurrence.

    Args:
        traffic: offered load ``A`` in Erlangs, finite and >= 0.
        agents: number of agents ``c``, an int >= 1.

    Returns:
        ``C(A, c)`` in ``[0, 1]``. It is exactly ``1.0`` when ``traffic >= agents``:
        the queue is unstable and, in the long run, every call waits.

    Raises:
        ConfigError: ``traffic`` is negative or not finite, or ``agents`` < 1.
    """
    load = _number("traffic", traffic)
    servers = _agents(agents)
    return _erlang_c_from_b(load, servers, _erlang_b(load, servers))


def _load(arrival_rate: float, aht: float) -> float:
    rate = _number("arrival_rate", arrival_rate)
    handle = _number("aht", aht, low_open=True)
    return rate * handle


def _service_level_c(traffic: float, agents: int, aht: float, target: float, wait: float) -> float:
    if traffic >= agents:
        return 0.0
    return max(0.0, 1.0 - wait * math.exp(-(agents - traffic) * target / aht))


def service_level(arrival_rate: float, aht: float, agents: int, target: float) -> float:
    """Erlang C service level: the share of calls answered within ``target`` seconds.

    ``SL = 1 - C·exp(-(c - A)·t / h)``, because the wait of a delayed call is
    exponential with rate ``(c - A) / h``. With infinite patience every call is
    eventually answered, so "of all calls" and "of answered calls" coincide.

    Args:
        arrival_rate: calls per second, finite and >= 0.
        aht: mean handle time in seconds, finite and > 0.
        agents: number of agents, an int >= 1.
        target: service-level threshold in seconds, finite and >= 0.

    Returns:
        The service level in ``[0, 1]``; ``0.0`` when ``A >= agents`` (unstable
        queue: waits grow without bound).

    Raises:
        ConfigError: an argument is out of range or not finite.
    """
    load = _load(arrival_rate, aht)
    servers = _agents(agents)
    t = _number("target", target)
    wait = _erlang_c_from_b(load, servers, _erlang_b(load, servers))
    return _service_level_c(load, servers, float(aht), t, wait)


def asa(arrival_rate: float, aht: float, agents: int) -> float:
    """Erlang C average speed of answer: mean wait in seconds over *all* calls.

    ``ASA = C·h / (c - A)``; calls answered at once count with a zero wait. The
    mean wait of the delayed calls alone is ``h / (c - A)``.

    Args:
        arrival_rate: calls per second, finite and >= 0.
        aht: mean handle time in seconds, finite and > 0.
        agents: number of agents, an int >= 1.

    Returns:
        The mean wait in seconds; ``math.inf`` when ``A >= agents``.

    Raises:
        ConfigError: an argument is out of range or not finite.
    """
    load = _load(arrival_rate, aht)
    servers = _agents(agents)
    if load >= servers:
        return math.inf
    wait = _erlang_c_from_b(load, servers, _erlang_b(load, servers))
    return wait * float(aht) / (servers - load)


def occupancy(arrival_rate: float, aht: float, agents: int) -> float:
    """Erlang C agent occupancy: the share of agent time spent handling calls.

    ``A / c`` with infinite patience (no call is lost), capped at ``1.0`` when the
    queue is unstable and every agent is always busy.

    Args:
        arrival_rate: calls per second, finite and >= 0.
        aht: mean handle time in seconds, finite and > 0.
        agents: number of agents, an int >= 1.

    Returns:
        The occupancy in ``[0, 1]``.

    Raises:
        ConfigError: an argument is out of range or not finite.
    """
    load = _load(arrival_rate, aht)
    return min(1.0, load / _agents(agents))


def required_agents(
    arrival_rate: float,
    aht: float,
    target: float,
    goal_service_level: float,
    max_occupancy: float | None = None,
) -> int:
    """Smallest Erlang C staff count meeting a service-level goal (e.g. 80/20).

    Walks up from the smallest stable count (``c > A``) carrying the Erlang B
    recurrence one step per agent, so the search costs ``O(c)`` in total. The
    answer is raw (productive) agents; apply :func:`gross_up` for shrinkage.

    Args:
        arrival_rate: calls per second, finite and >= 0.
        aht: mean handle time in seconds, finite and > 0.
        target: service-level threshold in seconds, finite and >= 0.
        goal_service_level: wanted share answered within ``target``, in ``[0, 1)``.
        max_occupancy: if given, also require ``A / c <= max_occupancy``; in ``(0, 1]``.

    Returns:
        The smallest ``c >= 1`` with ``c > A``, ``SL(c) >= goal_service_level``
        and, if given, occupancy ``<= max_occupancy``.

    Raises:
        ConfigError: an argument is out of range or not finite.
    """
    load = _load(arrival_rate, aht)
    t = _number("target", target)
    goal = _number("goal_service_level", goal_service_level, high=1.0, high_open=True)
    cap = (
        1.0
        if max_occupancy is None
        else _number("max_occupancy", max_occupancy, low_open=True, high=1.0)
    )
    handle = float(aht)
    blocking = 1.0
    servers = 0
    while True:
        servers += 1
        blocking = load * blocking / (servers + load * blocking)
        if servers <= load or load / servers > cap:
            continue
        wait = _erlang_c_from_b(load, servers, blocking)
        if _service_level_c(load, servers, handle, t, wait) >= goal:
            return servers


def gross_up(agents: int, shrinkage: float) -> int:
    """Scheduled head-count needed so that ``agents`` are productive after shrinkage.

    ``ceil(c / (1 - shrinkage))``, as Call Centre Helper and pyworkforce do. A
    slack of 1e-9 absorbs binary rounding (``14 / 0.7`` is ``20.000000000000004``
    in floating point and must give 20).

    Args:
        agents: productive agents required, an int >= 1.
        shrinkage: share of paid time not available for calls, in ``[0, 1)``.

    Returns:
        The gross number of agents, ``>= agents``.

    Raises:
        ConfigError: an argument is out of range or not finite.
    """
    servers = _agents(agents)
    share = _number("shrinkage", shrinkage, high=1.0, high_open=True)
    return max(servers, math.ceil(servers / (1.0 - share) - _CEIL_SLACK))


# --------------------------------------------------------------------------- Erlang A


@attrs.frozen(kw_only=True)
class ErlangAResult:
    """Steady-state measures of an Erlang A (M/M/c+M) queue.

    All probabilities are shares of *arrivals* (Poisson arrivals see time
    averages), except ``occupancy`` and ``mean_queue_length`` which are time
    averages. Little's law holds: ``mean_wait_all = mean_queue_length /
    arrival_rate`` and ``p_abandon = mean_queue_length / (patience ·
    arrival_rate)``.
    """

    #: number of agents ``c``
    agents: int
    #: service-level threshold in seconds the two service levels refer to
    target: float
    #: share of arrivals that find every agent busy and join the queue
    p_wait: float
    #: share of arrivals that hang up before being answered
    p_abandon: float
    #: share of ALL arrivals answered within ``target`` (abandoners are misses);
    #: the pyworkforce convention
    service_level: float
    #: share of ANSWERED calls answered within ``target`` (abandoners excluded)
    service_level_served: float
    #: mean wait in seconds over all arrivals, abandoners counted until they hang
    #: up (pyworkforce's "ASA")
    mean_wait_all: float
    #: mean wait in seconds of the answered calls only
    mean_wait_served: float
    #: time-average number of calls waiting (``Lq``)
    mean_queue_length: float
    #: share of agent time spent handling calls: mean busy agents / c, which equals
    #: ``λ·(1 - p_abandon)·h / c`` (flow balance)
    occupancy: float


def _erlang_a_distribution(lam: float, mu: float, patience: float, agents: int) -> list[float]:
    """Stationary distribution ``p[n]``, ``n = 0..N``, of calls in an M/M/c+M system.

    Built in log space from ``p[n] = p[n-1]·λ / d(n)`` with
    ``d(n) = min(n, c)·μ + max(n - c, 0)·θ`` (no overflow even for thousands of
    agents), and cut at the first ``N >= c`` whose remaining tail, bounded by a
    geometric series because ``d`` increases, is below 1e-16 of the largest
    *queued* term (``n >= c``). Measuring the tail against the queued states
    rather than the whole distribution keeps the queue measures (``Lq``,
    abandonment, waits) accurate to ~1e-13 relative even when queueing is rare.
    """
    theta = 1.0 / patience
    log_lam = math.log(lam)
    logs = [0.0]
    peak = 0.0
    queue_peak = -math.inf
    threshold = math.log(_TAIL_TOLERANCE)
    n = 0
    while True:
        n += 1
        death = min(n, agents) * mu + max(n - agents, 0) * theta
        current = logs[-1] + log_lam - math.log(death)
        logs.append(current)
        peak = max(peak, current)
        if n >= agents:
            queue_peak = max(queue_peak, current)
            ratio = lam / (agents * mu + (n + 1 - agents) * theta)
            tail = current - queue_peak + math.log(ratio / (1.0 - ratio)) if ratio < 1.0 else 0.0
            if tail < threshold:
                break
        if n >= _MAX_STATES:
            raise ConfigError(
                "the queue is too long to compute exactly",
                path="patience",
                expected=f"a patience short enough to keep under {_MAX_STATES} calls queued",
                found=patience,
            )
    weights = [math.exp(value - peak) for value in logs]
    total = math.fsum(weights)
    return [weight / total for weight in weights]


def _served_within(queued: list[float], c_mu: float, theta: float, target: float) -> float:
    """Probability mass of queued arrivals that are answered within ``target``.

    ``queued[k]`` is the probability that an arrival takes queue position
    ``k + 1``. A caller at position ``k`` moves to ``k - 1`` (position 0 meaning
    "answered") at rate ``c·μ + (k - 1)·θ`` (an agent frees up or someone ahead
    hangs up) and hangs up at rate ``θ``; callers behind do not matter (FCFS).
    All start positions are propagated together as one vector by
    uniformisation, with rate ``Λ = c·μ + K·θ`` (the fastest exit, ``K`` the
    deepest position); every step is a convex combination, so there is no
    cancellation. The Poisson weights are evaluated in log space (no underflow
    when ``Λ·t`` is large) and the series stops when its remaining weight or the
    mass still queued is below 1e-17. Cost: ``O(K)`` per step, for at most about
    ``Λ·t`` steps (fewer once every caller is absorbed): milliseconds for
    realistic cases, seconds for queues of thousands with targets of minutes.
    """
    depth = len(queued)
    rate = c_mu + depth * theta
    mean_jumps = rate * target
    if depth == 0 or mean_jumps <= 0.0:  # also a subnormal target underflowing to 0
        return 0.0
    exits = [(c_mu + (k + 1) * theta) / rate for k in range(depth)]
    answer = c_mu / rate
    log_mean = math.log(mean_jumps)
    state = list(queued)
    served = 0.0
    result = 0.0
    cumulative = 0.0
    n = 0
    while True:
        weight = math.exp(n * log_mean - mean_jumps - math.lgamma(n + 1))
        result += weight * served
        cumulative += weight
        if n > mean_jumps:
            ratio = mean_jumps / (n + 1)
            if weight * ratio / (1.0 - ratio) < _SERIES_TOLERANCE:
                return result
        if sum(state) < _SERIES_TOLERANCE:
            return result + max(0.0, 1.0 - cumulative) * served
        served += state[0] * answer
        state = [
            state[k] + exits[k] * ((state[k + 1] if k + 1 < depth else 0.0) - state[k])
            for k in range(depth)
        ]
        n += 1


def erlang_a(
    arrival_rate: float,
    aht: float,
    agents: int,
    patience: float,
    *,
    target: float = 20.0,
) -> ErlangAResult:
    """Exact steady-state measures of the Erlang A (M/M/c+M, Palm) queue.

    Method:

    * Stationary distribution of the number in system from the birth-death chain
      (births ``λ``, deaths ``min(n,c)/h + max(n-c,0)/patience``), truncated where
      the tail is below 1e-16 of the queued mass; valid for any load, even ``A > c``.
    * By PASTA an arrival sees state ``n`` with probability ``p[n]``; if ``n >= c``
      it joins at position ``j = n - c + 1``. Its own patience is independent of
      what happens ahead, so ``P(answered | j) = c·μ / (c·μ + j·θ)``, mean wait
      ``j / (c·μ + j·θ)`` and mean wait if answered
      ``c·μ/(c·μ + j·θ) · Σ_{k=1..j} 1/(c·μ + k·θ)`` (closed forms, telescoping).
    * ``P(answered and wait <= t)`` is exact up to the 1e-17 series cut-off, by
      uniformisation of the tagged caller's absorbing chain (see
      ``_served_within``).

    Args:
        arrival_rate: calls per second, finite and >= 0.
        aht: mean handle time in seconds, finite and > 0.
        agents: number of agents, an int >= 1.
        patience: mean (exponential) patience of waiting callers in seconds,
            finite and > 0. Use the Erlang C functions for infinite patience.
        target: service-level threshold in seconds, finite and >= 0.

    Returns:
        An :class:`ErlangAResult`.

    Raises:
        ConfigError: an argument is out of range or not finite, or the patience
            is so long for an overloaded queue that more than 100,000 states
            would be needed (``path="patience"``).
    """
    lam = _number("arrival_rate", arrival_rate)
    h = _number("aht", aht, low_open=True)
    c = _agents(agents)
    mean_patience = _number("patience", patience, low_open=True)
    t = _number("target", target)
    if lam == 0.0:
        return ErlangAResult(
            agents=c,
            target=t,
            p_wait=0.0,
            p_abandon=0.0,
            service_level=1.0,
            service_level_served=1.0,
            mean_wait_all=0.0,
            mean_wait_served=0.0,
            mean_queue_length=0.0,
            occupancy=0.0,
        )
    mu = 1.0 / h
    theta = 1.0 / mean_patience
    c_mu = c * mu
    probs = _erlang_a_distribution(lam, mu, mean_patience, c)
    queued = probs[c:]

    immediate = math.fsum(probs[:c])
    harmonic = 0.0
    served_terms: list[float] = []
    abandon_terms: list[float] = []
    wait_terms: list[float] = []
    served_wait_terms: list[float] = []
    for index, prob in enumerate(queued):
        j = index + 1
        exit_rate = c_mu + j * theta
        harmonic += 1.0 / exit_rate
        answered = c_mu / exit_rate
        served_terms.append(prob * answered)
        abandon_terms.append(prob * (j * theta / exit_rate))
        wait_terms.append(prob * (j / exit_rate))
        served_wait_terms.append(prob * answered * harmonic)

    p_served = immediate + math.fsum(served_terms)
    within = immediate + _served_within(queued, c_mu, theta, t)
    busy = math.fsum(min(n, c) * prob for n, prob in enumerate(probs))
    return ErlangAResult(
        agents=c,
        target=t,
        p_wait=math.fsum(queued),
        p_abandon=math.fsum(abandon_terms),
        service_level=min(within, p_served),
        service_level_served=min(1.0, within / p_served),
        mean_wait_all=math.fsum(wait_terms),
        mean_wait_served=math.fsum(served_wait_terms) / p_served,
        mean_queue_length=math.fsum(index * prob for index, prob in enumerate(queued)),
        occupancy=busy / c,
    )
