"""Load a contact center from TOML: validated, frozen, and precise about mistakes.

This module turns a TOML file (schema: ``configs/README.md``) into a
:class:`Config`: the static contact center as a frozen
:class:`~statengine.core.objects.CenterConfig`, plus read-only copies of the
sections that later layers own (stat types, time profiles, filters, the
engine and simulator settings). It lives outside the sans-IO core, so it may
read files and the time zone database; the core only ever sees the result.

Rules this module keeps:

* Validate everything, then build: a :class:`Config` is either complete and
  consistent or not made at all.
* Every refusal is a :class:`~statengine.errors.ConfigError` that names the
  file (``source``), the path of the field (``agents[3].skills.Spanish``,
  ``links.ts1.switch``), what would have been accepted and what was found.
  Entries expanded from a template carry their ``n`` in the path:
  ``agents[1](n=7).place``.
* Unknown sections and keys are refused (typo protection) with the list of
  the allowed ones; values are never coerced (``"5"`` is not a skill level).
* Identity follows ``shared/DOMAIN.md`` §1.1: DNs are ``number@switch``,
  agents are addressed by employee id, everything else by name. Switch names
  may not contain ``@`` so that ``LoggedIn("Queue@Switch")`` stays
  unambiguous (DOMAIN §10.2).
"""

from __future__ import annotations

import importlib.resources
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from datetime import tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from statengine.core.objects import (
    MEDIATION_DN_TYPES,
    AgentConfig,
    AgentGroupConfig,
    CenterConfig,
    DNConfig,
    DNType,
    LinkConfig,
    LinkKind,
    PlaceConfig,
    PlaceGroupConfig,
    QueueGroupConfig,
    StagingAreaConfig,
    SwitchConfig,
    TenantConfig,
)
from statengine.errors import ConfigError

__all__ = [
    "ALLOWED_KEYS",
    "CENTER_SECTIONS",
    "MAX_TEMPLATE_ENTRIES",
    "RAW_SECTIONS",
    "Config",
    "load_config",
    "load_packaged",
    "packaged_configs",
    "parse_config",
]

#: Sections that describe the contact center itself, in build order.
CENTER_SECTIONS: Final = (
    "tenants",
    "switches",
    "links",
    "dns",
    "places",
    "agents",
    "agent_groups",
    "place_groups",
    "queue_groups",
    "staging_areas",
)

#: Sections owned by later layers: checked to be tables, then kept raw (read-only).
RAW_SECTIONS: Final = (
    "engine",
    "stattypes",
    "time_profiles",
    "time_ranges",
    "filters",
    "simulation",
)

#: The keys each kind of entry accepts. ``range`` marks the templatable ones.
ALLOWED_KEYS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "tenants": ("timezone",),
        "switches": ("tenant",),
        "links": ("kind", "switch", "tenant"),
        "dns": ("number", "switch", "type", "tenant", "range"),
        "places": ("name", "tenant", "dns", "media", "range"),
        "agents": ("id", "name", "tenant", "place", "logins", "skills", "range"),
        "agent_groups": ("name", "tenant", "members", "script", "origination_dns"),
        "place_groups": ("name", "tenant", "members"),
        "queue_groups": ("name", "tenant", "dns"),
        "staging_areas": ("name", "tenant", "media"),
    }
)

#: How many entries one ``range`` may produce; a typo like ``[1, 10000000]``
#: must not eat the memory of the machine.
MAX_TEMPLATE_ENTRIES: Final = 100_000

#: At most this many names are listed in "expected one of ..." messages.
_MAX_LISTED: Final = 12

_DEFAULT_TIMEZONE: Final = "UTC"
_DEFAULT_STAGING_MEDIA: Final = "workitem"
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@attrs.frozen(kw_only=True)
class Config:
    """A loaded configuration file.

    Build it with :func:`parse_config`, :func:`load_config` or
    :func:`load_packaged`, never directly from a mapping.
    """

    #: the validated contact center
    center: CenterConfig
    #: where it came from: a file name, ``"<string>"`` or ``"package:configs/x.toml"``;
    #: later layers pass it as ``source`` to the ConfigErrors they raise
    source: str
    #: read-only deep copies (tables -> mappings, arrays -> tuples) of the
    #: sections later layers own; every name of :data:`RAW_SECTIONS` is present,
    #: empty when the file has no such section
    sections: Mapping[str, Any]
    #: time zones named by time profiles (``"0:00 America/New_York"``),
    #: resolved here so that the core never reads the zone database
    zones: Mapping[str, tzinfo] = attrs.field(factory=dict)


#: The statistics library merged under every configuration (stat types,
#: time profiles, time ranges); a definition with the same name in the
#: configuration wins.
LIBRARY = "stattypes"
LIBRARY_SECTIONS: Final = ("stattypes", "time_profiles", "time_ranges")


def _library() -> dict[str, Any]:
    text = importlib.resources.files("configs").joinpath(f"{LIBRARY}.toml").read_text("utf-8")
    return tomllib.loads(text)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def parse_config(text: str, *, source: str = "<string>") -> Config:
    """Parse and validate the TOML text of a contact-center configuration.

    Args:
        text: the TOML document.
        source: names the document in error messages and in :attr:`Config.source`.

    Raises:
        ConfigError: the text is not TOML or breaks the schema; the error's
            ``path`` says where, ``expected`` and ``found`` say what.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, source) from None
    return _Builder(source).build(document)


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read, parse and validate a configuration file (UTF-8 TOML).

    Raises:
        ConfigError: the file is missing, unreadable, not UTF-8, not TOML or
            breaks the schema; ``source`` is the file name.
    """
    source = os.fspath(path)
    try:
        data = Path(source).read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            "configuration file not found",
            expected="an existing TOML file",
            found=source,
            source=source,
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"cannot read configuration file: {exc.strerror or exc}",
            expected="a readable TOML file",
            found=source,
            source=source,
        ) from None
    return parse_config(_decode(data, source), source=source)


def packaged_configs() -> list[str]:
    """The names (without ``.toml``) of the configurations shipped in ``configs/``."""
    root = importlib.resources.files("configs")
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in root.iterdir()
        if entry.name.endswith(".toml") and entry.is_file() and entry.name != f"{LIBRARY}.toml"
    )


def load_packaged(name: str) -> Config:
    """Load ``configs/<name>.toml`` from the installed package (works from a wheel).

    Raises:
        ConfigError: no packaged configuration has that name (the message lists
            them), or it is invalid.
    """
    source = f"package:configs/{name}.toml"
    available = packaged_configs()
    if name not in available:
        raise ConfigError(
            "no such packaged configuration",
            expected=_one_of(available),
            found=name,
            source=source,
        )
    data = importlib.resources.files("configs").joinpath(f"{name}.toml").read_bytes()
    return parse_config(_decode(data, source), source=source)


# ---------------------------------------------------------------------------
# Helpers without state
# ---------------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"not UTF-8 text (byte {exc.start})",
            expected="a UTF-8 encoded TOML file",
            found=data[exc.start : exc.start + 8],
            source=source,
        ) from None


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, source: str) -> ConfigError:
    """A ConfigError for a TOML syntax error, with the line tomllib points at."""
    message = str(exc)
    match = _TOML_POSITION.search(message)
    path = ""
    found: str | None = None
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        path = f"line {line}, column {column}"
        lines = text.splitlines()
        if 0 < line <= len(lines):
            found = lines[line - 1]
    return ConfigError(
        f"TOML syntax error: {message}",
        path=path,
        expected="valid TOML",
        found=found,
        source=source,
    )


def _one_of(names: Iterable[str]) -> str:
    """``"one of: a, b, c"``, shortened when there are many names."""
    listed = sorted(names)
    if not listed:
        return "nothing (none is configured)"
    if len(listed) > _MAX_LISTED:
        shown = ", ".join(listed[:_MAX_LISTED])
        return f"one of: {shown}, ... ({len(listed)} in all)"
    return "one of: " + ", ".join(listed)


def _toml_type(value: object) -> str:
    """The TOML name of a parsed value's type, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"


def _freeze(value: Any) -> Any:
    """A read-only deep copy: tables become mappings, arrays tuples."""
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def _bare_message(exc: ConfigError) -> str:
    """The message of ``exc`` without the ``(expected ..., found ...)`` suffix."""
    text = str(exc)
    if exc.expected:
        text = text.removesuffix(f" (expected {exc.expected}, found {exc.found!r})")
    return text


_MISSING: Final = object()


# ---------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------


class _Builder:
    """Validates one parsed document and builds the :class:`Config`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tenants: dict[str, TenantConfig] = {}
        self.switches: dict[str, SwitchConfig] = {}
        self.links: dict[str, LinkConfig] = {}
        #: DN id -> (config, path of its entry)
        self.dns: dict[str, tuple[DNConfig, str]] = {}
        #: (tenant, name) -> (config, path), per object kind
        self.places: dict[tuple[str, str], tuple[PlaceConfig, str]] = {}
        self.agents: dict[tuple[str, str], tuple[AgentConfig, str]] = {}
        self.agent_groups: dict[tuple[str, str], tuple[AgentGroupConfig, str]] = {}
        self.place_groups: dict[tuple[str, str], tuple[PlaceGroupConfig, str]] = {}
        self.queue_groups: dict[tuple[str, str], tuple[QueueGroupConfig, str]] = {}
        self.staging_areas: dict[tuple[str, str], tuple[StagingAreaConfig, str]] = {}

    # -- errors and typed access ---------------------------------------------

    def fail(self, path: str, message: str, *, expected: str, found: object) -> NoReturn:
        raise ConfigError(message, path=path, expected=expected, found=found, source=self.source)

    def wrong_type(self, path: str, value: object, expected: str) -> NoReturn:
        self.fail(path, f"wrong type: {_toml_type(value)}", expected=expected, found=value)

    def table(self, value: object, path: str, expected: str = "a table") -> dict[str, Any]:
        if not isinstance(value, dict):
            self.wrong_type(path, value, expected)
        return value

    def check_keys(self, entry: dict[str, Any], kind: str, path: str) -> None:
        allowed = ALLOWED_KEYS[kind]
        for key in entry:
            if key not in allowed:
                self.fail(
                    f"{path}.{key}",
                    f"unknown key {key!r}",
                    expected=_one_of(allowed),
                    found=key,
                )

    def check_name(self, name: str, path: str, what: str) -> str:
        if not name:
            self.fail(path, f"empty {what}", expected=f"a non-empty {what}", found=name)
        return name

    def string(
        self, entry: dict[str, Any], key: str, path: str, *, default: object = _MISSING
    ) -> str:
        """``entry[key]`` as a non-empty string; required unless ``default`` is given."""
        value = entry.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.fail(f"{path}.{key}", f"missing key {key!r}", expected="a string", found=None)
            return default  # type: ignore[return-value]
        if not isinstance(value, str):
            self.wrong_type(f"{path}.{key}", value, "a string")
        return self.check_name(value, f"{path}.{key}", "string")

    def strings(self, entry: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        """``entry[key]`` as an array of distinct non-empty strings (default empty)."""
        value = entry.get(key, [])
        if not isinstance(value, list):
            self.wrong_type(f"{path}.{key}", value, "an array of strings")
        seen: set[str] = set()
        for i, item in enumerate(value):
            item_path = f"{path}.{key}[{i}]"
            if not isinstance(item, str):
                self.wrong_type(item_path, item, "a string")
            self.check_name(item, item_path, "string")
            if item in seen:
                self.fail(
                    item_path, f"duplicate value {item!r}", expected="distinct values", found=item
                )
            seen.add(item)
        return tuple(value)

    def tenant_of(self, entry: dict[str, Any], path: str) -> str:
        """The entry's tenant: its ``tenant`` key, or the only tenant there is."""
        if "tenant" in entry:
            name = self.string(entry, "tenant", path)
            if name not in self.tenants:
                self.fail(
                    f"{path}.tenant",
                    f"unknown tenant {name!r}",
                    expected=_one_of(self.tenants),
                    found=name,
                )
            return name
        if len(self.tenants) == 1:
            return next(iter(self.tenants))
        self.fail(
            f"{path}.tenant",
            f"missing key 'tenant' ({len(self.tenants)} tenants are configured)",
            expected=_one_of(self.tenants),
            found=None,
        )

    def same_tenant(self, entry: dict[str, Any], path: str, tenant: str, why: str) -> None:
        """Refuse an explicit ``tenant`` that differs from the derived one."""
        if "tenant" in entry and self.tenant_of(entry, path) != tenant:
            self.fail(
                f"{path}.tenant",
                f"tenant differs from the tenant of {why}",
                expected=repr(tenant),
                found=entry["tenant"],
            )

    def unique(
        self,
        index: Mapping[tuple[str, str], tuple[object, str]],
        key: tuple[str, str],
        path: str,
        what: str,
    ) -> None:
        if key in index:
            tenant, name = key
            first = index[key][1]
            self.fail(
                path,
                f"duplicate {what} {name!r} in tenant {tenant!r} (first defined at {first})",
                expected=f"a {what} name unique within the tenant",
                found=name,
            )

    def dn(
        self, ref: str, path: str, tenant: str, *, mediation: bool, context: str = ""
    ) -> DNConfig:
        """Resolve a DN reference ``number@switch`` of ``tenant``.

        ``mediation`` says whether the DN must be a mediation DN (queues, routing
        points) or must not be one; ``context`` starts every message.
        """
        number, at, switch = ref.rpartition("@")
        if not at or not number:
            self.fail(path, context + "not a DN id", expected="a DN id number@switch", found=ref)
        if switch not in self.switches:
            self.fail(
                path,
                context + f"unknown switch {switch!r} in DN id",
                expected=_one_of(self.switches),
                found=ref,
            )
        entry = self.dns.get(ref)
        if entry is None:
            self.fail(
                path,
                context + f"unknown DN {ref!r}",
                expected=f"a DN configured in [[dns]] on switch {switch}",
                found=ref,
            )
        dn = entry[0]
        if dn.tenant != tenant:
            self.fail(
                path,
                context + f"DN {ref!r} belongs to tenant {dn.tenant!r}",
                expected=f"a DN of tenant {tenant!r}",
                found=ref,
            )
        if mediation and not dn.is_mediation:
            self.fail(
                path,
                context + f"DN {ref!r} is a {dn.type.value}, not a mediation DN",
                expected="a mediation DN ("
                + ", ".join(sorted(t.value for t in MEDIATION_DN_TYPES))
                + ")",
                found=ref,
            )
        if not mediation and dn.is_mediation:
            self.fail(
                path,
                context + f"DN {ref!r} is a mediation DN ({dn.type.value})",
                expected="a regular (non-mediation) DN",
                found=ref,
            )
        return dn

    def dn_list(
        self, entry: dict[str, Any], key: str, path: str, tenant: str, *, mediation: bool
    ) -> tuple[str, ...]:
        refs = self.strings(entry, key, path)
        for i, ref in enumerate(refs):
            self.dn(ref, f"{path}.{key}[{i}]", tenant, mediation=mediation)
        return refs

    # -- sections and templates ----------------------------------------------

    def named_tables(
        self, document: dict[str, Any], section: str
    ) -> Iterator[tuple[str, dict[str, Any], str]]:
        """``(name, entry, path)`` for each ``[section.name]`` table, keys checked."""
        tables = self.table(
            document.get(section, {}), section, f"a table of [{section}.<name>] tables"
        )
        for name, entry in tables.items():
            path = f"{section}.{name}"
            self.check_name(name, path, "name")
            entry = self.table(entry, path)
            self.check_keys(entry, section, path)
            yield name, entry, path

    def entries(
        self, document: dict[str, Any], section: str
    ) -> Iterator[tuple[dict[str, Any], str]]:
        """``(entry, path)`` for each ``[[section]]`` entry, templates expanded."""
        value = document.get(section, [])
        if not isinstance(value, list):
            self.wrong_type(section, value, f"an array of tables ([[{section}]])")
        templatable = "range" in ALLOWED_KEYS[section]
        for i, raw in enumerate(value):
            path = f"{section}[{i}]"
            entry = self.table(raw, path)
            self.check_keys(entry, section, path)
            if templatable and "range" in entry:
                yield from self.expand(entry, path)
            else:
                yield entry, path

    def expand(self, entry: dict[str, Any], path: str) -> Iterator[tuple[dict[str, Any], str]]:
        """Expand a template: one entry per ``n`` of ``range``, strings formatted."""
        bounds = entry["range"]
        range_path = f"{path}.range"
        if not (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
        ):
            self.fail(
                range_path,
                "a template range must be two integers",
                expected="[first, last]",
                found=bounds,
            )
        first, last = bounds
        if first > last:
            self.fail(range_path, "empty template range", expected="first <= last", found=bounds)
        if last - first + 1 > MAX_TEMPLATE_ENTRIES:
            self.fail(
                range_path,
                "template range too large",
                expected=f"at most {MAX_TEMPLATE_ENTRIES} entries",
                found=bounds,
            )
        template = {key: item for key, item in entry.items() if key != "range"}
        for n in range(first, last + 1):
            yield self.format(template, n, path), f"{path}(n={n})"

    def format(self, value: Any, n: int, path: str) -> Any:
        """``value`` with every string (recursively; not table keys) ``.format(n=n)``-ed."""
        if isinstance(value, str):
            try:
                return value.format(n=n)
            except (KeyError, IndexError) as exc:
                self.fail(
                    path,
                    f"bad template string: unknown field {{{exc.args[0]}}}",
                    expected="a str.format template whose only field is {n}, e.g. 'P{n:03d}'",
                    found=value,
                )
            except (ValueError, AttributeError, TypeError) as exc:
                self.fail(
                    path,
                    f"bad template string: {exc}",
                    expected="a str.format template whose only field is {n}, e.g. 'P{n:03d}'",
                    found=value,
                )
        if isinstance(value, list):
            return [self.format(item, n, f"{path}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: self.format(item, n, f"{path}.{key}") for key, item in value.items()}
        return value

    # -- the build -----------------------------------------------------------

    def build(self, document: dict[str, Any]) -> Config:
        for key in document:
            if key not in CENTER_SECTIONS and key not in RAW_SECTIONS:
                self.fail(
                    key,
                    f"unknown section {key!r}",
                    expected=_one_of((*CENTER_SECTIONS, *RAW_SECTIONS)),
                    found=key,
                )
        sections = {}
        library = _library()
        for name in RAW_SECTIONS:
            own = self.table(document.get(name, {}), name)
            if name in LIBRARY_SECTIONS:
                own = {**library.get(name, {}), **own}
            sections[name] = _freeze(own)
        zones = self.profile_zones(sections["time_profiles"])

        self.build_tenants(document)
        self.build_switches(document)
        self.build_links(document)
        self.build_dns(document)
        self.build_places(document)
        self.build_agents(document)
        self.build_agent_groups(document)
        self.build_place_groups(document)
        self.build_queue_groups(document)
        self.build_staging_areas(document)

        center = CenterConfig(
            tenants=tuple(self.tenants.values()),
            switches=tuple(self.switches.values()),
            links=tuple(self.links.values()),
            dns=tuple(dn for dn, _ in self.dns.values()),
            places=tuple(p for p, _ in self.places.values()),
            agents=tuple(a for a, _ in self.agents.values()),
            agent_groups=tuple(g for g, _ in self.agent_groups.values()),
            place_groups=tuple(g for g, _ in self.place_groups.values()),
            queue_groups=tuple(g for g, _ in self.queue_groups.values()),
            staging_areas=tuple(s for s, _ in self.staging_areas.values()),
        )
        return Config(
            center=center, source=self.source, sections=MappingProxyType(sections), zones=zones
        )

    def profile_zones(self, profiles: Mapping[str, Any]) -> dict[str, tzinfo]:
        """Resolve the zone names time profiles end with (``0:00+0:15 Europe/Paris``)."""
        zones: dict[str, tzinfo] = {}
        for key, value in profiles.items():
            words = value.split() if isinstance(value, str) else []
            if len(words) < 2:
                continue
            name = words[-1]
            try:
                zones[name] = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                self.fail(
                    f"time_profiles.{key}",
                    "unknown time zone",
                    expected="an IANA zone name such as Europe/Paris",
                    found=name,
                )
        return zones

    def build_tenants(self, document: dict[str, Any]) -> None:
        for name, entry, path in self.named_tables(document, "tenants"):
            zone = self.string(entry, "timezone", path, default=_DEFAULT_TIMEZONE)
            try:
                timezone = ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                self.fail(
                    f"{path}.timezone",
                    f"unknown time zone {zone!r}",
                    expected="an IANA time zone name such as 'Europe/Paris' or 'UTC'",
                    found=zone,
                )
            self.tenants[name] = TenantConfig(name=name, timezone=timezone)
        if not self.tenants:
            self.fail(
                "tenants",
                "no tenant is configured",
                expected="at least one [tenants.<name>] table",
                found=document.get("tenants"),
            )

    def build_switches(self, document: dict[str, Any]) -> None:
        for name, entry, path in self.named_tables(document, "switches"):
            if "@" in name:
                self.fail(
                    path,
                    "a switch name may not contain '@' (DN ids are number@switch)",
                    expected="a name without '@'",
                    found=name,
                )
            tenant = self.tenant_of(entry, path)
            self.switches[name] = SwitchConfig(name=name, tenant=tenant)

    def build_links(self, document: dict[str, Any]) -> None:
        kinds = [k.value for k in LinkKind]
        for name, entry, path in self.named_tables(document, "links"):
            kind_name = self.string(entry, "kind", path)
            if kind_name not in kinds:
                self.fail(
                    f"{path}.kind",
                    f"unknown link kind {kind_name!r}",
                    expected=_one_of(kinds),
                    found=kind_name,
                )
            kind = LinkKind(kind_name)
            switch: str | None = None
            if kind is LinkKind.TSERVER:
                if "switch" not in entry:
                    self.fail(
                        f"{path}.switch",
                        "a tserver link needs the switch it reports",
                        expected=_one_of(self.switches),
                        found=None,
                    )
                switch = self.string(entry, "switch", path)
                if switch not in self.switches:
                    self.fail(
                        f"{path}.switch",
                        f"unknown switch {switch!r}",
                        expected=_one_of(self.switches),
                        found=switch,
                    )
                tenant = self.switches[switch].tenant
                self.same_tenant(entry, path, tenant, f"switch {switch!r}")
            else:
                if "switch" in entry:
                    self.fail(
                        f"{path}.switch",
                        "an ixnserver link has no switch (it reports media channels)",
                        expected="no 'switch' key",
                        found=entry["switch"],
                    )
                tenant = self.tenant_of(entry, path)
            self.links[name] = LinkConfig(name=name, kind=kind, tenant=tenant, switch=switch)

    def build_dns(self, document: dict[str, Any]) -> None:
        type_names = [t.value for t in DNType]
        for entry, path in self.entries(document, "dns"):
            number = self.string(entry, "number", path)
            switch = self.string(entry, "switch", path)
            if switch not in self.switches:
                self.fail(
                    f"{path}.switch",
                    f"unknown switch {switch!r}",
                    expected=_one_of(self.switches),
                    found=switch,
                )
            tenant = self.switches[switch].tenant
            self.same_tenant(entry, path, tenant, f"switch {switch!r}")
            type_name = self.string(entry, "type", path)
            if type_name not in type_names:
                self.fail(
                    f"{path}.type",
                    f"unknown DN type {type_name!r}",
                    expected=_one_of(type_names),
                    found=type_name,
                )
            dn = DNConfig(number=number, switch=switch, tenant=tenant, type=DNType(type_name))
            if dn.id in self.dns:
                self.fail(
                    f"{path}.number",
                    f"duplicate DN {dn.id!r} (first defined at {self.dns[dn.id][1]})",
                    expected=f"a DN number unique on switch {switch}",
                    found=number,
                )
            self.dns[dn.id] = (dn, path)

    def build_places(self, document: dict[str, Any]) -> None:
        #: DN id -> path of the place holding it (a DN has one configured place)
        holder: dict[str, str] = {}
        for entry, path in self.entries(document, "places"):
            name = self.string(entry, "name", path)
            tenant = self.tenant_of(entry, path)
            self.unique(self.places, (tenant, name), f"{path}.name", "place")
            dns = self.dn_list(entry, "dns", path, tenant, mediation=False)
            for i, ref in enumerate(dns):
                if ref in holder:
                    self.fail(
                        f"{path}.dns[{i}]",
                        f"DN {ref!r} already belongs to the place at {holder[ref]}",
                        expected="a DN of no other place",
                        found=ref,
                    )
                holder[ref] = path
            media = self.strings(entry, "media", path)
            place = PlaceConfig(name=name, tenant=tenant, dns=dns, media=media)
            self.places[(tenant, name)] = (place, path)

    def build_agents(self, document: dict[str, Any]) -> None:
        #: (switch, login code) -> path of the agent holding it
        login_holder: dict[tuple[str, str], str] = {}
        for entry, path in self.entries(document, "agents"):
            employee_id = self.string(entry, "id", path)
            tenant = self.tenant_of(entry, path)
            self.unique(self.agents, (tenant, employee_id), f"{path}.id", "agent")
            name = entry.get("name", "")
            if not isinstance(name, str):
                self.wrong_type(f"{path}.name", name, "a string")
            if "place" in entry:
                place = self.string(entry, "place", path)
                if (tenant, place) not in self.places:
                    self.fail(
                        f"{path}.place",
                        f"unknown place {place!r}",
                        expected="a place of tenant "
                        f"{tenant!r}: " + _one_of(p for t, p in self.places if t == tenant),
                        found=place,
                    )
            logins = self.table(
                entry.get("logins", {}), f"{path}.logins", "a table of switch = login code"
            )
            for switch, code in logins.items():
                login_path = f"{path}.logins.{switch}"
                tenant_switches = [s.name for s in self.switches.values() if s.tenant == tenant]
                if switch not in tenant_switches:
                    self.fail(
                        login_path,
                        f"unknown switch {switch!r} for tenant {tenant!r}",
                        expected=_one_of(tenant_switches),
                        found=switch,
                    )
                if not isinstance(code, str):
                    self.wrong_type(login_path, code, "a login code string")
                self.check_name(code, login_path, "login code")
                if (switch, code) in login_holder:
                    self.fail(
                        login_path,
                        f"login code {code!r} on switch {switch!r} is already assigned "
                        f"to the agent at {login_holder[(switch, code)]}",
                        expected=f"a login code unique on switch {switch}",
                        found=code,
                    )
                login_holder[(switch, code)] = path
            skills = self.table(
                entry.get("skills", {}), f"{path}.skills", "a table of skill = level"
            )
            for skill, level in skills.items():
                skill_path = f"{path}.skills.{skill}"
                self.check_name(skill, skill_path, "skill name")
                if not isinstance(level, int) or isinstance(level, bool):
                    self.wrong_type(skill_path, level, "an integer skill level")
            agent = AgentConfig(
                employee_id=employee_id, tenant=tenant, name=name, logins=logins, skills=skills
            )
            self.agents[(tenant, employee_id)] = (agent, path)

    def build_agent_groups(self, document: dict[str, Any]) -> None:
        for entry, path in self.entries(document, "agent_groups"):
            name = self.string(entry, "name", path)
            tenant = self.tenant_of(entry, path)
            self.unique(self.agent_groups, (tenant, name), f"{path}.name", "agent group")
            if "members" in entry and "script" in entry:
                self.fail(
                    f"{path}.script",
                    "an agent group has either members (static) or a script (virtual), not both",
                    expected="'members' or 'script'",
                    found=entry["script"],
                )
            members = self.strings(entry, "members", path)
            for i, member in enumerate(members):
                if (tenant, member) not in self.agents:
                    self.fail(
                        f"{path}.members[{i}]",
                        f"unknown agent {member!r}",
                        expected=f"the employee id of an agent of tenant {tenant!r}",
                        found=member,
                    )
            script: str | None = None
            if "script" in entry:
                script = self.string(entry, "script", path)
                self.check_script(script, f"{path}.script", tenant)
            origination = self.dn_list(entry, "origination_dns", path, tenant, mediation=True)
            group = AgentGroupConfig(
                name=name,
                tenant=tenant,
                members=members,
                script=script,
                origination_dns=origination,
            )
            self.agent_groups[(tenant, name)] = (group, path)

    def check_script(self, script: str, path: str, tenant: str) -> None:
        """Parse a virtual-group script; every LoggedIn target must exist (DOMAIN §10.2)."""
        from statengine.core.skills import parse_skill_expression

        try:
            expression = parse_skill_expression(script)
        except ConfigError as exc:
            self.fail(
                path,
                f"invalid script: {_bare_message(exc)}",
                expected=exc.expected or "a skill expression",
                found=exc.found,
            )
        for target in sorted(expression.logins):
            # Stat Server tries the argument as a switch name first.
            switch = self.switches.get(target)
            if switch is not None and switch.tenant == tenant:
                continue
            if "@" in target:
                self.dn(target, path, tenant, mediation=True, context=f"LoggedIn({target!r}): ")
                continue
            self.fail(
                path,
                f"LoggedIn({target!r}) names neither a switch nor a mediation DN",
                expected=f"a switch of tenant {tenant!r} or a mediation DN number@switch",
                found=target,
            )

    def build_place_groups(self, document: dict[str, Any]) -> None:
        for entry, path in self.entries(document, "place_groups"):
            name = self.string(entry, "name", path)
            tenant = self.tenant_of(entry, path)
            self.unique(self.place_groups, (tenant, name), f"{path}.name", "place group")
            members = self.strings(entry, "members", path)
            for i, member in enumerate(members):
                if (tenant, member) not in self.places:
                    self.fail(
                        f"{path}.members[{i}]",
                        f"unknown place {member!r}",
                        expected=f"the name of a place of tenant {tenant!r}",
                        found=member,
                    )
            group = PlaceGroupConfig(name=name, tenant=tenant, members=members)
            self.place_groups[(tenant, name)] = (group, path)

    def build_queue_groups(self, document: dict[str, Any]) -> None:
        for entry, path in self.entries(document, "queue_groups"):
            name = self.string(entry, "name", path)
            tenant = self.tenant_of(entry, path)
            self.unique(self.queue_groups, (tenant, name), f"{path}.name", "queue group")
            dns = self.dn_list(entry, "dns", path, tenant, mediation=True)
            group = QueueGroupConfig(name=name, tenant=tenant, dns=dns)
            self.queue_groups[(tenant, name)] = (group, path)

    def build_staging_areas(self, document: dict[str, Any]) -> None:
        for entry, path in self.entries(document, "staging_areas"):
            name = self.string(entry, "name", path)
            tenant = self.tenant_of(entry, path)
            self.unique(self.staging_areas, (tenant, name), f"{path}.name", "staging area")
            media = self.string(entry, "media", path, default=_DEFAULT_STAGING_MEDIA)
            area = StagingAreaConfig(name=name, tenant=tenant, media=media)
            self.staging_areas[(tenant, name)] = (area, path)
