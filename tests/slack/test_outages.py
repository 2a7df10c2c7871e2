"""PostgreSQL stopped and started under real gunicorn (a throwaway server this test owns): no 5xx,
the friendly "unavailable" reply (or the kept answer, marked), answers again within seconds of the
database's return; a worker that (re)boots while the database is down keeps the server up."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot import db
from bot.feeds.seed import ensure_catalog
from tests.fakeslack import FakeSlack
from tests.pgcluster import Cluster, throwaway_cluster
from tests.slack.conftest import command_body, post_signed
from tests.slack.gunicorn import Server, gunicorn, wait_healthy

pytestmark = pytest.mark.alone  # a PostgreSQL server of their own, gunicorn on a port picked before it binds

UNAVAILABLE = "The price catalog is unavailable right now; please try again in a minute."
STALE = "this answer may be out of date"
RECOVERY_S = 15.0  # "answers resume within seconds": generous, on a shared 2-core machine


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as c:
        yield c


def ask(server: Server, fake: FakeSlack, text: str) -> requests.Response:
    response = post_signed(server.url, command_body(fake, text))
    assert response.status_code == 200, (response.status_code, response.text)  # never a 5xx
    return response


def answered_within(server: Server, fake: FakeSlack, text: str, expect: str, seconds: float) -> float:
    """How long until `text` is answered with `expect` in the ack; AssertionError after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        reply = ask(server, fake, text).text
        if expect in reply and STALE not in reply:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{text!r} was not answered within {seconds:.0f} s")


def test_a_database_outage_gets_friendly_replies_and_answers_resume(
    cluster: Cluster, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    engine = db.make_engine(cluster.url)
    ensure_catalog(engine)
    engine.dispose()
    with gunicorn(cluster.url, fake_slack.api_url, tmp_path) as server:
        for _ in range(2):  # asked twice: kept in the worker's reply cache too
            assert "27.4x" in ask(server, fake_slack, "r1 vs o1").text

        cluster.stop()
        time.sleep(2.5)  # the worker's background check (once a second) finds the database gone
        # Questions are answered from the catalog snapshot the worker holds, marked as possibly stale.
        stale = ask(server, fake_slack, "r1 vs o1").json()
        assert "27.4x" in stale["text"] and STALE in str(stale["blocks"][-1])
        for text in ["o1 vs gpt-4o", "help", "list"]:
            reply = ask(server, fake_slack, text).json()
            assert reply["response_type"] == "ephemeral" and STALE in str(reply["blocks"][-1])
        # A change can't be written: "unavailable", with nothing to share.
        for text in ["subscribe o1", "unsubscribe"]:
            reply = ask(server, fake_slack, text).json()
            assert reply["response_type"] == "ephemeral"
            assert reply["text"] == UNAVAILABLE
            assert "Share in channel" not in str(reply)

        cluster.start()
        took = answered_within(server, fake_slack, "subscribe o1", "Subscribed", RECOVERY_S)
        assert STALE not in ask(server, fake_slack, "r1 vs o1").text
        print(f"answers resumed {took:.1f} s after PostgreSQL started")  # shown with -s

        log = server.log
        assert "Traceback" not in log, log[-3000:]
        failures = log.count("catalog unavailable (")
        assert 1 <= failures <= 10, failures  # one line per failure, a few per outage, not per request
        assert "catalog reachable again" in log


def test_a_worker_booting_or_killed_while_the_database_is_down_comes_back(
    cluster: Cluster, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    cluster.stop()  # down from the start: the empty database is migrated and seeded once it is back
    with gunicorn(cluster.url, fake_slack.api_url, tmp_path, workers=2) as server:
        assert ask(server, fake_slack, "r1 vs o1").json()["text"] == UNAVAILABLE

        [victim, *_] = server.workers()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while victim in server.workers() or len(server.workers()) < 2:
            assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
            assert server.process.poll() is None, "gunicorn halted"
            time.sleep(0.2)
        wait_healthy(server.url, server.process)
        for _ in range(4):  # both workers, whichever answers
            assert ask(server, fake_slack, "o1").json()["text"] == UNAVAILABLE

        cluster.start()
        # The first request back migrates and seeds the empty catalog; answers come within seconds.
        answered_within(server, fake_slack, "r1 vs o1", "27.4x", RECOVERY_S + 30)
        for _ in range(4):
            assert "27.4x" in ask(server, fake_slack, "r1 vs o1").text
        assert server.process.poll() is None
        assert "Worker failed to boot" not in server.log
        assert "Traceback" not in server.log, server.log[-3000:]
