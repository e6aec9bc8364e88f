"""TwiML of the call queue: <Enqueue> with its wait URL, the wait document, and the <Dial> to the agent with a whisper."""
from __future__ import annotations

from urllib.parse import urlencode

from twilio.twiml.voice_response import VoiceResponse

from callqueue.queues import Announcement, QueueConfig
from callqueue.service import WAIT_SEGMENT_S, Wait

from ..flow.instructions import DialAgent, Enqueue
from .media import absolute, speak

LEFT_PATH = "/voice/queue/left"
WAIT_PATH = "/voice/queue/wait"
DIALED_PATH = "/voice/queue/dialed"
WHISPER_PATH = "/voice/whisper"
RECORDING_STATUS_PATH = "/voice/recording-status"
CALLBACK_MENU_PATH = "/voice/queue/callback"


def add_queue_verb(response: VoiceResponse, instruction: Enqueue | DialAgent, node: str, base_url: str = "") -> None:
    """<Enqueue> (action: how the caller left; waitUrl: what it hears meanwhile), or <Dial> to the agent.

    URLs start with `base_url` (absolute, see Media.base_url)."""
    if isinstance(instruction, Enqueue) and instruction.callback_at_opening:  # the callback menu, no hold
        response.redirect(callback_menu_url(base_url, instruction.entry, "opening"), method="POST")
        return
    if isinstance(instruction, Enqueue):
        response.enqueue(instruction.queue, action=_url(base_url, LEFT_PATH, node=node), method="POST",
                         wait_url=_url(base_url, WAIT_PATH, entry=instruction.entry), wait_url_method="POST")
        return
    dial = response.dial(action=_url(base_url, DIALED_PATH, node=node), method="POST", timeout=instruction.timeout_s,
                         **_recorded(instruction, base_url))
    whisper = _url(base_url, WHISPER_PATH, entry=instruction.entry)
    if instruction.contact.startswith("client:"):
        dial.client(instruction.contact.removeprefix("client:"), url=whisper, method="POST")
    else:
        dial.number(instruction.contact, url=whisper, method="POST")


def _recorded(dial: DialAgent, base_url: str) -> dict:
    """The agent leg's recording: from the agent's answer, caller and agent on separate channels."""
    if dial.record != "agent_leg":
        return {}
    return {"record": "record-from-answer-dual", "recording_status_callback": absolute(base_url, RECORDING_STATUS_PATH),
            "recording_status_callback_method": "POST", "recording_status_callback_event": "in-progress completed absent"}


def wait_document(wait: Wait, config: QueueConfig, say_languages: dict, media=None) -> str:
    """One short segment of waiting: position and estimate now and then, the hold prompt, then hold audio."""
    response = VoiceResponse()
    if wait.action == "leave":
        response.leave()
        return str(response)
    if wait.action == "gone":
        response.hangup()
        return str(response)
    queue = config.queues.get(wait.queue)
    words = config.announcements.get(wait.language) or Announcement()
    texts = ([words.welcome_back] if wait.welcome_back else []) + _news(wait, config)
    texts += [queue.hold_prompts[wait.language]] if _prompted(wait, queue) else []
    texts += [words.callback_offer.format(digit=wait.callback_digit)] if wait.callback_digit else []
    holder = response
    if wait.callback_digit:  # the whole segment listens for the digit, then the wait URL is asked again
        holder = response.gather(num_digits=1, timeout=WAIT_SEGMENT_S, method="POST",
                                 action=callback_menu_url(media.base_url if media else "", wait.entry, "offer"))
    for text in texts:
        speak(holder, text, wait.language, say_languages, media)
    if queue is not None and queue.hold_music:
        holder.play(absolute(media.base_url, queue.hold_music) if media is not None else queue.hold_music)
    elif not wait.callback_digit:
        response.pause(length=WAIT_SEGMENT_S)
    return str(response)


def callback_menu_url(base_url: str, entry: int, step: str, number: str = "") -> str:
    """The Gather action of the callback menu's `step` (the number chosen so far rides along, signed by Twilio)."""
    return _url(base_url, CALLBACK_MENU_PATH, entry=entry, step=step, **({"number": number} if number else {}))


def _news(wait: Wait, config: QueueConfig) -> list[str]:
    words = config.announcements.get(wait.language)
    if not wait.announce or words is None:
        return []
    return words.news(wait.ahead, wait.estimate_s)


def _prompted(wait: Wait, queue) -> bool:
    return wait.announce and queue is not None and wait.language in queue.hold_prompts


def whisper_document(text: str | None, language: str, say_languages: dict, media=None) -> str:
    """The agent's side before bridging: the caller's context, or a hang-up when the caller is gone."""
    response = VoiceResponse()
    if text is None:
        response.hangup()
    else:
        speak(response, text, language, say_languages, media)
    return str(response)


def _url(base_url: str, path: str, **query) -> str:
    return absolute(base_url, f"{path}?{urlencode(query)}")
