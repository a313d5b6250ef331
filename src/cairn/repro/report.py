"""The reproducibility report: a Markdown page with the verdict, what was run, and a row per
summary metric."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from cairn.repro.compare import MetricComparison


def fmt(value: Any) -> str:
    """A value for a table cell: numbers to 6 significant digits, NaN and infinities by name."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.6g}"
    return str(value)


def reproduced_cell(m: MetricComparison) -> str:
    if len(m.values) == 1:
        return fmt(m.values[0])
    if m.mean is None:
        return ", ".join(fmt(v) for v in m.values)
    return f"{fmt(m.mean)} ± {fmt(m.std)} [{fmt(min(m.values))}, {fmt(max(m.values))}]"


def summary_line(verdict: str, metrics: Sequence[MetricComparison], failure: str | None) -> str:
    if verdict == "failed":
        return f"**Verdict: failed**: {failure}"
    if verdict == "reproduced":
        exact = sum(m.status == "exact" for m in metrics)
        return (
            f"**Verdict: reproduced**: all {len(metrics)} summary metrics match ({exact} exactly)."
        )
    differing = ", ".join(f"`{m.key}`" for m in metrics if not m.ok)
    return f"**Verdict: not reproduced**: these metrics differ: {differing}."


def markdown_report(
    *,
    original: Any,
    reproductions: Sequence[tuple[str, int | None]],
    verdict: str,
    metrics: Sequence[MetricComparison],
    facts: Sequence[tuple[str, str]],
    warnings: Sequence[str],
    command: str,
    failure: str | None = None,
) -> str:
    """The report. ``original`` is the ApiRun reproduced; ``reproductions`` (path, seed) pairs;
    ``facts`` (label, text) rows about how it was run."""
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    out = [
        f"# Reproduction of {original.path} ({original.name})",
        "",
        summary_line(verdict, metrics, failure),
        "",
        "| | |",
        "| --- | --- |",
        f"| original | `{original.path}`, {original.state} |",
    ]
    for path, seed in reproductions:
        out.append(
            f"| reproduction | `{path}`" + (f", seed {seed}" if seed is not None else "") + " |"
        )
    out += [f"| {label} | {text} |" for label, text in facts]
    out += [f"| made | {now} |", ""]
    if metrics:
        out += [
            "## Summary metrics",
            "",
            "| metric | original | reproduced | abs diff | rel diff | status |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for m in metrics:
            out.append(
                f"| `{m.key}` | {fmt(m.original)} | {reproduced_cell(m)} | {fmt(m.abs_diff)} | "
                f"{fmt(m.rel_diff)} | {m.status} |"
            )
        out.append("")
    if warnings:
        out += ["## Warnings", ""] + [f"- {w}" for w in warnings] + [""]
    out += [
        "## What the verdict means",
        "",
        "*exact*: every reproduction has the original value. *within rtol*: the reproductions' "
        "mean is within `--rtol` × |original|. *within spread*: with several seeds, the original "
        "lies within three standard deviations of the reproductions' mean. The run is reproduced "
        "when every summary metric is one of these.",
        "",
        "## Run it again",
        "",
        "```bash",
        command,
        "```",
        "",
    ]
    return "\n".join(out)
