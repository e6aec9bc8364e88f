"""ProcessSynthesizer: prompts rendered by a child process this process owns, each within a time budget.

espeak (through pyttsx3) keeps process-wide state — an engine, its threads, its locks — that does not
survive `fork`: a gunicorn worker forked from a master that had started it hangs in espeak on its first
render. So no process that serves calls ever starts espeak itself. Each process starts its own renderer
child (`speech.render_child`) on first use, after any fork; a fork hook makes the forked copy forget its
parent's child and lock. A render that takes longer than its budget costs the child (it is killed and
started again on the next render): a thread stuck inside C cannot be abandoned, a process can.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

from speech.audio import Audio
from speech.errors import SynthesisFailed, SynthesisUnavailable
from speech.model import Prompt, Voice

log = logging.getLogger(__name__)
RENDER_TIMEOUT_S = 3.0
START_TIMEOUT_S = 15.0  # a child that is merely slow to start keeps starting; only the render waiting gives up
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_PREFIXES = ("TWILIO_", "IVR_", "DATABASE_URL")  # the child needs none of the server's secrets

_ALL: weakref.WeakSet = weakref.WeakSet()
_WARMING: list[subprocess.Popen] = []


class ProcessSynthesizer:
    """The Synthesizer port over a renderer child; one render at a time, `timeout_s` at most each."""

    def __init__(self, timeout_s: float = RENDER_TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        self._forget()
        _ALL.add(self)

    def render(self, text: str, voice: Voice, timeout_s: float | None = None) -> Audio:
        """The text spoken; SynthesisFailed when it fails or takes longer than the budget."""
        if not text.strip():
            raise SynthesisFailed("nothing to say: the prompt text is empty")
        deadline = time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
        if not self._lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise SynthesisFailed("no renderer free within the time budget")
        try:
            return self._render_locked(text, voice, deadline)
        finally:
            self._lock.release()

    def check(self) -> ProcessSynthesizer:
        """Start a child and wait until it speaks (SynthesisUnavailable if it cannot), then stop it again:
        a process about to fork keeps no child."""
        with self._lock:
            try:
                if not self._ready(time.monotonic() + START_TIMEOUT_S):
                    raise SynthesisUnavailable(f"the renderer did not start within {START_TIMEOUT_S:.0f} s")
            finally:
                self._stop()
        return self

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _render_locked(self, text: str, voice: Voice, deadline: float) -> Audio:
        if not self._ready(deadline):
            raise SynthesisFailed("the renderer did not start within the time budget")
        request = {"text": text, "language": voice.language, "variant": voice.variant, "rate_wpm": voice.rate_wpm}
        try:
            self._child.stdin.write(json.dumps(request).encode() + b"\n")
            answer = self._answer(deadline)
        except OSError as exc:
            self._stop()
            raise SynthesisFailed(f"the renderer stopped: {type(exc).__name__}") from None
        if answer is None:
            self._stop()  # it may be stuck inside espeak: a fresh child renders the next prompt
            raise SynthesisFailed("no audio within the time budget")
        if not answer.get("ok"):
            raise SynthesisFailed(str(answer.get("error", "the renderer failed")))
        return Audio(base64.b64decode(answer["pcm"]), int(answer["rate_hz"]))

    def _ready(self, deadline: float) -> bool:
        """Start the child when there is none; True once it said it is ready (SynthesisUnavailable if never)."""
        if self._child is None:
            self._start()
        if self._started:
            return True
        answer = self._answer(deadline)
        if answer is None:
            return False
        if not answer.get("ready"):
            self._stop()
            raise SynthesisUnavailable(str(answer.get("error", "the renderer cannot speak")))
        self._started = True
        return True

    def _start(self) -> None:
        self._child = subprocess.Popen([sys.executable, "-m", "speech.render_child", "serve"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, env=_child_env(), bufsize=0, close_fds=True)
        self._buffer, self._started = b"", False

    def _answer(self, deadline: float) -> dict | None:
        """The child's next line, or None when the deadline passes first; OSError when the child died."""
        fd = self._child.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                self._stop()
                raise SynthesisFailed("the renderer exited")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return json.loads(line)
        except ValueError:
            self._stop()
            raise SynthesisFailed("the renderer answered something that is not JSON") from None

    def _stop(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        child.kill()
        child.wait(timeout=5)
        for pipe in (child.stdin, child.stdout):
            pipe.close()

    def _forget(self) -> None:
        """A fresh start: no child, no buffer, a new lock (also what a forked copy does first)."""
        self._lock = threading.Lock()
        self._child: subprocess.Popen | None = None
        self._buffer, self._started = b"", False


def _forget_inherited() -> None:
    """In a forked child: the parent's renderers and warm-ups are not ours to use, wait for or kill."""
    for synthesizer in list(_ALL):
        inherited = synthesizer._child
        synthesizer._forget()
        for pipe in (inherited.stdin, inherited.stdout) if inherited is not None else ():
            pipe.close()
    _WARMING.clear()


os.register_at_fork(after_in_child=_forget_inherited)


def _child_env() -> dict:
    """This environment without the server's secrets, with the project importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SECRET_PREFIXES)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")]))
    return env


class Budgeted:
    """A ProcessSynthesizer seen through the Synthesizer port with a fixed budget per render."""

    def __init__(self, synthesizer: ProcessSynthesizer, timeout_s: float) -> None:
        self.synthesizer, self.timeout_s = synthesizer, timeout_s

    def render(self, text: str, voice: Voice) -> Audio:
        return self.synthesizer.render(text, voice, self.timeout_s)


def warm_in_background(directory: Path, key: bytes, prompts: list[Prompt]) -> None:
    """Render `prompts` into the cache at `directory` in a process of its own; returns at once."""
    _WARMING[:] = [p for p in _WARMING if p.poll() is None]
    document = {"directory": str(directory), "key": key.hex(),
                "prompts": [[p.text, p.voice.language, p.voice.variant, p.voice.rate_wpm] for p in prompts]}
    child = subprocess.Popen([sys.executable, "-m", "speech.render_child", "warm"], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, env=_child_env(), close_fds=True)
    try:
        child.stdin.write(json.dumps(document).encode())
        child.stdin.close()
    except OSError as exc:
        log.warning("prompt warm-up could not start: %s", exc)
    _WARMING.append(child)


def finish_warming(timeout_s: float = 30.0) -> None:
    """Wait for this process's warm-ups to end (killing any still running after `timeout_s`): before the cache
    folder they write into is removed, or the removal races their last files."""
    deadline = time.monotonic() + timeout_s
    for child in list(_WARMING):
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    _WARMING.clear()
