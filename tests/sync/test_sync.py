"""Syncing from the genai-prices feed (mocked with `responses`): what changes, what must not, and
what admins see, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
import requests
import responses
from responses import matchers
from sqlalchemy import Engine, func, select

from bot import db
from bot.cli import main
from bot.commands.ask import Context, respond
from bot.contract.actor import Actor
from bot.contract.answers import ModelAnswer
from bot.domain.prices import PriceData
from bot.feeds import prices
from bot.feeds.genai_prices import parse_feed
from bot.render.sync import summary_text
from bot.store.prices import new_change, price_data, record_price
from bot.store.syncruns import sync_due
from bot.store.tables import Alert, Change, Offering, Price, Subscription, SyncRun, utcnow
from tests.sync.feeds import (
    URL,
    add_model,
    body,
    current_price,
    drop,
    fixture_feed,
    keys,
    runs,
    set_price,
    snapshot_feed,
    state,
)


@pytest.mark.engines
def test_a_price_change_becomes_history_and_an_alert(fresh: Engine, feed: responses.RequestsMock) -> None:
    with db.transaction(fresh) as s:
        s.add(Subscription(channel_id="C1", created_by="U1"))
    before = state(fresh)
    old = current_price(fresh, "openai", "o1")
    f = set_price(snapshot_feed(), "openai", "o1", input_mtok=12, output_mtok=48)
    f = add_model(f, "openai", "o9-preview", 30, 120)
    f = drop(f, {("openai", "gpt-4o")})
    feed.get(URL, body=body(f), headers={"ETag": '"v1"'})

    summary = prices.FEED.sync(fresh, URL)

    assert (summary.status, summary.changed, summary.added, summary.retired) == ("applied", 1, 1, 1)
    [move] = summary.largest_moves
    assert (move.offering, move.old_input_mtok, move.new_input_mtok, move.pct) == (
        "openai/o1",
        D(15),
        D(12),
        D(-20),
    )
    new = current_price(fresh, "openai", "o1")
    assert (new.input_mtok, new.output_mtok, new.source_kind) == (D(12), D(48), "feed")
    assert new.id > old.id and new.change_id == summary.change_id
    with db.session_factory(fresh)() as s:
        history = s.scalars(
            select(Price)
            .join(Offering)
            .where(Offering.provider_model_id == "o1", Offering.provider_id == "openai")
        ).all()
        assert [p.source_kind for p in history] == ["snapshot", "feed"]
        gpt4o = s.scalars(
            select(Offering).where(Offering.provider_id == "openai", Offering.provider_model_id == "gpt-4o")
        ).one()
        assert gpt4o.retired_at is not None
        assert s.scalar(select(func.count()).where(Price.offering_id == gpt4o.id)) == 1  # history kept
        [alert] = s.scalars(select(Alert)).all()
    assert alert.channel_id == "C1" and alert.change_id == summary.change_id
    assert {m["provider_model_id"] for m in alert.payload["moves"]} == {"o1", "o9-preview"}
    after = state(fresh)
    assert after.prices == before.prices + 2 and after.offerings == before.offerings + 1
    assert after.retired == before.retired + 1 and after.changes == before.changes + 1
    [run] = runs(fresh)
    assert (run.status, run.etag, run.change_id) == ("applied", '"v1"', summary.change_id)
    assert run.summary and run.summary["changed"] == 1
    text = summary_text(summary)
    assert "1 changed, 1 added, 1 retired" in text and "$15 / $60  ->  $12 / $48  -20.0%" in text


def test_a_feed_is_recorded_by_its_url_without_query_or_credentials(
    fresh: Engine,
    feed: responses.RequestsMock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "https://bot:hunter2@feed.test/genai-prices/v2/data.json?token=s3cret#top"
    feed.get(secret.split("#")[0], body=body(set_price(snapshot_feed(), "openai", "o1", input_mtok=12)))

    summary = prices.FEED.sync(fresh, secret)

    assert summary.status == "applied"
    with db.session_factory(fresh)() as s:
        change = s.get_one(Change, summary.change_id)
        assert change.actor == Actor(kind="feed", id=URL)
        price = s.scalars(select(Price).where(Price.change_id == change.id)).one()
        assert (price.source_kind, price.source_id) == ("feed", URL)
    monkeypatch.setenv("DATABASE_URL", fresh.url.render_as_string(hide_password=False))
    assert main(["ask", "history o1"]) == 0
    out = capsys.readouterr().out
    assert f"input $15 → $12 (-20.0%)  (the feed {URL})" in out
    assert "s3cret" not in out and "hunter2" not in out


def test_an_unchanged_feed_answering_304_costs_nothing(fresh: Engine, feed: responses.RequestsMock) -> None:
    feed.get(
        URL, body=body(set_price(snapshot_feed(), "openai", "o1", input_mtok=12)), headers={"ETag": '"v1"'}
    )
    assert prices.FEED.sync(fresh, URL).status == "applied"
    before = state(fresh)
    feed.replace(responses.GET, URL, status=304, match=[matchers.header_matcher({"If-None-Match": '"v1"'})])

    summary = prices.FEED.sync(fresh, URL)

    assert summary.status == "unchanged" and state(fresh) == before
    assert [r.status for r in runs(fresh)] == ["applied", "unchanged"]
    assert runs(fresh)[-1].etag == '"v1"'


def test_an_identical_body_without_etag_is_unchanged(fresh: Engine, feed: responses.RequestsMock) -> None:
    raw = body(set_price(snapshot_feed(), "openai", "o1", input_mtok=12))
    feed.get(URL, body=raw)
    assert prices.FEED.sync(fresh, URL).status == "applied"
    before = state(fresh)

    summary = prices.FEED.sync(fresh, URL)

    assert summary.status == "unchanged" and state(fresh) == before
    assert [r.status for r in runs(fresh)] == ["applied", "unchanged"]


def test_a_feed_matching_the_catalog_changes_nothing(fresh: Engine, feed: responses.RequestsMock) -> None:
    before = state(fresh)
    feed.get(URL, body=body(snapshot_feed()))

    summary = prices.FEED.sync(fresh, URL)

    assert (summary.status, summary.changed, summary.added, summary.retired) == ("unchanged", 0, 0, 0)
    assert state(fresh) == before
    assert [(r.status, r.change_id) for r in runs(fresh)] == [("unchanged", None)]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (requests.ConnectTimeout("slow"), "timed out connecting"),
        (requests.ReadTimeout("slow"), "timed out reading"),
        (requests.ConnectionError("refused"), "could not fetch"),
    ],
)
def test_network_failures_fail_and_change_nothing(
    fresh: Engine, feed: responses.RequestsMock, answer: Exception, reason: str
) -> None:
    before = state(fresh)
    feed.get(URL, body=answer)

    summary = prices.FEED.sync(fresh, URL)

    assert summary.status == "failed" and reason in (summary.reason or "")
    assert state(fresh) == before
    [run] = runs(fresh)
    assert run.status == "failed" and reason in (run.error or "")


TOKEN_URL = URL + "?token=s3cr3t-token"
POOL = (
    "HTTPSConnectionPool(host='feed.test', port=443): Max retries exceeded with url: "
    "/genai-prices/v2/data.json?token=s3cr3t-token"
)


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (requests.ConnectTimeout(f"{POOL} (connect timeout=5)"), "ConnectTimeout"),
        (
            requests.ReadTimeout(f"{POOL}: Read timed out. (read timeout=30)"),
            "ReadTimeout",
        ),
        (requests.ConnectionError(f"{POOL} (Caused by refused)"), "ConnectionError"),
        (503, "HTTP 503"),
    ],
    ids=["connect-timeout", "read-timeout", "refused", "http-503"],
)
def test_a_failed_fetch_records_the_host_and_the_kind_never_the_query_or_the_library_text(
    fresh: Engine, feed: responses.RequestsMock, answer: Exception | int, said: str
) -> None:
    if isinstance(answer, int):
        feed.get(TOKEN_URL, status=answer, body=b"upstream says s3cr3t-token")
    else:
        feed.get(TOKEN_URL, body=answer)

    summary = prices.FEED.sync(fresh, TOKEN_URL)

    [run] = runs(fresh)
    assert run.error is not None and "feed.test" in run.error and said in run.error
    for kept in (summary.reason or "", run.error, json.dumps(run.summary), run.url):
        for secret in ("s3cr3t", "token=", "Max retries", "ConnectionPool", "timed out.", "upstream says"):
            assert secret not in kept, (secret, kept)


@pytest.mark.parametrize("status", [404, 500, 503])
def test_http_errors_fail_and_change_nothing(
    fresh: Engine, feed: responses.RequestsMock, status: int
) -> None:
    before = state(fresh)
    feed.get(URL, status=status, body=b"oops")

    summary = prices.FEED.sync(fresh, URL)

    assert summary.status == "failed" and f"HTTP {status}" in (summary.reason or "")
    assert state(fresh) == before and [r.status for r in runs(fresh)] == ["failed"]


def _negative() -> bytes:
    return body(set_price(snapshot_feed(), "openai", "o1", input_mtok=-1))


def _absurd() -> bytes:
    return body(set_price(snapshot_feed(), "openai", "o1", output_mtok=60_000))


@pytest.mark.engines
@pytest.mark.parametrize(
    ("make_body", "reason"),
    [
        (lambda: b"{not json", "not valid JSON"),
        (lambda: body(snapshot_feed())[:150_000], "not valid JSON (truncated?)"),
        (lambda: b"", "not valid JSON"),
        (
            lambda: b'[{"id": "x", "name": "X", "models": [{"id": "m", "prices": {"input_mtok": NaN}}]}]',
            "NaN",
        ),
        (lambda: json.dumps({"providers": []}).encode(), "not the expected shape"),
        (lambda: json.dumps([{"id": "openai", "models": "many"}]).encode(), "not the expected shape"),
        (_negative, "openai/o1 has an impossible input_mtok price (-1)"),
        (_absurd, "impossible output_mtok price"),
    ],
    ids=["malformed", "truncated", "empty", "nan", "object", "wrong-shape", "negative", "absurd"],
)
def test_a_bad_feed_is_rejected_whole(
    fresh: Engine, feed: responses.RequestsMock, make_body: object, reason: str
) -> None:
    before = state(fresh)
    feed.get(URL, body=make_body())  # type: ignore[operator]

    summary = prices.FEED.sync(fresh, URL)

    assert summary.status == "rejected" and reason in (summary.reason or "")
    assert state(fresh) == before
    [run] = runs(fresh)
    assert run.status == "rejected" and reason in (run.error or "")
    assert "REJECTED, nothing was changed" in summary_text(summary)


def test_a_feed_retiring_over_a_fifth_of_the_catalog_is_rejected(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    # Renamed ids: as many new offerings as missing ones, so it does not look older; it would
    # still retire a quarter of the catalog.
    f = snapshot_feed()
    renamed = 0
    for p in f:
        for m in p["models"][::4]:
            m["id"] += "-renamed"
            renamed += 1
    before = state(fresh)
    feed.get(URL, body=body(f))

    summary = prices.FEED.sync(fresh, URL)

    assert summary.status == "rejected"
    assert f"it would retire {renamed} of {len(keys(snapshot_feed()))}" in (summary.reason or "")
    assert "older" not in (summary.reason or "")
    assert state(fresh) == before


def test_an_admin_price_is_kept_and_reported_as_overridden(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    with db.transaction(fresh) as s:
        o1 = s.scalars(
            select(Offering).where(Offering.provider_id == "openai", Offering.provider_model_id == "o1")
        ).one()
        change = new_change(s, "admin", Actor(kind="admin", id="U1"))
        record_price(s, o1, PriceData(D(14), D(56)), change)
    feed.get(URL, body=body(set_price(snapshot_feed(), "openai", "o1", input_mtok=12, output_mtok=48)))

    summary = prices.FEED.sync(fresh, URL)

    assert (summary.status, summary.overridden, summary.changed) == ("unchanged", 1, 0)
    [kept] = summary.overrides
    assert (kept.old_input_mtok, kept.new_input_mtok) == (D(14), D(12))
    price = current_price(fresh, "openai", "o1")
    assert (price.input_mtok, price.source_kind) == (D(14), "admin")
    assert "1 overridden" in summary_text(summary)


@pytest.mark.engines
def test_dry_run_writes_nothing(fresh: Engine, feed: responses.RequestsMock) -> None:
    with db.transaction(fresh) as s:
        s.add(Subscription(channel_id="C1", created_by="U1"))
    before = state(fresh)
    f = add_model(set_price(snapshot_feed(), "openai", "o1", input_mtok=12), "openai", "o9", 1, 2)
    feed.get(URL, body=body(f), headers={"ETag": '"v1"'})

    summary = prices.FEED.sync(fresh, URL, dry_run=True)

    assert (summary.status, summary.dry_run, summary.changed, summary.added) == ("applied", True, 1, 1)
    assert state(fresh) == before
    assert [(r.status, r.change_id) for r in runs(fresh)] == [("dry-run", None)]
    assert "would apply; nothing was written" in summary_text(summary)
    # A dry run is not a success to build on: the next real sync fetches and applies in full.
    assert prices.FEED.sync(fresh, URL).status == "applied"
    assert "If-None-Match" not in feed.calls[-1].request.headers


@pytest.mark.engines
def test_the_2026_08_feed_does_not_roll_back_a_bundled_catalog(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    before = state(fresh)
    sonnet = current_price(fresh, "anthropic", "claude-sonnet-5")
    feed.get(URL, body=fixture_feed())

    summary = prices.FEED.sync(fresh, URL)

    assert summary.status == "rejected"
    assert "older than the data the catalog was built from" in (summary.reason or "")
    assert state(fresh) == before
    assert (
        current_price(fresh, "anthropic", "claude-sonnet-5").id == sonnet.id
    )  # still $2 / $10, not $3 / $15
    [run] = runs(fresh)
    assert run.status == "rejected" and "older" in (run.error or "")


def test_a_slightly_stale_feed_is_rejected_too(fresh: Engine, feed: responses.RequestsMock) -> None:
    # A few offerings short of the catalog, with old prices: under the retire limit, still older.
    f = drop(
        snapshot_feed(), {("openai", "gpt-4o"), ("anthropic", "claude-opus-5-5"), ("mistral", "ministral-8b")}
    )
    f = set_price(f, "anthropic", "claude-sonnet-5", input_mtok=3, output_mtok=15)
    before = state(fresh)
    feed.get(URL, body=body(f))

    summary = prices.FEED.sync(fresh, URL)

    assert summary.status == "rejected" and "lacks 3 of" in (summary.reason or "")
    assert "retire" not in (summary.reason or "")
    assert state(fresh) == before


@pytest.mark.engines
def test_a_price_upstream_already_replaced_is_held_until_the_feed_shows_it_is_newer(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    newer = set_price(snapshot_feed(), "openai", "o1", input_mtok=12)
    feed.get(URL, body=body(newer))
    assert prices.FEED.sync(fresh, URL).changed == 1
    # Same offerings, o1 back at the seed's $15: a stale copy, or a real revert? Held, not applied.
    feed.replace(responses.GET, URL, body=body(snapshot_feed()))
    before = state(fresh)

    held = prices.FEED.sync(fresh, URL)

    assert (held.status, held.held, held.held_examples, held.changed) == ("unchanged", 1, ["openai/o1"], 0)
    assert state(fresh) == before and current_price(fresh, "openai", "o1").input_mtok == D(12)
    assert "1 price held back" in summary_text(held)
    # A later feed that adds offerings is newer: the revert is applied then.
    feed.replace(responses.GET, URL, body=body(add_model(snapshot_feed(), "openai", "o9", 1, 2)))
    applied = prices.FEED.sync(fresh, URL)
    assert (applied.status, applied.changed, applied.added, applied.held) == ("applied", 1, 1, 0)
    assert current_price(fresh, "openai", "o1").input_mtok == D(15)


@pytest.mark.engines
def test_the_2026_08_feed_fills_an_empty_catalog_and_a_resync_changes_nothing(
    empty: Engine, feed: responses.RequestsMock
) -> None:
    raw = fixture_feed()
    expected = parse_feed(json.loads(raw))
    feed.get(URL, body=raw, headers={"ETag": '"aug"'})

    summary = prices.FEED.sync(empty, URL)

    assert (summary.status, summary.added, summary.changed, summary.retired) == (
        "applied",
        len(expected),
        0,
        0,
    )
    filled = state(empty)
    assert filled.offerings == filled.prices == len(expected)
    with db.session_factory(empty)() as s:
        assert set(s.scalars(select(Price.source_kind))) == {"feed"}
        r1 = s.scalars(
            select(Price)
            .join(Offering)
            .where(Offering.provider_id == "deepseek", Offering.provider_model_id == "deepseek-reasoner")
        ).one()
        assert price_data(r1).offpeak is not None
        assert s.scalar(select(func.count()).where(Offering.model_id.is_not(None))) > 0  # overlay linked

    # The same content re-served with a new ETag and different bytes: parsed, diffed, nothing written.
    feed.replace(
        responses.GET, URL, body=json.dumps(json.loads(raw), indent=1).encode(), headers={"ETag": '"b"'}
    )
    again = prices.FEED.sync(empty, URL)
    assert (again.status, again.changed, again.added, again.retired, again.change_id) == (
        "unchanged",
        0,
        0,
        0,
        None,
    )
    assert state(empty) == filled
    assert [r.status for r in runs(empty)] == ["applied", "unchanged"]
    assert runs(empty)[-1].etag == '"b"'


@pytest.mark.engines
def test_sync_due_follows_the_interval_and_retries_failures_sooner(fresh: Engine) -> None:
    six_hours, t0 = timedelta(hours=6), utcnow()

    def attempt(status: str, at: datetime) -> None:
        with db.transaction(fresh) as s:
            s.add(SyncRun(url=URL, started_at=at, status=status))

    assert sync_due(fresh, six_hours, now=t0)
    attempt("applied", t0)
    assert not sync_due(fresh, six_hours, now=t0 + timedelta(hours=1))
    attempt("dry-run", t0 + timedelta(hours=2))  # a dry run is not an attempt
    assert sync_due(fresh, six_hours, now=t0 + six_hours)
    attempt("failed", t0 + six_hours)
    assert not sync_due(fresh, six_hours, now=t0 + six_hours + timedelta(minutes=1))
    assert sync_due(fresh, six_hours, now=t0 + six_hours + timedelta(minutes=15))
    attempt("unchanged", t0 + six_hours + timedelta(minutes=15))
    assert not sync_due(fresh, six_hours, now=t0 + six_hours + timedelta(hours=1))


def test_cli_sync_exit_codes_and_messages(
    fresh_url: str,
    feed: responses.RequestsMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    feed.get(URL, body=body(set_price(snapshot_feed(), "openai", "o1", input_mtok=12)))
    assert main(["sync", "--url", URL, "--dry-run"]) == 0
    assert "would apply" in capsys.readouterr().out
    assert main(["sync", "--url", URL]) == 0
    assert "1 changed" in capsys.readouterr().out
    feed.replace(responses.GET, URL, body=fixture_feed())
    assert main(["sync", "--url", URL]) == 1
    err = capsys.readouterr().err
    assert "REJECTED" in err and "older than the data the catalog was built from" in err
    feed.replace(responses.GET, URL, status=404)
    assert main(["sync", "--url", URL]) == 1
    assert "HTTP 404" in capsys.readouterr().err


def test_a_new_host_of_a_model_alerts_that_models_subscribers(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    with db.transaction(fresh) as s:  # a catalog that has never seen R1 at AWS Bedrock
        aws_r1 = s.scalars(
            select(Offering).where(
                Offering.provider_id == "aws", Offering.provider_model_id == "deepseek.r1-v1:0"
            )
        ).one()
        s.execute(Price.__table__.delete().where(Price.offering_id == aws_r1.id))
        s.delete(aws_r1)
        s.add(Subscription(channel_id="CR1", created_by="U1", model_ids=["deepseek-r1"]))
    feed.get(URL, body=body(snapshot_feed()))

    summary = prices.FEED.sync(fresh, URL)

    assert (summary.status, summary.added) == ("applied", 1)
    with db.session_factory(fresh)() as s:
        [alert] = s.scalars(select(Alert)).all()
    [move] = alert.payload["moves"]
    assert alert.channel_id == "CR1"
    assert (move["model_id"], move["model_name"], move["provider_id"]) == (
        "deepseek-r1",
        "DeepSeek R1",
        "aws",
    )


@pytest.mark.engines
def test_a_price_sync_keeps_the_lab_apis_another_source_prices(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    """Alibaba Cloud's Qwen prices come from models.dev (bot.feeds.labapis), not from genai-prices: a
    price sync neither retires them nor counts them as offerings the feed lost."""
    with db.session_factory(fresh)() as s:
        live = (
            select(func.count())
            .select_from(Offering)
            .where(Offering.provider_id == "alibaba", Offering.retired_at.is_(None))
        )
        before = s.scalar(live)
    assert before and before > 40
    feed.get(URL, body=body(set_price(snapshot_feed(), "openai", "o1", input_mtok=12)))

    summary = prices.FEED.sync(fresh, URL)

    assert (summary.status, summary.retired) == ("applied", 0)
    with db.session_factory(fresh)() as s:
        assert s.scalar(live) == before
    qwen = respond(fresh, "qwen3 max", Context.cli())
    assert isinstance(qwen, ModelAnswer) and qwen.model.lab_api
    assert (qwen.model.price.provider_name, qwen.model.price.input_mtok) == ("Alibaba Cloud", D("1.2"))
