"""The SQL of the runs listing: which runs match a filter and a search, in which order, and
what a page shows of each (``Store.runs_page`` and the lookups beside it run these)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, false, func, literal, or_, select, tuple_

from cairn.store.filters import Order, compile_filter, compile_order
from cairn.store.projects import project_id
from cairn.store.schema import projects, run_tags, runs

CHUNK = 500
"""Ids bound in one ``IN (...)``."""


def project_select() -> Any:
    """Each project with its run count and last activity (``ProjectInfo``)."""
    return (
        select(
            projects.c.name,
            projects.c.created_at,
            # project_id, not id: the count and the max read the index by activity alone
            func.count(runs.c.project_id).label("run_count"),
            func.max(runs.c.updated_at).label("last_activity"),
        )
        .select_from(projects.outerjoin(runs, runs.c.project_id == projects.c.id))
        .group_by(projects.c.id)
    )


RUNS = runs.join(projects, projects.c.id == runs.c.project_id)


def ordered(
    conn: Connection,
    state: ColumnElement[str],
    where: list[ColumnElement[bool]],
    order: str | None,
    gathered: bool,
) -> tuple[Any, list[tuple[ColumnElement[Any], bool]], list[tuple[ColumnElement[Any], bool]]]:
    """The matching runs' ids in ``order`` (then id): a query of (id, total or 0, sort values),
    the order's keys, and the columns it sorts by (the keys as selected, then the id).
    ``gathered``: the matches are gathered once in a CTE, and counted from it."""
    if conn.dialect.name == "postgresql":
        # psycopg prepares a statement from its 5th run on, and PostgreSQL then plans it
        # once for any parameters, blind to the project and the filter's bounds: the
        # 100,000-run filter + sort took 730 to 765 ms instead of 163 to 195 ms.
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    sort = compile_order(order, state) if order else Order([(runs.c.created_at, True)], [])
    keys = sort.keys
    labelled = [value.label(f"k{i}") for i, (value, _) in enumerate(keys)]
    if gathered:
        matches = (
            select(runs.c.id, *labelled)
            .select_from(sort.joined(RUNS))
            .where(*where)
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
        sorted_by: list[tuple[ColumnElement[Any], bool]] = [
            (matches.c[f"k{i}"], d) for i, (_, d) in enumerate(keys)
        ]
        id_column: ColumnElement[str] = matches.c.id
        total: Any = select(func.count()).select_from(matches).scalar_subquery()
        query = select(matches.c.id, total, *(column for column, _ in sorted_by))
    else:
        sorted_by, id_column = list(keys), runs.c.id
        query = select(runs.c.id, literal(0), *labelled).select_from(sort.joined(RUNS))
        query = query.where(*where)
    query = query.order_by(*Order(sorted_by, []).by(), id_column)
    return query, keys, [*sorted_by, (id_column, False)]


def conditions(
    conn: Connection,
    state: ColumnElement[str],
    project: str | None,
    filter: str | None,
    search: str | None,
    ids: Sequence[str] | None,
    within: Collection[str] | None,
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``Store.runs_page`` (see there); the project by its id, looked up
    on ``conn`` (``projects.project_id``)."""
    where: list[ColumnElement[bool]] = []
    if project is not None:
        found = project_id(conn, project)
        where.append(false() if found is None else runs.c.project_id == found)
    if within is not None:
        where.append(projects.c.name.in_(list(within)))
    if filter:
        where.append(compile_filter(filter, state))
    if search:
        where.append(search_condition(search))
    if ids is not None:
        where.append(runs.c.id.in_(list(ids)))
    return where


def search_condition(text: str) -> ColumnElement[bool]:
    """Name, id or a tag holds ``text``, ignoring case; ``%``, ``_`` and ``\\`` match themselves."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    tagged = (run_tags.c.run_id == runs.c.id) & run_tags.c.tag.ilike(pattern, escape="\\")
    return or_(
        runs.c.name.ilike(pattern, escape="\\"),
        runs.c.id.ilike(pattern, escape="\\"),
        select(run_tags.c.run_id).where(tagged).exists(),
    )


def run_select(state: ColumnElement[str]) -> Any:
    """The columns of ``RunInfo`` (``run_lookup.run_info``) of the runs with their project, and
    ``state`` as the run's state."""
    return select(
        *(c for c in runs.c if c.name not in ("summary_state", "summary_explicit", "state")),
        state.label("state"),
        projects.c.name.label("project"),
    ).select_from(runs.join(projects, projects.c.id == runs.c.project_id))


def run_numbers(conn: Connection, rows: Sequence[Any]) -> dict[str, int]:
    """Each run's number: its rank by creation within its project, stable under any filter or
    sort, so consecutive runs get different colours in the dashboard.

    Per project, the runs created before the page's oldest run are counted, and only those
    from it to its newest are ranked, both over the ``(project_id, created_at, id)`` index:
    a page in creation order ranks a page's worth of runs, not every run after it (a loop
    over 100,000 runs, newest first, ranked half the project a page)."""
    numbers: dict[str, int] = {}
    by_project: dict[int, list[Any]] = {}
    for row in rows:
        by_project.setdefault(int(row["project_id"]), []).append(row)
    for owner_id, picked in by_project.items():
        oldest = min((r["created_at"], r["id"]) for r in picked)
        newest = max((r["created_at"], r["id"]) for r in picked)
        key = tuple_(runs.c.created_at, runs.c.id)
        before = conn.execute(
            select(func.count()).where(runs.c.project_id == owner_id, key < tuple_(*oldest))
        ).scalar_one()
        numbered = (
            select(
                runs.c.id,
                func.row_number().over(order_by=(runs.c.created_at, runs.c.id)).label("number"),
            )
            .where(
                runs.c.project_id == owner_id,
                key >= tuple_(*oldest),
                key <= tuple_(*newest),
            )
            .subquery("numbered")
        )
        ids = [r["id"] for r in picked]
        query = select(numbered.c.id, numbered.c.number)
        if len(ids) <= CHUNK:
            query = query.where(numbered.c.id.in_(ids))
        wanted = set(ids)
        numbers.update(
            (i, int(before) + int(n)) for i, n in conn.execute(query).all() if i in wanted
        )
    return numbers


def tags_of(conn: Connection, run_ids: list[str]) -> dict[str, list[str]]:
    """Each run's tags, by run id (runs without a tag are left out)."""
    out: dict[str, list[str]] = {}
    for start in range(0, len(run_ids), CHUNK):
        query = select(run_tags.c.run_id, run_tags.c.tag).where(
            run_tags.c.run_id.in_(run_ids[start : start + CHUNK])
        )
        for run_id, tag in conn.execute(query):
            out.setdefault(run_id, []).append(tag)
    return out
