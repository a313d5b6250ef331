"""JSON columns keep NaN and ±Inf, at any depth, while writing only valid JSON text."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from cairn.store import jsonsafe

NESTED: dict[str, Any] = {
    "nan": math.nan,
    "inf": math.inf,
    "ninf": -math.inf,
    "finite": 1.5,
    "int": 3,
    "neg_zero": -0.0,
    "text": "hello",
    "none": None,
    "flag": True,
    "list": [math.nan, [math.inf, {"deep": -math.inf}], 2.0],
    "tuple": (math.inf, 1),
    "dict": {"a": {"b": {"c": [math.nan]}}},
}


def _strict_loads(text: str) -> Any:
    def reject(token: str) -> Any:
        raise AssertionError(f"invalid JSON token {token!r} in {text!r}")

    return json.loads(text, parse_constant=reject)


def _same(a: Any, b: Any) -> bool:
    """Equality where NaN equals NaN and a tuple equals the list JSON makes of it."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def test_dumps_writes_valid_json_only() -> None:
    text = jsonsafe.dumps(NESTED)
    parsed = _strict_loads(text)
    assert parsed["nan"] == "NaN"
    assert parsed["inf"] == "Infinity"
    assert parsed["ninf"] == "-Infinity"
    assert parsed["list"][1][1]["deep"] == "-Infinity"
    assert parsed["dict"]["a"]["b"]["c"] == ["NaN"]


def test_round_trip_at_any_depth() -> None:
    back = jsonsafe.loads(jsonsafe.dumps(NESTED))
    assert _same(back, NESTED)
    assert isinstance(back["nan"], float) and math.isnan(back["nan"])
    assert back["list"][1][1]["deep"] == -math.inf
    assert back["tuple"] == [math.inf, 1]
    assert type(back["int"]) is int


def test_a_name_spelled_with_escapes_reads_back_as_the_float() -> None:
    """``loads`` walks only texts that could hold a name: an escape could spell one."""
    back = jsonsafe.loads('{"a": ["\\u004eaN", "\\u0049nfinity"], "b": "Na\\u004e!"}')
    assert math.isnan(back["a"][0]) and back["a"][1] == math.inf and back["b"] == "NaN!"
    assert jsonsafe.loads('{"a": ["NaNa", 1.5]}') == {"a": ["NaNa", 1.5]}


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 0.1, -0.0, 7, None, "x"])
def test_scalars_round_trip(value: Any) -> None:
    text = jsonsafe.dumps(value)
    _strict_loads(text)
    assert _same(jsonsafe.loads(text), value)


def test_encode_and_decode_do_not_touch_the_input() -> None:
    value = {"a": [math.nan]}
    jsonsafe.encode_nonfinite(value)
    assert math.isnan(value["a"][0])
    encoded = {"a": ["NaN"]}
    jsonsafe.decode_nonfinite(encoded)
    assert encoded == {"a": ["NaN"]}


def test_numpy_floats_are_floats() -> None:
    back = jsonsafe.loads(jsonsafe.dumps({"x": np.float64("nan"), "y": np.float64(2.5)}))
    assert math.isnan(back["x"]) and back["y"] == 2.5


def test_strings_named_like_non_finite_floats_read_back_as_floats() -> None:
    """Documented trade-off: the names are reserved."""
    assert jsonsafe.loads(jsonsafe.dumps({"s": "Infinity"})) == {"s": math.inf}
