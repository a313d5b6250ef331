"""Code blocks coloured on the server: a fenced block whose language Pygments knows becomes
``<span class="hl-XX">`` tokens, XX being Pygments' short class of the token's standard type
(``k`` keyword, ``s2`` string, ``c1`` comment...). No inline style: the dashboard's and the HTML
export's CSS colour the classes. A language Pygments does not know, and any text past
``HIGHLIGHT_LIMIT``, stays plain (escaped) code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from html import escape

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound

PREFIX = "hl-"
HIGHLIGHT_LIMIT = 20_000
"""Characters of a block highlighted (to the last whole line); the rest is plain, so a huge
block costs an escape, not a lexer's pass."""
CLASSES = frozenset(PREFIX + short for short in STANDARD_TYPES.values() if short not in ("", "w"))
"""Every class a highlighted span may carry (what the sanitizer lets through)."""


def highlight(code: str, language: str) -> str | None:
    """``code`` as escaped HTML with ``hl-`` spans for the tokens of ``language``; None when
    Pygments does not know the language."""
    runs = tokens(code, language)
    if runs is None:
        return None
    out: list[str] = []
    for short, text in runs:
        text = escape(text, quote=False)
        out.append(f'<span class="{PREFIX}{short}">{text}</span>' if short else text)
    return "".join(out)


def tokens(code: str, language: str) -> list[tuple[str, str]] | None:
    """``code`` as (short class, text) runs, '' for plain text, whitespace and whatever lies past
    ``HIGHLIGHT_LIMIT``; None when Pygments does not know ``language``."""
    lexer = _lexer(language.strip().lower())
    if lexer is None:
        return None
    cut = len(code) if len(code) <= HIGHLIGHT_LIMIT else code.rfind("\n", 0, HIGHLIGHT_LIMIT) + 1
    runs = list(_runs(lexer.get_tokens(code[:cut])))
    return [*runs, ("", code[cut:])] if cut < len(code) else runs


@lru_cache(maxsize=64)
def _lexer(name: str) -> Lexer | None:
    if not name or len(name) > 40:
        return None
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _runs(tokens: Iterable[tuple[_TokenType, str]]) -> Iterator[tuple[str, str]]:
    """The tokens as (short class, text), neighbours of one class joined (fewer spans); plain
    text and whitespace have the class ''."""
    last, text = "", list[str]()
    for kind, value in tokens:
        while kind not in STANDARD_TYPES:
            kind = kind.parent
        short = "" if STANDARD_TYPES[kind] == "w" else STANDARD_TYPES[kind]
        if short != last and text:
            yield last, "".join(text)
            text = []
        last = short
        text.append(value)
    if text:
        yield last, "".join(text)


_COLOURS = {  # the dashboard's light theme (web/src/styles.css, --code-*)
    "a0303a": "k kc kd kn kp kr kt ow",
    "1f5c99": "s s1 s2 sa sb sc sd dl se sh si sr ss sx",
    "0b6e75": "m mb mf mh mi mo il l ld",
    "6e7781": "c c1 ch cm cp cpf cs",
    "6f42c1": "nf fm nc nn ne nd",
    "8a4b08": "nb bp no nv vc vg vi vm",
    "1a6b32": "nt na gi",
    "cf222e": "err gd gr gt",
}
COLOURS = {short: colour for colour, shorts in _COLOURS.items() for short in shorts.split()}
"""A class's colour (hex RGB) on a light page: the HTML and LaTeX exports."""
STYLE = "".join(
    ",".join(f".{PREFIX}{short}" for short in shorts.split()) + f"{{color:#{colour}}}"
    for colour, shorts in _COLOURS.items()
)
"""CSS for the classes, for a page of its own (the HTML export)."""
