"""Score accounts with a fitted model and explain every score.

A score is only as good as the posts it rests on: below the model's ``min_posts`` the result is an honest
``insufficient_data`` band with ``score=None``, while the matched posts are still shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from detector.coordination import CoordinationIndex
from detector.declared import DeclaredAccount, DeclaredStateAccounts
from detector.model import AmplifierModel
from detector.schema import Account

__all__ = ["AccountScore", "Evidence", "FeatureContribution", "MatchedPost", "score_accounts"]

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


class FeatureContribution(BaseModel):
    """A feature's value and its additive share of the score's log-odds (positive pushes toward amplifier)."""

    model_config = ConfigDict(frozen=True)

    feature: str
    value: float | None
    contribution: float


class CoordinatedPostPublic(BaseModel):
    """One of the account's posts and a near-identical post by another account, ``gap_s`` seconds apart."""

    model_config = ConfigDict(frozen=True)

    post_id: str
    peer_handle: str
    peer_post_id: str
    gap_s: float
    similarity: float


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


class AccountScore(BaseModel):
    """What parrotwatch says about one account, and why."""

    model_config = ConfigDict(frozen=True)

    handle: str
    score: float | None
    band: Band
    state_affiliated: bool = False
    state_affiliation: DeclaredAccount | None = None
    components: dict[str, float | None]
    evidence: Evidence
    n_posts: int
    model_version: str
    catalog_version: str
    declared_list_version: str | None = None


def _finite_or_none(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def score_accounts(
    model: AmplifierModel,
    accounts: Sequence[Account],
    *,
    model_version: str,
    declared: DeclaredStateAccounts | None = None,
    index: CoordinationIndex | None = None,
    max_evidence_posts: int = 10,
    top_features: int = 5,
) -> list[AccountScore]:
    """Return one ``AccountScore`` per account, in input order.

    Accounts with fewer than ``model.min_posts`` posts get ``band="insufficient_data"``, ``score=None`` and no
    components; they are still featurized so their matched posts appear as evidence. Accounts on the ``declared``
    list are flagged ``state_affiliated`` with the entry; their score is computed all the same. Coordination is
    looked up in ``index`` (the service's index of everything it has seen); without one, within this batch.
    """
    if not accounts:
        return []
    links = model.coordination_links(accounts, index)
    matrix = model.featurize(accounts, links=links)
    scores = model.predict_proba(matrix)
    components = model.component_scores(matrix)
    contributions = model.contributions(matrix)
    narrative = model.features.named_transformers["narrative"]
    titles = {tp.id: tp.title for tp in model.catalog.talking_points}

    results = []
    for row, account in enumerate(accounts):
        matches = narrative.match_posts(account)
        enough = len(account.posts) >= model.min_posts
        order = np.argsort(-np.abs(contributions[row]), kind="stable")[:top_features]
        times = [p.created_at for p in account.posts]
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
                )
                for m in matches[:max_evidence_posts]
            ],
            n_matched_posts=len(matches),
            coordinated_posts=[
                CoordinatedPostPublic(**vars(link))
                for link in sorted(links[row], key=lambda x: (x.gap_s, x.post_id))[:max_evidence_posts]
            ]
            if links is not None
            else [],
            n_coordinated_posts=len({link.post_id for link in links[row]}) if links is not None else 0,
            peer_accounts=sorted({link.peer_handle for link in links[row]}) if links is not None else [],
            top_features=[
                FeatureContribution(
                    feature=model.feature_names[i],
                    value=_finite_or_none(matrix[row, i]),
                    contribution=round(float(contributions[row, i]), 4),
                )
                for i in order
            ]
            if enough
            else [],
            first_post_at=min(times, default=None),
            last_post_at=max(times, default=None),
        )
        score = round(float(scores[row]), 4) if enough else None
        affiliation = declared.lookup(account.handle) if declared is not None else None
        results.append(
            AccountScore(
                handle=account.handle,
                score=score,
                band=model.band(score) if score is not None else "insufficient_data",
                state_affiliated=affiliation is not None,
                state_affiliation=affiliation,
                declared_list_version=declared.list_version if declared is not None else None,
                components={f: round(float(v[row]), 4) if enough else None for f, v in components.items()},
                evidence=evidence,
                n_posts=len(account.posts),
                model_version=model_version,
                catalog_version=model.catalog_version,
            )
        )
    return results
