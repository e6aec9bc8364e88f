"""Rendering a list of prompts into a prompt cache for a command, with a rich progress bar when rich is there."""
from __future__ import annotations

from pathlib import Path

import click

from speech.errors import SpeechError
from speech.model import Prompt
from speech.prompt_cache import PromptCache, RenderReport


def render_into_cache(cache_dir: Path, prompts: list[Prompt], key: bytes) -> RenderReport:
    from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer

    try:
        with Pyttsx3Synthesizer().load() as synthesizer, _progress_bar(len(prompts)) as advance:
            return PromptCache(cache_dir, synthesizer, key).render_all(prompts, progress=advance)
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from exc


def _progress_bar(total: int):
    try:
        from rich.progress import Progress
    except ImportError:
        return _Silent()
    return _RichBar(Progress(transient=True), total)


class _Silent:
    def __enter__(self):
        return lambda done, total, prompt: None

    def __exit__(self, *exc):
        return False


class _RichBar:
    def __init__(self, progress, total: int) -> None:
        self.progress = progress
        self.task = progress.add_task("rendering prompts", total=total)

    def __enter__(self):
        self.progress.start()
        return lambda done, total, prompt: self.progress.update(self.task, completed=done)

    def __exit__(self, *exc):
        self.progress.stop()
        return False
