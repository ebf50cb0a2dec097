"""What the talking-point candidate routes accept and return (``service/routes/candidates.py``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from service.db.discovery import StoredCandidate

__all__ = ["CandidateAccept", "CandidateDecisionPublic", "CandidateMerge", "CandidatePublic", "CandidatesPublic"]

_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class CandidatePublic(BaseModel):
    id: int
    status: str = Field(description="open, accepted, merged or rejected")
    fingerprint: str = Field(description="Hash of the first state post's normalized text: stable across runs.")
    phrasings: dict[str, str] = Field(description="A representative wording per language (URLs, tags removed).")
    languages: list[str]
    state_accounts: list[str]
    post_ids: list[str] = Field(description="The state accounts' posts the line was found in, oldest first.")
    first_seen_at: datetime
    spread: int = Field(
        description="Non-state accounts in the store that assert it (reports and rebuttals do not count)."
    )
    spreaders: list[str]
    median_delay_s: float | None = Field(description="Median delay from first seen to each spreader's first assertion.")
    discovered_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    talking_point_id: str | None = Field(description="The line it became (accepted) or was merged into.")

    @classmethod
    def of(cls, stored: StoredCandidate) -> CandidatePublic:
        """The stored candidate and its decision, as the API shows them."""
        return cls.model_validate({**vars(stored.candidate), **vars(stored), "languages": stored.candidate.languages})


class CandidatesPublic(BaseModel):
    since: datetime
    until: datetime
    catalog_version: str = Field(description="The catalog (overlay included) the candidates were compared with.")
    candidates: list[CandidatePublic]


class CandidateAccept(BaseModel):
    """An admin's edit of a candidate into a catalog line."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID, max_length=128, description="The new line's id (lower-case words and hyphens).")
    phrasing: dict[str, str] = Field(default_factory=dict, description="The wording per language, edited.")
    languages: list[str] = Field(min_length=1, description="The languages the line keeps phrases in.")
    title: str | None = Field(default=None, max_length=300)


class CandidateMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    talking_point_id: str = Field(pattern=_ID, max_length=128, description="The existing line to merge into.")


class CandidateDecisionPublic(BaseModel):
    candidate: CandidatePublic
    catalog_version: str | None = Field(description="The scoring catalog's version after the decision.")
