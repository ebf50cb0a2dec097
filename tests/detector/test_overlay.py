"""Accepted talking points laid over a trained model's catalog: matched and recorded without retraining."""

from __future__ import annotations

from datetime import UTC, datetime

from detector.catalog import Source, TalkingPoint
from detector.overlay import OverlayEntry, overlay_catalog, with_catalog
from detector.schema import Account, Post

START = datetime(2023, 5, 3, tzinfo=UTC)
LINE = "The civilian airship drifted off course because of the weather."


def _line(line_id: str = "airship-overreaction", phrases: dict | None = None) -> TalkingPoint:
    return TalkingPoint(
        id=line_id,
        title="The airship was an accident",
        narrative="A line accepted from discovery.",
        phrases=phrases or {"en": (LINE,)},
        sources=(Source(who="PRCEmbPress", where="discovery", when="2023-05-01"),),
    )


def test_an_empty_overlay_leaves_the_catalog_and_its_version_as_they_are(catalog) -> None:
    assert overlay_catalog(catalog, [], 0) is catalog


def test_an_added_line_changes_the_catalog_version_and_a_line_the_catalog_has_is_skipped(catalog) -> None:
    added = overlay_catalog(catalog, [OverlayEntry(kind="add", talking_point=_line())], 3)
    assert added.get("airship-overreaction").phrases["en"] == (LINE,)
    assert added.catalog_version != catalog.catalog_version and added.version.endswith("-overlay.3")
    existing = OverlayEntry(kind="add", talking_point=_line("non-interference-principle"))
    assert overlay_catalog(catalog, [existing], 4) is catalog, "a model trained on the line carries it already"


def test_an_extend_entry_adds_phrases_to_an_existing_line_once(catalog) -> None:
    entry = OverlayEntry(kind="extend", talking_point=_line("stop-smearing-china", {"en": ("quit the smears",)}))
    extended = overlay_catalog(catalog, [entry, entry], 5)
    assert extended.get("stop-smearing-china").phrases["en"].count("quit the smears") == 1
    assert len(extended.talking_points) == len(catalog.talking_points)


def test_a_model_with_the_overlay_matches_the_new_line_and_the_original_model_does_not(demo_training) -> None:
    model = demo_training.model
    catalog = overlay_catalog(model.catalog, [OverlayEntry(kind="add", talking_point=_line())], 1)
    account = Account(handle="echo", posts=[Post(id="1", created_at=START, text=f"{LINE} #China")])

    overlaid = with_catalog(model, catalog)

    assert [m.talking_point_id for m in overlaid.family("narrative").match_posts(account)] == ["airship-overreaction"]
    assert model.family("narrative").match_posts(account) == [] and model.catalog is not catalog
    assert overlaid.catalog_version == catalog.catalog_version and overlaid.feature_names == model.feature_names
    assert overlaid.head is model.head, "the head is shared, not retrained"
    assert with_catalog(model, model.catalog) is model
