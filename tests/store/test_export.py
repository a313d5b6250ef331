"""``export_project``: every run and every logged point of a project, in Parquet or CSV."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.store.conftest import MakeStore

from cairn.journal.records import ConfigUpdate, History, Record, RunFinish, RunStart
from cairn.store import Store, history
from cairn.store.export import export_project

T0 = 1_700_000_000.0


def _records(run_id: str, project: str, keys: list[str], steps: int, lr: float) -> list[Record]:
    out: list[Record] = [
        RunStart(seq=1, run_id=run_id, project=project, name=run_id, created_at=T0, tags=["t"]),
        ConfigUpdate(seq=2, config={"lr": lr, "opt": {"name": "adam"}}),
    ]
    for i in range(steps):
        values = {k: float(i * (j + 1)) for j, k in enumerate(keys) if (i + j) % 3}
        out.append(History(seq=3 + i, step=i, ts=T0 + i, values=values))
    out.append(RunFinish(seq=3 + steps, ts=T0 + steps))
    return out


@pytest.fixture
def store(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    monkeypatch.setattr(history, "SEAL_ROWS", 50)
    store = make_store()
    store.apply("a", _records("a", "p", ["loss", "acc"], 120, 0.1))
    store.apply("b", _records("b", "p", ["loss", "val/f1"], 80, 0.01))
    store.apply("c", _records("c", "other", ["loss"], 10, 0.5))
    special: list[Record] = [
        RunStart(seq=1, run_id="d", project="p", name="d", created_at=T0),
        *(
            History(seq=2 + i, step=i, ts=T0, values={"loss": v})
            for i, v in enumerate([math.nan, math.inf, -math.inf])
        ),
    ]
    store.apply("d", special)
    yield store
    store.close()


def test_parquet_holds_every_run_and_point(store: Store, tmp_path: Path) -> None:
    done = export_project(store, "p", tmp_path / "out")
    assert (done.runs, done.points) == (3, 120 + 80 + 3)
    runs = pq.read_table(tmp_path / "out" / "runs.parquet").to_pylist()
    assert sorted(r["id"] for r in runs) == ["a", "b", "d"]
    a = next(r for r in runs if r["id"] == "a")
    assert a["config.lr"] == 0.1 and a["config.opt.name"] == '"adam"' and a["tags"] == ["t"]
    table = pq.read_table(tmp_path / "out" / "history.parquet")
    assert table.column_names == ["run_id", "_step", "_timestamp", "acc", "loss", "val/f1"]
    rows = table.to_pylist()
    for run_id, records in (("a", 120), ("b", 80)):
        mine = [r for r in rows if r["run_id"] == run_id]
        assert [r["_step"] for r in mine] == list(range(records))
    # a key a run never logged is null, a value it logged is kept exactly
    b = [r for r in rows if r["run_id"] == "b"]
    assert all(r["acc"] is None for r in b)
    assert [r["val/f1"] for r in b[:4]] == [0.0, 2.0, None, 6.0]
    d = [r["loss"] for r in rows if r["run_id"] == "d"]
    assert math.isnan(d[0]) and d[1:] == [math.inf, -math.inf]


def test_csv_and_a_filter(store: Store, tmp_path: Path) -> None:
    done = export_project(store, "p", tmp_path / "csv", "csv", filter="config.lr < 0.05")
    assert (done.runs, done.points) == (1, 80)
    with open(tmp_path / "csv" / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 80 and {r["run_id"] for r in rows} == {"b"}
    with open(tmp_path / "csv" / "runs.csv") as f:
        [run] = list(csv.DictReader(f))
    assert run["id"] == "b" and run["tags"] == '["t"]'


def test_an_unknown_format_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="parquet or csv"):
        export_project(store, "p", tmp_path / "x", "xlsx")
