"""PromptCache: synthesised prompts kept as WAV files on disk, keyed by what they say and how.

A file's name is a hash of (text, language, variant, rate), so a changed prompt gets a new file and an
unchanged one is never rendered twice. Files are written to a temporary name and renamed, so a reader
(Twilio fetching <Play>) never sees half a file, and several workers may fill one cache at once.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from speech.audio import to_wav
from speech.errors import SynthesisFailed
from speech.model import Prompt, Voice
from speech.ports import Synthesizer

FORMAT = "wav-pcm16-8k-v1"  # part of the key: a change of output format renders everything anew

Progress = Callable[[int, int, Prompt], None]


@dataclass
class RenderReport:
    """What `render_all` did: how many prompts were rendered or already cached, and which failed why."""

    rendered: int = 0
    cached: int = 0
    failed: list[tuple[Prompt, str]] = field(default_factory=list)


class PromptCache:
    def __init__(self, directory: Path, synthesizer: Synthesizer) -> None:
        self.directory = Path(directory)
        self.synthesizer = synthesizer

    def path_for(self, text: str, voice: Voice) -> Path:
        return self.directory / f"{prompt_key(text, voice)}.wav"

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
            raise SynthesisFailed(f"no audio for {text!r}")
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


def prompt_key(text: str, voice: Voice) -> str:
    """Hex digest of everything that changes the audio."""
    fields = [FORMAT, text, voice.language, voice.variant, voice.rate_wpm]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()[:32]


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
