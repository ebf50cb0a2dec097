"""Discovery's candidates under concurrent writers: a refresh never rewrites a candidate an admin just decided."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from detector.discovery import Candidate
from ingest.database import open_database
from service.db.discovery import decide_candidate, list_candidates, save_candidates

WORDING = "the harbour airship programme is a gift of friendship to every coastal town"
LINE = Candidate(
    fingerprint="e" * 16,
    phrasings={"en": WORDING},
    phrases={"en": (WORDING,)},
    state_accounts=("state_outlet",),
    post_ids=("p1",),
    first_seen_at=datetime(2023, 5, 1, tzinfo=UTC),
    spread=3,
    spreaders=("a", "b", "c"),
    median_delay_s=3600.0,
)


def test_a_candidate_rejected_during_a_refresh_keeps_what_the_admin_decided_on(head_database_url: str) -> None:
    if not head_database_url.startswith("postgresql"):
        pytest.skip("on SQLite a write after a stale read fails as locked: only PostgreSQL lets it through")
    engine, admin = open_database(head_database_url), open_database(head_database_url)
    try:
        save_candidates(engine, [LINE])
        (stored,) = list_candidates(engine)

        def decided_meanwhile(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("UPDATE TALKING_POINT_CANDIDATES") and not decided:
                decided.append(decide_candidate(admin, stored.id, status="rejected", decided_by="ana"))

        decided: list[object] = []
        event.listen(engine, "before_cursor_execute", decided_meanwhile)
        save_candidates(engine, [dataclasses.replace(LINE, spread=9, spreaders=tuple("abcdefghi"))])

        (after,) = list_candidates(engine, status=None)
        assert decided and after.status == "rejected" and after.candidate.spread == 3
    finally:
        engine.dispose()
        admin.dispose()
