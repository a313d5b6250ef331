"""Text into LaTeX that stays text: every title, run name, value and Markdown word is escaped;
math and BibTeX fields, which are TeX by nature, pass through ``inert``.

``inert`` keeps TeX as written but disarms what could read or write a file, run a command or
redefine one: a control word whose name is (or holds) one of DENIED turns into a visible
backslash and its name; ``^^`` (TeX's way of writing any character, a backslash too) is broken;
``\\begin`` is kept for the math environments only. Unbalanced braces make the text plain
(escaped), so a field cannot close the group it sits in. pdflatex's own ``-no-shell-escape``
stays the second line of defence.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

_SPECIAL = {  # symbols from fonts pdflatex has as vectors (none needs TS1's bitmaps)
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"{\char36}",  # \$ would be TS1's dollar
    "&": r"\&",
    "#": r"\#",
    "^": r"\^{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\~{}",
    "<": r"$<$",
    ">": r"$>$",
    "|": r"\textbar{}",
    "\r": " ",
}
_ESCAPE = re.compile("|".join(re.escape(ch) for ch in _SPECIAL))

DENIED_NAMES = frozenset(
    "def edef gdef xdef let futurelet csname endcsname expandafter afterassignment aftergroup "
    "catcode lccode uccode mathcode sfcode uppercase lowercase scantokens endinput "
    "immediate special directlua latelua begingroup endgroup global outer long protected "
    "usepackage requirepackage documentclass loadclass makeatletter makeatother begin end".split()
)
DENIED_PARTS = (
    "input", "include", "write", "read", "open", "close", "shell", "command", "environment",
    "newif", "newtoks", "newcount", "every", "lua", "pdf", "file", "package", "verb", "listing",
)  # fmt: skip
MATH_ENVIRONMENTS = frozenset(
    "matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases aligned alignedat gathered "
    "split array subarray".split()
)
_CONTROL = re.compile(
    r"\\(begin|end)\s*\{([^{}]*)\}|\\([A-Za-z@]+)|\\(.)|(\^\^)|([%#&_^])", re.DOTALL
)
_DOLLAR = re.compile(r"(?<!\\)\$")
_KEPT = re.compile("[\x20-\x7e\xc0-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2026\n\t]")


def escape(text: str) -> str:
    """``text`` as LaTeX that prints it: every special character escaped; a character the
    default fonts lack (pdflatex would stop on it) shown as its code point, ``[U+03B1]``."""
    text = "".join(ch if _KEPT.match(ch) else f"[U+{ord(ch):04X}]" for ch in text)
    return _ESCAPE.sub(lambda m: _SPECIAL[m.group(0)], text)


def inert(tex: str, math: bool) -> str:
    """``tex`` as written, minus what could touch a file, the shell or a definition (see the
    module's doc); ``math`` says whether it sits in math mode. Plain text (escaped) when its
    braces do not balance."""
    if not _balanced(tex):
        return escape(tex) if not math else r"\text{" + escape(tex) + "}"
    if math:
        return _CONTROL.sub(lambda m: _control(m, True), tex)
    pieces = _DOLLAR.split(tex)  # text, math, text...: BibTeX fields hold $math$ too
    if len(pieces) % 2 == 0:
        return escape(tex)
    return "$".join(
        _CONTROL.sub(lambda m, in_math=i % 2 == 1: _control(m, in_math), piece)
        for i, piece in enumerate(pieces)
    )


def allowed(name: str) -> bool:
    """Whether the control word ``\\name`` may stay in a text passed through ``inert``."""
    low = name.lower()
    return low not in DENIED_NAMES and "@" not in name and not any(p in low for p in DENIED_PARTS)


def _control(found: re.Match[str], math: bool) -> str:
    begin_end, environment, word, symbol, hats, special = found.groups()
    if begin_end is not None:
        if math and environment.strip().rstrip("*") in MATH_ENVIRONMENTS:
            return found.group(0)
        shown = r"\backslash\mathrm{" + begin_end + "}" if math else r"\textbackslash{}" + begin_end
        return shown + r"\{" + escape(environment) + r"\}"
    if word is not None:
        if allowed(word):
            return found.group(0)
        shown = r"\backslash " if math else r"\textbackslash{}"
        return shown + (r"\mathrm{" + word + "}" if math else word)
    if symbol is not None:
        return found.group(0)
    if hats is not None:
        return r"\wedge\wedge " if math else r"\^{}\^{}"
    if math and special in "&_^":
        return special  # an alignment tab in aligned, cases...; sub- and superscripts
    return (
        r"\^{}" if special == "^" else "\\" + special
    )  # a comment or a parameter sign would break what follows


def _balanced(tex: str) -> bool:
    depth, i = 0, 0
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            i += 2
            continue
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
        i += 1
    return depth == 0


def markdown(text: str, top: int = 1) -> str:
    """A Markdown block as LaTeX (see ``cairn.reports.markdown`` for what it reads): headings as
    sections (level ``top``, the report's highest, as ``\\section``), lists, links as ``\\href``, code as typewriter lines, GFM tables as booktabs,
    math through ``inert``, citations as ``\\cite``, every other text escaped."""
    from cairn.reports.markdown import parser

    return _Writer(top).blocks(parser().parse(text)).strip() + "\n"


def top_heading(texts: list[str]) -> int:
    """The highest heading level (1 for ``#``) the Markdown ``texts`` use; 1 without one."""
    from cairn.reports.markdown import parser

    levels = [
        int(t.tag[1:]) for text in texts for t in parser().parse(text) if t.type == "heading_open"
    ]
    return min(levels, default=1)


SECTIONS = ("section", "subsection", "subsubsection", "paragraph", "paragraph", "paragraph")
_URL_KEEP = re.compile(r"[A-Za-z0-9\-._/:?=&@!$'()*+,;#%]")


def href(url: str) -> str | None:
    """A link target as ``\\href`` takes it (None: a link that must not be one, such as
    ``javascript:``): percent-encoded, its ``%``, ``#`` and ``&`` escaped."""
    from urllib.parse import quote

    from cairn.reports.sanitize import safe_link

    safe = safe_link(url)
    if safe is None:
        return None
    # ~ is TeX's active space once \\href sits in another command's argument (a heading)
    encoded = "".join(ch if _URL_KEEP.match(ch) else quote(ch, safe="") for ch in safe)
    encoded = encoded.replace("~", "%7E")
    return re.sub(r"([%#&])", r"\\\1", encoded)


def booktabs(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A table of LaTeX cells as a centred booktabs ``tabular``."""
    spec = align or "l" * len(header)
    lines = [r"\begin{center}", rf"\begin{{tabular}}{{{spec}}}", r"\toprule"]
    lines.append(" & ".join(header) + r" \\")
    lines.append(r"\midrule")
    lines += [" & ".join(row) + r" \\" for row in rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    return "\n".join(lines) + "\n"


class _Writer:
    """Markdown tokens to LaTeX, one pass."""

    def __init__(self, top: int) -> None:
        self.lists: list[str] = []
        self.top = top

    def blocks(self, tokens: list[Token]) -> str:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "table_open":
                end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
                out.append(self.table(tokens[i : end + 1]))
                i = end + 1
                continue
            if kind == "heading_open":
                level = max(0, int(token.tag[1:]) - self.top)
                out.append(f"\\{SECTIONS[level]}{{")
            elif kind == "heading_close":
                out.append("}\n\n")
            elif kind == "inline":
                out.append(self.inline(token.children or []))
            elif kind == "paragraph_close":
                out.append("\n" if token.hidden else "\n\n")
            elif kind in ("bullet_list_open", "ordered_list_open"):
                env = "itemize" if kind == "bullet_list_open" else "enumerate"
                self.lists.append(env)
                out.append(f"\\begin{{{env}}}\n")
                start = token.attrGet("start")
                depth = self.lists.count("enumerate")
                if env == "enumerate" and start is not None and depth <= 4:
                    counter = "enum" + "i" * depth
                    out.append(f"\\setcounter{{{counter}}}{{{int(start) - 1}}}\n")
            elif kind in ("bullet_list_close", "ordered_list_close"):
                out.append(f"\\end{{{self.lists.pop()}}}\n\n")
            elif kind == "list_item_open":
                out.append(r"\item ")
            elif kind == "blockquote_open":
                out.append("\\begin{quote}\n")
            elif kind == "blockquote_close":
                out.append("\\end{quote}\n\n")
            elif kind in ("fence", "code_block"):
                out.append(code(token.content, (token.info.split() or [""])[0]))
            elif kind == "hr":
                out.append("\\par\\noindent\\rule{\\linewidth}{0.4pt}\\par\n\n")
            i += 1
        return "".join(out)

    def inline(self, tokens: list[Token]) -> str:
        out: list[str] = []
        links: list[bool] = []
        struck = 0
        for token in tokens:
            kind = token.type
            if kind == "text":
                out.append(escape(token.content))
            elif kind == "softbreak":
                out.append("\n")
            elif kind == "hardbreak":
                # A struck span is one box (\cairnstrike), where a line cannot end.
                out.append(" " if struck else "\\\\\n")
            elif kind == "s_open":
                struck += 1
                out.append(r"\cairnstrike{")
            elif kind == "s_close":
                struck -= 1
                out.append("}")
            elif kind in ("em_open", "strong_open"):
                out.append(r"\emph{" if kind == "em_open" else r"\textbf{")
            elif kind in ("em_close", "strong_close"):
                out.append("}")
            elif kind == "code_inline":
                out.append(r"\texttt{" + escape(token.content) + "}")
            elif kind == "link_open":
                target = href(str(token.attrGet("href") or ""))
                links.append(target is not None)
                out.append("{" if target is None else f"\\href{{{target}}}{{")
            elif kind == "link_close":
                out.append("}")
            elif kind == "image":
                out.append(escape(f"[image: {token.content}]"))
            elif kind == "math_inline":
                out.append("$" + inert(token.content, math=True) + "$")
            elif kind == "math_display" and not struck:
                out.append("\n\\[" + inert(token.content, math=True) + "\\]\n")
            elif kind == "math_display":  # no display inside a box: struck math is inline
                out.append("$\\displaystyle " + inert(token.content, math=True) + "$")
            elif kind == "citation":
                out.append(r"\cite{" + ",".join(token.meta["keys"]) + "}")
        return "".join(out)

    def table(self, tokens: list[Token]) -> str:
        rows: list[list[str]] = []
        align = ""
        for token in tokens:
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                if token.type == "th_open":
                    style = str(token.attrGet("style") or "")
                    align += "r" if "right" in style else "c" if "center" in style else "l"
            elif token.type == "inline":
                rows[-1].append(self.inline(token.children or []))
        return booktabs(rows[0], rows[1:], align) + "\n"


def code(text: str, language: str = "") -> str:
    """A code block: each line escaped, in typewriter, spaces kept (never ``verbatim``, whose
    end a block could write itself); tokens coloured as the dashboard does when Pygments knows
    ``language`` (``cairn.reports.highlight``)."""
    from cairn.reports.highlight import COLOURS, tokens

    lines: list[str] = [""]
    for short, piece in tokens(text.rstrip("\n"), language) or [("", text.rstrip("\n"))]:
        colour = COLOURS.get(short)
        for i, part in enumerate(piece.split("\n")):
            if i:
                lines.append("")
            if part:
                tex = escape(part).replace(" ", "~")
                lines[-1] += f"\\textcolor[HTML]{{{colour.upper()}}}{{{tex}}}" if colour else tex
    body = "\\\\\n".join(line or "~" for line in lines)
    return "\\begin{cairncode}\n" + body + "\n\\end{cairncode}\n\n"
