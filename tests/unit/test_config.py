"""Settings read from the environment: the feeds (prices, quality, cross-check) and how often the worker
syncs each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import DEFAULT_FEED_URL, DEFAULT_QUALITY_FEED_URL, Settings, SettingsError


def test_feed_defaults() -> None:
    s = Settings.from_env({})
    assert (s.feed_url, s.sync_interval) == (DEFAULT_FEED_URL, timedelta(hours=6))
    assert s.quality_feed_url == (
        "https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset/resolve/main/text/latest-00000-of-00001.parquet"
    )
    assert (DEFAULT_QUALITY_FEED_URL, s.quality_sync_interval) == (s.quality_feed_url, timedelta(days=1))
    assert s.crosscheck_url == (
        "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
    )
    assert s.crosscheck_sync_interval == timedelta(days=1)


def test_feeds_from_the_environment() -> None:
    s = Settings.from_env(
        {
            "MODELCOST_FEED_URL": "https://mirror.test/prices.json",
            "MODELCOST_SYNC_INTERVAL": "30m",
            "MODELCOST_QUALITY_FEED_URL": " https://mirror.test/leaderboard.json ",
            "MODELCOST_QUALITY_SYNC_INTERVAL": "12h",
            "MODELCOST_CROSSCHECK_URL": "https://mirror.test/litellm.json",
            "MODELCOST_CROSSCHECK_SYNC_INTERVAL": "2d",
        }
    )
    assert (s.feed_url, s.sync_interval) == ("https://mirror.test/prices.json", timedelta(minutes=30))
    assert (s.quality_feed_url, s.quality_sync_interval) == (
        "https://mirror.test/leaderboard.json",
        timedelta(hours=12),
    )
    assert (s.crosscheck_url, s.crosscheck_sync_interval) == (
        "https://mirror.test/litellm.json",
        timedelta(days=2),
    )


def test_a_nonpositive_interval_names_its_variable() -> None:
    with pytest.raises(ValueError, match="MODELCOST_QUALITY_SYNC_INTERVAL must be positive"):
        Settings.from_env({"MODELCOST_QUALITY_SYNC_INTERVAL": "0d"})
    with pytest.raises(ValueError, match="MODELCOST_CROSSCHECK_SYNC_INTERVAL must be positive"):
        Settings.from_env({"MODELCOST_CROSSCHECK_SYNC_INTERVAL": "-1h"})


def test_metrics_token_and_retention_days() -> None:
    s = Settings.from_env({})
    assert (s.metrics_token, s.retention_days) == (None, 30)
    s = Settings.from_env({"MODELCOST_METRICS_TOKEN": "scrape-secret", "MODELCOST_RETENTION_DAYS": "7"})
    assert s.metrics_token is not None and s.metrics_token.get_secret_value() == "scrape-secret"
    assert s.retention_days == 7
    assert "scrape-secret" not in repr(s)


@pytest.mark.parametrize("days", ["-1", "30d", "1.5", "thirty"])
def test_retention_days_must_be_a_whole_number(days: str) -> None:
    with pytest.raises(SettingsError, match="MODELCOST_RETENTION_DAYS must be a whole number of days"):
        Settings.from_env({"MODELCOST_RETENTION_DAYS": days})
