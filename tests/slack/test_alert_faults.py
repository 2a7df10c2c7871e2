"""Alerts through faults, with the real stack: the `modelcost worker` process, a PostgreSQL server the
test owns (stopped and started at will) and a fake Slack whose posts are slow or hang.

Each channel gets its alert exactly once through a database outage, a SIGTERM and a restart; four
threads post to four channels at once; a hung post holds up only its own channel.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bot import db
from bot.commands.ask import Context, respond
from bot.feeds.seed import ensure_catalog
from bot.store.tables import Alert
from tests.fakeslack import FakeSlack
from tests.pgcluster import Cluster, throwaway_cluster

pytestmark = pytest.mark.alone  # a PostgreSQL server of their own, and timing that is their behaviour

ADMIN = Context.slack("UADMIN", "CADMIN", lambda _: True)
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Post:
    channel: str
    started: float  # time.monotonic() when the request arrived
    ended: float | None = None  # when it was answered; None while it hangs, or if it never was


class SlowSlack(FakeSlack):
    """The fake Slack, but each chat.postMessage takes `delay` seconds, and posts to the channels in
    `hang` get no answer until `release` is set (nor are they accepted: they never reach calls())."""

    def __init__(self, delay: float, hang: set[str] | None = None) -> None:
        super().__init__()
        self.delay = delay
        self.hang = set(hang or ())
        self.release = threading.Event()
        self.posts: list[Post] = []

    def _handle(self, handler: Any, raw: bytes) -> None:
        if not handler.path.endswith("/chat.postMessage"):
            super()._handle(handler, raw)
            return
        body = self._body(raw, {k.lower(): v for k, v in handler.headers.items()}, "")
        post = Post(str(body.get("channel")), time.monotonic())
        with self._lock:
            self.posts.append(post)
            self._lock.notify_all()
        if post.channel in self.hang:
            self.release.wait(60)
            return
        time.sleep(self.delay)
        post.ended = time.monotonic()
        super()._handle(handler, raw)

    def wait_until(self, what: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not what():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; posts so far: {[(p.channel, p.ended) for p in self.posts]}"
                self._lock.wait(left)

    def accepted(self) -> list[str]:
        """The channels of the posts Slack accepted, in order."""
        return [c.body["channel"] for c in self.calls("chat.postMessage")]

    def stop(self) -> None:
        self.release.set()
        super().stop()


class Server:
    """The throwaway PostgreSQL server and a seeded template to copy a fresh catalog from."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        with self.admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "mc_template"'))
        engine = db.make_engine(self._url("mc_template"))
        ensure_catalog(engine)
        engine.dispose()

    def _url(self, name: str) -> str:
        return make_url(self.cluster.url).set(database=name).render_as_string(hide_password=False)

    def fresh(self, channels: list[str]) -> str:
        """A new copy of the catalog where each channel is subscribed and one price change is queued."""
        name = f"mc_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "mc_template"'))
        url = self._url(name)
        engine = db.make_engine(url)
        for channel in channels:
            respond(engine, "subscribe", Context.slack("UMEMBER", channel, lambda _: False))
        respond(engine, "set o1 output 50", ADMIN)
        engine.dispose()
        return url


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with throwaway_cluster() as cluster:
        s = Server(cluster)
        yield s
        s.admin.dispose()


def statuses(url: str) -> dict[str, str]:
    engine = db.make_engine(url)
    with db.session_factory(engine)() as s:
        found = {a.channel_id: a.status for a in s.scalars(select(Alert))}
    engine.dispose()
    return found


@contextmanager
def worker(url: str, slack: FakeSlack, log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """`modelcost worker ARGS` against `url` and the fake; its log goes to `log`."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": slack.api_url,
        "MODELCOST_FEED_URL": slack.base + "/feed.json",  # loopback only: the fake answers 404
        # Four threads, and one workspace's channels unpaced: these tests are about threads and faults
        # (tests/slack/test_fanout.py has the pacing).
        "MODELCOST_ALERT_THREADS": "4",
        "MODELCOST_ALERT_TEAM_INTERVAL": "0",
    }
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker", *args], env=env, cwd=ROOT, stdout=out, stderr=out
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def terminate(proc: subprocess.Popen[bytes]) -> tuple[int, float]:
    """SIGTERM; the exit code and how long the process took to exit."""
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(30)
    return code, time.monotonic() - start


def test_a_database_outage_during_delivery_neither_loses_nor_doubles_an_alert(
    server: Server, tmp_path: Path
) -> None:
    channels = [f"CO{i:02}" for i in range(20)]
    url = server.fresh(channels)
    log = tmp_path / "worker.log"
    with SlowSlack(delay=1.5) as slack, worker(url, slack, log) as proc:
        slack.wait_until(lambda: len(slack.posts) >= 6)  # the second round of posts is in flight
        server.cluster.stop()
        time.sleep(4)  # the posts in flight are accepted while the database is away
        assert len(slack.accepted()) < len(channels)
        server.cluster.start()
        back = time.monotonic()
        slack.wait_until(lambda: len(slack.accepted()) >= len(channels))
        time.sleep(2)  # time enough for a second post of anything, if one were coming
        code, _ = terminate(proc)
    assert code == 0
    assert Counter(slack.accepted()) == Counter(channels)  # each channel exactly once
    assert max(p.ended or 0 for p in slack.posts) - back < 10
    assert set(statuses(url).values()) == {"sent"}
    logged = log.read_text()
    assert "database unavailable" in logged and "database back" in logged
    assert "Traceback" not in logged  # an outage is a line in the log, not a traceback per attempt


def test_four_threads_post_to_four_channels_at_once_and_a_hung_post_holds_up_only_its_own(
    server: Server, tmp_path: Path
) -> None:
    channels = [f"CT{i:02}" for i in range(9)]
    url = server.fresh(channels)
    with SlowSlack(delay=1.0, hang={"CT00"}) as slack, worker(url, slack, tmp_path / "worker.log") as proc:
        slack.wait_until(lambda: len(slack.accepted()) >= 8)
        hung = [p for p in slack.posts if p.channel == "CT00"]
        assert hung and hung[0].ended is None  # still hanging: it held up no other channel
        code, took = terminate(proc)
    assert code == 0 and took < 10

    # at most, and at some moment exactly, four posts in flight (the hung one counts while it hangs)
    def in_flight_when(p: Post) -> int:
        return sum(1 for q in slack.posts if q.started <= p.started < (q.ended or float("inf")))

    in_flight = [in_flight_when(p) for p in slack.posts]
    assert max(in_flight) == 4
    assert Counter(slack.accepted()) == Counter(channels[1:])


def test_sigterm_finishes_or_abandons_posts_in_flight_and_a_restart_sends_the_rest_once(
    server: Server, tmp_path: Path
) -> None:
    channels = [f"CS{i:02}" for i in range(12)]
    url = server.fresh(channels)
    log = tmp_path / "worker.log"
    with SlowSlack(delay=2.0, hang={"CS05"}) as slack:
        with worker(url, slack, log, "--lease", "4") as proc:
            slack.wait_until(lambda: any(p.channel == "CS05" for p in slack.posts))
            stopped_at = time.monotonic()
            code, took = terminate(proc)
        assert code == 0 and took < 10
        assert all(p.started < stopped_at + 0.5 for p in slack.posts)  # no new claims after SIGTERM
        during = statuses(url)
        finished = [p.channel for p in slack.posts if p.ended is not None]
        assert all(during[ch] == "sent" for ch in finished)  # posts in flight finished and were recorded
        assert during["CS05"] == "sending"  # the hung post was abandoned with its lease kept
        assert list(during.values()).count("pending") == len(channels) - len(finished) - 1
        slack.hang.clear()
        slack.release.set()  # the hung request ends unanswered: Slack never took that message
        time.sleep(4)  # the abandoned claim's lease runs out
        with worker(url, slack, log, "--once") as again:
            assert again.wait(60) == 0
    assert Counter(slack.accepted()) == Counter(channels)  # nothing lost, nothing doubled
    assert set(statuses(url).values()) == {"sent"}
