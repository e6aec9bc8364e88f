"""The board's read queries: every figure an aggregate in the database, never every row loaded into Python."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session, aliased

from callqueue.sqltypes import UtcDateTime
from callqueue.tables import AgentRow, AgentStatusLogRow, QueueEntryRow as E

from ..tables import SurveyAnswerRow
from . import service_level as sl
from .sql import answered, bucket, count_if, epoch_float, mean_if

WAIT_EDGES_S = (0, 10, 20, 30, 60, 120, 300)  # wait-time buckets: [0,10), [10,20) ... [300, more)


class BoardQueries:
    """Aggregates over queue entries, agents and survey answers, for one session (read only)."""

    def __init__(self, session: Session):
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def queue_totals(self, start: datetime, end: datetime, rules: dict[str, sl.Rule], now: datetime,
                     queue: str | None = None) -> dict[str, dict]:
        """Per queue (or only `queue`), callers who came in over [start, end): offered, answered, abandoned ... (by
        where they are now), and the service level's numerator and denominator as of `now` (service_level.py)."""
        done = answered()
        query = select(
            E.queue, func.count().label("offered"), count_if(done).label("answered"),
            count_if(E.status == "abandoned").label("abandoned"), count_if(E.status == "overflowed").label("overflowed"),
            count_if(sl.within(rules)).label("answered_within"), count_if(sl.counted(rules, now)).label("sl_counted"),
            mean_if(done, E.wait_seconds).label("asa_s"),
            func.avg(E.handle_seconds).label("aht_s"), func.sum(E.handle_seconds).label("handle_total_s"),
            func.max(E.wait_seconds).label("longest_wait_s"),
            mean_if(E.status == "abandoned", E.wait_seconds).label("abandoned_wait_s"),
        ).where(E.enqueued_at >= start, E.enqueued_at < end).group_by(E.queue)
        if queue is not None:
            query = query.where(E.queue == queue)
        return {row.queue: row._asdict() for row in self.session.execute(query)}

    def series(self, start: datetime, end: datetime, width_s: int, rules: dict[str, sl.Rule], now: datetime) -> list[dict]:
        """Per queue and slot of `width_s` after `start`: offered, answered, abandoned, within target and counted for
        the service level (as of `now`), estimates."""
        slot = bucket(E.enqueued_at, self.dialect, start, width_s).label("slot")
        told = and_(answered(), E.estimate_announced_s.is_not(None))
        query = select(
            E.queue, slot, func.count().label("offered"), count_if(answered()).label("answered"),
            count_if(E.status == "abandoned").label("abandoned"), count_if(sl.within(rules)).label("answered_within"),
            count_if(sl.counted(rules, now)).label("sl_counted"), count_if(told).label("estimates"),
            mean_if(told, E.estimate_announced_s).label("estimate_s"),
            mean_if(told, E.wait_seconds).label("actual_wait_s"),
            mean_if(told, func.abs(E.estimate_announced_s - E.wait_seconds)).label("estimate_error_s"),
        ).where(E.enqueued_at >= start, E.enqueued_at < end).group_by(E.queue, slot).order_by(slot, E.queue)
        return [row._asdict() for row in self.session.execute(query)]

    def wait_buckets(self, start: datetime, end: datetime) -> list[dict]:
        """Per queue, answered and abandoned callers by how long they waited (WAIT_EDGES_S)."""
        index = case(*((E.wait_seconds < high, i) for i, high in enumerate(WAIT_EDGES_S[1:])),
                     else_=len(WAIT_EDGES_S) - 1).label("bucket")
        query = select(E.queue, index, count_if(answered()).label("answered"),
                       count_if(E.status == "abandoned").label("abandoned")).where(
            E.enqueued_at >= start, E.enqueued_at < end, E.wait_seconds.is_not(None)).group_by(E.queue, index)
        return [row._asdict() for row in self.session.execute(query)]

    def waiting_now(self, queue: str | None = None) -> dict[str, dict]:
        """Per queue (or only `queue`): callers in line now (waiting or being offered) and when the longest waiting
        came in."""
        query = select(E.queue, func.count().label("waiting"), func.min(E.enqueued_at).label("oldest_at")).where(
            E.status.in_(("waiting", "offered"))).group_by(E.queue)
        if queue is not None:
            query = query.where(E.queue == queue)
        return {row.queue: row._asdict() for row in self.session.execute(query)}

    def agents_now(self) -> list[dict]:
        """Every agent with its status, since when, and the call it is on (the entry's call, queue and caller)."""
        query = select(AgentRow.id, AgentRow.name, AgentRow.status, AgentRow.status_since, AgentRow.skills,
                       AgentRow.calls_today, AgentRow.wrap_up_until, E.id.label("entry_id"), E.call_sid,
                       E.queue, E.from_number, E.answered_at).outerjoin(E, E.id == AgentRow.entry_id).order_by(AgentRow.id)
        return [row._asdict() for row in self.session.execute(query)]

    def agent_work(self, start: datetime, end: datetime) -> list[dict]:
        """Per (queue, agent) over callers offered in [start, end): calls answered, handle time, ASA of its callers."""
        query = select(
            E.queue, E.agent_id, count_if(answered()).label("answered"), func.sum(E.handle_seconds).label("handle_total_s"),
            func.avg(E.handle_seconds).label("aht_s"), mean_if(answered(), E.wait_seconds).label("asa_s"),
        ).where(E.enqueued_at >= start, E.enqueued_at < end, E.agent_id.is_not(None)).group_by(E.queue, E.agent_id)
        return [row._asdict() for row in self.session.execute(query)]

    def status_seconds(self, start: datetime, end: datetime) -> list[dict]:
        """Per (agent, status): seconds spent in it over [start, end), from the status log. The status in force at
        `start` (the last change at or before it) counts from `start`; each lasts until the agent's next change, the
        last one until `end` (pass the earlier of the period's end and now)."""
        log, prior = AgentStatusLogRow, aliased(AgentStatusLogRow)
        opening = select(func.max(prior.at)).where(prior.agent_id == log.agent_id, prior.at <= start).scalar_subquery()
        at_s = epoch_float(log.at, self.dialect)
        following = func.lead(at_s).over(partition_by=log.agent_id, order_by=(log.at, log.id))
        rows = select(log.agent_id, log.status, at_s.label("at_s"), following.label("next_s")).where(
            log.at < end, log.at >= func.coalesce(opening, literal(start, UtcDateTime()))).subquery()
        low, high = literal(start.timestamp()), literal(end.timestamp())
        begins = case((rows.c.at_s > low, rows.c.at_s), else_=low)
        ends = case((rows.c.next_s.is_(None), high), (rows.c.next_s < high, rows.c.next_s), else_=high)
        seconds = func.sum(case((ends > begins, ends - begins), else_=literal(0.0)))
        query = select(rows.c.agent_id, rows.c.status, seconds.label("seconds")).group_by(rows.c.agent_id, rows.c.status)
        return [row._asdict() for row in self.session.execute(query)]

    def dispositions(self, start: datetime, end: datetime, by: str) -> list[dict]:
        """Counts per (queue or agent, disposition); empty while queue_entries has no disposition column."""
        column = E.__table__.c.get("disposition")
        if column is None:
            return []
        key = E.queue if by == "queue" else E.agent_id
        query = select(key.label("key"), column.label("disposition"), func.count().label("calls")).where(
            E.enqueued_at >= start, E.enqueued_at < end, column.is_not(None)).group_by(key, column)
        return [row._asdict() for row in self.session.execute(query)]

    def survey_averages(self, start: datetime, end: datetime, by: str) -> list[dict]:
        """Average scale answers per (queue or agent, survey, question) of answered callers, over answers given in
        [start, end)."""
        key = E.queue if by == "queue" else E.agent_id
        score = func.avg(cast(SurveyAnswerRow.answer, Integer))
        query = select(key.label("key"), SurveyAnswerRow.survey, SurveyAnswerRow.question, score.label("average"),
                       func.count().label("answers")).join(E, E.call_sid == SurveyAnswerRow.call_sid).where(
            SurveyAnswerRow.answered_at >= start, SurveyAnswerRow.answered_at < end, SurveyAnswerRow.kind == "scale",
            SurveyAnswerRow.answer.is_not(None), answered(), E.agent_id.is_not(None)).group_by(
            key, SurveyAnswerRow.survey, SurveyAnswerRow.question)
        return [row._asdict() for row in self.session.execute(query)]

