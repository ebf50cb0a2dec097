"""How a matching post relates to the talking point: the journalist/critic/amplifier distinction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

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
