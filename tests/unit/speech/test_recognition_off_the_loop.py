"""Under gevent (the production worker class) recognising a recording does not stall the worker's other
requests: the decoding runs in a real thread while the event loop goes on. Run in a fresh interpreter,
because gevent's patch must come first and cannot be undone."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import gevent
    original_sleep = monkey.get_original("time", "sleep")

    from ivr.flow.instructions import Listen
    from ivr.speech_service import SpeechService
    from speech import Alternative, Transcript

    class SlowNativeRecognizer:
        # stands for vosk: busy in native code for 0.5 s without yielding to gevent
        def transcribe(self, audio, grammar=None):
            original_sleep(0.5)
            return Transcript("배송 조회", 0.9, (Alternative("배송 조회", 0.9),))

    ticks = []
    def other_callers():
        while True:
            ticks.append(1)
            gevent.sleep(0.01)

    beat = gevent.spawn(other_callers)
    gevent.sleep(0)
    speech = SpeechService(recognizers={"ko": SlowNativeRecognizer()})
    heard = speech.hear(Listen("ko", (("1", ("배송 조회",)),)), lambda r, g: r.transcribe(None, g))
    beat.kill()
    print(heard.option, len(ticks))
""")


def test_a_recording_is_recognised_while_the_event_loop_serves_other_callers():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    option, ticks = done.stdout.split()
    assert option == "1"
    assert int(ticks) >= 10  # the loop ran on during the 0.5 s of decoding (about 50 beats; 1 if it was held)
