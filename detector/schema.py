"""The account format every part of parrotwatch speaks.

One ``Account`` holds a profile and its posts. A field that a source does not provide is ``None`` (missing),
never a made-up zero, so that features can tell "unknown" from "none". Timestamps are timezone-aware UTC.
The JSON form is one account per line (JSONL); ``account.schema.json`` beside this module is its JSON Schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

__all__ = ["PLATFORMS", "Account", "Post", "Profile", "account_json_schema", "normalize_platform"]

# The platforms an account can be on, as ``Account.platform`` spells them. A name outside this set is refused, so a
# typo ("redit") is an error at import, not a new platform that no feature or filter knows.
PLATFORMS = ("x", "reddit", "bluesky", "mastodon", "telegram")


def _as_utc(value: datetime) -> datetime:
    # Naive timestamps in archives are UTC by convention; make them explicit so comparisons never mix kinds.
    if value.tzinfo is UTC:  # what stored and API payloads hold: no new object for each post read
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


def normalize_platform(value: str | None) -> str | None:
    """Return the platform name lower-cased (``"Reddit"`` gives ``"reddit"``); ``None`` stays ``None`` (unknown).

    Raises ``ValueError`` naming the known platforms (``PLATFORMS``) for any other name, the empty one included.
    """
    if value is None:
        return None
    name = value.strip().lower()
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform {value!r}: use one of {', '.join(PLATFORMS)}, or leave it out when unknown")
    return name


class Post(BaseModel):
    """One public post (tweet) as the detector sees it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, description="The post's id at its source (tweet id).")
    created_at: UtcDatetime = Field(description="When it was posted (ISO 8601; naive values are read as UTC).")
    text: str = Field(description="The full text as posted, retweets included (`RT @user: ...`).")
    lang: str | None = Field(default=None, description="Language code from the source (BCP 47), if known.")
    is_retweet: bool = False
    is_reply: bool = False
    is_quote: bool = False
    hashtags: list[str] = Field(default_factory=list, description="Hashtags without '#'.")
    urls: list[str] = Field(default_factory=list, description="Expanded URLs where known.")
    client: str | None = Field(default=None, description="Posting client (source app name), if known.")
    # Reach as the platform counts it, kept for analysts; no feature reads them (the model's inputs are unchanged).
    views: int | None = Field(default=None, ge=0, description="How many times it was seen (Telegram), if known.")
    forwards: int | None = Field(default=None, ge=0, description="How many times it was forwarded (Telegram).")


class Profile(BaseModel):
    """Public profile fields; ``None`` means the source did not say."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    display_name: str | None = None
    created_at: UtcDatetime | None = Field(default=None, description="Account creation time.")
    description: str | None = Field(default=None, description="Profile bio.")
    location: str | None = None
    followers_count: int | None = Field(default=None, ge=0)
    following_count: int | None = Field(default=None, ge=0)
    statuses_count: int | None = Field(default=None, ge=0)
    verified: bool | None = None
    default_profile_image: bool | None = None
    # Reddit's karma (may be negative), kept for analysts; no feature reads it.
    link_karma: int | None = Field(default=None, description="Reddit karma from submissions, if known.")
    comment_karma: int | None = Field(default=None, description="Reddit karma from comments, if known.")


class Account(BaseModel):
    """An account and its recent posts: the unit that gets a score."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    handle: str = Field(min_length=1, description="Screen name without '@' (archives may hold a hashed one).")
    platform: str | None = Field(
        default=None,
        description="The platform the account is on, lower-case: one of x, reddit, bluesky, mastodon or telegram "
        "(other names are refused; upper case is read as lower case). Absent or null: unknown.",
    )
    user_id: str | None = Field(default=None, description="Stable numeric id at the source, if known.")
    profile: Profile = Field(default_factory=Profile)
    posts: list[Post] = Field(default_factory=list, description="Recent posts, any order.")

    @field_validator("handle")
    @classmethod
    def _strip_at(cls, value: str) -> str:
        value = value.strip().removeprefix("@")
        if not value:
            raise ValueError("handle is empty")
        return value

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str | None) -> str | None:
        return normalize_platform(value)


def account_json_schema() -> dict:
    """Return the JSON Schema of one JSONL line (the ``Account`` object)."""
    schema = Account.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://parrotwatch.invalid/schema/account.json"
    return schema
