"""The code a run runs: the entry script's text, and a content-addressed snapshot of the
repository's tracked files (or, outside a repository, of the source files beside the script).

Each file's bytes are staged once as ``runs/<id>/files/<sha256>``, unless the local store already
holds them; the section keeps a manifest ``{path: {sha256, size}}`` and a syncer uploads the staged
bytes the store lacks. Unchanged files across runs cost nothing.

Files that look like credentials, by name or by contents (``secrets.py``), are left out, listed in
``snapshot["secrets_skipped"]`` with the reason, and named in a warning; the entry script's text
and notebook cells are kept with their secret values redacted.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from cairn.sdk.capture.gitinfo import GitError, tracked_files
from cairn.sdk.capture.secrets import credential_file_reason, is_code, redact_text, secret_kinds
from cairn.sdk.capture.stager import Stager

ENTRY_TEXT_LIMIT = 1_000_000
"""An entry script longer than this is kept as a staged file only, not as text in the section."""

SOURCE_SUFFIXES = {
    ".py",
    ".pyx",
    ".ipynb",
    ".yaml",
    ".yml",
    ".toml",
    ".cfg",
    ".ini",
    ".sh",
    ".json",
}
"""Outside a git repository, files with these suffixes beside the entry script are the code."""

LOOSE_FILE_LIMIT = 1_000_000
LOOSE_MAX_FILES = 2000
_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist", "wandb", "outputs"}


def entry_section(entry: Path | None, root: Path | None) -> dict[str, Any] | None:
    """The entry script: its path (relative to the repository when inside it), hash and text."""
    if entry is None or not entry.is_file():
        return None
    data = entry.read_bytes()
    out: dict[str, Any] = {
        "path": _relative(entry, root),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    if len(data) <= ENTRY_TEXT_LIMIT:
        content, kinds = _entry_text(data, is_code(entry.name))
        out["content"] = content
        if kinds:
            out["redacted"] = list(kinds)
    else:
        out["content"] = None
        out["note"] = f"the script is {len(data):,} bytes; its text is in the snapshot only"
    return out


@functools.lru_cache(maxsize=4)
def _entry_text(data: bytes, code: bool) -> tuple[str, tuple[str, ...]]:
    """The entry script's text with its secrets redacted, and their kinds: kept for the same
    bytes, as a process creating runs one after another (a sweep agent) has one script, which
    redacting again cost each run about 0.4 ms of CPU for 5 KB."""
    content, kinds = redact_text(data.decode(errors="replace"), code=code)
    return content, tuple(kinds)


def code_section(
    entry: Path | None,
    root: Path | None,
    *,
    save_code: bool,
    limit: int,
    stager: Stager,
    warned: Path | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The ``code`` section and the digests of the files it names (staged for upload).
    ``warned``: a folder remembering which files left out were already named in a warning
    (``warn_secret_files``)."""
    base = root or (entry.parent if entry is not None else None)
    section: dict[str, Any] = {"entry": entry_section(entry, base), "snapshot": None}
    notebook = notebook_section(stager)
    if notebook is not None:
        section["notebook"] = notebook
    notebook_blobs = [notebook["sha256"]] if notebook and "sha256" in notebook else []
    if not save_code or base is None:
        return section, notebook_blobs
    if root is not None:
        try:
            paths = tracked_files(root)
        except GitError as exc:
            section["snapshot_note"] = f"cannot list the tracked files: {exc}"
            return section, []
        source = "git"
    else:
        source = "folder"
        paths = _source_files(base)
    files: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    secret: dict[str, str] = {}
    total = 0
    for rel in paths:
        path = base / rel
        reason = credential_file_reason(rel)
        if reason is not None:
            secret[rel] = reason
            continue
        if path.is_symlink():
            files[rel] = {"symlink": os.readlink(path)}
            continue
        try:
            size = path.stat().st_size
            if total + size > limit:
                skipped.append(rel)
                continue
            data = path.read_bytes()
        except OSError:
            continue  # deleted in the work tree (the diff says so) or unreadable
        kinds = secret_kinds(data, code=is_code(rel))
        if kinds:
            secret[rel] = "contents: " + ", ".join(kinds)
            continue
        total += len(data)
        files[rel] = {"sha256": stager.stage(data), "size": len(data)}
    snapshot: dict[str, Any] = {
        "source": source,
        "root": str(base),
        "files": files,
        "total_bytes": total,
    }
    if skipped:
        snapshot["skipped"] = skipped[:1000]
        snapshot["note"] = (
            f"{len(skipped)} files were left out: the snapshot stops at {limit:,} bytes "
            "(Settings.code_limit_bytes / $CAIRN_CODE_LIMIT_BYTES)"
        )
    if secret:
        snapshot["secrets_skipped"] = secret
        warn_secret_files(secret, source, base, warned)
    section["snapshot"] = snapshot
    digests = sorted({f["sha256"] for f in files.values() if "sha256" in f} | set(notebook_blobs))
    return section, digests


def warn_secret_files(
    secret: dict[str, str], source: str, base: Path, warned: Path | None = None
) -> None:
    """One line naming the files left out of the snapshot, and how to change that. With
    ``warned`` (the store's ``warned/`` folder), said once per store for the same files of the
    same folder: a sweep of a hundred runs, each its own process, says it once, and again when
    the files change. Every run still lists them (``secrets_skipped``, the Reproducibility tab)."""
    mark = None
    if warned is not None:
        said = json.dumps([str(base), source, sorted(secret.items())]).encode()
        mark = warned / hashlib.sha256(said).hexdigest()
        if mark.exists():
            return
    shown = ", ".join(f"{path} ({why})" for path, why in list(secret.items())[:5])
    more = f" and {len(secret) - 5} more" if len(secret) > 5 else ""
    where = "untrack the file" if source == "git" else "move the file out of the script's folder"
    warnings.warn(
        f"cairn: {len(secret)} files that look like credentials were left out of the code "
        f"snapshot: {shown}{more}. Read secrets from environment variables, or {where}; to "
        "store a file on purpose, log it in a cairn.Artifact (add_file)",
        stacklevel=2,
    )
    if mark is not None:
        with contextlib.suppress(OSError):  # then it is said again next time: no harm
            mark.parent.mkdir(exist_ok=True)
            mark.touch()


NOTEBOOK_CELLS = 2_000


def notebook_section(stager: Stager) -> dict[str, Any] | None:
    """In a Jupyter/IPython kernel: the cells executed so far (in order) and, when the server
    names the notebook (``$JPY_SESSION_NAME``, or ``__session__`` in VS Code), the ``.ipynb``
    file itself, staged like the snapshot. None outside IPython (it is never imported here)."""
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    shell = get_ipython() if callable(get_ipython) else None
    if shell is None:
        return None
    namespace = getattr(shell, "user_ns", {}) or {}
    cells = [cell for cell in namespace.get("In", [])[1:] if isinstance(cell, str) and cell]
    cells = [redact_text(cell, code=True)[0] for cell in cells]
    out: dict[str, Any] = {
        "kernel": type(shell).__name__,
        "executed_cells": len(cells),
        "cells": cells[-NOTEBOOK_CELLS:],
    }
    if len(cells) > NOTEBOOK_CELLS:
        out["note"] = f"only the last {NOTEBOOK_CELLS:,} of {len(cells):,} executed cells are kept"
    name = os.environ.get("JPY_SESSION_NAME") or namespace.get("__session__")
    path = Path(name) if isinstance(name, str) and name else None
    if path is not None and path.suffix == ".ipynb" and path.is_file():
        data = path.read_bytes()
        kinds = secret_kinds(data, code=True)
        if kinds:
            out.update(path=str(path), note="the notebook file holds secrets: " + ", ".join(kinds))
        else:
            out.update(path=str(path), sha256=stager.stage(data), size=len(data))
    return out


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def _source_files(folder: Path) -> list[str]:
    """Source-like files under ``folder``, skipping hidden folders, virtualenvs and build output."""
    found: list[str] = []
    for visited, (dirpath, dirnames, filenames) in enumerate(os.walk(folder)):
        if visited >= LOOSE_MAX_FILES:  # a script in a home folder must not walk the disk
            break
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in _SKIP_DIRS
            and not (here / d / "pyvenv.cfg").exists()
        )
        for name in sorted(filenames):
            path = here / name
            if path.suffix.lower() not in SOURCE_SUFFIXES:
                continue
            try:
                if path.stat().st_size > LOOSE_FILE_LIMIT:
                    continue
            except OSError:
                continue
            found.append(path.relative_to(folder).as_posix())
            if len(found) >= LOOSE_MAX_FILES:
                return found
    return found
