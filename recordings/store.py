"""Local copies of recordings: downloaded through the outbound Twilio port (allowed hosts only), kept as files."""
from __future__ import annotations

import logging
import re
from pathlib import Path

log = logging.getLogger(__name__)
SAFE = re.compile(r"[^A-Za-z0-9_-]")


class RecordingStore:
    """Files under `directory/<CallSid>/<RecordingSid>.wav`; a failed or refused download is logged, not raised."""

    def __init__(self, directory: Path, media):
        self.directory = Path(directory)
        self.media = media  # the outbound Twilio port: `download(url) -> bytes | None`

    def path_for(self, call_sid: str, recording_sid: str) -> Path:
        return self.directory / SAFE.sub("_", call_sid) / f"{SAFE.sub('_', recording_sid) or 'recording'}.wav"

    def fetch(self, url: str, call_sid: str, recording_sid: str) -> Path | None:
        """Download the recording as WAV; the local path, or None when it could not be fetched."""
        blob = self.media.download(_wav_url(url))
        if blob is None:
            log.warning("recording %s of call %s not downloaded", recording_sid, call_sid)
            return None
        target = self.path_for(call_sid, recording_sid)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(blob)
            partial.replace(target)
        except OSError as exc:
            log.warning("recording %s of call %s not kept: %s", recording_sid, call_sid, exc)
            return None
        return target


def _wav_url(url: str) -> str:
    return url if url.endswith((".wav", ".mp3")) else url + ".wav"
