"""The Python environment a reproduction runs in: the current one (with a warning per package
whose version differs from the run's), or a new virtualenv with the run's exact versions."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cairn
from cairn.errors import ReproduceError
from cairn.sdk.capture.environment import installed_packages

STEP = "preparing the environment"
SKIP = {"cairn", "pip"}
"""Never pinned in a new venv: Cairn itself comes from this install (it must read this store),
and pip is the venv's own."""


@dataclass
class EnvPlan:
    kind: str
    """``current`` or ``venv``."""
    python: str
    """The interpreter the reproduction runs with."""
    venv: Path | None = None
    base_python: str = sys.executable
    requirements: list[str] = field(default_factory=list)
    find_links: str | None = None
    differences: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        if self.kind == "current":
            return [f"use the current environment ({self.python})"]
        pip = f"{self.python} -m pip install --no-deps -r {self.lock_path}"
        if self.find_links:
            pip += f" --no-index --find-links {self.find_links}"
        return [
            f"{self.base_python} -m venv {self.venv}",
            f"{pip}  # {len(self.requirements)} pinned packages",
            f"make this Cairn ({cairn.__file__ and Path(cairn.__file__).parent}) importable there",
        ]

    @property
    def lock_path(self) -> Path:
        assert self.venv is not None
        return self.venv.parent / "requirements.lock"


def plan_env(
    environment: dict[str, Any] | None,
    kind: str,
    workdir: Path,
    *,
    base_python: str | None = None,
    find_links: str | None = None,
) -> EnvPlan:
    """How to prepare the environment; for ``current``, the packages that differ."""
    environment = environment or {}
    captured: dict[str, Any] = environment.get("packages") or {}
    warnings = []
    wanted_python = (environment.get("python") or {}).get("version")
    if kind == "current":
        plan = EnvPlan("current", sys.executable)
        plan.differences = package_differences(captured, installed_packages(sys.path))
        if wanted_python and wanted_python != platform.python_version():
            warnings.append(
                f"the run used Python {wanted_python}; this is Python {platform.python_version()}"
            )
        if plan.differences:
            warnings.append(
                f"{len(plan.differences)} packages differ from the run's: "
                + "; ".join(plan.differences[:20])
                + (" …" if len(plan.differences) > 20 else "")
            )
        if not environment:
            warnings.append("the run captured no environment: package versions are not checked")
        plan.warnings = warnings
        return plan
    if not captured:
        raise ReproduceError(
            STEP,
            "the run captured no package list (capture_env was off)",
            "use --env current, with an environment you prepared yourself",
        )
    venv = workdir / "venv"
    python = str(venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
    plan = EnvPlan(
        "venv",
        python,
        venv=venv,
        base_python=base_python or sys.executable,
        requirements=lock_lines(environment),
        find_links=find_links,
    )
    if wanted_python and base_python is None and wanted_python != platform.python_version():
        warnings.append(
            f"the run used Python {wanted_python}; the venv is built with Python "
            f"{platform.python_version()} (pass --python to choose the interpreter)"
        )
    plan.warnings = warnings
    return plan


def lock_lines(environment: dict[str, Any]) -> list[str]:
    """The run's requirements lock, without Cairn and pip, and without comment lines."""
    lines = []
    for line in str(environment.get("requirements") or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name = re.split(r"[=@ <>!~;\[]", line, maxsplit=1)[0].strip().lower()
        if name in SKIP:
            continue
        lines.append(line)
    return lines


def package_differences(captured: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """``name: captured → current`` for each captured package missing or at another version."""
    out = []
    for name, info in sorted(captured.items()):
        if name in SKIP:
            continue
        have = current.get(name)
        if have is None:
            out.append(f"{name}: {info.get('version')} → not installed")
        elif have.get("version") != info.get("version"):
            out.append(f"{name}: {info.get('version')} → {have.get('version')}")
    return out


def build_venv(plan: EnvPlan) -> None:
    """Create the venv, install the locked versions, and make this Cairn importable in it."""
    assert plan.venv is not None
    if plan.venv.exists():
        raise ReproduceError(
            STEP, f"{plan.venv} exists already", "pass another --workdir, or remove that folder"
        )
    plan.venv.parent.mkdir(parents=True, exist_ok=True)
    _run([plan.base_python, "-m", "venv", str(plan.venv)], "creating the virtualenv")
    plan.lock_path.write_text("\n".join(plan.requirements) + "\n")
    if plan.requirements:
        command = [
            plan.python,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--disable-pip-version-check",
            "--no-input",
            "-r",
            str(plan.lock_path),
        ]
        if plan.find_links:
            command += ["--no-index", "--find-links", plan.find_links]
        _run(command, "installing the run's packages", pip=True, find_links=plan.find_links)
    _link_cairn(plan.python)


def _link_cairn(python: str) -> None:
    """Put this Cairn on the venv's path with a ``.pth`` file: the reproduction must record into
    this store with a Cairn that knows its schema, and it needs no download."""
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    package = Path(cairn.__file__).resolve().parent
    home = package.parent
    if Path(sysconfig.get_paths()["purelib"]).resolve() == home:
        raise ReproduceError(
            STEP,
            "this Cairn is installed in site-packages, which cannot be shared with the venv "
            "without sharing every other package",
            "install Cairn from a source checkout (pip install -e), or use --env current",
        )
    Path(purelib, "cairn-reproduce.pth").write_text(f"{home}\n")


def _run(
    command: list[str], what: str, *, pip: bool = False, find_links: str | None = None
) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ReproduceError(
            STEP, f"{what}: cannot run {command[0]}: {exc}", "check --python"
        ) from None
    if done.returncode == 0:
        return
    output = (done.stdout + "\n" + done.stderr).strip()
    if pip:
        raise pip_error(output, find_links)
    raise ReproduceError(STEP, f"{what}: {output[-2000:]}", "see the message above")


_NO_DIST = re.compile(
    r"(?:No matching distribution found for|Could not find a version that satisfies the "
    r"requirement) (?P<req>\S+)"
)


def pip_error(output: str, find_links: str | None) -> ReproduceError:
    """A ReproduceError naming the requirement pip could not install, and how to get it."""
    match = _NO_DIST.search(output)
    if match:
        req = match["req"]
        where = f"in {find_links}" if find_links else "on the package index"
        return ReproduceError(
            STEP,
            f"pip could not install {req}: no matching distribution {where} (the version may "
            "be yanked, be built only for another Python or platform, or the machine is offline)",
            f"put a wheel of {req} into a folder and pass it as --find-links, or use --env "
            "current to run with the installed versions (the differences are listed)",
        )
    tail = "\n".join(output.splitlines()[-15:])
    return ReproduceError(
        STEP,
        f"pip failed installing the run's packages:\n{tail}",
        "pass --find-links with a folder of wheels, or use --env current",
    )
