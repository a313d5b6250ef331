"""What changed inside a changed block, for showing two versions side by side: a panel's
fields that differ, and a Markdown or BibTeX block's lines as a line diff."""

from __future__ import annotations

import difflib
from typing import Any, Literal, TypedDict

from cairn.reports.blocks import block_to_dict
from cairn.reports.report import BlockChange


class Line(TypedDict):
    op: Literal["same", "added", "removed"]
    text: str


class FieldChange(TypedDict):
    field: str
    old: Any
    new: Any


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """The fields whose values differ (a frozen panel's ``data`` counts as one field)."""
    names = list(old) + [k for k in new if k not in old]
    return [
        {"field": k, "old": old.get(k), "new": new.get(k)}
        for k in names
        if old.get(k) != new.get(k)
    ]


def line_diff(old: str, new: str) -> list[Line]:
    """Every line of ``old`` and ``new`` in order, each marked same, added or removed."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend({"op": "same", "text": t} for t in a[i1:i2])
            continue
        lines.extend({"op": "removed", "text": t} for t in a[i1:i2])
        lines.extend({"op": "added", "text": t} for t in b[j1:j2])
    return lines


def details(change: BlockChange) -> dict[str, Any]:
    """The change as JSON: its kind and indexes, both blocks, and for a changed block the
    fields that differ and, for text blocks of one kind, the line diff."""
    old = None if change.old is None else block_to_dict(change.old)
    new = None if change.new is None else block_to_dict(change.new)
    fields: list[FieldChange] = []
    lines: list[Line] | None = None
    if change.change == "changed" and old is not None and new is not None:
        fields = changed_fields(old, new)
        if old.get("kind") == new.get("kind") and isinstance(old.get("text"), str):
            lines = line_diff(old["text"], new["text"])
    return {
        "change": change.change,
        "old_index": change.old_index,
        "new_index": change.new_index,
        "old": old,
        "new": new,
        "fields": fields,
        "lines": lines,
    }
