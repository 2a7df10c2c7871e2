"""A sync's recorded reason, as anyone is shown it: the kind of failure and the host, never a URL's
query or credentials nor a library's text, whichever version recorded it."""

from __future__ import annotations

import pytest

from bot.domain.reasons import host_of, safe_reason


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [
        # as older versions recorded them
        (
            "could not fetch the feed: ConnectionError: HTTPSConnectionPool(host='feed.internal', port=443): "
            "Max retries exceeded with url: /v2/data.json?token=s3cr3t",
            "could not fetch the feed (ConnectionError)",
        ),
        (
            'the database refused the sync: connection to server at "10.0.0.5", port 5432 failed: FATAL: '
            'password authentication failed for user "modelcost"',
            "the database refused the sync",
        ),
        (
            "timed out connecting to https://user:pw@feed.internal:8443/v2/data.json?k=s3cr3t (after 5 s)",
            "timed out connecting to feed.internal (after 5 s)",
        ),
        ("the feed answered HTTP 503 Service Unavailable", "the feed answered HTTP 503 Service Unavailable"),
        # as they are made now: unchanged
        ("could not fetch the feed from feed.internal (ConnectionError)", None),
        ("the database refused the sync (OperationalError)", None),
        # a guard's reason keeps its words; an address in the feed's content is cut to its host
        ("the feed is not valid JSON (truncated?): Unterminated string at line 1 column 9", None),
        (
            "openai/o1 links to https://evil.example/x?k=v; 3 prices dropped",
            "openai/o1 links to evil.example; 3 prices dropped",
        ),
        ("the feed's key ?api_key=s3cr3t is not a model", "the feed's key  is not a model"),
    ],
)
def test_safe_reason(recorded: str, shown: str | None) -> None:
    assert safe_reason(recorded) == (shown or recorded)


def test_host_of() -> None:
    assert host_of("https://user:pw@Feed.Example:8443/p?token=x") == "feed.example"
    assert host_of("not a url") == "the feed's host"
