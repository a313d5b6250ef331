"""The first schema: projects, runs, tags, history tail and sealed history segments.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("run_counter", sa.Integer, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("heartbeat_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float),
        sa.Column("exit_code", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("group_name", sa.String(255)),
        sa.Column("job_type", sa.String(255)),
        sa.Column("host", sa.String(255)),
        sa.Column("program", sa.Text),
        sa.Column("config", Json, nullable=False),
        sa.Column("summary", Json, nullable=False),
        sa.Column("summary_explicit", Json, nullable=False),
        sa.Column("summary_state", Json, nullable=False),
        sa.Column("metric_defs", Json, nullable=False),
        sa.Column("history_keys", Json, nullable=False),
        sa.Column("history_rows", sa.Integer, nullable=False),
        sa.Column("last_step", sa.BigInteger),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_runs_project_created", "runs", ["project_id", "created_at"])
    op.create_table(
        "run_tags",
        sa.Column(
            "run_id",
            sa.String(64),
            sa.ForeignKey("runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(255), primary_key=True),
    )
    op.create_index("ix_run_tags_tag", "run_tags", ["tag"])
    for name, extra in (
        ("history_tail", [sa.Column("data", sa.LargeBinary, nullable=False)]),
        (
            "history_segments",
            [
                sa.Column("blob", sa.String(64), nullable=False),
                sa.Column("size", sa.Integer, nullable=False),
            ],
        ),
    ):
        op.create_table(
            name,
            sa.Column(
                "run_id",
                sa.String(64),
                sa.ForeignKey("runs.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("first_seq", sa.BigInteger, primary_key=True),
            sa.Column("last_seq", sa.BigInteger, nullable=False),
            sa.Column("rows", sa.Integer, nullable=False),
            sa.Column("min_step", sa.BigInteger, nullable=False),
            sa.Column("max_step", sa.BigInteger, nullable=False),
            *extra,
        )


def downgrade() -> None:
    for name in ("history_segments", "history_tail", "run_tags", "runs", "projects"):
        op.drop_table(name)
