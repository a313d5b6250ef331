"""A page of runs with the count of all matches, and run numbers on any page: ``Store.runs_page``."""

from __future__ import annotations

from cairn.journal.records import RunStart, SummaryUpdate
from cairn.store import Store

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
