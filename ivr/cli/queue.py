"""`ivr stats` (queue figures beside Erlang C, and callers to call back) and `ivr worker` (the time-driven loop)."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import click

from ..config import Settings

COLUMNS = [("queue", "{queue}", 9), ("wait", "{waiting}", 5), ("offer", "{offered}", 6), ("ans", "{answered}", 5),
           ("aband", "{abandoned}", 6), ("ovfl", "{overflowed}", 5), ("ASA s", "{avg_wait_seconds}", 7),
           ("max s", "{longest_wait_seconds}", 7), ("SL", "{service_level}", 8), ("agents", "{agents}", 7),
           ("| Erlang C: P(wait)", "{p_wait}", 19), ("ASA s", "{e_asa}", 7), ("SL", "{e_sl}", 8), ("need", "{need}", 5)]


def _queue_services(settings: Settings):
    """The queue service as the bootstrap wires it (writer lock on SQLite), without flows or speech."""
    from ..bootstrap import build_queue

    try:
        return build_queue(settings)
    except ValueError as exc:  # queues.yaml has errors
        raise click.ClickException(str(exc)) from exc


@click.command("stats")
@click.option("--hours", default=24.0, show_default=True, help="Measure the calls that came in over this many hours.")
@click.option("--queue", "names", multiple=True, help="Only this queue (repeat for more).")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON instead of tables.")
def stats_command(hours: float, names: tuple[str, ...], as_json: bool) -> None:
    """Queue statistics as tables: measured figures beside what Erlang C predicts, and abandoned callers to call back."""
    from callqueue import reports

    queues = _queue_services(Settings.from_env())
    unknown = [n for n in names if n not in queues.config.queues]
    if unknown:
        raise click.BadParameter(f"no queue {', '.join(unknown)}; queues.yaml defines {', '.join(queues.config.queues)}",
                                 param_hint="--queue")
    with queues.uow() as uow:
        now, chosen = queues.clock.now(), list(names or queues.config.queues)
        found = [(reports.report(uow.queue_views, queues.config, n, now, hours, 1800),
                  reports.abandoned(uow.queue_views, [n], now, hours)) for n in chosen]
        callbacks = reports.abandoned(uow.queue_views, chosen, now, hours)
    if as_json:
        click.echo(json.dumps([{**r, "abandoned_calls": a} for r, a in found], ensure_ascii=False, indent=2))
        return
    click.echo(stats_text([r for r, _ in found], callbacks, hours, now, queues.config.timezone))


def stats_text(found: list[dict], callbacks: list[dict], hours: float, now: datetime, timezone: str) -> str:
    """The figures table (one row per queue) and the call-back list (each caller once), times in `timezone`."""
    since = now - timedelta(hours=hours)
    lines = [f"Queues from {_local(since, timezone)} to {_local(now, timezone)} {timezone} (the last {hours:g} h; "
             "ASA: average wait of answered callers; SL: answered within the target / offered; Erlang C: for the "
             "arrivals and handle time measured, with the agents staffed now)", ""]
    lines.append(" ".join(title.ljust(width) for title, _, width in COLUMNS))
    for report in found:
        lines.append(" ".join(fmt.format(**_cells(report)).ljust(width) for _, fmt, width in COLUMNS))
    lines += ["", f"Abandoned callers to call back: {len(callbacks)} (times in {timezone})"]
    lines += [f"  {call['queue']:9} {call['number'] or 'hidden':16} {_local(datetime.fromisoformat(call['at']), timezone)}"
              f"  waited {call['wait_seconds']:g} s" + (f"  (hung up {call['abandoned_calls']} times)"
                                                         if call["abandoned_calls"] > 1 else "")
              for call in callbacks]
    return "\n".join(lines)


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S")


def _cells(report: dict) -> dict:
    erlang = report["erlang_c"]
    cells = {k: _shown(v) for k, v in report.items()}
    cells.update(agents=f"{report['agents_available']}/{report['agents_staffed']}",
                 service_level=_percent(report["service_level"]), p_wait=_percent(erlang["probability_of_waiting"]),
                 e_asa=_shown(erlang["avg_wait_seconds"]), e_sl=_percent(erlang["service_level"]),
                 need=_shown(erlang["agents_needed"]))
    return cells


def _shown(value) -> str:
    return "-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _percent(share: float | None) -> str:
    """A share of 0..1 as a percentage: 0.833 -> "83.3 %"."""
    return "-" if share is None else f"{share * 100:.1f} %"


@click.command("worker")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between passes.")
@click.option("--passes", default=None, type=int, help="Stop after this many passes (default: run until stopped).")
def worker_command(interval: float, passes: int | None) -> None:
    """Run the queue's time-driven work: wrap-ups, ring timeouts, max waits, escalations, and the recordings'
    downloads, transcripts and retention. Safe to run several.

    The servers run the same loop; the timer lease in the database lets one process tick at a time."""
    from callqueue.timer_lease import TimerLease, holder_name
    from callqueue.worker import run_forever

    from ..bootstrap import build_funnel, recording_jobs

    settings = Settings.from_env()
    queues = _queue_services(settings)
    jobs = recording_jobs(settings, queues.clock)  # downloaded, transcribed, deleted when due (docs/recordings.md)
    jobs += (build_funnel(settings).job,)  # finished days of the IVR funnel summed (ivr/board/funnel_days.py)
    click.echo(f"queue worker: a pass every {interval:g} s on {len(queues.config.queues)} queue(s); Ctrl-C stops")
    try:
        offered = run_forever(queues, interval, passes=passes, lease=TimerLease(queues.uow, queues.clock, holder_name()),
                              jobs=jobs)
    except KeyboardInterrupt:
        sys.exit(0)
    click.echo(f"queue worker: {offered} caller(s) offered")


IN_PROCESS = (5.0, 6.0)  # minutes, callers per minute (virtual time: seconds to run)
REMOTE = (2.0, 4.0)      # real time against a server: smaller


def _remote_center(base_url, minutes, per_minute, agents, answer_after, handle_s, patience, seed) -> None:
    """`ivr callcenter --url`: the simulated callers and agents against a running server, in real time."""
    import os

    from ..sim.center import run_remote
    from ..sim.errors import ProtocolError
    from ..sim.queueing import parse_agent, register_agents, staff_known_agents
    from ..sim.transport import HttpTransport

    api_token, auth_token = os.environ.get("IVR_API_TOKEN", ""), os.environ.get("TWILIO_AUTH_TOKEN", "")
    transport = HttpTransport(base_url)
    try:
        simulated = tuple(parse_agent(text, answer_after, handle_s) for text in agents)
        if simulated:
            shown = register_agents(transport, simulated, api_token)
        else:
            simulated, shown = staff_known_agents(transport, answer_after, handle_s, api_token)
    except ProtocolError as exc:
        raise click.ClickException(f"{exc} (is the server running at {base_url}, and IVR_API_TOKEN set to its token?)") from exc
    click.echo("\n".join(shown))
    click.echo(f"{per_minute:g} callers a minute for {minutes:g} minutes, real time, against {base_url} "
               f"({'signed' if auth_token else 'unsigned: TWILIO_AUTH_TOKEN is not set'}); Ctrl-C stops")
    try:
        run = run_remote(base_url, simulated, minutes, per_minute, seed, patience, auth_token,
                         os.environ.get("PUBLIC_BASE_URL", ""), on_line=click.echo)
    except KeyboardInterrupt:
        sys.exit(0)
    click.echo(f"\n{run.calls} callers in {minutes:g} minutes; {run.errors} protocol error(s)")


@click.command("callcenter")
@click.option("--minutes", type=float, default=None, help="Minutes of arriving callers (virtual time; with --url real "
              f"time). [default: {IN_PROCESS[0]:g}, with --url {REMOTE[0]:g}]")
@click.option("--callers-per-minute", type=float, default=None,
              help=f"Average arrivals per minute (Poisson). [default: {IN_PROCESS[1]:g}, with --url {REMOTE[1]:g}]")
@click.option("--agent", "agents", multiple=True, metavar="ID=SKILLS",
              help="A simulated agent, e.g. alice=billing:8,ko (default: every agent of agents.yaml).")
@click.option("--answer-after", default=4.0, show_default=True, help="Seconds an agent lets it ring.")
@click.option("--handle", "handle_s", default=90.0, show_default=True, help="Seconds an agent talks.")
@click.option("--patience", default=180.0, show_default=True, help="Average seconds a caller waits before hanging up.")
@click.option("--seed", default=1, show_default=True, help="Random seed: the same seed, the same day.")
@click.option("--at", default="2026-03-02T10:00:00+09:00", show_default=True, help="When the day starts (open hours).")
@click.option("--url", "base_url", default=None, metavar="BASE",
              help="Drive a running server (e.g. http://127.0.0.1:5000) in real time instead: signed with "
                   "TWILIO_AUTH_TOKEN when set, agents made available with IVR_API_TOKEN; --at is ignored.")
def callcenter_command(minutes, callers_per_minute, agents, answer_after, handle_s, patience, seed, at, base_url) -> None:
    """Run a small call center in-process on a virtual clock (temporary database) and print its statistics,
    or (--url) against a running server in real time, so supervisors watch the board move."""
    defaults = REMOTE if base_url else IN_PROCESS
    minutes = defaults[0] if minutes is None else minutes
    callers_per_minute = defaults[1] if callers_per_minute is None else callers_per_minute
    if base_url:
        return _remote_center(base_url, minutes, callers_per_minute, agents, answer_after, handle_s, patience, seed)
    import tempfile

    from callqueue import reports

    from ..clock import FakeClock
    from ..sim.center import run_center
    from ..sim.queueing import parse_agent, register_agents, staff_known_agents
    from ..sim.transport import FlaskTransport
    from ..web import create_app

    with tempfile.TemporaryDirectory(prefix="ivr-center-") as folder:
        settings = Settings.from_env(database_url=f"sqlite:///{folder}/center.sqlite3", log_level="ERROR",
                                     twilio_auth_token="", api_token="", reload_interval_s=0,
                                     dev_open_api=True)  # in-process only: no network reaches this app
        app = create_app(settings, FakeClock(datetime.fromisoformat(at)))
        transport = FlaskTransport(app)
        simulated = tuple(parse_agent(text, answer_after, handle_s) for text in agents)
        if simulated:
            for line in register_agents(transport, simulated):
                click.echo(line)
        else:
            simulated, shown = staff_known_agents(transport, answer_after, handle_s)
            click.echo("\n".join(shown))
        run = run_center(app, simulated, minutes, callers_per_minute, seed, patience, on_line=click.echo)
        services = app.extensions["ivr"]
        config = services.queues.config
        with services.uow() as uow:
            now = services.clock.now()
            hours = (now - datetime.fromisoformat(at)).total_seconds() / 3600  # the whole virtual day so far
            found = [reports.report(uow.queue_views, config, n, now, hours, 1800) for n in config.queues]
            callbacks = reports.abandoned(uow.queue_views, list(config.queues), now, hours)
        services.engine.dispose()
    click.echo(f"\n{run.calls} callers in {minutes:g} virtual minutes; {run.errors} protocol error(s)\n")
    click.echo(stats_text(found, callbacks, hours, now, config.timezone))
