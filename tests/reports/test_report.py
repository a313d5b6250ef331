"""``cairn.Report``: blocks, versions, restore, diff, live and frozen panels, export."""

from __future__ import annotations

import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest

import cairn
from cairn.errors import ReportNotFoundError
from cairn.reports import Markdown, Panel, TextChange

pytestmark = pytest.mark.usefixtures("no_open_run")


def live_html(html: str) -> list[tuple[str, list[str]]]:
    """The elements a browser would build: each tag with its attribute names."""
    found: list[tuple[str, list[str]]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [name for name, _ in attrs]))

    Parser().feed(html)
    return found


def assert_inert(html: str) -> None:
    for tag, names in live_html(html):
        assert tag not in ("script", "img", "iframe", "object", "embed"), tag
        assert not any(name.startswith("on") for name in names), (tag, names)


@pytest.fixture
def runs(store_dir: Path) -> list[cairn.Run]:
    made = []
    for name, lr, losses in (("slow", 0.01, [1.0, 0.8, 0.7]), ("fast", 0.1, [1.0, 0.5, 0.25])):
        run = cairn.init(project="p", name=name, config={"lr": lr, "model": {"width": 8}})
        for loss in losses:
            run.log({"loss": loss})
        run.summary["acc"] = 1 - losses[-1]
        run.finish(quiet=True)
        made.append(run)
    return made


def test_save_makes_versions_that_read_back(store_dir: Path) -> None:
    report = cairn.Report("p", title="What held", description="d", author="ada")
    assert report.id is None and report.versions() == []
    report.add_markdown("# Intro")
    assert report.save() == 1
    report.add_panel("line", runs="config.lr > 0.05", keys=["loss"], title="Loss")
    assert report.save(author="bob") == 2
    [found] = cairn.Api().reports("p")
    assert (found.title, found.id, found.version, found.description) == (
        "What held",
        report.id,
        2,
        "d",
    )
    assert found.blocks == report.blocks
    assert isinstance(found.blocks[1], Panel) and found.blocks[1].runs == "config.lr > 0.05"
    assert [(v.number, v.author, len(v.blocks)) for v in found.versions()] == [
        (1, "ada", 1),
        (2, "bob", 2),
    ]
    assert cairn.Api().report("p", "What held").id == report.id
    assert cairn.Api().report("p", report.id).title == "What held"
    with pytest.raises(ReportNotFoundError, match="cairn report ls p"):
        cairn.Api().report("p", "Nope")


def test_restore_and_diff(store_dir: Path) -> None:
    report = cairn.Report("p", title="R")
    report.add_markdown("one")
    report.add_markdown("two")
    report.save()
    report.blocks[1] = Markdown(text="TWO")
    report.blocks.insert(0, Markdown(text="zero"))
    report.add_panel("bar", keys=["summary.acc"])
    report.save()
    changes = report.diff(1, 2)
    assert [(c.change, c.old_index, c.new_index) for c in changes] == [
        ("added", None, 0),
        ("changed", 1, 2),
        ("added", None, 3),
    ]
    assert changes[1].old == Markdown(text="two") and changes[1].new == Markdown(text="TWO")
    assert report.diff(2, 1)[0].change == "removed"
    assert report.restore(1) == 3
    assert report.blocks == [Markdown(text="one"), Markdown(text="two")]
    assert cairn.Api().report("p", "R").blocks == report.blocks
    assert report.diff(1) == []
    assert (report.diff(1, 2).title, report.diff(1, 2).description) == (None, None)
    with pytest.raises(ReportNotFoundError, match="no version 9"):
        report.restore(9)


def test_the_title_and_description_are_versioned_and_restored(store_dir: Path) -> None:
    report = cairn.Report("p", title="Draft", description="first")
    report.add_markdown("one")
    report.save()
    report.title, report.description = "Final", "second"
    report.blocks = [Markdown(text="two")]
    assert report.diff(1).title == TextChange("Draft", "Final")  # unsaved edits count
    report.save()
    assert [(v.number, v.title, v.description) for v in report.versions()] == [
        (1, "Draft", "first"),
        (2, "Final", "second"),
    ]
    changes = report.diff(1, 2)
    assert (changes.title, changes.description) == (
        TextChange("Draft", "Final"),
        TextChange("first", "second"),
    )
    assert [c.change for c in changes] == ["changed"]
    assert report.restore(1) == 3
    assert (report.title, report.description, report.blocks) == (
        "Draft",
        "first",
        [Markdown(text="one")],
    )
    again = cairn.Api().report("p", report.id or "")
    assert (again.title, again.description, again.get_version(3).title) == (
        "Draft",
        "first",
        "Draft",
    )


def test_a_version_saved_before_titles_were_recorded_restores_its_blocks_only(
    store_dir: Path,
) -> None:
    report = cairn.Report("p", title="Old")
    report.add_markdown("old")
    report.save()
    with sqlite3.connect(store_dir / "cairn.db") as db:  # as migration 0018 leaves it
        db.execute("UPDATE report_versions SET title = NULL, description = NULL")
    report.title = "New"
    report.blocks = []
    report.save()
    assert report.get_version(1).title is None
    assert report.diff(1, 2).title is None  # unknown, not reported as a change
    report.restore(1)
    assert (report.title, report.blocks) == ("New", [Markdown(text="old")])


def test_panels_are_checked(store_dir: Path) -> None:
    report = cairn.Report("p")
    with pytest.raises(ValueError, match=r"unknown panel kind 'pie'.*line, scatter, bar, scalar"):
        report.add_panel("pie", keys=["loss"])
    with pytest.raises(ValueError, match="needs an x and a y key"):
        report.add_panel("scatter", keys=["config.lr"])
    with pytest.raises(ValueError, match="config/summary values"):
        report.add_panel("line", keys=["summary.acc"])
    with pytest.raises(ValueError, match=r"'summary\.loss'"):
        report.add_panel("bar", keys=["loss"])
    with pytest.raises(ValueError, match=r"runs='lr >' is not a runs filter.*position"):
        report.add_panel("line", runs="lr >", keys=["loss"])
    with pytest.raises(cairn.UsageError, match="save"):
        report.restore(1)
    assert report.blocks == []


def test_frozen_panels_keep_their_data_when_runs_go(runs: list[cairn.Run], store_dir: Path) -> None:
    report = cairn.Report("p", title="Frozen")
    report.add_panel("line", keys=["loss"], title="live loss")
    report.add_panel("line", keys=["loss"], title="frozen loss", frozen=True)
    report.add_panel(
        "bar", keys=["config.lr", "summary.acc"], group_by="config.model.width", frozen=True
    )
    report.save()
    frozen = report.blocks[1]
    assert isinstance(frozen, Panel) and frozen.data is not None
    by_name = {r.name: r for r in frozen.data.runs}
    assert by_name["fast"].series["loss"] == ([0.0, 1.0, 2.0], [1.0, 0.5, 0.25])
    bar = report.blocks[2]
    assert isinstance(bar, Panel) and bar.data is not None
    assert {r.name: (r.group, r.values) for r in bar.data.runs} == {
        "slow": (8, {"config.lr": 0.01, "summary.acc": pytest.approx(0.3)}),
        "fast": (8, {"config.lr": 0.1, "summary.acc": 0.75}),
    }

    api = cairn.Api()
    api.store.delete_run(runs[1].id)  # "fast"
    stored = api.report("p", "Frozen")
    assert stored.blocks[1] == frozen  # the version holds the data, read back whole
    text = stored.export("markdown", store_dir.parent / "out.md").read_text()
    live, frozen_part = text.split("**frozen loss**")
    assert "| slow | 0.7 |" in live and "fast" not in live  # the live panel lost the run
    assert "| fast | 0.25 |" in frozen_part and "| fast | 8 | 0.1 | 0.75 |" in frozen_part
    assert "frozen 20" in frozen_part and "live, read 20" in live

    stored.save()  # saving again keeps the frozen moment
    assert cairn.Api().report("p", "Frozen").blocks[1] == frozen


def test_live_panels_follow_the_runs(runs: list[cairn.Run], store_dir: Path) -> None:
    report = cairn.Report("p", title="Live")
    report.add_panel("scatter", runs='name == "slow"', keys=["config.lr", "summary.acc"])
    report.save()
    html = report.export("html", store_dir.parent / "out.html").read_text()
    assert "slow</td>" in html and "fast" not in html
    more = cairn.init(project="p", name="slow", config={"lr": 0.5})
    more.summary["acc"] = 0.99
    more.finish(quiet=True)
    html = report.export("html", store_dir.parent / "out.html").read_text()
    assert html.count("slow</td>") == 2 and "0.99" in html


def test_html_export_is_standalone_and_sanitized(store_dir: Path, tmp_path: Path) -> None:
    report = cairn.Report("p", title="<b>T</b>", description="<i>d</i>")
    report.add_markdown("# Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) $e^x$")
    report.add_markdown('![a](https://tracker.example/p.png) <img src=x onerror="alert(1)">')
    report.save()
    out = report.export("html", tmp_path / "exports")  # a folder: named after the title
    assert out == tmp_path / "exports" / "b-t-b.html"
    html = out.read_text()
    assert 'href="javascript' not in html
    assert_inert(html)
    assert "tracker.example" not in html and "&lt;b&gt;T&lt;/b&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<h1>Hi</h1>" in html
    assert '<span class="math-inline"><math display="inline"><mrow><msup><mi>e</mi>' in html
    with pytest.raises(ValueError, match="markdown, html, latex"):
        report.export("pdf", tmp_path / "x.pdf")


def test_reports_need_a_local_store(tmp_path: Path) -> None:
    with pytest.raises(cairn.StoreError, match="no Cairn store"):
        cairn.Api(tmp_path).reports("p")


def test_freeze_takes_the_data_again_and_unfreeze_goes_live(
    runs: list[cairn.Run], store_dir: Path
) -> None:
    report = cairn.Report("p", title="F")
    report.add_markdown("text")
    report.add_panel("line", keys=["loss"], frozen=True)
    report.save()
    first = report.blocks[1]
    assert isinstance(first, Panel) and first.data is not None and len(first.data.runs) == 2
    more = cairn.init(project="p", name="third")
    more.log({"loss": 0.1})
    more.finish(quiet=True)
    report.freeze(1)
    report.save()
    again = report.blocks[1]
    assert isinstance(again, Panel) and again.data is not None and len(again.data.runs) == 3
    live = report.freeze(1, frozen=False)
    assert not live.frozen and live.data is None
    report.save()
    assert report.diff(2, 3)[0].change == "changed"
    with pytest.raises(ValueError, match="only panels freeze"):
        report.freeze(0)


def test_group_by_is_checked(store_dir: Path) -> None:
    report = cairn.Report("p")
    with pytest.raises(ValueError, match=r"group_by='lr'.*config\.optimizer"):
        report.add_panel("line", keys=["loss"], group_by="lr")
    with pytest.raises(ValueError, match="group_by='config'"):
        report.add_panel("line", keys=["loss"], group_by="config")
    report.add_panel("line", keys=["loss"], group_by="group")
    report.add_panel("bar", keys=["summary.acc"], group_by="summary.acc")


def test_payloads_in_run_names_titles_and_values_stay_text(store_dir: Path) -> None:
    payload = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
    run = cairn.init(project="p", name=payload, config={"opt": payload})
    run.log({"loss": 1.0})
    run.summary["note"] = payload
    run.finish(quiet=True)
    report = cairn.Report("p", title=payload, description=payload)
    report.add_panel("line", keys=["loss"], title=payload, group_by="config.opt")
    report.add_panel("bar", keys=["summary.note"], title=payload, frozen=True)
    report.save()
    html = report.export("html", store_dir.parent / "x.html").read_text()
    assert_inert(html)
    assert ("svg", ["xmlns", "viewbox", "width", "height", "role", "aria-label"]) in live_html(html)
    markdown = report.export("markdown", store_dir.parent / "x.md").read_text()
    table_part = markdown.split("\n", 4)[4]  # after the title and description, as written
    assert "<img" not in table_part and "<script" not in table_part


def test_math_is_mathml_in_html_only(store_dir: Path, tmp_path: Path) -> None:
    report = cairn.Report("p", title="Math")
    report.add_markdown("Loss $\\frac{1}{t}$ and\n\n$$\\sum_i x_i$$")
    report.save()
    html = report.export("html", tmp_path / "m.html").read_text()
    assert "<mfrac>" in html and "<munderover>" not in html and "<munder>" in html
    assert "\\frac" not in html and "\\sum" not in html
    markdown = report.export("markdown", tmp_path / "m.md").read_text()
    assert "Loss $\\frac{1}{t}$ and\n\n$$\\sum_i x_i$$" in markdown
    main = (report.export("latex", tmp_path / "tex") / "main.tex").read_text()
    assert "$\\frac{1}{t}$" in main and "\\sum_i x_i" in main and "mfrac" not in main
