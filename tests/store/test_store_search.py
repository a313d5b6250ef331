"""Store.project, and Store.runs / count_runs with search= and ids= (the dashboard's queries)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.store.conftest import MakeStore

from cairn.errors import ProjectNotFoundError
from cairn.journal.records import Record, RunFinish, RunStart
from cairn.store import Store

T0 = 1_700_000_000.0


@pytest.fixture
def store(make_store: MakeStore) -> Iterator[Store]:
    store = make_store()
    runs = [
        ("aaa111", "p", "Brisk-Heron-1", ["baseline"]),
        ("bbb222", "p", "50%_done", ["Sweep_A"]),
        ("ccc333", "p", "plain", []),
        ("ddd444", "q", "brisk-other", ["baseline"]),
    ]
    for i, (run_id, project, name, tags) in enumerate(runs):
        records: list[Record] = [
            RunStart(
                seq=1, run_id=run_id, project=project, name=name, created_at=T0 + i, tags=tags
            ),
            RunFinish(seq=2, ts=T0 + i + 1),
        ]
        store.apply(run_id, records)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("brisk", ["aaa111"]),
        ("HERON", ["aaa111"]),
        ("BBB2", ["bbb222"]),  # the id
        ("sweep_a", ["bbb222"]),  # a tag
        ("baseline", ["aaa111"]),
        ("%", ["bbb222"]),
        ("_", ["bbb222"]),
        ("0%_", ["bbb222"]),
        ("%d", []),
        ("\\", []),
        ("'; drop table runs; --", []),
        ("", ["ccc333", "bbb222", "aaa111"]),
    ],
)
def test_search_name_id_or_tag_ignoring_case_with_wildcards_literal(
    store: Store, search: str, expected: list[str]
) -> None:
    assert [r.id for r in store.runs("p", search=search)] == expected
    assert store.count_runs("p", search=search) == len(expected)


def test_search_across_projects_and_with_a_filter(store: Store) -> None:
    assert {r.id for r in store.runs(search="brisk")} == {"aaa111", "ddd444"}
    assert store.count_runs(search="baseline", filter='name ~ "other"') == 1


def test_ids_keep_only_those_runs(store: Store) -> None:
    assert [r.id for r in store.runs("p", ids=["aaa111", "ccc333", "nope", "ddd444"])] == [
        "ccc333",
        "aaa111",
    ]
    assert store.runs(ids=[]) == []


def test_project_by_name(store: Store) -> None:
    p = store.project("p")
    assert (p.name, p.run_count, p.last_activity) == ("p", 3, T0 + 3)
    assert store.project("q").run_count == 1
    with pytest.raises(ProjectNotFoundError, match="no project named 'nope'"):
        store.project("nope")


def test_a_project_without_runs_yet(store: Store) -> None:
    store.reserve_run_number("fresh")
    p = store.project("fresh")
    assert (p.run_count, p.last_activity) == (0, None)
