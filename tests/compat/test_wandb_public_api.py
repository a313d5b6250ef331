"""The public API as W&B users query it: ``Api().runs("entity/project", filters={MongoDB},
order=)``, ``run.summary._json_dict``, ``history``, ``scan_history``, ``run.config``, a summary
edited and saved with ``run.update()``, ``run.files()`` and ``run.file(name).download()``."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tests.compat.conftest import Script

import cairn
from cairn.server.app import create_app
from cairn.store.store import Store

MAKE_RUNS = """
from pathlib import Path
import cairn.compat.wandb as wandb

for i, (lr, acc, tags) in enumerate([(0.1, 0.7, ["base"]), (0.01, 0.9, ["best", "base"]), (0.001, 0.8, [])]):
    run = wandb.init(project="q", entity="lab", name=f"run-{i}", config={"lr": lr, "model": {"width": 8 * (i + 1)}}, tags=tags, reinit=True)
    for step in range(10):
        wandb.log({"acc": acc * (step + 1) / 10, "loss": 1 - acc * (step + 1) / 10})
    Path(run.dir, "weights.txt").write_text(f"weights of run {i}")
    print("RUN", i, run.id)
    wandb.finish(exit_code=1 if i == 2 else 0)
"""

QUERY = """
import cairn.compat.wandb as wandb

api = wandb.Api()
def names(runs):
    return [r.name for r in runs]

print("ALL", names(api.runs("lab/q")))
print("PROJECT", names(api.runs("q", order="-summary_metrics.acc")))
print("AND", names(api.runs("lab/q", filters={"$and": [{"config.lr": {"$lt": 0.05}}, {"summary_metrics.acc": {"$gt": 0.85}}]})))
print("OR", names(api.runs("lab/q", filters={"$or": [{"config.lr.value": 0.1}, {"config.model.width": {"$gte": 24}}]})))
print("IN", names(api.runs("lab/q", filters={"config.lr": {"$in": [0.1, 0.001]}})))
print("TAGS", names(api.runs("lab/q", filters={"tags": {"$in": ["best"]}})))
print("TAG", names(api.runs("lab/q", filters={"tags": "base"})))
print("STATE", names(api.runs("lab/q", filters={"state": "failed"})))
print("REGEX", names(api.runs("lab/q", filters={"display_name": {"$regex": "run-[01]"}})))
print("CREATED", names(api.runs("lab/q", filters={"created_at": {"$gt": "2000-01-01T00:00:00Z"}})))
paged = api.runs("lab/q", per_page=2)  # lazy, as W&B's Runs: len, indexing, slices, loops
print("PAGED", len(paged), paged[2].name, paged[-1].name, names(paged[:2]), names(paged), bool(paged))

run = api.run(f"lab/q/{api.runs('q', filters={'display_name': 'run-1'})[0].id}")
print("SUMMARY", round(run.summary._json_dict["acc"], 3), run.config["lr"], run.config["model"])
print("HISTORY", len(run.history()), len(run.history(samples=4)), run.history(keys=["acc"], pandas=False)[0]["_step"])
print("SCAN", [round(r["acc"], 2) for r in run.scan_history(keys=["acc"], min_step=7)])
run.summary["best_acc"] = 0.95
run.summary["acc"] = 0.91
run.name = "renamed"
run.tags.append("reviewed")
run.update()
print("FILES", [f.name for f in run.files()])
with run.file("weights.txt").download(root="got", replace=True) as f:
    print("WEIGHTS", f.read())
"""


def test_the_public_api_reads_runs_as_wandb_scripts_expect(script: Script, store_dir: Path) -> None:
    made = script(MAKE_RUNS).stdout
    ids = {line.split()[1]: line.split()[2] for line in made.splitlines() if line.startswith("RUN")}
    out = dict(line.split(" ", 1) for line in script(QUERY, name="query.py").stdout.splitlines())
    assert out["ALL"] == "['run-0', 'run-1', 'run-2']"  # W&B's default order: oldest first
    assert out["PROJECT"] == "['run-1', 'run-2', 'run-0']"
    assert out["AND"] == "['run-1']"
    assert out["OR"] == "['run-0', 'run-2']"
    assert out["IN"] == "['run-0', 'run-2']"
    assert out["TAGS"] == "['run-1']"
    assert out["TAG"] == "['run-0', 'run-1']"
    assert out["STATE"] == "['run-2']"
    assert out["REGEX"] == "['run-0', 'run-1']"
    assert out["CREATED"] == "['run-0', 'run-1', 'run-2']"
    assert out["PAGED"] == "3 run-2 run-2 ['run-0', 'run-1'] ['run-0', 'run-1', 'run-2'] True"
    assert out["SUMMARY"] == "0.9 0.01 {'width': 16}"
    assert out["HISTORY"] == "10 4 0"
    assert out["SCAN"] == "[0.72, 0.81, 0.9]"
    assert out["FILES"] == "['weights.txt']"
    assert out["WEIGHTS"] == "weights of run 1"

    saved = cairn.Api().run(f"q/{ids['1']}")
    assert saved.summary["best_acc"] == 0.95 and saved.summary["acc"] == 0.91
    assert saved.name == "renamed" and "reviewed" in saved.tags
    app = create_app(Store.local(store_dir), allowed_hosts=["testserver"])
    shown = TestClient(app).get(f"/api/v1/projects/q/runs/{ids['1']}")
    assert shown.status_code == 200  # the dashboard's API shows the edit
    assert shown.json()["summary"]["best_acc"] == 0.95 and shown.json()["name"] == "renamed"
