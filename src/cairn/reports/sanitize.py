"""Markdown to safe HTML: rendered with markdown-it-py (CommonMark plus GFM tables, raw HTML off),
then passed through an allowlist, so nothing in a report can run code or load a resource.

What survives: the tags Markdown itself produces, with only their harmless attributes; links to
``http(s):``, ``mailto:``, ``#anchors`` and relative paths (opened with ``rel="noopener
noreferrer nofollow"``); images from relative paths or ``data:image/{png,gif,jpeg,webp}``; math
as ``<span class="math-inline">$x^2$</span>`` or ``<span class="math-display">$$…$$</span>``, the
TeX as escaped text with its delimiters, for the dashboard to draw with KaTeX, or for the HTML
export (``mathml=True``) that span around the formula's MathML (``cairn.reports.mathml``, whose
elements and checked attributes are the only MathML kept); a fenced code block in a language Pygments knows as ``<span
class="hl-k">``... tokens (``cairn.reports.highlight``), no other span class. Gone:
every other tag (``<script>``, ``<iframe>``, ``<style>``... with their content for the first
three kinds), event handlers and ``style``, ``javascript:``/``vbscript:``/``data:`` links, and
images from another host (a remote image is a request a reader did not make; its alt text stays).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from cairn.reports.highlight import CLASSES as HIGHLIGHT_CLASSES
from cairn.reports.highlight import highlight
from cairn.reports.markdown import parser
from cairn.reports.mathml import TAGS as MATHML_TAGS
from cairn.reports.mathml import allowed as mathml_allowed
from cairn.reports.mathml import to_mathml

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "s", "span", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
} | MATHML_TAGS  # fmt: skip
ALLOWED_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "span": {"class"},
    "ol": {"start"},
    "td": {"style"},
    "th": {"style"},
}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
VOID = {"br", "hr", "img"}
LINK_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_DATA_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]*$")
_ALIGN = re.compile(r"^text-align:\s*(left|right|center)$")
_MATH = re.compile(r"^math-(inline|display)$")
_CLASSES: dict[str, Callable[[str], object]] = {
    "code": re.compile(r"^language-[\w+\-.#]+$").match,  # a code block's language
    # math for the dashboard's KaTeX, or a highlighted code token
    "span": lambda v: _MATH.match(v) is not None or v in HIGHLIGHT_CLASSES,
}
NEEDS_CLASS = {"span"}
"""Tags kept only with an allowed class (a bare or foreign ``<span>`` goes, its text stays)."""
_PLAIN_CHECKS = {
    "style": lambda v: _ALIGN.match(v.strip()) is not None,  # table column alignment only
    "start": str.isdigit,
}


def render_markdown(
    text: str, numbers: dict[str, int] | None = None, *, mathml: bool = False
) -> str:
    """``text`` (Markdown) as sanitized HTML: math as written in a ``math-inline`` or
    ``math-display`` span (``<span class="math-inline">$x^2$</span>``), or with ``mathml`` as
    MathML in that span where it converts; a citation as the ``numbers`` of its keys
    (``[1, 3]``; ``?`` for a key not in them)."""
    md = parser()
    env = {"numbers": numbers or {}, "mathml": mathml}
    return sanitize_html(md.renderer.render(md.parse(text), md.options, env))


def _math(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    kind = "math-display" if token.type == "math_display" else "math-inline"
    drawn = to_mathml(token.content, kind == "math-display") if env.get("mathml") else None
    if drawn is not None:
        return f'<span class="{kind}">{drawn}</span>'
    tex = escape(f"{token.markup}{token.content}{token.markup}", quote=False)
    return f'<span class="{kind}">{tex}</span>'


def _citation(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    numbers = env["numbers"]
    return "[" + ", ".join(str(numbers.get(k, "?")) for k in tokens[idx].meta["keys"]) + "]"


def _highlight(code: str, language: str, attrs: str) -> str:
    return highlight(code, language) or ""  # "": markdown-it escapes the code itself


for _rule in ("math_inline", "math_display"):
    parser().add_render_rule(_rule, _math)
parser().add_render_rule("citation", _citation)
parser().options.highlight = _highlight


def sanitize_html(html: str) -> str:
    """``html`` with only allowlisted tags, attributes and URLs left (see the module's doc)."""
    cleaner = _Cleaner()
    cleaner.feed(html)
    cleaner.close()
    return "".join(cleaner.out)


def safe_link(url: str) -> str | None:
    """``url`` when a link may point there, else None."""
    url = _compact(url)
    scheme = _SCHEME.match(url)
    if scheme is None:
        return url
    return url if scheme.group(1).lower() in LINK_SCHEMES else None


def safe_image(url: str) -> str | None:
    """``url`` when an image may load from it (this folder, or inline data), else None."""
    url = _compact(url)
    if _DATA_IMAGE.match(url):
        return url
    if _SCHEME.match(url) or url.startswith(("//", "\\\\", "/\\", "\\/")):
        return None
    return url


def _compact(url: str) -> str:
    # Browsers ignore tabs, newlines and leading controls inside a URL: "java\tscript:" runs.
    return "".join(ch for ch in url if ord(ch) > 0x20 and ch != "\x7f")


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping = 0  # depth inside a tag dropped with its content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skipping += 1
            return
        if self.skipping or tag not in ALLOWED_TAGS:
            return
        kept = self._attrs(tag, attrs)
        if kept is None:
            return
        if tag == "a":
            kept.append(("rel", "noopener noreferrer nofollow"))
        text = "".join(f' {name}="{escape(value, quote=True)}"' for name, value in kept)
        self.out.append(f"<{tag}{text}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(escape(data, quote=False))

    def close(self) -> None:
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str]] | None:
        """The attributes kept; None when the element must go (an image from elsewhere)."""
        kept: list[tuple[str, str]] = []
        allowed = ALLOWED_ATTRS.get(tag, set())
        for name, raw in attrs:
            value = raw or ""
            if tag in MATHML_TAGS:
                if mathml_allowed(tag, name, value):
                    kept.append((name, value))
                continue
            if name not in allowed:
                continue
            if name == "href":
                link = safe_link(value)
                if link is None:
                    continue
                value = link
            elif name == "src":
                image = safe_image(value)
                if image is None:
                    alt = dict(attrs).get("alt") or ""
                    self.out.append(escape(alt, quote=False))
                    return None
                value = image
            elif name == "class":
                if not _CLASSES[tag](value):
                    continue
            elif name in _PLAIN_CHECKS and not _PLAIN_CHECKS[name](value):
                continue
            kept.append((name, value))
        if tag == "img" and not any(name == "src" for name, _ in kept):
            return None
        if tag in NEEDS_CLASS and not any(name == "class" for name, _ in kept):
            return None
        return kept
