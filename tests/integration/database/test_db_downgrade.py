"""`ivr db downgrade REV` rolls an upgrade back (SQLite and PostgreSQL), asks first, and refuses what it cannot do."""
from __future__ import annotations

from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import inspect

from ivr.cli import main
from ivr.db import MIGRATIONS, current_revision, make_engine

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()  # the newest migration, whatever its number


def run(database_url: str, *args: str, answer: str | None = None):
    return CliRunner().invoke(main, ["db", *args], env={"DATABASE_URL": database_url}, input=answer)


def tables(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def revision(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def test_downgrade_to_0002_drops_the_queue_tables_and_upgrade_brings_them_back(database_url):
    assert run(database_url, "upgrade").exit_code == 0
    assert {"agents", "queue_entries", "queue_assignments"} <= tables(database_url)
    result = run(database_url, "downgrade", "0002", "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"database downgraded from {HEAD} to 0002"
    assert tables(database_url) == {"calls", "call_events", "flow_versions", "recordings", "survey_answers"}
    assert run(database_url, "upgrade").exit_code == 0
    assert revision(database_url) == HEAD


def test_downgrade_to_base_leaves_no_tables(database_url):
    run(database_url, "upgrade")
    assert run(database_url, "downgrade", "base", "--yes").output.strip() == \
        f"database downgraded from {HEAD} to base (no tables)"
    assert tables(database_url) == set()


def test_downgrade_asks_first_and_a_no_changes_nothing(database_url):
    run(database_url, "upgrade")
    result = run(database_url, "downgrade", "0002", answer="n\n")
    assert result.exit_code == 1 and "Tables and columns added after it are dropped" in result.output
    assert revision(database_url) == HEAD
    assert run(database_url, "downgrade", "--", "-1", answer="y\n").exit_code == 0  # one step back
    assert revision(database_url) == ScriptDirectory(str(MIGRATIONS)).get_revision(HEAD).down_revision


def test_an_unknown_revision_is_a_clear_error_that_changes_nothing(database_url):
    run(database_url, "upgrade")
    result = run(database_url, "downgrade", "9999", "--yes")
    assert result.exit_code == 1
    assert "cannot downgrade to '9999': Can't locate revision identified by '9999'" in result.output
    assert revision(database_url) == HEAD


def test_a_revision_ahead_of_the_database_is_refused(database_url):
    run(database_url, "upgrade")
    run(database_url, "downgrade", "0001", "--yes")
    result = run(database_url, "downgrade", "0003", "--yes")  # 0003 is after 0001: not a downgrade
    assert result.exit_code == 1 and "cannot downgrade to '0003'" in result.output
    assert revision(database_url) == "0001"


def test_upgrade_says_which_database_without_its_password(postgres_url):
    with_password = postgres_url.replace("postgres@", "postgres:s3cret@", 1)  # the test server trusts local users
    result = run(with_password, "upgrade")
    assert result.exit_code == 0, result.output
    assert "postgres:***@127.0.0.1" in result.output and "s3cret" not in result.output
