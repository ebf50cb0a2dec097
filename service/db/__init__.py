"""Persistence: the service's tables and one repository module per table family (migrations: ``ingest/database.py``)."""
