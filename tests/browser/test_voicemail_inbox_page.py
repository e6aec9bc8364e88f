"""The voicemail inbox page in chromium against the production server: a supervisor signs in, sees the voicemail
with its transcript (as text), plays it through its signed link (the <audio> element under the pages' CSP), and
the play is in the audit log."""
from __future__ import annotations

import math
import struct
from datetime import datetime, timezone

import pytest

from speech.audio import Audio, to_wav

pytestmark = pytest.mark.browser
PASSWORD = "Morning-Tea-2026"


def tone_wav(seconds: float = 2.0) -> bytes:
    samples = (int(8000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(int(8000 * seconds)))
    return to_wav(Audio(b"".join(struct.pack("<h", s) for s in samples), 8000))


def seed(settings) -> int:
    """A supervisor and one downloaded, transcribed voicemail, written to the server's database."""
    from sqlalchemy.orm import Session

    from ivr.bootstrap import build_accounts
    from ivr.db import make_engine
    from recordings.tables import RecordingRow

    build_accounts(settings).add("sue", PASSWORD, "supervisor")
    now = datetime.now(timezone.utc)
    settings.recordings_dir.mkdir(parents=True, exist_ok=True)
    (settings.recordings_dir / "vm.wav").write_bytes(tone_wav())
    engine = make_engine(settings.database)
    try:
        with Session(engine) as session:
            row = RecordingRow(call_sid="CA" + "1" * 32, recording_sid="RE" + "1" * 32, kind="voicemail",
                               url="https://api.twilio.com/x", duration_seconds=2, file_path="vm.wav", created_at=now,
                               updated_at=now, transcript="<b>환불</b> 문의입니다", transcript_language="ko")
            session.add(row)
            session.commit()
            return row.id
    finally:
        engine.dispose()


def test_a_supervisor_lists_and_plays_a_voicemail_and_the_play_is_audited(live_server, page, tmp_path):
    from ivr.bootstrap import build_accounts
    from ivr.config import Settings

    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/ivr.sqlite3", "RECORDINGS_DIR": str(tmp_path / "rec"),
           "IVR_SERVER_SECRET": "b" * 40, "TIMERS": "0"}
    base = live_server(env)
    settings = Settings.from_env(env)
    recording_id = seed(settings)
    # base.html's own (not this page's): htmx's indicator style until base.html carries the htmx-config meta, and
    # no favicon yet. Anything else — a CSP refusal of this page's script or audio — still fails the test.
    page.expect_console_errors(r"inline style .*htmx\.min\.js")
    page.expect_console_errors(r"favicon\.ico")
    page.goto(f"{base}/login?next=/board/voicemail")
    page.fill("#username", "sue")
    page.fill("#password", PASSWORD)
    page.click('[data-testid="sign-in"]')
    page.wait_for_url(f"{base}/board/voicemail")
    transcript = page.locator('[data-testid="voicemail-transcript"]')
    transcript.wait_for()
    assert transcript.inner_text() == "<b>환불</b> 문의입니다"  # shown as text, not markup
    page.click('[data-testid="voicemail-play"]')
    page.wait_for_function("() => { const a = document.querySelector('[data-testid=voicemail-audio]');"
                           " return a.currentTime > 0 || a.ended; }", timeout=15000)
    assert page.evaluate("() => document.querySelector('[data-testid=voicemail-audio]').src").startswith(f"{base}/recordings/")
    played = build_accounts(settings).audit.recent(10, "recording_played")
    assert [(a["actor"], a["target"]) for a in played] == [("sue", str(recording_id))]
