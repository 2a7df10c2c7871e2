"""Benchmark: one shared price move fanned out to many workspaces' channels against a fake Slack that is
as slow as Slack and as strict as its per-workspace limit.

N workspaces with K subscribed channels each (default 2,000 x 5 = 10,000 channels), each workspace with
its own bot token (oauth mode). The fake Slack runs in a process of its own (so its HTTP work does not
share the worker's interpreter) with `--latency` seconds per post and Slack's per-workspace limit
enforced: a team's post arriving less than `--pace` seconds after its previous accepted one is answered
429 with Retry-After. The worker runs `run_once` with `--threads` threads and the same pace.

Reported, in one run: the time from the change to the last post; what Slack's limit allows, computed
(K posts per workspace, each workspace in parallel: (K - 1) x pace + latency, 4.1 s by default); what
the pool allows (N x K x latency / threads); the ratios of the measured time to both; and, counted in
the fake, every channel's alert exactly once and how many 429s were answered. Baseline, in the same
run against the same fake: the same number of bare chat.postMessage calls on as many threads, with no
outbox (other teams' tokens, taken a round of workspaces at a time, so Slack's limit is not met).

On PostgreSQL when MODELCOST_TEST_POSTGRES_URL is set (the outbox lives there in production), in a
database of its own; on SQLite otherwise.
Usage: python bench/bench_fanout.py [--workspaces N] [--channels K] [--latency S] [--pace S] [--threads T]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from itertools import pairwise
from multiprocessing.connection import Connection
from pathlib import Path

from slack_sdk.errors import SlackApiError
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import db  # noqa: E402
from bot.alerts.worker import Worker  # noqa: E402
from bot.commands.ask import Context, respond  # noqa: E402
from bot.feeds.seed import ensure_catalog  # noqa: E402
from bot.slackapi.clients import web_client  # noqa: E402
from bot.store.tables import Subscription, utcnow  # noqa: E402
from tests.fakeslack import FakeSlack  # noqa: E402

POST = "chat.postMessage"
Posted = tuple[str, str, float, int]  # team, channel, arrived (time.monotonic()), HTTP status


def serve_slack(pipe: Connection, teams: list[str], latency: float, pace: float) -> None:
    """The fake Slack's process: installs the teams, serves until told to stop, sends back every post."""
    with FakeSlack(latency=latency) as fake:
        fake.pace(POST, pace)
        pipe.send((fake.api_url, {team: fake.install(team) for team in teams}))
        pipe.recv()  # "stop"
        posts: list[Posted] = [(c.team, str(c.body["channel"]), c.at, c.status) for c in fake.calls(POST)]
    pipe.send(posts)


def bare_posts(api_url: str, tokens: dict[str, str], channels: int, threads: int) -> float:
    """Seconds for one bare post per channel of each team, `threads` at a time, no outbox."""
    work = [(token, f"C{team}{i}") for i in range(channels) for team, token in tokens.items()]
    clients = {token: web_client(api_url, token, bounded=True) for token in tokens.values()}
    lock = threading.Lock()

    def post() -> None:
        while True:
            with lock:
                if not work:
                    return
                token, channel = work.pop()
            try:
                clients[token].chat_postMessage(channel=channel, text="baseline")
            except SlackApiError:  # a 429 (counted in the fake): the baseline takes no turns
                pass

    start = time.monotonic()
    pool = [threading.Thread(target=post) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.monotonic() - start


def run(url: str, args: argparse.Namespace) -> None:
    teams = [f"T{i:05}" for i in range(args.workspaces)]
    baseline_teams = [f"B{i:05}" for i in range(args.workspaces)]
    ours, theirs = multiprocessing.Pipe()
    slack = multiprocessing.get_context("spawn").Process(
        target=serve_slack, args=(theirs, teams + baseline_teams, args.latency, args.pace), daemon=True
    )
    slack.start()
    api_url, every_token = ours.recv()
    tokens = {team: every_token[team] for team in teams}
    base = bare_posts(
        api_url, {team: every_token[team] for team in baseline_teams}, args.channels, args.threads
    )

    engine = db.make_engine(url)
    ensure_catalog(engine)
    with db.transaction(engine) as s:
        s.execute(
            insert(Subscription),
            [
                {
                    "workspace": team,
                    "channel_id": f"C{team}{i}",
                    "created_by": "UBENCH",
                    "created_at": utcnow(),
                }
                for team in teams
                for i in range(args.channels)
            ],
        )
    start = time.perf_counter()
    respond(engine, "set o1 output 50", Context.cli())  # a shared move: every workspace hears it
    queued = time.perf_counter() - start

    worker = Worker(
        engine,
        web_client(api_url, None, bounded=True),
        tokens=tokens.get,
        threads=args.threads,
        team_interval=args.pace,
    )
    began = time.monotonic()
    sent = worker.run_once()
    took = time.monotonic() - began
    ours.send("stop")
    posts: list[Posted] = ours.recv()
    slack.join(10)
    engine.dispose()

    n = args.workspaces * args.channels
    base_limited = sum(1 for team, *_, status in posts if team.startswith("B") and status == 429)
    posts = [p for p in posts if p[0].startswith("T")]
    accepted = [(team, channel) for team, channel, _, status in posts if status == 200]
    limited = sum(1 for *_, status in posts if status == 429)
    once = Counter(accepted)
    assert sent == n == len(once) and set(once.values()) == {1}, (sent, len(once), limited)
    assert all(channel.startswith(f"C{team}") for team, channel in accepted)  # each with its own token
    arrivals: dict[str, list[float]] = defaultdict(list)
    for team, _, at, status in posts:
        if status == 200:
            arrivals[team].append(at)
    gaps = [b - a for ats in arrivals.values() for a, b in pairwise(sorted(ats))]
    last = max(at for _, _, at, _ in posts) + args.latency - began

    slack_bound = (args.channels - 1) * args.pace + args.latency
    pool_bound = n * args.latency / args.threads
    print(
        f"  queue {n:,} alerts in the change's transaction: {queued:.2f} s\n"
        f"  deliver: {took:.1f} s (last post answered {last:.1f} s after the start), "
        f"{n / took:.0f} posts/s, {args.threads} threads\n"
        f"  Slack's per-workspace limit allows {slack_bound:.1f} s "
        f"({args.channels} posts per workspace, {args.pace:g} s apart, all workspaces at once): "
        f"{took / slack_bound:.1f}x, {took - slack_bound:+.1f} s\n"
        f"  {args.threads} threads at {args.latency * 1000:.0f} ms a post allow {pool_bound:.1f} s: "
        f"{took / max(slack_bound, pool_bound):.2f}x the larger bound\n"
        f"  baseline, {n:,} bare posts on {args.threads} threads, no outbox: {base:.1f} s "
        f"({base_limited} answered 429): the fan-out took {took / base:.2f}x\n"
        f"  in the fake: {len(once):,} channels, each posted to exactly once; {limited} answered 429; "
        f"closest two posts to one workspace: {min(gaps):.2f} s apart (pace {args.pace:g} s)\n"
        f"  load average at the end: {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspaces", type=int, default=2000)
    parser.add_argument("--channels", type=int, default=5, help="subscribed channels per workspace")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds Slack takes to answer a post")
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between a workspace's posts")
    parser.add_argument("--threads", type=int, default=64)
    args = parser.parse_args()
    pg = os.environ.get("MODELCOST_TEST_POSTGRES_URL")
    label = "PostgreSQL" if pg else "SQLite"
    print(
        f"fan-out to {args.workspaces * args.channels:,} channels in {args.workspaces:,} workspaces, "
        f"{label}, fake Slack at {args.latency * 1000:.0f} ms a post (load average {os.getloadavg()[0]:.1f}):"
    )
    if not pg:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", args)
        return
    name = f"mc_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(make_url(pg).set(database=name).render_as_string(hide_password=False), args)
    finally:
        db.dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
