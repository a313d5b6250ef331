"""Compare panel benchmark: the time to read a compare panel's cells (what the report page asks
the server for, and what an export or a freeze reads) for 2, 8 and 24 runs (24: the most a panel
compares), against a table panel of the same runs in the same sitting (which reads no capture),
and the time to export a report of one compare panel of 24 runs as HTML, Markdown and LaTeX
(and to compile it with pdflatex when installed).

Fixed workload: 24 runs made with the SDK in this folder's git repository (so each has a real
capture: git, code snapshot, environment), each with 40 config keys and 10 summary metrics.
Median of 5. Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

from timing import median_s

import cairn
from cairn.reports.compare_keys import MAX_RUNS
from cairn.reports.data import read_panel
from cairn.store.reader import StoreReader

REPEATS = 5
SIZES = (2, 8, MAX_RUNS)


def build(store_dir: Path) -> list[str]:
    ids = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the code capture's note about credential-like files
        for r in range(MAX_RUNS):
            config = {f"p{j:02d}": (j * r) % 7 for j in range(40)}
            run = cairn.init(project="bench", dir=store_dir, name=f"run-{r}", config=config)
            for j in range(10):
                run.summary[f"m{j}"] = (r + j) / 10
            run.finish(quiet=True)
            ids.append(run.id)
    return ids


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ids = build(root / ".cairn")
        report = cairn.Report("bench", title="compare", dir=root / ".cairn")
        reader = StoreReader(report._store)
        print(f"compare panel: median of {REPEATS}, load average {os.getloadavg()[0]:.1f}")
        print(f"{'runs':>5} {'compare ms':>11} {'table ms':>9} {'ratio':>6}")
        for size in SIZES:
            runs = "id in [" + ", ".join(f"'{i}'" for i in ids[:size]) + "]"
            compare = report.add_panel("compare", runs=runs)
            table = report.add_panel("table", runs=runs, keys=["config.p01", "summary.m1"])
            c = median_s(lambda p=compare: read_panel(reader, "bench", p), REPEATS)
            t = median_s(lambda p=table: read_panel(reader, "bench", p), REPEATS)
            print(f"{size:>5} {c * 1000:>11.1f} {t * 1000:>9.1f} {c / t:>6.1f}")
        only = cairn.Report("bench", title="compare", dir=root / ".cairn")
        only.add_panel("compare", differences_only=False)
        print(f"\nexport of one compare panel of {MAX_RUNS} runs (every row)")
        for fmt, path in (("html", "c.html"), ("markdown", "c.md"), ("latex", "tex")):
            s = median_s(lambda f=fmt, p=path: only.export(f, root / p), REPEATS)
            print(f"{fmt:>9} {s * 1000:>8.1f} ms")
        if shutil.which("pdflatex"):
            start = time.perf_counter()
            subprocess.run(
                ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main"],
                cwd=root / "tex",
                capture_output=True,
                check=True,
            )
            print(f"{'pdflatex':>9} {(time.perf_counter() - start) * 1000:>8.1f} ms (once)")


if __name__ == "__main__":
    main()
