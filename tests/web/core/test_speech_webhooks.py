"""Listening menus through the webhooks, with a fake recogniser and fake recordings (the real vosk path is
tested end to end in tests/speechcalls): TwiML, the /voice/speech answer, bad audio, prompts from the cache."""
from __future__ import annotations

from dataclasses import replace

import pytest
from fakes import FakeTwilio
from helpers import TOKEN, TwilioClient, new_call_sid, said, twilio_params, twiml, verbs
from twilio.request_validator import RequestValidator

from ivr.web import create_app
from speech import Alternative, Transcript
from speech.audio import Audio, to_wav
from speech.prompt_cache import PromptCache

PHRASES = 'options:\n      1: {to: billing, phrases: {ko: [요금, 환불], en: [billing]}}\n      2: {to: bye, phrases: {ko: [끝]}}\n'
FLOW = f"""\
name: s
languages: [ko, en]
start: menu
nodes:
  menu:
    kind: menu
    prompt: {{ko: 요금은 1번, en: Billing press 1}}
    {PHRASES}    invalid_prompt: {{ko: 다시 말씀해 주세요, en: Again}}
  billing: {{kind: hangup, prompt: {{ko: 요금 담당입니다, en: Billing}}}}
  bye: {{kind: hangup}}
"""
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE" + "b" * 32
# 0.3 s quiet, 0.5 s of tone loud enough to count as speech, 1.5 s quiet: the answer was heard whole, and the
# decision may weigh the words against the half second spoken (too many syllables for it are never sure)
TONE = to_wav(Audio(b"\x00\x00" * 2400 + b"\x00\x10\x00\xf0" * 2000 + b"\x00\x00" * 12000, 8000))


class FakeRecognizer:
    """Answers every recording with the transcript it is given; notes the grammar it was asked with."""

    def __init__(self, transcript: Transcript):
        self.transcript, self.grammars = transcript, []

    def transcribe(self, audio, grammar=None):
        self.grammars.append(list(grammar or []))
        return self.transcript


class FakeSynthesizer:
    def __init__(self):
        self.rendered = []

    def render(self, text, voice):
        self.rendered.append((text, voice.language))
        return Audio(b"\x00\x01" * 800, 8000)


@pytest.fixture
def flows(tmp_path):
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "s.yaml").write_text(FLOW)
    return folder


@pytest.fixture
def listening(settings, clock, flows):
    app = create_app(replace(settings, flows_dir=flows), clock, FakeTwilio(media={RECORDING: TONE}))
    speech = app.extensions["ivr"].speech
    yield app, TwilioClient(app.test_client()), speech
    app.extensions["ivr"].engine.dispose()


def hear(speech, text, confidence=0.9, language="ko"):
    recognizer = FakeRecognizer(Transcript(text, confidence, (Alternative(text, confidence),)))
    speech.recognizers[language] = recognizer
    return recognizer


def answer(twilio, sid, **extra):
    return twiml(twilio.post("/voice/speech?node=menu", twilio_params(sid, **extra)))


def test_a_listening_menu_records_after_its_prompt_and_keys_still_work(listening):
    app, twilio, speech = listening
    hear(speech, "")
    root = twiml(twilio.start(new_call_sid()))
    assert verbs(root) == ["Gather", "Record", "Redirect"]
    assert root.find("Gather").attrib["timeout"] == "1" and said(root) == ["요금은 1번"]
    assert root.find("Record").attrib == {"action": "http://localhost/voice/speech?node=menu", "method": "POST", "maxLength": "6",
                                          "timeout": "2", "finishOnKey": "0123456789*#", "playBeep": "false",
                                          "trim": "do-not-trim"}


def test_without_a_recogniser_for_the_language_the_menu_takes_keys_only(listening):
    app, twilio, speech = listening
    speech.recognizers.clear()
    root = twiml(twilio.start(new_call_sid()))
    assert verbs(root) == ["Gather", "Redirect"] and root.find("Gather").attrib["timeout"] == "5"


def test_a_spoken_phrase_is_recognised_with_the_menus_grammar_and_chooses_its_option(listening):
    app, twilio, speech = listening
    recognizer = hear(speech, "요금")
    sid = new_call_sid()
    twilio.start(sid)
    root = answer(twilio, sid, RecordingUrl=RECORDING, RecordingDuration="2", RecordingSid="RE" + "b" * 32)
    assert said(root) == ["요금 담당입니다"]  # this menu's phrases are all short: a sure 요금 is taken at once
    assert recognizer.grammars == [["끝", "요금", "환불"]]


def test_a_key_that_ended_the_recording_counts_as_the_key(listening):
    app, twilio, speech = listening
    hear(speech, "")
    sid = new_call_sid()
    twilio.start(sid)
    assert said(answer(twilio, sid, RecordingUrl=RECORDING, RecordingDuration="1", Digits="1")) == ["요금 담당입니다"]


def test_words_that_match_nothing_get_the_retry_prompt(listening):
    app, twilio, speech = listening
    hear(speech, "날씨가 좋네요")
    sid = new_call_sid()
    twilio.start(sid)
    assert said(answer(twilio, sid, RecordingUrl=RECORDING, RecordingDuration="2"))[:2] == ["다시 말씀해 주세요", "요금은 1번"]


@pytest.mark.parametrize("blob", [None, b"", b"RIFF\x00\x00", b"not audio at all"])
def test_missing_or_broken_audio_gets_the_retry_path_never_an_error(listening, blob):
    app, twilio, speech = listening
    hear(speech, "요금")
    app.extensions["ivr"].twilio.media = {RECORDING: blob} if blob is not None else {}
    sid = new_call_sid()
    twilio.start(sid)
    root = answer(twilio, sid, RecordingUrl=RECORDING, RecordingDuration="2")
    assert said(root)[:2] == ["다시 말씀해 주세요", "요금은 1번"]


def test_silence_falls_through_to_no_input(listening):
    app, twilio, speech = listening
    hear(speech, "")
    sid = new_call_sid()
    twilio.start(sid)
    root = twiml(twilio.press(sid, "menu", None))
    assert verbs(root) == ["Gather", "Record", "Redirect"]


def test_an_unsure_match_is_confirmed_then_taken_with_yes(listening):
    app, twilio, speech = listening
    hear(speech, "요금이", confidence=0.3)  # scores 80: above the threshold, below sure
    sid = new_call_sid()
    twilio.start(sid)
    root = answer(twilio, sid, RecordingUrl=RECORDING, RecordingDuration="3")
    assert said(root)[0].startswith("요금") and "맞으신가요" in said(root)[0]
    hear(speech, "네")
    assert said(answer(twilio, sid, RecordingUrl=RECORDING, RecordingDuration="1")) == ["요금 담당입니다"]


def test_prompts_play_from_the_synthesis_cache_and_only_their_audio_is_served(listening, tmp_path):
    app, twilio, speech = listening
    synthesizer = FakeSynthesizer()
    speech.cache = PromptCache(tmp_path / "prompts", synthesizer, b"k" * 32)
    speech.recognizers.clear()
    root = twiml(twilio.start(new_call_sid()))
    play = root.find("Gather/Play")
    url = play.text
    assert url.startswith("http://localhost/prompts/") and url.endswith(".wav") and synthesizer.rendered == [("요금은 1번", "ko")]
    assert play.get("ivrText") is None  # Twilio never gets the words
    client = app.test_client()
    with client.get(url) as wav:  # the response holds the file open until closed
        assert wav.status_code == 200 and wav.mimetype == "audio/wav" and wav.data[:4] == b"RIFF"
    assert client.get(url.replace(".wav", ".txt")).status_code == 404
    assert [p.suffix for p in (tmp_path / "prompts").iterdir()] == [".wav"]
    twiml(twilio.start(new_call_sid()))
    assert synthesizer.rendered == [("요금은 1번", "ko")]  # the second call plays the cached file
    assert client.get("/prompts/../../etc/passwd").status_code == 404


def test_the_words_of_a_played_prompt_are_on_it_only_for_a_requester_that_asks(listening, tmp_path):
    app, twilio, speech = listening
    speech.cache = PromptCache(tmp_path / "prompts", FakeSynthesizer(), b"k" * 32)
    speech.recognizers.clear()
    params = twilio_params(new_call_sid(), CallStatus="ringing")
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/voice", params)
    reply = app.test_client().post("/voice", data=params, headers={"X-Twilio-Signature": signature,
                                                                   "X-IVR-Prompt-Text": "1"})
    assert twiml(reply).find("Gather/Play").get("ivrText") == "요금은 1번"


def test_prompt_names_depend_on_the_secret_key_so_a_guessed_text_finds_no_file(tmp_path):
    from speech.model import Voice

    ours, guessed = PromptCache(tmp_path, None, b"a" * 32), PromptCache(tmp_path, None, b"b" * 32)
    assert ours.path_for("입력하신 번호는 4 3 2 1", Voice("ko")) != guessed.path_for("입력하신 번호는 4 3 2 1", Voice("ko"))


def test_health_reports_what_speech_can_do(listening):
    app, twilio, speech = listening
    body = app.test_client().get("/api/health").get_json()
    assert body["speech"]["problems"]["recognition"] == "turned off (SPEECH=off)"
    assert body["speech"]["synthesis"] is False
