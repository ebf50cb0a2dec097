"""Declared state accounts are flagged apart from the amplifier score."""

from __future__ import annotations

import pytest

from detector.declared import load_declared_accounts
from detector.errors import CatalogError
from detector.registry import ModelRegistry
from detector.scoring import score_accounts

LINES = ["Stop smearing and attacking China.", "Non-interference is a basic principle of China's diplomacy."] * 4


def test_bundled_list_is_valid_and_matches_handles_case_insensitively() -> None:
    declared = load_declared_accounts()
    assert declared.lookup("@xhnews").kind == "state_media"
    assert declared.lookup("some_random_person") is None
    assert declared.list_version.startswith(declared.version + "+")


def test_declared_state_account_is_flagged_state_affiliated(trained_registry, account_factory) -> None:
    loaded = ModelRegistry(trained_registry).load()
    declared = load_declared_accounts()
    official, lookalike = score_accounts(
        loaded.model,
        [account_factory("MFA_China", LINES, verified=True), account_factory("mfa_china_fan", LINES)],
        model_version=loaded.version,
        declared=declared,
    )
    assert official.state_affiliated and official.state_affiliation.name.startswith("Ministry of Foreign Affairs")
    assert not lookalike.state_affiliated and lookalike.state_affiliation is None
    assert official.declared_list_version == declared.list_version
    assert official.score is not None, "the amplifier score is computed for declared accounts too"


def test_invalid_declared_list_is_refused(tmp_path) -> None:
    path = tmp_path / "declared.yaml"
    path.write_text("version: '1'\naccounts:\n  - {handle: x, name: y, kind: troll, country: CN, evidence: z}\n")
    with pytest.raises(CatalogError, match="kind"):
        load_declared_accounts(path)
