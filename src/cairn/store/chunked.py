"""Large blobs sent through the server in chunks: the server starts an upload (a file
``uploads/<name>`` in a local folder, named as ``BlobStore.signed_upload`` names them; on S3 a
multipart upload to that key, each chunk a part, for a client that cannot reach S3), appends
each chunk at the offset the client says (any other offset is refused with the size held, so a
client that lost track starts again from there), tells how many bytes it holds (so an upload cut
off resumes), and at the end ``BlobStore.adopt_upload`` keeps the bytes as the blob only if they
hash to the digest. ``cairn gc`` removes uploads never finished (``BlobStore.uploads``)."""

from __future__ import annotations

import fcntl
import os

from cairn.store import multipart
from cairn.store.blobs import BlobStore, upload_name


class OffsetError(ValueError):
    """A chunk sent for another offset than the size the upload holds."""

    def __init__(self, offset: int, held: int) -> None:
        super().__init__(
            f"the chunk is for byte {offset}, but the upload holds {held} bytes: send from "
            f"byte {held}"
        )
        self.held = held


def supported(blobs: BlobStore) -> bool:
    """Whether ``blobs`` takes chunked uploads: a local folder, or S3 (each chunk a part of a
    multipart upload the server sends, for a client that cannot reach the object store)."""
    return blobs.is_local or multipart.supported(blobs)


def start(blobs: BlobStore, name: str) -> None:
    """Start upload ``name``: an empty file (a multipart upload on S3). ValueError: not an
    upload name, or the store takes no chunks; FileExistsError: started already."""
    if not blobs.is_local:
        multipart.start(blobs, upload_name(name))
        return
    path = _path(blobs, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def held(blobs: BlobStore, name: str) -> int:
    """The bytes upload ``name`` holds. FileNotFoundError: no such upload."""
    if not blobs.is_local:
        return sum(p.size for p in multipart.parts(blobs, name, multipart.find(blobs, name)))
    return os.path.getsize(_path(blobs, name))


def append(blobs: BlobStore, name: str, offset: int, data: bytes) -> int:
    """Append ``data`` to upload ``name`` if it holds ``offset`` bytes; returns the bytes it
    holds then. OffsetError: it holds another number of bytes; FileNotFoundError: no such upload
    (completed, or removed by ``cairn gc``). Appends to one upload from several server processes
    take turns on a folder (an exclusive lock on the file); on S3 the chunk is the next part."""
    if not blobs.is_local:
        upload_id = multipart.find(blobs, name)
        parts = multipart.parts(blobs, name, upload_id)
        size = sum(p.size for p in parts)
        if size != offset:
            raise OffsetError(offset, size)
        multipart.put_part(blobs, name, upload_id, len(parts) + 1, data)
        return size + len(data)
    with open(_path(blobs, name), "r+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        size = os.fstat(f.fileno()).st_size
        if size != offset:
            raise OffsetError(offset, size)
        f.seek(size)
        f.write(data)
        f.flush()
        return size + len(data)


def finish(blobs: BlobStore, name: str, digest: str) -> bool:
    """Keep upload ``name`` as the blob ``digest`` if its bytes hash to it (on S3, its parts
    joined first); the upload is removed either way. FileNotFoundError: no such upload;
    ValueError: parts S3 refused to join (nothing kept)."""
    if not blobs.is_local:
        multipart.complete(blobs, name, multipart.find(blobs, name))
    return blobs.adopt_upload(name, digest)


def _path(blobs: BlobStore, name: str) -> str:
    path = blobs.local_upload(upload_name(name))
    if path is None:
        raise ValueError("this blob store is not a local folder: it takes no chunked uploads")
    return path
