"""`ivr prompts`: render prompts into the server's prompt cache (every fixed prompt of the flows, or a list)
and find a cached file, named with the server's key so the server finds what was rendered here."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from speech import Prompt, Voice

from ..catalog import FlowCatalog
from ..config import Settings
from ..flow.texts import static_prompts
from ..speech_service import SPEECH_RATE_WPM

CACHE_ENV = "PROMPT_CACHE_DIR"  # the server's setting: `ivr prompts` and the server use one cache


@click.group()
def prompts():
    """The cache of synthesised prompts."""


def server_cache_key() -> bytes:
    """The key the server names prompt files with (IVR_SERVER_SECRET, or its instance key file), so a prompt
    rendered here is the file the server looks for."""
    from ..secret_key import derived, server_secret

    return derived(server_secret(Settings.from_env()), "prompt-names")


def flow_prompts(catalog: FlowCatalog) -> list[Prompt]:
    """The prompts of every flow in service, as the server will ask the cache for them."""
    seen = {(t, lang) for lf in catalog.current.values() for t, lang in static_prompts(lf.flow)}
    return [Prompt(text, Voice(language=lang, rate_wpm=SPEECH_RATE_WPM)) for text, lang in sorted(seen)]


def _cache_option(function):
    # `ivr` fills the default with the server's prompt cache (ivr/cli/main.py); alone, this is the last resort.
    default = os.environ.get(CACHE_ENV) or "instance/prompts"
    return click.option(
        "--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=default, show_default=True,
        help=f"Where prompt files live (default: the server's, env {CACHE_ENV}).",
    )(function)


def _voice_options(function):
    function = click.option("--rate", default=175, show_default=True)(function)
    function = click.option("--variant", default="")(function)
    return click.option("--lang", default="ko", show_default=True)(function)


@prompts.command("build")
def build_prompts() -> None:
    """Render every fixed prompt of the flows in FLOWS_DIR into PROMPT_CACHE_DIR (with a progress bar)."""
    from .render import render_into_cache

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


@prompts.command("render")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@_cache_option
@_voice_options
def render_prompts(source, cache_dir, lang, variant, rate):
    """Render every prompt of SOURCE (one text per line, '-' for stdin) into the cache."""
    from .render import render_into_cache

    voice = Voice(lang, variant, rate)
    texts = [line.strip() for line in source if line.strip()]
    report = render_into_cache(cache_dir, [Prompt(t, voice) for t in texts], server_cache_key())
    click.echo(f"{report.rendered} rendered, {report.cached} cached, {len(report.failed)} failed")
    for prompt, reason in report.failed:
        click.echo(f"failed: {prompt.text!r}: {reason}", err=True)
    sys.exit(1 if report.failed else 0)


@prompts.command("path")
@click.argument("text")
@_cache_option
@_voice_options
def prompt_path(text, cache_dir, lang, variant, rate):
    """Print the cached file of TEXT; exit 1 when it was never rendered."""
    from speech.prompt_cache import PromptCache

    found = PromptCache(cache_dir, None, server_cache_key()).lookup(text, Voice(lang, variant, rate))
    if found is None:
        raise click.ClickException(f"not cached in {cache_dir}: {text!r}")
    click.echo(found)
