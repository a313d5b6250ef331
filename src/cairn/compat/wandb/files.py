"""Run files: ``wandb.save``, ``run.dir``, ``wandb.restore``, ``run.log_code``.

A run's files are kept as one artifact, ``run-<id>-files`` of type ``run-files``, logged when the
run finishes with whatever ``run.dir`` then holds (``save`` copies matching files there). Reading
them back (``restore``, ``Api().run(...).files()``) reads that artifact.
"""

from __future__ import annotations

import glob
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cairn.sdk.location import run_dir

if TYPE_CHECKING:
    from cairn.compat.wandb.active_run import Run
    from cairn.compat.wandb.artifacts import LoggedArtifact
    from cairn.sdk.run import Run as CairnRun

FILES_TYPE = "run-files"
CODE_TYPE = "code"


def files_artifact_name(run_id: str) -> str:
    return f"run-{run_id}-files"


def run_files_dir(run: CairnRun) -> Path:
    """``<store>/runs/<id>/files`` (a temporary folder for a disabled run, which keeps nothing)."""
    if run.dir is None:
        import tempfile

        folder = Path(tempfile.gettempdir()) / "cairn-disabled" / run.id / "files"
    else:
        folder = run_dir(run.dir, run.id) / "files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def copy_matches(run: CairnRun, pattern: str, base_path: str | Path | None) -> list[str]:
    """Copy the files matching ``pattern`` into the run's files folder, named relative to
    ``base_path``; by default, as W&B names them, relative to the current folder (``ckpt/*.pt``
    keeps ``ckpt/``), or for an absolute pattern to its folder's parent; returns those names."""
    if base_path:
        base = Path(base_path)
    elif os.path.isabs(pattern):
        base = Path(pattern).parent.parent
    else:
        base = Path.cwd()
    target = run_files_dir(run)
    names = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        source = Path(match)
        if not source.is_file() or target in source.resolve().parents:
            continue
        try:
            name = source.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            name = source.name
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
        names.append(name)
    return names


def log_run_files(run: CairnRun) -> None:
    """Log what the run's files folder holds as ``run-<id>-files`` (nothing when empty)."""
    if run.dir is None:
        return
    folder = run_files_dir(run)
    if not any(p.is_file() for p in folder.rglob("*")):
        return
    from cairn.artifacts import Artifact

    artifact = Artifact(files_artifact_name(run.id), type=FILES_TYPE)
    artifact.add_dir(folder)
    run.log_artifact(artifact)


def restore(name: str, run_path: str, replace: bool, root: str) -> IO[str]:
    """Download the file ``name`` of run ``run_path`` (``[entity/]project/id``) into ``root``
    (unless it is there and not ``replace``) and open it for reading."""
    target = Path(root) / name
    if replace or not target.exists():
        from cairn.compat.wandb.api import Api

        Api().run(run_path).file(name).download(root, replace=True)
    return open(target)  # W&B returns the open file


def log_code(
    run: Run,
    root: str,
    name: str | None,
    include_fn: Callable[..., bool] | None,
    exclude_fn: Callable[..., bool] | None,
) -> LoggedArtifact | None:
    """The ``*.py`` files under ``root`` (or those ``include_fn(path)`` accepts) as a ``code``
    artifact logged by ``run``; None when no file matched."""
    from cairn.compat.wandb.artifacts import Artifact

    include = include_fn or (lambda path, *_: str(path).endswith(".py"))
    artifact = Artifact(name or f"source-{run.project}-{run.id}", type=CODE_TYPE)
    top = Path(root).resolve()
    found = False
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for file in sorted(names):
            path = Path(folder) / file
            if not _call(include, path, top) or (exclude_fn and _call(exclude_fn, path, top)):
                continue
            artifact.add_file(path, name=path.relative_to(top).as_posix())
            found = True
    if not found:
        return None
    return run.log_artifact(artifact)


def _call(fn: Callable[..., bool], path: Path, root: Path) -> bool:
    """W&B calls ``include_fn(path)`` or ``include_fn(path, root)``."""
    try:
        return bool(fn(str(path), str(root)))
    except TypeError:
        return bool(fn(str(path)))
