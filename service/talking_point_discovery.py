"""Talking-point discovery and curation, once for the API and the CLI: run discovery over the store, keep the
candidates, and turn an admin's decision into an overlay entry.

Discovery reads the store, so it works the same on accounts imported from files and on accounts fetched live. The
catalog it compares with is the one scoring uses (the model's, or the configured file, with the overlay laid over
it), so an accepted line is not proposed again; rejected lines are passed as known lines for the same reason.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine

from detector.catalog import Source, TalkingPoint, TalkingPointCatalog
from detector.declared import DeclaredStateAccounts
from detector.discovery import Candidate, discover
from detector.embeddings import embeddings_available, load_embedder
from detector.overlay import OverlayEntry, overlay_catalog
from ingest.store import AccountStore
from service.db.discovery import (
    StoredCandidate,
    decide_candidate,
    get_candidate,
    list_candidates,
    overlay_entries,
    rejected_lines,
    save_candidates,
)
from service.errors import (
    CandidateDecidedError,
    InvalidCatalogEditError,
    TalkingPointExistsError,
    TalkingPointNotFoundError,
)

__all__ = [
    "DEFAULT_WINDOW",
    "accept_candidate",
    "merge_candidate",
    "parse_window",
    "reject_candidate",
    "run_discovery",
    "with_overlay",
]

logger = logging.getLogger(__name__)

DEFAULT_WINDOW = "14d"
_WINDOW = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_window(text: str) -> timedelta:
    """``"14d"``, ``"36h"`` or ``"90m"`` as a duration; ``ValueError`` naming the form otherwise."""
    found = _WINDOW.match(text)
    if found is None or int(found.group(1)) == 0:
        raise ValueError(f"a window is a positive number of days, hours or minutes (14d, 36h, 90m), got {text!r}")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def with_overlay(engine: Engine, base: TalkingPointCatalog) -> TalkingPointCatalog:
    """``base`` with the stored overlay laid over it."""
    revision, entries = overlay_entries(engine)
    return overlay_catalog(base, entries, revision)


def run_discovery(
    engine: Engine,
    store: AccountStore,
    declared: DeclaredStateAccounts,
    catalog: TalkingPointCatalog,
    *,
    since: datetime,
    until: datetime,
) -> list[StoredCandidate]:
    """Discover over the store's posts of ``[since, until)``, keep the candidates, and return the open ones found, by
    spread (``catalog``: the scoring catalog, overlay included)."""
    started = time.perf_counter()
    state_accounts, others = [], []
    for account in store.accounts_posting_between(since, until):
        is_state = declared.lookup(account.handle, account.profile.description) is not None
        (state_accounts if is_state else others).append(account)
    embedder = load_embedder("use-m3") if embeddings_available() else None
    found = discover(
        state_accounts,
        others,
        catalog,
        since=since,
        until=until,
        embedder=embedder,
        known=rejected_lines(engine),
    )
    save_candidates(engine, found)
    fingerprints = {c.fingerprint for c in found}
    result = [s for s in list_candidates(engine, limit=100_000) if s.candidate.fingerprint in fingerprints]
    logger.info(
        "talking-point discovery",
        extra={
            "n_state_accounts": len(state_accounts),
            "n_candidates": len(result),
            "duration_ms": round((time.perf_counter() - started) * 1000),
        },
    )
    return result


def _sources(candidate: Candidate) -> tuple[Source, ...]:
    who = ", ".join(candidate.state_accounts[:3]) + (" and others" if len(candidate.state_accounts) > 3 else "")
    return (
        Source(
            who=who, where="declared state accounts' posts (discovery)", when=candidate.first_seen_at.date().isoformat()
        ),
    )


def _entry(kind: str, line: TalkingPoint) -> OverlayEntry:
    return OverlayEntry(kind=kind, talking_point=line)


def _open(engine: Engine, candidate_id: int) -> StoredCandidate:
    stored = get_candidate(engine, candidate_id)
    if stored.status != "open":
        raise CandidateDecidedError(candidate_id, stored.status)
    return stored


def accept_candidate(
    engine: Engine,
    catalog: TalkingPointCatalog,
    candidate_id: int,
    *,
    talking_point_id: str,
    phrasing: Mapping[str, str],
    languages: Sequence[str],
    title: str | None,
    decided_by: str | None,
) -> StoredCandidate:
    """Accept an open candidate as a new line ``talking_point_id`` of ``catalog`` (the scoring catalog).

    Its phrases in each of ``languages`` are the admin's ``phrasing`` there (when given), then the wordings the
    state accounts used. Raises ``CandidateNotFoundError``, ``CandidateDecidedError``, ``TalkingPointExistsError``
    (the id is taken) or ``InvalidCatalogEditError`` (a language without any wording, a bad id)."""
    stored = _open(engine, candidate_id)
    if any(tp.id == talking_point_id for tp in catalog.talking_points):
        raise TalkingPointExistsError(talking_point_id)
    candidate = stored.candidate
    phrases = _phrases(candidate, phrasing, languages)
    first = phrases[languages[0]][0]
    try:
        line = TalkingPoint(
            id=talking_point_id,
            title=title or phrasing.get("en") or candidate.phrasings.get("en") or first,
            narrative=f"Proposed by discovery from declared state accounts' posts first seen "
            f"{candidate.first_seen_at.date().isoformat()}; accepted by an admin.",
            phrases=phrases,
            sources=_sources(candidate),
        )
    except ValueError as exc:
        raise InvalidCatalogEditError(f"the accepted line is invalid: {exc}") from exc
    return decide_candidate(engine, candidate_id, status="accepted", decided_by=decided_by, entry=_entry("add", line))


def _phrases(candidate: Candidate, phrasing: Mapping[str, str], languages: Sequence[str]) -> dict[str, tuple[str, ...]]:
    if not languages:
        raise InvalidCatalogEditError("name at least one language for the line")
    phrases = {}
    for lang in languages:
        wordings = tuple(
            dict.fromkeys(p for p in (phrasing.get(lang, "").strip(), *candidate.phrases.get(lang, ())) if p)
        )
        if not wordings:
            raise InvalidCatalogEditError(f"no phrasing in {lang!r}: give one, or leave the language out")
        phrases[lang] = wordings
    return phrases


def merge_candidate(
    engine: Engine, catalog: TalkingPointCatalog, candidate_id: int, *, talking_point_id: str, decided_by: str | None
) -> StoredCandidate:
    """Merge an open candidate into the existing line ``talking_point_id``: its wordings become that line's phrases.
    Raises ``CandidateNotFoundError``, ``CandidateDecidedError`` or ``TalkingPointNotFoundError``."""
    stored = _open(engine, candidate_id)
    try:
        target = catalog.get(talking_point_id)
    except KeyError:
        raise TalkingPointNotFoundError(talking_point_id) from None
    line = target.model_copy(update={"phrases": stored.candidate.phrases})
    return decide_candidate(engine, candidate_id, status="merged", decided_by=decided_by, entry=_entry("extend", line))


def reject_candidate(engine: Engine, candidate_id: int, *, decided_by: str | None) -> StoredCandidate:
    """Reject an open candidate: it is not proposed again, nor is a line that matches it."""
    return decide_candidate(engine, candidate_id, status="rejected", decided_by=decided_by)
