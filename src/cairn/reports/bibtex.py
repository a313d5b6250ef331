"""A report's references: BibTeX entries read from its ``bibtex`` blocks, numbered in the order
the Markdown first cites them (then the entries never cited, in their order), as BibTeX's
``unsrt`` style numbers them in the LaTeX export.

The reader takes ``@type{key, field = {braced} or "quoted" or 2024, ...}``; ``@comment`` is
skipped; ``@string``, ``@preamble`` and ``#`` concatenation are refused (a preamble is LaTeX run
as it is). Field values are LaTeX by BibTeX's convention (``{\\"o}``, ``$\\alpha$``): written to
``references.bib`` through ``cairn.reports.tex.inert`` so none can read a file or run a command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cairn.reports.markdown import CITE_KEY

_AT = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_FIELD = re.compile(r"\s*([A-Za-z][\w\-:.]*)\s*=\s*", re.ASCII)


@dataclass(frozen=True)
class Entry:
    """One reference: ``@type{key, fields}``, field names lower-cased."""

    type: str
    key: str
    fields: dict[str, str]


def parse(text: str) -> list[Entry]:
    """The entries of ``text``; ValueError naming the line of anything it cannot read."""
    entries: list[Entry] = []
    pos = 0
    while (found := _AT.search(text, pos)) is not None:
        kind = found.group(1).lower()
        closer = "}" if found.group(2) == "{" else ")"
        start = found.end()
        if kind == "comment":
            pos = _balanced_end(text, start - 1, closer)
            continue
        if kind in ("string", "preamble"):
            raise ValueError(
                f"line {_line(text, found.start())}: @{kind} is not supported in a report's "
                "BibTeX (write the text into the entries)"
            )
        comma = text.find(",", start)
        key = text[start:comma].strip() if comma >= 0 else ""
        if not CITE_KEY.match(key):
            raise ValueError(
                f"line {_line(text, found.start())}: @{kind} needs a key of letters, digits and "
                f"_ : . + / - followed by a comma, got {key!r}"
            )
        fields, pos = _fields(text, comma + 1, closer)
        if any(e.key == key for e in entries):
            raise ValueError(f"line {_line(text, found.start())}: key {key!r} appears twice")
        entries.append(Entry(kind, key, fields))
    return entries


def numbered(entries: list[Entry], cited: list[str]) -> dict[str, int]:
    """Each entry's number: the cited ones in citing order, then the others in order."""
    known = {e.key for e in entries}
    order = [k for k in cited if k in known]
    order += [e.key for e in entries if e.key not in order]
    return {key: i + 1 for i, key in enumerate(order)}


def plain(entry: Entry) -> str:
    """A reference as one line of plain text: authors, title, venue, year."""
    f = {k: _untex(v) for k, v in entry.fields.items()}
    venue = f.get("journal") or f.get("booktitle") or f.get("publisher") or f.get("howpublished")
    parts = [f.get("author", "").replace(" and ", ", "), f.get("title"), venue, f.get("year")]
    text = ". ".join(p for p in parts if p) or entry.key
    return f"{text}." + (f" {f['url']}" if f.get("url") else "")


def _fields(text: str, pos: int, closer: str) -> tuple[dict[str, str], int]:
    fields: dict[str, str] = {}
    while True:
        rest = text[pos:].lstrip(" \t\r\n,")
        pos = len(text) - len(rest)
        if rest.startswith(closer):
            return fields, pos + 1
        found = _FIELD.match(text, pos)
        if found is None:
            raise ValueError(
                f"line {_line(text, pos)}: expected `name = {{value}}` or the entry's closing "
                f"{closer!r}"
            )
        name, pos = found.group(1).lower(), found.end()
        value, pos = _value(text, pos)
        if text[pos:].lstrip().startswith("#"):
            raise ValueError(f"line {_line(text, pos)}: '#' concatenation is not supported")
        fields[name] = value


def _value(text: str, pos: int) -> tuple[str, int]:
    head = text[pos : pos + 1]
    if head == "{":
        end = _balanced_end(text, pos, "}")
        return text[pos + 1 : end - 1], end
    if head == '"':
        depth, i = 0, pos + 1
        while i < len(text):
            ch = text[i]
            depth += (ch == "{") - (ch == "}")
            if ch == '"' and depth == 0 and text[i - 1] != "\\":
                return text[pos + 1 : i], i + 1
            i += 1
        raise ValueError(f"line {_line(text, pos)}: a quoted value never ends")
    found = re.compile(r"\d+").match(text, pos)
    if found is None:
        raise ValueError(
            f'line {_line(text, pos)}: a value is {{braced}}, "quoted" or a number '
            "(@string macros are not supported)"
        )
    return found.group(0), found.end()


def _balanced_end(text: str, pos: int, closer: str) -> int:
    """The index after the bracket that closes the one at ``pos``."""
    opener, depth, i = text[pos], 0, pos
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2  # an escaped brace counts for nothing
            continue
        if ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"line {_line(text, pos)}: a {{ or ( is never closed")


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _untex(value: str) -> str:
    """A field's text without TeX's braces and accent commands, for plain-text listing."""
    value = re.sub(r"\\[\"'`^~=.uvHcdbtrk]\s*\{?([A-Za-z])\}?", r"\1", value)
    value = re.sub(r"\\([&%$#_{}])", r"\1", value)
    return " ".join(value.replace("{", "").replace("}", "").split())
