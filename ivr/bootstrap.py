"""The composition root: the one place that picks the concrete classes and wires them together."""
from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from callqueue.presence import PresenceService
from callqueue.queues import QueueConfig
from callqueue.service import QueueService
from recordings.pipeline import DownloadPolicy, RecordingPipeline
from recordings.service import RecordingService
from recordings.retention import Retention
from recordings.store import LocalRecordingStore, RecordingAudio, RecordingStore
from recordings.transcripts import Transcriber

from .accounts.audit import AuditLog
from .accounts.service import AccountService
from .board.funnel import FunnelService
from .board.service import BoardReports, sensitive_names
from .catalog import FlowCatalog
from .flow.schedule import next_open
from .clock import SystemClock
from .config import Settings
from .desk.service import DeskService
from .db import DbLimits, make_engine, upgrade, writer_lock_for
from .flow.texts import static_prompts
from .http_fetch import LocalFirstFetcher, RequestsJsonFetcher
from .live.capture import install as capture_live_events
from .live.hub import LiveHub
from .outbound.twilio_rest import TwilioRest
from .repository import SqlAlchemyUnitOfWork
from .secret_key import derived, server_secret
from .sensitive import Sealer
from .service import CallService
from .speech_service import SpeechService, build_speech
from .queue_exit import QueueExit
from .recording_life.links import PlaybackLinks
from .recording_life.service import RecordingLife
from .recording_policy import RecordingPolicy
from .event_loop import off_the_event_loop
from .tables import CallRow
from callqueue.config import read_agents, read_queues

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
    desk: DeskService | None = None  # the agent desk's domain (caller card, wrap-up, my day, browser-phone token)
    audit: AuditLog | None = None         # services.audit.record(actor, action, target, **detail)
    accounts: AccountService | None = None  # users, sign-in with throttling, whose session this is
    live: LiveHub | None = None  # the live feed: `live.response(audiences, last_event_id)` is an SSE stream
    reports: object = None  # the board: wallboard, reports, exports, abandoned callers and call-backs (BoardReports)
    funnel: FunnelService | None = None  # the IVR funnel of each flow (board pages, /api/flows/<name>/funnel)
    recording_pipeline: RecordingPipeline | None = None  # the timer job downloading recordings (None: no store)
    transcripts: Transcriber | None = None  # offline transcripts of downloaded recordings (timer job, backlog command)
    retention: Retention | None = None  # deletes recordings past their kind's keep-days (timer job), never held ones
    recording_life: RecordingLife | None = None  # search, signed playback (audited), legal hold, the voicemail inbox

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


OVERRIDES = frozenset({"clock", "twilio", "fetcher", "local_app", "recording_store", "recording_fetcher", "speech",
                       "passwords"})


def build(settings: Settings, **overrides) -> Services:
    """Engine, schema, flows and services for `settings`; a database that is down is logged, not fatal.

    The one composition root: every collaborator is chosen here and handed to the services as they are made
    (nothing is reassigned afterwards). Named `overrides` replace a default (tests, the simulator and flow tests
    pass their fakes this way; any other name is refused):

    - `clock`: the clock of every service (default: the system clock);
    - `twilio`: the outbound Twilio adapter, REST and media (default: the real one, built once here);
    - `fetcher`: what http nodes fetch absolute URLs with (default: requests, with the webhook's budget);
    - `local_app`: the Flask app answering http nodes' relative URLs in-process (`create_app` passes itself;
      None: every URL goes to `fetcher`);
    - `recording_store`: the `RecordingStore` keeping downloaded recordings (default: files under RECORDINGS_DIR;
      None: nothing is downloaded);
    - `recording_fetcher`: what speech recognition downloads a caller's recording with (default: `twilio`);
    - `speech`: the whole SpeechService (default: built from the settings and the flows' languages);
    - `passwords`: how users' passwords are hashed (default: argon2id with argon2-cffi's parameters).
    """
    unknown = set(overrides) - OVERRIDES
    if unknown:
        raise TypeError(f"build() got unknown override(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(OVERRIDES))}")
    clock = overrides.get("clock") or SystemClock()
    twilio = overrides["twilio"] if overrides.get("twilio") is not None else TwilioRest.from_settings(settings)
    engine, uow = _database(settings, clock)
    catalog = FlowCatalog(settings.flows_dir, clock, settings.reload_interval_s)
    catalog.load()
    store = overrides["recording_store"] if "recording_store" in overrides else recording_store(settings)
    speech = overrides.get("speech") or build_speech(settings, {lang for lf in catalog.current.values() for lang in lf.flow.languages},
                                                     overrides.get("recording_fetcher", twilio))
    queues, presence = _queues(settings, catalog, uow, clock, rest_only(twilio))
    calls = CallService(uow, catalog, clock, _http_fetcher(overrides), Sealer(derived(server_secret(settings), "sensitive-values")),
                        queues=queues, speech=speech, webhook_budget_s=settings.webhook_budget_s,
                        recording=RecordingPolicy(lambda: catalog.queues, rest_only(twilio)))
    desk = DeskService(uow, clock, queues, settings, partial(_sensitive_variables, catalog))
    audit = AuditLog(uow, clock)
    accounts = AccountService(uow, clock, audit, partial(_file_agent_ids, settings.flows_dir), overrides.get("passwords"),
                              session_idle_s=settings.session_idle_s)
    reports = BoardReports(engine, uow, queues, clock, lambda: rest_only(twilio), partial(sensitive_names, catalog),
                           audit=lambda: audit)
    services = Services(settings, engine, catalog, calls, clock, RecordingService(uow, clock, store is not None), speech,
                        queues, presence, twilio, desk, audit, accounts, LiveHub(engine, clock, settings.live_keep_s),
                        reports, funnel_service(uow, catalog, clock), recording_pipeline(settings, uow, clock, twilio, store),
                        *_recording_life(settings, uow, clock, speech, audit, reports, catalog, store, queues))
    services.store_versions()
    services.warm_prompts()
    return services


def recording_pipeline(settings: Settings, uow, clock, twilio, store) -> RecordingPipeline | None:
    """The download job on `store` (None without one); its claims name this host and process."""
    if store is None:
        return None
    from callqueue.timer_lease import holder_name

    policy = DownloadPolicy(max_attempts=settings.recordings_download_attempts,
                            base_delay_s=settings.recordings_retry_base_s,
                            delete_from_twilio=settings.recordings_delete_from_twilio)
    return RecordingPipeline(uow, clock, twilio, store, holder_name, policy)


def recording_store(settings: Settings) -> RecordingStore:
    """The store RECORDINGS_STORE names (`package.module:factory`, called with the settings: S3-compatible storage,
    say), else files under RECORDINGS_DIR. The server, `ivr worker` and `ivr recordings` all use this one.
    SettingsError when the name cannot be loaded or the factory fails."""
    if not settings.recordings_store:
        return LocalRecordingStore(settings.recordings_dir)
    import importlib

    from .config import SettingsError

    module_name, _, factory_name = settings.recordings_store.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), factory_name)
        store = factory(settings)
    except Exception as exc:  # noqa: BLE001 - any failure here is a configuration error, said clearly
        raise SettingsError(f"RECORDINGS_STORE={settings.recordings_store!r}: could not make the recording store: "
                            f"{type(exc).__name__}: {exc}") from exc
    missing = [m for m in ("put", "open", "delete", "exists") if not callable(getattr(store, m, None))]
    if missing:
        raise SettingsError(f"RECORDINGS_STORE={settings.recordings_store!r}: the store has no {', '.join(missing)}")
    return store


def recording_jobs(settings: Settings, clock=None, twilio=None, store=None, recognizers=None) -> tuple:
    """The recording jobs of `ivr worker`'s timer loop (TIMERS=0 deployments), the same as the servers' timers:
    downloads, transcripts (when speech is on and a model loads; else logged and left to the servers' timers or
    the backlog command) and retention. `twilio`, `store` and `recognizers` default to the settings' own."""
    clock = clock or SystemClock()
    _engine, uow = _database(settings, clock, migrate=False)
    store = store if store is not None else recording_store(settings)
    audio = RecordingAudio(store, settings.recordings_dir)
    twilio = twilio if twilio is not None else TwilioRest.from_settings(settings)
    jobs: list = [recording_pipeline(settings, uow, clock, twilio, store)]
    if recognizers is None:
        try:
            recognizers = _recognizers(settings)
        except ValueError as exc:
            log.warning("worker: recordings are not transcribed here: %s", exc)
            recognizers = {}
    if recognizers:
        jobs.append(Transcriber(uow, clock, recognizers, call_language, audio).job)
    jobs.append(_retention(settings, uow, clock, audio, AuditLog(uow, clock)).job)
    return tuple(jobs)


def _recording_life(settings: Settings, uow, clock, speech: SpeechService, audit, reports, catalog, store, queues):
    """Transcripts, retention and people's access to recordings, on the recording store and the server secret."""
    audio = RecordingAudio(store, settings.recordings_dir)
    transcripts = Transcriber(uow, clock, speech.recognizers, call_language, audio, off_the_event_loop)
    retention = _retention(settings, uow, clock, audio, audit)
    links = PlaybackLinks(derived(server_secret(settings), "recording-links"), clock, settings.recordings_link_ttl_s)
    life = RecordingLife(uow, clock, audio, links, audit, lambda: reports.callbacks, partial(_sensitive_variables, catalog),
                         queues.callbacks)
    return transcripts, retention, life


def _retention(settings: Settings, uow, clock, audio: RecordingAudio, audit) -> Retention:
    keep = {"voicemail": settings.recordings_keep_days_voicemail, "call": settings.recordings_keep_days_call}
    return Retention(uow, clock, keep, audio, audit)


def call_language(uow, call_sid: str) -> str:
    """The language a call was in (its flow's choice), for the transcript's model."""
    return uow.session.scalar(select(CallRow.language).where(CallRow.call_sid == call_sid)) or ""


def build_transcriber(settings: Settings) -> Transcriber:
    """The transcriber alone (for `ivr recordings transcribe`): the database, the recording store and a vosk model
    per flow language. ValueError saying why when speech is off or no model loads."""
    recognizers = _recognizers(settings)
    _engine, uow = _database(settings, SystemClock(), migrate=False)
    return Transcriber(uow, SystemClock(), recognizers, call_language,
                       RecordingAudio(recording_store(settings), settings.recordings_dir))


def _recognizers(settings: Settings) -> dict:
    """A loaded vosk recognizer per flow language; ValueError saying why when speech is off or none loads."""
    if settings.speech == "off":
        raise ValueError("speech recognition is off (SPEECH=off): turn it on to transcribe")
    catalog = FlowCatalog(settings.flows_dir)
    catalog.load()
    languages = {lang for lf in catalog.current.values() for lang in lf.flow.languages} or {"ko"}
    speech = build_speech(dataclasses.replace(settings, prompts="say"), languages)
    if not speech.recognizers:
        raise ValueError(f"no speech model could be loaded: {speech.problems}")
    return speech.recognizers


def build_queue(settings: Settings, clock=None) -> QueueService:
    """The queue service alone, on the database and queues.yaml (for `ivr worker` and `ivr stats`: no flows,
    no speech), wired as the server wires it: the writer lock on SQLite, REST moves when credentials are set."""
    config, problems = read_queues(settings.flows_dir)
    if problems:
        raise ValueError("\n".join(str(p) for p in problems))
    clock = clock or SystemClock()
    _engine, uow = _database(settings, clock, migrate=False)
    return QueueService(uow, config or QueueConfig(queues={}), clock,
                        queue_exit(rest_only(TwilioRest.from_settings(settings))))


def _database(settings: Settings, clock, migrate: bool = True):
    """The engine and the unit-of-work factory on it (with SQLite's one-writer lock); every session it makes
    writes the live feed's events with the changes they report."""
    engine = make_engine(settings.database, DbLimits.from_settings(settings))
    if migrate and settings.auto_migrate:
        _try_upgrade(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    capture_live_events(sessions, clock)
    return engine, partial(SqlAlchemyUnitOfWork, sessions, writer_lock_for(engine))


def _http_fetcher(overrides: dict):
    """http nodes' fetcher: relative URLs answered by the local app (when there is one), the others by `fetcher`."""
    network = overrides.get("fetcher") or RequestsJsonFetcher()
    app = overrides.get("local_app")
    if app is None:
        return network
    return LocalFirstFetcher(network, app)


def build_accounts(settings: Settings, engine: Engine | None = None) -> AccountService:
    """The accounts service alone, on the database and agents.yaml (for `ivr users`: no flows, no speech)."""
    engine = engine or make_engine(settings.database, DbLimits.from_settings(settings))
    uow = partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False), writer_lock_for(engine))
    clock = SystemClock()
    return AccountService(uow, clock, AuditLog(uow, clock), partial(_file_agent_ids, settings.flows_dir))


def _file_agent_ids(flows_dir) -> set[str]:
    """The agent ids agents.yaml defines (read when a user is added, so an edit counts at once)."""
    return {agent.id for agent in read_agents(flows_dir)[0]}


def funnel_service(uow, catalog: FlowCatalog, clock=None) -> FunnelService:
    """The funnel on the calls' database, its days in the center's time zone (queues.yaml `timezone`)."""
    return FunnelService(uow, catalog, catalog.queues.timezone if catalog.queues is not None else "UTC", clock)


def build_funnel(settings: Settings) -> FunnelService:
    """The funnel alone, on the database and the flows folder (for `ivr funnel`: no speech, no queues)."""
    catalog = FlowCatalog(settings.flows_dir)
    catalog.load()
    return funnel_service(_database(settings, SystemClock(), migrate=False)[1], catalog)


def rest_only(twilio):
    """`twilio` when it can reach Twilio's REST API (credentials and PUBLIC_BASE_URL set), else None."""
    return twilio if twilio is not None and twilio.rest_ready else None


def queue_exit(rest) -> QueueExit | None:
    """How the queue service moves a caller at once: a REST redirect, or None (the next wait-URL request does it)."""
    return QueueExit(rest) if rest is not None else None


def _queues(settings: Settings, catalog: FlowCatalog, uow, clock, rest) -> tuple[QueueService, PresenceService]:
    """The queue services on queues.yaml; agents.yaml's agents are put in the database (their status kept)."""
    config = catalog.queues or QueueConfig(queues={})
    queues = QueueService(uow, config, clock, queue_exit(rest), opening=partial(opening_hours, catalog))
    presence = PresenceService(uow, clock, queues)
    try:
        presence.seed(read_agents(settings.flows_dir)[0])
    except Exception:  # noqa: BLE001 - a database that is down must not stop the server from starting
        log.exception("could not store the agents of agents.yaml; will try at the next start")
    return queues, presence


def opening_hours(catalog: FlowCatalog, queue: str, moment):
    """When `queue` is next open at or after `moment`, by the business hours of the flow that enqueues to it (the
    first flow with an hours node when none does; always open without one). Callbacks wait for it."""
    hours = _hours_of(catalog, queue)
    if hours is None:
        return moment
    node, tz = hours
    return next_open(node.weekly, node.holidays, node.closures, node.timezone or tz, moment) or moment


def _hours_of(catalog: FlowCatalog, queue: str):
    found = []
    for loaded in catalog.current.values():
        nodes = loaded.flow.nodes.values()
        hours = [node for node in nodes if getattr(node, "kind", "") == "hours"]
        if hours:
            serves = any(getattr(node, "kind", "") == "enqueue" and node.queue == queue for node in nodes)
            found.append((not serves, (hours[0], loaded.flow.timezone)))
    return min(found, key=lambda item: item[0])[1] if found else None


def _sensitive_variables(catalog: FlowCatalog, version: str) -> frozenset[str]:
    """The variables a flow version's `sensitive: true` gathers collect (none for a version no longer known)."""
    loaded = catalog.version(version)
    return frozenset() if loaded is None else loaded.flow.sensitive_variables


def _try_upgrade(engine: Engine) -> None:
    try:
        upgrade(engine)
    except Exception:  # noqa: BLE001 - the server must still start and answer callers with the fallback
        log.exception("database %s could not be upgraded; calls get the fallback answer until it is back",
                      engine.url.render_as_string(hide_password=True))
