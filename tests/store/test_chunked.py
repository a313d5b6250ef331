"""Chunked uploads on a folder store: appended only at the size held, kept only when they hash
to the digest, names that could leave ``uploads/`` refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cairn.store import chunked
from cairn.store.blobs import BlobStore

NAME = "a-chunked-upload-1"


def test_chunks_append_only_at_the_size_held(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    chunked.start(blobs, NAME)
    with pytest.raises(FileExistsError):
        chunked.start(blobs, NAME)
    assert chunked.append(blobs, NAME, 0, b"hello ") == 6
    with pytest.raises(chunked.OffsetError, match="send from byte 6") as wrong:
        chunked.append(blobs, NAME, 0, b"again")
    assert wrong.value.held == 6 == chunked.held(blobs, NAME)
    assert chunked.append(blobs, NAME, 6, b"world") == 11
    digest = hashlib.sha256(b"hello world").hexdigest()
    assert chunked.finish(blobs, NAME, digest)
    assert blobs.get(digest) == b"hello world"
    assert list(blobs.uploads()) == []
    with pytest.raises(FileNotFoundError):
        chunked.append(blobs, NAME, 11, b"more")


def test_bytes_of_another_digest_are_dropped(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    chunked.start(blobs, NAME)
    chunked.append(blobs, NAME, 0, b"not the weights")
    assert not chunked.finish(blobs, NAME, "ab" * 32)
    assert list(blobs.entries()) == [] and list(blobs.uploads()) == []
    assert sorted(p.name for p in (tmp_path / "blobs").iterdir()) == ["uploads"]


@pytest.mark.parametrize("name", ["../../escaped-upload", "short", "a/b" * 8, "x" * 65, ""])
def test_names_that_are_not_upload_names_are_refused(tmp_path: Path, name: str) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    for action in (
        lambda: chunked.start(blobs, name),
        lambda: chunked.held(blobs, name),
        lambda: chunked.append(blobs, name, 0, b"x"),
    ):
        with pytest.raises(ValueError, match="not an upload name"):
            action()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
