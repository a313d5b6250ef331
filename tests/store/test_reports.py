"""A project's reports: every save a new, unchanging version of the blocks; found by id or title."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from tests.store.conftest import MakeStore, at_once

from cairn.errors import ProjectNotFoundError, ReportConflictError, ReportNotFoundError
from cairn.store import Store
from cairn.store.engine import MIGRATIONS
from cairn.store.reports import (
    create_report,
    delete_report,
    find_report,
    get_version,
    list_reports,
    list_versions,
    save_version,
)


@pytest.fixture
def store(make_store: MakeStore) -> Store:
    return make_store()


def test_a_new_report_has_no_version(store: Store) -> None:
    info = create_report(store, "p", " Results ", "what held", author="ada")
    assert (info.title, info.description, info.author, info.version) == (
        "Results",
        "what held",
        "ada",
        0,
    )
    assert get_version(store, info.id).blocks == []
    assert list_reports(store, "p") == [info]


def test_every_save_is_a_new_version(store: Store) -> None:
    info = create_report(store, "p", "R")
    first = [{"kind": "markdown", "text": "# one"}]
    second = [*first, {"kind": "line", "keys": ["loss"], "nan": math.nan}]
    assert save_version(store, info.id, first, author="ada") == 1
    assert save_version(store, info.id, second, title="R2", description="d") == 2
    assert get_version(store, info.id, 1).blocks == first
    latest = get_version(store, info.id)
    assert latest.version == 2
    assert latest.blocks[1]["keys"] == ["loss"] and math.isnan(latest.blocks[1]["nan"])
    assert [(v.version, v.author) for v in list_versions(store, info.id)] == [(1, "ada"), (2, None)]
    found = find_report(store, "p", info.id)
    assert (found.title, found.description, found.version) == ("R2", "d", 2)
    assert found.updated_at >= found.created_at


def test_found_by_id_or_title(store: Store) -> None:
    a = create_report(store, "p", "Alpha")
    create_report(store, "q", "Alpha")
    assert find_report(store, "p", "Alpha").id == a.id
    assert find_report(store, "p", a.id).id == a.id
    with pytest.raises(ReportNotFoundError, match="cairn report ls p"):
        find_report(store, "p", "Beta")
    create_report(store, "p", "Alpha")
    with pytest.raises(ReportNotFoundError, match="give the id"):
        find_report(store, "p", "Alpha")


def test_listed_newest_save_first(store: Store) -> None:
    a = create_report(store, "p", "A")
    b = create_report(store, "p", "B")
    save_version(store, a.id, [])
    assert list_reports(store, "p")[0].title == "A"
    save_version(store, b.id, [])
    assert [r.title for r in list_reports(store, "p")] == ["B", "A"]
    with pytest.raises(ProjectNotFoundError):
        list_reports(store, "nope")


def test_missing_reports_and_versions(store: Store) -> None:
    info = create_report(store, "p", "R")
    with pytest.raises(ReportNotFoundError, match="no version 3"):
        get_version(store, info.id, 3)
    with pytest.raises(ReportNotFoundError):
        save_version(store, "missing", [])
    with pytest.raises(ValueError, match="needs a title"):
        create_report(store, "p", "  ")
    delete_report(store, info.id)
    with pytest.raises(ReportNotFoundError):
        get_version(store, info.id)
    assert list_reports(store, "p") == []


def test_every_version_records_the_title_and_description_after_its_save(store: Store) -> None:
    info = create_report(store, "p", "Draft", "first")
    save_version(store, info.id, [])  # neither given: the report's own
    save_version(store, info.id, [], title=" Final ")
    save_version(store, info.id, [], description="")
    got = [(v.version, v.title, v.description) for v in list_versions(store, info.id)]
    assert got == [(1, "Draft", "first"), (2, "Final", "first"), (3, "Final", "")]
    assert (get_version(store, info.id, 2).title, get_version(store, info.id).description) == (
        "Final",
        "",
    )
    assert get_version(store, create_report(store, "p", "New").id).title is None  # version 0


def test_saves_at_once_get_distinct_numbers(store: Store) -> None:
    info = create_report(store, "p", "R")
    numbers = at_once(
        store, lambda s, i: save_version(s, info.id, [{"i": i}], title=f"T{i}"), workers=6
    )
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]  # type: ignore[type-var]
    versions = list_versions(store, info.id)
    assert sorted(v.blocks[0]["i"] for v in versions) == list(range(6))
    assert all(v.title == f"T{v.blocks[0]['i']}" for v in versions)  # each its own save's title
    latest = max(versions, key=lambda v: v.version)
    assert find_report(store, "p", info.id).title == latest.title


def test_versions_saved_before_migration_0018_keep_their_blocks_without_titles(
    store: Store,
) -> None:
    info = create_report(store, "p", "Old", "old text")
    save_version(store, info.id, [{"kind": "markdown", "text": "a"}])
    save_version(store, info.id, [{"kind": "markdown", "text": "b"}], title="Older")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0017")
        conn.commit()
    with store.engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("report_versions")}
        assert "title" not in columns
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0018")
        conn.commit()
    before = list_versions(store, info.id)
    assert [(v.blocks[0]["text"], v.title, v.description) for v in before] == [
        ("a", None, None),
        ("b", None, None),
    ]
    save_version(store, info.id, before[0].blocks)
    assert (get_version(store, info.id).title, get_version(store, info.id).description) == (
        "Older",
        "old text",
    )


def test_a_save_from_a_version_no_longer_latest_is_refused(store: Store) -> None:
    info = create_report(store, "p", "R")
    assert save_version(store, info.id, [{"tab": "a"}], base_version=0, title="A") == 1
    with pytest.raises(ReportConflictError, match="version 1 since version 0"):
        save_version(store, info.id, [{"tab": "b"}], base_version=0, title="B")
    assert [v.blocks for v in list_versions(store, info.id)] == [[{"tab": "a"}]]
    assert find_report(store, "p", info.id).title == "A"  # the refused save changed nothing


def test_of_saves_at_once_from_one_version_only_one_lands(store: Store) -> None:
    info = create_report(store, "p", "R")

    def save(s: Store, i: int) -> int | None:
        try:
            return save_version(s, info.id, [{"i": i}], base_version=0)
        except ReportConflictError:
            return None

    results = at_once(store, save, workers=4)
    assert sorted(r for r in results if r is not None) == [1]  # type: ignore[type-var]
    assert len(list_versions(store, info.id)) == 1
