"""Summary values out of the JSON into ``run_values``, one row per run and top-level key, indexed
by (key, rank, number), so that filtering and sorting runs on a summary key read an index instead
of every run's JSON (store.run_values); filled here from the runs already in the store.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from alembic import op

from cairn.store.run_values import values

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_BATCH = 20_000


def upgrade() -> None:
    table = op.create_table(
        "run_values",
        sa.Column(
            "run_id",
            sa.String(64),
            sa.ForeignKey("runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("rank", sa.SmallInteger, nullable=False),
        sa.Column("num", sa.Float),
        sa.Column("text", sa.Text),
        sqlite_with_rowid=False,  # a lookup by (run, key) reads one b-tree, not two
    )
    assert table is not None
    decode = msgspec.json.Decoder().decode
    runs = sa.table("runs", sa.column("id", sa.String), sa.column("summary", sa.Text))
    query = sa.select(runs.c.id, sa.cast(runs.c.summary, sa.Text)).order_by(runs.c.id)
    bind = op.get_bind()
    rows: list[dict[str, object]] = []
    for run_id, summary in bind.execute(query).all():
        for key, (rank, num, text) in sorted(values(decode(summary)).items()):
            rows.append({"run_id": run_id, "key": key, "rank": rank, "num": num, "text": text})
        if len(rows) >= _BATCH:
            op.bulk_insert(table, rows)
            rows = []
    if rows:
        op.bulk_insert(table, rows)
    # after the rows: one sorted build instead of an index kept through every insert
    op.create_index("ix_run_values_key_rank_num", "run_values", ["key", "rank", "num"])


def downgrade() -> None:
    op.drop_table("run_values")
