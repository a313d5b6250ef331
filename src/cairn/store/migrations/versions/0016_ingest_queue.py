"""The ingest queue: batches of journal records that ``cairn server`` acknowledged and its
applier has not applied yet (store.ingest_queue). On SQLite the server keeps the queue in a
file of its own beside the database; the table is made here too so that both schemas match.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_queue",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("project", sa.String(255), nullable=False),
        sa.Column("first_seq", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("retry_at", sa.Float, nullable=False, server_default="0"),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_index("ix_ingest_queue_run", "ingest_queue", ["run_id", "first_seq"])


def downgrade() -> None:
    op.drop_index("ix_ingest_queue_run", "ingest_queue")
    op.drop_table("ingest_queue")
