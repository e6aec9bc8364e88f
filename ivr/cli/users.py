"""`ivr users add|list|disable|enable|passwd`: the people who sign in to the desk and the board."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from ..config import Settings

ACTOR = "cli"


@contextmanager
def _accounts():
    """The accounts service on DATABASE_URL (migrated first unless IVR_AUTO_MIGRATE=0), its engine closed after."""
    from ..accounts.errors import AccountError
    from ..bootstrap import build_accounts
    from ..db import DbLimits, engine_for, upgrade

    settings = Settings.from_env()
    with engine_for(settings.database, DbLimits.from_settings(settings)) as engine:
        if settings.auto_migrate:
            upgrade(engine)
        try:
            yield build_accounts(settings, engine)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None


@click.group()
def users() -> None:
    """Users of the pages: agents, supervisors, admins."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["agent", "supervisor", "admin"]), required=True)
@click.option("--agent", "agent_id", help="The agent id (agents.yaml or the agents API) of an agent user.")
@click.option("--language", type=click.Choice(["ko", "en"]), default="ko", show_default=True,
              help="The pages' language until the user picks one.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def add_user(username: str, role: str, agent_id: str | None, language: str, password_stdin: bool) -> None:
    """Add a user; the password is asked for (twice) unless --password-stdin is given."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _accounts() as accounts:
        user = accounts.add(username, password, role, agent_id, language, actor=ACTOR)
    agent = f" as agent {user['agent']}" if user["agent"] else ""
    click.echo(f"user {user['username']} added ({user['role']}{agent})")


@users.command("list")
def list_users() -> None:
    """Every user with their role, agent id, state and last sign-in."""
    with _accounts() as accounts:
        found = accounts.users()
    if not found:
        click.echo("no users yet: add one with `ivr users add NAME --role admin`")
        return
    click.echo(f"{'username':20} {'role':11} {'agent':12} {'state':9} last sign-in")
    for user in found:
        click.echo(f"{user['username']:20} {user['role']:11} {user['agent'] or '-':12} "
                   f"{'disabled' if user['disabled'] else 'active':9} {user['last_login_at'] or 'never'}")


@users.command("disable")
@click.argument("username")
def disable_user(username: str) -> None:
    """Stop a user from signing in; their open sessions end at their next request."""
    with _accounts() as accounts:
        accounts.set_disabled(username, True, actor=ACTOR)
    click.echo(f"user {username.lower()} disabled")


@users.command("enable")
@click.argument("username")
def enable_user(username: str) -> None:
    """Let a disabled user sign in again."""
    with _accounts() as accounts:
        accounts.set_disabled(username, False, actor=ACTOR)
    click.echo(f"user {username.lower()} enabled")


@users.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of standard input.")
def set_password(username: str, password_stdin: bool) -> None:
    """Set a user's password (asked for twice unless --password-stdin); every session of theirs ends."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    with _accounts() as accounts:
        ended = accounts.set_password(username, password, actor=ACTOR)
    click.echo(f"password of {username.strip().lower()} set; {ended} session(s) ended")
