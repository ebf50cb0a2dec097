"""Generate the deterministic synthetic demo corpus: labeled accounts around the 2023 Canada interference debate.

Everything in it is invented by this module: handles, names, outlets, URLs (fictional domains) and text.
No real account or post is copied, and the README written next to the data says so. The corpus gives demos and
tests the cases the detector must tell apart (DESIGN.md, "Hard cases"): coordinated amplifier networks, ordinary
users (some of whom echo a talking point sincerely), reporters and researchers who quote the lines, critics who argue
against them, automated news feeds, and declared state accounts.

The words and templates are data, ``ingest/synthetic_data/*.yaml`` (loaded by ``ingest.synthetic_banks``); the roles
are built by ``ingest.synthetic_roles`` and ``ingest.synthetic_networks``. Editing a data file changes the corpus.

Same ``seed`` and ``n_accounts`` give byte-identical output: all randomness comes from one ``random.Random(seed)``,
nothing iterates over a set, and no clock is read.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from detector.schema import Account, Post, Profile
from ingest.jsonl import write_accounts
from ingest.synthetic_banks import word_banks
from ingest.synthetic_builder import Builder
from ingest.synthetic_networks import build_amplifiers
from ingest.synthetic_plan import ROLES, SPAN_END, SPAN_START, Plan
from ingest.synthetic_roles import build_critics, build_news_bots, build_ordinary, build_reporters, build_state

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
TALKING_POINT_IDS = word_banks().talking_point_ids  # every id is in the shipped catalog (tests/ingest check)

_LABEL_OF_ROLE = {"amplifier": "amplifier", "state": "state_affiliated"}
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


def _to_account(plan: Plan, index: int, used_ids: set[int]) -> Account:
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
    builder = Builder(seed)
    build_state(builder, counts["state"])
    build_reporters(builder, counts["journalist"], "journalist")
    build_reporters(builder, counts["researcher"], "researcher")
    build_critics(builder, counts["critic"])
    build_news_bots(builder, counts["news_bot"])
    build_amplifiers(builder, counts["amplifier"])
    build_ordinary(builder, counts["ordinary"])
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
