"""Load the synthetic corpus's word banks, templates and talking-point lines from ``ingest/synthetic_data/*.yaml``.

The words are data, not code, so that an edit to a template never touches the generator. They are read once per
process (``word_banks`` is cached) and frozen into tuples and read-only mappings: the corpus depends on their order,
and every caller shares the one copy. Changing a file changes the corpus for every seed, including the shipped
model's training data (``tests/ingest/test_synthetic.py`` pins a digest).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

__all__ = ["DATA_FILES", "TalkingPointLine", "WordBanks", "word_banks"]

DATA_FILES = (
    "talking_points.yaml",
    "slots.yaml",
    "topics.yaml",
    "filler.yaml",
    "voices.yaml",
    "people.yaml",
    "decorations.yaml",
)
# Chinese-speaking users post the same pleasantries amplifier networks use as filler.
_EVERYDAY_ZH_THEMES = ("scenery", "food", "greetings", "sports", "poetry", "animals", "entertainment")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Bank = tuple[str, ...]
Themes = Mapping[str, Bank]


@dataclass(frozen=True)
class TalkingPointLine:
    """One talking point's wordings: asserted (``en``, ``zh``), reported (``gist_*``) and quoted (``short``)."""

    en: Bank
    zh: Bank
    gist_en: str  # reported-speech clause: "The embassy says <gist_en>."
    gist_zh: str
    short: str  # the catch-phrase a reporter or critic puts in quotation marks


@dataclass(frozen=True)
class WordBanks:
    """Every bank of the data files, under its key there; see each file's header for what a bank is for."""

    # talking_points.yaml
    lines: Mapping[str, TalkingPointLine]
    swaps_en: Mapping[str, str]  # whole words, swapped so amplifier variants look less copied
    swaps_zh: Mapping[str, str]  # substrings
    # slots.yaml
    slots: Themes
    # topics.yaml
    topics_en: Themes
    topic_tags: Themes
    topics_fr: Bank
    topics_zh: Bank
    # filler.yaml
    filler_en: Themes
    filler_zh: Themes
    # voices.yaml
    openers_en: Bank
    closers_en: Bank
    openers_zh: Bank
    closers_zh: Bank
    report_en: Bank
    report_zh: Bank
    research_en: Bank
    research_zh: Bank
    rebuttals_en: Bank
    critic_en: Bank
    critic_zh: Bank
    rebuttals_zh: Bank
    critic_other: Bank
    state_en_frames: Bank
    state_zh_frames: Bank
    state_other_en: Bank
    state_other_zh: Bank
    journalist_other: Bank
    journalist_other_zh: Bank
    researcher_other: Bank
    quote_comments: Bank
    replies_en: Bank
    replies_zh: Bank
    replies_fr: Bank
    echo_en: Bank
    echo_zh: Bank
    # people.yaml
    given: Bank
    pinyin: Bank
    surnames: Bank
    zh_surnames: Bank
    zh_given: Bank
    words: Bank
    plain_suffix: Bank
    generic_bios: Bank
    ordinary_bios: Bank
    critic_bios: Bank
    outlets: Bank
    outlets_zh: Bank
    labs: Bank
    canada_locations: Bank
    amp_locations: Bank
    state_bases: tuple[tuple[str, str, str, str], ...]  # handle, display name, bio, location
    state_suffixes: tuple[tuple[str, str], ...]  # handle suffix, display-name label
    # decorations.yaml
    prefixes_en: Bank
    suffixes_en: Bank
    emoji_casual: Bank
    emoji_amp: Bank
    amp_tags_common_en: Bank
    amp_tags_en: Bank
    amp_tags_common_zh: Bank
    amp_tags_zh: Bank
    news_tags: Bank
    critic_tags: Bank
    state_tags: Bank
    amp_domains: Bank
    news_domains: Bank
    everyday_extra_domains: Bank
    state_domains: Bank
    bot_kinds: Bank
    bot_domains: Themes  # by bot kind; headline bots link to ``news_domains``
    bot_clients: Bank
    human_clients: Bank
    human_client_weights: tuple[int, ...]
    amp_clients: Bank
    proper_starts: frozenset[str]

    @functools.cached_property
    def talking_point_ids(self) -> Bank:
        """The talking-point ids in file order (random choices index into it, so the order is part of the corpus)."""
        return tuple(self.lines)

    @functools.cached_property
    def everyday_zh(self) -> Bank:
        return self.topics_zh + tuple(line for theme in _EVERYDAY_ZH_THEMES for line in self.filler_zh[theme])

    @functools.cached_property
    def everyday_domains(self) -> Bank:
        return self.news_domains + self.everyday_extra_domains

    def bot_domains_of(self, kind: str) -> Bank:
        return self.news_domains if kind == "headlines" else self.bot_domains[kind]


@functools.cache
def word_banks() -> WordBanks:
    """Return the word banks of the shipped data files, read on the first call.

    Raises ``ValueError`` when two files define the same key, and ``TypeError`` when a file has a key that
    ``WordBanks`` does not know or lacks one it needs.
    """
    data: dict[str, Any] = {}
    for name in DATA_FILES:
        text = resources.files("ingest").joinpath("synthetic_data", name).read_text(encoding="utf-8")
        part = yaml.load(text, Loader=_Loader)  # a safe loader, in C when available
        clash = sorted(set(part) & set(data))
        if clash:
            raise ValueError(f"synthetic_data/{name} redefines {', '.join(clash)}")
        data |= part
    lines = {point: TalkingPointLine(**_freeze(fields)) for point, fields in data.pop("lines").items()}
    proper_starts = frozenset(data.pop("proper_starts"))
    return WordBanks(
        lines=MappingProxyType(lines),
        proper_starts=proper_starts,
        **{key: _freeze(value) for key, value in data.items()},
    )


def _freeze(value: Any) -> Any:
    """Lists become tuples and mappings read-only, recursively."""
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    return value
