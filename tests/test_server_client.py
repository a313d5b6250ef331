"""The HTTP client of a Cairn server's API (``cairn.server_client``)."""

from __future__ import annotations

import ssl
from typing import Any

import pytest

from cairn.server_client import api_client, tls_context


def test_clients_load_the_certificate_authorities_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run of a script logging to a server makes a client; loading the CA bundle for each
    cost about 29 ms of CPU a run. They share one TLS context, loaded at the first."""
    made: list[ssl.SSLContext] = []
    create = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(create(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(ssl, "create_default_context", counted)
    tls_context.cache_clear()
    try:
        clients = [api_client("https://cairn.example", "cairn_" + "k" * 43) for _ in range(3)]
        assert len(made) == 1
        for client in clients:
            client.close()
    finally:
        tls_context.cache_clear()
