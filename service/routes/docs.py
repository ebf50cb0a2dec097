"""The API docs with no network: Swagger UI at ``/docs`` and ReDoc at ``/redoc``, from files in the installed package.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so they were blank on a machine without internet. The
``fastapi-offline`` package (MIT) ships both bundles (Swagger UI 5, ReDoc 2) and a favicon; ``create_app`` mounts
its folder at ``ASSETS_URL`` and these routes build FastAPI's pages pointing there. Each page has its own
Content-Security-Policy: its inline start-up script is allowed by hash, not by ``'unsafe-inline'``; ReDoc also
needs inline styles (it styles its components at run time) and a ``blob:`` worker (its search index).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from service.security_headers import content_security_policy

__all__ = ["ASSETS_DIR", "ASSETS_URL", "router"]

ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/docs-assets"
router = APIRouter(include_in_schema=False)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _with_policy(page: HTMLResponse, **directives: str) -> HTMLResponse:
    """Set the page's CSP: the default one, its inline scripts allowed by their sha256, and ``directives``."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(bytes(page.body).decode())
    ]
    page.headers["Content-Security-Policy"] = content_security_policy(
        script_src=" ".join(["'self'", *hashes]), **directives
    )
    return page


def _url(request: Request, path: str) -> str:
    """``path`` under the app's root path (set when a proxy serves the app under a prefix)."""
    return f"{request.scope.get('root_path', '')}{path}"


def _page(request: Request, name: str) -> dict[str, str]:
    """What both pages are given alike: the OpenAPI document's URL and the title."""
    return {"openapi_url": _url(request, request.app.openapi_url), "title": f"{request.app.title} - {name}"}


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI: every operation, tried out with the key given to "Authorize"."""
    page = get_swagger_ui_html(
        **_page(request, "Swagger UI"),
        swagger_js_url=_url(request, f"{ASSETS_URL}/swagger-ui-bundle.js"),
        swagger_css_url=_url(request, f"{ASSETS_URL}/swagger-ui.css"),
        swagger_favicon_url=_url(request, f"{ASSETS_URL}/favicon.png"),
        swagger_ui_parameters={"validatorUrl": None},  # no badge from the public validator: a call off this origin
    )
    return _with_policy(page)


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc: the same OpenAPI document as one reference page."""
    page = get_redoc_html(
        **_page(request, "ReDoc"),
        redoc_js_url=_url(request, f"{ASSETS_URL}/redoc.standalone.js"),
        redoc_favicon_url=_url(request, f"{ASSETS_URL}/favicon.png"),
        with_google_fonts=False,
    )
    # ReDoc's footer shows Redocly's logo from their CDN: refused by this policy before any request, and hidden.
    return _with_policy(page, style_src="'self' 'unsafe-inline'", worker_src="'self' blob:")
