"""Discovery's candidates under concurrent writers: a refresh never rewrites a candidate an admin just decided, and
two accepts never add one new line twice."""

from __future__ import annotations

import pytest
from discovery_corpus import stored_line_candidate
from sqlalchemy import event

from detector.catalog import load_catalog
from ingest.database import open_database
from service.db.discovery import decide_candidate, list_candidates, overlay_entries, save_candidates
from service.errors import TalkingPointExistsError
from service.talking_point_discovery import accept_candidate

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


def test_two_accepts_of_one_new_id_at_once_add_it_once_and_refuse_the_second(head_database_url: str) -> None:
    """Both accepts checked the catalog before either wrote; the one that writes second is refused (409) and its
    candidate stays open, rather than a second line under the id that the overlay would silently drop."""
    engine, other_admin = open_database(head_database_url), open_database(head_database_url)
    try:
        save_candidates(
            engine, [LINE, stored_line_candidate("f" * 16, "airships over the harbour are only weather balloons")]
        )
        first, second = sorted(list_candidates(engine), key=lambda stored: stored.id)
        catalog = load_catalog()  # what both requests checked the new id against

        def accepted_meanwhile(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("UPDATE TALKING_POINT_CANDIDATES") and not meanwhile:
                meanwhile.append(accept_candidate(other_admin, catalog, second.id, **edit, decided_by="bo"))

        edit = {"talking_point_id": "harbour-airships", "phrasing": {}, "languages": ["en"], "title": None}
        meanwhile: list[object] = []
        event.listen(engine, "before_cursor_execute", accepted_meanwhile)
        with pytest.raises(TalkingPointExistsError):
            accept_candidate(engine, catalog, first.id, **edit, decided_by="ana")

        _, entries = overlay_entries(engine)
        assert meanwhile and [entry.talking_point.id for entry in entries] == ["harbour-airships"]
        statuses = {stored.id: stored.status for stored in list_candidates(engine, status=None)}
        assert statuses == {first.id: "open", second.id: "accepted"}
    finally:
        engine.dispose()
        other_admin.dispose()
