"""Artifact benchmark: logging and downloading a large file, against hashing and copying it by hand.

Fixed workload: one 512 MiB file (random-looking bytes, made once). Baseline, in the same run:
``hashlib.sha256`` over the file plus ``shutil.copyfile`` (what any verified copy must do).
Measured: ``run.log_artifact`` (hash + store), ``download`` (copy + verify), a second download
into the same folder (served from the verified folder), and logging the same contents again
(hash, then the existing version). Prints a table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cairn

SIZE = 512 << 20
CHUNK = 8 << 20


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def baseline(source: Path, target: Path) -> None:
    digest = hashlib.sha256()
    with open(source, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    shutil.copyfile(source, target)


def main() -> None:
    os.environ.update(CAIRN_CAPTURE_GIT="0", CAIRN_SAVE_CODE="0", CAIRN_CAPTURE_CONSOLE="0")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "weights.bin"
        block = os.urandom(CHUNK)
        with open(source, "wb") as f:
            for i in range(SIZE // CHUNK):
                f.write(block[i:] + block[:i])
        copy_s = timed(lambda: baseline(source, root / "copy.bin"))
        art = cairn.Artifact("big", type="model")
        art.add_file(source)
        with cairn.init(project="bench", dir=root / ".cairn") as run:
            log_s = timed(lambda: run.log_artifact(art))
            relog_s = timed(lambda: run.log_artifact(art))
        version = cairn.Api(root / ".cairn").artifact("bench/big:latest")
        get_s = timed(lambda: version.download(root / "out"))
        again_s = timed(lambda: version.download(root / "out"))
    mb = SIZE / (1 << 20)
    rows = [
        ("baseline: sha256 + copyfile", copy_s),
        ("log_artifact (hash + store)", log_s),
        ("log_artifact, same contents", relog_s),
        ("download (copy + verify)", get_s),
        ("download again (verified)", again_s),
    ]
    print(f"artifacts: one {mb:.0f} MiB file")
    print(f"{'operation':32} {'seconds':>8} {'MiB/s':>8} {'vs baseline':>12}")
    for name, seconds in rows:
        print(f"{name:32} {seconds:8.3f} {mb / seconds:8.0f} {seconds / copy_s:11.2f}x")


if __name__ == "__main__":
    main()
