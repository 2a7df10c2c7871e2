"""/modelcost through the real WSGI app: signed slash commands in, Slack messages out."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import requests
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.config import Settings
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
    from bot.ask import HELP

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


# -- the slash command answered before Bolt's dispatch (single mode, over HTTP) ----------------------
def test_the_command_is_answered_as_bolts_listener_answers_it(
    slack: Served, make_settings: Callable[..., Settings]
) -> None:
    """Over HTTP the command skips Bolt's dispatch; through Bolt (Socket Mode) it gets the same reply."""
    bolt = build_app(make_settings(), socket_mode=True)
    for text in ("r1 vs o1 for 10M in 2M out", "cheaper sonnet", "gpt5x", "help"):
        body = command_body(slack.fake, text)
        response = post_signed(slack.url, body)
        assert response.headers["Content-Type"] == "application/json;charset=utf-8"
        request = SocketModeRequest(
            type="slash_commands", envelope_id="e1", payload=dict(parse_qsl(body.decode()))
        )
        through_bolt = run_bolt_app(bolt, request)
        assert through_bolt.status == 200
        assert response.json() == json.loads(through_bolt.body), text


def test_a_command_that_says_payload_is_answered(signed_request: Send) -> None:
    # Bolt reads a form body that mentions "payload" as a button's payload, and found no command in it.
    message = reply_of(signed_request("payload vs o1"))

    assert "I don't know a model called 'payload'" in message["text"]


def test_slacks_ssl_check_is_still_answered_by_bolt(slack: Served) -> None:
    body = urlencode({"ssl_check": "1", "token": "deprecated-verification-token", "command": "/modelcost"})

    response = post_signed(slack.url, body.encode())

    assert response.status_code == 200 and response.text == ""
    assert slack.fake.calls() == []
