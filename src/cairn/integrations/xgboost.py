"""``CairnCallback``: an XGBoost training callback that logs a booster's training into Cairn.

```python
xgb.train(params, dtrain, 100, evals=[(dvalid, "eval")], callbacks=[CairnCallback(project="x")])
XGBRegressor(callbacks=[CairnCallback(log_model=True)]).fit(X, y, eval_set=[(Xv, yv)])
```

Needs ``xgboost`` (``pip install 'cairn[xgboost]'``).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Literal

import numpy
import xgboost
from xgboost.callback import TrainingCallback

import cairn
from cairn.integrations._boosting import find_or_start_run, log_importance
from cairn.integrations._models import log_model_file

_NOT_PARAMS = frozenset({"num_trees"})
"""Saved with the parameters, but a count that grows as training goes."""

IMPORTANCE_TYPES = ("weight", "gain", "cover", "total_gain", "total_cover")
"""The columns of the feature importance table, as ``Booster.get_score`` names them."""


class CairnCallback(TrainingCallback):
    """Logs every boosting round's evaluation results (``evals_log``: ``eval/rmse``,
    ``validation_0/logloss``...) as history at the round (step 0 is the first round), the
    booster's parameters as the config's ``xgboost`` section, and, when early stopping is used,
    ``best_iteration`` and ``best_score`` in the summary when training ends.

    - ``run``: the run to log into. Without it the callback logs into the open run
      (``cairn.run``) if there is one and no ``cairn.init`` arguments are given; otherwise it
      starts a run with ``project``, ``name`` and ``**init_kwargs`` when training starts (which
      finishes an open run, as ``cairn.init`` does). The run stays open after training, so test
      scores can be logged into it; it finishes when the script ends, or with ``cairn.finish()``.
    - ``log_model``: when training ends, the model as a version of the ``model`` artifact
      ``model-<run id>``, saved as ``model_format`` (``"ubj"``, XGBoost's binary JSON, or
      ``"json"``), with the best iteration and score in its metadata.
    - ``log_importance``: when training ends, a ``cairn.Table`` ``feature_importance`` with a
      row per feature and a column per importance type (``weight``, ``gain``, ``cover``,
      ``total_gain``, ``total_cover``; 0 for a feature no tree splits on).

    A callback holds its run: make a new one for each training (XGBoost's advice too).
    """

    def __init__(
        self,
        project: str | None = None,
        name: str | None = None,
        *,
        run: cairn.Run | None = None,
        log_model: bool = False,
        model_format: Literal["ubj", "json"] = "ubj",
        log_importance: bool = False,
        **init_kwargs: Any,
    ) -> None:
        super().__init__()
        if model_format not in ("ubj", "json"):
            raise ValueError(f'model_format={model_format!r}: use "ubj" or "json"')
        self._init_kwargs: dict[str, Any] = dict(init_kwargs)
        if project is not None:
            self._init_kwargs["project"] = project
        if name is not None:
            self._init_kwargs["name"] = name
        self._run = run
        self.log_model = log_model
        self.model_format = model_format
        self.log_importance = log_importance
        self._config_logged = False
        self._last_round: int | None = None

    @property
    def run(self) -> cairn.Run:
        """The run this callback logs into (started when training starts, or on first use)."""
        if self._run is None:
            self._run = find_or_start_run(self._init_kwargs)
        return self._run

    def before_training(self, model: Any) -> Any:
        self.run  # noqa: B018  (start or find the run before the first round)
        return model

    def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
        run = self.run
        if not self._config_logged:  # the learner is configured once a round has run
            run.config.update({"xgboost": _learner_params(model)})
            self._config_logged = True
        row = {
            f"{data}/{metric}": _last(values)
            for data, metrics in evals_log.items()
            for metric, values in metrics.items()
        }
        run.log(row, step=epoch)
        self._last_round = epoch
        return False  # never stops training

    def after_training(self, model: Any) -> Any:
        run = self.run
        best: dict[str, Any] = {}
        if model.attr("best_iteration") is not None:  # set by early stopping
            best = {
                "best_iteration": int(model.attr("best_iteration")),
                "best_score": float(model.attr("best_score")),
            }
            run.summary.update(best)
        step = self._last_round if self._last_round is not None else run.step
        if self.log_importance:
            log_importance(run, _importance(model), step)
        if self.log_model:
            with tempfile.TemporaryDirectory(prefix="cairn-xgboost-") as folder:
                path = Path(folder) / f"model.{self.model_format}"
                model.save_model(path)
                log_model_file(run, path, metadata={**best, "format": self.model_format})
        return model


def _last(values: list[Any]) -> float:
    """The latest value of an ``evals_log`` series (``xgb.cv`` gives (mean, std) pairs)."""
    value = values[-1]
    return float(value[0] if isinstance(value, tuple) else value)


def _learner_params(model: xgboost.Booster) -> dict[str, Any]:
    """The booster's training parameters, flat, from its saved configuration."""
    learner = json.loads(model.save_config())["learner"]
    params: dict[str, Any] = {}
    _collect_params(learner, params)
    params["eval_metric"] = [metric["name"] for metric in learner.get("metrics", [])]
    return params


def _importance(model: xgboost.Booster) -> dict[str, dict[str, float]]:
    """Each feature's importance of every type (0 where no tree splits on it)."""
    names = model.feature_names or [f"f{i}" for i in range(model.num_features())]
    scores = {kind: model.get_score(importance_type=kind) for kind in IMPORTANCE_TYPES}
    return {
        feature: {kind: _total(scores[kind].get(feature, 0.0)) for kind in IMPORTANCE_TYPES}
        for feature in names
    }


def _total(score: float | list[float]) -> float:
    """A score as one number (a multi-output tree gives one per output: their sum)."""
    return float(sum(score)) if isinstance(score, list) else float(score)


def _collect_params(section: dict[str, Any], into: dict[str, Any]) -> None:
    """Every ``*_param`` table under ``section`` (not the updaters' internals), values as
    numbers where they are numbers."""
    for key, value in section.items():
        if not isinstance(value, dict):
            continue
        if key.endswith("_param"):
            into.update({k: _value(v) for k, v in value.items() if k not in _NOT_PARAMS})
        else:  # gradient_booster, objective, dart's nested gbtree
            _collect_params(value, into)


def _value(text: Any) -> Any:
    """A parameter as XGBoost saves it (always text) as a number where it is one: a float32
    parameter saved as ``0.100000001`` is read back as ``0.1``."""
    if not isinstance(text, str):
        return text
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    single = numpy.float32(number)
    if f"{single:.9g}" == text:  # printed from a float32: its shortest form
        return float(str(single))
    return number
