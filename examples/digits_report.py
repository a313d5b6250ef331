"""The demo report: a short write-up of the digits runs, exported as a LaTeX project.

`make demo` runs it after examples/digits.py, examples/digits_sweep.py and
examples/digits_reproduce.py, in the same store:
it saves (or updates) the report "Digits: what held" in project "digits" — Markdown with math
and a citation, its BibTeX, the validation curves, the final accuracy per run, and the sweep's
parallel coordinates and parameter importance over its trials, the confusion matrix and ROC curves
of the most accurate run on the validation set, a validation digit of the baseline run with its
mask and box, and the verdict of examples/digits_reproduce.py's ``cairn reproduce``
with the original's and the reproduction's validation loss — and writes
its LaTeX export to ``OUT`` (default ``./digits-report``), which ``pdflatex main`` compiles.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cairn

PROJECT = "digits"
TITLE = "Digits: what held"
ORIGINALS = "reproduction_of is null"
RUNS = f'"demo" in tags and {ORIGINALS}'
"""The grid's runs (examples/digits.py), not the reproductions `cairn reproduce` made of them."""
TRIALS = '"demo-sweep" in tags'
SWEEP_KEYS = ["config.lr", "config.model.width", "summary.val/loss"]
"""The sweep's parameters, then its metric (examples/digits_sweep.yaml: val/loss, minimized)."""

CONFUSION = "val/confusion_matrix"
"""The validation set's confusion matrix examples/digits.py logs at the end of every run (with
``val/roc`` and ``val/pr``)."""

CLASSES_TEXT = """The most accurate run, {name}, on each digit of the validation set: the
confusion matrix and the one-vs-rest ROC curves it logged at the end of its training.
"""

SWEEP_TEXT = r"""## The sweep

A bayes search over $\eta$ and $w$ (examples/digits_sweep.yaml) minimized the validation loss:
each trial is a line through its parameters, darker where the loss is lower; the importance says
how much of the loss each parameter explains.
"""

TEXT = r"""## Setup

A two-layer MLP on the 8x8 digits of scikit-learn [@pedregosa2011], trained with SGD and
momentum for every learning rate $\eta$ and width $w$ of the grid. The loss is the cross-entropy

$$\mathcal{L} = -\frac{1}{N}\sum_{i=1}^{N} \log p_\theta(y_i \mid x_i).$$

## Results

The validation curves below are live: exported again, they show the runs as they are then.
"""

REPRO_TEXT = """## Reproducing it

`cairn reproduce {path}` ran the recorded command of {name} again, from its captured code and
seed, as a new run, and compared every summary metric with the original's:
"""

BIBTEX = r"""@article{pedregosa2011,
  author = {Fabian Pedregosa and Ga{\"e}l Varoquaux and Alexandre Gramfort and others},
  title = {Scikit-learn: Machine Learning in {P}ython},
  journal = {Journal of Machine Learning Research},
  volume = {12},
  pages = {2825--2830},
  year = 2011,
}
"""


def reproduced(api: cairn.Api) -> cairn.ApiRun | None:
    """The grid run ``cairn reproduce`` re-ran last (examples/digits_reproduce.py), or None."""
    done = [(run.comparisons(), run) for run in api.runs(PROJECT, filter=RUNS)]
    latest = [(found[0].created_at, run) for found, run in done if found]
    return max(latest, key=lambda pair: pair[0])[1] if latest else None


def add_best_run_charts(report: cairn.Report, api: cairn.Api) -> None:
    """The confusion matrix and ROC curves of the grid's most accurate run, when it logged them."""
    best = api.runs(PROJECT, filter=RUNS, order="-summary.val/acc", limit=1)
    if not len(best) or CONFUSION not in {k.key for k in best[0].media_keys()}:
        return
    run = best[0]
    report.add_markdown(CLASSES_TEXT.format(name=run.name))
    report.add_panel("plot", run=run.id, keys=[CONFUSION], title=f"Confusion matrix of {run.name}")
    report.add_panel("plot", run=run.id, keys=["val/roc"], title=f"ROC curves of {run.name}")


def build(dir: str | None = None) -> cairn.Report:
    """The demo report, saved: a new version of it when it exists already."""
    try:
        report = cairn.Api(dir).report(PROJECT, TITLE)
        report.blocks.clear()
    except cairn.StoreError:
        report = cairn.Report(PROJECT, title=TITLE, dir=dir, author="cairn demo")
    report.description = "What the learning rate and the width changed, on the digits runs."
    report.add_markdown(TEXT)
    report.add_bibtex(BIBTEX)
    report.add_panel("line", runs=RUNS, keys=["val/loss", "val/acc"], title="Validation")
    report.add_panel(
        "bar", runs=RUNS, keys=["summary.val/acc"], title="Best validation accuracy per run"
    )
    add_best_run_charts(report, cairn.Api(dir))
    report.add_markdown(SWEEP_TEXT)
    report.add_panel("parallel", runs=TRIALS, keys=SWEEP_KEYS, goal="minimize", title="Trials")
    report.add_panel("importance", runs=TRIALS, keys=SWEEP_KEYS, title="What the loss follows")
    # Not a reproduction: it copies its original's tags, and is the newest of them.
    baseline = cairn.Api(dir).runs(PROJECT, filter=f'"baseline" in tags and {ORIGINALS}', limit=1)
    if len(baseline):  # examples/digits.py logs its validation digits, masked by the prediction
        report.add_panel(
            "image", run=baseline[0].id, keys=["val/samples"], title="A validation digit"
        )
    original = reproduced(cairn.Api(dir))
    if original is not None:  # examples/digits_reproduce.py re-ran it with `cairn reproduce`
        report.add_markdown(REPRO_TEXT.format(name=original.name, path=original.path))
        report.add_panel("verdict", run=original.id, title="Verdict")
        both = f'id == "{original.id}" or reproduction_of == "{original.path}"'
        report.add_panel("line", runs=both, keys=["val/loss"], title="Original and reproduction")
    report.save()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="digits-report", help="the LaTeX project's folder")
    args = parser.parse_args()
    out = build().export("latex", Path(args.out))
    print(f"the demo report's LaTeX project: {out} (cd there; pdflatex main)")


if __name__ == "__main__":
    main()
