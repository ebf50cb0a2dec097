"""Behaviour features: the account-level signals that separate operated accounts from organic ones.

None of these alone marks an amplifier (real people have digit-suffixed handles and new accounts); together with
the narrative they shift the odds. Profile fields a source did not provide give ``nan``, not zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from sklearn.utils.validation import check_is_fitted

from detector.features._base import AccountFeatures
from detector.post_columns import PostColumns
from detector.schema import Account, Post

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
SHARED_BLOCK = "*"  # the block every account fills, whatever its platform


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

    # Columns read off the profile and the handle, which ``profile_features=False`` leaves out: where the only real
    # ordinary accounts with profiles are verified newsrooms, they teach "verified account", not "amplifier".
    profile_names = (
        "log_account_age_days",
        "log_followers",
        "log_following",
        "log_follower_ratio",
        "is_verified",
        "has_default_image",
        "has_description",
        "handle_length",
    )

    def __init__(
        self, *, profile_features: bool = True, platforms: tuple[str, ...] | None = None, shared: bool = True
    ) -> None:
        self.profile_features = profile_features
        self.platforms = platforms
        self.shared = shared

    def fit(self, X: Sequence[Account], y: object = None) -> BehaviourFeatures:  # noqa: N803
        names = BehaviourFeatures.feature_names
        self.columns_ = np.asarray(
            [i for i, name in enumerate(names) if self.profile_features or name not in self.profile_names], dtype=int
        )
        super().fit(X, y)
        self.blocks_ = ((SHARED_BLOCK,) if self.shared else ()) + tuple(self.platforms) if self.platforms else None
        self.n_features_out_ = len(self.columns_) * (len(self.blocks_) if self.blocks_ else 1)
        return self

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "n_features_out_")
        base = np.asarray(self.feature_names, dtype=object)[getattr(self, "columns_", slice(None))]
        blocks = getattr(self, "blocks_", None)
        if not blocks:
            return base
        return np.asarray([f"{name}@{block}" for block in blocks for name in base], dtype=object)

    def rows_from_columns(self, accounts: Sequence[Account], columns: PostColumns) -> np.ndarray:
        """The feature rows of ``accounts``, whose posts' ``columns`` are already worked out (scoring shares them).

        With ``platforms``, every account fills the shared block (``@*``, unless ``shared=False``) and its own
        platform's block; other blocks stay ``nan``, which the head reads as "no evidence" (a linear head gives them
        no weight): the same cadence means one thing on X and another on Reddit, and each platform's block learns its
        own weights. An account of a platform without a block has behaviour evidence only through the shared one.
        """
        check_is_fitted(self, "n_features_out_")
        flags = _post_flags(columns.posts)
        ends = np.cumsum(np.bincount(columns.account, minlength=columns.n_accounts))
        rows = []
        for account, end in zip(accounts, ends.tolist(), strict=True):
            start = end - len(account.posts)
            rows.append(self._row(account, columns.times[start:end], flags[:, start:end]))
        matrix = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(self.feature_names))
        columns_ = getattr(self, "columns_", None)  # models saved before the profile switch kept every column
        if columns_ is not None and len(columns_) != matrix.shape[1]:
            matrix = matrix[:, columns_]
        blocks = getattr(self, "blocks_", None)
        if not blocks:
            return matrix
        width = matrix.shape[1]
        out = np.full((len(accounts), width * len(blocks)), np.nan)
        platforms = np.asarray([account.platform for account in accounts], dtype=object)
        for j, block in enumerate(blocks):
            mine = np.ones(len(accounts), dtype=bool) if block == SHARED_BLOCK else platforms == block
            out[mine, j * width : (j + 1) * width] = matrix[mine]
        return out

    def _row(self, account: Account, times: np.ndarray, flags: np.ndarray) -> list[float]:
        profile = account.profile
        n = len(times)
        times = np.sort(times)

        # Timing features need real times: identical stamps give no span, and date-only stamps (all at midnight,
        # as some archives hold) give no time of day. Unknown is nan, not the extreme value a zero span would fake.
        span_s = float(times[-1] - times[0]) if n >= 2 else 0.0
        seconds_of_day = np.remainder(times, _SECONDS_PER_DAY)  # times are UTC
        has_time_of_day = n > 0 and bool(seconds_of_day.any())
        if span_s > 0:
            span_days = max(span_s / _SECONDS_PER_DAY, 1.0)
            gaps = np.diff(times)
            gap_cv = float(gaps.std() / gaps.mean())
            posts_per_day = math.log1p(n / span_days)
        else:
            gap_cv = posts_per_day = np.nan
        if has_time_of_day:
            hours = np.bincount((seconds_of_day // 3600).astype(np.int64), minlength=24) / n
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
        anonymized = bool(_ANONYMIZED.match(account.handle))
        shares = (flags.sum(axis=1) / n).tolist() if n else [np.nan] * len(flags)
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
            *shares,
        ]


def _post_flags(posts: Sequence[Post]) -> np.ndarray:
    """(5, n) booleans per post: retweet, reply, link, hashtag, mention. Each regex runs only on texts holding the
    characters it needs, which most posts do not: this loop is behaviour's cost."""
    rows = []
    for post in posts:
        text = post.text or ""
        start = text.lstrip()[:2]
        retweet_prefix = start.upper() == "RT" and _RETWEET_PREFIX.match(text) is not None
        rows.append(
            (
                post.is_retweet or retweet_prefix,
                post.is_reply or start[:1] == "@",
                # A link needs "://" or, ignoring case, "www.": a period alone is every other post.
                bool(post.urls)
                or (("://" in text or ("." in text and "www." in text.lower())) and _LINK.search(text) is not None),
                bool(post.hashtags) or (("#" in text or "＃" in text) and _HASHTAG.search(text) is not None),
                "@" in text and _MENTION.search(_RETWEET_PREFIX.sub("", text) if retweet_prefix else text) is not None,
            )
        )
    return np.array(rows, dtype=bool).reshape(len(rows), 5).T
