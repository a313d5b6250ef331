"""``cairn.integrations.lightgbm`` with real LightGBM training on CPU, through ``lgb.train``,
``lgb.cv`` and the scikit-learn API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

lgb = pytest.importorskip("lightgbm", reason="pip install 'cairn[lightgbm]'")

import cairn  # noqa: E402
from cairn.errors import UsageError  # noqa: E402
from cairn.integrations.lightgbm import IMPORTANCE_TYPES, cairn_callback, log_booster  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_open_run")

X, Y = load_diabetes(return_X_y=True)
TRAIN, VALID = slice(0, 320), slice(320, None)
PARAMS = {
    "objective": "regression",
    "metric": ["l2", "l1"],
    "learning_rate": 0.3,
    "num_leaves": 7,
    "min_data_in_leaf": 5,
    "seed": 3,
    "verbose": -1,
}


def test_lgb_train_logs_iterations_params_and_the_best_iteration_of_early_stopping(
    store_dir: Path, tmp_path: Path
) -> None:
    names = [f"x{i}" for i in range(10)]
    train = lgb.Dataset(X[TRAIN], Y[TRAIN], feature_name=names)
    valid = lgb.Dataset(X[VALID], Y[VALID], reference=train)
    recorded: dict[str, dict[str, list[float]]] = {}
    callback = cairn_callback(project="lgb", name="diabetes")
    booster = lgb.train(
        PARAMS,
        train,
        num_boost_round=300,
        valid_sets=[train, valid],
        valid_names=["train", "valid"],
        callbacks=[
            callback,
            lgb.record_evaluation(recorded),
            lgb.early_stopping(5, first_metric_only=True, verbose=False),
        ],
    )
    iterations = len(recorded["valid"]["l2"])
    assert 0 < booster.best_iteration < iterations < 300  # early stopping ended it
    run = callback.run
    # the callback alone found LightGBM's best iteration, though no callback hears of the stop
    assert run.summary["best_iteration"] == booster.best_iteration
    assert run.summary["best_score"] == pytest.approx(booster.best_score["valid"]["l2"])
    log_booster(booster)
    run.finish(quiet=True)

    found = cairn.Api().run(run.path)
    assert (found.name, found.state) == ("diabetes", "finished")
    params = found.config["lightgbm"]
    assert (params["learning_rate"], params["num_leaves"], params["metric"]) == (
        0.3,
        7,
        ["l2", "l1"],
    )
    keys = ["train/l2", "train/l1", "valid/l2", "valid/l1"]
    history = found.history(keys=keys).dropna(subset=keys)
    assert history["_step"].tolist() == list(range(1, iterations + 1))
    for key in keys:
        data, metric = key.split("/")
        assert history[key].tolist() == pytest.approx(recorded[data][metric])
    assert found.summary["best_iteration"] == booster.best_iteration

    importance = found.table("feature_importance")
    assert list(importance.columns) == ["feature", *IMPORTANCE_TYPES]
    gain = dict(zip(names, booster.feature_importance("gain"), strict=True))
    assert importance["feature"].iloc[0] == max(gain, key=lambda f: gain[f])
    for row in importance.itertuples():
        assert row.gain == pytest.approx(gain[row.feature])

    model = cairn.Api().artifact(f"lgb/model-{run.id}:latest")
    assert (model.type, model.metadata["best_iteration"]) == ("model", booster.best_iteration)
    restored = lgb.Booster(model_file=str(model.download(tmp_path / "model") / "model.txt"))
    assert restored.current_iteration() == booster.best_iteration  # saved up to the best
    np.testing.assert_allclose(
        restored.predict(X[VALID]), booster.predict(X[VALID], num_iteration=booster.best_iteration)
    )


def test_the_sklearn_api_starts_a_run_with_the_given_config(store_dir: Path) -> None:
    regressor = lgb.LGBMRegressor(n_estimators=15, learning_rate=0.2, num_leaves=5, verbose=-1)
    callback = cairn_callback(project="lgb-sklearn", config={"data": "diabetes"})
    regressor.fit(
        X[TRAIN],
        Y[TRAIN],
        eval_X=(X[VALID],),
        eval_y=(Y[VALID],),
        eval_metric="l1",
        callbacks=[callback],
    )
    log_booster(regressor.booster_, model=False)
    callback.run.finish(quiet=True)

    run = cairn.Api().run(callback.run.path)
    assert run.config["data"] == "diabetes"
    assert (run.config["lightgbm"]["num_leaves"], run.config["lightgbm"]["learning_rate"]) == (
        5,
        0.2,
    )
    results = regressor.evals_result_["valid_0"]
    assert list(results) == ["l1", "l2"]  # the eval_metric first, then the objective's
    history = run.history(keys=["valid_0/l2", "valid_0/l1"]).dropna()
    assert history["_step"].tolist() == list(range(1, 16))
    assert history["valid_0/l2"].tolist() == pytest.approx(results["l2"])
    # no early stopping: the best iteration of the first metric
    assert run.summary["best_iteration"] == int(np.argmin(results["l1"])) + 1
    assert run.summary["best_score"] == pytest.approx(min(results["l1"]))
    assert len(run.table("feature_importance")) == 10
    assert run.logged_artifacts() == []  # model=False


def test_lgb_cv_logs_the_mean_and_spread_over_folds(store_dir: Path) -> None:
    callback = cairn_callback(project="lgb-cv")
    results = lgb.cv(
        {**PARAMS, "metric": "l2"},
        lgb.Dataset(X, Y),
        num_boost_round=6,
        nfold=3,
        stratified=False,
        callbacks=[callback],
    )
    callback.run.finish(quiet=True)
    history = cairn.Api().run(callback.run.path).history(keys=["valid/l2", "valid/l2-stdv"])
    assert history["valid/l2"].tolist() == pytest.approx(results["valid l2-mean"])
    assert history["valid/l2-stdv"].tolist() == pytest.approx(results["valid l2-stdv"])


def test_log_booster_needs_a_run(store_dir: Path) -> None:
    booster = lgb.train({**PARAMS, "metric": "l2"}, lgb.Dataset(X, Y), num_boost_round=2)
    with pytest.raises(UsageError, match="pass run="):
        log_booster(booster)
