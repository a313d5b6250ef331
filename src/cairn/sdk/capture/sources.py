"""Where a run's config came from: the argparse namespace given to ``init``, and Hydra's composed
config, its overrides and its ``.hydra`` output folder when Hydra is running. Secrets in them are
redacted (``secrets.redact_values``, ``redact_text``)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from pathlib import Path
from typing import Any

from cairn.sdk.capture.secrets import redact_args, redact_text, redact_values

HYDRA_FILES = ("config.yaml", "hydra.yaml", "overrides.yaml")
HYDRA_FILE_LIMIT = 1_000_000


def argparse_source(config: Any) -> dict[str, Any] | None:
    """The namespace's values (secrets redacted), when ``config`` is one."""
    if not isinstance(config, argparse.Namespace):
        return None
    values = redact_values({k: _plain(v) for k, v in sorted(vars(config).items())})
    return {"namespace": values, "argv": redact_args(sys.argv[1:])[0]}


def hydra_source() -> dict[str, Any] | None:
    """Hydra's view of this job, when a Hydra app is running in this process: the composed
    config, the command-line overrides, and the text of the ``.hydra`` folder's files."""
    if "hydra" not in sys.modules:
        return None  # never import Hydra ourselves: only an app that uses it has a config
    try:
        HydraConfig = importlib.import_module("hydra.core.hydra_config").HydraConfig
        if not HydraConfig.initialized():
            return None
        cfg = HydraConfig.get()
        output_dir = Path(str(cfg.runtime.output_dir))
        subdir = str(cfg.output_subdir) if cfg.output_subdir is not None else None
        out: dict[str, Any] = {
            "config_name": cfg.job.get("config_name"),
            "overrides": redact_args([str(o) for o in cfg.overrides.task])[0],
            "output_dir": str(output_dir),
        }
    except Exception as exc:  # a Hydra too old or too new for these fields
        return {"note": f"Hydra is running but its config could not be read: {exc}"}
    files: dict[str, str] = {}
    if subdir is not None:
        folder = output_dir / subdir
        for name in HYDRA_FILES:
            path = folder / name
            if path.is_file() and path.stat().st_size <= HYDRA_FILE_LIMIT:
                text = path.read_text(errors="replace")
                files[f"{subdir}/{name}"] = redact_text(text)[0]
        composed = folder / "config.yaml"
        if composed.is_file():
            import yaml

            with contextlib.suppress(yaml.YAMLError):
                out["composed"] = redact_values(yaml.safe_load(composed.read_text()) or {})
    out["files"] = files
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return repr(value)
