"""The voice model is validated before anything runs; distributions and
arrival profiles are what they say."""

from __future__ import annotations

import math
import random
import statistics
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from simulators import SimulationSettings, with_simulation
from simulators.settings import Reader
from simulators.voice import VoiceSimulator
from simulators.workload import Distribution, VoiceWorkload
from statengine.config import parse_config
from statengine.errors import ConfigError

from .centers import ALL_FLOWS, all_flows, example_text, mmc


def _with(old: str, new: str) -> str:
    text = example_text() + ALL_FLOWS.format(duration="10h")
    assert old in text, old
    return text.replace(old, new, 1)


# --------------------------------------------------------------------------
# impossible models are refused before running, naming the field
# --------------------------------------------------------------------------

REFUSED = {
    "negative rate": (
        "rate = 10\n",
        "rate = -10\n",
        "simulation.arrivals[1].rate",
    ),
    "negative profile rate": (
        '"10:00" = 80',
        '"10:00" = -80',
        "simulation.arrivals[0].profile.10:00",
    ),
    "queue nobody can serve": (
        'skill = "Support"\nmin_level = 5',
        'skill = "Support"\nmin_level = 9',
        "simulation.queues.8002.skill",
    ),
    "queue with an unknown skill": (
        'skill = "Sales"',
        'skill = "Saless"',
        "simulation.queues.8001.skill",
    ),
    "shift ending before it starts": (
        'start = "09:00"\nend = "17:30"',
        'start = "09:00"\nend = "08:30"',
        "simulation.shifts[1].end",
    ),
    "unknown distribution": (
        'talk = { dist = "lognormal", mean = 200, cv = 0.8 }',
        'talk = { dist = "weibull", mean = 200, cv = 0.8 }',
        "simulation.calls.talk.dist",
    ),
    "missing distribution parameter": (
        'talk = { dist = "lognormal", mean = 200, cv = 0.8 }',
        'talk = { dist = "lognormal", mean = 200 }',
        "simulation.calls.talk.cv",
    ),
    "negative mean": (
        'acw = { dist = "lognormal", mean = 30, cv = 0.5 }',
        'acw = { dist = "lognormal", mean = -30, cv = 0.5 }',
        "simulation.calls.acw.mean",
    ),
    "probability above 1": (
        "acw_probability = 0.7",
        "acw_probability = 1.7",
        "simulation.calls.acw_probability",
    ),
    "negative probability": (
        "rona_probability = 0.03",
        "rona_probability = -0.03",
        "simulation.calls.rona_probability",
    ),
    "probability outside [0, 1] per queue": (
        'transfer_queues = ["8001"]',
        'transfer_queues = ["8001"]\nhold_probability = 2',
        "simulation.queues.8002.hold_probability",
    ),
    "alternatives adding up to more than 1": (
        "hold_probability = 0.1",
        "hold_probability = 0.9",
        "simulation.calls",
    ),
    "unknown key": (
        "acw_probability = 0.7",
        "acw_probabilty = 0.7",
        "simulation.calls.acw_probabilty",
    ),
    "unknown section": (
        "[simulation.not_ready]",
        "[simulation.not_reddy]",
        "simulation.not_reddy",
    ),
    "arrivals on an extension": (
        'dn = "8002"',
        'dn = "5001"',
        "simulation.arrivals[1].dn",
    ),
    "routing to an unknown queue": (
        'route = { "8001" = 0.5, "8002" = 0.5 }',
        'route = { "8001" = 0.5, "8003" = 0.5 }',
        "simulation.arrivals[0].route.8003",
    ),
    "overlapping shifts": (
        'agents = ["1004", "1005", "1009", "1010"]',
        'agents = ["1004", "1005", "1009", "1010", "1001"]',
        "simulation.shifts[1]",
    ),
    "break outside the shift": (
        '{ at = "13:00", duration = 1800, reason = "Lunch" }',
        '{ at = "18:00", duration = 1800, reason = "Lunch" }',
        "simulation.shifts[1].breaks[0].at",
    ),
    "unknown agent": (
        'agents = ["1004", "1005", "1009", "1010"]',
        'agents = ["1004", "1005", "1009", "9999"]',
        "simulation.shifts[1].agents[3]",
    ),
    "unknown day": (
        'days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]',
        'days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Samedi"]',
        "simulation.shifts[0].days[5]",
    ),
    "profile off the 15-minute grid": (
        '"14:00" = 70',
        '"14:10" = 70',
        "simulation.arrivals[0].profile.14:10",
    ),
    "rate and profile": (
        "rate = 10\n",
        'rate = 10\nprofile = { "08:00" = 5 }\n',
        "simulation.arrivals[1]",
    ),
    "ring-no-answer longer than the stuck limit": (
        "rona_timeout = 15",
        "rona_timeout = 900",
        "simulation.queues.8001.rona_timeout",
    ),
    "unknown time zone": (
        'start = "2026-03-02T07:30:00"',
        'start = "2026-03-02T07:30:00"\ntimezone = "Mars/Olympus"',
        "simulation.timezone",
    ),
    "bad start": (
        'start = "2026-03-02T07:30:00"',
        'start = "monday morning"',
        "simulation.start",
    ),
    "bad duration": (
        'duration = "10h"',
        'duration = "ten hours"',
        "simulation.duration",
    ),
    "negative duration": (
        'duration = "10h"',
        "duration = -5",
        "simulation.duration",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_impossible_models_are_refused_naming_the_field(case: str) -> None:
    old, new, path = REFUSED[case]
    config = parse_config(_with(old, new), source="center.toml")
    with pytest.raises(ConfigError) as info:
        VoiceSimulator(config, random.Random(0))
    assert info.value.path == path, str(info.value)
    assert info.value.source == "center.toml"
    assert path in str(info.value)


def test_a_valid_model_builds_and_lists_what_it_read() -> None:
    work = VoiceWorkload.from_config(all_flows())
    assert list(work.queues) == ["8001", "8002"]
    assert work.queues["8002"].handling.transfer_queues == ("8001",)
    assert [a.agent for a in work.agents] == [f"10{n:02d}" for n in range(1, 11)]
    sales = work.agents[0]
    assert (sales.dn, sales.login, sales.queues, sales.login_queue) == (
        "5001",
        "7001",
        ("8001",),
        "8001",
    )
    # support agents have Sales = 3 < 5: they serve 8002 only
    assert work.agents[5].queues == ("8002",)
    # 10 hours from 07:30: one shift a day per agent
    assert all(len(a.shifts) == 1 for a in work.agents)
    first = work.agents[0].shifts[0]
    london = ZoneInfo("Europe/London")
    assert datetime.fromtimestamp(first.login_ms / 1000, london).hour == 8
    assert [b.reason for _, b in first.breaks] == ["Break", "Lunch"]


def test_settings_defaults_and_overrides() -> None:
    config = parse_config(example_text())
    settings = SimulationSettings.from_config(config)
    assert settings.simulator == "contact-center"
    assert settings.seed == 0
    assert settings.duration_ms == 8 * 3600 * 1000
    assert settings.link == "ts1"
    # default start: Monday 2 March 2026, 08:00 in the tenant's zone (London = UTC in March)
    assert settings.start_ms == 1_772_438_400_000
    changed = SimulationSettings.from_config(
        with_simulation(config, duration="90m", seed=4, timezone="Europe/Paris")
    )
    assert changed.duration_ms == 90 * 60 * 1000
    assert changed.seed == 4
    assert changed.start_ms == settings.start_ms - 3600 * 1000  # 08:00 Paris = 07:00 UTC


def test_end_instead_of_duration() -> None:
    config = with_simulation(
        parse_config(example_text()), start="2026-03-28T12:00:00", end="2026-03-29T12:00:00"
    )
    settings = SimulationSettings.from_config(config)
    # the night of 28-29 March 2026 is the switch to BST: the local day is 23 h long
    assert settings.duration_ms == 23 * 3600 * 1000


def test_without_arrivals_or_shifts_nothing_happens_but_the_link() -> None:
    sim = VoiceSimulator(parse_config(example_text()), random.Random(0))
    events = list(sim.events())
    assert [type(e).__name__ for e in events] == ["LinkConnected"]
    assert sim.records == []


# --------------------------------------------------------------------------
# distributions
# --------------------------------------------------------------------------


def _sample(spec: object, n: int = 40_000, cap: int = 10**12) -> list[int]:
    dist = Distribution.from_config(spec, "d", Reader("<test>"))
    draw = dist.sampler(random.Random(1), cap)
    return [draw() for _ in range(n)]


@pytest.mark.parametrize(
    ("spec", "mean", "cv"),
    [
        ({"dist": "exponential", "mean": 180}, 180.0, 1.0),
        ({"dist": "lognormal", "mean": 180, "cv": 0.6}, 180.0, 0.6),
        ({"dist": "lognormal", "mean": 30, "cv": 1.0}, 30.0, 1.0),
        ({"dist": "uniform", "low": 10, "high": 30}, 20.0, 10 / math.sqrt(3) / 20),
        ({"dist": "fixed", "value": 5}, 5.0, 0.0),
        (7, 7.0, 0.0),
    ],
)
def test_distributions_have_the_configured_mean_and_cv(
    spec: object, mean: float, cv: float
) -> None:
    values = [v / 1000 for v in _sample(spec)]
    m = statistics.fmean(values)
    assert m == pytest.approx(mean, rel=0.02)
    if cv:
        assert statistics.pstdev(values) / m == pytest.approx(cv, rel=0.05)
    else:
        assert len(set(values)) == 1


def test_empirical_distribution_draws_values_by_weight() -> None:
    values = _sample({"dist": "empirical", "values": (10, 20, 60), "weights": (5, 3, 2)})
    counts = {v: values.count(v) / len(values) for v in set(values)}
    assert sorted(counts) == [10_000, 20_000, 60_000]
    assert counts[10_000] == pytest.approx(0.5, abs=0.01)
    assert counts[60_000] == pytest.approx(0.2, abs=0.01)
    dist = Distribution.from_config(
        {"dist": "empirical", "values": (10, 20, 60), "weights": (5, 3, 2)}, "d", Reader("")
    )
    assert dist.mean == pytest.approx(23.0)


def test_samples_are_capped() -> None:
    assert max(_sample({"dist": "exponential", "mean": 100}, cap=50_000)) == 50_000


# --------------------------------------------------------------------------
# arrivals
# --------------------------------------------------------------------------


def _arrival_hours(profile: str, *, start: str, duration: str, extra: str = "") -> list[datetime]:
    text = f"""
[tenants.T]
timezone = "Europe/Paris"
[switches.SW]
[links.ts]
kind = "tserver"
switch = "SW"
[[dns]]
number = "8000"
switch = "SW"
type = "ACDQueue"
[[dns]]
number = "5000"
switch = "SW"
type = "Extension"
[[places]]
name = "P"
dns = ["5000@SW"]
[[agents]]
id = "A"
logins = {{ SW = "7000" }}
[simulation]
start = "{start}"
duration = "{duration}"
[simulation.calls]
patience = {{ dist = "fixed", value = 0.001 }}
[simulation.queues.8000]
[[simulation.arrivals]]
dn = "8000"
{profile}
{extra}
[[simulation.shifts]]
agents = ["A"]
start = "23:00"
end = "23:01"
"""
    sim = VoiceSimulator(parse_config(text), random.Random(5))
    sim.run()
    paris = ZoneInfo("Europe/Paris")
    return [datetime.fromtimestamp(r.arrival_ms / 1000, paris) for r in sim.records]


def test_piecewise_constant_profile_in_local_quarter_hours() -> None:
    # 0 until 09:00, 400/h from 09:00 to 09:15, 40/h until 10:00, then 0
    times = _arrival_hours(
        'profile = { "09:00" = 400, "09:15" = 40, "10:00" = 0 }',
        start="2026-03-02T00:00:00",
        duration="200h",
    )
    assert times, "no arrivals"
    assert all(t.hour == 9 for t in times)
    first = sum(1 for t in times if t.minute < 15)
    rest = len(times) - first
    days = 9  # Monday 00:00 + 200 h: nine 09:00-10:00 windows
    assert first / days == pytest.approx(100, rel=0.1)  # 400/h x 15 min
    assert rest / days == pytest.approx(30, rel=0.15)  # 40/h x 45 min


def test_day_factors_and_dst() -> None:
    # a constant 60/h, Sunday x0, Saturday x2; 29 March 2026 is a 23-hour Sunday
    times = _arrival_hours(
        "rate = 60\nday_factors = { Sat = 2.0, Sun = 0.0 }",
        start="2026-03-23T00:00:00",
        duration="168h",
    )
    by_day: dict[int, int] = {}
    for t in times:
        by_day[t.weekday()] = by_day.get(t.weekday(), 0) + 1
    assert 6 not in by_day
    assert by_day[5] == pytest.approx(2 * 60 * 24, rel=0.08)
    weekdays = [by_day[d] for d in range(5)]
    assert statistics.fmean(weekdays) == pytest.approx(60 * 24, rel=0.05)


def test_profile_as_96_values() -> None:
    rates = [0.0] * 96
    rates[40] = 240.0  # 10:00-10:15
    times = _arrival_hours(
        f"profile = {rates!r}".replace("'", ""), start="2026-03-02T00:00:00", duration="48h"
    )
    assert times
    assert {(t.hour, t.minute // 15) for t in times} == {(10, 0)}


def test_validated_mmc_config_is_what_it_says() -> None:
    work = VoiceWorkload.from_config(mmc(agents=3, rate=50))
    assert work.arrivals[0].rates == (50.0,) * 96
    assert work.queues["8000"].handling.patience is None
    assert len(work.agents) == 3
    assert all(a.shifts[0].logout_ms is None for a in work.agents)


@pytest.mark.parametrize(
    ("value", "expected_ms"),
    [
        ("2026-03-02T08:00:00", 1_772_438_400_000),  # TOML local date-time, London (= UTC)
        ("2026-03-02T08:00:00+01:00", 1_772_434_800_000),  # an offset is taken as is
        ("2026-03-02", 1_772_409_600_000),  # a date: local midnight
        ('"2026-03-02T08:00"', 1_772_438_400_000),  # an ISO string
    ],
)
def test_start_forms(value: str, expected_ms: int) -> None:
    config = parse_config(example_text() + f"\n[simulation]\nstart = {value}\n")
    assert SimulationSettings.from_config(config).start_ms == expected_ms
