"""Declared state accounts: who speaks for a state openly, flagged apart from the amplifier score.

An embassy repeating its government's line is doing its job in the open; calling it an amplifier would be wrong and
would bury the accounts analysts are looking for. The list is data (``catalog/declared_state_accounts.yaml``),
versioned like the catalog, and every score says which list version it was checked against.

No list names every embassy, consulate and state outlet, so an account that is not on the list but declares itself
a state account in its own bio ("Embassy of the PRC in Canada", "外交部发言人", "МИД России") is flagged too:
``self_declared_affiliation`` reads the bio (``detector.self_declared`` has the matching and its precision rules).
``DeclaredStateAccounts.lookup`` gives the list entry first and the bio's declaration otherwise, and each result
says why in ``reason``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from detector.errors import CatalogError
from detector.self_declared import Kind, find_self_declaration

__all__ = [
    "DEFAULT_DECLARED_PATH",
    "DeclaredAccount",
    "DeclaredStateAccounts",
    "load_declared_accounts",
    "self_declared_affiliation",
]

DEFAULT_DECLARED_PATH = Path(__file__).with_name("catalog") / "declared_state_accounts.yaml"


class DeclaredAccount(BaseModel):
    """A state account: an entry of the declared list, or an account whose bio declares it.

    ``country`` is an ISO 3166 alpha-2 code, or ``"unknown"`` when a bio names no state ("外交部发言人").
    ``reason`` says why the account is flagged: ``"on list <list_version>"`` or
    ``"self-declared in profile: '<phrase>'"``; list entries leave it unset in the YAML and ``lookup`` fills it in.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    handle: str
    name: str
    kind: Kind
    country: str
    evidence: str
    reason: str | None = None


class DeclaredStateAccounts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    accounts: tuple[DeclaredAccount, ...]

    @property
    def list_version(self) -> str:
        """``<version>+<first 8 hex of a content digest>``, as scores record it."""
        # Unset defaults stay out of the digest, so adding an optional field (``reason``) did not change the version
        # of an unchanged list.
        canonical = json.dumps(self.model_dump(mode="json", exclude_defaults=True), sort_keys=True, ensure_ascii=False)
        return f"{self.version}+{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:8]}"

    def lookup(self, handle: str, description: str | None = None) -> DeclaredAccount | None:
        """Return the account's state affiliation: its list entry, else what its bio declares, else ``None``.

        Parameters
        ----------
        handle : str
            Matched against the list case-insensitively, a leading ``@`` ignored.
        description : str or None, default=None
            The profile bio, read only when the handle is not on the list (see ``self_declared_affiliation``).

        Returns
        -------
        DeclaredAccount or None
            A list entry comes with ``reason="on list <list_version>"``; the list wins over the bio.
        """
        wanted = handle.removeprefix("@").lower()
        listed = next((a for a in self.accounts if a.handle.lower() == wanted), None)
        if listed is not None:
            return listed.model_copy(update={"reason": f"on list {self.list_version}"})
        return self_declared_affiliation(handle, description)


def self_declared_affiliation(handle: str, description: str | None) -> DeclaredAccount | None:
    """Return the state affiliation an account declares in its own bio, or ``None``.

    Only self-descriptions count: "Official account of the Embassy of the PRC in Canada", "中国驻英国大使",
    "Посольство России в ...". Bios that mention an institution without speaking for it ("Reporter covering the Chinese
    embassy", "Former ambassador to China", "Brand ambassador for Nike", "I study state media") give ``None``, as do a
    missing or blank bio. Covers English, Chinese, Russian, Spanish, Persian, French and Arabic.

    Parameters
    ----------
    handle : str
        The account's handle; a leading ``@`` is dropped.
    description : str or None
        The profile bio.

    Returns
    -------
    DeclaredAccount or None
        ``name`` and ``evidence`` are the declaring phrase as written in the bio, ``kind`` what it declares,
        ``country`` the state it names ("unknown" if none), and ``reason`` is
        ``"self-declared in profile: '<phrase>'"``.

    Examples
    --------
    >>> found = self_declared_affiliation("@ChinaEmbOttawa", "Official account of the Embassy of the PRC in Canada")
    >>> found.kind, found.country, found.reason
    ('mission', 'CN', "self-declared in profile: 'Embassy of the PRC in Canada'")
    >>> self_declared_affiliation("jdoe", "Reporter covering the Chinese embassy and diplomacy") is None
    True
    """
    found = find_self_declaration(description)
    if found is None:
        return None
    return DeclaredAccount(
        handle=handle.removeprefix("@"),
        name=found.phrase,
        kind=found.kind,
        country=found.country,
        evidence=found.phrase,
        reason=f"self-declared in profile: '{found.phrase}'",
    )


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
