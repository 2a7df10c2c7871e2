"""UserInfo, the one cache of Slack's users.info answers (the app's admin check and the alert worker's
display names both read through it), against the fake Slack Web API."""

from __future__ import annotations

import pytest

from bot.contract.errors import SlackUnavailableError
from bot.slackapi.clients import web_client
from bot.slackapi.users import DisplayNames, UserInfo
from tests.fakeslack import FakeSlack

ADA = {"ok": True, "user": {"id": "UADA", "team_id": "T1", "profile": {"display_name": "Ada"}}}


def users(fake: FakeSlack, **options: float) -> UserInfo:
    tokens = {"": "xoxb-shared", "T1": "xoxb-one", "T2": "xoxb-two"}
    return UserInfo(lambda workspace: web_client(fake.api_url, tokens[workspace]), **options)


def asked(fake: FakeSlack) -> list[tuple[str | None, str]]:
    return [(c.token, c.body["user"]) for c in fake.calls("users.info")]


def test_an_answer_is_kept_per_workspace_and_user(fake_slack: FakeSlack) -> None:
    fake_slack.reply("users.info", ADA)
    cache = users(fake_slack)

    assert cache.get("UADA", "T1") == ADA["user"]
    assert cache.get("UADA", "T1") == ADA["user"]
    assert cache.get("UADA", "T2") == ADA["user"]  # another workspace asks with its own token

    assert asked(fake_slack) == [("xoxb-one", "UADA"), ("xoxb-two", "UADA")]


def test_a_failure_is_asked_again_next_time_unless_it_is_to_be_kept(fake_slack: FakeSlack) -> None:
    fake_slack.fail("users.info", "internal_error", times=1)
    fake_slack.reply("users.info", ADA)
    at_once = users(fake_slack)  # the app's: a member retrying is answered as soon as Slack is back
    with pytest.raises(SlackUnavailableError):
        at_once.get("UADA")
    assert at_once.get("UADA") == ADA["user"]

    fake_slack.reset()
    fake_slack.fail("users.info", "internal_error", times=1)
    fake_slack.reply("users.info", ADA)
    patient = users(fake_slack, failed_ttl=30)  # the worker's: a failing lookup isn't repeated per alert
    for _ in range(2):
        with pytest.raises(SlackUnavailableError):
            patient.get("UADA")
    assert len(asked(fake_slack)) == 1


def test_no_such_user_is_none(fake_slack: FakeSlack) -> None:
    fake_slack.fail("users.info", "user_not_found", times=None)

    assert users(fake_slack).get("UGONE") is None
    names = DisplayNames(web_client(fake_slack.api_url, "xoxb-shared"))
    assert names.get("UGONE") is None and names.get("UGONE") is None
    assert len(asked(fake_slack)) == 2  # the display names' cache kept it; the other one asked once
