"""Settings from the environment, with embedded defaults that run on a laptop."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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
    secret_key: str = ""          # signs media-stream tokens; shared by every worker and host
    dev_open_api: bool = False    # development only: no IVR_API_TOKEN, yet the API answers loopback requests

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
            secret_key=env.get("IVR_SECRET_KEY", ""),
            dev_open_api=env.get("IVR_DEV_OPEN_API", "") in ("1", "true", "yes"),
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
