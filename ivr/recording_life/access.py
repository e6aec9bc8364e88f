"""Who may list and play recordings: supervisors and admins (session) and the API token see all; an agent sees
the recordings of calls they answered, nobody else's."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from callqueue.tables import QueueEntryRow

ALL_ROLES = ("supervisor", "admin", "api")


@dataclass(frozen=True)
class Viewer:
    """Who is asking: `actor` for the audit log ("api-token" or a username), a role, the agent id of an agent."""

    actor: str
    role: str
    agent_id: str | None = None
    user_id: int | None = None

    @property
    def sees_all(self) -> bool:
        return self.role in ALL_ROLES


API = Viewer("api-token", "api")


def answered_by(agent_id: str):
    """A select of the CallSids an agent answered (for `IN`)."""
    return select(QueueEntryRow.call_sid).where(QueueEntryRow.agent_id == agent_id, QueueEntryRow.answered_at.is_not(None))


def visible_calls(viewer: Viewer):
    """None (every call) for those who see all; the agent's answered calls; nothing for anyone else."""
    if viewer.sees_all:
        return None
    return answered_by(viewer.agent_id or "")


def may_open(session, viewer: Viewer, call_sid: str) -> bool:
    if viewer.sees_all:
        return True
    if not viewer.agent_id:
        return False
    return session.scalar(answered_by(viewer.agent_id).where(QueueEntryRow.call_sid == call_sid).limit(1)) is not None
