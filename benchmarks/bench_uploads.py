"""A large file's upload to a team server on S3: one pre-signed PUT against S3 multipart (parts
of 16 and 64 MiB, four at a time), MB/s and the client's peak memory; and to a team server whose
blobs are in a folder: one PUT through the server against chunks of 16 MiB (resumable).

Fixed workload: one file of random bytes, 64 MiB (the threshold) and 256 MiB (a few bytes
changed before each upload, so each is a new blob), sent by ``HttpSink.put_blob_file`` in a fresh process each time to a real
``cairn server`` on SQLite whose blobs are in moto's S3, on loopback; the kinds are taken in
turns, 2 rounds. The time is the whole upload: the client's hashing pass, the bytes to S3, and
the server reading the object back to check it. moto keeps everything in memory and joins parts
by copying them, so its own speed bounds every row: these are ratios between the ways of
sending, not what S3 does. The folder server's rows are the same uploads to a server whose blobs are
in a temporary folder. Prints two tables; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from team_server import api_key  # noqa: E402
from tests.fakes import s3 as moto  # noqa: E402
from tests.fakes.server import serve_command  # noqa: E402

MiB = 1024 * 1024
SIZES = (64 * MiB, 256 * MiB)
ROUNDS = 2
KINDS = {  # name: (THRESHOLD, PART_SIZE)
    "single PUT": (1 << 62, 16 * MiB),
    "multipart, 16 MiB parts": (1, 16 * MiB),
    "multipart, 64 MiB parts": (1, 64 * MiB),
}
FOLDER_KINDS = {  # the server takes no multipart uploads: chunks from the threshold on
    "single PUT": (1 << 62, 16 * MiB),
    "chunks of 16 MiB": (1, 16 * MiB),
}

UPLOAD = """
import json, resource, sys, time
from pathlib import Path
from cairn.server_login import Login
from cairn.sync import multipart
from cairn.sync.http import HttpSink

url, key, path, threshold, part = sys.argv[1:]
multipart.THRESHOLD, multipart.PART_SIZE = int(threshold), int(part)
sink = HttpSink(Login(url, key), "bench", timeout=600)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
sink.put_blob_file(Path(path))
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"took": took, "rss_before": before * 1024, "rss_peak": peak * 1024}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        s3 = moto.start()
        try:
            env = {**os.environ, **s3.environment}
            s3.make_bucket("bench")
            db = f"sqlite:///{tmp / 'cairn.db'}"
            key = api_key(db, env)
            server_env = {**env, "CAIRN_DB": db, "CAIRN_BLOBS": "s3://bench/blobs"}
            with serve_command(["server"], env=server_env, timeout=60) as server:
                rows = {size: _measure(server.url, key, tmp, env, size, KINDS) for size in SIZES}
        finally:
            s3.stop()
        _table("moto's S3 (loopback)", rows)
        _table("a folder (loopback)", folder_rows(tmp))


def folder_rows(tmp: Path) -> dict[int, dict[str, list[dict[str, float]]]]:
    """The uploads to a ``cairn server`` whose blobs are in a folder under ``tmp``."""
    db = f"sqlite:///{tmp / 'folder.db'}"
    env = dict(os.environ)
    key = api_key(db, env)
    server_env = {**env, "CAIRN_DB": db, "CAIRN_BLOBS": str(tmp / "folder-blobs")}
    with serve_command(["server"], env=server_env, timeout=60) as server:
        return {size: _measure(server.url, key, tmp, env, size, FOLDER_KINDS) for size in SIZES}


def _table(where: str, rows: dict[int, dict[str, list[dict[str, float]]]]) -> None:
    print(f"\nUpload of one file to cairn server on {where}")
    print(f"{'file':>8}  {'kind':<26}{'MB/s (each round)':>20}{'client peak RSS':>18}{'growth':>9}")
    for size, kinds in rows.items():
        for kind, runs in kinds.items():
            speeds = " / ".join(f"{size / 1e6 / r['took']:.0f}" for r in runs)
            peak = max(r["rss_peak"] for r in runs) / MiB
            grew = max(r["rss_peak"] - r["rss_before"] for r in runs) / MiB
            label = f"{size // MiB} MiB"
            print(f"{label:>8}  {kind:<26}{speeds:>20}{peak:>15.0f} MiB{grew:>5.0f} MiB")


def _measure(
    url: str,
    key: str,
    tmp: Path,
    env: dict[str, str],
    size: int,
    kinds: dict[str, tuple[int, int]],
) -> dict[str, list[dict[str, float]]]:
    path = tmp / "weights.bin"
    with open(path, "wb") as f:
        for _ in range(size // MiB):
            f.write(os.urandom(MiB))
    rows: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    turn = size
    for _ in range(ROUNDS):
        for kind, (threshold, part) in kinds.items():
            turn += 1
            with open(path, "r+b") as f:  # a new blob each time: S3 holds none of it yet
                f.write(turn.to_bytes(8, "big"))
            done = subprocess.run(
                [sys.executable, "-c", UPLOAD, url, key, str(path), str(threshold), str(part)],
                env={**env, "XDG_CACHE_HOME": str(tmp / "cache")},
                capture_output=True,
                text=True,
                check=True,
            )
            rows[kind].append(json.loads(done.stdout))
    return rows


if __name__ == "__main__":
    main()
