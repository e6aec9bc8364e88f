"""The audit log: who did what, to whom, when and from which address; readable by admins."""
from __future__ import annotations

import logging
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta, timezone

from .repository import SqlAlchemyAuditRepository

log = logging.getLogger(__name__)
# The web layer sets the address of the request being served, so callers of `record` need not pass it.
REQUEST_IP: ContextVar[str] = ContextVar("audit_request_ip", default="")
SECRET_WORDS = ("password", "secret", "token")


class AuditLog:
    """`record(actor, action, target, **detail)` appends a row in a transaction of its own."""

    def __init__(self, uow, clock):
        self.uow, self.clock = uow, clock

    def record(self, actor: str, action: str, target: str = "", **detail) -> None:
        with self.uow() as uow:
            self.record_in(uow, actor, action, target, **detail)
            uow.commit()

    def record_in(self, uow, actor: str, action: str, target: str = "", **detail) -> None:
        """Append within the caller's unit of work (kept or rolled back with what it audits)."""
        SqlAlchemyAuditRepository(uow.session).add(self.clock.now(), actor[:64], action[:64], str(target)[:128],
                                                   _safe(action, detail), REQUEST_IP.get()[:64])

    def recent(self, limit: int = 100, action: str | None = None) -> list[dict]:
        with self.uow() as uow:
            return [_json(r) for r in SqlAlchemyAuditRepository(uow.session).recent(limit, action)]

    def search(self, action: str | None = None, actor: str | None = None, day: date | None = None, page: int = 1,
               per_page: int = 50) -> tuple[list[dict], bool]:
        """One page (from 1) of rows newest first, filtered by action, actor and UTC day; and whether more follow."""
        since = datetime.combine(day, time(), timezone.utc) if day else None
        until = since + timedelta(days=1) if since else None
        with self.uow() as uow:
            rows = SqlAlchemyAuditRepository(uow.session).search(action, actor, since, until, per_page + 1,
                                                                 (page - 1) * per_page)
        return [_json(r) for r in rows[:per_page]], len(rows) > per_page

    def actions(self) -> list[str]:
        """Every action the log holds (for the page's filter)."""
        with self.uow() as uow:
            return SqlAlchemyAuditRepository(uow.session).actions()


def _json(r) -> dict:
    return {"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "action": r.action, "target": r.target,
            "detail": r.detail, "ip": r.ip}


def _safe(action: str, detail: dict) -> dict:
    """The detail without anything named like a secret (a caller's mistake must not put a password in the log)."""
    dropped = [k for k in detail if any(word in k.lower() for word in SECRET_WORDS)]
    if dropped:
        log.warning("audit %s: left out the detail %s (secrets are never audited)", action, ", ".join(dropped))
    return {k: v for k, v in detail.items() if k not in dropped}
