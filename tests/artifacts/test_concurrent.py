"""Runs in separate processes logging the same artifact name at once on one SQLite store get
distinct versions: the store assigns them inside its write transaction."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import cairn

PROCESSES = 6

CHILD = textwrap.dedent(
    """
    import sys, pathlib, cairn
    worker = sys.argv[1]
    path = pathlib.Path(sys.argv[2]) / f"weights-{worker}.bin"
    path.write_bytes(worker.encode() * 1000)
    sys.stdin.readline()  # start together
    with cairn.init(project="race") as run:
        art = cairn.Artifact("model", type="model")
        art.add_file(path, name="weights.bin")
        print(run.log_artifact(art).version)
    """
)


def test_concurrent_logging_gets_distinct_versions(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "CAIRN_DIR": str(tmp_path / ".cairn")}
    children = [
        subprocess.Popen(
            [sys.executable, str(script), str(i), str(tmp_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    versions = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        versions.append(out.strip().splitlines()[-1])
    assert sorted(versions) == sorted(f"v{i}" for i in range(PROCESSES))
    stored = cairn.Api(tmp_path / ".cairn").artifact("race/model:latest").versions()
    assert sorted(v.version or "" for v in stored) == sorted(versions)
    assert len({v.digest for v in stored}) == PROCESSES
