"""Where a request's time goes inside the server, told to the client in a ``Server-Timing``
header (the W3C format: ``name;dur=milliseconds``, comma-separated).

``Arrival`` gives each request a ``Phases`` (``phases(scope)``) when the app first sees it
(uvicorn has read its headers); the caller's check and a route then mark the end of each of
their phases on it. The batch route (``routes.ingest.records``) answers with its phases, and
``make bench`` adds them up over a load test (``benchmarks/bench_server.py``): the first phase,
``arrived``, carries the wall-clock time of arrival (``desc``, seconds since the epoch), which
the client compares with when it sent the request.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

PHASES = "cairn.phases"
"""The scope key of a request's ``Phases``."""


class Arrival:
    """Gives each HTTP request's scope its ``Phases``, started when the app first sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[PHASES] = Phases()
        await self.app(scope, receive, send)


def phases(scope: Scope) -> Phases:
    """The request's ``Phases`` (started now for a scope ``Arrival`` did not see)."""
    found = scope.get(PHASES)
    if found is None:
        found = scope[PHASES] = Phases()
    return found


class Phases:
    """The durations of a request's phases, each from the end of the one before, the first
    from the request's arrival."""

    def __init__(self) -> None:
        self.arrived, self._last = time.time(), time.perf_counter()
        self.durations: list[tuple[str, float]] = []

    def mark(self, name: str) -> None:
        """End the phase ``name`` now."""
        now = time.perf_counter()
        self.durations.append((name, now - self._last))
        self._last = now

    def header(self) -> str:
        """The ``Server-Timing`` value: the arrival time, then each phase in milliseconds."""
        phases = ", ".join(f"{name};dur={seconds * 1000:.3f}" for name, seconds in self.durations)
        arrived = f'arrived;desc="{self.arrived:.6f}"'
        return f"{arrived}, {phases}" if phases else arrived
