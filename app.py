"""Entry point: `python app.py` serves the IVR on embedded defaults; gunicorn runs 'app:create_app()'."""
from __future__ import annotations

from ivr.server import run
from ivr.web import create_app

__all__ = ["create_app", "run"]

if __name__ == "__main__":
    run()
