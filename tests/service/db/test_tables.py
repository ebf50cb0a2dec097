"""The tables the code declares are the tables the migrations build: a column added on one side only fails here."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ingest import store
from ingest.database import open_database
from service.db import tables

DECLARED = [store.metadata, tables.metadata]  # the store's tables and the service's: the whole database


def _differences(engine: sa.Engine, declared: list[sa.MetaData]) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, declared)


def test_a_database_migrated_to_head_has_exactly_the_declared_tables(empty_database_url: str) -> None:
    engine = open_database(empty_database_url)
    assert _differences(engine, DECLARED) == []


def test_a_column_declared_without_a_migration_is_reported(empty_database_url: str) -> None:
    engine = open_database(empty_database_url)
    ahead = sa.MetaData()
    for table in (*store.metadata.tables.values(), *tables.metadata.tables.values()):
        table.to_metadata(ahead)
    ahead.tables["accounts"].append_column(sa.Column("language", sa.String(8)))

    differences = _differences(engine, [ahead])

    assert [(d[0], d[2], d[3].name) for d in differences] == [("add_column", "accounts", "language")]


def test_store_and_service_declare_no_table_twice() -> None:
    assert not set(store.metadata.tables) & set(tables.metadata.tables)
