"""statengine.config: TOML -> validated CenterConfig, templating, precise errors."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest

from statengine.config import (
    ALLOWED_KEYS,
    CENTER_SECTIONS,
    MAX_TEMPLATE_ENTRIES,
    RAW_SECTIONS,
    Config,
    load_config,
    load_packaged,
    packaged_configs,
    parse_config,
)
from statengine.core.objects import DNType, LinkKind
from statengine.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "configs" / "example.toml"
README = REPO / "configs" / "README.md"

#: A minimal valid center the error cases add to: one tenant, one switch,
#: an extension 5001 and an ACD queue 8001.
BASE = """\
[tenants.T]
[switches.SW1]
[[dns]]
number = "5001"
switch = "SW1"
type = "Extension"
[[dns]]
number = "8001"
switch = "SW1"
type = "ACDQueue"
"""

#: Two tenants T and U, each with one switch; the tenant must then be named.
TWO_TENANTS = """\
[tenants.T]
[tenants.U]
[switches.SW1]
tenant = "T"
[switches.SW2]
tenant = "U"
[[dns]]
number = "5001"
switch = "SW1"
type = "Extension"
[[dns]]
number = "6001"
switch = "SW2"
type = "Extension"
"""


def error_of(text: str, source: str = "test.toml") -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source=source)
    return info.value


# ---------------------------------------------------------------------------
# The example
# ---------------------------------------------------------------------------


def test_example_loads_with_expected_counts() -> None:
    config = load_config(EXAMPLE)
    center = config.center
    assert config.source == str(EXAMPLE)
    assert [t.name for t in center.tenants] == ["Main"]
    assert center.tenant("Main").timezone == ZoneInfo("Europe/London")
    assert [s.name for s in center.switches] == ["SW1"]
    assert {link.name: (link.kind, link.switch) for link in center.links} == {
        "ts1": (LinkKind.TSERVER, "SW1"),
        "ixn1": (LinkKind.IXNSERVER, None),
        "ixn2": (LinkKind.IXNSERVER, None),
    }
    assert len(center.dns) == 13
    by_id = center.dn_by_id
    assert by_id["8001@SW1"].type is DNType.ACDQueue
    assert by_id["8002@SW1"].type is DNType.ACDQueue
    assert by_id["9000@SW1"].type is DNType.RoutingPoint
    assert sorted(d.id for d in center.dns if not d.is_mediation) == [
        f"50{n:02d}@SW1" for n in range(1, 11)
    ]
    assert [p.name for p in center.places] == [f"P{n:02d}" for n in range(1, 11)]
    assert all(p.media == ("email", "chat") for p in center.places)
    assert center.places[9].dns == ("5010@SW1",)
    assert [a.employee_id for a in center.agents] == [f"10{n:02d}" for n in range(1, 11)]
    assert center.agents[0].logins == {"SW1": "7001"}
    assert center.agents[9].logins == {"SW1": "7010"}
    assert {a.skills["Sales"] for a in center.agents} == {8, 3}
    assert dict(center.agents[5].skills) == {"Sales": 3, "Support": 7}
    static, virtual = center.agent_groups
    assert static.members
    assert static.script is None
    assert virtual.script is not None
    assert not virtual.members
    assert virtual.origination_dns == ("8002@SW1",)
    assert len(center.place_groups) == 2
    assert center.queue_groups[0].dns == ("8001@SW1", "8002@SW1", "9000@SW1")
    assert center.staging_areas[0].media == "workitem"


def test_load_packaged_example() -> None:
    assert "example" in packaged_configs()
    config = load_packaged("example")
    assert config.source == "package:configs/example.toml"
    assert config.center == load_config(EXAMPLE).center


def test_load_packaged_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(ConfigError, match="no such packaged") as info:
        load_packaged("nope")
    assert "example" in info.value.expected
    assert info.value.source == "package:configs/nope.toml"


def test_readme_shows_the_example_and_every_key() -> None:
    readme = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", readme, flags=re.DOTALL)
    assert EXAMPLE.read_text(encoding="utf-8") in blocks
    for section, keys in ALLOWED_KEYS.items():
        assert section in readme
        for key in keys:
            assert f"`{key}`" in readme, (section, key)
    for section in RAW_SECTIONS:
        assert f"`{section}`" in readme


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def test_load_config_missing_file_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigError, match="not found") as info:
        load_config(missing)
    assert info.value.source == str(missing)
    assert str(missing) in str(info.value)


def test_load_config_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read") as info:
        load_config(tmp_path)
    assert info.value.source == str(tmp_path)


def test_load_config_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[tenants."Caf\xe9"]\n')
    with pytest.raises(ConfigError, match="not UTF-8") as info:
        load_config(path)
    assert info.value.source == str(path)


def test_load_config_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(BASE, encoding="utf-8")
    config = load_config(path)
    assert config.source == str(path)
    assert len(config.center.dns) == 2


# ---------------------------------------------------------------------------
# Defaults, tenants, raw sections
# ---------------------------------------------------------------------------


def test_defaults() -> None:
    config = parse_config(
        BASE + '[[agents]]\nid = "1"\n[[places]]\nname = "P"\n[[staging_areas]]\nname = "S"\n'
    )
    center = config.center
    assert config.source == "<string>"
    assert center.tenant("T").timezone == ZoneInfo("UTC")
    agent = center.agents[0]
    assert (agent.name, dict(agent.logins), dict(agent.skills)) == ("", {}, {})
    assert center.places[0].dns == ()
    assert center.places[0].media == ()
    assert center.staging_areas[0].media == "workitem"


def test_several_tenants_with_explicit_tenants() -> None:
    text = (
        TWO_TENANTS
        + '[links.ts2]\nkind = "tserver"\nswitch = "SW2"\n'
        + '[links.ixn]\nkind = "ixnserver"\ntenant = "U"\n'
        + '[[places]]\nname = "P"\ntenant = "U"\ndns = ["6001@SW2"]\n'
        + '[[places]]\nname = "P"\ntenant = "T"\ndns = ["5001@SW1"]\n'
        + '[[agents]]\nid = "1"\ntenant = "U"\nlogins = { SW2 = "7" }\nplace = "P"\n'
        + '[[agents]]\nid = "1"\ntenant = "T"\nlogins = { SW1 = "7" }\n'
    )
    center = parse_config(text).center
    assert {dn.id: dn.tenant for dn in center.dns} == {"5001@SW1": "T", "6001@SW2": "U"}
    assert {link.name: link.tenant for link in center.links} == {"ts2": "U", "ixn": "U"}
    assert [(p.tenant, p.name) for p in center.places] == [("U", "P"), ("T", "P")]
    assert [(a.tenant, a.employee_id) for a in center.agents] == [("U", "1"), ("T", "1")]


def test_raw_sections_are_kept_read_only() -> None:
    text = (
        "[engine]\ntolerant = true\n"
        '[stattypes.Total]\nObjects = ["Agent", "Place"]\n'
        "[simulation.arrivals]\nrate = 1.5\n" + BASE
    )
    config = parse_config(text)
    assert set(config.sections) == set(RAW_SECTIONS)
    assert config.sections["engine"] == {"tolerant": True}
    assert config.sections["stattypes"]["Total"]["Objects"] == ("Agent", "Place")
    assert config.sections["simulation"]["arrivals"]["rate"] == 1.5
    assert config.sections["filters"] == {}
    with pytest.raises(TypeError):
        config.sections["engine"]["tolerant"] = False
    with pytest.raises(TypeError):
        config.sections["stattypes"]["Total"]["x"] = 1
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.source = "x"  # type: ignore[misc]
    assert isinstance(config, Config)


def test_script_may_name_a_mediation_dn() -> None:
    text = (
        BASE + '[[agent_groups]]\nname = "G"\nscript = \'LoggedIn("8001@SW1") | LoggedIn("SW1")\'\n'
    )
    (group,) = parse_config(text).center.agent_groups
    assert group.script == 'LoggedIn("8001@SW1") | LoggedIn("SW1")'
    assert group.members == ()


# ---------------------------------------------------------------------------
# Templating
# ---------------------------------------------------------------------------


def test_templates_expand_every_string_value() -> None:
    text = """\
[tenants.T]
[switches.SW1]
[[dns]]
range = [3, 5]
number = "{n}"
switch = "SW1"
type = "Extension"
[[places]]
range = [3, 5]
name = "P{n:04d}"
dns = ["{n}@SW1"]
media = ["chat"]
[[agents]]
range = [3, 5]
id = "A{n}"
name = "Agent {{{n}}}"
place = "P{n:04d}"
logins = { SW1 = "7{n:03d}" }
skills = { "S{n}" = 4 }
"""
    center = parse_config(text).center
    assert [d.id for d in center.dns] == ["3@SW1", "4@SW1", "5@SW1"]
    assert [(p.name, p.dns, p.media) for p in center.places] == [
        ("P0003", ("3@SW1",), ("chat",)),
        ("P0004", ("4@SW1",), ("chat",)),
        ("P0005", ("5@SW1",), ("chat",)),
    ]
    assert [a.employee_id for a in center.agents] == ["A3", "A4", "A5"]
    agent = center.agents[2]
    assert agent.name == "Agent {5}"
    assert dict(agent.logins) == {"SW1": "7005"}
    # table keys are not templates, integers are left alone
    assert dict(agent.skills) == {"S{n}": 4}


def test_templates_mix_with_plain_entries_in_file_order() -> None:
    text = BASE + (
        '[[places]]\nname = "First"\n'
        '[[places]]\nrange = [1, 2]\nname = "T{n}"\n'
        '[[places]]\nname = "Last{n}"\n'  # not a template: braces kept as written
    )
    assert [p.name for p in parse_config(text).center.places] == ["First", "T1", "T2", "Last{n}"]


def test_single_element_range() -> None:
    text = BASE + '[[places]]\nrange = [7, 7]\nname = "P{n}"\n'
    assert [p.name for p in parse_config(text).center.places] == ["P7"]


def test_expanded_entry_errors_name_n() -> None:
    text = (
        BASE + '[[places]]\nname = "P1"\n[[agents]]\nrange = [1, 3]\nid = "{n}"\nplace = "P{n}"\n'
    )
    error = error_of(text)
    assert error.path == "agents[0](n=2).place"
    assert error.found == "P2"


# ---------------------------------------------------------------------------
# Validation errors, table-driven
# ---------------------------------------------------------------------------

PLACE = '[[places]]\nname = "P"\n'
AGENT = '[[agents]]\nid = "1"\n'

#: (id, text, expected path, words the message must contain)
ERROR_CASES: list[tuple[str, str, str, tuple[str, ...]]] = [
    # syntax
    ("toml-syntax", "[tenants.T]\nx = \n", "line 2, column 5", ("TOML syntax error", "line 2")),
    (
        "toml-duplicate-key",
        "[tenants.T]\n[tenants.T]\n",
        "line 2, column 11",
        ("TOML syntax", "twice"),
    ),
    # sections and keys
    ("unknown-section", BASE + "[agentz]\n", "agentz", ("unknown section", "agents", "engine")),
    ("unknown-key", BASE + AGENT + 'nmae = "x"\n', "agents[0].nmae", ("unknown key", "name")),
    ("unknown-tenant-key", '[tenants.T]\ntimezon = "UTC"\n', "tenants.T.timezon", ("timezone",)),
    ("unknown-link-key", BASE + '[links.l]\nkind = "ixnserver"\nswich = 1\n', "links.l.swich", ()),
    ("unknown-dn-key", BASE + '[[dns]]\nnumbr = "1"\n', "dns[2].numbr", ("number", "type")),
    (
        "unknown-group-key",
        BASE + '[[queue_groups]]\nname = "Q"\nmembers = []\n',
        "queue_groups[0].members",
        ("unknown key", "dns"),
    ),
    ("raw-section-not-table", "engine = 5\n" + BASE, "engine", ("wrong type", "a table")),
    ("no-tenants", "[switches.SW1]\n", "tenants", ("no tenant", "at least one")),
    ("empty-tenants", "tenants = {}\n", "tenants", ("no tenant",)),
    ("tenants-not-tables", "tenants = 5\n", "tenants", ("wrong type", "[tenants.<name>]")),
    ("tenant-not-table", "[tenants]\nT = 5\n", "tenants.T", ("wrong type", "a table")),
    ("dns-not-array", "[tenants.T]\n[dns]\nnumber = '1'\n", "dns", ("array of tables", "[[dns]]")),
    ("entry-not-table", "dns = [1]\n[tenants.T]\n", "dns[0]", ("wrong type", "a table")),
    # types
    (
        "skill-level-string",
        BASE + AGENT + 'skills = { Spanish = "5" }\n',
        "agents[0].skills.Spanish",
        ("wrong type", "a string", "integer"),
    ),
    (
        "skill-level-bool",
        BASE + AGENT + "skills = { Spanish = true }\n",
        "agents[0].skills.Spanish",
        ("boolean", "integer"),
    ),
    ("skills-not-table", BASE + AGENT + "skills = 5\n", "agents[0].skills", ("table",)),
    (
        "login-code-int",
        BASE + AGENT + "logins = { SW1 = 7001 }\n",
        "agents[0].logins.SW1",
        ("wrong type", "login code"),
    ),
    (
        "number-int",
        BASE + '[[dns]]\nnumber = 5002\nswitch = "SW1"\ntype = "Extension"\n',
        "dns[2].number",
        ("wrong type", "an integer", "a string"),
    ),
    ("list-not-array", BASE + PLACE + 'dns = "5001@SW1"\n', "places[0].dns", ("array of strings",)),
    (
        "list-item-not-string",
        BASE + PLACE + "media = [5]\n",
        "places[0].media[0]",
        ("wrong type", "a string"),
    ),
    (
        "list-duplicate",
        BASE + PLACE + 'media = ["chat", "chat"]\n',
        "places[0].media[1]",
        ("duplicate value",),
    ),
    ("missing-key", BASE + '[[agents]]\nname = "x"\n', "agents[0].id", ("missing key 'id'",)),
    ("empty-name", BASE + '[[places]]\nname = ""\n', "places[0].name", ("empty",)),
    ("agent-name-int", BASE + AGENT + "name = 3\n", "agents[0].name", ("wrong type",)),
    # tenants and time zones
    (
        "unknown-timezone",
        '[tenants.T]\ntimezone = "Mars/Olympus"\n',
        "tenants.T.timezone",
        ("unknown time zone", "IANA"),
    ),
    (
        "bad-timezone-path",
        '[tenants.T]\ntimezone = "../etc"\n',
        "tenants.T.timezone",
        ("unknown time zone",),
    ),
    (
        "unknown-tenant",
        BASE + PLACE + 'tenant = "X"\n',
        "places[0].tenant",
        ("unknown tenant", "T"),
    ),
    (
        "tenant-required",
        TWO_TENANTS + PLACE,
        "places[0].tenant",
        ("missing key 'tenant'", "2 tenants", "T, U"),
    ),
    (
        "switch-tenant-required",
        "[tenants.T]\n[tenants.U]\n[switches.S]\n",
        "switches.S.tenant",
        ("missing key 'tenant'",),
    ),
    (
        "dn-tenant-mismatch",
        TWO_TENANTS + '[[dns]]\nnumber = "2"\nswitch = "SW1"\ntype = "Mixed"\ntenant = "U"\n',
        "dns[2].tenant",
        ("differs", "SW1"),
    ),
    (
        "cross-tenant-dn",
        TWO_TENANTS + '[[places]]\nname = "P"\ntenant = "U"\ndns = ["5001@SW1"]\n',
        "places[0].dns[0]",
        ("belongs to tenant 'T'", "tenant 'U'"),
    ),
    (
        "cross-tenant-login",
        TWO_TENANTS + '[[agents]]\nid = "1"\ntenant = "U"\nlogins = { SW1 = "7" }\n',
        "agents[0].logins.SW1",
        ("unknown switch", "SW2"),
    ),
    # switches, links, DNs
    ("switch-with-at", '[tenants.T]\n[switches."A@B"]\n', "switches.A@B", ("'@'",)),
    (
        "tserver-without-switch",
        BASE + '[links.ts1]\nkind = "tserver"\n',
        "links.ts1.switch",
        ("needs the switch", "SW1"),
    ),
    (
        "tserver-unknown-switch",
        BASE + '[links.ts1]\nkind = "tserver"\nswitch = "SW9"\n',
        "links.ts1.switch",
        ("unknown switch 'SW9'", "SW1"),
    ),
    (
        "ixnserver-with-switch",
        BASE + '[links.ixn1]\nkind = "ixnserver"\nswitch = "SW1"\n',
        "links.ixn1.switch",
        ("has no switch",),
    ),
    (
        "unknown-link-kind",
        BASE + '[links.l]\nkind = "tserv"\n',
        "links.l.kind",
        ("unknown link kind", "tserver", "ixnserver"),
    ),
    ("link-kind-missing", BASE + "[links.l]\n", "links.l.kind", ("missing key 'kind'",)),
    (
        "unknown-dn-type",
        BASE + '[[dns]]\nnumber = "1"\nswitch = "SW1"\ntype = "Extention"\n',
        "dns[2].type",
        ("unknown DN type", "Extension", "ACDQueue", "RoutingPoint"),
    ),
    (
        "dn-unknown-switch",
        BASE + '[[dns]]\nnumber = "1"\nswitch = "SW9"\ntype = "Extension"\n',
        "dns[2].switch",
        ("unknown switch 'SW9'",),
    ),
    (
        "duplicate-dn",
        BASE + '[[dns]]\nnumber = "5001"\nswitch = "SW1"\ntype = "Extension"\n',
        "dns[2].number",
        ("duplicate DN '5001@SW1'", "dns[0]"),
    ),
    (
        "duplicate-dn-by-template",
        BASE + '[[dns]]\nrange = [8000, 8001]\nnumber = "{n}"\nswitch = "SW1"\ntype = "ACDQueue"\n',
        "dns[2](n=8001).number",
        ("duplicate DN '8001@SW1'",),
    ),
    # references
    (
        "place-unknown-dn",
        BASE + PLACE + 'dns = ["5999@SW1"]\n',
        "places[0].dns[0]",
        ("unknown DN '5999@SW1'",),
    ),
    (
        "place-dn-unknown-switch",
        BASE + PLACE + 'dns = ["5001@SW9"]\n',
        "places[0].dns[0]",
        ("unknown switch 'SW9'",),
    ),
    (
        "place-dn-not-an-id",
        BASE + PLACE + 'dns = ["5001"]\n',
        "places[0].dns[0]",
        ("not a DN id", "number@switch"),
    ),
    (
        "place-mediation-dn",
        BASE + PLACE + 'dns = ["8001@SW1"]\n',
        "places[0].dns[0]",
        ("mediation DN", "ACDQueue", "regular"),
    ),
    (
        "dn-in-two-places",
        BASE + PLACE + 'dns = ["5001@SW1"]\n[[places]]\nname = "Q"\ndns = ["5001@SW1"]\n',
        "places[1].dns[0]",
        ("already belongs", "places[0]"),
    ),
    (
        "agent-unknown-place",
        BASE + AGENT + 'place = "P9"\n',
        "agents[0].place",
        ("unknown place 'P9'",),
    ),
    (
        "login-unknown-switch",
        BASE + AGENT + 'logins = { SW9 = "7" }\n',
        "agents[0].logins.SW9",
        ("unknown switch 'SW9'", "SW1"),
    ),
    (
        "login-code-duplicate",
        BASE + AGENT + 'logins = { SW1 = "7" }\n[[agents]]\nid = "2"\nlogins = { SW1 = "7" }\n',
        "agents[1].logins.SW1",
        ("login code '7'", "already assigned", "agents[0]"),
    ),
    (
        "group-unknown-agent",
        BASE + AGENT + '[[agent_groups]]\nname = "G"\nmembers = ["1", "2"]\n',
        "agent_groups[0].members[1]",
        ("unknown agent '2'",),
    ),
    (
        "place-group-unknown-place",
        BASE + '[[place_groups]]\nname = "G"\nmembers = ["P"]\n',
        "place_groups[0].members[0]",
        ("unknown place 'P'",),
    ),
    (
        "queue-group-regular-dn",
        BASE + '[[queue_groups]]\nname = "Q"\ndns = ["5001@SW1"]\n',
        "queue_groups[0].dns[0]",
        ("not a mediation DN", "Extension"),
    ),
    (
        "queue-group-unknown-dn",
        BASE + '[[queue_groups]]\nname = "Q"\ndns = ["8009@SW1"]\n',
        "queue_groups[0].dns[0]",
        ("unknown DN",),
    ),
    (
        "origination-regular-dn",
        BASE + '[[agent_groups]]\nname = "G"\norigination_dns = ["5001@SW1"]\n',
        "agent_groups[0].origination_dns[0]",
        ("not a mediation DN",),
    ),
    # duplicates
    (
        "duplicate-place",
        BASE + PLACE + PLACE,
        "places[1].name",
        ("duplicate place 'P'", "places[0]"),
    ),
    ("duplicate-agent", BASE + AGENT + AGENT, "agents[1].id", ("duplicate agent '1'",)),
    (
        "duplicate-agent-group",
        BASE + '[[agent_groups]]\nname = "G"\n' * 2,
        "agent_groups[1].name",
        ("duplicate agent group 'G'",),
    ),
    (
        "duplicate-place-group",
        BASE + '[[place_groups]]\nname = "G"\n' * 2,
        "place_groups[1].name",
        ("duplicate place group",),
    ),
    (
        "duplicate-queue-group",
        BASE + '[[queue_groups]]\nname = "G"\n' * 2,
        "queue_groups[1].name",
        ("duplicate queue group",),
    ),
    (
        "duplicate-staging-area",
        BASE + '[[staging_areas]]\nname = "S"\n' * 2,
        "staging_areas[1].name",
        ("duplicate staging area",),
    ),
    # virtual groups
    (
        "script-does-not-parse",
        BASE + '[[agent_groups]]\nname = "G"\nscript = \'Skill("A") >= \'\n',
        "agent_groups[0].script",
        ("invalid script", "column"),
    ),
    (
        "script-not-string",
        BASE + '[[agent_groups]]\nname = "G"\nscript = 5\n',
        "agent_groups[0].script",
        ("wrong type",),
    ),
    (
        "script-unknown-target",
        BASE + '[[agent_groups]]\nname = "G"\nscript = \'LoggedIn("SW9")\'\n',
        "agent_groups[0].script",
        ("LoggedIn('SW9')", "neither a switch nor a mediation DN"),
    ),
    (
        "script-regular-dn",
        BASE + '[[agent_groups]]\nname = "G"\nscript = \'LoggedIn("5001@SW1")\'\n',
        "agent_groups[0].script",
        ("LoggedIn('5001@SW1')", "not a mediation DN"),
    ),
    (
        "script-unknown-dn",
        BASE + '[[agent_groups]]\nname = "G"\nscript = \'LoggedIn("8009@SW1")\'\n',
        "agent_groups[0].script",
        ("LoggedIn('8009@SW1')", "unknown DN"),
    ),
    (
        "members-and-script",
        BASE
        + AGENT
        + '[[agent_groups]]\nname = "G"\nmembers = ["1"]\nscript = \'SkillExists("A")\'\n',
        "agent_groups[0].script",
        ("not both",),
    ),
    # templates
    (
        "template-unknown-field",
        BASE + '[[places]]\nrange = [1, 2]\nname = "P{m}"\n',
        "places[0].name",
        ("bad template string", "{m}"),
    ),
    (
        "template-positional",
        BASE + '[[places]]\nrange = [1, 2]\nname = "P{}"\n',
        "places[0].name",
        ("bad template string",),
    ),
    (
        "template-bad-spec",
        BASE + '[[places]]\nrange = [1, 2]\nname = "P{n:s}"\n',
        "places[0].name",
        ("bad template string",),
    ),
    (
        "template-unclosed",
        BASE + '[[places]]\nrange = [1, 2]\nname = "P{n"\n',
        "places[0].name",
        ("bad template string",),
    ),
    (
        "template-attribute",
        BASE + '[[places]]\nrange = [1, 2]\nname = "P{n.real.x}"\n',
        "places[0].name",
        ("bad template string",),
    ),
    (
        "template-in-list",
        BASE + '[[places]]\nrange = [1, 2]\nname = "P{n}"\ndns = ["{x}@SW1"]\n',
        "places[0].dns[0]",
        ("bad template string",),
    ),
    (
        "template-in-inline-table",
        BASE + '[[agents]]\nrange = [1, 2]\nid = "{n}"\nlogins = { SW1 = "{n:q}" }\n',
        "agents[0].logins.SW1",
        ("bad template string",),
    ),
    (
        "range-one-bound",
        BASE + '[[places]]\nrange = [1]\nname = "P{n}"\n',
        "places[0].range",
        ("two integers",),
    ),
    (
        "range-strings",
        BASE + '[[places]]\nrange = ["1", "2"]\nname = "P{n}"\n',
        "places[0].range",
        ("two integers",),
    ),
    (
        "range-reversed",
        BASE + '[[places]]\nrange = [5, 1]\nname = "P{n}"\n',
        "places[0].range",
        ("empty template range", "first <= last"),
    ),
    (
        "range-too-large",
        BASE + f'[[places]]\nrange = [1, {MAX_TEMPLATE_ENTRIES + 1}]\nname = "P{{n}}"\n',
        "places[0].range",
        ("too large",),
    ),
    (
        "range-not-templatable",
        BASE + '[[place_groups]]\nrange = [1, 2]\nname = "G{n}"\n',
        "place_groups[0].range",
        ("unknown key 'range'",),
    ),
]


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [pytest.param(text, path, words, id=case_id) for case_id, text, path, words in ERROR_CASES],
)
def test_validation_errors(text: str, path: str, words: tuple[str, ...]) -> None:
    error = error_of(text, source="center.toml")
    message = str(error)
    assert error.path == path, message
    assert error.source == "center.toml"
    assert message.startswith(f"center.toml: {path}: "), message
    assert error.expected, message
    assert "(expected " in message, message
    assert ", found " in message, message
    for word in words:
        assert word in message, (word, message)


def test_error_cases_cover_every_section() -> None:
    paths = {path.split(".")[0].split("[")[0] for _, _, path, _ in ERROR_CASES}
    assert set(CENTER_SECTIONS) <= paths
    assert len({case_id for case_id, *_ in ERROR_CASES}) == len(ERROR_CASES)


def test_toml_syntax_error_shows_the_line() -> None:
    error = error_of("[tenants.T]\ntimezone = Europe/Paris\n")
    assert error.found == "timezone = Europe/Paris"
    assert "line 2" in str(error)


def test_script_error_keeps_the_parser_details() -> None:
    error = error_of(BASE + '[[agent_groups]]\nname = "G"\nscript = \'Skill("A") >= 5 )\'\n')
    assert error.path == "agent_groups[0].script"
    assert error.found == ")"
    assert "column 17" in str(error)
