"""A run summary: aggregates of its history under define_metric rules, plus explicit values."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest
from tests.fakes.journals import same
from tests.store.conftest import MakeStore

from cairn.journal.records import (
    DefineMetric,
    History,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)
from cairn.store import Store, jsonsafe
from cairn.store.summary import SUMMARY_KINDS, SummaryState

T0 = 1_700_000_000.0
NAN, INF = math.nan, math.inf


@pytest.fixture
def store(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    store = make_store()
    yield store
    store.close()


def apply_run(store: Store, *middle: Record | dict[str, float], finish: bool = False) -> int:
    """Apply a run: RunStart, then ``middle`` (dicts become History rows at steps 0, 1, …)."""
    records: list[Record] = [RunStart(seq=1, run_id="r1", project="p", name="n", created_at=T0)]
    step = 0
    for item in middle:
        seq = len(records) + 1
        if isinstance(item, dict):
            records.append(History(seq=seq, step=step, ts=T0 + step, values=item))
            step += 1
        else:
            records.append(type(item)(**{**_fields(item), "seq": seq}))
    if finish:
        records.append(RunFinish(seq=len(records) + 1, ts=T0 + 100))
    return store.apply("r1", records)


def _fields(record: Record) -> dict[str, Any]:
    return {f: getattr(record, f) for f in record.__struct_fields__}


def summary(store: Store) -> dict[str, Any]:
    return store.run("r1").summary


# ---- SummaryState -----------------------------------------------------------------------


def test_state_keeps_first_last_min_max_sum_count_skipping_nan() -> None:
    state = SummaryState()
    state.add_rows([{"a": NAN}, {"a": 2.0, "b": 1.0}, {"a": -1.0}, {"a": NAN}])
    assert same(state.state["a"], [NAN, NAN, -1.0, 2.0, 1.0, 2])
    assert state.state["b"] == [1.0, 1.0, 1.0, 1.0, 1.0, 1]


def test_a_key_only_ever_nan_has_no_min_max_and_a_nan_mean() -> None:
    state = SummaryState()
    state.add_rows([{"a": NAN}, {"a": NAN}])
    for kind in SUMMARY_KINDS:
        state.define("a", kind)
        got = state.computed()
        if kind == "none":
            assert got == {}
        else:
            assert math.isnan(got["a"]), kind


def test_columns_with_nulls_count_only_logged_values() -> None:
    state = SummaryState()
    state.add_columns(
        {
            "a": pa.array([None, 3.0, None, 1.0], pa.float64()),
            "b": pa.array([None, None, None, None], pa.float64()),
        }
    )
    assert state.state == {"a": [3.0, 1.0, 1.0, 3.0, 4.0, 2]}


def test_row_by_row_and_all_at_once_agree() -> None:
    rows = [{"a": float(i % 7) / 4, "b": -float(i)} if i % 3 else {"a": NAN} for i in range(50)]
    together, apart = SummaryState(), SummaryState()
    together.add_rows(rows)
    for row in rows:
        apart.add_rows([row])
    assert same(together.state, apart.state)


def test_infinities_count_in_min_max_and_mean() -> None:
    state = SummaryState()
    state.add_rows([{"a": 1.0}, {"a": INF}, {"a": -INF}])
    for kind, want in (("max", INF), ("min", -INF), ("first", 1.0), ("last", -INF)):
        state.define("a", kind)
        assert state.computed() == {"a": want}
    state.define("a", "mean")
    assert math.isnan(state.computed()["a"])  # inf + -inf


def test_state_is_json_serializable_and_survives_a_round_trip() -> None:
    state = SummaryState()
    state.add_rows([{"a": NAN, "b": INF}, {"a": 1.0, "b": -INF}])
    state.define("b", "min")
    text = jsonsafe.dumps({"state": state.state, "rules": state.rules})
    back = jsonsafe.loads(text)
    again = SummaryState(back["state"], back["rules"])
    assert same(again.computed(), state.computed())
    again.add_rows([{"a": 5.0}])
    assert again.state["a"][3] == 5.0


def test_unknown_kind_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"median.*min, max, mean, first, last, none"):
        SummaryState().define("a", "median")


def test_rules_are_globs_and_the_latest_match_wins() -> None:
    state = SummaryState()
    state.define("val/*", "max")
    state.define("val/loss", "min")
    state.define("*", "first")
    state.define("train/?", "mean")
    assert state.kind("val/acc") == "first"  # "*" came after "val/*"
    assert state.kind("train/a") == "mean"
    assert state.kind("train/ab") == "first"
    assert SummaryState().kind("anything") == "last"


def test_globs_are_case_sensitive() -> None:
    state = SummaryState()
    state.define("Loss", "min")
    assert state.kind("loss") == "last"


# ---- through the store ------------------------------------------------------------------

ROWS = [{"loss": 3.0, "acc": 0.5}, {"loss": NAN, "acc": 0.25}, {"loss": 1.0}, {"loss": 2.0}]


@pytest.mark.parametrize(
    ("kind", "loss"),
    [("min", 1.0), ("max", 3.0), ("mean", 2.0), ("first", 3.0), ("last", 2.0)],
)
def test_define_metric_kinds(store: Store, kind: str, loss: float) -> None:
    apply_run(store, DefineMetric(seq=0, name="loss", summary=kind), *ROWS)
    assert summary(store) == {"loss": loss, "acc": 0.25}


def test_define_metric_none_leaves_the_key_out(store: Store) -> None:
    apply_run(store, DefineMetric(seq=0, name="acc", summary="none"), *ROWS)
    assert summary(store) == {"loss": 2.0}
    assert store.run("r1").history_keys == ["acc", "loss"]


def test_last_is_the_default_and_can_be_nan(store: Store) -> None:
    apply_run(store, {"loss": 1.0}, {"loss": NAN})
    assert math.isnan(summary(store)["loss"])


def test_nan_is_ignored_by_min_max_mean(store: Store) -> None:
    apply_run(
        store,
        DefineMetric(seq=0, name="lo", summary="min"),
        DefineMetric(seq=0, name="hi", summary="max"),
        DefineMetric(seq=0, name="avg", summary="mean"),
        {"lo": NAN, "hi": NAN, "avg": NAN},
        {"lo": 4.0, "hi": 4.0, "avg": 4.0},
        {"lo": NAN, "hi": NAN, "avg": NAN},
        {"lo": 2.0, "hi": 2.0, "avg": 2.0},
        {"lo": NAN, "hi": NAN, "avg": NAN},
    )
    assert summary(store) == {"lo": 2.0, "hi": 4.0, "avg": 3.0}


def test_glob_rules_latest_matching_wins(store: Store) -> None:
    apply_run(
        store,
        DefineMetric(seq=0, name="val/*", summary="max"),
        DefineMetric(seq=0, name="val/loss", summary="min"),
        {"val/loss": 2.0, "val/acc": 0.2, "train/loss": 5.0},
        {"val/loss": 1.0, "val/acc": 0.9, "train/loss": 4.0},
        {"val/loss": 3.0, "val/acc": 0.5, "train/loss": 6.0},
        DefineMetric(seq=0, name="*/loss", summary="first"),
    )
    assert summary(store) == {"val/loss": 2.0, "val/acc": 0.9, "train/loss": 5.0}


def test_a_rule_applies_to_rows_logged_before_it(store: Store) -> None:
    apply_run(store, {"loss": 3.0}, {"loss": 1.0}, {"loss": 2.0})
    assert summary(store) == {"loss": 2.0}
    store.apply("r1", [DefineMetric(seq=5, name="loss", summary="min")])
    assert summary(store) == {"loss": 1.0}


def test_explicit_summary_overrides_the_computed_one(store: Store) -> None:
    apply_run(
        store,
        {"loss": 3.0, "acc": 0.1},
        SummaryUpdate(seq=0, set={"loss": 0.0, "best": {"epoch": 3, "tag": "x"}}),
        {"loss": 1.0, "acc": 0.2},  # later rows do not undo the override
    )
    assert summary(store) == {"loss": 0.0, "acc": 0.2, "best": {"epoch": 3, "tag": "x"}}


def test_summary_remove(store: Store) -> None:
    apply_run(
        store,
        {"loss": 3.0},
        SummaryUpdate(seq=0, set={"loss": 0.0, "note": "hi", "keep": 1}),
        SummaryUpdate(seq=0, set={}, remove=["loss", "note", "never-set"]),
    )
    # an override removed shows the computed value again; an explicit-only key is gone
    assert summary(store) == {"loss": 3.0, "keep": 1}


def test_the_latest_explicit_value_wins(store: Store) -> None:
    apply_run(store, SummaryUpdate(seq=0, set={"a": 1}), SummaryUpdate(seq=0, set={"a": 2}))
    assert summary(store) == {"a": 2}


def test_non_finite_values_survive_in_the_summary(store: Store) -> None:
    apply_run(
        store,
        DefineMetric(seq=0, name="hi", summary="max"),
        DefineMetric(seq=0, name="lo", summary="min"),
        {"hi": 1.0, "lo": 1.0, "last": 1.0},
        {"hi": INF, "lo": -INF, "last": NAN},
        SummaryUpdate(seq=0, set={"explicit": [INF, {"deep": NAN}]}),
        finish=True,
    )
    got = summary(store)
    assert got["hi"] == INF and isinstance(got["hi"], float)
    assert got["lo"] == -INF and isinstance(got["lo"], float)
    assert isinstance(got["last"], float) and math.isnan(got["last"])
    assert got["explicit"][0] == INF and math.isnan(got["explicit"][1]["deep"])
    with store.engine.connect() as conn:  # the column itself holds valid JSON
        text = conn.exec_driver_sql("SELECT CAST(summary AS TEXT) FROM runs").scalar_one()
    json.loads(text, parse_constant=lambda token: pytest.fail(f"bare {token} in {text}"))
