"""The LaTeX export compiles with pdflatex as exported, its figures hold the store's data, and
every text (titles, run names, Markdown, BibTeX, math) stays text: nothing reads a file or runs."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from matplotlib.colors import to_hex
from tests.fakes.examples import load_example
from tests.fakes.repos import full_capture, make_repo, run_script

import cairn
from cairn.reports import figures, tex
from cairn.reports.bars import key_bars
from cairn.reports.blocks import Panel, PanelData, RunData, block_from_dict
from cairn.reports.chart_lines import aggregate
from cairn.reports.export import panel_data
from cairn.reports.groups import group_runs
from cairn.reports.style import PALETTE, run_colour, smooth
from cairn.store.reader import StoreReader

pytestmark = pytest.mark.usefixtures("no_open_run")

PAYLOAD = r"\input{/etc/passwd} \write18{touch pwned} \ { } $ & # ^ _ % ~"
LATEX = ("-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape")


def compile_pdf(folder: Path) -> str:
    """The commands main.tex's first line gives (pdflatex, bibtex when there are references,
    pdflatex twice), each to succeed; the PDF's text."""
    first = (folder / "main.tex").read_text().splitlines()[0]
    assert first.startswith("% Written by Cairn. Compile: "), first
    for command in first.partition("Compile: ")[2].split(" && "):
        program, *args = command.split()
        step = [program, *LATEX, *args] if program == "pdflatex" else [program, *args]
        done = subprocess.run(step, cwd=folder, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-3000:]
    return subprocess.run(
        ["pdftotext", "-layout", "main.pdf", "-"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def report(store_dir: Path) -> cairn.Report:
    for name, lr in (("slow " + PAYLOAD + " café 😀", 0.01), ("fast", 0.1)):
        run = cairn.init(project="p", name=name, config={"lr": lr, "note": PAYLOAD})
        for step in range(20):
            run.log({"loss": 1 / (1 + lr * step)})
        run.summary["acc"] = 0.8 + lr
        run.finish(quiet=True)
    made = cairn.Report(
        "p", title="Title " + PAYLOAD, description="About " + PAYLOAD, author=PAYLOAD
    )
    made.add_markdown(
        "## Setup [docs](https://x.org/~a?b=1&c#d) "
        + PAYLOAD
        + "\n\nLoss is $1/(1 + \\eta\\cdot t)$, as [@he2016; @mlrc].\n\n"
        "$$\\sum_i x_i \\input{/etc/passwd} ^^5cinput{/etc/passwd}$$\n\n"
        "```\n\\end{verbatim}\\input{/etc/passwd}\n```\n\n| run | acc |\n|---|--:|\n| a & b | 0.9 |\n"
    )
    made.add_bibtex(
        "@article{he2016, author={Kaiming He}, title={Residual \\input{/etc/passwd}}, year=2016}\n"
        "@misc{mlrc, title={Reproducibility 100% ^^5cinput{/etc/passwd} of snake_case $x_1$}, "
        "year=2024}"
    )
    made.add_panel("line", keys=["loss"], title="Loss " + PAYLOAD, smoothing=0.5, log_y=True)
    made.add_panel("bar", keys=["config.lr", "summary.acc"], group_by="config.note")
    made.add_panel("scalar", keys=["summary.acc"], runs='state == "finished"', frozen=True)
    made.save()
    return made


def test_the_export_compiles_and_every_payload_stays_text(
    report: cairn.Report, tmp_path: Path
) -> None:
    folder = report.export("latex", tmp_path / "paper")
    assert sorted(p.name for p in (folder / "figures").iterdir()) == [
        "panel-01.pdf",
        "panel-02.pdf",
    ]
    main = (folder / "main.tex").read_text()
    assert "\\input{/etc/passwd}" not in main and "\\write18{" not in main
    assert "\\input{" not in (folder / "references.bib").read_text()
    text = compile_pdf(folder)
    assert not (folder / "pwned").exists() and "root:" not in text
    assert "Title \\input{/etc/passwd} \\write18{touch pwned}" in " ".join(text.split())
    assert "as [1, 2]" in text and "References" in text and "Kaiming He" in text
    flat = " ".join(text.split())
    assert "of snake case x1" in flat and "[U+1F600]" in flat  # \\_ is drawn as a rule
    assert 'runs where state == "finished"' in flat  # straight quotes, as typed
    log = (folder / "main.log").read_text()
    assert "<use figures/panel-01.pdf>" in log and "<use figures/panel-02.pdf>" in log
    pages = subprocess.run(
        ["pdftoppm", "-r", "20", "-gray", "main.pdf", "page"], cwd=folder, check=True
    )
    assert pages.returncode == 0 and len(list(folder.glob("page-*.pgm"))) >= 2


def test_a_zip_holds_the_same_project(report: cairn.Report, tmp_path: Path) -> None:
    out = report.export("latex", tmp_path / "paper.zip")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "unzipped")
    assert {"main.tex", "references.bib", "figures/panel-01.pdf"} <= names
    assert "References" in compile_pdf(tmp_path / "unzipped")
    with pytest.raises(ValueError, match=r"folder .* or a \.zip"):
        report.export("latex", tmp_path / "paper.tex")


def test_templates_replace_the_article_class(report: cairn.Report, tmp_path: Path) -> None:
    style = tmp_path / "tpl" / "mystyle.sty"
    style.parent.mkdir()
    style.write_text("\\ProvidesPackage{mystyle}\n\\newcommand{\\venue}{Workshop on Repro}\n")
    out = report.export("latex", tmp_path / "with-sty", template=style)
    assert (
        "\\usepackage{mystyle}" in (out / "main.tex").read_text() and (out / "mystyle.sty").exists()
    )
    compile_pdf(out)
    document = tmp_path / "tpl" / "paper.tex"
    document.write_text(
        "\\documentclass{article}\n\\usepackage{mystyle}\n% cairn:preamble\n\\begin{document}\n"
        "\\maketitle\nAt \\venue.\n% cairn:body\n\\end{document}\n"
    )
    out = report.export("latex", tmp_path / "with-tex", template=document)
    assert "At Workshop on Repro." in compile_pdf(out)
    document.write_text("\\documentclass{article}\\begin{document}\\end{document}")
    with pytest.raises(ValueError, match="% cairn:body"):
        report.export("latex", tmp_path / "bad", template=document)
    assert not (tmp_path / "bad").exists()  # refused before anything is written
    with pytest.raises(ValueError, match=r"give a \.tex, \.cls or \.sty"):
        report.export("latex", tmp_path / "bad", template=tmp_path / "tpl")


def test_a_line_figure_draws_the_stored_series_in_dashboard_colours(report: cairn.Report) -> None:
    panel = Panel(kind="line", keys=["loss"])
    data = panel_data(panel, StoreReader(cairn.Api().store), "p")
    figure = figures.draw(panel, data)
    assert figure is not None
    [ax] = figure.axes
    drawn = [line for line in ax.lines if line.get_gid() == "line"]
    for run, line in zip(data.runs, drawn, strict=True):
        xs, ys = run.series["loss"]
        assert [list(p) for p in line.get_xydata()] == [[x, y] for x, y in zip(xs, ys, strict=True)]
        assert line.get_color() == run_colour(run.id, run.number)
    smoothed = figures.draw(Panel(kind="line", keys=["loss"], smoothing=0.6), data)
    assert smoothed is not None
    raw = [line for line in smoothed.axes[0].lines if line.get_gid() == "raw"]
    shown = [line for line in smoothed.axes[0].lines if line.get_gid() == "line"]
    for run, behind, line in zip(data.runs, raw, shown, strict=True):
        xs, ys = run.series["loss"]
        assert list(behind.get_ydata()) == ys and list(line.get_ydata()) == smooth(ys, 0.6)
        assert line.get_ydata()[0] == ys[0] and line.get_ydata()[-1] != ys[-1]  # debiased EMA


def test_a_line_figure_of_several_keys_names_each_keys_dash(store_dir: Path) -> None:
    for lr in (0.1, 0.2):
        run = cairn.init(project="k", config={"lr": lr})
        for step in range(5):
            run.log({"val/loss": 1 / (1 + lr * step), "val/acc$": lr * step})
        run.finish(quiet=True)
    reader = StoreReader(cairn.Api().store)
    panel = Panel(kind="line", keys=["val/loss", "val/acc$"])
    figure = figures.draw(panel, panel_data(panel, reader, "k"))
    assert figure is not None
    [ax] = figure.axes
    legend = ax.get_legend()
    names = [text.get_text() for text in legend.get_texts()]
    assert names[2:] == ["val/loss", "val/acc\\$"]  # after the two runs; `$` is not mathtext
    solid, dashed = legend.legend_handles[2:]
    assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
    assert [line.get_linestyle() for line in ax.lines if line.get_gid() == "line"] == [
        "-",
        "-",
        "--",
        "--",
    ]
    one_key = figures.draw(Panel(kind="line", keys=["val/loss"]), panel_data(panel, reader, "k"))
    assert one_key is not None
    assert len(one_key.axes[0].get_legend().get_texts()) == 2  # the runs alone


def test_a_grouped_bar_figure_draws_the_groups_means_and_ranges_as_the_svg_does() -> None:
    runs = [
        RunData(id="a", name="a", number=1, group="sgd", values={"summary.acc": 0.2}),
        RunData(id="b", name="b", number=2, group="adam", values={"summary.acc": 0.9}),
        RunData(id="c", name="c", number=3, group="sgd", values={"summary.acc": 0.6}),
    ]
    panel = Panel(kind="bar", keys=["summary.acc"], group_by="config.opt")
    data = PanelData(taken_at=0.0, runs=runs)
    figure = figures.draw(panel, data)
    assert figure is not None
    [ax] = figure.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["adam", "sgd"]
    assert [round(p.get_width(), 6) for p in ax.patches] == [0.9, 0.4]
    colours = {group.name: group.colour for group in group_runs(runs)}
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == [colours["adam"], colours["sgd"]]
    [whiskers] = [c for c in ax.collections if c.get_gid() != "bars"]
    assert [list(map(list, seg)) for seg in whiskers.get_segments()] == [
        [[0.9, 0.0], [0.9, 0.0]],
        [[0.2, 1.0], [0.6, 1.0]],
    ]
    assert [b.label for b in key_bars(panel, data, "summary.acc")] == ["adam", "sgd"]


def test_markdown_export_has_png_figures_and_references(
    report: cairn.Report, tmp_path: Path
) -> None:
    out = report.export("markdown", tmp_path / "r.md")
    text = out.read_text()
    assert "![Loss" in text and "(r-figures/panel-01.png)" in text
    assert (tmp_path / "r-figures" / "panel-01.png").read_bytes()[:4] == b"\x89PNG"
    assert "## References" in text and "1. Kaiming He. Residual" in text
    html = report.export("html", tmp_path / "r.html").read_text()
    assert "as [1, 2]" in html and "<h2>References</h2>" in html


def test_escape_and_inert() -> None:
    assert tex.escape("a_b & 50% #1 {x} ~ ^") == r"a\_b \& 50\% \#1 \{x\} \~{} \^{}"
    assert (
        tex.inert(r"\frac{a}{b} \input{x}", math=True)
        == r"\frac{a}{b} \backslash \mathrm{input}{x}"
    )
    assert "\\begin{pmatrix}" in tex.inert(r"\begin{pmatrix}1\end{pmatrix}", math=True)
    assert "\\begin{filecontents}" not in tex.inert(r"\begin{filecontents}", math=True)
    assert tex.inert("}\\input{x}{", math=False) == r"\}\textbackslash{}input\{x\}\{"
    assert tex.href("javascript:alert(1)") is None
    assert tex.href("https://a.b/~c?d=1&e#fé") == r"https://a.b/\%7Ec?d=1\&e\#f\%C3\%A9"


def test_strikethrough_is_drawn_in_latex_wherever_markdown_allows_it(store_dir: Path) -> None:
    report = cairn.Report("p", title="Strike")
    report.add_markdown(
        "A ~~withdrawn *claim* with [a link](https://x.org) and $x^2$~~ stays.\n\n"
        "~~two  \nlines~~ and ~~$$\\sum_i x_i$$~~\n\n"
        "| claim | status |\n|---|---|\n| ~~97% & more~~ | dropped |\n"
    )
    report.save()
    struck = report.export("latex", store_dir.parent / "struck")
    main = (struck / "main.tex").read_text()
    assert main.count("\\cairnstrike{") == 4
    assert "\\cairnstrike{two lines}" in main  # a box cannot end a line
    assert "\\cairnstrike{$\\displaystyle \\sum_i x_i$}" in main
    # The same document with the rule left out of the macro: the same boxes, less ink.
    unstruck = store_dir.parent / "unstruck"
    shutil.copytree(struck, unstruck)
    rule = "\\rlap{\\rule[0.5ex]{\\wd0}{0.4pt}}"
    assert main.count(rule) == 1
    (unstruck / "main.tex").write_text(main.replace(rule, ""))
    ink = []
    for folder in (struck, unstruck):
        assert "withdrawn claim" in " ".join(compile_pdf(folder).split())
        subprocess.run(
            ["pdftoppm", "-r", "60", "-gray", "main.pdf", "page"], cwd=folder, check=True
        )
        ink.append(sum(_dark_pixels(page) for page in folder.glob("page-*.pgm")))
    assert ink[0] > ink[1] > 0


def test_bibtex_is_checked_and_old_blocks_still_load(store_dir: Path) -> None:
    report = cairn.Report("p")
    with pytest.raises(ValueError, match="line 2: @preamble is not supported"):
        report.add_bibtex("@misc{a, title={x}}\n@preamble{\\input{x}}")
    with pytest.raises(ValueError, match="key 'a' appears twice"):
        report.add_bibtex("@misc{a, title={x}}\n@misc{a, title={y}}")
    old = block_from_dict(
        {
            "kind": "line",
            "keys": ["loss"],
            "runs": None,
            "title": None,
            "group_by": None,
            "frozen": False,
            "data": None,
        }
    )
    assert isinstance(old, Panel) and old.smoothing == 0 and not old.log_y
    with pytest.raises(ValueError, match="smoothing"):
        report.add_panel("line", keys=["loss"], smoothing=1.5)


DEMO_RUN = """
import argparse
import time

import numpy as np

import cairn

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float)
parser.add_argument("--width", type=int)
args = parser.parse_args()
cairn.seed_everything(0)
config = {"lr": args.lr, "model": {"width": args.width}}
baseline = (args.lr, args.width) == (0.1, 32)
tags = ["demo", "mlp", "baseline" if baseline else "sweep"]
# The validation set's charts, as examples/digits.py logs them; made before the run starts, so
# that importing scikit-learn does not count in its runtime (the baseline must be the fastest).
labels = np.arange(40) % 10
scores = np.eye(10)[np.roll(labels, 1 if args.lr < 0.1 else 0)] * 0.6 + 0.04
names = [str(d) for d in range(10)]
charts = {
    "val/confusion_matrix": cairn.plot.confusion_matrix(labels, scores.argmax(1), names),
    "val/roc": cairn.plot.roc_curve(labels, scores, names),
}
# The baseline's validation digit, masked by the prediction: made before its run starts too.
mask = np.zeros((8, 8), dtype=np.uint8)
mask[2:6, 2:6] = 3
masks = {"predictions": {"mask_data": mask, "class_labels": {3: "2"}}}
digit = cairn.Image(np.full((8, 8), 90, dtype=np.uint8), masks=masks)
with cairn.init(project="digits", config=config, tags=tags) as run:
    if not baseline:  # the baseline is the fastest run, the one the demo reproduces, by far
        time.sleep(1.5)  # (0.5 s was not enough with 4 test workers on 2 cores)
    for epoch in range(5):
        run.log({"val/loss": 2 / (1 + args.lr * 10 * epoch), "val/acc": 0.5 + args.lr * epoch})
    run.summary["val/acc"] = 0.5 + args.lr * 4
    run.log(charts)
    if baseline:
        run.log({"val/samples": [digit, digit]}, step=5)
"""
"""A grid run shaped like examples/digits.py's (no torch): a script run once per run, so that
`cairn reproduce` can re-run it."""


def test_the_demo_report_compiles_and_its_figure_pages_are_not_blank(
    store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/digits_reproduce.py then examples/digits_report.py (run by `make demo`, in that
    order) on runs shaped like the demo's: a real `cairn reproduce` of the fastest run, whose
    verdict the report shows."""
    repo = make_repo(tmp_path / "code", {"train.py": DEMO_RUN})
    with monkeypatch.context() as env:
        full_capture(env)  # what `cairn reproduce` needs of a run: its code and command
        for lr, width in ((0.1, 32), (0.01, 64), (0.3, 32)):
            args = ("--lr", str(lr), "--width", str(width))
            run_script(repo / "train.py", *args, store_dir=store_dir)
    with cairn.init(project="digits", tags=["other"]) as other:
        other.log({"val/loss": 9.0})
    for i in range(6):  # the sweep's trials
        config = {"lr": 0.005 * 3**i, "model": {"width": 16 * 2 ** (i % 4)}, "epochs": 6}
        with cairn.init(project="digits", config=config, tags=["demo-sweep", "mlp"]) as trial:
            trial.summary["val/loss"] = 0.2 + abs(math.log10(config["lr"]) + 1)
    demo = load_example("digits_report")
    runs = cairn.Api().runs("digits", filter=demo.RUNS, order="runtime")
    fastest = [r for r in runs if r.runtime == min(r.runtime for r in runs)]
    original = load_example("digits_reproduce").reproduce()
    assert original is not None and original.id in {r.id for r in fastest}
    [copy] = original.reproductions()  # a new run of the project, linked to its original
    assert original.comparisons()[0].verdict == "reproduced"
    assert load_example("digits_reproduce").reproduce().id == original.id  # once: make demo again
    assert len(original.reproductions()) == 1
    assert len(cairn.Api().runs("digits", filter=demo.RUNS)) == 3  # the reproduction is not one
    report = demo.build()
    assert demo.build().version == 2  # run again, `make demo` saves a new version
    verdict = [b for b in report.blocks if isinstance(b, Panel) and b.kind == "verdict"]
    assert [b.run for b in verdict] == [original.id]
    assert "baseline" in original.tags and "baseline" in copy.tags
    image = [b for b in report.blocks if isinstance(b, Panel) and b.kind == "image"]
    assert [b.run for b in image] == [original.id]  # the baseline, not its newer reproduction
    folder = report.export("latex", tmp_path / "demo")
    text = compile_pdf(folder)
    assert "Machine learning in Python" in " ".join(text.split())  # unsrt's case
    assert "[1]" in text and "Best validation accuracy per run" in text
    assert "Trials" in text and "What the loss follows" in text
    assert len(list((folder / "figures").glob("*.pdf"))) == 8  # lines, bars, the best run's
    # confusion matrix and ROC, parallel, importance, the original's and the reproduction's curves
    assert "A validation digit" in text  # and the image with its mask
    assert "Reproducing it" in text and f"cairn reproduce {original.path}" in text
    table = " ".join(text.split())
    assert f"Verdict: {original.name}: reproduced (1 reproduction)" in table
    for key in ("val/acc", "val/loss"):
        assert f"{key} {original.summary[key]:g} {original.summary[key]:g} 0 exact" in table
    main = (folder / "main.tex").read_text()
    best = max(runs, key=lambda r: r.summary["val/acc"])  # its charts, named in the captions
    assert f"Confusion matrix of {best.name}: confusion matrix of run {best.name}" in main
    assert f"ROC curves of {best.name}: roc curve of run {best.name}" in main
    assert main.count(copy.name) == 1  # in the last figure only: not among the grid's runs
    assert "\\mathcal{L} = -\\frac{1}{N}" in main  # math as written
    assert "\\section{Setup}" in main  # the report's highest heading (##) is a section
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "main.pdf", "page"], cwd=folder, check=True)
    pages = sorted(folder.glob("page-*.pgm"))
    last = subprocess.run(
        ["pdftotext", "-f", str(len(pages)), "main.pdf", "-"],
        cwd=folder, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if last.lstrip().startswith("References"):  # a page of text only: not a figure page
        pages = pages[:-1]
    figure_pages = [p for p in pages if _dark_pixels(p) > 0.01]
    assert len(pages) >= 2 and len(figure_pages) == len(pages)


def _dark_pixels(page: Path) -> float:
    """The share of a greyscale PGM page's pixels darker than light grey."""
    data = page.read_bytes()
    header = data.split(b"\n", 3)  # P5, width height, maxval, pixels
    pixels = header[3]
    return sum(1 for value in pixels if value < 200) / max(1, len(pixels))


def test_without_matplotlib_latex_says_what_to_install(
    report: cairn.Report, tmp_path: Path
) -> None:
    """A Python where matplotlib cannot be imported (None in sys.modules blocks the import)."""
    probe = (
        "import sys, warnings\n"
        "sys.modules['matplotlib'] = None\n"
        "import cairn\n"
        "import cairn.reports.export\n"
        f"report = cairn.Api().report('p', {report.id!r})\n"  # the store $CAIRN_DIR names
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    report.export('markdown', {str(tmp_path / 'r.md')!r})\n"
        "print(caught[0].message)\n"
        "try:\n"
        f"    report.export('latex', {str(tmp_path / 'tex')!r})\n"
        "except cairn.UsageError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out[0].startswith(
        "drawing a report's figures needs matplotlib: pip install 'cairn[reports]'"
    )
    assert out[1] == "drawing a report's figures needs matplotlib: pip install 'cairn[reports]'"
    assert "| fast |" in (tmp_path / "r.md").read_text()  # tables without figures
    assert not (tmp_path / "tex").exists()


def test_importing_the_exports_does_not_load_matplotlib() -> None:
    probe = (
        "import sys, cairn.reports.export, cairn.reports.latex; print('matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_group_is_its_runs_mean_with_a_min_max_band(report: cairn.Report) -> None:
    assert aggregate([([0, 2, 4], [0, 2, 4]), ([1, 3], [10, 30])]) == (
        [0, 1, 2, 3, 4],
        [0, 5.5, 11, 16.5, 4],
        [0, 1, 2, 3, 4],
        [0, 10, 20, 30, 4],
    )
    panel = Panel(kind="line", keys=["loss"], group_by="config.note")  # both runs: one group
    data = panel_data(panel, StoreReader(cairn.Api().store), "p")
    figure = figures.draw(panel, data)
    assert figure is not None
    [line] = [line for line in figure.axes[0].lines if line.get_gid() == "line"]
    a, b = (run.series["loss"][1] for run in data.runs)
    assert list(line.get_ydata()) == pytest.approx([(x + y) / 2 for x, y in zip(a, b, strict=True)])
    assert line.get_label() == f"{PAYLOAD.replace('$', chr(92) + '$')} (2 runs)"
    assert line.get_color() == PALETTE[0]  # the first group's, as the dashboard colours groups
    [band] = figure.axes[0].collections
    low = band.get_paths()[0].vertices[:, 1]
    assert min(low) == pytest.approx(min(a + b))
