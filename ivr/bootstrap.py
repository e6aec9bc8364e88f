"""The composition root: the one place that picks the concrete classes and wires them together."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import partial

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from callqueue.presence import PresenceService
from callqueue.queues import QueueConfig
from callqueue.service import QueueService
from recordings.service import RecordingService
from recordings.store import RecordingStore

from .catalog import FlowCatalog
from .clock import SystemClock
from .config import Settings
from .db import DbLimits, make_engine, upgrade, writer_lock_for
from .flow.texts import static_prompts
from .http_fetch import RequestsJsonFetcher
from .repository import SqlAlchemyUnitOfWork
from .service import CallService
from .speech_service import SpeechService, build_speech
from .queuefiles import read_agents
from .telephony import telephony_for

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    catalog: FlowCatalog
    calls: CallService
    clock: object
    recordings: RecordingService
    speech: SpeechService
    queues: QueueService | None = None
    presence: PresenceService | None = None

    def uow(self) -> SqlAlchemyUnitOfWork:
        return self.calls.uow()

    def refresh_flows(self) -> None:
        """Pick up edited flow files (at most once a reload interval); cheap when nothing changed."""
        if self.settings.reload_interval_s > 0 and self.catalog.refresh(time.monotonic()):
            self.store_versions()
            self.warm_prompts()

    def warm_prompts(self) -> None:
        self.speech.warm([t for lf in self.catalog.current.values() for t in static_prompts(lf.flow)])

    def store_versions(self) -> None:
        try:
            self.calls.store_versions()
        except Exception:  # noqa: BLE001 - a database that is down must not stop flows from loading
            log.exception("could not store the loaded flow versions; will try again on the next change")


def build(settings: Settings, clock=None) -> Services:
    """Engine, schema, flows and services for `settings`; a database that is down is logged, not fatal."""
    clock = clock or SystemClock()
    engine = make_engine(settings.database, DbLimits.from_settings(settings))
    if settings.auto_migrate:
        _try_upgrade(engine)
    catalog = FlowCatalog(settings.flows_dir, clock, settings.reload_interval_s)
    catalog.load()
    uow = partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False), writer_lock_for(engine))
    store = RecordingStore(settings.recordings_dir, settings.twilio_account_sid, settings.twilio_auth_token)
    calls = CallService(uow, catalog, clock, RequestsJsonFetcher())
    languages = {lang for lf in catalog.current.values() for lang in lf.flow.languages}
    speech = build_speech(settings, languages)
    services = Services(settings, engine, catalog, calls, clock, RecordingService(uow, clock, store), speech)
    services.queues, services.presence = _queues(settings, catalog, uow, clock)
    calls.queues = services.queues
    services.store_versions()
    services.warm_prompts()
    return services


def _queues(settings: Settings, catalog: FlowCatalog, uow, clock) -> tuple[QueueService, PresenceService]:
    """The queue services on queues.yaml; agents.yaml's agents are put in the database (their status kept)."""
    config = catalog.queues or QueueConfig(queues={})
    queues = QueueService(uow, config, clock, telephony_for(settings))
    presence = PresenceService(uow, clock, queues)
    try:
        presence.seed(read_agents(settings.flows_dir)[0])
    except Exception:  # noqa: BLE001 - a database that is down must not stop the server from starting
        log.exception("could not store the agents of agents.yaml; will try at the next start")
    return queues, presence


def _try_upgrade(engine: Engine) -> None:
    try:
        upgrade(engine)
    except Exception:  # noqa: BLE001 - the server must still start and answer callers with the fallback
        log.exception("database %s could not be upgraded; calls get the fallback answer until it is back",
                      engine.url.render_as_string(hide_password=True))
