"""VoskRecognizer: offline recognition of 8 kHz telephone audio with a vosk (Kaldi) model.

The model is big (the Korean small model is about 530 MB resident) and read into anonymous memory, so
the composition root calls `load()` once per process, before forking workers: forked workers then
share its pages copy-on-write. One loaded model is safe to use from many threads; each utterance gets
its own KaldiRecognizer (0.1-0.3 ms to create with a grammar). Nothing is loaded on import.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

from speech.audio import Audio
from speech.silence import EndpointSettings
from speech.errors import SpeechUnavailable
from speech.upsample import Upsampler
from speech.model import EMPTY, Transcript
from speech.model_dirs import check_model_dir, model_dir
from speech.vosk_results import parse_result
from speech.vosk_stream import VoskStream

MAX_ALTERNATIVES = 5


class VoskRecognizer:
    """Recognizer port over one vosk model directory."""

    def __init__(self, model_path: Path, max_alternatives: int = MAX_ALTERNATIVES, noise_floor_rms: float = 300.0):
        self.model_path = Path(model_path)
        self.max_alternatives = max_alternatives
        self.noise_floor_rms = noise_floor_rms
        self.model_rate_hz = 16000
        self._model = None
        self._vosk = None
        self._lock = threading.Lock()

    @classmethod
    def for_language(cls, language: str = "ko", **options) -> VoskRecognizer:
        """The recognizer for a language's model (packaged Korean, or VOSK_MODEL_<LANG>), not yet loaded."""
        return cls(model_dir(language), **options)

    def load(self) -> VoskRecognizer:
        """Load the model now (1.3-1.5 s). SpeechUnavailable when vosk or the model is missing or broken."""
        with self._lock:
            if self._model is None:
                self._vosk, self._model = _load_model(check_model_dir(self.model_path))
                self.model_rate_hz = model_sample_rate(self.model_path)
        return self

    def configured(self, **options) -> VoskRecognizer:
        """Another recognizer with other settings (max_alternatives, noise_floor_rms) over this one's
        loaded model: no second load, no second 530 MB."""
        settings = {"max_alternatives": self.max_alternatives, "noise_floor_rms": self.noise_floor_rms, **options}
        other = VoskRecognizer(self.model_path, **settings)
        other._vosk, other._model, other.model_rate_hz = self._vosk, self._loaded_model(), self.model_rate_hz
        return other

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def transcribe(self, audio: Audio, grammar: Sequence[str] | None = None) -> Transcript:
        """What was said in a whole recording. Empty or silent audio gives the empty transcript."""
        if len(audio.pcm) < 2:
            return EMPTY
        recognizer = self._kaldi(grammar)
        recognizer.AcceptWaveform(self._upsampler().process(audio))
        return parse_result(recognizer.FinalResult())

    def open_stream(
        self, grammar: Sequence[str] | None = None, endpoint: EndpointSettings | None = None, partials: bool = False
    ) -> VoskStream:
        """A stream for one utterance of live 8 kHz μ-law (Twilio media frames). Partial texts cost a
        traceback per frame, so they are off unless asked for."""
        return VoskStream(self._kaldi(grammar), self._upsampler(), endpoint, partials)

    def unknown_words(self, phrases: Sequence[str]) -> list[str]:
        """Words of the phrases that the model does not know: vosk silently drops them from a grammar,
        so a flow check should report them."""
        model = self._loaded_model()
        words = dict.fromkeys(word for phrase in phrases for word in phrase.split())
        return [word for word in words if model.vosk_model_find_word(word) < 0]

    def _kaldi(self, grammar: Sequence[str] | None):
        model = self._loaded_model()
        phrases = [p for p in (grammar or []) if p.strip()]
        rate = float(self.model_rate_hz)
        args = (model, rate, json.dumps(phrases, ensure_ascii=False)) if phrases else (model, rate)
        recognizer = self._vosk.KaldiRecognizer(*args)
        recognizer.SetMaxAlternatives(self.max_alternatives)
        return recognizer

    def _upsampler(self) -> Upsampler:
        return Upsampler(self.model_rate_hz, self.noise_floor_rms)

    def _loaded_model(self):
        return self._model if self._model is not None else self.load()._model


def _load_model(path: Path):
    try:
        import vosk
    except ImportError as exc:
        raise SpeechUnavailable(f"vosk is not installed: {exc}") from exc
    vosk.SetLogLevel(-1)
    try:
        return vosk, vosk.Model(str(path))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise SpeechUnavailable(f"vosk cannot load the model at {path}: {exc}") from exc


def model_sample_rate(path: Path) -> int:
    """The rate the model's features expect (`--sample-frequency` in conf/mfcc.conf, Kaldi's 16000 default)."""
    mfcc = path / "conf" / "mfcc.conf"
    lines = mfcc.read_text().splitlines() if mfcc.is_file() else []
    rates = [ln.split("=", 1)[1] for ln in lines if ln.strip().startswith("--sample-frequency=")]
    return int(float(rates[-1])) if rates else 16000
