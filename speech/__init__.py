"""Offline speech for the IVR: ports (Recognizer, Synthesizer), the vosk and pyttsx3 adapters, a prompt
cache, and pure transcript -> option matching.

Importing `speech` loads no model and starts no engine; the pure parts re-exported here import neither
vosk nor pyttsx3. Adapters live in their own modules: `speech.vosk_recognizer.VoskRecognizer`,
`speech.pyttsx3_synthesizer.Pyttsx3Synthesizer`, `speech.prompt_cache.PromptCache`.
"""
from speech.errors import BadAudio, SpeechError, SpeechUnavailable, SynthesisFailed, SynthesisUnavailable
from speech.matching import Match, MatchSettings, grammar_of, match
from speech.model import Alternative, Prompt, StreamUpdate, Transcript, Voice

__all__ = [
    "Alternative",
    "BadAudio",
    "Match",
    "MatchSettings",
    "Prompt",
    "SpeechError",
    "SpeechUnavailable",
    "StreamUpdate",
    "SynthesisFailed",
    "SynthesisUnavailable",
    "Transcript",
    "Voice",
    "grammar_of",
    "match",
]
