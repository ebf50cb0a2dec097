"""The service's tables (SQLAlchemy Core), as the migrations leave them.

``accounts`` and ``posts`` are declared in ``ingest.store``. Neither side creates tables: the migrations
(``ingest/migrations``) make the whole database, and ``tests/service/db/test_tables.py`` checks that they build
exactly what the two ``MetaData`` declare, so a change here needs a new revision there. JSON goes in ``Text`` columns
so SQLite and Postgres store it the same way. Times are UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "api_keys",
    "audit_log",
    "catalog_overlay",
    "catalog_versions",
    "coordination_posts",
    "feedback",
    "job_items",
    "jobs",
    "metadata",
    "scores",
    "talking_point_candidates",
    "training_runs",
    "x_spend_months",
]

metadata = MetaData()

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("state", String(16), nullable=False, index=True),  # queued | running | paused | done | cancelled
    Column("total", Integer, nullable=False),
    Column("done", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("refresh", Boolean, nullable=False, default=False),
    Column("created_by", String(64), index=True),  # the owner: the creating key's id (service/scopes.py)
    Column("created_by_name", String(128)),  # that key's name, for display (migration 0006)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    # X credit budget (migration 0007): the job's cap (None: the setting's), what it spent, why it is paused.
    Column("x_budget_usd", Float),
    Column("x_spend_usd", Float, nullable=False, server_default="0"),
    Column("x_users_read", Integer, nullable=False, server_default="0"),
    Column("x_posts_read", Integer, nullable=False, server_default="0"),
    Column("paused_reason", String(32)),  # budget | credits exhausted (state paused)
    Column("paused_detail", Text),
)

# What this service spent on X reads per calendar month (UTC, "2026-12"): jobs and synchronous requests together.
x_spend_months = Table(
    "x_spend_months",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("spend_usd", Float, nullable=False),
    Column("users_read", Integer, nullable=False),
    Column("posts_read", Integer, nullable=False),
)

scores = Table(
    "scores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handle", String(64), nullable=False),
    Column("handle_key", String(64), nullable=False),
    Column("score", Float),
    Column("band", String(32), nullable=False),
    Column("components", Text, nullable=False),
    Column("result", Text, nullable=False),  # the full AccountScore as JSON
    Column("model_version", String(128), nullable=False),
    Column("catalog_version", String(128), nullable=False),
    Column("first_post_at", DateTime(timezone=True)),
    Column("last_post_at", DateTime(timezone=True)),
    Column("scored_at", DateTime(timezone=True), nullable=False),
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="SET NULL")),
    # A repeated score of an unchanged account is counted here rather than stored again (migration 0005).
    Column("served_count", Integer, nullable=False, server_default="1"),
    Column("last_served_at", DateTime(timezone=True)),
    # NULLs are distinct in both SQLite and Postgres: synchronous scores repeat freely, a job scores a handle once.
    UniqueConstraint("job_id", "handle_key", name="uq_scores_job_handle"),
    Index("ix_scores_handle_key_id", "handle_key", "id"),
)

job_items = Table(
    "job_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("handle", String(64), nullable=False),
    Column("handle_key", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # pending | scored | error
    Column("score_id", Integer, ForeignKey("scores.id", ondelete="SET NULL")),
    Column("error_type", String(128)),
    Column("error_detail", Text),
    Column("finished_at", DateTime(timezone=True)),
    UniqueConstraint("job_id", "handle_key", name="uq_job_items_job_handle"),
    Index("ix_job_items_job_state_position", "job_id", "state", "position"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("role", String(16), nullable=False),  # analyst | admin
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 hex of the whole key
    Column("team", String(64)),  # keys of one team see each other's jobs and feedback (migration 0006)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

catalog_versions = Table(
    "catalog_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("catalog_version", String(128), nullable=False),
    Column("content", Text, nullable=False),  # the TalkingPointCatalog as JSON
    Column("change", String(256), nullable=False),
    Column("created_by", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Talking-point discovery (migration 0009): proposed lines by the fingerprint of their first state post, with the
# decision taken (open | accepted | merged | rejected), and the overlay of accepted lines scoring lays over the catalog.
talking_point_candidates = Table(
    "talking_point_candidates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String(32), nullable=False, unique=True),
    Column("status", String(16), nullable=False, index=True),
    Column("content", Text, nullable=False),  # the detector.discovery.Candidate as JSON
    Column("spread", Integer, nullable=False),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("discovered_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(64)),
    Column("talking_point_id", String(128)),  # the line it became or was merged into
)

catalog_overlay = Table(
    "catalog_overlay",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # add | extend
    Column("talking_point_id", String(128), nullable=False),
    Column("content", Text, nullable=False),  # the TalkingPoint (for extend: its id and the phrases added) as JSON
    Column("candidate_id", Integer, ForeignKey("talking_point_candidates.id", ondelete="SET NULL")),
    Column("created_by", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handle", String(64), nullable=False),
    Column("handle_key", String(64), nullable=False, index=True),
    Column("verdict", String(16), nullable=False),  # confirm | dispute
    Column("note", Text),
    Column("score_id", Integer, ForeignKey("scores.id", ondelete="SET NULL")),
    Column("band", String(32)),  # the band the verdict was about
    Column("job_id", String(32)),  # the job whose score it judged, when it named one (migration 0006)
    Column("key_id", String(32)),  # the owner (service/scopes.py)
    Column("key_name", String(128)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("key_id", String(32)),
    Column("key_name", String(128)),
    Column("action", String(128), nullable=False),  # e.g. "POST /v1/jobs"
    Column("target", String(512)),
    Column("status", Integer),
    Column("request_id", String(64)),
)

# The coordination index's rows: each post's MinHash signature, word set and hashtag-sequence key, so that a
# restarted service links new accounts to earlier ones without hashing every stored post again.
coordination_posts = Table(
    "coordination_posts",
    metadata,
    Column("post_id", String(64), primary_key=True),
    Column("handle", String(64), nullable=False),
    Column("created_at", Float, nullable=False, index=True),  # unix seconds
    Column("n_shingles", Integer, nullable=False),
    Column("signature", LargeBinary, nullable=False),  # uint32 little-endian, num_perm values
    Column("hashtag_key", BigInteger, nullable=False),  # the uint64 key's bits as int64; 0 for none
    Column("link_key", BigInteger, nullable=False, server_default="0"),  # as hashtag_key (detector/link_keys.py)
    Column("repost_key", BigInteger, nullable=False, server_default="0"),
    Column("vector", LargeBinary),  # int8 sentence vector (512 bytes); NULL when the post was not embedded
    Column("lang_code", BigInteger),  # number of the post's language (detector.semantic_links.language_code)
    # Sorted distinct crc32 hashes of the post's words, uint32 little-endian (detector/word_sets.py); NULL for a row
    # stored before 0013, whose signature is over word bigrams and is re-signed at the next start.
    Column("words", LargeBinary),
)

# Training runs an admin started through the API. The run itself (``parrotwatch retrain --run-id``, a child process)
# writes its progress and outcome here, so a run finishes and is recorded even if the API restarts meanwhile.
training_runs = Table(
    "training_runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("status", String(16), nullable=False, index=True),  # queued|running|succeeded|refused|failed|interrupted
    Column("options", Text, nullable=False),  # the request's options as JSON
    Column("requested_by", String(128)),  # the key's name
    Column("key_id", String(32)),  # the owner (service/scopes.py)
    Column("pid", Integer),
    Column("progress", String(512)),  # the step it is on
    Column("version", String(128)),  # the version it wrote, if any
    Column("promoted", Boolean),
    Column("result", Text),  # JSON: held-out figures, the gate's figures
    Column("error", Text),
    Column("exit_code", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
)
