"""A project's saved views: named JSON documents, replaced whole, kept opaque; one is the default."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from tests.store.conftest import MakeStore, reopen

from cairn.errors import ProjectNotFoundError, ViewConflictError, ViewNotFoundError
from cairn.store import Store
from cairn.store.engine import MIGRATIONS, create_store_engine
from cairn.store.store import DB_NAME
from cairn.store.workspaces import (
    create_view,
    delete_view,
    get_workspace,
    list_views,
    rename_view,
    save_workspace,
    set_default_view,
    view_name,
)


@pytest.fixture
def store(make_store: MakeStore) -> Iterator[Store]:
    store = make_store()
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


def test_survives_reopening(store: Store) -> None:
    save_workspace(store, "p", {"kept": [1, 2]})
    again = reopen(store)
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


def test_saving_the_default_document_creates_the_default_view(store: Store) -> None:
    assert list_views(store, "p") == []
    save_workspace(store, "p", {"v": 1})
    [view] = list_views(store, "p")
    assert (view.name, view.is_default) == ("Default", True)
    assert get_workspace(store, "p", "Default") == {"v": 1}


def test_named_views_keep_their_own_documents(store: Store) -> None:
    save_workspace(store, "p", {"who": "default"})
    create_view(store, "p", "  Loss only ", {"who": "loss"})
    assert [v.name for v in list_views(store, "p")] == ["Default", "Loss only"]
    assert get_workspace(store, "p", "Loss only") == {"who": "loss"}
    save_workspace(store, "p", {"who": "loss 2"}, "Loss only")
    assert get_workspace(store, "p") == {"who": "default"}
    assert get_workspace(store, "p", "Loss only") == {"who": "loss 2"}
    with pytest.raises(ViewNotFoundError):
        get_workspace(store, "p", "nope")
    with pytest.raises(ViewNotFoundError):
        save_workspace(store, "p", {}, "nope")


def test_the_first_view_of_a_project_is_its_default(store: Store) -> None:
    assert create_view(store, "q", "Mine", {"a": 1}).is_default
    assert get_workspace(store, "q") == {"a": 1}


def test_rename_set_default_and_delete(store: Store) -> None:
    save_workspace(store, "p", {"v": "d"})
    create_view(store, "p", "B", {"v": "b"})
    with pytest.raises(ViewConflictError):
        create_view(store, "p", "B", {})
    with pytest.raises(ViewConflictError):
        rename_view(store, "p", "B", "Default")
    assert rename_view(store, "p", "B", "Beta").name == "Beta"
    assert get_workspace(store, "p", "Beta") == {"v": "b"}
    with pytest.raises(ViewConflictError, match="default"):
        delete_view(store, "p", "Default")
    set_default_view(store, "p", "Beta")
    assert [(v.name, v.is_default) for v in list_views(store, "p")] == [
        ("Beta", True),
        ("Default", False),
    ]
    assert get_workspace(store, "p") == {"v": "b"}
    delete_view(store, "p", "Default")
    assert [v.name for v in list_views(store, "p")] == ["Beta"]
    with pytest.raises(ViewNotFoundError):
        delete_view(store, "p", "Default")


@pytest.mark.parametrize("bad", ["", "   ", "x" * 101, "tab\there", "nul\x00"])
def test_bad_view_names(bad: str) -> None:
    with pytest.raises(ValueError):
        view_name(bad)


def test_a_workspace_from_before_views_becomes_the_default_view(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / DB_NAME}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
        conn.exec_driver_sql(
            "INSERT INTO projects (name, created_at, run_counter) VALUES ('old', 0, 0)"
        )
        conn.exec_driver_sql(
            "INSERT INTO workspaces (project_id, data, updated_at) "
            "SELECT id, '{\"panels\": [1]}', 5 FROM projects"
        )
        conn.commit()
    engine.dispose()
    store = Store.local(tmp_path)
    try:
        assert get_workspace(store, "old") == {"panels": [1]}
        assert [(v.name, v.is_default) for v in list_views(store, "old")] == [("Default", True)]
    finally:
        store.close()
