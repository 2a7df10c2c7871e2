"""Admin commands, history and subscriptions through the real HTTP app and a fake Slack Web API."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import responses
from sqlalchemy import Engine, func, select

from bot import db
from bot.alerts.worker import Worker
from bot.slackapi.clients import web_client
from bot.store.tables import Change, Offering, Price
from tests.slack.conftest import Served, answer_of, command_body, post_signed, visible_text

ADMIN, MEMBER = "U0ADMIN", "U0MEMBER"
FEED = "https://feed.example/v2/data.json"


def user_info(user: str, team: str = "T0FAKE", **flags: Any) -> dict[str, Any]:
    """Slack's users.info answer for a user of `team` (the fake's own, by default)."""
    return {
        "ok": True,
        "user": {
            "id": user,
            "team_id": team,
            "name": user.lower(),
            "is_admin": False,
            "is_bot": False,
            **flags,
        },
    }


@pytest.fixture
def app(serve: Callable[..., Served], fresh_url: str) -> Served:
    return serve(database_url=fresh_url, settings={"feed_url": FEED})


def send(app: Served, text: str, *, user: str = MEMBER, channel: str = "C0GENERAL") -> dict[str, Any]:
    """What the user reads in reply to `/modelcost text` (conftest.answer_of)."""
    reply_id = f"r{time.monotonic_ns()}"
    url = app.fake.response_url(reply_id)
    body = command_body(app.fake, text, user=user, channel=channel, response_url=url)
    return answer_of(app.fake, post_signed(app.url, body), reply_id)


def o1_output(engine: Engine) -> Decimal:
    with db.session_factory(engine)() as s:
        row = s.scalars(
            select(Price)
            .join(Offering)
            .where(Offering.provider_id == "openai", Offering.provider_model_id == "o1")
            .order_by(Price.id.desc())
        ).first()
    assert row is not None and row.output_mtok is not None
    return row.output_mtok


def changes(engine: Engine) -> int:
    with db.session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(Change)) or 0


@pytest.mark.engines
def test_an_admin_sets_a_price_and_the_channel_gets_one_alert(app: Served, fresh: Engine) -> None:
    app.fake.reply("users.info", user_info(ADMIN, is_admin=True, profile={"display_name": "Ada"}))
    assert "Subscribed" in visible_text(send(app, "subscribe", channel="C0PRICES"))
    reply = send(app, "set o1 output 50", user=ADMIN)
    shown = visible_text(reply)
    assert "Price updated: o1 at OpenAI" in shown
    assert "output $60 → $50 (-16.7%)" in shown
    assert f"By <@{ADMIN}>" in context_text(reply)  # the reply to the admin mentions them
    assert o1_output(fresh) == Decimal("50")
    Worker(fresh, web_client(app.fake.api_url, "xoxb-test", bounded=True), channel_interval=0).run_once()
    Worker(fresh, web_client(app.fake.api_url, "xoxb-test", bounded=True), channel_interval=0).run_once()
    [alert] = app.fake.calls("chat.postMessage")
    assert alert.body["channel"] == "C0PRICES"
    assert "$60 → $50" in alert.body["text"] and "Price change by Ada" in alert.body["text"]
    assert "<@" not in json.dumps(alert.body)  # the channel's alert pings nobody
    history = send(app, "history o1")
    assert "output $60 → $50 (-16.7%)" in visible_text(history)
    assert f"(<@{ADMIN}>)" in json.dumps(history["blocks"])


def context_text(message: dict[str, Any]) -> str:
    """The mrkdwn of the message's context blocks, as sent."""
    return "\n".join(e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"])


@pytest.mark.parametrize(
    "flags",
    [{}, {"is_restricted": True}, {"is_ultra_restricted": True}, {"is_admin": True, "deleted": True}],
    ids=["member", "guest", "single-channel-guest", "deleted-admin"],
)
@pytest.mark.parametrize("text", ["set o1 output 1", "alias cheapo o1", "sync"])
def test_non_admins_are_refused_and_nothing_changes(
    app: Served, fresh: Engine, flags: dict, text: str
) -> None:  # type: ignore[type-arg]
    app.fake.reply("users.info", user_info(MEMBER, **flags))
    before = changes(fresh), o1_output(fresh)
    shown = visible_text(send(app, text))
    assert "Only workspace admins and owners" in shown and "Nothing was changed" in shown
    assert (changes(fresh), o1_output(fresh)) == before
    assert "I don't know a model called 'cheapo'" in visible_text(send(app, "cheapo"))  # no alias made


def test_admin_users_from_the_environment_need_no_lookup(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine
) -> None:
    app = serve(database_url=fresh_url, settings={"admin_users": frozenset({"U0OPS"})})
    assert "Price updated" in visible_text(send(app, "set o1 input 14", user="U0OPS"))
    assert app.fake.calls("users.info") == []


def test_a_team_qualified_admin_user_is_an_admin_of_that_team_only(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine
) -> None:
    users = frozenset({"T0FAKE:U0OPS", "T0ELSE:U0OTHER"})  # the fake's workspace is T0FAKE
    app = serve(database_url=fresh_url, settings={"admin_users": users})
    assert "Price updated" in visible_text(send(app, "set o1 input 14", user="U0OPS"))
    assert app.fake.calls("users.info") == []
    refused = visible_text(send(app, "set o1 output 13", user="U0OTHER"))
    assert "Only workspace admins and owners" in refused and o1_output(fresh) == Decimal(60)


def test_admin_status_is_cached(app: Served) -> None:
    app.fake.reply("users.info", user_info(ADMIN, is_admin=True))
    send(app, "set o1 output 50", user=ADMIN)
    send(app, "set o1 output 51", user=ADMIN)
    assert len(app.fake.calls("users.info")) == 1


def test_a_malformed_set_gets_the_accepted_forms(app: Served, fresh: Engine) -> None:
    app.fake.reply("users.info", user_info(ADMIN, is_admin=True))
    before = changes(fresh)
    shown = visible_text(send(app, "set o1 output -3", user=ADMIN))
    assert "set o1 input 15 output 60 cached 7.5" in shown
    assert changes(fresh) == before


def test_aliases(app: Served) -> None:
    app.fake.reply("users.info", user_info(ADMIN, is_admin=True))
    assert "now means GPT-4o" in visible_text(send(app, "alias cheapfour gpt-4o", user=ADMIN))
    assert "GPT-4o" in visible_text(send(app, "cheapfour"))
    assert "Removed the alias" in visible_text(send(app, "unalias cheapfour", user=ADMIN))
    assert "I don't know a model called 'cheapfour'" in visible_text(send(app, "cheapfour"))


def test_subscriptions_in_slack(app: Served) -> None:
    assert "no subscription" in visible_text(send(app, "subscriptions", channel="C1"))
    assert "Subscribed" in visible_text(send(app, "subscribe o1 r1 above 5%", channel="C1"))
    shown = visible_text(send(app, "subscriptions", channel="C1"))
    assert "deepseek-r1" in shown and "o1" in shown and "at least 5%" in shown
    assert "no more price-change alerts" in visible_text(send(app, "unsubscribe", channel="C1"))
    assert "no subscription" in visible_text(send(app, "subscriptions", channel="C1"))


def test_an_admin_syncs_from_slack(app: Served, fresh: Engine) -> None:
    app.fake.reply("users.info", user_info(ADMIN, is_admin=True))
    with responses.RequestsMock() as mock:
        mock.add_passthru("http://127.0.0.1")
        mock.add(responses.GET, FEED, body=json.dumps({"not": "a feed"}), status=200)
        shown = visible_text(send(app, "sync", user=ADMIN))
    assert "REJECTED, nothing was changed" in shown and "not the expected shape" in shown
    status = visible_text(send(app, "sync status"))  # anyone can see what the syncs did, and why
    assert "rejected (the feed is not the expected shape" in status
