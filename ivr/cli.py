"""The `ivr` command: run the server, upgrade the database, call the IVR with the simulator."""
from __future__ import annotations

import sys

import click

from .config import Settings


@click.group()
def main() -> None:
    """Self-hosted IVR for Twilio numbers."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (default: HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: PORT or 5000).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the webhooks with Flask's server (use gunicorn 'app:create_app()' in production)."""
    from .server import run

    overrides = {k: v for k, v in (("host", host), ("port", port)) if v}
    run(Settings.from_env(**overrides))


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration to DATABASE_URL."""
    from .db import make_engine, upgrade

    settings = Settings.from_env()
    upgrade(make_engine(settings.database))
    click.echo(f"database at {settings.database} is up to date")


if __name__ == "__main__":
    sys.exit(main())
