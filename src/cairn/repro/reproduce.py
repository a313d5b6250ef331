"""``cairn reproduce``: re-run a recorded run and say how close the new numbers came.

Four steps, each of which can fail with a ``ReproduceError`` saying what and how to fix it:
materialize the code, prepare the environment, run the captured command (once per seed) as new
runs linked to the original, and compare every summary metric. The comparison is stored and
written as a Markdown report.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cairn.errors import ReproduceError, RunNotFoundError
from cairn.names import new_run_id
from cairn.repro.code import CodePlan, materialize, plan_code
from cairn.repro.compare import MetricComparison, compare_summaries, verdict
from cairn.repro.environment import EnvPlan, build_venv, plan_env
from cairn.repro.report import markdown_report
from cairn.sdk.api import Api, ApiRun
from cairn.sdk.capture.secrets import REDACTED
from cairn.store.reproductions import save_reproduction

RUN_STEP = "running the command"
INHERITED = ("CAIRN_RUN_ID", "CAIRN_SEED", "CAIRN_REPRODUCTION_OF", "CAIRN_MODE")


@dataclass
class Options:
    env: str = "venv"
    seeds: int = 1
    rtol: float = 0.0
    workdir: Path | None = None
    find_links: str | None = None
    python: str | None = None


@dataclass
class Plan:
    original: ApiRun
    store_dir: Path
    workdir: Path
    code: CodePlan
    env: EnvPlan
    cwd: Path
    command: list[str]
    seeds: list[int | None]
    env_vars: dict[str, str]
    options: Options
    warnings: list[str] = field(default_factory=list)

    def steps(self) -> list[tuple[str, list[str]]]:
        """Every step, as ``--dry-run`` prints it."""
        runs = []
        for i, seed in enumerate(self.seeds):
            env = self.child_env(seed, "<new id>")
            shown = " ".join(
                f"{k}={shlex.quote(v)}"
                for k, v in sorted(env.items())
                if k.startswith("CAIRN_") or k in self.env_vars
            )
            runs.append(
                f"[{i + 1}/{len(self.seeds)}] cd {self.cwd} && {shown} {shlex.join(self.command)}"
            )
        return [
            ("code", self.code.describe()),
            ("environment", self.env.describe()),
            ("run", runs),
            (
                "compare",
                [
                    f"compare {len(self.original.summary)} summary metrics of "
                    f"{self.original.path} (rtol {self.options.rtol:g})",
                    f"store the comparison and write {self.report_path}",
                ],
            ),
        ]

    @property
    def report_path(self) -> Path:
        return self.workdir / "reproduction.md"

    def child_env(self, seed: int | None, run_id: str) -> dict[str, str]:
        """The reproduction's environment: ours, the run's captured variables, and Cairn's."""
        env = {k: v for k, v in os.environ.items() if k not in INHERITED}
        env.update(self.env_vars)
        env.update(
            CAIRN_DIR=str(self.store_dir),
            CAIRN_PROJECT=self.original.project,
            CAIRN_REPRODUCTION_OF=self.original.path,
            CAIRN_RUN_ID=run_id,
            CAIRN_MODE="online",
            PYTHONUNBUFFERED="1",
        )
        if seed is not None:
            env["CAIRN_SEED"] = str(seed)
        if self.env.venv is not None:
            env["VIRTUAL_ENV"] = str(self.env.venv)
            env["PATH"] = f"{Path(self.env.python).parent}{os.pathsep}{env.get('PATH', '')}"
        return env


@dataclass
class Outcome:
    verdict: str
    """``reproduced``, ``not reproduced`` or ``failed``."""
    metrics: list[MetricComparison]
    runs: list[str]
    report: str
    report_path: Path
    comparison_id: int | None
    warnings: list[str]
    failure: str | None = None


def make_plan(api: Api, ref: str, options: Options) -> Plan:
    """Everything ``reproduce`` will do, decided up front without changing anything."""
    if options.seeds < 1:
        raise ReproduceError("planning", f"--seeds {options.seeds}", "give --seeds 1 or more")
    if api.dir is None:
        raise ReproduceError(
            "planning",
            f"reproducing reads a local store, and this Api reads the server {api.url}",
            "run `cairn reproduce` on a machine with the store (Api(dir=...)), or pass --dir",
        )
    store_dir = api.dir
    try:
        original = api.run(ref)
    except RunNotFoundError as exc:
        raise ReproduceError(
            "finding the run", str(exc), "`cairn runs ls` lists the runs"
        ) from None
    capture = original.capture
    command = capture.get("command")
    if not command:
        raise ReproduceError(
            "planning",
            f"run {original.path} has no captured command",
            "only runs made by a Cairn that captures (cairn.init with the default Settings) "
            "can be reproduced",
        )
    if not command.get("rerunnable"):
        raise ReproduceError(
            "planning",
            f"run {original.path} was not started from a script ({command.get('command_line')})",
            "start the training from a script (python train.py ...) so it can be run again",
        )
    line = " ".join(command.get("argv", []))
    if command.get("redacted") or REDACTED[:-1] in line or "<redacted>" in line:  # old marker too
        raise ReproduceError(
            "planning",
            f"the command had secret arguments, stored redacted: {command.get('redacted')}",
            "pass secrets through environment variables the script reads, not arguments",
        )
    workdir = (options.workdir or _new_workdir(store_dir / "reproduce", original.id)).resolve()
    code = plan_code(capture, workdir / "code", api.store.blobs)
    env = plan_env(
        capture.get("environment"),
        options.env,
        workdir,
        base_python=options.python,
        find_links=options.find_links,
    )
    argv, cwd, warnings = rerun_command(command, code.source_root, code.target, env.python)
    seed = (capture.get("seeds") or {}).get("seed")
    if seed is None:
        seeds: list[int | None] = [None] * options.seeds
        if options.seeds > 1:
            warnings.append(
                "the run recorded no seed (it did not call cairn.seed_everything): the "
                f"{options.seeds} runs differ only by what the script leaves unseeded"
            )
    else:
        seeds = [int(seed) + i for i in range(options.seeds)]
    env_vars = dict(((capture.get("environment") or {}).get("env_vars")) or {})
    return Plan(
        original,
        store_dir,
        workdir,
        code,
        env,
        cwd,
        argv,
        seeds,
        env_vars,
        options,
        warnings=[*code.warnings, *env.warnings, *warnings],
    )


def _new_workdir(parent: Path, run_id: str) -> Path:
    """``<parent>/<run id>-<time>``, with a counter when that exists already."""
    base = f"{run_id}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = parent / base, 1
    while path.exists():
        n += 1
        path = parent / f"{base}-{n}"
    return path


def rerun_command(
    command: dict[str, Any], source_root: str | None, target: Path, python: str
) -> tuple[list[str], Path, list[str]]:
    """The captured command pointed at the materialized code: the script's path and the working
    folder mapped from the original folder into ``target``."""
    warnings = []
    flags = list(command.get("interpreter_flags") or [])
    what = command.get("target")
    args = list(command.get("argv") or [])[1:]
    orig_cwd = Path(command.get("cwd") or ".")
    root = Path(source_root) if source_root else None

    def mapped(path: Path) -> Path | None:
        if root is None:
            return None
        try:
            return target / path.relative_to(root)
        except ValueError:
            return None

    cwd = mapped(orig_cwd)
    if cwd is None:
        cwd = target
        warnings.append(
            f"the run started in {orig_cwd}, outside its code ({root}): running from {target}; "
            "relative paths in its arguments may not resolve"
        )
    if what is not None and not (flags and flags[-1] in ("-m", "-c")):
        script = Path(os.path.normpath(orig_cwd / what))  # absolute stays absolute
        inside = mapped(script)
        if inside is None:
            warnings.append(f"the script {script} is outside the run's code: it is run from there")
            what = str(script)
        else:
            what = str(inside)
    argv = [python, *flags, *([what] if what is not None else []), *args]
    return argv, cwd, warnings


def execute(plan: Plan, api: Api, echo: Callable[[str], None], *, command_line: str) -> Outcome:
    """Carry out the plan; ``echo`` gets progress lines and the reproductions' output."""
    warnings = list(plan.warnings)
    echo(f"code: {plan.code.describe()[0]}")
    warnings += materialize(plan.code, api.store.blobs)
    if plan.env.kind == "venv":
        echo(f"environment: building a virtualenv in {plan.env.venv} …")
        build_venv(plan.env)
    runs: list[str] = []
    failure = None
    for i, seed in enumerate(plan.seeds):
        run_id = new_run_id()
        label = f"[{i + 1}/{len(plan.seeds)}]" + (f" seed {seed}" if seed is not None else "")
        echo(f"run {label}: {shlex.join(plan.command)}")
        code = _run_child(plan, seed, run_id, echo)
        try:
            info = api.store.run(run_id)
        except RunNotFoundError:
            failure = (
                f"the command exited with status {code} and made no run: does the script "
                "call cairn.init()? (its output is above)"
            )
            break
        runs.append(run_id)
        if code != 0 or info.state != "finished":
            failure = (
                f"reproduction {info.project}/{run_id} exited with status {code} "
                f"({info.state}); its output is above, and `cairn runs show "
                f"{info.project}/{run_id}` has its error"
            )
            break
    reproductions = [ApiRun(api.reader, api.store.run(r)) for r in runs]
    metrics: list[MetricComparison] = []
    if failure is None:
        metrics = compare_summaries(
            plan.original.summary, [r.summary for r in reproductions], plan.options.rtol
        )
        outcome_verdict = verdict(metrics)
        for r in reproductions:
            if r.config != plan.original.config:
                keys = sorted(
                    k
                    for k in set(r.config) | set(plan.original.config)
                    if r.config.get(k) != plan.original.config.get(k)
                )
                warnings.append(f"{r.path}'s config differs from the original's in: {keys}")
    else:
        outcome_verdict = "failed"
    facts = _facts(plan)
    seeds_of = dict(zip(runs, plan.seeds, strict=False))
    report = markdown_report(
        original=plan.original,
        reproductions=[(f"{plan.original.project}/{r}", seeds_of.get(r)) for r in runs],
        verdict=outcome_verdict,
        metrics=metrics,
        facts=facts,
        warnings=warnings,
        command=command_line,
        failure=failure,
    )
    plan.workdir.mkdir(parents=True, exist_ok=True)
    plan.report_path.write_text(report)
    comparison_id = save_reproduction(
        api.store,
        plan.original.id,
        verdict=outcome_verdict,
        runs=runs,
        metrics=[m.as_dict() for m in metrics],
        details={
            "env": plan.env.kind,
            "seeds": plan.seeds,
            "rtol": plan.options.rtol,
            "workdir": str(plan.workdir),
            "code": plan.code.method,
            "commit": plan.code.commit,
            "package_differences": plan.env.differences,
            "warnings": warnings,
            "failure": failure,
        },
        report=report,
    )
    return Outcome(
        outcome_verdict, metrics, runs, report, plan.report_path, comparison_id, warnings, failure
    )


def _facts(plan: Plan) -> list[tuple[str, str]]:
    code = plan.code
    if code.method == "worktree":
        text = f"git commit `{(code.commit or '')[:12]}`"
        if code.diff:
            text += f" + the captured diff ({len(code.diff):,} bytes)"
        if code.overlay:
            text += " + the snapshot's files"
    else:
        text = f"snapshot of {len(code.files)} files"
    env = plan.env
    if env.kind == "current":
        env_text = f"current environment ({len(env.differences)} packages differ)"
    else:
        env_text = f"new virtualenv, {len(env.requirements)} pinned packages"
    return [
        ("code", text),
        ("environment", env_text),
        ("command", f"`{shlex.join(plan.command)}`"),
        ("rtol", f"{plan.options.rtol:g}"),
    ]


def _run_child(plan: Plan, seed: int | None, run_id: str, echo: Callable[[str], None]) -> int:
    if not plan.cwd.is_dir():
        raise ReproduceError(
            RUN_STEP,
            f"the working folder {plan.cwd} is not in the materialized code",
            "the run started in a folder its repository does not track: reproduce it with "
            "--workdir pointing where that folder can be recreated",
        )
    try:
        child = subprocess.Popen(
            plan.command,
            cwd=plan.cwd,
            env=plan.child_env(seed, run_id),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
        )
    except OSError as exc:
        raise ReproduceError(
            RUN_STEP, f"cannot start {plan.command[0]}: {exc}", "check the environment step"
        ) from None
    assert child.stdout is not None
    for line in child.stdout:
        echo(f"  │ {line.rstrip()}")
    return child.wait()


__all__ = ["Options", "Outcome", "Plan", "execute", "make_plan", "rerun_command"]
