"""Who may read a blob: ``blob_refs`` holds the digests named inside JSON documents (media
metadata, capture sections, artifact manifests), filled here from the documents already stored;
history segments' and report images' digests get an index. The team server then answers
``GET /blobs/{digest}`` with one indexed statement (``store.blob_refs``).

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from cairn.store.blob_refs import CAPTURE, MANIFEST, MEDIA, manifest_digests, sha256_values
from cairn.store.schema import Json

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    refs = op.create_table(
        "blob_refs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(80), nullable=False),
        sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id", ondelete="CASCADE")),
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey("artifact_versions.id", ondelete="CASCADE")
        ),
    )
    op.create_index("ix_blob_refs_digest", "blob_refs", ["digest"])
    op.create_index("ix_blob_refs_run", "blob_refs", ["run_id", "origin"])
    op.create_index("ix_blob_refs_version", "blob_refs", ["version_id"])
    op.create_index("ix_history_segments_blob", "history_segments", ["blob"])
    op.create_index("ix_report_images_digest", "report_images", ["digest"])
    assert refs is not None
    _fill(op.get_bind(), refs)


def _fill(conn: sa.Connection, refs: sa.Table) -> None:
    rows: list[dict[str, Any]] = []
    media = sa.table("media", sa.column("run_id"), sa.column("meta", Json))
    for run_id, meta in conn.execute(sa.select(media.c.run_id, media.c.meta)):
        for d in set((meta or {}).get("blobs") or ()):
            rows.append({"run_id": run_id, "version_id": None, "origin": MEDIA, "digest": d})
    capture = sa.table(
        "run_capture", sa.column("run_id"), sa.column("section"), sa.column("data", Json)
    )
    for run_id, section, data in conn.execute(sa.select(capture)):
        for d in set(sha256_values(data)):
            origin = CAPTURE + section
            rows.append({"run_id": run_id, "version_id": None, "origin": origin, "digest": d})
    versions = sa.table("artifact_versions", sa.column("id"), sa.column("manifest", Json))
    for version_id, manifest in conn.execute(sa.select(versions)):
        for d in manifest_digests(manifest):
            rows.append({"run_id": None, "version_id": version_id, "origin": MANIFEST, "digest": d})
    if rows:
        conn.execute(sa.insert(refs), rows)


def downgrade() -> None:
    op.drop_index("ix_report_images_digest", table_name="report_images")
    op.drop_index("ix_history_segments_blob", table_name="history_segments")
    op.drop_table("blob_refs")
