"""``cairn.integrations.lightning.CairnLogger`` with a real Lightning ``Trainer`` on CPU."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the lightning extra needs torch")
lightning = pytest.importorskip("lightning", reason="pip install 'cairn[lightning]'")

import cairn  # noqa: E402
from cairn.integrations.lightning import CairnLogger  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_open_run")


class Line(lightning.LightningModule):
    def __init__(self, width: int = 4, lr: float = 0.05) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(1, width), torch.nn.Tanh(), torch.nn.Linear(width, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # type: ignore[no-any-return]

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> torch.Tensor:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        self.log("train/loss", loss)
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> None:
        x, y = batch
        self.log("val/loss", torch.nn.functional.mse_loss(self(x), y))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=self.hparams["lr"])


def loader(seed: int) -> torch.utils.data.DataLoader:
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(64, 1, generator=generator)
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, 2 * x + 1), batch_size=8)


def test_a_fit_logs_hyperparameters_metrics_gradients_and_checkpoints(
    store_dir: Path, tmp_path: Path
) -> None:
    logger = CairnLogger(project="lit", name="line", log_model="all")
    model = Line(width=6)
    logger.watch(model, log="all", log_freq=4)
    checkpoints = lightning.pytorch.callbacks.ModelCheckpoint(
        monitor="val/loss", save_top_k=2, save_last=True
    )
    trainer = lightning.Trainer(
        max_epochs=3,
        logger=logger,
        callbacks=[checkpoints],
        log_every_n_steps=2,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        default_root_dir=tmp_path,
    )
    trainer.fit(model, loader(0), loader(1))
    logger.experiment.finish(quiet=True)

    run = cairn.Api().run(f"lit/{logger.version}")
    assert (run.name, run.state) == ("line", "finished")
    assert run.config == {"width": 6, "lr": 0.05}
    history = run.history(keys=["train/loss", "val/loss", "epoch"])
    train = history.dropna(subset=["train/loss"])
    assert len(train) == 3 * 8 // 2  # every 2nd of 24 steps
    assert train["_step"].is_monotonic_increasing
    val = history.dropna(subset=["val/loss"])
    assert len(val) == 3 and val["val/loss"].iloc[-1] == run.summary["val/loss"]
    assert any(k.key.startswith("gradients/") for k in run.media_keys())
    assert any(k.key.startswith("parameters/") for k in run.media_keys())

    versions = cairn.Api().artifact(f"lit/model-{run.id}:latest").versions()
    assert len(versions) >= 3  # a checkpoint per epoch, and last.ckpt
    best = cairn.Api().artifact(f"lit/model-{run.id}:best")
    assert best.metadata["checkpoint"] == Path(checkpoints.best_model_path).name
    assert best.metadata["monitor"] == "val/loss"
    assert best.metadata["score"] == pytest.approx(float(checkpoints.best_model_score))
    root = best.download(tmp_path / "best")
    restored = Line.load_from_checkpoint(root / best.metadata["checkpoint"])
    assert restored.hparams["width"] == 6


def test_log_model_true_logs_the_kept_checkpoints_when_training_ends(
    store_dir: Path, tmp_path: Path
) -> None:
    logger = CairnLogger(project="lit", log_model=True, tags=["kept"])
    checkpoints = lightning.pytorch.callbacks.ModelCheckpoint(monitor="val/loss", save_top_k=1)
    trainer = lightning.Trainer(
        max_epochs=2,
        logger=logger,
        callbacks=[checkpoints],
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        default_root_dir=tmp_path,
    )
    trainer.fit(Line(), loader(0), loader(1))
    run = logger.experiment
    run.finish(quiet=True)
    assert cairn.Api().run(run.path).tags == ["kept"]
    [version] = cairn.Api().artifact(f"lit/model-{run.id}:latest").versions()
    assert version.aliases == ["latest", "best"]
    with pytest.raises(ValueError, match="log_model"):
        CairnLogger(log_model="some")  # type: ignore[arg-type]
