"""``CairnCallback``: each trial of an Optuna study becomes a Cairn run.

```python
study.optimize(objective, n_trials=20, callbacks=[CairnCallback("val/loss", project="tune")])
```

The runs of one study share a group (the study's name), so the dashboard groups them, and the
parallel-coordinates and importance panels read their parameters from the config.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import optuna


class CairnCallback:
    """An Optuna callback (``study.optimize(..., callbacks=[CairnCallback()])``) that logs each
    finished trial as a Cairn run: the trial's parameters as config, its reported intermediate
    values as history (by step), its value(s) in the summary under ``metric_name``, and its state.

    - ``metric_name``: the name of the objective's value, or one name per objective of a
      multi-objective study (default ``value``, ``value_1``...).
    - ``project``, ``dir`` and any other ``cairn.init`` argument (``init_kwargs``) say where the
      runs go. Each run's group is the study's name and its job type ``optuna-trial``.

    A completed trial's run finishes; a pruned one finishes with the tag ``pruned``; a failed one
    is marked failed. Runs are logged after the trial, in the process that calls ``optimize``:
    finish any run of your own before, since ``cairn.init`` would finish it.
    """

    def __init__(
        self,
        metric_name: str | Sequence[str] = "value",
        *,
        project: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        init_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.metric_names = [metric_name] if isinstance(metric_name, str) else list(metric_name)
        self.project = project
        self.dir = dir
        self.init_kwargs = dict(init_kwargs or {})

    def _names(self, count: int) -> list[str]:
        if len(self.metric_names) == count:
            return self.metric_names
        if len(self.metric_names) == 1:
            first = self.metric_names[0]
            return [first, *(f"{first}_{i}" for i in range(1, count))]
        raise ValueError(
            f"the study has {count} objectives and metric_name names {len(self.metric_names)}: "
            "give one name per objective"
        )

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        import cairn

        state = trial.state.name.lower()  # complete, pruned, fail
        values = list(trial.values or [])
        names = self._names(max(len(values), len(study.directions)))
        kwargs: dict[str, Any] = {
            "project": self.project,
            "dir": self.dir,
            "group": study.study_name,
            "job_type": "optuna-trial",
            "name": f"{study.study_name}-trial-{trial.number}",
            "config": dict(trial.params),
            "tags": ["optuna", state],
            **self.init_kwargs,
        }
        run = cairn.init(**kwargs)
        for step, value in sorted(trial.intermediate_values.items()):
            run.log({names[0]: value}, step=step)
        run.summary.update({name: value for name, value in zip(names, values, strict=False)})
        run.summary["optuna/trial"] = trial.number
        run.summary["optuna/state"] = state
        if trial.datetime_start is not None and trial.datetime_complete is not None:
            took = trial.datetime_complete - trial.datetime_start
            run.summary["optuna/duration"] = took.total_seconds()
        for key, value in trial.user_attrs.items():
            try:
                run.summary[f"optuna/user/{key}"] = value
            except (TypeError, ValueError):  # not JSON: kept as its text
                run.summary[f"optuna/user/{key}"] = repr(value)
        run.finish(exit_code=1 if state == "fail" else 0, quiet=True)
