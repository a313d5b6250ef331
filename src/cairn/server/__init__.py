"""The dashboard's server: a FastAPI app with the JSON API under ``/api/v1`` and the web app
(``cairn.server.app.create_app``). Importing this package imports nothing else: a command that
needs only a part of it (``cairn admin key create`` and ``auth.credentials``) does not pay for
FastAPI and every route."""
