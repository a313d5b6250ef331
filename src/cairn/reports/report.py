"""``cairn.Report``: a write-up of a project's runs, Markdown and panels, kept in versions in the store."""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cairn.errors import UsageError
from cairn.reports.bibtex import parse as parse_bibtex
from cairn.reports.blocks import (
    Bibtex,
    Block,
    Markdown,
    Panel,
    Picture,
    block_from_dict,
    block_to_dict,
)
from cairn.reports.edit import (
    check_panel_block,
    check_picture_block,
    with_frozen_data,
    with_uploaded_images,
)
from cairn.store import reports as stored
from cairn.store.reader import Reader, StoreReader
from cairn.store.store import Store

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

    from cairn.reports.remote import RemoteReports


@dataclass(frozen=True)
class Version:
    """One saved version of a report: its number, who saved it and when, its blocks, and the
    title and description it had (None for versions saved before Cairn recorded them)."""

    number: int
    author: str | None
    created_at: float
    blocks: list[Block]
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class BlockChange:
    """One difference between two versions: a block ``added`` (at ``new_index``), ``removed``
    (from ``old_index``), ``moved`` (the same block from ``old_index`` to ``new_index``) or
    ``changed`` (``old`` became ``new``)."""

    change: Literal["added", "removed", "moved", "changed"]
    old_index: int | None
    new_index: int | None
    old: Block | None
    new: Block | None


@dataclass(frozen=True)
class TextChange:
    """A report's title or description going from ``old`` to ``new`` between two versions."""

    old: str
    new: str


class Changes(list[BlockChange]):
    """The block changes from one version to another, in document order, with ``title`` and
    ``description``: how those changed (None when they did not, or when a version was saved
    before Cairn recorded them)."""

    def __init__(
        self,
        blocks: list[BlockChange],
        title: TextChange | None = None,
        description: TextChange | None = None,
    ) -> None:
        super().__init__(blocks)
        self.title = title
        self.description = description


def text_change(old: str | None, new: str | None) -> TextChange | None:
    """``old`` becoming ``new``, or None when they are equal or either is unknown (None)."""
    if old is None or new is None or old == new:
        return None
    return TextChange(old, new)


class Report:
    """A report on ``project``: ``Report("digits", title="What held")``, then ``add_markdown``,
    ``add_panel`` and ``save()``; each save is a new version.

    It is written to the store ``cairn.init`` uses (``dir=``, else ``$CAIRN_DIR``, else the
    nearest ``.cairn/``, else a new ``./.cairn/``). ``Api().report(project, title)`` opens a saved
    one. ``blocks`` is a plain list: reorder or remove blocks with list operations, then save.
    """

    def __init__(
        self,
        project: str,
        title: str = "Untitled report",
        description: str = "",
        dir: str | os.PathLike[str] | None = None,
        *,
        author: str | None = None,
    ) -> None:
        from cairn.sdk.location import find_store_dir

        if not project:
            raise ValueError("a report needs a project: Report('digits', title=...)")
        self.project = project
        self.title = stored.report_title(title)
        self.description = description
        self.author = author
        self.blocks: list[Block] = []
        self.id: str | None = None
        """The report's id in the store; None until the first ``save()``."""
        self.version = 0
        """The number of the last version saved (0: never saved)."""
        self.created_at: float | None = None
        self.updated_at: float | None = None
        """When the report was created and its last version saved (None until the first save)."""
        self._store = Store.local(find_store_dir(dir))
        self._owns_store = True
        self._remote: RemoteReports | None = None

    @classmethod
    def _attached(
        cls,
        store: Store | None,
        project: str,
        title: str,
        author: str | None,
        remote: RemoteReports | None = None,
    ) -> Report:
        """A report not saved yet, on ``store`` (or, with ``remote``, on a server), which it
        does not close."""
        report = cls.__new__(cls)
        report.project, report.title = project, stored.report_title(title)
        report.description, report.author, report.blocks = "", author, []
        report.id, report.version, report.created_at, report.updated_at = None, 0, None, None
        report._store, report._owns_store, report._remote = store, False, remote  # type: ignore[assignment]
        return report

    @classmethod
    def _open(
        cls, store: Store | None, info: stored.ReportInfo, remote: RemoteReports | None = None
    ) -> Report:
        """The saved report ``info`` of ``store``, or, with ``remote``, of a server."""
        report = cls._attached(store, info.project, info.title, info.author, remote)
        report.description, report.id = info.description, info.id
        report.created_at, report.updated_at = info.created_at, info.updated_at
        latest = report._read_version(None)
        report.version = latest.version
        report.blocks = [block_from_dict(b) for b in latest.blocks]
        return report

    @classmethod
    def reproducibility(
        cls,
        project: str,
        runs: list[str],
        title: str = "Reproducibility report",
        dir: str | os.PathLike[str] | None = None,
        *,
        author: str | None = None,
    ) -> Report:
        """A new report from the reproducibility template, filled from ``runs`` (ids of runs of
        ``project``: originals and reproductions): *Scope of reproducibility* and *Discussion*
        prompts to write in, *Methodology* (code, command, environment, hardware, data, seeds
        from the runs' captures), *Results* (each ``cairn reproduce`` verdict as a table, curves
        and summary values of the runs and their reproductions) and *Computational cost*
        (runtime, CPU, GPU type and GPU-hours). Not saved yet: edit it, then ``save()``."""
        from cairn.errors import StoreError
        from cairn.sdk.location import find_store_dir
        from cairn.store.store import DB_NAME

        found = find_store_dir(dir, create=False)
        if not (found / DB_NAME).exists():
            raise StoreError(
                f"no Cairn store at {found}: the template is filled from runs, so log them with "
                "cairn.init() first, or pass dir= (or set $CAIRN_DIR) to the folder of cairn.db"
            )
        report = cls(project, title=title, dir=found, author=author)
        try:
            return fill_reproducibility(report, runs)
        except Exception:
            report.close()
            raise

    def __repr__(self) -> str:
        return f"<Report {self.project}/{self.id or '(unsaved)'} {self.title!r} v{self.version}>"

    # ---- editing ----------------------------------------------------------------------------

    def add_markdown(self, text: str) -> Markdown:
        """Append a Markdown block (CommonMark with GFM tables; ``$math$`` kept as written)."""
        block = Markdown(text=str(text))
        self.blocks.append(block)
        return block

    def add_bibtex(self, text: str) -> Bibtex:
        """Append references in BibTeX, cited from Markdown as ``[@key]``: listed at the end of
        the Markdown and HTML exports, ``references.bib`` of the LaTeX one. ValueError (with the
        line) for text it cannot read (``cairn.reports.bibtex``)."""
        parse_bibtex(str(text))
        block = Bibtex(text=str(text))
        self.blocks.append(block)
        return block

    def add_image(
        self,
        image: str | os.PathLike[str] | PILImage,
        caption: str = "",
        alt: str = "",
    ) -> Picture:
        """Append an image: a PNG, JPEG, GIF or WebP file (by its bytes, not its name), or a PIL
        image (stored as PNG), up to 16 MiB and 40 megapixels, with a ``caption`` under it and
        ``alt`` text for readers who cannot see it. Its bytes go into the store's blobs now (a
        report of ``Api(url=...)``: uploaded to that server, which needs an editor's key).
        ``cairn.reports.picture.PictureError`` (a ValueError) says why a file is refused."""
        from cairn.reports import picture
        from cairn.store.report_images import keep_image

        checked = picture.read(image)
        block = Picture(
            blob=checked.image.digest,
            media_type=checked.image.media_type,
            width=checked.image.width,
            height=checked.image.height,
            caption=str(caption),
            alt=str(alt),
        )
        check_picture_block(block)  # the texts' sizes, before anything is stored
        if self._remote is not None:
            self._remote.upload_image(self.project, checked.data)
        else:
            keep_image(self._store, self.project, checked.image, checked.data)
        self.blocks.append(block)
        return block

    def add_panel(
        self,
        kind: str,
        runs: str | None = None,
        keys: list[str] | tuple[str, ...] = (),
        title: str | None = None,
        group_by: str | None = None,
        frozen: bool = False,
        smoothing: float = 0.0,
        log_x: bool = False,
        log_y: bool = False,
        goal: str | None = None,
        run: str | None = None,
        step: int | None = None,
        group_bins: str | None = None,
        differences_only: bool = True,
    ) -> Panel:
        """Append a panel: ``kind`` one of ``line``, ``scatter``, ``bar``, ``scalar``,
        ``parallel``, ``importance``; ``runs`` a filter expression of the runs table (None: every
        run of the project); ``keys`` metric keys for a line panel, ``config.*``/``summary.*``
        keys for the value panels, and for parallel coordinates and importance ``config.*`` keys
        then the target ``summary.*`` metric last (``goal`` "minimize" or "maximize" says which
        end of it is better; None guesses from its name, as the dashboard does); ``table`` a
        row per run and a column per ``config.*``/``summary.*`` key; ``verdict`` the latest
        verdict ``cairn reproduce`` recorded for the run ``run`` (its id), a row per summary metric
        (``keys``: which ``summary.*`` metrics, none: all); ``image`` the image the run ``run``
        logged under ``keys=[media key]`` at ``step`` (None: the last), with its masks and boxes;
        ``plot`` the ``cairn.plot`` chart (confusion matrix, PR or ROC curve...) the run ``run``
        logged under ``keys=[media key]`` at ``step`` (None: the last). A ``frozen`` panel
        keeps the data of its first save, so later changes to the runs do not show. ``smoothing``
        (0 to 0.99, line panels), ``log_x`` and ``log_y`` draw the figures as the dashboard's
        settings of the same names do. ``group_by`` groups the runs (a line per group), and
        ``group_bins`` bins a numeric one as the workspace does (``"quantile-4"``, ``"log-5"``,
        ``"auto-4"``; None: exact values). ``compare`` shows the runs side by side, as the compare
        page does: a row per config key, summary metric and capture fact (``keys``: which rows,
        none: all), only the rows where they differ unless ``differences_only=False``."""
        block = Panel(
            kind=kind,
            keys=[str(k) for k in keys],
            runs=runs,
            title=title,
            group_by=group_by,
            group_bins=group_bins,
            frozen=frozen,
            smoothing=float(smoothing),
            log_x=log_x,
            log_y=log_y,
            goal=goal,
            run=run,
            step=step,
            differences_only=differences_only,
        )
        check_panel_block(block)
        self.blocks.append(block)
        return block

    def freeze(self, index: int, frozen: bool = True) -> Panel:
        """Freeze the panel at ``index`` (its data is taken again at the next save), or with
        ``frozen=False`` make it live again."""
        block = self.blocks[index]
        if not isinstance(block, Panel):
            raise ValueError(f"block {index} is {block.kind}, not a panel: only panels freeze")
        from msgspec import structs

        panel = structs.replace(block, frozen=frozen, data=None)
        self.blocks[index] = panel
        return panel

    def save(self, author: str | None = None) -> int:
        """Store the blocks as a new version (frozen panels without data take it now); its
        number. A report of ``Api(url=...)`` is saved by that server, which needs your key to be
        an editor's and records its user as the author; ReportConflictError when someone saved
        it after the version you read (nothing is overwritten)."""
        if self._remote is not None:
            return self._save_remote(author)
        self.blocks = with_uploaded_images(
            self._store, self.project, [self._frozen(b) for b in self.blocks]
        )
        author = author if author is not None else self.author
        if self.id is None:
            info = stored.create_report(
                self._store, self.project, self.title, self.description, author
            )
            self.id, self.created_at = info.id, info.created_at
        self.version = stored.save_version(
            self._store,
            self.id,
            [block_to_dict(b) for b in self.blocks],
            author=author,
            title=self.title,
            description=self.description,
        )
        self.updated_at = stored.find_report(self._store, self.project, self.id).updated_at
        return self.version

    def _save_remote(self, author: str | None) -> int:
        assert self._remote is not None
        if author is not None:
            raise UsageError(
                f"{self._remote.reader.url} records who saved a version from your API key: "
                "call save() without author="
            )
        info, blocks = self._remote.save(
            self.project,
            self.id,
            self.version,
            title=self.title,
            description=self.description,
            blocks=[block_to_dict(b) for b in self.blocks],
        )
        self.id, self.version, self.author = info.id, info.version, info.author
        self.created_at, self.updated_at = info.created_at, info.updated_at
        self.blocks = [block_from_dict(b) for b in blocks]  # frozen panels hold their data now
        return self.version

    # ---- versions ---------------------------------------------------------------------------

    def versions(self) -> list[Version]:
        """Every saved version, oldest first."""
        if self.id is None:
            return []
        if self._remote is not None:
            return [_typed(v) for v in self._remote.versions(self.project, self.id)]
        return [_typed(v) for v in stored.list_versions(self._store, self.id)]

    def get_version(self, number: int) -> Version:
        """Saved version ``number``. ReportNotFoundError when there is none."""
        return _typed(self._read_version(number))

    def _read_version(self, number: int | None) -> stored.ReportVersion:
        report_id = self._saved_id()
        if self._remote is not None:
            return self._remote.version(self.project, report_id, number)
        return stored.get_version(self._store, report_id, number)

    def restore(self, number: int, author: str | None = None) -> int:
        """Make version ``number``'s blocks, title and description current again (a version
        saved before Cairn recorded titles keeps the current ones), saved as a new version; its
        number."""
        version = self.get_version(number)
        self.blocks = list(version.blocks)
        if version.title is not None:
            self.title = version.title
        if version.description is not None:
            self.description = version.description
        return self.save(author)

    def diff(self, old: int, new: int | None = None) -> Changes:
        """The block changes from version ``old`` to version ``new`` (None: the current blocks,
        title and description, saved or not), in document order, and the title's and
        description's (``.title``, ``.description``)."""
        before = self.get_version(old)
        after = (
            Version(self.version, self.author, 0.0, self.blocks, self.title, self.description)
            if new is None
            else self.get_version(new)
        )
        return Changes(
            diff_blocks(before.blocks, after.blocks),
            text_change(before.title, after.title),
            text_change(before.description, after.description),
        )

    # ---- output -----------------------------------------------------------------------------

    def export(
        self,
        format: str,
        path: str | os.PathLike[str],
        template: str | os.PathLike[str] | None = None,
    ) -> Path:
        """Write the report as ``"markdown"`` (a .md file, panels as tables and PNG figures
        beside it), ``"html"`` (one standalone file, Markdown sanitized) or ``"latex"`` (a folder,
        or a .zip, with main.tex, references.bib and PDF figures, that pdflatex compiles; a
        ``template`` .tex, .cls or .sty file replaces the article class, see docs/reports.md);
        live panels read the runs now, frozen ones show their stored data. For Markdown and HTML
        ``path`` may be a folder (a file named after the title goes in it). Returns the path
        written."""
        from cairn.reports.export import export

        return export(
            self,
            self._reader(),
            format,
            Path(path),
            None if template is None else Path(template),
        )

    def close(self) -> None:
        """Release the store's connections (a report opened by ``Api`` shares the Api's: that
        one stays open)."""
        if self._owns_store:
            self._store.close()

    def _reader(self) -> Reader:
        """Where live panels read their runs: the report's store, or its server."""
        return self._remote.reader if self._remote is not None else StoreReader(self._store)

    def _frozen(self, block: Block) -> Block:
        return with_frozen_data(StoreReader(self._store), self.project, block)

    def _saved_id(self) -> str:
        if self.id is None:
            raise UsageError("this report has no versions yet: call report.save() first")
        return self.id


def diff_blocks(before: list[Block], after: list[Block]) -> list[BlockChange]:
    """The blocks added, removed, moved and changed from ``before`` to ``after``, listed in
    document order: a block gone from one place and, identical, new in another is ``moved``; a
    gone block and a new one of the same sort (text of one kind, or two panels) are
    ``changed``, paired within a differing stretch first, then across stretches."""
    keys_before = [_key(b) for b in before]
    keys_after = [_key(b) for b in after]
    matcher = difflib.SequenceMatcher(a=keys_before, b=keys_after, autojunk=False)
    stretches = [
        (list(range(i1, i2)), list(range(j1, j2)))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]
    new_at: dict[str, list[int]] = {}
    for _, news in stretches:
        for j in news:
            new_at.setdefault(keys_after[j], []).append(j)
    pairs: dict[int, int] = {}  # old index -> new index, moved then changed
    for olds, _ in stretches:
        for i in olds:
            if new_at.get(keys_before[i]):
                pairs[i] = new_at[keys_before[i]].pop(0)
    moved = dict(pairs)
    for olds, news in [
        *stretches,
        ([i for o, _ in stretches for i in o], [j for _, n in stretches for j in n]),
    ]:
        taken = set(pairs.values())
        came = [j for j in news if j not in taken]
        for i in (i for i in olds if i not in pairs):
            match = next((j for j in came if _sort(before[i]) == _sort(after[j])), None)
            if match is not None:
                pairs[i] = match
                came.remove(match)
    taken = set(pairs.values())
    changes = [
        BlockChange("moved" if i in moved else "changed", i, j, before[i], after[j])
        for i, j in pairs.items()
    ]
    changes += [
        BlockChange("removed", i, None, before[i], None)
        for o, _ in stretches
        for i in o
        if i not in pairs
    ]
    changes += [
        BlockChange("added", None, j, None, after[j])
        for _, n in stretches
        for j in n
        if j not in taken
    ]
    return sorted(changes, key=_place)


def _sort(block: Block) -> str:
    """Which blocks can become each other: text of one kind, or any two panels."""
    return "panel" if isinstance(block, Panel) else block.kind


def _place(change: BlockChange) -> tuple[float, int]:
    """Where a change is listed: at its block's place in the new version (a removed block: at
    its old place, before a block that arrives there)."""
    if change.new_index is not None:
        return (change.new_index, 1)
    return (change.old_index if change.old_index is not None else 0, 0)


def _key(block: Block) -> str:
    return json.dumps(block_to_dict(block), sort_keys=True, default=str)


def _typed(version: stored.ReportVersion) -> Version:
    return Version(
        version.version,
        version.author,
        version.created_at,
        [block_from_dict(b) for b in version.blocks],
        version.title,
        version.description,
    )


def reproducibility_report(
    store: Store, project: str, runs: list[str], title: str, author: str | None
) -> Report:
    """``Report.reproducibility`` on an open store (the server's), not saved yet."""
    return fill_reproducibility(Report._attached(store, project, title, author), runs)


def fill_reproducibility(report: Report, runs: list[str]) -> Report:
    """Append the reproducibility template's sections to ``report``, filled from ``runs``
    (ids, or ``project/id``, of runs of the report's project)."""
    from cairn.reports.template import fill
    from cairn.sdk.api import ApiRun

    reader = StoreReader(report._store)
    picked = []
    for ref in runs:
        info = reader.find_run(ref if "/" in ref else f"{report.project}/{ref}")
        if info.project != report.project:
            raise ValueError(
                f"run {ref!r} is in project {info.project!r}, not {report.project!r}: "
                "a report shows the runs of its own project"
            )
        picked.append(ApiRun(reader, info))
    return fill(report, picked)


def open_report(store: Store, project: str, ref: str) -> Report:
    """The saved report of ``project`` whose id or title is ``ref``."""
    return Report._open(store, stored.find_report(store, project, ref))


def project_reports(store: Store, project: str) -> list[Report]:
    """The reports of ``project``, the most recently saved first."""
    return [Report._open(store, info) for info in stored.list_reports(store, project)]


def open_remote_report(remote: RemoteReports, project: str, ref: str) -> Report:
    """The report of ``project`` on a server whose id or title is ``ref``."""
    return Report._open(None, remote.find(project, ref), remote)


def remote_reports(remote: RemoteReports, project: str) -> list[Report]:
    """The reports of ``project`` on a server, the most recently saved first."""
    return [Report._open(None, info, remote) for info in remote.reports(project)]
