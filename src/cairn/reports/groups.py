"""A panel's runs grouped by their ``group_by`` value, by the dashboard's rule
(web/src/features/runs/state/grouping.ts, by exact values), so an export draws the groups the
dashboard draws: the same names, members and colours.

A group is named by its value as text: a string as it is, anything else as JavaScript's
``JSON.stringify`` writes it (``1e-05`` is ``0.00001``, ``True`` is ``true``), no value (or one that
is not a finite number) as ``(none)``, which is a group too. Groups follow the order of their
first run; their colours go by position in the dashboard's order: numeric values first, in
numeric order (when every run that has a value has a number), then the others by first run.
web/src/features/reports/lib/panelGroups.json holds the cases both sides are tested with.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cairn.reports.blocks import RunData
from cairn.reports.style import PALETTE

NO_VALUE = "(none)"
"""The name of the group of runs without a value."""


@dataclass(frozen=True)
class Group:
    """Runs sharing a ``group_by`` value: its name, colour and runs (in the panel's order)."""

    name: str
    colour: str
    runs: list[RunData]


def group_runs(runs: list[RunData]) -> list[Group]:
    """``runs`` grouped by their ``group`` value, groups in the order of their first run."""
    names = [group_name(run.group) for run in runs]
    members: dict[str, list[RunData]] = {}
    for name, run in zip(names, runs, strict=True):
        members.setdefault(name, []).append(run)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(_colour_order(runs, names))}
    return [Group(name, colours[name], group) for name, group in members.items()]


def group_name(value: Any) -> str:
    """A value as the name of its group (the dashboard's ``valueText``)."""
    if value is None or (_is_number(value) and not math.isfinite(value)):
        return NO_VALUE
    return value if isinstance(value, str) else js_json(value)


def js_json(value: Any) -> str:
    """``value`` as JavaScript's ``JSON.stringify`` writes it (compact, numbers as JavaScript's)."""
    if value is None or (_is_number(value) and not math.isfinite(value)):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return js_number(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{js_json(str(k))}:{js_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(js_json(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def js_number(value: float) -> str:
    """A finite number as JavaScript writes it (ECMAScript's Number::toString): the shortest
    digits that read back the same, positional from 1e-6 up to 1e21, else with an exponent."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(float(abs(value)))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    n = exponent + len("".join(map(str, digit_tuple)))  # value = 0.digits × 10^n
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = f"0.{'0' * -n}{digits}"
    else:
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return sign + text


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _colour_order(runs: list[RunData], names: list[str]) -> list[str]:
    """The groups in the dashboard's order for colours: numeric values first, in numeric order,
    when every run with a value has a number; then the others by first run."""
    numbers = [
        run.group if _is_number(run.group) and math.isfinite(run.group) else None for run in runs
    ]
    numeric = any(n is not None for n in numbers) and all(
        n is not None or name == NO_VALUE for n, name in zip(numbers, names, strict=True)
    )
    order = [js_number(n) for n in sorted({n for n in numbers if n is not None})] if numeric else []
    for name in names:
        if name not in order:
            order.append(name)
    return order
