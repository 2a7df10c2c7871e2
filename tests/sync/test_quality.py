"""Syncing quality scores from LMArena's leaderboard file (mocked with `responses`): what is attached,
what is listed and not attached, what is rejected whole, and who hears of it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses
from responses import matchers
from sqlalchemy import Engine, select

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.actor import Actor
from bot.contract.sync import SyncStatusAnswer
from bot.domain.scores import ALERT_MOVE
from bot.feeds import quality
from bot.render.alert import digest, payload_actor
from bot.render.sync import status_text, summary_text
from bot.store.syncruns import sync_due
from bot.store.tables import Alert, Change, Score, Subscription, SyncRun, utcnow
from tests.sync.feeds import runs
from tests.sync.leaderboards import (
    OPEN_KEY,
    OPEN_MODEL,
    SONNET_KEY,
    URL,
    body,
    bundled,
    current,
    newer,
    rate,
    scores_dump,
)


@pytest.mark.engines
def test_a_newer_leaderboard_attaches_its_scores_once(fresh: Engine, feed: responses.RequestsMock) -> None:
    before_open = current(fresh, OPEN_MODEL)
    assert current(fresh, "claude-sonnet-5.5") is None and before_open and before_open.score == 1365
    feed.get(URL + "?token=s3cret", body=body(newer()), headers={"ETag": '"lb1"'})

    summary = quality.FEED.sync(fresh, URL + "?token=s3cret")

    assert (summary.feed, summary.status, summary.changed, summary.added) == ("quality", "applied", 1, 2)
    sonnet, gpt_oss = current(fresh, "claude-sonnet-5.5"), current(fresh, OPEN_MODEL)
    assert sonnet and (sonnet.score, sonnet.score_low, sonnet.score_high) == (1455, 1449, 1461)
    assert sonnet.leaderboard_key == SONNET_KEY and sonnet.as_of == utcnow().date()
    assert (current(fresh, "claude-sonnet-5.5", "coding") or sonnet).score == 1472
    assert gpt_oss and gpt_oss.score == 1440 and gpt_oss.id > before_open.id  # a new row: history kept
    with db.session_factory(fresh)() as s:
        change = s.get_one(Change, summary.change_id)
        assert (change.kind, change.actor) == ("sync", Actor(kind="feed", id=URL))  # no query string
        assert {r.change_id for r in s.scalars(select(Score).where(Score.change_id == change.id))} == {
            change.id
        }
    [run] = runs(fresh)
    assert (run.feed, run.status, run.change_id, run.etag) == ("quality", "applied", change.id, '"lb1"')
    assert run.summary and run.summary["added"] == 2
    text = summary_text(summary)
    for line in (
        "quality sync from https://feed.test/",
        "1 score changed, 2 added (283 models in the leaderboard, 144 matched to a model)",
        "gpt-oss-120b  overall  1365  ->  1440  +75",
        "Claude Sonnet 5.5  overall  new  ->  1455",
    ):
        assert line in text, line
    assert "s3cret" not in text
    dump = scores_dump(fresh)

    again = quality.FEED.sync(fresh, URL + "?token=s3cret")  # the same body (no ETag match needed)

    assert again.status == "unchanged" and scores_dump(fresh) == dump
    feed.replace(responses.GET, URL + "?token=s3cret", body=body(newer()) + b"\n")  # same scores
    assert quality.FEED.sync(fresh, URL + "?token=s3cret").status == "unchanged"
    assert scores_dump(fresh) == dump
    assert [r.status for r in runs(fresh)] == ["applied", "unchanged", "unchanged"]


def test_an_unchanged_leaderboard_answering_304_costs_nothing(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    feed.get(URL, body=body(newer()), headers={"ETag": '"lb1"'})
    assert quality.FEED.sync(fresh, URL).status == "applied"
    dump = scores_dump(fresh)
    feed.replace(responses.GET, URL, status=304, match=[matchers.header_matcher({"If-None-Match": '"lb1"'})])

    assert quality.FEED.sync(fresh, URL).status == "unchanged"
    assert scores_dump(fresh) == dump


def test_keys_that_map_to_no_model_or_several_are_listed_not_attached(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    board = rate(newer(), "totally-new-model-9000", 1400.0)
    feed.get(URL, body=body(board))

    summary = quality.FEED.sync(fresh, URL)

    assert "totally-new-model-9000" in summary.unmapped_keys
    ambiguous = {k.key: k.reason for k in summary.ambiguous_keys}
    assert "gemini-2.5-flash-lite-preview-06-17-thinking" in ambiguous
    assert "several snapshots" in ambiguous["gemini-2.5-flash-lite-preview-06-17-thinking"]
    with db.session_factory(fresh)() as s:
        attached = set(s.scalars(select(Score.leaderboard_key).where(Score.change_id == summary.change_id)))
    assert attached.isdisjoint({*summary.unmapped_keys, *ambiguous})
    text = summary_text(summary)
    assert "Not attached, no model in the catalog (137):" in text and "and 117 more" in text
    assert "Not attached, could be several models (3):" in text


def _without_most_known() -> bytes:
    board = bundled()
    kept = sorted(board["full"])[:60]  # enough models for a whole file, but most known ones gone
    return body({cat: {k: v for k, v in models.items() if k in kept} for cat, models in board.items()})


def _absurd() -> bytes:
    return body(rate(newer(), OPEN_KEY, 25000.0))


def _few() -> bytes:
    board = bundled()
    return body({"full": dict(list(board["full"].items())[:10])})


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (body(newer())[:-5000], "not valid JSON (truncated?)"),
        (body([1, 2, 3]), "a JSON array, not an object of categories"),
        (body({"coding": bundled()["coding"]}), "no overall category"),
        (body({**bundled(), "full": [1, 2]}), "'full' is a JSON array"),
        (_absurd(), "rating 25000 is outside 500..2500"),
        (body(rate(newer(), OPEN_KEY, float("nan"))), "NaN, which is not a rating"),
        (_few(), "fewer than 50: a partial file"),
        (_without_most_known(), "drops"),
    ],
    ids=["malformed", "truncated", "array", "no-overall", "wrong-shape", "absurd", "nan", "few", "most-gone"],
)
def test_a_bad_leaderboard_is_rejected_whole(
    fresh: Engine, feed: responses.RequestsMock, raw: bytes, reason: str
) -> None:
    with db.transaction(fresh) as s:
        s.add(Subscription(channel_id="C1", created_by="U1"))
    before = scores_dump(fresh)
    feed.get(URL, body=raw)

    summary = quality.FEED.sync(fresh, URL)

    assert summary.status == "rejected" and reason in (summary.reason or "")
    assert scores_dump(fresh) == before
    [run] = runs(fresh)
    assert (run.feed, run.status, run.change_id) == ("quality", "rejected", None)
    assert run.error and reason in run.error
    assert "REJECTED, nothing was changed" in summary_text(summary)


@pytest.mark.engines
def test_a_dry_run_writes_nothing_but_its_record(fresh: Engine, feed: responses.RequestsMock) -> None:
    before = scores_dump(fresh)
    feed.get(URL, body=body(newer()))

    summary = quality.FEED.sync(fresh, URL, dry_run=True)

    assert (summary.status, summary.changed, summary.added, summary.change_id) == ("applied", 1, 2, None)
    assert scores_dump(fresh) == before
    assert [(r.feed, r.status) for r in runs(fresh)] == [("quality", "dry-run")]
    assert "would apply; nothing was written" in summary_text(summary)
    assert quality.FEED.sync(fresh, URL).status == "applied"  # a dry run is no success to skip from


def test_a_subscribed_channel_hears_of_a_move_of_ten_or_more(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    with db.transaction(fresh) as s:
        s.add(Subscription(channel_id="COSS", created_by="U1", model_ids=[OPEN_MODEL]))
        s.add(Subscription(channel_id="CO1", created_by="U1", model_ids=["o1"]))
        s.add(Subscription(channel_id="CBIG", created_by="U1", model_ids=[OPEN_MODEL], min_change_pct=50))
    feed.get(URL, body=body(rate(bundled(), OPEN_KEY, 1365.2 + ALERT_MOVE)))

    summary = quality.FEED.sync(fresh, URL)

    assert (summary.status, summary.changed, summary.alerts_queued) == ("applied", 1, 2)
    with db.session_factory(fresh)() as s:
        alerts = s.scalars(select(Alert).order_by(Alert.channel_id)).all()
    assert [a.channel_id for a in alerts] == ["CBIG", "COSS"]  # price thresholds don't apply to scores
    alert = alerts[1]
    assert alert.change_id == summary.change_id
    [move] = alert.payload["score_moves"]
    assert (move["model_id"], move["category_label"], move["old"], move["new"]) == (
        OPEN_MODEL,
        "overall",
        1365,
        1375,
    )
    text, blocks = digest(alert.payload, payload_actor(alert.payload))
    assert (
        text
        == f"Quality score change by the feed {URL}: gpt-oss-120b: LMArena overall score 1365 → 1375 (+10)"
    )
    assert blocks[0]["text"]["text"] == "📊 Quality score change"
    assert "LMArena scores" in blocks[-1]["elements"][0]["text"]
    assert "USD" not in blocks[-1]["elements"][0]["text"]

    feed.replace(responses.GET, URL, body=body(rate(bundled(), OPEN_KEY, 1370.2)))  # 5 points: no message
    small = quality.FEED.sync(fresh, URL)

    assert (small.status, small.changed, small.alerts_queued) == ("applied", 1, 0)
    with db.session_factory(fresh)() as s:
        assert len(s.scalars(select(Alert)).all()) == 2


def test_a_first_score_is_announced_and_a_variant_or_team_scored_move_is_not(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    respond(fresh, "set gpt-oss-120b score 1400", Context.cli())  # the team's own: the feed's move is hidden
    with db.transaction(fresh) as s:
        s.add(Subscription(channel_id="CALL", created_by="U1"))
    board = rate(newer(), "claude-sonnet-4-5-20250929-thinking-32k", 1500.0)  # a variant, +73

    feed.get(URL, body=body(board))

    summary = quality.FEED.sync(fresh, URL)

    assert summary.alerts_queued == 1
    with db.session_factory(fresh)() as s:
        [alert] = s.scalars(select(Alert)).all()
    assert [(m["model_id"], m["category"], m["old"], m["new"]) for m in alert.payload["score_moves"]] == [
        ("claude-sonnet-5.5", "overall", None, 1455)
    ]
    text, _ = digest(alert.payload, payload_actor(alert.payload))
    assert "Claude Sonnet 5.5: first LMArena overall score 1455" in text


def test_a_move_is_told_only_where_the_feeds_score_is_seen(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    admin_a = Context.slack("UA", "CA", lambda _: True, workspace="TA")
    respond(fresh, f"set {OPEN_MODEL} score 1400", admin_a)  # TA's own: the feed's move is hidden there
    with db.transaction(fresh) as s:
        s.add(Subscription(channel_id="CA", created_by="UA", model_ids=[OPEN_MODEL], workspace="TA"))
        s.add(Subscription(channel_id="CB", created_by="UB", model_ids=[OPEN_MODEL], workspace="TB"))

    def moved_to(score: float) -> list[tuple[str, int]]:
        """Sync a leaderboard with the model at `score`: the workspaces told, and the score they were told."""
        feed.replace(responses.GET, URL, body=body(rate(bundled(), OPEN_KEY, score + 0.2)))
        with db.session_factory(fresh)() as s:
            before = len(s.scalars(select(Alert)).all())
        quality.FEED.sync(fresh, URL)
        with db.session_factory(fresh)() as s:
            alerts = s.scalars(select(Alert).order_by(Alert.id)).all()[before:]
        return [(a.workspace, a.payload["score_moves"][0]["new"]) for a in alerts]

    feed.get(URL, body=body(bundled()))
    assert moved_to(1365 + ALERT_MOVE) == [("TB", 1375)]
    respond(fresh, f"unset {OPEN_MODEL} score", admin_a)  # back to the feed's score: TA is told again
    assert moved_to(1365 + 2 * ALERT_MOVE) == [("TA", 1385), ("TB", 1385)]
    # A shared team score (the terminal's) is what TB sees; TA's unset still shows TA the feed's.
    respond(fresh, f"set {OPEN_MODEL} score 1400", Context.cli())
    assert moved_to(1365 + 3 * ALERT_MOVE) == [("TA", 1395)]


@pytest.mark.engines
def test_each_feed_has_its_own_schedule_and_status(fresh: Engine, feed: responses.RequestsMock) -> None:
    day, t0 = timedelta(days=1), utcnow()
    with db.transaction(fresh) as s:
        s.add(SyncRun(feed="prices", url="https://feed.test/prices", started_at=t0, status="applied"))
    assert not sync_due(fresh, day, feed="prices", now=t0 + timedelta(hours=1))
    assert sync_due(fresh, day, feed="quality", now=t0 + timedelta(hours=1))
    feed.get(URL, body=b"{not json")
    quality.FEED.sync(fresh, URL)
    assert not sync_due(fresh, day, feed="quality", now=utcnow() + timedelta(minutes=1))
    assert sync_due(fresh, day, feed="quality", now=utcnow() + timedelta(minutes=15))

    answer = respond(fresh, "sync status", Context.cli())
    assert isinstance(answer, SyncStatusAnswer)
    assert [(r.feed, r.status) for r in answer.runs] == [("quality", "rejected"), ("prices", "applied")]
    text = status_text(answer)
    assert "Prices feed:" in text and "Quality feed:" in text
    assert text.index("Prices feed:") < text.index("Quality feed:")
    assert "rejected (the leaderboard is not valid JSON" in text
