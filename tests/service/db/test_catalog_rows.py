"""Catalog edits stored at the same moment: each builds on the other's version, none is lost."""

from __future__ import annotations

import threading

from sqlalchemy import event

from detector.catalog import TalkingPoint, TalkingPointCatalog, load_catalog
from ingest.database import open_database
from service.db.catalog import CatalogVersion, edit_catalog, latest_catalog


def _adding(point_id: str):  # type: ignore[no-untyped-def]
    def edit(current: CatalogVersion) -> tuple[TalkingPointCatalog, str]:
        template = current.catalog.talking_points[0]
        point = TalkingPoint.model_validate({**template.model_dump(), "id": point_id})
        n = len(current.catalog.talking_points)
        version = f"{current.catalog.version.partition('-edit.')[0]}-edit.{n}"
        catalog = TalkingPointCatalog.model_validate(
            {
                **current.catalog.model_dump(),
                "version": version,
                "talking_points": [*current.catalog.talking_points, point],
            }
        )
        return catalog, f"add {point_id}"

    return edit


def test_two_admins_editing_at_once_both_keep_their_change(head_database_url: str) -> None:
    engine = open_database(head_database_url)
    bundled = load_catalog()
    second = threading.Thread(target=edit_catalog, args=(engine, bundled, _adding("second-line")), kwargs={
        "created_by": "second"})  # fmt: skip

    def while_the_first_is_stored(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO CATALOG_VERSIONS") and second.ident is None:
            second.start()
            second.join(0.5)  # it waits for the first edit; it used to read the same version and store its own

    event.listen(engine, "before_cursor_execute", while_the_first_is_stored)
    try:
        edit_catalog(engine, bundled, _adding("first-line"), created_by="first")
        second.join(30)

        latest = latest_catalog(engine, bundled)
        ids = {point.id for point in latest.catalog.talking_points}
        assert {"first-line", "second-line"} <= ids, "neither admin's change is lost"
        assert latest.change == "add second-line" and latest.id == 2
    finally:
        engine.dispose()
