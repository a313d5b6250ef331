"""Parse and validate a sweep configuration written in W&B's schema (a dict or a YAML file).

Every error is a ``ConfigError`` whose message starts with the key path (``parameters.lr.min``)
and says what is allowed, so a W&B sweep file either loads unchanged or says exactly what to fix.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

import yaml

from cairn.errors import ConfigError

METHODS = ("grid", "random", "bayes")
GOALS = ("minimize", "maximize")
MACROS = ("env", "interpreter", "program", "args", "args_no_hyphens", "args_json")
DEFAULT_COMMAND = ("${env}", "${interpreter}", "${program}", "${args}")

# Each distribution's keys: required ones map to None, optional ones to W&B's default.
DISTRIBUTIONS: dict[str, dict[str, float | None]] = {
    "constant": {},
    "categorical": {},
    "int_uniform": {"min": None, "max": None},
    "uniform": {"min": None, "max": None},
    "q_uniform": {"min": None, "max": None, "q": 1.0},
    "log_uniform_values": {"min": None, "max": None},
    "log_uniform": {"min": None, "max": None},
    "q_log_uniform_values": {"min": None, "max": None, "q": 1.0},
    "inv_log_uniform_values": {"min": None, "max": None},
    "normal": {"mu": 0.0, "sigma": 1.0},
    "q_normal": {"mu": 0.0, "sigma": 1.0, "q": 1.0},
    "log_normal": {"mu": 0.0, "sigma": 1.0},
    "q_log_normal": {"mu": 0.0, "sigma": 1.0, "q": 1.0},
    "beta": {"a": 1.0, "b": 1.0},
}
# W&B's older exponent-bound forms, which Cairn does not implement.
_LEGACY = {"q_log_uniform": "q_log_uniform_values", "inv_log_uniform": "inv_log_uniform_values"}
# Distributions a grid can enumerate.
FINITE = ("constant", "categorical", "int_uniform", "q_uniform")

_TOP_KEYS = (
    "method",
    "metric",
    "parameters",
    "run_cap",
    "program",
    "command",
    "early_terminate",
    "name",
    "description",
    "project",
    "entity",
)
_PARAM_KEYS = (
    "distribution",
    "value",
    "values",
    "probabilities",
    "min",
    "max",
    "q",
    "mu",
    "sigma",
    "a",
    "b",
    "parameters",
)
_MACRO = re.compile(r"\$\{([^}]*)\}")


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads ``1e-6`` as a string; sweep files are full of them, so read them as floats."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


@dataclass(frozen=True)
class Metric:
    """The metric a sweep optimizes, as logged by the runs."""

    name: str
    goal: Literal["minimize", "maximize"] = "minimize"
    target: float | None = None


@dataclass(frozen=True)
class Parameter:
    """One searched parameter; fields not used by its distribution stay None."""

    distribution: str
    value: Any = None
    values: tuple[Any, ...] | None = None
    probabilities: tuple[float, ...] | None = None
    min: float | None = None
    max: float | None = None
    q: float | None = None
    mu: float | None = None
    sigma: float | None = None
    a: float | None = None
    b: float | None = None


@dataclass(frozen=True)
class NestedParameters:
    """A group of parameters that becomes a nested dict in the run's config."""

    parameters: dict[str, ParameterSpec]


ParameterSpec = Union[Parameter, NestedParameters]  # noqa: UP007 (runtime alias on 3.10)


@dataclass(frozen=True)
class EarlyTerminate:
    """Hyperband early termination: brackets from ``min_iter``, or from ``max_iter`` and ``s``."""

    type: Literal["hyperband"] = "hyperband"
    min_iter: int | None = None
    max_iter: int | None = None
    s: int | None = None
    eta: int = 3
    strict: bool = False


@dataclass(frozen=True)
class SweepConfig:
    """A validated sweep configuration."""

    method: Literal["grid", "random", "bayes"]
    parameters: dict[str, ParameterSpec]
    metric: Metric | None = None
    run_cap: int | None = None
    program: str | None = None
    command: tuple[str, ...] = DEFAULT_COMMAND
    early_terminate: EarlyTerminate | None = None
    name: str | None = None
    description: str | None = None
    project: str | None = None
    entity: str | None = None


def load_sweep_config(source: Mapping[str, Any] | str | Path) -> SweepConfig:
    """Build a SweepConfig from a dict or a YAML file path; raise ConfigError naming the bad key."""
    data = read_sweep_file(source) if isinstance(source, (str, Path)) else source
    if not isinstance(data, Mapping):
        raise ConfigError(f"a sweep config must be a mapping, not {type(data).__name__}")
    return _parse(data)


def read_sweep_file(source: str | Path) -> Any:
    """The YAML document of a sweep file, with ``1e-5`` read as a float; not yet validated."""
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"sweep config file {path} does not exist")
    try:
        return yaml.load(path.read_text(), Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise ConfigError(f"sweep config file {path} is not valid YAML: {exc}") from exc


def _fail(path: str, problem: str) -> ConfigError:
    return ConfigError(f"{path}: {problem}")


def _one_of(path: str, given: object, allowed: tuple[str, ...]) -> ConfigError:
    message = f"{given!r} is not one of {', '.join(allowed)}"
    close = difflib.get_close_matches(str(given), allowed, n=1, cutoff=0.6)
    if close:
        message += f'; did you mean "{close[0]}"?'
    return _fail(path, message.replace(repr(given), f'"{given}"', 1))


def _check_keys(prefix: str, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            path = f"{prefix}.{key}" if prefix else str(key)
            message = f"unknown key; allowed keys are {', '.join(allowed)}"
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            if close:
                message += f'; did you mean "{close[0]}"?'
            raise _fail(path, message)


def _number(path: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(path, f"must be a finite number, not {value!r}")
    return float(value)


def _positive_int(path: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(path, f"must be a positive integer, not {value!r}")
    return value


def _parse(data: Mapping[str, Any]) -> SweepConfig:
    _check_keys("", data, _TOP_KEYS)
    if "method" not in data:
        raise _fail("method", f"is required; use one of {', '.join(METHODS)}")
    method = data["method"]
    if method not in METHODS:
        raise _one_of("method", method, METHODS)
    if "parameters" not in data:
        raise _fail("parameters", "is required: a mapping of parameter name to its spec")
    parameters = _parse_parameters("parameters", data["parameters"])
    metric = _parse_metric(data["metric"]) if data.get("metric") is not None else None
    early = data.get("early_terminate")
    early_terminate = _parse_early_terminate(early) if early is not None else None
    if method == "bayes" and metric is None:
        raise _fail("metric", "method bayes needs a metric to optimize: {name: ..., goal: ...}")
    if early_terminate is not None and metric is None:
        raise _fail("metric", "early_terminate needs a metric to judge runs by")
    if method == "grid":
        _check_finite("parameters", parameters)
    run_cap = data.get("run_cap")
    strings: dict[str, str | None] = {}
    for key in ("program", "name", "description", "project", "entity"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise _fail(key, f"must be a string, not {value!r}")
        strings[key] = value
    return SweepConfig(
        method=method,
        parameters=parameters,
        metric=metric,
        run_cap=_positive_int("run_cap", run_cap) if run_cap is not None else None,
        command=_parse_command(data["command"]) if "command" in data else DEFAULT_COMMAND,
        early_terminate=early_terminate,
        **strings,
    )


def _parse_metric(data: object) -> Metric:
    if not isinstance(data, Mapping):
        raise _fail("metric", "must be a mapping like {name: val_loss, goal: minimize}")
    _check_keys("metric", data, ("name", "goal", "target"))
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise _fail("metric.name", "is required: the name of a metric the runs log")
    goal = data.get("goal", "minimize")
    if goal not in GOALS:
        raise _one_of("metric.goal", goal, GOALS)
    target = data.get("target")
    return Metric(
        name=name,
        goal=goal,
        target=_number("metric.target", target) if target is not None else None,
    )


def _parse_early_terminate(data: object) -> EarlyTerminate:
    path = "early_terminate"
    if not isinstance(data, Mapping):
        raise _fail(path, "must be a mapping like {type: hyperband, min_iter: 3}")
    _check_keys(path, data, ("type", "min_iter", "max_iter", "s", "eta", "strict"))
    if data.get("type") != "hyperband":
        raise _one_of(f"{path}.type", data.get("type"), ("hyperband",))
    ints = {
        k: _positive_int(f"{path}.{k}", data[k]) for k in ("min_iter", "max_iter", "s") if k in data
    }
    if "min_iter" not in ints and not ("max_iter" in ints and "s" in ints):
        raise _fail(path, "hyperband needs min_iter, or both max_iter and s")
    eta = _positive_int(f"{path}.eta", data.get("eta", 3))
    if eta < 2:
        raise _fail(f"{path}.eta", f"must be at least 2, not {eta}")
    strict = data.get("strict", False)
    if not isinstance(strict, bool):
        raise _fail(f"{path}.strict", f"must be true or false, not {strict!r}")
    return EarlyTerminate(
        min_iter=ints.get("min_iter"),
        max_iter=ints.get("max_iter"),
        s=ints.get("s"),
        eta=eta,
        strict=strict,
    )


def _parse_command(data: object) -> tuple[str, ...]:
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise _fail("command", "must be a list of strings, e.g. [${env}, ${interpreter}, ...]")
    for i, part in enumerate(data):
        for name in _MACRO.findall(part):
            if name not in MACROS:
                allowed = tuple(f"${{{m}}}" for m in MACROS)
                raise _one_of(f"command[{i}]", f"${{{name}}}", allowed)
    return tuple(data)


def _parse_parameters(path: str, data: object) -> dict[str, ParameterSpec]:
    if not isinstance(data, Mapping) or not data:
        raise _fail(path, "must be a non-empty mapping of parameter name to its spec")
    return {str(name): _parse_parameter(f"{path}.{name}", spec) for name, spec in data.items()}


def _parse_parameter(path: str, spec: object) -> ParameterSpec:
    if not isinstance(spec, Mapping):
        raise _fail(path, f"must be a mapping like {{values: [...]}}, not {spec!r}")
    _check_keys(path, spec, _PARAM_KEYS)
    if "parameters" in spec:
        others = sorted(set(spec) - {"parameters"})
        if others:
            raise _fail(path, f"a nested group takes only parameters, not {', '.join(others)}")
        return NestedParameters(_parse_parameters(f"{path}.parameters", spec["parameters"]))
    distribution = spec.get("distribution") or _infer(path, spec)
    if not isinstance(distribution, str):
        raise _fail(f"{path}.distribution", f"must be a name like uniform, not {distribution!r}")
    if distribution not in DISTRIBUTIONS:
        raise _unknown_distribution(f"{path}.distribution", distribution)
    if distribution == "constant":
        return _constant(path, spec)
    if distribution == "categorical":
        return _categorical(path, spec)
    keys = DISTRIBUTIONS[distribution]
    for key in spec:
        if key != "distribution" and key not in keys:
            raise _fail(
                f"{path}.{key}",
                f"is not used by distribution {distribution} (it takes {', '.join(keys)})",
            )
    numbers: dict[str, float] = {}
    for key, default in keys.items():
        if key in spec:
            numbers[key] = _number(f"{path}.{key}", spec[key])
        elif default is None:
            raise _fail(f"{path}.{key}", f"is required by distribution {distribution}")
        else:
            numbers[key] = default
    _check_ranges(path, distribution, numbers, spec)
    if distribution == "int_uniform":
        numbers = {"min": int(spec["min"]), "max": int(spec["max"])}
    return Parameter(
        distribution=distribution,
        min=numbers.get("min"),
        max=numbers.get("max"),
        q=numbers.get("q"),
        mu=numbers.get("mu"),
        sigma=numbers.get("sigma"),
        a=numbers.get("a"),
        b=numbers.get("b"),
    )


def _unknown_distribution(path: str, given: object) -> ConfigError:
    allowed = tuple(DISTRIBUTIONS)
    if given in _LEGACY:
        return _fail(
            path,
            f'"{given}" (W&B\'s older form, bounds as exponents) is not supported; '
            f'use "{_LEGACY[given]}" with min and max as values',
        )
    close = difflib.get_close_matches(str(given), allowed, n=1, cutoff=0.6)
    message = f'"{given}" is not one of ' + ", ".join(allowed)
    if close and f"{close[0]}_values" in DISTRIBUTIONS:
        # log_uniform takes exponents, log_uniform_values takes the values: offer both.
        message += (
            f'; did you mean "{close[0]}_values" (min and max as values) '
            f'or "{close[0]}" (min and max as exponents)?'
        )
    elif close:
        message += f'; did you mean "{close[0]}"?'
    return _fail(path, message)


def _infer(path: str, spec: Mapping[str, Any]) -> str:
    """W&B's rule: value → constant, values → categorical, int min/max → int_uniform, else uniform."""
    if "value" in spec:
        return "constant"
    if "values" in spec:
        return "categorical"
    if "min" in spec and "max" in spec:
        bounds = (spec["min"], spec["max"])
        if all(isinstance(x, int) and not isinstance(x, bool) for x in bounds):
            return "int_uniform"
        return "uniform"
    raise _fail(path, "needs value, values, min and max, a distribution, or nested parameters")


def _constant(path: str, spec: Mapping[str, Any]) -> Parameter:
    extra = sorted(set(spec) - {"distribution", "value"})
    if extra:
        raise _fail(f"{path}.{extra[0]}", "is not used by distribution constant (it takes value)")
    if "value" not in spec:
        raise _fail(f"{path}.value", "is required by distribution constant")
    return Parameter(distribution="constant", value=spec["value"])


def _categorical(path: str, spec: Mapping[str, Any]) -> Parameter:
    extra = sorted(set(spec) - {"distribution", "values", "probabilities"})
    if extra:
        raise _fail(
            f"{path}.{extra[0]}",
            "is not used by distribution categorical (it takes values, probabilities)",
        )
    values = spec.get("values")
    if not isinstance(values, list) or not values:
        raise _fail(f"{path}.values", f"must be a non-empty list, not {values!r}")
    probabilities = None
    if "probabilities" in spec:
        probs = spec["probabilities"]
        where = f"{path}.probabilities"
        if not isinstance(probs, list) or len(probs) != len(values):
            raise _fail(where, f"must be a list of {len(values)} numbers, one per value")
        probabilities = tuple(_number(f"{where}[{i}]", p) for i, p in enumerate(probs))
        if any(p < 0 for p in probabilities):
            raise _fail(where, "must not be negative")
        if not math.isclose(sum(probabilities), 1.0, abs_tol=1e-6):
            raise _fail(where, f"must sum to 1, not {sum(probabilities):g}")
    return Parameter(distribution="categorical", values=tuple(values), probabilities=probabilities)


def _check_ranges(
    path: str, distribution: str, numbers: dict[str, float], spec: Mapping[str, Any]
) -> None:
    if "min" in numbers:
        lo, hi = numbers["min"], numbers["max"]
        if lo > hi:
            raise _fail(path, f"min ({lo:g}) must not be greater than max ({hi:g})")
        if distribution == "int_uniform":
            for key in ("min", "max"):
                if isinstance(spec[key], bool) or not isinstance(spec[key], int):
                    raise _fail(
                        f"{path}.{key}", f"must be an integer for int_uniform, not {spec[key]!r}"
                    )
        if distribution.endswith("_values") and lo <= 0:
            raise _fail(
                f"{path}.min",
                f"must be positive for {distribution} (got {lo:g}); "
                "use log_uniform for bounds given as exponents",
            )
    for key in ("q", "sigma", "a", "b"):
        if key in numbers and numbers[key] <= 0:
            raise _fail(f"{path}.{key}", f"must be positive, not {numbers[key]:g}")


def _check_finite(path: str, parameters: Mapping[str, ParameterSpec]) -> None:
    for name, spec in parameters.items():
        where = f"{path}.{name}"
        if isinstance(spec, NestedParameters):
            _check_finite(f"{where}.parameters", spec.parameters)
        elif spec.distribution not in FINITE:
            raise _fail(
                where,
                f"method grid needs every parameter to be finite, and {spec.distribution} is not; "
                f"use value, values, or one of {', '.join(FINITE)}",
            )
