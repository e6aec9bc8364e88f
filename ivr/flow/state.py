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
    history: tuple[tuple[str, tuple[str, ...]], ...] = ()
    visited: tuple[str, ...] = ()
    cursor: int = 0
    confirming: str = ""  # a spoken menu choice waiting for the caller's yes or no
    journal: tuple[JournalEntry, ...] = ()

    def but(self, **changes) -> "CallState":
        return replace(self, **changes)

    def extras(self) -> dict:
        """The fields kept as one JSON value in the database."""
        history = [[node, list(stack)] for node, stack in self.history]
        return {"stack": list(self.stack), "history": history, "visited": list(self.visited), "cursor": self.cursor,
                "confirming": self.confirming}

    @staticmethod
    def extras_fields(extras: dict) -> dict:
        """The fields `extras()` wrote, read back from JSON (lists become tuples)."""
        history = tuple((str(node), tuple(stack)) for node, stack in extras.get("history", ()) if isinstance(stack, list))
        return {"stack": tuple(extras.get("stack", ())), "history": history,
                "visited": tuple(extras.get("visited", ())), "cursor": int(extras.get("cursor", 0)),
                "confirming": str(extras.get("confirming", ""))}
