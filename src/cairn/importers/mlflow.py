"""``cairn import mlflow MLRUNS``: an MLflow file store (its ``mlruns`` folder) into a store.

Each experiment becomes a project of the same name (or all go to ``--project``), each run a run:

- params become config keys (``lr``, ``model/depth``), numbers and booleans as such, other
  values as the text MLflow kept;
- every metric point becomes history at its step and time (NaN and ±Inf kept): the points of
  one step and timestamp share a row, so a key logged twice at a step keeps both values;
- ``mlflow.runName`` is the name, ``mlflow.note.content`` the notes, user tags become tags
  ``key=value``, the parent run of a nested run (``mlflow.parentRunId``) the group;
- the run's artifact files become a ``files`` artifact ``mlflow-<run id>``, verified by sha256;
- MLflow's status becomes the state: ``FINISHED`` finished, ``FAILED`` and ``KILLED`` failed, a
  run still ``RUNNING`` stays running and is imported again next time.

Re-running is idempotent: a run's id derives from MLflow's run id and the project, an ended
import is skipped, one that had not ended is replaced. Deleted experiments and runs (MLflow's
``lifecycle_stage: deleted``) are left out. MLflow 3's logged models, datasets and traces are
not imported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cairn.errors import RunNotFoundError
from cairn.importers import stable_run_id
from cairn.journal.records import (
    ArtifactLog,
    History,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)
from cairn.names import check_project
from cairn.store.store import Store

BATCH = 5_000
STATUS = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}
"""MLflow's ``RunStatus`` numbers, as its file store writes them."""


class MlflowImportError(ValueError):
    """A folder that is not an MLflow file store, or a run that cannot be read; says why."""


@dataclass
class Imported:
    runs: list[str] = field(default_factory=list)
    """``project/name`` of the runs imported now"""
    skipped: list[str] = field(default_factory=list)
    """``project/name`` of the runs imported before (left as they are)"""
    points: int = 0
    files: int = 0


@dataclass(frozen=True)
class MlflowRun:
    """One run of a file store, as read from its folder."""

    folder: Path
    run_id: str
    experiment: str
    meta: dict[str, Any]
    tags: dict[str, str]

    @property
    def name(self) -> str:
        return str(self.tags.get("mlflow.runName") or self.meta.get("run_name") or self.run_id[:8])

    @property
    def status(self) -> str:
        status = self.meta.get("status", 1)
        return STATUS.get(status, str(status)) if isinstance(status, int) else str(status)


def _yaml(path: Path) -> dict[str, Any]:
    try:
        found = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise MlflowImportError(f"cannot read {path}: {exc}") from None
    if not isinstance(found, dict):
        raise MlflowImportError(f"{path} is not an MLflow meta.yaml")
    return found


def _files(folder: Path) -> dict[str, str]:
    """``{key: text}`` of a ``params`` or ``tags`` folder (keys with ``/`` are nested folders)."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_text()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def experiments(root: Path) -> list[tuple[str, Path]]:
    """``(name, folder)`` of the file store's live experiments, by name."""
    found = []
    for folder in sorted(root.iterdir()):
        meta_path = folder / "meta.yaml"
        if folder.name.startswith(".") or not meta_path.is_file():
            continue
        meta = _yaml(meta_path)
        if meta.get("lifecycle_stage") == "deleted" or "experiment_id" not in meta:
            continue
        found.append((str(meta.get("name") or folder.name), folder))
    return sorted(found)


def runs_of(experiment: str, folder: Path) -> Iterator[MlflowRun]:
    """The live runs of an experiment's folder, oldest first."""
    runs = []
    for run_folder in folder.iterdir():
        meta_path = run_folder / "meta.yaml"
        if not run_folder.is_dir() or not meta_path.is_file():
            continue
        meta = _yaml(meta_path)
        if meta.get("lifecycle_stage") == "deleted" or "run_id" not in meta:
            continue
        tags = _files(run_folder / "tags")
        runs.append(MlflowRun(run_folder, str(meta["run_id"]), experiment, meta, tags))
    yield from sorted(runs, key=lambda r: (r.meta.get("start_time") or 0, r.run_id))


def param_value(text: str) -> Any:
    """A param as config holds it: an int, a float, a bool, else the text."""
    for kind in (int, float):
        try:
            number = kind(text)
        except ValueError:
            continue
        if isinstance(number, float) and not math.isfinite(number):
            return text  # config keeps JSON values: "nan" stays text
        return number
    return {"True": True, "False": False, "true": True, "false": False}.get(text, text)


def metric_rows(folder: Path) -> tuple[list[tuple[int, float, dict[str, float]]], int]:
    """The history rows of a run's ``metrics`` folder, ``(step, time, values)`` in step and time
    order, and how many points they hold. Points of one step and millisecond share a row; a key
    logged again within it goes to a row of its own, so no point is lost."""
    rows: dict[tuple[int, int], list[dict[str, float]]] = {}
    points = 0
    for key, text in _files(folder).items():
        for line in text.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            try:
                stamp, value = int(parts[0]), float(parts[1])
                step = int(parts[2]) if len(parts) > 2 else 0
            except ValueError:
                raise MlflowImportError(
                    f"{folder / key}: {line!r} is not 'time value step'"
                ) from None
            at = rows.setdefault((step, stamp), [])
            row = next((r for r in at if key not in r), None)
            if row is None:
                row = {}
                at.append(row)
            row[key] = value
            points += 1
    ordered = [
        (step, stamp / 1000, values)
        for (step, stamp), found in sorted(rows.items())
        for values in found
    ]
    return ordered, points


def _records(run: MlflowRun, run_id: str, project: str, store: Store) -> Iterator[Record]:
    """The journal records of one MLflow run, in order."""
    from cairn.artifacts.artifact import Artifact
    from cairn.artifacts.manifest import stage_file

    meta, tags = run.meta, run.tags
    user_tags = sorted(f"{k}={v}"[:255] for k, v in tags.items() if not k.startswith("mlflow."))
    created = (meta.get("start_time") or 0) / 1000
    seq = 1
    yield RunStart(
        seq=seq,
        run_id=run_id,
        project=project,
        name=run.name,
        created_at=created,
        config={k: param_value(v) for k, v in _files(run.folder / "params").items()},
        tags=user_tags,
        notes=tags.get("mlflow.note.content") or None,
        group=tags.get("mlflow.parentRunId") or None,
        host=None,
        program=tags.get("mlflow.source.name") or None,
    )
    rows, _ = metric_rows(run.folder / "metrics")
    last = created
    for step, stamp, values in rows:
        seq += 1
        last = max(last, stamp)
        yield History(seq=seq, step=step, ts=stamp, values=values)
    seq += 1
    yield SummaryUpdate(seq=seq, set={"mlflow/run_id": run.run_id, "mlflow/status": run.status})
    artifacts = run.folder / "artifacts"
    files = sorted(p for p in artifacts.rglob("*") if p.is_file()) if artifacts.is_dir() else []
    if files:
        blob_root = Path(store.blobs.root)
        manifest: dict[str, dict[str, Any]] = {}
        for path in files:
            digest, size = stage_file(path, blob_root, nested=True)
            manifest[path.relative_to(artifacts).as_posix()] = {"sha256": digest, "size": size}
        seq += 1
        yield ArtifactLog(
            seq=seq,
            name=f"mlflow-{run_id}",
            artifact_type="files",
            digest=Artifact.digest_of(manifest),
            manifest=manifest,
            description=f"the artifacts of MLflow run {run.run_id}",
            metadata={"mlflow_run_id": run.run_id, "artifact_uri": meta.get("artifact_uri")},
            blobs=sorted({str(e["sha256"]) for e in manifest.values()}),
            ts=last,
        )
    status = run.status
    if status in ("FINISHED", "FAILED", "KILLED"):
        end = (meta.get("end_time") or 0) / 1000 or last
        seq += 1
        failed = status != "FINISHED"
        yield RunFinish(
            seq=seq,
            ts=max(end, created),
            exit_code=1 if failed else 0,
            state="failed" if failed else "finished",
            error=f"the MLflow run ended {status}" if failed else None,
        )


def import_run(store: Store, run: MlflowRun, project: str) -> tuple[str, int, int]:
    """Apply one MLflow run to ``store`` in ``project``; its Cairn id, points and files."""
    run_id = stable_run_id("mlflow", project, run.run_id)
    batch: list[Record] = []
    points = files = 0
    for record in _records(run, run_id, project, store):
        if isinstance(record, History):
            points += len(record.values)
        elif isinstance(record, ArtifactLog):
            files += len(record.manifest)
        batch.append(record)
        if len(batch) >= BATCH:
            store.apply(run_id, batch)
            batch = []
    if batch:
        store.apply(run_id, batch)
    return run_id, points, files


def import_file_store(
    store: Store,
    root: Path,
    project: str | None = None,
    on_run: Callable[[str, str], None] | None = None,
) -> Imported:
    """Import every live run of the file store at ``root`` (each experiment into the project of
    its name, or all into ``project``); ``on_run(project/name, outcome)`` reports each
    ("imported", "skipped")."""
    if not root.is_dir():
        raise MlflowImportError(f"{root} is not a folder")
    if store.blobs.local_path("0" * 64) is None:
        raise MlflowImportError("importing MLflow artifacts needs a local store folder (--dir)")
    found = experiments(root)
    if not found:
        raise MlflowImportError(
            f"no MLflow experiments (folders with a meta.yaml) in {root}: give the mlruns folder"
        )
    done = Imported()
    for name, folder in found:
        target = check_project(project or name)
        for run in runs_of(name, folder):
            label = f"{target}/{run.name}"
            run_id = stable_run_id("mlflow", target, run.run_id)
            try:
                existing = store.run(run_id)
            except RunNotFoundError:
                existing = None
            if existing is not None and existing.finished_at is not None:
                done.skipped.append(label)
                if on_run:
                    on_run(label, "skipped")
                continue
            if existing is not None:  # a run that had not ended: import it again
                store.delete_run(run_id)
            _, points, files = import_run(store, run, target)
            done.runs.append(label)
            done.points += points
            done.files += files
            if on_run:
                on_run(label, "imported")
    return done
