"""Fixtures for the call-queue core; makes `callqueue` importable however pytest is started."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# The editable install maps only `ivr`; until pyproject's package list includes callqueue, the
# project root must be on the path when pytest is run as `pytest` rather than `python -m pytest`.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
