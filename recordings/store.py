"""Local copies of recordings: downloaded from Twilio's RecordingUrl (with the account's credentials)."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import requests

log = logging.getLogger(__name__)
SAFE = re.compile(r"[^A-Za-z0-9_-]")


class RecordingStore:
    """Files under `directory/<CallSid>/<RecordingSid>.wav`; a failed download is logged, not raised."""

    def __init__(self, directory: Path, account_sid: str = "", auth_token: str = "", timeout_s: float = 10.0):
        self.directory = Path(directory)
        self.auth = (account_sid, auth_token) if account_sid and auth_token else None
        self.timeout_s = timeout_s

    def path_for(self, call_sid: str, recording_sid: str) -> Path:
        return self.directory / SAFE.sub("_", call_sid) / f"{SAFE.sub('_', recording_sid) or 'recording'}.wav"

    def fetch(self, url: str, call_sid: str, recording_sid: str) -> Path | None:
        """Download the recording as WAV; the local path, or None when it could not be fetched."""
        target = self.path_for(call_sid, recording_sid)
        try:
            response = requests.get(_wav_url(url), auth=self.auth, timeout=self.timeout_s)
            response.raise_for_status()
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(response.content)
            partial.replace(target)
        except (requests.RequestException, OSError) as exc:
            log.warning("recording %s of call %s not downloaded: %s", recording_sid, call_sid, exc)
            return None
        return target


def _wav_url(url: str) -> str:
    return url if url.endswith((".wav", ".mp3")) else url + ".wav"
