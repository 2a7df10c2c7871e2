"""`modelcost worker`: deliver the alerts, run the reprice jobs the Slack app queues (bot.alerts.reprice),
and on each tick sync the feeds whose interval is up (and, in oauth mode, delete the install states left
unused) and, once a minute, delete the data of workspaces uninstalled more than MODELCOST_RETENTION_DAYS
ago (bot.store.retention) and queue the lifecycle notices and digests that are due; `--once` does each of
those that is due now and exits (`--now ISO`: due as of
that time)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from datetime import UTC, datetime

from bot import db
from bot.alerts import countdowns, digests
from bot.alerts.reprice import runner_for as reprice_runner
from bot.alerts.worker import Worker
from bot.cli.exits import EXIT_OK
from bot.config import Settings
from bot.feeds.registry import sync_due_feeds
from bot.feeds.seed import ensure_catalog
from bot.slackapi.clients import web_client
from bot.slackapi.installs import STATE_PURGE_EVERY_S, Installs, purge_expired_states
from bot.store import retention
from bot.store.cipher import token_cipher

PLAN_EVERY_S = 60.0  # the lifecycle and digest pass: due notices go out within a minute of their time


def pass_clock(raw: str | None) -> datetime | None:
    """`--now 2026-12-04T10:00:00Z`: the time a pass decides what is due as of (UTC-aware)."""
    if raw is None:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise SystemExit(f"--now: {raw!r} is not an ISO time such as 2026-12-04T10:00:00Z") from None
    if when.tzinfo is None:
        raise SystemExit(f"--now: {raw!r} has no time zone; add Z for UTC") from None
    return when.astimezone(UTC)


def run(args: argparse.Namespace, settings: Settings) -> int:
    now = pass_clock(args.now)
    if now is not None and not args.once:
        raise SystemExit("--now needs --once: a worker that keeps running follows the real clock")
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
            engine,
            web_client(settings.slack_api_url, None, bounded=True),
            lease=args.lease,
            tokens=tokens,
            threads=settings.alert_threads,
            team_interval=settings.alert_team_interval,
        )
    else:
        token = settings.slack_bot_token
        assert token is not None  # settings.require above
        worker = Worker(
            engine,
            web_client(settings.slack_api_url, token.get_secret_value(), bounded=True),
            lease=args.lease,
            threads=settings.alert_threads,
            team_interval=settings.alert_team_interval,
        )
    reprices = reprice_runner(settings, engine)  # `/modelcost reprice`: jobs the Slack app queues
    purged_at = float("-inf")

    def purge() -> None:
        """Oauth mode: the install states left unused, deleted once expired (every STATE_PURGE_EVERY_S)."""
        nonlocal purged_at
        if oauth and time.monotonic() - purged_at >= STATE_PURGE_EVERY_S:
            if purged := purge_expired_states(engine):
                log.info("deleted %d expired install state(s)", purged)
            purged_at = time.monotonic()

    def forget_departed(when: datetime) -> int:
        """The data of workspaces uninstalled more than MODELCOST_RETENTION_DAYS ago, deleted."""
        return len(retention.purge_departed(engine, when, settings.retention_days))

    if args.once:
        purge()
        if forgotten := forget_departed(now or datetime.now(UTC)):
            print(f"deleted the data of {forgotten} uninstalled workspace(s)")
        queued = countdowns.plan(engine, now or datetime.now(UTC))
        if queued:
            print(f"queued {queued} lifecycle notice(s)")
        if queued := digests.plan(engine, now or datetime.now(UTC)):
            print(f"queued {queued} digest(s)")
        print(f"sent {worker.run_once()} alert(s)")
        if answered := reprices.run_once():
            print(f"answered {answered} reprice job(s)")
        return EXIT_OK

    planned_at = float("-inf")

    def tick() -> None:
        nonlocal planned_at
        purge()
        if time.monotonic() - planned_at >= PLAN_EVERY_S:
            forget_departed(datetime.now(UTC))
            if queued := countdowns.plan(engine, datetime.now(UTC)):
                log.info("queued %d lifecycle notice(s)", queued)
            if queued := digests.plan(engine, datetime.now(UTC)):
                log.info("queued %d digest(s)", queued)
            planned_at = time.monotonic()
        for summary in sync_due_feeds(engine, settings):
            log.info("%s feed sync: %s %s", summary.feed, summary.status, summary.reason or "")

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    reprices.run_forever(stop)
    worker.run_forever(stop, tick=tick)
    return EXIT_OK
