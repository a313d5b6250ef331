"""``cairn sql`` (a table in the terminal, CSV to stdout, Parquet to a file) and ``cairn export``;
clear errors, never a traceback."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

import cairn
from cairn.cli.main import cli

pytest.importorskip("duckdb")


def invoke(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, list(args))


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    for lr in (0.1, 0.01):
        run = cairn.init(project="q", dir=tmp_path, config={"lr": lr}, name=f"lr-{lr}")
        for step in range(5):
            run.log({"loss": lr * (5 - step)})
        run.finish(quiet=True)
    return tmp_path


def test_a_query_prints_a_table(store_dir: Path) -> None:
    result = invoke("sql", 'SELECT name, "config.lr" FROM runs ORDER BY 2', "--dir", str(store_dir))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "lr-0.01" in lines[2] and "lr-0.1" in lines[3]
    assert lines[-1] == "2 rows"


def test_csv_to_stdout_and_parquet_to_a_file(store_dir: Path, tmp_path: Path) -> None:
    statement = "SELECT run_id, sum(loss) AS total FROM history GROUP BY 1 ORDER BY 2"
    result = invoke("sql", statement, "--format", "csv", "--dir", str(store_dir))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [float(r["total"]) for r in rows] == pytest.approx([0.15, 1.5])
    out = tmp_path / "out.parquet"
    result = invoke(
        "sql", statement, "--format", "parquet", "--out", str(out), "--dir", str(store_dir)
    )
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).num_rows == 2


def test_errors_are_messages_not_tracebacks(store_dir: Path) -> None:
    for statement, message in (
        ("DROP VIEW runs", "cairn sql only reads"),
        ("SELECT * FROM nope", "nope"),
    ):
        result = invoke("sql", statement, "--dir", str(store_dir))
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
    result = invoke("sql", "SELECT 1", "--format", "parquet", "--dir", str(store_dir))
    assert result.exit_code == 2 and "--out" in result.output


def test_export_writes_the_project_and_says_what(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "exported"
    result = invoke("export", "q", "--out", str(out), "--dir", str(store_dir))
    assert result.exit_code == 0, result.output
    assert "2 runs and 10 points written" in result.output
    assert pq.read_table(out / "history.parquet").num_rows == 10
    bad = invoke("export", "q", "--filter", "config.lr <", "--dir", str(store_dir))
    assert bad.exit_code == 1 and "Traceback" not in bad.output
