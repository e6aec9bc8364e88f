"""Twilio's part in a call: request TwiML, carry out its verbs, follow action URLs, send the status callback."""
from __future__ import annotations

import math
from datetime import timedelta, timezone
from email.utils import format_datetime
from urllib.parse import urlencode

from ..clock import SystemClock
from . import twiml_verbs as v
from . import listening
from .caller import ScriptedCaller, collect
from .errors import CallerHungUp, Forbidden, ProtocolError, ScriptMismatch
from .listening import CallMedia
from .queueing import dial_agent, wait_in_queue
from .recording import HANGUP, Recording, hang_up, take
from .transcript import HTTP, CallResult, RequestRecord, Transcript
from .steps import Callback, CallOptions, End, Next, check_status, check_twiml
from .streaming import StreamStart
from .transport import Answer, Transport
from .wire import Addressing, CallIdentity, Signer, new_sid, with_query

__all__ = ["CallOptions", "SimulatedCall", "run_call"]
CHARACTERS_PER_SECOND = 12  # rough speaking rate, for the simulated call duration
PLAY_SECONDS = 5            # audio length is unknown without fetching it
KEY_SECONDS = 0.5
TALK_SECONDS = 60           # how long an answered <Dial> talks
SPEAK_PROMPT = "🎙 seconds to speak: 12, 12:hangup, 12:silence (Enter = silence, q = hang up): "
LISTEN_PROMPT = "⌨/🎙 keys, say:WORDS, wav:FILE or dtmf:KEY (Enter = silence, q = hang up): "
NOT_ASKED = object()        # no answer waiting for the verb after a listening menu's <Gather>


class SimulatedCall:
    """One inbound call played against `transport` with keys from `caller`."""

    def __init__(self, transport: Transport, caller, options: CallOptions = CallOptions(), clock=None, on_entry=None,
                 wait_for=None, callbacks=None):
        self.transport, self.caller, self.options = transport, caller, options
        self.identity = CallIdentity.new(options.from_number, options.to_number, options.account_sid, options.call_sid)
        self.addressing = Addressing(transport.base_url, options.public_url)
        self.signer = Signer(options.auth_token)
        self.transcript = Transcript(on_entry)
        self.result = CallResult(self.identity.call_sid)
        self.started_at = (clock or SystemClock()).now()
        self.elapsed_s, self.call_status, self.refused = 0.0, "ringing", False
        self.media = CallMedia(transport, recordings_port=options.recordings_port)
        self.upcoming, self.pending = None, NOT_ASKED
        self.wait_for = wait_for  # moves the server's clock (or sleeps) while the caller waits in a queue
        self.callbacks, self.asked_callback = callbacks, False  # a CallbackPlayer answers the server's callback calls

    def pass_time(self, seconds: float) -> None:
        """Time the caller spends waiting or talking: counted, and passed on the server's clock when one is given."""
        self.elapsed_s += seconds
        if self.wait_for is not None and seconds > 0:
            self.wait_for(seconds)

    def run(self) -> CallResult:
        try:
            end = self._converse()
            self._status_callback(end)
            self._called_back()
        finally:
            self.media.close()
        return self._finish(end)

    def _converse(self) -> End:
        step: Next | End = Next("POST", self.addressing.start(self.options.voice_path))
        try:
            while isinstance(step, Next):
                document = self._fetch(step)
                if step.after is not None:
                    self._callback(step.after)
                step = step.then or self._play(document)
            return step
        except ScriptMismatch as exc:
            self.result.script_problem = str(exc)
            self.transcript.add("hangup", f"✖ script: {exc}; the caller hangs up")
            return End("caller hung up")
        except CallerHungUp as exc:
            self.transcript.add("hangup", f"☎ caller hangs up ({exc})")
            return End("caller hung up")
        except ProtocolError as exc:
            self._fail(exc)
            return End("protocol error")

    def _called_back(self) -> None:
        """The caller asked for a callback and hung up: the simulator answers the server's callback calls."""
        if not self.asked_callback or self.result.error:
            return
        if self.callbacks is None:
            self.transcript.add("callback", "☎ the caller waits to be called back (only the in-process app's "
                                            "callbacks can be answered by the simulator)")
            return
        try:
            self.callbacks.play(self)
        except ProtocolError as exc:
            self._fail(exc)

    def _fail(self, exc: ProtocolError) -> None:
        self.refused = self.refused or isinstance(exc, Forbidden)
        self.result.error = self.result.error or str(exc)
        self.transcript.add("error", f"✖ protocol error: {exc}")

    # --- requests -------------------------------------------------------------------------------

    def _fetch(self, step: Next) -> v.Document:
        if len(self.result.requests) >= self.options.max_requests:
            raise ProtocolError(f"more than {self.options.max_requests} requests in one call: the TwiML loops")
        answer = self._send(step.method, step.url, step.params, self.call_status)
        self.call_status = "in-progress"
        check_twiml(answer, step.method, step.url)
        return v.parse(answer.body, step.url)

    def _send(self, method: str, public_url: str, extra: dict, call_status: str | None) -> Answer:
        params = {**self.identity.params(call_status), **extra} if call_status else dict(extra)
        url, form = (with_query(public_url, params), {}) if method == "GET" else (public_url, params)
        answer = self.transport.send(method, self.addressing.local(url), form, self.signer.headers(url, form))
        self.result.requests.append(RequestRecord(method, public_url, params, answer.status, answer.content_type))
        shown = f" {urlencode(extra)}" if extra else ""
        self.transcript.add(HTTP, f"→ {method} {public_url}{shown} -> {answer.status}")
        return answer

    def _callback(self, callback: Callback) -> None:
        """Twilio logs a failed callback in its debugger and the call goes on; we report it as an error."""
        try:
            answer = self._send(callback.method, callback.url, callback.params, None)
            check_status(answer, callback.url)
        except ProtocolError as exc:
            self._fail(exc)
            return
        self.transcript.add("status", f"✔ recording status callback {callback.params['RecordingStatus']} "
                                      f"-> HTTP {answer.status}")

    def _status_callback(self, end: End) -> None:
        duration_s = round(self.elapsed_s) if end.status == "completed" else 0
        self.result.duration_s = duration_s
        if self.refused:
            self.transcript.add("status", "✖ status callback not sent: the server refuses our signature")
            return
        url = self.addressing.start(self.options.status_path)
        try:
            answer = self._send("POST", url, self._status_params(end, duration_s), end.status)
            check_status(answer, url)
        except ProtocolError as exc:
            self._fail(exc)
            return
        self.transcript.add("status", f"✔ status callback {end.status} ({duration_s} s) -> HTTP {answer.status}")

    def _status_params(self, end: End, duration_s: int) -> dict:
        params = {
            "CallDuration": str(duration_s),
            "Timestamp": format_datetime((self.started_at + timedelta(seconds=self.elapsed_s)).astimezone(timezone.utc)),
            "CallbackSource": "call-progress-events", "SequenceNumber": "0",
        }
        if end.status == "completed":
            params["Duration"] = str(max(1, math.ceil(duration_s / 60)))  # billed minutes
        return params

    def _finish(self, end: End) -> CallResult:
        result = self.result
        result.entries = self.transcript.entries
        result.ended_normally = result.error is None
        result.end_reason = end.reason
        return result

    # --- verbs ----------------------------------------------------------------------------------

    def _play(self, document: v.Document) -> Next | End:
        for index, verb in enumerate(document.verbs):
            self.upcoming = document.verbs[index + 1] if index + 1 < len(document.verbs) else None
            outcome = self._do(verb, document.url)
            if outcome is not None:
                return outcome
        self.transcript.add("end", "☎ end of TwiML: Twilio hangs up")
        return End("end of TwiML")

    def _do(self, verb, document_url: str) -> Next | End | None:
        return _HANDLERS[type(verb)](self, verb, document_url)

    def _say(self, say: v.SayVerb, _url: str) -> None:
        times = f" ×{say.loop}" if say.loop != 1 else ""
        self.transcript.add("say", f"🔊 [{say.language}] {say.text}{times}", said=say.text)
        self.elapsed_s += max(1.0, len(say.text) / CHARACTERS_PER_SECOND) * max(1, say.loop)

    def _play_audio(self, play: v.PlayVerb, url: str) -> None:
        words = None if play.digits else listening.prompt_words(play)
        if words is not None:
            language, text = words
            self.transcript.add("say", f"🔊 [{language}] {text}  ▶ {listening.shown_prompt(play.url)}", said=text)
            self.elapsed_s += max(1.0, len(text) / CHARACTERS_PER_SECOND) * max(1, play.loop)
            return
        shown = f"digits {play.digits}" if play.digits else play.url
        self.transcript.add("play", f"▶ play {shown}")
        self.elapsed_s += PLAY_SECONDS * max(1, play.loop)

    def _pause(self, pause: v.PauseVerb, _url: str) -> None:
        self.transcript.add("pause", f"⏸ pause {pause.length_s} s")
        self.elapsed_s += pause.length_s

    def _gather(self, gather: v.GatherVerb, url: str) -> Next | None:
        for prompt in gather.prompts:
            self._do(prompt, url)
        if "dtmf" not in gather.input:
            self.transcript.add("no_input", f"⌛ no input: the simulator cannot speak ({gather.timeout_s} s)")
            return self._empty_gather(gather, url)
        if isinstance(self.upcoming, (v.RecordVerb, v.ConnectVerb)):
            return self._listening_gather(gather, url)
        keys = self.caller.keys(_ask(gather))
        if keys is None:
            self.transcript.add("no_input", f"⌛ no input ({gather.timeout_s} s)")
            return self._empty_gather(gather, url)
        return self._keys_entered(gather, url, keys)

    def _listening_gather(self, gather: v.GatherVerb, url: str) -> Next | None:
        """A menu that also listens: keys answer the <Gather>; words (or silence) go to the <Record> or stream after it."""
        answer = self.caller.menu_answer(LISTEN_PROMPT)
        if answer is not None and not answer.startswith(("say:", "wav:", "dtmf:")):
            return self._keys_entered(gather, url, answer)
        self.pending = answer
        return self._empty_gather(gather, url)

    def _keys_entered(self, gather: v.GatherVerb, url: str, keys: str) -> Next | None:
        digits, finished_on_key = collect(keys, gather.num_digits, gather.finish_on_key)
        self.transcript.add("keys", f"⌨ caller presses {keys}")
        ended_by_count = gather.num_digits is not None and len(digits) >= gather.num_digits
        self.elapsed_s += KEY_SECONDS * len(keys) + (0 if finished_on_key or ended_by_count else gather.timeout_s)
        if not digits:
            return self._empty_gather(gather, url)
        params = {"Digits": digits, "FinishedOnKey": finished_on_key}
        return Next(gather.method, self.addressing.resolve(gather.action or url, url), params)

    def _empty_gather(self, gather: v.GatherVerb, url: str) -> Next | None:
        """No input: Twilio falls through to the next verb unless actionOnEmptyResult asks for the action."""
        self.elapsed_s += gather.timeout_s
        if not gather.action_on_empty_result:
            return None
        return Next(gather.method, self.addressing.resolve(gather.action or url, url), {"Digits": "", "FinishedOnKey": ""})

    def _redirect(self, redirect: v.RedirectVerb, url: str) -> Next:
        self.transcript.add("redirect", f"↪ redirect {redirect.url}")
        return Next(redirect.method, self.addressing.resolve(redirect.url, url))

    def _dial(self, dial: v.DialVerb, url: str) -> Next | None:
        if any(dial.target_urls):
            return dial_agent(self, dial, url)
        status = self.options.dial_status
        targets = ", ".join(address if noun == "Number" else f"{noun.lower()}:{address}" for noun, address in dial.targets)
        self.transcript.add("dial", f"☎ dial {targets} ({dial.timeout_s} s) -> {status}")
        talk_s = TALK_SECONDS if status == "completed" else 0
        self.elapsed_s += talk_s + (dial.timeout_s if status == "no-answer" else 0)
        if not dial.action:
            return None  # without an action Twilio carries on with the next verb
        params = {"DialCallStatus": status, "DialCallSid": new_sid("CA"), "DialCallDuration": str(talk_s),
                  "DialBridged": "true" if status == "completed" else "false"}
        return Next(dial.method, self.addressing.resolve(dial.action, url), params)

    def _hangup(self, _verb: v.HangupVerb, _url: str) -> End:
        self.transcript.add("hangup", "☎ hangup")
        return End("hangup")

    def _reject(self, reject: v.RejectVerb, _url: str) -> End:
        self.transcript.add("hangup", f"☎ reject ({reject.reason})")
        return End("rejected", "busy" if reject.reason == "busy" else "no-answer")

    def _leave(self, _verb: v.LeaveVerb, _url: str) -> None:
        self.transcript.add("queue", "⇠ leave (the call is not in a queue)")

    def _enqueue(self, enqueue: v.EnqueueVerb, url: str) -> Next | End | None:
        if enqueue.wait_url:
            return wait_in_queue(self, enqueue, url)
        wait = f" (wait {enqueue.wait_url})" if enqueue.wait_url else ""
        self.transcript.add("queue", f"⏳ enqueue {enqueue.queue}{wait} -> {self.options.queue_result}")
        hung_up = End("caller hung up in the queue") if self.options.queue_result == "hangup" else None
        if not enqueue.action:
            return hung_up
        params = {"QueueResult": self.options.queue_result, "QueueSid": new_sid("QU"), "QueueTime": "0"}
        return Next(enqueue.method, self.addressing.resolve(enqueue.action, url), params, then=hung_up)

    def _record(self, record: v.RecordVerb, url: str) -> Next | End | None:
        limits = f"max {record.max_length_s} s, silence {record.timeout_s} s, ends on {record.finish_on_key or 'no key'}"
        self.transcript.add("record", f"● record ({limits})")
        if record.play_beep:
            self.transcript.add("record", "♪ beep")
        if self.pending is not NOT_ASKED:
            return self._answer_recorded(record, url)
        try:
            done = take(record, self.caller.speech(SPEAK_PROMPT))
        except CallerHungUp as exc:
            done = hang_up(record, f"caller hangs up ({exc})")
        self.transcript.add("record", f"🎙 {done.told}")
        self.elapsed_s += done.elapsed_s
        if done.empty and not done.hung_up:
            return None  # Twilio skips the action when nothing was recorded and carries on with the next verb
        return self._recorded(record, url, done)

    def _recorded(self, record: v.RecordVerb, url: str, done) -> Next:
        end = End("caller hung up while recording") if done.hung_up else None
        if done.empty:
            params = {"RecordingUrl": "", "RecordingDuration": "0", "Digits": HANGUP}
            return Next(record.method, self.addressing.resolve(record.action or url, url), params, then=end)
        recording = Recording.new(self.identity.account_sid, done.recorded_s)
        self.result.recordings.append(recording)
        after = None
        if record.status_callback and "completed" in record.status_callback_events:
            after = Callback(record.status_callback_method, self.addressing.resolve(record.status_callback, url),
                             recording.status_params(self.identity.account_sid, self.identity.call_sid))
        return Next(record.method, self.addressing.resolve(record.action or url, url),
                    recording.action_params(done.digits), then=end, after=after)

    def _answer_recorded(self, record: v.RecordVerb, url: str) -> Next | None:
        spoken, self.pending = listening.spoken_answer(self.pending), NOT_ASKED
        done, recording = listening.record_answer(self.media, record, spoken, self.identity.account_sid)
        self.transcript.add("record", f"🎙 {done.told}")
        self.elapsed_s += done.elapsed_s
        if recording is None:
            return None  # nothing recorded: Twilio skips the action
        self.result.recordings.append(recording)
        return Next(record.method, self.addressing.resolve(record.action or url, url), recording.action_params(None))

    def _connect(self, connect: v.ConnectVerb, url: str) -> Next | None:
        answer = self.caller.menu_answer(LISTEN_PROMPT) if self.pending is NOT_ASKED else self.pending
        spoken, self.pending = listening.spoken_answer(answer), NOT_ASKED
        public = connect.stream.url
        self.transcript.add("stream", f"⇄ media stream {public} {dict(connect.stream.parameters)}")
        start = StreamStart(self.identity.call_sid, self.identity.account_sid, dict(connect.stream.parameters))
        run, told = listening.stream_answer(self.media, self.media.websocket_url(public, self.addressing),
                                            self.signer.headers(public, {}), start, spoken, self.options.stream_pace,
                                            self.options.barge_in_after_s)
        self.elapsed_s += run.audio_s
        if run.refused is not None or run.error:
            self._fail(Forbidden(f"the server refused the media stream handshake at {public} (HTTP 403)")
                       if run.refused == 403 else ProtocolError(run.error or f"stream handshake failed: HTTP {run.refused}"))
            return None  # Twilio goes on with the next verb when a stream cannot start
        self.transcript.add("stream", told)
        return Next(connect.method, self.addressing.resolve(connect.action, url)) if connect.action else None


_HANDLERS = {
    v.SayVerb: SimulatedCall._say, v.PlayVerb: SimulatedCall._play_audio, v.PauseVerb: SimulatedCall._pause,
    v.GatherVerb: SimulatedCall._gather, v.RedirectVerb: SimulatedCall._redirect, v.DialVerb: SimulatedCall._dial,
    v.HangupVerb: SimulatedCall._hangup, v.RejectVerb: SimulatedCall._reject, v.LeaveVerb: SimulatedCall._leave,
    v.EnqueueVerb: SimulatedCall._enqueue, v.RecordVerb: SimulatedCall._record,
    v.ConnectVerb: SimulatedCall._connect,
}


def _ask(gather: v.GatherVerb) -> str:
    """The terminal prompt for a Gather: how many keys, which key ends, how to skip or hang up."""
    count = f"{gather.num_digits} key{'s' if gather.num_digits != 1 else ''}" if gather.num_digits else "keys"
    finish = f", end with {gather.finish_on_key}" if gather.finish_on_key else ""
    return f"⌨ {count}{finish} (Enter = no input, q = hang up): "


def run_call(transport: Transport, digits: list[str] | None = None, caller=None, options: CallOptions = CallOptions(),
             clock=None, on_entry=None, wait_for=None, callbacks=None) -> CallResult:
    """Play one call: keys from `caller`, or from the scripted `digits` (one item per Gather, "" = no input).

    `wait_for(seconds)` is called while the caller waits in a queue or talks to an agent (FakeClock.advance
    for an in-process app, time.sleep for a real server); `callbacks` (a CallbackPlayer) answers the calls the
    server places when the caller took a callback (`cb:1` in the queue's wait)."""
    caller = caller or ScriptedCaller(digits or [])
    return SimulatedCall(transport, caller, options, clock, on_entry, wait_for, callbacks).run()
