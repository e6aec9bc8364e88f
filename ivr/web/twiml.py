"""Render engine instructions as TwiML with twilio's VoiceResponse; action URLs bring the next event back."""
from __future__ import annotations

from urllib.parse import urlencode

from twilio.twiml.voice_response import VoiceResponse

from ..flow.instructions import Dial, DialAgent, Enqueue, Gather, Hangup, Instruction, Play, Record, Say, StartRecording
from .media import absolute, speak
from .queue_twiml import add_queue_verb

STEP_PATH = "/voice/step"
DIAL_PATH = "/voice/dial"
RECORD_PATH = "/voice/record"
RECORDING_STATUS_PATH = "/voice/recording-status"
SPEECH_PATH = "/voice/speech"
RECORDING_EVENTS = "in-progress completed absent"  # a call recording's status callbacks (start, ready, none)
LISTEN_KEY_GAP_S = 1  # seconds after a listening menu's prompt before the recording starts
LISTEN_MAX_S = 6  # the longest answer recorded at a listening menu
LISTEN_SILENCE_S = 2  # silence that ends the answer
MAX_PARAMETER_CHARS = 400  # Twilio keeps a <Parameter>'s name and value together under 500 characters


def action_url(path: str, node: str) -> str:
    """An action path naming the node that asked, so a stale answer can be recognised."""
    return f"{path}?{urlencode({'node': node})}"


def _url(media, path: str) -> str:
    """Every URL written into TwiML is absolute (see Media.base_url); without media (unit tests) it stays a path."""
    return absolute(media.base_url, path) if media is not None else path


def render(instructions: list[Instruction], node: str, say_languages: dict, media=None) -> str:
    """TwiML for `instructions`; `node` is where the call waits for its next event.

    `media` (a `Media`, optional) plays prompts from the synthesis cache and lets menus listen for speech.
    """
    response = VoiceResponse()
    for instruction in instructions:
        _add(response, instruction, node, say_languages, media)
    return str(response)


def _add(response: VoiceResponse, instruction: Instruction, node: str, say_languages: dict, media=None) -> None:
    if isinstance(instruction, Say):
        speak(response, instruction.text, instruction.language, say_languages, media)
    elif isinstance(instruction, Play):
        response.play(_url(media, instruction.url))
    elif isinstance(instruction, Gather):
        _gather(response, instruction, node, say_languages, media)
    elif isinstance(instruction, Dial):
        dial = response.dial(action=_url(media, action_url(DIAL_PATH, node)), method="POST", timeout=instruction.timeout_s,
                             caller_id=instruction.caller_id)
        dial.number(instruction.number)
    elif isinstance(instruction, Record):
        _record(response, instruction, node, media)
    elif isinstance(instruction, Hangup):
        response.hangup()
    elif isinstance(instruction, (Enqueue, DialAgent)):
        add_queue_verb(response, instruction, node, media.base_url if media is not None else "")
    elif isinstance(instruction, StartRecording):
        response.start().recording(channels="dual", track="both", trim="do-not-trim",
                                   recording_status_callback=_url(media, RECORDING_STATUS_PATH),
                                   recording_status_callback_method="POST",
                                   recording_status_callback_event=RECORDING_EVENTS)
    else:
        raise TypeError(f"no TwiML for {instruction!r}")


def _gather(response: VoiceResponse, gather: Gather, node: str, say_languages: dict, media=None) -> None:
    url = _url(media, action_url(STEP_PATH, node))
    listening = gather.listen is not None and media is not None and media.listens(gather.listen.language)
    prompts = _stream_prompts(gather, media) if listening else None
    if prompts:
        _listen(response, gather, node, media, prompts)
        response.redirect(url, method="POST")
        return
    # While listening, keys still count during the prompt; after it, a short pause hands over to speech.
    timeout = LISTEN_KEY_GAP_S if listening else _seconds(gather.timeout_s)
    element = response.gather(
        action=url, method="POST", input="dtmf", timeout=timeout,
        num_digits=gather.num_digits, finish_on_key=gather.finish_on_key,
    )
    for prompt in gather.prompts:
        _add(element, prompt, node, say_languages, media)
    if listening:
        _listen(response, gather, node, media)
    # Without input Twilio falls through to the next verb: come back to the same URL with no Digits.
    response.redirect(url, method="POST")


def _stream_prompts(gather: Gather, media) -> str | None:
    """Barge-in: the prompt files the stream itself plays ("a.wav,b.wav"), when every prompt is ours, rendered,
    and the menu takes one key; None keeps the <Gather> that plays them before the stream."""
    if not (media.stream_url and media.barge_in and gather.num_digits == 1 and gather.prompts):
        return None
    if not all(isinstance(p, Say) for p in gather.prompts):
        return None  # a <Play> of someone else's audio: Twilio plays it
    names = [media.prompt_file(p.text, p.language) for p in gather.prompts]
    joined = ",".join(n for n in names if n)
    return joined if None not in names and len(joined) <= MAX_PARAMETER_CHARS else None


def _listen(response: VoiceResponse, gather: Gather, node: str, media, prompts: str | None = None) -> None:
    """Hear the caller's words: a short <Record> sent to /voice/speech, or a live media stream (which plays the
    menu's `prompts` itself when given, so the caller can interrupt them)."""
    if media.stream_url:
        connect = response.connect()
        stream = connect.stream(url=media.stream_url)
        stream.parameter(name="node", value=node)
        if prompts:
            stream.parameter(name="prompt", value=prompts)
        response.redirect(_url(media, f"{action_url(SPEECH_PATH, node)}&via=stream"), method="POST")
        return
    # Not trimmed: the silence after the words is how the server knows the caller finished, not cut off.
    response.record(action=_url(media, action_url(SPEECH_PATH, node)), method="POST", max_length=LISTEN_MAX_S,
                    timeout=LISTEN_SILENCE_S, finish_on_key="0123456789*#", play_beep=False, trim="do-not-trim")


def _record(response: VoiceResponse, record: Record, node: str, media=None) -> None:
    url = _url(media, action_url(RECORD_PATH, node))
    response.record(action=url, method="POST", max_length=record.max_length_s, timeout=record.silence_timeout_s,
                    finish_on_key=record.finish_on_key, play_beep=record.beep, trim="trim-silence",
                    recording_status_callback=_url(media, RECORDING_STATUS_PATH), recording_status_callback_method="POST")
    # Twilio skips the action when nothing was recorded: come back with no RecordingUrl.
    response.redirect(url, method="POST")


def _seconds(value: float) -> int:
    return max(1, round(value))


def fallback(apology: tuple[tuple[str, str], ...], fallback_number: str, say_languages: dict) -> str:
    """The answer when anything failed: an apology, then the fallback number if set, else hang up."""
    response = VoiceResponse()
    for language, text in apology:
        response.say(text, language=say_languages.get(language, language))
    if fallback_number:
        response.dial(fallback_number)
    response.hangup()
    return str(response)
