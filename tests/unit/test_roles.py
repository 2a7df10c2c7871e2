"""What a users.info answer makes a user of an installation: admin, member or outsider, for a workspace's
install (Enterprise org or not) and an org-wide install."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.workspaces import scope
from bot.slackapi.users import Role, role_of


def user(team: str | None = "T1", org: dict[str, Any] | None = None, **flags: Any) -> dict[str, Any]:
    return {
        "id": "U1",
        **({"team_id": team} if team else {}),
        **({"enterprise_user": org} if org else {}),
        **flags,
    }


def org_user(enterprise: str = "E1", teams: tuple[str, ...] = ("T1",), **flags: Any) -> dict[str, Any]:
    return {
        "id": "U1",
        "enterprise_id": enterprise,
        "teams": list(teams),
        "is_admin": False,
        "is_owner": False,
        **flags,
    }


@pytest.mark.parametrize(
    ("installation", "answer", "role"),
    [
        ("T1", user(), "member"),
        ("T1", user(is_admin=True), "admin"),
        ("T1", user(is_owner=True), "admin"),
        ("T1", user(is_primary_owner=True), "admin"),
        ("T1", user(is_admin=True, is_restricted=True), "member"),  # a guest
        ("T1", user(is_admin=True, deleted=True), "member"),
        ("T1", user(team="T2", is_admin=True), "outsider"),  # another team's admin (Slack Connect)
        ("T1", user(team=None, is_admin=True), "outsider"),  # no team said: not known to be one of T1's
        # A workspace of an Enterprise org: its users may carry the org's teams rather than the team.
        ("E1:T1", user(team=None, org=org_user(), is_admin=True), "admin"),
        ("E1:T1", user(team="T9", org=org_user(teams=("T9",)), is_admin=True), "outsider"),
        ("E1:T1", user(team=None, org=org_user(enterprise="E2"), is_admin=True), "outsider"),
        # An org-wide install: the org's admins and owners, never a workspace's admin alone.
        ("E1:", user(team="T7", org=org_user(teams=("T7",)), is_admin=True), "member"),
        ("E1:", user(team="T7", org=org_user(teams=("T7",), is_admin=True)), "admin"),
        ("E1:", user(team="T7", org=org_user(teams=("T7",), is_owner=True)), "admin"),
        ("E1:", user(team="T7", org=org_user(is_admin=True), is_restricted=True), "member"),
        ("E1:", user(team="T7", org=org_user(enterprise="E2", is_admin=True)), "outsider"),
        ("E1:", user(team="T7", is_admin=True), "outsider"),  # not of the org at all
    ],
)
def test_role_of(installation: str, answer: dict[str, Any], role: Role) -> None:
    assert role_of(answer, scope(installation)) == role
