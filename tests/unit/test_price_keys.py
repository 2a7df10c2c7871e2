"""The registry of price keys: the typed declarations that name the keys again agree with it, every
layer reads its words and labels from it, and what users see is worded as before."""

from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from bot.contract.requests import SetPriceRequest
from bot.contract.views import PriceView
from bot.domain.prices import KEYS, OFFPEAK_KEYS, PRICE_KEYS, OffPeak, PriceData, PriceKey, offpeak_columns
from bot.domain.query import SET_FORMS, parse
from bot.feeds.genai_prices import _Prices
from bot.read.builder import price_view
from bot.render import words
from bot.store.prices import price_data, record_price
from bot.store.tables import Change, Offering, Price

NAMES = [k.name for k in KEYS]
OFFPEAK_NAMES = [k.offpeak_name for k in OFFPEAK_KEYS]
# Kept in the catalog but not part of the JSON answer, whose shape is a promise to its readers.
NOT_IN_PRICE_VIEW = {"offpeak_cache_read_mtok"}

# Every key set, each to a different value, so a key read from or written to the wrong place shows.
EVERY = PriceData(
    **{k.name: D(i + 1) for i, k in enumerate(KEYS)},
    offpeak=OffPeak("16:30-00:30", **{k.name: D(i + 1) / 4 for i, k in enumerate(OFFPEAK_KEYS)}),
)


def test_the_registry_is_the_order_names_and_words_are_unique() -> None:
    assert PRICE_KEYS == tuple(NAMES) == ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok")
    assert all(isinstance(k, PriceKey) and k.name.endswith("_mtok") for k in KEYS)
    every_word = [w for k in KEYS for w in k.words]
    assert len(every_word) == len(set(every_word)), "a `set` word may name only one key"
    for attr in ("name", "label", "short", "field_label", "upstream"):
        assert len({getattr(k, attr) for k in KEYS}) == len(KEYS), attr


def test_price_table_columns_match_the_registry() -> None:
    columns = {c.name for c in Price.__table__.columns}
    assert {c for c in columns if c.endswith("_mtok")} == {*NAMES, *OFFPEAK_NAMES}
    assert "offpeak_window" in columns


def test_price_data_and_offpeak_fields_match_the_registry() -> None:
    # In order: PriceData(input, output, cached) is written positionally.
    assert [f.name for f in fields(PriceData) if f.name not in ("offpeak", "extra")] == NAMES
    assert [f.name for f in fields(OffPeak) if f.name != "window"] == [k.name for k in OFFPEAK_KEYS]


def test_price_view_fields_match_the_registry() -> None:
    mtok = [name for name in (f.name for f in fields(PriceView)) if name.endswith("_mtok")]
    assert [n for n in mtok if not n.startswith("offpeak_")] == NAMES
    assert {n for n in mtok if n.startswith("offpeak_")} == set(OFFPEAK_NAMES) - NOT_IN_PRICE_VIEW


def test_upstream_reads_every_key_from_a_genai_prices_field() -> None:
    from genai_prices.data import providers

    assert {k.upstream for k in KEYS} <= set(_Prices.model_fields)
    published = {
        name
        for p in providers
        for m in p.models
        for price in (m.prices if isinstance(m.prices, list) else [m.prices])
        for name in vars(getattr(price, "prices", price))
    }
    assert {k.upstream for k in KEYS} <= published


class _Session:
    """Enough of a Session for record_price: it only adds the row."""

    def __init__(self) -> None:
        self.added: list[object] = []

    def add(self, row: object) -> None:
        self.added.append(row)


def test_every_key_is_written_read_back_and_shown() -> None:
    offering = Offering(id=1, provider_id="deepseek", provider_model_id="r1", context_window=None)
    change = Change(id=1, actor_kind="admin", actor_id="U1", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    row = record_price(_Session(), offering, EVERY, change)  # type: ignore[arg-type]
    assert {n: getattr(row, n) for n in (*NAMES, *OFFPEAK_NAMES)} == {
        **EVERY.values(),
        **offpeak_columns(EVERY.offpeak),
    }
    assert price_data(row) == EVERY
    view = price_view(offering, "DeepSeek", row, date(2026, 1, 1))
    assert {n: getattr(view, n) for n in NAMES} == EVERY.values()
    assert (view.offpeak_window, view.offpeak_input_mtok, view.offpeak_output_mtok) == (
        "16:30-00:30",
        D("0.25"),
        D("0.5"),
    )


@pytest.mark.parametrize(("key", "word"), [(k, w) for k in KEYS for w in k.words])
def test_set_accepts_every_word_of_the_registry(key: PriceKey, word: str) -> None:
    assert parse(f"set o1 {word} 7.5") == SetPriceRequest(name="o1", prices={key.name: D("7.5")})


@pytest.mark.parametrize("key", KEYS, ids=NAMES)
def test_set_help_names_every_key(key: PriceKey) -> None:
    assert f" {key.words[0]}" in SET_FORMS.partition("Prices:")[2]


def test_set_help_is_worded_as_before() -> None:
    assert SET_FORMS == (
        "Set prices like `set o1 output 50`, `set o1 input 15 output 60 cached 7.5` or "
        "`set r1 at together input 3 output 7`: USD per 1M tokens, `$` optional, 0 to 10000, "
        "at most 6 decimals. Prices: input, output, cached (cache read), cache-write."
    )


def test_price_lines_and_moves_are_worded_as_before() -> None:
    new = {"input_mtok": D(15), "output_mtok": D(60), "cache_read_mtok": D("7.5"), "cache_write_mtok": D(20)}
    assert words.price_line(new) == "in $15 · out $60 · cached $7.50 · cache write $20"
    assert words.price_line({"output_mtok": D(60)}) == "out $60"
    old = {**new, "output_mtok": D(50), "cache_read_mtok": D(5), "cache_write_mtok": None}
    assert words.moves(old, new, {"output_mtok": D("20.0"), "cache_read_mtok": D("50.0")}) == [
        "output $50 → $60 (+20.0%)",
        "cached input $5 → $7.50 (+50.0%)",
        "cache write — → $20",
    ]
    assert words.moves(None, {"input_mtok": D(1), "output_mtok": D(2)}, {}) == [
        "input new → $1",
        "output new → $2",
    ]
