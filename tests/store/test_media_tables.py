"""Logged tables on the server side: the filter language over columns, sort, group, pages, joins."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest

from cairn.store.filters import FilterError
from cairn.store.media_tables import join_tables, query_table

TYPES = {"id": "number", "label": "string", "score": "number", "ok": "bool", "img": "image"}


@pytest.fixture
def table() -> pa.Table:
    return pa.table(
        {
            "id": [1, 2, 3, 4],
            "label": ["cat", "dog", "cat", None],
            "score": [0.9, math.nan, 0.2, 0.5],
            "ok": [True, False, True, False],
            "img": ['{"_type": "image", "blob": "x"}', None, None, None],
        }
    )


@pytest.mark.parametrize(
    ("expr", "ids"),
    [
        ("score > 0.4", [1, 4]),
        ('label == "cat" and score < 0.5', [3]),
        ('label != "cat"', [2, 4]),
        ('label ~ "^d"', [2]),
        ("label is null", [4]),
        ("label is not null and not ok == true", [2]),
        ('id in [1, 3] or label == "dog"', [1, 2, 3]),
        ("id not in [1]", [2, 3, 4]),
        ("ok == true", [1, 3]),
        ('score == "high"', []),
        ('col["label"] == "dog"', [2]),
        ("(id < 2 or id > 3) and id != 4", [1]),
        ("id > -1", [1, 2, 3, 4]),
    ],
)
def test_filters(table: pa.Table, expr: str, ids: list[int]) -> None:
    assert query_table(table, types=TYPES, filter=expr)["data"]["id"] == ids


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("nope > 1", "unknown column 'nope'"),
        ("id >", "expected a value"),
        ("id 3", "expected an operator"),
        ("(id > 1", "expected '\\)'"),
        ("id > 1 id", "unexpected 'id'"),
        ('label ~ "("', "bad regular expression"),
        ("id in 3", "expected a list"),
    ],
)
def test_bad_filters_say_where(table: pa.Table, expr: str, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        query_table(table, types=TYPES, filter=expr)


def test_sort_group_and_pages(table: pa.Table) -> None:
    page = query_table(table, types=TYPES, sort="score", descending=True)
    assert page["data"]["id"][:3] == [1, 4, 3] and page["data"]["score"][0] == 0.9
    assert None in page["data"]["score"]  # NaN goes out as null
    grouped = query_table(table, types=TYPES, group="label", sort="id", offset=1, limit=2)
    assert grouped["data"]["label"] == ["cat", "dog"] and grouped["matched"] == 4
    assert grouped["groups"] == [
        {"value": "cat", "count": 2},
        {"value": "dog", "count": 1},
        {"value": None, "count": 1},
    ]
    assert query_table(table, types=TYPES)["data"]["img"][0] == {"_type": "image", "blob": "x"}
    with pytest.raises(ValueError, match="no column 'nope'"):
        query_table(table, types=TYPES, sort="nope")


def test_join_on_a_key_column(table: pa.Table) -> None:
    other = pa.table({"id": [2, 5], "score": [0.1, 0.2]})
    joined = join_tables(table.select(["id", "score"]), other, "id", ("a", "b"))
    assert joined.column_names == ["id", "score · a", "score · b"]
    rows = {r["id"]: r for r in joined.to_pylist()}
    assert rows[2]["score · b"] == 0.1 and rows[5]["score · a"] is None
    with pytest.raises(ValueError, match="no column 'label'"):
        join_tables(table, other, "label", ("a", "b"))
