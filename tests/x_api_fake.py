"""A fake X API v2 at the HTTP wire (users lookup and user timelines), for tests of what reads cost.

Each handle has a timeline of numbered posts, newest first; the timeline endpoint honours ``max_results``,
``pagination_token``, ``since_id`` and ``until_id`` as X documents them. Every user and post served is written
down, so a test counts reads on the recorded responses; ``pages_before_402`` makes X answer 402 (its
``CreditsDepleted`` problem) once that many timeline pages were served. ``usage`` answers ``GET /2/usage/tweets``
(unanswered, as for an account without access, when ``None``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import responses

from detector.schema import Account, Post
from ingest.database import make_engine
from ingest.resolve import X_API_SOURCE
from ingest.store import AccountStore

LOOKUP_URL = "https://api.twitter.com/2/users/by"
USAGE_URL = "https://api.twitter.com/2/usage/tweets"
# The documented answer of GET /2/usage/tweets (docs.x.com, "Usage"): counts as strings.
USAGE = {
    "data": {"cap_reset_day": 10, "project_cap": "2000000", "project_id": "1369785403853424", "project_usage": "43435"}
}
TIMELINE_URL = re.compile(r"https://api\.twitter\.com/2/users/(\d+)/tweets")
CREDITS_DEPLETED = {
    "account_id": 1460000000000000999,
    "title": "CreditsDepleted",
    "detail": "Your enrolled account [1460000000000000999] does not have any credits to fulfill this request.",
    "type": "https://api.twitter.com/2/problems/credits",
}
_TOPICS = ("harbour", "ferry", "market", "weather", "football", "library", "bakery", "concert", "garden", "bridge")


class FakeX:
    """``posts`` handle -> number of posts on its timeline; install on a ``responses.RequestsMock``."""

    def __init__(
        self, posts: dict[str, int], *, pages_before_402: int | None = None, usage: dict | None = None
    ) -> None:
        self.usage = usage
        self.users: dict[str, dict] = {}
        self.timelines: dict[str, list[dict]] = {}
        start = datetime(2026, 11, 1, tzinfo=UTC)
        for n, (handle, n_posts) in enumerate(posts.items()):
            user_id = str(1470000000000000000 + n)
            self.users[handle.lower()] = {
                "id": user_id,
                "name": handle,
                "username": handle,
                "created_at": "2019-03-01T10:00:00.000Z",
                "description": "Local news and opinions.",
                "public_metrics": {"followers_count": 120, "following_count": 80, "tweet_count": n_posts},
                "protected": False,
            }
            base = 1800000000000000000 + n * 100_000
            self.timelines[user_id] = [
                {
                    "id": str(base + n_posts - i),
                    "text": f"Post {n_posts - i} of {handle}: notes on the {_TOPICS[i % len(_TOPICS)]} today",
                    "created_at": (start + timedelta(hours=n_posts - i)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "lang": "en",
                    "author_id": user_id,
                }
                for i in range(n_posts)
            ]
        self.pages_before_402 = pages_before_402
        self.users_served: list[str] = []
        self.posts_served: list[str] = []
        self.pages_served = 0

    def install(self, api: responses.RequestsMock) -> FakeX:
        api.add_callback(responses.GET, LOOKUP_URL, callback=self._lookup)
        api.add_callback(responses.GET, TIMELINE_URL, callback=self._timeline)
        if self.usage is not None:
            api.get(USAGE_URL, json=self.usage)
        return self

    def _lookup(self, request) -> tuple[int, dict[str, str], str]:  # type: ignore[no-untyped-def]
        names = parse_qs(urlparse(request.url).query)["usernames"][0].split(",")
        found = [self.users[n.lower()] for n in names if n.lower() in self.users]
        self.users_served += [u["username"] for u in found]
        return 200, {"content-type": "application/json"}, json.dumps({"data": found})

    def _timeline(self, request) -> tuple[int, dict[str, str], str]:  # type: ignore[no-untyped-def]
        if self.pages_before_402 is not None and self.pages_served >= self.pages_before_402:
            return 402, {"content-type": "application/problem+json"}, json.dumps(CREDITS_DEPLETED)
        url = urlparse(request.url)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        posts = self.timelines[TIMELINE_URL.match(request.url).group(1)]
        if "since_id" in query:
            posts = [p for p in posts if int(p["id"]) > int(query["since_id"])]
        if "until_id" in query:
            posts = [p for p in posts if int(p["id"]) < int(query["until_id"])]
        offset = int(query.get("pagination_token", 0))
        page = posts[offset : offset + int(query["max_results"])]
        self.pages_served += 1
        self.posts_served += [p["id"] for p in page]
        meta: dict[str, object] = {"result_count": len(page)}
        if offset + len(page) < len(posts):
            meta["next_token"] = str(offset + len(page))
        body = {"data": page, "meta": meta} if page else {"meta": meta}
        return 200, {"content-type": "application/json"}, json.dumps(body)


def store_stale_account(settings, x: FakeX, handle: str, n_posts: int) -> None:  # type: ignore[no-untyped-def]
    """``handle`` of ``x`` as fetched from X two days ago, holding its oldest ``n_posts`` posts."""
    user = x.users[handle.lower()]
    tweets = x.timelines[user["id"]][-n_posts:]
    posts = [Post(id=t["id"], created_at=t["created_at"], text=t["text"], lang="en") for t in tweets]
    engine = make_engine(settings.resolved_database_url)
    try:
        AccountStore(engine).put(
            Account(handle=handle, platform="x", user_id=user["id"], posts=posts),
            source=X_API_SOURCE,
            fetched_at=datetime.now(UTC) - timedelta(days=2),
        )
    finally:
        engine.dispose()
