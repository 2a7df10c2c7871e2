"""No write reaches the catalog for a non-admin, whatever the entry point: bot.commands.ask itself, the
slash command, a button's value, or Socket Mode. The commands come from the request types
(bot.contract.requests), so a new admin command is covered as soon as it is added to the union and to
EXAMPLES."""

from __future__ import annotations

import json
import time
import typing
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt.request import BoltRequest
from sqlalchemy import Engine

from bot.commands.ask import Context, respond
from bot.config import Settings
from bot.contract import requests
from bot.contract.errors import NotAdminError
from bot.domain import query
from bot.slack.app import build_app
from tests.db.dump import dump
from tests.slack.conftest import Served, command_body, post_signed, reply_of, visible_text

MEMBER = "U0MEMBER"
REFUSED = "Only workspace admins and owners"
# One command per admin-only request type; the first test checks none is missing.
EXAMPLES: dict[type, str] = {
    requests.SetPriceRequest: "set o1 output 1",
    requests.SetScoreRequest: "set o1 score 1500",
    requests.AliasRequest: "alias cheapo o1",
    requests.UnaliasRequest: "unalias r1",
    requests.SyncRequest: "sync",
    requests.AuditRequest: "audit",
}
ADMIN_ONLY = [t for t in typing.get_args(requests.Request) if t.admin_only]


def test_every_admin_only_request_type_has_an_example() -> None:
    assert set(ADMIN_ONLY) == set(EXAMPLES)
    for kind, text in EXAMPLES.items():
        assert isinstance(query.parse(text), kind)


def member(user_id: str) -> dict[str, Any]:
    return {
        "ok": True,
        "user": {"id": user_id, "team_id": "T0FAKE", "name": "m", "is_admin": False, "is_bot": False},
    }


@pytest.mark.parametrize("text", EXAMPLES.values())
def test_bot_ask_refuses_a_slack_member(fresh: Engine, text: str) -> None:
    before = dump(fresh)
    with pytest.raises(NotAdminError):
        respond(fresh, text, Context.slack(MEMBER, "C1", lambda _: False))
    with pytest.raises(NotAdminError):
        respond(fresh, text, Context.slack(MEMBER, "C1", None))  # no way to ask: not an admin
    assert dump(fresh) == before


@pytest.fixture
def app(serve: Callable[..., Served], fresh_url: str) -> Served:
    served = serve(database_url=fresh_url, settings={"feed_url": "https://feed.example/data.json"})
    served.fake.reply("users.info", member(MEMBER))
    return served


@pytest.mark.parametrize("text", EXAMPLES.values())
def test_the_slash_command_refuses_a_member(app: Served, fresh: Engine, text: str) -> None:
    before = dump(fresh)
    reply = reply_of(post_signed(app.url, command_body(app.fake, text, user=MEMBER)))
    assert REFUSED in visible_text(reply)
    assert dump(fresh) == before


@pytest.mark.parametrize("text", EXAMPLES.values())
@pytest.mark.parametrize(
    "action_id", ["modelcost_run_0", "modelcost_suggest_0", "modelcost_share", "modelcost_confirm_0"]
)
def test_a_button_carrying_a_write_refuses_a_member(
    app: Served, fresh: Engine, text: str, action_id: str
) -> None:
    before = dump(fresh)
    payload = {
        "type": "block_actions",
        "user": {"id": MEMBER, "username": "m", "team_id": app.fake.team_id},
        "api_app_id": "A0MODELCOST",
        "token": "x",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": True},
        "trigger_id": "1.2.3",
        "team": {"id": app.fake.team_id, "domain": "fake"},
        "channel": {"id": "C1", "name": "general"},
        "response_url": app.fake.response_url(),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "forged"},
                "value": text,
                "type": "button",
                "action_ts": "1.3",
            }
        ],
    }
    from urllib.parse import urlencode

    assert post_signed(app.url, urlencode({"payload": json.dumps(payload)}).encode()).status_code == 200
    for _ in range(200):  # the answer goes to response_url from a worker thread
        if app.fake.responses():
            break
        time.sleep(0.02)
    (posted,) = app.fake.responses()
    assert REFUSED in visible_text(posted.body)
    assert dump(fresh) == before


@pytest.mark.parametrize("text", EXAMPLES.values())
def test_socket_mode_refuses_a_member(
    make_settings: Callable[..., Settings], fake_slack: Any, fresh_url: str, fresh: Engine, text: str
) -> None:
    fake_slack.reply("users.info", member(MEMBER))
    app = build_app(make_settings(database_url=fresh_url), socket_mode=True).bolt
    before = dump(fresh)
    body = dict(
        item.split("=", 1)
        for item in command_body(fake_slack, text, user=MEMBER).decode().split("&")  # form fields
    )
    from urllib.parse import unquote_plus

    fields = {k: unquote_plus(v) for k, v in body.items()}
    response = app.dispatch(BoltRequest(body=fields, mode="socket_mode"))
    assert response.status == 200
    assert REFUSED in visible_text(json.loads(response.body))
    assert dump(fresh) == before
