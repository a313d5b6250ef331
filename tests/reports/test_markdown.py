"""The reports' Markdown parser: its math rule finds the formulas of the cases the dashboard's
editor is tested with (web/src/features/reports/lib/mathCases.json), so the editor marks as math
exactly what the server renders as math."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cairn.reports.markdown import parser

CASES = Path(__file__).resolve().parents[2] / "web/src/features/reports/lib/mathCases.json"


def formulas(text: str) -> list[str]:
    return [
        f"{token.markup}{token.content}{token.markup}"
        for block in parser().parse(text)
        for token in block.children or []
        if token.type in ("math_inline", "math_display")
    ]


@pytest.mark.parametrize("case", json.loads(CASES.read_text()), ids=lambda c: repr(c["text"]))
def test_math_is_found_as_the_editor_finds_it(case: dict[str, object]) -> None:
    assert formulas(str(case["text"])) == case["math"]
