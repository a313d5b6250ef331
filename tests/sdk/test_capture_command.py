"""The command section: the exact command line, for a script, ``-m`` and ``-c``."""

from __future__ import annotations

import shlex
from pathlib import Path

from tests.fakes.planted import PLANTED

from cairn.sdk.capture.command import command_section


def test_a_script_with_interpreter_flags(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("")
    out = command_section(
        argv=["train.py", "--lr", "0.1"],
        orig_argv=["python3", "-u", "-X", "dev", "train.py", "--lr", "0.1"],
        cwd=str(tmp_path),
        executable="/usr/bin/python3",
    )
    assert out["interpreter_flags"] == ["-u", "-X", "dev"] and out["target"] == "train.py"
    assert shlex.split(out["command_line"]) == [
        "/usr/bin/python3", "-u", "-X", "dev", "train.py", "--lr", "0.1"
    ]  # fmt: skip
    assert out["entry_script"] == str((tmp_path / "train.py").resolve())
    assert out["rerunnable"] is True


def test_a_module() -> None:
    out = command_section(
        argv=["/src/pkg/train.py", "--epochs", "3"],
        orig_argv=["python", "-m", "pkg.train", "--epochs", "3"],
        cwd="/src",
        executable="python",
    )
    assert out["interpreter_flags"] == ["-m"] and out["target"] == "pkg.train"
    assert out["command_line"] == "python -m pkg.train --epochs 3"


def test_code_given_with_c_has_no_entry_script() -> None:
    out = command_section(
        argv=["-c"], orig_argv=["python", "-c", "import cairn"], cwd="/", executable="python"
    )
    assert out["target"] == "import cairn" and out["entry_script"] is None
    assert shlex.split(out["command_line"]) == ["python", "-c", "import cairn"]


def test_a_notebook_kernel_is_not_rerunnable() -> None:
    argv = ["/x/ipykernel_launcher.py", "-f", "/k.json"]
    out = command_section(argv=argv, orig_argv=["python", *argv], cwd="/", executable="python")
    assert out["rerunnable"] is False


def test_secrets_on_the_command_line_are_redacted_by_flag_and_by_value(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("")
    key = PLANTED[5].secret
    argv = ["train.py", "--api-key", key, "--openai", key, "--hf=" + PLANTED[8].secret]
    out = command_section(
        argv=argv, orig_argv=["python", *argv], cwd=str(tmp_path), executable="python"
    )
    assert out["argv"] == [
        "train.py",
        "--api-key",
        "[REDACTED]",
        "--openai",
        "[REDACTED:openai-key]",
        "--hf=[REDACTED:huggingface-token]",
    ]
    assert out["redacted"] == ["--api-key", "openai-key", "huggingface-token"]
    assert key not in out["command_line"] and PLANTED[8].secret not in out["command_line"]


def test_a_secret_in_code_given_with_c_is_redacted() -> None:
    key = PLANTED[7].secret
    code = f"import cairn; cairn.init(config={{'maps': {key!r}}})"
    out = command_section(argv=["-c"], orig_argv=["python", "-c", code], cwd="/", executable="py")
    assert key not in out["target"] and key not in out["command_line"]
    assert "[REDACTED:google-api-key]" in out["target"] and out["redacted"] == ["google-api-key"]
