"""The App Home through the real HTTP app: opening the tab publishes the workspace's Home (its
channels' subscriptions, the latest changes of the models they follow, its own overrides) within
Block Kit's limits; its question buttons open the answer `/modelcost` gives in a modal; a Slack or
database failure is a log line or an "unavailable" Home, never a crash."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import Engine, select

from bot import db
from bot.commands.ask import Context, respond
from bot.store.subscriptions import UNINSTALLED
from bot.store.tables import Subscription
from tests.fakeslack import FakeSlack
from tests.slack.blockkit import assert_valid_view
from tests.slack.conftest import USER, Served, post_signed, reply_of, visible_text

Serve = Callable[..., Served]
ADMIN = "U0ADMIN"


def home_opened(fake: FakeSlack, *, user: str = USER, tab: str = "home") -> bytes:
    """The body of Slack's event for a user opening the app's Home (or Messages) tab."""
    return json.dumps(
        {
            "token": "deprecated-verification-token",
            "team_id": fake.team_id,
            "api_app_id": "A0MODELCOST",
            "type": "event_callback",
            "event_id": f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "event": {
                "type": "app_home_opened",
                "user": user,
                "channel": "D0HOME",
                "tab": tab,
                "event_ts": "1.2",
            },
        }
    ).encode()


def open_home(served: Served, *, user: str = USER, count: int = 1) -> dict[str, Any]:
    """Open the Home tab; the view published (checked against Block Kit's limits) for `user`."""
    response = post_signed(served.url, home_opened(served.fake, user=user))
    assert response.status_code == 200, response.text
    call = served.fake.wait_for("views.publish", count)[count - 1]
    assert call.body["user_id"] == user
    view: dict[str, Any] = call.body["view"]
    assert_valid_view(view)
    return view


def press(
    served: Served, button: dict[str, Any], *, view_type: str = "home", view_id: str = "V0HOME"
) -> None:
    """Slack's block_actions for a button in a view (the Home tab or a modal): no channel nor response_url."""
    payload = {
        "type": "block_actions",
        "user": {"id": USER, "username": "alice", "team_id": served.fake.team_id},
        "api_app_id": "A0MODELCOST",
        "token": "deprecated-verification-token",
        "container": {"type": "view", "view_id": view_id},
        "trigger_id": "12345.67890.trigger",
        "team": {"id": served.fake.team_id, "domain": "fake"},
        "view": {"id": view_id, "type": view_type, "callback_id": "x", "hash": "1.1", "blocks": []},
        "actions": [
            {
                "action_id": button["action_id"],
                "block_id": "b1",
                "text": button["text"],
                "value": button["value"],
                "type": "button",
                "action_ts": "1.3",
            }
        ],
    }
    response = post_signed(served.url, urlencode({"payload": json.dumps(payload)}).encode())
    assert response.status_code == 200, response.text


def view_buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["text"]["text"]: e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}


def admin(channel: str = "C0ADMIN") -> Context:
    return Context.slack(ADMIN, channel, lambda _: True)


def set_status(engine: Engine, channel: str, status: str, reason: str) -> None:
    with db.transaction(engine) as session:
        sub = session.scalars(select(Subscription).where(Subscription.channel_id == channel)).one()
        sub.status, sub.status_reason = status, reason


def test_opening_home_shows_the_subscriptions_changes_and_overrides(
    serve: Serve, fresh_url: str, fresh: Engine
) -> None:
    respond(fresh, "subscribe o1 r1 above 5%", admin("C0PRICES"))
    respond(fresh, "subscribe", admin("C0ALL"))
    respond(fresh, "subscribe", admin("C0BROKEN"))
    respond(fresh, "subscribe", admin("C0GONE"))
    respond(fresh, "subscribe", admin("C0QUIET"))
    respond(fresh, "unsubscribe", admin("C0QUIET"))
    set_status(fresh, "C0BROKEN", "broken", "channel_not_found")
    set_status(fresh, "C0GONE", "disabled", UNINSTALLED)
    respond(fresh, "set o1 output 50", admin())
    respond(fresh, "alias team-default gpt-4o", admin())
    respond(fresh, "set sonnet score 1460", admin())
    served = serve(database_url=fresh_url)

    text = visible_text(open_home(served))

    assert "<#C0PRICES>: DeepSeek R1, o1 · moves of 5% or more · :large_green_circle: active" in text
    assert "<#C0ALL>: every model" in text
    assert "<#C0BROKEN>: every model · :warning: broken: channel_not_found" in text
    assert f"<#C0GONE>: every model · :no_entry_sign: disabled: {UNINSTALLED}" in text
    assert "C0QUIET" not in text  # it unsubscribed
    assert "*o1* at OpenAI: output $60 → $50 (-16.7%)" in text
    assert f"_(<@{ADMIN}>)_" in text
    assert f"*o1* at OpenAI: in $15 · out $50 · cached $7.50 _(set by <@{ADMIN}>" in text
    assert "`team-default` means *GPT-4o*" in text
    assert f"*Claude Sonnet 5.5* overall: 1460 _(set by <@{ADMIN}>" in text


def test_home_is_refreshed_each_time_it_is_opened(serve: Serve, fresh_url: str, fresh: Engine) -> None:
    served = serve(database_url=fresh_url)
    assert "No channel here gets price alerts yet" in visible_text(open_home(served))

    respond(fresh, "subscribe o1", admin("C0NEW"))
    respond(fresh, "set o1 output 45", admin())

    text = visible_text(open_home(served, count=2))
    assert "<#C0NEW>: o1" in text
    assert "output $60 → $45 (-25.0%)" in text


def test_an_empty_workspace_says_how_to_begin(slack: Served) -> None:
    view = open_home(slack)
    text = visible_text(view)

    assert "No channel here gets price alerts yet: type `/modelcost subscribe` in a channel." in text
    assert "Your channels follow no models yet" in text
    assert "this workspace sees the shared catalog as it is" in text
    assert set(view_buttons(view)) == {"Compare r1 vs o1", "Cheaper than o1", "All commands"}


def test_the_messages_tab_publishes_nothing(slack: Served) -> None:
    response = post_signed(slack.url, home_opened(slack.fake, tab="messages"))
    assert response.status_code == 200
    open_home(slack, user="U0BOB")
    time.sleep(0.3)  # the ignored event's lazy listener has long run
    assert [c.body["user_id"] for c in slack.fake.calls("views.publish")] == ["U0BOB"]


def test_many_subscriptions_and_overrides_stay_within_one_view(
    serve: Serve, fresh_url: str, fresh: Engine
) -> None:
    respond(fresh, "subscribe o1 r1 sonnet gpt-4o gemini mistral llama qwen kimi grok", admin("C0FIRST"))
    for i in range(40):
        respond(fresh, f"alias team-{i} gpt-4o", admin())
        respond(fresh, f"set o1 output {50 + i}", admin())
    with db.transaction(fresh) as session:  # after the changes: 6,000 alerts to queue would only cost time
        for i in range(150):
            session.add(Subscription(channel_id=f"C{i:04d}", model_ids=["o1"], created_by=ADMIN))
    served = serve(database_url=fresh_url)

    view = open_home(served)
    text = visible_text(view)

    assert len(view["blocks"]) <= 100
    assert "_… and 127 more_" in text  # 151 subscriptions: 24 shown
    assert "_… and 16 more_" in text  # 40 aliases: 24 shown
    assert "output $88 → $89 (+1.1%)" in text  # the newest change first


def test_a_question_opens_a_modal_with_the_commands_answer(
    slack: Served, signed_request: Callable[..., requests.Response]
) -> None:
    home = open_home(slack)
    typed = reply_of(signed_request("r1 vs o1"))

    press(slack, view_buttons(home)["Compare r1 vs o1"])
    [call] = slack.fake.wait_for("views.open")
    modal = call.body["view"]

    assert call.body["trigger_id"] == "12345.67890.trigger"
    assert_valid_view(modal)
    assert modal["type"] == "modal" and modal["title"]["text"] == "r1 vs o1"
    assert [b for b in modal["blocks"] if b["type"] != "actions"][:-1] == [
        b for b in typed["blocks"] if b["type"] != "actions"
    ]
    # Share needs a channel: only the buttons that ask another question stay.
    assert set(view_buttons(modal)) == {"Cheaper alternatives"}

    press(slack, view_buttons(modal)["Cheaper alternatives"], view_type="modal", view_id="V0MODAL")
    [update] = slack.fake.wait_for("views.update")
    assert update.body["view_id"] == "V0MODAL"
    assert update.body["view"]["blocks"][0]["text"]["text"] == "Cheaper than o1"
    assert_valid_view(update.body["view"])


def test_a_question_needing_a_channel_says_so_in_the_modal(slack: Served) -> None:
    press(
        slack,
        {
            "action_id": "modelcost_home_ask_9",
            "text": {"type": "plain_text", "text": "x"},
            "value": "subscribe",
        },
    )
    [call] = slack.fake.wait_for("views.open")
    assert_valid_view(call.body["view"])
    assert "channel" in visible_text(call.body["view"]).lower()


def test_a_failing_views_publish_is_logged_and_nothing_crashes(
    slack: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.slack.listeners.home")
    slack.fake.fail("views.publish", "not_enabled")

    response = post_signed(slack.url, home_opened(slack.fake))
    assert response.status_code == 200
    slack.fake.wait_for("views.publish")
    _wait_for_log(caplog, f"publishing the Home of {USER} failed: Slack said not_enabled")

    assert "No channel here gets price alerts yet" in visible_text(open_home(slack, count=2))


def test_a_failing_views_open_is_logged(slack: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.slack.listeners.home")
    slack.fake.fail("views.open", "expired_trigger_id")
    press(slack, view_buttons(open_home(slack))["Cheaper than o1"])
    _wait_for_log(
        caplog, "opening the answer to 'cheaper o1' for U0ALICE failed: Slack said expired_trigger_id"
    )


def test_an_unreachable_database_publishes_an_unavailable_home(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    served = serve(database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    text = visible_text(open_home(served))
    assert "The price catalog is unavailable right now: open this tab again in a minute." in text


def test_price_moves_show_percentages(serve: Serve, fresh_url: str, fresh: Engine) -> None:
    respond(fresh, "subscribe o1", admin("C0O1"))
    respond(fresh, "subscribe r1", admin("C0R1"))
    respond(fresh, "set gpt-4o output 20", admin())  # a model no channel follows
    respond(fresh, "set o1 input 12 output 66", admin())
    served = serve(database_url=fresh_url)

    text = visible_text(open_home(served))

    assert "input $15 → $12 (-20.0%); output $60 → $66 (+10.0%)" in text
    assert "GPT-4o" not in text.split("Latest price changes")[1].split("own prices")[0]


def _wait_for_log(caplog: pytest.LogCaptureFixture, line: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(line in r.getMessage() for r in caplog.records):
            return
        time.sleep(0.05)
    raise AssertionError(f"no log line {line!r}; got {[r.getMessage() for r in caplog.records]}")
