"""``cairn.reports.data``: a panel's data read from a real store, each series once per export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cairn
from cairn.reports.data import SeriesReads, collect
from cairn.store.reader import StoreReader

pytestmark = pytest.mark.usefixtures("no_open_run")


class CountingReader(StoreReader):
    """A StoreReader that counts the series it reads."""

    calls = 0

    def series(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return super().series(*args, **kwargs)


def test_panels_of_one_export_read_each_series_once(store_dir: Path) -> None:
    for lr in (0.1, 0.2):
        run = cairn.init(project="p", config={"lr": lr})
        for step in range(30):
            run.log({"loss": lr / (step + 1), "acc": lr * step})
        run.finish(quiet=True)
    reader = CountingReader(cairn.Api(store_dir).store)
    reads = SeriesReads(reader)
    first = collect(reader, "p", "line", ["loss", "acc"], None, reads=reads)
    again = collect(reader, "p", "line", ["loss"], "config.lr > 0.15", reads=reads)
    assert reader.calls == 4  # 2 runs x 2 keys, the second panel read none again
    by_id = {r.id: r for r in first.runs}
    [fast] = again.runs
    assert fast.series["loss"] == by_id[fast.id].series["loss"]
    assert fast.series["loss"][1][:2] == [0.2, 0.1]
    alone = collect(reader, "p", "line", ["loss"], None)  # without reads: its own
    assert reader.calls == 6 and [r.series for r in alone.runs] == [
        {"loss": r.series["loss"]} for r in first.runs
    ]
