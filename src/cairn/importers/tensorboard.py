"""``cairn import tensorboard LOGDIR``: TensorBoard event files into a store, one run per folder.

Every folder under LOGDIR holding ``*tfevents*`` files becomes a run named after its path
(relative to LOGDIR), created at its first event's wall time. Scalars (``simple_value``, or a
one-element float tensor as TF2 writes them) become history rows at their step and wall time;
histograms, images and text become media at theirs. Events are read from the TFRecord framing
(length, masked CRC-32C, payload) and parsed with the protobuf classes ``tensorboardX`` ships
(``pip install 'cairn[tensorboard]'``).

Re-running is idempotent: a run's id derives from the LOGDIR-relative folder and the project, a
finished import is skipped, and an import that stopped part-way is replaced.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cairn.importers import BATCH, Imported, stable_run_id
from cairn.journal.records import History, MediaLog, Record, RunFinish, RunStart
from cairn.store.store import Store


class TensorBoardError(ValueError):
    """An event file or folder that cannot be imported; the message says why."""


def run_folders(logdir: Path) -> list[Path]:
    """The folders under ``logdir`` (itself included) that hold event files, sorted."""
    folders = {p.parent for p in logdir.rglob("*tfevents*") if p.is_file()}
    return sorted(folders)


def run_id_for(project: str, name: str) -> str:
    """A stable 8-character id for the run imported from folder ``name`` into ``project``."""
    return stable_run_id("tensorboard", project, name)


def read_records(path: Path) -> Iterator[bytes]:
    """The payloads of a TFRecord file; stops at a torn last record (a writer still writing)."""
    header = struct.Struct("<Q")
    with open(path, "rb") as f:
        while True:
            head = f.read(12)
            if len(head) < 12:
                return
            (length,) = header.unpack_from(head)
            data = f.read(length)
            if len(data) < length or len(f.read(4)) < 4:
                return
            yield data


def events(folder: Path) -> Iterator[Any]:
    """The events of every event file in ``folder``, file by file in name order."""
    try:
        from tensorboardX.proto import event_pb2  # type: ignore[import-untyped]
    except ImportError:
        raise TensorBoardError(
            "reading TensorBoard files needs tensorboardX: pip install 'cairn[tensorboard]'"
        ) from None
    for path in sorted(p for p in folder.iterdir() if "tfevents" in p.name and p.is_file()):
        for payload in read_records(path):
            yield event_pb2.Event.FromString(payload)


def _scalar(value: Any) -> float | None:
    kind = value.WhichOneof("value")
    if kind == "simple_value":
        return float(value.simple_value)
    if kind == "tensor":
        tensor = value.tensor
        if tensor.float_val and len(tensor.float_val) == 1:
            return float(tensor.float_val[0])
        if tensor.double_val and len(tensor.double_val) == 1:
            return float(tensor.double_val[0])
        if tensor.dtype in (1, 2) and len(tensor.tensor_content) in (4, 8):  # DT_FLOAT, DT_DOUBLE
            fmt = "<f" if len(tensor.tensor_content) == 4 else "<d"
            return float(struct.unpack(fmt, tensor.tensor_content)[0])
    return None


def histogram_bins(histo: Any) -> tuple[list[float], list[float]]:
    """(counts, edges) of a TensorBoard HistogramProto: its buckets end at ``bucket_limit`` (the
    last at DBL_MAX) and span [min, max]; empty buckets at either end are dropped, and neighbours
    merged until at most MAX_BINS remain (TensorBoard's default scheme has over 600)."""
    from cairn.sdk.media.histogram import MAX_BINS

    counts = list(histo.bucket)
    edges = [histo.min, *(min(max(v, histo.min), histo.max) for v in histo.bucket_limit)]
    first = next((i for i, c in enumerate(counts) if c), 0)
    last = max((i for i, c in enumerate(counts) if c), default=0) + 1
    counts, edges = counts[first:last], edges[first : last + 1]
    edges[0], edges[-1] = histo.min, histo.max
    while len(counts) > MAX_BINS:
        pairs = len(counts) // 2
        merged = [counts[2 * i] + counts[2 * i + 1] for i in range(pairs)] + counts[2 * pairs :]
        edges = edges[::2] if len(counts) % 2 == 0 else [*edges[: 2 * pairs + 1 : 2], edges[-1]]
        counts = merged
    for i in range(1, len(edges)):  # strictly increasing, whatever the writer clipped
        edges[i] = max(edges[i], edges[i - 1] + 1e-12 * max(1.0, abs(edges[i - 1])))
    return counts, edges


def _media(value: Any) -> tuple[str, Any] | None:
    """(key, Cairn media) for a histogram, image or text value; None for anything else."""
    from cairn.sdk.media.histogram import Histogram
    from cairn.sdk.media.image import Image
    from cairn.sdk.media.other import Text

    kind = value.WhichOneof("value")
    tag = value.tag
    if kind == "histo" and value.histo.bucket:
        return tag, Histogram(np_histogram=histogram_bins(value.histo))
    if kind == "image" and value.image.encoded_image_string:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(value.image.encoded_image_string)) as opened:
            opened.load()
            return tag, Image(
                opened.convert("RGBA") if opened.mode not in ("L", "RGB", "RGBA") else opened.copy()
            )
    plugin = value.metadata.plugin_data.plugin_name if value.HasField("metadata") else ""
    if (
        kind == "tensor"
        and (plugin == "text" or value.tensor.dtype == 7)
        and value.tensor.string_val
    ):
        text = "\n".join(s.decode("utf-8", "replace") for s in value.tensor.string_val)
        return tag.removesuffix("/text_summary"), Text(text)
    return None


def import_folder(
    store: Store, folder: Path, project: str, name: str, stage: Callable[[bytes], str]
) -> tuple[int, int]:
    """Apply one folder's events to ``store`` as the run ``name``; (points, media) it held."""
    from cairn.sdk.media.pending import PendingMedia

    run_id = run_id_for(project, name)
    seq = 0
    batch: list[Record] = []
    rows: dict[int, dict[str, float]] = {}
    row_ts: dict[int, float] = {}
    points = media = 0
    started = False
    last_ts = 0.0

    def flush_rows() -> None:
        nonlocal seq
        for step in sorted(rows):
            seq += 1
            batch.append(History(seq=seq, step=step, ts=row_ts[step], values=rows[step]))
        rows.clear()
        row_ts.clear()

    def apply() -> None:
        if batch:
            store.apply(run_id, batch)
            batch.clear()

    first_ts: float | None = None

    def start(created_at: float) -> None:
        nonlocal seq, started
        seq += 1
        batch.append(
            RunStart(seq=seq, run_id=run_id, project=project, name=name, created_at=created_at)
        )
        started = True

    for event in events(folder):
        first_ts = event.wall_time if first_ts is None else min(first_ts, event.wall_time)
        last_ts = max(last_ts, event.wall_time)
        if not event.HasField("summary"):
            continue
        if not started:  # created when the writer started or at the first value, the earlier
            start(first_ts)
        for value in event.summary.value:
            number = _scalar(value)
            if number is not None:
                rows.setdefault(event.step, {})[value.tag] = number
                row_ts.setdefault(event.step, event.wall_time)
                points += 1
                continue
            found = _media(value)
            if found is not None:
                key, item = found
                flush_rows()
                seq += 1
                pending = PendingMedia(key, event.step, event.wall_time, item)
                record: MediaLog = pending.record(seq, stage)
                batch.append(record)
                media += 1
        if len(rows) >= BATCH:
            flush_rows()
        if len(batch) >= BATCH:
            apply()
    if first_ts is None:
        raise TensorBoardError(f"{folder}: its event files hold no events")
    if not started:
        start(first_ts)
    flush_rows()
    seq += 1
    batch.append(RunFinish(seq=seq, ts=last_ts))
    apply()
    return points, media


def import_logdir(
    store: Store,
    logdir: Path,
    project: str,
    on_run: Callable[[str, str], None] | None = None,
) -> Imported:
    """Import every run folder under ``logdir`` into ``project``; ``on_run(name, outcome)``
    reports each ("imported", "skipped")."""
    if not logdir.is_dir():
        raise TensorBoardError(f"{logdir} is not a folder")
    folders = run_folders(logdir)
    if not folders:
        raise TensorBoardError(f"no TensorBoard event files (*tfevents*) under {logdir}")
    done = Imported()
    for folder in folders:
        name = folder.relative_to(logdir).as_posix() if folder != logdir else logdir.name
        run_id = run_id_for(project, name)
        if done.imported_before(store, run_id, name, on_run):
            continue
        points, media = import_folder(store, folder, project, name, store.put_blob)
        done.runs.append(name)
        done.points += points
        done.media += media
        if on_run:
            on_run(name, "imported")
    return done
