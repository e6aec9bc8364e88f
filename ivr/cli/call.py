"""`ivr call`: call the IVR as Twilio would, through the simulator (in-process or over HTTP)."""
from __future__ import annotations

import sys

import click

from ..config import Settings


class _UsageErrorExitsOne(click.Command):
    """`ivr call` keeps exit code 2 for protocol errors, so its usage errors exit 1 (click's default is 2),
    whether found parsing the options or checking them together."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.exit_code = 1
            raise

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            exc.exit_code = 1
            raise


def _digits(_ctx, _param, value: str | None) -> list[str] | None:
    from ..sim import parse_digits

    try:
        return None if value is None else parse_digits(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _moment(_ctx, _param, value: str | None):
    from datetime import datetime

    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date and time like 2026-03-02T10:00:00+09:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} needs a UTC offset, like 2026-03-02T10:00:00+09:00")
    return moment


DIAL_STATUSES = ["completed", "answered", "busy", "no-answer", "failed", "canceled"]
QUEUE_RESULTS = ["hangup", "bridged", "leave", "redirected", "queue-full", "error", "system-error"]


@click.command(cls=_UsageErrorExitsOne)
@click.option("--url", default=None, help="Server to call, e.g. http://127.0.0.1:5000 (default: the app in-process).")
@click.option("--digits", default=None, callback=_digits,
              help='Keys, one item per Gather: "1,,12345#" (empty = no input), rec:12 for a Record '
                   '(rec:12:hangup, rec:12:silence); at a menu that listens also "say:배송 조회", wav:FILE or '
                   'dtmf:1 (a key over a media stream); cb:1 presses 1 at the callback offer while waiting in a '
                   'queue (then the callback menu\'s keys, e.g. "1,2,cb:1,1,1"): the caller hangs up and, '
                   'in-process, the simulator runs the queue\'s timers and answers the callback calls. '
                   'Without it: ask at the terminal.')
@click.option("--from", "from_number", default="+821012345678", show_default=True, help="Caller (From).")
@click.option("--to", "to_number", default="+18005550100", show_default=True, help="Dialed number (To).")
@click.option("--auth-token", envvar="TWILIO_AUTH_TOKEN", default="", show_envvar=True,
              help="Sign every request with this Twilio auth token.")
@click.option("--public-url", default="", help="Sign against this base URL (the server's PUBLIC_BASE_URL).")
@click.option("--account-sid", envvar="TWILIO_ACCOUNT_SID", default="", help="AccountSid (default: random AC...).")
@click.option("--dial-status", type=click.Choice(DIAL_STATUSES), default="completed", show_default=True,
              help="DialCallStatus every <Dial> ends with.")
@click.option("--queue-result", type=click.Choice(QUEUE_RESULTS), default="hangup", show_default=True,
              help="QueueResult an <Enqueue> ends with (hangup: the caller gives up).")
@click.option("--voice-path", default="/voice", show_default=True, help="The number's 'a call comes in' URL.")
@click.option("--status-path", default="/voice/status", show_default=True, help="The status callback URL.")
@click.option("--max-requests", default=200, show_default=True, help="More requests than this is a loop.")
@click.option("--at", default=None, callback=_moment, metavar="DATETIME",
              help="When the call happens, e.g. 2026-03-02T10:00:00+09:00: the in-process app's clock stands there "
                   "(not with --url: a server keeps its own clock).")
@click.option("--agent", "agents", multiple=True, metavar="ID=SKILLS",
              help="A simulated agent, e.g. alice=billing:8,ko (a skill without a level is 10): registered through "
                   "the API, made available, answers its calls. Repeat for more.")
@click.option("--answer-after", default=4.0, show_default=True, help="Seconds a simulated agent lets it ring.")
@click.option("--handle", "handle_s", default=60.0, show_default=True, help="Seconds a simulated agent talks.")
@click.option("--agents-free-after", "agents_free_after", default=None, type=float, metavar="SECONDS",
              help="With a callback (cb:1): the --agent agents stay offline while the caller waits and become "
                   "available this long after the caller hung up, then are called back.")
@click.option("--patience", default=None, type=float, help="Seconds the caller waits in a queue before hanging up.")
@click.option("--api-token", envvar="IVR_API_TOKEN", default="", help="For registering --agent with a server.")
@click.option("--database", "database_url", default="", metavar="URL",
              help="Keep the in-process call in this database (default: a throwaway SQLite file, never a server's).")
@click.option("--realtime", is_flag=True, help="Send media stream audio at real time (default: as fast as taken).")
@click.option("--recordings-port", default=0, show_default=True,
              help="With --url: serve the caller's recordings on 127.0.0.1 at this port (0: any free port). The server "
                   "downloads only from TWILIO_MEDIA_HOSTS, so list 127.0.0.1:PORT there.")
@click.option("--json", "as_json", is_flag=True, help="Print the call as JSON instead of a transcript.")
@click.option("-v", "--verbose", is_flag=True, help="Also show each request sent.")
def call(url, digits, from_number, to_number, auth_token, public_url, account_sid, dial_status, queue_result,
         voice_path, status_path, max_requests, at, agents, answer_after, handle_s, agents_free_after, patience,
         api_token, database_url, realtime, recordings_port, as_json, verbose) -> None:
    """Call the IVR as Twilio would: signed webhooks, TwiML carried out, a readable transcript.

    Without --url the app runs in-process on a throwaway database (or --database). Exits 0 when the call ends
    normally, 1 when scripted --digits were left unused (the call went another way), 2 on a protocol error
    (HTTP error, refused signature, invalid TwiML).
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ivr-call-") as folder:
        _call(url, digits, from_number, to_number, auth_token, public_url, account_sid, dial_status, queue_result,
              voice_path, status_path, max_requests, at, agents, answer_after, handle_s, patience, api_token,
              database_url, realtime, recordings_port, as_json, verbose, folder, agents_free_after)


def _call(url, digits, from_number, to_number, auth_token, public_url, account_sid, dial_status, queue_result,
          voice_path, status_path, max_requests, at, agents, answer_after, handle_s, patience, api_token,
          database_url, realtime, recordings_port, as_json, verbose, folder, agents_free_after=None) -> None:
    from ..sim import CallOptions
    from ..sim.console import caller_for, close, play, throwaway_database, transport_for, unused_keys
    from ..sim.queueing import parse_agent

    try:
        database_url = database_url or ("" if url else throwaway_database(folder))
        transport, server_public_url = transport_for(url, at, database_url)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        simulated = tuple(parse_agent(text, answer_after, handle_s) for text in agents)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--agent") from None
    options = CallOptions(from_number=from_number, to_number=to_number, account_sid=account_sid,
                          auth_token=auth_token, public_url=public_url or server_public_url,
                          voice_path=voice_path, status_path=status_path, dial_status=dial_status,
                          queue_result=queue_result, max_requests=max_requests, queue_patience_s=patience,
                          agents=simulated, stream_pace=1.0 if realtime else 0.0, recordings_port=recordings_port)
    caller = caller_for(digits)
    try:
        result = play(transport, caller, options, as_json, verbose, at, api_token, agents_free_after)
    finally:
        close(transport)
    if result.error:
        sys.exit(2)
    left = unused_keys(caller, result)
    if left:
        click.echo(left, err=True)
        sys.exit(1)
