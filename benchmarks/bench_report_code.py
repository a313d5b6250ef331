"""Code highlighting in report Markdown: how long ``render_markdown`` takes on one fenced python
block of 10 kB, 20 kB, 100 kB and 1 MB, highlighted (```` ```python ````) beside the same block
with no language (plain escaped code, the baseline, measured in the same run). Past
``HIGHLIGHT_LIMIT`` (20,000 characters) a block is plain, so the larger rows should cost about the
20 kB row's highlighting plus the baseline's escape of the rest.

Fixed workload: a realistic python line (a call, a string, a number, a comment) repeated. Median
of 5. Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import time

from cairn.reports.highlight import HIGHLIGHT_LIMIT
from cairn.reports.sanitize import render_markdown

REPEATS = 5
LINE = "    loss = model(batch['x'], lr=0.001)  # forward pass\n"
SIZES = (10_000, 20_000, 100_000, 1_000_000)


def median_ms(text: str) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        render_markdown(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    print(f"render_markdown of one code block (highlight limit {HIGHLIGHT_LIMIT:,} characters)")
    print(f"{'block':>10} {'plain ms':>10} {'python ms':>10} {'ratio':>7}")
    for size in SIZES:
        code = LINE * (size // len(LINE))
        plain = median_ms(f"```\n{code}```\n")
        python = median_ms(f"```python\n{code}```\n")
        print(f"{size // 1000:>7} kB {plain:>10.1f} {python:>10.1f} {python / plain:>6.1f}x")


if __name__ == "__main__":
    main()
