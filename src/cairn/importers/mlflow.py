"""``cairn import mlflow SOURCE``: an MLflow store into a Cairn store. SOURCE is a file store (its
``mlruns`` folder), an ``mlflow.db`` file (MLflow 3's default SQLite store), or the database URL
of a tracking server's SQL backend; the tables and files are read directly, without MLflow.

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
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from cairn.importers import DBL_MAX, Imported, apply_in_batches, files_artifact, stable_run_id
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

STATUS = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}
"""MLflow's ``RunStatus`` numbers, as its file store writes them."""


class MlflowImportError(ValueError):
    """A folder that is not an MLflow file store, or a run that cannot be read; says why."""


Point = tuple[str, int, float, int]
"""One metric point as MLflow keeps it: ``(key, timestamp in ms, value, step)``."""


@dataclass(frozen=True)
class MlflowRun:
    """One MLflow run, read from a file store or a SQL store."""

    run_id: str
    experiment: str
    status: str
    """``FINISHED``, ``FAILED``, ``KILLED``, ``RUNNING``..."""
    start_time: int
    """ms since the epoch"""
    end_time: int | None
    tags: dict[str, str]
    params: dict[str, str]
    points: Callable[[], Iterator[Point]] = field(repr=False)
    artifacts: Path | None = None
    """The local folder of its artifact files, when it has one."""
    artifact_uri: str | None = None
    run_name: str | None = None
    fetch: Callable[[Path], int] | None = field(default=None, repr=False)
    """Downloads its artifact files into a folder (a tracking server's proxied artifacts),
    returning how many; None when they are local or out of reach."""

    @property
    def name(self) -> str:
        return str(self.tags.get("mlflow.runName") or self.run_name or self.run_id[:8])


def _status(value: Any) -> str:
    return STATUS.get(value, str(value)) if isinstance(value, int) else str(value or "RUNNING")


def _local_folder(uri: str | None) -> Path | None:
    """The local folder a ``file://`` URI or a plain path names, when it exists."""
    if not uri:
        return None
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    if parsed.scheme not in ("", "file"):
        return None
    folder = Path(unquote(parsed.path))
    return folder if folder.is_dir() else None


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


def file_store(root: Path) -> list[tuple[str, list[MlflowRun]]]:
    """The live experiments of the file store at ``root`` with their runs, by name."""
    found = []
    for folder in sorted(root.iterdir()):
        meta_path = folder / "meta.yaml"
        if folder.name.startswith(".") or not meta_path.is_file():
            continue
        meta = _yaml(meta_path)
        if meta.get("lifecycle_stage") == "deleted" or "experiment_id" not in meta:
            continue
        name = str(meta.get("name") or folder.name)
        found.append((name, runs_of(name, folder)))
    if not found:
        raise MlflowImportError(
            f"no MLflow experiments (folders with a meta.yaml) in {root}: give the mlruns folder"
        )
    return sorted(found, key=lambda e: e[0])


def sql_store(url: str) -> list[tuple[str, list[MlflowRun]]]:
    """The live experiments of an MLflow SQL store (``sqlite:///mlflow.db``, or the database
    URL of a tracking server's backend) with their runs, by name; read-only."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT experiment_id, name FROM experiments "
                    "WHERE lifecycle_stage = 'active' ORDER BY name"
                )
            ).all()
            found = []
            for experiment_id, name in rows:
                runs = conn.execute(
                    text(
                        "SELECT run_uuid, name, status, start_time, end_time, artifact_uri "
                        "FROM runs WHERE experiment_id = :e AND lifecycle_stage = 'active' "
                        "ORDER BY start_time, run_uuid"
                    ),
                    {"e": experiment_id},
                ).all()
                found.append((str(name), [_sql_run(conn, str(name), row, url) for row in runs]))
    except SQLAlchemyError as exc:
        raise MlflowImportError(f"cannot read the MLflow store {url}: {exc}") from None
    finally:
        engine.dispose()
    return found


def _sql_run(conn: Any, experiment: str, row: Any, url: str) -> MlflowRun:
    from sqlalchemy import text

    run_id, name, status, start, end, artifact_uri = row
    pairs = "SELECT key, value FROM {} WHERE run_uuid = :r"
    return MlflowRun(
        run_id=str(run_id),
        experiment=experiment,
        status=_status(status),
        start_time=int(start or 0),
        end_time=end,
        tags=dict(conn.execute(text(pairs.format("tags")), {"r": run_id}).all()),
        params=dict(conn.execute(text(pairs.format("params")), {"r": run_id}).all()),
        points=partial(_sql_points, url, str(run_id)),
        artifacts=_local_folder(artifact_uri),
        artifact_uri=artifact_uri,
        run_name=name,
    )


def _sql_points(url: str, run_id: str) -> Iterator[Point]:
    """The metric points of one run of a SQL store (NaN as MLflow flags it)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = text(
                "SELECT key, timestamp, value, step, is_nan FROM metrics WHERE run_uuid = :r "
                "ORDER BY step, timestamp"
            )
            for key, stamp, value, step, is_nan in conn.execute(query, {"r": run_id}):
                number = math.nan if is_nan else float(value)
                if abs(number) == DBL_MAX:  # how MLflow's SQL stores keep ±Inf
                    number = math.copysign(math.inf, number)
                yield str(key), int(stamp), number, int(step)
    finally:
        engine.dispose()


def runs_of(experiment: str, folder: Path) -> list[MlflowRun]:
    """The live runs of a file store experiment's folder, oldest first."""
    runs = []
    for run_folder in folder.iterdir():
        meta_path = run_folder / "meta.yaml"
        if not run_folder.is_dir() or not meta_path.is_file():
            continue
        meta = _yaml(meta_path)
        if meta.get("lifecycle_stage") == "deleted" or "run_id" not in meta:
            continue
        runs.append(
            MlflowRun(
                run_id=str(meta["run_id"]),
                experiment=experiment,
                status=_status(meta.get("status", 1)),
                start_time=int(meta.get("start_time") or 0),
                end_time=meta.get("end_time"),
                tags=_files(run_folder / "tags"),
                params=_files(run_folder / "params"),
                points=partial(_file_points, run_folder / "metrics"),
                artifacts=_local_folder(str(run_folder / "artifacts")),
                artifact_uri=meta.get("artifact_uri"),
                run_name=meta.get("run_name"),
            )
        )
    return sorted(runs, key=lambda r: (r.start_time, r.run_id))


def _file_points(folder: Path) -> Iterator[Point]:
    """The points of a file store run's ``metrics`` folder (one file per key: time value step)."""
    for key, text in _files(folder).items():
        for line in text.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            try:
                yield key, int(parts[0]), float(parts[1]), int(parts[2]) if len(parts) > 2 else 0
            except ValueError:
                raise MlflowImportError(
                    f"{folder / key}: {line!r} is not 'time value step'"
                ) from None


def rest_store(url: str) -> list[tuple[str, list[MlflowRun]]]:
    """The live experiments and runs of an MLflow tracking server, over its REST API
    (``$MLFLOW_TRACKING_TOKEN``, or ``$MLFLOW_TRACKING_USERNAME`` and ``_PASSWORD``, sign in)."""
    import httpx

    client = httpx.Client(base_url=url.rstrip("/"), timeout=120, **_mlflow_auth())
    try:
        experiments = _pages(
            client,
            "/api/2.0/mlflow/experiments/search",
            {"max_results": 1000, "view_type": "ACTIVE_ONLY"},
            "experiments",
        )
        found = []
        for experiment in experiments:
            name = str(experiment["name"])
            runs = _pages(
                client,
                "/api/2.0/mlflow/runs/search",
                {
                    "experiment_ids": [experiment["experiment_id"]],
                    "max_results": 1000,
                    "run_view_type": "ACTIVE_ONLY",
                },
                "runs",
            )
            found.append((name, [_rest_run(client, name, run) for run in runs]))
    except httpx.HTTPError as exc:
        raise MlflowImportError(f"cannot read the MLflow server {url}: {exc}") from None
    return sorted(found, key=lambda e: e[0])


def _mlflow_auth() -> dict[str, Any]:
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    if token:
        return {"headers": {"Authorization": f"Bearer {token}"}}
    user = os.environ.get("MLFLOW_TRACKING_USERNAME")
    if user:
        return {"auth": (user, os.environ.get("MLFLOW_TRACKING_PASSWORD", ""))}
    return {}


def _pages(client: Any, path: str, body: dict[str, Any], field_name: str) -> list[Any]:
    """Every item of a paged MLflow search."""
    items: list[Any] = []
    token = None
    while True:
        response = client.post(path, json={**body, **({"page_token": token} if token else {})})
        _check(response)
        page = response.json()
        items += page.get(field_name) or []
        token = page.get("next_page_token")
        if not token:
            return items


def _check(response: Any) -> None:
    if not response.is_success:
        raise MlflowImportError(
            f"the MLflow server answered {response.status_code} to {response.request.url.path}: "
            f"{response.text[:300]}"
        )


def _rest_run(client: Any, experiment: str, run: dict[str, Any]) -> MlflowRun:
    info, data = run["info"], run.get("data") or {}
    run_id = str(info.get("run_id") or info["run_uuid"])
    keys = sorted({m["key"] for m in data.get("metrics") or []})
    uri = info.get("artifact_uri")
    return MlflowRun(
        run_id=run_id,
        experiment=experiment,
        status=_status(info.get("status")),
        start_time=int(info.get("start_time") or 0),
        end_time=int(info["end_time"]) if info.get("end_time") else None,
        tags={t["key"]: t["value"] for t in data.get("tags") or []},
        params={p["key"]: p["value"] for p in data.get("params") or []},
        points=partial(_rest_points, client, run_id, keys),
        artifacts=_local_folder(uri),
        artifact_uri=uri,
        run_name=info.get("run_name"),
        fetch=partial(_fetch_proxied, client, uri)
        if str(uri).startswith("mlflow-artifacts:")
        else None,
    )


def _rest_points(client: Any, run_id: str, keys: list[str]) -> Iterator[Point]:
    for key in keys:
        token = None
        while True:
            params = {"run_id": run_id, "metric_key": key, "max_results": 25_000}
            response = client.get(
                "/api/2.0/mlflow/metrics/get-history",
                params={**params, **({"page_token": token} if token else {})},
            )
            _check(response)
            page = response.json()
            for point in page.get("metrics") or []:
                value = float(point["value"])  # "NaN", "Infinity" come as text
                yield key, int(point["timestamp"]), value, int(point.get("step") or 0)
            token = page.get("next_page_token")
            if not token:
                break


def _fetch_proxied(client: Any, uri: str, into: Path) -> int:
    """Download the files under ``mlflow-artifacts:/…`` (the server's artifact proxy) into
    ``into``; how many."""
    from cairn.artifacts.download import safe_target

    root = uri.removeprefix("mlflow-artifacts:").lstrip("/")
    count = 0
    pending = [""]
    while pending:
        relative = pending.pop()
        path = f"{root}/{relative}".rstrip("/")
        response = client.get("/api/2.0/mlflow-artifacts/artifacts", params={"path": path})
        if response.status_code in (404, 501):
            return count  # no artifacts, or a server that does not proxy them
        _check(response)
        for entry in response.json().get("files") or []:
            name = f"{relative}/{entry['path']}".lstrip("/")
            if entry.get("is_dir"):
                pending.append(name)
                continue
            target = safe_target(into, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            with client.stream("GET", f"/api/2.0/mlflow-artifacts/artifacts/{root}/{name}") as got:
                _check(got)
                with open(target, "wb") as f:
                    for chunk in got.iter_bytes():
                        f.write(chunk)
            count += 1
    return count


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


def metric_rows(points: Iterator[Point]) -> tuple[list[tuple[int, float, dict[str, float]]], int]:
    """History rows ``(step, time, values)`` in step and time order, and how many points they
    hold. Points of one step and millisecond share a row; a key logged again within it goes to a
    row of its own, so no point is lost."""
    rows: dict[tuple[int, int], list[dict[str, float]]] = {}
    count = 0
    for key, stamp, value, step in points:
        at = rows.setdefault((step, stamp), [])
        row = next((r for r in at if key not in r), None)
        if row is None:
            row = {}
            at.append(row)
        row[key] = value
        count += 1
    ordered = [
        (step, stamp / 1000, values)
        for (step, stamp), found in sorted(rows.items())
        for values in found
    ]
    return ordered, count


def _records(run: MlflowRun, run_id: str, project: str, store: Store) -> Iterator[Record]:
    """The journal records of one MLflow run, in order."""
    tags = run.tags
    user_tags = sorted(f"{k}={v}"[:255] for k, v in tags.items() if not k.startswith("mlflow."))
    created = run.start_time / 1000
    seq = 1
    yield RunStart(
        seq=seq,
        run_id=run_id,
        project=project,
        name=run.name,
        created_at=created,
        config={k: param_value(v) for k, v in run.params.items()},
        tags=user_tags,
        notes=tags.get("mlflow.note.content") or None,
        group=tags.get("mlflow.parentRunId") or None,
        host=None,
        program=tags.get("mlflow.source.name") or None,
    )
    rows, _ = metric_rows(run.points())
    last = created
    for step, stamp, values in rows:
        seq += 1
        last = max(last, stamp)
        yield History(seq=seq, step=step, ts=stamp, values=values)
    seq += 1
    found = {"mlflow/run_id": run.run_id, "mlflow/status": run.status}
    if run.artifact_uri:
        found["mlflow/artifact_uri"] = run.artifact_uri
    yield SummaryUpdate(seq=seq, set=dict(found))
    with tempfile.TemporaryDirectory(prefix="cairn-mlflow-") as scratch:
        artifacts = run.artifacts
        if artifacts is None and run.fetch is not None and run.fetch(Path(scratch)):
            artifacts = Path(scratch)
        record = _artifact_record(run, run_id, artifacts, store, seq + 1, last)
        if record is not None:
            seq += 1
            yield record
    status = run.status
    if status in ("FINISHED", "FAILED", "KILLED"):
        end = (run.end_time or 0) / 1000 or last
        seq += 1
        failed = status != "FINISHED"
        yield RunFinish(
            seq=seq,
            ts=max(end, created),
            exit_code=1 if failed else 0,
            state="failed" if failed else "finished",
            error=f"the MLflow run ended {status}" if failed else None,
        )


def _artifact_record(
    run: MlflowRun, run_id: str, artifacts: Path | None, store: Store, seq: int, ts: float
) -> ArtifactLog | None:
    """The run's artifact files, staged into the store, as a ``files`` artifact; None without."""
    if artifacts is None:
        return None
    return files_artifact(
        store,
        artifacts,
        sorted(p for p in artifacts.rglob("*") if p.is_file()),
        name=f"mlflow-{run_id}",
        description=f"the artifacts of MLflow run {run.run_id}",
        metadata={"mlflow_run_id": run.run_id, "artifact_uri": run.artifact_uri},
        seq=seq,
        ts=ts,
    )


def import_run(store: Store, run: MlflowRun, project: str) -> tuple[str, int, int]:
    """Apply one MLflow run to ``store`` in ``project``; its Cairn id, points and files."""
    run_id = stable_run_id("mlflow", project, run.run_id)
    tally = {"points": 0, "files": 0}

    def counted() -> Iterator[Record]:
        for record in _records(run, run_id, project, store):
            if isinstance(record, History):
                tally["points"] += len(record.values)
            elif isinstance(record, ArtifactLog):
                tally["files"] += len(record.manifest)
            yield record

    apply_in_batches(store, run_id, counted())
    return run_id, tally["points"], tally["files"]


def read_source(source: str) -> list[tuple[str, list[MlflowRun]]]:
    """The experiments and runs of ``source``: an ``mlruns`` folder (a file store), an
    ``mlflow.db`` file, a SQL store's URL (``sqlite:///…``, ``postgresql://…``), or a tracking
    server's URL (``http(s)://…``)."""
    if source.startswith(("http://", "https://")):
        return rest_store(source)
    if "://" in source and not source.startswith("file://"):
        return sql_store(source)
    path = Path(source.removeprefix("file://")).expanduser()
    if path.is_file():
        return sql_store(f"sqlite:///{path.resolve()}")
    if not path.is_dir():
        raise MlflowImportError(
            f"{source}: give an mlruns folder, an mlflow.db file or a database URL"
        )
    return file_store(path)


def import_mlflow(
    store: Store,
    source: str,
    project: str | None = None,
    on_run: Callable[[str, str], None] | None = None,
) -> Imported:
    """Import every live run of ``source`` (see ``read_source``), each experiment into the
    project of its name, or all into ``project``; ``on_run(project/name, outcome)`` reports each
    ("imported", "skipped")."""
    if not store.blobs.is_local:
        raise MlflowImportError("importing MLflow artifacts needs a local store folder (--dir)")
    done = Imported()
    for name, runs in read_source(source):
        target = check_project(project or name)
        for run in runs:
            label = f"{target}/{run.name}"
            run_id = stable_run_id("mlflow", target, run.run_id)
            if done.imported_before(store, run_id, label, on_run):
                continue
            _, points, files = import_run(store, run, target)
            done.runs.append(label)
            done.points += points
            done.files += files
            if on_run:
                on_run(label, "imported")
    return done
