"""The Store's reads and edits: projects, runs, find_run, crashed state, update and delete."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from tests.store.conftest import MakeStore, at_once, reopen

from cairn.errors import RunNotFoundError, StoreError
from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store, history
from cairn.store.schema import history_segments, history_tail, run_tags, runs


@pytest.fixture
def store(make_store: MakeStore) -> Iterator[Store]:
    store = make_store()
    yield store
    store.close()


def make_run(
    store: Store,
    run_id: str,
    *,
    project: str = "p",
    name: str | None = None,
    created_at: float | None = None,
    rows: int = 0,
    finish: str | None = None,
    tags: list[str] | None = None,
    batch: int = 1_000,
) -> None:
    """Apply a run's records, ``batch`` at a time: a start ``created_at`` (default now), ``rows``
    rows, maybe a finish."""
    at = time.time() if created_at is None else created_at
    records: list[Record] = [
        RunStart(
            seq=1,
            run_id=run_id,
            project=project,
            name=name or f"name-{run_id}",
            created_at=at,
            tags=tags or [],
        )
    ]
    for i in range(rows):
        records.append(History(seq=i + 2, step=i, ts=at + i, values={"loss": 1.0 / (i + 1)}))
    if finish:
        records.append(RunFinish(seq=rows + 2, ts=at + rows, state=finish))
    for i in range(0, len(records), batch):
        store.apply(run_id, records[i : i + batch])


def count(store: Store, table: Any, run_id: str) -> int:
    column = table.c.id if table is runs else table.c.run_id
    with store.engine.connect() as conn:
        query = select(func.count()).select_from(table).where(column == run_id)
        return int(conn.execute(query).scalar_one())


# ---- crashed state ----------------------------------------------------------------------


def test_a_silent_running_run_reads_as_crashed(store: Store) -> None:
    store.heartbeat_timeout = 60
    make_run(store, "old", created_at=time.time() - 600)
    make_run(store, "new")
    assert store.run("old").state == "crashed"
    assert store.run("new").state == "running"
    assert {r.id: r.state for r in store.runs()} == {"old": "crashed", "new": "running"}
    assert store.find_run("p/old").state == "crashed"
    assert store.find_run("name-old").state == "crashed"


def test_a_heartbeat_makes_it_running_again(store: Store) -> None:
    store.heartbeat_timeout = 60
    past = time.time() - 600
    make_run(store, "r", created_at=past)
    assert store.run("r").state == "crashed"
    store.heartbeat("r")
    info = store.run("r")
    assert info.state == "running"
    assert info.heartbeat_at > past + 500
    assert [r.state for r in store.runs()] == ["running"]


def test_heartbeats_never_move_back(store: Store) -> None:
    make_run(store, "r", created_at=1000.0)
    store.heartbeat("r", at=2000.0)
    store.heartbeat("r", at=1500.0)
    assert store.run("r").heartbeat_at == 2000.0
    store.heartbeat("unknown", at=3000.0)  # a heartbeat for no run changes nothing


@pytest.mark.parametrize("state", ["finished", "failed"])
def test_finished_runs_never_read_as_crashed(store: Store, state: str) -> None:
    store.heartbeat_timeout = 1
    make_run(store, "r", created_at=time.time() - 10_000, rows=2, finish=state)
    assert store.run("r").state == state
    assert store.runs()[0].state == state
    assert store.find_run("r").state == state


def test_heartbeat_timeout_comes_from_the_environment(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "5000")
    store = make_store()
    assert store.heartbeat_timeout == 5000
    make_run(store, "r", created_at=time.time() - 600)
    assert store.run("r").state == "running"
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "100")
    again = reopen(store)
    assert again.run("r").state == "crashed"
    again.close()


# ---- projects and runs ------------------------------------------------------------------


def test_projects_count_runs_and_last_activity(store: Store) -> None:
    make_run(store, "a1", project="alpha", created_at=100.0, rows=3, finish="finished")
    make_run(store, "a2", project="alpha", created_at=200.0)
    make_run(store, "b1", project="beta", created_at=50.0, rows=1)
    store.reserve_run_number("empty")
    got = {p.name: p for p in store.projects()}
    assert [p.name for p in store.projects()] == ["alpha", "beta", "empty"]
    assert (got["alpha"].run_count, got["alpha"].last_activity) == (2, 200.0)
    assert (got["alpha"].created_at, got["beta"].created_at) == (100.0, 50.0)
    assert (got["beta"].run_count, got["beta"].last_activity) == (1, 50.0)
    assert (got["empty"].run_count, got["empty"].last_activity) == (0, None)
    assert store.projects() == sorted(store.projects(), key=lambda p: p.name)


def test_no_projects_in_a_new_store(store: Store) -> None:
    assert store.projects() == []
    assert store.runs() == []
    assert store.count_runs() == 0


def test_runs_newest_first_with_limit_offset_and_project(store: Store) -> None:
    for i, project in enumerate(["p", "q", "p", "q", "p"]):
        make_run(store, f"r{i}", project=project, created_at=1000.0 + i)
    make_run(store, "r9", project="p", created_at=1004.0)  # ties break by id
    assert [r.id for r in store.runs()] == ["r4", "r9", "r3", "r2", "r1", "r0"]
    assert [r.id for r in store.runs(limit=2)] == ["r4", "r9"]
    assert [r.id for r in store.runs(limit=2, offset=2)] == ["r3", "r2"]
    assert [r.id for r in store.runs(offset=5)] == ["r0"]
    assert store.runs(offset=6) == []
    assert [r.id for r in store.runs("p")] == ["r4", "r9", "r2", "r0"]
    assert [r.id for r in store.runs("q", limit=1, offset=1)] == ["r1"]
    assert store.runs("nope") == []
    assert {r.project for r in store.runs("q")} == {"q"}
    assert (store.count_runs(), store.count_runs("p"), store.count_runs("q")) == (6, 4, 2)
    assert store.count_runs("nope") == 0


def test_run_info_holds_what_was_applied(store: Store) -> None:
    make_run(store, "r", created_at=100.0, rows=3, finish="finished", tags=["b", "a"])
    info = store.run("r")
    assert (info.id, info.project, info.path, info.name) == ("r", "p", "p/r", "name-r")
    assert (info.history_rows, info.history_keys, info.last_step, info.last_seq) == (
        3,
        ["loss"],
        2,
        5,
    )
    assert info.tags == ["a", "b"]
    assert (info.finished_at, info.runtime) == (103.0, 3.0)
    assert info.summary == {"loss": 1 / 3}


def test_unknown_run_is_not_found(store: Store) -> None:
    with pytest.raises(RunNotFoundError, match=r"'ghost'.*cairn runs ls") as info:
        store.run("ghost")
    assert isinstance(info.value, StoreError) and isinstance(info.value, LookupError)


def test_reserve_run_number_counts_per_project(store: Store) -> None:
    assert [store.reserve_run_number("p") for _ in range(3)] == [1, 2, 3]
    assert store.reserve_run_number("q") == 1
    make_run(store, "r", project="fresh")  # a project made by apply starts at 0
    assert store.reserve_run_number("fresh") == 1


# ---- find_run ---------------------------------------------------------------------------


def test_find_run_by_path_id_or_unique_name(store: Store) -> None:
    make_run(store, "abc123", project="p", name="brisk-heron-1")
    make_run(store, "def456", project="q", name="calm-otter-2")
    assert store.find_run("p/abc123").id == "abc123"
    assert store.find_run("abc123").id == "abc123"
    assert store.find_run("brisk-heron-1").id == "abc123"
    assert store.find_run("q/calm-otter-2").id == "def456"
    assert store.find_run("calm-otter-2").tags == []


def test_find_run_unknown_or_in_the_wrong_project(store: Store) -> None:
    make_run(store, "abc123", project="p")
    for ref in ("nope", "q/abc123", "p/nope", "abc12"):
        with pytest.raises(
            RunNotFoundError, match=r"no run matches.*project/run_id.*cairn runs ls"
        ):
            store.find_run(ref)


def test_find_run_with_an_ambiguous_name(store: Store) -> None:
    make_run(store, "r1", project="p", name="same")
    make_run(store, "r2", project="q", name="same")
    with pytest.raises(RunNotFoundError, match=r"more than one run matches 'same'.*project/run_id"):
        store.find_run("same")
    assert store.find_run("q/same").id == "r2"


def test_an_id_wins_over_names_equal_to_it(store: Store) -> None:
    for i in range(4):
        make_run(store, f"n{i}", name="target")
    make_run(store, "target", name="other")
    assert store.find_run("target").id == "target"
    assert store.find_run("p/target").id == "target"


# ---- update_run -------------------------------------------------------------------------


def test_update_run_name_notes_and_tags(store: Store) -> None:
    make_run(store, "r", tags=["old"])
    info = store.update_run("r", name="renamed", notes="a note", tags=["z", "a", "z"])
    assert (info.name, info.notes, info.tags) == ("renamed", "a note", ["a", "z"])
    assert store.run("r") == info
    assert store.find_run("renamed").id == "r"


def test_update_run_leaves_fields_given_as_none(store: Store) -> None:
    make_run(store, "r", tags=["keep"])
    store.update_run("r", notes="n")
    info = store.update_run("r", name="x")
    assert (info.name, info.notes, info.tags) == ("x", "n", ["keep"])
    assert store.update_run("r", tags=[]).tags == []
    assert store.update_run("r") == store.run("r")


def test_update_unknown_run(store: Store) -> None:
    with pytest.raises(RunNotFoundError, match="ghost"):
        store.update_run("ghost", name="x")


# ---- delete_run -------------------------------------------------------------------------


def _blob_files(store: Store) -> set[str]:
    return {digest for digest, _size, _mtime in store.blobs.entries()}


def test_delete_run_removes_rows_tags_history_and_blobs(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 4)
    make_run(store, "gone", rows=12, tags=["t1", "t2"], batch=3)  # segments and a tail
    make_run(store, "kept", rows=5, finish="finished", tags=["t1"])
    assert count(store, history_segments, "gone") == 2 and count(store, history_tail, "gone") == 1
    with store.engine.connect() as conn:
        gone_blobs = set(
            conn.execute(
                select(history_segments.c.blob).where(history_segments.c.run_id == "gone")
            ).scalars()
        )
    kept_history = store.history("kept")

    store.delete_run("gone")
    for table in (runs, run_tags, history_tail, history_segments):
        assert count(store, table, "gone") == 0, table.name
    assert gone_blobs <= _blob_files(store), "kept for the grace period, for readers"
    assert store.purge_dropped(time.time() + store.drop_grace + 1).deleted == 2
    assert not gone_blobs & _blob_files(store)
    assert [r.id for r in store.runs()] == ["kept"]
    assert store.run("kept").tags == ["t1"]
    assert store.history("kept").equals(kept_history)
    assert store.projects()[0].run_count == 1
    with pytest.raises(RunNotFoundError):
        store.run("gone")
    assert store.last_seq("gone") == 0


def test_delete_run_keeps_a_blob_another_run_references(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SHORT_TAIL_BYTES", 0)  # their finish seals even a few rows
    make_run(store, "gone", rows=3, finish="finished")
    make_run(store, "other", rows=1, finish="finished")
    with store.engine.begin() as conn:
        [digest] = conn.execute(
            select(history_segments.c.blob).where(history_segments.c.run_id == "gone")
        ).scalars()
        conn.execute(
            insert(history_segments).values(
                run_id="other",
                first_seq=1000,
                last_seq=1000,
                rows=0,
                min_step=0,
                max_step=0,
                blob=digest,
                size=1,
            )
        )
    store.delete_run("gone")
    assert store.purge_dropped(time.time() + store.drop_grace + 1).deleted == 0
    assert store.blobs.exists(digest)
    assert digest in _blob_files(store)


def test_delete_unknown_run(store: Store) -> None:
    with pytest.raises(RunNotFoundError, match="ghost"):
        store.delete_run("ghost")


def test_a_deleted_run_can_be_synced_again(store: Store) -> None:
    make_run(store, "r", created_at=100.0, rows=3, finish="finished")
    before = store.run("r")
    store.delete_run("r")
    make_run(store, "r", created_at=100.0, rows=3, finish="finished")
    assert store.run("r") == before


def test_run_numbers_reserved_at_once_by_many_connections_are_all_different(
    store: Store,
) -> None:
    """On PostgreSQL two transactions can read the same counter at once: reservation must lock
    (a new project included, which two writers may try to create together)."""
    each = 15
    got = at_once(store, lambda mine, _i: [mine.reserve_run_number("c") for _ in range(each)])
    numbers = sorted(n for batch in got for n in batch)  # type: ignore[attr-defined]
    assert numbers == list(range(1, 8 * each + 1))


def test_runs_of_a_new_project_started_at_once_all_land_in_one_project(store: Store) -> None:
    at_once(store, lambda mine, i: make_run(mine, f"r{i}", project="fresh", rows=3))
    assert [p.name for p in store.projects()] == ["fresh"]
    assert store.project("fresh").run_count == 8
    assert sorted(r.id for r in store.runs(project="fresh")) == [f"r{i}" for i in range(8)]
