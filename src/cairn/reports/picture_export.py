"""A picture block (an uploaded image) in each export: inlined as a ``data:`` URI in HTML (the
page stays one file, readable offline), a file beside the Markdown, a file in the LaTeX
project's ``figures/`` (GIF and WebP as PNG: pdflatex reads PNG and JPEG only)."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from urllib.parse import quote

from cairn.reports import picture, tex
from cairn.reports.blocks import Picture
from cairn.reports.markdown import plain
from cairn.store.reader import BlobReader


def alt_text(block: Picture) -> str:
    """What the image shows in words: its alt text, else its caption, else "image"."""
    return block.alt or block.caption or "image"


def html(block: Picture, blobs: BlobReader) -> str:
    """A ``<figure>`` with the image's bytes inline and its caption, every text escaped."""
    data = base64.b64encode(blobs.get(block.blob)).decode()
    caption = f"<figcaption>{escape(block.caption)}</figcaption>" if block.caption else ""
    return (
        f'<figure><img src="data:{block.media_type};base64,{data}" '
        f'alt="{escape(alt_text(block))}" width="{block.width}" height="{block.height}" '
        f'style="max-width:100%;height:auto">{caption}</figure>'
    )


def markdown(block: Picture, blobs: BlobReader, folder: Path, number: int) -> str:
    """The image written into ``folder`` (beside the .md) and Markdown that shows it, with its
    caption in italics (texts as plain text: no raw HTML, no line breaks)."""
    name = f"picture-{number:02d}{picture.SUFFIXES[block.media_type]}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(blobs.get(block.blob))
    alt = plain(alt_text(block)).replace("[", "(").replace("]", ")")
    shown = f"![{alt}]({quote(f'{folder.name}/{name}')})"
    return shown + (f"\n\n*{plain(block.caption)}*" if block.caption else "")


def latex(block: Picture, blobs: BlobReader, project: Path, number: int) -> str:
    """A figure that includes the image, copied into ``project``/figures (GIF and WebP as PNG),
    with its caption escaped."""
    raw = blobs.get(block.blob)
    if block.media_type in ("image/png", "image/jpeg"):
        name = f"figures/picture-{number:02d}{picture.SUFFIXES[block.media_type]}"
    else:
        raw, name = picture.as_png(raw), f"figures/picture-{number:02d}.png"
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / name).write_bytes(raw)
    lines = [
        "\\begin{figure}[H]",
        "\\centering",
        f"\\includegraphics[width=\\linewidth,height=0.45\\textheight,keepaspectratio]{{{name}}}",
    ]
    if block.caption:
        lines.append(f"\\caption{{{tex.escape(block.caption)}}}")
    lines += [f"\\label{{fig:picture-{number}}}", "\\end{figure}"]
    return "\n".join(lines) + "\n"
