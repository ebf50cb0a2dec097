"""The narrative component separates asserting a line from reporting it, across paraphrase and language.

Fixtures are written here, not drawn from the demo corpus, so that they test the detector and not the generator.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from detector.features.narrative import NarrativeFeatures
from detector.registry import ModelRegistry
from detector.scoring import score_accounts

# The embassy's lines, in our own paraphrase: what an amplifier posts as its own view.
PARAPHRASES = [
    "China never meddles in the domestic affairs of other countries. Non-interference is a basic principle!",
    "Enough! Stop smearing and attacking China with these lies #StopSmearingChina",
    "The so-called 'Chinese interference' story is totally baseless, pure fabrication",
    "Washington should take back its dirty hands from Hong Kong and stop interfering",
    "Cold War mentality and zero-sum games are behind every anti-China report",
    "Non-interference in internal affairs is China's basic diplomatic principle, full stop.",
]
# The same lines as a reporter writes them: attributed, quoted, or argued against.
QUOTES = [
    'The embassy said "non-interference in internal affairs is a basic principle of China\'s diplomacy".',
    'Beijing\'s spokesperson told reporters to "stop smearing and attacking China", according to the transcript.',
    "The embassy called the reports of interference 'baseless' and 'disinformation', per its statement.",
    'The ministry demanded the US "take back its dirty hands", state media reported.',
    "Spokesperson claims criticism reflects a 'Cold War mentality'. Analysts disagree.",
    "New piece: how Ottawa's security agencies tracked the election interference network.",
]
ORDINARY = [
    "Coffee first, then the committee hearing.",
    "Transit strike again, walking to work in the snow",
    "Great panel on Arctic sovereignty today",
    "Our newsroom is hiring two data reporters",
]


def _account(factory, handle: str, texts: list[str], **profile):
    start = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
    account = factory(handle, texts, **profile)
    # Spread posts over weeks at irregular hours, so that timing looks the same for both accounts.
    posts = [
        p.model_copy(update={"created_at": start + timedelta(days=3 * i, hours=i % 7)})
        for i, p in enumerate(account.posts)
    ]
    return account.model_copy(update={"posts": posts})


@pytest.fixture(scope="module")
def loaded(trained_registry):
    return ModelRegistry(trained_registry).load()


def test_quoting_the_embassy_keeps_narrative_low_while_asserting_its_lines_in_paraphrase_raises_it(
    loaded, account_factory
) -> None:
    profile = {"followers_count": 900, "following_count": 700}
    reporter = _account(account_factory, "ottawa_reporter", QUOTES + ORDINARY, **profile)
    parrot = _account(account_factory, "maple_voice_88", PARAPHRASES + ORDINARY, **profile)
    by_handle = {r.handle: r for r in score_accounts(loaded.model, [reporter, parrot], model_version=loaded.version)}

    assert by_handle["ottawa_reporter"].components["narrative"] < 0.2
    assert by_handle["maple_voice_88"].components["narrative"] > 0.6
    reported = by_handle["ottawa_reporter"].evidence.matched_posts
    assert reported and {m.attribution for m in reported} <= {"reported", "countered"}, "quotes are shown, as quotes"
    asserted = by_handle["maple_voice_88"].evidence.matched_posts
    assert sum(m.attribution == "asserted" for m in asserted) >= 4


@pytest.mark.parametrize(
    ("chinese", "talking_point"),
    [
        ("中国一贯坚持不干涉别国内政，这是中国外交的基本原则", "non-interference-principle"),
        ("请立即停止对中国的抹黑和攻击", "stop-smearing-china"),
        ("所谓中国干预加拿大选举的报道毫无根据", "interference-claims-baseless"),
    ],
)
def test_a_chinese_paraphrase_of_an_english_line_matches_its_talking_point(
    catalog, account_factory, chinese: str, talking_point: str
) -> None:
    narrative = NarrativeFeatures(catalog=catalog).fit([])
    [match] = narrative.match_posts(account_factory("zh_writer", [chinese]))
    assert match.talking_point_id == talking_point
    english = {tp.id: tp for tp in catalog.talking_points}[match.talking_point_id].phrases["en"]
    assert english, "the talking point it matched is the one the English line belongs to"


def test_unrelated_chinese_text_matches_nothing(catalog, account_factory) -> None:
    narrative = NarrativeFeatures(catalog=catalog).fit([])
    assert narrative.match_posts(account_factory("zh_foodie", ["周末去多伦多的唐人街吃早茶，虾饺很好吃"])) == []
