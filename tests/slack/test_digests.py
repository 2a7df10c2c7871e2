"""Digests (issue 28): one message per period listing what changed for the models a channel follows,
nothing when nothing changed, a move and its move back not reported, per-change alerts marked or turned
off (`alerts digest-only`). The clock is moved by the pass's `now`, never by sleeping."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot import db
from bot.alerts import digests
from bot.alerts import digests as alert_digests
from bot.alerts.worker import Worker
from bot.commands.ask import Context, respond
from bot.contract.actor import Actor
from bot.contract.errors import UserError
from bot.domain.digests import next_instant
from bot.domain.prices import PriceData
from bot.read.current import current
from bot.read.questions import find_alternatives, show_model
from bot.render.text import to_text
from bot.slackapi.clients import web_client
from bot.store.prices import new_change, record_price
from bot.store.subscriptions import family_members
from bot.store.tables import Alert, Model, Offering, utcnow
from tests.fakeslack import FakeSlack
from tests.slack.blockkit import assert_valid

ADMIN = Context.slack("UADMIN", "CADMIN", lambda _: True)
NEXT = next_instant("weekly", 0, "09:00", "UTC", utcnow())  # the first Monday 09:00 UTC to come


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def say(engine: Engine, text: str, channel: str = "C1") -> str:
    """The reply, or the refusal, as the terminal shows it."""
    try:
        return to_text(respond(engine, text, Context.slack("UMEMBER", channel, lambda _: False)))
    except UserError as exc:
        return str(exc)


def admin(engine: Engine, text: str) -> None:
    respond(engine, text, ADMIN)


def output_price(engine: Engine, model: str) -> Decimal:
    price = show_model(current(engine), model).model.price.output_mtok
    assert price is not None
    return price


def deliver(engine: Engine, slack: FakeSlack) -> list[dict[str, Any]]:
    Worker(engine, web_client(slack.api_url, "xoxb-test", bounded=True), channel_interval=0).run_once()
    return [c.body for c in slack.calls("chat.postMessage")]


@pytest.mark.engines
def test_a_week_with_three_changes_is_one_message_and_a_quiet_week_none(
    fresh: Engine, slack: FakeSlack
) -> None:
    say(fresh, "subscribe gpt-5.5, claude-sonnet-5.5")
    reply = say(fresh, "subscribe digest weekly")
    assert "Digest: Mondays 09:00 UTC, when something changed." in reply
    assert "only the digest" in say(fresh, "alerts digest-only")
    sonnet_output = output_price(fresh, "claude-sonnet-5.5")
    admin(fresh, "set gpt-5.5 output 9")
    quality = show_model(current(fresh), "gpt-5.5").model.quality
    assert quality is not None
    admin(fresh, f"set gpt-5.5 score {quality.score + 1}")  # (a bigger move could change its alternative)
    admin(fresh, "set claude-sonnet-5.5 input 3")
    admin(fresh, f"set claude-sonnet-5.5 output {sonnet_output + 5}")  # moves ...
    admin(fresh, f"set claude-sonnet-5.5 output {sonnet_output}")  # ... and moves back
    assert digests.plan(fresh, NEXT - timedelta(hours=1)) == 0  # not yet Monday 09:00
    assert digests.plan(fresh, NEXT + timedelta(hours=1)) == 1
    assert digests.plan(fresh, NEXT + timedelta(hours=1)) == 0  # a second worker: already digested
    [post] = deliver(fresh, slack)  # digest-only: no alert per change
    assert_valid(post)
    assert post["text"].startswith("📋 Weekly digest: 3 changes.")
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    assert "*GPT-5.5* at OpenAI: output" in shown and f"team overall none → {quality.score + 1}" in shown
    sonnet = next(line for line in shown.split("\\n") if "Claude Sonnet 5.5" in line)
    assert "input" in sonnet and "output" not in sonnet  # the output moved and moved back
    assert digests.plan(fresh, NEXT + timedelta(days=7, hours=1)) == 0  # a quiet week: nothing
    assert len(deliver(fresh, slack)) == 1


def test_the_digest_marks_what_was_alerted_and_lists_moves_below_the_threshold(
    fresh: Engine, slack: FakeSlack
) -> None:
    say(fresh, "subscribe gpt-5.5 above 5%")
    say(fresh, "subscribe digest daily 08:30 Europe/Berlin")
    price = output_price(fresh, "gpt-5.5")
    admin(fresh, f"set gpt-5.5 output {price * 2}")  # alerted at once
    admin(fresh, f"set gpt-5.5 at openrouter output {price * Decimal('1.01')}")  # below 5%: digest only
    alerts = deliver(fresh, slack)
    assert len(alerts) == 1 and alerts[0]["text"].startswith("Price change by")
    end = next_instant("daily", 0, "08:30", "Europe/Berlin", utcnow())
    assert digests.plan(fresh, end + timedelta(minutes=1)) == 1
    post = deliver(fresh, slack)[-1]
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    lines = [line.split('"')[0] for line in shown.split("\\n") if "GPT-5.5" in line]
    assert any("at OpenAI:" in line and "_(alerted)_" in line for line in lines)
    assert any("at OpenRouter:" in line and "_(alerted)_" not in line for line in lines)
    assert "Europe/Berlin" in shown


def test_digest_commands_need_a_subscription_and_unsubscribe_digest_stops_it(fresh: Engine) -> None:
    assert "follows nothing yet" in say(fresh, "subscribe digest weekly")
    say(fresh, "subscribe o3")
    assert "needs a digest first" in say(fresh, "alerts digest-only")
    assert "Fridays 16:00 Europe/Berlin" in say(fresh, "subscribe digest weekly fri 16:00 europe/berlin")
    reply = say(fresh, "unsubscribe digest")
    assert "Digest" not in reply and reply.startswith("Subscribed: this channel gets alerts for o3.")
    admin(fresh, "set o3 output 9")
    assert digests.plan(fresh, NEXT + timedelta(days=8)) == 0
    with db.session_factory(fresh)() as s:
        assert [a.payload.get("type") for a in s.scalars(select(Alert))] == [None]  # the price alert only


def test_two_workers_digesting_at_once_on_postgresql_queue_one_digest(pg_fresh: Engine) -> None:
    say(pg_fresh, "subscribe gpt-5.5")
    say(pg_fresh, "subscribe digest weekly")
    admin(pg_fresh, "set gpt-5.5 output 9")
    start = threading.Barrier(4)
    counts: list[int] = []

    def planner() -> None:
        start.wait()
        counts.append(digests.plan(pg_fresh, NEXT + timedelta(hours=1)))

    threads = [threading.Thread(target=planner) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 1
    with db.session_factory(pg_fresh)() as s:
        kinds = [a.payload.get("type") for a in s.scalars(select(Alert).order_by(Alert.id))]
    assert kinds == [None, "digest"]  # the price alert, then one digest


def test_a_changed_cheapest_comparable_alternative_is_news(fresh: Engine, slack: FakeSlack) -> None:
    say(fresh, "subscribe gpt-5.5")
    say(fresh, "subscribe digest weekly")
    assert digests.plan(fresh, NEXT - timedelta(days=7) + timedelta(hours=1)) == 0  # records today's
    before = find_alternatives(current(fresh), "gpt-5.5").alternatives
    assert len(before) >= 2
    runner_up = before[1].model
    admin(fresh, f"set {runner_up.id} input 0.001 output 0.001")
    assert digests.plan(fresh, NEXT + timedelta(hours=1)) == 1
    [post] = deliver(fresh, slack)
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    assert "*Cheapest comparable open alternative*" in shown
    assert f"*GPT-5.5*: {before[0].model.name} → {runner_up.name} ($" in shown


def test_a_new_member_of_a_followed_family_is_news(
    fresh: Engine, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    say(fresh, "subscribe family sonnet")
    say(fresh, "subscribe digest weekly")
    # A release later: the feed prices a new Sonnet, and data/catalog.toml lists it in the family.
    with db.transaction(fresh) as s:
        s.add(
            Model(id="claude-sonnet-6", name="Claude Sonnet 6", lab="Anthropic", lab_provider_id="anthropic")
        )
        s.flush()
        offering = Offering(
            provider_id="anthropic", provider_model_id="claude-sonnet-6", model_id="claude-sonnet-6"
        )
        s.add(offering)
        s.flush()
        change = new_change(s, "sync", Actor(kind="feed", id="https://feed.test/prices"))
        record_price(s, offering, PriceData(input_mtok=Decimal(3), output_mtok=Decimal(15)), change)
    members = family_members()
    monkeypatch.setattr(
        alert_digests,
        "family_members",
        lambda: {**members, "claude-sonnet": [*members["claude-sonnet"], "claude-sonnet-6"]},
    )
    assert digests.plan(fresh, NEXT + timedelta(hours=1)) == 1
    [post] = deliver(fresh, slack)
    assert post["text"].startswith("📋 Weekly digest: 1 change.")  # the seeded members are not news
    assert "*New in followed families*" in json.dumps(post["blocks"], ensure_ascii=False)
    assert "Claude Sonnet 6" in post["text"]
