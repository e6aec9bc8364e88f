"""Call state: where a caller stands in a flow, everything the engine needs to go on."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime


@dataclass(frozen=True)
class JournalEntry:
    """One thing that happened on a step: a node entered or an input taken (for the event log)."""

    at: datetime
    kind: str
    node: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CallState:
    """The part of a call the engine reads and writes; `journal` holds this step's entries only.

    `stack` holds where each running subflow returns to; `history` the menus walked (for `*`,
    back); `visited` the menus heard once (for the short prompt); `cursor` the survey question.
    """

    node: str
    language: str
    variables: dict = field(default_factory=dict)
    invalid_count: int = 0
    no_input_count: int = 0
    ended: bool = False
    stack: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    visited: tuple[str, ...] = ()
    cursor: int = 0
    journal: tuple[JournalEntry, ...] = ()

    def but(self, **changes) -> "CallState":
        return replace(self, **changes)

    def extras(self) -> dict:
        """The fields kept as one JSON value in the database."""
        return {"stack": list(self.stack), "history": list(self.history), "visited": list(self.visited), "cursor": self.cursor}
