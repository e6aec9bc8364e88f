"""Scripted callers for the funnel tests: what each caller does where and for how long, and the funnel that
script must give, tallied from the script itself (the paths through flows/main.yaml are written out by hand)."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from helpers import new_call_sid, twilio_params

from ivr.flow.events import SpeechHeard
from ivr.speech_service import SpeechService

SEOUL = timezone(timedelta(hours=9))
HANG_UP, SILENCE = "hang up", "silence"


@dataclass(frozen=True)
class Said:
    """A spoken answer as the recogniser and matcher would report it."""

    words: str
    confidence: float
    option: str | None
    confident: bool


@dataclass(frozen=True)
class Visit:
    """The caller is in `node` for the sum of the waits, acting after each; `exit` is how the node is left."""

    node: str
    exit: str
    acts: tuple = ()  # (seconds waited, keys | Said | SILENCE | HANG_UP)
    by_speech: bool = False


@dataclass(frozen=True)
class Call:
    started_at: datetime
    visits: tuple[Visit, ...]


def opening(choose: tuple, choose_exit: str = "1") -> tuple[Visit, ...]:
    """welcome -> the language part -> the hours check (open) -> vip check: the way into main_menu by day."""
    return (Visit("welcome", "next"), Visit("language", "next"), Visit("choose_language/choose", choose_exit, choose),
            Visit("choose_language/done", "next"), Visit("office_hours", "open"), Visit("vip_check", "next"))


def night(started_at: datetime) -> Call:
    """A caller at night: the closed menu, 2 (a message, not a callback) after 1 s, then hangs up at the voicemail
    beep after 4 s."""
    return Call(started_at, (Visit("welcome", "next"), Visit("language", "next"),
                             Visit("choose_language/choose", "1", ((1, "1"),)), Visit("choose_language/done", "next"),
                             Visit("office_hours", "closed"), Visit("after_hours", "2", ((1, "2"),)),
                             Visit("voicemail", "hangup", ((4, HANG_UP),))))


DAY = datetime(2026, 3, 2, 10, 0, tzinfo=SEOUL)  # a Monday, open
DELIVERY = Said("배송 조회", 0.91, "1", True)
SUPPORT_UNSURE = Said("기술", 0.55, "3", False)
MUMBLE = Said("음", 0.2, None, False)

CALLS = (
    # keys all the way: delivery, then hangs up while asked for the order number
    Call(DAY, (*opening(((2, "1"),)), Visit("main_menu", "1", ((4, "1"),)), Visit("order_number", "hangup", ((3, HANG_UP),)))),
    # says "배송 조회" (sure): option 1 by voice
    Call(DAY + timedelta(minutes=5), (*opening(((2, "2"),), "2"), Visit("main_menu", "1", ((6, DELIVERY),), by_speech=True),
                                      Visit("order_number", "hangup", ((1, HANG_UP),)))),
    # three wrong keys: the fallback to an agent; hangs up while waiting in the queue
    Call(DAY + timedelta(minutes=10), (*opening(((1, "1"),)), Visit("main_menu", "invalid", ((2, "7"), (2, "8"), (2, "5"))),
                                       Visit("agent", "hangup", ((30, HANG_UP),)))),
    # silent twice in the language menu (its max_no_input is 2), then hangs up in the main menu after 10 s
    Call(DAY + timedelta(minutes=15), (*opening(((4, SILENCE), (4, SILENCE)), "no_input"),
                                       Visit("main_menu", "hangup", ((10, HANG_UP),)))),
    # mumbles (no match, a wrong answer), then an unsure "기술" confirmed with 1: option 3 by voice
    Call(DAY + timedelta(minutes=20), (*opening(((1, "1"),)),
                                       Visit("main_menu", "3", ((3, MUMBLE), (2, SUPPORT_UNSURE), (2, "1")), by_speech=True),
                                       Visit("support", "hangup", ((12, HANG_UP),)))),
    # hangs up in the main menu at once after a wrong key
    Call(DAY + timedelta(minutes=25), (*opening(((1, "1"),)), Visit("main_menu", "hangup", ((5, "4"), (2, HANG_UP))))),
    # the edges of Monday in Seoul (the period's days are Seoul days, not UTC days)
    night(datetime(2026, 3, 1, 23, 59, 59, tzinfo=SEOUL)),  # Sunday: outside a Monday-only period
    night(datetime(2026, 3, 2, 0, 0, 0, tzinfo=SEOUL)),
    night(datetime(2026, 3, 2, 23, 59, 58, tzinfo=SEOUL)),
    night(datetime(2026, 3, 3, 0, 0, 0, tzinfo=SEOUL)),  # Tuesday: outside
)


def expected(calls, first_day, last_day) -> dict:
    """The funnel's nodes the script gives for the calls that started on first_day..last_day (Seoul days)."""
    found: dict[str, dict] = {}
    for call in calls:
        if not first_day <= call.started_at.astimezone(SEOUL).date() <= last_day:
            continue
        for visit in call.visits:
            tally = found.setdefault(visit.node, {"exits": {}, "seconds": [], "chose": 0, "speech": 0, "heard": []})
            tally["exits"][visit.exit] = tally["exits"].get(visit.exit, 0) + 1
            tally["seconds"].append(sum(wait for wait, _ in visit.acts))
            tally["chose"] += visit.exit.isdigit()
            tally["speech"] += visit.by_speech
            tally["heard"] += [act.confidence for _, act in visit.acts if isinstance(act, Said)]
    return {node: _figures(t) for node, t in found.items()}


def _figures(t: dict) -> dict:
    entries = sum(t["exits"].values())
    return {"entries": entries, "exits": t["exits"], "drop_off": round(t["exits"].get("hangup", 0) / entries, 4),
            "median_s": round(statistics.median(t["seconds"]), 3),
            "speech_share": round(t["speech"] / t["chose"], 4) if t["chose"] else None,
            "avg_confidence": round(statistics.fmean(t["heard"]), 3) if t["heard"] else None}


class ScriptedSpeech(SpeechService):
    """Speech recognition that hears what the script says was said at the recording's URL."""

    def __init__(self):
        super().__init__()
        self.said: dict[str, Said] = {}

    def hear_recording(self, url, listen) -> SpeechHeard:
        said = self.said[url]
        return SpeechHeard(said.words, said.confidence, said.option, said.words, said.confidence, said.confident)


@dataclass
class Caller:
    """Plays the script through the app's signed webhooks, the clock moving as the caller waits."""

    twilio: object
    clock: object
    speech: ScriptedSpeech
    sids: list = field(default_factory=list)

    def call(self, call: Call) -> None:
        sid = new_call_sid()
        self.sids.append(sid)
        self.clock.current = call.started_at.astimezone(timezone.utc)
        assert self.twilio.start(sid).status_code == 200
        for visit in call.visits:
            for wait, act in visit.acts:
                self.clock.advance(wait)
                self._act(sid, visit.node, act)

    def _act(self, sid: str, node: str, act) -> None:
        if act == HANG_UP:
            reply = self.twilio.post("/voice/status", twilio_params(sid, CallStatus="completed", CallDuration="60"))
        elif isinstance(act, Said):
            url = f"https://api.twilio.com/recordings/{sid}-{len(self.speech.said)}"
            self.speech.said[url] = act
            reply = self.twilio.post(f"/voice/speech?node={node}", twilio_params(sid, RecordingUrl=url))
        else:
            reply = self.twilio.press(sid, node, None if act == SILENCE else act)
        assert reply.status_code in (200, 204), reply.get_data(as_text=True)
