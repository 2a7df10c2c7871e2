"""Benchmark: `/modelcost r1 vs o1` through gunicorn, against a bare Bolt app that acks a fixed text.

All run under gunicorn as the Procfile runs the real app (2 gevent workers), in this run, on
this machine, on loopback, with the full seeded catalog in a temporary SQLite database, and a fake
Slack Web API for the token check at start. Each gets the same load: signed slash commands, first
one client at a time, then 8 concurrent clients (keep-alive sessions), in alternating rounds so
drift hits all alike. Prints p50, p99 and throughput for each, and the ratios app / bare, for the
app as deployed and for the same app with its reply cache off (every request asks the catalog).

Usage: python bench/bench_slack.py [--requests N] [--rounds R]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeslack import FakeSlack  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
TEXT = "r1 vs o1"
CLIENTS = 8


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def gunicorn(target: str, env: dict[str, str], pythonpath: str | None = None) -> Iterator[str]:
    port = _port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--config",
        "python:bot.slack.gunicorn_conf",
        "--log-level",
        "warning",
        target,
    ]
    if pythonpath:
        cmd[3:3] = ["--pythonpath", pythonpath]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise SystemExit(f"{target} did not start")
            try:
                requests.get(url + "/", timeout=1)
                break
            except requests.RequestException:  # not listening yet, or the worker is still loading
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def signed(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    sig = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0=" + sig,
    }


def client(url: str, count: int, response_url: str, out: list[float]) -> None:
    body = urlencode(
        {
            "command": "/modelcost",
            "text": TEXT,
            "user_id": "U1",
            "channel_id": "C1",
            "team_id": "T0FAKE",
            "response_url": response_url,
        }
    ).encode()
    with requests.Session() as session:
        for _ in range(count):
            headers = signed(body)
            start = time.perf_counter()
            response = session.post(url + "/slack/events", data=body, headers=headers, timeout=30)
            out.append(time.perf_counter() - start)
            if response.status_code != 200 or "27.4x" not in response.text:
                raise SystemExit(f"unexpected reply {response.status_code}: {response.text[:200]}")


def load(url: str, clients: int, per_client: int, response_url: str) -> tuple[list[float], float]:
    """Latencies of every request, and the wall time for all of them."""
    results: list[list[float]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=client, args=(url, per_client, response_url, results[i]))
        for i in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [x for r in results for x in r], time.perf_counter() - start


def pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per app per mode and round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    args = parser.parse_args()

    from bot import db
    from bot.sync.seed import ensure_catalog

    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake:
        db_url = f"sqlite:///{tmp}/bench.db"
        engine = db.make_engine(db_url)
        ensure_catalog(engine)  # the full catalog: genai-prices snapshot and the curated overlay
        engine.dispose()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
        env |= {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": db_url,
        }
        response_url = fake.response_url("bench")
        bench_dir = str(REPO / "bench")
        with (
            gunicorn("bare_slack_app:app", env, pythonpath=bench_dir) as bare,
            gunicorn("bot.slack.wsgi:app", env) as app,
            gunicorn("uncached_slack_app:app", env, pythonpath=bench_dir) as uncached,
        ):
            apps = {"bare": bare, "modelcost": app, "uncached": uncached}
            for url in apps.values():  # warm up every worker and thread
                load(url, CLIENTS, 50, response_url)
            results: dict[tuple[str, str], tuple[list[float], float]] = {}
            for _ in range(args.rounds):
                for mode, clients in (("sequential", 1), (f"{CLIENTS} clients", CLIENTS)):
                    for name, url in apps.items():
                        lat, wall = load(url, clients, args.requests // clients, response_url)
                        prev = results.get((name, mode), ([], 0.0))
                        results[(name, mode)] = (prev[0] + lat, prev[1] + wall)
        posted = len(fake.responses())

    print(
        f"/modelcost {TEXT!r}: gunicorn 2 gevent workers, loopback, full catalog on SQLite; "
        f"{args.rounds} rounds x {args.requests} requests per app and mode"
    )
    print(f"{'mode':<12} {'app':<15} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for mode in ("sequential", f"{CLIENTS} clients"):
        rows = {}
        for name in ("bare", "modelcost", "uncached"):
            lat, wall = results[(name, mode)]
            rows[name] = (pct(lat, 50) * 1000, pct(lat, 99) * 1000, len(lat) / wall)
            p50, p99, rps = rows[name]
            print(f"{mode:<12} {name:<15} {p50:>8.2f} {p99:>8.2f} {rps:>8.0f}")
        b50, b99, brps = rows["bare"]
        for name in ("modelcost", "uncached"):
            a50, a99, arps = rows[name]
            label = f"{name}/bare"
            print(f"{mode:<12} {label:<15} {a50 / b50:>7.2f}x {a99 / b99:>7.2f}x {arps / brps:>7.2f}x")
    print("modelcost: the app as deployed (replies cached per catalog version); uncached: its cache off")
    print(f"(aim: p50 within 1.2x of bare, p99 within 1.3x; response_url posts during the run: {posted})")


if __name__ == "__main__":
    main()
