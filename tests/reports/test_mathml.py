"""TeX math to MathML for the HTML export: what latex2mathml writes survives, nothing else does,
and what cannot be drawn safely falls back to the TeX as text."""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ET

import pytest
from latex2mathml.converter import convert

from cairn.reports.mathml import ATTRIBUTES, MAX_TEX, TAGS, THIN_SPACE, to_mathml

TEX = [
    r"\frac{a}{b} + x^2_i",
    r"\sqrt[3]{x} \cdot \sqrt{y}",
    r"\left(\frac12\right) \leq \mathbb{R} \times \mathcal{O}(1/t)",
    r"\begin{pmatrix}1&2\\3&4\end{pmatrix}",
    r"\begin{array}{c|c}a&b\\\hline c&d\end{array}",
    r"\hat{x}\overline{y}\underbrace{z}_{a}\xrightarrow{f}",
    r"\sum_{i=1}^{n} \int_0^\infty e^{-t}\,dt",
    r"\boxed{x} \cancel{y} \color{red}{z} \colorbox{blue}{w} \hspace{1cm} \rule{1cm}{2mm}",
    r"\displaystyle\lim_{n\to\infty} \operatorname{argmax}_\theta \mathbf{W}",
    r"\text{if } x \neq 0 \quad \mbox{else}",
]


def _tree(mathml: str) -> list[tuple[str, dict[str, str], str]]:
    """Every element of ``mathml`` in document order: (tag, attributes, text)."""
    root = ET.fromstring(mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', ""))
    return [(e.tag, dict(e.attrib), (e.text or "").strip()) for e in root.iter()]


@pytest.mark.parametrize("tex", TEX)
def test_every_element_and_attribute_the_converter_writes_survives(tex: str) -> None:
    ours = to_mathml(tex)
    assert ours is not None
    assert _tree(ours.replace(THIN_SPACE, "")) == _tree(convert(tex))
    assert {tag for tag, _, _ in _tree(ours)} <= TAGS
    assert {name for _, attrs, _ in _tree(ours) for name in attrs} <= set(ATTRIBUTES)


def test_inline_and_display() -> None:
    assert (
        to_mathml("x^2")
        == '<math display="inline"><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></math>'
    )
    display = to_mathml(r"\frac{1}{2}", display=True)
    assert display is not None and display.startswith('<math display="block">')
    assert "<mfrac><mrow><mn>1</mn></mrow><mrow><mn>2</mn></mrow></mfrac>" in display


def test_a_function_name_is_spaced_from_what_follows_as_tex_does() -> None:
    assert to_mathml(r"\log p") == (
        f'<math display="inline"><mrow><mi>log</mi>{THIN_SPACE}<mi>p</mi></mrow></math>'
    )
    assert f"</msup>{THIN_SPACE}<mi>x</mi>" in (to_mathml(r"\sin^2 x") or "")
    assert THIN_SPACE not in (to_mathml(r"\log(x) + ab + \exp") or "")  # before (, or at the end
    # not between a subscript's base and its index: their places are fixed, not a row
    assert f"<msub><mi>log</mi><mn>2</mn></msub>{THIN_SPACE}<mi>x" in (to_mathml(r"\log_2 x") or "")


@pytest.mark.parametrize(
    ("tex", "gone"),
    [
        (r"\href{javascript:alert(1)}{x}", "href"),
        (r"\href{https://evil.example}{x}", "evil.example"),
        (r"\style{background:url(https://evil.example)}{x}", "style"),
        (r'\color{red" onmouseover="alert(1)}{x}', "onmouseover"),
        (r"\color{url(https://evil.example)}{x}", "evil.example"),
        (r"\hspace{1cm;background:red}", "background"),
    ],
)
def test_hostile_attributes_are_dropped(tex: str, gone: str) -> None:
    html = to_mathml(tex)
    assert html is not None and gone not in html
    assert "<mi>x</mi>" in html or "mspace" in html


@pytest.mark.parametrize(
    "tex",
    [
        r"\text{<script>alert(1)</script>}",
        r"\mbox{<img src=x onerror=alert(1)>}",
        r"\operatorname{<svg onload=alert(1)>}",
        "<script>alert(1)</script>",
        r"\unicode{x3C}script\unicode{x3E}",
        r"\text{&lt;b&gt;}",
    ],
)
def test_markup_inside_math_is_text(tex: str) -> None:
    html = to_mathml(tex)
    assert html is not None
    tags = {tag for tag, _, _ in _tree(html)}
    assert tags <= TAGS, html
    assert "<script" not in html and "<img" not in html and "<svg" not in html and "<b>" not in html


def test_text_keeps_what_was_written() -> None:
    assert (
        to_mathml(r"\text{<b>}")
        == '<math display="inline"><mrow><mtext>&lt;b&gt;</mtext></mrow></math>'
    )
    assert (
        to_mathml(r"\text{&lt;}")
        == '<math display="inline"><mrow><mtext>&amp;lt;</mtext></mrow></math>'
    )
    assert "\U0001d4aa" in (to_mathml(r"\mathcal{O}") or "")  # the converter's &#x1D4AA;


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{",  # the converter fails
        r"\ce{H2O}",  # a command it does not know stays its name: not drawn
        r"\label{eq}",
        r"\def\a{x}\a",
        r"\newcommand{\a}{xxxxxxxxxx}\newcommand{\b}{\a\a\a\a\a\a\a\a\a\a}\b\b\b",
        "{" * 2000 + "x" + "}" * 2000,  # RecursionError inside the converter
        "x+" * MAX_TEX,
    ],
)
def test_what_cannot_be_drawn_falls_back(tex: str) -> None:
    assert to_mathml(tex) is None


def test_huge_input_falls_back_at_once() -> None:
    start = time.perf_counter()
    assert to_mathml("x^" * 500_000) is None
    assert time.perf_counter() - start < 0.5  # refused by its length, never converted


def test_without_latex2mathml_every_formula_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "latex2mathml.converter", None)  # import fails, as uninstalled
    assert to_mathml("x^2") is None
