"""Report plot panels (``cairn.reports.plot_panel``): how long reading a logged chart into a panel
(the Parquet table read and its first 5,000 rows as columns), drawing it with matplotlib into a
PDF (the LaTeX export's figure) and as inline SVG (the HTML export) take, beside reading the same
table's Parquet alone as a baseline measured in the same run.

Fixed workload, in one local store: confusion matrices of 10 classes (100 rows) and 70 classes
(4,900 rows), and ROC curves of 10 classes over 20,000 samples (1,000 points a class, cut to the
panel's 5,000 rows). Median of 5. Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from timing import median_s

import cairn
from cairn.reports import plot_figures, plot_panel, plot_svg
from cairn.reports.blocks import PanelData
from cairn.reports.figures import save
from cairn.store.media_tables import read_table
from cairn.store.reader import StoreReader

REPEATS = 5


def log_charts(store_dir: Path) -> str:
    """One run with the workload's three charts; its id."""
    rng = np.random.default_rng(0)
    small = rng.integers(0, 10, 2_000)
    large = rng.integers(0, 70, 20_000)
    truth = rng.integers(0, 10, 20_000)
    scores = rng.random((20_000, 10)) + np.eye(10)[truth] * 0.5
    with cairn.init(project="bench", dir=store_dir) as run:
        run.log({
            "cm10": cairn.plot.confusion_matrix(small, (small + rng.integers(0, 2, 2_000)) % 10),
            "cm70": cairn.plot.confusion_matrix(large, (large + rng.integers(0, 3, 20_000)) % 70),
            "roc10": cairn.plot.roc_curve(truth, scores),
        })  # fmt: skip
    return run.id


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / ".cairn"
        run_id = log_charts(store_dir)
        report = cairn.Report("bench", dir=store_dir)
        reader = StoreReader(report._store)
        info = reader.find_run(f"bench/{run_id}")
        for key, name in (
            ("cm10", "confusion matrix, 10 classes"),
            ("cm70", "confusion matrix, 70 classes"),
            ("roc10", "ROC, 10 classes x 1,000 pts"),
        ):
            panel = report.add_panel("plot", run=run_id, keys=[key])
            [entry] = reader.media_entries(info, key)
            assert entry.blob is not None
            parquet = median_s(lambda b=entry.blob: read_table(reader.blobs, b), REPEATS)
            collect = median_s(lambda p=panel: plot_panel.collect(reader, "bench", p), REPEATS)
            data = plot_panel.collect(reader, "bench", panel)
            assert data.plot is not None
            figure = Path(tmp) / f"{key}.pdf"

            def pdf(d: PanelData = data, f: Path = figure) -> None:
                drawn = plot_figures.draw(d)
                assert drawn is not None
                save(drawn, f)

            drawn = median_s(pdf, REPEATS)
            svg = median_s(lambda d=data: plot_svg.svg(d, "bench"), REPEATS)
            rows.append((name, data.plot.rows, parquet, collect, drawn, svg))
        report.close()
    print("\nReport plot panels (median of 5; load on the machine distorts times)")
    print(
        f"{'chart':<31}{'rows':>7}{'parquet s':>11}{'collect s':>11}{'×parquet':>10}"
        f"{'PDF s':>8}{'SVG s':>8}"
    )
    for name, count, parquet, collect, drawn, svg in rows:
        print(
            f"{name:<31}{count:>7,}{parquet:>11.4f}{collect:>11.4f}{collect / parquet:>10.1f}"
            f"{drawn:>8.3f}{svg:>8.4f}"
        )


if __name__ == "__main__":
    main()
