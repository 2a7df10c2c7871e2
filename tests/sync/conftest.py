"""Sync test fixtures: the feed URL mocked with `responses`, and an empty migrated catalog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from sqlalchemy import Engine

from bot import db
from bot.store import schema


@pytest.fixture
def feed() -> Iterator[responses.RequestsMock]:
    """The feed URL, mocked; register answers with feed.get(URL, ...)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def empty(empty_url: str) -> Iterator[Engine]:
    """A migrated database with an empty catalog (no bundled seed)."""
    engine = db.make_engine(empty_url)
    schema.upgrade(engine)
    yield engine
    engine.dispose()
