"""``cairn.integrations.xgboost.CairnCallback`` with real XGBoost training on CPU, through
``xgb.train`` and through the scikit-learn API."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

xgb = pytest.importorskip("xgboost", reason="pip install 'cairn[xgboost]'")

import cairn  # noqa: E402
from cairn.integrations.xgboost import IMPORTANCE_TYPES, CairnCallback  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_open_run")

X, Y = load_diabetes(return_X_y=True)
TRAIN, VALID = slice(0, 320), slice(320, None)


def test_xgb_train_logs_rounds_params_best_round_importance_and_model(
    store_dir: Path, tmp_path: Path
) -> None:
    dtrain = xgb.DMatrix(X[TRAIN], Y[TRAIN], feature_names=[f"x{i}" for i in range(10)])
    dvalid = xgb.DMatrix(X[VALID], Y[VALID], feature_names=[f"x{i}" for i in range(10)])
    callback = CairnCallback(project="xgb", name="diabetes", log_model=True, log_importance=True)
    evals_result: dict[str, dict[str, list[float]]] = {}
    booster = xgb.train(
        {"eta": 0.3, "max_depth": 3, "eval_metric": ["rmse", "mae"], "seed": 7},
        dtrain,
        num_boost_round=200,
        evals=[(dtrain, "train"), (dvalid, "eval")],
        early_stopping_rounds=5,
        evals_result=evals_result,
        verbose_eval=False,
        callbacks=[callback],
    )
    rounds = len(evals_result["eval"]["rmse"])
    assert rounds < 200  # early stopping ended it
    callback.run.finish(quiet=True)

    run = cairn.Api().run(callback.run.path)
    assert (run.name, run.state) == ("diabetes", "finished")
    params = run.config["xgboost"]
    assert (params["eta"], params["max_depth"], params["seed"]) == (0.3, 3, 7)
    assert params["objective"] == "reg:squarederror"
    assert params["eval_metric"] == ["rmse", "mae"]
    keys = ["train/rmse", "train/mae", "eval/rmse", "eval/mae"]
    history = run.history(keys=keys).dropna(subset=keys)
    assert history["_step"].tolist() == list(range(rounds))
    for key in keys:
        data, metric = key.split("/")
        assert history[key].tolist() == pytest.approx(evals_result[data][metric])
    assert run.summary["best_iteration"] == booster.best_iteration
    assert run.summary["best_score"] == pytest.approx(booster.best_score)
    assert run.summary["best_score"] == pytest.approx(min(evals_result["eval"]["mae"]))

    importance = run.table("feature_importance")
    assert list(importance.columns) == ["feature", *IMPORTANCE_TYPES]
    assert sorted(importance["feature"]) == sorted(f"x{i}" for i in range(10))
    gain = booster.get_score(importance_type="gain")
    assert importance["feature"].iloc[0] == max(gain, key=lambda f: gain[f])
    for row in importance.itertuples():
        assert row.gain == pytest.approx(gain.get(row.feature, 0.0))

    model = cairn.Api().artifact(f"xgb/model-{run.id}:latest")
    assert model.type == "model"
    assert model.metadata == {
        "best_iteration": booster.best_iteration,
        "best_score": pytest.approx(booster.best_score),
        "format": "ubj",
    }
    restored = xgb.Booster(model_file=str(model.download(tmp_path / "model") / "model.ubj"))
    np.testing.assert_allclose(restored.predict(dvalid), booster.predict(dvalid))


def test_the_sklearn_api_logs_into_the_open_run(store_dir: Path, tmp_path: Path) -> None:
    run = cairn.init(project="xgb-sklearn", config={"data": "diabetes"})
    regressor = xgb.XGBRegressor(
        n_estimators=12,
        max_depth=2,
        learning_rate=0.2,
        callbacks=[CairnCallback(log_model=True, model_format="json")],
    )
    regressor.fit(X[TRAIN], Y[TRAIN], eval_set=[(X[TRAIN], Y[TRAIN]), (X[VALID], Y[VALID])])
    run.log({"test/r2": regressor.score(X[VALID], Y[VALID])})
    run.finish(quiet=True)

    found = cairn.Api().run(run.path)
    assert found.config["data"] == "diabetes"
    assert (found.config["xgboost"]["max_depth"], found.config["xgboost"]["eta"]) == (2, 0.2)
    results = regressor.evals_result()
    history = found.history(keys=["validation_0/rmse", "validation_1/rmse"]).dropna()
    assert history["_step"].tolist() == list(range(12))
    assert history["validation_1/rmse"].tolist() == pytest.approx(results["validation_1"]["rmse"])
    assert "best_iteration" not in found.summary  # no early stopping: no best round
    assert found.summary["test/r2"] > 0
    model = cairn.Api().artifact(f"xgb-sklearn/model-{run.id}:latest")
    assert model.metadata == {"format": "json"}  # no early stopping: no best round
    path = model.download(tmp_path / "model") / "model.json"
    assert json.loads(path.read_text())["version"][0] >= 2  # XGBoost's JSON model format
    restored = xgb.XGBRegressor()
    restored.load_model(path)
    np.testing.assert_allclose(restored.predict(X[VALID]), regressor.predict(X[VALID]))


def test_an_unknown_model_format_is_refused() -> None:
    with pytest.raises(ValueError, match='use "ubj" or "json"'):
        CairnCallback(model_format="pickle")  # type: ignore[arg-type]
