"""The language guess that splits report figures: script first, then function words, English by default."""

from __future__ import annotations

import pytest

from training.languages import UNDETERMINED, account_language, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我们坚决反对任何国家干涉中国内政 #Canada https://example.org/x", "zh"),
        ("Западные страны снова вмешиваются во внутренние дела", "ru"),
        ("کشورهای غربی دوباره در امور داخلی ما دخالت می‌کنند", "fa"),
        ("الدول الغربية تتدخل مرة أخرى في الشؤون الداخلية", "ar"),
        ("Le gouvernement dit que les accusations sont sans fondement et pas crédibles", "fr"),
        ("El gobierno dice que las acusaciones son falsas y que no hay pruebas para esta historia", "es"),
        ("The ministry says the allegations are baseless and that this is a smear", "en"),
        ("Vancouver tonight", "en"),  # no function word of any language: English by default
        ("https://example.org/a @someone #tag 123 🙂", UNDETERMINED),
    ],
)
def test_detect_language_by_script_then_function_words(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_chinese_post_with_english_hashtags_and_handles_is_chinese() -> None:
    assert detect_language("@GlobalTimesNews 西方媒体又在抹黑 #Xinjiang #HongKong #fakenews") == "zh"


def test_account_language_is_the_most_common_language_of_its_posts(account_factory) -> None:
    account = account_factory(
        "mixed",
        ["反对干涉中国内政", "这是冷战思维", "The embassy says this is baseless", "🙂 https://example.org"],
    )
    assert account_language(account) == "zh"


def test_account_without_any_text_is_undetermined(account_factory) -> None:
    assert account_language(account_factory("quiet", ["https://example.org/a", "🙂"])) == UNDETERMINED
