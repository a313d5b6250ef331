"""Config sources: an argparse namespace given to init, and Hydra's job (a fake Hydra here)."""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path
from types import SimpleNamespace

import pytest
from tests.fakes.planted import PLANTED

from cairn.sdk.capture.sources import argparse_source, hydra_source


def test_an_argparse_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["train.py", "--lr", "0.1", "--hf-token", "abc"])
    ns = argparse.Namespace(lr=0.1, hf_token="abc", layers=(1, 2), path=Path("/d"))
    out = argparse_source(ns)
    assert out == {
        "namespace": {"hf_token": "[REDACTED]", "layers": [1, 2], "lr": 0.1, "path": "PosixPath('/d')"},
        "argv": ["--lr", "0.1", "--hf-token", "[REDACTED]"],
    }  # fmt: skip
    assert argparse_source({"lr": 0.1}) is None


def test_no_hydra_no_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "hydra", raising=False)
    assert hydra_source() is None


def _fake_hydra(monkeypatch: pytest.MonkeyPatch, output_dir: Path, initialized: bool) -> None:
    cfg = SimpleNamespace(
        runtime=SimpleNamespace(output_dir=str(output_dir)),
        output_subdir=".hydra",
        job={"config_name": "train"},
        overrides=SimpleNamespace(task=["optimizer.lr=0.01", "db.password=hunter2"]),
    )

    class HydraConfig:
        @staticmethod
        def initialized() -> bool:
            return initialized

        @staticmethod
        def get() -> SimpleNamespace:
            return cfg

    module = types.ModuleType("hydra.core.hydra_config")
    module.HydraConfig = HydraConfig  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hydra", types.ModuleType("hydra"))
    monkeypatch.setitem(sys.modules, "hydra.core", types.ModuleType("hydra.core"))
    monkeypatch.setitem(sys.modules, "hydra.core.hydra_config", module)


def test_hydra_composed_config_overrides_and_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "outputs" / "2024-01-01" / ".hydra"
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text("optimizer:\n  lr: 0.01\nmodel: resnet\n")
    (folder / "overrides.yaml").write_text("- optimizer.lr=0.01\n")
    (folder / "hydra.yaml").write_text("hydra:\n  job:\n    name: train\n")
    _fake_hydra(monkeypatch, folder.parent, initialized=True)
    out = hydra_source()
    assert out is not None
    assert out["config_name"] == "train"
    assert out["overrides"] == ["optimizer.lr=0.01", "db.password=[REDACTED]"]
    assert out["composed"] == {"optimizer": {"lr": 0.01}, "model": "resnet"}
    assert sorted(out["files"]) == [
        ".hydra/config.yaml",
        ".hydra/hydra.yaml",
        ".hydra/overrides.yaml",
    ]


def test_hydra_imported_but_not_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_hydra(monkeypatch, tmp_path, initialized=False)
    assert hydra_source() is None


def test_secrets_in_hydras_files_and_composed_config_are_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = PLANTED[8].secret
    folder = tmp_path / "outputs" / "2024-01-01" / ".hydra"
    folder.mkdir(parents=True)
    text = f"db:\n  password: quiet-pw-11\n  port: 5432\nhub: {token}\nmax_tokens: 64\n"
    (folder / "config.yaml").write_text(text)
    (folder / "overrides.yaml").write_text(f"- +hub={token}\n")
    _fake_hydra(monkeypatch, folder.parent, initialized=True)
    out = hydra_source()
    assert out is not None
    assert out["composed"] == {
        "db": {"password": "[REDACTED]", "port": 5432},
        "hub": "[REDACTED:huggingface-token]",
        "max_tokens": 64,
    }
    assert out["files"][".hydra/config.yaml"] == (
        "db:\n  password: [REDACTED:assignment]\n  port: 5432\n"
        "hub: [REDACTED:huggingface-token]\nmax_tokens: 64\n"
    )
    assert token not in out["files"][".hydra/overrides.yaml"]


def test_a_token_in_an_argparse_value_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    token = PLANTED[2].secret
    monkeypatch.setattr(sys, "argv", ["train.py", "--repo", f"https://{token}@github.com/o/r"])
    out = argparse_source(argparse.Namespace(repo=f"https://{token}@github.com/o/r", lr=0.1))
    assert out is not None and token not in repr(out)
    assert out["namespace"]["repo"] == "https://[REDACTED:github-token]@github.com/o/r"
