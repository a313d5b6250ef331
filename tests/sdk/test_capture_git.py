"""The git section, on real repositories: clean, dirty, binary changes, a diff over the cap,
untracked names, no commits, no repository, secrets in the diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fakes.planted import PLANTED, lines
from tests.fakes.repos import git, make_repo

from cairn.sdk.capture.gitinfo import git_info, repo_root, tracked_files


def test_a_clean_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "print(1)\n"})
    info, raw = git_info(repo, 1000)
    assert info["commit"] == git(repo, "rev-parse", "HEAD") and info["branch"] == "main"
    assert info["dirty"] is False and info["diff"] == "" and info["untracked"] == []
    assert info["remote"] is None and raw is None


def test_found_from_a_subfolder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"pkg/a.py": "x = 1\n"})
    assert repo_root(repo / "pkg") == repo.resolve()
    assert repo_root(tmp_path) is None


def test_a_binary_change_is_kept_exactly(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    (repo / "weights.bin").write_bytes(bytes(range(256)))
    git(repo, "add", "weights.bin")  # staged, not committed: part of the diff against HEAD
    (repo / "a.py").write_text("x = 2\n")
    info, raw = git_info(repo, 100_000)
    assert info["dirty"] and "GIT binary patch" in info["diff"] and raw is None
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(repo), str(clone))
    (clone / "d.patch").write_text(info["diff"])
    git(clone, "apply", "--binary", "d.patch")
    assert (clone / "weights.bin").read_bytes() == bytes(range(256))
    assert (clone / "a.py").read_text() == "x = 2\n"


def test_a_diff_that_is_not_utf8_is_returned_as_bytes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"latin.txt": "caf\n"})
    (repo / "latin.txt").write_bytes("café\n".encode("latin-1"))
    info, raw = git_info(repo, 100_000)
    assert raw is not None and "caf\xe9".encode("latin-1") in raw
    assert "\ufffd" in info["diff"]  # shown with a replacement character; applied from raw


def test_a_diff_over_the_cap_is_cut_with_a_note(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"big.py": "x = 0\n"})
    (repo / "big.py").write_text("".join(f"x{i} = {i}\n" for i in range(2000)))
    info, _ = git_info(repo, 500)
    assert info["diff_truncated"] is True and len(info["diff"]) == 500
    assert info["diff_bytes"] > 500
    assert "only the first 500 are kept" in info["diff_note"]
    assert "CAIRN_DIFF_LIMIT_BYTES" in info["diff_note"]


def test_untracked_names_leave_out_the_store(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    (repo / "data").mkdir()
    (repo / "data" / "new.csv").write_text("1,2\n")
    (repo / ".cairn" / "runs").mkdir(parents=True)
    (repo / ".cairn" / "runs" / "journal").write_text("x")
    info, _ = git_info(repo, 1000, exclude=repo / ".cairn")
    assert info["untracked"] == ["data/new.csv"] and info["dirty"] is False


def test_a_repository_without_commits(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "--quiet")
    (repo / "a.py").write_text("x = 1\n")
    info, _ = git_info(repo, 1000)
    assert info["commit"] is None and info["untracked"] == ["a.py"] and info["diff"] == ""


def test_detached_head_has_no_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    git(repo, "checkout", "--quiet", "--detach")
    assert git_info(repo, 1000)[0]["branch"] is None


def test_tracked_files_leave_out_submodules(tmp_path: Path) -> None:
    sub = make_repo(tmp_path / "sub", {"s.py": "s = 1\n"})
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    git(
        repo,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "--quiet",
        "add",
        str(sub),
        "vendored",
    )
    assert sorted(tracked_files(repo)) == [".gitmodules", "a.py"]


def test_secrets_in_the_diff_are_redacted_and_named(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"train.py": "lr = 0.1\n", "conf.yaml": "lr: 0.1\n"})
    (repo / "train.py").write_text("lr = 0.1\n" + "\n".join(lines()) + "\n")
    (repo / "conf.yaml").write_text("lr: 0.1\ndb_password: quiet-pass-7\n")
    (repo / "credentials.json").write_text('{"pin": "quiet-pin-8"}')
    git(repo, "add", "credentials.json")  # staged: part of the diff against HEAD
    with pytest.warns(UserWarning, match=r"git diff holds .* train\.py"):
        info, raw = git_info(repo, 1_000_000)
    diff = info["diff"]
    for secret in ("quiet-pass-7", "quiet-pin-8", *(p.secret for p in PLANTED)):
        assert secret not in diff
    assert "+db_password: [REDACTED:assignment]" in diff
    assert info["diff_redacted"] == {
        "conf.yaml": ["assignment"],
        "credentials.json": ["credential-file"],
        "train.py": sorted({p.kind for p in PLANTED}),
    }
    assert raw is None and info["diff_bytes"] == len(diff.encode())
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(repo), str(clone))
    (clone / "d.patch").write_text(diff)
    git(clone, "apply", "d.patch")  # the diff still applies, with the placeholders
    assert "[REDACTED:github-token]" in (clone / "train.py").read_text()
    assert not (clone / "credentials.json").exists(), "a credential file's changes are left out"


def test_a_secret_is_redacted_before_the_diff_is_cut(tmp_path: Path) -> None:
    token = PLANTED[2].secret
    repo = make_repo(tmp_path / "r", {"a.py": "x = 0\n"})
    (repo / "a.py").write_text(f"gh = {token!r}\n" + "y = 1\n" * 100)
    with pytest.warns(UserWarning):
        info, _ = git_info(repo, 140)
    assert info["diff_truncated"] is True and token[:12] not in info["diff"]


def test_a_diff_that_is_not_utf8_is_redacted_in_its_exact_bytes(tmp_path: Path) -> None:
    token = PLANTED[0].secret
    repo = make_repo(tmp_path / "r", {"latin.txt": "caf\n"})
    (repo / "latin.txt").write_bytes(f"café {token}\n".encode("latin-1"))
    with pytest.warns(UserWarning):
        info, raw = git_info(repo, 100_000)
    assert raw is not None and "caf\xe9 [REDACTED:aws-access-key-id]".encode("latin-1") in raw
    assert token.encode() not in raw and token not in info["diff"]


def test_untracked_credential_files_are_named_never_read(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    (repo / "credentials.json").write_text('{"pin": "quiet-pin-9"}')
    (repo / ".env").write_text("TOKEN=quiet-token-9\n")
    info, _ = git_info(repo, 100_000)
    assert sorted(info["untracked"]) == [".env", "credentials.json"]
    assert "quiet" not in repr(info)
