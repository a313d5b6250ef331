"""The catalogue of a project's keys (config paths, summary keys, metric keys), counted from the
runs already in the store; from now on applying and deleting runs keep it (store.catalogue).
The index of runs by creation holds their ids too, so that numbering a project's runs and
paging them in the default order read the index alone; a new index by latest activity lets
the project list count runs and find their latest activity without reading the runs.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from collections import Counter

import msgspec
import sqlalchemy as sa
from alembic import op

from cairn.store.catalogue import MAX_KEY, run_keys

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_runs_project_created", "runs")
    op.create_index("ix_runs_project_created", "runs", ["project_id", "created_at", "id"])
    op.create_index("ix_runs_project_updated", "runs", ["project_id", "updated_at"])
    table = op.create_table(
        "project_keys",
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("runs", sa.Integer, nullable=False),
    )
    assert table is not None
    decode = msgspec.json.Decoder().decode
    runs = sa.table(
        "runs",
        sa.column("project_id", sa.Integer),
        sa.column("config", sa.Text),
        sa.column("summary", sa.Text),
        sa.column("history_keys", sa.Text),
    )
    counts: Counter[tuple[int, str, str]] = Counter()
    query = sa.select(
        runs.c.project_id,
        sa.cast(runs.c.config, sa.Text),
        sa.cast(runs.c.summary, sa.Text),
        sa.cast(runs.c.history_keys, sa.Text),
    )
    for project_id, config, summary, metrics in op.get_bind().execute(query):
        for kind, keys in run_keys(decode(config), decode(summary), decode(metrics)).items():
            counts.update((project_id, kind, key) for key in keys if len(key) <= MAX_KEY)
    rows = [
        {"project_id": p, "kind": kind, "key": key, "runs": n}
        for (p, kind, key), n in sorted(counts.items())
    ]
    for start in range(0, len(rows), 10_000):
        op.bulk_insert(table, rows[start : start + 10_000])


def downgrade() -> None:
    op.drop_index("ix_runs_project_updated", "runs")
    op.drop_table("project_keys")
    op.drop_index("ix_runs_project_created", "runs")
    op.create_index("ix_runs_project_created", "runs", ["project_id", "created_at"])
