"""Agent presence: agents created or updated (from agents.yaml at start, or the API), and the statuses people set."""
from __future__ import annotations

from dataclasses import replace

from pydantic import ValidationError

from . import model
from .config import AgentSpec
from .errors import BadAgent, UnknownAgent, UnknownStatus
from .model import Agent, AgentStatus
from .rows import agent_json


class PresenceService:
    """Agents and the statuses people set; a status that frees an agent routes at once."""

    def __init__(self, uow, clock, queues):
        self.uow, self.clock, self.queues = uow, clock, queues

    def agents(self) -> list[dict]:
        with self.uow() as uow:
            return [agent_json(agent) for agent in uow.queue_views.agents()]

    def agent(self, agent_id: str) -> dict:
        with self.uow() as uow:
            agent = uow.queue_views.agent(agent_id)
        if agent is None:
            raise UnknownAgent(f"no agent {agent_id!r}")
        return agent_json(agent)

    def save(self, agent_id: str, data: dict) -> tuple[dict, bool]:
        """Create or update an agent from API data (name, contact, skills); its status is kept. True when created."""
        spec = _spec(agent_id, data)
        now = self.clock.now()
        with self.uow() as uow:
            known = uow.queues.agent(agent_id, lock=True)
            agent = replace(known or Agent(agent_id, spec.name, spec.contact, status=AgentStatus.OFFLINE),
                            name=spec.name, contact=spec.contact, skills=dict(spec.skills))
            if known is None:
                uow.queues.add_agent(agent, now)
            else:
                uow.queues.save_agent(agent, now)
            uow.commit()
        self.queues.route_now()
        return agent_json(agent), known is None

    def seed(self, agents: list[Agent]) -> None:
        """Agents from agents.yaml: new ones start offline; known ones get the file's name, contact and skills."""
        for agent in agents:
            self.save(agent.id, {"name": agent.name, "contact": agent.contact, "skills": dict(agent.skills)})

    def set_status(self, agent_id: str, status: str, reason: str | None = None) -> dict:
        """A person sets offline, available or break, a break with a reason from queues.yaml's break_reasons
        (UnknownStatus for a status or reason that does not exist, InvalidTransition while on a call)."""
        self._check_reason(status, reason)
        now = self.clock.now()
        with self.uow() as uow:
            agent = uow.queues.agent(agent_id, lock=True)
            if agent is None:
                raise UnknownAgent(f"no agent {agent_id!r}")
            moved = model.set_status(agent, status, now, reason)
            uow.queues.save_agent(moved, now)
            uow.commit()
        if status == "available":
            self.queues.route_now()
            return self.agent(agent_id)
        return agent_json(moved)

    def _check_reason(self, status: str, reason: str | None) -> None:
        if reason is None:
            return
        config = self.queues.config
        if not isinstance(reason, str) or config.break_reason(reason) is None:
            known = ", ".join(r.code for r in config.break_reasons)
            raise UnknownStatus(f"unknown break reason {reason!r}: queues.yaml's break_reasons are {known}")
        if status != "break":
            raise UnknownStatus(f"a reason goes with break only, not with {status!r}")


def _spec(agent_id: str, data: dict) -> AgentSpec:
    if not isinstance(data, dict):
        raise BadAgent("the body must be a JSON object with name, contact and skills")
    fields = {k: v for k, v in data.items() if k != "id"}
    if "id" in data and data["id"] != agent_id:
        raise BadAgent(f"id {data['id']!r} differs from the agent {agent_id!r} in the URL")
    try:
        return AgentSpec.model_validate(fields)
    except ValidationError as exc:
        raise BadAgent("; ".join(_message(e) for e in exc.errors())) from None


def _message(error: dict) -> str:
    where = ".".join(str(p) for p in error["loc"] if p != "[key]")
    return f"{where}: {error['msg'].removeprefix('Value error, ')}" if where else error["msg"]
