"""Blobs in a local folder, read without fsspec: where ``BlobStore`` keeps each one, and a reader
of them for a cold read of a local store (``local_reader``), which never needs to write one."""

from __future__ import annotations

import os
from typing import BinaryIO


def blob_path(root: str, digest: str) -> str:
    """Where the blob named ``digest`` (its sha256, in hex) lives under ``root``."""
    return f"{root}/{digest[:2]}/{digest[2:4]}/{digest}"


class LocalBlobs:
    """Reads the blobs of the folder ``root`` (a ``BlobReader``)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = os.fspath(root).rstrip("/")

    def get(self, digest: str) -> bytes:
        with open(blob_path(self.root, digest), "rb") as f:
            return f.read()

    def open(self, digest: str) -> BinaryIO:
        return open(blob_path(self.root, digest), "rb")
