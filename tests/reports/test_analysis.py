"""Parallel coordinates and parameter importance panels: their keys are checked with errors that
say what to write, their figures hold the store's values (read back from matplotlib's lines and
bars, not pixels), the HTML export draws them as escaped SVG with tooltips, and the LaTeX export
with them compiles."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from tests.reports.test_latex import PAYLOAD, compile_pdf
from tests.reports.test_report import assert_inert

import cairn
from cairn.analysis import parameter_importance
from cairn.reports import analysis, figures
from cairn.reports.analysis_svg import analysis_svg
from cairn.reports.export import panel_data, panel_table
from cairn.store.reader import StoreReader

pytestmark = pytest.mark.usefixtures("no_open_run")

IMG = '<img src=x onerror="alert(1)">'
KEYS = ["config.lr", "config.opt", "config.width", "summary.val/loss"]
LRS = (0.001, 0.003, 0.01, 0.02, 0.05, 0.1)


@pytest.fixture
def report(store_dir: Path) -> cairn.Report:
    for i, lr in enumerate(LRS):
        opt = "sgd" if i % 2 else f"adam {PAYLOAD} {IMG}"
        run = cairn.init(
            project="p",
            name=f"r{i} {IMG}",
            config={"lr": lr, "opt": opt, "width": 32 * (i % 3 + 1)},
        )
        run.summary["val/loss"] = 1 + lr * 10 + (0.05 if opt == "sgd" else 0.0)
        run.finish(quiet=True)
    cairn.init(project="p", name="no metric", config={"lr": 0.5}).finish(quiet=True)
    made = cairn.Report("p", title="Sweep")
    made.add_panel("parallel", keys=KEYS, title=f"Axes {PAYLOAD}")
    made.add_panel("importance", keys=KEYS, frozen=True)
    made.save()
    return made


def _runs(report: cairn.Report) -> dict[str, cairn.store.RunInfo]:
    return {info.id: info for info in report._store.runs("p")}


def test_keys_and_goal_are_checked_with_what_to_write(store_dir: Path) -> None:
    report = cairn.Report("p")
    with pytest.raises(ValueError, match=r"config keys and a target metric last"):
        report.add_panel("parallel", keys=["summary.acc"])
    with pytest.raises(ValueError, match=r"last key is its target metric.*'config.width'"):
        report.add_panel("importance", keys=["config.lr", "config.width"])
    with pytest.raises(
        ValueError, match=r"parameters, config keys such as 'config.lr', not 'loss'"
    ):
        report.add_panel("parallel", keys=["loss", "summary.acc"])
    with pytest.raises(ValueError, match=r"goal='up': give 'minimize', 'maximize'"):
        report.add_panel("parallel", keys=["config.lr", "summary.acc"], goal="up")
    with pytest.raises(ValueError, match=r"unknown panel kind 'sankey'.*parallel, importance"):
        report.add_panel("sankey", keys=["config.lr"])
    assert report.add_panel("parallel", keys=["config.lr", "summary.acc"], goal="minimize").goal


def test_the_parallel_figure_draws_each_run_at_its_stored_values(report: cairn.Report) -> None:
    panel = report.blocks[0]
    data = panel_data(panel, StoreReader(report._store), "p")
    figure = figures.draw(panel, data)
    assert figure is not None
    (ax,) = figure.axes
    lines = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    infos = _runs(report)
    drawn = [i for i in infos.values() if "val/loss" in i.summary]
    assert sorted(lines) == sorted(i.id for i in drawn)  # the run without the metric is left out
    losses = [i.summary["val/loss"] for i in drawn]
    opts = sorted({i.config["opt"] for i in drawn})  # "adam …" before "sgd"
    for info in drawn:
        ys = list(lines[info.id].get_ydata())
        assert ys[0] == pytest.approx((info.config["lr"] - 0.001) / (0.1 - 0.001))  # linear
        assert ys[1] == (opts.index(info.config["opt"]) + 0.5) / len(opts)  # band middle
        assert ys[2] == pytest.approx((info.config["width"] - 32) / (96 - 32))
        loss = info.summary["val/loss"]
        assert ys[3] == pytest.approx((loss - min(losses)) / (max(losses) - min(losses)))
        # lower loss is better: the best run is drawn in the scale's strongest colour
        colour = analysis.metric_colour(loss, min(losses), max(losses), "minimize")
        assert lines[info.id].get_color() == colour
    best = min(drawn, key=lambda i: i.summary["val/loss"])
    assert lines[best.id].get_color() == analysis.SCALE[-1]


def test_a_wide_positive_axis_is_logarithmic_as_the_dashboard_draws_it() -> None:
    axis = analysis._axis("config.lr", [1e-5, 2e-5, 3e-5, 1e-1, None])
    assert axis.kind == "log"
    assert axis.position(1e-3) == pytest.approx(0.5)
    assert math.isnan(axis.position(None))
    assert analysis._axis("config.x", [0.001, 0.5, 1.0]).kind == "value"


def test_the_importance_figure_and_table_hold_the_stores_importance(report: cairn.Report) -> None:
    panel = report.blocks[1]
    assert panel.frozen and panel.data is not None
    infos = [i for i in _runs(report).values()]
    expected = parameter_importance(
        [i.config for i in infos],
        [i.summary.get("val/loss") for i in infos],
        ["lr", "opt", "width"],
    )
    figure = figures.draw(panel, panel.data)
    assert figure is not None
    bars = figure.axes[0].patches
    assert [b.get_width() for b in bars] == pytest.approx(
        [p.importance for p in expected.parameters]
    )
    header, rows = panel_table(panel, panel.data)
    assert header[0] == "parameter" and [r[0] for r in rows] == [
        p.name for p in expected.parameters
    ]
    # frozen: the numbers stay when a run goes
    report._store.delete_run(infos[0].id)
    assert panel_table(panel, panel_data(panel, StoreReader(report._store), "p")) == (header, rows)


def test_svg_escapes_names_and_values_and_names_each_line(report: cairn.Report) -> None:
    panel = report.blocks[0]
    data = panel_data(panel, StoreReader(report._store), "p")
    svg = analysis_svg(panel, data)
    assert svg is not None and IMG not in svg
    titles = re.findall(r"<title>(.*?)</title>", svg)
    assert len(titles) == 6 and all(t.startswith("r") and "&lt;img" in t for t in titles)
    assert "alert(1)&quot;&gt;</text>" in svg  # a category label, escaped
    importance_svg = analysis_svg(report.blocks[1], report.blocks[1].data)
    assert importance_svg is not None and importance_svg.count("<rect") == 3


def test_a_brushed_run_set_is_what_the_exports_draw(store_dir: Path, tmp_path: Path) -> None:
    """A parallel panel added with the Analysis brush's filter (the shared brushCases.json) draws
    the runs the brush kept in the HTML export, one line each, and the LaTeX table lists them."""
    cases_file = (
        Path(__file__).resolve().parents[2] / "web/src/features/analysis/lib/brushCases.json"
    )
    shared = json.loads(cases_file.read_text())
    for logged in shared["runs"]:
        run = cairn.init(project="brushed", name=logged["name"], config=logged["config"])
        run.summary.update(logged["summary"])
        run.finish(quiet=True)
    keys = [*(f"config.{p}" for p in shared["params"]), f"summary.{shared['metric']}"]
    report = cairn.Report("brushed")
    for case in shared["cases"]:
        report.add_panel("parallel", keys=keys, runs=case["filter"])
    report.save()
    html = report.export("html", tmp_path / "r.html").read_text()
    charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    drawn = [sorted(re.findall(r"<polyline[^>]*><title>(r\d):", chart)) for chart in charts]
    assert drawn == [sorted(case["kept"]) for case in shared["cases"]]
    main = (report.export("latex", tmp_path / "paper") / "main.tex").read_text()
    assert main.count("r5 &") == sum("r5" in case["kept"] for case in shared["cases"])
    report.close()


def test_html_export_draws_both_panels_inert(report: cairn.Report, tmp_path: Path) -> None:
    html = report.export("html", tmp_path / "r.html").read_text()
    assert html.count("<svg") == 2
    assert_inert(html)


def test_latex_export_with_both_panels_compiles(report: cairn.Report, tmp_path: Path) -> None:
    report.add_markdown("As [@mlrc] asks.")
    report.add_bibtex("@misc{mlrc, title={Reproducibility}, year=2024}")
    folder = report.export("latex", tmp_path / "paper")
    assert sorted(p.name for p in (folder / "figures").iterdir()) == [
        "panel-01.pdf",
        "panel-02.pdf",
    ]
    text = compile_pdf(folder)
    assert "parameter" in text and "importance for summary.val/loss" in text
    assert "Axes" in text
