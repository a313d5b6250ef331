"""``bayes`` search: Optuna's TPE sampler through ask/tell, its study rebuilt from the store.

Nothing lives in the agent's memory: each claim rebuilds an in-memory Optuna study from the sweep's
trials as stored (finished trials with their run's summary value; running ones, and finished ones
whose run has not reached the store yet, as RUNNING; failed, killed and crashed ones as FAIL, so a
dead agent's trial is never told a value), asks it
for one trial, and stores the answer. So any agent on any machine can ask, and a sweep survives
its agents. Why TPE: it handles every kind of parameter the config has (ints, floats, log scales,
categories), needs no extra dependency, scales to hundreds of trials in milliseconds, and with
``constant_liar`` it spreads out trials that several agents ask for at once.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import TrialState, create_trial

from cairn.store.sweeps import Proposal, TrialRow
from cairn.sweeps.config import Parameter, SweepConfig
from cairn.sweeps.distributions import quantize
from cairn.sweeps.results import trial_value
from cairn.sweeps.search import leaves, nest

N_STARTUP_TRIALS = 8
"""Random trials before TPE models the results (Optuna's default is 10)."""

Space = dict[str, tuple[BaseDistribution, Callable[[Any], Any]]]


def _f(value: float | None) -> float:
    assert value is not None, "validated configs fill every key their distribution uses"
    return value


def optuna_space(config: SweepConfig) -> tuple[Space, list[tuple[tuple[str, ...], Any]]]:
    """Each searched parameter as an Optuna distribution over an internal value, with the map
    from that value to the parameter's value; and the constants, which Optuna need not see."""
    space: Space = {}
    constants: list[tuple[tuple[str, ...], Any]] = []
    for path, param in leaves(config.parameters):
        if param.distribution == "constant":
            constants.append((path, param.value))
        else:
            space[".".join(path)] = _distribution(param)
    return space, constants


def _distribution(p: Parameter) -> tuple[BaseDistribution, Callable[[Any], Any]]:
    d = p.distribution
    if d == "categorical":
        values = p.values or ()
        return CategoricalDistribution(tuple(range(len(values)))), lambda i: values[int(i)]
    if d == "int_uniform":
        return IntDistribution(int(_f(p.min)), int(_f(p.max))), int
    lo, hi = _f(p.min) if p.min is not None else 0.0, _f(p.max) if p.max is not None else 0.0
    q = p.q or 1.0
    if d in ("uniform", "q_uniform"):
        if d == "uniform":
            return FloatDistribution(lo, hi), float
        return FloatDistribution(lo, hi), lambda x: quantize(x, q)
    if d in ("log_uniform_values", "q_log_uniform_values"):
        if d == "log_uniform_values":
            return FloatDistribution(lo, hi, log=True), float
        return FloatDistribution(lo, hi, log=True), lambda x: quantize(x, q)
    if d == "log_uniform":
        return FloatDistribution(lo, hi), math.exp
    if d == "inv_log_uniform_values":
        return FloatDistribution(1 / hi, 1 / lo, log=True), lambda x: min(max(1 / x, lo), hi)
    if d == "beta":
        return FloatDistribution(0.0, 1.0), float
    # normal and log_normal have no bounds: search mu ± 3 sigma (99.7% of their mass).
    mu, sigma = _f(p.mu), _f(p.sigma)
    bounds = FloatDistribution(mu - 3 * sigma, mu + 3 * sigma)
    transforms: dict[str, Callable[[Any], Any]] = {
        "normal": float,
        "q_normal": lambda x: quantize(x, q),
        "log_normal": math.exp,
        "q_log_normal": lambda x: quantize(math.exp(x), q),
    }
    return bounds, transforms[d]


def suggest(config: SweepConfig, trials: Sequence[TrialRow], seed: int, number: int) -> Proposal:
    """The next trial of a bayes sweep, from the stored trials (see the module docstring)."""
    assert config.metric is not None, "config validation requires a metric for bayes"
    space, constants = optuna_space(config)
    sampler = optuna.samplers.TPESampler(
        seed=(seed + number) % 2**32,
        n_startup_trials=N_STARTUP_TRIALS,
        multivariate=True,
        constant_liar=True,
    )
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():  # multivariate and constant_liar are flagged experimental
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(sampler=sampler, direction=config.metric.goal)
        distributions = {name: dist for name, (dist, _) in space.items()}
        for trial in trials:
            known = trial.suggestion or {}
            if set(known) != set(space):
                continue  # made before the space changed (or not by bayes): nothing to tell
            study.add_trial(_frozen(config, trial, known, distributions))
        asked = study.ask(distributions)
    suggestion = dict(asked.params)
    values = [(tuple(name.split(".")), space[name][1](v)) for name, v in suggestion.items()]
    return Proposal(params=nest([*constants, *values]), suggestion=suggestion)


def _frozen(
    config: SweepConfig,
    trial: TrialRow,
    params: dict[str, Any],
    distributions: dict[str, BaseDistribution],
) -> optuna.trial.FrozenTrial:
    value = trial_value(config, trial)
    if trial.status in ("running", "finished") and trial.run_state in (None, "running"):
        # running; or finished while its run's last records are still on their way (a team
        # server applies them in the background): its result is not known yet, not a failure
        return create_trial(state=TrialState.RUNNING, params=params, distributions=distributions)
    if value is None or trial.status in ("failed", "killed", "crashed"):
        return create_trial(state=TrialState.FAIL, params=params, distributions=distributions)
    # Finished, or stopped early by Hyperband: its value then is a fair (pessimistic) result.
    return create_trial(params=params, distributions=distributions, value=value)
