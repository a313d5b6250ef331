"""Hyperband early termination, W&B's bracket rule, as a pure function of the runs' curves.

An iteration is one logged value of the sweep's metric. The milestones are ``min_iter * eta**k``
(k = 0, 1, ... below ``max_iter`` when it is given, for ``s`` milestones when ``s`` is given), or,
from ``max_iter`` and ``s``, ``max_iter / eta**k`` for k = s ... 1, rounded down. A running run
that has reached milestone ``m`` (logged the metric ``m`` times) is judged at the largest milestone
it reached: its value at iteration ``m`` is compared with the values at iteration ``m`` of every
trial of the sweep that reached ``m``; when it is worse than their ``1/eta`` quantile (the best
``1/eta`` of them survive: for ``minimize`` the ``1/eta`` quantile, for ``maximize`` the
``1 - 1/eta`` quantile, linear interpolation), the run is stopped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np

from cairn.sweeps.config import EarlyTerminate

MAX_MILESTONE = 2**31


def milestones(early: EarlyTerminate) -> list[int]:
    """The iterations at which runs are judged, ascending."""
    eta = early.eta
    if early.min_iter is not None:
        out: list[int] = []
        value = early.min_iter
        limit = early.max_iter if early.max_iter is not None else MAX_MILESTONE
        while value <= limit and (early.s is None or len(out) < early.s):
            out.append(value)
            value *= eta
        return out
    assert early.max_iter is not None and early.s is not None, "config validation ensures it"
    found = {early.max_iter // eta**k for k in range(early.s, 0, -1)}
    return sorted(m for m in found if m >= 1)


def runs_to_stop(
    early: EarlyTerminate,
    goal: str,
    curves: Mapping[str, Sequence[float]],
    running: Collection[str],
) -> dict[str, str]:
    """Which of the ``running`` runs to stop, each with the reason; ``curves`` holds every trial's
    logged values of the metric in logging order (see the module docstring for the rule)."""
    marks = milestones(early)
    stop: dict[str, str] = {}
    for run_id in running:
        curve = curves.get(run_id, ())
        reached = [m for m in marks if len(curve) >= m]
        if not reached:
            continue
        m = reached[-1]
        peers = [c[m - 1] for c in curves.values() if len(c) >= m]
        if goal == "maximize":
            threshold = float(np.quantile(peers, 1 - 1 / early.eta))
            worse = curve[m - 1] < threshold
        else:
            threshold = float(np.quantile(peers, 1 / early.eta))
            worse = curve[m - 1] > threshold
        if worse:
            stop[run_id] = (
                f"hyperband: at iteration {m} its metric {curve[m - 1]:.6g} was worse than "
                f"{threshold:.6g}, the 1/{early.eta} quantile of the {len(peers)} trials there"
            )
    return stop
