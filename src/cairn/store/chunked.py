"""Large blobs sent through the server in chunks, to a store in a local folder: the server starts
an upload (a file ``uploads/<name>``, named as ``BlobStore.signed_upload`` names them), appends
each chunk at the offset the client says (any other offset is refused with the size held, so a
client that lost track starts again from there), tells how many bytes it holds (so an upload cut
off resumes), and at the end ``BlobStore.adopt_upload`` keeps the bytes as the blob only if they
hash to the digest. ``cairn gc`` removes uploads never finished (``BlobStore.uploads``)."""

from __future__ import annotations

import fcntl
import os

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
    """Whether ``blobs`` takes chunked uploads (a local folder)."""
    return blobs.is_local


def start(blobs: BlobStore, name: str) -> None:
    """Start upload ``name``: an empty file. ValueError: not an upload name, or the store is not
    a local folder; FileExistsError: started already."""
    path = _path(blobs, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def held(blobs: BlobStore, name: str) -> int:
    """The bytes upload ``name`` holds. FileNotFoundError: no such upload."""
    return os.path.getsize(_path(blobs, name))


def append(blobs: BlobStore, name: str, offset: int, data: bytes) -> int:
    """Append ``data`` to upload ``name`` if it holds ``offset`` bytes; returns the bytes it
    holds then. OffsetError: it holds another number of bytes; FileNotFoundError: no such upload
    (completed, or removed by ``cairn gc``). Appends to one upload from several server processes
    take turns (an exclusive lock on the file)."""
    with open(_path(blobs, name), "r+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        size = os.fstat(f.fileno()).st_size
        if size != offset:
            raise OffsetError(offset, size)
        f.seek(size)
        f.write(data)
        f.flush()
        return size + len(data)


def _path(blobs: BlobStore, name: str) -> str:
    path = blobs.local_upload(upload_name(name))
    if path is None:
        raise ValueError("this blob store is not a local folder: it takes no chunked uploads")
    return path
