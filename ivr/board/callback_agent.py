"""A call-back to a chosen agent, through the queue's presence rules like any queue call.

When the supervisor asks, the agent must be available (else AgentUnavailable, 409); the agent is reserved for a new
stay in the entry's queue (priority CALLBACK_PRIORITY, the entry's skills and variables) in the same transaction as
the call-back row, so the router offers them nothing else while the person's phone rings. When the person answers,
the agent's phone is dialled; the Dial's end moves the agent on as for a queue call (busy, then wrap-up; missed when
they did not pick up). When the person never answers (or Twilio refused the call), the agent is available again and
the stay ends as `callback_failed` (not counted as abandoned, not in the service level).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from callqueue import model
from callqueue.model import AgentStatus, EntryStatus, QueueEntry

from .errors import AgentUnavailable, NotFound

CALLER_RING_S = 60  # how long Twilio rings the person before giving up (its default timeout)
SLACK_S = 25  # as the router's offers: time to reach the person on top of the agent's ring time
DEFAULT_RING_S = 20


def placeholder_sid(callback_id: int) -> str:
    """The stay's call_sid until Twilio gives the placed call's CallSid."""
    return f"callback-{callback_id}"


def reserve(uow, config, callback_id: int, agent_id: str, first, priority: int, now: datetime) -> int:
    """Reserve available agent `agent_id` for a new stay of abandoned entry row `first`; the stay's id."""
    repo = uow.queues
    agent = repo.agent(agent_id, lock=True)
    if agent is None:
        raise NotFound(f"no agent {str(agent_id)[:64]!r} to put the call-back through to")
    if agent.status is not AgentStatus.AVAILABLE:
        raise AgentUnavailable(f"agent {agent.id} is {agent.status.value}, not available: a call-back to an agent "
                               "needs them available (or call back to the queue)")
    whisper = f"Call-back: {first.whisper}" if first.whisper else "Call-back"
    entry = repo.add_entry(QueueEntry(
        "", first.queue, now, priority, dict(first.skills or {}), dict(first.variables or {}),
        call_sid=placeholder_sid(callback_id), from_number=first.from_number, node=f"callback:{callback_id}",
        language=first.language or "", whisper=whisper))
    queue = config.queues.get(first.queue)
    ring_s = queue.ring_timeout_s if queue else DEFAULT_RING_S
    repo.save_agent(model.offer(agent, entry.call_id, now), now)
    repo.save_entry(model.offer_entry(entry, agent.id, now, now + timedelta(seconds=CALLER_RING_S + ring_s + SLACK_S)))
    return int(entry.call_id)


def reserved(uow, entry_id: int | None) -> QueueEntry | None:
    """The reserved stay, locked, while its agent is still reserved for it (None: the reservation is gone)."""
    entry = uow.queues.entry(entry_id, lock=True) if entry_id else None
    if entry is None or entry.status is not EntryStatus.OFFERED:
        return None
    agent = uow.queues.agent(entry.agent_id, lock=True)
    ok = agent is not None and agent.status is AgentStatus.RESERVED and agent.call_id == entry.call_id
    return entry if ok else None


def release(uow, entry_id: int | None, now: datetime) -> None:
    """The person never answered: the agent is available again, the stay a failed call-back."""
    entry = reserved(uow, entry_id)
    if entry is None:
        return
    agent = uow.queues.agent(entry.agent_id, lock=True)
    uow.queues.save_agent(model.withdraw(agent, now), now)
    uow.queues.offer_outcome(entry, "withdrawn", now)
    uow.queues.save_entry(model.callback_unanswered(entry, now, retry_gap_s=0, max_attempts=1))
