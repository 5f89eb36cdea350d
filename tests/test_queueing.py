"""Tests of statengine.queueing against published worked examples and identities.

The worked examples are QUEUEING.md section B.3 (case 10 is a known wrong
publication and only appears as a negative check). A published figure "matches"
when our value rounds to it at the number of decimals it was published with.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statengine.errors import ConfigError
from statengine.queueing import (
    ErlangAResult,
    asa,
    erlang_a,
    erlang_b,
    erlang_c,
    gross_up,
    occupancy,
    required_agents,
    service_level,
)

PER_HOUR = 1 / 3600
PER_HALF_HOUR = 1 / 1800


def assert_published(value: float, published: float, decimals: int) -> None:
    """``value`` rounds to ``published`` at ``decimals`` decimal places."""
    assert abs(value - published) <= 0.5 * 10**-decimals + 1e-12, (value, published)


def smallest_lines(traffic: float, max_blocking: float) -> int:
    lines = 1
    while erlang_b(traffic, lines) > max_blocking:
        lines += 1
    return lines


# --------------------------------------------------------------------------- B.3 cases


class TestPyworkforce:
    """Cases 1-4: pyworkforce tests (times in minutes there; 0.33 min = 19.8 s)."""

    rate = 100 * PER_HALF_HOUR

    def test_case_1_erlang_c_staffing(self) -> None:
        raw = required_agents(self.rate, 180, 19.8, 0.8, max_occupancy=0.85)
        assert raw == 14
        assert gross_up(raw, 0.3) == 20
        assert_published(service_level(self.rate, 180, raw, 19.8), 0.888, 3)
        assert_published(occupancy(self.rate, 180, raw), 0.714, 3)
        assert_published(erlang_c(self.rate * 180, raw), 0.174, 3)

    def test_case_2_occupancy_cap(self) -> None:
        raw = required_agents(self.rate, 180, 19.8, 0.8, max_occupancy=0.7)
        assert raw == 15
        assert gross_up(raw, 0.3) == 22
        assert_published(service_level(self.rate, 180, raw, 19.8), 0.941, 3)
        assert_published(occupancy(self.rate, 180, raw), 0.667, 3)
        assert_published(erlang_c(self.rate * 180, raw), 0.102, 3)

    def test_case_3_erlang_a(self) -> None:
        result = erlang_a(self.rate, 180, 14, 300, target=20)
        assert_published(result.p_wait, 0.14526, 5)
        assert_published(result.p_abandon, 0.013984, 6)
        assert_published(result.occupancy, 0.704297, 6)
        assert_published(result.mean_wait_all / 60, 0.069919, 6)
        assert_published(result.service_level, 0.916792, 6)

    def test_case_4_erlang_b(self) -> None:
        assert smallest_lines(10, 0.02) == 17
        assert_published(erlang_b(10, 17), 0.01295, 5)
        assert erlang_b(1, 1) == pytest.approx(0.5, abs=1e-15)
        assert erlang_b(1, 2) == pytest.approx(0.2, abs=1e-15)


@pytest.mark.parametrize(
    ("aht", "published_late"),
    [
        (60, 0.0779),  # case 5: "<8% wait more than 10 s"
        (80, 0.1411),  # case 6: "about 14%"
    ],
)
def test_cases_5_6_al911(aht: float, published_late: float) -> None:
    late = 1 - service_level(30 * PER_HOUR, aht, 2, 10)
    assert_published(late, published_late, 4)


@pytest.mark.parametrize(
    ("aht", "published_asa"),
    [
        (240, 2.243505841),  # case 7
        (300, 30.4312286),  # case 8
    ],
)
def test_cases_7_8_abstractmicro(aht: float, published_asa: float) -> None:
    # The published digits are slightly off in the last places (2e-9 and 2e-8
    # relative); an exact rational computation gives 2.2435058465 and
    # 30.4312291134, which is what we return.
    assert asa(100 * PER_HALF_HOUR, aht, 20) == pytest.approx(published_asa, rel=1e-7)


def test_case_9_course_chart() -> None:
    wait = erlang_c(120 * PER_HOUR * 180, 10)
    assert_published(wait, 0.1013, 4)
    assert wait == pytest.approx(0.10, abs=0.005)


def test_case_10_is_a_wrong_publication() -> None:
    """soon.works gives W = 4.58 min; the Erlang C mean wait is 2.93 min."""
    rate = 50 * PER_HOUR
    assert_published(erlang_c(rate * 600, 10), 0.4876, 4)
    minutes = asa(rate, 600, 10) / 60
    assert_published(minutes, 2.93, 2)
    assert abs(minutes - 4.58) > 1


class TestVitest:
    """Cases 11-12: a public vitest file."""

    def test_case_11(self) -> None:
        rate = 360 * PER_HALF_HOUR
        assert_published(erlang_c(rate * 240, 55), 0.23870, 5)
        assert_published(service_level(rate, 240, 55, 20), 0.8668, 4)
        assert_published(asa(rate, 240, 55), 8.184, 3)
        assert required_agents(rate, 240, 20, 0.8) == 54

    def test_case_12(self) -> None:
        rate = 10 / 300
        assert_published(erlang_c(10, 12), 0.44939, 5)
        assert_published(service_level(rate, 300, 12, 30), 0.63207, 5)


@pytest.mark.parametrize(
    ("traffic", "agents", "published"),
    [(2, 5, 0.0367), (10, 14, 0.0568), (5, 10, 0.0184)],
)
def test_case_13_erlang_b_table(traffic: float, agents: int, published: float) -> None:
    assert_published(erlang_b(traffic, agents), published, 4)


def test_case_14_ciw_simulation() -> None:
    exact = asa(0.2, 10, 3)
    assert exact == pytest.approx(40 / 9, rel=1e-12)
    assert abs(exact - 4.2305) / exact < 0.05  # one seeded simulation run


def test_case_15_call_centre_helper() -> None:
    """Inputs only were published; these are our recomputed figures."""
    rate = 100 * PER_HALF_HOUR
    assert_published(erlang_c(rate * 180, 11), 0.682, 3)
    assert_published(service_level(rate, 180, 11, 20), 0.390, 3)
    assert_published(service_level(rate, 180, 13, 20), 0.796, 3)
    assert_published(service_level(rate, 180, 14, 20), 0.888, 3)
    raw = required_agents(rate, 180, 20, 0.8, max_occupancy=0.85)
    assert raw == 14
    assert gross_up(raw, 0.3) == 20


def test_case_16_mitan() -> None:
    """Inputs only were published; these are our recomputed figures."""
    rate = 360 * PER_HALF_HOUR
    assert_published(occupancy(rate, 240, 55), 0.873, 3)
    assert_published(erlang_c(rate * 240, 55), 0.2387, 4)
    assert_published(asa(rate, 240, 55), 8.18, 2)
    assert_published(service_level(rate, 240, 55, 15), 0.846, 3)


def test_wolfram_applications() -> None:
    # 30 calls/h, 5-minute service, at least 90% not delayed.
    traffic = 30 * PER_HOUR * 300
    assert_published(erlang_c(traffic, 6), 0.0474, 4)
    assert_published(erlang_c(traffic, 5), 0.1304, 4)
    assert min(c for c in range(3, 20) if erlang_c(traffic, c) <= 0.10) == 6
    # Two 1 Mbps lines, 150 packets/s of 10 kb: 0.01 s per packet.
    assert erlang_c(150 * 0.01, 2) == pytest.approx(9 / 14, rel=1e-12)


# --------------------------------------------------------------------------- Erlang B / C


def erlang_b_direct(traffic: float, agents: int) -> float:
    terms = [traffic**k / math.factorial(k) for k in range(agents + 1)]
    return terms[-1] / math.fsum(terms)


@settings(max_examples=200, deadline=None)
@given(
    traffic=st.floats(min_value=0, max_value=60, allow_nan=False),
    agents=st.integers(min_value=1, max_value=40),
)
def test_erlang_b_recurrence_matches_factorial_formula(traffic: float, agents: int) -> None:
    assert erlang_b(traffic, agents) == pytest.approx(
        erlang_b_direct(traffic, agents), rel=1e-10, abs=1e-300
    )


@settings(max_examples=200, deadline=None)
@given(
    traffic=st.floats(min_value=0, max_value=200, allow_nan=False),
    agents=st.integers(min_value=1, max_value=200),
)
def test_erlang_c_bounds(traffic: float, agents: int) -> None:
    blocking = erlang_b(traffic, agents)
    wait = erlang_c(traffic, agents)
    assert 0 <= blocking <= wait <= 1
    assert erlang_c(traffic, agents + 1) <= wait


def test_erlang_c_limits() -> None:
    assert erlang_c(0, 1) == 0
    assert erlang_c(0, 7) == 0
    assert erlang_c(3, 3) == 1.0
    assert erlang_c(5.5, 3) == 1.0
    assert erlang_c(0.3, 1) == pytest.approx(0.3, rel=1e-14)  # M/M/1: P(wait) = rho
    assert erlang_c(10, 200) < 1e-100
    assert erlang_c(9.999999, 10) == pytest.approx(1, abs=1e-5)
    assert erlang_b(5000, 5000) == pytest.approx(0.0111993582785, rel=1e-9)


def test_erlang_c_unstable_derived_measures() -> None:
    assert service_level(1, 10, 10, 20) == 0.0
    assert asa(1, 10, 10) == math.inf
    assert occupancy(2, 10, 10) == 1.0
    assert service_level(0, 10, 1, 20) == 1.0
    assert asa(0, 10, 1) == 0.0


@settings(max_examples=100, deadline=None)
@given(
    traffic=st.floats(min_value=0.01, max_value=80),
    target=st.floats(min_value=0, max_value=120),
    goal=st.floats(min_value=0, max_value=0.99),
)
def test_required_agents_is_smallest(traffic: float, target: float, goal: float) -> None:
    rate = traffic / 100
    agents = required_agents(rate, 100, target, goal)
    assert agents > rate * 100
    assert service_level(rate, 100, agents, target) >= goal
    if agents - 1 > rate * 100:
        assert service_level(rate, 100, agents - 1, target) < goal


def test_required_agents_zero_load() -> None:
    assert required_agents(0, 180, 20, 0.8) == 1


def test_gross_up() -> None:
    assert gross_up(14, 0) == 14
    assert gross_up(10, 0.5) == 20
    assert gross_up(10, 0.3) == 15
    assert gross_up(15, 0.3) == 22


# --------------------------------------------------------------------------- Erlang A


def test_erlang_a_converges_to_erlang_c() -> None:
    rate = 100 * PER_HALF_HOUR
    for agents in (11, 14, 15, 20):
        result = erlang_a(rate, 180, agents, 1e9, target=20)
        assert result.p_wait == pytest.approx(erlang_c(rate * 180, agents), abs=1e-6)
        assert result.service_level == pytest.approx(service_level(rate, 180, agents, 20), abs=1e-6)
        assert result.mean_wait_all == pytest.approx(asa(rate, 180, agents), rel=1e-5)
        assert result.occupancy == pytest.approx(occupancy(rate, 180, agents), abs=1e-6)
        assert result.p_abandon < 1e-6


def test_erlang_a_patience_1e6_matches_queueing_md() -> None:
    result = erlang_a(100 * PER_HALF_HOUR, 180, 15, 1e6, target=20)
    assert_published(result.service_level, 0.941459, 6)
    assert_published(service_level(100 * PER_HALF_HOUR, 180, 15, 20), 0.941453, 6)


@pytest.mark.parametrize(("agents", "rate"), [(1, 0.004), (14, 100 * PER_HALF_HOUR), (10, 0.08)])
def test_erlang_a_abandonment_grows_as_patience_shrinks(agents: int, rate: float) -> None:
    patiences = [1e6, 3600, 600, 120, 30, 5, 1]
    abandons = [erlang_a(rate, 180, agents, p).p_abandon for p in patiences]
    assert abandons == sorted(abandons)
    assert len(set(abandons)) == len(abandons)


def check_identities(result: ErlangAResult, rate: float, aht: float, patience: float) -> None:
    assert 0 <= result.p_abandon <= result.p_wait <= 1
    assert 0 <= result.service_level <= 1 - result.p_abandon + 1e-12
    assert 0 <= result.service_level_served <= 1
    assert result.service_level == pytest.approx(
        result.service_level_served * (1 - result.p_abandon), rel=1e-9, abs=1e-15
    )
    # Little's law and the abandonment balance: the module computes these from
    # the arrival-state sums, the right-hand sides come from the queue length.
    assert result.mean_wait_all == pytest.approx(result.mean_queue_length / rate, rel=1e-9)
    assert result.p_abandon == pytest.approx(
        result.mean_queue_length / (patience * rate), rel=1e-9, abs=1e-15
    )
    assert result.occupancy == pytest.approx(
        rate * (1 - result.p_abandon) * aht / result.agents, rel=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(
    load=st.floats(min_value=0.05, max_value=30),
    agents=st.integers(min_value=1, max_value=25),
    patience=st.floats(min_value=1, max_value=2000),
    target=st.floats(min_value=0, max_value=120),
)
def test_erlang_a_identities(load: float, agents: int, patience: float, target: float) -> None:
    aht = 180.0
    rate = load / aht
    result = erlang_a(rate, aht, agents, patience, target=target)
    check_identities(result, rate, aht, patience)
    shorter = erlang_a(rate, aht, agents, patience * 0.5, target=target)
    assert shorter.p_abandon >= result.p_abandon - 1e-12


def test_erlang_a_service_level_in_target() -> None:
    rate, aht, agents, patience = 100 * PER_HALF_HOUR, 180, 12, 200
    levels = [erlang_a(rate, aht, agents, patience, target=t) for t in (0, 5, 20, 60, 300)]
    values = [r.service_level for r in levels]
    assert values == sorted(values)
    assert levels[0].service_level == pytest.approx(1 - levels[0].p_wait, abs=1e-15)
    # Long enough a target: every answered call counts.
    late = erlang_a(rate, aht, agents, patience, target=1e5)
    assert late.service_level == pytest.approx(1 - late.p_abandon, abs=1e-12)
    assert late.service_level_served == pytest.approx(1, abs=1e-12)


def test_erlang_a_overloaded_is_finite() -> None:
    rate, aht, agents, patience = 2.0, 180, 100, 300
    result = erlang_a(rate, aht, agents, patience, target=20)
    check_identities(result, rate, aht, patience)
    # Overload sheds the excess: answered traffic is about the capacity c/h.
    assert rate * (1 - result.p_abandon) == pytest.approx(agents / aht, rel=1e-3)
    assert result.occupancy == pytest.approx(1, abs=1e-3)


def test_erlang_a_zero_arrivals() -> None:
    result = erlang_a(0, 180, 3, 60)
    assert result.p_wait == 0
    assert result.service_level == 1
    assert result.mean_queue_length == 0


def closed_form_service_level(
    rate: Decimal, aht: Decimal, agents: int, patience: Decimal, target: Decimal, depth: int
) -> Decimal:
    """Independent check: hypoexponential closed form in 80-digit decimals.

    A caller at queue position j waits V = sum of Exp(r_k), r_k = c/h + (k-1)/patience,
    k = 1..j, and is answered within t iff V <= min(t, own patience), so
    P = sum_i a_i r_i (1 - exp(-(r_i + theta) t)) / (r_i + theta),
    a_i = prod_{m != i} r_m / (r_m - r_i).
    """
    mu, theta = 1 / aht, 1 / patience
    weights = [Decimal(1)]
    for n in range(1, agents + depth):
        weights.append(weights[-1] * rate / (min(n, agents) * mu + max(n - agents, 0) * theta))
    total = sum(weights, Decimal(0))
    probs = [w / total for w in weights]
    answered = sum(probs[:agents], Decimal(0))
    for j in range(1, depth):
        rates = [agents * mu + (k - 1) * theta for k in range(1, j + 1)]
        within = Decimal(0)
        for i, r_i in enumerate(rates):
            coefficient = Decimal(1)
            for m, r_m in enumerate(rates):
                if m != i:
                    coefficient *= r_m / (r_m - r_i)
            within += coefficient * r_i * (1 - (-(r_i + theta) * target).exp()) / (r_i + theta)
        answered += probs[agents + j - 1] * within
    return answered


@pytest.mark.parametrize(
    ("rate", "agents", "patience", "target"),
    [("0.025", 2, "500", "30"), ("0.05", 3, "90", "20"), ("0.01", 1, "60", "45")],
)
def test_erlang_a_service_level_matches_closed_form(
    rate: str, agents: int, patience: str, target: str
) -> None:
    with localcontext() as context:
        context.prec = 80
        expected = closed_form_service_level(
            Decimal(rate), Decimal(100), agents, Decimal(patience), Decimal(target), depth=70
        )
    result = erlang_a(float(rate), 100, agents, float(patience), target=float(target))
    assert result.service_level == pytest.approx(float(expected), abs=1e-13)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "path", "found"),
    [
        (lambda: erlang_b(-1, 3), "traffic", -1),
        (lambda: erlang_b(math.nan, 3), "traffic", math.nan),
        (lambda: erlang_b(2, 0), "agents", 0),
        (lambda: erlang_c(math.inf, 3), "traffic", math.inf),
        (lambda: erlang_c(2, 2.5), "agents", 2.5),  # type: ignore[arg-type]
        (lambda: erlang_c(2, True), "agents", True),
        (lambda: service_level(-0.1, 180, 3, 20), "arrival_rate", -0.1),
        (lambda: service_level(0.1, 0, 3, 20), "aht", 0),
        (lambda: service_level(0.1, 180, 3, -5), "target", -5),
        (lambda: asa(0.1, "180", 3), "aht", "180"),  # type: ignore[arg-type]
        (lambda: occupancy(0.1, 180, -2), "agents", -2),
        (lambda: required_agents(0.1, 180, 20, 1.0), "goal_service_level", 1.0),
        (lambda: required_agents(0.1, 180, 20, 0.8, 0), "max_occupancy", 0),
        (lambda: required_agents(0.1, 180, 20, 0.8, 1.2), "max_occupancy", 1.2),
        (lambda: gross_up(10, 1.0), "shrinkage", 1.0),
        (lambda: erlang_a(0.1, 180, 3, 0), "patience", 0),
        (lambda: erlang_a(0.1, 180, 3, math.inf), "patience", math.inf),
        (lambda: erlang_a(0.1, 180, 3, 60, target=math.nan), "target", math.nan),
        (lambda: erlang_a(0.1, 180, 0, 60), "agents", 0),
        (lambda: erlang_a(0.1, 180, 1, 1e9), "patience", 1e9),  # too long a queue
    ],
)
def test_bad_input_raises_config_error(call: object, path: str, found: object) -> None:
    assert callable(call)
    with pytest.raises(ConfigError) as info:
        call()
    error = info.value
    assert isinstance(error, ValueError)
    assert error.path == path
    assert error.expected
    if isinstance(found, float) and math.isnan(found):
        assert math.isnan(error.found)
    else:
        assert error.found == found
    assert path in str(error)
