"""CPU, memory, disk and network of the machine and of the training process, through psutil.

Each metric is read on its own: one that psutil cannot give here (no disk counters in a container,
a child process that just exited) is left out of the sample, and the rest are kept. Rates (disk and
network MB/s) are the change of psutil's counters since the previous sample.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import psutil

MB = 1024 * 1024
GB = 1024 * MB


class HostMetrics:
    """``system/cpu/*``, ``system/memory/*``, ``system/disk/*`` and ``system/network/*``."""

    def __init__(self, disk_path: str, process: psutil.Process | None = None) -> None:
        self.disk_path = disk_path
        self._process = process or psutil.Process()
        self._children: dict[int, psutil.Process] = {}
        # psutil's cpu_percent is the use since its previous call: the first call primes it.
        _quietly(lambda: psutil.cpu_percent(interval=None))
        _quietly(lambda: self._process.cpu_percent(interval=None))
        self._time = time.monotonic()
        self._disk = _quietly(lambda: psutil.disk_io_counters(perdisk=False))
        self._net = _quietly(lambda: psutil.net_io_counters(pernic=False))

    def sample(self) -> dict[str, float]:
        """One reading of every metric psutil can give here."""
        out: dict[str, float] = {}
        now = time.monotonic()
        elapsed = max(now - self._time, 1e-6)
        self._time = now
        _put(out, "system/cpu/percent", lambda: psutil.cpu_percent(interval=None))
        _put(out, "system/cpu/threads", self._process.num_threads)
        self._process_tree(out)
        memory = _quietly(psutil.virtual_memory)
        if memory is not None:
            out["system/memory/available_mb"] = memory.available / MB
            out["system/memory/percent"] = float(memory.percent)
        usage = _quietly(lambda: psutil.disk_usage(self.disk_path))
        if usage is not None:
            out["system/disk/used_gb"] = usage.used / GB
            out["system/disk/used_percent"] = float(usage.percent)
        disk = _quietly(lambda: psutil.disk_io_counters(perdisk=False))
        if disk is not None and self._disk is not None:
            out["system/disk/read_mb_s"] = _rate(disk.read_bytes, self._disk.read_bytes, elapsed)
            out["system/disk/write_mb_s"] = _rate(disk.write_bytes, self._disk.write_bytes, elapsed)
        self._disk = disk
        net = _quietly(lambda: psutil.net_io_counters(pernic=False))
        if net is not None and self._net is not None:
            out["system/network/sent_mb_s"] = _rate(net.bytes_sent, self._net.bytes_sent, elapsed)
            out["system/network/recv_mb_s"] = _rate(net.bytes_recv, self._net.bytes_recv, elapsed)
        self._net = net
        return out

    def _process_tree(self, out: dict[str, float]) -> None:
        """CPU and RSS of the process and its children (data-loader workers count too)."""
        children = _quietly(lambda: self._process.children(recursive=True)) or []
        alive: dict[int, psutil.Process] = {}
        for child in children:
            # Keep psutil's Process objects: cpu_percent measures from the previous call on it.
            alive[child.pid] = self._children.get(child.pid, child)
        self._children = alive
        cpu: float | None = _quietly(lambda: self._process.cpu_percent(interval=None))
        rss: float | None = _quietly(lambda: float(self._process.memory_info().rss))
        for child in alive.values():
            if cpu is not None:
                cpu += _quietly(partial(child.cpu_percent, interval=None)) or 0.0
            if rss is not None:
                rss += getattr(_quietly(child.memory_info), "rss", 0)
        if cpu is not None:
            out["system/cpu/process_percent"] = float(cpu)
        if rss is not None:
            out["system/memory/rss_mb"] = rss / MB
        _put(out, "system/memory/process_percent", self._process.memory_percent)

    def close(self) -> None:
        """Nothing to release: psutil keeps no handles open."""


def _rate(now: int, before: int, seconds: float) -> float:
    # Counters can wrap or reset (a NIC going down); a negative rate would be a lie.
    return max(now - before, 0) / MB / seconds


def _quietly(read: Callable[[], Any]) -> Any:
    """``read()``, or None when psutil cannot give it here."""
    try:
        return read()
    except (psutil.Error, OSError, RuntimeError, AttributeError, NotImplementedError):
        return None


def _put(out: dict[str, float], key: str, read: Callable[[], Any]) -> None:
    value = _quietly(read)
    if value is not None:
        out[key] = float(value)
