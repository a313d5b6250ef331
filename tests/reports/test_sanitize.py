"""Markdown renders to HTML in which no payload can run code or load a resource."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cairn.reports.highlight import CLASSES as HIGHLIGHT_CLASSES
from cairn.reports.mathml import TAGS as MATHML_TAGS
from cairn.reports.mathml import allowed as mathml_allowed
from cairn.reports.sanitize import (
    ALLOWED_TAGS,
    render_markdown,
    safe_image,
    safe_link,
    sanitize_html,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(https://evil.example/x)">x</div>',
    "<style>body{background:url(https://evil.example)}</style>",
    '<body onload="alert(1)">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<details open ontoggle=alert(1)>",
    '"><script>alert(1)</script>',
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>` and\n\n```html\n<script>alert(1)</script>\n```",
    '<span class="x" onclick=alert(1)>x</span>',
    "$\\href{javascript:alert(1)}{x}$ $<img src=x onerror=alert(1)>$ $$</span><script>x</script>$$",
    "$\\text{<script>alert(1)</script>}$ $\\style{color:red}{x}$ $\\unicode{x3C}script$",
    '$$\\color{red" onclick="alert(1)}{x} \\mbox{</math><img src=x onerror=alert(1)>}$$',
    '<math><semantics><annotation-xml encoding="text/html"><img src=x onerror=alert(1)>'
    "</annotation-xml></semantics></math>",
    '<math><mi href="javascript:alert(1)" style="x" onclick="x">x</mi><mglyph></mglyph></math>',
]


class _Elements(HTMLParser):
    """The elements a browser would build from some HTML: (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def assert_inert(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs.items():
            if tag in MATHML_TAGS:
                assert mathml_allowed(tag, name, value), html
                continue
            assert not name.startswith("on") and name not in ("style", "srcset"), html
            url = "".join(ch for ch in value if ord(ch) > 0x20).lower()
            if name == "href":
                assert re.match(r"^(https?:|mailto:|#|[^:]*$)", url), html
            if name == "src":
                assert ":" not in url and not url.startswith("//"), html
            if name == "class":
                assert tag in ("code", "span"), html
                assert (
                    tag == "code" or value in {"math-inline", "math-display"} | HIGHLIGHT_CLASSES
                ), html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_inert(payload: str) -> None:
    assert_inert(render_markdown(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_inert_with_math_as_mathml(payload: str) -> None:
    html = render_markdown(payload, mathml=True)
    assert_inert(html)
    assert "<script" not in html and "<annotation" not in html and "<semantics" not in html


def test_math_as_mathml_or_its_tex_when_it_cannot_be() -> None:
    html = render_markdown("Loss $\\frac{1}{t}$, $\\ce{H2O}$ and\n\n$$x<y$$", mathml=True)
    assert (
        '<span class="math-inline"><math display="inline"><mrow><mfrac><mrow><mn>1</mn></mrow>'
        in html
    )
    assert '<span class="math-inline">$\\ce{H2O}$</span>' in html  # unknown to the converter
    assert '<span class="math-display"><math display="block"><mrow><mi>x</mi><mo>&lt;</mo>' in html
    assert render_markdown("$x$") == '<p><span class="math-inline">$x$</span></p>\n'  # dashboard


def test_mathml_keeps_only_its_elements_and_checked_attributes() -> None:
    raw = (
        '<math display="block" xmlns="x" onclick="x"><mstyle mathcolor="red" style="a">'
        '<mi href="javascript:x" mathvariant="bold">x</mi><mspace width="1cm;x" height="2em">'
        '</mspace><semantics><annotation-xml encoding="text/html"><b>h</b></annotation-xml>'
        '</semantics><maction actiontype="statusline"><mi>y</mi></maction></mstyle></math>'
    )
    assert sanitize_html(raw) == (
        '<math display="block"><mstyle mathcolor="red"><mi mathvariant="bold">x</mi>'
        '<mspace height="2em"></mspace>h<mi>y</mi></mstyle></math>'
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_as_raw_html_are_cleaned(payload: str) -> None:
    """The allowlist holds on its own, should the renderer ever let HTML through."""
    html = sanitize_html(payload)
    assert_inert(html)
    assert "alert(1)</script>" not in html and "evil.example" not in html.replace("&lt;", "")


def test_raw_html_with_entities_and_handlers() -> None:
    html = sanitize_html(
        '<a href="jav&#x61;script:alert(1)" onclick="x()">a</a>'
        '<img src="https://tracker.example/p.png" alt="pixel">'
        '<img src="fig.png" onerror="x()" alt="fig">'
        '<p style="color:red">p</p><td style="text-align:right">1</td>'
    )
    assert html == (
        '<a rel="noopener noreferrer nofollow">a</a>pixel<img src="fig.png" alt="fig">'
        '<p>p</p><td style="text-align:right">1</td>'
    )


def test_markdown_that_should_stay_does() -> None:
    html = render_markdown(
        "# Title\n\n*em* **strong** ~~gone~~ `code` [doc](https://example.org/a?b=1&c=2)"
        " [here](#results) ![fig](figs/loss.png)\n\n"
        "| a | b |\n|--:|:-|\n| 1 | x |\n\n```python\nprint('<hi>')\n```\n\n$x^2 + y$"
    )
    assert "<h1>Title</h1>" in html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html and "<s>gone</s>" in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">doc</a>'
        in html
    )
    assert '<a href="#results"' in html
    assert '<img src="figs/loss.png" alt="fig">' in html
    assert '<th style="text-align:right">a</th>' in html
    assert (
        '<code class="language-python"><span class="hl-nb">print</span><span class="hl-p">(</span>'
        "<span class=\"hl-s1\">'&lt;hi&gt;'</span>" in html
    )
    assert "$x^2 + y$" in html


def test_urls() -> None:
    assert safe_link("https://a.example/x") == "https://a.example/x"
    assert safe_link("mailto:a@b.c") == "mailto:a@b.c"
    assert safe_link(" java\nscript:alert(1)") is None
    assert safe_link("ftp://a") is None
    assert safe_image("data:image/png;base64,iVBORw0=") == "data:image/png;base64,iVBORw0="
    assert safe_image("data:image/svg+xml;base64,PHN2Zz4=") is None
    assert safe_image("//evil.example/x.png") is None
    assert safe_image("http://evil.example/x.png") is None
    assert safe_image("figs/a.png") == "figs/a.png"


def test_math_is_wrapped_in_a_span_with_its_tex_escaped() -> None:
    html = render_markdown("a $x<y>&z^2$ b\n\n$$\\frac{1}{2}</span><b>$$")
    assert '<span class="math-inline">$x&lt;y&gt;&amp;z^2$</span>' in html
    assert '<span class="math-display">$$\\frac{1}{2}&lt;/span&gt;&lt;b&gt;$$</span>' in html
    assert "<b>" not in html


def test_only_math_spans_are_let_through() -> None:
    # A span written in Markdown is text; the one element is the server's own math span.
    written = render_markdown('<span class="x" onclick=alert(1)>$x$</span>')
    assert written == (
        '<p>&lt;span class="x" onclick=alert(1)&gt;<span class="math-inline">$x$</span>'
        "&lt;/span&gt;</p>\n"
    )
    parser = _Elements()
    parser.feed(written)
    assert parser.found == [("p", {}), ("span", {"class": "math-inline"})]
    assert sanitize_html('<span class="x" onclick="alert(1)">hi</span>') == "hi"
    assert sanitize_html("<span>hi</span>") == "hi"
    assert sanitize_html('<span class="math-inline math-display">hi</span>') == "hi"
    assert (
        sanitize_html('<span class="math-display" onclick="alert(1)" style="x">$$y$$</span>')
        == '<span class="math-display">$$y$$</span>'
    )
    assert sanitize_html('<code class="math-inline">c</code>') == "<code>c</code>"
    assert sanitize_html('<span class="language-python">c</span>') == "c"


def test_only_highlight_classes_are_let_through() -> None:
    assert sanitize_html('<span class="hl-k">def</span>') == '<span class="hl-k">def</span>'
    assert sanitize_html('<span class="hl-kn" onclick="x()" style="x">import</span>') == (
        '<span class="hl-kn">import</span>'
    )
    for foreign in (
        "hl-zz",
        "hl-",
        "hl-k hl-n",
        "hl-k x",
        " hl-k",
        "hl-K",
        "hl-k&quot;&gt;",
        "hl-w",
    ):
        assert sanitize_html(f'<span class="{foreign}">t</span>') == "t", foreign
    assert sanitize_html('<code class="hl-k">c</code>') == "<code>c</code>"
