"""Arrow columns built from and read into numpy through their buffers (no pandas)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from cairn.store.arrow import as_numpy, flags, numbers, valid


def test_numbers_match_pyarrows_own_conversion() -> None:
    for values, dtype, kind in (
        ([1.5, math.nan, -math.inf, 1e308], np.float64, pa.float64()),
        ([1.0, None, 3.0, None, None, 6.0, 7.0, 8.0, None], np.float64, pa.float64()),
        ([2**62, -5, 0], np.int64, pa.int64()),
        ([None, 7], np.int64, pa.int64()),
        ([], np.float64, pa.float64()),
    ):
        built = numbers(values, dtype)
        expected = pa.array(values, kind)
        assert built.type == kind and built.null_count == expected.null_count
        assert built.to_pylist() == pytest.approx(expected.to_pylist(), nan_ok=True)


def test_numbers_take_a_numpy_array() -> None:
    assert numbers(np.array([3, 1, 2]), np.int64).to_pylist() == [3, 1, 2]


def test_as_numpy_reads_chunks_and_slices() -> None:
    chunked = pa.chunked_array([numbers([1.0, 2.0, 3.0], np.float64), numbers([4.0], np.float64)])
    assert as_numpy(chunked, np.float64).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert as_numpy(numbers([5, 6, 7, 8], np.int64).slice(1, 2), np.int64).tolist() == [6, 7]
    with_nulls = numbers([1.0, None, 3.0], np.float64)
    assert as_numpy(with_nulls.drop_null(), np.float64).tolist() == [1.0, 3.0]
    with pytest.raises(ValueError, match="drop_null"):
        as_numpy(with_nulls, np.float64)
    filled = as_numpy(pa.chunked_array([with_nulls, with_nulls.slice(1)]), np.float64, math.nan)
    assert np.array_equal(filled, [1.0, math.nan, 3.0, math.nan, 3.0], equal_nan=True)
    assert as_numpy(pa.chunked_array([], pa.float64()), np.float64).tolist() == []


def test_valid_marks_the_set_values_across_chunks_and_offsets() -> None:
    column = numbers([1.0, None, 3.0, None, 5.0, 6.0, 7.0, 8.0, None, 10.0], np.float64)
    chunked = pa.chunked_array([column.slice(1, 4), column.slice(7)])
    assert valid(chunked).tolist() == [False, True, False, True, True, False, True]
    assert valid(numbers([1, 2], np.int64)).tolist() == [True, True]


def test_flags_make_a_boolean_array_that_filters_rows() -> None:
    mask = np.array([True, False, True, True, False, False, False, False, True, False])
    array = flags(mask)
    assert array.type == pa.bool_() and array.to_pylist() == mask.tolist()
    table = pa.table({"x": list(range(10))})
    assert table.filter(array).column("x").to_pylist() == [0, 2, 3, 8]
    assert valid(flags(mask)).all() and len(flags(np.zeros(0, bool))) == 0
