"""After a load run, the database's word on it: no call lost, no double offer.

- lost: a call whose status callback (completed) the server answered, but whose row is missing or not completed,
  or that still has a queue entry waiting or offered;
- double offer: two offers of one agent, or of one queue entry, whose [offered_at, released_at) overlap (an open
  offer counts until now), i.e. an agent given two callers at once or a caller given to two agents.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, text

CHUNK = 500

OVERLAP = """
SELECT count(*) FROM queue_assignments a JOIN queue_assignments b
  ON a.{key} = b.{key} AND a.id < b.id
 AND b.offered_at < coalesce(a.released_at, '9999-12-31') AND a.offered_at < coalesce(b.released_at, '9999-12-31')
"""


@dataclass(frozen=True)
class Verdict:
    calls_checked: int
    lost: list[str]
    agent_double_offers: int
    entry_double_offers: int
    offers: int
    answered: int

    def lines(self) -> list[str]:
        return [f"database check: {self.calls_checked} completed calls, {len(self.lost)} lost"
                + (f" (e.g. {', '.join(self.lost[:3])})" if self.lost else ""),
                f"queue: {self.offers} offers, {self.answered} answered; double offers: "
                f"{self.agent_double_offers} of one agent, {self.entry_double_offers} of one caller"]

    @property
    def ok(self) -> bool:
        return not self.lost and not self.agent_double_offers and not self.entry_double_offers


def check(database_url: str, completed_call_sids: list[str]) -> Verdict:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            lost = []
            for start in range(0, len(completed_call_sids), CHUNK):
                lost += _lost(conn, completed_call_sids[start:start + CHUNK])
            agent_doubles = conn.execute(text(OVERLAP.format(key="agent_id"))).scalar_one()
            entry_doubles = conn.execute(text(OVERLAP.format(key="entry_id"))).scalar_one()
            offers = conn.execute(text("SELECT count(*) FROM queue_assignments")).scalar_one()
            answered = conn.execute(text("SELECT count(*) FROM queue_assignments WHERE outcome = 'answered'")).scalar_one()
    finally:
        engine.dispose()
    return Verdict(len(completed_call_sids), lost, agent_doubles, entry_doubles, offers, answered)


def _lost(conn, sids: list[str]) -> list[str]:
    params = {f"s{i}": sid for i, sid in enumerate(sids)}
    names = ", ".join(f":s{i}" for i in range(len(sids)))
    completed = {row[0] for row in conn.execute(
        text(f"SELECT call_sid FROM calls WHERE status = 'completed' AND call_sid IN ({names})"), params)}
    stuck = {row[0] for row in conn.execute(
        text(f"SELECT call_sid FROM queue_entries WHERE status IN ('waiting', 'offered') AND call_sid IN ({names})"),
        params)}
    return [sid for sid in sids if sid not in completed or sid in stuck]
