"""Per-post keys for the coordination kinds that are not about wording: the link a post shares, the post it reposts.

- **link key**: the post's first expanded URL (``Post.urls``), normalized so that copies of one link meet: scheme,
  ``www.``, letter case of the host, a trailing slash, the fragment and tracking parameters (``utm_*``, ``fbclid``...)
  do not count. A link to a site's front page (no path) says nothing about what was shared and gets no key; a link
  that too many posts share (``CoordinationParams.max_bucket``) is skipped by the join, as a trending hashtag is.
  URLs in the text itself are not read: shorteners (``t.co``) give each post its own.
- **repost key**: whom a repost reposts (``RT @user:``, or a post marked ``is_retweet`` without that prefix). Two
  near-identical reposts with the same key repost the same post: a ``co_repost``, not a ``near_duplicate``. The
  post schema has no id of the reposted post, so the author and the text stand for it.

Keys are uint64, 0 for none, stable across processes (crc32 and adler32, as hashtag keys are).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np

from detector.schema import Post

__all__ = ["link_keys", "normalize_url", "repost_keys", "text_key"]

_REPOST = re.compile(r"^\s*RT\s+@(\w+)\s*:", re.IGNORECASE)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|igshid|mc_cid|mc_eid|ref_src|ref_url|s|t|si|feature)$", re.IGNORECASE)


def text_key(text: str) -> int:
    """A nonzero uint64 key of ``text``, the same in every process."""
    encoded = text.encode("utf-8")
    return (zlib.crc32(encoded) << 32 | zlib.adler32(encoded)) or 1


def normalize_url(url: str) -> str | None:
    """``url`` as a key compares it: lower-case host without ``www.``, no scheme, fragment, trailing slash or
    tracking parameters; ``None`` for a front page or something that is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)))
    if not path and not query:
        return None
    return f"{host}{path}" + (f"?{query}" if query else "")


def _link_key(post: Post) -> int:
    for url in post.urls:
        normalized = normalize_url(url)
        if normalized is not None:
            return text_key(normalized)
    return 0


def link_keys(posts: Sequence[Post]) -> np.ndarray:
    """uint64 link key of each post (0: no link worth comparing)."""
    return np.fromiter((_link_key(p) if p.urls else 0 for p in posts), dtype=np.uint64, count=len(posts))


def _repost_key(post: Post) -> int:
    found = _REPOST.match(post.text)
    if found:
        return text_key("@" + found.group(1).lower())
    return text_key("@") if post.is_retweet else 0


def repost_keys(posts: Sequence[Post]) -> np.ndarray:
    """uint64 key of whom each post reposts (0: not a repost)."""
    return np.fromiter((_repost_key(p) for p in posts), dtype=np.uint64, count=len(posts))
