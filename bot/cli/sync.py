"""`modelcost sync`: fetch and apply the feeds by hand (prices, quality, then the cross-check), or one of
them, or a dry run; each summary printed, exit 1 if any failed or was rejected."""

from __future__ import annotations

import argparse
import sys

from bot import db
from bot.cli.exits import EXIT_ERROR, EXIT_OK
from bot.config import Settings
from bot.feeds import crosscheck, prices, quality
from bot.feeds.seed import ensure_catalog
from bot.render.sync import summary_text


def run(args: argparse.Namespace, settings: Settings) -> int:
    engine = db.engine_for(settings.database_url)
    ensure_catalog(engine)  # a new catalog starts from the bundled snapshots; a feed is judged against them
    feeds = [args.feed] if args.feed else ["prices"] if args.url else ["prices", "quality", "crosscheck"]
    ok = True
    for i, feed in enumerate(feeds):
        if feed == "prices":
            summary = prices.sync(engine, args.url or settings.feed_url, dry_run=args.dry_run)
        elif feed == "quality":
            summary = quality.sync_quality(
                engine, args.url or settings.quality_feed_url, dry_run=args.dry_run
            )
        else:
            summary = crosscheck.sync_crosscheck(
                engine, args.url or settings.crosscheck_url, dry_run=args.dry_run
            )
        gap = "\n" if i else ""  # a blank line between the feeds' summaries
        print(gap + summary_text(summary), file=sys.stdout if summary.ok else sys.stderr)
        ok = ok and summary.ok
    return EXIT_OK if ok else EXIT_ERROR
