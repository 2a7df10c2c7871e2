"""The prices a workload needs beyond the standard four (issue 27) are stored and read back exactly, on
SQLite and PostgreSQL: genai-prices' long-context tiers and 1-hour cache writes on the price rows, and a
row recorded before they were kept is filled in by the next sync rather than made a price change."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, func, select

from bot import db
from bot.contract.actor import Actor
from bot.domain.prices import ExtraPrice
from bot.feeds.genai_prices import from_snapshot
from bot.store.prices import apply_upstream, current_prices, new_change, price_data
from bot.store.tables import Offering, Price

GPT_55 = ("openai", "gpt-5.5")


def _row(engine: Engine, key: tuple[str, str]) -> tuple[int, dict[str, str] | None, tuple[ExtraPrice, ...]]:
    with db.session_factory(engine)() as session:
        offering = session.scalars(
            select(Offering).where(Offering.provider_id == key[0], Offering.provider_model_id == key[1])
        ).one()
        row = current_prices(session, [offering.id])[offering.id]
        return row.id, row.extra_prices, price_data(row).extra


@pytest.mark.engines
def test_tiers_and_1h_cache_writes_round_trip_exactly(catalog: Engine) -> None:
    _, stored, extra = _row(catalog, GPT_55)
    # genai-prices 0.2.3: gpt-5.5 above 272k, $10 in, $1 cached, $45 out.
    assert stored == {"cache_read_mtok>272000": "1", "input_mtok>272000": "10", "output_mtok>272000": "45"}
    assert ExtraPrice("input_mtok", "standard", 272_000, D(10)) in extra
    _, stored, _ = _row(catalog, ("anthropic", "claude-opus-4-5"))
    assert stored == {"cache_write_1h_mtok": "10"}
    _, stored, _ = _row(catalog, ("deepseek", "deepseek-chat"))
    assert stored is None  # no tiers: nothing beyond the standard prices


@pytest.mark.engines
def test_a_row_from_before_the_extras_is_filled_in_not_changed(fresh: Engine) -> None:
    row_id, _, _ = _row(fresh, GPT_55)
    with db.transaction(fresh) as session:
        session.get_one(Price, row_id).extra_prices = None  # as migration 0013 leaves an older row
        rows_before = session.scalar(select(func.count(Price.id)))
    with db.transaction(fresh) as session:
        change = new_change(session, "sync", Actor(kind="feed", id="https://feed.test/"))
        result = apply_upstream(session, from_snapshot(), change, retire_missing=False)
        rows_after = session.scalar(select(func.count(Price.id)))
    assert not result.changed and rows_after == rows_before
    same_id, stored, _ = _row(fresh, GPT_55)
    assert same_id == row_id and stored is not None and stored["input_mtok>272000"] == "10"
