"""Math in reports, drawn by KaTeX in Chromium as a reader sees it: on the report page and in the
editor's preview, with its fonts loaded under the app's CSP; TeX that asks for a link, a URL or an
image, or hides an HTML tag, draws none of them, makes no request and opens no dialog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from tests.e2e.conftest import SCREENSHOTS, write_markdown
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

EULER = "$e^{i\\pi}+1=0$"
DISPLAY = "$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$"
HOSTILE = [
    "$\\href{javascript:alert(1)}{x}$",
    "$\\url{javascript:alert(1)}$",
    "$\\includegraphics{http://x/y.png}$",
    "$<img src=x onerror=alert(1)>$",
    "$\\rule{500em}{500em}$",  # a box over the whole page: kept to KaTeX's maxSize (20em)
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """The server's URL and the ids of a report with math and of one with hostile TeX."""
    path = tmp_path_factory.mktemp("e2e_report_math") / ".cairn"
    ids = []
    for title, text in (
        (
            "Math",
            f"# Euler\n\nThe identity {EULER} holds.\n\n{DISPLAY}\n\nBroken: $\\frac{{1}}{{$.",
        ),
        ("Hostile math", "\n\n".join(HOSTILE)),
    ):
        report = cairn.Report("math", title=title, dir=path)
        report.add_markdown(text)
        report.save()
        ids.append(str(report.id))
        report.close()
    with serve(path) as server:
        yield server.url, ids[0], ids[1]


def watch(page: Any) -> dict[str, list[str]]:
    """What the page asks for, says in its console and opens as dialogs, from now on."""
    seen: dict[str, list[str]] = {"requests": [], "console": [], "dialogs": [], "fonts": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on(
        "response",
        lambda r: seen["fonts"].append(f"{r.status} {r.url}") if "KaTeX_" in r.url else None,
    )
    return seen


def test_math_is_drawn_on_the_report_page_with_its_fonts(
    page: Any, reports: tuple[str, str, str]
) -> None:
    url, math_id, _ = reports
    seen = watch(page)
    page.goto(f"{url}/p/math/reports/{math_id}")
    view = page.get_by_test_id("markdown-view")
    expect(view.locator("h1")).to_have_text("Euler")
    inline = view.locator("span.math-inline")
    expect(inline.first.locator(".katex")).to_have_count(1)
    expect(view.locator("span.math-display .katex-display")).to_have_count(1)
    expect(view.locator(".katex-error")).to_have_count(1)  # the broken formula, shown in place
    expect(view.locator(".katex-error")).to_contain_text("\\frac{1}{")
    assert "e^{i\\pi}+1=0" in inline.first.locator("annotation").text_content()
    assert "$" not in inline.first.locator(".katex-html").text_content()
    loaded = page.evaluate(
        "document.fonts.ready.then(s => [...s].filter(f => f.status === 'loaded')"
        ".map(f => f.family.replaceAll('\"', '')))"
    )
    assert {"KaTeX_Main", "KaTeX_Math"} <= set(loaded), loaded
    assert seen["fonts"] and all(f.startswith("200 ") for f in seen["fonts"]), seen["fonts"]
    assert all(urlparse(r).netloc == urlparse(url).netloc for r in seen["requests"] if "://" in r)
    assert not [m for m in seen["console"] if m.startswith("error")], seen["console"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report_math.png"))


def test_math_is_drawn_in_the_editor_preview(page: Any, reports: tuple[str, str, str]) -> None:
    url, math_id, _ = reports
    page.goto(f"{url}/p/math/reports/{math_id}?edit=1")
    preview = page.get_by_test_id("markdown-preview")
    expect(preview.locator("span.math-display .katex-display")).to_have_count(1)
    write_markdown(page, "Now $a^2+b^2=c^2$ and $$\\sqrt{2}$$")
    expect(preview.locator("h1")).to_have_count(0)  # the new text's preview
    expect(preview.locator("span.math-inline .katex")).to_have_count(1)
    expect(preview.locator("span.math-display .katex-display")).to_have_count(1)
    assert "a^2+b^2=c^2" in preview.locator("annotation").first.text_content()

    long = "+".join(f"x_{{{i}}}" for i in range(300))
    write_markdown(page, f"$${long}$$", paste=True)
    display = preview.locator(".katex-display")
    expect(display.locator("annotation")).to_contain_text("x_{299}")
    box, frame = display.bounding_box(), preview.bounding_box()
    beside = (frame["x"] + frame["width"] + 12, box["y"] + box["height"] / 2)
    # what a reader sees just right of the preview is not the formula: it scrolls, not spills
    assert page.evaluate("([x, y]) => !document.elementFromPoint(x, y)?.closest('.katex')", beside)
    assert display.evaluate("el => el.scrollWidth > el.clientWidth")


def test_hostile_tex_draws_no_link_image_request_or_dialog(
    page: Any, reports: tuple[str, str, str]
) -> None:
    url, _, hostile_id = reports
    seen = watch(page)
    page.goto(f"{url}/p/math/reports/{hostile_id}")
    view = page.get_by_test_id("markdown-view")
    expect(view.locator(".katex")).to_have_count(len(HOSTILE))
    page.wait_for_load_state("networkidle")
    assert view.locator("a, img, script, iframe, object, embed").count() == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript\"], img').length") == 0
    assert not seen["dialogs"]
    assert all(urlparse(r).netloc == urlparse(url).netloc for r in seen["requests"] if "://" in r)
    assert not [r for r in seen["requests"] if r.endswith(("/x", "/y.png"))], seen["requests"]
    rule = view.locator(".katex-rule").bounding_box()
    assert rule is not None and rule["width"] < 500 and rule["height"] < 500, rule


def test_pages_without_math_do_not_load_katex(page: Any, reports: tuple[str, str, str]) -> None:
    url, _, _ = reports
    seen = watch(page)
    page.goto(f"{url}/p/math/reports")
    expect(page.get_by_test_id("report-row")).to_have_count(2)
    page.wait_for_load_state("networkidle")
    assert seen["requests"] and not [r for r in seen["requests"] if "katex" in r.lower()]
