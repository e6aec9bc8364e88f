"""How long vosk holds a gevent worker's event loop while media streams are decoded: on the loop (as before) or
through each stream's StreamDecoder (a thread of gevent's pool), with a greenlet ticking every 5 ms beside them.

Each stream is the caller's answer over the phone line (espeak-ng, telephone band, μ-law), fed as 20 ms frames
back to back (frames queued behind a slow decode), then finished: what the stream handler does, without the
socket. A tick that comes late is every other webhook and stream of the worker waiting.

    .venv/bin/python bench/stream_loop_bench.py --streams 1 --streams 4

Results are recorded in docs/performance.md (Barge-in, the event loop while streams are decoded).
"""
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ivr.sim.speaking import CallerVoice, parse_spoken  # noqa: E402
from ivr.event_loop import StreamDecoder, native_threads  # noqa: E402
from speech.audio import ulaw_frames  # noqa: E402
from speech.silence import EndpointSettings  # noqa: E402
from speech.vosk_recognizer import VoskRecognizer  # noqa: E402

TICK_S = 0.005
ANSWER = "say:배송 조회 말고 요금 문의요"
GRAMMAR = ["배송 조회", "요금 문의", "배송", "요금"]
ENDPOINT = EndpointSettings(silence_s=60.0, max_speech_s=120.0)  # the whole answer is decoded, then finish()


def stream(recognizer, frames: list[bytes], decoder: StreamDecoder) -> str:
    """One stream's recogniser calls, as media_stream.StreamListener makes them."""
    heard = decoder.run(lambda: recognizer.open_stream(GRAMMAR, ENDPOINT))
    for frame in frames:
        decoder.run(lambda: heard.feed_ulaw(frame))
    return decoder.run(heard.finish).text


def measure(recognizer, frames: list[bytes], streams: int, pool) -> dict:
    ticks = []

    def ticker():
        while True:
            ticks.append(time.perf_counter())
            gevent.sleep(TICK_S)

    beat = gevent.spawn(ticker)
    gevent.sleep(2 * TICK_S)
    started = time.perf_counter()
    texts = [g.get() for g in [gevent.spawn(stream, recognizer, frames, StreamDecoder(pool)) for _ in range(streams)]]
    ended = time.perf_counter()
    gevent.sleep(2 * TICK_S)  # the tick held up by the last decoding comes now
    beat.kill()
    during = [b - a for a, b in zip(ticks, ticks[1:]) if b > started and a < ended]
    return {"took_s": ended - started, "ticks": sum(started < t <= ended for t in ticks),
            "expected": (ended - started) / TICK_S, "p50_ms": sorted(during)[len(during) // 2] * 1000,
            "max_ms": max(during) * 1000, "texts": set(texts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, action="append", help="streams decoded at once (repeatable)")
    args = parser.parse_args()
    recognizer = VoskRecognizer.for_language("ko").load()
    ulaw = CallerVoice().line_ulaw(parse_spoken(ANSWER))
    frames = ulaw_frames(ulaw)
    print(f"stream decoding and the event loop on {platform.node()} ({platform.python_version()}): "
          f"{len(frames) * 0.02:.1f} s of answer per stream, a tick every {TICK_S * 1000:.0f} ms")
    print("| streams | decoded | wall time | ticks (of ~expected) | tick gap p50 | tick gap max | heard |")
    print("|---|---|---|---|---|---|---|")
    for streams in args.streams or [1]:
        for where, pool in (("on the loop", None), ("decoder thread", native_threads())):
            m = measure(recognizer, frames, streams, pool)
            print(f"| {streams} | {where} | {m['took_s'] * 1000:.0f} ms | {m['ticks']} (~{m['expected']:.0f}) | "
                  f"{m['p50_ms']:.1f} ms | {m['max_ms']:.0f} ms | {' / '.join(sorted(m['texts']))} |")


if __name__ == "__main__":
    main()
