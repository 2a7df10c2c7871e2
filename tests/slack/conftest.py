"""The real WSGI app on a local port, signed requests, and a fake Slack Web API on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import requests

from bot import db
from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.parts import SlackApp
from bot.slack.web import wsgi_app
from tests.fakeslack import FakeSlack
from tests.slack.blockkit import assert_valid

BOT_TOKEN = "xoxb-test-bot-token-not-real"
APP_TOKEN = "xapp-test-app-token-not-real"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
USER = "U0ALICE"
CHANNEL = "C0GENERAL"


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def make_settings(catalog_url: str, fake_slack: FakeSlack) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_app_token": APP_TOKEN,
            "slack_api_url": fake_slack.api_url,
            "database_url": catalog_url,
        }
        return Settings.model_validate(values | overrides)

    return make


@dataclass
class Served:
    url: str
    fake: FakeSlack


@pytest.fixture
def serve(make_settings: Callable[..., Settings], fake_slack: FakeSlack) -> Iterator[Callable[..., Served]]:
    """serve(database_url=..., settings=..., prepare=..., **build_app options) -> the real WSGI app on
    127.0.0.1, in a thread; `prepare(slack_app)` is called with what build_app made before it serves
    (to add a middleware or an error handler to its Bolt app, as a later feature would)."""
    servers: list[WSGIServer] = []
    urls: set[str] = set()

    def start(
        database_url: str | None = None,
        settings: dict[str, Any] | None = None,
        prepare: Callable[[SlackApp], object] | None = None,
        **options: Any,
    ) -> Served:
        overrides = {**({"database_url": database_url} if database_url else {}), **(settings or {})}
        settings_ = make_settings(**overrides)
        urls.add(settings_.database_url)
        slack_app = build_app(settings_, **options)
        if prepare is not None:
            prepare(slack_app)
        app = wsgi_app(slack_app, settings_)
        server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
        # A poll of 0.01 s (not the default 0.5) so shutdown() returns at once.
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        servers.append(server)
        fake_slack.reset()  # forget auth.test at start: tests look at what requests cause
        return Served(f"http://127.0.0.1:{server.server_port}", fake_slack)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
    for url in urls:
        # The app's engine stays cached (db.engine_for) after the test: close its idle connections, or
        # a whole run's worth of them exhausts PostgreSQL's max_connections.
        db.engine_for(url).dispose()


@pytest.fixture
def slack(serve: Callable[..., Served]) -> Served:
    return serve()


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post_signed(
    url: str,
    body: bytes,
    *,
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
    signature: str | None = None,
    timeout: float = 30,
) -> requests.Response:
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature if signature is not None else sign(body, ts, secret),
    }
    return requests.post(url + "/slack/events", data=body, headers=headers, timeout=timeout)


def command_body(
    fake: FakeSlack,
    text: str,
    *,
    user: str = USER,
    channel: str = CHANNEL,
    response_url: str | None = None,
    team: str | None = None,
    enterprise: str | None = None,
    org_wide: bool = False,
) -> bytes:
    """The form body Slack POSTs for `/modelcost text` (from `team`, else the fake's own team)."""
    fields = {
        "token": "deprecated-verification-token",
        "team_id": team or fake.team_id,
        "team_domain": "fake",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": "alice",
        "command": "/modelcost",
        "text": text,
        "api_app_id": "A0MODELCOST",
        "is_enterprise_install": "true" if org_wide else "false",
        "response_url": response_url or fake.response_url(),
        "trigger_id": "1.2.3",
    }
    if enterprise:
        fields["enterprise_id"] = enterprise
    return urlencode(fields).encode()


@pytest.fixture
def signed_request(slack: Served) -> Callable[..., requests.Response]:
    """signed_request(text, user=..., channel=..., **signing) -> Slack's POST of `/modelcost text`."""

    def send(text: str, *, user: str = USER, channel: str = CHANNEL, **signing: Any) -> requests.Response:
        return post_signed(slack.url, command_body(slack.fake, text, user=user, channel=channel), **signing)

    return send


@pytest.fixture
def click(slack: Served) -> Callable[..., requests.Response]:
    """click(button, user=...) -> Slack's POST of a block_actions payload for a button we rendered."""

    def send(button: dict[str, Any], *, user: str = USER, channel: str = CHANNEL) -> requests.Response:
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "alice", "team_id": slack.fake.team_id},
            "api_app_id": "A0MODELCOST",
            "token": "deprecated-verification-token",
            "container": {
                "type": "message",
                "message_ts": "1.1",
                "channel_id": channel,
                "is_ephemeral": True,
            },
            "trigger_id": "1.2.3",
            "team": {"id": slack.fake.team_id, "domain": "fake"},
            "channel": {"id": channel, "name": "general"},
            "response_url": slack.fake.response_url(),
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
        return post_signed(slack.url, urlencode({"payload": json.dumps(payload)}).encode())

    return send


def reply_of(response: requests.Response) -> dict[str, Any]:
    """The message in an ack, checked against Block Kit's limits."""
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()
    assert_valid(message)
    return message


def answer_of(fake: FakeSlack, response: requests.Response, reply_id: str) -> dict[str, Any]:
    """The message the user reads: the ack's, or, when the answer took longer than the ack's budget (the
    first question after a change rebuilds the snapshot: slow on a busy machine), the one posted to the
    command's response_url (`fake.response_url(reply_id)`) after "Working on it"."""
    ack = reply_of(response)
    if "Working on it" not in ack["text"]:
        return ack
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        posted = [c for c in fake.calls("response") if c.response_id == reply_id]
        if posted:
            body: dict[str, Any] = posted[0].body
            return body
        time.sleep(0.05)
    raise AssertionError("no answer after 'Working on it'")


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The message's buttons by their text."""
    return {e["text"]["text"]: e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


def visible_text(message: Any) -> str:
    """Everything a person can read in the message (every `text`, fallback included), one per line."""
    if isinstance(message, dict):
        own = [message["text"]] if isinstance(message.get("text"), str) else []
        return "\n".join(own + [visible_text(v) for k, v in message.items() if isinstance(v, (dict, list))])
    if isinstance(message, list):
        return "\n".join(visible_text(v) for v in message)
    return ""


def mrkdwn_texts(message: Any) -> list[str]:
    """Every string of the message that Slack parses for mentions and links, exactly as sent: the
    fallback `text` and each mrkdwn text object (not plain_text, nor button values)."""
    if isinstance(message, dict):
        own = (
            [message["text"]]
            if isinstance(message.get("text"), str) and message.get("type") in (None, "mrkdwn")
            else []
        )
        return own + [t for v in message.values() if isinstance(v, (dict, list)) for t in mrkdwn_texts(v)]
    if isinstance(message, list):
        return [t for v in message for t in mrkdwn_texts(v)]
    return []
