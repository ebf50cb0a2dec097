"""The analyst page: one server-rendered HTML page; its script calls the JSON API with the analyst's key.

The page itself needs no key (a browser cannot send a bearer token on navigation): it shows only what the model
card says in plain words, and every account's data comes from the API, which checks the key. It runs under the
default Content-Security-Policy (``service/security_headers.py``): scripts, styles and calls only from this origin,
no inline script, so account text cannot run as code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from detector.errors import DetectorError
from service.deps import StateDep

__all__ = ["STATIC_DIR", "ModelSummary", "router"]

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=WEB_DIR / "templates")
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class BandFigure:
    """A band's lower threshold and what it gave on held-out accounts."""

    name: str
    threshold: float
    precision: float | None
    recall: float | None


@dataclass(frozen=True)
class ModelSummary:
    """What the page says about the serving model; read leniently, since older cards may lack a field."""

    version: str
    created_at: str | None = None
    catalog_version: str | None = None
    min_posts: int | None = None
    bands: list[BandFigure] = field(default_factory=list)
    held_out: dict[str, Any] = field(default_factory=dict)
    held_out_networks: list[str] = field(default_factory=list)

    @classmethod
    def from_card(cls, version: str, card: dict[str, Any]) -> ModelSummary:
        held_out = card.get("metrics", {}).get("held_out", {}) or {}
        per_band = held_out.get("bands", {}) or {}
        thresholds = card.get("thresholds", {}) or {}
        bands = [
            BandFigure(
                name=name,
                threshold=float(threshold),
                precision=per_band.get(name, {}).get("precision"),
                recall=per_band.get(name, {}).get("recall"),
            )
            for name, threshold in sorted(thresholds.items(), key=lambda item: -float(item[1]))
        ]
        return cls(
            version=version,
            created_at=card.get("created_at"),
            catalog_version=card.get("catalog_version"),
            min_posts=card.get("min_posts"),
            bands=bands,
            held_out={k: v for k, v in held_out.items() if k != "bands"},
            held_out_networks=list(card.get("split", {}).get("positive_groups_test", []) or []),
        )

    def threshold(self, band: str) -> float | None:
        return next((b.threshold for b in self.bands if b.name == band), None)


@cache
def asset_version() -> str:
    """A digest of the static files, appended to their URLs so a browser never runs a stale script."""
    digest = hashlib.sha256()
    for path in sorted(p for p in STATIC_DIR.rglob("*") if p.is_file()):  # vendored libraries in folders too
        digest.update(path.relative_to(STATIC_DIR).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:12]


@router.get("/", response_class=HTMLResponse)
def analyst_page(request: Request, state: StateDep) -> HTMLResponse:
    """Render the page with the active model's card; without a model the page still loads and says why."""
    try:
        loaded = state.require_model()
        model: ModelSummary | None = ModelSummary.from_card(loaded.version, loaded.card)
        model_problem = None
    except DetectorError as exc:
        model, model_problem = None, str(exc)
    response = templates.TemplateResponse(
        request,
        "index.html",
        {
            "model": model,
            "model_problem": model_problem,
            "max_handles": state.settings.max_handles_per_request,
            "asset_version": asset_version(),
        },
    )
    response.headers["Cache-Control"] = "no-store"
    return response
