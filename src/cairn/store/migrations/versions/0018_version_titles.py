"""Report versions record the report's title and description in effect after each save, so a
version can be read, compared and restored with them. Versions saved before this keep null:
they did not record them.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("report_versions", sa.Column("title", sa.String(255)))
    op.add_column("report_versions", sa.Column("description", sa.Text))


def downgrade() -> None:
    op.drop_column("report_versions", "description")
    op.drop_column("report_versions", "title")
