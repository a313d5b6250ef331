"""``cairn.integrations.transformers.CairnCallback`` with a real ``Trainer`` on CPU: a tiny BERT
built from a config (nothing downloaded) on token ids made in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the transformers extra needs torch")
transformers = pytest.importorskip("transformers", reason="pip install 'cairn[transformers]'")
pytest.importorskip(
    "accelerate", reason="Trainer needs accelerate: pip install 'cairn[transformers]'"
)

import cairn  # noqa: E402
from cairn.integrations.transformers import CairnCallback, metric_names  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_open_run")


class Tokens(torch.utils.data.Dataset):  # type: ignore[misc]
    """Sequences of 8 random token ids, labelled by whether the first id is above 25."""

    def __init__(self, size: int, seed: int) -> None:
        generator = torch.Generator().manual_seed(seed)
        self.ids = torch.randint(1, 50, (size, 8), generator=generator)
        self.labels = (self.ids[:, 0] > 25).long()

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {"input_ids": self.ids[index], "labels": self.labels[index]}


def tiny_bert() -> transformers.BertForSequenceClassification:
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=50,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=16,
    )
    return transformers.BertForSequenceClassification(config)


def arguments(tmp_path: Path, **overrides: object) -> transformers.TrainingArguments:
    settings: dict[str, object] = {
        "output_dir": str(tmp_path / "out"),
        "max_steps": 4,
        "per_device_train_batch_size": 8,
        "logging_steps": 1,
        "eval_strategy": "steps",
        "eval_steps": 2,
        "save_steps": 2,
        "use_cpu": True,
        "disable_tqdm": True,
        "report_to": "none",
        **overrides,
    }
    return transformers.TrainingArguments(**settings)


def test_a_trainer_logs_config_metrics_totals_and_models(store_dir: Path, tmp_path: Path) -> None:
    model = tiny_bert()
    callback = CairnCallback(project="hf", name="tiny", log_model="all", tags=["bert"])
    trainer = transformers.Trainer(
        model=model,
        args=arguments(tmp_path, load_best_model_at_end=True, metric_for_best_model="loss"),
        train_dataset=Tokens(32, 0),
        eval_dataset=Tokens(16, 1),
        callbacks=[callback],
    )
    trainer.train()
    assert callback.run is not None and cairn.run is None  # it started the run, and finished it

    run = cairn.Api().run(callback.run.path)
    assert (run.name, run.state, run.tags) == ("tiny", "finished", ["bert"])
    assert run.config["args"]["max_steps"] == 4
    assert run.config["args"]["eval_strategy"] == "steps"
    assert run.config["model"]["hidden_size"] == 16
    assert run.config["model"]["model_type"] == "bert"
    assert run.summary["model/parameters"] == model.num_parameters()

    logged = trainer.state.log_history
    train_logs = [entry for entry in logged if "loss" in entry]
    history = run.history(keys=["train/loss", "train/learning_rate", "eval/loss", "epoch"])
    train = history.dropna(subset=["train/loss"])
    assert train["_step"].tolist() == [entry["step"] for entry in train_logs] == [1, 2, 3, 4]
    assert train["train/loss"].tolist() == pytest.approx([e["loss"] for e in train_logs])
    assert train["train/learning_rate"].tolist() == pytest.approx(
        [e["learning_rate"] for e in train_logs]
    )
    evals = history.dropna(subset=["eval/loss"])
    assert evals["_step"].tolist() == [2, 4]
    assert evals["eval/loss"].tolist() == pytest.approx(
        [e["eval_loss"] for e in logged if "eval_loss" in e]
    )
    assert evals["epoch"].tolist() == [0.5, 1.0]
    [totals] = [entry for entry in logged if "train_loss" in entry]
    assert run.summary["train/mean_loss"] == pytest.approx(totals["train_loss"])
    assert run.summary["train/runtime"] == pytest.approx(totals["train_runtime"])
    assert "train/train_loss" not in run.summary and "train/train_runtime" not in run.summary
    assert "eval/samples_per_second" in run.summary

    versions = cairn.Api().artifact(f"hf/model-{run.id}:latest").versions()
    assert sorted(a for v in versions for a in v.aliases if a.startswith("checkpoint")) == [
        "checkpoint-2",
        "checkpoint-4",
    ]
    final = cairn.Api().artifact(f"hf/model-{run.id}:final")
    assert final.metadata["step"] == 4 and final.metadata["checkpoint"] is None
    restored = transformers.BertForSequenceClassification.from_pretrained(
        final.download(tmp_path / "final")
    )
    for name, value in model.state_dict().items():
        assert torch.equal(restored.state_dict()[name], value), name
    checkpoint = cairn.Api().artifact(f"hf/model-{run.id}:checkpoint-2")
    assert "trainer_state.json" in {f["path"] for f in checkpoint.files()}
    best = cairn.Api().artifact(f"hf/model-{run.id}:best")  # the checkpoint's version, aliased
    best_name = Path(trainer.state.best_model_checkpoint).name
    assert best.metadata["checkpoint"] == best_name and best_name in best.aliases
    assert final.metadata["best_metric"] == pytest.approx(trainer.state.best_metric)

    # evaluate() after train() logs into the same run, resumed
    metrics = trainer.evaluate()
    assert cairn.run is not None and cairn.run.id == run.id
    cairn.run.finish(quiet=True)
    again = cairn.Api().run(run.path).history(keys=["eval/loss"]).dropna()
    assert again["eval/loss"].tolist()[-1] == pytest.approx(metrics["eval_loss"])
    assert len(again) == 3


def test_report_to_cairn_logs_into_the_open_run_and_leaves_it_open(
    store_dir: Path, tmp_path: Path
) -> None:
    mine = cairn.init(project="hf", name="mine", config={"data": "tokens"})
    trainer = transformers.Trainer(
        model=tiny_bert(),
        args=arguments(tmp_path, report_to="cairn", max_steps=2, eval_strategy="no"),
        train_dataset=Tokens(16, 0),
    )
    callbacks = [c for c in trainer.callback_handler.callbacks if isinstance(c, CairnCallback)]
    assert len(callbacks) == 1
    trainer.train()
    assert cairn.run is mine  # a run it did not start stays open
    mine.log({"after": 1.0})
    mine.finish(quiet=True)
    run = cairn.Api().run(mine.path)
    assert run.config["data"] == "tokens" and run.config["args"]["max_steps"] == 2
    assert run.history(keys=["train/loss"]).dropna()["_step"].tolist() == [1, 2]
    assert cairn.Api().runs("hf")[0].id == mine.id and len(cairn.Api().runs("hf")) == 1


def test_log_names_are_unambiguous() -> None:
    logs = {"loss": 0.5, "eval_loss": 0.4, "test_acc": 0.9, "epoch": 1.0, "note": "text"}
    assert metric_names(logs) == {
        "train/loss": 0.5,
        "eval/loss": 0.4,
        "test/acc": 0.9,
        "epoch": 1.0,
    }
    with pytest.raises(ValueError, match="log_model"):
        CairnCallback(log_model="end")  # type: ignore[arg-type]
