"""What the CLI shows: report values, and pure functions from them to rich
renderables or to JSON-ready plain data.

Nothing here talks to an engine, reads a file or the clock: the command
(:mod:`statengine.cli.main`) gathers a :class:`ReplayReport` first, then one
of :func:`render_report` (tables for people) or :func:`report_to_json`
(``--json``, for scripts and tests) turns it into output. Both show the same
facts, so a test of the JSON is a test of what the tables say.

Times arrive already converted to the tenant's local time (``since``) next to
the engine's integer milliseconds (``since_ms``), which only the JSON shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

__all__ = [
    "STATUS_STYLE",
    "AgentGroupRow",
    "AgentRow",
    "PlaceRow",
    "QueueRow",
    "ReplayReport",
    "ReplaySummary",
    "StagingAreaRow",
    "render_agent_groups",
    "render_agents",
    "render_places",
    "render_queues",
    "render_report",
    "render_staging_areas",
    "render_summary",
    "report_to_json",
]

#: How a status name is coloured in tables; statuses not listed stay plain.
STATUS_STYLE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "WaitForNextCall": "green",
        "NotReadyForNextCall": "yellow",
        "AfterCallWork": "magenta",
        "CallRinging": "bold cyan",
        "CallDialing": "cyan",
        "CallInbound": "cyan",
        "CallOutbound": "cyan",
        "CallInternal": "cyan",
        "CallConsult": "cyan",
        "CallOnHold": "bold blue",
        "CallUnknown": "red",
        "LoggedOut": "dim",
        "NotMonitored": "red",
        "Monitored": "green",
    }
)


def _frozen(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


# --------------------------------------------------------------------------
# Report values
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ReplaySummary:
    """What one replay did, from the engine's counters and the edge's clock."""

    #: the stream replayed (a path, or ``package:configs/samples/...``)
    stream: str
    #: where the configuration came from (``Config.source``)
    config: str
    strict: bool
    #: the replay was stopped (Ctrl-C) before the end of the stream
    interrupted: bool = False
    events_fed: int
    events_applied: int
    events_refused: int
    #: refused events by reason key (tolerant mode)
    refused_by_reason: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen)
    #: events older than the engine clock, applied at the clock's time
    late_events: int
    actions: int
    status_changes: int
    #: wall-clock seconds spent reading and feeding (perf_counter at the edge)
    elapsed_s: float
    #: local times of the first event and of the engine clock at the end
    first_event: str | None = None
    last_event: str | None = None

    @property
    def events_per_s(self) -> float:
        """Events fed per wall-clock second (0 when nothing was timed)."""
        return self.events_fed / self.elapsed_s if self.elapsed_s > 0 else 0.0


@attrs.frozen(kw_only=True)
class AgentRow:
    tenant: str
    employee_id: str
    status: str
    since_ms: int
    #: ``since_ms`` in the tenant's time zone
    since: str
    #: the places the agent is logged in at (empty when logged out)
    places: tuple[str, ...] = ()
    #: reasons of the action that defines the status (e.g. ``ReasonCode``)
    reasons: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen)


@attrs.frozen(kw_only=True)
class PlaceRow:
    tenant: str
    name: str
    status: str
    since_ms: int
    since: str
    reasons: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen)


@attrs.frozen(kw_only=True)
class QueueRow:
    """A mediation DN: an ACD queue (``Queue``) or a routing point (``RoutePoint``)."""

    tenant: str
    #: ``number@switch``
    id: str
    #: the object type name: ``Queue`` or ``RoutePoint``
    type: str
    status: str
    #: calls waiting now: open ``CallWait`` actions
    waiting: int


@attrs.frozen(kw_only=True)
class AgentGroupRow:
    tenant: str
    name: str
    #: members in each status (status name -> count), only non-zero counts
    counts: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen)

    @property
    def members(self) -> int:
        return sum(self.counts.values())


@attrs.frozen(kw_only=True)
class StagingAreaRow:
    tenant: str
    name: str
    media: str
    #: interactions waiting in it now
    backlog: int


@attrs.frozen(kw_only=True)
class ReplayReport:
    """Everything ``statengine replay`` prints: the summary and the final state."""

    summary: ReplaySummary
    agents: tuple[AgentRow, ...] = ()
    places: tuple[PlaceRow, ...] = ()
    queues: tuple[QueueRow, ...] = ()
    agent_groups: tuple[AgentGroupRow, ...] = ()
    staging_areas: tuple[StagingAreaRow, ...] = ()


# --------------------------------------------------------------------------
# Rich renderables
# --------------------------------------------------------------------------


def _status(name: str) -> Text:
    return Text(name, style=STATUS_STYLE.get(name, ""))


def _pairs(mapping: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in mapping.items())


#: Columns whose cells must not wrap (a time split over two lines is hard to read).
_NO_WRAP: Final = frozenset({"since", "status", "agent", "place", "DN"})


def _table(title: str, *columns: str) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for column in columns:
        if column in _NO_WRAP:
            table.add_column(column, no_wrap=True)
        else:
            table.add_column(column, overflow="fold")
    return table


def _multi_tenant(rows: tuple[Any, ...]) -> bool:
    return len({row.tenant for row in rows}) > 1


def render_summary(summary: ReplaySummary) -> Table:
    """A two-column grid: what was replayed, the counters, the speed."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    state = "interrupted" if summary.interrupted else "complete"
    mode = "strict" if summary.strict else "tolerant"
    grid.add_row("stream", f"{summary.stream} ({state})")
    grid.add_row("config", f"{summary.config} ({mode})")
    if summary.first_event is not None:
        grid.add_row("stream time", f"{summary.first_event} -> {summary.last_event}")
    grid.add_row("events fed", f"{summary.events_fed:,}")
    grid.add_row("applied", f"{summary.events_applied:,}")
    refused = f"{summary.events_refused:,}"
    if summary.refused_by_reason:
        reasons = ", ".join(f"{k} {v:,}" for k, v in summary.refused_by_reason.items())
        refused += f" ({reasons})"
    grid.add_row("refused", Text(refused, style="red" if summary.events_refused else ""))
    grid.add_row("late events", f"{summary.late_events:,}")
    grid.add_row("actions", f"{summary.actions:,}")
    grid.add_row("status changes", f"{summary.status_changes:,}")
    grid.add_row(
        "speed", f"{summary.events_per_s:,.0f} events/s ({summary.elapsed_s:.3f} s wall clock)"
    )
    return grid


def render_agents(rows: tuple[AgentRow, ...]) -> Table:
    tenants = _multi_tenant(rows)
    columns = ["tenant"] if tenants else []
    table = _table("Agents", *columns, "agent", "status", "since", "place", "reasons")
    for row in rows:
        cells: list[RenderableType] = [row.tenant] if tenants else []
        cells += [
            row.employee_id,
            _status(row.status),
            row.since,
            ", ".join(row.places),
            _pairs(row.reasons),
        ]
        table.add_row(*cells)
    return table


def render_places(rows: tuple[PlaceRow, ...]) -> Table:
    tenants = _multi_tenant(rows)
    columns = ["tenant"] if tenants else []
    table = _table("Places", *columns, "place", "status", "since", "reasons")
    for row in rows:
        cells: list[RenderableType] = [row.tenant] if tenants else []
        cells += [row.name, _status(row.status), row.since, _pairs(row.reasons)]
        table.add_row(*cells)
    return table


def render_queues(rows: tuple[QueueRow, ...]) -> Table:
    tenants = _multi_tenant(rows)
    columns = ["tenant"] if tenants else []
    table = _table("Queues and routing points", *columns, "DN", "type", "status", "waiting")
    table.columns[-1].justify = "right"
    for row in rows:
        cells: list[RenderableType] = [row.tenant] if tenants else []
        cells += [row.id, row.type, _status(row.status), str(row.waiting)]
        table.add_row(*cells)
    return table


def render_agent_groups(rows: tuple[AgentGroupRow, ...]) -> Table:
    tenants = _multi_tenant(rows)
    columns = ["tenant"] if tenants else []
    table = _table("Agent groups", *columns, "group", "members", "by status")
    table.show_lines = True  # one status per line: rule off each group
    table.columns[-2].justify = "right"
    for row in rows:
        by_status = Text("\n").join(
            Text(f"{name} {count}", style=STATUS_STYLE.get(name, ""))
            for name, count in row.counts.items()
        )
        cells: list[RenderableType] = [row.tenant] if tenants else []
        cells += [row.name, str(row.members), by_status]
        table.add_row(*cells)
    return table


def render_staging_areas(rows: tuple[StagingAreaRow, ...]) -> Table:
    tenants = _multi_tenant(rows)
    columns = ["tenant"] if tenants else []
    table = _table("Staging areas", *columns, "staging area", "media", "backlog")
    table.columns[-1].justify = "right"
    for row in rows:
        cells: list[RenderableType] = [row.tenant] if tenants else []
        cells += [row.name, row.media, str(row.backlog)]
        table.add_row(*cells)
    return table


def render_report(report: ReplayReport, *, tables: bool = True) -> Group:
    """The summary, then (unless ``tables`` is false) one table per kind of
    object; empty kinds are left out."""
    parts: list[RenderableType] = [render_summary(report.summary)]
    if tables:
        if report.agents:
            parts += [Text(), render_agents(report.agents)]
        if report.places:
            parts += [Text(), render_places(report.places)]
        if report.queues:
            parts += [Text(), render_queues(report.queues)]
        if report.agent_groups:
            parts += [Text(), render_agent_groups(report.agent_groups)]
        if report.staging_areas:
            parts += [Text(), render_staging_areas(report.staging_areas)]
    return Group(*parts)


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """attrs values, mappings and tuples as JSON-ready dicts and lists."""
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def report_to_json(report: ReplayReport, *, tables: bool = True) -> dict[str, Any]:
    """The report as plain data for ``json.dumps``: the same facts as the tables.

    ``summary`` gains ``events_per_s``; each agent group gains ``members``.
    Without ``tables`` only the summary is given.
    """
    summary = _plain(report.summary)
    summary["events_per_s"] = round(report.summary.events_per_s, 1)
    data: dict[str, Any] = {"summary": summary}
    if tables:
        data["agents"] = _plain(report.agents)
        data["places"] = _plain(report.places)
        data["queues"] = _plain(report.queues)
        data["agent_groups"] = [
            {**_plain(row), "members": row.members} for row in report.agent_groups
        ]
        data["staging_areas"] = _plain(report.staging_areas)
    return data
