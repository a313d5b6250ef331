"""DuckDB over a store: the ``runs`` and ``history`` views hold what was logged (sealed segments
and the unsealed tail alike), and nothing but a query runs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.store.conftest import MakeStore

from cairn.journal.records import ConfigUpdate, History, Record, RunFinish, RunStart
from cairn.store import Store, history
from cairn.store.sql import SqlError, query

pytest.importorskip("duckdb")

T0 = 1_700_000_000.0


def _run(run_id: str, steps: int, finish: bool, lr: object) -> list[Record]:
    out: list[Record] = [
        RunStart(
            seq=1,
            run_id=run_id,
            project="p",
            name=f"run {run_id}",
            created_at=T0,
            tags=["x", "<b>"],
        ),
        ConfigUpdate(seq=2, config={"lr": lr, "model": {"width": 64}}),
    ]
    for i in range(steps):
        values = {"loss": 1.0 / (i + 1)}
        if i % 2 == 0:
            values["acc"] = i / steps
        out.append(History(seq=3 + i, step=i, ts=T0 + i, values=values))
    if finish:
        out.append(RunFinish(seq=3 + steps, ts=T0 + steps))
    return out


@pytest.fixture
def store(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    monkeypatch.setattr(history, "SEAL_ROWS", 7)  # segments and a tail
    store = make_store()
    store.apply("a", _run("a", 30, True, 0.1))
    store.apply("b", _run("b", 12, False, "adaptive"))
    yield store
    store.close()


def test_runs_view_has_config_and_summary_columns(store: Store) -> None:
    rows = query(store, "SELECT * FROM runs ORDER BY id").to_pylist()
    assert [r["name"] for r in rows] == ["run a", "run b"]
    assert [r["state"] for r in rows] == ["finished", "running"]
    # lr is a number in one run and text in the other: the column is text (JSON)
    assert [r["config.lr"] for r in rows] == ["0.1", '"adaptive"']
    assert [r["config.model.width"] for r in rows] == [64.0, 64.0]
    assert rows[0]["summary.loss"] == pytest.approx(1 / 30)
    assert str(rows[0]["created_at"].year) == "2023"


def test_history_view_reads_segments_and_tail(store: Store) -> None:
    counts = query(
        store, "SELECT run_id, count(*) AS n, count(acc) AS acc FROM history GROUP BY 1 ORDER BY 1"
    ).to_pylist()
    assert counts == [{"run_id": "a", "n": 30, "acc": 15}, {"run_id": "b", "n": 12, "acc": 6}]
    steps = query(store, "SELECT _step FROM history WHERE run_id = 'b' ORDER BY 1")
    assert steps.column("_step").to_pylist() == list(range(12))


def test_non_finite_values_come_back(tmp_path: Path) -> None:
    store = Store.local(tmp_path)
    records: list[Record] = [RunStart(seq=1, run_id="n", project="p", name="n", created_at=T0)]
    for i, v in enumerate([math.nan, math.inf, -math.inf, 1.0]):
        records.append(History(seq=2 + i, step=i, ts=T0, values={"x": v}))
    store.apply("n", records)
    xs = query(store, "SELECT x FROM history ORDER BY _step").column("x").to_pylist()
    assert math.isnan(xs[0]) and xs[1:] == [math.inf, -math.inf, 1.0]
    store.close()


def test_a_store_without_history(tmp_path: Path) -> None:
    store = Store.local(tmp_path)
    assert query(store, "SELECT count(*) AS n FROM history").to_pylist() == [{"n": 0}]
    assert query(store, "SELECT count(*) AS n FROM runs").to_pylist() == [{"n": 0}]
    store.close()


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM runs",
        "CREATE TABLE t AS SELECT 1",
        "INSERT INTO runs SELECT * FROM runs",
        "SELECT 1; SELECT 2",
        "ATTACH 'x.db'",
        "COPY runs TO 'out.csv'",
    ],
)
def test_only_queries_run(store: Store, statement: str) -> None:
    with pytest.raises(SqlError):
        query(store, statement)


def test_a_bad_query_says_why(store: Store) -> None:
    with pytest.raises(SqlError, match="nope"):
        query(store, "SELECT * FROM nope")


def test_tags_are_a_list(store: Store) -> None:
    rows = query(store, "SELECT tags FROM runs WHERE id = 'b'").to_pylist()
    assert rows == [{"tags": ["<b>", "x"]}]


def test_many_runs_each_with_its_own_metrics_stack_into_one_history(tmp_path: Path) -> None:
    """Short runs keep their rows in the store's tail; each with its own metric names (and one
    name an int in one run, a float in another), they read back as one table, null where a run
    did not log a name."""
    store = Store.local(tmp_path)
    for i in range(40):
        values: dict[str, float] = {f"m{i}": float(i), "shared": i if i % 2 else i + 0.5}
        records: list[Record] = [
            RunStart(seq=1, run_id=f"r{i:02d}", project="p", name=f"r{i}", created_at=T0),
            History(seq=2, step=0, ts=T0, values=values),
            History(seq=3, step=1, ts=T0 + 1, values={"shared": 1.0}),
            RunFinish(seq=4, ts=T0 + 2),
        ]
        store.apply(f"r{i:02d}", records)
    rows = query(store, "SELECT * FROM history ORDER BY run_id, _step").to_pylist()
    assert len(rows) == 80 and len(rows[0]) == 3 + 1 + 40  # run, step, time; shared; m0..m39
    first, second = rows[6], rows[7]  # run r03
    assert (first["run_id"], first["_step"], first["m3"], first["shared"]) == ("r03", 0, 3.0, 3.0)
    assert second["m3"] is None and second["shared"] == 1.0
    assert all(row["m5"] is None for row in rows if row["run_id"] != "r05")
    store.close()
