"""Media through ``run.log``: queued at the call's step, encoded by the writer thread, journaled,
and applied to the store (online, and offline then ``cairn sync``, which uploads the blobs)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage
from sqlalchemy import select

import cairn
from cairn.journal.file import read_journal
from cairn.journal.records import MediaLog
from cairn.sdk.media.base import Media, Stage
from cairn.sdk.media.pending import PendingMedia
from cairn.store import blob_refs, schema
from cairn.store.blob_refs import MEDIA
from cairn.store.media import media_entries, media_keys
from cairn.store.store import Store
from cairn.sync.syncer import sync_journal

pytestmark = pytest.mark.usefixtures("no_open_run", "keep_journal")


def _log_some(run: cairn.Run) -> None:
    mask = np.zeros((8, 8), dtype=np.uint8)
    mask[2:6, 2:6] = 1
    image = cairn.Image(
        np.full((8, 8, 3), 200, dtype=np.uint8),
        masks={"predictions": {"mask_data": mask, "class_labels": {1: "ink"}}},
    )
    run.log({"loss": 1.0, "samples": image, "grads": {"fc1": cairn.Histogram([1.0, 2.0])}})
    run.log({"gallery": [cairn.Image(np.zeros((2, 2))), cairn.Image(np.ones((2, 2)))]}, step=5)
    table = cairn.Table(columns=["img"], data=[[cairn.Image(np.zeros((3, 3)))]])
    run.log({"table": table})


@pytest.mark.parametrize("mode", ["online", "offline"])
def test_media_reach_the_store_with_their_blobs(store_dir: Path, mode: str) -> None:
    run = cairn.init(project="p", mode=mode)
    _log_some(run)
    run.finish(quiet=True)
    store = Store.local(store_dir)
    staged = store_dir / "runs" / run.id / "files"
    # Online, the bytes go straight to the store's blobs; offline they wait beside the journal.
    assert staged.is_dir() == (mode == "offline")
    if mode == "offline":
        assert media_keys(store, [run.id]) == []
        shutil.rmtree(store_dir / "blobs", ignore_errors=True)  # only staged copies remain
        sync_journal(run.journal, store)  # type: ignore[arg-type]
    keys = {k["key"]: k["kind"] for k in media_keys(store, [run.id])}
    assert keys == {
        "samples": "image",
        "grads/fc1": "histogram",
        "gallery": "image",
        "table": "table",
    }
    (sample,) = media_entries(store, run.id, "samples")
    assert sample.step == 0 and sample.blob is not None
    pixels = np.array(PILImage.open(io.BytesIO(store.blobs.get(sample.blob))))
    assert pixels.shape == (8, 8, 3) and pixels.max() == 200
    mask_blob = sample.meta["masks"]["predictions"]["blob"]
    assert np.array(PILImage.open(io.BytesIO(store.blobs.get(mask_blob))))[3, 3] == 1
    (gallery,) = media_entries(store, run.id, "gallery")
    assert gallery.step == 5 and len(gallery.meta["items"]) == 2
    (table,) = media_entries(store, run.id, "table")
    assert table.step == 6
    with store._read() as conn:
        referenced = blob_refs.referenced(conn)
        named = select(schema.blob_refs.c.digest).where(schema.blob_refs.c.origin == MEDIA)
        media = set(conn.execute(select(schema.media.c.blob)).scalars()) - {None}
        media |= set(conn.execute(named).scalars())
        sections = conn.execute(select(schema.run_capture.c.data)).scalars()
        captured = {d for data in sections for d in blob_refs.sha256_values(data)}
    # 2 samples, 2 gallery, table + cell; and the files the capture names (the entry script's
    # code, when pytest runs from a file rather than an xdist worker's `-c`)
    assert mask_blob in media and len(media) == 6 and referenced == media | captured
    assert all(store.blobs.exists(d) for d in media)
    (row,) = [r for r in cairn.Api(store_dir).run(run.path).scan_history() if r["_step"] == 0]
    assert row["loss"] == 1.0


def test_media_ride_the_pending_row_step(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log({"a": 1.0})
    run.log({"h": cairn.Histogram([1.0])}, commit=False)
    run.log({"b": 2.0})
    run.finish(quiet=True)
    assert run.journal is not None
    (record,) = [r for r in read_journal(run.journal).records if isinstance(r, MediaLog)]
    assert record.step == 1 and record.kind == "histogram" and record.blob is None


class _Broken(Media):
    kind = "image"

    def encode(self, stage: Stage) -> dict[str, object]:
        raise RuntimeError("disk on fire")


def test_a_value_that_fails_to_encode_is_journaled_with_its_error(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cairn.init(project="p")
    run.log({"bad": _Broken(), "x": 1.0})
    run.log({"x": 2.0})
    run.finish(quiet=True)
    (entry,) = media_entries(Store.local(store_dir), run.id, "bad")
    assert entry.meta == {"error": "RuntimeError: disk on fire"}
    assert "could not encode the image logged as 'bad'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "non-empty list of media"),
        ([1.0, 2.0], "non-empty list of media"),
        ([cairn.Histogram([1.0]), cairn.Text("x")], "mixes histogram, text"),
    ],
)
def test_bad_galleries_raise_and_queue_nothing(
    store_dir: Path, value: object, message: str
) -> None:
    run = cairn.init(project="p")
    with pytest.raises(TypeError, match=message):
        run.log({"ok": cairn.Text("kept out"), "g": value})
    run.log({"x": 1.0})
    run.finish(quiet=True)
    assert run.journal is not None
    assert not [r for r in read_journal(run.journal).records if isinstance(r, MediaLog)]


def test_a_pending_value_knows_about_how_many_bytes_it_holds() -> None:
    """What the writer's byte bound counts: the data a media value copied, not its wrapper."""
    mib = 1024 * 1024
    image = cairn.Image(np.zeros((512, 512, 4), dtype=np.uint8))
    assert mib <= PendingMedia("img", 0, 0.0, image).nbytes < mib + 4096
    gallery = PendingMedia("imgs", 0, 0.0, [image, image, image])
    assert 3 * mib <= gallery.nbytes < 3 * mib + 8192
    table = cairn.Table(columns=["a", "b"], data=[["x" * 1000, i] for i in range(1000)])
    assert 1_000_000 <= PendingMedia("t", 0, 0.0, table).nbytes < 1_400_000
    assert PendingMedia("s", 0, 0.0, cairn.Histogram([1.0, 2.0])).nbytes < 16_384
