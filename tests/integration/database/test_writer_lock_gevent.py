"""SQLite's writer lock under gevent: while another process holds the lock file, a greenlet waiting for it waits on
a real thread, so the worker's other greenlets go on; one interrupted while waiting never leaves the lock held.
Runs in a fresh interpreter: gevent's patch must come first and cannot be undone."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import fcntl, json, sys, time
    import gevent
    from ivr.db import SqliteWriterLock

    database = sys.argv[1]
    lock = SqliteWriterLock(database)
    other = open(lock.path, "a")            # another open file: to flock, another process
    fcntl.flock(other, fcntl.LOCK_EX)
    ticks, got = [], []

    def writer(name):
        with lock:
            got.append((name, time.monotonic()))

    def ticker():
        for _ in range(20):
            ticks.append(time.monotonic())
            gevent.sleep(0.01)

    waiting, ticking = gevent.spawn(writer, "first"), gevent.spawn(ticker)
    gevent.sleep(0.3)
    released = time.monotonic()
    fcntl.flock(other, fcntl.LOCK_UN)
    gevent.joinall([waiting, ticking], timeout=5)

    # a greenlet killed while it waits: once the other holder lets go, the lock must be free for everyone
    fcntl.flock(other, fcntl.LOCK_EX)
    killed = gevent.spawn(writer, "killed")
    gevent.sleep(0.1)
    killed.kill(block=True)
    fcntl.flock(other, fcntl.LOCK_UN)
    gevent.sleep(0.2)                        # the pool's thread gets the lock and hands it back by closing
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        free_after_kill = True
    except BlockingIOError:
        free_after_kill = False
    fcntl.flock(other, fcntl.LOCK_UN)
    writer("after")                          # and the lock object still works

    print(json.dumps({"ticks_while_waiting": sum(1 for t in ticks if t < released),
                      "got": [name for name, _ in got], "first_after_release": got[0][1] >= released,
                      "free_after_kill": free_after_kill}))
""")


def test_a_greenlet_waiting_for_the_writer_lock_lets_the_others_run_and_never_leaves_it_held(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "ivr.db")], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["ticks_while_waiting"] >= 10, seen  # the loop went on while "first" waited (0.3 s, a tick per 10 ms)
    assert seen["got"] == ["first", "after"] and seen["first_after_release"], seen
    assert seen["free_after_kill"], seen
