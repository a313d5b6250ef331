"""Code in reports, highlighted on the server and coloured by the dashboard's CSS, in Chromium: a
python block's keywords are drawn in a colour of their own in both themes, on the report page and
in the editor's preview; a hostile language name or code holding HTML stays text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.e2e.conftest import write_markdown
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
TEXT = (
    "# Training loop\n\n```python\nimport os\ndef train(lr):\n    return lr * 2  # twice\n```\n\n"
    f'```"><script>window.__xss=1</script>\nplain {XSS}\n```\n\n'
    f"```html\n{XSS}\n```\n"
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The URLs of two reports with a python block, a block in a hostile language and HTML
    code: one only read, one the editor test changes (it autosaves)."""
    path = tmp_path_factory.mktemp("e2e_report_code") / ".cairn"
    ids = {}
    for title in ("Code", "Code to edit"):
        made = cairn.Report("code", title=title, dir=path)
        made.add_markdown(TEXT)
        made.save()
        ids[title] = made.id
        made.close()
    with serve(path) as server:
        yield {title: f"{server.url}/p/code/reports/{id_}" for title, id_ in ids.items()}


@pytest.fixture
def report(reports: dict[str, str]) -> str:
    return reports["Code"]


def colours(block: Any) -> dict[str, str]:
    """The computed colours of a code block's plain text, keyword and comment."""
    return {
        "plain": block.locator("code").evaluate("el => getComputedStyle(el).color"),
        "keyword": block.locator(".hl-k").first.evaluate("el => getComputedStyle(el).color"),
        "comment": block.locator(".hl-c1").first.evaluate("el => getComputedStyle(el).color"),
    }


def test_keywords_are_coloured_in_both_themes(page: Any, report: str) -> None:
    page.goto(report)
    view = page.get_by_test_id("markdown-view")
    python = view.locator("pre").filter(has=page.locator("code.language-python"))
    expect(python.locator("span.hl-k")).to_have_count(2)  # def, return
    expect(python.locator("span.hl-kn")).to_have_text("import")
    expect(python.locator("span.hl-nf")).to_have_text("train")
    light = colours(python)
    assert len(set(light.values())) == 3, light
    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    dark = colours(python)
    assert len(set(dark.values())) == 3, dark
    assert dark["keyword"] != light["keyword"] and dark["plain"] != light["plain"]


def test_the_editor_preview_is_coloured(page: Any, reports: dict[str, str]) -> None:
    page.goto(f"{reports['Code to edit']}?edit=1")
    preview = page.get_by_test_id("markdown-preview")
    expect(preview.locator("span.hl-k")).to_have_count(2)
    write_markdown(page, "```bash\nfor i in 1 2; do echo $i; done\n```\n", paste=True)
    expect(preview.locator("code.language-bash span.hl-k").first).to_have_text("for")
    colour = preview.locator("code.language-bash span.hl-k").first.evaluate(
        "el => getComputedStyle(el).color"
    )
    plain = preview.locator("code.language-bash").evaluate("el => getComputedStyle(el).color")
    assert colour != plain


def test_a_hostile_language_and_html_in_code_stay_text(page: Any, report: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(report)
    view = page.get_by_test_id("markdown-view")
    expect(view.locator("pre")).to_have_count(3)
    hostile, html = view.locator("pre").nth(1), view.locator("pre").nth(2)
    expect(hostile.locator("code")).to_have_text(f"plain {XSS}\n")
    assert (
        hostile.locator("span").count() == 0
        and hostile.locator("code").get_attribute("class") is None
    )
    expect(html.locator("code.language-html span.hl-nt").first).to_have_text("img")
    expect(html.locator("code")).to_have_text(f"{XSS}\n")
    page.wait_for_load_state("networkidle")
    assert view.locator("img, script").count() == 0
    assert page.evaluate("window.__xss") is None and not dialogs
