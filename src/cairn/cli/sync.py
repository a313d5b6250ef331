"""``cairn sync``: apply journals to the store (after a crash, offline work, or a lost server)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from cairn.cli.common import dir_option
from cairn.errors import CairnError
from cairn.journal.file import JournalFormatError
from cairn.sdk.location import find_store_dir
from cairn.store.store import Store
from cairn.sync.syncer import sync_journal


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--all", "all_", is_flag=True, help="Sync every run journal in the store folder.")
@dir_option
def sync(paths: tuple[str, ...], all_: bool, dir: str | None) -> None:
    """Apply run journals to the store. PATHS are journal files or run folders
    (.cairn/runs/<id>). Running it twice changes nothing."""
    store_dir = find_store_dir(dir)
    journals = [_journal(Path(p)) for p in paths]
    if all_:
        journals += sorted((store_dir / "runs").glob("*/journal"))
    if not journals:
        raise click.UsageError("name journals or run folders to sync, or pass --all")
    console = Console(stderr=True)
    store = Store.local(store_dir)
    problems = 0
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as progress:
        for journal in journals:
            task = progress.add_task(journal.parent.name, total=None)

            def on_progress(done: int, total: int, task: int = task) -> None:
                progress.update(task, completed=done, total=total)

            try:
                result = sync_journal(journal, store, on_progress=on_progress)
            except (CairnError, JournalFormatError, OSError) as exc:
                problems += 1
                console.print(f"[red]{journal}: {exc}[/]")
                continue
            progress.remove_task(task)
            name = result.run_id or journal.parent.name
            console.print(
                f"{name}: {result.applied} new of {result.records} records applied "
                f"(store at seq {result.last_seq})"
            )
            if result.problem:
                problems += 1
                console.print(
                    f"[yellow]{journal}: {result.problem}; everything before it was synced[/]"
                )
    if problems:
        raise SystemExit(1)


def _journal(path: Path) -> Path:
    return path / "journal" if path.is_dir() else path
