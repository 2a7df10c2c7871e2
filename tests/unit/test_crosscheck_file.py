"""LiteLLM's price file -> entries: exact prices per 1M tokens, text models only, rejected whole if wrong."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from bot.feeds.crosscheck_file import CrosscheckError, parse_litellm
from bot.feeds.decode import FeedError
from tests.litellm_file import chat, litellm_bytes, litellm_entries, small_file


def test_the_real_file_gives_exact_prices_per_million_tokens() -> None:
    entries = {e.key: e for e in litellm_entries()}
    o1 = entries["o1"]
    assert (o1.litellm_provider, o1.mode) == ("openai", "chat")
    assert (o1.input_mtok, o1.output_mtok, o1.cache_read_mtok) == (D("15"), D("60"), D("7.5"))
    assert (o1.max_input_tokens, o1.max_output_tokens) == (200000, 100000)
    assert o1.deprecation_date == date(2026, 10, 23)
    v32 = entries["deepseek/deepseek-v3.2"]  # 2.8e-07 per token, not 0.27999999999999997
    assert (str(v32.input_mtok), str(v32.output_mtok), str(v32.cache_read_mtok)) == ("0.28", "0.4", "0.028")


def test_only_token_priced_text_models_are_kept() -> None:
    keys = {e.key for e in litellm_entries()}
    assert len(keys) == 3536
    assert "o1-pro" in keys  # Responses API only, priced per token
    assert "sample_spec" not in keys  # documentation of the format
    assert "text-embedding-3-large" not in keys and "gpt-image-1" not in keys and "whisper-1" not in keys
    assert {e.mode for e in litellm_entries()} == {"chat", "completion", "responses"}


def test_floats_and_exact_decimals_give_the_same_entries() -> None:
    as_floats = json.loads(litellm_bytes())
    assert tuple(parse_litellm(as_floats)) == litellm_entries()


def test_a_small_well_formed_file_passes_with_a_lower_floor() -> None:
    data = small_file(3, old={**chat(), "deprecation_date": "2026-01-31", "max_output_tokens": 4096})
    entries = {e.key: e for e in parse_litellm(data, min_entries=4)}
    assert entries["old"].deprecation_date == date(2026, 1, 31)
    assert entries["old"].max_output_tokens == 4096
    assert entries["m0"].input_mtok == D("1") and entries["m0"].cache_read_mtok is None


def test_the_legacy_max_tokens_stands_in_for_the_output_limit() -> None:
    [entry] = parse_litellm({"x": chat(max_tokens=8192)}, min_entries=1)
    assert entry.max_output_tokens == 8192


def _with(key: str, **fields: Any) -> dict[str, Any]:
    return small_file(1200) | {key: chat(**fields)}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"o1": {"mode": "chat", "input_cost_per_token": 1.5e-05', "not valid JSON \\(truncated\\?\\)"),
        (b"<html>rate limited</html>", "not valid JSON"),
        (b'{"o1": {"input_cost_per_token": NaN}}', "NaN"),
        (b"[]", "not a JSON object of models"),
        (b"{}", "not a JSON object of models"),
        ({"o1": ["chat"]}, "not an object of objects: 'o1'"),
        (small_file(999), "only 999 token-priced text models"),
        (_with("neg", input_cost_per_token=D("-1e-06")), "'neg' has an impossible input price"),
        (_with("big", output_cost_per_token=D("0.02")), "'big' has an impossible output price \\(20000"),
        (_with("cache", cache_read_input_token_cost=D("1")), "impossible cached input price"),
        (_with("word", input_cost_per_token="cheap"), "'word' is malformed: input_cost_per_token"),
        (_with("when", deprecation_date="soon"), "'when' is malformed: deprecation_date"),
        (_with("who", litellm_provider=""), "'who' is malformed: litellm_provider"),
    ],
)
def test_a_bad_file_is_rejected_whole_with_the_reason(raw: Any, message: str) -> None:
    with pytest.raises(CrosscheckError, match=message):
        parse_litellm(raw)


def test_rejections_are_feed_errors_like_the_price_feeds() -> None:
    assert issubclass(CrosscheckError, FeedError)


def test_a_file_that_drops_most_known_models_is_rejected() -> None:
    known = {f"gone{i}" for i in range(700)} | {f"m{i}" for i in range(600)}
    with pytest.raises(CrosscheckError, match="lacks 700 of the 1300 models known .* gone0, gone1"):
        parse_litellm(small_file(1200), known_keys=known)


def test_a_file_that_drops_a_few_known_models_passes() -> None:
    known = {f"gone{i}" for i in range(10)} | {f"m{i}" for i in range(1200)}
    assert len(parse_litellm(small_file(1200), known_keys=known)) == 1200


def test_the_real_file_passes_against_its_own_keys() -> None:
    keys = {e.key for e in litellm_entries()}
    assert len(parse_litellm(litellm_bytes(), known_keys=keys)) == len(keys)


def test_tier_service_tier_and_cache_write_prices_are_read() -> None:
    """LiteLLM's `…_above_272k_tokens`, `…_batches`, `…_flex`, `…_priority`, `cache_creation_input_token_cost`
    and `…_above_1hr` (issue 27), exact, per 1M tokens; a zero (DeepSeek's cache writes) is left out."""
    entries = {e.key: e for e in litellm_entries()}
    gpt = {e.code: e.mtok for e in entries["gpt-5.5"].extra}
    assert gpt["input_mtok@batch"] == D("2.5") and gpt["output_mtok@batch"] == D(15)
    assert gpt["input_mtok>272000"] == D(10) and gpt["output_mtok@batch>272000"] == D("22.5")
    assert gpt["input_mtok@priority"] == D("12.5") and gpt["input_mtok@flex"] == D("2.5")
    sonnet = {e.code: e.mtok for e in entries["claude-sonnet-5-5"].extra}
    assert sonnet["cache_write_mtok"] == D("2.5") and sonnet["cache_write_1h_mtok"] == D(4)
    assert sonnet["cache_write_mtok@batch"] == D("1.25")
    assert all(e.key != "cache_write_mtok" for e in entries["deepseek/deepseek-chat"].extra)
