"""Uploaded images in the exports: LaTeX copies them into figures/ (GIF and WebP as PNG) and
compiles, Markdown puts the files beside the .md, HTML inlines them as data: URIs; every
caption and alt text stays text."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from tests.reports.test_latex import PAYLOAD, compile_pdf
from tests.reports.test_report import live_html

import cairn
from cairn.reports import Picture

pytestmark = pytest.mark.usefixtures("no_open_run")

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def image_file(folder: Path, name: str, format: str, colour: str) -> Path:
    path = folder / name
    Image.new("RGB", (64, 48), colour).save(path, format=format)
    return path


@pytest.fixture
def report(store_dir: Path, tmp_path: Path) -> cairn.Report:
    made = cairn.Report("p", title="Pictures")
    made.add_markdown("Some text before the images [@k].")
    made.add_bibtex("@misc{k, title={A reference}, year=2024}")
    made.add_image(
        image_file(tmp_path, "a.png", "PNG", "red"), caption="Red " + PAYLOAD, alt="red " + XSS
    )
    made.add_image(image_file(tmp_path, "b.jpg", "JPEG", "green"), caption="Green " + XSS)
    made.add_image(image_file(tmp_path, "c.gif", "GIF", "blue"), caption="Blue")
    made.add_image(image_file(tmp_path, "d.webp", "WEBP", "yellow"))
    made.save()
    return made


def pictures(report: cairn.Report) -> list[Picture]:
    return [b for b in report.blocks if isinstance(b, Picture)]


def test_latex_copies_each_image_and_compiles(report: cairn.Report, tmp_path: Path) -> None:
    folder = report.export("latex", tmp_path / "paper")
    names = sorted(p.name for p in (folder / "figures").iterdir())
    assert names == ["picture-01.png", "picture-02.jpg", "picture-03.png", "picture-04.png"]
    png, jpeg = pictures(report)[:2]
    assert (folder / "figures/picture-01.png").read_bytes() == report._store.blobs.get(png.blob)
    assert (folder / "figures/picture-02.jpg").read_bytes() == report._store.blobs.get(jpeg.blob)
    with Image.open(folder / "figures/picture-04.png") as webp_as_png:
        assert webp_as_png.format == "PNG" and webp_as_png.size == (64, 48)
    main = (folder / "main.tex").read_text()
    assert "\\input{/etc/passwd}" not in main and "\\write18{" not in main
    text = " ".join(compile_pdf(folder).split())
    assert "Red \\input{/etc/passwd} \\write18{touch pwned}" in text
    assert "Green <script>alert(" in text and "onerror=alert(1)>" in text
    assert not (folder / "pwned").exists()
    log = (folder / "main.log").read_text()
    for name in names:
        assert f"<figures/{name}" in log, name  # pdflatex read each file


def test_markdown_puts_the_files_beside_it(report: cairn.Report, tmp_path: Path) -> None:
    path = report.export("markdown", tmp_path / "out" / "pictures.md")
    text = path.read_text()
    beside = path.parent / "pictures-figures"
    blobs = report._store.blobs
    for number, (block, suffix) in enumerate(
        zip(pictures(report), [".png", ".jpg", ".gif", ".webp"], strict=True), start=1
    ):
        name = f"picture-{number:02d}{suffix}"
        assert (beside / name).read_bytes() == blobs.get(block.blob)
        assert f"(pictures-figures/{name})" in text
    assert "<script>" not in text and "&lt;script&gt;" in text  # captions are plain text
    assert "*Blue*" in text


def test_html_inlines_each_image_and_keeps_texts_inert(
    report: cairn.Report, tmp_path: Path
) -> None:
    html = report.export("html", tmp_path / "pictures.html").read_text()
    found = re.findall(r'<img src="data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)"', html)
    blobs = report._store.blobs
    assert [(media_type, base64.b64decode(data)) for media_type, data in found] == [
        (b.media_type, blobs.get(b.blob)) for b in pictures(report)
    ]
    for data in (base64.b64decode(d) for _, d in found):
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (64, 48)
    tags = live_html(html)
    assert [t for t, _ in tags if t == "script"] == []
    assert all(not any(n.startswith("on") for n in names) for _, names in tags)
    assert [t for t, _ in tags].count("img") == 4  # only the four pictures, nothing from XSS
    assert 'alt="red &lt;script&gt;' in html and "Green &lt;script&gt;" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
