"""An artifact pipeline as W&B users write it: a dataset logged by one run, used by the next
(``entity/project/name:alias``, ``type=``), downloaded, a model logged from a path; run files
kept with ``wandb.save`` and ``run.dir``, read back with ``restore`` and the public API."""

from __future__ import annotations

import os
from pathlib import Path

from tests.compat.conftest import Script

import cairn

PIPELINE = """
import os
from pathlib import Path

import cairn.compat.wandb as wandb

Path("raw").mkdir()
Path("raw/a.csv").write_text("x,y\\n1,2\\n")
Path("raw/sub").mkdir()
Path("raw/sub/b.csv").write_text("x,y\\n3,4\\n")
Path("labels.txt").write_text("cat\\ndog\\n")

with wandb.init(project="pipe", entity="lab", job_type="prepare") as run:
    data = wandb.Artifact("digits", type="dataset", description="raw digits", metadata={"rows": 2})
    data.add_dir("raw", name="csv")
    data.add_file(local_path="labels.txt", name="meta/labels.txt")
    with data.new_file("README.md") as f:
        f.write("two tables")
    data.add_reference(Path("labels.txt").resolve().as_uri(), name="ref/labels.txt")
    logged = run.log_artifact(data, aliases=["raw"])
    logged.wait()
    print("LOGGED", logged.name, logged.version, sorted(logged.aliases))

run = wandb.init(project="pipe", entity="lab", job_type="train")
used = wandb.use_artifact("lab/pipe/digits:raw", type="dataset")
folder = used.download(root="data")
print("FILES", sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file()))
print("ONE", used.get_path("meta/labels.txt").download())
try:
    wandb.use_artifact("digits:latest", type="model")
except ValueError as exc:
    print("TYPE", "is of type 'dataset'" in str(exc))

Path("model.pt").write_bytes(b"weights")
model = wandb.log_artifact("model.pt", name="mlp", type="model", aliases=["best"])
print("FILE", Path(model.wait().file("m")).read_bytes())
Path("ckpt").mkdir()
Path("ckpt/epoch1.txt").write_text("e1")
Path("ckpt/epoch2.txt").write_text("e2")
wandb.save("ckpt/*.txt")
Path(run.dir, "notes.txt").write_text("written into run.dir")
code = run.log_code(".", include_fn=lambda path: path.endswith("train.py"))
print("CODE", [e.name for e in code.wait().files()])
wandb.finish()
print("RUN", run.id)
"""

RESTORE = """
import sys
from pathlib import Path

import cairn.compat.wandb as wandb

run_id = sys.argv[1] if len(sys.argv) > 1 else open("run_id").read()
with wandb.restore("ckpt/epoch2.txt", run_path=f"lab/pipe/{run_id}", root="restored") as f:
    print("RESTORED", f.read())
model = wandb.Api().artifact("lab/pipe/mlp:best", type="model")
print("API", model.name, model.type, model.qualified_name, Path(model.file("api-got")).read_bytes())
try:
    wandb.Api().artifact("lab/pipe/mlp:best", type="dataset")
except ValueError as exc:
    print("APITYPE", "of type 'model'" in str(exc))
"""


def test_an_artifact_pipeline_runs_unchanged(
    script: Script, store_dir: Path, tmp_path: Path
) -> None:
    out = script(PIPELINE).stdout
    assert "LOGGED digits:v0 v0 ['latest', 'raw']" in out
    assert (
        "FILES ['README.md', 'csv/a.csv', 'csv/sub/b.csv', 'meta/labels.txt', 'ref/labels.txt']"
        in out
    )  # exactly the artifact's files: no index file in the download folder
    assert "ONE artifacts/digits:v0/meta/labels.txt" in out  # W&B's default folder
    assert "TYPE True" in out
    assert "FILE b'weights'" in out
    assert "CODE ['train.py']" in out
    run_id = out.split("RUN ")[1].split()[0]

    api = cairn.Api()
    data = api.artifact("pipe/digits:raw")
    assert data.type == "dataset" and data.metadata == {"rows": 2}
    assert data.used_by() == [run_id]
    model = api.artifact("pipe/mlp:best")
    assert model.type == "model" and model.logged_by() == [run_id]
    kept = {a.name: a for a in api.run(f"pipe/{run_id}").logged_artifacts()}
    assert {"mlp", f"run-{run_id}-files", f"source-pipe-{run_id}"} <= set(kept)
    files = {f["path"] for f in kept[f"run-{run_id}-files"].files()}
    assert files == {"ckpt/epoch1.txt", "ckpt/epoch2.txt", "notes.txt"}

    (tmp_path / "run_id").write_text(run_id)
    restored = script(RESTORE, name="restore.py").stdout
    assert "RESTORED e2" in restored
    assert "API mlp:v0 model pipe/mlp:v0 b'weights'" in restored
    assert "APITYPE True" in restored
    assert (tmp_path / "restored" / "ckpt" / "epoch2.txt").read_text() == "e2"
    assert sorted(os.listdir(tmp_path / "data")) == ["README.md", "csv", "meta", "ref"]
