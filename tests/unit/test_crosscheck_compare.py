"""The catalog against LiteLLM: prices more than 1% apart, context windows, retired-but-listed offerings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from bot.domain.crosscheck import Disagreement, Facts, Listed, RetiredListed, compare, load_extract
from bot.domain.prices import ExtraPrice
from bot.feeds.genai_prices import from_snapshot

TODAY = date(2026, 11, 29)
V32 = ("deepseek", "deepseek-v3.2")
O1 = ("openai", "o1")
HAIKU = ("anthropic", "claude-haiku-4-5")
GPT5 = ("openai", "gpt-5")

# A handmade catalog: what genai-prices 0.2.3 lists for these offerings.
CATALOG = {
    V32: Listed(D("0.2288"), D("0.3432"), None, 128000),
    O1: Listed(D(15), D(60), D("7.5"), 200000),
    HAIKU: Listed(D(1), D(5), D("0.1"), 200000),
    GPT5: Listed(D("1.25"), D(10), D("0.125"), 400000),
    ("openai", "not-in-litellm"): Listed(D(1), D(2), None, None),
}


def test_deepseek_v32_disagrees_on_prices_and_context_and_o1_is_retired() -> None:
    audit = compare(CATALOG, load_extract(), as_of=TODAY)
    assert audit.compared == sorted([V32, O1, HAIKU, GPT5])
    assert audit.disagreements == [
        Disagreement(V32, "input_mtok", D("0.2288"), D("0.28"), "deepseek/deepseek-v3.2"),
        Disagreement(V32, "output_mtok", D("0.3432"), D("0.4"), "deepseek/deepseek-v3.2"),
        Disagreement(V32, "context_window", 128000, 163840, "deepseek/deepseek-v3.2"),
    ]
    assert audit.agreeing == sorted([O1, HAIKU, GPT5])
    assert audit.retired == [RetiredListed(O1, date(2026, 10, 23), "o1")]


def test_an_offering_is_retired_only_from_its_date() -> None:
    assert compare(CATALOG, load_extract(), as_of=date(2026, 10, 22)).retired == []
    assert [r.key for r in compare(CATALOG, load_extract(), as_of=date(2026, 10, 23)).retired] == [O1]


def facts(input_mtok: str = "1", cached: str | None = None, max_in: int | None = None) -> Facts:
    cache = D(cached) if cached else None
    return Facts("k", D(input_mtok), D(2), cache, max_in, 128000 if max_in else None, None)


@pytest.mark.parametrize(
    ("ours", "theirs", "fields"),
    [
        (Listed(D(1), D(2), None, None), facts("1"), []),
        (Listed(D("1.01"), D(2), None, None), facts("1"), []),  # 1% of the larger: rounding
        (Listed(D("1.011"), D(2), None, None), facts("1"), ["input_mtok"]),
        (Listed(D("0.99"), D(2), None, None), facts("1"), []),
        (Listed(D("0.98"), D(2), None, None), facts("1"), ["input_mtok"]),
        (Listed(D(0), D(2), None, None), facts("1"), ["input_mtok"]),
        (Listed(D(1), D(2), D("0.5"), None), facts("1", cached="0.1"), ["cache_read_mtok"]),
        (Listed(D(1), D(2), D("0.5"), None), facts("1"), []),  # one source lacks a cached price
        (Listed(D(1), D(2), None, None), facts("1", cached="0.1"), []),
        (Listed(D(1), D(2), None, 272000), facts(max_in=272000), []),  # the input limit
        (Listed(D(1), D(2), None, 400000), facts(max_in=272000), []),  # input + output: the total
        (Listed(D(1), D(2), None, 128000), facts(max_in=131072), []),  # 128k vs 128Ki
        (Listed(D(1), D(2), None, 1000000), facts(max_in=1048576), []),  # 1M vs 1Mi
        (Listed(D(1), D(2), None, 64000), facts(max_in=131072), ["context_window"]),
        (Listed(D(1), D(2), None, None), facts(max_in=131072), []),
    ],
)
def test_which_fields_disagree(ours: Listed, theirs: Facts, fields: list[str]) -> None:
    audit = compare({("p", "m"): ours}, {("p", "m"): theirs}, as_of=TODAY)
    assert [d.field for d in audit.disagreements] == fields
    assert audit.agreeing == ([] if fields else [("p", "m")])


def test_the_real_snapshot_disagrees_on_deepseek_and_lists_retired_models() -> None:
    snapshot = {(o.provider_id, o.provider_model_id): o for o in from_snapshot(today=TODAY)}
    facts = load_extract()
    listed = {
        key: Listed(o.price.input_mtok, o.price.output_mtok, o.price.cache_read_mtok, o.context_window)
        for key, o in snapshot.items()
        if key in facts
    }
    audit = compare(listed, facts, as_of=TODAY)
    assert len(audit.compared) == len(facts)  # every bundled fact is about an offering upstream lists
    v32 = {d.field: (d.ours, d.theirs) for d in audit.disagreements if d.key == V32}
    assert v32["input_mtok"] == (D("0.2288"), D("0.28"))
    assert v32["output_mtok"] == (D("0.3432"), D("0.4"))
    retired = {r.key: r.deprecation_date for r in audit.retired}
    assert retired[O1] == date(2026, 10, 23)
    assert retired[("deepseek", "deepseek-reasoner")] == date(2026, 7, 24)
    assert retired[("deepseek", "deepseek-chat")] == date(2026, 7, 24)
    assert O1 in audit.agreeing and HAIKU in audit.agreeing


def test_tier_and_cache_write_prices_are_compared_too() -> None:
    """genai-prices' tier and cache-write prices against LiteLLM's (issue 27): gpt-5.5 above 272k is $10 in
    both (agrees); a catalog saying $12 disagrees, named by the price's code."""
    gpt55 = ("openai", "gpt-5.5")
    tier = ExtraPrice("input_mtok", "standard", 272_000, D(10))
    listed = {gpt55: Listed(D(5), D(30), D("0.5"), 1_050_000, (tier,))}
    assert compare(listed, load_extract(), as_of=TODAY).disagreements == []
    dearer = {
        gpt55: Listed(
            D(5), D(30), D("0.5"), 1_050_000, (ExtraPrice("input_mtok", "standard", 272_000, D(12)),)
        )
    }
    assert compare(dearer, load_extract(), as_of=TODAY).disagreements == [
        Disagreement(gpt55, "input_mtok>272000", D(12), D(10), "gpt-5.5")
    ]
