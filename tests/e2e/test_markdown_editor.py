"""The report's Markdown editor (CodeMirror 6), typed into as a user does: math drawn by KaTeX in
the preview, the editor's own undo (Ctrl+Z inside it) beside the report's (Ctrl+Z outside),
Ctrl+S saving at once, XSS payloads typed into it left inert, and its light and dark themes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.e2e.conftest import SCREENSHOTS
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
SCRIPT = "</script><script>window.__xss=1</script>"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("e2e_markdown_editor") / ".cairn"
    run = cairn.init(project="md", dir=path, name="only")
    run.log({"loss": 1.0})
    run.finish(quiet=True)
    with serve(path) as server:
        yield server.url


def open_editor(page: Any, url: str, title: str, blocks: list[dict[str, Any]]) -> str:
    """A new report (made through the API), opened in the editor; returns its id."""
    made = httpx.post(f"{url}/api/v1/projects/md/reports", json={"title": title, "blocks": blocks})
    assert made.status_code == 201, made.text
    report_id = str(made.json()["id"])
    page.goto(f"{url}/p/md/reports/{report_id}?edit=1")
    expect(page.get_by_test_id("report-editor")).to_be_visible()
    return report_id


def saved(page: Any) -> None:
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)


def stored_texts(url: str, report_id: str) -> list[str]:
    blocks = httpx.get(f"{url}/api/v1/projects/md/reports/{report_id}").json()["blocks"]
    return [b["text"] for b in blocks if b["kind"] == "markdown"]


def test_typed_markdown_is_highlighted_wrapped_and_its_math_drawn(page: Any, url: str) -> None:
    report_id = open_editor(page, url, "Typed math", [])
    page.get_by_test_id("add-markdown").click()
    box = page.get_by_role("textbox", name="Markdown block 1")  # its accessible name
    box.click()
    page.keyboard.type("# Euler\n\nThe identity $e^{i\\pi}+1=0$ **holds**.\n\n$$\\int_0^1 x\\,dx$$")
    preview = page.get_by_test_id("markdown-preview")
    expect(preview.locator("h1")).to_have_text("Euler")
    expect(preview.locator("strong")).to_have_text("holds")
    expect(preview.locator("span.math-inline .katex")).to_have_count(1)
    expect(preview.locator("span.math-display .katex-display")).to_have_count(1)
    assert "e^{i\\pi}+1=0" in preview.locator("span.math-inline annotation").text_content()
    # highlighted: the heading and the bold text are bold in the editor, the sentence is not
    weight = "e => getComputedStyle(e).fontWeight"
    assert box.get_by_text("Euler").evaluate(weight) == "600"
    assert box.get_by_text("holds").evaluate(weight) == "600"
    assert box.get_by_text("The identity").evaluate(weight) == "400"
    color = "e => getComputedStyle(e).color"  # math marked as the server reads it
    assert box.get_by_text("e^{i\\pi}+1=0").evaluate(color) != box.get_by_text(
        "The identity"
    ).evaluate(color)
    saved(page)
    assert stored_texts(url, report_id) == [
        "# Euler\n\nThe identity $e^{i\\pi}+1=0$ **holds**.\n\n$$\\int_0^1 x\\,dx$$"
    ]

    page.keyboard.press("Control+End")  # a long line wraps: nothing to scroll sideways
    page.keyboard.type("\n\n" + "a long sentence that goes on " * 12)
    scroller = box.locator("xpath=..")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")

    page.keyboard.type("\n\n- one\ntwo")  # Enter continues the list
    expect(preview.locator("li")).to_have_text(["one", "two"])
    saved(page)
    assert stored_texts(url, report_id)[0].endswith("\n\n- one\n- two")


def test_ctrl_z_inside_the_editor_undoes_typing_outside_it_undoes_blocks(
    page: Any, url: str
) -> None:
    open_editor(page, url, "Undo", [])
    page.get_by_test_id("add-markdown").click()
    first = page.get_by_role("textbox", name="Markdown block 1")
    first.click()
    page.keyboard.type("kept")
    saved(page)  # a pause: what is typed next is a new step of the editor's history
    page.keyboard.type(" and a typo")
    expect(first).to_have_text("kept and a typo")
    page.keyboard.press("Control+z")
    expect(first).to_have_text("kept")
    expect(page.get_by_test_id("block")).to_have_count(1)  # the report's undo did not run
    expect(page.get_by_test_id("markdown-preview")).to_have_text("kept")
    page.keyboard.press("Control+Shift+KeyZ")  # redo (the key a keyboard sends: "Z")
    expect(first).to_have_text("kept and a typo")

    # a block added, then more typing in the first: the report's undo (outside the editor) takes
    # the block away and brings the first block's text back to what it was then
    page.get_by_test_id("add-markdown").click()
    expect(page.get_by_test_id("block")).to_have_count(2)
    first.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("!")
    expect(first).to_have_text("kept and a typo!")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("block")).to_have_count(1)
    expect(first).to_have_text("kept and a typo")
    first.click()  # and the editor goes on from there
    page.keyboard.press("Control+End")
    page.keyboard.type(", fixed")
    expect(first).to_have_text("kept and a typo, fixed")
    saved(page)


def test_ctrl_s_inside_the_editor_saves_at_once(page: Any, url: str) -> None:
    report_id = open_editor(page, url, "Save now", [{"kind": "markdown", "text": "draft"}])
    box = page.get_by_role("textbox", name="Markdown block 1")
    expect(box).to_have_text("draft")
    page.clock.install()
    page.clock.pause_at(page.evaluate("Date.now()") + 1_000)  # autosave's timer never fires
    box.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" v2")
    status = page.get_by_test_id("save-status")
    expect(status).to_have_text("Unsaved changes")
    assert stored_texts(url, report_id) == ["draft"]
    page.keyboard.press("Control+s")
    saved(page)
    assert stored_texts(url, report_id) == ["draft v2"]
    expect(box).to_be_focused()  # still typing where it was
    page.keyboard.type("!")
    expect(status).to_have_text("Unsaved changes")
    expect(box).to_have_text("draft v2!")


def test_a_typed_xss_payload_is_inert_in_the_preview_and_after_reload(page: Any, url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    text = f"# Inert\n\n{IMG}\n\n{SCRIPT}\n\n[link](javascript:window.__xss=1)\n\n<iframe src=x></iframe>"
    report_id = open_editor(page, url, "Typed payloads", [])
    page.get_by_test_id("add-markdown").click()
    box = page.get_by_role("textbox", name="Markdown block 1")
    box.click()
    page.keyboard.type(text)
    preview = page.get_by_test_id("markdown-preview")
    expect(preview.locator("h1")).to_have_text("Inert")
    expect(box).to_contain_text(IMG)  # the editor shows it as text
    saved(page)
    assert stored_texts(url, report_id) == [text]

    def inert(where: Any) -> None:
        assert where.locator("img, script, iframe").count() == 0
        hrefs = [a.get_attribute("href") or "" for a in where.locator("a").all()]
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], hrefs
        assert page.locator("main img[src='x'], main iframe").count() == 0
        assert page.evaluate("window.__xss") is None

    inert(preview)
    page.reload()
    expect(preview.locator("h1")).to_have_text("Inert")
    expect(box).to_contain_text(SCRIPT)
    inert(preview)
    page.get_by_test_id("done-editing").click()
    view = page.get_by_test_id("markdown-view")
    expect(view.locator("h1")).to_have_text("Inert")
    inert(view)
    assert dialogs == []


def test_the_editor_follows_the_light_and_dark_themes(page: Any, url: str) -> None:
    open_editor(
        page,
        url,
        "Themes",
        [
            {
                "kind": "markdown",
                "text": "# Results\n\nThe loss **fell** to $0.1$; see [run](#).\n\n- one\n- two\n\n`code`",
            }
        ],
    )
    editor = page.locator(".rp-code .cm-editor")
    expect(page.get_by_test_id("markdown-preview").locator(".katex")).to_have_count(1)
    background = "e => getComputedStyle(e).backgroundColor"
    light = editor.evaluate(background)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("block").screenshot(path=str(SCREENSHOTS / "markdown-editor-light.png"))
    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    dark = editor.evaluate(background)
    page.get_by_test_id("block").screenshot(path=str(SCREENSHOTS / "markdown-editor-dark.png"))
    body = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bg')")
    assert light == "rgb(255, 255, 255)" and dark != light
    assert dark == page.evaluate(
        "c => { const e = document.createElement('div'); e.style.color = c;"
        " document.body.append(e); const v = getComputedStyle(e).color; e.remove(); return v }",
        body.strip(),
    )
    text = page.get_by_role("textbox", name="Markdown block 1").get_by_text("The loss")
    color = text.evaluate("e => getComputedStyle(e).color")
    assert sum(int(c) for c in color[4:-1].split(",")) > 3 * 160, color  # light text on dark


def test_codemirror_loads_only_where_a_markdown_block_is_edited(page: Any, url: str) -> None:
    report_id = open_editor(
        page, url, "Loading", [{"kind": "markdown", "text": t} for t in ("alpha", "beta")]
    )
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.url.endswith(".js") else None)
    page.goto(f"{url}/p/md")  # the workspace
    expect(page.locator('[data-testid=chart-panel][data-keys="loss"]')).to_be_visible()
    page.goto(f"{url}/p/md/reports/{report_id}")  # the report, read
    expect(page.get_by_test_id("markdown-view").first).to_have_text("alpha")
    page.wait_for_load_state("networkidle")
    assert scripts and not [s for s in scripts if "MarkdownCodeEditor" in s], scripts
    page.get_by_test_id("edit-report").click()
    first = page.get_by_role("textbox", name="Markdown block 1")
    expect(first).to_have_text("alpha")
    assert [s for s in scripts if "MarkdownCodeEditor" in s], scripts

    # a block moved keeps its editor (and its history); its name follows its place
    page.get_by_test_id("block-down").first.click()
    expect(first).to_have_text("beta")
    expect(page.get_by_role("textbox", name="Markdown block 2")).to_have_text("alpha")
