"""Keyset pages: ``Store.runs_page(after=page.next)`` reads the same runs, in the same order, as
OFFSET pages, for any order (ties, NULLs, descending keys, JSON values of every type) and under
a filter or a search; a cursor it did not make is a CursorError."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from cairn.errors import CursorError
from cairn.journal.records import RunStart, SummaryUpdate
from cairn.store import Store

T0 = 1_700_000_000.0
# config.x holds ties, every JSON type and gaps; summary.acc ties, a string and gaps.
XS: list[Any] = [3, 1.5, "b", 3, None, True, {"k": 1}, [1, 2], "a", 3, False, "MISSING", 1.5]
ACCS: list[Any] = [0.5, 0.25, 0.5, "MISSING", 0.75, 0.5, "high", 0.25, "MISSING", 1.0, 0.5, 0, 0]
ORDERS = [
    None,
    "created_at",
    "-created_at",
    "config.x",
    "-config.x,name",
    "summary.acc",
    "-summary.acc,-config.x",
    "group,-runtime",
    "-state,id",
]


def fill(store: Store) -> None:
    """13 runs of p (three pairs created in the same second) and one of q."""
    for i, (x, acc) in enumerate(zip(XS, ACCS, strict=True)):
        config = {} if x == "MISSING" else {"x": x}
        summary = {} if acc == "MISSING" else {"acc": acc}
        store.apply(
            f"r{i:02d}",
            [
                RunStart(
                    seq=1,
                    run_id=f"r{i:02d}",
                    project="p",
                    name=f"n{i % 5}",
                    created_at=T0 + i // 2 * 2 + (i % 2 if i > 6 else 0),
                    config=config,
                    group=None if i % 3 else f"g{i % 2}",
                ),
                SummaryUpdate(seq=2, set=summary),
            ],
        )
    store.apply("q0", [RunStart(seq=1, run_id="q0", project="q", name="q", created_at=T0)])


def keyset(store: Store, size: int, **query: Any) -> list[str]:
    """Every run's id, reading pages of ``size`` after each page's ``next`` cursor."""
    ids: list[str] = []
    page = store.runs_page("p", limit=size, **query)
    while True:
        ids += [r.id for r in page.runs]
        if page.next is None:
            return ids
        page = store.runs_page("p", limit=size, after=page.next, **query)


def offsets(store: Store, size: int, **query: Any) -> list[str]:
    ids: list[str] = []
    while page := store.runs_page("p", limit=size, offset=len(ids), **query).runs:
        ids += [r.id for r in page]
    return ids


@pytest.mark.parametrize(
    "where",
    [{}, {"filter": "summary.acc >= 0.25 or config.x is null"}, {"search": "n1"}],
    ids=["all", "filter", "search"],
)
def test_keyset_pages_equal_offset_pages_in_every_order(
    store: Store, where: dict[str, Any]
) -> None:
    fill(store)
    for order in ORDERS:
        whole = [r.id for r in store.runs("p", order=order, **where)]
        assert whole, order
        assert keyset(store, 1, order=order, **where) == whole, order  # every row a boundary
        assert keyset(store, 4, order=order, **where) == whole, order
        assert offsets(store, 4, order=order, **where) == whole, order


def test_a_keyset_page_counts_every_match_and_the_last_has_no_next(store: Store) -> None:
    fill(store)
    first = store.runs_page("p", order="-summary.acc", limit=5)
    second = store.runs_page("p", order="-summary.acc", limit=5, after=first.next)
    assert first.total == second.total == 13
    last = store.runs_page("p", order="-summary.acc", limit=5, after=second.next)
    assert len(last.runs) == 3 and last.next is None and last.total == 13
    filtered = store.runs_page("p", filter="summary.acc > 0.3", limit=2)
    rest = store.runs_page("p", filter="summary.acc > 0.3", limit=2, after=filtered.next)
    assert filtered.total == rest.total == 6


def _forged(order: str | None, values: list[Any], run_id: Any) -> str:
    raw = json.dumps([order or "", values, run_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def test_a_cursor_the_listing_did_not_make_is_refused(store: Store) -> None:
    fill(store)
    made = store.runs_page("p", order="-summary.acc", limit=2).next
    assert made is not None
    bad = [
        "",
        "not a cursor!",
        made[:-3],
        base64.urlsafe_b64encode(b"[1, 2").decode(),
        _forged("-summary.acc", [0, 0.5], "r01"),  # too few values: stored keys are 3
        _forged("-summary.acc", [0, "x", None], "r01"),  # text where a number sorts
        _forged("-summary.acc", [0, 2**70, None], "r01"),  # beyond 64 bits
        _forged("-summary.acc", [0, 0.5, None], 7),  # the id is not text
        _forged("-summary.acc", [{"a": 1}, 0.5, None], "r01"),
        base64.urlsafe_b64encode(b'["-summary.acc", [0, NaN, null], "r01"]').decode(),
        "A" * 10_000,
        base64.urlsafe_b64encode(b"[" * 3000 + b"]" * 3000).decode(),  # nested past recursion
    ]
    for cursor in bad:
        with pytest.raises(CursorError):
            store.runs_page("p", order="-summary.acc", limit=2, after=cursor)
    with pytest.raises(CursorError, match=r"ordered by '-summary\.acc'"):
        store.runs_page("p", order="name", limit=2, after=made)


def test_a_forged_cursor_of_the_right_shape_only_moves_the_page(store: Store) -> None:
    fill(store)
    forged = _forged("config.x", [1, "zzz"], "r99")  # a string after every string stored
    after = [r.id for r in store.runs_page("p", order="config.x", after=forged, limit=50).runs]
    whole = [r.id for r in store.runs("p", order="config.x")]
    numbers_and_strings = ("r00", "r01", "r03", "r09", "r12", "r02", "r08")
    assert after == [i for i in whole if i not in numbers_and_strings]


def test_run_ids_then_runs_by_id_read_what_runs_reads(store: Store) -> None:
    """A loop over many runs (``Api().runs()`` on a store) sorts once, then reads by id."""
    fill(store)
    query = {"filter": "summary.acc >= 0.25 or config.x is null"}
    for order in ORDERS:
        whole = store.runs("p", order=order, **query)
        ids = store.run_ids("p", order=order, **query)
        assert ids == [r.id for r in whole], order
        assert store.run_ids("p", order=order, limit=3, **query) == ids[:3]
        picked = store.runs_by_id([ids[2], "nope", ids[0]])
        assert [r.id for r in picked] == [ids[2], ids[0]]
        assert picked[1] == whole[0]  # the same record, run number and tags included
        assert store.runs_by_id(ids, store.run_numbers("p")) == whole
    assert store.run_numbers("p") == {r.id: r.number for r in store.runs("p")}
    assert store.run_numbers() == {r.id: r.number for r in store.runs()}
