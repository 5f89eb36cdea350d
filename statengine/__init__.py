"""statengine: an open, event-driven statistics engine for contact centers.

The supported API is what ``__all__`` lists; everything else is internal.
"""

from statengine.core import events
from statengine.core.actions import Action, ActionClass, ActionKind
from statengine.core.currentstate import StateNode
from statengine.core.engine import (
    Engine,
    EngineStatistics,
    FeedResult,
    StatisticsProfile,
    StatusInfo,
)
from statengine.core.notify import Notification, NotificationSettings, NotifyMode, Reason
from statengine.core.objects import CenterConfig, ObjectRef, ObjectType
from statengine.core.pool import PoolStatistics
from statengine.core.settings import EngineSettings
from statengine.core.state import StatusChange
from statengine.core.stattypes import Category, StatType, Subject
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
    "Category",
    "CenterConfig",
    "ConfigError",
    "Engine",
    "EngineSettings",
    "EngineStatistics",
    "FeedResult",
    "InternalError",
    "LocalProtocolError",
    "Notification",
    "NotificationSettings",
    "NotifyMode",
    "ObjectRef",
    "ObjectType",
    "PoolStatistics",
    "Reason",
    "RemoteProtocolError",
    "SnapshotError",
    "StatEngineError",
    "StatType",
    "StateNode",
    "StatisticsProfile",
    "Status",
    "StatusChange",
    "StatusInfo",
    "Subject",
    "__version__",
    "events",
]
