"""Benchmark: a distinct `/modelcost` question in oauth mode (installed into many workspaces, each
request authorized by its workspace's installation) against the same question in single mode, in one
process, same run: p50 and p99 per request, and the ratio oauth / single (the aim of issue 30: ≤ 1.3x
on p50). A third app is oauth mode with nothing kept in memory (every request reads its installation,
as before bot/slack/authorize.py), for the difference the kept authorizations make.

Each app is the real one (build_app, the WSGI app of bot.slack.web, signature check and Bolt's dispatch
included; MODELCOST_PUBLIC_URL set in both modes, as oauth mode requires, so both make chart links),
called directly (no server: the HTTP work is the same in every mode), with requests signed just before
each call (outside the timing). The full seeded catalog is in a temporary SQLite database,
and in a temporary PostgreSQL database too when MODELCOST_TEST_POSTGRES_URL is set; --workspaces
installations (tokens encrypted, as the app stores them) are saved in it, and each oauth request comes
from one of them at random, after a warm-up in which each was served once (the worker has served them
before: what a busy worker sees). The apps take turns, --rounds rounds of --requests requests each,
so that drift on the shared machine hits all alike; a fake Slack Web API answers auth.test.

Usage: python bench/bench_oauth.py [--workspaces N] [--requests N] [--rounds R]
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import bench_slack  # noqa: E402

from tests.fakeslack import FakeSlack  # noqa: E402

CLIENT_ID = "1111.2222"
TOKEN_KEY = "bW9kZWxjb3N0LWJlbmNoLXRva2VuLWtleS0zMmJ5dGU="  # a Fernet key, for the bench only
MODES = ("single", "oauth", "oauth, nothing kept")


def _call(app: Any, environ: dict[str, Any]) -> float:
    """Seconds the app took to answer (the ack), checked to be an answer."""
    statuses: list[str] = []
    started = time.perf_counter()
    body = b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    took = time.perf_counter() - started
    if not statuses[0].startswith("200") or not bench_slack.answered(body.decode()):
        raise SystemExit(f"the app answered {statuses[0]}: {body[:300]!r}")
    return took


@contextmanager
def databases() -> Iterator[list[tuple[str, str]]]:
    """(backend, URL) of each database to run on, made and dropped here."""
    from sqlalchemy import create_engine, text  # noqa: PLC0415  (after the path is set)
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    made = []
    admin = None
    with tempfile.TemporaryDirectory() as tmp:
        made.append(("sqlite", f"sqlite:///{tmp}/bench.db"))
        postgres = os.environ.get("MODELCOST_TEST_POSTGRES_URL")
        name = f"bench_oauth_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        if postgres:
            admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            made.append(("postgresql", make_url(postgres).set(database=name).render_as_string(False)))
        try:
            yield made
        finally:
            if admin is not None:
                from bot import db  # noqa: PLC0415

                db.dispose_engines()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


def install(url: str, workspaces: int) -> list[str]:
    """The seeded catalog and `workspaces` installations; their team ids."""
    from slack_sdk.oauth.installation_store import Installation  # noqa: PLC0415

    from bot import db  # noqa: PLC0415
    from bot.feeds.seed import ensure_catalog  # noqa: PLC0415
    from bot.slackapi.tokens import EncryptedInstallationStore  # noqa: PLC0415
    from bot.store.cipher import cipher_of  # noqa: PLC0415

    engine = db.make_engine(url)
    ensure_catalog(engine)
    store = EncryptedInstallationStore(CLIENT_ID, engine, cipher_of(TOKEN_KEY), logging.getLogger("bench"))
    teams = [f"T{n:06d}" for n in range(workspaces)]
    for team in teams:
        store.save(
            Installation(
                app_id="A0MODELCOST",
                team_id=team,
                team_name=f"Team {team}",
                bot_token=f"xoxb-{team}-bench",
                bot_id=f"B{team}",
                bot_user_id=f"U{team}BOT",
                bot_scopes="commands,chat:write",
                user_id="U0INSTALLER",
                is_enterprise_install=False,
            )
        )
    engine.dispose()
    return teams


def apps(url: str, fake: FakeSlack) -> dict[str, Any]:
    from bot.config import Settings  # noqa: PLC0415
    from bot.slack.app import build_app  # noqa: PLC0415
    from bot.slack.web import wsgi_app  # noqa: PLC0415

    common = {
        "slack_signing_secret": bench_slack.SECRET,
        "slack_api_url": fake.api_url,
        "database_url": url,
        # Oauth mode needs it; single mode gets it too, so both make the same chart links.
        "public_url": "https://modelcost.bench",
    }
    single = Settings.model_validate(common | {"slack_bot_token": bench_slack.TOKEN})
    oauth = Settings.model_validate(
        common
        | {
            "slack_mode": "oauth",
            "slack_client_id": CLIENT_ID,
            "slack_client_secret": "bench-client-secret",
            "token_key": TOKEN_KEY,
        }
    )
    made = {}
    for mode in MODES:
        settings = single if mode == "single" else oauth
        slack = build_app(settings)
        if mode == "oauth, nothing kept":
            assert slack.authorize is not None
            slack.authorize.max_age_s = 0
        made[mode] = wsgi_app(slack, settings)
    return made


def run(backend: str, url: str, args: argparse.Namespace) -> None:
    teams = install(url, args.workspaces)
    with FakeSlack() as fake:
        served = apps(url, fake)
        response_url = fake.response_url("bench")
        rng = random.Random(30)

        def team_for(mode: str) -> str:
            return "T0FAKE" if mode == "single" else rng.choice(teams)

        for mode, app in served.items():  # warm-up: each workspace served once, the code paths hot
            for team in teams if mode != "single" else ["T0FAKE"] * 300:
                _call(app, bench_slack.command_environ(bench_slack.distinct_question(), response_url, team))
        times: dict[str, list[float]] = {mode: [] for mode in served}
        gc.collect()
        for _ in range(args.rounds):
            for mode, app in served.items():
                for _ in range(args.requests):
                    environ = bench_slack.command_environ(
                        bench_slack.distinct_question(), response_url, team_for(mode)
                    )
                    times[mode].append(_call(app, environ))
    single = statistics.median(times["single"])
    runs = f"{args.rounds} x {args.requests} requests a mode"
    print(f"\n{backend}: {args.workspaces} workspaces installed, {runs}")
    for mode, values in times.items():
        p50, p99 = statistics.median(values), bench_slack.pct(values, 99)
        ratio = f"p50 / single {p50 / single:.2f}x"
        print(f"  {mode:<20} p50 {p50 * 1e6:7.0f} µs   p99 {p99 * 1e6:7.0f} µs   {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=1000, help="installations in the database")
    parser.add_argument("--requests", type=int, default=500, help="requests per mode and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    logging.disable(logging.WARNING)  # the apps' start-up notes; a failure still stops the bench
    with databases() as made:
        for backend, url in made:
            run(backend, url, args)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
