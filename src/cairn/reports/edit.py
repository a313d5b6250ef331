"""Blocks that come from outside Python (the dashboard's JSON), checked as ``Report.add_panel``
checks them, and frozen panels given their data: what ``Report`` and the server share."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import structs

from cairn.reports import image_panel
from cairn.reports.bibtex import parse as parse_bibtex
from cairn.reports.blocks import (
    Bibtex,
    Block,
    Panel,
    block_from_dict,
    check_group_by,
    check_panel,
)
from cairn.reports.data import read_panel
from cairn.reports.panel_keys import check_goal
from cairn.store.reader import Reader

MAX_BLOCKS = 500
"""Blocks in one version: far more than a write-up holds, few enough to render at once."""


def check_filter(text: str) -> None:
    """ValueError unless ``text`` is a filter expression of the runs table, with its position."""
    import sqlalchemy as sa

    from cairn.store.filters import compile_filter

    try:
        compile_filter(text, sa.literal("running"))
    except ValueError as exc:
        raise ValueError(f"runs={text!r} is not a runs filter: {exc}") from exc


def check_panel_block(panel: Panel) -> None:
    """ValueError unless the panel's kind, keys, filter, grouping and smoothing are what
    ``add_panel`` accepts."""
    if not 0 <= panel.smoothing <= 0.99:
        raise ValueError(f"smoothing={panel.smoothing!r}: give a weight from 0 (none) to 0.99")
    check_panel(panel.kind, panel.keys)
    check_goal(panel.goal)
    if panel.kind == "image":
        image_panel.check(panel)
    if panel.kind == "verdict" and not panel.run:
        raise ValueError("a verdict panel shows a run's reproductions: give run='<run id>'")
    if panel.runs is not None:
        check_filter(panel.runs)
    if panel.group_by is not None:
        check_group_by(panel.group_by)


def parse_block(value: Any, index: int = 0) -> Block:
    """A block from a JSON object, checked (ValueError naming block ``index`` and the problem):
    a kind ``block_from_dict`` knows, no unknown field, for a panel its keys, filter, grouping
    and smoothing, for BibTeX references that parse."""
    where = f"block {index}"
    if not isinstance(value, dict):
        raise ValueError(f"{where} is {type(value).__name__}, not an object with a 'kind'")
    try:
        block = block_from_dict(value)
    except (ValueError, msgspec.ValidationError) as exc:
        raise ValueError(f"{where}: {exc}") from None
    extra = set(value) - {f.name for f in structs.fields(type(block))}
    if extra:
        raise ValueError(f"{where} ({block.kind}) has unknown fields: {', '.join(sorted(extra))}")
    try:
        if isinstance(block, Panel):
            check_panel_block(block)
        elif isinstance(block, Bibtex):
            parse_bibtex(block.text)  # as add_bibtex does
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return block


def parse_blocks(values: list[Any]) -> list[Block]:
    """Every block of a version, checked (see ``parse_block``)."""
    if len(values) > MAX_BLOCKS:
        raise ValueError(f"a report holds at most {MAX_BLOCKS} blocks, got {len(values)}")
    return [parse_block(value, i) for i, value in enumerate(values)]


def with_frozen_data(reader: Reader, project: str, block: Block) -> Block:
    """``block``, and for a frozen panel without data, with the data its runs give now."""
    if not isinstance(block, Panel) or not block.frozen or block.data is not None:
        return block
    return structs.replace(block, data=read_panel(reader, project, block))
