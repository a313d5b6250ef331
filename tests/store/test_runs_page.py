"""A page of runs with the count of all matches, and run numbers on any page: ``Store.runs_page``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from cairn.journal.records import RunStart, SummaryUpdate
from cairn.store import Store
from cairn.store.blobs import BlobStore

T0 = 1_700_000_000.0


def fill(store: Store, count: int = 12) -> None:
    """``count`` runs of p (created in order, two at the same second) and two of q between them."""
    for i in range(count):
        created = T0 + (i if i != 5 else 4)  # r04 and r05 tie on created_at: id breaks the tie
        store.apply(
            f"r{i:02d}",
            [
                RunStart(seq=1, run_id=f"r{i:02d}", project="p", name=f"n{i}", created_at=created),
                SummaryUpdate(seq=2, set={"acc": (i * 7) % 12 / 12} if i != 3 else {}),
            ],
        )
        if i in (2, 8):
            start = RunStart(seq=1, run_id=f"q{i}", project="q", name=f"q{i}", created_at=created)
            store.apply(f"q{i}", [start])


def test_the_default_order_pages_newest_first_with_the_total(store: Store) -> None:
    fill(store)
    first = store.runs_page("p", limit=5)
    assert [r.id for r in first.runs] == ["r11", "r10", "r09", "r08", "r07"]
    assert first.total == 12
    last = store.runs_page("p", limit=5, offset=10)
    assert [r.id for r in last.runs] == ["r01", "r00"] and last.total == 12
    beyond = store.runs_page("p", limit=5, offset=40)
    assert beyond.runs == [] and beyond.total == 12


def test_a_filtered_and_sorted_page_counts_every_match(store: Store) -> None:
    fill(store)
    page = store.runs_page("p", filter="summary.acc >= 0.5", order="-summary.acc", limit=3)
    everything = store.runs("p", filter="summary.acc >= 0.5", order="-summary.acc")
    assert [r.id for r in page.runs] == [r.id for r in everything[:3]]
    assert page.total == len(everything) == 5
    accs = [r.summary["acc"] for r in everything]
    assert accs == sorted(accs, reverse=True)
    # a run without the key sorts last in both directions
    assert store.runs("p", order="summary.acc")[-1].id == "r03"
    assert store.runs("p", order="-summary.acc")[-1].id == "r03"
    beyond = store.runs_page("p", filter="summary.acc >= 0.5", limit=3, offset=10)
    assert beyond.runs == [] and beyond.total == 5
    ids = store.runs_page("p", ids=["r01", "q2", "r07", "nope"], limit=1)
    assert [r.id for r in ids.runs] == ["r07"] and ids.total == 2
    for unknown in (store.runs_page("nope"), store.runs_page("nope", filter="summary.acc > 0")):
        assert unknown.runs == [] and unknown.total == 0
    assert store.count_runs("nope") == 0 and store.count_runs("p") == 12


def test_numbers_are_the_rank_by_creation_on_any_page(store: Store) -> None:
    fill(store)
    expected = {f"r{i:02d}": i + 1 for i in range(12)}  # r04 before r05: same second, id order
    for page in (
        store.runs_page("p", limit=4, offset=4).runs,
        store.runs_page("p", order="-summary.acc", limit=5).runs,
        store.runs_page("p", search="n1", limit=100).runs,
        store.runs("p"),
    ):
        assert page and {r.id: r.number for r in page} == {r.id: expected[r.id] for r in page}
    assert store.run("r05").number == 6
    assert store.find_run("p/r00").number == 1
    assert {r.id: r.number for r in store.runs("q")} == {"q2": 1, "q8": 2}
    # across projects, each run is numbered within its own
    mixed = store.runs(search="8")
    assert {r.id: r.number for r in mixed} == {"r08": 9, "q8": 2}
    store.delete_run("r00")
    assert store.run("r05").number == 5


def test_two_summary_keys_sort_as_python_sorts_them_on_every_path(store: Store) -> None:
    """Each summary key of an order is a join of its own: a second key breaks the first's ties,
    in its own direction, with or without a filter (the gathered path and the index path)."""
    for i in range(10):
        summary = {"g": i % 3, "acc": (i * 7) % 10 / 10} if i != 4 else {"acc": 0.05}
        start = RunStart(seq=1, run_id=f"r{i:02d}", project="p", name=f"n{i}", created_at=T0 + i)
        store.apply(f"r{i:02d}", [start, SummaryUpdate(seq=2, set=summary)])
    runs = {r.id: r.summary for r in store.runs("p")}
    with_g = sorted(
        (i for i in runs if "g" in runs[i]), key=lambda i: (-runs[i]["g"], runs[i]["acc"])
    )
    expected = [*with_g, "r04"]  # no g: last
    assert [r.id for r in store.runs("p", order="-summary.g,summary.acc")] == expected
    page = store.runs_page("p", filter="summary.acc >= 0", order="-summary.g,summary.acc", limit=4)
    assert [r.id for r in page.runs] == expected[:4] and page.total == 10
    assert [r.id for r in store.runs("p", order="summary.acc,-summary.acc")] == sorted(
        runs, key=lambda i: runs[i]["acc"]
    )


def test_a_page_asked_again_and_again_is_planned_for_its_parameters_on_postgresql(
    postgres: Any, tmp_path: Path
) -> None:
    """psycopg prepares a statement from its 5th run on, and PostgreSQL may then plan it once for
    any parameters, blind to the project and the filter's bounds (about 4 times slower at
    100,000 runs): the runs page asks for a plan of its own parameters each time."""
    store = Store(postgres.database(), BlobStore(tmp_path / "blobs"))
    try:
        fill(store)
        for _ in range(15):
            store.runs_page("p", filter="summary.acc >= 0.5", order="-summary.acc", limit=3)
        with store._read() as conn:
            plans = conn.execute(
                text(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE 'WITH matches%'"
                )
            ).all()
        assert plans and all(generic == 0 and custom >= 5 for generic, custom in plans), plans
    finally:
        store.close()
