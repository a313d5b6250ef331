"""How the run was started, so it can be started again: ``sys.argv``, the working directory, the
interpreter and its flags, and the exact command line. Values of secret-looking flags
(``--api-key=...``) and secret-looking values anywhere (``sk-...``, in ``python -c`` code too) are
redacted; ``redacted`` lists the flags and kinds."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Any

from cairn.sdk.capture.secrets import redact_args, redact_text


def command_section(
    argv: list[str] | None = None,
    orig_argv: list[str] | None = None,
    cwd: str | None = None,
    executable: str | None = None,
) -> dict[str, Any]:
    """The ``command`` section of this process (arguments are for tests)."""
    argv = list(sys.argv if argv is None else argv)
    orig = list(getattr(sys, "orig_argv", []) if orig_argv is None else orig_argv)
    cwd = cwd or os.getcwd()
    executable = executable or sys.executable
    flags, target = _interpreter_flags(argv, orig)
    args, redacted = redact_args(argv[1:])
    if target is not None and flags[-1:] == ["-c"]:
        target, kinds = redact_text(target, code=True)
        redacted.extend(k for k in kinds if k not in redacted)
    run = [executable, *flags] + ([target] if target is not None else []) + args
    entry = entry_script(argv, flags, cwd)
    out: dict[str, Any] = {
        "argv": [argv[0], *args] if argv else [],
        "cwd": cwd,
        "executable": executable,
        "interpreter_flags": flags,
        "target": target,
        "entry_script": str(entry) if entry else None,
        "command_line": shlex.join(run),
        "rerunnable": target is not None and not _is_notebook(argv),
    }
    if redacted:
        out["redacted"] = redacted
    return out


def _interpreter_flags(argv: list[str], orig: list[str]) -> tuple[list[str], str | None]:
    """The interpreter's own flags (``-u``, ``-m``, ``-X dev``...) and what it ran: a script
    path, a module name (after ``-m``) or code (after ``-c``)."""
    if not argv:
        return [], None
    if len(orig) > len(argv) >= 1 and orig[len(orig) - len(argv) + 1 :] == argv[1:]:
        cut = len(orig) - len(argv)
        return orig[1:cut], orig[cut]
    return [], argv[0] or None  # an embedded interpreter: no orig_argv to go by


def entry_script(argv: list[str], flags: list[str], cwd: str) -> Path | None:
    """The file the process runs: the script, or the module's file under ``-m``."""
    if not argv or argv[0] in ("", "-c", "-"):
        return None
    main = sys.modules.get("__main__")
    if flags and flags[-1] == "-m":
        file = getattr(main, "__file__", None) or argv[0]
        return Path(file).resolve() if file and Path(file).is_file() else None
    path = Path(argv[0])
    if not path.is_absolute():
        path = Path(cwd) / path
    return path.resolve() if path.is_file() else None


def _is_notebook(argv: list[str]) -> bool:
    return bool(argv) and "ipykernel" in Path(argv[0]).name
