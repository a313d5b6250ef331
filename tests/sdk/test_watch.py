"""``run.watch(model)``: gradient and parameter histograms every ``log_freq`` training steps, at
the script's own steps, with NaN/Inf counted; ``unwatch`` and ``finish`` take the hooks off."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import torch

import cairn
from cairn.errors import UsageError
from cairn.journal.file import read_journal
from cairn.journal.records import History, MediaLog

pytestmark = pytest.mark.usefixtures("no_open_run", "store_dir", "keep_journal")


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))


def _train(run: cairn.Run, model: torch.nn.Module, steps: int, log: bool = True) -> None:
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        loss = model(torch.ones(5, 3)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if log:
            run.log({"loss": loss})


def _records(run: cairn.Run) -> tuple[list[MediaLog], list[History]]:
    assert run.journal is not None
    records = read_journal(run.journal).records
    media = [r for r in records if isinstance(r, MediaLog)]
    return media, [r for r in records if isinstance(r, History)]


def test_gradients_every_log_freq_steps_at_the_scripts_steps() -> None:
    run = cairn.init(project="p")
    model = _model()
    run.watch(model, log_freq=3)
    _train(run, model, 7)
    run.finish(quiet=True)
    media, rows = _records(run)
    names = ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert {m.key for m in media} == {f"gradients/{n}" for n in names}
    assert sorted({m.step for m in media}) == [0, 3, 6]
    assert all(m.kind == "histogram" for m in media)
    # The norms join the script's own rows: no extra rows, no step skipped.
    assert [r.step for r in rows] == list(range(7))
    norms = [r for r in rows if "gradients/2.weight/norm" in r.values]
    assert [r.step for r in norms] == [0, 3, 6]
    assert all("loss" in r.values for r in norms)


def test_the_histogram_and_norm_match_the_gradient() -> None:
    run = cairn.init(project="p")
    model = _model()
    run.watch(model, log_freq=1)
    loss = model(torch.ones(5, 3)).pow(2).mean()
    loss.backward()
    run.log({"loss": loss})
    run.finish(quiet=True)
    grad = model[0].weight.grad.numpy().ravel()  # type: ignore[index,union-attr]
    media, rows = _records(run)
    [hist] = [m for m in media if m.key == "gradients/0.weight"]
    counts, edges = hist.data["counts"], hist.data["edges"]
    assert isinstance(counts, list) and isinstance(edges, list)
    assert len(counts) == 64 and len(edges) == 65
    assert sum(counts) == grad.size  # type: ignore[arg-type]
    assert edges[0] == pytest.approx(grad.min()) and edges[-1] == pytest.approx(grad.max())
    expected, _ = np.histogram(grad, bins=np.asarray(edges, dtype=np.float64))
    assert np.abs(np.asarray(counts) - expected).sum() <= 2  # float32 vs float64 bin edges
    assert rows[0].values["gradients/0.weight/norm"] == pytest.approx(np.linalg.norm(grad), 1e-5)


def test_parameters_and_all() -> None:
    run = cairn.init(project="p")
    model = _model()
    run.watch(model, log="parameters", log_freq=2)
    _train(run, model, 3)
    run.finish(quiet=True)
    media, rows = _records(run)
    assert {m.key for m in media} == {
        f"parameters/{n}" for n in ("0.weight", "0.bias", "2.weight", "2.bias")
    }
    assert sorted({m.step for m in media}) == [0, 2]
    assert not any(k.startswith("gradients/") for r in rows for k in r.values)

    run = cairn.init(project="p")
    run.watch(model, log="all", log_freq=1)
    _train(run, model, 1)
    run.finish(quiet=True)
    media, _ = _records(run)
    assert len({m.key for m in media}) == 8


def test_nan_and_inf_are_counted_apart() -> None:
    run = cairn.init(project="p")
    weights = torch.nn.Linear(4, 1, bias=False)
    run.watch(weights, log="parameters", log_freq=1)
    with torch.no_grad():
        weights.weight.copy_(torch.tensor([[float("nan"), float("inf"), -float("inf"), 2.0]]))
    weights(torch.ones(1, 4))
    run.log({"x": 1.0})
    run.finish(quiet=True)
    [hist] = _records(run)[0]
    assert (hist.data["nan"], hist.data["inf"], hist.data["ninf"]) == (1, 1, 1)
    assert sum(hist.data["counts"]) == 1  # type: ignore[arg-type]


def test_a_nan_gradient_gives_a_nan_norm() -> None:
    run = cairn.init(project="p")
    model = torch.nn.Linear(2, 1)
    run.watch(model, log_freq=1)
    model(torch.tensor([[float("nan"), 1.0]])).sum().backward()
    run.log({"x": 1.0})
    run.finish(quiet=True)
    media, rows = _records(run)
    assert math.isnan(rows[0].values["gradients/weight/norm"])
    [hist] = [m for m in media if m.key == "gradients/weight"]
    assert hist.data["nan"] == 1


def test_evaluation_passes_do_not_count() -> None:
    run = cairn.init(project="p")
    model = _model()
    run.watch(model, log="parameters", log_freq=2)
    with torch.no_grad():
        for _ in range(5):
            model(torch.ones(1, 3))
    _train(run, model, 1)
    run.finish(quiet=True)
    assert run._watchers == []
    assert sorted({m.step for m in _records(run)[0]}) == [0]


def test_unwatch_removes_the_hooks() -> None:
    run = cairn.init(project="p")
    model = _model()
    run.watch(model, log="all", log_freq=1)
    assert model._forward_pre_hooks
    run.unwatch(model)
    assert not model._forward_pre_hooks
    assert all(not p._backward_hooks for p in model.parameters())
    _train(run, model, 2)
    run.finish(quiet=True)
    assert _records(run)[0] == []


def test_watching_again_replaces_the_hooks() -> None:
    run = cairn.init(project="p")
    model = _model()
    run.watch(model, log_freq=5)
    run.watch(model, log_freq=1)
    assert len(run._watchers) == 1 and run._watchers[0].log_freq == 1
    assert len(model._forward_pre_hooks) == 1
    run.finish(quiet=True)
    assert not model._forward_pre_hooks


def test_hooks_after_finish_log_nothing() -> None:
    run = cairn.init(project="p")
    model = _model()
    run.watch(model, log_freq=1)
    run.finish(quiet=True)
    before = read_journal(run.journal).records if run.journal else []
    assert not model._forward_pre_hooks  # the forward hook is off
    assert all(not p._backward_hooks for p in model.parameters())  # and every tensor hook
    _train(run, model, 2, log=False)  # training goes on without error...
    after = read_journal(run.journal).records if run.journal else []
    assert len(after) == len(before) > 0  # ...and writes nothing more


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"model": "resnet"}, TypeError, "takes a torch.nn.Module, not str"),
        ({"log": "weights"}, ValueError, "log='weights': use one of 'gradients'"),
        ({"log_freq": 0}, ValueError, "log_freq=0: give a whole number"),
        ({"log_freq": 2.5}, ValueError, "log_freq=2.5"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, Any], error: type, message: str) -> None:
    run = cairn.init(project="p")
    args: dict[str, Any] = {"model": _model(), **kwargs}
    with pytest.raises(error, match=message):
        run.watch(**args)
    run.finish(quiet=True)


def test_a_frozen_model_has_no_gradients_to_watch() -> None:
    run = cairn.init(project="p")
    model = _model().requires_grad_(False)
    with pytest.raises(ValueError, match="log='parameters'"):
        run.watch(model)
    run.watch(model, log="parameters")
    run.finish(quiet=True)


def test_without_torch_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    run = cairn.init(project="p")
    with pytest.raises(UsageError, match=r"pip install 'cairn\[torch\]'"):
        run.watch(object())
    run.finish(quiet=True)


def test_importing_cairn_does_not_import_torch() -> None:
    code = "import sys, cairn; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_module_level_watch_uses_the_current_run() -> None:
    run = cairn.init(project="p")
    model = _model()
    cairn.watch(model, log_freq=1)
    assert [w.model for w in run._watchers] == [model]
    cairn.unwatch()
    assert run._watchers == [] and not model._forward_pre_hooks
    run.finish(quiet=True)


def test_a_disabled_run_checks_the_arguments_and_hooks_nothing() -> None:
    run = cairn.init(project="p", mode="disabled")
    model = _model()
    with pytest.raises(ValueError, match="log_freq"):
        run.watch(model, log_freq=0)
    run.watch(model)
    assert run._watchers == [] and not model._forward_pre_hooks
    run.finish()


def test_sparse_gradients_are_binned() -> None:
    run = cairn.init(project="p")
    embedding = torch.nn.Embedding(10, 3, sparse=True)
    run.watch(embedding, log_freq=1)
    embedding(torch.tensor([1, 2, 2])).sum().backward()
    run.log({"x": 1.0})
    run.finish(quiet=True)
    media, rows = _records(run)
    [hist] = media
    assert hist.key == "gradients/weight" and sum(hist.data["counts"]) == 6  # type: ignore[arg-type]
    assert rows[0].values["gradients/weight/norm"] == pytest.approx(math.sqrt(1 + 1 + 1 + 4 * 3))


def test_a_tensor_that_cannot_be_binned_is_skipped_with_one_warning() -> None:
    run = cairn.init(project="p")
    model = _model()
    run.watch(model, log="all", log_freq=1)
    watcher = run._watchers[0]

    def broken(tensor: Any) -> Any:
        raise RuntimeError("histc: unsupported dtype")

    watcher._histogram = broken  # type: ignore[method-assign]
    with pytest.warns(UserWarning, match=r"skips (parameters|gradients)/") as caught:
        _train(run, model, 2)  # training goes on
    skipped = sorted(str(w.message).split()[3].rstrip(":") for w in caught)
    assert len(skipped) == 8 == len(set(skipped))  # one warning per key, not one per step
    assert "parameters/0.weight" in skipped and "gradients/2.bias" in skipped
    run.finish(quiet=True)
    media, rows = _records(run)
    assert media == [] and [r.step for r in rows] == [0, 1]
