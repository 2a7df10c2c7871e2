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


def test_the_alerts_worker_threads_and_workspace_pace() -> None:
    assert (Settings.from_env({}).alert_threads, Settings.from_env({}).alert_team_interval) == (32, 1.0)
    s = Settings.from_env({"MODELCOST_ALERT_THREADS": "64", "MODELCOST_ALERT_TEAM_INTERVAL": "0.25"})
    assert (s.alert_threads, s.alert_team_interval) == (64, 0.25)
    assert Settings.from_env({"MODELCOST_ALERT_TEAM_INTERVAL": "0"}).alert_team_interval == 0  # unpaced


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("MODELCOST_ALERT_THREADS", "0", "a whole number from 1 to 256, not '0'"),
        ("MODELCOST_ALERT_THREADS", "2.5", "a whole number from 1 to 256"),
        ("MODELCOST_ALERT_TEAM_INTERVAL", "-1", "a number of seconds from 0 to 60, not '-1'"),
        ("MODELCOST_ALERT_TEAM_INTERVAL", "fast", "a number of seconds from 0 to 60"),
    ],
)
def test_a_bad_alerts_setting_names_its_variable(name: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError, match=f"{name} must be {says}"):
        Settings.from_env({name: value})
