"""Benchmark: deliver one price change to 1,000 subscribed channels against the fake Slack Web API.

Baseline in the same run: 1,000 bare chat.postMessage calls from one WebClient to the same fake.
Runs on SQLite (one worker thread), and on PostgreSQL (4 threads) when MODELCOST_TEST_POSTGRES_URL is set.
Usage: python bench/bench_alerts.py [--channels N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import db  # noqa: E402
from bot.alerts.worker import Worker, slack_client  # noqa: E402
from bot.ask import Context, respond  # noqa: E402
from bot.catalog.models import Subscription, utcnow  # noqa: E402
from bot.sync.seed import ensure_catalog  # noqa: E402
from tests.fakeslack import FakeSlack  # noqa: E402


def run(url: str, channels: int, fake: FakeSlack, label: str) -> None:
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
    worker = Worker(engine, slack_client("xoxb-bench", fake.api_url), channel_interval=1.0)
    start = time.perf_counter()
    sent = worker.run_once()
    took = time.perf_counter() - start
    assert sent == channels == len(fake.calls("chat.postMessage")), (sent, len(fake.calls()))
    print(
        f"{label}: queue {channels} alerts in the change's transaction: {queued * 1000:.0f} ms; "
        f"deliver all ({worker.threads} thread(s)): {took:.2f} s, {channels / took:.0f} messages/s"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=1000)
    args = parser.parse_args()
    with FakeSlack() as fake:
        client = slack_client("xoxb-bench", fake.api_url)
        start = time.perf_counter()
        for i in range(args.channels):
            client.chat_postMessage(channel=f"C{i:05}", text="baseline")
        base = time.perf_counter() - start
        print(
            f"baseline: {args.channels} bare chat.postMessage calls: "
            f"{base:.2f} s, {args.channels / base:.0f}/s"
        )
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", args.channels, fake, "SQLite")
        pg = os.environ.get("MODELCOST_TEST_POSTGRES_URL")
        if pg:
            name = f"mc_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = make_url(pg).set(database=name).render_as_string(hide_password=False)
                run(url, args.channels, fake, "PostgreSQL")
            finally:
                db.dispose_engines()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
