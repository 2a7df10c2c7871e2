"""Settings read from the environment: the feeds (prices, quality, cross-check) and how often the worker
syncs each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import DEFAULT_FEED_URL, DEFAULT_QUALITY_FEED_URL, Settings


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
