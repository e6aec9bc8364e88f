"""Repositories of the accounts on one unit of work's session: users, audit rows, failed sign-ins."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from .tables import AuditRow, SignInFailureRow, UserRow


class SqlAlchemyUserRepository:
    """Users by name or id."""

    def __init__(self, session: Session):
        self.session = session

    def by_name(self, username: str) -> UserRow | None:
        return self.session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()

    def by_id(self, user_id: int) -> UserRow | None:
        return self.session.get(UserRow, user_id)

    def all(self) -> list[UserRow]:
        return list(self.session.scalars(select(UserRow).order_by(UserRow.username)))

    def add(self, row: UserRow) -> None:
        self.session.add(row)
        self.session.flush()

    def set_disabled(self, username: str, disabled: bool) -> bool:
        """True when the user exists (whatever it was before)."""
        found = self.session.execute(update(UserRow).where(UserRow.username == username).values(disabled=disabled))
        return found.rowcount == 1

    def set_password(self, user_id: int, password_hash: str) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))

    def set_language(self, user_id: int, language: str) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(language=language))

    def signed_in(self, user_id: int, at: datetime, password_hash: str | None = None) -> None:
        values = {"last_login_at": at, **({"password_hash": password_hash} if password_hash else {})}
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))


class SqlAlchemyAuditRepository:
    """The audit log: appended to, read newest first."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, at: datetime, actor: str, action: str, target: str, detail: dict, ip: str) -> None:
        self.session.execute(insert(AuditRow).values(at=at, actor=actor, action=action, target=target,
                                                     detail=detail, ip=ip))

    def search(self, action: str | None, actor: str | None, since: datetime | None, until: datetime | None,
               limit: int, offset: int) -> list[AuditRow]:
        """Newest first, filtered by exact action and actor and by time (since <= at < until)."""
        query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit).offset(offset)
        for wanted, column in ((action, AuditRow.action), (actor, AuditRow.actor)):
            if wanted:
                query = query.where(column == wanted)
        if since is not None:
            query = query.where(AuditRow.at >= since)
        if until is not None:
            query = query.where(AuditRow.at < until)
        return list(self.session.scalars(query))

    def actions(self) -> list[str]:
        return list(self.session.scalars(select(AuditRow.action).distinct().order_by(AuditRow.action)))

    def recent(self, limit: int, action: str | None = None) -> list[AuditRow]:
        query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
        if action:
            query = query.where(AuditRow.action == action)
        return list(self.session.scalars(query))


class SqlAlchemyFailureRepository:
    """Failed sign-ins, shared by every worker and host through the database."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, at: datetime, username: str, ip: str) -> None:
        self.session.execute(insert(SignInFailureRow).values(at=at, username=username, ip=ip))

    def counts(self, username: str, ip: str, since: datetime) -> tuple[int, int]:
        """Failures since `since` for this username and for this address."""
        recent = SignInFailureRow.at >= since
        by_name = select(func.count()).where(recent, SignInFailureRow.username == username)
        by_ip = select(func.count()).where(recent, SignInFailureRow.ip == ip)
        return self.session.scalar(by_name) or 0, self.session.scalar(by_ip) or 0

    def forget(self, username: str, before: datetime) -> None:
        """A good sign-in clears its username's failures; everyone's older than the window go too."""
        self.session.execute(delete(SignInFailureRow).where(
            or_(SignInFailureRow.username == username, SignInFailureRow.at < before)))
