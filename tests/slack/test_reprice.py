"""`/modelcost reprice` in the fake Slack (issue 29): the command acks at once and queues a job; the
worker's runner (bot.alerts.reprice) finds the file the user shared, reads it with the workspace's
token, and answers privately through the response_url with a Share button; Share answers in the
channel. The file's content is in no table and no log; malformed files get their messages."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from bot import db
from bot.alerts import reprice as reprice_runner
from bot.alerts.reprice import RepriceRunner, runner_for
from bot.config import Settings
from bot.render.kit import SHORTCUT_REPRICE
from tests.db.dump import dump
from tests.fakeslack import FakeSlack
from tests.slack.blockkit import assert_valid
from tests.slack.conftest import (
    BOT_TOKEN,
    CHANNEL,
    USER,
    Served,
    buttons,
    command_body,
    post_signed,
    reply_of,
    visible_text,
)
from tests.slack.test_oauth import OAUTH, install

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"
# What only the file says: an id no catalog knows and a token count, both in the answer (the unknown
# id is listed with its tokens), to be found in no table and no log.
SECRET_MODEL = "acme-internal-zq9"
SECRET_TOKENS = 987_654_321
FILE = (
    "model,input_tokens,output_tokens,cached_tokens,cache_write_tokens\n"
    "gpt-5.5,10000000,2000000,3000000,0\n"
    f"{SECRET_MODEL},{SECRET_TOKENS - 1},1,0,0\n"
).encode()


@pytest.fixture
def slack(serve: Callable[..., Served], fresh_url: str) -> Served:
    """The app on a catalog of this test's own: the jobs are written to it."""
    return serve(database_url=fresh_url)


@pytest.fixture
def runner(fresh_url: str, make_settings: Callable[..., Settings]) -> RepriceRunner:
    """The runner `modelcost worker` starts, on the app's database and settings."""
    return runner_for(make_settings(database_url=fresh_url), db.engine_for(fresh_url))


def command(slack: Served, text: str, reply_id: str, *, channel: str = CHANNEL) -> dict[str, Any]:
    """`/modelcost <text>`'s ack, its response_url the fake's `reply_id`."""
    body = command_body(slack.fake, text, channel=channel, response_url=slack.fake.response_url(reply_id))
    return reply_of(post_signed(slack.url, body))


def answers(fake: FakeSlack, reply_id: str) -> list[dict[str, Any]]:
    """The messages posted to the response_url `reply_id`, each checked against Block Kit's limits."""
    posted = [c.body for c in fake.responses() if c.response_id == reply_id]
    for message in posted:
        assert_valid({k: v for k, v in message.items() if k not in ("response_type", "replace_original")})
    return posted


def run_when_queued(runner: RepriceRunner) -> int:
    """Run the jobs a click queues once it has (after acking it, on the app's pool): at most 10 s."""
    deadline = time.monotonic() + 10
    while not (done := runner.run_once()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return done


def click_share(slack: Served, button: dict[str, Any], reply_id: str) -> requests.Response:
    payload = {
        "type": "block_actions",
        "user": {"id": USER, "username": "alice", "team_id": slack.fake.team_id},
        "api_app_id": "A0MODELCOST",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": CHANNEL, "is_ephemeral": True},
        "trigger_id": "1.2.3",
        "team": {"id": slack.fake.team_id, "domain": "fake"},
        "channel": {"id": CHANNEL, "name": "general"},
        "response_url": slack.fake.response_url(reply_id),
        "actions": [{**button, "block_id": "b1", "action_ts": "1.3"}],
    }
    return post_signed(slack.url, urlencode({"payload": json.dumps(payload)}).encode())


def test_the_shared_file_is_answered_privately_then_shared_and_kept_nowhere(
    slack: Served,
    runner: RepriceRunner,
    fresh_url: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = slack.fake
    fake.serve_file("old.csv", b"model,input_tokens,output_tokens\ngpt-5.5,1,1\n", token=BOT_TOKEN)
    fake.serve_file("usage-november.csv", FILE, token=BOT_TOKEN)
    fake.serve_file("elsewhere.csv", b"x", token=BOT_TOKEN, channel="C0OTHER")
    fake.serve_file("chart.png", b"\x89PNG\0", token=BOT_TOKEN)  # newer, but not a CSV

    ack = command(slack, "reprice --on kimi-k2.6", "r1")
    assert "Re-pricing your usage file" in ack["text"]
    assert fake.downloads() == []  # nothing is read in the request
    assert runner.run_once() == 1

    # The newest CSV the user shared in this channel, found and read with the workspace's token.
    [listed] = fake.calls("files.list")
    assert (listed.token, listed.body["user"], listed.body["channel"]) == (BOT_TOKEN, USER, CHANNEL)
    [info] = fake.calls("files.info")
    [download] = fake.downloads()
    assert info.token == BOT_TOKEN and download.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    [private] = answers(fake, "r1")
    assert private["response_type"] == "ephemeral"
    said = visible_text(private)
    assert "Re-priced: CSV" in said and "GPT-5.5" in said and "usage-november.csv" in said
    assert "Kimi K2.6" in said  # --on
    assert SECRET_MODEL in said and f"{SECRET_TOKENS:,}" in said  # listed, never guessed

    share = buttons(private)["Share in channel"]
    assert click_share(slack, share, "r2").status_code == 200
    assert run_when_queued(runner) == 1  # queued after the click's ack, on the app's pool
    [shared] = answers(fake, "r2")
    assert shared["response_type"] == "in_channel"
    assert f"Shared by <@{USER}>" in visible_text(shared) and "Share in channel" not in buttons(shared)
    assert visible_text(shared).count("Kimi K2.6") == visible_text(private).count("Kimi K2.6")
    assert len(fake.downloads()) == 2  # read again for the channel: no answer was kept meanwhile

    rows = dump(db.engine_for(fresh_url))
    assert rows["reprice_jobs"] == []
    for needle in (SECRET_MODEL, str(SECRET_TOKENS), f"{SECRET_TOKENS:,}", "usage-november"):
        assert needle not in repr(rows)
        assert needle not in caplog.text
        assert needle not in "".join(capfd.readouterr())


def test_a_second_ask_reads_the_file_again(slack: Served, runner: RepriceRunner) -> None:
    """No reprice answer is ever served from the reply cache: each ask is a job of its own."""
    slack.fake.serve_file("usage.csv", FILE, token=BOT_TOKEN)
    for reply_id in ("a", "b"):
        assert "Re-pricing" in command(slack, "reprice", reply_id)["text"]
    assert runner.run_once() == 2
    assert len(slack.fake.downloads()) == 2
    assert all("Re-priced" in visible_text(answers(slack.fake, r)[0]) for r in ("a", "b"))


MB = 1024 * 1024
HEADER = b"model,input_tokens,output_tokens\n"


@pytest.mark.parametrize(
    ("name", "content", "size", "says"),
    [
        ("usage.csv", b"", None, "The file is empty."),
        ("usage.csv", b"project,input_tokens,output_tokens\np,1,1\n", None, "has no `model` column"),
        ("usage.csv", b"model,input_tokens,output_tokens\ngpt-5.5,-5,1\n", None, "negative (-5)"),
        ("usage.csv", b"model,input_tokens,output_tokens\n", None, "a header but no rows"),
        ("usage.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None, "usage.csv is a binary file"),
        ("usage.csv", b"model,when,what\nm,1,2\n", None, "I don't recognise these columns"),
        ("huge.csv", HEADER, 50 * MB, "huge.csv is 50.0 MB; I read usage files of 20 MB at most"),
        ("big.csv", HEADER, 20 * MB + 1, "big.csv is 20.0 MB; I read usage files of 20 MB at most"),
    ],
)
def test_files_that_cant_be_repriced_get_a_clear_message_and_nothing_is_kept(
    slack: Served,
    runner: RepriceRunner,
    fresh_url: str,
    name: str,
    content: bytes,
    size: int | None,
    says: str,
) -> None:
    slack.fake.serve_file(name, content, token=BOT_TOKEN, size=size)
    command(slack, "reprice", "r1")
    assert runner.run_once() == 1
    [reply] = answers(slack.fake, "r1")
    assert reply["response_type"] == "ephemeral" and says in visible_text(reply)
    assert "Share in channel" not in buttons(reply)
    if size is not None:
        assert slack.fake.downloads() == []  # refused from files.info, before a byte is fetched
    assert dump(db.engine_for(fresh_url))["reprice_jobs"] == []


@pytest.mark.parametrize(
    ("prepare", "text", "says"),
    [
        (lambda fake: None, "reprice", "I found no file you shared here"),
        (lambda fake: fake.fail("files.list", "missing_scope"), "reprice", "re-approve the app"),
        (lambda fake: None, "reprice --on no-such-model-q", "no-such-model-q"),
    ],
)
def test_no_file_no_scope_or_an_unknown_model_are_said(
    slack: Served, runner: RepriceRunner, prepare: Callable[[FakeSlack], object], text: str, says: str
) -> None:
    prepare(slack.fake)
    command(slack, text, "r1")
    assert runner.run_once() == 1
    [reply] = answers(slack.fake, "r1")
    assert reply["response_type"] == "ephemeral" and says in visible_text(reply)
    assert slack.fake.downloads() == []


def test_a_bad_option_is_said_in_the_ack_and_queues_nothing(
    slack: Served, runner: RepriceRunner, fresh_url: str
) -> None:
    ack = command(slack, "reprice --for knitting", "r1")
    assert "`--for` wants a task" in visible_text(ack)
    assert runner.run_once() == 0 and dump(db.engine_for(fresh_url))["reprice_jobs"] == []


def test_the_message_shortcut_reprices_that_messages_file(slack: Served, runner: RepriceRunner) -> None:
    fake = slack.fake
    file_id = fake.serve_file("anthropic.csv", (FIXTURES / "anthropic.csv").read_bytes(), token=BOT_TOKEN)
    fake.serve_file("newer.csv", FILE, token=BOT_TOKEN)  # the shortcut names its own file, not the newest

    def shortcut(files: list[dict[str, Any]], reply_id: str) -> None:
        payload = {
            "type": "message_action",
            "callback_id": SHORTCUT_REPRICE,
            "trigger_id": "1.2.3",
            "user": {"id": USER, "name": "alice", "team_id": fake.team_id},
            "team": {"id": fake.team_id, "domain": "fake"},
            "channel": {"id": CHANNEL, "name": "general"},
            "message": {"type": "message", "user": "U0BOB", "ts": "1.1", "text": "", "files": files},
            "message_ts": "1.1",
            "response_url": fake.response_url(reply_id),
        }
        response = post_signed(slack.url, urlencode({"payload": json.dumps(payload)}).encode())
        assert response.status_code == 200

    shortcut([{"id": file_id, "name": "anthropic.csv", "filetype": "csv"}], "s1")
    fake.wait_for("response")  # "Re-pricing your usage file…", once the job is queued
    assert runner.run_once() == 1
    working, answer = answers(fake, "s1")
    assert "Re-pricing" in working["text"] and "Anthropic usage report" in visible_text(answer)
    assert [c.response_id for c in fake.downloads()] == [file_id]

    shortcut([], "s2")
    [reply] = [c.body for c in fake.wait_for("response", 3) if c.response_id == "s2"]
    assert "That message has no file" in visible_text(reply)


def test_in_oauth_mode_the_file_is_read_with_its_workspaces_token(
    serve: Callable[..., Served], fresh_url: str, make_settings: Callable[..., Settings]
) -> None:
    """Two workspaces installed: the job reads the file with the token of the one that asked, and its
    response_url is stored encrypted until then."""
    hosted = serve(database_url=fresh_url, settings=OAUTH)
    install(hosted, "code-a", "T1")
    install(hosted, "code-b", "T2")
    [token_b] = hosted.fake.tokens("T2")
    hosted.fake.serve_file("usage.csv", FILE, token=token_b)
    url = hosted.fake.response_url("r1")
    ack = post_signed(hosted.url, command_body(hosted.fake, "reprice", team="T2", response_url=url))
    assert "Re-pricing" in reply_of(ack)["text"]
    [job] = dump(db.engine_for(fresh_url))["reprice_jobs"]
    assert url not in repr(job) and "/response/r1" not in repr(job)

    runner = runner_for(make_settings(database_url=fresh_url, **OAUTH), db.engine_for(fresh_url))
    assert runner.run_once() == 1
    [listed] = hosted.fake.calls("files.list")
    [download] = hosted.fake.downloads()
    assert listed.token == token_b and download.token == token_b
    [answer] = answers(hosted.fake, "r1")
    assert "Re-priced" in visible_text(answer) and answer["response_type"] == "ephemeral"


def test_an_unexpected_error_is_logged_without_its_message(
    slack: Served, runner: RepriceRunner, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug's message may quote the file: the log has its type and where it was raised, the user
    "something went wrong", and the job is gone."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError(f"could not price {SECRET_MODEL}")

    monkeypatch.setattr(reprice_runner, "reprice", broken)
    slack.fake.serve_file("usage.csv", FILE, token=BOT_TOKEN)
    command(slack, "reprice", "r1")
    assert runner.run_once() == 1
    [reply] = answers(slack.fake, "r1")
    assert "something went wrong" in visible_text(reply)
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.alerts.reprice"]
    assert "ValueError at test_reprice.py" in line and "in _answer" in line
    assert SECRET_MODEL not in caplog.text


def test_a_file_shared_in_a_dm_with_the_app_is_found_there(slack: Served, runner: RepriceRunner) -> None:
    slack.fake.serve_file("usage.csv", FILE, token=BOT_TOKEN, channel="D0ALICE")
    command(slack, "reprice", "r1", channel="D0ALICE")
    assert runner.run_once() == 1
    [listed] = slack.fake.calls("files.list")
    assert listed.body["channel"] == "D0ALICE"
    [reply] = answers(slack.fake, "r1")
    assert "Re-priced" in visible_text(reply) and "Share in channel" in buttons(reply)
