"""The keys of the analysis panels (parallel coordinates, parameter importance): config keys,
one axis or parameter each, then the target metric last; and which way the metric is better.
Checked here, apart from ``cairn.reports.analysis`` that draws them, so ``blocks`` needs no
numpy."""

from __future__ import annotations

ANALYSIS_KINDS: tuple[str, ...] = ("parallel", "importance")
GOALS: tuple[str, ...] = ("minimize", "maximize")


def check_analysis_keys(kind: str, keys: list[str]) -> None:
    """ValueError unless ``keys`` are config keys then one summary metric, saying what would."""
    example = "keys=['config.lr', 'config.batch_size', 'summary.val/acc']"
    if len(keys) < 2:
        raise ValueError(
            f"a {kind} panel needs config keys and a target metric last, e.g. {example}; "
            f"got {keys!r}"
        )
    params, metric = keys[:-1], keys[-1]
    if not metric.startswith("summary.") or len(metric) == len("summary."):
        raise ValueError(
            f"a {kind} panel's last key is its target metric, a summary key such as "
            f"'summary.val/acc', not {metric!r} ({example})"
        )
    odd = [k for k in params if not k.startswith("config.") or k == "config."]
    if odd:
        raise ValueError(
            f"a {kind} panel's keys before the metric are parameters, config keys such as "
            f"'config.lr', not {odd[0]!r} ({example})"
        )


def check_goal(goal: str | None) -> None:
    """ValueError unless ``goal`` is None (from the metric's name) or one of GOALS."""
    if goal is not None and goal not in GOALS:
        raise ValueError(f"goal={goal!r}: give 'minimize', 'maximize' or None (from the name)")
