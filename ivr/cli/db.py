"""`ivr db upgrade|downgrade`: the database schema (Alembic migrations)."""
from __future__ import annotations

import click

from ..config import Settings


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration to DATABASE_URL."""
    from ..db import current_revision, engine_for, upgrade

    with engine_for(Settings.from_env().database) as engine:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
        where = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"database at {where} was already at revision {after}: nothing to do")
    else:
        click.echo(f"database at {where} upgraded from revision {before or 'none (empty)'} to {after}")



@db.command("downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask (what came after REVISION is dropped with its data).")
def db_downgrade(revision: str, yes: bool) -> None:
    """Take DATABASE_URL's schema back to REVISION (0002, base for none, or `-- -1` for one step back)."""
    from alembic.util import CommandError

    from ..db import current_revision, downgrade, engine_for

    with engine_for(Settings.from_env().database) as engine:
        before = current_revision(engine)
        if not yes:
            click.confirm(f"Downgrade {engine.url.render_as_string(hide_password=True)} from {before} to {revision}? "
                          "Tables and columns added after it are dropped with their data", abort=True)
        try:
            downgrade(engine, revision)
        except CommandError as exc:
            raise click.ClickException(f"cannot downgrade to {revision!r}: {exc}") from None
        after = current_revision(engine)
    click.echo(f"database downgraded from {before} to {after or 'base (no tables)'}")
