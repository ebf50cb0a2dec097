"""The state of one synthetic generation run, and what every role shares: replies, everyday posts and retweets.

Internal to ``ingest.synthetic``. The role builders (``ingest.synthetic_roles``, ``ingest.synthetic_networks``) add
accounts to a ``Builder`` in a fixed order, then ``add_retweets`` draws every retweet from the originals that exist.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from ingest.synthetic_banks import word_banks
from ingest.synthetic_plan import ROLES, SPAN_S, Draft, Handles, Network, Plan, clamp_s, habit_time
from ingest.synthetic_words import Noise, decorate, fill, human_client, join, lower_first

__all__ = ["Builder"]


class Builder:
    """Holds the shared state of one generation run: the random stream, the handles and every account's plan."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.handles = Handles()
        self.plans: list[Plan] = []
        self.networks: list[Network] = []
        self.banks = word_banks()

    # -- shared helpers ----------------------------------------------------------------------------------------------

    def other_client(self, plan: Plan) -> str:
        """The account's usual client, or now and then another app a person might use."""
        return plan.client if self.rng.random() < 0.85 else human_client(self.rng)

    def _someone(self, exclude: str) -> str:
        pick = self.rng.choice(self.handles.claimed)
        return pick if pick != exclude else self.handles.claimed[0]

    def reply(self, plan: Plan, lang: str, at: int) -> Draft:
        """A short reply to a random account, in ``lang``."""
        banks = self.banks
        bank = banks.replies_zh if lang == "zh" else banks.replies_fr if lang == "fr" else banks.replies_en
        text = f"@{self._someone(plan.handle)} {self.rng.choice(bank)}"
        return Draft(at=at, text=text, lang=lang, client=self.other_client(plan), is_reply=True)

    def everyday(self, plan: Plan, lang: str, topics: Sequence[str], hours: tuple[int, ...], lo: int) -> Draft:
        """An everyday post (or one reply in ten) at one of the account's usual hours, not before ``lo``."""
        rng, banks = self.rng, self.banks
        at = habit_time(rng, lo, SPAN_S, hours)
        if rng.random() < 0.1:
            return self.reply(plan, lang, at)
        if lang == "zh":
            body, tags = fill(rng, rng.choice(banks.everyday_zh)), ("加拿大", "生活", "多伦多")
        elif lang == "fr":
            body, tags = fill(rng, rng.choice(banks.topics_fr)), ("polcan", "qc", "Montréal")
        else:
            topic = rng.choice(topics)
            prefix, template = rng.choice(banks.prefixes_en), rng.choice(banks.topics_en[topic])
            body = fill(rng, lower_first(template) if prefix else template)
            body = join(lang, prefix, body, rng.choice(banks.suffixes_en))
            tags = banks.topic_tags[topic]
        noise = Noise(
            tags=tags,
            p_tags=0.2,
            emoji=banks.emoji_casual,
            p_emoji=0.3,
            domains=banks.everyday_domains,
            p_url=0.06,
            p_typo=0.06,
            p_recase=0.08,
        )
        text, hashtags, urls = decorate(rng, body, lang, noise)
        return Draft(at=at, text=text, lang=lang, client=self.other_client(plan), hashtags=hashtags, urls=urls)

    # -- retweets, once every original exists ------------------------------------------------------------------------

    def add_retweets(self) -> None:
        """Give every account its retweets; sources are original posts, so no ``RT @a: RT @b:`` chains appear."""
        rng = self.rng
        originals: dict[str, list[tuple[str, Draft]]] = {role: [] for role in ROLES}
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

    def _retweet(self, plan: Plan, src_handle: str, src: Draft, delay: int) -> Draft:
        # An account can retweet an older post, but never before it started posting.
        at = clamp_s(max(src.at, plan.active_from) + delay)
        return Draft(
            at=at,
            text=f"RT @{src_handle}: {src.text}",
            lang=src.lang,
            client=plan.client,
            hashtags=src.hashtags,
            urls=src.urls,
            is_retweet=True,
        )
