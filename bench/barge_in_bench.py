"""Barge-in latency: from the first loud frame of the caller's voice, sent over the media stream while the menu's
prompt plays, to the server's `clear` arriving back; p50/p99 over N trials at real-time pace.

The server is the real app (vosk model, synthesised prompts) on a loopback port; the caller is the project's
simulator playing Twilio's side (paced 20 ms frames, the server's prompt buffered and played, marks echoed).
Each trial is a new call brought to a listening menu by signed webhooks; the caller speaks after a random
0.3-1.5 s of prompt.

    .venv/bin/python bench/barge_in_bench.py --trials 50

Results are recorded in docs/performance.md (Barge-in).
"""
from __future__ import annotations

import argparse
import platform
import random
import secrets
import statistics
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from twilio.request_validator import RequestValidator  # noqa: E402

from ivr.clock import FakeClock  # noqa: E402
from ivr.config import Settings  # noqa: E402
from ivr.sim.loopback import AppServer, in_process_overrides  # noqa: E402
from ivr.sim.speaking import CallerVoice, parse_spoken  # noqa: E402
from ivr.sim.streaming import StreamStart, run_stream  # noqa: E402
from ivr.web import create_app  # noqa: E402

TOKEN = "barge-in-bench"
ANSWERS = ["say:요금", "say:배송 조회", "say:요금 문의", "say:배송"]
FLOW = """\
name: listening
default: true
languages: [ko]
start: menu
nodes:
  menu:
    kind: menu
    prompt: "안녕하세요. 배송 조회는 1번, 요금 문의는 2번을 누르시거나 말씀해 주세요. 다시 들으시려면 9번을 누르세요."
    options:
      1: {to: done, phrases: {ko: [배송 조회, 배송]}}
      2: {to: done, phrases: {ko: [요금 문의, 요금]}}
  done: {kind: hangup, prompt: "감사합니다."}
"""


def build(folder: Path):
    (folder / "flows").mkdir()
    (folder / "flows" / "listening.yaml").write_text(FLOW, encoding="utf-8")
    settings = Settings.from_env({}, database_url=f"sqlite:///{folder}/ivr.db", flows_dir=folder / "flows",
                                 twilio_auth_token=TOKEN, log_level="WARNING", speech="auto", speech_mode="stream",
                                 prompts="synth", prompt_cache_dir=folder / "prompts", recordings_dir=folder / "rec",
                                 secret_key="barge-in-bench-secret-of-32-chars-or-more")
    return create_app(settings, FakeClock(), **in_process_overrides(settings))


def menu_stream(app) -> tuple[str, str, dict]:
    """A new call at the listening menu: (call sid, the <Stream> URL, its parameters)."""
    call_sid = "CA" + secrets.token_hex(16)
    params = {"CallSid": call_sid, "AccountSid": "AC" + "0" * 32, "From": "+821012345678", "To": "+18005550100",
              "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01"}
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/voice", params)
    reply = app.test_client().post("/voice", data=params, headers={"X-Twilio-Signature": signature})
    stream = ET.fromstring(reply.get_data()).find("Connect/Stream")
    if stream is None or not any(p.get("name") == "prompt" for p in stream.iter("Parameter")):
        raise SystemExit(f"the menu did not hand its prompt to the stream:\n{reply.get_data(as_text=True)}")
    return call_sid, stream.get("url"), {p.get("name"): p.get("value") for p in stream.iter("Parameter")}


def trial(app, server: AppServer, voice: CallerVoice, answer: str, after_s: float) -> tuple[float, float]:
    """(ms from the caller's first loud frame to `clear`, seconds of prompt heard before it)."""
    call_sid, url, parameters = menu_stream(app)
    headers = {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, {})}
    ulaw = voice.line_ulaw(parse_spoken(answer))
    run = run_stream(server.ws_base + urlsplit(url).path, headers, StreamStart(call_sid, "AC" + "0" * 32, parameters),
                     ulaw, "", 1.0, after_s)
    heard = run.heard
    if not heard.cleared or run.voice_at is None:
        raise SystemExit(f"no clear (or no voice) in trial {answer} after {after_s} s: {heard}")
    return (heard.cleared_at - run.voice_at) * 1000, heard.played_s_at_clear


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as folder:
        app = build(Path(folder))
        server, voice = AppServer(app, "localhost"), CallerVoice()
        try:
            results = [trial(app, server, voice, rng.choice(ANSWERS), rng.uniform(0.3, 1.5)) for _ in range(args.trials)]
        finally:
            server.close()
            app.extensions["ivr"].engine.dispose()
    latencies = [ms for ms, _ in results]
    print(f"barge-in on {platform.node()} ({platform.python_version()}), {len(results)} trials at real-time pace")
    print(f"voice onset -> clear: p50 {percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms, "
          f"min {min(latencies):.0f} ms, max {max(latencies):.0f} ms, mean {statistics.mean(latencies):.0f} ms")


if __name__ == "__main__":
    main()
