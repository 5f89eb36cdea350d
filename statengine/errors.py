"""The one error tree of statengine.

Errors are split by who is at fault, so that each boundary can translate them
once: the CLI turns any :class:`StatEngineError` into a message and exit status
2, the server (milestone 2) into an error frame. Each error keeps the values it
names in ``args``-like attributes so callers can react without parsing text.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BadEventError",
    "ConfigError",
    "InternalError",
    "LocalProtocolError",
    "RemoteProtocolError",
    "SnapshotError",
    "StatEngineError",
]


class StatEngineError(Exception):
    """Root of every error statengine raises on purpose."""


class ConfigError(StatEngineError, ValueError):
    """A configuration (file, stat type, expression) is invalid.

    Attributes:
        path: where the offending value lives, e.g. ``"agents[3].skills.Spanish"``.
        expected: what would have been accepted.
        found: what was there instead.
        source: the file name, when the value came from a file.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        expected: str = "",
        found: Any = None,
        source: str = "",
    ) -> None:
        parts = []
        if source:
            parts.append(source)
        if path:
            parts.append(path)
        prefix = ": ".join(parts)
        full = f"{prefix}: {message}" if prefix else message
        if expected:
            full += f" (expected {expected}, found {found!r})"
        super().__init__(full)
        self.path = path
        self.expected = expected
        self.found = found
        self.source = source


class BadEventError(StatEngineError):
    """A CTI event was refused; the engine state is exactly as before it.

    Attributes:
        event: the refused event.
        reason: a short, stable reason key (counted in tolerant mode),
            e.g. ``"unknown-dn"``, ``"no-such-call"``, ``"link-down"``.
        detail: a human sentence.
    """

    def __init__(self, event: Any, reason: str, detail: str = "") -> None:
        name = type(event).__name__
        text = f"{name} refused: {reason}"
        if detail:
            text += f" ({detail})"
        super().__init__(text)
        self.event = event
        self.reason = reason
        self.detail = detail


class LocalProtocolError(StatEngineError):
    """The caller used the API wrongly (unknown subscription, duplicate ref id...)."""


class RemoteProtocolError(StatEngineError):
    """A peer sent something that cannot be understood (bad frame, bad record)."""


class SnapshotError(StatEngineError):
    """A snapshot or backup file cannot be used (corrupt, truncated, newer format)."""


class InternalError(StatEngineError):
    """An impossible state was reached: a bug in statengine; please report it."""
