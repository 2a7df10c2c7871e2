"""Benchmark: `sync` of the 2026-08 genai-prices feed (tests/fixtures) served from a loopback HTTP server.

Per backend (SQLite; PostgreSQL too when MODELCOST_TEST_POSTGRES_URL is set), each in a fresh process:
  full     an empty, migrated catalog (no bundled seed) filled from the feed
  304      a re-sync answered 304 Not Modified (the ETag of the last sync)
  re-diff  a re-sync of the same content at another URL, so nothing short-circuits: fetch, parse,
           validate, judge and diff all 1,309 offerings, then write nothing
Time is sync() alone (imports excluded); peak memory is the process's max RSS, imports included.
Usage: python bench/bench_sync.py [--runs N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "genai_prices_feed_v2_2026-08.json"
AIMS = {"full": 3.0, "304": 1.0, "re-diff": 1.0}
PEAK_AIM_MB = 200


def serve(body: bytes) -> ThreadingHTTPServer:
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def child(db_url: str, url: str, migrate: bool) -> None:
    """One sync in this process; prints its figures as JSON."""
    from bot import db
    from bot.feeds.prices import sync
    from bot.store import schema

    engine = db.make_engine(db_url)
    if migrate:
        schema.upgrade(engine)
    start = time.perf_counter()
    summary = sync(engine, url)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "status": summary.status,
                "added": summary.added,
                "changed": summary.changed,
                "peak_mb": peak,
            }
        )
    )


def run_child(db_url: str, url: str, migrate: bool = False) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", db_url, url] + (["--migrate"] if migrate else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    figures: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return figures


class Databases:
    def __init__(self, backend: str, tmp: str) -> None:
        self.backend, self.tmp, self.made = backend, tmp, []  # type: ignore[var-annotated]

    def new(self) -> str:
        name = f"bench_sync_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp}/{name}.db"
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(os.environ["MODELCOST_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.made.append(name)
        url = make_url(os.environ["MODELCOST_TEST_POSTGRES_URL"]).set(database=name)
        return url.render_as_string(hide_password=False)

    def drop(self) -> None:
        if not self.made:
            return
        from sqlalchemy import create_engine, text

        admin = create_engine(os.environ["MODELCOST_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(backend: str, base: str, runs: int, tmp: str) -> None:
    dbs = Databases(backend, tmp)
    results: dict[str, list[dict[str, object]]] = {"full": [], "304": [], "re-diff": []}
    try:
        for i in range(runs):
            url = dbs.new()
            results["full"].append(run_child(url, f"{base}/v2/data.json", migrate=True))
            results["304"].append(run_child(url, f"{base}/v2/data.json"))
            results["re-diff"].append(run_child(url, f"{base}/mirror/data.json?run={i}"))
    finally:
        dbs.drop()
    for step, rows in results.items():
        times = [float(r["seconds"]) for r in rows]  # type: ignore[arg-type]
        peak = max(float(r["peak_mb"]) for r in rows)  # type: ignore[arg-type]
        statuses = sorted({str(r["status"]) for r in rows})
        median = statistics.median(times)
        verdict = "ok" if median < AIMS[step] and peak < PEAK_AIM_MB else "MISSED"
        print(
            f"{backend:10} {step:8} median {median * 1000:7.0f} ms (max {max(times) * 1000:.0f} ms), "
            f"peak RSS {peak:5.0f} MB, status {'/'.join(statuses)}, added {rows[0]['added']}  "
            f"[aim < {AIMS[step]:g} s, < {PEAK_AIM_MB} MB: {verdict}]"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("DB_URL", "FEED_URL"))
    parser.add_argument("--migrate", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.migrate)
        return
    body = FIXTURE.read_bytes()
    server = serve(body)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"feed: {FIXTURE.name}, {len(body):,} bytes, served from {base}; {args.runs} runs each")
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("MODELCOST_TEST_POSTGRES_URL") else [])
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            bench(backend, base, args.runs, tmp)
    server.shutdown()


if __name__ == "__main__":
    main()
