"""A run-comparison panel: the compare page's rows and "differs" rule (the same cases as the
dashboard's), its cells read back from every export and compared with the store, frozen cells kept,
too many runs refused, hostile names and values inert in HTML and printed by pdflatex."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from tests.reports.test_latex import PAYLOAD, compile_pdf
from tests.reports.test_report import assert_inert

import cairn
from cairn.reports import compare_panel
from cairn.reports.compare_panel import diff_rows
from cairn.reports.export import panel_data, to_html, to_markdown
from cairn.reports.style import run_colour
from cairn.store.reader import StoreReader

pytestmark = pytest.mark.usefixtures("no_open_run")

CASES = Path(__file__).parents[2] / "web/src/features/compare/state/diffCases.json"
XSS = '<img src=x onerror="alert(1)">'


@pytest.mark.parametrize("case", json.loads(CASES.read_text())["cases"], ids=lambda c: c["name"])
def test_the_differs_rule_is_the_dashboards(case: dict[str, Any]) -> None:
    rows = diff_rows(case["records"])
    assert [[row.key, row.differs] for row in rows] == case["rows"]


def test_not_a_number_is_compared_as_the_dashboard_receives_it() -> None:
    nan, inf = float("nan"), float("inf")
    rows = diff_rows(
        [{"a": nan, "b": nan, "c": inf, "d": 2.0}, {"a": nan, "b": None, "c": "Infinity", "d": 2}]
    )
    assert [(r.key, r.differs) for r in rows] == [
        ("a", False),
        ("b", True),
        ("c", False),
        ("d", False),
    ]


@pytest.fixture
def runs(store_dir: Path) -> list[cairn.Run]:
    made = []
    for name, lr in (("slow", 0.01), ("fast", 0.1)):
        config = {"lr": lr, "model": {"width": 8, "act": "relu"}, "seed": 1}
        run = cairn.init(project="p", name=name, config=config)
        run.summary["acc"] = 0.5 if lr < 0.05 else 0.75
        run.summary["epochs"] = 3
        run.finish(quiet=True)
        made.append(run)
    return made


def _table(report: cairn.Report, index: int = 0) -> tuple[list[str], list[list[str]]]:
    block = report.blocks[index]
    assert isinstance(block, cairn.reports.Panel)
    data = panel_data(block, StoreReader(report._store), report.project)
    return compare_panel.table(block, data)


def test_keys_are_checked_with_what_to_write(store_dir: Path) -> None:
    report = cairn.Report("p")
    with pytest.raises(ValueError, match=r"'config.lr', 'summary.val/acc' or one of run.commit"):
        report.add_panel("compare", keys=["lr"])
    with pytest.raises(ValueError, match=r"not 'run.shoe_size'"):
        report.add_panel("compare", keys=["run.shoe_size"])


def test_rows_are_the_runs_values_side_by_side(runs: list[cairn.Run]) -> None:
    report = cairn.Report("p")
    report.add_panel("compare", differences_only=False)
    header, rows = _table(report)
    assert header == ["key", "slow", "fast"]  # oldest first, as picked onto the compare page
    cells = {row[0]: row[1:] for row in rows}
    assert cells["config.lr"] == ["0.01", "0.1"]
    assert cells["config.model.width"] == ["8", "8"]  # flattened, as the compare page shows it
    assert cells["summary.acc"] == ["0.5", "0.75"]
    reader = StoreReader(report._store)
    for run, column in zip(runs, (0, 1), strict=True):
        info = reader.find_run(f"p/{run.id}")
        environment = reader.capture(info)["environment"]
        assert cells["run.python"][column] == environment["python"]["version"]
        assert cells["run.duration"][column] == f"{round(info.runtime, 1):.6g}"
    keys = [row[0] for row in rows]
    assert keys.index("config.seed") < keys.index("summary.acc") < keys.index("run.python")


def test_differences_only_hides_the_rows_where_every_run_agrees(runs: list[cairn.Run]) -> None:
    report = cairn.Report("p")
    report.add_panel("compare", keys=["summary.acc", "summary.epochs"])
    report.add_panel("compare", keys=["config.model"], differences_only=False)
    report.add_panel("compare", runs=f"id in ['{runs[0].id}', '{runs[1].id}']")
    _, chosen = _table(report, 0)
    assert [row[0] for row in chosen] == ["summary.acc"]  # epochs agree: hidden
    _, under = _table(report, 1)
    assert [row[0] for row in under] == ["config.model.act", "config.model.width"]
    _, differing = _table(report, 2)
    keys = [row[0] for row in differing]
    assert "config.lr" in keys and "summary.acc" in keys
    assert not {"config.seed", "config.model.width", "summary.epochs"} & set(keys)


def test_more_runs_than_the_cap_is_a_clear_error(
    runs: list[cairn.Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compare_panel, "MAX_RUNS", 1)
    report = cairn.Report("p")
    report.add_panel("compare", runs="config.lr > 0")
    with pytest.raises(ValueError, match=r"at most 1 runs, and runs='config.lr > 0' matches more"):
        _table(report)


def test_a_frozen_panel_keeps_its_cells(runs: list[cairn.Run], store_dir: Path) -> None:
    report = cairn.Report("p")
    report.add_panel("compare", frozen=True)
    report.save()
    before = _table(cairn.Api(store_dir).report("p", report.id))
    later = cairn.init(project="p", name="later", config={"lr": 9.0})
    later.finish(quiet=True)
    again = cairn.Api(store_dir).report("p", report.id)
    assert _table(again) == before
    assert len(before[0]) == 3
    live = cairn.Report("p")
    live.add_panel("compare")
    assert _table(live)[0] == ["key", "slow", "fast", "later"]


class _Rows(HTMLParser):
    """The compare table's rows: (differs, cells) per body row, and the header's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[tuple[bool, list[str]]] = []
        self._in: str | None = None
        self._table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "compare") in attrs:
            self._table = True
        if not self._table:
            return
        if tag == "tr":
            self.rows.append((("class", "differs") in attrs, []))
        if tag in ("td", "th"):
            self._in = tag
            (self.header if tag == "th" else self.rows[-1][1]).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in = None
        if tag == "table":
            self._table = False

    def handle_data(self, data: str) -> None:
        if self._in == "th":
            self.header[-1] += data
        elif self._in == "td":
            self.rows[-1][1][-1] += data


@pytest.fixture
def hostile(store_dir: Path) -> list[cairn.Run]:
    made = []
    for i in range(2):
        config = {f"key {XSS}": f"value {i} {XSS}", "same": XSS, "long": "x" * 300 + str(i)}
        run = cairn.init(project="p", name=f"run {i} {XSS} {PAYLOAD}", config=config)
        run.summary[f"acc {PAYLOAD}"] = i / 3
        run.finish(quiet=True)
        made.append(run)
    return made


def test_html_marks_differing_rows_and_runs_nothing(hostile: list[cairn.Run]) -> None:
    report = cairn.Report("p", title="compare")
    report.add_panel("compare", differences_only=False)
    html = to_html(report, StoreReader(report._store))
    assert_inert(html)
    parsed = _Rows()
    parsed.feed(html)
    assert parsed.header[1:] == [f"\u25a0 run {i} {XSS} {PAYLOAD}" for i in range(2)]
    body = [(differs, cells) for differs, cells in parsed.rows if cells]
    _, rows = _table(report)
    assert [cells for _, cells in body] == [
        [("\u2260 " if d else "") + r[0], *r[1:]] for (d, _), r in zip(body, rows, strict=True)
    ]
    marked = {cells[0].removeprefix("\u2260 "): differs for differs, cells in body}
    assert marked[f"config.key {XSS}"] is True  # "value 0 …" and "value 1 …"
    assert marked["config.long"] is True and marked["config.same"] is False
    assert marked[f"summary.acc {PAYLOAD}"] is True
    for run in hostile:  # each column in the run's dashboard colour
        info = StoreReader(report._store).find_run(f"p/{run.id}")
        assert f"border-top:3px solid {run_colour(info.id, info.number)}" in html


def test_markdown_is_a_gfm_table_of_the_cells(runs: list[cairn.Run], tmp_path: Path) -> None:
    report = cairn.Report("p", title="compare")
    report.add_panel("compare")
    text = to_markdown(report, StoreReader(report._store))
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    split = [[c.strip() for c in re.split(r"(?<!\\) \| ", line[2:-2])] for line in lines]
    header, rows = _table(report)
    assert split[0] == header and set(split[1]) == {"---"}
    assert split[2:] == rows
    assert rows and all(row[1] != row[2] for row in rows)  # differences only


def test_latex_compiles_and_fits_the_page_with_many_runs_rows_and_hostile_text(
    hostile: list[cairn.Run], tmp_path: Path
) -> None:
    for i in range(4):  # six runs: split into tables of at most four
        config = {"same": XSS, **{f"k{j:02d}": j * i for j in range(50)}}  # rows for two pages
        extra = cairn.init(project="p", name=f"extra{i}-{'n' * 60}", config=config)
        extra.finish(quiet=True)
    report = cairn.Report("p", title="compare")
    report.add_panel("compare", differences_only=False)
    folder = report.export("latex", tmp_path / "tex")
    main = (folder / "main.tex").read_text()
    assert main.count(r"\begin{tabular}") >= 4  # 2 tables of runs, each over 2 pages at least
    assert r"\input{/etc" not in main and r"\write18" not in main
    text = compile_pdf(folder)
    log = (folder / "main.log").read_text(errors="replace")
    assert "Overfull" not in log and "Float too large" not in log  # wrapped, split: it fits
    flat = re.sub(r"\s+", "", text)
    for name in ("extra3-", "run1", "config.k49", "Table1:runcomparison"):
        assert name in flat
    assert not (folder / "pwned").exists()


def test_the_dashboard_caps_runs_as_python_does() -> None:
    source = (CASES.parents[3] / "features/reports/lib/compareCells.ts").read_text()
    assert f"export const MAX_COMPARE_RUNS = {compare_panel.MAX_RUNS};" in source
