"""The feeds as every layer names them: one FeedInfo per external source (its name, what it brings, the
settings it reads, its heading in `sync status`), in the order they sync. The CLI's parser, `sync status`
and the renderers read them here; what a feed does with a body (parse, guard, apply) is its module in
bot.feeds, paired with its FeedInfo in bot.feeds.registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.config import Settings


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a feed is called and which settings it reads (their defaults are Settings' own)."""

    name: str  # as users type it (`modelcost sync quality`) and as sync_runs records it
    what: str  # what it brings, for the CLI's help: "quality scores"
    headline: str  # the first words of its sync summary: "quality sync" (from <url>: applied)
    title: str  # its heading in `sync status`: "Quality" (feed:)
    url_env: str  # the environment variables Settings reads them from
    interval_env: str
    url: Callable[[Settings], str]  # where it is fetched from
    interval: Callable[[Settings], timedelta]  # how often the worker syncs it


PRICES = FeedInfo(
    name="prices",
    what="prices",
    headline="sync",
    title="Prices",
    url_env="MODELCOST_FEED_URL",
    interval_env="MODELCOST_SYNC_INTERVAL",
    url=lambda s: s.feed_url,
    interval=lambda s: s.sync_interval,
)
QUALITY = FeedInfo(
    name="quality",
    what="quality scores",
    headline="quality sync",
    title="Quality",
    url_env="MODELCOST_QUALITY_FEED_URL",
    interval_env="MODELCOST_QUALITY_SYNC_INTERVAL",
    url=lambda s: s.quality_feed_url,
    interval=lambda s: s.quality_sync_interval,
)
CROSSCHECK = FeedInfo(
    name="crosscheck",
    what="LiteLLM's cross-check facts",
    headline="cross-check sync",
    title="Cross-check (LiteLLM)",
    url_env="MODELCOST_CROSSCHECK_URL",
    interval_env="MODELCOST_CROSSCHECK_SYNC_INTERVAL",
    url=lambda s: s.crosscheck_url,
    interval=lambda s: s.crosscheck_sync_interval,
)

# In the order `modelcost sync`, the worker and `sync status` take them.
FEEDS: tuple[FeedInfo, ...] = (PRICES, QUALITY, CROSSCHECK)


def feed_info(name: str) -> FeedInfo:
    """The feed of that name (as sync_runs records it); KeyError for one this version doesn't know."""
    for info in FEEDS:
        if info.name == name:
            return info
    raise KeyError(name)
