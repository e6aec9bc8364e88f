"""Browser tests' fixtures: the production server (gunicorn with the committed gunicorn.conf.py, --preload, 2
workers) on a temporary SQLite database, and Debian's chromium driven by Playwright.

    @pytest.mark.browser
    def test_something(live_server, page):
        base = live_server({"SOME_SETTING": "x"})   # starts a server; stopped when the test ends
        page.goto(f"{base}/login")                  # any console error or CSP refusal fails the test

`page.console_errors` lists what the page reported so far (the test fails on them at its end anyway); a test
that expects one (a refused request it provokes on purpose) calls `page.expect_console_errors(pattern)` first.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from gunicorn_server import FLOWS, GunicornServer
from helpers import TOKEN

from browser_settings import API_TOKEN, CHROMIUM

SET_UP = "run `make .venv/.installed` (scripts/bootstrap.sh installs Debian's chromium and the pinned playwright)"


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test (`-m "not browser"` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(tmp_path_factory, request):
    """A factory: `live_server(env=None, workers=2) -> base URL` starts the production command on a free port
    with its own empty SQLite database. Defaults: the sample flows, API token `API_TOKEN`, webhook signatures
    checked with helpers.TOKEN against PUBLIC_BASE_URL = the base URL; `env` overrides any of them. Every
    server is stopped when the test ends; a failed test shows the end of each server's log."""
    servers: list[GunicornServer] = []

    def start(env: dict[str, str] | None = None, workers: int = 2) -> str:
        folder = tmp_path_factory.mktemp("live-server")
        server = GunicornServer({}, folder / "gunicorn.log", workers=workers)
        server.env.update({"DATABASE_URL": f"sqlite:///{folder}/ivr.sqlite3", "FLOWS_DIR": str(FLOWS),
                           "IVR_API_TOKEN": API_TOKEN, "TWILIO_AUTH_TOKEN": TOKEN,
                           "PUBLIC_BASE_URL": server.url, **(env or {})})
        servers.append(server.__enter__())
        return server.url

    yield start
    for server in servers:
        server.__exit__(None, None, None)
        if request.node.stash.get(_FAILED, False):
            print(f"--- gunicorn log ({server.log}) ---\n{server.log_text()[-4000:]}")


@pytest.fixture(scope="module")
def browser():
    """One headless Debian chromium per test module. Not per session: Playwright's sync API keeps an asyncio loop
    running in the main thread while it is started, so every later test's asyncio.run() would fail."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"the browser tests need the Python package playwright: {SET_UP}", pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"the browser tests need {CHROMIUM} (Debian package chromium): {SET_UP}", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (own cookies) that fails the test on any console error, uncaught script
    error or Content-Security-Policy refusal it reports (chromium reports CSP refusals as console errors)."""
    context = browser.new_context(locale="en-US")
    tab = context.new_page()
    tab.console_errors = []
    tab.expected_errors = []
    tab.on("console", lambda message: _console(tab, message))
    tab.on("pageerror", lambda error: tab.console_errors.append(f"uncaught: {error}"))
    tab.expect_console_errors = lambda pattern: tab.expected_errors.append(re.compile(pattern))
    yield tab
    context.close()
    unexpected = [e for e in tab.console_errors if not any(p.search(e) for p in tab.expected_errors)]
    assert unexpected == [], "the page reported errors:\n" + "\n".join(unexpected)


def _console(tab, message) -> None:
    if message.type == "error":
        where = message.location or {}
        tab.console_errors.append(f"{message.text} ({where.get('url', '?')}:{where.get('lineNumber', '?')})")


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[_FAILED] = True
    return report
