"""Discovery's candidates under concurrent writers: a refresh never rewrites a candidate an admin just decided."""

from __future__ import annotations

import pytest
from discovery_corpus import stored_line_candidate
from sqlalchemy import event

from ingest.database import open_database
from service.db.discovery import decide_candidate, list_candidates, save_candidates

WORDING = "the harbour airship programme is a gift of friendship to every coastal town"
LINE = stored_line_candidate("e" * 16, WORDING)


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
        save_candidates(engine, [stored_line_candidate("e" * 16, WORDING, spread=9)])

        (after,) = list_candidates(engine, status=None)
        assert decided and after.status == "rejected" and after.candidate.spread == 3
    finally:
        engine.dispose()
        admin.dispose()
