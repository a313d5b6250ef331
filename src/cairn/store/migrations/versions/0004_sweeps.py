"""Sweeps: sweep definitions, their trials and the claims agents make on them.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("sweep_id", sa.String(64)))
    op.create_index("ix_runs_sweep_id", "runs", ["sweep_id"])
    op.create_table(
        "sweeps",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("config", Json, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("trial_count", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_sweeps_project", "sweeps", ["project_id", "created_at"])
    op.create_table(
        "sweep_trials",
        sa.Column(
            "sweep_id",
            sa.String(64),
            sa.ForeignKey("sweeps.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("params", Json, nullable=False),
        sa.Column("suggestion", Json),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("agent", sa.String(255), nullable=False),
        sa.Column("claimed_at", sa.Float, nullable=False),
        sa.Column("ended_at", sa.Float),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_sweep_trials_run", "sweep_trials", ["run_id"])


def downgrade() -> None:
    op.drop_table("sweep_trials")
    op.drop_table("sweeps")
    op.drop_index("ix_runs_sweep_id", "runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("sweep_id")
