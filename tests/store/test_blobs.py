"""BlobStore: content-addressed bytes over fsspec: a local folder, file://, memory:// and S3 (moto's
server on loopback, through s3fs, as the team server uses it)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from cairn.store.blobs import BlobStore, local_folder


@pytest.fixture(params=["path", "file_url", "memory", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "path":
        yield BlobStore(tmp_path / "blobs")
    elif request.param == "file_url":
        yield BlobStore(f"file://{tmp_path / 'blobs'}")
    elif request.param == "s3":
        yield BlobStore(request.getfixturevalue("s3").bucket())
    else:
        url = f"memory://cairn-test-{uuid.uuid4().hex}"
        store = BlobStore(url)
        yield store
        memory = fsspec.filesystem("memory")
        if memory.exists(store.root):
            memory.rm(store.root, recursive=True)


def _files(blobs: BlobStore) -> list[str]:
    if not blobs.fs.exists(blobs.root):
        return []
    return sorted(p for p in blobs.fs.find(blobs.root) if not blobs.fs.isdir(p))


def test_put_returns_the_sha256_and_get_returns_the_bytes(blobs: BlobStore) -> None:
    data = b"\x00history segment\xff" * 100
    digest = blobs.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert blobs.exists(digest)
    assert blobs.get(digest) == data
    assert blobs.path(digest).endswith(f"/{digest[:2]}/{digest[2:4]}/{digest}")


def test_same_bytes_are_stored_once(blobs: BlobStore) -> None:
    first = blobs.put(b"same")
    second = blobs.put(b"same")
    other = blobs.put(b"other")
    assert first == second != other
    assert len(_files(blobs)) == 2


def test_empty_bytes_are_a_blob_too(blobs: BlobStore) -> None:
    digest = blobs.put(b"")
    assert blobs.exists(digest) and blobs.get(digest) == b""


def test_delete_removes_only_that_blob_and_tolerates_missing(blobs: BlobStore) -> None:
    keep, drop = blobs.put(b"keep"), blobs.put(b"drop")
    blobs.delete(drop)
    assert not blobs.exists(drop)
    assert blobs.exists(keep)
    blobs.delete(drop)  # deleting twice is fine
    blobs.delete("0" * 64)  # so is deleting what never was
    with pytest.raises(FileNotFoundError):
        blobs.get(drop)


def test_missing_blob_does_not_exist(blobs: BlobStore) -> None:
    assert not blobs.exists(hashlib.sha256(b"never stored").hexdigest())


def test_local_writes_leave_no_temp_files(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    digests = {blobs.put(os.urandom(1000) + bytes([i])) for i in range(50)}
    for digest in digests:
        blobs.put(blobs.get(digest))  # rewrites of existing contents are no-ops
    names = [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert sorted(names) == sorted(digests)
    assert not any(n.startswith(".tmp-") for n in names)


def test_failed_local_write_cleans_up_its_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs = BlobStore(tmp_path / "blobs")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        blobs.put(b"data")
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []
    monkeypatch.undo()
    assert not blobs.exists(hashlib.sha256(b"data").hexdigest())


def test_file_url_and_plain_path_are_the_same_store(tmp_path: Path) -> None:
    by_path = BlobStore(tmp_path / "blobs")
    by_url = BlobStore(f"file://{tmp_path / 'blobs'}")
    digest = by_url.put(b"shared")
    assert by_path.get(digest) == b"shared"
    assert (tmp_path / "blobs" / digest[:2] / digest[2:4] / digest).read_bytes() == b"shared"


def test_put_file_streams_and_dedups(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    source = tmp_path / "big.bin"
    source.write_bytes(b"0123456789" * 1_000_000)  # over one chunk
    digest = blobs.put_file(source)
    assert digest == hashlib.sha256(source.read_bytes()).hexdigest()
    assert blobs.get(digest) == source.read_bytes()
    with blobs.open(digest) as f:
        assert f.read(10) == b"0123456789"
    assert blobs.put_file(source) == digest
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [digest]


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        ("/data/blobs", "/data/blobs"),
        ("/data/blobs/", "/data/blobs"),
        ("file:///data/blobs", "/data/blobs"),
        ("local:///data/blobs", "/data/blobs"),
        ("/data/x/../blobs", "/data/blobs"),
        ("s3://bucket/blobs", None),
        ("memory://cairn", None),
        ("simplecache::s3://bucket/blobs", None),
    ],
)
def test_local_folder_tells_a_folder_from_another_file_system(url: str, folder: str | None) -> None:
    assert local_folder(url) == folder


def test_a_relative_or_home_folder_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert local_folder("blobs") == str(tmp_path / "blobs")
    assert local_folder("~/blobs") == str(tmp_path / "home" / "blobs")
    assert BlobStore("blobs").root == str(tmp_path / "blobs")


LOCAL_WITHOUT_FSSPEC = """
import sys
from cairn.store.blobs import BlobStore
blobs = BlobStore(sys.argv[1])
digest = blobs.put(b"segment")
assert blobs.put(b"segment") == digest and blobs.exists(digest)
assert blobs.get(digest) == b"segment" and blobs.size(digest) == 7
assert [name for name, _, _ in blobs.entries()] == [digest]
blobs.delete(digest)
blobs.delete(digest)  # already gone: nothing to do
assert not blobs.exists(digest)
print("fsspec" in sys.modules)
"""


def test_a_local_folder_is_used_without_loading_fsspec(tmp_path: Path) -> None:
    """A training script's syncer writes history segments into the local folder: fsspec (and
    the asyncio, gzip and threads it loads) is not imported for it."""
    out = subprocess.run(
        [sys.executable, "-c", LOCAL_WITHOUT_FSSPEC, str(tmp_path / "blobs")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert out.split() == ["False"]


def test_a_local_store_still_offers_its_fsspec_file_system(tmp_path: Path) -> None:
    """``fs`` (the MLflow artifact routes use it) is made on first use for a local folder."""
    blobs = BlobStore(tmp_path / "blobs")
    digest = blobs.put(b"x")
    assert blobs.fs.cat_file(blobs.path(digest)) == b"x"
