"""Flattened config paths, summary keys and metric keys of a project's runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.store.conftest import MakeStore

from cairn.journal.records import History, Record, RunFinish, RunStart, SummaryUpdate
from cairn.store import Store, columns
from cairn.store.columns import (
    ColumnStats,
    default_columns,
    flatten_config,
    metric_keys,
    project_columns,
    project_stats,
    rank_summary,
)

T0 = 1_700_000_000.0


def test_flatten_config() -> None:
    config = {"lr": 0.1, "model": {"width": 64, "act": {"name": "relu"}}, "layers": [1, 2], "e": {}}
    assert flatten_config(config) == {
        "lr": 0.1,
        "model.width": 64,
        "model.act.name": "relu",
        "layers": [1, 2],
        "e": {},
    }
    assert flatten_config({}) == {}


def apply(
    store: Store, run_id: str, project: str, config: dict[str, Any], summary: dict[str, Any]
) -> None:
    records: list[Record] = [
        RunStart(seq=1, run_id=run_id, project=project, name=run_id, created_at=T0, config=config),
        SummaryUpdate(seq=2, set=summary),
        History(seq=3, step=0, ts=T0, values={f"{run_id}/loss": 1.0}),
        RunFinish(seq=4, ts=T0 + 1),
    ]
    store.apply(run_id, records)


@pytest.fixture
def store(make_store: MakeStore) -> Iterator[Store]:
    store = make_store()
    apply(store, "a", "p", {"lr": 0.1, "model": {"width": 64}}, {"acc": 0.5})
    apply(store, "b", "p", {"lr": 0.2, "model": {"depth": 2}, "tags": []}, {"best": {"x": 1}})
    apply(store, "c", "q", {"other": 1}, {"nan": float("nan")})
    yield store
    store.close()


def test_project_columns_are_the_sorted_union(store: Store) -> None:
    config, summary = project_columns(store, "p")
    assert config == ["lr", "model.depth", "model.width", "tags"]
    assert summary == ["a/loss", "acc", "b/loss", "best"]
    assert project_columns(store, "q") == (["other"], ["c/loss", "nan"])
    assert project_columns(store, "nope") == ([], [])


def test_metric_keys_of_some_runs_or_all(store: Store) -> None:
    assert metric_keys(store, "p") == ["a/loss", "b/loss"]
    assert metric_keys(store, "p", ["b", "c"]) == ["b/loss"]
    assert metric_keys(store, "p", []) == []


def stats_of(*runs: tuple[dict[str, Any], list[str]]) -> ColumnStats:
    stats = ColumnStats()
    for config, summary in runs:
        stats.add(config, summary)
    return stats


def test_a_run_with_an_empty_config_does_not_make_constant_keys_vary() -> None:
    data = {"data": {"name": "digits", "split": 0.2, "seed": 0}, "batch_size": 64}
    swept = [
        ({**data, "lr": lr, "model": {"width": w}}, ["val/acc", "train/loss"])
        for lr in (0.1, 0.01)
        for w in (32, 64)
    ]
    stats = stats_of(({}, ["rows"]), *swept)
    assert default_columns(stats) == [
        "config.lr",
        "config.model.width",
        "summary.val/acc",
        "summary.rows",
        "summary.train/loss",
    ]


def test_the_keys_with_the_most_values_lead_and_constant_keys_fill_in_when_none_vary() -> None:
    stats = stats_of(*(({"seed": i, "lr": i % 2, "bs": 8}, []) for i in range(4)))
    assert default_columns(stats) == ["config.seed", "config.lr"]
    assert default_columns(stats_of(({"bs": 8, "lr": 0.1}, []))) == ["config.bs", "config.lr"]


def test_summary_ranks_validation_first_and_gradient_norms_last() -> None:
    keys = ["_runtime", "gradients/fc1.weight", "grad_norm", "epoch", "test_acc", "val/loss"]
    assert rank_summary(keys) == [
        "test_acc",
        "val/loss",
        "epoch",
        "grad_norm",
        "gradients/fc1.weight",
    ]


def test_project_stats_cover_the_whole_project(store: Store) -> None:
    # only lr varies: model.depth, model.width and tags are each in one run
    assert default_columns(project_stats(store, "p")) == [
        "config.lr",
        "summary.a/loss",
        "summary.acc",
        "summary.b/loss",
        "summary.best",
    ]


def test_project_stats_read_the_latest_runs_of_that_project_only(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns, "DEFAULTS_FROM", 2)
    store = make_store()
    for i, project in enumerate(["p", "p", "q", "p", "p"]):
        created = T0 + [0, 3, 4, 1, 2][i]  # latest of p: r1 (T0+3), then r4 (T0+2)
        store.apply(
            f"r{i}",
            [
                RunStart(seq=1, run_id=f"r{i}", project=project, name="r", created_at=created),
                SummaryUpdate(seq=2, set={f"s{i}": 1.0}),
            ],
        )
    assert project_stats(store, "p").summary == {"s1", "s4"}
    assert project_stats(store, "q").summary == {"s2"}
    assert project_stats(store, "missing") == ColumnStats()
    store.close()


def test_gradient_norms_are_default_columns_only_when_there_is_nothing_else() -> None:
    stats = stats_of(({"lr": 0.1}, ["grad_norm", "loss"]), ({"lr": 0.2}, ["gradients/w"]))
    assert default_columns(stats) == ["config.lr", "summary.loss"]
    assert default_columns(stats_of(({}, ["grad_norm"]))) == ["summary.grad_norm"]
