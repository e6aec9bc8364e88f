"""The `ivr` command: one module per command group, registered explicitly on the group in main.py."""
from __future__ import annotations

from .main import main

__all__ = ["main"]
