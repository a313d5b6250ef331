"""Uploaded images (picture blocks): what ``picture.check`` accepts and refuses, and
``Report.add_image`` putting the bytes in the store's blobs, kept by gc, checked on save."""

from __future__ import annotations

import contextlib
import io
import os
import random
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

import cairn
from cairn.reports import Picture, picture
from cairn.reports.picture import PictureError
from cairn.store import gc
from cairn.store.store import Store

pytestmark = pytest.mark.usefixtures("no_open_run")

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def encoded(format: str, size: tuple[int, int] = (12, 8), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal").save(out, format=format)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data).to_bytes(4, "big")
    return len(data).to_bytes(4, "big") + kind + data + crc


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming ``width`` × ``height`` pixels, a few hundred bytes long: a
    decompression bomb's shape, without the bomb."""
    header = (
        width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    )  # 8-bit greyscale
    rows = zlib.compress(b"\0" * (width + 1) * 4)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("format", "media_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_each_accepted_format_is_told_by_its_bytes(format: str, media_type: str) -> None:
    checked = picture.check(encoded(format))
    assert (checked.image.media_type, checked.image.width, checked.image.height) == (
        media_type,
        12,
        8,
    )


def test_a_phone_cameras_two_image_jpeg_is_a_jpeg() -> None:
    """Pillow reads a JPEG followed by a second image (MPO, as phones save) as "MPO"."""
    out = io.BytesIO()
    first, second = Image.new("RGB", (12, 8), "red"), Image.new("RGB", (12, 8), "blue")
    first.save(out, format="MPO", save_all=True, append_images=[second])
    checked = picture.check(out.getvalue())
    assert (checked.image.media_type, checked.image.width) == ("image/jpeg", 12)


def test_svg_html_text_and_damaged_images_are_refused_with_the_reason() -> None:
    png = encoded("PNG")
    cases = {
        "svg": (SVG, "type"),
        "html named .png": (b"<!doctype html><script>alert(1)</script>", "type"),
        "text": (b"just some words", "type"),
        "empty": (b"", "type"),
        "pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "type"),
        "truncated png": (png[: len(png) // 2], "type"),
        "png with a bad checksum": (png[:-20] + bytes([png[-20] ^ 0xFF]) + png[-19:], "content"),
        "png then html": (png + b"<html><script>alert(1)</script></html>", "content"),
        "script in a text chunk": (
            png[:33] + png_chunk(b"tEXt", b"c\0<script>alert(1)</script>") + png[33:],
            "content",
        ),
        "jpeg then zip": (encoded("JPEG") + b"PK\x03\x04" + b"\0" * 30, "content"),
        "huge pixels": (huge_png(10_000, 10_000), "size"),
        "past pillow's bomb limit": (huge_png(20_000, 20_000), "size"),
    }
    for name, (data, reason) in cases.items():
        with pytest.raises(PictureError) as caught:
            picture.check(data)
        assert caught.value.reason == reason, (name, str(caught.value))
        assert (
            "again" in str(caught.value)
            or "first" in str(caught.value)
            or "PNG" in str(caught.value)
        ), (name, str(caught.value))


def test_too_many_bytes_are_refused_before_decoding() -> None:
    with pytest.raises(PictureError, match="up to 16,777,216 bytes") as caught:
        picture.check(b"\x89PNG" + b"\0" * picture.MAX_BYTES)
    assert caught.value.reason == "size"


def test_add_image_stores_the_bytes_as_a_blob_and_saves_the_block(
    store_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(encoded("JPEG", (40, 30)))
    report = cairn.Report("p", title="with pictures")
    from_file = report.add_image(path, caption="Figure <1> & $x$", alt="a teal square")
    from_pil = report.add_image(Image.new("RGBA", (5, 6), (1, 2, 3, 4)))
    report.save()
    report.close()

    store = Store.local(store_dir)
    assert store.blobs.get(from_file.blob) == path.read_bytes()
    with Image.open(io.BytesIO(store.blobs.get(from_pil.blob))) as image:
        assert (image.format, image.size, image.getpixel((0, 0))) == ("PNG", (5, 6), (1, 2, 3, 4))
    again = cairn.Api().report("p", "with pictures")
    assert again.blocks == [from_file, from_pil]
    assert isinstance(again.blocks[0], Picture)
    assert (from_file.media_type, from_file.width, from_file.height) == ("image/jpeg", 40, 30)
    assert from_file.caption == "Figure <1> & $x$"
    # gc keeps them however old they are
    past = time.time() - 7200
    for digest in (from_file.blob, from_pil.blob):
        os.utime(store.blobs.path(digest), (past, past))
    gc.collect(store, grace=0)
    assert store.has_blob(from_file.blob) and store.has_blob(from_pil.blob)
    store.close()


def test_add_image_refuses_a_renamed_file_and_stores_nothing(
    store_dir: Path, tmp_path: Path
) -> None:
    svg = tmp_path / "logo.png"
    svg.write_bytes(SVG)
    report = cairn.Report("p", title="t")
    with pytest.raises(PictureError, match="SVG is refused"):
        report.add_image(svg)
    with pytest.raises(FileNotFoundError, match="no image file"):
        report.add_image(tmp_path / "missing.png")
    with pytest.raises(TypeError, match="fromarray"):
        report.add_image(b"\x89PNG")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="caption is at most"):
        report.add_image(Image.new("L", (2, 2)), caption="x" * 3000)
    assert report.blocks == []
    store = Store.local(store_dir)
    assert list(store.blobs.entries()) == []
    store.close()
    report.close()


def test_a_picture_of_another_projects_image_is_refused_on_save(store_dir: Path) -> None:
    theirs = cairn.Report("q", title="theirs")
    taken = theirs.add_image(Image.new("RGB", (3, 3)))
    theirs.save()
    theirs.close()
    mine = cairn.Report("p", title="mine")
    mine.blocks.append(taken)
    with pytest.raises(ValueError, match="was not uploaded into project 'p'"):
        mine.save()
    mine.close()


def test_mangled_images_are_accepted_or_refused_never_an_other_error() -> None:
    """Flipped bytes and cuts in each format: ``check`` accepts or raises PictureError (the
    server's 413/415/422), nothing else (a 500)."""
    rng = random.Random(14)
    for format in ("PNG", "JPEG", "GIF", "WEBP"):
        good = encoded(format, (16, 16))
        for _ in range(150):
            data = bytearray(good)
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if rng.random() < 0.3:
                data = data[: rng.randrange(len(data))]
            with contextlib.suppress(PictureError):
                picture.check(bytes(data))
