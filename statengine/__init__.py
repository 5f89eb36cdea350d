"""statengine: an open, event-driven statistics engine for contact centers.

The supported API is what ``__all__`` lists; everything else is internal.
"""

from statengine.core import events
from statengine.core.actions import Action, ActionClass, ActionKind
from statengine.core.engine import Engine, EngineStatistics, FeedResult, StateNode, StatusInfo
from statengine.core.objects import CenterConfig, ObjectRef, ObjectType
from statengine.core.state import StatusChange
from statengine.core.status import Status
from statengine.errors import (
    BadEventError,
    ConfigError,
    InternalError,
    LocalProtocolError,
    RemoteProtocolError,
    SnapshotError,
    StatEngineError,
)

__version__ = "0.1.0"

__all__ = [
    "Action",
    "ActionClass",
    "ActionKind",
    "BadEventError",
    "CenterConfig",
    "ConfigError",
    "Engine",
    "EngineStatistics",
    "FeedResult",
    "InternalError",
    "LocalProtocolError",
    "ObjectRef",
    "ObjectType",
    "RemoteProtocolError",
    "SnapshotError",
    "StatEngineError",
    "StateNode",
    "Status",
    "StatusChange",
    "StatusInfo",
    "__version__",
    "events",
]
