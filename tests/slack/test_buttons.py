"""Buttons: Share in channel, Cheaper alternatives, and "did you mean" choices; response_url delivery."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.slack.blockkit import assert_valid
from tests.slack.conftest import USER, Served, buttons, reply_of, visible_text

Send = Callable[..., requests.Response]


def _posted(slack: Served) -> dict[str, Any]:
    [call] = slack.fake.wait_for("response")
    assert_valid(call.body)
    return call.body


def test_share_posts_the_same_answer_visibly(signed_request: Send, click: Send, slack: Served) -> None:
    private = reply_of(signed_request("r1 vs o1"))

    assert click(buttons(private)["Share in channel"]).status_code == 200
    shared = _posted(slack)

    assert shared["response_type"] == "in_channel"
    assert shared["replace_original"] is False
    assert shared["blocks"][:-2] == private["blocks"][:-1]  # same answer; then its buttons and a byline
    assert "Share in channel" not in buttons(shared)
    assert f"Shared by <@{USER}>" in visible_text(shared)
    assert slack.fake.calls()[0].method == "response"  # through response_url, not the Web API


def test_cheaper_alternatives_answers_privately(signed_request: Send, click: Send, slack: Served) -> None:
    private = reply_of(signed_request("r1 vs o1"))

    click(buttons(private)["Cheaper alternatives"])
    posted = _posted(slack)

    assert posted["response_type"] == "ephemeral"
    assert posted["replace_original"] is False  # the comparison stays
    assert posted["blocks"][0]["text"]["text"] == "Cheaper than o1"
    assert "gpt-oss-120b" in visible_text(posted)


def test_a_suggestion_runs_the_command_with_that_model(
    signed_request: Send, click: Send, slack: Served
) -> None:
    error = reply_of(signed_request("r1 vs gpt5x"))

    click(buttons(error)["GPT-5"])
    posted = _posted(slack)

    assert posted["replace_original"] is True  # the answer takes the error's place
    assert posted["response_type"] == "ephemeral"
    assert posted["blocks"][0]["text"]["text"] == "DeepSeek R1 vs GPT-5"


def test_a_single_unknown_name_suggestion_runs_that_model(
    signed_request: Send, click: Send, slack: Served
) -> None:
    error = reply_of(signed_request("gpt5x"))
    click(buttons(error)["GPT-5 mini"])
    assert _posted(slack)["blocks"][0]["text"]["text"] == "GPT-5 mini"


def test_a_model_answer_can_be_shared_and_offers_cheaper_models(signed_request: Send) -> None:
    message = reply_of(signed_request("o1"))
    assert set(buttons(message)) == {"Share in channel", "Cheaper alternatives"}
    assert buttons(message)["Cheaper alternatives"]["value"] == "cheaper o1"


def test_a_rate_limited_response_url_is_retried_after_retry_after(
    signed_request: Send, click: Send, slack: Served
) -> None:
    slack.fake.rate_limit("response", retry_after=1, times=1)
    click(buttons(reply_of(signed_request("r1 vs o1")))["Share in channel"])

    calls = slack.fake.wait_for("response", count=2)

    assert [c.body["response_type"] for c in calls] == [
        "in_channel",
        "in_channel",
    ]  # once refused, once taken


@pytest.mark.parametrize("status", [404, 500])
def test_a_failing_response_url_is_logged_without_the_url(
    signed_request: Send, click: Send, slack: Served, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fake.status("response", status, times=None)
    message = reply_of(signed_request("r1 vs o1"))
    caplog.set_level("ERROR", logger="bot.slack")

    click(buttons(message)["Share in channel"])
    call = slack.fake.wait_for("response")[0]

    record = _wait_for_log(caplog, "response_url post")
    assert f"HTTP {status}" in record
    assert call.path not in record  # a response_url is a credential: only its host is logged


def _wait_for_log(caplog: pytest.LogCaptureFixture, needle: str) -> str:
    import time

    for _ in range(200):  # delivery runs on a worker thread after the click's ack
        found = [r.getMessage() for r in caplog.records if needle in r.getMessage()]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no log line with {needle!r}")
