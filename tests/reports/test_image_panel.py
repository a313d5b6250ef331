"""An image panel: checked with errors that say what to write, its image the one the run logged at
the step, drawn with its masks and boxes (read back from matplotlib's artists), copied into the
LaTeX project, which compiles, and inlined in the HTML export with every text escaped."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.reports.test_latex import PAYLOAD, compile_pdf
from tests.reports.test_report import assert_inert

import cairn
from cairn.reports import image_panel
from cairn.reports.export import draw_panel, panel_data, panel_table
from cairn.store.reader import StoreReader

pytestmark = pytest.mark.usefixtures("no_open_run")

IMG = '<img src=x onerror="alert(1)">'


@pytest.fixture
def run(store_dir: Path) -> cairn.Run:
    made = cairn.init(project="p", name=f"seg {IMG}")
    for step in range(3):
        pixels = np.full((8, 8, 3), 40 * step, dtype=np.uint8)
        mask = np.zeros((8, 8), dtype=np.uint8)
        mask[2:5, 2:5] = 3
        made.log(
            {
                "plain": cairn.Image(pixels),
                "seg": cairn.Image(
                    pixels,
                    caption=f"cap {IMG}",
                    masks={"pred": {"mask_data": mask, "class_labels": {3: f"cat {PAYLOAD}"}}},
                    boxes={"gt": {"box_data": [{"position": {"minX": 1, "maxX": 6, "minY": 1,
                           "maxY": 4}, "domain": "pixel", "class_id": 3}],
                           "class_labels": {3: f"box {IMG}"}}},
                ),
            },
            step=step,
        )  # fmt: skip
    made.finish(quiet=True)
    return made


def test_image_panels_are_checked(store_dir: Path) -> None:
    report = cairn.Report("p")
    with pytest.raises(ValueError, match=r"one media key of one run: add_panel\('image', run="):
        report.add_panel("image", keys=["seg"])
    with pytest.raises(ValueError, match=r"step=-1: give a logged step"):
        report.add_panel("image", run="x", keys=["seg"], step=-1)


def test_the_image_at_the_step_is_drawn_with_its_masks_and_boxes(
    run: cairn.Run, store_dir: Path
) -> None:
    report = cairn.Report("p")
    panel = report.add_panel("image", run=run.id, keys=["seg"], step=1)
    reader = StoreReader(report._store)
    data = panel_data(panel, reader, "p")
    assert data.image is not None and data.image.step == 1
    figure = draw_panel(panel, data, reader)
    assert figure is not None
    (ax,) = figure.axes
    image, mask = ax.get_images()
    assert (image.get_array()[..., :3] == 40).all()  # step 1's pixels
    drawn = mask.get_array()
    assert (drawn[2:5, 2:5, :3] == image_panel.class_colour(3)).all()
    assert drawn[0, 0, 3] == 0 and drawn[3, 3, 3] == 128  # background clear, class half opaque
    [box] = [p for p in ax.patches if p.get_gid() == "box gt"]
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (0.5, 0.5, 5, 3)
    last = report.add_panel("image", run=run.id, keys=["seg"])
    assert panel_data(last, reader, "p").image.step == 2  # no step: the last


def test_exports_copy_and_inline_the_image(run: cairn.Run, tmp_path: Path) -> None:
    report = cairn.Report("p", title="Images")
    report.add_markdown("See [@mlrc].")
    report.add_bibtex("@misc{mlrc, title={Reproducibility}, year=2024}")
    report.add_panel("image", run=run.id, keys=["seg"], frozen=True, title=f"Seg {PAYLOAD}")
    report.add_panel("image", run=run.id, keys=["plain"], step=0)
    report.save()
    folder = report.export("latex", tmp_path / "paper")
    names = sorted(p.name for p in (folder / "figures").iterdir())
    assert names == ["panel-01-image.png", "panel-01.pdf", "panel-02-image.png"]
    main = (folder / "main.tex").read_text()
    assert "\\includegraphics[width=\\linewidth]{figures/panel-01.pdf}" in main  # with overlays
    assert "{figures/panel-02-image.png}" in main  # as logged
    blob = report.blocks[3].data.image.meta["blob"] if report.blocks[3].data else None
    assert blob is None  # the second panel is live
    compile_pdf(folder)
    html = report.export("html", tmp_path / "r.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and IMG not in html  # 2 images, 1 mask
    assert "<title>box &lt;img" in html
    assert_inert(html)
    _, rows = panel_table(report.blocks[2], report.blocks[2].data)
    assert ["step", 2] in rows and ["caption", f"cap {IMG}"] in rows


def svg_images(html: str) -> list[tuple[bytes, str]]:
    """Each ``<image>`` of the page: its decoded ``data:`` bytes and its ``<title>`` as text."""
    found: list[tuple[bytes, str]] = []

    class Parser(HTMLParser):
        in_title = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            href = dict(attrs).get("href") or ""
            if tag == "image":
                found.append((base64.b64decode(href.split(",", 1)[1]), ""))
            self.in_title = tag == "title" and bool(found)

        def handle_data(self, data: str) -> None:
            if self.in_title and found and not found[-1][1]:
                found[-1] = (found[-1][0], data)

        def handle_endtag(self, tag: str) -> None:
            self.in_title = False

    Parser().feed(html)
    return found


def test_the_html_export_draws_masks_in_their_class_colours(
    store_dir: Path, tmp_path: Path
) -> None:
    run = cairn.init(project="p")
    ids = np.zeros((6, 8), dtype=np.uint8)
    ids[1:3, 1:4] = 2
    ids[4:6, 5:8] = 7
    script = "<script>alert(1)</script>"
    box = {"position": {"minX": 0, "maxX": 3, "minY": 0, "maxY": 2}, "domain": "pixel",
           "class_id": 2}  # fmt: skip
    run.log(
        {
            "seg": cairn.Image(
                np.full((6, 8), 90, dtype=np.uint8),
                masks={"pred": {"mask_data": ids, "class_labels": {2: script, 7: "road"}}},
                boxes={"gt": {"box_data": [box], "class_labels": {2: "car"}}},
            )
        },
        step=0,
    )
    run.finish(quiet=True)
    report = cairn.Report("p")
    report.add_panel("image", run=run.id, keys=["seg"])
    report.save()
    html = report.export("html", tmp_path / "r.html").read_text()
    assert_inert(html)
    assert script not in html and "<rect" in html  # the box is still drawn
    (_, image_title), (mask_png, title) = svg_images(html)
    assert image_title == ""  # the image first, then its mask over it
    assert title == f"mask pred: {script}, road"  # the label, escaped, reads back as text
    drawn = np.asarray(Image.open(io.BytesIO(mask_png)))
    assert drawn.shape == (6, 8, 4)
    for class_id in (2, 7):
        assert (drawn[ids == class_id][:, :3] == image_panel.class_colour(class_id)).all()
    assert (drawn[ids > 0][:, 3] == 128).all()  # half opaque, as the LaTeX figure draws it
    assert (drawn[ids == 0][:, 3] == 0).all()  # the background clear
    report.close()


def test_a_list_of_images_shows_its_first(store_dir: Path) -> None:
    """A key logged as a list of images (a gallery, as the digits demo does): the panel draws the
    first, and its table says how many there were (it drew nothing before: no width)."""
    run = cairn.init(project="p")
    first, second = (np.full((4, 6), v, dtype=np.uint8) for v in (10, 200))
    run.log({"samples": [cairn.Image(first, caption="one"), cairn.Image(second, caption="two")]})
    run.finish(quiet=True)
    report = cairn.Report("p")
    panel = report.add_panel("image", run=run.id, keys=["samples"])
    reader = StoreReader(report._store)
    data = panel_data(panel, reader, "p")
    figure = draw_panel(panel, data, reader)
    assert data.image is not None and figure is not None
    (image,) = figure.axes[0].get_images()
    assert (image.get_array()[..., 0] == 10).all()  # the first image's pixels
    meta = data.image.meta
    assert (meta["width"], meta["height"], meta["caption"], meta["count"]) == (6, 4, "one", 2)
    _, rows = panel_table(panel, data)
    assert ["shown", "the first of 2 images logged at this step"] in rows
    assert ["caption", "one"] in rows
    report.close()
