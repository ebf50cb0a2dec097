"""Turn post text into the form that similarity measures compare.

URLs, @mentions, the retweet prefix, emoji and punctuation are noise for talking-point matching: two posts that
differ only in them say the same thing. Hashtag words are kept (``#StopSmearingChina`` carries meaning) but split
from their ``#``. Full-width forms are folded (NFKC) so that Chinese punctuation variants compare equal.

``normalize_text`` is the definition, one text at a time, with regular expressions. ``normalize_texts`` gives the
same for a batch: the substitutions and the word split run in compiled passes over the batch's code points, and
only lower-casing (whose rules, Greek final sigma among them, stay Python's own) runs on the batch as one string.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np
from numba import njit

__all__ = ["cjk_mask", "has_cjk", "normalize_text", "normalize_texts"]

# Kana and CJK ideographs: text in Chinese or Japanese, which has no spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_RETWEET_PREFIX = re.compile(r"^\s*RT\s+@\w+:?\s*", re.IGNORECASE)
# URLs and @mentions are removed in one pass (they are the commonest noise); each becomes a space.
_URL_OR_MENTION = re.compile(r"(?:https?://|www\.)\S+|@\w+", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HASHTAG = re.compile(r"#(\w+)")
# A word is a run of letters and digits: ``\w`` without the underscore. Emoji, punctuation, symbols, underscores and
# whitespace between words all fall away. One ``findall`` per text was 3x faster than splitting tokens.
_WORD = re.compile(r"[^\W_]+")


# Scoring normalizes each post for several families (narrative, repetition, coordination): a bounded cache makes
# the second and third call a dictionary lookup, while a batch of posts is in flight.
@lru_cache(maxsize=1 << 17)
def normalize_text(text: str) -> str:
    """Return lower-cased text without URLs, mentions, retweet prefix, emoji or punctuation; words kept in order."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if text.lstrip()[:2].upper() == "RT":
        text = _RETWEET_PREFIX.sub("", text)
    if "@" in text or "://" in text or "www." in text.lower():
        text = _URL_OR_MENTION.sub(" ", text)
    if "#" in text:
        text = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", text)
    return " ".join(_WORD.findall(text.lower()))


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds kana or CJK ideographs (ASCII text, most of it, is not searched)."""
    return not text.isascii() and _CJK.search(text) is not None


def cjk_mask(texts: Sequence[str]) -> np.ndarray:
    return np.fromiter(map(has_cjk, texts), dtype=bool, count=len(texts))


_SPACE, _WORD_CHAR, _ALNUM = 1, 2, 4  # bits of ``_char_classes``: ``\s``, ``\w``, ``[^\W_]``
_NUL = 0


@cache
def _char_classes() -> np.ndarray:
    """Per code point, what the patterns above call it: found by the same regular expressions over every code point
    once (a few hundredths of a second a process), so the compiled passes agree with them by construction."""
    every = _text(np.arange(0x110000, dtype=np.uint32))
    classes = np.zeros(0x110000, dtype=np.uint8)
    for pattern, bit in ((r"\S+", _SPACE), (r"\W+", _WORD_CHAR), (r"[\W_]+", _ALNUM)):
        classes[_code_points(re.sub(pattern, "", every))] |= bit  # what is left is of the class
    return classes


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(codes: np.ndarray) -> str:
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


def normalize_texts(texts: Sequence[str]) -> list[str]:
    """``[normalize_text(t) for t in texts]``, for many texts at once (no cache: each text is worked out once)."""
    if not texts:
        return []
    folded = [
        t if t.isascii() or unicodedata.is_normalized("NFKC", t) else unicodedata.normalize("NFKC", t) for t in texts
    ]
    lengths = np.fromiter(map(len, folded), dtype=np.int64, count=len(folded))
    classes = _char_classes()
    # Substitutions first, on the original case (the patterns ignore case, the camel-case split does not); each
    # text comes back with NUL after it and any NUL inside it made a space: neither is a letter, a case-ignorable
    # or a word character, so lower-casing the joined texts at once treats each text as if alone.
    substituted = _substitute(_code_points("".join(folded)), lengths, classes)
    lowered = _code_points(_text(substituted).lower())
    return _text(_words(lowered, classes)).split("\x00")[: len(texts)]


@njit(cache=True, nogil=True)
def _is(classes: np.ndarray, code: np.uint32, bit: int) -> bool:
    return (classes[code] & bit) != 0


@njit(cache=True, nogil=True)
def _run_end(codes: np.ndarray, at: int, end: int, classes: np.ndarray, bit: int, inside: bool = True) -> int:
    """Where the run from ``at`` of characters of class ``bit`` (or, not ``inside``, of any other) ends."""
    while at < end and _is(classes, codes[at], bit) == inside:
        at += 1
    return at


@njit(cache=True, nogil=True)
def _lower_ascii(code: np.uint32) -> np.uint32:
    return code + np.uint32(32) if np.uint32(65) <= code <= np.uint32(90) else code


@njit(cache=True, nogil=True)
def _literal_at(codes: np.ndarray, at: int, end: int, literal: str) -> bool:
    """Whether ``literal`` (lower-case ASCII) starts at ``at``, ignoring case as the patterns do (after NFKC only
    ASCII letters fold to these)."""
    if at + len(literal) > end:
        return False
    for k in range(len(literal)):  # noqa: SIM110 (no generators in compiled code)
        if _lower_ascii(codes[at + k]) != np.uint32(ord(literal[k])):
            return False
    return True


@njit(cache=True, nogil=True)
def _substitute(codes: np.ndarray, lengths: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Each text after ``normalize_text``'s three substitutions, NUL-terminated. Hashtags grow a text by at most
    two spaces for each '#' and one for each camel-case split, so three times the input always has room."""
    out = np.empty(3 * len(codes) + len(lengths), dtype=np.uint32)
    step = np.empty(len(codes) + 1, dtype=np.uint32)
    written = 0
    start = 0
    for length in lengths:
        end = start + length
        # The retweet prefix: ^\s*RT\s+@\w+:?\s*, only at the start.
        begin = start
        i = _run_end(codes, start, end, classes, _SPACE)
        if _literal_at(codes, i, end, "rt"):
            k = _run_end(codes, i + 2, end, classes, _SPACE)
            if k > i + 2 and k < end and codes[k] == np.uint32(64):  # '@'
                word = k + 1
                k = _run_end(codes, word, end, classes, _WORD_CHAR)
                if k > word:
                    if k < end and codes[k] == np.uint32(58):  # ':'
                        k += 1
                    begin = _run_end(codes, k, end, classes, _SPACE)
        # URLs and mentions, each a space: (?:https?://|www\.)\S+|@\w+
        n = 0
        i = begin
        while i < end:
            code = codes[i]
            rest = -1  # where a URL's \S+ starts, or a mention's \w+
            first = _lower_ascii(code)
            if first == np.uint32(104) and _literal_at(codes, i, end, "http"):  # 'h'
                if _literal_at(codes, i + 4, end, "s://"):
                    rest = i + 8
                elif _literal_at(codes, i + 4, end, "://"):
                    rest = i + 7
            elif first == np.uint32(119) and _literal_at(codes, i, end, "www."):  # 'w'
                rest = i + 4
            elif code == np.uint32(64):  # '@'
                rest = i + 1
            if rest >= 0:
                mention = code == np.uint32(64)  # then word characters, else (a URL) anything but a space
                k = _run_end(codes, rest, end, classes, _WORD_CHAR if mention else _SPACE, mention)
                if k > rest:
                    step[n] = 32
                    n += 1
                    i = k
                    continue
            step[n] = code
            n += 1
            i += 1
        # Hashtags: #(\w+) becomes its word, camel case split, between spaces.
        i = 0
        while i < n:
            code = step[i]
            if code == np.uint32(35):  # '#'
                k = _run_end(step, i + 1, n, classes, _WORD_CHAR)
                if k > i + 1:
                    out[written] = 32
                    written += 1
                    for j in range(i + 1, k):
                        if (
                            j > i + 1
                            and np.uint32(97) <= step[j - 1] <= np.uint32(122)
                            and np.uint32(65) <= step[j] <= np.uint32(90)
                        ):
                            out[written] = 32
                            written += 1
                        out[written] = step[j]
                        written += 1
                    out[written] = 32
                    written += 1
                    i = k
                    continue
            out[written] = 32 if code == np.uint32(_NUL) else code
            written += 1
            i += 1
        out[written] = _NUL
        written += 1
        start = end
    return out[:written]


@njit(cache=True, nogil=True)
def _words(codes: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The runs of letters and digits of each NUL-terminated text, one space between them, each text NUL-terminated."""
    out = np.empty(len(codes), dtype=np.uint32)
    written = 0
    pending_space = False
    for code in codes:
        if code == np.uint32(_NUL):
            out[written] = _NUL
            written += 1
            pending_space = False
        elif _is(classes, code, _ALNUM):
            if pending_space:
                out[written] = 32
                written += 1
                pending_space = False
            out[written] = code
            written += 1
        elif written > 0 and out[written - 1] != np.uint32(_NUL):
            pending_space = True
    return out[:written]
