"""One HTTP client for a Cairn server's JSON API (``/api/v1``): the HTTP sink, the remote sweep
agent and ``cairn.Api(url=…)`` all talk through it, and read the server's errors the same way."""

from __future__ import annotations

import functools
import os
import threading
from typing import TYPE_CHECKING, Any

from cairn._version import __version__
from cairn.errors import CairnError

if TYPE_CHECKING:
    import ssl

    import httpx

    from cairn.server_login import Login


class ServerError(CairnError):
    """The server refused or failed a request; the message is the server's."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status
        """The HTTP status (0: no answer)."""

    @property
    def refused(self) -> bool:
        """The server answered no for a reason that sending again will not change by itself
        (a key it does not know, a role the caller lacks, a request it cannot take): a 4xx
        other than 408 (timed out) and 429 (busy)."""
        return 400 <= self.status < 500 and self.status not in (408, 429)


def refusal(error: ServerError, url: str, project: str, what: str) -> ServerError:
    """The server at ``url`` refused ``what`` (a new run, run X, its records): ``error`` with
    what the user can do about it."""
    if error.status == 401:
        advice = (
            f"{url} does not know this API key (revoked, or another server's): "
            f"`cairn login {url}` with a key of yours, or set CAIRN_API_KEY"
        )
    elif error.status in (403, 404):
        advice = (
            f"this API key may not log to the project {project!r} on {url}: ask the project's "
            "admin for the editor role, or log to a project of your own"
        )
    else:
        advice = "the server's message above says why"
    return ServerError(f"the server refused {what} ({error}); {advice}", error.status)


def api_client(url: str, key: str | None, *, timeout: float = 30.0) -> httpx.Client:
    """A keep-alive client on ``url``'s ``/api/v1``, sending ``key`` as a Bearer token."""
    import httpx

    headers = {"User-Agent": f"cairn/{__version__}"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.Client(
        base_url=f"{url.rstrip('/')}/api/v1",
        headers=headers,
        timeout=timeout,
        verify=tls_context(),
    )


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every client of this process shares: httpx's defaults (certifi's CAs,
    or ``$SSL_CERT_FILE`` / ``$SSL_CERT_DIR``), loaded once. Each ``httpx.Client`` would
    otherwise load the CA bundle again: about 29 ms, once per run of a script that logs to a
    server."""
    import httpx

    return httpx.create_ssl_context()


def login_client(login: Login, *, timeout: float = 30.0) -> httpx.Client:
    """``api_client`` for a saved or configured login."""
    return api_client(login.url, login.key, timeout=timeout)


_shared: dict[tuple[int, str, str | None, float], httpx.Client] = {}
_shared_lock = threading.Lock()


def shared_client(login: Login, *, timeout: float = 30.0) -> httpx.Client:
    """One keep-alive client a server and key in this process, for the HTTP sinks of all its
    runs: a process that starts many runs (a sweep agent, a notebook) reuses its connections
    instead of opening one a run. Not to be closed; its connections end with the process (a
    forked child makes its own)."""
    key = (os.getpid(), login.url, login.key, timeout)
    with _shared_lock:
        client = _shared.get(key)
        if client is None:
            client = _shared[key] = login_client(login, timeout=timeout)
        return client


def ok(response: httpx.Response) -> httpx.Response:
    """``response`` when it succeeded; else ServerError with the server's message."""
    if response.is_success:
        return response
    raise ServerError(
        f"{response.request.method} {response.url.path}: {message(response)}",
        response.status_code,
    )


def message(response: httpx.Response) -> str:
    """``"<status> <detail>"``: the server's own explanation of a failed request."""
    return f"{response.status_code} {detail(response)}"


def detail(response: httpx.Response) -> str:
    """The ``detail`` of the server's JSON error, else the start of the body."""
    try:
        found: Any = response.json().get("detail")
    except (ValueError, AttributeError):
        found = None
    return found if isinstance(found, str) else response.text[:300]
