"""What the app posts is exactly what it means: text a user typed is shown as typed and inert (no link,
channel, mention or formatting is made of it), a name from a feed is escaped and verbatim on every surface
that shows it (a channel alert, the App Home, a reply), only a real answer can be shared, a "did you mean"
choice never changes the catalog in one click, users.info failing is said as such, and `sync status`
shows nobody a URL's query, a credential or a driver's message (people who are not admins see a short
reason)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses
from sqlalchemy import Engine

from bot import db
from bot.alerts.worker import Worker
from bot.commands.ask import Context, respond
from bot.feeds import prices
from bot.slackapi.clients import web_client
from bot.store.tables import SyncRun
from tests.db.dump import dump
from tests.slack.conftest import (
    USER,
    Served,
    buttons,
    command_body,
    mrkdwn_texts,
    post_signed,
    reply_of,
    visible_text,
)
from tests.slack.test_admin import o1_output, user_info
from tests.slack.test_home import open_home
from tests.sync.feeds import URL, add_model, body, model_of, snapshot_feed

Send = Callable[..., requests.Response]
ADMIN = "U0ADMIN"
HOSTILE = "https://evil.example #general *URGENT* <!here> `code` ~gone~ _it_"


def text_objects(message: Any) -> Iterator[dict[str, Any]]:
    """Every text object of the blocks (mrkdwn and plain_text), buttons' and dialogs' included."""
    if isinstance(message, dict):
        if message.get("type") in ("mrkdwn", "plain_text") and isinstance(message.get("text"), str):
            yield message
        for value in message.values():
            yield from text_objects(value)
    elif isinstance(message, list):
        for value in message:
            yield from text_objects(value)


def assert_inert(message: dict[str, Any], typed: str) -> None:
    """`typed` shows only in plain text (and button values); every mrkdwn object is verbatim."""
    for obj in text_objects(message["blocks"]):
        if obj["type"] == "mrkdwn":
            assert obj.get("verbatim") is True, obj
    for text in mrkdwn_texts(message["blocks"]):
        for piece in ("evil.example", "#general", "*URGENT*", "`code`", "<!here>"):
            if piece in typed:
                assert piece not in text, text


FEED_NAME = "Evil https://evil.example #general <!here> *x*"


def assert_verbatim_and_escaped(blocks: Any, name: str) -> None:
    """Every mrkdwn object is verbatim, and the feed's `name` reaches mrkdwn only escaped."""
    for obj in text_objects(blocks):
        if obj["type"] == "mrkdwn":
            assert obj.get("verbatim") is True, obj
    texts = "\n".join(t for o in text_objects(blocks) if o["type"] == "mrkdwn" for t in [o["text"]])
    assert name.replace("<", "&lt;").replace(">", "&gt;") in texts
    assert "<!here>" not in texts


def test_a_hostile_model_name_from_the_feed_is_inert_in_the_alert_the_home_and_replies(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine
) -> None:
    respond(fresh, "subscribe", Context.slack("UMEMBER", "C1", lambda _: False))
    feed = add_model(snapshot_feed(), "openai", "evil-1", 1, 2)
    model_of(feed, "openai", "evil-1")["name"] = FEED_NAME
    with responses.RequestsMock() as mock:
        mock.get(URL, body=body(feed))
        assert prices.FEED.sync(fresh, URL).added == 1
    app = serve(database_url=fresh_url)

    assert (
        Worker(fresh, web_client(app.fake.api_url, "xoxb-test", bounded=True), channel_interval=0).run_once()
        == 1
    )
    [alert] = app.fake.calls("chat.postMessage")
    assert_verbatim_and_escaped(alert.body["blocks"], FEED_NAME)

    assert_verbatim_and_escaped(open_home(app)["blocks"], FEED_NAME)

    reply = reply_of(post_signed(app.url, command_body(app.fake, "evil-1")))
    assert_verbatim_and_escaped(reply["blocks"], FEED_NAME)


def test_an_empty_answer_to_hostile_text_has_no_share_button(signed_request: Send) -> None:
    message = reply_of(signed_request(f"list {HOSTILE}"))

    assert "Share in channel" not in buttons(message)
    assert HOSTILE.lower() in visible_text(message).lower()  # shown as typed (names are lowercased)
    assert_inert(message, HOSTILE.lower())


def test_a_shared_answer_credits_the_command_as_typed_in_plain_text(
    signed_request: Send, click: Send, slack: Served
) -> None:
    typed = "`r1` vs o1"  # a backtick used to break out of the credit line's code span
    private = reply_of(signed_request(typed))

    click(buttons(private)["Share in channel"])
    [call] = slack.fake.wait_for("response")
    shared = call.body

    assert shared["response_type"] == "in_channel"
    credit = shared["blocks"][-1]
    assert credit["type"] == "context"
    assert credit["elements"][-1] == {"type": "plain_text", "text": f"/modelcost {typed}", "emoji": False}
    assert all("`r1`" not in t for t in mrkdwn_texts(shared["blocks"]))
    assert_inert(shared, typed)


def test_sharing_what_is_not_an_answer_posts_nothing_in_the_channel(click: Send, slack: Served) -> None:
    forged = {"action_id": "modelcost_share", "text": {"type": "plain_text", "text": "x"}, "value": HOSTILE}
    click(forged)
    [call] = slack.fake.wait_for("response")

    assert call.body["response_type"] == "ephemeral"  # the error goes to the one who clicked
    assert_inert(call.body, HOSTILE)


def test_error_replies_show_what_was_typed_as_plain_text(signed_request: Send) -> None:
    message = reply_of(signed_request("o1 *URGENT* https://evil.example"))

    first = message["blocks"][0]["text"]
    assert first["type"] == "plain_text" and "*urgent* https://evil.example" in first["text"]
    assert_inert(message, "*urgent* https://evil.example")


@pytest.fixture
def admin_app(serve: Callable[..., Served], fresh_url: str) -> Served:
    return serve(database_url=fresh_url, settings={"admin_users": frozenset({ADMIN})})


def _click(app: Served, action_id: str, value: str, user: str = ADMIN) -> dict[str, Any]:
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "a", "team_id": app.fake.team_id},
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
                "text": {"type": "plain_text", "text": "x"},
                "value": value,
                "type": "button",
                "action_ts": "1.3",
            }
        ],
    }
    from urllib.parse import urlencode

    before = len(app.fake.responses())
    assert post_signed(app.url, urlencode({"payload": json.dumps(payload)}).encode()).status_code == 200
    return app.fake.wait_for("response", before + 1)[-1].body


def test_did_you_mean_on_a_write_asks_to_confirm_the_corrected_command(
    admin_app: Served, fresh: Engine
) -> None:
    before = dump(fresh)
    error = reply_of(
        post_signed(admin_app.url, command_body(admin_app.fake, "set gpt5x output 5", user=ADMIN))
    )

    choices = buttons(error)
    assert choices and all(b["action_id"].startswith("modelcost_confirm_") for b in choices.values())
    gpt5 = choices["GPT-5"]
    assert gpt5["value"] == "set gpt-5 output 5"
    assert gpt5["confirm"]["text"]["text"] == "Run /modelcost set gpt-5 output 5"  # shown before it runs
    assert dump(fresh) == before

    # A button that did not ask (an old message's) brings the command back to confirm; nothing runs.
    shown = _click(admin_app, "modelcost_suggest_0", "set o1 output 5")
    assert "This changes the catalog: /modelcost set o1 output 5" in visible_text(shown)
    assert buttons(shown)["Run it"]["confirm"]["text"]["text"] == "Run /modelcost set o1 output 5"
    assert dump(fresh) == before

    # Confirmed in Slack: now it runs.
    _click(admin_app, "modelcost_confirm_0", "set o1 output 5")
    assert str(o1_output(fresh)) in ("5", "5.000000")


def test_users_info_failing_tells_the_user_to_retry_and_changes_nothing(
    app_with_feed: Served, fresh: Engine
) -> None:
    before = dump(fresh)
    for failure in ("internal_error", "ratelimited"):
        app_with_feed.fake.fail("users.info", failure, times=None)
        reply = reply_of(post_signed(app_with_feed.url, command_body(app_with_feed.fake, "set o1 output 50")))
        shown = visible_text(reply)
        assert "could not ask Slack whether you are a workspace admin" in shown and "try again" in shown
        assert "Only workspace admins" not in shown
        app_with_feed.fake.reset()
    app_with_feed.fake.status("users.info", 500, times=None)
    reply = reply_of(post_signed(app_with_feed.url, command_body(app_with_feed.fake, "set o1 output 50")))
    assert "could not ask Slack" in visible_text(reply)
    assert dump(fresh) == before

    # Once Slack answers again, the same admin is one.
    app_with_feed.fake.reset()
    app_with_feed.fake.reply("users.info", user_info(USER, is_admin=True))
    reply = reply_of(post_signed(app_with_feed.url, command_body(app_with_feed.fake, "set o1 output 50")))
    assert "Price updated" in visible_text(reply)


@pytest.fixture
def app_with_feed(serve: Callable[..., Served], fresh_url: str) -> Served:
    return serve(database_url=fresh_url, settings={"feed_url": "https://feed.example/data.json"})


# Reasons as older versions recorded them: a library's and a driver's text, URLs with their tokens.
SECRET_FETCH = (
    "could not fetch the feed: ConnectionError: HTTPSConnectionPool(host='feed.internal', port=443): "
    "Max retries exceeded with url: /v2/data.json?token=s3cr3t-token"
)
SECRET_DB = (
    'the database refused the sync: connection to server at "10.0.0.5", port 5432 failed: '
    'FATAL:  password authentication failed for user "modelcost"'
)
SECRET_TIMEOUT = (
    "timed out connecting to https://user:pw@feed.internal/v2/data.json?token=s3cr3t-token (after 5 s)"
)
SECRETS = (
    "s3cr3t",
    "token=",
    "user:pw",
    "/v2/data.json",
    "10.0.0.5",
    "5432",
    "password",
    'modelcost"',
    "Max retries",
)


def test_sync_status_never_shows_a_query_string_or_library_text_to_anyone(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine
) -> None:
    with db.transaction(fresh) as session:
        url = "https://user:pw@feed.internal/v2/data.json?token=s3cr3t-token"
        session.add(SyncRun(url=url, status="failed", error=SECRET_FETCH))
        session.add(SyncRun(url=url, status="failed", error=SECRET_DB))
        session.add(SyncRun(url=url, status="failed", error=SECRET_TIMEOUT))
        session.add(SyncRun(url=url, status="failed", error="the feed answered HTTP 503 Service Unavailable"))
    app = serve(database_url=fresh_url, settings={"admin_users": frozenset({ADMIN})})

    public = visible_text(reply_of(post_signed(app.url, command_body(app.fake, "sync status"))))
    for secret in (*SECRETS, "feed.internal", "ConnectionError"):
        assert secret not in public, secret
    assert "the feed could not be fetched" in public
    assert "the database was unavailable" in public
    assert "the feed answered HTTP 503" in public

    # Whoever runs the syncs sees more (the kind of failure, the host), and no secret either.
    admin = visible_text(reply_of(post_signed(app.url, command_body(app.fake, "sync status", user=ADMIN))))
    for secret in SECRETS:
        assert secret not in admin, secret
    assert "could not fetch the feed (ConnectionError)" in admin
    assert "the database refused the sync" in admin
    assert "timed out connecting to feed.internal (after 5 s)" in admin
