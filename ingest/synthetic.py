"""Generate the deterministic synthetic demo corpus: labeled accounts around the 2023 Canada interference debate.

Everything in it is invented by this module: handles, names, outlets, URLs (fictional domains) and text.
No real account or post is copied, and the README written next to the data says so. The corpus gives demos and
tests the cases the detector must tell apart (DESIGN.md, "Hard cases"): coordinated amplifier networks, ordinary
users (some of whom echo a talking point sincerely), reporters and researchers who quote the lines, critics who argue
against them, automated news feeds, and declared state accounts.

Same ``seed`` and ``n_accounts`` give byte-identical output: all randomness comes from one ``random.Random(seed)``,
nothing iterates over a set, and no clock is read.
"""

from __future__ import annotations

import csv
import logging
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from detector.schema import Account, Post, Profile
from ingest.jsonl import write_accounts

__all__ = [
    "DEFAULT_ACCOUNTS",
    "DEFAULT_SEED",
    "LABELS",
    "ROLES",
    "SPAN_END",
    "SPAN_START",
    "TALKING_POINT_IDS",
    "LabeledAccount",
    "SyntheticCorpus",
    "generate_corpus",
    "write_corpus",
]

logger = logging.getLogger(__name__)

DEFAULT_SEED = 2023
DEFAULT_ACCOUNTS = 2000
LABELS = ("amplifier", "ordinary", "state_affiliated")
ROLES = ("amplifier", "ordinary", "news_bot", "journalist", "researcher", "critic", "state")
SPAN_START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_END = datetime(2023, 6, 30, 23, 59, 59, tzinfo=UTC)

_LABEL_OF_ROLE = {"amplifier": "amplifier", "state": "state_affiliated"}
_SPAN_S = int((SPAN_END - SPAN_START).total_seconds())
_DAY_S = 86_400
_TWEPOCH_MS = 1_288_834_974_657  # snowflake ids count milliseconds from here, so ids sort like real ones
_SPAN_START_MS = int(SPAN_START.timestamp() * 1000)
# Minimum role sizes keep every hard case present in small demo corpora (n_accounts >= 100).
_ROLE_SHARES = (
    ("state", 0.015, 3),
    ("news_bot", 0.03, 1),
    ("journalist", 0.07, 1),
    ("researcher", 0.04, 1),
    ("critic", 0.06, 1),
    ("amplifier", 0.12, 2),
)


@dataclass(frozen=True)
class LabeledAccount:
    """One synthetic account with the ground truth that made it."""

    account: Account
    label: str
    role: str
    network: str | None


class SyntheticCorpus(list[LabeledAccount]):
    """A list of labeled accounts that remembers the seed it came from, so ``write_corpus`` can record it."""

    def __init__(self, accounts: Sequence[LabeledAccount] = (), *, seed: int | None = None) -> None:
        super().__init__(accounts)
        self.seed = seed


# --------------------------------------------------------------------------------------------------------------------
# Talking points: our own paraphrases, several per line and language, so matching must survive rewording.
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    en: tuple[str, ...]  # asserted, first person or plain statement
    zh: tuple[str, ...]
    gist_en: str  # reported-speech clause: "The embassy says <gist_en>."
    gist_zh: str
    short: str  # the catch-phrase a reporter or critic puts in quotation marks


_LINES: dict[str, _Line] = {
    "non-interference-principle": _Line(
        en=(
            "Non-interference in other countries' internal affairs is a basic principle of China's foreign policy.",
            "China has never interfered and will never interfere in Canada's internal affairs.",
            "Respecting other nations' domestic affairs has always been a cornerstone of Chinese diplomacy.",
            "China has no interest whatsoever in meddling in Canada's elections or domestic politics.",
            "Staying out of other countries' internal matters is how China has always conducted its diplomacy.",
        ),
        zh=(
            "不干涉别国内政是中国外交的一贯原则。",
            "中方从来不干涉加拿大内政，也没有任何兴趣干涉。",
            "中国始终坚持不干涉他国内部事务。",
        ),
        gist_en="China never interferes in other countries' internal affairs",
        gist_zh="中国从不干涉别国内政",
        short="non-interference is our basic principle",
    ),
    "interference-claims-baseless": _Line(
        en=(
            "The so-called Chinese interference reports are completely baseless.",
            "These allegations of election meddling have no factual basis whatsoever.",
            "Accusations that China interfered in Canadian elections are groundless and absurd.",
            "There is zero evidence behind the claims about Chinese interference.",
            "The interference story is pure fabrication with nothing to back it up.",
        ),
        zh=(
            "所谓中国干预加拿大选举的说法毫无根据。",
            "有关中方干涉选举的指控纯属捏造。",
            "这些所谓干预的报道没有任何事实依据。",
        ),
        gist_en="the interference allegations are baseless",
        gist_zh="有关干预的指控毫无根据",
        short="baseless",
    ),
    "stop-smearing-china": _Line(
        en=(
            "Canada must stop smearing and attacking China.",
            "We urge the Canadian side to stop its smear campaign against China immediately.",
            "Enough with the slander against China. Stop it now.",
            "The endless attacks and defamation against China must end.",
            "Stop spreading lies to discredit China.",
        ),
        zh=(
            "加方应立即停止对中国的抹黑和攻击。",
            "奉劝某些人停止污蔑中国。",
            "停止抹黑中国，停止无端指责。",
        ),
        gist_en="Canada should stop smearing China",
        gist_zh="加方应停止抹黑中国",
        short="stop smearing China",
    ),
    "take-back-dirty-hands": _Line(
        en=(
            "Those who meddle in China's affairs should take back their dirty hands.",
            "Keep your dirty hands off China's internal matters.",
            "Anyone reaching into China's business had better pull their dirty hands back.",
            "Take your dirty hands away from China.",
        ),
        zh=(
            "收回伸向中国的黑手。",
            "奉劝有关方面把伸向中国内政的脏手收回去。",
        ),
        gist_en="foreign forces must take back their dirty hands",
        gist_zh="有关方面应收回伸向中国的黑手",
        short="take back your dirty hands",
    ),
    "cold-war-mentality": _Line(
        en=(
            "Canada should abandon its Cold War mentality toward China.",
            "This is Cold War thinking, plain and simple.",
            "Zero-sum Cold War logic only hurts everyone.",
            "Some politicians are still stuck in an outdated Cold War mindset.",
            "Drop the Cold War mentality and look at China objectively.",
        ),
        zh=(
            "加方应摒弃冷战思维。",
            "这种零和博弈的冷战思维早已过时。",
        ),
        gist_en="Ottawa is stuck in a Cold War mentality",
        gist_zh="加方抱持冷战思维",
        short="Cold War mentality",
    ),
    "ideological-prejudice": _Line(
        en=(
            "Canada should put aside ideological prejudice and see China as it really is.",
            "These attacks are driven by ideological bias, not facts.",
            "Ideological prejudice is clouding the judgment of some Canadian politicians.",
            "Look past the ideological lens and you will see the real China.",
        ),
        zh=(
            "加方应摒弃意识形态偏见，客观看待中国。",
            "这完全是出于意识形态偏见。",
        ),
        gist_en="the criticism comes from ideological prejudice",
        gist_zh="相关批评源于意识形态偏见",
        short="ideological prejudice",
    ),
    "media-hype-disinformation": _Line(
        en=(
            "Certain Canadian media are hyping up disinformation about China.",
            "This is a media frenzy built on false information.",
            "The press is spreading fake news about China to grab headlines.",
            "Irresponsible media outlets keep hyping China-related rumours.",
            "Sensational reporting has turned rumours into news.",
        ),
        zh=(
            "个别加拿大媒体炒作涉华虚假信息。",
            "某些媒体大肆渲染所谓中国干预，传播假消息。",
        ),
        gist_en="Canadian media are hyping disinformation",
        gist_zh="加拿大媒体在炒作虚假信息",
        short="disinformation",
    ),
    "stigmatizing-chinese-canadians": _Line(
        en=(
            "This hype is stigmatizing the Chinese Canadian community.",
            "Chinese Canadians are being smeared and treated as suspects.",
            "The interference narrative puts Chinese Canadians under a cloud of suspicion.",
            "Stop targeting and stigmatizing Canadians of Chinese descent.",
        ),
        zh=(
            "这种炒作是在污名化华人社区。",
            "不要把华裔加拿大人当作怀疑对象。",
        ),
        gist_en="the reports stigmatize Chinese Canadians",
        gist_zh="相关报道污名化华人社区",
        short="stigmatizing Chinese Canadians",
    ),
    "xinjiang-internal-affair": _Line(
        en=(
            "Xinjiang affairs are purely China's internal affairs.",
            "What happens in Xinjiang is China's own business and no one else's.",
            "Xinjiang-related issues are a domestic matter for China; no foreign interference is allowed.",
            "Outsiders have no right to meddle in Xinjiang.",
        ),
        zh=(
            "新疆事务纯属中国内政。",
            "涉疆问题是中国的内部事务，不容外部干涉。",
        ),
        gist_en="Xinjiang is purely an internal affair",
        gist_zh="新疆事务纯属中国内政",
        short="Xinjiang affairs are China's internal affairs",
    ),
    "xinjiang-counterterrorism": _Line(
        en=(
            "Xinjiang's measures are about counterterrorism and deradicalization, not human rights.",
            "The vocational centres in Xinjiang were set up to fight terrorism and extremism.",
            "Xinjiang has not seen a terrorist attack in years thanks to its counter-extremism work.",
            "Xinjiang policy is about security and stability, nothing more.",
        ),
        zh=(
            "涉疆问题本质上是反恐和去极端化问题。",
            "新疆的职业技能教育培训是为了预防恐怖主义。",
        ),
        gist_en="the Xinjiang measures are counterterrorism",
        gist_zh="新疆的措施是反恐和去极端化",
        short="counterterrorism",
    ),
    "hong-kong-internal-affair": _Line(
        en=(
            "Hong Kong affairs are China's internal affairs.",
            "Hong Kong is China's Hong Kong; foreign meddling is not welcome.",
            "No outside country has the right to interfere in Hong Kong.",
            "How Hong Kong is governed is a matter for China alone.",
        ),
        zh=(
            "香港事务纯属中国内政。",
            "香港是中国的香港，不容外部势力插手。",
        ),
        gist_en="Hong Kong is an internal affair",
        gist_zh="香港事务纯属中国内政",
        short="Hong Kong affairs are internal affairs",
    ),
    "taiwan-inalienable-part": _Line(
        en=(
            "Taiwan is an inalienable part of China's territory.",
            "There is only one China, and Taiwan is part of it.",
            "Taiwan has always belonged to China and that will never change.",
            "The Taiwan question is China's internal matter and a red line.",
        ),
        zh=(
            "台湾是中国领土不可分割的一部分。",
            "世界上只有一个中国，台湾是中国的一部分。",
        ),
        gist_en="Taiwan is an inalienable part of China",
        gist_zh="台湾是中国不可分割的一部分",
        short="an inalienable part of China",
    ),
    "tibet-internal-affair": _Line(
        en=(
            "Tibet affairs are China's internal affairs.",
            "Xizang's development is a domestic matter for China.",
            "Foreign forces have no business commenting on Tibet.",
            "Tibet is part of China and its affairs are for China to handle.",
        ),
        zh=(
            "西藏事务是中国内政。",
            "涉藏问题不容任何外部势力干涉。",
        ),
        gist_en="Tibet is China's internal affair",
        gist_zh="涉藏事务是中国内政",
        short="Tibet is an internal affair",
    ),
    "western-human-rights-hypocrisy": _Line(
        en=(
            "Canada should look at its own human rights record before lecturing China.",
            "The West uses human rights as a political weapon while ignoring its own abuses.",
            "Canada should first face its own history with Indigenous peoples instead of lecturing others.",
            "Double standards on human rights fool no one.",
            "Western countries have no moral high ground on human rights.",
        ),
        zh=(
            "加拿大在人权问题上没有资格对中国说三道四。",
            "西方在人权问题上搞双重标准。",
        ),
        gist_en="Canada should look at its own human rights record",
        gist_zh="加拿大应先反省自身的人权问题",
        short="look at your own human rights record",
    ),
    "canada-follows-us": _Line(
        en=(
            "Canada is just following the US lead on China.",
            "Ottawa dances to Washington's tune.",
            "Canada should pursue an independent China policy instead of doing America's bidding.",
            "Blindly following the United States does not serve Canada's interests.",
        ),
        zh=(
            "加拿大一味追随美国的对华政策。",
            "加方不应充当美国的马前卒。",
        ),
        gist_en="Canada is simply following Washington",
        gist_zh="加拿大只是在追随美国",
        short="following the US",
    ),
    "overseas-police-service-centres": _Line(
        en=(
            "The so-called overseas police stations are just volunteer service centres.",
            "These are community service points that help people renew driver's licences, not police stations.",
            "Calling volunteer help desks police stations is pure fiction.",
            "The service centres are run by local volunteers to help overseas Chinese with paperwork.",
        ),
        zh=(
            "所谓海外警察站只是志愿者服务站。",
            "这些服务点只是帮助海外侨胞办理驾照换证等事务。",
        ),
        gist_en="the so-called police stations are volunteer service centres",
        gist_zh="所谓警察站只是志愿者服务站",
        short="volunteer service centres",
    ),
    "diplomat-expulsion-provocation": _Line(
        en=(
            "Expelling a Chinese diplomat is a provocation that will be met with countermeasures.",
            "China firmly opposes the unreasonable expulsion of its diplomat and will respond resolutely.",
            "Canada's expulsion move seriously damages relations, and China will reciprocate.",
            "Kicking out Chinese diplomats is an unjustified escalation.",
        ),
        zh=(
            "加方无理驱逐中国外交官，中方将坚决反制。",
            "中方对加方驱逐外交官表示强烈不满和坚决反对。",
        ),
        gist_en="the expulsion is a provocation that will be answered",
        gist_zh="驱逐外交官是挑衅行为，中方将予以反制",
        short="a provocation",
    ),
    "china-threat-theory": _Line(
        en=(
            "The China threat theory is a fabrication.",
            "China is not a threat to anyone; it is a force for peace.",
            "Hyping a China threat only serves those who want confrontation.",
            "China's development is an opportunity, not a threat.",
        ),
        zh=(
            "所谓“中国威胁论”纯属无稽之谈。",
            "中国的发展是机遇，不是威胁。",
        ),
        gist_en="the China threat theory is a fabrication",
        gist_zh="“中国威胁论”纯属捏造",
        short="China threat theory",
    ),
    "sovereignty-security-interests": _Line(
        en=(
            "China will firmly defend its sovereignty, security and development interests.",
            "No one should underestimate China's resolve to safeguard its sovereignty.",
            "China's core interests are not up for negotiation.",
            "China will take all necessary measures to protect its security interests.",
        ),
        zh=(
            "中方将坚定维护国家主权、安全和发展利益。",
            "任何人都不要低估中国维护主权的决心。",
        ),
        gist_en="China will defend its sovereignty and security interests",
        gist_zh="中方将坚定维护主权和安全利益",
        short="core interests",
    ),
    "mutual-respect-win-win": _Line(
        en=(
            "China-Canada relations should be based on mutual respect and win-win cooperation.",
            "Cooperation benefits both peoples; confrontation helps no one.",
            "Let's return to mutual respect and a mutually beneficial partnership.",
            "Win-win cooperation is the right path for China and Canada.",
        ),
        zh=(
            "中加关系应建立在相互尊重、合作共赢的基础上。",
            "合作共赢才是中加关系的正确方向。",
        ),
        gist_en="relations should rest on mutual respect and win-win cooperation",
        gist_zh="中加关系应相互尊重、合作共赢",
        short="mutual respect and win-win cooperation",
    ),
    "intelligence-leaks-political-manipulation": _Line(
        en=(
            "The intelligence leaks are political manipulation by certain groups.",
            "Leaking unverified intelligence to the press is a political game.",
            "These leaks are being weaponized for domestic political gain.",
            "Selective leaks of so-called intelligence are pure political manipulation.",
        ),
        zh=(
            "所谓情报泄露是某些人的政治操弄。",
            "选择性泄露未经证实的情报是政治炒作。",
        ),
        gist_en="the leaks are political manipulation",
        gist_zh="情报泄露是政治操弄",
        short="political manipulation",
    ),
    "meng-wanzhou-political-case": _Line(
        en=(
            "The Meng Wanzhou case was political persecution from the start.",
            "Ms. Meng's detention was a political case, not a legal one.",
            "Canada acted as America's accomplice in the Meng Wanzhou affair.",
            "The arbitrary detention of Meng Wanzhou was a political frame-up.",
        ),
        zh=(
            "孟晚舟事件是一起彻头彻尾的政治事件。",
            "加方在孟晚舟事件中充当了美国的帮凶。",
        ),
        gist_en="the Meng Wanzhou case was political",
        gist_zh="孟晚舟事件是政治事件",
        short="a political case",
    ),
}
TALKING_POINT_IDS = tuple(_LINES)

# Words amplifier variants swap to look less copied; English keys match whole words, Chinese keys substrings.
_SWAPS_EN = {
    "completely": "totally",
    "baseless": "groundless",
    "groundless": "baseless",
    "immediately": "right away",
    "lies": "falsehoods",
    "attacks": "accusations",
    "must": "should",
    "should": "must",
    "pure": "total",
    "politicians": "officials",
    "media": "press",
    "firmly": "resolutely",
    "never": "not ever",
    "Stop": "Quit",
    "China's": "Chinese",
}
_SWAPS_ZH = {"毫无根据": "没有根据", "抹黑": "污蔑", "立即": "马上", "纯属": "完全是", "坚决": "坚定", "所谓": "所谓的"}

# --------------------------------------------------------------------------------------------------------------------
# Everyday text, decorations and names.
# --------------------------------------------------------------------------------------------------------------------

_SLOTS: dict[str, tuple[str, ...]] = {
    "city": (
        "Toronto",
        "Vancouver",
        "Montreal",
        "Ottawa",
        "Calgary",
        "Edmonton",
        "Winnipeg",
        "Halifax",
        "Victoria",
        "Markham",
        "Richmond",
        "Burnaby",
        "Mississauga",
        "Quebec City",
        "Regina",
        "Saskatoon",
        "Hamilton",
        "London ON",
    ),
    "team": (
        "Harbour Hawks",
        "Prairie Stallions",
        "Lakeshore Loons",
        "Northern Lynx",
        "Capital Comets",
        "Coastal Orcas",
        "Valley Voyageurs",
        "Summit Bears",
    ),
    "dish": (
        "butter chicken",
        "poutine",
        "pho",
        "ramen",
        "lasagna",
        "dumplings",
        "banana bread",
        "chili",
        "pad thai",
        "tourtière",
        "fish tacos",
        "shakshuka",
        "beef stew",
        "congee",
        "sourdough",
        "mapo tofu",
    ),
    "groceries": (
        "a bag of apples",
        "two peppers and some cheese",
        "a block of cheddar",
        "coffee beans",
        "eggs and milk",
    ),
    "place": ("the market", "the waterfront", "the old train station", "campus", "the library", "the park", "Main St"),
    "street": ("King St", "Main St", "Elm Ave", "Queen St", "River Rd", "5th Ave", "Maple Dr", "Lakeshore Blvd"),
    "gadget": ("phone", "laptop", "e-reader", "headphones", "smartwatch", "router", "tablet"),
    "travel_place": (
        "Banff",
        "Tofino",
        "Quebec City",
        "the Okanagan",
        "Cape Breton",
        "Lisbon",
        "Mexico City",
        "Taipei",
        "Tokyo",
        "Niagara",
        "PEI",
        "Jasper",
        "Yellowknife",
    ),
    "pet": ("dog", "cat", "puppy", "rabbit", "kitten", "budgie"),
    "petname": ("Biscuit", "Maple", "Luna", "Milo", "Poutine", "Pickles", "Nala", "Ollie", "Tofu", "Pepper", "Mochi"),
    "band": (
        "the Quiet Lanterns",
        "Moss & Ember",
        "Northbound Static",
        "Juniper Sky",
        "the Paper Canoes",
        "Velvet Thaw",
    ),
    "nature": ("the lake", "the river", "the mountains", "the bay", "the harbour", "the prairie", "the ravine"),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "feeling": ("Not great.", "Ugh.", "Send help.", "Cool cool cool.", "Love that for me.", "Fantastic. Really."),
    "holiday": ("Spring Festival", "Qingming Festival", "Labour Day", "Dragon Boat Festival"),
    "holiday_zh": ("春节", "清明节", "劳动节", "端午节"),
    "cn_place": ("Yunnan tea villages", "the Grand Canal", "Guilin landscapes", "Silk Road oases"),
    "consulate": ("Toronto", "Vancouver", "Calgary", "Montreal"),
    "consulate_zh": ("多伦多", "温哥华", "卡尔加里", "蒙特利尔"),
    "city_zh": ("多伦多", "温哥华", "蒙特利尔", "卡尔加里", "渥太华", "列治文", "万锦"),
    "dish_zh": ("火锅", "饺子", "兰州拉面", "小笼包", "麻辣烫", "烤鸭", "煲仔饭", "酸菜鱼"),
    "city_fr": ("Montréal", "Québec", "Gatineau", "Sherbrooke", "Trois-Rivières", "Laval"),
    "dish_fr": ("pâté chinois", "tourtière", "poutine", "croque-monsieur", "soupe aux pois"),
    "sport_zh": ("乒乓球", "羽毛球", "篮球", "足球", "排球", "游泳"),
    "sport": ("table tennis", "badminton", "basketball", "football", "volleyball", "swimming"),
    "reason": ("a signal problem", "a stalled train", "weather", "a medical emergency", "track work"),
    "item": ("wireless earbuds", "air fryer", "winter boots", "robot vacuum", "4K TV", "standing desk", "kettle"),
    "cond": (
        "sunny",
        "cloudy",
        "light snow",
        "rain showers",
        "freezing drizzle",
        "clear skies",
        "fog",
        "thunderstorms",
    ),
    "headline": (
        "House committee schedules new hearings on foreign interference",
        "Bank of Canada holds its key rate",
        "Wildfire season starts early in the west",
        "Province announces new funding for family doctors",
        "Transit strike talks resume this week",
        "Special rapporteur to report on election interference",
        "Ottawa declares a foreign diplomat persona non grata",
        "Housing starts fall for a third month",
        "Canola exporters watch trade tensions closely",
        "Universities review research partnerships abroad",
        "City council approves new bike lanes downtown",
        "Inflation eases slightly in latest figures",
        "Intelligence officials to testify before MPs",
        "Federal budget focuses on health care and clean energy",
        "Ice storm leaves thousands without power",
        "Community groups call for a foreign agent registry",
    ),
}
_NUMBERS: dict[str, Callable[[random.Random], int]] = {
    "n": lambda rng: rng.randint(2, 40),
    "temp": lambda rng: rng.randint(-28, 33),
    "price": lambda rng: rng.randint(12, 95),
    "rent": lambda rng: rng.randrange(1800, 3600, 50),
    "pct": lambda rng: rng.choice((15, 20, 25, 30, 40, 50, 60)),
    "hi": lambda rng: rng.randint(-15, 31),
    "line": lambda rng: rng.randint(1, 5),
}
_SLOT_RE = re.compile(r"\{(\w+)\}")

_TOPICS_EN: dict[str, tuple[str, ...]] = {
    "hockey": (
        "What a game! The {team} came back from two goals down",
        "The {team} power play is a disaster again. Every. Single. Night.",
        "Anyone else staying up for the {team} game tonight?",
        "Playoff tickets for the {team} cost more than my rent lol",
        "My kid scored her first goal at house league today",
        "Trade deadline thoughts: the {team} need a real defenceman.",
        "Overtime again?? my heart can't take this",
        "Beer league hockey at 11pm on a {weekday}, living the dream",
    ),
    "weather": (
        "{n} cm of snow overnight in {city}. Of course.",
        "It's {temp} degrees and sunny in {city}, finally patio weather",
        "Freezing rain warning for {city} again, stay safe on the roads",
        "Spring in {city}: snow in the morning, t-shirt by 3pm",
        "The wind chill this morning was brutal",
        "Smoke from the fires is back, air quality is terrible today",
        "Shovelled the driveway twice before breakfast",
    ),
    "food": (
        "Made {dish} tonight and honestly nailed it",
        "Best {dish} in {city}? Need recommendations",
        "Sunday brunch near {place}, the {dish} was amazing",
        "Tried a new {dish} recipe, kids rated it 6/10",
        "Grocery prices are out of control, paid ${price} for {groceries}",
        "Dinner with friends, too much {dish}, no regrets",
        "Hot pot night with family",
        "Dumplings for dinner",
    ),
    "housing": (
        "Rent for a one bedroom in {city} is now ${rent}. How is anyone supposed to live here",
        "Open house this weekend had {n} people lined up outside",
        "Our landlord is raising the rent again. {feeling}",
        "Mortgage renewal next month and I'm scared to open the letter",
        "Council approved {n} new units near {place}, about time",
    ),
    "tech": (
        "My {gadget} died right before a meeting, perfect timing",
        "Anyone else's internet down in {city}?",
        "Spent the whole weekend setting up a home server. worth it",
        "Why does every app need a subscription now",
        "Just switched to a new {gadget}, battery life is so much better",
        "Password reset emails are my most common notification at this point",
    ),
    "travel": (
        "Landed in {travel_place}!",
        "Road trip to {travel_place} this weekend, any must-see stops?",
        "Flight delayed {n} hours. Airport floor it is.",
        "The view from the ferry this morning",
        "Back from {travel_place}, already planning the next trip",
    ),
    "pets": (
        "{petname} stole a whole sandwich off the counter today",
        "My cat is sleeping on the keyboard again",
        "Ducks in the park this morning",
        "Took {petname} to the vet, all good!",
        "My {pet} refuses to go outside because it's raining",
        "Adopted a {pet} this week, meet {petname}",
        "{petname} has claimed my chair and I have accepted my fate",
    ),
    "music": (
        "Saw {band} live last night, incredible show",
        "Can't stop listening to the new {band} album",
        "Practising guitar every day this month, fingers hurt",
        "Anyone going to see {band} in {city} next month?",
    ),
    "local_politics": (
        "Council meeting tonight about the bike lanes on {street}, going to speak",
        "Potholes on {street} are big enough to lose a car in",
        "Transit fare going up again in {city}? come on",
        "Voted in the by-election today, barely anyone there",
        "The new library branch near {place} is great, well done council",
    ),
    "federal_politics": (
        "Question period was a circus today",
        "Budget day. Let's see what's in it for renters",
        "Whatever your party, the carbon tax debate has become unbearable",
        "Another day, another committee hearing",
        "Wrote to my MP about dental care, got a form letter back",
    ),
    "china_canada": (
        "Reading about the foreign interference hearings. Lots of claims on all sides, waiting for the inquiry.",
        "The CSIS leak story is getting complicated. Hard to know what's confirmed.",
        "Interesting piece on Canada-China trade and canola exports",
        "Not sure what to make of the diplomat expulsion news. Hope it doesn't hurt students.",
        "My parents keep asking me about the police station story. Confusing times.",
        "Both sides are so sure of themselves on the interference thing. I just want the facts.",
    ),
    "greetings": (
        "Good morning everyone",
        "Happy Friday!",
        "Have a great weekend all",
        "Have a nice day, friends",
        "Happy long weekend everyone",
        "Happy weekend!",
    ),
    "scenery": (
        "Sunset over {nature} tonight",
        "Morning walk by {nature}, so peaceful",
        "The cherry blossoms are out",
        "Fog rolling in over {nature}",
        "What a lovely day, the sky is so blue",
    ),
    "sports": (
        "Great {sport} match today!",
        "The {sport} final was amazing",
        "Signed the kids up for {sport} this spring",
        "Watching {sport} instead of doing my taxes",
    ),
    "entertainment": (
        "Movie night! Any recommendations?",
        "This song has been stuck in my head all day",
        "This new series is so good, can't stop watching",
        "The concert last night was amazing",
        "Rewatching an old favourite instead of sleeping",
    ),
    "reading": (
        "Tea and a good book, perfect afternoon",
        "Bamboo bends but never breaks. Found that in a novel today and loved it.",
        "Finished a novel in one sitting, wow",
        "Library haul this week: {n} books, zero regrets",
        "Old poem I love: the river flows east and never looks back.",
    ),
    "work": (
        "Monday meetings should be illegal",
        "Finally finished that report. coffee time",
        "Working from home today, the cat is my manager",
        "Day {n} of trying to fix the printer",
    ),
    "opinion": (
        "Let's be clear. Nobody in {city} can afford a house anymore. Who benefits from this?",
        "Once again, the news ignores what actually matters to families. Think about it.",
        "The world sees the truth about this housing mess, even if Ottawa doesn't.",
        "Stop the lies about the rebate. Facts matter.",
        "Say it louder: public transit is a public good.",
        "100% agree. Health care should not depend on your postal code.",
        "Well said. Politicians from every party owe us straight answers.",
        "Wake up, people! Grocery prices are not an accident.",
        "Shame on the liars who promised affordable rent.",
        "Enough is enough. Fix the emergency rooms first.",
        "Important: the committee vote is {weekday}. Call your MP. History will judge.",
        "Exactly. Nobody voted for this.",
    ),
    "fitness": (
        "{n} km run this morning",
        "Small steps, big dreams. Day {n} of training.",
        "Training hard every day",
        "Back at the gym after a month off. ouch",
        "Signed up for a 10K in {city}, what have I done",
    ),
}
_TOPIC_TAGS: dict[str, tuple[str, ...]] = {
    "hockey": ("hockey", "GoHawksGo", "NHL"),
    "weather": ("weather", "snow", "ONstorm"),
    "food": ("foodie", "dinner", "brunch"),
    "housing": ("housing", "rent", "cdnhousing"),
    "tech": ("tech",),
    "travel": ("travel", "ExploreCanada"),
    "pets": ("dogsoftwitter", "catsoftwitter"),
    "music": ("music", "livemusic"),
    "local_politics": ("onpoli", "bcpoli", "topoli"),
    "federal_politics": ("cdnpoli",),
    "china_canada": ("cdnpoli", "CSIS", "ForeignInterference", "Canada", "China"),
    "greetings": ("FridayFeeling",),
    "scenery": ("photography", "nature"),
    "work": ("WFH",),
    "fitness": ("running", "fitness"),
    "opinion": ("cdnpoli", "Truth", "FakeNews", "Canada", "Facts"),
    "sports": ("sports",),
    "reading": ("books", "amreading"),
    "entertainment": ("movies", "music", "NowWatching"),
}
_TOPICS_FR: tuple[str, ...] = (
    "Encore {n} cm de neige à {city_fr} ce matin",
    "Quel match des {team} hier soir!",
    "Le prix des loyers à {city_fr} est devenu fou",
    "Bonne fin de semaine tout le monde",
    "Souper au resto avec les amis, le {dish_fr} était parfait",
    "Période de questions chaotique aujourd'hui",
    "Je lis sur l'ingérence étrangère, difficile de s'y retrouver.",
    "Premier café sur la terrasse de l'année",
    "Le pont est encore fermé, bonne chance à tous",
    "Mon chat a décidé que le clavier était son lit",
    "Vivement les vacances",
)
_TOPICS_ZH: tuple[str, ...] = (
    "{city_zh}今天又下雪了",
    "{city_zh}房租太贵了，一室一厅要{rent}加元",
    "周末去华人超市买菜，人好多",
    "孩子今天冰球比赛赢了！",
    "有人知道{city_zh}哪里有好吃的{dish_zh}吗？",
    "关于选举干预的新闻越来越多，希望早日查清真相。",
    "今晚自己做了{dish_zh}，味道不错",
    "加拿大的春天终于来了",
    "排了两个小时才办完驾照，累",
    "早上好，新的一周加油",
    "中加关系的新闻看得人心里七上八下，只希望两国都好好的。",
    "周末带狗狗去公园散步",
)
# Amplifier filler by theme; each network keeps to a few themes, as real operations have their own look.
_FILLER_EN: dict[str, tuple[str, ...]] = {
    "scenery": (
        "Beautiful mountains and rivers",
        "What a lovely day, the sky is so blue",
        "Sunset over {nature} tonight",
        "Morning fog over the valley",
        "The lotus pond in summer is so peaceful",
    ),
    "food": (
        "Hot pot night with family",
        "Dumplings for dinner",
        "Homemade noodles today",
        "Trying a new tea, so fragrant",
        "Street food is the best food",
    ),
    "sports": (
        "Great {sport} match today!",
        "The {sport} final was amazing",
        "What a comeback in the {sport} game!",
        "Training hard every day",
        "Who else watched the {sport} last night?",
    ),
    "greetings": (
        "Good morning everyone",
        "Have a nice day, friends",
        "Happy weekend!",
        "Good night, sweet dreams",
        "Wishing everyone health and happiness",
    ),
    "poetry": (
        "Spring breeze, ten thousand flowers, one heart at peace.",
        "The river flows east and never looks back.",
        "Under the moon, old friends share tea.",
        "Plum blossoms bloom in the snow.",
        "A journey of a thousand miles begins with one step.",
        "Bamboo bends but never breaks.",
    ),
    "animals": (
        "Look at this cute panda cub!",
        "My cat is sleeping on the keyboard again",
        "Birds singing outside my window",
        "Puppies make everything better",
        "Ducks in the park this morning",
    ),
    "motivation": (
        "Work hard, stay humble.",
        "Every day is a new beginning.",
        "Kindness is free.",
        "Believe in yourself!",
        "Small steps, big dreams.",
    ),
    "travel": (
        "Dream trip: the ancient water towns of the south",
        "The Great Wall at sunrise is unforgettable",
        "Train rides through the countryside are the best",
        "Mountains, lakes and clean air",
    ),
    "entertainment": (
        "This new drama is so good, can't stop watching",
        "Movie night! Any recommendations?",
        "This song has been stuck in my head all day",
        "The concert last night was amazing",
    ),
    "tech": (
        "Electric cars are the future",
        "High-speed trains are so convenient",
        "New phone, the camera is amazing",
        "Paying with my phone everywhere now, so easy",
    ),
}
_FILLER_ZH: dict[str, tuple[str, ...]] = {
    "scenery": ("今天天气真好，出去走走", "今晚的月亮好圆", "山水如画", "雨后的空气真清新"),
    "food": ("晚饭吃了{dish_zh}，太满足了", "家乡的味道", "自己包的饺子最好吃", "一杯清茶，一本好书。"),
    "sports": ("{sport_zh}比赛太精彩了！", "每天坚持锻炼", "昨晚的{sport_zh}决赛看了吗？"),
    "greetings": ("早上好！", "周末快乐！", "祝大家节日快乐！", "晚安，好梦", "祝大家身体健康，万事如意"),
    "poetry": ("春风十里，花开满城。", "山高水长，岁月静好。", "海上生明月，天涯共此时。", "梅花香自苦寒来。"),
    "animals": ("大熊猫宝宝太可爱了！", "我家猫又睡在键盘上了", "窗外的小鸟在唱歌"),
    "motivation": ("努力就会有收获。", "每一天都是新的开始。", "心若向阳，无畏悲伤。"),
    "travel": ("江南古镇太美了", "长城日出真壮观", "坐高铁看风景"),
    "entertainment": ("这部新剧太好看了", "今晚看电影，有推荐吗？", "这首歌一整天都在脑子里"),
    "tech": ("电动车是未来", "高铁真方便", "新手机拍照效果太好了"),
}
_PREFIXES_EN = ("", "", "", "", "", "ok so", "Honestly,", "PSA:", "lol", "Update:", "Not gonna lie,", "Today:")
_SUFFIXES_EN = ("", "", "", "", "", "lol", "!!", "haha", "...", "tbh", "(again)", "😅", "ugh", "🙃", "fr")

_EMOJI_CASUAL = ("😂", "🙌", "😍", "🏒", "❄️", "☀️", "🍁", "🐶", "🎸", "☕", "😅", "🙃", "👀", "🎉", "🌷", "🥲", "😭")
_EMOJI_AMP = ("🇨🇳", "👍", "💪", "🙏", "❤️", "🌸", "✌️", "🤝", "😡", "👏", "🔥", "‼️", "🌹", "😊")
_AMP_TAGS_COMMON_EN = ("China", "Canada")
_AMP_TAGS_EN = (
    "StopSmearingChina",
    "NoColdWar",
    "ChinaCanada",
    "ChinaCanadaFriendship",
    "FakeNews",
    "Truth",
    "Facts",
    "TruthMatters",
    "CanadaWakeUp",
    "HandsOffChina",
    "PeaceNotWar",
    "StopTheHype",
    "RespectChina",
    "OneChina",
    "MediaLies",
    "CSISLeaks",
    "ColdWarMentality",
    "SayNoToHate",
    "FriendsNotEnemies",
    "WinWin",
    "RealChina",
    "TruthOverHype",
    "NoToSmears",
    "CanadaChina",
    "BalancedView",
    "CSIS",
    "cdnpoli",
    "Xinjiang",
    "HongKong",
    "Taiwan",
)
_AMP_TAGS_COMMON_ZH = ("中国", "加拿大")
_AMP_TAGS_ZH = (
    "停止抹黑中国",
    "真相",
    "中加友好",
    "干涉内政",
    "反华",
    "事实",
    "冷战思维",
    "双重标准",
    "一个中国",
    "谣言",
    "和平",
    "中国加油",
    "假新闻",
    "新疆",
    "香港",
)
_NEWS_TAGS = ("CSIS", "ForeignInterference", "cdnpoli", "China", "Canada", "polcan")
_CRITIC_TAGS = ("ForeignInterference", "cdnpoli", "CSIS", "StandWithHK", "HumanRights", "Uyghur", "Tibet")
_AMP_DOMAINS = (
    "news-example.cn",
    "truth-today.example.cn",
    "example.org",
    "pics.example.net",
    "v.example.cn",
    "daily-facts.example.cn",
    "east-views.example.net",
    "maple-voice.example.org",
    "real-china.example.cn",
    "bridge-news.example.com",
    "world-truth.example.net",
    "harmony-blog.example.cn",
    "share.example.net",
)
_NEWS_DOMAINS = (
    "maple-ledger.example",
    "northern-dispatch.example",
    "harbourfront-times.example",
    "prairie-wire.example",
    "example.com",
)
# Chinese-speaking users post the same pleasantries amplifier networks use as filler.
_EVERYDAY_ZH = _TOPICS_ZH + tuple(
    line
    for theme in ("scenery", "food", "greetings", "sports", "poetry", "animals", "entertainment")
    for line in _FILLER_ZH[theme]
)
_EVERYDAY_DOMAINS = (*_NEWS_DOMAINS, "pics.example.net", "example.org", "example.org")
_STATE_TAGS = ("China", "Canada", "中国", "加拿大", "Truth", "NoColdWar", "ChinaCanada")
_STATE_DOMAINS = ("harmony-daily.example.cn", "silkroad-wire.example.cn", "mission.example.cn", "news-example.cn")

_OPENERS_EN = (
    "",
    "Facts:",
    "Let's be clear.",
    "Truth:",
    "Remember:",
    "Once again,",
    "Wake up, people!",
    "Well said.",
    "100% agree.",
    "Important:",
    "Enough is enough.",
    "Say it louder:",
    "Exactly.",
    "Spot on.",
    "Read this:",
    "Friends,",
    "Simple truth:",
    "For the record,",
    "Please share:",
    "Listen:",
    "No surprise.",
    "As always,",
    "Reminder:",
    "Bottom line:",
)
_CLOSERS_EN = (
    "",
    "Respect China!",
    "The world sees the truth.",
    "Stop the lies.",
    "Peace and friendship.",
    "Canada should think twice.",
    "Who benefits from this?",
    "Facts matter.",
    "Shame on the liars.",
    "History will judge.",
    "Think about it.",
    "Share if you agree.",
    "Enough drama.",
    "Let's be friends, not enemies.",
    "Nobody believes the hype.",
    "Wake up Canada.",
    "Respect is mutual.",
    "Truth always wins.",
    "Say no to hate.",
    "So obvious.",
    "Please RT.",
    "Time to move on.",
    "Fair is fair.",
    "Open your eyes.",
)
_OPENERS_ZH = (
    "",
    "事实胜于雄辩。",
    "说得好！",
    "请看清真相：",
    "再次强调：",
    "必须指出，",
    "大家醒醒吧！",
    "转发周知：",
    "明眼人都知道，",
    "说到底，",
    "不得不说，",
    "记住：",
)
_CLOSERS_ZH = (
    "",
    "支持中国！",
    "真相不容歪曲。",
    "公道自在人心。",
    "中加友好才是正道。",
    "谣言止于智者。",
    "请转发！",
    "一切都很清楚。",
    "历史会证明一切。",
    "不要被媒体带节奏。",
    "和平友好万岁。",
    "大家怎么看？",
)

_REPORT_EN = (
    "The Chinese embassy says {gist}.",
    "According to China's foreign ministry, {gist}.",
    "Beijing's spokesperson told reporters {gist}.",
    "China's consulate in {consulate} claims {gist}. It offered no evidence.",
    "Asked about the CSIS documents, the embassy said {gist}.",
    'Embassy statement tonight: "{claim}"',
    'The foreign ministry\'s response, in full: "{claim}"',
    '"{claim}" said a Chinese embassy spokesperson in a statement to our newsroom.',
    'Beijing\'s line today, via the ministry briefing: "{claim}"',
    'Every new report gets the same reply from the embassy: "{short}".',
    "State media are repeating the embassy's claim that {gist}.",
    "The consulate insists {gist}; community groups we spoke to disagree.",
)
_REPORT_ZH = (
    "中国驻加拿大大使馆称，{gist}。",
    "中国外交部发言人在例行记者会上表示，{gist}。",
    "大使馆在声明中称：“{claim}”",
    "中方回应称{gist}，但并未提供任何证据。",
    "【快讯】中国驻{consulate_zh}总领馆发言人表示：“{claim}”",
)
_RESEARCH_EN = (
    "Narrative tracker: the claim that {gist} spiked again this week across state-affiliated accounts.",
    'Most repeated line in our sample this month: "{claim}" Dozens of near-identical copies within minutes.',
    'The "{short}" framing shows up in embassy statements first, then in low-follower accounts hours later.',
    "We logged {n}0 posts asserting that {gist}. Most came from accounts under three months old.",
    'Explainer: where the "{short}" talking point comes from and how it spreads.',
    'Note the shift: officials now say {gist}, where last month it was "{short}" alone.',
)
_RESEARCH_ZH = (
    "本周国家关联账号中最常见的说法：“{claim}”几十个新注册账号在几分钟内发布了几乎相同的内容。",
    "我们追踪的叙事之一：官方称{gist}，随后大量小号转发。",
)
_REBUTTALS_EN = (
    "CSIS documents say otherwise.",
    "Calling every report a smear is not an answer.",
    "Then answer the questions on the record.",
    "Diaspora families being harassed tell a different story.",
    "Evidence, please.",
    "Repeating it louder does not make it true.",
    "Funny how the line never changes, whatever the question.",
    "Ask the people who got visits from the so-called service centres.",
    "Canadians can read the reports for themselves.",
    "Nobody is stigmatizing a community by protecting it from intimidation.",
)
_CRITIC_EN = (
    "Beijing says {gist}. {rebut}",
    "The embassy insists {gist}. {rebut}",
    '"{claim}" {rebut}',
    'Every report, same reply: "{short}". {rebut}',
    'Funny how "{short}" is the answer to every single question.',
    "They will tell you {gist}. {rebut}",
    "Beijing says it never interferes in internal affairs. CSIS documents say otherwise.",
    "Calling every report a smear is not an answer.",
)
_CRITIC_ZH = ("北京说{gist}。{rebut}", "又是那句话：“{claim}”{rebut}", "大使馆坚称{gist}，{rebut}")
_REBUTTALS_ZH = ("那被骚扰的侨胞怎么解释？", "证据呢？", "重复一百遍也不会变成事实。", "CSIS的文件可不是这么说的。")
_CRITIC_BIOS = (
    "Hong Kong diaspora. Opinions mine.",
    "Human rights advocate.",
    "Community organizer in {city}.",
    "海外华人，关注人权",
    "Dissident, writer.",
    "Ex-diplomat. Now free to say things.",
)
_CRITIC_OTHER = (
    "Rally for diaspora safety at {place} on {weekday}. Bring a friend.",
    "Write to your MP about a foreign agent registry. It takes five minutes.",
    "Community meeting tonight in {city} for people who have been followed or threatened. Confidential.",
    "Ten years in Canada today. Still grateful I can say what I think out loud.",
    "The hearings today were worth watching in full, not just the clips.",
    "Thank you to the reporters who kept asking the hard questions this week.",
)
_STATE_EN_FRAMES = (
    "{claim}",
    "Spokesperson: {claim}",
    "We reiterate: {claim}",
    "Ambassador: {claim}",
    "Remarks: {claim}",
)
_STATE_ZH_FRAMES = ("{claim}", "发言人：{claim}", "我们再次强调：{claim}", "大使表示：{claim}")
_STATE_OTHER_EN = (
    "The consular service hall will be closed for the {holiday}.",
    "The ambassador met business leaders in {city} to discuss trade and cooperation.",
    "Warm greetings to all friends in Canada!",
    "Students: visa appointments for the summer term are now open online.",
    "Cultural week: a photo exhibition on {cn_place} opens in {city} on {weekday}.",
    "Reminder: beware of phone scams impersonating consular staff.",
    "Panda cubs celebrate their first birthday. Wishing them health and joy!",
)
_STATE_OTHER_ZH = (
    "{holiday_zh}期间领事服务暂停，敬请留意。",
    "大使会见{city_zh}商界代表，就经贸合作交换意见。",
    "向在加侨胞致以诚挚问候！",
    "提醒：谨防冒充领馆工作人员的电话诈骗。",
)
_JOURNALIST_OTHER = (
    "NEW: House committee to hear from intelligence officials on interference allegations next week",
    "Thread on what we know, and what we don't, about the CSIS documents 🧵",
    "Court hears arguments in the {city} housing case today",
    "Spoke with {n} diaspora community members this week. Many worry about being seen as suspects.",
    "Correction: an earlier version of our story misstated the date of the hearing.",
    "The special rapporteur's report is out. Reading it now.",
    "Budget coverage all day from the Hill",
    "My story on rents in {city}",
    "Ottawa confirms a diplomat has been declared persona non grata.",
    "Long day on the Hill. Notebook full.",
    "Interesting exchange at committee today on foreign agent registries",
    "Council votes {n}-3 to approve the {street} redevelopment",
)
_JOURNALIST_OTHER_ZH = (
    "【快讯】国会委员会将就外国干预指控举行听证会",
    "本台记者从渥太华报道，议会今天继续讨论外国干预问题。",
    "{city_zh}房价最新数据出炉",
    "社区采访：不少华人居民担心被贴上标签。",
)
_RESEARCHER_OTHER = (
    "New report out today on coordinated inauthentic behaviour across platforms",
    "Method note: near-duplicate detection tells you about coordination, not intent.",
    "We are hiring a research assistant!",
    "Talk in {city} next week on narrative tracking",
    "Dataset note: we publish hashed identifiers, not handles.",
    "Reminder that account age alone is a weak signal. Plenty of real people are new here.",
    "Reading group this week: measuring influence operations without overclaiming",
)
_QUOTE_COMMENTS = (
    "The embassy's response to our reporting:",
    "Here is how the consulate answered our questions.",
    "Statement from the foreign ministry, for the record:",
    "Worth reading alongside our story.",
)
_REPLIES_EN = (
    "haha exactly",
    "agreed",
    "source?",
    "congrats!",
    "this is so true",
    "thanks, will check it out",
    "lol same",
    "oh no",
    "good point",
    "Thanks, DM me.",
    "Good question, will follow up.",
    "not sure about that one",
    "Exactly.",
    "Well said.",
    "100% agree.",
    "Think about it.",
)
_REPLIES_ZH = ("哈哈同感", "说得对", "谢谢分享", "有道理", "真的吗？")
_REPLIES_FR = ("tellement vrai", "merci!", "haha oui", "bonne question")
_ECHO_EN = (
    "Honestly? {claim}",
    "Maybe an unpopular opinion but {claim_lc}",
    "idk, {claim_lc}",
    "My uncle says this and I kind of agree: {claim}",
    "{claim} Just my two cents.",
)
_ECHO_ZH = ("说句公道话，{claim}", "我觉得{claim}", "{claim}个人看法。")

_GIVEN = (
    "Lily",
    "Grace",
    "Kevin",
    "Jason",
    "Emma",
    "Olivia",
    "Noah",
    "Liam",
    "Sophie",
    "Daniel",
    "Amy",
    "Tony",
    "Helen",
    "Eric",
    "Jenny",
    "Mike",
    "Sarah",
    "Chris",
    "Megan",
    "Ryan",
    "Priya",
    "Omar",
    "Fatima",
    "Luc",
    "Chloe",
    "Marc",
    "Julie",
    "Alex",
    "Nina",
    "Sam",
    "Hannah",
    "Ethan",
    "Maya",
    "Jordan",
    "Taylor",
    "Kim",
    "Derek",
    "Rosa",
    "Ben",
)
_PINYIN = (
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Hui",
    "Lei",
    "Yan",
    "Xiao",
    "Hong",
    "Ling",
    "Jun",
    "Tao",
    "Mei",
    "Ying",
    "Bo",
    "Qing",
    "Yun",
    "Hao",
    "Xin",
    "Lan",
)
_SURNAMES = (
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Smith",
    "Tremblay",
    "Roy",
    "Gagnon",
    "Brown",
    "Wilson",
    "MacDonald",
    "Nguyen",
    "Singh",
    "Patel",
    "Kim",
    "Lee",
    "Martin",
    "Cote",
    "Bouchard",
    "Ho",
    "Wong",
    "Chan",
    "Leung",
    "Fraser",
    "Campbell",
    "Ahmed",
    "Morin",
    "Lavoie",
    "Huang",
    "Zhou",
    "Murphy",
    "Scott",
)
_ZH_SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "林", "郭")
_ZH_GIVEN = ("伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "华", "玲")
_WORDS = (
    "maple",
    "river",
    "sunny",
    "cloud",
    "lake",
    "north",
    "tea",
    "garden",
    "moon",
    "star",
    "breeze",
    "pine",
    "harbor",
    "snow",
    "coffee",
    "bike",
    "jade",
    "lotus",
    "autumn",
    "spring",
    "ocean",
    "meadow",
    "cedar",
    "willow",
    "peach",
)
_PLAIN_SUFFIX = ("fan", "life", "lover", "daily", "girl", "guy", "walker", "chef", "dad", "mom", "yyz", "van", "dreams")
_GENERIC_BIOS = (
    "Love life, love peace",
    "Just an ordinary person",
    "Travel | Food | Photography",
    "热爱生活",
    "和平友好",
    "Coffee first",
    "Dream big",
    "生活就是旅行",
    "Nature lover",
    "Be kind",
)
_ORDINARY_BIOS = (
    "Dad, hockey fan, bad golfer.",
    "Nurse. Runner. Tired.",
    "Teacher in {city}. Views my own.",
    "Software person in {city}",
    "Bread baker, dog walker",
    "Student at a university in {city}",
    "Retired and loving it",
    "Coffee, books, {team} hockey",
    "Plant mom",
    "Small business owner in {city}",
    "Montréalaise, café et vélo",
    "在{city_zh}生活",
    "Ex-pat, now home",
    "Amateur photographer",
    "",
)
_OUTLETS = (
    "The Maple Ledger",
    "Northern Dispatch",
    "Harbourfront Times",
    "Prairie Wire",
    "Capital Bulletin",
    "Lakeshore Tribune",
)
_OUTLETS_ZH = ("加华新视界", "枫叶时报", "北美华声")
_LABS = (
    "Disinformation Lab",
    "Digital Democracy Observatory",
    "Centre for Information Integrity",
    "Open Source Watch",
)
_CANADA_LOCATIONS = (
    "Toronto, Ontario",
    "Vancouver, BC",
    "Montréal, QC",
    "Ottawa",
    "Calgary, AB",
    "Halifax, NS",
    "Winnipeg",
    "Victoria BC",
    "Edmonton",
    "Canada",
    "GTA",
    "Richmond, BC",
    "Markham",
    "Saskatoon",
    "the 6ix",
    "🇨🇦",
)
_AMP_LOCATIONS = ("Canada", "Toronto", "Vancouver", "China", "Beijing", "地球", "Earth", "Shenzhen", "🌏")
_STATE_BASES = (
    ("PRCEmbPress", "Embassy Press Office", "Official account of the embassy press office in Ottawa.", "Ottawa"),
    ("ConsGenTO", "Consulate-General in Toronto", "Official account of the Consulate-General in Toronto.", "Toronto"),
    (
        "ConsGenVAN",
        "Consulate-General in Vancouver",
        "Official account of the Consulate-General in Vancouver.",
        "Vancouver",
    ),
    ("ConsGenCGY", "Consulate-General in Calgary", "Official account of the Consulate-General in Calgary.", "Calgary"),
    (
        "ConsGenMTL",
        "Consulate-General in Montreal",
        "Official account of the Consulate-General in Montreal.",
        "Montréal",
    ),
    ("MFASpox", "Foreign Ministry Spokesperson Office", "Official account of the spokesperson's office.", "Beijing"),
    ("HarmonyDaily", "Harmony Daily", "Official account of Harmony Daily, a state-run newspaper.", "Beijing"),
    ("SilkRoadWire", "Silk Road Wire", "Official account of Silk Road Wire, a state news agency.", "Beijing"),
    ("DragonGateTV", "Dragon Gate TV", "Official account of Dragon Gate TV, a state broadcaster.", "Beijing"),
    ("EastObserver", "Eastern Observer", "Official account of the Eastern Observer, a state-run daily.", "Beijing"),
)
_STATE_SUFFIXES = (
    ("EN", "English"),
    ("ZH", "中文"),
    ("Biz", "Business"),
    ("Now", "Live"),
    ("Art", "Culture"),
    ("Edu", "Education"),
    ("Int", "World"),
)
_BOT_KINDS = ("weather", "headlines", "deals", "transit")
_BOT_DOMAINS = {
    "weather": ("weather-feed.example",),
    "headlines": _NEWS_DOMAINS,
    "deals": ("shop-deals.example", "deals.example.com"),
    "transit": ("transit-alerts.example",),
}
_BOT_CLIENTS = ("FeedRelay", "AutoPoster Pro", "QueueCast Scheduler", "WeatherCast Bot")
_HUMAN_CLIENTS = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App", "Twitter for iPad")
_HUMAN_CLIENT_WEIGHTS = (40, 30, 25, 5)
_AMP_CLIENTS = ("Twitter Web App", "Twitter for Android", "Multipost Console", "Twitter for iPhone")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul")

# --------------------------------------------------------------------------------------------------------------------
# Building blocks.
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A post before it gets its id; ``at`` is seconds after ``SPAN_START``."""

    at: int
    text: str
    lang: str
    client: str
    hashtags: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    is_retweet: bool = False
    is_reply: bool = False
    is_quote: bool = False
    is_talking_point: bool = False  # a burst post; internal, amplifier retweets draw on these


@dataclass
class _Plan:
    """Everything about one account before it becomes an ``Account``; ``created`` is seconds after ``SPAN_START``."""

    handle: str
    role: str
    network: str | None
    display_name: str
    description: str
    location: str | None
    created: int
    followers: int
    following: int
    verified: bool
    default_image: bool
    client: str
    n_posts: int
    n_retweets: int = 0
    extra_statuses: int = 0
    active_from: int = 0  # no post (retweets included) before this
    tp_quota: int = 0  # amplifiers: how many burst posts the account should take part in
    is_sleeper: bool = False  # amplifiers: an older, quieter member that mostly posts everyday things
    retweet_mix: tuple[tuple[str, float], ...] = ()  # (role, weight) to retweet from; empty: the role's default
    drafts: list[_Draft] = field(default_factory=list)


@dataclass
class _Network:
    name: str
    lang_mode: str  # en | zh | mixed
    handle_style: str  # digits | plain
    focus: tuple[str, ...]
    openers_en: tuple[str, ...]
    closers_en: tuple[str, ...]
    openers_zh: tuple[str, ...]
    closers_zh: tuple[str, ...]
    clients: tuple[str, ...]
    start: int
    hours: tuple[int, ...]
    p_default_image: float
    everyday_topics: tuple[str, ...]
    themes: tuple[str, ...]  # filler themes
    tags_en: tuple[str, ...]
    tags_zh: tuple[str, ...]
    domains: tuple[str, ...]
    members: list[_Plan] = field(default_factory=list)


def _clamp_s(at: float) -> int:
    return min(max(int(at), 0), _SPAN_S)


def _fill(rng: random.Random, template: str, extra: dict[str, str] | None = None) -> str:
    """Replace ``{slot}`` markers with random slot values; ``extra`` wins over the shared slots."""

    def pick(match: re.Match[str]) -> str:
        name = match.group(1)
        if extra is not None and name in extra:
            return extra[name]
        if name in _NUMBERS:
            return str(_NUMBERS[name](rng))
        return rng.choice(_SLOTS[name])

    return _SLOT_RE.sub(pick, template)


def _swap_word(rng: random.Random, text: str, lang: str) -> str:
    table = _SWAPS_ZH if lang == "zh" else _SWAPS_EN
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


def _url(rng: random.Random, domain: str) -> str:
    shape = rng.random()
    if shape < 0.4:
        words = rng.sample(_WORDS, 3)
        return f"https://{domain}/2023/{rng.randint(1, 6):02d}/{'-'.join(words)}"
    if shape < 0.7:
        return f"https://{domain}/a/{rng.randrange(10**6, 10**7)}"
    return f"https://{domain}/p/{rng.getrandbits(32):08x}"


@dataclass(frozen=True)
class _Noise:
    """How one kind of account decorates its posts."""

    tags: tuple[str, ...] = ()
    p_tags: float = 0.0
    emoji: tuple[str, ...] = ()
    p_emoji: float = 0.0
    domains: tuple[str, ...] = ()
    p_url: float = 0.0
    p_typo: float = 0.0
    p_recase: float = 0.0


def _decorate(
    rng: random.Random, body: str, lang: str, noise: _Noise, *, mention: str | None = None
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
        urls = (_url(rng, rng.choice(noise.domains)),)
        parts.append(urls[0])
    if mention:
        parts.insert(0, "@" + mention)
    return " ".join(parts), tuple(tags), urls


def _join(lang: str, *parts: str) -> str:
    return ("" if lang == "zh" else " ").join(p for p in parts if p)


_PROPER_STARTS = frozenset(
    (
        "China",
        "China's",
        "Canada",
        "Canada's",
        "Chinese",
        "Hong",
        "Taiwan",
        "Tibet",
        "Xinjiang",
        "Xinjiang's",
        "Xizang's",
        "Western",
        "Ottawa",
        "Ottawa's",
        "Ms.",
        "Beijing",
    )
)


def _lower_first(text: str) -> str:
    """Lower-case the first letter for mid-sentence use, unless the text starts with a name or a slot."""
    first = text.split(" ", 1)[0]
    if first in _PROPER_STARTS or text.startswith("{"):
        return text
    return text[:1].lower() + text[1:]


def _claim(rng: random.Random, point: str, lang: str) -> str:
    line = _LINES[point]
    return rng.choice(line.zh if lang == "zh" else line.en)


class _Handles:
    """Hands out unique, valid X handles (1-15 of [A-Za-z0-9_], unique ignoring case)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()  # only probed, never iterated, so its order cannot leak into the output
        self.claimed: list[str] = []

    def claim(self, rng: random.Random, wanted: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "", wanted)
        while len(base) > 15 and re.search(r"[a-z][A-Z_][A-Za-z]*$", base):
            base = re.sub(r"[A-Z_][a-z]*$", "", base)  # "LiMacDonaldReports" -> "LiMacDonald", not "...Repor"
        base = base[:15] or "user"
        candidate = base
        while candidate.lower() in self._taken:
            digits = str(rng.randrange(10, 10_000))
            candidate = base[: 15 - len(digits) - 1] + "_" + digits
        self._taken.add(candidate.lower())
        self.claimed.append(candidate)
        return candidate


def _digits(rng: random.Random, k: int) -> str:
    return str(rng.randrange(10 ** (k - 1), 10**k))


def _person_name(rng: random.Random, chinese_script: bool = False) -> tuple[str, str, str]:
    """Return (display name, given, surname); the Chinese-script form keeps a pinyin given/surname for handles."""
    if chinese_script:
        display = rng.choice(_ZH_SURNAMES) + "".join(rng.sample(_ZH_GIVEN, rng.randint(1, 2)))
        return display, rng.choice(_PINYIN), rng.choice(_SURNAMES[:5] + _SURNAMES[-10:])
    given = rng.choice(_PINYIN if rng.random() < 0.3 else _GIVEN)
    surname = rng.choice(_SURNAMES)
    return f"{given} {surname}", given, surname


def _created_between(rng: random.Random, lo_year: int, hi_year: int) -> int:
    """Seconds offset (negative: before the span) of a creation date between two years, uniformly."""
    lo = int((datetime(lo_year, 1, 1, tzinfo=UTC) - SPAN_START).total_seconds())
    hi = int((datetime(hi_year, 12, 31, tzinfo=UTC) - SPAN_START).total_seconds())
    return rng.randint(lo, min(hi, -_DAY_S))


def _habit_time(rng: random.Random, lo: int, hi: int, hours: tuple[int, ...]) -> int:
    """A time in [lo, hi] on a random day, at one of the account's usual UTC hours."""
    lo, hi = _clamp_s(lo), _clamp_s(hi)
    if hi <= lo:
        return lo
    day = rng.randint(lo // _DAY_S, hi // _DAY_S)
    at = day * _DAY_S + rng.choice(hours) * 3600 + rng.randrange(3600)
    return at if lo <= at <= hi else rng.randint(lo, hi)


def _local_hours(rng: random.Random, utc_offset: int, first: int, last: int) -> tuple[int, ...]:
    """UTC hours matching local waking hours ``first``..``last``, weighted by repetition toward evenings."""
    hours = list(range(first, last + 1)) + list(range(max(first, 17), last + 1))
    return tuple((h - utc_offset) % 24 for h in hours)


def _human_client(rng: random.Random) -> str:
    return rng.choices(_HUMAN_CLIENTS, weights=_HUMAN_CLIENT_WEIGHTS)[0]


def _post_count(rng: random.Random, median: float, sigma: float, lo: int = 3, hi: int = 200) -> int:
    return max(lo, min(hi, round(rng.lognormvariate(0.0, sigma) * median)))


# --------------------------------------------------------------------------------------------------------------------
# Roles.
# --------------------------------------------------------------------------------------------------------------------


class _Builder:
    """Holds the shared state of one generation run: the random stream, the handles and every account's plan."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.handles = _Handles()
        self.plans: list[_Plan] = []
        self.networks: list[_Network] = []

    # -- shared helpers ----------------------------------------------------------------------------------------------

    def _other_client(self, plan: _Plan) -> str:
        return plan.client if self.rng.random() < 0.85 else _human_client(self.rng)

    def _someone(self, exclude: str) -> str:
        pick = self.rng.choice(self.handles.claimed)
        return pick if pick != exclude else self.handles.claimed[0]

    def _reply(self, plan: _Plan, lang: str, at: int) -> _Draft:
        bank = _REPLIES_ZH if lang == "zh" else _REPLIES_FR if lang == "fr" else _REPLIES_EN
        text = f"@{self._someone(plan.handle)} {self.rng.choice(bank)}"
        return _Draft(at=at, text=text, lang=lang, client=self._other_client(plan), is_reply=True)

    def _everyday(self, plan: _Plan, lang: str, topics: Sequence[str], hours: tuple[int, ...], lo: int) -> _Draft:
        rng = self.rng
        at = _habit_time(rng, lo, _SPAN_S, hours)
        if rng.random() < 0.1:
            return self._reply(plan, lang, at)
        if lang == "zh":
            body, tags = _fill(rng, rng.choice(_EVERYDAY_ZH)), ("加拿大", "生活", "多伦多")
        elif lang == "fr":
            body, tags = _fill(rng, rng.choice(_TOPICS_FR)), ("polcan", "qc", "Montréal")
        else:
            topic = rng.choice(topics)
            prefix, template = rng.choice(_PREFIXES_EN), rng.choice(_TOPICS_EN[topic])
            body = _fill(rng, _lower_first(template) if prefix else template)
            body = _join(lang, prefix, body, rng.choice(_SUFFIXES_EN))
            tags = _TOPIC_TAGS[topic]
        noise = _Noise(
            tags=tags,
            p_tags=0.2,
            emoji=_EMOJI_CASUAL,
            p_emoji=0.3,
            domains=_EVERYDAY_DOMAINS,
            p_url=0.06,
            p_typo=0.06,
            p_recase=0.08,
        )
        text, hashtags, urls = _decorate(rng, body, lang, noise)
        return _Draft(at=at, text=text, lang=lang, client=self._other_client(plan), hashtags=hashtags, urls=urls)

    # -- declared state accounts -------------------------------------------------------------------------------------

    def build_state(self, count: int) -> None:
        rng = self.rng
        names = [(base, "", display, bio, loc) for base, display, bio, loc in _STATE_BASES]
        extra = [
            (base + suffix, suffix, f"{display} · {label}", bio, loc)
            for base, display, bio, loc in _STATE_BASES
            for suffix, label in _STATE_SUFFIXES
        ]
        rng.shuffle(extra)
        names += extra
        for i in range(count):
            handle, suffix, display, bio, location = names[i % len(names)]
            lang_zh = 1.0 if suffix == "ZH" else 0.0 if suffix == "EN" else 0.25
            plan = _Plan(
                handle=self.handles.claim(rng, handle),
                role="state",
                network=None,
                display_name=display,
                description=bio,
                location=location,
                created=_created_between(rng, 2009, 2019),
                followers=int(rng.lognormvariate(11.0, 1.0)),
                following=rng.randint(10, 600),
                verified=True,
                default_image=False,
                client=rng.choice(("Twitter Web App", "Newsroom Publisher")),
                n_posts=_post_count(rng, 70, 0.4, 30, 160),
                extra_statuses=rng.randint(2_000, 40_000),
            )
            self.plans.append(plan)
            plan.n_retweets = round(plan.n_posts * 0.12)
            hours = tuple((h - 8) % 24 for h in range(8, 22))  # Beijing office hours, in UTC
            noise = _Noise(
                tags=_STATE_TAGS, p_tags=0.4, emoji=("🇨🇳", "🇨🇦", "🤝"), p_emoji=0.15, domains=_STATE_DOMAINS, p_url=0.35
            )
            for _ in range(plan.n_posts - plan.n_retweets):
                lang = "zh" if rng.random() < lang_zh else "en"
                at = _habit_time(rng, 0, _SPAN_S, hours)
                if rng.random() < 0.55:
                    point = rng.choice(TALKING_POINT_IDS)
                    frame = rng.choice(_STATE_ZH_FRAMES if lang == "zh" else _STATE_EN_FRAMES)
                    body = frame.format(claim=_claim(rng, point, lang))
                else:
                    body = _fill(rng, rng.choice(_STATE_OTHER_ZH if lang == "zh" else _STATE_OTHER_EN))
                text, tags, urls = _decorate(rng, body, lang, noise)
                plan.drafts.append(_Draft(at=at, text=text, lang=lang, client=plan.client, hashtags=tags, urls=urls))

    # -- reporters and researchers ----------------------------------------------------------------------------------

    def build_reporters(self, count: int, role: str) -> None:
        rng = self.rng
        for _ in range(count):
            chinese = rng.random() < (0.15 if role == "journalist" else 0.08)
            display, given, surname = _person_name(rng, chinese_script=chinese)
            if chinese:
                outlet = rng.choice(_OUTLETS_ZH)
                bio = f"《{outlet}》记者，报道加拿大政治与社区新闻" if role == "journalist" else "研究员，关注虚假信息"
                wanted = f"{given}{rng.choice(_SURNAMES)}" + rng.choice(("News", "Reports", "_zh", ""))
            elif role == "journalist":
                outlet = rng.choice(_OUTLETS)
                beat = rng.choice(("national security", "federal politics", "diaspora communities", "foreign affairs"))
                bio = f"Reporter at {outlet}. Covering {beat}. DMs open."
                wanted = rng.choice(
                    (f"{given}{surname}", f"{given}_{surname}", f"{given[0]}{surname}Reports", f"{surname}{given}")
                )
            else:
                lab = rng.choice(_LABS)
                bio = f"Researcher, {lab}. Influence operations, platforms, elections."
                wanted = rng.choice((f"{given}{surname}", f"Dr{surname}{given[0]}", f"{given[0]}_{surname}_osint"))
            journalist = role == "journalist"
            plan = _Plan(
                handle=self.handles.claim(rng, wanted),
                role=role,
                network=None,
                display_name=display,
                description=bio,
                location=rng.choice(("Ottawa", "Toronto, Ontario", "Vancouver, BC", "Montréal, QC", None)),
                created=_created_between(rng, 2008, 2018),
                followers=int(rng.lognormvariate(8.6 if journalist else 7.8, 0.9)),
                following=rng.randint(300, 3000),
                verified=rng.random() < (0.6 if journalist else 0.3),
                default_image=False,
                client=rng.choice(("Twitter Web App", "Twitter for iPhone", "Twitter Web App")),
                n_posts=_post_count(rng, 55 if journalist else 35, 0.5, 12, 200),
                extra_statuses=rng.randint(1_000, 30_000),
            )
            self.plans.append(plan)
            plan.n_retweets = round(plan.n_posts * rng.uniform(0.1, 0.25))
            hours = _local_hours(rng, rng.choice((-5, -8, -4)), 7, 23)
            noise = _Noise(
                tags=_NEWS_TAGS,
                p_tags=0.35,
                emoji=("🧵", "👇", "📌"),
                p_emoji=0.08,
                domains=_NEWS_DOMAINS,
                p_url=0.45,
                p_typo=0.02,
            )
            lang = "zh" if chinese else "en"
            p_report = rng.uniform(0.3, 0.5)
            for _ in range(plan.n_posts - plan.n_retweets):
                at = _habit_time(rng, 0, _SPAN_S, hours)
                roll = rng.random()
                if roll < 0.06 and journalist:
                    plan.drafts.append(self._quote(plan, at))
                    continue
                if roll < 0.14:
                    plan.drafts.append(self._reply(plan, lang, at))
                    continue
                if rng.random() < p_report:
                    body = self._report(lang, role)
                elif lang == "zh":
                    body = _fill(rng, rng.choice(_JOURNALIST_OTHER_ZH))
                else:
                    body = _fill(rng, rng.choice(_JOURNALIST_OTHER if journalist else _RESEARCHER_OTHER))
                text, tags, urls = _decorate(rng, body, lang, noise)
                plan.drafts.append(
                    _Draft(at=at, text=text, lang=lang, client=self._other_client(plan), hashtags=tags, urls=urls)
                )

    def _report(self, lang: str, role: str) -> str:
        rng = self.rng
        point = rng.choice(TALKING_POINT_IDS)
        line = _LINES[point]
        if lang == "zh":
            frames = _REPORT_ZH if role == "journalist" else _RESEARCH_ZH
            return _fill(rng, rng.choice(frames), {"gist": line.gist_zh, "claim": _claim(rng, point, "zh")})
        frames = _REPORT_EN if role == "journalist" else _RESEARCH_EN
        return _fill(
            rng, rng.choice(frames), {"gist": line.gist_en, "claim": _claim(rng, point, "en"), "short": line.short}
        )

    def _quote(self, plan: _Plan, at: int) -> _Draft:
        rng = self.rng
        states = [p.handle for p in self.plans if p.role == "state"] or ["PRCEmbPress"]
        url = f"https://x.example.com/{rng.choice(states)}/status/{rng.randrange(10**17, 10**18)}"
        text = f"{rng.choice(_QUOTE_COMMENTS)} {url}"
        return _Draft(at=at, text=text, lang="en", client=plan.client, urls=(url,), is_quote=True)

    # -- critics -----------------------------------------------------------------------------------------------------

    def build_critics(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            chinese = rng.random() < 0.2
            display, given, surname = _person_name(rng, chinese_script=chinese and rng.random() < 0.5)
            wanted = rng.choice(
                (
                    f"{given}{surname}",
                    f"{given}_{surname[:1]}",
                    f"{given}{surname[:1]}{rng.randint(1, 99)}",
                    f"free{given}",
                    f"{given}InCanada",
                )
            )
            plan = _Plan(
                handle=self.handles.claim(rng, wanted),
                role="critic",
                network=None,
                display_name=display,
                description=_fill(rng, rng.choice(_CRITIC_BIOS)),
                location=rng.choice(_CANADA_LOCATIONS) if rng.random() < 0.7 else None,
                created=_created_between(rng, 2010, 2021),
                followers=int(rng.lognormvariate(7.0, 1.2)),
                following=int(rng.lognormvariate(6.2, 0.8)),
                verified=rng.random() < 0.05,
                default_image=False,
                client=_human_client(rng),
                n_posts=_post_count(rng, 40, 0.6),
                extra_statuses=rng.randint(200, 20_000),
            )
            self.plans.append(plan)
            plan.n_retweets = round(plan.n_posts * rng.uniform(0.1, 0.3))
            hours = _local_hours(rng, rng.choice((-5, -8, -7)), 7, 23)
            noise = _Noise(
                tags=_CRITIC_TAGS,
                p_tags=0.35,
                emoji=("🤔", "🙄", "👀", "✊"),
                p_emoji=0.2,
                domains=_NEWS_DOMAINS,
                p_url=0.15,
                p_typo=0.04,
                p_recase=0.04,
            )
            p_rebut = rng.uniform(0.25, 0.55)
            topics = rng.sample(tuple(_TOPICS_EN), 4)
            for _ in range(plan.n_posts - plan.n_retweets):
                lang = "zh" if chinese and rng.random() < 0.6 else "en"
                if rng.random() < p_rebut:
                    at = _habit_time(rng, 0, _SPAN_S, hours)
                    point = rng.choice(TALKING_POINT_IDS)
                    line = _LINES[point]
                    parts = {"claim": _claim(rng, point, lang), "short": line.short}
                    if lang == "zh":
                        parts |= {"gist": line.gist_zh, "rebut": rng.choice(_REBUTTALS_ZH)}
                        body = _fill(rng, rng.choice(_CRITIC_ZH), parts)
                    else:
                        parts |= {"gist": line.gist_en, "rebut": rng.choice(_REBUTTALS_EN)}
                        body = _fill(rng, rng.choice(_CRITIC_EN), parts)
                    text, tags, urls = _decorate(rng, body, lang, noise)
                    plan.drafts.append(
                        _Draft(at=at, text=text, lang=lang, client=self._other_client(plan), hashtags=tags, urls=urls)
                    )
                elif rng.random() < 0.3:
                    at = _habit_time(rng, 0, _SPAN_S, hours)
                    text, tags, urls = _decorate(rng, _fill(rng, rng.choice(_CRITIC_OTHER)), "en", noise)
                    plan.drafts.append(
                        _Draft(at=at, text=text, lang="en", client=self._other_client(plan), hashtags=tags, urls=urls)
                    )
                else:
                    plan.drafts.append(self._everyday(plan, lang, topics, hours, 0))

    # -- automated feeds ---------------------------------------------------------------------------------------------

    def build_news_bots(self, count: int) -> None:
        rng = self.rng
        for i in range(count):
            kind = _BOT_KINDS[i % len(_BOT_KINDS)]
            city = rng.choice(_SLOTS["city"])
            short_city = re.sub(r"[^A-Za-z]", "", city)[:8]
            wanted = {
                "weather": short_city + rng.choice(("Weather", "Wx", "Forecast")),
                "headlines": rng.choice(("CdnHeadlines", "NewsNorthFeed", "DailyBrief")) + str(rng.randint(1, 99)),
                "deals": rng.choice(("DealsNorth", "BargainBot", "SaleAlertsCA")) + str(rng.randint(1, 99)),
                "transit": short_city + rng.choice(("Transit", "TransitBot", "Commute")),
            }[kind]
            plan = _Plan(
                handle=self.handles.claim(rng, wanted),
                role="news_bot",
                network=None,
                display_name={
                    "weather": f"{city} Weather",
                    "headlines": "Headlines Feed",
                    "deals": "Deal Alerts",
                    "transit": f"{city} Transit Alerts (unofficial)",
                }[kind],
                description={
                    "weather": "Automated forecasts, twice a day.",
                    "headlines": "Automated headline feed.",
                    "deals": "Bot. Best deals, posted automatically.",
                    "transit": "Unofficial automated service alerts.",
                }[kind],
                location=city if kind in ("weather", "transit") else None,
                created=_created_between(rng, 2012, 2021),
                followers=int(rng.lognormvariate(7.5, 1.0)),
                following=rng.randint(0, 40),
                verified=False,
                default_image=rng.random() < 0.1,
                client=rng.choice(_BOT_CLIENTS),
                n_posts=rng.randint(100, 200),
                extra_statuses=rng.randint(5_000, 60_000),
            )
            self.plans.append(plan)
            step = _SPAN_S // plan.n_posts
            phase = rng.randrange(step)
            for k in range(plan.n_posts):
                at = _clamp_s(phase + k * step + rng.randint(0, 90))
                day = SPAN_START + timedelta(seconds=at)
                date = f"{_MONTHS[day.month - 1]} {day.day}"
                url = _url(rng, rng.choice(_BOT_DOMAINS[kind]))
                if kind == "weather":
                    hi = _NUMBERS["hi"](rng)
                    cond = rng.choice(_SLOTS["cond"])
                    text = f"{city} weather {date}: {cond}, high {hi}°C, low {hi - rng.randint(4, 12)}°C. {url}"
                    tags: tuple[str, ...] = (f"{short_city}Weather",)
                elif kind == "headlines":
                    text = f"{rng.choice(_OUTLETS)} | {rng.choice(_SLOTS['headline'])} {url}"
                    tags = ("cdnpoli",) if rng.random() < 0.3 else ()
                elif kind == "deals":
                    text = (
                        f"🔥 Deal: {rng.choice(_SLOTS['item'])} {_NUMBERS['pct'](rng)}% off, now "
                        f"${rng.randint(19, 499)}.99 {url}"
                    )
                    tags = ("deals",)
                else:
                    text = (
                        f"Service alert {date}: delays on Line {_NUMBERS['line'](rng)} due to "
                        f"{rng.choice(_SLOTS['reason'])}. Updates: {url}"
                    )
                    tags = ()
                text = text + "".join(" #" + t for t in tags)
                plan.drafts.append(_Draft(at=at, text=text, lang="en", client=plan.client, hashtags=tags, urls=(url,)))

    # -- coordinated amplifier networks -------------------------------------------------------------------------------

    def build_amplifiers(self, count: int) -> None:
        rng = self.rng
        if count <= 0:
            return
        lo = max(1, -(-count // 30))
        hi = max(lo, min(14, count // 8))
        sizes = self._network_sizes(count, rng.randint(lo, hi))
        for index, size in enumerate(sizes, start=1):
            net = self._new_network(f"net-{index:02d}")
            n_sleepers = min(size // 3, rng.randint(2, 6)) if size >= 4 else 0
            for k in range(size):
                net.members.append(self._amplifier(net, sleeper=k >= size - n_sleepers))
            self._run_campaign(net)

    def _network_sizes(self, count: int, n_networks: int) -> list[int]:
        rng = self.rng
        floor = min(8, count // n_networks)
        sizes = [floor] * n_networks
        left = count - floor * n_networks
        while left > 0:
            open_ = [i for i, s in enumerate(sizes) if s < 30] or list(range(n_networks))
            sizes[rng.choice(open_)] += 1
            left -= 1
        return sizes

    def _new_network(self, name: str) -> _Network:
        rng = self.rng
        lang_mode = rng.choices(("en", "zh", "mixed"), weights=(6, 2, 2))[0]
        start = rng.randint(0, _SPAN_S // 3)
        shift = rng.choice((0, 0, 0, 8, 12))  # most run on Beijing office hours, some are shifted
        net = _Network(
            name=name,
            lang_mode=lang_mode,
            handle_style="digits" if rng.random() < 0.7 else "plain",
            focus=tuple(rng.sample(TALKING_POINT_IDS, rng.randint(4, 8))),
            openers_en=tuple(rng.sample(_OPENERS_EN, rng.randint(3, 6))),
            closers_en=tuple(rng.sample(_CLOSERS_EN, rng.randint(3, 6))),
            openers_zh=tuple(rng.sample(_OPENERS_ZH, rng.randint(3, 5))),
            closers_zh=tuple(rng.sample(_CLOSERS_ZH, rng.randint(3, 5))),
            clients=tuple(rng.sample(_AMP_CLIENTS, 2)),
            start=start,
            hours=tuple((h + shift) % 24 for h in range(0, 11)),
            p_default_image=rng.uniform(0.3, 0.85),
            everyday_topics=tuple(rng.sample(tuple(_TOPICS_EN), 5)),
            themes=tuple(rng.sample(tuple(_FILLER_EN), rng.randint(2, 4))),
            tags_en=_AMP_TAGS_COMMON_EN + tuple(rng.sample(_AMP_TAGS_EN, rng.randint(3, 6))),
            tags_zh=_AMP_TAGS_COMMON_ZH + tuple(rng.sample(_AMP_TAGS_ZH, rng.randint(3, 5))),
            domains=tuple(rng.sample(_AMP_DOMAINS, rng.randint(1, 3))),
        )
        self.networks.append(net)
        return net

    def _amplifier(self, net: _Network, *, sleeper: bool) -> _Plan:
        rng = self.rng
        chinese_script = net.lang_mode != "en" and rng.random() < 0.5
        display, given, surname = _person_name(rng, chinese_script=chinese_script)
        if net.handle_style == "digits" and not sleeper:
            k = rng.randint(6, 8)
            stem = rng.choice((given, given + surname, given + surname[:1], given.lower()))
            wanted = stem[: 15 - k] + _digits(rng, k)
        else:
            wanted = rng.choice(
                (
                    f"{rng.choice(_WORDS)}_{rng.choice(_PLAIN_SUFFIX)}",
                    f"{given}{surname}",
                    f"{given.lower()}_{surname.lower()}",
                    f"{rng.choice(_WORDS)}{given}",
                    f"{given}{rng.choice(_PLAIN_SUFFIX)}",
                )
            )
        if sleeper:
            created = _created_between(rng, 2013, 2021)
            followers, share, extra = rng.randint(30, 600), rng.uniform(0.0, 0.03), rng.randint(300, 6000)
        else:
            created = net.start - int(rng.triangular(0, 150, 40) * _DAY_S)
            share = 0.15 + 0.6 * rng.random() ** 1.3  # 15-75%, most nearer the low end
            followers, extra = int(80 * rng.random() ** 2), rng.randint(0, 60)
        n_posts = _post_count(rng, 40, 0.8)
        bio = "" if rng.random() < 0.5 and not sleeper else _fill(rng, rng.choice(_GENERIC_BIOS + _ORDINARY_BIOS))
        plan = _Plan(
            handle=self.handles.claim(rng, wanted),
            role="amplifier",
            network=net.name,
            display_name=display if rng.random() < 0.8 else f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS)}",
            description=bio,
            location=rng.choice(_AMP_LOCATIONS) if rng.random() < 0.6 else None,
            created=created,
            followers=followers,
            following=rng.randint(40, 1200),
            verified=False,
            default_image=not sleeper and rng.random() < net.p_default_image,
            client=rng.choice(net.clients),
            n_posts=n_posts,
            extra_statuses=extra,
            is_sleeper=sleeper,
        )
        self.plans.append(plan)
        plan.n_retweets = round(n_posts * (rng.uniform(0.02, 0.08) if sleeper else rng.uniform(0.05, 0.2)))
        plan.active_from = net.start
        plan.tp_quota = round((n_posts - plan.n_retweets) * share)
        return plan

    def _run_campaign(self, net: _Network) -> None:
        """Bursts: most members post variants of one line within ten minutes; the rest of their posts is filler."""
        rng = self.rng
        members = net.members
        quota = {id(m): m.tp_quota for m in members}
        need = max(1, -(-len(members) // 2))
        while sum(1 for m in members if quota[id(m)] > 0) >= need:
            ready = [m for m in members if quota[id(m)] > 0]
            k = min(len(ready), max(need, round(rng.uniform(0.5, 0.9) * len(members))))
            ready.sort(key=lambda m: -quota[id(m)] - rng.random() * 2)
            crew = ready[:k]
            lang = net.lang_mode if net.lang_mode != "mixed" else rng.choice(("en", "zh"))
            point = rng.choice(net.focus)
            if lang == "zh":
                base = _join(lang, rng.choice(net.openers_zh), _claim(rng, point, lang), rng.choice(net.closers_zh))
                tags_pool = net.tags_zh
            else:
                base = _join(lang, rng.choice(net.openers_en), _claim(rng, point, lang), rng.choice(net.closers_en))
                tags_pool = net.tags_en
            start = _habit_time(rng, net.start, _SPAN_S - 900, net.hours)
            member_noise = _Noise(
                tags=tags_pool,
                p_tags=0.8,
                emoji=_EMOJI_AMP,
                p_emoji=0.7,
                domains=net.domains,
                p_url=0.4,
                p_typo=0.04,
                p_recase=0.05,
            )
            for m in crew:
                body = _swap_word(rng, base, lang) if rng.random() < 0.2 else base
                mention = rng.choice(crew).handle if rng.random() < 0.1 else None
                text, tags, urls = _decorate(rng, body, lang, member_noise, mention=mention)
                client = rng.choice(net.clients) if rng.random() < 0.1 else m.client
                m.drafts.append(
                    _Draft(
                        at=start + rng.randint(0, 600),
                        text=text,
                        lang=lang,
                        client=client,
                        hashtags=tags,
                        urls=urls,
                        is_talking_point=True,
                    )
                )
                quota[id(m)] -= 1
        for m in members:
            for _ in range(m.n_posts - m.n_retweets - len(m.drafts)):
                m.drafts.append(self._filler(m, net))

    def _filler(self, plan: _Plan, net: _Network) -> _Draft:
        rng = self.rng
        lang = net.lang_mode if net.lang_mode != "mixed" else rng.choice(("en", "zh"))
        at = _habit_time(rng, net.start, _SPAN_S, net.hours)
        # Sleepers and the subtler networks blend in with everyday posts; the rest post stock pleasantries.
        blend = 1.0 if plan.is_sleeper else 0.7 if net.handle_style == "plain" else 0.4
        if rng.random() < blend:
            if plan.is_sleeper and rng.random() < 0.5:
                lang = "en"  # sleepers pose as bilingual locals whatever the network's language
            return self._everyday(plan, lang, net.everyday_topics, net.hours, net.start)
        bank = _FILLER_ZH if lang == "zh" else _FILLER_EN
        body = _fill(rng, rng.choice(bank[rng.choice(net.themes)]))
        noise = _Noise(emoji=_EMOJI_AMP + _EMOJI_CASUAL, p_emoji=0.5, domains=net.domains, p_url=0.1, p_typo=0.03)
        text, tags, urls = _decorate(rng, body, lang, noise)
        return _Draft(at=at, text=text, lang=lang, client=plan.client, hashtags=tags, urls=urls)

    # -- ordinary users ----------------------------------------------------------------------------------------------

    def build_ordinary(self, count: int) -> None:
        rng = self.rng
        topic_names = tuple(_TOPICS_EN)
        for _ in range(count):
            lang = rng.choices(("en", "fr", "zh"), weights=(75, 10, 15))[0]
            display, given, surname = _person_name(rng, chinese_script=lang == "zh" and rng.random() < 0.6)
            young = rng.random() < 0.12
            if young or rng.random() < 0.06:
                k = rng.randint(6, 8)
                wanted = (given + surname)[: 15 - k] + _digits(rng, k)
            else:
                wanted = rng.choice(
                    (
                        f"{given}_{surname}",
                        f"{given}{surname}",
                        f"{given[0]}{surname}".lower(),
                        f"{rng.choice(_WORDS)}{rng.choice(_PLAIN_SUFFIX)}{rng.randint(1, 99)}",
                        f"{given}{rng.randint(70, 99)}",
                        f"{rng.choice(_WORDS)}_{given.lower()}",
                        f"{given}{surname[:1]}",
                    )
                )
            created = (
                int(-rng.uniform(0, 150) * _DAY_S + rng.uniform(0, 0.5) * _SPAN_S)
                if young
                else _created_between(rng, 2008, 2022)
            )
            plan = _Plan(
                handle=self.handles.claim(rng, wanted),
                role="ordinary",
                network=None,
                display_name=display,
                description=_fill(rng, rng.choice(_ORDINARY_BIOS)) if rng.random() < 0.75 else "",
                location=rng.choice(_CANADA_LOCATIONS) if rng.random() < 0.65 else None,
                created=created,
                followers=int(rng.lognormvariate(4.8, 1.4)),
                following=int(rng.lognormvariate(5.4, 1.0)),
                verified=rng.random() < 0.01,
                default_image=rng.random() < (0.3 if young else 0.05),
                client=_human_client(rng),
                n_posts=_post_count(rng, 33, 0.95),
                extra_statuses=rng.randint(0, 400) if young else rng.randint(50, 15_000),
            )
            self.plans.append(plan)
            plan.n_retweets = round(plan.n_posts * rng.uniform(0.0, 0.3))
            hours = _local_hours(rng, rng.choice((-5, -5, -5, -8, -8, -7, -6, -4)), rng.randint(6, 9), 23)
            topics = rng.sample(topic_names, rng.randint(2, 5))
            lo = plan.active_from = max(0, plan.created)
            n_own = plan.n_posts - plan.n_retweets
            echoes = rng.randint(1, 2) if rng.random() < 0.04 else 0
            if rng.random() < (0.2 if lang == "zh" else 0.06):
                # Sympathetic users share state and network posts now and then: organic, not coordinated.
                plan.retweet_mix = (
                    ("state", 15),
                    ("amplifier", 15),
                    ("ordinary", 35),
                    ("journalist", 20),
                    ("news_bot", 15),
                )
            for _ in range(min(echoes, n_own)):
                plan.drafts.append(self._echo(plan, "zh" if lang == "zh" else "en", hours, lo))
            for _ in range(n_own - len(plan.drafts)):
                post_lang = lang if rng.random() < 0.85 else "en"
                plan.drafts.append(self._everyday(plan, post_lang, topics, hours, lo))

    def _echo(self, plan: _Plan, lang: str, hours: tuple[int, ...], lo: int) -> _Draft:
        """A sincere, one-off repetition of a talking point in a person's own framing."""
        rng = self.rng
        point = rng.choice(TALKING_POINT_IDS)
        claim = _claim(rng, point, lang)
        body = _fill(
            rng, rng.choice(_ECHO_ZH if lang == "zh" else _ECHO_EN), {"claim": claim, "claim_lc": _lower_first(claim)}
        )
        noise = _Noise(tags=("China", "Canada", "cdnpoli"), p_tags=0.2, emoji=_EMOJI_CASUAL, p_emoji=0.2, p_typo=0.05)
        text, tags, urls = _decorate(rng, body, lang, noise)
        at = _habit_time(rng, lo, _SPAN_S, hours)
        return _Draft(at=at, text=text, lang=lang, client=self._other_client(plan), hashtags=tags, urls=urls)

    # -- retweets, once every original exists ------------------------------------------------------------------------

    def add_retweets(self) -> None:
        """Give every account its retweets; sources are original posts, so no ``RT @a: RT @b:`` chains appear."""
        rng = self.rng
        originals: dict[str, list[tuple[str, _Draft]]] = {role: [] for role in ROLES}
        for plan in self.plans:
            originals[plan.role].extend(
                (plan.handle, d)
                for d in plan.drafts
                if not (d.is_reply or d.is_quote or d.text.startswith("@"))
                and (d.is_talking_point or plan.role != "amplifier")
            )
        sources: dict[str, tuple[tuple[str, float], ...]] = {
            "ordinary": (("journalist", 35), ("news_bot", 20), ("critic", 15), ("ordinary", 25), ("state", 5)),
            "journalist": (("journalist", 70), ("researcher", 20), ("critic", 10)),
            "researcher": (("researcher", 50), ("journalist", 45), ("critic", 5)),
            "critic": (("critic", 50), ("journalist", 40), ("researcher", 10)),
            "state": (("state", 100),),
        }
        for net in self.networks:
            talking = [(m.handle, d) for m in net.members for d in m.drafts if d.is_talking_point]
            chatter = [
                (m.handle, d)
                for m in net.members
                for d in m.drafts
                if not (d.is_talking_point or d.is_reply or d.text.startswith("@"))
            ]
            for m in net.members:
                # Members boost each other's talking points; sleepers mostly boost harmless chatter, which keeps
                # them in the retweet network without putting the lines in their own timeline.
                mix = (
                    ((talking, 5), (chatter, 80), (originals["state"], 15))
                    if m.is_sleeper
                    else ((talking, 75), (chatter, 5), (originals["state"], 20))
                )
                mix = tuple((pool, w) for pool, w in mix if pool)
                for _ in range(m.n_retweets if mix else 0):
                    pool = rng.choices([p for p, _ in mix], weights=[w for _, w in mix])[0]
                    src_handle, src = rng.choice(pool)
                    if src_handle == m.handle:
                        continue
                    delay = rng.randint(30, 6 * 3600) if pool is not originals["state"] else rng.randint(60, 48 * 3600)
                    m.drafts.append(self._retweet(m, src_handle, src, delay))
        for plan in self.plans:
            if plan.role not in sources:
                continue
            choices = [(role, w) for role, w in plan.retweet_mix or sources[plan.role] if originals[role]]
            for _ in range(plan.n_retweets if choices else 0):
                role = rng.choices([r for r, _ in choices], weights=[w for _, w in choices])[0]
                src_handle, src = rng.choice(originals[role])
                if src_handle == plan.handle:
                    continue
                plan.drafts.append(self._retweet(plan, src_handle, src, rng.randint(60, 72 * 3600)))

    def _retweet(self, plan: _Plan, src_handle: str, src: _Draft, delay: int) -> _Draft:
        # An account can retweet an older post, but never before it started posting.
        at = _clamp_s(max(src.at, plan.active_from) + delay)
        return _Draft(
            at=at,
            text=f"RT @{src_handle}: {src.text}",
            lang=src.lang,
            client=plan.client,
            hashtags=src.hashtags,
            urls=src.urls,
            is_retweet=True,
        )


# --------------------------------------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------------------------------------


def _role_counts(n_accounts: int) -> dict[str, int]:
    counts = {}
    for role, share, minimum in _ROLE_SHARES:
        counts[role] = max(minimum, int(n_accounts * share)) if n_accounts >= 100 else int(n_accounts * share)
    counts["ordinary"] = n_accounts - sum(counts.values())
    return counts


def _unique_id(wanted: int, used: set[int]) -> str:
    """Return ``wanted``, or the next free integer, as a digit string; ``used`` is only probed, never iterated."""
    while wanted in used:
        wanted += 1
    used.add(wanted)
    return str(wanted)


def _snowflake(at_ms: int) -> int:
    return (at_ms - _TWEPOCH_MS) << 22


def _to_account(plan: _Plan, index: int, used_ids: set[int]) -> Account:
    drafts = sorted(plan.drafts, key=lambda d: d.at)
    first = drafts[0].at if drafts else 0
    created = min(plan.created, first - 60)
    created_dt = SPAN_START + timedelta(seconds=created)
    created_ms = int(created_dt.timestamp() * 1000)
    # Accounts older than snowflake ids got small sequential ids; the two ranges cannot meet.
    wanted = _snowflake(created_ms) if created_ms > _TWEPOCH_MS else 10_000_000 + index * 997
    user_id = _unique_id(wanted, used_ids)
    posts = [
        Post(
            id=_unique_id(_snowflake(_SPAN_START_MS + d.at * 1000), used_ids),
            created_at=SPAN_START + timedelta(seconds=d.at),
            text=d.text,
            lang=d.lang,
            is_retweet=d.is_retweet,
            is_reply=d.is_reply,
            is_quote=d.is_quote,
            hashtags=list(d.hashtags),
            urls=list(d.urls),
            client=d.client,
        )
        for d in reversed(drafts)  # newest first, as timelines come
    ]
    profile = Profile(
        display_name=plan.display_name,
        created_at=created_dt,
        description=plan.description,
        location=plan.location,
        followers_count=plan.followers,
        following_count=plan.following,
        statuses_count=len(posts) + plan.extra_statuses,
        verified=plan.verified,
        default_profile_image=plan.default_image,
    )
    return Account(handle=plan.handle, user_id=user_id, profile=profile, posts=posts)


def generate_corpus(*, seed: int = DEFAULT_SEED, n_accounts: int = DEFAULT_ACCOUNTS) -> list[LabeledAccount]:
    """Return ``n_accounts`` labeled synthetic accounts in a seed-determined shuffled order.

    Role shares are fixed: 12% amplifiers (8-14 networks of 8-30 at the default size), 3% news bots,
    7% journalists, 4% researchers, 6% critics, 1.5% state (at least 3), the rest ordinary; with
    ``n_accounts >= 100`` every role is present. Each account has 3-200 posts (about 50 on average) between
    ``SPAN_START`` and ``SPAN_END``. The result is a ``SyntheticCorpus`` carrying ``seed``.
    Raises ``ValueError`` when ``n_accounts`` is below 1.

    Sleeper amplifiers (older, no digits, almost no talking points) are deliberately hard: a bag-of-words model
    reaches a ROC-AUC of about 0.95 on held-out networks, not 1.0, so text alone cannot do the job.
    """
    if n_accounts < 1:
        raise ValueError(f"n_accounts must be at least 1, got {n_accounts}")
    counts = _role_counts(n_accounts)
    builder = _Builder(seed)
    builder.build_state(counts["state"])
    builder.build_reporters(counts["journalist"], "journalist")
    builder.build_reporters(counts["researcher"], "researcher")
    builder.build_critics(counts["critic"])
    builder.build_news_bots(counts["news_bot"])
    builder.build_amplifiers(counts["amplifier"])
    builder.build_ordinary(counts["ordinary"])
    builder.add_retweets()
    plans = list(builder.plans)
    builder.rng.shuffle(plans)
    used_ids: set[int] = set()
    corpus = SyntheticCorpus(
        (
            LabeledAccount(
                account=_to_account(plan, index, used_ids),
                label=_LABEL_OF_ROLE.get(plan.role, "ordinary"),
                role=plan.role,
                network=plan.network,
            )
            for index, plan in enumerate(plans)
        ),
        seed=seed,
    )
    logger.debug("generated synthetic corpus", extra={"n_accounts": n_accounts, "seed": seed})
    return corpus


def write_corpus(corpus: Sequence[LabeledAccount], out_dir: Path) -> dict[str, Path]:
    """Write ``accounts.jsonl``, ``labels.csv`` (``handle,label,network,role``) and a README saying it is synthetic.

    Returns the three paths under the keys ``accounts``, ``labels`` and ``readme``. The files depend only on the
    corpus, so the same corpus always gives the same bytes.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"accounts": out_dir / "accounts.jsonl", "labels": out_dir / "labels.csv", "readme": out_dir / "README.md"}
    write_accounts(paths["accounts"], (item.account for item in corpus))
    with paths["labels"].open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("handle", "label", "network", "role"))
        for item in corpus:
            writer.writerow((item.account.handle, item.label, item.network or "", item.role))
    paths["readme"].write_text(_readme(corpus), encoding="utf-8")
    return paths


def _readme(corpus: Sequence[LabeledAccount]) -> str:
    seed = getattr(corpus, "seed", None)
    roles = {role: 0 for role in ROLES}
    for item in corpus:
        roles[item.role] = roles.get(item.role, 0) + 1
    networks = sorted({item.network for item in corpus if item.network})
    n_posts = sum(len(item.account.posts) for item in corpus)
    lines = [
        "# Synthetic demo corpus (not real accounts)",
        "",
        "This corpus is SYNTHETIC. It was generated by parrotwatch (`ingest/synthetic.py`) for demos and tests.",
        "Every account, handle, name, outlet, URL and post in it is invented. None of it is a real account or a real",
        "post, and any resemblance to a real handle is a coincidence. Do not cite it as evidence about anyone.",
        "",
        f"- seed: {seed if seed is not None else 'not recorded'}",
        f"- accounts: {len(corpus)}",
        f"- posts: {n_posts}",
        f"- amplifier networks: {len(networks)}",
        f"- time span: {SPAN_START.date()} to {SPAN_END.date()} (UTC)",
        "",
        "Accounts per role (label in brackets):",
        "",
    ]
    for role, count in roles.items():
        lines.append(f"- {role} ({_LABEL_OF_ROLE.get(role, 'ordinary')}): {count}")
    lines += [
        "",
        "Files: `accounts.jsonl` (one account per line, parrotwatch's account format) and `labels.csv`",
        "(`handle,label,network,role`; `network` is empty except for amplifiers).",
        "",
    ]
    return "\n".join(lines)
