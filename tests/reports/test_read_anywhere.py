"""``Api().reports()`` / ``report()``: a report's blocks, versions, diff and exports read from the
store, and through a ``cairn server`` serving it (the ``reading`` fixture), with the same results."""

from __future__ import annotations

import base64
import math
import re
from pathlib import Path

import pytest
from tests.fakes.reading import Reading

import cairn
from cairn.errors import ProjectNotFoundError, ReportNotFoundError
from cairn.reports import Markdown, Panel
from cairn.store.store import Store

pytestmark = pytest.mark.usefixtures("no_open_run")

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def saved(reading: Reading) -> str:
    """A report of two versions in project ``rr`` (a live and a frozen panel, a NaN); its id."""
    for lr in (0.1, 0.01):
        run = reading.log("rr", name=f"lr {lr} {HOSTILE}", config={"lr": lr})
        for step in range(10):
            run.log({"loss": math.nan if step == 3 else 1 / (1 + lr * step)})
        run.summary["acc"] = lr * 5
        run.finish(quiet=True)
    report = cairn.Report("rr", title="Over the wire", dir=reading.dir, author="ada")
    report.add_markdown("# Results\n\nNaN\n\n$x^2$")
    report.add_panel("line", keys=["loss"], runs="config.lr > 0.05")
    report.save()
    report.add_panel("bar", keys=["config.lr", "summary.acc"], frozen=True)
    report.add_panel("line", keys=["loss"], frozen=True, title="frozen loss")
    report.save()
    report.close()
    assert report.id is not None
    return report.id


def test_reports_list_and_read_the_same_blocks(saved: str, reading: Reading) -> None:
    api = reading.api()
    [found] = api.reports("rr")
    assert (found.id, found.title, found.version, found.author) == (
        saved,
        "Over the wire",
        2,
        "ada",
    )
    local = cairn.Api(reading.dir).report("rr", saved)
    for ref in (saved, "Over the wire"):
        report = api.report("rr", ref)
        assert report.blocks == local.blocks
    assert isinstance(report.blocks[0], Markdown) and report.blocks[0].text.endswith("NaN\n\n$x^2$")
    frozen = report.blocks[3]
    assert isinstance(frozen, Panel) and frozen.data is not None
    ys = [y for run in frozen.data.runs for y in run.series["loss"][1]]
    assert any(math.isnan(y) for y in ys)


def test_versions_and_diff(saved: str, reading: Reading) -> None:
    report = reading.api().report("rr", saved)
    versions = report.versions()
    assert [(v.number, v.author, len(v.blocks)) for v in versions] == [(1, "ada", 2), (2, "ada", 4)]
    assert report.get_version(1).blocks == versions[0].blocks
    assert [(c.change, c.new_index) for c in report.diff(1, 2)] == [("added", 2), ("added", 3)]
    with pytest.raises(ReportNotFoundError):
        report.get_version(9)


def test_exports_read_live_panels_where_the_report_lives(
    saved: str, reading: Reading, tmp_path: Path
) -> None:
    report = reading.api().report("rr", saved)
    html = report.export("html", tmp_path / "r.html").read_text()
    assert (
        "<script>alert" not in html
        and f"lr 0.1 {HOSTILE}".replace("<", "&lt;").replace(">", "&gt;") in html
    )
    markdown = report.export("markdown", tmp_path / "md").read_text()
    local = cairn.Api(reading.dir).report("rr", saved).export("markdown", tmp_path / "local")
    # the same, past the header's dates and the minute each live panel was read (the two
    # exports may fall on either side of a minute's turn)
    assert undated(markdown.split("\n", 3)[3]) == undated(local.read_text().split("\n", 3)[3])
    folder = report.export("latex", tmp_path / "tex")
    assert (folder / "main.tex").read_text().count("\\begin{figure}") == 3


def undated(text: str) -> str:
    return re.sub(r"read \d{4}-\d\d-\d\d \d\d:\d\d", "read (a minute)", text)


def test_missing_reports_and_saving(saved: str, reading: Reading) -> None:
    api = reading.api()
    with pytest.raises(ReportNotFoundError, match="no report with id or title 'nope'"):
        api.report("rr", "nope")
    with pytest.raises(ProjectNotFoundError):
        api.reports("no-such-project")
    report = api.report("rr", saved)
    report.add_markdown("saved where it was read")
    assert report.save() == 3  # over HTTP, by the server (tests/reports/test_remote.py)
    stored = cairn.Api(reading.dir).report("rr", saved)
    assert (stored.version, stored.blocks) == (3, report.blocks)


def test_a_picture_exports_the_same_bytes_read_from_either_place(
    reading: Reading, tmp_path: Path
) -> None:
    from PIL import Image

    report = cairn.Report("rpic", title="Pictures", dir=reading.dir)
    block = report.add_image(Image.new("RGB", (9, 7), "pink"), caption=HOSTILE, alt="pink")
    report.save()
    report.close()
    store = Store.local(reading.dir)
    stored = store.blobs.get(block.blob)
    store.close()
    read = reading.api().report("rpic", "Pictures")
    assert read.blocks == [block]
    html = read.export("html", tmp_path / "p.html").read_text()
    assert base64.b64encode(stored).decode() in html and "<script>alert" not in html
    markdown = read.export("markdown", tmp_path / "md" / "p.md")
    assert (markdown.parent / "p-figures" / "picture-01.png").read_bytes() == stored
    # added where it was read: uploaded to the server (or stored), then saved there
    added = read.add_image(Image.new("RGB", (2, 2), "black"), caption="added where read")
    read.save()
    assert cairn.Api(reading.dir).report("rpic", "Pictures").blocks == [block, added]


def test_a_compare_panel_reads_the_same_cells_either_way(
    saved: str, reading: Reading, tmp_path: Path
) -> None:
    report = cairn.Report("rr", title="Compared over the wire", dir=reading.dir)
    report.add_panel("compare", differences_only=False)
    report.save()
    report.close()
    assert report.id is not None
    tables = []
    for api in (reading.api(), cairn.Api(reading.dir)):
        text = api.report("rr", report.id).export("markdown", tmp_path / api_kind(api)).read_text()
        tables.append([line for line in text.splitlines() if line.startswith("| ")])
    assert tables[0] == tables[1]
    assert any(line.startswith("| run.python |") for line in tables[0])
    assert tables[0][0].count("alert(1)") == 2  # a column per run, named (escaped)


def api_kind(api: cairn.Api) -> str:
    return "remote" if api.url else "local"


def test_a_plot_panel_exports_the_same_chart_read_from_either_place(
    reading: Reading, tmp_path: Path
) -> None:
    run = reading.log("rplot", name="clf")
    run.log({"cm": cairn.plot.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], [HOSTILE, "b", "c"])})
    run.finish(quiet=True)
    report = cairn.Report("rplot", title="Charts", dir=reading.dir)
    report.add_panel("plot", run=run.id, keys=["cm"])
    report.save()
    report.close()
    read = reading.api().report("rplot", "Charts")
    html = read.export("html", tmp_path / "c.html").read_text()  # live: read where it lives
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<title>actual c, predicted c: 1</title>" in html
    markdown = read.export("markdown", tmp_path / "md").read_text()
    local = cairn.Api(reading.dir).report("rplot", "Charts").export("markdown", tmp_path / "l")
    assert markdown.split("\n", 3)[3] == local.read_text().split("\n", 3)[3]  # past the dates
    assert "| b | 0 | 1 | 1 |" in markdown
