"""`ivr call` at the terminal: pick the transport, the caller (script, keyboard or pipe), print the transcript."""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime

import click

from .caller import ScriptedCaller, TerminalCaller
from .queueing import register_agents
from .runner import CallOptions, SimulatedCall
from .transcript import HTTP, CallResult, Entry
from .transport import FlaskTransport, HttpTransport, Transport


def in_process_transport(at: datetime | None = None) -> tuple[Transport, str]:
    """The app built from the environment, driven through Flask's test client; and its PUBLIC_BASE_URL.

    The app's clock starts at `at` (default: now) and moves only while the caller waits in a queue or talks
    to an agent, so minutes in a queue take no time.
    """
    from ..clock import FakeClock, SystemClock
    from ..config import Settings
    from ..web import create_app

    quiet = {} if "LOG_LEVEL" in os.environ else {"log_level": "WARNING"}  # keep the transcript readable
    settings = Settings.from_env(**quiet, dev_open_api=True)  # in-process: only the simulator reaches its API
    app = create_app(settings, FakeClock(at or SystemClock().now()))
    # The simulator's RecordingUrl names no real file: there is nothing for the server to download.
    app.extensions["ivr"].recordings.store = None
    return FlaskTransport(app), settings.public_base_url


def transport_for(url: str | None, at: datetime | None = None) -> tuple[Transport, str]:
    """HTTP to `url`, or the app in-process when no URL is given."""
    if url and at:
        raise ValueError("--at sets the clock of the in-process app; a server at --url keeps its own clock")
    return (HttpTransport(url), "") if url else in_process_transport(at)


def caller_for(digits: list[str] | None):
    """The scripted keys; else a person at the terminal; else one line of keys per Gather from a pipe."""
    if digits is not None:
        return ScriptedCaller(digits)
    warn = lambda message: click.echo(f"  {message}", err=True)  # noqa: E731
    return TerminalCaller(_ask_terminal if sys.stdin.isatty() else _read_pipe, warn)


def _ask_terminal(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


def _read_pipe(_prompt: str) -> str | None:
    line = sys.stdin.readline()
    return line.rstrip("\n") if line else None


def printer(verbose: bool):
    """Prints transcript entries as they happen; request lines only when verbose."""
    def show(entry: Entry) -> None:
        if verbose or entry.kind != HTTP:
            click.echo(entry.line)
    return show


def _waiting(transport: Transport):
    """How queue waits pass: the in-process app's clock moves; a real server's caller really waits."""
    import time

    app = getattr(transport, "app", None)
    clock = app.extensions["ivr"].clock if app is not None else None
    return clock.advance if hasattr(clock, "advance") else time.sleep


def play(transport: Transport, caller, options: CallOptions, as_json: bool, verbose: bool,
         at: datetime | None = None, api_token: str = "") -> CallResult:
    """Run the call and print it, live as text or at the end as JSON; `at` is when it starts."""
    from ..clock import FakeClock

    clock = FakeClock(at) if at else None
    call = SimulatedCall(transport, caller, options, clock, on_entry=None if as_json else printer(verbose),
                         wait_for=_waiting(transport))
    shown = register_agents(transport, options.agents, api_token)
    if not as_json:
        click.echo(f"☎ call {call.identity.call_sid} from {options.from_number} to {options.to_number} "
                   f"via {transport.base_url}{' (signed)' if options.auth_token else ''}")
        for line in shown:
            click.echo(line)
    result = call.run()
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(summary(result), err=bool(result.error))
    return result


def summary(result: CallResult) -> str:
    if result.error:
        return f"✖ call failed: {result.error}"
    return f"✔ call ended ({result.end_reason}) after {result.duration_s} s"
