"""`modelcost worker`: deliver the alerts, and on each tick sync the feeds whose interval is up (and, in
oauth mode, delete the install states left unused); `--once` delivers what is due now and exits."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time

from bot import db
from bot.alerts.worker import Worker
from bot.cli.exits import EXIT_OK
from bot.config import Settings
from bot.feeds.registry import sync_due_feeds
from bot.feeds.seed import ensure_catalog
from bot.slackapi.clients import web_client
from bot.slackapi.installs import STATE_PURGE_EVERY_S, Installs, purge_expired_states
from bot.store.cipher import token_cipher


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
        worker = Worker(
            engine, web_client(settings.slack_api_url, None, bounded=True), lease=args.lease, tokens=tokens
        )
    else:
        token = settings.slack_bot_token
        assert token is not None  # settings.require above
        worker = Worker(
            engine,
            web_client(settings.slack_api_url, token.get_secret_value(), bounded=True),
            lease=args.lease,
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
