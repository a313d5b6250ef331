"""Grid enumerates each combination once then says it is done; random samples; commands render."""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pytest

from cairn.errors import ConfigError
from cairn.sweeps.config import DEFAULT_COMMAND, Parameter, ParameterSpec, load_sweep_config
from cairn.sweeps.search import (
    flatten,
    grid_point,
    grid_size,
    grid_values,
    iter_grid,
    random_point,
    render_command,
)


def parameters(spec: dict[str, Any], method: str = "grid") -> dict[str, ParameterSpec]:
    return load_sweep_config({"method": method, "parameters": spec}).parameters


GRID = parameters(
    {
        "lr": {"values": [0.1, 0.01, 0.001]},
        "layers": {"distribution": "int_uniform", "min": 1, "max": 3},
        "epochs": {"value": 5},
        "model": {
            "parameters": {
                "width": {"values": [64, 128]},
                "dropout": {"distribution": "q_uniform", "min": 0.0, "max": 0.5, "q": 0.25},
            }
        },
    }
)


def key(point: dict[str, Any]) -> str:
    return json.dumps(point, sort_keys=True)


def test_grid_covers_each_combination_exactly_once() -> None:
    points = list(iter_grid(GRID))
    assert grid_size(GRID) == 3 * 3 * 1 * 2 * 3 == len(points)
    expected = {
        key({"lr": lr, "layers": n, "epochs": 5, "model": {"width": w, "dropout": d}})
        for lr, n, w, d in itertools.product(
            [0.1, 0.01, 0.001], [1, 2, 3], [64, 128], [0.0, 0.25, 0.5]
        )
    }
    assert len({key(p) for p in points}) == len(points)  # no combination twice
    assert {key(p) for p in points} == expected


def test_grid_order_is_stable_with_the_last_parameter_fastest() -> None:
    points = list(iter_grid(GRID))
    assert points[0] == {
        "lr": 0.1,
        "layers": 1,
        "epochs": 5,
        "model": {"width": 64, "dropout": 0.0},
    }
    assert points[1]["model"] == {"width": 64, "dropout": 0.25}
    assert points[3]["model"] == {"width": 128, "dropout": 0.0}
    assert points == list(iter_grid(GRID))
    assert [grid_point(GRID, i) for i in range(len(points))] == points


def test_grid_says_when_it_is_exhausted() -> None:
    size = grid_size(GRID)
    assert grid_point(GRID, size - 1) is not None
    assert grid_point(GRID, size) is None
    assert grid_point(GRID, size + 10) is None
    with pytest.raises(ValueError, match="must not be negative"):
        grid_point(GRID, -1)


def test_grid_values_of_enumerable_ranges() -> None:
    assert grid_values(Parameter("int_uniform", min=-1, max=2)) == [-1, 0, 1, 2]
    assert grid_values(Parameter("q_uniform", min=0, max=64, q=16)) == [0, 16, 32, 48, 64]
    assert grid_values(Parameter("q_uniform", min=0.1, max=0.35, q=0.1)) == [0.1, 0.2, 0.3]
    with pytest.raises(ConfigError, match="cannot enumerate distribution normal"):
        grid_values(Parameter("normal", mu=0, sigma=1))


def test_random_points_are_nested_like_the_parameters_and_seeded() -> None:
    params = parameters(
        {
            "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
            "optimizer": {"values": ["adam", "sgd"], "probabilities": [0.9, 0.1]},
            "model": {
                "parameters": {"width": {"distribution": "int_uniform", "min": 8, "max": 16}}
            },
        },
        method="random",
    )
    rng = np.random.default_rng(3)
    points = [random_point(params, rng) for _ in range(5_000)]
    assert all(set(p) == {"lr", "optimizer", "model"} for p in points)
    assert all(8 <= p["model"]["width"] <= 16 for p in points)
    assert all(1e-5 <= p["lr"] <= 1e-1 for p in points)
    adam = sum(p["optimizer"] == "adam" for p in points) / len(points)
    assert adam == pytest.approx(0.9, abs=0.02)
    again = np.random.default_rng(3)
    assert [random_point(params, again) for _ in range(10)] == points[:10]


TRIAL = {"lr": 0.01, "optimizer": "adam", "model": {"width": 64, "act": "relu"}, "aug": True}


def test_flatten_joins_nested_keys_with_dots() -> None:
    assert flatten(TRIAL) == {
        "lr": 0.01,
        "optimizer": "adam",
        "model.width": 64,
        "model.act": "relu",
        "aug": True,
    }


def test_the_default_command_renders_like_wandb() -> None:
    argv = render_command(DEFAULT_COMMAND, TRIAL, program="train.py")
    assert argv == [
        "/usr/bin/env",
        "python",
        "train.py",
        "--lr=0.01",
        "--optimizer=adam",
        "--model.width=64",
        "--model.act=relu",
        "--aug=True",
    ]


def test_args_no_hyphens_args_json_and_custom_interpreter() -> None:
    command = ["${env}", "${interpreter}", "-m", "trainer", "${args_no_hyphens}", "${args_json}"]
    argv = render_command(
        command, {"lr": 0.1, "sizes": [1, 2]}, program=None, interpreter="python3", env="env"
    )
    assert argv == [
        "env",
        "python3",
        "-m",
        "trainer",
        "lr=0.1",
        "sizes=[1, 2]",
        '{"lr": 0.1, "sizes": [1, 2]}',
    ]


def test_macros_inside_a_longer_element_are_replaced() -> None:
    argv = render_command(["${interpreter}", "--script=${program}"], {}, program="t.py")
    assert argv == ["python", "--script=t.py"]


def test_program_macro_without_a_program_says_so() -> None:
    with pytest.raises(
        ConfigError, match=r"command uses \$\{program\} but the sweep config has no program"
    ):
        render_command(DEFAULT_COMMAND, TRIAL, program=None)


def test_a_loaded_config_renders_end_to_end() -> None:
    config = load_sweep_config(
        {
            "method": "grid",
            "program": "train.py",
            "command": ["${env}", "${interpreter}", "${program}", "--epochs", "3", "${args}"],
            "parameters": {"lr": {"values": [0.1, 0.2]}, "m": {"parameters": {"w": {"value": 4}}}},
        }
    )
    runs = [
        render_command(config.command, p, program=config.program)
        for p in iter_grid(config.parameters)
    ]
    assert runs == [
        ["/usr/bin/env", "python", "train.py", "--epochs", "3", "--lr=0.1", "--m.w=4"],
        ["/usr/bin/env", "python", "train.py", "--epochs", "3", "--lr=0.2", "--m.w=4"],
    ]
