"""The importance memo: a repeat is served from memory; any change in the input is a new result."""

from __future__ import annotations

from typing import Any

from tests.analysis.test_importance import synthetic

from cairn.analysis import ImportanceMemo, parameter_importance


def test_same_input_is_one_computation_and_the_same_numbers() -> None:
    memo = ImportanceMemo()
    configs, metrics = synthetic()
    first = memo(configs, metrics)
    assert memo(list(configs), list(metrics)) is first
    assert len(memo) == 1
    assert first == parameter_importance(configs, metrics)


def test_a_new_run_a_changed_summary_or_config_changes_the_result() -> None:
    memo = ImportanceMemo()
    configs, metrics = synthetic()
    before = memo(configs, metrics)
    more = memo([*configs, {"lr": 1e-3, "width": 64, "optimizer": "sgd"}], [*metrics, 9.0])
    assert more.runs == before.runs + 1
    changed_metrics = [1.0 if c["optimizer"] == "adam" else 0.0 for c in configs]
    flipped = memo(configs, list[float | None](changed_metrics))
    assert flipped.parameters[0].name == "optimizer" != before.parameters[0].name
    renamed: list[dict[str, Any]] = [{**c, "optimizer": c["optimizer"].upper()} for c in configs]
    assert memo(renamed, metrics) is not before
    assert len(memo) == 4


def test_the_oldest_result_is_dropped_past_the_size() -> None:
    memo = ImportanceMemo(size=2)
    configs, metrics = synthetic()
    a = memo(configs, metrics)
    memo(configs, metrics, ["lr"])
    memo(configs, metrics, ["width"])
    assert len(memo) == 2
    assert memo(configs, metrics) is not a
