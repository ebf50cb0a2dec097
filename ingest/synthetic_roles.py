"""The accounts around the coordinated networks: declared state accounts, reporters and researchers who quote the
lines, critics who argue with them, automated feeds, and ordinary users (a few of whom echo a line sincerely).

Internal to ``ingest.synthetic``; each ``build_*`` adds ``count`` accounts to a ``Builder``. The order of random
draws is part of the corpus: moving one changes every account after it.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ingest.synthetic_builder import Builder
from ingest.synthetic_plan import (
    DAY_S,
    SPAN_S,
    SPAN_START,
    Draft,
    Plan,
    clamp_s,
    created_between,
    habit_time,
    local_hours,
    post_count,
)
from ingest.synthetic_words import (
    NUMBERS,
    Noise,
    claim_text,
    decorate,
    fake_url,
    fill,
    human_client,
    lower_first,
    person_name,
    random_digits,
)

__all__ = ["build_critics", "build_news_bots", "build_ordinary", "build_reporters", "build_state"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul")

# -- declared state accounts ---------------------------------------------------------------------------------------


def build_state(b: Builder, count: int) -> None:
    rng, banks = b.rng, b.banks
    names = [(base, "", display, bio, loc) for base, display, bio, loc in banks.state_bases]
    extra = [
        (base + suffix, suffix, f"{display} · {label}", bio, loc)
        for base, display, bio, loc in banks.state_bases
        for suffix, label in banks.state_suffixes
    ]
    rng.shuffle(extra)
    names += extra
    for i in range(count):
        handle, suffix, display, bio, location = names[i % len(names)]
        lang_zh = 1.0 if suffix == "ZH" else 0.0 if suffix == "EN" else 0.25
        plan = Plan(
            handle=b.handles.claim(rng, handle),
            role="state",
            network=None,
            display_name=display,
            description=bio,
            location=location,
            created=created_between(rng, 2009, 2019),
            followers=int(rng.lognormvariate(11.0, 1.0)),
            following=rng.randint(10, 600),
            verified=True,
            default_image=False,
            client=rng.choice(("Twitter Web App", "Newsroom Publisher")),
            n_posts=post_count(rng, 70, 0.4, 30, 160),
            extra_statuses=rng.randint(2_000, 40_000),
        )
        b.plans.append(plan)
        plan.n_retweets = round(plan.n_posts * 0.12)
        hours = tuple((h - 8) % 24 for h in range(8, 22))  # Beijing office hours, in UTC
        noise = Noise(
            tags=banks.state_tags,
            p_tags=0.4,
            emoji=("🇨🇳", "🇨🇦", "🤝"),
            p_emoji=0.15,
            domains=banks.state_domains,
            p_url=0.35,
        )
        for _ in range(plan.n_posts - plan.n_retweets):
            lang = "zh" if rng.random() < lang_zh else "en"
            at = habit_time(rng, 0, SPAN_S, hours)
            if rng.random() < 0.55:
                point = rng.choice(banks.talking_point_ids)
                frame = rng.choice(banks.state_zh_frames if lang == "zh" else banks.state_en_frames)
                body = frame.format(claim=claim_text(rng, point, lang))
            else:
                body = fill(rng, rng.choice(banks.state_other_zh if lang == "zh" else banks.state_other_en))
            text, tags, urls = decorate(rng, body, lang, noise)
            plan.drafts.append(Draft(at=at, text=text, lang=lang, client=plan.client, hashtags=tags, urls=urls))


# -- reporters and researchers -------------------------------------------------------------------------------------


def build_reporters(b: Builder, count: int, role: str) -> None:
    rng, banks = b.rng, b.banks
    for _ in range(count):
        chinese = rng.random() < (0.15 if role == "journalist" else 0.08)
        display, given, surname = person_name(rng, chinese_script=chinese)
        if chinese:
            outlet = rng.choice(banks.outlets_zh)
            bio = f"《{outlet}》记者，报道加拿大政治与社区新闻" if role == "journalist" else "研究员，关注虚假信息"
            wanted = f"{given}{rng.choice(banks.surnames)}" + rng.choice(("News", "Reports", "_zh", ""))
        elif role == "journalist":
            outlet = rng.choice(banks.outlets)
            beat = rng.choice(("national security", "federal politics", "diaspora communities", "foreign affairs"))
            bio = f"Reporter at {outlet}. Covering {beat}. DMs open."
            wanted = rng.choice(
                (f"{given}{surname}", f"{given}_{surname}", f"{given[0]}{surname}Reports", f"{surname}{given}")
            )
        else:
            lab = rng.choice(banks.labs)
            bio = f"Researcher, {lab}. Influence operations, platforms, elections."
            wanted = rng.choice((f"{given}{surname}", f"Dr{surname}{given[0]}", f"{given[0]}_{surname}_osint"))
        journalist = role == "journalist"
        plan = Plan(
            handle=b.handles.claim(rng, wanted),
            role=role,
            network=None,
            display_name=display,
            description=bio,
            location=rng.choice(("Ottawa", "Toronto, Ontario", "Vancouver, BC", "Montréal, QC", None)),
            created=created_between(rng, 2008, 2018),
            followers=int(rng.lognormvariate(8.6 if journalist else 7.8, 0.9)),
            following=rng.randint(300, 3000),
            verified=rng.random() < (0.6 if journalist else 0.3),
            default_image=False,
            client=rng.choice(("Twitter Web App", "Twitter for iPhone", "Twitter Web App")),
            n_posts=post_count(rng, 55 if journalist else 35, 0.5, 12, 200),
            extra_statuses=rng.randint(1_000, 30_000),
        )
        b.plans.append(plan)
        plan.n_retweets = round(plan.n_posts * rng.uniform(0.1, 0.25))
        hours = local_hours(rng, rng.choice((-5, -8, -4)), 7, 23)
        noise = Noise(
            tags=banks.news_tags,
            p_tags=0.35,
            emoji=("🧵", "👇", "📌"),
            p_emoji=0.08,
            domains=banks.news_domains,
            p_url=0.45,
            p_typo=0.02,
        )
        lang = "zh" if chinese else "en"
        p_report = rng.uniform(0.3, 0.5)
        for _ in range(plan.n_posts - plan.n_retweets):
            at = habit_time(rng, 0, SPAN_S, hours)
            roll = rng.random()
            if roll < 0.06 and journalist:
                plan.drafts.append(_quote(b, plan, at))
                continue
            if roll < 0.14:
                plan.drafts.append(b.reply(plan, lang, at))
                continue
            if rng.random() < p_report:
                body = _report(b, lang, role)
            elif lang == "zh":
                body = fill(rng, rng.choice(banks.journalist_other_zh))
            else:
                body = fill(rng, rng.choice(banks.journalist_other if journalist else banks.researcher_other))
            text, tags, urls = decorate(rng, body, lang, noise)
            plan.drafts.append(
                Draft(at=at, text=text, lang=lang, client=b.other_client(plan), hashtags=tags, urls=urls)
            )


def _report(b: Builder, lang: str, role: str) -> str:
    rng, banks = b.rng, b.banks
    point = rng.choice(banks.talking_point_ids)
    line = banks.lines[point]
    if lang == "zh":
        frames = banks.report_zh if role == "journalist" else banks.research_zh
        return fill(rng, rng.choice(frames), {"gist": line.gist_zh, "claim": claim_text(rng, point, "zh")})
    frames = banks.report_en if role == "journalist" else banks.research_en
    return fill(
        rng, rng.choice(frames), {"gist": line.gist_en, "claim": claim_text(rng, point, "en"), "short": line.short}
    )


def _quote(b: Builder, plan: Plan, at: int) -> Draft:
    rng, banks = b.rng, b.banks
    states = [p.handle for p in b.plans if p.role == "state"] or ["PRCEmbPress"]
    url = f"https://x.example.com/{rng.choice(states)}/status/{rng.randrange(10**17, 10**18)}"
    text = f"{rng.choice(banks.quote_comments)} {url}"
    return Draft(at=at, text=text, lang="en", client=plan.client, urls=(url,), is_quote=True)


# -- critics -------------------------------------------------------------------------------------------------------


def build_critics(b: Builder, count: int) -> None:
    rng, banks = b.rng, b.banks
    for _ in range(count):
        chinese = rng.random() < 0.2
        display, given, surname = person_name(rng, chinese_script=chinese and rng.random() < 0.5)
        wanted = rng.choice(
            (
                f"{given}{surname}",
                f"{given}_{surname[:1]}",
                f"{given}{surname[:1]}{rng.randint(1, 99)}",
                f"free{given}",
                f"{given}InCanada",
            )
        )
        plan = Plan(
            handle=b.handles.claim(rng, wanted),
            role="critic",
            network=None,
            display_name=display,
            description=fill(rng, rng.choice(banks.critic_bios)),
            location=rng.choice(banks.canada_locations) if rng.random() < 0.7 else None,
            created=created_between(rng, 2010, 2021),
            followers=int(rng.lognormvariate(7.0, 1.2)),
            following=int(rng.lognormvariate(6.2, 0.8)),
            verified=rng.random() < 0.05,
            default_image=False,
            client=human_client(rng),
            n_posts=post_count(rng, 40, 0.6),
            extra_statuses=rng.randint(200, 20_000),
        )
        b.plans.append(plan)
        plan.n_retweets = round(plan.n_posts * rng.uniform(0.1, 0.3))
        hours = local_hours(rng, rng.choice((-5, -8, -7)), 7, 23)
        noise = Noise(
            tags=banks.critic_tags,
            p_tags=0.35,
            emoji=("🤔", "🙄", "👀", "✊"),
            p_emoji=0.2,
            domains=banks.news_domains,
            p_url=0.15,
            p_typo=0.04,
            p_recase=0.04,
        )
        p_rebut = rng.uniform(0.25, 0.55)
        topics = rng.sample(tuple(banks.topics_en), 4)
        for _ in range(plan.n_posts - plan.n_retweets):
            lang = "zh" if chinese and rng.random() < 0.6 else "en"
            if rng.random() < p_rebut:
                at = habit_time(rng, 0, SPAN_S, hours)
                point = rng.choice(banks.talking_point_ids)
                line = banks.lines[point]
                parts = {"claim": claim_text(rng, point, lang), "short": line.short}
                if lang == "zh":
                    parts |= {"gist": line.gist_zh, "rebut": rng.choice(banks.rebuttals_zh)}
                    body = fill(rng, rng.choice(banks.critic_zh), parts)
                else:
                    parts |= {"gist": line.gist_en, "rebut": rng.choice(banks.rebuttals_en)}
                    body = fill(rng, rng.choice(banks.critic_en), parts)
                text, tags, urls = decorate(rng, body, lang, noise)
                plan.drafts.append(
                    Draft(at=at, text=text, lang=lang, client=b.other_client(plan), hashtags=tags, urls=urls)
                )
            elif rng.random() < 0.3:
                at = habit_time(rng, 0, SPAN_S, hours)
                text, tags, urls = decorate(rng, fill(rng, rng.choice(banks.critic_other)), "en", noise)
                plan.drafts.append(
                    Draft(at=at, text=text, lang="en", client=b.other_client(plan), hashtags=tags, urls=urls)
                )
            else:
                plan.drafts.append(b.everyday(plan, lang, topics, hours, 0))


# -- automated feeds -----------------------------------------------------------------------------------------------


def build_news_bots(b: Builder, count: int) -> None:
    rng, banks = b.rng, b.banks
    for i in range(count):
        kind = banks.bot_kinds[i % len(banks.bot_kinds)]
        city = rng.choice(banks.slots["city"])
        short_city = re.sub(r"[^A-Za-z]", "", city)[:8]
        wanted = {
            "weather": short_city + rng.choice(("Weather", "Wx", "Forecast")),
            "headlines": rng.choice(("CdnHeadlines", "NewsNorthFeed", "DailyBrief")) + str(rng.randint(1, 99)),
            "deals": rng.choice(("DealsNorth", "BargainBot", "SaleAlertsCA")) + str(rng.randint(1, 99)),
            "transit": short_city + rng.choice(("Transit", "TransitBot", "Commute")),
        }[kind]
        plan = Plan(
            handle=b.handles.claim(rng, wanted),
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
            created=created_between(rng, 2012, 2021),
            followers=int(rng.lognormvariate(7.5, 1.0)),
            following=rng.randint(0, 40),
            verified=False,
            default_image=rng.random() < 0.1,
            client=rng.choice(banks.bot_clients),
            n_posts=rng.randint(100, 200),
            extra_statuses=rng.randint(5_000, 60_000),
        )
        b.plans.append(plan)
        step = SPAN_S // plan.n_posts
        phase = rng.randrange(step)
        for k in range(plan.n_posts):
            at = clamp_s(phase + k * step + rng.randint(0, 90))
            day = SPAN_START + timedelta(seconds=at)
            date = f"{_MONTHS[day.month - 1]} {day.day}"
            url = fake_url(rng, rng.choice(banks.bot_domains_of(kind)))
            if kind == "weather":
                hi = NUMBERS["hi"](rng)
                cond = rng.choice(banks.slots["cond"])
                text = f"{city} weather {date}: {cond}, high {hi}°C, low {hi - rng.randint(4, 12)}°C. {url}"
                tags: tuple[str, ...] = (f"{short_city}Weather",)
            elif kind == "headlines":
                text = f"{rng.choice(banks.outlets)} | {rng.choice(banks.slots['headline'])} {url}"
                tags = ("cdnpoli",) if rng.random() < 0.3 else ()
            elif kind == "deals":
                text = (
                    f"🔥 Deal: {rng.choice(banks.slots['item'])} {NUMBERS['pct'](rng)}% off, now "
                    f"${rng.randint(19, 499)}.99 {url}"
                )
                tags = ("deals",)
            else:
                text = (
                    f"Service alert {date}: delays on Line {NUMBERS['line'](rng)} due to "
                    f"{rng.choice(banks.slots['reason'])}. Updates: {url}"
                )
                tags = ()
            text = text + "".join(" #" + t for t in tags)
            plan.drafts.append(Draft(at=at, text=text, lang="en", client=plan.client, hashtags=tags, urls=(url,)))


# -- ordinary users ------------------------------------------------------------------------------------------------


def build_ordinary(b: Builder, count: int) -> None:
    rng, banks = b.rng, b.banks
    topic_names = tuple(banks.topics_en)
    for _ in range(count):
        lang = rng.choices(("en", "fr", "zh"), weights=(75, 10, 15))[0]
        display, given, surname = person_name(rng, chinese_script=lang == "zh" and rng.random() < 0.6)
        young = rng.random() < 0.12
        if young or rng.random() < 0.06:
            k = rng.randint(6, 8)
            wanted = (given + surname)[: 15 - k] + random_digits(rng, k)
        else:
            wanted = rng.choice(
                (
                    f"{given}_{surname}",
                    f"{given}{surname}",
                    f"{given[0]}{surname}".lower(),
                    f"{rng.choice(banks.words)}{rng.choice(banks.plain_suffix)}{rng.randint(1, 99)}",
                    f"{given}{rng.randint(70, 99)}",
                    f"{rng.choice(banks.words)}_{given.lower()}",
                    f"{given}{surname[:1]}",
                )
            )
        created = (
            int(-rng.uniform(0, 150) * DAY_S + rng.uniform(0, 0.5) * SPAN_S)
            if young
            else created_between(rng, 2008, 2022)
        )
        plan = Plan(
            handle=b.handles.claim(rng, wanted),
            role="ordinary",
            network=None,
            display_name=display,
            description=fill(rng, rng.choice(banks.ordinary_bios)) if rng.random() < 0.75 else "",
            location=rng.choice(banks.canada_locations) if rng.random() < 0.65 else None,
            created=created,
            followers=int(rng.lognormvariate(4.8, 1.4)),
            following=int(rng.lognormvariate(5.4, 1.0)),
            verified=rng.random() < 0.01,
            default_image=rng.random() < (0.3 if young else 0.05),
            client=human_client(rng),
            n_posts=post_count(rng, 33, 0.95),
            extra_statuses=rng.randint(0, 400) if young else rng.randint(50, 15_000),
        )
        b.plans.append(plan)
        plan.n_retweets = round(plan.n_posts * rng.uniform(0.0, 0.3))
        hours = local_hours(rng, rng.choice((-5, -5, -5, -8, -8, -7, -6, -4)), rng.randint(6, 9), 23)
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
            plan.drafts.append(_echo(b, plan, "zh" if lang == "zh" else "en", hours, lo))
        for _ in range(n_own - len(plan.drafts)):
            post_lang = lang if rng.random() < 0.85 else "en"
            plan.drafts.append(b.everyday(plan, post_lang, topics, hours, lo))


def _echo(b: Builder, plan: Plan, lang: str, hours: tuple[int, ...], lo: int) -> Draft:
    """A sincere, one-off repetition of a talking point in a person's own framing."""
    rng, banks = b.rng, b.banks
    point = rng.choice(banks.talking_point_ids)
    claim = claim_text(rng, point, lang)
    body = fill(
        rng,
        rng.choice(banks.echo_zh if lang == "zh" else banks.echo_en),
        {"claim": claim, "claim_lc": lower_first(claim)},
    )
    noise = Noise(tags=("China", "Canada", "cdnpoli"), p_tags=0.2, emoji=banks.emoji_casual, p_emoji=0.2, p_typo=0.05)
    text, tags, urls = decorate(rng, body, lang, noise)
    at = habit_time(rng, lo, SPAN_S, hours)
    return Draft(at=at, text=text, lang=lang, client=b.other_client(plan), hashtags=tags, urls=urls)
