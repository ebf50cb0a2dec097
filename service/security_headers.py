"""Security headers on every response: the page, the docs, the JSON API and its error problems alike.

A browser that opens any URL of the service (a problem, a CSV export, ``/metrics``) must not sniff it into HTML,
frame it, or send its URL elsewhere. The default Content-Security-Policy allows scripts, styles and calls only from
this origin (no CDN, no inline script): the analyst page runs under it as it is. A response may carry its own,
stricter or looser, policy (the docs pages do: ``service/routes/docs.py``); every other header is always set.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "SecurityHeaders", "content_security_policy"]

_DEFAULT_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def content_security_policy(**overrides: str) -> str:
    """The default policy with some directives replaced or added (``script_src=...`` for ``script-src``)."""
    directives = {**_DEFAULT_DIRECTIVES, **{name.replace("_", "-"): value for name, value in overrides.items()}}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = content_security_policy()

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers that predate CSP's frame-ancestors
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

_ENCODED = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
_CSP = b"content-security-policy"


def _with_security_headers(send: Send) -> Send:
    """``send`` that adds the headers to the response's start: all of ``SECURITY_HEADERS`` the app did not set, and
    the default CSP unless the app set one."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            headers += [(name, value) for name, value in _ENCODED if name not in present]
            if _CSP not in present:
                headers.append((_CSP, CONTENT_SECURITY_POLICY.encode()))
            message["headers"] = headers
        await send(message)

    return send_with_headers


class SecurityHeaders:
    """Add the security headers to every HTTP response.

    Plain ASGI, like the other middleware, so that it costs a header list per request and no extra task. A 500 from
    an unhandled error bypasses all middleware (Starlette renders it outermost): ``service/problems.py`` adds the
    same headers there.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, _with_security_headers(send) if scope["type"] == "http" else send)
