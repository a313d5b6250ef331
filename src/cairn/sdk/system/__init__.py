"""System metrics: a background sampler of CPU, memory, disk, network and GPUs (see ``sampler``)."""

from __future__ import annotations

from cairn.sdk.system.gpu import GpuMetrics, open_gpus
from cairn.sdk.system.host import HostMetrics
from cairn.sdk.system.sampler import Provider, SystemSampler

__all__ = ["GpuMetrics", "HostMetrics", "Provider", "SystemSampler", "open_gpus"]
