"""``cairn reproduce`` end to end: a real training script in a real git repository, trained,
then re-run from its capture in the current environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.fakes.repos import DETERMINISTIC, UNSEEDED, full_capture, make_repo, run_script

import cairn
from cairn.cli.main import cli


def reproduce(store_dir: Path, *args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["reproduce", *args, "--dir", str(store_dir)]
    )


def train(tmp_path: Path, script: str, *args: str) -> tuple[Path, cairn.ApiRun]:
    repo = make_repo(tmp_path / "repo", {"train.py": script, "README.md": "# demo\n"})
    (repo / "README.md").write_text("# demo, edited\n")  # a dirty tree: the diff is applied
    store_dir = tmp_path / "store"
    run_script(repo / "train.py", *args, store_dir=store_dir)
    return store_dir, cairn.Api(store_dir).runs("repro")[0]


@pytest.fixture(autouse=True)
def _capture(monkeypatch: pytest.MonkeyPatch) -> None:
    full_capture(monkeypatch)


@pytest.fixture(scope="module")
def deterministic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One run of the deterministic script, shared by the tests that only reproduce it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        full_capture(monkeypatch)
        store_dir, original = train(tmp_path_factory.mktemp("det"), DETERMINISTIC, "--lr", "0.05")
    return store_dir, original.path


def test_a_deterministic_script_matches_every_metric_exactly(
    deterministic: tuple[Path, str],
) -> None:
    store_dir, path = deterministic
    original = cairn.Api(store_dir).run(path)
    result = reproduce(store_dir, original.path, "--env", "current")
    assert result.exit_code == 0, result.output
    assert "trained 40 steps" in result.output, "the reproduction's output is shown"
    assert "reproduced" in result.output and "not reproduced" not in result.output
    for key in ("train/loss", "val/mse", "w0"):
        assert key in result.output
    api = cairn.Api(store_dir)
    comparison = api.run(original.path).comparisons()[0]
    assert comparison.verdict == "reproduced"
    assert {m["key"]: m["status"] for m in comparison.metrics} == {
        "train/loss": "exact",
        "val/mse": "exact",
        "w0": "exact",
    }
    copy = api.run(original.path).reproductions()[0]
    assert copy.reproduction_of == original.path and copy.project == original.project
    assert copy.summary == original.summary and copy.config == original.config
    assert copy.capture["git"]["commit"] == original.capture["git"]["commit"]
    assert copy.capture["git"]["diff"] == original.capture["git"]["diff"]
    report = Path(comparison.details["workdir"]) / "reproduction.md"
    assert report.read_text() == comparison.report
    assert "**Verdict: reproduced**: all 3 summary metrics match (3 exactly)." in comparison.report


def test_an_unseeded_metric_is_named_as_not_reproduced(tmp_path: Path) -> None:
    store_dir, original = train(tmp_path, UNSEEDED)
    result = reproduce(store_dir, original.path, "--env", "current")
    assert result.exit_code == 3, result.output
    assert "not reproduced: jitter differ" in result.output
    (comparison,) = cairn.Api(store_dir).run(original.path).comparisons()
    statuses = {m["key"]: m["status"] for m in comparison.metrics}
    assert statuses == {
        "jitter": "differs",
        "train/loss": "exact",
        "val/mse": "exact",
        "w0": "exact",
    }
    assert "these metrics differ: `jitter`" in comparison.report


def test_three_seeds_report_a_spread(deterministic: tuple[Path, str]) -> None:
    store_dir, path = deterministic
    original = cairn.Api(store_dir).run(path)
    result = reproduce(store_dir, original.path, "--env", "current", "--seeds", "3")
    assert "mean ± sd [min, max] of 3" in result.output, result.output
    api = cairn.Api(store_dir)
    comparison = api.run(original.path).comparisons()[0]
    copies = api.run(original.path).reproductions()[-3:]
    assert [c.capture["seeds"]["seed"] for c in copies] == [3, 4, 5]
    assert comparison.runs == [c.id for c in copies]
    w0 = next(m for m in comparison.metrics if m["key"] == "w0")
    assert len(w0["values"]) == 3 and w0["std"] > 0
    assert w0["values"][0] == original.summary["w0"], "the first seed is the original's"
    assert comparison.details["seeds"] == [3, 4, 5]
    assert "± " in comparison.report


def test_dry_run_prints_every_step_and_changes_nothing(deterministic: tuple[Path, str]) -> None:
    store_dir, path = deterministic
    original = cairn.Api(store_dir).run(path)
    before = sorted(str(p) for p in store_dir.rglob("*"))
    reproductions = len(original.reproductions())
    result = reproduce(store_dir, original.path, "--dry-run", "--seeds", "2")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    commit = original.capture["git"]["commit"]
    assert "worktree add --detach" in out and commit in out
    assert "apply --binary" in out
    assert "-m venv" in out and "pip install --no-deps -r" in out
    assert "[1/2]" in out and "CAIRN_SEED=3" in out and "CAIRN_SEED=4" in out
    assert f"CAIRN_REPRODUCTION_OF={original.path}" in out
    assert "compare 3 summary metrics" in out
    assert sorted(str(p) for p in store_dir.rglob("*")) == before
    assert len(cairn.Api(store_dir).run(original.path).reproductions()) == reproductions


def test_a_failing_reproduction_says_so(tmp_path: Path) -> None:
    script = DETERMINISTIC.replace(
        'print(f"trained',
        'import os\nif os.environ.get("CAIRN_REPRODUCTION_OF"):\n    raise SystemExit("boom")\n'
        'print(f"trained',
    )
    store_dir, original = train(tmp_path, script)
    result = reproduce(store_dir, original.path, "--env", "current")
    assert result.exit_code == 1, result.output
    assert "failed" in result.output and "exited with status 1" in result.output
    (comparison,) = cairn.Api(store_dir).run(original.path).comparisons()
    assert comparison.verdict == "failed"


def test_an_unknown_run_is_a_clean_error(deterministic: tuple[Path, str]) -> None:
    store_dir, _ = deterministic
    result = reproduce(store_dir, "repro/nope", "--env", "current")
    assert result.exit_code == 1
    assert "finding the run failed" in result.output and "cairn runs ls" in result.output


def test_a_run_without_a_capture_cannot_be_reproduced(store_dir: Path) -> None:
    from cairn.journal.records import RunStart
    from cairn.store.store import Store

    Store.local(store_dir).apply(
        "old1", [RunStart(seq=1, run_id="old1", project="p", name="n", created_at=1.0)]
    )
    result = reproduce(store_dir, "p/old1", "--env", "current")
    assert result.exit_code == 1 and "has no captured command" in result.output


def test_a_run_with_a_secret_argument_is_refused(tmp_path: Path) -> None:
    """The token was stored as ``[REDACTED:<kind>]``: re-running with the placeholder in its
    place would train something else, so reproduce stops and says how to pass secrets."""
    script = DETERMINISTIC.replace(
        'parser.add_argument("--lr"', 'parser.add_argument("--hub")\nparser.add_argument("--lr"'
    )
    token = "ghp_" + "a1B2" * 9
    store_dir, original = train(tmp_path, script, "--hub", token)
    result = reproduce(store_dir, original.path, "--env", "current")
    assert result.exit_code == 1, result.output
    assert "secret arguments" in result.output and "environment variables" in result.output
    assert token not in result.output
