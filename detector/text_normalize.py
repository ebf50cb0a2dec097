"""Turn post text into the form that similarity measures compare.

URLs, @mentions, the retweet prefix, emoji and punctuation are noise for talking-point matching: two posts that
differ only in them say the same thing. Hashtag words are kept (``#StopSmearingChina`` carries meaning) but split
from their ``#``. Full-width forms are folded (NFKC) so that Chinese punctuation variants compare equal.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text"]

_RETWEET_PREFIX = re.compile(r"^\s*RT\s+@\w+:?\s*", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HASHTAG = re.compile(r"#(\w+)")
# Anything that is not a letter, digit or whitespace (emoji, punctuation, symbols) becomes a space.
_NOT_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Return lower-cased text without URLs, mentions, retweet prefix, emoji or punctuation; words kept in order."""
    text = unicodedata.normalize("NFKC", text)
    text = _RETWEET_PREFIX.sub("", text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", text)
    text = _NOT_WORD.sub(" ", text.lower())
    return _SPACES.sub(" ", text).strip()
