"""genai-prices data -> offerings: standard vs off-peak prices, dated prices, validation."""

from datetime import date
from decimal import Decimal as D

import pytest

from bot.sync.upstream import FeedError, parse_feed

DEEPSEEK = {
    "id": "deepseek",
    "name": "DeepSeek",
    "models": [
        {
            "id": "deepseek-reasoner",
            "match": {"equals": "deepseek-reasoner"},
            "context_window": 64000,
            "prices": [
                {"prices": {"input_mtok": 0.135, "cache_read_mtok": 0.035, "output_mtok": 0.55}},
                {
                    "constraint": {"start_time": "00:30:00Z", "end_time": "16:30:00Z"},
                    "prices": {"input_mtok": 0.55, "cache_read_mtok": 0.14, "output_mtok": 2.19},
                },
            ],
        },
        {
            "id": "dated",
            "match": {"equals": "dated"},
            "prices": [
                {"prices": {"input_mtok": 10, "output_mtok": 40}},
                {"constraint": {"start_date": "2025-06-10"}, "prices": {"input_mtok": 2, "output_mtok": 8}},
            ],
        },
        {
            "id": "tiered",
            "match": {"equals": "tiered"},
            "prices": {
                "input_mtok": {"base": 1.25, "tiers": [{"start": 200000, "price": 2.5}]},
                "output_mtok": 10,
            },
        },
        {"id": "image-only", "match": {"equals": "image-only"}, "prices": {"output_image_mtok": 30}},
    ],
}


def test_time_of_day_prices_show_the_standard_price_and_the_off_peak_window() -> None:
    [r1, *_] = parse_feed([DEEPSEEK], today=date(2026, 1, 1))
    assert (r1.price.input_mtok, r1.price.output_mtok, r1.price.cache_read_mtok) == (
        D("0.55"),
        D("2.19"),
        D("0.14"),
    )
    assert r1.price.offpeak is not None
    assert r1.price.offpeak.window == "16:30-00:30"
    assert (r1.price.offpeak.input_mtok, r1.price.offpeak.output_mtok) == (D("0.135"), D("0.55"))


def test_dated_prices_pick_the_one_in_force() -> None:
    before = {o.provider_model_id: o for o in parse_feed([DEEPSEEK], today=date(2025, 6, 9))}
    after = {o.provider_model_id: o for o in parse_feed([DEEPSEEK], today=date(2025, 6, 10))}
    assert before["dated"].price.input_mtok == D("10")
    assert after["dated"].price.input_mtok == D("2")


def test_tiered_prices_use_the_base_tier_and_non_token_models_are_left_out() -> None:
    offerings = {o.provider_model_id: o for o in parse_feed([DEEPSEEK])}
    assert offerings["tiered"].price.input_mtok == D("1.25")
    assert "image-only" not in offerings


NEGATIVE_OFF_PEAK_CACHED = [
    {"prices": {"input_mtok": 1, "output_mtok": 2}},
    {
        "constraint": {"start_time": "16:30:00Z", "end_time": "00:30:00Z"},
        "prices": {"input_mtok": 0.5, "output_mtok": 1, "cache_read_mtok": -1},
    },
]


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        ({"not": "a list"}, "not the expected shape"),
        ([], "not the expected shape"),
        (
            [{"id": "x", "name": "X", "models": [{"id": "m", "prices": {"input_mtok": "cheap"}}]}],
            "expected shape",
        ),
        (
            [{"id": "x", "name": "X", "models": [{"id": "m", "prices": {"input_mtok": -1}}]}],
            "impossible input_mtok",
        ),
        ([{"id": "x", "name": "X", "models": [{"id": "m", "prices": {"input_mtok": 1e9}}]}], "impossible"),
        (
            [{"id": "x", "name": "X", "models": [{"id": "m", "prices": NEGATIVE_OFF_PEAK_CACHED}]}],
            "impossible off-peak cache_read_mtok",
        ),
    ],
)
def test_bad_feeds_are_rejected(feed: object, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(feed)
