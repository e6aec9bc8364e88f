"""A media stream's StreamDecoder under gevent: its recogniser calls run in real threads, one at a time and in the
order asked, even when the stream's greenlet is killed while it waits; a call's exception is raised in the
stream's greenlet. Without gevent the calls run in place. The gevent cases run in a fresh interpreter, because
gevent's patch must come first and cannot be undone."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from ivr.event_loop import StreamDecoder

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import json, threading, time
    import gevent
    from ivr.event_loop import StreamDecoder
    native_sleep = monkey.get_original("time", "sleep")
    loop_thread = threading.get_ident()
    calls = []

    def decoding(name, seconds):
        def work():  # stands for vosk: native code that releases the GIL and never yields to gevent
            started = time.monotonic()
            native_sleep(seconds)
            calls.append({"name": name, "started": started, "ended": time.monotonic(),
                          "off_the_loop": threading.get_ident() != loop_thread})
            return name
        return work

    def failing():
        raise Exception("Failed to process waveform")

    decoder = StreamDecoder.for_this_server()
    answers = [decoder.run(decoding(f"frame {i}", 0.02)) for i in range(5)]
    stream = gevent.spawn(decoder.run, decoding("killed while decoded", 0.4))
    gevent.sleep(0.1)
    stream.kill()
    answers.append(decoder.run(decoding("finish", 0.0)))  # the closing call, as StreamListener.closed() makes it
    try:
        decoder.run(failing)
    except Exception as exc:
        answers.append(f"raised {exc}")
    print(json.dumps({"answers": answers, "calls": calls}))
""")


@pytest.fixture(scope="module")
def under_gevent() -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout), "stderr": done.stderr}


def test_under_gevent_each_call_runs_in_a_real_thread_in_the_order_asked(under_gevent):
    names = [call["name"] for call in under_gevent["calls"]]
    assert names == [f"frame {i}" for i in range(5)] + ["killed while decoded", "finish"]
    assert all(call["off_the_loop"] for call in under_gevent["calls"])
    assert under_gevent["answers"][:5] == [f"frame {i}" for i in range(5)]


def test_a_call_left_running_by_a_killed_greenlet_ends_before_the_next_call_starts(under_gevent):
    calls = under_gevent["calls"]
    for earlier, later in zip(calls, calls[1:]):
        assert later["started"] >= earlier["ended"], (earlier, later)  # never two calls on one recogniser at once


def test_a_failing_call_raises_in_the_streams_greenlet_and_gevent_prints_nothing(under_gevent):
    assert under_gevent["answers"][-2:] == ["finish", "raised Failed to process waveform"]
    assert "Traceback" not in under_gevent["stderr"], under_gevent["stderr"]


def test_without_gevent_a_call_runs_in_the_calling_thread():
    assert StreamDecoder.for_this_server().run(threading.get_ident) == threading.get_ident()
