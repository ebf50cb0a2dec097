"""Coordinated amplifier networks: members made in a batch, posting variants of one line within minutes.

Internal to ``ingest.synthetic``. Each network has its own look (languages, handle style, openers, clients, hours,
hashtags, domains), and a few sleepers per network: older, quieter members that mostly post everyday things, which
keeps text alone from finding them.
"""

from __future__ import annotations

from ingest.synthetic_builder import Builder
from ingest.synthetic_plan import DAY_S, SPAN_S, Draft, Network, Plan, created_between, habit_time, post_count
from ingest.synthetic_words import Noise, claim_text, decorate, fill, join, person_name, random_digits, swap_word

__all__ = ["build_amplifiers"]


def build_amplifiers(b: Builder, count: int) -> None:
    """Add ``count`` amplifiers in networks, then run each network's campaign."""
    rng = b.rng
    if count <= 0:
        return
    lo = max(1, -(-count // 30))
    hi = max(lo, min(14, count // 8))
    sizes = _network_sizes(b, count, rng.randint(lo, hi))
    for index, size in enumerate(sizes, start=1):
        net = _new_network(b, f"net-{index:02d}")
        n_sleepers = min(size // 3, rng.randint(2, 6)) if size >= 4 else 0
        for k in range(size):
            net.members.append(_amplifier(b, net, sleeper=k >= size - n_sleepers))
        _run_campaign(b, net)


def _network_sizes(b: Builder, count: int, n_networks: int) -> list[int]:
    """Split ``count`` members into networks of 8 to 30 where the count allows."""
    rng = b.rng
    floor = min(8, count // n_networks)
    sizes = [floor] * n_networks
    left = count - floor * n_networks
    while left > 0:
        open_ = [i for i, s in enumerate(sizes) if s < 30] or list(range(n_networks))
        sizes[rng.choice(open_)] += 1
        left -= 1
    return sizes


def _new_network(b: Builder, name: str) -> Network:
    rng, banks = b.rng, b.banks
    lang_mode = rng.choices(("en", "zh", "mixed"), weights=(6, 2, 2))[0]
    start = rng.randint(0, SPAN_S // 3)
    shift = rng.choice((0, 0, 0, 8, 12))  # most run on Beijing office hours, some are shifted
    net = Network(
        name=name,
        lang_mode=lang_mode,
        handle_style="digits" if rng.random() < 0.7 else "plain",
        focus=tuple(rng.sample(banks.talking_point_ids, rng.randint(4, 8))),
        openers_en=tuple(rng.sample(banks.openers_en, rng.randint(3, 6))),
        closers_en=tuple(rng.sample(banks.closers_en, rng.randint(3, 6))),
        openers_zh=tuple(rng.sample(banks.openers_zh, rng.randint(3, 5))),
        closers_zh=tuple(rng.sample(banks.closers_zh, rng.randint(3, 5))),
        clients=tuple(rng.sample(banks.amp_clients, 2)),
        start=start,
        hours=tuple((h + shift) % 24 for h in range(0, 11)),
        p_default_image=rng.uniform(0.3, 0.85),
        everyday_topics=tuple(rng.sample(tuple(banks.topics_en), 5)),
        themes=tuple(rng.sample(tuple(banks.filler_en), rng.randint(2, 4))),
        tags_en=banks.amp_tags_common_en + tuple(rng.sample(banks.amp_tags_en, rng.randint(3, 6))),
        tags_zh=banks.amp_tags_common_zh + tuple(rng.sample(banks.amp_tags_zh, rng.randint(3, 5))),
        domains=tuple(rng.sample(banks.amp_domains, rng.randint(1, 3))),
    )
    b.networks.append(net)
    return net


def _amplifier(b: Builder, net: Network, *, sleeper: bool) -> Plan:
    rng, banks = b.rng, b.banks
    chinese_script = net.lang_mode != "en" and rng.random() < 0.5
    display, given, surname = person_name(rng, chinese_script=chinese_script)
    if net.handle_style == "digits" and not sleeper:
        k = rng.randint(6, 8)
        stem = rng.choice((given, given + surname, given + surname[:1], given.lower()))
        wanted = stem[: 15 - k] + random_digits(rng, k)
    else:
        wanted = rng.choice(
            (
                f"{rng.choice(banks.words)}_{rng.choice(banks.plain_suffix)}",
                f"{given}{surname}",
                f"{given.lower()}_{surname.lower()}",
                f"{rng.choice(banks.words)}{given}",
                f"{given}{rng.choice(banks.plain_suffix)}",
            )
        )
    if sleeper:
        created = created_between(rng, 2013, 2021)
        followers, share, extra = rng.randint(30, 600), rng.uniform(0.0, 0.03), rng.randint(300, 6000)
    else:
        created = net.start - int(rng.triangular(0, 150, 40) * DAY_S)
        share = 0.15 + 0.6 * rng.random() ** 1.3  # 15-75%, most nearer the low end
        followers, extra = int(80 * rng.random() ** 2), rng.randint(0, 60)
    n_posts = post_count(rng, 40, 0.8)
    bio = "" if rng.random() < 0.5 and not sleeper else fill(rng, rng.choice(banks.generic_bios + banks.ordinary_bios))
    plan = Plan(
        handle=b.handles.claim(rng, wanted),
        role="amplifier",
        network=net.name,
        display_name=display if rng.random() < 0.8 else f"{rng.choice(banks.words).title()} {rng.choice(banks.words)}",
        description=bio,
        location=rng.choice(banks.amp_locations) if rng.random() < 0.6 else None,
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
    b.plans.append(plan)
    plan.n_retweets = round(n_posts * (rng.uniform(0.02, 0.08) if sleeper else rng.uniform(0.05, 0.2)))
    plan.active_from = net.start
    plan.tp_quota = round((n_posts - plan.n_retweets) * share)
    return plan


def _run_campaign(b: Builder, net: Network) -> None:
    """Bursts: most members post variants of one line within ten minutes; the rest of their posts is filler."""
    rng, banks = b.rng, b.banks
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
            base = join(lang, rng.choice(net.openers_zh), claim_text(rng, point, lang), rng.choice(net.closers_zh))
            tags_pool = net.tags_zh
        else:
            base = join(lang, rng.choice(net.openers_en), claim_text(rng, point, lang), rng.choice(net.closers_en))
            tags_pool = net.tags_en
        start = habit_time(rng, net.start, SPAN_S - 900, net.hours)
        member_noise = Noise(
            tags=tags_pool,
            p_tags=0.8,
            emoji=banks.emoji_amp,
            p_emoji=0.7,
            domains=net.domains,
            p_url=0.4,
            p_typo=0.04,
            p_recase=0.05,
        )
        for m in crew:
            body = swap_word(rng, base, lang) if rng.random() < 0.2 else base
            mention = rng.choice(crew).handle if rng.random() < 0.1 else None
            text, tags, urls = decorate(rng, body, lang, member_noise, mention=mention)
            client = rng.choice(net.clients) if rng.random() < 0.1 else m.client
            m.drafts.append(
                Draft(
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
            m.drafts.append(_filler(b, m, net))


def _filler(b: Builder, plan: Plan, net: Network) -> Draft:
    rng, banks = b.rng, b.banks
    lang = net.lang_mode if net.lang_mode != "mixed" else rng.choice(("en", "zh"))
    at = habit_time(rng, net.start, SPAN_S, net.hours)
    # Sleepers and the subtler networks blend in with everyday posts; the rest post stock pleasantries.
    blend = 1.0 if plan.is_sleeper else 0.7 if net.handle_style == "plain" else 0.4
    if rng.random() < blend:
        if plan.is_sleeper and rng.random() < 0.5:
            lang = "en"  # sleepers pose as bilingual locals whatever the network's language
        return b.everyday(plan, lang, net.everyday_topics, net.hours, net.start)
    bank = banks.filler_zh if lang == "zh" else banks.filler_en
    body = fill(rng, rng.choice(bank[rng.choice(net.themes)]))
    noise = Noise(emoji=banks.emoji_amp + banks.emoji_casual, p_emoji=0.5, domains=net.domains, p_url=0.1, p_typo=0.03)
    text, tags, urls = decorate(rng, body, lang, noise)
    return Draft(at=at, text=text, lang=lang, client=plan.client, hashtags=tags, urls=urls)
