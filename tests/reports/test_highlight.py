"""Fenced code blocks are coloured on the server: Pygments tokens as ``hl-`` spans, nothing else."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.reports.test_latex import compile_pdf

import cairn
from cairn.reports.highlight import CLASSES, COLOURS, HIGHLIGHT_LIMIT, PREFIX, STYLE, highlight
from cairn.reports.sanitize import render_markdown

_TAG = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return unescape(_TAG.sub("", html))


def test_python_tokens_get_their_classes() -> None:
    html = highlight('import os\ndef f(x):\n    return "<b>" + 1  # note\n', "python")
    assert html is not None
    assert '<span class="hl-kn">import</span> <span class="hl-nn">os</span>' in html
    assert '<span class="hl-k">def</span> <span class="hl-nf">f</span>' in html
    assert '<span class="hl-s2">"&lt;b&gt;"</span>' in html
    assert '<span class="hl-mi">1</span>' in html
    assert '<span class="hl-c1"># note</span>' in html
    assert "style=" not in html


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("bash", "echo $HOME\n", '<span class="hl-nb">echo</span>'),
        ("yaml", "lr: 0.1\n", '<span class="hl-nt">lr</span>'),
        ("json", '{"a": true}\n', '<span class="hl-kc">true</span>'),
        ("Python", "None\n", '<span class="hl-kc">None</span>'),
        ("py", "None\n", '<span class="hl-kc">None</span>'),
    ],
)
def test_common_languages(language: str, code: str, expected: str) -> None:
    html = highlight(code, language)
    assert html is not None and expected in html


@pytest.mark.parametrize(
    "code",
    ["", "\n\n  x = 1\n\n\n", "tabs\tand  spaces \n", "no newline at the end", "é ü 漢字 🙂\n"],
)
def test_the_text_is_kept_exactly(code: str) -> None:
    html = highlight(code, "python")
    assert html is not None and _text(html) == code


def test_every_class_is_a_known_one() -> None:
    code = '@dec\nclass A(B):\n    """doc"""\n    x: int = 0x1F\n    y = f"{x!r}" or b"\\n"\n'
    for language, text in [("python", code), ("bash", "for i in $(ls); do echo $i; done\n")]:
        html = highlight(text, language)
        assert html is not None
        found = set(re.findall(r'class="([^"]*)"', html))
        assert found and found <= CLASSES


@pytest.mark.parametrize(
    "language",
    ["", "not-a-language", '"><script>alert(1)</script>', "python onclick=x", "x" * 1000],
)
def test_unknown_or_hostile_languages_are_not_highlighted(language: str) -> None:
    assert highlight("x = 1\n", language) is None


def test_a_hostile_language_in_markdown_renders_plain_escaped_code() -> None:
    html = render_markdown('```"><script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```\n')
    assert html == "<pre><code>&lt;img src=x onerror=alert(1)&gt;\n</code></pre>\n"
    html = render_markdown("```nosuchlanguage\nx < 1\n```\n")
    assert html == '<pre><code class="language-nosuchlanguage">x &lt; 1\n</code></pre>\n'


def test_html_inside_highlighted_code_stays_text() -> None:
    html = render_markdown('```html\n<script>alert(1)</script><img src=x onerror="y()">\n```\n')
    assert "<script" not in html and "<img" not in html
    assert '<span class="hl-p">&lt;</span><span class="hl-nt">script</span>' in html
    assert _text(html) == '<script>alert(1)</script><img src=x onerror="y()">\n\n'  # + </pre>'s


def test_a_huge_block_is_highlighted_up_to_the_limit_then_plain() -> None:
    line = "value = compute(1, 'two')  # three\n"
    code = line * (3 * HIGHLIGHT_LIMIT // len(line))
    html = highlight(code, "python")
    assert html is not None and _text(html) == code
    whole_lines = HIGHLIGHT_LIMIT // len(line)  # the lines that end before the limit
    assert html.count('<span class="hl-n">value</span>') == whole_lines
    plain_rest = html[html.rfind("</span>") + len("</span>") :]
    assert unescape(plain_rest) == "\n" + code[whole_lines * len(line) :]


def test_one_long_line_past_the_limit_is_all_plain() -> None:
    code = "x = '" + "a" * (2 * HIGHLIGHT_LIMIT) + "'\n"
    html = highlight(code, "python")
    assert html is not None and "<span" not in html and _text(html) == code


CODE = 'import os\ndef f(x):\n    """a\n    b"""\n    return "<b>" + 1  # \\end{cairncode} \\input{/etc/passwd}\n'


def _code_report() -> cairn.Report:
    made = cairn.Report("p", title="Code")
    made.add_markdown(
        f'```python\n{CODE}```\n\n```"><script>alert(1)</script>\nx < 1 & y\n```\n\nAs [@k].'
    )
    made.add_bibtex("@misc{k, title={T}, year=2024}")
    made.save()
    return made


@pytest.mark.usefixtures("no_open_run")
def test_the_html_export_has_the_classes_and_their_css(store_dir: Path, tmp_path: Path) -> None:
    html = _code_report().export("html", tmp_path / "r.html").read_text()
    assert '<span class="hl-k">def</span> <span class="hl-nf">f</span>' in html
    assert STYLE in html and ".hl-k," in STYLE and f"color:#{COLOURS['k']}" in STYLE
    assert "<pre><code>x &lt; 1 &amp; y\n</code></pre>" in html and "<script>" not in html
    assert "<link" not in html and "url(" not in html and "@import" not in html  # self-contained


@pytest.mark.usefixtures("no_open_run")
def test_the_markdown_export_keeps_the_fence_and_its_language(
    store_dir: Path, tmp_path: Path
) -> None:
    text = _code_report().export("markdown", tmp_path / "r.md").read_text()
    assert f"```python\n{CODE}```" in text


@pytest.mark.usefixtures("no_open_run")
def test_the_latex_export_colours_code_and_compiles(store_dir: Path, tmp_path: Path) -> None:
    folder = _code_report().export("latex", tmp_path / "paper")
    main = (folder / "main.tex").read_text()
    assert "\\RequirePackage{xcolor}" in main
    assert f"\\textcolor[HTML]{{{COLOURS['k'].upper()}}}{{def}}" in main
    assert "\\end{cairncode}\\input" not in main and "\\input{/etc/passwd}" not in main
    text = " ".join(compile_pdf(folder).split())
    assert "def f(x):" in text and 'return "<b>" + 1 # \\end{cairncode}' in text
    assert "root:" not in text and "x < 1 & y" in text
    subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "main.pdf", "page"], cwd=folder,
                   check=True)  # fmt: skip
    with Image.open(next(folder.glob("page-*.ppm"))) as page:
        pixels = np.asarray(page.convert("RGB"), dtype=int)
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    keyword_red = (red - green > 60) & (red - blue > 60)  # the keywords' #A0303A, anti-aliased
    assert keyword_red.sum() > 20


@pytest.mark.usefixtures("no_open_run")
def test_a_template_that_loads_xcolor_with_options_after_cairn_still_compiles(
    store_dir: Path, tmp_path: Path
) -> None:
    document = tmp_path / "paper.tex"
    document.write_text(
        "\\documentclass{article}\n% cairn:preamble\n\\usepackage[table,dvipsnames]{xcolor}\n"
        "\\begin{document}\n\\maketitle\n\\textcolor{ForestGreen}{Ours.}\n% cairn:body\n"
        "\\end{document}\n"
    )
    folder = _code_report().export("latex", tmp_path / "paper", template=document)
    assert "Ours." in compile_pdf(folder)


def test_the_exports_colours_are_the_dashboards_light_theme() -> None:
    """The exports' colour table (cairn.reports.highlight) and the dashboard's CSS say the same
    thing twice, in two languages: which classes share a colour (reports.css) and which colour
    (styles.css, light theme, the first --code-* of each name)."""
    web = Path(__file__).resolve().parents[2] / "web" / "src"
    light: dict[str, str] = {}
    for name, colour in re.findall(
        r"--code-(\w+):\s*#([0-9a-f]{6})", (web / "styles.css").read_text()
    ):
        light.setdefault(name, colour)
    rules = re.findall(
        r"\.rp-markdown :is\(([^)]*)\) \{\s*color: var\(--code-(\w+)\)",
        (web / "features" / "reports" / "reports.css").read_text(),
    )
    assert rules, "reports.css colours no hl- class"
    dashboard = {
        cls.strip().removeprefix(f".{PREFIX}"): light[name]
        for classes, name in rules
        for cls in classes.split(",")
    }
    exported = {short: colour for short, colour in COLOURS.items() if short in dashboard}
    assert exported == dashboard
    assert set(dashboard) <= set(COLOURS)
