"""``cairn ui``: the dashboard on the local store, at http://127.0.0.1:8080."""

from __future__ import annotations

import errno
import socket
import sys
import webbrowser

import click

from cairn.cli.common import dir_option
from cairn.errors import StoreError
from cairn.sdk.location import find_store_dir
from cairn.store.store import DB_NAME, Store


def _check_hosts(
    _ctx: click.Context | None, _param: click.Parameter | None, values: tuple[str, ...]
) -> tuple[str, ...]:
    from cairn.server.security import host_name

    try:
        return tuple(host_name(value) for value in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@dir_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port (0: any free one).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the dashboard in a browser.")
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    callback=_check_hosts,
    metavar="NAME",
    help="Another name the dashboard answers to (repeatable; also $CAIRN_ALLOWED_HOSTS). "
    "Requests naming any other host are refused (DNS rebinding).",
)
@click.option(
    "--insecure-no-auth",
    is_flag=True,
    help="Allow --host to be a non-loopback address although there is no login.",
)
@click.option(
    "--create",
    is_flag=True,
    help="Start an empty store when there is none (for MLflow clients to log into).",
)
def ui(
    dir: str | None,
    host: str,
    port: int,
    open_browser: bool,
    allowed_hosts: tuple[str, ...],
    insecure_no_auth: bool,
    create: bool,
) -> None:
    """Serve the dashboard and its JSON API on the store. No login: it listens on 127.0.0.1
    unless --host (with --insecure-no-auth) says otherwise."""
    import uvicorn

    from cairn.server.app import create_app
    from cairn.server.security import hosts_from_env, is_loopback, listen_names
    from cairn.server.static import built_web_app

    if not is_loopback(host) and not insecure_no_auth:
        raise click.ClickException(
            f"--host {host} has no login: anyone who can reach this address could read and "
            "delete every run. Keep the default 127.0.0.1 (from another machine, use an SSH "
            "tunnel: ssh -L 8080:127.0.0.1:8080 HOST), or pass --insecure-no-auth on a network "
            "you trust"
        )
    try:
        names = [*allowed_hosts, *_check_hosts(None, None, tuple(hosts_from_env()))]
    except click.BadParameter as exc:
        raise click.ClickException(f"$CAIRN_ALLOWED_HOSTS: {exc.message}") from None
    try:
        web_dir = built_web_app()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    store_dir = find_store_dir(dir, create=create)
    if not (store_dir / DB_NAME).exists() and not create:
        raise click.ClickException(
            f"no Cairn store at {store_dir}: log a run with cairn.init() first, point --dir "
            "(or $CAIRN_DIR) at the folder that holds cairn.db, or pass --create to start one"
        )
    sock = listen(host, port)
    try:
        store = Store.local(store_dir)
    except StoreError as exc:
        sock.close()
        raise click.ClickException(str(exc)) from None
    bound_port = sock.getsockname()[1]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{bound_port}"
    click.echo(f"Cairn dashboard: {url}")
    if not is_loopback(host):
        click.echo(
            f"cairn: WARNING: listening on {host} without authentication: anyone who can reach "
            "it sees, edits and deletes every run",
            err=True,
        )
    click.echo(f"cairn: store {store_dir}; Ctrl-C stops")
    sys.stdout.flush()  # scripts wait for the URL line: send it now
    app = create_app(store, web_dir, allowed_hosts=[*listen_names(host), *names])
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if open_browser:
        webbrowser.open(url)  # the socket listens already: the browser's request waits for us
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        store.close()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a clear error when the address is taken or wrong."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say so,
    # and with Nagle on, a keep-alive response waits 40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {host} is in use (another `cairn ui`?): pass --port N "
                "for another port, or --port 0 for any free one"
            ) from None
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock
