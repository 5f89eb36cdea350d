"""Our voice simulator against Ciw and a plain SimPy model, on one M/M/c workload.

Why: the voice simulator builds a full CTI event stream per call (login,
queue, distribution, answer, release, with the agent's DN and ConnID), which
is much more than a queueing simulator does, and issue #8 asks that it still
simulate at least as many calls per second as Ciw, the established
queueing-network simulator. Running the *same* workload through every
simulator in one process, and reporting the service level each of them finds
next to Erlang C, shows both the speed and that the workloads really are the
same (a faster simulator that finds another service level would simulate
something else).

The workload (issue #8): Poisson arrivals at ``--rate`` calls per hour (or
the rate giving an occupancy ``--load``), exponential handle time of mean
``--aht`` seconds, ``--agents`` agents, FIFO, no abandonment, no ringing, no
after-call work, ``--hours`` simulated hours from an empty center.

Lines of the table:

* ``statengine voice``: :class:`simulators.voice.VoiceSimulator`, every event
  of ``sim.events()`` consumed by a ``for`` loop; calls/s and events/s.
* ``statengine voice + engine``: the same run (same seed, same stream) fed
  to :class:`statengine.Engine` in strict mode, with every queue stat type
  of the library open on the queue (no notifications; peeked at the end).
  Its measures are the *engine's* (see below); ``--no-engine`` leaves it out.
* ``Ciw``: ``ciw.Simulation`` of a one-node network (``ciw.seed(seed)``).
* ``SimPy``: a ``simpy.Resource`` with ``agents`` servers, one process per
  call (:func:`run_simpy`).

Measures, the same rule for all simulators: the calls arriving in
``[warm-up, horizon)`` (warm-up ``--warmup`` hours, default 1) are measured;
``SL`` is the share of them answered within ``--threshold`` seconds of
arriving (``wait <= threshold``, QUEUEING §B.1, queueing-theory convention),
``P(wait)`` the share that did not get an agent at once (including the few
still waiting at the horizon), ``ASA`` the mean wait of the answered ones.
A call still waiting at the horizon counts as not answered within the
threshold (at the default sizes a handful of calls out of thousands).
Calls simulated = every call arriving before the horizon. Wall time covers
building the model (for our simulator: ``VoiceSimulator(config, rng)``; the
TOML configuration is parsed before, once), simulating to the horizon and
collecting the per-call results (Ciw: ``get_all_records``); imports and the
measures are outside it. With ``--repeat N`` (default 3) the simulators take
turns N times (same seed, same result) and each keeps its fastest wall time
and, separately, its smallest CPU time (``time.process_time``): on a machine
shared with other work the wall time also counts the time the process
waited for a core, the CPU time does not, so its ratios are the steadier.

The engine line measures what a Stat Server reports: calls *answered* after
the warm-up (``Total_Calls_Answered``, statistics opened at the warm-up
instant on a profile that never resets), SL = ``Total_Answered_In_Threshold``
/ answered with the time range ``0-threshold`` (seconds truncated, the
threshold itself outside: docs/report.md), ASA = ``Average_Speed_Of_Answer``; it has no
``P(wait)``.

If ``ciw`` or ``simpy`` is missing the script says how to install them
(``pip install '.[bench]'``) and runs the others.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
from rich.console import Console
from rich.table import Table

from simulators.voice import VoiceSimulator
from statengine import Engine, NotificationSettings, NotifyMode, ObjectType, queueing
from statengine.config import Config, parse_config

__all__ = [
    "INSTALL_HINT",
    "Measures",
    "Result",
    "Sample",
    "Workload",
    "compare",
    "erlang_c_reference",
    "main",
    "mmc_config",
    "run_ciw",
    "run_engine",
    "run_simpy",
    "run_statengine",
]

INSTALL_HINT: Final = "pip install '.[bench]'   (or: pip install ciw simpy)"
#: names of the time profile and time range the engine line opens its statistics with
_PROFILE: Final = "Bench"
_RANGE: Final = "Bench"
_NO_NOTIFICATIONS: Final = NotificationSettings(mode=NotifyMode.NONE)
#: names of our two lines in the table and the JSON
VOICE: Final = "statengine voice"
VOICE_ENGINE: Final = "statengine voice + engine"


@attrs.frozen
class Workload:
    """One M/M/c workload, in the units of the command line."""

    agents: int = 50
    #: calls per hour
    rate_per_hour: float = 0.85 * 50 * 3600 / 180
    #: mean handle time, seconds
    aht_s: float = 180.0
    hours: float = 8.0
    warmup_h: float = 1.0
    threshold_s: int = 20
    seed: int = 1

    @property
    def rate(self) -> float:
        """Calls per second (the unit of :mod:`statengine.queueing`)."""
        return self.rate_per_hour / 3600

    @property
    def load(self) -> float:
        """Offered load A in Erlangs."""
        return self.rate * self.aht_s

    @property
    def occupancy(self) -> float:
        return self.load / self.agents

    @property
    def horizon_s(self) -> float:
        return self.hours * 3600

    @property
    def warmup_s(self) -> float:
        return self.warmup_h * 3600

    def check(self) -> None:
        """Refuse a workload that is not a steady-state M/M/c comparison.

        Raises:
            ValueError: the message names the option and what was wrong.
        """
        if self.agents < 1:
            raise ValueError(f"--agents must be >= 1, found {self.agents}")
        for option, value in (("--rate", self.rate_per_hour), ("--aht", self.aht_s)):
            if not 0 < value < float("inf"):
                raise ValueError(f"{option} must be a finite number > 0, found {value:g}")
        if not 0 < self.hours <= 24 * 3650:
            raise ValueError(f"--hours must be > 0 (and at most ten years), found {self.hours:g}")
        if not 0 <= self.warmup_h < self.hours:
            raise ValueError(
                f"--warmup must be >= 0 and below --hours ({self.hours:g}), found {self.warmup_h:g}"
            )
        if self.threshold_s < 0:
            raise ValueError(f"--threshold must be >= 0 seconds, found {self.threshold_s}")
        if self.occupancy >= 1:
            raise ValueError(
                f"the load rate x aht / agents = {self.occupancy:.3f} must be below 1: "
                "an unstable M/M/c queue has no steady state to compare with Erlang C"
            )


@attrs.frozen
class Sample:
    """What one simulator run gives: how many calls arrived before the
    horizon, how many events it built (None: it builds none), and per
    call ``(arrival s, wait s or None if still waiting at the horizon)``,
    times from the start of the run."""

    calls: int
    events: int | None
    waits: Sequence[tuple[float, float | None]]


@attrs.frozen
class Measures:
    """Queue measures over the calls of the measurement window."""

    #: calls in the window (arrived after the warm-up; the engine line:
    #: answered after the warm-up)
    window: int
    answered: int
    service_level: float
    #: None where the simulator cannot tell (the engine line)
    p_wait: float | None
    asa_s: float

    @classmethod
    def of(cls, waits: Sequence[tuple[float, float | None]], w: Workload) -> Measures:
        """The measures of the calls arriving in ``[warm-up, horizon)``."""
        window = [wait for arrival, wait in waits if w.warmup_s <= arrival < w.horizon_s]
        answered = [wait for wait in window if wait is not None]
        n = len(window)
        return cls(
            window=n,
            answered=len(answered),
            service_level=sum(wait <= w.threshold_s for wait in answered) / n if n else 0.0,
            p_wait=sum(wait is None or wait > 0 for wait in window) / n if n else 0.0,
            asa_s=sum(answered) / len(answered) if answered else 0.0,
        )


@attrs.frozen
class Result:
    """One line of the table."""

    name: str
    calls: int
    events: int | None
    wall_s: float
    #: CPU time of the process over the same span
    cpu_s: float
    measures: Measures

    @property
    def calls_per_s(self) -> float:
        return self.calls / self.wall_s if self.wall_s > 0 else float("inf")

    @property
    def events_per_s(self) -> float | None:
        if self.events is None:
            return None
        return self.events / self.wall_s if self.wall_s > 0 else float("inf")

    def to_dict(self) -> dict[str, Any]:
        m = self.measures
        return {
            "simulator": self.name,
            "calls": self.calls,
            "events": self.events,
            "wall_s": round(self.wall_s, 6),
            "cpu_s": round(self.cpu_s, 6),
            "calls_per_s": round(self.calls_per_s, 1),
            "events_per_s": None if self.events_per_s is None else round(self.events_per_s, 1),
            "measured_calls": m.window,
            "answered": m.answered,
            "service_level": round(m.service_level, 5),
            "p_wait": None if m.p_wait is None else round(m.p_wait, 5),
            "asa_s": round(m.asa_s, 4),
        }


# --------------------------------------------------------------------------- our simulator


def mmc_config(w: Workload) -> Config:
    """The workload as a center for :class:`VoiceSimulator`: one ACD queue,
    ``agents`` agents logged in for the whole run, exponential talk, no ring,
    no patience, no ACW.

    The engine's stuck-call limits of waiting and talking are switched off:
    M/M/c waits are unbounded, and the simulator caps talk draws at a fifth
    of the talk limit, which would cut the exponential's tail for a long AHT.
    """
    text = f"""
[tenants.T]
[switches.SW]
[links.ts]
kind = "tserver"
switch = "SW"
[[dns]]
number = "8000"
switch = "SW"
type = "ACDQueue"
[[dns]]
range = [1, {w.agents}]
number = "{{n}}"
switch = "SW"
type = "Extension"
[[places]]
range = [1, {w.agents}]
name = "P{{n}}"
dns = ["{{n}}@SW"]
[[agents]]
range = [1, {w.agents}]
id = "A{{n}}"
logins = {{ SW = "{{n}}" }}
skills = {{ Calls = 1 }}

[engine.stuck_limits]
CallWait = 0
CallInbound = 0
CallOutbound = 0
CallInternal = 0
CallConsult = 0

[time_profiles]
"{_PROFILE},Growing" = "ever"

[time_ranges]
{_RANGE} = "0-{w.threshold_s}"

[simulation]
start = "2026-03-02T00:00:00"
duration = {w.horizon_s!r}
seed = {w.seed}

[simulation.calls]
ring = 0
talk = {{ dist = "exponential", mean = {w.aht_s!r} }}
patience = "none"
max_wait = "3650d"

[simulation.queues.8000]
skill = "Calls"

[[simulation.arrivals]]
dn = "8000"
rate = {w.rate_per_hour!r}

[[simulation.shifts]]
agents = "*"
"""
    return parse_config(text, source="<benchmarks.compare_simulators>")


def _voice_waits(sim: VoiceSimulator) -> list[tuple[float, float | None]]:
    start = sim.start_ms
    return [
        ((r.arrival_ms - start) / 1000, r.queue_ms / 1000 if r.answered_ms is not None else None)
        for r in sim.records
    ]


def run_statengine(w: Workload, config: Config) -> Sample:
    """Our simulator, its whole CTI event stream consumed."""
    sim = VoiceSimulator(config, random.Random(w.seed))
    events = 0
    for _event in sim.events():
        events += 1
    return Sample(calls=len(sim.records), events=events, waits=_voice_waits(sim))


def run_engine(w: Workload, config: Config) -> tuple[Sample, Measures]:
    """Our simulator feeding an engine that serves the queue's statistics.

    The statistics are opened at the warm-up instant (the engine clock is
    moved there first), so they count what happened after it, as a
    subscriber that connected then would see.
    """
    sim = VoiceSimulator(config, random.Random(w.seed))
    engine = Engine(config)
    feed = engine.feed
    warm_ms = sim.start_ms + round(w.warmup_s * 1000)
    (queue,) = engine.objects(ObjectType.Queue)
    stat_types = [
        name for name, st in engine.profile().stat_types.items() if ObjectType.Queue in st.objects
    ]
    events = 0
    opened = False
    for event in sim.events():
        if not opened and event.time >= warm_ms:
            engine.advance(warm_ms)
            for name in stat_types:
                engine.open_statistic(
                    "bench",
                    name,
                    queue,
                    name,
                    profile=_PROFILE,
                    time_range=_RANGE,
                    time_range2="ShortAbandon",
                    notification=_NO_NOTIFICATIONS,
                )
            opened = True
        feed(event)
        events += 1
    engine.advance(sim.end_ms)
    sample = Sample(calls=len(sim.records), events=events, waits=_voice_waits(sim))
    if not opened:  # nothing happened after the warm-up
        return sample, Measures(window=0, answered=0, service_level=0.0, p_wait=None, asa_s=0.0)
    answered = int(engine.peek("bench", "Total_Calls_Answered").value)
    within = int(engine.peek("bench", "Total_Answered_In_Threshold").value)
    asa = float(engine.peek("bench", "Average_Speed_Of_Answer").value)
    measures = Measures(
        window=answered,
        answered=answered,
        service_level=within / answered if answered else 0.0,
        p_wait=None,
        asa_s=asa,
    )
    return sample, measures


# --------------------------------------------------------------------------- Ciw and SimPy


def run_ciw(w: Workload) -> Sample:
    """Ciw's one-node M/M/c network, in seconds.

    ``ciw.seed`` seeds Python's global ``random`` (which Ciw's distributions
    draw from) and Ciw's NumPy generator.
    """
    ciw: Any = importlib.import_module("ciw")  # untyped, and optional
    ciw.seed(w.seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=w.rate)],
        service_distributions=[ciw.dists.Exponential(rate=1 / w.aht_s)],
        number_of_servers=[w.agents],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(w.horizon_s)
    # one record per call: "service" when done, "incomplete" when in queue
    # (waiting_time None) or in service at the horizon
    records = sim.get_all_records(only=["service"], include_incomplete=True)
    waits = [(r.arrival_date, r.waiting_time) for r in records]
    return Sample(calls=len(waits), events=None, waits=waits)


def run_simpy(w: Workload) -> Sample:
    """A plain SimPy M/M/c: a ``Resource`` with ``agents`` servers (FIFO
    requests), an arrival process, one process per call."""
    simpy: Any = importlib.import_module("simpy")  # optional
    rng = random.Random(w.seed)
    expo = rng.expovariate
    rate, mu = w.rate, 1 / w.aht_s
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=w.agents)
    #: per call: when it arrived, and its wait (None until an agent takes it)
    arrived: list[float] = []
    waited: list[float | None] = []

    def call(number: int, arrival: float) -> Any:
        with agents.request() as request:
            yield request
            waited[number] = env.now - arrival
            yield env.timeout(expo(mu))

    def arrivals() -> Any:
        while True:
            yield env.timeout(expo(rate))
            arrived.append(env.now)
            waited.append(None)
            env.process(call(len(arrived) - 1, env.now))

    env.process(arrivals())
    env.run(until=w.horizon_s)
    waits = list(zip(arrived, waited, strict=True))
    return Sample(calls=len(waits), events=None, waits=waits)


# --------------------------------------------------------------------------- the comparison


def erlang_c_reference(w: Workload) -> Measures:
    """The steady-state values of the workload (window: expected calls)."""
    return Measures(
        window=round(w.rate * (w.horizon_s - w.warmup_s)),
        answered=round(w.rate * (w.horizon_s - w.warmup_s)),
        service_level=queueing.service_level(w.rate, w.aht_s, w.agents, w.threshold_s),
        p_wait=queueing.erlang_c(w.load, w.agents),
        asa_s=queueing.asa(w.rate, w.aht_s, w.agents),
    )


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def compare(
    w: Workload, *, repeat: int = 3, engine: bool = True, console: Console | None = None
) -> dict[str, Any]:
    """Run every available simulator on ``w``; print the table to ``console``
    (if given) and return the JSON-ready comparison.

    The simulators take turns, ``repeat`` rounds of one run each, and each
    keeps its fastest wall time: on a shared machine a burst of load then
    hits one round of every simulator rather than all runs of one.
    """
    w.check()
    config = mmc_config(w)
    missing = [module for module in ("ciw", "simpy") if not _importable(module)]

    # each returns the sample and, for the engine line, the engine's measures
    runners: dict[str, Callable[[], tuple[Sample, Measures | None]]] = {
        VOICE: lambda: (run_statengine(w, config), None)
    }
    if engine:
        runners[VOICE_ENGINE] = lambda: run_engine(w, config)
    if "ciw" not in missing:
        runners["Ciw"] = lambda: (run_ciw(w), None)
    if "simpy" not in missing:
        runners["SimPy"] = lambda: (run_simpy(w), None)
    wall = dict.fromkeys(runners, float("inf"))
    cpu = dict.fromkeys(runners, float("inf"))
    outcome: dict[str, tuple[Sample, Measures | None]] = {}
    for _ in range(repeat):
        for name, run in runners.items():
            t0, c0 = time.perf_counter(), time.process_time()
            outcome[name] = run()
            c1, t1 = time.process_time(), time.perf_counter()
            wall[name] = min(wall[name], t1 - t0)
            cpu[name] = min(cpu[name], c1 - c0)
    results = [
        Result(
            name,
            sample.calls,
            sample.events,
            wall[name],
            cpu[name],
            measures or Measures.of(sample.waits, w),
        )
        for name, (sample, measures) in outcome.items()
    ]

    reference = erlang_c_reference(w)
    by_name = {r.name: r for r in results}
    ratio = cpu_ratio = None
    if "Ciw" in by_name:
        ratio = by_name[VOICE].calls_per_s / by_name["Ciw"].calls_per_s
        cpu_ratio = by_name["Ciw"].cpu_s / by_name[VOICE].cpu_s if by_name[VOICE].cpu_s else None
    report: dict[str, Any] = {
        "workload": {
            "agents": w.agents,
            "rate_per_hour": round(w.rate_per_hour, 4),
            "aht_s": w.aht_s,
            "load_erlangs": round(w.load, 4),
            "occupancy": round(w.occupancy, 4),
            "hours": w.hours,
            "warmup_h": w.warmup_h,
            "threshold_s": w.threshold_s,
            "seed": w.seed,
            "repeat": repeat,
        },
        "results": [r.to_dict() for r in results],
        "erlang_c": {
            "service_level": round(reference.service_level, 5),
            "p_wait": round(reference.p_wait or 0.0, 5),
            "asa_s": round(reference.asa_s, 4),
            "expected_measured_calls": reference.window,
        },
        "voice_vs_ciw_calls_per_s": None if ratio is None else round(ratio, 3),
        "voice_vs_ciw_calls_per_cpu_s": None if cpu_ratio is None else round(cpu_ratio, 3),
        "missing": missing,
    }
    if console is not None:
        _print(console, w, results, reference, (ratio, cpu_ratio), missing, repeat)
    return report


def _print(
    console: Console,
    w: Workload,
    results: Sequence[Result],
    reference: Measures,
    ratios: tuple[float | None, float | None],
    missing: Sequence[str],
    repeat: int,
) -> None:
    table = Table(
        title=(
            f"M/M/c: {w.agents} agents, {w.rate_per_hour:,.1f} calls/h, AHT {w.aht_s:g} s "
            f"(A = {w.load:.2f} Erl, occupancy {w.occupancy:.3f}), {w.hours:g} h, seed {w.seed}"
        ),
        caption=(
            f"measured: calls arriving after a {w.warmup_h:g} h warm-up; SL = answered within "
            f"{w.threshold_s} s of arrival; wall, CPU: best of {repeat}; calls/s per wall second"
        ),
    )
    for column in (
        "simulator",
        "calls",
        "events",
        "wall s",
        "CPU s",
        "calls/s",
        "events/s",
        "measured",
    ):
        table.add_column(column, justify="left" if column == "simulator" else "right")
    for column in (f"SL({w.threshold_s} s)", "P(wait)", "ASA s"):
        table.add_column(column, justify="right")
    for r in results:
        m = r.measures
        table.add_row(
            r.name,
            f"{r.calls:,}",
            "—" if r.events is None else f"{r.events:,}",
            f"{r.wall_s:.3f}",
            f"{r.cpu_s:.3f}",
            f"{r.calls_per_s:,.0f}",
            "—" if r.events_per_s is None else f"{r.events_per_s:,.0f}",
            f"{m.window:,}",
            f"{m.service_level:.4f}",
            "—" if m.p_wait is None else f"{m.p_wait:.4f}",
            f"{m.asa_s:.2f}",
        )
    table.add_section()
    table.add_row(
        "Erlang C",
        "",
        "",
        "",
        "",
        "",
        "",
        f"~{reference.window:,}",
        f"{reference.service_level:.4f}",
        f"{reference.p_wait or 0.0:.4f}",
        f"{reference.asa_s:.2f}",
    )
    console.print(table)
    if any(r.name.endswith("+ engine") for r in results):
        console.print(
            "engine line: the engine's statistics (calls answered after the warm-up, "
            f"time range 0-{w.threshold_s} on whole seconds), no P(wait)"
        )
    ratio, cpu_ratio = ratios
    if ratio is not None:
        cpu_text = "" if cpu_ratio is None else f", {cpu_ratio:.2f}x per CPU second"
        console.print(f"statengine voice / Ciw calls per second: {ratio:.2f}x (wall){cpu_text}")
    for module in missing:
        console.print(
            f"{module} is not installed, skipped: {INSTALL_HINT}", style="yellow", markup=False
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks compare",
        description=(
            "The same M/M/c workload in statengine's voice simulator, Ciw and SimPy: "
            "calls/s and the service level each finds, with Erlang C for reference."
        ),
    )
    parser.add_argument("--agents", type=int, default=50, help="agents (servers), default 50")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="R",
        help="arrival rate, calls per hour (default: the rate giving --load)",
    )
    parser.add_argument(
        "--load",
        type=float,
        default=0.85,
        metavar="RHO",
        help="occupancy rate x aht / agents when --rate is not given (default 0.85)",
    )
    parser.add_argument("--aht", type=float, default=180.0, metavar="S", help="mean handle time, s")
    parser.add_argument("--hours", type=float, default=8.0, help="simulated hours (default 8)")
    parser.add_argument(
        "--warmup", type=float, default=1.0, metavar="H", help="warm-up hours not measured"
    )
    parser.add_argument(
        "--threshold", type=int, default=20, metavar="S", help="service level threshold, s"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="rounds (one run of each simulator per round); best time kept (default 3)",
    )
    parser.add_argument(
        "--no-engine", action="store_true", help="leave out the simulator + engine line"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the comparison as JSON")
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be >= 1, found {args.repeat}")
    if not (args.load > 0 and args.load < float("inf")):
        parser.error(f"--load must be a finite number > 0, found {args.load:g}")
    if not 0 < args.aht < float("inf"):
        parser.error(f"--aht must be a finite number > 0, found {args.aht:g}")
    rate = args.rate if args.rate is not None else args.load * args.agents * 3600 / args.aht
    workload = Workload(
        agents=args.agents,
        rate_per_hour=rate,
        aht_s=args.aht,
        hours=args.hours,
        warmup_h=args.warmup,
        threshold_s=args.threshold,
        seed=args.seed,
    )
    try:
        workload.check()
    except ValueError as exc:
        parser.error(str(exc))
    # a pipe or a CI log gets the whole table instead of rich's 80 columns
    console = Console() if sys.stdout.isatty() else Console(width=130)
    report = compare(workload, repeat=args.repeat, engine=not args.no_engine, console=console)
    if args.json:
        try:
            Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            parser.exit(2, f"{parser.prog}: error: cannot write {args.json}: {exc}\n")


if __name__ == "__main__":
    main()
