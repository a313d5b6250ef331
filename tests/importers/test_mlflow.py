"""``cairn import mlflow``: a file store written by the real MLflow client (``.venv-mlflow``)
comes into the store, every param, metric point, tag and artifact file; importing again changes
nothing, and a run still running is imported again once it ends."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest
from tests.fakes.commands import cairn as cairn_command
from tests.fakes.server import serve

import cairn
from cairn.importers.mlflow import MlflowImportError, import_mlflow, param_value
from cairn.store import Store

ROOT = Path(__file__).resolve().parents[2]
MLFLOW_PYTHON = ROOT / ".venv-mlflow" / "bin" / "python"

WRITE = """
import math, sys
import mlflow

mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("digits")
with mlflow.start_run(run_name="logreg") as run:
    mlflow.log_params({"lr": 0.1, "depth": 3, "model/kind": "logreg", "early": True})
    for step in range(50):
        mlflow.log_metrics({"loss": 1 / (step + 1), "acc": step / 50}, step=step)
    mlflow.log_metric("loss", 0.015, step=49)  # a second value at the last step
    mlflow.log_metric("val/loss", math.nan, step=3)
    mlflow.set_tags({"team": "vision"})
    mlflow.set_tag("mlflow.note.content", "baseline <b>run</b>")
    with open(sys.argv[2], "w") as f:
        f.write("hello from mlflow")
    mlflow.log_artifact(sys.argv[2], artifact_path="docs")
    with mlflow.start_run(run_name="child", nested=True):
        mlflow.log_metric("inner", 2.0)
with mlflow.start_run(run_name="broken"):
    mlflow.log_metric("loss", math.inf, step=0)
    mlflow.end_run(status="FAILED")
client = mlflow.MlflowClient()  # a run no atexit hook ends: still RUNNING
live = client.create_run(client.create_experiment("faces"), run_name="live")
client.log_metric(live.info.run_id, "loss", 5.0, step=0)
print(live.info.run_id)
"""

END = """
import sys
import mlflow

mlflow.set_tracking_uri(sys.argv[1])
client = mlflow.MlflowClient()
client.log_metric(sys.argv[2], "loss", 4.0, step=1)
client.set_terminated(sys.argv[2])
"""


def mlflow_python(code: str, *args: str, cwd: Path | None = None) -> str:
    if not MLFLOW_PYTHON.exists():
        pytest.fail(f"{MLFLOW_PYTHON} is missing: `make mlflow-venv` makes it (make test does)")
    done = subprocess.run(
        [str(MLFLOW_PYTHON), "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"MLFLOW_ALLOW_FILE_STORE": "true", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(params=["file store", "sqlite store"])
def mlruns(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """An MLflow store with 2 experiments, as the source to import and the tracking URI MLflow
    wrote it through; the run of ``faces`` is still running (its id)."""
    if request.param == "file store":
        source = str(tmp_path / "mlruns")
        uri = f"file://{source}"
    else:  # MLflow 3's default; the artifacts go to ./mlruns beside it
        source = str(tmp_path / "mlflow.db")
        uri = f"sqlite:///{source}"
    live = mlflow_python(WRITE, uri, str(tmp_path / "notes.txt"), cwd=tmp_path)
    return source, live


def test_an_mlflow_store_comes_in_whole(mlruns: tuple[str, str], store_dir: Path) -> None:
    source, _ = mlruns
    made = cairn_command("import", "mlflow", source)
    assert made.returncode == 0, made.stderr
    assert "4 runs imported" in made.stdout
    api = cairn.Api()
    assert [(p.name, p.run_count) for p in api.projects()] == [("digits", 3), ("faces", 1)]
    runs = {r.name: r for r in api.runs("digits")}
    logreg = runs["logreg"]
    assert logreg.state == "finished"
    assert logreg.config == {"lr": 0.1, "depth": 3, "model/kind": "logreg", "early": True}
    assert logreg.notes == "baseline <b>run</b>" and logreg.tags == ["team=vision"]
    history = logreg.history(keys=["loss", "acc"])
    assert history["acc"].count() == 50 and history["loss"].count() == 51  # every point
    assert history["loss"].iloc[0] == 1.0 and history["_step"].iloc[-1] == 49
    assert sorted(history["loss"][history["_step"] == 49].tolist()) == [0.015, 0.02]
    assert math.isnan(logreg.history(keys=["val/loss"])["val/loss"].iloc[0])
    assert logreg.summary["mlflow/status"] == "FINISHED"
    [files] = logreg.logged_artifacts()
    assert [f["path"] for f in files.files()] == ["docs/notes.txt"]
    fetched = files.download(store_dir.parent / "out")
    assert (fetched / "docs" / "notes.txt").read_text() == "hello from mlflow"
    assert runs["child"].group == logreg.summary["mlflow/run_id"]  # its parent
    broken = runs["broken"]
    assert broken.state == "failed" and "FAILED" in (broken.error or "")
    assert math.isinf(broken.history(keys=["loss"])["loss"].iloc[0])


def test_importing_again_changes_nothing_but_runs_that_ended_since(
    mlruns: tuple[str, str], store_dir: Path
) -> None:
    root, live = mlruns
    uri = f"sqlite:///{root}" if root.endswith(".db") else f"file://{root}"
    store = Store.local(store_dir)
    try:
        first = import_mlflow(store, root)
        assert (len(first.runs), first.points, first.files) == (4, 50 + 51 + 1 + 1 + 1 + 1, 1)
        again = import_mlflow(store, root)
        assert (len(again.runs), len(again.skipped)) == (1, 3)  # the live run, imported anew
        assert again.runs == ["faces/live"]
        mlflow_python(END, uri, live, cwd=Path(root).parent)
        ended = import_mlflow(store, root, project="all")
        assert len(ended.runs) == 4  # into another project: new runs
        import_mlflow(store, root)
        [run] = cairn.Api().runs("faces")
        assert run.state == "finished"
        assert run.history(keys=["loss"])["loss"].tolist() == [5.0, 4.0]
        assert len(import_mlflow(store, root).runs) == 0
    finally:
        store.close()


def test_what_is_not_a_file_store_says_so(tmp_path: Path, store_dir: Path) -> None:
    store = Store.local(store_dir)
    try:
        with pytest.raises(MlflowImportError, match="give the mlruns folder"):
            import_mlflow(store, str(tmp_path))
    finally:
        store.close()
    assert [param_value(v) for v in ("3", "0.5", "1e-3", "True", "nan", "adam")] == [
        3,
        0.5,
        0.001,
        True,
        "nan",
        "adam",
    ]


SERVE_WRITE = """
import math, sys
import mlflow

mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("remote")
with mlflow.start_run(run_name="fit"):
    mlflow.log_params({"lr": 0.1, "opt": "adam"})
    for step in range(30):
        mlflow.log_metric("loss", 1 / (step + 1), step=step)
    mlflow.log_metric("val/loss", math.nan, step=29)
    mlflow.set_tag("team", "vision")
    mlflow.set_tag("mlflow.note.content", "over REST")
    with open(sys.argv[2], "w") as f:
        f.write("weights")
    mlflow.log_artifact(sys.argv[2], artifact_path="model")
with mlflow.start_run(run_name="diverged"):
    mlflow.log_metric("loss", math.inf, step=0)
    mlflow.end_run(status="FAILED")
"""


def test_a_tracking_server_is_read_over_its_rest_api(tmp_path: Path, store_dir: Path) -> None:
    """The server is a ``cairn ui`` speaking MLflow's REST API (tests/server/mlflow checks it
    against the real client); the import reads it as it would read MLflow's own server."""
    with serve(tmp_path / "server" / ".cairn", args=["--create"]) as server:
        mlflow_python(SERVE_WRITE, server.url, str(tmp_path / "weights.bin"), cwd=tmp_path)
        made = cairn_command("import", "mlflow", server.url, "--project", "imported")
        assert made.returncode == 0, made.stderr
        assert "2 runs imported" in made.stdout
        again = cairn_command("import", "mlflow", server.url, "--project", "imported")
        assert "0 runs imported" in again.stdout and "2 already there" in again.stdout
    runs = {r.name: r for r in cairn.Api().runs("imported")}
    fit = runs["fit"]
    assert fit.state == "finished" and fit.config == {"lr": 0.1, "opt": "adam"}
    assert fit.tags == ["team=vision"] and fit.notes == "over REST"
    history = fit.history(keys=["loss", "val/loss"])
    assert history["loss"].count() == 30 and history["loss"].iloc[0] == 1.0
    assert math.isnan(history.dropna(subset=["loss"])["val/loss"].iloc[-1])
    [files] = fit.logged_artifacts()
    assert [f["path"] for f in files.files()] == ["model/weights.bin"]
    root = files.download(tmp_path / "out")
    assert (root / "model" / "weights.bin").read_text() == "weights"
    diverged = runs["diverged"]
    assert diverged.state == "failed"
    assert math.isinf(diverged.history(keys=["loss"])["loss"].iloc[0])
