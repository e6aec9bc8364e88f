"""A caller walking the sample flow to an agent by signed webhooks, and the agent's desk service: the steps the
desk tests are written in."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from helpers import TOKEN, new_call_sid, twilio_params, twiml

from ivr.config import Settings
from speech import Alternative, Transcript
from speech.audio import Audio, to_wav

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE" + "c" * 32
NUMBER = "+821055501234"


FLOWS = Path(__file__).resolve().parents[3] / "flows"
TONE = to_wav(Audio(b"\x10\x00\xf0\xff" * 4000, 8000))


def desk_settings(database_url: str, tmp_path: Path, flows: Path = FLOWS, **changes) -> Settings:
    return Settings.from_env({}, **{"database_url": database_url, "flows_dir": flows, "twilio_auth_token": TOKEN,
                                    "api_token": "api-token", "reload_interval_s": 0, "recordings_dir": tmp_path / "rec",
                                    "log_level": "WARNING", "speech": "off", "prompts": "say",
                                    "secret_key_file": tmp_path / "secret_key", **changes})



class FakeRecognizer:
    """Hears every recording as the transcript it is given."""

    def __init__(self, text: str, confidence: float):
        self.transcript = Transcript(text, confidence, (Alternative(text, confidence),))

    def transcribe(self, audio, grammar=None):
        return self.transcript


class DeskCalls:
    def __init__(self, app, twilio, clock):
        self.app, self.twilio, self.clock = app, twilio, clock
        self.api = app.test_client()
        self.api.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"

    @property
    def services(self):
        return self.app.extensions["ivr"]

    @property
    def service(self):
        return self.services.desk

    def status(self, agent_id: str, status: str, reason: str | None = None):
        body = {"status": status} if reason is None else {"status": status, "reason": reason}
        return self.api.post(f"/api/agents/{agent_id}/status", json=body)

    def korean_order_to_billing(self, number: str = NUMBER, say: tuple[str, float] | None = None) -> tuple[str, int]:
        """Korean -> delivery status -> order 12345# -> main menu -> (something said, if `say`) -> billing; the entry id."""
        sid = new_call_sid()
        self.twilio.start(sid, From=number)
        self.twilio.press(sid, "choose_language/choose", "1", From=number)
        self.twilio.press(sid, "main_menu", "1", From=number)
        self.twilio.press(sid, "order_number", "12345", FinishedOnKey="#", From=number)
        self.twilio.press(sid, "anything_else", "1", From=number)
        if say is not None:
            self.services.speech.recognizers["ko"] = FakeRecognizer(*say)
            self.twilio.post("/voice/speech?node=main_menu", twilio_params(
                sid, From=number, RecordingUrl=RECORDING, RecordingDuration="2", RecordingSid="RE" + "c" * 32))
            self.services.speech.recognizers.pop("ko")
        root = twiml(self.twilio.press(sid, "main_menu", "2", From=number))
        return sid, int(root.find("Enqueue").attrib["waitUrl"].rsplit("=", 1)[1])

    def offered(self, sid: str, entry: int, number: str = NUMBER):
        """The caller's wait request: the router offers it to an available agent."""
        return twiml(self.twilio.post(f"/voice/queue/wait?entry={entry}", twilio_params(sid, From=number, QueuePosition="1",
                                                                                        QueueTime="0")))

    def talk(self, sid: str, entry: int, seconds: int, number: str = NUMBER) -> None:
        """The caller leaves the queue, the agent answers (whisper), they talk `seconds`, the agent's leg ends."""
        self.twilio.post(f"/voice/queue/left?{urlencode({'node': 'billing'})}",
                         twilio_params(sid, From=number, QueueResult="leave", QueueSid="QU" + "1" * 32, QueueTime="4"))
        self.twilio.post(f"/voice/whisper?entry={entry}", twilio_params(new_call_sid(), Direction="outbound-dial"))
        self.clock.advance(seconds)
        params = twilio_params(sid, From=number, DialCallStatus="completed", DialCallSid=new_call_sid(),
                               DialCallDuration=str(seconds))
        self.twilio.post(f"/voice/queue/dialed?{urlencode({'node': 'billing'})}", params)

    def hang_up(self, sid: str, number: str = NUMBER):
        return self.twilio.post("/voice/status", twilio_params(sid, From=number, CallStatus="completed", CallDuration="60"))
