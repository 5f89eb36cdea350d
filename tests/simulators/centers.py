"""Contact centers (TOML text) for the simulator tests."""

from __future__ import annotations

from importlib.resources import files

from statengine.config import Config, parse_config


def example_text() -> str:
    return files("configs").joinpath("example.toml").read_text("utf-8")


def mmc_text() -> str:
    return files("configs").joinpath("mmc.toml").read_text("utf-8")


#: every flow switched on, on configs/example.toml's center (10 agents, two
#: queues, a routing point)
ALL_FLOWS = """
[simulation]
start = "2026-03-02T07:30:00"
duration = "{duration}"
seed = 3

[simulation.calls]
ring = {{ dist = "lognormal", mean = 6, cv = 0.5 }}
talk = {{ dist = "lognormal", mean = 200, cv = 0.8 }}
patience = {{ dist = "exponential", mean = 120 }}
acw_probability = 0.7
acw = {{ dist = "lognormal", mean = 30, cv = 0.5 }}
hold_probability = 0.1
hold = {{ dist = "uniform", low = 5, high = 60 }}
consult_probability = 0.06
transfer_probability = 0.06
attended_transfer = 0.5
conference_probability = 0.04
rona_probability = 0.03
rona_timeout = 15
rona_not_ready = {{ dist = "empirical", values = [10, 30, 60], weights = [1, 2, 1] }}
max_wait = 600

[simulation.queues.8001]
skill = "Sales"
min_level = 5

[simulation.queues.8002]
skill = "Support"
min_level = 5
transfer_queues = ["8001"]

[[simulation.arrivals]]
dn = "9000"
profile = {{ "08:00" = 50, "10:00" = 80, "12:00" = 60, "14:00" = 70, "17:00" = 10, "20:00" = 0 }}
day_factors = {{ Sat = 0.5, Sun = 0.3 }}
route = {{ "8001" = 0.5, "8002" = 0.5 }}
route_delay = {{ dist = "uniform", low = 0.5, high = 3 }}

[[simulation.arrivals]]
dn = "8002"
rate = 10
daily_cv = 0.1

[[simulation.shifts]]
agents = ["1001", "1002", "1003", "1006", "1007", "1008"]
start = "08:00"
end = "16:00"
days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
breaks = [
    {{ at = "10:00", duration = 900, reason = "Break" }},
    {{ at = "12:00", duration = {{ dist = "fixed", value = 1800 }}, reason = "Lunch" }},
]

[[simulation.shifts]]
agents = ["1004", "1005", "1009", "1010"]
start = "09:00"
end = "17:30"
breaks = [{{ at = "13:00", duration = 1800, reason = "Lunch" }}]

[simulation.not_ready]
per_hour = 0.5
duration = {{ dist = "lognormal", mean = 240, cv = 0.5 }}
reasons = {{ Restroom = 2, Clerical = 1 }}

[simulation.outbound]
per_hour = 0.5
dial = {{ dist = "uniform", low = 3, high = 20 }}
answer_probability = 0.7
talk = {{ dist = "exponential", mean = 120 }}
acw_probability = 0.5
acw = 20

[simulation.internal]
per_hour = 0.4
ring = {{ dist = "uniform", low = 1, high = 6 }}
talk = {{ dist = "exponential", mean = 60 }}
"""


#: edge cases on the example center: swapped seats, a night shift across
#: midnight followed back-to-back by a day shift, agents on for the whole run,
#: a DST change (29 March 2026), calls cleared after max_wait, heavy RONA,
#: transfers to several queues
EDGES = """
[simulation]
start = "2026-03-27T20:00:00"
duration = "{duration}"
[simulation.seats]
"1001" = "5010"
"1010" = "5001"
[simulation.calls]
ring = {{ dist = "exponential", mean = 8 }}
talk = {{ dist = "lognormal", mean = 150, cv = 1.2 }}
patience = {{ dist = "lognormal", mean = 200, cv = 1.5 }}
acw_probability = 0.5
acw = {{ dist = "exponential", mean = 20 }}
hold_probability = 0.2
consult_probability = 0.1
transfer_probability = 0.1
attended_transfer = 0.7
conference_probability = 0.1
rona_probability = 0.1
rona_timeout = 12
max_wait = 300
[simulation.queues.8001]
skill = "Sales"
min_level = 3
transfer_queues = ["8002"]
[simulation.queues.8002]
skill = "Support"
min_level = 5
transfer_queues = ["8001", "8002"]
[[simulation.arrivals]]
dn = "9000"
rate = 60
route = {{ "8001" = 1, "8002" = 2 }}
route_delay = {{ dist = "exponential", mean = 4 }}
[[simulation.arrivals]]
dn = "8001"
profile = {{ "06:00" = 30, "22:00" = 5 }}
[[simulation.shifts]]
agents = ["1001", "1006"]
start = "22:00"
end = "30:00"
breaks = [{{ at = "26:00", duration = 600, reason = "Night" }}]
[[simulation.shifts]]
agents = ["1001", "1006"]
start = "06:00"
end = "14:00"
days = ["Sat", "Sun", "Mon"]
[[simulation.shifts]]
agents = ["1002", "1003", "1007", "1008"]
start = "08:00"
end = "20:00"
breaks = [
    {{ at = "12:00", duration = {{ dist = "uniform", low = 600, high = 2400 }}, reason = "Lunch" }},
]
[[simulation.shifts]]
agents = ["1004", "1009"]
[simulation.not_ready]
per_hour = 2
[simulation.outbound]
per_hour = 2
answer_probability = 0.5
[simulation.internal]
per_hour = 2
"""


def edges(duration: str = "40h") -> Config:
    """configs/example.toml with :data:`EDGES`, from Friday 27 March 2026 20:00."""
    return parse_config(example_text() + EDGES.format(duration=duration))


def all_flows(duration: str = "10h", extra: str = "") -> Config:
    """configs/example.toml with every flow of the voice model switched on."""
    return parse_config(example_text() + ALL_FLOWS.format(duration=duration) + extra)


def mmc(
    *,
    agents: int = 20,
    rate: float = 340.0,
    talk: float = 180.0,
    patience: float | None = None,
    duration_s: float = 24 * 3600,
) -> Config:
    """An M/M/c (or M/M/c+M with ``patience``) center like configs/mmc.toml."""
    patience_line = (
        'patience = "none"'
        if patience is None
        else f'patience = {{ dist = "exponential", mean = {patience} }}'
    )
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
range = [1, {agents}]
number = "{{n}}"
switch = "SW"
type = "Extension"
[[places]]
range = [1, {agents}]
name = "P{{n}}"
dns = ["{{n}}@SW"]
[[agents]]
range = [1, {agents}]
id = "A{{n}}"
logins = {{ SW = "{{n}}" }}
skills = {{ Calls = 1 }}

[engine]
stuck_limits = {{ CallWait = 0 }}   # M/M/c waits are unbounded: no clearing

[simulation]
start = "2026-03-02T00:00:00"
duration = {duration_s}

[simulation.calls]
talk = {{ dist = "exponential", mean = {talk} }}
{patience_line}
max_wait = "3650d"

[simulation.queues.8000]
skill = "Calls"

[[simulation.arrivals]]
dn = "8000"
rate = {rate}

[[simulation.shifts]]
agents = "*"
"""
    return parse_config(text, source="<mmc>")


def large_text(agents: int = 300, queues: int = 6, duration: str = "8h") -> str:
    """A bigger center: ``agents`` agents over ``queues`` queues fed by two
    routing points, two-peak day, every flow on, shifts with breaks."""
    per_queue = agents // queues
    lines = [
        '[tenants.Big]\ntimezone = "Europe/Paris"\n',
        "[switches.SW1]\n",
        '[links.ts1]\nkind = "tserver"\nswitch = "SW1"\n',
    ]
    for q in range(queues):
        lines.append(f'[[dns]]\nnumber = "8{q:03d}"\nswitch = "SW1"\ntype = "ACDQueue"\n')
    for rp in range(2):
        lines.append(f'[[dns]]\nnumber = "900{rp}"\nswitch = "SW1"\ntype = "RoutingPoint"\n')
    lines.append(
        f'[[dns]]\nrange = [1, {agents}]\nnumber = "5{{n:04d}}"\n'
        'switch = "SW1"\ntype = "Extension"\n'
    )
    lines.append(f'[[places]]\nrange = [1, {agents}]\nname = "P{{n}}"\ndns = ["5{{n:04d}}@SW1"]\n')
    for q in range(queues):
        first, last = q * per_queue + 1, (q + 1) * per_queue
        other = (q + 1) % queues
        lines.append(
            f'[[agents]]\nrange = [{first}, {last}]\nid = "E{{n}}"\n'
            f'logins = {{ SW1 = "7{{n:04d}}" }}\n'
            f"skills = {{ Q{q} = 8, Q{other} = 4 }}\n"
        )
    sim = [
        f'[simulation]\nstart = "2026-03-02T08:00:00"\nduration = "{duration}"\nseed = 11\n',
        "[simulation.calls]\n"
        'ring = { dist = "lognormal", mean = 5, cv = 0.5 }\n'
        'talk = { dist = "lognormal", mean = 240, cv = 1.0 }\n'
        'patience = { dist = "exponential", mean = 90 }\n'
        "acw_probability = 0.8\n"
        'acw = { dist = "lognormal", mean = 30, cv = 0.6 }\n'
        "hold_probability = 0.08\nconsult_probability = 0.04\n"
        "transfer_probability = 0.04\nconference_probability = 0.02\n"
        "rona_probability = 0.01\nrona_timeout = 20\n",
    ]
    for q in range(queues):
        sim.append(f'[simulation.queues.8{q:03d}]\nskill = "Q{q}"\nmin_level = 4\n')
    # offered load ~ 0.8 of the staff: per queue per_queue * 0.8 / 300 s * 3600
    per_hour = round(per_queue * 0.75 * 3600 / 300 * queues / 2)
    half = queues // 2
    for rp in range(2):
        targets = range(rp * half, queues if rp else half)
        route = ", ".join(f'"8{q:03d}" = 1' for q in targets)
        sim.append(
            f'[[simulation.arrivals]]\ndn = "900{rp}"\n'
            f'profile = {{ "07:45" = {per_hour * 0.4:.0f}, "09:30" = {per_hour}, '
            f'"11:30" = {per_hour * 0.7:.0f}, "13:00" = {per_hour * 0.8:.0f}, '
            f'"15:30" = {per_hour}, "17:30" = {per_hour * 0.3:.0f}, "20:00" = 0 }}\n'
            f"route = {{ {route} }}\n"
        )
    # three teams with staggered shifts and breaks
    teams = [[f"E{n}" for n in range(1, per_queue * queues + 1) if n % 3 == t] for t in range(3)]
    for t, members in enumerate(teams):
        lines.append(
            f'[[agent_groups]]\nname = "Team{t}"\nmembers = {members!r}\n'.replace("'", '"')
        )
        start_h = 7 + t
        sim.append(
            f'[[simulation.shifts]]\ngroup = "Team{t}"\n'
            f'start = "{start_h:02d}:45"\nend = "{start_h + 9:02d}:15"\n'
            f'breaks = [{{ at = "{start_h + 2:02d}:{15 * t:02d}", duration = 900, '
            'reason = "Break" }, '
            f'{{ at = "{11 + t:02d}:30", duration = 2700, reason = "Lunch" }}, '
            f'{{ at = "{start_h + 7:02d}:00", duration = 900, reason = "Break" }}]\n'
        )
    sim.append(
        "[simulation.not_ready]\nper_hour = 0.3\nreasons = { Restroom = 3, Clerical = 1 }\n"
        "[simulation.outbound]\nper_hour = 0.2\n[simulation.internal]\nper_hour = 0.1\n"
    )
    return "\n".join(lines) + "\n" + "\n".join(sim)


def large(agents: int = 300, queues: int = 6, duration: str = "8h") -> Config:
    return parse_config(large_text(agents, queues, duration), source="<large>")
