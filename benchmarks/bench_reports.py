"""Report export time: a 50-panel report written as a LaTeX project (matplotlib PDF figures),
then compiled with pdflatex when it is installed, and as Markdown (PNGs) and HTML (inline SVG,
math as MathML); and the HTML export of the same report with its line panels grouped.

Fixed workload: 10 runs x 2,000 steps x 4 keys in a fresh local store (the SDK's own write
path); 50 panels: 40 line panels over 2 keys of every run (1,500 points a line, as the dashboard
asks), 5 bar and 5 scatter panels, plus a Markdown block with math and a citation, and one of
50 formulas. The grouped variant groups the line panels by ``config.width`` (3 groups: a mean
line over a min-max band each, aggregated as the dashboard does). Target
(issue 14): the LaTeX export of 50 panels in at most 10 s. Median of 3. Prints a table; asserts
nothing. Run with `make bench`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_s

from cairn.journal.records import History, Record, RunFinish, RunStart, SummaryUpdate
from cairn.reports import Report
from cairn.store import Store

RUNS, STEPS, PANELS = 10, 2_000, 50
TARGET_S = 10.0
REPEATS = 3


def build(root: Path, group_by: str | None = None) -> Report:
    """The 50-panel report over the runs of ``log_runs`` (saved: one version)."""
    report = Report("bench", title="Fifty panels", dir=root / ".cairn")
    report.add_markdown("## Results\n\nLoss falls as $1/(1+\\eta t)$ [@b].")
    report.add_markdown(" ".join(f"$\\frac{{a_{i}}}{{b^{i}}} + \\sqrt{{x}}$" for i in range(50)))
    report.add_bibtex("@misc{b, title={Bench}, year=2026}")
    for i in range(PANELS):
        if i < 40:
            keys = [f"k{i % 4}", f"k{(i + 1) % 4}"]
            report.add_panel("line", keys=keys, smoothing=0.5, group_by=group_by)
        elif i < 45:
            report.add_panel("bar", keys=["summary.acc"])
        else:
            report.add_panel("scatter", keys=["config.lr", "summary.acc"])
    report.save()
    return report


def log_runs(root: Path) -> None:
    """The fixed workload's runs, applied to a fresh local store as the syncer would."""
    store = Store.local(root / ".cairn")
    for r in range(RUNS):
        run_id = f"run{r:02d}"
        records: list[Record] = [
            RunStart(
                seq=1,
                run_id=run_id,
                project="bench",
                name=f"run-{r}",
                created_at=1.7e9,
                config={"lr": 0.01 * (r + 1), "width": 32 * (1 + r % 3)},
            )
        ]
        records += [
            History(
                seq=2 + i,
                step=i,
                ts=1.7e9 + i,
                values={f"k{j}": (j + 1) / (1 + 0.01 * (r + 1) * i) for j in range(4)},
            )
            for i in range(STEPS)
        ]
        records.append(SummaryUpdate(seq=2 + STEPS, set={"acc": 0.5 + r / 40}))
        records.append(RunFinish(seq=3 + STEPS, ts=1.7e9 + STEPS))
        store.apply(run_id, records)
    store.close()


def pdflatex(folder: Path) -> None:
    flags = ["-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "main"]
    for step in (["pdflatex", *flags], ["bibtex", "main"], ["pdflatex", *flags]):
        subprocess.run(step, cwd=folder, capture_output=True, check=True, timeout=300)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        log_runs(root)
        report = build(root)
        rows = [
            (
                "latex (50 PDF figures)",
                median_s(lambda: report.export("latex", root / "tex"), REPEATS),
            ),
            (
                "markdown (PNG figures)",
                median_s(lambda: report.export("markdown", root / "r.md"), REPEATS),
            ),
            (
                "html (inline SVG)",
                median_s(lambda: report.export("html", root / "r.html"), REPEATS),
            ),
        ]
        grouped = build(root, group_by="config.width")
        rows.append(
            (
                "html, lines grouped",
                median_s(lambda: grouped.export("html", root / "g.html"), REPEATS),
            )
        )
        if shutil.which("pdflatex"):
            rows.append(
                ("pdflatex+bibtex+pdflatex", median_s(lambda: pdflatex(root / "tex"), REPEATS))
            )
    print(f"report export, {PANELS} panels, {RUNS} runs x {STEPS} steps (median of {REPEATS})")
    print(f"{'what':<28}{'seconds':>10}")
    for name, seconds in rows:
        print(f"{name:<28}{seconds:>10.2f}")
    print(
        f"target: LaTeX export <= {TARGET_S:.0f} s: {'met' if rows[0][1] <= TARGET_S else 'NOT met'}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
