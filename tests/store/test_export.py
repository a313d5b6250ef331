"""``export_project``: every run and every logged point of a project, in Parquet or CSV."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.store.conftest import MakeStore

from cairn.errors import ProjectNotFoundError
from cairn.journal.records import ConfigUpdate, History, Record, RunFinish, RunStart
from cairn.store import Store, export, export_runs, export_writer, history
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


def _many_names(store: Store, runs: int, names: int, per_run: int, steps: int) -> None:
    """``runs`` runs, each logging ``per_run`` of ``names`` metric names for ``steps`` steps;
    value = run * 1000 + step + name / 1000."""
    for r in range(runs):
        mine = [(r * per_run + k) % names for k in range(per_run)]
        records: list[Record] = [
            RunStart(seq=1, run_id=f"r{r:04d}", project="wide", name=f"r{r}", created_at=T0 + r),
            *(
                History(
                    seq=2 + s,
                    step=s,
                    ts=T0 + r + s,
                    values={f"m{n:03d}": r * 1000 + s + n / 1000 for n in mine},
                )
                for s in range(steps)
            ),
        ]
        store.apply(f"r{r:04d}", records)


@pytest.mark.parametrize("format", ["parquet", "csv"])
def test_many_runs_with_many_names_fit_in_few_row_groups(
    make_store: MakeStore, tmp_path: Path, format: str
) -> None:
    store = make_store()
    _many_names(store, runs=300, names=400, per_run=4, steps=5)
    done = export_project(store, "wide", tmp_path / "out", format)
    assert (done.runs, done.points, done.total) == (300, 1500, 300)
    path = tmp_path / "out" / f"history.{format}"
    if format == "parquet":
        meta = pq.ParquetFile(path).metadata
        assert meta.num_row_groups <= 2 and meta.num_columns == 3 + 400
        rows = pq.read_table(path).to_pylist()
    else:
        with open(path) as f:
            rows = [
                {k: (float(v) if v and k != "run_id" else v or None) for k, v in row.items()}
                for row in csv.DictReader(f)
            ]
    assert path.stat().st_size < 2_000_000
    assert not list((tmp_path / "out").glob("*.partial"))
    # every point, at its run, step and name, and nothing else
    got = {
        (row["run_id"], int(row["_step"]), name): value
        for row in rows
        for name, value in row.items()
        if name.startswith("m") and value is not None
    }
    expected = {
        (f"r{r:04d}", s, f"m{n:03d}"): r * 1000 + s + n / 1000
        for r in range(300)
        for s in range(5)
        for n in ((r * 4 + k) % 400 for k in range(4))
    }
    assert got == expected and len(rows) == 1500
    store.close()


def test_row_groups_and_pages_split_anywhere(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs read a few at a time and written in several row groups come out as in one."""
    export_project(store, "p", tmp_path / "whole")
    monkeypatch.setattr(export, "PAGE_RUNS", 2)
    monkeypatch.setattr(export_writer, "ROW_GROUP_ROWS", 70)
    monkeypatch.setattr(export_runs, "RUNS_CELLS", 1)  # a page of runs a row group
    export_project(store, "p", tmp_path / "split")
    assert sorted(p.name for p in (tmp_path / "split").iterdir()) == [
        "history.parquet",
        "runs.parquet",
    ]  # the spilled pages of runs are gone
    assert pq.ParquetFile(tmp_path / "split" / "runs.parquet").metadata.num_row_groups == 2
    path = tmp_path / "split" / "history.parquet"
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    rows = pq.read_table(path).to_pylist()
    assert [r["run_id"] for r in rows] == ["a"] * 120 + ["b"] * 80 + ["d"] * 3
    assert [r["acc"] for r in rows[:3]] == [0.0, 2.0, None]
    whole = pq.read_table(tmp_path / "whole" / "history.parquet").to_pylist()
    assert repr(rows) == repr(whole)  # repr: NaN equals NaN
    for name in ("runs.parquet",):
        split = pq.read_table(tmp_path / "split" / name)
        assert split.equals(pq.read_table(tmp_path / "whole" / name))


def test_a_config_key_of_numbers_and_text_across_pages_is_text(
    make_store: MakeStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE_RUNS", 1)
    store = make_store()
    for i, size in enumerate([3, "big"]):
        records: list[Record] = [
            RunStart(seq=1, run_id=f"x{i}", project="p", name=f"x{i}", created_at=T0 + i),
            ConfigUpdate(seq=2, config={"size": size} if i else {"size": size, "only": 1}),
        ]
        store.apply(f"x{i}", records)
    export_project(store, "p", tmp_path / "out")
    runs = pq.read_table(tmp_path / "out" / "runs.parquet").to_pylist()
    assert [r["config.size"] for r in runs] == ["3", '"big"']
    assert [r["config.only"] for r in runs] == [1.0, None]
    store.close()


def test_an_unknown_project_is_an_error_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match="no project named 'nope'"):
        export_project(store, "nope", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_failed_export_keeps_the_previous_files(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    export_project(store, "p", out)
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    read = store.history

    def fails_on_b(run_id: str, *args: object, **kwargs: object) -> object:
        if run_id == "b":
            raise OSError("disk gone")
        return read(run_id, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export_writer, "ROW_GROUP_ROWS", 10)  # a's rows are on disk already
    monkeypatch.setattr(store, "history", fails_on_b)
    with pytest.raises(OSError, match="disk gone"):
        export_project(store, "p", out)
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before
