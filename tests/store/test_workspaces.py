"""A project's saved workspace: one JSON object, replaced whole, kept opaque."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from cairn.errors import ProjectNotFoundError
from cairn.store import Store
from cairn.store.engine import MIGRATIONS, create_store_engine
from cairn.store.store import DB_NAME
from cairn.store.workspaces import get_workspace, save_workspace


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.local(tmp_path)
    store.reserve_run_number("p")
    store.reserve_run_number("q")
    yield store
    store.close()


def test_none_saved_reads_as_empty(store: Store) -> None:
    assert get_workspace(store, "p") == {}


def test_save_replaces_and_is_per_project(store: Store) -> None:
    save_workspace(store, "p", {"panels": [{"key": "loss"}], "v": 1})
    save_workspace(store, "q", {"other": True})
    assert get_workspace(store, "p") == {"panels": [{"key": "loss"}], "v": 1}
    save_workspace(store, "p", {"v": 2})
    assert get_workspace(store, "p") == {"v": 2}
    assert get_workspace(store, "q") == {"other": True}


def test_the_document_comes_back_as_json(store: Store) -> None:
    save_workspace(store, "p", {"s": "NaN", "f": math.nan, "inf": math.inf})
    assert get_workspace(store, "p") == {"s": "NaN", "f": "NaN", "inf": "Infinity"}


def test_unknown_project(store: Store) -> None:
    with pytest.raises(ProjectNotFoundError):
        get_workspace(store, "nope")
    with pytest.raises(ProjectNotFoundError):
        save_workspace(store, "nope", {})


def test_survives_reopening(tmp_path: Path, store: Store) -> None:
    save_workspace(store, "p", {"kept": [1, 2]})
    again = Store.local(tmp_path)
    try:
        assert get_workspace(again, "p") == {"kept": [1, 2]}
    finally:
        again.close()


def test_a_store_from_before_workspaces_gets_the_table(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / DB_NAME}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.commit()
    engine.dispose()
    store = Store.local(tmp_path)
    try:
        store.reserve_run_number("p")
        save_workspace(store, "p", {"after": "migration"})
        assert get_workspace(store, "p") == {"after": "migration"}
    finally:
        store.close()
