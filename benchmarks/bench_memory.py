"""Memory benchmark: a real `cairn ui` process sends a 1 GiB blob; prints the server's resident
memory before and at its peak (psutil, sampled every 10 ms) and the throughput at the client.
Target: peak growth under 200 MB. Asserts nothing; run with `make bench`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil
from bench_api import serve

import cairn
from cairn.store.blobs import BlobStore

SIZE = 1024**3
CHUNK = 1024 * 1024


def big_blob(store_dir: Path) -> str:
    """SIZE bytes (one random MiB, repeated) written straight into the blobs folder."""
    block = os.urandom(CHUNK)
    digest = hashlib.sha256()
    tmp = store_dir / "big.tmp"
    with open(tmp, "wb") as f:
        for _ in range(SIZE // CHUNK):
            f.write(block)
            digest.update(block)
    target = Path(BlobStore(store_dir / "blobs").path(digest.hexdigest()))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(target)
    return digest.hexdigest()


def download(url: str, pid: int) -> tuple[float, float, float]:
    """Stream ``url`` to nowhere: the server's RSS before and at peak (MB), and MB/s."""
    process = psutil.Process(pid)
    start = peak = process.memory_info().rss
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.01):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    received = 0
    with httpx.stream("GET", url, timeout=120) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes(CHUNK):
            received += len(chunk)
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    return start / 1e6, peak / 1e6, received / 1e6 / seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / ".cairn"
        cairn.init(project="bench", dir=store_dir, mode="online").finish(quiet=True)
        digest = big_blob(store_dir)
        with serve(store_dir) as (url, pid):
            before, peak, rate = download(f"{url}/api/v1/blobs/{digest}", pid)
    print("memory benchmark: GET /api/v1/blobs/{digest} of a 1 GiB blob, real `cairn ui` process")
    print(f"{'server RSS before':<28}{before:>10.1f} MB")
    print(f"{'server RSS peak':<28}{peak:>10.1f} MB")
    print(f"{'peak growth (target < 200)':<28}{peak - before:>10.1f} MB")
    print(f"{'throughput at the client':<28}{rate:>10.1f} MB/s")


if __name__ == "__main__":
    main()
