"""Declared state accounts are flagged apart from the amplifier score: by the shipped list, or by their own bio."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from detector.declared import DeclaredAccount, load_declared_accounts, self_declared_affiliation
from detector.errors import CatalogError
from detector.registry import ModelRegistry
from detector.scoring import score_accounts
from detector.self_declared import find_self_declaration

LINES = ["Stop smearing and attacking China.", "Non-interference is a basic principle of China's diplomacy."] * 4
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
SHIPPED_MODELS = Path(__file__).resolve().parents[2] / "models"  # any model scores; the committed one loads in a second


def test_bundled_list_is_valid_and_matches_handles_case_insensitively() -> None:
    declared = load_declared_accounts()
    assert declared.lookup("@xhnews").kind == "state_media"
    assert declared.lookup("some_random_person") is None
    assert declared.list_version.startswith(declared.version + "+")


def test_declared_state_account_is_flagged_state_affiliated(account_factory) -> None:
    loaded = ModelRegistry(SHIPPED_MODELS).load()
    declared = load_declared_accounts()
    official, lookalike = score_accounts(
        loaded.model,
        [account_factory("MFA_China", LINES, verified=True), account_factory("mfa_china_fan", LINES)],
        model_version=loaded.version,
        declared=declared,
    )
    assert official.state_affiliated and official.state_affiliation.name.startswith("Ministry of Foreign Affairs")
    assert not lookalike.state_affiliated and lookalike.state_affiliation is None
    assert official.declared_list_version == declared.list_version
    assert official.score is not None, "the amplifier score is computed for declared accounts too"


def test_invalid_declared_list_is_refused(tmp_path) -> None:
    path = tmp_path / "declared.yaml"
    path.write_text("version: '1'\naccounts:\n  - {handle: x, name: y, kind: troll, country: CN, evidence: z}\n")
    with pytest.raises(CatalogError, match="kind"):
        load_declared_accounts(path)


def test_list_entry_without_reason_still_validates_and_keeps_its_list_version(tmp_path) -> None:
    path = tmp_path / "declared.yaml"
    path.write_text("version: '1'\naccounts:\n  - {handle: x, name: y, kind: ministry, country: CN, evidence: z}\n")
    declared = load_declared_accounts(path)
    explicit = declared.model_copy(update={"accounts": (declared.accounts[0].model_copy(update={"reason": None}),)})
    assert declared.accounts[0].reason is None
    assert explicit.list_version == declared.list_version, "an unset reason must not change the list's digest"


# -- the list and the bio together -------------------------------------------------------------------------------------


def test_lookup_gives_list_entry_with_its_list_version_as_reason() -> None:
    declared = load_declared_accounts()
    entry = declared.lookup("XHNews")
    assert entry.name == "Xinhua News Agency"
    assert entry.reason == f"on list {declared.list_version}"


def test_list_entry_wins_over_self_declaration() -> None:
    declared = load_declared_accounts()
    entry = declared.lookup("@PDChina", "Official account of the Embassy of the Russian Federation in the UK")
    assert (entry.name, entry.kind, entry.country) == ("People's Daily", "state_media", "CN")
    assert entry.reason.startswith("on list ")


def test_lookup_falls_back_to_self_declaration_when_handle_is_not_listed() -> None:
    declared = load_declared_accounts()
    bio = "Official account of the Embassy of the People's Republic of China in Canada"
    entry = declared.lookup("@ChnEmbassy_ca", bio)
    assert entry == self_declared_affiliation("ChnEmbassy_ca", bio)
    assert entry.handle == "ChnEmbassy_ca" and entry.kind == "mission" and entry.country == "CN"
    assert entry.reason == "self-declared in profile: 'Embassy of the People's Republic of China in Canada'"
    assert declared.lookup("someone", "Reporter covering the Chinese embassy and diplomacy") is None


@pytest.mark.parametrize("description", [None, "", "   \n\t"], ids=["none", "empty", "blank"])
def test_missing_or_blank_description_gives_none(description) -> None:
    assert self_declared_affiliation("someone", description) is None
    assert load_declared_accounts().lookup("someone", description) is None


# -- self-declared affiliation -----------------------------------------------------------------------------------------

# The brief's embassy bios, one per language: each is flagged with the reason quoting the phrase.
EMBASSY_BIOS = [
    ("en", "Official account of the Embassy of the People's Republic of China in Canada", "CN"),
    ("zh-hans", "中华人民共和国驻加拿大大使馆官方账号", "CN"),
    ("zh-hant", "中華人民共和國駐加拿大大使館官方賬號", "CN"),
    ("ru", "Посольство России в Германии", "RU"),
    ("es", "Embajada de la República Popular China en Argentina", "CN"),
    ("fa", "سفارت جمهوری اسلامی ایران در لندن", "IR"),
    ("fr", "Ambassade de Chine en France", "CN"),
    ("ar", "سفارة جمهورية الصين الشعبية لدى مصر", "CN"),
]


@pytest.mark.parametrize(("bio", "country"), [(b, c) for _, b, c in EMBASSY_BIOS], ids=[i for i, _, _ in EMBASSY_BIOS])
def test_self_declared_embassy_is_flagged_with_reason_in_each_language(bio: str, country: str) -> None:
    found = self_declared_affiliation("@embassy", bio)
    assert isinstance(found, DeclaredAccount)
    assert (found.handle, found.kind, found.country) == ("embassy", "mission", country)
    assert found.evidence in bio and found.name == found.evidence
    assert found.reason == f"self-declared in profile: '{found.evidence}'"


SELF_DECLARED = [
    ("en-ambassador", "Ambassador of the PRC to the UK", "diplomat", "CN"),
    ("en-spokesperson", "Spokesperson of the Ministry of Foreign Affairs", "diplomat", "unknown"),
    ("en-consulate", "Consulate General of the Russian Federation in New York", "mission", "RU"),
    ("en-consulate-unnamed", "Consulate General of ...", "mission", "unknown"),
    ("en-state-media", "China state-affiliated media", "state_media", "CN"),
    ("en-name-then-title", "KONG Xuanyou, Chinese Ambassador to Japan", "diplomat", "CN"),
    ("en-ministry-staff", "ZHOU Li, Counsellor, Information Department, MFA, Beijing P.R.C.", "diplomat", "CN"),
    ("en-outlet", "Xinhua News Agency", "state_media", "CN"),
    ("en-outlet-staff", "CGTN News Producer", "state_media", "CN"),
    ("en-mfa", "Russian MFA 🇷🇺", "ministry", "RU"),
    ("zh-ambassador", "中国驻英国大使", "diplomat", "CN"),
    ("zh-spokesperson", "外交部发言人", "diplomat", "unknown"),
    ("zh-hant-spokesperson", "外交部發言人", "diplomat", "unknown"),
    ("ru-ministry", "Официальный аккаунт МИД России", "ministry", "RU"),
    ("ru-ambassador", "Посол России в США", "diplomat", "RU"),
    ("es-ministry", "Cuenta oficial del Ministerio de Relaciones Exteriores", "ministry", "unknown"),
    ("es-spokesperson", "Vocero del Ministerio de Relaciones Exteriores de Cuba", "diplomat", "CU"),
    ("fa-ambassador", "سفیر جمهوری اسلامی ایران در چین", "diplomat", "IR"),
    ("fa-spokesperson", "سخنگوی وزارت امور خارجه", "diplomat", "unknown"),
    ("fr-ministry", "Ministère des Affaires étrangères de la République populaire de Chine", "ministry", "CN"),
    ("ar-embassy-no-destination", "سفارة جمهورية الصين الشعبية", "mission", "CN"),
    ("ar-spokesperson", "المتحدث باسم وزارة الخارجية الصينية", "diplomat", "CN"),
]


@pytest.mark.parametrize(("bio", "kind", "country"), [c[1:] for c in SELF_DECLARED], ids=[c[0] for c in SELF_DECLARED])
def test_self_declared_state_account_is_flagged_with_kind_and_country(bio: str, kind: str, country: str) -> None:
    found = self_declared_affiliation("someone", bio)
    assert found is not None, bio
    assert (found.kind, found.country) == (kind, country)
    assert found.evidence and found.evidence in bio


# People who write about, study, used to be, or only share a word with state accounts.
NOT_SELF_DECLARED = [
    ("reporter-covering-embassy", "Reporter covering the Chinese embassy and diplomacy"),
    ("studies-state-media", "I study state media"),
    ("former-ambassador", "Former ambassador to China, now at a think tank"),
    ("ex-diplomat", "ex-diplomat"),
    ("brand-ambassador", "Brand ambassador for Nike"),
    ("tracks-state-media", "Views my own. Tracking state-affiliated media accounts"),
    ("zh-studies-diplomacy", "研究中国外交"),
    ("zh-former-ambassador", "前驻华大使"),
    ("ru-former-ambassador", "бывший посол"),
    ("ru-former-ambassador-named", "Бывший посол России в США"),
    ("es-former-ambassador", "ex embajador de Chile en China"),
    ("fr-former-ambassador", "ancien ambassadeur de France en Chine"),
    ("fa-former-ambassador", "سفیر سابق ایران در فرانسه"),
    ("ar-former-ambassador", "سفير الصين السابق لدى مصر"),
    ("retired-ambassador", "Retired ambassador of Canada to Mexico"),
    ("ret-after-title", "US Ambassador (ret.) focused on trade"),
    ("state-media-watcher", "Chinese state media watcher"),
    ("protester", "Protesting outside the Chinese Embassy in London every week"),
    ("beat-reporter", "State Department correspondent for CNN"),
    ("goodwill-ambassador", "UN Goodwill Ambassador"),
    ("corporate-ambassador", "Ambassador to Nigeria for @Unilever"),
    ("religious-ambassador", "Ambassador of the Kingdom of God"),
    ("fine-arts-degree", "MFA in poetry"),
    ("hotel", "Embassy Suites by Hilton"),
    ("nightclub", "Ministry of Sound"),
    ("camera-installer", "CCTV installer in Manchester"),
    ("retweet-disclaimer", "RT ≠ endorsement"),
    ("consultant", "Management consultant in Beijing"),
    ("parody", "Parody account of the Russian MFA"),
    ("not-affiliated", "Not affiliated with the Russian embassy"),
    ("zh-fan", "外交部发言人的粉丝"),
]


@pytest.mark.parametrize("bio", [b for _, b in NOT_SELF_DECLARED], ids=[i for i, _ in NOT_SELF_DECLARED])
def test_bio_about_state_accounts_is_not_flagged(bio: str) -> None:
    assert self_declared_affiliation("someone", bio) is None


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not beside this checkout")
def test_no_unverified_ordinary_user_in_real_bio_samples_is_flagged() -> None:
    # ~2,200 real bios of ordinary users; the only accounts flagged are verified officials (a head of government,
    # a minister, an ambassador), which are state accounts indeed.
    users = [json.loads(line) for line in (REAL / "twibot22_sample" / "user_sample.json").open(encoding="utf-8")]
    bios = [(u.get("description"), bool(u.get("verified"))) for u in users]
    with (REAL / "generic_bots" / "nonbots_data.csv").open(encoding="utf-8", errors="replace") as f:
        bios += [(row["description"], row["verified"] == "TRUE") for row in csv.DictReader(f)]
    flagged = [(bio, verified) for bio, verified in bios if self_declared_affiliation("user", bio) is not None]
    assert len(bios) > 2000
    assert all(verified for _, verified in flagged), [bio for bio, verified in flagged if not verified]
    assert len(flagged) <= 5


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not beside this checkout")
def test_known_chinese_state_accounts_are_flagged_and_influencers_are_not() -> None:
    with (REAL / "handles" / "china_state_handles.csv").open(encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row["description"] != "User"]
    state = [r for r in rows if r["category"] in {"diplomacy", "state_media"} and "former" not in r["description"]]
    influencers = [r for r in rows if r["category"] == "foreign_influencer"]
    missed = [r["description"] for r in state if self_declared_affiliation(r["handle"], r["description"]) is None]
    assert len(missed) <= len(state) // 20, missed
    assert all(self_declared_affiliation(r["handle"], r["description"]) is None for r in influencers)


@pytest.mark.parametrize(
    ("bio", "kind"),
    [
        ("Official account of Silk Road Wire, a state news agency.", "state_media"),
        ("Official account of Dragon Gate TV, a state broadcaster.", "state_media"),
        ("Official account of the embassy press office in Ottawa.", "mission"),
        ("Official account of the spokesperson's office.", "ministry"),
        # The outlet's name ends in a word that elsewhere means watching it from outside.
        ("Official account of the Eastern Observer, a state-run daily.", "state_media"),
        ("Official account of the Harbour Monitor, a state broadcaster.", "state_media"),
    ],
)
def test_an_account_that_calls_itself_state_media_or_an_embassy_office_is_flagged_without_naming_the_state(
    bio: str, kind: str
) -> None:
    found = find_self_declaration(bio)
    assert found is not None and found.kind == kind


@pytest.mark.parametrize(
    "bio",
    [
        "I write about a state news agency and its lies",
        "Reporter at a state-run daily",
        "Tracking the state broadcaster",
        "Reporter at the Eastern Observer, a state-run daily.",
        "Observer of a state-run daily",
        "Media Monitor, a state-run daily watcher",
    ],
)
def test_writing_about_state_media_is_not_being_it(bio: str) -> None:
    assert find_self_declaration(bio) is None
