"""Shipping the files a run's records refer to (code snapshots, artifact contents, media) before
the records themselves.

At capture time a run stages each file's bytes as ``runs/<id>/files/<sha256>`` (or finds them in
the local store's blob folder already); before a syncer applies a ``Capture`` or ``MediaLog`` record, every blob it
names that the sink lacks is read from there and put to the sink. Identical files are stored once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cairn.journal.records import ArtifactLog, Capture, MediaLog, Record
from cairn.sync.sink import Sink

log = logging.getLogger("cairn.sync")


def staged_blob_dirs(journal: Path) -> list[Path]:
    """Where a journal's staged blobs may be: its run's ``files/``, then the store's ``blobs/``."""
    run_dir = journal.parent
    dirs = [run_dir / "files"]
    if run_dir.parent.name == "runs":
        dirs.append(run_dir.parent.parent / "blobs")
    return dirs


def read_staged(dirs: Sequence[Path], digest: str) -> bytes | None:
    """The staged bytes of ``digest``, or None when no folder has them intact."""
    import hashlib  # here: init() (which imports this module) hashes nothing

    for folder in dirs:
        for path in (folder / digest, folder / digest[:2] / digest[2:4] / digest):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if hashlib.sha256(data).hexdigest() == digest:
                return data
    return None


def staged_path(dirs: Sequence[Path], digest: str) -> Path | None:
    """The staged file of ``digest`` (not read or checked), or None."""
    for folder in dirs:
        for path in (folder / digest, folder / digest[:2] / digest[2:4] / digest):
            if path.is_file():
                return path
    return None


PARALLEL = 4
"""Blobs sent at once: a server or an object store takes several uploads faster than one after
the other (each is still checked against its digest on arrival)."""


def upload_blobs(records: Sequence[Record], dirs: Sequence[Path], sink: Sink) -> int:
    """Put to ``sink`` the staged blobs that ``records`` name and it lacks, ``PARALLEL`` at a
    time; returns how many. Among them a file of ``multipart.THRESHOLD`` bytes or more shows a
    progress bar in bytes of them all on a terminal.

    A blob found nowhere is logged and skipped: the record still applies, and whoever reads the
    file later is told it is missing, rather than the run never syncing.
    """
    wanted: dict[str, str] = {}  # digest -> what names it, for the warning
    for record in records:
        if type(record) is Capture:
            what = f"the {record.section} capture"
        elif type(record) is ArtifactLog:
            what = f"artifact {record.name}"
        elif type(record) is MediaLog:
            what = f"the {record.kind} {record.key!r} at step {record.step}"
        else:
            continue
        for digest in record.blobs or ():
            wanted.setdefault(digest, what)
    if not wanted:
        return 0
    from cairn.progress import progress  # here: most records name no file
    from cairn.sync.multipart import THRESHOLD

    streams = getattr(sink, "put_blob_file", None)  # a sink that can take a file streamed
    paths = {d: staged_path(dirs, d) if streams is not None else None for d in wanted}
    sizes = {d: _size(path) for d, path in paths.items()}
    large = any(size >= THRESHOLD for size in sizes.values())
    label = f"uploading {len(wanted)} file{'s' * (len(wanted) > 1)}"
    with progress(label, sum(sizes.values()) if large else 0) as advance:

        def upload(digest: str) -> int:
            return _upload(digest, wanted[digest], dirs, sink, paths[digest], streams, advance)

        if len(wanted) == 1:
            return upload(next(iter(wanted)))
        with ThreadPoolExecutor(
            min(PARALLEL, len(wanted)), thread_name_prefix="cairn-upload"
        ) as pool:
            return sum(pool.map(upload, wanted))


def _upload(
    digest: str,
    what: str,
    dirs: Sequence[Path],
    sink: Sink,
    path: Path | None,
    streams: Callable[[Path, Callable[[int], None]], str] | None,
    advance: Callable[[int], None],
) -> int:
    """1 when the blob was sent, 0 when the sink had it or it is staged nowhere. ``streams``:
    the sink's ``put_blob_file``, which sends ``path`` streamed and tells ``advance`` of its
    bytes as they go (all at once when not sent)."""
    if sink.has_blob(digest):
        advance(_size(path))
        return 0
    if path is not None and streams is not None:
        try:
            if streams(path, advance) == digest:
                return 1
        except OSError:
            pass  # unreadable or changed: try the checked copy below
    data = read_staged(dirs, digest)
    if data is None:
        log.warning(
            "cairn: %s names file %s, which is staged nowhere in %s; it is left out",
            what,
            digest,
            ", ".join(str(d) for d in dirs),
        )
        return 0
    sink.put_blob(data)
    return 1


def _size(path: Path | None) -> int:
    try:
        return 0 if path is None else path.stat().st_size
    except OSError:
        return 0
