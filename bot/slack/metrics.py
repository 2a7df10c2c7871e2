"""GET /metrics: what an operator watches, in Prometheus' text exposition format (version 0.0.4).

Counted by each web process, with prometheus_client: Slack's requests to /slack/events by kind and
outcome, the time taken to answer them (the ack: Slack waits 3 s), the replies made to commands, clicks
and the Home tab by outcome, and the answers computed by kind. Under gunicorn each scrape sums every
worker's counts (prometheus_client's multiprocess mode: PROMETHEUS_MULTIPROC_DIR, which
bot/slack/gunicorn_conf.py sets for its workers); a process on its own (tests, `wsgi_app` served
otherwise) shows its own. Read from the database at each scrape (bot.store.figures): the outbox by
status and how long its oldest due alert has waited, each feed's syncs and the age of its last success,
installed workspaces, and those waiting for their data's deletion (bot.store.retention).

Every label value comes from a fixed set made here (request kinds, outcomes, answer kinds, alert and
sync statuses, feed names): never a team, channel, user, model or text a workspace sent.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from typing import Any, get_args  # Any: Bolt's request bodies are untyped dicts

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from bot.config import Settings
from bot.contract.answers import Answer
from bot.contract.sync import SyncSummary
from bot.domain.feeds import FEEDS
from bot.store.figures import Figures, read_figures

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own variable

# What Slack sent (bot.slack.web.request_kind); `other`: anything else, and what was refused unread.
REQUEST_KINDS = ("command", "action", "view", "event", "other")
# ok: 2xx; rejected: 4xx (unsigned, too old, too large, not a payload, no listener); error: 5xx.
REQUEST_OUTCOMES = ("ok", "rejected", "error")
# answered: computed now; cached: the reply kept for the same text; stale: that reply, the database
# being away; refused: a friendly error (unknown model, not an admin); unavailable: the catalog can't be
# read; failed: "something went wrong".
REPLY_OUTCOMES = ("answered", "cached", "stale", "refused", "unavailable", "failed")
# Slack's ack budget is 3 s, the app's own 1.5 s (bot.slack.acks.ACK_BUDGET_S).
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0)
# Each answer type's `kind` (SyncSummary, a sync's result, has none).
ANSWER_KINDS: dict[type, str] = {
    cls: str(f.default) for cls in get_args(Answer) for f in fields(cls) if f.name == "kind"
} | {SyncSummary: "sync"}

# A counter's `_created` series (in one process) would show when each series began: noise here.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus_client
_OWN = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "modelcost_requests",
    "Slack's requests to /slack/events, by kind and outcome.",
    ("kind", "outcome"),
    registry=_OWN,
)
ACK_SECONDS = Histogram(
    "modelcost_ack_seconds",
    "Time from a request's arrival to its response (the ack), by request kind.",
    ("kind",),
    buckets=ACK_BUCKETS,
    registry=_OWN,
)
REPLIES = Counter(
    "modelcost_replies",
    "Replies to commands, clicks and the Home tab, by outcome.",
    ("outcome",),
    registry=_OWN,
)
ANSWERS = Counter(
    "modelcost_answers",
    "Answers computed (not served from the reply cache), by answer kind.",
    ("kind",),
    registry=_OWN,
)
for _kind in REQUEST_KINDS:  # every series exists from the start, at 0
    ACK_SECONDS.labels(_kind)
    for _outcome in REQUEST_OUTCOMES:
        REQUESTS.labels(_kind, _outcome)
for _outcome in REPLY_OUTCOMES:
    REPLIES.labels(_outcome)
for _kind in sorted(set(ANSWER_KINDS.values())):
    ANSWERS.labels(_kind)

_ACTIONS = frozenset(
    (
        "block_actions",
        "block_suggestion",
        "interactive_message",
        "shortcut",
        "message_action",
        "dialog_submission",
    )
)
_VIEWS = frozenset(("view_submission", "view_closed"))


def request_kind(body: Mapping[str, Any]) -> str:
    """The kind of a request Bolt read (its body)."""
    if body.get("command"):
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        return "event"
    if kind in _ACTIONS:
        return "action"
    return "view" if kind in _VIEWS else "other"


def served(kind: str, status: int, started: float) -> None:
    """A request to /slack/events answered with `status`, `started` at time.perf_counter()."""
    outcome = "ok" if status < 400 else "rejected" if status < 500 else "error"
    REQUESTS.labels(kind, outcome).inc()
    ACK_SECONDS.labels(kind).observe(time.perf_counter() - started)


def refused() -> None:
    """A request to /slack/events refused before anything read it (unsigned, too old, too large)."""
    REQUESTS.labels("other", "rejected").inc()


def replied(outcome: str) -> None:
    REPLIES.labels(outcome).inc()


def answered(answer: Answer) -> None:
    ANSWERS.labels(ANSWER_KINDS.get(type(answer), "other")).inc()


def scrape(engine: Engine, settings: Settings) -> bytes:
    """The text of GET /metrics: the counts (every worker's, under gunicorn) and the database's figures."""
    client_id = settings.slack_client_id if settings.slack_mode == "oauth" else None
    feeds = tuple(f.name for f in FEEDS)
    return generate_latest(_Scrape(lambda: read_figures(engine, feeds, client_id)))


class _Scrape(Collector):
    def __init__(self, read: Callable[[], Figures]) -> None:
        self._read = read

    def collect(self) -> Iterable[Metric]:
        if os.environ.get(MULTIPROCESS_DIR):
            yield from MultiProcessCollector(None).collect()  # type: ignore[no-untyped-call]  # untyped there
        else:
            yield from _OWN.collect()
        yield from _figures(self._read)


def _figures(read: Callable[[], Figures]) -> Iterable[Metric]:
    up = GaugeMetricFamily("modelcost_database_up", "1 if the figures below could be read from the database.")
    try:
        figures = read()
    except DBAPIError:
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    yield up
    alerts = GaugeMetricFamily("modelcost_alerts", "Alerts in the outbox, by status.", labels=("status",))
    for status, n in figures.alerts.items():
        alerts.add_metric([status], n)
    yield alerts
    waited = (figures.read_at - figures.oldest_due).total_seconds() if figures.oldest_due else 0.0
    yield GaugeMetricFamily(
        "modelcost_alerts_oldest_due_seconds",
        "How long the longest-waiting due alert has waited to be sent (0: none is waiting).",
        value=max(0.0, waited),
    )
    syncs = CounterMetricFamily(
        "modelcost_feed_syncs", "Feed sync attempts recorded, by feed and outcome.", labels=("feed", "status")
    )
    for (feed, status), n in figures.syncs.items():
        syncs.add_metric([feed, status], n)
    yield syncs
    last = GaugeMetricFamily(
        "modelcost_feed_last_success_timestamp_seconds",
        "When each feed last synced successfully (applied or unchanged), as a Unix time.",
        labels=("feed",),
    )
    age = GaugeMetricFamily(
        "modelcost_feed_age_seconds",
        "Seconds since each feed last synced successfully (absent before its first).",
        labels=("feed",),
    )
    for feed, at in figures.last_success.items():
        last.add_metric([feed], at.timestamp())
        age.add_metric([feed], max(0.0, (figures.read_at - at).total_seconds()))
    yield last
    yield age
    if figures.installed is not None:
        yield GaugeMetricFamily(
            "modelcost_workspaces_installed", "Workspaces the app is installed in.", value=figures.installed
        )
    yield GaugeMetricFamily(
        "modelcost_workspaces_departed",
        "Workspaces the app was uninstalled from whose data waits for the retention period to end.",
        value=figures.departed,
    )
