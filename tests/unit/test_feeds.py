"""The feeds are listed once: each FeedInfo (bot.domain.feeds) has its Feed in bot.feeds.registry, reads
settings Settings has under the environment names it states, and shows under its own name wherever the
feeds are listed (`modelcost sync --help`, a sync summary, `sync status`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.config import Settings
from bot.contract.sync import SyncRunView, SyncStatusAnswer, SyncSummary
from bot.domain.feeds import FEEDS, FeedInfo, feed_info
from bot.feeds import registry
from bot.render.sync import status_text, summary_text
from bot.store.tables import SyncRun


def test_every_feed_is_registered_once_in_the_order_they_sync() -> None:
    assert [feed.info for feed in registry.FEEDS] == list(FEEDS)
    names = [info.name for info in FEEDS]
    assert len(set(names)) == len(names)
    assert all(feed_info(name).name == name and registry.feed_named(name).info.name == name for name in names)
    width = SyncRun.__table__.c.feed.type.length  # type: ignore[attr-defined]  # a String column's
    assert all(len(name) <= width for name in names), f"sync_runs.feed holds {width} characters"


@pytest.mark.parametrize("info", FEEDS, ids=lambda info: info.name)
def test_each_feed_reads_its_own_settings_from_the_environment_names_it_states(info: FeedInfo) -> None:
    default = Settings.from_env({})
    mine = Settings.from_env({info.url_env: "https://mirror.test/feed.json", info.interval_env: "90m"})
    assert (info.url(mine), info.interval(mine)) == ("https://mirror.test/feed.json", timedelta(minutes=90))
    assert info.url(default).startswith("https://") and info.interval(default) > timedelta(0)
    others = [other for other in FEEDS if other != info]
    assert all(o.url(mine) == o.url(default) and o.interval(mine) == o.interval(default) for o in others)


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines


def test_the_cli_offers_every_feed_and_names_its_variables(capsys: pytest.CaptureFixture[str]) -> None:
    assert f"[{{{','.join(info.name for info in FEEDS)}}}]" in _help(capsys, "sync")
    commands = _help(capsys)
    assert all(info.url_env in commands and info.interval_env in commands for info in FEEDS)


@pytest.mark.parametrize("info", FEEDS, ids=lambda info: info.name)
def test_each_feed_shows_under_its_own_name_in_a_summary_and_in_sync_status(info: FeedInfo) -> None:
    summary = SyncSummary(url="https://mirror.test/feed.json", feed=info.name, status="applied", changed=2)
    assert (
        summary_text(summary).splitlines()[0]
        == f"{info.headline} from https://mirror.test/feed.json: applied"
    )
    run = SyncRunView(
        feed=info.name,
        started_at=datetime(2026, 8, 1, tzinfo=UTC),
        status="applied",
        reason=None,
        changed=2,
        added=0,
        retired=0,
    )
    shown = status_text(SyncStatusAnswer(runs=[run])).splitlines()
    assert shown[2] == f"{info.title} feed:" and shown[3].startswith("  2026-08-01 00:00 UTC  applied: 2 ")
