"""X behind the ``Source`` interface: a thin adapter over ``ingest.x_api.XApiSource``, which it leaves as it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ingest.sources.base import FetchOutcome, keep_since
from ingest.x_api import X_HANDLE_RULE, StoredTimeline, XApiSource, is_x_handle
from ingest.x_cost import XMeter

__all__ = ["X_API_SOURCE", "XSource"]

X_API_SOURCE = "x-api"


class XSource:
    """``XApiSource`` as a ``Source``: X's handle rule, and ``since`` applied to the posts read."""

    platform = "x"
    store_source = X_API_SOURCE

    def __init__(self, api: XApiSource) -> None:
        self.api = api

    def __repr__(self) -> str:
        return f"XSource({self.api!r})"

    @staticmethod
    def handle_problem(name: str) -> str | None:
        return None if is_x_handle(name) else f"not a valid X handle ({X_HANDLE_RULE})"

    def fetch(
        self,
        handles: Sequence[str],
        *,
        since: datetime | None = None,
        meter: XMeter | None = None,
        stored: Mapping[str, StoredTimeline] | None = None,
    ) -> list[FetchOutcome]:
        """``meter`` and ``stored`` (the money part: budget checks, reading only what the store lacks) are X's own."""
        money = {k: v for k, v in (("meter", meter), ("stored", stored)) if v}
        return [keep_since(outcome, since) for outcome in self.api.fetch(handles, **money)]
