"""Many workspaces through the real HTTP app (oauth mode) and the fake Slack: two workspaces install;
A's admin changes o1's price for A only (A's answers and A's subscribed channels, with A's token), B
still sees the shared price, hears nothing and doesn't see A's change in `history`; a feed sync alerts
both, each with its own token; uninstalling A cancels its pending alerts and leaves B untouched."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import responses

from bot import db
from bot.alerts.worker import Worker
from bot.config import Settings
from bot.feeds import prices
from bot.slackapi.clients import web_client
from bot.slackapi.installs import Installs
from tests.pgcluster import Cluster, throwaway_cluster
from tests.slack.conftest import Served, answer_of, reply_of, visible_text
from tests.slack.test_oauth import OAUTH, command, event, install
from tests.sync import feeds

BOSS_A = "UBOSSA"  # A's admin by MODELCOST_ADMIN_USERS, as TA:UBOSSA (the fake's users.info says nobody is)


@pytest.fixture
def hosted(serve: Callable[..., Served], fresh_url: str) -> Served:
    app = serve(database_url=fresh_url, settings={**OAUTH, "admin_users": frozenset({f"TA:{BOSS_A}"})})
    assert install(app, "code-a", "TA").status_code == 200
    assert install(app, "code-b", "TB").status_code == 200
    return app


def said(app: Served, text: str, team: str, **fields: str) -> str:
    """What the user reads: the answer in the ack, or posted to the response_url (conftest.answer_of)."""
    reply_id = f"r{time.monotonic_ns()}"
    response = command(app, text, team, response_url=app.fake.response_url(reply_id), **fields)
    return visible_text(answer_of(app.fake, response, reply_id))


def deliver(
    app: Served, settings: Callable[..., Settings], database_url: str
) -> list[tuple[str, str | None, str]]:
    """Run the alert worker as `modelcost worker` does in oauth mode: (channel, token, text) posted."""
    config = settings(**OAUTH, database_url=database_url)
    engine = db.engine_for(database_url)
    before = len(app.fake.calls("chat.postMessage"))
    worker = Worker(
        engine,
        web_client(config.slack_api_url, None, bounded=True),
        channel_interval=0,
        tokens=Installs(config, engine).bot_token,
    )
    worker.run_once()
    return [(c.body["channel"], c.token, c.body["text"]) for c in app.fake.calls("chat.postMessage")[before:]]


def both_subscribe_then_the_feed_moves_o1(app: Served, database_url: str) -> None:
    """A's channel CA and B's CB subscribe to o1; then a sync of the genai-prices feed (mocked) moves o1's
    output price at OpenAI from $60 to $65."""
    said(app, "subscribe o1", "TA", channel="CA")
    said(app, "subscribe o1", "TB", channel="CB")
    feed = feeds.set_price(feeds.snapshot_feed(), "openai", "o1", output_mtok=65.0)
    with responses.RequestsMock() as mock:
        mock.get(feeds.URL, body=feeds.body(feed))
        assert prices.FEED.sync(db.engine_for(database_url), feeds.URL).status == "applied"


def token_of(app: Served, team: str) -> str:
    return app.fake.tokens(team)[-1]


@pytest.mark.engines
def test_a_workspace_admin_change_is_seen_and_heard_only_in_that_workspace(
    hosted: Served, fresh_url: str, make_settings: Callable[..., Settings]
) -> None:
    assert "subscribed" in said(hosted, "subscribe o1", "TA", channel="CA").lower()
    assert "subscribed" in said(hosted, "subscribe o1", "TB", channel="CB").lower()

    reply = said(hosted, "set o1 output 50", "TA", user=BOSS_A)
    assert "$60 → $50" in reply

    assert "$50" in said(hosted, "o1", "TA") and "$60" not in said(hosted, "o1", "TA").split("Output")[0]
    in_b = said(hosted, "o1", "TB")
    assert "$60" in in_b and "$50" not in in_b
    assert "$50" not in said(hosted, "history o1", "TB") and "$50" in said(hosted, "history o1", "TA")

    posts = deliver(hosted, make_settings, fresh_url)
    assert [(c, t) for c, t, _ in posts] == [("CA", token_of(hosted, "TA"))]
    assert "$60 → $50" in posts[0][2]


def test_a_feed_sync_alerts_every_workspace_with_its_own_token(
    hosted: Served, fresh_url: str, make_settings: Callable[..., Settings]
) -> None:
    both_subscribe_then_the_feed_moves_o1(hosted, fresh_url)

    posts = deliver(hosted, make_settings, fresh_url)

    assert sorted((c, t) for c, t, _ in posts) == [
        ("CA", token_of(hosted, "TA")),
        ("CB", token_of(hosted, "TB")),
    ]
    assert all("$60 → $65" in text for *_, text in posts)
    # The web worker sees another process's change within a second or so (its snapshot's poll).
    deadline = time.monotonic() + 10
    while "$65" not in said(hosted, "o1", "TB") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "$65" in said(hosted, "o1", "TA") and "$65" in said(hosted, "o1", "TB")


@pytest.mark.engines
def test_uninstalling_a_cancels_its_pending_alerts_and_b_still_gets_its_own(
    hosted: Served, fresh_url: str, make_settings: Callable[..., Settings]
) -> None:
    both_subscribe_then_the_feed_moves_o1(hosted, fresh_url)

    event(hosted, "app_uninstalled", "TA")

    posts = deliver(hosted, make_settings, fresh_url)
    assert [(c, t) for c, t, _ in posts] == [("CB", token_of(hosted, "TB"))]
    with db.engine_for(fresh_url).connect() as conn:
        statuses = dict(conn.exec_driver_sql("SELECT channel_id, status FROM alerts").all())
        subs = dict(conn.exec_driver_sql("SELECT channel_id, status FROM subscriptions").all())
        bots = sorted(t for (t,) in conn.exec_driver_sql("SELECT team_id FROM slack_bots"))
    assert statuses == {"CA": "cancelled", "CB": "sent"}
    assert subs == {"CA": "disabled", "CB": "active"}
    assert bots == ["TB"]  # A's tokens are gone, B's kept


def test_each_workspace_home_shows_its_own_overrides_with_its_own_token(hosted: Served) -> None:
    said(hosted, "set o1 output 50", "TA", user=BOSS_A)
    event(hosted, "app_home_opened", "TA", user="UA", tab="home")
    event(hosted, "app_home_opened", "TB", user="UB", tab="home")

    published = {c.token: c for c in hosted.fake.wait_for("views.publish", 2)}

    home_a = visible_text(published[token_of(hosted, "TA")].body)
    home_b = visible_text(published[token_of(hosted, "TB")].body)
    assert "$50" in home_a and "o1" in home_a
    assert "$50" not in home_b


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as c:
        yield c


@pytest.mark.alone
def test_a_database_outage_in_oauth_mode_never_gets_a_5xx(
    serve: Callable[..., Served], cluster: Cluster
) -> None:
    """A workspace this worker served keeps its answers (from the snapshot, marked); one it never
    served gets "unavailable" (its installation can't be read); both are answered again once
    PostgreSQL is back."""
    app = serve(database_url=cluster.url, settings=OAUTH)
    install(app, "code-a", "TA")
    install(app, "code-b", "TB")
    assert "27.4x" in said(app, "r1 vs o1", "TA")
    cluster.stop()
    time.sleep(2.5)  # the worker's background check (once a second) finds the database gone

    stale = said(app, "r1 vs o1", "TA")
    assert "27.4x" in stale and "this answer may be out of date" in stale
    unavailable = command(app, "r1 vs o1", "TB")
    assert unavailable.status_code == 200
    assert "The price catalog is unavailable right now" in visible_text(reply_of(unavailable))

    cluster.start()
    deadline = time.monotonic() + 15
    while "27.4x" not in (reply := said(app, "r1 vs o1", "TB")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "27.4x" in reply


def test_a_workspace_token_is_checked_with_slack_once_not_before_every_ack(hosted: Served) -> None:
    def checks() -> int:
        return len([c for c in hosted.fake.calls("auth.test") if c.token == token_of(hosted, "TA")])

    said(hosted, "o1", "TA")
    first = checks()
    said(hosted, "r1 vs o1", "TA")
    said(hosted, "cheaper o1", "TA")
    assert first >= 1 and checks() == first
