"""The SQL schema of a store, in SQLAlchemy Core. Changes go through a new Alembic migration."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

Json = JSON().with_variant(JSONB(), "postgresql")

projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("run_counter", Integer, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("state", String(16), nullable=False),  # running | finished | failed
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("exit_code", Integer),
    Column("error", Text),
    Column("notes", Text),
    Column("group_name", String(255)),
    Column("job_type", String(255)),
    Column("host", String(255)),
    Column("program", Text),
    Column("config", Json, nullable=False),
    Column("summary", Json, nullable=False),  # what readers see: computed, overlaid by explicit
    Column("summary_explicit", Json, nullable=False),
    Column("summary_state", Json, nullable=False),  # per-key aggregation state
    Column("metric_defs", Json, nullable=False),  # list of {name, summary, step_metric}
    Column("history_keys", Json, nullable=False),  # sorted list of logged keys
    Column("history_rows", Integer, nullable=False),
    Column("last_step", BigInteger),
    Column("last_seq", BigInteger, nullable=False),  # last journal seq applied: idempotent sync
    Column("reproduction_of", String(320)),  # project/id of the run this one reproduces
    Index("ix_runs_project_created", "project_id", "created_at"),
    Index("ix_runs_reproduction_of", "reproduction_of"),
)

run_tags = Table(
    "run_tags",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(255), primary_key=True),
    Index("ix_run_tags_tag", "tag"),
)

history_tail = Table(
    "history_tail",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("first_seq", BigInteger, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("min_step", BigInteger, nullable=False),
    Column("max_step", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),  # msgpack, columnar: see store.history
)

history_segments = Table(
    "history_segments",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("first_seq", BigInteger, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("min_step", BigInteger, nullable=False),
    Column("max_step", BigInteger, nullable=False),
    Column("blob", String(64), nullable=False),  # sha256 of the Parquet file in the BlobStore
    Column("size", Integer, nullable=False),
)

workspaces = Table(
    "workspaces",
    metadata,
    Column(
        "project_id",
        Integer,
        ForeignKey("projects.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("data", Json, nullable=False),  # the dashboard's saved layout, opaque to the store
    Column("updated_at", Float, nullable=False),
)

run_capture = Table(
    "run_capture",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("section", String(64), primary_key=True),  # git, code, environment, command, ...
    Column("data", Json, nullable=False),
    Column("seq", BigInteger, nullable=False),  # the journal record it came from
)

console = Table(
    "console",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("line", BigInteger, primary_key=True),  # 0, 1, 2... in the order written
    Column("seq", BigInteger, nullable=False),  # the journal record it came from
    Column("stream", String(8), nullable=False),  # stdout | stderr
    Column("ts", Float, nullable=False),
    Column("text", Text, nullable=False),
)

reproductions = Table(
    "reproductions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("verdict", String(32), nullable=False),  # reproduced | not reproduced | failed
    Column("runs", Json, nullable=False),  # ids of the reproduction runs
    Column("metrics", Json, nullable=False),  # one comparison per summary metric
    Column("details", Json, nullable=False),  # options, environment differences, warnings
    Column("report", Text, nullable=False),  # the Markdown report
    Index("ix_reproductions_run", "run_id"),
)

# --- sweeps (migration 0004) ---

# --- artifacts (migration 0005) ---

# --- media (migration 0006) ---

media = Table(
    "media",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", BigInteger, primary_key=True),  # the journal record it came from
    Column("key", String(256), nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("ts", Float, nullable=False),
    Column("kind", String(16), nullable=False),  # image | histogram | table | plot | text | ...
    Column("blob", String(64)),  # sha256 of the main bytes; None for inline kinds (histograms)
    Column("meta", Json, nullable=False),  # size, caption, masks, boxes, bins, columns; "blobs"
    Index("ix_media_run_key_step", "run_id", "key", "step"),
    Index("ix_media_blob", "blob"),
)
