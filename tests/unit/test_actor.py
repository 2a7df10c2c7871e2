"""Who made a change: stored as data (Actor), rendered by each surface its own way."""

from __future__ import annotations

from typing import Any

import pytest

from bot.contract.actor import Actor
from bot.render import alert, kit, words
from bot.render.alert import payload_actor

ADMIN = Actor(kind="admin", id="U123")
CLI = Actor(kind="admin", id="cli")
ODD = Actor(kind="admin", id="u1> <!channel")  # not a Slack user id: never becomes a mention
FEED = Actor(kind="feed", id="https://feed.test/v2/data.json")
SNAPSHOT = Actor(kind="snapshot", id="genai-prices 0.2.3 snapshot")


@pytest.mark.parametrize(
    ("actor", "terminal", "reply", "channel"),
    [
        (ADMIN, "admin U123", "<@U123>", "Ada"),
        (CLI, "the terminal operator", "the terminal operator", "the terminal operator"),
        (ODD, "admin u1> <!channel", "admin u1&gt; &lt;!channel", "Ada"),
        (FEED, f"the feed {FEED.id}", f"the feed {FEED.id}", f"the feed {FEED.id}"),
        (SNAPSHOT, SNAPSHOT.id, SNAPSHOT.id, SNAPSHOT.id),
    ],
)
def test_each_surface_renders_an_actor_its_own_way(
    actor: Actor, terminal: str, reply: str, channel: str
) -> None:
    assert words.actor(actor) == terminal
    assert kit.actor(actor) == reply
    assert alert.who(actor, "Ada") == channel


def test_a_channel_alert_says_an_admin_when_the_name_is_unknown_and_escapes_names() -> None:
    assert alert.who(ADMIN, None) == "an admin"
    assert alert.who(ADMIN, "<!here> & co") == "&lt;!here&gt; &amp; co"


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://feed.test/v2/data.json", "https://feed.test/v2/data.json"),
        (
            "https://bot:hunter2@feed.test:8443/v2/data.json?token=s3cret#top",
            "https://feed.test:8443/v2/data.json",
        ),
        ("http://[::1]:9000/data.json?key=1", "http://[::1]:9000/data.json"),
    ],
)
def test_a_feed_actor_never_keeps_credentials_query_or_fragment(url: str, stored: str) -> None:
    assert Actor(kind="feed", id=url).id == stored
    assert Actor.from_data({"kind": "feed", "id": url}).id == stored


@pytest.mark.parametrize(
    ("payload", "actor"),
    [
        ({"kind": "admin", "actor": {"kind": "admin", "id": "U123"}}, ADMIN),
        # queued before migration 0002: the actor as the old code rendered it
        ({"kind": "admin", "actor": "admin <@U123>"}, ADMIN),
        ({"kind": "admin", "actor": "admin (cli)"}, CLI),
        ({"kind": "sync", "actor": "feed https://feed.test/v2/data.json?token=s3cret"}, FEED),
        ({"kind": "seed", "actor": "genai-prices 0.2.3 snapshot"}, SNAPSHOT),
    ],
)
def test_alert_payloads_old_and_new_give_the_actor(payload: dict[str, Any], actor: Actor) -> None:
    assert payload_actor(payload) == actor
