"""The reproducibility-report template: a report whose sections (scope, methodology, results,
computational cost, discussion) are filled from the runs a user picks (``Report.reproducibility``).

Every text taken from a run (names, commands, package names, artifact names...) is user data: it
goes into Markdown through ``md_text``, which backslash-escapes every ASCII punctuation mark, so it
reads as plain text in every export (no emphasis, link, math, citation, table cell break or HTML).
Each verdict is a live verdict panel: a later ``cairn reproduce`` of the run shows there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cairn.reports.report import Report
    from cairn.sdk.api import ApiRun

KEY_PACKAGES = (
    "torch",
    "torchvision",
    "jax",
    "tensorflow",
    "numpy",
    "scipy",
    "scikit-learn",
    "pandas",
    "transformers",
    "lightning",
    "cairn",
)
"""Packages whose version Methodology lists when a run's environment has them."""

SCOPE_PROMPT = (
    "*Write the claims you set out to reproduce: what the paper states (with the number, table or "
    "figure it comes from), which of them these runs test, and what would count as reproduced.*"
)
DISCUSSION_PROMPT = (
    "*What held and what did not, and why you think so; what was hard to reproduce (missing "
    "details, compute), and what you would ask the authors.*"
)
MAX_LINE_KEYS = 4
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_text(value: Any) -> str:
    """``value`` as Markdown that reads as the plain text it is: every ASCII punctuation mark
    backslash-escaped, line breaks as spaces."""
    text = " ".join(str(value).split())
    return _PUNCTUATION.sub(r"\\\1", text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GFM table; cells are Markdown already (escape user data with ``md_text``)."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell or "–" for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def fill(report: Report, runs: Sequence[ApiRun]) -> Report:
    """Append the template's sections to ``report``, filled from ``runs``."""
    if not runs:
        raise ValueError(
            "a reproducibility report needs at least one run: pass runs=['<id>', ...] "
            "(the originals and reproductions it is about; `cairn ls PROJECT` lists ids)"
        )
    captures = [run.capture for run in runs]
    report.add_markdown("## Scope of reproducibility\n\n" + SCOPE_PROMPT)
    report.add_markdown(methodology(runs, captures))
    _results(report, runs)
    report.add_markdown(cost(runs, captures))
    report.add_markdown("## Discussion\n\n" + DISCUSSION_PROMPT)
    return report


def _label(run: ApiRun) -> str:
    return f"{md_text(run.name)} ({md_text(run.id)})"


def methodology(runs: Sequence[ApiRun], captures: Sequence[dict[str, Any]]) -> str:
    """The Methodology section: code, command, environment, hardware, data and seeds per run
    (a list per run, which wraps in every export where a wide table would not)."""
    out = ["## Methodology\n\nWhat each run ran, as Cairn captured it."]
    for run, capture in zip(runs, captures, strict=True):
        env = capture.get("environment") or {}
        facts = [
            ("Code", _git(capture.get("git"))),
            ("Command", _command(capture.get("command"), capture.get("code"))),
            ("Python", _python(env)),
            ("Packages", _packages(env)),
            ("Hardware", _hardware(env)),
            ("Data and models", _artifacts(run)),
            ("Seed", _seeds(capture.get("seeds"))),
        ]
        out.append(f"### {_label(run)}\n\n" + "\n".join(f"- {k}: {v}" for k, v in facts))
    return "\n\n".join(out)


def _git(git: dict[str, Any] | None) -> str:
    if not git:
        return "not captured"
    if not git.get("repository", True) or "commit" not in git:
        return "not a git repository"
    commit = git.get("commit")
    if commit is None:
        return "git repository without commits"
    state = "dirty (uncommitted changes)" if git.get("dirty") else "clean"
    return f"commit {md_text(commit)}, {state}"


def _command(command: dict[str, Any] | None, code: dict[str, Any] | None) -> str:
    parts = []
    entry = (code or {}).get("entry") or {}
    if entry.get("path"):
        parts.append(f"entry point {md_text(entry['path'])}")
    if command and command.get("command_line"):
        parts.append(md_text(command["command_line"]))
    return "; ".join(parts) or "not captured"


def _python(env: dict[str, Any]) -> str:
    python = env.get("python") or {}
    if not python.get("version"):
        return "not captured"
    return md_text(f"{python.get('implementation') or 'Python'} {python['version']}")


def _packages(env: dict[str, Any]) -> str:
    packages = env.get("packages") or {}
    found = [
        f"{md_text(name)} {md_text((packages[name] or {}).get('version', '?'))}"
        for name in KEY_PACKAGES
        if name in packages
    ]
    return ", ".join(found) or "none of " + ", ".join(KEY_PACKAGES)


def gpu_names(env: dict[str, Any]) -> list[str]:
    """The names of the GPUs the run's environment capture saw (empty: none)."""
    devices = (env.get("gpus") or {}).get("devices") or []
    return [str(d.get("name") or "GPU") for d in devices]


def _hardware(env: dict[str, Any]) -> str:
    cpu = env.get("cpu") or {}
    parts = []
    if cpu.get("model"):
        parts.append(f"CPU {md_text(cpu['model'])} × {md_text(cpu.get('count', '?'))}")
    gpus = gpu_names(env)
    parts.append(_gpu_text(gpus) if gpus else "no GPU")
    return ", ".join(parts)


def _gpu_text(names: list[str]) -> str:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{n} × {md_text(name)}" for name, n in counts.items())


def _artifacts(run: ApiRun) -> str:
    used = [f"used {_version(v)}" for v in run.used_artifacts()]
    logged = [f"logged {_version(v)}" for v in run.logged_artifacts()]
    return "; ".join(used + logged) or "none logged"


def _version(version: Any) -> str:
    return (
        f"{md_text(version.name)} {md_text(version.version)} "
        f"({md_text(version.type)}, sha256 {md_text(version.digest[:12])})"
    )


def _seeds(seeds: dict[str, Any] | None) -> str:
    if not seeds or seeds.get("seed") is None:
        return "not recorded (cairn.seed_everything records it)"
    return f"{md_text(seeds['seed'])} ({md_text(', '.join(seeds.get('seeded') or []))})"


def _results(report: Report, runs: Sequence[ApiRun]) -> None:
    report.add_markdown(
        "## Results\n\nThe verdicts of `cairn reproduce` (live: a later reproduction of these "
        "runs shows here)."
    )
    shown = list(runs)
    verdicts = 0
    for run in runs:
        if not run.comparisons():
            continue
        verdicts += 1
        report.add_panel("verdict", run=run.id, title=f"Verdict: {run.name} ({run.id})")
        seen = {r.id for r in shown}
        shown += [r for r in run.reproductions() if r.id not in seen]
    if not verdicts:
        report.add_markdown(
            "*None of these runs has a `cairn reproduce` verdict: run "
            "`cairn reproduce PROJECT/RUN` and make the report again to see one here.*"
        )
    which = "id in [" + ", ".join(_quoted(r.id) for r in shown) + "]"
    keys = line_keys(shown)
    if keys:
        report.add_panel(
            "line",
            runs=which,
            keys=keys,
            title="Original and reproductions",
        )
    summary = summary_keys(shown)
    if summary:
        report.add_panel(
            "bar",
            runs=which,
            keys=[f"summary.{k}" for k in summary],
            title="Spread across seeds",
            group_by="config.seed" if any("seed" in r.config for r in shown) else "name",
        )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def line_keys(runs: Sequence[ApiRun]) -> list[str]:
    """The metric keys the runs share (system metrics left out), at most MAX_LINE_KEYS."""
    shared = set(runs[0].keys)
    for run in runs[1:]:
        shared &= set(run.keys)
    return sorted(k for k in shared if not k.startswith("system/"))[:MAX_LINE_KEYS]


def summary_keys(runs: Sequence[ApiRun]) -> list[str]:
    """The numeric summary keys every run has, at most MAX_LINE_KEYS."""
    shared: set[str] | None = None
    for run in runs:
        numeric = {
            k
            for k, v in run.summary.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        }
        shared = numeric if shared is None else shared & numeric
    return sorted(k for k in shared or () if not k.startswith("system/"))[:MAX_LINE_KEYS]


def cost(runs: Sequence[ApiRun], captures: Sequence[dict[str, Any]]) -> str:
    """The Computational cost section: runtime, CPU, GPU type and GPU-hours per run."""
    rows = []
    total_hours = 0.0
    total_gpu = 0.0
    for run, capture in zip(runs, captures, strict=True):
        env = capture.get("environment") or {}
        cpu = env.get("cpu") or {}
        gpus = gpu_count(run)
        names = gpu_names(env)
        hours = run.runtime / 3600
        gpu_hours = gpus * hours
        total_hours += hours
        total_gpu += gpu_hours
        rows.append(
            [
                _label(run),
                duration(run.runtime),
                md_text(f"{cpu.get('model') or '?'} × {cpu.get('count', '?')}"),
                _gpu_text(names) if names else ("no GPU" if not gpus else f"{gpus} GPU(s)"),
                f"{gpu_hours:.3f}" if gpus else "no GPU",
            ]
        )
    rows.append(["**total**", duration(total_hours * 3600), "", "", f"{total_gpu:.3f}"])
    return (
        "## Computational cost\n\nRuntime from creation to finish; GPU-hours are the GPUs the "
        "system metrics sampled (`system/gpu/N/*`) × runtime.\n\n"
        + table(["run", "runtime", "CPU", "GPU", "GPU-hours"], rows)
    )


def duration(seconds: float) -> str:
    """Seconds as ``42 s``, ``12.5 min`` or ``3.25 h``."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"


def gpu_count(run: ApiRun) -> int:
    """How many GPUs the run's system metrics sampled (``system/gpu/<index>/*`` keys)."""
    indexes = {
        k.split("/")[2] for k in run.keys if k.startswith("system/gpu/") and k.count("/") >= 3
    }
    return len(indexes)
