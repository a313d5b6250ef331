"""Numbers and values written as the dashboard's JavaScript writes them, so that a name the
exports print (a group's, a bin's) is the one the dashboard shows: ``js_number`` as
``String(x)``, ``js_json`` as ``JSON.stringify``, ``format_bound`` as the workspace's bin bounds
(web/src/features/runs/state/binning.ts)."""

from __future__ import annotations

import json
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def js_json(value: Any) -> str:
    """``value`` as JavaScript's ``JSON.stringify`` writes it (compact, numbers as JavaScript's)."""
    if value is None or (is_number(value) and not math.isfinite(value)):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
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
    n = exponent + len(digit_tuple)  # value = 0.digits × 10^n
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


def format_bound(value: float, digits: int = 3) -> str:
    """A number written short, as the workspace writes a bin's bounds: ``digits`` significant
    digits, no trailing zeros, an exponent for tiny or huge ones."""
    if value == 0:
        return "0"
    if abs(value) < 1e-4 or abs(value) >= 1e6:
        return re.sub(r"\.?0+e", "e", _to_exponential(value, digits - 1))
    mantissa, exponent = _round(value, digits)
    return js_number(float(mantissa.scaleb(exponent)) * (-1 if value < 0 else 1))


def _round(value: float, digits: int) -> tuple[Decimal, int]:
    """|value| as (m, e) with 1 <= m < 10 rounded to ``digits`` significant digits, half away
    from zero on its exact value (as JavaScript's toPrecision and toExponential round)."""
    exact = Decimal(abs(value))
    exponent = exact.adjusted()
    step = Decimal(1).scaleb(1 - digits)
    mantissa = exact.scaleb(-exponent).quantize(step, ROUND_HALF_UP)
    if mantissa >= 10:
        mantissa, exponent = (mantissa / 10).quantize(step, ROUND_HALF_UP), exponent + 1
    return mantissa, exponent


def _to_exponential(value: float, fraction: int) -> str:
    """JavaScript's ``value.toExponential(fraction)``: ``1.20e-4``, ``3e+6``."""
    mantissa, exponent = _round(value, fraction + 1)
    sign = "-" if value < 0 else ""
    return f"{sign}{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"


def is_number(value: Any) -> bool:
    """A JSON number: an int or float, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
