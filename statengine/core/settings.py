"""Engine settings: the ``[engine]`` section of the configuration.

Plain data with a named constructor from the raw mapping the TOML layer
keeps (``Config.sections["engine"]``); every error names the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from statengine.core.actions import ACTION_CLASS, ActionClass, ActionKind
from statengine.errors import ConfigError

__all__ = ["DEFAULT_STUCK_LIMITS", "EngineSettings"]

_HOUR = 3_600_000

#: Default maximum age (ms) of durable call actions before the stuck-call
#: guard cleans them (DOMAIN §2.1, §8.2: lost releases must not leave a call
#: waiting for ever). Generous, so only a lost event can trigger them.
DEFAULT_STUCK_LIMITS: Mapping[ActionKind, int] = MappingProxyType(
    {
        ActionKind.CallWait: 2 * _HOUR,
        ActionKind.CallRinging: _HOUR // 6,
        ActionKind.CallDialing: _HOUR // 6,
        ActionKind.CallInbound: 8 * _HOUR,
        ActionKind.CallOutbound: 8 * _HOUR,
        ActionKind.CallInternal: 8 * _HOUR,
        ActionKind.CallConsult: 8 * _HOUR,
        ActionKind.CallUnknown: 8 * _HOUR,
    }
)

_KNOWN_KEYS = ("stuck_limits",)


@attrs.frozen(kw_only=True)
class EngineSettings:
    #: durable action kind -> maximum age in ms (see :data:`DEFAULT_STUCK_LIMITS`)
    stuck_limits: Mapping[ActionKind, int] = DEFAULT_STUCK_LIMITS

    @classmethod
    def from_config(cls, section: Mapping[str, Any], *, source: str = "") -> EngineSettings:
        """Build from ``[engine]``: ``stuck_limits = { CallWait = 7200, ... }``
        in seconds; ``0`` disables the guard for that action."""
        for key in section:
            if key not in _KNOWN_KEYS:
                raise ConfigError(
                    "unknown key",
                    path=f"engine.{key}",
                    expected=", ".join(_KNOWN_KEYS),
                    found=key,
                    source=source,
                )
        limits = dict(DEFAULT_STUCK_LIMITS)
        raw = section.get("stuck_limits", {})
        if not isinstance(raw, Mapping):
            raise ConfigError(
                "wrong type",
                path="engine.stuck_limits",
                expected="a table of action = seconds",
                found=raw,
                source=source,
            )
        for name, seconds in raw.items():
            path = f"engine.stuck_limits.{name}"
            try:
                kind = ActionKind(name)
            except ValueError:
                raise ConfigError(
                    "unknown action",
                    path=path,
                    expected="an action name",
                    found=name,
                    source=source,
                ) from None
            if ACTION_CLASS[kind] is not ActionClass.DURABLE or kind not in DEFAULT_STUCK_LIMITS:
                raise ConfigError(
                    "no stuck guard for this action",
                    path=path,
                    expected=", ".join(k.value for k in DEFAULT_STUCK_LIMITS),
                    found=name,
                    source=source,
                )
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                raise ConfigError(
                    "wrong value", path=path, expected="seconds >= 0", found=seconds, source=source
                )
            if seconds == 0:
                limits.pop(kind, None)
            else:
                limits[kind] = round(seconds * 1000)
        return cls(stuck_limits=MappingProxyType(limits))
