"""Background threads kept for the next run: a run's writer and syncer run on threads that
outlive it, so a process creating runs one after another (a sweep agent, a grid of short jobs)
does not start and join two threads per run.

``THREADS.start(Job(target, name))`` runs ``target`` on an idle thread of the process, or a new
one when none is idle; a ``Job`` has the ``join``/``is_alive`` of a ``threading.Thread``. A
thread left idle for ``LINGER`` seconds ends.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable

LINGER = 60.0
"""Seconds an idle thread waits for the next job before it ends."""
IDLE_NAME = "cairn-idle"
"""The name of a thread waiting for its next job (it takes each job's name while running it)."""
log = logging.getLogger("cairn")


class Job:
    """One target run on a reused thread, joined like a thread."""

    def __init__(self, target: Callable[[], object], name: str) -> None:
        self.target = target
        self.name = name
        self._started = False
        self._done = threading.Event()

    @property
    def started(self) -> bool:
        return self._started

    def is_alive(self) -> bool:
        """Started and not finished, as ``Thread.is_alive``."""
        return self._started and not self._done.is_set()

    def join(self, timeout: float | None = None) -> None:
        self._done.wait(timeout)


class ReusedThreads:
    """The process's threads for jobs; a finished job's thread waits for the next."""

    def __init__(self, linger: float = LINGER) -> None:
        self.linger = linger
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        """Threads waiting for a job and not yet promised one."""

    def start(self, job: Job) -> None:
        """Run ``job`` on an idle thread (or a new one); returns at once."""
        job._started = True
        with self._lock:
            self._jobs.put(job)
            if self._idle > 0:
                self._idle -= 1  # that thread takes it
                return
        threading.Thread(target=self._work, name=job.name, daemon=True).start()

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            try:
                job = self._jobs.get(timeout=self.linger)
            except queue.Empty:
                with self._lock:
                    try:
                        job = self._jobs.get_nowait()  # promised to us as we gave up waiting
                    except queue.Empty:
                        self._idle -= 1
                        return
            me.name = job.name
            try:
                job.target()
            except Exception:  # the targets keep their own errors: this is a last resort
                log.exception("cairn: background job %s failed", job.name)
            finally:
                me.name = IDLE_NAME
                with self._lock:
                    self._idle += 1  # before done: a job started after join() finds this thread
                job._done.set()

    def _forget_after_fork(self) -> None:
        """In a forked child: none of the parent's threads run there."""
        self._jobs, self._lock, self._idle = queue.SimpleQueue(), threading.Lock(), 0


THREADS = ReusedThreads()
"""This process's reused threads."""
os.register_at_fork(after_in_child=THREADS._forget_after_fork)
