"""`modelcost worker`: deliver the alerts, and on each tick sync the feeds whose interval is up (and, in
oauth mode, delete the install states left unused); `--once` delivers what is due now and exits."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time

from sqlalchemy import Engine

from bot import db
from bot.alerts.worker import Worker
from bot.cli.exits import EXIT_OK
from bot.config import Settings
from bot.contract.sync import SyncSummary
from bot.feeds.crosscheck import sync_crosscheck
from bot.feeds.prices import sync
from bot.feeds.quality import sync_quality
from bot.feeds.seed import ensure_catalog
from bot.slackapi.clients import slack_client
from bot.slackapi.installs import STATE_PURGE_EVERY_S, Installs, purge_expired_states
from bot.store.cipher import token_cipher
from bot.store.syncruns import sync_due


def run(args: argparse.Namespace, settings: Settings) -> int:
    settings.check_mode(socket_mode=False)
    oauth = settings.slack_mode == "oauth"
    if oauth:
        settings.require("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "MODELCOST_TOKEN_KEY")
        token_cipher(settings)  # a malformed key stops the worker now, in one line
    else:
        settings.require("SLACK_BOT_TOKEN")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("bot.feeds")
    engine = db.engine_for(settings.database_url)
    ensure_catalog(engine)
    if oauth:
        # Each workspace's alerts go out with its installation's token, refreshed when it rotates.
        tokens = Installs(settings, engine).bot_token
        worker = Worker(engine, slack_client(None, settings.slack_api_url), lease=args.lease, tokens=tokens)
    else:
        token = settings.slack_bot_token
        assert token is not None  # settings.require above
        worker = Worker(
            engine, slack_client(token.get_secret_value(), settings.slack_api_url), lease=args.lease
        )
    purged_at = float("-inf")

    def purge() -> None:
        """Oauth mode: the install states left unused, deleted once expired (every STATE_PURGE_EVERY_S)."""
        nonlocal purged_at
        if oauth and time.monotonic() - purged_at >= STATE_PURGE_EVERY_S:
            if purged := purge_expired_states(engine):
                log.info("deleted %d expired install state(s)", purged)
            purged_at = time.monotonic()

    if args.once:
        purge()
        print(f"sent {worker.run_once()} alert(s)")
        return EXIT_OK

    def tick() -> None:
        purge()
        for summary in sync_due_feeds(engine, settings):
            log.info("%s feed sync: %s %s", summary.feed, summary.status, summary.reason or "")

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker.run_forever(stop, tick=tick)
    return EXIT_OK


def sync_due_feeds(engine: Engine, settings: Settings) -> list[SyncSummary]:
    """The worker's tick: sync each feed whose interval is up, prices, quality, then the cross-check."""
    done = []
    if sync_due(engine, settings.sync_interval, feed="prices"):
        done.append(sync(engine, settings.feed_url))
    if sync_due(engine, settings.quality_sync_interval, feed="quality"):
        done.append(sync_quality(engine, settings.quality_feed_url))
    if sync_due(engine, settings.crosscheck_sync_interval, feed="crosscheck"):
        done.append(sync_crosscheck(engine, settings.crosscheck_url))
    return done
