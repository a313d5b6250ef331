-- The schema the migrations leave in a new SQLite store, revision 0020: made by `python -m cairn.store.numbering DB`, never by hand.
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE projects (
	id INTEGER NOT NULL,
	name VARCHAR(255) NOT NULL,
	created_at FLOAT NOT NULL,
	run_counter INTEGER NOT NULL, visibility VARCHAR(16) DEFAULT 'private' NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name)
);
CREATE TABLE runs (
	id VARCHAR(64) NOT NULL,
	project_id INTEGER NOT NULL,
	name VARCHAR(255) NOT NULL,
	state VARCHAR(16) NOT NULL,
	created_at FLOAT NOT NULL,
	updated_at FLOAT NOT NULL,
	heartbeat_at FLOAT NOT NULL,
	finished_at FLOAT,
	exit_code INTEGER,
	error TEXT,
	notes TEXT,
	group_name VARCHAR(255),
	job_type VARCHAR(255),
	host VARCHAR(255),
	program TEXT,
	config JSON NOT NULL,
	summary JSON NOT NULL,
	summary_explicit JSON NOT NULL,
	summary_state JSON NOT NULL,
	metric_defs JSON NOT NULL,
	history_keys JSON NOT NULL,
	history_rows INTEGER NOT NULL,
	last_step BIGINT,
	last_seq BIGINT NOT NULL, reproduction_of VARCHAR(320), sweep_id VARCHAR(64),
	PRIMARY KEY (id),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE TABLE run_tags (
	run_id VARCHAR(64) NOT NULL,
	tag VARCHAR(255) NOT NULL,
	PRIMARY KEY (run_id, tag),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE INDEX ix_run_tags_tag ON run_tags (tag);
CREATE TABLE history_tail (
	run_id VARCHAR(64) NOT NULL,
	first_seq BIGINT NOT NULL,
	last_seq BIGINT NOT NULL,
	rows INTEGER NOT NULL,
	min_step BIGINT NOT NULL,
	max_step BIGINT NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (run_id, first_seq),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE TABLE history_segments (
	run_id VARCHAR(64) NOT NULL,
	first_seq BIGINT NOT NULL,
	last_seq BIGINT NOT NULL,
	rows INTEGER NOT NULL,
	min_step BIGINT NOT NULL,
	max_step BIGINT NOT NULL,
	blob VARCHAR(64) NOT NULL,
	size INTEGER NOT NULL,
	PRIMARY KEY (run_id, first_seq),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE INDEX ix_runs_reproduction_of ON runs (reproduction_of);
CREATE TABLE run_capture (
	run_id VARCHAR(64) NOT NULL,
	section VARCHAR(64) NOT NULL,
	data JSON NOT NULL,
	seq BIGINT NOT NULL,
	PRIMARY KEY (run_id, section),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE TABLE console (
	run_id VARCHAR(64) NOT NULL,
	line BIGINT NOT NULL,
	seq BIGINT NOT NULL,
	stream VARCHAR(8) NOT NULL,
	ts FLOAT NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (run_id, line),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE TABLE reproductions (
	id INTEGER NOT NULL,
	run_id VARCHAR(64) NOT NULL,
	created_at FLOAT NOT NULL,
	verdict VARCHAR(32) NOT NULL,
	runs JSON NOT NULL,
	metrics JSON NOT NULL,
	details JSON NOT NULL,
	report TEXT NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE INDEX ix_reproductions_run ON reproductions (run_id);
CREATE INDEX ix_runs_sweep_id ON runs (sweep_id);
CREATE TABLE sweeps (
	id VARCHAR(64) NOT NULL,
	project_id INTEGER NOT NULL,
	name VARCHAR(255) NOT NULL,
	method VARCHAR(16) NOT NULL,
	state VARCHAR(16) NOT NULL,
	config JSON NOT NULL,
	seed BIGINT NOT NULL,
	trial_count INTEGER NOT NULL,
	created_at FLOAT NOT NULL,
	updated_at FLOAT NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE INDEX ix_sweeps_project ON sweeps (project_id, created_at);
CREATE TABLE sweep_trials (
	sweep_id VARCHAR(64) NOT NULL,
	number INTEGER NOT NULL,
	run_id VARCHAR(64) NOT NULL,
	params JSON NOT NULL,
	suggestion JSON,
	status VARCHAR(16) NOT NULL,
	agent VARCHAR(255) NOT NULL,
	claimed_at FLOAT NOT NULL,
	ended_at FLOAT,
	note TEXT,
	PRIMARY KEY (sweep_id, number),
	FOREIGN KEY(sweep_id) REFERENCES sweeps (id) ON DELETE CASCADE
);
CREATE INDEX ix_sweep_trials_run ON sweep_trials (run_id);
CREATE TABLE artifacts (
	id INTEGER NOT NULL,
	project_id INTEGER NOT NULL,
	name VARCHAR(128) NOT NULL,
	type VARCHAR(64) NOT NULL,
	created_at FLOAT NOT NULL,
	version_counter INTEGER NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT uq_artifacts_project_name UNIQUE (project_id, name),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE TABLE artifact_versions (
	id INTEGER NOT NULL,
	artifact_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	digest VARCHAR(64) NOT NULL,
	manifest JSON NOT NULL,
	description TEXT,
	meta JSON NOT NULL,
	size BIGINT NOT NULL,
	file_count INTEGER NOT NULL,
	run_id VARCHAR(64),
	created_at FLOAT NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT uq_artifact_versions_version UNIQUE (artifact_id, version),
	FOREIGN KEY(artifact_id) REFERENCES artifacts (id) ON DELETE CASCADE,
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE SET NULL
);
CREATE INDEX ix_artifact_versions_digest ON artifact_versions (artifact_id, digest);
CREATE TABLE artifact_aliases (
	artifact_id INTEGER NOT NULL,
	alias VARCHAR(128) NOT NULL,
	version_id INTEGER NOT NULL,
	PRIMARY KEY (artifact_id, alias),
	FOREIGN KEY(artifact_id) REFERENCES artifacts (id) ON DELETE CASCADE,
	FOREIGN KEY(version_id) REFERENCES artifact_versions (id) ON DELETE CASCADE
);
CREATE TABLE artifact_links (
	run_id VARCHAR(64) NOT NULL,
	seq BIGINT NOT NULL,
	version_id INTEGER NOT NULL,
	kind VARCHAR(8) NOT NULL,
	created_at FLOAT NOT NULL,
	PRIMARY KEY (run_id, seq),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE,
	FOREIGN KEY(version_id) REFERENCES artifact_versions (id) ON DELETE CASCADE
);
CREATE INDEX ix_artifact_links_version ON artifact_links (version_id);
CREATE TABLE media (
	run_id VARCHAR(64) NOT NULL,
	seq BIGINT NOT NULL,
	"key" VARCHAR(256) NOT NULL,
	step BIGINT NOT NULL,
	ts FLOAT NOT NULL,
	kind VARCHAR(16) NOT NULL,
	blob VARCHAR(64),
	meta JSON NOT NULL,
	PRIMARY KEY (run_id, seq),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE INDEX ix_media_run_key_step ON media (run_id, "key", step);
CREATE INDEX ix_media_blob ON media (blob);
CREATE TABLE views (
	project_id INTEGER NOT NULL,
	name VARCHAR(100) NOT NULL,
	data JSON NOT NULL,
	is_default BOOLEAN NOT NULL,
	updated_at FLOAT NOT NULL,
	PRIMARY KEY (project_id, name),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE TABLE users (
	id INTEGER NOT NULL,
	name VARCHAR(64) NOT NULL,
	password_hash VARCHAR(255),
	is_admin BOOLEAN NOT NULL,
	created_at FLOAT NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name)
);
CREATE TABLE api_keys (
	id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	name VARCHAR(100) NOT NULL,
	prefix VARCHAR(16) NOT NULL,
	digest VARCHAR(64) NOT NULL,
	created_at FLOAT NOT NULL,
	last_used_at FLOAT,
	revoked_at FLOAT,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
	UNIQUE (digest)
);
CREATE TABLE project_roles (
	project_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	role VARCHAR(16) NOT NULL,
	PRIMARY KEY (project_id, user_id),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE,
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE sessions (
	digest VARCHAR(64) NOT NULL,
	user_id INTEGER NOT NULL,
	csrf VARCHAR(64) NOT NULL,
	created_at FLOAT NOT NULL,
	expires_at FLOAT NOT NULL,
	PRIMARY KEY (digest),
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE login_attempts (
	id INTEGER NOT NULL,
	name VARCHAR(64) NOT NULL,
	address VARCHAR(64) NOT NULL,
	at FLOAT NOT NULL,
	PRIMARY KEY (id)
);
CREATE INDEX ix_login_attempts_name_at ON login_attempts (name, at);
CREATE INDEX ix_login_attempts_address_at ON login_attempts (address, at);
CREATE TABLE teams (
	id INTEGER NOT NULL,
	name VARCHAR(64) NOT NULL,
	created_at FLOAT NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name)
);
CREATE TABLE team_members (
	team_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	PRIMARY KEY (team_id, user_id),
	FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE CASCADE,
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE team_roles (
	project_id INTEGER NOT NULL,
	team_id INTEGER NOT NULL,
	role VARCHAR(16) NOT NULL,
	PRIMARY KEY (project_id, team_id),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE,
	FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE CASCADE
);
CREATE TABLE setup_tokens (
	digest VARCHAR(64) NOT NULL,
	expires_at FLOAT NOT NULL,
	PRIMARY KEY (digest)
);
CREATE TABLE dropped_blobs (
	digest VARCHAR(64) NOT NULL,
	dropped_at FLOAT NOT NULL,
	PRIMARY KEY (digest)
);
CREATE INDEX ix_dropped_blobs_dropped_at ON dropped_blobs (dropped_at);
CREATE TABLE reports (
	id VARCHAR(32) NOT NULL,
	project_id INTEGER NOT NULL,
	title VARCHAR(255) NOT NULL,
	description TEXT NOT NULL,
	author VARCHAR(255),
	created_at FLOAT NOT NULL,
	updated_at FLOAT NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE INDEX ix_reports_project_id ON reports (project_id);
CREATE TABLE report_versions (
	report_id VARCHAR(32) NOT NULL,
	version INTEGER NOT NULL,
	blocks JSON NOT NULL,
	author VARCHAR(255),
	created_at FLOAT NOT NULL, title VARCHAR(255), description TEXT,
	PRIMARY KEY (report_id, version),
	FOREIGN KEY(report_id) REFERENCES reports (id) ON DELETE CASCADE
);
CREATE INDEX ix_runs_project_created ON runs (project_id, created_at, id);
CREATE INDEX ix_runs_project_updated ON runs (project_id, updated_at);
CREATE TABLE project_keys (
	project_id INTEGER NOT NULL,
	kind VARCHAR(8) NOT NULL,
	"key" TEXT NOT NULL,
	runs INTEGER NOT NULL,
	PRIMARY KEY (project_id, kind, "key"),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE TABLE run_values (
	run_id VARCHAR(64) NOT NULL,
	"key" TEXT NOT NULL,
	rank SMALLINT NOT NULL,
	num FLOAT,
	text TEXT,
	PRIMARY KEY (run_id, "key"),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
)
 WITHOUT ROWID;
CREATE TABLE ingest_queue (
	id INTEGER NOT NULL,
	run_id VARCHAR(64) NOT NULL,
	project VARCHAR(255) NOT NULL,
	first_seq BIGINT NOT NULL,
	last_seq BIGINT NOT NULL,
	body BLOB NOT NULL,
	received_at FLOAT NOT NULL,
	attempts INTEGER DEFAULT '0' NOT NULL,
	retry_at FLOAT DEFAULT '0' NOT NULL,
	error TEXT,
	PRIMARY KEY (id)
);
CREATE INDEX ix_ingest_queue_run ON ingest_queue (run_id, first_seq);
CREATE TABLE report_images (
	project_id INTEGER NOT NULL,
	digest VARCHAR(64) NOT NULL,
	media_type VARCHAR(32) NOT NULL,
	width INTEGER NOT NULL,
	height INTEGER NOT NULL,
	created_at FLOAT NOT NULL,
	PRIMARY KEY (project_id, digest),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE INDEX ix_run_values_key_rank_num_run ON run_values ("key", rank, num, run_id);
CREATE TABLE blob_refs (
	id INTEGER NOT NULL,
	digest VARCHAR(64) NOT NULL,
	origin VARCHAR(80) NOT NULL,
	run_id VARCHAR(64),
	version_id INTEGER,
	PRIMARY KEY (id),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE,
	FOREIGN KEY(version_id) REFERENCES artifact_versions (id) ON DELETE CASCADE
);
CREATE INDEX ix_blob_refs_digest ON blob_refs (digest);
CREATE INDEX ix_blob_refs_run ON blob_refs (run_id, origin);
CREATE INDEX ix_blob_refs_version ON blob_refs (version_id);
CREATE INDEX ix_history_segments_blob ON history_segments (blob);
CREATE INDEX ix_report_images_digest ON report_images (digest);
INSERT INTO alembic_version (version_num) VALUES ('0020');
