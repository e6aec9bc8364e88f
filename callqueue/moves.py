"""Moves of a caller and its agent together, through the model's transitions, saved through the repository.

Each function takes values read in the current unit of work, moves them with `callqueue.model`
(which refuses a move the machines do not allow) and saves them, so no status is ever written
around the model.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from . import model
from .model import AgentStatus, EntryStatus, QueueEntry
from .queues import QueueConfig
from .routing import Why

DEFAULT_RING_S = 20


def offer(repo, config: QueueConfig, entry: QueueEntry, agent: model.Agent, why: Why, now: datetime,
          worker: str, slack_s: float) -> QueueEntry:
    """Reserve the agent and offer them the caller; unanswered by ring timeout + `slack_s`, the offer is over."""
    ring_s = config.queues[entry.queue].ring_timeout_s if entry.queue in config.queues else DEFAULT_RING_S
    repo.save_agent(model.offer(agent, entry.call_id, now), now)
    offered = model.offer_entry(entry, agent.id, now, now + timedelta(seconds=ring_s + slack_s))
    repo.save_entry(offered)
    repo.add_offer(offered, agent.id, now, why, worker)
    return offered


def answer(repo, entry: QueueEntry, now: datetime) -> QueueEntry:
    """The agent picked up: busy, and the caller's wait ends."""
    agent = repo.agent(entry.agent_id, lock=True)
    if agent is not None:
        repo.save_agent(model.answer(agent, now), now)
    answered = model.answer_entry(entry, now)
    repo.save_entry(answered)
    repo.offer_outcome(answered, "answered")
    return answered


def complete(repo, config: QueueConfig, entry: QueueEntry, now: datetime) -> QueueEntry:
    """The connected call ended: the agent goes to wrap-up (or available), the entry is completed."""
    agent = repo.agent(entry.agent_id, lock=True)
    if agent is not None:
        wrap_up_s = config.queues[entry.queue].wrap_up_s if entry.queue in config.queues else 0
        repo.save_agent(model.hang_up(agent, now, wrap_up_s), now)
    done = model.complete(entry, now)
    repo.save_entry(done)
    repo.offer_outcome(done, "answered", now)
    return done


def missed(repo, entry: QueueEntry, now: datetime) -> QueueEntry:
    """The agent did not answer: marked missed (if still ringing for this caller); the caller waits again, first."""
    agent = repo.agent(entry.agent_id, lock=True)
    if _ringing_for(agent, entry):
        repo.save_agent(model.miss(agent, now), now)
    repo.offer_outcome(entry, "missed", now)
    again = model.requeue(entry)
    repo.save_entry(again)
    return again


def abandon(repo, entry: QueueEntry, now: datetime) -> QueueEntry:
    """The caller is gone before an agent answered: an agent ringing for them is available again."""
    unconfirmed = entry.status is EntryStatus.CALLBACK and not entry.callback_number  # hung up in the at-opening menu
    if entry.status not in model.IN_LINE and not unconfirmed:
        return entry
    if entry.status is EntryStatus.OFFERED:
        agent = repo.agent(entry.agent_id, lock=True)
        if _ringing_for(agent, entry):
            repo.save_agent(model.withdraw(agent, now), now)
        repo.offer_outcome(entry, "withdrawn", now)
    gone = model.abandon(entry, now)
    repo.save_entry(gone)
    return gone


def _ringing_for(agent: model.Agent | None, entry: QueueEntry) -> bool:
    return agent is not None and agent.status is AgentStatus.RESERVED and agent.call_id == entry.call_id
