"""Workspace keys: one per installation scope, and back."""

import pytest

from bot.domain.workspaces import SHARED, Scope, scope, workspace_key


@pytest.mark.parametrize(
    ("enterprise", "team", "org_wide", "key"),
    [
        (None, "T1", False, "T1"),
        ("E1", "T1", False, "E1:T1"),
        ("E1", None, True, "E1:"),
        ("E1", "T1", True, "E1:"),
    ],
)
def test_key_round_trip(enterprise: str | None, team: str | None, org_wide: bool, key: str) -> None:
    assert workspace_key(enterprise, team, org_wide) == key
    assert scope(key) == Scope(enterprise, None if org_wide else team, org_wide)


def test_shared_has_no_installation() -> None:
    with pytest.raises(ValueError):
        scope(SHARED)
    with pytest.raises(ValueError):
        workspace_key(None, None)
