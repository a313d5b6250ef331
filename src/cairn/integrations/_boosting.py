"""What the XGBoost and LightGBM integrations share: the run to log into, and feature
importance as a table (the model file goes through ``_models.log_model_file``)."""

from __future__ import annotations

from typing import Any

import cairn


def find_or_start_run(init_kwargs: dict[str, Any]) -> cairn.Run:
    """The open run when no ``cairn.init`` arguments are given, else a new run with them."""
    current = cairn.run
    if current is not None and not init_kwargs:
        return current  # type: ignore[no-any-return]
    return cairn.init(**init_kwargs)


def log_importance(run: cairn.Run, importance: dict[str, dict[str, float]], step: int) -> None:
    """A ``feature_importance`` table at ``step``: a row per feature (highest gain first), a
    column per importance type."""
    kinds = list(next(iter(importance.values()), {}))
    rows = sorted(importance.items(), key=lambda item: -item[1].get("gain", 0.0))
    table = cairn.Table(
        columns=["feature", *kinds],
        data=[[feature, *(scores[kind] for kind in kinds)] for feature, scores in rows],
    )
    run.log({"feature_importance": table}, step=step)
