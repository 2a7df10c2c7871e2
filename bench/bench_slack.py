"""Benchmark: `/modelcost` through gunicorn, against a bare Bolt app that acks a fixed text.

All run under gunicorn as the Procfile runs the real app (2 gevent workers), in this run, on
this machine, on loopback, with the full seeded catalog in a temporary SQLite database, and a fake
Slack Web API for the token check at start. Each gets the same load: signed slash commands, first
one client at a time, then 8 concurrent clients (keep-alive sessions), in alternating rounds so
drift hits all alike. Two question mixes:

- repeated: `r1 vs o1` every time (served from the reply cache after the first);
- distinct: every request a different question (pairs, model cards, `cheaper X`, each with its own
  workload) over 34 common model names, as a team or many workspaces ask.

Prints p50 with one client, p99 and throughput with 8 clients, for each app, and the ratios
modelcost / bare; then a soak (8 clients, distinct questions, --soak seconds) with each web
worker's RSS at its start and end.

With --public-url, a third app runs: modelcost with MODELCOST_PUBLIC_URL set (its replies carry chart
image links; making one draws nothing), compared with modelcost without it in the same run.

Usage: python bench/bench_slack.py [--requests N] [--rounds R] [--soak S] [--public-url]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any  # Any: a WSGI environ
from urllib.parse import urlencode

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakeslack import FakeSlack  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
TEXT = "r1 vs o1"
CLIENTS = 8
# Common names, each resolving to a priced model (a few with several words, as people type them).
NAMES = [
    "r1", "o1", "o3", "o3 mini", "o4 mini", "4o", "4o mini", "gpt 4.1", "gpt 4.1 mini", "gpt5",
    "gpt5 mini", "gpt5 nano", "gpt oss 120b", "gpt oss 20b", "haiku", "haiku 4.5", "sonnet", "sonnet 4.5",
    "opus", "opus 4.1", "gemini 2.5 pro", "gemini 2.5 flash", "gemini 3 pro", "gemini flash",
    "gemma 3 27b", "v3", "v3.1", "v3.2", "llama 3.3 70b", "qwen3 235b", "kimi k2", "mistral large",
    "grok 4", "glm 4.6",
]  # fmt: skip
_asked = itertools.count(1)  # never reset: no text is asked twice in a run, by any app or round


def distinct_question() -> str:
    """A question not asked before in this run: a pair, a model card or `cheaper X` (2 : 1 : 1), with
    a workload of its own."""
    i = next(_asked)
    a, b = NAMES[i % len(NAMES)], NAMES[(i * 7 + 3) % len(NAMES)]
    if a == b:
        b = NAMES[(i + 1) % len(NAMES)]
    work = f"for {i % 997 + 1}M in {i // 997 % 500 + 1}k out" + (" 30% cached" if i % 5 == 0 else "")
    match i % 4:
        case 0 | 1:
            return f"{a} vs {b} {work}"
        case 2:
            return f"{a} {work}"
        case _:
            return f"cheaper {a} {work}"


def repeated_question() -> str:
    return TEXT


MIXES: dict[str, Callable[[], str]] = {"repeated": repeated_question, "distinct": distinct_question}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def gunicorn(target: str, env: dict[str, str], pythonpath: str | None = None) -> Iterator[tuple[str, int]]:
    """The app's base URL and the gunicorn master's pid."""
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
            except requests.RequestException:  # refused, or a worker still booting
                time.sleep(0.05)
        yield url, proc.pid
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


def command_body(text: str, response_url: str, team: str = "T0FAKE") -> bytes:
    """The form body of Slack's POST of `/modelcost text` from a user in a channel of `team`."""
    fields = {"command": "/modelcost", "text": text, "user_id": "U1", "channel_id": "C1"}
    return urlencode(fields | {"team_id": team, "response_url": response_url}).encode()


def command_environ(text: str, response_url: str, team: str = "T0FAKE") -> dict[str, Any]:
    """The WSGI environ of that POST, signed: for benches that call the app directly, with no server."""
    body = command_body(text, response_url, team)
    headers = signed(body)
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "CONTENT_TYPE": headers["Content-Type"],
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
        "wsgi.input": io.BytesIO(body),
    }


class Load:
    """One client's requests: latencies, and replies that were not an answer (errors)."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []


def client(url: str, ask: Callable[[], str], count: int, until: float, response_url: str, out: Load) -> None:
    with requests.Session() as session:
        while len(out.latencies) < count and time.perf_counter() < until:
            text = ask()
            body = command_body(text, response_url)
            start = time.perf_counter()
            response = session.post(url + "/slack/events", data=body, headers=signed(body), timeout=30)
            out.latencies.append(time.perf_counter() - start)
            if response.status_code != 200 or not answered(response.text):
                out.errors.append(f"{text!r}: {response.status_code} {response.text[:200]}")


def answered(reply: str) -> bool:
    """An answer in the ack: not a friendly error, not "working on it", not a failure."""
    if "27.4x" in reply and "blocks" not in reply:
        return True  # the bare app's fixed text
    return '"blocks"' in reply and not any(w in reply for w in (":warning:", "Working on it"))


def load(
    url: str, ask: Callable[[], str], clients: int, per_client: int, response_url: str, seconds: float = 1e9
) -> tuple[list[float], float, list[str]]:
    """Latencies of every request, the wall time for all of them, and the errors."""
    results = [Load() for _ in range(clients)]
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client, args=(url, ask, per_client, until, response_url, results[i]))
        for i in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return [x for r in results for x in r.latencies], wall, [e for r in results for e in r.errors]


def workers(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(c) for c in children)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per app, mode and round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--soak", type=float, default=30.0, help="seconds of the soak (0: none)")
    parser.add_argument("--public-url", action="store_true", help="also run the app with chart links")
    args = parser.parse_args()

    from bot import db
    from bot.feeds.seed import ensure_catalog

    print(f"load average at start: {os.getloadavg()[0]:.2f}")
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
        results: dict[tuple[str, str, str], tuple[list[float], float]] = {}
        errors: dict[str, list[str]] = {"bare": [], "modelcost": [], "charts": []}
        charts_env = env | {"MODELCOST_PUBLIC_URL": "https://bench.example.com"}
        with (
            gunicorn("bare_slack_app:app", env, pythonpath=bench_dir) as (bare, _),
            gunicorn("bot.slack.wsgi:app", env) as (app, master),
            gunicorn("bot.slack.wsgi:app", charts_env if args.public_url else env) as (charted, _),
        ):
            apps = {"bare": bare, "modelcost": app} | ({"charts": charted} if args.public_url else {})
            for url in apps.values():  # warm up every worker and thread
                load(url, distinct_question, CLIENTS, 50, response_url)
            for _ in range(args.rounds):
                for mix, ask in MIXES.items():
                    for mode, clients in (("1 client", 1), (f"{CLIENTS} clients", CLIENTS)):
                        for name, url in apps.items():
                            lat, wall, errs = load(url, ask, clients, args.requests // clients, response_url)
                            prev = results.get((mix, name, mode), ([], 0.0))
                            results[(mix, name, mode)] = (prev[0] + lat, prev[1] + wall)
                            errors[name] += errs
            soak = _soak(app, master, args.soak, response_url) if args.soak else None
        posted = len(fake.responses())

    print(
        "/modelcost through gunicorn 2 gevent workers, loopback, full catalog on SQLite; "
        f"{args.rounds} rounds x {args.requests} requests per app, mix and mode"
    )
    print(f"{'mix':<9} {'app':<10} {'p50 1 client':>13} {'p99 8 clients':>14} {'req/s 8 clients':>16}")
    many = f"{CLIENTS} clients"
    for mix in MIXES:
        rows = {}
        for name in ("bare", "modelcost"):
            one, _ = results[(mix, name, "1 client")]
            lat, wall = results[(mix, name, many)]
            rows[name] = (pct(one, 50) * 1000, pct(lat, 99) * 1000, len(lat) / wall)
            p50, p99, rps = rows[name]
            print(f"{mix:<9} {name:<10} {p50:>10.2f} ms {p99:>11.2f} ms {rps:>16.0f}")
        (b50, b99, brps), (a50, a99, arps) = rows["bare"], rows["modelcost"]
        print(f"{mix:<9} {'ratio':<10} {a50 / b50:>12.2f}x {a99 / b99:>13.2f}x {arps / brps:>15.2f}x")
        if args.public_url:  # chart links against no chart links, same run
            one, _ = results[(mix, "charts", "1 client")]
            lat, wall = results[(mix, "charts", many)]
            c50, c99, crps = pct(one, 50) * 1000, pct(lat, 99) * 1000, len(lat) / wall
            print(f"{mix:<9} {'charts':<10} {c50:>10.2f} ms {c99:>11.2f} ms {crps:>16.0f}")
            print(f"{mix:<9} {'ch/mc':<10} {c50 / a50:>12.2f}x {c99 / a99:>13.2f}x {crps / arps:>15.2f}x")
    for name, errs in errors.items():
        print(f"errors, {name}: {len(errs)}" + (f" (first: {errs[0]})" if errs else ""))
    print(f"response_url posts during the run: {posted} (an answer later than the ack's budget)")
    print(
        "aims (issue 24): distinct questions p50 within 1.8x, p99 within 2x, throughput at least 0.6x; "
        "repeated p50 within 1.1x; no errors"
    )
    if soak is not None:
        print(soak)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def _soak(url: str, master: int, seconds: float, response_url: str) -> str:
    """8 clients of distinct questions for `seconds`; each worker's RSS at the start, peak and end."""
    pids = workers(master)
    start = {pid: rss_mb(pid) for pid in pids}
    peak = dict(start)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            for pid in pids:
                peak[pid] = max(peak[pid], rss_mb(pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    lat, wall, errs = load(url, distinct_question, CLIENTS, 10**9, response_url, seconds=seconds)
    done.set()
    sampler.join()
    lines = [
        f"soak: {CLIENTS} clients, distinct questions, {wall:.0f} s: {len(lat)} requests "
        f"({len(lat) / wall:.0f} req/s), p50 {pct(lat, 50) * 1000:.2f} ms, p99 {pct(lat, 99) * 1000:.2f} ms, "
        f"errors {len(errs)}"
    ]
    for pid in pids:
        end = rss_mb(pid)
        lines.append(
            f"  worker {pid}: RSS {start[pid]:.1f} MB at the start, {end:.1f} MB at the end "
            f"({(end - start[pid]) / start[pid] * 100:+.1f}%), peak {peak[pid]:.1f} MB"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
