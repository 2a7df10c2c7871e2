"""An installation as slack_sdk's store saves it after an install, for tests that write the store
directly (as another worker, or an operator, would)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store import Installation

INSTALLED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC).timestamp()


def installation(team: str | None, token: str, *, enterprise: str | None = None, **more: Any) -> Installation:
    """A workspace's installation (`team`), or an org-wide one (`team` None) of `enterprise`; `more`:
    the token's refresh token and expiry, say."""
    return Installation(
        app_id="A0MODELCOST",
        enterprise_id=enterprise,
        team_id=team,
        bot_token=token,
        bot_id="B1",
        bot_user_id="U1BOT",
        bot_scopes="commands,chat:write",
        user_id="U0INSTALLER",
        installed_at=INSTALLED_AT,
        is_enterprise_install=team is None,
        **more,
    )
