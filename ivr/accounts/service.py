"""Accounts: create, list, disable and enable users; sign in with throttling; who a session belongs to."""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Callable

from sqlalchemy.exc import IntegrityError

from . import model
from .audit import AuditLog
from .errors import BadCredentials, BadUserInput, DuplicateUser, Throttled, UnknownUser
from .model import Role, User
from .passwords import Passwords
from .repository import SqlAlchemyFailureRepository, SqlAlchemyUserRepository
from .tables import UserRow

log = logging.getLogger(__name__)
MAX_FAILURES = 5
WINDOW_S = 15 * 60


class AccountService:
    """Users and sign-in. `file_agents()` gives the agent ids of agents.yaml (the agents table is asked too)."""

    def __init__(self, uow, clock, audit: AuditLog, file_agents: Callable[[], set[str]], passwords: Passwords | None = None,
                 max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S):
        self.uow, self.clock, self.audit, self.file_agents = uow, clock, audit, file_agents
        self.passwords = passwords or Passwords()
        self.max_failures, self.window_s = max_failures, window_s

    def add(self, username, password, role, agent_id=None, language="ko", actor: str = "system") -> dict:
        """A new user (BadUserInput, DuplicateUser); the password is kept only as an argon2 hash."""
        name = model.check_username(username)
        kind = model.check_role(role)
        agent = model.check_agent(kind, agent_id)
        model.check_password(password, name)
        model.check_language(language)
        if agent is not None and not self._agent_known(agent):
            raise BadUserInput(f"no agent {agent[:64]!r}: add it to flows/agents.yaml or with POST /api/agents first")
        row = UserRow(username=name, password_hash=self.passwords.hash(password), role=kind.value, agent_id=agent,
                      language=language, disabled=False, created_at=self.clock.now())
        with self.uow() as uow:
            users = SqlAlchemyUserRepository(uow.session)
            if users.by_name(name) is not None:
                raise DuplicateUser(f"user {name!r} exists already")
            try:
                users.add(row)
            except IntegrityError:  # another process added the same name a moment ago
                raise DuplicateUser(f"user {name!r} exists already") from None
            self.audit.record_in(uow, actor, "user.created", name, role=kind.value, agent=agent)
            uow.commit()
        log.info("user %s created (%s) by %s", name, kind.value, actor)
        return user_json(row)

    def users(self) -> list[dict]:
        with self.uow() as uow:
            return [user_json(row) for row in SqlAlchemyUserRepository(uow.session).all()]

    def set_disabled(self, username, disabled: bool, actor: str = "system") -> dict:
        """Disable (their sessions stop at their next request) or enable a user; UnknownUser if there is none."""
        name = str(username).strip().lower()
        with self.uow() as uow:
            users = SqlAlchemyUserRepository(uow.session)
            if not users.set_disabled(name, disabled):
                raise UnknownUser(f"no user {name[:64]!r}")
            self.audit.record_in(uow, actor, "user.disabled" if disabled else "user.enabled", name)
            uow.commit()
            return user_json(users.by_name(name))

    def sign_in(self, username, password, ip: str) -> User:
        """The user for a good name and password; BadCredentials (one message for every cause) or Throttled."""
        name = str(username or "").strip().lower()[:64]
        now = self.clock.now()
        with self.uow() as uow:  # a short read: the slow hash is checked outside any transaction
            by_name, by_ip = SqlAlchemyFailureRepository(uow.session).counts(name, ip, now - timedelta(seconds=self.window_s))
            row = SqlAlchemyUserRepository(uow.session).by_name(name) if name else None
        if max(by_name, by_ip) >= self.max_failures:
            self.audit.record("-", "sign_in.throttled", name, by="username" if by_name >= self.max_failures else "address")
            raise Throttled(f"too many failed sign-ins; try again in {round(self.window_s / 60)} minutes")
        if row is None or row.disabled or not self.passwords.verify(row.password_hash, str(password or "")):
            if row is None:
                self.passwords.check_unknown(str(password or ""))
            return self._failed(name, ip, "unknown user" if row is None else "disabled" if row.disabled else "wrong password")
        return self._succeeded(row, str(password))

    def _failed(self, name: str, ip: str, reason: str):
        with self.uow() as uow:
            SqlAlchemyFailureRepository(uow.session).add(self.clock.now(), name, ip)
            self.audit.record_in(uow, "-", "sign_in.failed", name, reason=reason)
            uow.commit()
        log.info("sign-in failed for %r from %s: %s", name, ip, reason)
        raise BadCredentials("wrong username or password")

    def _succeeded(self, row: UserRow, password: str) -> User:
        now = self.clock.now()
        rehashed = self.passwords.hash(password) if self.passwords.needs_rehash(row.password_hash) else None
        with self.uow() as uow:
            SqlAlchemyUserRepository(uow.session).signed_in(row.id, now, rehashed)
            SqlAlchemyFailureRepository(uow.session).forget(row.username, now - timedelta(seconds=self.window_s))
            self.audit.record_in(uow, row.username, "sign_in", row.username, role=row.role)
            uow.commit()
        return user_of(row)

    def signed_in_user(self, user_id) -> User | None:
        """The session's user, or None when there is none any more or it was disabled."""
        if not isinstance(user_id, int):
            return None
        with self.uow() as uow:
            row = SqlAlchemyUserRepository(uow.session).by_id(user_id)
        return None if row is None or row.disabled else user_of(row)

    def _agent_known(self, agent_id: str) -> bool:
        if agent_id in self.file_agents():
            return True
        with self.uow() as uow:
            return uow.queue_views.agent(agent_id) is not None


def user_of(row: UserRow) -> User:
    return User(row.id, row.username, row.role, row.agent_id, row.language)


def user_json(row: UserRow) -> dict:
    return {"username": row.username, "role": row.role, "agent": row.agent_id, "language": row.language,
            "disabled": row.disabled, "created_at": row.created_at.isoformat(),
            "last_login_at": row.last_login_at.isoformat() if row.last_login_at else None}


__all__ = ["AccountService", "Role", "User"]
