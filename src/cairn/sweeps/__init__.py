"""Hyperparameter sweeps: W&B-compatible sweep configs, distributions, grid and random search;
``TrialStopped``, what ``run.log()`` raises in an in-process trial that an agent stopped."""

from __future__ import annotations

from cairn.errors import TrialStopped
from cairn.sweeps.config import (
    EarlyTerminate,
    Metric,
    NestedParameters,
    Parameter,
    SweepConfig,
    load_sweep_config,
)
from cairn.sweeps.distributions import sample
from cairn.sweeps.search import (
    flatten,
    grid_point,
    grid_size,
    iter_grid,
    random_point,
    render_command,
)

__all__ = [
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
