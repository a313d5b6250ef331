"""``wandb.init`` and the module state in this process: every W&B argument accepted, warnings said
once, ``reinit``, ``mode``, ``resume`` translated, state before and after a run, and a light import."""

from __future__ import annotations

import argparse
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import cairn
import cairn.compat.wandb as wandb
from cairn.compat.wandb.notices import WandbCompatWarning


def test_module_state_before_during_and_after_a_run(store_dir: Path) -> None:
    assert wandb.run is None
    with pytest.raises(cairn.UsageError, match=r"wandb.init\(\) first"):
        wandb.log({"a": 1})
    wandb.finish()  # nothing open: nothing happens, as in W&B
    assert wandb.login() is True and wandb.login(key="x" * 40, relogin=True) is True
    wandb.require("core")
    wandb.setup()
    wandb.termlog("starting")
    run_id = wandb.util.generate_id()
    run = wandb.init(project="state", id=run_id, config=argparse.Namespace(lr=0.1, seed=3))
    assert run.id == run_id
    assert wandb.run is run and wandb.config is run.config and wandb.summary is run.summary
    assert wandb.config.lr == 0.1
    wandb.config.setdefaults({"lr": 5, "extra": 1})
    assert dict(wandb.config) == {"lr": 0.1, "seed": 3, "extra": 1}
    wandb.log({"a": 1}, commit=False)
    wandb.log({"b": 2})
    wandb.log({"a": 3}, step=5)
    wandb.alert(title="diverged", text="loss is NaN", level=wandb.AlertLevel.WARN)
    wandb.finish(quiet=True)
    assert wandb.run is None
    stored = cairn.Api().run(f"state/{run.id}")
    rows = list(stored.scan_history())
    assert [(r["_step"], r.get("a"), r.get("b")) for r in rows] == [(0, 1.0, 2.0), (5, 3.0, None)]
    assert stored.config == {"lr": 0.1, "seed": 3, "extra": 1}


def test_every_wandb_argument_is_accepted_and_each_unhonoured_one_warned_once(
    store_dir: Path,
) -> None:
    kwargs = dict(
        entity="lab", project="args", dir=str(store_dir), id="args-1", name="n", notes="x",
        tags=("t",), config={"a": 1, "b": 2, "c": 3}, config_exclude_keys=["c"],
        config_include_keys=["a", "c"], allow_val_change=True, group="g", job_type="j",
        mode="online", force=True, anonymous="must", reinit=True, resume="never",
        resume_from=None, fork_from=None, save_code=False, tensorboard=True,
        sync_tensorboard=True, monitor_gym=True, settings={"init_timeout": 90},
        a_future_argument=1,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        run = wandb.init(**kwargs)
        run.finish(quiet=True)
        wandb.init(**{**kwargs, "id": "args-2"}).finish(quiet=True)
    messages = [str(w.message) for w in said if w.category is WandbCompatWarning]
    for name in ("force", "anonymous", "tensorboard", "sync_tensorboard", "monitor_gym"):
        assert sum(f"init({name}=" in m for m in messages) == 1, name
    assert sum("a_future_argument" in m for m in messages) == 1
    assert sum("init_timeout" in m for m in messages) == 1
    stored = cairn.Api().run("args/args-1")
    assert stored.config == {"a": 1}
    assert stored.capture["wandb"]["entity"] == "lab"


def test_init_while_a_run_is_open_returns_it_unless_reinit(store_dir: Path) -> None:
    first = wandb.init(project="re")
    assert wandb.init(project="re") is first
    second = wandb.init(project="re", reinit=True)
    assert second is not first and first.cairn._closed
    second.finish(quiet=True)


@pytest.mark.parametrize(
    ("mode", "kind"), [("dryrun", "offline"), ("offline", "offline"), ("disabled", "disabled")]
)
def test_modes(store_dir: Path, mode: str, kind: str) -> None:
    run = wandb.init(project="modes", mode=mode)
    assert run.cairn.mode == kind
    run.log({"text": "kept", "n": None, "x": 1.0})
    run.finish(quiet=True)


def test_resume_arguments(store_dir: Path) -> None:
    with pytest.raises(ValueError, match="resume='sometimes'"):
        wandb.init(project="r", resume="sometimes")
    with pytest.raises(cairn.UsageError, match="resume='must' needs the id"):
        wandb.init(project="r", resume="must")
    run = wandb.init(project="r", id="keep-1", resume="allow")  # allow without a run: a new one
    assert run.resumed is False
    run.log({"x": 1})
    run.finish(quiet=True)
    again = wandb.init(project="r", id="keep-1", resume="must")
    assert again.resumed is True and again.step == 1
    again.finish(quiet=True)


def test_the_environment_supplies_what_init_is_not_given(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WANDB_PROJECT", "from-env")
    monkeypatch.setenv("WANDB_ENTITY", "team")
    monkeypatch.setenv("WANDB_TAGS", "a,b")
    monkeypatch.setenv("WANDB_RUN_ID", "env-run")
    monkeypatch.setenv("WANDB_MODE", "offline")
    run = wandb.init(name="given")
    assert (run.project, run.entity, run.id, run.name, run.mode) == (
        "from-env", "team", "env-run", "given", "offline"
    )  # fmt: skip
    run.finish(quiet=True)
    explicit = wandb.init(project="explicit", mode="online")
    assert explicit.project == "explicit" and explicit.mode == "online"
    explicit.finish(quiet=True)


def test_importing_the_module_is_light() -> None:
    probe = (
        "import sys, cairn.compat.wandb as wandb\n"
        "print(sorted(m for m in sys.modules if m in "
        "('sqlalchemy', 'pandas', 'pyarrow', 'numpy', 'torch', 'cairn.sdk.run')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


def test_name_notes_and_tags_set_after_init_are_kept(store_dir: Path) -> None:
    run = wandb.init(project="edit", name="first", tags=["a"])
    run.log({"x": 1})
    run.name = "renamed"
    run.tags = (*run.tags, "b")
    run.notes = "set later"
    assert run.save() is True
    run.finish(quiet=True)
    stored = cairn.Api().run(f"edit/{run.id}")
    assert (stored.name, sorted(stored.tags), stored.notes) == ("renamed", ["a", "b"], "set later")
