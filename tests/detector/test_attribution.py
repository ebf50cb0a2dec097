"""How a matching post relates to the talking point: the journalist/critic/amplifier distinction."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from detector import attribution
from detector.attribution import Attribution, classify_attribution
from detector.schema import Post

CASES = [
    ("Stop smearing and attacking China! The so-called interference reports are baseless.", Attribution.ASSERTED),
    ("不干涉内政是中国外交的基本原则，所谓干预报道毫无根据", Attribution.ASSERTED),
    ("The embassy said the allegations are baseless and told Ottawa to stop smearing China.", Attribution.REPORTED),
    (
        "According to the foreign ministry, non-interference is a basic principle of its diplomacy.",
        Attribution.REPORTED,
    ),
    ('Beijing calls it "a smear campaign". We asked CSIS.', Attribution.REPORTED),
    ("中国驻加拿大大使馆称相关报道毫无根据", Attribution.REPORTED),
    ("Beijing says it never interferes in internal affairs. The CSIS documents say otherwise.", Attribution.COUNTERED),
    ("Calling every report a smear is not an answer.", Attribution.COUNTERED),
    ("RT @someone: stop smearing China, the reports are baseless", Attribution.RETWEET),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    CASES,
    ids=[
        "asserts",
        "asserts-zh",
        "reports",
        "according-to",
        "quotes",
        "reports-zh",
        "counters",
        "counters-smear",
        "retweets",
    ],
)
def test_attribution_of_a_matching_post(text: str, expected: Attribution) -> None:
    post = Post(id="1", created_at=datetime(2023, 3, 1, tzinfo=UTC), text=text)
    assert classify_attribution(post) == expected


def test_retweet_of_a_report_stays_a_report() -> None:
    text = "RT @reporter: The embassy said the reports are baseless"
    post = Post(id="1", created_at=datetime(2023, 3, 1, tzinfo=UTC), text=text, is_retweet=True)
    assert classify_attribution(post) == Attribution.REPORTED


def test_well_said_is_applause_not_attribution() -> None:
    text = "Well said. Keep your dirty hands off China's internal affairs."
    assert (
        classify_attribution(Post(id="1", created_at=datetime(2023, 3, 1, tzinfo=UTC), text=text))
        == Attribution.ASSERTED
    )


def test_folding_agrees_with_the_regex_engines_case_insensitivity_on_every_code_point() -> None:
    every = "".join(map(chr, range(0x110000)))
    folded = attribution._folded(every)
    assert len(folded) == len(every), "each character folds to exactly one"
    cues = attribution._REPORTING_CUES_LATIN + attribution._COUNTER_CUES_LATIN
    letters = {ch for cue in cues for ch in cue if ch.isalpha()}
    by_folding: dict[str, set[str]] = {letter: set() for letter in letters}
    for ch, low in zip(every, folded, strict=True):
        if low in by_folding:
            by_folding[low].add(ch)
    for letter in sorted(letters):
        assert by_folding[letter] == set(re.findall(re.escape(letter), every, re.IGNORECASE)), letter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The embassy SAYS the reports are baseless smears", Attribution.REPORTED),
        ("The embassy ſays the reports are baseless smears", Attribution.REPORTED),  # long s, as IGNORECASE reads it
        ("Beijing's line. The documents say OTHERWİSE.", Attribution.COUNTERED),  # dotted capital I
        ("Reports of interference are baseless smears against China", Attribution.ASSERTED),
        ("所谓干预纯属抹黑，发言人表示", Attribution.REPORTED),
    ],
)
def test_cues_match_whatever_the_case(text: str, expected: Attribution) -> None:
    assert classify_attribution(Post(id="1", created_at=datetime(2023, 3, 1, tzinfo=UTC), text=text)) is expected
