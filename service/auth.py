"""Who is calling: API keys (``Authorization: Bearer <key>``), roles, and per-key rate limits.

Roles: ``analyst`` scores, reads, gives feedback and runs jobs; ``admin`` may do all that and also activate models,
edit the catalog and manage keys. Routes declare the role they need with ``AnalystDep`` or ``AdminDep``, and whose
rows the caller sees with ``ScopeDep`` (``service/scopes.py``: an analyst its own key's and its team's, an admin
all); the principal is also left on ``request.state`` for the audit log. Keys are never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from service.db.api_keys import Role
from service.deps import StateDep
from service.errors import AuthenticationError, PermissionDeniedError
from service.scopes import Scope

__all__ = [
    "AdminDep",
    "AnalystDep",
    "MetricsReaderDep",
    "Principal",
    "ScopeDep",
    "require_admin",
    "require_analyst",
    "scope_of",
]

_bearer = HTTPBearer(auto_error=False, description="An API key: `parrotwatch keys create` or PARROTWATCH_ADMIN_KEY.")


@dataclass(frozen=True)
class Principal:
    key_id: str
    name: str
    role: Role
    team: str | None = None

    @property
    def scope(self) -> Scope:
        return Scope.of(key_id=self.key_id, role=self.role, team=self.team)


async def authenticate(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller's key, checked against the stored hashes, and one token of its rate budget."""
    if credentials is None or not credentials.credentials:
        raise AuthenticationError("an API key is required: send Authorization: Bearer <key>")
    secret = credentials.credentials
    # A key verified moments ago is answered here; otherwise the database lookup runs off the event loop.
    key = state.key_cache.peek(secret) or await run_in_threadpool(state.key_cache.find, state.engine, secret)
    if key is None:
        raise AuthenticationError("the API key is not valid (unknown or revoked)")
    principal = Principal(key.id, key.name, key.role, key.team)
    request.state.principal = principal
    state.rate_limiter.take(key.id)
    return principal


require_analyst = authenticate
"""Any valid key: admins can do whatever analysts can. The same function, not a wrapper: every dependency node costs
FastAPI's solver on every request, and a cached score costs little more than that."""


async def require_admin(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role != "admin":
        raise PermissionDeniedError(principal.role, "admin")
    return principal


async def scope_of(principal: Annotated[Principal, Depends(authenticate)]) -> Scope:
    """Whose jobs, results, feedback and training runs the caller sees."""
    return principal.scope


async def require_metrics_reader(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """An admin key, or nobody when ``PARROTWATCH_METRICS_PUBLIC`` opens ``/metrics`` to its network."""
    if state.settings.metrics_public:
        return None
    return await require_admin(await authenticate(request, state, credentials))


AnalystDep = Annotated[Principal, Depends(require_analyst)]
AdminDep = Annotated[Principal, Depends(require_admin)]
ScopeDep = Annotated[Scope, Depends(scope_of)]
MetricsReaderDep = Annotated[Principal | None, Depends(require_metrics_reader)]
