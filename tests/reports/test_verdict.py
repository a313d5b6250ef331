"""A reproduction's verdict table and a run-comparison table as report panels: checked with
errors that say what to write, their rows the stored comparison's, kept when frozen, and exported
as booktabs tables that compile."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.reports.test_latex import PAYLOAD, compile_pdf
from tests.reports.test_report import assert_inert

import cairn
from cairn.reports.export import panel_data, panel_table, provenance
from cairn.store.reader import StoreReader
from cairn.store.reproductions import save_reproduction

pytestmark = pytest.mark.usefixtures("no_open_run")

IMG = '<img src=x onerror="alert(1)">'
METRICS = [
    {"key": "val/acc", "original": 0.9, "values": [0.91, 0.89], "mean": 0.9, "std": 0.01,
     "abs_diff": 0.0, "rel_diff": 0.0, "status": "within rtol"},
    {"key": f"loss {IMG}", "original": 0.2, "values": [0.5, 0.6], "mean": 0.55, "std": 0.05,
     "abs_diff": 0.35, "rel_diff": 1.75, "status": "differs"},
]  # fmt: skip


@pytest.fixture
def runs(store_dir: Path) -> list[cairn.Run]:
    made = []
    for name, lr in ((f"original {IMG} {PAYLOAD}", 0.1), ("again 1", 0.1), ("again 2", 0.1)):
        run = cairn.init(project="p", name=name, config={"lr": lr, "note": PAYLOAD})
        run.summary["val/acc"] = 0.9
        run.finish(quiet=True)
        made.append(run)
    return made


def _record(report: cairn.Report, runs: list[cairn.Run]) -> None:
    save_reproduction(
        report._store,
        runs[0].id,
        verdict="not reproduced",
        runs=[runs[1].id, runs[2].id],
        metrics=METRICS,
        details={},
        report="",
    )


def test_panels_are_checked(store_dir: Path) -> None:
    report = cairn.Report("p")
    with pytest.raises(ValueError, match=r"verdict panel shows a run's reproductions: give run="):
        report.add_panel("verdict")
    with pytest.raises(ValueError, match=r"summary keys such as 'summary.val/acc', not 'acc'"):
        report.add_panel("verdict", run="abc", keys=["acc"])
    with pytest.raises(ValueError, match=r"table panel draws one value per run"):
        report.add_panel("table", keys=["loss"])


def test_the_verdict_table_is_the_stored_comparison(runs: list[cairn.Run], tmp_path: Path) -> None:
    report = cairn.Report("p", title="Verdicts")
    live = report.add_panel("verdict", run=runs[0].id)
    assert panel_table(live, panel_data(live, StoreReader(report._store), "p"))[1] == []
    _record(report, runs)
    data = panel_data(live, StoreReader(report._store), "p")
    header, rows = panel_table(live, data)
    assert header == ["metric", "original", "reproduced", "rel. diff", "status"]
    assert rows == [
        ["val/acc", "0.9", "0.9 ± 0.01 [0.89, 0.91]", "0", "within rtol"],
        [f"loss {IMG}", "0.2", "0.55 ± 0.05 [0.5, 0.6]", "1.75", "differs"],
    ]
    assert "not reproduced (2 reproductions)" in provenance(live, data)
    only = report.add_panel("verdict", run=runs[0].id, keys=["summary.val/acc"], frozen=True)
    report.add_panel("table", keys=["config.lr", "config.note", "summary.val/acc"])
    report.save()
    report._store.delete_run(runs[0].id)
    frozen = report.blocks[1]
    assert panel_table(frozen, panel_data(frozen, StoreReader(report._store), "p"))[1] == [rows[0]]
    gone = panel_data(live, StoreReader(report._store), "p")  # live: the run is gone
    assert panel_table(live, gone)[1] == [] and "not in this project" in provenance(live, gone)
    assert only.run == runs[0].id


def test_tables_export_as_booktabs_and_escaped_html(runs: list[cairn.Run], tmp_path: Path) -> None:
    report = cairn.Report("p", title="Verdicts")
    _record(report, runs)
    report.add_markdown("See [@mlrc].")
    report.add_bibtex("@misc{mlrc, title={Reproducibility}, year=2024}")
    report.add_panel("verdict", run=runs[0].id, title=f"Verdict {PAYLOAD}")
    report.add_panel("table", keys=["config.lr", "config.note", "summary.val/acc"])
    report.save()
    folder = report.export("latex", tmp_path / "paper")
    main = (folder / "main.tex").read_text()
    assert main.count("\\begin{table}[H]") == 2 and "\\toprule" in main
    assert list((folder / "figures").iterdir()) == []  # tables only
    text = " ".join(compile_pdf(folder).split())
    assert "within rtol" in text and "0.55" in text and "[0.5, 0.6]" in text
    assert "not reproduced (2 reproductions)" in main
    html = report.export("html", tmp_path / "r.html").read_text()
    assert html.count("<table>") == 2 and "differs" in html
    assert_inert(html)
