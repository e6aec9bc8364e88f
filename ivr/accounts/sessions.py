"""Server-side sessions: a random id in the signed cookie, its hash in `user_sessions`, so a session can be ended
for real (sign-out, sign out everywhere, a password change, a disabled user) even if its cookie was copied."""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from .tables import SessionRow, UserRow

log = logging.getLogger(__name__)
TOUCH_EVERY_S = 60  # seen_at is written at most this often per session: a busy desk is not a write per request


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SqlAlchemySessionRepository:
    """Session rows on one unit of work's session."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, token: str, user_id: int, at: datetime) -> None:
        self.session.add(SessionRow(token_hash=token_hash(token), user_id=user_id, created_at=at, seen_at=at))

    def live(self, token: str) -> tuple[SessionRow, UserRow] | None:
        """The session and its user, unless the session was revoked."""
        query = (select(SessionRow, UserRow).join(UserRow, UserRow.id == SessionRow.user_id)
                 .where(SessionRow.token_hash == token_hash(token), SessionRow.revoked_at.is_(None)))
        found = self.session.execute(query).one_or_none()
        return (found[0], found[1]) if found else None

    def touch(self, session_id: int, at: datetime) -> None:
        self.session.execute(update(SessionRow).where(SessionRow.id == session_id).values(seen_at=at))

    def revoke(self, at: datetime, user_id: int | None = None, token: str | None = None,
               keep_token: str | None = None) -> int:
        """Revoke one session (`token`) or every live one of `user_id` but `keep_token`'s; how many ended."""
        query = update(SessionRow).where(SessionRow.revoked_at.is_(None))
        if token is not None:
            query = query.where(SessionRow.token_hash == token_hash(token))
        if user_id is not None:
            query = query.where(SessionRow.user_id == user_id)
        if keep_token is not None:
            query = query.where(SessionRow.token_hash != token_hash(keep_token))
        return self.session.execute(query.values(revoked_at=at)).rowcount

    def prune(self, unused_before: datetime) -> None:
        """Forget sessions revoked or unused since `unused_before` (they can never be used again)."""
        self.session.execute(delete(SessionRow).where(
            or_(SessionRow.seen_at < unused_before, SessionRow.revoked_at < unused_before)))


class SessionStore:
    """Start, check and end sessions. `idle_s` is SESSION_IDLE_S: a session unused that long is over here too,
    not only in the cookie's own timestamp."""

    def __init__(self, uow, clock, idle_s: float = 1800.0):
        self.uow, self.clock, self.idle_s = uow, clock, idle_s

    def start(self, user_id: int) -> str:
        """A new session id for the cookie (only its hash is stored); old dead rows are pruned on the way."""
        token, now = secrets.token_urlsafe(32), self.clock.now()
        with self.uow() as uow:
            sessions = SqlAlchemySessionRepository(uow.session)
            sessions.prune(now - timedelta(seconds=self.idle_s + TOUCH_EVERY_S))
            sessions.add(token, user_id, now)
            uow.commit()
        return token

    def user_row(self, token, touch: bool) -> UserRow | None:
        """The live session's user row (None: unknown, revoked, unused too long, user disabled); `touch` notes use."""
        if not isinstance(token, str) or not token:
            return None
        now = self.clock.now()
        with self.uow() as uow:
            sessions = SqlAlchemySessionRepository(uow.session)
            found = sessions.live(token)
            if found is None:
                return None
            row, user = found
            if (now - row.seen_at).total_seconds() > self.idle_s + TOUCH_EVERY_S or user.disabled:
                return None
            if touch and (now - row.seen_at).total_seconds() >= TOUCH_EVERY_S:
                sessions.touch(row.id, now)
                uow.commit()
            return user

    def end(self, token) -> None:
        if isinstance(token, str) and token:
            with self.uow() as uow:
                SqlAlchemySessionRepository(uow.session).revoke(self.clock.now(), token=token)
                uow.commit()

    def end_all_in(self, uow, user_id: int, keep_token: str | None = None) -> int:
        """Within the caller's unit of work: end every session of the user (but `keep_token`'s)."""
        ended = SqlAlchemySessionRepository(uow.session).revoke(self.clock.now(), user_id=user_id, keep_token=keep_token)
        log.info("ended %d session(s) of user %s", ended, user_id)
        return ended
