"""``cairn export``: progress on stderr, a clear error for an unknown project, and an export
killed midway leaving no file that looks whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from cairn.cli.main import cli
from cairn.journal.records import History, Record, RunStart
from cairn.store import Store

T0 = 1_700_000_000.0


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _store(root: Path, runs: int, steps: int) -> Path:
    store = Store.local(root)
    for r in range(runs):
        records: list[Record] = [
            RunStart(seq=1, run_id=f"r{r:04d}", project="q", name=f"r{r}", created_at=T0 + r)
        ]
        records += [
            History(seq=2 + s, step=s, ts=T0 + s, values={"loss": 1 / (1 + s), f"k{r % 7}": s})
            for s in range(steps)
        ]
        store.apply(f"r{r:04d}", records)
    store.close()
    return root


def test_progress_goes_to_stderr_unless_quiet(tmp_path: Path) -> None:
    store_dir = _store(tmp_path / "store", runs=3, steps=4)
    result = invoke("export", "q", "--out", str(tmp_path / "a"), "--dir", str(store_dir))
    assert result.exit_code == 0, result.output
    assert "exported 3 / 3 runs, 12 rows" in result.stderr
    assert "3 runs and 12 points written" in result.stdout and "exported" not in result.stdout
    quiet = invoke("export", "q", "-q", "--out", str(tmp_path / "b"), "--dir", str(store_dir))
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert pq.read_table(tmp_path / "b" / "history.parquet").num_rows == 12


@pytest.mark.parametrize("format", ["parquet", "csv"])
def test_an_unknown_project_exits_1_and_writes_nothing(tmp_path: Path, format: str) -> None:
    store_dir = _store(tmp_path / "store", runs=1, steps=1)
    out = tmp_path / "out"
    result = invoke(
        "export", "nope", "--format", format, "--out", str(out), "--dir", str(store_dir)
    )
    assert result.exit_code == 1
    assert "no project named 'nope'" in result.output and "Traceback" not in result.output
    assert not out.exists()


def _killed_after_first_progress(store_dir: Path, out: Path, format: str) -> None:
    """Starts ``cairn export`` in a process, kills it (SIGKILL) once it reports progress."""
    command = [sys.executable, "-m", "cairn", "export", "q", "--format", format]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--dir", str(store_dir)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert process.stderr is not None
    line = process.stderr.readline()  # blocks until the first progress line (or the end)
    process.kill()
    process.wait(timeout=60)
    assert line.startswith(b"exported 1 / 300 runs"), line
    assert process.returncode == -9  # killed, not finished


@pytest.fixture(scope="module")
def bigger_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory.mktemp("bigger") / "store", runs=300, steps=100)


@pytest.mark.parametrize("format", ["parquet", "csv"])
def test_an_export_killed_midway_leaves_the_previous_files(
    bigger_store: Path, tmp_path: Path, format: str
) -> None:
    store_dir, out = bigger_store, tmp_path / "out"
    _killed_after_first_progress(store_dir, out, format)
    assert not (out / f"history.{format}").exists() and not (out / f"runs.{format}").exists()
    done = invoke(
        "export", "q", "-q", "--format", format, "--out", str(out), "--dir", str(store_dir)
    )
    assert done.exit_code == 0, done.output
    assert "300 runs and 30,000 points" in done.output
    before = {p.name: p.read_bytes() for p in out.glob(f"*.{format}")}
    _killed_after_first_progress(store_dir, out, format)
    assert {p.name: p.read_bytes() for p in out.glob(f"*.{format}")} == before
    if format == "parquet":
        assert pq.read_table(out / "history.parquet").num_rows == 30_000
