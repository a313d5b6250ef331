"""An artifact's manifest: ``{path: entry}``, its canonical digest, and safe relative paths.

A file entry is ``{"sha256", "size"}``; a reference entry is ``{"ref", "size"}`` plus ``sha256``
or ``etag``. The digest is the sha256 of the manifest as canonical JSON (sorted keys, no spaces),
so the same contents under the same paths always give the same digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from cairn.errors import ArtifactError

CHUNK = 8 * 1024 * 1024
"""Bytes read at a time when hashing or copying, so files larger than memory stream."""


def manifest_digest(manifest: Mapping[str, Mapping[str, Any]]) -> str:
    canonical = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_path(path: str) -> str:
    """``path`` if it is a safe relative POSIX path (no ``..``, not absolute, no backslash, no
    empty part), else ArtifactError: a manifest entry must never point outside its root."""
    parts = PurePosixPath(path).parts if isinstance(path, str) else ()
    if (
        not isinstance(path, str)
        or not path
        or path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or (len(path) > 1 and path[1] == ":")
        or any(p in ("", ".", "..") for p in path.split("/"))
        or not parts
    ):
        raise ArtifactError(
            f"artifact path {path!r} is not a safe relative path: use names like 'data/train.csv' "
            "without '..', a leading '/', or backslashes"
        )
    return path


def hash_stream(source: BinaryIO, sink: BinaryIO | None = None) -> tuple[str, int]:
    """sha256 and size of what ``source`` holds, copying it to ``sink`` on the way (chunked)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest(), size


def hash_file(path: str | os.PathLike[str]) -> tuple[str, int]:
    with open(path, "rb") as f:
        return hash_stream(f)


def copy_into(source: BinaryIO, target: Path, expect: str | None = None) -> tuple[str, int]:
    """Copy ``source`` to ``target`` atomically (temp file, then rename), hashing as it goes.

    With ``expect``, a hash mismatch removes the copy and raises ArtifactError.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            digest, size = hash_stream(source, out)
        if expect is not None and digest != expect:
            raise ArtifactError(
                f"{target.name}: its contents hash to {digest[:12]}…, not the {expect[:12]}… "
                "that was logged: the stored copy is damaged or was changed; log the artifact "
                "again from the original files"
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return digest, size


def stage_file(path: str | os.PathLike[str], folder: Path, *, nested: bool) -> tuple[str, int]:
    """Put a file's bytes under its sha256 in ``folder`` (``ab/cd/abcd…`` when ``nested``, as the
    BlobStore lays them out), hashing while copying in one pass; contents already there are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as source:
            digest, size = hash_stream(source, out)
        target = folder / digest[:2] / digest[2:4] / digest if nested else folder / digest
        if target.exists():
            os.unlink(tmp)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return digest, size
