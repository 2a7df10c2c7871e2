"""Benchmark: deliver one price change to many subscribed channels against the fake Slack Web API.

Two runs, each with a baseline measured in the same run against the same fake:
- fast Slack: 1,000 channels; baseline: 1,000 bare chat.postMessage calls from one WebClient;
- slow Slack (every post takes --slow-post seconds, as when Slack is slow): 20 channels; baseline:
  the same 20 posts one after another. Four threads should take about a quarter of it.
Runs on SQLite (one worker thread), and on PostgreSQL (4 threads) when MODELCOST_TEST_POSTGRES_URL is set.
Usage: python bench/bench_alerts.py [--channels N] [--slow-channels N] [--slow-post SECONDS]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import db  # noqa: E402
from bot.alerts.worker import Worker
from bot.commands.ask import Context, respond  # noqa: E402
from bot.feeds.seed import ensure_catalog  # noqa: E402
from bot.slackapi.clients import web_client  # noqa: E402
from bot.store.tables import Subscription, utcnow  # noqa: E402
from tests.fakeslack import FakeSlack  # noqa: E402


class SlowSlack(FakeSlack):
    """The fake, but every chat.postMessage takes `delay` seconds to answer."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def _handle(self, handler: Any, raw: bytes) -> None:
        if handler.path.endswith("/chat.postMessage"):
            time.sleep(self.delay)
        super()._handle(handler, raw)


def baseline(fake: FakeSlack, channels: int) -> float:
    """Seconds for `channels` bare chat.postMessage calls, one after another."""
    client = web_client(fake.api_url, "xoxb-bench", bounded=True)
    start = time.perf_counter()
    for i in range(channels):
        client.chat_postMessage(channel=f"C{i:05}", text="baseline")
    return time.perf_counter() - start


def run(url: str, channels: int, fake: FakeSlack, label: str, base: float) -> None:
    engine = db.make_engine(url)
    ensure_catalog(engine)
    with db.transaction(engine) as s:
        s.add_all(
            Subscription(channel_id=f"C{i:05}", created_by="UBENCH", created_at=utcnow())
            for i in range(channels)
        )
    start = time.perf_counter()
    respond(engine, "set o1 output 50", Context.slack("UADMIN", "C0", lambda _: True))
    queued = time.perf_counter() - start
    fake.reset()
    worker = Worker(engine, web_client(fake.api_url, "xoxb-bench", bounded=True), channel_interval=1.0)
    start = time.perf_counter()
    sent = worker.run_once()
    took = time.perf_counter() - start
    assert sent == channels == len(fake.calls("chat.postMessage")), (sent, len(fake.calls()))
    print(
        f"  {label}: queue {channels} alerts in the change's transaction: {queued * 1000:.0f} ms; "
        f"deliver all ({worker.threads} thread(s)): {took:.2f} s, {channels / took:.0f} messages/s, "
        f"{took / base:.2f}x the baseline"
    )
    engine.dispose()


def each_database(channels: int, fake: FakeSlack, base: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.db", channels, fake, "SQLite", base)
    pg = os.environ.get("MODELCOST_TEST_POSTGRES_URL")
    if pg:
        name = f"mc_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(pg).set(database=name).render_as_string(hide_password=False)
            run(url, channels, fake, "PostgreSQL", base)
        finally:
            db.dispose_engines()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--slow-channels", type=int, default=20)
    parser.add_argument("--slow-post", type=float, default=0.5)
    args = parser.parse_args()
    with FakeSlack() as fake:
        base = baseline(fake, args.channels)
        print(f"fast Slack, baseline: {args.channels} bare posts: {base:.2f} s, {args.channels / base:.0f}/s")
        each_database(args.channels, fake, base)
    with SlowSlack(args.slow_post) as slow:
        base = baseline(slow, args.slow_channels)
        print(
            f"slow Slack ({args.slow_post} s a post), baseline: {args.slow_channels} bare posts: {base:.2f} s"
        )
        each_database(args.slow_channels, slow, base)


if __name__ == "__main__":
    main()
