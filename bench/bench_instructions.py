"""Benchmark: instructions per `/modelcost` request, counted by valgrind's callgrind, against the bare
Bolt app (bare_slack_app.py). Unlike wall-clock time, the count hardly moves with the load on the
shared machine, so it is what work on the request path is steered by.

Each app runs in a process of its own under callgrind, with counting off: the WSGI app is called
directly (no server), with signed requests made beforehand, 600 distinct questions of warm-up, the
garbage collector paused; counting is switched on (`callgrind_control -i on`) for --requests requests
of one mix (bench_slack.py's: distinct or repeated questions), then off. The full seeded catalog is
in a temporary SQLite database, a fake Slack Web API serves the token check at start. Needs valgrind.

Usage: python bench/bench_instructions.py [--requests N]
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import bench_slack  # noqa: E402

from tests.fakeslack import FakeSlack  # noqa: E402

WARM_UP = 600
APPS = ("bare", "modelcost")


def _call(app: Any, environ: dict[str, Any]) -> None:
    statuses: list[str] = []
    b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    if not statuses[0].startswith("200"):
        raise SystemExit(f"the app answered {statuses[0]}")


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.05)


def child(app_name: str, mix: str, requests: int, flags: Path) -> None:
    """The app under callgrind: warm up, say ready, serve the counted requests when told, say done."""
    with FakeSlack() as fake:
        os.environ |= {
            "SLACK_BOT_TOKEN": bench_slack.TOKEN,
            "SLACK_SIGNING_SECRET": bench_slack.SECRET,
            "SLACK_API_URL": fake.api_url,
        }
        if app_name == "bare":
            import bare_slack_app  # noqa: PLC0415  (the baseline reads the environment at import)

            app: Any = bare_slack_app.app
        else:
            from bot.config import Settings  # noqa: PLC0415  (as the real app is loaded: after the env)
            from bot.slack.app import build_app  # noqa: PLC0415
            from bot.slack.web import wsgi_app  # noqa: PLC0415

            settings = Settings.from_env()
            app = wsgi_app(build_app(settings), settings)
        response_url = fake.response_url("bench")
        for _ in range(WARM_UP):
            _call(app, bench_slack.command_environ(bench_slack.distinct_question(), response_url))
        environs = [
            bench_slack.command_environ(bench_slack.MIXES[mix](), response_url) for _ in range(requests)
        ]
        gc.collect()
        gc.disable()
        (flags / "ready").touch()
        _wait_for(flags / "go")
        for environ in environs:
            _call(app, environ)
        (flags / "done").touch()
        _wait_for(flags / "end")


def count(app_name: str, mix: str, requests: int, env: dict[str, str]) -> float:
    """Instructions per request (millions)."""
    with tempfile.TemporaryDirectory() as tmp:
        flags = Path(tmp)
        out = flags / "callgrind.out"
        cmd = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            app_name,
            mix,
            str(requests),
            str(flags),
        ]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not (flags / "ready").exists():
            if proc.poll() is not None:
                raise SystemExit(f"{app_name} stopped before it was ready")
            time.sleep(0.2)
        subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], check=True, capture_output=True)
        (flags / "go").touch()
        _wait_for(flags / "done")
        subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], check=True, capture_output=True)
        (flags / "end").touch()
        proc.wait(timeout=600)
        total = sum(_totals(out.read_text().splitlines()))
        return total / requests / 1e6


def _totals(lines: Iterable[str]) -> Iterable[int]:
    """Each part's total (a part's `summary:` line, at its top, says 0 when counting starts off)."""
    for line in lines:
        if line.startswith("totals:"):
            yield int(line.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests counted per app and mix")
    args = parser.parse_args()

    from bot import db  # noqa: PLC0415  (as in bench_slack.py: after the path is set)
    from bot.feeds.seed import ensure_catalog  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.db"
        engine = db.make_engine(db_url)
        ensure_catalog(engine)  # the full catalog: genai-prices snapshot and the curated overlay
        engine.dispose()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
        env |= {"DATABASE_URL": db_url, "PYTHONHASHSEED": "0"}
        counts = {(a, m): count(a, m, args.requests, env) for m in bench_slack.MIXES for a in APPS}
    print(f"instructions per /modelcost request, callgrind, {args.requests} requests per app and mix")
    for mix in bench_slack.MIXES:
        bare, modelcost = counts[("bare", mix)], counts[("modelcost", mix)]
        print(f"{mix:<9} bare {bare:.3f} M   modelcost {modelcost:.3f} M   ratio {modelcost / bare:.2f}x")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5]))
    else:
        main()
