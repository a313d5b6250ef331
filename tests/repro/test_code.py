"""Materializing a run's code: a worktree at the commit plus the diff, or the snapshot."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tests.fakes.repos import git, make_repo

from cairn.errors import ReproduceError
from cairn.repro.code import materialize, plan_code
from cairn.sdk.capture.gitinfo import git_info
from cairn.store.blobs import BlobStore


def snapshot_of(root: Path, blobs: BlobStore, names: list[str]) -> dict:
    files = {}
    for name in names:
        data = (root / name).read_bytes()
        files[name] = {"sha256": blobs.put(data), "size": len(data)}
    return {"source": "git", "root": str(root), "files": files}


def capture_of(repo: Path, blobs: BlobStore, diff_limit: int = 100_000) -> dict:
    info, _ = git_info(repo, diff_limit)
    info["repository"] = True
    data = (repo / "train.py").read_bytes()
    entry = {"path": "train.py", "sha256": hashlib.sha256(data).hexdigest()}
    return {
        "git": info,
        "code": {"entry": entry, "snapshot": snapshot_of(repo, blobs, ["train.py", "m.py"])},
    }


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def test_worktree_at_the_commit_with_the_diff_applied(tmp_path: Path, blobs: BlobStore) -> None:
    repo = make_repo(tmp_path / "repo", {"train.py": "print(1)\n", "m.py": "M = 1\n"})
    (repo / "m.py").write_text("M = 2\n")
    capture = capture_of(repo, blobs)
    git(repo, "commit", "--quiet", "-am", "later work")  # the repo moved on since the run
    (repo / "m.py").write_text("M = 3\n")
    target = tmp_path / "work" / "code"
    plan = plan_code(capture, target, blobs)
    assert plan.method == "worktree" and plan.repo == repo and plan.diff
    assert materialize(plan, blobs) == []
    assert (target / "m.py").read_text() == "M = 2\n"
    assert git(target, "rev-parse", "HEAD") == capture["git"]["commit"]
    assert (repo / "m.py").read_text() == "M = 3\n", "the user's work tree is left alone"


def test_a_cut_diff_uses_the_snapshot(tmp_path: Path, blobs: BlobStore) -> None:
    repo = make_repo(tmp_path / "repo", {"train.py": "print(1)\n", "m.py": "M = 1\n"})
    (repo / "m.py").write_text("M = 2\n" * 100)
    capture = capture_of(repo, blobs, diff_limit=20)
    plan = plan_code(capture, tmp_path / "code", blobs)
    assert plan.overlay and not plan.diff
    materialize(plan, blobs)
    assert (tmp_path / "code" / "m.py").read_text() == "M = 2\n" * 100


def test_no_repository_any_more_falls_back_to_the_snapshot(
    tmp_path: Path, blobs: BlobStore
) -> None:
    repo = make_repo(tmp_path / "repo", {"train.py": "print(1)\n", "m.py": "M = 1\n"})
    capture = capture_of(repo, blobs)
    capture["git"]["root"] = str(tmp_path / "gone")
    plan = plan_code(capture, tmp_path / "code", blobs)
    assert plan.method == "snapshot" and "no remote" in plan.warnings[0]
    materialize(plan, blobs)
    assert (tmp_path / "code" / "train.py").read_text() == "print(1)\n"


def test_no_repository_and_no_snapshot_says_what_to_do(tmp_path: Path, blobs: BlobStore) -> None:
    repo = make_repo(tmp_path / "repo", {"train.py": "print(1)\n", "m.py": "M = 1\n"})
    capture = capture_of(repo, blobs)
    capture["git"]["root"] = str(tmp_path / "gone")
    capture["code"]["snapshot"] = None
    with pytest.raises(ReproduceError, match=r"materializing the code failed.*\nfix: restore"):
        plan_code(capture, tmp_path / "code", blobs)


def test_snapshot_files_missing_from_the_store_say_to_sync(
    tmp_path: Path, blobs: BlobStore
) -> None:
    capture = {
        "code": {"entry": None, "snapshot": {"root": "/x", "files": {"a.py": {"sha256": "0" * 64}}}}
    }
    plan = plan_code(capture, tmp_path / "code", blobs)
    with pytest.raises(ReproduceError, match="cairn sync"):
        materialize(plan, blobs)


def test_a_non_empty_target_is_refused(tmp_path: Path, blobs: BlobStore) -> None:
    repo = make_repo(tmp_path / "repo", {"train.py": "print(1)\n", "m.py": "M = 1\n"})
    target = tmp_path / "code"
    target.mkdir()
    (target / "x").write_text("")
    with pytest.raises(ReproduceError, match="--workdir"):
        materialize(plan_code(capture_of(repo, blobs), target, blobs), blobs)


def test_untracked_files_are_warned_about(tmp_path: Path, blobs: BlobStore) -> None:
    repo = make_repo(tmp_path / "repo", {"train.py": "print(1)\n", "m.py": "M = 1\n"})
    (repo / "data.csv").write_text("1\n")
    plan = plan_code(capture_of(repo, blobs), tmp_path / "code", blobs)
    assert any("1 untracked files" in w and "data.csv" in w for w in plan.warnings)
