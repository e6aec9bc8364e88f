"""`ivr funnel FLOW --from --to`: each node's entries, exits, drop-off, median time and speech, as a table."""
from __future__ import annotations

import json

import click

from ..config import Settings

HEADERS = ("node", "entries", "exits", "drop-off", "median s", "speech", "confidence")


@click.command("funnel")
@click.argument("flow")
@click.option("--from", "first", help="First day, YYYY-MM-DD, in the center's time zone (queues.yaml).")
@click.option("--to", "last", help="Last day (included), YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON instead of the table.")
@click.option("--rebuild", is_flag=True, help="Sum the flow's finished days again from the event log (all days, or "
                                              "--from..--to) instead of printing; safe to run again.")
def funnel_command(flow: str, first: str | None, last: str | None, as_json: bool, rebuild: bool) -> None:
    """Where callers of FLOW went and where they gave up, node by node (calls that started in the period)."""
    from ..board.funnel import FunnelError
    from ..bootstrap import build_funnel

    service = build_funnel(Settings.from_env())
    try:
        if rebuild:
            done, live = service.rebuild(flow, first, last) if first or last else service.rebuild(flow)
            click.echo(f"{flow}: {done} day(s) summarised, {live} left to the live query (not over, or a call "
                       f"still going) / {done}일 요약, {live}일은 실시간 계산")
            return
        found = service.funnel(flow, first, last)
    except FunnelError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    _print_table(found, service.timezone)


def _print_table(found: dict, timezone: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{found['flow']}: {found['from']} .. {found['to']} ({timezone})")
    for header in HEADERS:
        table.add_column(header, justify="left" if header in ("node", "exits") else "right")
    for node, figures in found["nodes"].items():
        table.add_row(node, str(figures["entries"]), _exits(figures["exits"]), _share(figures["drop_off"]),
                      _number(figures["median_s"]), _share(figures["speech_share"]), _number(figures["avg_confidence"]),
                      style="red" if (figures["drop_off"] or 0) >= 0.2 else None)
    Console().print(table)


def _exits(exits: dict) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in sorted(exits.items(), key=lambda kv: -kv[1]))


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
