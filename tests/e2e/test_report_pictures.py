"""Images in a report, in Chromium as a user adds them: picked with "+ Image" (a file input),
dropped or pasted onto the editor; drawn (the browser decoded it), captioned, surviving a reload;
a caption or alt text holding HTML stays text; a file that is not an image is refused with the
server's reason and adds nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from tests.e2e.conftest import markdown_texts
from tests.fakes.server import serve

import cairn
from cairn.store.store import Store

expect = pytest.importorskip("playwright.sync_api").expect

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The server's URL and a folder of files to upload."""
    folder = tmp_path_factory.mktemp("e2e_report_pictures")
    Store.local(folder / ".cairn").close()
    with serve(folder / ".cairn") as server:
        yield server.url, folder


def new_report(page: Any, site: tuple[str, Path], title: str) -> str:
    """A new report of one Markdown block, opened in the editor; its id."""
    url, folder = site
    report = cairn.Report("pics", title=title, dir=folder / ".cairn")
    report.add_markdown("Text above the images.")
    report.save()
    report.close()
    page.goto(f"{url}/p/pics/reports/{report.id}?edit=1")
    expect(page.get_by_test_id("markdown-input")).to_be_visible()
    return str(report.id)


def png_file(folder: Path, name: str, colour: str, size: tuple[int, int]) -> Path:
    path = folder / name
    Image.new("RGB", size, colour).save(path, format="PNG")
    return path


def drawn_width(picture: Any) -> int:
    """The image's width as the browser decoded it (0: not loaded, or broken)."""
    img = picture.get_by_test_id("picture-img")
    expect(img).to_be_visible()
    img.evaluate("el => el.decode()")
    width: int = img.evaluate("el => el.complete ? el.naturalWidth : 0")
    return width


def test_an_image_picked_is_drawn_captioned_and_survives_a_reload(
    page: Any, site: tuple[str, Path]
) -> None:
    url, folder = site
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    report_id = new_report(page, site, "Picked")
    page.get_by_test_id("add-image-input").set_input_files(
        str(png_file(folder, "green.png", "green", (120, 80)))
    )
    picture = page.get_by_test_id("block").filter(has=page.get_by_test_id("picture"))
    expect(picture).to_have_count(1)
    assert drawn_width(picture) == 120
    picture.get_by_test_id("picture-caption-input").fill(XSS)
    picture.get_by_test_id("picture-alt-input").fill("a green " + XSS)
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)

    page.reload()
    picture = page.get_by_test_id("block").filter(has=page.get_by_test_id("picture"))
    assert drawn_width(picture) == 120
    expect(picture.get_by_test_id("picture-caption-input")).to_have_value(XSS)

    page.goto(f"{url}/p/pics/reports/{report_id}")
    view = page.get_by_test_id("report-blocks")
    expect(view.get_by_test_id("picture-caption")).to_have_text(XSS)
    assert drawn_width(view) == 120
    expect(view.get_by_test_id("picture-img")).to_have_attribute("alt", "a green " + XSS)
    kinds = view.get_by_test_id("block").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["markdown", "picture"]
    assert view.locator("script, img[src='x']").count() == 0
    assert view.locator("img").count() == 1

    src = view.get_by_test_id("picture-img").get_attribute("src")
    opened = page.goto(f"{url}{src}")  # the image on its own: drawn, in a sandbox
    assert opened is not None and opened.headers["content-type"] == "image/png"
    assert page.evaluate("document.images[0].naturalWidth") == 120

    page.goto(f"{url}/p/pics/reports/{report_id}?compare=1")  # the image added since version 1
    diff = page.get_by_test_id("version-diff")
    added = diff.get_by_test_id("diff-change").filter(has=page.get_by_test_id("picture"))
    expect(added).to_have_attribute("data-change", "added")
    assert drawn_width(added) == 120
    expect(added.locator("[data-field=caption] td")).to_have_text(XSS)
    assert diff.locator("script, img[src='x']").count() == 0
    page.wait_for_timeout(300)  # an onerror handler, had one been made, would have run by now
    assert dialogs == []


def test_images_dropped_or_pasted_onto_the_editor_are_added(
    page: Any, site: tuple[str, Path]
) -> None:
    new_report(page, site, "Dropped")
    data = io.BytesIO()
    Image.new("RGB", (33, 22), "red").save(data, format="PNG")
    send = """([event, bytes]) => {
        const file = new File([new Uint8Array(bytes)], 'shot.png', { type: 'image/png' });
        const transfer = new DataTransfer();
        transfer.items.add(file);
        const target = document.querySelector('[data-testid=markdown-input]');
        const init = { bubbles: true, cancelable: true };
        target.dispatchEvent(event === 'drop'
            ? new DragEvent('drop', { ...init, dataTransfer: transfer })
            : new ClipboardEvent('paste', { ...init, clipboardData: transfer }));
    }"""
    page.evaluate(send, ["drop", list(data.getvalue())])
    pictures = page.get_by_test_id("picture")
    expect(pictures).to_have_count(1)
    page.evaluate(send, ["paste", list(data.getvalue())])
    expect(pictures).to_have_count(2)
    assert drawn_width(pictures.nth(1)) == 33
    assert markdown_texts(page) == ["Text above the images."]  # no file read in as text
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)
    page.reload()
    expect(page.get_by_test_id("picture")).to_have_count(2)


def test_a_file_that_is_not_an_image_is_refused_with_the_reason(
    page: Any, site: tuple[str, Path]
) -> None:
    new_report(page, site, "Refused")
    svg = site[1] / "logo.png"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page.get_by_test_id("add-image-input").set_input_files(str(svg))
    expect(page.get_by_test_id("image-error")).to_contain_text("logo.png")
    expect(page.get_by_test_id("image-error")).to_contain_text("SVG is refused")
    expect(page.get_by_test_id("picture")).to_have_count(0)
    expect(page.get_by_test_id("block")).to_have_count(1)
