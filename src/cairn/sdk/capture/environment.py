"""The machine and software a run ran on: Python, OS, CPU, memory, GPUs, installed packages (as
a requirements lock), the conda environment, and the environment variables that change results.

Never secrets: a variable whose name matches ``SECRET_NAME`` is not stored, even when listed; a
stored value has its secret-looking parts redacted, and a package's direct URL loses its
credentials.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import platform
import re
import socket
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cairn.sdk.capture.secrets import is_secret_name, redact_text, strip_url_credentials

RESULT_ENV_VARS = (
    "CUDA_VISIBLE_DEVICES",
    "CUDA_DEVICE_ORDER",
    "CUDA_LAUNCH_BLOCKING",
    "CUBLAS_WORKSPACE_CONFIG",
    "NVIDIA_TF32_OVERRIDE",
    "PYTHONHASHSEED",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "MKL_CBWR",
    "KMP_AFFINITY",
    "TF_DETERMINISTIC_OPS",
    "TF_CUDNN_DETERMINISTIC",
    "TF_ENABLE_ONEDNN_OPTS",
    "XLA_FLAGS",
    "PYTORCH_CUDA_ALLOC_CONF",
    "TORCH_CUDNN_V8_API_ENABLED",
    "NCCL_ALGO",
    "NCCL_PROTO",
    "JAX_ENABLE_X64",
    "JAX_DEFAULT_MATMUL_PRECISION",
)
"""Environment variables that can change a run's numbers; only these are captured."""

_DIST_DIR = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+?)(?:-py[\d.]+)?\.(dist|egg)-info$")


def environment_section(nvml: Any = None) -> dict[str, Any]:
    """The ``environment`` section. ``nvml``: an NVML module to ask about GPUs (tests pass a fake;
    by default ``pynvml`` from nvidia-ml-py, when installed)."""
    packages = installed_packages(sys.path)
    return {
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
            "prefix": sys.prefix,
            "virtualenv": sys.prefix != sys.base_prefix,
        },
        "os": {
            "system": platform.system(),
            "release": platform.release(),
            "platform": platform.platform(),
            "machine": platform.machine(),
        },
        "hostname": socket.gethostname(),
        "cpu": {
            "model": cpu_model(),
            "count": os.cpu_count(),
            "usable": len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count(),
        },
        "memory_bytes": memory_bytes(),
        "gpus": gpu_info(nvml),
        "conda": conda_env(),
        "packages": packages,
        "requirements": requirements_lock(packages),
        "env_vars": result_env_vars(os.environ),
    }


def result_env_vars(environ: Any, names: Iterable[str] = RESULT_ENV_VARS) -> dict[str, str]:
    """The allowlisted variables that are set, never one whose name looks like a secret."""
    return {
        name: redact_text(str(environ[name]))[0]
        for name in names
        if name in environ and not is_secret_name(name)
    }


def installed_packages(path: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Every distribution on ``path`` with its exact version, read from the names of its
    ``.dist-info`` folders (fast: no metadata parsing); a direct URL (editable, VCS, local
    file) is kept when pip recorded one. The first found of a name wins, as imports do."""
    found: dict[str, dict[str, Any]] = {}
    for entry in path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            match = _DIST_DIR.match(name)
            if match is None:
                continue
            key = _normalize(match["name"])
            if key in found:
                continue
            info: dict[str, Any] = {"version": match["version"]}
            direct = Path(entry or ".") / name / "direct_url.json"
            if direct.exists():
                with contextlib.suppress(OSError, ValueError):
                    info["direct_url"] = _clean_direct_url(json.loads(direct.read_text()))
            found[key] = info
    return dict(sorted(found.items()))


def _clean_direct_url(data: Any) -> Any:
    """pip's ``direct_url.json`` without a token in its URL (``https://tok@host/pkg.git``)."""
    if isinstance(data, dict) and isinstance(data.get("url"), str):
        return {**data, "url": strip_url_credentials(data["url"])}
    return data


def requirements_lock(packages: dict[str, dict[str, Any]]) -> str:
    """The packages as pip requirements, exact versions; VCS installs pinned to their commit,
    editable and local installs as a comment (they cannot be fetched by version)."""
    lines = []
    for name, info in packages.items():
        url = info.get("direct_url")
        if url:
            vcs = url.get("vcs_info")
            if vcs:
                lines.append(f"{name} @ {vcs['vcs']}+{url['url']}@{vcs.get('commit_id', '')}")
                continue
            if url.get("dir_info", {}).get("editable") or url.get("url", "").startswith("file:"):
                lines.append(f"# {name}=={info['version']} installed from {url.get('url')}")
                continue
        lines.append(f"{name}=={info['version']}")
    return "\n".join(lines) + ("\n" if lines else "")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip() or None
    except OSError:
        pass
    return platform.processor() or None


def memory_bytes() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return None


def conda_env() -> dict[str, str] | None:
    name = os.environ.get("CONDA_DEFAULT_ENV")
    prefix = os.environ.get("CONDA_PREFIX")
    if not name and not prefix:
        return None
    return {"name": name or Path(prefix or "").name, "prefix": prefix or ""}


def gpu_info(nvml: Any = None) -> dict[str, Any]:
    """GPUs via NVML: driver and CUDA driver version, and per device its name, memory and UUID.

    Without an NVIDIA driver or without nvidia-ml-py it says so in ``note`` and lists none.
    """
    if nvml is None:
        try:
            nvml = importlib.import_module("pynvml")  # nvidia-ml-py, optional
        except ImportError:
            return {"devices": [], "note": "nvidia-ml-py is not installed: no GPU information"}
    try:
        nvml.nvmlInit()
    except Exception as exc:  # no driver, no device: the common case on a CPU machine
        return {"devices": [], "note": f"NVML is not available: {exc}"}
    try:
        out: dict[str, Any] = {"driver": _text(nvml.nvmlSystemGetDriverVersion())}
        try:
            cuda = int(nvml.nvmlSystemGetCudaDriverVersion())
            out["cuda_driver"] = f"{cuda // 1000}.{cuda % 1000 // 10}"
        except Exception:
            out["cuda_driver"] = None
        devices = []
        for i in range(int(nvml.nvmlDeviceGetCount())):
            handle = nvml.nvmlDeviceGetHandleByIndex(i)
            memory = nvml.nvmlDeviceGetMemoryInfo(handle)
            devices.append(
                {
                    "index": i,
                    "name": _text(nvml.nvmlDeviceGetName(handle)),
                    "memory_bytes": int(memory.total),
                    "uuid": _text(nvml.nvmlDeviceGetUUID(handle)),
                }
            )
        out["devices"] = devices
        return out
    except Exception as exc:
        return {"devices": [], "note": f"NVML failed: {exc}"}
    finally:
        with contextlib.suppress(Exception):
            nvml.nvmlShutdown()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
