"""Saved views: a project's dashboard layouts, named, one of them the default.

The one workspace a project had becomes its default view, named "Default".

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "views",
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("data", Json, nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.execute(
        "INSERT INTO views (project_id, name, data, is_default, updated_at) "
        "SELECT project_id, 'Default', data, TRUE, updated_at FROM workspaces"
    )
    op.drop_table("workspaces")


def downgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("data", Json, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.execute(
        "INSERT INTO workspaces (project_id, data, updated_at) "
        "SELECT project_id, data, updated_at FROM views WHERE is_default"
    )
    op.drop_table("views")
