"""Parameter importance on synthetic runs where the truth is known."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from cairn.analysis import MIN_RUNS, parameter_importance


def synthetic(n: int = 40, seed: int = 1) -> tuple[list[dict[str, Any]], list[float | None]]:
    """The metric depends on lr only (through log10); width and optimizer are noise."""
    rng = random.Random(seed)
    configs: list[dict[str, Any]] = []
    metrics: list[float | None] = []
    for _ in range(n):
        lr = 10 ** rng.uniform(-5, -1)
        configs.append(
            {
                "lr": lr,
                "width": rng.choice([32, 64, 128, 256]),
                "optimizer": rng.choice(["adam", "sgd"]),
            }
        )
        metrics.append((math.log10(lr) + 3) ** 2)
    return configs, metrics


def test_the_parameter_the_metric_depends_on_ranks_first_and_noise_last() -> None:
    configs, metrics = synthetic()
    result = parameter_importance(configs, metrics)
    assert result.note is None and result.runs == 40
    names = [p.name for p in result.parameters]
    assert names[0] == "lr"
    assert result.parameters[0].importance > 0.8
    assert sum(p.importance for p in result.parameters) == pytest.approx(1.0)
    noise = [p for p in result.parameters if p.name != "lr"]
    assert all(p.importance < 0.1 for p in noise)


def test_a_continuous_noise_parameter_ranks_below_a_weak_real_one() -> None:
    rng = random.Random(7)
    configs = [
        {"lr": rng.uniform(0, 1), "seed": rng.uniform(0, 1e6), "dropout": rng.uniform(0, 1)}
        for _ in range(60)
    ]
    metrics: list[float | None] = [3 * c["lr"] + 0.5 * c["dropout"] for c in configs]
    names = [p.name for p in parameter_importance(configs, metrics).parameters]
    assert names == ["lr", "dropout", "seed"]


def test_correlation_is_pearson_for_numbers_and_none_for_strings() -> None:
    configs = [{"lr": float(i), "act": "relu" if i % 2 else "tanh"} for i in range(10)]
    metrics: list[float | None] = [2.0 * i + 1 for i in range(10)]
    by_name = {p.name: p for p in parameter_importance(configs, metrics).parameters}
    assert by_name["lr"].correlation == pytest.approx(1.0)
    assert by_name["lr"].kind == "numeric"
    assert by_name["act"].correlation is None
    assert by_name["act"].kind == "categorical"


def test_categorical_parameter_is_found_through_ordinal_encoding() -> None:
    rng = random.Random(3)
    configs: list[dict[str, Any]] = [
        {"opt": rng.choice(["adam", "sgd", "rmsprop"]), "x": rng.random()} for _ in range(40)
    ]
    metrics: list[float | None] = [
        {"adam": 0.1, "sgd": 0.9, "rmsprop": 0.5}[c["opt"]] for c in configs
    ]
    result = parameter_importance(configs, metrics)
    assert result.parameters[0].name == "opt"
    assert result.parameters[0].kind == "categorical"


def test_booleans_are_numeric_zero_one_and_missing_values_are_tolerated() -> None:
    configs: list[dict[str, Any]] = [
        {"aug": i % 2 == 0, "w": (i if i % 3 else None)} for i in range(12)
    ]
    metrics: list[float | None] = [1.0 if c["aug"] else 0.0 for c in configs]
    by_name = {p.name: p for p in parameter_importance(configs, metrics).parameters}
    assert by_name["aug"].correlation == pytest.approx(1.0)
    assert by_name["aug"].kind == "numeric"
    assert by_name["aug"].importance > by_name["w"].importance


def test_too_few_runs_gives_a_note_not_numbers() -> None:
    configs, metrics = synthetic(n=MIN_RUNS + 3)
    metrics[:4] = [None, math.nan, math.inf, None]  # only finite values count
    result = parameter_importance(configs, metrics)
    assert result.runs == MIN_RUNS - 1
    assert result.parameters == []
    assert result.note is not None and f"at least {MIN_RUNS}" in result.note


def test_constant_parameters_get_zero_and_a_constant_metric_gives_a_note() -> None:
    configs = [{"lr": float(i), "fixed": 3} for i in range(8)]
    metrics: list[float | None] = [float(i) for i in range(8)]
    assert [p.name for p in parameter_importance(configs, metrics).parameters] == ["lr"]
    chosen = parameter_importance(configs, metrics, ["lr", "fixed"]).parameters
    by_name = {p.name: p for p in chosen}
    assert by_name["fixed"].importance == 0.0 and by_name["fixed"].correlation is None
    flat = parameter_importance(configs, [1.0] * 8)
    assert flat.parameters == [] and flat.note == "the metric has the same value in every run"
    same = parameter_importance([{"a": 1}] * 8, [float(i) for i in range(8)])
    assert same.note == "no parameter varies across these runs"


def test_same_input_same_numbers_and_params_pick_columns() -> None:
    configs, metrics = synthetic()
    assert parameter_importance(configs, metrics) == parameter_importance(configs, metrics)
    only = parameter_importance(configs, metrics, params=["width", "lr"])
    assert sorted(p.name for p in only.parameters) == ["lr", "width"]


def test_mismatched_lengths_are_an_error_that_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match="one per run"):
        parameter_importance([{"a": 1}], [1.0, 2.0])


def test_nested_configs_are_flattened_into_dotted_names() -> None:
    configs = [{"model": {"width": float(i), "depth": 2}, "lr": 0.1 * (i % 3)} for i in range(10)]
    metrics: list[float | None] = [float(i) for i in range(10)]
    result = parameter_importance(configs, metrics)
    assert result.parameters[0].name == "model.width"
    assert {p.name for p in result.parameters} == {"model.width", "lr"}


def test_the_three_parameters_the_metric_depends_on_rank_top_among_ten() -> None:
    """100 runs, 10 parameters (7 noise, numeric and categorical); the metric depends on lr,
    dropout and the optimizer. The speed-up of the permutation step must not cost this ranking."""
    rng = random.Random(13)
    configs: list[dict[str, Any]] = []
    metrics: list[float | None] = []
    for _ in range(100):
        config: dict[str, Any] = {f"noise{i}": rng.random() for i in range(5)}
        config["lr"] = 10 ** rng.uniform(-5, -1)
        config["dropout"] = rng.uniform(0, 0.5)
        config["optimizer"] = rng.choice(["adam", "sgd", "rmsprop"])
        config["act"] = rng.choice(["relu", "gelu"])
        config["aug"] = rng.choice([True, False])
        configs.append(config)
        bonus = {"adam": 1.0, "sgd": 0.0, "rmsprop": 0.5}[config["optimizer"]]
        metrics.append((math.log10(config["lr"]) + 3) ** 2 + 4 * config["dropout"] + bonus)
    result = parameter_importance(configs, metrics)
    top = [p.name for p in result.parameters[:3]]
    assert sorted(top) == ["dropout", "lr", "optimizer"]
    assert sum(p.importance for p in result.parameters[:3]) > 0.9
