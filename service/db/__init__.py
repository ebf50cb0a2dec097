"""Persistence: the tables, the Alembic migrations that create them, and one repository module per table family."""
