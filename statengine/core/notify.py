"""Notifications: when a subscriber hears about a statistic (DOMAIN §5.4).

* **changes** (Immediate): after every event that touches the statistic,
  and for values that move with the clock alone (CurrentTime, a status in
  progress...) at most once per ``granularity`` of engine time, the new value
  is sent when it differs from the last one sent by more than
  ``insensitivity`` percent of that last value (0: any change; from a last
  value of 0, any non-zero value).
* **reset**: the final value of each Growing interval, at its reset, stamped
  with the reset instant: what the WFM Data Aggregator stores.
* **periodical**: every ``frequency`` seconds of engine time.
* **none**: nothing is pushed; the client peeks.

Every notification names ``(subscriber, ref_id)``, as the wire protocol will.
"""

from __future__ import annotations

import enum
import math
from typing import TYPE_CHECKING, Any

import attrs

from statengine.core.objects import ObjectRef
from statengine.errors import LocalProtocolError

if TYPE_CHECKING:
    from statengine.core.categories import Statistic

__all__ = [
    "Notification",
    "NotificationSettings",
    "NotifyMode",
    "Reason",
    "Subscription",
    "changed_enough",
]

Value = int | float


class NotifyMode(enum.Enum):
    #: send on change, filtered by insensitivity (PSDK "Immediate")
    CHANGES = "changes"
    #: send the interval's final value at each reset (PSDK "Reset")
    RESET = "reset"
    #: send every ``frequency`` seconds (PSDK "Periodical")
    PERIODICAL = "periodical"
    #: never push; peek only
    NONE = "none"


class Reason(enum.Enum):
    """Why a notification was sent."""

    OPENED = "opened"
    CHANGED = "changed"
    RESET = "reset"
    PERIODICAL = "periodical"
    VALID = "valid"
    INVALID = "invalid"


@attrs.frozen(kw_only=True)
class NotificationSettings:
    mode: NotifyMode = NotifyMode.CHANGES
    #: percent of the last sent value a change must exceed (changes mode)
    insensitivity: float = 0.0
    #: seconds between sends (periodical mode)
    frequency: float = 0.0

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.mode, NotifyMode):
            raise LocalProtocolError(f"notification mode: expected a NotifyMode, got {self.mode!r}")
        for name in ("insensitivity", "frequency"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (math.isfinite(value))
            ):
                raise LocalProtocolError(f"{name}: expected a finite number, got {value!r}")
        if self.mode is NotifyMode.PERIODICAL and self.frequency < 0.001:
            raise LocalProtocolError(
                f"frequency: expected at least 0.001 s (one engine millisecond), got "
                f"{self.frequency!r}"
            )
        if self.insensitivity < 0:
            raise LocalProtocolError(
                f"insensitivity: expected a percentage >= 0, got {self.insensitivity!r}"
            )
        if self.mode is NotifyMode.PERIODICAL and self.frequency <= 0:
            raise LocalProtocolError(
                f"frequency: expected seconds > 0 for periodical mode, got {self.frequency!r}"
            )


@attrs.frozen(kw_only=True)
class Notification:
    """A statistic's value sent to one subscription."""

    subscriber: str
    ref_id: Any
    object: ObjectRef
    stat_type: str
    value: Value
    #: engine time the value is for (ms); for a reset, the reset instant
    time: int
    reason: Reason = Reason.CHANGED


@attrs.define(eq=False)
class Subscription:
    subscriber: str
    ref_id: Any
    statistic: Statistic
    settings: NotificationSettings
    #: the stat type name the subscriber asked for (a shared statistic may
    #: have been opened under another name with the same definition)
    stat_type: str = ""
    last_value: Value | None = None
    #: periodical mode: next send time (ms)
    next_send: int = 0

    def notification(self, value: Value, t: int, reason: Reason) -> Notification:
        self.last_value = value
        st = self.statistic
        return Notification(
            subscriber=self.subscriber,
            ref_id=self.ref_id,
            object=st.object,
            stat_type=self.stat_type or st.stat_type.name,
            value=value,
            time=t,
            reason=reason,
        )


def changed_enough(last: Value | None, new: Value, insensitivity: float) -> bool:
    """The insensitivity rule of changes-based notification."""
    if last is None:
        return True
    if new == last:
        return False
    if insensitivity <= 0 or last == 0:
        return True
    return abs(new - last) > abs(last) * insensitivity / 100.0
