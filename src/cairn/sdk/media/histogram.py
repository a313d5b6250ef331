"""``cairn.Histogram``: the distribution of many values at one step (weights, gradients, scores).

Binned when it is built, so a logged histogram is a few hundred numbers kept inline in the journal
record (no blob). NaN and ±Inf are counted apart and not binned.
"""

from __future__ import annotations

from typing import Any

from cairn.sdk.media.base import Media, Stage, array_of

MAX_BINS = 512


class Histogram(Media):
    """``Histogram(values)`` bins ``values`` (any array-like or tensor) into ``num_bins`` equal
    bins; ``Histogram(np_histogram=(counts, bin_edges))`` takes numpy's ``np.histogram`` output."""

    kind = "histogram"

    def __init__(
        self,
        values: Any = None,
        np_histogram: tuple[Any, Any] | None = None,
        num_bins: int = 64,
    ) -> None:
        import numpy as np

        if isinstance(num_bins, bool) or not isinstance(num_bins, int):
            raise TypeError(f"Histogram num_bins must be an int, not {type(num_bins).__name__}")
        if not 1 <= num_bins <= MAX_BINS:
            raise ValueError(f"Histogram num_bins={num_bins}: use 1 to {MAX_BINS} bins")
        if (values is None) == (np_histogram is None):
            raise ValueError(
                "Histogram takes either values= or np_histogram=(counts, edges), not both"
            )
        self.nan = 0
        self.inf = 0
        self.ninf = 0
        if np_histogram is not None:
            if not isinstance(np_histogram, (tuple, list)) or len(np_histogram) != 2:
                raise ValueError(
                    "Histogram np_histogram must be (counts, bin_edges) as np.histogram returns"
                )
            counts = array_of(np_histogram[0], "Histogram counts").astype(np.float64).ravel()
            edges = array_of(np_histogram[1], "Histogram bin_edges").astype(np.float64).ravel()
            if len(edges) != len(counts) + 1:
                raise ValueError(
                    f"Histogram np_histogram has {len(counts)} counts and {len(edges)} edges; "
                    "there must be one more edge than counts"
                )
            if not 1 <= len(counts) <= MAX_BINS:
                raise ValueError(f"Histogram has {len(counts)} bins; the limit is {MAX_BINS}")
            if not (np.isfinite(edges).all() and np.isfinite(counts).all()):
                raise ValueError(
                    "Histogram np_histogram holds NaN or Inf: edges and counts must be finite"
                )
            if (np.diff(edges) < 0).any():
                raise ValueError("Histogram bin_edges must be increasing")
        else:
            array = array_of(values, "Histogram values")
            if array.dtype.kind not in "biuf":
                raise TypeError(f"Histogram values must be numbers, not {array.dtype} values")
            array = array.astype(np.float64, copy=False).ravel()
            finite = np.isfinite(array)
            if not finite.all():
                self.nan = int(np.isnan(array).sum())
                self.inf = int(np.isposinf(array).sum())
                self.ninf = int(np.isneginf(array).sum())
                array = array[finite]
            if array.size:
                counts, edges = np.histogram(array, bins=num_bins)
            else:
                counts, edges = np.zeros(num_bins), np.linspace(0.0, 1.0, num_bins + 1)
        self.counts: list[float] = [float(c) for c in counts]
        self.edges: list[float] = [float(e) for e in edges]

    def encode(self, stage: Stage) -> dict[str, Any]:
        meta: dict[str, Any] = {"counts": self.counts, "edges": self.edges}
        if self.nan or self.inf or self.ninf:
            meta.update(nan=self.nan, inf=self.inf, ninf=self.ninf)
        return meta

    def __repr__(self) -> str:
        return f"<cairn.Histogram {len(self.counts)} bins, {sum(self.counts):g} values>"
