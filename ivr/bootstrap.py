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
from .outbound.twilio_rest import TwilioRest
from .repository import SqlAlchemyUnitOfWork
from .secret_key import derived, server_secret
from .sensitive import Sealer
from .service import CallService
from .speech_service import SpeechService, build_speech
from .queue_exit import QueueExit
from callqueue.config import read_agents

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
    twilio: object = None  # the one outbound Twilio adapter (REST and media)

    @property
    def rest(self):
        """The Twilio adapter for those who redirect live calls; None (webhooks only) when REST is not set up."""
        return rest_only(self.twilio)

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


def build(settings: Settings, clock=None, twilio=None) -> Services:
    """Engine, schema, flows and services for `settings`; a database that is down is logged, not fatal.
    `twilio` is the outbound Twilio adapter (tests pass their fake); by default the real one, built once here."""
    clock = clock or SystemClock()
    twilio = twilio if twilio is not None else TwilioRest.from_settings(settings)
    engine = make_engine(settings.database, DbLimits.from_settings(settings))
    if settings.auto_migrate:
        _try_upgrade(engine)
    catalog = FlowCatalog(settings.flows_dir, clock, settings.reload_interval_s)
    catalog.load()
    uow = partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False), writer_lock_for(engine))
    store = RecordingStore(settings.recordings_dir, twilio)
    calls = CallService(uow, catalog, clock, RequestsJsonFetcher(), Sealer(derived(server_secret(settings), "sensitive-values")))
    languages = {lang for lf in catalog.current.values() for lang in lf.flow.languages}
    speech = build_speech(settings, languages, twilio)
    services = Services(settings, engine, catalog, calls, clock, RecordingService(uow, clock, store), speech,
                        twilio=twilio)
    services.queues, services.presence = _queues(settings, catalog, uow, clock, services.rest)
    calls.queues = services.queues
    services.store_versions()
    services.warm_prompts()
    return services


def rest_only(twilio):
    """`twilio` when it can reach Twilio's REST API (credentials and PUBLIC_BASE_URL set), else None."""
    return twilio if twilio is not None and twilio.rest_ready else None


def queue_exit(rest) -> QueueExit | None:
    """How the queue service moves a caller at once: a REST redirect, or None (the next wait-URL request does it)."""
    return QueueExit(rest) if rest is not None else None


def _queues(settings: Settings, catalog: FlowCatalog, uow, clock, rest) -> tuple[QueueService, PresenceService]:
    """The queue services on queues.yaml; agents.yaml's agents are put in the database (their status kept)."""
    config = catalog.queues or QueueConfig(queues={})
    queues = QueueService(uow, config, clock, queue_exit(rest))
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
