"""Images uploaded into a report (a ``picture`` block): which bytes are accepted, read with Pillow.

Accepted: PNG, JPEG, GIF and WebP, as Pillow reads the bytes (the file's name plays no part),
up to MAX_BYTES and MAX_PIXELS (a small file that decodes to a huge image is a decompression
bomb). Refused: anything else (SVG, which can hold scripts; HTML; PDF...), damaged images, and
polyglots, files that are an image and also something else: bytes after the image's end, or
HTML/SVG markup inside it. A browser shown such a file as a page could run its script, so the
store keeps only plain images, and the server still sends them with ``nosniff``.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cairn.store.blobs import blob_digest
from cairn.store.report_images import ReportImage

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
"""Pillow's name of each accepted format, and the media type it is served with."""
JPEG_KINDS = {"MPO": "JPEG"}
"""What Pillow's JPEG reader may report for a JPEG: MPO, a phone camera's JPEG with a second
image after the first (browsers and pdflatex show the first)."""
SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
MAX_BYTES = 16 * 1024 * 1024
"""The server's limit on a request body (``$CAIRN_MAX_REQUEST_BYTES``'s default), so an image
Python stores can be uploaded from the dashboard too."""
MAX_PIXELS = 40_000_000
"""Width × height: a 40-megapixel photo fits; decoding one takes at most ~160 MB."""
MAX_CAPTION = 2_000
MAX_ALT = 1_000
_MARKUP = re.compile(
    rb"<\s*(?:\?xml|!doctype|html|head|body|script|svg|iframe|object|embed|meta)[\s/>]",
    re.IGNORECASE,
)


class PictureError(ValueError):
    """Bytes a report does not take as an image: ``reason`` is ``"size"`` (too many bytes or
    pixels), ``"type"`` (not a PNG, JPEG, GIF or WebP) or ``"content"`` (damaged, or a polyglot)."""

    def __init__(self, message: str, reason: Literal["size", "type", "content"]) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CheckedImage:
    """Bytes that passed ``check``, and what the store keeps of them (digest, media type, size
    in pixels)."""

    data: bytes
    image: ReportImage


def check(data: bytes) -> CheckedImage:
    """``data`` as an image a report may show; PictureError saying why not (see the module)."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise too_many_bytes(f"the image is {len(data):,} bytes")
    found = "image"
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as image:
                found, width, height = str(image.format), image.width, image.height
                found = JPEG_KINDS.get(found, found)
                if found not in MEDIA_TYPES:
                    raise UnidentifiedImageError(found)
                _check_pixels(width, height)
                image.verify()
            with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as image:
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PictureError(
                f"the image has more pixels than Pillow decodes safely; a report takes up to "
                f"{MAX_PIXELS:,} pixels: resize it first",
                "size",
            ) from None
        except UnidentifiedImageError:
            raise PictureError(
                "this is not a PNG, JPEG, GIF or WebP image (SVG is refused: it can hold "
                "scripts); save it as PNG and upload that",
                "type",
            ) from None
        except PictureError:
            raise
        except Exception as exc:  # Pillow raises many kinds on damaged data
            raise PictureError(
                f"the {found} image is damaged ({exc}); open it in an image editor and save it "
                "again",
                "content",
            ) from None
    _check_whole(data, found)
    return CheckedImage(data, ReportImage(blob_digest(data), MEDIA_TYPES[found], width, height))


def too_many_bytes(what: str) -> PictureError:
    """The error for an image past MAX_BYTES; ``what`` says how large it is."""
    return PictureError(
        f"{what}; a report takes images up to {MAX_BYTES:,} bytes: resize or compress it, "
        "then add it again",
        "size",
    )


def _check_pixels(width: int, height: int) -> None:
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise PictureError(
            f"the image is {width} × {height} pixels; a report takes up to {MAX_PIXELS:,} "
            "pixels: resize it first",
            "size",
        )


def _check_whole(data: bytes, found: str) -> None:
    """PictureError for a polyglot: bytes after the image's end, or markup inside it."""
    if _end(data, found) != len(data):
        raise PictureError(
            f"the file has bytes after the end of its {found} image (it may also be another "
            "kind of file); open it in an image editor and save it again",
            "content",
        )
    if _MARKUP.search(data):
        raise PictureError(
            f"the {found} image holds HTML or SVG markup (a file that is also a page); open "
            "it in an image editor and save it again",
            "content",
        )


def _end(data: bytes, found: str) -> int:
    """Where the image's own bytes end, by its format's framing."""
    if found == "PNG":
        at = 8
        while at + 8 <= len(data):
            length = int.from_bytes(data[at : at + 4], "big")
            kind = data[at + 4 : at + 8]
            at += 12 + length
            if kind == b"IEND":
                return at
        return len(data) + 1
    if found == "WEBP":
        return 8 + int.from_bytes(data[4:8], "little")
    if found == "GIF":
        return len(data) if data.endswith(b";") else len(data) + 1
    return len(data) if data.endswith(b"\xff\xd9") else len(data) + 1  # JPEG


def read(source: str | os.PathLike[str] | PILImage) -> CheckedImage:
    """A file's bytes, or a PIL image saved as PNG, checked (``check``)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"no image file at {path}")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise too_many_bytes(f"{path.name} is {size:,} bytes")
        return check(path.read_bytes())
    from PIL import Image

    if not isinstance(source, Image.Image):
        raise TypeError(
            f"add_image takes a file path or a PIL image, not {type(source).__name__} "
            "(for an array: PIL.Image.fromarray(array))"
        )
    _check_pixels(source.width, source.height)
    image = (
        source if source.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else source.convert("RGBA")
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return check(out.getvalue())


def as_png(data: bytes) -> bytes:
    """The image's first frame as PNG (for pdflatex, which reads PNG and JPEG, not GIF or WebP)."""
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as image:
        frame = image.convert("RGBA") if image.mode not in ("L", "RGB", "RGBA") else image
        out = io.BytesIO()
        frame.save(out, format="PNG")
    return out.getvalue()
