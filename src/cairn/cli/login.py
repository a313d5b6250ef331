"""``cairn login`` and ``cairn logout``: the team server this user's runs log to."""

from __future__ import annotations

import sys

import click

from cairn.server_login import (
    KEY_ENV,
    URL_ENV,
    Login,
    check_login,
    config_dir,
    forget_login,
    save_login,
)


@click.command()
@click.argument("url")
@click.option(
    "--key-stdin", is_flag=True, help="Read the API key from standard input (scripts, CI)."
)
def login(url: str, key_stdin: bool) -> None:
    """Log runs to the team server at URL from now on: checks an API key with the server and
    saves both in ~/.config/cairn/login.toml (readable by you only). $CAIRN_URL and
    $CAIRN_API_KEY override it; `cairn logout` forgets it."""
    url = url.rstrip("/")
    if key_stdin:
        key = sys.stdin.readline().strip()
    else:
        key = click.prompt(
            f"API key (make one at {url}/settings/keys, or ask a server admin)", hide_input=True
        )
    try:
        user = check_login(Login(url, key.strip()))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    path = save_login(Login(url, key.strip()))
    click.echo(f"signed in to {url} as {user}; saved in {path}")
    if not url.startswith("https://"):
        click.echo("cairn: warning: the key travels unencrypted over http://", err=True)


@click.command()
def logout() -> None:
    """Forget the saved team server: runs log to the local store again."""
    if forget_login():
        click.echo(f"forgot the login in {config_dir()}")
    else:
        click.echo("no saved login")
    click.echo(f"(${URL_ENV} and ${KEY_ENV}, when set, still apply)")
