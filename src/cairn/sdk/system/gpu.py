"""Per-GPU utilization, memory, temperature, power and clocks through NVML (``nvidia-ml-py``).

Without the package, a driver or a GPU, ``open_gpus`` returns None and the run simply has no GPU
charts: that is the normal case on a laptop, not something to warn about. A reading one GPU does not
support (power on many consumer cards) is left out; the others are kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

MB = 1024 * 1024


class GpuMetrics:
    """``system/gpu/<index>/*`` for every GPU NVML sees."""

    def __init__(self, nvml: Any, handles: list[Any]) -> None:
        self._nvml = nvml
        self._handles = handles

    @property
    def count(self) -> int:
        return len(self._handles)

    def sample(self) -> dict[str, float]:
        out: dict[str, float] = {}
        nvml = self._nvml
        read = self._read
        for index, handle in enumerate(self._handles):
            prefix = f"system/gpu/{index}/"
            rates = read(nvml.nvmlDeviceGetUtilizationRates, handle)
            if rates is not None:
                out[prefix + "utilization_percent"] = float(rates.gpu)
            memory = read(nvml.nvmlDeviceGetMemoryInfo, handle)
            if memory is not None:
                out[prefix + "memory_used_mb"] = memory.used / MB
                if memory.total:
                    out[prefix + "memory_percent"] = 100.0 * memory.used / memory.total
            temperature = read(nvml.nvmlDeviceGetTemperature, handle, nvml.NVML_TEMPERATURE_GPU)
            if temperature is not None:
                out[prefix + "temperature_c"] = float(temperature)
            power = read(nvml.nvmlDeviceGetPowerUsage, handle)
            if power is not None:
                out[prefix + "power_w"] = power / 1000.0  # NVML counts milliwatts
                limit = read(nvml.nvmlDeviceGetEnforcedPowerLimit, handle)
                if limit:
                    out[prefix + "power_percent"] = 100.0 * power / limit
            sm = read(nvml.nvmlDeviceGetClockInfo, handle, nvml.NVML_CLOCK_SM)
            if sm is not None:
                out[prefix + "sm_clock_mhz"] = float(sm)
            mem = read(nvml.nvmlDeviceGetClockInfo, handle, nvml.NVML_CLOCK_MEM)
            if mem is not None:
                out[prefix + "memory_clock_mhz"] = float(mem)
        return out

    def _read(self, call: Callable[..., Any], *args: Any) -> Any:
        """``call(*args)``, or None for a reading this GPU does not support."""
        try:
            return call(*args)
        except self._nvml.NVMLError:
            return None

    def close(self) -> None:
        with contextlib.suppress(self._nvml.NVMLError):
            self._nvml.nvmlShutdown()


def load_nvml() -> ModuleType | None:
    """The ``pynvml`` module of nvidia-ml-py, or None when it is not installed."""
    try:
        import pynvml
    except ImportError:
        return None
    module: ModuleType = pynvml
    return module


def open_gpus(nvml: Any = None) -> GpuMetrics | None:
    """NVML's GPUs, or None when there is no NVML, no driver or no GPU (nothing to say then).

    ``nvml`` is the ``pynvml`` module by default; tests pass a fake with the same functions.
    """
    nvml = nvml if nvml is not None else load_nvml()
    if nvml is None:
        return None
    try:
        nvml.nvmlInit()
    except Exception:  # NVMLError_LibraryNotFound, _DriverNotLoaded, ...: no GPU here
        return None
    try:
        handles = [nvml.nvmlDeviceGetHandleByIndex(i) for i in range(nvml.nvmlDeviceGetCount())]
    except nvml.NVMLError:
        handles = []
    if not handles:
        GpuMetrics(nvml, []).close()
        return None
    return GpuMetrics(nvml, handles)
