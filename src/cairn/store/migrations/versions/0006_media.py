"""Media: images, histograms, tables and other rich values logged with run.log.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column(
            "run_id", sa.String(64), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("key", sa.String(256), nullable=False),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("blob", sa.String(64)),
        sa.Column("meta", Json, nullable=False),
    )
    op.create_index("ix_media_run_key_step", "media", ["run_id", "key", "step"])
    op.create_index("ix_media_blob", "media", ["blob"])


def downgrade() -> None:
    op.drop_index("ix_media_blob", "media")
    op.drop_index("ix_media_run_key_step", "media")
    op.drop_table("media")
