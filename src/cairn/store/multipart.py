"""S3 multipart uploads of a large blob: the server starts one under ``uploads/<name>`` (the key
``BlobStore.signed_upload`` signs for a single PUT), signs a URL per part for the client, lists
the parts S3 holds (so an interrupted upload resumes from them), and completes it into the
object that ``BlobStore.adopt_upload`` then checks against the digest. Only an object store
with S3's API has them (``supported``)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cairn.store.blobs import UPLOAD_NAME, BlobStore, upload_name

MAX_PARTS = 10_000
"""S3's limit: parts are numbered 1 to 10,000."""
UPLOAD_ID = re.compile(r"^[A-Za-z0-9._~+/=-]{1,1024}$")


@dataclass(frozen=True)
class Part:
    number: int
    etag: str
    size: int


def supported(blobs: BlobStore) -> bool:
    """Whether ``blobs`` is an object store with S3's multipart API."""
    return blobs.s3_uploads() is not None


def check_upload_id(upload_id: str) -> None:
    """ValueError unless ``upload_id`` looks like an S3 upload id (opaque, URL-safe text)."""
    if not UPLOAD_ID.match(upload_id):
        raise ValueError(f"{upload_id[:80]!r} is not a multipart upload id")


def start(blobs: BlobStore, name: str) -> str:
    """Start a multipart upload to upload ``name``'s key; returns S3's upload id."""
    bucket, key = _key(blobs, name)
    answer = blobs.fs.call_s3("create_multipart_upload", Bucket=bucket, Key=key)
    return str(answer["UploadId"])


def sign_part(blobs: BlobStore, name: str, upload_id: str, number: int, expires: int = 3600) -> str:
    """A pre-signed URL to which a client PUTs part ``number`` (1 to ``MAX_PARTS``)."""
    bucket, key = _key(blobs, name)
    check_upload_id(upload_id)
    if not 1 <= number <= MAX_PARTS:
        raise ValueError(f"part {number} is not between 1 and {MAX_PARTS}")
    params = {"Bucket": bucket, "Key": key, "UploadId": upload_id, "PartNumber": number}
    return blobs.presign("upload_part", params, expires)


def parts(blobs: BlobStore, name: str, upload_id: str) -> list[Part]:
    """The parts S3 holds of the upload, by number. FileNotFoundError: no such upload (completed,
    aborted, or never started)."""
    bucket, key = _key(blobs, name)
    check_upload_id(upload_id)
    found: list[Part] = []
    marker = 0
    while True:
        page: dict[str, Any] = blobs.fs.call_s3(
            "list_parts", Bucket=bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker
        )
        for part in page.get("Parts", []):
            found.append(Part(int(part["PartNumber"]), str(part["ETag"]), int(part["Size"])))
        if not page.get("IsTruncated"):
            return sorted(found, key=lambda p: p.number)
        marker = int(page["NextPartNumberMarker"])


def find(blobs: BlobStore, name: str) -> str:
    """The id of the multipart upload under way to upload ``name``'s key. FileNotFoundError:
    none (completed, aborted, or never started)."""
    bucket, key = _key(blobs, name)
    page: dict[str, Any] = blobs.fs.call_s3("list_multipart_uploads", Bucket=bucket, Prefix=key)
    for upload in page.get("Uploads", []):
        if upload["Key"] == key:
            return str(upload["UploadId"])
    raise FileNotFoundError(f"no multipart upload {name!r}")


def put_part(blobs: BlobStore, name: str, upload_id: str, number: int, data: bytes) -> None:
    """Send part ``number`` of the upload from here (the server, for a client that cannot reach
    the object store)."""
    bucket, key = _key(blobs, name)
    blobs.fs.call_s3(
        "upload_part", Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
    )


def complete(blobs: BlobStore, name: str, upload_id: str) -> None:
    """Join the parts S3 holds into upload ``name``'s object (then ``adopt_upload`` checks it).

    ValueError, and the upload aborted, when they are not parts 1 to n, or S3 refuses them (a
    part other than the last below its 5 MiB minimum). FileNotFoundError: no such upload."""
    held = parts(blobs, name, upload_id)
    bucket, key = _key(blobs, name)
    if not held or [p.number for p in held] != list(range(1, len(held) + 1)):
        abort(blobs, name, upload_id)
        numbers = [p.number for p in held]
        raise ValueError(f"the parts uploaded are {numbers[:20]}, not 1 to n; nothing was kept")
    listed = [{"PartNumber": p.number, "ETag": p.etag} for p in held]
    try:
        blobs.fs.call_s3(
            "complete_multipart_upload",
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": listed},
        )
    except FileNotFoundError:
        raise
    except OSError as exc:  # EntityTooSmall, InvalidPart: s3fs reads them as OSError
        abort(blobs, name, upload_id)
        raise ValueError(f"the object store refused the parts ({exc}); nothing was kept") from exc


def abort(blobs: BlobStore, name: str, upload_id: str) -> None:
    """Drop the upload and every part S3 holds of it (nothing if it is gone already)."""
    bucket, key = _key(blobs, name)
    with contextlib.suppress(FileNotFoundError):
        blobs.fs.call_s3("abort_multipart_upload", Bucket=bucket, Key=key, UploadId=upload_id)


def unfinished(blobs: BlobStore) -> Iterator[tuple[str, str, float]]:
    """``(name, upload id, started at)`` of every multipart upload under ``uploads/`` that was
    neither completed nor aborted: those a client never finished (for ``cairn gc``)."""
    if not supported(blobs):
        return
    bucket, prefix = _uploads(blobs)
    markers: dict[str, str] = {}
    while True:
        page: dict[str, Any] = blobs.fs.call_s3(
            "list_multipart_uploads", Bucket=bucket, Prefix=prefix, **markers
        )
        for upload in page.get("Uploads", []):
            stamp = upload.get("Initiated")
            started = stamp.timestamp() if hasattr(stamp, "timestamp") else 0.0
            name = str(upload["Key"]).removeprefix(prefix)
            if UPLOAD_NAME.match(name):  # not one of Cairn's uploads: left alone
                yield name, str(upload["UploadId"]), started
        if not page.get("IsTruncated"):
            return
        markers = {
            "KeyMarker": page.get("NextKeyMarker", ""),
            "UploadIdMarker": page.get("NextUploadIdMarker", ""),
        }


def _key(blobs: BlobStore, name: str) -> tuple[str, str]:
    bucket, prefix = _uploads(blobs)
    return bucket, prefix + upload_name(name)


def _uploads(blobs: BlobStore) -> tuple[str, str]:
    found = blobs.s3_uploads()
    if found is None:
        raise ValueError("this blob store has no multipart uploads (it is not on S3)")
    return found
