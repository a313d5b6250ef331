"""``cairn login`` and ``cairn logout``: the team server this user's runs log to."""

from __future__ import annotations

import sys

import click

from cairn.server_login import KEY_ENV, URL_ENV, Login, config_dir, forget_login, save_login


@click.command()
@click.argument("url")
@click.option(
    "--key-stdin", is_flag=True, help="Read the API key from standard input (scripts, CI)."
)
def login(url: str, key_stdin: bool) -> None:
    """Log runs to the team server at URL from now on: checks an API key with the server and
    saves both in ~/.config/cairn/login.toml (readable by you only). $CAIRN_URL and
    $CAIRN_API_KEY override it; `cairn logout` forgets it."""
    import httpx

    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise click.ClickException(
            f"{url!r}: give the server's URL, e.g. https://cairn.example.com"
        )
    if key_stdin:
        key = sys.stdin.readline().strip()
    else:
        key = click.prompt(
            "API key (cairn admin key create, or ask a server admin)", hide_input=True
        )
    try:
        response = httpx.get(
            f"{url}/api/v1/auth/me", headers={"Authorization": f"Bearer {key.strip()}"}, timeout=15
        )
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach {url}: {exc}") from None
    if response.status_code == 401:
        raise click.ClickException(f"{url} refused the key: it was revoked, or mistyped")
    if not response.is_success:
        raise click.ClickException(f"{url} answered {response.status_code}: is it a Cairn server?")
    me = response.json()
    if not me.get("accounts"):
        raise click.ClickException(
            f"{url} is a `cairn ui` (no accounts): log to its store with cairn.init(dir=...)"
        )
    path = save_login(Login(url, key.strip()))
    click.echo(f"signed in to {url} as {me['user']}; saved in {path}")
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
