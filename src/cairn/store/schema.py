"""The SQL schema of a store, in SQLAlchemy Core. Changes go through a new Alembic migration."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

metadata = MetaData()


class _Json(TypeDecorator[Any]):
    """JSON, JSONB on PostgreSQL. Its dialect (about 20 ms to import, on the way of a training
    script's first apply) loads for a PostgreSQL store only, as ``JSONB`` is asked for there."""

    impl = JSON
    cache_ok = True
    should_evaluate_none = True  # as JSON: None is stored as JSON null, not SQL NULL

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


Json = _Json()

projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("run_counter", Integer, nullable=False),
    # private: its members only; public: anyone may read (migration 0009)
    Column("visibility", String(16), nullable=False, server_default="private"),
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
    Column("sweep_id", String(64)),  # the sweep whose trial this run is (migration 0004)
    Index("ix_runs_project_created", "project_id", "created_at", "id"),  # id: migration 0014
    Index("ix_runs_project_updated", "project_id", "updated_at"),  # migration 0014
    Index("ix_runs_reproduction_of", "reproduction_of"),
    Index("ix_runs_sweep_id", "sweep_id"),
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
    Index("ix_history_segments_blob", "blob"),  # migration 0020: who may read a blob
)

dropped_blobs = Table(  # migration 0012: blobs deleted once no reader can still use them
    "dropped_blobs",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("dropped_at", Float, nullable=False),  # unix seconds, by the dropping writer's clock
    Index("ix_dropped_blobs_dropped_at", "dropped_at"),
)

project_keys = Table(  # migration 0014: the catalogue of keys (store.catalogue)
    "project_keys",
    metadata,
    Column(
        "project_id",
        Integer,
        ForeignKey("projects.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("kind", String(8), primary_key=True),  # config | summary | metric
    Column("key", Text, primary_key=True),
    Column("runs", Integer, nullable=False),  # how many of the project's runs have it
)

run_values = Table(  # migration 0015: summary values out of the JSON, indexed (store.run_values)
    "run_values",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("key", Text, primary_key=True),  # a top-level summary key
    Column("rank", SmallInteger, nullable=False),  # 0 number, 1 string, 2 bool, 3 list or object
    Column("num", Float),  # a number, or a bool as 0/1
    Column("text", Text),  # a string, or a list or object as JSON
    # migration 0019: the run last, so a filter reads the index alone (an index-only scan)
    Index("ix_run_values_key_rank_num_run", "key", "rank", "num", "run_id"),
    sqlite_with_rowid=False,  # a lookup by (run, key) reads one b-tree, not two
)

ingest_queue = Table(  # migration 0016: batches a server acknowledged, not applied yet
    "ingest_queue",  # (store.ingest_queue; on SQLite it lives in a file of its own)
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False),
    Column("project", String(255), nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("body", LargeBinary, nullable=False),  # the request's body: gzip msgpack records
    Column("received_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),  # failed applies
    Column("retry_at", Float, nullable=False, server_default="0"),
    Column("error", Text, nullable=True),  # why the last apply failed
    Index("ix_ingest_queue_run", "run_id", "first_seq"),
)

views = Table(
    "views",
    metadata,
    Column(
        "project_id",
        Integer,
        ForeignKey("projects.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("name", String(100), primary_key=True),
    Column("data", Json, nullable=False),  # the dashboard's layout, opaque to the store
    Column("is_default", Boolean, nullable=False),  # the view a project opens with
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

sweeps = Table(
    "sweeps",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("method", String(16), nullable=False),  # grid | random | bayes
    Column(
        "state", String(16), nullable=False
    ),  # running | paused | stopped | cancelled | finished
    Column("config", Json, nullable=False),  # the sweep config as given (W&B's schema)
    Column("seed", BigInteger, nullable=False),  # random and bayes draw from (seed, trial number)
    Column("trial_count", Integer, nullable=False),  # trials claimed so far: the next number
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_sweeps_project", "project_id", "created_at"),
)

sweep_trials = Table(
    "sweep_trials",
    metadata,
    Column("sweep_id", String(64), ForeignKey("sweeps.id", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),  # 0, 1, 2... in claim order
    Column("run_id", String(64), nullable=False),  # chosen at the claim; the run appears later
    Column("params", Json, nullable=False),  # the trial's parameters, nested like the config
    Column("suggestion", Json),  # bayes: Optuna's internal parameter values, told back later
    Column("status", String(16), nullable=False),  # running | finished | failed | stopped | killed
    Column("agent", String(255), nullable=False),  # host:pid of the agent that claimed it
    Column("claimed_at", Float, nullable=False),
    Column("ended_at", Float),
    Column("note", Text),  # why it ended so (early termination, cancel, the failure's tail)
    Index("ix_sweep_trials_run", "run_id"),
)

# --- artifacts (migration 0005) ---

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("type", String(64), nullable=False),  # dataset, model, ...
    Column("created_at", Float, nullable=False),
    Column("version_counter", Integer, nullable=False),  # the next version number to assign
    UniqueConstraint("project_id", "name", name="uq_artifacts_project_name"),
)

artifact_versions = Table(
    "artifact_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("artifact_id", Integer, ForeignKey("artifacts.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),  # v0, v1, ... per artifact
    Column("digest", String(64), nullable=False),  # sha256 of the canonical manifest
    Column("manifest", Json, nullable=False),  # {path: {sha256, size} | {ref, size, sha256|etag}}
    Column("description", Text),
    Column("meta", Json, nullable=False),  # the user's metadata
    Column("size", BigInteger, nullable=False),
    Column("file_count", Integer, nullable=False),
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="SET NULL")),  # the producer
    Column("created_at", Float, nullable=False),
    UniqueConstraint("artifact_id", "version", name="uq_artifact_versions_version"),
    Index("ix_artifact_versions_digest", "artifact_id", "digest"),
)

artifact_aliases = Table(
    "artifact_aliases",
    metadata,
    Column(
        "artifact_id", Integer, ForeignKey("artifacts.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("alias", String(128), primary_key=True),
    Column(
        "version_id",
        Integer,
        ForeignKey("artifact_versions.id", ondelete="CASCADE"),
        nullable=False,
    ),
)

artifact_links = Table(
    "artifact_links",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", BigInteger, primary_key=True),  # the journal record it came from
    Column(
        "version_id",
        Integer,
        ForeignKey("artifact_versions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(8), nullable=False),  # logged | used
    Column("created_at", Float, nullable=False),
    Index("ix_artifact_links_version", "version_id"),
)

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

blob_refs = Table(  # migration 0020: digests named inside JSON documents (store.blob_refs)
    "blob_refs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("digest", String(64), nullable=False),
    Column("origin", String(80), nullable=False),  # media | capture:<section> | manifest
    # the document's owner: a run (media meta, capture sections) or an artifact version
    Column("run_id", String(64), ForeignKey("runs.id", ondelete="CASCADE")),
    Column("version_id", Integer, ForeignKey("artifact_versions.id", ondelete="CASCADE")),
    Index("ix_blob_refs_digest", "digest"),
    Index("ix_blob_refs_run", "run_id", "origin"),
    Index("ix_blob_refs_version", "version_id"),
)

# ---- accounts (the team server's users, API keys and project roles; see cairn.server.auth) ----

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(255)),  # Argon2id; None: no password login
    Column("is_admin", Boolean, nullable=False),  # every role on every project
    Column("created_at", Float, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("prefix", String(16), nullable=False),  # the key's first characters, to tell keys apart
    Column("digest", String(64), nullable=False, unique=True),  # sha256 of the whole key
    Column("created_at", Float, nullable=False),
    Column("last_used_at", Float),
    Column("revoked_at", Float),
)

project_roles = Table(
    "project_roles",
    metadata,
    Column(
        "project_id",
        Integer,
        ForeignKey("projects.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("role", String(16), nullable=False),  # viewer | editor | admin
)

sessions = Table(
    "sessions",
    metadata,
    Column("digest", String(64), primary_key=True),  # sha256 of the cookie's token
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),  # what cookie-authenticated writes must echo
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

login_attempts = Table(  # failed logins, for rate limiting across server processes
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_login_attempts_name_at", "name", "at"),
    Index("ix_login_attempts_address_at", "address", "at"),
)

# ---- teams (migration 0010): a role given to a team is every member's role ----

teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
)

team_members = Table(
    "team_members",
    metadata,
    Column(
        "team_id",
        Integer,
        ForeignKey("teams.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
)

team_roles = Table(
    "team_roles",
    metadata,
    Column(
        "project_id",
        Integer,
        ForeignKey("projects.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column(
        "team_id",
        Integer,
        ForeignKey("teams.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("role", String(16), nullable=False),  # viewer | editor | admin
)

setup_tokens = Table(  # migration 0011: the first admin's one-time link (sha256 of the token)
    "setup_tokens",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False),
)

reports = Table(  # migration 0013: write-ups of a project's runs (cairn.reports)
    "reports",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(255), nullable=False),
    Column("description", Text, nullable=False),
    Column("author", String(255)),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),  # when the last version was saved
    Index("ix_reports_project_id", "project_id"),
)

report_versions = Table(  # every save of a report: its ordered blocks, whole
    "report_versions",
    metadata,
    Column(
        "report_id",
        String(32),
        ForeignKey("reports.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True, autoincrement=False),  # 1, 2, ...
    Column("blocks", Json, nullable=False),  # a list of block objects, each with a "kind"
    Column("author", String(255)),
    Column("created_at", Float, nullable=False),
    # migration 0018: the title and description in effect after the save (null: saved before)
    Column("title", String(255)),
    Column("description", Text),
)

report_images = Table(  # migration 0017: images uploaded into a project's reports (blobs)
    "report_images",
    metadata,
    Column(
        "project_id",
        Integer,
        ForeignKey("projects.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("digest", String(64), primary_key=True),  # the blob's sha256
    Column(
        "media_type", String(32), nullable=False
    ),  # image/png, image/jpeg, image/gif, image/webp
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_report_images_digest", "digest"),  # migration 0020: who may read a blob
)
