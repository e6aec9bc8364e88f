"""Settings from the environment, with embedded defaults that run on a laptop."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .outbound.hosts import DEFAULT_MEDIA_HOSTS, BadHostEntry, parse_media_hosts

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Twilio <Say> language tags for the flow language codes; flows name codes, Twilio wants tags.
SAY_LANGUAGES = {"ko": "ko-KR", "en": "en-US", "ja": "ja-JP", "zh": "cmn-CN", "es": "es-ES", "fr": "fr-FR", "de": "de-DE"}

APOLOGY = (
    ("ko", "죄송합니다. 일시적인 문제로 안내를 계속할 수 없습니다."),
    ("en", "We are sorry, we cannot continue this call because of a temporary problem."),
)


class SettingsError(ValueError):
    """A setting with a value we do not understand: said at start, never guessed at."""


def _choice(env, name: str, allowed: tuple[str, ...]) -> str:
    value = (env.get(name) or allowed[0]).strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name}={value!r}: use one of {', '.join(allowed)}")
    return value


def _base_url(env, name: str, default: str) -> str:
    value = (env.get(name) or default).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError(f"{name}={value!r}: use an http(s) URL such as {default}")
    return value


def _media_hosts(env) -> tuple[str, ...]:
    try:
        return parse_media_hosts(env.get("TWILIO_MEDIA_HOSTS", ""))
    except BadHostEntry as exc:
        raise SettingsError(f"TWILIO_MEDIA_HOSTS: {exc}; use a comma-separated list such as api.twilio.com") from None


def _positive_int(env, name: str, default: int) -> int:
    text = env.get(name) or str(default)
    if not text.strip().isdigit() or int(text) <= 0:
        raise SettingsError(f"{name}={text!r}: use a positive whole number")
    return int(text)


def _seconds(env, name: str, default: float) -> float:
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: give a number of seconds") from None
    if not 0 < value <= 60:
        raise SettingsError(f"{name}={raw!r}: give a number of seconds above 0 and at most 60")
    return value


def _idle_floor_s(env) -> float:
    """SESSION_IDLE_S's lowest value: 60 s when the site is served over https (production); 5 s on plain http
    (a developer's machine or the browser tests, which watch a page end at /login)."""
    return 60.0 if env.get("PUBLIC_BASE_URL", "").strip().lower().startswith("https://") else 5.0


def _number(env, name: str, default: float, low: float, high: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: not a number") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={raw!r}: use a number from {low:g} to {high:g}")
    return value


def _store_factory(env) -> str:
    """RECORDINGS_STORE: empty (files under RECORDINGS_DIR) or `package.module:factory`."""
    raw = env.get("RECORDINGS_STORE", "").strip()
    module, colon, factory = raw.partition(":")
    if raw and not (colon and module and factory.isidentifier()
                    and all(part.isidentifier() for part in module.split("."))):
        raise SettingsError(f"RECORDINGS_STORE={raw!r}: name a factory as package.module:function")
    return raw


@dataclass(frozen=True)
class Settings:
    """Everything the server reads from its environment; see the README's configuration reference."""

    database_url: str = ""
    flows_dir: Path = PROJECT_ROOT / "flows"
    twilio_auth_token: str = ""
    twilio_account_sid: str = ""
    public_base_url: str = ""
    api_token: str = ""
    fallback_number: str = ""
    host: str = "127.0.0.1"
    port: int = 5000
    auto_migrate: bool = True
    reload_interval_s: float = 2.0
    demo_endpoints: bool = True
    speech: str = "auto"          # auto: load vosk models for the flows' languages; off: keys only
    speech_mode: str = "record"   # record: <Record> then recognise; stream: <Connect><Stream> (media streams)
    prompts: str = "synth"        # synth: pyttsx3 prompts played from the cache; say: Twilio <Say>
    prompt_cache_dir: Path = PROJECT_ROOT / "instance" / "prompts"
    recordings_dir: Path = PROJECT_ROOT / "instance" / "recordings"
    log_level: str = "INFO"
    apology: tuple[tuple[str, str], ...] = APOLOGY
    say_languages: dict = field(default_factory=lambda: dict(SAY_LANGUAGES))
    twilio_api_base_url: str = "https://api.twilio.com"  # Twilio's REST API, or a stand-in in tests
    twilio_media_hosts: tuple[str, ...] = DEFAULT_MEDIA_HOSTS  # where recordings may be downloaded from
    twilio_media_max_bytes: int = 64_000_000
    secret_key: str = ""          # IVR_SERVER_SECRET: names prompt files, seals sensitive variables
    secret_key_file: Path = PROJECT_ROOT / "instance" / "secret_key"  # made (0600) when IVR_SERVER_SECRET is unset
    prompt_render_timeout_s: float = 3.0  # longer than this, a prompt is spoken by <Say> instead
    webhook_budget_s: float = 8.0       # past this a webhook answers the fallback (Twilio gives up at 15 s)
    webhook_concurrency: int = 32       # webhooks one process runs at once; the others wait in turn (budget.py)
    db_connect_timeout_s: float = 3.0
    db_statement_timeout_s: float = 5.0
    db_lock_timeout_s: float = 3.0
    db_pool_timeout_s: float = 3.0
    max_body_bytes: int = 1_048_576     # bigger request bodies are refused (413) before they are read
    timers: bool = True                 # the server runs the queue's timers itself (one process at a time)
    metrics_open: bool = False    # METRICS_OPEN=1: /metrics without the API token (a private scrape network)
    log_format: str = "text"      # text: human lines; json: one JSON object per line
    dev_open_api: bool = False    # development only: no IVR_API_TOKEN, yet the API answers loopback requests
    twilio_api_key: str = ""      # TWILIO_API_KEY (SK...): signs the desk's browser-phone access tokens
    twilio_api_secret: str = ""   # TWILIO_API_SECRET: the API key's secret
    twilio_twiml_app_sid: str = ""  # TWILIO_TWIML_APP_SID (AP...): the TwiML app a browser phone's outgoing calls use
    desk_token_ttl_s: int = 3600  # DESK_TOKEN_TTL_S: how long a browser-phone token lives (Twilio allows 24 h)
    session_idle_s: float = 1800.0  # a page session unused this long is over (sign in again)
    live_keep_s: float = 86400.0  # LIVE_KEEP_S: live-feed events older than this are pruned by the timers
    recordings_delete_from_twilio: bool = False  # RECORDINGS_DELETE_FROM_TWILIO=1: delete Twilio's copy once ours is verified
    recordings_download_attempts: int = 8  # RECORDINGS_DOWNLOAD_ATTEMPTS: tries before a download is marked failed
    recordings_retry_base_s: float = 30.0  # RECORDINGS_RETRY_BASE_S: first backoff; doubles each try (capped at 1 h)
    recordings_keep_days_voicemail: int = 90  # RECORDINGS_KEEP_DAYS_VOICEMAIL: voicemails deleted after (0: kept)
    recordings_keep_days_call: int = 30  # RECORDINGS_KEEP_DAYS_CALL: call recordings deleted after (0: kept)
    recordings_link_ttl_s: float = 900.0  # RECORDINGS_LINK_TTL_S: how long a signed playback link works
    barge_in: str = "on"          # BARGE_IN: on: a streaming menu plays its prompt into the stream, callers may interrupt
    recordings_store: str = ""    # RECORDINGS_STORE: `package.module:factory` of another RecordingStore (S3-compatible)

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values = dict(
            database_url=env.get("DATABASE_URL", ""),
            flows_dir=Path(env.get("FLOWS_DIR") or PROJECT_ROOT / "flows"),
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
            public_base_url=env.get("PUBLIC_BASE_URL", "").rstrip("/"),
            api_token=env.get("IVR_API_TOKEN", ""),
            fallback_number=env.get("FALLBACK_NUMBER", ""),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "5000")),
            auto_migrate=env.get("IVR_AUTO_MIGRATE", "1") not in ("0", "false", "no"),
            reload_interval_s=float(env.get("FLOWS_RELOAD_SECONDS", "2")),
            demo_endpoints=env.get("DEMO_ENDPOINTS", "1") not in ("0", "false", "no"),
            speech=_choice(env, "SPEECH", ("auto", "off")),
            speech_mode=_choice(env, "SPEECH_MODE", ("record", "stream")),
            prompts=_choice(env, "PROMPTS", ("synth", "say")),
            prompt_cache_dir=Path(env.get("PROMPT_CACHE_DIR") or PROJECT_ROOT / "instance" / "prompts"),
            recordings_dir=Path(env.get("RECORDINGS_DIR") or PROJECT_ROOT / "instance" / "recordings"),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            twilio_api_base_url=_base_url(env, "TWILIO_API_BASE_URL", "https://api.twilio.com"),
            twilio_media_hosts=_media_hosts(env),
            twilio_media_max_bytes=_positive_int(env, "TWILIO_MEDIA_MAX_BYTES", 64_000_000),
            secret_key=env.get("IVR_SERVER_SECRET", ""),
            secret_key_file=Path(env.get("IVR_SERVER_SECRET_FILE") or PROJECT_ROOT / "instance" / "secret_key"),
            prompt_render_timeout_s=_seconds(env, "PROMPT_RENDER_TIMEOUT_S", 3.0),
            webhook_budget_s=_number(env, "WEBHOOK_BUDGET_S", 8.0, 1.0, 14.0),
            webhook_concurrency=int(_number(env, "WEBHOOK_CONCURRENCY", 32, 1, 10_000)),
            db_connect_timeout_s=_number(env, "DB_CONNECT_TIMEOUT_S", 3.0, 1.0, 60.0),
            db_statement_timeout_s=_number(env, "DB_STATEMENT_TIMEOUT_S", 5.0, 0.0, 3600.0),
            db_lock_timeout_s=_number(env, "DB_LOCK_TIMEOUT_S", 3.0, 0.0, 3600.0),
            db_pool_timeout_s=_number(env, "DB_POOL_TIMEOUT_S", 3.0, 0.1, 60.0),
            max_body_bytes=int(_number(env, "MAX_BODY_BYTES", 1_048_576, 1024, 1 << 30)),
            timers=env.get("TIMERS", "1").strip().lower() not in ("0", "false", "no", "off"),
            metrics_open=env.get("METRICS_OPEN", "0") in ("1", "true", "yes"),
            log_format=_choice(env, "LOG_FORMAT", ("text", "json")),
            dev_open_api=env.get("IVR_DEV_OPEN_API", "") in ("1", "true", "yes"),
            twilio_api_key=env.get("TWILIO_API_KEY", "").strip(),
            twilio_api_secret=env.get("TWILIO_API_SECRET", "").strip(),
            twilio_twiml_app_sid=env.get("TWILIO_TWIML_APP_SID", "").strip(),
            desk_token_ttl_s=int(_number(env, "DESK_TOKEN_TTL_S", 3600, 60, 86400)),
            session_idle_s=_number(env, "SESSION_IDLE_S", 1800.0, _idle_floor_s(env), 7 * 24 * 3600.0),
            live_keep_s=_number(env, "LIVE_KEEP_S", 86400.0, 60.0, 90 * 86400.0),
            recordings_delete_from_twilio=env.get("RECORDINGS_DELETE_FROM_TWILIO", "0").strip().lower() in ("1", "true", "yes"),
            recordings_download_attempts=int(_number(env, "RECORDINGS_DOWNLOAD_ATTEMPTS", 8, 1, 100)),
            recordings_retry_base_s=_number(env, "RECORDINGS_RETRY_BASE_S", 30.0, 1.0, 3600.0),
            recordings_keep_days_voicemail=int(_number(env, "RECORDINGS_KEEP_DAYS_VOICEMAIL", 90, 0, 36500)),
            recordings_keep_days_call=int(_number(env, "RECORDINGS_KEEP_DAYS_CALL", 30, 0, 36500)),
            recordings_link_ttl_s=_number(env, "RECORDINGS_LINK_TTL_S", 900.0, 30.0, 86400.0),
            barge_in=_choice(env, "BARGE_IN", ("on", "off")),
            recordings_store=_store_factory(env),
        )
        values.update(overrides)
        return cls(**values)

    @property
    def database(self) -> str:
        """DATABASE_URL, or a SQLite file under instance/ when none is set."""
        return self.database_url or f"sqlite:///{PROJECT_ROOT / 'instance' / 'ivr.sqlite3'}"

    @property
    def development(self) -> bool:
        """No Twilio token: webhooks are not signature-checked (loudly logged)."""
        return not self.twilio_auth_token
