"""Reproducibility: what a run captured, its console, and comparisons of reproductions.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def _run_id() -> sa.Column[str]:
    return sa.Column(
        "run_id", sa.String(64), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("reproduction_of", sa.String(320)))
    op.create_index("ix_runs_reproduction_of", "runs", ["reproduction_of"])
    op.create_table(
        "run_capture",
        _run_id(),
        sa.Column("section", sa.String(64), primary_key=True),
        sa.Column("data", Json, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "console",
        _run_id(),
        sa.Column("line", sa.BigInteger, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("stream", sa.String(8), nullable=False),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "reproductions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.String(64), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("runs", Json, nullable=False),
        sa.Column("metrics", Json, nullable=False),
        sa.Column("details", Json, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
    )
    op.create_index("ix_reproductions_run", "reproductions", ["run_id"])


def downgrade() -> None:
    op.drop_table("reproductions")
    op.drop_table("console")
    op.drop_table("run_capture")
    op.drop_index("ix_runs_reproduction_of", "runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("reproduction_of")
