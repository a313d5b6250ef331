"""``cairn.integrations.keras.CairnCallback`` with a real Keras 3 ``fit`` on the torch backend."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytestmark = [
    pytest.mark.usefixtures("no_open_run"),
    # Keras 3.15 on the torch backend calls np.array(tensor) without copy=: not ours to fix
    pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning"),
]

# Keras picks its backend when first imported; this machine has torch, not tensorflow.
os.environ.setdefault("KERAS_BACKEND", "torch")
pytest.importorskip("torch", reason="these tests run Keras on its torch backend")
keras = pytest.importorskip("keras", reason="pip install 'cairn[keras]'")
if keras.backend.backend() != "torch":  # a defect of the suite, not a reason to skip
    raise RuntimeError(
        f"Keras was imported with the {keras.backend.backend()} backend before this module: "
        "set KERAS_BACKEND=torch wherever the suite imports keras first"
    )

import cairn  # noqa: E402
from cairn.integrations.keras import CairnCallback  # noqa: E402


def data() -> tuple[np.ndarray, np.ndarray]:
    """64 points of 4 features, labelled by the sign of their sum."""
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    return x, (x.sum(axis=1) > 0).astype("float32")


def tiny_model() -> keras.Model:
    # Keras numbers the names of optimizers made earlier in the process (adam, adam_1...): a
    # Keras example run before this test (tests/test_docs.py, in the same xdist worker) must not
    # rename this one.
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu", name="hidden"),
            keras.layers.Dense(1, activation="sigmoid", name="out"),
        ],
        name="tiny",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def test_fit_logs_batches_epochs_config_and_the_model(store_dir: Path, tmp_path: Path) -> None:
    model = tiny_model()
    callback = CairnCallback(project="keras", name="dense", log_freq=2, log_model=True)
    x, y = data()
    # 48 training rows (validation_split takes the last 16) in batches of 8: 6 batches an epoch
    fitted = model.fit(
        x, y, epochs=2, batch_size=8, validation_split=0.25, verbose=0, callbacks=[callback]
    )
    assert callback.run is not None and cairn.run is None  # started by the callback, finished

    run = cairn.Api().run(callback.run.path)
    assert (run.name, run.state) == ("dense", "finished")
    assert run.config["optimizer"]["name"] == "adam"
    assert run.config["optimizer"]["learning_rate"] == pytest.approx(0.01)
    dense = [layer for layer in run.config["model"]["layers"] if layer["class_name"] == "Dense"]
    assert [(d["config"]["name"], d["config"]["units"]) for d in dense] == [
        ("hidden", 8),
        ("out", 1),
    ]
    assert run.config["fit"]["epochs"] == 2 and run.config["fit"]["steps"] == 6
    assert run.summary["model/parameters"] == model.count_params() == 4 * 8 + 8 + 8 + 1

    batches = run.history(keys=["batch/loss", "batch/accuracy"]).dropna()
    assert batches["_step"].tolist() == [2, 4, 6, 8, 10, 12]  # every 2nd of 12 batches

    epochs = run.history(keys=["loss", "val_loss", "accuracy", "val_accuracy", "epoch"]).dropna()
    assert epochs["_step"].tolist() == [6, 12]
    assert epochs["epoch"].tolist() == [1, 2]
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert epochs[key].tolist() == pytest.approx(fitted.history[key]), key
        assert run.summary[key] == pytest.approx(fitted.history[key][-1])
    # the last batch's running mean is the epoch's training loss
    assert batches["batch/loss"].iloc[-1] == pytest.approx(fitted.history["loss"][-1])

    [version] = cairn.Api().artifact(f"keras/model-{run.id}:latest").versions()
    assert version.type == "model" and version.metadata["step"] == 12
    restored = keras.saving.load_model(version.download(tmp_path / "model") / "model.keras")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_an_open_run_stays_open_and_later_fits_continue_its_steps(store_dir: Path) -> None:
    mine = cairn.init(project="keras", name="mine")
    model = tiny_model()
    callback = CairnCallback(log_freq="epoch")
    x, y = data()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[callback])
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[callback])
    assert callback.run is mine and cairn.run is mine
    mine.finish(quiet=True)
    run = cairn.Api().run(mine.path)
    assert run.history(keys=["loss"])["_step"].tolist() == [4, 8]
    assert not any(key.startswith("batch/") for key in run.history().columns)
    with pytest.raises(ValueError, match="log_freq"):
        CairnCallback(log_freq=0)
