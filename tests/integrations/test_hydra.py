"""``cairn.integrations.hydra.init_from_hydra`` in a real ``@hydra.main`` app, run as a script
the way people run it: one job, a multirun, and a job that changes into its output folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("hydra", reason="pip install 'cairn[hydra]'")

import cairn
from cairn.errors import UsageError
from cairn.integrations.hydra import init_from_hydra

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"

APP = """
import hydra
from omegaconf import DictConfig

from cairn.integrations.hydra import init_from_hydra


@hydra.main(config_path="conf", config_name="config", version_base=None)
def train(cfg: DictConfig) -> None:
    run = init_from_hydra(cfg, project="hydra-app", tags=["demo"])
    for epoch in range(cfg.epochs):
        run.log({"loss": cfg.lr / (epoch + 1)})
    run.finish()


if __name__ == "__main__":
    train()
"""

CONFIG = """
defaults:
  - model: small
  - _self_
lr: 0.01
epochs: 3
label: lr-${lr}-w${model.width}
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A Hydra app (``app.py`` and its ``conf/`` folder) in a folder of its own."""
    folder = tmp_path / "project"
    (folder / "conf" / "model").mkdir(parents=True)
    (folder / "app.py").write_text(APP)
    (folder / "conf" / "config.yaml").write_text(CONFIG)
    (folder / "conf" / "model" / "small.yaml").write_text("width: 8\n")
    (folder / "conf" / "model" / "big.yaml").write_text("width: 64\n")
    return folder


def run_app(app: Path, *args: str, store: Path | None) -> None:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("CAIRN_DIR", None)
    if store is not None:
        env["CAIRN_DIR"] = str(store)
    done = subprocess.run(
        [sys.executable, "app.py", *args], cwd=app, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_a_job_is_a_run_with_the_composed_config_and_its_overrides(
    app: Path, tmp_path: Path
) -> None:
    store = tmp_path / ".cairn"
    run_app(app, "lr=0.1", "model=big", store=store)
    [run] = cairn.Api(dir=store).runs("hydra-app")
    assert run.config == {"model": {"width": 64}, "lr": 0.1, "epochs": 3, "label": "lr-0.1-w64"}
    assert run.name == "app-lr=0.1,model=big"
    assert run.tags == ["demo", "lr=0.1", "model=big"]
    assert run.notes == "hydra overrides: lr=0.1 model=big"
    assert run.group is None
    assert run.state == "finished"
    assert run.history(keys=["loss"])["loss"].tolist() == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_the_jobs_of_a_multirun_are_runs_of_one_group(app: Path, tmp_path: Path) -> None:
    store = tmp_path / ".cairn"
    run_app(app, "lr=0.5", store=store)  # a single job first: not in the sweep's group
    run_app(app, "-m", "lr=0.1,0.2", "model=small,big", store=store)
    runs = cairn.Api(dir=store).runs("hydra-app")
    sweep = [r for r in runs if r.group is not None]
    assert len(runs) == 5 and len(sweep) == 4
    [group] = {r.group for r in sweep}
    assert group.startswith("multirun/") and (app / group / "multirun.yaml").is_file()
    found = {(r.config["lr"], r.config["model"]["width"]): r for r in sweep}
    assert sorted(found) == [(0.1, 8), (0.1, 64), (0.2, 8), (0.2, 64)]
    for (lr, width), run in found.items():
        model = "small" if width == 8 else "big"
        assert run.tags == ["demo", f"lr={lr}", f"model={model}"]
        assert run.config["label"] == f"lr-{lr}-w{width}"
        assert run.name == f"app-lr={lr},model={model}"
        assert run.state == "finished"


def test_a_job_in_its_output_folder_keeps_the_store_where_the_app_started(
    app: Path, tmp_path: Path
) -> None:
    run_app(app, "hydra.job.chdir=True", "epochs=1", store=None)
    assert not list((app / "outputs").rglob(".cairn"))
    [run] = cairn.Api(dir=app / ".cairn").runs("hydra-app")
    assert run.config["epochs"] == 1
    assert run.tags == ["demo", "epochs=1"]  # Hydra's own overrides are not the job's


def test_the_docs_example_runs_as_written(tmp_path: Path) -> None:
    docs = (ROOT / "docs" / "integrations.md").read_text()
    section = docs.split("## Hydra\n", 1)[1].split("\n## ", 1)[0]
    [app_source] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    [config] = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    folder = tmp_path / "docs-app"
    (folder / "conf").mkdir(parents=True)
    (folder / "app.py").write_text(app_source)
    (folder / "conf" / "config.yaml").write_text(config)
    store = tmp_path / ".cairn"
    run_app(folder, "-m", "lr=0.1,0.2,0.3", store=store)
    runs = cairn.Api(dir=store).runs("hydra-demo")
    assert sorted(r.config["lr"] for r in runs) == [0.1, 0.2, 0.3]
    assert len({r.group for r in runs}) == 1 and runs[0].group is not None
    assert {len(r.history(keys=["loss"])) for r in runs} == {3}


def test_outside_a_hydra_job_it_says_what_to_use_instead() -> None:
    with pytest.raises(UsageError, match=r"cairn.init\(config=cfg\)"):
        init_from_hydra(None)  # type: ignore[arg-type]
