"""A retirement notice's buttons, clicked in Slack (the real WSGI app, a fake Slack): Compare them answers
privately with the model, its successor and the alternative; Follow … instead, confirmed in Slack,
switches the channel's subscription to the successor (issue 28)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from bot import db
from bot.alerts import countdowns
from bot.alerts.worker import Worker
from bot.commands.ask import Context, respond
from bot.domain.lifecycle import today
from bot.slackapi.clients import web_client
from bot.store.tables import Offering, Subscription
from tests.slack.blockkit import assert_valid
from tests.slack.conftest import CHANNEL, USER, Served, buttons, visible_text

RETIRES = today() + timedelta(days=31)


@pytest.fixture
def slack(serve: Callable[..., Served], fresh_url: str) -> Served:
    return serve(database_url=fresh_url)


def _posted(slack: Served) -> dict[str, Any]:
    [call] = slack.fake.wait_for("response")
    assert_valid(call.body)
    return call.body


def test_the_notices_buttons_compare_and_switch_to_the_successor(
    slack: Served, fresh: Engine, click: Callable[..., Any]
) -> None:
    with db.transaction(fresh) as s:
        s.execute(update(Offering).where(Offering.provider_model_id == "o1").values(retires_on=RETIRES))
    respond(fresh, "subscribe o1", Context.slack(USER, CHANNEL, lambda _: False))
    countdowns.plan(fresh, datetime.combine(RETIRES - timedelta(days=7), time(10), tzinfo=UTC))
    Worker(fresh, web_client(slack.fake.api_url, "xoxb-test", bounded=True), channel_interval=0).run_once()
    [notice] = slack.fake.calls("chat.postMessage")
    shown = buttons(notice.body)

    click(shown["Compare them"])
    compared = _posted(slack)
    assert compared["response_type"] == "ephemeral"
    assert compared["blocks"][0]["text"]["text"].startswith("o1 vs GPT-5.6 Sol vs ")

    slack.fake.reset()
    # o1's successor: the replacement OpenAI's deprecations page names (data/lifecycle.toml, issue 25).
    click(shown["Follow GPT-5.6 Sol instead"])
    switched = _posted(slack)
    assert "Subscribed: this channel gets alerts for gpt-5.6-sol." in visible_text(switched)
    with db.session_factory(fresh)() as s:
        assert s.scalars(select(Subscription.model_ids)).one() == ["gpt-5.6-sol"]
