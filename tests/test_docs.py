"""The docs are part of the feature: their Python examples run, and every CLI command and setting
is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from cairn.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
ORDER = ["quickstart.md", "README.md", "logging.md", "api.md", "cli.md"]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


def all_docs_text() -> str:
    return "\n".join(p.read_text() for p in DOCS)


def test_every_doc_page_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for page in (ROOT / "docs").rglob("*.md"):
        name = page.relative_to(ROOT).as_posix()
        assert name in readme, f"README.md does not link {name}"


# Keras 3.15 on the torch backend (docs/integrations.md) calls np.array(tensor) without copy=
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_python_examples_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block, in reading order, runs against one fresh store."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAIRN_DIR", str(tmp_path / ".cairn"))
    pages = sorted(DOCS, key=lambda p: ORDER.index(p.name) if p.name in ORDER else len(ORDER))
    ran = 0
    for page in pages:
        for i, block in enumerate(python_blocks(page)):
            code = compile(block, f"{page.name}[python block {i}]", "exec")
            exec(code, {"__name__": f"docs_{page.stem}_{i}"})
            ran += 1
    assert ran >= 8


def _commands(group: click.Group, prefix: str = "cairn") -> list[str]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        full = f"{prefix} {name}"
        if isinstance(command, click.Group):
            out += _commands(command, full)
        else:
            out.append(full)
    return out


def test_every_cli_command_is_documented() -> None:
    cli_doc = (ROOT / "docs" / "cli.md").read_text()
    commands = _commands(cli)
    assert "cairn sync" in commands and "cairn runs ls" in commands
    for command in commands:
        assert f"`{command}" in cli_doc, f"{command} is not in docs/cli.md"


def test_every_setting_is_documented() -> None:
    src = "\n".join(p.read_text() for p in (ROOT / "src" / "cairn").rglob("*.py"))
    settings = set(re.findall(r"\bCAIRN_[A-Z_]+\b", src))
    assert {"CAIRN_DIR", "CAIRN_MODE", "CAIRN_PROJECT"} <= settings
    cli_doc = (ROOT / "docs" / "cli.md").read_text()
    for name in sorted(settings):
        assert f"`{name}`" in cli_doc, f"setting {name} is not in the table of docs/cli.md"
