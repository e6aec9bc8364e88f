"""The waiting line: waiting callers kept in serving order (priority, then age), one change at a time.

`route` sorts whatever callers it is given; given a WaitingLine it reads them in order as they
are, so a decision that ends at the first caller the freed agent can take costs what it reads.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from typing import Iterable, Iterator

from .model import EntryStatus, QueueEntry


class WaitingLine:
    """Callers in status waiting, in serving order; putting a caller in any other status takes it out."""

    def __init__(self, entries: Iterable[QueueEntry] = ()):
        self._entries: dict[str, QueueEntry] = {}
        self._order: list[tuple] = []
        for entry in entries:
            self.put(entry)

    def put(self, entry: QueueEntry) -> None:
        """Add a caller or replace its previous version (leaving the line unless still waiting)."""
        self.remove(entry.call_id)
        if entry.status is EntryStatus.WAITING:
            self._entries[entry.call_id] = entry
            insort(self._order, entry.order)

    def remove(self, call_id: str) -> None:
        """Take a caller out of the line (no error if absent)."""
        old = self._entries.pop(call_id, None)
        if old is not None:
            del self._order[bisect_left(self._order, old.order)]

    def get(self, call_id: str) -> QueueEntry | None:
        return self._entries.get(call_id)

    def __iter__(self) -> Iterator[QueueEntry]:
        return (self._entries[key[-1]] for key in self._order)

    def __len__(self) -> int:
        return len(self._order)
