"""`modelcost sync`: fetch and apply the feeds by hand (every feed of bot.feeds.registry, in order), or one
of them, or a dry run; each summary printed, exit 1 if any failed or was rejected."""

from __future__ import annotations

import argparse
import sys

from bot import db
from bot.cli.exits import EXIT_ERROR, EXIT_OK
from bot.config import Settings
from bot.domain.feeds import PRICES
from bot.feeds.registry import FEEDS, feed_named
from bot.feeds.seed import ensure_catalog
from bot.render.sync import summary_text


def run(args: argparse.Namespace, settings: Settings) -> int:
    engine = db.engine_for(settings.database_url)
    ensure_catalog(engine)  # a new catalog starts from the bundled snapshots; a feed is judged against them
    # A feed named runs alone; `--url` alone names the price feed's URL.
    chosen = [feed_named(args.feed)] if args.feed else [feed_named(PRICES.name)] if args.url else list(FEEDS)
    ok = True
    for i, feed in enumerate(chosen):
        summary = feed.sync(engine, args.url or feed.info.url(settings), dry_run=args.dry_run)
        gap = "\n" if i else ""  # a blank line between the feeds' summaries
        print(gap + summary_text(summary), file=sys.stdout if summary.ok else sys.stderr)
        ok = ok and summary.ok
    return EXIT_OK if ok else EXIT_ERROR
