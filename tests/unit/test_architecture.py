"""The pure core stays pure: the engine imports no web, database or Twilio library."""
from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ["flask", "sqlalchemy", "twilio", "werkzeug", "requests", "vosk", "pyttsx3"]


def test_flow_engine_imports_no_framework():
    code = (
        "import sys, ivr.flow.engine, ivr.flow.loader, ivr.flow.checks;"
        f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_importing_the_app_module_creates_nothing():
    code = "import app, ivr.web, ivr.bootstrap; print('created' if getattr(app, 'app', None) else 'nothing')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "nothing"
