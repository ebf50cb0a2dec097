"""Declared state accounts: who speaks for a state openly, flagged apart from the amplifier score.

An embassy repeating its government's line is doing its job in the open; calling it an amplifier would be wrong and
would bury the accounts analysts are looking for. The list is data (``catalog/declared_state_accounts.yaml``),
versioned like the catalog, and every score says which list version it was checked against.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from detector.errors import CatalogError

__all__ = ["DEFAULT_DECLARED_PATH", "DeclaredAccount", "DeclaredStateAccounts", "load_declared_accounts"]

DEFAULT_DECLARED_PATH = Path(__file__).with_name("catalog") / "declared_state_accounts.yaml"


class DeclaredAccount(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    handle: str
    name: str
    kind: Literal["ministry", "diplomat", "mission", "state_media", "official"]
    country: str
    evidence: str


class DeclaredStateAccounts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    accounts: tuple[DeclaredAccount, ...]

    @property
    def list_version(self) -> str:
        """``<version>+<first 8 hex of a content digest>``, as scores record it."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return f"{self.version}+{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:8]}"

    def lookup(self, handle: str) -> DeclaredAccount | None:
        """The declared account with this handle (case-insensitive, leading @ ignored), or ``None``."""
        wanted = handle.removeprefix("@").lower()
        return next((a for a in self.accounts if a.handle.lower() == wanted), None)


def load_declared_accounts(path: Path | None = None) -> DeclaredStateAccounts:
    """Read and validate a declared-accounts YAML file (the bundled one by default); ``CatalogError`` if invalid."""
    path = Path(path) if path is not None else DEFAULT_DECLARED_PATH
    try:
        return DeclaredStateAccounts.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read declared state accounts {path}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CatalogError(f"invalid declared state accounts {path}: {where}: {first['msg']}") from exc
