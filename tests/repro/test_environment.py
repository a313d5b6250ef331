"""The reproduction's environment: package differences, the lock, pip failures that say what to
do, and one real virtualenv built offline from a wheel folder."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import zipfile
from pathlib import Path

import pytest

import cairn
from cairn.errors import ReproduceError
from cairn.repro.environment import (
    build_venv,
    lock_lines,
    package_differences,
    pip_error,
    plan_env,
)


def test_differences_name_each_package_and_both_versions() -> None:
    captured = {"numpy": {"version": "1.26.4"}, "torch": {"version": "2.3.0"}, "cairn": {}}
    current = {"numpy": {"version": "2.0.0"}, "pandas": {"version": "2.2"}}
    assert package_differences(captured, current) == [
        "numpy: 1.26.4 → 2.0.0",
        "torch: 2.3.0 → not installed",
    ]


def test_current_env_warns_with_the_differences(tmp_path: Path) -> None:
    env = {"packages": {"numpy": {"version": "0.0.1"}}, "python": {"version": "2.7.18"}}
    plan = plan_env(env, "current", tmp_path)
    assert any("Python 2.7.18" in w for w in plan.warnings)
    assert any("numpy: 0.0.1 →" in w for w in plan.warnings)


def test_the_lock_leaves_out_cairn_pip_and_comments() -> None:
    env = {
        "requirements": "cairn==0.1\n# mylib==1 installed from file:///x\nnumpy==1.26.4\n"
        "pip==24.0\ntool @ git+https://h/t.git@abc\n"
    }
    assert lock_lines(env) == ["numpy==1.26.4", "tool @ git+https://h/t.git@abc"]


def test_a_venv_needs_a_captured_package_list(tmp_path: Path) -> None:
    with pytest.raises(ReproduceError, match="--env current"):
        plan_env({}, "venv", tmp_path)


def test_pip_failure_names_the_requirement_and_the_fix() -> None:
    output = (
        "ERROR: Could not find a version that satisfies the requirement numpy==0.0.1 "
        "(from versions: none)\nERROR: No matching distribution found for numpy==0.0.1"
    )
    error = pip_error(output, "/wheels")
    assert "pip could not install numpy==0.0.1" in str(error) and "in /wheels" in str(error)
    assert "--find-links" in error.fix and "--env current" in error.fix


def wheel(folder: Path, name: str, version: str, code: str) -> Path:
    """A minimal pure-Python wheel, built by hand (no network, no build backend)."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": code,
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = "\n".join(record) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name_, text in files.items():
            zf.writestr(name_, text)
    return path


def test_a_real_venv_offline_from_a_wheel_folder_and_a_missing_version(tmp_path: Path) -> None:
    """One venv build (a few seconds): the pinned version is installed from --find-links with
    no index, and this Cairn's source is on the venv's path; then a version that no wheel has
    fails naming it."""
    wheels = tmp_path / "wheels"
    wheel(wheels, "tinydep", "1.0", "VERSION = '1.0'\n")
    wheel(wheels, "tinydep", "2.0", "VERSION = '2.0'\n")
    env = {"packages": {"tinydep": {"version": "1.0"}}, "requirements": "tinydep==1.0\n"}
    plan = plan_env(env, "venv", tmp_path / "w1", find_links=str(wheels))
    assert "--no-index --find-links" in plan.describe()[1]
    build_venv(plan)
    done = subprocess.run(
        [plan.python, "-c", "import tinydep, sys; print(tinydep.VERSION); print(sys.path)"],
        capture_output=True,
        text=True,
        check=True,
    )
    version, path = done.stdout.splitlines()
    assert version == "1.0"
    assert str(Path(cairn.__file__).resolve().parent.parent) in path
    missing = {"packages": {"tinydep": {"version": "3.0"}}, "requirements": "tinydep==3.0\n"}
    plan = plan_env(missing, "venv", tmp_path / "w2", find_links=str(wheels))
    with pytest.raises(ReproduceError, match=r"pip could not install tinydep==3\.0"):
        build_venv(plan)
