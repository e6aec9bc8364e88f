"""`<Record>` as Twilio carries it out: what the caller says, how the recording ends, what Twilio reports."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import twiml_verbs as v
from .wire import API_VERSION, new_sid

BEEP_SECONDS = 1
HANGUP = "hangup"
SILENCE = "silence"
SPEECH = re.compile(r"^rec:(\d{1,5})(?::([0-9*#]|hangup|silence))?$")


@dataclass(frozen=True)
class Speech:
    """The caller speaks for `seconds`, then ends with `end`: a key, `hangup` or `silence`."""

    seconds: int
    end: str = "#"

    @property
    def item(self) -> str:
        return f"rec:{self.seconds}" + ("" if self.end == "#" else f":{self.end}")


def parse_speech(item: str) -> Speech | None:
    """`rec:12` -> 12 s then `#`; `rec:12:hangup`, `rec:12:silence`, `rec:12:*`; None for keypad items."""
    if not item.startswith("rec"):
        return None
    match = SPEECH.match(item)
    if match is None:
        raise ValueError(f"{item!r} is not a recording: rec:SECONDS, rec:SECONDS:hangup, rec:SECONDS:silence "
                         f"or rec:SECONDS:KEY")
    return Speech(int(match.group(1)), match.group(2) or "#")


@dataclass(frozen=True)
class Take:
    """How one <Record> went: seconds kept (0: nothing), the `Digits` Twilio reports (None: not sent)."""

    recorded_s: int
    digits: str | None
    elapsed_s: float
    told: str

    @property
    def hung_up(self) -> bool:
        return self.digits == HANGUP

    @property
    def empty(self) -> bool:
        return self.recorded_s == 0


def take(record: v.RecordVerb, speech: Speech | None) -> Take:
    """Twilio's rules: a finish key or the silence timeout ends it, maxLength cuts it, silence is trimmed."""
    beep = BEEP_SECONDS if record.play_beep else 0
    if speech is None or speech.seconds == 0:
        return _silent(record, speech, beep)
    spoken = min(speech.seconds, record.max_length_s)
    if speech.seconds >= record.max_length_s:
        return Take(spoken, None, beep + spoken, f"caller records {speech.seconds} s: cut at maxLength {spoken} s")
    if speech.end == HANGUP:
        return Take(spoken, HANGUP, beep + spoken, f"caller records {spoken} s, then hangs up")
    if speech.end in record.finish_on_key:
        return Take(spoken, speech.end, beep + spoken + 0.5, f"caller records {spoken} s, then presses {speech.end}")
    quiet = _quiet_s(record, spoken)
    pressed = "" if speech.end == SILENCE else f", presses {speech.end} (not a finish key)"
    return Take(spoken, None, beep + spoken + quiet, f"caller records {spoken} s{pressed}, then is silent {quiet} s")


def hang_up(record: v.RecordVerb, told: str) -> Take:
    """The caller hangs up at the beep: nothing recorded, but Twilio still reports `Digits=hangup`."""
    return Take(0, HANGUP, BEEP_SECONDS if record.play_beep else 0, told)


def _silent(record: v.RecordVerb, speech: Speech | None, beep: int) -> Take:
    if speech is not None and speech.end == HANGUP:
        return hang_up(record, "caller hangs up without a word")
    if speech is not None and speech.end != SILENCE:
        return Take(0, None, beep + 0.5, f"caller presses {speech.end} without a word: nothing recorded, "
                                         f"Twilio skips the action")
    quiet = _quiet_s(record, 0)
    return Take(0, None, beep + quiet, f"silence ({quiet} s): nothing recorded, Twilio skips the action")


def _quiet_s(record: v.RecordVerb, spoken: int) -> int:
    """Silence lasts the timeout; with timeout 0 it never ends the recording, maxLength does."""
    return record.timeout_s if record.timeout_s > 0 else max(0, record.max_length_s - spoken)


@dataclass(frozen=True)
class Recording:
    """The file Twilio keeps: its id and URL (WAV by default; Twilio serves .mp3 when asked)."""

    sid: str
    url: str
    duration_s: int

    @classmethod
    def new(cls, account_sid: str, duration_s: int) -> "Recording":
        sid = new_sid("RE")
        return cls(sid, f"https://api.twilio.com/{API_VERSION}/Accounts/{account_sid}/Recordings/{sid}", duration_s)

    def action_params(self, digits: str | None) -> dict[str, str]:
        params = {"RecordingUrl": self.url, "RecordingDuration": str(self.duration_s), "RecordingSid": self.sid}
        return params if digits is None else {**params, "Digits": digits}

    def status_params(self, account_sid: str, call_sid: str) -> dict[str, str]:
        """recordingStatusCallback's own parameters (not the usual call parameters)."""
        return {
            "AccountSid": account_sid, "CallSid": call_sid, "RecordingSid": self.sid, "RecordingUrl": self.url,
            "RecordingStatus": "completed", "RecordingDuration": str(self.duration_s), "RecordingChannels": "1",
            "RecordingSource": "RecordVerb",
        }
