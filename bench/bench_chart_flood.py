"""Benchmark: anonymous clients fetching chart links in a loop, against a `help` timed beside them.

The app under gunicorn as the Procfile runs it (gevent workers, 2 unless --workers), with
MODELCOST_PUBLIC_URL set, the full seeded catalog in a temporary SQLite database and a fake Slack Web
API. First 70 chart ids are minted as any member can: `cheaper o1 for 1M in Nk out`, N = 1..70, each
reply's image URL kept. Then, in alternating rounds of --seconds each:

- idle: one client asks `help` (a signed slash command) every 20 ms, each on a new connection (so it
  lands on any worker), and times it;
- flood: the same, while 6 anonymous clients in another process (keep-alive sessions, one thread each)
  fetch the 70 image URLs in a loop, each from its own place in the list.

Prints help's p50 and p99 idle and under the flood, their ratios (the aim: within 2x), and what the
flood got (statuses, requests per second). With --healthz, the control: the same clients fetch
/healthz (the cheapest route: no chart, no drawing) instead, which is what any flood of this many
clients costs `help` on this machine.

Usage: python bench/bench_chart_flood.py [--seconds S] [--rounds R] [--workers W] [--healthz]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import hmac
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Event
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeslack import FakeSlack  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
PUBLIC_URL = "https://bench.example.com"
IDS = 70
FLOODERS = 6
HELP_EVERY_S = 0.02


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def gunicorn(env: dict[str, str], workers: int) -> Iterator[str]:
    """The app's base URL, once it answers."""
    port = _port()
    cmd = [sys.executable, "-m", "gunicorn", "--config", "python:bot.slack.gunicorn_conf"]
    cmd += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    proc = subprocess.Popen([*cmd, "bot.slack.wsgi:app"], env=env, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise SystemExit("gunicorn did not start")
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:  # refused, or a worker still booting
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def command(
    url: str, text: str, response_url: str, session: requests.Session | None = None
) -> requests.Response:
    body = urlencode(
        {
            "command": "/modelcost",
            "text": text,
            "user_id": "U1",
            "channel_id": "C1",
            "team_id": "T0FAKE",
            "response_url": response_url,
        }
    ).encode()
    ts = str(int(time.time()))
    sig = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0=" + sig,
    }
    return (session or requests).post(url + "/slack/events", data=body, headers=headers, timeout=30)


def mint(url: str, response_url: str) -> list[str]:
    """IDS chart URLs (this server's), from the replies to IDS distinct `cheaper` questions."""
    paths = []
    with requests.Session() as session:
        for n in range(1, IDS + 1):
            reply = command(url, f"cheaper o1 for 1M in {n}k out", response_url, session).json()
            [image] = [b for b in reply["blocks"] if b["type"] == "image"]
            assert image["image_url"].startswith(PUBLIC_URL + "/charts/"), image
            paths.append(url + urlsplit(image["image_url"]).path)
    return paths


def flood(urls: list[str], stop: Event, out: multiprocessing.Queue[dict[int, int]]) -> None:
    """FLOODERS clients fetching `urls` in a loop until `stop`; puts the count of each status."""
    counts: collections.Counter[int] = collections.Counter()
    lock = threading.Lock()

    def client(start: int) -> None:
        mine: collections.Counter[int] = collections.Counter()
        with requests.Session() as session:
            i = start
            while not stop.is_set():
                try:
                    mine[session.get(urls[i % len(urls)], timeout=60).status_code] += 1
                except requests.RequestException:
                    mine[0] += 1
                i += 1
        with lock:
            counts.update(mine)

    threads = [threading.Thread(target=client, args=(k * len(urls) // FLOODERS,)) for k in range(FLOODERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(dict(counts))


def time_help(url: str, seconds: float, response_url: str) -> tuple[list[float], int]:
    """`help` every HELP_EVERY_S for `seconds`: the latencies, and the replies that were not its answer."""
    latencies, wrong = [], 0
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        start = time.perf_counter()
        response = command(url, "help", response_url)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200 or '"blocks"' not in response.text:
            wrong += 1
        time.sleep(HELP_EVERY_S)
    return latencies, wrong


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of each idle and flood phase")
    parser.add_argument("--rounds", type=int, default=3, help="alternating idle and flood rounds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the Procfile's 2)")
    parser.add_argument("--healthz", action="store_true", help="the control: flood /healthz instead")
    args = parser.parse_args()

    from bot import db
    from bot.feeds.seed import ensure_catalog

    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    idle: list[float] = []
    flooded: list[float] = []
    wrong = 0
    statuses: collections.Counter[int] = collections.Counter()
    flood_s = 0.0
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake:
        db_url = f"sqlite:///{tmp}/bench.db"
        engine = db.make_engine(db_url)
        ensure_catalog(engine)
        engine.dispose()
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "MODELCOST_"))
        }
        env |= {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": db_url,
            "MODELCOST_PUBLIC_URL": PUBLIC_URL,
        }
        response_url = fake.response_url("bench")
        with gunicorn(env, args.workers) as url:
            urls = [url + "/healthz"] * IDS if args.healthz else mint(url, response_url)
            time_help(url, 2.0, response_url)  # warm every worker
            for _ in range(args.rounds):
                lat, bad = time_help(url, args.seconds, response_url)
                idle += lat
                wrong += bad
                stop, out = context.Event(), context.Queue()
                flooder = context.Process(target=flood, args=(urls, stop, out))
                flooder.start()
                time.sleep(1.0)  # the flood under way
                started = time.perf_counter()
                lat, bad = time_help(url, args.seconds, response_url)
                stop.set()
                statuses.update(out.get(timeout=120))
                flood_s += time.perf_counter() - started + 1.0
                flooder.join()
                flooded += lat
                wrong += bad

    print(
        f"help through gunicorn ({args.workers} gevent workers, loopback, full catalog on SQLite), "
        f"{args.rounds} x {args.seconds:.0f} s idle and as many under the flood: {FLOODERS} anonymous "
        + (
            "clients fetching /healthz in a loop (the control)"
            if args.healthz
            else f"clients fetching {IDS} minted chart ids in a loop"
        )
    )
    print(f"{'':8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}")
    print(f"{'idle':8} {pct(idle, 50):8.2f} {pct(idle, 99):8.2f} {len(idle):9}")
    print(f"{'flood':8} {pct(flooded, 50):8.2f} {pct(flooded, 99):8.2f} {len(flooded):9}")
    print(f"{'ratio':8} {pct(flooded, 50) / pct(idle, 50):7.2f}x {pct(flooded, 99) / pct(idle, 99):7.2f}x")
    total = sum(statuses.values())
    print(
        f"flood: {total} fetches, {total / flood_s:.0f}/s; by status: "
        + ", ".join(f"{s or 'error'}: {n}" for s, n in sorted(statuses.items()))
    )
    print(f"help answered otherwise than with its blocks: {wrong}")
    print("aim: help's p50 and p99 under the flood within 2x of idle")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
