"""Blob uploads to a team server on S3 go straight to the object store through pre-signed URLs,
checked by the server before they become blobs; elsewhere, and when S3 is out of reach, they go
through the server. A real ``cairn server`` and a real S3 endpoint (moto) on loopback."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import fsspec
import httpx
import pytest
from tests.fakes.uploads import Server

PAYLOAD = bytes(range(256)) * 12_288  # 3 MiB: several chunks
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()
# the S3 server is shared (conftest.on_s3): each of its tests sends bytes of its own
UNSENT = hashlib.sha256(b"bytes nobody sends").hexdigest()
OTHER = PAYLOAD[::-1]
OTHER_DIGEST = hashlib.sha256(OTHER).hexdigest()


def _file(tmp_path: Path, data: bytes = PAYLOAD) -> Path:
    path = tmp_path / "weights.bin"
    path.write_bytes(data)
    return path


def test_a_file_goes_straight_to_the_object_store(on_s3: Server, tmp_path: Path) -> None:
    sink, sent = on_s3.sink()
    assert sink.put_blob_file(_file(tmp_path)) == DIGEST
    assert sent[0] == f"POST /blobs/{DIGEST}/uploads"
    assert sent[1].startswith(f"POST /blobs/{DIGEST}/uploads/")
    assert not any(s.startswith("PUT ") for s in sent), sent  # the bytes never crossed the server
    assert f"{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}" in on_s3.objects()
    assert not [o for o in on_s3.objects() if o.startswith("uploads/")]  # no upload is left
    with fsspec.open(f"{on_s3.blobs}/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}", "rb") as f:
        assert f.read() == PAYLOAD
    sent.clear()
    assert sink.put_blob_file(_file(tmp_path)) == DIGEST  # stored already: nothing is sent
    assert sent == [f"POST /blobs/{DIGEST}/uploads"]


def test_bytes_that_do_not_match_the_digest_never_become_the_blob(on_s3: Server) -> None:
    """A caller who is sent a URL for one digest and uploads other bytes gets a 400, and the
    store keeps nothing: neither a wrong blob nor the upload."""
    headers = {"Authorization": f"Bearer {on_s3.key}"}
    base = f"{on_s3.url}/api/v1/blobs/{UNSENT}/uploads"
    offer = httpx.post(base, headers=headers).json()
    assert offer["stored"] is False and "Signature=" in offer["url"]
    assert httpx.put(offer["url"], content=b"not the weights").status_code == 200
    refused = httpx.post(f"{base}/{offer['upload']}", headers=headers)
    assert refused.status_code == 400 and "do not hash" in refused.json()["detail"]
    assert not [o for o in on_s3.objects() if o.startswith("uploads/") or o.endswith(UNSENT)]
    again = httpx.post(f"{base}/{offer['upload']}", headers=headers)
    assert again.status_code == 404  # the upload is gone
    assert httpx.post(f"{base}/short", headers=headers).status_code == 400  # not an upload name
    forged = httpx.post(f"{base}/..%2F..%2Fblobs", headers=headers)
    assert 400 <= forged.status_code < 500
    assert httpx.post(base).status_code == 401  # and nobody signs URLs for the anonymous


def test_a_server_on_a_folder_takes_the_bytes_itself(on_folder: Server, tmp_path: Path) -> None:
    sink, sent = on_folder.sink()
    assert sink.put_blob_file(_file(tmp_path)) == DIGEST
    assert sent == [f"POST /blobs/{DIGEST}/uploads", f"PUT /blobs/{DIGEST}"]
    assert not sink.direct  # the next files go through the server at once
    blob = Path(on_folder.blobs) / DIGEST[:2] / DIGEST[2:4] / DIGEST
    assert blob.read_bytes() == PAYLOAD


def test_an_object_store_out_of_reach_falls_back_to_the_server(
    on_s3: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(url: str, **kwargs: Any) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {url}")

    monkeypatch.setattr(httpx, "put", unreachable)
    sink, sent = on_s3.sink()
    assert sink.put_blob_file(_file(tmp_path, OTHER)) == OTHER_DIGEST
    assert sent == [f"POST /blobs/{OTHER_DIGEST}/uploads", f"PUT /blobs/{OTHER_DIGEST}"]
    assert not sink.direct
    assert f"{OTHER_DIGEST[:2]}/{OTHER_DIGEST[2:4]}/{OTHER_DIGEST}" in on_s3.objects()
