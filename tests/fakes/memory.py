"""The peak resident memory of a process while a block runs (tests and benchmarks)."""

from __future__ import annotations

import threading

import psutil


class PeakRss:
    """The highest resident memory of process ``pid``, sampled every ``interval`` seconds while
    in the block; ``start`` is its memory on entering."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
