"""Random text from the word banks: filled templates, talking-point wordings, decorations and names.

Internal to ``ingest.synthetic``. Every function draws from the one ``random.Random`` it is given, in a fixed order,
so that the corpus is the same for a seed; a new draw anywhere changes every later post.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.synthetic_banks import word_banks

__all__ = [
    "NUMBERS",
    "Noise",
    "claim_text",
    "decorate",
    "fake_url",
    "fill",
    "human_client",
    "join",
    "lower_first",
    "person_name",
    "random_digits",
    "swap_word",
]

NUMBERS: dict[str, Callable[[random.Random], int]] = {
    "n": lambda rng: rng.randint(2, 40),
    "temp": lambda rng: rng.randint(-28, 33),
    "price": lambda rng: rng.randint(12, 95),
    "rent": lambda rng: rng.randrange(1800, 3600, 50),
    "pct": lambda rng: rng.choice((15, 20, 25, 30, 40, 50, 60)),
    "hi": lambda rng: rng.randint(-15, 31),
    "line": lambda rng: rng.randint(1, 5),
}

_SLOT_RE = re.compile(r"\{(\w+)\}")


def fill(rng: random.Random, template: str, extra: dict[str, str] | None = None) -> str:
    """Replace ``{slot}`` markers with random slot values; ``extra`` wins over the shared slots."""
    banks = word_banks()

    def pick(match: re.Match[str]) -> str:
        name = match.group(1)
        if extra is not None and name in extra:
            return extra[name]
        if name in NUMBERS:
            return str(NUMBERS[name](rng))
        return rng.choice(banks.slots[name])

    return _SLOT_RE.sub(pick, template)


def swap_word(rng: random.Random, text: str, lang: str) -> str:
    banks = word_banks()
    table = banks.swaps_zh if lang == "zh" else banks.swaps_en
    hits = [key for key in table if (key in text if lang == "zh" else re.search(rf"\b{re.escape(key)}\b", text))]
    if not hits:
        return text
    key = rng.choice(hits)
    if lang == "zh":
        return text.replace(key, table[key], 1)
    return re.sub(rf"\b{re.escape(key)}\b", table[key], text, count=1)


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    w = words[i]
    j = rng.randrange(len(w) - 1)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.7 else w[:j] + w[j + 1 :]
    return " ".join(words)


def _recase(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.4:
        return text.lower()
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if roll < 0.8 and spots:
        i = rng.choice(spots)
        words[i] = words[i].upper()
        return " ".join(words)
    return text.upper() if len(text) < 90 else text


def fake_url(rng: random.Random, domain: str) -> str:
    banks = word_banks()
    shape = rng.random()
    if shape < 0.4:
        words = rng.sample(banks.words, 3)
        return f"https://{domain}/2023/{rng.randint(1, 6):02d}/{'-'.join(words)}"
    if shape < 0.7:
        return f"https://{domain}/a/{rng.randrange(10**6, 10**7)}"
    return f"https://{domain}/p/{rng.getrandbits(32):08x}"


@dataclass(frozen=True)
class Noise:
    """How one kind of account decorates its posts."""

    tags: tuple[str, ...] = ()
    p_tags: float = 0.0
    emoji: tuple[str, ...] = ()
    p_emoji: float = 0.0
    domains: tuple[str, ...] = ()
    p_url: float = 0.0
    p_typo: float = 0.0
    p_recase: float = 0.0


def decorate(
    rng: random.Random, body: str, lang: str, noise: Noise, *, mention: str | None = None
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Return (text, hashtags, urls): the body with typos, emoji, hashtags, a URL and a mention as ``noise`` says."""
    if lang == "en" and noise.p_typo and rng.random() < noise.p_typo:
        body = _typo(rng, body)
    if lang == "en" and noise.p_recase and rng.random() < noise.p_recase:
        body = _recase(rng, body)
    parts = [body]
    if noise.emoji and rng.random() < noise.p_emoji:
        parts.append("".join(rng.choice(noise.emoji) for _ in range(rng.randint(1, 3))))
    tags: list[str] = []
    if noise.tags and rng.random() < noise.p_tags:
        tags = rng.sample(noise.tags, rng.randint(1, min(3, len(noise.tags))))
        rendered = " ".join("#" + t for t in tags)
        if rng.random() < 0.15:
            parts.insert(0, rendered)
        else:
            parts.append(rendered)
    urls: tuple[str, ...] = ()
    if noise.domains and rng.random() < noise.p_url:
        urls = (fake_url(rng, rng.choice(noise.domains)),)
        parts.append(urls[0])
    if mention:
        parts.insert(0, "@" + mention)
    return " ".join(parts), tuple(tags), urls


def join(lang: str, *parts: str) -> str:
    return ("" if lang == "zh" else " ").join(p for p in parts if p)


def lower_first(text: str) -> str:
    """Lower-case the first letter for mid-sentence use, unless the text starts with a name or a slot."""
    banks = word_banks()
    first = text.split(" ", 1)[0]
    if first in banks.proper_starts or text.startswith("{"):
        return text
    return text[:1].lower() + text[1:]


def claim_text(rng: random.Random, point: str, lang: str) -> str:
    banks = word_banks()
    line = banks.lines[point]
    return rng.choice(line.zh if lang == "zh" else line.en)


def random_digits(rng: random.Random, k: int) -> str:
    return str(rng.randrange(10 ** (k - 1), 10**k))


def person_name(rng: random.Random, chinese_script: bool = False) -> tuple[str, str, str]:
    """Return (display name, given, surname); the Chinese-script form keeps a pinyin given/surname for handles."""
    banks = word_banks()
    if chinese_script:
        display = rng.choice(banks.zh_surnames) + "".join(rng.sample(banks.zh_given, rng.randint(1, 2)))
        return display, rng.choice(banks.pinyin), rng.choice(banks.surnames[:5] + banks.surnames[-10:])
    given = rng.choice(banks.pinyin if rng.random() < 0.3 else banks.given)
    surname = rng.choice(banks.surnames)
    return f"{given} {surname}", given, surname


def human_client(rng: random.Random) -> str:
    banks = word_banks()
    return rng.choices(banks.human_clients, weights=banks.human_client_weights)[0]
