"""``cairn.Artifact``: a dataset or model being put together, before ``run.log_artifact``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cairn.artifacts import references
from cairn.artifacts.manifest import check_path, manifest_digest, stage_file
from cairn.artifacts.names import check_name


class Artifact:
    """Files, folders and references under one name and type, with a description and metadata.

    ``cairn.Artifact("digits-train", type="dataset", metadata={"rows": 1437})``; then
    ``add_file``, ``add_dir``, ``add_reference``, and ``run.log_artifact(art)``. Nothing is read
    until it is logged: contents are hashed (sha256) and stored then, once however many versions
    hold them.
    """

    def __init__(
        self,
        name: str,
        type: str = "dataset",
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.name = check_name(name)
        self.type = check_name(type, "artifact type")
        self.description = description
        self.metadata: dict[str, Any] = dict(metadata or {})
        try:
            json.dumps(self.metadata, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"artifact {name!r}: metadata must be JSON (numbers, strings, lists, dicts; "
                f"no NaN): {exc}"
            ) from None
        self._files: dict[str, Path] = {}
        self._refs: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<cairn.Artifact {self.name} type={self.type} entries={len(self.entries)}>"

    @property
    def entries(self) -> list[str]:
        """The paths the artifact will hold, sorted."""
        return sorted({*self._files, *self._refs})

    def add_file(self, path: str | os.PathLike[str], name: str | None = None) -> None:
        """Add a local file, as ``name`` (default: its file name) inside the artifact."""
        source = Path(path)
        if not source.is_file():
            raise FileNotFoundError(f"add_file({str(path)!r}): no such file")
        self._add(self._files, name or source.name, source)

    def add_dir(self, path: str | os.PathLike[str], name: str | None = None) -> None:
        """Add every file under a folder (recursively), under ``name/`` (default: at the top)."""
        folder = Path(path)
        if not folder.is_dir():
            raise NotADirectoryError(f"add_dir({str(path)!r}): no such folder")
        prefix = f"{name.strip('/')}/" if name else ""
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for file in sorted(files):
                full = Path(root) / file
                if full.is_file():
                    rel = full.relative_to(folder).as_posix()
                    self._add(self._files, prefix + rel, full)

    def add_reference(self, uri: str, name: str | None = None) -> None:
        """Point at a file by URI (``file://``, ``s3://``, ``http(s)://``) without copying it;
        its size and checksum are recorded at logging, and checked on download."""
        references._scheme(uri)
        default = uri.rstrip("/").rsplit("/", 1)[-1] or "reference"
        self._add(self._refs, name or default, uri)

    def _add(self, into: dict[str, Any], path: str, value: Any) -> None:
        check_path(path)
        if path in self._files or path in self._refs:
            raise ValueError(f"artifact {self.name!r} already has an entry {path!r}; pass name=")
        into[path] = value

    def build(self, folder: Path, *, nested: bool) -> tuple[dict[str, dict[str, Any]], list[str]]:
        """Hash and stage the contents into ``folder``: the manifest and the staged digests."""
        manifest: dict[str, dict[str, Any]] = {}
        for path, source in sorted(self._files.items()):
            digest, size = stage_file(source, folder, nested=nested)
            manifest[path] = {"sha256": digest, "size": size}
        for path, uri in sorted(self._refs.items()):
            manifest[path] = references.describe(uri)
        if not manifest:
            raise ValueError(
                f"artifact {self.name!r} is empty: add_file, add_dir or add_reference first"
            )
        blobs = sorted({e["sha256"] for e in manifest.values() if "ref" not in e})
        return manifest, blobs

    @staticmethod
    def digest_of(manifest: dict[str, dict[str, Any]]) -> str:
        return manifest_digest(manifest)
