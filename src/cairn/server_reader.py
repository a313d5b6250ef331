"""``cairn.Api(url=…)``: the ``Reader`` (``cairn.store.reader``) of a Cairn server, over its
JSON API. Runs come from ``/runs`` and ``/run`` as full records, a history as an Arrow IPC stream,
blobs (media, tables, artifact files) are streamed from ``/blobs/{sha256}`` and checked against
their digest. The server answers only what the key's user may read (docs/server.md).
"""

from __future__ import annotations

import dataclasses
import io
import os
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote

from cairn.errors import (
    ArtifactNotFoundError,
    CairnError,
    MediaNotFoundError,
    ProjectNotFoundError,
    RunNotFoundError,
    StoreError,
    SweepNotFoundError,
    UsageError,
)
from cairn.server_client import ServerError, api_client, detail
from cairn.store.jsonsafe import decode_nonfinite
from cairn.store.models import ProjectInfo, RunInfo, RunPage

if TYPE_CHECKING:
    import httpx
    import numpy as np
    import pyarrow as pa

    from cairn.store.artifacts import ArtifactSummary, VersionInfo
    from cairn.store.console import ConsoleLine
    from cairn.store.media import MediaEntry
    from cairn.store.reproductions import Comparison
    from cairn.store.sweeps import SweepRow, TrialRow

PAGE = 1000
"""Runs per request of a listing (the server's largest page)."""
CONSOLE_PAGE = 100_000
CHUNK = 1024 * 1024
_RUN_FIELDS = {f.name for f in dataclasses.fields(RunInfo)}


def _q(part: str) -> str:
    return quote(part, safe="")


class HttpBlobs:
    """A server's blobs, read by sha256 (``GET /blobs/{digest}``), streamed.

    Each read first asks for the blob ``direct``: a server whose store is on S3 redirects to a
    pre-signed URL, and the bytes come straight from the object store. When that URL cannot be
    reached (an object store on the server's private network) the bytes come through the server,
    for this read and the next ones. A connection dropped mid-blob is opened again from the byte
    it reached (``Range``), up to ``RETRIES`` times.
    """

    def __init__(self, client: httpx.Client) -> None:
        self._client = client
        self.direct = True
        """Whether reads still try the object store's pre-signed URLs."""

    def get(self, digest: str) -> bytes:
        with self.open(digest) as f:
            return f.read()

    def open(self, digest: str) -> BinaryIO:
        """The bytes as a file read from the network as it goes (close it); FileNotFoundError
        when the server has no such blob."""
        return io.BufferedReader(_BlobStream(self, digest), CHUNK)

    def _response(self, digest: str, offset: int) -> httpx.Response:
        """A streamed answer holding the blob from byte ``offset`` on (200 or 206)."""
        import httpx

        headers = {"Range": f"bytes={offset}-"} if offset else {}
        path = f"/blobs/{_q(digest)}"
        if self.direct:
            request = self._client.build_request(
                "GET", path, params={"direct": "true"}, headers=headers
            )
            try:
                return _checked(
                    self._client.send(request, stream=True, follow_redirects=True), digest
                )
            except httpx.TransportError:
                self.direct = False  # the object store is out of reach: through the server
        request = self._client.build_request("GET", path, headers=headers)
        return _checked(self._client.send(request, stream=True), digest)


def _checked(response: httpx.Response, digest: str) -> httpx.Response:
    if response.status_code in (200, 206):
        return response
    response.read()
    response.close()
    if response.status_code in (400, 404):
        raise FileNotFoundError(f"no blob {digest} on the server")
    raise ServerError(f"GET /blobs/{digest}: {response.status_code} {detail(response)}")


RETRIES = 5
"""Times a blob read opens its connection again after it dropped."""


class _ResponseStream(io.RawIOBase):
    """An httpx streamed response as a readable raw stream."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._chunks: Iterator[bytes] = response.iter_bytes()
        self._left = b""

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        """The next bytes of the body; b"" at its end."""
        return next(self._chunks, b"")

    def readinto(self, buffer: Any) -> int:
        if not self._left:
            self._left = self._next_chunk()
            if not self._left:
                return 0
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n

    def close(self) -> None:
        if not self.closed:
            self._response.close()
        super().close()


class _BlobStream(_ResponseStream):
    """One blob read over HTTP, resumed from where it stopped when the connection drops."""

    def __init__(self, blobs: HttpBlobs, digest: str) -> None:
        self._blobs = blobs
        self._digest = digest
        self._offset = 0
        """Bytes of the blob read so far."""
        self._retries = 0
        super().__init__(blobs._response(digest, 0))

    def _next_chunk(self) -> bytes:
        import httpx

        while True:
            try:
                chunk = next(self._chunks, b"")
                self._offset += len(chunk)
                return chunk
            except httpx.TransportError:
                if self._retries >= RETRIES:
                    raise
                self._retries += 1
                self._response.close()
                self._response = self._blobs._response(self._digest, self._offset)
                self._chunks = self._response.iter_bytes()
                if self._response.status_code == 200:  # the whole blob again: skip what we have
                    self._chunks = _skipped(self._chunks, self._offset)


def _skipped(chunks: Iterator[bytes], count: int) -> Iterator[bytes]:
    """``chunks`` without their first ``count`` bytes."""
    for chunk in chunks:
        if count >= len(chunk):
            count -= len(chunk)
            continue
        yield chunk[count:]
        count = 0


class HttpReader:
    """A ``Reader`` on the Cairn server at ``url`` (``cairn server``, or a ``cairn ui``)."""

    def __init__(self, url: str, key: str | None = None, *, timeout: float = 60.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"url={url!r}: give the server's URL, e.g. https://cairn.example.com")
        self.url = url.rstrip("/")
        key = key or _saved_key(self.url)
        self.client = api_client(self.url, key, timeout=timeout)
        self._blobs = HttpBlobs(self.client)
        if key is None:
            self._warn_if_signed_out()

    def _warn_if_signed_out(self) -> None:
        """Without a key, a team server shows only its public projects: say so, once, rather
        than let an empty answer look like an empty server."""
        import httpx

        try:
            me = self.client.get("/auth/me").json()
        except (httpx.HTTPError, ValueError):
            return  # the first real request says what is wrong
        if isinstance(me, dict) and me.get("accounts") and me.get("user") is None:
            warnings.warn(
                f"cairn.Api: no API key for {self.url}, so only its public projects can be "
                f"read; pass key=, set $CAIRN_API_KEY, or run `cairn login {self.url}`",
                stacklevel=4,
            )

    def __repr__(self) -> str:
        return f"<HttpReader {self.url}>"

    @property
    def blobs(self) -> HttpBlobs:
        return self._blobs

    # ---- requests -----------------------------------------------------------------------

    def _send(
        self, method: str, path: str, missing: type[CairnError], **kwargs: Any
    ) -> httpx.Response:
        import httpx

        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ServerError(f"cannot reach {self.url}: {exc}") from None
        return self._check(response, missing)

    def _check(self, response: httpx.Response, missing: type[CairnError]) -> httpx.Response:
        """``response`` when it succeeded; else the error a store would raise (``missing`` for
        a 404, FilterError for a filter that does not parse) or a ServerError."""
        if response.is_success:
            return response
        status, said = response.status_code, detail(response)
        if status == 404:
            raise missing(said)
        if status == 401:
            raise ServerError(
                f"{self.url} wants an API key: pass key=, set $CAIRN_API_KEY, or run "
                f"`cairn login {self.url}`",
                status,
            )
        if status == 403:
            raise ServerError(f"{self.url} refused: {said}", status)
        if status == 400:
            _raise_bad_request(response)
        request = response.request
        raise ServerError(f"{request.method} {request.url.path}: {status} {said}", status)

    def _get(self, path: str, missing: type[CairnError] = StoreError, **kwargs: Any) -> Any:
        return self._send("GET", path, missing, **kwargs).json()

    def _post(self, path: str, body: Any, missing: type[CairnError] = StoreError) -> Any:
        return self._send("POST", path, missing, json=body).json()

    @staticmethod
    def _run_path(run: RunInfo, what: str = "") -> str:
        path = f"/projects/{_q(run.project)}/runs/{_q(run.id)}"
        return f"{path}/{what}" if what else path

    def wait_applied(self, project: str, run_id: str, seq: int, timeout: float = 60.0) -> bool:
        """Wait until the server has applied the run's records up to ``seq`` (``cairn server``
        acknowledges batches once queued, and applies them a moment later); False on timeout."""
        path = f"/projects/{_q(project)}/runs/{_q(run_id)}/last-seq"
        deadline = time.monotonic() + timeout
        delay = 0.005
        while self._get(path, RunNotFoundError, params={"applied": "true"})["last_seq"] < seq:
            if time.monotonic() > deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
        return True

    # ---- projects and runs --------------------------------------------------------------

    def projects(self) -> list[ProjectInfo]:
        return [ProjectInfo(**p) for p in self._get("/projects")]

    def runs(
        self,
        project: str | None,
        *,
        filter: str | None = None,
        order: str | None = None,
        limit: int | None = None,
    ) -> list[RunInfo]:
        found = self.pages(project, filter=filter, order=order, limit=limit, per_page=PAGE)
        return [info for page in found for info in page]

    def pages(
        self,
        project: str | None,
        *,
        filter: str | None,
        order: str | None,
        limit: int | None,
        per_page: int,
    ) -> Iterator[list[RunInfo]]:
        after: str | None = None
        read = 0
        while limit is None or read < limit:
            size = per_page if limit is None else min(per_page, limit - read)
            page = self.runs_page(project, filter=filter, order=order, limit=size, after=after)
            if page.runs:
                yield page.runs
            read += len(page.runs)
            if page.next is None:
                return
            after = page.next

    def runs_page(
        self,
        project: str | None,
        *,
        filter: str | None,
        order: str | None,
        limit: int,
        offset: int = 0,
        after: str | None = None,
    ) -> RunPage:
        params = self._listing(project, filter, order)
        params.update(limit=min(limit, PAGE), offset=offset)  # a shorter page has a next too
        if after is not None:
            params["cursor"] = after
        got = self._get("/runs", params=params)
        infos = [_run_info(r) for r in got["runs"]]
        return RunPage(infos, len(infos), got.get("next"))

    def count_runs(self, project: str | None, *, filter: str | None) -> int:
        params = self._listing(project, filter, None)
        params.update(limit=1, count="true")
        return int(self._get("/runs", params=params)["total"])

    @staticmethod
    def _listing(project: str | None, filter: str | None, order: str | None) -> dict[str, Any]:
        named = (("project", project), ("filter", filter), ("order", order))
        return {name: value for name, value in named if value is not None}

    def find_run(self, ref: str) -> RunInfo:
        return _run_info(self._get("/run", RunNotFoundError, params={"ref": ref}))

    def history(self, run: RunInfo, keys: Sequence[str] | None) -> pa.Table:
        import pyarrow as pa

        body = {"keys": None if keys is None else list(keys)}
        request = self.client.build_request("POST", self._run_path(run, "history"), json=body)
        response = self.client.send(request, stream=True)
        try:
            if not response.is_success:
                response.read()
                self._check(response, RunNotFoundError)
            with io.BufferedReader(_ResponseStream(response), CHUNK) as stream:
                return pa.ipc.open_stream(stream).read_all()
        finally:
            response.close()

    def series(
        self,
        run: RunInfo,
        key: str,
        *,
        x: str,
        max_points: int,
        x_min: float | None,
        x_max: float | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        body = {
            "run_ids": [run.id],
            "keys": [key],
            "x": x,
            "max_points": max_points,
            "x_min": x_min,
            "x_max": x_max,
        }
        lines = self._post(f"/projects/{_q(run.project)}/series", body, RunNotFoundError)["series"]
        if not lines:
            return np.array([], np.float64), np.array([], np.float64)
        line = lines[0]
        xs = np.array([np.nan if v is None else v for v in line["x"]], np.float64)
        ys = np.array([np.nan if v is None else v for v in line["y"]], np.float64)
        nonfinite = line["nonfinite"]
        for index, kind in zip(nonfinite["index"], nonfinite["kind"], strict=True):
            ys[index] = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}[kind]
        if x == "_step":
            return xs.astype(np.int64), ys
        return xs, ys

    def capture(self, run: RunInfo) -> dict[str, Any]:
        found: dict[str, Any] = self._get(self._run_path(run, "capture"), RunNotFoundError)[
            "capture"
        ]
        return found

    def console(
        self,
        run: RunInfo,
        *,
        after: int | None,
        limit: int | None,
        search: str | None,
        stream: str | None,
    ) -> list[ConsoleLine]:
        from cairn.store.console import ConsoleLine

        lines: list[ConsoleLine] = []
        while limit is None or len(lines) < limit:
            size = CONSOLE_PAGE if limit is None else min(CONSOLE_PAGE, limit - len(lines))
            params: dict[str, Any] = {"limit": size}
            for name, value in (("after", after), ("search", search), ("stream", stream)):
                if value is not None:
                    params[name] = value
            page = self._get(self._run_path(run, "console"), RunNotFoundError, params=params)
            got = [ConsoleLine(x["number"], x["stream"], x["ts"], x["text"]) for x in page["lines"]]
            lines += got
            if len(got) < size:
                break
            after = got[-1].line
        return lines

    def _reproductions(self, run: RunInfo) -> dict[str, Any]:
        found: dict[str, Any] = self._get(self._run_path(run, "reproductions"), RunNotFoundError)
        return found

    def reproductions(self, run: RunInfo) -> list[RunInfo]:
        made = self._reproductions(run)["made"]
        return [self.find_run(f"{run.project}/{run_id}") for run_id in made]

    def comparisons(self, run: RunInfo) -> list[Comparison]:
        from cairn.store.reproductions import Comparison

        return [
            Comparison(
                id=c["id"],
                run_id=run.id,
                created_at=c["created_at"],
                verdict=c["verdict"],
                runs=c["runs"],
                metrics=decode_nonfinite(c["metrics"]),
                details=decode_nonfinite(c["details"]),
                report=c["report"],
            )
            for c in self._reproductions(run)["reproductions"]
        ]

    def update_summary(self, run: RunInfo, values: dict[str, Any], remove: list[str]) -> None:
        from cairn.journal.batches import RECORDS_TYPE, encode_batch
        from cairn.journal.records import SummaryUpdate

        seq = int(self._get(self._run_path(run, "last-seq"), RunNotFoundError)["last_seq"]) + 1
        record = SummaryUpdate(seq=seq, set=values, remove=remove)
        body = encode_batch([record])
        self._send(
            "POST",
            self._run_path(run, "records"),
            RunNotFoundError,
            content=body,
            headers={"Content-Type": RECORDS_TYPE},
        )
        self.wait_applied(run.project, run.id, seq)  # so that reading it next sees it

    def edit_run(
        self, run: RunInfo, *, name: str | None, notes: str | None, tags: list[str] | None
    ) -> RunInfo:
        body = {"name": name, "notes": notes, "tags": tags}
        self._send("PATCH", self._run_path(run), RunNotFoundError, json=body)
        return self.find_run(run.path)

    # ---- media --------------------------------------------------------------------------

    def media_keys(self, run: RunInfo) -> list[dict[str, Any]]:
        body = {"run_ids": [run.id]}
        path = f"/projects/{_q(run.project)}/media-keys"
        keys: list[dict[str, Any]] = self._post(path, body, RunNotFoundError)["keys"]
        return keys

    def media_entries(self, run: RunInfo, key: str) -> list[MediaEntry]:
        from cairn.store.media import MediaEntry

        body = {"run_ids": [run.id], "key": key}
        got = self._post(f"/projects/{_q(run.project)}/media", body, MediaNotFoundError)["runs"]
        values = got[0]["values"] if got else []
        return [
            MediaEntry(
                run_id=run.id,
                seq=v["seq"],
                key=key,
                step=v["step"],
                ts=v["ts"],
                kind=v["kind"],
                blob=v["blob"],
                meta=v["meta"],
            )
            for v in values
        ]

    # ---- artifacts ----------------------------------------------------------------------

    def _version_path(self, project: str, name: str, selector: str) -> str:
        return f"/projects/{_q(project)}/artifacts/{_q(name)}/versions/{_q(selector)}"

    def _version(self, row: dict[str, Any], project: str) -> VersionInfo:
        from cairn.store.artifacts import VersionInfo

        files = row.get("files") or []
        return VersionInfo(
            id=row["id"],
            project=project,
            name=row["name"],
            type=row["type"],
            version=row["version"],
            digest=row["digest"],
            description=row["description"],
            metadata=row["metadata"],
            size=row["size"],
            file_count=row["file_count"],
            run_id=(row.get("producer") or {}).get("id"),
            created_at=row["created_at"],
            aliases=row["aliases"],
            manifest={
                f["path"]: {k: v for k, v in f.items() if k != "path" and v is not None}
                for f in files
            },
        )

    def run_artifacts(self, run: RunInfo) -> dict[str, list[VersionInfo]]:
        found = self._get(self._run_path(run, "artifacts"), RunNotFoundError)
        return {
            kind: [self.artifact(run.project, v["name"], f"v{v['version']}") for v in found[kind]]
            for kind in ("logged", "used")
        }

    def artifacts(self, project: str | None, type: str | None) -> list[ArtifactSummary]:
        from cairn.store.artifacts import ArtifactSummary

        names = [project] if project is not None else [p.name for p in self.projects()]
        params = {} if type is None else {"type": type}
        found = []
        for name in names:
            try:
                rows = self._get(
                    f"/projects/{_q(name)}/artifacts", ProjectNotFoundError, params=params
                )
            except ProjectNotFoundError:
                continue
            found += [ArtifactSummary(project=name, **row) for row in rows]
        return sorted(found, key=lambda a: (a.project, a.type, a.name))

    def artifact(self, project: str, name: str, selector: str) -> VersionInfo:
        row = self._get(self._version_path(project, name, selector), ArtifactNotFoundError)
        return self._version(row, project)

    def artifact_versions(self, project: str, name: str) -> list[VersionInfo]:
        path = f"/projects/{_q(project)}/artifacts/{_q(name)}/versions"
        rows = self._get(path, ArtifactNotFoundError)
        return [self.artifact(project, name, f"v{row['version']}") for row in rows]

    def linked_runs(self, version: VersionInfo, kind: str) -> list[str]:
        row = self._get(
            self._version_path(version.project, version.name, f"v{version.version}"),
            ArtifactNotFoundError,
        )
        return [r["id"] for r in row["logged_by" if kind == "logged" else "used_by"]]

    def set_aliases(self, version: VersionInfo, aliases: Sequence[str]) -> VersionInfo:
        path = self._version_path(version.project, version.name, f"v{version.version}")
        self._send("PUT", f"{path}/aliases", ArtifactNotFoundError, json={"aliases": list(aliases)})
        return self.artifact(version.project, version.name, f"v{version.version}")

    def delete_version(self, version: VersionInfo) -> None:
        path = self._version_path(version.project, version.name, f"v{version.version}")
        self._send("DELETE", path, ArtifactNotFoundError)

    # ---- sweeps -------------------------------------------------------------------------

    def _sweep(self, project: str, sweep_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self._get(
            f"/projects/{_q(project)}/sweeps/{_q(sweep_id)}", SweepNotFoundError
        )
        return found

    def sweep(self, sweep_id: str) -> SweepRow:
        for project in self.projects():
            try:
                return _sweep_row(self._sweep(project.name, sweep_id))
            except SweepNotFoundError:
                continue
        raise SweepNotFoundError(f"no sweep {sweep_id!r} in the projects you may read")

    def sweeps(self, project: str | None) -> list[SweepRow]:
        names = [project] if project is not None else [p.name for p in self.projects()]
        rows = []
        for name in names:  # an unknown project raises ProjectNotFoundError, as with a store
            listed = self._get(f"/projects/{_q(name)}/sweeps", ProjectNotFoundError)
            rows += [_sweep_row(self._sweep(name, s["id"])) for s in listed]
        return sorted(rows, key=lambda r: (-r.created_at, r.id))

    def trials(self, sweep: SweepRow) -> list[TrialRow]:
        from cairn.store.sweeps import TrialRow

        found = self._sweep(sweep.project, sweep.id)
        return [
            TrialRow(
                sweep_id=sweep.id,
                number=t["number"],
                run_id=t["run_id"],
                params=decode_nonfinite(t["params"]),
                status=t["status"],
                agent=t["agent"],
                claimed_at=t["claimed_at"],
                ended_at=t["ended_at"],
                note=t["note"],
                run_state=t["run_state"],
                summary=decode_nonfinite(t.get("summary") or {}),
            )
            for t in found["trials"]
        ]


def _run_info(record: dict[str, Any]) -> RunInfo:
    values = {k: v for k, v in record.items() if k in _RUN_FIELDS}
    for name in ("config", "summary", "metric_defs"):
        values[name] = decode_nonfinite(values[name])
    return RunInfo(**values)


def _sweep_row(found: dict[str, Any]) -> SweepRow:
    from cairn.store.sweeps import SweepRow

    return SweepRow(
        id=found["id"],
        project=found["project"],
        name=found["name"],
        method=found["method"],
        state=found["state"],
        config=decode_nonfinite(found["config"]),
        seed=found.get("seed", 0),
        trial_count=found["trial_count"],
        created_at=found["created_at"],
        updated_at=found["updated_at"],
    )


def _raise_bad_request(response: httpx.Response) -> None:
    """A 400: a filter or order that does not parse is a FilterError, as with a store."""
    from cairn.store.filters import FilterError

    try:
        found = response.json().get("detail")
    except (ValueError, AttributeError):
        found = None
    if isinstance(found, dict) and "position" in found:
        lines = str(found.get("message", "")).split("\n")
        reason = lines[0].rsplit(" at position ", 1)[0]
        text = lines[1][2:] if len(lines) > 1 else ""
        raise FilterError(reason, text, int(found["position"]))
    raise UsageError(detail(response))


def _saved_key(url: str) -> str | None:
    """``$CAIRN_API_KEY``, else the key ``cairn login`` saved for ``url``, else None."""
    from cairn.server_login import KEY_ENV, saved_login

    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV]
    try:
        saved = saved_login()
    except ValueError:
        return None
    return saved.key if saved is not None and saved.url == url else None
