"""The `ivr` group and the registration of every command (each lives in a module of its own here)."""
from __future__ import annotations

import sys

import click

from ..config import Settings
from .call import call
from .db import db
from .flows import schema_command, validate_command
from .flowtest import test_command
from .funnel import funnel_command
from .graph import graph_command
from .prompts import prompts
from .recordings import recordings
from .queue import callcenter_command, stats_command, worker_command
from .serve import serve
from .speech import say, transcribe
from .users import users

COMMANDS = (serve, db, call, validate_command, schema_command, graph_command, test_command, stats_command,
            worker_command, callcenter_command, transcribe, say, prompts, users, funnel_command,
            recordings)


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Self-hosted IVR for Twilio numbers."""
    if ctx.invoked_subcommand == "prompts":  # the prompt cache the server plays from: one setting, one place
        folder = str(Settings.from_env().prompt_cache_dir)
        ctx.default_map = {"prompts": {name: {"cache_dir": folder} for name in prompts.commands}}


for command in COMMANDS:
    main.add_command(command)

if __name__ == "__main__":
    sys.exit(main())
