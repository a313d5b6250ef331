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
def ui(dir: str | None, host: str, port: int, open_browser: bool) -> None:
    """Serve the dashboard and its JSON API on the store. No login: it listens on 127.0.0.1
    unless --host says otherwise."""
    import uvicorn

    from cairn.server import built_web_app, create_app

    store_dir = find_store_dir(dir, create=False)
    if not (store_dir / DB_NAME).exists():
        raise click.ClickException(
            f"no Cairn store at {store_dir}: log a run with cairn.init() first, or point --dir "
            "(or $CAIRN_DIR) at the folder that holds cairn.db"
        )
    sock = _listen(host, port)
    try:
        store = Store.local(store_dir)
    except StoreError as exc:
        sock.close()
        raise click.ClickException(str(exc)) from None
    bound_port = sock.getsockname()[1]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{bound_port}"
    click.echo(f"Cairn dashboard: {url}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"cairn: listening on {host}: anyone who can reach it sees and edits every run")
    click.echo(f"cairn: store {store_dir}; Ctrl-C stops")
    sys.stdout.flush()  # scripts wait for the URL line: send it now
    config = uvicorn.Config(
        create_app(store, built_web_app()), log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    if open_browser:
        webbrowser.open(url)  # the socket listens already: the browser's request waits for us
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        store.close()


def _listen(host: str, port: int) -> socket.socket:
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
