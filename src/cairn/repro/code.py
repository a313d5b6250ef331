"""Materializing a run's code: a git worktree at the captured commit with the captured diff
applied, or the captured snapshot of its files when there is no repository to check out."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cairn.errors import ReproduceError
from cairn.store.blobs import BlobStore

STEP = "materializing the code"


@dataclass
class CodePlan:
    """How the code will be put in ``target``; ``describe()`` lists the steps for ``--dry-run``."""

    target: Path
    source_root: str | None
    """The folder the original code lived in (repository root, or the snapshot's root)."""
    method: str
    """``worktree`` (git checkout of the commit), or ``snapshot`` (files from the store)."""
    repo: Path | None = None
    clone_url: str | None = None
    commit: str | None = None
    diff: bytes = b""
    overlay: bool = False
    """Write the snapshot's files over the checkout (the diff was cut or did not apply)."""
    files: dict[str, Any] = field(default_factory=dict)
    entry: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        steps = []
        if self.method == "worktree":
            if self.repo is not None:
                steps.append(
                    f"git -C {self.repo} worktree add --detach {self.target} {self.commit}"
                )
            else:
                steps.append(f"git clone {self.clone_url} {self.target}")
                steps.append(f"git -C {self.target} checkout --detach {self.commit}")
            if self.diff:
                steps.append(
                    f"git -C {self.target} apply --binary  # the captured diff, "
                    f"{len(self.diff):,} bytes"
                )
            if self.overlay:
                steps.append(f"write the {len(self.files)} snapshot files over the checkout")
        else:
            steps.append(f"write the {len(self.files)} snapshot files into {self.target}")
        return steps


def plan_code(capture: dict[str, Any], target: Path, blobs: BlobStore) -> CodePlan:
    """Decide how to materialize the code of a run from its capture; raises ReproduceError."""
    git = capture.get("git") or {}
    code = capture.get("code") or {}
    snapshot = code.get("snapshot") or {}
    files = snapshot.get("files") or {}
    entry = code.get("entry")
    warnings: list[str] = []
    if git.get("untracked_count"):
        names = ", ".join(git.get("untracked", [])[:5])
        more = git["untracked_count"] - min(5, len(git.get("untracked", [])))
        warnings.append(
            f"{git['untracked_count']} untracked files were not captured and will be missing "
            f"({names}{f', and {more} more' if more > 0 else ''}); if the script needs them, "
            "commit them and run again"
        )
    if git.get("repository") and git.get("commit"):
        plan = CodePlan(
            target, git.get("root"), "worktree", commit=git["commit"], entry=entry, files=files
        )
        root = Path(git["root"]) if git.get("root") else None
        if root is not None and _has_commit(root, git["commit"]):
            plan.repo = root
        elif (git.get("remote") or {}).get("url"):
            plan.clone_url = git["remote"]["url"]
            warnings.append(
                f"the repository {root} is gone or lacks commit {git['commit'][:12]}: "
                f"cloning {plan.clone_url}"
            )
        elif files:
            plan = CodePlan(target, snapshot.get("root"), "snapshot", files=files, entry=entry)
            warnings.append(
                f"the repository {root} is gone or lacks commit {git['commit'][:12]}, and it has "
                "no remote: using the code snapshot"
            )
        else:
            raise ReproduceError(
                STEP,
                f"the repository {root} is gone or lacks commit {git['commit']}, there is no "
                "remote to clone, and the run saved no code snapshot",
                "restore the repository (or fetch the commit into it) and run again",
            )
        if git.get("dirty"):
            if git.get("diff_truncated"):
                if not files:
                    raise ReproduceError(
                        STEP,
                        f"the run's diff against HEAD was cut at capture ({git.get('diff_note')}) "
                        "and it saved no code snapshot",
                        "nothing can rebuild the uncommitted changes; next time raise "
                        "diff_limit_bytes or leave save_code on",
                    )
                plan.overlay = True
                warnings.append("the captured diff was cut: the snapshot's files are used instead")
            else:
                plan.diff = _diff_bytes(git, blobs)
        plan.warnings = warnings
        return plan
    if files:
        plan = CodePlan(target, snapshot.get("root"), "snapshot", files=files, entry=entry)
        plan.warnings = warnings
        return plan
    raise ReproduceError(
        STEP,
        "the run captured neither a git commit nor a code snapshot",
        "run it again from a git repository, or with save_code on (the default)",
    )


def materialize(plan: CodePlan, blobs: BlobStore) -> list[str]:
    """Put the code in ``plan.target``; returns warnings. Raises ReproduceError on failure."""
    warnings: list[str] = []
    if plan.target.exists() and any(plan.target.iterdir()):
        raise ReproduceError(
            STEP,
            f"{plan.target} exists and is not empty",
            "pass another --workdir, or remove that folder",
        )
    if plan.method == "worktree":
        plan.target.parent.mkdir(parents=True, exist_ok=True)
        if plan.repo is not None:
            _git(plan.repo, "worktree", "add", "--detach", str(plan.target), str(plan.commit))
        else:
            _git(plan.target.parent, "clone", "--quiet", str(plan.clone_url), str(plan.target))
            _git(plan.target, "checkout", "--quiet", "--detach", str(plan.commit))
        if plan.diff:
            try:
                _git(plan.target, "apply", "--binary", "--whitespace=nowarn", "-", stdin=plan.diff)
            except ReproduceError as exc:
                if not plan.files:
                    raise ReproduceError(
                        STEP,
                        f"the captured diff does not apply to commit {plan.commit}: {exc.problem}",
                        "the commit was rewritten since (rebase?): restore it, or reproduce from "
                        "a run with save_code on",
                    ) from None
                warnings.append("the captured diff did not apply: the snapshot's files are used")
                plan.overlay = True
        if plan.overlay:
            _write_files(plan, blobs)
    else:
        plan.target.mkdir(parents=True, exist_ok=True)
        _write_files(plan, blobs)
    warnings += _check_entry(plan)
    return warnings


def _write_files(plan: CodePlan, blobs: BlobStore) -> None:
    missing = []
    for rel, info in plan.files.items():
        path = plan.target / rel
        if not path.resolve().is_relative_to(plan.target.resolve()):
            continue  # never write outside the target, whatever a manifest says
        path.parent.mkdir(parents=True, exist_ok=True)
        if "symlink" in info:
            if not path.exists():
                path.symlink_to(info["symlink"])
            continue
        try:
            data = blobs.get(info["sha256"])
        except (OSError, FileNotFoundError):
            missing.append(rel)
            continue
        path.write_bytes(data)
    if missing:
        raise ReproduceError(
            STEP,
            f"{len(missing)} snapshot files are not in the store ({', '.join(missing[:5])})",
            "the run's files were not uploaded: run `cairn sync` on the run's folder from the "
            "machine that made it, then try again",
        )


def _check_entry(plan: CodePlan) -> list[str]:
    entry = plan.entry
    if not entry or not entry.get("sha256"):
        return []
    path = plan.target / entry["path"]
    if not path.is_file():
        return [f"the entry script {entry['path']} is not in the materialized code"]
    if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
        return [f"the materialized {entry['path']} differs from the script the run ran"]
    return []


def _diff_bytes(git: dict[str, Any], blobs: BlobStore) -> bytes:
    digest = git.get("diff_sha256")
    if digest:
        try:
            return blobs.get(digest)
        except (OSError, FileNotFoundError):
            raise ReproduceError(
                STEP,
                f"the run's diff (blob {digest[:12]}) is not in the store",
                "run `cairn sync` on the run's folder from the machine that made it",
            ) from None
    text = git.get("diff") or ""
    return str(text).encode()


def _has_commit(root: Path, commit: str) -> bool:
    try:
        _git(root, "cat-file", "-e", f"{commit}^{{commit}}")
    except ReproduceError:
        return False
    return True


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args],
            input=stdin,
            capture_output=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ReproduceError(STEP, f"git {' '.join(args)}: {exc}", "install git") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise ReproduceError(STEP, f"git {' '.join(args)}: {message}", "see git's message")
    return done.stdout.decode(errors="replace")
