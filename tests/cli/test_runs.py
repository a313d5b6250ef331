"""``cairn runs ls`` and ``cairn runs show`` on a store filled by the real SDK."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tests.fakes.runs import make_run

import cairn
from cairn.cli.main import cli
from cairn.store.store import Store


def invoke(*args: str) -> Result:
    # a wide terminal, so rich lays every table row out on one line
    return CliRunner(env={"COLUMNS": "250"}).invoke(cli, list(args))


def assert_clean_error(result: Result, *words: str) -> None:
    """Failed with a message, not a traceback."""
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def strict_json(text: str) -> Any:
    """Parse JSON, refusing the NaN/Infinity tokens Python's json module lets through."""

    def refuse(token: str) -> None:
        raise ValueError(f"{token} is not JSON")

    return json.loads(text, parse_constant=refuse)


# ---- ls -------------------------------------------------------------------------------------


def test_ls_without_a_store_says_where_it_looked(store_dir: Path) -> None:
    result = invoke("runs", "ls")
    assert_clean_error(result, "no Cairn store", str(store_dir))


def test_ls_on_an_empty_store(store_dir: Path) -> None:
    Store.local(store_dir).close()
    result = invoke("runs", "ls")
    assert result.exit_code == 0, result.output
    assert "no runs yet" in result.output


def test_ls_lists_runs_newest_first(store_dir: Path) -> None:
    first = make_run(store_dir, "p", config={"lr": 0.1}, tags=["baseline"])
    second = make_run(store_dir, "q", steps=5, config={"lr": 0.01})
    result = invoke("runs", "ls")
    assert result.exit_code == 0, result.output
    out = result.output
    assert first.path in out and second.path in out
    assert out.index(second.path) < out.index(first.path)
    assert first.name in out and second.name in out
    assert "finished" in out and "baseline" in out
    assert "loss" in out.splitlines()[0] and "acc" in out.splitlines()[0]
    row = next(line for line in out.splitlines() if second.path in line)
    assert " 5 " in row and "0.2" in row  # steps, last loss 1/5


def test_ls_project_only_shows_that_project(store_dir: Path) -> None:
    mine = make_run(store_dir, "p")
    other = make_run(store_dir, "q")
    for flag in ("--project", "-p"):
        result = invoke("runs", "ls", flag, "p")
        assert result.exit_code == 0, result.output
        assert mine.path in result.output and other.path not in result.output


def test_ls_filter_order_and_limit(store_dir: Path) -> None:
    small = make_run(store_dir, "p", config={"lr": 0.001})
    big = make_run(store_dir, "p", config={"lr": 0.1})
    result = invoke("runs", "ls", "--filter", "config.lr < 0.01")
    assert result.exit_code == 0, result.output
    assert small.path in result.output and big.path not in result.output
    result = invoke("runs", "ls", "--order", "config.lr", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert small.path in result.output and big.path not in result.output
    result = invoke("runs", "ls", "-o", "-config.lr", "-n", "1")
    assert big.path in result.output and small.path not in result.output


def test_ls_says_when_a_filter_matches_nothing(store_dir: Path) -> None:
    make_run(store_dir, "p", config={"lr": 0.1})
    result = invoke("runs", "ls", "--filter", "config.lr > 5")
    assert result.exit_code == 0, result.output
    assert "no runs match" in result.output


def test_ls_with_a_bad_filter_is_a_clean_error(store_dir: Path) -> None:
    make_run(store_dir, "p")
    result = invoke("runs", "ls", "--filter", "config.lr <<< 3")
    assert_clean_error(result, "Error")


def test_ls_prints_brackets_in_user_text_as_they_are(store_dir: Path) -> None:
    run = make_run(store_dir, "p", name="net[v2]", tags=["a[b]"], values={"acc[top1]": 0.5})
    result = invoke("runs", "ls")
    assert result.exit_code == 0, result.output
    assert run.path in result.output
    for text in ("net[v2]", "a[b]", "acc[top1]"):
        assert text in result.output, result.output


def sweep_like_project(store_dir: Path) -> None:
    """A prepare-data run with an empty config, then swept runs with constant data.* keys and
    gradient norms in their summaries."""
    make_run(store_dir, "digits", name="prepare-data", config={}, steps=1)
    data = {"data": {"name": "digits", "val_fraction": 0.2}, "batch_size": 64}
    for lr in (0.1, 0.01):
        for width in (32, 128):
            make_run(
                store_dir,
                "digits",
                name=f"trial-lr{lr}-w{width}",
                config={**data, "lr": lr, "model": {"width": width}},
                values={"gradients/fc1.weight": 0.5, "grad_norm": 1.5, "val/acc": 0.9},
            )


def narrow(*args: str, columns: int) -> Result:
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(cli, list(args))


@pytest.mark.parametrize("columns", [80, 200])
def test_ls_fits_the_terminal_without_wrapping_names_or_dates(
    store_dir: Path, columns: int
) -> None:
    sweep_like_project(store_dir)
    result = narrow("runs", "ls", "-p", "digits", columns=columns)
    assert result.exit_code == 0, result.output
    lines = result.output.rstrip("\n").splitlines()
    assert max(len(line) for line in lines) <= columns, result.output
    assert len(lines) == 1 + 5, result.output  # a header and one line per run: nothing wraps
    assert re.search(r"trial-lr0\.01-w128 .* \d{4}-\d\d-\d\d \d\d:\d\d", result.output)
    header = lines[0].split()
    # the workspace's rule: the swept keys first, constant data.* keys and gradient norms never
    assert {"lr", "val/acc"} <= set(header), result.output
    assert not {"data.name", "batch_size", "grad_norm", "gradients/fc1.weight"} & set(header)
    if columns == 200:
        assert {"model.width", "runtime", "steps"} <= set(header), result.output


# ---- show -----------------------------------------------------------------------------------


def test_show_a_run(store_dir: Path) -> None:
    run = make_run(
        store_dir, "p", steps=4, config={"lr": 0.1, "opt": "adam"}, tags=["t1"], notes="hi"
    )
    result = invoke("runs", "show", run.path)
    assert result.exit_code == 0, result.output
    out = result.output
    assert run.name in out and run.path in out and "finished" in out
    assert "4 rows, last step 3" in out
    assert "tags: t1" in out and "notes: hi" in out
    assert '"lr": 0.1' in out and '"opt": "adam"' in out
    assert "loss" in out and "0.25" in out


def test_show_by_bare_id(store_dir: Path) -> None:
    run = make_run(store_dir, "p")
    result = invoke("runs", "show", run.id)
    assert result.exit_code == 0, result.output
    assert run.path in result.output


def test_show_json(store_dir: Path) -> None:
    run = make_run(store_dir, "p", steps=2, config={"lr": 0.1}, tags=["x"])
    result = invoke("runs", "show", run.path, "--json")
    assert result.exit_code == 0, result.output
    data = strict_json(result.output)
    assert data["id"] == run.id and data["project"] == "p" and data["name"] == run.name
    assert data["state"] == "finished" and data["config"] == {"lr": 0.1}
    assert data["tags"] == ["x"] and data["history_rows"] == 2 and data["last_step"] == 1
    assert data["summary"] == {"loss": 0.5, "acc": 0.1}
    assert sorted(data["history_keys"]) == ["acc", "loss"]


def test_show_json_with_non_finite_values_is_valid_json(store_dir: Path) -> None:
    values = {"nan": math.nan, "up": math.inf, "down": -math.inf}
    run = make_run(store_dir, "p", values=values)
    result = invoke("runs", "show", run.path, "--json")
    assert result.exit_code == 0, result.output
    summary = strict_json(result.output)["summary"]
    assert summary["nan"] == "NaN" and summary["up"] == "Infinity"
    assert summary["down"] == "-Infinity"


def test_show_prints_brackets_in_user_text_as_they_are(store_dir: Path) -> None:
    run = make_run(store_dir, "p", notes="x = data[idx] and [/] too", values={"acc[top1]": 0.5})
    result = invoke("runs", "show", run.path)
    assert result.exit_code == 0, result.output
    assert "x = data[idx] and [/] too" in result.output
    assert "acc[top1]" in result.output


def test_show_a_failed_run_shows_its_error(store_dir: Path) -> None:
    with pytest.raises(ZeroDivisionError), cairn.init(project="p", dir=store_dir) as run:
        run.log({"loss": 1.0})
        raise ZeroDivisionError("boom[1]")
    result = invoke("runs", "show", run.path)
    assert result.exit_code == 0, result.output
    assert "failed" in result.output and "exit code: 1" in result.output
    assert "ZeroDivisionError: boom[1]" in result.output


@pytest.mark.parametrize("ref", ["p/nosuchrun", "nosuchrun", "other/x"])
def test_show_an_unknown_run_is_a_clean_error(store_dir: Path, ref: str) -> None:
    make_run(store_dir, "p")
    result = invoke("runs", "show", ref)
    assert_clean_error(result, "no run matches", ref, "cairn runs ls")


def test_show_without_a_store_is_a_clean_error(store_dir: Path) -> None:
    result = invoke("runs", "show", "p/x")
    assert_clean_error(result, "no Cairn store")


def test_dir_option_overrides_cairn_dir(store_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    run = make_run(elsewhere, "p")
    assert invoke("runs", "show", run.path).exit_code != 0  # not in $CAIRN_DIR's store
    result = invoke("runs", "show", run.path, "--dir", str(elsewhere))
    assert result.exit_code == 0, result.output
    result = invoke("runs", "ls", "--dir", str(elsewhere))
    assert run.path in result.output
