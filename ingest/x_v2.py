"""Map X API v2 JSON objects (plain dicts, as the API and twarc2 write them) onto ``detector.schema``.

Pure functions, no I/O: both the live source (``ingest.x_api``) and the twarc2 file reader use them, so an account
looks the same whichever way it came in. A field the payload does not carry becomes ``None`` (missing), never zero:
X only returns the fields that were asked for, and "not asked" must not read as "no followers".

Malformed objects (a required field absent, a timestamp that does not parse) raise ``ValueError`` naming the field;
callers decide whether that skips one row or one post.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from detector.schema import Post, Profile

__all__ = ["PLATFORM", "tweet_to_post", "user_handle", "user_to_profile"]

PLATFORM = "x"  # ``Account.platform`` of every account these objects describe

_DEFAULT_IMAGE_MARKER = "default_profile_images"


def _required_str(obj: Mapping[str, Any], field: str, what: str) -> str:
    value = obj.get(field)
    if value is None or value == "":
        raise ValueError(f"{what} has no {field!r}")
    return str(value)


def _count(metrics: Mapping[str, Any], field: str) -> int | None:
    value = metrics.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None  # JSON's NaN and Infinity are no count
    return int(value)


def _first_error(exc: ValidationError | OverflowError) -> str:
    """The field and message of a validation failure; OverflowError is a time out of range once in UTC."""
    if isinstance(exc, OverflowError):
        return f"created_at: out of range: {exc}"
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def user_handle(user: Mapping[str, Any]) -> str:
    """Return the user's screen name (``username``) without '@'; raise ``ValueError`` when it is absent."""
    return _required_str(user, "username", "user object").removeprefix("@")


def _is_verified(user: Mapping[str, Any]) -> bool | None:
    # ``verified`` is the legacy flag; newer payloads may carry only ``verified_type`` ("none" means unverified).
    if isinstance(user.get("verified"), bool):
        return user["verified"]
    verified_type = user.get("verified_type")
    if isinstance(verified_type, str):
        return verified_type != "none"
    return None


def user_to_profile(user: Mapping[str, Any]) -> Profile:
    """Build a ``Profile`` from an X API v2 user object; fields the payload lacks stay ``None``.

    ``default_profile_image`` is derived from ``profile_image_url`` (X serves the egg/silhouette from a
    ``default_profile_images`` path), so it is ``None`` when the URL was not requested.
    """
    raw_metrics = user.get("public_metrics")
    metrics: Mapping[str, Any] = raw_metrics if isinstance(raw_metrics, Mapping) else {}
    image_url = user.get("profile_image_url")
    try:
        return Profile(
            display_name=user.get("name"),
            created_at=user.get("created_at"),
            description=user.get("description"),
            location=user.get("location"),
            followers_count=_count(metrics, "followers_count"),
            following_count=_count(metrics, "following_count"),
            statuses_count=_count(metrics, "tweet_count"),
            verified=_is_verified(user),
            default_profile_image=(_DEFAULT_IMAGE_MARKER in image_url) if isinstance(image_url, str) else None,
        )
    except (ValidationError, OverflowError) as exc:
        raise ValueError(f"user object: {_first_error(exc)}") from exc


def _reference_types(tweet: Mapping[str, Any]) -> set[str]:
    return {ref.get("type") for ref in _list(tweet.get("referenced_tweets")) if isinstance(ref, Mapping)}


def _entity_list(tweet: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    entities = tweet.get("entities")
    if not isinstance(entities, Mapping):
        return []
    return [item for item in _list(entities.get(kind)) if isinstance(item, Mapping)]


def _full_text(tweet: Mapping[str, Any]) -> str:
    # Posts longer than 280 characters are truncated in ``text``; ``note_tweet.text`` holds all of it when present.
    note = tweet.get("note_tweet")
    if isinstance(note, Mapping) and isinstance(note.get("text"), str) and note["text"]:
        return note["text"]
    return _required_str(tweet, "text", "tweet object")


def tweet_to_post(tweet: Mapping[str, Any]) -> Post:
    """Build a ``Post`` from an X API v2 tweet object.

    Retweet, reply and quote flags come from ``referenced_tweets`` (types ``retweeted``, ``replied_to``, ``quoted``).
    URLs prefer ``expanded_url`` over the t.co ``url``. Raises ``ValueError`` when ``id``, ``text`` or
    ``created_at`` is missing or unreadable.
    """
    post_id = _required_str(tweet, "id", "tweet object")
    text = _full_text(tweet)
    created_at = _required_str(tweet, "created_at", f"tweet {post_id}")
    refs = _reference_types(tweet)
    urls = [
        str(u.get("expanded_url") or u.get("url"))
        for u in _entity_list(tweet, "urls")
        if u.get("expanded_url") or u.get("url")
    ]
    hashtags = [str(h["tag"]) for h in _entity_list(tweet, "hashtags") if h.get("tag")]
    try:
        return Post(
            id=post_id,
            created_at=created_at,
            text=text,
            lang=tweet.get("lang"),
            is_retweet="retweeted" in refs,
            is_reply="replied_to" in refs,
            is_quote="quoted" in refs,
            hashtags=hashtags,
            urls=urls,
            client=tweet.get("source"),
        )
    except (ValidationError, OverflowError) as exc:
        raise ValueError(f"tweet {post_id}: {_first_error(exc)}") from exc
