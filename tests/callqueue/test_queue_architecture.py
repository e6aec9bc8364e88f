"""The call-queue core stays pure: no web, database or Twilio library, and no wall clock."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ["flask", "sqlalchemy", "twilio", "werkzeug", "requests", "psycopg"]
CORE = ["model", "queues", "errors", "config", "matching", "index", "pools", "routing", "erlang", "stats", "simulation"]
PACKAGE = Path(__file__).resolve().parents[2] / "callqueue"


def test_the_call_queue_core_imports_no_framework():
    imports = "; ".join(f"import callqueue.{name}" for name in CORE)
    code = f"import sys; {imports}; print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PACKAGE.parent).stdout
    assert out.strip() == "[]"


def test_the_call_queue_core_never_reads_the_clock():
    reads = re.compile(r"\b(datetime\.now|datetime\.utcnow|time\.time|time\.monotonic|date\.today)\(")
    offenders = [path.name for path in PACKAGE.glob("*.py") if reads.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
