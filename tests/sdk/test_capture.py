"""What ``cairn.init`` captures from a real training script in a real git repository, read back
through ``cairn.Api().run(...).capture``; and that no secret ever reaches the store."""

from __future__ import annotations

import platform
import sqlite3
import sys
from pathlib import Path

import pytest
from tests.fakes.repos import DETERMINISTIC, full_capture, git, make_repo, run_script

import cairn
from cairn.store.store import DB_NAME

SECRET = "s3cr3t-value-that-must-never-be-stored"
SCRIPT = DETERMINISTIC.replace("args = parser.parse_args()", "args, _ = parser.parse_known_args()")
"""Takes ``--api-key=...`` on its command line, as scripts do, without putting it in the config."""
ENV = {
    "MY_SERVICE_API_KEY": SECRET,
    "HF_TOKEN": SECRET,
    "DB_PASSWORD": SECRET,
    "AWS_SECRET_ACCESS_KEY": SECRET,
    "SOME_CREDENTIALS": SECRET,
    "OMP_NUM_THREADS": "3",
    "CUBLAS_WORKSPACE_CONFIG": ":16:8",
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A repository with a committed script, an uncommitted change and an untracked file, with
    a remote holding a token, trained once with secrets in the environment and the arguments."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        full_capture(monkeypatch)
        tmp = tmp_path_factory.mktemp("capture")
        repo = make_repo(tmp / "repo", {"train.py": SCRIPT, "lib/util.py": "X = 1\n"})
        git(repo, "remote", "add", "origin", f"https://user:{SECRET}@example.com/team/repo.git")
        (repo / "lib" / "util.py").write_text("X = 2  # changed, not committed\n")
        (repo / "scratch.txt").write_text("not tracked\n")
        store_dir = tmp / "store"
        run_script(
            repo / "train.py", "--lr", "0.2", f"--api-key={SECRET}", store_dir=store_dir, env=ENV
        )
    path = cairn.Api(store_dir).runs("repro")[0].path
    return repo, store_dir, path


def capture_of(trained: tuple[Path, Path, str]) -> dict:
    _, store_dir, path = trained
    return cairn.Api(store_dir).run(path).capture


def test_capture_has_every_section(trained: tuple[Path, Path, str]) -> None:
    capture = capture_of(trained)
    assert list(capture) == ["git", "code", "environment", "command", "seeds", "config_sources"]
    assert all(capture[s] for s in capture), capture


def test_git_commit_branch_dirty_diff_and_untracked(trained: tuple[Path, Path, str]) -> None:
    repo = trained[0]
    info = capture_of(trained)["git"]
    assert info["commit"] == git(repo, "rev-parse", "HEAD")
    assert info["branch"] == "main"
    assert Path(info["root"]).resolve() == repo.resolve()
    assert info["dirty"] is True
    assert "-X = 1" in info["diff"] and "+X = 2  # changed, not committed" in info["diff"]
    assert info["diff_truncated"] is False
    assert info["untracked"] == ["scratch.txt"] and info["untracked_count"] == 1
    assert info["remote"] == {"name": "origin", "url": "https://example.com/team/repo.git"}


def test_code_entry_script_and_snapshot_manifest(trained: tuple[Path, Path, str]) -> None:
    repo, store_dir, _ = trained
    code = capture_of(trained)["code"]
    assert code["entry"]["path"] == "train.py"
    assert code["entry"]["content"] == (repo / "train.py").read_text()
    files = code["snapshot"]["files"]
    assert sorted(files) == ["lib/util.py", "train.py"]  # tracked files only
    store = cairn.Api(store_dir).store
    for rel, info in files.items():  # the working tree's bytes, uploaded by the syncer
        assert store.blobs.get(info["sha256"]) == (repo / rel).read_bytes()
        assert info["size"] == len((repo / rel).read_bytes())


def test_environment(trained: tuple[Path, Path, str]) -> None:
    env = capture_of(trained)["environment"]
    assert env["python"]["version"] == platform.python_version()
    assert env["python"]["executable"] == sys.executable
    assert env["os"]["system"] == platform.system()
    assert env["cpu"]["count"] >= 1 and env["memory_bytes"] > 0
    assert isinstance(env["gpus"]["devices"], list)
    assert env["packages"]["numpy"]["version"] == __import__("numpy").__version__
    assert f"numpy=={__import__('numpy').__version__}" in env["requirements"].splitlines()
    assert env["env_vars"]["OMP_NUM_THREADS"] == "3"
    assert env["env_vars"]["CUBLAS_WORKSPACE_CONFIG"] == ":16:8"


def test_command_can_be_run_again(trained: tuple[Path, Path, str]) -> None:
    repo = trained[0]
    command = capture_of(trained)["command"]
    assert command["argv"] == ["train.py", "--lr", "0.2", "--api-key=[REDACTED]"]
    assert Path(command["cwd"]).resolve() == repo.resolve()
    assert command["executable"] == sys.executable
    assert command["target"] == "train.py" and command["rerunnable"] is True
    assert command["command_line"].endswith("train.py --lr 0.2 '--api-key=[REDACTED]'")
    assert command["redacted"] == ["--api-key"]


def test_seeds_and_config_sources(trained: tuple[Path, Path, str]) -> None:
    capture = capture_of(trained)
    assert capture["seeds"]["seed"] == 3 and "numpy" in capture["seeds"]["seeded"]
    parsed = capture["config_sources"]["argparse"]
    assert parsed["namespace"] == {"lr": 0.2, "steps": 40}
    assert parsed["argv"] == ["--lr", "0.2", "--api-key=[REDACTED]"]


def test_no_secret_reaches_the_store_or_the_journal(trained: tuple[Path, Path, str]) -> None:
    """Not in the capture, not in the journal, not in the database, not in any staged file."""
    store_dir = trained[1]
    capture = capture_of(trained)
    names = set(capture["environment"]["env_vars"])
    assert not names & set(ENV) - {"OMP_NUM_THREADS", "CUBLAS_WORKSPACE_CONFIG"}
    for file in store_dir.rglob("*"):
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), f"{file} holds the secret"
    with sqlite3.connect(store_dir / DB_NAME) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in db.execute(f'SELECT * FROM "{table}"'):
                assert SECRET not in repr(row), f"table {table} holds the secret"
