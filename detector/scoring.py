"""Score accounts with a fitted model and explain every score.

A score is only as good as the posts it rests on: below the model's ``min_posts`` the band is an honest
``insufficient_data``. The score is still given (``provisional``), because operation accounts in real archives often
have only a few posts and an analyst ranking a batch needs every account placed; an account without posts has none.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from detector.coordination import (
    CoordinatedPost,
    CoordinationIndex,
    LinkKind,
    PostTable,
    batch_links,
    link_kind,
    post_table,
)
from detector.declared import DeclaredAccount, DeclaredStateAccounts
from detector.features.content import ContentExplanation
from detector.features.narrative import PostMatch
from detector.model import AmplifierModel, coordination_matrix
from detector.post_columns import PostColumns
from detector.schema import Account
from detector.semantic_links import semantic_table

__all__ = [
    "MAX_EVIDENCE_POSTS",
    "AccountScore",
    "Evidence",
    "FeatureContribution",
    "MatchedPost",
    "PreparedBatch",
    "finish_batch",
    "finish_prepared",
    "prepare_batch",
    "score_accounts",
]

Band = Literal["high", "elevated", "low", "insufficient_data"]


class MatchedPost(BaseModel):
    """A post that matched a talking point; only ``asserted`` and ``retweet`` ones raise the narrative component."""

    model_config = ConfigDict(frozen=True)

    post_id: str
    created_at: datetime
    text: str
    talking_point_id: str
    talking_point: str
    similarity: float
    attribution: Literal["asserted", "reported", "countered", "retweet"]
    views: int | None = None  # the post's reach where the platform counts it (Telegram)
    forwards: int | None = None


class FeatureContribution(BaseModel):
    """A feature's value and its additive share of the score's log-odds (positive pushes toward amplifier)."""

    model_config = ConfigDict(frozen=True)

    feature: str
    value: float | None
    contribution: float


class CoordinatedPostPublic(BaseModel):
    """One of the account's posts and another account's post ``gap_s`` seconds apart that says the same, and why
    (``kind``: near-identical text, the same meaning reworded or translated, a repost of the same post, the same link
    or the same hashtag sequence). ``p_value``: the chance of the two accounts linking this often by coincidence,
    when tested; ``q_value``: its Benjamini-Hochberg adjustment over the account's tested peers (a model with a
    false-discovery rate counts only links at or under it; every link is shown)."""

    model_config = ConfigDict(frozen=True)

    post_id: str
    peer_handle: str
    peer_post_id: str
    gap_s: float
    similarity: float
    kind: LinkKind = "near_duplicate"
    p_value: float | None = None
    q_value: float | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _earlier_names(cls, value: object) -> object:
        """Explanations stored before the kinds were named for analysts say ``text`` and ``hashtags``."""
        return link_kind(value) if isinstance(value, str) else value


class TermContribution(BaseModel):
    """A term of the account's posts and its share of the content component's log-odds (positive: toward amplifier)."""

    model_config = ConfigDict(frozen=True)

    term: str
    contribution: float


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True)

    matched_posts: list[MatchedPost]
    n_matched_posts: int
    coordinated_posts: list[CoordinatedPostPublic] = []
    n_coordinated_posts: int = 0
    peer_accounts: list[str] = []
    top_features: list[FeatureContribution]
    first_post_at: datetime | None
    last_post_at: datetime | None
    # Why a component reads 0: it found no evidence of its kind (not "evidence of innocence").
    component_notes: dict[str, str] = {}
    # What moved the learned content score: its strongest terms, and the posts that hold most of the push up.
    content_terms: list[TermContribution] = []
    content_post_ids: list[str] = []


class AccountScore(BaseModel):
    """What parrotwatch says about one account, and why."""

    model_config = ConfigDict(frozen=True)

    handle: str
    platform: str | None = Field(
        default=None, description="The platform of the account (x, bluesky, mastodon, ...), when known."
    )
    score: float | None
    band: Band
    provisional: bool = False
    state_affiliated: bool = False
    state_affiliation: DeclaredAccount | None = None
    components: dict[str, float | None]
    evidence: Evidence
    n_posts: int
    model_version: str
    catalog_version: str
    declared_list_version: str | None = None
    account_metrics: dict[str, int] = Field(
        default_factory=dict,
        description="What the platform counts for the account beyond followers (Reddit: link_karma, comment_karma); "
        "for analysts, no component reads it.",
    )


MAX_EVIDENCE_POSTS = 10  # matched and coordinated posts shown per account
_NO_CONTENT = ContentExplanation((), ())


def _finite_or_none(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


@dataclass
class PreparedBatch:
    """What scoring needs from a batch of accounts before coordination is known.

    Everything here depends on each account alone, so batches can be prepared in other processes (or on Dask
    workers) and joined: the post table carries the signatures the cross-account coordination join needs.
    """

    handles: list[str]
    n_posts: list[int]
    first_post_at: list[datetime | None]
    last_post_at: list[datetime | None]
    matrix: np.ndarray  # the per-account families' columns
    matches: list[list[PostMatch]]  # most similar first; only the first ``evidence_limit`` when one was given
    posts: PostTable | None  # None for a model without coordination
    n_matches: list[int] | None = None  # every match's count, when ``matches`` was cut to the evidence shown
    descriptions: list[str | None] | None = None  # profile bios, for self-declared state affiliation
    content: list[ContentExplanation] | None = None  # what moved each account's content score
    platforms: list[str | None] | None = None  # each account's platform, which its score names

    def n_matched(self, row: int) -> int:
        return self.n_matches[row] if self.n_matches is not None else len(self.matches[row])

    @classmethod
    def merge(cls, batches: Sequence[PreparedBatch]) -> PreparedBatch:
        """One batch of the accounts of ``batches``, in order, for scoring once coordination is joined (the post
        tables are left out: the join has read them)."""
        if len(batches) == 1:
            return batches[0]
        return cls(
            handles=[h for b in batches for h in b.handles],
            n_posts=[n for b in batches for n in b.n_posts],
            first_post_at=[t for b in batches for t in b.first_post_at],
            last_post_at=[t for b in batches for t in b.last_post_at],
            matrix=np.vstack([b.matrix for b in batches]),
            matches=[m for b in batches for m in b.matches],
            posts=None,
            n_matches=[b.n_matched(row) for b in batches for row in range(len(b.handles))],
            descriptions=[d for b in batches for d in (b.descriptions or [None] * len(b.handles))],
            content=[c for b in batches for c in (b.content or [_NO_CONTENT] * len(b.handles))],
            platforms=[p for b in batches for p in (b.platforms or [None] * len(b.handles))],
        )


def prepare_batch(
    model: AmplifierModel,
    accounts: Sequence[Account],
    *,
    evidence_limit: int | None = None,
    columns: PostColumns | None = None,
    embed: bool = True,
) -> PreparedBatch:
    """Featurize ``accounts`` with the per-account families and match their posts to the catalog, once.

    With ``evidence_limit``, only that many matches per account are kept (the evidence an explanation shows) and
    their full count: a batch prepared in another process then travels back without every matching post.
    ``columns``: the accounts' post columns, when the caller already worked them out. ``embed``: give the post
    table the sentence vectors the model's semantic links need (False when an index links the accounts: it holds
    their vectors, and embedding a request's posts again cost about as much as the rest of a fresh score)."""
    # Every family reads the same normalized texts, signatures and times.
    columns = columns if columns is not None else PostColumns(accounts)
    narrative = model.family("narrative")  # absent in an ablation model
    matches = narrative.match_accounts(accounts, columns) if narrative is not None else [[] for _ in accounts]
    matrix = model.featurize_accounts(accounts, matches=matches if narrative is not None else None, columns=columns)
    params = getattr(model, "coordination", None)
    table = post_table(accounts, params, columns) if params is not None else None
    content = model.family("content")
    n_matches = None
    if evidence_limit is not None:
        n_matches = [len(found) for found in matches]
        matches = [found[:evidence_limit] for found in matches]
    return PreparedBatch(
        handles=[a.handle for a in accounts],
        platforms=[a.platform for a in accounts],
        n_posts=[len(a.posts) for a in accounts],
        first_post_at=columns.first_post_at(),
        last_post_at=columns.last_post_at(),
        matrix=matrix,
        matches=matches,
        posts=semantic_table(table, accounts, params) if table is not None and embed else table,
        n_matches=n_matches,
        descriptions=[a.profile.description for a in accounts],
        content=content.explain_rows(accounts, columns, content.hashed(accounts, columns)) if content else None,
    )


def score_accounts(
    model: AmplifierModel,
    accounts: Sequence[Account],
    *,
    model_version: str,
    declared: DeclaredStateAccounts | None = None,
    index: CoordinationIndex | None = None,
    max_evidence_posts: int = MAX_EVIDENCE_POSTS,
    top_features: int = 5,
    columns: PostColumns | None = None,
) -> list[AccountScore]:
    """Return one ``AccountScore`` per account, in input order.

    Accounts with fewer than ``model.min_posts`` posts get ``band="insufficient_data"`` and a ``provisional``
    score (``None`` with no posts at all). Accounts on the ``declared`` list are flagged ``state_affiliated`` with
    the entry; their score is computed all the same. Coordination is looked up in ``index`` (the service's index of
    everything it has seen); without one, within this batch. ``columns``: the accounts' ``PostColumns`` when the
    caller already made them (to add the posts to ``index`` first, say): each post is then normalized and
    MinHashed once in all, not once per step.
    """
    if not accounts:
        return []
    columns = columns if columns is not None else PostColumns(accounts)
    prepared = prepare_batch(model, accounts, columns=columns, embed=index is None)
    links = None
    if prepared.posts is not None:
        links = (
            model.coordination_links(accounts, index, columns=columns)
            if index is not None
            else batch_links(prepared.posts, model.coordination)
        )
    return finish_batch(
        model,
        prepared,
        links,
        model_version=model_version,
        declared=declared,
        max_evidence_posts=max_evidence_posts,
        top_features=top_features,
    )


def finish_batch(
    model: AmplifierModel,
    prepared: PreparedBatch,
    links: Sequence[Sequence[CoordinatedPost]] | None,
    *,
    model_version: str,
    declared: DeclaredStateAccounts | None = None,
    max_evidence_posts: int = MAX_EVIDENCE_POSTS,
    top_features: int = 5,
) -> list[AccountScore]:
    """Add the coordination columns from ``links``, score, and explain: the last stage of ``score_accounts``."""
    n = len(prepared.handles)
    if not n:
        return []
    matrix = prepared.matrix
    if links is not None:
        matrix = np.hstack([matrix, coordination_matrix(prepared.n_posts, links, model.coordination)])
    scores = model.predict_proba(matrix)
    components = model.component_scores(matrix)
    evidence_of = component_evidence(model.feature_names, matrix, components)
    contributions = model.contributions(matrix)
    strongest = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :top_features].tolist()
    titles = {tp.id: tp.title for tp in model.catalog.talking_points}
    catalog_version = model.catalog_version  # a digest of the whole catalog: once per batch, not per account

    results = []
    for row, handle in enumerate(prepared.handles):
        matches = prepared.matches[row]
        n_posts = prepared.n_posts[row]
        enough = n_posts >= model.min_posts
        has_posts = n_posts > 0
        account_links = links[row] if links is not None else []
        explained = prepared.content[row] if prepared.content is not None else _NO_CONTENT
        evidence = Evidence(
            matched_posts=[
                MatchedPost(
                    post_id=m.post.id,
                    created_at=m.post.created_at,
                    text=m.post.text,
                    talking_point_id=m.talking_point_id,
                    talking_point=titles[m.talking_point_id],
                    similarity=m.similarity,
                    attribution=m.attribution.value,
                    views=m.post.views,
                    forwards=m.post.forwards,
                )
                for m in matches[:max_evidence_posts]
            ],
            n_matched_posts=prepared.n_matched(row),
            coordinated_posts=[
                CoordinatedPostPublic(**vars(link))
                for link in sorted(account_links, key=lambda x: (x.gap_s, x.post_id))[:max_evidence_posts]
            ],
            n_coordinated_posts=len({link.post_id for link in account_links}),
            peer_accounts=sorted({link.peer_handle for link in account_links}),
            top_features=[
                FeatureContribution(
                    feature=model.feature_names[i],
                    value=_finite_or_none(matrix[row, i]),
                    contribution=round(float(contributions[row, i]), 4),
                )
                for i in strongest[row]
            ]
            if has_posts
            else [],
            first_post_at=prepared.first_post_at[row],
            last_post_at=prepared.last_post_at[row],
            component_notes={f: NO_EVIDENCE[f] for f, found in evidence_of.items() if has_posts and not found[row]},
            content_terms=[TermContribution(term=t, contribution=c) for t, c in explained.terms],
            content_post_ids=[post_id for post_id, _ in explained.posts],
        )
        score = round(float(scores[row]), 4) if has_posts else None
        description = prepared.descriptions[row] if prepared.descriptions is not None else None
        affiliation = declared.lookup(handle, description) if declared is not None else None
        results.append(
            AccountScore(
                handle=handle,
                platform=prepared.platforms[row] if prepared.platforms is not None else None,
                score=score,
                band=model.band(score) if enough and score is not None else "insufficient_data",
                provisional=score is not None and not enough,
                state_affiliated=affiliation is not None,
                state_affiliation=affiliation,
                declared_list_version=declared.list_version if declared is not None else None,
                components={
                    f: (round(float(v[row]), 4) if evidence_of[f][row] else 0.0) if has_posts else None
                    for f, v in components.items()
                },
                evidence=evidence,
                n_posts=n_posts,
                model_version=model_version,
                catalog_version=catalog_version,
            )
        )
    return results


# What each component's "no evidence" means, for the analyst reading a 0.
NO_EVIDENCE = {
    "content": "no posts to read",
    "narrative": "no post asserts or retweets a catalog talking point",
    "repetition": "no post repeats another of the account's posts",
    "coordination": "no post is near-identical to another account's within the window, or (for a model with a "
    "false-discovery rate) none of a pair of accounts that linked more often than chance",
    "behaviour": "no behaviour feature of this model applies (none learned for this platform, or none given)",
}


def component_evidence(
    feature_names: Sequence[str], matrix: np.ndarray, components: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per family, which rows have evidence of its kind; a component without any reads 0, not its base rate."""
    names = list(feature_names)

    def column(name: str) -> np.ndarray:
        return matrix[:, names.index(name)] if name in names else np.zeros(len(matrix))

    def positive(*columns: str) -> np.ndarray:
        return np.any([np.nan_to_num(column(c)) > 0 for c in columns], axis=0)

    family_known = {
        family: ~np.all(np.isnan(matrix[:, [i for i, n in enumerate(names) if n.startswith(f"{family}__")]]), axis=1)
        if any(n.startswith(f"{family}__") for n in names)
        else np.zeros(len(matrix), dtype=bool)
        for family in components
    }
    rules = {
        "narrative": lambda: positive("narrative__asserted_share"),
        "repetition": lambda: positive("repetition__near_duplicate_share", "repetition__template_share"),
        "coordination": lambda: positive(*(n for n in names if n.startswith("coordination__"))),
    }
    return {family: rules[family]() if family in rules else family_known[family] for family in components}


def finish_prepared(
    model: AmplifierModel,
    prepared: Sequence[PreparedBatch],
    *,
    model_version: str,
    declared: DeclaredStateAccounts | None = None,
    finish_accounts: int = 2000,
) -> Iterator[AccountScore]:
    """Join the coordination of batches prepared apart (other processes, Dask workers) in one pass, then finish
    each: the scores ``score_accounts`` gives the same accounts as one batch, in order."""
    links = None
    params = getattr(model, "coordination", None)
    if params is not None:
        with collector_paused():
            links = batch_links(
                PostTable.concat([batch.posts for batch in prepared if batch.posts is not None]), params
            )
    # Scored a few thousand accounts at a time: each call of the heads has a fixed cost (input checks) that a
    # hundred accounts do not repay, and explaining (occlusion) grows with the rows.
    offset = 0
    for group in _groups(prepared, finish_accounts):
        merged = PreparedBatch.merge(group)
        end = offset + len(merged.handles)
        group_links = links[offset:end] if links is not None else None
        with collector_paused():
            scores = finish_batch(model, merged, group_links, model_version=model_version, declared=declared)
        yield from scores
        offset = end


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a block that makes hundreds of thousands of objects and keeps them: its
    passes over them find nothing to free and took a fifth of the time. Nothing here makes reference cycles, and
    the collector runs again as soon as the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _groups(batches: Sequence[PreparedBatch], max_accounts: int) -> Iterator[list[PreparedBatch]]:
    group: list[PreparedBatch] = []
    size = 0
    for batch in batches:
        if group and size + len(batch.handles) > max_accounts:
            yield group
            group, size = [], 0
        group.append(batch)
        size += len(batch.handles)
    if group:
        yield group
