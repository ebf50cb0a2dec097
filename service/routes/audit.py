"""The audit log (admin): who changed what, and when."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.auth import require_admin
from service.db.audit import list_audit
from service.deps import EngineDep
from service.schemas import AuditEntryPublic

router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[Depends(require_admin)])


@router.get("", response_model=list[AuditEntryPublic])
def get_audit(engine: EngineDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuditEntryPublic]:
    """The newest entries first."""
    return [AuditEntryPublic(**vars(entry)) for entry in list_audit(engine, limit=limit)]
