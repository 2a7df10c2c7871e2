"""Workloads beyond volumes (issue 27) as the terminal shows them and `--json` carries them, on the seeded
catalog (genai-prices 0.2.3 and LiteLLM 1.110.2's extract): the tier applied, the breakdown and the source
of each price; ranking by the whole workload; bad workloads exit 2 with the accepted forms.

The figures are the labs' published prices, checked by hand in tests/unit/test_workload_pricing.py."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest

from bot import db
from bot.cli import main
from bot.commands.ask import Context, respond
from bot.render.blocks import answer_message


@pytest.fixture(autouse=True)
def _database(catalog_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", catalog_url)


def ask_json(capsys: pytest.CaptureFixture[str], text: str) -> Any:
    assert main(["ask", "--json", text]) == 0
    return json.loads(capsys.readouterr().out)


def ask_text(capsys: pytest.CaptureFixture[str], text: str) -> str:
    assert main(["ask", text]) == 0
    return capsys.readouterr().out


ALL_TOGETHER = (
    "gpt-5.5 vs gemini 3.1 pro vs claude opus 4.5 vs deepseek v4 flash "
    "for 10M in 2M out, 30% cached, 1M cache writes, 300k prompts, batch, off-peak"
)


def test_everything_together_in_one_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(capsys, ALL_TOGETHER)
    pricing = {m["id"]: m["pricing"] for m in answer["models"]}
    assert {k: p["cost"] for k, p in pricing.items()} == {
        "gpt-5.5": "81.5",  # batch above 272k; no off-peak hours
        "gemini-3.1-pro": "33.2",  # batch above 200k
        "claude-opus-4.5": None,  # 200k prompts at most: left out
        "deepseek-v4-flash": "2.259",  # off-peak; no batch
    }
    assert pricing["gpt-5.5"]["tiers"] == ["above 272k", "batch"]
    assert pricing["gpt-5.5"]["lacking"] == ["off-peak"]
    assert pricing["deepseek-v4-flash"]["tiers"] == ["off-peak"]
    assert pricing["deepseek-v4-flash"]["lacking"] == ["batch"]
    assert pricing["claude-opus-4.5"]["left_out"] == "takes prompts of 200,000 tokens at most"
    assert answer["cheapest_id"] == "deepseek-v4-flash"
    assert answer["cost_ratio"]["claude-opus-4.5"] is None
    assert answer["workload"]["prompt_tokens"] == 300_000 and answer["workload"]["service_tier"] == "batch"
    gpt_parts = {
        p["part"]: (p["tokens"], p["mtok"], p["cost"], p["source"]) for p in pricing["gpt-5.5"]["parts"]
    }
    assert gpt_parts == {
        "input": (6_000_000, "5", "30", "LiteLLM"),
        "cache writes": (1_000_000, "5", "5", "LiteLLM"),
        "cache reads": (3_000_000, "0.5", "1.5", "LiteLLM"),
        "output": (2_000_000, "22.5", "45", "LiteLLM"),
    }
    flash_sources = {p["source"] for p in pricing["deepseek-v4-flash"]["parts"]}
    assert flash_sources == {"genai-prices 0.2.3 snapshot"}
    text = ask_text(capsys, ALL_TOGETHER)
    assert "How priced:" in text
    assert "GPT-5.5 at OpenAI: $81.50, above 272k, batch; no off-peak price known" in text
    assert "Claude Opus 4.5: left out, it takes prompts of 200,000 tokens at most" in text
    assert "DeepSeek V4 Flash at DeepSeek: $2.26, off-peak; no batch price known" in text
    assert "output 2M x $22.50 = $45.00" in text


def test_a_long_prompt_at_a_tiered_and_a_flat_model(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(capsys, "gemini 3.1 pro vs claude sonnet 5.5 for 10M in 2M out, 300k prompts")
    pricing = {m["id"]: m["pricing"] for m in answer["models"]}
    assert (pricing["gemini-3.1-pro"]["cost"], pricing["gemini-3.1-pro"]["tiers"]) == ("76", ["above 200k"])
    # QuickSilver Pro lists Gemini 3.1 Pro flat ($1.70 / $10.20) with no prompt-size tiers: not known to be
    # flat above 200k where Google bills $4 / $18, so it lacks the tier and is only said as cheaper still.
    assert pricing["gemini-3.1-pro"]["cheaper_without"] == "QuickSilver Pro without above 200k: $37.40"
    # Claude Sonnet 5.5 is flat across its 1M window: $2 x 10 + $10 x 2 at Anthropic; no host of it has
    # prompt-size tiers, so its cheapest host (QuickSilver Pro, $0.50 / $2.50 in genai-prices 0.2.3) is flat.
    models = {m["id"]: m for m in answer["models"]}
    assert models["claude-sonnet-5.5"]["price"]["workload_cost"] == "40"
    assert (pricing["claude-sonnet-5.5"]["cost"], pricing["claude-sonnet-5.5"]["tiers"]) == ("10", [])


def test_cache_writes_at_5_minute_and_1_hour_prices(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(
        capsys, "claude opus 4.5 for 10M in 2M out, 30% cached, 2M cache writes, 1M 1h cache writes"
    )
    parts = {p["part"]: (p["mtok"], p["cost"]) for p in answer["model"]["pricing"]["parts"]}
    assert parts == {
        "input": ("5", "20"),
        "cache writes": ("6.25", "12.5"),
        "cache writes (1h)": ("10", "10"),
        "cache reads": ("0.5", "1.5"),
        "output": ("25", "50"),
    }
    assert answer["model"]["pricing"]["cost"] == "94"


def test_batch_at_a_lab_with_it_and_at_one_without(capsys: pytest.CaptureFixture[str]) -> None:
    gpt = ask_json(capsys, "gpt-5.5 for 20M in 1M out, batch")["model"]
    assert (gpt["pricing"]["cost"], gpt["pricing"]["tiers"], gpt["pricing"]["lacking"]) == (
        "65",
        ["batch"],
        [],
    )
    assert gpt["price"]["workload_cost"] == "65"
    # DeepSeek has no batch API: V4 Flash at its standard (peak) price, marked: 20M x $0.30 + 1M x $1.20.
    deepseek = ask_json(capsys, "deepseek v4 flash for 20M in 1M out, batch")["model"]
    assert deepseek["price"]["workload_cost"] == "7.2"
    # No host of it has a batch price: the cheapest of all at its standard price, marked; that is QuickSilver
    # Pro's $0.06 / $0.18 (genai-prices 0.2.3): 20M x $0.06 + 1M x $0.18.
    assert (deepseek["pricing"]["provider_name"], deepseek["pricing"]["cost"]) == ("QuickSilver Pro", "1.38")
    assert deepseek["pricing"]["lacking"] == ["batch"]
    assert "no batch price known" in ask_text(capsys, "deepseek v4 flash for 20M in 1M out, batch")


def test_off_peak_at_deepseek(capsys: pytest.CaptureFixture[str]) -> None:
    # V4 Flash off-peak: 7M x $0.15 + 3M x $0.003 + 2M x $0.60 = $1.05 + $0.009 + $1.20.
    flash = ask_json(capsys, "deepseek v4 flash for 10M in 2M out, 30% cached, off-peak")["model"]["pricing"]
    assert (flash["cost"], flash["tiers"]) == ("2.259", ["off-peak"])
    # deepseek-chat's DeepSeek offering is retired: its live hosts have no off-peak hours, marked.
    chat = ask_json(capsys, "deepseek-chat for 10M in 2M out, 30% cached, off-peak")["model"]["pricing"]
    assert chat["lacking"] == ["off-peak"]


def test_a_host_without_the_tier_that_is_cheaper_still_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    pricing = ask_json(capsys, "gpt-oss-120b for 20M in 1M out, batch")["model"]["pricing"]
    assert pricing["provider_name"] == "Amazon Bedrock" and pricing["tiers"] == ["batch"]
    assert pricing["cheaper_without"] == "QuickSilver Pro without batch: $0.75"


def test_cheaper_ranks_by_the_whole_workload_at_batch_prices(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(capsys, "cheaper gpt-5.5 for 20M in 1M out, batch")
    assert answer["target"]["pricing"]["cost"] == "65"  # OpenAI's batch price, not the standard $130
    costs = [D(x["cost"]) for x in answer["alternatives"]]
    assert costs == sorted(costs) and all(c < 65 for c in costs)
    for x in answer["alternatives"]:
        assert D(x["cost"]) == D(x["model"]["pricing"]["cost"])
        assert {"tiers", "parts", "lacking"} <= x["model"]["pricing"].keys()
    # With issue 25's hosts, GPT-5.5's eight alternatives are all cheapest at a host without batch prices
    # (marked); an alternative priced at its batch price: Mistral Large 3 at Amazon Bedrock, below.
    every = ask_json(capsys, "cheaper mistral-medium-3.1 for 20M in 1M out, batch --all")["alternatives"]
    batched = [x["model"]["id"] for x in every if "batch" in x["model"]["pricing"]["tiers"]]
    assert batched == ["mistral-large-3"], "some alternative is priced at its batch price"
    text = ask_text(capsys, "cheaper gpt-5.5 for 20M in 1M out, batch")
    assert "$65.00 for 20M in + 1M out, batch at OpenAI" in text
    assert "(no batch price)" in text


def test_an_alternative_cheaper_only_by_a_tier_the_target_lacks_is_said(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Mistral Large 3 is 12th cheapest since issue 25's hosts: beyond the best eight, so asked with --all.
    notes = ask_json(capsys, "cheaper mistral-medium-3.1 for 20M in 1M out, batch --all")["notes"]
    assert any("wins only by its batch price, which Mistral Medium 3.1" in n for n in notes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("o1 for 10M in", "needs both input and output tokens"),
        ("o1 for batch batch", "gives a service tier twice"),
        ("o1 for 10M in 2M out, 140% cached", "between 0% and 100%"),
        ("claude opus 4.5 for 10M in 2M out, 300k prompts", "takes prompts of 200,000 tokens at most"),
        ("cheaper claude opus 4.5 for 10M in 2M out, 300k prompts", "prompts of 200,000 tokens at most"),
    ],
)
def test_bad_workloads_exit_2_with_the_accepted_forms(
    text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", text]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_plain_answers_carry_no_pricing_fields(capsys: pytest.CaptureFixture[str]) -> None:
    answer = ask_json(capsys, "r1 vs o1")
    assert all("pricing" not in m for m in answer["models"])
    assert "service_tier" not in answer["workload"]


def test_slack_shows_how_it_was_priced(catalog_url: str) -> None:
    """The same answer in Slack: a "How priced" section with each model's tiers and parts."""
    answer = respond(db.engine_for(catalog_url), ALL_TOGETHER, Context.cli())
    body = json.dumps(answer_message(answer, query=ALL_TOGETHER)["blocks"])
    assert "*How priced*" in body
    assert "GPT-5.5 at OpenAI: $81.50, above 272k, batch; no off-peak price known" in body
    assert "Claude Opus 4.5: left out, it takes prompts of 200,000 tokens at most" in body
    card = respond(db.engine_for(catalog_url), "gpt-5.5 for 20M in 1M out, batch", Context.cli())
    assert "input 20M x $2.50 = $50.00" in json.dumps(answer_message(card, query="x")["blocks"])
