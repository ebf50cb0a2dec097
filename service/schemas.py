"""What the API accepts and returns (requests in, ``...Public`` out)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from detector.scoring import AccountScore

__all__ = ["HandleProblem", "Health", "ScoreRequest", "ScoreResponse", "ScoreResult", "normalize_handle"]

_X_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")


def normalize_handle(raw: str) -> str | None:
    """Return the handle without a leading @, or ``None`` when it is not a valid X handle."""
    handle = raw.strip().removeprefix("@")
    return handle if _X_HANDLE.match(handle) else None


class ScoreRequest(BaseModel):
    handles: list[str] = Field(min_length=1, description="X handles, with or without @; at most 100 per request.")
    refresh: bool = Field(default=False, description="Refetch from X even when the local store has the account.")

    model_config = {"json_schema_extra": {"examples": [{"handles": ["@some_handle", "another_one"]}]}}


class HandleProblem(BaseModel):
    """Why one handle of a request has no score (the request itself succeeded)."""

    type: str
    title: str
    detail: str
    retry_after_s: float | None = None


class ScoreResult(BaseModel):
    handle: str
    status: Literal["scored", "error"]
    source_status: str | None = Field(
        default=None, description="Where the account came from: cached, stale, found (fetched now) or protected."
    )
    result: AccountScore | None = None
    error: HandleProblem | None = None


class ScoreResponse(BaseModel):
    results: list[ScoreResult] = Field(description="One entry per requested handle, in request order.")


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    model_version: str | None
    catalog_version: str | None
    n_stored_accounts: int
    x_api: bool
    problems: list[str]


class ModelCardPublic(BaseModel):
    version: str
    active: bool
    card: dict[str, Any]
