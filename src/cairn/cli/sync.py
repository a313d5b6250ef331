"""``cairn sync``: apply journals to the store (after a crash, offline work, or a lost server)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn

from cairn.cli.common import dir_option
from cairn.errors import CairnError
from cairn.journal.file import JournalDamageWarning, JournalFormatError, JournalReader
from cairn.journal.records import RunStart
from cairn.progress import console as progress_console
from cairn.sdk.location import find_store_dir
from cairn.server_login import Login, current_login
from cairn.store.store import Store
from cairn.sync.sink import Sink
from cairn.sync.syncer import sync_journal


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--all", "all_", is_flag=True, help="Sync every run journal in the store folder.")
@click.option(
    "--local",
    is_flag=True,
    help="Apply to the local store even when a team server is configured ($CAIRN_URL or "
    "`cairn login`).",
)
@dir_option
def sync(paths: tuple[str, ...], all_: bool, local: bool, dir: str | None) -> None:
    """Apply run journals to the store: the team server's when one is configured ($CAIRN_URL
    or `cairn login`), else the local one. PATHS are journal files or run folders
    (.cairn/runs/<id>), each applied to the store it sits in (or to --dir). Running it twice
    changes nothing; a sync that stopped resumes where the store stands."""
    if not paths and not all_:
        raise click.UsageError("name journals or run folders to sync, or pass --all")
    default_dir = find_store_dir(dir, create=False)
    journals = [(_journal(Path(p)), _home(Path(p), dir) or default_dir) for p in paths]
    if all_:
        journals += [(j, default_dir) for j in sorted((default_dir / "runs").glob("*/journal"))]
    console = progress_console()  # a large file's upload bar draws inside this one's
    if not journals:
        console.print(f"no run journals in {escape(str(default_dir / 'runs'))}: nothing to sync")
        return
    try:
        login = None if local else current_login()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if login is not None:
        console.print(f"syncing to {escape(login.url)} (--local: to the local store instead)")
    stores: dict[Path, Store] = {}
    problems = 0
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),  # sync_journal reports its progress in bytes of the journal
        console=console,
        transient=True,
    ) as progress:
        for journal, store_dir in journals:
            sink: Sink
            if login is not None:
                sink = _server_sink(login, journal)
            else:
                sink = stores.get(store_dir) or stores.setdefault(store_dir, Store.local(store_dir))
            task = progress.add_task(journal.parent.name, total=None)

            def on_progress(done: int, total: int, task: TaskID = task) -> None:
                progress.update(task, completed=done, total=total)

            try:
                with _damage_reports() as damage:
                    result = sync_journal(journal, sink, on_progress=on_progress)
            except (CairnError, JournalFormatError, OSError) as exc:
                problems += 1
                console.print(f"[red]{escape(str(journal))}: {escape(str(exc))}[/]")
                continue
            progress.remove_task(task)
            for warning in damage:
                problems += 1
                console.print(f"[yellow]{escape(warning)}[/]")
            name = result.run_id or journal.parent.name
            console.print(
                f"{escape(name)}: {result.applied} new of {result.records} records applied "
                f"(store at seq {result.last_seq})"
            )
            if result.problem:
                problems += 1
                console.print(
                    f"[yellow]{escape(str(journal))}: {escape(result.problem)}; "
                    "everything before it was synced[/]"
                )
    if problems:
        raise SystemExit(1)


@contextmanager
def _damage_reports() -> Iterator[list[str]]:
    """Collect the reader's ``JournalDamageWarning``s (damage skipped in the middle of a journal:
    records lost) to print them as problems; other warnings go on as usual."""
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JournalDamageWarning)
        yield found
    for w in caught:
        if issubclass(w.category, JournalDamageWarning):
            found.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _server_sink(login: Login, journal: Path) -> Sink:
    """The server's sink for the project of the run a journal holds (its first record says)."""
    from cairn.sync.http import HttpSink

    first = JournalReader(journal).read(max_records=1)
    if not first or not isinstance(first[0], RunStart):
        raise CairnError(f"{journal} does not start with its run's start record")
    return HttpSink(login, first[0].project)


def _journal(path: Path) -> Path:
    return path / "journal" if path.is_dir() else path


def _home(path: Path, dir: str | None) -> Path | None:
    """The store a journal belongs to (``<store>/runs/<id>/journal``), unless ``--dir`` says."""
    if dir is not None:
        return None
    runs = _journal(path).resolve().parent.parent
    return runs.parent if runs.name == "runs" else None
