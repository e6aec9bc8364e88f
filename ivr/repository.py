"""Repositories and the unit of work: the only code that talks to the database session."""
from __future__ import annotations

from datetime import datetime

from types import SimpleNamespace

from sqlalchemy import bindparam, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from callqueue.repository import SqlAlchemyQueueRepository
from callqueue.views import SqlAlchemyQueueViews
from recordings.repository import SqlAlchemyRecordingRepository
from callqueue.tables import QueueEntryRow
from recordings.tables import RecordingRow

from .desk.repository import SqlAlchemyDeskViews
from .flow.state import JournalEntry
from .tables import CallEventRow, CallRow, FlowVersionRow, SurveyAnswerRow


CALLS = CallRow.__table__
SAVED = ("node", "language", "variables", "invalid_count", "no_input_count", "flow_ended", "extras", "updated_at",
         "status", "ended_at", "duration_seconds")
# Prebuilt statements for the webhook path: one SELECT ... FOR UPDATE and one UPDATE per step, with no
# ORM unit of work in between (it cost more than half of a step: docs/performance.md).
RECORDINGS = RecordingRow.__table__
# Whether the server's whole-call recording of this call runs (or is paused), read with the row in the same
# statement: the recording policy looks the recording up only then, instead of one more query every step.
CAPTURING = (exists().where(RECORDINGS.c.call_sid == CALLS.c.call_sid, RECORDINGS.c.kind == "call",
                            or_(RECORDINGS.c.capture == "recording", RECORDINGS.c.capture == "paused"))
             .correlate(CALLS).label("capturing"))
# Whether the call ever waited in a queue: its final status callback settles the queue entry only then.
QUEUED = (exists().where(QueueEntryRow.__table__.c.call_sid == CALLS.c.call_sid).correlate(CALLS).label("queued"))
LOAD = select(CALLS, CAPTURING, QUEUED).where(CALLS.c.call_sid == bindparam("sid"))
EVENTS = CallEventRow.__table__
# The event rows of a step: one Core INSERT on the table (the ORM's bulk insert path cost twice as much).
LOG = EVENTS.insert()
LOAD_LOCKED = LOAD.with_for_update()
# Where `save` notes a call whose status it changed: ivr.live's capture writes the board's event before commit.
CALL_STATUS_CHANGES = "ivr.call_status_changes"
SAVE = update(CALLS).where(CALLS.c.id == bindparam("row_id")).values({name: bindparam(name) for name in SAVED})


class CallRecord(SimpleNamespace):
    """A call row read with Core for one webhook: plain attributes, written back by `save`."""


class SqlAlchemyCallRepository:
    """Calls and their event logs."""

    def __init__(self, session: Session):
        self.session = session
        self._statuses: dict[int, str] = {}  # the status each call read here had, to tell a change

    def get(self, call_sid: str, lock: bool = False) -> CallRecord | None:
        found = self.session.execute(LOAD_LOCKED if lock else LOAD, {"sid": call_sid}).one_or_none()
        if found is None:
            return None
        self._statuses[found.id] = found.status
        return CallRecord(**found._mapping)

    def save(self, row: CallRow | CallRecord) -> None:
        """Write back what a step changed (a new CallRow is written by the ORM when the session flushes)."""
        if isinstance(row, CallRecord):
            self.session.execute(SAVE, {"row_id": row.id, **{name: getattr(row, name) for name in SAVED}})
            if self._statuses.get(row.id) != row.status:
                self._statuses[row.id] = row.status
                self.session.info.setdefault(CALL_STATUS_CHANGES, []).append((row.call_sid, row.status))

    def add(self, row: CallRow) -> None:
        self.session.add(row)
        self.session.flush()

    def log(self, row: CallRow, entries: tuple[JournalEntry, ...] | list[JournalEntry]) -> None:
        """Append to the call's event log: one INSERT for all entries, nothing read back (the hot path)."""
        if not entries:
            return
        if row.id is None:
            self.session.flush()
        values = [dict(call_id=row.id, at=e.at, kind=e.kind, node=e.node, flow_version=row.flow_version,
                       detail=e.detail) for e in entries]
        self.session.execute(LOG, values)

    def recent(self, limit: int, offset: int = 0, status: str | None = None) -> list[CallRow]:
        query = select(CallRow).order_by(CallRow.started_at.desc(), CallRow.id.desc())
        if status:
            query = query.where(CallRow.status == status)
        return list(self.session.scalars(query.limit(limit).offset(offset)))

    def count(self) -> int:
        return self.session.scalar(select(func.count(CallRow.id))) or 0

    def in_progress(self, since: datetime) -> int:
        """Calls started since `since` that have not ended (no final status callback yet)."""
        query = select(func.count(CallRow.id)).where(CallRow.ended_at.is_(None), CallRow.started_at >= since)
        return self.session.scalar(query) or 0

    def with_events(self, call_sid: str) -> CallRow | None:
        query = select(CallRow).where(CallRow.call_sid == call_sid).options(selectinload(CallRow.events))
        return self.session.scalars(query).one_or_none()


class SqlAlchemyFlowVersionRepository:
    """Every flow version that ever answered a call, kept so its calls can finish on it."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, version: str) -> FlowVersionRow | None:
        return self.session.scalars(select(FlowVersionRow).where(FlowVersionRow.version == version)).one_or_none()

    def add(self, name: str, version: str, path: str, source: str, definition: dict, at: datetime) -> None:
        """Store a version once; another process storing the same one at the same moment is fine."""
        try:
            with self.session.begin_nested():
                self.session.add(FlowVersionRow(name=name, version=version, path=path, source=source,
                                                definition=definition, loaded_at=at))
        except IntegrityError:
            pass


    def all(self) -> list[FlowVersionRow]:
        return list(self.session.scalars(select(FlowVersionRow).order_by(FlowVersionRow.loaded_at.desc(), FlowVersionRow.id.desc())))


class SqlAlchemySurveyRepository:
    """Survey answers, for the reports."""

    def __init__(self, session: Session):
        self.session = session

    def answers(self, survey: str) -> list[SurveyAnswerRow]:
        query = select(SurveyAnswerRow).where(SurveyAnswerRow.survey == survey).order_by(SurveyAnswerRow.id)
        return list(self.session.scalars(query))


class SqlAlchemyUnitOfWork:
    """One transaction: `with uow:` opens it, `uow.commit()` keeps it, leaving without commit rolls back."""

    def __init__(self, session_factory: sessionmaker, writer_lock=None):
        self.session_factory, self.writer_lock = session_factory, writer_lock

    def __enter__(self) -> "SqlAlchemyUnitOfWork":
        self._held = self.writer_lock() if self.writer_lock else None
        if self._held is not None:
            self._held.__enter__()
        self.session = self.session_factory()
        self.calls = SqlAlchemyCallRepository(self.session)
        self.flow_versions = SqlAlchemyFlowVersionRepository(self.session)
        self.recordings = SqlAlchemyRecordingRepository(self.session)
        self.queues = SqlAlchemyQueueRepository(self.session)
        self.queue_views = SqlAlchemyQueueViews(self.session)
        self.surveys = SqlAlchemySurveyRepository(self.session)
        self.desk = SqlAlchemyDeskViews(self.session)
        return self

    def __exit__(self, *exc) -> None:
        # close() rolls back what was not committed, and (unlike rollback()) leaves loaded rows readable.
        try:
            self.session.close()
        finally:
            if self._held is not None:
                self._held.__exit__(None, None, None)

    def commit(self) -> None:
        self.session.commit()
