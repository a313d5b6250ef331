"""References: files an artifact points at without copying them (``file://``, ``s3://`` through
fsspec, ``http(s)://``). Logging records size and a checksum (sha256, or the server's ETag);
downloading fetches the bytes and checks them against it."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from cairn.artifacts.manifest import copy_into, hash_stream
from cairn.errors import ArtifactError

SCHEMES = ("file", "s3", "http", "https")
TIMEOUT = 60.0


def describe(uri: str) -> dict[str, Any]:
    """The manifest entry of a reference: ``{"ref", "size"}`` plus ``sha256`` or ``etag``."""
    scheme = _scheme(uri)
    if scheme == "file":
        path = _local_path(uri)
        if not path.is_file():
            raise ArtifactError(f"reference {uri}: no such file; check the path")
        with open(path, "rb") as f:
            digest, size = hash_stream(f)
        return {"ref": uri, "size": size, "sha256": digest}
    if scheme in ("http", "https"):
        request = urllib.request.Request(uri, method="HEAD")
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            etag = response.headers.get("ETag")
            length = response.headers.get("Content-Length")
        if etag:
            return {"ref": uri, "size": int(length or 0), "etag": etag}
        with urllib.request.urlopen(uri, timeout=TIMEOUT) as response:
            digest, size = hash_stream(response)
        return {"ref": uri, "size": size, "sha256": digest}
    info = _fs(uri).info(uri)
    etag = info.get("ETag") or info.get("etag")
    entry: dict[str, Any] = {"ref": uri, "size": int(info.get("size") or 0)}
    if etag:
        entry["etag"] = str(etag)
        return entry
    with _fs(uri).open(uri, "rb") as f:
        entry["sha256"] = hash_stream(f)[0]
    return entry


def fetch(entry: dict[str, Any], target: Path) -> str:
    """Download a reference to ``target``, checking it against what was logged; returns sha256."""
    uri = str(entry["ref"])
    scheme = _scheme(uri)
    expect = entry.get("sha256")
    etag = entry.get("etag")
    if scheme == "file":
        with open(_local_path(uri), "rb") as f:
            return copy_into(f, target, expect)[0]
    if scheme in ("http", "https"):
        with urllib.request.urlopen(uri, timeout=TIMEOUT) as response:
            _check_etag(uri, etag, response.headers.get("ETag"))
            return copy_into(response, target, expect)[0]
    fs = _fs(uri)
    if etag:
        info = fs.info(uri)
        _check_etag(uri, etag, info.get("ETag") or info.get("etag"))
    with fs.open(uri, "rb") as remote:
        return copy_into(remote, target, expect)[0]


def _check_etag(uri: str, logged: object, now: object) -> None:
    if logged and now and str(logged) != str(now):
        raise ArtifactError(
            f"reference {uri} changed since it was logged (ETag {now} ≠ {logged}); "
            "log a new version of the artifact if the new contents are intended"
        )


def _scheme(uri: str) -> str:
    scheme = urlparse(uri).scheme if isinstance(uri, str) else ""
    if scheme not in SCHEMES:
        raise ValueError(
            f"reference {uri!r}: give a file://, s3://, http:// or https:// URI "
            "(add local files with add_file instead)"
        )
    return scheme


def _local_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


def _fs(uri: str) -> Any:
    import fsspec

    try:
        return fsspec.core.url_to_fs(uri)[0]
    except ImportError as exc:
        raise ArtifactError(f"reference {uri}: {exc} (install s3fs for s3://)") from exc
