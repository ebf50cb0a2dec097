"""Behaviour features: the account-level signals that separate operated accounts from organic ones.

None of these alone marks an amplifier (real people have digit-suffixed handles and new accounts); together with
the narrative they shift the odds. Profile fields a source did not provide give ``nan``, not zero.
"""

from __future__ import annotations

import math
import re
from datetime import time

import numpy as np

from detector.features._base import AccountFeatures
from detector.schema import Account

__all__ = ["BehaviourFeatures"]

_DIGIT_SUFFIX = re.compile(r"\d{4,}$")
# X's Information Operations archives replace the handles of small accounts with a sha256: the handle's shape is
# then unknown, and its length (64) would only tell the model which archive a row came from.
_ANONYMIZED = re.compile(r"^[0-9a-f]{64}$")
_RETWEET_PREFIX = re.compile(r"^\s*RT @\w+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?:^|\s)[#＃]\w")
_MENTION = re.compile(r"@\w")
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_SECONDS_PER_DAY = 86_400.0
_MIDNIGHT = time(0, 0)


def _log1p_or_nan(value: int | None) -> float:
    return math.log1p(value) if value is not None else np.nan


def _flag_or_nan(value: bool | None) -> float:
    return float(value) if value is not None else np.nan


class BehaviourFeatures(AccountFeatures):
    """Cadence, timing, profile and handle-shape features of one account.

    Output columns: ``log_posts_per_day`` (over the span of the posts), ``gap_cv`` (coefficient of variation of the
    gaps between posts: bursty accounts score high), ``hour_entropy`` (normalized to [0, 1]), ``log_account_age_days``
    (at the median post), ``log_followers``, ``log_following``, ``log_follower_ratio``, ``is_verified``,
    ``has_default_image``, ``has_description``, ``has_digit_suffix`` (handle ends in 4+ digits), ``handle_length``
    (both ``nan`` for handles an archive anonymized), ``retweet_share``, ``reply_share``, ``link_share``,
    ``hashtag_share`` and ``mention_share``. Shares read the post's flags and entities where the source gave them,
    and its text otherwise (``RT @``, a leading ``@``, ``#tag``, ``http``), so that every input format gives them.
    """

    feature_names = (
        "log_posts_per_day",
        "gap_cv",
        "hour_entropy",
        "log_account_age_days",
        "log_followers",
        "log_following",
        "log_follower_ratio",
        "is_verified",
        "has_default_image",
        "has_description",
        "has_digit_suffix",
        "handle_length",
        "retweet_share",
        "reply_share",
        "link_share",
        "hashtag_share",
        "mention_share",
    )

    def __init__(self) -> None:
        pass

    def _account_row(self, account: Account) -> list[float]:
        profile = account.profile
        posts = account.posts
        times = np.sort(np.array([p.created_at.timestamp() for p in posts], dtype=np.float64))
        n = len(posts)

        # Timing features need real times: identical stamps give no span, and date-only stamps (all at midnight,
        # as some archives hold) give no time of day. Unknown is nan, not the extreme value a zero span would fake.
        span_s = float(times[-1] - times[0]) if n >= 2 else 0.0
        has_time_of_day = n > 0 and any(p.created_at.time() != _MIDNIGHT for p in posts)
        if span_s > 0:
            span_days = max(span_s / _SECONDS_PER_DAY, 1.0)
            gaps = np.diff(times)
            gap_cv = float(gaps.std() / gaps.mean())
            posts_per_day = math.log1p(n / span_days)
        else:
            gap_cv = posts_per_day = np.nan
        if has_time_of_day:
            hours = np.bincount([p.created_at.hour for p in posts], minlength=24) / n
            nonzero = hours[hours > 0]
            hour_entropy = float(-(nonzero * np.log(nonzero)).sum() / math.log(24))
        else:
            hour_entropy = np.nan

        if profile.created_at is not None and n:
            age_days = max((float(np.median(times)) - profile.created_at.timestamp()) / _SECONDS_PER_DAY, 0.0)
            log_age = math.log1p(age_days)
        else:
            log_age = np.nan
        followers, following = profile.followers_count, profile.following_count
        ratio = (
            math.log((followers + 1) / (following + 1)) if followers is not None and following is not None else np.nan
        )
        share = (lambda count: count / n) if n else (lambda count: np.nan)
        anonymized = bool(_ANONYMIZED.match(account.handle))
        texts = [p.text or "" for p in posts]
        return [
            posts_per_day,
            gap_cv,
            hour_entropy,
            log_age,
            _log1p_or_nan(followers),
            _log1p_or_nan(following),
            ratio,
            _flag_or_nan(profile.verified),
            _flag_or_nan(profile.default_profile_image),
            float(bool(profile.description and profile.description.strip()))
            if profile.description is not None
            else np.nan,
            np.nan if anonymized else float(bool(_DIGIT_SUFFIX.search(account.handle))),
            np.nan if anonymized else float(len(account.handle)),
            share(sum(p.is_retweet or bool(_RETWEET_PREFIX.match(t)) for p, t in zip(posts, texts, strict=True))),
            share(sum(p.is_reply or t.lstrip().startswith("@") for p, t in zip(posts, texts, strict=True))),
            share(sum(bool(p.urls) or bool(_LINK.search(t)) for p, t in zip(posts, texts, strict=True))),
            share(sum(bool(p.hashtags) or bool(_HASHTAG.search(t)) for p, t in zip(posts, texts, strict=True))),
            share(sum(bool(_MENTION.search(_RETWEET_PREFIX.sub("", t))) for t in texts)),
        ]
