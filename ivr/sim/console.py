"""`ivr call` at the terminal: pick the transport, the caller (script, keyboard or pipe), print the transcript."""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime

import click

from .caller import ScriptedCaller, TerminalCaller
from .loopback import in_process_overrides
from .queueing import register_agents
from .runner import CallOptions, SimulatedCall
from .transcript import HTTP, CallResult, Entry
from .transport import FlaskTransport, HttpTransport, Transport, await_prompt_warming


def in_process_transport(at: datetime | None = None, database_url: str = "") -> tuple[Transport, str]:
    """The app built from the environment, driven through Flask's test client; and its PUBLIC_BASE_URL.

    The app's clock starts at `at` (default: now) and moves only while the caller waits in a queue or talks
    to an agent, so minutes in a queue take no time. It keeps its calls in `database_url`: the caller passes a
    throwaway database, so a simulated call never shares a running server's (its queue offers would time out).
    """
    from ..clock import FakeClock, SystemClock
    from ..config import Settings
    from ..web import create_app

    quiet = {} if "LOG_LEVEL" in os.environ else {"log_level": "WARNING"}  # keep the transcript readable
    settings = Settings.from_env(**quiet, dev_open_api=True,  # in-process: only the simulator reaches its API
                                 **({"database_url": database_url} if database_url else {}))
    app = create_app(settings, FakeClock(at or SystemClock().now()), **in_process_overrides(settings))
    await_prompt_warming()
    return FlaskTransport(app), settings.public_base_url


def transport_for(url: str | None, at: datetime | None = None, database_url: str = "") -> tuple[Transport, str]:
    """HTTP to `url`, or the app in-process (on `database_url`) when no URL is given."""
    if url and at:
        raise ValueError("--at sets the clock of the in-process app; a server at --url keeps its own clock "
                         "(run the call in-process, without --url, to choose when it happens)")
    if url and database_url:
        raise ValueError("--database is for the in-process app; a server at --url uses its own database")
    return (HttpTransport(url), "") if url else in_process_transport(at, database_url)


def throwaway_database(folder: str) -> str:
    """A fresh SQLite file in `folder` (a temporary directory the caller removes after the call)."""
    return f"sqlite:///{os.path.join(folder, 'call.sqlite3')}"


def unused_keys(caller, result: CallResult) -> str | None:
    """What to say when the scripted keys were not all used (the call went another way than the script meant)."""
    left = getattr(caller, "remaining", None) if isinstance(caller, ScriptedCaller) else None
    if not left:
        return None
    heard = result.said_texts[-1] if result.said_texts else ""
    last = f" after “{heard[:60]}{'…' if len(heard) > 60 else ''}”" if heard else ""
    return (f"✖ the call ended ({result.end_reason}){last} with {len(left)} scripted "
            f"key{'s' if len(left) != 1 else ''} unused: {','.join(left)}")


def close(transport: Transport) -> None:
    """Let go of the in-process app's database (its throwaway file is removed after the call)."""
    app = getattr(transport, "app", None)
    if app is not None:
        app.extensions["ivr"].engine.dispose()


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


def agents_freed_after(transport, agents, free_after_s: float | None, api_token: str = ""):
    """For a callback: `free(seconds since the caller hung up)` makes the simulated agents available once
    `free_after_s` have passed (they stay offline until then); None when agents are available from the start."""
    if free_after_s is None:
        return None
    freed = []

    def free(seconds: float) -> None:
        if seconds >= free_after_s and not freed:
            freed.append(register_agents(transport, agents, api_token))
    return free


def play(transport: Transport, caller, options: CallOptions, as_json: bool, verbose: bool,
         at: datetime | None = None, api_token: str = "", agents_free_after_s: float | None = None) -> CallResult:
    """Run the call and print it, live as text or at the end as JSON; `at` is when it starts. With
    `agents_free_after_s`, the simulated agents become available only that long after a caller who took a callback
    hung up (so the caller waits, and is called back)."""
    from ..clock import FakeClock
    from .callback import CallbackPlayer

    clock = FakeClock(at) if at else None
    free = agents_freed_after(transport, options.agents, agents_free_after_s, api_token)
    call = SimulatedCall(transport, caller, options, clock, on_entry=None if as_json else printer(verbose),
                         wait_for=_waiting(transport), callbacks=CallbackPlayer.for_transport(transport, free))
    shown = [] if free is not None else register_agents(transport, options.agents, api_token)
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
