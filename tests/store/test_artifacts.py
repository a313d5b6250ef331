"""Artifact versions in the store, under contention: runs on many connections logging versions
of one new name at once (on PostgreSQL they can all find the name missing)."""

from __future__ import annotations

import time

from tests.store.conftest import at_once

from cairn.artifacts.manifest import manifest_digest
from cairn.journal.records import ArtifactLog, Record, RunStart
from cairn.store import Store
from cairn.store.artifacts import versions


def _records(store: Store, run_id: str, contents: bytes) -> list[Record]:
    digest = store.put_blob(contents)
    manifest: dict[str, dict[str, object]] = {"data.bin": {"sha256": digest, "size": len(contents)}}
    return [
        RunStart(seq=1, run_id=run_id, project="p", name=run_id, created_at=time.time()),
        ArtifactLog(
            seq=2,
            name="shared",
            artifact_type="dataset",
            digest=manifest_digest(manifest),
            manifest=manifest,  # type: ignore[arg-type]
            blobs=[digest],
            ts=time.time(),
        ),
    ]


def _logat_once(store: Store, contents: list[bytes]) -> None:
    """Each run's records applied on a connection of its own, all released together (the
    project exists already, so only the artifact name is contended)."""
    store.reserve_run_number("p")
    batches = [_records(store, f"r{i}", c) for i, c in enumerate(contents)]
    at_once(store, lambda mine, i: mine.apply(f"r{i}", batches[i]), workers=len(batches))


def test_versions_of_a_new_name_logged_at_once_are_numbered_one_after_another(
    store: Store,
) -> None:
    _logat_once(store, [f"contents {i}".encode() for i in range(8)])
    got = versions(store, "p", "shared")
    assert sorted(v.version for v in got) == list(range(len(got)))
    assert len(got) == 8
    assert len({v.digest for v in got}) == 8


def test_the_same_contents_logged_at_once_are_one_version(store: Store) -> None:
    _logat_once(store, [b"the same bytes"] * 8)
    assert [v.version for v in versions(store, "p", "shared")] == [0]
