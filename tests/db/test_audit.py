"""`audit`: the catalog's prices against LiteLLM's (the bundled extract), on the shipped data; and the small
answers that read wrong before (equal prices, a comparison with one side, long alternative lists)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.answers import AlternativesAnswer, AuditAnswer, ModelAnswer
from bot.contract.errors import NotAdminError, QueryError
from bot.render import blocks, text
from tests.db.test_quality import main_with

CLI = Context.cli()


@pytest.mark.engines
def test_the_audit_lists_deepseek_v32_and_retired_offerings_with_totals(catalog: Engine) -> None:
    result = respond(catalog, "audit", CLI)
    assert isinstance(result, AuditAnswer)
    v32 = {
        (d.field, d.ours, d.theirs) for d in result.disagreements if d.offering == "deepseek:deepseek-v3.2"
    }
    assert ("input_mtok", "0.2288", "0.28") in v32 and ("output_mtok", "0.3432", "0.4") in v32
    retired = {r.offering: r.deprecation_date.isoformat() for r in result.retired}
    assert retired["openai:o1"] == "2026-10-23"
    assert retired["deepseek:deepseek-reasoner"] == "2026-07-24"
    assert 0 < result.offerings_agreeing < result.offerings_compared
    assert 0 < result.models_agreeing < result.models_compared
    shown = text.to_text(result)
    assert "DeepSeek V3.2" in shown and "$0.2288" in shown and "$0.28" in shown
    assert f"{result.models_agreeing} of {result.models_compared} models agree" in shown


@pytest.mark.engines
def test_an_admins_price_settles_a_disagreement(fresh: Engine) -> None:
    respond(fresh, "set deepseek-v3.2 input 0.28 output 0.40", CLI)
    result = respond(fresh, "audit", CLI)
    assert isinstance(result, AuditAnswer)
    v32 = [
        d
        for d in result.disagreements
        if d.offering == "deepseek:deepseek-v3.2" and d.field != "context_window"
    ]
    assert v32 == []  # the admin's price now agrees with LiteLLM


def test_only_admins_see_the_audit_in_slack(catalog: Engine) -> None:
    with pytest.raises(NotAdminError):
        respond(catalog, "audit", Context.slack("U0MEMBER", "C1", lambda _: False))


def test_modelcost_audit_json(catalog_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main_with(catalog_url, ["audit", "--json"]) == 0
    audit = json.loads(capsys.readouterr().out)
    assert audit["kind"] == "audit" and audit["offerings_compared"] > 100
    assert any(d["offering"] == "deepseek:deepseek-v3.2" for d in audit["disagreements"])
    assert any(r["offering"] == "openai:o1" for r in audit["retired"])


def test_equal_prices_read_the_same_as(catalog: Engine) -> None:
    shown = text.to_text(respond(catalog, "claude-sonnet-4 vs claude-sonnet-4.5", CLI))
    assert "costs the same as" in shown and "(the same on input; the same for the workload)" in shown
    assert "1x as much" not in shown


def test_a_comparison_with_one_side_asks_with_what(
    catalog_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(QueryError, match="Compare r1 with what"):
        respond(db.engine_for(catalog_url), "r1 vs", CLI)
    assert main_with(catalog_url, ["ask", "r1", "vs"]) == 2
    assert "Compare r1 with what? Try `r1 vs o1`" in capsys.readouterr().err


def test_cheaper_shows_the_best_eight_and_all_on_request(catalog: Engine) -> None:
    few = respond(catalog, "cheaper o1", CLI)
    every = respond(catalog, "cheaper o1 --all", CLI)
    assert isinstance(few, AlternativesAnswer) and isinstance(every, AlternativesAnswer)
    assert len(few.alternatives) == 8 and few.more == len(every.alternatives) - 8 > 0
    assert every.more == 0
    assert [x.model.id for x in every.alternatives[:8]] == [x.model.id for x in few.alternatives]
    assert all(x.cost < Decimal(270) for x in every.alternatives)


def test_a_model_card_says_where_the_second_source_disagrees(fresh: Engine) -> None:
    # genai-prices' DeepSeek V3.2 row at DeepSeek is OpenRouter's earlier price (data/labprices.toml): the
    # card says so, with LiteLLM's price for DeepSeek's own.
    card = text.to_text(respond(fresh, "deepseek v3.2", CLI))
    assert "genai-prices lists DeepSeek V3.2 at DeepSeek (`deepseek-v3.2`) for $0.2288 / $0.3432" in card
    assert "LiteLLM lists DeepSeek's own V3.2 price as $0.28 / $0.40" in card
    compared = text.to_text(respond(fresh, "deepseek r1 vs o3", CLI))
    assert "DeepSeek R1 at DeepSeek: LiteLLM lists $0.28 / $0.42" in compared
    respond(fresh, "set deepseek-v3.2 input 0.28 output 0.40", CLI)  # the team settles it: its own price
    settled = text.to_text(respond(fresh, "deepseek v3.2", CLI))
    assert "LiteLLM" not in settled and "lab API         DeepSeek" in settled


def test_a_model_card_lists_the_cheapest_hosts_and_all_on_request(catalog: Engine) -> None:
    card = respond(catalog, "r1", CLI)
    every = respond(catalog, "r1 hosts", CLI)
    assert isinstance(card, ModelAnswer) and isinstance(every, ModelAnswer)
    assert len(card.model.top_hosts) == 5 < card.model.hosts == len(every.model.top_hosts)
    costs = [p.workload_cost for p in every.model.top_hosts]
    assert costs == sorted(costs)  # type: ignore[type-var]
    assert all(p.status != "retired" for p in every.model.top_hosts)
    shown = text.to_text(card)
    assert f"5 of {card.model.hosts} live hosts shown" in shown and "`deepseek-r1 hosts`" in shown
    message = blocks.answer_message(card, query="r1")
    values = [e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "deepseek-r1 hosts" in values


def test_the_more_button_asks_for_every_alternative(catalog: Engine) -> None:
    message = blocks.answer_message(respond(catalog, "cheaper o1", CLI), query="cheaper o1")
    values = [e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "cheaper o1 --all" in values


@pytest.mark.engines
def test_the_audit_lists_where_lifecycle_sources_disagree_with_totals(catalog: Engine) -> None:
    result = respond(catalog, "audit", CLI)
    assert isinstance(result, AuditAnswer)
    said = {r.offering: r.said for r in result.lifecycle}
    # Anthropic's page retired Sonnet 4 on 2026-06-15; models.dev (2026-07-02) still lists it, no status.
    assert said["anthropic:claude-sonnet-4-0"] == {"lab's page": "retired 2026-06-15", "models.dev": "active"}
    assert said["openai:o1"]["LiteLLM"] == "retired 2026-10-23"
    # Agreeing sources are not listed; nor is a models.dev listing older than the lab's announcement.
    assert "openai:gpt-4o" not in said  # announced 2026-10-14, after models.dev's 2026-07-02
    assert "x-ai:grok-4-fast-reasoning" not in said  # only the lab's page speaks
    assert result.totals["lifecycle"] == len(result.lifecycle) > 0
    assert result.totals["retired_listed"] == len(result.retired)
    shown = text.to_text(result)
    assert f"Lifecycle sources disagree ({len(result.lifecycle)}):" in shown
