"""A trial's result, the best trial, and whether a sweep reached its target: all read from the
trials' run summaries as the store holds them."""

from __future__ import annotations

import math
from collections.abc import Sequence

from cairn.store.sweeps import TrialRow
from cairn.sweeps.config import SweepConfig


def trial_value(config: SweepConfig, trial: TrialRow) -> float | None:
    """The trial's result: its run's summary value of the sweep's metric (the last value logged,
    unless the script set the summary or ``define_metric``), if a finite number."""
    if config.metric is None:
        return None
    value = trial.summary.get(config.metric.name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def best_trial(config: SweepConfig, trials: Sequence[TrialRow]) -> tuple[TrialRow, float] | None:
    """The trial with the best value of the metric, per its goal, and that value."""
    scored = [(t, v) for t in trials if (v := trial_value(config, t)) is not None]
    if not scored:
        return None
    pick = min if config.metric is None or config.metric.goal == "minimize" else max
    return pick(scored, key=lambda tv: tv[1])


def target_reached(config: SweepConfig, trials: Sequence[TrialRow]) -> bool:
    """Whether a trial's value reached ``metric.target`` (at or below it when minimizing)."""
    if config.metric is None or config.metric.target is None:
        return False
    target, goal = config.metric.target, config.metric.goal
    for trial in trials:
        value = trial_value(config, trial)
        if value is not None and (value <= target if goal == "minimize" else value >= target):
            return True
    return False
