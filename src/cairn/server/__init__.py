"""The dashboard's server: a FastAPI app with the JSON API under ``/api/v1`` and the web app."""

from __future__ import annotations

from cairn.server.app import create_app
from cairn.server.static import built_web_app

__all__ = ["built_web_app", "create_app"]
