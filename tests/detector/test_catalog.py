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


def test_the_bundled_folder_reads_as_one_file_holding_the_same_catalog(catalog, tmp_path) -> None:
    """The bundled catalog is a folder (no file past a few hundred lines); written out whole, it is the same
    catalog, with the same version and digest."""
    import yaml

    whole = tmp_path / "whole.yaml"
    whole.write_text(yaml.safe_dump(catalog.model_dump(mode="json", exclude_none=True), allow_unicode=True))
    assert load_catalog(whole).catalog_version == catalog.catalog_version
    assert [tp.id for tp in load_catalog(whole).talking_points] == [tp.id for tp in catalog.talking_points]


LINE = "  - {id: a, title: t, narrative: n, phrases: {en: [x]}, sources: [{who: w, where: w, when: '2023'}]}\n"


def test_a_folder_catalog_reads_its_parts_in_name_order(tmp_path) -> None:
    (tmp_path / "catalog.yaml").write_text("version: '1'\ntitle: t\n")
    (tmp_path / "2-later.yaml").write_text("talking_points:\n" + LINE.replace("id: a", "id: b"))
    (tmp_path / "1-first.yaml").write_text("talking_points:\n" + LINE)
    assert [tp.id for tp in load_catalog(tmp_path).talking_points] == ["a", "b"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"catalog.yaml": "version: '1'\ntitle: t\ntalking_points: []\n"}, "catalog.yaml must be a mapping without"),
        ({"catalog.yaml": "version: '1'\ntitle: t\n", "1-a.yaml": "version: '2'\n"}, "1-a.yaml must hold only"),
        ({"catalog.yaml": "version: '1'\ntitle: t\n", "1-a.yaml": "talking_points: {a: 1}\n"}, "1-a.yaml must hold"),
        ({"1-a.yaml": "talking_points:\n" + LINE}, "cannot read"),
        ({"catalog.yaml": "version: '1'\ntitle: t\n"}, "talking_points"),
    ],
    ids=["points-in-header", "part-with-other-keys", "part-not-a-list", "no-header", "no-points"],
)
def test_a_folder_catalog_that_is_not_laid_out_as_the_bundled_one_is_refused_naming_the_file(
    tmp_path, files: dict[str, str], message: str
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(tmp_path)
