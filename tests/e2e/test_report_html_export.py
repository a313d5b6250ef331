"""The HTML export opened in headless Chromium from a file, as a reader offline would: its math
laid out as MathML (no script), and nothing requested from anywhere else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cairn


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
