"""Alembic environment: run on the connection ``ingest.database.upgrade`` hands over (no alembic.ini, no URL)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through ingest.database.upgrade(engine), which passes a connection")

# Batch mode lets later migrations alter SQLite tables (SQLite's ALTER TABLE cannot drop or change columns).
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
