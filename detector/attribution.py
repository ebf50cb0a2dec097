"""Decide how a post that matches a talking point relates to it: says it, reports it, argues with it, or retweets it.

This is the line between an amplifier and the journalist who quotes the embassy. Only ``asserted`` and
``retweet`` count toward the narrative component; ``reported`` and ``countered`` posts are shown as evidence but
never raise a score. The rules are deliberately transparent (cue lists per language) so an analyst can see why a
post was read one way; a countering cue wins over a reporting cue ("Beijing says X. The documents say otherwise.").
"""

from __future__ import annotations

import re
from enum import StrEnum

from detector.schema import Post

__all__ = ["Attribution", "classify_attribution"]


class Attribution(StrEnum):
    ASSERTED = "asserted"
    REPORTED = "reported"
    COUNTERED = "countered"
    RETWEET = "retweet"


_REPORTING_CUES_LATIN = (
    r"\b(?<!well )(?<!rightly )said\b",  # "Well said." is applause, not attribution
    r"\bsays\b",
    r"\bsay\b",
    r"\bsaying\b",
    r"\btold\b",
    r"\bclaims?\b",
    r"\bclaimed\b",
    r"\baccording to\b",
    r"\bstatement\b",
    r"\bspokes(?:person|man|woman)\b",
    r"\binsists?\b",
    r"\bdenies\b",
    r"\bdenied\b",
    r"\b(?<!so-)called\b",
    r"\bcalls\b",
    r"\bdescribed\b",
    r"\bresponded\b",
    r"\breplied\b",
    r"\bwrote\b",
    r"\baccused\b",
    r"\brepeated\b",
    r"\bline is\b",
    r"\bselon\b",
    r"\ba déclaré\b",
    r"\baffirme\b",
    r"\bdéclare\b",
    r"\bporte-parole\b",
)
# Words like "lies" or "propaganda" alone are the amplifiers' own vocabulary ("the CSIS leaks are lies"), so
# countering cues must point at the state's claim, not at its critics.
_COUNTER_CUES_LATIN = (
    r"\botherwise\b",
    r"\bnot true\b",
    r"\buntrue\b",
    r"\bdon'?t buy\b",
    r"\bno one believes\b",
    r"\bnot an answer\b",
    r"\bdoesn'?t hold up\b",
    r"\bcontradict\w*\b",
    r"\bgaslight\w*\b",
    r"\bdeflect\w*\b",
    r"\bwhitewash\w*\b",
    r"\bdebunk\w*\b",
    r"\bfact[- ]check\w*\b",
    r"\b(?:beijing|ccp|cpc|party|state|regime)'?s? (?:lies|propaganda|talking points?|line)\b",
    r"\bpropagande (?:de pékin|du pcc)\b",
    r"\bc'est faux\b",
)
# "据" alone would fire on 毫无根据 ("baseless"), the very line we match, so only its reporting compounds count.
_REPORTING_ZH = re.compile(r"称|表示|发言人|回应|指出|据(?:报道|悉|消息)")
_COUNTER_ZH = re.compile(r"(?:中共|北京|当局)的?(?:谎言|宣传|说辞)|并非如此|事实并非|狡辩|站不住脚")


def _word_cues(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for cues that all start at a word boundary, with the boundary factored out: the regex engine then
    tries the alternatives only where a word starts, not at every character (3x faster on post-length text, and
    this runs on every matching post). It matches ``_folded`` text: the cues are lower case."""
    if not all(cue.startswith(r"\b") for cue in cues):
        raise ValueError("every cue must start with \\b")
    if any(cue != cue.lower() for cue in cues):
        raise ValueError("cues are lower case: they match folded text")
    return re.compile(r"\b(?:" + "|".join(cue[2:] for cue in cues) + ")")


# Matching lower-cased text is 3x faster than ``re.IGNORECASE`` and finds the same: the regex engine compares each
# character's simple lower case, which differs from ``str.lower`` only for dotted capital I (one character, not two),
# and also lets "s" match long s and "i" dotless i. Folding those three first makes the two agree on every code
# point (a test checks each letter the cues use).
_REGEX_CASE_FOLDS = str.maketrans({"ſ": "s", "ı": "i", "İ": "i"})


def _folded(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_REGEX_CASE_FOLDS).lower()


_REPORTING = _word_cues(_REPORTING_CUES_LATIN)
_COUNTER = _word_cues(_COUNTER_CUES_LATIN)
# A quoted fragment: the poster is putting someone else's words in quotation marks.
# Straight single quotes are left out: apostrophes ("China's ... don't") would pair up as false quotations.
_QUOTED = re.compile(r"[\"“«「『][^\"”»」』]{3,}[\"”»」』]")
_RETWEET_PREFIX = re.compile(r"^\s*RT\s+@\w+:?", re.IGNORECASE)


def classify_attribution(post: Post) -> Attribution:
    """Classify a post already known to match a talking point.

    Arguing against beats reporting, and reporting beats asserting. A retweet amplifies what it retweets: a retweet
    of an assertion is ``retweet``, while a retweet of a report or a rebuttal keeps that reading (journalists
    retweet each other's reporting).
    """
    text = post.text
    is_retweet = post.is_retweet or bool(_RETWEET_PREFIX.match(text))
    text = _RETWEET_PREFIX.sub("", text, count=1)
    folded = _folded(text)
    chinese = not text.isascii()  # the Chinese cues cannot match ASCII text
    if _COUNTER.search(folded) or (chinese and _COUNTER_ZH.search(text)):
        return Attribution.COUNTERED
    if _REPORTING.search(folded) or _QUOTED.search(text) or (chinese and _REPORTING_ZH.search(text)):
        return Attribution.REPORTED
    return Attribution.RETWEET if is_retweet else Attribution.ASSERTED
