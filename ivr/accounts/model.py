"""Users as the rest of the code sees them, roles, and the rules for names and passwords (plain Python)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .errors import BadUserInput

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 256
LANGUAGES = ("ko", "en")


class Role(str, Enum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    """A signed-in person: `agent_id` is set for agents only."""

    id: int
    username: str
    role: str
    agent_id: str | None
    language: str


def check_username(username) -> str:
    """The username, lower-cased; BadUserInput unless 2-64 of a-z 0-9 . _ - (starting with a letter or digit)."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username.strip().lower()):
        raise BadUserInput("username: 2 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")
    return username.strip().lower()


def check_role(role) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise BadUserInput(f"role {str(role)[:32]!r} is unknown: use agent, supervisor or admin") from None


def check_password(password, username: str) -> str:
    """BadUserInput for an empty, short, overlong or obvious password (the message never repeats it)."""
    if not isinstance(password, str) or not password:
        raise BadUserInput("password is required")
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadUserInput(f"password is too short: use at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise BadUserInput(f"password is too long: use at most {MAX_PASSWORD_CHARS} characters")
    if len(set(password)) < 4 or username in password.lower():
        raise BadUserInput("password is too easy to guess: do not repeat a few characters or use the username")
    return password


def check_language(language) -> str:
    if language not in LANGUAGES:
        raise BadUserInput(f"language {str(language)[:16]!r} is unknown: use {' or '.join(LANGUAGES)}")
    return language


def check_agent(role: Role, agent_id) -> str | None:
    """Agents must name their agent id; other roles must not."""
    if role is Role.AGENT:
        if not isinstance(agent_id, str) or not agent_id.strip():
            raise BadUserInput("an agent user needs an agent id (--agent kim, or \"agent\": \"kim\")")
        return agent_id.strip()
    if agent_id:
        raise BadUserInput(f"only agent users have an agent id; a {role.value} has none")
    return None
