"""The rows a compare panel can show, checked apart from ``cairn.reports.compare_panel`` (which
reads them) so ``blocks`` can check a panel's keys without importing what reads the store."""

from __future__ import annotations

MAX_RUNS = 24
"""Runs a compare panel shows at most: the dashboard's palette has 24 colours, so past it two
columns would share one, and a table of more runs is not read side by side."""

RUN_ROWS: tuple[str, ...] = (
    "run.commit",
    "run.dirty",
    "run.python",
    "run.host",
    "run.gpu",
    "run.duration",
)
"""What a run's capture says about how it can be re-run, one row each: the git commit, whether
the work tree had changes, the Python version, the host, the GPUs, and the seconds it ran."""

SECTIONS: tuple[tuple[str, str], ...] = (
    ("config.", "Config"),
    ("summary.", "Summary"),
    ("run.", "Run"),
)
"""A compare panel's row keys by their prefix, in the order the panel shows them."""


def check_compare_keys(keys: list[str]) -> None:
    """ValueError unless every key names rows: ``config.<key>`` (and the keys under it),
    ``summary.<key>``, or one of RUN_ROWS."""
    for key in keys:
        if key.startswith(("config.", "summary.")) and key.partition(".")[2]:
            continue
        if key in RUN_ROWS:
            continue
        raise ValueError(
            f"a compare panel's keys choose its rows: 'config.lr', 'summary.val/acc' or one of "
            f"{', '.join(RUN_ROWS)}, not {key!r} (none: every row)"
        )
