"""A small in-process memo of importance results, keyed by the content of their input.

The key is a sha256 of the runs' configs, metric values and the chosen parameters, so a new run, a
changed config or a changed summary value is a different key: nothing needs invalidating, and a
server that holds this memo still keeps no state that could disagree with the store (another
process simply computes the same numbers once). The forest is what costs time (~0.1 s for 100
runs); the memo makes reopening the Analysis view on unchanged runs instant.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from cairn.analysis.importance import Importance, parameter_importance

MAX_ENTRIES = 64


def input_key(
    configs: Sequence[Mapping[str, Any]],
    metrics: Sequence[float | None],
    params: Sequence[str] | None,
) -> str:
    """A digest of everything ``parameter_importance`` reads (values that JSON cannot hold by
    their repr, which is also how the encoder tells categories apart)."""
    text = json.dumps(
        [list(configs), list(metrics), None if params is None else list(params)],
        sort_keys=True,
        default=repr,
        allow_nan=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


class ImportanceMemo:
    """``parameter_importance`` with the last ``size`` results kept (least recently used goes)."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self._size = size
        self._results: OrderedDict[str, Importance] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(
        self,
        configs: Sequence[Mapping[str, Any]],
        metrics: Sequence[float | None],
        params: Sequence[str] | None = None,
    ) -> Importance:
        key = input_key(configs, metrics, params)
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = parameter_importance(configs, metrics, params)
        with self._lock:
            self._results[key] = result
            while len(self._results) > self._size:
                self._results.popitem(last=False)
        return result

    def __len__(self) -> int:
        return len(self._results)
