"""``cairn.Histogram``: binning, numpy's output, NaN/Inf counted apart, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import cairn
from cairn.sdk.media.histogram import MAX_BINS


def _stage(data: bytes) -> str:
    raise AssertionError("a histogram stages no bytes")


def test_values_are_binned_into_num_bins() -> None:
    values = np.arange(100, dtype=np.float32)
    meta = cairn.Histogram(values, num_bins=10).encode(_stage)
    assert meta["counts"] == [10.0] * 10
    assert meta["edges"][0] == 0.0 and meta["edges"][-1] == 99.0 and len(meta["edges"]) == 11


def test_np_histogram_is_taken_as_it_is() -> None:
    counts, edges = np.histogram([1, 2, 2, 3, 3, 3], bins=3)
    meta = cairn.Histogram(np_histogram=(counts, edges)).encode(_stage)
    assert meta["counts"] == [1.0, 2.0, 3.0] and meta["edges"] == edges.tolist()


def test_nan_and_inf_are_counted_not_binned() -> None:
    meta = cairn.Histogram([1.0, np.nan, np.inf, -np.inf, np.inf, 2.0], num_bins=2).encode(_stage)
    assert sum(meta["counts"]) == 2
    assert (meta["nan"], meta["inf"], meta["ninf"]) == (1, 2, 1)


def test_torch_tensors_and_all_nonfinite_values() -> None:
    meta = cairn.Histogram(torch.ones(3, 4)).encode(_stage)
    assert sum(meta["counts"]) == 12
    empty = cairn.Histogram([np.nan, np.nan], num_bins=4).encode(_stage)
    assert empty["counts"] == [0.0] * 4 and empty["nan"] == 2


def test_data_is_copied_when_built() -> None:
    values = np.zeros(10)
    hist = cairn.Histogram(values, num_bins=2)
    values[:] = 5
    assert hist.edges[-1] < 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1.0], "num_bins": MAX_BINS + 1}, "use 1 to 512 bins"),
        ({"values": [1.0], "num_bins": 0}, "use 1 to 512 bins"),
        ({"values": [1.0], "num_bins": 2.5}, "num_bins must be an int"),
        ({}, "either values= or np_histogram="),
        ({"values": [1], "np_histogram": ([1], [0, 1])}, "either values= or np_histogram="),
        ({"np_histogram": ([1, 2], [0, 1])}, "one more edge than counts"),
        ({"np_histogram": ([1], [1, 0])}, "must be increasing"),
        ({"np_histogram": ([np.nan], [0, 1])}, "NaN or Inf"),
        ({"np_histogram": [1, 2, 3]}, r"\(counts, bin_edges\)"),
        ({"values": ["a", "b"]}, "must be numbers"),
    ],
)
def test_bad_input_says_what_to_fix(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        cairn.Histogram(**kwargs)  # type: ignore[arg-type]
