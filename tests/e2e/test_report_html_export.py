"""The HTML export opened in headless Chromium from a file, as a reader offline would: its math
laid out as MathML (no script), a grouped line panel and a bar panel drawn as SVG, and nothing
requested from anywhere else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import cairn
from cairn.reports.bar_svg import LABEL_WIDTH, RIGHT, WIDTH

BAR_SPAN = WIDTH - LABEL_WIDTH - RIGHT
"""A bar as long as the greatest value, in pixels."""


def _export(store: Path, out: Path) -> Path:
    report = cairn.Report("export", title="Math offline", dir=store)
    report.add_markdown(
        "The loss falls as $\\frac{1}{t}$, see $x^2$ and $\\ce{H2O}$.\n\n"
        "$$\\sum_{i=1}^{n} \\frac{a_i}{b_i} = \\sqrt{x}$$\n\n"
        "Hostile: $\\href{javascript:document.title='pwned'}{click}$ "
        "$\\text{<img src=x onerror=\"document.title='pwned'\">}$"
    )
    report.save()
    return report.export("html", out / "math.html")


def test_math_is_laid_out_as_mathml_offline(page: Any, tmp_path: Path) -> None:
    path = _export(tmp_path / ".cairn", tmp_path)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())

    fraction = page.locator("span.math-inline mfrac").first
    box = fraction.bounding_box()
    assert box is not None and box["width"] > 4 and box["height"] > 10
    top = page.locator("span.math-inline mfrac > :nth-child(1)").first.bounding_box()
    bottom = page.locator("span.math-inline mfrac > :nth-child(2)").first.bounding_box()
    assert top is not None and bottom is not None
    assert top["y"] + top["height"] <= bottom["y"] + 1  # the numerator sits over the denominator

    display = page.locator("span.math-display math").first
    assert display.get_attribute("display") == "block"
    paragraph = page.locator("p", has=page.locator("span.math-display")).first.bounding_box()
    shown = display.bounding_box()
    assert shown is not None and paragraph is not None and shown["width"] > 60
    # A converted span holds MathML only; the one the converter cannot read keeps its TeX.
    texts = page.locator("span.math-inline, span.math-display").all_inner_texts()
    assert [t for t in texts if "$" in t] == ["$\\ce{H2O}$"]
    assert page.evaluate("document.querySelectorAll('math').length") == 5

    page.locator("span.math-inline mrow", has_text="click").first.click()
    assert page.title() == "Math offline"  # nothing ran: no link, no handler
    assert page.locator("img").count() == 0
    assert requests == [path.as_uri()]


HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


def _runs_report(store: Path, out: Path) -> Path:
    for i, width in enumerate((32, 32, 64, 64, 128)):
        name = HOSTILE if i == 4 else f"w{width}-{i}"
        run = cairn.init(project="export", dir=store, config={"width": width}, name=name)
        for step in range(40):
            run.log({"loss": (1 + i) / (1 + step)})
        run.summary["acc"] = 0.5 + i / 10
        run.finish(quiet=True)
    report = cairn.Report("export", title="Groups and bars", dir=store)
    report.add_panel("line", keys=["loss"], group_by="config.width", smoothing=0.3, title="Loss")
    report.add_panel("bar", keys=["summary.acc"], title="Accuracy")
    report.save()
    return report.export("html", out / "charts.html")


def test_grouped_lines_and_bars_are_drawn_and_nothing_is_loaded(page: Any, tmp_path: Path) -> None:
    path = _runs_report(tmp_path / ".cairn", tmp_path)
    html = path.read_text()
    # Self-contained: the only address in the file is the SVG namespace, which loads nothing.
    assert set(re.findall(r"(?:https?:)?//[^\s\"'<>)]+", html)) == {"http://www.w3.org/2000/svg"}
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())

    lines = page.locator("figure").nth(0)
    legend = lines.locator("g.legend")
    assert legend.count() == 3
    texts = legend.locator("text").all_text_contents()
    assert sorted(texts) == ["128", "32 (2 runs)", "64 (2 runs)"]
    # The table under it: each run's swatch in its group's colour, the hostile name as text.
    swatches = {
        name: lines.locator("tr", has_text=name).locator("span").get_attribute("style")
        for name in ("w32-0", "w32-1", "w64-2")
    }
    assert swatches["w32-0"] == swatches["w32-1"] != swatches["w64-2"]
    assert lines.locator("td", has_text=HOSTILE).count() == 1
    bands = lines.locator("polygon")
    assert bands.count() == 3
    band = bands.first.bounding_box()
    assert band is not None and band["width"] > 400 and band["height"] > 10
    assert lines.locator("polyline").count() == 6  # each group: as logged (faint) and smoothed

    bars = page.locator("figure").nth(1).locator("rect")
    assert bars.count() == 5
    for i in range(5):  # each bar as long as its run's accuracy (0.5 to 0.9), from zero
        box = bars.nth(i).bounding_box()
        value = float(bars.nth(i).locator("title").text_content().rsplit("= ", 1)[1])
        assert box is not None and abs(box["width"] / value - BAR_SPAN / 0.9) < 1
    assert page.locator("img").count() == 0 and page.title() == "Groups and bars"
    assert requests == [path.as_uri()]
