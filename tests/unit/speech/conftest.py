"""Speech fixtures: the real espeak-ng voice and the real Korean vosk model, each made once a session.

The model is a dither-free copy (links, one rewritten config file) so recognition is repeatable.
"""
from __future__ import annotations

import pytest

from speech.audio import Audio, silence
from speech.errors import SynthesisUnavailable
from speech.model_dirs import model_dir, undithered_copy
from speech.telephone_band import over_the_line

from speech_menu import KOREAN, MENU


@pytest.fixture(scope="session")
def synthesizer():
    """Pyttsx3Synthesizer started once; skipped (with the reason shown) only when espeak-ng is absent."""
    from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer

    try:
        synthesizer = Pyttsx3Synthesizer().load()
    except SynthesisUnavailable as exc:
        pytest.skip(f"espeak-ng is not installed (apt-get install espeak-ng): {exc}")
    yield synthesizer
    synthesizer.close()


@pytest.fixture(scope="session")
def recognizer(tmp_path_factory):
    from speech.vosk_recognizer import VoskRecognizer

    copy = undithered_copy(model_dir("ko"), tmp_path_factory.mktemp("vosk") / "ko")
    return VoskRecognizer(copy).load()


@pytest.fixture(scope="session")
def spoken(synthesizer) -> dict[str, Audio]:
    """Each menu option's phrase spoken by espeak-ng at 8 kHz, between 0.3 s and 1 s of silence."""
    return {
        option: silence(0.3) + synthesizer.render(phrases[0], KOREAN) + silence(1.0) for option, phrases in MENU.items()
    }


@pytest.fixture(scope="session")
def line_ulaw(spoken) -> dict[str, bytes]:
    """The same phrases as the IVR receives them: telephone band, 8 kHz μ-law."""
    return {option: over_the_line(audio) for option, audio in spoken.items()}
