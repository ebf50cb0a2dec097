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

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

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


# -- countries ---------------------------------------------------------------------------------------------------------
# One entry per country: ISO 3166 alpha-2 code, then names and adjectives in any of the languages (indented lines go
# on with the entry above). ``*`` ends a stem (Russian and French inflect); ``=`` marks a case-sensitive acronym ("US"
# but not "us"). Rules read a name only where a state's name belongs ("Embassy of <China> in Canada",
# "<中国>驻英国大使"), so a name that is also a common word ("Chad", "Turkey") does no harm.
_COUNTRY_TABLE = """
AF: Afghanistan; Afghan; افغانستان; أفغانستان
AL: Albania; Albanian
DZ: Algeria; Algerian; Argelia; Algerie; الجزائر; الجزائرية; الجزایر
AD: Andorra; Andorran
AO: Angola; Angolan
AG: Antigua and Barbuda
AR: Argentina; Argentine; Argentinian; Republica Argentina; argentino; argentina; Argentine*; 阿根廷; Аргентин*;
    آرژانتین
AM: Armenia; Armenian; Армени*; армянск*; ارمنستان
AU: Australia; Australian; Australie; 澳大利亚; 澳洲; Австрали*; австралийск*; استرالیا; أستراليا
AT: Austria; Austrian; Autriche; 奥地利; Австри*; اتریش
AZ: Azerbaijan; Azerbaijani; Азербайджан*; азербайджанск*; جمهوری آذربایجان; آذربایجان
BS: Bahamas
BH: Bahrain; Bahraini; البحرين; مملكة البحرين; بحرین
BD: Bangladesh; Bangladeshi; 孟加拉国; 孟加拉
BB: Barbados
BY: Belarus; Belarusian; Republic of Belarus; Беларус*; Белорусси*; белорусск*; Bielorrusia; Belarus;
    Bielorussie; 白俄罗斯; بلاروس
BE: Belgium; Belgian; Belgica; Belgique; 比利时; Бельги*
BZ: Belize
BJ: Benin
BT: Bhutan
BO: Bolivia; Bolivian; Estado Plurinacional de Bolivia; boliviano; boliviana; Bolivie
BA: Bosnia and Herzegovina; Bosnia
BW: Botswana
BR: Brazil; Brazilian; Brasil; brasileno; brasilena; Bresil; 巴西; Бразили*; برزیل; البرازيل
BN: Brunei
BG: Bulgaria; Bulgarian; Болгари*
BF: Burkina Faso
BI: Burundi
CV: Cabo Verde; Cape Verde
KH: Cambodia; Cambodian; 柬埔寨
CM: Cameroon; Cameroonian; Cameroun
CA: Canada; Canadian; Canada; canadiense; canadien*; 加拿大; Канад*; канадск*; کانادا; كندا
CF: Central African Republic
TD: Chad
CL: Chile; Chilean; chileno; chilena; Chili; 智利; Чили; شیلی
CN: China; Chinese; People's Republic of China; PRC=; P.R.C=; PR China; P.R. China; Beijing; Peking; chino;
    china; República Popular China; República Popular de China; RPC=; R.P. China; Chine; chinois*;
    République populaire de Chine; 中国; 中华人民共和国; 中方; 中共; 北京; Кита*; китайск*; КНР=;
    Китайск* Народн* Республик*; Пекин*; چین; جمهوری خلق چین; پکن; الصين; الصينية; الصيني;
    جمهورية الصين الشعبية; بكين
CO: Colombia; Colombian; colombiano; colombiana; Colombie; 哥伦比亚; Колумби*; کلمبیا; كولومبيا
KM: Comoros
CG: Republic of the Congo; Congo-Brazzaville
CD: Democratic Republic of the Congo; DRC=; DR Congo; Congo
CR: Costa Rica; Costa Rican; costarricense
CI: Cote d'Ivoire; Ivory Coast; Ivorian
HR: Croatia; Croatian
CU: Cuba; Cuban; Republic of Cuba; República de Cuba; cubano; cubana; cubain*; 古巴; Кубы; Куба; Кубе; кубинск*;
    کوبا; كوبا
CY: Cyprus; Cypriot
CZ: Czech Republic; Czechia; Czech; 捷克; Чехи*; чешск*
DK: Denmark; Danish; Dinamarca; Danemark; 丹麦; Дани*; датск*; دانمارک
DJ: Djibouti
DM: Dominica
DO: Dominican Republic; República Dominicana; dominicano; dominicana
EC: Ecuador; Ecuadorian; ecuatoriano; ecuatoriana; Equateur; 厄瓜多尔
EG: Egypt; Egyptian; Egipto; Egypte; 埃及; Египт*; египетск*; مصر; المصرية; جمهورية مصر العربية
SV: El Salvador; Salvadoran; salvadoreno; salvadorena
GQ: Equatorial Guinea
ER: Eritrea; Eritrean
EE: Estonia; Estonian; Эстони*
SZ: Eswatini; Swaziland
ET: Ethiopia; Ethiopian; Etiopia; Ethiopie; 埃塞俄比亚
FJ: Fiji; Fijian
FI: Finland; Finnish; Finlandia; Finlande; 芬兰; Финлянди*; финск*; فنلاند
FR: France; French; Francia; frances; francesa; Français*; République française; 法国; Франци*; французск*;
    فرانسه; فرنسا; الفرنسية
GA: Gabon; Gabonese
GM: Gambia; Gambian
GE: Georgia; Georgian; Грузи*; грузинск*; گرجستان
DE: Germany; German; Federal Republic of Germany; Alemania; aleman; alemana; Allemagne; allemand*; 德国;
    Германи*; германск*; немецк*; ФРГ=; آلمان; ألمانيا; الألمانية
GH: Ghana; Ghanaian
GR: Greece; Greek; Hellenic Republic; Grecia; Grece; 希腊; Греци*; греческ*; یونان
GD: Grenada
GT: Guatemala; Guatemalan; guatemalteco; guatemalteca
GN: Guinea; Guinean; Guinee
GW: Guinea-Bissau
GY: Guyana
HT: Haiti; Haitian
HN: Honduras; Honduran; hondureno; hondurena
HK: Hong Kong; HKSAR=; 香港
HU: Hungary; Hungarian; Hungria; Hongrie; 匈牙利; Венгри*; венгерск*; مجارستان
IS: Iceland; Icelandic
IN: India; Indian; Republic of India; Inde; 印度; Инди*; индийск*; هند; الهند
ID: Indonesia; Indonesian; Indonésie; 印度尼西亚; 印尼; Индонези*; اندونزی; إندونيسيا
IR: Iran; Iranian; Islamic Republic of Iran; I.R. Iran; IRI=; Iran; iraní; República Islámica de Irán;
    République islamique d'Iran; 伊朗; 伊朗伊斯兰共和国; Иран*; иранск*; Исламск* Республик* Иран; ایران;
    جمهوری اسلامی ایران; ج.ا.ایران; ج.ا. ایران; ایرانی; الجمهورية الإسلامية الإيرانية; الإيرانية; الإيراني
IQ: Iraq; Iraqi; Irak; 伊拉克; Ирак*; عراق; العراق; جمهورية العراق; العراقية
IE: Ireland; Irish; Irlanda; Irlande; 爱尔兰; Ирланди*; ایرلند
IL: Israel; Israeli; israeli; israelien*; 以色列; Израил*; израильск*; اسرائیل
IT: Italy; Italian; Italia; italiano; italiana; Italie; italien*; 意大利; 义大利; Итали*; итальянск*; ایتالیا;
    إيطاليا
JM: Jamaica; Jamaican
JP: Japan; Japanese; Japon; japones; japonesa; japonais*; 日本; Япони*; японск*; ژاپن; اليابان
JO: Jordan; Jordanian; Hashemite Kingdom of Jordan; Jordanie; الأردن; المملكة الأردنية الهاشمية; الأردنية; اردن
KZ: Kazakhstan; Kazakh; 哈萨克斯坦; Казахстан*; казахстанск*; قزاقستان
KE: Kenya; Kenyan; 肯尼亚
KI: Kiribati
KP: North Korea; DPRK=; D.P.R.K=; Democratic People's Republic of Korea; Corea del Norte; RPDC=; Coree du Nord;
    朝鲜; КНДР=; کره شمالی
KR: South Korea; Republic of Korea; ROK=; Korea; Korean; Corea del Sur; Corea; coreano; Coree du Sud; Coree;
    韩国; 大韩民国; Республик* Корея; Коре*; корейск*; کره جنوبی; كوريا
KW: Kuwait; Kuwaiti; الكويت; دولة الكويت; کویت
KG: Kyrgyzstan; Kyrgyz; Киргизи*; Кыргызстан*; киргизск*; кыргызск*
LA: Laos; Lao; 老挝
LV: Latvia; Latvian; Латви*
LB: Lebanon; Lebanese; Libano; Liban; 黎巴嫩; Ливан*; لبنان; اللبنانية
LS: Lesotho
LR: Liberia; Liberian
LY: Libya; Libyan; Libia; Libye; 利比亚; Ливи*; لیبی; ليبيا; الليبية
LI: Liechtenstein
LT: Lithuania; Lithuanian; Литв*
LU: Luxembourg
MG: Madagascar
MW: Malawi
MY: Malaysia; Malaysian; Malasia; Malaisie; 马来西亚; Малайзи*; مالزی; ماليزيا
MV: Maldives
ML: Mali; Malian
MT: Malta; Maltese
MH: Marshall Islands
MR: Mauritania; Mauritanian; Mauritanie; موريتانيا
MU: Mauritius
MX: Mexico; Mexican; Mexicanos; mexicano; mexicana; Estados Unidos Mexicanos; Mexique; 墨西哥; Мексик*; مکزیک;
    المكسيك
FM: Micronesia
MD: Moldova; Moldovan; Молдов*; Молдави*
MC: Monaco
MN: Mongolia; Mongolian; 蒙古国; 蒙古; Монголи*
ME: Montenegro
MA: Morocco; Moroccan; Marruecos; Maroc; 摩洛哥; Марокко; مراکش; المغرب; المملكة المغربية; المغربية
MZ: Mozambique
MM: Myanmar; Burma; Burmese; 缅甸; Мьянм*
NA: Namibia; Namibian
NR: Nauru
NP: Nepal; Nepali; Nepalese; 尼泊尔; Непал*
NL: Netherlands; Dutch; Kingdom of the Netherlands; Paises Bajos; Pays-Bas; 荷兰; Нидерланд*; нидерландск*;
    هلند; هولندا
NZ: New Zealand; 新西兰; Новой Зеландии; Новая Зеландия; نیوزیلند
NI: Nicaragua; Nicaraguan; nicaraguense; 尼加拉瓜; Никарагуа; نیکاراگوئه
NE: Niger; Nigerien
NG: Nigeria; Nigerian; 尼日利亚; Нигери*; نيجيريا
MK: North Macedonia; Macedonia; Macedonian
NO: Norway; Norwegian; Noruega; Norvege; 挪威; Норвеги*; норвежск*; نروژ
OM: Oman; Omani; سلطنة عمان; عمان; عُمان
PK: Pakistan; Pakistani; Pakistan; Islamic Republic of Pakistan; 巴基斯坦; Пакистан*; پاکستان; باكستان
PW: Palau
PS: Palestine; Palestinian; State of Palestine; Palestina; 巴勒斯坦; Палестин*; فلسطین; فلسطين; دولة فلسطين;
    الفلسطينية
PA: Panama; Panamanian; panameno; panamena
PG: Papua New Guinea
PY: Paraguay; Paraguayan; paraguayo; paraguaya
PE: Peru; Peruvian; peruano; peruana; Perou; 秘鲁; Перу
PH: Philippines; Philippine; Filipinas; 菲律宾; Филиппин*; فیلیپین
PL: Poland; Polish; Polonia; Pologne; 波兰; Польш*; польск*; لهستان
PT: Portugal; Portuguese; 葡萄牙; Португали*; پرتغال
QA: Qatar; Qatari; Catar; 卡塔尔; Катар*; قطر; دولة قطر; القطرية
RO: Romania; Romanian; Roumanie; 罗马尼亚; Румыни*; رومانی
RU: Russia; Russian; Russian Federation; RF=; Rusia; ruso; rusa; Federación de Rusia; Federación Rusa; Russie;
    russe; Fédération de Russie; Moscow; 俄罗斯; 俄罗斯联邦; 俄方; 俄; Росси*; Российск* Федераци*; российск*;
    РФ=; Москв*; روسیه; فدراسیون روسیه; روسيا; روسيا الاتحادية; الاتحاد الروسي; الروسية; الروسي
RW: Rwanda; Rwandan
KN: Saint Kitts and Nevis
LC: Saint Lucia
VC: Saint Vincent and the Grenadines
WS: Samoa
SM: San Marino
ST: Sao Tome and Principe
SA: Saudi Arabia; Saudi; Kingdom of Saudi Arabia; KSA=; Arabia Saudita; Arabie saoudite; 沙特阿拉伯; 沙特;
    Саудовск* Арави*; عربستان; عربستان سعودی; السعودية; المملكة العربية السعودية
SN: Senegal; Senegalese
RS: Serbia; Serbian; 塞尔维亚; Серби*; сербск*; صربستان
SC: Seychelles
SL: Sierra Leone
SG: Singapore; Singaporean; Singapur; Singapour; 新加坡; Сингапур*
SK: Slovakia; Slovak; Словаки*
SI: Slovenia; Slovenian; Slovene
SB: Solomon Islands
SO: Somalia; Somali
ZA: South Africa; South African; Sudafrica; Afrique du Sud; 南非; ЮАР=; آفریقای جنوبی
SS: South Sudan
ES: Spain; Spanish; Kingdom of Spain; España; espanol; espanola; Espagne; 西班牙; Испани*; испанск*; اسپانیا;
    إسبانيا
LK: Sri Lanka; Sri Lankan; 斯里兰卡
SD: Sudan; Sudanese; السودان; سودان
SR: Suriname
SE: Sweden; Swedish; Suecia; Suede; 瑞典; Швеци*; шведск*; سوئد
CH: Switzerland; Swiss; Suiza; Suisse; 瑞士; Швейцари*; سوئیس
SY: Syria; Syrian; Syrian Arab Republic; Siria; Syrie; 叙利亚; Сири*; сирийск*; سوریه; سوريا; سورية; السورية;
    الجمهورية العربية السورية
TW: Taiwan; Taiwanese; Republic of China; ROC=; Taipei; 台湾; 中华民国; 台北; Тайван*; تایوان
TJ: Tajikistan; Tajik; Таджикистан*; таджикск*; تاجیکستان
TZ: Tanzania; Tanzanian
TH: Thailand; Thai; Tailandia; Thailande; 泰国; Таиланд*; تایلند
TL: Timor-Leste; East Timor
TG: Togo; Togolese
TO: Tonga
TT: Trinidad and Tobago
TN: Tunisia; Tunisian; Tunez; Tunisie; 突尼斯; تونس; التونسية
TR: Turkey; Türkiye; Turkish; Turquia; Turquie; 土耳其; Турци*; турецк*; ترکیه; تركيا; التركية
TM: Turkmenistan; Turkmen; Туркменистан*
TV: Tuvalu
UG: Uganda; Ugandan
UA: Ukraine; Ukrainian; Ucrania; ucraniano; 乌克兰; Украин*; украинск*; اوکراین; أوكرانيا
AE: United Arab Emirates; UAE=; U.A.E=; Emirati; Emiratos Arabes Unidos; Emirats arabes unis; 阿联酋; ОАЭ=;
    امارات; الإمارات; الإمارات العربية المتحدة; دولة الإمارات العربية المتحدة
GB: United Kingdom; UK=; U.K=; Great Britain; Britain; British; England; Reino Unido; britanico; britanica;
    Royaume-Uni; britannique; 英国; Великобритани*; Соединённ* Королевств*; британск*; انگلیس; بریتانیا;
    المملكة المتحدة; بريطانيا; البريطانية
US: United States; United States of America; US=; U.S=; USA=; U.S.A=; America; American; Estados Unidos;
    Estados Unidos de America; EEUU=; EE.UU=; EE. UU=; EUA=; estadounidense; Etats-Unis; americain*; 美国;
    美利坚合众国; США=; Соединённ* Штат*; американск*; آمریکا; امریکا; ایالات متحده; الولايات المتحدة;
    الولايات المتحدة الأمريكية; الأمريكية; الأميركية
UY: Uruguay; Uruguayan; uruguayo; uruguaya
UZ: Uzbekistan; Uzbek; Узбекистан*; узбекск*; ازبکستان
VU: Vanuatu
VA: Holy See; Vatican
VE: Venezuela; Venezuelan; Bolivarian Republic of Venezuela; República Bolivariana de Venezuela; venezolano;
    venezolana; Venezuela; venezuelien*; 委内瑞拉; Венесуэл*; венесуэльск*; ونزوئلا; فنزويلا
VN: Vietnam; Viet Nam; Vietnamese; 越南; Вьетнам*; ویتنام; فيتنام
YE: Yemen; Yemeni; اليمن; یمن; اليمنية
ZM: Zambia; Zambian
ZW: Zimbabwe; Zimbabwean
XK: Kosovo; Republic of Kosovo
"""


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
# marker of the same length (\x02 then \x01s), and a rule writes ``{_C}`` for "a country here". This keeps the rules
# small and quick to compile, and offsets still point into the bio.
_MARK_START, _MARK_REST = "\x02", "\x01"
_C = r"(?:\x02\x01*+)"  # possessive: a rule cannot take part of a name
# International organizations an ambassador or a mission is accredited to.
_IO = (
    r"(?:(?-i:UN|U\.N\.?|EU|E\.U\.?|AU|OSCE|NATO|WTO|OAS|OEA|ONU|UE|ASEAN|UNESCO|IAEA|OPCW|WHO|OMS|OTAN|ООН|ЕС|ОБСЕ)"
    r"|United\s+Nations|European\s+Union|African\s+Union|Naciones\s+Unidas|Union\s+Europea|Nations\s+unies"
    r"|Union\s+europeenne|联合国|欧盟|东盟|سازمان\s+ملل(?:\s+متحد)?|اتحادیه\s+اروپا|الامم\s+المتحدة|الاتحاد\s+الاوروبی)"
)
_ART = r"(?:the\s+)?"
# Where a country name must end a phrase ("Government of India" but not "Government of India initiative").
_END = r"(?=\s*(?:$|[,.;:|()/•\-–—]))"


# -- state outlets -----------------------------------------------------------------------------------------------------
# Names that are also common words are qualified or case-sensitive: "RT" alone is a retweet, "CCTV" a camera,
# "Sputnik" a satellite.
_OUTLETS: tuple[tuple[str, str], ...] = (
    ("CN", r"(?-i:CGTN)(?:\s+(?:America|Africa|Europe|Espanol|Francais|Arabic|News|Official))?"),
    ("CN", r"China\s+Global\s+Television\s+Network"),
    ("CN", r"(?:China\s+)?Xinhua(?:\s+News(?:\s+Agency)?)?"),
    ("CN", r"People's\s+Daily(?:,?\s+China)?"),
    ("CN", r"(?-i:Global\s+Times)"),
    ("CN", r"(?-i:China\s+Daily)"),
    ("CN", r"China\s+News\s+Service"),
    ("CN", r"(?-i:CCTV)(?:[\s+-]?\d+|\s+(?:News|English|International|Plus|Video|Asia|America))"),
    ("CN", r"China\s+Central\s+Television"),
    ("CN", r"China\s+Radio\s+International|(?-i:CRI)\s+(?:English|Online|News)"),
    ("CN", r"(?-i:Qiushi)(?:\s+Journal)?"),
    ("CN", r"Voice\s+of\s+China"),
    ("CN", r"新华社|新华网|新华通讯社|人民日报|人民网|央视(?:新闻|网)?|中央电视台|中央广播电视总台|中国国际电视台"),
    (
        "CN",
        r"中国环球电视网|环球时报|环球网|中国日报|中国新闻社|中新社|中新网|中国国际广播电台|国际在线|求是杂志|求是网|《求是》",
    ),
    (
        "RU",
        r"(?-i:RT)\s+(?:News|America|UK|France|DE|Deutsch|Arabic|International|Documentary|en\s+Espanol|на\s+русском)",
    ),
    ("RU", r"Russia\s+Today|Россия\s+сегодня|روسيا\s+اليوم|今日俄罗斯"),
    ("RU", r"Sputnik\s+(?:News|International|Mundo|Brasil|France|Italia|Deutschland|Afrique|Arabic|Radio|Ireland)"),
    ("RU", r"(?-i:TASS|ТАСС)|RIA\s+Novosti|РИА\s+Новости|塔斯社|卫星通讯社|سبوتنيك|اسپوتنیک"),
    ("RU", r"Первый\s+канал|Россия[\s-]24|Россия[\s-]1"),
    ("IR", r"Press\s*TV|(?-i:IRNA|IRIB)|Tasnim(?:\s+News)?|Fars\s+News|Mehr\s+News|HispanTV|(?-i:Al\s*Alam)"),
    (
        "IR",
        r"صدا\s+و\s+سیما|خبرگزاری\s+جمهوری\s+اسلامی|ایرنا|خبرگزاری\s+(?:تسنیم|فارس|مهر)|پرس\s*تی\s*وی|قناة\s+العالم",
    ),
    ("VE", r"(?-i:teleSUR|TeleSUR|Telesur)(?:\s+\w+)?|Agencia\s+Venezolana\s+de\s+Noticias"),
    ("CU", r"Prensa\s+Latina|(?-i:Cubadebate|Granma)"),
    ("KP", r"(?-i:KCNA)|Korean\s+Central\s+News\s+Agency"),
    ("SY", r"(?-i:SANA)\s+News|وكالة\s+الانباء\s+السورية"),
    ("CN", r"شينخوا|وكالة\s+(?:انباء\s+)?شينخوا|(?-i:CGTN)\s+(?:ال)?عربية"),
)
_OUTLET = "(?:" + "|".join(p for _, p in _OUTLETS) + ")"
_OUTLET_COUNTRY = tuple((code, _compile(p)) for code, p in _OUTLETS)


def _stem_regex(words: str) -> re.Pattern[str]:
    """Compile ``;``-separated stems into one search: ``=`` marks a case-sensitive one, ``!`` a whole word."""
    stems = [w.strip() for w in words.split(";") if w.strip()]
    exact = [w for w in stems if w.endswith("=")]
    pattern = _trie_pattern([w for w in stems if not w.endswith("=")])
    return re.compile(f"{pattern}|(?-i:{_trie_pattern(exact)})" if exact else pattern, re.IGNORECASE)


_OUTLET_WORDS = """
cgtn; xinhua; people's daily; global times; china daily; china news service; CCTV=; china radio; china central;
china global television; CRI=; qiushi; voice of china; RT News=; RT America=; RT UK=; RT France=; RT DE=;
RT Deutsch=; RT Arabic=; RT International=; RT Documentary=; RT en Espanol=; RT на русском=; russia today; sputnik;
TASS=; ria novosti; press tv; presstv; IRNA=; IRIB=; tasnim; fars news; mehr news; hispantv; Al Alam=; AlAlam=;
telesur; agencia venezolana; prensa latina; cubadebate; granma; KCNA=; korean central; SANA=;
ТАСС=; риа новости; россия сегодня; первый канал; россия 24; россия-24; россия 1; россия-1;
صدا و سیما; خبرگزاری; ایرنا; پرس; اسپوتنیک; شینخوا; روسیا الیوم; سبوتنیک; قناة العالم; وكالة;
新华; 人民日报; 人民网; 央视; 中央电视台; 中央广播电视总台; 中国国际电视台; 中国环球电视网; 环球时报; 环球网; 中国日报;
中国新闻社; 中新; 中国国际广播电台; 国际在线; 求是; 今日俄罗斯; 塔斯社; 卫星通讯社
"""
# Cheap prefilter: a bio without any of these stems (or an outlet's name) cannot match a rule. They are narrow
# ("consul" as a whole word but not "consultant"; "state media" but not "media") because every bio that passes pays
# for the rules. No word boundaries otherwise: they are stems ("embass" for embassy and embassies).
_INSTITUTION_WORDS = """
embass; consulat; consular; consul!; ambassad; high commission; permanent mission; permanent represent; mission;
delegation; ministry; ministries; foreign affairs; external affairs; commonwealth; MFA=; spokes; state department;
charge d'affaires; envoy; government; presiden; prime minister; state council; cabinet office; state media;
state-; state run; state owned; state tv; state news; state broadcaster; state affiliated; state controlled;
state backed; state funded; state sponsored; state television; state radio; state newspaper; state outlet;
party media; party newspaper; economic and cultural; economic and trade; representative office;
embajad; consulado; mision permanente; representacion permanente; seccion consular; ministerio; canciller; vocer;
portavoz; gobierno; presidencia; estatal; del estado; afiliad; MINREX=;
representation permanente; delegation permanente; ministere; quai d'orsay; porte-parole; gouvernement; presidence;
d'etat; affilie;
посол; консул; представител; постпред; поверенн; МИД=; министерств; минобороны; МВД=; МЧС=; минцифры;
минкультуры; пресс-секретар; спикер; правительств; президент; администраци; государственн; госсми; гос сми;
госмедиа; гостелеканал; госинформагентств;
سفارت; سفیر; کنسول; کاردار; نمایندگی; نماینده دائم; وزارت; سخنگو; دولت; ریاست جمهوری; دفتر; رسانه; شبکه;
سفارة; قنصل; قائم; مندوب; بعثة; ممثلیة; وزارة; متحدث; ناطق; حكومة; رئاسة; اعلام;
驻; 大使; 领事; 外交部; 发言人; 国务院; 政府; 国防部; 商务部; 公安部; 国家安全部; 文化和旅游部; 官方媒体; 官媒;
国家媒体; 党媒; 国营媒体; 官方通讯社; 代表处; 经济文化办事处
"""
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
    # Whether the pattern reads the text with country names marked (it uses ``{_C}``) or as written.
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


# Titles that name a post and no brand or charity uses: they need no country to count.
_STRONG_MISSION = r"consulate[\s-]+general"
_STRONG_DIPLOMAT = r"(?:consul[\s-]+general|charg[eé]\s+d'affaires(?:\s+a\.\s*i\.)?)(?!\w)"
_DIPLOMAT_TITLE = (
    r"(?:deputy\s+)?(?:ambassador(?:[\s,]+extraordinary\s+and\s+plenipotentiary)?|high\s+commissioner|envoy"
    r"|(?:deputy\s+)?permanent\s+representative|(?:head|deputy\s+chief|deputy\s+head)\s+of\s+mission"
    r"|(?:honorary\s+)?consul)(?:[\s-]+designate)?(?!\w)"
)
_MFA_EN = (
    r"(?:ministry\s+of\s+(?:foreign|external)\s+affairs(?:\s+and\s+(?:international\s+)?(?:trade|cooperation))?"
    r"|foreign\s+ministry|foreign,?\s+commonwealth\s+(?:and|&)\s+development\s+office|state\s+department"
    r"|department\s+of\s+foreign\s+affairs(?:\s+and\s+trade)?)"
)
_MINISTRY_EN = (
    r"ministry\s+of\s+(?:the\s+)?(?:(?:national\s+)?defen[cs]e|(?:internal|home)\s+affairs|interior|information"
    r"|(?:foreign\s+)?trade|commerce|culture(?:\s+and\s+tourism)?|digital\s+development|emergency\s+situations"
    r"|(?:state|public)\s+security|health|education|finance|economy|justice|communications?|energy|agriculture)"
)
_MISSION_EN = r"(?:embassy|consulate(?:[\s-]+general)?|high\s+commission|(?:permanent\s+)?mission|delegation)"
_ROLE_MEDIA = (
    r"(?:reporter|correspondent|journalist|editor(?:-in-chief)?|chief\s+editor|producer|anchor|host|presenter"
    r"|columnist|commentator|bureau\s+chief|periodista|corresponsal|reporter[oa]|presentador[a]?|journaliste"
    r"|correspondante?|r[eé]dact(?:eur|rice)|pr[eé]sentat(?:eur|rice)|корреспондент\w*|журналист\w*|редактор\w*"
    r"|ведущ\w+|обозревател\w+|خبرنگار|مجری|سردبیر|مراسل(?:ة)?|مذیع(?:ة)?|صحفی(?:ة)?|محرر(?:ة)?)"
)
_MFA_ES = (
    r"(?:Ministerio\s+(?:de|del)\s+(?:Poder\s+Popular\s+para\s+)?(?:las?\s+)?(?:Relaciones|Asuntos)\s+Exteriores"
    r"(?:,?\s+Union\s+Europea\s+y\s+Cooperacion)?)"
)
_MFA_FR = r"(?:minist[eè]re\s+(?:de\s+l'Europe\s+et\s+)?des\s+Affaires\s+[eé]trang[eè]res)"
_MFA_RU = r"(?:(?-i:МИД)|министерств\w*\s+иностранных\s+дел)"
_MFA_FA = r"(?:وزارت\s+(?:امور\s+)?خارجه)"
_MFA_AR = r"(?:وزارة\s+(?:ال)?(?:شؤون\s+(?:ال)?)?خارجية(?:\s+والمغتربين|\s+والتعاون\s+الدولي)?)"
_AR = r"(?<!\w)(?:[وبل]|لل|ال)?"  # Arabic clitics: "الحساب الرسمي لسفارة ..."
_ZH_PLACE = r"[^\s，。、,.;|（(：:]{1,12}?"

# In priority order: a spokesperson of an embassy is a diplomat, not a mission.
_RULES: tuple[_Rule, ...] = (
    # -- diplomats: spokespersons, staff of a foreign ministry, ambassadors and consuls
    _rule(
        "diplomat",
        rf"spokes(?:person|man|woman)(?:'s\s+office)?\s+(?:of|for|at)\s+{_ART}(?:(?P<sender>{_C})(?:'s)?\s+)?"
        rf"(?:{_MFA_EN}|{_MISSION_EN}|government|presidency|MFA)(?:\s+of\s+{_ART}(?P<sender2>{_C}))?",
        script="latin",
    ),
    _rule(
        "diplomat",
        r"(?:deputy\s+)?(?:director(?:[\s-]general)?|counsel+or|spokes(?:person|man|woman)|head\s+of\s+division"
        r"|division\s+(?:director|chief)|(?:first|second|third)\s+secretary|attach[eé]|diplomat)\b"
        rf"[^|;\n]{{0,120}}?(?:{_MFA_EN}|(?-i:MFA)(?=\s*(?:[,;|]\s*{_C}|\s+of\s+{_C}|$))"
        r"|(?:(?-i:CPC|C\.P\.C\.?|CCP)|Communist\s+Party\s+of\s+China)\s+Central\s+Committee)"
        rf"(?:(?:\s+of|,)?\s+{_ART}(?P<sender>{_C}))?",
        negation_inside=True,
        script="latin",
    ),
    _rule(
        "diplomat",
        rf"(?:(?P<sender>{_C})(?:'s)?\s+)?(?:{_STRONG_DIPLOMAT})(?:\s+of\s+{_ART}(?P<sender2>{_C}))?",
        script="latin",
    ),
    _rule(
        "diplomat",
        rf"(?:(?P<sender>{_C})(?:'s)?\s+)?{_DIPLOMAT_TITLE}(?!'s)(?!\s+(?:for|of)\s+(?!{_ART}{_C}))"
        rf"(?:\s+of\s+{_ART}(?P<sender2>{_C}))?(?:\s+(?:to|in|at)\s+{_ART}(?P<dest>{_C}|{_IO}))?"
        r"(?!\s*(?:(?:for|with|at)\b|@))",  # "Ambassador to Kenya for @brand" is a brand's
        needs_country=True,
        script="latin",
    ),
    _rule(
        "diplomat",
        rf"(?:vocer[oa]|portavoz)\s+(?:oficial\s+)?(?:del?|de\s+la)\s+(?:{_MFA_ES}|Embajada|Canciller[ií]a|Gobierno"
        rf"|Presidencia|Mision\s+Permanente)(?:\s+(?:de|del)\s+(?:la\s+)?(?P<sender>{_C}))?",
        script="latin",
    ),
    _rule(
        "diplomat",
        r"(?:embajador(?:a)?|c[oó]nsul|encargad[oa]\s+de\s+negocios(?:\s+a\.\s*i\.)?|representante\s+permanente)(?!\w)"
        rf"(?:\s+(?P<sender3>{_C}))?(?:\s+(?:de|del)\s+(?:la\s+|el\s+)?(?P<sender>{_C}))?"
        rf"(?:\s+(?:en|ante|para)\s+(?:la\s+|el\s+|los\s+)?(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="latin",
    ),
    _rule("diplomat", r"c[oó]nsul\s+general(?!\w)", script="latin"),
    _rule(
        "diplomat",
        rf"porte-parole\s+(?:de\s+la\s+|du\s+|de\s+l'|des\s+)?(?:{_MFA_FR}|ambassade|gouvernement|Quai\s+d'Orsay)"
        rf"(?:\s+(?:de|du|d')\s*(?:la\s+|l')?(?P<sender>{_C}))?",
        script="latin",
    ),
    _rule(
        "diplomat",
        r"(?:ambassadeur|ambassadrice|consul(?:e)?|charg[eé]e?\s+d'affaires|repr[eé]sentante?\s+permanente?)(?!\w)"
        rf"(?:\s+(?P<sender3>{_C}))?(?:\s+(?:de|du|des|d')\s*(?:la\s+|l')?(?P<sender>{_C}))?"
        rf"(?:\s+(?:en|au|aux|a|aupres\s+(?:de\s+la|du|de\s+l'|des))\s*(?:la\s+|l')?(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="latin",
    ),
    _rule("diplomat", r"consul(?:e)?\s+g[eé]n[eé]ral(?:e)?(?!\w)", script="latin"),
    _rule(
        "diplomat",
        rf"(?:официальн\w+\s+представител(?!ьств)\w*|пресс-секретар\w+|спикер)\s+(?:{_MFA_RU}|посольств\w*|постпредств\w*"
        rf"|правительств\w*)(?:\s+(?P<sender>{_C}))?",
        script="cyrillic",
    ),
    _rule(
        "diplomat",
        rf"(?:(?P<sender>{_C})\s+)?(?:(?:чрезвычайн\w+\s+и\s+полномочн\w+\s+)?посол|консул|постпред"
        rf"|временн\w+\s+поверенн\w+\s+в\s+делах)(?!\w)(?:\s+(?P<sender2>{_C}))?"
        rf"(?:\s+(?:в|во|при)\s+(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="cyrillic",
    ),
    _rule(
        "diplomat",
        rf"(?:генеральн\w+\s+консул|постоянн\w+\s+представител(?!ьств)\w*)(?!\w)(?:\s+(?P<sender>{_C}))?",
        script="cyrillic",
    ),
    _rule("diplomat", rf"سخنگو(?:ی)?\s+(?:{_MFA_FA}|سفارت|دولت|نمایندگی)(?:\s+(?P<sender>{_C}))?", script="arabic"),
    _rule(
        "diplomat",
        rf"(?<!\w)(?:سفیر(?:\s+کبیر)?|کنسول(?!\s?گری)|کاردار)(?!\w)(?:\s+(?P<sender>{_C}))?"
        rf"(?:\s+(?:در|نزد|به)\s+(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="arabic",
    ),
    _rule("diplomat", rf"(?<!\w)(?:سرکنسول(?!\s?گری)|نماینده\s+دائم)(?!\w)(?:\s+(?P<sender>{_C}))?", script="arabic"),
    _rule(
        "diplomat",
        rf"{_AR}(?:متحدث|ناطق)(?:ة)?\s+(?:ال)?(?:رسمی(?:ة)?\s+)?(?:باسم\s+)?(?:ال)?(?:{_MFA_AR}|سفارة|حكومة)"
        rf"(?:\s+(?P<sender>{_C}))?",
        script="arabic",
    ),
    _rule(
        "diplomat",
        rf"{_AR}(?:سفیر(?:ة)?|قنصل|قائم\s+(?:ال)?(?:باعمال))(?!\w)(?:\s+(?P<sender>{_C}))?"
        rf"(?:\s+(?:فی|لدی|الی)\s+(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="arabic",
    ),
    _rule(
        "diplomat", rf"{_AR}(?:قنصل\s+(?:ال)?عام|مندوب\s+(?:ال)?دائم)(?!\w)(?:\s+(?P<sender>{_C}))?", script="arabic"
    ),
    _rule(
        "diplomat",
        rf"(?P<sender>{_C})?(?:外交部|驻{_ZH_PLACE}(?:大使馆|使馆|总领事馆|领事馆|使团|代表团)|国务院新闻办公室|国务院新闻办"
        r"|大使馆|使馆|政府)(?:新闻)?发言人",
        script="han",
    ),
    _rule(
        "diplomat",
        rf"(?P<sender>{_C})?(?:常)?驻(?P<dest>{_ZH_PLACE})(?:特命全权)?(?:大使|总领事|领事|代表|副代表|临时代办|公使)(?!馆|级)",
        script="han",
    ),
    _rule(
        "diplomat", rf"(?P<sender>{_C})(?:驻华)?(?:特命全权)?(?:大使|总领事)(?!馆)", needs_country=True, script="han"
    ),
    _rule("diplomat", rf"(?P<sender>{_C})?外交部长", script="han"),
    # -- missions
    _rule(
        "mission",
        rf"{_ART}(?:(?P<sender>{_C})\s+)?(?:{_STRONG_MISSION})(?:\s+of\s+{_ART}(?P<sender2>{_C}))?",
        script="latin",
    ),
    _rule(
        "mission",
        rf"(?P<sender>{_C})\s+(?:Economic\s+and\s+(?:Cultural|Trade)|Representative)\s+(?:Representative\s+)?Office",
        script="latin",
    ),
    _rule(
        "mission",
        rf"{_ART}(?:(?P<sender>{_C})(?:'s)?\s+)?(?:embass(?:y|ies)|consulate|consular\s+(?:section|office)"
        r"|high\s+commission(?!er)|permanent\s+(?:mission|representation))"
        rf"(?:\s+of\s+{_ART}(?P<sender2>{_C}))?(?:\s+(?:in|to|at)\s+{_ART}(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="latin",
    ),
    _rule(
        "mission",
        rf"{_ART}(?:(?P<sender>{_C})(?:'s)?\s+)?(?:diplomatic\s+)?(?:mission|delegation)"
        rf"(?:\s+of\s+{_ART}(?P<sender2>{_C}))?(?=\s+(?:to|in)\s+{_ART}(?:{_C}|{_IO}))",
        needs_country=True,
        script="latin",
    ),
    _rule(
        "mission",
        r"(?:(?:la\s+)?(?:embajada|consulado(?:\s+general)?|seccion\s+consular)|mision\s+permanente"
        rf"|representacion\s+permanente)(?:\s+(?P<sender3>{_C}))?(?:\s+(?:de|del)\s+(?:la\s+|los\s+|el\s+)?"
        rf"(?P<sender>{_C}))?(?:\s+(?:en|ante)\s+(?:la\s+|el\s+|los\s+)?(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="latin",
    ),
    _rule("mission", r"consulado\s+general", script="latin"),
    _rule(
        "mission",
        r"(?:ambassade|consulat(?:\s+g[eé]n[eé]ral)?|(?:mission|repr[eé]sentation|d[eé]l[eé]gation)\s+permanente)"
        rf"(?:\s+(?P<sender3>{_C}))?(?:\s+(?:de|du|des|d')\s*(?:la\s+|l')?(?P<sender>{_C}))?"
        rf"(?:\s+(?:en|au|aux|a|aupres\s+(?:de\s+la|du|de\s+l'|des))\s*(?:la\s+|l')?(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="latin",
    ),
    _rule(
        "mission",
        r"consulat\s+g[eé]n[eé]ral",
        script="latin",
    ),
    _rule(
        "mission",
        rf"(?:(?P<sender>{_C})\s+)?(?:посольств\w*|консульств\w*|генеральн\w+\s+консульств\w*|постпредств\w*"
        rf"|постоянн\w+\s+представительств\w*)(?:\s+(?P<sender2>{_C}))?(?:\s+(?:в|во|при)\s+(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="cyrillic",
    ),
    _rule(
        "mission", r"генеральн\w+\s+консульств\w*|постоянн\w+\s+представительств\w*|постпредств\w*", script="cyrillic"
    ),
    _rule(
        "mission",
        rf"(?<!\w)(?:سفارت(?:\s?خانه)?|کنسولگری|کنسول\s?گری|دفتر\s+حافظ\s+منافع)(?:\s+(?P<sender>{_C}))?"
        rf"(?:\s+(?:در|نزد)\s+(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="arabic",
    ),
    _rule("mission", rf"(?<!\w)(?:سرکنسولگری|سرکنسول\s?گری|نمایندگی\s+دائم)(?:\s+(?P<sender>{_C}))?", script="arabic"),
    _rule(
        "mission",
        rf"{_AR}(?:سفارة|قنصلیة|ممثلیة)(?:\s+(?P<sender>{_C}))?(?:\s+(?:فی|لدی)\s+(?P<dest>{_C}|{_IO}))?",
        needs_country=True,
        script="arabic",
    ),
    _rule("mission", rf"{_AR}(?:قنصلیة\s+(?:ال)?عامة|بعثة\s+(?:ال)?دائمة)(?:\s+(?P<sender>{_C}))?", script="arabic"),
    _rule(
        "mission",
        rf"(?P<sender>{_C})?(?:常)?驻(?P<dest>{_ZH_PLACE})(?:大使馆|使馆|总领事馆|领事馆|使团|代表团|{_C}经济文化办事处|{_C}代表处)",
        script="han",
    ),
    _rule("mission", rf"(?P<sender>{_C})(?:驻华)?(?:大使馆|使馆|总领事馆|领事馆)", needs_country=True, script="han"),
    # -- ministries
    _rule(
        "ministry",
        rf"{_ART}(?:(?P<sender>{_C})(?:'s)?\s+)?{_MFA_EN}(?:\s+of\s+{_ART}(?P<sender2>{_C}))?",
        script="latin",
    ),
    _rule(
        "ministry",
        rf"(?P<sender>{_C})(?:'s)?\s+(?-i:MFA)(?!\w)|(?-i:MFA)(?:\s+of)?[\s,]+{_ART}(?P<sender2>{_C}){_END}",
        script="latin",
    ),
    _rule(
        "ministry",
        rf"{_ART}(?:(?P<sender>{_C})(?:'s)?\s+)?{_MINISTRY_EN}(?:\s+and\s+[\w ]{{3,30}}?)?"
        rf"(?:\s+of\s+{_ART}(?P<sender2>{_C}))?",
        needs_country=True,
        script="latin",
    ),
    _rule("ministry", rf"(?:{_MFA_ES}|(?-i:MINREX))(?:\s+(?:de|del)\s+(?:la\s+)?(?P<sender>{_C}))?", script="latin"),
    _rule(
        "ministry",
        rf"(?:Canciller[ií]a(?:\s+(?P<sender3>{_C}))?(?:\s+(?:de|del)\s+(?:la\s+)?(?P<sender>{_C}))?"
        r"|Ministerio\s+(?:de|del)\s+(?:Poder\s+Popular\s+para\s+)?(?:la\s+|el\s+)?(?:Defensa|Interior|Cultura"
        r"|Comunicaci[oó]n(?:\s+e\s+Informaci[oó]n)?|Salud|Educaci[oó]n|Econom[ií]a|Hacienda|Justicia|Comercio)"
        rf"(?:\s+\w+){{0,3}}?\s+(?:de|del)\s+(?:la\s+)?(?P<sender2>{_C}))",
        needs_country=True,
        script="latin",
    ),
    _rule("ministry", rf"{_MFA_FR}(?:\s+(?:de|du|d')\s*(?:la\s+|l')?(?P<sender>{_C}))?", script="latin"),
    _rule("ministry", r"Quai\s+d'Orsay", country="FR", script="latin"),
    _rule("ministry", rf"(?:(?P<sender>{_C})\s+)?{_MFA_RU}(?:\s+(?P<sender2>{_C}))?", script="cyrillic"),
    _rule(
        "ministry",
        r"(?:министерств\w*\s+(?:обороны|внутренних\s+дел|культуры|цифрового\s+развития|юстиции"
        r"|по\s+чрезвычайным\s+ситуациям)|(?-i:Минобороны|МВД|МЧС|Минцифры|Минкультуры))"
        rf"\s+(?P<sender>{_C})",
        needs_country=True,
        script="cyrillic",
    ),
    _rule("ministry", rf"{_MFA_FA}(?:\s+(?P<sender>{_C}))?", script="arabic"),
    _rule(
        "ministry",
        rf"وزارت\s+(?:دفاع|کشور|فرهنگ\s+و\s+ارشاد\s+اسلامی|ارتباطات|اطلاعات)\s+(?P<sender>{_C})",
        needs_country=True,
        script="arabic",
    ),
    _rule("ministry", rf"{_AR}{_MFA_AR}(?:\s+(?P<sender>{_C}))?", script="arabic"),
    _rule(
        "ministry",
        rf"{_AR}وزارة\s+(?:ال)?(?:دفاع|داخلیة|اعلام|ثقافة)\s+(?P<sender>{_C})",
        needs_country=True,
        script="arabic",
    ),
    _rule(
        "ministry",
        rf"(?P<sender>{_C})?(?:外交部|国防部|商务部|公安部|国家安全部|文化和旅游部)(?!长|发言人)",
        script="han",
    ),
    # -- heads of state and government, their offices, and X's own label "<country> government organization"
    _rule(
        "official",
        rf"{_ART}(?:government|presidency|office\s+of\s+the\s+(?:president|prime\s+minister)|president|prime\s+minister"
        rf"|state\s+council(?:\s+information\s+office)?|cabinet\s+office)\s+of\s+{_ART}(?P<sender>{_C}){_END}",
        script="latin",
    ),
    _rule("official", rf"(?P<sender>{_C})\s+government\s+(?:official|organi[sz]ation|account|agency)", script="latin"),
    _rule(
        "official",
        rf"(?:Gobierno|Presidencia|Gouvernement|Pr[eé]sidence)\s+(?:de\s+la\s+|de\s+l'|del\s+|du\s+|de\s+|d')?"
        rf"(?P<sender>{_C}){_END}",
        script="latin",
    ),
    _rule(
        "official",
        rf"(?:Президент|Правительств\w*|Администраци\w+\s+Президента)\s+(?P<sender>{_C})",
        script="cyrillic",
    ),
    _rule(
        "official",
        rf"(?<!\w)(?:دولت|ریاست\s+جمهوری|دفتر\s+(?:رئیس\s+جمهور|مقام\s+معظم\s+رهبری))\s+(?P<sender>{_C})",
        script="arabic",
    ),
    _rule("official", rf"{_AR}(?:حكومة|رئاسة)\s+(?P<sender>{_C})", script="arabic"),
    _rule(
        "official",
        rf"(?P<sender>{_C})?(?:国务院新闻办公室|国务院新闻办|国务院)(?!发言)|(?P<sender2>{_C})政府(?!发言)",
        script="han",
    ),
    # -- state media: "<country> state(-affiliated) media" and the state outlets by name
    _rule(
        "state_media",
        rf"(?P<sender>{_C})(?:'s)?\s+(?:state|government|party)[\s-]*(?:affiliated|run|owned|controlled|backed|funded"
        r"|sponsored)?[\s-]*(?:media|news(?:\s+agency)?|broadcaster|television|tv|radio|newspaper|outlet|wire)\b",
        script="latin",
    ),
    _rule(
        "state_media",
        rf"(?:state|government)[\s-]+(?:affiliated|run|owned)\s+media(?:\s+of|,)\s+{_ART}(?P<sender>{_C})",
        script="latin",
    ),
    _rule(
        "state_media",
        r"medios?\s+(?:de\s+comunicacion\s+)?(?:estatal(?:es)?|del\s+estado|afiliad[oa]s?\s+al\s+(?:estado|gobierno))"
        rf"(?:\s+(?P<sender3>{_C})|,?\s+(?:de\s+|del\s+)?(?:la\s+)?(?P<sender>{_C}))",
        script="latin",
    ),
    _rule(
        "state_media",
        r"m[eé]dias?\s+(?:d'[eé]tat|affili[eé]s?\s+(?:a\s+(?:un|l')\s*[eé]tat|au\s+gouvernement))"
        rf"(?:\s+(?P<sender3>{_C})|,?\s+(?:de\s+|du\s+|d')?(?:la\s+|l')?(?P<sender>{_C}))",
        script="latin",
    ),
    _rule(
        "state_media",
        rf"(?:(?P<sender>{_C})\s+)?(?:государственн\w+|гос)\s*(?:СМИ|медиа|телеканал\w*|информагентств\w*)"
        rf"(?:\s+(?P<sender2>{_C}))?",
        needs_country=True,
        script="cyrillic",
    ),
    _rule(
        "state_media",
        rf"(?<!\w)(?:رسانه(?:\s+های)?|خبرگزاری|شبکه)\s+(?:دولتی|رسمی)(?:\s+(?P<sender>{_C}))",
        script="arabic",
    ),
    _rule("state_media", r"(?<!\w)رسانه\s+ملی(?!\w)", script="arabic"),
    _rule(
        "state_media",
        rf"{_AR}(?:وسائل\s+(?:ال)?اعلام|اعلام|وسیلة\s+اعلام)\s+(?:ال)?(?:رسمی|حكومی|تابع(?:ة)?\s+(?:لل)?(?:دولة|حكومة))"
        rf"(?:ة)?(?:\s+(?P<sender>{_C}))",
        script="arabic",
    ),
    _rule("state_media", rf"(?P<sender>{_C})(?:官方媒体|官媒|国家媒体|党媒|国营媒体|官方通讯社)", script="han"),
    # An outlet that calls itself "a state news agency" / "a state-run daily" without naming the state.
    _rule(
        "state_media",
        r"(?<!\w)(?:a|the|an)\s+state(?:[\s-]+(?:run|owned|controlled|affiliated|backed))?\s+"
        r"(?:news\s+agency|newspaper|daily|broadcaster|television|tv|radio|media\s+outlet|wire)\b",
    ),
    # "Official account of the embassy press office / the consulate / the spokesperson's office": the account says
    # it speaks for a mission or a ministry, though not for which state.
    _rule("mission", r"official\s+account\s+of\s+(?:the\s+)?(?:embassy|consulate)\b"),
    _rule("ministry", r"official\s+account\s+of\s+(?:the\s+)?(?:ministry\b|spokesperson)"),
    _rule(
        "state_media",
        rf"(?:{_OUTLET}(?:\s+[\w.'-]+){{0,2}}?\s+{_ROLE_MEDIA}|{_ROLE_MEDIA}\s+(?:(?:at|for|with|of|de|del|en|a|chez|в|قناة|فی|لدی)\s+|@)?{_OUTLET}"
        rf"|{_OUTLET}(?=\s*(?:$|[,.;:|()/•\-–—]|(?:official|news|english|espanol|francais|arabic|in)\b|官方|官网|微博|记者|主持人|编辑|评论员|驻)))",
        requires=_OUTLET_TRIGGER,
    ),
)

# -- where a phrase stands in the bio ----------------------------------------------------------------------------------

# A clause ends at sentence punctuation, a separator or a line break; a period after a single letter ("P.R.C.", "U.S.")
# is an abbreviation, not the end of a sentence.
_CLAUSE_BREAK = re.compile(r"[!?;|•·\n。；！？؛]|(?<![\s.][A-Za-z])(?<!^[A-Za-z])\.(?=\s|$)")

# Cues that a clause is about an institution, not spoken by it. Checked in the clause before the phrase.
_NEGATION_BEFORE = _compile(
    r"(?:(?<!\w)(?:former|formerly|ex|past|retired|previously|once|onetime|one-time|erstwhile|late"
    r"|cover(?:s|ed|ing)?|report(?:s|ed|ing|er)|journalist|correspondent|stud(?:y|ies|ied|ying)|student"
    r"|track(?:s|ed|ing|er)?|monitor(?:s|ed|ing)?|watch(?:es|ed|ing|er)?|research(?:es|ed|ing|er)?|analy[sz](?:t|ing|is|es)"
    r"|about|on|writ(?:e|es|ing)|wrote|scholar|expert|critic(?:al|izing|ising)?|fight(?:ing)?|counter(?:ing)?"
    r"|expos(?:e|ing)|debunk(?:s|ing)?|follow(?:s|ing)|observer|fan|parody|satire|unofficial|not|non|no|fellow"
    r"|professor|lecturer|author|investigat(?:e|es|ing|or)|documenting|archiving|mapping|interest(?:ed|s)"
    r"|antiguo|antigua|anterior|retirad[oa]|jubilad[oa]|periodista|reporter[oa]|corresponsal|investig\w*"
    r"|analista|estudi\w*|cubr\w*|sobre|acerca|observador[a]?|expert[oa]|critic[oa]|academic[oa]|profesor[a]?"
    r"|parodia|ancien(?:ne)?|retraite\w*|chercheu\w*|journaliste|correspondant\w*|analyste|specialiste|etudi\w*"
    r"|couvr\w*|sur|observat\w+|critique|parodie"
    r"|бывш\w*|экс|в\s+отставке|ранее|прежде|исследу\w*|исследовател\w*|изуча\w*|журналист\w*|корреспондент\w*"
    r"|аналитик\w*|эксперт\w*|обозревател\w*|пишу|пишет|о|об|про|слеж\w*|следим|наблюда\w*|критик\w*|пароди\w*"
    r"|неофициальн\w*"
    r"|سابق|اسبق|پیشین|بازنشسته|پژوهشگر|محقق|خبرنگار|روزنامه\s?نگار|تحلیلگر|کارشناس|منتقد|درباره|پژوهش\w*"
    r"|مطالعه|ناظر|طنز|هوادار|غیر\s?رسمی|دانشجو"
    r"|السابق|الاسبق|سابقا|متقاعد|باحث(?:ة)?|صحفی(?:ة)?|صحافی(?:ة)?|مراسل(?:ة)?|محلل(?:ة)?|خبیر(?:ة)?|ناقد|ادرس"
    r"|دراسة|عن|حول|مهتم|ساخر|غیر\s+رسمی)(?!\w)"
    r"|(?<!\w)ex-|研究|观察|报道|记者|学者|分析|评论|粉丝|非官方|吐槽|批评|揭露|关于|追踪|监测|曾任|曾经|退休|卸任"
    r"|(?:前|原)任?\s*$)"
)
# Cues right after the phrase: "Chinese state media watcher", "embassy-watcher", "(ret.)", "سفير ... السابق".
_NEGATION_AFTER = _compile(
    r"^[\s-]*(?:[\w'-]+\s+)?(?:researcher|analyst|watcher|tracker|observer|expert|scholar|critic|fan|parody"
    r"|alum(?:na|nus|ni)?|enthusiast|исследовател\w*|в\s+отставке|jubilad[oa]|retirad[oa]|retraite\w*)(?!\w)"
    r"|^[\s-]*(?:correspondent|reporter|journalist|writer|editor|producer|beat|columnist|blogger|podcast)(?!\w)"
    r"|^\s*\((?:ret\.?|retd\.?|retired|former|ex)\s*\)|^[\s,]*(?:retired|emeritus)\b"
    r"|^\s*(?:\S+\s+){0,2}?(?:(?:ال)?سابق|سابقا|(?:ال)?اسبق|(?:ال)?متقاعد|پیشین|بازنشسته)(?!\w)"
    r"|^\s*(?:的)?(?:研究|观察|粉丝|附近|旁边|对面)"
)
# The account names itself: the phrase opens the clause, or follows one of these.
_SELF_REFERENCE_CUE = _compile(
    r"(?:(?:official|verified|twitter|x)\s+)?(?:twitter\s+)?(?:account|page|profile|channel|handle|feed|home)\s+"
    r"(?:of|for)\s+(?:the\s+)?$"
    r"|(?<!\w)official\s+(?:\w+\s+)?$"
    r"|(?:this\s+is|we\s+are|welcome\s+to|i\s+am|i'm|(?:proud\s+to\s+)?serv(?:e|ing)\s+as|currently)\s+"
    r"(?:the\s+|an?\s+)?$"
    r"|(?:news|updates|information|views)(?:\s+\w+){0,3}\s+from\s+(?:the\s+)?$"
    r"|(?:cuenta|perfil|pagina)\s+(?:oficial\s+)?(?:de\s+la|del|de)\s+$|(?:bienvenid[oa]s?\s+a|somos)\s+(?:la\s+)?$"
    r"|(?:compte|page)\s+(?:officiel(?:le)?\s+)?(?:de\s+l'|de\s+la\s+|du\s+|de\s+|des\s+)$"
    r"|bienvenue\s+(?:a|sur\s+le\s+compte\s+de)\s+(?:l'|la\s+|le\s+)?$"
    r"|официальн\w+\s+(?:аккаунт\w*|страниц\w+|канал\w*|твиттер\w*)?\s*$|(?:аккаунт|страниц\w+|канал)\s+$"
    r"|(?:حساب|صفحه|کانال|اکانت|توییتر)\s+(?:کاربری\s+)?(?:رسمی\s+)?$|رسمی\s+$"
    r"|(?:ال)?(?:حساب|صفحة|قناة)\s+(?:ال)?رسمی(?:ة)?\s+(?:ل)?$|(?:ال)?رسمی(?:ة)?\s+$"
    r"|(?:这里是|欢迎关注|我是|本账号为|本账号是|官方账号|官方微博)[:：]?\s*$"
)
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
            if _NEGATION_BEFORE.search(before[-60:]) or _NEGATION_AFTER.search(after[:40]):
                continue
            if rule.negation_inside and _NEGATION_BEFORE.search(folded[start:end]):
                continue
            if not _names_itself(before):
                continue
            country = rule.country or _sending_country(match, countries) or _outlet_country(rule, match)
            phrase = _evidence(original, start, end + len(after))
            return SelfDeclaration(rule.kind, country or UNKNOWN_COUNTRY, phrase)
    return None


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
