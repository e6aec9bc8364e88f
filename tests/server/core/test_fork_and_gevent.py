"""What the production server relies on below gunicorn: a forked child never uses its parent's pooled
connections, and SQLite writers in one gevent worker (greenlets on one OS thread) take turns instead of
deadlocking on the file lock."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from gunicorn_server import ROOT


def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone(postgres_url):
    from ivr.db import make_engine

    engine = make_engine(postgres_url)
    with engine.connect() as conn:
        parent_backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child reports the backend it talks to, then leaves without cleanup
        try:
            with engine.connect() as conn:
                os.write(write, str(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()).encode())
        finally:
            os._exit(0)
    os.close(write)
    child_backend = int(os.read(read, 32) or b"0")
    os.waitpid(child, 0)
    with engine.connect() as conn:  # the parent's pooled connection still works: the child did not close it
        again = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    engine.dispose()
    assert child_backend not in (0, parent_backend)
    assert again == parent_backend


def test_sqlite_writers_on_gevent_greenlets_take_turns(tmp_path):
    script = textwrap.dedent(f"""
        from gevent import monkey; monkey.patch_all()
        import gevent
        from ivr.db import make_engine, writer_lock_for
        lock = writer_lock_for(make_engine("sqlite:///{tmp_path}/db.sqlite3"))
        order = []
        def writer(name):
            with lock():
                order.append(name + " in")
                gevent.sleep(0.05)
                order.append(name + " out")
        gevent.joinall([gevent.spawn(writer, n) for n in "abc"], timeout=10)
        print(" ".join(order))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["a", "in", "a", "out", "b", "in", "b", "out", "c", "in", "c", "out"], done.stderr
