"""/modelcost through the real WSGI app: signed slash commands in, Slack messages out."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
import requests
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.config import Settings
from bot.render.kit import COMMAND
from bot.slack.acks import CommandAcks
from bot.slack.app import build_app
from tests.slack.blockkit import assert_valid
from tests.slack.conftest import (
    SIGNING_SECRET,
    Served,
    buttons,
    command_body,
    mrkdwn_texts,
    post_signed,
    reply_of,
    visible_text,
)

Send = Callable[..., requests.Response]


def test_a_comparison_comes_back_privately_in_the_ack(signed_request: Send, slack: Served) -> None:
    message = reply_of(signed_request("r1 vs o1"))

    assert message["response_type"] == "ephemeral"
    shown = visible_text(message)
    for figure in ("$0.55", "$2.19", "$15", "$60", "27.4x"):
        assert figure in shown
    assert "27.4x" in message["text"]  # the notification fallback says it too
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "DeepSeek R1 vs o1", "emoji": True},
    }
    assert set(buttons(message)) == {"Share in channel", "Cheaper alternatives", "Post chart to channel"}
    assert slack.fake.calls() == []  # the answer is in the ack: nothing else goes to Slack


def test_a_workload_is_priced(signed_request: Send) -> None:
    message = reply_of(signed_request("r1 vs o1 for 100M in 10M out"))
    shown = visible_text(message)
    assert "100M in + 10M out" in shown
    assert "$76.90" in shown  # 100 x $0.55 + 10 x $2.19


def test_help_explains_every_command_with_examples(signed_request: Send) -> None:
    from bot.domain.help import HELP

    for text in ("help", ""):
        message = reply_of(signed_request(text))
        shown = visible_text(message)
        for example, _ in HELP:
            assert f"/modelcost {example}" in shown


def test_an_unknown_model_offers_its_suggestions_as_buttons(signed_request: Send) -> None:
    message = reply_of(signed_request("r1 vs gpt5x"))

    assert "I don't know a model called 'gpt5x'" in message["text"]
    choices = buttons(message)
    assert list(choices) == ["GPT-5", "GPT-5 mini", "GPT-5 nano"]
    assert choices["GPT-5"]["value"] == "r1 vs gpt-5"  # the same command, with the name fixed


def test_hostile_text_is_escaped(signed_request: Send) -> None:
    response = signed_request("<!channel> <@U0BOSS> <script>alert(1)</script> & co")
    message = reply_of(response)

    # What the app sent, with the case ignored: names are lowercased on the way ("<@u0boss>").
    for text in mrkdwn_texts(json.loads(response.text)):
        lower = text.lower()
        assert "<!channel" not in lower and "<@u0boss" not in lower and "<script" not in lower
    first = message["blocks"][0]["text"]
    # It did reach the reply: as plain text, which Slack shows as it is and never parses.
    assert first["type"] == "plain_text" and "<!channel> <@u0boss> <script>" in first["text"].lower()
    assert "&lt;!channel&gt; &lt;@u0boss&gt;" in message["text"].lower()  # the fallback, escaped


def test_a_very_long_text_gets_a_friendly_error(signed_request: Send) -> None:
    message = reply_of(signed_request("o1 vs r1 " * 556))  # 5004 characters

    assert message["response_type"] == "ephemeral"
    assert "a command is at most 1000" in message["text"]


def test_a_slow_answer_is_acked_at_once_and_sent_through_response_url(serve: Callable[..., Served]) -> None:
    slack = serve(ack_budget=0)  # no time to answer in the ack: as if the catalog were slow
    body = command_body(slack.fake, "r1 vs o1", response_url=slack.fake.response_url("slow"))
    ack = reply_of(post_signed(slack.url, body))
    assert "Working on it" in ack["text"]

    [posted] = slack.fake.wait_for("response")
    assert posted.response_id == "slow"
    assert posted.body["response_type"] == "ephemeral"
    assert posted.body["replace_original"] is True  # the answer takes the place of "working on it"
    assert "27.4x" in visible_text(posted.body)
    assert_valid(posted.body)


def test_healthz_answers_without_slack(slack: Served) -> None:
    response = requests.get(slack.url + "/healthz", timeout=10)

    assert response.status_code == 200
    assert slack.fake.calls() == []


def test_unknown_paths_are_404(slack: Served) -> None:
    assert requests.get(slack.url + "/slack/events", timeout=10).status_code == 404
    assert requests.get(slack.url + "/", timeout=10).status_code == 404


# -- only requests that really come from Slack -------------------------------------------------------
def _command_body(slack: Served) -> bytes:
    return command_body(slack.fake, "r1 vs o1")


def test_a_bad_signature_gets_401_and_does_nothing(slack: Served) -> None:
    body = _command_body(slack)
    for response in (
        post_signed(slack.url, body, secret="not-the-secret"),
        post_signed(slack.url, body, signature="v0=" + "0" * 64),
        post_signed(slack.url, body, signature=""),
        requests.post(slack.url + "/slack/events", data=body, timeout=10),  # no signature headers at all
    ):
        assert response.status_code == 401
        assert "27.4x" not in response.text
    time.sleep(0.2)  # give any stray work the chance to show up (it must not)
    assert slack.fake.calls() == []


def test_a_timestamp_older_than_5_minutes_gets_401(slack: Served) -> None:
    body = _command_body(slack)
    stale = int(time.time()) - 5 * 60 - 30

    response = post_signed(slack.url, body, timestamp=stale, secret=SIGNING_SECRET)  # correctly signed

    assert response.status_code == 401
    assert post_signed(slack.url, body).status_code == 200  # the same body, fresh, is fine


def test_the_signing_secret_and_tokens_never_reach_a_log(
    signed_request: Send, click: Send, caplog: Any
) -> None:
    from tests.slack.conftest import BOT_TOKEN

    caplog.set_level("DEBUG")
    message = reply_of(signed_request("r1 vs o1"))
    click(buttons(message)["Share in channel"])
    signed_request("gpt5x")

    logged = "\n".join(r.getMessage() + json.dumps(r.args, default=str) for r in caplog.records)
    assert SIGNING_SECRET not in logged and BOT_TOKEN not in logged


# -- every request through Bolt's dispatch ----------------------------------------------------------
def test_every_request_goes_through_bolts_dispatch(
    slack: Served, click: Send, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatched: list[str] = []
    bolt_dispatch = App.dispatch

    def spied(app: App, request: BoltRequest) -> BoltResponse:
        body = request.body
        dispatched.append(
            "ssl_check" if "ssl_check" in body else str(body.get("command") or body.get("type"))
        )
        return bolt_dispatch(app, request)

    monkeypatch.setattr(App, "dispatch", spied)
    message = reply_of(post_signed(slack.url, command_body(slack.fake, "r1 vs o1")))
    assert "27.4x" in visible_text(message)

    assert click(buttons(message)["Share in channel"]).status_code == 200
    other = post_signed(slack.url, command_body(slack.fake, "r1 vs o1").replace(b"%2Fmodelcost", b"%2Fother"))
    ssl_check = urlencode({"ssl_check": "1", "token": "deprecated-verification-token", "command": COMMAND})
    assert post_signed(slack.url, ssl_check.encode()).text == ""  # Bolt's answer to Slack's check
    assert other.status_code == 404  # no listener for it: Bolt's answer
    assert dispatched == ["/modelcost", "block_actions", "/other", "ssl_check"]


def test_the_command_gets_the_same_reply_over_http_and_socket_mode(
    slack: Served, make_settings: Callable[..., Settings]
) -> None:
    bolt = build_app(make_settings(), socket_mode=True).bolt
    for text in ("r1 vs o1 for 10M in 2M out", "cheaper sonnet", "gpt5x", "help"):
        body = command_body(slack.fake, text)
        response = post_signed(slack.url, body)
        assert response.headers["Content-Type"] == "application/json;charset=utf-8"
        fields = dict(parse_qsl(body.decode()))
        through_bolt = run_bolt_app(
            bolt, SocketModeRequest(type="slash_commands", envelope_id="e1", payload=fields)
        )
        assert through_bolt.status == 200
        assert response.json() == json.loads(through_bolt.body), text


def test_a_failure_to_answer_is_a_500_with_its_traceback_logged(
    signed_request: Send, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr(CommandAcks, "command", broken)  # it is made never to raise: Bolt answers 500
    response = signed_request("r1 vs o1")

    assert response.status_code == 500 and response.text.strip() == ""
    [failure] = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert str(failure) == "broken"


@pytest.mark.parametrize("where", ["text", "channel_name"])
def test_a_command_that_says_payload_is_answered(slack: Served, where: str) -> None:
    # Bolt read a form body that says "payload" anywhere as a button's payload, and found no command in it.
    body = command_body(slack.fake, "payload vs o1" if where == "text" else "r1 vs payload")
    if where == "channel_name":
        body = body.replace(b"channel_name=general", b"channel_name=payload-team")

    message = reply_of(post_signed(slack.url, body))

    assert "I don't know a model called 'payload'" in message["text"]
