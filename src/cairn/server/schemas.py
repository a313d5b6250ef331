"""The JSON the API takes and gives, as Pydantic models. Keep in step with web/src/api/types.ts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

JsonObject = dict[str, Any]
"""A JSON object. Non-finite floats in config and summary arrive as "NaN", "Infinity", "-Infinity"."""

MAX_SERIES_PAIRS = 2000
"""At most this many (run, key) lines in one series request."""

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Tag = Annotated[str, Field(min_length=1, max_length=255)]
RunId = Annotated[str, Field(min_length=1, max_length=64)]
RunRefText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=320,
        description="a run of the route's project by id, or of another project as project/id",
    ),
]
MetricKey = Annotated[str, Field(min_length=1, max_length=256)]


class RequestBody(BaseModel):
    """A request body: unknown fields are an error, so a typo does not pass silently."""

    model_config = ConfigDict(extra="forbid")


class Project(BaseModel):
    name: str
    run_count: int
    created_at: float = Field(description="unix seconds")
    last_activity: float | None = Field(description="unix seconds of the latest run update")


class RunRow(BaseModel):
    """One row of the runs table: config flattened with "." (``model.width``), summary as stored."""

    id: str
    project: str
    name: str
    state: str = Field(description="running, finished, failed or crashed")
    created_at: float
    updated_at: float
    heartbeat_at: float
    finished_at: float | None
    runtime: float = Field(description="seconds from creation to finish or last heartbeat")
    tags: list[str]
    notes: str | None
    group: str | None
    job_type: str | None
    host: str | None
    history_rows: int
    last_step: int | None
    number: int = Field(description="rank by creation within the project (1, 2, …); colours")
    config: JsonObject
    summary: JsonObject
    repro_score: int | None = Field(
        default=None, description="reproducibility score 0-100; null when nothing was captured"
    )


class RunPage(BaseModel):
    total: int = Field(description="runs matching the filter and search")
    offset: int
    limit: int
    next: str | None = Field(
        default=None, description="cursor of the next page (pass it as cursor=), null at the end"
    )
    runs: list[RunRow]


class MetricDef(BaseModel):
    """One ``define_metric`` rule: keys matching the glob ``name`` summarize as ``summary``."""

    name: str
    summary: Literal["min", "max", "mean", "first", "last", "none"]
    step_metric: str | None = None


class RunDetail(RunRow):
    """One run: config nested as logged, plus what the run page shows."""

    exit_code: int | None
    error: str | None
    program: str | None
    metric_keys: list[str]
    metric_defs: list[MetricDef] = Field(
        default_factory=list, description="define_metric rules in the order recorded"
    )
    sweep_id: str | None = Field(None, description="the sweep whose trial this run is")
    media_count: int = Field(0, description="media keys the run logged (images, tables...)")


class Columns(BaseModel):
    config: list[str] = Field(description="flattened config paths present in any run")
    summary: list[str] = Field(description="summary keys present in any run")
    defaults: list[str] = Field(
        default_factory=list,
        description="the data columns a table shows when none are chosen, as column ids "
        "(config.lr, summary.val/acc), most telling first, computed over all the project's runs",
    )


class RunEdit(RequestBody):
    """Fields to change; a field left out (or null) stays as it is."""

    name: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    notes: Annotated[str, Field(max_length=100_000)] | None = None
    tags: Annotated[list[Tag], Field(max_length=100)] | None = None


class DeleteRuns(RequestBody):
    ids: Annotated[list[RunId], Field(max_length=10_000)]


class Deleted(BaseModel):
    deleted: int = Field(description="runs deleted; ids not in the project are skipped")


class MetricKeysRequest(RequestBody):
    run_ids: Annotated[list[RunRefText], Field(max_length=10_000)] | None = Field(
        default=None, description="null: every run of the project"
    )


class MetricKeys(BaseModel):
    keys: list[str]


class SeriesRequest(RequestBody):
    run_ids: Annotated[list[RunRefText], Field(max_length=MAX_SERIES_PAIRS)]
    keys: Annotated[list[MetricKey], Field(max_length=MAX_SERIES_PAIRS)]
    x: Annotated[str, Field(min_length=1, max_length=256)] = Field(
        default="_step", description="_step, _runtime, _timestamp or a metric key"
    )
    max_points: Annotated[int, Field(ge=5, le=10_000)] = 1500
    x_min: FiniteFloat | None = None
    x_max: FiniteFloat | None = None


class NonFinite(BaseModel):
    index: list[int] = Field(description="positions in y that hold null")
    kind: list[Literal["nan", "inf", "-inf"]]


class Series(BaseModel):
    """One (run, key) line, at most max_points points; y is null where the value is non-finite."""

    run_id: str
    key: str
    x: list[float]
    y: list[float | None]
    nonfinite: NonFinite


class SeriesResponse(BaseModel):
    x: str
    series: list[Series]


class FilterProblem(BaseModel):
    message: str
    position: int = Field(description="0-based offset in the expression")


class ApiError(BaseModel):
    """Every 4xx but validation errors (422, FastAPI's list): a message, or a filter problem."""

    detail: str | FilterProblem


class ChecklistItem(BaseModel):
    id: str
    label: str
    ok: bool | None = Field(description="null: not judged yet, left out of the score")
    detail: str


class CaptureResponse(BaseModel):
    capture: JsonObject = Field(
        description="git, code, environment, command, seeds, config_sources"
    )
    checklist: list[ChecklistItem]
    score: int | None
    reproduce_command: str


class ConsoleLineOut(BaseModel):
    number: int
    ts: float
    stream: str
    text: str


class ConsolePage(BaseModel):
    total: int = Field(description="lines the run has in all")
    lines: list[ConsoleLineOut]


class ReproductionOut(BaseModel):
    id: int
    created_at: float
    verdict: str
    runs: list[str]
    metrics: list[JsonObject]
    details: JsonObject = Field(default_factory=dict)
    report: str = Field("", description="the comparison as Markdown")


class ReproductionList(BaseModel):
    reproductions: list[ReproductionOut]
    made: list[str] = Field(
        default_factory=list,
        description="ids of the runs `cairn reproduce` made of this run, oldest first",
    )


# --- analysis: parameter importance ---

MAX_IMPORTANCE_RUNS = 2000
"""At most this many runs in one importance request (the forest is fitted while you wait)."""


class ImportanceRequest(RequestBody):
    """Which runs (ids, or a filter; neither: every run of the project) and which metric."""

    metric: MetricKey = Field(description="a summary key holding a number, e.g. val/acc")
    run_ids: Annotated[list[RunId], Field(max_length=MAX_IMPORTANCE_RUNS)] | None = Field(
        default=None, description="these runs (ids not in the project are skipped)"
    )
    filter: Annotated[str, Field(max_length=4000)] | None = Field(
        default=None, description="or the runs matching a filter, e.g. config.lr < 0.1"
    )
    params: Annotated[list[MetricKey], Field(max_length=200)] | None = Field(
        default=None, description="flattened config keys; null: the ones that vary"
    )


class ParameterImportanceOut(BaseModel):
    name: str
    importance: float = Field(description="share of the explained variance, 0..1")
    correlation: float | None = Field(description="Pearson r with the metric; null: categorical")
    kind: Literal["numeric", "categorical"]


class ImportanceResponse(BaseModel):
    metric: str
    runs: int = Field(description="runs with a finite value of the metric (the ones used)")
    parameters: list[ParameterImportanceOut] = Field(description="most important first")
    note: str | None = Field(description="why there are no numbers (e.g. too few runs), else null")


class ViewInfo(BaseModel):
    """A saved view of a project's dashboard (its document: ``GET /workspace?view=name``)."""

    name: str
    is_default: bool
    updated_at: float


class ViewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    workspace: JsonObject = Field(default_factory=dict, description="the view's document")


class ViewChange(BaseModel):
    """A new name, and/or ``default: true`` to make the view the one the project opens with."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    default: Literal[True] | None = None
