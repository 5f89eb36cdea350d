"""Ground truth of the multimedia model: one plain record per interaction.

The multimedia simulator (:mod:`simulators.multimedia`) writes an
:class:`InteractionRecord` for every e-mail, chat and work item from its own
bookkeeping, **not** from the Interaction Server events it emits, so that a
report can set what the engine computed against what really happened. Like
:class:`simulators.records.CallRecord` the layout is public: fields are only
ever added at the end (with defaults) and :data:`MEDIA_RECORD_VERSION` is
bumped when that happens.

Times are POSIX **milliseconds**, durations integer milliseconds.

Definitions (rely on these):

* ``entered_ms``: the interaction is submitted into its staging area
  (``Submitted``); ``distributed_ms``: the router takes it out for an agent
  (``TakenFromQueue`` by an agent, then ``AgentInvited`` at the same instant);
  ``accepted_ms``: the agent accepts it (``IxnPartyAdded``); ``ended_ms``:
  the agent finishes it (``IxnPartyRemoved`` then ``ProcessingStopped``, same
  instant), or the customer left the staging area (``abandoned_ms``).
* ``wait_ms``: entered → distributed, or entered → abandoned; ``None`` while
  still waiting at the horizon.
* ``delivery_ms``: distributed → accepted (the agent's "ringing"), counted
  up to the horizon if unfinished; ``handle_ms``: accepted → ended, counted
  up to the horizon if unfinished.
* A link outage (``[[simulation.outages]]``) changes nothing here: the
  Interaction Server keeps working while Stat Server's connection is down.
"""

from __future__ import annotations

import enum
from typing import Any, Final, NamedTuple

__all__ = ["MEDIA_RECORD_VERSION", "InteractionOutcome", "InteractionRecord"]

#: Version of the :class:`InteractionRecord` layout; bumped whenever a field is added.
MEDIA_RECORD_VERSION: Final = 1


class InteractionOutcome(enum.StrEnum):
    """How an interaction ended (its final fate)."""

    #: handled by an agent to the end
    COMPLETED = "completed"
    #: the customer left while it waited in its staging area (chat patience)
    ABANDONED = "abandoned"
    #: still waiting, offered or handled at the horizon
    UNFINISHED = "unfinished"


class InteractionRecord(NamedTuple):
    """What really happened to one interaction (definitions: module docstring).

    A named tuple for the same reason as ``CallRecord``: one per interaction,
    cheap to build, immutable and plain. Use the field names, never positions.
    """

    #: the interaction id (``attr_itx_id``)
    ixn_id: str
    #: media type (``email``, ``chat``, ``workitem``, ...)
    media: str
    #: the Interaction Server link that reports it
    link: str
    #: the staging area it entered
    staging_area: str
    outcome: InteractionOutcome
    #: submitted into the staging area (POSIX ms)
    entered_ms: int
    #: taken out for an agent (None: never)
    distributed_ms: int | None = None
    #: accepted by the agent (None: never)
    accepted_ms: int | None = None
    #: the customer left the staging area (None: did not)
    abandoned_ms: int | None = None
    #: finished (handled to the end, or abandoned); None if unfinished
    ended_ms: int | None = None
    #: employee id of the agent it was distributed to ('' if none)
    agent: str = ""
    #: entered -> distributed / abandoned (None: still waiting at the horizon)
    wait_ms: int | None = None
    #: distributed -> accepted
    delivery_ms: int = 0
    #: accepted -> ended
    handle_ms: int = 0

    @property
    def completed(self) -> bool:
        return self.outcome is InteractionOutcome.COMPLETED

    @property
    def abandoned(self) -> bool:
        return self.outcome is InteractionOutcome.ABANDONED

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON / msgpack friendly): the outcome as a string."""
        data = self._asdict()
        data["outcome"] = str(self.outcome)
        return data
