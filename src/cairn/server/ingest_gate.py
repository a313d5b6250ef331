"""How many batches of records a server worker takes at once; the others are told when to come
back (429 with ``Retry-After``), before their bodies are read.

Without a gate, every client with a batch waits inside the server: with N clients each always
sending, a batch's request takes N times the server's time a batch, however fast that is
(Little's law: 32 clients on 2 shared cores made batches wait 2 to 3 s), and with enough
clients requests would outlive the clients' 30 s timeout and be sent again. With one, a worker
holds at most ``limit`` batches (their bodies, threads and the queue's lock), and a batch it
takes is answered in about the time it takes to do (docs/server.md, "Flow control", has the
measurements: the median fell, the p99 much less). The waiting moves to the clients, whose syncer thread sleeps until
the time it is given (``cairn.sync.syncer``), never the training loop.

The time to come back is a place in a line: each refused batch is given the next free moment,
one batch's time (``service``, averaged over the last batches) divided by ``limit`` after the
one given before it, so the refused clients come back one after another rather than together.
While there is a line, a client whose batch was taken is given a place in it too, for its next
batch (``pace``): else a client that just sent would send again at once and take the slot the
ones in line were told to come back for. A batch that arrives when no slot is free waits up to
``hold`` seconds in the worker for one.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

SMOOTHING = 0.2
"""The weight of the latest batch in the average time a batch (an exponential average)."""
LONGEST_WAIT = 10.0
"""Never tell a client to come back later than this (seconds): a line longer than that is a
server far behind, and a client that asks again soon is told again."""


class IngestGate:
    """At most ``limit`` batches at once in one worker (its event loop); 0: no limit."""

    def __init__(self, limit: int, *, hold: float = 0.05, service: float = 0.05) -> None:
        self.limit = limit
        self.hold = hold
        self.service = service
        """Seconds a batch took in the worker, averaged over the last ones."""
        self.busy = 0
        """Batches in hand (let in and not done)."""
        self.refused = 0
        """Batches told to come back, since the worker started."""
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._next_free = 0.0

    async def enter(self) -> float | None:
        """None: the batch may go on (call ``leave`` after); else the seconds after which to
        send it again."""
        if self.limit <= 0 or (self.busy < self.limit and not self._waiting):
            self.busy += 1
            return None
        if self.hold > 0:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                await asyncio.wait_for(waiter, self.hold)
                return None  # a leaving batch handed its slot over
            except asyncio.TimeoutError:
                pass
            except asyncio.CancelledError:  # the client went away while it waited
                if waiter.done() and not waiter.cancelled():
                    self._free_slot()  # the slot was handed over: pass it on
                raise
            finally:
                if waiter in self._waiting:
                    self._waiting.remove(waiter)
        return self._refuse()

    def leave(self, took: float) -> None:
        """A batch let in by ``enter`` is done; it took ``took`` seconds in the worker."""
        self.service += SMOOTHING * (took - self.service)
        self._free_slot()

    def _free_slot(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot goes to the batch waiting longest
                return
        self.busy -= 1

    def pace(self) -> float | None:
        """For a client whose batch was just taken: None when nobody waits in line, else the
        seconds after which to send its next batch (a place at the end of the line)."""
        if self.limit <= 0 or self._next_free <= time.monotonic():
            return None
        return self._place_in_line()

    def status(self) -> dict[str, int]:
        """What the health route tells of this worker's gate."""
        return {"busy": self.busy, "limit": self.limit, "refused": self.refused}

    def _refuse(self) -> float:
        self.refused += 1
        return self._place_in_line()

    def _place_in_line(self) -> float:
        now = time.monotonic()
        self._next_free = max(self._next_free, now) + self.service / max(self.limit, 1)
        return min(self._next_free - now, LONGEST_WAIT)
