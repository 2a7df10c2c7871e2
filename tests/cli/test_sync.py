"""`modelcost sync` and `modelcost sync quality`: a leaderboard served on a real local port, what
`ask` answers afterwards, bad feeds that exit 1 and change nothing, and every feed in one command
(the cross-check feed's own tests: tests/cli/test_crosscheck.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import responses

from bot import db
from bot.cli import main
from bot.config import Settings
from bot.feeds.registry import sync_due_feeds
from bot.store.tables import Alert, Subscription
from tests.lmarena import parquet, published
from tests.sync import feeds, leaderboards, litellm_files
from tests.sync.leaderboards import body, bundled, newer, rate, scores_dump

Serve = Callable[[bytes], str]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  (the stdlib's name)
        pass


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """serve(body) -> the URL of a file holding `body`, served over HTTP on a local port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)  # stops at once
    thread.start()

    def put(raw: bytes, name: str = "text/latest-00000-of-00001.parquet") -> str:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(raw)
        return f"http://127.0.0.1:{server.server_address[1]}/{name}"

    yield put
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def database(fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    return fresh_url


def _ask(text: str, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    assert main(["ask", *flags, text]) == 0
    return capsys.readouterr().out


def test_a_newer_leaderboard_from_a_local_port_gives_sonnet_its_own_score(
    database: str, serve: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _ask("cheaper sonnet", capsys)
    assert "as a floor" in before
    assert not any(line.startswith("gpt-oss-120b ") for line in before.splitlines())
    with db.transaction(db.engine_for(database)) as s:
        s.add(Subscription(channel_id="COSS", created_by="U1", model_ids=["gpt-oss-120b"]))
    url = serve(body(newer()))  # published 2026-09-01: Claude Sonnet 5.5 new, gpt-oss-120b 1366 -> 1440

    assert main(["sync", "quality", "--url", url]) == 0

    out = capsys.readouterr().out
    assert url.endswith("/text/latest-00000-of-00001.parquet")
    assert f"quality sync from {url}: applied" in out and "1 score changed, 2 added" in out
    with db.session_factory(db.engine_for(database))() as s:
        [alert] = s.query(Alert).all()  # the subscribed channel hears of the move of 74
    assert alert.channel_id == "COSS"
    assert [(m["model_id"], m["old"], m["new"]) for m in alert.payload["score_moves"]] == [
        ("gpt-oss-120b", 1366, 1440)
    ]
    after = _ask("cheaper sonnet", capsys)
    assert "as a floor" not in after and "no LMArena score yet" not in after
    assert "Cheaper than Claude Sonnet 5.5 (LMArena 1455" in after
    [line] = [ln for ln in after.splitlines() if ln.startswith("gpt-oss-120b ")]  # open, now comparable
    assert " 1440 " in line
    answer = json.loads(_ask("cheaper sonnet", capsys, "--json"))
    target = answer["target"]["quality"]
    assert (target["score"], target["floor_from"], target["source"]) == (1455, None, "LMArena text")
    assert (target["as_of"], target["low"], target["high"]) == ("2026-09-01", 1449, 1461)  # the board's date
    assert "Quality: LMArena text, published 2026-09-01, " in _ask("cheaper sonnet", capsys)
    history = _ask("history gpt-oss-120b", capsys)
    assert "1366" in history and "1440" in history  # a dated move, the old score kept
    dump = scores_dump(db.engine_for(database))

    assert main(["sync", "quality", "--url", url]) == 0  # the same file again

    assert "unchanged" in capsys.readouterr().out
    assert scores_dump(db.engine_for(database)) == dump
    status = _ask("sync status", capsys)
    assert "Quality feed:" in status and "applied: 1 score changed, 2 added" in status
    assert status.index("unchanged") < status.index("applied")


def _most_gone() -> bytes:
    rows = bundled()
    kept = sorted({r["model_name"] for r in rows})[:80]
    return body([r for r in rows if r["model_name"] in kept])


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (body(newer())[: len(body(newer())) // 2], "not a whole Parquet file (truncated?)"),
        (parquet(newer(), drop=["rating"]), "no column 'rating'"),
        (body(published(newer(), date(2026, 7, 1))), "published 2026-07-01, before the one stored"),
        (b'{"full": {"gpt-oss-120b": {"rating": 13', "not valid JSON (truncated?)"),
        (b"<html>rate limited</html>", "not valid JSON"),
        (json.dumps({"full": [], "coding": {}}).encode(), "'full' is a JSON array"),
        (body(rate(newer(), "gpt-oss-120b", 9000.0)), "rating 9000 is outside 500..2500"),
        (_most_gone(), "the leaderboard drops"),
    ],
    ids=[
        "truncated",
        "wrong-column",
        "older",
        "truncated-json",
        "malformed",
        "wrong-shape",
        "absurd",
        "most-gone",
    ],
)
def test_a_bad_leaderboard_exits_1_with_the_reason_and_changes_nothing(
    database: str, serve: Serve, capsys: pytest.CaptureFixture[str], raw: bytes, reason: str
) -> None:
    before = scores_dump(db.engine_for(database))

    assert main(["sync", "quality", "--url", serve(raw)]) == 1

    captured = capsys.readouterr()
    assert "REJECTED, nothing was changed" in captured.err and reason in captured.err
    assert captured.out == ""
    assert scores_dump(db.engine_for(database)) == before
    status = _ask("sync status", capsys)
    assert "Quality feed:" in status and "rejected (" in status and reason in status


def test_sync_without_a_feed_runs_prices_quality_then_the_crosscheck(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MODELCOST_FEED_URL", feeds.URL)
    monkeypatch.setenv("MODELCOST_QUALITY_FEED_URL", leaderboards.URL)
    monkeypatch.setenv("MODELCOST_CROSSCHECK_URL", litellm_files.URL)
    prices = feeds.body(feeds.set_price(feeds.snapshot_feed(), "openai", "o1", input_mtok=12))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(feeds.URL, body=prices)
        mock.get(leaderboards.URL, body=b"{not json")
        mock.get(litellm_files.URL, body=litellm_files.newer_body())

        assert main(["sync"]) == 1  # prices applied, quality rejected, cross-check applied

        captured = capsys.readouterr()
        assert "sync from https://feed.test/genai-prices/v2/data.json: applied" in captured.out
        assert "1 changed" in captured.out
        assert "quality sync from" in captured.err and "REJECTED" in captured.err
        assert f"cross-check sync from {litellm_files.URL}: applied" in captured.out
        assert captured.out.index("\n\ncross-check sync from") > 0  # after a blank line
        mock.replace(responses.GET, leaderboards.URL, body=body(newer()))

        assert main(["sync"]) == 0

        out = capsys.readouterr().out
        assert "unchanged" in out.split("quality sync from")[0]
        assert "quality sync from" in out and "1 score changed, 2 added" in out
        assert f"cross-check sync from {litellm_files.URL}: unchanged" in out
        assert out.index("quality sync from") < out.index("cross-check sync from")
        calls = len(mock.calls)

        assert main(["sync", "--url", feeds.URL, "--dry-run"]) == 0  # --url alone: the price feed

        assert [c.request.url for c in mock.calls[calls:]] == [feeds.URL]
        assert "quality" not in capsys.readouterr().out


def test_the_worker_syncs_each_feed_when_it_is_due(fresh_url: str) -> None:
    settings = Settings(
        database_url=fresh_url,
        feed_url=feeds.URL,
        quality_feed_url=leaderboards.URL,
        crosscheck_url=litellm_files.URL,
    )
    engine = db.engine_for(fresh_url)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(feeds.URL, body=feeds.body(feeds.snapshot_feed()))
        mock.get(leaderboards.URL, body=body(newer()))
        mock.get(litellm_files.URL, body=litellm_files.newer_body())

        first = sync_due_feeds(engine, settings)
        again = sync_due_feeds(engine, settings)  # within every interval: nothing to do

    assert [(s.feed, s.status) for s in first] == [
        ("prices", "unchanged"),
        ("quality", "applied"),
        ("crosscheck", "applied"),
    ]
    assert again == []
