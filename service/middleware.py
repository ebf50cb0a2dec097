"""Request plumbing around every route: body size limit, request ids and logs, latency metrics, the audit log."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.db.audit import record_audit
from service.errors import RequestTooLargeError
from service.problems import MEDIA_TYPE, problem_for

__all__ = ["BodySizeLimit", "observe_request", "route_template"]

logger = logging.getLogger(__name__)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodySizeLimit:
    """Refuse bodies over ``max_bytes`` with a 413 problem: by ``Content-Length`` before reading, else (a chunked
    body) as soon as the count passes the limit; the app then sees the client gone and its own answer is dropped."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        refused = started = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes and not started:
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # The app failed reading the body it was cut off from; the 413 has been sent.
            logger.info("request body over the limit", extra={"limit": self.max_bytes, "path": scope.get("path")})

    async def _refuse(self, send: Send) -> None:
        status, slug, title = problem_for(RequestTooLargeError(self.max_bytes))
        body = json.dumps(
            {
                "type": f"/problems/{slug}",
                "title": title,
                "status": status,
                "detail": f"request body over {self.max_bytes} bytes",
                "limit": self.max_bytes,
            }
        ).encode()
        headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def route_template(request: Request) -> str:
    """The matched route as a template (``/v1/jobs/{job_id}``), so metrics do not get a label per job or handle.

    Rebuilt from the URL and the path parameters, since a route nested in included routers knows only its own part.
    """
    if request.scope.get("route") is None:
        return "unmatched"
    names = {str(value): name for name, value in request.path_params.items()}
    return "/".join(
        f"{{{names[unquote(part)]}}}" if unquote(part) in names else part for part in request.url.path.split("/")
    )


async def observe_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Give the request an id, log it, time it by route template, and audit it when it writes."""
    rid = request.headers.get("x-request-id") or uuid.uuid4().hex
    started = time.perf_counter()
    response = await call_next(request)
    duration_s = time.perf_counter() - started
    response.headers["x-request-id"] = rid
    template = route_template(request)
    state = getattr(request.app.state, "service", None)
    if state is not None:
        state.metrics.request_duration.labels(request.method, template, str(response.status_code)).observe(duration_s)
    principal = getattr(request.state, "principal", None)
    logger.info(
        "request",
        extra={
            "request_id": rid,
            "method": request.method,
            "path": request.url.path,
            "status": response.status_code,
            "duration_ms": round(duration_s * 1000, 1),
            "key_id": principal.key_id if principal else None,
        },
    )
    if state is not None and principal is not None and request.method in WRITE_METHODS:
        await run_in_threadpool(
            record_audit,
            state.engine,
            action=f"{request.method} {template}",
            target=getattr(request.state, "audit_target", None) or request.url.path,
            key_id=principal.key_id,
            key_name=principal.name,
            status=response.status_code,
            request_id=rid,
        )
    return response
