"""The ``cairn`` command itself: version, help, and the installed script end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.fakes.runs import make_run

import cairn
from cairn.cli.main import cli
from cairn.journal.file import read_journal

CAIRN = Path(sys.executable).parent / "cairn"


def cairn_script(*args: str, store_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAIRN_DIR": str(store_dir), "COLUMNS": "250"}
    return subprocess.run(
        [str(CAIRN), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = CliRunner().invoke(cli, [flag])
    assert result.exit_code == 0
    assert result.output.strip() == f"cairn, version {cairn.__version__}"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_commands(flag: str) -> None:
    result = CliRunner().invoke(cli, [flag])
    assert result.exit_code == 0
    assert "runs" in result.output and "sync" in result.output


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_the_installed_script_reports_its_version(tmp_path: Path) -> None:
    done = cairn_script("--version", store_dir=tmp_path / ".cairn")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"cairn, version {cairn.__version__}"


def test_the_installed_script_syncs_an_offline_run_then_lists_it(store_dir: Path) -> None:
    run = make_run(store_dir, "p", mode="offline", steps=3)
    listed = cairn_script("runs", "ls", store_dir=store_dir)
    assert run.path not in listed.stdout  # offline: only the journal has it
    assert run.journal is not None
    n = len(read_journal(run.journal).records)
    synced = cairn_script("sync", "--all", store_dir=store_dir)
    assert synced.returncode == 0, synced.stderr
    assert f"{run.id}: {n} new of {n} records applied" in synced.stderr
    listed = cairn_script("runs", "ls", "--project", "p", store_dir=store_dir)
    assert listed.returncode == 0, listed.stderr
    assert run.path in listed.stdout and "finished" in listed.stdout
    again = cairn_script("sync", "--all", store_dir=store_dir)
    assert again.returncode == 0 and f"{run.id}: 0 new of {n}" in again.stderr


def test_the_installed_script_fails_cleanly_on_an_unknown_run(store_dir: Path) -> None:
    make_run(store_dir, "p")
    done = cairn_script("runs", "show", "p/missing", store_dir=store_dir)
    assert done.returncode == 1
    assert "Error: no run matches 'p/missing'" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_command_imports_only_its_own_module(tmp_path: Path) -> None:
    """``cairn admin user create`` (run by provisioning scripts, and hundreds of times by this
    suite) does not import the server, pandas, pyarrow or the other commands."""
    probe = (
        "import sys\n"
        "from cairn.cli.main import cli\n"
        "cli(['db', 'upgrade'], standalone_mode=False)\n"
        "cli(['admin', 'user', 'create', 'ada'], standalone_mode=False)\n"
        "heavy = ('fastapi', 'pandas', 'pyarrow', 'cairn.server.app', 'cairn.cli.sweep')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "CAIRN_DB": f"sqlite:///{tmp_path / 'cairn.db'}"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
    assert "ada" in done.stdout
