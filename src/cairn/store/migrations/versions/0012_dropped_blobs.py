"""Dropped blobs: history segments that compaction or a deleted run left, deleted after a grace
period so that a reader still holding the old list of segments finds them.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dropped_blobs",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("dropped_at", sa.Float, nullable=False),
    )
    op.create_index("ix_dropped_blobs_dropped_at", "dropped_blobs", ["dropped_at"])


def downgrade() -> None:
    op.drop_index("ix_dropped_blobs_dropped_at", "dropped_blobs")
    op.drop_table("dropped_blobs")
