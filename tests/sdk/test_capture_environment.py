"""The environment section: GPUs through NVML (a fake one here), packages, allowlisted variables."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.fakes.planted import PLANTED

from cairn.sdk.capture.environment import (
    environment_section,
    gpu_info,
    installed_packages,
    requirements_lock,
    result_env_vars,
)


class FakeNVML:
    """The part of pynvml that Cairn calls, for a machine with two GPUs."""

    def __init__(self, fail_init: bool = False) -> None:
        self.fail_init = fail_init
        self.shut = False

    def nvmlInit(self) -> None:
        if self.fail_init:
            raise RuntimeError("NVML Shared Library Not Found")

    def nvmlShutdown(self) -> None:
        self.shut = True

    def nvmlSystemGetDriverVersion(self) -> bytes:
        return b"550.54.15"

    def nvmlSystemGetCudaDriverVersion(self) -> int:
        return 12040

    def nvmlDeviceGetCount(self) -> int:
        return 2

    def nvmlDeviceGetHandleByIndex(self, i: int) -> int:
        return i

    def nvmlDeviceGetName(self, handle: int) -> str:
        return ["NVIDIA A100-SXM4-80GB", "NVIDIA H100 PCIe"][handle]

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> Any:
        return SimpleNamespace(total=80 * 2**30, used=0, free=80 * 2**30)

    def nvmlDeviceGetUUID(self, handle: int) -> str:
        return f"GPU-{handle:08d}"


def test_gpus_driver_and_cuda_through_nvml() -> None:
    nvml = FakeNVML()
    info = gpu_info(nvml)
    assert info["driver"] == "550.54.15" and info["cuda_driver"] == "12.4"
    assert [d["name"] for d in info["devices"]] == ["NVIDIA A100-SXM4-80GB", "NVIDIA H100 PCIe"]
    assert info["devices"][1] == {
        "index": 1,
        "name": "NVIDIA H100 PCIe",
        "memory_bytes": 80 * 2**30,
        "uuid": "GPU-00000001",
    }
    assert nvml.shut


def test_no_driver_is_no_gpus_with_a_note() -> None:
    info = gpu_info(FakeNVML(fail_init=True))
    assert info["devices"] == [] and "NVML Shared Library Not Found" in info["note"]


def test_without_nvidia_ml_py_there_are_no_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", None)  # import pynvml raises ImportError
    assert gpu_info() == {
        "devices": [],
        "note": "nvidia-ml-py is not installed: no GPU information",
    }


def test_the_section_passes_the_nvml_provider_on() -> None:
    assert len(environment_section(nvml=FakeNVML())["gpus"]["devices"]) == 2


def test_installed_packages_match_importlib_metadata() -> None:
    import importlib.metadata
    import re

    found = installed_packages(sys.path)
    for dist in importlib.metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        assert found[name]["version"] == dist.version, name


def test_requirements_pin_versions_vcs_commits_and_comment_local_installs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name, direct in [
        ("numpy-1.26.4.dist-info", None),
        ("My_Lib-2.0.dist-info", {"url": "file:///src/mylib", "dir_info": {"editable": True}}),
        (
            "tool-0.3.dist-info",
            {
                "url": "https://github.com/o/tool.git",
                "vcs_info": {"vcs": "git", "commit_id": "abc123"},
            },
        ),
        ("old_thing-0.1-py3.11.egg-info", None),
        ("not-a-dist", None),
    ]:
        (site / name).mkdir(parents=True)
        if direct:
            (site / name / "direct_url.json").write_text(json.dumps(direct))
    packages = installed_packages([str(site)])
    assert sorted(packages) == ["my-lib", "numpy", "old-thing", "tool"]
    assert requirements_lock(packages).splitlines() == [
        "# my-lib==2.0 installed from file:///src/mylib",
        "numpy==1.26.4",
        "old-thing==0.1",
        "tool @ git+https://github.com/o/tool.git@abc123",
    ]


def test_a_package_installed_from_a_url_with_a_token_loses_the_token(tmp_path: Path) -> None:
    token = PLANTED[2].secret
    site = tmp_path / "site"
    (site / "tool-0.3.dist-info").mkdir(parents=True)
    direct = {
        "url": f"https://{token}@github.com/o/tool.git",
        "vcs_info": {"vcs": "git", "commit_id": "abc123"},
    }
    (site / "tool-0.3.dist-info" / "direct_url.json").write_text(json.dumps(direct))
    packages = installed_packages([str(site)])
    assert packages["tool"]["direct_url"]["url"] == "https://github.com/o/tool.git"
    assert token not in requirements_lock(packages)


def test_an_allowlisted_variable_keeps_its_value_but_not_a_secret_in_it() -> None:
    token = PLANTED[5].secret
    environ = {"XLA_FLAGS": f"--xla_dump_to=/tmp --key={token}", "OMP_NUM_THREADS": "4"}
    assert result_env_vars(environ) == {
        "XLA_FLAGS": "--xla_dump_to=/tmp --key=[REDACTED:openai-key]",
        "OMP_NUM_THREADS": "4",
    }
