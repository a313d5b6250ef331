"""``cairn import wandb``: offline runs written by the real W&B client (``.venv-wandb``) come into
the store with their config, every history value, summary, media, console and files; importing
again changes nothing, and a torn log is imported up to the tear, with a warning."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from tests.fakes.commands import cairn as cairn_command

import cairn
from cairn.importers import stable_run_id
from cairn.importers.wandb import WandbImportError, import_wandb, scan
from cairn.importers.wandb_log import LogReader, decode
from cairn.store import Store

ROOT = Path(__file__).resolve().parents[2]
WANDB_PYTHON = ROOT / ".venv-wandb" / "bin" / "python"
STEPS = 50

WRITE = """
import sys
import numpy as np
import wandb

run = wandb.init(
    project="digits",
    name="baseline",
    notes="first <b>try</b>",
    group="lr-sweep",
    job_type="train",
    tags=["mlp", "small"],
    config={"lr": 0.1, "model": {"depth": 3, "kind": "mlp"}, "early": True},
)
run.config.update({"batch": 32, "blob": "x" * 70_000})  # a record across 3 blocks
run.define_metric("val/*", summary="max")
for step in range(50):
    run.log({"loss": 1 / (step + 1), "acc": step / 50, "val": {"loss": 2 / (step + 1)}})
pixels = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
run.log({"sample": wandb.Image(pixels, caption="four by four"),
         "pair": [wandb.Image(pixels, caption="a"), wandb.Image(255 - pixels, caption="b")],
         "weights": wandb.Histogram(np_histogram=([1, 2, 3], [0.0, 0.5, 1.0, 1.5])),
         "flag": True, "status": "ok"})
run.log({"preds": wandb.Table(columns=["id", "label"], data=[[1, "cat"], [2, "dog"]])})
print("hello from wandb")
with open("notes.txt", "w") as f:
    f.write("saved with the run")
run.save("notes.txt", policy="now")
run.summary["acc"] = 0.5  # overrides the last logged value
run.summary["best"] = 0.99  # never logged
run.finish()

failed = wandb.init(  # its console as lines, where the first run's was the raw stream
    project="digits", name="broken", config={"lr": 1.0}, settings=wandb.Settings(console="wrap_emu")
)
failed.log({"loss": float("nan")})
print("one\\ntwo")
failed.finish(exit_code=2)
"""


def wandb_offline(tmp: Path) -> Path:
    """Run WRITE with the real client, offline, in ``tmp``; its ``wandb`` folder."""
    if not WANDB_PYTHON.exists():
        pytest.fail(f"{WANDB_PYTHON} is missing: `make wandb-venv` makes it (make test does)")
    done = subprocess.run(
        [str(WANDB_PYTHON), "-c", WRITE],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp),
            "WANDB_MODE": "offline",
            "WANDB_SILENT": "true",
            "WANDB_DISABLE_GIT": "true",
            "WANDB_X_DISABLE_STATS": "true",
            "WANDB_CONSOLE": "wrap_raw",
        },
    )
    assert done.returncode == 0, done.stderr
    return tmp / "wandb"


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``wandb`` folder with two offline runs: ``baseline`` (finished) and ``broken``."""
    return wandb_offline(tmp_path_factory.mktemp("w"))


def folders(wandb_dir: Path) -> dict[str, Path]:
    """The offline run folders by the name of the run they hold."""
    found = {scan(log).name: log.parent for log in wandb_dir.glob("offline-run-*/*.wandb")}
    assert sorted(found) == ["baseline", "broken"]
    return found


def test_offline_runs_come_in_whole(offline: Path, store_dir: Path) -> None:
    made = cairn_command("import", "wandb", str(offline))
    assert "2 runs imported" in made.stdout and "0 already there" in made.stdout
    assert "imported digits/baseline" in made.stderr  # progress, run by run
    assert "status" in made.stderr  # the string logged is named as left out

    api = cairn.Api(dir=store_dir)
    runs = {r.name: r for r in api.runs("digits")}
    assert set(runs) == {"baseline", "broken"}
    run = runs["baseline"]
    assert run.state == "finished"
    assert run.notes == "first <b>try</b>" and run.tags == ["mlp", "small"]
    assert (run.group, run.job_type) == ("lr-sweep", "train")
    config = dict(run.config)
    assert config.pop("blob") == "x" * 70_000
    assert config == {"lr": 0.1, "model": {"depth": 3, "kind": "mlp"}, "early": True, "batch": 32}

    history = run.history(keys=["loss", "acc", "val/loss", "flag"])
    rows = history[history["_step"] < STEPS]
    assert rows["_step"].tolist() == list(range(STEPS))
    assert rows["loss"].tolist() == [1 / (s + 1) for s in range(STEPS)]
    assert rows["acc"].tolist() == [s / 50 for s in range(STEPS)]
    assert rows["val/loss"].tolist() == [2 / (s + 1) for s in range(STEPS)]
    assert history[history["_step"] == STEPS]["flag"].tolist() == [1.0]
    stamps = history["_timestamp"].tolist()
    assert stamps == sorted(stamps) and stamps[0] >= run.created_at > 1e9

    summary = run.summary
    assert summary["acc"] == 0.5 and summary["best"] == 0.99  # set explicitly in W&B
    assert summary["loss"] == 1 / STEPS
    assert summary["val/loss"] == 2.0 and "val/loss/max" not in summary  # by its rule
    assert {"name": "val/*", "summary": "max", "step_metric": None} in run.info.metric_defs
    assert summary["status"] == "ok"  # not history, but W&B's summary keeps it
    assert not any(k.startswith("_wandb") or k == "_runtime" for k in summary)

    kinds = {m.key: m.kind for m in run.media_keys()}
    assert kinds == {"sample": "image", "pair": "image", "weights": "histogram", "preds": "table"}
    [image] = run.media("sample")
    assert image.step == STEPS and image.caption == "four by four"
    pixels = np.asarray(image.image())
    assert pixels.shape == (4, 4, 3) and pixels.ravel().tolist() == list(range(48))
    first, second = run.media("pair")  # a gallery
    assert (first.index, second.index, first.step) == (0, 1, STEPS)
    assert (first.caption, second.caption) == ("a", "b")
    assert np.asarray(second.image()).ravel().tolist() == [255 - v for v in range(48)]
    [histogram] = run.histograms("weights")
    assert histogram.counts == [1, 2, 3] and histogram.edges == [0.0, 0.5, 1.0, 1.5]
    table = run.table("preds")
    assert table.to_dict("list") == {"id": [1, 2], "label": ["cat", "dog"]}

    assert [line.text for line in run.console()] == ["hello from wandb"]
    [files] = run.logged_artifacts()
    paths = [f["path"] for f in files.files()]
    assert "notes.txt" in paths and "requirements.txt" in paths
    assert not any(p.startswith("media/") for p in paths)  # those became media

    broken = runs["broken"]
    assert broken.state == "failed" and "code 2" in (broken.error or "")
    assert math.isnan(broken.history(keys=["loss"])["loss"].iloc[0])
    assert broken.config == {"lr": 1.0}
    assert [line.text for line in broken.console()] == ["one", "two"]


def test_importing_again_changes_nothing(offline: Path, store_dir: Path) -> None:
    cairn_command("import", "wandb", str(offline))
    api = cairn.Api(dir=store_dir)
    before = {r.id: (r.summary, r.history().to_dict("list")) for r in api.runs("digits")}
    again = cairn_command("import", "wandb", str(offline))
    assert "0 runs imported" in again.stdout and "2 already there" in again.stdout
    after = {r.id: (r.summary, r.history().to_dict("list")) for r in api.runs("digits")}
    assert after.keys() == before.keys()
    assert repr(after) == repr(before)  # NaN-safe comparison
    # one run's folder alone, or its .wandb file, names the same run
    folder = folders(offline)["baseline"]
    alone = cairn_command("import", "wandb", str(folder), "--project", "digits")
    assert "1 already there" in alone.stdout
    log = next(folder.glob("*.wandb"))
    assert "1 already there" in cairn_command("import", "wandb", str(log)).stdout
    assert "2 already there" in cairn_command("import", "wandb", str(offline.parent)).stdout


def test_a_torn_log_imports_what_came_before_the_tear(
    offline: Path, tmp_path: Path, store_dir: Path
) -> None:
    folder = tmp_path / "wandb" / folders(offline)["baseline"].name
    shutil.copytree(folders(offline)["baseline"], folder)
    log = next(folder.glob("*.wandb"))
    starts = [offset for offset, payload in LogReader(log) if "history" in decode(payload)]
    with open(log, "r+b") as f:  # cut inside the record of step 20
        f.truncate(starts[20] + 10)
    made = cairn_command("import", "wandb", str(folder))
    assert "1 runs imported" in made.stdout
    assert "torn record" in made.stderr and "the records before it are imported" in made.stderr

    [run] = cairn.Api(dir=store_dir).runs("digits")
    assert run.state in ("running", "crashed")  # no exit record: it may still be writing
    assert run.history(keys=["loss"])["_step"].tolist() == list(range(20))
    assert run.config["lr"] == 0.1

    shutil.copy(folders(offline)["baseline"] / log.name, log)  # the run went on and ended
    again = cairn_command("import", "wandb", str(folder))
    assert "1 runs imported" in again.stdout  # not skipped: it had not ended
    [run] = cairn.Api(dir=store_dir).runs("digits")
    assert run.state == "finished"
    assert len(run.history(keys=["loss"])) == STEPS


def test_a_corrupt_chunk_stops_the_read_and_says_where(offline: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(folders(offline)["broken"], folder)
    log = next(folder.glob("*.wandb"))
    data = bytearray(log.read_bytes())
    data[len(data) // 2] ^= 0xFF
    log.write_bytes(bytes(data))
    store = Store.local(tmp_path / ".cairn")
    try:
        done = import_wandb(store, folder)
    finally:
        store.close()
    assert len(done.runs) == 1
    [warning] = [w for w in done.warnings if log.name in w]
    assert "byte " in warning and ("CRC mismatch" in warning or "corrupt" in warning)


def test_what_is_not_a_wandb_run_is_refused_with_the_reason(tmp_path: Path) -> None:
    store = Store.local(tmp_path / ".cairn")
    try:
        with pytest.raises(WandbImportError, match="no W&B runs"):
            import_wandb(store, tmp_path)
        (tmp_path / "run-x.wandb").write_bytes(b"PK\x03\x04 not a log")
        with pytest.raises(WandbImportError, match="not a W&B transaction log"):
            import_wandb(store, tmp_path)
    finally:
        store.close()


def test_run_ids_are_stable_per_folder_and_project() -> None:
    key = "offline-run-20261205_120000-abc123/run-abc123.wandb"
    assert stable_run_id("wandb", "p", key) == stable_run_id("wandb", "p", key)
    assert stable_run_id("wandb", "p", key) != stable_run_id("wandb", "q", key)
    assert os.sep not in stable_run_id("wandb", "p", key)


def test_a_missing_media_file_is_named_and_the_rest_comes_in(offline: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(folders(offline)["baseline"], folder)
    [image] = (folder / "files" / "media" / "images").glob("sample_*")
    image.unlink()
    store = Store.local(tmp_path / ".cairn")
    try:
        done = import_wandb(store, folder)
        [run] = cairn.Api(dir=tmp_path / ".cairn").runs("digits")
        assert {m.key for m in run.media_keys()} == {"pair", "weights", "preds"}
    finally:
        store.close()
    [warning] = [w for w in done.warnings if "left out" in w]
    assert "sample (image-file not imported: its file" in warning and "is missing" in warning
