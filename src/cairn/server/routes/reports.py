"""``/projects/{project}/reports``: a project's reports, one report's blocks at a version, saving
a version (refused with 409 when another save came after the one the edit started from), the
versions, restoring one, two versions compared block by block, and what the dashboard draws: Markdown as sanitized HTML and a panel's
data, live or frozen."""

from __future__ import annotations

import math
from dataclasses import asdict
from html import escape
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from msgspec import to_builtins
from pydantic import BaseModel, Field

from cairn.errors import ReportNotFoundError
from cairn.reports import bibtex
from cairn.reports.analysis import importance
from cairn.reports.blocks import Block, Panel, PanelData, block_from_dict, block_to_dict
from cairn.reports.change_details import details
from cairn.reports.data import read_panel
from cairn.reports.edit import (
    MAX_BLOCKS,
    parse_block,
    parse_blocks,
    with_frozen_data,
    with_uploaded_images,
)
from cairn.reports.export import citation_numbers
from cairn.reports.report import diff_blocks, text_change
from cairn.reports.sanitize import render_markdown
from cairn.server.auth.access import Caller
from cairn.server.deps import StoreDep
from cairn.server.routes.workspace import _shallow, _small_body
from cairn.server.schemas import ApiError, ImportanceResponse, JsonObject, RequestBody
from cairn.store import Store
from cairn.store import reports as stored
from cairn.store.jsonsafe import decode_nonfinite, encode_nonfinite
from cairn.store.reader import StoreReader

router = APIRouter(tags=["reports"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError},
    404: {"model": ApiError},
    409: {"model": ApiError},
    413: {"model": ApiError},
}
SmallBody = [Depends(_small_body)]
MAX_MARKDOWN = 200_000
MAX_VERSION = 2**62  # a version number past SQL's 64-bit integers is none (422, not a 500)


class ReportSummary(BaseModel):
    id: str
    project: str
    title: str
    description: str
    author: str | None
    created_at: float
    updated_at: float = Field(description="unix seconds of the latest save")
    version: int = Field(description="the latest version's number (versions are 1, 2, …)")


class ReportDocument(ReportSummary):
    """A report at one version: its blocks as stored, and each Markdown block as sanitized HTML."""

    shown_version: int = Field(description="the version whose blocks these are")
    shown_title: str | None = Field(
        description="that version's title (null: saved before Cairn recorded titles)"
    )
    shown_description: str | None = Field(
        description="that version's description (null: saved before Cairn recorded them)"
    )
    blocks: list[JsonObject]
    html: list[str | None] = Field(description="per block: sanitized HTML of a Markdown block")


class VersionInfo(BaseModel):
    version: int
    author: str | None
    created_at: float
    block_count: int
    title: str | None = Field(description="the title it was saved with (null: not recorded)")


class TextChangeOut(BaseModel):
    old: str
    new: str


class BlockChangeOut(BaseModel):
    change: str = Field(description="added, removed, moved or changed")
    old_index: int | None = Field(description="the block's place in version a (null: added)")
    new_index: int | None = Field(description="the block's place in version b (null: removed)")
    old: JsonObject | None
    new: JsonObject | None
    fields: list[JsonObject] = Field(
        description="a changed block: {field, old, new} for each field that differs"
    )
    lines: list[JsonObject] | None = Field(
        description="a changed Markdown or BibTeX block: {op: same|added|removed, text} per line"
    )


class VersionDiff(BaseModel):
    a: int
    b: int
    changes: list[BlockChangeOut] = Field(description="from version a to version b, in order")
    title: TextChangeOut | None = Field(
        default=None, description="the title's change (null: the same, or a version without one)"
    )
    description: TextChangeOut | None = Field(
        default=None, description="the description's change (null: the same, or not recorded)"
    )


class ReportCreate(RequestBody):
    title: str = Field(default="Untitled report", max_length=stored.MAX_TITLE)
    description: str = Field(default="", max_length=10_000)
    blocks: list[Any] = Field(default_factory=list)


class TemplateCreate(RequestBody):
    title: str = Field(default="Reproducibility report", max_length=stored.MAX_TITLE)
    runs: list[str] = Field(
        min_length=1, max_length=200, description="ids of the project's runs to fill it from"
    )


class ReportSave(RequestBody):
    base_version: int = Field(
        ge=0, description="the version the edit started from: 409 when it is no longer the latest"
    )
    blocks: list[Any]
    title: str | None = Field(default=None, max_length=stored.MAX_TITLE)
    description: str | None = Field(default=None, max_length=10_000)


class Restore(RequestBody):
    base_version: int | None = Field(
        default=None, ge=0, description="as for a save: 409 when another save came after it"
    )


class TextBlockIn(RequestBody):
    kind: Literal["markdown", "bibtex"]
    text: str = Field(max_length=MAX_MARKDOWN)


class MarkdownRequest(RequestBody):
    text: str = Field(max_length=MAX_MARKDOWN)
    kind: Literal["markdown", "bibtex"] = Field(
        default="markdown", description="bibtex: the text is references, shown as a numbered list"
    )
    report: list[TextBlockIn] = Field(
        default_factory=list,
        max_length=MAX_BLOCKS,
        description="the report's Markdown and BibTeX blocks in order (this one among them), "
        "so citations are numbered as the saved page numbers them; none: [?]",
    )


class RenderedMarkdown(BaseModel):
    html: str


class PanelRequest(RequestBody):
    panel: JsonObject = Field(description="a panel block, as saved in a report")


class PanelLine(BaseModel):
    key: str
    x: list[float]
    y: list[float | None] = Field(description="null where the value is NaN or ±Inf")
    nonfinite: JsonObject


class PanelRun(BaseModel):
    id: str
    name: str
    number: int | None = Field(
        description="the run's number in the project (its colour); null: gone"
    )
    group: Any
    values: JsonObject = Field(description="config.*/summary.* values; NaN as 'NaN'")
    series: list[PanelLine]


class PanelDataOut(BaseModel):
    frozen: bool
    taken_at: float = Field(description="unix seconds the data was read (now, for a live panel)")
    runs: list[PanelRun]
    verdict: JsonObject | None = Field(
        default=None,
        description="a verdict panel: its run's latest reproduction (verdict, created_at, runs, "
        "metrics as the reproductions route gives them); null: none",
    )
    image: JsonObject | None = Field(
        default=None,
        description="an image panel: {step, meta} of its image (meta as the media route gives "
        "it: blob, width, height, format, caption, masks, boxes); null: none",
    )
    importance: ImportanceResponse | None = Field(
        default=None, description="an importance panel: its parameters' importance over these runs"
    )
    plot: JsonObject | None = Field(
        default=None,
        description="a plot panel: {step, spec, columns, data (column → cells), rows} of its "
        "cairn.plot chart, at most 5,000 rows as the media table route gives them; null: none",
    )
    note: str | None = Field(default=None, description="why the panel shows nothing, when known")


def _caller_name(request: Request) -> str | None:
    caller: Caller = request.state.caller
    return caller.user.name if caller.user is not None else None


def _bad(exc: ValueError) -> HTTPException:
    return HTTPException(400, str(exc))


def _report(store: Store, project: str, report_id: str) -> stored.ReportInfo:
    """The report by id within ``project`` (404 otherwise: an id of another project is none)."""
    info = stored.find_report(store, project, report_id)
    if info.id != report_id:  # found by title: this API names reports by id only
        raise ReportNotFoundError(f"project {project!r} has no report {report_id!r}")
    return info


def _summary(info: stored.ReportInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "project": info.project,
        "title": info.title,
        "description": info.description,
        "author": info.author,
        "created_at": info.created_at,
        "updated_at": info.updated_at,
        "version": info.version,
    }


def _document(store: Store, project: str, report_id: str, version: int | None) -> dict[str, Any]:
    info = _report(store, project, report_id)
    shown = stored.get_version(store, report_id, version)
    numbers = _citation_numbers(shown.blocks)
    return {
        **_summary(info),
        "shown_version": shown.version,
        "shown_title": shown.title,
        "shown_description": shown.description,
        "blocks": encode_nonfinite(shown.blocks),
        "html": [_block_html(b, numbers) for b in shown.blocks],
    }


def _block_html(block: dict[str, Any], numbers: dict[str, int]) -> str | None:
    """What the page shows of a text block: Markdown rendered and sanitized; a BibTeX block as
    its references, numbered as the citations and the exports number them (escaped)."""
    if block.get("kind") == "markdown":
        return render_markdown(str(block.get("text", "")), numbers)
    if block.get("kind") != "bibtex":
        return None
    try:
        entries = bibtex.parse(str(block.get("text", "")))
    except ValueError as exc:
        return f'<p class="rp-bibtex-error">BibTeX this page cannot read: {escape(str(exc))}</p>'
    listed = sorted((numbers.get(e.key, 0), e.key, bibtex.plain(e)) for e in entries)
    items = "".join(
        f'<li value="{n}" id="ref-{escape(key)}">{escape(text)}</li>'
        if n
        else f"<li>{escape(text)}</li>"
        for n, key, text in listed
    )
    return f'<h2 class="rp-references">References</h2><ol>{items}</ol>'


def _citation_numbers(blocks: list[dict[str, Any]]) -> dict[str, int]:
    """The numbers of the keys the version's Markdown cites, from its BibTeX blocks (as the
    exports number them); none when a block is of a kind this Cairn does not know."""
    try:
        return citation_numbers([block_from_dict(b) for b in blocks])
    except ValueError:
        return {}


def _checked(store: Store, project: str, blocks: list[Any]) -> list[Block]:
    """The blocks sent, checked (400 saying what is wrong), each picture's image as it was
    uploaded into ``project`` (a picture of another project's image is refused)."""
    try:
        return with_uploaded_images(store, project, parse_blocks([_incoming(b) for b in blocks]))
    except ValueError as exc:
        raise _bad(exc) from None


def _save(
    request: Request,
    store: Store,
    project: str,
    report_id: str,
    blocks: list[Any],
    **changes: Any,
) -> None:
    parsed = _checked(store, project, blocks)
    reader = StoreReader(store)
    try:  # freezing a compare panel whose filter matches too many runs
        frozen = [block_to_dict(with_frozen_data(reader, project, b)) for b in parsed]
    except ValueError as exc:
        raise _bad(exc) from None
    try:
        stored.save_version(store, report_id, frozen, author=_caller_name(request), **changes)
    except ValueError as exc:  # a title that is blank or too long
        raise _bad(exc) from None


@router.get("/projects/{project}/reports", response_model=list[ReportSummary], responses=ERRORS)
def list_reports(project: str, store: StoreDep) -> list[dict[str, Any]]:
    """The project's reports, the most recently saved first."""
    return [_summary(info) for info in stored.list_reports(store, project)]


@router.post(
    "/projects/{project}/reports",
    response_model=ReportDocument,
    status_code=201,
    responses=ERRORS,
    dependencies=SmallBody,
)
def create_report(
    project: str, body: ReportCreate, request: Request, store: StoreDep
) -> dict[str, Any]:
    """A new report, saved at once as version 1 (with the blocks given, or none)."""
    store.project(project)
    _checked(store, project, _shallow({"blocks": body.blocks})["blocks"])
    try:
        info = stored.create_report(
            store, project, body.title, body.description, _caller_name(request)
        )
    except ValueError as exc:
        raise _bad(exc) from None
    _save(request, store, project, info.id, body.blocks, base_version=0)
    return _document(store, project, info.id, None)


@router.post(
    "/projects/{project}/reports/templates/reproducibility",
    response_model=ReportDocument,
    status_code=201,
    responses=ERRORS,
    dependencies=SmallBody,
)
def create_reproducibility_report(
    project: str, body: TemplateCreate, request: Request, store: StoreDep
) -> dict[str, Any]:
    """A new report from the reproducibility template, filled from the runs given (their ids),
    saved at once as version 1 (``cairn.Report.reproducibility``)."""
    from cairn.reports.report import reproducibility_report

    store.project(project)
    author = _caller_name(request)
    try:
        report = reproducibility_report(store, project, body.runs, body.title, author)
    except ValueError as exc:
        raise _bad(exc) from None
    report.save(author)
    assert report.id is not None
    return _document(store, project, report.id, None)


@router.get(
    "/projects/{project}/reports/{report_id}", response_model=ReportDocument, responses=ERRORS
)
def read_report(
    project: str,
    report_id: str,
    store: StoreDep,
    version: Annotated[
        int | None, Query(ge=0, le=MAX_VERSION, description="absent: the latest")
    ] = None,
) -> dict[str, Any]:
    """The report's blocks at ``version`` (the latest without it), Markdown rendered."""
    return _document(store, project, report_id, version)


@router.put(
    "/projects/{project}/reports/{report_id}",
    response_model=ReportDocument,
    responses=ERRORS,
    dependencies=SmallBody,
)
def save_report(
    project: str, report_id: str, body: ReportSave, request: Request, store: StoreDep
) -> dict[str, Any]:
    """Save the blocks as a new version; 409 when the latest version is no longer
    ``base_version`` (another tab or person saved since: nothing is overwritten)."""
    _report(store, project, report_id)
    _shallow({"blocks": body.blocks})
    _save(
        request,
        store,
        project,
        report_id,
        body.blocks,
        base_version=body.base_version,
        title=body.title,
        description=body.description,
    )
    return _document(store, project, report_id, None)


@router.get(
    "/projects/{project}/reports/{report_id}/versions",
    response_model=list[VersionInfo],
    responses=ERRORS,
)
def list_versions(project: str, report_id: str, store: StoreDep) -> list[dict[str, Any]]:
    """Every version of the report, the newest first."""
    _report(store, project, report_id)
    return [
        {
            "version": v.version,
            "author": v.author,
            "created_at": v.created_at,
            "block_count": len(v.blocks),
            "title": v.title,
        }
        for v in reversed(stored.list_versions(store, report_id))
    ]


@router.get(
    "/projects/{project}/reports/{report_id}/diff", response_model=VersionDiff, responses=ERRORS
)
def diff_versions(
    project: str,
    report_id: str,
    store: StoreDep,
    a: Annotated[int, Query(ge=1, le=MAX_VERSION, description="the older version's number")],
    b: Annotated[int, Query(ge=1, le=MAX_VERSION, description="the newer version's number")],
) -> dict[str, Any]:
    """The blocks added, removed, moved and changed from version ``a`` to version ``b``
    (404 when either does not exist; 400 when one holds a block this Cairn cannot read)."""
    _report(store, project, report_id)
    before, after = (stored.get_version(store, report_id, n) for n in (a, b))
    try:
        changes = diff_blocks(
            [block_from_dict(x) for x in before.blocks], [block_from_dict(x) for x in after.blocks]
        )
    except ValueError as exc:  # a block of a kind a newer Cairn wrote
        raise _bad(exc) from exc
    title = text_change(before.title, after.title)
    description = text_change(before.description, after.description)
    return {
        "a": a,
        "b": b,
        "changes": [details(c) for c in changes],
        "title": None if title is None else asdict(title),
        "description": None if description is None else asdict(description),
    }


@router.post(
    "/projects/{project}/reports/{report_id}/versions/{number}/restore",
    response_model=ReportDocument,
    responses=ERRORS,
)
def restore_version(
    project: str,
    report_id: str,
    number: Annotated[int, Path(le=MAX_VERSION)],
    body: Restore,
    request: Request,
    store: StoreDep,
) -> dict[str, Any]:
    """Save version ``number``'s blocks, title and description again, as a new version
    (history only grows; a version that did not record its title keeps the current one)."""
    _report(store, project, report_id)
    old = stored.get_version(store, report_id, number)
    stored.save_version(
        store,
        report_id,
        old.blocks,
        author=_caller_name(request),
        title=old.title,
        description=old.description,
        base_version=body.base_version,
    )
    return _document(store, project, report_id, None)


@router.post(
    "/projects/{project}/reports/render/markdown",
    response_model=RenderedMarkdown,
    responses=ERRORS,
)
def preview_markdown(project: str, body: MarkdownRequest, store: StoreDep) -> dict[str, str]:
    """A Markdown or BibTeX block as the report shows it: sanitized HTML (the same sanitizer as
    the HTML export), its citations numbered from the report's blocks sent with it."""
    store.project(project)
    numbers = _citation_numbers([b.model_dump() for b in body.report])
    return {"html": _block_html({"kind": body.kind, "text": body.text}, numbers) or ""}


@router.post(
    "/projects/{project}/reports/render/panel",
    response_model=PanelDataOut,
    responses=ERRORS,
    dependencies=SmallBody,
)
def panel_data(project: str, body: PanelRequest, store: StoreDep) -> dict[str, Any]:
    """What a panel shows: its frozen data, or (live) what its runs give now."""
    store.project(project)
    try:
        block = parse_block(_incoming(_shallow(body.panel)))
    except ValueError as exc:
        raise _bad(exc) from None
    if not isinstance(block, Panel):
        raise HTTPException(400, f"a {block.kind} block has no data: send a panel")
    data = block.data
    if data is None or not block.frozen:
        try:
            data = read_panel(StoreReader(store), project, block)
        except ValueError as exc:  # a compare panel's filter matching too many runs
            raise _bad(exc) from None
    ids = [run.id for run in data.runs]
    numbers = {info.id: info.number for info in store.runs(project, ids=ids)} if ids else {}
    return {
        "frozen": block.frozen and block.data is not None,
        "taken_at": data.taken_at,
        "runs": [
            {
                "id": run.id,
                "name": run.name,
                "number": numbers.get(run.id),
                "group": encode_nonfinite(run.group),
                "values": encode_nonfinite(run.values),
                "series": [_line(key, xs, ys) for key, (xs, ys) in run.series.items()],
            }
            for run in data.runs
        ],
        "importance": _importance(block, data) if block.kind == "importance" else None,
        "image": None if data.image is None else encode_nonfinite(to_builtins(data.image)),
        "plot": None if data.plot is None else encode_nonfinite(to_builtins(data.plot)),
        "note": data.note,
        "verdict": None if data.verdict is None else encode_nonfinite(to_builtins(data.verdict)),
    }


def _importance(panel: Panel, data: PanelData) -> dict[str, Any]:
    result = importance(panel, data)
    return {
        "metric": panel.keys[-1].partition(".")[2],
        "runs": result.runs,
        "parameters": [asdict(p) for p in result.parameters],
        "note": result.note,
    }


def _line(key: str, xs: list[float], ys: list[float]) -> dict[str, Any]:
    index: list[int] = []
    kind: list[str] = []
    y: list[float | None] = []
    for i, value in enumerate(ys):
        number = _number(value)
        if number is None or not math.isfinite(number):
            index.append(i)
            kind.append("nan" if number is None or math.isnan(number) else _sign(number))
            y.append(None)
        else:
            y.append(number)
    return {
        "key": key,
        "x": [_number(v) or 0.0 for v in xs],
        "y": y,
        "nonfinite": {"index": index, "kind": kind},
    }


def _number(value: Any) -> float | None:
    """A float from a stored value (frozen data keeps NaN and ±Inf as their names)."""
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _sign(value: float) -> str:
    return "inf" if value > 0 else "-inf"


def _incoming(value: Any) -> Any:
    """A block as the dashboard sends it back: a frozen panel's data as floats again (the API
    sends NaN and ±Inf as their names, JSON having neither)."""
    if isinstance(value, dict) and isinstance(value.get("data"), dict):
        return {**value, "data": decode_nonfinite(value["data"])}
    return value
