"""TeX math as MathML, for the HTML export: the browser lays it out itself (MathML Core, in
Chromium 109+, Firefox and Safari), with no script and nothing to load.

`latex2mathml <https://pypi.org/project/latex2mathml/>`_ converts the TeX to a tree, which is then
written out again through an allowlist, since the converter passes some input through as it is
(``\\text{<b>}`` would come out as a ``<b>`` element, ``\\href`` and ``\\style`` as attributes):

- only the elements in ``TAGS`` (an element outside it: the whole formula falls back);
- only the attributes in ``ATTRIBUTES``, each value checked (a colour, a length, a keyword); so
  ``href``, ``style``, event handlers and ``xmlns`` go, and so would ``<annotation-xml>``;
- all text escaped: the converter's ``&#x...;`` references become characters, anything else
  (``&lt;``, ``<``) is text.

``None`` (the caller shows the TeX as written) when the converter fails, leaves a command it does
not know (``\\ce``, ``\\label``...) as text, is given a macro definition (``\\def``,
``\\newcommand``...: one line can expand to millions of nodes) or more than ``MAX_TEX``
characters. The package is in the ``reports`` extra; without it every formula falls back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

MAX_TEX = 5_000
"""Characters of TeX in one formula at most (2,000 took the converter 14 ms here, under load)."""

TAGS = frozenset(
    "math mrow mi mn mo mtext mspace msub msup msubsup mfrac msqrt mroot mover munder "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose".split()
)
"""The MathML elements latex2mathml writes (``menclose`` is not in MathML Core: its content
still shows)."""

_LENGTH = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([a-z]{1,5}|%)?$|^[a-z]{1,30}$")
_LENGTHS = re.compile(
    r"^([+-]?(\d+\.?\d*|\.\d+)([a-z]{1,5}|%)?)( [+-]?(\d+\.?\d*|\.\d+)([a-z]{1,5}|%)?)*$"
)


def _words(*allowed: str) -> Callable[[str], bool]:
    return lambda value: bool(value) and all(word in allowed for word in value.split(" "))


_BOOLEAN = _words("true", "false")
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30})$").match
_VARIANTS = (
    "normal bold italic bold-italic double-struck script bold-script fraktur bold-fraktur "
    "sans-serif bold-sans-serif sans-serif-italic sans-serif-bold-italic monospace"
)
_NOTATIONS = (
    "box updiagonalstrike downdiagonalstrike horizontalstrike verticalstrike circle roundedbox "
    "left right top bottom"
)
_SIZES = "width height depth lspace rspace voffset minsize maxsize mathsize linethickness"
ATTRIBUTES: dict[str, Callable[[str], object]] = {
    "display": _words("inline", "block"),
    "mathvariant": _words(*_VARIANTS.split()),
    "mathcolor": _COLOUR,
    "mathbackground": _COLOUR,
    **dict.fromkeys(
        "stretchy fence accent largeop movablelimits separator displaystyle symmetric".split(),
        _BOOLEAN,
    ),
    "form": _words("prefix", "infix", "postfix"),
    "notation": _words(*_NOTATIONS.split()),
    "scriptlevel": re.compile(r"^[+-]?\d{1,2}$").match,
    "columnalign": _words("left", "center", "right"),
    "columnlines": _words("none", "solid", "dashed"),
    "rowlines": _words("none", "solid", "dashed"),
    "linebreak": _words("newline"),
    "rowspacing": _LENGTHS.match,
    "columnspacing": _LENGTHS.match,
    **dict.fromkeys(_SIZES.split(), _LENGTH.match),
}
"""Each attribute kept, with the check its value must pass (else the attribute goes)."""

THIN_SPACE = '<mspace width="0.1667em"></mspace>'
"""After a function's name followed by anything but an operator, as TeX puts a thin space
between ``\\log`` and ``p`` (and none before ``(``); the converter writes none."""
_ROWS = frozenset("math mrow mstyle mtd mpadded mphantom menclose msqrt".split())
"""The elements whose children are laid out in a row (others take their children by place)."""
_MACRO = re.compile(
    r"\\(def|edef|gdef|xdef|let|newcommand|renewcommand|providecommand)(?![a-zA-Z])"
)
_REFERENCE = re.compile(r"&#x([0-9a-fA-F]{1,6});")
_UNKNOWN = re.compile(r"^\\[a-zA-Z]")


def allowed(tag: str, name: str, value: str) -> bool:
    """Whether MathML element ``tag`` may keep attribute ``name`` with ``value``."""
    check = ATTRIBUTES.get(name)
    return tag in TAGS and check is not None and bool(check(value))


def to_mathml(tex: str, display: bool = False) -> str | None:
    """``tex`` (without its ``$`` delimiters) as a ``<math>`` element, or None when it cannot be
    drawn safely (see the module's doc): show the TeX as written instead."""
    if len(tex) > MAX_TEX or _MACRO.search(tex):
        return None
    try:
        from latex2mathml.converter import convert_to_element
    except ImportError:
        return None
    try:
        tree = convert_to_element(tex, display="block" if display else "inline")
    except Exception:  # the converter's errors are many and untyped (RecursionError too)
        return None
    out: list[str] = []
    return "".join(out) if _write(tree, out) else None


def _write(element: Element, out: list[str]) -> bool:
    tag = element.tag
    if not isinstance(tag, str) or tag not in TAGS:
        return False
    attrs = "".join(
        f' {name}="{escape(value)}"'
        for name, value in element.attrib.items()
        if allowed(tag, name, value)
    )
    out.append(f"<{tag}{attrs}>")
    if element.text:
        if tag in ("mi", "mo", "mtext") and _UNKNOWN.match(element.text):
            return False  # a command the converter does not know, left as its name
        out.append(_text(element.text))
    children = list(element)
    for i, child in enumerate(children):
        if not _write(child, out):
            return False
        if child.tail:
            out.append(_text(child.tail))
        after = children[i + 1] if i + 1 < len(children) else None
        if tag in _ROWS and _function(child) and after is not None and after.tag != "mo":
            out.append(THIN_SPACE)
    out.append(f"</{tag}>")
    return True


def _function(element: Element) -> bool:
    """Whether ``element`` is a function's name (``\\log``, ``\\sin^2``), written as an ``<mi>``
    by the converter, which MathML does not space from what follows as TeX does."""
    if element.tag in ("msub", "msup", "msubsup") and len(element):
        element = element[0]
    text = element.text or ""
    return element.tag == "mi" and len(text) > 1 and text.isascii() and text.isalpha()


def _text(text: str) -> str:
    return escape(_REFERENCE.sub(_character, text), quote=False)


def _character(found: re.Match[str]) -> str:
    code = int(found.group(1), 16)
    if code < 0x20 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return found.group(0)  # not a character a page may hold: shown as written
    return chr(code)
