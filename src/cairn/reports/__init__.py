"""Reports: write-ups of a project's runs, Markdown and live or frozen panels, saved in versions in
the store and exported as Markdown, standalone HTML or a LaTeX project (docs/reports.md)."""

from __future__ import annotations

from cairn.reports.blocks import (
    PANEL_KINDS,
    Bibtex,
    Markdown,
    Panel,
    PanelData,
    Picture,
    RunData,
)
from cairn.reports.report import BlockChange, Changes, Report, TextChange, Version

__all__ = [
    "PANEL_KINDS",
    "Bibtex",
    "BlockChange",
    "Changes",
    "Markdown",
    "Panel",
    "PanelData",
    "Picture",
    "Report",
    "RunData",
    "TextChange",
    "Version",
]
