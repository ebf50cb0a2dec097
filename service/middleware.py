"""Request plumbing around every route: body size limit, request ids and logs, latency metrics, the audit log."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from service.state import ServiceState

from service.db.audit import audit_row, insert_audit, record_audit
from service.errors import KeyRateLimitedError, RequestTooLargeError
from service.problems import MEDIA_TYPE, problem_for

__all__ = ["AuditInTransaction", "BodySizeLimit", "ObserveRequests", "route_template"]

logger = logging.getLogger(__name__)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Refusals are audited whatever the method: no or a bad key (401), a role that may not (403); a row of another
# owner (a 404 like any unknown id, marked ``out_of_scope`` by the error handler) is audited too.
REFUSALS = frozenset({401, 403})


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


def route_template(scope: Scope) -> str:
    """The matched route as a template (``/v1/jobs/{job_id}``), so metrics do not get a label per job or handle.

    Rebuilt from the URL and the path parameters, since a route nested in included routers knows only its own part.
    """
    if scope.get("route") is None:
        return "unmatched"
    names = {str(value): name for name, value in scope.get("path_params", {}).items()}
    return "/".join(
        f"{{{names[unquote(part)]}}}" if unquote(part) in names else part for part in scope["path"].split("/")
    )


class ObserveRequests:
    """Give each request an id, log it, time it by route template, and audit it when it writes or is refused.

    Plain ASGI rather than ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` runs every request
    through an extra task and memory streams, a measurable share of a cached score's cost. The audit row is written
    when the response starts, before the client sees a byte of it, so a write the client saw succeed is audited; a
    route that writes anyway may write it in its own transaction instead (``AuditInTransaction``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"x-request-id")
        rid = header.decode("latin-1") if header else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid  # for an audit row the route writes itself
        started = time.perf_counter()

        async def observed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode("latin-1"))]
                await self._observe(scope, message["status"], rid, time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, observed_send)

    async def _observe(self, scope: Scope, status: int, rid: str, duration_s: float) -> None:
        template = route_template(scope)
        app_state = scope["app"].state if "app" in scope else None
        service = getattr(app_state, "service", None)
        request_state = scope.get("state", {})
        method = scope["method"]
        if service is not None:
            service.metrics.request_duration.labels(method, template, str(status)).observe(duration_s)
        principal = request_state.get("principal")
        logger.info(
            "request",
            extra={
                "request_id": rid,
                "method": method,
                "path": scope["path"],
                "status": status,
                "duration_ms": round(duration_s * 1000, 1),
                "key_id": principal.key_id if principal else None,
            },
        )
        out_of_scope = request_state.get("out_of_scope")
        refused = status in REFUSALS or out_of_scope is not None
        if service is not None and principal is None and status == 401 and not _audit_budget(service, scope):
            service.metrics.keyless_refusals_unaudited.inc()
            return
        if request_state.get("audited_status") == status:  # the route wrote this row in its own transaction
            return
        if service is not None and (refused or (principal is not None and method in WRITE_METHODS)):
            await run_in_threadpool(record_audit, service.engine, **_audit_fields(scope, status))


def _audit_fields(scope: Scope, status: int) -> dict[str, Any]:
    """The audit row of this request answered with ``status`` (``service.db.audit.audit_row``'s fields)."""
    request_state = scope.get("state", {})
    principal = request_state.get("principal")
    return {
        "action": f"{scope['method']} {route_template(scope)}",
        "target": request_state.get("out_of_scope") or request_state.get("audit_target") or scope["path"],
        "key_id": principal.key_id if principal else None,
        "key_name": principal.name if principal else None,
        "status": status,
        "request_id": request_state.get("request_id"),
    }


class AuditInTransaction:
    """A write request's audit row, written by the route in the transaction of its own writes, as the answer the
    route gives when it returns (``status``): one commit for a cached score instead of two, and no second thread
    hand-off. Once that is committed the middleware writes no row of its own; should the answer be another (the
    response failed after all), it still writes one with the real status."""

    def __init__(self, scope: Scope, status: int = 200) -> None:
        self.scope = scope
        self.status = status

    def write(self, conn: Connection) -> None:
        insert_audit(conn, audit_row(**_audit_fields(self.scope, self.status)))

    def committed(self) -> None:
        self.scope.setdefault("state", {})["audited_status"] = self.status


def _audit_budget(service: ServiceState, scope: Scope) -> bool:
    """Whether a keyless refusal from this client address may still be audited this minute."""
    client = scope.get("client")
    try:
        service.keyless_refusal_audit.take(client[0] if client else "unknown")
    except KeyRateLimitedError:
        return False
    return True
