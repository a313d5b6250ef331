"""What ``run.log`` accepts, how it flattens, and how it refuses what it cannot store."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
from tests.conftest import stable_id

from cairn.sdk.values import MAX_KEY_LENGTH, check_key, flatten


def _one(value: Any) -> float:
    return flatten({"v": value}, set())["v"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.25, 0.25),
        (3, 3.0),
        (True, 1.0),
        (False, 0.0),
        (2**53, float(2**53)),
        (np.float32(0.5), 0.5),
        (np.float64(1.5), 1.5),
        (np.float16(2.0), 2.0),
        (np.int8(-3), -3.0),
        (np.int64(7), 7.0),
        (np.uint32(9), 9.0),
        (np.bool_(True), 1.0),
        (np.array(4.5), 4.5),
        (np.array(6, dtype=np.int32), 6.0),
        (np.array([1.25]), 1.25),
        (torch.tensor(0.75), 0.75),
        (torch.tensor(5), 5.0),
        (torch.tensor([2.5]), 2.5),
        (torch.tensor([[8.0]]), 8.0),
        (torch.tensor(True), 1.0),
        (torch.tensor(1.5, requires_grad=True) * 2, 3.0),
    ],
    ids=repr,
)
def test_scalars_become_floats(value: Any, expected: float) -> None:
    out = _one(value)
    assert type(out) is float
    assert out == expected


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        np.float32("nan"),
        np.array(float("nan")),
        torch.tensor(float("nan")),
    ],
    ids=repr,
)
def test_nan_is_kept(value: Any) -> None:
    assert math.isnan(_one(value))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_infinities_are_kept(sign: float) -> None:
    for value in (sign * math.inf, np.float64(sign * np.inf), torch.tensor(sign * math.inf)):
        assert _one(value) == sign * math.inf


def test_nested_dicts_flatten_with_slashes() -> None:
    data = {"train": {"loss": 0.5, "acc": {"top1": 0.9, "top5": 1}}, "lr": 1e-3}
    assert flatten(data, set()) == {
        "train/loss": 0.5,
        "train/acc/top1": 0.9,
        "train/acc/top5": 1.0,
        "lr": 1e-3,
    }


def test_known_keys_are_remembered() -> None:
    known: set[str] = set()
    flatten({"a": 1, "b": {"c": 2}}, known)
    assert known == {"a", "b/c"} or {"a", "b/c"} <= known


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        ("0.5", "str"),
        (None, "NoneType"),
        ([1.0], "list"),
        ((1.0,), "tuple"),
        (object(), "object"),
        (1 + 2j, "complex"),
        (b"1", "bytes"),
    ],
    ids=stable_id,
)
def test_unloggable_values_raise_type_error_naming_key_and_type(value: Any, type_name: str) -> None:
    with pytest.raises(TypeError, match=rf"'bad/key'.*\b{type_name}\b"):
        flatten({"bad": {"key": value}}, set())


@pytest.mark.parametrize(
    "value",
    [np.zeros(3), np.arange(3.0), torch.zeros(3), torch.ones(2, 2)],
    ids=lambda v: f"{type(v).__name__}{tuple(v.shape)}",
)
def test_arrays_suggest_a_histogram(value: Any) -> None:
    with pytest.raises(TypeError, match=r"'weights'.*shape.*Histogram"):
        flatten({"weights": value}, set())


def test_numpy_string_scalar_is_refused() -> None:
    with pytest.raises(TypeError, match="'s'"):
        flatten({"s": np.str_("x")}, set())


@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_ints_beyond_float_range_raise_value_error_naming_key(value: int) -> None:
    with pytest.raises(ValueError, match=r"'big'.*too large"):
        flatten({"big": value}, set())


@pytest.mark.parametrize(
    "key",
    [
        "",
        "   ",
        "_step",
        "_private",
        "tab\there",
        "new\nline",
        "nul\x00",
        "del\x7f",
        "x" * (MAX_KEY_LENGTH + 1),
    ],
    ids=repr,
)
def test_bad_keys_raise_value_error_naming_the_key(key: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_key(key)
    assert repr(key[:40]) in str(caught.value)
    with pytest.raises(ValueError):
        flatten({key: 1.0}, set())


@pytest.mark.parametrize("key", [1, 2.5, None, ("a",)], ids=repr)
def test_non_string_keys_raise_value_error_naming_the_key(key: Any) -> None:
    with pytest.raises(ValueError, match="strings") as caught:
        flatten({key: 1.0}, set())
    assert repr(key) in str(caught.value)


def test_non_string_key_nested() -> None:
    with pytest.raises(ValueError, match="strings"):
        flatten({"a": {3: 1.0}}, set())


def test_longest_allowed_key() -> None:
    key = "k" * MAX_KEY_LENGTH
    assert check_key(key) == key
    assert flatten({key: 1}, set()) == {key: 1.0}


@pytest.mark.parametrize("key", ["loss", "a/b/c", "val loss", "ünïcode", "x_1", "a-b.c"])
def test_good_keys(key: str) -> None:
    assert check_key(key) == key


def test_underscore_inside_nested_key_is_allowed() -> None:
    assert flatten({"a": {"_b": 1}}, set()) == {"a/_b": 1.0}


class _BrokenItem:
    shape = ()

    def item(self) -> float:
        raise RuntimeError("cannot convert")


class _TextItem:
    shape = ()

    def item(self) -> str:
        return "text"


@pytest.mark.parametrize("value", [_BrokenItem(), _TextItem()], ids=lambda v: type(v).__name__)
def test_item_that_fails_or_is_not_a_number_is_a_type_error(value: Any) -> None:
    with pytest.raises(TypeError, match=rf"'v'.*{type(value).__name__}"):
        flatten({"v": value}, set())


def test_media_values_are_set_aside() -> None:
    import cairn

    image = cairn.Image(np.zeros((2, 2)))
    gallery = [cairn.Image(np.zeros((2, 2))), cairn.Image(np.ones((2, 2)))]
    media: dict[str, Any] = {}
    row = flatten({"loss": 1.0, "val": {"img": image, "all": gallery}}, set(), "", media)
    assert row == {"loss": 1.0}
    assert media["val/img"] is image and media["val/all"] == gallery
    with pytest.raises(TypeError, match=r"media values are logged with run\.log"):
        flatten({"img": image}, set())
