"""The git state of the code a run starts from: repository root, remote (credentials stripped),
branch, commit, dirty flag, the diff against HEAD (binary-safe, capped, secret values redacted:
``diff_redacted`` says where and what) and untracked names (names only: never read).

Git is asked with ``GIT_OPTIONAL_LOCKS=0``, so ``git status`` never takes the index lock a user's
own git command might be waiting for.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from pathlib import Path
from typing import Any

from cairn.sdk.capture.secrets import redact_diff, strip_url_credentials

TIMEOUT = 30.0
MAX_UNTRACKED = 1000


class GitError(Exception):
    pass


def git(root: Path, *args: str, timeout: float = TIMEOUT) -> bytes:
    """Run ``git -C root args`` and return its stdout; raises GitError with git's message."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {' '.join(args)}: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise GitError(f"git {' '.join(args)}: {message}")
    return done.stdout


def repo_root(start: Path) -> Path | None:
    """The top folder of the git work tree holding ``start``, or None (no repo, or no git)."""
    try:
        out = git(start, "rev-parse", "--show-toplevel").decode().strip()
    except GitError:
        return None
    return Path(out) if out else None


def git_info(
    root: Path, diff_limit: int, exclude: Path | None = None
) -> tuple[dict[str, Any], bytes | None]:
    """The ``git`` section for the repository at ``root``, and the diff's exact bytes when they
    are not plain UTF-8 text (the section holds the diff as text; those bytes get staged).

    ``exclude``: a folder inside the repository to leave out of the untracked names (the store).
    """
    info: dict[str, Any] = {"root": str(root)}
    try:
        info["commit"] = git(root, "rev-parse", "--verify", "HEAD").decode().strip()
    except GitError:
        info["commit"] = None  # a repository without commits yet
    try:
        branch = git(root, "symbolic-ref", "--quiet", "--short", "HEAD").decode().strip()
        info["branch"] = branch or None
    except GitError:
        info["branch"] = None  # detached HEAD
    info["remote"] = _remote(root, info["branch"])
    pathspec = []
    if exclude is not None:
        try:
            inside = exclude.resolve().relative_to(root.resolve()).as_posix()
            pathspec = ["--", ".", f":(exclude){inside}"]
        except ValueError:
            pass
    status = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", *pathspec)
    entries = [e for e in status.split(b"\0") if e]
    untracked = [e[3:].decode(errors="replace") for e in entries if e.startswith(b"??")]
    changed = [e for e in entries if not e.startswith(b"??")]
    info["dirty"] = bool(changed)
    info["untracked"] = untracked[:MAX_UNTRACKED]
    info["untracked_count"] = len(untracked)
    raw: bytes | None = None
    if info["commit"] is not None and changed:
        diff = git(root, "diff", "HEAD", "--binary", "--no-color", "--no-ext-diff")
        diff = _redacted(diff, info)
        info["diff_bytes"] = len(diff)
        if len(diff) > diff_limit:
            info["diff"] = diff[:diff_limit].decode(errors="replace")
            info["diff_truncated"] = True
            info["diff_note"] = (
                f"the diff against HEAD is {len(diff):,} bytes; only the first {diff_limit:,} are "
                "kept (Settings.diff_limit_bytes / $CAIRN_DIFF_LIMIT_BYTES), so it cannot be "
                "applied: the code snapshot holds the changed files instead"
            )
        else:
            try:
                info["diff"] = diff.decode()
            except UnicodeDecodeError:
                info["diff"] = diff.decode(errors="replace")
                raw = diff
            info["diff_truncated"] = False
    else:
        info["diff"] = ""
        info["diff_bytes"] = 0
        info["diff_truncated"] = False
    return info, raw


def _redacted(diff: bytes, info: dict[str, Any]) -> bytes:
    """The diff with its secret values replaced (before any cut, so no secret is cut in half);
    ``info["diff_redacted"]`` says ``{path: kinds}``, and a warning names them."""
    text, found = redact_diff(diff.decode("utf-8", errors="surrogateescape"))
    if not found:
        return diff
    info["diff_redacted"] = found
    shown = ", ".join(f"{path} ({', '.join(kinds)})" for path, kinds in list(found.items())[:5])
    warnings.warn(
        f"cairn: the git diff holds what looks like secrets, stored as [REDACTED:<kind>]: {shown}. "
        "Read secrets from environment variables; a reproduction applies the placeholders",
        stacklevel=3,
    )
    return text.encode("utf-8", errors="surrogateescape")


def _remote(root: Path, branch: str | None) -> dict[str, str] | None:
    """The branch's upstream remote, else ``origin``, else the first: name and URL."""
    try:
        names = git(root, "remote").decode().split()
    except GitError:
        return None
    if not names:
        return None
    name = "origin" if "origin" in names else names[0]
    if branch:
        try:
            configured = git(root, "config", "--get", f"branch.{branch}.remote").decode().strip()
            if configured in names:
                name = configured
        except GitError:
            pass
    try:
        url = git(root, "remote", "get-url", name).decode().strip()
    except GitError:
        return None
    return {"name": name, "url": strip_url_credentials(url)}


def tracked_files(root: Path) -> list[str]:
    """Paths of the files git tracks, relative to ``root`` (submodules left out)."""
    out = git(root, "ls-files", "-z", "--cached", "--full-name")
    staged = git(root, "ls-files", "-z", "--stage")
    submodules = {
        e.split(b"\t", 1)[1].decode(errors="surrogateescape")
        for e in staged.split(b"\0")
        if e.startswith(b"160000 ")
    }
    return [
        p
        for p in (e.decode(errors="surrogateescape") for e in out.split(b"\0") if e)
        if p not in submodules
    ]
