"""Grid and random search over a sweep's parameters, and the command line a trial runs.

Pure functions: the same parameters, index and seed always give the same trial, so a store can hand
out trial ``i`` to whichever agent claims it. Trials are nested dicts shaped like the parameters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from cairn.errors import ConfigError
from cairn.sweeps.config import NestedParameters, Parameter, ParameterSpec
from cairn.sweeps.distributions import sample

Parameters = Mapping[str, ParameterSpec]


def grid_values(param: Parameter) -> list[Any]:
    """Every value a grid takes for ``param``, in order; ConfigError if it is not finite."""
    d = param.distribution
    if d == "constant":
        return [param.value]
    if d == "categorical":
        return list(param.values or ())
    if d == "int_uniform" and param.min is not None and param.max is not None:
        return list(range(int(param.min), int(param.max) + 1))
    if d == "q_uniform" and param.min is not None and param.max is not None and param.q:
        steps = math.floor((param.max - param.min) / param.q + 1e-9)
        whole = float(param.q).is_integer() and float(param.min).is_integer()
        points = [round(param.min + k * param.q, 12) for k in range(steps + 1)]
        return [int(p) for p in points] if whole else points
    raise ConfigError(f"a grid cannot enumerate distribution {d}; use values or int_uniform")


def leaves(
    parameters: Parameters, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], Parameter]]:
    """Every parameter with its path (``("model", "width")``), nested groups flattened."""
    out: list[tuple[tuple[str, ...], Parameter]] = []
    for name, spec in parameters.items():
        if isinstance(spec, NestedParameters):
            out += leaves(spec.parameters, (*prefix, name))
        else:
            out.append(((*prefix, name), spec))
    return out


def nest(pairs: Sequence[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    """``[(("model", "width"), 64)]`` → ``{"model": {"width": 64}}``."""
    out: dict[str, Any] = {}
    for path, value in pairs:
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return out


def grid_size(parameters: Parameters) -> int:
    """How many trials the grid has: the product of every parameter's number of values."""
    return math.prod(len(grid_values(p)) for _, p in leaves(parameters))


def grid_point(parameters: Parameters, index: int) -> dict[str, Any] | None:
    """Trial ``index`` of the grid (the last parameter varies fastest), or None once exhausted."""
    if index < 0:
        raise ValueError(f"grid index must not be negative, not {index}")
    found = leaves(parameters)
    columns = [grid_values(p) for _, p in found]
    if index >= math.prod(len(c) for c in columns):
        return None
    chosen: list[tuple[tuple[str, ...], Any]] = []
    for (path, _), values in zip(reversed(found), reversed(columns), strict=True):
        index, position = divmod(index, len(values))
        chosen.append((path, values[position]))
    return nest(chosen[::-1])


def iter_grid(parameters: Parameters) -> Iterator[dict[str, Any]]:
    """Every grid trial once, in ``grid_point`` order."""
    for index in range(grid_size(parameters)):
        point = grid_point(parameters, index)
        assert point is not None
        yield point


def random_point(parameters: Parameters, rng: np.random.Generator) -> dict[str, Any]:
    """One random trial: every parameter sampled from its distribution."""
    return nest([(path, sample(p, rng)) for path, p in leaves(parameters)])


def flatten(trial: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"model": {"width": 64}}`` → ``{"model.width": 64}``, the keys command-line args use."""
    out: dict[str, Any] = {}
    for key, value in trial.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _format(value: Any) -> str:
    if isinstance(value, (list, tuple, dict)) or value is None:
        return json.dumps(value)
    return str(value)


def render_command(
    command: Sequence[str],
    trial: Mapping[str, Any],
    *,
    program: str | None,
    interpreter: str = "python",
    env: str = "/usr/bin/env",
) -> list[str]:
    """The argv of a trial: ``${args}`` and ``${args_no_hyphens}`` expand to one element per
    parameter (``--lr=0.01``, ``model.width=64``); the other macros are replaced in place."""
    flat = flatten(trial)
    argv: list[str] = []
    for part in command:
        if part == "${args}":
            argv += [f"--{k}={_format(v)}" for k, v in flat.items()]
        elif part == "${args_no_hyphens}":
            argv += [f"{k}={_format(v)}" for k, v in flat.items()]
        else:
            if "${program}" in part and program is None:
                raise ConfigError("command uses ${program} but the sweep config has no program")
            replacements = {
                "${env}": env,
                "${interpreter}": interpreter,
                "${program}": program or "",
                "${args_json}": json.dumps(trial),
            }
            for macro, text in replacements.items():
                part = part.replace(macro, text)
            argv.append(part)
    return argv
