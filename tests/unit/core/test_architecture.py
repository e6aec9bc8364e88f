"""The pure core stays pure: the engine imports no web, database or Twilio library."""
from __future__ import annotations

import subprocess
import sys

import pytest
from import_graph import module_files, project_graph, reachable, third_party

FORBIDDEN = ["flask", "sqlalchemy", "twilio", "werkzeug", "requests", "vosk", "pyttsx3"]
PURE_CORES = ["ivr.flow", "callqueue.routing", "callqueue.model", "speech.matching"]


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


def _modules_of(core: str) -> list[str]:
    return [m for m in module_files() if m == core or m.startswith(core + ".")]


@pytest.mark.parametrize("core", PURE_CORES)
def test_a_pure_core_imports_no_framework_even_indirectly_or_lazily(core):
    graph, outside = project_graph(), third_party()
    starts = _modules_of(core)
    used = {m: sorted(outside[m] & set(FORBIDDEN)) for s in starts for m in reachable(graph, s) if outside[m] & set(FORBIDDEN)}
    assert starts and used == {}


def test_importing_every_pure_module_loads_no_framework():
    modules = [m for core in PURE_CORES for m in _modules_of(core)]
    code = f"import importlib, sys; [importlib.import_module(m) for m in {modules!r}]; print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
