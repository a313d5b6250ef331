"""``Api().runs()``: the runs found, read from the store or server a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, overload

from cairn.store.models import RunInfo, RunPage
from cairn.store.reader import Reader

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from cairn.sdk.api import ApiRun

PER_PAGE = 500
"""Runs read per request by default."""
_NOTHING = RunPage([], 0)


class RunList(Sequence["ApiRun"]):
    """The runs ``Api().runs()`` found, read a page at a time, so that 100,000 runs are never in
    memory at once: a ``for`` loop reads page after page (``Reader.pages``: from a store, the
    matching ids in order first, then the runs by id; from a server, each page after the last
    run of the one before, by keyset cursor), ``len()`` counts them in the database, ``runs[i]``
    and ``runs[a:b]`` read only the pages holding those runs, and ``to_arrow()`` /
    ``to_pandas()`` build one table a page at a time. The first page is read at once, so a
    filter that does not parse fails here; in Jupyter it shows as a table.
    """

    def __init__(
        self,
        reader: Reader,
        make: Callable[[RunInfo], ApiRun],
        project: str | None,
        filter: str | None,
        order: str | None,
        limit: int | None,
        per_page: int = PER_PAGE,
    ) -> None:
        if per_page < 1:
            raise ValueError(f"per_page={per_page}: a page holds at least one run")
        if limit is not None and limit < 0:
            raise ValueError(f"limit={limit}: pass a number of runs >= 0, or None for all")
        self.project, self.filter, self.order, self.limit = project, filter, order, limit
        self.per_page = per_page
        self._reader, self._make = reader, make
        self._len: int | None = None
        self._first = self._read(per_page if limit is None else min(per_page, limit))
        self._window = (0, self._first)
        """The page last read for ``runs[i]``, and the index of its first run."""

    def _read(self, size: int, *, offset: int = 0, after: str | None = None) -> RunPage:
        if size <= 0:
            return _NOTHING
        return self._reader.runs_page(
            self.project,
            filter=self.filter,
            order=self.order,
            limit=size,
            offset=offset,
            after=after,
        )

    def pages(self) -> Iterator[list[RunInfo]]:
        """The runs' records, a page at a time, in order."""
        if self._first.next is None:  # the first page holds every run: read nothing again
            return iter([self._first.runs] if self._first.runs else [])
        return self._reader.pages(
            self.project,
            filter=self.filter,
            order=self.order,
            limit=self.limit,
            per_page=self.per_page,
        )

    def __iter__(self) -> Iterator[ApiRun]:
        for infos in self.pages():
            yield from map(self._make, infos)

    def __len__(self) -> int:
        if self._len is None:
            if self._first.next is None:
                self._len = len(self._first.runs)
            else:
                found = self._reader.count_runs(self.project, filter=self.filter)
                self._len = found if self.limit is None else min(found, self.limit)
        return self._len

    def __bool__(self) -> bool:
        return bool(self._first.runs)

    @overload
    def __getitem__(self, index: int) -> ApiRun: ...

    @overload
    def __getitem__(self, index: slice) -> list[ApiRun]: ...

    def __getitem__(self, index: int | slice) -> ApiRun | list[ApiRun]:
        if isinstance(index, slice):
            return self._slice(index)
        at = index + len(self) if index < 0 else index
        found = self._range(at, at + 1) if at >= 0 else []
        if not found:
            raise IndexError(f"run {index} of a list of {len(self)} runs")
        return self._make(found[0])

    def _slice(self, index: slice) -> list[ApiRun]:
        """The runs of ``index``: without a count when it needs none (``runs[:10]``)."""
        plain = (index.step or 1) > 0 and (index.start or 0) >= 0
        if plain and index.stop is not None and index.stop >= 0:
            positions = range(index.start or 0, index.stop, index.step or 1)
        else:
            positions = range(*index.indices(len(self)))
        if not positions:
            return []
        low = min(positions)
        infos = self._range(low, max(positions) + 1)
        return [self._make(infos[p - low]) for p in positions if p - low < len(infos)]

    def _range(self, low: int, high: int) -> list[RunInfo]:
        """The runs at ``low`` to ``high`` (fewer past the end), read a page at a time."""
        if self.limit is not None:
            high = min(high, self.limit)
        found: list[RunInfo] = []
        at = low
        while at < high:
            start, page = self._page_at(at)
            piece = page.runs[at - start : high - start]
            if not piece:
                break
            found += piece
            at += len(piece)
        return found

    def _page_at(self, at: int) -> tuple[int, RunPage]:
        """A page holding run ``at``: one read already, the next one by keyset, else the page
        starting there by offset (the one way to jump into a listing)."""
        for start, page in ((0, self._first), self._window):
            if start <= at < start + len(page.runs):
                return start, page
        start, page = self._window
        end = start + len(page.runs)
        if at == end and page.next is None:
            return at, _NOTHING
        if at == end:
            self._window = (at, self._read(self.per_page, after=page.next))
        else:
            self._window = (at, self._read(self.per_page, offset=at))
        return self._window

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, RunList)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        where = f"project {self.project!r}" if self.project else "every project"
        asked = "".join(
            f", {name}={value!r}"
            for name, value in (("filter", self.filter), ("order", self.order))
            if value
        )
        return f"<RunList of {where}{asked}>"

    def to_arrow(self) -> pa.Table:
        """The runs as one Arrow table, built a page at a time: id, project, name, state, times,
        tags, group, job type, notes, then a column per config path (``config.model.width``)
        and per summary key (``summary.val/acc``): numbers, or JSON text where a key holds
        other values."""
        from cairn.store.export import runs_table
        from cairn.store.export_runs import joined_pages

        tables = [runs_table(infos) for infos in self.pages()]
        return joined_pages(tables) if tables else runs_table([])

    def to_pandas(self) -> pd.DataFrame:
        """``to_arrow()`` as a pandas DataFrame (a row a run)."""
        frame: pd.DataFrame = self.to_arrow().to_pandas()
        return frame

    def _repr_html_(self) -> str:
        import datetime

        from cairn.sdk.location import run_url
        from cairn.sdk.notebook import TABLE_ROWS, runs_table

        rows = [
            {
                "name": info.name,
                "path": info.path,
                "state": info.state,
                "created": datetime.datetime.fromtimestamp(info.created_at).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "url": run_url(info.project, info.id, self._reader.url),
                "summary": info.summary,
            }
            for info in self._range(0, TABLE_ROWS)
        ]
        return runs_table(rows, len(self))
