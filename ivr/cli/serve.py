"""`ivr serve`: the webhooks on Flask's own server (development; production runs gunicorn)."""
from __future__ import annotations

import click

from ..config import Settings


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: PORT or 5000).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the webhooks with Flask's server (use gunicorn 'app:create_app()' in production)."""
    from ..server import run

    overrides = {k: v for k, v in (("host", host), ("port", port)) if v}
    run(Settings.from_env(**overrides))


