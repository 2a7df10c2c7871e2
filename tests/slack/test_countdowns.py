"""Retirement countdowns (issue 28): a channel following a model or a family hears when it is deprecated
and 30, 7 and 1 days before its lab's API retires it, each once, through the outbox and a fake Slack.
The clock is moved by the pass's `now` (`modelcost worker --once --now`), never by sleeping."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import responses
from sqlalchemy import Engine, select, update

from bot import db
from bot.alerts import countdowns
from bot.alerts.worker import Worker
from bot.commands.ask import Context, respond
from bot.domain.lifecycle import today
from bot.feeds import crosscheck
from bot.render.text import to_text
from bot.slackapi.clients import web_client
from bot.store.tables import Alert, Notice, Offering
from tests.fakeslack import FakeSlack
from tests.slack.blockkit import assert_valid
from tests.sync import litellm_files

TODAY = today()
RETIRES = TODAY + timedelta(days=31)


@pytest.fixture
def fresh(fresh_built: Engine) -> Engine:
    """Retirement days are set here by hand-written SQL before the first question, which moves no
    catalog version: the snapshot is built from this copy, not taken from the template (conftest)."""
    return fresh_built


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def feed() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def subscribe(engine: Engine, text: str, channel: str = "C1") -> str:
    return to_text(respond(engine, text, Context.slack("UMEMBER", channel, lambda _: False)))


def retire(engine: Engine, offering: str, on: date | None) -> None:
    """The lab's offering retires on `on`, as a lifecycle source says (set before the first read)."""
    provider, model = offering.split(":", 1)
    with db.transaction(engine) as s:
        s.execute(
            update(Offering)
            .where(Offering.provider_id == provider, Offering.provider_model_id == model)
            .values(retires_on=on)
        )


def worker(engine: Engine, slack: FakeSlack) -> Worker:
    return Worker(engine, web_client(slack.api_url, "xoxb-test", bounded=True), channel_interval=0)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def posts(slack: FakeSlack) -> list[dict[str, Any]]:
    return [c.body for c in slack.calls("chat.postMessage")]


@pytest.mark.engines
def test_30_7_and_1_days_before_each_once_across_two_workers_and_a_restart(
    fresh: Engine, slack: FakeSlack
) -> None:
    retire(fresh, "openai:o1", RETIRES)
    reply = subscribe(fresh, "subscribe o1")
    # o1's successor is the replacement OpenAI's deprecations page names (data/lifecycle.toml, issue 25).
    assert f"o1 is deprecated: its lab retires it on {RETIRES.isoformat()}. Successor: GPT-5.6 Sol." in reply
    first, second = worker(fresh, slack), worker(fresh, slack)
    seen: dict[int, list[str]] = {}
    for offset in (0, 1, 2, 23, 24, 25, 29, 30, 31, 32):
        now = at(TODAY + timedelta(days=offset))
        countdowns.plan(fresh, now)  # two workers plan the same day ...
        countdowns.plan(fresh, now)
        if offset == 24:
            second = worker(fresh, slack)  # ... and one restarts
        before = len(posts(slack))
        first.run_once()
        second.run_once()
        seen[offset] = [p["text"] for p in posts(slack)[before:]]
    assert {d: t for d, t in seen.items() if t} == {
        1: [seen[1][0]],
        24: [seen[24][0]],
        30: [seen[30][0]],
    }
    assert seen[1][0].startswith("⏳ o1 retires in 30 days.")
    assert seen[24][0].startswith("⏳ o1 retires in 7 days.")
    assert seen[30][0].startswith("⏳ o1 retires in 1 day.")
    with db.session_factory(fresh)() as s:
        assert [a.status for a in s.scalars(select(Alert))] == ["sent"] * 3


@pytest.mark.engines
def test_a_worker_down_for_10_days_catches_up_with_one_message(fresh: Engine, slack: FakeSlack) -> None:
    retire(fresh, "openai:o1", RETIRES)
    subscribe(fresh, "subscribe o1")
    # Down from before the 30-day mark until 6 days before: the 30- and 7-day notices are both due.
    assert countdowns.plan(fresh, at(TODAY + timedelta(days=25))) == 1
    assert worker(fresh, slack).run_once() == 1
    assert countdowns.plan(fresh, at(TODAY + timedelta(days=26))) == 0
    [post] = posts(slack)
    assert post["text"].startswith("⏳ o1 retires in 6 days.")
    assert countdowns.plan(fresh, at(TODAY + timedelta(days=30))) == 1  # the 1-day one still comes


def test_the_notice_names_the_successor_and_the_alternative_with_their_workload_cost(
    fresh: Engine, slack: FakeSlack
) -> None:
    retire(fresh, "openai:o1", RETIRES)
    subscribe(fresh, "subscribe o1")
    countdowns.plan(fresh, at(TODAY + timedelta(days=24)))
    worker(fresh, slack).run_once()
    [post] = posts(slack)
    assert_valid(post)
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    assert "Successor GPT-5.6 Sol: $" in shown and "Cheapest comparable open model, " in shown
    assert "10M input + 2M output tokens" in shown
    actions = next(b for b in post["blocks"] if b["type"] == "actions")["elements"]
    assert [b["text"]["text"] for b in actions] == ["Compare them", "Follow GPT-5.6 Sol instead"]
    assert actions[0]["value"].startswith("o1 vs gpt-5.6-sol vs ")
    assert actions[1]["value"] == "subscribe gpt-5.6-sol instead of o1"
    assert "confirm" in actions[1]


def test_the_switch_button_follows_the_successor_instead(fresh: Engine) -> None:
    subscribe(fresh, "subscribe o3, r1 above 5%")
    reply = subscribe(fresh, "subscribe gpt-5.5 instead of o3")
    assert reply.startswith("Subscribed: this channel gets alerts for deepseek-r1, gpt-5.5, moves of at")


def test_a_deprecation_announced_by_a_feed_sync_alerts_once(
    fresh: Engine, slack: FakeSlack, feed: responses.RequestsMock
) -> None:
    reply = subscribe(fresh, "subscribe family haiku")
    assert "the claude-haiku family" in reply
    assert countdowns.plan(fresh, at(TODAY)) == 0  # nothing new: what was deprecated, the reply said
    data = litellm_files.shipped()
    data[litellm_files.HAIKU] |= {"deprecation_date": (TODAY + timedelta(days=60)).isoformat()}
    feed.get(litellm_files.URL, body=litellm_files.body(data))
    assert crosscheck.FEED.sync(fresh, litellm_files.URL).status == "applied"
    assert countdowns.plan(fresh, at(TODAY)) == 1
    assert countdowns.plan(fresh, at(TODAY)) == 0
    assert worker(fresh, slack).run_once() == 1
    [post] = posts(slack)
    assert post["text"].startswith("⚠️ Claude Haiku 4.5 is deprecated.")
    assert_valid(post)
    assert countdowns.plan(fresh, at(TODAY + timedelta(days=1))) == 0


def test_a_followed_familys_members_are_counted_down(fresh: Engine) -> None:
    retire(fresh, "anthropic:claude-sonnet-5-5", TODAY + timedelta(days=7))
    subscribe(fresh, "subscribe family sonnet")
    with db.session_factory(fresh)() as s:  # the reply said so: marked as told
        assert ("claude-sonnet-5.5", None) in {(n.model_id, n.alert_id) for n in s.scalars(select(Notice))}
    assert countdowns.plan(fresh, at(TODAY + timedelta(days=1))) == 0  # 30 and 7 days: the reply
    assert countdowns.plan(fresh, at(TODAY + timedelta(days=6))) == 1


def test_a_notice_without_a_successor_says_so_and_offers_no_switch(fresh: Engine, slack: FakeSlack) -> None:
    # o3 has a lab-named replacement since issue 25 (data/lifecycle.toml); GPT-5.5 has none.
    retire(fresh, "openai:gpt-5.5", RETIRES)
    subscribe(fresh, "subscribe gpt-5.5")
    assert countdowns.plan(fresh, at(RETIRES - timedelta(days=1))) == 1
    worker(fresh, slack).run_once()
    [post] = posts(slack)
    assert_valid(post)
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    assert "retires at its lab's API on *" + RETIRES.isoformat() + "* (in 1 day)" in shown
    assert "The catalog names no successor for it." in shown and "instead of" not in shown


def test_a_channel_following_every_model_gets_no_countdowns(fresh: Engine) -> None:
    retire(fresh, "openai:o1", RETIRES)
    subscribe(fresh, "subscribe")
    assert countdowns.plan(fresh, at(TODAY + timedelta(days=1))) == 0


def test_two_workers_planning_at_once_on_postgresql_queue_each_notice_once(pg_fresh: Engine) -> None:
    retire(pg_fresh, "openai:o1", RETIRES)
    for channel in ("C1", "C2", "C3", "C4"):
        subscribe(pg_fresh, "subscribe o1", channel)
    start = threading.Barrier(4)
    counts: list[int] = []

    def planner() -> None:
        start.wait()
        counts.append(countdowns.plan(pg_fresh, at(TODAY + timedelta(days=1))))

    threads = [threading.Thread(target=planner) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 4  # one 30-day notice per channel, whoever queued it
    with db.session_factory(pg_fresh)() as s:
        assert sorted(a.channel_id for a in s.scalars(select(Alert))) == ["C1", "C2", "C3", "C4"]
