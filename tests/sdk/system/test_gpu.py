"""NVML readings per GPU; no NVML, no driver or an unsupported reading is quiet."""

from __future__ import annotations

import pytest
from tests.fakes.nvml import FakeNvml

from cairn.sdk.system import gpu as gpu_module
from cairn.sdk.system.gpu import open_gpus


def test_every_reading_of_every_gpu() -> None:
    gpus = open_gpus(FakeNvml(2))
    assert gpus is not None and gpus.count == 2
    row = gpus.sample()
    assert row["system/gpu/0/utilization_percent"] == 50
    assert row["system/gpu/1/utilization_percent"] == 51
    assert row["system/gpu/1/memory_used_mb"] == 2000
    assert row["system/gpu/1/memory_percent"] == 50
    assert row["system/gpu/0/temperature_c"] == 60
    assert row["system/gpu/0/power_w"] == 150
    assert row["system/gpu/0/power_percent"] == 50
    assert row["system/gpu/0/sm_clock_mhz"] == 1500
    assert row["system/gpu/0/memory_clock_mhz"] == 5000
    assert len(row) == 2 * 8


def test_an_unsupported_reading_is_left_out_and_the_rest_kept() -> None:
    gpus = open_gpus(FakeNvml(1, unsupported=("power", "clocks")))
    assert gpus is not None
    row = gpus.sample()
    assert not any("power" in k or "clock" in k for k in row)
    assert row["system/gpu/0/temperature_c"] == 60


def test_no_driver_means_no_gpus_and_no_error() -> None:
    assert open_gpus(FakeNvml(1, fail_init=True)) is None


def test_no_gpu_shuts_nvml_down_again() -> None:
    nvml = FakeNvml(0)
    assert open_gpus(nvml) is None
    assert nvml.shutdowns == 1 and not nvml.initialized


def test_without_nvidia_ml_py_there_are_no_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gpu_module, "load_nvml", lambda: None)
    assert open_gpus() is None


def test_close_shuts_nvml_down() -> None:
    nvml = FakeNvml(1)
    gpus = open_gpus(nvml)
    assert gpus is not None
    gpus.close()
    assert nvml.shutdowns == 1
