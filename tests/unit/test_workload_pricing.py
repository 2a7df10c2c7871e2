"""Pricing a workload (bot.domain.workloads): worked examples, each checked by hand against the lab's
published prices (checked 2026-12-07; the page named beside each), then the rules one by one.

Published prices used, USD per 1M tokens:
- OpenAI gpt-5.5 (OpenAI's pricing page as quoted by tokenmix.ai, 2026-06-04, and byteiota.com; the same
  figures in genai-prices 0.2.3 and LiteLLM 1.110.2): standard $5 in / $0.50 cached / $30 out; prompts
  above 272k $10 / $1 / $45; Batch and Flex half: $2.50 / $0.25 / $15; Batch above 272k $5 / $0.50 / $22.50
  (LiteLLM's `…_above_272k_tokens_batches`).
- Google Gemini 3.1 Pro Preview (Google's pricing page as quoted by blog.laozhang.ai, rechecked 2026-03-28,
  and glbgpt.com): $2 in / $12 out for prompts up to 200k tokens, $4 / $18 above; cached $0.20 / $0.40;
  Batch half of each: $1 / $6, above 200k $2 / $9.
- Anthropic Claude Opus 4.5 (platform.claude.com/docs/en/about-claude/pricing): $5 base input, $6.25
  5-minute cache writes, $10 1-hour cache writes, $0.50 cache hits, $25 output; 200k context.
- DeepSeek deepseek-chat (DeepSeek's off-peak notice as reported by techgethub.com and deepseek-apk.com):
  $0.27 in (cache miss) / $0.07 cache hit / $1.10 out, 50% off 16:30-00:30 UTC: $0.135 / $0.035 / $0.55;
  DeepSeek has no batch API. DeepSeek V4 Flash (genai-prices 0.2.3; DeepSeek bills double in its peak
  hours 01:00-04:00 and 06:00-10:00 UTC, per ai-tldr.dev 2026-06-29 and yoagent's release notes): off-peak
  $0.15 / $0.003 / $0.60, peak $0.30 / $0.006 / $1.20; 1M context.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.contract.requests import Workload
from bot.domain.prices import OffPeak, PriceData
from bot.domain.workloads import (
    CACHE_READ,
    CACHE_WRITE,
    CACHE_WRITE_1H,
    INPUT,
    OUTPUT,
    ExtraRate,
    Priced,
    RateCard,
    TooLong,
    card,
    choose,
    price_workload,
    workload_cost,
)

D = Decimal
M = 1_000_000
GENAI, LITELLM = "genai-prices 0.2.3", "LiteLLM 1.110.2"


def _extras(service: str, above: int, source: str, **prices: str) -> list[ExtraRate]:
    keys = {"i": INPUT, "o": OUTPUT, "r": CACHE_READ, "w": CACHE_WRITE, "w1h": CACHE_WRITE_1H}
    return [ExtraRate(keys[k], service, above, D(v), source) for k, v in prices.items()]  # type: ignore[arg-type]


GPT_55 = card(
    "OpenAI",
    PriceData(D(5), D(30), D("0.5")),
    GENAI,
    [
        *_extras("standard", 272_000, GENAI, i="10", r="1", o="45"),
        *_extras("batch", 0, LITELLM, i="2.5", r="0.25", o="15"),
        *_extras("batch", 272_000, LITELLM, i="5", r="0.5", o="22.5"),
        *_extras("flex", 0, LITELLM, i="2.5", r="0.25", o="15"),
        *_extras("priority", 0, LITELLM, i="12.5", r="1.25", o="75"),
    ],
    prompt_limit=1_050_000,
)
GEMINI_31_PRO = card(
    "Google",
    PriceData(D(2), D(12), D("0.2")),
    GENAI,
    [
        *_extras("standard", 200_000, GENAI, i="4", r="0.4", o="18"),
        *_extras("batch", 0, LITELLM, i="1", r="0.2", o="6"),
        *_extras("batch", 200_000, LITELLM, i="2", r="0.4", o="9"),
    ],
    prompt_limit=1_048_576,
)
OPUS_45 = card(
    "Anthropic",
    PriceData(D(5), D(25), D("0.5"), D("6.25")),
    GENAI,
    [
        *_extras("standard", 0, GENAI, w1h="10"),
        *_extras("batch", 0, LITELLM, i="2.5", r="0.25", o="12.5", w="3.125"),
    ],
    prompt_limit=200_000,
)
DEEPSEEK_CHAT = card(
    "DeepSeek",
    PriceData(
        D("0.27"), D("1.1"), D("0.07"), offpeak=OffPeak("16:30-00:30", D("0.135"), D("0.55"), D("0.035"))
    ),
    GENAI,
    prompt_limit=64_000,
)
DEEPSEEK_V4_FLASH = card(
    "DeepSeek",
    PriceData(
        D("0.3"),
        D("1.2"),
        D("0.006"),
        offpeak=OffPeak("04:00-06:00,10:00-01:00", D("0.15"), D("0.6"), D("0.003")),
    ),
    GENAI,
    prompt_limit=1_000_000,
)


def priced(rates: RateCard, work: Workload) -> Priced:
    found = price_workload(rates, work)
    assert isinstance(found, Priced)
    return found


def breakdown(p: Priced) -> dict[str, tuple[int, Decimal, Decimal]]:
    return {part.name: (part.tokens, part.mtok, part.cost) for part in p.parts}


def test_a_300k_prompt_pays_the_long_context_tier_on_all_input_and_output() -> None:
    work = Workload(10 * M, 2 * M, prompt_tokens=300_000)
    gemini = priced(GEMINI_31_PRO, work)
    # Google: above 200k, $4 in and $18 out: 10M x $4 + 2M x $18 = $40 + $36.
    assert gemini.total == D(76)
    assert gemini.tiers == ("above 200k",)
    assert breakdown(gemini) == {"input": (10 * M, D(4), D(40)), "output": (2 * M, D(18), D(36))}
    # OpenAI: above 272k, $10 in and $45 out: $100 + $90.
    gpt = priced(GPT_55, work)
    assert (gpt.total, gpt.tiers) == (D(190), ("above 272k",))
    # A 250k prompt is above Google's tier but not OpenAI's: $5 x 10 + $30 x 2.
    under = priced(GPT_55, Workload(10 * M, 2 * M, prompt_tokens=250_000))
    assert (under.total, under.tiers) == (D(110), ())
    # Exactly 200k is not above 200k (the labs' and genai-prices' "cliff": more than the threshold).
    assert priced(GEMINI_31_PRO, Workload(10 * M, 2 * M, prompt_tokens=200_000)).total == D(44)


def test_cache_writes_at_the_5_minute_and_1_hour_prices() -> None:
    # Opus 4.5: 10M input of which 3M read from the cache (30%), 2M written for 5 minutes and 1M for an
    # hour, so 4M uncached: 4M x $5 + 2M x $6.25 + 1M x $10 + 3M x $0.50 + 2M out x $25
    # = $20 + $12.50 + $10 + $1.50 + $50 = $94.
    work = Workload(10 * M, 2 * M, D("0.3"), cache_write_tokens=2 * M, cache_write_1h_tokens=1 * M)
    opus = priced(OPUS_45, work)
    assert breakdown(opus) == {
        "input": (4 * M, D(5), D(20)),
        "cache writes": (2 * M, D("6.25"), D("12.5")),
        "cache writes (1h)": (1 * M, D(10), D(10)),
        "cache reads": (3 * M, D("0.5"), D("1.5")),
        "output": (2 * M, D(25), D(50)),
    }
    assert opus.total == D(94)
    assert opus.notes == ()


def test_batch_at_a_lab_with_it_and_at_one_without() -> None:
    work = Workload(20 * M, 1 * M, service_tier="batch")
    # OpenAI's Batch API, half price: 20M x $2.50 + 1M x $15 = $65 (standard: $130).
    gpt = priced(GPT_55, work)
    assert (gpt.total, gpt.tiers, gpt.lacking) == (D(65), ("batch",), ())
    assert {p.source for p in gpt.parts} == {LITELLM}
    # DeepSeek has no batch API: its standard price, marked, never discounted: 20M x $0.27 + 1M x $1.10.
    deepseek = priced(DEEPSEEK_CHAT, work)
    assert (deepseek.total, deepseek.tiers, deepseek.lacking) == (D("6.5"), (), ("batch",))


def test_off_peak_at_deepseek() -> None:
    # deepseek-chat off-peak (16:30-00:30 UTC), half of every price: 7M uncached x $0.135 + 3M cached x
    # $0.035 + 2M out x $0.55 = $0.945 + $0.105 + $1.10 = $2.15 (at peak hours: $4.30).
    work = Workload(10 * M, 2 * M, D("0.3"), offpeak=True)
    off = priced(DEEPSEEK_CHAT, work)
    assert (off.total, off.tiers) == (D("2.15"), ("off-peak",))
    assert priced(DEEPSEEK_CHAT, Workload(10 * M, 2 * M, D("0.3"))).total == D("4.3")
    # A host without off-peak hours: its price, marked: 7M x $5 + 3M x $0.50 + 2M x $30.
    gpt = priced(GPT_55, work)
    assert (gpt.total, gpt.lacking) == (D("96.5"), ("off-peak",))


def test_everything_together_in_one_comparison() -> None:
    """10M in, 2M out, 30% cached, 1M cache writes, 300k prompts, batch, off-peak, at four labs."""
    work = Workload(
        10 * M,
        2 * M,
        D("0.3"),
        cache_write_tokens=1 * M,
        prompt_tokens=300_000,
        service_tier="batch",
        offpeak=True,
    )
    # gpt-5.5, batch above 272k: 6M x $5 + 1M written (no write price: billed as input, $5) + 3M x $0.50
    # + 2M x $22.50 = $30 + $5 + $1.50 + $45 = $81.50; no off-peak hours.
    gpt = priced(GPT_55, work)
    assert gpt.total == D("81.5")
    assert (gpt.tiers, gpt.lacking) == (("above 272k", "batch"), ("off-peak",))
    assert "no cache-write price: billed as input" in gpt.notes
    # Gemini 3.1 Pro, batch above 200k: 6M x $2 + 1M x $2 + 3M x $0.40 + 2M x $9 = $12 + $2 + $1.20 + $18.
    gemini = priced(GEMINI_31_PRO, work)
    assert (gemini.total, gemini.tiers) == (D("33.2"), ("above 200k", "batch"))
    # Opus 4.5 takes prompts of 200k at most: left out.
    assert price_workload(OPUS_45, work) == TooLong("Anthropic", 300_000, 200_000)
    # DeepSeek V4 Flash: no batch (marked), off-peak: 6M x $0.15 + 1M x $0.15 (writes billed as input)
    # + 3M x $0.003 + 2M x $0.60 = $0.90 + $0.15 + $0.009 + $1.20 = $2.259.
    flash = priced(DEEPSEEK_V4_FLASH, work)
    assert (flash.total, flash.tiers, flash.lacking) == (D("2.259"), ("off-peak",), ("batch",))


def test_the_cheapest_host_offering_what_was_asked_and_a_cheaper_one_without_it() -> None:
    batchless = card("Cheap Cloud", PriceData(D(2), D(10), D("0.2")), GENAI)
    work = Workload(20 * M, 1 * M, service_tier="batch")
    # OpenAI with batch: $65; Cheap Cloud without batch: 20M x $2 + 1M x $10 = $50, cheaper still.
    choice = choose([GPT_55, batchless], work)
    assert choice.best is not None and choice.best.host == "OpenAI"
    assert choice.cheaper_without is not None and choice.cheaper_without.host == "Cheap Cloud"
    assert choice.cheaper_without.total == D(50)
    # No host with batch: the cheapest, marked.
    alone = choose([DEEPSEEK_CHAT, batchless], work)
    assert alone.best is not None and alone.best.host == "DeepSeek" and alone.lacking == ("batch",)
    assert alone.cheaper_without is None


def test_a_host_without_prompt_size_tiers_is_not_assumed_flat_above_another_hosts_tier() -> None:
    # QuickSilver Pro's Gemini 3.1 Pro row in genai-prices 0.2.3: $1.70 / $10.20, no tiers listed.
    untiered = card("QuickSilver Pro", PriceData(D("1.7"), D("10.2")), GENAI, prompt_limit=1_048_576)
    long = Workload(10 * M, 2 * M, prompt_tokens=300_000)
    choice = choose([untiered, GEMINI_31_PRO], long)
    # Google's $76 above 200k is chosen; QuickSilver Pro's flat $37.40 lacks the tier, said as cheaper still.
    assert choice.best is not None and (choice.best.host, choice.best.total) == ("Google", D(76))
    assert choice.cheaper_without is not None and choice.cheaper_without.lacking == ("above 200k",)
    assert choice.cheaper_without.total == D("37.4")
    # Alone, no source of the model lists a tier: its price is the only one known, not marked.
    assert choose([untiered], long).lacking == ()
    # A prompt under every tier: nothing lacks, the cheaper host wins.
    short = choose([untiered, GEMINI_31_PRO], Workload(10 * M, 2 * M, prompt_tokens=100_000))
    assert short.best is not None and short.best.host == "QuickSilver Pro" and short.lacking == ()


def test_a_host_costing_the_same_as_the_lab_is_not_chosen_over_it() -> None:
    # genai-prices 0.2.3 lists GPT-5.5 at GitHub Copilot at OpenAI's prices: a tie goes to the lab.
    same = card("GitHub Copilot", PriceData(D(5), D(30), D("0.5")), GENAI, prompt_limit=400_000)
    work = Workload(10 * M, 2 * M)
    assert choose([same, GPT_55], work).best.host == "GitHub Copilot"  # type: ignore[union-attr]
    assert choose([same, GPT_55], work, prefer=GPT_55).best.host == "OpenAI"  # type: ignore[union-attr]
    cheaper = card("Cheap Cloud", PriceData(D(2), D(10), D("0.2")), GENAI)
    assert choose([cheaper, GPT_55], work, prefer=GPT_55).best.host == "Cheap Cloud"  # type: ignore[union-attr]


def test_a_model_no_host_of_which_takes_the_prompt() -> None:
    choice = choose([OPUS_45], Workload(10 * M, 2 * M, prompt_tokens=300_000))
    assert choice.best is None and choice.too_long == TooLong("Anthropic", 300_000, 200_000)


@pytest.mark.parametrize(
    ("rates", "work", "note", "total"),
    [
        # no 1-hour price: the 5-minute one, said (Opus 4.5 without its 1h figure): 1M x $6.25 + 9M x $5
        (
            card("Anthropic", PriceData(D(5), D(25), D("0.5"), D("6.25")), GENAI),
            Workload(10 * M, 0, cache_write_1h_tokens=1 * M),
            "no 1-hour cache-write price known: 5-minute price",
            D("51.25"),
        ),
        # no cache-read price: input price
        (
            card("Host", PriceData(D(1), D(2)), GENAI),
            Workload(10 * M, 0, D("0.5")),
            "no cache-read price: billed as input",
            D(10),
        ),
        # batch without a batch cache-read price: the standard one (Gemini batch 1M x $1 + 1M x $0.20)
        (
            card(
                "Google", PriceData(D(2), D(12), D("0.2")), GENAI, _extras("batch", 0, LITELLM, i="1", o="6")
            ),
            Workload(2 * M, 0, D("0.5"), service_tier="batch"),
            "no batch cache-read price known: standard price",
            D("1.2"),
        ),
    ],
)
def test_missing_prices_are_filled_in_and_said(
    rates: RateCard, work: Workload, note: str, total: Decimal
) -> None:
    found = priced(rates, work)
    assert note in found.notes
    assert found.total == total


def test_no_output_price_is_no_price() -> None:
    assert price_workload(card("Host", PriceData(D(1), None), GENAI), Workload(M, M)) is None
    assert priced(card("Host", PriceData(D(1), None), GENAI), Workload(M, 0)).total == D(1)


def test_a_plain_workload_costs_what_it_always_did() -> None:
    price = PriceData(D("0.55"), D("2.19"), D("0.14"))
    work = Workload(10 * M, 2 * M, D("0.3"))
    assert priced(card("DeepSeek", price, GENAI), work).total == workload_cost(price, work)


def test_a_host_without_a_1_hour_price_is_not_preferred_for_1_hour_writes() -> None:
    # A host with only the 5-minute price would look cheaper for 1-hour writes: the one with the real
    # 1-hour price is chosen, and the other said to be cheaper still without it.
    five_minute_only = card("Reseller", PriceData(D(5), D(25), D("0.5"), D("6.25")), GENAI)
    choice = choose([five_minute_only, OPUS_45], Workload(10 * M, 2 * M, cache_write_1h_tokens=1 * M))
    assert choice.best is not None and choice.best.host == "Anthropic" and choice.best.total == D(105)
    assert choice.cheaper_without is not None and choice.cheaper_without.lacking == ("1-hour cache-write",)
