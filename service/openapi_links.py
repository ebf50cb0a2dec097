"""OpenAPI links: which response field feeds which operation's path parameter (e.g. a new job's id -> its status).

They document how the API's operations chain, and let stateful fuzzers (schemathesis) follow them. All links are
declared here, keyed by the source operation and response status, and are added to the schema FastAPI generates
(once: ``install_links`` wraps ``app.openapi``, which caches). Targets are named by method and path, and written as
the operationId FastAPI generated for them, so a renamed route function cannot leave a dangling link; a link that
does not fit the schema (unknown operation, status or path parameter) raises ``ValueError`` when the schema is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

__all__ = ["LINKS", "Link", "add_links", "install_links"]


@dataclass(frozen=True)
class Link:
    """A link named ``name`` to the operation ``method path``, its parameters given by runtime expressions."""

    name: str
    method: str
    path: str
    parameters: dict[str, str]
    description: str
    request_body: str | None = field(default=None)


_JOB_ID = {"job_id": "$response.body#/id"}
_TALKING_POINT_ID = {"talking_point_id": "$request.body#/id"}  # the response is the whole catalog
_RUN_ID = {"run_id": "$response.body#/id"}
_FIRST_HANDLE = {"handle": "$response.body#/results/0/handle"}

# (method, path, status) of the response -> its links
LINKS: dict[tuple[str, str, str], tuple[Link, ...]] = {
    ("post", "/v1/jobs", "202"): (
        Link("GetJob", "get", "/v1/jobs/{job_id}", _JOB_ID, "The job's state and progress."),
        Link("GetJobResults", "get", "/v1/jobs/{job_id}/results", _JOB_ID, "The results recorded so far."),
        Link("CancelJob", "delete", "/v1/jobs/{job_id}", _JOB_ID, "Cancel the job."),
    ),
    ("post", "/v1/keys", "201"): (
        Link("RevokeKey", "delete", "/v1/keys/{key_id}", {"key_id": "$response.body#/id"}, "Revoke the new key."),
    ),
    ("post", "/v1/talking-points", "201"): (
        Link("GetTalkingPoint", "get", "/v1/talking-points/{talking_point_id}", _TALKING_POINT_ID, "The added point."),
        Link(
            "ReplaceTalkingPoint",
            "put",
            "/v1/talking-points/{talking_point_id}",
            _TALKING_POINT_ID,
            "Replace the added point.",
            request_body="$request.body",
        ),
        Link("DeleteTalkingPoint", "delete", "/v1/talking-points/{talking_point_id}", _TALKING_POINT_ID, "Remove it."),
    ),
    ("post", "/v1/training-runs", "202"): (
        Link("GetTrainingRun", "get", "/v1/training-runs/{run_id}", _RUN_ID, "The run's state and outcome."),
        Link("GetTrainingRunLog", "get", "/v1/training-runs/{run_id}/log", _RUN_ID, "The run's log."),
    ),
    ("post", "/v1/scores", "200"): (
        Link("GetAccount", "get", "/v1/accounts/{handle}", _FIRST_HANDLE, "The first handle's latest score."),
        Link("GetAccountHistory", "get", "/v1/accounts/{handle}/history", _FIRST_HANDLE, "Its scores over time."),
    ),
    ("post", "/v1/accounts/{handle}/feedback", "201"): (
        Link(
            "ListFeedback",
            "get",
            "/v1/accounts/{handle}/feedback",
            {"handle": "$request.path.handle"},
            "The account's feedback, the new entry included.",
        ),
    ),
}


def _operation(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    try:
        return schema["paths"][path][method]
    except KeyError:
        raise ValueError(f"OpenAPI link: no operation {method.upper()} {path}") from None


def add_links(schema: dict[str, Any], links: dict[tuple[str, str, str], tuple[Link, ...]] = LINKS) -> dict[str, Any]:
    """Add ``links`` to ``schema`` (in place; returned for convenience)."""
    for (method, path, status), declared in links.items():
        responses = _operation(schema, method, path).get("responses", {})
        if status not in responses:
            raise ValueError(f"OpenAPI link: {method.upper()} {path} has no {status} response")
        target_links = responses[status].setdefault("links", {})
        for link in declared:
            target = _operation(schema, link.method, link.path)
            path_params = {p["name"] for p in target.get("parameters", []) if p.get("in") == "path"}
            if missing := set(link.parameters) - path_params:
                raise ValueError(f"OpenAPI link {link.name}: {link.path} has no path parameter {sorted(missing)}")
            definition: dict[str, Any] = {
                "operationId": target["operationId"],
                "parameters": dict(link.parameters),
                "description": link.description,
            }
            if link.request_body is not None:
                definition["requestBody"] = link.request_body
            target_links[link.name] = definition
    return schema


def install_links(app: FastAPI) -> None:
    """Make ``app.openapi()`` serve its generated schema with ``LINKS`` added (built once, then cached)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()  # FastAPI caches it in app.openapi_schema
            app.openapi_schema = None  # until the links are in: a failure is raised again, not served without them
            app.openapi_schema = add_links(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
