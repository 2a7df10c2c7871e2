"""Every feed, registered: the one list the CLI's `modelcost sync`, the worker's schedule and the tests
loop over, in the order of bot.domain.feeds (which the parser, `sync status` and the renderers read).
A new feed is its module here (a `FEED = Feed(INFO, parse, apply)`) and a line below.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from bot.config import Settings
from bot.contract.sync import SyncSummary
from bot.feeds import crosscheck, prices, quality
from bot.feeds.attempt import Feed

FEEDS: tuple[Feed[Any], ...] = (prices.FEED, quality.FEED, crosscheck.FEED)


def feed_named(name: str) -> Feed[Any]:
    """The feed users call `name` (`modelcost sync quality`); KeyError for none."""
    for feed in FEEDS:
        if feed.info.name == name:
            return feed
    raise KeyError(name)


def sync_due_feeds(engine: Engine, settings: Settings) -> list[SyncSummary]:
    """The worker's tick: sync each feed whose interval is up, in order, from its configured URL."""
    return [feed.sync(engine, feed.info.url(settings)) for feed in FEEDS if feed.due(engine, settings)]
