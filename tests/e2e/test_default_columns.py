"""Default columns of the workspace: the swept hyperparameters, the same for any filter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

DATA = {"data": {"name": "digits", "val_fraction": 0.2, "seed": 0}, "batch_size": 64}


@pytest.fixture(scope="module")
def sweep_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A project with a data-preparation run (empty config) and four swept runs sharing data.*."""
    store_dir = tmp_path_factory.mktemp("cols") / ".cairn"
    with cairn.init(project="swept", dir=store_dir, name="prepare-data", config={}) as run:
        run.log({"rows": 1797})
    for lr in (0.1, 0.01):
        for width in (32, 64):
            config = {**DATA, "lr": lr, "model": {"width": width}}
            with cairn.init(
                project="swept", dir=store_dir, name=f"t-{lr}-{width}", config=config
            ) as run:
                run.log({"val/acc": lr * width, "train/loss": 1 / width})
    with serve(store_dir) as running:
        yield running.url


def header_ids(page: Any) -> list[str]:
    return [
        h.get_attribute("data-column") or "" for h in page.get_by_test_id("column-header").all()
    ]


def test_default_columns_show_the_swept_keys_not_the_constant_ones(
    page: Any, sweep_server: str
) -> None:
    page.goto(f"{sweep_server}/p/swept")
    expect(page.get_by_test_id("run-row")).to_have_count(5)
    headers = page.get_by_test_id("column-header")
    expect(headers.and_(page.locator('[data-column="config.lr"]'))).to_have_count(1)
    expect(headers.and_(page.locator('[data-column="config.model.width"]'))).to_have_count(1)
    expect(headers.and_(page.locator('[data-column="summary.val/acc"]'))).to_have_count(1)
    before = header_ids(page)
    assert not [c for c in before if c.startswith(("config.data.", "config.batch_size"))], before
    # a filter that leaves only runs of one width does not change the columns
    box = page.get_by_test_id("filter-input")
    box.fill("config.model.width == 32")
    box.press("Enter")
    expect(page.get_by_test_id("run-row")).to_have_count(2)
    assert header_ids(page) == before
