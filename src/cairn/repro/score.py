"""The reproducibility checklist and score of a run, from its capture and config: pure, no I/O.

Each item passes or fails; an item that cannot be judged (data inputs of a run that used no
artifact: what it read is unknown) is ``None`` and left out of the score. The score is the percentage of judged items that pass, or
``None`` when the run captured nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SCORED_SECTIONS = ("git", "environment", "seeds", "command")
"""The capture sections the checklist reads (the runs list fetches only these)."""


def checklist(
    capture: Mapping[str, Any], config: Mapping[str, Any], inputs: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The items, in order, each ``{id, label, ok (True/False/None), detail}``. ``inputs``: the
    artifact versions the run used (``name:vN``); a run whose inputs are artifacts has its data
    versioned."""
    git = capture.get("git") or {}
    env = capture.get("environment") or {}
    seeds = capture.get("seeds") or {}
    commit = git.get("commit")
    dirty = bool(git.get("dirty"))
    diff = git.get("diff")
    packages = env.get("packages") or {}
    seed = seeds.get("seed")
    items: list[dict[str, Any]] = [
        {
            "id": "commit",
            "label": "Code pinned to a commit",
            "ok": bool(commit),
            "detail": str(commit)[:12] if commit else "no git commit captured",
        },
        {
            "id": "tree",
            "label": "Tree clean or diff captured",
            "ok": bool(commit) and (not dirty or (bool(diff) and not git.get("diff_truncated"))),
            "detail": (
                "no git repository"
                if not commit
                else "clean"
                if not dirty
                else "diff captured"
                if diff and not git.get("diff_truncated")
                else "dirty, diff missing or cut"
            ),
        },
        {
            "id": "environment",
            "label": "Environment locked",
            "ok": bool(packages),
            "detail": f"{len(packages)} packages" if packages else "no packages captured",
        },
        {
            "id": "seed",
            "label": "Seed set",
            "ok": seed is not None,
            "detail": f"seed {seed}" if seed is not None else "no seed_everything call",
        },
        {
            "id": "data",
            "label": "Data inputs versioned",
            "ok": True if inputs else None,
            "detail": _inputs_detail(inputs),
        },
        {
            "id": "config",
            "label": "Config complete",
            "ok": bool(config),
            "detail": f"{len(config)} keys" if config else "empty config",
        },
    ]
    return items


def _inputs_detail(inputs: Sequence[str]) -> str:
    if not inputs:
        return "no artifact inputs recorded (run.use_artifact)"
    shown = ", ".join(inputs[:3])
    return shown + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")


def score(
    capture: Mapping[str, Any], config: Mapping[str, Any], inputs: Sequence[str] = ()
) -> int | None:
    """0–100: the share of judged checklist items that pass; None when nothing was captured."""
    if not capture:
        return None
    judged = [item["ok"] for item in checklist(capture, config, inputs) if item["ok"] is not None]
    return round(100 * sum(1 for ok in judged if ok) / len(judged))
