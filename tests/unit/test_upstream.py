"""genai-prices data -> offerings: standard vs off-peak prices, dated prices, validation."""

from datetime import date
from decimal import Decimal as D

import pytest

from bot.feeds.decode import FeedError
from bot.feeds.genai_prices import parse_feed

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


def _model(model_id: str, prices: list[dict[str, object]], **extra: object) -> dict[str, object]:
    return {"id": "deepseek", "name": "DeepSeek", "models": [{"id": model_id, "prices": prices, **extra}]}


PEAK = {"input_mtok": 0.3, "output_mtok": 1.2, "cache_read_mtok": 0.006}


def test_every_peak_window_is_kept_and_off_peak_is_the_rest_of_the_day() -> None:
    # DeepSeek V4 Flash's shape: a base price, then two dearer windows at one price.
    prices = [
        {"prices": {"input_mtok": 0.15, "output_mtok": 0.6, "cache_read_mtok": 0.003}},
        {"constraint": {"start_time": "01:00:00Z", "end_time": "04:00:00Z"}, "prices": PEAK},
        {"constraint": {"start_time": "06:00:00Z", "end_time": "10:00:00Z"}, "prices": PEAK},
    ]
    [flash] = parse_feed([_model("flash", prices)])
    assert (flash.price.input_mtok, flash.price.output_mtok) == (D("0.3"), D("1.2"))
    assert flash.price.offpeak is not None
    assert flash.price.offpeak.windows == ["04:00-06:00", "10:00-01:00"]
    assert (flash.price.offpeak.input_mtok, flash.price.offpeak.output_mtok) == (D("0.15"), D("0.6"))


def test_cheaper_windows_are_the_off_peak_windows_themselves() -> None:
    cheap = {"input_mtok": 0.1, "output_mtok": 0.4}
    prices = [
        {"prices": {"input_mtok": 1, "output_mtok": 4}},
        {"constraint": {"start_time": "22:00:00Z", "end_time": "02:00:00Z"}, "prices": cheap},
        {"constraint": {"start_time": "12:00:00Z", "end_time": "13:00:00Z"}, "prices": cheap},
    ]
    [m] = parse_feed([_model("m", prices)])
    assert m.price.input_mtok == D("1")
    assert m.price.offpeak is not None and m.price.offpeak.windows == ["12:00-13:00", "22:00-02:00"]


def test_windows_at_different_prices_reject_the_feed_rather_than_lose_one() -> None:
    prices = [
        {"prices": {"input_mtok": 1, "output_mtok": 4}},
        {"constraint": {"start_time": "01:00:00Z", "end_time": "02:00:00Z"}, "prices": {"input_mtok": 2}},
        {"constraint": {"start_time": "03:00:00Z", "end_time": "04:00:00Z"}, "prices": {"input_mtok": 3}},
    ]
    with pytest.raises(FeedError, match="windows at different prices"):
        parse_feed([_model("m", prices)])


def test_the_start_date_of_the_price_in_force_and_the_deprecated_flag_are_kept() -> None:
    prices = [
        {"prices": {"input_mtok": 10, "output_mtok": 40}},
        {"constraint": {"start_date": "2025-06-10"}, "prices": {"input_mtok": 2, "output_mtok": 8}},
    ]
    [m] = parse_feed([_model("m", prices, deprecated=True)], today=date(2026, 1, 1))
    assert (m.since, m.deprecated) == (date(2025, 6, 10), True)
    [old] = parse_feed([_model("m", prices)], today=date(2025, 1, 1))
    assert (old.since, old.deprecated) == (None, False)


def test_the_bundled_snapshot_keeps_both_deepseek_v4_flash_windows() -> None:
    from bot.feeds.genai_prices import from_snapshot

    flash = next(
        o
        for o in from_snapshot()
        if (o.provider_id, o.provider_model_id) == ("deepseek", "deepseek-v4-flash")
    )
    assert flash.price.offpeak is not None
    assert flash.price.offpeak.windows == ["04:00-06:00", "10:00-01:00"]
    assert flash.since == date(2026, 9, 10)
