"""A sweep over the store: create it, choose its next trial, judge its running trials.

``next_trial`` is the ``propose`` step of ``cairn.store.sweeps.claim_trial``: it runs inside the
claim's transaction and sees every trial stored so far, so the choice is the same whichever agent
makes it. grid takes trial ``n`` of the grid; random draws from a generator seeded by (the sweep's
seed, n); bayes asks Optuna (``cairn.sweeps.bayes``).
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc

from cairn.errors import ConfigError
from cairn.names import new_run_id
from cairn.store.store import Store
from cairn.store.sweeps import Proposal, SweepRow, TrialRow, create_sweep, list_trials
from cairn.sweeps import hyperband
from cairn.sweeps.config import SweepConfig, load_sweep_config, read_sweep_file
from cairn.sweeps.results import target_reached
from cairn.sweeps.search import grid_point, random_point


def new_sweep(
    store: Store, source: Mapping[str, Any] | str | Path, project: str | None
) -> SweepRow:
    """Validate a sweep config (a dict or a YAML path) and store the sweep, ready for agents.

    The project: ``project``, else the config's ``project``, else ``$CAIRN_PROJECT``, else
    ``uncategorized``.
    """
    raw = read_sweep_file(source) if isinstance(source, (str, Path)) else source
    config = load_sweep_config(raw)
    project = sweep_project(config, project)
    sweep_id = new_run_id()
    name = config.name or f"sweep-{sweep_id}"
    return create_sweep(store, sweep_id, project, name, dict(raw), secrets.randbits(31))


def sweep_project(config: SweepConfig, project: str | None) -> str:
    """The project a sweep goes to: ``project``, else the config's ``project``, else
    ``$CAIRN_PROJECT``, else ``uncategorized``."""
    project = project or config.project or os.environ.get("CAIRN_PROJECT") or "uncategorized"
    if "/" in project or not project.strip():
        raise ConfigError(f"project {project!r}: give a name without '/'")
    return project


def next_trial(sweep: SweepRow, trials: Sequence[TrialRow]) -> Proposal | None:
    """The sweep's next trial, or None when its search is done (grid exhausted, run_cap reached,
    or a trial reached the metric's target)."""
    config = load_sweep_config(sweep.config)
    number = sweep.trial_count
    if config.run_cap is not None and number >= config.run_cap:
        return None
    if target_reached(config, trials):
        return None
    if config.method == "grid":
        point = grid_point(config.parameters, number)
        return None if point is None else Proposal(point)
    if config.method == "random":
        rng = np.random.default_rng([sweep.seed, number])
        return Proposal(random_point(config.parameters, rng))
    from cairn.sweeps import bayes  # Optuna takes a second to import: only bayes sweeps need it

    return bayes.suggest(config, trials, sweep.seed, number)


def metric_curves(store: Store, metric: str, trials: Sequence[TrialRow]) -> dict[str, list[float]]:
    """Each trial run's logged values of ``metric`` in order (runs not yet stored are left out)."""
    curves: dict[str, list[float]] = {}
    for trial in trials:
        if trial.run_state is None:
            continue
        table = store.history(trial.run_id, [metric])
        values = table.column(metric).filter(pc.is_valid(table.column(metric))).to_pylist()
        curves[trial.run_id] = [float(v) for v in values if math.isfinite(v)]
    return curves


def trials_to_stop(store: Store, sweep: SweepRow) -> dict[str, str]:
    """Run ids of the sweep's running trials Hyperband would stop now, with the reasons."""
    config = load_sweep_config(sweep.config)
    if config.early_terminate is None or config.metric is None:
        return {}
    trials = list_trials(store, sweep.id)
    running = [t.run_id for t in trials if t.status == "running" and t.run_state == "running"]
    if not running:
        return {}
    curves = metric_curves(store, config.metric.name, trials)
    return hyperband.runs_to_stop(config.early_terminate, config.metric.goal, curves, running)
