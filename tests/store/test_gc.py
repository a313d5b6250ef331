"""``gc``: removes exactly the blobs nothing references, never a fresh one a live run stages."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.conftest import S3
from tests.store.conftest import MakeStore

import cairn
from cairn.cli.main import cli
from cairn.journal.records import Capture, History, RunStart
from cairn.store import chunked, gc, history, multipart, schema
from cairn.store.blob_refs import MEDIA
from cairn.store.blobs import BlobStore
from cairn.store.schema import history_segments
from cairn.store.store import Store


def age(store: Store, seconds: float = 7200) -> None:
    """Make every blob look ``seconds`` old, as if logged a while ago."""
    past = time.time() - seconds
    for root, _dirs, files in os.walk(store.blobs.root):
        for name in files:
            os.utime(os.path.join(root, name), (past, past))


def test_gc_removes_only_the_deleted_versions_unique_blobs(
    store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SHORT_TAIL_BYTES", 0)  # the finish seals its 10 rows
    (tmp_path / "shared.csv").write_text("shared rows")
    (tmp_path / "only-v0.bin").write_text("v0 weights")
    (tmp_path / "only-v1.bin").write_text("v1 weights")
    with cairn.init(project="p") as run:
        for step in range(10):
            run.log({"loss": 1 / (step + 1)})
        pixels = np.zeros((4, 4), dtype=np.uint8)
        mask = {"predictions": {"mask_data": np.ones((4, 4), dtype=int), "class_labels": {1: "a"}}}
        table = cairn.Table(columns=["image"], data=[[cairn.Image(pixels + 7)]])
        run.log({"image": cairn.Image(pixels, masks=mask), "table": table})
        arts = []
        for weights in ("only-v0.bin", "only-v1.bin"):
            art = cairn.Artifact("model", type="model")
            art.add_file(tmp_path / "shared.csv")
            art.add_file(tmp_path / weights, name="weights.bin")
            arts.append(run.log_artifact(art))
    store = Store.local(store_dir)
    code = store.put_blob(b"print('train')")
    notebook = store.put_blob(b'{"cells": []}')
    diff = store.put_blob(b"--- a/train.py\n+++ b/train.py\n")
    store.apply(
        run.id,
        [
            Capture(
                seq=store.last_seq(run.id) + 1,
                section="code",
                data={  # the shape cairn.sdk.capture.code gives the section
                    "entry": {"path": "train.py"},
                    "snapshot": {"files": {"train.py": {"sha256": code, "size": 14}}},
                    "notebook": {"sha256": notebook},
                },
            ),
            Capture(
                seq=store.last_seq(run.id) + 2,
                section="git",
                data={"commit": "0" * 40, "dirty": True, "diff_sha256": diff},
            ),
        ],
    )
    with store._read() as conn:
        media = set(conn.execute(select(schema.media.c.blob)).scalars()) | set(
            conn.execute(
                select(schema.blob_refs.c.digest).where(schema.blob_refs.c.origin == MEDIA)
            ).scalars()
        )
    assert len(media) >= 4, "the image, its mask, the table and the image in its cell"
    with store._read() as conn:
        segments = set(conn.execute(history_segments.select()).mappings().all())
    assert segments, "the finished run's history is sealed into a segment blob"
    age(store)
    before = store.blobs.fs.find(store.blobs.root)

    dry = gc.collect(store, dry_run=True)
    assert (dry.removed, dry.freed) == (0, 0)
    arts[0].delete()
    dry = gc.collect(store, dry_run=True)
    assert (dry.removed, dry.freed, dry.dry_run) == (1, len("v0 weights"), True)
    assert store.blobs.fs.find(store.blobs.root) == before  # a dry run deletes nothing

    real = gc.collect(store)
    assert (real.removed, real.freed) == (1, len("v0 weights"))
    left = {Path(p).name for p in store.blobs.fs.find(store.blobs.root)}
    v1 = {f["sha256"] for f in arts[1].files()}
    assert v1 <= left
    assert {code, notebook, diff} <= left
    assert media <= left
    assert {s["blob"] for s in segments} <= left
    assert len(left) == len(before) - 1
    assert gc.collect(store).removed == 0


def test_gc_spares_blobs_younger_than_the_grace_period(store_dir: Path, tmp_path: Path) -> None:
    store = Store.local(store_dir)
    fresh = store.put_blob(b"staged by a live run, record not applied yet")
    assert gc.collect(store).removed == 0
    assert store.has_blob(fresh)
    assert gc.collect(store, grace=0).removed == 1
    assert not store.has_blob(fresh)


def test_gc_keeps_what_an_unsynced_offline_run_logged_the_same_bytes_as_a_deleted_run(
    store_dir: Path,
) -> None:
    """Run A (online) and offline run B log the same image; A is deleted and gc runs before B
    is synced: B must still find its image after ``cairn sync``."""
    pixels = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    with cairn.init(project="p", id="run-a") as a:
        a.log({"picture": cairn.Image(pixels)})
    with cairn.init(project="p", id="run-b", mode="offline") as b:
        b.log({"picture": cairn.Image(pixels)})
    store = Store.local(store_dir)
    digest = cairn.Api(store_dir).run("p/run-a").media("picture")[0].meta["blob"]
    store.delete_run("run-a")
    age(store)
    runner = CliRunner()
    removed = runner.invoke(cli, ["gc", "--dir", str(store_dir)])
    assert removed.exit_code == 0, removed.output
    synced = runner.invoke(
        cli, ["sync", str(store_dir / "runs" / "run-b"), "--dir", str(store_dir)]
    )
    assert synced.exit_code == 0, synced.output
    assert "left out" not in synced.output
    (entry,) = cairn.Api(store_dir).run("p/run-b").media("picture")
    assert entry.meta["blob"] == digest
    assert np.array_equal(np.asarray(entry.image()), pixels)


def test_gc_on_each_backend_keeps_referenced_and_fresh_blobs(make_store: MakeStore) -> None:
    """On a blob folder and on S3 (whose listing gives LastModified, not a file's mtime)."""
    store = make_store()
    store.apply(
        "r1",
        [
            RunStart(seq=1, run_id="r1", project="p", name="n", created_at=time.time()),
            *[History(seq=2 + i, step=i, ts=time.time(), values={"a": float(i)}) for i in range(3)],
        ],
    )
    kept = store.put_blob(b"kept: a capture refers to it")
    store.apply("r1", [Capture(seq=5, section="code", data={"sha256": kept}, blobs=[kept])])
    orphan = store.put_blob(b"nothing refers to this")
    assert gc.collect(store).removed == 0  # younger than the grace period
    assert store.has_blob(orphan)
    dry = gc.collect(store, grace=0, dry_run=True)
    assert dry.removed == 1 and store.has_blob(orphan)
    done = gc.collect(store, grace=0)
    assert (done.removed, done.freed) == (1, len(b"nothing refers to this"))
    assert not store.has_blob(orphan) and store.has_blob(kept)


def test_gc_removes_uploads_a_client_never_finished(s3: S3, tmp_path: Path) -> None:
    """A team server on S3 signs upload URLs under uploads/; one sent to and never finished
    (adopted) is removed once older than the grace period, and nothing else with it."""
    blobs = BlobStore(s3.bucket())
    store = Store(f"sqlite:///{tmp_path / 'cairn.db'}", blobs)
    try:
        kept = store.put_blob(b"a blob nothing refers to, but fresh")
        url = blobs.signed_upload("abandoned-upload-1")
        assert url is not None
        assert httpx.put(url, content=b"never finished").status_code == 200
        assert [name for name, _, _ in blobs.uploads()] == ["abandoned-upload-1"]
        assert gc.collect(store).removed == 0  # younger than the grace period
        dry = gc.collect(store, grace=0, dry_run=True)
        assert dry.removed == 2 and [n for n, _, _ in blobs.uploads()] == ["abandoned-upload-1"]
        store.apply("r", [RunStart(seq=1, run_id="r", project="p", name="n", created_at=1.0)])
        store.apply("r", [Capture(seq=2, section="code", data={"sha256": kept}, blobs=[kept])])
        done = gc.collect(store, grace=0)
        assert (done.removed, done.freed) == (1, len(b"never finished"))
        assert list(blobs.uploads()) == [] and store.has_blob(kept)
    finally:
        store.close()


def test_gc_removes_chunked_uploads_a_client_never_finished(tmp_path: Path) -> None:
    """A team server on a folder appends chunks to files under uploads/ (``store.chunked``);
    one never completed is removed once older than the grace period."""
    blobs = BlobStore(tmp_path / "blobs")
    store = Store(f"sqlite:///{tmp_path / 'cairn.db'}", blobs)
    try:
        chunked.start(blobs, "abandoned-chunks-1")
        assert chunked.append(blobs, "abandoned-chunks-1", 0, b"never finished") == 14
        assert [(n, size) for n, size, _ in blobs.uploads()] == [("abandoned-chunks-1", 14)]
        assert list(blobs.entries()) == []  # an upload is no blob
        assert gc.collect(store).removed == 0  # younger than the grace period
        assert gc.collect(store, grace=0, dry_run=True).removed == 1
        done = gc.collect(store, grace=0)
        assert (done.removed, done.freed) == (1, 14)
        assert (
            list(blobs.uploads()) == [] and list((tmp_path / "blobs" / "uploads").iterdir()) == []
        )
    finally:
        store.close()


def test_gc_aborts_multipart_uploads_a_client_never_completed(s3: S3, tmp_path: Path) -> None:
    """A multipart upload started and never completed keeps its parts in S3 (invisible as
    objects): gc aborts it once older than the grace period, counting its parts' bytes."""
    blobs = BlobStore(s3.bucket())
    store = Store(f"sqlite:///{tmp_path / 'cairn.db'}", blobs)
    try:
        upload_id = multipart.start(blobs, "abandoned-multipart-1")
        url = multipart.sign_part(blobs, "abandoned-multipart-1", upload_id, 1)
        assert httpx.put(url, content=b"first part").status_code == 200
        assert [n for n, _, _ in multipart.unfinished(blobs)] == ["abandoned-multipart-1"]
        # moto says every upload started at 2010-11-10T20:48:33Z (S3 says when it did)
        started = datetime(2010, 11, 10, 20, 48, 33, tzinfo=timezone.utc).timestamp()
        assert gc.collect(store, grace=time.time() - started + 60).removed == 0  # too young
        dry = gc.collect(store, grace=time.time() - started - 60, dry_run=True)
        assert (dry.removed, dry.freed) == (1, len(b"first part"))
        assert [n for n, _, _ in multipart.unfinished(blobs)] == ["abandoned-multipart-1"]
        done = gc.collect(store, grace=0)
        assert (done.removed, done.freed) == (1, len(b"first part"))
        assert list(multipart.unfinished(blobs)) == []
        with pytest.raises(FileNotFoundError):  # its parts went with it
            multipart.parts(blobs, "abandoned-multipart-1", upload_id)
    finally:
        store.close()


def test_cairn_gc_collects_in_a_team_servers_store(s3: S3, tmp_path: Path) -> None:
    """``cairn gc --config`` works on the database and blob store a server's settings file names
    (here SQLite and S3), not on the local store."""
    db = f"sqlite:///{tmp_path / 'server.db'}"
    blobs = BlobStore(s3.bucket())
    Store(db, blobs).close()  # what `cairn db upgrade` leaves
    url = blobs.signed_upload("abandoned-upload-2")
    assert url is not None and httpx.put(url, content=b"half").status_code == 200
    config = tmp_path / "server.toml"
    config.write_text(f'db = "{db}"\nblobs = "{blobs.url}"\n')
    local = tmp_path / "local" / ".cairn"
    result = CliRunner().invoke(
        cli, ["gc", "--config", str(config), "--grace", "0", "--dir", str(local)]
    )
    assert result.exit_code == 0, result.output
    assert "freed 4 B in 1 blobs" in result.output
    assert list(blobs.uploads()) == []
    assert not local.exists()  # the local store was not touched, nor made
