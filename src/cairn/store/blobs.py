"""Content-addressed bytes (history segments, media, files): a local folder, or s3:// (any fsspec
URL). A local folder is written and read with ``os`` alone: fsspec loads only when a method
needs it (a remote store; ``fs`` asked for), not in every training script that logs."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from cairn.store.blob_files import LocalBlobs, blob_path

CHUNK = 8 * 1024 * 1024
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def blob_digest(data: bytes) -> str:
    """The name ``BlobStore.put`` stores ``data`` under: its sha256, in hex."""
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Stores bytes under their sha256, so identical contents are stored once.

    Writes are atomic on a local folder (temp file, then rename), so a reader never sees half a blob.
    """

    def __init__(self, url: str | os.PathLike[str]) -> None:
        self.url = str(url)
        self._fs: Any = None
        root = local_folder(self.url)
        self._local = root is not None
        if root is None:
            import fsspec

            self._fs, root = fsspec.core.url_to_fs(self.url)
            self._local = _is_local(self._fs)  # a URL fsspec reads as local after all
        self.root: str = root.rstrip("/")
        self._files = LocalBlobs(self.root) if self._local else None

    @property
    def fs(self) -> Any:
        """The fsspec file system (made on first use for a local folder)."""
        if self._fs is None:
            from fsspec.implementations.local import LocalFileSystem

            self._fs = LocalFileSystem()
        return self._fs

    @property
    def is_local(self) -> bool:
        """Whether the blobs are files in a local folder (not an object store)."""
        return self._local

    def path(self, digest: str) -> str:
        return blob_path(self.root, digest)

    def put(self, data: bytes, digest: str | None = None) -> str:
        """Store bytes; returns their sha256 hex digest. Storing existing contents is a no-op.

        ``digest``: ``data``'s sha256 (from ``blob_digest``), when the caller needed it first.
        """
        digest = digest or blob_digest(data)
        target = self.path(digest)
        if self._local:
            if os.path.exists(target):
                return digest
            folder = os.path.dirname(target)
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.chmod(tmp, 0o644)  # mkstemp makes 0600; blobs are as readable as cairn.db
                os.replace(tmp, target)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        elif not self.fs.exists(target):
            self.fs.pipe_file(target, data)
        return digest

    def put_file(self, path: str | os.PathLike[str]) -> str:
        """Store a file's bytes, streaming (hash and copy in chunks): for files larger than
        memory. Returns their sha256; existing contents are not copied again."""
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
        hexdigest = digest.hexdigest()
        target = self.path(hexdigest)
        if self.exists(hexdigest):
            return hexdigest
        if not self._local:
            self.fs.put_file(os.fspath(path), target)
            return hexdigest
        folder = os.path.dirname(target)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as f:
                check = hashlib.sha256()
                while chunk := f.read(CHUNK):
                    check.update(chunk)
                    out.write(chunk)
            if check.hexdigest() != hexdigest:
                raise OSError(f"{path} changed while it was being stored; store it again")
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return hexdigest

    def get(self, digest: str) -> bytes:
        if self._files is not None:  # the common case, without fsspec's per-call overhead
            return self._files.get(digest)
        data: bytes = self.fs.cat_file(self.path(digest))
        return data

    def open(self, digest: str) -> BinaryIO:
        """A blob as a stream, for contents too large to read at once (artifact files)."""
        if self._files is not None:
            return self._files.open(digest)
        stream: BinaryIO = self.fs.open(self.path(digest), "rb")
        return stream

    def signed_url(self, digest: str, expires: int = 3600) -> str | None:
        """A URL that reads the blob straight from the object store for ``expires`` seconds (an
        S3 pre-signed URL), so a server need not pass the bytes on; None where the store cannot
        sign one (a local folder)."""
        if self._local:
            return None
        try:
            return str(self.fs.sign(self.path(digest), expiration=expires))
        except (NotImplementedError, AttributeError):
            return None

    def signed_upload(self, name: str, expires: int = 3600) -> str | None:
        """A URL to which a client PUTs bytes for upload ``name`` (a one-time token) for
        ``expires`` seconds: an S3 pre-signed ``PutObject`` of a key under ``uploads/``, beside
        the blobs and never one of them until ``adopt_upload`` has checked it. None where the
        store cannot sign one (a local folder, a file system without S3's signing)."""
        where = self.s3_uploads()
        if where is None:
            return None
        bucket, prefix = where
        return self.presign(
            "put_object", {"Bucket": bucket, "Key": prefix + upload_name(name)}, expires
        )

    def s3_uploads(self) -> tuple[str, str] | None:
        """The bucket and key prefix (ending in ``/``) of ``uploads/`` on S3; None where the
        store is not S3 (a local folder, another file system)."""
        if self._local or not hasattr(self.fs, "split_path") or not hasattr(self.fs, "s3"):
            return None
        bucket, key, _ = self.fs.split_path(f"{self.root}/uploads")
        return bucket, f"{key}/"

    def presign(self, method: str, params: dict[str, Any], expires: int) -> str:
        """An S3 pre-signed URL for client method ``method`` (``put_object``, ``upload_part``)
        with ``params``, valid ``expires`` seconds (S3 stores only)."""
        fs = self.fs

        async def sign() -> str:
            await fs.set_session()
            return str(
                await fs.s3.generate_presigned_url(
                    ClientMethod=method, Params=params, ExpiresIn=expires
                )
            )

        import fsspec.asyn

        return str(fsspec.asyn.sync(fs.loop, sign))

    def adopt_upload(self, name: str, digest: str) -> bool:
        """Make upload ``name`` the blob ``digest`` if its bytes hash to it (read back here,
        in chunks: the client's word is not taken), then remove the upload either way. False:
        the bytes are another blob's. Raises ``FileNotFoundError`` for an upload not there."""
        upload = self._upload_path(name)
        if self._local:
            return self._adopt_local(upload, digest)
        try:
            hasher = hashlib.sha256()
            with self.fs.open(upload, "rb") as stream:
                while chunk := stream.read(CHUNK):
                    hasher.update(chunk)
            if hasher.hexdigest() != digest:
                return False
            if not self.exists(digest):
                self.fs.copy(upload, self.path(digest))  # S3: a copy inside the object store
            return True
        finally:
            if self.fs.exists(upload):
                self.fs.rm_file(upload)

    def _adopt_local(self, upload: str, digest: str) -> bool:
        """``adopt_upload`` on a local folder: the bytes are copied as they are hashed, so the
        blob is exactly the bytes checked even if more are appended meanwhile, then renamed
        into place (a reader never sees half a blob)."""
        target = self.path(digest)
        try:
            with open(upload, "rb") as stream:  # FileNotFoundError: no such upload
                fd, tmp = tempfile.mkstemp(dir=os.path.dirname(upload), prefix=".tmp-")
                try:
                    hasher = hashlib.sha256()
                    with os.fdopen(fd, "wb") as out:
                        while chunk := stream.read(CHUNK):
                            hasher.update(chunk)
                            out.write(chunk)
                    if hasher.hexdigest() != digest:
                        return False
                    os.chmod(tmp, 0o644)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    os.replace(tmp, target)
                    return True
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(upload)

    def _upload_path(self, name: str) -> str:
        return f"{self.root}/uploads/{upload_name(name)}"

    def local_upload(self, name: str) -> str | None:
        """Upload ``name``'s file when the store is a local folder (a server appends the
        chunks a client sends to it: ``store.chunked``), else None."""
        return self._upload_path(name) if self._local else None

    def local_path(self, digest: str) -> str | None:
        """The blob's file when the store is a local folder (a server can send it as a file,
        with ranges), else None."""
        return self.path(digest) if self._local else None

    def head(self, digest: str, size: int) -> bytes:
        """The first ``size`` bytes of a blob (to tell its type), without reading the rest."""
        with self.open(digest) as stream:
            return stream.read(size)

    def size(self, digest: str) -> int:
        if self._local:
            return os.path.getsize(self.path(digest))
        return int(self.fs.size(self.path(digest)))

    def entries(self) -> Iterator[tuple[str, int, float]]:
        """``(digest, size, modified time)`` of every blob stored."""
        if self._local:
            for root, _dirs, files in os.walk(self.root):
                for name in files:
                    if _DIGEST.match(name):
                        stat = os.stat(os.path.join(root, name))
                        yield name, stat.st_size, stat.st_mtime
            return
        yield from self._listing(self.root, _DIGEST)

    def uploads(self) -> Iterator[tuple[str, int, float]]:
        """``(name, size, modified time)`` of every upload sent to a ``signed_upload`` URL and
        not yet adopted (``adopt_upload`` removes it), or started on a local folder to take
        chunks (``store.chunked``): those a client never finished."""
        if not self._local:
            yield from self._listing(f"{self.root}/uploads", UPLOAD_NAME)
            return
        with contextlib.suppress(FileNotFoundError), os.scandir(f"{self.root}/uploads") as found:
            for entry in found:
                if UPLOAD_NAME.match(entry.name) and entry.is_file():
                    stat = entry.stat()
                    yield entry.name, stat.st_size, stat.st_mtime

    def delete_upload(self, name: str) -> None:
        """Remove an upload never adopted."""
        path = self._upload_path(name)
        if self.fs.exists(path):
            self.fs.rm_file(path)

    def _listing(self, folder: str, names: re.Pattern[str]) -> Iterator[tuple[str, int, float]]:
        """``(name, size, modified time)`` of the files under ``folder`` (on a file system other
        than the local one) whose names match ``names``."""
        if not self.fs.exists(folder):
            return
        found: dict[str, Any] = self.fs.find(folder, detail=True)
        for path, info in found.items():
            name = path.rsplit("/", 1)[-1]
            if names.match(name):
                stamp = info.get("mtime") or info.get("LastModified") or info.get("created") or 0
                mtime = stamp.timestamp() if hasattr(stamp, "timestamp") else float(stamp)
                yield name, int(info.get("size") or 0), mtime

    def exists(self, digest: str) -> bool:
        if self._local:
            return os.path.exists(self.path(digest))
        return bool(self.fs.exists(self.path(digest)))

    def delete(self, digest: str) -> None:
        """Remove a blob; callers must first make sure nothing references it."""
        if self._local:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path(digest))
        elif self.exists(digest):
            self.fs.rm_file(self.path(digest))


def upload_name(upload: str) -> str:
    """``upload``, if it is an upload name (a one-time token); else ValueError."""
    if not UPLOAD_NAME.match(upload):
        raise ValueError(f"{upload[:80]!r} is not an upload name")
    return upload


def local_folder(url: str) -> str | None:
    """The absolute folder a local URL names (a path, ``file://`` or ``local://``), else None."""
    for prefix in ("file://", "local://"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
            break
    else:
        if "://" in url or "::" in url:
            return None
    return os.path.abspath(os.path.expanduser(url))


def _is_local(fs: Any) -> bool:
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)
