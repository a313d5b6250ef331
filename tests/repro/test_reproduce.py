"""The captured command pointed at the materialized code."""

from __future__ import annotations

from pathlib import Path

from cairn.repro.reproduce import rerun_command

TARGET = Path("/work/code")


def test_a_script_from_a_subfolder_keeps_its_folder_and_arguments() -> None:
    command = {
        "cwd": "/home/me/repo/experiments",
        "interpreter_flags": ["-u"],
        "target": "../train.py",
        "argv": ["../train.py", "--data", "data/x.csv"],
    }
    argv, cwd, warnings = rerun_command(command, "/home/me/repo", TARGET, "/venv/bin/python")
    assert cwd == TARGET / "experiments"
    assert argv == ["/venv/bin/python", "-u", "/work/code/train.py", "--data", "data/x.csv"]
    assert warnings == []


def test_a_module_runs_as_a_module() -> None:
    command = {
        "cwd": "/home/me/repo",
        "interpreter_flags": ["-m"],
        "target": "pkg.train",
        "argv": ["/home/me/repo/pkg/train.py", "--epochs", "2"],
    }
    argv, cwd, _ = rerun_command(command, "/home/me/repo", TARGET, "python")
    assert argv == ["python", "-m", "pkg.train", "--epochs", "2"] and cwd == TARGET


def test_a_run_started_outside_its_code_is_warned_about() -> None:
    command = {
        "cwd": "/home/me",
        "interpreter_flags": [],
        "target": "repo/train.py",
        "argv": ["repo/train.py"],
    }
    argv, cwd, warnings = rerun_command(command, "/home/me/repo", TARGET, "python")
    assert argv == ["python", "/work/code/train.py"] and cwd == TARGET
    assert "outside its code" in warnings[0]
