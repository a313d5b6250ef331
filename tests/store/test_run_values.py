"""Summary values out of the JSON, kept as runs are applied and deleted, and the filters and sorts
that read them: ``store.run_values``. Each answer is checked against the same value read from the
JSON (``summary.n.k`` is nested, so it takes the JSON path), on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from typing import Any

import pytest
import sqlalchemy as sa

from cairn.journal.records import RunStart, SummaryUpdate
from cairn.store import Store, run_values
from cairn.store.catalogue import MAX_KEY
from cairn.store.schema import run_values as table

T0 = 1_700_000_000.0
VALUES: dict[str, Any] = {
    "a": 0.7,
    "b": 3,
    "c": math.nan,  # stored as the string "NaN", as the filters have always read it
    "d": math.inf,
    "e": "text",
    "f": True,
    "g": False,
    "h": [1, 2],
    "i": None,
    "l": -2.5,
}
ALL = {*VALUES, "j"}  # j has no summary key at all


def add(store: Store, run_id: str, summary: dict[str, Any]) -> None:
    start = RunStart(seq=1, run_id=run_id, project="p", name=run_id, created_at=T0, config={})
    store.apply(run_id, [start, SummaryUpdate(seq=2, set=summary)])


@pytest.fixture
def filled(store: Store) -> Store:
    for run_id, value in VALUES.items():
        add(store, run_id, {"k": value, "n": {"k": value}})
    add(store, "j", {})
    return store


def ids(store: Store, **query: str) -> list[str]:
    return [run.id for run in store.runs("p", **query)]


def rows(store: Store) -> dict[tuple[str, str], tuple[int, float | None, str | None]]:
    with store._read() as conn:
        found = conn.execute(sa.select(table)).all()
    return {(r.run_id, r.key): (r.rank, r.num, r.text) for r in found}


def expected_rows(store: Store) -> dict[tuple[str, str], tuple[int, float | None, str | None]]:
    """What the rows must be: the stored values of every run's summary, read back whole."""
    return {
        (run.id, key): value
        for run in store.runs("p")
        for key, value in run_values.values(run.summary).items()
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("summary.k > 0.5", {"a", "b"}),
        ("summary.k < 0", {"l"}),
        ("summary.k == 3", {"b"}),
        ("summary.k == 'NaN'", {"c"}),
        ("summary.k == 'Infinity'", {"d"}),
        ("summary.k ~ 'ex'", {"e"}),
        ("summary.k >= 'a'", {"e"}),
        ("summary.k == true", {"f"}),
        ("summary.k == false", {"g"}),
        ("summary.k is null", {"i", "j"}),
        ("summary.k is not null", ALL - {"i", "j"}),
        ("summary.k != 3", ALL - {"b"}),
        ("not summary.k > 0.5", ALL - {"a", "b"}),
        ("summary.k in [3, 'text', true]", {"b", "e", "f"}),
        ("summary.k not in [3]", ALL - {"b"}),
        ("summary.k > 0.5 or summary.k == false", {"a", "b", "g"}),
    ],
)
def test_filters_answer_as_the_json_does(filled: Store, text: str, expected: set[str]) -> None:
    assert set(ids(filled, filter=text)) == expected
    assert set(ids(filled, filter=text.replace("summary.k", "summary.n.k"))) == expected


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("-summary.k", ["b", "a", "l", "e", "c", "d", "f", "g", "h", "i", "j"]),
        ("summary.k", ["l", "a", "b", "d", "c", "e", "g", "f", "h", "i", "j"]),
    ],
)
def test_sorts_put_numbers_strings_bools_then_the_rest_and_missing_last(
    filled: Store, order: str, expected: list[str]
) -> None:
    assert ids(filled, order=order) == expected
    assert ids(filled, order=order.replace("summary.k", "summary.n.k")) == expected
    page = filled.runs_page("p", filter="summary.k > -1", order=order, limit=1)
    assert page.total == 2 and [r.id for r in page.runs] == [expected[0] if "-" in order else "a"]


def test_rows_follow_updates_removals_and_deletion(filled: Store) -> None:
    assert rows(filled) == expected_rows(filled)
    assert rows(filled)[("c", "k")] == (run_values.STRING, None, "NaN")
    filled.apply("a", [SummaryUpdate(seq=3, set={"k": "now text", "new": 1})])
    filled.apply("b", [SummaryUpdate(seq=3, set={}, remove=["k"])])
    filled.apply("f", [SummaryUpdate(seq=3, set={"k": None})])
    assert rows(filled) == expected_rows(filled)
    assert ("b", "k") not in rows(filled) and ("f", "k") not in rows(filled)
    assert set(ids(filled, filter="summary.k > 0.5")) == set()
    assert set(ids(filled, filter="summary.k is null")) == {"b", "f", "i", "j"}
    assert ids(filled, filter="summary.new == 1") == ["a"]
    filled.delete_run("a")
    assert rows(filled) == expected_rows(filled)
    assert not any(run_id == "a" for run_id, _ in rows(filled))


def test_a_key_too_long_for_the_index_is_read_from_the_json(store: Store) -> None:
    long = "x" * (MAX_KEY + 1)
    add(store, "a", {long: 2.0})
    add(store, "b", {long: 1.0})
    assert rows(store) == {}
    assert ids(store, filter=f'summary["{long}"] > 1.5') == ["a"]
    assert ids(store, order=f'summary["{long}"]') == ["b", "a"]


def test_an_integer_past_a_double_still_sorts_as_a_number() -> None:
    assert run_values.stored(10**400) == (run_values.NUMBER, math.inf, None)
    assert run_values.stored(-(10**400)) == (run_values.NUMBER, -math.inf, None)
    assert run_values.stored({"a": math.nan}) == (run_values.OTHER, None, '{"a":"NaN"}')
