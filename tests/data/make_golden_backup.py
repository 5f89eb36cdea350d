"""Write the golden backup file of the current snapshot version, and what it
must restore to.

    python tests/data/make_golden_backup.py [--force]

writes ``tests/data/golden_v<N>.backup`` (a backup file, format v1, snapshot
version N = ``statengine.core.snapshot.VERSION``) and
``tests/data/golden_v<N>.json`` (the inputs used: center parameters, the stat
type / time profile / time range sections, and the values the restored engine
must show: peeks, statuses, counters, and from version 2 which subscriptions
read the same shared sums). The tests ``tests/test_backup.py::
test_the_golden_v<N>_backup_still_loads`` read both: every later statengine
must restore these files to these values, so **do not regenerate one**
(without ``--force`` an existing file is refused) unless its format itself
was wrong; a new snapshot version gets its own golden file next to these.

``golden_v1`` was written by snapshot version 1 from the recipe below with
the version 1 sections and statistics; from version 2 the recipe adds two
stat types that share sums with the others (per status and per action kind,
``Pool.share_sums`` on), so that the file holds shared sums.

Deterministic: a synthetic center, a seeded event stream, a fixed list of
statistics and a fixed creation time.
"""

from __future__ import annotations

import copy
import json
import pathlib
import sys
from typing import Any

from statengine import Engine, ObjectRef, ObjectType
from statengine.backup import read_backup, write_backup
from statengine.core.engine import StatisticsProfile
from statengine.core.notify import NotificationSettings, NotifyMode
from statengine.core.snapshot import VERSION
from statengine.core.stattypes import StatType
from statengine.testing import StreamProfile, generate_stream, make_center

HERE = pathlib.Path(__file__).parent
BACKUP = HERE / f"golden_v{VERSION}.backup"
EXPECTED = HERE / f"golden_v{VERSION}.json"
CREATED = 1_772_460_000_000  # 2026-03-02 14:00 UTC
CENTER = {"agents": 4, "queues": 2, "group_size": 2}
SEED = 2026
EVENTS = 1500
OPEN_AFTER = 3  # the links are up, nobody is logged in yet

SECTIONS: dict[str, Any] = {
    "time_ranges": {"Default": "0-20", "ServiceLevel": "0-20", "ShortAbandon": "0-10"},
    "time_profiles": {
        "Default,Growing": "0:00",
        "CollectorDefault,Growing": "0:00+0:15",
        "Slide,Sliding": "900:60",
        "Last3,Selection": "3",
        "Login,SinceLogin": "",
    },
    "stattypes": {
        "Total_Calls_Entered": {
            "Objects": ["Queue", "RoutePoint", "GroupQueues"],
            "Category": "TotalNumber",
            "MainMask": "CallEntered",
        },
        "Current_In_Queue": {
            "Objects": ["Queue", "RoutePoint", "GroupQueues"],
            "Category": "CurrentNumber",
            "MainMask": "CallWait",
        },
        "Current_Max_Waiting_Time": {
            "Objects": ["Queue", "RoutePoint", "GroupQueues"],
            "Category": "CurrentMaxTime",
            "MainMask": "CallWait",
        },
        "Service_Factor": {
            "Objects": ["Queue", "RoutePoint", "GroupQueues"],
            "Category": "ServiceFactor1",
            "MainMask": "CallAnswered",
        },
        "Total_Ready_Time": {
            "Objects": ["Agent", "Place", "GroupAgents", "GroupPlaces"],
            "Category": "TotalTime",
            "Subject": "AgentStatus",
            "MainMask": "WaitForNextCall",
        },
        "Total_Handle_Time": {
            "Objects": ["Agent", "Place", "GroupAgents", "GroupPlaces"],
            "Category": "TotalAdjustedTime",
            "MainMask": "CallInbound,CallOutbound,CallInternal,CallConsult",
        },
        "Max_Not_Ready": {
            "Objects": ["Agent", "Place", "GroupAgents", "GroupPlaces"],
            "Category": "MaxTime",
            "Subject": "AgentStatus",
            "MainMask": "NotReadyForNextCall,AfterCallWork",
        },
        "Current_Logged_In_Agents": {
            "Objects": ["GroupAgents", "GroupPlaces"],
            "Category": "CurrentNumber",
            "Subject": "GroupStatus",
            "MainMask": "*,~LoggedOut,~NotMonitored",
        },
        "Answered_In_Range": {
            "Objects": ["Queue", "RoutePoint", "GroupQueues"],
            "Category": "TotalNumberInTimeRangePercentage",
            "MainMask": "CallAnswered",
            "RelMask": "CallAnswered,CallAbandoned",
        },
    },
}

AD_HOC = {
    "Name": "Golden_AdHoc_Chats",
    "Objects": ["Agent", "Place", "GroupAgents", "GroupPlaces"],
    "Category": "TotalNumber",
    "MainMask": "HandlingInbound,HandlingOutbound",
}


#: from version 2: stat types whose statistics share sums with those above
SHARING_TYPES: dict[str, Any] = {
    "Ready_Count": {
        "Objects": ["Agent", "Place", "GroupAgents", "GroupPlaces"],
        "Category": "TotalNumber",
        "Subject": "AgentStatus",
        "MainMask": "WaitForNextCall",
    },
    "Total_Calls_Answered": {
        "Objects": ["Queue", "RoutePoint", "GroupQueues"],
        "Category": "TotalNumber",
        "MainMask": "CallAnswered",
    },
}


def ref(kind: str, ident: str) -> ObjectRef:
    return ObjectRef("T1", ObjectType[kind], ident)


#: (subscriber, ref id, object, stat type (None: the ad-hoc one), profile, options)
OPENS: list[tuple[str, Any, ObjectRef, str | None, str, dict[str, Any]]] = [
    ("wfm", "q0-entered", ref("Queue", "8000@SW1"), "Total_Calls_Entered", "CollectorDefault",
     {"notification": NotificationSettings(mode=NotifyMode.RESET)}),
    ("wfm", "q0-sf", ref("Queue", "8000@SW1"), "Service_Factor", "CollectorDefault",
     {"time_range": "ServiceLevel", "time_range2": "ShortAbandon"}),
    ("wb", "q1-waiting", ref("Queue", "8001@SW1"), "Current_In_Queue", "Default", {}),
    ("wb", "q1-oldest", ref("Queue", "8001@SW1"), "Current_Max_Waiting_Time", "Default", {}),
    ("wb", ("tuple", 1, ("nested", 2)), ref("GroupQueues", "AllQueues"), "Answered_In_Range",
     "Default", {}),
    ("wb", "a0-ready", ref("Agent", "A0"), "Total_Ready_Time", "Default", {}),
    ("wb", "a0-handle", ref("Agent", "A0"), "Total_Handle_Time", "Slide", {}),
    ("wb", "a1-handle-last3", ref("Agent", "A1"), "Total_Handle_Time", "Last3", {}),
    ("wb", "a2-notready-login", ref("Agent", "A2"), "Max_Not_Ready", "Login", {}),
    ("wb", "g0-logged", ref("GroupAgents", "G0"), "Current_Logged_In_Agents", "Default",
     {"notification": NotificationSettings(mode=NotifyMode.PERIODICAL, frequency=30.0)}),
    ("wb", "pg1-ready", ref("GroupPlaces", "PG1"), "Total_Ready_Time", "CollectorDefault",
     {"notification": NotificationSettings(mode=NotifyMode.CHANGES, insensitivity=10.0)}),
    ("wb", "p3-chats", ref("Place", "P3"), None, "Default", {}),
    ("closed", "a3-ready", ref("Agent", "A3"), "Total_Ready_Time", "Default", {}),
]  # fmt: skip


#: from version 2: statistics opened with the others (same object, profile and
#: instant), and the subscriptions that then read the same shared sums
SHARING_OPENS: list[tuple[str, Any, ObjectRef, str | None, str, dict[str, Any]]] = [
    ("wb", "a0-ready-count", ref("Agent", "A0"), "Ready_Count", "Default", {}),
    ("wfm", "q0-answered", ref("Queue", "8000@SW1"), "Total_Calls_Answered", "CollectorDefault",
     {}),
]  # fmt: skip
SHARED = [
    [["wb", "a0-ready"], ["wb", "a0-ready-count"]],
    [["wfm", "q0-entered"], ["wfm", "q0-answered"]],
]


def sections(version: int = VERSION) -> dict[str, Any]:
    found = copy.deepcopy(SECTIONS)
    if version >= 2:
        found["stattypes"].update(SHARING_TYPES)
    return found


def build(version: int = VERSION) -> tuple[Engine, list[tuple[str, Any]]]:
    center = make_center(**CENTER)
    profile = StatisticsProfile.from_sections(sections(version))
    engine = Engine(center, profile=profile)
    engine._pool.share_sums = version >= 2
    opens = OPENS + SHARING_OPENS if version >= 2 else OPENS
    ad_hoc = StatType.from_definition(AD_HOC)
    stream = generate_stream(
        center, seed=SEED, events=EVENTS, profile=StreamProfile(shift=1800.0, off_shift=300.0)
    )
    subs = []
    for i, event in enumerate(stream):
        engine.feed(event)
        if i == OPEN_AFTER:
            for subscriber, ref_id, obj, name, prof, options in opens:
                stat_type: Any = name if name is not None else ad_hoc
                engine.open_statistic(subscriber, ref_id, obj, stat_type, profile=prof, **options)
                subs.append((subscriber, ref_id))
        if i == EVENTS // 2:
            engine.close_statistic("closed", "a3-ready")
            subs.remove(("closed", "a3-ready"))
    return engine, subs


def plain(value: Any) -> Any:
    return list(map(plain, value)) if isinstance(value, tuple) else value


def expected(engine: Engine, subs: list[tuple[str, Any]]) -> dict[str, Any]:
    statuses = []
    for kind in (ObjectType.RegDN, ObjectType.Queue, ObjectType.Place, ObjectType.Agent):
        for r in engine.objects(kind):
            info = engine.status(r)
            statuses.append([r.type.name, r.id, info.status.name, info.since])
    stats = engine.statistics()
    found: dict[str, Any] = {
        "center": CENTER,
        "sections": sections(),
        "created": CREATED,
        "clock": engine.now,
        "peeks": [[s, plain(r), engine.peek(s, r).value] for s, r in subs],
        "statuses": statuses,
        "engine": {
            "events_fed": stats.events_fed,
            "actions": stats.actions,
            "status_changes": stats.status_changes,
            "open_calls": stats.open_calls,
        },
        "pool": {
            "statistics": engine.pool_statistics().statistics,
            "subscriptions": engine.pool_statistics().subscriptions,
            "unsubscribed": engine.pool_statistics().unsubscribed,
        },
    }
    if VERSION >= 2:
        found["shared"] = SHARED
    return found


def main() -> None:
    if (BACKUP.exists() or EXPECTED.exists()) and "--force" not in sys.argv[1:]:
        sys.exit(
            f"{BACKUP.name} exists: a golden file is never regenerated "
            "(--force if its format was wrong)"
        )
    engine, subs = build()
    write_backup(BACKUP, engine, created=CREATED, generations=1)
    EXPECTED.write_text(json.dumps(expected(engine, subs), indent=1) + "\n")
    backup = read_backup(BACKUP)
    print(f"wrote {BACKUP} ({BACKUP.stat().st_size} bytes, clock {backup.snapshot['clock']})")
    print(f"wrote {EXPECTED}")


if __name__ == "__main__":
    main()
