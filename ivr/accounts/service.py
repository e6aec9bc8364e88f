"""Accounts: create, list, disable and enable users; sign in with throttling; sessions that can be ended; passwords
and languages the users change themselves."""
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
from .sessions import SessionStore
from .tables import UserRow

log = logging.getLogger(__name__)
MAX_FAILURES = 5
WINDOW_S = 15 * 60


class AccountService:
    """Users and sign-in. `file_agents()` gives the agent ids of agents.yaml (the agents table is asked too)."""

    def __init__(self, uow, clock, audit: AuditLog, file_agents: Callable[[], set[str]], passwords: Passwords | None = None,
                 max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S, session_idle_s: float = 1800.0):
        self.uow, self.clock, self.audit, self.file_agents = uow, clock, audit, file_agents
        self.passwords = passwords or Passwords()
        self.sessions = SessionStore(uow, clock, session_idle_s)
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
        """Disable (every session of theirs is ended) or enable a user; UnknownUser if there is none."""
        name = str(username).strip().lower()
        with self.uow() as uow:
            users = SqlAlchemyUserRepository(uow.session)
            if not users.set_disabled(name, disabled):
                raise UnknownUser(f"no user {name[:64]!r}")
            ended = self.sessions.end_all_in(uow, users.by_name(name).id) if disabled else 0
            self.audit.record_in(uow, actor, "user.disabled" if disabled else "user.enabled", name,
                                 **({"sessions_ended": ended} if disabled else {}))
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

    def start_session(self, user: User) -> str:
        """A new server-side session for a signed-in user: the id to keep in the cookie."""
        return self.sessions.start(user.id)

    def session_user(self, token, touch: bool = True) -> User | None:
        """The user of a live session (None: no such session, ended, unused too long, or the user disabled)."""
        row = self.sessions.user_row(token, touch)
        return None if row is None else user_of(row)

    def sign_out(self, user: User, token) -> None:
        self.sessions.end(token)
        self.audit.record(user.username, "sign_out", user.username)

    def sign_out_everywhere(self, user: User, actor: str | None = None) -> int:
        """End every session of `user` (this one too); how many ended."""
        with self.uow() as uow:
            ended = self.sessions.end_all_in(uow, user.id)
            self.audit.record_in(uow, actor or user.username, "sign_out.everywhere", user.username, sessions_ended=ended)
            uow.commit()
        return ended

    def change_password(self, user: User, old: str, new: str, keep_token) -> int:
        """The user's own change: BadCredentials unless `old` is right, BadUserInput for a weak `new`; ends every
        other session of theirs (how many)."""
        model.check_password(new, user.username)
        with self.uow() as uow:
            row = SqlAlchemyUserRepository(uow.session).by_id(user.id)
        if row is None or row.disabled or not self.passwords.verify(row.password_hash, str(old or "")):
            self.audit.record(user.username, "password.change_failed", user.username)
            raise BadCredentials("the current password is wrong")
        return self._new_password(row.username, new, user.username, keep_token)

    def set_password(self, username, new, actor: str = "system") -> int:
        """An admin sets a user's password (UnknownUser, BadUserInput); every session of that user ends."""
        name = str(username).strip().lower()
        model.check_password(new, name)
        return self._new_password(name, new, actor, None)

    def _new_password(self, name: str, new: str, actor: str, keep_token) -> int:
        hashed = self.passwords.hash(new)
        with self.uow() as uow:
            users = SqlAlchemyUserRepository(uow.session)
            row = users.by_name(name)
            if row is None:
                raise UnknownUser(f"no user {name[:64]!r}")
            users.set_password(row.id, hashed)
            ended = self.sessions.end_all_in(uow, row.id, keep_token)
            self.audit.record_in(uow, actor, "password.changed", name, sessions_ended=ended)
            uow.commit()
        log.info("password of %s changed by %s; %d other session(s) ended", name, actor, ended)
        return ended

    def set_language(self, user: User, language: str) -> None:
        """Remember the language the user picked with the pages' switch."""
        model.check_language(language)
        with self.uow() as uow:
            SqlAlchemyUserRepository(uow.session).set_language(user.id, language)
            uow.commit()

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
