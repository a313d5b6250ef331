"""Content-addressed staging of the bytes a run refers to (code files, a git diff, media):
``runs/<id>/files/<sha256>`` for a syncer to upload, or straight into the local store's blobs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cairn.store.blobs import BlobStore


class Stager:
    """Stages file bytes under their sha256 in ``files_dir``, for a syncer to upload.

    ``direct``: the run syncs into the local store at ``store_blobs`` as it goes (online), so
    new bytes are written there at once, and bytes the store already has cost nothing.

    Otherwise (offline) every file the run refers to is staged, even when the store holds the
    same bytes: the store's copy belongs to other runs and ``cairn gc`` may remove it before this
    run is synced. It is staged as a hard link to the store's blob when it can be (the same inode:
    no bytes copied, and gc removing the store's name for it leaves this one), else as a copy.
    """

    def __init__(self, files_dir: Path, store_blobs: Path | None, *, direct: bool = False) -> None:
        self.files_dir = files_dir
        self.store_blobs = store_blobs
        self.direct = direct and store_blobs is not None
        self._blobs: BlobStore | None = None
        self.staged = 0
        """Bytes written (files neither staged nor stored before)."""

    @property
    def blobs(self) -> BlobStore | None:
        """The store's blob folder when bytes go straight there (made on first use: fsspec
        loads only when a file is stored, not in ``init()``); None when they are staged."""
        if self.direct and self._blobs is None:
            from cairn.store.blobs import BlobStore

            self._blobs = BlobStore(self.store_blobs)  # type: ignore[arg-type]  # set if direct
        return self._blobs

    def has(self, digest: str) -> bool:
        """Whether this run needs to write nothing for ``digest``."""
        if (self.files_dir / digest).exists():
            return True
        return self.direct and self._stored(digest) is not None

    def _stored(self, digest: str) -> Path | None:
        if self.store_blobs is None:
            return None
        path = self.store_blobs / digest[:2] / digest[2:4] / digest
        return path if path.exists() else None

    def stage(self, data: bytes) -> str:
        import hashlib  # here: a run that stages nothing does not load it in init()

        digest = hashlib.sha256(data).hexdigest()
        if self.has(digest):
            return digest
        blobs = self.blobs
        if blobs is not None:
            self.staged += len(data)
            blobs.put(data)
            return digest
        self.files_dir.mkdir(parents=True, exist_ok=True)
        stored = self._stored(digest)
        if stored is not None and self._link(stored, digest):
            return digest
        self.staged += len(data)
        fd, tmp = tempfile.mkstemp(dir=self.files_dir, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.files_dir / digest)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return digest

    def _link(self, stored: Path, digest: str) -> bool:
        """Stage the store's blob as a hard link; False when the file system will not (another
        device, no hard links, the blob just removed): the caller copies the bytes instead."""
        try:
            os.link(stored, self.files_dir / digest)
        except FileExistsError:
            return True
        except OSError:
            return False
        return True
