"""The timer lease: one row per timer loop naming the process that runs it, until when, and its last pass.

Every server process (and any `ivr worker`) runs a timer loop, but only the holder of the lease does the work:
it renews the lease on each pass; when it stops renewing (a crash, a stopped host), another process takes the
lease once it has expired. Any process can read the last pass, so the health check of every worker can tell
when no loop has run for a while.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from callqueue.sqltypes import UtcDateTime

from .tables import Base

QUEUE_TIMERS = "queue"
NEVER = datetime.fromisoformat("2000-01-01T00:00:00+00:00")


class TimerLeaseRow(Base):
    """Who runs the timer loop `name`, until when, and when it last finished a pass."""

    __tablename__ = "timer_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128), default="")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_pass_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_pass_by: Mapped[str] = mapped_column(String(128), default="")


LEASES = TimerLeaseRow.__table__


@dataclass(frozen=True)
class LastPass:
    at: datetime
    by: str


def holder_name() -> str:
    """This process, as the lease names it: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class TimerLease:
    """`holder`'s claim on the timer loop `name`, kept `ttl_s` past each renewal."""

    def __init__(self, uow, clock, holder: str, name: str = QUEUE_TIMERS, ttl_s: float = 15.0):
        self.uow, self.clock, self.holder, self.name, self.ttl_s = uow, clock, holder, name, ttl_s

    def claim(self) -> bool:
        """Take or renew the lease; False while another holder's lease runs."""
        now = self.clock.now()
        mine_or_free = (LEASES.c.holder == self.holder) | (LEASES.c.expires_at < now)
        renew = (update(LEASES).where(LEASES.c.name == self.name, mine_or_free)
                 .values(holder=self.holder, expires_at=now + timedelta(seconds=self.ttl_s)))
        with self.uow() as uow:
            if uow.session.execute(renew).rowcount == 1:
                uow.commit()
                return True
            exists = uow.session.execute(select(LEASES.c.name).where(LEASES.c.name == self.name)).first()
        return False if exists else self._first_claim(now)

    def passed(self) -> None:
        """Note a finished pass (any process's health check reads it)."""
        now = self.clock.now()
        with self.uow() as uow:
            uow.session.execute(update(LEASES).where(LEASES.c.name == self.name)
                                .values(last_pass_at=now, last_pass_by=self.holder))
            uow.commit()

    def release(self) -> None:
        """Give the lease up at once (a clean stop), so another process need not wait for it to expire."""
        with self.uow() as uow:
            uow.session.execute(update(LEASES).where(LEASES.c.name == self.name, LEASES.c.holder == self.holder)
                                .values(expires_at=NEVER))
            uow.commit()

    def _first_claim(self, now: datetime) -> bool:
        row = dict(name=self.name, holder=self.holder, expires_at=now + timedelta(seconds=self.ttl_s), last_pass_by="")
        try:
            with self.uow() as uow:
                uow.session.execute(insert(LEASES).values(row))
                uow.commit()
        except IntegrityError:
            return False  # another process made the row first: it holds the lease
        return True


def last_pass(uow, name: str = QUEUE_TIMERS) -> LastPass | None:
    """When the timer loop `name` last finished a pass, and in which process; None if it never has."""
    with uow() as u:
        found = u.session.execute(select(LEASES.c.last_pass_at, LEASES.c.last_pass_by)
                                  .where(LEASES.c.name == name)).first()
    return LastPass(found.last_pass_at, found.last_pass_by) if found and found.last_pass_at else None
