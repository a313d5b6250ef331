"""Sweep configs in W&B's schema load unchanged, and each bad config gets a message naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cairn.errors import ConfigError
from cairn.sweeps.config import (
    DEFAULT_COMMAND,
    EarlyTerminate,
    Metric,
    NestedParameters,
    Parameter,
    load_sweep_config,
)

# Written as W&B's sweep docs write them ("Define sweep configuration", "Add W&B to your code").
WANDB_SWEEP_YAML = """\
program: train.py
name: sweepdemo
description: Bayesian search over the optimizer
method: bayes
metric:
  goal: minimize
  name: validation_loss
  target: 0.05
run_cap: 40
parameters:
  learning_rate:
    min: 0.0001
    max: 0.1
  batch_size:
    values: [16, 32, 64]
  epochs:
    value: 10
  optimizer:
    values: ["adam", "sgd"]
    probabilities: [0.7, 0.3]
  dropout:
    distribution: uniform
    min: 0.1
    max: 0.5
  weight_decay:
    distribution: log_uniform_values
    min: 1e-6
    max: 1e-2
  layers:
    distribution: int_uniform
    min: 1
    max: 4
  momentum:
    distribution: beta
    a: 2
    b: 5
  model:
    parameters:
      width:
        values: [64, 128]
      activation:
        value: relu
early_terminate:
  type: hyperband
  min_iter: 3
command:
  - ${env}
  - ${interpreter}
  - ${program}
  - "--config"
  - base.yaml
  - ${args}
"""


def test_a_wandb_sweep_yaml_loads_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "sweep.yaml"
    path.write_text(WANDB_SWEEP_YAML)
    config = load_sweep_config(path)
    assert config.method == "bayes"
    assert config.program == "train.py"
    assert config.name == "sweepdemo"
    assert config.run_cap == 40
    assert config.metric == Metric(name="validation_loss", goal="minimize", target=0.05)
    assert config.early_terminate == EarlyTerminate(min_iter=3, eta=3)
    assert config.command[-1] == "${args}"
    p = config.parameters
    assert p["learning_rate"] == Parameter("uniform", min=0.0001, max=0.1)
    assert p["batch_size"] == Parameter("categorical", values=(16, 32, 64))
    assert p["epochs"] == Parameter("constant", value=10)
    assert p["optimizer"] == Parameter(
        "categorical", values=("adam", "sgd"), probabilities=(0.7, 0.3)
    )
    assert p["weight_decay"] == Parameter("log_uniform_values", min=1e-6, max=1e-2)
    assert p["layers"] == Parameter("int_uniform", min=1, max=4)
    assert p["momentum"] == Parameter("beta", a=2, b=5)
    model = p["model"]
    assert isinstance(model, NestedParameters)
    assert model.parameters["activation"] == Parameter("constant", value="relu")


def test_a_dict_works_like_a_file_and_defaults_follow_wandb() -> None:
    config = load_sweep_config(
        {
            "method": "random",
            "parameters": {
                "x": {"distribution": "normal"},
                "y": {"distribution": "q_log_normal", "mu": 1},
                "z": {"distribution": "q_uniform", "min": 0, "max": 10},
                "w": {"distribution": "beta"},
            },
        }
    )
    assert config.command == DEFAULT_COMMAND
    assert config.metric is None
    assert config.parameters["x"] == Parameter("normal", mu=0.0, sigma=1.0)
    assert config.parameters["y"] == Parameter("q_log_normal", mu=1.0, sigma=1.0, q=1.0)
    assert config.parameters["z"] == Parameter("q_uniform", min=0, max=10, q=1.0)
    assert config.parameters["w"] == Parameter("beta", a=1.0, b=1.0)


def test_hyperband_with_max_iter_and_s() -> None:
    config = load_sweep_config(
        {
            "method": "random",
            "metric": {"name": "loss"},
            "parameters": {"x": {"values": [1, 2]}},
            "early_terminate": {"type": "hyperband", "max_iter": 27, "s": 2, "eta": 3},
        }
    )
    assert config.early_terminate == EarlyTerminate(max_iter=27, s=2, eta=3)


def _with(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"method": "random", "parameters": {"lr": {"min": 0.0, "max": 1.0}}}
    base.update(changes)
    return base


BAD: list[tuple[dict[str, Any], str]] = [
    (
        _with(parameters={"lr": {"distribution": "loguniform", "min": 1e-4, "max": 1e-1}}),
        'parameters.lr.distribution: "loguniform" is not one of constant, categorical, int_uniform, '
        "uniform, q_uniform, log_uniform_values, log_uniform, q_log_uniform_values, "
        "inv_log_uniform_values, normal, q_normal, log_normal, q_log_normal, beta; "
        'did you mean "log_uniform_values" (min and max as values) '
        'or "log_uniform" (min and max as exponents)?',
    ),
    (
        _with(parameters={"lr": {"distribution": "q_log_uniform", "min": -4, "max": 0}}),
        'parameters.lr.distribution: "q_log_uniform" (W&B\'s older form, bounds as exponents) '
        'is not supported; use "q_log_uniform_values" with min and max as values',
    ),
    (
        _with(parameters={"lr": {"distribution": "lognormal"}}),
        'did you mean "log_normal"?',
    ),
    (_with(method="hyperopt"), 'method: "hyperopt" is not one of grid, random, bayes'),
    (_with(method="grd"), 'method: "grd" is not one of grid, random, bayes; did you mean "grid"?'),
    ({"parameters": {"x": {"value": 1}}}, "method: is required; use one of grid, random, bayes"),
    ({"method": "grid"}, "parameters: is required"),
    (_with(parameters={}), "parameters: must be a non-empty mapping"),
    (_with(paramters={}), "paramters: unknown key; allowed keys are method, metric, parameters"),
    (_with(paramters={}), 'did you mean "parameters"?'),
    (
        _with(parameters={"lr": {"min": 0.0, "max": 1.0, "mean": 0.5}}),
        "parameters.lr.mean: unknown key; allowed keys are distribution, value, values",
    ),
    (
        _with(parameters={"lr": {"distribution": "uniform", "min": 0, "max": 1, "mu": 0}}),
        "parameters.lr.mu: is not used by distribution uniform (it takes min, max)",
    ),
    (
        _with(parameters={"lr": {"distribution": "uniform", "min": 0}}),
        "parameters.lr.max: is required by distribution uniform",
    ),
    (
        _with(parameters={"lr": {"min": 1.0, "max": 0.5}}),
        "parameters.lr: min (1) must not be greater than max (0.5)",
    ),
    (
        _with(parameters={"lr": {"distribution": "log_uniform_values", "min": 0, "max": 1}}),
        "parameters.lr.min: must be positive for log_uniform_values (got 0); "
        "use log_uniform for bounds given as exponents",
    ),
    (
        _with(parameters={"n": {"distribution": "int_uniform", "min": 1.5, "max": 4}}),
        "parameters.n.min: must be an integer for int_uniform, not 1.5",
    ),
    (
        _with(parameters={"lr": {"distribution": "normal", "sigma": -1}}),
        "parameters.lr.sigma: must be positive, not -1",
    ),
    (
        _with(parameters={"lr": {"min": "a", "max": 1.0}}),
        "parameters.lr.min: must be a finite number, not 'a'",
    ),
    (
        _with(parameters={"opt": {"values": ["a", "b"], "probabilities": [0.5, 0.6]}}),
        "parameters.opt.probabilities: must sum to 1, not 1.1",
    ),
    (
        _with(parameters={"opt": {"values": ["a", "b"], "probabilities": [1.0]}}),
        "parameters.opt.probabilities: must be a list of 2 numbers, one per value",
    ),
    (_with(parameters={"opt": {"values": []}}), "parameters.opt.values: must be a non-empty list"),
    (
        _with(parameters={"opt": {"value": 1, "values": [1]}}),
        "parameters.opt.values: is not used by distribution constant (it takes value)",
    ),
    (_with(parameters={"opt": 3}), "parameters.opt: must be a mapping like {values: [...]}, not 3"),
    (
        _with(parameters={"opt": {"distribution": "uniform"}}),
        "parameters.opt.min: is required by distribution uniform",
    ),
    (
        _with(parameters={"opt": {}}),
        "parameters.opt: needs value, values, min and max, a distribution, or nested parameters",
    ),
    (
        _with(parameters={"model": {"parameters": {"w": {"vals": [1]}}}}),
        "parameters.model.parameters.w.vals: unknown key; allowed keys are distribution, value, "
        "values, probabilities, min, max, q, mu, sigma, a, b, parameters; "
        'did you mean "values"?',
    ),
    (
        _with(parameters={"model": {"parameters": {"w": {"value": 1}}, "value": 2}}),
        "parameters.model: a nested group takes only parameters, not value",
    ),
    (
        _with(method="grid", parameters={"a": {"values": [1]}, "lr": {"min": 0.1, "max": 1.0}}),
        "parameters.lr: method grid needs every parameter to be finite, and uniform is not; "
        "use value, values, or one of constant, categorical, int_uniform, q_uniform",
    ),
    (
        _with(
            method="grid",
            parameters={"m": {"parameters": {"s": {"distribution": "normal"}}}},
        ),
        "parameters.m.parameters.s: method grid needs every parameter to be finite, and normal",
    ),
    (_with(method="bayes"), "metric: method bayes needs a metric to optimize"),
    (
        _with(metric={"name": "loss", "goal": "minimise"}),
        'metric.goal: "minimise" is not one of minimize, maximize; did you mean "minimize"?',
    ),
    (_with(metric={"goal": "minimize"}), "metric.name: is required"),
    (_with(metric={"name": "loss", "target": "low"}), "metric.target: must be a finite number"),
    (
        _with(parameters={"lr": {"min": float("-inf"), "max": 1.0}}),
        "parameters.lr.min: must be a finite number, not -inf",
    ),
    (_with(run_cap=0), "run_cap: must be a positive integer, not 0"),
    (
        _with(metric={"name": "loss"}, early_terminate={"type": "hyperband"}),
        "early_terminate: hyperband needs min_iter, or both max_iter and s",
    ),
    (
        _with(metric={"name": "loss"}, early_terminate={"type": "hyperband", "max_iter": 9}),
        "early_terminate: hyperband needs min_iter, or both max_iter and s",
    ),
    (
        _with(metric={"name": "loss"}, early_terminate={"type": "median", "min_iter": 3}),
        'early_terminate.type: "median" is not one of hyperband',
    ),
    (
        _with(
            metric={"name": "loss"}, early_terminate={"type": "hyperband", "min_iter": 3, "eta": 1}
        ),
        "early_terminate.eta: must be at least 2, not 1",
    ),
    (
        _with(early_terminate={"type": "hyperband", "min_iter": 3}),
        "metric: early_terminate needs a metric to judge runs by",
    ),
    (
        _with(command=["${env}", "${interpeter}", "${program}"]),
        'command[1]: "${interpeter}" is not one of ${env}, ${interpreter}, ${program}, ${args}, '
        '${args_no_hyphens}, ${args_json}; did you mean "${interpreter}"?',
    ),
    (_with(command="python train.py"), "command: must be a list of strings"),
    (_with(program=3), "program: must be a string, not 3"),
    (
        _with(parameters={"lr": {"distribution": ["uniform"], "min": 0, "max": 1}}),
        "parameters.lr.distribution: must be a name like uniform, not ['uniform']",
    ),
]


@pytest.mark.parametrize(("config", "message"), BAD)
def test_bad_configs_get_their_message(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_sweep_config(config)
    assert message in str(info.value)


def test_a_missing_or_broken_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_sweep_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("method: [grid\n")
    with pytest.raises(ConfigError, match="is not valid YAML"):
        load_sweep_config(bad)
    listed = tmp_path / "list.yaml"
    listed.write_text("- method: grid\n")
    with pytest.raises(ConfigError, match="a sweep config must be a mapping, not list"):
        load_sweep_config(listed)


def test_yaml_exponent_numbers_are_floats_in_values_too(tmp_path: Path) -> None:
    path = tmp_path / "sweep.yaml"
    path.write_text("method: grid\nparameters:\n  lr:\n    values: [1e-4, 3E-3, 1.5e+2, 1_000]\n")
    config = load_sweep_config(path)
    assert config.parameters["lr"] == Parameter("categorical", values=(1e-4, 3e-3, 150.0, 1000))


def test_the_public_names_are_pinned() -> None:
    import cairn.sweeps

    assert sorted(cairn.sweeps.__all__) == [
        "EarlyTerminate",
        "Metric",
        "NestedParameters",
        "Parameter",
        "SweepConfig",
        "TrialStopped",
        "flatten",
        "grid_point",
        "grid_size",
        "iter_grid",
        "load_sweep_config",
        "random_point",
        "render_command",
        "sample",
    ]
