"""Where MLflow's path-addressed files live (the artifact proxy's files, logged models' metadata):
``mlflow-artifacts/`` beside the store's blobs, in the store folder or in the same bucket on S3.

Paths are checked part by part: no empty, ``.`` or ``..`` part, no backslash or NUL; in a local
folder the file must also resolve inside it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from fastapi.responses import FileResponse, Response, StreamingResponse

from cairn.store import Store

FOLDER = "mlflow-artifacts"
CHUNK = 1024 * 1024
MAX_PATH = 1024
"""Characters in an artifact path; each part at most 255 bytes, as file systems allow."""


def _bad_part(part: str) -> bool:
    return (
        part in ("", ".", "..")
        or "\\" in part
        or "\0" in part
        or len(part.encode("utf-8", "surrogatepass")) > 255
    )


class ArtifactFiles:
    """MLflow's files of one store."""

    def __init__(self, store: Store) -> None:
        blobs = store.blobs
        self.fs: Any = blobs.fs
        self.local = blobs.is_local
        base = blobs.root.rsplit("/", 1)[0] if "/" in blobs.root.strip("/") else blobs.root
        self.root = f"{base}/{FOLDER}"

    def path(self, relative: str) -> str | None:
        """The full path of ``relative``; None when it is not a plain path inside the folder (or
        one too long to store)."""
        parts = relative.split("/")
        if not relative or len(relative) > MAX_PATH or any(_bad_part(p) for p in parts):
            return None
        target = f"{self.root}/{relative}"
        if self.local:
            try:
                root = Path(self.root).resolve()
                resolved = Path(target).resolve()
            except (OSError, RuntimeError):  # a symlink loop, or a name the system refuses
                return None
            if resolved != root and root not in resolved.parents:
                return None
        return target

    def exists(self, path: str) -> bool:
        return bool(self.fs.exists(path))

    def is_file(self, path: str) -> bool:
        return bool(self.fs.isfile(path))

    async def write(self, path: str, chunks: AsyncIterator[bytes]) -> None:
        """The bytes of ``chunks`` as the file ``path``; a reader never sees half a file."""
        if not self.local:
            with self.fs.open(path, "wb") as f:  # S3: a multipart upload, whole or nothing
                async for chunk in chunks:
                    f.write(chunk)
            return
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                async for chunk in chunks:
                    f.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def listing(self, path: str) -> list[dict[str, Any]]:
        """MLflow's ``files`` of a folder (or of one file): ``path`` (the name), ``is_dir``,
        ``file_size``."""
        if not self.exists(path):
            return []
        if self.is_file(path):
            return [
                {"path": path.rsplit("/", 1)[-1], "is_dir": False, "file_size": self.size(path)}
            ]
        files = []
        for entry in sorted(self.fs.ls(path, detail=True), key=lambda e: str(e["name"])):
            name = str(entry["name"]).rstrip("/").rsplit("/", 1)[-1]
            if name.startswith(".upload-") or str(entry["name"]).rstrip("/") == path.rstrip("/"):
                continue
            item: dict[str, Any] = {"path": name, "is_dir": entry.get("type") == "directory"}
            if not item["is_dir"]:
                item["file_size"] = int(entry.get("size") or 0)
            files.append(item)
        return files

    def size(self, path: str) -> int:
        return int(self.fs.size(path))

    def response(self, path: str) -> Response:
        """The file as a download: a local one answers ``Range`` requests too."""
        media = "application/octet-stream"
        if self.local:
            return FileResponse(path, media_type=media)

        def chunks() -> Iterator[bytes]:
            with self.fs.open(path, "rb") as f:
                while chunk := f.read(CHUNK):
                    yield chunk

        headers = {"Content-Length": str(self.size(path))}
        return StreamingResponse(chunks(), media_type=media, headers=headers)

    def remove(self, path: str) -> None:
        self.fs.rm(path, recursive=True)

    def read_text(self, path: str) -> str:
        return str(self.fs.cat_file(path).decode())

    def write_text(self, path: str, text: str) -> None:
        if self.local:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.tmp"
            Path(tmp).write_text(text)
            os.replace(tmp, path)
        else:
            self.fs.pipe_file(path, text.encode())

    def glob(self, pattern: str) -> list[str]:
        """The paths under the folder matching ``pattern`` (``*/models/m-…/meta.json``)."""
        return sorted(str(p) for p in self.fs.glob(f"{self.root}/{pattern}"))
