"""Runs as the API sends them: JSON-safe values, config flattened for table rows."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from cairn.store import RunInfo
from cairn.store.columns import flatten_config
from cairn.store.jsonsafe import encode_nonfinite


def _common(info: RunInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "project": info.project,
        "name": info.name,
        "state": info.state,
        "created_at": info.created_at,
        "updated_at": info.updated_at,
        "heartbeat_at": info.heartbeat_at,
        "finished_at": info.finished_at,
        "runtime": info.runtime,
        "tags": info.tags,
        "notes": info.notes,
        "group": info.group,
        "job_type": info.job_type,
        "host": info.host,
        "history_rows": info.history_rows,
        "last_step": info.last_step,
        "number": info.number,
    }


def run_row(
    info: RunInfo,
    config_keys: Collection[str] | None = None,
    summary_keys: Collection[str] | None = None,
) -> dict[str, Any]:
    """A RunRow; ``config_keys``/``summary_keys`` (None: all) pick the values sent."""
    config = flatten_config(info.config)
    summary = info.summary
    if config_keys is not None:
        config = {k: config[k] for k in config_keys if k in config}
    if summary_keys is not None:
        summary = {k: summary[k] for k in summary_keys if k in summary}
    row = _common(info)
    row["config"] = encode_nonfinite(config)
    row["summary"] = encode_nonfinite(summary)
    return row


def run_detail(info: RunInfo) -> dict[str, Any]:
    """A RunDetail: config nested as logged."""
    detail = _common(info)
    detail.update(
        config=encode_nonfinite(info.config),
        summary=encode_nonfinite(info.summary),
        exit_code=info.exit_code,
        error=info.error,
        program=info.program,
        metric_keys=info.history_keys,
        metric_defs=info.metric_defs,
        sweep_id=info.sweep_id,
    )
    return detail
