"""Workspaces: whose view of the catalog a request sees, and whose channels an alert goes to.

Every row a workspace owns (an admin's price, alias or score, a subscription, an alert, the change
that made it) carries its workspace key; the shared catalog (the feeds, the bundled data, single
mode, the CLI without `--team`) has the key SHARED. A workspace sees the shared catalog plus its own
rows, never another workspace's.

The key is the installation's scope, as Slack's installation stores key it (enterprise and team):
- `T123`: a workspace's install (no Enterprise Grid);
- `E1:T123`: a workspace's install inside an Enterprise Grid org;
- `E1:`: an org-wide install: the whole org shares one view.
"""

from __future__ import annotations

from typing import NamedTuple

SHARED = ""  # the shared catalog: single mode, the feeds, the CLI without --team


class Scope(NamedTuple):
    """A workspace key taken apart, as Slack's installation stores look installations up."""

    enterprise_id: str | None
    team_id: str | None
    is_enterprise_install: bool


def workspace_key(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False) -> str:
    """The key of the installation that serves a request from this enterprise and team."""
    if is_enterprise_install:
        if not enterprise_id:
            raise ValueError("an org-wide install needs its enterprise id")
        return f"{enterprise_id}:"
    if not team_id:
        raise ValueError("a workspace install needs its team id")
    return f"{enterprise_id}:{team_id}" if enterprise_id else team_id


def scope(key: str) -> Scope:
    """The enterprise, team and org-wide flag of a workspace key (not of SHARED)."""
    if key == SHARED:
        raise ValueError("the shared catalog has no installation")
    enterprise, sep, team = key.partition(":")
    if not sep:
        return Scope(None, key, False)
    return Scope(enterprise, team or None, not team)
