"""X's own count of what this project has read: ``GET /2/usage/tweets``, the monthly post cap and usage so far.

Read where the token's account has access to it (not every plan does); anything else (403, an old plan, X down, an
unexpected payload) is ``None``: the count is shown when there is one and never stops a request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import requests
import tweepy

__all__ = ["USAGE_PATH", "XUsage", "read_usage"]

logger = logging.getLogger(__name__)
USAGE_PATH = "/2/usage/tweets"
_FIELDS = "cap_reset_day,project_cap,project_usage"


@dataclass(frozen=True)
class XUsage:
    """Posts read by the project this billing cycle, its cap (``None`` when X gave none), and the cap's reset day."""

    project_usage: int
    project_cap: int | None
    cap_reset_day: int | None


def read_usage(client: tweepy.Client) -> XUsage | None:
    """Ask X once; ``None`` when it cannot say (no access, an error, an answer without ``project_usage``)."""
    try:
        body = client.request("GET", USAGE_PATH, params={"usage.fields": _FIELDS}).json()
    except (tweepy.TweepyException, requests.RequestException, ValueError) as exc:
        logger.info("X usage not available", extra={"error": type(exc).__name__})
        return None
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping) or data.get("project_usage") is None:
        return None
    try:
        return XUsage(
            project_usage=int(data["project_usage"]),  # X sends these counts as strings
            project_cap=int(data["project_cap"]) if data.get("project_cap") is not None else None,
            cap_reset_day=int(data["cap_reset_day"]) if data.get("cap_reset_day") is not None else None,
        )
    except (TypeError, ValueError):
        return None
