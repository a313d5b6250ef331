"""MLflow clients log into Cairn: the real ``mlflow-skinny`` client, in its own virtualenv
(``.venv-mlflow``, made by ``make test``), against a real ``cairn ui`` process; what it logged is
read back with ``MlflowClient`` and with ``cairn.Api`` and the dashboard's JSON API."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.conftest import S3
from tests.fakes.server import serve

import cairn

ROOT = Path(__file__).resolve().parents[3]
MLFLOW_PYTHON = ROOT / ".venv-mlflow" / "bin" / "python"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if not MLFLOW_PYTHON.exists():
        pytest.fail(f"{MLFLOW_PYTHON} is missing: `make mlflow-venv` makes it (make test does)")
    store_dir = tmp_path_factory.mktemp("mlflow") / ".cairn"  # none yet: --create starts it
    with serve(store_dir, args=["--create"]) as running:
        yield running.url, store_dir


def client(url: str, script: str, token: str | None = None) -> dict:  # type: ignore[type-arg]
    """Run ``script`` with the MLflow client pointed at ``url`` (sending ``token`` as an API
    key); it prints one JSON line last."""
    code = "import json, mlflow\nmlflow.set_tracking_uri(URL)\n" + textwrap.dedent(script)
    done = subprocess.run(
        [str(MLFLOW_PYTHON), "-c", code.replace("URL", repr(url))],
        capture_output=True,
        text=True,
        timeout=180,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": tempfile.mkdtemp(prefix="mlflow-home-"),  # the client writes config there
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "DO_NOT_TRACK": "1",
            **({"MLFLOW_TRACKING_TOKEN": token} if token else {}),
        },
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_params_metrics_tags_history_and_search(server: tuple[str, Path]) -> None:
    url, store_dir = server
    out = client(
        url,
        """
        from mlflow import MlflowClient
        mlflow.set_experiment("mnist")
        with mlflow.start_run(run_name="first") as run:
            mlflow.log_param("lr", 0.01)
            mlflow.log_params({"batch": 32, "opt": "adam"})
            for step in range(5):
                mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
            mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=4)
            mlflow.set_tag("team", "vision")
        with mlflow.start_run(run_name="second"):
            mlflow.log_param("opt", "sgd")
            mlflow.log_metric("acc", 0.4)
        c = MlflowClient()
        got = c.get_run(run.info.run_id)
        exp = c.get_experiment_by_name("mnist")
        found = c.search_runs([exp.experiment_id], "metrics.acc > 0.5 and params.opt = 'adam'")
        ordered = c.search_runs([exp.experiment_id], order_by=["metrics.acc DESC"])
        try:
            c.log_param(run.info.run_id, "lr", 0.5)
            changed = "no error"
        except mlflow.exceptions.MlflowException as exc:
            changed = str(exc)
        try:
            c.get_run("nope0000")
            missing = "no error"
        except mlflow.exceptions.MlflowException as exc:
            missing = exc.error_code
        print(json.dumps({
            "id": run.info.run_id, "status": got.info.status, "name": got.info.run_name,
            "params": got.data.params, "metrics": got.data.metrics,
            "tags": {k: v for k, v in got.data.tags.items()},
            "history": [[m.step, m.value] for m in c.get_metric_history(run.info.run_id, "loss")],
            "found": [r.info.run_id for r in found],
            "ordered": [r.info.run_name for r in ordered],
            "changed": changed, "missing": missing,
        }))
        """,
    )
    assert out["status"] == "FINISHED" and out["name"] == "first"
    assert out["params"] == {"lr": "0.01", "batch": "32", "opt": "adam"}
    assert out["metrics"] == {"loss": 0.2, "acc": 0.9, "f1": 0.8}
    assert out["tags"]["team"] == "vision"
    assert out["history"] == [[0, 1.0], [1, 0.5], [2, 1 / 3], [3, 0.25], [4, 0.2]]
    assert out["found"] == [out["id"]]
    assert out["ordered"] == ["first", "second"]
    assert "Changing param values is not allowed" in out["changed"]
    assert out["missing"] == "RESOURCE_DOES_NOT_EXIST"

    # what Cairn holds: the same run, its config, history and tags, in the project "mnist"
    run = cairn.Api(store_dir).run(f"mnist/{out['id']}")
    assert run.name == "first" and run.state == "finished"
    assert run.config == {"lr": "0.01", "batch": "32", "opt": "adam"}
    assert run.history(["loss"])["loss"].tolist() == pytest.approx([1, 0.5, 1 / 3, 0.25, 0.2])
    assert "team=vision" in run.tags
    rows = httpx.get(f"{url}/api/v1/projects/mnist/runs").json()["runs"]
    assert {r["name"] for r in rows} == {"first", "second"}


AUTOLOG = """
        import os, tempfile
        import mlflow.sklearn
        from sklearn.datasets import load_digits
        from sklearn.linear_model import LogisticRegression
        mlflow.set_experiment("digits")
        folder = tempfile.mkdtemp()
        with open(os.path.join(folder, "notes.txt"), "w") as f:
            f.write("hello <b>")
        mlflow.sklearn.autolog()
        X, y = load_digits(return_X_y=True)
        with mlflow.start_run(run_name="logreg") as run:
            LogisticRegression(max_iter=300, C=0.5).fit(X, y)
            mlflow.log_artifact(os.path.join(folder, "notes.txt"), artifact_path="extra")
        c = mlflow.MlflowClient()
        got = c.get_run(run.info.run_id)
        listed = [f.path for f in c.list_artifacts(run.info.run_id, "extra")]
        back = open(c.download_artifacts(run.info.run_id, "extra/notes.txt", tempfile.mkdtemp())).read()
        [model] = mlflow.search_logged_models(experiment_ids=[got.info.experiment_id], output_format="list")
        loaded = mlflow.sklearn.load_model(f"models:/{model.model_id}")
        print(json.dumps({
            "id": run.info.run_id, "params": got.data.params, "metrics": got.data.metrics,
            "listed": listed, "back": back,
            "same": bool((loaded.predict(X[:50]) == y[:50]).mean() > 0.9),
        }))
"""


def check_autolog(out: dict) -> None:  # type: ignore[type-arg]
    assert out["params"]["C"] == "0.5" and out["params"]["max_iter"] == "300"
    assert out["metrics"]["training_accuracy_score"] > 0.9
    assert out["listed"] == ["extra/notes.txt"] and out["back"] == "hello <b>"
    assert out["same"], "the model loaded back through Cairn predicts as the one trained"


def test_artifacts_and_sklearn_autolog_with_its_model(server: tuple[str, Path]) -> None:
    url, store_dir = server
    out = client(
        url,
        AUTOLOG,
    )
    check_autolog(out)
    run = cairn.Api(store_dir).run(f"digits/{out['id']}")
    assert run.summary["training_accuracy_score"] > 0.9


@pytest.mark.parametrize(
    "path",
    ["../../etc/passwd", "a/../../x", "a/%2e/b", "a//b", "%2e%2e/%2e%2e/x", "a\\b"],
)
def test_artifact_paths_cannot_leave_the_folder(server: tuple[str, Path], path: str) -> None:
    url, store_dir = server
    base = f"{url}/api/2.0/mlflow-artifacts/artifacts"
    put = httpx.put(f"{base}/{path}", content=b"x")
    assert put.status_code in (400, 404, 405), put.text  # 405: the URL normalised out of the API
    got = httpx.get(f"{base}/{path}")
    assert got.status_code in (400, 404)
    listed = httpx.get(base, params={"path": path})
    assert listed.status_code in (400, 404) or listed.json() == {"files": []}
    assert not (store_dir.parent / "x").exists() and not (store_dir / "x").exists()


def test_errors_have_mlflows_shape(server: tuple[str, Path]) -> None:
    url, _ = server
    api = f"{url}/api/2.0/mlflow"
    missing = httpx.get(f"{api}/runs/get", params={"run_id": "zzzzzzzz"})
    assert missing.status_code == 404 and missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    bad = httpx.post(f"{api}/runs/log-batch", content=b"not json")
    assert bad.status_code == 400 and bad.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    unknown = httpx.post(f"{api}/registered-models/create", json={"name": "m"})
    assert unknown.status_code == 404 and unknown.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    created = httpx.post(f"{api}/runs/create", json={"experiment_id": "0"}).json()["run"]
    run_id = created["info"]["run_id"]
    nan = httpx.post(
        f"{api}/runs/log-metric",
        json={"run_id": run_id, "key": "x", "value": "NaN", "timestamp": 0, "step": 0},
    )
    assert nan.status_code == 200
    text = httpx.post(f"{api}/runs/log-metric", json={"run_id": run_id, "key": "x", "value": "a"})
    assert text.status_code == 400 and "not a number" in text.json()["message"]
    filt = httpx.post(
        f"{api}/runs/search", json={"experiment_ids": ["0"], "filter": "metrics.x LIKE '%'"}
    )
    assert filt.status_code == 400 and filt.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_the_example_in_the_docs_runs(server: tuple[str, Path]) -> None:
    """docs/integrations.md's MLflow example (a ```py block: it runs here, with the MLflow client,
    not in test_docs), against this server."""
    url, store_dir = server
    text = (ROOT / "docs" / "integrations.md").read_text()
    [example] = re.findall(r"```py\n(.*?)```", text.split("## MLflow clients", 1)[1], flags=re.S)
    example = example.replace('"http://127.0.0.1:8080"', repr(url))
    client(url, example + "\nprint(json.dumps({}))\n")
    run = cairn.Api(store_dir).runs("digits", filter='name == "logreg"', order="-created_at")[0]
    assert run.summary["extra"] == 0.5 and run.config["max_iter"] == "300"


def test_on_a_team_server_an_editor_logs_and_a_viewer_reads(tmp_path: Path) -> None:
    """``cairn server`` with accounts: the MLflow client signs in with an API key
    (``MLFLOW_TRACKING_TOKEN``) and gets what the key's project role allows."""
    from tests.fakes.reading import add_key, reading

    from cairn.store import Store, accounts

    store_dir = tmp_path / ".cairn"
    editor, viewer = add_key(store_dir, "ed"), add_key(store_dir, "vic")
    store = Store.local(store_dir)
    try:
        accounts.set_role(store, "team", "ed", "editor")  # makes the project
        accounts.set_role(store, "team", "vic", "viewer")
    finally:
        store.close()
    with reading("server", store_dir) as found:
        assert found.server is not None
        logged = client(
            found.server.url,
            """
            mlflow.set_experiment("team")
            with mlflow.start_run(run_name="shared") as run:
                mlflow.log_params({"lr": 0.1})
                mlflow.log_metrics({"loss": 0.5}, step=1)
            print(json.dumps({"id": run.info.run_id}))
            """,
            token=editor,
        )
        seen = client(
            found.server.url,
            f"""
            c = mlflow.MlflowClient()
            got = c.get_run({logged["id"]!r})
            try:
                c.log_metric({logged["id"]!r}, "loss", 0.1)
                refused = "no error"
            except mlflow.exceptions.MlflowException as exc:
                refused = exc.error_code
            print(json.dumps({{"metrics": got.data.metrics, "refused": refused}}))
            """,
            token=viewer,
        )
    assert seen == {"metrics": {"loss": 0.5}, "refused": "PERMISSION_DENIED"}
    assert cairn.Api(store_dir).run(f"team/{logged['id']}").config == {"lr": "0.1"}


def test_on_a_team_server_with_s3_artifacts_and_models_live_in_the_bucket(
    tmp_path: Path, s3: S3
) -> None:
    """``cairn server --blobs s3://…``: the artifact proxy and logged models keep their files in
    the bucket (beside the blobs), and the model loads back from there."""
    from tests.fakes.reading import add_key
    from tests.fakes.server import serve_command

    store_dir = tmp_path / ".cairn"
    key = add_key(store_dir, "ann", admin=True)
    bucket = s3.bucket()
    args = ["server", "--db", f"sqlite:///{store_dir / 'cairn.db'}", "--blobs", bucket]
    with serve_command(args) as server:
        out = client(server.url, AUTOLOG, token=key)
    check_autolog(out)
    assert not (store_dir / "mlflow-artifacts").exists()  # nothing on the server's disk
    import fsspec

    fs, root = fsspec.core.url_to_fs(bucket.rsplit("/", 1)[0] + "/mlflow-artifacts")
    stored = [p.rsplit("/", 1)[-1] for p in fs.find(root)]
    assert "notes.txt" in stored and "meta.json" in stored and "model.pkl" in stored
