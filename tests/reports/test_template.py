"""``Report.reproducibility``: the template's sections, filled from real runs' captures, with
hostile run names and commands escaped in every export."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.fakes.nvml import FakeNvml

import cairn
from cairn.reports.blocks import Markdown, Panel
from cairn.reports.template import duration, md_text
from cairn.repro.compare import compare_metric
from cairn.sdk.system import gpu as gpu_module
from cairn.store.reproductions import save_reproduction

pytestmark = pytest.mark.usefixtures("no_open_run")

HOSTILE = "<script>alert(1)</script> $\\input{/etc/passwd}$ [@k] | *x*"
SECTIONS = [
    "## Scope of reproducibility",
    "## Methodology",
    "## Results",
    "## Computational cost",
    "## Discussion",
]


def _git_repo(path: Path) -> str:
    path.mkdir()
    (path / "train.py").write_text("print('hi')\n")
    for args in (
        ["init", "-q"],
        ["add", "train.py"],
        ["-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "-m", "x"],
    ):
        subprocess.run(["git", *args], cwd=path, check=True)
    (path / "train.py").write_text("print('changed')\n")  # the tree is dirty
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, check=True, capture_output=True, text=True
    ).stdout.strip()


def _run(name: str, seed: int, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> cairn.Run:
    monkeypatch.setattr(sys, "argv", argv)
    run = cairn.init(project="p", name=name, config={"seed": seed})
    cairn.seed_everything(seed)
    for step in range(5):
        run.log({"loss": 1 / (step + seed)})
    run.summary["acc"] = 0.9 + seed / 100
    return run


@pytest.fixture
def hostile_runs(
    store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[cairn.Run], str]:
    commit = _git_repo(tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.setenv("CAIRN_CAPTURE_GIT", "1")
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,2\n")
    first = _run(HOSTILE, 1, ["train.py", "--tag", HOSTILE], monkeypatch)
    artifact = cairn.Artifact("digits-train", type="dataset")
    artifact.add_file(data)
    first.log_artifact(artifact)
    first.finish(quiet=True)
    second = _run("second", 2, ["train.py", "--seed", "2"], monkeypatch)
    second.use_artifact("digits-train:latest")
    second.finish(quiet=True)
    return [first, second], commit


def _texts(report: cairn.Report) -> str:
    return "\n\n".join(b.text for b in report.blocks if isinstance(b, Markdown))


def test_sections_hold_the_runs_captures(
    hostile_runs: tuple[list[cairn.Run], str], store_dir: Path
) -> None:
    runs, commit = hostile_runs
    report = cairn.Report.reproducibility("p", runs=[r.id for r in runs], title="Repro")
    text = _texts(report)
    positions = [text.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    api = cairn.Api(store_dir)
    for run in runs:
        stored = api.run(run.path)
        env = stored.capture["environment"]
        assert md_text(stored.capture["command"]["command_line"]) in text
        assert md_text(f"CPython {env['python']['version']}") in text
        assert f"numpy {md_text(env['packages']['numpy']['version'])}" in text
        assert md_text(f"{env['cpu']['model']}") in text
        assert stored.capture["seeds"]["seed"] in (1, 2)
        assert f"### {md_text(stored.name)} ({run.id})\n\n- Code: " in text
        assert f"| {md_text(stored.name)} ({run.id}) | {duration(stored.runtime)} |" in text
    assert f"commit {commit}, dirty (uncommitted changes)" in text
    version = api.artifact("digits-train:v0", project="p")
    assert f"used digits\\-train v0 (dataset, sha256 {version.digest[:12]})" in text
    assert "logged digits\\-train v0" in text
    assert "| no GPU | no GPU |" in text
    [line, bar] = [b for b in report.blocks if isinstance(b, Panel)]
    assert line.kind == "line" and line.keys == ["loss"]
    assert bar.keys == ["summary.acc", "summary.loss"] and bar.group_by == "config.seed"
    assert "None of these runs has a `cairn reproduce` verdict" in text
    report.save()
    assert cairn.Api(store_dir).report("p", "Repro").blocks == report.blocks
    report.close()


def test_hostile_names_and_commands_are_inert_in_every_export(
    hostile_runs: tuple[list[cairn.Run], str], tmp_path: Path
) -> None:
    runs, _ = hostile_runs
    report = cairn.Report.reproducibility("p", runs=[r.id for r in runs])
    report.save()
    html = report.export("html", tmp_path / "r.html").read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $\\input{/etc/passwd}$ [@k] | *x*" in html
    markdown = report.export("markdown", tmp_path / "md").read_text()
    assert md_text(HOSTILE) in markdown and HOSTILE not in markdown
    tex = (report.export("latex", tmp_path / "tex") / "main.tex").read_text()
    assert "\\input{/etc/passwd}" not in tex and "<script>" not in tex
    assert "{\\char36}\\textbackslash{}input\\{/etc/passwd\\}{\\char36}" in tex
    folder = tmp_path / "tex"
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "main"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    text = subprocess.run(
        ["pdftotext", "main.pdf", "-"], cwd=folder, capture_output=True, text=True, check=True
    ).stdout
    assert "Computational cost" in text and "<script>alert(1)</script>" in text
    report.close()


def test_each_verdict_is_a_live_verdict_panel(store_dir: Path, tmp_path: Path) -> None:
    original = cairn.init(project="p", name="orig")
    original.log({"loss": 0.5})
    original.summary["acc"] = 0.9
    original.finish(quiet=True)
    again = cairn.init(project="p", name="again")
    again.log({"loss": 0.4})
    again.summary["acc"] = 0.7
    again.finish(quiet=True)
    metric = compare_metric("acc", 0.9, [0.7], rtol=0.01)
    api = cairn.Api(store_dir)
    save_reproduction(
        api.store,
        original.id,
        verdict="not reproduced",
        runs=[again.id],
        metrics=[metric.as_dict()],
        details={},
        report="",
    )
    report = cairn.Report.reproducibility("p", runs=[original.id, again.id])
    verdicts = [b for b in report.blocks if isinstance(b, Panel) and b.kind == "verdict"]
    assert [(b.run, b.frozen) for b in verdicts] == [(original.id, False)]
    exported = report.export("markdown", tmp_path / "out").read_text()
    assert "not reproduced" in exported and again.id in exported
    assert "| acc | 0.9 |" in exported.replace("`", "")
    report.close()


def test_gpu_type_and_hours_come_from_the_runs_gpus(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", FakeNvml(2, name="Fake <A100>"))
    monkeypatch.setattr(gpu_module, "load_nvml", lambda: FakeNvml(2))
    run = cairn.init(
        project="p", settings=cairn.Settings(system_metrics=True, system_interval=0.02)
    )
    deadline = time.monotonic() + 30
    while run._sampler is not None and run._sampler.samples < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    run.finish(quiet=True)
    stored = cairn.Api(store_dir).run(run.path)
    report = cairn.Report.reproducibility("p", runs=[run.id])
    text = _texts(report)
    gpu_hours = 2 * stored.runtime / 3600
    assert f"| 2 × Fake \\<A100\\> | {gpu_hours:.3f} |" in text
    assert "- Hardware: CPU " in text and ", 2 × Fake \\<A100\\>\n" in text
    report.close()


def test_runs_must_exist_in_the_project(store_dir: Path) -> None:
    run = cairn.init(project="other")
    run.finish(quiet=True)
    with pytest.raises(ValueError, match="at least one run"):
        cairn.Report.reproducibility("p", runs=[])
    with pytest.raises(ValueError, match="in project 'other', not 'p'"):
        cairn.Report.reproducibility("p", runs=[f"other/{run.id}"])
    with pytest.raises(cairn.errors.CairnError):
        cairn.Report.reproducibility("p", runs=["nosuchrun"])


def test_no_store_is_an_error_that_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAIRN_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(cairn.errors.StoreError, match=r"no Cairn store at .*log them"):
        cairn.Report.reproducibility("p", runs=["abc"])
    assert list(tmp_path.iterdir()) == []
