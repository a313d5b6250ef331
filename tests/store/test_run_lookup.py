"""Finding one run (``store.run_lookup``), as ``Store.find_run`` runs it on SQLite and PostgreSQL:
by ``project/id``, id or unique name, its state, number, tags and JSON columns as stored."""

from __future__ import annotations

import math

import pytest
from tests.fakes.journals import same
from tests.store.conftest import MakeStore

from cairn.errors import RunNotFoundError
from cairn.journal.records import DefineMetric, History, RunStart, SummaryUpdate

T0 = 1_700_000_000.0


def started(run_id: str, project: str, name: str, at: float) -> RunStart:
    return RunStart(
        seq=1,
        run_id=run_id,
        project=project,
        name=name,
        created_at=at,
        config={"lr": 0.1, "nested": {"x": [1, 2]}},
        tags=["z", "a"],
    )


def test_a_run_is_found_as_stored(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    store = make_store()
    store.apply(
        "r1",
        [
            started("r1", "p", "calm-owl-1", T0),
            History(seq=2, step=0, ts=T0, values={"loss": 1.0}),
            DefineMetric(seq=3, name="loss", summary="min"),
            SummaryUpdate(seq=4, set={"best": math.inf, "worst": -math.inf, "odd": math.nan}),
        ],
    )
    store.apply("r2", [started("r2", "p", "bold-fox-2", T0 + 1)])
    store.apply("r3", [started("r3", "q", "calm-owl-1", T0 + 2)])
    found = store.find_run("p/r1")
    assert found == store.find_run("r1") == store.find_run("p/calm-owl-1")
    assert (found.id, found.project, found.name, found.state) == (
        "r1",
        "p",
        "calm-owl-1",
        "running",
    )
    assert found.tags == ["a", "z"] and found.config == {"lr": 0.1, "nested": {"x": [1, 2]}}
    assert same(found.summary["odd"], math.nan) and found.summary["best"] == math.inf
    assert found.summary["worst"] == -math.inf and found.history_keys == ["loss"]
    assert found.metric_defs[0]["name"] == "loss" and found.last_seq == 4
    assert found == store.run("r1"), "the same RunInfo as the by-id read of the Store's own SQL"
    assert [store.find_run(r).number for r in ("r1", "r2", "q/r3")] == [1, 2, 1]
    for ref, message in (
        ("calm-owl-1", "more than one run matches 'calm-owl-1'"),
        ("q/r1", "no run matches 'q/r1'"),
        ("nothing", "no run matches 'nothing'"),
    ):
        with pytest.raises(RunNotFoundError, match=message):
            store.find_run(ref)
    store.heartbeat_timeout = 100.0  # the last beat, at T0, is long past
    assert store.find_run("r1").state == "crashed"
