"""Downloading a version's files into a folder: every file verified, streamed in chunks, and a
second download into the same folder instant (an index of what was verified there, kept in the
user's cache folder so the download folder holds exactly the artifact's files)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cairn.artifacts import references
from cairn.artifacts.manifest import check_path, copy_into
from cairn.errors import ArtifactError
from cairn.progress import progress
from cairn.store.reader import BlobReader
from cairn.user_cache import save, user_cache

PARALLEL = 4
"""Files fetched at once: a server or an object store answers several requests faster than one
after the other (each file is still verified on its own)."""
INDEX_FOLDER = ("cairn", "downloads")
"""Under ``$XDG_CACHE_HOME`` (else ``~/.cache``): one ``<sha256 of the folder>.json`` per download
folder, ``{path: [sha256-or-etag, size, mtime_ns]}`` of the files verified there."""


def safe_target(root: Path, path: str) -> Path:
    """Where ``path`` goes under ``root``; ArtifactError if that is outside ``root`` (``..``, an
    absolute path, or a folder that is a symlink leading out)."""
    check_path(path)
    target = root / path
    real_root = os.path.realpath(root)
    real_parent = os.path.realpath(target.parent)
    if os.path.commonpath([real_root, real_parent]) != real_root:
        raise ArtifactError(
            f"artifact path {path!r} leads outside the download folder {root} (through a "
            "symlink); download into an empty folder"
        )
    return target


def download(
    blobs: BlobReader, manifest: Mapping[str, Mapping[str, Any]], root: Path, label: str
) -> Path:
    """Put every file of ``manifest`` under ``root``, verified; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    targets = {path: safe_target(root, path) for path in manifest}
    index = _read_index(root)
    todo = [p for p in sorted(manifest) if not _cached(index.get(p), manifest[p], targets[p])]
    total = sum(int(manifest[p].get("size") or 0) for p in todo)

    def fetch(path: str) -> str:
        entry = manifest[path]
        target = targets[path]
        if target.is_symlink():
            target.unlink()
        if "ref" in entry:
            return references.fetch(dict(entry), target)
        return _copy_blob(blobs, str(entry["sha256"]), target, path)

    with progress(label, total) as advance, ThreadPoolExecutor(PARALLEL) as pool:
        try:
            for path, digest in zip(todo, pool.map(fetch, todo), strict=True):
                target = targets[path]
                key = _key(manifest[path]) or digest
                index[path] = [key, target.stat().st_size, target.stat().st_mtime_ns]
                advance(int(manifest[path].get("size") or 0))
        finally:
            _write_index(root, index)  # the files verified so far are not fetched again
    return root


def _copy_blob(blobs: BlobReader, digest: str, target: Path, path: str) -> str:
    try:
        source = blobs.open(digest)
    except OSError:
        raise ArtifactError(
            f"{path}: the store has no contents {digest[:12]}… (was it removed by `cairn gc` "
            "after the version was deleted?); log the artifact again"
        ) from None
    with source:
        return copy_into(source, target, expect=digest)[0]


def _key(entry: Mapping[str, Any]) -> str | None:
    value = entry.get("sha256") or entry.get("etag")
    return None if value is None else str(value)


def _cached(seen: Any, entry: Mapping[str, Any], target: Path) -> bool:
    if not isinstance(seen, list) or len(seen) != 3 or target.is_symlink():
        return False
    try:
        stat = target.stat()
    except OSError:
        return False
    return bool(seen == [_key(entry) or seen[0], stat.st_size, stat.st_mtime_ns] and _key(entry))


def index_path(root: Path) -> Path:
    """Where the index of download folder ``root`` is kept (outside it)."""
    key = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()
    return user_cache().joinpath(*INDEX_FOLDER, f"{key}.json")


def _read_index(root: Path) -> dict[str, Any]:
    try:
        data = json.loads(index_path(root).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_index(root: Path, index: dict[str, Any]) -> None:
    save(index_path(root), json.dumps(index, sort_keys=True))  # unsaved: verified again next time
