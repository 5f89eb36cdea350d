"""The sans-IO core: a deterministic function of (events, now).

Nothing here imports trio, opens a file or socket, reads the wall clock or
uses the global ``random``; the edges pass time and events in.
"""

from statengine.core.actions import Action, ActionClass, ActionKind
from statengine.core.currentstate import StateNode
from statengine.core.engine import Engine, EngineStatistics, FeedResult, StatusInfo
from statengine.core.objects import CenterConfig, ObjectRef, ObjectType
from statengine.core.state import StatusChange
from statengine.core.status import Status

__all__ = [
    "Action",
    "ActionClass",
    "ActionKind",
    "CenterConfig",
    "Engine",
    "EngineStatistics",
    "FeedResult",
    "ObjectRef",
    "ObjectType",
    "StateNode",
    "Status",
    "StatusChange",
    "StatusInfo",
]
