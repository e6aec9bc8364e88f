"""The call-queue core stays pure: no web, database or Twilio library, and no wall clock."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ["flask", "sqlalchemy", "twilio", "werkzeug", "requests", "psycopg"]
CORE = ["model", "queues", "errors", "config", "matching", "index", "pools", "routing", "erlang", "stats", "simulation",
        "recovery"]
PACKAGE = Path(__file__).resolve().parents[3] / "callqueue"


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


def test_only_the_row_mapping_writes_a_status_so_every_move_goes_through_the_model():
    def writes_status(line: str) -> bool:
        return " = " in line and re.search(r"\.status\b", line.split(" = ")[0]) is not None

    offenders = [path.name for path in PACKAGE.glob("*.py") if path.name != "rows.py"
                 and any(writes_status(line) for line in path.read_text(encoding="utf-8").splitlines())]
    assert offenders == []


def test_the_queue_repository_is_built_only_by_the_unit_of_work():
    root = PACKAGE.parent
    sources = [*PACKAGE.glob("*.py"), *(root / "ivr").rglob("*.py"), *(root / "bench").glob("*.py")]
    builders = sorted(str(path.relative_to(root)) for path in sources
                      if re.search(r"SqlAlchemyQueue(Repository|Views)\(", path.read_text(encoding="utf-8")))
    assert builders == ["ivr/repository.py"]
