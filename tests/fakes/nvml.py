"""A stand-in for the ``pynvml`` module: GPUs with fixed readings, for machines without one.

Pass it where ``pynvml`` would go (``open_gpus(FakeNvml(2))``, ``SystemSampler.for_machine(...,
nvml=FakeNvml(1))``). ``unsupported`` names readings that raise ``NVMLError`` as they do on cards
without them; ``fail_init`` makes ``nvmlInit`` fail as it does without a driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


class NVMLError(Exception):
    """Like ``pynvml.NVMLError``."""


@dataclass
class _Utilization:
    gpu: int
    memory: int


@dataclass
class _Memory:
    total: int
    used: int
    free: int


class FakeNvml:
    """``count`` GPUs named ``name``; GPU i reads utilization 50+i %, 1000*(i+1) MB of 4000 MB used, 60+i °C,
    150 W of a 300 W limit, SM clock 1500 MHz, memory clock 5000 MHz."""

    NVMLError = NVMLError
    NVML_TEMPERATURE_GPU = 0
    NVML_CLOCK_SM = 1
    NVML_CLOCK_MEM = 2

    def __init__(
        self,
        count: int = 1,
        *,
        unsupported: tuple[str, ...] = (),
        fail_init: bool = False,
        name: str = "Fake GPU",
    ) -> None:
        self.count = count
        self.name = name
        self.unsupported = set(unsupported)
        self.fail_init = fail_init
        self.initialized = False
        self.shutdowns = 0

    def _check(self, what: str) -> None:
        if not self.initialized:
            raise NVMLError("Uninitialized")
        if what in self.unsupported:
            raise NVMLError("Not Supported")

    def nvmlInit(self) -> None:
        if self.fail_init:
            raise NVMLError("NVML Shared Library Not Found")
        self.initialized = True

    def nvmlShutdown(self) -> None:
        self.initialized = False
        self.shutdowns += 1

    def nvmlSystemGetDriverVersion(self) -> str:
        self._check("driver")
        return "550.0"

    def nvmlSystemGetCudaDriverVersion(self) -> int:
        self._check("driver")
        return 12040

    def nvmlDeviceGetName(self, handle: int) -> str:
        self._check("name")
        return self.name

    def nvmlDeviceGetUUID(self, handle: int) -> str:
        self._check("name")
        return f"GPU-fake-{handle}"

    def nvmlDeviceGetCount(self) -> int:
        self._check("count")
        return self.count

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        self._check("handle")
        if not 0 <= index < self.count:
            raise NVMLError("Invalid Argument")
        return index

    def nvmlDeviceGetUtilizationRates(self, handle: int) -> _Utilization:
        self._check("utilization")
        return _Utilization(gpu=50 + handle, memory=20)

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> _Memory:
        self._check("memory")
        used = 1000 * (handle + 1) * MB
        return _Memory(total=4000 * MB, used=used, free=4000 * MB - used)

    def nvmlDeviceGetTemperature(self, handle: int, sensor: int) -> int:
        self._check("temperature")
        assert sensor == self.NVML_TEMPERATURE_GPU
        return 60 + handle

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        self._check("power")
        return 150_000  # milliwatts

    def nvmlDeviceGetEnforcedPowerLimit(self, handle: int) -> int:
        self._check("power_limit")
        return 300_000

    def nvmlDeviceGetClockInfo(self, handle: int, clock: int) -> int:
        self._check("clocks")
        return {self.NVML_CLOCK_SM: 1500, self.NVML_CLOCK_MEM: 5000}[clock]

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"FakeNvml has no {name}; add it if the code under test needs it")
