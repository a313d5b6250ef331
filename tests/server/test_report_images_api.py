"""``/projects/{project}/reports/images``: uploading an image into a project's reports and reading
it back, through a real ``cairn ui``; and the attacks: SVG with a script, HTML named .png, a
PNG+HTML polyglot, a huge-pixel PNG, too many bytes, garbage, path tricks in the digest, another
project's image read or saved through this project."""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from tests.fakes.server import serve
from tests.reports.test_picture import SVG, huge_png

import cairn
from cairn.reports import picture
from cairn.store.blobs import BlobStore

pytestmark = pytest.mark.usefixtures("no_open_run")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("images") / ".cairn"
    for project in ("rp", "elsewhere"):
        run = cairn.init(project=project, dir=path)
        run.finish(quiet=True)
    return path


@pytest.fixture(scope="module")
def api(store_dir: Path) -> Iterator[httpx.Client]:
    with serve(store_dir) as server, httpx.Client(base_url=f"{server.url}/api/v1") as client:
        yield client


def encoded(format: str, colour: str = "orange", size: tuple[int, int] = (20, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=format)
    return out.getvalue()


def upload(
    api: httpx.Client, data: bytes, project: str = "rp", content_type: str = "image/png"
) -> httpx.Response:
    return api.post(
        f"/projects/{project}/reports/images",
        content=data,
        headers={"Content-Type": content_type},
    )


def test_an_uploaded_image_is_served_back_as_the_image_it_is(api: httpx.Client) -> None:
    for format, media_type in (
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
    ):
        data = encoded(format)
        # the Content-Type the client claims plays no part: the bytes decide
        sent = upload(api, data, content_type="text/html")
        assert sent.status_code == 201, sent.text
        assert sent.json() == {
            "blob": hashlib.sha256(data).hexdigest(),
            "media_type": media_type,
            "width": 20,
            "height": 10,
        }
        got = api.get(f"/projects/rp/reports/images/{sent.json()['blob']}")
        assert got.status_code == 200
        assert got.content == data
        assert got.headers["content-type"] == media_type
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"] == "inline"
        assert got.headers["content-security-policy"].startswith("sandbox; default-src 'none'")


def test_what_is_not_a_plain_image_is_refused_and_not_stored(
    api: httpx.Client, store_dir: Path
) -> None:
    png = encoded("PNG")
    attacks = {
        "svg with a script": (SVG, "image/svg+xml", 415),
        "html named .png": (b"<!doctype html><script>alert(1)</script>", "image/png", 415),
        "png then html (polyglot)": (png + b"<html><script>alert(1)</script>", "image/png", 422),
        "html in a png text chunk": (_with_text(png, b"<script>alert(1)</script>"), "", 422),
        "a 100-megapixel png of a few hundred bytes": (huge_png(10_000, 10_000), "", 413),
        "past pillow's own bomb limit": (huge_png(30_000, 30_000), "", 413),
        "garbage": (b"\x00\xff" * 500, "application/octet-stream", 415),
        "empty": (b"", "image/png", 415),
        "a multipart form": (
            b'--x\r\nContent-Disposition: form-data; name="f"\r\n\r\nhi\r\n--x--\r\n',
            "multipart/form-data; boundary=x",
            415,
        ),
    }
    blobs = BlobStore(store_dir / "blobs")
    for name, (data, content_type, status) in attacks.items():
        refused = upload(api, data, content_type=content_type or "image/png")
        assert refused.status_code == status, (name, refused.text)
        assert "detail" in refused.json(), name
        if data:  # (the store holds an empty blob of its own: a run's empty captured file)
            assert not blobs.exists(hashlib.sha256(data).hexdigest()), name


def test_more_bytes_than_the_limit_get_413(api: httpx.Client) -> None:
    too_big = encoded("PNG") + b"\0" * picture.MAX_BYTES
    refused = upload(api, too_big)
    assert refused.status_code == 413, refused.text


def test_path_tricks_in_the_digest_are_refused(api: httpx.Client) -> None:
    digest = upload(api, encoded("PNG", "navy")).json()["blob"]
    for trick in (
        "..%2F..%2F..%2Fetc%2Fpasswd",
        digest.upper(),
        digest[:-1],
        digest + "0",
        f"{digest[:2]}%2F{digest[2:4]}%2F{digest}",
        f"{digest}%00",
        "%2e%2e",
    ):
        got = api.get(f"/projects/rp/reports/images/{trick}")
        assert got.status_code in (400, 404), (trick, got.status_code)
        assert "root:" not in got.text
    assert api.get(f"/projects/rp/reports/images/{digest}").status_code == 200
    assert api.get(f"/projects/nowhere/reports/images/{digest}").status_code == 404


def test_another_projects_image_is_neither_read_nor_saved_through_this_one(
    api: httpx.Client,
) -> None:
    theirs = upload(api, encoded("PNG", "purple"), project="elsewhere").json()
    got = api.get(f"/projects/rp/reports/images/{theirs['blob']}")
    assert got.status_code == 404 and "purple" not in got.text
    assert api.get(f"/projects/elsewhere/reports/images/{theirs['blob']}").status_code == 200
    block = {"kind": "picture", **theirs, "caption": "stolen"}
    created = api.post("/projects/rp/reports", json={"title": "t", "blocks": [block]})
    assert created.status_code == 400 and "not uploaded into project 'rp'" in created.text
    assert all(r["title"] != "t" for r in api.get("/projects/rp/reports").json())
    mine = api.post("/projects/rp/reports", json={"title": "mine"}).json()
    saved = api.put(
        f"/projects/rp/reports/{mine['id']}", json={"base_version": 1, "blocks": [block]}
    )
    assert saved.status_code == 400


def test_a_saved_picture_keeps_the_uploaded_type_whatever_the_client_says(
    api: httpx.Client,
) -> None:
    sent = upload(api, encoded("JPEG", "olive")).json()
    lying = {**sent, "kind": "picture", "media_type": "text/html", "width": 1, "height": 1}
    doc = api.post(
        "/projects/rp/reports",
        json={"title": "pics", "blocks": [{**lying, "caption": "<b>x</b>", "alt": "an olive"}]},
    )
    assert doc.status_code == 201, doc.text
    block = doc.json()["blocks"][0]
    assert (block["media_type"], block["width"], block["height"]) == ("image/jpeg", 20, 10)
    assert (block["caption"], block["alt"]) == ("<b>x</b>", "an olive")
    assert doc.json()["html"] == [None]
    for bad, why in (
        ({**block, "blob": "../../etc/passwd"}, "sha256"),
        ({**block, "caption": "x" * 5000}, "caption is at most"),
        ({**block, "onload": "alert(1)"}, "unknown fields"),
    ):
        refused = api.put(
            f"/projects/rp/reports/{doc.json()['id']}", json={"base_version": 1, "blocks": [bad]}
        )
        assert refused.status_code == 400 and why in refused.text, refused.text
    panel = api.post("/projects/rp/reports/render/panel", json={"panel": block})
    assert panel.status_code == 400 and "picture block has no data" in panel.text


def _with_text(png: bytes, text: bytes) -> bytes:
    """``png`` with a tEXt chunk holding ``text`` after its header."""
    body = b"Comment\0" + text
    chunk = len(body).to_bytes(4, "big") + b"tEXt" + body
    chunk += zlib.crc32(b"tEXt" + body).to_bytes(4, "big")
    return png[:33] + chunk + png[33:]
