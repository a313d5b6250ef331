"""The system-metrics thread: every ``interval`` seconds, one row of ``system/*`` readings.

A sample is a history row of its own, stamped with the last step the script logged (0 before the
first): it never advances the script's step nor joins its pending row. Charts draw these keys
against the run's relative time. The first row also journals a ``define_metric("system/*",
summary="none")`` rule, so machine readings stay out of the run's summary and the runs table.

Nothing here may break training: a failing reading is skipped (see ``host`` and ``gpu``), and an
unexpected error stops the sampler with one line on stderr.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Protocol

from cairn.sdk.system.gpu import open_gpus
from cairn.sdk.system.host import HostMetrics

SYSTEM_PREFIX = "system/"


class Provider(Protocol):
    """A source of readings (host, GPUs): ``sample()`` is called from the sampler thread."""

    def sample(self) -> dict[str, float]: ...

    def close(self) -> None: ...


class Sink(Protocol):
    """What the sampler writes to: the run."""

    def _log_aside(self, values: dict[str, float]) -> None: ...

    def _exclude_from_summary(self, pattern: str) -> None: ...


class SystemSampler:
    """Samples its providers on a daemon thread until ``stop()``; ``sample_now()`` takes one now."""

    def __init__(
        self,
        sink: Sink,
        providers: list[Provider] | Callable[[], list[Provider]],
        interval: float,
    ) -> None:
        """``providers``: the sources, or a function making them (called on the sampler's thread,
        so a slow ``nvmlInit`` does not slow ``cairn.init()``)."""
        if not interval > 0:
            raise ValueError(f"interval={interval!r}: give a number of seconds above 0")
        self.interval = interval
        self.samples = 0
        """Rows written so far."""
        self._sink = sink
        self._open = providers if callable(providers) else None
        self._providers: list[Provider] = [] if callable(providers) else providers
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_machine(
        cls, sink: Sink, interval: float, disk_path: str, nvml: object = None
    ) -> SystemSampler:
        """A sampler of this machine: psutil's readings, plus NVML's GPUs when there are any."""

        def machine() -> list[Provider]:
            providers: list[Provider] = [HostMetrics(disk_path)]
            gpus = open_gpus(nvml)
            if gpus is not None:
                providers.append(gpus)
            return providers

        return cls(sink, machine, interval)

    def start(self) -> SystemSampler:
        self._thread = threading.Thread(target=self._loop, name="cairn-system", daemon=True)
        self._thread.start()
        return self

    def sample_now(self) -> dict[str, float]:
        """Read every provider and log the row (empty rows are not logged); returns it."""
        with self._lock:
            self._open_providers()
            row: dict[str, float] = {}
            for provider in self._providers:
                row.update(_guarded(provider.sample))
            if row:
                if self.samples == 0:
                    self._sink._exclude_from_summary(SYSTEM_PREFIX + "*")
                self._sink._log_aside(dict(row))
                self.samples += 1
            return row

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (without a last sample) and release the providers."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            self._open = None
            for provider in self._providers:
                _guarded(provider.close)
            self._providers = []

    def _open_providers(self) -> None:
        """Make the providers, once (the caller holds the lock)."""
        if self._open is not None:
            opener, self._open = self._open, None
            self._providers = opener()

    def _loop(self) -> None:
        try:
            with self._lock:
                if not self._stop.is_set():
                    self._open_providers()  # primes the CPU counters: the first sample is a rate
            while not self._stop.wait(self.interval):
                self.sample_now()
        except Exception as exc:  # never into the training script
            print(f"cairn: system metrics stopped: {exc!r}", file=sys.stderr)


def _guarded(call: Callable[[], dict[str, float] | None]) -> dict[str, float]:
    """A provider's readings; a provider that fails as a whole gives none this time."""
    try:
        return call() or {}
    except Exception:
        return {}
