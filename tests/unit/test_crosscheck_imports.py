"""The cross-check and host names are pure: they reach no database code, whatever imports them."""

from __future__ import annotations

import pytest

from tests.unit.test_imports import loaded_by, reaches


@pytest.mark.parametrize(
    "module",
    ["bot.feeds.crosscheck_file", "bot.feeds.crosscheck_match", "bot.domain.crosscheck", "bot.domain.hosts"],
)
def test_reaches_no_database_code(module: str) -> None:
    loaded = loaded_by(module)
    for forbidden in ("sqlalchemy", "bot.db", "bot.store.tables", "bot.store.prices", "slack_sdk"):
        assert not reaches(loaded, forbidden), f"{module} imports {forbidden}"
