"""Who may do what through the MLflow endpoints: the same project roles as the JSON API
(``cairn.server.auth.access``), checked per call once the experiment's project is known, with
MLflow's error shape so clients raise ``MlflowException`` with the reason."""

from __future__ import annotations

from fastapi import HTTPException, Request

from cairn.server.auth.access import Caller, Need, check, found_if_new
from cairn.store import Store
from cairn.store.accounts import readable_projects

CODES = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "RESOURCE_DOES_NOT_EXIST"}


class MlflowError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.status = code, status


def require(request: Request, need: Need, project: str) -> None:
    """MlflowError unless the caller may ``need`` on ``project`` (anything on ``cairn ui``); a
    first write to a project that does not exist (``Need.LOGGER``) makes the caller its admin."""
    try:
        check(request, need, project)
        found_if_new(request)  # the MLflow endpoints check their input before asking
    except HTTPException as exc:
        code = CODES.get(exc.status_code, "INVALID_PARAMETER_VALUE")
        raise MlflowError(code, str(exc.detail), exc.status_code) from None


def readable(request: Request, store: Store) -> set[str] | None:
    """The projects the caller may read; None: every project."""
    caller: Caller = request.state.caller
    return None if caller.local else readable_projects(store, caller.user)
