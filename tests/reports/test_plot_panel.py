"""A plot panel: checked with errors that say what to write; its data the chart the run logged
with cairn.plot at the step (rows as logged, cut at MAX_PLOT_ROWS); an empty panel that says why
for a key without a chart or a deleted run; frozen data that outlives the run; drawn with
matplotlib (the numbers read back from the artists) into a LaTeX project that compiles, and as
inline SVG in the HTML export with every name escaped."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import msgspec
import numpy as np
import pyarrow.parquet as pq
import pytest
from tests.reports.test_latex import PAYLOAD, compile_pdf
from tests.reports.test_report import assert_inert

import cairn
from cairn.reports import plot_panel
from cairn.reports.export import draw_panel, panel_data, panel_table, provenance
from cairn.store.reader import StoreReader

pytestmark = pytest.mark.usefixtures("no_open_run")

SCRIPT = '<script>alert("cm")</script>'
CLASSES = ["cat", f"dog {SCRIPT}", f"fox {PAYLOAD}"]
TRUTH = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 0])
PREDS = np.array([0, 1, 1, 1, 2, 2, 2, 0, 2, 0])
PROBAS = np.array(
    [[0.8, 0.1, 0.1], [0.4, 0.5, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5],
     [0.1, 0.2, 0.7], [0.1, 0.1, 0.8], [0.5, 0.2, 0.3], [0.2, 0.2, 0.6], [0.9, 0.05, 0.05]]
)  # fmt: skip


@pytest.fixture
def run(store_dir: Path) -> cairn.Run:
    made = cairn.init(project="p", name=f"clf {SCRIPT}")
    made.log({"val/confusion": cairn.plot.confusion_matrix(TRUTH, np.zeros(10, dtype=int),
                                                           class_names=CLASSES)}, step=0)  # fmt: skip
    made.log(
        {
            "val/confusion": cairn.plot.confusion_matrix(
                TRUTH, PREDS, class_names=CLASSES, title=f"Confusion {SCRIPT}"
            ),
            "val/roc": cairn.plot.roc_curve(TRUTH, PROBAS, labels=CLASSES),
            "val/pr": cairn.plot.pr_curve(TRUTH, PROBAS, labels=CLASSES),
            "sample": cairn.Image(np.zeros((4, 4), dtype=np.uint8)),
        },
        step=1,
    )
    made.finish(quiet=True)
    return made


def logged_counts() -> np.ndarray:
    counts = np.zeros((3, 3))
    np.add.at(counts, (TRUTH, PREDS), 1)
    return counts


def test_plot_panels_are_checked(store_dir: Path) -> None:
    report = cairn.Report("p")
    with pytest.raises(ValueError, match=r"one media key of one run: add_panel\('plot', run="):
        report.add_panel("plot", keys=["val/confusion"])
    with pytest.raises(ValueError, match=r"one media key of one run"):
        report.add_panel("plot", run="x", keys=["a", "b"])
    with pytest.raises(ValueError, match=r"step=-2: give a logged step"):
        report.add_panel("plot", run="x", keys=["val/confusion"], step=-2)


def test_the_confusion_matrix_at_the_step_is_drawn_with_its_counts(run: cairn.Run) -> None:
    report = cairn.Report("p")
    panel = report.add_panel("plot", run=run.id, keys=["val/confusion"])
    reader = StoreReader(report._store)
    data = panel_data(panel, reader, "p")
    assert data.plot is not None and data.plot.step == 1  # no step: the last
    assert data.plot.spec["classes"] == CLASSES and data.plot.rows == 9
    figure = draw_panel(panel, data, reader)
    assert figure is not None
    (ax,) = figure.axes
    (matrix,) = ax.get_images()
    assert (np.asarray(matrix.get_array()) == logged_counts()).all()
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert shown[0] == "cat" and len(shown) == 3  # long names cut, the table has them whole
    assert all(
        c.startswith(s.rstrip("…").replace(r"\$", "$")) for s, c in zip(shown, CLASSES, strict=True)
    )
    written = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
               for t in ax.texts}  # fmt: skip
    assert written == {(i, j): f"{c:g}" for (i, j), c in np.ndenumerate(logged_counts())}
    header, rows = panel_table(panel, data)
    assert header == ["actual \\ predicted", *CLASSES]
    assert [row[1:] for row in rows] == logged_counts().astype(int).tolist()
    first = report.add_panel("plot", run=run.id, keys=["val/confusion"], step=0)
    _, rows = panel_table(first, panel_data(first, reader, "p"))
    assert [row[1] for row in rows] == [3, 3, 4]  # step 0 predicted class 0 everywhere


def test_roc_curves_are_drawn_from_the_logged_rows(run: cairn.Run) -> None:
    report = cairn.Report("p")
    panel = report.add_panel("plot", run=run.id, keys=["val/roc"])
    reader = StoreReader(report._store)
    data = panel_data(panel, reader, "p")
    parquet = cairn.Api().run(f"p/{run.id}").media("val/roc")[-1].bytes()
    logged = pq.read_table(io.BytesIO(parquet)).to_pandas()  # the table as the run logged it
    figure = draw_panel(panel, data, reader)
    assert figure is not None
    (ax,) = figure.axes
    drawn = {line.get_gid(): (list(line.get_xdata()), list(line.get_ydata())) for line in ax.lines}
    assert set(drawn) == {f"curve {c}" for c in CLASSES}
    for name in CLASSES:
        rows = logged[logged["class"] == name]
        assert drawn[f"curve {name}"] == (rows["fpr"].tolist(), rows["tpr"].tolist())
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("fpr", "tpr")
    header, rows = panel_table(panel, data)
    assert header[-1] == "AUC" and all(0 <= row[-1] <= 1 for row in rows)
    assert "roc curve of run clf" in provenance(panel, data)


def test_a_panel_without_a_chart_says_why(run: cairn.Run) -> None:
    report = cairn.Report("p")
    reader = StoreReader(report._store)
    image = panel_data(report.add_panel("plot", run=run.id, keys=["sample"]), reader, "p")
    assert image.plot is None and image.note is not None and "holds image values" in image.note
    late = panel_data(report.add_panel("plot", run=run.id, keys=["val/roc"], step=7), reader, "p")
    assert late.plot is None and "at step 7" in (late.note or "")
    gone = panel_data(report.add_panel("plot", run="nope", keys=["val/roc"]), reader, "p")
    assert gone.runs == [] and "not in project p" in (gone.note or "")
    assert draw_panel(report.blocks[-1], gone, reader) is None


def test_a_missing_or_damaged_table_is_a_note(run: cairn.Run, store_dir: Path) -> None:
    report = cairn.Report("p")
    reader = StoreReader(report._store)
    panel = report.add_panel("plot", run=run.id, keys=["val/pr"])
    [entry] = cairn.Api().run(f"p/{run.id}").media("val/pr")
    blob = Path(report._store.blobs.path(entry.meta["blob"]))
    blob.write_bytes(b"PAR1 not a parquet file PAR1")
    damaged = panel_data(panel, reader, "p")
    assert damaged.plot is None and "cannot be read" in (damaged.note or "")
    blob.unlink()
    missing = panel_data(panel, reader, "p")
    assert missing.plot is None and "is missing from the store" in (missing.note or "")


def test_a_matrix_of_many_classes_draws_its_first_classes(store_dir: Path) -> None:
    made = cairn.init(project="p")
    truth = np.arange(300) % 100
    made.log({"cm": cairn.plot.confusion_matrix(truth, truth)}, step=0)  # 10,000 rows
    made.finish(quiet=True)
    report = cairn.Report("p")
    panel = report.add_panel("plot", run=made.id, keys=["cm"])
    reader = StoreReader(report._store)
    data = panel_data(panel, reader, "p")
    classes, counts = plot_panel.matrix(data.plot)
    assert len(classes) == plot_panel.MAX_MATRIX_CLASSES == 70
    assert counts[0][0] == 3 and counts[49][49] == 3  # the first 5,000 rows: 50 whole classes
    assert counts[50][50] == 0
    assert "its first 70 of 100 classes drawn" in provenance(panel, data)
    assert draw_panel(panel, data, reader) is not None


def test_forged_frozen_data_is_refused(run: cairn.Run) -> None:
    from cairn.reports.edit import parse_block

    report = cairn.Report("p")
    report.add_panel("plot", run=run.id, keys=["val/roc"], frozen=True)
    report.save()
    block = msgspec.to_builtins(report.blocks[0])
    block["data"]["plot"]["spec"]["classes"] = 10**9
    with pytest.raises(ValueError, match="frozen classes are a list of names"):
        parse_block(block)
    block["data"]["plot"]["spec"] = {"type": "line", "x": {"<b>": 1}}
    with pytest.raises(ValueError, match="column names as text, not x="):
        parse_block(block)


def test_a_frozen_panel_draws_after_its_run_is_deleted(run: cairn.Run, tmp_path: Path) -> None:
    report = cairn.Report("p", title="Kept")
    report.add_panel("plot", run=run.id, keys=["val/confusion"], frozen=True)
    report.save()
    report._store.delete_run(run.id)
    again = cairn.Api().report("p", report.id)  # as stored
    panel = again.blocks[0]
    data = panel_data(panel, StoreReader(report._store), "p")
    assert data.plot is not None and data.plot.data["Count"] == [
        int(c) for c in logged_counts().ravel()
    ]
    html = again.export("html", tmp_path / "kept.html").read_text()
    assert html.count("<rect") >= 9 and "predicted" in html


def test_a_large_table_is_cut_at_max_plot_rows(store_dir: Path) -> None:
    made = cairn.init(project="p")
    table = cairn.Table(columns=["x", "y"], data=[[i, i * i] for i in range(6000)])
    made.log({"big": cairn.plot.line(table, "x", "y")}, step=0)
    made.finish(quiet=True)
    report = cairn.Report("p")
    panel = report.add_panel("plot", run=made.id, keys=["big"], frozen=True)
    report.save()
    plot = report.blocks[0].data.plot
    assert plot.rows == 6000 and plot.data["x"] == list(range(plot_panel.MAX_PLOT_ROWS))
    assert "the first 5000 of 6000 rows" in provenance(panel, report.blocks[0].data)


def test_exports_draw_the_charts_and_escape_every_name(run: cairn.Run, tmp_path: Path) -> None:
    report = cairn.Report("p", title="Classifier")
    report.add_markdown("ROC curves as in [@fawcett].")
    report.add_bibtex("@article{fawcett, title={An introduction to ROC analysis}, year=2006}")
    report.add_panel("plot", run=run.id, keys=["val/confusion"], title=f"CM {PAYLOAD}")
    report.add_panel("plot", run=run.id, keys=["val/roc"], frozen=True, title=f"ROC {SCRIPT}")
    report.add_panel("plot", run=run.id, keys=["val/pr"])
    report.save()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a layout that collapsed warns
        folder = report.export("latex", tmp_path / "paper")
    names = sorted(p.name for p in (folder / "figures").iterdir())
    assert names == ["panel-01.pdf", "panel-02.pdf", "panel-03.pdf"]
    text = compile_pdf(folder)
    assert "cat" in text and "actual" in text and "AUC" in text
    html = report.export("html", tmp_path / "r.html").read_text()
    assert SCRIPT not in html and "dog &lt;script&gt;" in html
    assert "<title>actual fox" in html and html.count("<polyline") == 6  # 3 ROC + 3 PR curves
    assert_inert(html)
    markdown = report.export("markdown", tmp_path / "r.md")
    figures = sorted(p.name for p in (tmp_path / "r-figures").iterdir())
    assert figures == ["panel-01.png", "panel-02.png", "panel-03.png"], markdown
