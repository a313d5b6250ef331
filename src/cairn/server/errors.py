"""How errors become responses: a 4xx with a message for every bad request, 500 only for bugs.

- a filter or order that does not parse: 400 ``{"detail": {"message": ..., "position": n}}``
- an unknown project, run, sweep, artifact, report or saved view: 404 ``{"detail": "..."}``
- unsafe artifact contents: 400
- a sweep asked to change to a state its own does not allow, a view name already taken, deleting
  the default view, a report saved since the version an edit started from: 409 ``{"detail": "..."}``
- a value the database refuses (PostgreSQL and NUL characters): 400 ``{"detail": "..."}``
- a body or parameter of the wrong shape: 422 with FastAPI's list of problems, made JSON-safe
  (the input it echoes may hold NaN, bytes or deep nesting)
- anything else is a bug: logged with its traceback, 500 ``{"detail": "..."}``
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from cairn.errors import (
    ArtifactError,
    ArtifactNotFoundError,
    CursorError,
    ProjectNotFoundError,
    ReportConflictError,
    ReportNotFoundError,
    RunNotFoundError,
    SweepNotFoundError,
    SweepStateError,
    ViewConflictError,
    ViewNotFoundError,
)
from cairn.server.security import HEADERS
from cairn.store.filters import FilterError

log = logging.getLogger("cairn.server")


async def _filter_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FilterError)
    detail = {"message": str(exc), "position": exc.position}
    return JSONResponse({"detail": detail}, status_code=400)


def _json_safe(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON: non-finite floats as strings, other objects as their repr."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth > 16:
        return "..."
    if isinstance(value, dict):
        return {str(k): _json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v, depth + 1) for v in value]
    return repr(value)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": _json_safe(list(exc.errors()))}, status_code=422)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=409)


async def _bad_request(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=400)


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    reason = getattr(exc, "orig", exc)
    return JSONResponse({"detail": f"the database refused a value: {reason}"}, status_code=400)


async def _bug(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    detail = f"internal error ({type(exc).__name__}); the server log has the traceback"
    # Starlette sends this answer from outside the app's middleware: add its headers here.
    return JSONResponse({"detail": detail}, status_code=500, headers=HEADERS)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(FilterError, _filter_error)
    app.add_exception_handler(ProjectNotFoundError, _not_found)
    app.add_exception_handler(RunNotFoundError, _not_found)
    app.add_exception_handler(SweepNotFoundError, _not_found)
    app.add_exception_handler(SweepStateError, _conflict)
    app.add_exception_handler(ArtifactNotFoundError, _not_found)
    app.add_exception_handler(ReportNotFoundError, _not_found)
    app.add_exception_handler(ReportConflictError, _conflict)
    app.add_exception_handler(ViewNotFoundError, _not_found)
    app.add_exception_handler(ViewConflictError, _conflict)
    app.add_exception_handler(ArtifactError, _bad_request)
    app.add_exception_handler(CursorError, _bad_request)
    app.add_exception_handler(DataError, _refused)
    app.add_exception_handler(Exception, _bug)
