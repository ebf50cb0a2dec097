"""What the API accepts and returns (requests in, ``...Public`` out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from detector.catalog import TalkingPoint
from detector.scoring import AccountScore
from ingest.handles import normalize_handle

__all__ = [
    "AccountHistory",
    "AccountPosts",
    "AccountScorePublic",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyPublic",
    "AuditEntryPublic",
    "CatalogPublic",
    "FeedbackCreate",
    "FeedbackPublic",
    "HandleProblem",
    "Health",
    "HistoryEntry",
    "JobCreate",
    "JobErrorPublic",
    "JobPublic",
    "JobResume",
    "ModelCardPublic",
    "PostPublic",
    "Readiness",
    "ScoreRequest",
    "ScoreResponse",
    "ScoreResult",
    "XReadEstimatePublic",
    "XReadPlanPublic",
    "XUsagePublic",
    "normalize_handle",
]


class ScoreRequest(BaseModel):
    handles: list[str] = Field(
        min_length=1,
        description="Handles on any platform, with or without @; at most 100 per request. A handle may name its "
        "platform: `x:name` or `@name` (X), `bsky:alice.bsky.social` or `alice.bsky.social` (Bluesky), "
        "`@user@instance.social` (Mastodon), `telegram:channel` or `t.me/channel`, `reddit:u/name`. A handle the "
        "local store lacks is fetched live from its platform when that source is on; an entry that is not a handle "
        "at all "
        "(whitespace, control characters, a slash, over 64 characters) gets an invalid-handle error entry.",
    )
    refresh: bool = Field(default=False, description="Refetch X accounts from X even when the local store has them.")

    model_config = {"json_schema_extra": {"examples": [{"handles": ["@some_handle", "another_one"]}]}}


class HandleProblem(BaseModel):
    """Why one handle of a request has no score (the request itself succeeded)."""

    type: str
    title: str
    detail: str
    retry_after_s: int | None = Field(
        default=None, description="Whole seconds to wait before asking again (rounded up, at least 1), when known."
    )


class ScoreResult(BaseModel):
    handle: str
    platform: str | None = Field(
        default=None, description="The platform the handle is on (x, bluesky, mastodon, telegram, reddit)."
    )
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


class Readiness(BaseModel):
    status: Literal["ready"]
    model_version: str
    database: Literal["ok"]


class AccountStatusFields(BaseModel):
    """What the platform now says of a stored account: the tombstone the account's score and history carry."""

    account_status: str | None = Field(
        default=None,
        description="`suspended` when the platform now refuses to let the account be read (a tombstone: its posts "
        "and scores are kept); null while it is readable.",
    )
    account_status_since: datetime | None = Field(default=None, description="When that was first seen.")


class AccountScorePublic(AccountStatusFields, AccountScore):
    """The latest stored score of an account, with its evidence, and when (and by which job) it was made."""

    scored_at: datetime
    job_id: str | None = None
    served_count: int = Field(default=1, description="Requests, jobs and CLI runs that got this same score.")
    last_served_at: datetime | None = Field(default=None, description="The latest of them, after the first.")


class HistoryEntry(BaseModel):
    score: float | None
    band: str
    components: dict[str, float | None]
    model_version: str
    catalog_version: str
    scored_at: datetime
    job_id: str | None = None
    served_count: int = Field(default=1, description="Requests, jobs and CLI runs that got this same score.")
    last_served_at: datetime | None = None


class AccountHistory(AccountStatusFields):
    handle: str
    scores: list[HistoryEntry] = Field(description="Every stored score of the account, oldest first.")


class PostPublic(BaseModel):
    id: str
    created_at: datetime
    text: str


class AccountPosts(BaseModel):
    handle: str
    n_posts: int = Field(description="How many posts the store holds of the account (or reads back, when limited).")
    posts: list[PostPublic] = Field(description="The newest posts up to ``limit``, oldest first.")


class JobCreate(BaseModel):
    handles: list[str] = Field(
        min_length=1, description="Handles on any platform (X, Reddit, ...), with or without @; at most 100,000."
    )
    refresh: bool = Field(default=False, description="Refetch X accounts from X even when the local store has them.")
    budget_usd: float | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        description="Most this job may spend on X reads (US dollars); the x_job_budget_usd setting when unset. "
        "When the next read would pass it, the job pauses (state paused, paused_reason budget).",
    )

    model_config = {"json_schema_extra": {"examples": [{"handles": ["@some_handle", "another_one"]}]}}


class JobResume(BaseModel):
    budget_usd: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="A new budget for the job (US dollars)."
    )

    model_config = {"extra": "forbid"}


class XReadPlanPublic(BaseModel):
    handle: str
    read: Literal["cached", "new", "newer", "rest", "not_fetched"] = Field(
        description="cached: fresh in the store, free; new: a user lookup and up to x_max_posts posts; newer: only "
        "posts newer than the stored ones; rest: the rest of a read a pause cut short; not_fetched: not on X or no "
        "token."
    )
    users: int
    posts: int
    cost_usd: float


class XUsagePublic(BaseModel):
    """X's own count (``GET /2/usage/tweets``): posts the project read this billing cycle and its monthly cap."""

    project_usage: int
    project_cap: int | None
    cap_reset_day: int | None


class XReadEstimatePublic(BaseModel):
    """What a request would read from X at most and cost, from the store's cache (nothing is created)."""

    users: int
    posts: int
    cost_usd: float
    price_per_user_usd: float
    price_per_post_usd: float
    handles: list[XReadPlanPublic]
    x_usage: XUsagePublic | None = Field(
        default=None, description="X's usage count and post cap, where the token's account has access to them."
    )


class JobErrorPublic(BaseModel):
    handle: str
    type: str
    detail: str


class JobPublic(BaseModel):
    id: str
    state: Literal["queued", "running", "paused", "done", "cancelled"]
    total: int = Field(description="Distinct handles in the job.")
    done: int = Field(description="Handles scored.")
    failed: int = Field(description="Handles that could not be scored (see errors).")
    pending: int
    refresh: bool
    created_by: str | None = Field(description="The id of the key that submitted it: its owner.")
    created_by_name: str | None = Field(description="That key's name.")
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    results_url: str
    errors: list[JobErrorPublic] = Field(description="Per-handle errors, in submission order (the first 1,000).")
    x_budget_usd: float | None = Field(default=None, description="The job's X budget; None: the setting's.")
    x_spend_usd: float = Field(default=0.0, description="Spent on X reads so far (US dollars, at the set prices).")
    x_users_read: int = 0
    x_posts_read: int = 0
    paused_reason: Literal["budget", "credits exhausted"] | None = Field(
        default=None, description="Why a paused job waits: its or the month's X budget, or X's credits (HTTP 402)."
    )
    paused_detail: str | None = Field(default=None, description="The cap or X's words, and the handles waiting.")


class TrainingRunCreate(BaseModel):
    """Train on the accounts the service holds, labeled by the labels folder and (by default) analysts' feedback."""

    promote: bool = Field(default=True, description="Promote the new version if the gate passes; else keep it aside.")
    with_feedback: bool = Field(default=True, description="Use analysts' confirm/dispute verdicts as labels.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Seed for the split and cross-validation.")
    report: bool = Field(default=True, description="Write the training report (report.html) into the version.")

    model_config = {"extra": "forbid"}


class TrainingRunPublic(BaseModel):
    id: str
    status: Literal["queued", "running", "succeeded", "refused", "failed", "interrupted", "cancelled"] = Field(
        description="refused: the promotion gate kept the active model (the version is saved); interrupted: the "
        "process ended without an outcome; cancelled: an admin stopped it."
    )
    options: TrainingRunCreate
    requested_by: str | None = Field(description="The name of the key that started it.")
    progress: str | None = Field(description="The step it is on, or the last one it reached.")
    version: str | None = Field(description="The model version it wrote.")
    promoted: bool | None
    result: dict[str, Any] | None = Field(description="Held-out figures, the gate's figures, the active version.")
    error: str | None
    exit_code: int | None = Field(description="The `parrotwatch retrain` exit code (README: exit codes).")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    log_url: str


class FeedbackCreate(BaseModel):
    verdict: Literal["confirm", "dispute"] = Field(description="confirm: the band is right; dispute: it is wrong.")
    note: str | None = Field(default=None, max_length=4000)
    job_id: str | None = Field(
        default=None,
        max_length=32,
        description="Judge the score this job gave the account (a job you may see) instead of its latest score.",
    )


class FeedbackPublic(BaseModel):
    id: int
    handle: str
    verdict: Literal["confirm", "dispute"]
    note: str | None
    band: str | None = Field(description="The band of the score the verdict judged.")
    score_id: int | None
    job_id: str | None = Field(description="The job whose score it judged, when the verdict named one.")
    key_id: str | None
    key_name: str | None
    created_at: datetime


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=128, description="Who or what uses the key.")
    role: Literal["analyst", "admin"] = "analyst"
    team: str | None = Field(
        default=None, min_length=1, max_length=64, description="Keys of one team see each other's jobs and feedback."
    )


class ApiKeyPublic(BaseModel):
    id: str
    name: str
    role: Literal["analyst", "admin"]
    team: str | None
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The key itself: shown this once, stored only as a hash.")


class CatalogPublic(BaseModel):
    catalog_version: str = Field(description="The current (latest edited) catalog: what the next training run uses.")
    stored_version_id: int | None = Field(description="Its row in catalog_versions; null until the first edit.")
    change: str
    created_at: datetime | None
    created_by: str | None
    scoring_catalog_version: str | None = Field(
        description="The catalog the active model was trained with, which scoring uses: edits take effect when a "
        "model is trained on the current catalog and activated."
    )
    talking_points: list[TalkingPoint]


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    key_id: str | None
    key_name: str | None
    action: str
    target: str | None
    status: int | None
    request_id: str | None
