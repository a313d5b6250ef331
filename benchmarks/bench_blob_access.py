"""What the team server's blob check costs: ``GET /blobs/{digest}`` with the check (a caller
who may read a project that refers to the digest, ``cairn.server.auth.blobs``) against the
same request with the check skipped (what the route did before), in-process through the app
with an API key, and the check's one statement alone.

Fixed workload: 20 projects of 20 runs, each run 10 logged images with a mask in their
metadata (8,000 blobs, 4,000 media rows), one artifact of 10 files a project; the caller is a
viewer of one project (through a team too). p50 and p95 over 1,000 requests each, the two kinds
taken in turns (2 rounds), on SQLite and on PostgreSQL (a throw-away cluster; blobs in a folder
for both). Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from timing import percentiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from cairn.journal.records import ArtifactLog, MediaLog, RunStart  # noqa: E402
from cairn.server.app import create_app  # noqa: E402
from cairn.server.auth import blobs as blob_access  # noqa: E402
from cairn.server.auth.credentials import new_key  # noqa: E402
from cairn.store import Store, accounts, blob_refs  # noqa: E402
from cairn.store.blobs import BlobStore  # noqa: E402

PROJECTS, RUNS, IMAGES, FILES = 20, 20, 10, 10
REQUESTS, ROUNDS = 1000, 2


def fill(store: Store) -> list[str]:
    """The workload; returns the digests of the caller's project's images."""
    mine: list[str] = []
    for p in range(PROJECTS):
        for r in range(RUNS):
            run_id = f"p{p}r{r}"
            records: list[object] = [
                RunStart(seq=1, run_id=run_id, project=f"p{p}", name=run_id, created_at=0.0)
            ]
            for i in range(IMAGES):
                image = store.blobs.put(b"\x89PNG" + f"{run_id}-{i}".encode())
                mask = store.blobs.put(b"\x89PNG mask" + f"{run_id}-{i}".encode())
                records.append(
                    MediaLog(
                        seq=2 + i, step=i, ts=0.0, key="img", kind="image", data={},
                        blob=image, blobs=[image, mask],
                    )
                )  # fmt: skip
                if p == 0:
                    mine.append(image)
            if r == 0:
                files = {
                    f"f{i}": {"sha256": store.blobs.put(f"p{p}-{i}".encode()), "size": 4}
                    for i in range(FILES)
                }
                digest = hashlib.sha256(repr(files).encode()).hexdigest()
                records.append(
                    ArtifactLog(seq=99, name="data", artifact_type="dataset", digest=digest,
                                manifest=files)
                )  # fmt: skip
            store.apply(run_id, records)  # type: ignore[arg-type]
    return mine


def measure(backend: str, url: str, blobs: Path) -> list[tuple[str, float, float]]:
    store = Store(url, BlobStore(str(blobs)))
    mine = fill(store)
    viewer = accounts.create_user(store, "viewer")
    accounts.set_role(store, "p0", "viewer", "viewer")
    accounts.create_team(store, "lab")
    accounts.set_member(store, "lab", "viewer", True)
    accounts.set_team_role(store, "p1", "lab", "viewer")
    key = new_key()
    accounts.add_key(store, "viewer", name="bench", prefix=key.prefix, digest=key.digest)
    app = create_app(store, accounts=True)
    headers = {"Authorization": f"Bearer {key.secret}"}
    client = TestClient(app, base_url="http://127.0.0.1", headers=headers)
    checked = blob_access.may_read

    def requests(check: bool) -> list[float]:
        blob_access.may_read = checked if check else (lambda request, digest: True)  # type: ignore[assignment]
        times = []
        for i in range(REQUESTS):
            digest = mine[i % len(mine)]
            start = time.perf_counter()
            response = client.get(f"/api/v1/blobs/{digest}")
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.text
        return times

    def statements() -> list[float]:
        times = []
        for i in range(REQUESTS):
            start = time.perf_counter()
            blob_refs.may_read(store, viewer.id, mine[i % len(mine)])
            times.append(time.perf_counter() - start)
        return times

    taken: dict[str, list[float]] = {"skipped": [], "checked": [], "statement": []}
    kinds: dict[str, Callable[[], list[float]]] = {
        "skipped": lambda: requests(False),
        "checked": lambda: requests(True),
        "statement": statements,
    }
    requests(True)  # warm up: statements built, connections open
    for _ in range(ROUNDS):
        for name, run in kinds.items():
            taken[name] += run()
    blob_access.may_read = checked
    store.close()
    rows = []
    for name, label in (
        ("skipped", "GET /blobs, check skipped (before)"),
        ("checked", "GET /blobs, checked (after)"),
        ("statement", "the check's statement alone"),
    ):
        p50, p95 = percentiles(taken[name])
        rows.append((f"{backend}: {label}", p50, p95))
    return rows


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rows += measure("SQLite", f"sqlite:///{root / 'cairn.db'}", root / "blobs")
        from tests.fakes import postgres as cluster

        pg = cluster.start()
        try:
            from sqlalchemy import create_engine, text

            admin = create_engine(pg.url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text('CREATE DATABASE "cairn_blobs_bench"'))
            admin.dispose()
            url = pg.database_url("cairn_blobs_bench")
            rows += measure("PostgreSQL", url, root / "pg-blobs")
        finally:
            pg.stop()
    blobs = PROJECTS * RUNS * IMAGES * 2 + PROJECTS * FILES
    print(f"\nblob access check, {blobs:,} blobs, {REQUESTS:,} requests x {ROUNDS} rounds")
    print(f"{'what':<52} {'p50 ms':>8} {'p95 ms':>8}")
    for label, p50, p95 in rows:
        print(f"{label:<52} {p50:>8.3f} {p95:>8.3f}")


if __name__ == "__main__":
    main()
