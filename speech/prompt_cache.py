"""PromptCache: synthesised prompts kept as WAV files on disk, keyed by what they say and how.

A file's name is an HMAC, under the server's secret key, of (text, language, variant, rate): a changed
prompt gets a new file and an unchanged one is never rendered twice, and nobody without the key can
work out a name from a guessed text (a PIN read back, say). Only the audio is kept, never the text.
Files are written to a temporary name and renamed, so a reader (Twilio fetching <Play>) never sees half
a file, and several workers may fill one cache at once.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from speech.audio import to_wav
from speech.errors import SynthesisFailed
from speech.model import Prompt, Voice
from speech.ports import Synthesizer

FORMAT = "wav-pcm16-8k-v1"  # part of the key: a change of output format renders everything anew
KEY_HEX_CHARS = 40  # 160 bits of HMAC-SHA256; older caches used 32 characters of a bare hash
PROMPT_NAME = re.compile(rf"^[0-9a-f]{{{KEY_HEX_CHARS}}}\.wav$")
LEGACY = re.compile(r"^([0-9a-f]{32}\.wav|[0-9a-f]{16,64}\.txt)$")  # guessable names, plain-text sidecars

Progress = Callable[[int, int, Prompt], None]


@dataclass
class RenderReport:
    """What `render_all` did: how many prompts were rendered or already cached, and which failed why."""

    rendered: int = 0
    cached: int = 0
    failed: list[tuple[Prompt, str]] = field(default_factory=list)


class PromptCache:
    def __init__(self, directory: Path, synthesizer: Synthesizer, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the prompt cache needs a secret key of at least 16 bytes")
        self.directory = Path(directory)
        self.synthesizer = synthesizer
        self.key = key

    def path_for(self, text: str, voice: Voice) -> Path:
        return self.directory / f"{prompt_key(text, voice, self.key)}.wav"

    def purge_legacy(self) -> int:
        """Delete files of the older naming (bare hashes, text sidecars); how many went."""
        gone = 0
        for path in self.directory.glob("*") if self.directory.is_dir() else ():
            if LEGACY.match(path.name):
                path.unlink(missing_ok=True)
                gone += 1
        return gone

    def lookup(self, text: str, voice: Voice) -> Path | None:
        """The cached file, or None when the prompt was never rendered."""
        path = self.path_for(text, voice)
        return path if path.is_file() else None

    def get(self, text: str, voice: Voice) -> Path:
        """The cached file, rendered now when missing (SynthesisUnavailable/SynthesisFailed if it cannot be)."""
        return self.lookup(text, voice) or self.render(text, voice)

    def render(self, text: str, voice: Voice) -> Path:
        """Render (again) and store atomically."""
        audio = self.synthesizer.render(text, voice)
        if not audio.pcm:
            raise SynthesisFailed("the synthesiser gave no audio")
        path = self.path_for(text, voice)
        write_atomically(path, to_wav(audio))
        return path

    def render_all(self, prompts: Iterable[Prompt], progress: Progress | None = None) -> RenderReport:
        """Make sure every prompt is cached; one failing prompt does not stop the others."""
        todo = list(dict.fromkeys(prompts))
        report = RenderReport()
        for done, prompt in enumerate(todo, start=1):
            self._ensure(prompt, report)
            if progress:
                progress(done, len(todo), prompt)
        return report

    def _ensure(self, prompt: Prompt, report: RenderReport) -> None:
        if self.lookup(prompt.text, prompt.voice):
            report.cached += 1
            return
        try:
            self.render(prompt.text, prompt.voice)
            report.rendered += 1
        except SynthesisFailed as exc:
            report.failed.append((prompt, str(exc)))


def prompt_key(text: str, voice: Voice, key: bytes) -> str:
    """HMAC-SHA256 (hex) under `key` of everything that changes the audio."""
    fields = [FORMAT, text, voice.language, voice.variant, voice.rate_wpm]
    message = json.dumps(fields, ensure_ascii=False).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:KEY_HEX_CHARS]


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
