"""Who may do what, through the real HTTP app and the fake Slack: in oauth mode the shared catalog's
syncs and their recorded reasons stay the operator's (the terminal's); MODELCOST_ADMIN_USERS names
each admin's workspace; an org-wide install takes org admins; a user of another team (a channel shared
through Slack Connect) asks anything and changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
import responses
from sqlalchemy import Engine

from bot import db
from bot.store.tables import SyncRun
from tests.db.dump import dump
from tests.slack.conftest import Served, visible_text
from tests.slack.test_admin import o1_output, send, user_info
from tests.slack.test_inert_text import _click
from tests.slack.test_oauth import NOT_ADMIN, OAUTH, install, rows
from tests.slack.test_workspaces import said

FEED = "https://feed.example/v2/data.json?token=s3cr3t-token"
ADMIN = "U0ADMIN"
FOREIGN = "another workspace"


@pytest.fixture
def hosted(serve: Callable[..., Served], fresh_url: str) -> Served:
    """Oauth mode, with T1 installed."""
    app = serve(database_url=fresh_url, settings={**OAUTH, "feed_url": FEED})
    assert install(app, "code-1", "T1").status_code == 200
    return app


def test_a_tenant_admin_can_not_sync_and_nothing_is_fetched_or_recorded(
    hosted: Served, fresh_url: str
) -> None:
    hosted.fake.reply("users.info", user_info(ADMIN, team="T1", is_admin=True))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://127.0.0.1")
        for text in ("sync", "sync dry-run"):
            shown = said(hosted, text, "T1", user=ADMIN)
            assert "`modelcost sync`" in shown and "sync on their own" in shown, shown
            assert "Nothing was fetched" in shown
        assert [c for c in mock.calls if "feed.example" in c.request.url] == []
    assert rows(fresh_url, "sync_runs") == []


def test_sync_status_in_oauth_mode_gives_a_tenant_admin_the_short_reason(
    hosted: Served, fresh: Engine
) -> None:
    with db.transaction(fresh) as session:
        reason = "the feed drops 40% of the catalog's offerings; openai/o1 costs $0 in the feed"
        session.add(SyncRun(url="https://feed.example/v2/data.json", status="rejected", error=reason))
    hosted.fake.reply("users.info", user_info(ADMIN, team="T1", is_admin=True))

    shown = said(hosted, "sync status", "T1", user=ADMIN)

    assert "rejected (the feed drops 40% of the catalog's offerings)" in shown
    assert "openai/o1 costs $0" not in shown  # the whole reason is the operator's, in the terminal


def test_admin_users_name_their_workspace_in_oauth_mode(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.slackapi.users"):
        app = serve(
            database_url=fresh_url, settings={**OAUTH, "admin_users": frozenset({"U0OPS", "T1:U0BOSS"})}
        )
    assert "U0OPS apply to no workspace in oauth mode" in caplog.text
    install(app, "code-1", "T1")
    install(app, "code-2", "T2")

    assert NOT_ADMIN in said(app, "set o1 output 50", "T1", user="U0OPS")  # bare: nobody's admin
    assert NOT_ADMIN in said(app, "set o1 output 50", "T2", user="U0BOSS")  # T1's, not T2's
    assert "$60" in said(app, "o1", "T2") and "$60" in said(app, "o1", "T1")
    assert "$60 → $50" in said(app, "set o1 output 50", "T1", user="U0BOSS")
    assert "$50" in said(app, "o1", "T1") and "$50" not in said(app, "o1", "T2")


def org_user(user: str, *, workspace_admin: bool = False, org_admin: bool = False) -> dict[str, Any]:
    """users.info for a user of workspace T7 in the Enterprise org E1."""
    answer = user_info(user, team="T7", is_admin=workspace_admin)
    answer["user"]["enterprise_user"] = {
        "id": user,
        "enterprise_id": "E1",
        "enterprise_name": "Fake org",
        "is_admin": org_admin,
        "is_owner": False,
        "teams": ["T7"],
    }
    return answer


def test_an_org_wide_install_takes_an_org_admin_not_a_workspace_admin(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine
) -> None:
    app = serve(database_url=fresh_url, settings=OAUTH)
    install(app, "code-org", None, enterprise_id="E1", is_enterprise_install=True)
    org = {"enterprise": "E1", "org_wide": "true"}
    app.fake.reply("users.info", org_user("U0WSADMIN", workspace_admin=True), times=1)
    before = dump(fresh)

    # Workspace T7's admin: the org shares one view, which only the org's admins change.
    refused = said(app, "set o1 output 50", "T7", user="U0WSADMIN", **org)
    assert NOT_ADMIN in refused and "Nothing was changed" in refused
    assert NOT_ADMIN in said(app, "alias cheapo o1", "T7", user="U0WSADMIN", **org)
    assert dump(fresh) == before

    app.fake.reply("users.info", org_user("U0ORGADMIN", org_admin=True), times=1)
    assert "$60 → $50" in said(app, "set o1 output 50", "T7", user="U0ORGADMIN", **org)


@pytest.mark.parametrize(
    "text", ["set o1 output 50", "alias cheapo o1", "set o1 score 1500", "subscribe o1", "unsubscribe"]
)
def test_a_user_of_another_team_changes_nothing_and_may_still_ask(
    hosted: Served, fresh: Engine, text: str
) -> None:
    # A Slack Connect channel: the user belongs to TOTHER (an admin there), not to T1.
    hosted.fake.reply("users.info", user_info("U0GUEST", team="TOTHER", is_admin=True))
    before = dump(fresh)

    shown = said(hosted, text, "T1", user="U0GUEST")

    assert FOREIGN in shown and "Nothing was changed" in shown, shown
    assert dump(fresh) == before
    assert "27.4x" in said(hosted, "r1 vs o1", "T1", user="U0GUEST")


def test_in_single_mode_a_user_of_another_team_changes_nothing(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine
) -> None:
    app = serve(database_url=fresh_url)
    app.fake.reply("users.info", user_info("U0GUEST", team="T0ELSE", is_admin=True))
    before = o1_output(fresh)

    for text in ("set o1 output 1", "subscribe o1"):
        reply = send(app, text, user="U0GUEST")
        assert FOREIGN in str(reply), reply
    assert o1_output(fresh) == before


@pytest.mark.parametrize("action_id", ["modelcost_run_0", "modelcost_confirm_0"])
def test_a_button_gives_a_user_of_another_team_the_same_refusal(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine, action_id: str
) -> None:
    app = serve(database_url=fresh_url)
    app.fake.reply("users.info", user_info("U0GUEST", team="T0ELSE"))
    before = dump(fresh)

    shown = visible_text(_click(app, action_id, "subscribe o1", user="U0GUEST"))

    assert FOREIGN in shown and "Run it" not in shown
    assert dump(fresh) == before
