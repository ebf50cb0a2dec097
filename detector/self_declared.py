"""Find a self-declared state affiliation in a profile bio: "Embassy of ... in ...", "外交部发言人", "МИД России".

An account that says in its own bio that it speaks for a state (an embassy, a ministry, a diplomat, state media) is a
declared state account even when no curated list names it. The trap is the people who write *about* such accounts:
journalists covering an embassy, researchers of state media, former ambassadors, brand ambassadors. Matching is
therefore built for precision, and a phrase counts only when all of these hold:

1. it has an institution's structure (an embassy *of a country*, an ambassador *of or to a country*, a ministry of
   foreign affairs, *a country's* state media, a named state outlet), not a bare word such as "embassy" or "MFA";
2. the account names itself with it: the phrase opens its clause of the bio, or follows only a personal name and a
   comma ("KONG Xuanyou, Chinese Ambassador to Japan") or an official-account cue ("Official account of the",
   "Cuenta oficial del", "حساب رسمی", "这里是");
3. no negation cue stands before it in its clause (former, ex-, retired, covering, studying, tracking, reporter,
   researcher, 前, 原, 研究, бывший, exembajador, ancien, سابق ...) or right after it (watcher, researcher, (ret.),
   سابق, 研究 ...).

Languages: English, Chinese (simplified and traditional), Russian, Spanish, Persian, French and Arabic. The text is
folded before matching (NFKC; one code point for one, so that offsets still point into the bio): typographic
apostrophes, Latin accents, ё, Arabic hamza forms and the Arabic/Persian yeh and kaf variants, and the traditional
characters that the patterns use. Patterns are written naturally and folded the same way when compiled.

``find_self_declaration`` is the whole API. It runs once per scored account, so it is built to be cheap: an ASCII bio
is not folded at all, and a bio without any trigger stem (about 98% of ordinary bios) costs one search of a
precompiled trie. Only the others get their country names marked and the rules tried, each rule only on bios in its
script. On the real bio samples that averaged some 20-40 us a bio.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import yaml

__all__ = ["Kind", "SelfDeclaration", "find_self_declaration"]

Kind = Literal["ministry", "diplomat", "mission", "state_media", "official"]

UNKNOWN_COUNTRY = "unknown"
MAX_EVIDENCE_CHARS = 100
# X caps a bio at 160 characters; longer "bios" (other platforms, pasted text) are read up to here, which bounds the
# cost of a pathological one (16,000 characters of "embassy" took 0.1 s whole).
MAX_BIO_CHARS = 1000

# -- folding ----------------------------------------------------------------------------------------------------------

_FOLD_PAIRS = (
    # typographic apostrophes and the zero-width non-joiner of Persian compounds (سفارت‌خانه)
    ("\u2019\u2018\u02bc\u00b4\u200c", "'''' "),
    ("áàâäãåéèêëíìîïóòôöõúùûüñçÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇ", "aaaaaaeeeeiiiiooooouuuuncAAAAAAEEEEIIIIOOOOOUUUUNC"),
    ("ёЁ", "еЕ"),
    ("أإآٱيىكۀ", "ااااییکه"),  # hamza forms to bare alef; Arabic yeh and kaf to the Persian letters
    # traditional to simplified, for the characters the Chinese patterns use
    (
        "館領總華國團發聞報視電網環時際廣關觀評論記學絲歡這裡帳號賬戶駐長員務辦聯會對於權經韓亞義灣與問題蹤監測專約羅蘇烏傳處導黨誌寫業實編輯"
        "臺衛護廳語參贊們為說個來門開點後從當動軌跡鳥島倫紐蘭樂爾勢臘擊雜歐東臨遊體營訊敘內薩馬賓麥愛奧緬撾魯濟",
        "馆领总华国团发闻报视电网环时际广关观评论记学丝欢这里帐号账户驻长员务办联会对于权经韩亚义湾与问题踪监测专约罗苏乌传处导党志写业实编辑"
        "台卫护厅语参赞们为说个来门开点后从当动轨迹鸟岛伦纽兰乐尔势腊击杂欧东临游体营讯叙内萨马宾麦爱奥缅挝鲁济",
    ),
)
_FOLD = str.maketrans("".join(a for a, _ in _FOLD_PAIRS), "".join(b for _, b in _FOLD_PAIRS))


def _fold(text: str) -> str:
    """Return ``text`` NFKC-normalized and folded one code point for one (see the module docstring)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_FOLD)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(_fold(pattern), re.IGNORECASE)


# -- cue data ----------------------------------------------------------------------------------------------------------
# The country names, outlets, trigger stems, cues and rules are data in ``detector/self_declared_cues/*.yaml``, read
# once when this module is imported (every pattern is compiled then, so that scoring pays nothing per bio).


@functools.cache
def _cues(name: str) -> dict[str, Any]:
    text = resources.files("detector").joinpath("self_declared_cues", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _pattern(value: str | list[str]) -> str:
    """A pattern as the data files write it: one string, or pieces joined with nothing."""
    return value if isinstance(value, str) else "".join(value)


# -- countries ---------------------------------------------------------------------------------------------------------
# See the header of ``self_declared_cues/countries.yaml`` for the table's notation (``*`` stems, ``=`` acronyms).
_COUNTRY_TABLE: str = _cues("countries.yaml")["countries"]


def _units(literal: str) -> list[str]:
    """Return the regex units of a literal: a character each, ``\\s+`` between words, a stem's (``*``) or word's end."""
    text = _fold(literal.rstrip("=*!"))
    if not literal.endswith("="):
        text = text.lower()
    units: list[str] = []
    for i, word in enumerate(text.split()):
        if i:
            units.append(r"\s+")
        units.extend(re.escape(ch) for ch in word)
    if literal.endswith("*"):
        units.append(r"\w*")
    elif literal.endswith("!"):
        units.append(r"(?!\w)")
    elif "." in text:  # "U.S" also covers "U.S." (the table leaves the last period off)
        units.append(r"\.?")
    return units


def _trie_pattern(literals: list[str]) -> str:
    """Return one regex for many literals, their common prefixes shared.

    Python's ``re`` tries an alternation's branches one by one at every position; a trie fails on the first character
    that no literal continues with. On bios it made the country search about seven times faster. Longer continuations
    come first, so the longest literal at a position wins.
    """
    trie: dict[str, dict] = {}
    for literal in literals:
        node = trie
        for unit in _units(literal):
            node = node.setdefault(unit, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = sorted((unit + emit(child) for unit, child in node.items() if unit), key=len, reverse=True)
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 or "" in node else branches[0]
        return body + "?" if "" in node else body

    return emit(trie)


def _parse_country_table(table: str) -> dict[str, tuple[str, ...]]:
    countries: dict[str, tuple[str, ...]] = {}
    code = ""
    for line in table.strip().splitlines():
        if not line[:1].isspace():  # an indented line goes on with the country above
            code, _, line = line.partition(":")
        countries[code] = countries.get(code, ()) + tuple(a.strip() for a in line.split(";") if a.strip())
    return countries


def _is_chinese(text: str) -> bool:
    return re.search(r"[\u3400-\u9fff]", text) is not None


def _is_arabic(text: str) -> bool:
    return re.search(r"[\u0600-\u06ff]", text) is not None


def _literal_alternation(literals: list[str]) -> str:
    """Return a regex for literals that may be case-sensitive (``=``), Arabic or Chinese (no word boundaries)."""
    plain = [w for w in literals if not w.endswith("=") and not _is_chinese(w) and not _is_arabic(w)]
    exact = [w for w in literals if w.endswith("=")]
    chinese = [w for w in literals if _is_chinese(w)]
    # Arabic writes "to" and "of" onto the name: "القنصلية العامة لجمهورية الصين الشعبية"
    arabic = [w for w in literals if _is_arabic(w)]
    words = f"{_trie_pattern(plain)}|(?-i:{_trie_pattern(exact)})" if exact else _trie_pattern(plain)
    parts = [rf"(?<!\w)(?:{words})(?!\w)"]
    if arabic:
        parts.append(rf"(?<!\w)[لبو]?(?:{_trie_pattern(arabic)})(?!\w)")
    if chinese:
        parts.append(_trie_pattern(chinese))
    return "|".join(parts)


_COUNTRIES = _parse_country_table(_COUNTRY_TABLE)
_COUNTRY = re.compile(_literal_alternation([a for names in _COUNTRIES.values() for a in names]), re.IGNORECASE)
_COUNTRY_BY_ALIAS = {
    " ".join(_fold(a.rstrip("=")).casefold().split()): code
    for code, names in _COUNTRIES.items()
    for a in names
    if not a.endswith("*")
}
_COUNTRY_STEMS = tuple(
    (code, re.compile("".join(_units(a)), re.IGNORECASE))
    for code, names in _COUNTRIES.items()
    for a in names
    if a.endswith("*")
)

# Rules do not spell out the ~900 country names: before they run, each name found in the bio is overwritten by a
# marker of the same length (\x02 then \x01s), and a rule writes ``{C}`` (this pattern) for "a country here". This
# keeps the rules small and quick to compile, and offsets still point into the bio.
_MARK_START, _MARK_REST = "\x02", "\x01"
_C = r"(?:\x02\x01*+)"  # possessive: a rule cannot take part of a name


# -- state outlets -----------------------------------------------------------------------------------------------------
_OUTLETS: tuple[tuple[str, str], ...] = tuple((code, pattern) for code, pattern in _cues("cues.yaml")["outlets"])
_OUTLET = "(?:" + "|".join(p for _, p in _OUTLETS) + ")"
_OUTLET_COUNTRY = tuple((code, _compile(p)) for code, p in _OUTLETS)


def _stem_regex(words: str) -> re.Pattern[str]:
    """Compile ``;``-separated stems into one search: ``=`` marks a case-sensitive one, ``!`` a whole word."""
    stems = [w.strip() for w in words.split(";") if w.strip()]
    exact = [w for w in stems if w.endswith("=")]
    pattern = _trie_pattern([w for w in stems if not w.endswith("=")])
    return re.compile(f"{pattern}|(?-i:{_trie_pattern(exact)})" if exact else pattern, re.IGNORECASE)


_OUTLET_WORDS: str = _cues("cues.yaml")["outlet_words"]
# Cheap prefilter: a bio without any of these stems (or an outlet's name) cannot match a rule (see cues.yaml).
_INSTITUTION_WORDS: str = _cues("cues.yaml")["institution_words"]
_OUTLET_TRIGGER = _stem_regex(_OUTLET_WORDS)
_TRIGGER_STEMS = [w.strip() for w in (_INSTITUTION_WORDS + ";" + _OUTLET_WORDS).split(";") if w.strip()]
# Searched in the lower-cased bio without IGNORECASE, which made the prefilter four times faster.
_TRIGGER = re.compile(_trie_pattern([w for w in _TRIGGER_STEMS if not w.endswith("=")]))
_TRIGGER_EXACT = re.compile(_trie_pattern([w for w in _TRIGGER_STEMS if w.endswith("=")]))


# -- rules -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    kind: Kind
    pattern: re.Pattern[str]
    # The match must name a country: a group called ``sender...`` (who sends the mission) or ``dest`` (where to).
    needs_country: bool
    # Whether the pattern reads the text with country names marked (it uses ``{C}``) or as written.
    reads_marked: bool
    country: str | None  # the country the phrase itself names ("Quai d'Orsay"), if any
    # A rule whose phrase spans free text ("Director, ..., MFA") also refuses negation cues inside it.
    negation_inside: bool
    # The rule is tried only on bios where this matches: its script, or for the outlets one of their names.
    requires: re.Pattern[str]


_SCRIPTS = {
    "latin": re.compile(r"[A-Za-z]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "han": re.compile(r"[\u3400-\u9fff]"),
}


def _rule(
    kind: Kind,
    pattern: str,
    *,
    script: Literal["latin", "cyrillic", "arabic", "han"] = "latin",
    requires: re.Pattern[str] | None = None,
    needs_country: bool = False,
    country: str | None = None,
    negation_inside: bool = False,
) -> _Rule:
    gate = requires if requires is not None else _SCRIPTS[script]
    return _Rule(kind, _compile(pattern), needs_country, _C in pattern, country, negation_inside, gate)


_FRAGMENT = re.compile(r"\{([A-Z][A-Z_0-9]*)\}")


def _load_rules() -> tuple[_Rule, ...]:
    """Build the rules of ``self_declared_cues/rules.yaml`` in their priority order (see its header)."""
    data = _cues("rules.yaml")
    fragments = {"C": _C, "OUTLET": _OUTLET} | {name: _pattern(p) for name, p in data["fragments"].items()}
    rules = []
    for entry in data["rules"]:
        pattern = _FRAGMENT.sub(lambda m: fragments[m.group(1)], _pattern(entry["pattern"]))
        requires = entry.get("requires")
        if requires not in (None, "outlet_names"):
            raise ValueError(f"self_declared_cues/rules.yaml: unknown requires {requires!r}")
        rule = _rule(
            entry["kind"],
            pattern,
            script=entry.get("script", "latin"),
            requires=_OUTLET_TRIGGER if requires else None,
            needs_country=entry.get("needs_country", False),
            country=entry.get("country"),
            negation_inside=entry.get("negation_inside", False),
        )
        rules.append(rule)
    return tuple(rules)


# In priority order: a spokesperson of an embassy is a diplomat, not a mission.
_RULES = _load_rules()


# -- where a phrase stands in the bio ----------------------------------------------------------------------------------

# A clause ends at sentence punctuation, a separator or a line break; a period after a single letter ("P.R.C.", "U.S.")
# is an abbreviation, not the end of a sentence.
_CLAUSE_BREAK = re.compile(r"[!?;|•·\n。；！？؛]|(?<![\s.][A-Za-z])(?<!^[A-Za-z])\.(?=\s|$)")

# Cues that a clause is about an institution, not spoken by it (checked in the clause before the phrase), cues right
# after the phrase ("state media watcher", "(ret.)"), and cues that the account names itself ("Official account of").
_NEGATION_BEFORE = _compile(_pattern(_cues("cues.yaml")["negation_before"]))
_NEGATION_AFTER = _compile(_pattern(_cues("cues.yaml")["negation_after"]))
_SELF_REFERENCE_CUE = _compile(_pattern(_cues("cues.yaml")["self_reference_cue"]))
# "KONG Xuanyou, Chinese Ambassador to Japan": up to six words (a name, a title) and a comma or a colon.
_NAME_PREFIX = re.compile(r"^\W*[\w.'-]+(?:[\s,，&]+[\w.'-]+){0,5}\s*[,，:：–—]\s*$")
_EMPTY = re.compile(r"^[\W_\d]*$")


@dataclass(frozen=True)
class SelfDeclaration:
    """A bio phrase by which an account declares itself a state account."""

    kind: Kind
    country: str  # ISO 3166 alpha-2 of the state the account speaks for, or "unknown"
    phrase: str  # the phrase as written in the bio, from the institution to the end of its clause


def find_self_declaration(description: str | None) -> SelfDeclaration | None:
    """Return the first self-declared state affiliation in a profile bio, or ``None``.

    Parameters
    ----------
    description : str or None
        The profile bio; only its first ``MAX_BIO_CHARS`` characters are read.

    Returns
    -------
    SelfDeclaration or None
        Rules are tried in priority order (diplomats, missions, ministries, heads of government, state media), and
        within a rule from the start of the bio. ``None`` for a missing or blank bio, and whenever the only candidates
        are mentions of an institution rather than self-descriptions (see the module docstring).
    """
    if not description or description.isspace():
        return None
    description = description[:MAX_BIO_CHARS]
    if description.isascii():  # nearly every bio: already NFKC, and folding changes no ASCII character
        original = folded = description
    else:
        original = unicodedata.normalize("NFKC", description)
        folded = original.translate(_FOLD)
    if _TRIGGER.search(folded.lower()) is None and _TRIGGER_EXACT.search(folded) is None:
        return None
    marked, countries = _mark_countries(folded)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(folded)]
    for rule in _RULES:
        if rule.requires.search(folded) is None:
            continue
        for match in rule.pattern.finditer(marked if rule.reads_marked else folded):
            if rule.needs_country and not _names_country(match):
                continue
            start, end = match.span()
            clause_start = max((b for b in breaks if b <= start), default=0)
            before = folded[clause_start:start]
            after = folded[end : min((b for b in breaks if b > end), default=len(folded))]
            if _negated_before(before[-60:]) or _NEGATION_AFTER.search(after[:40]):
                continue
            if rule.negation_inside and _NEGATION_BEFORE.search(folded[start:end]):
                continue
            if not _names_itself(before):
                continue
            country = rule.country or _sending_country(match, countries) or _outlet_country(rule, match)
            phrase = _evidence(original, start, end + len(after))
            return SelfDeclaration(rule.kind, country or UNKNOWN_COUNTRY, phrase)
    return None


# Cue words that are also the last word of an outlet's name ("the Eastern Observer", "the Christian Science Monitor"):
# there, capitalized after another capitalized word, they name the account's own outlet rather than negate it.
_NAME_WORD_CUES = frozenset({"observer", "monitor", "watch", "tracker", "observador", "observateur"})
_CAPITALIZED_PAIR = re.compile(r"[A-Z][\w'-]*\s+$")


def _negated_before(before: str) -> bool:
    """Whether a negation cue stands in ``before`` (the clause before the phrase), not counting a cue word that ends
    a capitalized name."""
    for cue in _NEGATION_BEFORE.finditer(before):
        word = cue.group().strip()
        if word.lower() in _NAME_WORD_CUES and word[:1].isupper() and _CAPITALIZED_PAIR.search(before[: cue.start()]):
            continue
        return True
    return False


def _mark_countries(folded: str) -> tuple[str, dict[int, str]]:
    """Return ``folded`` with each country name overwritten by a marker, and the country code at each marker."""
    parts: list[str] = []
    countries: dict[int, str] = {}
    last = 0
    for found in _COUNTRY.finditer(folded):
        code = _country_code(found.group())
        if code is None:
            continue
        start, end = found.span()
        parts += [folded[last:start], _MARK_START, _MARK_REST * (end - start - 1)]
        countries[start] = code
        last = end
    parts.append(folded[last:])
    return "".join(parts), countries


def _country_code(alias: str) -> str | None:
    key = " ".join(alias.rstrip(".").split()).casefold()
    code = _COUNTRY_BY_ALIAS.get(key)
    if code is None and key[:1] in "لبو":  # an Arabic clitic before the name
        code = _COUNTRY_BY_ALIAS.get(key[1:])
    if code is None:  # a stem: "России", "китайской"
        code = next((c for c, stem in _COUNTRY_STEMS if stem.fullmatch(alias)), None)
    return code


def _names_country(match: re.Match[str]) -> bool:
    return any(value for name, value in match.groupdict().items() if name.startswith("sender") or name == "dest")


def _names_itself(before: str) -> bool:
    before = before.lstrip()
    return (
        _EMPTY.match(before) is not None
        or _SELF_REFERENCE_CUE.search(before) is not None
        or _NAME_PREFIX.match(before) is not None
    )


def _sending_country(match: re.Match[str], countries: dict[int, str]) -> str | None:
    """Return the country named in the match's first ``sender...`` group (the state that sends, not the host)."""
    for name in sorted(n for n, value in match.groupdict().items() if n.startswith("sender") and value):
        start, end = match.span(name)
        code = next((countries[i] for i in range(start, end) if i in countries), None)
        if code is not None:
            return code
    return None


def _outlet_country(rule: _Rule, match: re.Match[str]) -> str | None:
    if rule.kind != "state_media":
        return None
    return next((code for code, pattern in _OUTLET_COUNTRY if pattern.search(match.group())), None)


def _evidence(original: str, start: int, end: int) -> str:
    """Return the bio from the phrase to the end of its clause, without a leading "the", cut to a readable length."""
    phrase = original[start:end].strip(" \t,，:：-–—()|")
    if phrase[:4].lower() == "the ":
        phrase = phrase[4:]
    if len(phrase) <= MAX_EVIDENCE_CHARS:
        return phrase
    cut = phrase.rfind(" ", 0, MAX_EVIDENCE_CHARS)
    return phrase[: cut if cut > MAX_EVIDENCE_CHARS // 2 else MAX_EVIDENCE_CHARS].rstrip() + "…"
