"""``cairn report ls|export`` on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cairn
from cairn.cli.main import cli

pytestmark = pytest.mark.usefixtures("no_open_run")


def invoke(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "250"}).invoke(cli, list(args))


@pytest.fixture
def saved(store_dir: Path) -> cairn.Report:
    run = cairn.init(project="p", name="base", config={"lr": 0.1})
    run.log({"loss": 0.5})
    run.finish(quiet=True)
    report = cairn.Report("p", title="What held", author="ada")
    report.add_markdown("# Results\n\n<script>alert(1)</script>")
    report.add_panel("line", keys=["loss"])
    report.save()
    report.close()
    return report


def test_ls(saved: cairn.Report) -> None:
    got = invoke("report", "ls", "p")
    assert got.exit_code == 0, got.output
    assert saved.id is not None and saved.id in got.output
    assert "What held" in got.output and "ada" in got.output
    run = cairn.init(project="q")
    run.finish(quiet=True)
    assert "q has no reports yet: make one with cairn.Report('q'" in invoke(
        "report", "ls", "q"
    ).output.replace("\n", " ")


def test_ls_of_an_unknown_project_says_so(store_dir: Path, saved: cairn.Report) -> None:
    got = invoke("report", "ls", "nope")
    assert got.exit_code == 1 and "no project named 'nope'" in got.output


def test_export_both_formats(saved: cairn.Report, tmp_path: Path) -> None:
    got = invoke("report", "export", "p/What held", "--format", "html", "--out", str(tmp_path))
    assert got.exit_code == 0, got.output
    html = (tmp_path / "what-held.html").read_text()
    assert got.output.strip() == str(tmp_path / "what-held.html")
    assert (
        "<h1>Results</h1>" in html
        and "<script" not in html
        and "base</td>" in html
        and "<polyline" in html
    )
    out = tmp_path / "r.md"
    assert saved.id is not None
    got = invoke("report", "export", f"p/{saved.id}", "-f", "markdown", "-o", str(out))
    assert got.exit_code == 0, got.output
    assert "| base | 0.5 |" in out.read_text()


def test_export_errors_say_what_to_do(saved: cairn.Report, tmp_path: Path) -> None:
    got = invoke("report", "export", "What held")
    assert got.exit_code == 2 and "give PROJECT/REPORT" in got.output
    got = invoke("report", "export", "p/Nope", "--out", str(tmp_path))
    assert got.exit_code == 1 and "cairn report ls p" in got.output
    got = invoke("report", "export", "p/What held", "--format", "pdf")
    assert got.exit_code == 2 and "markdown" in got.output and "latex" in got.output
    got = invoke(
        "report", "export", "p/What held", "--format", "latex", "--out", str(tmp_path / "t")
    )
    assert got.exit_code == 0 and (tmp_path / "t" / "main.tex").exists()
    bad = tmp_path / "paper.tex"
    bad.write_text("\\documentclass{article}\\begin{document}\\end{document}")
    got = invoke(
        "report",
        "export",
        "p/What held",
        "-f",
        "latex",
        "--template",
        str(bad),
        "-o",
        str(tmp_path / "u"),
    )
    assert got.exit_code == 1 and "% cairn:body" in got.output


def test_new_from_the_reproducibility_template(store_dir: Path) -> None:
    run = cairn.init(project="p", name="<b>base</b>")
    run.log({"loss": 0.5})
    run.finish(quiet=True)
    got = invoke("report", "new", "p", "--template", "reproducibility", "--runs", f"{run.id},")
    assert got.exit_code == 0, got.output
    report_id = got.output.split()[0]
    saved = cairn.Api(store_dir).report("p", report_id)
    assert saved.title == "Reproducibility report" and saved.version == 1
    texts = [getattr(b, "text", "") for b in saved.blocks]
    assert any(t.startswith("## Computational cost") and "\\<b\\>base" in t for t in texts)
    missing = invoke("report", "new", "p", "--template", "reproducibility", "--runs", "nope")
    assert missing.exit_code == 1 and "nope" in missing.output
    unknown = invoke("report", "new", "p", "--template", "paper", "--runs", run.id)
    assert unknown.exit_code == 2 and "'paper' is not 'reproducibility'" in unknown.output
