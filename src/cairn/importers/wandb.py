"""``cairn import wandb PATH``: W&B offline runs into a store, read from their transaction logs
(``run-<id>.wandb``, see ``wandb_log``) without the ``wandb`` package.

PATH is a run's folder (``wandb/offline-run-20261205_120000-abc123``), the ``wandb`` folder that
holds such folders (each is imported) or the folder holding that, or a ``.wandb`` file. Each run
goes to the project W&B recorded (or ``--project``):

- the run's name, notes, tags, group, job type, host and start time; its program;
- its config, as it stood at the end (nested dicts kept);
- every history row at its ``_step`` and ``_timestamp``; numbers and booleans become metrics
  (nested dicts flatten with ``/``, NaN and ±Inf kept); images, image galleries, histograms,
  tables, HTML, audio, video and 3-D files become Cairn media at their step; other values
  (strings, lists) are left out and named in a warning;
- ``define_metric`` rules (one summary kind per key, as Cairn has);
- the summary values that differ from what Cairn computes from the history (the last value of
  each key), e.g. ``run.summary["acc"] = 0.5`` or keys never logged, plus ``wandb/run_id``;
- console output (``output`` records, else raw ones) as the run's console;
- the files of its ``files`` folder that did not become media (``run.save()`` files,
  ``requirements.txt``, ``output.log``, media kinds Cairn lacks) as a ``files`` artifact
  ``wandb-<run id>``;
- its exit: code 0 finished, any other failed. A run without an exit record (it crashed, or is
  still writing) stays running (and reads as crashed), and is imported again next time.

A log whose last record is torn (a crashed run), or that holds a corrupt chunk, is imported up
to there, with a warning. Re-running
is idempotent: a run's id derives from its folder's and file's names and the project; an ended
import is skipped, one that had not ended is replaced.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cairn.importers import Imported, apply_in_batches, files_artifact, stable_run_id
from cairn.importers.wandb_log import LogReader, WandbFormatError, decode
from cairn.journal.records import (
    ArtifactLog,
    Console,
    DefineMetric,
    History,
    MediaLog,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)
from cairn.names import check_project
from cairn.store.store import Store

CONSOLE_BATCH = 1_000
RESERVED = ("_step", "_timestamp", "_runtime", "_wandb")
"""W&B's own keys in history, summary and config: read for step and time, never imported."""
STREAMS = {0: "stderr", 1: "stdout"}
SUMMARY_KINDS = ("min", "max", "mean", "first", "last", "none")
"""``define_metric`` summaries Cairn has, in the order one is chosen when W&B asked for several."""
AGGREGATES = frozenset(("min", "max", "mean", "first", "last", "best", "copy"))
SCANNED = ("run", "config", "summary", "environment", "exit", "output")
"""The record fields the first read decodes (an ``output`` record's presence is what counts)."""


class WandbImportError(ValueError):
    """A path that holds no W&B run, or a run that cannot be imported; says why."""


@dataclass
class WandbRun:
    """One W&B run as its transaction log records it, all but history and console (a first
    read of the log); ``records`` is how many good records it holds."""

    folder: Path
    log: Path
    wandb_id: str = ""
    project: str = ""
    name: str = ""
    created_at: float = 0.0
    config: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    group: str = ""
    job_type: str = ""
    host: str = ""
    program: str = ""
    exit_code: int | None = None
    runtime: float = 0.0
    emulated_output: bool = False
    """Whether it has ``output`` records (lines as a terminal shows them); else raw ones are used."""
    records: int = 0
    problem: str | None = None
    """Where and why reading stopped before the end of the log (a torn last record)."""
    stop: int | None = None
    """The byte where reading stopped before the end."""

    @property
    def key(self) -> str:
        return f"{self.folder.name}/{self.log.name}"


def run_logs(path: Path) -> list[Path]:
    """The ``.wandb`` files ``path`` names: itself, those in it, or those in its sub-folders
    (a ``wandb`` folder, or the folder holding one), sorted; the ``latest-run`` link is left
    out (it repeats a run)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise WandbImportError(f"{path} is neither a folder nor a .wandb file")
    if (path / "wandb").is_dir():  # the folder a script ran in
        path = path / "wandb"
    logs = sorted(p for p in path.glob("*.wandb") if p.is_file())
    if not logs:
        logs = sorted(
            log
            for folder in path.iterdir()
            if folder.is_dir() and not folder.is_symlink()
            for log in folder.glob("*.wandb")
            if log.is_file()
        )
    if not logs:
        raise WandbImportError(
            f"no W&B runs (folders with a run-<id>.wandb file) in {path}: give an "
            "offline-run-… folder, or the wandb folder that holds them"
        )
    return logs


def read_log(
    path: Path,
    problems: list[tuple[int, str]],
    only: Collection[str] | None = None,
    until: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The decoded records of a ``.wandb`` file (of their fields, ``only`` these) that start
    before byte ``until``, up to its end or its first bad record; where and why it stopped early
    goes to ``problems``."""
    reader = LogReader(path)
    for offset, payload in reader:
        if until is not None and offset >= until:
            return
        try:
            record = decode(payload, "Record", only)
        except WandbFormatError as exc:
            problems.append(
                (offset, f"byte {offset:,}: record {reader.records} is not a W&B record: {exc}")
            )
            return
        yield record
    if reader.problem and reader.problem_offset is not None:
        problems.append((reader.problem_offset, reader.problem))


def _path(item: dict[str, Any]) -> list[str]:
    return item.get("nested_key") or [item.get("key", "")]


def _value(item: dict[str, Any]) -> Any:
    text = item.get("value_json", "")
    try:
        return json.loads(text)  # W&B writes NaN and Infinity as JSON's extensions do
    except ValueError:
        raise WandbFormatError(f"{'.'.join(_path(item))}: {text[:80]!r} is not JSON") from None


def _set(tree: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        child = tree.get(part)
        if not isinstance(child, dict):
            child = tree[part] = {}
        tree = child
    tree[path[-1]] = value


def _remove(tree: dict[str, Any], path: list[str]) -> None:
    for part in path[:-1]:
        tree = tree.get(part)  # type: ignore[assignment]
        if not isinstance(tree, dict):
            return
    tree.pop(path[-1], None)


def _fold(tree: dict[str, Any], updates: dict[str, Any]) -> None:
    """Apply a config or summary record (``update`` and ``remove`` items) to ``tree``."""
    for item in updates.get("update", []):
        _set(tree, _path(item), _value(item))
    for item in updates.get("remove", []):
        _remove(tree, _path(item))


def scan(log: Path) -> WandbRun:
    """A first read of ``log``: everything but history and console."""
    run = WandbRun(folder=log.parent, log=log)
    problems: list[tuple[int, str]] = []
    try:
        for record in read_log(log, problems, SCANNED):
            run.records += 1
            if "run" in record:
                _scan_run(run, record["run"])
            elif "config" in record:
                _fold(run.config, record["config"])
            elif "summary" in record:
                _fold(run.summary, record["summary"])
            elif "environment" in record:
                env = record["environment"]
                run.program = run.program or env.get("program") or env.get("code_path", "")
                run.host = run.host or env.get("host", "")
            elif "exit" in record:
                run.exit_code = record["exit"].get("exit_code", 0)
                run.runtime = float(record["exit"].get("runtime", 0))
            elif "output" in record:
                run.emulated_output = True
    except WandbFormatError as exc:
        raise WandbImportError(f"{log}: {exc}") from None
    if not run.wandb_id:
        raise WandbImportError(
            f"{log} holds no run record (its first {run.records} records): nothing to import"
            + (f"; reading stopped at {problems[0][1]}" if problems else "")
        )
    if problems:
        run.stop, run.problem = problems[0]
    run.config.pop("_wandb", None)
    return run


def _scan_run(run: WandbRun, found: dict[str, Any]) -> None:
    run.wandb_id = found.get("run_id", "") or run.wandb_id
    run.project = found.get("project", "") or run.project
    run.name = found.get("display_name", "") or run.name
    run.notes = found.get("notes", "") or run.notes
    run.group = found.get("run_group", "") or run.group
    run.job_type = found.get("job_type", "") or run.job_type
    run.host = found.get("host", "") or run.host
    run.tags = found.get("tags") or run.tags
    start = found.get("start_time")
    if start and not run.created_at:
        run.created_at = start.get("seconds", 0) + start.get("nanos", 0) / 1e9
    _fold(run.config, found.get("config", {}))
    _fold(run.summary, found.get("summary", {}))


# ---- history ----------------------------------------------------------------------------


def _leaves(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(key, value)`` of a nested dict, keys joined with ``/``; a dict with a ``_type`` (a W&B
    media value) is one leaf."""
    for key, value in tree.items():
        name = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict) and value and "_type" not in value:
            yield from _leaves(value, name)
        else:
            yield name, value


def _number(value: Any) -> float | None:
    if isinstance(value, (bool, int, float)):
        try:
            return float(value)
        except OverflowError:
            return None
    return None


class _Media:
    """Turns W&B media values into Cairn media, reading their files from the run's ``files``
    folder; remembers which files it used and what it could not import."""

    def __init__(self, files: Path) -> None:
        self.files = files
        self.used: set[Path] = set()
        self.problems: dict[str, str] = {}

    def file(self, relative: Any) -> Path:
        path = (self.files / str(relative)).resolve()
        if not path.is_relative_to(self.files.resolve()) or not path.is_file():
            raise ValueError(f"its file {relative!r} is missing from {self.files}")
        self.used.add(path)
        return path

    def convert(self, key: str, value: dict[str, Any]) -> Any:
        """A Cairn media object or gallery for ``value``, or None (the reason kept)."""
        from cairn.sdk.media.histogram import Histogram
        from cairn.sdk.media.image import Image
        from cairn.sdk.media.other import Audio, Html, Object3D, Video
        from cairn.sdk.media.table import Table

        kind = str(value.get("_type"))
        caption = value.get("caption")
        try:
            if kind == "image-file":
                return Image(self.file(value["path"]), caption=caption)
            if kind == "images/separated":
                captions = value.get("captions") or []
                return [
                    Image(self.file(name), caption=captions[i] if i < len(captions) else None)
                    for i, name in enumerate(value["filenames"])
                ]
            if kind == "histogram":
                counts = value["values"]
                packed = value.get("packedBins")
                edges = (
                    [packed["min"] + i * packed["size"] for i in range(packed["count"] + 1)]
                    if packed
                    else value["bins"]
                )
                return Histogram(np_histogram=(counts, edges))
            if kind == "table-file":
                table = json.loads(self.file(value["path"]).read_text())
                return Table(columns=table["columns"], data=table["data"])
            if kind == "html-file":
                return Html(self.file(value["path"]).read_text())
            if kind == "audio-file":
                return Audio(self.file(value["path"]), caption=caption)
            if kind == "video-file":
                return Video(self.file(value["path"]), caption=caption)
            if kind == "object3D-file":
                return Object3D(self.file(value["path"]), caption=caption)
        except (KeyError, TypeError, ValueError, OSError) as exc:
            detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            self.problems.setdefault(key, f"{kind} not imported: {detail}")
            return None
        self.problems.setdefault(key, f"W&B's {kind} has no Cairn media kind")
        return None


@dataclass
class _Counts:
    points: int = 0
    media: int = 0
    files: int = 0
    left_out: set[str] = field(default_factory=set)
    """keys whose values are neither numbers nor media"""


def _console(
    lines: dict[str, str], found: dict[str, Any], whole: bool, out: list[tuple[float, str, str]]
) -> None:
    """Add one output record's text to its stream's pending text; complete lines go to ``out``.
    An ``output`` record (``whole``) holds whole lines; a raw one any part of the stream."""
    stream = STREAMS.get(found.get("output_type", 0), "stdout")
    stamp = found.get("timestamp") or {}
    ts = stamp.get("seconds", 0) + stamp.get("nanos", 0) / 1e9
    text = found.get("line", "")
    if whole:
        text = text.removesuffix("\n") + "\n"
    *done, lines[stream] = (lines.get(stream, "") + text).split("\n")
    for line in done:
        line = line.rstrip("\r")
        out.append((ts, stream, line.rsplit("\r", 1)[-1]))


def _history_row(
    found: dict[str, Any], next_step: int, media: _Media, counts: _Counts
) -> tuple[int, float | None, dict[str, float], list[tuple[str, Any]]]:
    """One history record as (step, time or None, metrics, [(key, Cairn media)]); what it
    cannot import goes to ``counts.left_out``."""
    tree: dict[str, Any] = {}
    for item in found.get("item", []):
        try:
            _set(tree, _path(item), _value(item))
        except WandbFormatError:
            counts.left_out.add("/".join(_path(item)) + " (not JSON)")
    step = _number(tree.get("_step"))
    values: dict[str, float] = {}
    logged: list[tuple[str, Any]] = []
    for key, value in _leaves({k: v for k, v in tree.items() if not k.startswith("_")}):
        number = _number(value)
        if number is not None:
            values[key] = number
        elif isinstance(value, dict) and "_type" in value:
            converted = media.convert(key, value)
            if converted is not None:
                logged.append((key, converted))
        elif value is not None:
            counts.left_out.add(key)
    counts.left_out.update(k for k in tree if k.startswith("_") and k not in RESERVED)
    return (
        int(step) if step is not None else found.get("step", {}).get("num", next_step),
        _number(tree.get("_timestamp")),
        values,
        logged,
    )


def _records(
    run: WandbRun, run_id: str, project: str, store: Store, counts: _Counts
) -> Iterator[Record]:
    """The journal records of one W&B run, in order (the second read of its log)."""
    from cairn.sdk.media.pending import PendingMedia

    seq = 1
    yield RunStart(
        seq=seq,
        run_id=run_id,
        project=project,
        name=run.name or run.wandb_id,
        created_at=run.created_at,
        config=run.config,
        tags=[t[:255] for t in run.tags],
        notes=run.notes or None,
        group=run.group or None,
        job_type=run.job_type or None,
        host=run.host or None,
        program=run.program or None,
    )
    media = _Media(run.folder / "files")
    last: dict[str, float] = {}
    latest = run.created_at
    next_step = 0
    pending: dict[str, str] = {}
    console: list[tuple[float, str, str]] = []
    output = "output" if run.emulated_output else "output_raw"
    problems: list[tuple[int, str]] = []  # in what the first read did not decode
    for record in read_log(run.log, problems, ("history", "metric", output), run.stop):
        if "metric" in record:
            rule = _metric(record["metric"])
            if rule is not None:
                seq += 1
                yield DefineMetric(seq=seq, name=rule[0], summary=rule[1], step_metric=rule[2])
        if output in record:
            _console(pending, record[output], run.emulated_output, console)
            if len(console) >= CONSOLE_BATCH:
                seq += 1
                yield Console(seq=seq, lines=console)
                console = []
        if "history" not in record:
            continue
        step, ts, values, logged = _history_row(record["history"], next_step, media, counts)
        ts = ts or latest
        next_step, latest = step + 1, max(latest, ts)
        if values:
            seq += 1
            counts.points += len(values)
            last.update(values)
            yield History(seq=seq, step=step, ts=ts, values=values)
        for key, item in logged:
            seq += 1
            counts.media += 1
            entry: MediaLog = PendingMedia(key, step, ts, item).record(seq, store.put_blob)
            yield entry
    console += [(latest, stream, text) for stream, text in pending.items() if text]
    if console:
        seq += 1
        yield Console(seq=seq, lines=console)
    seq += 1
    yield SummaryUpdate(seq=seq, set={"wandb/run_id": run.wandb_id, **_explicit(run.summary, last)})
    artifact = _files_record(run, run_id, media.used, store, seq + 1, latest)
    if artifact is not None:
        seq += 1
        counts.files += len(artifact.manifest)
        yield artifact
    counts.left_out.update(f"{k} ({why})" for k, why in media.problems.items())
    if problems:
        run.stop, run.problem = problems[0]
    if run.exit_code is not None:
        seq += 1
        failed = run.exit_code != 0
        yield RunFinish(
            seq=seq,
            ts=max(latest, run.created_at + run.runtime),
            exit_code=run.exit_code,
            state="failed" if failed else "finished",
            error=f"the W&B run exited with code {run.exit_code}" if failed else None,
        )


def _metric(found: dict[str, Any]) -> tuple[str, str, str | None] | None:
    """A ``define_metric`` rule as (glob, summary, step metric), or None for one that sets
    neither (or that W&B expanded from a glob, or hides)."""
    name = found.get("name") or found.get("glob_name")
    summary = found.get("summary", {})
    step_metric = found.get("step_metric") or None
    if not name or found.get("expanded_from_glob") or found.get("options", {}).get("hidden"):
        return None
    if not summary and step_metric is None:
        return None
    if summary.get("best"):
        summary = {"max" if found.get("goal") == 2 else "min": True}
    kind = next((k for k in SUMMARY_KINDS if summary.get(k)), "last")
    return name, kind, step_metric


def _explicit(summary: dict[str, Any], last: dict[str, float]) -> dict[str, Any]:
    """The summary values that differ from the last logged value of their key (or were never
    logged): what Cairn would not compute itself. Media and W&B's own keys are left out."""
    out = {}
    for key, value in _leaves({k: v for k, v in summary.items() if not k.startswith("_")}):
        if isinstance(value, dict) and "_type" in value:
            continue
        if key.rpartition("/")[0] in last and key.rpartition("/")[2] in AGGREGATES:
            continue  # {"min": …} of a logged key, per its rule: Cairn computes it too
        number = _number(value)
        if key in last and number is not None:
            before = last[key]
            if number == before or (math.isnan(number) and math.isnan(before)):
                continue
        out[key] = value
    return out


def _files_record(
    run: WandbRun, run_id: str, used: set[Path], store: Store, seq: int, ts: float
) -> ArtifactLog | None:
    files = run.folder / "files"
    if not files.is_dir():
        return None
    return files_artifact(
        store,
        files,
        sorted(p for p in files.rglob("*") if p.is_file() and p.resolve() not in used),
        name=f"wandb-{run_id}",
        description=f"the files of W&B run {run.wandb_id} that are not media",
        metadata={"wandb_run_id": run.wandb_id, "folder": run.folder.name},
        seq=seq,
        ts=ts,
    )


def import_run(store: Store, run: WandbRun, project: str) -> tuple[str, _Counts]:
    """Apply one scanned W&B run to ``store`` in ``project``; its Cairn id and counts."""
    run_id = stable_run_id("wandb", project, run.key)
    counts = _Counts()
    apply_in_batches(store, run_id, _records(run, run_id, project, store, counts))
    return run_id, counts


def import_wandb(
    store: Store,
    path: Path,
    project: str | None = None,
    on_run: Callable[[str, str], None] | None = None,
) -> Imported:
    """Import every W&B run ``path`` names (see ``run_logs``), each into the project W&B
    recorded, or all into ``project``; ``on_run(project/name, outcome)`` reports each
    ("imported", "skipped")."""
    if not store.blobs.is_local:
        raise WandbImportError("importing W&B runs needs a local store folder (--dir)")
    done = Imported()
    for log in run_logs(path):
        run = scan(log)
        target = check_project(project or run.project or "uncategorized")
        label = f"{target}/{run.name or run.wandb_id}"
        run_id = stable_run_id("wandb", target, run.key)
        if done.imported_before(store, run_id, label, on_run):
            continue
        _, counts = import_run(store, run, target)
        done.runs.append(label)
        done.points += counts.points
        done.media += counts.media
        done.files += counts.files
        if run.problem:
            done.warnings.append(
                f"{log}: reading stopped at {run.problem} (the run crashed, or is still "
                "writing); the records before it are imported"
            )
        if counts.left_out:
            done.warnings.append(
                f"{label}: values left out (not numbers or media Cairn has): "
                + ", ".join(sorted(counts.left_out)[:20])
                + (f" and {len(counts.left_out) - 20} more" if len(counts.left_out) > 20 else "")
            )
        if on_run:
            on_run(label, "imported")
    return done
