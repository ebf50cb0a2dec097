"""API keys (admin): create one (its secret is shown once, with an optional team), list them, revoke one."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from service.auth import require_admin
from service.db.api_keys import ApiKey, create_key, list_keys, revoke_key
from service.deps import EngineDep, StateDep
from service.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic

router = APIRouter(prefix="/keys", tags=["keys"], dependencies=[Depends(require_admin)])


def _public(key: ApiKey) -> ApiKeyPublic:
    return ApiKeyPublic(**vars(key))


@router.get("", response_model=list[ApiKeyPublic])
def get_keys(engine: EngineDep) -> list[ApiKeyPublic]:
    """Every key, revoked ones included; never the secrets (they are not stored)."""
    return [_public(key) for key in list_keys(engine)]


@router.post("", response_model=ApiKeyCreated, status_code=201)
def post_key(body: ApiKeyCreate, engine: EngineDep, request: Request) -> ApiKeyCreated:
    """Create a key; the response holds the key itself, which cannot be shown again."""
    key, secret = create_key(engine, name=body.name, role=body.role, team=body.team)
    request.state.audit_target = key.label
    return ApiKeyCreated(**vars(key), key=secret)


@router.delete("/{key_id}", response_model=ApiKeyPublic)
def delete_key(key_id: str, engine: EngineDep, state: StateDep, request: Request) -> ApiKeyPublic:
    """Revoke a key: it stops working at once and stays listed for the audit trail."""
    request.state.audit_target = f"key {key_id}"
    revoked = revoke_key(engine, key_id)
    state.key_cache.clear()  # no verified key outlives its revocation here
    return _public(revoked)
