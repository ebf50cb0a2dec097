"""The curated, versioned catalog of state talking points that narrative matching compares posts with.

The catalog is data (the folder ``catalog/talking_points/``: ``catalog.yaml`` with its version, title and languages,
and the talking points in the folder's other files), not code: analysts edit it, and every score records the
catalog version it was made with. ``catalog_version`` joins the human version with a digest of the content, so an
edit that forgets to bump ``version`` still yields a different version string.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from detector.errors import CatalogError

__all__ = ["DEFAULT_CATALOG_PATH", "Source", "TalkingPoint", "TalkingPointCatalog", "load_catalog"]

DEFAULT_CATALOG_PATH = Path(__file__).with_name("catalog") / "talking_points"
_HEADER = "catalog.yaml"


class Source(BaseModel):
    """Who voiced a talking point, where and when."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    who: str
    where: str
    when: str
    note: str | None = None


class TalkingPoint(BaseModel):
    """One state line: our paraphrase of it, and short characteristic phrases per language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str
    narrative: str
    phrases: dict[str, tuple[str, ...]]
    sources: tuple[Source, ...] = Field(min_length=1)

    @field_validator("phrases")
    @classmethod
    def _has_phrases(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if not any(value.values()):
            raise ValueError("a talking point needs at least one phrase")
        return value


# Digests by catalog object: a catalog is frozen, so its digest never changes, and a copy (``model_copy``) is
# another object. The reference kept beside each digest keeps the object, and so its id, alive. Not a
# ``cached_property``: ``model_copy(update=...)`` would carry the cached value into the changed copy.
_DIGESTS: dict[int, tuple[TalkingPointCatalog, str]] = {}
_MAX_DIGESTS = 16
_DIGESTS_LOCK = threading.Lock()


class TalkingPointCatalog(BaseModel):
    """A versioned set of talking points with unique ids."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    title: str
    description: str = ""
    languages: tuple[str, ...] = ()
    talking_points: tuple[TalkingPoint, ...] = Field(min_length=1)

    @field_validator("talking_points")
    @classmethod
    def _unique_ids(cls, value: tuple[TalkingPoint, ...]) -> tuple[TalkingPoint, ...]:
        ids = [tp.id for tp in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate talking-point ids: {', '.join(duplicates)}")
        return value

    @property
    def digest(self) -> str:
        """sha256 of the catalog's canonical JSON form, computed once per catalog object (every score asks)."""
        known = _DIGESTS.get(id(self))
        if known is not None and known[0] is self:
            return known[1]
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        with _DIGESTS_LOCK:
            _DIGESTS[id(self)] = (self, digest)
            while len(_DIGESTS) > _MAX_DIGESTS:
                del _DIGESTS[next(iter(_DIGESTS))]
        return digest

    @property
    def catalog_version(self) -> str:
        """``<version>+<first 8 hex of digest>``: what scores and model cards record."""
        return f"{self.version}+{self.digest[:8]}"

    def get(self, talking_point_id: str) -> TalkingPoint:
        for tp in self.talking_points:
            if tp.id == talking_point_id:
                return tp
        raise KeyError(talking_point_id)


def load_catalog(path: Path | None = None) -> TalkingPointCatalog:
    """Read and validate a catalog (the bundled one by default); raise ``CatalogError`` if invalid.

    ``path`` is one YAML file holding the whole catalog, or a folder as the bundled one is: ``catalog.yaml`` with
    everything but the talking points, whose lists are in the folder's other ``*.yaml`` files, read in name order
    (so that no file grows past a few hundred lines)."""
    path = Path(path) if path is not None else DEFAULT_CATALOG_PATH
    data = _read_folder(path) if path.is_dir() else _read_yaml(path, path)
    try:
        return TalkingPointCatalog.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CatalogError(f"invalid talking-point catalog {path}: {where}: {first['msg']}") from exc


def _read_yaml(file: Path, catalog: Path) -> object:
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read talking-point catalog {catalog}: {exc}") from exc


def _read_folder(folder: Path) -> object:
    def refused(why: str) -> CatalogError:
        return CatalogError(f"invalid talking-point catalog {folder}: {why}")

    header = _read_yaml(folder / _HEADER, folder)
    if not isinstance(header, dict) or "talking_points" in header:
        raise refused(f"{_HEADER} must be a mapping without talking_points")
    points: list[object] = []
    for part in sorted(p for p in folder.glob("*.yaml") if p.name != _HEADER):
        data = _read_yaml(part, folder)
        if (
            not isinstance(data, dict)
            or list(data) != ["talking_points"]
            or not isinstance(data["talking_points"], list)
        ):
            raise refused(f"{part.name} must hold only a talking_points list")
        points.extend(data["talking_points"])
    return {**header, "talking_points": points}
