"""Faults of the speech adapters, each a small class the web layer maps once to a fallback.

Wrong caller input (silence, mumbling, a phrase no option knows) is not among them: it is an empty
transcript or no match, which the flow handles like a wrong key.
"""
from __future__ import annotations


class SpeechError(Exception):
    """Base of every fault raised by the speech package."""


class SpeechUnavailable(SpeechError):
    """No recognizer: the model is missing or broken, or vosk is not installed. Fall back to the keypad."""


class BadAudio(SpeechError):
    """Audio that cannot be decoded: not WAV, an unsupported encoding, a header cut short."""


class SynthesisUnavailable(SpeechError):
    """No synthesizer: pyttsx3 or espeak-ng is missing or cannot start. Fall back to Twilio's <Say>."""


class SynthesisFailed(SpeechError):
    """The synthesizer ran but produced no usable audio for one prompt."""
