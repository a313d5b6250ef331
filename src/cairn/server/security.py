"""What keeps other web pages out of a dashboard that has no login: one ASGI middleware.

- **Host check** (DNS rebinding): a page on ``attacker.example`` whose name is re-pointed at
  127.0.0.1 reaches the dashboard as same-origin, but its requests say ``Host: attacker.example``.
  Only the loopback names, the address the server listens on and names the user allows are served;
  others get 400 with the way to allow the name.
- **Headers** on every response: a Content-Security-Policy that allows only the app's own files
  (no inline scripts, no framing), ``X-Frame-Options``, ``Referrer-Policy``, ``nosniff``. A route
  that sets its own policy (the API docs) keeps it.
- **Cross-site writes** (CSRF): POST, PUT, PATCH and DELETE from a browser must come from the
  dashboard's own origin; requests without ``Origin`` (the SDK, curl, the CLI) pass.
- **Body size**: a request body over ``$CAIRN_MAX_REQUEST_BYTES`` (16 MiB) gets 413 before any
  route reads it; uploads that stream to the blob store (``streamed``: ``PUT /blobs/{digest}``,
  MLflow's artifacts) are exempt, not the chunks of a resumable upload (bounded by it).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ENV = "CAIRN_ALLOWED_HOSTS"
"""Extra host names the server answers to, comma- or space-separated."""

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ANY = "*"
"""As an allowed host: answer to any name (behind a proxy that checks it)."""

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",  # React style attributes, KaTeX and chart libraries
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "connect-src": "'self'",
    "font-src": "'self' data:",
    "worker-src": "'self' blob:",
    "frame-src": "'self'",  # sandboxed iframes (srcdoc) for logged HTML
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def csp(**overrides: str) -> str:
    """The Content-Security-Policy header, with some directives replaced (``script_src=...``)."""
    policy = POLICY | {name.replace("_", "-"): value for name, value in overrides.items()}
    return "; ".join(f"{name} {value}" for name, value in policy.items())


HEADERS = {
    "content-security-policy": csp(),
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_BODY_ENV = "CAIRN_MAX_REQUEST_BYTES"
MAX_BODY = 16 * 1024 * 1024
_STREAMED = re.compile(r"^(/api/2\.0/mlflow-artifacts/.*|/api/v1/blobs/[^/]*)$")
"""Where uploads stream to the blob store (MLflow's artifacts, ``PUT /blobs/{digest}``)."""


def max_body() -> int:
    """The largest request body the server takes (``$CAIRN_MAX_REQUEST_BYTES``, 16 MiB)."""
    return int(os.environ.get(MAX_BODY_ENV, MAX_BODY))


def streamed(path: str) -> bool:
    """Whether a request to ``path`` streams its body to the blob store (no size limit)."""
    return _STREAMED.match(path) is not None


_HOST_NAME = re.compile(r"^(\*|[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?|[0-9a-f:.]+)$")


def host_name(value: str) -> str:
    """A host name as the server compares it: lower case, no brackets, no trailing dot;
    ValueError when ``value`` is not a host name (a URL, a port, spaces)."""
    name = value.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    if not name or not _HOST_NAME.match(name) or (":" in name and not _is_ip(name)):
        raise ValueError(
            f"{value!r} is not a host name: give a name or an address such as dash.example.com "
            "or 192.168.1.20, without scheme, port or path"
        )
    return name


def hosts_from_env() -> list[str]:
    """The host names in $CAIRN_ALLOWED_HOSTS."""
    return [h for h in re.split(r"[,\s]+", os.environ.get(ENV, "")) if h]


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the server to this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SecurityMiddleware:
    """The Host check, the headers and the cross-site write check, for every HTTP request.

    ``allowed_hosts``: names served besides the loopback ones (the listening address, names the
    user configured); an Origin whose host is one of them may also write (a proxy's name).
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.extra = frozenset(host_name(h) for h in allowed_hosts) - set(LOOPBACK)
        self.hosts = self.extra | set(LOOPBACK)
        self.any_host = ANY in self.extra
        self.max_body = max_body()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get("host", "")
        refusal = self._refuse_host(host)
        if refusal is None and scope["method"] in UNSAFE_METHODS:
            refusal = self._refuse_cross_site(host, headers)
        if refusal is None and not streamed(scope["path"]):
            refusal, receive = await self._limit_body(headers, receive)
        if refusal is not None:
            status, message = refusal
            await _send_error(send, status, message)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (k.encode(), v.encode())
                    for k, v in HEADERS.items()
                    if k.encode() not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _limit_body(
        self, headers: dict[str, str], receive: Receive
    ) -> tuple[tuple[int, str] | None, Receive]:
        """413 for a body over the limit: by its Content-Length, or (chunked) by reading it up
        to the limit, then handing the app what was read."""
        too_big = (
            413,
            f"the request body is over {self.max_body} bytes, this server's limit "
            f"(${MAX_BODY_ENV}); send less at a time",
        )
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                return (400, f"Content-Length {length[:40]!r} is not a number of bytes"), receive
            return (too_big if int(length) > self.max_body else None), receive
        if "chunked" not in headers.get("transfer-encoding", ""):
            return None, receive
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_body:
                return too_big, receive
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        return None, replay

    def _refuse_host(self, host: str) -> tuple[int, str] | None:
        name = _strip_port(host)
        if self.any_host or name in self.hosts:
            return None
        shown = name or host
        how = (
            f"if you reach the dashboard by this name on purpose, start it with "
            f"`cairn ui --allowed-host {shown}` (or add it to ${ENV})"
            if shown
            else "send a Host header"
        )
        return 400, (
            f"Host {host!r} is not allowed: this server answers only to loopback names, the "
            "address it listens on and the names it was given (a page on another site may be "
            f"trying to reach it through DNS rebinding); {how}"
        )

    def _refuse_cross_site(self, host: str, headers: dict[str, str]) -> tuple[int, str] | None:
        origin = headers.get("origin")
        if origin is not None:
            if self._same_origin(origin, host):
                return None
            source = f"from origin {origin!r}"
        elif headers.get("sec-fetch-site", "none") not in ("same-origin", "none"):
            source = f"marked Sec-Fetch-Site: {headers['sec-fetch-site']}"
        elif "referer" in headers and not self._same_origin(headers["referer"], host):
            source = f"from a page at {headers['referer'][:200]!r}"
        else:
            return None  # no browser context at all: the SDK, curl, the CLI
        return 403, (
            f"refused a cross-site write {source}: only the dashboard's own pages (or clients "
            "that send no Origin, like the SDK and curl) may change runs; to use this server "
            "under another name, start it with `cairn ui --allowed-host NAME`"
        )

    def _same_origin(self, url: str, host: str) -> bool:
        try:
            parts = urlsplit(url)
            name = parts.hostname
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.netloc or name is None:
            return False
        if parts.netloc.lower() == host.lower():
            return True
        return name.rstrip(".") in self.extra


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _strip_port(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


async def _send_error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.encode(), v.encode()) for k, v in HEADERS.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def listen_names(host: str) -> list[str]:
    """The names a request may give for ``host``: itself, or for an any-address (0.0.0.0, ::)
    every address of this machine and its host name."""
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    import psutil

    families = (socket.AF_INET, socket.AF_INET6)
    nics = psutil.net_if_addrs().values()
    addresses = [a.address.split("%")[0] for nic in nics for a in nic if a.family in families]
    names = []
    for name in (socket.gethostname(), *addresses):
        try:
            names.append(host_name(name))
        except ValueError:  # a host name with characters no Host header can carry
            continue
    return names
