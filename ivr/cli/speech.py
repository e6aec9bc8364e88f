"""Speech commands for the `ivr` CLI: `transcribe` and `say` (plain click commands, registered on the `ivr`
group by ivr/cli/main.py; the `prompts` group, which names files with the server's key, is ivr/cli/prompts.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from speech.audio import RAW_ULAW_SUFFIXES, read_audio, to_wav
from speech.errors import BadAudio, SpeechError
from speech.decision import Hearing, decide
from speech.model import Voice
from speech.silence import timed


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--grammar", help='Comma-separated phrases valid here, e.g. "배송 조회,요금".')
@click.option("--lang", default="ko", show_default=True, help="Model language (VOSK_MODEL_<LANG> for others).")
@click.option("--model", "model_path", type=click.Path(file_okay=False, path_type=Path), help="Model directory.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line: file, text, confidence, match, sure.")
def transcribe(files, grammar, lang, model_path, as_json):
    """Recognise WAV (PCM or μ-law) or raw 8 kHz μ-law FILES; with --grammar, also the phrase chosen."""
    recognizer = _recognizer(lang, model_path)
    phrases = [p.strip() for p in grammar.split(",") if p.strip()] if grammar else None
    failed = sum(not _transcribe_one(recognizer, file, phrases, as_json) for file in files)
    sys.exit(1 if failed else 0)


def _recognizer(lang: str, model_path: Path | None):
    from speech.vosk_recognizer import VoskRecognizer

    try:
        return (VoskRecognizer(model_path) if model_path else VoskRecognizer.for_language(lang)).load()
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from exc


def _transcribe_one(recognizer, file: Path, phrases, as_json: bool) -> bool:
    try:
        audio = read_audio(file.read_bytes(), raw_ulaw=file.suffix.lower() in RAW_ULAW_SUFFIXES)
    except (OSError, BadAudio) as exc:
        _report_error(file, exc, as_json)
        return False
    transcript = recognizer.transcribe(audio, phrases)
    shares = [alternative.confidence for alternative in transcript.alternatives]
    timer = timed(audio)
    hearing = Hearing(transcript.texts, shares, timer.cut_off, timer.speech_s)
    chosen = decide(hearing, {p: [p] for p in phrases}) if phrases and not transcript.empty else None
    _report(file, transcript, chosen, phrases is not None, as_json)
    return True


def _report(file, transcript, chosen, with_grammar: bool, as_json: bool) -> None:
    phrase = chosen.phrase if chosen else None
    if as_json:
        row = {"file": str(file), "text": transcript.text, "confidence": transcript.confidence, "match": phrase,
               "sure": bool(chosen and chosen.confident)}
        click.echo(json.dumps(row, ensure_ascii=False))
        return
    line = f"{file}: {transcript.text!r} (confidence {transcript.confidence:.2f})"
    if with_grammar:
        line += f" -> {_describe(chosen)}"
    click.echo(line)


def _describe(chosen) -> str:
    if chosen is None:
        return "no match"
    return f"{chosen.phrase!r} (score {chosen.score:.0f}{'' if chosen.confident else ', confirm'})"


def _report_error(file: Path, exc: Exception, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"file": str(file), "text": "", "confidence": 0.0, "match": None, "sure": False,
                               "error": str(exc)}))
    click.echo(f"{file}: {exc}", err=True)


@click.command()
@click.argument("text")
@click.option("--lang", default="ko", show_default=True, help="espeak-ng language (ko, en ...).")
@click.option("--variant", default="", help="espeak-ng voice variant, e.g. f3 or m3.")
@click.option("--rate", default=175, show_default=True, help="Words per minute.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ulaw", is_flag=True, help="Write 8-bit μ-law WAV instead of 16-bit PCM.")
def say(text, lang, variant, rate, output, ulaw):
    """Speak TEXT offline into an 8 kHz mono WAV file."""
    audio = _render(text, Voice(lang, variant, rate))
    output.write_bytes(to_wav(audio, "ulaw" if ulaw else "pcm"))
    click.echo(f"{output}: {audio.duration_s:.2f} s")


def _render(text: str, voice: Voice):
    from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer

    try:
        with Pyttsx3Synthesizer().load() as synthesizer:
            return synthesizer.render(text, voice)
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from exc
