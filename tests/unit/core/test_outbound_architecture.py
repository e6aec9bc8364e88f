"""One room talks to Twilio and the network: outside the outbound Twilio adapter (`ivr/outbound/`) and the flows'
data fetcher (`ivr/http_fetch.py`, the `http` node), no module of the server imports twilio's REST client, requests
or another HTTP client. The simulator (`ivr/sim/`) is a client of the server by nature and may."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["ivr", "callqueue", "recordings", "speech"]  # what the project installs (pyproject.toml), and app.py
HTTP_CLIENTS = {"twilio.rest", "twilio.http", "twilio.base.client_base", "requests", "httpx", "urllib3", "aiohttp",
                "http.client", "urllib.request", "pycurl", "websocket", "websockets", "simple_websocket"}
ALLOWED = ("ivr/outbound/", "ivr/http_fetch.py", "ivr/sim/")
# The Media Streams endpoint is the server side of a WebSocket (flask-sock runs on simple-websocket): it may
# name that library's exceptions, and nothing else of a client.
SERVER_SIDE = {"ivr/web/media_stream.py": {"simple_websocket"}}


def imported_modules(tree: ast.AST) -> set[str]:
    """Every module a file imports, wherever the import statement is (functions included)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def http_clients_in(source: str) -> set[str]:
    modules = imported_modules(ast.parse(source))
    return {client for client in HTTP_CLIENTS
            if any(m == client or m.startswith(client + ".") for m in modules)}


def source_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files.extend(sorted((ROOT / package).rglob("*.py")))
    return files


def offenders() -> dict[str, set[str]]:
    found = {}
    for path in source_files():
        name = path.relative_to(ROOT).as_posix()
        clients = http_clients_in(path.read_text(encoding="utf-8")) - SERVER_SIDE.get(name, set())
        if clients and not name.startswith(ALLOWED):
            found[name] = clients
    return found


def test_only_the_outbound_adapter_the_flow_fetcher_and_the_simulator_import_http_clients():
    assert offenders() == {}


def test_the_walk_sees_the_adapters_own_imports():
    # guards against a walk that finds nothing and so passes whatever the code does
    assert http_clients_in((ROOT / "ivr/outbound/twilio_rest.py").read_text()) >= {"twilio.rest", "requests"}
    assert "requests" in http_clients_in((ROOT / "ivr/http_fetch.py").read_text())


def test_every_way_of_importing_a_client_is_caught():
    cases = ["import requests", "from requests import Session", "import requests.adapters",
             "from twilio import rest", "from twilio.rest import Client", "def f():\n    import http.client",
             "from urllib import request", "import httpx as h"]
    assert [bool(http_clients_in(code)) for code in cases] == [True] * len(cases)
    assert not http_clients_in("from urllib.parse import urlencode\nfrom twilio.twiml.voice_response import VoiceResponse")
