"""Replies are reused while the catalog stays the same, and never outlive a change to it."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

import pytest
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from sqlalchemy import Engine

from bot.commands.ask import Context, respond
from bot.config import Settings
from bot.contract.errors import UserError
from bot.render.blocks import answer_message, error_message
from bot.render.kit import Message
from bot.slack.app import build_app
from bot.slack.cache import ASKED, ReplyCache, ack_json
from bot.store.version import catalog_version
from tests.fakeslack import FakeSlack
from tests.golden import corpus
from tests.slack.conftest import Served, command_body, post_signed, reply_of, visible_text


def _msg(text: str) -> Message:
    return {"text": text, "blocks": []}


def test_a_reply_is_kept_until_the_catalog_version_moves() -> None:
    version = [1]
    cache = ReplyCache(lambda: version[0], recheck=0)
    cache.put("o1", _msg("old"), cache.read_version(), cache.read_version())
    assert (kept := cache.get("o1")) is not None and kept.message == _msg("old")

    version[0] = 2
    assert cache.get("o1") is None  # dropped as soon as the change is seen
    cache.put("o1", _msg("raced"), 1, 2)  # the catalog moved while it was made: not kept
    assert cache.get("o1") is None


def test_a_reply_is_worth_keeping_once_its_text_comes_again() -> None:
    cache = ReplyCache(lambda: 1, recheck=0, size=2)
    assert [cache.admit("o1"), cache.admit("o1"), cache.admit("o1", "T1"), cache.admit("o1", "T1")] == [
        False,
        True,
        False,  # each workspace's own
        True,
    ]
    assert not cache.admit("x" * 201) and not cache.admit("x" * 201)  # too long to keep, ever
    for i in range(ASKED):  # texts asked once are forgotten in time
        cache.admit(f"q{i}")
    assert not cache.admit("o1")
    assert not ReplyCache(lambda: 1, size=0).admit("o1")


def test_a_workspace_is_never_served_another_workspaces_reply() -> None:
    cache = ReplyCache(lambda: 1, recheck=0)
    cache.put("o1", _msg("T1's view"), cache.read_version(), cache.read_version(), "T1")

    assert (kept := cache.get("o1", "T1")) is not None and kept.message == _msg("T1's view")
    assert cache.get("o1", "T2") is None and cache.get("o1") is None
    assert cache.stale("o1", "T2") is None and cache.stale("o1", "T1") == _msg("T1's view")


def test_a_reply_made_in_a_version_never_seen_by_the_cache_is_not_served_later() -> None:
    version = [1]
    cache = ReplyCache(lambda: version[0], recheck=3600)
    cache.read_version()
    version[0] = 2  # e.g. an alias added ...
    cache.put("chatty", _msg("o1"), cache.read_version(), cache.read_version())
    version[0] = 1  # ... and removed again, between two rechecks
    cache.read_version()
    assert cache.get("chatty") is None


def test_the_cache_is_bounded() -> None:
    cache = ReplyCache(lambda: 1, recheck=0, size=2)
    cache.read_version()
    for text in ("a", "b", "c"):
        cache.put(text, _msg(text), 1, 1)
    assert [cache.get(t) is not None for t in ("a", "b", "c")] == [False, True, True]
    cache.put("x" * 201, _msg("long"), 1, 1)
    assert cache.get("x" * 201) is None
    aged = ReplyCache(lambda: 1, recheck=0, max_age=-1)
    aged.read_version()
    aged.put("a", _msg("a"), 1, 1)
    assert aged.get("a") is None
    off = ReplyCache(lambda: 1, size=0)
    off.put("a", _msg("a"), 1, 1)
    assert off.get("a") is None


def test_a_reply_is_kept_from_its_second_asking_and_acked_as_the_same_json(slack: Served) -> None:
    once, twice, kept = (post_signed(slack.url, command_body(slack.fake, "r1 vs o1")) for _ in range(3))
    for response in (once, twice, kept):
        assert response.headers["Content-Type"].startswith("application/json")
    assert reply_of(once) == reply_of(twice) == reply_of(kept)
    assert reply_of(kept)["response_type"] == "ephemeral"
    # Made for the first two (pydantic-core's UTF-8; the second is kept), served from the cache for the
    # third: its JSON kept as ASCII, copied into the body rather than encoded each time.
    assert not once.content.isascii() and not twice.content.isascii()
    assert kept.content.isascii() and "·" in visible_text(reply_of(kept))
    assert json.loads(ack_json(_msg("a & b"))) == {
        "text": "a & b",
        "blocks": [],
        "response_type": "ephemeral",
    }


def test_an_ack_is_the_json_of_its_message_whatever_its_text() -> None:
    # Names and notes carry other than ASCII (·, –, é); text that isn't valid Unicode goes the slow way.
    for text in ("a & b <!channel>", "DeepSeek · off-peak 16:30–00:30 · Mistral Médium", "bad \udc80 text"):
        assert json.loads(ack_json(_msg(text))) == {"text": text, "blocks": [], "response_type": "ephemeral"}


def test_every_reply_in_the_golden_corpus_is_acked_as_the_json_module_would_encode_it(
    catalog: Engine,
) -> None:
    # pydantic-core would also encode a Decimal or a date, which the json module refuses (and slack_sdk, for
    # a response_url post, and a kept reply's JSON): a reply holds only JSON's own types.
    for text in corpus():
        try:
            message = answer_message(respond(catalog, text, Context.cli()), query=text)
        except UserError as exc:
            message = error_message(exc, query=text)
        body = {**message, "response_type": "ephemeral"}
        assert json.loads(ack_json(message)) == json.loads(json.dumps(body)), text


@pytest.mark.engines
def test_the_catalog_version_moves_with_every_kind_of_change(fresh: Engine) -> None:
    admin = Context.slack("UADMIN", "C1", lambda _: True)
    seen = [catalog_version(fresh)]
    for command in (
        "set o1 output 50",
        "alias chatty o1",
        "unalias chatty",
        "set o1 at together input 1 output 2",
    ):
        respond(fresh, command, admin)
        seen.append(catalog_version(fresh))
    assert all(a != b for a, b in zip(seen, seen[1:], strict=False))  # each change moves it
    assert catalog_version(fresh) == seen[-1]  # and it stays put while nothing changes


def test_slack_shows_a_new_price_soon_after_it_changes(
    serve: Callable[..., Served], fresh_url: str, fresh: Engine
) -> None:
    slack = serve(database_url=fresh_url)

    def ask() -> str:
        return visible_text(reply_of(post_signed(slack.url, command_body(slack.fake, "o1"))))

    assert "$60" in ask() and "$60" in ask() and "$60" in ask()  # kept from the second, then served
    respond(fresh, "set o1 output 50", Context.cli())

    deadline = time.monotonic() + 15  # the cache rechecks the catalog's version every second
    while "$50" not in (shown := ask()) and time.monotonic() < deadline:
        time.sleep(0.1)
    # o1 is retired at OpenAI, so its card also shows its cheapest live host (OpenRouter, still $60).
    assert "$15 in / $50 out" in shown and "$15 in / $60 out" not in shown


def test_socket_mode_sends_a_kept_reply_as_a_json_payload(
    make_settings: Callable[..., Settings], catalog_url: str, fake_slack: FakeSlack
) -> None:
    app = build_app(make_settings(database_url=catalog_url), socket_mode=True).bolt
    fields = dict(parse_qsl(command_body(fake_slack, "r1 vs o1").decode()))
    sent: list[SocketModeResponse] = []

    class Connection:  # where Bolt's Socket Mode adapter hands its responses: the websocket
        logger = logging.getLogger("test")

        def send_socket_mode_response(self, response: SocketModeResponse) -> None:
            sent.append(response)

    for i in range(3):  # kept from the second, the third from the cache
        request = SocketModeRequest(type="slash_commands", envelope_id=f"e{i}", payload=fields)
        send_response(Connection(), request, run_bolt_app(app, request), time.time())  # type: ignore[arg-type]
    first, _, again = (r.payload for r in sent)
    assert first == again and isinstance(first, dict) and first["response_type"] == "ephemeral"
    assert "DeepSeek R1 vs o1" in visible_text(first)
