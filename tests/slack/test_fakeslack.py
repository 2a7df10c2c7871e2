"""The fake Slack Web API behaves as slack_sdk expects: defaults, scripted errors, 429s, response URLs."""

from __future__ import annotations

from itertools import pairwise

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.slackapi.clients import web_client
from tests.fakeslack import FakeSlack


def test_calls_are_recorded_with_body_and_token(fake_slack: FakeSlack) -> None:
    client = web_client(fake_slack.api_url, "xoxb-1")
    sent = client.chat_postMessage(channel="C1", text="hi", blocks=[{"type": "divider"}])
    client.conversations_join(channel="C1")
    client.users_info(user="U1")

    assert sent["ok"] and sent["channel"] == "C1" and sent["ts"]
    [post] = fake_slack.calls("chat.postMessage")
    assert post.body["text"] == "hi" and post.body["blocks"] == [{"type": "divider"}]
    assert post.token == "xoxb-1"
    assert [c.method for c in fake_slack.calls()] == ["chat.postMessage", "conversations.join", "users.info"]


def test_errors_are_scripted_for_the_next_n_calls(fake_slack: FakeSlack) -> None:
    client = WebClient(token="xoxb-1", base_url=fake_slack.api_url)
    fake_slack.fail("chat.postMessage", "not_in_channel", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel="C1", text="hi")
        assert raised.value.response["error"] == "not_in_channel"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]


def test_429_with_retry_after_is_honoured_by_slack_sdk(fake_slack: FakeSlack) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=1)
    client = WebClient(
        base_url=fake_slack.api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )

    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert len(fake_slack.calls("chat.postMessage")) == 2

    fake_slack.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=fake_slack.api_url).chat_postMessage(channel="C1", text="hi")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"


def test_like_slack_it_is_slow_and_limits_each_workspace_on_its_own() -> None:
    with FakeSlack(latency=0.2) as fake:
        fake.pace("chat.postMessage", 60, retry_after=3)
        a, b = (WebClient(token=fake.install(team), base_url=fake.api_url) for team in ("TA", "TB"))
        a.chat_postMessage(channel="CA", text="hi")
        with pytest.raises(SlackApiError) as raised:  # TA again within its limit
            a.chat_postMessage(channel="CA2", text="hi")
        assert raised.value.response.status_code == 429
        assert raised.value.response.headers["Retry-After"] == "3"
        b.chat_postMessage(channel="CB", text="hi")  # TB is limited on its own
        fake.rate_limit("chat.postMessage", team="TB")  # a script for one team leaves the others be
        with pytest.raises(SlackApiError):
            b.chat_postMessage(channel="CB", text="hi")
        assert a.auth_test()["team_id"] == "TA"

        calls = fake.calls("chat.postMessage")
    assert [(c.team, c.status) for c in calls] == [("TA", 200), ("TA", 429), ("TB", 200), ("TB", 429)]
    assert all(later.at - earlier.at >= 0.2 for earlier, later in pairwise(calls))  # each took 0.2 s


def test_response_urls_and_form_posts(fake_slack: FakeSlack) -> None:
    url = fake_slack.response_url("abc")
    assert WebhookClient(url).send(text="hi", response_type="in_channel").status_code == 200
    [call] = fake_slack.responses()
    assert call.response_id == "abc" and call.body == {"text": "hi", "response_type": "in_channel"}

    fake_slack.status("response", 404)
    assert WebhookClient(url).send(text="again").status_code == 404

    WebClient(base_url=fake_slack.api_url).api_call("users.info", http_verb="GET", params={"user": "U9"})
    assert fake_slack.calls("users.info")[0].body == {"user": "U9"}
