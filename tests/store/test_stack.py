"""``stack``: tables with different columns as one, nulls shared."""

from __future__ import annotations

import pyarrow as pa

from cairn.store.stack import NULL_BLOCK, null_chunks, stack


def test_stack_equals_arrows_own_concat_with_promotion() -> None:
    tables = [
        pa.table({"a": pa.array([1, 2], pa.int64()), "b": pa.array([None, None], pa.null())}),
        pa.table({"c": pa.array(["x"])}),
        pa.table({"b": pa.array([0.5]), "a": pa.array([3], pa.int64())}),
        pa.table({"a": pa.array([], pa.int64())}),
    ]
    stacked = stack(tables)
    assert stacked.equals(pa.concat_tables(tables, promote_options="default"))
    assert stacked.to_pydict() == {
        "a": [1, 2, None, 3],
        "b": [None, None, None, 0.5],
        "c": [None, None, "x", None],
    }


def test_null_runs_are_slices_of_one_shared_array() -> None:
    chunks = null_chunks(2 * NULL_BLOCK + 5, pa.float64())
    assert [len(c) for c in chunks] == [NULL_BLOCK, NULL_BLOCK, 5]
    assert all(c.null_count == len(c) for c in chunks)
    buffers = {c.buffers()[1].address for c in chunks}
    assert len(buffers) == 1  # one allocation, whatever the number of nulls
    wide = stack([pa.table({f"m{i}": [1.0]}) for i in range(1000)])
    assert wide.num_rows == 1000 and wide.column("m7").to_pylist()[6:9] == [None, 1.0, None]
    assert wide.get_total_buffer_size() < 1000 * 1000 * 8  # not a dense column per name
