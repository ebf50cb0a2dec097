"""Live account sources, one per platform, behind one interface (``ingest.sources.base.Source``)."""
