"""Blocks that come from outside Python (the dashboard's JSON), checked as ``Report.add_panel``
checks them, and frozen panels given their data: what ``Report`` and the server share."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from msgspec import structs

from cairn.reports import image_panel, picture, plot_panel
from cairn.reports.bibtex import parse as parse_bibtex
from cairn.reports.bins import check_bins
from cairn.reports.blocks import (
    Bibtex,
    Block,
    Panel,
    Picture,
    block_from_dict,
    check_group_by,
    check_panel,
)
from cairn.reports.data import read_panel
from cairn.reports.panel_keys import check_goal
from cairn.store.reader import Reader
from cairn.store.report_images import find_image
from cairn.store.store import Store

DIGEST = re.compile(r"^[0-9a-f]{64}$")
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
    if panel.kind == "plot":
        plot_panel.check(panel)
    if panel.kind == "verdict" and not panel.run:
        raise ValueError("a verdict panel shows a run's reproductions: give run='<run id>'")
    if panel.runs is not None:
        check_filter(panel.runs)
    if panel.group_by is not None:
        check_group_by(panel.group_by)
    if panel.group_bins is not None:
        check_bins(panel.group_bins)


def parse_block(value: Any, index: int = 0) -> Block:
    """A block from a JSON object, checked (ValueError naming block ``index`` and the problem):
    a kind ``block_from_dict`` knows, no unknown field, for a panel its keys, filter, grouping
    and smoothing, for BibTeX references that parse, for a picture its digest and text sizes."""
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
        elif isinstance(block, Picture):
            check_picture_block(block)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return block


def check_picture_block(block: Picture) -> None:
    """ValueError unless the picture names a blob by its digest and its texts fit."""
    if not DIGEST.match(block.blob):
        raise ValueError(f"a picture's blob is a sha256 (64 hex digits), not {block.blob[:80]!r}")
    if len(block.caption) > picture.MAX_CAPTION or len(block.alt) > picture.MAX_ALT:
        raise ValueError(
            f"a picture's caption is at most {picture.MAX_CAPTION:,} characters and its alt "
            f"text {picture.MAX_ALT:,}"
        )


def with_uploaded_images(store: Store, project: str, blocks: list[Block]) -> list[Block]:
    """``blocks``, each picture's type and size as stored when it was uploaded into ``project``;
    ValueError for a picture that was not (another project's image is not this one's)."""
    out: list[Block] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Picture):
            try:
                found = find_image(store, project, block.blob)
            except LookupError:
                raise ValueError(
                    f"block {index}: image {block.blob} was not uploaded into project "
                    f"{project!r}: upload the file (Report.add_image, or POST "
                    f"/api/v1/projects/{project}/reports/images)"
                ) from None
            block = structs.replace(
                block, media_type=found.media_type, width=found.width, height=found.height
            )
        out.append(block)
    return out


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
