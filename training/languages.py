"""A light guess at the language an account writes in, so that figures can be split by language.

Sources label posts unevenly (archives often not at all), and a model that works in English may fail in Chinese:
the report must show that. Script decides first (Han characters: zh; Cyrillic: ru; Arabic script: fa when a
Persian-only letter appears, else ar); Latin text is French or Spanish when their function words outnumber
English ones, else English. Good enough to group accounts, not to label a single post with confidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from detector.schema import Account

__all__ = ["UNDETERMINED", "account_language", "detect_language"]

UNDETERMINED = "und"  # BCP 47's code for "no linguistic content we could place"

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY = re.compile(r"[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")
_NOISE = re.compile(r"https?://\S+|[@#]\w+")  # links, mentions and hashtags say nothing of the language


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Frequent function words, each in one language's list only (shared ones like "de", "la", "que" tell nothing).
_STOPWORDS = {
    "fr": _words(
        "le les des est et une du qui dans pour pas sur au aux ce cette sont avec il elle nous vous ne ses ont été "
        "être mais comme plus leur très aussi ou où"
    ),
    "es": _words(
        "el los las del es una por con para como pero más su sus está fue ha al lo muy también ya porque "
        "hay esta este entre sin"
    ),
    "en": _words(
        "the and is are of to in that this with for it was be have not by from they we you has at or "
        "will their been were which"
    ),
}


def detect_language(text: str) -> str:
    """Language code of one text (zh, ru, fa, ar, fr, es, en), or ``und`` when it has no letters."""
    text = _NOISE.sub(" ", text)
    letters = len(_LETTER.findall(text))
    if letters == 0:
        return UNDETERMINED
    # A Han character carries a word's worth of meaning: a fifth of the letters is a Chinese post with Latin tags.
    if len(_HAN.findall(text)) >= 0.2 * letters:
        return "zh"
    if len(_CYRILLIC.findall(text)) >= 0.5 * letters:
        return "ru"
    if len(_ARABIC.findall(text)) >= 0.5 * letters:
        return "fa" if _PERSIAN_ONLY.search(text) else "ar"
    words = Counter(word.lower() for word in _WORD.findall(text))
    hits = {lang: sum(words[word] for word in stopwords) for lang, stopwords in _STOPWORDS.items()}
    best = max(("fr", "es"), key=lambda lang: hits[lang])
    return best if hits[best] >= 2 and hits[best] > hits["en"] else "en"


def _most_common(languages: Iterable[str]) -> str:
    counts = Counter(lang for lang in languages if lang != UNDETERMINED)
    if not counts:
        return UNDETERMINED
    top = max(counts.values())
    return min(lang for lang, count in counts.items() if count == top)  # ties broken by name, not by post order


def account_language(account: Account) -> str:
    """The most common detected language of the account's posts (``und`` when none has letters)."""
    return _most_common(detect_language(post.text) for post in account.posts)
