"""Real git repositories with small real training scripts, for capture and reproduce tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DETERMINISTIC = textwrap.dedent(
    """
    import argparse

    import numpy as np

    import cairn

    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    seed = cairn.seed_everything(3)
    run = cairn.init(project="repro", config=args)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(256, 4))
    y = x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * rng.normal(size=256)
    w = np.zeros(4)
    for step in range(args.steps):
        w -= args.lr * x.T @ (x @ w - y) / len(y)
        run.log({"train/loss": float(np.mean((x @ w - y) ** 2))})
    print(f"trained {args.steps} steps")
    run.summary["w0"] = float(w[0])
    run.summary["val/mse"] = float(np.mean((x[:64] @ w - y[:64]) ** 2))
    run.finish()
    """
)

UNSEEDED = DETERMINISTIC.replace(
    'run.summary["w0"] = float(w[0])',
    'run.summary["w0"] = float(w[0])\n'
    'run.summary["jitter"] = float(np.random.default_rng().normal())',
)
"""Like DETERMINISTIC, plus one metric drawn from an unseeded generator."""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def make_repo(path: Path, files: dict[str, str]) -> Path:
    """A git repository at ``path`` with ``files`` committed on branch ``main``."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", "--initial-branch=main")
    git(path, "config", "user.email", "test@example.com")
    git(path, "config", "user.name", "Test")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "first")
    return path


def full_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn on every capture the suite's conftest turns off (children inherit it)."""
    for name in ("CAIRN_CAPTURE_GIT", "CAIRN_SAVE_CODE", "CAIRN_CAPTURE_CONSOLE"):
        monkeypatch.setenv(name, "1")


def run_script(
    script: Path, *args: str, store_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python script args`` in the script's folder, logging into ``store_dir``."""
    done = subprocess.run(
        [sys.executable, script.name, *args],
        cwd=script.parent,
        env={**os.environ, "CAIRN_DIR": str(store_dir), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done


CHATTY = DETERMINISTIC.replace(
    'print(f"trained {args.steps} steps")',
    'print(f"trained {args.steps} steps")\n'
    'print("\\x1b[32mgreen epoch line\\x1b[0m done")\n'
    "import sys\n"
    'print("a warning on stderr", file=sys.stderr)',
)
"""Like DETERMINISTIC, plus a line in ANSI green and a line on stderr."""


KEPT_OUT = {
    "deploy.pem": "not really a key\n",
    "hub.yaml": "hub:\n  token: ghp_" + "k3Ep0uT" * 6 + "\n",
}
"""Tracked files of the captured run's repository that the snapshot leaves out as secrets: one
by its name, one by its contents."""


def log_captured_run(tmp: Path) -> tuple[Path, str]:
    """A run of CHATTY in a dirty repository (with KEPT_OUT files) with every capture on, a second run of it linked as
    its reproduction, and their stored comparison; returns the store folder and the original's
    run id (project ``repro``)."""
    import cairn
    from cairn.store.reproductions import save_reproduction

    with pytest.MonkeyPatch.context() as monkeypatch:
        full_capture(monkeypatch)
        files = {"train.py": CHATTY, "lib/util.py": "X = 1\n", **KEPT_OUT}
        repo = make_repo(tmp / "repo", files)
        (repo / "lib" / "util.py").write_text("X = 2  # changed\n")
        store_dir = tmp / "store"
        run_script(repo / "train.py", "--lr", "0.2", store_dir=store_dir)
        run_id = cairn.Api(store_dir).runs("repro")[0].id
        link = {"CAIRN_REPRODUCTION_OF": f"repro/{run_id}"}
        run_script(repo / "train.py", "--lr", "0.2", store_dir=store_dir, env=link)
    api = cairn.Api(store_dir)
    (copy,) = [r.id for r in api.runs("repro") if r.id != run_id]
    save_reproduction(
        api.store,
        run_id,
        verdict="reproduced",
        runs=[copy],
        metrics=[
            {
                "key": "w0",
                "original": 1.0,
                "values": [1.0],
                "mean": 1.0,
                "std": 0.0,
                "abs_diff": 0.0,
                "rel_diff": 0.0,
                "status": "exact",
            }
        ],
        details={},
        report="# report",
    )
    return store_dir, run_id
