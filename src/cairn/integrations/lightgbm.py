"""``cairn_callback``: a LightGBM callback that logs a booster's training into Cairn, and
``log_booster`` for what is known only once training has ended (the model, feature importance).

```python
booster = lgb.train(params, train, 100, valid_sets=[valid], callbacks=[cairn_callback(project="x")])
log_booster(booster)
```

Needs ``lightgbm`` (``pip install 'cairn[lightgbm]'``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import lightgbm

import cairn
from cairn.errors import UsageError
from cairn.integrations._boosting import find_or_start_run, log_importance
from cairn.integrations._models import log_model_file

IMPORTANCE_TYPES = ("split", "gain")
"""The columns of the feature importance table, as ``Booster.feature_importance`` names them."""


def cairn_callback(
    project: str | None = None,
    name: str | None = None,
    *,
    run: cairn.Run | None = None,
    **init_kwargs: Any,
) -> _CairnCallback:
    """A callback for ``lgb.train``, ``lgb.cv`` and the scikit-learn API's ``fit`` that logs
    every iteration's evaluation results (``valid_0/l2``, ``training/auc``...; ``lgb.cv`` adds
    ``<key>-stdv``) as history at the iteration as LightGBM counts it (step 1 is the first
    tree), the parameters as the config's ``lightgbm`` section, and ``best_iteration`` and
    ``best_score`` in the summary, kept current as training goes, so they are right however
    training ends.

    ``best_iteration`` is the best iteration of the first metric on the first validation set (not
    the training data): what ``early_stopping`` watches with one validation set and one metric,
    or with ``first_metric_only=True``. ``log_booster`` (after training) replaces it with the
    booster's own when early stopping set one.

    ``run``: the run to log into. Without it the callback logs into the open run (``cairn.run``)
    if there is one and no ``cairn.init`` arguments are given; otherwise it starts a run with
    ``project``, ``name`` and ``**init_kwargs`` at the first iteration (which finishes an open
    run, as ``cairn.init`` does). The run stays open after training: it finishes when the script
    ends, or with ``cairn.finish()``. Make a new callback for each training.
    """
    kwargs = dict(init_kwargs)
    if project is not None:
        kwargs["project"] = project
    if name is not None:
        kwargs["name"] = name
    return _CairnCallback(run, kwargs)


class _CairnCallback:
    """What ``cairn_callback`` returns: LightGBM calls it after each iteration."""

    def __init__(self, run: cairn.Run | None, init_kwargs: dict[str, Any]) -> None:
        self._run = run
        self._init_kwargs = init_kwargs
        self._best: tuple[str, float, bool] | None = None
        """The watched key, its best value so far, and whether higher is better."""

    @property
    def run(self) -> cairn.Run:
        """The run this callback logs into (started at the first iteration, or on first use)."""
        if self._run is None:
            self._run = find_or_start_run(self._init_kwargs)
        return self._run

    def __call__(self, env: lightgbm.callback.CallbackEnv) -> None:
        run = self.run
        if env.iteration == env.begin_iteration:
            run.config.update({"lightgbm": {k: _param(v) for k, v in env.params.items()}})
        step = env.iteration + 1
        row: dict[str, float] = {}
        for result in env.evaluation_result_list or []:
            data, metric, value, higher_is_better = result[:4]
            key = f"{data}/{metric}"
            row[key] = float(value)
            stdv = result[4] if len(result) > 4 else None
            if stdv is not None:  # lgb.cv: the mean over folds, and their standard deviation
                row[f"{key}-stdv"] = float(stdv)
            if self._watches(key, data, env):
                self._update_best(run, key, float(value), bool(higher_is_better), step)
        run.log(row, step=step)

    def _watches(self, key: str, data: str, env: lightgbm.callback.CallbackEnv) -> bool:
        """Whether ``key`` is the metric whose best iteration the summary holds."""
        if self._best is not None:
            return key == self._best[0]
        results = env.evaluation_result_list or []
        train_name = getattr(env.model, "_train_data_name", "training")
        held_out = [r for r in results if r[0] not in (train_name, "train")]
        first = (held_out or results)[0]
        return key == f"{first[0]}/{first[1]}"

    def _update_best(
        self, run: cairn.Run, key: str, value: float, higher_is_better: bool, step: int
    ) -> None:
        if self._best is not None:
            best = self._best[1]
            if not (value > best if higher_is_better else value < best):
                return
        self._best = (key, value, higher_is_better)
        run.summary.update({"best_iteration": step, "best_score": value})


def log_booster(
    booster: lightgbm.Booster,
    run: cairn.Run | None = None,
    *,
    model: bool = True,
    importance: bool = True,
) -> None:
    """What is known once training has ended, logged into ``run`` (default: the open run):

    - ``best_iteration`` and ``best_score`` in the summary, when early stopping set them (the
      score of the first metric on the first validation set, at that iteration);
    - ``model``: the model file (LightGBM's text format, up to the best iteration when there is
      one) as a version of the ``model`` artifact ``model-<run id>``;
    - ``importance``: a ``cairn.Table`` ``feature_importance``, a row per feature, a column per
      importance type (``split``, ``gain``).

    LightGBM tells callbacks nothing when training ends, so this is a call of its own. For the
    scikit-learn API pass ``estimator.booster_``.
    """
    if run is None:
        run = cairn.run
        if run is None:
            raise UsageError(
                "log_booster found no open run: pass run=, or call it before the run finishes"
            )
    best: dict[str, Any] = {}
    if booster.best_iteration > 0:  # set by early stopping
        best = {"best_iteration": booster.best_iteration}
        score = _first_held_out(booster.best_score, booster._train_data_name)
        if score is not None:
            best["best_score"] = score
        run.summary.update(best)
    step = booster.current_iteration()
    if importance:
        log_importance(run, _importance(booster), step)
    if model:
        with tempfile.TemporaryDirectory(prefix="cairn-lightgbm-") as folder:
            path = Path(folder) / "model.txt"
            booster.save_model(path)
            log_model_file(run, path, metadata={**best, "format": "txt"})


def _param(value: Any) -> Any:
    """A parameter as config holds it: a function (a custom objective or metric) by its name."""
    if callable(value):
        return getattr(value, "__qualname__", repr(value))
    if isinstance(value, Mapping):
        return {str(k): _param(v) for k, v in value.items()}
    return value


def _first_held_out(scores: Mapping[str, Mapping[str, float]], train_name: str) -> float | None:
    """The first metric's value on the first validation set (the training data if it is the
    only one) in ``Booster.best_score``."""
    names = [data for data in scores if data != train_name] or list(scores)
    if not names or not scores[names[0]]:
        return None
    return float(next(iter(scores[names[0]].values())))


def _importance(booster: lightgbm.Booster) -> dict[str, dict[str, float]]:
    """Each feature's importance of every type."""
    names = booster.feature_name()
    scores = {kind: booster.feature_importance(importance_type=kind) for kind in IMPORTANCE_TYPES}
    return {
        feature: {kind: float(scores[kind][i]) for kind in IMPORTANCE_TYPES}
        for i, feature in enumerate(names)
    }
