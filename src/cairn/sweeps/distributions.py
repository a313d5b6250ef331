"""Draw one value of a parameter from its distribution, with a ``numpy.random.Generator``.

The ``q_`` variants round to the nearest multiple of ``q`` as W&B does (``round(x / q) * q``), and
return ints when ``q`` is a whole number, so ``q: 8`` gives batch sizes, not floats.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cairn.sweeps.config import Parameter


def sample(param: Parameter, rng: np.random.Generator) -> Any:
    """One value of ``param``, drawn from ``rng``."""
    d = param.distribution
    if d == "constant":
        return param.value
    if d == "categorical":
        assert param.values is not None
        p = param.probabilities
        # Config allows a sum within 1e-6 of 1 ("0.3333333" three times); numpy wants it exact.
        weights = None if p is None else np.asarray(p, dtype=float) / sum(p)
        index = int(rng.choice(len(param.values), p=weights))
        return param.values[index]
    if d == "int_uniform":
        return int(rng.integers(int(_f(param.min)), int(_f(param.max)), endpoint=True))
    if d == "uniform":
        return float(rng.uniform(_f(param.min), _f(param.max)))
    if d == "q_uniform":
        return quantize(rng.uniform(_f(param.min), _f(param.max)), _f(param.q))
    if d == "log_uniform":
        return float(math.exp(rng.uniform(_f(param.min), _f(param.max))))
    if d == "log_uniform_values":
        return _log_uniform_values(param, rng)
    if d == "q_log_uniform_values":
        return quantize(_log_uniform_values(param, rng), _f(param.q))
    if d == "inv_log_uniform_values":
        # X = 1/Y with log Y uniform on [log 1/max, log 1/min]; by symmetry log X is uniform too.
        low, high = math.log(1 / _f(param.max)), math.log(1 / _f(param.min))
        return float(min(max(1 / math.exp(rng.uniform(low, high)), _f(param.min)), _f(param.max)))
    if d == "normal":
        return float(rng.normal(_f(param.mu), _f(param.sigma)))
    if d == "q_normal":
        return quantize(rng.normal(_f(param.mu), _f(param.sigma)), _f(param.q))
    if d == "log_normal":
        return float(rng.lognormal(_f(param.mu), _f(param.sigma)))
    if d == "q_log_normal":
        return quantize(rng.lognormal(_f(param.mu), _f(param.sigma)), _f(param.q))
    if d == "beta":
        return float(rng.beta(_f(param.a), _f(param.b)))
    raise ValueError(f"unknown distribution {d!r}")  # config validation makes this unreachable


def _f(value: float | None) -> float:
    assert value is not None, "validated configs fill every key their distribution uses"
    return value


def _log_uniform_values(param: Parameter, rng: np.random.Generator) -> float:
    low, high = math.log(_f(param.min)), math.log(_f(param.max))
    # exp(log(x)) can stray past the bounds by one ulp; clip so min and max really bound it.
    return float(min(max(math.exp(rng.uniform(low, high)), _f(param.min)), _f(param.max)))


def quantize(x: float, q: float) -> int | float:
    value = round(float(x) / q) * q
    return round(value) if float(q).is_integer() else float(value)
