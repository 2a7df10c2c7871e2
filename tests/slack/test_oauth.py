"""Oauth mode through the real HTTP app: installing from /slack/install, each workspace served with its
own token, forged and replayed states, failed exchanges, uninstalling, reinstalling, token rotation."""

from __future__ import annotations

import base64
import html
import http.client
import itertools
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from slack_bolt import BoltContext
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import text

from bot import db
from bot.cli import main
from bot.config import Settings
from bot.domain import workspaces
from bot.slack import oauth
from bot.slack.authorize import CHECK_EVERY_S
from bot.slack.parts import SlackApp
from bot.slackapi.installs import Installs
from bot.store import subscriptions
from bot.store.cipher import cipher_of
from bot.store.tables import SLACK_SECRETS
from tests.fakeslack import FakeSlack
from tests.slack.conftest import Served, command_body, post_signed, sign

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret-not-real"
PUBLIC_URL = "https://modelcost.test"
TOKEN_KEY = base64.urlsafe_b64encode(b"modelcost-test-token-key-32bytes").decode()  # a Fernet key
OAUTH = {
    "slack_mode": "oauth",
    "slack_bot_token": None,
    "slack_client_id": CLIENT_ID,
    "slack_client_secret": CLIENT_SECRET,
    "public_url": PUBLIC_URL,
    "token_key": TOKEN_KEY,
}
NOT_ADMIN = "Only workspace admins and owners"


@pytest.fixture
def hosted(serve: Callable[..., Served], fresh_url: str) -> Served:
    """The app in oauth mode, on a database of this test's own."""
    return serve(database_url=fresh_url, settings=OAUTH)


@pytest.fixture
def uninstalled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The workspace keys handed to bot.store.subscriptions.uninstalled, in order."""
    calls: list[str] = []
    monkeypatch.setattr(subscriptions, "uninstalled", lambda engine, key: calls.append(key))
    return calls


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The workspace keys handed to bot.store.subscriptions.installed, in order."""
    calls: list[str] = []
    monkeypatch.setattr(subscriptions, "installed", lambda engine, key: calls.append(key))
    return calls


def start_install(app: Served) -> tuple[str, str]:
    """GET /slack/install as a browser: (the state in the Add to Slack link, the cookie it was set with)."""
    page = requests.get(app.url + "/slack/install", timeout=10)
    assert page.status_code == 200 and "Add to Slack" in page.text
    [link] = re.findall(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.text)
    query = parse_qs(urlsplit(html.unescape(link)).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [PUBLIC_URL + "/slack/oauth_redirect"]
    assert "users:read" in query["scope"][0].split(",")
    # The browser keeps the cookie and sends it back to the same site (over HTTPS, as the cookie is
    # Secure: the test server speaks plain HTTP, so the test sends it itself).
    cookie = page.headers["Set-Cookie"].split(";")[0]
    return query["state"][0], cookie


def finish_install(app: Served, code: str, state: str, cookie: str) -> requests.Response:
    """Slack sending the installer back to the redirect URL with the code and the state."""
    return requests.get(
        app.url + "/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"Cookie": cookie},
        timeout=10,
    )


def oauth_worker_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    """The environment of `modelcost worker` in oauth mode, on this database."""
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    for name, value in {
        "MODELCOST_SLACK_MODE": "oauth",
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "MODELCOST_TOKEN_KEY": TOKEN_KEY,
        "DATABASE_URL": database_url,
    }.items():
        monkeypatch.setenv(name, value)


def install(app: Served, code: str, team: str | None, **grant: Any) -> requests.Response:
    app.fake.grant(code, team, **grant)
    state, cookie = start_install(app)
    return finish_install(app, code, state, cookie)


def rows(app_db: str, table: str) -> list[dict[str, Any]]:
    """The table's rows as stored (tokens encrypted), read with plain SQL."""
    with db.engine_for(app_db).connect() as conn:
        return [dict(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).mappings()]


def opened(stored: str | None) -> str | None:
    """A stored token, decrypted with the test key."""
    return None if stored is None else cipher_of(TOKEN_KEY).decrypt(stored.encode()).decode()


def command(app: Served, command_text: str, team: str | None, **fields: Any) -> requests.Response:
    return post_signed(app.url, command_body(app.fake, command_text, team=team, **fields))


def event(app: Served, kind: str, team: str | None, *, enterprise: str | None = None, **extra: Any) -> None:
    """Slack's signed POST of an Events API event of this workspace; Bolt must take it (200)."""
    body = json.dumps(
        {
            "token": "deprecated-verification-token",
            "team_id": team,
            "enterprise_id": enterprise,
            "api_app_id": "A0MODELCOST",
            "type": "event_callback",
            "event_id": f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "event": {"type": kind, **extra},
            "authorizations": [
                {
                    "enterprise_id": enterprise,
                    "team_id": team,
                    "user_id": f"U{team or enterprise}BOT",
                    "is_bot": True,
                    "is_enterprise_install": team is None,
                }
            ],
        }
    ).encode()
    ts = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts),
    }
    response = requests.post(app.url + "/slack/events", data=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text


def admin_check_tokens(fake: FakeSlack) -> list[str | None]:
    return [c.token for c in fake.calls("users.info")]


@pytest.mark.engines
def test_two_workspaces_install_and_each_is_served_with_its_own_token(hosted: Served, fresh_url: str) -> None:
    page_a = install(hosted, "code-a", "T1", team_name="Team <One>")
    page_b = install(hosted, "code-b", "T2", team_name="Team Two")

    assert page_a.status_code == 200
    assert "modelcost is installed in <strong>Team &lt;One&gt;</strong>" in page_a.text  # escaped
    assert "installed in <strong>Team Two</strong>" in page_b.text
    [token_a], [token_b] = hosted.fake.tokens("T1"), hosted.fake.tokens("T2")
    assert {(r["team_id"], opened(r["bot_token"])) for r in rows(fresh_url, "slack_installations")} == {
        ("T1", token_a),
        ("T2", token_b),
    }
    assert rows(fresh_url, "slack_oauth_states") == []  # each state was consumed

    # `audit` needs an admin: each workspace's users.info goes out with that workspace's token.
    hosted.fake.reset()
    reply_a = command(hosted, "audit", "T1")
    assert reply_a.status_code == 200 and NOT_ADMIN in reply_a.text
    assert admin_check_tokens(hosted.fake) == [token_a]
    reply_b = command(hosted, "audit", "T2")
    assert reply_b.status_code == 200 and NOT_ADMIN in reply_b.text
    assert admin_check_tokens(hosted.fake) == [token_a, token_b]
    # and Bolt authorized each request with its own installation's token
    assert {c.token for c in hosted.fake.calls("auth.test")} == {token_a, token_b}

    # A question needs no admin, and is answered as usual.
    answer = command(hosted, "r1 vs o1", "T2")
    assert answer.status_code == 200 and "27.4x" in answer.text


def test_a_command_that_says_payload_is_answered_through_bolt(hosted: Served) -> None:
    install(hosted, "code-a", "T1")
    body = command_body(hosted.fake, "payload vs o1", team="T1")
    # Bolt took a form body that says "payload" anywhere (here the text and a channel's name) for a
    # button's payload, and found no command in it.
    body = body.replace(b"channel_name=general", b"channel_name=payload-team")

    reply = post_signed(hosted.url, body)

    assert reply.status_code == 200 and "I don't know a model called 'payload'" in reply.json()["text"]


def test_a_workspace_that_never_installed_is_told_how_to_install(hosted: Served) -> None:
    response_url = hosted.fake.response_url()
    reply = command(hosted, "r1 vs o1", "T404", response_url=response_url)

    assert reply.status_code == 200 and "27.4x" not in reply.text
    [told] = hosted.fake.wait_for("response")
    assert "not installed in this workspace" in told.body["text"]
    assert PUBLIC_URL + "/slack/install" in told.body["text"]


def test_a_forged_state_is_refused_and_nothing_is_stored(hosted: Served, fresh_url: str) -> None:
    hosted.fake.grant("code-a", "T1")
    start_install(hosted)  # a real state exists, but the attacker doesn't have it

    forged = finish_install(hosted, "code-a", "forged-state", "slack-app-oauth-state=forged-state")
    other_browser = finish_install(hosted, "code-a", "forged-state", "")

    assert forged.status_code == 401
    assert "modelcost was not installed: This install link was already used, or it expired." in forged.text
    assert other_browser.status_code == 400 and "another browser" in other_browser.text
    assert "Nothing was saved" in forged.text and 'href="/slack/install"' in forged.text
    assert hosted.fake.calls("oauth.v2.access") == []
    assert rows(fresh_url, "slack_installations") == [] and rows(fresh_url, "slack_bots") == []


@pytest.mark.engines
def test_a_replayed_state_is_refused(hosted: Served, fresh_url: str) -> None:
    hosted.fake.grant("code-a", "T1")
    state, cookie = start_install(hosted)
    assert finish_install(hosted, "code-a", state, cookie).status_code == 200
    hosted.fake.grant("code-a2", "T1")

    replay = finish_install(hosted, "code-a2", state, cookie)

    assert replay.status_code == 401 and "already used, or it expired" in replay.text
    assert len(hosted.fake.calls("oauth.v2.access")) == 1
    assert len(rows(fresh_url, "slack_installations")) == 1


def test_a_failing_code_exchange_shows_the_failure_page_and_stores_nothing(
    hosted: Served, fresh_url: str
) -> None:
    hosted.fake.fail("oauth.v2.access", "invalid_code")

    page = install(hosted, "code-a", "T1")

    assert page.status_code == 401
    assert "modelcost was not installed: Slack did not accept the authorization code" in page.text
    assert rows(fresh_url, "slack_installations") == [] and rows(fresh_url, "slack_bots") == []


def test_the_failure_page_shows_known_failures_and_never_what_the_request_says(hosted: Served) -> None:
    def failure_page(error: str) -> str:
        page = requests.get(hosted.url + "/slack/oauth_redirect", params={"error": error}, timeout=10)
        return page.text

    forged = failure_page("<script>alert(1)</script> Call +1 555 0100 to finish the install")
    cancelled = failure_page("access_denied")

    assert "modelcost was not installed: Slack sent back an error." in forged
    assert "script" not in forged and "555" not in forged
    assert "modelcost was not installed: The install was cancelled in Slack." in cancelled


def test_what_the_redirect_says_is_logged_on_one_line(
    hosted: Served, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "access_denied\n2026-12-09 10:00:00 INFO bot.slack.oauth: installed in T1"
    state, cookie = start_install(hosted)

    with caplog.at_level(logging.INFO):
        requests.get(hosted.url + "/slack/oauth_redirect", params={"error": forged}, timeout=10)
        # Bolt's own line about a code Slack refused quotes the code, and Slack's answer.
        finish_install(hosted, "a-code\n2026-12-09 10:00:01 INFO forged", state, cookie)

    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bot.slack")]
    assert "install failed: access_denied\\n2026-12-09 10:00:00 INFO bot.slack.oauth: installed in T1" in ours
    assert any("a-code\\n2026-12-09 10:00:01 INFO forged" in line for line in ours)
    assert not [line for line in ours if "\n" in line]


@pytest.mark.engines
def test_app_uninstalled_deletes_that_workspace_only_and_a_reinstall_resumes(
    hosted: Served, fresh_url: str, uninstalled: list[str], installed: list[str]
) -> None:
    install(hosted, "code-a", "T1")
    install(hosted, "code-b", "T2")

    event(hosted, "app_uninstalled", "T1")

    assert uninstalled == ["T1"]
    for table in ("slack_installations", "slack_bots"):
        assert {r["team_id"] for r in rows(fresh_url, table)} == {"T2"}
    hosted.fake.reset()
    response_url = hosted.fake.response_url()
    refused = command(hosted, "audit", "T1", response_url=response_url)
    assert refused.status_code == 200 and NOT_ADMIN not in refused.text
    [told] = hosted.fake.wait_for("response")
    assert "not installed in this workspace" in told.body["text"]
    assert hosted.fake.calls("users.info") == []  # nothing of A's ran
    assert NOT_ADMIN in command(hosted, "audit", "T2").text  # B is untouched

    page = install(hosted, "code-a-again", "T1")

    assert page.status_code == 200 and "modelcost is installed" in page.text
    assert installed == ["T1", "T2", "T1"]  # what the uninstall disabled resumes
    new_token = hosted.fake.tokens("T1")[-1]
    hosted.fake.reset()
    assert NOT_ADMIN in command(hosted, "audit", "T1").text
    assert admin_check_tokens(hosted.fake) == [new_token]


def test_revoked_bot_tokens_uninstall_the_workspace(
    hosted: Served, fresh_url: str, uninstalled: list[str]
) -> None:
    install(hosted, "code-a", "T1")
    install(hosted, "code-b", "T2")

    event(hosted, "tokens_revoked", "T1", tokens={"bot": ["UT1BOT"]})

    assert uninstalled == ["T1"]
    assert {r["team_id"] for r in rows(fresh_url, "slack_installations")} == {"T2"}
    assert {r["team_id"] for r in rows(fresh_url, "slack_bots")} == {"T2"}


class Clock:
    """Monotonic seconds that move only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def with_clock(clock: Clock, authorized: list[str | None] | None = None) -> Callable[[SlackApp], object]:
    """serve(prepare=...): the app's kept authorizations (bot/slack/authorize.py) read `clock`; the
    bot token Bolt authorized each request with (what its listeners' `client` and `say` use) is
    appended to `authorized`."""

    def prepare(slack: SlackApp) -> None:
        assert slack.authorize is not None
        slack.authorize.clock = clock

        @slack.bolt.middleware
        def record(context: BoltContext, next: Callable[[], object]) -> object:
            if authorized is not None:
                authorized.append(context.bot_token)
            return next()

    return prepare


@pytest.mark.engines
def test_an_uninstall_on_one_worker_is_honoured_by_another_within_a_second(
    serve: Callable[..., Served], fresh_url: str, uninstalled: list[str]
) -> None:
    clock = Clock()
    worker_a = serve(database_url=fresh_url, settings=OAUTH, prepare=with_clock(clock))
    worker_b = serve(database_url=fresh_url, settings=OAUTH)
    install(worker_b, "code-a", "T1")
    install(worker_b, "code-b", "T2")
    [token] = worker_a.fake.tokens("T1")
    assert NOT_ADMIN in command(worker_a, "audit", "T1").text  # A serves T1, and keeps its authorization
    assert NOT_ADMIN in command(worker_a, "audit", "T2").text

    event(worker_b, "app_uninstalled", "T1")  # Slack told B
    assert uninstalled == ["T1"]
    worker_a.fake.reset()
    clock.now += CHECK_EVERY_S

    response_url = worker_a.fake.response_url()
    refused = command(worker_a, "audit", "T1", response_url=response_url)
    assert refused.status_code == 200 and NOT_ADMIN not in refused.text
    [told] = worker_a.fake.wait_for("response")
    assert "not installed in this workspace" in told.body["text"]
    assert [c for c in worker_a.fake.calls() if c.token == token] == []  # its token is never used again
    assert NOT_ADMIN in command(worker_a, "audit", "T2").text  # T2 is served as before


@pytest.mark.engines
def test_a_token_refreshed_or_reinstalled_on_one_worker_is_used_by_another_within_a_second(
    serve: Callable[..., Served], fresh_url: str, make_settings: Callable[..., Settings]
) -> None:
    clock, authorized = Clock(), list[str | None]()
    worker_a = serve(database_url=fresh_url, settings=OAUTH, prepare=with_clock(clock, authorized))
    worker_b = serve(database_url=fresh_url, settings=OAUTH)
    install(worker_b, "code-a", "T1", expires_in=3 * 3600)  # a rotating token, not due yet
    [first] = worker_a.fake.tokens("T1")
    assert "27.4x" in command(worker_a, "r1 vs o1", "T1").text
    assert "27.4x" in command(worker_a, "o1 vs r1", "T1").text
    assert authorized == [first, first]

    # The alert worker, another process, refreshes the token (its margin is wider than the token's life).
    refreshed = Installs(make_settings(database_url=fresh_url, **OAUTH), rotate_within_min=240).bot_token(
        "T1"
    )
    assert refreshed not in (None, first)
    clock.now += CHECK_EVERY_S
    assert "27.4x" in command(worker_a, "r1 vs o1", "T1").text
    assert authorized[-1] == refreshed

    install(worker_b, "code-a-again", "T1")  # installed again through B: a new token
    again = worker_a.fake.tokens("T1")[-1]
    clock.now += CHECK_EVERY_S
    assert "27.4x" in command(worker_a, "r1 vs o1", "T1").text
    assert authorized[-1] == again


def test_an_org_wide_install_serves_every_team_of_the_org_with_its_token(
    hosted: Served, fresh_url: str, uninstalled: list[str]
) -> None:
    page = install(hosted, "code-org", None, enterprise_id="E1", is_enterprise_install=True)
    assert page.status_code == 200 and "modelcost is installed" in page.text
    [token] = hosted.fake.tokens("E1")

    hosted.fake.reset()
    reply = command(hosted, "audit", "T7", enterprise="E1", org_wide=True)

    assert NOT_ADMIN in reply.text
    assert admin_check_tokens(hosted.fake) == [token]

    event(hosted, "app_uninstalled", None, enterprise="E1")

    assert uninstalled == ["E1:"]
    assert rows(fresh_url, "slack_installations") == [] and rows(fresh_url, "slack_bots") == []


@pytest.mark.engines
def test_a_token_about_to_expire_is_refreshed_before_a_command_uses_it(
    hosted: Served, fresh_url: str
) -> None:
    install(hosted, "code-a", "T1", expires_in=600)  # within the two hours' margin: due at once
    [first] = hosted.fake.tokens("T1")
    hosted.fake.reset()

    reply = command(hosted, "audit", "T1")

    assert NOT_ADMIN in reply.text
    [refresh] = hosted.fake.calls("oauth.v2.access")
    assert refresh.body["grant_type"] == "refresh_token"
    fresh_token = hosted.fake.tokens("T1")[-1]
    assert fresh_token != first
    assert admin_check_tokens(hosted.fake) == [fresh_token]
    [row] = rows(fresh_url, "slack_installations")  # the installation, updated in place
    assert opened(row["bot_token"]) == fresh_token


def test_a_command_whose_token_slack_does_not_renew_is_told_to_try_again(
    hosted: Served, fresh_url: str
) -> None:
    install(hosted, "code-a", "T1", expires_in=600)  # due for a refresh at once
    [first] = hosted.fake.tokens("T1")
    hosted.fake.fail("oauth.v2.access", "internal_error")

    reply = command(hosted, "r1 vs o1", "T1")

    assert reply.status_code == 200  # Slack shows the reply, not "failed with the error"
    assert reply.json()["response_type"] == "ephemeral"
    assert "did not renew modelcost's access" in reply.text and "27.4x" not in reply.text
    [row] = rows(fresh_url, "slack_installations")
    assert opened(row["bot_token"]) == first  # nothing saved
    assert "27.4x" in command(hosted, "r1 vs o1", "T1").text  # Slack renews it the next time


@pytest.mark.engines
def test_installs_hands_the_worker_a_fresh_token_and_saves_it(
    hosted: Served, fresh_url: str, make_settings: Callable[..., Settings]
) -> None:
    install(hosted, "code-a", "T1", expires_in=3600)
    [first] = hosted.fake.tokens("T1")
    hosted.fake.reset()
    settings = make_settings(database_url=fresh_url, **OAUTH)

    # An hour left, and a margin of 30 minutes: not due, the stored token is handed out.
    assert Installs(settings, rotate_within_min=30).bot_token("T1") == first
    assert hosted.fake.calls("oauth.v2.access") == []
    # Within two hours: refreshed, saved, and the new token handed out (to later callers too).
    refreshed = Installs(settings).bot_token("T1")
    assert refreshed not in (None, first) and refreshed == hosted.fake.tokens("T1")[-1]
    assert Installs(settings, rotate_within_min=30).bot_token("T1") == refreshed
    assert [opened(r["bot_token"]) for r in rows(fresh_url, "slack_installations")] == [refreshed]

    assert Installs(settings).bot_token("T2") is None  # not installed
    assert Installs(settings).bot_token(workspaces.SHARED) is None


def test_installs_in_single_mode_is_the_bot_token_for_the_shared_workspace(
    make_settings: Callable[..., Settings],
) -> None:
    installs = Installs(make_settings())

    assert installs.bot_token(workspaces.SHARED) == make_settings().slack_bot_token.get_secret_value()  # type: ignore[union-attr]
    assert installs.bot_token("T1") is None


def assert_no_token_in_the_clear(app_db: str, *tokens: str) -> None:
    """Every credential column of slack_installations and slack_bots holds Fernet ciphertext (or
    nothing), and no column holds a token Slack issued, or any part of one."""
    for table, secrets in SLACK_SECRETS.items():
        stored = rows(app_db, table)
        assert stored
        for row in stored:
            assert all(row[c] is None or row[c].startswith("gAAAAA") for c in secrets), row
            cells = [str(v) for v in row.values()]
            assert not [c for c in cells if "xoxb-" in c or "xoxe-" in c or any(t in c for t in tokens)]


@pytest.mark.engines
def test_tokens_are_stored_encrypted_after_an_install_and_after_a_refresh(
    hosted: Served, fresh_url: str
) -> None:
    install(hosted, "code-a", "T1", expires_in=600)  # a rotating token, due for a refresh at once
    [first] = hosted.fake.tokens("T1")

    assert_no_token_in_the_clear(fresh_url, first)
    for table in SLACK_SECRETS:
        [row] = rows(fresh_url, table)
        assert opened(row["bot_token"]) == first and opened(row["bot_refresh_token"]).startswith("xoxe-")  # type: ignore[union-attr]

    assert NOT_ADMIN in command(hosted, "audit", "T1").text  # Bolt refreshes the token, and saves it
    refreshed = hosted.fake.tokens("T1")[-1]

    assert refreshed != first
    assert_no_token_in_the_clear(fresh_url, first, refreshed)
    for table in SLACK_SECRETS:
        [row] = rows(fresh_url, table)
        assert opened(row["bot_token"]) == refreshed


def test_the_install_page_is_rate_limited_per_client_and_overall(hosted: Served, fresh_url: str) -> None:
    forged = itertools.count(1)

    def page(client: str) -> tuple[int, dict[str, str], str]:
        """GET /slack/install from the loopback address `client`: (status, headers, text)."""
        where = urlsplit(hosted.url)
        conn = http.client.HTTPConnection(
            where.hostname or "", where.port, timeout=10, source_address=(client, 0)
        )
        try:
            # Any client can write X-Forwarded-For: a new address in it each time buys no new budget.
            conn.request("GET", "/slack/install", headers={"X-Forwarded-For": f"198.51.100.{next(forged)}"})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def served_until_refused(clients: Iterator[str], most: int) -> tuple[int, dict[str, str], str]:
        for served in range(most):
            status, headers, text = page(next(clients))
            if status != 200:
                assert status == 429 and "try again in" in text
                return served, headers, text
        raise AssertionError(f"{most} pages served, none refused")

    per_client, overall = oauth.INSTALL_PAGES_PER_CLIENT.burst, oauth.INSTALL_PAGES_OVERALL.burst
    served, refused, _ = served_until_refused(itertools.repeat("127.0.0.2"), 2 * per_client)

    assert served >= per_client
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert page("127.0.0.3")[0] == 200  # another client is served

    more, refused, _ = served_until_refused((f"127.0.1.{i}" for i in itertools.count(1)), 2 * overall)

    assert served + 1 + more >= overall
    assert int(refused["Retry-After"]) >= 1
    assert len(rows(fresh_url, "slack_oauth_states")) == served + 1 + more  # a refused page writes none


@pytest.mark.engines
def test_the_worker_deletes_expired_install_states(
    hosted: Served, fresh_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, _ = start_install(hosted)
    # One issued eleven minutes ago, never used: Bolt never deletes it.
    SQLAlchemyOAuthStateStore(expiration_seconds=-60, engine=db.engine_for(fresh_url)).issue()
    assert len(rows(fresh_url, "slack_oauth_states")) == 2
    oauth_worker_env(monkeypatch, fresh_url)

    assert main(["worker", "--once"]) == 0

    assert [r["state"] for r in rows(fresh_url, "slack_oauth_states")] == [state]


def test_no_log_line_holds_a_token_or_the_client_secret_even_at_debug(
    hosted: Served, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        install(hosted, "code-a", "T1", expires_in=600)
        assert NOT_ADMIN in command(hosted, "audit", "T1").text  # the token is refreshed first
        hosted.fake.fail("oauth.v2.access", "invalid_code")
        install(hosted, "code-b", "T2")

    tokens = hosted.fake.tokens("T1")
    assert len(tokens) == 2
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "oauth.v2.access" in logged  # the walk can see what is logged about the exchange
    assert not [secret for secret in (*tokens, "xoxe-1-", CLIENT_SECRET, TOKEN_KEY) if secret in logged]
