"""A forked worker (gunicorn --preload) never talks over the connections its parent opened before the fork."""
from __future__ import annotations

import multiprocessing

from sqlalchemy import text

from ivr.db import make_engine


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _child(engine, answers) -> None:
    answers.put(backend_pid(engine))


def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone(postgres_url):
    engine = make_engine(postgres_url)
    parent = backend_pid(engine)  # now pooled, as the preloaded app's connections are when gunicorn forks
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_child, args=(engine, answers))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert answers.get(timeout=5) != parent
    assert backend_pid(engine) == parent  # the parent's pooled connection is still open and its own
    engine.dispose()
