"""The bundled talking-point catalog and its loader."""

from __future__ import annotations

import pytest

from detector.catalog import load_catalog
from detector.errors import CatalogError


def test_bundled_catalog_has_at_least_20_talking_points_in_three_languages(catalog) -> None:
    assert len(catalog.talking_points) >= 20
    for tp in catalog.talking_points:
        assert {"en", "fr", "zh"} <= set(tp.phrases), tp.id
        assert all(tp.phrases[lang] for lang in ("en", "fr", "zh")), tp.id
        assert tp.sources, tp.id


def test_catalog_version_changes_when_content_changes(catalog) -> None:
    edited = catalog.model_copy(update={"talking_points": catalog.talking_points[:-1]})
    assert edited.version == catalog.version
    assert edited.catalog_version != catalog.catalog_version


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("version: '1'\ntitle: t\ntalking_points: []\n", "talking_points"),
        (":\n  - not yaml: [", "cannot read"),
        (
            "version: '1'\ntitle: t\ntalking_points:\n"
            + "  - {id: a, title: t, narrative: n, phrases: {en: [x]}, sources: [{who: w, where: w, when: '2023'}]}\n"
            * 2,
            "duplicate",
        ),
    ],
    ids=["empty", "not-yaml", "duplicate-ids"],
)
def test_invalid_catalog_is_refused_with_a_clear_error(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)
