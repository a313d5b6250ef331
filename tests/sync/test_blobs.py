"""Staged files (code snapshots, media) reach the sink before the records that name them."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
from tests.fakes.repos import full_capture, make_repo, run_script
from tests.fakes.sinks import MemorySink

import cairn
from cairn.journal.records import Capture, MediaLog, RunStart
from cairn.store.store import Store
from cairn.sync.blobs import staged_blob_dirs, upload_blobs
from cairn.sync.syncer import sync_journal


def stage(folder: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / digest).write_bytes(data)
    return digest


def test_staged_blobs_the_sink_lacks_are_uploaded_once(tmp_path: Path) -> None:
    run_dir = tmp_path / "store" / "runs" / "r1"
    a, b = stage(run_dir / "files", b"a = 1\n"), stage(run_dir / "files", b"b = 2\n")
    sink = MemorySink()
    sink.put_blob(b"b = 2\n")
    records = [
        RunStart(seq=1, run_id="r1", project="p", name="n", created_at=0.0),
        Capture(seq=2, section="code", data={}, blobs=[a, b]),
    ]
    dirs = staged_blob_dirs(run_dir / "journal")
    assert upload_blobs(records, dirs, sink) == 1
    assert sink.blobs[a] == b"a = 1\n"
    assert upload_blobs(records, dirs, sink) == 0


def test_media_records_upload_every_digest_they_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run_dir = tmp_path / "store" / "runs" / "r1"
    image, mask = stage(run_dir / "files", b"png"), stage(run_dir / "files", b"mask")
    record = MediaLog(
        seq=2, step=3, ts=0.0, key="samples", kind="image", data={}, blob=image,
        blobs=[image, mask, "1" * 64],
    )  # fmt: skip
    sink = MemorySink()
    with caplog.at_level(logging.WARNING, logger="cairn.sync"):
        assert upload_blobs([record], staged_blob_dirs(run_dir / "journal"), sink) == 2
    assert sink.blobs[mask] == b"mask"
    assert "the image 'samples' at step 3 names file 111" in caplog.text


def test_a_blob_staged_nowhere_is_logged_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    record = Capture(seq=2, section="code", data={}, blobs=["0" * 64])
    with caplog.at_level(logging.WARNING, logger="cairn.sync"):
        assert upload_blobs([record], [tmp_path / "files"], MemorySink()) == 0
    assert "staged nowhere" in caplog.text


def test_a_corrupt_staged_file_is_not_uploaded(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"good").hexdigest()
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / digest).write_bytes(b"bad!")
    record = Capture(seq=2, section="code", data={}, blobs=[digest])
    sink = MemorySink()
    assert upload_blobs([record], [tmp_path / "files"], sink) == 0 and not sink.blobs


def test_syncing_an_offline_run_uploads_its_code_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full_capture(monkeypatch)
    repo = make_repo(
        tmp_path / "repo",
        {
            "train.py": "import cairn\ncairn.init(project='p').finish()\n",
            "model.py": "W = 1\n",
        },
    )
    store_dir = tmp_path / "laptop"
    run_script(repo / "train.py", store_dir=store_dir, env={"CAIRN_MODE": "offline"})
    (run_folder,) = (store_dir / "runs").iterdir()
    assert (run_folder / "files").is_dir()
    elsewhere = Store.local(tmp_path / "server")  # a store that has never seen these files
    sync_journal(run_folder / "journal", elsewhere)
    run = cairn.Api(tmp_path / "server").runs("p")[0]
    files = run.capture["code"]["snapshot"]["files"]
    assert sorted(files) == ["model.py", "train.py"]
    for rel, info in files.items():
        assert elsewhere.blobs.get(info["sha256"]) == (repo / rel).read_bytes()
