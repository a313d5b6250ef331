"""``cairn reproduce RUN``: re-run a recorded run and compare the new numbers with the original's."""

from __future__ import annotations

import shlex
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cairn.cli.common import dir_option, store_api
from cairn.errors import CairnError, ReproduceError
from cairn.repro.compare import MetricComparison
from cairn.repro.report import fmt, reproduced_cell
from cairn.repro.reproduce import Options, execute, make_plan

NOT_REPRODUCED = 3
"""Exit status when the reproduction ran but its numbers did not come back (1: a step failed)."""

STATUS_STYLE = {
    "exact": "green",
    "within rtol": "green",
    "within spread": "green",
    "differs": "red",
    "missing": "red",
}


@click.command()
@click.argument("ref")
@dir_option
@click.option(
    "--workdir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where the code, venv and report go (default: <store>/reproduce/<run>-<time>).",
)
@click.option(
    "--env",
    "env",
    type=click.Choice(["venv", "current"]),
    default="venv",
    show_default=True,
    help="A new virtualenv with the run's package versions, or this environment as it is.",
)
@click.option(
    "--seeds",
    default=1,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Run N times, seeds original, original+1, …, to measure spread.",
)
@click.option(
    "--rtol",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0),
    help="A metric within rtol × |original| counts as reproduced (0: exactly).",
)
@click.option(
    "--find-links",
    default=None,
    type=click.Path(exists=True, file_okay=False),
    help="With --env venv: install offline from this folder of wheels.",
)
@click.option("--python", "python", default=None, help="With --env venv: the interpreter to use.")
@click.option("--dry-run", is_flag=True, help="Print every step without doing anything.")
def reproduce(
    ref: str,
    dir: str | None,
    workdir: str | None,
    env: str,
    seeds: int,
    rtol: float,
    find_links: str | None,
    python: str | None,
    dry_run: bool,
) -> None:
    """Re-run run REF (project/run_id) from its captured code, environment, command and seed, and
    compare every summary metric with the original's. Exits 0 when reproduced, 3 when not, 1
    when a step failed."""
    console = Console(highlight=False)
    options = Options(
        env=env,
        seeds=seeds,
        rtol=rtol,
        workdir=Path(workdir) if workdir else None,
        find_links=find_links,
        python=python,
    )
    try:
        api = store_api(dir)
        plan = make_plan(api, ref, options)
    except (CairnError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for warning in plan.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if dry_run:
        console.print(f"[bold]cairn reproduce {escape(plan.original.path)}[/] (dry run)")
        for title, lines in plan.steps():
            console.print(f"\n[bold]{title}[/]")
            for line in lines:
                console.print(f"  {escape(line)}", soft_wrap=True)
        return
    again = [ref, "--env", env, "--seeds", str(seeds), "--rtol", f"{rtol:g}"]
    if dir:
        again += ["--dir", dir]
    command_line = "cairn reproduce " + shlex.join(again)
    try:
        outcome = execute(
            plan,
            api,
            lambda line: console.print(escape(line), soft_wrap=True),
            command_line=command_line,
        )
    except ReproduceError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in outcome.warnings[len(plan.warnings) :]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if outcome.metrics:
        console.print(_table(outcome.metrics, len(outcome.runs)))
    style = {"reproduced": "bold green", "not reproduced": "bold red"}.get(
        outcome.verdict, "bold red"
    )
    line = f"[{style}]{outcome.verdict}[/]"
    if outcome.verdict == "not reproduced":
        line += ": " + ", ".join(escape(m.key) for m in outcome.metrics if not m.ok) + " differ"
    elif outcome.failure:
        line += f": {escape(outcome.failure)}"
    console.print(line)
    console.print(f"report: {escape(str(outcome.report_path))}")
    if outcome.verdict == "failed":
        raise SystemExit(1)
    if outcome.verdict != "reproduced":
        raise SystemExit(NOT_REPRODUCED)


def _table(metrics: list[MetricComparison], runs: int) -> Table:
    head = "reproduced" if runs == 1 else f"reproduced (mean ± sd [min, max] of {runs})"
    table = Table(box=None, header_style="bold")
    for column in ("metric", "original", head, "abs diff", "rel diff", "status"):
        table.add_column(escape(column), justify="right" if "diff" in column else "left")
    for m in metrics:
        style = STATUS_STYLE.get(m.status, "")
        table.add_row(
            escape(m.key),
            fmt(m.original),
            reproduced_cell(m),
            fmt(m.abs_diff),
            fmt(m.rel_diff),
            f"[{style}]{m.status}[/]",
        )
    return table
