"""psutil readings of the machine and of the process tree; what psutil cannot give is skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import psutil
import pytest

from cairn.sdk.system import host as host_module
from cairn.sdk.system.host import HostMetrics

EXPECTED = {
    "system/cpu/percent",
    "system/cpu/process_percent",
    "system/cpu/threads",
    "system/memory/rss_mb",
    "system/memory/available_mb",
    "system/memory/percent",
    "system/memory/process_percent",
    "system/disk/used_gb",
    "system/disk/used_percent",
}


def test_a_sample_has_cpu_memory_and_disk(tmp_path: Path) -> None:
    row = HostMetrics(str(tmp_path)).sample()
    assert set(row) >= EXPECTED
    assert all(isinstance(v, float) for v in row.values())
    assert 0 <= row["system/memory/percent"] <= 100
    assert row["system/memory/rss_mb"] > 10  # this Python, with numpy and pyarrow loaded
    assert row["system/cpu/threads"] >= 1


class NetCounters(NamedTuple):
    """The fields of psutil's network counters that the sampler reads."""

    bytes_sent: int
    bytes_recv: int


def test_rates_are_never_negative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Fixed counters, so the test runs the same on a machine (or container) without any.
    counters = NetCounters(bytes_sent=5_000, bytes_recv=7_000)
    monkeypatch.setattr(host_module.psutil, "net_io_counters", lambda pernic=False: counters)
    metrics = HostMetrics(str(tmp_path))
    # A counter that went backwards (an interface reset) reads as 0 MB/s, not a negative rate.
    monkeypatch.setattr(metrics, "_net", counters._replace(bytes_sent=counters.bytes_sent + 10**12))
    row = metrics.sample()
    assert row["system/network/sent_mb_s"] == 0.0
    assert row["system/network/recv_mb_s"] >= 0.0


def test_missing_disk_counters_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In many containers psutil has no disk I/O counters (None, or an error): the rest stays."""

    def missing(perdisk: bool = False) -> None:
        raise RuntimeError("couldn't find any physical disk")

    monkeypatch.setattr(host_module.psutil, "disk_io_counters", missing)
    row = HostMetrics(str(tmp_path)).sample()
    assert "system/disk/read_mb_s" not in row and "system/disk/write_mb_s" not in row
    assert set(row) >= EXPECTED


def test_a_store_on_a_vanished_path_loses_only_disk_usage(tmp_path: Path) -> None:
    row = HostMetrics(str(tmp_path / "gone")).sample()
    assert "system/disk/used_gb" not in row
    assert "system/cpu/percent" in row


def test_children_count_towards_rss() -> None:
    """Data-loader workers are child processes: their memory is the run's memory too."""
    metrics = HostMetrics("/")
    alone = metrics.sample()["system/memory/rss_mb"]
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys, numpy; print('ready', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        child_rss = psutil.Process(child.pid).memory_info().rss / host_module.MB
        rss = metrics.sample()["system/memory/rss_mb"]
        assert rss >= alone + child_rss * 0.5
    finally:
        child.communicate("")
