"""Uploaded report images: how long checking an image takes (Pillow open, verify, full decode,
polyglot scan; ``cairn.reports.picture.check``) and uploading it through ``cairn ui``
(``POST /projects/{p}/reports/images``), beside decoding the same bytes with Pillow (what any
image reader pays) as a baseline measured in the same run.

Fixed workload: a 1-megapixel PNG screenshot-like image, a 12-megapixel JPEG photo (noise, quality
90) and a 40-megapixel PNG (a gradient: the pixel limit, within the byte limit). Median of 3.
Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import httpx
import numpy as np
from bench_api import serve
from PIL import Image
from timing import median_s

from cairn.journal.records import RunStart
from cairn.reports import picture
from cairn.store import Store

REPEATS = 3


def images() -> list[tuple[str, bytes]]:
    rng = np.random.default_rng(0)
    out = []
    screen = np.full((768, 1366, 3), 240, dtype=np.uint8)
    screen[100:300, 200:900] = (40, 90, 200)
    photo = rng.integers(0, 256, size=(3000, 4000, 3), dtype=np.uint8)
    ramp = np.linspace(0, 255, 8000, dtype=np.uint8)
    gradient = np.broadcast_to(ramp, (5000, 8000))
    for name, array, format, options in (
        ("PNG 1.0 MP (screenshot)", screen, "PNG", {}),
        ("JPEG 12 MP (photo)", photo, "JPEG", {"quality": 90}),
        ("PNG 40 MP (gradient)", gradient, "PNG", {}),
    ):
        data = io.BytesIO()
        Image.fromarray(np.ascontiguousarray(array)).save(data, format=format, **options)
        out.append((name, data.getvalue()))
    return out


def decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def main() -> None:
    made = images()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.local(Path(tmp) / ".cairn")
        start = RunStart(seq=1, run_id="r", project="bench", name="r", created_at=1.7e9)
        store.apply("r", [start])
        store.close()
        with (
            serve(Path(tmp) / ".cairn") as (url, _pid),
            httpx.Client(base_url=f"{url}/api/v1", timeout=120) as client,
        ):
            rows = []
            for name, data in made:
                hashed = median_s(lambda d=data: decode(d), REPEATS)
                checked = median_s(lambda d=data: picture.check(d), REPEATS)

                def upload(d: bytes = data) -> None:
                    sent = client.post("/projects/bench/reports/images", content=d)
                    assert sent.status_code == 201, sent.text

                uploaded = median_s(upload, REPEATS)
                rows.append((name, len(data), hashed, checked, uploaded))
    print("\nReport images: check and upload (median of 3; load on the machine distorts times)")
    print(f"{'image':<26}{'bytes':>12}{'decode s':>10}{'check s':>9}{'×decode':>9}{'upload s':>10}")
    for name, size, hashed, checked, uploaded in rows:
        print(
            f"{name:<26}{size:>12,}{hashed:>10.3f}{checked:>9.3f}{checked / hashed:>9.1f}"
            f"{uploaded:>10.3f}"
        )


if __name__ == "__main__":
    main()
