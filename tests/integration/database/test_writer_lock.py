"""SQLite writers take turns on an OS lock: re-entrant in a thread, exclusive between threads."""
from __future__ import annotations

import threading
import time

from ivr.db import make_engine, writer_lock_for


def test_the_lock_is_reentrant_and_makes_other_threads_wait(tmp_path):
    lock = writer_lock_for(make_engine(f"sqlite:///{tmp_path}/db.sqlite3"))
    order = []

    def other():
        with lock():
            order.append("other")

    with lock():
        with lock():  # a nested unit of work in the same thread must not wait on itself
            thread = threading.Thread(target=other)
            thread.start()
            time.sleep(0.2)
            order.append("first")
    thread.join(5)
    assert order == ["first", "other"]


def test_postgresql_and_memory_databases_have_no_file_lock():
    assert writer_lock_for(make_engine("sqlite://")) is None
    assert writer_lock_for(make_engine("postgresql://nobody@127.0.0.1:1/none")) is None
