"""Store.apply: journal records applied idempotently by seq, a batch wholly or not at all."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import func, select
from tests.fakes.journals import every_record, same
from tests.store.conftest import MakeStore

from cairn.errors import StoreError, StoreGapError
from cairn.journal.records import (
    ConfigUpdate,
    DefineMetric,
    History,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)
from cairn.store import Store, history
from cairn.store.schema import history_tail, projects, run_tags, runs

T0 = 1_700_000_000.0


@pytest.fixture(autouse=True)
def _no_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records are stamped in 2023: keep running runs from reading as crashed."""
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")


@pytest.fixture
def store(make_store: MakeStore) -> Iterator[Store]:
    store = make_store()
    yield store
    store.close()


def start(seq: int = 1, run_id: str = "r1", **fields: Any) -> RunStart:
    values: dict[str, Any] = {"project": "p", "name": "brisk-heron-1", "created_at": T0}
    values.update(fields)
    return RunStart(seq=seq, run_id=run_id, **values)


def workload() -> list[Record]:
    """A run with every record type, repeated and decreasing steps, keys in only some rows."""
    rng = random.Random(7)
    records: list[Record] = [
        start(config={"lr": 0.1}, tags=["a", "b"]),
        DefineMetric(seq=2, name="acc", summary="max"),
    ]
    step = 0
    for i in range(40):
        seq = len(records) + 1
        if i == 10:
            records.append(ConfigUpdate(seq=seq, config={"lr": 0.05, "bad": math.nan}))
        elif i == 20:
            records.append(SummaryUpdate(seq=seq, set={"best": 0.75}))
        elif i == 30:
            records.append(DefineMetric(seq=seq, name="l*", summary="min"))
        else:
            step = step + rng.choice([-1, 0, 1, 2])
            values: dict[str, float] = {"loss": rng.choice([0.5, 0.25, 1.0, math.nan])}
            if i % 3 == 0:
                values["acc"] = i / 8
            records.append(History(seq=seq, step=step, ts=T0 + i, values=values))
    records.append(RunFinish(seq=len(records) + 1, ts=T0 + 100))
    return records


def run_row(store: Store, run_id: str = "r1") -> dict[str, Any]:
    with store.engine.connect() as conn:
        row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().one()
        tags = sorted(conn.execute(select(run_tags.c.tag).where(run_tags.c.run_id == run_id)))
    return {**row, "tags": tags}


def table_rows(store: Store, table: Any, run_id: str = "r1") -> int:
    with store.engine.connect() as conn:
        query = select(func.count()).select_from(table).where(table.c.run_id == run_id)
        return int(conn.execute(query).scalar_one())


def assert_same_history(a: pa.Table, b: pa.Table) -> None:
    assert a.schema == b.schema
    assert same(a.to_pydict(), b.to_pydict())


# ---- idempotence ------------------------------------------------------------------------


def test_apply_returns_the_last_seq(store: Store) -> None:
    records = workload()
    assert store.apply("r1", records) == records[-1].seq
    assert store.last_seq("r1") == records[-1].seq
    assert store.apply("r1", []) == records[-1].seq
    assert store.last_seq("unknown") == 0


def test_applying_a_batch_twice_changes_nothing(store: Store) -> None:
    records = workload()
    store.apply("r1", records[:25])
    row, hist = run_row(store), store.history("r1")
    assert store.apply("r1", records[:25]) == 25
    assert same(run_row(store), row)
    assert_same_history(store.history("r1"), hist)
    assert table_rows(store, history_tail) == 1


def test_overlapping_batches_apply_each_record_once(make_store: MakeStore) -> None:
    records = workload()
    whole = make_store("whole")
    whole.apply("r1", records)
    pieces = make_store("pieces")
    for lo in range(0, len(records), 7):
        pieces.apply("r1", records[max(0, lo - 5) : lo + 7])  # each batch repeats 5 old records
    assert same(run_row(pieces), run_row(whole))
    assert_same_history(pieces.history("r1"), whole.history("r1"))
    assert pieces.run("r1").history_rows == sum(isinstance(r, History) for r in records)


@pytest.mark.parametrize("records", [workload(), every_record("r1")], ids=["workload", "every"])
def test_a_batch_split_at_any_point_gives_the_same_run(
    make_store: MakeStore, records: list[Record]
) -> None:
    whole = make_store("whole")
    whole.apply("r1", records)
    want_row, want_history = run_row(whole), whole.history("r1")
    for cut in range(1, len(records)):
        split = make_store(f"split{cut}")
        assert split.apply("r1", records[:cut]) == records[cut - 1].seq
        assert split.apply("r1", records[cut:]) == records[-1].seq
        assert same(run_row(split), want_row), f"split at {cut}"
        assert_same_history(split.history("r1"), want_history)
        split.close()


def test_one_record_per_batch_gives_the_same_run(make_store: MakeStore) -> None:
    records = workload()
    whole = make_store("whole")
    whole.apply("r1", records)
    single = make_store("single")
    for record in records:
        single.apply("r1", [record])
        single.apply("r1", [record])  # and again
    assert same(run_row(single), run_row(whole))
    assert_same_history(single.history("r1"), whole.history("r1"))


# ---- a batch wholly or not at all -------------------------------------------------------


def test_a_failing_history_write_rolls_back_the_whole_batch(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = workload()
    store.apply("r1", records[:10])
    before_row, before_history = run_row(store), store.history("r1")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(history, "append_tail", broken)
    with pytest.raises(OSError, match="disk full"):
        store.apply("r1", records[10:20])
    assert store.last_seq("r1") == 10
    assert same(run_row(store), before_row)
    assert_same_history(store.history("r1"), before_history)
    assert table_rows(store, history_tail) == 1

    monkeypatch.undo()
    assert store.apply("r1", records[10:]) == records[-1].seq  # and the batch applies later


def test_a_bad_record_mid_batch_rolls_back_the_records_before_it(store: Store) -> None:
    store.apply("r1", [start(config={"lr": 1})])
    before = run_row(store)
    batch: list[Record] = [
        ConfigUpdate(seq=2, config={"lr": 2}),
        SummaryUpdate(seq=3, set={"x": 1}),
        History(seq=4, step=0, ts=T0 + 1, values={"loss": 1.0}),
        DefineMetric(seq=5, name="loss", summary="median"),  # not a summary kind
        History(seq=6, step=1, ts=T0 + 2, values={"loss": 0.5}),
    ]
    with pytest.raises(ValueError, match="median"):
        store.apply("r1", batch)
    assert same(run_row(store), before)
    assert store.history("r1").num_rows == 0
    assert store.run("r1").config == {"lr": 1}


def test_a_failing_first_batch_leaves_no_run_and_no_project(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(history, "append_tail", broken)
    with pytest.raises(RuntimeError):
        store.apply("r1", [start(), History(seq=2, step=0, ts=T0, values={"a": 1.0})])
    assert store.last_seq("r1") == 0
    assert store.runs() == []
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(projects)).scalar_one() == 0


# ---- unknown runs and gaps --------------------------------------------------------------


def test_unknown_run_must_start_with_run_start(store: Store) -> None:
    with pytest.raises(StoreError, match=r"cairn sync") as info:
        store.apply("r1", [History(seq=5, step=0, ts=T0, values={"a": 1.0})])
    assert isinstance(info.value, StoreGapError)
    assert "r1" in str(info.value) and "seq 5" in str(info.value)
    assert store.last_seq("r1") == 0
    assert store.runs() == []


def test_a_gap_after_the_last_seq_is_refused(store: Store) -> None:
    store.apply("r1", [start(), History(seq=2, step=0, ts=T0, values={"a": 1.0})])
    with pytest.raises(StoreGapError, match=r"up to seq 2.*seq 4.*cairn sync"):
        store.apply("r1", [History(seq=4, step=1, ts=T0, values={"a": 2.0})])
    assert store.last_seq("r1") == 2


def test_a_run_start_with_a_later_seq_creates_the_run(store: Store) -> None:
    """A journal resumed in a new process may start mid-sequence with its RunStart."""
    assert store.apply("r1", [start(seq=9, resumed=True)]) == 9
    assert store.run("r1").last_seq == 9


# ---- run metadata -----------------------------------------------------------------------


def test_run_start_fills_the_run(store: Store) -> None:
    store.apply(
        "r1",
        [
            start(
                config={"lr": 0.1, "nested": {"inf": math.inf}},
                tags=["b", "a", "b"],
                notes="n",
                group="g",
                job_type="train",
                host="box",
                program="train.py",
            )
        ],
    )
    run = store.run("r1")
    assert (run.project, run.name, run.state) == ("p", "brisk-heron-1", "running")
    assert run.config == {"lr": 0.1, "nested": {"inf": math.inf}}
    assert run.tags == ["a", "b"]
    assert (run.notes, run.group, run.job_type, run.host, run.program) == (
        "n",
        "g",
        "train",
        "box",
        "train.py",
    )
    assert run.created_at == run.updated_at == run.heartbeat_at == T0
    assert (run.finished_at, run.exit_code, run.error) == (None, None, None)
    assert (run.history_rows, run.history_keys, run.last_step, run.summary) == (0, [], None, {})


def test_texts_longer_than_their_columns_are_cut_on_every_backend(store: Store) -> None:
    """PostgreSQL refuses a value longer than its column, where SQLite keeps it: the record must
    still apply (else the run's sync would stop at it for good), the same way on both."""
    long = "x" * 300
    store.apply("r1", [start(name=long, group=long, job_type=long, host=long, tags=[long, "t"])])
    run = store.run("r1")
    assert (run.name, run.group, run.job_type, run.host) == ("x" * 255,) * 4
    assert run.tags == ["t", "x" * 255]
    store.apply("r1", [start(seq=2, name="y" * 400, group=long, resumed=True)])
    assert (store.run("r1").name, store.run("r1").group) == ("y" * 255, "x" * 255)


def test_nul_characters_are_stored_as_replacement_characters_on_every_backend(
    store: Store,
) -> None:
    """PostgreSQL refuses NUL in text and JSONB: names, errors, config keys and values, metric
    keys and projects holding one still apply, as U+FFFD, the same way on both backends."""
    records: list[Record] = [
        start(project="p\x00q", name="a\x00b", config={"k\x00": "v\x00", "n": [1, "\x00"]}),
        History(seq=2, step=0, ts=T0, values={"loss\x00": 1.0}),
        RunFinish(seq=3, ts=T0 + 1, state="failed", error="boom\x00"),
    ]
    store.apply("r1", records)
    run = store.run("r1")
    assert (run.project, run.name, run.error) == ("p\ufffdq", "a\ufffdb", "boom\ufffd")
    assert run.config == {"k\ufffd": "v\ufffd", "n": [1, "\ufffd"]}
    assert run.history_keys == ["loss\ufffd"]
    assert store.runs("p\x00q", search="a\x00b")[0].id == "r1"  # reads compare the same way


def test_config_update_replaces_the_config(store: Store) -> None:
    store.apply("r1", [start(config={"a": 1, "b": 2}), ConfigUpdate(seq=2, config={"a": 3})])
    assert store.run("r1").config == {"a": 3}


def test_history_updates_keys_rows_step_and_heartbeat(store: Store) -> None:
    store.apply(
        "r1",
        [
            start(),
            History(seq=2, step=5, ts=T0 + 3, values={"b": 1.0}),
            History(seq=3, step=2, ts=T0 + 2, values={"a": 1.0}),  # decreasing step, older ts
        ],
    )
    run = store.run("r1")
    assert run.history_keys == ["a", "b"]
    assert run.history_rows == 2
    assert run.last_step == 5
    assert run.heartbeat_at == run.updated_at == T0 + 3


def test_run_finish_failed_keeps_error_and_exit_code(store: Store) -> None:
    store.apply(
        "r1",
        [
            start(),
            RunFinish(seq=2, ts=T0 + 9, exit_code=3, state="failed", error="Traceback…\nBoom"),
        ],
    )
    run = store.run("r1")
    assert (run.state, run.exit_code, run.error) == ("failed", 3, "Traceback…\nBoom")
    assert run.finished_at == T0 + 9
    assert run.runtime == 9


def test_resumed_run_start_runs_again_with_new_tags_and_config(store: Store) -> None:
    store.apply(
        "r1",
        [
            start(config={"lr": 0.1, "epochs": 3}, tags=["old", "keep"]),
            History(seq=2, step=0, ts=T0 + 1, values={"loss": 1.0}),
            RunFinish(seq=3, ts=T0 + 5, exit_code=1, state="failed", error="oom"),
        ],
    )
    store.apply(
        "r1",
        [
            start(seq=4, config={"lr": 0.1, "epochs": 6}, tags=["keep", "new"], resumed=True),
            History(seq=5, step=1, ts=T0 + 60, values={"loss": 0.5}),
        ],
    )
    run = store.run("r1")
    assert run.state == "running"
    assert run.config == {"lr": 0.1, "epochs": 6}
    assert run.tags == ["keep", "new"]
    assert (run.finished_at, run.exit_code, run.error) == (None, None, None)
    assert run.created_at == T0
    assert run.history_rows == 2 and run.summary == {"loss": 0.5}
    assert store.history("r1").column("loss").to_pylist() == [1.0, 0.5]


def test_records_for_several_runs_stay_apart(store: Store) -> None:
    store.apply("r1", [start(run_id="r1", tags=["x"]), ConfigUpdate(seq=2, config={"k": 1})])
    store.apply("r2", [start(run_id="r2", name="other", project="q")])
    assert store.run("r1").config == {"k": 1} and store.run("r2").config == {}
    assert store.run("r2").tags == [] and store.run("r2").project == "q"
    assert store.last_seq("r1") == 2 and store.last_seq("r2") == 1
