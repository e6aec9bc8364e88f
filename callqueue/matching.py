"""Who may take a caller: the requirement at the caller's escalation step, and why an agent does not fit."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Mapping

from .model import Agent, QueueEntry
from .queues import Escalation, Queue, QueueConfig

Needs = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Alternative:
    """One way to qualify: every skill in `skills` at its minimum level; `via` names the queue it comes from."""

    via: str
    skills: Needs


@dataclass(frozen=True)
class Requirement:
    """What a caller needs at escalation `step` (0: none yet): an agent qualifies through any alternative."""

    step: int
    alternatives: tuple[Alternative, ...]


class SkipReason(StrEnum):
    MISSING_SKILL = "missing_skill"
    WRONG_LANGUAGE = "wrong_language"
    LEVEL_TOO_LOW = "level_too_low"
    TAKEN = "taken"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Skip:
    """An agent passed over, with the reason and a sentence a supervisor can read."""

    agent_id: str
    reason: SkipReason
    detail: str

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.detail}"


def escalation_step(queue: Queue, waited_s: float) -> int:
    """How many of the queue's escalation steps apply after `waited_s` seconds."""
    return bisect_right([e.after_s for e in queue.escalations], waited_s)


def next_escalation_at(entry: QueueEntry, queue: Queue, now: datetime) -> datetime | None:
    """When the caller's requirement widens next (the worker routes again then); None after the last step."""
    step = escalation_step(queue, entry.waited_s(now))
    if step >= len(queue.escalations):
        return None
    return entry.enqueued_at + timedelta(seconds=queue.escalations[step].after_s)


def requirement(entry: QueueEntry, config: QueueConfig, now: datetime) -> Requirement:
    """The caller's requirement now: its queue's skills plus its own, widened by each escalation step reached."""
    queue = config.queues[entry.queue]
    return requirement_at(entry.queue, entry.needs, config, escalation_step(queue, entry.waited_s(now)))


def requirement_at(queue_name: str, needs: Needs, config: QueueConfig, step: int) -> Requirement:
    """The requirement of a caller of `queue_name` needing `needs` itself, at escalation `step`."""
    steps = config.queues[queue_name].escalations[:step]
    vias = [queue_name] + [name for e in steps for name in e.add_queues]
    alternatives = (Alternative(via, _widened(config.queues[via].skills, needs, steps)) for via in vias)
    return Requirement(step, tuple(_unique(alternatives)))


def _widened(skills: Mapping[str, int], needs: Needs, steps: list[Escalation]) -> Needs:
    merged = dict(skills)
    for skill, level in needs:
        merged[skill] = max(level, merged.get(skill, 0))
    for step in steps:
        for skill in step.drop_skills:
            merged.pop(skill, None)
        for skill, level in step.min_levels.items():
            if skill in merged:
                merged[skill] = min(merged[skill], level)
    return tuple(sorted(merged.items()))


def _unique(alternatives) -> list[Alternative]:
    seen: dict[Needs, Alternative] = {}
    for alternative in alternatives:
        seen.setdefault(alternative.skills, alternative)
    return list(seen.values())


def misfit(agent: Agent, needs: Needs, languages: frozenset[str]) -> Skip | None:
    """Why `agent` lacks `needs` (the first skill short), or None when the agent has them all."""
    skills = agent.skills
    for skill, level in needs:
        have = skills.get(skill, 0)
        if have >= level:
            continue
        return _short(agent.id, skill, have, level, languages)
    return None


def _short(agent_id: str, skill: str, have: int, level: int, languages: frozenset[str]) -> Skip:
    if have:
        return Skip(agent_id, SkipReason.LEVEL_TOO_LOW, f"{skill} level {have} is below {level}")
    if skill in languages:
        return Skip(agent_id, SkipReason.WRONG_LANGUAGE, f"does not speak {skill}")
    return Skip(agent_id, SkipReason.MISSING_SKILL, f"missing skill {skill}")


def qualifying(agent: Agent, req: Requirement, languages: frozenset[str]) -> tuple[Alternative | None, Skip | None]:
    """The first alternative the agent qualifies through, or the reason it fails the caller's own queue."""
    first = None
    for alternative in req.alternatives:
        skip = misfit(agent, alternative.skills, languages)
        if skip is None:
            return alternative, None
        first = first or skip
    return None, first
