"""`ivr recordings transcribe --since YYYY-MM-DD`: the backlog of downloaded recordings transcribed offline, with a
progress bar weighted by audio length and the time left."""
from __future__ import annotations

from datetime import datetime, timezone

import click

from ..config import Settings


@click.group("recordings")
def recordings() -> None:
    """Voicemail and call recordings kept by this server."""


@recordings.command("transcribe")
@click.option("--since", required=True, help="Recordings made on or after this day (YYYY-MM-DD, UTC).")
def transcribe_backlog(since: str) -> None:
    """Transcribe every downloaded recording not transcribed yet (vosk, the call's language, free vocabulary)."""
    from ..bootstrap import build_transcriber

    try:
        start = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise click.BadParameter("give a day as YYYY-MM-DD", param_hint="--since") from None
    try:
        transcriber = build_transcriber(Settings.from_env())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    backlog = transcriber.backlog(start)
    if not backlog:
        click.echo(f"nothing to transcribe since {since}")
        return
    done, failed = _run(transcriber, backlog)
    click.echo(f"{done} transcribed, {failed} failed (tried again later, up to the cap) of {len(backlog)}")
    if failed:
        raise SystemExit(1)


def _run(transcriber, backlog: list[tuple[int, int]]) -> tuple[int, int]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    done = failed = 0
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
               TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())
    with Progress(*columns) as progress:
        task = progress.add_task("transcribing", total=sum(s for _i, s in backlog), count=f"0/{len(backlog)}")
        for number, (row_id, seconds) in enumerate(backlog, 1):
            if transcriber.transcribe_one(row_id) is None:
                failed += 1
            else:
                done += 1
            progress.update(task, advance=seconds, count=f"{number}/{len(backlog)}")
    return done, failed
