"""The heartbeats of this process's live runs, beaten from one thread per process.

A live run beats its heartbeat every interval; a run whose beats stop reads as crashed. The
beats do not go through the syncer's thread, so a batch stuck behind a lock, or a sink that
keeps failing, does not hold them back. One thread beats every live run of the process: it
starts with the first run and stays for the next, so a process that creates runs in a loop (a
sweep agent, a grid of short jobs) starts no thread per run.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass

from cairn.sync.sink import Sink

log = logging.getLogger("cairn.sync")
MIN_INTERVAL = 0.01


@dataclass(eq=False)
class Beat:
    """One run's heartbeat, as ``Heartbeats.add`` registered it."""

    run_id: str
    sink: Sink
    interval: float
    due: float
    """``time.monotonic()`` of the next beat."""
    removed: bool = False


class Heartbeats:
    """The process's heartbeat thread and the runs it beats."""

    def __init__(self) -> None:
        self._beats: list[Beat] = []
        self._lock = threading.Lock()
        """Guards ``_beats`` and ``_thread``."""
        self._beating = threading.Lock()
        """Held while a round of beats is under way (``remove`` waits for it)."""
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, run_id: str, sink: Sink, interval: float, *, at_once: bool) -> Beat:
        """Beat ``run_id`` into ``sink`` every ``interval`` seconds, the first time now if
        ``at_once`` (a resumed run, which must not read as crashed), else after one interval
        (a new run's start record carries its first beat)."""
        interval = max(interval, MIN_INTERVAL)
        beat = Beat(run_id, sink, interval, time.monotonic() + (0.0 if at_once else interval))
        with self._lock:
            self._beats.append(beat)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="cairn-heartbeat", daemon=True
                )
                self._thread.start()
        self._wake.set()
        return beat

    def remove(self, beat: Beat, timeout: float) -> None:
        """Stop beating; once this returns (within ``timeout`` seconds) no beat of it starts,
        and one under way has ended unless it took longer than ``timeout``."""
        with self._lock:
            beat.removed = True
            if beat in self._beats:
                self._beats.remove(beat)
        if self._beating.acquire(timeout=max(timeout, 0.0)):
            self._beating.release()

    def _loop(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                due = [b for b in self._beats if b.due <= now]
            with self._beating:
                for beat in due:
                    if beat.removed:
                        continue
                    try:
                        beat.sink.heartbeat(beat.run_id)
                    except Exception as exc:  # the next beat may get through; the journal has it
                        log.debug("cairn: heartbeat of run %s failed: %s", beat.run_id, exc)
                    beat.due = time.monotonic() + beat.interval
            with self._lock:
                soonest = min((b.due for b in self._beats), default=None)
            self._wake.wait(None if soonest is None else max(0.0, soonest - time.monotonic()))
            self._wake.clear()

    def _forget_after_fork(self) -> None:
        """In a forked child: no thread runs there, and the locks may have been held by one."""
        self._beats, self._thread = [], None
        self._lock, self._beating, self._wake = (
            threading.Lock(),
            threading.Lock(),
            threading.Event(),
        )


HEARTBEATS = Heartbeats()
"""This process's heartbeats (one thread for all its live runs)."""
os.register_at_fork(after_in_child=HEARTBEATS._forget_after_fork)
