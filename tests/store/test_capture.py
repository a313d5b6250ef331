"""Capture sections, console lines, reproduction links and stored comparisons in the store."""

from __future__ import annotations

import pytest
from tests.store.conftest import MakeStore

from cairn.journal.records import Capture, Console, History, RunFinish, RunStart
from cairn.store.capture import get_capture, reproductions_of
from cairn.store.console import console_count, console_lines
from cairn.store.reproductions import list_reproductions, save_reproduction
from cairn.store.store import Store


@pytest.fixture
def store(make_store: MakeStore) -> Store:
    return make_store()


def start(seq: int = 1, run_id: str = "r1", **kw: object) -> RunStart:
    return RunStart(seq=seq, run_id=run_id, project="p", name="n", created_at=1.0, **kw)  # type: ignore[arg-type]


def test_sections_are_stored_and_a_later_one_replaces_an_earlier(store: Store) -> None:
    store.apply(
        "r1",
        [
            start(),
            Capture(seq=2, section="command", data={"argv": ["a.py"]}),
            Capture(seq=3, section="git", data={"commit": "abc", "dirty": False}),
        ],
    )
    store.apply("r1", [Capture(seq=4, section="seeds", data={"seed": 1})])
    store.apply("r1", [Capture(seq=5, section="seeds", data={"seed": 2})])
    assert get_capture(store, "r1") == {
        "git": {"commit": "abc", "dirty": False},
        "command": {"argv": ["a.py"]},
        "seeds": {"seed": 2},
    }
    assert list(get_capture(store, "r1")) == ["git", "command", "seeds"]  # the readers' order
    assert get_capture(store, "missing") == {}


def test_the_runs_row_does_not_carry_the_capture(store: Store) -> None:
    """A big section (a diff, a package list) must not be read with every batch or listing."""
    store.apply("r1", [start(), Capture(seq=2, section="git", data={"diff": "x" * 100_000})])
    info = store.run("r1")
    assert "x" * 1000 not in repr(info)


def test_console_lines_are_numbered_across_batches(store: Store) -> None:
    store.apply(
        "r1",
        [start(), Console(seq=2, lines=[(1.0, "stdout", "a"), (1.1, "stderr", "b")])],
    )
    store.apply("r1", [History(seq=3, step=0, ts=2.0, values={"x": 1.0})])
    store.apply("r1", [Console(seq=4, lines=[(2.5, "stdout", "Loss 0.5"), (2.6, "stdout", "")])])
    lines = console_lines(store, "r1")
    assert [(x.line, x.stream, x.ts, x.text) for x in lines] == [
        (0, "stdout", 1.0, "a"),
        (1, "stderr", 1.1, "b"),
        (2, "stdout", 2.5, "Loss 0.5"),
        (3, "stdout", 2.6, ""),
    ]
    assert console_count(store, "r1") == 4
    assert [x.line for x in console_lines(store, "r1", after=1, limit=1)] == [2]
    assert [x.text for x in console_lines(store, "r1", search="loss")] == ["Loss 0.5"]
    assert [x.text for x in console_lines(store, "r1", search="%")] == []  # a literal %
    assert [x.text for x in console_lines(store, "r1", stream="stderr")] == ["b"]


def test_applying_console_records_twice_changes_nothing(store: Store) -> None:
    records = [start(), Console(seq=2, lines=[(1.0, "stdout", "once")])]
    store.apply("r1", records)
    store.apply("r1", records)
    assert [x.text for x in console_lines(store, "r1")] == ["once"]


def test_reproduction_of_is_kept_when_the_run_is_resumed(store: Store) -> None:
    store.apply("orig", [start(run_id="orig")])
    store.apply("r1", [start(reproduction_of="p/orig")])
    store.apply("r1", [start(seq=2, resumed=True)])  # a resumed start carries no link
    assert store.run("r1").reproduction_of == "p/orig"
    assert store.run("orig").reproduction_of is None
    assert reproductions_of(store, "p", "orig") == ["r1"]


def test_deleting_a_run_deletes_its_capture_console_and_comparisons(store: Store) -> None:
    store.apply(
        "r1",
        [
            start(),
            Capture(seq=2, section="git", data={}),
            Console(seq=3, lines=[(1.0, "stdout", "x")]),
            RunFinish(seq=4, ts=2.0),
        ],
    )
    save_reproduction(
        store, "r1", verdict="reproduced", runs=[], metrics=[], details={}, report="# r"
    )
    store.delete_run("r1")
    assert get_capture(store, "r1") == {} and console_lines(store, "r1") == []
    assert list_reproductions(store, "r1") == []


def test_comparisons_are_stored_and_listed_newest_first(store: Store) -> None:
    store.apply("r1", [start()])
    first = save_reproduction(
        store,
        "r1",
        verdict="not reproduced",
        runs=["a"],
        metrics=[{"key": "acc", "status": "differs"}],
        details={"rtol": 0.0},
        report="# one",
    )
    second = save_reproduction(
        store, "r1", verdict="reproduced", runs=["b", "c"], metrics=[], details={}, report="# two"
    )
    found = list_reproductions(store, "r1")
    assert [c.id for c in found] == [second, first]
    assert found[1].metrics == [{"key": "acc", "status": "differs"}] and found[1].runs == ["a"]
    assert found[0].report == "# two"
