"""GET /metrics, scraped as Prometheus would after requests through the real app: the text exposition
format (0.0.4) read by its rules, counts that move with what the app did, the database's figures, no
workspace's data anywhere, the optional bearer token, and one total over gunicorn's workers."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import insert, text

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.sync import SyncSummary
from bot.store import syncruns
from bot.store.tables import SLACK_BOTS
from tests.fakeslack import FakeSlack
from tests.slack.conftest import CHANNEL, USER, Served, command_body, post_signed, sign
from tests.slack.gunicorn import BOOT_S, gunicorn, wait_healthy
from tests.slack.test_oauth import CLIENT_ID, OAUTH

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Every label value a scrape may hold: fixed sets, nothing a workspace sent or owns.
LABEL_VALUES = {
    "kind": {"command", "action", "view", "event", "other"}
    | {"alias", "alternatives", "audit", "compare", "help", "history", "list", "model", "set"}
    | {"set-score", "set-workload", "subscription", "sync", "sync-status"},
    "outcome": {"ok", "rejected", "error", "answered", "cached", "stale", "refused", "unavailable", "failed"},
    "status": {
        "pending",
        "sending",
        "sent",
        "failed",
        "skipped",
        "cancelled",
        "applied",
        "unchanged",
        "rejected",
    },
    "feed": {"prices", "quality", "crosscheck"},
}

# The text format's grammar (prometheus.io/docs/instrumenting/exposition_formats, version 0.0.4).
_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
_SAMPLE = re.compile(rf"({_NAME})(?:\{{(.*)\}})? (\S+)(?: (-?[0-9]+))?")
_TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
_SUFFIXES = {
    "counter": ("_total",),
    "gauge": ("",),
    "untyped": ("",),
    "histogram": ("_bucket", "_sum", "_count"),
    "summary": ("", "_sum", "_count"),
}


@dataclass
class Family:
    name: str
    type: str = "untyped"
    help: str | None = None
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = field(default_factory=dict)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value)


def _labels(text: str) -> tuple[tuple[str, str], ...]:
    pairs, pos = [], 0
    while pos < len(text):
        m = _LABEL.match(text, pos)
        assert m, f"bad label at {text[pos:]!r}"
        pairs.append((m.group(1), _unescape(m.group(2))))
        pos = m.end()
        if pos < len(text):
            assert text[pos] == ",", f"labels not separated by a comma: {text!r}"
            pos += 1
    names = [k for k, _ in pairs]
    assert len(names) == len(set(names)), f"a label repeated: {text!r}"
    return tuple(sorted(pairs))


def _value(text: str) -> float:
    assert re.fullmatch(r"[+-]?(Inf|NaN|[0-9.]+(e[+-]?[0-9]+)?)", text, re.IGNORECASE), text
    return float(text)


def parse(body: str) -> dict[str, Family]:
    """The families of a scrape, every rule of the format checked: HELP and TYPE at most once each and
    before the family's samples, known types, each sample's name the family's with its type's suffix,
    each family's samples together, no series twice, a histogram's buckets cumulative up to `+Inf`
    equal to its count, a counter's values non-negative."""
    assert body.endswith("\n"), "the last line must end with a newline"
    families: dict[str, Family] = {}
    current: Family | None = None
    closed: set[str] = set()
    for line in body.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                assert re.fullmatch(_NAME, name), name
                assert name not in closed, f"{name}: {parts[1]} after its samples"
                family = families.setdefault(name, Family(name))
                if current is not family and current is not None:
                    closed.add(current.name)
                current = family
                if parts[1] == "HELP":
                    assert family.help is None, f"{name}: HELP twice"
                    family.help = _unescape(parts[3] if len(parts) > 3 else "")
                else:
                    assert family.samples == {}, f"{name}: TYPE after its samples"
                    assert parts[3] in _TYPES, line
                    family.type = parts[3]
            continue
        m = _SAMPLE.fullmatch(line)
        assert m, f"not a sample line: {line!r}"
        name, labels, value = m.group(1), _labels(m.group(2) or ""), _value(m.group(3))
        assert current is not None and current.name not in closed, f"{name}: outside its family"
        family = current
        base = family.name[: -len("_total")] if family.type == "counter" else family.name
        suffixes = _SUFFIXES[family.type]
        assert any(name == base + s for s in suffixes), f"{name} in {family.type} family {family.name}"
        key = (name, labels)
        assert key not in family.samples, f"{name}{labels} twice"
        family.samples[key] = value
        if family.type == "counter":
            assert value >= 0, line
    for family in families.values():
        if family.type == "histogram":
            _check_histogram(family)
    return families


def _check_histogram(family: Family) -> None:
    series: dict[tuple[tuple[str, str], ...], list[tuple[float, float]]] = {}
    for (name, labels), value in family.samples.items():
        if name.endswith("_bucket"):
            le = dict(labels)["le"]
            rest = tuple(p for p in labels if p[0] != "le")
            series.setdefault(rest, []).append((_value(le), value))
    assert series, f"{family.name}: no buckets"
    for rest, buckets in series.items():
        buckets.sort()
        assert buckets[-1][0] == math.inf, f"{family.name}{rest}: no +Inf bucket"
        counts = [n for _, n in buckets]
        assert counts == sorted(counts), f"{family.name}{rest}: buckets not cumulative: {counts}"
        assert family.samples[(family.name + "_count", rest)] == counts[-1]
        assert (family.name + "_sum", rest) in family.samples


def value(families: dict[str, Family], name: str, **labels: str) -> float:
    """One sample's value, by its full name (`…_total`, `…_bucket`) and labels."""
    for family in families.values():
        key = (name, tuple(sorted(labels.items())))
        if key in family.samples:
            return family.samples[key]
    raise KeyError(f"{name}{labels}")


def scrape(url: str, **headers: str) -> tuple[str, dict[str, Family]]:
    response = requests.get(url + "/metrics", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == CONTENT_TYPE
    families = parse(response.text)
    for family in families.values():
        for _, labels in family.samples:
            for label, label_value in labels:
                if label != "le":
                    assert label_value in LABEL_VALUES[label], f"{family.name}: {label}={label_value!r}"
    return response.text, families


def event_body(team: str, kind: str, **extra: Any) -> bytes:
    return json.dumps(
        {
            "team_id": team,
            "api_app_id": "A0MODELCOST",
            "type": "event_callback",
            "event_id": f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "event": {"type": kind, **extra},
        }
    ).encode()


def post_json(url: str, body: bytes) -> requests.Response:
    ts = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts),
    }
    return requests.post(url + "/slack/events", data=body, headers=headers, timeout=30)


def test_counts_move_with_requests_replies_and_answers(slack: Served) -> None:
    _, before = scrape(slack.url)

    def ask(question: str) -> None:
        assert post_signed(slack.url, command_body(slack.fake, question)).status_code == 200

    for question in ("o1", "o1", "o1", "r1 vs o1", "no-such-model-xyz"):
        ask(question)  # o1: answered, answered (and kept), then served from the cache
    assert post_signed(slack.url, b"text=o1", signature="v0=" + "0" * 64).status_code == 401
    home = post_json(slack.url, event_body(slack.fake.team_id, "app_home_opened", user=USER, tab="home"))
    assert home.status_code == 200

    body, after = scrape(slack.url)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("modelcost_requests_total", kind="command", outcome="ok") == 5
    assert moved("modelcost_requests_total", kind="event", outcome="ok") == 1
    assert moved("modelcost_requests_total", kind="other", outcome="rejected") == 1
    assert moved("modelcost_ack_seconds_count", kind="command") == 5
    assert moved("modelcost_ack_seconds_bucket", kind="command", le="+Inf") == 5
    assert moved("modelcost_ack_seconds_sum", kind="command") > 0
    assert moved("modelcost_answers_total", kind="model") == 2
    assert moved("modelcost_answers_total", kind="compare") == 1
    assert moved("modelcost_replies_total", outcome="cached") == 1
    assert moved("modelcost_replies_total", outcome="refused") == 1
    assert after["modelcost_ack_seconds"].type == "histogram"
    assert after["modelcost_requests_total"].help
    # Nothing of the workspace: its team, channel and user ids, or what it typed.
    for private in (slack.fake.team_id, CHANNEL, USER, "no-such-model-xyz", "r1"):
        assert private not in body


def test_the_outbox_feeds_and_database_are_read_at_each_scrape(slack: Served, catalog_url: str) -> None:
    engine = db.engine_for(catalog_url)
    _, before = scrape(slack.url)
    syncruns.record(
        engine, SyncSummary(url="https://feed.test/prices.json", feed="prices", status="unchanged")
    )
    syncruns.record(
        engine, SyncSummary(url="https://feed.test/prices.json", feed="prices", status="rejected")
    )

    _, after = scrape(slack.url)

    assert value(after, "modelcost_database_up") == 1
    assert value(after, "modelcost_feed_syncs_total", feed="prices", status="unchanged") == (
        value(before, "modelcost_feed_syncs_total", feed="prices", status="unchanged") + 1
    )
    assert value(after, "modelcost_feed_syncs_total", feed="prices", status="rejected") == (
        value(before, "modelcost_feed_syncs_total", feed="prices", status="rejected") + 1
    )
    synced = value(after, "modelcost_feed_last_success_timestamp_seconds", feed="prices")
    assert abs(synced - datetime.now(UTC).timestamp()) < 600
    assert 0 <= value(after, "modelcost_feed_age_seconds", feed="prices") < 600
    for status in ("pending", "sending", "sent", "failed", "skipped", "cancelled"):
        assert value(after, "modelcost_alerts", status=status) >= 0
    assert "modelcost_workspaces_installed" not in after  # single mode: one workspace, no installations


@pytest.fixture
def outbox(serve: Callable[..., Served], fresh_url: str) -> tuple[Served, str]:
    return serve(database_url=fresh_url), fresh_url


def test_alerts_queued_show_as_pending_with_their_wait(outbox: tuple[Served, str]) -> None:
    served, url = outbox
    engine = db.engine_for(url)
    for channel in ("C1", "C2"):
        respond(engine, "subscribe o1", Context.slack("UMEMBER", channel, lambda _: False))
    respond(engine, "set o1 output 61", Context.cli())

    _, families = scrape(served.url)

    assert value(families, "modelcost_alerts", status="pending") == 2
    assert value(families, "modelcost_alerts", status="sent") == 0
    assert value(families, "modelcost_alerts_oldest_due_seconds") >= 0


def test_oauth_mode_counts_installed_workspaces_not_their_installations(
    serve: Callable[..., Served], fresh_url: str
) -> None:
    hosted = serve(database_url=fresh_url, settings=OAUTH)
    rows = [("T1", False), ("T1", False), ("T2", False), (None, True)]  # T1 installed twice; an org
    with db.engine_for(fresh_url).begin() as conn:
        for team, org in rows:
            conn.execute(
                insert(SLACK_BOTS).values(
                    client_id=CLIENT_ID,
                    app_id="A1",
                    enterprise_id="E1" if org else None,
                    team_id=team,
                    bot_token="x",
                    is_enterprise_install=org,
                    installed_at=datetime.now(UTC).replace(tzinfo=None),
                )
            )
        conn.execute(  # another app's installation, in the same database
            insert(SLACK_BOTS).values(
                client_id="9999.0000",
                app_id="A2",
                team_id="T3",
                is_enterprise_install=False,
                installed_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )

    body, families = scrape(hosted.url)

    assert value(families, "modelcost_workspaces_installed") == 3
    assert value(families, "modelcost_workspaces_departed") == 0
    for private in ("T1", "T2", "T3", "E1"):
        assert not re.search(rf"\b{private}\b", body)


def test_a_metrics_token_is_required_when_set(serve: Callable[..., Served]) -> None:
    served = serve(settings={"metrics_token": "scrape-secret"})
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "scrape-secret"}):
        refused = requests.get(served.url + "/metrics", headers=headers, timeout=10)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert "modelcost_" not in refused.text
    scrape(served.url, Authorization="Bearer scrape-secret")


def commands_served(counts: Path) -> float:
    """The commands one worker's file of counts says it served (prometheus_client's multiprocess files)."""
    for metric in MultiProcessCollector.merge([str(counts)]):  # type: ignore[no-untyped-call]  # untyped there
        for sample in metric.samples:
            if sample.name == "modelcost_requests_total" and sample.labels == {
                "kind": "command",
                "outcome": "ok",
            }:
                return float(sample.value)
    return 0.0


@pytest.mark.alone
def test_gunicorn_sums_every_workers_counts(catalog_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    """Each scrape lands on one worker; every scrape shows the requests that all workers served,
    those gunicorn has since replaced included."""
    counts = tmp_path / "counts"
    counts.mkdir()
    with gunicorn(
        catalog_url, fake_slack.api_url, tmp_path, workers=2, PROMETHEUS_MULTIPROC_DIR=str(counts)
    ) as server:

        def ask(n: int) -> None:
            for i in range(n):
                assert post_signed(server.url, command_body(fake_slack, f"o{1 + i % 3}")).status_code == 200

        ask(6)
        first = set(server.workers())
        for pid in first:  # gunicorn replaces a worker that exits (as after --max-requests, or a crash)
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + BOOT_S
        while not (len(server.workers()) == 2 and not first & set(server.workers())):
            assert time.monotonic() < deadline, "the workers were not replaced"
            time.sleep(0.1)
        wait_healthy(server.url)
        ask(5)
        totals = [
            value(scrape(server.url)[1], "modelcost_requests_total", kind="command", outcome="ok")
            for _ in range(4)
        ]
    # The first six were served by workers that have exited since: their counts are still summed.
    replaced = [counts / f"counter_{pid}.db" for pid in first]
    assert sum(commands_served(f) for f in replaced if f.exists()) == 6
    assert totals == [11] * 4


def test_a_database_that_cannot_answer_leaves_the_counts_and_says_so(
    serve: Callable[..., Served], fresh_url: str
) -> None:
    served = serve(database_url=fresh_url)
    assert post_signed(served.url, command_body(served.fake, "o1")).status_code == 200
    with db.engine_for(fresh_url).begin() as conn:
        conn.execute(text("ALTER TABLE alerts RENAME TO alerts_away"))  # the figures' first query fails

    _, families = scrape(served.url)

    assert value(families, "modelcost_database_up") == 0
    assert "modelcost_alerts" not in families and "modelcost_feed_syncs_total" not in families
    assert value(families, "modelcost_requests_total", kind="command", outcome="ok") >= 1
