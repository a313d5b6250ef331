"""Many processes logging into one SQLite store at once: every row arrives, no 'database is locked'."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import cairn

PROCESSES = 8
ROWS = 20_000

CHILD = textwrap.dedent(
    """
    import sys, cairn
    worker = int(sys.argv[1])
    run = cairn.init(project="swarm", id=f"worker{worker}", config={"worker": worker})
    for step in range(int(sys.argv[2])):
        run.log({"loss": 1.0 / (step + 1), "worker": worker, "step_copy": step})
    run.finish()
    """
)


def test_eight_processes_log_into_one_store(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    store_dir = tmp_path / ".cairn"
    env = {**os.environ, "CAIRN_DIR": str(store_dir), "CAIRN_FINISH_TIMEOUT": "240"}
    children = [
        subprocess.Popen(
            [sys.executable, str(script), str(worker), str(ROWS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for worker in range(PROCESSES)
    ]
    outputs = [child.communicate(timeout=280) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert "locked" not in err.lower() and "Traceback" not in err, err
        assert "stored in" in err, f"the run did not reach the store before finish returned:\n{err}"

    api = cairn.Api(store_dir)
    runs = api.runs("swarm")
    assert sorted(r.id for r in runs) == [f"worker{w}" for w in range(PROCESSES)]
    assert api.projects()[0].run_count == PROCESSES
    for run in runs:
        assert run.state == "finished"
        history = run.history()
        assert len(history) == ROWS
        assert history["_step"].tolist() == list(range(ROWS))
        assert history["step_copy"].tolist() == [float(s) for s in range(ROWS)]
        assert set(history["worker"]) == {float(run.config["worker"])}
        assert run.summary["loss"] == 1.0 / ROWS
    names = {r.name.rsplit("-", 1)[1] for r in runs}
    assert names == {str(n) for n in range(1, PROCESSES + 1)}, "per-project counters are unique"
