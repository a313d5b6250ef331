"""The appliers: processes that ``cairn server`` starts beside its workers, which apply the
batches the workers queued (``cairn.store.ingest_queue``) to the store.

Processes, not threads of a worker: applying is CPU work that would hold a worker's GIL while
it answers requests. ``--appliers N`` of them per ``cairn server`` (one by default), so servers
stay stateless: every applier of every server on
one PostgreSQL shares the queue, each applying a run at a time (the queue's advisory lock keeps
a run to one applier). Each stops when the server that started it is gone, even if that one was
killed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from typing import Any

IDLE_SECONDS = 0.02
"""How long an applier waits before looking again when the queue has nothing for it."""


RESTART_SECONDS = 1.0
"""How long the server waits before starting an applier again after one exited."""


class AppliersWatch:
    """Keeps this server's ``count`` appliers running: while the server runs, an applier that
    exits (a crash, a kill, an out-of-memory) is started again after RESTART_SECONDS, and
    stderr says so. What it had queued stays queued; the others and its successor apply it."""

    def __init__(self, environment: dict[str, str], count: int = 1) -> None:
        self._environment = environment
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.processes: list[Any] = [None] * count
        self.restarts = 0
        self._threads = [
            threading.Thread(
                target=self._watch, args=(slot,), name=f"cairn-applier-watch-{slot}", daemon=True
            )
            for slot in range(count)
        ]

    def start(self) -> AppliersWatch:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the appliers (each finishes the batches in hand) and stop starting new ones."""
        with self._lock:
            self._stopping.set()
            running = [process for process in self.processes if process is not None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _watch(self, slot: int) -> None:
        while True:
            with self._lock:
                if self._stopping.is_set():
                    return
                self.processes[slot] = process = start_applier(self._environment)
            process.join()
            if self._stopping.is_set():
                return
            with self._lock:
                self.restarts += 1
            print(
                f"cairn: the applier (pid {process.pid}) exited with code {process.exitcode}; "
                f"starting another in {RESTART_SECONDS:.0f} s (what it held stays queued)",
                file=sys.stderr,
                flush=True,
            )
            self._stopping.wait(RESTART_SECONDS)


def start_applier(environment: dict[str, str]) -> Any:
    """Start an applier process of this server (its settings from ``environment``, as the
    workers read theirs); returns the process."""
    context = multiprocessing.get_context("spawn")  # nothing of the server's state inherited
    process = context.Process(
        target=run_applier, args=(environment, os.getpid()), name="cairn-applier", daemon=True
    )
    process.start()
    return process


def run_applier(environment: dict[str, str], parent: int) -> None:
    """Apply queued batches until the process ``parent`` is gone or a SIGTERM arrives."""
    from cairn.server.settings import load_settings
    from cairn.store.blobs import BlobStore
    from cairn.store.ingest_queue import IngestQueue
    from cairn.store.store import Store

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: finish first
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, _frame: stopping.append(number))
    os.environ.update(environment)
    settings = load_settings({}, os.environ)
    # not server.team's open_team_store: it imports the app (FastAPI), a second of startup
    store = Store(settings.db_url, BlobStore(settings.blobs), migrate=False)
    queue = IngestQueue(store)
    try:
        while not stopping and os.getppid() == parent:
            if queue.apply_next() == 0:
                time.sleep(IDLE_SECONDS)
    finally:
        queue.close()
        store.close()
