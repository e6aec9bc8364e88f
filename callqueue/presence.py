"""Agent presence: agents created or updated (from agents.yaml at start, or the API), and the statuses people set."""
from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from . import model
from .config import AgentSpec
from .errors import BadAgent, UnknownAgent
from .model import Agent
from .repository import SqlAlchemyQueueRepository
from .rows import agent_json, agent_of, write_agent
from .tables import AgentRow


class PresenceService:
    """Agents and the statuses people set; a status that frees an agent routes at once."""

    def __init__(self, uow, clock, queues):
        self.uow, self.clock, self.queues = uow, clock, queues

    def agents(self) -> list[dict]:
        with self.uow() as uow:
            return [agent_json(row) for row in SqlAlchemyQueueRepository(uow.session).agents()]

    def agent(self, agent_id: str) -> dict:
        with self.uow() as uow:
            row = SqlAlchemyQueueRepository(uow.session).agent(agent_id)
            if row is None:
                raise UnknownAgent(f"no agent {agent_id!r}")
            return agent_json(row)

    def save(self, agent_id: str, data: dict) -> tuple[dict, bool]:
        """Create or update an agent from API data (name, contact, skills); its status is kept. True when created."""
        spec = _spec(agent_id, data)
        with self.uow() as uow:
            repo = SqlAlchemyQueueRepository(uow.session)
            row = repo.agent(agent_id, lock=True)
            created = row is None
            row = row or AgentRow(id=agent_id, status="offline", calls_today=0, missed_calls=0)
            row.name, row.contact, row.skills = spec.name, spec.contact, dict(spec.skills)
            row.updated_at = self.clock.now()
            if created:
                repo.add(row)
            uow.commit()
            body = agent_json(row)
        self.queues.route_now()
        return body, created

    def seed(self, agents: list[Agent]) -> None:
        """Agents from agents.yaml: new ones start offline; known ones get the file's name, contact and skills."""
        for agent in agents:
            self.save(agent.id, {"name": agent.name, "contact": agent.contact, "skills": dict(agent.skills)})

    def set_status(self, agent_id: str, status: str) -> dict:
        """A person sets offline, available or break (UnknownStatus, InvalidTransition otherwise)."""
        now = self.clock.now()
        with self.uow() as uow:
            row = SqlAlchemyQueueRepository(uow.session).agent(agent_id, lock=True)
            if row is None:
                raise UnknownAgent(f"no agent {agent_id!r}")
            _move(row, status, now)
            uow.commit()
            body = agent_json(row)
        if status == "available":
            self.queues.route_now()
            return self.agent(agent_id)
        return body


def _move(row: AgentRow, status: str, now: datetime) -> None:
    write_agent(row, model.set_status(agent_of(row), status, now), now)
    row.wrap_up_until = None if row.status != "wrap_up" else row.wrap_up_until


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
