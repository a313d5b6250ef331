"""Text in the exports' charts: names cut to fit an axis, SVG ``<text>`` elements (escaped),
and names as matplotlib shows them literally."""

from __future__ import annotations

from html import escape


def cut_end(text: str, most: int) -> str:
    """``text`` cut to ``most`` characters, its end replaced by "…" (a table has it whole)."""
    return text if len(text) <= most else text[: most - 1] + "…"


def cut_start(text: str, most: int) -> str:
    """``text`` cut to ``most`` characters, its start replaced by "…" (a key's last part says
    most: ``…model.width``)."""
    return text if len(text) <= most else "…" + text[len(text) - most + 1 :]


def svg_text(
    x: float,
    y: float,
    text: str,
    anchor: str,
    *,
    size: int = 11,
    weight: str = "400",
    fill: str = "#555",
) -> str:
    """An SVG ``<text>`` at (x, y), anchored ``start``, ``middle`` or ``end``; ``text`` escaped."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def mpl_literal(text: str) -> str:
    """A name as matplotlib shows it literally: ``$`` would start mathtext."""
    return text.replace("$", r"\$")
