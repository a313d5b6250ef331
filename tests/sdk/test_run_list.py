"""``Api().runs()`` is a lazy list: ``len`` counts, a loop reads page after page by keyset,
indexing and slicing read only the pages they need, ``to_arrow`` builds a table page by page.
Each test runs on a store (``Api(dir)``) and through a server (``Api(url=...)``)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.fakes.reading import Reading

import cairn
from cairn.journal.records import RunStart, SummaryUpdate
from cairn.store import Store
from cairn.store.models import RunPage
from cairn.store.reader import Reader

T0 = 1_700_000_000.0
ACCS: list[Any] = [0.5, None, 0.5, 0.9, 0.1, None, 0.5, 0.3, 0.9]


@pytest.fixture(scope="module")
def paged(reading: Reading) -> list[str]:
    """Nine runs of "paged" (three created in the same second; two without an acc), their ids
    newest first (ties by id)."""
    store = Store.local(reading.dir)
    try:
        for i, acc in enumerate(ACCS):
            created = T0 + min(i, 6)
            store.apply(
                f"pg{i}",
                [
                    RunStart(
                        seq=1, run_id=f"pg{i}", project="paged", name=f"n{i}", created_at=created
                    ),
                    SummaryUpdate(seq=2, set={} if acc is None else {"acc": acc, "i": i}),
                ],
            )
    finally:
        store.close()
    return ["pg6", "pg7", "pg8", "pg5", "pg4", "pg3", "pg2", "pg1", "pg0"]


class Counted:
    """A reader that counts the runs it was asked for (the real reader does the reading)."""

    def __init__(self, reader: Reader) -> None:
        self.reader, self.counts = reader, 0
        self.pages: list[dict[str, Any]] = []

    def runs_page(self, project: str | None, **query: Any) -> RunPage:
        self.pages.append(query)
        return self.reader.runs_page(project, **query)

    def count_runs(self, project: str | None, **query: Any) -> int:
        self.counts += 1
        return self.reader.count_runs(project, **query)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.reader, name)


def counted(reading: Reading) -> tuple[cairn.Api, Counted]:
    api = reading.api()
    spy = Counted(api.reader)
    api.reader = spy  # type: ignore[assignment]
    return api, spy


def ids(runs: Any) -> list[str]:
    return [run.id for run in runs]


def test_a_loop_reads_every_run_page_after_page(reading: Reading, paged: list[str]) -> None:
    api, spy = counted(reading)
    runs = api.runs("paged", per_page=2)
    assert len(spy.pages) == 1  # the first page at once: a bad filter fails at the call
    assert ids(runs) == paged and ids(runs) == paged  # a second loop reads again
    assert [p["limit"] for p in spy.pages[:5]] == [2] * 5
    assert all(p.get("after") for p in spy.pages[1:5]) and not any(p["offset"] for p in spy.pages)
    assert spy.counts == 0
    assert len(runs) == 9 and spy.counts == 1 and len(runs) == 9 and spy.counts == 1
    ordered = api.runs("paged", order="-summary.acc,id", per_page=4)
    expected = ["pg3", "pg8", "pg0", "pg2", "pg6", "pg7", "pg4", "pg1", "pg5"]
    assert ids(ordered) == expected and len(ordered) == 9
    filtered = api.runs("paged", filter="summary.acc >= 0.5", order="id", per_page=2)
    assert ids(filtered) == ["pg0", "pg2", "pg3", "pg6", "pg8"] and len(filtered) == 5
    assert ids(api.runs("paged", per_page=500)) == ids(api.runs("paged", per_page=1))


def test_indexing_and_slicing_read_only_the_pages_they_need(
    reading: Reading, paged: list[str]
) -> None:
    api, spy = counted(reading)
    runs = api.runs("paged", per_page=2)
    assert runs[0].id == paged[0] and runs[1].id == paged[1] and len(spy.pages) == 1
    assert runs[6].id == paged[6]  # one page, from offset 6
    assert spy.pages[-1] == {**spy.pages[-1], "offset": 6, "limit": 2} and len(spy.pages) == 2
    assert runs[7].id == paged[7] and len(spy.pages) == 2  # the same page
    assert runs[8].id == paged[8] and spy.pages[-1].get("after")  # the next page, by keyset
    assert ids(runs[2:5]) == paged[2:5] and ids(runs[:3]) == paged[:3]
    assert spy.counts == 0  # none of these needed a count
    assert runs[-1].id == paged[-1] and spy.counts == 1
    assert ids(runs[::-3]) == paged[::-3] and ids(runs[-4:]) == paged[-4:]
    assert runs[9:] == [] and runs[5:100] and ids(runs[5:100]) == paged[5:]
    for missing in (9, -10):
        with pytest.raises(IndexError):
            runs[missing]


def test_a_limit_stops_the_listing(reading: Reading, paged: list[str]) -> None:
    runs = reading.api().runs("paged", limit=5, per_page=2)
    assert ids(runs) == paged[:5] and len(runs) == 5
    assert ids(runs[3:9]) == paged[3:5]
    with pytest.raises(IndexError):
        runs[5]
    assert ids(reading.api().runs("paged", limit=2, per_page=500)) == paged[:2]
    assert reading.api().runs("paged", limit=0) == [] and not reading.api().runs("nobody")
    with pytest.raises(ValueError, match="per_page"):
        reading.api().runs("paged", per_page=0)


def test_to_arrow_and_to_pandas_join_the_pages(reading: Reading, paged: list[str]) -> None:
    runs = reading.api().runs("paged", per_page=2)
    table = runs.to_arrow()
    assert table.column("id").to_pylist() == paged
    whole = reading.api().runs("paged", per_page=500).to_arrow()
    assert table.equals(whole)  # the same columns and types as one page of all runs
    assert table.column("summary.acc").to_pylist()[:4] == [0.5, 0.3, 0.9, None]
    frame = runs.to_pandas()
    assert list(frame["id"]) == paged and len(frame.columns) == table.num_columns
    assert reading.api().runs("nobody").to_arrow().num_rows == 0
