"""``cairn server``: the team server on PostgreSQL (or SQLite) and S3 (or a folder), with
several worker processes."""

from __future__ import annotations

import inspect
import os
import socket
import sys
from typing import Any

import click

from cairn.errors import ConfigError, StoreError

config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="A TOML file of settings (also $CAIRN_SERVER_CONFIG); flags and variables win.",
)
db_option = click.option(
    "--db",
    default=None,
    metavar="URL",
    help="The database: postgresql://USER@HOST/DB or a SQLite file (also $CAIRN_DB). Keep "
    "passwords out of it: ~/.pgpass, $PGPASSWORD or the config file.",
)


@click.command()
@db_option
@click.option(
    "--blobs",
    default=None,
    metavar="URL",
    help="Where bytes go: s3://BUCKET/PREFIX or a folder (also $CAIRN_BLOBS). S3 credentials "
    "and endpoint come from boto3's settings ($AWS_*, ~/.aws).",
)
@click.option("--host", default=None, help="The address to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="The port (default 8080; 0: any free one).")
@click.option("--workers", default=None, type=int, help="Worker processes (default 1).")
@click.option(
    "--appliers",
    default=None,
    type=int,
    help="Processes that apply the queued batches to the store (also $CAIRN_APPLIERS; default 1; "
    "on PostgreSQL each applies other runs at once, on SQLite they take turns).",
)
@click.option(
    "--ingest-concurrency",
    default=None,
    type=int,
    help="Batches of records each worker takes at once; the other clients are told when to "
    "send theirs (also $CAIRN_INGEST_CONCURRENCY; default 4; 0: no limit).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A public name the server answers to, e.g. the reverse proxy's (repeatable; also "
    "$CAIRN_ALLOWED_HOSTS). Requests naming any other host are refused.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="The address or network (10.0.0.0/24) of a reverse proxy whose X-Forwarded-For and "
    "X-Forwarded-Proto headers are believed (repeatable; also $CAIRN_TRUSTED_PROXIES; default "
    "127.0.0.1 and ::1).",
)
@config_option
def server(config: str | None, **flags: Any) -> None:
    """Serve the dashboard and API on a shared database and blob store, for a team: every
    request signs in (an API key, or a browser session) and is checked against project roles.

    Settings come from flags, else $CAIRN_* variables, else the config file. The database's
    schema must be this Cairn's: `cairn db upgrade` migrates it.
    """
    import uvicorn

    from cairn.cli.ui import listen
    from cairn.server.settings import load_settings
    from cairn.server.static import built_web_app
    from cairn.server.team import open_team_store
    from cairn.store.accounts import list_users

    try:
        settings = load_settings(flags, os.environ, config)
        built_web_app()
        store = open_team_store(settings)  # refuse a wrong schema before listening
        try:
            setup_token = None if list_users(store) else _new_setup_token(store)
        finally:
            store.close()
    except (ConfigError, StoreError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    sock = listen(settings.host, settings.port)
    os.environ.update(settings.environment())  # the workers read their settings from here
    host = settings.host
    url = f"http://{'[' + host + ']' if ':' in host else host}:{sock.getsockname()[1]}"
    appliers = settings.appliers
    click.echo(f"Cairn server: {url} ({settings.workers} worker(s), {appliers} applier(s))")
    click.echo(f"cairn: database {_shown(settings.db_url)}, blobs {settings.blobs}; Ctrl-C stops")
    if setup_token is not None:
        click.echo(
            f"cairn: no users yet: open {url}/setup#token={setup_token} (through your public "
            f"address behind a proxy) to create the first admin; the link works once, for "
            f"{SETUP_HOURS} hours. Or: `cairn admin user create NAME --admin --password-stdin`"
        )
    sys.stdout.flush()  # scripts wait for the URL line: send it now
    uv_config = uvicorn.Config(
        "cairn.server.team:create_team_app",
        factory=True,
        workers=settings.workers,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,  # not uvicorn's $FORWARDED_ALLOW_IPS
    )
    from cairn.server.applier import AppliersWatch

    watch = AppliersWatch(settings.environment(), appliers).start()  # apply what workers queue
    try:
        _run(uv_config, sock)
    finally:
        sock.close()
        watch.stop()  # each finishes the batches in hand, then stops


SETUP_HOURS = 24


def _new_setup_token(store: Any) -> str:
    """A one-time token for the setup link; the store keeps its sha256 (a new start replaces
    it, so only the link printed last works)."""
    import secrets
    import time

    from cairn.server.auth.credentials import key_digest
    from cairn.store.accounts import add_setup_token

    token = secrets.token_urlsafe(32)
    add_setup_token(store, key_digest(token), time.time() + SETUP_HOURS * 3600)
    return token


def _run(config: Any, sock: socket.socket) -> None:
    """Serve on ``sock`` (ours, made with IPPROTO_TCP so that asyncio turns Nagle off; uvicorn's
    ``fd=`` would take it for a Unix socket and every keep-alive response would wait 40 ms), in
    ``config.workers`` processes under uvicorn's supervisor."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    server = uvicorn.Server(config)
    if config.workers == 1:
        server.run(sockets=[sock])
        return
    supervisor: Any = Multiprocess  # its signature changed: older uvicorns take the target
    if "target" in inspect.signature(Multiprocess).parameters:
        supervisor(config, target=server.run, sockets=[sock]).run()
    else:
        supervisor(config, sockets=[sock]).run()


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
