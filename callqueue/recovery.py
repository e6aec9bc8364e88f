"""Callers who hung up unheard: when a status callback was lost (an outage), find them and close them as abandoned.

While the database is unreachable a caller's hang-up callback fails and Twilio does not retry it, so
the entry stays waiting. A live caller's leg asks the wait URL again at the end of every wait segment
(or follows its offer to the Enqueue action); a gone one never does. So after each recovery (the
first successful pass of a process, or the first after a failed one) the service waits one segment
plus a margin, then closes the waiting callers it has not heard from since the recovery — unless
Twilio's REST API (when configured) says the call is still up. An offer that runs out is judged the
same way: a caller who never came for it is gone, and the agent is not to blame (no `missed`).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .model import EntryStatus, QueueEntry
from .queues import QueueConfig

ENDED_CALL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})  # Twilio CallStatus
LIVE_CALL = frozenset({"queued", "ringing", "in-progress"})
GONE_MARGIN_S = 50  # on top of the longest wait segment: a live caller has asked again by then


def gone_after_s(config: QueueConfig, wait_segment_s: float) -> float:
    """How long after a recovery a waiting caller who asked nothing is taken as gone (the longest segment + margin)."""
    segments = [queue.hold_music_s for queue in config.queues.values() if queue.hold_music]
    return max([wait_segment_s, *segments]) + GONE_MARGIN_S


def unheard_caller_gone(call_status: str | None) -> bool:
    """A waiting caller unheard since the recovery is gone unless Twilio says the call is up."""
    return call_status not in LIVE_CALL


def offer_caller_gone(entry: QueueEntry, call_status: str | None) -> bool:
    """An offer ran out: was the caller gone (rather than the agent not answering)?

    Twilio's word when there is one; else the caller is gone if their leg never came for the offer
    (no wait-URL request or Enqueue action since it was made)."""
    if call_status in ENDED_CALL:
        return True
    if call_status in LIVE_CALL:
        return False
    heard = entry.last_request_at
    return entry.status is EntryStatus.OFFERED and (heard is None or heard < entry.offered_at)


class Recovery:
    """One process's view of the database being reachable: when it came back, and whether it reconciled since."""

    def __init__(self, gone_after_s: float):
        self.gone_after = timedelta(seconds=gone_after_s)
        self.up_since: datetime | None = None
        self.reconciled = False

    def due(self, now: datetime) -> datetime | None:
        """The recovery moment to reconcile from, once a segment and margin have passed since it; else None."""
        if self.up_since is None:
            self.up_since, self.reconciled = now, False
            return None
        if self.reconciled or now - self.up_since < self.gone_after:
            return None
        return self.up_since

    def done(self, since: datetime | None) -> None:
        if since is not None and since == self.up_since:
            self.reconciled = True

    def failed(self) -> None:
        """A pass failed (the database is down?): reconcile again after the next recovery."""
        self.up_since, self.reconciled = None, False
