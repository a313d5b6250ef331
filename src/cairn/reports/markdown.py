"""The one Markdown parser of reports: markdown-it-py (CommonMark, GFM tables, strikethrough, raw
HTML off) with two inline rules of its own, so every export reads a text the same way:

- math: ``$...$`` (inline) and ``$$...$$`` (display) become ``math_inline`` / ``math_display``
  tokens whose ``content`` is the TeX as written (no emphasis or escapes applied inside). An
  opening ``$`` is not followed by a space, a closing one is not preceded by a space nor followed
  by a digit (so "$5 and $6" stays text); ``\\$`` is a dollar sign.
- citations: ``[@key]`` or ``[@a; @b]`` (not followed by ``(``: that is a link) becomes a
  ``citation`` token with ``meta["keys"]``.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_CITATION = re.compile(r"\[(@[\w:.+/\-]+(?:\s*;\s*@[\w:.+/\-]+)*)\]", re.ASCII)
CITE_KEY = re.compile(r"^[\w:.+/\-]+$", re.ASCII)
"""What a citation key may hold (BibTeX keys outside it cannot be cited)."""


@cache
def parser() -> MarkdownIt:
    """The reports' Markdown parser (see the module's doc)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )
    md.inline.ruler.before("escape", "math", _math)
    md.inline.ruler.before("link", "citation", _citation)
    return md


def citations(text: str) -> list[str]:
    """The keys ``text`` cites, in order, each once."""
    keys: list[str] = []
    for block in parser().parse(text):
        for token in block.children or []:
            if token.type == "citation":
                keys += [k for k in token.meta["keys"] if k not in keys]
    return keys


def _math(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "$":
        return False
    display = src.startswith("$$", start)
    opener = 2 if display else 1
    begin = start + opener
    if begin >= state.posMax or (not display and src[begin].isspace()):
        return False
    end = begin
    while True:
        end = src.find("$$" if display else "$", end)
        if end < 0 or end >= state.posMax:
            return False
        if src[end - 1] == "\\":  # \$ inside math is a dollar sign
            end += 1
            continue
        if not display and (src[end - 1].isspace() or src[end + 1 : end + 2].isdigit()):
            end += 1
            continue
        break
    content = src[begin:end]
    if not content.strip():
        return False
    if not silent:
        token = state.push("math_display" if display else "math_inline", "math", 0)
        token.content = content
        token.markup = "$$" if display else "$"
    state.pos = end + opener
    return True


def _citation(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    found = _CITATION.match(state.src, state.pos, state.posMax)
    if found is None or state.src[found.end() : found.end() + 1] == "(":
        return False
    if not silent:
        token = state.push("citation", "cite", 0)
        token.meta = {"keys": [k.strip()[1:] for k in found.group(1).split(";")]}
        token.content = found.group(0)
    state.pos = found.end()
    return True


def plain(text: str) -> str:
    """Run names, filters and captions as plain text in Markdown: no line breaks, no raw HTML."""
    return " ".join(text.split()).replace("<", "&lt;").replace(">", "&gt;")
