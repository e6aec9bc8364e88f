"""`ivr prompts build`: render every fixed prompt of every flow into the server's prompt cache."""
from __future__ import annotations

import sys

import click

from speech import Prompt, Voice
from speech.cli import prompts

from .catalog import FlowCatalog
from .config import Settings
from .flow.texts import static_prompts
from .speech_service import SPEECH_RATE_WPM


def flow_prompts(catalog: FlowCatalog) -> list[Prompt]:
    """The prompts of every flow in service, as the server will ask the cache for them."""
    seen = {(t, lang) for lf in catalog.current.values() for t, lang in static_prompts(lf.flow)}
    return [Prompt(text, Voice(language=lang, rate_wpm=SPEECH_RATE_WPM)) for text, lang in sorted(seen)]


@prompts.command("build")
def build_prompts() -> None:
    """Render every fixed prompt of the flows in FLOWS_DIR into PROMPT_CACHE_DIR (with a progress bar)."""
    from speech.prompts_cli import render_into_cache, server_cache_key

    settings = Settings.from_env()
    catalog = FlowCatalog(settings.flows_dir)
    catalog.load()
    wanted = flow_prompts(catalog)
    report = render_into_cache(settings.prompt_cache_dir, wanted, server_cache_key())
    click.echo(f"{len(wanted)} prompts of {len(catalog.current)} flows: {report.rendered} rendered, "
               f"{report.cached} already cached, {len(report.failed)} failed -> {settings.prompt_cache_dir}")
    for prompt, reason in report.failed:
        click.echo(f"failed: {prompt.text!r}: {reason}", err=True)
    sys.exit(1 if report.failed else 0)
