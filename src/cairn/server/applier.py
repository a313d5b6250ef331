"""The applier: a process that ``cairn server`` starts beside its workers, which applies the
batches the workers queued (``cairn.store.ingest_queue``) to the store.

A process, not a thread of a worker: applying is CPU work that would hold a worker's GIL while
it answers requests. One per ``cairn server``, so servers stay stateless: several servers on
one PostgreSQL each run one, and they share the queue (a run at a time each). It stops when the
server that started it is gone, even if that one was killed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from typing import Any

IDLE_SECONDS = 0.02
"""How long the applier waits before looking again when the queue has nothing for it."""


def start_applier(environment: dict[str, str]) -> Any:
    """Start the applier process of this server (its settings from ``environment``, as the
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
