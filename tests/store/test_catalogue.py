"""The catalogue of a project's keys, kept as runs are applied and deleted: ``store.catalogue``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from tests.store.conftest import MakeStore, reopen

from cairn.journal.records import ConfigUpdate, History, RunFinish, RunStart, SummaryUpdate
from cairn.store import Store, catalogue
from cairn.store.catalogue import MAX_KEY
from cairn.store.columns import flatten_config
from cairn.store.engine import MIGRATIONS
from cairn.store.schema import projects

T0 = 1_700_000_000.0


def start(run_id: str, project: str = "p", config: dict[str, Any] | None = None) -> RunStart:
    return RunStart(
        seq=1, run_id=run_id, project=project, name=run_id, created_at=T0, config=config or {}
    )


def counted(store: Store, project: str = "p") -> dict[str, dict[str, int]]:
    """The catalogue of a project, by kind."""
    with store._read() as conn:
        pid = conn.execute(sa.select(projects.c.id).where(projects.c.name == project)).scalar()
        if pid is None:
            return {}
        return {kind: catalogue.keys(conn, pid, kind) for kind in catalogue.KINDS}


def scanned(store: Store, project: str = "p") -> dict[str, dict[str, int]]:
    """The same, counted from every run of the project: what the catalogue must equal."""
    out: dict[str, dict[str, int]] = {kind: {} for kind in catalogue.KINDS}
    for run in store.runs(project):
        for kind, keys in (
            ("config", flatten_config(run.config)),
            ("summary", run.summary),
            ("metric", run.history_keys),
        ):
            for key in keys:
                out[kind][key] = out[kind].get(key, 0) + 1
    return {kind: dict(sorted(keys.items())) for kind, keys in out.items()}


def test_keys_are_counted_per_run_and_leave_with_the_last_run_having_them(
    store: Store,
) -> None:
    store.apply(
        "a",
        [
            start("a", config={"lr": 0.1, "model": {"width": 64}}),
            History(seq=2, step=0, ts=T0, values={"loss": 1.0}),
            History(seq=3, step=1, ts=T0, values={"loss": 0.5, "acc": 0.1}),
            SummaryUpdate(seq=4, set={"best": 0.9}),
        ],
    )
    store.apply(
        "b",
        [start("b", config={"lr": 0.2}), History(seq=2, step=0, ts=T0, values={"loss": 2.0})],
    )
    store.apply("c", [start("c", project="q", config={"other": 1})])
    assert counted(store) == {
        "config": {"lr": 2, "model.width": 1},
        "summary": {"acc": 1, "best": 1, "loss": 2},
        "metric": {"acc": 1, "loss": 2},
    }
    assert counted(store) == scanned(store)
    assert counted(store, "q") == {"config": {"other": 1}, "summary": {}, "metric": {}}

    # a replaced config and a removed summary key leave the run's keys
    store.apply(
        "a",
        [
            ConfigUpdate(seq=5, config={"lr": 0.1, "model": {"depth": 2}}),
            SummaryUpdate(seq=6, set={}, remove=["best"]),
            RunFinish(seq=7, ts=T0 + 1),
        ],
    )
    assert counted(store)["config"] == {"lr": 2, "model.depth": 1}
    assert "best" not in counted(store)["summary"]
    assert counted(store) == scanned(store)

    store.delete_run("a")
    assert counted(store) == {
        "config": {"lr": 1},
        "summary": {"loss": 1},
        "metric": {"loss": 1},
    }
    assert counted(store) == scanned(store)


def test_applying_a_batch_twice_counts_its_keys_once(store: Store) -> None:
    records = [start("a", config={"lr": 0.1}), History(seq=2, step=0, ts=T0, values={"x": 1.0})]
    store.apply("a", records)
    store.apply("a", records)
    assert counted(store)["config"] == {"lr": 1}
    assert counted(store)["metric"] == {"x": 1}


def test_writers_on_other_connections_count_the_same_keys(make_store: MakeStore) -> None:
    store = make_store()
    other = reopen(store)
    try:
        for i in range(6):
            (store if i % 2 else other).apply(f"r{i}", [start(f"r{i}", config={"lr": i})])
        assert counted(store)["config"] == {"lr": 6}
    finally:
        other.close()


def test_a_key_too_long_for_an_index_is_left_out_and_the_run_still_applies(store: Store) -> None:
    long = "k" * (MAX_KEY + 1)
    store.apply("a", [start("a", config={long: 1, "lr": 0.1})])
    assert counted(store)["config"] == {"lr": 1}
    assert long in store.run("a").config


def test_more_keys_than_one_statement_counts_are_each_counted_once(store: Store) -> None:
    """A run of 2,000 metric names and 700 config keys, some with quotes, colons and SQL in
    them, counted in statements of ``UPSERT_ROWS`` keys; a second run counts them again."""
    config = {f"hp{i}": i for i in range(700)}
    config.update({"it's": 1, ":key0": 2, 'x"); DROP TABLE runs; --': 3})
    values = {f"m/{i}": float(i) for i in range(2_000)}
    assert len(values) > 2 * catalogue.UPSERT_ROWS
    for run_id in ("a", "b"):
        store.apply(
            run_id, [start(run_id, config=config), History(seq=2, step=0, ts=T0, values=values)]
        )
    assert counted(store) == scanned(store)
    assert set(counted(store)["config"].values()) == {2}
    assert len(counted(store)["metric"]) == 2_000


def test_the_migration_counts_the_runs_already_in_the_store(store: Store) -> None:
    for i in range(5):
        store.apply(
            f"r{i}",
            [
                start(f"r{i}", config={"lr": i, "model": {f"w{i % 2}": 1}}),
                History(seq=2, step=0, ts=T0, values={f"m{i % 3}": 1.0}),
                SummaryUpdate(seq=3, set={"best": i}),
            ],
        )
    store.apply("s", [start("s", project="other", config={"x": 1})])
    before = {p: counted(store, p) for p in ("p", "other")}
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
        conn.commit()
    with store.engine.connect() as conn:
        assert "project_keys" not in sa.inspect(conn).get_table_names()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0014")
        conn.commit()
    assert {p: counted(store, p) for p in ("p", "other")} == before
    assert before["p"] == scanned(store, "p")
